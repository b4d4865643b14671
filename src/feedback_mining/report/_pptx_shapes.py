"""Drawing helpers of the PowerPoint deck (:mod:`feedback_mining.report.pptx`): fonts and
colours, text boxes and table cells shortened to fit their box, column widths, rank labels
placed clear of each other on the scatter, chart styling and template layouts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..safe import safe_cell
from .fit import LINE_HEIGHT, fit_emu

if TYPE_CHECKING:  # pragma: no cover
    from .content import Column

TITLE_PT = 28
BODY_PT = 14
TABLE_PT = 12
SMALL_PT = 11
QUOTE_PT = 14
INK = (0x1F, 0x1F, 0x1F)
MUTED = (0x59, 0x59, 0x59)


def _pt(size: float):
    from pptx.util import Pt

    return Pt(size)


def _rgb(color):
    from pptx.dml.color import RGBColor

    return RGBColor(*color)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


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


def _column_widths(columns: list[Column], rows: list[list[str]], total: int,
                   label: int | None = None) -> tuple[list[int], float]:
    """Column widths and the table's font size: each figure column as wide as its header
    or widest value, the label the rest.  When that leaves the label less than a third of
    the table (a narrow slide, many metric columns), the font gets smaller."""
    from .fit import EMU_PER_PT, MARGIN_PT, text_width

    if label is None:
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


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``value`` (an axis maximum)."""
    if not value or value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def _place_labels(themes: pd.DataFrame, area: tuple[int, int, int, int],
                  x_range: tuple[float, float], y_range: tuple[float, float],
                  label_w: int, label_h: int, n: int = 10) -> dict[int, Any]:
    """Where each of the ``n`` highest-priority points gets its rank label: right, left,
    above or below the point, the first place whose box overlaps no label placed before
    and no other point.  Returns {row position: XL_LABEL_POSITION}; a point with no free
    place gets no label (it still shows, and the key lists only labelled ranks)."""
    from pptx.enum.chart import XL_LABEL_POSITION as P

    ax, ay, aw, ah = area

    def to_slide(xv: float, yv: float) -> tuple[float, float]:
        return (ax + (xv - x_range[0]) / (x_range[1] - x_range[0]) * aw,
                ay + ah - (yv - y_range[0]) / (y_range[1] - y_range[0]) * ah)

    points = [to_slide(float(a), float(b)) for a, b in
              zip(themes["sentiment_mean"], themes["verbatims"], strict=True)]
    r = label_h / 3  # a marker's half size
    taken = [(px - r, py - r, px + r, py + r) for px, py in points]
    order = sorted(range(len(themes)), key=lambda i: int(themes["rank"].iloc[i]))[:n]
    placed: dict[int, Any] = {}
    for i in order:
        px, py = points[i]
        options = {P.RIGHT: (px + r, py - label_h / 2, px + r + label_w, py + label_h / 2),
                   P.LEFT: (px - r - label_w, py - label_h / 2, px - r, py + label_h / 2),
                   P.ABOVE: (px - label_w / 2, py - r - label_h, px + label_w / 2, py - r),
                   P.BELOW: (px - label_w / 2, py + r, px + label_w / 2, py + r + label_h)}
        for position, box in options.items():
            inside = box[0] >= ax and box[2] <= ax + aw and box[1] >= ay and box[3] <= ay + ah
            own = taken[i]
            if inside and not any(_overlaps(box, t) for t in taken if t is not own):
                placed[i] = position
                taken.append(box)
                break
    return placed


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


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


def _bar_chart(slide, x, y, w, h, categories, values, series_name, title, fmt,
               horizontal: bool = True, shorten: bool = True):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION

    data = CategoryChartData(number_format=fmt)
    # python-pptx writes chart data through XlsxWriter, which makes "=..." a formula
    data.categories = [safe_cell(_short(c, 34 if horizontal else 16) if shorten else c)
                       for c in categories]
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
    if horizontal:  # rank 1 at the top; the bars carry their values
        chart.category_axis.reverse_order = True
        chart.value_axis.visible = False
    return frame


def _line_chart(slide, x, y, w, h, periods, values, title):
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
