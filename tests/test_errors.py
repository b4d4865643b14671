"""Errors a new user meets: each names the file and row, exits with the README's code, and
points at something that exists."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import feedback_mining as fm
from feedback_mining.cli import app

from .conftest import make_feedback

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "feedback_mining"
FAST = ["--set", "embed.model=hashing", "--set", "sentiment.method=vader",
        "--set", "themes.min_theme_size=8"]
runner = CliRunner()


def test_no_input_exits_2_as_the_readme_says():
    res = runner.invoke(app, ["run", *FAST])
    assert res.exit_code == 2, res.output
    assert "no input" in res.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| 2 | bad input" in readme


def test_text_column_of_numbers_is_refused_before_any_model_loads(tmp_path, monkeypatch):
    from feedback_mining.engines import partition

    def no_models(*_a, **_k):
        raise AssertionError("a model was loaded before the columns were checked")

    monkeypatch.setattr(partition, "embedder_for", no_models)
    monkeypatch.setattr(partition, "scorer_for", no_models)
    path = tmp_path / "survey.csv"
    make_feedback().to_csv(path, index=False)
    cfg = fm.Config().with_overrides(["input.text=nps"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        with pytest.raises(fm.InputError) as err:
            fm.Pipeline(cfg).run(path)
    msg = str(err.value)
    assert "survey.csv" in msg and "'nps'" in msg and "numbers" in msg
    assert "'comment'" in msg  # the column that holds text


def test_every_install_hint_names_an_extra_that_exists():
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
                 ["optional-dependencies"])
    named = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"MissingExtraError\(\s*\"[^\"]+\",\s*\"([^\"]+)\"", text))
        named |= set(re.findall(r"feedback-mining\[([a-z0-9_-]+)\]", text))
    assert named, "no install hint found: the pattern is out of date"
    assert named <= extras, f"hints name extras pyproject.toml lacks: {named - extras}"


def test_the_taxonomy_files_own_example_command_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for taxonomy in (SRC / "taxonomies").glob("*.toml"):
        line = next(x for x in taxonomy.read_text(encoding="utf-8").splitlines()
                    if "feedback-mining run" in x)
        args = shlex.split(line.split("feedback-mining", 1)[1])
        frame = make_feedback().rename(columns={"comment": "text"})
        frame.to_csv(tmp_path / "data.csv", index=False)
        res = runner.invoke(app, [*args, *FAST, "--output", str(tmp_path / "out"),
                                  "--set", "output.formats=[\"csv\"]"])
        assert res.exit_code == 0, (line, res.output)


def test_url_placeholders_stay_whole_in_segments():
    docs = fm.clean(fm.load(pd.DataFrame({"text": [
        "Refund late. https://shop.example.com/track is down", "Nothing works? (www.x.com)"]})))
    for method in ("sentences", "clauses"):
        texts = fm.segment(docs, fm.Config().with_overrides(
            [f"segment.method={method}"]).segment)["text"].tolist()
        joined = " | ".join(texts)
        assert "[URL]" in joined and "[ URL]" not in joined and "( [" not in joined


def test_json_transcripts_run_from_the_cli(tmp_path):
    problems = ["my refund has not arrived after three weeks", "the return label link is broken",
                "the courier never came to collect the parcel", "sizes run very small"]
    chats = [{"id": f"c{i}", "turns": [
        {"speaker": "agent", "text": "Hello, how can I help?"},
        {"speaker": "customer", "text": f"{problems[i % 4]} (case {i})"}]} for i in range(48)]
    src = tmp_path / "chats.json"
    src.write_text(json.dumps(chats), encoding="utf-8")
    res = runner.invoke(app, ["run", "-i", str(src), "-o", str(tmp_path / "out"), *FAST,
                              "--set", "input.format=transcript", "--set",
                              "output.formats=[\"csv\"]"])
    assert res.exit_code == 0, res.output
    assert "transcripts: 48 conversations" in res.output


def test_jsonl_bad_line_is_named_by_its_line_number(tmp_path):
    path = tmp_path / "answers.jsonl"
    lines = [json.dumps({"text": f"refund late {i}"}) for i in range(5)]
    lines.insert(3, '{"text": "unterminated')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(fm.InputError) as err:
        fm.load(path)
    assert "answers.jsonl, line 4" in str(err.value)
