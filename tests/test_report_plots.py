"""Plot functions return labelled matplotlib figures."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import feedback_mining as fm
from feedback_mining.report import plots

from .report_helpers import sample_result


@pytest.mark.parametrize("name", ["theme_volume", "sentiment_map", "theme_trends",
                                  "segment_heatmap"])
def test_plots_have_plain_titles_and_axis_labels(name, tmp_path):
    fig = getattr(plots, name)(sample_result())
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel()
    if name == "theme_volume":  # the bars are named after the themes instead of a y label
        top = sample_result().themes.head(15)
        names = [t.get_text() for t in ax.get_yticklabels()][::-1]
        assert len(names) == len(top)
        for name_, rank, label in zip(names, top["rank"], top["label"], strict=True):
            number, _, shown = name_.partition(". ")
            assert number == str(rank) and label.startswith(shown.rstrip("…"))
    elif name != "segment_heatmap":
        assert ax.get_ylabel()
    fig.savefig(tmp_path / f"{name}.png")
    assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_trends_without_dates_say_what_to_map():
    result = sample_result()
    result.documents = result.documents.drop(columns=["date"])
    result.trend = result.trend.iloc[0:0]  # a run without dates has no trend table
    with pytest.raises(fm.InputError, match="date"):
        plots.theme_trends(result)


def test_rich_repr_in_a_notebook():
    result = sample_result()
    page = result._repr_html_()
    assert "<table" in page and result.themes["label"][0].replace("&", "&amp;") in page
