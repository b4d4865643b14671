"""The theme model: BERTopic with every sub-model explicit and seeded, plus centroids.

``fit`` first gives texts that match a known theme of a taxonomy (if one is set) to that
theme, then discovers new themes in the rest with BERTopic (by default a graph clusterer
that chooses the number of themes itself, :class:`~.cluster.GraphThemeClusterer`; or
UMAP -> HDBSCAN), folds small themes into a similar sibling, numbers themes by size, labels
them and groups them under a few parent themes.
``predict`` assigns new texts to the known themes by cosine similarity to each theme's
centroid, so a saved model (safetensors + JSON, no pickle) can label next week's feedback
without refitting and without running any code from the model folder.

``ThemeModel`` is a scikit-learn estimator: its parameters are its ``__init__``'s keyword
arguments, read by ``get_params`` and used by ``clone``, ``set_params``, :meth:`save` and
:meth:`load`; :func:`theme_model_from_config` is the one place the settings of a run
(``[themes]``) become a model.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..errors import ModelError, NotFittedError, config_error, input_error
from .describe import THEME_COLUMNS, describe_themes
from .edit import ThemeEditsMixin
from .geometry import OUTLIER, assign, centroids
from .hierarchy import choose_parents, small_theme_merges
from .keywords import PhraseCounts
from .labels import KeyphraseLabeler, PhraseAnalyzer

if TYPE_CHECKING:  # pragma: no cover
    from ..config import ThemesConfig

log = logging.getLogger(__name__)

FORMAT_VERSION = 2


def auto_min_theme_size(n_texts: int) -> int:
    """Smallest theme, from the number of texts: about 0.3% of them, between 5 and 50."""
    return int(np.clip(round(n_texts * 0.003), 5, 50))


class ThemeModel(ThemeEditsMixin, BaseEstimator):
    """Discover themes in embedded texts and assign new texts to them.

    Parameters
    ----------
    seed : int
        Seeds every random step; with the same input, the same seed gives the same themes.
    min_theme_size : int
        Smallest theme the clustering may form; 0 chooses it from the number of texts.
    method : {"graph", "hdbscan"}
        ``"graph"`` (default): Louvain on a k-NN graph of the full embeddings at the
        resolution the data support (:class:`~.cluster.GraphThemeClusterer`), every text
        gets a theme.  ``"hdbscan"``: BERTopic's UMAP -> HDBSCAN.  Ignored when
        ``clusterer`` is given.
    n_neighbors : int
        Neighbours per text in the graph (``"graph"``) or in UMAP (``"hdbscan"``).
    n_components : int
        UMAP's output dimension (``"hdbscan"`` only).
    n_keywords, n_examples : int
        Keywords and representative verbatims kept per theme.
    reduce_outliers : bool
        Reassign texts HDBSCAN left without a theme to the nearest theme when their cosine
        similarity to its centroid is at least ``assign_threshold``.
    assign_threshold : float
        Minimum cosine similarity to a theme centroid for :meth:`predict` (and outlier
        reduction) to assign a text to that theme.
    taxonomy : str, Path or Taxonomy, optional
        Known themes (a TOML/YAML file, or a packaged name such as ``"returns_refunds"``).
        Texts similar enough to a known theme join it and keep its name; the others are
        clustered into new themes (``is_new`` True).  ``fit`` then needs ``encode``.
    n_parents : int or None
        Parent themes to group the themes under (two levels): ``None`` (default) chooses
        how many from the data, between ``top_min`` and ``top_max``
        (:func:`~.hierarchy.auto_parent_groups`); 0 for no parents; a number fixes it.
    top_min, top_max : int
        Bounds of the number of parent themes when ``n_parents`` is ``None``: the top level a
        person reads in one sitting.
    merge_below : int
        Themes with fewer texts fold into their most similar sibling (same parent) when
        their centroids' cosine similarity is at least ``merge_similarity``; 0 means twice
        the smallest theme size.
    merge_similarity : float
        See ``merge_below``.
    labeler : object with ``label(keywords, texts) -> str``, optional
        Defaults to :class:`~feedback_mining.themes.labels.KeyphraseLabeler`; plug in your
        own (an LLM, say): it gets the theme's (phrase, weight) pairs, strongest first, and
        up to 200 of its texts, and returns a short label.
    clusterer : scikit-learn style clusterer, optional
        Any object with ``fit(X)`` that sets ``labels_`` (-1 for no theme), e.g.
        ``sklearn.cluster.KMeans(n_clusters=20)``; it is cloned and run on the full
        embeddings instead of the one ``method`` names.

    ``labeler`` and ``clusterer`` objects are not written by :meth:`save` (a saved model
    runs no code when loaded); pass them again to :meth:`load` if you need them.

    Attributes
    ----------
    labels_ : ndarray of int
        Theme id per fitted text; -1 means no theme.
    themes_ : DataFrame
        One row per theme: theme_id, label, keywords, size, examples, is_new (False for a
        taxonomy theme), parent_id, parent_label.
    centroids_ : ndarray of shape (n_themes, dim)
        Unit-length mean embedding of each theme, row i for ``themes_.theme_id[i]``.

    Examples
    --------
    >>> from feedback_mining.embed import HashingEmbedder
    >>> texts = ([f"refund not received for order {i}" for i in range(20)]
    ...          + [f"courier never came with parcel {i}" for i in range(20)])
    >>> model = ThemeModel(min_theme_size=5).fit(texts, HashingEmbedder().encode(texts))
    >>> sorted(model.themes_["size"].tolist())
    [20, 20]
    """

    def __init__(self, *, seed: int = 42, min_theme_size: int = 0, method: str = "graph",
                 n_neighbors: int = 15, n_components: int = 5, n_keywords: int = 8,
                 n_examples: int = 3, reduce_outliers: bool = True,
                 assign_threshold: float = 0.5, taxonomy=None, n_parents: int | None = None,
                 top_min: int = 8, top_max: int = 25,
                 merge_below: int = 0, merge_similarity: float = 0.8, labeler=None,
                 clusterer=None):
        self.seed = seed
        self.min_theme_size = min_theme_size
        self.method = method
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.n_keywords = n_keywords
        self.n_examples = n_examples
        self.reduce_outliers = reduce_outliers
        self.assign_threshold = assign_threshold
        self.taxonomy = taxonomy
        self.n_parents = n_parents
        self.top_min = top_min
        self.top_max = top_max
        self.merge_below = merge_below
        self.merge_similarity = merge_similarity
        self.labeler = labeler
        self.clusterer = clusterer

    # ------------------------------------------------------------------ fitting
    def fit(self, texts: Sequence[str], embeddings: np.ndarray, *,
            encode=None, counts: PhraseCounts | None = None) -> ThemeModel:
        """Find themes in ``texts`` with their ``embeddings`` (rows of unit length).

        ``encode`` (an embedder's ``encode``) embeds the taxonomy's phrases; it is needed
        only when ``taxonomy`` is set, and must be the embedder that made ``embeddings``.
        ``counts``: the key phrases of ``texts``, when they were counted before.
        """
        texts = [str(t) for t in texts]
        embeddings = _check_embeddings(texts, embeddings)
        _check_params(self)
        n = len(texts)
        min_size = self.min_theme_size or auto_min_theme_size(n)
        self.min_theme_size_ = min_size
        self._fit_texts, self._fit_embeddings = texts, embeddings  # for split(); not saved
        known, known_names = self._match_taxonomy(embeddings, encode)
        rest = np.flatnonzero(known < 0)
        labels = np.full(n, OUTLIER, dtype=int)
        if len(rest):
            rest_texts = [texts[i] for i in rest]
            if len(rest) < max(2 * min_size, 10) or len(set(rest_texts)) < 3:
                log.info("only %d texts to cluster: one theme for all of them", len(rest))
                labels[rest] = 0
            else:
                labels[rest] = self._cluster(rest_texts, embeddings[rest], min_size)
        new = labels[rest]
        if self.reduce_outliers and (new == OUTLIER).any() and (new != OUTLIER).any():
            labels[rest] = _reassign_outliers(new, embeddings[rest], self.assign_threshold)
        # known themes take ids after the new ones until everything is renumbered by size
        offset = int(labels.max()) + 1 if (labels >= 0).any() else 0
        labels = np.where(known >= 0, offset + known, labels)
        names = {offset + k: name for k, name in enumerate(known_names)}
        labels = self._fold_small(labels, embeddings, min_size, set(names))
        renumbered = renumber_by_size(labels)
        names = {int(renumbered[np.flatnonzero(labels == old)[0]]): name
                 for old, name in names.items() if (labels == old).any()}
        self.labels_ = renumbered
        self.describe(texts, embeddings, renumbered, names, counts=counts)
        return self

    def fit_predict(self, texts: Sequence[str], embeddings: np.ndarray, *,
                    encode=None) -> np.ndarray:
        """Fit, and return the theme id of each fitted text (``labels_``)."""
        return self.fit(texts, embeddings, encode=encode).labels_

    fit_transform = fit_predict  # the name used before; kept for notebooks

    def _labeler(self):
        return self.labeler or KeyphraseLabeler()

    def _match_taxonomy(self, embeddings: np.ndarray, encode) -> tuple[np.ndarray, list[str]]:
        """Index of the known theme each text joins (-1: none) and the known themes' names."""
        from .taxonomy import Taxonomy, load_taxonomy, match_known, phrase_vectors

        if self.taxonomy is None or self.taxonomy == "":
            return np.full(len(embeddings), -1, dtype=int), []
        taxonomy = self.taxonomy if isinstance(self.taxonomy, Taxonomy) \
            else load_taxonomy(self.taxonomy)
        if encode is None:
            raise input_error("ThemeModel.fit", "encode=<the embedder's encode> to embed the "
                              "taxonomy's phrases", "no encode",
                              "Pass encode=embedder.encode (the pipeline does this for you).")
        vectors, owner = phrase_vectors(taxonomy, encode)
        if vectors.shape[1] != embeddings.shape[1]:
            raise input_error("ThemeModel.fit", f"taxonomy phrases embedded in {embeddings.shape[1]}"
                              " dimensions like the texts", f"{vectors.shape[1]}",
                              "Pass the encode of the embedder that embedded the texts.")
        known, _ = match_known(embeddings, vectors, owner, len(taxonomy.themes),
                               taxonomy.threshold)
        self.taxonomy_ = taxonomy
        log.info("%d of %d texts joined a known theme", int((known >= 0).sum()), len(known))
        return known, taxonomy.names

    def _fold_small(self, labels: np.ndarray, embeddings: np.ndarray, min_size: int,
                    known: set[int]) -> np.ndarray:
        """Fold small new themes into their most similar sibling (same parent)."""
        ids = sorted(t for t in set(labels.tolist()) if t != OUTLIER)
        if len(ids) < 2:
            return labels
        cents = centroids(embeddings, labels, ids)
        sizes = np.array([(labels == t).sum() for t in ids])
        parents = choose_parents(cents, sizes, n_parents=self.n_parents, low=self.top_min,
                                 high=self.top_max) \
            if self.n_parents != 0 else np.zeros(len(ids), dtype=np.int64)
        # a known theme is nobody's sibling: it is neither folded nor folded into
        parents = np.where([t in known for t in ids], -1 - np.arange(len(ids)), parents)
        merges = small_theme_merges(cents, sizes, parents,
                                    min_size=self.merge_below or 2 * min_size,
                                    merge_similarity=float(self.merge_similarity))
        out = labels.copy()
        for small, target in merges.items():
            out[labels == ids[small]] = ids[target]
        if merges:
            log.info("folded %d small themes into similar siblings", len(merges))
        return out

    def _cluster(self, texts: list[str], embeddings: np.ndarray, min_size: int) -> np.ndarray:
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN
        from sklearn.feature_extraction.text import CountVectorizer
        from umap import UMAP

        from .cluster import GraphThemeClusterer, identity_reducer

        n = len(texts)
        if self.clusterer is not None:
            from sklearn.base import clone

            umap_model = identity_reducer()
            hdbscan_model = clone(self.clusterer)
        elif self.method == "graph":
            umap_model = identity_reducer()
            hdbscan_model = GraphThemeClusterer(n_neighbors=self.n_neighbors,
                                                min_cluster_size=min_size,
                                                random_state=self.seed)
        else:
            umap_model = UMAP(
                n_neighbors=min(self.n_neighbors, n - 1),
                n_components=min(self.n_components, n - 2),
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
        return np.asarray(topics, dtype=int)

    def describe(self, texts: list[str], embeddings: np.ndarray, labels: np.ndarray,
                 known: dict[int, str] | None = None, *,
                 counts: PhraseCounts | None = None) -> ThemeModel:
        """Describe the themes ``labels`` gives ``texts``: set ``centroids_`` and ``themes_``
        (keywords, size, most typical texts, a label, parent themes).

        ``fit`` ends with this; the fast path (:mod:`.fast`) and stable runs
        (:mod:`.stable`) call it on themes found another way.  ``known`` maps a theme id to
        the name it keeps (a taxonomy theme); ``counts``, the key phrases of ``texts`` when
        they were counted before (:class:`~.keywords.PhraseCounts`).
        """
        self.centroids_, self.themes_ = describe_themes(
            texts, embeddings, labels, known=known, n_keywords=self.n_keywords,
            n_examples=self.n_examples, n_parents=self.n_parents, top_min=self.top_min,
            top_max=self.top_max, labeler=self._labeler(), counts=counts)
        return self

    # ------------------------------------------------------------------ assignment
    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        """Theme id of each embedded text: the most similar centroid, or -1 below the
        ``assign_threshold``."""
        check_fitted(self)
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.ndim != 2 or embeddings.shape[1] != self.centroids_.shape[1]:
            raise ModelError(
                f"embeddings of shape {embeddings.shape} do not match this theme model, which "
                f"was fitted on {self.centroids_.shape[1]}-dimensional embeddings from "
                f"{getattr(self, 'embedding_model_', {}).get('name', 'an unrecorded model')!r}. "
                "Embed with the model's embedding model, or refit with `feedback-mining fit`.")
        return assign(embeddings, self.centroids_, self.themes_["theme_id"].to_numpy(),
                      self.assign_threshold)

    def transform(self, embeddings: np.ndarray) -> np.ndarray:
        """The same as :meth:`predict` (the name used before; kept for notebooks)."""
        return self.predict(embeddings)

    def _check_fitted(self) -> None:
        check_fitted(self)

    # ------------------------------------------------------------------ persistence
    def save(self, folder: str | Path) -> Path:
        """Write ``themes.safetensors`` (centroids) and ``model.json`` (settings, themes)."""
        from safetensors.numpy import save_file

        from ..io.writers import atomic_write, json_default

        check_fitted(self)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format_version": FORMAT_VERSION,
            "params": self._saved_params(),
            "themes": self.themes_.to_dict(orient="records"),
            "edits": list(getattr(self, "edits_", [])),
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
                     lambda tmp: tmp.write_text(json.dumps(meta, indent=2, default=json_default),
                                                encoding="utf-8"))
        return folder

    def _saved_params(self) -> dict[str, Any]:
        """``get_params()`` as model.json holds them: the taxonomy as its file or packaged
        name; labeler and clusterer objects left out (loading runs no code)."""
        params = self.get_params(deep=False)
        params["taxonomy"] = self._taxonomy_ref()
        for key in _CODE_PARAMS:
            params.pop(key)
        return params

    @classmethod
    def load(cls, folder: str | Path, **objects: Any) -> ThemeModel:
        """Load a model written by :meth:`save`; reads data only, runs no code.

        ``objects`` gives back what :meth:`save` cannot write: ``labeler=`` and
        ``clusterer=`` objects.
        """
        from safetensors.numpy import load_file

        folder = Path(folder)
        meta_path, weights = folder / "model.json", folder / "themes.safetensors"
        if not meta_path.exists() or not weights.exists():
            raise ModelError(f"{folder} is not a saved theme model: expected model.json and "
                             "themes.safetensors in it. Build one with `feedback-mining fit`.")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format_version") not in (1, FORMAT_VERSION):
            raise ModelError(f"{meta_path}: expected format_version {FORMAT_VERSION}, found "
                             f"{meta.get('format_version')!r}. Refit the model with this version.")
        unknown = set(objects) - set(_CODE_PARAMS)
        if unknown:
            raise config_error("ThemeModel.load", f"only {list(_CODE_PARAMS)} as objects",
                               sorted(unknown))
        names = cls().get_params(deep=False)
        params = {k: v for k, v in meta["params"].items() if k in names}
        model = cls(**params, **objects)
        model.centroids_ = load_file(str(weights))["centroids"]
        themes = pd.DataFrame(meta["themes"])
        if "is_new" not in themes:  # written by format 1: flat, no taxonomy
            themes["is_new"] = True
            themes["parent_id"] = themes["theme_id"]
            themes["parent_label"] = themes["label"]
        if "general" not in themes:  # written before general themes were told apart
            themes["general"] = False
        model.themes_ = themes.reindex(columns=THEME_COLUMNS)
        model.edits_ = list(meta.get("edits", []))
        for key in ("embedding_model", "next_theme_id", "history"):
            if key in meta:
                setattr(model, key + "_", meta[key])
        return model

    def _taxonomy_ref(self) -> str | None:
        """What to write for ``taxonomy`` in model.json: the file or packaged name."""
        if self.taxonomy is None or isinstance(self.taxonomy, (str, Path)):
            return None if self.taxonomy in (None, "") else str(self.taxonomy)
        return getattr(self.taxonomy, "source", None) or None


_CODE_PARAMS = ("labeler", "clusterer")  # objects: given, never saved


def _check_params(model: ThemeModel) -> None:
    """The parameters that are also run settings, checked by the settings' own rules
    (config.py declares them once: choices, ranges)."""
    from ..config import ThemesConfig, check_setting

    settings = {f.name for f in fields(ThemesConfig)} - {"taxonomy"}
    for name, value in model.get_params(deep=False).items():
        if name in settings:
            check_setting(ThemesConfig, name, value)


def check_fitted(model: ThemeModel) -> None:
    """Raise :class:`~feedback_mining.errors.NotFittedError` unless ``model`` is fitted."""
    if not hasattr(model, "centroids_"):
        raise NotFittedError("this ThemeModel is not fitted yet; call fit(texts, embeddings) "
                             "or ThemeModel.load(folder) first.")


def theme_model_from_config(cfg: ThemesConfig, **objects: Any) -> ThemeModel:
    """The theme model a run's ``[themes]`` settings describe: the one place settings
    become a :class:`ThemeModel` (``objects``: ``labeler=``, ``clusterer=``).

    >>> from feedback_mining.config import ThemesConfig
    >>> theme_model_from_config(ThemesConfig(seed=7)).seed
    7
    """
    return ThemeModel(seed=cfg.seed, min_theme_size=cfg.min_theme_size, method=cfg.method,
                      n_neighbors=cfg.n_neighbors, n_components=cfg.n_components,
                      n_keywords=cfg.n_keywords, n_examples=cfg.n_examples,
                      reduce_outliers=cfg.reduce_outliers, taxonomy=cfg.taxonomy or None,
                      n_parents=cfg.n_parents, top_min=cfg.top_min, top_max=cfg.top_max,
                      merge_below=cfg.merge_below,
                      merge_similarity=cfg.merge_similarity, **objects)


# ---------------------------------------------------------------------- helpers
def _check_embeddings(texts: list[str], embeddings: np.ndarray) -> np.ndarray:
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or embeddings.shape[0] != len(texts):
        raise ValueError(f"embeddings must have shape (n_texts={len(texts)}, dim); "
                         f"received {embeddings.shape}.")
    if len(texts) == 0:
        raise ValueError("cannot find themes in zero texts; every row was set aside.")
    return embeddings


def _reassign_outliers(labels: np.ndarray, embeddings: np.ndarray, threshold: float) -> np.ndarray:
    ids = sorted(t for t in set(labels.tolist()) if t != OUTLIER)
    out = labels.copy()
    idx = np.flatnonzero(labels == OUTLIER)
    out[idx] = assign(embeddings[idx], centroids(embeddings, labels, ids), np.asarray(ids),
                      threshold)
    return out


def renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Theme 0 is the largest; ties broken by first appearance, so numbering is stable."""
    ids = [t for t in dict.fromkeys(labels.tolist()) if t != OUTLIER]
    sizes = {t: int((labels == t).sum()) for t in ids}
    order = sorted(ids, key=lambda t: (-sizes[t], ids.index(t)))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(t, OUTLIER) for t in labels.tolist()], dtype=int)
