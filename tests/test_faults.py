"""Fault injection: a job killed (SIGKILL) at each stage resumes from its checkpoints to the
same result; a read-only folder or a full disk ends with exit code 7 and the previous
outputs untouched."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from feedback_mining.cli import app

from .conftest import make_feedback

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
FAST = ["--set", "embed.model=hashing", "--set", "sentiment.method=vader",
        "--set", "themes.min_theme_size=8", "--set", "engine.chunk_size=40",
        "--set", "output.formats=[\"csv\"]"]

KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    stage = sys.argv[1]
    if stage == "chunk":  # the second chunk of clean/segment/embed/sentiment
        from feedback_mining.engines import local
        real = local.process_partition
        seen = []
        def process(frame, spec):
            seen.append(1)
            if len(seen) == 2:
                die()
            return real(frame, spec)
        local.process_partition = process
    elif stage == "themes":
        from feedback_mining.themes import ThemeModel
        ThemeModel.fit = die
    elif stage == "score":
        import feedback_mining.pipeline as pipeline
        pipeline.build_views = die
    elif stage == "save":  # half the files moved into place
        from feedback_mining.io import writers
        def publish(stage_dir, folder):
            for name in sorted(p.name for p in Path(stage_dir).iterdir())[:2]:
                os.replace(Path(stage_dir) / name, Path(folder) / name)
            die()
        writers.publish = publish
    elif stage == "history":
        import feedback_mining.jobs as jobs
        jobs.record_result = die
    from feedback_mining.cli import app
    app(sys.argv[2:])
""")


def _args(tmp_path, out):
    src = tmp_path / "survey.csv"
    if not src.exists():
        make_feedback().to_csv(src, index=False)
    return ["run", "-i", str(src), "--text", "comment", "--score", "nps", "-o", str(out),
            "--checkpoint-dir", str(tmp_path / "ckpt"), *FAST]


def _tables(out: Path) -> dict:
    summary = json.loads((out / "summary.json").read_text())
    themes = (out / "themes.csv").read_text()
    return {"rows": summary["rows_read"], "kept": summary["rows_kept"], "themes": themes}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reference")
    res = runner.invoke(app, _args(tmp, tmp / "out"))
    assert res.exit_code == 0, res.output
    return _tables(tmp / "out")


@pytest.mark.parametrize("stage", ["chunk", "themes", "score", "save", "history"])
def test_killed_at_each_stage_then_resumed(tmp_path, stage, reference):
    out = tmp_path / "out"
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), OMP_NUM_THREADS="1")
    killed = subprocess.run([sys.executable, str(script), stage, *_args(tmp_path, out)],
                            env=env, capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-2000:]
    if stage == "chunk":
        assert len(list((tmp_path / "ckpt").glob("chunk-*"))) == 1  # the first one is kept
    res = runner.invoke(app, _args(tmp_path, out))
    assert res.exit_code == 0, res.output
    assert _tables(out) == reference
    assert not list(out.glob(".staging-*"))
    if stage != "history":  # a killed run never recorded rows of its own
        import sqlite3

        with sqlite3.connect(out / "history.sqlite") as con:
            assert con.execute("select count(distinct run_id) from runs").fetchone()[0] >= 1


def _previous_outputs(tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, _args(tmp_path, out))
    assert res.exit_code == 0, res.output
    return out, {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def test_read_only_output_folder_exits_7_and_keeps_previous_outputs(tmp_path, monkeypatch):
    out, before = _previous_outputs(tmp_path)
    if os.geteuid() != 0:
        out.chmod(0o555)
    else:  # root writes anywhere: the output folder's file system says "read-only" instead
        import tempfile
        import types

        from feedback_mining.io import writers

        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(writers, "tempfile", types.SimpleNamespace(
            mkdtemp=read_only, mkstemp=tempfile.mkstemp))
    try:
        res = runner.invoke(app, [*_args(tmp_path, out), "--set", "themes.seed=5"])
    finally:
        out.chmod(0o755)
    assert res.exit_code == 7, res.output
    assert "--output" in res.output and "previous outputs" in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_full_disk_exits_7_and_keeps_previous_outputs(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tiny tmpfs here ({made.stderr.strip() or 'mount failed'}); "
                    "the full-disk path is covered by OutputError's errno mapping")
    try:
        out = mount / "out"
        out.mkdir()
        (out / "summary.json").write_text('{"previous": true}')
        res = runner.invoke(app, [*_args(tmp_path, out), "--set",
                                  "output.formats=[\"csv\", \"xlsx\", \"parquet\"]"])
        assert res.exit_code == 7, res.output
        assert "disk is full" in res.output
        assert (out / "summary.json").read_text() == '{"previous": true}'
        assert not list(out.glob(".staging-*"))
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)
