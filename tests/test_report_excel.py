"""The workbook and the CSV files: formats people can use, and no live formulas."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from .report_helpers import FORMULA_START, INJECTIONS, sample_result


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    result = sample_result()
    folder = tmp_path_factory.mktemp("out")
    result.save(folder, formats=["csv", "xlsx"])
    return result, folder


def _is_live(value) -> bool:
    """Text a spreadsheet would run as a formula (a plain negative number is fine)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def test_a_sheet_per_table_with_header_filters_and_widths(saved):
    result, folder = saved
    wb = openpyxl.load_workbook(folder / "themes.xlsx")
    assert wb.sheetnames == ["Themes", "Documents", "Mentions", "Trend", "By channel", "Summary"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        assert all(c.font.bold for c in ws[1])
    themes = wb["Themes"]
    header = [c.value for c in themes[1]]
    label = header.index("label") + 1
    width = themes.column_dimensions[openpyxl.utils.get_column_letter(label)].width
    assert width >= max(len(v) for v in result.themes["label"])
    assert [themes.cell(row=i + 2, column=label).value for i in range(len(result.themes))] == \
        result.themes["label"].tolist()


def test_numbers_stay_numbers_with_formats(saved):
    result, folder = saved
    ws = openpyxl.load_workbook(folder / "themes.xlsx")["Themes"]
    header = [c.value for c in ws[1]]
    share = ws.cell(row=2, column=header.index("share") + 1)
    assert isinstance(share.value, float) and share.value == pytest.approx(result.themes["share"][0])
    assert share.number_format == "0.0%"
    assert ws.cell(row=2, column=header.index("nps") + 1).number_format == "0.0"
    assert ws.cell(row=2, column=header.index("sentiment_mean") + 1).number_format == "0.00"
    assert isinstance(ws.cell(row=2, column=header.index("verbatims") + 1).value, int)
    trend = openpyxl.load_workbook(folder / "themes.xlsx")["Trend"]
    assert [c.value for c in trend[1]] == ["period", "theme_id", "label", "verbatims",
                                           "period_verbatims", "share"]
    assert trend.cell(row=2, column=6).number_format == "0.0%"


def test_seeded_formulas_are_neutralised_in_excel_and_csv(saved):
    _, folder = saved
    wb = openpyxl.load_workbook(folder / "themes.xlsx")
    seen = 0
    for ws in wb.worksheets:
        assert not _is_live(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not _is_live(cell.value), (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and any(i in cell.value for i in INJECTIONS[:2]):
                    seen += 1
    assert seen >= 2  # the seeded text is there, as text
    for name in ("themes.csv", "documents.csv", "mentions.csv"):
        with open(folder / name, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        for row in rows:
            for value in row:
                assert not _is_live(value), (name, value)
    docs = (folder / "documents.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in docs and "'@SUM(A1:A2)" in docs


def test_formula_like_segment_values_and_column_names(tmp_path):
    result = sample_result()
    result.documents = result.documents.rename(columns={"channel": "=channel"})
    result.summary["segment_columns"] = ["=channel"]
    result.to_excel(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    for ws in wb.worksheets:
        assert not _is_live(ws.title)
        assert not any(_is_live(c.value) for row in ws.iter_rows() for c in row)
