"""Verbatims raising several issues become several segments linked to their verbatim."""

from __future__ import annotations

import pandas as pd
import pytest

from feedback_mining.config import SegmentConfig
from feedback_mining.errors import ConfigError
from feedback_mining.segment import segment, split_text


def docs(texts):
    return pd.DataFrame({"id": [f"d{i}" for i in range(len(texts))], "text_clean": texts,
                         "set_aside": [None] * len(texts)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Refund took 3 weeks and the courier never came",
         ["Refund took 3 weeks", "the courier never came"]),
        ("The dress is lovely but the zip broke after one wash",
         ["The dress is lovely", "the zip broke after one wash"]),
        ("Sizes run small; however the fabric is great",
         ["Sizes run small", "the fabric is great"]),
        ("Delivery was slow. Also the box arrived damaged.",
         ["Delivery was slow.", "the box arrived damaged."]),
    ],
)
def test_clauses(text, expected):
    assert split_text([text], "clauses")[0] == expected


def test_no_fragment_too_short():
    pieces = split_text(["Great, but small. And also slow, but ok"], "clauses", min_words=3)[0]
    assert all(len(p.split()) >= 3 for p in pieces)


def test_sentences_and_none():
    text = "Refund took 3 weeks and the courier never came. Great dress though!"
    assert split_text([text], "sentences")[0] == [
        "Refund took 3 weeks and the courier never came.", "Great dress though!"]
    assert split_text([text], "none")[0] == [text]


def test_segments_link_to_their_verbatim_and_skip_set_aside():
    d = docs(["Refund took 3 weeks and the courier never came", "n/a", "Lovely fit"])
    d.loc[1, "set_aside"] = "non_answer"
    seg = segment(d, SegmentConfig(method="clauses"))
    assert seg[["doc_id", "segment"]].values.tolist() == [["d0", 0], ["d0", 1], ["d2", 0]]
    assert seg.attrs["feedback_mining"]["segment"]["verbatims_split"] == 1


def test_duplicates_share_an_embed_key_but_keep_their_rows():
    d = docs(["Refund is late!", "refund is LATE", "Refund is late [ORDER_ID]", "Wrong size"])
    seg = segment(d, SegmentConfig(method="none"))
    assert len(seg) == 4  # volume never shrinks
    # a placeholder is not embedded, so the third is the first one's near-duplicate too
    assert seg["embed_key"].nunique() == 2
    assert seg.attrs["feedback_mining"]["segment"]["duplicate_segments"] == 2


def test_unknown_method():
    with pytest.raises(ConfigError, match="segment.method"):
        segment(docs(["x y z"]), SegmentConfig(method="words"))


def test_arbitrary_text_never_raises_and_every_verbatim_has_a_segment():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None)
    @given(st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=6))
    def check(texts):
        seg = segment(docs(texts), SegmentConfig(method="clauses"))
        assert set(seg["doc_id"]) == {f"d{i}" for i in range(len(texts))}

    check()


def test_texts_that_skip_spacy_get_the_sentences_spacy_would_give():
    # A text with no sentence-final character before its end is cut without running spaCy;
    # the result must be what spaCy's sentencizer gives, for any text.
    import spacy
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from feedback_mining.segment import _keep_brackets, split_sentences

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")

    def spacy_sentences(text):
        doc = nlp(text.replace("\n", " \n "))
        parts = [" ".join(p.split()) for s in doc.sents for p in s.text.split("\n")]
        return _keep_brackets([p for p in parts if p])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.text(alphabet="ab .!?\n\t[]()…。1", min_size=1, max_size=40),
                    min_size=1, max_size=8))
    @example(["no stop here\nsecond line", "ends here.", "ends here!!  \n ", "late. [URL]",
              "e.g. this one", "What?! No.", "wait...", " [ ", "\u3002end", "3.5 stars"])
    def check(texts):
        assert split_sentences(texts) == [spacy_sentences(t) for t in texts]

    check()
