"""Theme quality on Banking77's test set with the real MiniLM model (slow, needs the data).

Floors sit a little below what benchmarks/themes.py measured (docs/BENCHMARKS.md, "Themes"):
NMI 0.834-0.837, ARI 0.578-0.586, every text in a theme, 105-117 themes over three seeds.
"""

import pandas as pd
import pytest

from feedback_mining.embed import make_embedder
from feedback_mining.themes import ThemeModel, cluster_scores
from feedback_mining.themes.labels import STOP

from .conftest import needs_shared_data


@pytest.mark.slow
@pytest.mark.shared_data
def test_banking77_themes_meet_the_floor_with_readable_labels():
    import torch

    torch.set_num_threads(1)
    frame = pd.read_csv(needs_shared_data("banking77", "test.csv"))
    texts = frame["text"].tolist()
    model = ThemeModel(seed=0).fit(texts, make_embedder().encode(texts))
    scores = cluster_scores(frame["category"], model.labels_)
    assert scores["nmi"] >= 0.80
    assert scores["ari"] >= 0.50
    assert scores["unassigned"] <= 0.05
    assert 40 <= scores["n_themes"] <= 150
    for label in model.themes_["label"]:
        words = [w.strip("()/").lower() for w in label.split()]
        assert any(w not in STOP for w in words), label
    base = model.themes_["label"].str.replace(r" \(.*\)$", "", regex=True)
    assert base.str.split().str.len().between(1, 6).all()
    assert (base.str.split().str.len() >= 2).mean() >= 0.9  # nearly all are phrases
    # the top level a reader takes in one sitting, as many as the data support
    assert 8 <= model.themes_["parent_id"].nunique() <= 25
