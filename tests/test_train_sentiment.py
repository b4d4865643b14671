"""The hand-written aftersales segments that scripts/train_sentiment.py can train on: enough of
each class, read with a clear error on a bad row, and none of them a sentence of the tests'
aftersales probe (the probe stays a measurement on text never trained on)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEGMENTS = ROOT / "scripts" / "data" / "aftersales_segments.csv"
_spec = importlib.util.spec_from_file_location("train_sentiment",
                                               ROOT / "scripts" / "train_sentiment.py")
train_sentiment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train_sentiment)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def _overlap(a: str, b: str) -> float:
    """Shared words over all words of the two (Jaccard)."""
    x, y = set(_key(a).split()), set(_key(b).split())
    return len(x & y) / len(x | y)


def test_handwritten_segments_hold_enough_of_each_class():
    rows = train_sentiment.handwritten_segments(SEGMENTS)
    counts = rows["label"].value_counts().to_dict()  # 0 negative, 1 neutral, 2 positive
    assert counts[2] >= 150 and counts[0] >= 100 and counts[1] >= 60, counts
    assert rows["text"].map(_key).is_unique
    assert rows["rating"].tolist() == rows["label"].map({0: 1, 1: 3, 2: 5}).tolist()


def test_no_handwritten_segment_is_a_probe_sentence_or_near_copy():
    probe = pd.read_csv(ROOT / "tests" / "data" / "aftersales_probe.csv")["text"].tolist()
    rows = train_sentiment.handwritten_segments(SEGMENTS)
    near = [i + 1 for i, text in enumerate(rows["text"])
            if max(_overlap(text, p) for p in probe) >= 0.5]
    assert not near, f"data rows {near} of {SEGMENTS.name} share half their words with a probe sentence"


def test_a_bad_label_names_the_file_and_row(tmp_path):
    path = tmp_path / "segments.csv"
    path.write_text("text,label\nquick refund,positive\nslow refund,bad\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"segments\.csv, data row 2: expected .*'bad'"):
        train_sentiment.handwritten_segments(path)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "segments.csv"
    path.write_text("sentence,label\nquick refund,positive\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"expected columns text,label; missing \['text'\]"):
        train_sentiment.handwritten_segments(path)
