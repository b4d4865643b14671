"""Whether a mention names a cause: the words of problems, and the general comments.

Customers often say how they feel without saying about what: "Worst experience ever.",
"Will never use this app again.", "This happened again!", "Keep it up!".  Such mentions are
real feedback, and they form themes of their own (their embeddings sit together), but a
theme of them names no problem to fix: ranked among the friction themes it reads as a
cause ("Waste of time", "Zero star", "Never use").

A mention **names a cause** when one of its words is neither a stop word, nor a word of
evaluation (VADER's lexicon, the labels' generic words), nor one of :data:`GENERAL_WORDS`
(the app, the service, the experience, a star): "driver", "refund", "small", "crashing".  A
word of evaluation that states a problem ("broken", "rude", "missing", see
:data:`STATED_PROBLEM`) names one.  A theme is a **general** theme when at least
:data:`GENERAL_SHARE` of its mentions name no cause (:func:`general_themes`); the theme model
groups the general themes under one parent (``themes.hierarchy``), and the friction ranking
names it "General dissatisfaction (no cause named)" and ranks it below the rows that name
a cause (docs/metrics.md, "General comments").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

from .labels import GENERIC, STOP, tokenize

# What a label should say: a problem in words (a negation, a word of failure, waiting or
# error, a price, "too" + an adjective), not how bad it felt ("worst", "terrible"): the
# PhraseLabeler of friction rows prefers phrases that match it (score.kinds).
STATED_PROBLEM = re.compile(
    r"(?ix)\b(?:"
    r"not|never|no|nor|nothing|nobody|none|neither|cannot|cant|can't|couldn'?t|won'?t|"
    r"wouldn'?t|didn'?t|doesn'?t|don'?t|isn'?t|wasn'?t|weren'?t|aren'?t|haven'?t|hasn'?t|"
    r"hadn'?t|shouldn'?t|unable|without|"
    r"still|yet|waiting|waited|wait|delay(?:ed|s)?|late|later|overdue|slow|"
    r"wrong|missing|lost|broken|broke|damaged|defective|faulty|torn|ripped|stained|leak(?:ed|ing)?|"
    r"cold|spilt|spilled|stuck|fail(?:ed|s|ure|ing)?|error|bug(?:gy)?|crash(?:ed|es|ing)?|"
    r"declined|rejected|refused|denied|cancel(?:l?ed|ling|lation)?|charged|overcharged|"
    r"double|twice|again|issue|issues|problem|problems|complain(?:t|ts|ed)?|"
    r"rude|flimsy|thin|"
    r"itchy|scratchy|unreturnable|expensive|overpriced|pricey|costly|hidden|high|higher|"
    r"increase[ds]?|hike[ds]?|unresponsive|unhelpful|"
    r"too\s+(?:small|big|large|long|short|tight|loose|wide|narrow|much|expensive|late|slow)"
    r")\b"
)

# Words of :data:`STATED_PROBLEM` that say something went wrong but not what: "it happened
# again", "same problem", "never again".
VAGUE_PROBLEM = frozenset({
    "not", "never", "no", "nor", "nothing", "nobody", "none", "neither", "cannot", "cant",
    "couldnt", "wont", "wouldnt", "didnt", "doesnt", "dont", "isnt", "wasnt", "werent",
    "arent", "havent", "hasnt", "hadnt", "shouldnt", "unable", "without", "still", "yet",
    "again", "twice", "double", "issue", "issues", "problem", "problems", "complain",
    "complaint", "complaints", "complained", "later",
})

# What every review is about, whatever the product: the app, the service, the experience,
# the rating ("Worst service ever", "Will never use this app again", "zero stars").
GENERAL_WORDS = frozenset({
    "app", "apps", "application", "experience", "experiences", "service", "services",
    "star", "stars", "rating", "ratings", "rate", "review", "reviews", "time", "times",
    "ever", "use", "using", "used", "uses",
})

# A theme of which at least this share of mentions names no cause is a general theme.
GENERAL_SHARE = 1 / 3


@functools.cache
def vader_lexicon() -> dict[str, float]:
    """VADER's lexicon: word -> valence (-4..+4)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer().lexicon


def names_cause(text: str) -> bool:
    """Whether ``text`` names what it is about (a cause of complaint or of praise).

    >>> [names_cause(t) for t in ["Worst experience ever!", "Will never use this app again.",
    ...                           "It happened again", "Keep it up!", "Terrible service"]]
    [False, False, False, False, False]
    >>> [names_cause(t) for t in ["The driver was rude", "Refund never came", "Too small",
    ...                           "The app keeps crashing", "Rude!"]]
    [True, True, True, True, True]
    """
    lexicon = vader_lexicon()
    for token in tokenize(text):
        if token in STOP or token in GENERIC or token in GENERAL_WORDS or token.isdigit() \
                or token in VAGUE_PROBLEM:
            continue
        if token not in lexicon or STATED_PROBLEM.fullmatch(token):
            return True
    return False


def general_themes(texts: Sequence[str], labels: np.ndarray, ids: Sequence[int], *,
                   share: float = GENERAL_SHARE, limit: int = 300) -> np.ndarray:
    """For each theme of ``ids``, whether at least ``share`` of its texts (``labels`` gives
    each text's theme) name no cause (:func:`names_cause`); read on the first ``limit``
    texts of each theme.

    >>> general_themes(["Worst app ever", "So bad!", "Driver was late", "Refund missing"],
    ...                np.array([0, 0, 1, 1]), [0, 1]).tolist()
    [True, False]
    """
    labels = np.asarray(labels)
    index = {int(t): i for i, t in enumerate(ids)}
    rows = np.array([index.get(int(t), -1) for t in labels.tolist()], dtype=np.int64)
    seen = np.zeros(len(ids), dtype=np.int64)
    without = np.zeros(len(ids), dtype=np.int64)
    for i, row in enumerate(rows.tolist()):
        if row < 0 or seen[row] >= limit:
            continue
        seen[row] += 1
        without[row] += not names_cause(str(texts[i]))
    return (seen > 0) & (without >= share * seen)
