"""The clean stage: normalise text and set aside what carries no feedback.

:func:`clean` adds two columns and never drops a row:

- ``text_clean``: the normalised text the models see;
- ``set_aside``: ``None`` for a kept row, else a reason code (``empty``, ``non_answer``,
  ``too_short``).
"""

from __future__ import annotations

import pandas as pd

from ..config import CleanConfig
from .junk import junk_reason
from .normalize import normalise

__all__ = ["clean", "junk_reason", "normalise"]


def clean(frame: pd.DataFrame, config: CleanConfig | None = None) -> pd.DataFrame:
    """Normalise ``frame["text"]`` and mark rows to set aside.

    Parameters
    ----------
    frame : DataFrame
        A table from :func:`feedback_mining.load` (needs a ``text`` column).
    config : CleanConfig, optional

    Returns
    -------
    A copy of ``frame`` with ``text_clean`` and ``set_aside`` added; same index, same rows.

    Examples
    --------
    >>> import pandas as pd
    >>> out = clean(pd.DataFrame({"text": ["<b>Late</b> refund", "n/a"]}))
    >>> out[["text_clean", "set_aside"]].values.tolist()
    [['Late refund', None], ['n/a', 'non_answer']]
    """
    config = config or CleanConfig()
    extra = frozenset(s.strip().lower() for s in config.extra_non_answers)
    out = frame.copy()
    cleaned: list[str] = []
    reasons: list[str | None] = []
    for raw in out["text"].tolist():
        text = normalise(str(raw), fix=config.fix_unicode, markup=config.strip_markup)
        reason = junk_reason(text, min_chars=config.min_chars, extra=extra)
        cleaned.append(text)
        reasons.append(reason)
    out["text_clean"] = pd.Series(cleaned, index=out.index, dtype=object)
    out["set_aside"] = pd.Series(reasons, index=out.index, dtype=object)
    return out
