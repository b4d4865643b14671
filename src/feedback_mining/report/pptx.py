"""The PowerPoint deck: about ten 16:9 slides a director reads in five minutes.

Slides: title (data set, period, counts), the headline (the top friction themes in one
line each), one table of the top friction themes, what changed since the previous period
(changes beyond noise, in words), one slide per top theme (its figures, its trend, its
share in each segment with n, and negative quotes), what customers like (when the theme
table marks praise themes, ``kind == "praise"``), and an appendix: volume against
sentiment, and the rest of the themes.

Arrows and "new" follow the tests of docs/metrics.md only (``trend_symbol``), every text is
shortened with an ellipsis to a budget computed from its box and its font size
(:mod:`feedback_mining.report.fit`), and no two shapes of a slide overlap.

A template (the user's own .pptx) gives the layouts, theme colours and fonts: the layouts
named "Title Slide" and "Title Only" are used when present, otherwise the first layout and
the layout with a title and the fewest other placeholders.  Slides already in the template
are dropped.  The drawing helpers (fonts, text fitting, column widths, label placement,
layouts) are in :mod:`feedback_mining.report._pptx_shapes`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import input_error
from ..io.writers import atomic_write
from . import contacts
from . import content as C
from ._pptx_shapes import (
    BODY_PT,
    INK,
    MUTED,
    QUOTE_PT,
    SMALL_PT,
    TITLE_PT,
    _axis_title,
    _bar_chart,
    _cell,
    _chart_style,
    _column_widths,
    _drop_empty_placeholders,
    _drop_slides,
    _fewest_placeholders,
    _layout,
    _line_chart,
    _line_emu,
    _nice_ceiling,
    _place_labels,
    _pt,
    _set_text,
    _short,
    _upper_first,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result

WIDE = (12192000, 6858000)  # 13.333 x 7.5 inches in EMU: 16:9
TABLE_ROWS = 15  # themes in the one ranked table; the rest go to the appendix
APPENDIX_ROWS = 18  # themes per appendix slide
APPENDIX_SLIDES = 2  # at most; the workbook and the HTML page hold every theme
CHANGE_ROWS = 8  # rows of the "what changed" table


def write_pptx(result: Result, path: str | Path, *, template: str | Path | None = None,
               top_themes: int = 5, n_quotes: int = 3, title: str | None = None) -> Path:
    """Write the deck to ``path`` (atomically) and return the path.

    Parameters
    ----------
    result : Result
    path : str or Path
        The ``.pptx`` file to write.
    template : str or Path, optional
        A .pptx whose layouts, colours and fonts the deck uses.
    top_themes : int
        How many friction themes get a slide of their own.
    n_quotes : int
        Negative quotes per theme slide (2 or 3 read well).
    title : str, optional
        The deck's title; "What customers are telling us" by default.
    """
    deck = _Deck(template, C.alpha_of(result))
    friction = C.friction_themes(result.themes)
    deck.title_slide(result, title or "What customers are telling us")
    deck.headline_slide(result, friction)
    drivers = contacts.contact_drivers(result)
    if not drivers.empty:
        deck.contact_slide(result, drivers[drivers["theme_id"].isin(friction["theme_id"])])
    deck.table_slides(result, friction.head(TABLE_ROWS), "Top friction themes, ranked by priority",
                      note=(None if len(friction) <= TABLE_ROWS else
                            f"Theme {len(friction)} is in the appendix."
                            if len(friction) == TABLE_ROWS + 1 else
                            f"Themes {TABLE_ROWS + 1} to {len(friction)} are in the appendix."))
    deck.changes_slide(result)
    for _, row in friction.head(max(0, int(top_themes))).iterrows():
        deck.theme_slide(result, row, n_quotes)
    praise = C.praise_themes(result)
    if not praise.empty:
        deck.praise_slide(praise)
    deck.map_slide(result, friction)
    rest = friction.iloc[TABLE_ROWS:]
    if not rest.empty:
        shown = rest.head(APPENDIX_ROWS * APPENDIX_SLIDES)
        deck.table_slides(result, shown, "Appendix: the other friction themes",
                          per_slide=APPENDIX_ROWS, size=SMALL_PT - 1,
                          note=(f"{len(rest) - len(shown):,} smaller themes are in the workbook "
                                "and the HTML page." if len(rest) > len(shown) else None))
    return atomic_write(path, lambda tmp: deck.prs.save(str(tmp)))


# ---------------------------------------------------------------------- the deck
class _Deck:
    def __init__(self, template: str | Path | None, alpha: float = 0.05):
        from pptx import Presentation

        self.alpha = alpha
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

    def table(self, slide, name: str, top: int, header: list[str], rows: list[list[str]],
              widths: list[int], row_h: int, size: float, aligns: list[str]):
        """A native table at the left margin: a bold header row, then one-line cells."""
        shape = slide.shapes.add_table(len(rows) + 1, len(header), self.x(0.5), top,
                                       sum(widths), row_h * (len(rows) + 1))
        shape.name = name
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = w
        for i in range(len(rows) + 1):
            table.rows[i].height = row_h
        for i, cells in enumerate([header, *rows]):
            for j, value in enumerate(cells):
                _cell(table.cell(i, j), value, widths[j], row_h, size, bold=i == 0,
                      align=aligns[j])
        return shape

    # ------------------------------------------------------------ slides
    def title_slide(self, result: Result, title: str) -> None:
        slide = self.prs.slides.add_slide(self.title_layout)
        lines = C.title_lines(result)
        head = slide.shapes.title
        subtitle = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if head is None:
            head = slide.shapes.add_textbox(0, 0, 1, 1)
        if subtitle is None:
            subtitle = slide.shapes.add_textbox(0, 0, 1, 1)
        head.left, head.top, head.width, head.height = (self.x(0.8), self.y(1.9), self.x(11.7),
                                                        self.y(1.5))
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
            self.x(0.8), self.y(3.6), self.x(11.7), self.y(1.8))
        _set_text(head, [title], 40, bold=True)
        _set_text(subtitle, lines, 18, color=MUTED, fit_lines=True)
        _drop_empty_placeholders(slide)

    def headline_slide(self, result: Result, friction: pd.DataFrame) -> None:
        """Headline figures, then the top friction themes in one line each: volume,
        negative share, impact and trend."""
        slide = self.new_slide("The headline")
        figures = C.headline_figures(result)
        n = max(1, len(figures))
        gap = self.x(0.2)
        card_w = (self.x(12.33) - gap * (n - 1)) // n
        for i, (what, value) in enumerate(figures):
            x = self.x(0.5) + i * (card_w + gap)
            self.text(slide, x, self.y(1.3), card_w, self.y(0.6), [value], 26, bold=True)
            self.text(slide, x, self.y(1.3) + self.y(0.6), card_w, self.y(0.4), [what], SMALL_PT,
                      color=MUTED)
        top = friction.head(5)
        if top.empty:
            self.text(slide, self.x(0.5), self.y(2.7), self.x(12.33), self.y(0.5),
                      ["No friction theme was found."], BODY_PT)
            return
        self.text(slide, self.x(0.5), self.y(2.6), self.x(12.33), self.y(0.45),
                  ["The friction themes to look at first"], BODY_PT + 2, bold=True)
        row_h = self.y(0.8)
        for i, (_, row) in enumerate(top.iterrows()):
            y = self.y(3.15) + i * row_h
            self.text(slide, self.x(0.5), y, self.x(4.2), row_h,
                      [f"{int(row['rank'])}. {row['label']}"], BODY_PT + 2, bold=True)
            self.text(slide, self.x(4.8), y, self.x(8.03), row_h,
                      [C.headline_line(row, result, self.alpha)], BODY_PT, color=INK)

    def table_slides(self, result: Result, themes: pd.DataFrame, title: str, *,
                     per_slide: int = TABLE_ROWS, size: float | None = None,
                     note: str | None = None) -> None:
        """The ranked table: ``per_slide`` themes a slide (one slide for the top table)."""
        columns = C.theme_columns(themes)
        rows = C.theme_rows(themes, columns, self.alpha)
        top, bottom = self.y(1.35), self.y(6.75 if note else 7.15)
        pages = [rows[i:i + per_slide] for i in range(0, len(rows), per_slide)] or [[]]
        row_h = min(self.y(0.42), (bottom - top) // (min(per_slide, len(rows)) + 1 or 1))
        widths, fitted = _column_widths(columns, rows, self.x(12.33))
        size = min(size or fitted, fitted)
        for n, page in enumerate(pages, start=1):
            slide = self.new_slide(title if len(pages) == 1 else
                                   f"{title} ({n} of {len(pages)})")
            aligns = ["left" if c.kind == "text" and c.key != "_trend" else "right"
                      for c in columns]
            self.table(slide, "Theme table", top, [c.header for c in columns], page, widths,
                       row_h, size, aligns)
            if note:
                self.text(slide, self.x(0.5), self.y(6.85), self.x(12.33), self.y(0.4),
                          [note], SMALL_PT, color=MUTED)

    def changes_slide(self, result: Result) -> None:
        """What changed since the previous period: the changes beyond noise, in words."""
        changes = result.changes
        if changes.empty:
            slide = self.new_slide("What changed this period")
            self.text(slide, self.x(0.5), self.y(1.4), self.x(12.33), self.y(0.9),
                      ["The data has no dates, or a single period: map a date column "
                       "(fm.load(..., date=\"submitted_at\")) to compare periods."],
                      BODY_PT, color=MUTED)
            return
        prev, last = changes["previous_period"].iloc[0], changes["last_period"].iloc[0]
        slide = self.new_slide("What changed this period")
        beyond = changes[changes["growing"] | changes["falling"]]
        if beyond.empty:
            intro = (f"{_upper_first(C.period_name(last))} against {C.period_name(prev)}: no "
                     "theme's share of verbatims changed beyond chance (every p-value is "
                     f"{self.alpha:g} or more). The largest moves, all within noise:")
            shown = changes.reindex(changes["change"].abs().sort_values(ascending=False)
                                    .index).head(5)
        else:
            n_up, n_down = int(beyond["growing"].sum()), int(beyond["falling"].sum())
            intro = (f"{_upper_first(C.period_name(last))} against {C.period_name(prev)}: "
                     f"{n_up} theme(s) grew and {n_down} fell beyond chance "
                     f"(two-proportion test, p < {self.alpha:g}); growing first.")
            shown = beyond.head(CHANGE_ROWS)
        self.text(slide, self.x(0.5), self.y(1.3), self.x(12.33), self.y(0.75), [intro],
                  BODY_PT)
        header = ["Theme", "Before", "Now", "Change", "Significance", "Flag"]
        cells = [[str(r["label"]), f"{r['share_prev']:.1%}", f"{r['share_last']:.1%}",
                  f"{r['change'] * 100:+.1f} pts", str(r["significance"]), C.change_flag(r)]
                 for _, r in shown.iterrows()]
        kinds = ["text", "n", "n", "n", "text", "text"]
        cols = [C.Column(str(i), h, str, k) for i, (h, k) in enumerate(zip(header, kinds,
                                                                            strict=True))]
        widths, size = _column_widths(cols, cells, self.x(12.33), label=0)
        top = self.y(2.15)
        row_h = min(self.y(0.45), (self.y(7.15) - top) // (len(cells) + 1))
        self.table(slide, "Changes table", top, header, cells, widths, row_h, size,
                   ["right" if k == "n" else "left" for k in kinds])

    def contact_slide(self, result: Result, drivers: pd.DataFrame) -> None:
        """Why customers contact support (transcripts): the themes raised in most
        conversations, a conversation counted once per theme."""
        slide = self.new_slide("Why customers contact us")
        figures = " · ".join(f"{what}: {value}" for what, value in contacts.contact_figures(result))
        self.text(slide, self.x(0.5), self.y(1.3), self.x(12.33), self.y(0.75),
                  [figures + ". A conversation counts once per theme, however many of its "
                   "turns raise it."], BODY_PT)
        top = drivers.sort_values(["conversations", "rank"], ascending=[False, True]).head(10)
        header = ["Theme", "Conversations", "Share of conversations", "Turns per conversation",
                  "Priority rank"]
        cells = [[str(r["label"]), f"{int(r['conversations']):,}",
                  f"{r['share_conversations']:.1%}", C._num("{:.1f}")(r["turns_per_conversation"]),
                  str(int(r["rank"]))] for _, r in top.iterrows()]
        cols = [C.Column(str(i), h, str, "text" if i == 0 else "n") for i, h in enumerate(header)]
        widths, size = _column_widths(cols, cells, self.x(12.33), label=0)
        top_y = self.y(2.15)
        row_h = min(self.y(0.45), (self.y(7.15) - top_y) // (len(cells) + 1))
        self.table(slide, "Contact drivers table", top_y, header, cells, widths, row_h, size,
                   ["left"] + ["right"] * (len(header) - 1))

    def map_slide(self, result: Result, friction: pd.DataFrame) -> None:
        """Volume against sentiment; the ten highest-priority themes carry their rank next
        to their point (placed where it collides with no other label) and a key names them."""
        from pptx.chart.data import XyChartData
        from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE

        themes = friction.dropna(subset=["sentiment_mean"])
        slide = self.new_slide("Appendix: volume and sentiment of each theme")
        if themes.empty:
            return
        data = XyChartData()
        series = data.add_series("Themes")
        for _, row in themes.iterrows():
            series.add_data_point(float(row["sentiment_mean"]), float(row["verbatims"]))
        x, y, w, h = self.x(0.5), self.y(1.3), self.x(8.8), self.y(5.9)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, x, y, w, h, data)
        frame.name = "Volume and sentiment chart"
        chart = frame.chart
        _chart_style(chart)
        chart.has_legend = False
        _axis_title(chart.category_axis, "Mean sentiment (-1 negative, +1 positive)")
        _axis_title(chart.value_axis, "Verbatims")
        xs, ys = themes["sentiment_mean"].astype(float), themes["verbatims"].astype(float)
        x_lo, x_hi = math.floor(xs.min() * 5 - 0.5) / 5, math.ceil(xs.max() * 5 + 0.5) / 5
        y_hi = _nice_ceiling(ys.max() * 1.1)
        chart.category_axis.minimum_scale, chart.category_axis.maximum_scale = x_lo, x_hi
        chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0, y_hi
        chart.category_axis.tick_labels.number_format = "+0.0;-0.0;0"
        chart.category_axis.crosses = XL_AXIS_CROSSES.MINIMUM  # the y axis on the left
        chart.category_axis.tick_labels.number_format_is_linked = False
        plot_series = chart.plots[0].series[0]
        plot_series.marker.size = 9
        # The plot area is roughly the frame less room for the axis titles and tick labels.
        area = (x + self.x(0.9), y + self.y(0.2), w - self.x(1.1), h - self.y(1.0))
        placed = _place_labels(themes, area, (x_lo, x_hi), (0.0, y_hi), self.x(0.32),
                               self.y(0.25), n=10)
        for i, position in placed.items():
            label = plot_series.points[i].data_label
            label.text_frame.text = str(int(themes["rank"].iloc[i]))
            label.text_frame.paragraphs[0].runs[0].font.size = _pt(SMALL_PT)
            label.text_frame.paragraphs[0].runs[0].font.bold = True
            label.position = position
        key = [f"{int(r['rank'])}. {r['label']}" for _, r in themes.iterrows()
               if int(r["rank"]) in {int(themes["rank"].iloc[i]) for i in placed}]
        key_x = x + w + self.x(0.2)
        self.text(slide, key_x, y, self.x(12.83) - key_x, self.y(0.4),
                  ["Highest priority"], SMALL_PT + 1, bold=True)
        self.text(slide, key_x, y + self.y(0.45), self.x(12.83) - key_x, self.y(4.2),
                  key or ["(none)"], SMALL_PT)
        self.text(slide, key_x, self.y(6.2), self.x(12.83) - key_x, self.y(1.0),
                  ["Each point is a theme. Top left: large and negative."], SMALL_PT,
                  color=MUTED)

    def theme_slide(self, result: Result, row: pd.Series, n_quotes: int) -> None:
        slide = self.new_slide(f"#{int(row['rank'])} {row['label']}")
        figures = C.theme_slide_figures(row, result, self.alpha)
        x0, y0 = self.x(0.5), self.y(1.3)
        fig_w, label_w = self.x(4.0), self.x(1.6)
        line_h = self.y(0.34)
        for i, (what, value) in enumerate(figures):
            y = y0 + i * line_h
            self.text(slide, x0, y, label_w, line_h, [what], BODY_PT - 1, color=MUTED)
            self.text(slide, x0 + label_w, y, fig_w - label_w, line_h, [value],
                      BODY_PT - 1, bold=True, align="right")
        left_bottom = y0 + len(figures) * line_h
        charts: list[tuple[str, Any]] = []
        trend = C.trend_table(result)
        if not trend.empty and trend["period"].nunique() > 1:
            charts.append(("trend", trend[trend["theme_id"] == row["theme_id"]]))
        seg_cols = C.segment_columns(result)
        if seg_cols:
            seg = C.segment_breakdown(result, seg_cols[0])
            charts.append(("segment", seg[seg["theme_id"] == row["theme_id"]]))
        cx = x0 + fig_w + self.x(0.3)
        cw_total = self.x(12.83) - cx
        ch = self.y(3.2)
        for i, (kind, frame) in enumerate(charts):
            cw = cw_total // len(charts)
            left = cx + i * cw
            if kind == "trend":
                self._line_chart(slide, left, y0, cw - self.x(0.1), ch, frame["period"].tolist(),
                                 frame["share"].tolist(), "Share of verbatims per period")
            else:
                self._segment_chart(slide, left, y0, cw - self.x(0.1), ch, frame, seg_cols[0],
                                    C.min_segment_verbatims(result))
        if not charts:
            self.text(slide, cx, y0, cw_total, self.y(0.8),
                      ["Map a date column for a trend and segment columns for a breakdown."],
                      SMALL_PT, color=MUTED)
        words = C.keywords(row)
        if words and left_bottom + self.y(0.5) <= y0 + ch:
            self.text(slide, x0, left_bottom + self.y(0.05), fig_w,
                      y0 + ch - left_bottom - self.y(0.05), ["Words: " + ", ".join(words)],
                      SMALL_PT, color=MUTED)
        quotes = C.negative_quotes(row, n_quotes)
        head_top = max(left_bottom, y0 + ch) + self.y(0.1)
        self.text(slide, x0, head_top, self.x(12.33), self.y(0.4),
                  ["What customers say (negative comments, redacted)"], BODY_PT, bold=True)
        top = head_top + self.y(0.45)
        if not quotes:
            self.text(slide, x0, top, self.x(12.33), self.y(0.4),
                      ["No negative comment among this theme's examples."], BODY_PT,
                      color=MUTED)
            return
        # Short quotes: at most two lines each, with a gap between them.
        slot = (self.y(7.3) - top) // len(quotes)
        box_h = min(slot - self.y(0.05), _line_emu(QUOTE_PT, lines=2))
        for i, quote in enumerate(quotes):
            self.text(slide, x0, top + i * slot, self.x(12.33), box_h,
                      [f"“{quote}”"], QUOTE_PT, italic=True)

    def praise_slide(self, praise: pd.DataFrame) -> None:
        """What customers like: the largest praise themes, with a quote each."""
        slide = self.new_slide("What customers like")
        top = praise.head(5)
        row_h = self.y(1.1)
        for i, (_, row) in enumerate(top.iterrows()):
            y = self.y(1.35) + i * row_h
            share = C.Column("share", "", C._num("{:.1%}"), "percent").render(row["share"])
            self.text(slide, self.x(0.5), y, self.x(4.2), self.y(0.45), [str(row["label"])],
                      BODY_PT + 2, bold=True)
            self.text(slide, self.x(0.5), y + self.y(0.45), self.x(4.2), self.y(0.45),
                      [f"{int(row['verbatims']):,} verbatims · {share}"], SMALL_PT,
                      color=MUTED)
            quote = next(iter(C._texts(row.get("examples"))), "")
            if quote:
                self.text(slide, self.x(4.9), y, self.x(7.93), row_h - self.y(0.1),
                          [f"“{quote}”"], QUOTE_PT - 1, italic=True)

    # ------------------------------------------------------------ charts
    _bar_chart = staticmethod(_bar_chart)

    def _segment_chart(self, slide, x, y, w, h, frame: pd.DataFrame, column: str,
                       min_n: int):
        """The theme's share in each value of ``column``, each bar named with its n (the
        value's verbatims); values with fewer than ``min_n`` verbatims are left out, as
        their share is noise, and the title says so."""
        keep = frame[frame["segment_verbatims"] >= min_n]
        hidden = len(frame) - len(keep)
        title = f"Share by {column}" + (f" (n < {min_n} hidden)" if hidden else "")
        if keep.empty:
            return self.text(slide, x, y, w, self.y(0.8),
                             [f"Every {column} value has fewer than {min_n} verbatims: "
                              "too few for a share."], SMALL_PT, color=MUTED)
        names = [f"{_short(v, 18)} (n={n:,})" for v, n in
                 zip(keep["value"], keep["segment_verbatims"], strict=True)]
        return self._bar_chart(slide, x, y, w, h, names, keep["share"].tolist(), "Share",
                               title, "0%", horizontal=True, shorten=False)

    _line_chart = staticmethod(_line_chart)
