"""Compare discovered themes with labels a user already has.

``cluster_scores`` is what ``benchmarks/themes.py`` and ``feedback-mining evaluate --labels``
print: NMI and ARI between the themes and the labels, the share of texts without a theme and
the number of themes.  Texts without a theme (id -1) count as one group of their own in NMI
and ARI, which is how BERTopic's outlier class is usually scored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import input_error

OUTLIER = -1


def cluster_scores(labels_true: Sequence, themes: Sequence[int]) -> dict[str, float | int]:
    """NMI, ARI, share of texts without a theme and number of themes.

    Parameters
    ----------
    labels_true : sequence
        The reference label of each text (any hashable values).
    themes : sequence of int
        The theme id of each text; -1 means no theme.

    Returns
    -------
    dict with keys ``nmi``, ``ari``, ``unassigned`` (share in [0, 1]), ``n_themes``, ``n_texts``.

    Examples
    --------
    >>> cluster_scores(["a", "a", "b", "b"], [0, 0, 1, -1])["unassigned"]
    0.25
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    y = np.asarray([str(v) for v in labels_true], dtype=object)
    t = np.asarray(themes, dtype=np.int64)
    if len(y) != len(t):
        raise input_error("labels", f"one label per text ({len(t)})", f"{len(y)} labels",
                          "Pass the labels of exactly the texts that were clustered.")
    if len(t) == 0:
        raise input_error("labels", "at least one labelled text", "none",
                          "Give a file whose label column is filled in.")
    return {
        "nmi": float(normalized_mutual_info_score(y, t)),
        "ari": float(adjusted_rand_score(y, t)),
        "unassigned": float(np.mean(t == OUTLIER)),
        "n_themes": int(len(set(t[t != OUTLIER].tolist()))),
        "n_texts": int(len(t)),
    }


def evaluate_frame(frame: pd.DataFrame, label_column: str, *,
                   theme_column: str = "theme_id", where: str = "input") -> dict[str, float | int]:
    """:func:`cluster_scores` of a frame's theme column against its label column.

    Rows whose label is empty are left out (they have nothing to compare with).
    """
    for column in (label_column, theme_column):
        if column not in frame.columns:
            raise input_error(
                f"{where}, column '{column}'", "a column of that name",
                f"columns {list(frame.columns)}",
                "Name the column that holds the reference labels with --labels COLUMN.",
            )
    labelled = frame[frame[label_column].notna() & (frame[label_column].astype(str).str.strip() != "")]
    return cluster_scores(labelled[label_column].tolist(), labelled[theme_column].tolist())


def format_scores(scores: dict[str, float | int]) -> str:
    """One line a person reads: ``NMI 0.84  ARI 0.57  without a theme 0.0%  themes 135``."""
    return (f"NMI {scores['nmi']:.3f}  ARI {scores['ari']:.3f}  "
            f"without a theme {scores['unassigned']:.1%}  themes {scores['n_themes']}  "
            f"texts {scores['n_texts']}")
