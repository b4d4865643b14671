"""The segment stage: split each kept verbatim into the pieces themes are found in.

The segments table has one row per segment: ``doc_id`` (the verbatim's id), ``segment``
(0-based position in the verbatim) and ``text``.  Volume can then be counted by segment
(mentions) or by verbatim.
"""

from __future__ import annotations

import pandas as pd

from .config import SegmentConfig
from .errors import config_error

METHODS = ("none",)


def segment(documents: pd.DataFrame, config: SegmentConfig | None = None) -> pd.DataFrame:
    """Return the segments of the kept rows of ``documents`` (``set_aside`` is null).

    >>> docs = pd.DataFrame({"id": ["a", "b"], "text_clean": ["Late refund", "n/a"],
    ...                      "set_aside": [None, "non_answer"]})
    >>> segment(docs).values.tolist()
    [['a', 0, 'Late refund']]
    """
    config = config or SegmentConfig()
    if config.method not in METHODS:
        raise config_error("segment.method", f"one of {METHODS}", config.method)
    kept = documents[documents["set_aside"].isna()]
    return pd.DataFrame({
        "doc_id": kept["id"].to_numpy(),
        "segment": 0,
        "text": kept["text_clean"].to_numpy(),
    })
