"""`run` writes the deck and the page when asked; `report` rebuilds them from a saved run."""

from __future__ import annotations

import pandas as pd
import pytest
from pptx import Presentation
from typer.testing import CliRunner

import feedback_mining as fm
from feedback_mining.cli import app

from .report_helpers import sample_result

runner = CliRunner()


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    result = sample_result()
    folder = tmp_path_factory.mktemp("run")
    result.save(folder, formats=["parquet", "pptx", "html"])
    return result, folder


def test_save_writes_deck_and_page_when_configured(run_folder):
    _, folder = run_folder
    names = sorted(p.name for p in folder.iterdir())
    assert names[:2] == [".feedback-mining-outputs.json", ".feedback-mining.lock"]
    assert names[2:] == ["changes.parquet", "documents.parquet", "mentions.parquet", "summary.json",
                     "theme_segments.parquet", "themes.html", "themes.parquet", "themes.pptx",
                     "trend.parquet"]


def test_load_result_gives_back_the_run(run_folder):
    result, folder = run_folder
    back = fm.load_result(folder)
    pd.testing.assert_frame_equal(back.themes, result.themes, check_dtype=False)
    assert back.themes["examples"].map(type).eq(list).all()
    assert back.summary["rows_read"] == result.summary["rows_read"]
    assert back.config.score.period == "W"


@pytest.mark.parametrize("fmt", ["pptx", "xlsx", "html"])
def test_report_command_rebuilds_each_format(run_folder, tmp_path, fmt):
    result, folder = run_folder
    out = tmp_path / f"report.{fmt}"
    res = runner.invoke(app, ["report", "--format", fmt, "--input-dir", str(folder),
                              "--output", str(out), "--set", "report.top_themes=2"])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 1000
    if fmt == "pptx":
        prs = Presentation(str(out))
        titles = [s.shapes.title.text_frame.text for s in prs.slides]
        assert [t for t in titles if t.startswith("#")] == [f"#{r} {lab}" for r, lab in
                               zip(result.themes["rank"][:2], result.themes["label"][:2],
                                   strict=True)]


def test_report_command_errors_are_one_line(tmp_path):
    res = runner.invoke(app, ["report", "-i", str(tmp_path / "nope"), "-o", str(tmp_path / "x.pptx")])
    assert res.exit_code == 2 and "summary.json" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["report", "-i", str(tmp_path), "-o", str(tmp_path / "x.docx")])
    assert res.exit_code == 3 and "--format" in res.output


def test_run_command_writes_the_deck_when_asked(tmp_path, feedback):
    src = tmp_path / "survey.csv"
    feedback.to_csv(src, index=False)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", "-i", str(src), "--text", "comment", "--date", "submitted_at",
                              "-o", str(out), "-q", "--set", "embed.model=hashing",
                              "--set", "sentiment.method=vader",
                              "--set", "themes.min_theme_size=8",
                              "--set", 'output.formats=["parquet", "pptx", "html"]'])
    assert res.exit_code == 0, res.output
    assert (out / "themes.pptx").exists() and (out / "themes.html").exists()
    res = runner.invoke(app, ["run", "-i", str(src), "--text", "comment", "-o", str(out),
                              "--set", 'output.formats=["docx"]'])
    assert res.exit_code == 3 and "pptx, html" in res.output
