"""The clean stage: normalise text, redact personal data and set aside what carries no feedback.

:func:`clean` adds columns and never drops a row:

- ``text_clean``: the normalised, redacted text the models see;
- ``set_aside``: ``None`` for a kept row, else a reason code (``empty``, ``non_answer``,
  ``too_short``, ``too_long`` (longer than ``clean.max_chars``; its text is cut to that
  length in the outputs), ``gibberish_keyboard``, ``gibberish_no_vowels``, ``gibberish_repeated``,
  ``language``, ``no_content``: only greetings, thanks, placeholders of redacted data,
  masking tokens such as ``XXXX`` or @handles, see :mod:`.noise`);
- ``language``: the detected language (when ``clean.language`` is ``drop`` or ``flag``);
- ``duplicate``: True for a kept row that repeats an earlier one up to case, spacing,
  punctuation or a placeholder (it is still counted; it is only embedded once).

With ``clean.redact_pii`` (the default) the ``text`` column is redacted too, so no output
file carries the personal data.  The counts of the step (rows read, kept, set aside by
reason, redacted by type, duplicates) are in ``out.attrs["feedback_mining"]["clean"]``;
:func:`clean_with_stats` returns them directly.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from ..config import CleanConfig
from .duplicates import duplicate_key, embedding_keys
from .junk import gibberish_reason, junk_reason
from .language import LANGUAGE, detect_language
from .noise import NO_CONTENT, has_content
from .normalize import normalise, shorten
from .pii import PiiRedactor, redactor_from_config

__all__ = [
    "PiiRedactor", "clean", "clean_with_stats", "detect_language", "duplicate_key",
    "embedding_keys", "gibberish_reason", "junk_reason", "normalise",
]
ATTRS_KEY = "feedback_mining"
TOO_LONG = "too_long"
HARD_MAX_CHARS = 500_000  # whatever clean.max_chars says: spaCy stops at 1,000,000


def clean(frame: pd.DataFrame, config: CleanConfig | None = None) -> pd.DataFrame:
    """Normalise ``frame["text"]``, redact personal data and mark rows to set aside.

    Parameters
    ----------
    frame : DataFrame
        A table from :func:`feedback_mining.load` (needs a ``text`` column).
    config : CleanConfig, optional

    Returns
    -------
    A copy of ``frame`` with ``text_clean`` and ``set_aside`` (and ``language``,
    ``duplicate``) added; same index, same rows.

    Examples
    --------
    >>> import pandas as pd
    >>> out = clean(pd.DataFrame({"text": ["<b>Late</b> refund, mail me: a@b.com", "n/a"]}))
    >>> out[["text_clean", "set_aside"]].values.tolist()
    [['Late refund, mail me: [EMAIL]', None], ['n/a', 'non_answer']]
    """
    out, stats = clean_with_stats(frame, config)
    return out


def clean_with_stats(
    frame: pd.DataFrame, config: CleanConfig | None = None,
    redactor: PiiRedactor | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`clean`, also returning the step's counts for the run summary."""
    config = config or CleanConfig()
    extra = frozenset(s.strip().lower() for s in config.extra_non_answers)
    out = frame.copy()
    raw = ["" if v is None or (isinstance(v, float) and v != v) else str(v)
           for v in out["text"].tolist()]
    cleaned: list[str] = []
    reasons: list[str | None] = []
    # A reason given when the row was read (a formula without a saved value) stands.
    prior = out["set_aside"].tolist() if "set_aside" in out else [None] * len(raw)
    # 0 or a value past spaCy's limit (1,000,000 characters, error E088) still bounds texts
    limit = int(config.max_chars) if 0 < (config.max_chars or 0) <= HARD_MAX_CHARS \
        else HARD_MAX_CHARS
    for i, text in enumerate(raw):
        if len(text) > limit:
            # Set aside before any step reads it whole: no model (nor ftfy, the redactor or
            # an output cell) gets an unbounded text.  The outputs keep its beginning.
            raw[i] = text = shorten(text, limit)
            cleaned.append(normalise(text, fix=False, markup=False))
            reasons.append(TOO_LONG)
            continue
        text = normalise(text, fix=config.fix_unicode, markup=config.strip_markup)
        reason = prior[i] if isinstance(prior[i], str) else \
            junk_reason(text, min_chars=config.min_chars, extra=extra)
        if reason is None and config.gibberish:
            reason = gibberish_reason(text)
        cleaned.append(text)
        reasons.append(reason)

    redacted: Counter[str] = Counter()
    if config.redact_pii:
        redactor = redactor or redactor_from_config(config)
        before = cleaned
        cleaned, counts = redactor.transform(cleaned)
        redacted.update(counts)
        # The text column is redacted too.  Redaction is a function of the text alone, so
        # where normalising changed nothing (most rows) the redacted clean text is it.
        changed = [i for i, (r, b) in enumerate(zip(raw, before, strict=True)) if r != b]
        shown = list(cleaned)
        for i, red in zip(changed, redactor.transform([raw[i] for i in changed])[0],
                          strict=True):
            shown[i] = red
        out["text"] = pd.Series(shown, index=out.index, dtype=object)

    # After redaction, so a verbatim of only "[URL]" or "@brand thanks!" is seen as such.
    reasons = [NO_CONTENT if r is None and not has_content(t) else r
               for t, r in zip(cleaned, reasons, strict=True)]

    languages: list[str | None] | None = None
    if config.language != "keep":
        allowed = {a.lower() for a in config.languages}
        languages = [
            detect_language(t, min_chars=config.min_language_chars) if r is None else None
            for t, r in zip(cleaned, reasons, strict=True)
        ]
        if config.language == "drop":
            reasons = [LANGUAGE if r is None and lang is not None and lang not in allowed else r
                       for r, lang in zip(reasons, languages, strict=True)]

    duplicate = [False] * len(cleaned)
    if config.dedup:
        seen: set[str] = set()
        for i, (t, r) in enumerate(zip(cleaned, reasons, strict=True)):
            if r is None:
                k = duplicate_key(t)
                duplicate[i] = k in seen
                seen.add(k)

    out["text_clean"] = pd.Series(cleaned, index=out.index, dtype=object)
    out["set_aside"] = pd.Series(reasons, index=out.index, dtype=object)
    if languages is not None:
        out["language"] = pd.Series(languages, index=out.index, dtype=object)
    if config.dedup:
        out["duplicate"] = pd.Series(duplicate, index=out.index, dtype=bool)

    by_reason = Counter(r for r in reasons if r is not None)
    stats: dict[str, Any] = {
        "rows_read": len(out),
        "rows_kept": len(out) - sum(by_reason.values()),
        "rows_set_aside": dict(sorted(by_reason.items())),
        "redacted": dict(sorted(redacted.items())),
        "rows_redacted": int(sum(1 for a, b in zip(raw, out["text"].tolist(), strict=True)
                                 if a != b)) if config.redact_pii else 0,
        "duplicates": int(sum(duplicate)),
    }
    if languages is not None:
        stats["languages"] = dict(Counter(lang or "undetermined" for lang, r in
                                          zip(languages, reasons, strict=True)
                                          if r in (None, LANGUAGE)).most_common())
    meta = dict(out.attrs.get(ATTRS_KEY, {}))
    meta["clean"] = stats
    out.attrs[ATTRS_KEY] = meta
    return out, stats
