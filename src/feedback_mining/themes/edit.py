"""Editing a fitted theme model from Python: rename, merge and split themes.

The edits change the model itself (its ``themes_`` table, its centroids and, while the
training texts are in memory, its ``labels_``), so :meth:`ThemeModel.save` keeps them and a
loaded model assigns next week's feedback to the edited themes.  Every edit is also logged
in ``edits_`` (saved with the model), so an analyst can see what was changed by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import config_error, input_error
from .geometry import unit
from .keywords import theme_keywords


class ThemeEditsMixin:
    """``rename``, ``merge`` and ``split`` for :class:`~feedback_mining.themes.ThemeModel`."""

    themes_: pd.DataFrame
    centroids_: np.ndarray

    # -- helpers ------------------------------------------------------------------------
    def _edit_log(self) -> list[dict]:
        if not hasattr(self, "edits_"):
            self.edits_ = []
        return self.edits_

    def _row_of(self, theme_id: int) -> int:
        self._check_fitted()
        ids = self.themes_["theme_id"].tolist()
        if int(theme_id) not in ids:
            raise input_error(f"theme id {theme_id}", f"one of the model's themes {ids[:20]}"
                              + (" ..." if len(ids) > 20 else ""), "no such theme",
                              "Look the id up in model.themes_.")
        return ids.index(int(theme_id))

    # -- edits --------------------------------------------------------------------------
    def rename(self, theme_id: int, label: str):
        """Give theme ``theme_id`` the label ``label``; returns the model.

        Examples
        --------
        >>> model.rename(3, "Refund not received")  # doctest: +SKIP
        """
        row = self._row_of(theme_id)
        label = str(label).strip()
        if not label:
            raise config_error("label", "a non-empty text", label)
        old = self.themes_.at[self.themes_.index[row], "label"]
        self.themes_.at[self.themes_.index[row], "label"] = label
        self._edit_log().append({"edit": "rename", "theme_id": int(theme_id),
                                 "from": old, "to": label})
        return self

    def merge(self, theme_ids: Sequence[int], *, label: str | None = None):
        """Merge several themes into the first one given; returns the model.

        The merged theme keeps the first id, a size-weighted centroid, the keywords of all in
        order of size, and ``label`` (default: the label of the largest theme).
        """
        ids = [int(t) for t in theme_ids]
        if len(ids) < 2 or len(set(ids)) != len(ids):
            raise config_error("theme_ids", "two or more different theme ids", theme_ids)
        rows = [self._row_of(t) for t in ids]
        frame = self.themes_
        sizes = frame["size"].to_numpy()[rows].astype(float)
        keep = rows[0]
        centroid = unit((self.centroids_[rows] * sizes[:, None]).sum(axis=0))
        by_size = [rows[i] for i in np.argsort(-sizes, kind="stable")]
        keywords: list[str] = []
        for r in by_size:
            keywords += [w for w in frame.iloc[r]["keywords"] if w not in keywords]
        n_keywords = max(len(frame.iloc[r]["keywords"]) for r in rows)
        examples: list[str] = []
        for r in by_size:
            examples += [e for e in frame.iloc[r]["examples"] if e not in examples]
        n_examples = max(len(frame.iloc[r]["examples"]) for r in rows)
        index = frame.index[keep]
        new_label = label or frame.iloc[by_size[0]]["label"]
        frame.at[index, "label"] = new_label
        frame.at[index, "keywords"] = keywords[:n_keywords]
        frame.at[index, "examples"] = examples[:n_examples]
        frame.at[index, "size"] = int(sizes.sum())
        if "is_new" in frame.columns:
            frame.at[index, "is_new"] = bool(frame.iloc[rows]["is_new"].all())
        self.centroids_[keep] = centroid
        drop = sorted(rows[1:])
        self.centroids_ = np.delete(self.centroids_, drop, axis=0)
        self.themes_ = frame.drop(index=frame.index[drop]).reset_index(drop=True)
        if getattr(self, "labels_", None) is not None:
            self.labels_ = np.where(np.isin(self.labels_, ids[1:]), ids[0], self.labels_)
        self._edit_log().append({"edit": "merge", "theme_ids": ids, "into": ids[0],
                                 "label": new_label})
        return self

    def split(self, theme_id: int, n_themes: int = 2, *, texts: Sequence[str] | None = None,
              embeddings: np.ndarray | None = None):
        """Split a theme in ``n_themes`` by k-means (seeded) on its texts; returns the model.

        Uses the texts the model was fitted on while they are in memory; after :meth:`load`
        pass the theme's ``texts`` and their ``embeddings``.  The first part keeps the id,
        the others get new ids; each part gets keywords, examples and a label of its own.
        """
        from sklearn.cluster import KMeans

        row = self._row_of(theme_id)
        if not isinstance(n_themes, (int, np.integer)) or n_themes < 2:
            raise config_error("n_themes", "an integer >= 2", n_themes)
        member_rows = None
        if texts is None or embeddings is None:
            if getattr(self, "_fit_texts", None) is None or getattr(self, "labels_", None) is None:
                raise input_error(
                    f"split of theme {theme_id}", "the theme's texts and embeddings",
                    "a model loaded from disk, without its training texts",
                    "Call split(theme_id, texts=..., embeddings=...) with the theme's texts.")
            member_rows = np.flatnonzero(self.labels_ == int(theme_id))
            texts = [self._fit_texts[i] for i in member_rows]
            embeddings = self._fit_embeddings[member_rows]
        texts = [str(t) for t in texts]
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(texts) != len(embeddings) or len(texts) < n_themes:
            raise input_error(f"split of theme {theme_id}",
                              f"at least {n_themes} texts with one embedding each",
                              f"{len(texts)} texts and {len(embeddings)} embeddings",
                              "Pass the texts of the theme and their embeddings.")
        parts = KMeans(n_clusters=int(n_themes), n_init=10,
                       random_state=int(getattr(self, "seed", 0) or 0)).fit(embeddings).labels_
        # the largest part keeps the id
        order = np.argsort(-np.bincount(parts, minlength=n_themes), kind="stable")
        next_id = int(self.themes_["theme_id"].max()) + 1
        new_ids = [int(theme_id)] + list(range(next_id, next_id + n_themes - 1))
        part_id = {int(order[i]): new_ids[i] for i in range(n_themes)}
        local = np.array([part_id[int(p)] for p in parts])
        keywords = theme_keywords(texts, local, new_ids, int(getattr(self, "n_keywords", 8)))
        labeler = self._labeler() if hasattr(self, "_labeler") else None
        base = self.themes_.iloc[row].to_dict()
        rows, cents = [], []
        for tid in new_ids:
            members = np.flatnonzero(local == tid)
            centroid = unit(embeddings[members].mean(axis=0))
            sims = embeddings[members] @ centroid
            examples = list(dict.fromkeys(texts[members[i]] for i in np.argsort(-sims)))
            kw = keywords.get(tid, [])
            new = dict(base)
            new.update(theme_id=tid, keywords=[w for w, _ in kw], size=int(len(members)),
                       examples=examples[: max(1, len(base.get("examples", [])) or 3)])
            new["label"] = labeler.label(kw, [texts[i] for i in members[:200]]) if labeler \
                else (kw[0][0] if kw else f"{base['label']} ({tid})")
            rows.append(new)
            cents.append(centroid)
        labels_now = set(self.themes_["label"].tolist()) - {base["label"]}
        for new in rows:  # keep labels distinct from the other themes
            if new["label"] in labels_now:
                new["label"] = f"{new['label']} ({new['theme_id']})"
            labels_now.add(new["label"])
        top = self.themes_.iloc[:row]
        rest = self.themes_.iloc[row + 1:]
        self.themes_ = pd.concat([top, pd.DataFrame(rows, columns=self.themes_.columns), rest],
                                 ignore_index=True)
        self.centroids_ = np.vstack([self.centroids_[:row], np.vstack(cents),
                                     self.centroids_[row + 1:]]).astype(np.float32)
        if member_rows is not None:
            labels = self.labels_.copy()
            labels[member_rows] = local
            self.labels_ = labels
        self._edit_log().append({"edit": "split", "theme_id": int(theme_id),
                                 "into": new_ids})
        return self
