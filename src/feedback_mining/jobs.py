"""Scheduled jobs: (re)build a theme model, and the weekly run against a saved model.

Both are what the ``feedback-mining fit`` and ``feedback-mining run --model`` commands call,
and work the same from a notebook.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pandas as pd

from .config import Config
from .errors import HistoryError
from .history import record_result
from .pipeline import Pipeline
from .result import Result
from .safe import mask_url
from .themes import ThemeModel

log = logging.getLogger("feedback_mining")


def history_url(cfg: Config) -> str:
    """``history.url``, or ``<output.dir>/history.sqlite`` when it is not set."""
    return cfg.history.url or str(Path(cfg.output.dir) / "history.sqlite")


def fit(data: pd.DataFrame | str | Path | None, model_dir: str | Path,
        config: Config | None = None) -> Result:
    """Fit a theme model on ``data`` and save it to ``model_dir`` (safetensors + JSON)."""
    result = Pipeline(config or Config()).run(data)
    result.model.save(model_dir)
    result.summary["model_saved_to"] = str(model_dir)
    log.info("theme model with %d themes saved to %s", len(result.model.themes_), model_dir)
    return result


def scheduled_run(data: pd.DataFrame | str | Path | None, config: Config | None = None, *,
                  model_dir: str | Path | None = None, period: str | None = None,
                  record: bool = True, run_id: str | None = None) -> Result:
    """One run of the weekly job.

    With ``model_dir``: assign to the saved model's themes (ids and labels kept), add new
    themes for what does not fit, record merges and splits, and save the updated model
    back (a model folder that does not exist yet is fitted and created).  The theme table
    is then recorded in the history store by period (``history.url``).
    """
    cfg = config or Config()
    run_id = run_id or uuid.uuid4().hex[:12]
    model = None
    if model_dir is not None and (Path(model_dir) / "model.json").exists():
        model = ThemeModel.load(model_dir)
    result = Pipeline(cfg, model=model, run_id=run_id).run(data)
    result.summary["run_id"] = run_id
    if model_dir is not None:
        result.model.save(model_dir)
        result.summary["model_saved_to"] = str(model_dir)
    if record and cfg.history.enabled:
        record_history(result, period=period, run_id=run_id)
    return result


def record_history(result: Result, *, period: str | None = None,
                   run_id: str | None = None) -> dict:
    """Record ``result`` in the history store (``history.url``); the CLI calls it once the
    outputs are in place, so a run that fails never leaves rows behind.

    A store that is locked, damaged, read-only or unreachable does not raise: the failure
    is logged as a warning and kept in ``result.summary["history"]["error"]`` (the CLI then
    exits with code 8, outputs kept).  The URL's password never reaches the summary or a
    message.
    """
    cfg = result.config
    url = history_url(cfg)
    shown = str(mask_url(url))
    try:
        written = record_result(url, result, period=period,
                                run_id=run_id or result.summary.get("run_id"))
    except Exception as exc:  # noqa: BLE001 - any store failure keeps the outputs
        first = str(mask_url(str(exc))).splitlines()[0] if str(exc) else ""
        error = HistoryError(f"{shown}: expected a history store this run can write, found "
                             f"{type(exc).__name__} ({first[:200]}). The outputs are written; "
                             "fix or move the store (history.url), or run with --no-history.")
        log.warning("%s", error)
        result.summary["history"] = {"url": shown, "error": str(error)}
        return result.summary["history"]
    result.summary["history"] = {"url": shown, "periods": written}
    log.info("history: %s rows by period recorded in %s", written, shown)
    return result.summary["history"]
