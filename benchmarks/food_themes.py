"""The friction themes of real aftersales feedback: the food-delivery app reviews.

Runs ``fm.run`` with default settings on the reviews in ``../shared/data`` (rating 1-5 as
CSAT, the app as segment, dated), from ``--since`` on (default 2019-01-01: the data's README
says earlier GrabFood rows are mostly about ride hailing), and prints the top-level friction
themes with ten of the complaints behind each (a seeded sample of each theme's friction
mentions), then "what customers like".

    python benchmarks/food_themes.py            # every review since 2019
    python benchmarks/food_themes.py --n 4000   # a seeded sample of 4,000
    python benchmarks/food_themes.py --fit-before 2021-01-01
        # a scheduled job: a theme model fitted on the reviews before 2021, then the
        # reviews from 2021 on run with it (`run --model`): known and new themes
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from themes import CachedEmbedder  # noqa: E402

import feedback_mining as fm  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--since", default="2019-01-01")
    parser.add_argument("--n", type=int, default=0, help="seeded sample size (0: all)")
    parser.add_argument("--quotes", type=int, default=10)
    parser.add_argument("--fit-before", default="",
                        help="fit a model on the reviews before this date, run the rest with it")
    parser.add_argument("--set", dest="settings", action="append", default=[],
                        metavar="KEY=VALUE", help="a setting other than the default (to compare)")
    args = parser.parse_args(argv)
    path = args.data / "sg_food_delivery_app_reviews" / "reviews.csv.gz"
    if not path.exists():
        print(f"no data at {path}; pass --data FOLDER", file=sys.stderr)
        return 2
    frame = pd.read_csv(path)
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    frame = frame[frame["date"] >= args.since]
    if args.n:
        frame = frame.sample(n=min(args.n, len(frame)), random_state=0)
    frame = frame.reset_index(drop=True).assign(id=lambda f: [f"r{i}" for i in range(len(f))])
    def load(part: pd.DataFrame):
        return fm.load(part, text="review", id="id", score="rating", score_type="csat",
                       date="date", segments=["app"])

    start = time.perf_counter()
    cfg = fm.Config().with_overrides(args.settings)
    model = None
    if args.fit_before:
        before = frame[frame["date"] < args.fit_before]
        model = fm.Pipeline(cfg, embedder=CachedEmbedder()).run(load(before)).model
        frame = frame[frame["date"] >= args.fit_before]
        print(f"theme model fitted on the {len(before)} reviews before {args.fit_before} "
              f"({len(model.themes_)} themes); the {len(frame)} reviews from then on run "
              "with it:")
    result = fm.Pipeline(cfg, embedder=CachedEmbedder(), model=model).run(load(frame))
    print(f"{len(frame)} reviews since {args.fit_before or args.since}; "
          f"{'settings: ' + ', '.join(args.settings) if args.settings else 'default settings'}; "
          f"{time.perf_counter() - start:.0f} s")
    print(result.summary_text())
    themes, mentions = result.themes, result.mentions
    print(f"\n{len(themes)} top-level friction themes ({len(result.subthemes)} detail rows):")
    for row in themes.itertuples():
        origin = "" if model is None else (" [new]" if row.is_new else " [known]")
        print(f"\n#{row.rank} {row.label}{origin}  verbatims {row.verbatims} ({row.share:.1%}), "
              f"negative {row.share_negative:.0%}, impact {row.impact:+.3f}, "
              f"priority {row.priority:.2f}")
        pool = mentions[(mentions["parent_id"] == row.theme_id)
                        & (mentions["kind"] == "friction")]
        for text in pool.sample(min(args.quotes, len(pool)), random_state=0)["text"]:
            print(f"    - {text[:160]}")
    print(f"\nwhat customers like ({len(result.praise)}):")
    for row in result.praise.head(10).itertuples():
        print(f"  {row.rank:>2} {row.label}  ({row.verbatims} verbatims)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
