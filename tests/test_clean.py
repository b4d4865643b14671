import pandas as pd

from feedback_mining import clean
from feedback_mining.clean import junk_reason, normalise
from feedback_mining.config import CleanConfig


def test_normalise_repairs_mojibake_markup_and_spaces():
    assert normalise("The refund didnâ€™t  arrive") == "The refund didn't arrive"
    assert normalise("<p>Courier&nbsp;was <b>late</b></p>") == "Courier was late"
    assert normalise("line one\r\n\r\n   line   two") == "line one\nline two"


def test_non_answers_are_set_aside_with_a_reason():
    frame = pd.DataFrame({"text": ["n/a", "No comment.", "  ", "-", "ok", "Refund was late",
                                   "hi"]})
    out = clean(frame)
    assert out["set_aside"].tolist() == ["non_answer", "non_answer", "empty", "non_answer",
                                         "non_answer", None, "too_short"]
    assert len(out) == len(frame)  # nothing dropped


def test_extra_non_answers_from_config():
    assert junk_reason("nothing to report") is None
    cfg = CleanConfig(extra_non_answers=["Nothing to report"])
    assert clean(pd.DataFrame({"text": ["nothing to report"]}), cfg)["set_aside"][0] == "non_answer"


def test_index_and_other_columns_are_kept():
    frame = pd.DataFrame({"text": ["Late refund", "n/a"], "score": [1, 9]}, index=[10, 20])
    out = clean(frame)
    assert out.index.tolist() == [10, 20]
    assert out["score"].tolist() == [1, 9]
