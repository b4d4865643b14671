"""The hand-labelled segments that scripts/train_sentiment.py can train on (the hand-written
aftersales segments and the real food-delivery and clothing review sentences labelled by
hand): enough of
each class, read with a clear error on a bad row, none of them a sentence of the tests'
aftersales probe (the probe stays a measurement on text never trained on), and the review
sentences only from the reviews' training split."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEGMENTS = ROOT / "scripts" / "data" / "aftersales_segments.csv"
FOOD_SEGMENTS = ROOT / "scripts" / "data" / "food_segments_labelled.csv"
CLOTHING_SEGMENTS = ROOT / "scripts" / "data" / "clothing_segments_labelled.csv"
SUPPORT_CALLS = ROOT / "scripts" / "data" / "food_support_calls_labelled.csv"
# each file of real sentences labelled by reading, with its held-out measurement file
REAL = {"food": (FOOD_SEGMENTS, ROOT / "benchmarks" / "data" / "food_test_segments.csv"),
        "clothing": (CLOTHING_SEGMENTS,
                     ROOT / "benchmarks" / "data" / "clothing_test_segments.csv")}
# every training file of real sentences, with the domain its held-out file belongs to
TRAINING = {**REAL, "food support calls": (SUPPORT_CALLS, REAL["food"][1])}
DATA = ROOT.parent / "shared" / "data"


def needs_shared_data(test):
    """Marks a test that reads ../shared/data, and skips it where there is none."""
    skip = pytest.mark.skipif(not DATA.is_dir(),
                              reason="needs ../shared/data (not in a user's clone)")
    return pytest.mark.shared_data(skip(test))


_spec = importlib.util.spec_from_file_location("train_sentiment",
                                               ROOT / "scripts" / "train_sentiment.py")
train_sentiment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train_sentiment)
_scored_spec = importlib.util.spec_from_file_location("scored_sentences",
                                                      ROOT / "tests" / "test_sentiment.py")
scored_sentences = importlib.util.module_from_spec(_scored_spec)
_scored_spec.loader.exec_module(scored_sentences)


def _script(path: Path):
    """A script of the repository, imported as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def _overlap(a: str, b: str) -> float:
    """Shared words over all words of the two (Jaccard)."""
    x, y = set(_key(a).split()), set(_key(b).split())
    return len(x & y) / len(x | y)


def _near_copies(sentences: list[str], path: Path = SEGMENTS) -> list[int]:
    """Data rows (1-based) of ``path`` that share half their words with one of ``sentences``."""
    rows = train_sentiment.handwritten_segments(path)
    return [i + 1 for i, text in enumerate(rows["text"])
            if max(_overlap(text, s) for s in sentences) >= 0.5]


def test_handwritten_segments_hold_enough_of_each_class():
    rows = train_sentiment.handwritten_segments(SEGMENTS)
    counts = rows["label"].value_counts().to_dict()  # 0 negative, 1 neutral, 2 positive
    assert counts[2] >= 150 and counts[0] >= 100 and counts[1] >= 60, counts
    assert rows["text"].map(_key).is_unique
    assert rows["rating"].tolist() == rows["label"].map({0: 1, 1: 3, 2: 5}).tolist()


@pytest.mark.parametrize("path", [SEGMENTS, FOOD_SEGMENTS, CLOTHING_SEGMENTS, SUPPORT_CALLS],
                         ids=lambda p: p.name)
def test_no_labelled_segment_is_a_probe_or_scored_sentence_or_near_copy(path):
    """The probe and the NEGATIVE and POSITIVE sentences tests/test_sentiment.py scores stay
    unseen."""
    probe = pd.read_csv(ROOT / "tests" / "data" / "aftersales_probe.csv")["text"].tolist()
    near = _near_copies(probe + scored_sentences.NEGATIVE + scored_sentences.POSITIVE, path)
    assert not near, (f"data rows {near} of {path.name} share half their words with a probe "
                      f"sentence or one scored in tests/test_sentiment.py")


@pytest.mark.parametrize("domain", sorted(REAL))
def test_real_segments_hold_each_class_with_valid_labels_once(domain):
    path = REAL[domain][0]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["text", "label", "rating", "review_key"]
    assert set(frame["label"]) == {"negative", "neutral", "positive"}
    assert frame["rating"].isin(list("12345")).all()
    assert frame["text"].map(_key).is_unique
    assert (frame.groupby("review_key").size() <= 2).all()
    rows = train_sentiment.handwritten_segments(path)  # rating, review_key ignored
    counts = rows["label"].value_counts().to_dict()
    assert counts[0] >= 150 and counts[1] >= 40 and counts[2] >= 100, counts
    # the sentence, not the review's stars: low-star reviews hold neutral sentences too
    low = frame[frame["rating"].isin(["1", "2"])]["label"].value_counts()
    assert low["neutral"] >= 10, low


@needs_shared_data
@pytest.mark.parametrize("domain", sorted(TRAINING))
def test_real_segments_come_only_from_training_reviews_and_not_the_held_back_ones(domain):
    draw = _script(ROOT / "scripts" / "data" / "draw_food_segments.py")
    if domain.startswith("food"):
        food = draw.sd.food_reviews(DATA)
        food = food[food["english"]]
    else:
        food = draw.sd.reviews(DATA)
    keys = food["text"].map(draw.review_key)
    frame = pd.read_csv(TRAINING[domain][0], dtype={"review_key": str})
    is_train = food["split"] == "train"
    train = dict(zip(keys[is_train], food["rating"][is_train], strict=True))
    held = food[food["split"] != "train"]
    unknown = frame[~frame["review_key"].isin(train)].index + 1
    assert not len(unknown), f"data rows {list(unknown)} are not from a training review"
    assert frame["rating"].tolist() == frame["review_key"].map(train).tolist()
    assert not set(keys[food["split"] != "train"]) & set(frame["review_key"])
    held_sentences = {_key(s) for segs in draw.sentences(held["text"]) for s in segs}
    shared = frame[frame["text"].map(_key).isin(held_sentences)].index + 1
    assert not len(shared), f"data rows {list(shared)} are also test or validation sentences"


def test_several_handwritten_files_are_read_and_concatenated(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("text,label,pair\nquick refund,positive,p1\nslow refund,negative,p1\n",
                     encoding="utf-8")
    second.write_text("text,label,rating,review_key\nwhere is my rider,neutral,1,abc\n",
                      encoding="utf-8")
    args = train_sentiment.parse_args(["--handwritten", str(first), str(second)])
    fit, _ = train_sentiment.aftersales_data(args)
    assert fit["text"].tolist() == ["quick refund", "slow refund", "where is my rider"]
    assert fit["label"].tolist() == [2, 0, 1] and fit["rating"].tolist() == [5, 1, 3]
    one = train_sentiment.parse_args(["--handwritten", str(second)])
    assert train_sentiment.aftersales_data(one)[0]["text"].tolist() == ["where is my rider"]


def test_each_handwritten_file_can_have_its_own_repeat(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("text,label\nquick refund,positive\n", encoding="utf-8")
    second.write_text("text,label\nruns small,negative\n", encoding="utf-8")
    files = ["--handwritten", str(first), str(second)]
    fit, _ = train_sentiment.aftersales_data(
        train_sentiment.parse_args([*files, "--handwritten-repeat", "3", "1"]))
    assert fit["text"].tolist() == ["quick refund", "runs small", "quick refund", "quick refund"]
    # one number: every file that many times, round after round (the order of earlier runs)
    fit, _ = train_sentiment.aftersales_data(
        train_sentiment.parse_args([*files, "--handwritten-repeat", "2"]))
    assert fit["text"].tolist() == ["quick refund", "runs small"] * 2
    with pytest.raises(SystemExit, match=r"expected 1 number or 2 .* found 3"):
        train_sentiment.aftersales_data(
            train_sentiment.parse_args([*files, "--handwritten-repeat", "1", "2", "3"]))


def test_matched_pairs_mirror_a_row_with_another_outcome():
    """Each pair id groups a row with its mirror in nearly the same words and another label,
    so that words such as refund or charged twice carry no class by themselves."""
    frame = pd.read_csv(SEGMENTS, dtype=str, keep_default_na=False)
    pairs = frame[frame["pair"] != ""].groupby("pair")["label"]
    assert len(pairs) >= 150
    assert (pairs.size() >= 2).all(), pairs.size()[pairs.size() < 2]
    assert (pairs.nunique() >= 2).all(), pairs.nunique()[pairs.nunique() < 2]
    labels = pairs.agg(set)
    assert sum({"negative", "positive"} <= s for s in labels) >= 150


@pytest.mark.parametrize("rows, message", [
    ("quick refund,positive,p1\nslow refund,negative,\n",
     r"segments\.csv, data row 1: pair 'p1' has only this row"),
    ("quick refund,positive,\nslow refund,negative,p2\nlate refund,negative,p2\n",
     r"segments\.csv, data row 2: pair 'p2' has 2 rows all labelled 'negative'"),
])
def test_a_pair_without_a_mirror_names_the_file_and_row(tmp_path, rows, message):
    path = tmp_path / "segments.csv"
    path.write_text("text,label,pair\n" + rows, encoding="utf-8")
    with pytest.raises(SystemExit, match=message):
        train_sentiment.handwritten_segments(path)


def test_the_pair_column_is_optional_and_not_a_training_column(tmp_path):
    path = tmp_path / "segments.csv"
    path.write_text("text,label,pair\nquick refund,positive,p1\nslow refund,negative,p1\n"
                    "where is my refund,neutral,\n", encoding="utf-8")
    rows = train_sentiment.handwritten_segments(path)
    assert list(rows.columns) == ["text", "label", "rating"]
    assert rows["label"].tolist() == [2, 0, 1]


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


@pytest.mark.parametrize("domain", sorted(TRAINING))
def test_the_test_segments_share_no_sentence_or_review_with_the_training_segments(domain):
    """benchmarks/data/*_test_segments.csv measure the model: none of their sentences or
    reviews may be among the sentences it is trained on."""
    train_path, test_path = TRAINING[domain]
    test = pd.read_csv(test_path, dtype={"review_key": str}, keep_default_na=False)
    train = pd.read_csv(train_path, dtype={"review_key": str}, keep_default_na=False)
    assert set(test["label"]) == {"negative", "neutral", "positive"}
    shared = set(test["text"].map(_key)) & set(train["text"].map(_key))
    assert not shared, f"sentences in both the test and the training segments: {sorted(shared)}"
    reviews = set(test["review_key"]) & set(train["review_key"])
    assert not reviews, f"reviews in both the test and the training segments: {sorted(reviews)}"


def test_shared_layers_stay_the_embedders_and_are_not_stored(tmp_path):
    # --shared-layers N: the first N layers are the base MiniLM's (so a pipeline could run
    # them once for the embeddings and the sentiment model), even when continuing a model
    # whose layers were all fine-tuned, and only the layers above them are stored
    import numpy as np
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel

    from feedback_mining.sentiment import _base_model_path

    base = AutoModel.from_pretrained(str(_base_model_path())).state_dict()
    shipped = ROOT / "src" / "feedback_mining" / "models" / "sentiment-minilm"
    args = train_sentiment.parse_args(["--shared-layers", "2", "--batch-size", "4",
                                       "--lr", "1e-3", "--max-length", "16",
                                       "--init-from", str(shipped)])
    before = load_file(str(shipped / "model.safetensors"))
    assert not torch.equal(before["encoder.layer.0.attention.self.query.weight"].float(),
                           base["encoder.layer.0.attention.self.query.weight"])
    texts = ["refund never came", "fast and friendly", "where is my order", "great fit"] * 2
    encoder, head = train_sentiment.fine_tune(texts, np.array([0, 2, 1, 2] * 2), args)
    tuned = encoder.state_dict()
    for key in ("encoder.layer.0.attention.self.query.weight",
                "encoder.layer.1.output.dense.weight"):
        assert torch.equal(tuned[key], base[key])
    assert not torch.equal(tuned["encoder.layer.5.output.dense.weight"],
                           base["encoder.layer.5.output.dense.weight"])
    train_sentiment.save_model(encoder, head, tmp_path, args.shared_layers)
    stored = load_file(str(tmp_path / "model.safetensors"))
    assert not any(k.startswith(("encoder.layer.0.", "encoder.layer.1.")) for k in stored)
    assert "encoder.layer.2.output.dense.weight" in stored and "head.weight" in stored


READ_REVIEWS = {d: ROOT / "benchmarks" / "data" / f"{d}_test_reviews_read.csv"
                for d in ("food", "clothing")}


@pytest.mark.parametrize("domain", sorted(READ_REVIEWS))
def test_the_reviews_read_by_people_hold_three_readings_of_120_reviews_per_star_class(domain):
    frame = pd.read_csv(READ_REVIEWS[domain], keep_default_na=False)
    band = pd.cut(frame["rating"], [0, 2, 3, 5], labels=["1-2", "3", "4-5"])
    assert band.value_counts().to_dict() == {"1-2": 120, "3": 120, "4-5": 120}
    assert frame["id"].is_unique and frame["text"].is_unique
    for reader in ("reader_a", "reader_b", "star_guess"):
        assert set(frame[reader]) == {"negative", "neutral", "positive"}, reader
    # the stars are what the readers could not see: no sentence of the training files either
    for train_path, _ in TRAINING.values():
        train = pd.read_csv(train_path, keep_default_na=False)
        sentences = set(train["text"].map(_key))
        inside = [i for i, t in zip(frame["id"], frame["text"].map(_key), strict=True)
                  if any(s and s in t for s in sentences if len(s) > 40)]
        assert not inside, f"{domain} reviews {inside} hold a training sentence of {train_path.name}"


@needs_shared_data
@pytest.mark.parametrize("domain", sorted(READ_REVIEWS))
def test_the_reviews_read_by_people_come_from_the_held_back_split(domain):
    draw = _script(ROOT / "benchmarks" / "data" / "draw_test_reviews.py")
    if domain == "food":
        held = draw.sd.food_test(DATA)
    else:
        reviews = draw.sd.reviews(DATA)
        held = reviews[reviews["split"] == "test"]
    frame = pd.read_csv(READ_REVIEWS[domain], keep_default_na=False)
    rating = dict(zip(held["text"], held["rating"], strict=False))
    outside = frame[~frame["text"].isin(rating)]["id"].tolist()
    assert not outside, f"{domain} reviews {outside} are not in the held-back split"
    assert frame["rating"].tolist() == frame["text"].map(rating).tolist()


def test_a_training_run_records_the_versions_that_decide_its_numbers():
    # the same command with other library versions gave weights within fp16 rounding, not
    # equal (2026-12-02): config.json and the data card name the versions of a run
    import torch
    import transformers

    found = train_sentiment.environment()
    assert found["torch"] == torch.__version__
    assert found["transformers"] == transformers.__version__
    assert {"python", "onnxruntime", "numpy", "scikit-learn"} <= set(found)
