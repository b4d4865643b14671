"""The output folder after a run holds exactly that run's files (plus the history store and
checkpoints), one run at a time, and the history is written only after the outputs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from typer.testing import CliRunner

from feedback_mining.cli import app

from .conftest import make_feedback

runner = CliRunner()
FAST = ["--set", "embed.model=hashing", "--set", "sentiment.method=vader",
        "--set", "themes.min_theme_size=8"]


def _run(tmp_path, out, *extra):
    src = tmp_path / "survey.csv"
    if not src.exists():
        make_feedback().to_csv(src, index=False)
    return runner.invoke(app, ["run", "-i", str(src), "--text", "comment", "--score", "nps",
                               "-o", str(out), *FAST, *extra])


def _formats(*names):
    return ["--set", "output.formats=" + json.dumps(list(names))]


def test_rerun_with_fewer_formats_removes_last_runs_files_only(tmp_path):
    out = tmp_path / "out"
    assert _run(tmp_path, out, *_formats("csv", "pptx")).exit_code == 0
    assert (out / "themes.pptx").exists()
    (out / "notes.txt").write_text("mine")  # a user's own file
    (out / ".staging-abc123").mkdir()  # left by a run killed while saving
    (out / ".staging-abc123" / "themes.csv").write_text("half")
    res = _run(tmp_path, out, *_formats("csv"))
    assert res.exit_code == 0, res.output
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert names == {"themes.csv", "documents.csv", "mentions.csv", "changes.csv",
                     "theme_segments.csv",
                     "trend.csv", "summary.json", "run.log", "history.sqlite", "notes.txt"}
    assert not list(out.glob(".staging-*"))


def test_folder_written_before_the_manifest_loses_stale_outputs_too(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "themes.pptx").write_bytes(b"last week's deck")
    (out / "my-deck.pptx").write_bytes(b"the user's")
    assert _run(tmp_path, out, *_formats("csv")).exit_code == 0
    assert not (out / "themes.pptx").exists() and (out / "my-deck.pptx").exists()


def test_second_run_into_a_locked_folder_stops_with_exit_7(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({str(out / '.feedback-mining.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, b'process 4242')\n"
         "print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        res = _run(tmp_path, out)
    finally:
        holder.kill()
        holder.wait()
    assert res.exit_code == 7, res.output
    assert "locked by process 4242" in res.output and "--output" in res.output
    assert not (out / "summary.json").exists()
    assert _run(tmp_path, out).exit_code == 0  # the lock goes with its process


def test_failed_run_leaves_no_history_rows(tmp_path):
    out = tmp_path / "out"
    res = _run(tmp_path, out, *_formats("csv", "pptx"), "--set",
               f"report.template={tmp_path / 'missing.pptx'}")
    assert res.exit_code != 0
    store = out / "history.sqlite"
    if store.exists():
        with sqlite3.connect(store) as con:
            tables = {r[0] for r in con.execute("select name from sqlite_master")}
            if "theme_history" in tables:
                assert con.execute("select count(*) from theme_history").fetchone()[0] == 0


def test_corrupt_history_store_keeps_outputs_and_exits_8(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "history.sqlite").write_bytes(b"this is not a database" * 100)
    res = _run(tmp_path, out, *_formats("csv"))
    assert res.exit_code == 8, res.output
    assert "history" in res.output and "--no-history" in res.output
    assert (out / "themes.csv").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert "error" in summary["history"]
    assert "history" in (out / "run.log").read_text()


def test_locked_history_store_keeps_outputs_and_exits_8(tmp_path):
    out = tmp_path / "out"
    assert _run(tmp_path, out, *_formats("csv")).exit_code == 0
    con = sqlite3.connect(out / "history.sqlite", isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    try:
        res = _run(tmp_path, out, *_formats("csv"), "--set", "themes.seed=3")
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert res.exit_code == 8, res.output
    assert "locked" in res.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["themes"]["seed"] == 3  # this run's outputs are in place
