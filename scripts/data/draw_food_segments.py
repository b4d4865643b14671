"""Draw the real review sentences that scripts/data/food_segments_labelled.csv labels by hand.

Only the food-delivery reviews' training split (English, food-delivery era) is read; each review
is cut into sentences as the pipeline cuts it (SegmentConfig's method and min_words), and a
sentence that also occurs among the test or validation reviews' sentences is left out.  Draws,
seed 0, at most two sentences of one review:

- 150 from 1-2 star reviews, 150 from 4-5 star reviews, 50 from 3-star reviews;
- 100 more from 4-5 star reviews that mention aftersales (support, refunds, vouchers, agents,
  delivery on time): the praise the model misses and that is rare in the data.

Prints CSV (text,group,rating,review_key) to stdout; the labels in the labelled file are typed
by a person reading each sentence, not drawn.  Run from the repository root:

    PYTHONPATH=src python scripts/data/draw_food_segments.py > drawn.csv

With ``--counts`` it prints instead the labels of scripts/data/food_segments_labelled.csv per
draw group (the rows dropped as unreadable or ambiguous are the drawn rows missing there).
``--support`` draws (or counts) the 80 support-call sentences of
scripts/data/food_support_calls_labelled.csv instead: sentences on how a call or a chat with
support went, drawn after the groups above (how: ``draw_support``).
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import sentiment_data as sd  # noqa: E402

from feedback_mining.config import SegmentConfig  # noqa: E402
from feedback_mining.segment import split_text  # noqa: E402

AFTERSALES = re.compile(r"support|refund|return|replace|voucher|agent|customer service|"
                        r"resolved|delivered on time|delivery on time|on time", re.IGNORECASE)
LABELLED = Path(__file__).with_name("food_segments_labelled.csv")
# Support calls and chats: how a call or a chat with support went ("hung up on me", "on hold",
# "closed the chat", "no call back"); drawn after GROUPS (``--support``), with its own file
SUPPORT_CALLS = re.compile(
    r"hung up|hang up|hangs up|hanged up|on hold|cut (?:me )?off|disconnect|transferr?ed me|"
    r"call(?:ed)? (?:me )?back|hotline|phone call|called (?:the|their|customer|cs|support)|"
    r"chat (?:was )?(?:closed|ended)|closed (?:the|our|my) chat|ended the chat|"
    r"no one (?:answer|pick|repl)|nobody (?:answer|pick|repl)", re.IGNORECASE)
GROUPS = [("1-2", lambda f: f["rating"] <= 2, None, 150),
          ("4-5", lambda f: f["rating"] >= 4, None, 150),
          ("3", lambda f: f["rating"] == 3, None, 50),
          ("4-5 aftersales", lambda f: f["rating"] >= 4, AFTERSALES, 100)]
SUPPORT = [("support calls", lambda f: f["rating"] > 0, SUPPORT_CALLS, 80)]
SUPPORT_LABELLED = Path(__file__).with_name("food_support_calls_labelled.csv")


def key(text: str) -> str:
    """Normalised text: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).casefold()).strip()


def review_key(text: str) -> str:
    """A stable key of a review: the first 12 hex digits of the SHA-1 of its normalised text."""
    return hashlib.sha1(sd._text_key(text).encode("utf-8")).hexdigest()[:12]


def sentences(texts: pd.Series) -> list[list[str]]:
    config = SegmentConfig()
    return split_text(texts.tolist(), config.method, config.min_words)


def draw(data: Path = sd.DATA, seed: int = 0, *, split: str = "train",
         groups: list = GROUPS) -> pd.DataFrame:
    """The draw from ``split``'s English, food-delivery era reviews (each text once),
    leaving out sentences that also occur in the other splits' reviews."""
    food = sd.food_reviews(data)
    food = food[food["english"]]
    return draw_split(food, split, groups, seed, pool=food["food_era"])


def draw_split(reviews: pd.DataFrame, split: str, groups: list, seed: int = 0,
               pool: pd.Series | None = None) -> pd.DataFrame:
    """The draw from ``split``'s reviews (each text once; only those ``pool`` marks, when
    given), leaving out sentences that also occur in the other splits' reviews."""
    other = reviews[reviews["split"] != split]
    exclude = {key(s) for segs in sentences(other["text"]) for s in segs}
    mine = reviews["split"] == split
    if pool is not None:
        mine &= pool
    return draw_from(reviews[mine].drop_duplicates("text"), groups, exclude, seed)


def draw_from(reviews: pd.DataFrame, groups: list, exclude: set[str],
              seed: int = 0) -> pd.DataFrame:
    """Sentences of ``reviews`` per (name, pick, pattern, n) group, seed ``seed``: at most two
    of one review, none under 3 words, none whose normalised text is in ``exclude``."""
    reviews = reviews.reset_index(drop=True)
    reviews["segments"] = sentences(reviews["text"])
    rng = np.random.default_rng(seed)
    rows, taken, used = [], {}, set()
    for name, pick, pattern, n in groups:
        pool = reviews[pick(reviews)]
        drawn = 0
        for i in rng.permutation(len(pool)):
            if drawn >= n:
                break
            review = pool.iloc[i]
            rk = review_key(review["text"])
            segs = [s for s in review["segments"] if len(s.split()) >= 3
                    and key(s) not in exclude and key(s) not in used]
            if pattern is not None:
                segs = [s for s in segs if pattern.search(s)]
            for s in segs[: 2 - taken.get(rk, 0)]:
                rows.append({"text": s.strip(), "group": name,
                             "rating": int(review["rating"]), "review_key": rk})
                used.add(key(s))
                taken[rk] = taken.get(rk, 0) + 1
                drawn += 1
                if drawn >= n:
                    break
    return pd.DataFrame(rows)


def counts(labelled: Path = LABELLED, drawn: pd.DataFrame | None = None) -> str:
    """The labels of the labelled file per draw group, and the drawn rows it leaves out
    (``drawn``: the drawn rows, this script's draw by default)."""
    drawn = draw() if drawn is None else drawn
    frame = pd.read_csv(labelled, dtype={"review_key": str})
    merged = drawn.merge(frame[["text", "label"]], on="text", how="left")
    merged["label"] = merged["label"].fillna("dropped")
    return pd.crosstab(merged["group"], merged["label"], margins=True).to_string()


def draw_support(data: Path = sd.DATA, seed: int = 0) -> pd.DataFrame:
    """The support-call sentences: the same draw with SUPPORT after GROUPS (so none repeats a
    sentence or a third sentence of a review drawn above), its rows only."""
    drawn = draw(data, seed, groups=GROUPS + SUPPORT)
    return drawn[drawn["group"] == SUPPORT[0][0]].reset_index(drop=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    support = "--support" in args
    drawn = draw_support() if support else draw()
    if "--counts" in args:
        print(counts(SUPPORT_LABELLED if support else LABELLED, drawn))
    else:
        drawn.to_csv(sys.stdout, index=False)
