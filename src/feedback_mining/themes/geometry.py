"""Theme geometry in one place: unit vectors, theme centroids, nearest-centroid assignment
and the quotes most typical of a theme.

Embeddings are compared by cosine similarity: rows are unit length, so a dot product is the
cosine.  Every module that needs a centroid or an assignment (the model and its edits, stable
runs, the fast path, the hierarchy, the engines' workers, the pipeline's quotes) calls these.

>>> import numpy as np
>>> emb = unit_rows(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], dtype=np.float32))
>>> cents = centroids(emb, np.array([0, 0, 1]), [0, 1])
>>> assign(emb, cents, np.array([7, 9]), threshold=0.5).tolist()
[7, 7, 9]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

OUTLIER = -1  # the theme id of a text without a theme


def unit(v: np.ndarray) -> np.ndarray:
    """``v`` scaled to length 1 (a zero vector stays zero), as float32."""
    norm = float(np.linalg.norm(v))
    return (v / norm if norm else v).astype(np.float32)


def unit_rows(m: np.ndarray) -> np.ndarray:
    """Every row of ``m`` scaled to length 1 (zero rows stay zero), as float32."""
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


def centroids(embeddings: np.ndarray, labels: np.ndarray, ids: Sequence[int]) -> np.ndarray:
    """Unit-length mean embedding of the texts of each theme in ``ids`` (row i: ``ids[i]``)."""
    if not len(ids):
        return np.zeros((0, embeddings.shape[1]), dtype=np.float32)
    return np.vstack([unit(embeddings[labels == t].mean(axis=0)) for t in ids])


def assign(embeddings: np.ndarray, centroids: np.ndarray, theme_ids: np.ndarray,
           threshold: float) -> np.ndarray:
    """The id of the most similar centroid per row, or -1 when the similarity is below
    ``threshold`` (or there is no centroid)."""
    if len(centroids) == 0 or len(embeddings) == 0:
        return np.full(len(embeddings), OUTLIER, dtype=int)
    sims = embeddings @ centroids.T
    best = sims.argmax(axis=1)
    return np.where(sims.max(axis=1) >= threshold, np.asarray(theme_ids)[best],
                    OUTLIER).astype(int)


def typical_order(texts: Sequence[str], embeddings: np.ndarray, members: np.ndarray,
                  centroid: np.ndarray) -> np.ndarray:
    """``members`` from the most to the least typical (closest to ``centroid``), texts of a
    readable length (20 to 300 characters) before the others."""
    members = np.asarray(members)
    sims = embeddings[members] @ centroid
    lengths = np.array([len(str(texts[j])) for j in members])
    readable = (lengths >= 20) & (lengths <= 300)
    return members[np.lexsort((members, -sims, ~readable))]


def representative(texts: Sequence[str], embeddings: np.ndarray, members: np.ndarray,
                   centroid: np.ndarray, n: int) -> list[str]:
    """Up to ``n`` distinct texts among ``members``, closest to ``centroid`` first, texts of
    a readable length (20 to 300 characters) before the others."""
    return distinct([str(texts[j]) for j in typical_order(texts, embeddings, members,
                                                          centroid)], n)


def distinct(texts: Sequence[str], n: int) -> list[str]:
    """The first ``n`` texts that differ other than by case and surrounding spaces."""
    if n <= 0:
        return []
    out: list[str] = []
    seen: set[str] = set()
    for text in texts:
        key = text.strip().lower()
        if key not in seen:
            out.append(text)
            seen.add(key)
        if len(out) == n:
            break
    return out
