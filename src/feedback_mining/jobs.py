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
from .history import record_result
from .pipeline import Pipeline
from .result import Result
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
        url = history_url(cfg)
        written = record_result(url, result, period=period, run_id=run_id)
        result.summary["history"] = {"url": url, "periods": written}
        log.info("history: %s rows by period recorded in %s", written, url)
    return result
