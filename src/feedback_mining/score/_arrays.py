"""The tables of a run turned into aligned arrays: one row per kept verbatim, one column
per theme.

Every theme metric is a ratio of sums over verbatims (how many mention the theme, the
sum of their sentiment, of their scores...).  Holding those per-verbatim quantities as
sparse ``verbatims x themes`` matrices lets one matrix product give the sums for every
theme at once, and the same product with a matrix of bootstrap weights gives the
resampled sums (see ``_metrics.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..config import ScoreConfig, SentimentConfig
from ..errors import input_error


def nps_value(scores: np.ndarray) -> np.ndarray:
    """Each respondent's contribution to NPS: +100 promoter (9-10), -100 detractor (0-6),
    0 passive; the NPS of a group is the mean of these values."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores >= 9, 100.0, np.where(scores <= 6, -100.0, 0.0))


@dataclass
class Arrays:
    """Per-verbatim quantities of the kept verbatims (``n`` rows) and ``k`` themes."""

    ids: np.ndarray  # (n,) verbatim ids
    theme_ids: np.ndarray  # (k,)
    mention: sp.csr_matrix  # (n, k) 1 where the verbatim mentions the theme
    seg_count: sp.csr_matrix  # (n, k) number of the verbatim's segments in the theme
    seg_sum: sp.csr_matrix  # (n, k) sum of those segments' sentiment
    seg_neg: sp.csr_matrix  # (n, k) how many of them are negative
    seg_pos: sp.csr_matrix  # (n, k) how many of them are positive
    has_score: np.ndarray | None  # (n,) 1.0 where the verbatim has a score, else None
    raw: np.ndarray | None  # (n,) the score, 0 where missing
    head: np.ndarray | None  # (n,) headline value: NPS value (nps) or the score, 0 where missing
    m_has: sp.csr_matrix | None  # mention * has_score
    m_raw: sp.csr_matrix | None  # mention * raw
    m_head: sp.csr_matrix | None  # mention * head
    period: np.ndarray  # (n,) period code, -1 without a date
    periods: list  # the pandas Periods the codes point to, in time order
    unit: np.ndarray  # (n,) unit (respondent/conversation) codes
    segments_all: int  # segments of the kept verbatims (themed or not)
    neg_rate: float  # share of all segments that are negative (the shrinkage target)

    @property
    def n(self) -> int:
        return len(self.ids)


def build_arrays(segments: pd.DataFrame, documents: pd.DataFrame, theme_ids: np.ndarray, *,
                 score_type: str | None, sentiment: SentimentConfig,
                 config: ScoreConfig) -> Arrays:
    """Align segments and documents on the kept verbatims and the given themes."""
    kept = documents[documents["set_aside"].isna()].reset_index(drop=True)
    n, k = len(kept), len(theme_ids)
    doc_index = pd.Index(kept["id"])
    row = doc_index.get_indexer(segments["doc_id"])
    col = pd.Index(theme_ids).get_indexer(segments["theme_id"])
    sent = segments["sentiment"].to_numpy(dtype=float)
    in_kept = row >= 0
    neg_all = sent[in_kept] < sentiment.negative_below
    ok = in_kept & (col >= 0)
    r, c, s = row[ok], col[ok], sent[ok]

    def matrix(values: np.ndarray) -> sp.csr_matrix:
        m = sp.coo_matrix((values.astype(float), (r, c)), shape=(n, k)).tocsr()
        m.sum_duplicates()
        return m

    seg_count = matrix(np.ones(len(r)))
    mention = seg_count.copy()
    mention.data[:] = 1.0
    arrays = dict(
        ids=kept["id"].to_numpy(), theme_ids=np.asarray(theme_ids), mention=mention,
        seg_count=seg_count, seg_sum=matrix(s),
        seg_neg=matrix((s < sentiment.negative_below).astype(float)),
        seg_pos=matrix((s > sentiment.positive_above).astype(float)),
        has_score=None, raw=None, head=None, m_has=None, m_raw=None, m_head=None,
        segments_all=int(in_kept.sum()),
        neg_rate=float(neg_all.mean()) if len(neg_all) else float("nan"),
    )
    if "score" in kept.columns and kept["score"].notna().any():
        score = kept["score"].to_numpy(dtype=float)
        has = np.isfinite(score)
        raw = np.where(has, score, 0.0)
        head = np.where(has, nps_value(score), 0.0) if score_type == "nps" else raw
        diag = sp.diags
        arrays.update(has_score=has.astype(float), raw=raw, head=head,
                      m_has=sp.csr_matrix(diag(has.astype(float)) @ mention),
                      m_raw=sp.csr_matrix(diag(raw) @ mention),
                      m_head=sp.csr_matrix(diag(head) @ mention))
    arrays["period"], arrays["periods"] = _periods(kept, config.period)
    arrays["unit"] = _units(kept, config.unit_column)
    return Arrays(**arrays)


def _periods(kept: pd.DataFrame, period: str) -> tuple[np.ndarray, list]:
    if "date" not in kept.columns or kept["date"].notna().sum() == 0:
        return np.full(len(kept), -1), []
    dates = pd.to_datetime(kept["date"])
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    codes, uniques = pd.factorize(dates.dt.to_period(period), sort=True)
    return codes.astype(int), list(uniques)


def _units(kept: pd.DataFrame, unit_column: str | None) -> np.ndarray:
    if unit_column is None:
        return np.arange(len(kept))
    if unit_column not in kept.columns:
        raise input_error(
            f"score.unit_column '{unit_column}'", "a column of the documents table",
            f"only {', '.join(map(str, kept.columns))}",
            "Load the column with the data (e.g. list it in input.segments or pass a frame "
            "that has it) or unset score.unit_column.")
    codes, _ = pd.factorize(kept[unit_column].astype(str))
    return codes
