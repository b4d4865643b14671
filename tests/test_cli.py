import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from feedback_mining.cli import app

runner = CliRunner()
FAST = ["--set", "embed.model=hashing", "--set", "sentiment.method=vader",
        "--set", "themes.min_theme_size=8"]


def _csv(tmp_path, frame, name="survey.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_run_writes_outputs_and_reports(tmp_path, feedback):
    feedback.loc[0, "comment"] = "n/a"
    src = _csv(tmp_path, feedback)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", "--input", str(src), "--text", "comment", "--score", "nps",
                              "--score-type", "nps", "--segment", "channel", "--output", str(out),
                              *FAST])
    assert res.exit_code == 0, res.output
    assert "set aside: 1 (non_answer: 1)" in res.output
    assert (out / "themes.xlsx").exists() and (out / "run.log").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["rows_read"] == len(feedback)


def test_config_file_and_overrides(tmp_path, feedback):
    src = _csv(tmp_path, feedback)
    job = tmp_path / "job.toml"
    job.write_text(f'[input]\npath = "{src.name}"\ntext = "comment"\n'
                   f'[output]\ndir = "{tmp_path / "o"}"\nformats = ["csv"]\n'
                   '[embed]\nmodel = "hashing"\n[sentiment]\nmethod = "vader"\n'
                   '[themes]\nmin_theme_size = 8\n')
    res = runner.invoke(app, ["run", "--config", str(job), "--set", "themes.seed=5"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        ".feedback-mining-outputs.json", ".feedback-mining.lock",  # what it wrote; its lock
        "changes.csv", "documents.csv", "history.sqlite", "mentions.csv", "praise.csv", "run.log",
        "subthemes.csv", "summary.json", "theme_segments.csv", "themes.csv",
        "trend.csv"]  # every run is recorded in the history


def test_two_runs_give_identical_theme_tables(tmp_path, feedback):
    src = _csv(tmp_path, feedback)
    for name in ("a", "b"):
        res = runner.invoke(app, ["run", "-i", str(src), "--text", "comment", "-o",
                                  str(tmp_path / name), "-q", *FAST])
        assert res.exit_code == 0, res.output
    a = pd.read_csv(tmp_path / "a" / "themes.csv")
    b = pd.read_csv(tmp_path / "b" / "themes.csv")
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("case, code, fragment", [
    ("missing_column", 2, "expected a text column named 'review'"),
    ("empty_file", 2, "empty file"),
    ("binary_file", 2, "binary content"),
    ("text_score", 2, "expected a number, found 'great'"),
    ("bad_setting", 3, "unknown setting"),
])
def test_bad_input_fails_with_one_line_and_no_output(tmp_path, feedback, case, code, fragment):
    text = "comment"
    args = []
    if case == "missing_column":
        src, text = _csv(tmp_path, feedback), "review"
    elif case == "empty_file":
        src = tmp_path / "empty.csv"
        src.write_bytes(b"")
    elif case == "binary_file":
        src = tmp_path / "blob.csv"
        src.write_bytes(bytes(range(256)) * 64)
    elif case == "text_score":
        feedback["nps"] = feedback["nps"].astype(object)
        feedback.loc[3, "nps"] = "great"
        src = _csv(tmp_path, feedback)
        args = ["--score", "nps"]
    else:
        src = _csv(tmp_path, feedback)
        args = ["--set", "themes.nope=1"]
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", "-i", str(src), "--text", text, "-o", str(out), *args,
                              *FAST])
    assert res.exit_code == code
    lines = [ln for ln in res.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and fragment in lines[0], res.output
    assert "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_no_input_is_explained():
    res = runner.invoke(app, ["run"])
    assert res.exit_code == 2  # bad input, as the README says
    assert "no input" in res.output


def test_ctrl_c_stops_the_run_with_its_own_exit_code_and_no_output(tmp_path, feedback,
                                                                   monkeypatch):
    from feedback_mining.pipeline import Pipeline

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Pipeline, "run", interrupted)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", "-i", str(_csv(tmp_path, feedback)), "--text", "comment",
                              "-o", str(out), *FAST])
    assert res.exit_code == 130
    lines = [ln for ln in res.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "interrupted (Ctrl-C)" in lines[0], res.output
    assert not out.exists() or not any(out.iterdir())
