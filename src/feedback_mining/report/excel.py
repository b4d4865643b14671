"""The Excel workbook: a sheet per table, frozen header, filters, fitted widths, formats.

Sheets: Themes, Documents, Mentions, Trend (when the data has dates), one "By <segment>"
sheet per segment column, and Summary.  Numbers stay numbers with a display format
(percentages as percent, scores with one decimal...).  Every text cell, list joined to
text, column name and sheet name that starts like a formula (``=``, ``+``, ``-``, ``@``...)
is neutralised so that a spreadsheet never executes it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..io.writers import _to_writable, atomic_write, neutralise_formulas, safe_cell
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


def workbook_sheets(result: Result) -> dict[str, pd.DataFrame]:
    """The workbook's sheets by name, in order."""
    sheets = {
        "Themes": result.themes,
        "Documents": result.documents,
        "Mentions": result.mentions,
    }
    trend = C.trend_table(result)
    if not trend.empty:
        sheets["Trend"] = trend
    for column in C.segment_columns(result):
        sheets[_sheet_name(f"By {column}", sheets)] = C.segment_breakdown(
            result, column, max_values=50)
    sheets["Summary"] = summary_frame(result.summary)
    return sheets


def write_excel(result: Result, path: str | Path) -> Path:
    sheets = workbook_sheets(result)

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                flat = neutralise_formulas(_to_writable(frame))
                flat.columns = [str(safe_cell(str(c))) for c in flat.columns]  # numbers too
                truncated = len(flat) > MAX_ROWS
                flat = flat.head(MAX_ROWS)
                flat.to_excel(writer, sheet_name=name, index=False)
                _format(writer.sheets[name], flat, list(frame.columns))
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
    if column in PERCENT or column.startswith("share") or column.endswith("_share"):
        return "0.0%"
    if column in TWO_DECIMALS or column.startswith("sentiment"):
        return "0.00"
    if column in ONE_DECIMAL:
        return "0.0"
    if pd.api.types.is_float_dtype(series):
        return "0.00"
    return None


def _format(ws, frame: pd.DataFrame, original: list) -> None:
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
        fmt = number_format(str(name), frame[col])
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
