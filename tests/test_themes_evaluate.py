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


def test_evaluate_command_prints_scores_without_showing_labels(tmp_path, feedback):
    from typer.testing import CliRunner

    from feedback_mining.cli import app

    path = tmp_path / "labelled.csv"
    feedback.to_csv(path, index=False)
    args = ["evaluate", "--input", str(path), "--text", "comment", "--labels", "theme",
            "--set", "embed.model=hashing", "--set", "sentiment.method=vader",
            "--set", "themes.min_theme_size=8", "-q"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "NMI" in out.output and "texts 120" in out.output
    missing = CliRunner().invoke(app, args[:5] + ["--labels", "nope"] + args[7:])
    assert missing.exit_code == 2 and "'nope'" in missing.output
