"""The Excel workbook an analyst filters without a manual.

Sheets: Themes (rank, label, priority and its components first), What changed (when the
data has two periods), Contact drivers (transcripts), Trend (theme x period, wide), Theme
segments (every theme metric per segment value, with lift), Documents, Mentions (the pieces
of the verbatims), Summary and a Data dictionary.  Headers are in plain words and every
known column has a number format (shares as percent, NPS as whole numbers...), both from
:mod:`feedback_mining.report.columns`, the one list of column definitions that
docs/metrics.md also documents.  Every text cell, list joined to text, column name and sheet
name that starts like a formula (``=``, ``+``, ``-``, ``@``...) is neutralised so that a
spreadsheet never executes it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..io.writers import _to_writable, atomic_write, neutralise_formulas, safe_cell
from . import columns as COLS
from . import contacts
from . import content as C

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result

PERCENT = {"share", "share_negative", "share_positive", "share_prev", "share_last",
           "share_change", "share_change_ci_low", "share_change_ci_high", "priority_volume",
           "period_share", "segment_share"}
TWO_DECIMALS = {"sentiment_mean", "score_mean", "priority", "sentiment", "score",
                "sentiment_mean_ci_low", "sentiment_mean_ci_high", "score_mean_ci_low",
                "score_mean_ci_high", "net_sentiment", "lift", "top_segment_lift",
                "priority_negativity", "priority_impact", "priority_growth", "impact",
                "impact_ci_low", "impact_ci_high", "driver_gap", "driver_gap_ci_low",
                "driver_gap_ci_high"}
ONE_DECIMAL = {"nps", "nps_ci_low", "nps_ci_high"}
MAX_WIDTH = 60
MAX_ROWS = 1_048_575  # Excel's limit, less the header


def summary_frame(summary: dict) -> pd.DataFrame:
    rows = []
    for key, value in summary.items():
        if key == "config":
            continue
        if isinstance(value, dict):
            rows += [(f"{key}.{k}", v) for k, v in value.items()]
        else:
            rows.append((key, value))
    return pd.DataFrame(
        [(k, v if isinstance(v, int | float) and not isinstance(v, bool) else str(v))
         for k, v in rows],
        columns=["item", "value"],
    )


def themes_sheet(themes: pd.DataFrame) -> pd.DataFrame:
    """The theme table with rank, label, priority and its components first."""
    lead = [c for c in COLS.LEADING if c in themes.columns]
    return themes[lead + [c for c in themes.columns if c not in lead]]


def trend_wide(result: Result) -> pd.DataFrame:
    """Theme x period: one row per theme (rank order), one column per period holding the
    theme's share of that period's verbatims."""
    trend = C.trend_table(result)
    if trend.empty:
        return trend
    wide = trend.pivot_table(index="theme_id", columns="period", values="share", aggfunc="sum")
    periods = sorted(wide.columns)
    themes = result.themes[["rank", "theme_id", "label"]]
    out = themes.join(wide[periods], on="theme_id").drop(columns="theme_id")
    out.attrs["formats"] = {p: COLS.PCT for p in periods}
    out.attrs["headers"] = {p: str(p) for p in periods}
    return out.reset_index(drop=True)


def dictionary_sheet(sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per documented column of every sheet: header, column name, definition and
    number format."""
    rows = []
    for name, frame in sheets.items():
        for col in frame.columns:
            info = COLS.COLUMNS.get(str(col))
            if info is not None:
                rows.append((name, info.header, str(col), info.definition,
                             COLS.shown_as(str(col))))
    return pd.DataFrame(rows, columns=["Sheet", "Header", "Column", "Definition", "Shown as"])


def workbook_sheets(result: Result) -> dict[str, pd.DataFrame]:
    """The workbook's sheets by name, in order."""
    sheets = {"Themes": themes_sheet(result.themes)}
    changes = result.changes
    if not changes.empty:
        sheets["What changed"] = changes
    drivers = contacts.contact_drivers(result)
    if not drivers.empty:
        sheets["Contact drivers"] = drivers
    trend = trend_wide(result)
    if not trend.empty:
        sheets["Trend"] = trend
    segments = getattr(result, "theme_segments", None)
    if isinstance(segments, pd.DataFrame) and not segments.empty:
        sheets["Theme segments"] = segments
    else:  # a run read back without its segment table: the breakdown from the documents
        for column in C.segment_columns(result):
            sheets[_sheet_name(f"By {column}", sheets)] = C.segment_breakdown(
                result, column, max_values=50)
    sheets["Documents"] = result.documents
    sheets["Mentions"] = result.mentions
    sheets["Summary"] = summary_frame(result.summary)
    sheets["Data dictionary"] = dictionary_sheet(sheets)
    return sheets


def write_excel(result: Result, path: str | Path) -> Path:
    sheets = workbook_sheets(result)

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                flat = neutralise_formulas(_to_writable(frame))
                headers = frame.attrs.get("headers", {})
                flat.columns = [str(safe_cell(headers.get(c, COLS.header(str(c)))))
                                for c in frame.columns]  # numbers too
                truncated = len(flat) > MAX_ROWS
                flat = flat.head(MAX_ROWS)
                flat.to_excel(writer, sheet_name=name, index=False)
                _format(writer.sheets[name], flat, list(frame.columns),
                        frame.attrs.get("formats", {}))
                if truncated:
                    writer.sheets[name].cell(row=1, column=len(flat.columns) + 2,
                                             value=f"only the first {MAX_ROWS:,} rows fit a sheet")

    return atomic_write(path, write)


def _sheet_name(name: str, taken: dict) -> str:
    """A valid, unique sheet name (31 characters, no []:*?/\\, never formula-like)."""
    clean = re.sub(r"[\[\]:*?/\\]", " ", name).strip("' ")[:31] or "Sheet"
    clean = str(safe_cell(clean)).lstrip("'")
    if clean.startswith(("=", "+", "-", "@")):
        clean = "_" + clean[:30]
    out, n = clean, 2
    while out in taken:
        out = f"{clean[:28]} {n}"
        n += 1
    return out


def number_format(column: str, series: pd.Series) -> str | None:
    """Excel display format for a column, or None for text and whole numbers."""
    known = COLS.number_format(column)
    if known is not None or column in COLS.COLUMNS:
        return known if pd.api.types.is_numeric_dtype(series) else None
    if column in PERCENT or column.startswith("share") or column.endswith("_share"):
        return "0.0%"
    if column in TWO_DECIMALS or column.startswith("sentiment"):
        return "0.00"
    if column in ONE_DECIMAL:
        return "0.0"
    if pd.api.types.is_float_dtype(series):
        return "0.00"
    return None


def _format(ws, frame: pd.DataFrame, original: list, formats: dict) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = ws.dimensions
    header_fill = PatternFill("solid", fgColor="1F3864")
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    for idx, (col, name) in enumerate(zip(frame.columns, original, strict=True), start=1):
        letter = get_column_letter(idx)
        fmt = formats.get(name) or number_format(str(name), frame[col])
        sample = frame[col].head(500)
        if fmt and pd.api.types.is_numeric_dtype(sample):
            shown = sample.map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
        else:
            shown = sample.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                               else str(v))
        width = max([len(str(col)) + 3] + [len(v) for v in shown]) + 2
        ws.column_dimensions[letter].width = min(max(width, 8), MAX_WIDTH)
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
