"""Rows that used to crash a run or silently change its figures: oversized cells, control
characters, formula cells without a value, multi-line records."""

from __future__ import annotations

import pytest

import feedback_mining as fm
from feedback_mining import Pipeline

from .conftest import make_feedback

FAST = ["embed.model=hashing", "sentiment.method=vader", "themes.min_theme_size=8"]


def _cfg(*extra: str) -> fm.Config:
    return fm.Config().with_overrides([*FAST, "input.text=comment", "input.id=response_id",
                                       "input.score=nps", *extra])


def test_oversized_cell_is_set_aside_not_a_crash(tmp_path):
    frame = make_feedback()
    frame.loc[3, "comment"] = "refund late " * 450_000  # 5.4 MB: spaCy's E088 before
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    result = Pipeline(_cfg()).run(path)
    docs = result.documents.set_index("id")
    rid = frame.loc[3, "response_id"]
    assert docs.loc[rid, "set_aside"] == "too_long"
    assert result.summary["set_aside_by_reason"]["too_long"] == 1
    assert len(docs.loc[rid, "text_clean"]) <= 20_000 + 20  # no 5 MB cell in any output
    assert "too_long" in result.summary_text()


def test_max_chars_is_a_setting():
    frame = make_feedback()
    frame.loc[0, "comment"] = "the refund never arrived and nobody answers " * 3
    mapped = fm.load(frame, text="comment", id="response_id")
    cleaned = fm.clean(mapped, fm.Config().with_overrides(["clean.max_chars=100"]).clean)
    assert cleaned.loc[0, "set_aside"] == "too_long"
    assert cleaned["set_aside"].eq("too_long").sum() == 1


@pytest.mark.parametrize("fmt", ["xlsx", "pptx"])
def test_control_characters_do_not_crash_excel_or_deck(tmp_path, fmt):
    frame = make_feedback()
    frame["channel"] = frame["channel"].map(lambda c: f"{c}\x0b\x01")
    frame.loc[0, "comment"] = "refund\x01 never\x0b arrived\x1f at all"
    cfg = _cfg("input.segments=[\"channel\"]", f"output.formats=[\"{fmt}\"]")
    result = Pipeline(cfg).run(frame)
    assert set(result.documents["channel"]) == {"app", "web"}
    assert not result.documents["text_clean"].str.contains("[\x00-\x08\x0b\x0c\x0e-\x1f]").any()
    written = result.save(tmp_path / "out", formats=[fmt])
    assert (tmp_path / "out" / f"themes.{fmt}") in written
