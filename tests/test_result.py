"""A run's Result: its typed summary, and a saved run read back with every table."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import feedback_mining as fm
from feedback_mining.result import RunSummary

from .report_helpers import sample_result


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_load_result_reads_back_every_table_the_result_writes(tmp_path, fmt):
    result = sample_result()
    assert len(result.theme_segments) and len(result.trend)  # channel and dates were mapped
    result.save(tmp_path, formats=[fmt])
    back = fm.load_result(tmp_path)
    for name in fm.Result.TABLES:
        assert len(getattr(back, name)) == len(getattr(result, name)), name
        assert list(getattr(back, name).columns) == list(getattr(result, name).columns), name
    counts = ["theme_id", "period", "mentions", "verbatims"]  # dates are text in a CSV
    pd.testing.assert_frame_equal(back.trend[counts], result.trend[counts], check_dtype=False)
    counts = ["theme_id", "segment_column", "verbatims"]  # values are neutralised in a CSV
    pd.testing.assert_frame_equal(back.theme_segments[counts], result.theme_segments[counts],
                                  check_dtype=False)
    # changes is not read back but computed again from the trend: the same table as saved
    counts = ["theme_id", "previous_period", "last_period", "verbatims_prev", "verbatims_last"]
    assert len(result.changes)
    pd.testing.assert_frame_equal(back.changes[counts], result.changes[counts], check_dtype=False)
    assert back.summary == result.summary
    assert back.summary_text() == result.summary_text()


def test_summary_reads_as_attributes_and_as_a_mapping():
    summary = sample_result().summary
    assert isinstance(summary, RunSummary)
    assert summary["rows_kept"] == summary.rows_kept > 0
    assert "theme_changes" not in summary and summary.get("theme_changes") is None
    summary["run_id"] = "abc"  # what a scheduled run adds
    summary["note"] = "set by hand"
    as_json = json.loads(json.dumps(summary.to_dict()))
    assert as_json["run_id"] == "abc" and as_json["note"] == "set by hand"
    assert RunSummary.from_dict(as_json) == summary
    with pytest.raises(KeyError):
        summary["no_such_key"]


def test_the_old_names_of_mentions_still_work_with_a_warning(tmp_path):
    result = sample_result()
    with pytest.warns(DeprecationWarning, match="Result.mentions"):
        old = result.segments
    assert old is result.mentions
    with pytest.warns(DeprecationWarning, match="mentions_without_theme"):
        assert result.summary["segments_without_theme"] == result.summary.mentions_without_theme
    # a folder saved by 0.1: segments.csv and the old summary keys
    result.save(tmp_path, formats=["csv"])
    (tmp_path / "mentions.csv").rename(tmp_path / "segments.csv")
    summary = json.loads((tmp_path / "summary.json").read_text())
    summary["segments"] = summary.pop("mentions")
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    back = fm.load_result(tmp_path)
    assert len(back.mentions) == len(result.mentions)
    assert back.summary.mentions == result.summary.mentions
