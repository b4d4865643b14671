"""The deck's layout: no shape overlaps another or leaves the slide, on every slide of
several decks (an NPS run, a CSAT-like run, long labels, a run with praise themes), and the
significance rules for arrows and "new"."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from pptx import Presentation

from feedback_mining.report.content import trend_symbol

from .report_helpers import many_themes, sample_result


def _csat(result):
    """The shared run as a CSAT-like run: no NPS, scores on 1-5."""
    result.themes = result.themes.drop(columns=[c for c in result.themes if c.startswith("nps")])
    result.summary["score_type"] = "csat"
    result.summary["overall"] = {k: v for k, v in result.summary["overall"].items() if k != "nps"}
    return result


def _praise(result):
    n = len(result.themes)
    result.themes["kind"] = ["praise" if i % 3 == 2 else "friction" for i in range(n)]
    return result


FIXTURES = {
    "nps": lambda: sample_result(),
    "csat": lambda: _csat(sample_result()),
    "long labels": lambda: many_themes(sample_result(), 40),
    "praise": lambda: _praise(sample_result()),
    "transcripts": lambda: _transcripts(),
}


def _transcripts():
    import copy

    from .test_report_contacts import _run

    return copy.deepcopy(_run())


@pytest.fixture(scope="module", params=list(FIXTURES))
def deck(request, tmp_path_factory):
    result = FIXTURES[request.param]()
    path = tmp_path_factory.mktemp("layout") / "deck.pptx"
    result.to_pptx(path, top_themes=5)
    return result, Presentation(str(path))


def _title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def test_no_shape_overlaps_another_or_leaves_the_slide(deck):
    _, prs = deck
    W, H = int(prs.slide_width), int(prs.slide_height)
    for number, slide in enumerate(prs.slides, start=1):
        boxes = [(sh.name, int(sh.left), int(sh.top), int(sh.left + sh.width),
                  int(sh.top + sh.height)) for sh in slide.shapes]
        for name, x0, y0, x1, y1 in boxes:
            assert 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H, \
                f"slide {number} ({_title(slide)!r}): {name} leaves the slide"
        for a, b in itertools.combinations(boxes, 2):
            overlap = a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
            assert not overlap, f"slide {number} ({_title(slide)!r}): {a[0]} overlaps {b[0]}"


def test_about_ten_slides_with_one_ranked_table(deck):
    result, prs = deck
    titles = [_title(s) for s in prs.slides]
    assert titles[1] == "The headline"
    if "transcripts" in result.summary:  # contact drivers right after the headline
        assert titles.pop(2) == "Why customers contact us"
    assert titles[2] == "Top friction themes, ranked by priority"
    assert titles[3] == "What changed this period"
    assert sum(t.startswith("Top friction themes") for t in titles) == 1
    assert len(prs.slides) <= 14
    subtitle = " ".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "the DataFrame" not in subtitle
    assert "Data: a table passed from Python" in subtitle or "Data: the transcripts" in subtitle
    if "kind" in result.themes:
        assert "What customers like" in titles
        liked = next(s for s in prs.slides if _title(s) == "What customers like")
        text = " ".join(sh.text_frame.text for sh in liked.shapes if sh.has_text_frame)
        praise = result.themes[result.themes["kind"] == "praise"]["label"]
        assert all(label in text for label in praise.head(3))
        friction = result.themes[result.themes["kind"] == "friction"]["label"].tolist()
        table = next(sh.table for sh in prs.slides[2].shapes if sh.has_table)
        assert [r.cells[1].text_frame.text for r in list(table.rows)[1:]] == friction[:15]
    else:
        assert "What customers like" not in titles


def test_theme_slides_quote_only_complaints_and_bars_show_n(deck):
    result, prs = deck
    slides = [s for s in prs.slides if _title(s).startswith("#")]
    assert slides
    for slide in slides:
        rank = int(_title(slide)[1:].split()[0])
        row = result.themes[result.themes["rank"] == rank].iloc[0]
        quotes = [sh.text_frame.text.strip("“”").rstrip("…") for sh in slide.shapes
                  if sh.has_text_frame and sh.text_frame.text.startswith("“")]
        for quote in quotes:
            assert any(quote in neg for neg in row["negative_examples"])
        for chart in (sh.chart for sh in slide.shapes if sh.has_chart):
            if chart.chart_title.text_frame.text.startswith("Share by"):
                assert all("(n=" in c for c in chart.plots[0].categories)


# ------------------------------------------------------------------ arrows and "new"
@pytest.mark.parametrize(("row", "expected"), [
    # noise: no arrow, whatever the sign (the p = 0.93 case of the issue)
    ({"share_prev": 0.10, "share_change": 0.04, "share_change_p": 0.93}, "steady"),
    ({"share_prev": 0.10, "share_change": -0.04, "share_change_p": 0.20}, "steady"),
    # beyond noise: the arrow follows the sign
    ({"share_prev": 0.10, "share_change": 0.04, "share_change_p": 0.01}, "▲ +4.0 pts"),
    ({"share_prev": 0.10, "share_change": -0.04, "share_change_p": 0.01}, "▼ -4.0 pts"),
    # "new" only for a theme absent before (not for one that had 3.8% the week before)
    ({"share_prev": 0.0, "share_change": 0.06, "share_change_p": 0.001, "emerging": True},
     "▲ new"),
    ({"share_prev": 0.038, "share_change": 0.06, "share_change_p": 0.001, "emerging": True},
     "▲ +6.0 pts"),
    # a falling theme never gets an up arrow, even flagged emerging by mistake
    ({"share_prev": 0.0, "share_change": -0.02, "share_change_p": 0.001, "emerging": True},
     "▼ -2.0 pts"),
    ({"share_prev": float("nan"), "share_change": float("nan"), "share_change_p": float("nan")},
     ""),
])
def test_arrows_follow_the_significance_test(row, expected):
    assert trend_symbol(row) == expected


def test_the_arrow_agrees_with_the_last_two_points_of_the_line(deck):
    result, prs = deck
    for slide in (s for s in prs.slides if _title(s).startswith("#")):
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        if "Trend" not in texts:  # no dates: no trend to agree with
            assert result.changes.empty
            continue
        trend = texts[texts.index("Trend") + 1]
        line = next(sh.chart for sh in slide.shapes if sh.has_chart
                    and sh.chart.chart_title.text_frame.text.startswith("Share of verbatims per"))
        values = list(line.plots[0].series[0].values)
        if "▲" in trend:
            assert values[-1] > values[-2], (_title(slide), trend, values)
        if "▼" in trend:
            assert values[-1] < values[-2], (_title(slide), trend, values)
        rank = int(_title(slide)[1:].split()[0])
        row = result.themes[result.themes["rank"] == rank].iloc[0]
        assert values[-2:] == pytest.approx([row["share_prev"], row["share_last"]])
        if row["share_change_p"] >= 0.05:
            assert "▲" not in trend and "▼" not in trend and "p = " in trend


def test_the_changes_slide_states_significance_in_words(tmp_path):
    result = sample_result()
    # Make the last week hold a new theme: its share jumps from 0 to most of the week.
    docs = result.documents
    dates = pd.to_datetime(docs["date"])
    last = dates.dt.to_period("W") == dates.dt.to_period("W").max()
    theme = int(result.themes["theme_id"].iloc[-1])
    before = ~last & docs["theme_ids"].map(lambda ids: theme in ids)
    docs.loc[before, "theme_ids"] = docs.loc[before, "theme_ids"].map(
        lambda ids: [i for i in ids if i != theme])
    docs.loc[last, "theme_ids"] = docs.loc[last, "theme_ids"].map(
        lambda ids: ids if theme in ids else [*ids, theme])
    result.trend = pd.DataFrame()  # recomputed from the documents
    changes = result.changes
    row = changes[changes["theme_id"] == theme].iloc[0]
    assert row["share_prev"] == 0 and row["share_last"] == 1.0
    assert row["new"] and row["emerging"] and row["significance"].startswith("beyond chance")
    prs = Presentation(str(result.to_pptx(tmp_path / "d.pptx", top_themes=1)))
    slide = next(s for s in prs.slides if _title(s) == "What changed this period")
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    rows = [[c.text_frame.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["Theme", "Before", "Now", "Change", "Significance", "Flag"]
    mine = next(r for r in rows if r[0] == row["label"])
    assert mine[1:3] == ["0.0%", "100.0%"] and mine[5] == "new"
    assert mine[4].startswith("beyond chance")


def test_scatter_rank_labels_never_collide():
    """Crowded points: every label placed is clear of every other label and point."""
    from feedback_mining.report._pptx_shapes import _overlaps, _place_labels

    themes = pd.DataFrame({"rank": range(1, 31),
                           "sentiment_mean": [0.01 * (i % 5) for i in range(30)],
                           "verbatims": [100 + (i % 7) for i in range(30)]})
    area, w, h = (0, 0, 8_000_000, 5_000_000), 300_000, 230_000
    placed = _place_labels(themes, area, (-0.5, 0.5), (0.0, 200.0), w, h, n=10)
    assert placed  # some labels fit
    boxes = []
    for i, position in placed.items():
        x = area[0] + (themes["sentiment_mean"][i] + 0.5) * area[2]
        y = area[3] - themes["verbatims"][i] / 200 * area[3]
        name = str(position).split(".")[-1].split(" ")[0]
        box = {"RIGHT": (x + h / 3, y - h / 2, x + h / 3 + w, y + h / 2),
               "LEFT": (x - h / 3 - w, y - h / 2, x - h / 3, y + h / 2),
               "ABOVE": (x - w / 2, y - h / 3 - h, x + w / 2, y - h / 3),
               "BELOW": (x - w / 2, y + h / 3, x + w / 2, y + h / 3 + h)}[name]
        boxes.append(box)
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlaps(a, b)
