"""The theme model: BERTopic with every sub-model explicit and seeded, plus centroids.

``fit`` discovers themes with BERTopic (UMAP -> HDBSCAN -> class-based TF-IDF), reassigns
outliers that sit close enough to a theme, numbers themes by size and labels them.
``transform`` assigns new texts to the known themes by cosine similarity to each theme's
centroid, so a saved model (safetensors + JSON, no pickle) can label next week's feedback
without refitting and without running any code from the model folder.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ModelError, NotFittedError, config_error
from .labels import KeyphraseLabeler, PhraseAnalyzer, dedupe_labels

log = logging.getLogger(__name__)

OUTLIER = -1
FORMAT_VERSION = 1


def auto_min_theme_size(n_texts: int) -> int:
    """Smallest theme, from the number of texts: about 0.3% of them, between 5 and 50."""
    return int(np.clip(round(n_texts * 0.003), 5, 50))


class ThemeModel:
    """Discover themes in embedded texts and assign new texts to them.

    Parameters
    ----------
    seed : int
        Seeds UMAP; with the same input, the same seed gives the same themes.
    min_theme_size : int
        Smallest theme HDBSCAN may form; 0 chooses it from the number of texts.
    n_neighbors, n_components : int
        UMAP's neighbourhood size and output dimension.
    n_keywords, n_examples : int
        Keywords and representative verbatims kept per theme.
    reduce_outliers : bool
        Reassign texts HDBSCAN left without a theme to the nearest theme when their cosine
        similarity to its centroid is at least ``assign_threshold``.
    assign_threshold : float
        Minimum cosine similarity to a theme centroid for :meth:`transform` (and outlier
        reduction) to assign a text to that theme.
    labeler : object with ``label(keywords, texts) -> str``, optional
        Defaults to :class:`~feedback_mining.themes.labels.KeyphraseLabeler`.

    Attributes
    ----------
    labels_ : ndarray of int
        Theme id per fitted text; -1 means no theme.
    themes_ : DataFrame
        One row per theme: theme_id, label, keywords, size, examples.
    centroids_ : ndarray of shape (n_themes, dim)
        Unit-length mean embedding of each theme, row i for ``themes_.theme_id[i]``.

    Examples
    --------
    >>> from feedback_mining.embed import HashingEmbedder
    >>> texts = ["refund not received"] * 20 + ["courier never came"] * 20
    >>> model = ThemeModel(min_theme_size=5).fit(texts, HashingEmbedder().encode(texts))
    >>> sorted(model.themes_["size"].tolist())
    [20, 20]
    """

    def __init__(self, *, seed: int = 42, min_theme_size: int = 0, n_neighbors: int = 15,
                 n_components: int = 5, n_keywords: int = 8, n_examples: int = 3,
                 reduce_outliers: bool = True, assign_threshold: float = 0.5,
                 labeler=None):
        self.seed = seed
        self.min_theme_size = min_theme_size
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.n_keywords = n_keywords
        self.n_examples = n_examples
        self.reduce_outliers = reduce_outliers
        self.assign_threshold = assign_threshold
        self.labeler = labeler

    # ------------------------------------------------------------------ fitting
    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> ThemeModel:
        texts = [str(t) for t in texts]
        embeddings = _check_embeddings(texts, embeddings)
        n = len(texts)
        min_size = self.min_theme_size or auto_min_theme_size(n)
        if min_size < 2:
            raise config_error("themes.min_theme_size", "at least 2 (or 0 for automatic)",
                               self.min_theme_size)
        self.min_theme_size_ = min_size
        if n < max(2 * min_size, 10) or len(set(texts)) < 3:
            log.info("only %d texts: one theme for all of them", n)
            labels = np.zeros(n, dtype=int)
        else:
            labels = self._cluster(texts, embeddings, min_size)
        if self.reduce_outliers and (labels == OUTLIER).any() and (labels != OUTLIER).any():
            labels = _reassign_outliers(labels, embeddings, self.assign_threshold)
        labels = _renumber_by_size(labels)
        self.labels_ = labels
        self._describe(texts, embeddings, labels)
        return self

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        return self.fit(texts, embeddings).labels_

    def _cluster(self, texts: list[str], embeddings: np.ndarray, min_size: int) -> np.ndarray:
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN
        from sklearn.feature_extraction.text import CountVectorizer
        from umap import UMAP

        n = len(texts)
        umap_model = UMAP(
            n_neighbors=min(self.n_neighbors, n - 1), n_components=min(self.n_components, n - 2),
            min_dist=0.0, metric="cosine", random_state=self.seed, n_jobs=1,
        )
        hdbscan_model = HDBSCAN(min_cluster_size=min_size, metric="euclidean",
                                cluster_selection_method="eom", prediction_data=False)
        topic_model = BERTopic(
            embedding_model=None,
            umap_model=umap_model,
            hdbscan_model=hdbscan_model,
            vectorizer_model=CountVectorizer(analyzer=PhraseAnalyzer()),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            representation_model=None,
            top_n_words=self.n_keywords,
            calculate_probabilities=False,
            verbose=False,
        )
        topics, _ = topic_model.fit_transform(texts, embeddings=embeddings)
        self.bertopic_ = topic_model
        return np.asarray(topics, dtype=int)

    def _describe(self, texts: list[str], embeddings: np.ndarray, labels: np.ndarray) -> None:
        ids = sorted(t for t in set(labels.tolist()) if t != OUTLIER)
        self.centroids_ = np.vstack([_unit(embeddings[labels == t].mean(axis=0)) for t in ids]) \
            if ids else np.zeros((0, embeddings.shape[1]), dtype=np.float32)
        keywords = theme_keywords(texts, labels, ids, self.n_keywords)
        labeler = self.labeler or KeyphraseLabeler()
        rows = []
        for i, t in enumerate(ids):
            members = np.flatnonzero(labels == t)
            examples = _representative(texts, embeddings, members, self.centroids_[i],
                                       self.n_examples)
            label = labeler.label(keywords[t], [texts[j] for j in members[:200]])
            rows.append({"theme_id": t, "label": label,
                         "keywords": [w for w, _ in keywords[t]],
                         "size": int(len(members)), "examples": examples})
        frame = pd.DataFrame(rows, columns=["theme_id", "label", "keywords", "size", "examples"])
        if len(frame):
            frame["label"] = dedupe_labels(frame["label"].tolist(), frame["keywords"].tolist())
        self.themes_ = frame

    # ------------------------------------------------------------------ assignment
    def transform(self, embeddings: np.ndarray) -> np.ndarray:
        """Theme id of each embedded text: the most similar centroid, or -1 below the
        ``assign_threshold``."""
        self._check_fitted()
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.ndim != 2 or embeddings.shape[1] != self.centroids_.shape[1]:
            raise ModelError(
                f"embeddings of shape {embeddings.shape} do not match this theme model, which "
                f"was fitted on {self.centroids_.shape[1]}-dimensional embeddings from "
                f"{getattr(self, 'embedding_model_', {}).get('name', 'an unrecorded model')!r}. "
                "Embed with the model's embedding model, or refit with `feedback-mining fit`.")
        if len(self.centroids_) == 0 or len(embeddings) == 0:
            return np.full(len(embeddings), OUTLIER, dtype=int)
        sims = embeddings @ self.centroids_.T
        best = sims.argmax(axis=1)
        ids = self.themes_["theme_id"].to_numpy()[best]
        return np.where(sims.max(axis=1) >= self.assign_threshold, ids, OUTLIER).astype(int)

    def _check_fitted(self) -> None:
        if not hasattr(self, "centroids_"):
            raise NotFittedError("this ThemeModel is not fitted yet; call fit(texts, embeddings) "
                                 "or ThemeModel.load(folder) first.")

    # ------------------------------------------------------------------ persistence
    def save(self, folder: str | Path) -> Path:
        """Write ``themes.safetensors`` (centroids) and ``model.json`` (settings, themes)."""
        from safetensors.numpy import save_file

        from ..io.writers import atomic_write

        self._check_fitted()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format_version": FORMAT_VERSION,
            "params": {k: getattr(self, k) for k in (
                "seed", "min_theme_size", "n_neighbors", "n_components", "n_keywords",
                "n_examples", "reduce_outliers", "assign_threshold")},
            "themes": self.themes_.to_dict(orient="records"),
        }
        # Set by the pipeline and themes.stable: what the centroids were embedded with, the
        # next free theme id and the record of earlier runs (new themes, merges, splits).
        for key in ("embedding_model_", "next_theme_id_", "history_"):
            if hasattr(self, key):
                meta[key.rstrip("_")] = getattr(self, key)
        atomic_write(folder / "themes.safetensors",
                     lambda tmp: save_file({"centroids": self.centroids_.astype(np.float32)},
                                           str(tmp)))
        atomic_write(folder / "model.json",
                     lambda tmp: tmp.write_text(json.dumps(meta, indent=2, default=_json_default),
                                                encoding="utf-8"))
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ThemeModel:
        """Load a model written by :meth:`save`; reads data only, runs no code."""
        from safetensors.numpy import load_file

        folder = Path(folder)
        meta_path, weights = folder / "model.json", folder / "themes.safetensors"
        if not meta_path.exists() or not weights.exists():
            raise ModelError(f"{folder} is not a saved theme model: expected model.json and "
                             "themes.safetensors in it. Build one with `feedback-mining fit`.")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ModelError(f"{meta_path}: expected format_version {FORMAT_VERSION}, found "
                             f"{meta.get('format_version')!r}. Refit the model with this version.")
        model = cls(**meta["params"])
        model.centroids_ = load_file(str(weights))["centroids"]
        model.themes_ = pd.DataFrame(meta["themes"],
                                     columns=["theme_id", "label", "keywords", "size", "examples"])
        for key in ("embedding_model", "next_theme_id", "history"):
            if key in meta:
                setattr(model, key + "_", meta[key])
        return model


# ---------------------------------------------------------------------- helpers
def theme_keywords(texts: Sequence[str], labels: np.ndarray, ids: Sequence[int],
                   n_keywords: int) -> dict[int, list[tuple[str, float]]]:
    """Class-based TF-IDF key phrases per theme (BERTopic's c-TF-IDF)."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    if not ids:
        return {}
    joined = [" \n ".join(texts[j] for j in np.flatnonzero(labels == t)) for t in ids]
    vec = CountVectorizer(analyzer=PhraseAnalyzer())
    try:
        counts = vec.fit_transform(joined)
    except ValueError:  # no phrase at all (digits, symbols)
        return {t: [] for t in ids}
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts)
    words = vec.get_feature_names_out()
    out: dict[int, list[tuple[str, float]]] = {}
    for row, t in enumerate(ids):
        scores = ctfidf[row].toarray().ravel()
        order = np.lexsort((words, -scores))[:n_keywords]
        out[t] = [(str(words[k]), float(scores[k])) for k in order if scores[k] > 0]
    return out


def _check_embeddings(texts: list[str], embeddings: np.ndarray) -> np.ndarray:
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or embeddings.shape[0] != len(texts):
        raise ValueError(f"embeddings must have shape (n_texts={len(texts)}, dim); "
                         f"received {embeddings.shape}.")
    if len(texts) == 0:
        raise ValueError("cannot find themes in zero texts; every row was set aside.")
    return embeddings


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return (v / norm if norm else v).astype(np.float32)


def _reassign_outliers(labels: np.ndarray, embeddings: np.ndarray, threshold: float) -> np.ndarray:
    ids = sorted(t for t in set(labels.tolist()) if t != OUTLIER)
    centroids = np.vstack([_unit(embeddings[labels == t].mean(axis=0)) for t in ids])
    out = labels.copy()
    idx = np.flatnonzero(labels == OUTLIER)
    sims = embeddings[idx] @ centroids.T
    best = sims.argmax(axis=1)
    ok = sims[np.arange(len(idx)), best] >= threshold
    out[idx[ok]] = np.asarray(ids)[best[ok]]
    return out


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Theme 0 is the largest; ties broken by first appearance, so numbering is stable."""
    ids = [t for t in dict.fromkeys(labels.tolist()) if t != OUTLIER]
    sizes = {t: int((labels == t).sum()) for t in ids}
    order = sorted(ids, key=lambda t: (-sizes[t], ids.index(t)))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(t, OUTLIER) for t in labels.tolist()], dtype=int)


def _representative(texts: list[str], embeddings: np.ndarray, members: np.ndarray,
                    centroid: np.ndarray, n: int) -> list[str]:
    """The members closest to the centroid, distinct, preferring readable lengths."""
    sims = embeddings[members] @ centroid
    lengths = np.array([len(texts[j]) for j in members])
    readable = (lengths >= 20) & (lengths <= 300)
    order = np.lexsort((members, -sims, ~readable))
    out: list[str] = []
    seen: set[str] = set()
    for k in order:
        text = texts[members[k]]
        key = text.strip().lower()
        if key not in seen:
            out.append(text)
            seen.add(key)
        if len(out) == n:
            break
    return out


def _json_default(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value)}")
