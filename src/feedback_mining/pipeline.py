"""The one place the stages are composed: load -> clean -> segment -> embed -> sentiment ->
themes -> score.  The CLI and the notebooks both call :class:`Pipeline`; what it returns is
a :class:`~feedback_mining.result.Result`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import Config, EmbedConfig
from .embed import Embedder, StaticEmbedder, make_embedder
from .errors import InputError
from .result import Result, RunSummary, clean_counts, load_result
from .score import overall
from .score.kinds import mention_kinds
from .score.views import build_views, describe_groups
from .sentiment import polarity
from .themes import OUTLIER, ThemeModel, theme_model_from_config
from .themes.cluster import join_by_neighbors
from .themes.fast import fit_kmeans_model, predict_in_blocks
from .themes.keywords import PhraseCounts
from .themes.stable import ThemeChanges, check_embedder, embedder_signature, update_model

log = logging.getLogger("feedback_mining")

__all__ = ["Pipeline", "Result", "load_result", "run"]


@dataclass
class _Rows:
    """The per-row stages' output for the whole input (every chunk put together)."""

    documents: pd.DataFrame
    segments: pd.DataFrame
    embeddings: np.ndarray
    meta: dict[str, Any]
    stats: dict[str, dict[str, Any]]
    n_chunks: int
    processes: int = 1  # the local engine's worker processes
    phrases: PhraseCounts | None = None  # each segment's key phrases, counted in the chunks


@dataclass
class _Themes:
    """The theme stage's output: the model, each segment's theme and how it was fitted."""

    model: ThemeModel
    theme_ids: np.ndarray
    changes: ThemeChanges | None
    description: str


class Pipeline:
    """Compose the stages with one :class:`~feedback_mining.config.Config`.

    Parameters
    ----------
    config : Config, optional
    embedder : Embedder, optional
        Overrides ``config.embed`` (tests pass a fast deterministic one).
    model : ThemeModel, optional
        A fitted theme model: new texts are assigned to its themes instead of refitting.

    Examples
    --------
    >>> import pandas as pd
    >>> from feedback_mining import Config, Pipeline
    >>> cfg = Config().with_overrides(["embed.model=hashing"])
    >>> df = pd.DataFrame({"text": ["refund never arrived"] * 12 + ["courier was late"] * 12})
    >>> Pipeline(cfg).run(df).summary["rows_kept"]
    24
    """

    def __init__(self, config: Config | None = None, *, embedder: Embedder | None = None,
                 model: ThemeModel | None = None, run_id: str | None = None):
        self.config = config or Config()
        self.embedder = embedder
        self.model = model
        self.run_id = run_id

    def run(self, data: pd.DataFrame | str | Path | None = None, *,
            after_chunk=None) -> Result:
        """Run every stage on ``data`` (a DataFrame, a file, or ``config.input.path``).

        The per-row stages (clean, segment, embed, sentiment and, with a saved model, theme
        assignment) run chunk by chunk on the configured engine (``engine.name``), reading
        the input in chunks of ``engine.chunk_size`` rows.  Above
        ``engine.fast_path_above`` rows the fast path is taken: static model2vec
        embeddings and a theme model fitted on a seeded sample of ``engine.sample_size``
        segments, the rest assigned by centroid (the default path fits on at most
        ``themes.fit_sample`` segments and the rest join by their nearest fitted
        neighbours).  With ``model``, known themes keep their
        ids and new themes are added (see :mod:`feedback_mining.themes.stable`).
        """
        from .engines import Chunks

        cfg = self.config.validate()
        clock = _Clock()
        chunks = Chunks(data=data, cfg=_copy_input(cfg.input, cfg.score.unit_column),
                        chunk_size=cfg.engine.chunk_size)
        fast, why = _choose_path(cfg.engine, chunks.n_rows)
        log.info("%s path: %s", "fast" if fast else "default", why)
        embedder = self._embedder(cfg, fast)
        run_cfg = _worker_config(cfg, embedder, fast)

        rows = self._per_row_stages(chunks, run_cfg, embedder, after_chunk)
        clock.lap("load, clean, segment, embed, sentiment")
        # a saved model's names stay as they are, run after run (its new themes get names)
        fixed, fixed_parents = _fixed_labels(self.model) if self.model is not None else ({}, {})
        themes = self._themes(rows, cfg, embedder, fast)
        clock.lap("themes")
        if self.model is None:
            fixed, _ = _fixed_labels(themes.model, all_names=False)
        segments, documents = _attach_themes(rows, themes.model, themes.theme_ids, cfg)
        score_type = rows.meta.get("score_type") or cfg.input.score_type
        segment_cols = [c for c in rows.meta.get("segments", cfg.input.segments)
                        if c != cfg.score.unit_column or c in cfg.input.segments]
        counts = rows.phrases  # each mention read once, in its chunk
        views = build_views(segments, documents, themes.model.themes_, rows.embeddings,
                            score_type=score_type, segment_columns=segment_cols,
                            sentiment=cfg.sentiment, config=cfg.score,
                            n_keywords=cfg.themes.n_keywords,
                            n_examples=cfg.themes.n_examples,
                            fixed_labels=fixed, fixed_parent_labels=fixed_parents,
                            counts=counts)
        _name_model_themes(themes.model, views, segments, documents, rows.embeddings, fixed,
                           counts=counts)
        table = views.themes
        clock.lap("score")

        summary = _summary(rows, segments, documents, table, views.praise, themes, cfg,
                           score_type=score_type, segment_columns=segment_cols,
                           embedding_model=embedder_signature(embedder,
                                                              rows.embeddings.shape[1])["name"],
                           sentiment_method=run_cfg.sentiment.method,
                           path=("fast" if fast else "default", why), clock=clock)
        return Result(themes=table, documents=documents, mentions=segments, summary=summary,
                      config=cfg, model=themes.model, theme_segments=views.theme_segments,
                      trend=views.trend, praise=views.praise, subthemes=views.subthemes)

    # ------------------------------------------------------------------ the stages
    def _per_row_stages(self, chunks, run_cfg: Config, embedder: Embedder,
                        after_chunk) -> _Rows:
        """Load, clean, segment, embed, score sentiment (and assign a saved model's themes)
        chunk by chunk on the configured engine, then put the chunks together."""
        from .engines import ENGINES, Checkpoint, PartitionSpec, combine
        from .engines.local import choose_processes
        from .engines.partition import combine_phrases

        eng = run_cfg.engine
        spec = PartitionSpec(config=run_cfg, embedder=self.embedder)
        if self.model is not None:
            spec = spec.assigning_to(self.model)
        checkpoint = None
        if eng.checkpoint_dir:
            key = f"{chunks.fingerprint}|{spec.config}|{embedder.name}|" + (
                "" if spec.centroids is None else str(spec.centroids.sum()))
            checkpoint = Checkpoint(eng.checkpoint_dir, hashlib.sha256(key.encode()).hexdigest())
        processes = choose_processes(run_cfg, embedder, chunks.n_rows,
                                     given=self.embedder is not None) \
            if eng.name == "local" else 1
        parts = ENGINES[eng.name](chunks, spec, checkpoint=checkpoint, progress=eng.progress,
                                  scheduler=eng.scheduler, n_workers=eng.n_workers,
                                  processes=processes, after_chunk=after_chunk)
        documents, segments, embeddings, stats = combine(parts)
        phrases = combine_phrases(parts)
        del parts
        n_chunks = -(-len(documents) // eng.chunk_size)
        log.info("read %d rows from %s in %d chunk(s)", len(documents), chunks.source, n_chunks)
        meta = chunks.meta
        if not documents["set_aside"].isna().any():
            reasons = documents["set_aside"].value_counts().to_dict()
            raise InputError(f"{meta.get('source', 'input')}: expected some feedback text, found "
                             f"none: all {len(documents)} rows were set aside {reasons}. "
                             "Check that --text names the column with the verbatims.")
        return _Rows(documents=documents, segments=segments, embeddings=embeddings, meta=meta,
                     stats=stats, n_chunks=n_chunks, processes=processes, phrases=phrases)

    def _themes(self, rows: _Rows, cfg: Config, embedder: Embedder, fast: bool) -> _Themes:
        """Fit a theme model (on a seeded sample on the fast path), or update the saved one:
        known themes keep their ids, new ones are added (themes.stable)."""
        texts = rows.segments["text"].tolist()
        embeddings = rows.embeddings
        signature = embedder_signature(embedder, embeddings.shape[1])
        eng, th = cfg.engine, cfg.themes
        if self.model is None:
            clusterer = "kNN graph + Louvain" if th.method == "graph" else "UMAP + HDBSCAN"
            model = theme_model_from_config(th)
            limit = eng.sample_size if fast else th.fit_sample
            idx = np.arange(len(texts))
            if len(texts) > limit:
                idx = np.sort(np.random.default_rng(th.seed).choice(
                    len(texts), limit, replace=False))
            fitted_on = len(idx)
            sample_texts = [texts[i] for i in idx]
            counts = None if rows.phrases is None else rows.phrases.rows(idx)
            if fast and eng.fast_clusterer == "kmeans":
                fit_kmeans_model(sample_texts, embeddings[idx], n_themes=eng.fast_n_themes,
                                 model=model, counts=counts)
                clusterer = "MiniBatchKMeans"
                theme_ids = predict_in_blocks(model, embeddings)
            else:
                model.fit(sample_texts, embeddings[idx], encode=embedder.encode, counts=counts)
                theme_ids = model.labels_
                if fitted_on < len(texts):
                    theme_ids = join_by_neighbors(model.labels_, embeddings, idx,
                                                  th.n_neighbors)
            model.embedding_model_ = signature
            model.next_theme_id_ = int(model.themes_["theme_id"].max() + 1) \
                if len(model.themes_) else 0
            return _Themes(model, theme_ids, None,
                           _describe_fit(True, False, fitted_on, len(texts), clusterer))
        model = self.model
        check_embedder(model, embedder, embeddings.shape[1])
        assigned = rows.segments["assigned"].to_numpy(dtype=int)
        changes = None
        if cfg.stable.new_themes:
            model, theme_ids, changes = update_model(
                model, texts, embeddings, assigned=assigned, new_themes=True,
                min_new_theme_size=cfg.stable.min_new_theme_size,
                overlap=cfg.stable.overlap,
                sample_size=eng.sample_size if fast else th.fit_sample,
                run_id=self.run_id)
            fitted_on = min(len(texts), eng.sample_size if fast else th.fit_sample)
            log.info(changes.summary_text())
        else:
            theme_ids, fitted_on = assigned, 0
        model.embedding_model_ = signature
        return _Themes(model, theme_ids, changes,
                       _describe_fit(False, changes is not None, fitted_on, len(texts), ""))

    def _embedder(self, cfg: Config, fast: bool) -> Embedder:
        """The run's embedder: given, the saved model's, the fast path's or the config's."""
        if self.embedder is not None:
            return self.embedder
        chosen = cfg.embed.model
        default = EmbedConfig().model
        if self.model is not None and getattr(self.model, "embedding_model_", None):
            recorded = self.model.embedding_model_["name"]
            if chosen == default:
                chosen = recorded  # the model decides which space its centroids live in
        elif fast and chosen == default:
            chosen = cfg.engine.fast_path_embed
        return make_embedder(replace(cfg.embed, model=chosen))



class _Clock:
    """Seconds per stage, logged as each one ends."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self.last, 3)
        log.info("%s done in %.1fs", stage, self.seconds[stage])
        self.last = time.perf_counter()

    def total(self, steps: dict[str, float] | None = None) -> dict[str, float]:
        """Each stage's seconds, then ``steps`` (the per-row stage's split), then the total."""
        return self.seconds | (steps or {}) | {
            "total": round(time.perf_counter() - self.started, 3)}


def _per_row_seconds(stats: dict) -> dict[str, float]:
    """Seconds of clean, segment, embed and sentiment, added up over the chunks (on Dask,
    the workers' time), keyed like ``"embed (per row)"``."""
    return {f"{step} (per row)": round(float(value), 3)
            for step, value in stats.get("seconds", {}).items()}


def _attach_themes(rows: _Rows, model: ThemeModel, theme_ids: np.ndarray,
                   cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each mention gets its theme, its parent (top-level) theme, its polarity and its kind
    (friction, praise, neutral); each document its main theme."""
    labels = dict(zip(model.themes_["theme_id"], model.themes_["label"], strict=True))
    parents = dict(zip(model.themes_["theme_id"], model.themes_["parent_id"], strict=True))
    # embed_key only says which text was embedded for a chunk's near-duplicates
    segments = rows.segments.drop(columns=["assigned", "embed_key", "kind"], errors="ignore")
    sentiment = segments["sentiment"].to_numpy(dtype=float)
    # the kinds read in the chunks; a chunk from an older checkpoint has none yet
    kinds = rows.segments["kind"].to_numpy(dtype=object).copy() if "kind" in rows.segments \
        else np.full(len(segments), None, dtype=object)
    missing = np.flatnonzero(pd.isna(kinds))
    if len(missing):
        texts = segments["text"].to_numpy(dtype=object)
        kinds[missing] = mention_kinds(texts[missing].tolist(), sentiment[missing], cfg.sentiment)
    segments = segments.assign(
        theme_id=theme_ids,
        theme_label=[labels.get(int(i), "(no theme)") for i in theme_ids],
        parent_id=[int(parents.get(int(i), OUTLIER)) for i in theme_ids],
        sentiment=np.round(sentiment, 4),
        polarity=polarity(sentiment, cfg.sentiment),
        kind=kinds,
    )
    return segments, _attach_to_documents(rows.documents, segments, labels)


def _summary(rows: _Rows, segments: pd.DataFrame, documents: pd.DataFrame,
             themes: pd.DataFrame, praise: pd.DataFrame, fitted: _Themes, cfg: Config, *,
             score_type: str | None,
             segment_columns: list[str], embedding_model: str, sentiment_method: str,
             path: tuple[str, str], clock: _Clock) -> RunSummary:
    kept = documents["set_aside"].isna()
    set_aside = documents["set_aside"].dropna().value_counts()
    return RunSummary(
        source=rows.meta.get("source", "a DataFrame"),
        rows_read=int(len(documents)),
        rows_kept=int(kept.sum()),
        rows_set_aside=int((~kept).sum()),
        set_aside_by_reason={str(k): int(v) for k, v in set_aside.items()},
        mentions=int(len(segments)),
        **clean_counts(rows.stats["clean"], rows.stats["segment"], len(segments), rows.meta),
        themes=int(len(themes)),
        praise_themes=int(len(praise)),
        subthemes=int(len(fitted.model.themes_)),
        mentions_without_theme=int((segments["theme_id"] == OUTLIER).sum()),
        score_type=score_type,
        segment_columns=segment_columns,
        embedding_model=embedding_model,
        sentiment_method=sentiment_method,
        engine=cfg.engine.name,
        path=path[0],
        path_reason=path[1],
        theme_model=fitted.description,
        chunks=rows.n_chunks,
        processes=rows.processes,
        overall=overall(documents, segments, score_type=score_type, sentiment=cfg.sentiment),
        seconds=clock.total(_per_row_seconds(rows.stats)),
        theme_changes=None if fitted.changes is None else fitted.changes.to_dict(),
    )


def _describe_fit(fitted: bool, updated: bool, fitted_on: int, n: int, clusterer: str) -> str:
    if not fitted:
        return "saved model" + (f", new themes sought in {fitted_on} segments" if updated
                                else ", assignment only")
    if fitted_on < n:
        how = "assigned by centroid" if clusterer == "MiniBatchKMeans" \
            else "joined by their nearest fitted segments"
        return (f"fitted on a seeded sample of {fitted_on} segments ({clusterer}), "
                f"the other {n - fitted_on} {how}")
    return f"fitted on all {n} segments ({clusterer})"


def _choose_path(eng, n_rows: int | None) -> tuple[bool, str]:
    if eng.fast_path == "always":
        return True, "engine.fast_path=always"
    if eng.fast_path == "never":
        return False, "engine.fast_path=never"
    if n_rows is None:
        return False, "input size unknown before reading (not CSV or Parquet)"
    if n_rows > eng.fast_path_above:
        return True, f"{n_rows} rows > engine.fast_path_above={eng.fast_path_above}"
    return False, f"{n_rows} rows <= engine.fast_path_above={eng.fast_path_above}"


def _worker_config(cfg: Config, embedder: Embedder, fast: bool) -> Config:
    """A copy of ``cfg`` for the workers: ``embed.model`` names the embedder they should
    build, and on the fast path ``sentiment.method`` is ``engine.fast_path_sentiment``."""
    out = Config.from_dict(cfg.to_dict())
    if fast and cfg.engine.fast_path_sentiment:
        out.sentiment.method = cfg.engine.fast_path_sentiment
    name = getattr(embedder, "name", None)
    if isinstance(name, str) and name:
        out.embed.model = name if not isinstance(embedder, StaticEmbedder) or not embedder.path \
            else f"static:{embedder.path}"
    return out


def _fixed_labels(model: ThemeModel, *, all_names: bool = True
                  ) -> tuple[dict[int, str], dict[int, str]]:
    """Theme and parent names that must not change: every name of a saved model
    (``all_names``), else a taxonomy's names and the analyst's renames."""
    frame = model.themes_
    ids = frame["theme_id"].astype(int).tolist()
    if all_names:
        return (dict(zip(ids, frame["label"].astype(str), strict=True)),
                dict(zip(frame["parent_id"].astype(int), frame["parent_label"].astype(str),
                         strict=True)))
    fixed = {t: str(lab) for t, lab, new in zip(
        ids, frame["label"], frame.get("is_new", [True] * len(frame)), strict=True) if not new}
    current = dict(zip(ids, frame["label"], strict=True))
    for edit in getattr(model, "edits_", []):
        if edit.get("edit") == "rename" and int(edit["theme_id"]) in current:
            fixed[int(edit["theme_id"])] = str(current[int(edit["theme_id"])])
    return fixed, {}


def _name_model_themes(model: ThemeModel, views, mentions: pd.DataFrame,
                       documents: pd.DataFrame, embeddings: np.ndarray,
                       fixed: dict[int, str], counts: PhraseCounts | None = None) -> None:
    """Name the model's themes (what a saved model, the mentions and the documents then
    carry): a theme that is mostly complaints after its friction row, any other after the
    phrase all its mentions use most; names in ``fixed`` stay."""
    sub = views.subthemes
    friction = sub[sub["kind"] == "friction"]
    # only a theme that is mostly complaints is named after them; a theme of requests or
    # context ("how do I change my address?") is named from all its mentions
    total = mentions.groupby("theme_id").size()
    mostly = friction["mentions"].to_numpy() >= 0.5 * total.reindex(
        friction["theme_id"]).fillna(0).to_numpy()
    friction = friction[mostly]
    names = dict(zip(friction["theme_id"].astype(int), friction["label"], strict=True))
    ids = mentions["theme_id"].to_numpy(dtype=int)
    rest = np.isin(ids, [t for t in model.themes_["theme_id"].astype(int)
                         if t not in names and t not in fixed])
    if rest.any():
        table = describe_groups(mentions["text"].to_numpy()[rest].tolist(), ids[rest],
                                embeddings[rest], kind="neutral",
                                n_keywords=model.n_keywords, n_examples=0,
                                counts=counts.rows(rest) if counts is not None else None)
        names |= dict(zip(table["theme_id"].astype(int), table["label"], strict=True))
    names = {t: n for t, n in names.items() if t not in fixed}
    parents = dict(zip(views.themes["theme_id"].astype(int), views.themes["label"],
                       strict=True))
    frame = model.themes_
    frame["label"] = [names.get(int(t), lab) for t, lab in zip(frame["theme_id"],
                                                                frame["label"], strict=True)]
    frame["parent_label"] = [parents.get(int(p), lab) for p, lab in zip(
        frame["parent_id"], frame["parent_label"], strict=True)]
    labels = dict(zip(frame["theme_id"].astype(int), frame["label"], strict=True))
    mentions["theme_label"] = [labels.get(int(t), "(no theme)") for t in mentions["theme_id"]]
    unnamed = documents["theme_label"].isin(["(set aside)", "(no theme)"])
    documents["theme_label"] = documents["theme_label"].where(
        unnamed, documents["theme_id"].map(lambda t: labels.get(int(t), "(no theme)")
                                        if pd.notna(t) else "(no theme)"))


def _copy_input(cfg, unit_column: str | None = None):
    """The input settings, with the unit column (score.unit_column) loaded alongside the
    segment columns so that respondents/conversations can be counted."""
    from dataclasses import replace

    extra = [unit_column] if unit_column and unit_column not in cfg.segments else []
    return replace(cfg, segments=list(cfg.segments) + extra)


def _attach_to_documents(documents: pd.DataFrame, segments: pd.DataFrame,
                         labels: dict[int, str]) -> pd.DataFrame:
    """Each document gets its main theme (``theme_id``), every theme it mentions
    (``theme_ids``) and its mean segment sentiment.

    The main theme is the one that holds most of the verbatim's text (characters summed
    over its segments; a tie goes to the theme mentioned first), so a greeting or a short
    aside in the first sentence does not decide what the verbatim is about.
    """
    assigned = pd.DataFrame({"doc_id": segments["doc_id"], "theme_id": segments["theme_id"],
                             "chars": segments["text"].astype(str).str.len(),
                             "order": np.arange(len(segments))})
    assigned = assigned[assigned["theme_id"] != OUTLIER]
    per_theme = assigned.groupby(["doc_id", "theme_id"], sort=False).agg(
        chars=("chars", "sum"), order=("order", "min")).reset_index()
    first = per_theme.sort_values(["chars", "order"], ascending=[False, True]) \
        .drop_duplicates("doc_id").set_index("doc_id")["theme_id"]
    every: dict[Any, list[int]] = {}  # each document's themes, in theme id order
    by_id = per_theme.sort_values("theme_id", kind="stable")
    for doc, theme in zip(by_id["doc_id"].tolist(), by_id["theme_id"].tolist(), strict=True):
        every.setdefault(doc, []).append(int(theme))
    mean_sent = segments.groupby("doc_id", sort=False)["sentiment"].mean()
    n_seg = segments.groupby("doc_id", sort=False).size()
    out = documents.drop(columns=["text"])
    ids = out["id"]
    out["theme_id"] = ids.map(first).fillna(OUTLIER).astype(int)
    out.loc[out["set_aside"].notna(), "theme_id"] = OUTLIER
    out["theme_label"] = [labels.get(int(t), "(no theme)") if s is None else "(set aside)"
                          for t, s in zip(out["theme_id"], out["set_aside"], strict=True)]
    out["theme_ids"] = [every.get(i, []) for i in ids.tolist()]
    out["sentiment"] = ids.map(mean_sent).round(4)
    out["n_segments"] = ids.map(n_seg).fillna(0).astype(int)
    return out.reset_index(drop=True)


def run(data: pd.DataFrame | str | Path, config: Config | None = None, *,
        overrides: list[str] | None = None, **settings: Any) -> Result:
    """Run the whole pipeline on a DataFrame or a file.

    ``settings`` are dotted names with ``__`` for the dot, e.g.
    ``fm.run(df, themes__seed=7, embed__model="static")``.
    """
    config = config or Config()
    extra = [f"{k.replace('__', '.')}={json.dumps(v)}" for k, v in settings.items()]
    config = config.with_overrides(list(overrides or []) + extra)
    return Pipeline(config).run(data)
