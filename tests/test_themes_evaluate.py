"""Scores of themes against reference labels."""

import pandas as pd
import pytest

from feedback_mining.errors import InputError
from feedback_mining.themes.evaluate import cluster_scores, evaluate_frame, format_scores


def test_perfect_and_unassigned():
    s = cluster_scores(["a", "a", "b", "b"], [1, 1, 0, 0])
    assert s["nmi"] == pytest.approx(1.0) and s["ari"] == pytest.approx(1.0)
    assert s["n_themes"] == 2 and s["unassigned"] == 0
    s = cluster_scores(["a", "a", "b", "b"], [1, 1, 0, -1])
    assert s["unassigned"] == 0.25 and s["n_themes"] == 2


def test_frame_skips_unlabelled_rows_and_names_missing_column():
    frame = pd.DataFrame({"intent": ["a", "a", None, "b"], "theme_id": [0, 0, 1, 1]})
    assert evaluate_frame(frame, "intent")["n_texts"] == 3
    with pytest.raises(InputError, match="'category'"):
        evaluate_frame(frame, "category", where="feedback.csv")
    assert "NMI" in format_scores(cluster_scores(["a", "b"], [0, 1]))
