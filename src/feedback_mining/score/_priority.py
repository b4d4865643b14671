"""The priority score: which theme to fix first (the formula is explained in
docs/metrics.md, section "Priority").

    priority = 100 * priority_volume * harm * (1 + priority_growth)
    harm     = mean of priority_negativity and priority_impact (those that are defined)

Every component is on a fixed scale that does not depend on the other themes or on the
data set (no fitting, no rescaling to the largest theme), so a theme's priority means the
same thing from one run to the next: it is the percentage of all kept verbatims that
mention the theme, weighted by how harmful the theme is (0: harmless, 1: every mention
negative and the worst possible score), boosted up to twice when the theme is growing
beyond noise.  Small themes are pulled towards the average before they are judged, so
two angry verbatims cannot outrank a hundred.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import ScoreConfig

PRIORITY_COLUMNS = ["priority", "priority_volume", "priority_negativity", "priority_impact",
                    "priority_growth"]


def score_range(score_type: str | None, scores: np.ndarray | None) -> float:
    """Span of the per-verbatim values the driver gap is measured in: 200 for NPS (+100
    promoter to -100 detractor), the observed max - min of the score otherwise."""
    if score_type == "nps":
        return 200.0
    if scores is None or not np.isfinite(scores).any():
        return float("nan")
    return float(np.nanmax(scores) - np.nanmin(scores))


def priority_components(table: pd.DataFrame, *, neg_rate: float, scored: np.ndarray | None,
                        span: float, config: ScoreConfig) -> pd.DataFrame:
    """The four components and the priority, one row per theme of ``table``.

    ``table`` needs ``share``, ``mentions``, ``share_negative``, ``driver_gap`` (when
    scored), ``share_prev``, ``share_change``, ``share_change_p``; ``scored`` is the
    number of scored verbatims that mention each theme.
    """
    m = config.shrinkage
    volume = table["share"].fillna(0.0).to_numpy(float)
    mentions = table["mentions"].to_numpy(float)
    negatives = (table["share_negative"].fillna(0.0) * table["mentions"]).to_numpy(float)
    target = 0.0 if not np.isfinite(neg_rate) else neg_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        negativity = np.where(mentions + m > 0, (negatives + m * target) / (mentions + m), target)

    impact = np.full(len(table), np.nan)
    if scored is not None and "driver_gap" in table and np.isfinite(span):
        gap = table["driver_gap"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            shrunk = gap * scored / (scored + m) if m > 0 else gap
            impact = np.where(span > 0, np.clip(-shrunk / span, 0.0, 1.0) + 0.0, 0.0)  # no -0.0
        impact = np.where(np.isfinite(gap), impact, np.nan)

    growth = np.full(len(table), np.nan)
    if table["share_change"].notna().any():
        prev = table["share_prev"].to_numpy(float)
        change = table["share_change"].to_numpy(float)
        significant = (change > 0) & (table["share_change_p"].to_numpy(float) < config.alpha)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(prev > 0, change / prev, 1.0)
        growth = np.where(significant, np.clip(relative, 0.0, 1.0), 0.0)
        growth = np.where(np.isfinite(change), growth, np.nan)

    stacked = np.vstack([negativity, impact])
    harm = np.where(np.isfinite(impact), stacked.mean(axis=0), negativity)
    boost = 1.0 + np.nan_to_num(growth, nan=0.0)
    return pd.DataFrame({
        "priority": 100.0 * volume * harm * boost,
        "priority_volume": volume,
        "priority_negativity": negativity,
        "priority_impact": impact,
        "priority_growth": growth,
    }, index=table.index)
