"""The friction ranking and "what customers like", at the top level and in detail.

The theme model groups mentions by topic (sizing, colour, refunds, the courier...), and
groups its themes under parent themes: the top level.  A topic holds both complaints and
praise, so the tables a reader sees are built per kind of mention
(:mod:`feedback_mining.score.kinds`):

- the **friction ranking** (``Result.themes``): one row per top-level theme, measured on
  its friction mentions only: its volume is the verbatims that complain about it, its label,
  key words and quotes come from those complaints, and its priority from their harm;
- **what customers like** (``Result.praise``): the same on praise mentions, ranked by
  volume;
- the **detail** (``Result.subthemes``): the same two views per theme, under its parent,
  for drilling down.

A theme with too few friction mentions is marked ``low_volume`` and ranked last; one with
none is not in the friction ranking at all.  See docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import ScoreConfig, SentimentConfig
from ..themes.geometry import distinct, typical_order, unit
from ..themes.labels import PhraseLabeler, dedupe_labels
from .kinds import FRICTION, PRAISE, STATED_PROBLEM

OUTLIER = -1


@dataclass
class Views:
    """The tables of the friction and praise views."""

    themes: pd.DataFrame  # top-level friction ranking
    praise: pd.DataFrame  # top-level "what customers like"
    subthemes: pd.DataFrame  # every theme, friction and praise rows, with its parent
    theme_segments: pd.DataFrame = field(default_factory=pd.DataFrame)  # of ``themes``
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)  # of ``themes``


def build_views(segments: pd.DataFrame, documents: pd.DataFrame, model_themes: pd.DataFrame,
                embeddings: np.ndarray, *, score_type: str | None,
                segment_columns: list[str], sentiment: SentimentConfig,
                config: ScoreConfig, n_keywords: int = 8, n_examples: int = 3,
                labeler=None, fixed_labels: dict[int, str] | None = None) -> Views:
    """Score the friction and praise views of the themes.

    ``segments`` needs ``text``, ``theme_id``, ``parent_id``, ``sentiment`` and ``kind``;
    ``embeddings`` are the segments' (same rows).  ``fixed_labels`` are theme labels a person
    gave (a taxonomy's names, renames): they are kept as they are in the detail.
    """
    from . import score_themes

    fixed_labels = fixed_labels or {}
    parent_names = model_themes.drop_duplicates("parent_id").set_index("parent_id")[
        "parent_label"].to_dict() if len(model_themes) else {}
    out: dict[tuple[str, str], pd.DataFrame] = {}
    extra: dict[str, object] = {}
    for kind in (FRICTION, PRAISE):
        rows = segments["kind"].to_numpy() == kind
        for level, key in (("top", "parent_id"), ("detail", "theme_id")):
            group = segments[key].to_numpy(dtype=int)
            mask = rows & (group != OUTLIER)
            sub = segments[mask].assign(theme_id=group[mask])
            fixed = fixed_labels if level == "detail" else {}
            table = describe_groups(sub["text"].tolist(), group[mask], embeddings[mask],
                                    kind=kind, n_keywords=n_keywords, n_examples=n_examples,
                                    labeler=labeler, fixed=fixed,
                                    sentiment=sub["sentiment"].to_numpy(float),
                                    negative_below=sentiment.negative_below)
            scores = score_themes(sub, documents, table, score_type=score_type,
                                  segment_columns=segment_columns if level == "top" else [],
                                  sentiment=sentiment, config=config)
            ranked = scores.themes
            if kind == PRAISE:
                ranked = _rank_by_volume(ranked)
            ranked = ranked.merge(table[["theme_id", "negative_examples"]], on="theme_id",
                                  how="left")
            ranked.insert(1, "kind", kind)
            if level == "top":
                ranked["topic"] = ranked["theme_id"].map(parent_names)
            else:
                parent = dict(zip(segments["theme_id"], segments["parent_id"], strict=False))
                ranked["parent_id"] = ranked["theme_id"].map(parent).astype("Int64")
            out[(kind, level)] = ranked
            if kind == FRICTION and level == "top":
                extra = {"theme_segments": scores.theme_segments, "trend": scores.trend}
    for kind in (FRICTION, PRAISE):
        _name_parents(out[(kind, "top")], out[(kind, "detail")])
    _dedupe(out)
    for kind in (FRICTION, PRAISE):
        top = out[(kind, "top")].set_index("theme_id")["label"].to_dict()
        detail = out[(kind, "detail")]
        detail["parent_label"] = detail["parent_id"].map(top)
    subthemes = pd.concat([out[(FRICTION, "detail")], out[(PRAISE, "detail")]],
                          ignore_index=True)
    return Views(themes=out[(FRICTION, "top")], praise=out[(PRAISE, "top")],
                 subthemes=subthemes, **extra)  # type: ignore[arg-type]


def describe_groups(texts: list[str], groups: np.ndarray, embeddings: np.ndarray, *,
                    kind: str, n_keywords: int, n_examples: int, labeler=None,
                    fixed: dict[int, str] | None = None, sentiment: np.ndarray | None = None,
                    negative_below: float = -0.05) -> pd.DataFrame:
    """One row per group: ``theme_id``, ``label``, ``keywords``, ``examples`` (the most
    typical mentions, closest to the group's centroid) and ``negative_examples`` (the most
    typical negative ones)."""
    from ..themes.keywords import theme_keywords

    fixed = fixed or {}
    ids = sorted(set(groups.tolist()))
    keywords = theme_keywords(texts, groups, ids, n_keywords) if ids else {}
    labeler = labeler or PhraseLabeler(cue=STATED_PROBLEM if kind == FRICTION else None)
    rows = []
    for t in ids:
        members = np.flatnonzero(groups == t)
        order = typical_order(texts, embeddings, members,
                              unit(embeddings[members].mean(axis=0)))
        typical = [texts[i] for i in order]
        negative = [texts[i] for i in order
                    if sentiment is not None and sentiment[i] < negative_below]
        label = fixed.get(int(t)) or labeler.label(keywords.get(t, []), typical)
        rows.append({"theme_id": int(t), "label": label,
                     "keywords": [w for w, _ in keywords.get(t, [])],
                     "examples": distinct(typical, n_examples),
                     "negative_examples": distinct(negative, n_examples)})
    return pd.DataFrame(rows, columns=["theme_id", "label", "keywords", "examples",
                                       "negative_examples"])


def _rank_by_volume(table: pd.DataFrame) -> pd.DataFrame:
    """What customers like, most mentioned first (small themes last)."""
    table = table.sort_values(["low_volume", "verbatims", "theme_id"],
                              ascending=[True, False, True], kind="mergesort")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reset_index(drop=True)


def _name_parents(top: pd.DataFrame, detail: pd.DataFrame, max_words: int = 6) -> None:
    """A top-level theme is named after its two largest themes ("Late delivery and missing
    items"), or its largest alone when both names do not fit in ``max_words``: the names of
    narrow themes state a problem more often than a name found for a broad one."""
    for i, parent in top["theme_id"].items():
        children = detail[detail["parent_id"] == parent].sort_values(
            ["mentions", "theme_id"], ascending=[False, True])
        names = [str(x) for x in children["label"].tolist()]
        if len(names) < 2:
            continue
        first, second = names[0], names[1]
        joined = f"{first} and {second[:1].lower()}{second[1:]}"
        if second.lower() in first.lower() or len(joined.split()) > max_words:
            joined = first
        top.at[i, "label"] = joined


def _dedupe(tables: dict[tuple[str, str], pd.DataFrame]) -> None:
    """No two rows of one kind and level share a label."""
    for table in tables.values():
        table["label"] = dedupe_labels(table["label"].tolist(), table["keywords"].tolist())
