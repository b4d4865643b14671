"""Sentiment scorers: what a user of the scores would notice."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from feedback_mining.config import Config, SentimentConfig
from feedback_mining.errors import ConfigError, ModelError
from feedback_mining.sentiment import (
    EmbeddingHeadScorer,
    MiniLMSentimentScorer,
    VaderScorer,
    _load_finetuned,
    calibrate,
    default_model_dir,
    make_scorer,
    polarity,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

NEGATIVE = [
    "The refund took a month and nobody answered my emails.",
    "I was charged twice and customer service hung up on me.",
    "The parcel arrived broken and the return label never came.",
    "Worst delivery experience ever, still waiting for my money back.",
]
POSITIVE = [
    "The refund was processed the same day, brilliant service.",
    "Fast delivery and the dress fits perfectly, I love it.",
    "Great quality for the price, will order again.",
]

needs_weights = pytest.mark.skipif(
    not (default_model_dir() / "model.safetensors").is_file(),
    reason="the bundled sentiment weights are missing (run scripts/train_sentiment.py)",
)


@pytest.fixture(scope="module", params=["torch", "onnx-int8"])
def model(request) -> MiniLMSentimentScorer:
    """The fine-tuned model on PyTorch and on ONNX Runtime (the default): the same behaviour."""
    return MiniLMSentimentScorer(runtime=request.param)


@pytest.fixture(scope="module")
def head() -> EmbeddingHeadScorer:
    return EmbeddingHeadScorer()


def test_vader_scores_clear_cases_and_stays_in_range():
    s = VaderScorer().score([NEGATIVE[3], POSITIVE[0], NEGATIVE[0]])
    assert s[0] < 0 < s[1]
    assert s[2] == 0  # no lexicon word: what the model is for
    assert np.all(np.abs(s) <= 1)


@needs_weights
def test_model_gets_clear_customer_sentences_right(model):
    s = model.score(NEGATIVE + POSITIVE)
    assert np.all(s[: len(NEGATIVE)] < -0.05), s
    assert np.all(s[len(NEGATIVE) :] > 0.05), s
    assert model.labels(NEGATIVE[:1] + POSITIVE[:1]).tolist() == ["negative", "positive"]


@needs_weights
def test_model_reads_a_solved_problem_as_praise(model):
    # Scored -0.89 on 2026-11-26 and -0.36 with the 2026-11-27 model; the food-delivery
    # reviews in training (2026-12-01) taught it that a solved problem is praise.
    assert model.score(["The agent was friendly and solved my problem in minutes."])[0] > 0


@needs_weights
def test_model_features_are_what_its_head_reads(model):
    # The pooled vectors behind the probabilities, for analysis of the decision rule.
    from safetensors.numpy import load_file

    texts = [NEGATIVE[0], POSITIVE[0], NEGATIVE[0]]
    feats = model.features(texts)
    assert feats.shape == (3, 384)
    np.testing.assert_array_equal(feats[0], feats[2])  # duplicates scored once, same vector
    weights = load_file(str(default_model_dir() / "model.safetensors"))
    logits = feats @ weights["head.weight"].astype(float).T + weights["head.bias"]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, model.predict_proba(texts), atol=1e-5)


@needs_weights
def test_model_scores_clauses_separately(model):
    # The pipeline scores segments: the refund clause is negative although the verbatim
    # starts with praise.
    praise, complaint = model.score(["love the app", "the refund took a month"])
    assert praise > 0.05
    assert complaint < -0.05


@needs_weights
def test_clause_segments_get_their_own_sentiment(model):
    import pandas as pd

    from feedback_mining.config import SegmentConfig
    from feedback_mining.segment import segment

    docs = pd.DataFrame({"id": ["a"], "text_clean": ["I love the app but the refund took a month"],
                         "set_aside": [None]})
    segments = segment(docs, SegmentConfig(method="clauses"))
    assert segments["text"].tolist() == ["I love the app", "the refund took a month"]
    assert model.labels(segments["text"].tolist()).tolist() == ["positive", "negative"]


@needs_weights
def test_model_output_is_in_range_deterministic_and_handles_odd_input(model):
    texts = ["", "ok", "?!", "meh. " * 300, *NEGATIVE, NEGATIVE[0]]
    first = model.score(texts)
    _load_finetuned.cache_clear()  # a fresh load from disk, not the fixture's network again
    fresh = MiniLMSentimentScorer(runtime=model.runtime)
    again = fresh.score(texts)
    loaded = lambda scorer: scorer._net if scorer._onnx is None else scorer._onnx  # noqa: E731
    assert loaded(fresh) is not loaded(model)
    assert first.shape == (len(texts),)
    assert np.all((first >= -1) & (first <= 1))
    np.testing.assert_allclose(first, again, atol=1e-6)
    assert first[-1] == first[4]  # the same text, the same score
    assert model.score([]).shape == (0,)


@needs_weights
def test_head_reuses_given_embeddings(head):
    texts = NEGATIVE[:2] + POSITIVE[1:3]
    own = head.score(texts)
    emb = head._embed(texts)
    given = head.score(texts, emb)
    np.testing.assert_allclose(own, given, atol=1e-5)
    assert np.all(own[:2] < 0) and np.all(own[2:] > 0)
    with pytest.raises(ModelError, match="shape"):
        head.score(texts, np.zeros((4, 512), dtype=np.float32))


def test_missing_weights_fall_back_to_vader_with_a_warning(tmp_path, caplog):
    cfg = SentimentConfig(method="model", model_path=str(tmp_path / "nowhere"))
    with caplog.at_level(logging.WARNING, logger="feedback_mining.sentiment"):
        scorer = make_scorer(cfg)
    assert isinstance(scorer, VaderScorer)
    assert "falling back to VADER" in caplog.text
    with pytest.raises(ModelError, match="missing"):
        MiniLMSentimentScorer(model_dir=tmp_path).score(["hello"])


@needs_weights
def test_model_is_the_default_when_its_weights_are_there():
    assert isinstance(make_scorer(Config().sentiment), MiniLMSentimentScorer)


@needs_weights
def test_base_weights_that_do_not_match_are_refused(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(default_model_dir(), folder)
    text = (folder / "config.json").read_text()
    import json

    cfg = json.loads(text)
    cfg["base"]["sha256"] = "0" * 64
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="sha256"):
        MiniLMSentimentScorer(model_dir=folder).score(["hello"])


def test_unknown_method_is_a_config_error():
    with pytest.raises(ConfigError, match="sentiment.method"):
        Config().with_overrides(["sentiment.method=bert"])
    with pytest.raises(ConfigError, match="sentiment.method"):
        make_scorer(SentimentConfig(method="bert"))


def test_calibration_keeps_order_and_moves_cutoffs_onto_the_defaults():
    raw = np.linspace(-1, 1, 41)
    out = calibrate(raw, -0.4, 0.3)
    assert np.all(np.diff(out) >= 0)
    assert out[0] == -1 and out[-1] == 1
    labels = polarity(out)
    expected = np.where(raw < -0.4, "negative", np.where(raw > 0.3, "positive", "neutral"))
    assert labels.tolist() == expected.tolist()
    # The sign still says which of positive and negative is more likely.
    np.testing.assert_array_equal(np.sign(out), np.sign(raw.round(12)))


@pytest.mark.slow
@pytest.mark.shared_data
@needs_weights
@pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data (not in a user's clone)")
def test_model_accuracy_on_uci_amazon_sentences(model):
    import pandas as pd

    frame = pd.read_csv(DATA / "uci_sentiment_sentences" / "amazon_cells_labelled.txt",
                        sep="\t", quoting=3, header=None, names=["text", "label"])
    s = model.score(frame["text"].astype(str).str.strip().tolist())
    accuracy = float(((s > 0).astype(int) == frame["label"]).mean())
    assert accuracy >= 0.90, accuracy  # measured: see docs/BENCHMARKS.md
