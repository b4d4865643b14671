import numpy as np
import pandas as pd

from feedback_mining.embed import HashingEmbedder
from feedback_mining.themes import ThemeModel
from feedback_mining.themes.labels import STOP, KeyphraseLabeler, PhraseAnalyzer

from .conftest import make_feedback


def _fit(seed=42):
    texts = make_feedback()["comment"].tolist()
    emb = HashingEmbedder().encode(texts)
    return texts, emb, ThemeModel(seed=seed, min_theme_size=8).fit(texts, emb)


def _purity(labels, truth):
    frame = pd.DataFrame({"theme": labels, "truth": truth})
    frame = frame[frame.theme >= 0]
    return frame.groupby("theme")["truth"].agg(lambda s: s.value_counts().iloc[0] / len(s)).min()


def test_planted_themes_are_found():
    feedback = make_feedback()
    _, _, model = _fit()
    assert 4 <= len(model.themes_) <= 8
    assert _purity(model.labels_, feedback["theme"]) >= 0.9
    assert (model.labels_ >= 0).mean() >= 0.9


def test_same_seed_same_themes():
    _, _, a = _fit(seed=3)
    _, _, b = _fit(seed=3)
    assert np.array_equal(a.labels_, b.labels_)
    pd.testing.assert_frame_equal(a.themes_, b.themes_)


def test_labels_are_readable_phrases_not_stop_words():
    _, _, model = _fit()
    for label in model.themes_["label"]:
        words = [w.strip("/()").lower() for w in label.split()]
        assert 1 <= len(words) <= 7
        assert any(w and w not in STOP for w in words), label
    assert model.themes_["label"].is_unique


def test_phrases_keep_inner_stop_words():
    assert "refund not received" in PhraseAnalyzer()("refund not received")
    assert "not received" not in PhraseAnalyzer()("refund not received")
    label = KeyphraseLabeler().label([("refund", 1.0), ("refund not received", 0.9)])
    assert label == "Refund not received"


def test_save_and_load_give_the_same_assignments(tmp_path):
    texts, emb, model = _fit()
    model.save(tmp_path / "model")
    assert not list((tmp_path / "model").glob("*.pkl"))
    loaded = ThemeModel.load(tmp_path / "model")
    assert np.array_equal(loaded.transform(emb), model.transform(emb))
    pd.testing.assert_frame_equal(loaded.themes_, model.themes_)


def test_tiny_input_gives_one_theme():
    texts = ["refund late", "refund missing", "refund slow"]
    model = ThemeModel().fit(texts, HashingEmbedder().encode(texts))
    assert model.labels_.tolist() == [0, 0, 0]
