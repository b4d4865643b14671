"""Does a sentence's sentiment depend on the other texts it is scored with?

The sentiment model runs on ONNX Runtime with int8 dynamic quantisation by default: the scale
of the activations is computed per batch, so a sentence's score can move with the texts that
share its batch (the pipeline batches mentions by length, so with the rest of the input).
This scores the labelled held-out sentences (benchmarks/data/*_test_segments.csv) together, as
the scorer batches them, and one at a time, on each runtime, and prints how far the scores move
and how many labels (default cut-offs) change.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/sentiment_batch.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedback_mining.sentiment import MiniLMSentimentScorer, polarity  # noqa: E402

FILES = sorted((ROOT / "benchmarks" / "data").glob("*_test_segments.csv"))


def main() -> None:
    texts = pd.concat([pd.read_csv(f) for f in FILES])["text"].tolist()
    print(f"{len(texts)} sentences of {', '.join(f.name for f in FILES)}")
    for runtime in ("onnx-int8", "onnx", "torch"):
        model = MiniLMSentimentScorer(runtime=runtime)
        together = model.score(texts)
        alone = np.array([model.score([t])[0] for t in texts])
        gap = np.abs(together - alone)
        flips = int((polarity(together) != polarity(alone)).sum())
        print(f"{runtime:>9}: |together - alone| median {np.median(gap):.4f}, 95th percentile "
              f"{np.percentile(gap, 95):.4f}, max {gap.max():.3f}; label changes {flips}")


if __name__ == "__main__":
    main()
