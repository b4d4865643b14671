"""Friction or praise: what each mention says about the customer's experience.

A theme mixes what customers complain about and what they like ("the colours are lovely",
"the colour is nothing like the photo").  Ranking a theme on all its mentions puts praise
in a friction ranking and quotes praise on a friction slide, so every mention gets a kind:

- ``friction``: negative (sentiment below ``sentiment.negative_below``), or neutral but
  reporting a problem ("my refund has not arrived", "where is my order?"): a negation, a
  problem word or a question;
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

FRICTION, PRAISE, NEUTRAL = "friction", "praise", "neutral"
KINDS = (FRICTION, PRAISE, NEUTRAL)

# A problem said in words a sentiment model may score as neutral: negations of an
# expected outcome, words of failure, waiting and error, and "too + adjective".
_PROBLEM = re.compile(
    r"(?ix)\b(?:"
    r"not|never|no|nor|nothing|nobody|none|neither|cannot|cant|can't|couldn'?t|won'?t|"
    r"wouldn'?t|didn'?t|doesn'?t|don'?t|isn'?t|wasn'?t|weren'?t|aren'?t|haven'?t|hasn'?t|"
    r"hadn'?t|shouldn'?t|unable|without|"
    r"still|yet|waiting|waited|wait|delay(?:ed|s)?|late|later|overdue|slow|"
    r"wrong|missing|lost|broken|broke|damaged|defective|faulty|torn|ripped|stained|leak(?:ed|ing)?|"
    r"cold|spilt|spilled|stuck|fail(?:ed|s|ure|ing)?|error|bug(?:gy)?|crash(?:ed|es|ing)?|"
    r"declined|rejected|refused|denied|cancel(?:l?ed|ling|lation)?|charged|overcharged|"
    r"double|twice|again|issue|issues|problem|problems|complain(?:t|ts|ed)?|"
    r"poor|worse|worst|bad|terrible|awful|horrible|rude|useless|cheap|flimsy|thin|"
    r"itchy|scratchy|unreturnable|expensive|overpriced|pricey|costly|hidden|high|higher|"
    r"increase[ds]?|hike[ds]?|lousy|unresponsive|unhelpful|"
    r"too\s+(?:small|big|large|long|short|tight|loose|wide|narrow|much|expensive|late|slow)"
    r")\b"
)
PRAISE_SURE = 0.5
# The same without words that only grade ("worst", "terrible", "poor"): what a label
# should say is what went wrong, not how bad it felt.
_EVALUATIVE = ("poor", "worse", "worst", "bad", "terrible", "awful", "horrible", "useless",
               "lousy", "cheap")
STATED_PROBLEM = re.compile(_PROBLEM.pattern.replace(
    "poor|worse|worst|bad|terrible|awful|horrible|rude|useless|cheap|", "rude|").replace(
    "lousy|", ""), re.IGNORECASE | re.VERBOSE)
_QUESTION = re.compile(r"\?\s*$|^\s*(?:where|why|when|how long|what happened)\b", re.I)


def reports_problem(text: str) -> bool:
    """True when ``text`` states a problem in words (whatever its sentiment score).

    >>> reports_problem("My refund has not arrived"), reports_problem("Where is my order?")
    (True, True)
    >>> reports_problem("I ordered a medium"), reports_problem("Lovely colours")
    (False, False)
    """
    return bool(_PROBLEM.search(text) or _QUESTION.search(text))


def mention_kinds(texts: Sequence[str], sentiment: np.ndarray,
                  config: SentimentConfig | None = None) -> np.ndarray:
    """The kind of each mention: ``"friction"``, ``"praise"`` or ``"neutral"``.

    >>> mention_kinds(["Refund never came", "Where is my parcel?", "Lovely fabric",
    ...                "I am 5 foot 4"], np.array([-0.8, 0.0, 0.9, 0.0])).tolist()
    ['friction', 'friction', 'praise', 'neutral']
    """
    config = config or SentimentConfig()
    s = np.asarray(sentiment, dtype=float)
    problem = np.array([reports_problem(str(t)) for t in texts], dtype=bool)
    negative = s < config.negative_below
    positive = s > config.positive_above
    out = np.full(len(s), NEUTRAL, dtype=object)
    friction = negative | (problem & (s < PRAISE_SURE))
    out[positive & ~friction] = PRAISE
    out[friction] = FRICTION
    return out
