"""The segment stage: split each kept verbatim into the pieces themes are found in.

"Refund took 3 weeks and the courier never came" raises two problems; as two segments each
can land in its own theme.  The segments table has one row per segment: ``doc_id`` (the
verbatim's id), ``segment`` (0-based position in the verbatim), ``text`` and ``embed_key``
(near-duplicate segments share it, so they are embedded once; see
:mod:`feedback_mining.clean.duplicates`).  Volume can be counted by segment (mentions) or by
verbatim.

Methods (``segment.method``):

- ``"none"``: one segment per verbatim;
- ``"sentences"``: spaCy's rule-based sentencizer on a blank English pipeline (offline);
- ``"clauses"``: sentences, then clause boundaries: ";", "but", "however", "although",
  "and also", "also", "plus", "on top of that", "additionally", and "and" when a new subject
  follows ("and the courier...", "and I...").

A piece shorter than ``segment.min_words`` words stays with its neighbour, so no fragment is
too short to mean anything; a piece of only greetings, thanks or placeholders ("Hi team!",
"[URL]") is dropped (see :mod:`feedback_mining.clean.noise`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pandas as pd

from .clean.duplicates import embedding_keys
from .clean.noise import content_text, has_content
from .config import SEGMENT_METHODS, SegmentConfig, check_setting

METHODS = SEGMENT_METHODS  # declared in config.py

_SUBJECT = (
    r"(?:the|my|your|our|their|his|her|its|it|they|i|we|he|she|you|nobody|no one|nothing|"
    r"no|there|this|that|these|those|then|now|customer service|support|someone|everyone)"
)
_CLAUSE = re.compile(
    r"\s*;\s*"
    r"|,?\s+(?=(?:but|however|although|though|whereas|yet|plus|additionally|moreover|"
    r"furthermore|also|on top of that|in addition|and also|and then|and besides|otherwise)\b[\s,])"
    r"|,?\s+(?=and\s+" + _SUBJECT + r"\b\s)"
    r"|(?<=[,:])\s+(?=(?:and\s+)?" + _SUBJECT + r"\b\s+\w+)(?<!\b(?:e\.g|i\.e)\.,\s)"
    r"|\s+[-–—]+\s+",
    re.I,
)
_FILLER = re.compile(
    r"^(?:having said that|that being said|that said|with that said|saying that|then again|"
    r"on the other hand|in any case|anyway|overall|all in all)[\s,.!]*$",
    re.I,
)
_LEADING = re.compile(
    r"^(?:having said that|that being said|that said|on the other hand|"
    r"and also|and then|and besides|and|but|however|although|though|whereas|yet|plus|"
    r"additionally|moreover|furthermore|also|on top of that|in addition|otherwise)\b[\s,]*",
    re.I,
)
_WORD = re.compile(r"\w+")


def split_sentences(texts: list[str], batch_size: int = 256) -> list[list[str]]:
    """Sentences of each text, with spaCy's sentencizer on a blank English pipeline.

    The sentencizer ends a sentence only after a sentence-final character ("." "!" "?" and
    their counterparts in other scripts); a text with none before its end is one sentence,
    and is cut at its line breaks without going through spaCy.
    """
    nlp, may_split = _sentencizer()
    out: list[list[str] | None] = [None] * len(texts)
    todo = []
    for i, text in enumerate(texts):
        if may_split(text):
            todo.append(i)
        else:
            out[i] = _keep_brackets(_lines(text))
    docs = nlp.pipe((texts[i].replace("\n", " \n ") for i in todo), batch_size=batch_size)
    for i, doc in zip(todo, docs, strict=True):
        out[i] = _keep_brackets([part for s in doc.sents for part in _lines(s.text)])
    return out  # type: ignore[return-value]


def _lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each with its spaces collapsed."""
    return [part for part in (" ".join(p.split()) for p in text.split("\n")) if part]


def _keep_brackets(sents: list[str]) -> list[str]:
    """spaCy's sentencizer ends a sentence after an opening bracket ("late. [" | "URL]");
    the bracket goes back to the placeholder it opens, so "[URL]" is never "[ URL]"."""
    for i in range(len(sents) - 1):
        m = _OPENING.search(sents[i])
        if m:
            sents[i + 1] = m.group().replace(" ", "") + sents[i + 1]
            sents[i] = sents[i][:m.start()].rstrip()
    return [s for s in sents if s]


_OPENING = re.compile(r"(?:\s*[\[(])*\[$")  # "[", "([": a placeholder's opening


def split_clauses(sentence: str) -> list[str]:
    """Clause pieces of one sentence (before short pieces are merged back).

    >>> split_clauses("Refund took 3 weeks and the courier never came")
    ['Refund took 3 weeks', 'the courier never came']
    >>> split_clauses("Love the fit; however the zip broke after a wash")
    ['Love the fit', 'the zip broke after a wash']
    """
    pieces = []
    for piece in _CLAUSE.split(sentence):
        piece = _LEADING.sub("", piece.strip(" ,")).strip(" ,")
        if piece and not _FILLER.match(piece):
            pieces.append(piece)
    return pieces


def merge_short(pieces: list[str], min_words: int) -> list[str]:
    """Join pieces shorter than ``min_words`` words to a neighbour.

    >>> merge_short(["Too small", "the refund took three weeks", "sadly"], 3)
    ['Too small the refund took three weeks sadly']
    """
    out: list[str] = []
    pending = ""
    for piece in pieces:
        piece = f"{pending} {piece}".strip() if pending else piece
        pending = ""
        if len(_WORD.findall(piece)) < min_words:
            pending = piece
            continue
        out.append(piece)
    if pending:
        if out:
            out[-1] = f"{out[-1]} {pending}"
        else:
            out.append(pending)
    return out


def split_text(texts: list[str], method: str = "clauses", min_words: int = 3) -> list[list[str]]:
    """Segments of each text under ``method``; every text gives at least one segment.

    >>> split_text(["Refund took 3 weeks and the courier never came. Great dress though!"])
    [['Refund took 3 weeks', 'the courier never came.', 'Great dress though!']]
    """
    check_setting(SegmentConfig, "method", method)  # a plain argument here, not a config
    if method == "none":
        return [[t] for t in texts]
    result = []
    for text, sents in zip(texts, split_sentences(texts), strict=True):
        pieces: list[str] = []
        for s in sents:
            pieces += split_clauses(s) if method == "clauses" else [s]
        pieces = merge_short(pieces, min_words)
        # "Hi team!", "Thanks in advance" or a lone "[URL]" is not a mention of anything
        kept = [p for p in pieces if has_content(p)]
        result.append(kept or pieces or [text])
    return result


def segment(documents: pd.DataFrame, config: SegmentConfig | None = None) -> pd.DataFrame:
    """Return the segments of the kept rows of ``documents`` (``set_aside`` is null).

    Counts are in ``out.attrs["feedback_mining"]["segment"]`` (see :func:`segment_stats`).

    >>> docs = pd.DataFrame({"id": ["a", "b"], "text_clean": ["Late refund", "n/a"],
    ...                      "set_aside": [None, "non_answer"]})
    >>> segment(docs)[["doc_id", "segment", "text"]].values.tolist()
    [['a', 0, 'Late refund']]
    """
    config = config or SegmentConfig()
    kept = documents[documents["set_aside"].isna()]
    texts = [str(t) for t in kept["text_clean"].tolist()]
    parts = split_text(texts, config.method, max(1, int(config.min_words)))
    doc_ids, index, seg_texts = [], [], []
    for doc_id, pieces in zip(kept["id"].tolist(), parts, strict=True):
        for i, piece in enumerate(pieces):
            doc_ids.append(doc_id)
            index.append(i)
            seg_texts.append(piece)
    key_texts = documents.loc[kept.index, "embed_text"].tolist() if (
        "embed_text" in documents.columns and config.method == "none") else seg_texts
    # What is embedded leaves out placeholders, masks and @handles, so "[URL]" or "@brand"
    # cannot pull unrelated mentions together into a theme.
    key_texts = [content_text(str(k)) or str(k) for k in key_texts]
    keys, dup = embedding_keys(key_texts)
    out = pd.DataFrame({"doc_id": doc_ids, "segment": pd.Series(index, dtype="int64"),
                        "text": seg_texts, "embed_key": keys})
    out.attrs["feedback_mining"] = {"segment": segment_stats(out, len(kept), dup)}
    return out


def segment_stats(segments: pd.DataFrame, n_docs: int, dup: dict[str, int] | None = None
                  ) -> dict[str, Any]:
    """Counts for the run summary: verbatims, segments, verbatims split, duplicates."""
    per_doc = segments.groupby("doc_id", sort=False).size() if len(segments) else pd.Series([])
    stats: dict[str, Any] = {
        "verbatims": int(n_docs),
        "segments": int(len(segments)),
        "verbatims_split": int((per_doc > 1).sum()),
    }
    if dup is not None:
        stats["distinct_embed_texts"] = int(dup["distinct"])
        stats["duplicate_segments"] = int(dup["duplicates"])
    return stats


@lru_cache(maxsize=1)
def _sentencizer() -> tuple[Any, Callable[[str], bool]]:
    """The pipeline, and a test of whether a text has a sentence-final character before the
    run of them it ends with (spaces aside): only after one may the sentencizer start a
    sentence that holds anything but spaces."""
    import spacy

    nlp = spacy.blank("en")
    ends = "".join(nlp.add_pipe("sentencizer").punct_chars)
    end = re.compile(f"[{re.escape(ends)}]")
    return nlp, lambda text: end.search(text.rstrip().rstrip(ends)) is not None
