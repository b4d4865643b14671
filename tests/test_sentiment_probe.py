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


needs_weights = pytest.mark.skipif(
    not (default_model_dir() / "model.safetensors").is_file(),
    reason="the bundled sentiment weights are missing",
)


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    probe = load_probe()
    return probe.assign(score=MiniLMSentimentScorer().score(probe["text"].tolist()))


def _share_on_the_right_side(scored: pd.DataFrame, label: str) -> tuple[float, list[str]]:
    rows = scored[scored["label"] == label]
    right = rows["score"] > 0 if label == "praise" else rows["score"] < 0
    return float(right.mean()), rows.loc[~right, "text"].tolist()


@pytest.mark.slow
@needs_weights
def test_model_reads_aftersales_complaints_as_negative(scored):
    share, wrong = _share_on_the_right_side(scored, "complaint")
    assert share >= 0.9, wrong


@pytest.mark.slow
@needs_weights
@pytest.mark.xfail(strict=True, reason="known gap (issue 14): 13 of 22 aftersales praise "
                   "sentences score > 0 with the model shipped 2026-12-01 evening on ONNX int8 "
                   "(14 on PyTorch; the goal is 90%); training saw 141 aftersales praise "
                   "reviews (4-5 stars, VADER > 0.3), 4 times each, and 434 food-delivery "
                   "sentences labelled by reading, 5 times")
def test_model_reads_aftersales_praise_as_positive(scored):
    share, wrong = _share_on_the_right_side(scored, "praise")
    assert share >= 0.9, wrong


@pytest.mark.slow
@needs_weights
def test_model_reads_aftersales_requests_as_neutral(scored):
    from feedback_mining.sentiment import polarity

    requests = scored[scored["label"] == "neutral"]
    labels = polarity(requests["score"].to_numpy())
    assert np.mean(labels == "neutral") >= 0.9, requests.loc[labels != "neutral", "text"].tolist()
