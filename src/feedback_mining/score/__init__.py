"""Theme metrics and the ranking: volume, sentiment, score and impact, trend, segments,
bootstrap intervals and priority.  Every column and formula is in docs/metrics.md.

Inputs are the segments table (``doc_id``, ``theme_id``, ``sentiment``), the documents
table (``id``, ``set_aside`` and, when mapped, ``score``, ``date`` and segment columns) and
the themes table (``theme_id``, ``label``, ``keywords``, ``examples``).  Shares are of the
*kept* verbatims: the rows set aside (empty, non-answers...) are counted in the run
summary, not in the denominators.

>>> import pandas as pd
>>> docs = pd.DataFrame({"id": ["a", "b", "c", "d"], "set_aside": None,
...                      "score": [10.0, 2.0, 6.0, 9.0]})
>>> segs = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "theme_id": [0, 1, 1, 0],
...                      "sentiment": [0.5, -0.6, -0.2, 0.3]})
>>> themes = pd.DataFrame({"theme_id": [0, 1], "label": ["fast refund", "label missing"],
...                        "keywords": [[], []], "examples": [[], []]})
>>> table = theme_table(segs, docs, themes, score_type="nps")
>>> for row in table.itertuples():
...     print(row.rank, row.label, row.nps, row.impact)
1 label missing -100.0 -100.0
2 fast refund 100.0 100.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import ScoreConfig, SentimentConfig
from ._arrays import Arrays, build_arrays, nps_value
from ._changes import CHANGE_COLUMNS, period_changes, significance_words
from ._metrics import CI_METRICS, bootstrap, ratios, sums
from ._priority import PRIORITY_COLUMNS, priority_components, score_range
from ._segments import SEGMENT_COLUMNS, segment_table, top_segments
from ._trend import THEME_TREND_COLUMNS, TREND_COLUMNS, last_two, theme_trend, trend_table

__all__ = ["CHANGE_COLUMNS", "THEME_COLUMNS", "SEGMENT_COLUMNS",
           "TREND_COLUMNS", "ThemeScores", "nps",
           "overall", "period_changes", "score_themes", "significance_words", "theme_table"]


def _ci(name: str) -> list[str]:
    return [f"{name}_ci_low", f"{name}_ci_high"]


#: every column of the theme table, in order (score columns only when there is a score,
#: ``nps*`` only for NPS; see docs/metrics.md)
THEME_COLUMNS = [
    "rank", "theme_id", "label", "keywords",
    "mentions", "verbatims", "respondents", "share",
    "sentiment_mean", *_ci("sentiment_mean"), "share_negative", "share_positive",
    "net_sentiment", "negative_verbatims",
    "score_mean", *_ci("score_mean"), "nps", *_ci("nps"),
    "impact", *_ci("impact"), "driver_gap", *_ci("driver_gap"),
    *THEME_TREND_COLUMNS[:3], *_ci("share_change"), *THEME_TREND_COLUMNS[3:],
    "top_segment", "top_segment_lift",
    *PRIORITY_COLUMNS, "low_volume", "examples",
]
SCORE_COLUMNS = ["score_mean", *_ci("score_mean"), "nps", *_ci("nps"), "impact", *_ci("impact"),
                 "driver_gap", *_ci("driver_gap")]


def nps(scores: pd.Series | np.ndarray | list) -> float:
    """Net Promoter Score of 0-10 scores: % promoters (9-10) minus % detractors (0-6).

    >>> nps([10, 9, 8, 3])
    25.0
    """
    values = pd.Series(scores, dtype=float).dropna()
    if values.empty:
        return float("nan")
    return float(nps_value(values.to_numpy()).mean())


@dataclass
class ThemeScores:
    """The three tables of the score stage."""

    themes: pd.DataFrame  # one row per theme, ranked
    theme_segments: pd.DataFrame  # theme x segment column x segment value
    trend: pd.DataFrame  # theme x period


def score_themes(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    score_type: str | None = None,
    segment_columns: list[str] | None = None,
    sentiment: SentimentConfig | None = None,
    config: ScoreConfig | None = None,
) -> ThemeScores:
    """Compute the theme table, the segment breakdown and the trend table in one pass."""
    sentiment = sentiment or SentimentConfig()
    config = config or ScoreConfig()
    theme_ids = themes["theme_id"].astype(int).to_numpy()
    labels = themes["label"].astype(str).tolist()
    a = build_arrays(segments, documents, theme_ids, score_type=score_type,
                     sentiment=sentiment, config=config)
    point = sums(a, np.ones((1, a.n)))
    metrics = {name: values[0] for name, values in ratios(point, score_type).items()}

    table = pd.DataFrame({
        "theme_id": theme_ids,
        "label": labels,
        "keywords": [list(v) for v in themes.get("keywords", pd.Series([[]] * len(themes)))],
        "mentions": point["mentions"][0].astype(int),
        "verbatims": point["verbatims"][0].astype(int),
        "respondents": _respondents(a),
        "negative_verbatims": np.asarray((a.seg_neg > 0).sum(axis=0)).ravel().astype(int),
    })
    for name, values in metrics.items():
        table[name] = values
    trend = theme_trend(a, config)
    for name in THEME_TREND_COLUMNS:
        table[name] = trend[name].to_numpy()

    masks = last_two(a)
    intervals = bootstrap(a, score_type=score_type, resamples=config.bootstrap,
                          level=config.ci_level, seed=config.seed,
                          last=masks[0] if masks else None, prev=masks[1] if masks else None)
    for name in CI_METRICS:
        if name in table:
            low, high = intervals.get(name, (np.full(len(table), np.nan),) * 2)
            table[f"{name}_ci_low"], table[f"{name}_ci_high"] = low, high

    by_segment = segment_table(a, documents, list(segment_columns or []), labels,
                               overall_share=table["share"].to_numpy(float),
                               score_type=score_type, config=config)
    top = top_segments(by_segment, theme_ids, alpha=config.alpha)
    table["top_segment"] = top["top_segment"].to_numpy()
    table["top_segment_lift"] = top["top_segment_lift"].to_numpy()

    scored = point["th_scored"][0] if a.has_score is not None else None
    raw_scores = None if a.has_score is None else np.where(a.has_score > 0, a.raw, np.nan)
    prio = priority_components(table, neg_rate=a.neg_rate, scored=scored,
                               span=score_range(score_type, raw_scores), config=config)
    for name in PRIORITY_COLUMNS:
        table[name] = prio[name].to_numpy()
    table["low_volume"] = table["mentions"] < config.min_mentions
    table["examples"] = [list(v) for v in themes.get("examples", pd.Series([[]] * len(themes)))]
    return ThemeScores(themes=_rank(table, a, score_type), theme_segments=by_segment,
                       trend=trend_table(a, labels))


def _respondents(a: Arrays) -> np.ndarray:
    """Distinct units (respondents, conversations) among each theme's verbatims."""
    coo = a.mention.tocoo()
    k = len(a.theme_ids)
    if coo.nnz == 0:
        return np.zeros(k, dtype=int)
    width = int(a.unit.max()) + 1
    keys = np.unique(coo.col.astype(np.int64) * width + a.unit[coo.row])
    return np.bincount(keys // width, minlength=k).astype(int)


def _rank(table: pd.DataFrame, a: Arrays, score_type: str | None) -> pd.DataFrame:
    # Themes too small to judge go below the others, whatever their priority.
    table = table.sort_values(["low_volume", "priority", "verbatims", "theme_id"],
                              ascending=[True, False, False, True], kind="mergesort")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    drop = set()
    if score_type != "nps" or a.has_score is None:
        drop |= {"nps", *_ci("nps")}
    if a.has_score is None:
        drop |= set(SCORE_COLUMNS)
    columns = [c for c in THEME_COLUMNS if c not in drop]
    return table.reindex(columns=columns).reset_index(drop=True)


def theme_table(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    score_type: str | None = None,
    segment_columns: list[str] | None = None,
    sentiment: SentimentConfig | None = None,
    config: ScoreConfig | None = None,
) -> pd.DataFrame:
    """One row per theme with its volume, sentiment, score, impact, trend, top segment and
    priority figures, ranked by priority (``rank`` 1 first; ``low_volume`` themes last).
    See :func:`score_themes` for the segment and trend tables as well."""
    return score_themes(segments, documents, themes, score_type=score_type,
                        segment_columns=segment_columns, sentiment=sentiment,
                        config=config).themes


def overall(documents: pd.DataFrame, segments: pd.DataFrame, *,
            score_type: str | None, sentiment: SentimentConfig | None = None) -> dict:
    """Headline figures over all kept verbatims."""
    sentiment = sentiment or SentimentConfig()
    kept = documents[documents["set_aside"].isna()]
    n_seg = len(segments)
    out: dict[str, float | int | None] = {
        "verbatims": int(len(kept)),
        "segments": int(n_seg),
        "sentiment_mean": float(segments["sentiment"].mean()) if n_seg else None,
        "share_negative": float((segments["sentiment"] < sentiment.negative_below).mean())
        if n_seg else None,
        "net_sentiment": float((segments["sentiment"] > sentiment.positive_above).mean()
                               - (segments["sentiment"] < sentiment.negative_below).mean())
        if n_seg else None,
    }
    if "score" in kept.columns and kept["score"].notna().any():
        out["score_mean"] = float(kept["score"].mean())
        if score_type == "nps":
            out["nps"] = nps(kept["score"])
    return out
