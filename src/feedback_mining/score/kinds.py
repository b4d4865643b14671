"""Friction or praise: what each mention says about the customer's experience.

A theme mixes what customers complain about and what they like ("the colours are lovely",
"the colour is nothing like the photo").  Ranking a theme on all its mentions puts praise
in a friction ranking and quotes praise on a friction slide, so every mention gets a kind:

- ``friction``: negative (sentiment below ``sentiment.negative_below``), or neutral but
  reporting a problem ("my refund has not arrived", "where is my order?"): a negated
  outcome, a word of failure, error or waiting, "too" + a size, or a question about what
  went wrong;
- ``praise``: positive (above ``sentiment.positive_above``), unless it reports a problem
  and is only mildly positive (below ``PRAISE_SURE``): a polite complaint ("please help,
  the refund was promised but never paid") is friction, "no problems at all, quick
  refund!" stays praise;
- ``neutral``: the rest (context such as "I ordered a medium").

The friction ranking is computed on friction mentions only, and "what customers like" on
praise mentions only (see docs/metrics.md, "Friction and praise").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..config import SentimentConfig
from ..themes.cause import STATED_PROBLEM, vader_lexicon

FRICTION, PRAISE, NEUTRAL = "friction", "praise", "neutral"
KINDS = (FRICTION, PRAISE, NEUTRAL)

PRAISE_SURE = 0.5


# How warmly a word must read in VADER's lexicon (valence, -4..+4) for a phrase holding it
# to read as praise: "perfect", "love", "great", "easy", "helpful"; not "fit" or "like" (1.5),
# which name fit and comparisons as often as they praise.
PRAISE_VALENCE = 1.8


def reads_as_praise(phrase: str) -> bool:
    """Whether a label candidate reads as praise: a warm word of VADER's lexicon, no word of
    negative valence and nothing :data:`STATED_PROBLEM` matches.  A friction row is not
    named after it ("Perfect sweater" for itchy, shapeless sweaters), when any other phrase
    is supported.

    >>> [reads_as_praise(p) for p in ["perfect sweater", "not perfect", "sweater is itchy"]]
    [True, False, False]
    """
    if STATED_PROBLEM.search(phrase):
        return False
    lexicon = vader_lexicon()
    valences = [lexicon.get(w, 0.0) for w in re.findall(r"[a-z']+", phrase.casefold())]
    return bool(valences) and max(valences) >= PRAISE_VALENCE and min(valences) >= 0


# What makes a mention the sentiment model scores as neutral a problem report: narrower
# than the words above, because a neutral "I was not in the market for a blazer" or "it's
# meant to look oversized" is context, not friction.  A negation of an expected outcome
# ("has not arrived", "never got my refund", "can't log in"), a word of failure, error or
# waiting, "too" + a size or a price, or a question about what went wrong.
_NEGATED = (r"(?:not|never|no\s+longer|cannot|can'?t|couldn'?t|won'?t|wouldn'?t|didn'?t|"
            r"doesn'?t|don'?t|isn'?t|wasn'?t|weren'?t|aren'?t|haven'?t|hasn'?t|hadn'?t|"
            r"unable\s+to|still\s+no|yet\s+to)")
_OUTCOME = (r"(?:arriv\w*|receiv\w*|com(?:e|es|ing)|came|work\w*|deliver\w*|refund\w*|"
            r"respon\w*|repl\w*|answer\w*|show\w*|load\w*|open\w*|fit\w*|get|got|gotten|"
            r"help\w*|process\w*|updat\w*|log\w*|sign\w*|pay|paid|accept\w*|"
            r"track\w*|find|found|reach\w*|contact\w*|return\w*|exchang\w*|cancel\w*)")
_NEUTRAL_PROBLEM = re.compile(
    r"(?ix)"
    rf"\b{_NEGATED}\W+(?:\w+\W+){{0,3}}?{_OUTCOME}\b"
    r"|\b(?:still\s+waiting|waiting\s+for|waited|delay(?:ed|s)?|late|overdue|"
    r"wrong|missing|lost|broken|broke|damaged|defective|faulty|torn|ripped|stained|"
    r"leak(?:ed|ing)|spilt|spilled|stuck|fail(?:ed|s|ure|ing)?|error|bug(?:gy)?|"
    r"crash(?:ed|es|ing)?|declined|rejected|refused|denied|cancell?ed|overcharged|"
    r"charged\s+(?:twice|double|again|extra)|double\s+charged|shr[ua]nk|faded|pill(?:ed|ing)|"
    r"unravel\w*|expensive|overpriced|pricey|hidden\s+(?:fee|fees|charge|charges)|"
    r"issue|issues|problem|problems|complain(?:t|ts|ed)?|"
    r"too\s+(?:small|big|large|long|short|tight|loose|wide|narrow|expensive|late|slow)|"
    r"runs?\s+(?:\w+\s+)?(?:small|large|big|short|long))\b"
    r"|^\s*(?:where\s+(?:is|are)|why\s+(?:is|was|has|have|did|does|do|am|are|can'?t|won'?t)|"
    r"what\s+happened|how\s+long)\b")


def reports_problem(text: str) -> bool:
    """True when ``text`` states a problem in words (whatever its sentiment score).

    >>> reports_problem("My refund has not arrived"), reports_problem("Where is my order?")
    (True, True)
    >>> reports_problem("I ordered a medium"), reports_problem("Lovely colours")
    (False, False)
    >>> reports_problem("I was not in the market for a blazer"), reports_problem("I can't log in")
    (False, True)
    """
    return bool(_NEUTRAL_PROBLEM.search(text))


def mention_kinds(texts: Sequence[str], sentiment: np.ndarray,
                  config: SentimentConfig | None = None) -> np.ndarray:
    """The kind of each mention: ``"friction"``, ``"praise"`` or ``"neutral"``.

    >>> mention_kinds(["Refund never came", "Where is my parcel?", "Lovely fabric",
    ...                "I am 5 foot 4"], np.array([-0.8, 0.0, 0.9, 0.0])).tolist()
    ['friction', 'friction', 'praise', 'neutral']
    """
    config = config or SentimentConfig()
    s = np.asarray(sentiment, dtype=float)
    negative = s < config.negative_below
    # the words only decide for a mention that is not negative and not sure praise
    problem = np.zeros(len(s), dtype=bool)
    for i in np.flatnonzero(~negative & (s < PRAISE_SURE)).tolist():
        problem[i] = reports_problem(str(texts[i]))
    positive = s > config.positive_above
    out = np.full(len(s), NEUTRAL, dtype=object)
    friction = negative | problem
    out[positive & ~friction] = PRAISE
    out[friction] = FRICTION
    return out
