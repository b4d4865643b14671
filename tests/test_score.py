"""Theme metrics checked against values worked out by hand on small tables."""

import math

import numpy as np
import pandas as pd
import pytest

from feedback_mining.config import Config, ScoreConfig
from feedback_mining.score import (
    SEGMENT_COLUMNS,
    THEME_COLUMNS,
    TREND_COLUMNS,
    nps,
    score_themes,
    theme_table,
)
from feedback_mining.score._metrics import multinomial_weights
from feedback_mining.score._trend import two_proportion_p

NO_BOOT = ScoreConfig(bootstrap=0)


def _tables():
    """4 kept verbatims (e is set aside).  NPS values: a +100, b -100, c -100, d +100.
    Theme 0 in a, b; theme 1 in b, c; d has no theme."""
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


def _themes(ids):
    return pd.DataFrame({"theme_id": ids, "label": [f"t{i}" for i in ids],
                         "keywords": [[] for _ in ids], "examples": [[] for _ in ids]})


def test_nps_by_hand():
    assert nps([10, 9, 8, 7, 0]) == pytest.approx(100 * (2 / 5 - 1 / 5))
    assert math.isnan(nps([]))


def test_volume_sentiment_and_score_by_hand():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents, themes, score_type="nps",
                        config=NO_BOOT).set_index("theme_id")
    assert table.loc[0, "mentions"] == 2 and table.loc[0, "verbatims"] == 2
    assert table.loc[0, "respondents"] == 2
    assert table.loc[0, "share"] == pytest.approx(0.5)
    assert table.loc[0, "sentiment_mean"] == pytest.approx(-0.05)
    assert table.loc[0, "share_negative"] == pytest.approx(0.5)
    assert table.loc[0, "share_positive"] == pytest.approx(0.5)
    assert table.loc[0, "net_sentiment"] == pytest.approx(0.0)
    assert table.loc[1, "sentiment_mean"] == pytest.approx(-0.1)
    assert table.loc[1, "net_sentiment"] == pytest.approx(0.0 - 0.5)
    assert table.loc[1, "negative_verbatims"] == 1
    assert table.loc[0, "score_mean"] == pytest.approx(6.0)
    assert table.loc[1, "score_mean"] == pytest.approx(4.0)
    assert table.loc[0, "nps"] == pytest.approx(0.0)
    assert table.loc[1, "nps"] == pytest.approx(-100.0)


def test_impact_and_driver_gap_by_hand_nps():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents, themes, score_type="nps",
                        config=NO_BOOT).set_index("theme_id")
    # NPS(all) = 0.  Without theme 1 (b, c) only a and d remain: NPS +100.
    assert table.loc[1, "impact"] == pytest.approx(0.0 - 100.0)
    assert table.loc[1, "driver_gap"] == pytest.approx(-100.0 - 100.0)
    # Without theme 0 (a, b): c, d give 0, so removing it changes nothing.
    assert table.loc[0, "impact"] == pytest.approx(0.0)
    assert table.loc[0, "driver_gap"] == pytest.approx(0.0)


def test_impact_by_hand_csat():
    segments, documents, themes = _tables()
    documents["score"] = [5.0, 1.0, 2.0, 4.0, None]
    table = theme_table(segments, documents, themes, score_type="csat",
                        config=NO_BOOT).set_index("theme_id")
    assert "nps" not in table and "nps_ci_low" not in table
    # mean(all) = 3; theme 1 in b, c (1, 2): without it a, d = 4.5
    assert table.loc[1, "impact"] == pytest.approx(3.0 - 4.5)
    assert table.loc[1, "driver_gap"] == pytest.approx(1.5 - 4.5)
    # theme 0 in a, b (5, 1): without it c, d = 3
    assert table.loc[0, "impact"] == pytest.approx(3.0 - 3.0)


def test_priority_components_by_hand():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents, themes, score_type="nps",
                        config=ScoreConfig(bootstrap=0, shrinkage=10)).set_index("theme_id")
    # 2 of the 5 segments of kept verbatims are negative: the shrinkage target is 0.4.
    negativity = (1 + 10 * 0.4) / (2 + 10)
    assert table.loc[1, "priority_volume"] == pytest.approx(0.5)
    assert table.loc[1, "priority_negativity"] == pytest.approx(negativity)
    # gap -200 NPS points over 2 scored verbatims, shrunk by 2/(2+10), on a span of 200
    impact = 200 * 2 / 12 / 200
    assert table.loc[1, "priority_impact"] == pytest.approx(impact)
    assert math.isnan(table.loc[1, "priority_growth"])  # no dates
    assert table.loc[1, "priority"] == pytest.approx(100 * 0.5 * (negativity + impact) / 2)
    assert table.loc[0, "priority_impact"] == pytest.approx(0.0)  # gap 0
    # without shrinkage the raw share negative is used
    raw = theme_table(segments, documents, themes, score_type="nps",
                      config=ScoreConfig(bootstrap=0, shrinkage=0)).set_index("theme_id")
    assert raw.loc[1, "priority_negativity"] == pytest.approx(0.5)
    assert raw.loc[1, "priority_impact"] == pytest.approx(1.0)
    assert raw.loc[1, "priority"] == pytest.approx(100 * 0.5 * 0.75)


def test_ranking_follows_priority_and_puts_too_small_themes_last():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents, themes, score_type="nps",
                        config=ScoreConfig(min_mentions=2, bootstrap=0))
    assert table["rank"].tolist() == [1, 2]
    assert table["theme_id"].tolist() == [1, 0]  # the theme that drags NPS down first
    assert table["priority"].is_monotonic_decreasing
    assert not table["low_volume"].any()
    table = theme_table(segments, documents, themes,
                        config=ScoreConfig(min_mentions=3, bootstrap=0))
    assert table["low_volume"].all()


def test_columns_are_the_documented_ones():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents, themes, score_type="nps")
    assert table.columns.tolist() == THEME_COLUMNS


def test_without_score_there_are_no_score_columns():
    segments, documents, themes = _tables()
    table = theme_table(segments, documents.drop(columns="score"), themes,
                        config=NO_BOOT).set_index("theme_id")
    for col in ("score_mean", "nps", "impact", "driver_gap", "impact_ci_low"):
        assert col not in table
    # the priority falls back to volume x negativity; its impact component is NaN
    assert table["priority_impact"].isna().all()
    assert table.loc[1, "priority"] == pytest.approx(
        100 * 0.5 * table.loc[1, "priority_negativity"])


def test_theme_in_every_verbatim_and_theme_in_none():
    documents = pd.DataFrame({"id": list("abcd"), "set_aside": None,
                              "score": [5.0, 4.0, 1.0, 2.0]})
    segments = pd.DataFrame({"doc_id": list("abcd"), "theme_id": [0, 0, 0, 0],
                             "sentiment": [0.5, 0.2, -0.5, -0.9]})
    table = theme_table(segments, documents, _themes([0, 1]), score_type="csat",
                        config=ScoreConfig(bootstrap=50)).set_index("theme_id")
    everywhere, nowhere = table.loc[0], table.loc[1]
    assert everywhere["share"] == 1.0 and everywhere["score_mean"] == pytest.approx(3.0)
    # removing every verbatim leaves nothing to score: impact and gap are undefined
    assert math.isnan(everywhere["impact"]) and math.isnan(everywhere["driver_gap"])
    assert math.isnan(everywhere["priority_impact"])
    assert everywhere["priority"] == pytest.approx(100 * 1.0 * everywhere["priority_negativity"])
    assert nowhere["verbatims"] == 0 and nowhere["share"] == 0.0
    assert math.isnan(nowhere["sentiment_mean"]) and math.isnan(nowhere["score_mean"])
    assert nowhere["impact"] == 0.0  # removing nothing changes nothing
    assert nowhere["priority"] == 0.0 and bool(nowhere["low_volume"])
    assert table.loc[1, "rank"] == 2


def test_all_scores_equal_gives_degenerate_nps_and_intervals():
    documents = pd.DataFrame({"id": list("abcdef"), "set_aside": None, "score": [9.0] * 6})
    segments = pd.DataFrame({"doc_id": list("abcdef"), "theme_id": [0, 0, 0, 1, 1, -1],
                             "sentiment": [0.1, -0.3, 0.4, 0.2, 0.2, 0.0]})
    table = theme_table(segments, documents, _themes([0, 1]), score_type="nps",
                        config=ScoreConfig(bootstrap=100)).set_index("theme_id")
    assert (table["nps"] == 100.0).all()
    assert (table["impact"] == 0.0).all() and (table["driver_gap"] == 0.0).all()
    assert (table["nps_ci_low"] == 100.0).all() and (table["nps_ci_high"] == 100.0).all()
    assert (table["impact_ci_low"] == 0.0).all() and (table["impact_ci_high"] == 0.0).all()
    assert (table["priority_impact"] == 0.0).all()


def _dated(jan_hits: int, feb_hits: int, n: int = 10):
    """n verbatims in January and n in February; theme 0 in the first ``*_hits`` of each
    month, theme 1 in the next 5 of each month."""
    ids = [f"j{i}" for i in range(n)] + [f"f{i}" for i in range(n)]
    dates = ["2026-01-10"] * n + ["2026-02-10"] * n
    theme = ([0] * jan_hits + [1] * 5 + [-1] * (n - jan_hits - 5)
             + [0] * feb_hits + [1] * 5 + [-1] * (n - feb_hits - 5))
    documents = pd.DataFrame({"id": ids, "set_aside": None, "date": pd.to_datetime(dates)})
    segments = pd.DataFrame({"doc_id": ids, "theme_id": theme, "sentiment": -0.5})
    return segments, documents


def test_trend_change_test_and_emerging_by_hand():
    segments, documents = _dated(jan_hits=2, feb_hits=5)
    scores = score_themes(segments, documents, _themes([0, 1]),
                          config=ScoreConfig(bootstrap=0, min_mentions=5))
    table = scores.themes.set_index("theme_id")
    assert table.loc[0, "share_prev"] == pytest.approx(0.2)
    assert table.loc[0, "share_last"] == pytest.approx(0.5)
    assert table.loc[0, "share_change"] == pytest.approx(0.3)
    pooled = 7 / 20
    z = 0.3 / math.sqrt(pooled * (1 - pooled) * (1 / 10 + 1 / 10))
    assert table.loc[0, "share_change_p"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert table.loc[0, "share_change_p"] > 0.05 and not table.loc[0, "emerging"]
    assert table.loc[1, "share_change"] == 0.0 and table.loc[1, "share_change_p"] == 1.0
    assert table.loc[1, "priority_growth"] == 0.0
    trend = scores.trend
    assert trend.columns.tolist() == TREND_COLUMNS
    jan = trend[(trend["theme_id"] == 0) & (trend["period"] == "2026-01")].iloc[0]
    assert (jan["period_verbatims"], jan["verbatims"], jan["share"]) == (10, 2, 0.2)


def test_a_theme_growing_beyond_noise_is_emerging_and_boosted():
    segments, documents = _dated(jan_hits=0, feb_hits=5, n=40)
    table = theme_table(segments, documents, _themes([0, 1]),
                        config=ScoreConfig(bootstrap=0, min_mentions=5)).set_index("theme_id")
    assert table.loc[0, "share_prev"] == 0.0 and table.loc[0, "share_change_p"] < 0.05
    assert bool(table.loc[0, "emerging"]) and not table.loc[1, "emerging"]
    assert table.loc[0, "priority_growth"] == 1.0  # new theme: the boost is at its cap
    neg = table.loc[0, "priority_negativity"]
    assert table.loc[0, "priority"] == pytest.approx(100 * (5 / 80) * neg * 2)


def test_two_proportion_p_matches_the_normal_tail():
    from scipy.stats import norm

    p = two_proportion_p(np.array([30]), 200, np.array([15]), 180)[0]
    pooled = 45 / 380
    z = (30 / 200 - 15 / 180) / math.sqrt(pooled * (1 - pooled) * (1 / 200 + 1 / 180))
    assert p == pytest.approx(2 * norm.sf(abs(z)))


def test_single_period_and_no_date_leave_trend_empty():
    segments, documents = _dated(jan_hits=2, feb_hits=5)
    documents["date"] = pd.Timestamp("2026-01-10")
    single = score_themes(segments, documents, _themes([0, 1]), config=NO_BOOT)
    assert single.themes[["share_prev", "share_change", "share_change_p"]].isna().all().all()
    assert not single.themes["emerging"].any()
    assert set(single.trend["period"]) == {"2026-01"}
    undated = score_themes(segments, documents.drop(columns="date"), _themes([0, 1]),
                           config=NO_BOOT)
    assert undated.trend.empty and undated.trend.columns.tolist() == TREND_COLUMNS
    assert undated.themes["share_change"].isna().all()
    assert undated.themes["share_change_ci_low"].isna().all()


def test_weekly_periods():
    segments, documents = _dated(jan_hits=2, feb_hits=5)
    scores = score_themes(segments, documents, _themes([0, 1]),
                          config=ScoreConfig(bootstrap=0, period="W"))
    assert scores.trend["period"].nunique() == 2
    assert scores.trend["period"].iloc[0].startswith("2026-01-05")  # the week of 10 January


def _channel_tables():
    """6 verbatims: app a, b, c; web d, e, f.  Theme 0 in a, b, c, d; theme 1 in e, f."""
    documents = pd.DataFrame({"id": list("abcdef"), "set_aside": None,
                              "score": [1.0, 2.0, 3.0, 5.0, 4.0, 5.0],
                              "channel": ["app"] * 3 + ["web"] * 3,
                              "customer": ["x", "x", "y", "z", "z", "w"]})
    segments = pd.DataFrame({"doc_id": list("abcdef"), "theme_id": [0, 0, 0, 0, 1, 1],
                             "sentiment": [-0.5, -0.5, 0.5, 0.0, 0.5, 0.5]})
    return segments, documents


def test_segment_breakdown_and_lift_by_hand():
    segments, documents = _channel_tables()
    scores = score_themes(segments, documents, _themes([0, 1]), score_type="rating",
                          segment_columns=["channel"],
                          config=ScoreConfig(bootstrap=0, segment_min_verbatims=2, alpha=0.1))
    seg = scores.theme_segments
    assert seg.columns.tolist() == [c for c in SEGMENT_COLUMNS if c != "nps"]
    app = seg[(seg["theme_id"] == 0) & (seg["segment_value"] == "app")].iloc[0]
    web = seg[(seg["theme_id"] == 0) & (seg["segment_value"] == "web")].iloc[0]
    assert (app["segment_verbatims"], app["verbatims"], app["share"]) == (3, 3, 1.0)
    assert app["lift"] == pytest.approx(1.0 / (4 / 6))
    assert web["lift"] == pytest.approx((1 / 3) / (4 / 6))
    assert app["score_mean"] == pytest.approx(2.0) and app["sentiment_mean"] == pytest.approx(-0.5 / 3)
    # within web: mean 14/3; without theme 0 (e, f) 4.5
    assert web["impact"] == pytest.approx(14 / 3 - 4.5)
    assert bool(web["low_volume"]) and not app["low_volume"]
    # app 3/3 against web 1/3: pooled 4/6, z = (2/3) / sqrt(4/6 * 2/6 * 2/3)
    z = (2 / 3) / math.sqrt(4 / 6 * 2 / 6 * 2 / 3)
    assert app["lift_p"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    table = scores.themes.set_index("theme_id")
    assert table.loc[0, "top_segment"] == "channel=app"
    assert table.loc[0, "top_segment_lift"] == pytest.approx(1.5)
    assert table.loc[1, "top_segment"] == "channel=web"
    # a segment with too few theme verbatims is not named, nor one whose lift is noise
    strict = theme_table(segments, documents, _themes([0, 1]), segment_columns=["channel"],
                         config=ScoreConfig(bootstrap=0, segment_min_verbatims=4, alpha=0.1))
    assert strict["top_segment"].isna().all()
    noisy = theme_table(segments, documents, _themes([0, 1]), segment_columns=["channel"],
                        config=ScoreConfig(bootstrap=0, segment_min_verbatims=2, alpha=0.05))
    assert noisy["top_segment"].isna().all()  # p = 0.083 on 6 verbatims


def test_no_segment_columns_gives_an_empty_breakdown():
    segments, documents = _channel_tables()
    scores = score_themes(segments, documents, _themes([0, 1]), config=NO_BOOT)
    assert scores.theme_segments.empty
    assert scores.themes["top_segment"].isna().all()


def test_respondents_count_distinct_units():
    segments, documents = _channel_tables()
    table = theme_table(segments, documents, _themes([0, 1]),
                        config=ScoreConfig(bootstrap=0, unit_column="customer"))
    table = table.set_index("theme_id")
    assert table.loc[0, "verbatims"] == 4 and table.loc[0, "respondents"] == 3  # x, y, z
    assert table.loc[1, "respondents"] == 2
    from feedback_mining.errors import InputError

    with pytest.raises(InputError, match="unit_column 'nope'"):
        theme_table(segments, documents, _themes([0, 1]),
                    config=ScoreConfig(bootstrap=0, unit_column="nope"))


def _random_tables(n=600, k=4, seed=0):
    rng = np.random.default_rng(seed)
    ids = [f"r{i}" for i in range(n)]
    theme = rng.integers(-1, k, size=n)
    documents = pd.DataFrame({"id": ids, "set_aside": None,
                              "score": rng.integers(0, 11, size=n).astype(float)})
    sent = np.clip(rng.normal(-0.1 * theme, 0.5), -1, 1)
    segments = pd.DataFrame({"doc_id": ids, "theme_id": theme, "sentiment": sent})
    return segments, documents, _themes(list(range(k)))


def test_bootstrap_is_seeded_and_intervals_contain_the_estimate():
    segments, documents, themes = _random_tables()
    cfg = ScoreConfig(bootstrap=300, seed=3)
    a = theme_table(segments, documents, themes, score_type="nps", config=cfg)
    b = theme_table(segments, documents, themes, score_type="nps", config=cfg)
    pd.testing.assert_frame_equal(a, b)
    c = theme_table(segments, documents, themes, score_type="nps",
                    config=ScoreConfig(bootstrap=300, seed=4))
    assert not np.allclose(a["nps_ci_low"], c["nps_ci_low"])
    for name in ("sentiment_mean", "score_mean", "nps", "impact", "driver_gap"):
        low, high = a[f"{name}_ci_low"], a[f"{name}_ci_high"]
        assert (low <= a[name]).all() and (a[name] <= high).all(), name
        assert (low < high).all(), name
    # a narrower level gives a narrower interval
    narrow = theme_table(segments, documents, themes, score_type="nps",
                         config=ScoreConfig(bootstrap=300, seed=3, ci_level=0.5))
    assert ((narrow["nps_ci_high"] - narrow["nps_ci_low"])
            < (a["nps_ci_high"] - a["nps_ci_low"])).all()


def test_share_change_interval_contains_the_change():
    segments, documents = _dated(jan_hits=2, feb_hits=5, n=40)
    table = theme_table(segments, documents, _themes([0, 1]), config=ScoreConfig(bootstrap=300))
    for row in table.itertuples():
        assert row.share_change_ci_low <= row.share_change <= row.share_change_ci_high


def test_bootstrap_off_leaves_interval_columns_nan():
    segments, documents, themes = _random_tables(n=50)
    table = theme_table(segments, documents, themes, score_type="nps", config=NO_BOOT)
    assert table["nps_ci_low"].isna().all() and table["impact_ci_high"].isna().all()


def test_multinomial_weights_resample_n_verbatims():
    w = multinomial_weights(np.random.default_rng(0), 7, 50)
    assert w.shape == (7, 50) and (w.sum(axis=1) == 50).all() and (w >= 0).all()


def test_score_settings_are_validated():
    from feedback_mining.errors import ConfigError

    for bad in ("score.period=D", "score.bootstrap=-1", "score.ci_level=1.5", "score.alpha=0"):
        with pytest.raises(ConfigError, match=bad.split("=")[0]):
            Config().with_overrides([bad])


def test_pipeline_loads_the_unit_column():
    from feedback_mining import Pipeline

    raw = pd.DataFrame({"text": ["late refund", "no label"], "customer": ["c1", "c1"]})
    cfg = Config().with_overrides(["score.unit_column=customer", "embed.model=hashing",
                                   "sentiment.method=vader"])
    result = Pipeline(cfg).run(raw)
    assert result.documents["customer"].tolist() == ["c1", "c1"]
    assert result.themes["respondents"].tolist() == [1]
