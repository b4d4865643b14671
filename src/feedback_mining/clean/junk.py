"""Answers that carry no feedback: empty, non-answers ("n/a", "no comment"), too short.

Each is set aside with a reason code, counted, and kept in the documents table; nothing is
dropped silently.
"""

from __future__ import annotations

import re

# Reason codes, in the order they are checked.
EMPTY = "empty"
NON_ANSWER = "non_answer"
TOO_SHORT = "too_short"

NON_ANSWERS = frozenset(
    {
        "", "n/a", "na", "n.a", "n a", "none", "nothing", "nil", "null", "nan", "no", "nope",
        "no comment", "no comments", "nothing to add", "nothing to say", "nothing else",
        "nothing really", "no thanks", "no thank you", "not applicable", "not sure", "dont know",
        "don't know", "do not know", "idk", "no idea", "none at all", "nothing at all", "ok",
        "okay", "k", "fine", "test", "testing", "xxx", "x", "?", "-", ".", "...", "no answer",
        "no feedback", "nothing comes to mind", "all good", "none thanks", "na thanks",
    }
)
_PUNCT = re.compile(r"[^\w\s'/]+")


def _key(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def junk_reason(text: str, *, min_chars: int = 3, extra: frozenset[str] = frozenset()) -> str | None:
    """Return why ``text`` is set aside, or ``None`` when it is kept.

    >>> junk_reason("N/A"), junk_reason("  "), junk_reason("Refund took weeks")
    ('non_answer', 'empty', None)
    """
    stripped = text.strip()
    if not stripped:
        return EMPTY
    key = _key(stripped)
    if key in NON_ANSWERS or key in extra or stripped.lower() in NON_ANSWERS:
        return NON_ANSWER
    if not any(ch.isalnum() for ch in stripped):
        return NON_ANSWER
    if len(stripped) < min_chars:
        return TOO_SHORT
    return None
