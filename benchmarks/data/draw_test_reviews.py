"""Draw the held-back reviews that benchmarks/data/*_test_reviews_read.csv label by reading.

Issue 14 measures sentiment on whole reviews against their stars (1-2 / 3 / 4-5). Stars are
the customer's rating, not what the text says: a 5-star review may be a complaint. To know how
far a reader of the text gets against the stars (the ceiling a text model can hope for), two
readers label the same reviews from the text alone, without seeing the stars.

Per domain, 120 reviews of each star class are drawn with ``seed`` from the held-back test split
(never trained on): ``sentiment_data.food_test`` (the food-delivery benchmark set) and the
clothing reviews' ``test`` split. Each review is drawn at most once and keeps the text the
benchmark scores (the review without its title).

Writes, under DIR (from the repository root):

    PYTHONPATH=src python benchmarks/data/draw_test_reviews.py DIR

- ``DIR/{food,clothing}_to_read.csv``: ``id,text``, shuffled, what the readers see;
- ``DIR/{food,clothing}_key.csv``: ``id,text,rating,label``, the stars, kept from the readers.

``benchmarks/data/{food,clothing}_test_reviews_read.csv`` (``id,text,rating,reader_a,reader_b,
star_guess``) hold the drawn reviews (seed 0) with three readings, each by a separate reader
(helpers of the session of 2026-12-02, working from ``*_to_read.csv`` alone, with no script,
keyword rule or model choosing a label):

- ``reader_a``, ``reader_b``: the sentiment the text expresses about the service or item:
  ``positive`` (on the whole satisfied; a small gripe beside clear praise stays positive),
  ``negative`` (on the whole dissatisfied; a kind word beside a clear complaint stays
  negative), ``neutral`` (feelings in balance, lukewarm, or no opinion: a plain question,
  request or fact);
- ``star_guess``: the writer's star band as the reader guessed it from the text, knowing how
  reviewers rate (``negative`` 1-2, ``neutral`` 3, ``positive`` 4-5).

All three are one kind of reader (the same assistant model, three separate runs), not a crowd:
their agreement with each other is not that of independent people.
``benchmarks/sentiment.py`` scores them and the models against the stars and against readers A
and B.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import sentiment_data as sd  # noqa: E402

PER_CLASS = 120


def draw(frame: pd.DataFrame, prefix: str, seed: int = 0,
         per_class: int = PER_CLASS) -> pd.DataFrame:
    frame = frame.drop_duplicates("text")
    parts = [frame[frame["label"] == label].sample(per_class, random_state=seed)
             for label in range(3)]
    drawn = pd.concat(parts).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    drawn.insert(0, "id", [f"{prefix}{i:03d}" for i in range(len(drawn))])
    return drawn[["id", "text", "rating", "label"]]


def main(out: Path, data: Path = sd.DATA, seed: int = 0) -> None:
    out.mkdir(parents=True, exist_ok=True)
    clothing = sd.reviews(data)
    sets = {"food": draw(sd.food_test(data), "f", seed),
            "clothing": draw(clothing[clothing["split"] == "test"], "c", seed)}
    for name, drawn in sets.items():
        drawn.to_csv(out / f"{name}_key.csv", index=False)
        drawn[["id", "text"]].to_csv(out / f"{name}_to_read.csv", index=False)
        print(name, len(drawn), np.bincount(drawn["label"]).tolist())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
