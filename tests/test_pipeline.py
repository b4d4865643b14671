import pandas as pd
import pytest

import feedback_mining as fm
from feedback_mining import Pipeline


def _load(feedback):
    return fm.load(feedback, text="comment", id="response_id", score="nps", score_type="nps",
                   date="submitted_at", segments=["channel"])


def test_run_gives_ranked_themes_and_one_row_per_input(feedback, fast_config):
    feedback.loc[[0, 1], "comment"] = ["n/a", ""]
    result = Pipeline(fast_config).run(_load(feedback))
    assert len(result.documents) == len(feedback)
    assert result.documents["id"].tolist() == feedback["response_id"].tolist()
    assert result.summary["rows_set_aside"] == 2
    assert result.summary["set_aside_by_reason"] == {"non_answer": 1, "empty": 1}
    themes = result.themes
    assert themes["rank"].tolist() == list(range(1, len(themes) + 1))
    for col in ("label", "keywords", "mentions", "share", "sentiment_mean", "share_negative",
                "score_mean", "nps", "priority", "examples", "impact", "driver_gap",
                "nps_ci_low", "share_change", "emerging", "top_segment", "priority_volume",
                "priority_negativity", "priority_impact", "priority_growth"):
        assert col in themes
    # ranked by priority, themes below the minimum volume last
    assert themes["low_volume"].astype(int).is_monotonic_increasing
    for _, group in themes.groupby("low_volume"):
        assert group["priority"].is_monotonic_decreasing
    assert themes["examples"].map(len).min() >= 1
    kept = result.documents[result.documents["set_aside"].isna()]
    assert kept["sentiment"].between(-1, 1).all()


def test_same_input_same_result(feedback, fast_config):
    a = Pipeline(fast_config).run(_load(feedback))
    b = Pipeline(fast_config).run(_load(feedback))
    pd.testing.assert_frame_equal(a.themes, b.themes)
    pd.testing.assert_frame_equal(a.documents, b.documents)


def test_outputs_are_written(feedback, fast_config, tmp_path):
    result = Pipeline(fast_config).run(_load(feedback))
    written = result.save(tmp_path / "out")
    names = sorted(p.name for p in written)
    tables = ["themes", "documents", "mentions", "theme_segments", "trend", "changes"]
    assert names == sorted([f"{t}.{ext}" for t in tables for ext in ("csv", "parquet")]
                           + ["themes.xlsx", "summary.json"])
    hidden = sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith("."))
    assert hidden == [".feedback-mining-outputs.json", ".feedback-mining.lock"]  # no staging
    back = pd.read_parquet(tmp_path / "out" / "themes.parquet")
    assert back["label"].tolist() == result.themes["label"].tolist()
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "out" / "themes.xlsx")["Themes"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]][:3] == ["Rank", "Theme", "Priority"]
    assert ws.max_row == len(result.themes) + 1
    assert set(openpyxl.load_workbook(tmp_path / "out" / "themes.xlsx").sheetnames) >= {
        "Theme segments", "Trend", "Data dictionary"}  # one month: no "What changed"
    # the planted feedback has a channel segment and six-hourly dates over 30 days of January
    assert set(result.theme_segments["segment_value"]) == {"app", "web"}
    assert set(result.trend["period"]) == {"2026-01"}
    import html

    page = result._repr_html_()  # the notebook view: one table row per top theme, named
    assert page.count("<tr>") == 1 + min(10, len(result.themes))
    for label in result.themes["label"].head(10):
        assert f">{html.escape(label)}</td>" in page


def test_run_accepts_a_raw_frame_and_keyword_settings(feedback):
    result = fm.run(feedback, input__text="comment", embed__model="hashing",
                    sentiment__method="vader", themes__min_theme_size=8)
    assert result.summary["rows_kept"] == len(feedback)


def test_all_rows_set_aside_is_a_clear_error(fast_config):
    frame = pd.DataFrame({"text": ["n/a", "", "none"]})
    with pytest.raises(fm.InputError, match="all 3 rows were set aside"):
        Pipeline(fast_config).run(frame)


@pytest.mark.slow
def test_real_minilm_end_to_end_on_the_sample():
    df = fm.datasets.load_sample()
    df = df.iloc[:600]
    df.attrs = fm.datasets.load_sample().attrs
    result = fm.run(df)
    assert result.summary["embedding_model"] == "all-MiniLM-L6-v2"
    assert len(result.themes) >= 2
    assert result.summary["rows_read"] == 600
    # labels are words (sizes such as "XS" included), not ids or stop-word lists
    assert result.themes["label"].str.contains(r"[A-Za-z]{2}", regex=True).all(), \
        result.themes["label"][~result.themes["label"].str.contains(r"[A-Za-z]{2}")].tolist()


def test_themes_carry_their_most_typical_complaints(feedback, fast_config):
    result = Pipeline(fast_config.with_overrides(["sentiment.method=vader"])).run(_load(feedback))
    segs = result.mentions
    for row in result.themes.itertuples(index=False):
        negative = set(segs[(segs.theme_id == row.theme_id) & (segs.sentiment < -0.05)]["text"])
        assert set(row.negative_examples) <= negative
        assert len(row.negative_examples) == min(3, len(negative))


def test_a_verbatims_theme_is_the_one_holding_most_of_its_text():
    # A greeting in the first sentence must not decide what the verbatim is about; a tie
    # goes to the theme mentioned first; a verbatim with no themed segment has none.
    from feedback_mining.pipeline import _attach_to_documents

    documents = pd.DataFrame({"id": ["a", "b", "c"], "text": ["", "", ""],
                              "set_aside": [None, None, None]})
    segments = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b", "c"],
        "text": ["Hi there.", "My refund has not arrived after three weeks.",
                 "Slow courier", "Rude driver.", "ok"],  # 12 characters each
        "theme_id": [7, 3, 5, 8, -1],
        "sentiment": [0.0, -0.8, -0.5, -0.6, 0.0],
    })
    docs = _attach_to_documents(documents, segments, {3: "Refund", 5: "Courier", 7: "Hi",
                                                      8: "Driver"})
    assert docs["theme_id"].tolist() == [3, 5, -1]
    assert docs["theme_label"].tolist() == ["Refund", "Courier", "(no theme)"]
    assert docs["theme_ids"].tolist() == [[3, 7], [5, 8], []]
