"""Exact and near-duplicate verbatims: embedded once, counted every time.

Two texts are near-duplicates when they are the same up to case, spacing, punctuation,
accents or a personal-data placeholder ("Order [ORDER_ID] late!!" and "order [PHONE] late").
Each row gets an ``embed_key``: the text of the first row with the same duplicate key.  The
embedder encodes each distinct ``embed_key`` once and every row keeps its own vector, so
theme volume never shrinks because of deduplication.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

_PLACEHOLDER = re.compile(r"\[[A-Z_]{2,20}\]")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def duplicate_key(text: str) -> str:
    """The text reduced to what makes it different from another.

    >>> duplicate_key("Refund  took 3 WEEKS!!") == duplicate_key("refund took 3 weeks")
    True
    >>> duplicate_key("call [PHONE] now") == duplicate_key("Call [EMAIL] now.")
    True
    """
    text = _PLACEHOLDER.sub(" pii ", str(text))
    text = text.casefold()
    if not text.isascii():  # ASCII has no accents to drop (most texts: skip the loop)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).split())


def embedding_keys(texts: Sequence[str] | pd.Series) -> tuple[list[str], dict[str, int]]:
    """Return the ``embed_key`` of each text and counts (``rows``, ``distinct``, ``duplicates``).

    >>> keys, stats = embedding_keys(["Late refund!", "late refund", "Courier lost it"])
    >>> keys, stats["duplicates"]
    (['Late refund!', 'Late refund!', 'Courier lost it'], 1)
    """
    first: dict[str, str] = {}
    keys: list[str] = []
    exact = 0
    seen_exact: set[str] = set()
    for text in list(texts):
        text = str(text)
        if text in seen_exact:
            exact += 1
        seen_exact.add(text)
        k = duplicate_key(text)
        if k not in first:
            first[k] = text
        keys.append(first[k])
    distinct = len(first)
    return keys, {
        "rows": len(keys),
        "distinct": distinct,
        "duplicates": len(keys) - distinct,
        "exact_duplicates": exact,
    }
