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
from .errors import InputError
from .io.readers import ATTRS_KEY, load_with_config
from .io.writers import write_csv, write_parquet
from .score import overall, theme_table
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
    """

    themes: pd.DataFrame
    documents: pd.DataFrame
    segments: pd.DataFrame
    summary: dict[str, Any]
    config: Config
    model: ThemeModel | None = field(default=None, repr=False)

    # -------------------------------------------------------------- outputs
    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write themes.csv, documents.csv and segments.csv into ``folder``."""
        folder = Path(folder)
        return [write_csv(getattr(self, name), folder / f"{name}.csv")
                for name in ("themes", "documents", "segments")]

    def to_parquet(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        return [write_parquet(getattr(self, name), folder / f"{name}.parquet")
                for name in ("themes", "documents", "segments")]

    def to_excel(self, path: str | Path) -> Path:
        """A formatted workbook: a sheet per table, frozen headers, filters, number formats."""
        from .report.excel import write_excel

        return write_excel(self, path)

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
            summary = json.dumps(self.summary, indent=2, default=str)
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
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        top = self.themes.head(10)
        cols = [c for c in ("rank", "label", "verbatims", "share", "sentiment_mean",
                            "share_negative", "score_mean", "nps", "priority") if c in top]
        fmt = {"share": "{:.1%}".format, "share_negative": "{:.0%}".format,
               "sentiment_mean": "{:+.2f}".format, "score_mean": "{:.2f}".format,
               "nps": "{:+.0f}".format, "priority": "{:.2f}".format}
        table = top[cols].to_html(index=False, formatters=fmt, border=0, escape=True)
        return (f"<div><b>feedback-mining result</b><pre>{html.escape(self.summary_text())}</pre>"
                f"<p>Top {len(top)} of {len(self.themes)} themes:</p>{table}</div>")

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
        segment_cols = list(meta.get("segments", cfg.input.segments))
        log.info("loaded %d rows from %s", len(frame), meta.get("source", "a DataFrame"))
        t = lap("load", t)

        documents = clean(frame, cfg.clean)
        kept_mask = documents["set_aside"].isna()
        t = lap("clean", t)
        if not kept_mask.any():
            reasons = documents["set_aside"].value_counts().to_dict()
            raise InputError(f"{meta.get('source', 'input')}: expected some feedback text, found "
                             f"none: all {len(documents)} rows were set aside {reasons}. "
                             "Check that --text names the column with the verbatims.")

        segments = segment(documents, cfg.segment)
        t = lap("segment", t)

        embedder = self.embedder or make_embedder(cfg.embed)
        embeddings = embedder.encode(segments["text"].tolist(), show_progress=False)
        t = lap("embed", t)

        model = self.model
        if model is None:
            th = cfg.themes
            model = ThemeModel(seed=th.seed, min_theme_size=th.min_theme_size,
                               n_neighbors=th.n_neighbors, n_components=th.n_components,
                               n_keywords=th.n_keywords, n_examples=th.n_examples,
                               reduce_outliers=th.reduce_outliers)
            theme_ids = model.fit_transform(segments["text"].tolist(), embeddings)
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
        themes = theme_table(segments, documents, model.themes_, score_type=score_type,
                             sentiment=cfg.sentiment, config=cfg.score)
        t = lap("score", t)

        set_aside = documents["set_aside"].dropna().value_counts()
        summary = {
            "source": meta.get("source", "a DataFrame"),
            "rows_read": int(len(documents)),
            "rows_kept": int(kept_mask.sum()),
            "rows_set_aside": int((~kept_mask).sum()),
            "set_aside_by_reason": {str(k): int(v) for k, v in set_aside.items()},
            "segments": int(len(segments)),
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
                      config=cfg, model=model)

    def _load(self, data: pd.DataFrame | str | Path | None) -> pd.DataFrame:
        cfg = self.config.input
        if isinstance(data, pd.DataFrame) and ATTRS_KEY in data.attrs:
            return data  # already mapped by fm.load
        return load_with_config(data, _copy_input(cfg))


def _copy_input(cfg):
    from dataclasses import replace

    return replace(cfg, segments=list(cfg.segments))


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
