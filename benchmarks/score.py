"""Speed of the score stage at volume: synthetic verbatims x themes, with NPS scores,
dates over six months, a segment column and bootstrap intervals.

    PYTHONPATH=src python benchmarks/score.py --verbatims 100000 --themes 100 --resamples 200

Prints the wall time of ``score_themes`` (theme table + segment breakdown + trend).
The data are random: this measures cost, not quality.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from feedback_mining.config import ScoreConfig
from feedback_mining.score import score_themes


def synthetic(n: int, k: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"v{i}" for i in range(n)])
    # 1-3 segments per verbatim, themes with Zipf-like sizes, 10% without a theme
    n_seg = rng.integers(1, 4, size=n)
    doc = np.repeat(ids, n_seg)
    weights = 1 / np.arange(1, k + 1)
    theme = rng.choice(k, size=len(doc), p=weights / weights.sum())
    theme[rng.random(len(doc)) < 0.1] = -1
    segments = pd.DataFrame({"doc_id": doc, "theme_id": theme,
                             "sentiment": np.clip(rng.normal(0, 0.5, len(doc)), -1, 1)})
    documents = pd.DataFrame({
        "id": ids, "set_aside": None, "score": rng.integers(0, 11, n).astype(float),
        "date": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 180, n), unit="D"),
        "channel": rng.choice([f"c{i}" for i in range(10)], size=n),
    })
    themes = pd.DataFrame({"theme_id": np.arange(k), "label": [f"theme {i}" for i in range(k)],
                           "keywords": [[] for _ in range(k)], "examples": [[] for _ in range(k)]})
    return segments, documents, themes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbatims", type=int, default=100_000)
    parser.add_argument("--themes", type=int, default=100)
    parser.add_argument("--resamples", type=int, default=200)
    args = parser.parse_args()
    segments, documents, themes = synthetic(args.verbatims, args.themes)
    for resamples in (0, args.resamples):
        cfg = ScoreConfig(bootstrap=resamples)
        started = time.perf_counter()
        out = score_themes(segments, documents, themes, score_type="nps",
                           segment_columns=["channel"], config=cfg)
        seconds = time.perf_counter() - started
        print(f"verbatims={args.verbatims} segments={len(segments)} themes={args.themes} "
              f"resamples={resamples}: {seconds:.2f} s "
              f"(theme_segments rows={len(out.theme_segments)}, trend rows={len(out.trend)})")
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")


if __name__ == "__main__":
    main()
