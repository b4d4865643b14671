"""The fast path's theme model: MiniBatchKMeans on a sample instead of UMAP + HDBSCAN.

UMAP's neighbour graph is what makes BERTopic's default pipeline slow and memory hungry at
marketplace volumes.  Above ``engine.fast_path_above`` rows the pipeline fits this model on
a seeded sample of segments: k-means on the unit-length embeddings (so Euclidean distance
ranks like cosine), clusters smaller than the smallest theme size dropped, themes numbered
by size and described (keywords, label, examples) by :class:`ThemeModel`'s own code.  The
result *is* a :class:`ThemeModel`: it saves, loads and assigns the rest by centroid like any
other.
"""

from __future__ import annotations

import numpy as np

from .geometry import OUTLIER
from .keywords import PhraseCounts
from .model import ThemeModel, auto_min_theme_size, renumber_by_size


def auto_n_themes(n_texts: int) -> int:
    """About one theme per 150 sampled texts, between 10 and 150."""
    return int(np.clip(n_texts // 150, 10, 150))


def fit_kmeans_model(texts: list[str], embeddings: np.ndarray, *, n_themes: int = 0,
                     model: ThemeModel | None = None,
                     counts: PhraseCounts | None = None) -> ThemeModel:
    """Fit ``model`` (its settings: seed, theme size, keywords...) with MiniBatchKMeans;
    ``counts``: the key phrases of ``texts``, when they were counted before.

    >>> from feedback_mining.embed import HashingEmbedder
    >>> texts = ["refund not received", "refund not received yet"] * 15 + ["courier came"] * 30
    >>> m = fit_kmeans_model(texts, HashingEmbedder().encode(texts), n_themes=2)
    >>> sorted(m.themes_["size"].tolist())
    [30, 30]
    """
    from sklearn.cluster import MiniBatchKMeans

    model = model or ThemeModel()
    embeddings = np.asarray(embeddings, dtype=np.float32)
    n = len(texts)
    min_size = model.min_theme_size or auto_min_theme_size(n)
    k = int(min(n_themes or auto_n_themes(n), max(n // max(min_size, 1), 1)))
    if k < 2 or len(set(texts)) < 3:
        labels = np.zeros(n, dtype=int)
    else:
        km = MiniBatchKMeans(n_clusters=k, random_state=model.seed, batch_size=4096, n_init=3,
                             max_no_improvement=20)
        labels = km.fit_predict(embeddings).astype(int)
        sizes = np.bincount(labels, minlength=k)
        labels = np.where(sizes[labels] < min_size, OUTLIER, labels)
    labels = renumber_by_size(labels)
    model.min_theme_size_ = min_size
    model.labels_ = labels
    return model.describe(list(texts), embeddings, labels, counts=counts)


def predict_in_blocks(model: ThemeModel, embeddings: np.ndarray,
                      block: int = 100_000) -> np.ndarray:
    """``model.predict`` over ``embeddings`` a block at a time (bounded memory at 1M rows)."""
    return np.concatenate([model.predict(embeddings[i:i + block])
                           for i in range(0, len(embeddings), block)]) if len(embeddings) \
        else np.zeros(0, dtype=int)
