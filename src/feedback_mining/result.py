"""What a run produces: :class:`Result` (the tables, the run summary, the writers),
:class:`RunSummary` (the typed counts and figures behind ``summary.json``) and
:func:`load_result` (a saved run read back).

The pipeline fills a :class:`Result`; reports read one.  This module imports neither the
pipeline nor the stages.
"""

from __future__ import annotations

import dataclasses
import html
import json
import warnings
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .config import Config
from .errors import input_error
from .io.writers import write_csv, write_parquet

if TYPE_CHECKING:  # pragma: no cover
    from .themes import ThemeModel

# Keys a summary only has when the run had them (absent rather than None in summary.json).
_OPTIONAL = ("languages", "transcripts", "theme_changes", "run_id", "model_saved_to", "history")


@dataclass
class RunSummary(MutableMapping[str, Any]):
    """Counts and headline figures of a run, as written to ``summary.json``.

    Read it as attributes (``summary.rows_kept``) or as a mapping
    (``summary["rows_kept"]``, ``summary.get("transcripts")``, ``"theme_changes" in
    summary``); :meth:`to_dict` and :meth:`from_dict` convert to and from the JSON form.
    Keys this version does not know (from another version's summary.json, or set by a
    user) are kept in ``extra``.
    """

    source: str = "a DataFrame"
    rows_read: int = 0
    rows_kept: int = 0
    rows_set_aside: int = 0
    set_aside_by_reason: dict[str, int] = field(default_factory=dict)
    mentions: int = 0  # pieces of verbatims (sentences or clauses)
    redacted_by_type: dict[str, int] = field(default_factory=dict)
    rows_redacted: int = 0
    duplicate_verbatims: int = 0
    verbatims_segmented: int = 0
    distinct_texts_embedded: int = 0
    languages: dict[str, int] | None = None
    transcripts: dict[str, int] | None = None
    themes: int = 0  # top-level friction themes (rows of Result.themes)
    praise_themes: int = 0  # rows of Result.praise
    subthemes: int = 0  # themes of the theme model (the detail level)
    mentions_without_theme: int = 0
    score_type: str | None = None
    segment_columns: list[str] = field(default_factory=list)
    embedding_model: str = ""
    sentiment_method: str = ""
    engine: str = "local"
    path: str = "default"
    path_reason: str = ""
    theme_model: str = ""
    chunks: int = 0
    processes: int = 1  # the local engine's worker processes (engine.processes)
    overall: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    theme_changes: dict[str, Any] | None = None  # runs against a saved model
    run_id: str | None = None  # scheduled runs (jobs.py)
    model_saved_to: str | None = None
    history: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ the mapping view
    def _is_key(self, key: str) -> bool:
        return key in _FIELDS and not (key in _OPTIONAL and getattr(self, key) is None)

    def __getitem__(self, key: str) -> Any:
        if key in _RENAMED:
            _renamed(f"summary[{key!r}]", f"summary[{_RENAMED[key]!r}]")
            key = _RENAMED[key]
        if self._is_key(key):
            return getattr(self, key)
        if key in self.extra:
            return self.extra[key]
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key in _FIELDS:
            setattr(self, key, value)
        else:
            self.extra[key] = value

    def __delitem__(self, key: str) -> None:
        if key in _OPTIONAL and self._is_key(key):
            setattr(self, key, None)
        elif key in self.extra:
            del self.extra[key]
        else:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        yield from (k for k in _FIELDS if self._is_key(k))
        yield from self.extra

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every key in a fixed order, optional ones only when set."""
        return {k: self[k] for k in self}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        """Read the JSON form back; unknown keys go to ``extra``."""
        data = {_RENAMED.get(k, k): v for k, v in data.items()}  # a summary.json of 0.1
        known = {k: v for k, v in data.items() if k in _FIELDS}
        return cls(**known, extra={k: v for k, v in data.items() if k not in _FIELDS})


_FIELDS = tuple(f.name for f in dataclasses.fields(RunSummary) if f.name != "extra")
# "segment" now means a customer group only (segment columns, theme_segments); the pieces of
# a verbatim are "mentions".  The old names work, with a DeprecationWarning, until 0.3.
_RENAMED = {"segments": "mentions", "segments_without_theme": "mentions_without_theme"}


def _renamed(old: str, new: str) -> None:
    warnings.warn(f"{old} is now {new} (the pieces of a verbatim are 'mentions'; 'segment' "
                  "means a customer group); the old name goes in version 0.3.",
                  DeprecationWarning, stacklevel=3)


@dataclass
class Result:
    """What a run produces.

    Attributes
    ----------
    themes : DataFrame
        The friction ranking: one row per top-level theme, measured on the mentions that
        complain about it (``rank`` 1 is the theme to fix first; docs/metrics.md).
    praise : DataFrame
        What customers like: the same on praise mentions, most mentioned first.
    subthemes : DataFrame
        The detail under each top-level theme (``parent_id``), friction and praise rows
        (``kind``), for drilling down.
    documents : DataFrame
        One row per input row, in input order: cleaned text, why it was set aside (if it
        was), its theme and sentiment.
    mentions : DataFrame
        One row per mention: a piece (sentence or clause) of a kept verbatim, with its theme
        and sentiment.  ``segments`` is the deprecated name.
    summary : RunSummary
        Counts (read, kept, set aside by reason, themes...) and headline figures; reads like
        a dict (``result.summary["rows_kept"]``).
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
    mentions: pd.DataFrame
    summary: RunSummary
    config: Config
    model: ThemeModel | None = field(default=None, repr=False)
    theme_segments: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    praise: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    subthemes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    TABLES = ("themes", "praise", "subthemes", "documents", "mentions", "theme_segments",
              "trend", "changes")

    @property
    def changes(self) -> pd.DataFrame:
        """What changed since the previous period, one row per theme (empty without two
        periods): shares, change, p-value, significance in words, new / emerging / growing
        / falling.  Computed from ``trend``; see docs/metrics.md, "What changed"."""
        from .report.content import changes_table

        return changes_table(self)

    @property
    def contact_drivers(self) -> pd.DataFrame:
        """For transcripts, per theme: conversations mentioning it (once each), their share
        of all conversations, customer turns and turns per conversation; empty otherwise."""
        from .report.contacts import contact_drivers

        return contact_drivers(self)

    @property
    def segments(self) -> pd.DataFrame:
        """Deprecated name of :attr:`mentions`."""
        _renamed("Result.segments", "Result.mentions")
        return self.mentions

    @segments.setter
    def segments(self, value: pd.DataFrame) -> None:
        _renamed("Result.segments", "Result.mentions")
        self.mentions = value

    def __post_init__(self) -> None:
        if not isinstance(self.summary, RunSummary):
            self.summary = RunSummary.from_dict(dict(self.summary))

    # -------------------------------------------------------------- outputs
    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write themes.csv, documents.csv, mentions.csv, theme_segments.csv, trend.csv and
        changes.csv into ``folder``."""
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
                summary_json(self.summary.to_dict(), self.config.to_dict()), encoding="utf-8")
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
            f"mentions: {s['mentions']}, themes: {s['themes']}, "
            f"mentions without a theme: {s['mentions_without_theme']}",
        ]
        lines += _clean_summary_lines(s)
        if "path" in s:
            procs = f" ({s['processes']} processes)" if s.get("processes", 1) > 1 else ""
            lines.append(f"engine: {s['engine']}{procs}, {s['path']} path ({s['path_reason']}); "
                         f"embeddings: {s['embedding_model']}; "
                         + (f"sentiment: {s['sentiment_method']}; "
                            if "sentiment_method" in s else "")
                         + f"themes: {s['theme_model']}")
        ch = s.get("theme_changes")
        if ch:
            new = ", ".join(f"{t['theme_id']} {t['label']!r}" for t in ch["new"]) or "none"
            lines.append(f"new themes: {new}; merges: {len(ch['merges'])}; splits: "
                         f"{len(ch['splits'])}; known themes kept: {ch['assigned_known']} "
                         f"mentions, new themes: {ch['assigned_new']}")
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



def clean_counts(clean_stats: dict[str, Any], seg_stats: dict[str, Any], n_segments: int,
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


def _clean_summary_lines(s: RunSummary) -> list[str]:
    lines = []
    if "redacted_by_type" in s:
        red = s["redacted_by_type"]
        lines.append(f"personal data redacted: {sum(red.values())} in {s['rows_redacted']} rows"
                     + (" (" + ", ".join(f"{k}: {v}" for k, v in red.items()) + ")" if red
                        else ""))
        lines.append(f"duplicate verbatims (counted, embedded once): {s['duplicate_verbatims']}, "
                     f"verbatims split into several mentions: {s['verbatims_segmented']}, "
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


def load_result(folder: str | Path) -> Result:
    """Read a saved run back (every table :class:`Result` writes, as Parquet, or as CSV
    when no Parquet was written, and ``summary.json``) to rebuild its reports.

    ``theme_segments`` and ``trend`` are empty when the folder holds neither file (a run
    saved by an older version).  ``changes`` is not read: :attr:`Result.changes` computes it
    again from ``trend`` and the saved settings, so it equals the saved ``changes.*``.

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
    for name in (t for t in Result.TABLES if t not in _DERIVED_TABLES):
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if name == "mentions" and not (parquet.is_file() or csv.is_file()):
            parquet, csv = folder / "segments.parquet", folder / "segments.csv"  # saved by 0.1
        if parquet.is_file():
            frame = pd.read_parquet(parquet)
        elif csv.is_file():
            frame = pd.read_csv(csv, keep_default_na=False, na_values=[""])
            for col in _LIST_COLUMNS.get(name, ()):
                if col in frame:
                    frame[col] = frame[col].map(
                        lambda v: [] if pd.isna(v) or v == "" else str(v).split(" | "))
        elif name in _OPTIONAL_TABLES:
            frame = pd.DataFrame()
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
    return Result(themes=tables["themes"], documents=docs, mentions=tables["mentions"],
                  summary=RunSummary.from_dict(summary), config=config,
                  theme_segments=tables["theme_segments"], trend=tables["trend"],
                  praise=tables["praise"], subthemes=tables["subthemes"])


# praise and subthemes: not written before version 0.2
_OPTIONAL_TABLES = ("theme_segments", "trend", "praise", "subthemes")
_DERIVED_TABLES = ("changes",)  # properties computed from the stored tables
_LIST_COLUMNS = {"themes": ("keywords", "examples", "negative_examples"),
                 "praise": ("keywords", "examples", "negative_examples"),
                 "subthemes": ("keywords", "examples", "negative_examples"),
                 "documents": ("theme_ids",)}
