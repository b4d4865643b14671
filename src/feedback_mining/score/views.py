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
from ..themes.keywords import PhraseCounts, theme_keywords
from ..themes.labels import GENERIC, STOP, PhraseLabeler, dedupe_labels, is_fragment, phrase_words
from .kinds import FRICTION, PRAISE, STATED_PROBLEM, reads_as_praise

OUTLIER = -1
# The top-level rows of the general themes (mentions that name no cause, themes.cause):
# how they read in each table.
GENERAL_NAMES = {FRICTION: "General dissatisfaction (no cause named)",
                 PRAISE: "General praise (no cause named)"}
# What a friction row named only by a topic is about ("Dress" -> "Dress issues"); such a name
# does not state a problem, though "issues" is a problem word.
TOPIC_SUFFIX = "issues"


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
                labeler=None, fixed_labels: dict[int, str] | None = None,
                fixed_parent_labels: dict[int, str] | None = None,
                counts: PhraseCounts | None = None) -> Views:
    """Score the friction and praise views of the themes.

    ``segments`` (the mentions) need ``text``, ``theme_id``, ``parent_id``, ``sentiment``
    and ``kind``; ``embeddings`` are theirs (same rows).  ``fixed_labels`` (theme id ->
    name) and ``fixed_parent_labels`` (parent id -> name) are names that must not change:
    a taxonomy's, an analyst's renames, a saved model's; they name the friction rows (the
    model names a theme after its complaints), while praise rows are always named by their
    praise.  ``counts``: the phrases of the
    mentions' texts, counted beforehand (:class:`~feedback_mining.themes.keywords.PhraseCounts`).
    """
    from . import score_themes

    fixed_labels = fixed_labels or {}
    fixed_parent_labels = fixed_parent_labels or {}
    is_new = dict(zip(model_themes["theme_id"].astype(int),
                      model_themes.get("is_new", pd.Series(True, index=model_themes.index)),
                      strict=True))
    parent = dict(zip(segments["theme_id"], segments["parent_id"], strict=False))
    children: dict[int, list[int]] = {}
    for t, p in parent.items():
        children.setdefault(int(p), []).append(int(t))
    general = dict(zip(model_themes["theme_id"].astype(int),
                       model_themes.get("general", pd.Series(False, index=model_themes.index))
                       .fillna(False).astype(bool), strict=True))
    out: dict[tuple[str, str], pd.DataFrame] = {}
    extra: dict[str, object] = {}
    kinds = segments["kind"].to_numpy()
    if counts is None:  # each mention read once, for every table below
        counts = PhraseCounts(segments["text"].astype(str).tolist())
    topic = None
    if labeler is None:  # a labeler of the user's own names rows as it likes
        texts = segments["text"].astype(str).to_numpy()
        topic = TopicCheck(texts[kinds == FRICTION].tolist(), texts[kinds == PRAISE].tolist())
    for kind in (FRICTION, PRAISE):
        rows = kinds == kind
        for level, key in (("top", "parent_id"), ("detail", "theme_id")):
            group = segments[key].to_numpy(dtype=int)
            mask = rows & (group != OUTLIER)
            sub = segments[mask].assign(theme_id=group[mask])
            table = describe_groups(sub["text"].tolist(), group[mask], embeddings[mask],
                                    kind=kind, n_keywords=n_keywords, n_examples=n_examples,
                                    labeler=labeler,
                                    fixed=fixed_labels if level == "detail"
                                    and kind == FRICTION else {},
                                    sentiment=sub["sentiment"].to_numpy(float),
                                    negative_below=sentiment.negative_below,
                                    topic=topic if kind == FRICTION else None,
                                    counts=counts.rows(mask))
            scores = score_themes(sub, documents, table, score_type=score_type,
                                  segment_columns=segment_columns if level == "top" else [],
                                  sentiment=sentiment, config=config)
            ranked = scores.themes
            if kind == PRAISE:
                ranked = _rank_by_volume(ranked)
            ranked = ranked.merge(table[["theme_id", "negative_examples"]], on="theme_id",
                                  how="left")
            ranked.insert(3, "kind", kind)
            if level == "detail":
                ranked["is_new"] = ranked["theme_id"].map(is_new).astype(bool)
                ranked["parent_id"] = ranked["theme_id"].map(parent).astype("Int64")
                ranked["general"] = [general.get(int(t), False) for t in ranked["theme_id"]]
            else:
                ranked["is_new"] = [any(is_new.get(c, True) for c in children.get(int(p), []))
                                    for p in ranked["theme_id"]]
                ranked["general"] = [bool(children.get(int(p))) and all(
                    general.get(c, False) for c in children[int(p)]) for p in ranked["theme_id"]]
            if kind == FRICTION:
                ranked = _general_last(ranked)
            out[(kind, level)] = ranked
            if kind == FRICTION and level == "top":
                extra = {"theme_segments": scores.theme_segments, "trend": scores.trend}
    for kind in (FRICTION, PRAISE):
        top = out[(kind, "top")]
        # names that must not change are the friction ranking's; a praise row is named by
        # its praise ("App keeps crashing" is no name for what customers like)
        fixed_top = fixed_parent_labels if kind == FRICTION else {}
        _name_parents(top, out[(kind, "detail")], fixed_top,
                      known=fixed_labels if kind == FRICTION else {},
                      cue=STATED_PROBLEM if kind == FRICTION else None)
        named = top["theme_id"].astype(int).isin(list(fixed_top))
        top.loc[top["general"] & ~named, "label"] = GENERAL_NAMES[kind]
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
                    negative_below: float = -0.05, topic=None,
                    counts: PhraseCounts | None = None) -> pd.DataFrame:
    """One row per group: ``theme_id``, ``label``, ``keywords``, ``examples`` (the most
    typical mentions, closest to the group's centroid) and ``negative_examples`` (the most
    typical negative ones).  With the default labeler and ``topic`` (a :class:`TopicCheck`),
    a friction name that only names a topic says it is a group of complaints ("T shirt
    issues").  ``counts``: the phrases of ``texts`` counted beforehand (see
    :func:`~feedback_mining.themes.keywords.theme_keywords`)."""
    fixed = fixed or {}
    ids = sorted(set(groups.tolist()))
    keywords = theme_keywords(texts, groups, ids, n_keywords, counts=counts) if ids else {}
    # a friction row prefers a phrase that states the problem and avoids one of praise; a
    # praise row avoids a problem ("Don't waste your time" is no name for what customers like)
    avoid = {FRICTION: reads_as_praise, PRAISE: STATED_PROBLEM}.get(kind)
    friction = kind == FRICTION
    labeler = labeler or PhraseLabeler(cue=STATED_PROBLEM if friction else None, avoid=avoid,
                                       topic_suffix=TOPIC_SUFFIX if friction else None,
                                       topic=topic if friction else None)
    rows = []
    for t in ids:
        members = np.flatnonzero(groups == t)
        order = typical_order(texts, embeddings, members,
                              unit(embeddings[members].mean(axis=0)))
        typical = [texts[i] for i in order]
        negative = [texts[i] for i in _clearer_first(order, sentiment, negative_below)]
        label = fixed.get(int(t)) or labeler.label(keywords.get(t, []), typical)
        rows.append({"theme_id": int(t), "label": label,
                     "keywords": [w for w, _ in keywords.get(t, [])],
                     "examples": distinct(typical, n_examples),
                     "negative_examples": distinct(negative, n_examples)})
    return pd.DataFrame(rows, columns=["theme_id", "label", "keywords", "examples",
                                       "negative_examples"])


class TopicCheck:
    """Whether a friction row's name names a topic rather than a problem.

    A topic ("T shirt", "Delivery fee", "Food panda") is what customers talk about when they
    praise as well as when they complain; a problem ("Fabric is thin", "Waste of time",
    "Cancel the order") almost only when they complain.  A name is a topic when its words
    occur, as a phrase, in the run's praise mentions at least ``ratio`` times as often (per
    mention) as in its friction mentions.  Reads at most ``limit`` mentions of each kind
    (evenly spaced).  With no praise mention, nothing is a topic.  A name ending on a stop
    word ("Title says") or holding a word of evaluation ("Bad experience") is never one: it
    is a stock phrase or a feeling, not a thing.
    """

    def __init__(self, friction: list[str], praise: list[str], *, ratio: float = 0.5,
                 limit: int = 20_000):
        self.ratio = ratio
        self.friction = [_flat(t) for t in friction[:: max(1, len(friction) // limit)]]
        self.praise = [_flat(t) for t in praise[:: max(1, len(praise) // limit)]]

    def __call__(self, label: str) -> bool:
        words = _flat(label).split()
        if not words or not self.praise or not self.friction or words[-1] in STOP \
                or GENERIC & set(words):
            return False
        needle = f" {' '.join(words)} "
        in_friction = sum(needle in t for t in self.friction) / len(self.friction)
        in_praise = sum(needle in t for t in self.praise) / len(self.praise)
        return in_friction > 0 and in_praise >= self.ratio * in_friction


def _flat(text: str) -> str:
    """The words of ``text``, lower-case, joined by single spaces, padded with one."""
    return f" {' '.join(w for clause in phrase_words(text) for w in clause)} "


def _clearer_first(order: np.ndarray, sentiment: np.ndarray | None,
                   negative_below: float) -> list[int]:
    """The negative mentions of ``order``, those at or below their median score first, each
    part in ``order``: a slide quotes the clearer complaints first, since misreads sit just
    under the cut-off ("otherwise the fit was perfect." at -0.43 is negative to a model)."""
    if sentiment is None:
        return []
    negative = [i for i in order if sentiment[i] < negative_below]
    if negative:
        cut = np.median(sentiment[negative])
        negative.sort(key=lambda i: bool(sentiment[i] > cut))  # stable: typical order kept
    return negative


def _general_last(table: pd.DataFrame) -> pd.DataFrame:
    """The friction ranking with the general rows (they name no cause) below the rows that
    name one, and above the rows too small to judge; the order is otherwise kept."""
    if not table["general"].any():
        return table
    table = table.assign(_tier=table["low_volume"].astype(int) * 2
                         + table["general"].astype(int))
    table = table.sort_values("_tier", kind="mergesort").drop(columns="_tier")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reset_index(drop=True)


def _rank_by_volume(table: pd.DataFrame) -> pd.DataFrame:
    """What customers like, most mentioned first (small themes last)."""
    table = table.sort_values(["low_volume", "verbatims", "theme_id"],
                              ascending=[True, False, True], kind="mergesort")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reset_index(drop=True)


def _name_parents(top: pd.DataFrame, detail: pd.DataFrame, fixed: dict[int, str], *,
                  known: dict[int, str] | None = None, cue=STATED_PROBLEM) -> None:
    """Name each top-level row: its own phrase (found on all its mentions of that kind)
    when it states a problem or its largest theme's name does not, else its largest
    theme's name.  A narrow theme's name states a problem more often than a name found for
    a broad one ("Keeps crashing" over "Use this app"), but a parent named after one of
    several children misnames the rest ("Live chat" for customer service, refunds and
    cancellations), so a parent's own name is kept unless its largest child's states the
    problem and its own does not, or its own is a fragment.  A name in ``fixed`` (a saved
    model's) is kept, and a parent whose largest theme has a name a person gave (``known``:
    a taxonomy's, a rename) takes that name."""
    def stated(label: str) -> bool:
        return cue is not None and bool(cue.search(label.removesuffix(f" {TOPIC_SUFFIX}")))

    for i, parent in top["theme_id"].items():
        if int(parent) in fixed:
            top.at[i, "label"] = fixed[int(parent)]
            continue
        children = detail[detail["parent_id"] == parent].sort_values(
            ["mentions", "theme_id"], ascending=[False, True])
        if not len(children):
            continue
        own, largest = str(top.at[i, "label"]), str(children["label"].iloc[0])
        if int(children["theme_id"].iloc[0]) in (known or {}):
            top.at[i, "label"] = largest
            continue
        states = stated(own) and not is_fragment(own)
        if not states and (stated(largest) or is_fragment(own)):
            top.at[i, "label"] = largest


def _dedupe(tables: dict[tuple[str, str], pd.DataFrame]) -> None:
    """No two rows of one kind and level share a label (a parent named after its largest
    theme shares that theme's name across levels, on purpose)."""
    for table in tables.values():
        table["label"] = dedupe_labels(table["label"].tolist(), table["keywords"].tolist())
