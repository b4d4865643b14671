"""Parent themes (two levels) and small themes folded into a similar sibling."""

import numpy as np

from feedback_mining.embed import HashingEmbedder
from feedback_mining.themes import ThemeModel
from feedback_mining.themes.hierarchy import parent_groups, small_theme_merges

from .conftest import make_feedback


def test_parents_have_the_configured_number_and_are_numbered_by_size():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8))
    centroids = np.vstack([c + 0.05 * rng.normal(size=(4, 8)) for c in centres])
    sizes = np.array([1] * 4 + [10] * 4 + [5] * 4)
    parents = parent_groups(centroids, sizes, 3)
    assert sorted(set(parents.tolist())) == [0, 1, 2]
    assert parents[4:8].tolist() == [0] * 4  # the largest group is parent 0
    assert len(set(parents[:4])) == 1 and len(set(parents[8:])) == 1


def test_small_theme_folds_into_similar_sibling_only():
    centroids = np.array([[1, 0, 0], [0.95, 0.3, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    sizes = np.array([50, 3, 50, 3])
    parents = np.array([0, 0, 1, 1])
    merges = small_theme_merges(centroids, sizes, parents, min_size=5, merge_similarity=0.8)
    assert merges == {1: 0}  # theme 3 is small but unlike its sibling, so it stays


def test_model_has_two_levels_with_the_configured_parents():
    texts = make_feedback()["comment"].tolist()
    emb = HashingEmbedder().encode(texts)
    model = ThemeModel(seed=0, min_theme_size=8, n_parents=2).fit(texts, emb)
    themes = model.themes_
    assert themes["parent_id"].nunique() == 2
    assert themes["parent_label"].str.len().gt(0).all()
    # each parent label belongs to exactly one parent id: a tree of depth two
    assert (themes.groupby("parent_id")["parent_label"].nunique() == 1).all()
    assert themes["parent_label"].nunique() == 2
    flat = ThemeModel(seed=0, min_theme_size=8, n_parents=0).fit(texts, emb).themes_
    assert (flat["parent_id"] == flat["theme_id"]).all()
