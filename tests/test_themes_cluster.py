"""GraphThemeClusterer: finds the number of themes itself, same seed gives same themes."""

import numpy as np
import pytest

from feedback_mining.errors import ConfigError
from feedback_mining.themes.cluster import GraphThemeClusterer
from feedback_mining.themes.evaluate import cluster_scores


def blobs(n_per=40, k=6, dim=32, noise=0.25, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    X = np.vstack([c + noise * rng.normal(size=(n_per, dim)) for c in centres])
    return X.astype(np.float32), np.repeat(np.arange(k), n_per)


def test_finds_the_themes_without_being_told_how_many():
    X, y = blobs()
    model = GraphThemeClusterer(random_state=0).fit(X)
    scores = cluster_scores(y, model.labels_)
    assert model.n_clusters_ == 6
    assert scores["ari"] > 0.95
    assert (model.labels_ >= 0).all()  # every text gets a theme


def test_same_seed_same_themes_and_numbered_by_size():
    X, _ = blobs(noise=0.6)
    a = GraphThemeClusterer(random_state=3).fit(X).labels_
    b = GraphThemeClusterer(random_state=3).fit(X).labels_
    assert np.array_equal(a, b)
    sizes = np.bincount(a)
    assert (np.diff(sizes) <= 0).all()


def test_predict_assigns_new_points_to_their_blob():
    X, y = blobs()
    model = GraphThemeClusterer(random_state=0).fit(X)
    mapping = {int(y[i]): int(model.labels_[i]) for i in range(len(y))}
    new, y_new = blobs(n_per=5, seed=0)  # same centres, fresh noise
    assert [mapping[int(t)] for t in y_new] == model.predict(new).tolist()


def test_tiny_communities_are_absorbed():
    X, _ = blobs(k=3)
    X = np.vstack([X, X[:1] + 5.0])  # a lone far-away point
    labels = GraphThemeClusterer(random_state=0, min_cluster_size=3).fit(X).labels_
    assert np.bincount(labels).min() >= 3


def test_bad_parameters_name_the_setting():
    with pytest.raises(ConfigError, match="n_neighbors"):
        GraphThemeClusterer(n_neighbors=1).fit(blobs()[0])
    with pytest.raises(ConfigError, match="resolutions"):
        GraphThemeClusterer(resolutions=[]).fit(blobs()[0])


def test_usable_as_bertopic_clustering_model():
    bertopic = pytest.importorskip("bertopic")
    from sklearn.feature_extraction.text import CountVectorizer

    from feedback_mining.themes.cluster import identity_reducer

    X, y = blobs(n_per=30, k=3)
    words = ["refund late money", "label printer return", "courier pickup missed"]
    docs = [f"{words[t]} {i}" for i, t in enumerate(y)]
    topic_model = bertopic.BERTopic(
        embedding_model=None, umap_model=identity_reducer(),
        hdbscan_model=GraphThemeClusterer(random_state=0),
        vectorizer_model=CountVectorizer(), verbose=False)
    topics, _ = topic_model.fit_transform(docs, embeddings=X)
    assert cluster_scores(y, topics)["ari"] > 0.95
