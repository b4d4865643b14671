"""The one place the stages are composed: load -> clean -> segment -> embed -> themes ->
sentiment -> score.  The CLI and the notebooks both call :class:`Pipeline`.
"""

from __future__ import annotations

import html
import json
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import Config, EmbedConfig
from .embed import Embedder, StaticEmbedder, make_embedder
from .errors import InputError, input_error
from .io.writers import write_csv, write_parquet
from .score import overall, score_themes
from .sentiment import polarity
from .themes import OUTLIER, ThemeModel
from .themes.fast import fit_kmeans_model
from .themes.stable import check_embedder, embedder_signature, update_model

log = logging.getLogger("feedback_mining")


@dataclass
class Result:
    """What a run produces.

    Attributes
    ----------
    themes : DataFrame
        One row per theme, ranked (``rank`` 1 is the theme to look at first).
    documents : DataFrame
        One row per input row, in input order: cleaned text, why it was set aside (if it
        was), its theme and sentiment.
    segments : DataFrame
        One row per segment of a kept verbatim, with its theme and sentiment.
    summary : dict
        Counts (read, kept, set aside by reason, themes...) and headline figures.
    theme_segments : DataFrame
        Every theme metric broken down by segment column and value (long table: theme x
        ``segment_column`` x ``segment_value``, with ``lift``); empty without segment columns.
    trend : DataFrame
        Theme x period (``score.period``): ``mentions``, ``verbatims``, ``share``; empty
        without a date column.

    The columns of every table are listed in docs/metrics.md.
    """

    themes: pd.DataFrame
    documents: pd.DataFrame
    segments: pd.DataFrame
    summary: dict[str, Any]
    config: Config
    model: ThemeModel | None = field(default=None, repr=False)
    theme_segments: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    TABLES = ("themes", "documents", "segments", "theme_segments", "trend")

    # -------------------------------------------------------------- outputs
    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write themes.csv, documents.csv, segments.csv, theme_segments.csv and trend.csv
        into ``folder``."""
        folder = Path(folder)
        return [write_csv(getattr(self, name), folder / f"{name}.csv") for name in self.TABLES]

    def to_parquet(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        return [write_parquet(getattr(self, name), folder / f"{name}.parquet")
                for name in self.TABLES]

    def to_excel(self, path: str | Path) -> Path:
        """A formatted workbook: a sheet per table, frozen headers, filters, number formats."""
        from .report.excel import write_excel

        return write_excel(self, path)

    def to_pptx(self, path: str | Path, template: str | Path | None = None, **options: Any) -> Path:
        """A 16:9 PowerPoint deck: title, overview, ranked theme table, volume/sentiment
        chart and one slide per top theme (see :func:`feedback_mining.report.write_pptx`).

        ``template`` is your own .pptx (its layouts, colours and fonts); ``options`` are
        ``top_themes``, ``n_quotes`` and ``title`` (defaults from ``config.report``).
        """
        from .report.pptx import write_pptx

        rep = self.config.report
        options = {"top_themes": rep.top_themes, "n_quotes": rep.quotes, "title": rep.title} | options
        return write_pptx(self, path, template=template or rep.template, **options)

    def to_html(self, path: str | Path, **options: Any) -> Path:
        """A self-contained HTML report (one file that opens offline, interactive charts)."""
        from .report.html import write_html

        rep = self.config.report
        options = {"top_themes": rep.top_themes, "n_quotes": rep.quotes, "title": rep.title} | options
        return write_html(self, path, **options)

    def save(self, folder: str | Path, formats: list[str] | None = None,
             extra: dict[str, str] | None = None) -> list[Path]:
        """Write every configured format, ``summary.json`` (and ``extra`` text files) into
        ``folder``.  All files are rendered in a staging folder first and moved into place
        only when every one of them was written, so a failure leaves no partial output;
        files an earlier run wrote and this one does not are removed (see
        :func:`feedback_mining.io.writers.publish`)."""
        from .io.writers import publish, summary_json
        from .io.writers import staging as staged

        folder = Path(folder)
        formats = formats or self.config.output.formats
        with staged(folder) as staging:
            if "csv" in formats:
                self.to_csv(staging)
            if "parquet" in formats:
                self.to_parquet(staging)
            if "xlsx" in formats:
                self.to_excel(staging / "themes.xlsx")
            if "pptx" in formats:
                self.to_pptx(staging / "themes.pptx")
            if "html" in formats:
                self.to_html(staging / "themes.html")
            # The settings travel with the summary so that load_result can rebuild reports.
            (staging / "summary.json").write_text(
                summary_json(self.summary, self.config.to_dict()), encoding="utf-8")
            for name, text in (extra or {}).items():
                (staging / name).write_text(text, encoding="utf-8")
            return publish(staging, folder)

    # -------------------------------------------------------------- display
    def summary_text(self) -> str:
        s = self.summary
        lines = [
            f"rows read: {s['rows_read']}, kept: {s['rows_kept']}, set aside: {s['rows_set_aside']}"
            + (" (" + ", ".join(f"{k}: {v}" for k, v in s["set_aside_by_reason"].items()) + ")"
               if s["set_aside_by_reason"] else ""),
            f"segments: {s['segments']}, themes: {s['themes']}, "
            f"segments without a theme: {s['segments_without_theme']}",
        ]
        lines += _clean_summary_lines(s)
        if "path" in s:
            lines.append(f"engine: {s['engine']}, {s['path']} path ({s['path_reason']}); "
                         f"embeddings: {s['embedding_model']}; "
                         + (f"sentiment: {s['sentiment_method']}; "
                            if "sentiment_method" in s else "")
                         + f"themes: {s['theme_model']}")
        ch = s.get("theme_changes")
        if ch:
            new = ", ".join(f"{t['theme_id']} {t['label']!r}" for t in ch["new"]) or "none"
            lines.append(f"new themes: {new}; merges: {len(ch['merges'])}; splits: "
                         f"{len(ch['splits'])}; known themes kept: {ch['assigned_known']} "
                         f"segments, new themes: {ch['assigned_new']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Jupyter's view: headline figures, then the top themes with every metric the run
        has (all text escaped)."""
        from .report import content as C

        e = html.escape
        figures = "".join(
            f"<div style='border:1px solid #ddd;border-radius:4px;padding:4px 10px'>"
            f"<b style='font-size:1.3em'>{e(v)}</b><br><span style='color:#666'>{e(k)}</span>"
            "</div>" for k, v in C.overview_figures(self))
        top = self.themes.head(10)
        columns = C.theme_columns(top)
        head = "".join(f"<th>{e(c.header)}</th>" for c in columns) + "<th>Words</th>"
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:{'left' if c.kind == 'text' else 'right'}'>"
                             f"{e(v)}</td>" for c, v in zip(columns, cells, strict=True))
            + f"<td style='text-align:left'>{e(', '.join(C.keywords(row, 5)))}</td></tr>"
            for (_, row), cells in zip(top.iterrows(), C.theme_rows(top, columns), strict=True))
        lines = "".join(f"<div style='color:#666'>{e(line)}</div>" for line in C.title_lines(self))
        return (f"<div><b>feedback-mining result</b>{lines}"
                f"<div style='display:flex;flex-wrap:wrap;gap:8px;margin:8px 0'>{figures}</div>"
                f"<p>Top {len(top)} of {len(self.themes)} themes, ranked by priority "
                "(all of them in <code>result.themes</code>; export with "
                "<code>result.to_pptx(...)</code>, <code>to_excel</code>, <code>to_html</code>):"
                f"</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")

    def __repr__(self) -> str:
        return f"Result(themes={len(self.themes)}, documents={len(self.documents)})\n" + \
            self.summary_text()


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
        segments, the rest assigned by centroid.  With ``model``, known themes keep their
        ids and new themes are added (see :mod:`feedback_mining.themes.stable`).
        """
        from .engines import ENGINES, Checkpoint, Chunks, PartitionSpec

        cfg = self.config.validate()
        eng = cfg.engine
        started = time.perf_counter()
        timings: dict[str, float] = {}

        def lap(stage: str, t0: float) -> float:
            timings[stage] = round(time.perf_counter() - t0, 3)
            log.info("%s done in %.1fs", stage, timings[stage])
            return time.perf_counter()

        t = time.perf_counter()
        chunks = Chunks(data=data, cfg=_copy_input(cfg.input, cfg.score.unit_column),
                        chunk_size=eng.chunk_size)
        fast, why = _choose_path(eng, chunks.n_rows)
        log.info("%s path: %s", "fast" if fast else "default", why)
        embedder = self._embedder(cfg, fast)
        run_cfg = _worker_config(cfg, embedder, fast)
        spec = PartitionSpec(config=run_cfg, embedder=self.embedder)
        if self.model is not None:
            spec.centroids = np.asarray(self.model.centroids_, dtype=np.float32)
            spec.theme_ids = self.model.themes_["theme_id"].to_numpy(dtype=int)
            spec.threshold = float(self.model.assign_threshold)
        checkpoint = None
        if eng.checkpoint_dir:
            key = f"{chunks.fingerprint}|{spec.config}|{embedder.name}|" + (
                "" if spec.centroids is None else str(spec.centroids.sum()))
            import hashlib

            checkpoint = Checkpoint(eng.checkpoint_dir, hashlib.sha256(key.encode()).hexdigest())
        parts = ENGINES[eng.name](chunks, spec, checkpoint=checkpoint, progress=eng.progress,
                                  scheduler=eng.scheduler, n_workers=eng.n_workers,
                                  after_chunk=after_chunk)
        meta = chunks.meta
        score_type = meta.get("score_type") or cfg.input.score_type
        unit = cfg.score.unit_column
        segment_cols = [c for c in meta.get("segments", cfg.input.segments) if c != unit
                        or c in cfg.input.segments]
        clean_stats, seg_stats = _sum_stats([p.stats.get("clean", {}) for p in parts]), \
            _sum_stats([p.stats.get("segment", {}) for p in parts])
        documents = pd.concat([p.documents for p in parts], ignore_index=True)
        if "duplicate" in documents and len(parts) > 1:
            # chunks flag repeats within themselves; a repeat counts across the whole input
            documents["duplicate"] = _repeats(documents)
            clean_stats["duplicates"] = int(documents["duplicate"].sum())
        segments = pd.concat([p.segments for p in parts], ignore_index=True)
        embeddings = np.vstack([p.embeddings for p in parts]) if parts else np.zeros((0, 1))
        del parts
        log.info("read %d rows from %s in %d chunk(s)", len(documents), chunks.source,
                 -(-len(documents) // eng.chunk_size))
        t = lap("load, clean, segment, embed, sentiment", t)
        kept_mask = documents["set_aside"].isna()
        if not kept_mask.any():
            reasons = documents["set_aside"].value_counts().to_dict()
            raise InputError(f"{meta.get('source', 'input')}: expected some feedback text, found "
                             f"none: all {len(documents)} rows were set aside {reasons}. "
                             "Check that --text names the column with the verbatims.")

        texts = segments["text"].tolist()
        signature = embedder_signature(embedder, embeddings.shape[1])
        changes = None
        fitted_on = len(texts)
        th = cfg.themes
        clusterer = "kNN graph + Louvain" if th.method == "graph" else "UMAP + HDBSCAN"
        model = self.model
        if model is None:
            model = ThemeModel(seed=th.seed, min_theme_size=th.min_theme_size,
                               method=th.method, n_neighbors=th.n_neighbors,
                               n_components=th.n_components, n_keywords=th.n_keywords,
                               n_examples=th.n_examples, reduce_outliers=th.reduce_outliers,
                               taxonomy=th.taxonomy or None, n_parents=th.n_parents,
                               merge_below=th.merge_below,
                               merge_similarity=th.merge_similarity)
            if fast:
                idx = np.arange(len(texts))
                if len(texts) > eng.sample_size:
                    idx = np.sort(np.random.default_rng(th.seed).choice(
                        len(texts), eng.sample_size, replace=False))
                fitted_on = len(idx)
                sample_texts = [texts[i] for i in idx]
                if eng.fast_clusterer == "kmeans":
                    fit_kmeans_model(sample_texts, embeddings[idx], n_themes=eng.fast_n_themes,
                                     model=model)
                    clusterer = "MiniBatchKMeans"
                else:
                    model.fit(sample_texts, embeddings[idx], encode=embedder.encode)
                theme_ids = _transform_in_blocks(model, embeddings)
            else:
                theme_ids = model.fit_transform(texts, embeddings, encode=embedder.encode)
            model.embedding_model_ = signature
            model.next_theme_id_ = int(model.themes_["theme_id"].max() + 1) \
                if len(model.themes_) else 0
        else:
            check_embedder(model, embedder, embeddings.shape[1])
            assigned = segments["assigned"].to_numpy(dtype=int)
            if cfg.stable.new_themes:
                model, theme_ids, changes = update_model(
                    model, texts, embeddings, assigned=assigned, new_themes=True,
                    min_new_theme_size=cfg.stable.min_new_theme_size,
                    overlap=cfg.stable.overlap,
                    sample_size=eng.sample_size if fast else None,
                    run_id=self.run_id)
                fitted_on = min(len(texts), eng.sample_size) if fast else len(texts)
                log.info(changes.summary_text())
            else:
                theme_ids, fitted_on = assigned, 0
            model.embedding_model_ = signature
        # embed_key only says which text was embedded for a chunk's near-duplicates
        segments = segments.drop(columns=["assigned", "embed_key"], errors="ignore")
        complaints = _negative_examples(segments, theme_ids, embeddings, model, cfg)
        del embeddings
        t = lap("themes", t)

        labels = dict(zip(model.themes_["theme_id"], model.themes_["label"], strict=True))
        sentiment = segments["sentiment"].to_numpy(dtype=float)
        segments = segments.assign(
            theme_id=theme_ids,
            theme_label=[labels.get(int(i), "(no theme)") for i in theme_ids],
            sentiment=np.round(sentiment, 4),
            polarity=polarity(sentiment, cfg.sentiment),
        )
        documents = _attach_to_documents(documents, segments, labels)
        scores = score_themes(segments, documents, model.themes_, score_type=score_type,
                              segment_columns=segment_cols, sentiment=cfg.sentiment,
                              config=cfg.score)
        themes = _with_hierarchy(scores.themes, model.themes_)
        if len(themes):
            themes["negative_examples"] = themes["theme_id"].map(
                lambda t: complaints.get(int(t), []))
        t = lap("score", t)

        set_aside = documents["set_aside"].dropna().value_counts()
        summary = {
            "source": meta.get("source", "a DataFrame"),
            "rows_read": int(len(documents)),
            "rows_kept": int(kept_mask.sum()),
            "rows_set_aside": int((~kept_mask).sum()),
            "set_aside_by_reason": {str(k): int(v) for k, v in set_aside.items()},
            "segments": int(len(segments)),
            **_clean_summary(clean_stats, seg_stats, len(segments), meta),
            "themes": int(len(themes)),
            "segments_without_theme": int((segments["theme_id"] == OUTLIER).sum()),
            "score_type": score_type,
            "segment_columns": segment_cols,
            "embedding_model": signature["name"],
            "sentiment_method": run_cfg.sentiment.method,
            "engine": eng.name,
            "path": "fast" if fast else "default",
            "path_reason": why,
            "theme_model": _describe_fit(self.model is None, changes is not None, fitted_on,
                                         len(texts), clusterer),
            "chunks": -(-len(documents) // eng.chunk_size),
            "overall": overall(documents, segments, score_type=score_type,
                               sentiment=cfg.sentiment),
            "seconds": timings | {"total": round(time.perf_counter() - started, 3)},
        }
        if changes is not None:
            summary["theme_changes"] = changes.to_dict()
        return Result(themes=themes, documents=documents, segments=segments, summary=summary,
                      config=cfg, model=model, theme_segments=scores.theme_segments,
                      trend=scores.trend)

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


def _describe_fit(fitted: bool, updated: bool, fitted_on: int, n: int, clusterer: str) -> str:
    if not fitted:
        return "saved model" + (f", new themes sought in {fitted_on} segments" if updated
                                else ", assignment only")
    if fitted_on < n:
        return (f"fitted on a seeded sample of {fitted_on} segments ({clusterer}), "
                f"the other {n - fitted_on} assigned by centroid")
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


def _transform_in_blocks(model: ThemeModel, embeddings: np.ndarray,
                         block: int = 100_000) -> np.ndarray:
    return np.concatenate([model.transform(embeddings[i:i + block])
                           for i in range(0, len(embeddings), block)]) if len(embeddings) \
        else np.zeros(0, dtype=int)


def _negative_examples(segments: pd.DataFrame, theme_ids: np.ndarray, embeddings: np.ndarray,
                       model: ThemeModel, cfg: Config) -> dict[int, list[str]]:
    """Per theme, the negative segments most typical of it (closest to its centroid), so a
    slide can quote what customers complain about, not only the theme's average voice."""
    negative = segments["sentiment"].to_numpy(dtype=float) < cfg.sentiment.negative_below
    texts = segments["text"].to_numpy()
    out: dict[int, list[str]] = {}
    for row, tid in enumerate(model.themes_["theme_id"].to_numpy(dtype=int)):
        idx = np.flatnonzero((theme_ids == tid) & negative)
        if not len(idx) or row >= len(model.centroids_):
            continue
        sims = embeddings[idx] @ model.centroids_[row]
        lengths = np.array([len(texts[i]) for i in idx])
        readable = (lengths >= 20) & (lengths <= 300)
        picked: list[str] = []
        for k in np.lexsort((idx, -sims, ~readable)):
            text = str(texts[idx[k]])
            if text.strip().lower() not in {p.strip().lower() for p in picked}:
                picked.append(text)
            if len(picked) == cfg.themes.n_examples:
                break
        out[int(tid)] = picked
    return out


def _with_hierarchy(themes: pd.DataFrame, model_themes: pd.DataFrame) -> pd.DataFrame:
    """Add the theme model's ``is_new``, ``parent_id`` and ``parent_label`` columns."""
    extra = [c for c in ("is_new", "parent_id", "parent_label") if c in model_themes]
    if extra and len(themes):
        themes = themes.merge(model_themes[["theme_id", *extra]], on="theme_id", how="left")
    return themes


def _repeats(documents: pd.DataFrame) -> pd.Series:
    """True for a kept row whose duplicate key appeared on an earlier kept row."""
    from .clean import duplicate_key

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


def _clean_summary(clean_stats: dict[str, Any], seg_stats: dict[str, Any], n_segments: int,
                   meta: dict[str, Any]) -> dict[str, Any]:
    """Counts of the clean and segment steps (personal data, duplicates, transcripts)."""
    out: dict[str, Any] = {
        "redacted_by_type": dict(clean_stats.get("redacted", {})),
        "rows_redacted": int(clean_stats.get("rows_redacted", 0)),
        "duplicate_verbatims": int(clean_stats.get("duplicates", 0)),
        "verbatims_segmented": int(seg_stats.get("verbatims_split", 0)),
        "distinct_texts_embedded": int(seg_stats.get("distinct_embed_texts", n_segments)),
    }
    if "languages" in clean_stats:
        out["languages"] = dict(clean_stats["languages"])
    if "transcripts" in meta:
        out["transcripts"] = dict(meta["transcripts"])
    return out


def _clean_summary_lines(s: dict[str, Any]) -> list[str]:
    lines = []
    if "redacted_by_type" in s:
        red = s["redacted_by_type"]
        lines.append(f"personal data redacted: {sum(red.values())} in {s['rows_redacted']} rows"
                     + (" (" + ", ".join(f"{k}: {v}" for k, v in red.items()) + ")" if red
                        else ""))
        lines.append(f"duplicate verbatims (counted, embedded once): {s['duplicate_verbatims']}, "
                     f"verbatims split into several segments: {s['verbatims_segmented']}, "
                     f"distinct texts embedded: {s['distinct_texts_embedded']}")
    if "transcripts" in s:
        t = s["transcripts"]
        lines.append(
            f"transcripts: {t.get('conversations', 0)} conversations, {t.get('turns', 0)} turns; "
            f"kept {t.get('customer_turns_kept', 0)} customer turns, dropped "
            f"{t.get('dropped_agent', 0)} agent, {t.get('dropped_system', 0)} system, "
            f"{t.get('dropped_pleasantry', 0)} greetings/thanks, "
            f"{t.get('dropped_unknown_speaker', 0)} unknown speaker; "
            f"{t.get('malformed_lines', 0)} malformed lines")
    return lines


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
    every = per_theme.groupby("doc_id", sort=False)["theme_id"].agg(
        lambda s: sorted(int(v) for v in s))
    mean_sent = segments.groupby("doc_id", sort=False)["sentiment"].mean()
    n_seg = segments.groupby("doc_id", sort=False).size()
    out = documents.drop(columns=["text"])
    ids = out["id"]
    out["theme_id"] = ids.map(first).fillna(OUTLIER).astype(int)
    out.loc[out["set_aside"].notna(), "theme_id"] = OUTLIER
    out["theme_label"] = [labels.get(int(t), "(no theme)") if s is None else "(set aside)"
                          for t, s in zip(out["theme_id"], out["set_aside"], strict=True)]
    out["theme_ids"] = ids.map(every).map(lambda v: v if isinstance(v, list) else [])
    out["sentiment"] = ids.map(mean_sent).round(4)
    out["n_segments"] = ids.map(n_seg).fillna(0).astype(int)
    return out.reset_index(drop=True)


def load_result(folder: str | Path) -> Result:
    """Read a saved run back (``themes``, ``documents`` and ``segments`` as Parquet, or as
    CSV when no Parquet was written, and ``summary.json``) to rebuild its reports.

    >>> result = load_result("outputs")          # doctest: +SKIP
    >>> result.to_pptx("themes.pptx")            # doctest: +SKIP
    """
    folder = Path(folder)
    where = str(folder)
    if not (folder / "summary.json").is_file():
        raise input_error(where, "the output folder of a run (with summary.json)",
                          "no summary.json" if folder.is_dir() else "no such folder",
                          "Pass the folder that `feedback-mining run --output` wrote.")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    config = Config.from_dict(summary.pop("config", {}) or {}, source=f"{where}/summary.json")
    tables = {}
    for name in ("themes", "documents", "segments"):
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if parquet.is_file():
            frame = pd.read_parquet(parquet)
        elif csv.is_file():
            frame = pd.read_csv(csv, keep_default_na=False, na_values=[""])
            for col in _LIST_COLUMNS.get(name, ()):
                if col in frame:
                    frame[col] = frame[col].map(
                        lambda v: [] if pd.isna(v) or v == "" else str(v).split(" | "))
        else:
            raise input_error(where, f"{name}.parquet or {name}.csv", "neither",
                              "Run again with output.formats including parquet (the default).")
        for col in frame.columns:  # Parquet gives arrays back for list columns
            if frame[col].dtype == object and frame[col].map(lambda v: isinstance(v, np.ndarray)).any():
                frame[col] = frame[col].map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v)
        tables[name] = frame
    docs = tables["documents"]
    if "set_aside" in docs:
        docs["set_aside"] = docs["set_aside"].astype(object).where(docs["set_aside"].notna(), None)
    if "theme_ids" in docs and docs["theme_ids"].map(lambda v: isinstance(v, list)).all():
        docs["theme_ids"] = docs["theme_ids"].map(lambda v: [int(x) for x in v])
    return Result(themes=tables["themes"], documents=docs, segments=tables["segments"],
                  summary=summary, config=config)


_LIST_COLUMNS = {"themes": ("keywords", "examples", "negative_examples"),
                 "documents": ("theme_ids",)}


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
