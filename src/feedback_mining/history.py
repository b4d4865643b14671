"""The run history: every run's theme table, by period, in one database.

A file path or ``sqlite:///...`` URL gives an embedded SQLite file (the default, standard
library); any SQLAlchemy URL (``postgresql://user@host/db``, ``duckdb:///file.duckdb`` with
the ``duckdb-engine`` package) gives a shared store for a team.

Rows are keyed by ``period`` and ``run_id``.  Recording a period that is already there
replaces it in one transaction, so a re-run never duplicates rows and a failed write leaves
the previous rows in place.

>>> import tempfile, pandas as pd
>>> url = tempfile.mkdtemp() + "/history.sqlite"
>>> themes = pd.DataFrame({"theme_id": [0, 1], "label": ["Refund late", "Label missing"],
...                        "verbatims": [30, 10], "mentions": [30, 10], "share": [0.75, 0.25]})
>>> record(url, themes, period="2026-W01", run_id="a")
2
>>> record(url, themes, period="2026-W01", run_id="b")   # re-run: replaces, no duplicates
2
>>> history(url, value="verbatims").values.tolist()
[[30.0], [10.0]]
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError
from .safe import mask_url
from .score import theme_table

TABLE = "theme_history"
RUNS = "runs"
VALUES = ("verbatims", "mentions", "share", "sentiment_mean", "share_negative",
          "negative_verbatims", "score_mean", "nps", "priority")


def to_url(url: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a file path (a path means an SQLite file)."""
    text = str(url)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _engine(url: str | Path):
    import sqlalchemy as sa

    try:
        return sa.create_engine(to_url(url))
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise ConfigError(f"setting 'history.url' must be a file path or a SQLAlchemy URL "
                          f"(sqlite:///file, postgresql://...); received "
                          f"{mask_url(str(url))!r} ({mask_url(str(exc))}).") from None


def _tables(metadata):
    import sqlalchemy as sa

    themes = sa.Table(
        TABLE, metadata,
        sa.Column("period", sa.String(64), nullable=False, index=True),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("theme_id", sa.Integer, nullable=False),
        sa.Column("label", sa.Text),
        *[sa.Column(v, sa.Float) for v in VALUES],
        sa.Column("recorded_at", sa.String(32)),
        sa.UniqueConstraint("period", "theme_id", name="uq_period_theme"),
    )
    runs = sa.Table(
        RUNS, metadata,
        sa.Column("period", sa.String(64), primary_key=True),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32)),
        sa.Column("summary", sa.Text),
    )
    return themes, runs


def record(url: str | Path, themes: pd.DataFrame, *, period: str, run_id: str | None = None,
           summary: dict | None = None) -> int:
    """Store one period's theme table, replacing that period if it is there already.

    Returns the number of theme rows stored.
    """
    import sqlalchemy as sa

    engine = _engine(url)
    metadata = sa.MetaData()
    table, runs = _tables(metadata)
    metadata.create_all(engine)
    run_id = run_id or uuid.uuid4().hex[:12]
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rows = []
    for rec in themes.to_dict(orient="records"):
        row = {"period": str(period), "run_id": run_id, "theme_id": int(rec["theme_id"]),
               "label": str(rec.get("label", "")), "recorded_at": now}
        for v in VALUES:
            value = rec.get(v)
            row[v] = None if value is None or (isinstance(value, float) and np.isnan(value)) \
                else float(value)
        rows.append(row)
    with engine.begin() as conn:  # one transaction: delete + insert, or nothing
        conn.execute(table.delete().where(table.c.period == str(period)))
        conn.execute(runs.delete().where(runs.c.period == str(period)))
        if rows:
            conn.execute(table.insert(), rows)
        conn.execute(runs.insert(), [{"period": str(period), "run_id": run_id, "recorded_at": now,
                                      "summary": json.dumps(summary or {}, default=str)}])
    engine.dispose()
    return len(rows)


def record_result(url: str | Path, result, *, period: str | None = None,
                  run_id: str | None = None) -> dict[str, int]:
    """Store a :class:`~feedback_mining.Result` by period.

    With ``period`` the whole run is one period.  Otherwise, when the input has a date
    column, each period of ``config.score.period`` ("M", "W"...) the dates fall in gets its
    own theme table; without dates the run's own date gives the period.
    """
    cfg = result.config
    docs = result.documents
    if period is not None:
        groups = {str(period): None}
    elif "date" in docs and docs["date"].notna().any():
        periods = pd.to_datetime(docs["date"], errors="coerce").dt.to_period(cfg.score.period)
        groups = {str(p): (periods == p).to_numpy() for p in sorted(periods.dropna().unique())}
    else:
        today = pd.Timestamp(dt.date.today()).to_period(cfg.score.period)
        groups = {str(today): None}
    out = {}
    for name, mask in groups.items():
        if mask is None:
            table = result.themes
        else:
            sub_docs = docs[mask]
            sub_segs = result.mentions[result.mentions["doc_id"].isin(sub_docs["id"])]
            model_themes = result.model.themes_ if result.model is not None else result.themes
            table = theme_table(sub_segs, sub_docs, model_themes,
                                score_type=result.summary.get("score_type"),
                                sentiment=cfg.sentiment, config=cfg.score)
        out[name] = record(url, table, period=name, run_id=run_id, summary=result.summary.to_dict())
    return out


def history(url: str | Path, *, value: str = "verbatims", long: bool = False,
            themes: list[int] | None = None) -> pd.DataFrame:
    """The theme-by-period table trend metrics and plots use.

    Parameters
    ----------
    url : str or Path
        The history store (file path or SQLAlchemy URL).
    value : str
        Which figure fills the table: one of ``verbatims``, ``mentions``, ``share``,
        ``sentiment_mean``, ``share_negative``, ``negative_verbatims``, ``score_mean``,
        ``nps``, ``priority``.
    long : bool
        Return the stored rows (period, run_id, theme_id, label, every figure) instead.
    themes : list of int, optional
        Keep only these theme ids.

    Returns
    -------
    DataFrame indexed by (theme_id, label) with one column per period, in period order
    (or the long table).
    """
    import sqlalchemy as sa

    if value not in VALUES:
        raise ConfigError(f"setting 'value' must be one of {', '.join(VALUES)}; "
                          f"received {value!r}.")
    engine = _engine(url)
    metadata = sa.MetaData()
    table, _ = _tables(metadata)
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(TABLE):
            frame = pd.DataFrame(columns=[c.name for c in table.columns])
        else:
            frame = pd.read_sql(sa.select(table).order_by(table.c.period, table.c.theme_id), conn)
    engine.dispose()
    if themes is not None:
        frame = frame[frame["theme_id"].isin(themes)]
    if long:
        return frame.reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame()
    # the label of each theme is its latest one (an analyst may rename themes)
    latest = frame.sort_values("period").groupby("theme_id")["label"].last()
    wide = frame.pivot_table(index="theme_id", columns="period", values=value, aggfunc="first")
    wide.index = pd.MultiIndex.from_arrays([wide.index, latest.reindex(wide.index).to_numpy()],
                                           names=["theme_id", "label"])
    wide.columns.name = "period"
    return wide


def changes(url: str | Path, config=None) -> pd.DataFrame:
    """What changed between the last two periods of the history: the table of
    :func:`feedback_mining.score.period_changes` (``result.changes``), from the stored
    runs.  Each period's verbatim count is read back from a theme's ``verbatims / share``.

    >>> import tempfile, pandas as pd
    >>> url = tempfile.mkdtemp() + "/history.sqlite"
    >>> week = lambda n: pd.DataFrame({"theme_id": [0], "label": ["Refund late"],
    ...                                "verbatims": [n], "share": [n / 400]})
    >>> _ = record(url, week(20), period="2026-W01"); _ = record(url, week(60), period="2026-W02")
    >>> changes(url)[["label", "share_prev", "share_last", "significance"]].values.tolist()
    [['Refund late', 0.05, 0.15, 'beyond chance (p < 0.01)']]
    """
    from .score import period_changes

    long = history(url, long=True)
    if long.empty:
        return period_changes(pd.DataFrame(), config)
    long = long.dropna(subset=["verbatims"])
    with np.errstate(divide="ignore", invalid="ignore"):
        totals = (long["verbatims"] / long["share"]).replace([np.inf, -np.inf], np.nan)
    period_n = totals.groupby(long["period"]).median().round()
    trend = pd.DataFrame({"theme_id": long["theme_id"].astype(int), "label": long["label"],
                          "period": long["period"].astype(str),
                          "period_verbatims": long["period"].map(period_n).fillna(0),
                          "verbatims": long["verbatims"].astype(float)})
    return period_changes(trend, config)
