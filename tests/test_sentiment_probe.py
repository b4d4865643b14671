"""The aftersales probe: hand-written sentences of the language the toolkit serves.

``tests/data/aftersales_probe.csv`` holds praise of quick refunds, easy returns and helpful
agents, complaints about the same, and neutral requests ("How do I print a return label?"),
written by hand and labelled before any model scored them.  No model is trained or tuned on
them; ``benchmarks/sentiment.py`` reports the same shares beside VADER and the head.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from feedback_mining.sentiment import MiniLMSentimentScorer, default_model_dir

PROBE = Path(__file__).resolve().parent / "data" / "aftersales_probe.csv"
LABELS = ("praise", "complaint", "neutral")


def load_probe(path: Path = PROBE) -> pd.DataFrame:
    """The probe's rows (label, text); a clear error when the file is malformed."""
    frame = pd.read_csv(path)
    if list(frame.columns) != ["label", "text"]:
        raise ValueError(f"{path}: expected the columns label,text, found {list(frame.columns)}")
    bad = frame[~frame["label"].isin(LABELS)]
    if len(bad):
        row = int(bad.index[0]) + 2  # header is line 1
        raise ValueError(f"{path}, line {row}: expected a label in {LABELS}, "
                         f"found {bad['label'].iloc[0]!r}")
    return frame


def test_probe_is_large_enough_and_balanced():
    probe = load_probe()
    counts = probe["label"].value_counts()
    assert len(probe) >= 40
    assert counts["praise"] >= 15 and counts["complaint"] >= 15 and counts["neutral"] >= 8
    assert not probe["text"].duplicated().any()


def test_a_malformed_probe_names_the_line(tmp_path):
    bad = tmp_path / "probe.csv"
    bad.write_text("label,text\npraise,fine\ngood,oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 3.*'good'"):
        load_probe(bad)


@pytest.mark.slow
@pytest.mark.skipif(not (default_model_dir() / "model.safetensors").is_file(),
                    reason="the bundled sentiment weights are missing")
def test_model_reads_aftersales_praise_and_complaints_on_the_right_side_of_zero():
    probe = load_probe()
    score = MiniLMSentimentScorer().score(probe["text"].tolist())
    praise = score[(probe["label"] == "praise").to_numpy()]
    complaint = score[(probe["label"] == "complaint").to_numpy()]
    wrong = probe.loc[((probe["label"] == "praise") & (score <= 0))
                      | ((probe["label"] == "complaint") & (score >= 0)), "text"].tolist()
    assert np.mean(praise > 0) >= 0.9, wrong
    assert np.mean(complaint < 0) >= 0.9, wrong
