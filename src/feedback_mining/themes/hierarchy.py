"""Two-level themes: parent themes over themes, and small themes folded into a sibling.

A deck shows a handful of parent themes and drills into the themes under each.  Parents are
found by Ward agglomerative clustering of the unit-length theme centroids, so they are
deterministic and need no seed.  Small themes (fewer texts than ``min_size``) join their
most similar sibling under the same parent when the cosine similarity of their centroids is
at least ``merge_similarity``; a small theme with no sibling that close stays on its own.
"""

from __future__ import annotations

import numpy as np

from .geometry import unit_rows


def parent_groups(centroids: np.ndarray, sizes: np.ndarray, n_parents: int) -> np.ndarray:
    """Parent index of each theme, 0..P-1 with parent 0 the largest (by texts).

    ``P`` is ``min(n_parents, n_themes)``; every parent has at least one theme.
    """
    k = len(centroids)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    p = min(int(n_parents), k)
    if p == k:
        groups = np.arange(k)
    elif p == 1:
        groups = np.zeros(k, dtype=np.int64)
    else:
        from sklearn.cluster import AgglomerativeClustering

        # Ward on unit vectors (euclidean there is a monotone function of cosine) gives
        # parents of comparable breadth; average linkage left one parent holding most themes.
        groups = AgglomerativeClustering(n_clusters=p, linkage="ward").fit(
            unit_rows(centroids)).labels_
    sizes = np.asarray(sizes)
    totals = {g: int(sizes[groups == g].sum()) for g in set(groups.tolist())}
    first = {g: int(np.flatnonzero(groups == g)[0]) for g in totals}
    order = sorted(totals, key=lambda g: (-totals[g], first[g]))
    mapping = {g: i for i, g in enumerate(order)}
    return np.array([mapping[g] for g in groups.tolist()], dtype=np.int64)


def small_theme_merges(centroids: np.ndarray, sizes: np.ndarray, parents: np.ndarray, *,
                       min_size: int, merge_similarity: float) -> dict[int, int]:
    """Which small theme (row) folds into which sibling (row), smallest first.

    Returns ``{small_row: target_row}``; a target is never itself merged away.
    """
    if min_size <= 1 or len(centroids) < 2:
        return {}
    c = unit_rows(centroids)
    sizes = np.asarray(sizes).astype(np.int64).copy()
    alive = np.ones(len(c), dtype=bool)
    out: dict[int, int] = {}
    for row in sorted(range(len(c)), key=lambda r: (sizes[r], r)):
        if sizes[row] >= min_size or not alive[row]:
            continue
        siblings = np.flatnonzero(alive & (parents == parents[row]))
        siblings = siblings[siblings != row]
        if len(siblings) == 0:
            continue
        sims = c[siblings] @ c[row]
        j = int(np.argmax(sims))
        if sims[j] >= merge_similarity:
            target = int(siblings[j])
            out[row] = target
            alive[row] = False
            sizes[target] += sizes[row]
    # follow chains so every small theme points at a theme that survives
    for row, target in list(out.items()):
        while target in out:
            target = out[target]
        out[row] = target
    return out
