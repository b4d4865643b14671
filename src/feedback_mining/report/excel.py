"""The Excel workbook: a sheet per table, frozen header, filters, fitted widths, formats.

Customer text that a spreadsheet would execute (``=``, ``+``, ``-``, ``@``...) is
neutralised before it is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..io.writers import _to_writable, atomic_write, neutralise_formulas

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Result

PERCENT = {"share", "share_negative"}
TWO_DECIMALS = {"sentiment_mean", "score_mean", "priority", "sentiment", "score"}
ONE_DECIMAL = {"nps"}
MAX_WIDTH = 60


def summary_frame(summary: dict) -> pd.DataFrame:
    rows = []
    for key, value in summary.items():
        if isinstance(value, dict):
            rows += [(f"{key}.{k}", v) for k, v in value.items()]
        else:
            rows.append((key, value))
    return pd.DataFrame(
        [(k, v if isinstance(v, int | float) else str(v)) for k, v in rows],
        columns=["item", "value"],
    )


def write_excel(result: Result, path: str | Path) -> Path:
    sheets = {
        "Themes": result.themes,
        "Documents": result.documents,
        "Segments": result.segments,
        "Summary": summary_frame(result.summary),
    }

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                flat = neutralise_formulas(_to_writable(frame))
                flat.to_excel(writer, sheet_name=name, index=False)
                _format(writer.sheets[name], flat)

    return atomic_write(path, write)


def _format(ws, frame: pd.DataFrame) -> None:
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
    for idx, col in enumerate(frame.columns, start=1):
        letter = get_column_letter(idx)
        values = frame[col].head(500).map(lambda v: "" if v is None else str(v))
        width = max([len(str(col))] + [len(v) for v in values]) + 2
        ws.column_dimensions[letter].width = min(max(width, 8), MAX_WIDTH)
        fmt = ("0.0%" if col in PERCENT else "0.00" if col in TWO_DECIMALS
               else "0.0" if col in ONE_DECIMAL else None)
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
