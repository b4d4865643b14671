"""Rename, merge and split themes from Python; the edits survive save and load."""

import numpy as np
import pytest

from feedback_mining.embed import HashingEmbedder
from feedback_mining.errors import InputError
from feedback_mining.themes import ThemeModel

from .conftest import make_feedback


@pytest.fixture(scope="module")
def fitted():
    texts = make_feedback()["comment"].tolist()
    emb = HashingEmbedder().encode(texts)
    return texts, emb, ThemeModel(seed=0, min_theme_size=8).fit(texts, emb)


def test_edits_survive_save_and_load(fitted, tmp_path):
    import copy

    texts, emb, original = fitted
    model = copy.deepcopy(original)
    ids = model.themes_["theme_id"].tolist()
    n = len(ids)
    model.rename(ids[0], "Refund never arrived")
    model.merge([ids[1], ids[2]], label="Return logistics")
    merged_members = np.flatnonzero(np.isin(original.labels_, [ids[1], ids[2]]))
    model.split(ids[0], 2)
    assert len(model.themes_) == n - 1 + 1
    model.save(tmp_path / "m")
    loaded = ThemeModel.load(tmp_path / "m")
    labels = loaded.themes_.set_index("theme_id")["label"]
    assert labels[ids[1]] == "Return logistics" and ids[2] not in labels.index
    assert loaded.themes_.loc[loaded.themes_["theme_id"] == ids[1], "size"].item() == \
        len(merged_members)
    assert [e["edit"] for e in loaded.edits_] == ["rename", "merge", "split"]
    # new texts are assigned to the edited themes, the same as before saving
    assert np.array_equal(loaded.transform(emb), model.transform(emb))
    assert set(loaded.transform(emb[merged_members]).tolist()) <= {ids[1], -1}


def test_split_after_load_needs_the_texts(fitted, tmp_path):
    texts, emb, model = fitted
    model.save(tmp_path / "m")
    loaded = ThemeModel.load(tmp_path / "m")
    tid = int(loaded.themes_["theme_id"].iloc[0])
    with pytest.raises(InputError, match="texts"):
        loaded.split(tid)
    members = np.flatnonzero(model.labels_ == tid)
    loaded.split(tid, 2, texts=[texts[i] for i in members], embeddings=emb[members])
    assert len(loaded.themes_) == len(model.themes_) + 1
    assert loaded.themes_["label"].is_unique


def test_unknown_theme_id_is_named(fitted):
    with pytest.raises(InputError, match="theme id 999"):
        fitted[2].rename(999, "x")
