"""The clean stage never raises, never loses a row, and says why each row was set aside."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback_mining.clean import (
    clean,
    clean_with_stats,
    embedding_keys,
    gibberish_reason,
    junk_reason,
    normalise,
)
from feedback_mining.clean.language import detect_language
from feedback_mining.config import CleanConfig

REVIEWS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / \
    "womens_ecommerce_reviews" / "reviews.csv.zip"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=200), min_size=1, max_size=12))
def test_never_raises_and_no_row_is_lost(texts):
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts})
    out, stats = clean_with_stats(frame, CleanConfig())
    assert len(out) == len(frame) and out["id"].tolist() == frame["id"].tolist()
    reasons = Counter(r for r in out["set_aside"] if r is not None)
    assert stats["rows_read"] == stats["rows_kept"] + sum(stats["rows_set_aside"].values())
    assert stats["rows_set_aside"] == dict(reasons)
    assert stats["rows_kept"] == int(out["set_aside"].isna().sum())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.integers(), st.text()),
                min_size=1, max_size=8))
def test_odd_cell_values_never_raise(values):
    out = clean(pd.DataFrame({"text": pd.Series(values, dtype=object)}))
    assert len(out) == len(values)


def test_reasons():
    frame = pd.DataFrame({"text": [
        "Refund took three weeks", "n/a", "", "asdfghjkl", "zzzzzzz", "xkcd prst",
        "Le colis est arrivé abîmé et personne ne répond au téléphone",
    ]})
    out = clean(frame)
    assert out["set_aside"].tolist() == [
        None, "non_answer", "empty", "gibberish_keyboard", "gibberish_repeated",
        "gibberish_no_vowels", "language"]
    assert out["language"].iloc[6] == "fr"


def test_language_policies():
    frame = pd.DataFrame({"text": ["Le colis est arrivé abîmé et personne ne répond au téléphone",
                                   "The parcel arrived damaged and nobody answers the phone"]})
    flagged = clean(frame, CleanConfig(language="flag"))
    assert flagged["set_aside"].isna().all() and flagged["language"].tolist() == ["fr", "en"]
    kept = clean(frame, CleanConfig(language="keep"))
    assert "language" not in kept.columns and kept["set_aside"].isna().all()
    both = clean(frame, CleanConfig(languages=["en", "fr"]))
    assert both["set_aside"].isna().all()


def test_personal_data_is_gone_from_text_and_text_clean():
    frame = pd.DataFrame({"text": ["<p>Mail jo@example.com or call +44 20 7946 0958</p>"]})
    out, stats = clean_with_stats(frame)
    for col in ("text", "text_clean"):
        assert "example.com" not in out[col].iloc[0] and "7946" not in out[col].iloc[0]
    assert stats["redacted"] == {"EMAIL": 1, "PHONE": 1}
    raw = clean(frame, CleanConfig(redact_pii=False))
    assert "jo@example.com" in raw["text_clean"].iloc[0]


def test_duplicates_are_marked_not_dropped():
    frame = pd.DataFrame({"text": ["Refund is late!", "refund  is late", "Wrong size",
                                   "Refund is late, order [ORDER_ID]"]})
    out, stats = clean_with_stats(frame)
    assert len(out) == 4 and out["set_aside"].isna().all()
    assert out["duplicate"].tolist() == [False, True, False, False]
    keys, dup = embedding_keys(out["text_clean"])
    assert len(keys) == 4 and dup["distinct"] == 3


def test_gibberish_keeps_real_words():
    for text in ["Great dress", "Sizing is off", "Typewriter", "rhythm and blues", "ok"]:
        assert gibberish_reason(text) is None


def test_language_needs_enough_letters():
    assert detect_language("merci") is None


@pytest.mark.shared_data
@pytest.mark.skipif(not REVIEWS.exists(), reason="../shared/data is not here (a user's clone)")
def test_few_real_reviews_are_set_aside_as_gibberish_or_language():
    with zipfile.ZipFile(REVIEWS) as z:
        name = next(n for n in z.namelist() if n.endswith(".csv") and "MACOSX" not in n)
        text = pd.read_csv(z.open(name))["Review Text"].dropna().astype(str).head(3000)
    out = clean(pd.DataFrame({"text": text.tolist()}), CleanConfig(redact_pii=False))
    odd = out["set_aside"].isin(["language"]) | out["set_aside"].str.startswith(
        "gibberish", na=False)
    assert odd.sum() <= 3


# --- foundation tests (main) ---
def test_normalise_repairs_mojibake_markup_and_spaces():
    assert normalise("The refund didnâ€™t  arrive") == "The refund didn't arrive"
    assert normalise("<p>Courier&nbsp;was <b>late</b></p>") == "Courier was late"
    assert normalise("line one\r\n\r\n   line   two") == "line one\nline two"


def test_non_answers_are_set_aside_with_a_reason():
    frame = pd.DataFrame({"text": ["n/a", "No comment.", "  ", "-", "ok", "Refund was late",
                                   "hi"]})
    out = clean(frame)
    assert out["set_aside"].tolist() == ["non_answer", "non_answer", "empty", "non_answer",
                                         "non_answer", None, "too_short"]
    assert len(out) == len(frame)  # nothing dropped


def test_extra_non_answers_from_config():
    assert junk_reason("nothing to report") is None
    cfg = CleanConfig(extra_non_answers=["Nothing to report"])
    assert clean(pd.DataFrame({"text": ["nothing to report"]}), cfg)["set_aside"][0] == "non_answer"


def test_index_and_other_columns_are_kept():
    frame = pd.DataFrame({"text": ["Late refund", "n/a"], "score": [1, 9]}, index=[10, 20])
    out = clean(frame)
    assert out.index.tolist() == [10, 20]
    assert out["score"].tolist() == [1, 9]


def test_ascii_texts_skip_ftfy_only_where_it_would_change_nothing():
    import string
    import unicodedata

    import ftfy
    from hypothesis import example

    from feedback_mining.clean.normalize import fix_unicode

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=string.printable + "\x00\x07\x1b\x7f", max_size=60))
    @example("caf&eacute; &amp; bar\r\n\x1b[31mred")
    def check(text):
        assert fix_unicode(text) == unicodedata.normalize(
            "NFC", ftfy.fix_text(text, normalization="NFC"))

    check()
