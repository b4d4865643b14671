"""What every report shows, computed once from a :class:`~feedback_mining.result.Result`.

The deck, the HTML page, the workbook and the plots draw on these functions, so they show
the same figures.  Metric columns are optional: a column that a run did not produce (no
score, no ``impact``, no ``trend``...) is simply not shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result


def _num(fmt: str) -> Callable[[Any], str]:
    def render(value: Any) -> str:
        if value is None or isinstance(value, str):
            return "" if value is None else value
        try:
            if math.isnan(float(value)):
                return "–"
        except (TypeError, ValueError):
            return str(value)
        return fmt.format(value)

    return render


@dataclass(frozen=True)
class Column:
    """A theme-table column as people read it."""

    key: str
    header: str
    render: Callable[[Any], str]
    kind: str  # "int", "percent", "signed", "decimal", "text"
    weight: float = 1.0  # relative width in a table


def alpha_of(result: Result | None) -> float:
    """The significance level of the run (``score.alpha``, 0.05 by default)."""
    return float(getattr(getattr(getattr(result, "config", None), "score", None), "alpha",
                         0.05) or 0.05)


def trend_symbol(row: pd.Series | dict, alpha: float = 0.05) -> str:
    """The theme's trend as a reader sees it, following the tests of docs/metrics.md only:

    - ``"▲ new"``: ``emerging`` and absent in the previous period (``share_prev = 0``);
    - ``"▲ +2.1 pts"`` / ``"▼ -2.1 pts"``: the share changed beyond noise
      (``share_change_p < alpha``), in the direction of the change;
    - ``"steady"``: a change within noise (no arrow, whatever its sign);
    - ``""`` when the run has no trend (no dates, one period).

    A ``trend`` column holding words (``"rising"``, ``"falling"``) is read as such.

    >>> trend_symbol({"share_prev": 0.0, "share_change": 0.05, "share_change_p": 0.001,
    ...               "emerging": True})
    '▲ new'
    >>> trend_symbol({"share_prev": 0.03, "share_change": 0.01, "share_change_p": 0.93})
    'steady'
    >>> trend_symbol({"share_prev": 0.10, "share_change": -0.04, "share_change_p": 0.01})
    '▼ -4.0 pts'
    """
    get = row.get
    change, p = _float(get("share_change")), _float(get("share_change_p"))
    if not math.isnan(change):
        if math.isnan(p) or p >= alpha or change == 0:
            return "steady"
        if change > 0 and bool(get("emerging", False)) and _float(get("share_prev")) == 0:
            return "▲ new"
        return f"{'▲' if change > 0 else '▼'} {change * 100:+.1f} pts"
    word = get("trend")
    if isinstance(word, str) and word:
        word = word.lower()
        if word.startswith(("ris", "up", "grow", "incr", "emerg")):
            return "▲"
        if word.startswith(("fall", "down", "decl", "decr", "shrink")):
            return "▼"
        return "steady"
    return ""


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def friction_themes(themes: pd.DataFrame) -> pd.DataFrame:
    """The themes to fix, in rank order: rows with ``kind == "friction"`` when the theme
    table says which themes are friction and which praise, every theme otherwise."""
    if "kind" in themes.columns:
        return themes[themes["kind"] == "friction"]
    return themes


def praise_themes(result) -> pd.DataFrame:
    """What customers like, largest first: ``result.praise``, else the rows a theme table
    marks ``kind == "praise"`` itself, else none."""
    praise, themes = getattr(result, "praise", None), result.themes
    if praise is None or praise.empty:
        praise = themes[themes["kind"] == "praise"] if "kind" in themes else themes.iloc[0:0]
    return praise.sort_values("verbatims", ascending=False, kind="mergesort")


def has_trend(themes: pd.DataFrame) -> bool:
    """Whether the run measured a change between two periods (a date column and at least
    two periods), or carries a ``trend`` column of its own."""
    if "share_change" in themes.columns and themes["share_change"].notna().any():
        return True
    return "trend" in themes.columns


def theme_columns(themes: pd.DataFrame) -> list[Column]:
    """The columns of the ranked theme table, in reading order, for the columns present."""
    candidates = [
        Column("rank", "#", _num("{:.0f}"), "int", 0.45),
        Column("label", "Theme", str, "text", 4.0),
        Column("verbatims", "Verbatims", _num("{:,.0f}"), "int", 1.1),
        Column("share", "Share", _num("{:.1%}"), "percent", 0.9),
        Column("sentiment_mean", "Sentiment", _num("{:+.2f}"), "signed", 1.1),
        Column("share_negative", "Negative", _num("{:.0%}"), "percent", 1.0),
        Column("score_mean", "Score", _num("{:.1f}"), "decimal", 0.9),
        Column("nps", "NPS", _num("{:+.0f}"), "signed", 0.8),
        Column("impact", "Impact", _num("{:+.2f}"), "signed", 0.9),
        Column("priority", "Priority", _num("{:.1f}"), "decimal", 0.9),
    ]
    cols = [c for c in candidates if c.key in themes.columns]
    if has_known_and_new(themes):
        cols.insert(2, Column("_origin", "Origin", str, "text", 0.8))
    if has_trend(themes):
        cols.append(Column("_trend", "Trend", str, "text", 0.9))
    return cols


def has_known_and_new(themes: pd.DataFrame) -> bool:
    """Whether the table mixes known themes (a taxonomy's, a saved model's) with new ones:
    then each row says which it is (the "Origin" column: ``known`` or ``new``)."""
    if "is_new" not in themes.columns or themes.empty:
        return False
    new = themes["is_new"].fillna(True).astype(bool)
    return bool(new.any() and not new.all())


def cell(row: pd.Series, column: Column, alpha: float = 0.05) -> str:
    """One cell of the theme table as text."""
    if column.key == "_trend":
        return trend_symbol(row, alpha)
    if column.key == "_origin":
        return "new" if bool(row.get("is_new", True)) else "known"
    return column.render(row[column.key])


def theme_rows(themes: pd.DataFrame, columns: list[Column],
               alpha: float = 0.05) -> list[list[str]]:
    """The table's cells as text, one list per theme in rank order."""
    return [[cell(row, c, alpha) for c in columns] for _, row in themes.iterrows()]


# ------------------------------------------------------------------ dates and segments
def kept_documents(result: Result) -> pd.DataFrame:
    docs = result.documents
    return docs[docs["set_aside"].isna()]


def has_dates(result: Result) -> bool:
    return "date" in result.documents.columns and \
        pd.to_datetime(kept_documents(result)["date"], errors="coerce").notna().any()


def period_of(result: Result) -> str:
    return getattr(getattr(result.config, "score", None), "period", "M") or "M"


def date_range(result: Result) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if not has_dates(result):
        return None
    dates = pd.to_datetime(kept_documents(result)["date"], errors="coerce").dropna()
    return dates.min(), dates.max()


def _theme_ids(docs: pd.DataFrame) -> pd.Series:
    """Every theme each document mentions (falls back to its one ``theme_id``)."""
    if "theme_ids" in docs.columns:
        return docs["theme_ids"].map(lambda v: [int(x) for x in v] if v is not None else [])
    return docs["theme_id"].map(lambda v: [int(v)] if int(v) >= 0 else [])


def trend_table(result: Result, period: str | None = None) -> pd.DataFrame:
    """Verbatims mentioning each theme per period, and their share of the period's
    verbatims.  Columns: period, theme_id, label, verbatims, period_verbatims, share.
    Empty when the run has no dates."""
    columns = ["period", "theme_id", "label", "verbatims", "period_verbatims", "share"]
    scored = getattr(result, "trend", None)
    if period in (None, period_of(result)) and isinstance(scored, pd.DataFrame) \
            and not scored.empty and "period_start" in scored:
        # The score stage's table: the same periods as share_change and emerging.
        frame = scored.copy()
        if period_of(result).upper().startswith("W"):
            frame["period"] = pd.to_datetime(frame["period_start"]).dt.strftime("%Y-%m-%d")
        return frame[[*columns, "period_start"]].reset_index(drop=True)
    if not has_dates(result):
        return pd.DataFrame(columns=columns)
    docs = kept_documents(result)
    dates = pd.to_datetime(docs["date"], errors="coerce")
    periods_ = dates.dt.to_period(period or period_of(result))
    # Weeks read better as the date they start on than as "2025-12-29/2026-01-04".
    names = periods_.map(lambda p: p.start_time.strftime("%Y-%m-%d")
                         if isinstance(p, pd.Period) and p.freqstr.startswith("W") else
                         (str(p) if isinstance(p, pd.Period) else None))
    frame = pd.DataFrame({"period": names, "theme_id": _theme_ids(docs)})[dates.notna().to_numpy()]
    totals = frame.groupby("period").size()
    mentions = frame.explode("theme_id").dropna(subset=["theme_id"])
    counts = mentions.groupby(["period", "theme_id"]).size()
    periods = sorted(totals.index)
    labels = dict(zip(result.themes["theme_id"], result.themes["label"], strict=True))
    rows = []
    for theme_id in result.themes["theme_id"]:
        for p in periods:
            n = int(counts.get((p, int(theme_id)), 0))
            rows.append((p, int(theme_id), labels[theme_id], n, int(totals[p]),
                         n / totals[p] if totals[p] else float("nan")))
    return pd.DataFrame(rows, columns=columns)


def changes_table(result: Result) -> pd.DataFrame:
    """What changed since the previous period (``result.changes``): one row per theme with
    both shares, the change, its p-value in figures and in words and the new / emerging /
    growing / falling flags (:func:`feedback_mining.score.period_changes`)."""
    from ..score import period_changes

    config = getattr(getattr(result, "config", None), "score", None)
    return period_changes(trend_table(result), config)


def segment_columns(result: Result) -> list[str]:
    cols = result.summary.get("segment_columns") or []
    return [c for c in cols if c in result.documents.columns]


def segment_breakdown(result: Result, column: str, max_values: int = 8) -> pd.DataFrame:
    """For each theme and each value of segment ``column`` (the ``max_values`` largest), the
    verbatims mentioning the theme and their share of that segment's verbatims.  Columns:
    segment, value, theme_id, label, verbatims, segment_verbatims, share."""
    docs = kept_documents(result)
    values = docs[column].astype("string").fillna("(missing)")
    top = values.value_counts().head(max_values)
    frame = pd.DataFrame({"value": values.to_numpy(), "theme_id": _theme_ids(docs).to_numpy()})
    frame = frame[frame["value"].isin(top.index)]
    mentions = frame.explode("theme_id").dropna(subset=["theme_id"])
    counts = mentions.groupby(["value", "theme_id"]).size()
    labels = dict(zip(result.themes["theme_id"], result.themes["label"], strict=True))
    rows = []
    for theme_id in result.themes["theme_id"]:
        for value, total in top.items():
            n = int(counts.get((value, int(theme_id)), 0))
            rows.append((column, str(value), int(theme_id), labels[theme_id], n, int(total),
                         n / total if total else float("nan")))
    return pd.DataFrame(rows, columns=["segment", "value", "theme_id", "label", "verbatims",
                                       "segment_verbatims", "share"])


# ------------------------------------------------------------------ headline figures
def dataset_name(summary: dict) -> str:
    """The data set as a reader knows it: the input file's name (``returns_w49.csv``), the
    bundled sample's name, or "a table passed from Python" for a DataFrame without one."""
    source = summary.get("source")
    if source is None or str(source).strip() in ("", "the DataFrame", "a DataFrame"):
        name = summary.get("dataset_name")
        return str(name) if name else "a table passed from Python"
    text = str(source)
    if text.startswith("bundled sample"):
        return text
    return Path(text).name or text


def title_lines(result: Result) -> list[str]:
    """Data set, period and counts, for a title slide or a page header."""
    s = result.summary
    lines = [f"Data: {dataset_name(s)}"]
    span = date_range(result)
    if span is not None:
        lines.append(f"Period: {span[0]:%d %b %Y} to {span[1]:%d %b %Y}")
    lines.append(f"{s.get('rows_kept', 0):,} verbatims analysed of {s.get('rows_read', 0):,} "
                 f"read · {s.get('themes', len(result.themes)):,} themes"
                 + (" · {:,} mentions ({:.0%}) in no theme".format(*unthemed(s))
                    if unthemed(s) else ""))
    return lines


def unthemed(summary) -> tuple[int, float] | None:
    """The mentions that fit no theme (a saved model's run, the fast path) and their share
    of all mentions; ``None`` when every mention has one: how much of what customers said
    the tables leave out."""
    n, total = int(summary.get("mentions_without_theme", 0) or 0), int(
        summary.get("mentions", 0) or 0)
    return (n, n / total) if n and total else None


def overview_figures(result: Result) -> list[tuple[str, str]]:
    """``(what, value)`` pairs for the overview: volumes, then sentiment and score."""
    s = result.summary
    o = s.get("overall", {}) or {}
    figures = [
        ("Verbatims read", f"{s.get('rows_read', 0):,}"),
        ("Analysed", f"{s.get('rows_kept', 0):,}"),
        ("Set aside", f"{s.get('rows_set_aside', 0):,}"),
        ("Themes", f"{s.get('themes', len(result.themes)):,}"),
    ]
    if unthemed(s):
        figures.append(("Mentions in no theme", "{:,} ({:.0%})".format(*unthemed(s))))
    if o.get("sentiment_mean") is not None:
        figures.append(("Mean sentiment (-1 to +1)", _num("{:+.2f}")(o["sentiment_mean"])))
    if o.get("share_negative") is not None:
        figures.append(("Negative mentions", _num("{:.0%}")(o["share_negative"])))
    if o.get("score_mean") is not None:
        label = {"nps": "Mean score (0-10)"}.get(s.get("score_type") or "", "Mean score")
        figures.append((label, _num("{:.2f}")(o["score_mean"])))
    if o.get("nps") is not None:
        figures.append(("NPS", _num("{:+.0f}")(o["nps"])))
    return figures


def theme_figures(row: pd.Series, columns: list[Column],
                  alpha: float = 0.05) -> list[tuple[str, str]]:
    """One theme's figures as ``(header, value)``, without rank and label."""
    out = []
    for c in columns:
        if c.key in ("rank", "label"):
            continue
        out.append((c.header, cell(row, c, alpha)))
    return out


def _texts(value) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        value = value.split(" | ")
    return [str(e) for e in list(value) if str(e).strip()]


def quotes(row: pd.Series, n: int = 3) -> list[str]:
    """At most ``n`` quotes (already redacted by the pipeline): the theme's most typical
    complaints first (``negative_examples``), then its most typical verbatims
    (``examples``), so a slide shows what hurts as well as what the theme is about."""
    complaints = _texts(row.get("negative_examples"))
    examples = _texts(row.get("examples"))
    if not complaints:
        return examples[:n]
    chosen = complaints[: max(n - 1, 1)]
    for text in examples:
        if len(chosen) >= n:
            break
        if text not in chosen:
            chosen.append(text)
    return chosen[:n]


def keywords(row: pd.Series, n: int = 8) -> list[str]:
    words = row.get("keywords")
    if words is None or (isinstance(words, float) and math.isnan(words)):
        return []
    if isinstance(words, str):
        words = words.split(" | ")
    return [str(w) for w in list(words)[:n]]


def negative_quotes(row: pd.Series, n: int = 3) -> list[str]:
    """At most ``n`` of the theme's most typical complaints (``negative_examples``, already
    redacted); none when the theme has no negative mention."""
    return _texts(row.get("negative_examples"))[:n]


# ------------------------------------------------------------------ the deck's words
def headline_figures(result: Result) -> list[tuple[str, str]]:
    """Four figures for the headline slide: verbatims, themes, negative mentions, and NPS
    (NPS runs) or the mean score."""
    s = result.summary
    o = s.get("overall", {}) or {}
    figures = [("Verbatims analysed", f"{s.get('rows_kept', 0):,}"),
               ("Themes", f"{s.get('themes', len(result.themes)):,}")]
    if o.get("share_negative") is not None:
        figures.append(("Negative mentions", _num("{:.0%}")(o["share_negative"])))
    if o.get("nps") is not None:
        figures.append(("NPS", _num("{:+.0f}")(o["nps"])))
    elif o.get("score_mean") is not None:
        figures.append(("Mean score", _num("{:.2f}")(o["score_mean"])))
    return figures


def headline_line(row: pd.Series, result: Result, alpha: float = 0.05) -> str:
    """One theme in one line: volume, negative share, impact and trend, in words."""
    parts = [f"{_num('{:.1%}')(row.get('share'))} of verbatims ({int(row['verbatims']):,})"]
    if not math.isnan(_float(row.get("share_negative"))):
        parts.append(f"{row['share_negative']:.0%} negative")
    impact = _float(row.get("impact"))
    if not math.isnan(impact):
        nps_run = result.summary.get("score_type") == "nps"
        parts.append(f"impact {impact:+.1f} NPS points" if nps_run else
                     f"impact {impact:+.2f} score points")
    trend = trend_words(row, alpha)
    if trend:
        parts.append(trend)
    return " · ".join(parts)


def trend_words(row: pd.Series | dict, alpha: float = 0.05) -> str:
    """The trend symbol with its p-value: ``"▲ +4.1 pts (p = 0.01)"``, ``"steady (p = 0.93)"``."""
    symbol = trend_symbol(row, alpha)
    p = _float(row.get("share_change_p"))
    return f"{symbol} (p = {p:.2f})" if symbol and not math.isnan(p) else symbol


def theme_slide_figures(row: pd.Series, result: Result,
                        alpha: float = 0.05) -> list[tuple[str, str]]:
    """The figures of a theme slide: at most eight, the trend with its p-value."""
    columns = [c for c in theme_columns(result.themes) if c.key not in ("sentiment_mean",
                                                                          "_origin")]
    out = []
    for what, value in theme_figures(row, columns, alpha):
        out.append((what, trend_words(row, alpha) if what == "Trend" else value))
    return out[:8]


def period_name(period: str) -> str:
    """A period as people say it: ``2026-01-05/2026-01-11`` -> ``week of 05 Jan 2026``."""
    text = str(period)
    if "/" in text:
        text = text.split("/")[0]
    try:
        if len(text) == 10:
            return f"week of {pd.Timestamp(text):%d %b %Y}"
        if len(text) == 7 and text[4] == "-":
            return f"{pd.Timestamp(text + '-01'):%b %Y}"
    except ValueError:
        pass
    return text


def change_flag(row: pd.Series | dict) -> str:
    """``new``, ``emerging``, ``growing`` or ``falling`` (the first that applies), for a
    row of ``result.changes``; empty for a change within noise."""
    if row.get("new") and row.get("emerging"):
        return "new"
    for flag in ("emerging", "growing", "falling"):
        if bool(row.get(flag)):
            return flag
    return ""


def min_segment_verbatims(result: Result) -> int:
    """Verbatims a segment value needs before its share is drawn (``score.segment_min_verbatims``)."""
    return int(getattr(getattr(result.config, "score", None), "segment_min_verbatims", 10) or 10)
