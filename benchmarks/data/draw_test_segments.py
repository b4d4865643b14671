"""Draw the real review sentences that benchmarks/data/food_test_segments.csv labels by hand.

A measurement set, never trained on: sentences of the food-delivery reviews' held-back test
split (``sentiment_data.food_test``: English, food-delivery era, each distinct text once), cut
as the pipeline cuts (SegmentConfig's method and min_words), with the drawing code of
scripts/data/draw_food_segments.py and seed 0.  A sentence that also occurs (normalised) among
the training or validation reviews' sentences is left out.  At most two sentences of a review:

- 120 from 1-2 star reviews, 40 from 3-star, 100 from 4-5 star;
- 40 more from 4-5 star reviews whose sentence names support, refund, return, replacement,
  voucher, agent, customer service, resolved or on time.

Prints CSV (text,group,rating,review_key); the labels are typed by a person reading each
sentence (the rules of scripts/data/README.md, food_segments_labelled).  From the repository
root:

    PYTHONPATH=src python benchmarks/data/draw_test_segments.py > drawn.csv

With ``--counts`` it prints the labels of food_test_segments.csv per draw group instead
(``dropped``: drawn rows left out as unreadable or ambiguous, e.g. "To be honest.", "Need I
say anything more?", "Happens multiple times."):

    label           dropped  negative  neutral  positive  All
    group
    1-2                   4       105       11         0  120
    3                     0        35        4         1   40
    4-5                   2        29       15        54  100
    4-5 aftersales        1        10        4        25   40
    All                   7       179       34        80  300
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts" / "data"))
import draw_food_segments as dfs  # noqa: E402
import sentiment_data as sd  # noqa: E402

LABELLED = Path(__file__).with_name("food_test_segments.csv")
GROUPS = [("1-2", lambda f: f["rating"] <= 2, None, 120),
          ("4-5", lambda f: f["rating"] >= 4, None, 100),
          ("3", lambda f: f["rating"] == 3, None, 40),
          ("4-5 aftersales", lambda f: f["rating"] >= 4, dfs.AFTERSALES, 40)]


def draw(data: Path = sd.DATA, seed: int = 0) -> pd.DataFrame:
    return dfs.draw(data, seed, split="test", groups=GROUPS)


if __name__ == "__main__":
    if sys.argv[1:] == ["--counts"]:
        print(dfs.counts(LABELLED, draw()))
    else:
        draw().to_csv(sys.stdout, index=False)
