"""`result.changes`: one period-over-period table, checked against hand-built counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from feedback_mining.score import CHANGE_COLUMNS, period_changes


def _trend(counts: dict[str, tuple[int, int]], totals=(400, 400)) -> pd.DataFrame:
    rows = []
    for tid, (label, (x0, x1)) in enumerate(counts.items()):
        for period, start, n, x in (("2026-01", "2026-01-01", totals[0], x0),
                                    ("2026-02", "2026-02-01", totals[1], x1)):
            rows.append({"theme_id": tid, "label": label, "period": period,
                         "period_start": pd.Timestamp(start), "period_verbatims": n,
                         "verbatims": x, "share": x / n})
    return pd.DataFrame(rows)


def test_flags_and_words_by_hand():
    trend = _trend({"refund late": (20, 60), "label missing": (0, 12), "courier": (80, 40),
                    "sizing": (30, 33), "tiny": (0, 2)})
    table = period_changes(trend)
    assert list(table.columns) == CHANGE_COLUMNS
    out = table.set_index("label")
    # refund late: 5% -> 15%: z = 0.1 / sqrt(0.1 * 0.9 * 2 / 400) = 4.71, p = 2.5e-6
    assert out.loc["refund late", "change"] == pytest.approx(0.10)
    assert out.loc["refund late", "p_value"] == pytest.approx(math.erfc(4.714 / math.sqrt(2)),
                                                             rel=1e-3)
    assert out.loc["refund late", "significance"] == "beyond chance (p < 0.01)"
    assert out.loc["refund late", ["growing", "emerging", "new", "falling"]].tolist() == \
        [True, True, False, False]
    assert out.loc["label missing", ["new", "emerging"]].tolist() == [True, True]
    assert out.loc["courier", ["falling", "growing", "emerging"]].tolist() == [True, False, False]
    assert out.loc["sizing", "significance"].startswith("within noise")
    assert not out.loc["sizing", ["growing", "falling", "emerging"]].any()
    # new but 2 verbatims: below min_mentions (5), and within noise: not emerging
    assert out.loc["tiny", "new"] and not out.loc["tiny", "emerging"]
    # changes beyond noise first, the largest rise first
    assert out.index[:3].tolist() == ["refund late", "label missing", "courier"]


def test_empty_with_one_period():
    trend = _trend({"a": (3, 4)})
    assert period_changes(trend[trend["period"] == "2026-01"]).empty
    assert list(period_changes(pd.DataFrame()).columns) == CHANGE_COLUMNS


def test_changes_from_a_run_history(tmp_path):
    """Two weekly runs recorded in the history give the same table as a date column."""
    import importlib

    history = importlib.import_module("feedback_mining.history")
    url = tmp_path / "history.sqlite"
    for period, counts in (("2026-W01", (20, 80, 30)), ("2026-W02", (60, 40, 33))):
        themes = pd.DataFrame({"theme_id": [0, 1, 2],
                               "label": ["refund late", "courier", "sizing"],
                               "verbatims": counts, "mentions": counts,
                               "share": [c / 400 for c in counts]})
        history.record(url, themes, period=period)
    out = history.changes(url).set_index("label")
    expected = period_changes(_trend({"refund late": (20, 60), "courier": (80, 40),
                                      "sizing": (30, 33)})).set_index("label")
    assert out.loc[expected.index, ["share_prev", "share_last", "p_value"]].to_numpy() == \
        pytest.approx(expected[["share_prev", "share_last", "p_value"]].to_numpy())
    assert out.loc["courier", "falling"] and out.loc["refund late", "emerging"]
    assert out["previous_period"].iloc[0] == "2026-W01"
