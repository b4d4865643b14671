"""Theme metrics as ratios of weighted sums, and their bootstrap intervals.

``sums(arrays, W)`` takes a weight matrix ``W`` of shape ``(B, n)`` (one row of weights
per verbatim for each of ``B`` replicates) and returns every sum the metrics need, for
every theme, by sparse matrix products.  The point estimate is ``W = ones((1, n))``; a
bootstrap replicate is a row of multinomial counts (how often each verbatim was drawn).
The verbatim is the resampling unit, so the segments of one verbatim move together.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from ._arrays import Arrays

#: metrics that get a bootstrap interval (``<name>_ci_low`` / ``<name>_ci_high``)
CI_METRICS = ("sentiment_mean", "score_mean", "nps", "impact", "driver_gap", "share_change")


def _mm(matrix, W) -> np.ndarray:
    """``W @ matrix`` for a sparse ``(n, k)`` matrix, as a dense ``(B, k)`` array
    (``W`` dense, or sparse such as the one-hot matrix of a segment column)."""
    product = matrix.T @ W.T
    return np.asarray(product.toarray() if sp.issparse(product) else product).T


def sums(a: Arrays, W) -> dict[str, np.ndarray]:
    """Every weighted sum the metrics need: ``(B,)`` totals and ``(B, k)`` theme sums."""
    out = {
        "n": np.asarray(W.sum(axis=1)).ravel(),
        "verbatims": _mm(a.mention, W),
        "mentions": _mm(a.seg_count, W),
        "sent_sum": _mm(a.seg_sum, W),
        "neg": _mm(a.seg_neg, W),
        "pos": _mm(a.seg_pos, W),
    }
    if a.has_score is not None:
        out.update(
            n_scored=np.asarray(W @ a.has_score).ravel(), tot_raw=np.asarray(W @ a.raw).ravel(),
            tot_head=np.asarray(W @ a.head).ravel(),
            th_scored=_mm(a.m_has, W), th_raw=_mm(a.m_raw, W), th_head=_mm(a.m_head, W),
        )
    return out


def ratios(s: dict[str, np.ndarray], score_type: str | None) -> dict[str, np.ndarray]:
    """Metrics from the sums; shapes ``(B, k)``.  0/0 gives NaN (documented edge cases)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = s["n"][:, None]
        out = {
            "share": np.where(n > 0, s["verbatims"] / n, np.nan),
            "sentiment_mean": s["sent_sum"] / s["mentions"],
            "share_negative": s["neg"] / s["mentions"],
            "share_positive": s["pos"] / s["mentions"],
        }
        out["net_sentiment"] = out["share_positive"] - out["share_negative"]
        if "n_scored" in s:
            n_sc = s["n_scored"][:, None]
            th_sc = s["th_scored"]
            rest = n_sc - th_sc
            out["score_mean"] = np.where(th_sc > 0, s["th_raw"] / th_sc, np.nan)
            with_theme = np.where(th_sc > 0, s["th_head"] / th_sc, np.nan)
            without = np.where(rest > 0, (s["tot_head"][:, None] - s["th_head"]) / rest, np.nan)
            everyone = np.where(n_sc > 0, s["tot_head"][:, None] / n_sc, np.nan)
            if score_type == "nps":
                out["nps"] = with_theme
            # impact: headline(all) - headline(all without the theme's verbatims)
            out["impact"] = everyone - without
            out["driver_gap"] = with_theme - without
    return out


def multinomial_weights(rng: np.random.Generator, n_rows: int, n: int) -> np.ndarray:
    """``n_rows`` bootstrap replicates of ``n`` verbatims as draw counts, shape (n_rows, n)."""
    draws = rng.integers(0, n, size=(n_rows, n)) + (np.arange(n_rows) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=n_rows * n).reshape(n_rows, n).astype(float)


def bootstrap(a: Arrays, *, score_type: str | None, resamples: int, level: float, seed: int,
              last: np.ndarray | None = None, prev: np.ndarray | None = None,
              chunk_cells: int = 4_000_000) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile intervals ``{metric: (low, high)}`` (each of shape ``(k,)``).

    ``last`` / ``prev`` are boolean masks of the verbatims of the last and previous
    periods; with them the change in share gets an interval too.  Replicates are drawn in
    chunks of about ``chunk_cells`` weights so memory stays flat at any volume.
    """
    k = len(a.theme_ids)
    if resamples <= 0 or a.n == 0 or k == 0:
        return {}
    rng = np.random.default_rng(seed)
    per_chunk = max(1, min(resamples, chunk_cells // max(a.n, 1)))
    collected: dict[str, list[np.ndarray]] = {}
    done = 0
    while done < resamples:
        size = min(per_chunk, resamples - done)
        W = multinomial_weights(rng, size, a.n)
        metrics = ratios(sums(a, W), score_type)
        if last is not None and prev is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                WL, WP = W * last, W * prev
                metrics["share_change"] = (_mm(a.mention, WL) / WL.sum(1)[:, None]
                                           - _mm(a.mention, WP) / WP.sum(1)[:, None])
        for name in CI_METRICS:
            if name in metrics:
                collected.setdefault(name, []).append(metrics[name])
        done += size
    tail = 100 * (1 - level) / 2
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN, on purpose
        for name, parts in collected.items():
            values = np.vstack(parts)
            low, high = np.nanpercentile(values, [tail, 100 - tail], axis=0)
            out[name] = (low, high)
    return out
