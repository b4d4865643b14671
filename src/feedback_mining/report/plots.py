"""Plots for notebooks: each function returns a matplotlib :class:`~matplotlib.figure.Figure`
(shown by Jupyter, saved with ``fig.savefig(...)``); pyplot keeps no reference to it.

>>> from feedback_mining.report import plots          # doctest: +SKIP
>>> plots.theme_volume(result).savefig("themes.png")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import input_error
from . import content as C

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..result import Result

BLUE = "#4472C4"


def _short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _figure(width: float, height: float) -> Figure:
    # Made through pyplot so that Jupyter's inline backend knows how to show a Figure, and
    # closed at once so that pyplot keeps no reference (and does not show it twice).
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, height), layout="constrained")
    plt.close(fig)
    return fig


def theme_volume(result: Result, n: int = 15) -> Figure:
    """Horizontal bars: verbatims per theme for the ``n`` highest-priority themes."""
    top = result.themes.head(n)
    fig = _figure(9, 0.38 * max(len(top), 3) + 1.2)
    ax = fig.subplots()
    labels = [f"{r}. {_short(lab)}" for r, lab in zip(top["rank"], top["label"], strict=True)]
    ax.barh(labels[::-1], top["verbatims"].to_numpy()[::-1], color=BLUE)
    for y, v in enumerate(top["verbatims"].to_numpy()[::-1]):
        ax.text(v, y, f" {v:,}", va="center", fontsize=9)
    ax.set_xlabel("Verbatims mentioning the theme")
    ax.set_title(f"Volume of the top {len(top)} themes (ranked by priority)")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def sentiment_map(result: Result, n_labels: int = 10) -> Figure:
    """Each theme as a point: mean sentiment across, verbatims up; the ``n_labels``
    highest-priority themes are named.  Top left is large and negative."""
    themes = result.themes.dropna(subset=["sentiment_mean"])
    fig = _figure(9, 6)
    ax = fig.subplots()
    size = 40 + 400 * themes["share_negative"].fillna(0).to_numpy() \
        if "share_negative" in themes else 60
    ax.scatter(themes["sentiment_mean"], themes["verbatims"], s=size, color=BLUE, alpha=0.6,
               edgecolor="white")
    for _, row in themes.iterrows():
        if int(row["rank"]) <= n_labels:
            ax.annotate(f"{int(row['rank'])}. {_short(row['label'], 28)}",
                        (row["sentiment_mean"], row["verbatims"]), fontsize=8,
                        xytext=(6, 2), textcoords="offset points")
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("Mean sentiment (-1 negative, +1 positive)")
    ax.set_ylabel("Verbatims mentioning the theme")
    ax.set_title("Volume and sentiment of each theme (bigger point: more negative mentions)")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def theme_trends(result: Result, n: int = 6, period: str | None = None) -> Figure:
    """Lines: each top theme's share of the verbatims per period (needs a date column)."""
    trend = C.trend_table(result, period)
    if trend.empty:
        raise input_error("result.documents", "a 'date' column with dates",
                          "no dates", "Map a date column (fm.load(..., date='submitted_at')) "
                          "to see trends.")
    fig = _figure(9, 5)
    ax = fig.subplots()
    periods = sorted(trend["period"].unique())
    for _, row in result.themes.head(n).iterrows():
        t = trend[trend["theme_id"] == row["theme_id"]].set_index("period").reindex(periods)
        ax.plot(periods, t["share"].to_numpy() * 100, marker="o",
                label=f"{int(row['rank'])}. {_short(row['label'], 30)}")
    ax.set_xlabel("Period")
    ax.set_ylabel("Share of the period's verbatims (%)")
    ax.set_title(f"How the top {min(n, len(result.themes))} themes change over time")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    ax.tick_params(axis="x", rotation=45)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def segment_heatmap(result: Result, column: str | None = None, n: int = 12) -> Figure:
    """A grid: for each top theme (rows) and segment value (columns), the share of that
    segment's verbatims that mention the theme."""
    columns = C.segment_columns(result)
    column = column or (columns[0] if columns else None)
    if column is None or column not in result.documents.columns:
        raise input_error("result.documents", "a segment column",
                          f"{column!r}" if column else "none",
                          "Map segment columns (fm.load(..., segments=['channel'])) or name one "
                          f"of {columns}.")
    table = C.segment_breakdown(result, column, max_values=12)
    themes = result.themes.head(n)
    table = table[table["theme_id"].isin(themes["theme_id"])]
    grid = table.pivot(index="theme_id", columns="value", values="share")
    grid = grid.reindex(themes["theme_id"])
    values = list(grid.columns)
    fig = _figure(1.2 * len(values) + 5, 0.42 * len(themes) + 1.8)
    ax = fig.subplots()
    data = grid.to_numpy(dtype=float) * 100
    image = ax.imshow(data, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(values)), [_short(v, 18) for v in values], rotation=30, ha="right")
    ax.set_yticks(range(len(themes)), [f"{r}. {_short(lab, 34)}" for r, lab in
                                       zip(themes["rank"], themes["label"], strict=True)])
    top = np.nanmax(data) if data.size and not np.isnan(data).all() else 0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if not np.isnan(data[i, j]):
                ax.text(j, i, f"{data[i, j]:.0f}%", ha="center", va="center", fontsize=8,
                        color="white" if data[i, j] > 0.6 * top else "black")
    fig.colorbar(image, ax=ax, label="Share of the segment's verbatims (%)")
    ax.set_xlabel(column)
    ax.set_title(f"Which themes each {column} mentions most")
    return fig
