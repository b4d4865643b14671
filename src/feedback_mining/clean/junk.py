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


# ------------------------------------------------------------------ gibberish
GIBBERISH_KEYBOARD = "gibberish_keyboard"
GIBBERISH_NO_VOWELS = "gibberish_no_vowels"
GIBBERISH_REPEATED = "gibberish_repeated"

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn", "qwertzuiop",
         "yxcvbnm", "1234567890")
_NEIGHBOURS = {
    (row[i], row[j]) for row in _ROWS for i in range(len(row)) for j in (i - 1, i + 1)
    if 0 <= j < len(row)
}
_LATIN_WORD = re.compile(r"[a-z]+")
_VOWELS = set("aeiouy")


def _keyboard_run(word: str) -> bool:
    """A word of 5+ letters where every neighbouring pair is adjacent on a keyboard row."""
    if len(word) < 5:
        return False
    pairs = [(a, b) for a, b in zip(word, word[1:], strict=False)]
    adjacent = sum((a, b) in _NEIGHBOURS or a == b for a, b in pairs)
    return adjacent / len(pairs) >= 0.8 and len(set(word)) >= 3


def gibberish_reason(text: str) -> str | None:
    """Why ``text`` reads as gibberish (keyboard mash, no vowels, one repeated character), or None.

    Only whole answers made of such tokens are flagged, so a review with one odd word is kept.

    >>> gibberish_reason("asdfghjkl"), gibberish_reason("xcvbnm qwrt"), gibberish_reason("aaaaaaa")
    ('gibberish_keyboard', 'gibberish_keyboard', 'gibberish_repeated')
    >>> gibberish_reason("sdfg hjkl"), gibberish_reason("Refund took weeks") is None
    ('gibberish_no_vowels', True)
    """
    lowered = text.lower()
    squeezed = "".join(lowered.split())
    if len(squeezed) >= 4 and len(set(squeezed)) <= 2 and any(ch.isalnum() for ch in squeezed):
        return GIBBERISH_REPEATED
    words = _LATIN_WORD.findall(lowered)
    if len(words) > 12:  # a long answer is judged on its words elsewhere, not as a mash
        return None
    letters = sum(len(w) for w in words)
    # only judge texts written (almost) entirely in Latin letters
    # (in an ASCII text every letter is in a Latin word: no need to count them again)
    if letters < 4 or (not lowered.isascii()
                       and letters < 0.8 * sum(ch.isalpha() for ch in lowered)):
        return None
    mash = sum(len(w) for w in words if _keyboard_run(w))
    if mash >= 0.6 * letters:
        return GIBBERISH_KEYBOARD
    if len(words) <= 4 and letters >= 5 and not any(ch in _VOWELS for ch in "".join(words)):
        return GIBBERISH_NO_VOWELS
    return None
