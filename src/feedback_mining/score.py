"""Theme metrics and the ranking (formulas in docs/metrics.md).

Inputs are the segments table (``doc_id``, ``theme_id``, ``sentiment``) and the documents
table (``id``, ``set_aside`` and, when mapped, ``score``).  Shares are of the *kept*
verbatims: the rows set aside (empty, non-answers...) are counted in the run summary, not
in the denominators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import ScoreConfig, SentimentConfig

THEME_COLUMNS = [
    "rank", "theme_id", "label", "keywords", "mentions", "verbatims", "share",
    "sentiment_mean", "share_negative", "negative_verbatims", "score_mean", "nps",
    "priority", "low_volume", "examples",
]


def nps(scores: pd.Series | np.ndarray) -> float:
    """Net Promoter Score of 0-10 scores: % promoters (9-10) minus % detractors (0-6).

    >>> nps([10, 9, 8, 3])
    25.0
    """
    values = pd.Series(scores, dtype=float).dropna()
    if values.empty:
        return float("nan")
    return float(100.0 * ((values >= 9).mean() - (values <= 6).mean()))


def theme_table(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    score_type: str | None = None,
    sentiment: SentimentConfig | None = None,
    config: ScoreConfig | None = None,
) -> pd.DataFrame:
    """One row per theme with its volume, sentiment and score figures, ranked by priority.

    ``priority`` is the percentage of all kept verbatims that mention the theme with
    negative sentiment: it grows with volume and with negativity, and a large theme that
    nobody complains about ranks low.
    """
    sentiment = sentiment or SentimentConfig()
    config = config or ScoreConfig()
    kept = documents[documents["set_aside"].isna()]
    n_kept = len(kept)
    has_score = "score" in documents.columns and documents["score"].notna().any()
    score_by_doc = kept.set_index("id")["score"] if has_score else None
    seg = segments[segments["theme_id"] >= 0]
    negative = seg["sentiment"] < sentiment.negative_below

    rows = []
    for theme in themes.itertuples(index=False):
        mask = (seg["theme_id"] == theme.theme_id).to_numpy()
        mentions = int(mask.sum())
        docs = pd.unique(seg.loc[mask, "doc_id"])
        neg_docs = pd.unique(seg.loc[mask & negative.to_numpy(), "doc_id"])
        row = {
            "theme_id": int(theme.theme_id),
            "label": theme.label,
            "keywords": list(theme.keywords),
            "mentions": mentions,
            "verbatims": int(len(docs)),
            "share": len(docs) / n_kept if n_kept else float("nan"),
            "sentiment_mean": float(seg.loc[mask, "sentiment"].mean()) if mentions else float("nan"),
            "share_negative": float(negative[mask].mean()) if mentions else float("nan"),
            "negative_verbatims": int(len(neg_docs)),
            "score_mean": float("nan"),
            "nps": float("nan"),
            "priority": 100.0 * len(neg_docs) / n_kept if n_kept else 0.0,
            "low_volume": mentions < config.min_mentions,
            "examples": list(theme.examples),
        }
        if score_by_doc is not None:
            scores = score_by_doc.reindex(docs)
            row["score_mean"] = float(scores.mean()) if scores.notna().any() else float("nan")
            if score_type == "nps":
                row["nps"] = nps(scores)
        rows.append(row)
    table = pd.DataFrame(rows, columns=[c for c in THEME_COLUMNS if c != "rank"])
    if table.empty:
        return pd.DataFrame(columns=THEME_COLUMNS)
    # Themes too small to judge go below the others, whatever their priority.
    table = table.sort_values(["low_volume", "priority", "verbatims", "theme_id"],
                              ascending=[True, False, False, True], kind="mergesort")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    if score_type != "nps":
        table = table.drop(columns=["nps"])
    if not has_score:
        table = table.drop(columns=["score_mean"] + (["nps"] if "nps" in table else []))
    return table.reset_index(drop=True)


def overall(documents: pd.DataFrame, segments: pd.DataFrame, *,
            score_type: str | None, sentiment: SentimentConfig | None = None) -> dict:
    """Headline figures over all kept verbatims."""
    sentiment = sentiment or SentimentConfig()
    kept = documents[documents["set_aside"].isna()]
    out: dict[str, float | int | None] = {
        "verbatims": int(len(kept)),
        "segments": int(len(segments)),
        "sentiment_mean": float(segments["sentiment"].mean()) if len(segments) else None,
        "share_negative": float((segments["sentiment"] < sentiment.negative_below).mean())
        if len(segments) else None,
    }
    if "score" in kept.columns and kept["score"].notna().any():
        out["score_mean"] = float(kept["score"].mean())
        if score_type == "nps":
            out["nps"] = nps(kept["score"])
    return out
