"""Draw the real review sentences that scripts/data/clothing_segments_labelled.csv labels by hand.

The clothing reviews' training split (``sentiment_data.reviews``: split ``train``; the held-back
``test`` and ``val`` splits are never read for training), each distinct text once, cut into
sentences as the pipeline cuts them (SegmentConfig's method and min_words), with the drawing code
of scripts/data/draw_food_segments.py: seed 0, at most two sentences of one review, none under 3
words, none that also occurs (normalised) among the other splits' sentences.

Why: the demo and the shipped sample are clothing reviews, where praise sentences outnumber
complaints; a model taught the food-delivery sentences alone read more of them as complaints
(docs/BENCHMARKS.md, issue 14).  Groups, chosen for what the model misreads:

- 130 from 1-2 star reviews, 130 from 4-5 star reviews, 70 from 3-star reviews;
- 70 more, any rating, whose sentence names a return, an exchange, a refund or sending back:
  the aftersales sentences of this domain.

Prints CSV (text,group,rating,review_key) to stdout; the labels are typed by a person reading
each sentence (the rules of scripts/data/README.md).  From the repository root:

    PYTHONPATH=src python scripts/data/draw_clothing_segments.py > drawn.csv

``--split test`` draws the held-out measurement set instead (benchmarks/data/
clothing_test_segments.csv: 90 / 90 / 40 / 40 of the same groups).  ``--counts`` prints the
labels of the labelled file per draw group.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import draw_food_segments as dfs  # noqa: E402
import sentiment_data as sd  # noqa: E402

RETURNS = re.compile(r"\breturn|\bexchang|\brefund|send(?:ing)? (?:it |them )?back|"
                     r"sent (?:it |them )?back|\bship(?:ping|ped)? (?:it |them )?back",
                     re.IGNORECASE)
LABELLED = {"train": Path(__file__).with_name("clothing_segments_labelled.csv"),
            "test": ROOT / "benchmarks" / "data" / "clothing_test_segments.csv"}
SIZES = {"train": (130, 130, 70, 70), "test": (90, 90, 40, 40)}


def groups(split: str) -> list:
    low, high, mid, returns = SIZES[split]
    return [("1-2", lambda f: f["rating"] <= 2, None, low),
            ("4-5", lambda f: f["rating"] >= 4, None, high),
            ("3", lambda f: f["rating"] == 3, None, mid),
            ("returns", lambda f: f["rating"] > 0, RETURNS, returns)]


def draw(data: Path = sd.DATA, seed: int = 0, split: str = "train") -> pd.DataFrame:
    """The draw from ``split``'s clothing reviews, leaving out sentences of the other splits."""
    return dfs.draw_split(sd.reviews(data), split, groups(split), seed)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SIZES), default="train")
    parser.add_argument("--counts", action="store_true")
    args = parser.parse_args()
    drawn = draw(split=args.split)
    if args.counts:
        print(dfs.counts(LABELLED[args.split], drawn))
    else:
        drawn.to_csv(sys.stdout, index=False)
