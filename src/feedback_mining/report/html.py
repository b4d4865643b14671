"""A self-contained HTML report: one file that opens offline, with the deck's content.

The charts are Plotly charts (hover, zoom); plotly.js is inlined once from the ``plotly``
package, and the styles and the table sorting are inline too, so the page makes no request
to any server.  Every piece of customer text is HTML-escaped.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import MissingExtraError
from ..io.writers import atomic_write
from . import contacts
from . import content as C

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result

BLUE = "#4472C4"
CSS = """
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;
padding:24px;color:#1f1f1f;line-height:1.4}
h1{margin-bottom:4px}h2{border-bottom:2px solid #4472C4;padding-bottom:4px;margin-top:40px}
.muted{color:#595959}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d9d9d9;border-radius:6px;padding:10px 16px;min-width:140px}
.card b{display:block;font-size:26px}.card span{color:#595959;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:14px}
th{background:#4472C4;color:#fff;text-align:left;padding:6px 8px;cursor:pointer;
position:sticky;top:0}td{padding:5px 8px;border-bottom:1px solid #e5e5e5}
td.n,th.n{text-align:right}tr:nth-child(even) td{background:#f3f6fb}
.theme{display:grid;grid-template-columns:300px 1fr;gap:16px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:8px;
min-width:0}.charts>div,.chart{min-width:0;max-width:100%;overflow:hidden}
.theme>div{min-width:0}
dl{display:grid;grid-template-columns:auto auto;gap:2px 16px;margin:0}dt{color:#595959}
dd{margin:0;text-align:right;font-weight:600}
blockquote{margin:8px 0;padding:6px 12px;border-left:4px solid #4472C4;background:#f7f7f7;
font-style:italic}
"""
SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th, i){
  th.addEventListener('click', function(){
    var body = th.closest('table').tBodies[0], rows = Array.from(body.rows);
    var asc = th.dataset.asc !== '1'; th.dataset.asc = asc ? '1' : '0';
    rows.sort(function(a, b){
      var x = a.cells[i].dataset.v, y = b.cells[i].dataset.v;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""

# A chart is drawn when its script runs, before the charts after it exist; once the page
# has loaded, every chart is resized to the box it ended up in.
RESIZE_JS = """
window.addEventListener('load', function(){
  document.querySelectorAll('.plotly-graph-div').forEach(function(div){
    if (window.Plotly) { Plotly.Plots.resize(div); }
  });
});
"""


def write_html(result: Result, path: str | Path, *, top_themes: int = 8, n_quotes: int = 3,
               title: str | None = None) -> Path:
    """Write the report to ``path`` (atomically) and return the path."""
    page = render_html(result, top_themes=top_themes, n_quotes=n_quotes, title=title)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))


def render_html(result: Result, *, top_themes: int = 8, n_quotes: int = 3,
                title: str | None = None) -> str:
    """The report as one HTML string."""
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:  # pragma: no cover - plotly is a dependency
        raise MissingExtraError("plotly", "html", "The HTML report") from None
    e = html.escape
    title = title or "What customers are telling us"
    themes = result.themes
    alpha = C.alpha_of(result)
    columns = C.theme_columns(themes)
    parts = [f"<h1>{e(title)}</h1>"]
    parts += [f'<div class="muted">{e(line)}</div>' for line in C.title_lines(result)]

    parts.append("<h2>Overview</h2><div class='cards'>")
    parts += [f"<div class='card'><b>{e(v)}</b><span>{e(k)}</span></div>"
              for k, v in C.overview_figures(result)]
    parts.append("</div>")
    top = themes.head(10)
    if not top.empty:
        parts.append(_bar(top["label"].map(str).tolist()[::-1], top["verbatims"].tolist()[::-1],
                          "Verbatims of the 10 highest-priority themes", "Verbatims",
                          horizontal=True))

    drivers = contacts.contact_drivers(result)
    if not drivers.empty:
        figures = " · ".join(f"{k}: {v}" for k, v in contacts.contact_figures(result))
        parts.append("<h2>Why customers contact us</h2>"
                     f"<p class='muted'>{e(figures)}. A conversation counts once per theme.</p>")
        parts.append(_table(drivers.sort_values(["conversations", "rank"],
                                                ascending=[False, True]), contacts.DRIVER_COLUMNS))
    parts.append("<h2>Themes ranked by priority</h2>"
                 "<p class='muted'>Click a column header to sort.</p>")
    parts.append(_table(themes, columns, alpha))

    if not themes.empty:
        parts.append("<h2>Volume and sentiment of each theme</h2>")
        parts.append(_scatter(themes))

    trend = C.trend_table(result)
    has_trend = not trend.empty and trend["period"].nunique() > 1
    seg_cols = C.segment_columns(result)
    seg = C.segment_breakdown(result, seg_cols[0]) if seg_cols else None
    min_n = C.min_segment_verbatims(result)
    for _, row in C.friction_themes(themes).head(max(0, int(top_themes))).iterrows():
        parts.append(f"<h2>#{int(row['rank'])} {e(str(row['label']))}</h2><div class='theme'>")
        figs = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in C.theme_figures(row, columns, alpha))
        words = C.keywords(row)
        parts.append(f"<div><dl>{figs}</dl>"
                     + (f"<p class='muted'>Words: {e(', '.join(words))}</p>" if words else "")
                     + "</div><div class='charts'>")
        if has_trend:
            t = trend[trend["theme_id"] == row["theme_id"]]
            parts.append(_line(t["period"].tolist(), t["share"].tolist(),
                               "Share of verbatims per period"))
        if seg is not None:
            s = seg[seg["theme_id"] == row["theme_id"]]
            keep = s[s["segment_verbatims"] >= min_n]  # smaller segments' shares are noise
            hidden = f"segments under {min_n} verbatims hidden" if len(keep) < len(s) else ""
            parts.append(_bar([f"{v} (n={n:,})" for v, n in
                               zip(keep["value"], keep["segment_verbatims"], strict=True)],
                              keep["share"].tolist(), f"Share of verbatims by {seg_cols[0]}",
                              "Share", percent=True, subtitle=hidden))
        parts.append("</div></div>")
        quotes = C.negative_quotes(row, n_quotes)
        parts.append("<h3>What customers say (negative comments, redacted)</h3>")
        parts += ([f"<blockquote>{e(q)}</blockquote>" for q in quotes] or
                  ["<p class='muted'>No negative comment among this theme's examples.</p>"])

    parts.append(f"<p class='muted'>{e(result.summary_text())}</p>")
    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{e(title)}</title><style>{CSS}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head>"
            f"<body>{body}<script>{SORT_JS}{RESIZE_JS}</script></body></html>")


def _table(themes: pd.DataFrame, columns: list[C.Column], alpha: float = 0.05) -> str:
    e = html.escape
    numeric = {c.key for c in columns if c.kind != "text"}
    head = "".join(f"<th class='{'n' if c.key in numeric else ''}'>{e(c.header)}</th>"
                   for c in columns)
    rows = []
    for (_, theme), cells in zip(themes.iterrows(), C.theme_rows(themes, columns, alpha),
                                 strict=True):
        tds = []
        for c, text in zip(columns, cells, strict=True):
            raw = theme.get(c.key, text) if not c.key.startswith("_") else text
            sort = "" if raw is None or (isinstance(raw, float) and pd.isna(raw)) else raw
            cls = " class='n'" if c.key in numeric else ""
            tds.append(f"<td{cls} data-v='{e(str(sort), quote=True)}'>{e(text)}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return (f"<table class='sortable'><thead><tr>{head}</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _div(fig: Any) -> str:
    # No toolbar over the titles: hover, zoom (drag) and reset (double click) still work.
    return ("<div class='chart'>"
            + fig.to_html(full_html=False, include_plotlyjs=False,
                          config={"displaylogo": False, "responsive": True,
                                  "displayModeBar": False})
            + "</div>")


def _layout(fig: Any, title: str, height: int = 380, subtitle: str = "") -> Any:
    # a note goes on a second, smaller line: one long line runs past a narrow chart
    text = html.escape(title) + (f"<br><sup>{html.escape(subtitle)}</sup>" if subtitle else "")
    fig.update_layout(title={"text": text, "font": {"size": 15}}, height=height,
                      margin={"l": 40, "r": 20, "t": 70 if subtitle else 50, "b": 40},
                      template="plotly_white", showlegend=False)
    return fig


def _bar(categories: list[str], values: list[float], title: str, name: str, *,
         horizontal: bool = False, percent: bool = False, subtitle: str = "") -> str:
    import plotly.graph_objects as go

    cats = [html.escape(str(c)) for c in categories]
    fmt = ".0%" if percent else ","
    bar = (go.Bar(y=cats, x=values, orientation="h", name=name, marker_color=BLUE,
                  texttemplate=f"%{{x:{fmt}}}", hovertemplate=f"%{{y}}: %{{x:{fmt}}}<extra></extra>")
           if horizontal else
           go.Bar(x=cats, y=values, name=name, marker_color=BLUE, texttemplate=f"%{{y:{fmt}}}",
                  hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra></extra>"))
    fig = _layout(go.Figure(bar), title, subtitle=subtitle,
                  height=max(300, 34 * len(cats) + 90) if horizontal else 340)
    if horizontal:
        fig.update_layout(margin={"l": 260})
        fig.update_xaxes(title_text=name)
    else:
        fig.update_yaxes(tickformat=fmt, rangemode="tozero")
    return _div(fig)


def _line(periods: list[str], values: list[float], title: str) -> str:
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=periods, y=values, mode="lines+markers", marker_color=BLUE,
                               hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    _layout(fig, title, height=340)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(type="category")
    return _div(fig)


def _scatter(themes: pd.DataFrame) -> str:
    import plotly.graph_objects as go

    t = themes.dropna(subset=["sentiment_mean"])
    hover = [html.escape(f"#{int(r)} {lab}") for r, lab in zip(t["rank"], t["label"], strict=True)]
    text = [f"{int(r)}" if int(r) <= 10 else "" for r in t["rank"]]
    fig = go.Figure(go.Scatter(
        x=t["sentiment_mean"], y=t["verbatims"], mode="markers+text", text=text,
        textposition="middle right", customdata=hover, marker={"size": 12, "color": BLUE},
        hovertemplate="%{customdata}<br>sentiment %{x:+.2f}<br>%{y:,} verbatims<extra></extra>"))
    _layout(fig, "Each point is a theme (hover for its name); numbers are ranks", height=480)
    fig.update_xaxes(title_text="Mean sentiment (-1 negative, +1 positive)", zeroline=True)
    fig.update_yaxes(title_text="Verbatims", rangemode="tozero")
    return _div(fig)
