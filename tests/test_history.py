"""The run history: theme tables by period, re-runs replace their period."""

import pandas as pd
from typer.testing import CliRunner

import feedback_mining as fm
from feedback_mining.cli import app
from feedback_mining.history import history, record, record_result
from feedback_mining.themes import ThemeModel

from .conftest import make_feedback


def _themes(n0=30, n1=10):
    return pd.DataFrame({"theme_id": [0, 1], "label": ["Refund late", "Label missing"],
                         "verbatims": [n0, n1], "mentions": [n0, n1],
                         "share": [n0 / (n0 + n1), n1 / (n0 + n1)], "nps": [float("nan"), -20.0]})


def test_rerun_of_a_period_replaces_it(tmp_path):
    url = tmp_path / "history.sqlite"
    record(url, _themes(), period="2026-01", run_id="a")
    record(url, _themes(5, 5), period="2026-02", run_id="b")
    record(url, _themes(40, 12), period="2026-01", run_id="c")  # re-run of January
    rows = history(url, long=True)
    assert len(rows) == 4
    assert not rows.duplicated(["period", "theme_id"]).any()
    jan = rows[rows["period"] == "2026-01"]
    assert set(jan["run_id"]) == {"c"}
    wide = history(url, value="verbatims")
    assert list(wide.columns) == ["2026-01", "2026-02"]
    assert wide.loc[(0, "Refund late")].tolist() == [40, 5]
    assert history(url, long=True)["nps"].isna().sum() == 2


def test_sqlalchemy_url_works(tmp_path):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    record(url, _themes(), period="2026-W02")
    assert history(url).shape == (2, 1)


def test_result_is_recorded_by_the_periods_of_its_dates(tmp_path, fast_config):
    frame = make_feedback()
    data = fm.load(frame, text="comment", id="response_id", date="submitted_at")
    cfg = fast_config.with_overrides(["score.period=W"])
    result = fm.Pipeline(cfg).run(data)
    url = tmp_path / "h.sqlite"
    written = record_result(url, result)
    weeks = pd.to_datetime(frame["submitted_at"]).dt.to_period("W").astype(str).unique()
    assert sorted(written) == sorted(weeks)
    wide = history(url, value="verbatims")
    assert wide.sum().sum() == (result.documents["theme_id"] >= 0).sum()
    record_result(url, result)  # the same run again: no duplicates
    assert len(history(url, long=True)) == sum(written.values())


def test_cli_fit_then_weekly_runs_record_history(tmp_path):
    runner = CliRunner()
    src = tmp_path / "week1.csv"
    make_feedback().to_csv(src, index=False)
    common = ["--text", "comment", "--id", "response_id", "--set", "embed.model=hashing",
              "--set", "sentiment.method=vader",
              "--set", "themes.min_theme_size=8", "--quiet"]
    model = tmp_path / "models" / "returns"
    res = runner.invoke(app, ["fit", "-i", str(src), "-m", str(model), *common])
    assert res.exit_code == 0, res.output
    assert (model / "model.json").exists()
    out = tmp_path / "out"
    for _ in range(2):  # the same week twice: replaced, not duplicated
        res = runner.invoke(app, ["run", "-i", str(src), "-m", str(model), "-o", str(out),
                                  "--period", "2026-W05", *common])
        assert res.exit_code == 0, res.output
    rows = history(out / "history.sqlite", long=True)
    assert set(rows["period"]) == {"2026-W05"}
    assert not rows.duplicated(["period", "theme_id"]).any()
    assert len(ThemeModel.load(model).history_) == 2
