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


def _formula_workbook(path, cached: bool):
    """Scores and a text cell as formulas; ``cached``: the file holds their values (as Excel
    saves them), else not (as a script writing formulas leaves them)."""
    import xlsxwriter

    frame = make_feedback()
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Survey")
    cols = ["response_id", "comment", "nps"]
    sheet.write_row(0, 0, cols)
    for i, row in enumerate(frame[cols].itertuples(index=False), start=1):
        sheet.write(i, 0, row.response_id)
        sheet.write(i, 1, row.comment)
        sheet.write(i, 2, row.nps)
    value = {"value": 9} if cached else {"value": ""}
    # sheet row 3: a formula score; sheet row 5: a formula text
    sheet.write_formula(2, 2, "=4+5", None, value["value"])
    sheet.write_formula(4, 1, '=CONCAT("refund ","never arrived")', None,
                        "refund never arrived" if cached else "")
    book.close()
    return frame


def test_excel_formula_cells_use_their_saved_values(tmp_path):
    path = tmp_path / "survey.xlsx"
    frame = _formula_workbook(path, cached=True)
    df = fm.load(path, text="comment", id="response_id", score="nps", score_type="nps")
    assert df.loc[1, "score"] == 9  # sheet row 3
    assert df.loc[3, "text"] == "refund never arrived"  # sheet row 5
    assert len(df) == len(frame)


def test_excel_formula_without_value_is_set_aside_and_reported(tmp_path, caplog):
    import logging

    path = tmp_path / "survey.xlsx"
    frame = _formula_workbook(path, cached=False)
    with caplog.at_level(logging.WARNING, logger="feedback_mining"):
        result = Pipeline(_cfg("input.score_type=nps")).run(path)
    docs = result.documents.set_index("id")
    for rid in frame.loc[[1, 3], "response_id"]:
        assert docs.loc[rid, "set_aside"] == "formula_without_value"
    assert result.summary["set_aside_by_reason"]["formula_without_value"] == 2
    assert "formula_without_value" in caplog.text and "rows 3, 5" in caplog.text
    # the NPS is computed on the rows that have a score, and says so
    assert result.summary["rows_read"] == len(frame)


def test_rows_are_named_as_a_spreadsheet_shows_them_in_every_chunk(tmp_path):
    """Errors name the 1-based row a person opens (header = row 1), also past the first
    chunk, and the file, never "the DataFrame"."""
    frame = make_feedback()
    frame["nps"] = frame["nps"].astype(object)
    frame.loc[57, "nps"] = "ten"
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    cfg = _cfg("input.score_type=nps", "engine.chunk_size=50")
    with pytest.raises(fm.InputError) as err:
        Pipeline(cfg).run(path)
    msg = str(err.value)
    assert "survey.csv" in msg and "row 59:" in msg and "the DataFrame" not in msg
    frame.loc[57, "nps"] = 5
    frame.loc[3, "nps"] = "ten"  # first chunk
    frame.to_csv(path, index=False)
    with pytest.raises(fm.InputError) as err:
        Pipeline(cfg).run(path)
    assert "survey.csv" in str(err.value) and "row 5:" in str(err.value)


def test_excel_rows_named_by_sheet_row(tmp_path):
    import pandas as pd

    frame = make_feedback()
    frame["nps"] = frame["nps"].astype(object)
    frame.loc[9, "nps"] = "ten"
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as xl:
        frame.to_excel(xl, index=False, startrow=2)  # two title rows above the header
    with pytest.raises(fm.InputError, match=r"survey.xlsx, column 'nps', row 13:"):
        fm.load(path, text="comment", score="nps")


def test_row_count_is_of_records_not_lines(tmp_path, caplog):
    """Multi-line narratives: the count that is logged and compared with
    engine.fast_path_above is of parsed records."""
    import logging

    frame = make_feedback()
    frame["comment"] = frame["comment"] + '\nsecond line, "quoted"\n\nthird line'
    path = tmp_path / "narratives.csv"
    frame.to_csv(path, index=False)
    cfg = _cfg(f"engine.fast_path_above={len(frame)}")
    with caplog.at_level(logging.INFO, logger="feedback_mining"):
        result = Pipeline(cfg).run(path)
    assert result.summary["path"] == "default"
    assert result.summary["path_reason"] == \
        f"{len(frame)} rows <= engine.fast_path_above={len(frame)}"


def test_turning_the_limit_off_still_bounds_what_reaches_spacy():
    mapped = fm.load(pd_frame({"text": ["refund late " * 100_000, "refund late"]}))
    cleaned = fm.clean(mapped, fm.Config().with_overrides(["clean.max_chars=0"]).clean)
    assert cleaned["set_aside"].tolist() == ["too_long", None]


def test_headerless_file_does_not_print_its_first_verbatim(tmp_path):
    path = tmp_path / "raw.csv"
    first = "my email is jane.doe@example.com and the refund never came back to me"
    path.write_text(f"{first},9\nsecond answer here,3\n", encoding="utf-8")
    with pytest.raises(fm.InputError) as err:
        fm.load(path, text="comment")
    assert "jane.doe@example.com" not in str(err.value)


def pd_frame(data):
    import pandas as pd

    return pd.DataFrame(data)
