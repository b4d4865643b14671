"""Score a run's themes against labels a user already has: the pipeline, then
:func:`~feedback_mining.themes.evaluate.evaluate_frame`.

This sits above the pipeline (it runs it), so the themes package never imports its caller.
"""

from __future__ import annotations

from .config import Config
from .pipeline import Pipeline
from .themes.evaluate import evaluate_frame


def evaluate_run(config, labels_column: str, data=None) -> dict[str, float | int]:
    """Run the pipeline on labelled feedback and score its themes against ``labels_column``.

    The label column is carried through loading like a segment column, so it is never shown
    to the theme model.  Rows set aside by cleaning count as texts without a theme.  This is
    what ``feedback-mining evaluate --labels COLUMN`` prints.

    Parameters
    ----------
    config : Config
        The run's settings (``input.path`` or ``data`` gives the feedback).
    labels_column : str
        Column of the input that holds the reference label of each row.
    data : DataFrame, optional
        The feedback itself, instead of ``config.input.path``.
    """
    cfg = Config.from_dict(config.to_dict())
    if labels_column not in cfg.input.segments:
        cfg.input.segments = [*cfg.input.segments, labels_column]
    result = Pipeline(cfg).run(data)
    where = str(result.summary.get("source", "input"))
    scores = evaluate_frame(result.documents, labels_column, where=where)
    scores["set_aside"] = int(result.summary.get("rows_set_aside", 0))
    return scores
