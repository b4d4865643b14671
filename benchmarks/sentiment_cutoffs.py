"""Do the label cut-offs of the shipped sentiment model carry from one domain to another?

The pipeline labels a mention negative below ``sentiment.negative_below`` and positive above
``sentiment.positive_above`` (defaults -0.05 / +0.05 on the calibrated score).  This script
scores the sentences labelled by reading that the shipped model never trained on (the
clothing sentences of the reviews' training split and the food-delivery support-call
sentences, scripts/data/), chooses the pair of cut-offs with the best macro-F1 on them (a grid
of 0.05 steps), and prints the macro-F1 of the default and the chosen cut-offs on the two
held-out sets (benchmarks/data/: food-delivery and clothing sentences), plus a few pairs
around the default.  Nothing here needs ../shared.

    PYTHONPATH=src python benchmarks/sentiment_cutoffs.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedback_mining.config import SentimentConfig  # noqa: E402
from feedback_mining.sentiment import make_scorer, polarity  # noqa: E402

CLASSES = ["negative", "neutral", "positive"]
CHOOSE = {"clothing sentences (train split)": "scripts/data/clothing_segments_labelled.csv",
          "food support calls (train split)": "scripts/data/food_support_calls_labelled.csv"}
MEASURE = {"food sentences (test)": "benchmarks/data/food_test_segments.csv",
           "clothing sentences (test)": "benchmarks/data/clothing_test_segments.csv"}
DEFAULT = (-0.05, 0.05)
OTHERS = [(-0.05, 0.15), (-0.1, 0.1), (0.0, 0.05), (0.0, 0.15), (0.0, 0.25)]


def macro_f1(scored: tuple[np.ndarray, np.ndarray], cut: tuple[float, float]) -> float:
    score, truth = scored
    config = SentimentConfig(negative_below=cut[0], positive_above=cut[1])
    return float(f1_score(truth, polarity(score, config), average="macro", labels=CLASSES,
                          zero_division=0))


def main() -> int:
    scorer = make_scorer()
    scored = {}
    for name, rel in {**CHOOSE, **MEASURE}.items():
        frame = pd.read_csv(ROOT / rel)
        scored[name] = (scorer.score(frame["text"].tolist()), frame["label"].to_numpy())
    grid = [(round(n, 2), round(p, 2)) for n in np.arange(-0.6, 0.001, 0.05)
            for p in np.arange(0.0, 0.601, 0.05)]
    pooled = (np.concatenate([scored[k][0] for k in CHOOSE]),
              np.concatenate([scored[k][1] for k in CHOOSE]))
    best = max(grid, key=lambda cut: (macro_f1(pooled, cut), -abs(cut[0]), -abs(cut[1])))
    print(f"cut-offs chosen on {' + '.join(CHOOSE)} ({len(pooled[1])} sentences): "
          f"{best[0]:+.2f} / {best[1]:+.2f} (macro-F1 there {macro_f1(pooled, best):.3f}; "
          f"default {DEFAULT[0]:+.2f} / {DEFAULT[1]:+.2f}: {macro_f1(pooled, DEFAULT):.3f})")
    width = max(len(k) for k in scored)
    print(f"\nmacro-F1 by cut-offs (negative below / positive above)\n{'':{width}}  "
          + "  ".join(f"{n:+.2f}/{p:+.2f}" for n, p in [DEFAULT, best, *OTHERS]))
    for name in scored:
        print(f"{name:{width}}  " + "  ".join(
            f"{macro_f1(scored[name], cut):>11.3f}" for cut in [DEFAULT, best, *OTHERS]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
