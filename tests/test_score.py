import math

import pandas as pd
import pytest

from feedback_mining.score import nps, theme_table


def _tables():
    documents = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "set_aside": [None, None, None, None, "empty"],
        "score": [10.0, 2.0, 6.0, 9.0, None],
    })
    segments = pd.DataFrame({
        "doc_id": ["a", "b", "b", "c", "d"],
        "theme_id": [0, 0, 1, 1, -1],
        "sentiment": [0.5, -0.6, -0.2, 0.0, 0.3],
    })
    themes = pd.DataFrame({"theme_id": [0, 1], "label": ["Refund late", "Label missing"],
                           "keywords": [["refund"], ["label"]], "examples": [["x"], ["y"]]})
    return segments, documents, themes


def test_nps_by_hand():
    assert nps([10, 9, 8, 7, 0]) == pytest.approx(100 * (2 / 5 - 1 / 5))
    assert math.isnan(nps([]))


def test_theme_table_by_hand():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents, themes, score_type="nps").set_index("theme_id")
    # 4 kept verbatims (e is set aside); theme 0 in a, b; theme 1 in b, c
    assert table.loc[0, "verbatims"] == 2 and table.loc[0, "share"] == pytest.approx(0.5)
    assert table.loc[0, "sentiment_mean"] == pytest.approx(-0.05)
    assert table.loc[0, "share_negative"] == pytest.approx(0.5)
    assert table.loc[0, "score_mean"] == pytest.approx(6.0)
    assert table.loc[0, "nps"] == pytest.approx(100 * (1 / 2 - 1 / 2))
    assert table.loc[1, "nps"] == pytest.approx(-100.0)
    assert table.loc[1, "priority"] == pytest.approx(100 * 1 / 4)  # b negative on theme 1
    assert table.loc[0, "priority"] == pytest.approx(100 * 1 / 4)


def test_ranking_puts_too_small_themes_last():
    segments, documents, themes = _tables()
    from feedback_mining.config import ScoreConfig

    table = theme_table(segments, documents, themes, config=ScoreConfig(min_mentions=2))
    assert table["rank"].tolist() == [1, 2]
    assert not table["low_volume"].any()
    table = theme_table(segments, documents, themes, config=ScoreConfig(min_mentions=3))
    assert table["low_volume"].all()


def test_without_score_there_are_no_score_columns():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents.drop(columns="score"), themes)
    assert "score_mean" not in table and "nps" not in table
