"""Themes over time: the theme x period table and the change in share against the
previous period, with a two-proportion z-test of whether it is beyond noise."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import erfc

from ..config import ScoreConfig
from ._arrays import Arrays

TREND_COLUMNS = ["theme_id", "label", "period", "period_start", "period_verbatims",
                 "mentions", "verbatims", "share"]
THEME_TREND_COLUMNS = ["share_prev", "share_last", "share_change", "share_change_p",
                       "emerging"]


def _by_period(a: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(period totals (T,), theme verbatims (T, k), theme mentions (T, k))."""
    dated = a.period >= 0
    T = len(a.periods)
    onehot = sp.csr_matrix((np.ones(int(dated.sum())), (a.period[dated], np.flatnonzero(dated))),
                           shape=(T, a.n))
    totals = np.asarray(onehot.sum(axis=1)).ravel()
    return totals, np.asarray((onehot @ a.mention).todense()), \
        np.asarray((onehot @ a.seg_count).todense())


def trend_table(a: Arrays, labels: list[str]) -> pd.DataFrame:
    """Long table: one row per theme and period that has verbatims (empty without dates)."""
    if not a.periods:
        return pd.DataFrame(columns=TREND_COLUMNS)
    totals, verbatims, mentions = _by_period(a)
    T, k = verbatims.shape
    frame = pd.DataFrame({
        "theme_id": np.tile(a.theme_ids, T),
        "label": np.tile(np.asarray(labels, dtype=object), T),
        "period": np.repeat([str(p) for p in a.periods], k),
        "period_start": np.repeat([p.start_time for p in a.periods], k),
        "period_verbatims": np.repeat(totals.astype(int), k),
        "mentions": mentions.ravel().astype(int),
        "verbatims": verbatims.ravel().astype(int),
    })
    frame["share"] = frame["verbatims"] / frame["period_verbatims"]
    return frame.sort_values(["theme_id", "period_start"], kind="mergesort")[TREND_COLUMNS] \
        .reset_index(drop=True)


def two_proportion_p(x1: np.ndarray, n1: float, x0: np.ndarray, n0: float) -> np.ndarray:
    """Two-sided p-value of the pooled two-proportion z-test of x1/n1 against x0/n0.

    When the pooled proportion is 0 or 1 both shares are equal and the p-value is 1.
    """
    x1, x0 = np.asarray(x1, float), np.asarray(x0, float)
    pooled = (x1 + x0) / (n1 + n0)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (x1 / n1 - x0 / n0) / se, 0.0)
    return erfc(np.abs(z) / math.sqrt(2))


def last_two(a: Arrays) -> tuple[np.ndarray, np.ndarray] | None:
    """Masks of the verbatims of the last and the previous period (the last two periods that
    have verbatims), or None with fewer than two periods."""
    if len(a.periods) < 2:
        return None
    present = np.unique(a.period[a.period >= 0])
    if len(present) < 2:
        return None
    return a.period == present[-1], a.period == present[-2]


def theme_trend(a: Arrays, config: ScoreConfig) -> pd.DataFrame:
    """Per theme: share in the previous and last period, the change, its p-value and the
    ``emerging`` flag.  NaN (and ``emerging`` False) without two periods."""
    k = len(a.theme_ids)
    out = pd.DataFrame({"share_prev": np.nan, "share_last": np.nan, "share_change": np.nan,
                        "share_change_p": np.nan, "emerging": False}, index=range(k))
    masks = last_two(a)
    if masks is None:
        return out
    last, prev = masks
    n1, n0 = float(last.sum()), float(prev.sum())
    x1 = np.asarray(a.mention[last].sum(axis=0)).ravel()
    x0 = np.asarray(a.mention[prev].sum(axis=0)).ravel()
    out["share_last"], out["share_prev"] = x1 / n1, x0 / n0
    out["share_change"] = out["share_last"] - out["share_prev"]
    out["share_change_p"] = two_proportion_p(x1, n1, x0, n0)
    grew_enough = (x0 == 0) | (out["share_last"] >= (1 + config.emerging_growth) * out["share_prev"])
    out["emerging"] = ((x1 >= config.min_mentions) & (out["share_change"] > 0)
                       & (out["share_change_p"] < config.alpha) & grew_enough)
    return out
