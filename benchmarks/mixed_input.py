"""Where the mixed input loses to whole-verbatim clustering (issue 13, item 4).

``benchmarks/scale.py``'s 10,000-verbatim input mixes labelled intents (Banking77, Bitext:
short, mostly one sentence) with unlabelled reviews (long, many sentences).  Run by default,
the pipeline clusters sentence mentions and scores below clustering whole verbatims
(``segment.method=none``).  This script runs ``fm.run`` once per setting (VADER sentiment, the
theme figures do not depend on it) and splits the score of the labelled part by how many
mentions each labelled verbatim became: if the verbatims that stay one mention also lose,
the loss is in the themes found over the mentions of the whole input, not in the splitting.

    python benchmarks/mixed_input.py                          # default, whole verbatims
    python benchmarks/mixed_input.py --set themes.min_theme_size=30
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import make_input  # noqa: E402

from feedback_mining.themes.evaluate import cluster_scores  # noqa: E402


def scores(assigned: pd.Series, truth: pd.Series) -> str:
    s = cluster_scores(truth, assigned.astype(int))
    return f"NMI {s['nmi']:.3f}  AMI {s['ami']:.3f}  ARI {s['ari']:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="verbatims of scale.py's input")
    parser.add_argument("--set", action="append", default=[], dest="settings",
                        help="one more setting to run (KEY=VALUE), after the default and "
                        "segment.method=none")
    args = parser.parse_args()

    import feedback_mining as fm

    path = make_input(args.n)
    truth = pd.read_csv(path, usecols=["id", "label"]).set_index("id")["label"].dropna()
    runs = [("default", []), ("segment.method=none", ["segment.method=none"])]
    runs += [(s, [s]) for s in args.settings]
    assigned = {}
    for name, extra in runs:
        cfg = fm.Config().with_overrides(["input.text=text", "input.id=id",
                                          "engine.fast_path=never", "sentiment.method=vader",
                                          *extra])
        t = time.perf_counter()
        result = fm.Pipeline(cfg).run(str(path))
        docs = result.documents.set_index("id").reindex(truth.index)
        assigned[name] = docs["theme_id"]
        if name == "default":
            n_mentions = docs["n_segments"]
        print(f"{name}: {len(result.mentions)} mentions, {result.summary['subthemes']} detail "
              f"themes, {time.perf_counter() - t:.0f} s", flush=True)
    one = (n_mentions == 1).to_numpy()
    print()
    print(f"{path.name}, labelled part ({len(truth)} verbatims): {int(one.sum())} stay one "
          f"mention in the default run, {int((~one).sum())} become several")
    for name in assigned:
        a = assigned[name]
        print(f"  {name:32s} all: {scores(a, truth)}")
        print(f"  {'':32s} one mention: {scores(a[one], truth[one])}")
        print(f"  {'':32s} several: {scores(a[~one], truth[~one])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
