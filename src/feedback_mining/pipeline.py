"""The one place the stages are composed: load -> clean -> segment -> embed -> themes ->
sentiment -> score.  The CLI and the notebooks both call :class:`Pipeline`.
"""

from __future__ import annotations

import html
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .clean import clean
from .config import Config
from .embed import Embedder, make_embedder
from .errors import InputError, input_error
from .io.readers import ATTRS_KEY, load_with_config
from .io.writers import write_csv, write_parquet
from .score import overall, score_themes
from .segment import segment
from .sentiment import make_scorer, polarity
from .themes import OUTLIER, ThemeModel

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
        only when every one of them was written, so a failure leaves no partial output."""
        import os
        import shutil
        import tempfile

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        formats = formats or self.config.output.formats
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
        try:
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
            summary = json.dumps(self.summary | {"config": self.config.to_dict()}, indent=2,
                                 default=str)
            (staging / "summary.json").write_text(summary, encoding="utf-8")
            for name, text in (extra or {}).items():
                (staging / name).write_text(text, encoding="utf-8")
            written = []
            for item in sorted(staging.iterdir()):
                os.replace(item, folder / item.name)
                written.append(folder / item.name)
            return written
        finally:
            shutil.rmtree(staging, ignore_errors=True)

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
                 model: ThemeModel | None = None):
        self.config = config or Config()
        self.embedder = embedder
        self.model = model

    def run(self, data: pd.DataFrame | str | Path | None = None) -> Result:
        cfg = self.config.validate()
        started = time.perf_counter()
        timings: dict[str, float] = {}

        def lap(stage: str, t0: float) -> float:
            timings[stage] = round(time.perf_counter() - t0, 3)
            log.info("%s done in %.1fs", stage, timings[stage])
            return time.perf_counter()

        t = time.perf_counter()
        frame = self._load(data)
        meta = frame.attrs.get(ATTRS_KEY, {})
        score_type = meta.get("score_type") or cfg.input.score_type
        unit = cfg.score.unit_column
        segment_cols = [c for c in meta.get("segments", cfg.input.segments) if c != unit
                        or c in cfg.input.segments]
        log.info("loaded %d rows from %s", len(frame), meta.get("source", "a DataFrame"))
        t = lap("load", t)

        documents = clean(frame, cfg.clean)
        clean_stats = dict(documents.attrs.get(ATTRS_KEY, {}).get("clean", {}))
        kept_mask = documents["set_aside"].isna()
        t = lap("clean", t)
        if not kept_mask.any():
            reasons = documents["set_aside"].value_counts().to_dict()
            raise InputError(f"{meta.get('source', 'input')}: expected some feedback text, found "
                             f"none: all {len(documents)} rows were set aside {reasons}. "
                             "Check that --text names the column with the verbatims.")

        segments = segment(documents, cfg.segment)
        seg_stats = dict(segments.attrs.get(ATTRS_KEY, {}).get("segment", {}))
        t = lap("segment", t)

        embedder = self.embedder or make_embedder(cfg.embed)
        # Near-duplicate segments share an embed_key: embedded once, counted every time.
        keys = segments["embed_key"] if "embed_key" in segments else segments["text"]
        codes, distinct = pd.factorize(keys)
        embeddings = embedder.encode([str(k) for k in distinct], show_progress=False)[codes]
        t = lap("embed", t)

        model = self.model
        if model is None:
            th = cfg.themes
            model = ThemeModel(seed=th.seed, min_theme_size=th.min_theme_size,
                               method=th.method, n_neighbors=th.n_neighbors,
                               n_components=th.n_components, n_keywords=th.n_keywords,
                               n_examples=th.n_examples, reduce_outliers=th.reduce_outliers,
                               taxonomy=th.taxonomy or None, n_parents=th.n_parents,
                               merge_below=th.merge_below,
                               merge_similarity=th.merge_similarity)
            theme_ids = model.fit_transform(segments["text"].tolist(), embeddings,
                                            encode=embedder.encode)
        else:
            theme_ids = model.transform(embeddings)
        t = lap("themes", t)

        scorer = make_scorer(cfg.sentiment)
        # Segments are scored one by one, so a clause of praise and a clause of complaint in
        # one verbatim each get their own sentiment.  The "head" scorer reuses the embeddings
        # only when they come from the MiniLM it was trained on; otherwise it embeds itself.
        same_space = getattr(embedder, "name", None) == "all-MiniLM-L6-v2"
        sentiment = scorer.score(segments["text"].tolist(), embeddings if same_space else None)
        t = lap("sentiment", t)

        labels = dict(zip(model.themes_["theme_id"], model.themes_["label"], strict=True))
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
        themes = scores.themes
        extra = [c for c in ("is_new", "parent_id", "parent_label") if c in model.themes_]
        if extra and len(themes):
            themes = themes.merge(model.themes_[["theme_id", *extra]], on="theme_id", how="left")
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
            "embedding_model": getattr(embedder, "name", type(embedder).__name__),
            "overall": overall(documents, segments, score_type=score_type,
                               sentiment=cfg.sentiment),
            "seconds": timings | {"total": round(time.perf_counter() - started, 3)},
        }
        return Result(themes=themes, documents=documents, segments=segments, summary=summary,
                      config=cfg, model=model, theme_segments=scores.theme_segments,
                      trend=scores.trend)

    def _load(self, data: pd.DataFrame | str | Path | None) -> pd.DataFrame:
        cfg = self.config.input
        if isinstance(data, pd.DataFrame) and ATTRS_KEY in data.attrs:
            return data  # already mapped by fm.load
        return load_with_config(data, _copy_input(cfg, self.config.score.unit_column))


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
    """Each document gets its first segment's theme (``theme_id``), every theme it
    mentions (``theme_ids``) and its mean segment sentiment."""
    assigned = segments[segments["theme_id"] != OUTLIER]
    first = assigned.groupby("doc_id", sort=False)["theme_id"].first()
    every = assigned.groupby("doc_id", sort=False)["theme_id"].agg(
        lambda s: sorted(set(int(v) for v in s)))
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


_LIST_COLUMNS = {"themes": ("keywords", "examples"), "documents": ("theme_ids",)}


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
