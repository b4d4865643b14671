"""What a theme looks like to a reader: its centroid, key phrases, size, most typical
texts, label and parent theme, from texts already grouped into themes.

:meth:`ThemeModel.describe <feedback_mining.themes.ThemeModel.describe>` calls
:func:`describe_themes` at the end of ``fit``, on the fast path's k-means themes and on the
new themes of a stable run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cause import general_themes
from .geometry import OUTLIER, centroids, representative
from .hierarchy import choose_parents
from .keywords import PhraseCounts, theme_keywords
from .labels import dedupe_labels

THEME_COLUMNS = ["theme_id", "label", "keywords", "size", "examples", "is_new", "parent_id",
                 "parent_label", "general"]
# The name of the parent of the general themes (those that name no cause, :mod:`.cause`);
# the friction and praise tables name it after their own mentions (score.views).
GENERAL_LABEL = "General comments"


def describe_themes(texts: list[str], embeddings: np.ndarray, labels: np.ndarray, *,
                    known: dict[int, str] | None, n_keywords: int, n_examples: int,
                    n_parents: int | None, labeler, top_min: int = 8, top_max: int = 25,
                    counts: PhraseCounts | None = None) -> tuple[np.ndarray, pd.DataFrame]:
    """The centroids (row i for the i-th smallest theme id) and the theme table
    (``THEME_COLUMNS``) of the themes ``labels`` gives ``texts``.

    ``known`` maps a theme id to the name it keeps (a taxonomy theme); ``labeler`` names
    the others (``label(keywords, texts) -> str``); ``counts``, the key phrases of
    ``texts`` when they were counted before.
    """
    known = known or {}
    ids = sorted(t for t in set(labels.tolist()) if t != OUTLIER)
    cents = centroids(embeddings, labels, ids)
    if counts is None:
        counts = PhraseCounts(texts)  # read once, summed by theme and by parent
    keywords = theme_keywords(texts, labels, ids, n_keywords, counts=counts)
    rows = []
    for i, t in enumerate(ids):
        members = np.flatnonzero(labels == t)
        examples = representative(texts, embeddings, members, cents[i], n_examples)
        label = known.get(t) or labeler.label(keywords[t], [texts[j] for j in members[:200]])
        rows.append({"theme_id": t, "label": label,
                     "keywords": [w for w, _ in keywords[t]],
                     "size": int(len(members)), "examples": examples,
                     "is_new": t not in known})
    frame = pd.DataFrame(rows, columns=THEME_COLUMNS[:6])
    if len(frame):
        new = frame["is_new"].to_numpy()
        deduped = dedupe_labels(frame["label"].tolist(), frame["keywords"].tolist())
        frame["label"] = np.where(new, deduped, frame["label"])  # known names stay as given
    # a known theme is named by a person: never a general one
    frame["general"] = general_themes(texts, labels, ids) & frame["is_new"].to_numpy(bool) \
        if ids else np.zeros(0, dtype=bool)
    parents = choose_parents(cents, frame["size"].to_numpy(), n_parents=n_parents,
                             low=top_min, high=top_max,
                             general=frame["general"].to_numpy(bool)) \
        if ids and n_parents != 0 else None
    return cents, _with_parents(frame, texts, labels, n_keywords, parents, labeler, counts)


def _with_parents(frame: pd.DataFrame, texts: list[str], labels: np.ndarray,
                  n_keywords: int, parents: np.ndarray | None, labeler,
                  counts: PhraseCounts | None = None) -> pd.DataFrame:
    """Group the themes under their parent themes (``None``: none) and label each parent."""
    ids = frame["theme_id"].tolist()
    if not ids:
        return frame.assign(parent_id=pd.Series(dtype=int),
                            parent_label=pd.Series(dtype=object),
                            general=pd.Series(dtype=bool))[THEME_COLUMNS]
    if parents is None:
        frame["parent_id"] = frame["theme_id"].astype(int)
        frame["parent_label"] = frame["label"]
        return frame[THEME_COLUMNS]
    parent_of = dict(zip(ids, parents.tolist(), strict=True))
    text_parent = np.array([parent_of.get(t, OUTLIER) for t in labels.tolist()])
    pids = sorted(set(parents.tolist()))
    keywords = theme_keywords(texts, text_parent, pids, n_keywords, counts=counts)
    names = []
    for p in pids:
        children = frame[parents == p]
        if children["general"].all() and len(children) < len(frame):
            names.append(GENERAL_LABEL)
        elif len(children) == 1:
            names.append(children["label"].iloc[0])
        else:
            members = np.flatnonzero(text_parent == p)
            names.append(labeler.label(keywords[p], [texts[j] for j in members[:200]]))
    names = dedupe_labels(names, [[w for w, _ in keywords[p]] for p in pids])
    frame["parent_id"] = parents.astype(int)
    frame["parent_label"] = [names[pids.index(p)] for p in parents.tolist()]
    return frame[THEME_COLUMNS]
