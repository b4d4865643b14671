"""The deck: opened with python-pptx and checked for content, not just existence."""

from __future__ import annotations

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

import feedback_mining as fm
from feedback_mining.report.fit import ELLIPSIS, fit, fits, fits_emu

from .report_helpers import many_themes, sample_result


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    result = sample_result()
    path = tmp_path_factory.mktemp("deck") / "themes.pptx"
    result.to_pptx(path)
    return result, Presentation(str(path))


def _table_slides(prs):
    return [(s, sh.table) for s in prs.slides for sh in s.shapes
            if sh.has_table and sh.name == "Theme table"]


def _texts(prs):
    """Every text box and table cell with its size and font size."""
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text:
                yield shape.text_frame, int(shape.width), int(shape.height)
            if shape.has_table:
                table = shape.table
                for row in table.rows:
                    for j, cell in enumerate(row.cells):
                        yield cell.text_frame, int(table.columns[j].width), int(row.height)


def test_deck_is_16_by_9_with_title_headline_table_changes_and_theme_slides(deck):
    result, prs = deck
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=0.01)
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[0] == "What customers are telling us"
    assert titles[1] == "The headline"
    assert titles[2] == "Top friction themes, ranked by priority"
    assert titles[3] == "What changed this period"
    n_top = min(result.config.report.top_themes, len(result.themes))
    assert titles[4:4 + n_top] == [f"#{r} {lab}" for r, lab in
                                   zip(result.themes["rank"][:n_top],
                                       result.themes["label"][:n_top], strict=True)]
    after = titles[4 + n_top:4 + n_top + 2]
    if len(result.praise):  # what customers like, before the appendix
        assert after == ["What customers like", "Appendix: volume and sentiment of each theme"]
    else:
        assert after[0] == "Appendix: volume and sentiment of each theme"
    subtitle = " ".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert f"{result.summary['rows_kept']:,} verbatims" in subtitle
    assert "Period: 01 Jan 2026" in subtitle


def test_table_rows_match_the_theme_table(deck):
    result, prs = deck
    (slide, table), = _table_slides(prs)
    header = [c.text_frame.text for c in table.rows[0].cells]
    assert header[:4] == ["#", "Theme", "Verbatims", "Share"]
    rows = [[c.text_frame.text for c in row.cells] for row in list(table.rows)[1:]]
    assert len(rows) == len(result.themes)
    assert [r[0] for r in rows] == [str(v) for v in result.themes["rank"]]
    assert [r[1] for r in rows] == result.themes["label"].tolist()
    assert [int(r[2].replace(",", "")) for r in rows] == result.themes["verbatims"].tolist()
    assert [r[3] for r in rows] == [f"{v:.1%}" for v in result.themes["share"]]


def test_no_text_exceeds_its_box(deck):
    _, prs = deck
    checked = 0
    for frame, width, height in _texts(prs):
        for para in frame.paragraphs:
            for run in para.runs:
                assert run.font.size is not None, run.text
                n_paras = len(frame.paragraphs)
                assert fits_emu(run.text, width, height // n_paras if n_paras > 1 else height,
                                run.font.size.pt, bool(run.font.bold)), run.text
                checked += 1
    assert checked > 50


def test_long_tables_continue_and_long_labels_are_shortened(tmp_path):
    result = many_themes(sample_result(), 40)
    path = result.to_pptx(tmp_path / "long.pptx", top_themes=3)
    prs = Presentation(str(path))
    pages = _table_slides(prs)
    assert len(pages) == 3  # the top 15 on one slide, the rest in the appendix
    assert pages[0][0].shapes.title.text_frame.text == "Top friction themes, ranked by priority"
    assert pages[2][0].shapes.title.text_frame.text == \
        "Appendix: the other friction themes (2 of 2)"
    ranks = [int(row.cells[0].text_frame.text) for _, t in pages for row in list(t.rows)[1:]]
    assert ranks == list(range(1, 41))  # every theme once, in order, across the pages
    labels = [row.cells[1].text_frame.text for _, t in pages for row in list(t.rows)[1:]]
    long = [lab for lab in labels if lab.startswith("theme 1 ")][0]
    assert long.endswith(ELLIPSIS) and len(long) < len(result.themes["label"][1])
    bottom = max(sh.top + sh.height for s, _ in pages for sh in s.shapes if sh.has_table)
    assert bottom <= prs.slide_height
    notes = [sh.text_frame.text for sh in pages[0][0].shapes
             if sh.has_text_frame and "appendix" in sh.text_frame.text]
    assert notes == ["Themes 16 to 40 are in the appendix."]
    one_more = Presentation(str(many_themes(sample_result(), 16).to_pptx(tmp_path / "16.pptx",
                                                                         top_themes=1)))
    assert "Theme 16 is in the appendix." in [
        sh.text_frame.text for sh in _table_slides(one_more)[0][0].shapes if sh.has_text_frame]
    for frame, width, height in _texts(prs):
        for para in frame.paragraphs:
            for run in para.runs:
                n = len(frame.paragraphs)
                assert fits_emu(run.text, width, height // n if n > 1 else height,
                                run.font.size.pt, bool(run.font.bold)), run.text


def test_charts_are_native_and_editable(deck):
    result, prs = deck
    charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
    types = {c.chart_type for c in charts}
    assert XL_CHART_TYPE.XY_SCATTER in types  # the volume / sentiment map
    assert XL_CHART_TYPE.LINE_MARKERS in types  # trends (the data has dates)
    assert XL_CHART_TYPE.BAR_CLUSTERED in types  # breakdown by channel
    scatter = next(c for c in charts if c.chart_type == XL_CHART_TYPE.XY_SCATTER)
    assert list(scatter.plots[0].series[0].values) == \
        [float(v) for v in result.themes["verbatims"]]


def test_theme_slides_quote_the_redacted_examples(deck):
    result, prs = deck
    row = result.themes.iloc[0]
    slide = prs.slides[4]
    quotes = [sh.text_frame.text for sh in slide.shapes
              if sh.has_text_frame and sh.text_frame.text.startswith("“")]
    assert 1 <= len(quotes) <= 3
    sources = list(row["negative_examples"])  # complaints only
    for quote in quotes:
        assert any(quote.strip("“”").rstrip(ELLIPSIS) in source for source in sources)


def test_a_template_gives_its_layouts_and_its_slides_are_dropped(tmp_path):
    template = Presentation()
    template.slide_width, template.slide_height = Emu(12192000), Emu(6858000)
    template.slides.add_slide(template.slide_layouts[0]).shapes.title.text = "OLD SLIDE"
    template.save(str(tmp_path / "brand.pptx"))
    result = sample_result()
    path = result.to_pptx(tmp_path / "branded.pptx", template=tmp_path / "brand.pptx",
                          top_themes=1)
    prs = Presentation(str(path))
    assert "OLD SLIDE" not in [s.shapes.title.text_frame.text for s in prs.slides]
    assert prs.slides[0].slide_layout.name == "Title Slide"
    assert prs.slides[1].slide_layout.name == "Title Only"
    with pytest.raises(fm.InputError, match="expected an existing .pptx file"):
        result.to_pptx(tmp_path / "x.pptx", template=tmp_path / "missing.pptx")


@pytest.mark.parametrize("text", ["", "short", "word " * 200, "x" * 500,
                                  "Refund/return label missing — again!! " * 9])
@pytest.mark.parametrize("box", [(50, 14, 12), (300, 20, 14), (600, 80, 11), (20, 200, 28)])
def test_fit_always_fits(text, box):
    out = fit(text, *box)
    assert fits(out, *box)
    assert out == " ".join(text.split()) or out.endswith(ELLIPSIS)


def test_metric_columns_from_scoring_show_when_present(tmp_path):
    result = sample_result()
    n = len(result.themes)
    result.themes["impact"] = [-0.5 + i * 0.2 for i in range(n)]
    result.themes["share_change"] = [0.05, 0.02, -0.01] + [0.02] * (n - 3)
    result.themes["share_change_p"] = [0.001, 0.01, 0.02] + [0.93] * (n - 3)
    result.themes["share_prev"] = [0.0] + [0.05] * (n - 1)
    result.themes["emerging"] = [i == 0 for i in range(n)]
    prs = Presentation(str(result.to_pptx(tmp_path / "m.pptx", top_themes=1)))
    (_, table), = _table_slides(prs)
    header = [c.text_frame.text for c in table.rows[0].cells]
    assert "Impact" in header and header[-1] == "Trend"
    trend = [row.cells[len(header) - 1].text_frame.text for row in list(table.rows)[1:]]
    assert trend[:4] == ["▲ new", "▲ +2.0 pts", "▼ -1.0 pts", "steady"]
    impact = [row.cells[header.index("Impact")].text_frame.text for row in list(table.rows)[1:]]
    assert impact[0] == "-0.50"
    page = result.to_html(tmp_path / "m.html").read_text(encoding="utf-8")
    assert ">Impact<" in page and ">Trend<" in page


def test_the_table_says_which_themes_are_known_and_which_new(tmp_path):
    result = sample_result()
    assert "Origin" not in [c.text_frame.text for c in  # a plain run: every theme is new
                            _table_slides(Presentation(str(result.to_pptx(
                                tmp_path / "plain.pptx", top_themes=1))))[0][1].rows[0].cells]
    n = len(result.themes)
    result.themes["is_new"] = [i % 3 == 0 for i in range(n)]  # a saved model's run
    prs = Presentation(str(result.to_pptx(tmp_path / "m.pptx", top_themes=1)))
    (_, table), = _table_slides(prs)
    header = [c.text_frame.text for c in table.rows[0].cells]
    assert header[:3] == ["#", "Theme", "Origin"]
    origin = [row.cells[2].text_frame.text for row in list(table.rows)[1:]]
    assert origin == ["new" if i % 3 == 0 else "known" for i in range(n)]
    page = result.to_html(tmp_path / "m.html").read_text(encoding="utf-8")
    assert ">Origin<" in page and ">known<" in page


def test_mentions_in_no_theme_are_said_on_the_title_slide_and_the_page(tmp_path):
    result = sample_result()
    title = " ".join(sh.text_frame.text for sh in Presentation(str(result.to_pptx(
        tmp_path / "a.pptx", top_themes=1))).slides[0].shapes if sh.has_text_frame)
    assert "in no theme" not in title  # every mention has a theme
    result.summary["mentions"] = 400
    result.summary["mentions_without_theme"] = 52  # a saved model's run leaves some out
    title = " ".join(sh.text_frame.text for sh in Presentation(str(result.to_pptx(
        tmp_path / "b.pptx", top_themes=1))).slides[0].shapes if sh.has_text_frame)
    assert "52 mentions (13%) in no theme" in title
    page = result.to_html(tmp_path / "b.html").read_text(encoding="utf-8")
    assert "Mentions in no theme" in page and "52 (13%)" in page


def test_quotes_lead_with_the_themes_complaints():
    import pandas as pd

    from feedback_mining.report.content import quotes

    row = pd.Series({"examples": ["Love the dress", "Nice colour", "Fits well"],
                     "negative_examples": ["The refund took five weeks", "Label never came"]})
    assert quotes(row, 3) == ["The refund took five weeks", "Label never came", "Love the dress"]
    assert quotes(pd.Series({"examples": ["Love the dress"], "negative_examples": []}), 3) == \
        ["Love the dress"]
