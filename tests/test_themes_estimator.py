"""ThemeModel is a scikit-learn estimator: one list of parameters, kept through clone, save,
load and scheduled runs (with the analyst's edits)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cluster import KMeans
from typer.testing import CliRunner

from feedback_mining.cli import app
from feedback_mining.config import ThemesConfig
from feedback_mining.embed import HashingEmbedder
from feedback_mining.errors import ConfigError
from feedback_mining.themes import ThemeModel, theme_model_from_config

from .conftest import make_feedback

FAST = ["--text", "comment", "--id", "response_id", "--set", "embed.model=hashing",
        "--set", "sentiment.method=vader", "--quiet"]


def test_params_come_from_init_and_clone_keeps_them():
    model = ThemeModel(seed=3, method="hdbscan", n_parents=0, merge_similarity=0.7,
                       taxonomy="returns_refunds")
    params = model.get_params()
    assert params["method"] == "hdbscan" and params["n_parents"] == 0
    assert clone(model).get_params() == params
    assert model.set_params(seed=9).seed == 9
    with pytest.raises(ValueError, match="nope"):
        model.set_params(nope=1)


def test_config_builds_the_model_in_one_place():
    cfg = ThemesConfig(seed=5, method="hdbscan", n_parents=0, merge_below=7, taxonomy="")
    params = theme_model_from_config(cfg).get_params()
    for key in ("seed", "method", "n_parents", "merge_below", "merge_similarity",
                "n_neighbors", "n_components", "n_keywords", "n_examples", "min_theme_size",
                "reduce_outliers"):
        assert params[key] == getattr(cfg, key), key
    assert params["taxonomy"] is None


def test_a_clusterer_object_is_used_and_left_unfitted():
    texts = make_feedback()["comment"].tolist()
    emb = HashingEmbedder().encode(texts)
    km = KMeans(n_clusters=4, n_init=10, random_state=0)
    model = ThemeModel(min_theme_size=8, n_parents=0, clusterer=km).fit(texts, emb)
    assert not hasattr(km, "labels_")  # cloned, not fitted in place
    assert len(model.themes_) == 4
    assert np.array_equal(model.predict(emb), model.transform(emb))


def test_load_refuses_objects_it_does_not_know(tmp_path):
    texts = make_feedback()["comment"].tolist()
    emb = HashingEmbedder().encode(texts)
    ThemeModel(min_theme_size=8).fit(texts, emb).save(tmp_path / "m")
    with pytest.raises(ConfigError, match="labeler"):
        ThemeModel.load(tmp_path / "m", seed=4)


def test_run_with_a_saved_model_keeps_every_parameter_and_edit(tmp_path):
    # fit with settings other than the defaults, edit by hand, then a scheduled run
    frame = make_feedback()
    src = tmp_path / "week.csv"
    frame.to_csv(src, index=False)
    folder = tmp_path / "model"
    res = CliRunner().invoke(app, ["fit", "-i", str(src), "-m", str(folder), *FAST,
                                   "--set", "themes.method=hdbscan",
                                   "--set", "themes.n_parents=0",
                                   "--set", "themes.min_theme_size=8",
                                   "--set", "themes.merge_similarity=0.7",
                                   "--set", "themes.seed=3", "--set", "themes.n_keywords=6"])
    assert res.exit_code == 0, res.output
    model = ThemeModel.load(folder)
    ids = model.themes_["theme_id"].tolist()
    assert len(ids) >= 3
    texts = frame["comment"].tolist()
    emb = HashingEmbedder().encode(texts)
    model.rename(ids[0], "Refund never arrived")
    model.merge([ids[1], ids[2]], label="Return logistics")
    members = model.predict(emb) == ids[0]
    model.split(ids[0], 2, texts=[t for t, m in zip(texts, members, strict=True) if m],
                embeddings=emb[members])
    model.set_params(assign_threshold=0.45)
    model.save(folder)
    before = ThemeModel.load(folder)

    res = CliRunner().invoke(app, ["run", "-i", str(src), "-m", str(folder),
                                   "-o", str(tmp_path / "out"), *FAST])
    assert res.exit_code == 0, res.output
    after = ThemeModel.load(folder)
    assert after.get_params() == before.get_params()
    assert after.get_params()["method"] == "hdbscan" and after.n_parents == 0
    assert after.merge_similarity == 0.7 and after.assign_threshold == 0.45
    assert after.edits_ == before.edits_
    assert [e["edit"] for e in after.edits_] == ["rename", "merge", "split"]
    labels = after.themes_.set_index("theme_id")["label"]
    assert labels[ids[1]] == "Return logistics" and ids[2] not in labels.index
    split_ids = before.edits_[-1]["into"]
    assert set(split_ids) <= set(labels.index)
    known = before.themes_.set_index("theme_id")["label"]
    assert (labels[known.index] == known).all()  # known themes keep their labels
    assert len(after.history_) == 1  # the run is recorded
