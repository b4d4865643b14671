"""Stable themes across runs: keep the ids of known themes, add new ones, record changes.

A weekly job loads last week's :class:`~feedback_mining.themes.ThemeModel` and calls
:func:`update_model` with this week's texts and embeddings:

1. every text is assigned to the known theme whose centroid is closest (above the model's
   ``assign_threshold``); known themes keep their ids, labels (also labels an analyst
   renamed in ``model.json``) and centroids, so "theme 7" means the same thing every week;
2. a fresh model is fitted on this week's texts (a seeded sample of them on the fast path)
   and compared with the known themes through the texts they share:

   - a fresh theme whose texts mostly fit no known theme becomes a **new theme**, with the
     next free id (ids are never reused);
   - a fresh theme that gathers a large part (``overlap``) of two or more known themes is
     recorded as a **merge**; a known theme spread over two or more fresh themes is recorded
     as a **split**.  Merges and splits are recorded, not applied: ids stay stable and the
     analyst decides (renaming or refitting);
3. texts that fit no known theme are assigned to the new themes by centroid.

The changes are returned as a :class:`ThemeChanges` and appended to ``model.history_``,
which :meth:`ThemeModel.save` writes into ``model.json``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone

from ..errors import ModelError
from .geometry import OUTLIER, assign, unit
from .model import ThemeModel, auto_min_theme_size, check_fitted


@dataclass
class ThemeChanges:
    """What a run changed in a saved theme model.

    Attributes
    ----------
    new : list of dict
        ``{"theme_id", "label", "size", "closest_known", "similarity"}`` per new theme.
    merges : list of dict
        ``{"into", "from", "shares"}``: a fresh theme holding ``shares`` of known themes ``from``.
    splits : list of dict
        ``{"theme_id", "into", "shares"}``: a known theme spread over several fresh themes.
    unchanged : list of int
        Known themes that matched one fresh theme.
    absent : list of int
        Known themes no text of this run was assigned to.
    assigned_known, assigned_new, unassigned : int
        Texts assigned to known themes, to new themes, and to none.
    """

    new: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)
    splits: list[dict] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    absent: list[int] = field(default_factory=list)
    assigned_known: int = 0
    assigned_new: int = 0
    unassigned: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    def summary_text(self) -> str:
        parts = [f"{len(self.new)} new theme(s)"
                 + (" (" + ", ".join(f"{t['theme_id']}: {t['label']}" for t in self.new) + ")"
                    if self.new else ""),
                 f"{len(self.merges)} merge(s)", f"{len(self.splits)} split(s)",
                 f"{len(self.unchanged)} unchanged"]
        return "theme changes: " + ", ".join(parts)


def embedder_signature(embedder, dim: int | None = None) -> dict:
    """What a theme model records about its embedding model: ``{"name", "dim"}``."""
    name = getattr(embedder, "name", None) or type(embedder).__name__
    return {"name": str(name), "dim": int(dim if dim is not None else embedder.dim)}


def check_embedder(model: ThemeModel, embedder, dim: int | None = None) -> None:
    """Raise :class:`ModelError` unless ``embedder`` is the one ``model`` was fitted with."""
    recorded = getattr(model, "embedding_model_", None)
    if not recorded:
        return  # a model saved before the embedding model was recorded
    found = embedder_signature(embedder, dim)
    if found["name"] != recorded.get("name") or found["dim"] != recorded.get("dim"):
        raise ModelError(
            f"the theme model was fitted on embeddings from {recorded.get('name')!r} "
            f"({recorded.get('dim')} dimensions), found embeddings from {found['name']!r} "
            f"({found['dim']} dimensions). Set embed.model={recorded.get('name')} (or leave "
            "it at its default to follow the model), or refit with `feedback-mining fit`.")


def next_theme_id(model: ThemeModel) -> int:
    """The next free theme id: after the highest id this model ever used."""
    ids = [int(t) for t in model.themes_["theme_id"]] if len(model.themes_) else []
    return max([getattr(model, "next_theme_id_", 0), max(ids, default=-1) + 1])


def update_model(model: ThemeModel, texts: Sequence[str], embeddings: np.ndarray, *,
                 assigned: np.ndarray | None = None, new_themes: bool = True,
                 min_new_theme_size: int = 0, overlap: float = 0.2,
                 sample_size: int | None = None, run_id: str | None = None,
                 ) -> tuple[ThemeModel, np.ndarray, ThemeChanges]:
    """Assign ``texts`` to the known themes, discover new ones, record merges and splits.

    Parameters
    ----------
    model : ThemeModel
        A fitted (usually loaded) model; it is not modified, a copy is returned.
    texts, embeddings
        This run's texts and their embeddings (same embedding model as ``model``).
    assigned : ndarray of int, optional
        ``model.predict(embeddings)`` when already computed (e.g. on Dask workers).
    new_themes : bool
        Cluster what fits no known theme into new themes.
    min_new_theme_size : int
        Fewest texts for a new theme; 0 uses the model's rule for this many texts.
    overlap : float
        Share of a theme that must go to another for a merge or split to be recorded.
    sample_size : int, optional
        Fit the comparison model on a seeded sample of this many texts (fast path).
    run_id : str, optional
        Recorded in the model's history.

    Returns
    -------
    (updated model, theme id per text, ThemeChanges)

    Examples
    --------
    >>> from feedback_mining.embed import HashingEmbedder
    >>> old = ["refund not received"] * 20 + ["courier never came"] * 20
    >>> emb = HashingEmbedder().encode(old)
    >>> model = ThemeModel(min_theme_size=5).fit(old, emb)
    >>> new = old + ["app crashes at checkout"] * 20
    >>> model2, ids, changes = update_model(model, new, HashingEmbedder().encode(new))
    >>> [t["theme_id"] for t in changes.new]  # ids continue after the known ones
    [1]
    """
    check_fitted(model)
    texts = [str(t) for t in texts]
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if len(texts) != len(embeddings):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings.")
    if assigned is None:
        assigned = model.predict(embeddings)
    assigned = np.asarray(assigned, dtype=int).copy()
    known_ids = [int(t) for t in model.themes_["theme_id"]]
    changes = ThemeChanges()

    updated = _copy(model)
    # every theme the saved model had is a known one; only the themes added below are new
    updated.themes_["is_new"] = False
    next_id = next_theme_id(model)
    fresh_labels, idx = _fresh_fit(model, texts, embeddings, sample_size)

    if fresh_labels is not None:
        old_of_sample = assigned[idx]
        fresh_ids = sorted(t for t in set(fresh_labels.tolist()) if t != OUTLIER)
        n_min = min_new_theme_size or auto_min_theme_size(len(texts))
        # share of each fresh theme's texts that the known model put in each known theme
        table = pd.crosstab(pd.Series(fresh_labels, name="fresh"),
                            pd.Series(old_of_sample, name="old"))
        new_rows, new_centroids = [], []
        for f in fresh_ids:
            row = table.loc[f]
            total = int(row.sum())
            shares = (row / total).sort_values(ascending=False)
            top_old = int(shares.index[0])
            if new_themes and top_old == OUTLIER and shares.iloc[0] >= 0.5:
                members = idx[fresh_labels == f]
                members = members[assigned[members] == OUTLIER]
                if len(members) * len(texts) / max(len(idx), 1) < n_min:
                    continue
                centroid = unit(embeddings[members].mean(axis=0))
                sims = model.centroids_ @ centroid if len(model.centroids_) else np.zeros(0)
                new_rows.append({"theme_id": next_id, "members": members})
                new_centroids.append(centroid)
                changes.new.append({
                    "theme_id": next_id, "label": "", "size": int(len(members)),
                    "closest_known": int(known_ids[int(sims.argmax())]) if len(sims) else None,
                    "similarity": round(float(sims.max()), 3) if len(sims) else None,
                })
                next_id += 1
                continue
            big = [int(o) for o, s in shares.items() if o != OUTLIER and s >= overlap
                   and row[o] >= 2]
            if len(big) >= 2:
                changes.merges.append({"into": top_old if top_old != OUTLIER else big[0],
                                       "from": big,
                                       "shares": [round(float(shares[o]), 3) for o in big]})
        # splits: a known theme whose texts spread over several fresh themes
        by_old = pd.crosstab(pd.Series(old_of_sample, name="old"),
                             pd.Series(fresh_labels, name="fresh"))
        for o in known_ids:
            if o not in by_old.index:
                continue
            row = by_old.loc[o]
            row = row[row.index != OUTLIER]
            if row.sum() == 0:
                continue
            shares = row / row.sum()
            parts = [int(f) for f, s in shares.items() if s >= overlap and row[f] >= 2]
            if len(parts) >= 2:
                changes.splits.append({"theme_id": o, "into_fresh": parts,
                                       "shares": [round(float(shares[f]), 3) for f in parts]})
            elif len(parts) == 1:
                changes.unchanged.append(o)
        if new_rows:
            updated = _add_themes(updated, texts, embeddings, new_rows, new_centroids)
            # only texts that fit no known theme may go to a new theme
            unassigned = np.flatnonzero(assigned == OUTLIER)
            if len(unassigned):
                assigned[unassigned] = assign(embeddings[unassigned], np.vstack(new_centroids),
                                              np.array([r["theme_id"] for r in new_rows]),
                                              model.assign_threshold)
            labels = dict(zip(updated.themes_["theme_id"], updated.themes_["label"], strict=True))
            for item in changes.new:
                item["label"] = labels[item["theme_id"]]

    present = set(assigned.tolist())
    changes.absent = [o for o in known_ids if o not in present]
    new_set = {t["theme_id"] for t in changes.new}
    changes.assigned_known = int(np.isin(assigned, known_ids).sum())
    changes.assigned_new = int(np.isin(assigned, list(new_set)).sum()) if new_set else 0
    changes.unassigned = int((assigned == OUTLIER).sum())
    updated.next_theme_id_ = next_id
    updated.history_ = list(getattr(model, "history_", [])) + [{
        "run_id": run_id, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "texts": len(texts), **changes.to_dict()}]
    return updated, assigned, changes


def _fresh_fit(model: ThemeModel, texts: list[str], embeddings: np.ndarray,
               sample_size: int | None) -> tuple[np.ndarray | None, np.ndarray]:
    n = len(texts)
    idx = np.arange(n)
    if sample_size and n > sample_size:
        idx = np.sort(np.random.default_rng(model.seed).choice(n, sample_size, replace=False))
    if len(idx) < 10:
        return None, idx
    # the model's own settings; known themes are what the comparison is with, not a taxonomy
    fresh = clone(model).set_params(taxonomy=None)
    fresh.fit([texts[i] for i in idx], embeddings[idx])
    return fresh.labels_, idx


def _add_themes(model: ThemeModel, texts: list[str], embeddings: np.ndarray,
                rows: list[dict], centroids: list[np.ndarray]) -> ThemeModel:
    """Describe (keywords, label, examples) the new themes and append them to ``model``."""
    labels = np.full(len(texts), OUTLIER, dtype=int)
    for r in rows:
        labels[r["members"]] = r["theme_id"]
    keep = labels != OUTLIER
    # describe them with the model's own keyword / label code, on their members only
    helper = clone(model).set_params(taxonomy=None)
    sub_texts = [t for t, k in zip(texts, keep, strict=True) if k]
    described = helper.describe(sub_texts, embeddings[keep], labels[keep]).themes_
    taken = set(model.themes_["label"])
    described["label"] = [_unique_label(lbl, taken) for lbl in described["label"]]
    _new_parents(model, described, np.vstack(centroids))
    model.themes_ = pd.concat([model.themes_, described], ignore_index=True)
    model.centroids_ = np.vstack([model.centroids_, np.vstack(centroids)]).astype(np.float32)
    return model


def _new_parents(model: ThemeModel, described: pd.DataFrame, centroids: np.ndarray) -> None:
    """Put the new themes (``described``, in place; ``centroids`` row i is row i's) under
    parents: the parent of the closest known theme when their centroids are at least
    ``model.merge_similarity`` alike, else new parents, grouped as ``describe`` grouped the
    new themes among themselves; a new general theme (:mod:`.cause`) joins the known parent
    of general themes, when there is one.  ``describe`` numbers those groups from 0, the ids of the
    known parents: taken as they were, a new theme of app crashes sat under a known parent
    "Too small" and was counted in its row."""
    known = model.themes_
    first = int(known["parent_id"].max()) + 1 if len(known) else 0
    local = described["parent_id"].astype(int).to_numpy()
    parents = first + np.searchsorted(np.unique(local), local)
    labels = described["parent_label"].astype(str).tolist()
    if len(known) and len(model.centroids_):
        sims = centroids @ np.asarray(model.centroids_, dtype=np.float32).T
        for i, j in enumerate(sims.argmax(axis=1).tolist()):
            if sims[i, j] >= float(model.merge_similarity):
                parents[i] = int(known["parent_id"].iloc[j])
                labels[i] = str(known["parent_label"].iloc[j])
    # a new general theme (it names no cause) joins the known parent of general themes
    general = known.get("general", pd.Series(False, index=known.index)).fillna(False)
    by_parent = general.astype(bool).groupby(known["parent_id"]).all()
    if by_parent.any() and "general" in described:
        home = int(by_parent[by_parent].index[0])
        label = str(known.loc[known["parent_id"] == home, "parent_label"].iloc[0])
        for i in np.flatnonzero(described["general"].fillna(False).to_numpy(bool)).tolist():
            parents[i], labels[i] = home, label
    described["parent_id"] = parents
    described["parent_label"] = labels


def _unique_label(label: str, taken: set[str]) -> str:
    out, k = label, 2
    while out in taken:
        out, k = f"{label} ({k})", k + 1
    taken.add(out)
    return out


def _copy(model: ThemeModel) -> ThemeModel:
    """A copy with every parameter (``clone``) and everything learned or edited (the
    attributes ending in ``_``: themes, centroids, edits, history, taxonomy...)."""
    out = clone(model)
    for key, value in vars(model).items():
        if key.endswith("_") and not key.startswith("_"):
            setattr(out, key, copy.deepcopy(value))
    out.centroids_ = np.asarray(out.centroids_, dtype=np.float32)
    return out
