"""Two-level themes: parent themes over themes, and small themes folded into a sibling.

A deck shows the parent themes (the top level, 8 to 25 of them, as many as the data
support) and drills into the themes under each.  Parents are found by Ward agglomerative
clustering of the unit-length theme centroids, so they are deterministic; how many is chosen
by the silhouette of the themes under each cut (:func:`auto_parent_groups`).  Small themes
(fewer texts than ``min_size``) join their most similar sibling under the same parent when
the cosine similarity of their centroids is at least ``merge_similarity``; a small theme
with no sibling that close stays on its own.
"""

from __future__ import annotations

import numpy as np

from .geometry import unit_rows

# No top-level row of several themes holds more than this share of the texts (while the
# top level has room, ``top_max``): see :func:`auto_parent_groups`.
MAX_PARENT_SHARE = 0.2


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
    return _by_size(np.asarray(groups), sizes)


def _by_size(groups: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Renumber groups 0..P-1, 0 the largest (by texts), ties by first theme."""
    sizes = np.asarray(sizes)
    totals = {g: int(sizes[groups == g].sum()) for g in set(groups.tolist())}
    first = {g: int(np.flatnonzero(groups == g)[0]) for g in totals}
    order = sorted(totals, key=lambda g: (-totals[g], first[g]))
    mapping = {g: i for i, g in enumerate(order)}
    return np.array([mapping[g] for g in groups.tolist()], dtype=np.int64)


def auto_parent_groups(centroids: np.ndarray, sizes: np.ndarray, *, low: int = 8,
                       high: int = 25, tolerance: float = 0.05,
                       max_share: float = MAX_PARENT_SHARE) -> np.ndarray:
    """Parent of each theme, with the number of parents chosen from the data.

    Ward's tree over the theme centroids is cut at every number of parents from ``low`` to
    ``high``; each cut is judged by the silhouette of the *themes* under it (cosine between
    their centroids: how well the themes of one parent hold together against the others),
    and the finest cut within ``tolerance`` of the best one is kept: the finer of two
    equally good cuts names more distinct problems.  With ``low`` themes or fewer, every
    theme is its own parent.

    The silhouette of the texts, used before, is dominated by how loose each theme is, not
    by how the themes group: it rose with every finer cut on intent data (always the upper
    bound, 25, against Bitext's 11 categories) and was flat on app reviews; the themes'
    own silhouette found 14 parents there (docs/BENCHMARKS.md, "Top level").

    A parent of several themes holding more than ``max_share`` of all texts is then split
    along the tree, largest first, while there are fewer than ``high`` parents: a row with
    a third of all complaints is an area ("customer service, late and missing orders"), not
    a problem to fix.  A single theme that large stays whole.

    Parent 0 is the largest.
    """
    k = len(centroids)
    if k <= max(low, 1):
        return _by_size(np.arange(k), sizes)
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_score

    unit = unit_rows(centroids).astype(np.float64)
    tree = linkage(unit, method="ward")
    distances = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    scored: list[tuple[int, float, np.ndarray]] = []
    for p in range(low, min(high, k - 1) + 1):
        groups = fcluster(tree, t=p, criterion="maxclust")
        n_groups = len(set(groups.tolist()))
        if n_groups < 2:
            continue
        score = float(silhouette_score(distances, groups, metric="precomputed"))
        scored.append((n_groups, score, groups))
    if not scored:
        return _by_size(np.arange(k), sizes)
    best = max(s for _, s, _ in scored)
    margin = tolerance * abs(best)
    chosen = max((item for item in scored if item[1] >= best - margin), key=lambda it: it[0])
    groups = _split_large(tree, chosen[2] - 1, np.asarray(sizes), max_share, high)
    return _by_size(groups, sizes)


def _split_large(tree: np.ndarray, groups: np.ndarray, sizes: np.ndarray, max_share: float,
                 high: int) -> np.ndarray:
    """Split the largest parent of several themes into the two branches under it while it
    holds more than ``max_share`` of ``sizes`` and there are fewer than ``high`` parents."""
    from scipy.cluster.hierarchy import to_tree

    if max_share >= 1:
        return groups
    nodes: dict[frozenset[int], object] = {}
    stack = [to_tree(tree)]
    while stack:
        node = stack.pop()
        nodes[frozenset(node.pre_order())] = node
        if not node.is_leaf():
            stack += [node.get_left(), node.get_right()]
    parts = [nodes[frozenset(np.flatnonzero(groups == g).tolist())]
             for g in sorted(set(groups.tolist()))]
    total = float(sizes.sum())

    def share(node) -> float:
        return float(sizes[node.pre_order()].sum()) / total

    while len(parts) < high:
        large = [p for p in parts if not p.is_leaf() and share(p) > max_share]
        if not large:
            break
        node = max(large, key=lambda p: (share(p), -min(p.pre_order())))
        parts.remove(node)
        parts += [node.get_left(), node.get_right()]
    out = np.empty(len(groups), dtype=np.int64)
    for i, node in enumerate(parts):
        out[node.pre_order()] = i
    return out


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


def choose_parents(centroids: np.ndarray, sizes: np.ndarray, *, n_parents: int | None,
                   low: int = 8, high: int = 25, general: np.ndarray | None = None
                   ) -> np.ndarray:
    """Parent of each theme (row of ``centroids``): ``n_parents`` of them, or, with
    ``None``, as many as the data support between ``low`` and ``high``
    (:func:`auto_parent_groups`).

    With ``None`` and ``general`` (per theme: it names no cause, :mod:`.cause`), the tree is
    cut with room for one more parent (at most ``high - 1``), then the general themes leave
    their parents for one of their own, so the bounds still hold.  A parent of general and
    specific themes reads as a cause it is not ("Waste of time" over "Try again later" and
    "Bad experience"), and several parents of general themes are one row of "General
    dissatisfaction" said several ways.

    >>> cents = np.eye(4)[[0, 0, 1, 1, 2, 3]] + 0.01 * np.arange(6)[:, None]
    >>> choose_parents(cents, np.array([9, 8, 7, 6, 2, 1]), n_parents=None, low=2, high=3,
    ...                general=np.array([False, False, False, False, True, True])).tolist()
    [0, 0, 1, 1, 2, 2]
    """
    if n_parents is not None:
        return parent_groups(centroids, sizes, int(n_parents))
    general = np.zeros(len(centroids), dtype=bool) if general is None \
        else np.asarray(general, dtype=bool)
    if not general.any() or general.all():
        return auto_parent_groups(centroids, sizes, low=int(low), high=int(high))
    out = auto_parent_groups(centroids, sizes, low=int(low), high=max(1, int(high) - 1))
    out[general] = out.max() + 1
    return _by_size(out, sizes)
