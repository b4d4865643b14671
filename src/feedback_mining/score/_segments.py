"""Every theme metric broken down by segment column (channel, market, category...), and
the segment where each theme is most over-represented (lift)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..config import ScoreConfig
from ._arrays import Arrays
from ._metrics import ratios, sums
from ._trend import two_proportion_p

SEGMENT_COLUMNS = [
    "theme_id", "label", "segment_column", "segment_value", "segment_verbatims",
    "mentions", "verbatims", "share", "lift", "lift_p", "sentiment_mean", "share_negative",
    "net_sentiment", "score_mean", "nps", "impact", "driver_gap", "low_volume",
]


def segment_table(a: Arrays, documents: pd.DataFrame, columns: list[str], labels: list[str], *,
                  overall_share: np.ndarray, score_type: str | None,
                  config: ScoreConfig) -> pd.DataFrame:
    """Long table: theme x segment column x segment value, with the theme's metrics inside
    the segment and ``lift`` = share in the segment / share over all kept verbatims."""
    kept = documents[documents["set_aside"].isna()].reset_index(drop=True)
    frames = []
    k = len(a.theme_ids)
    for column in columns:
        if column not in kept.columns:
            continue
        # one row of 0/1 weights per segment value: the sums of every value in one product
        codes, values = pd.factorize(kept[column].astype(str), sort=True)
        V = len(values)
        onehot = sp.csr_matrix((np.ones(a.n), (codes, np.arange(a.n))), shape=(V, a.n))
        s = sums(a, onehot)
        metrics = ratios(s, score_type)
        frame = pd.DataFrame({
            "theme_id": np.tile(a.theme_ids, V),
            "label": np.tile(np.asarray(labels, dtype=object), V),
            "segment_column": column,
            "segment_value": np.repeat(np.asarray(values, dtype=object), k),
            "segment_verbatims": np.repeat(s["n"].astype(int), k),
            "mentions": s["mentions"].ravel().astype(int),
            "verbatims": s["verbatims"].ravel().astype(int),
        })
        for name in ("share", "sentiment_mean", "share_negative", "net_sentiment",
                     "score_mean", "nps", "impact", "driver_gap"):
            frame[name] = metrics[name].ravel() if name in metrics else np.nan
        overall = np.tile(overall_share, V)
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["lift"] = np.where(overall > 0, frame["share"] / overall, np.nan)
        # is the theme's share in the segment different from its share outside it?
        x1 = frame["verbatims"].to_numpy(float)
        n1 = frame["segment_verbatims"].to_numpy(float)
        x0 = np.round(np.tile(overall_share * a.n, V)) - x1
        n0 = a.n - n1
        frame["lift_p"] = np.where(n0 > 0, two_proportion_p(x1, n1, x0, np.maximum(n0, 1)), np.nan)
        frame["low_volume"] = frame["verbatims"] < config.segment_min_verbatims
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[SEGMENT_COLUMNS]
    if score_type != "nps" or a.has_score is None:
        out = out.drop(columns=["nps"])
    if a.has_score is None:
        out = out.drop(columns=[c for c in ("score_mean", "nps", "impact", "driver_gap") if c in out])
    return out


def top_segments(table: pd.DataFrame, theme_ids: np.ndarray, alpha: float = 0.05) -> pd.DataFrame:
    """Per theme, the segment with the highest lift above 1 among those with at least
    ``segment_min_verbatims`` theme verbatims (``low_volume`` false) whose share differs
    from the share outside the segment beyond noise (``lift_p < alpha``); None / NaN if none."""
    out = pd.DataFrame({"theme_id": theme_ids, "top_segment": None, "top_segment_lift": np.nan})
    if table.empty:
        return out
    ok = table[~table["low_volume"].astype(bool) & (table["lift"] > 1) & (table["lift_p"] < alpha)]
    if ok.empty:
        return out
    best = ok.sort_values(["theme_id", "lift", "verbatims"], ascending=[True, False, False],
                          kind="mergesort").drop_duplicates("theme_id")
    name = best["segment_column"].astype(str) + "=" + best["segment_value"].astype(str)
    lookup = dict(zip(best["theme_id"], zip(name, best["lift"], strict=True), strict=True))
    out["top_segment"] = [lookup.get(t, (None, np.nan))[0] for t in theme_ids]
    out["top_segment_lift"] = [lookup.get(t, (None, np.nan))[1] for t in theme_ids]
    return out
