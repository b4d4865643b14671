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
    assert wb.sheetnames == ["Themes", "What changed", "Trend", "Theme segments", "Documents",
                             "Mentions", "Summary", "Data dictionary"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        assert all(c.font.bold for c in ws[1])
    themes = wb["Themes"]
    header = [c.value for c in themes[1]]
    assert header[:7] == ["Rank", "Theme", "Priority", "Priority: volume",
                          "Priority: negativity", "Priority: impact", "Priority: growth"]
    assert not any("_" in h for h in header)  # readable headers, no snake_case
    label = header.index("Theme") + 1
    width = themes.column_dimensions[openpyxl.utils.get_column_letter(label)].width
    assert width >= max(len(v) for v in result.themes["label"])
    assert [themes.cell(row=i + 2, column=label).value for i in range(len(result.themes))] == \
        result.themes["label"].tolist()


def test_numbers_stay_numbers_with_formats(saved):
    result, folder = saved
    ws = openpyxl.load_workbook(folder / "themes.xlsx")["Themes"]
    header = [c.value for c in ws[1]]
    share = ws.cell(row=2, column=header.index("Share of verbatims") + 1)
    assert isinstance(share.value, float) and share.value == pytest.approx(result.themes["share"][0])
    assert share.number_format == "0.0%"
    nps = ws.cell(row=2, column=header.index("NPS") + 1)
    assert nps.number_format == "+0;-0;0"  # NPS as whole numbers: "-100", not "-100.00"
    assert ws.cell(row=2, column=header.index("Mean sentiment") + 1).number_format == \
        "+0.00;-0.00;0.00"
    assert isinstance(ws.cell(row=2, column=header.index("Verbatims") + 1).value, int)
    trend = openpyxl.load_workbook(folder / "themes.xlsx")["Trend"]
    periods = sorted(result.trend["period_start"].dt.strftime("%Y-%m-%d").unique())
    assert [c.value for c in trend[1]] == ["Rank", "Theme", *periods]  # theme x period
    assert trend.max_row == len(result.themes) + 1
    first = result.trend[result.trend["theme_id"] == result.themes["theme_id"][0]]
    assert [trend.cell(row=2, column=3 + i).value for i in range(len(periods))] == \
        pytest.approx(first["share"].tolist())
    assert trend.cell(row=2, column=3).number_format == "0.0%"


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


def test_theme_segments_sheet_has_lift_as_documented(saved):
    result, folder = saved
    ws = openpyxl.load_workbook(folder / "themes.xlsx")["Theme segments"]
    header = [c.value for c in ws[1]]
    assert ["Segment column", "Segment value", "Segment verbatims", "Lift", "Lift p-value"] == \
        [h for h in header if h.startswith(("Segment ", "Lift"))]
    lift = header.index("Lift") + 1
    values = [ws.cell(row=i + 2, column=lift).value for i in range(len(result.theme_segments))]
    assert values == pytest.approx(result.theme_segments["lift"].tolist(), nan_ok=True)


def test_data_dictionary_is_the_documented_definitions(saved):
    """One source: the workbook's dictionary comes from report.columns, and every column
    it defines is documented in docs/metrics.md (and every theme column is defined)."""
    from pathlib import Path

    from feedback_mining.report.columns import COLUMNS
    from feedback_mining.score import CHANGE_COLUMNS, SEGMENT_COLUMNS, THEME_COLUMNS, TREND_COLUMNS

    result, folder = saved
    ws = openpyxl.load_workbook(folder / "themes.xlsx")["Data dictionary"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    themes = {r[2]: r for r in rows if r[0] == "Themes"}
    assert themes["nps"][1:] == ["NPS", "nps", COLUMNS["nps"].definition,
                              "signed whole number (-12)"]
    assert set(themes) == set(result.themes.columns) & set(COLUMNS)
    docs = (Path(__file__).parents[1] / "docs" / "metrics.md").read_text(encoding="utf-8")
    for column in [*THEME_COLUMNS, *SEGMENT_COLUMNS, *TREND_COLUMNS, *CHANGE_COLUMNS]:
        assert column in COLUMNS, f"{column} has no header/definition in report/columns.py"
    documented = {c for c in COLUMNS if f"`{c}`" in docs}
    missing = [c for c in COLUMNS if c not in documented and not c.endswith(("_ci_low", "_ci_high"))]
    assert missing == [], f"columns defined for the workbook but not in docs/metrics.md: {missing}"
