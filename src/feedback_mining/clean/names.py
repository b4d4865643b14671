"""Names the redactor finds without a named-entity model: after a title ("Mr Berg"), after
a role ("the rider Oskarsson"), before "from customer service" ("Ingrid from customer
service").  :mod:`.pii` turns each span into ``[PERSON]``; docs/pii.md has the rules and
their measured precision."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# A name after a title ("Mr Berg", "ms holm", "Dr. Anna Smith", "Miss Berg"): the name is
# replaced, the title kept ("Mr [PERSON]").  "Miss", "Sir" and "Madam" are also words ("I
# miss the old app", "thank you sir"), so they count only capitalised, before a capitalised
# name; further names are capitalised words and initials ("Mr Anders Berg Holm", "Mr. Berg
# Y. C").
_NAME = r"[A-Za-z][A-Za-z'’-]+"
_TITLED_NAME = re.compile(
    r"(?<![\w@])(?:(?i:mr|mrs|ms|mdm|dr|mister|madame)\.?\s+(?P<lower>(?:[A-Z]\.\s?)*" + _NAME + r")"
    r"|(?:Miss|Sir|Madam|Mx)\.?\s+(?P<upper>[A-Z][a-z'’-]+))"
    r"(?P<more>(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]\.(?:\s?[A-Z]\.?)?)(?![\w'’-])){0,3})"
)
TITLE_SIGNAL = re.compile(r"(?i:\b(?:mr|mrs|ms|mdm|dr|mister|madame)\b)|\b(?:Miss|Sir|Madam|Mx)\b")

# A name after a role ("the rider Oskarsson", "agent named Brunhilde", "driver, Ingvar") or before
# "from customer service" ("Hope from customer service"): only a capitalised word that is
# not an English word (spaCy's lookup tables), so "driver Nice" or "Lack of customer
# service" stay; one line at a time.
_CAPS = r"[A-Z][a-z'’-]+"
_ROLES = (r"driver|rider|agent|courier|delivery[ \t]+(?:guy|man|boy|person|driver|rider)|staff|"
          r"officer|representative|rep|csr|advisor|adviser|operator|uncle|auntie|aunty|manager|"
          r"supervisor|technician|cashier|waiter|waitress|consultant|specialist|associate")
_SUPPORT = (r"customer[ \t]+(?:service|support|care)|support|help[ \t]*desk|"
            r"call[ \t]+cent(?:er|re)")
_ROLE_NAME = re.compile(
    r"\b(?i:" + _ROLES + r")"
    r"(?:[ \t]*,)?[ \t]+(?:(?i:named|called)[ \t]+)?(?P<name>" + _CAPS + r"(?:[ \t]+" + _CAPS
    + r"){0,3})\b"
    r"|(?<![\w.])(?P<before>" + _CAPS + r"(?:[ \t]+" + _CAPS + r")?)[ \t]+(?i:from|at)[ \t]+"
    r"(?:(?i:the|your)[ \t]+)?(?i:" + _SUPPORT + r")\b"
)
# a cheap test before the pattern: every match holds one of these
ROLE_SIGNAL = re.compile(r"(?i:" + _ROLES + "|" + _SUPPORT + ")")


@lru_cache(maxsize=1)
def _english_words() -> tuple[Any, frozenset[str]]:
    """spaCy's English lemma lookup table (word forms, looked up by hash) and its lemmas,
    with scikit-learn's stop words and the titles."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    return table, frozenset(set(table.values()) | ENGLISH_STOP_WORDS
                            | {"mr", "mrs", "ms", "mdm", "dr", "miss", "sir", "madam"})


def _is_english(word: str) -> bool:
    """Whether ``word`` (any case) is an English word form."""
    table, words = _english_words()
    word = word.lower()
    return word in words or word in table


def role_names(text: str) -> list[tuple[int, int]]:
    """Names after a role or before "from customer service" (see ``_ROLE_NAME``)."""
    out = []
    for m in _ROLE_NAME.finditer(text):
        group = "name" if m.group("name") else "before"
        if _is_english(m.group(group).split()[0]):
            continue
        out.append((m.start(group), m.end(group)))
    return out


def titled_names(text: str) -> list[tuple[int, int]]:
    """Names after a title; a stop word after the title is no name ("Dr. is in")."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    out = []
    for m in _TITLED_NAME.finditer(text):
        first = m.group("lower") or m.group("upper")
        if first.lower() in ENGLISH_STOP_WORDS:
            continue
        start = m.start("lower") if m.group("lower") else m.start("upper")
        out.append((start, m.end("more") if m.group("more") else start + len(first)))
    return out
