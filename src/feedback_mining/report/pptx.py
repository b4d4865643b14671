"""The PowerPoint deck: a 16:9 deck a person can send without editing.

Slides: title (data set, period, counts), overview (headline figures and the largest
themes), the ranked theme table (a native table that continues on the next slide when it
is long), a map of volume against sentiment (a native chart, editable in PowerPoint), and
one slide per top theme with its figures, its trend per period (when the data has dates),
its share in each segment (when segment columns were mapped) and short redacted quotes.

Every text is shortened with an ellipsis to a character budget computed from its box and
its font size (:mod:`feedback_mining.report.fit`), so nothing overflows.

A template (the user's own .pptx) gives the layouts, theme colours and fonts: the layouts
named "Title Slide" and "Title Only" are used when present, otherwise the first layout and
the layout with a title and the fewest other placeholders.  Slides already in the template
are dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import input_error
from ..io.writers import atomic_write
from ..safe import safe_cell
from . import content as C
from .fit import LINE_HEIGHT, fit_emu

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Result

WIDE = (12192000, 6858000)  # 13.333 x 7.5 inches in EMU: 16:9
TITLE_PT = 28
BODY_PT = 14
TABLE_PT = 12
SMALL_PT = 11
QUOTE_PT = 14
INK = (0x1F, 0x1F, 0x1F)
MUTED = (0x59, 0x59, 0x59)


def write_pptx(result: Result, path: str | Path, *, template: str | Path | None = None,
               top_themes: int = 8, n_quotes: int = 3, title: str | None = None) -> Path:
    """Write the deck to ``path`` (atomically) and return the path.

    Parameters
    ----------
    result : Result
    path : str or Path
        The ``.pptx`` file to write.
    template : str or Path, optional
        A .pptx whose layouts, colours and fonts the deck uses.
    top_themes : int
        How many themes get a slide of their own.
    n_quotes : int
        Quotes per theme slide (2 or 3 read well).
    title : str, optional
        The deck's title; "What customers are telling us" by default.
    """
    deck = _Deck(template)
    deck.title_slide(result, title or "What customers are telling us")
    deck.overview_slide(result)
    deck.table_slides(result)
    deck.map_slide(result)
    for _, row in result.themes.head(max(0, int(top_themes))).iterrows():
        deck.theme_slide(result, row, n_quotes)
    return atomic_write(path, lambda tmp: deck.prs.save(str(tmp)))


# ---------------------------------------------------------------------- the deck
class _Deck:
    def __init__(self, template: str | Path | None):
        from pptx import Presentation

        if template is not None:
            template = Path(template)
            if not template.is_file() or template.suffix.lower() not in (".pptx", ".potx"):
                raise input_error(f"template {template}", "an existing .pptx file",
                                  "no such file" if not template.is_file() else template.suffix,
                                  "Pass the path of a PowerPoint file (.pptx) with your layouts.")
            self.prs = Presentation(str(template))
            _drop_slides(self.prs)
        else:
            self.prs = Presentation()
            self.prs.slide_width, self.prs.slide_height = WIDE
        self.W = int(self.prs.slide_width)
        self.H = int(self.prs.slide_height)
        layouts = list(self.prs.slide_layouts)
        self.title_layout = _layout(layouts, "Title Slide", fallback=layouts[0])
        self.content_layout = _layout(layouts, "Title Only", fallback=_fewest_placeholders(layouts))

    # ------------------------------------------------------------ geometry (inches -> EMU)
    def x(self, inches: float) -> int:
        return int(inches / 13.333 * self.W)

    def y(self, inches: float) -> int:
        return int(inches / 7.5 * self.H)

    # ------------------------------------------------------------ building blocks
    def new_slide(self, title: str):
        slide = self.prs.slides.add_slide(self.content_layout)
        box = slide.shapes.title
        x, y, w, h = self.x(0.5), self.y(0.3), self.x(12.33), self.y(0.9)
        if box is None:
            box = slide.shapes.add_textbox(x, y, w, h)
        else:
            box.left, box.top, box.width, box.height = x, y, w, h
        _set_text(box, [title], TITLE_PT, bold=True)
        _drop_empty_placeholders(slide)
        return slide

    def text(self, slide, x: int, y: int, w: int, h: int, lines: list[str], size: float, *,
             bold: bool = False, italic: bool = False, color=INK, align: str = "left"):
        box = slide.shapes.add_textbox(x, y, w, h)
        box.text_frame.word_wrap = True
        _set_text(box, lines, size, bold=bold, italic=italic, color=color, align=align)
        return box

    # ------------------------------------------------------------ slides
    def title_slide(self, result: Result, title: str) -> None:
        slide = self.prs.slides.add_slide(self.title_layout)
        lines = C.title_lines(result)
        head = slide.shapes.title
        subtitle = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if head is None:
            head = slide.shapes.add_textbox(self.x(0.8), self.y(2.2), self.x(11.7), self.y(1.5))
        if subtitle is None:
            subtitle = slide.shapes.add_textbox(self.x(0.8), self.y(4.0), self.x(11.7),
                                                self.y(1.6))
        _set_text(head, [title], 40, bold=True)
        _set_text(subtitle, lines, 18, color=MUTED, fit_lines=True)
        _drop_empty_placeholders(slide)

    def overview_slide(self, result: Result) -> None:
        slide = self.new_slide("Overview")
        figures = C.overview_figures(result)
        card_w, card_h = self.x(2.9), self.y(1.05)
        for i, (what, value) in enumerate(figures):
            col, row = i % 2, i // 2
            x = self.x(0.5) + col * (card_w + self.x(0.15))
            y = self.y(1.4) + row * (card_h + self.y(0.12))
            self.text(slide, x, y, card_w, self.y(0.6), [value], 26, bold=True)
            self.text(slide, x, y + self.y(0.55), card_w, self.y(0.45), [what], SMALL_PT,
                      color=MUTED)
        top = result.themes.head(10)
        if not top.empty:
            self._bar_chart(slide, self.x(6.6), self.y(1.3), self.x(6.2), self.y(5.8),
                            [f"{r} {lab}" for r, lab in zip(top["rank"], top["label"],
                                                            strict=True)],
                            top["verbatims"].tolist(), "Verbatims",
                            "Verbatims of the 10 highest-priority themes", "0")

    def table_slides(self, result: Result) -> None:
        themes = result.themes
        columns = C.theme_columns(themes)
        rows = C.theme_rows(themes, columns)
        row_h = self.y(0.42)
        top, bottom = self.y(1.35), self.y(7.1)
        per_slide = max(1, (bottom - top) // row_h - 1)
        pages = [rows[i:i + per_slide] for i in range(0, len(rows), per_slide)] or [[]]
        widths, size = _column_widths(columns, rows, self.x(12.33))
        for n, page in enumerate(pages, start=1):
            title = "Themes ranked by priority"
            if len(pages) > 1:
                title = (f"{title} ({n} of {len(pages)})" if n == 1 else
                         f"Themes, continued ({n} of {len(pages)})")
            slide = self.new_slide(title)
            shape = slide.shapes.add_table(len(page) + 1, len(columns), self.x(0.5), top,
                                           sum(widths), row_h * (len(page) + 1))
            shape.name = "Theme table"
            table = shape.table
            for j, w in enumerate(widths):
                table.columns[j].width = w
            for i in range(len(page) + 1):
                table.rows[i].height = row_h
            for j, col in enumerate(columns):
                _cell(table.cell(0, j), col.header, widths[j], row_h, size, bold=True,
                      align="left" if col.kind == "text" and col.key != "_trend" else "right")
            for i, cells in enumerate(page, start=1):
                for j, (col, value) in enumerate(zip(columns, cells, strict=True)):
                    _cell(table.cell(i, j), value, widths[j], row_h, size,
                          align="left" if col.kind == "text" and col.key != "_trend"
                          else "right")

    def map_slide(self, result: Result) -> None:
        from pptx.chart.data import XyChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION

        themes = result.themes.dropna(subset=["sentiment_mean"])
        slide = self.new_slide("Volume and sentiment of each theme")
        if themes.empty:
            return
        data = XyChartData()
        series = data.add_series("Themes")
        for _, row in themes.iterrows():
            series.add_data_point(float(row["sentiment_mean"]), float(row["verbatims"]))
        x, y, w, h = self.x(0.5), self.y(1.3), self.x(12.33), self.y(5.4)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, x, y, w, h, data)
        frame.name = "Volume and sentiment chart"
        chart = frame.chart
        _chart_style(chart)
        chart.has_legend = False
        _axis_title(chart.category_axis, "Mean sentiment (-1 negative, +1 positive)")
        _axis_title(chart.value_axis, "Verbatims")
        chart.category_axis.tick_labels.number_format = "+0.0;-0.0;0"
        chart.category_axis.tick_labels.number_format_is_linked = False
        plot_series = chart.plots[0].series[0]
        plot_series.marker.size = 10
        for i, (_, row) in enumerate(themes.iterrows()):
            if int(row["rank"]) > 10:
                continue
            label = plot_series.points[i].data_label
            label.text_frame.text = _short(f"{int(row['rank'])}. {row['label']}", 28)
            label.text_frame.paragraphs[0].runs[0].font.size = _pt(SMALL_PT - 1)
            label.position = XL_LABEL_POSITION.RIGHT
        self.text(slide, x, self.y(6.75), w, self.y(0.45),
                  ["Each point is a theme; the ten highest-priority themes are numbered by "
                   "rank. Top left: large and negative."], SMALL_PT, color=MUTED)

    def theme_slide(self, result: Result, row: pd.Series, n_quotes: int) -> None:
        slide = self.new_slide(f"#{int(row['rank'])} {row['label']}")
        columns = C.theme_columns(result.themes)
        figures = C.theme_figures(row, columns)
        x0, y0 = self.x(0.5), self.y(1.3)
        fig_w = self.x(3.4)
        line_h = self.y(0.36)
        for i, (what, value) in enumerate(figures):
            y = y0 + i * line_h
            self.text(slide, x0, y, self.x(1.8), line_h, [what], BODY_PT - 1, color=MUTED)
            self.text(slide, x0 + self.x(1.8), y, fig_w - self.x(1.8), line_h, [value],
                      BODY_PT - 1, bold=True, align="right")
        words = C.keywords(row)
        kw_y = y0 + len(figures) * line_h + self.y(0.1)
        if words and kw_y < self.y(3.7):
            self.text(slide, x0, kw_y, fig_w, self.y(4.05) - kw_y,
                      ["Words: " + ", ".join(words)], SMALL_PT, color=MUTED)
        charts: list[tuple[str, Any]] = []
        trend = C.trend_table(result)
        if not trend.empty and trend["period"].nunique() > 1:
            charts.append(("trend", trend[trend["theme_id"] == row["theme_id"]]))
        seg_cols = C.segment_columns(result)
        if seg_cols:
            seg = C.segment_breakdown(result, seg_cols[0])
            charts.append(("segment", seg[seg["theme_id"] == row["theme_id"]]))
        cx, cw_total = x0 + fig_w + self.x(0.3), self.x(12.83) - (x0 + fig_w + self.x(0.3))
        ch = self.y(3.0)
        for i, (kind, frame) in enumerate(charts):
            cw = cw_total // len(charts)
            left = cx + i * cw
            if kind == "trend":
                self._line_chart(slide, left, y0, cw - self.x(0.1), ch, frame["period"].tolist(),
                                 frame["share"].tolist(), "Share of verbatims per period")
            else:
                self._bar_chart(slide, left, y0, cw - self.x(0.1), ch, frame["value"].tolist(),
                                frame["share"].tolist(), "Share",
                                f"Share of verbatims by {seg_cols[0]}", "0%", horizontal=False)
        if not charts:
            self.text(slide, cx, y0, cw_total, self.y(0.8),
                      ["Map a date column for a trend and segment columns for a breakdown."],
                      SMALL_PT, color=MUTED)
        quotes = C.quotes(row, n_quotes)
        top = self.y(4.75)
        self.text(slide, x0, top - self.y(0.4), self.x(12.33), self.y(0.4),
                  ["What customers say (redacted)"], BODY_PT, bold=True)
        # Short quotes: at most two lines each, with a gap between them.
        slot = (self.y(7.2) - top) // max(1, len(quotes)) if quotes else 0
        box_h = min(slot - self.y(0.1), _line_emu(QUOTE_PT, lines=2))
        for i, quote in enumerate(quotes):
            self.text(slide, x0, top + i * slot, self.x(12.33), box_h,
                      [f"“{quote}”"], QUOTE_PT, italic=True)

    # ------------------------------------------------------------ charts
    def _bar_chart(self, slide, x, y, w, h, categories, values, series_name, title, fmt,
                   horizontal: bool = True):
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION

        data = CategoryChartData(number_format=fmt)
        # python-pptx writes chart data through XlsxWriter, which makes "=..." a formula
        data.categories = [safe_cell(_short(c, 34 if horizontal else 16)) for c in categories]
        data.add_series(series_name, [float(v) for v in values])
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
        frame = slide.shapes.add_chart(kind, x, y, w, h, data)
        frame.name = title
        chart = frame.chart
        _chart_style(chart, title)
        chart.has_legend = False
        plot = chart.plots[0]
        plot.gap_width = 60
        plot.has_data_labels = True
        plot.data_labels.number_format = fmt
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        plot.data_labels.font.size = _pt(SMALL_PT - 1)
        chart.value_axis.has_major_gridlines = False
        chart.value_axis.tick_labels.number_format = fmt
        chart.value_axis.tick_labels.number_format_is_linked = False
        chart.value_axis.minimum_scale = 0
        if horizontal:  # rank 1 at the top
            chart.category_axis.reverse_order = True
        return frame

    def _line_chart(self, slide, x, y, w, h, periods, values, title):
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE

        data = CategoryChartData(number_format="0%")
        data.categories = [safe_cell(str(p)) for p in periods]
        data.add_series("Share", [float(v) for v in values])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, x, y, w, h, data)
        frame.name = title
        chart = frame.chart
        _chart_style(chart, title)
        chart.has_legend = False
        chart.value_axis.tick_labels.number_format = "0%"
        chart.value_axis.tick_labels.number_format_is_linked = False
        chart.value_axis.minimum_scale = 0
        return frame


# ---------------------------------------------------------------------- helpers
def _pt(size: float):
    from pptx.util import Pt

    return Pt(size)


def _rgb(color):
    from pptx.dml.color import RGBColor

    return RGBColor(*color)


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _set_text(shape, lines: list[str], size: float, *, bold: bool = False, italic: bool = False,
              color=None, align: str = "left", fit_lines: bool = False) -> None:
    """Write ``lines`` (one paragraph each) into ``shape``, each shortened to fit: the box
    is shared equally among the lines."""
    from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN

    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    n = max(1, len(lines))
    height = int(shape.height) // n if (fit_lines or n > 1) else int(shape.height)
    frame.clear()
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT,
                          "center": PP_ALIGN.CENTER}[align]
        run = para.add_run()
        run.text = fit_emu(line, int(shape.width), max(height, _line_emu(size)), size, bold)
        run.font.size = _pt(size)
        run.font.bold = bold
        run.font.italic = italic
        if color is not None:
            run.font.color.rgb = _rgb(color)


def _line_emu(size: float, lines: int = 1) -> int:
    """Height of a box that holds ``lines`` lines at ``size`` points (insets included)."""
    return int((LINE_HEIGHT * size * lines + 7.2 + 1) * 12700)


def _cell(cell, text: str, width: int, height: int, size: float = TABLE_PT, *,
          bold: bool = False, align: str = "left") -> None:
    """A one-line table cell: ``text`` shortened to the column width."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = False
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.RIGHT if align == "right" else PP_ALIGN.LEFT
    run = para.add_run()
    run.text = fit_emu(text, width, height, size, bold)
    run.font.size = _pt(size)
    run.font.bold = bold


def _column_widths(columns: list[C.Column], rows: list[list[str]], total: int,
                   ) -> tuple[list[int], float]:
    """Column widths and the table's font size: each figure column as wide as its header
    or widest value, the label the rest.  When that leaves the label less than a third of
    the table (a narrow slide, many metric columns), the font gets smaller."""
    from .fit import EMU_PER_PT, MARGIN_PT, text_width

    label = next((j for j, c in enumerate(columns) if c.key == "label"), None)
    for size in (TABLE_PT, 11, 10, 9, 8):
        need = [int((max(text_width(col.header, size, bold=True),
                         *(text_width(r[j], size) for r in rows)) + 2 * MARGIN_PT[0] + 3)
                    * EMU_PER_PT) for j, col in enumerate(columns)]
        others = sum(n for j, n in enumerate(need) if j != label)
        if label is None and others <= total:
            return [int(total * n / others) for n in need], size
        if label is not None and total - others >= total // 3:
            need[label] = total - others
            return need, size
    scale = (total * 2 // 3) / max(others, 1)  # still too wide at 8 pt: squeeze, text is cut
    need = [int(n * scale) for n in need]
    if label is not None:
        need[label] = total - sum(n for j, n in enumerate(need) if j != label)
    return need, 8


def _chart_style(chart, title: str | None = None) -> None:
    chart.font.size = _pt(SMALL_PT)
    if title:
        chart.has_title = True
        chart.chart_title.text_frame.text = _short(title, 60)
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = _pt(BODY_PT - 1)
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.bold = True
    else:
        chart.has_title = False


def _axis_title(axis, text: str) -> None:
    axis.has_title = True
    axis.axis_title.text_frame.text = text
    axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = _pt(SMALL_PT)


def _layout(layouts, name: str, fallback):
    for layout in layouts:
        if layout.name.strip().lower() == name.lower():
            return layout
    return fallback


def _fewest_placeholders(layouts):
    """The layout with a title and the fewest other placeholders (else the last one)."""
    with_title = [lay for lay in layouts
                  if any(p.placeholder_format.type is not None and "TITLE" in str(
                      p.placeholder_format.type) and "SUB" not in str(p.placeholder_format.type)
                         for p in lay.placeholders)]
    if not with_title:
        return layouts[-1]
    return min(with_title, key=lambda lay: len(list(lay.placeholders)))


def _drop_empty_placeholders(slide) -> None:
    """Unused placeholders would show "Click to add text" in PowerPoint."""
    for ph in list(slide.placeholders):
        if not ph.has_text_frame or not ph.text_frame.text.strip():
            ph._element.getparent().remove(ph._element)


def _drop_slides(prs) -> None:
    """Remove the slides a template already holds (keep its layouts and masters)."""
    id_list = prs.slides._sldIdLst
    for sld_id in list(id_list):
        prs.part.drop_rel(sld_id.rId)
        id_list.remove(sld_id)
