"""How many review sentences about returns join each known theme of the shipped taxonomy.

    python benchmarks/taxonomy.py [--taxonomy returns_refunds] [--examples 2]

Takes the sentences of the women's e-commerce reviews (``../shared/data``) that mention a
return, refund or exchange, embeds them with the package's embedder (all-MiniLM-L6-v2), and
prints, for the taxonomy's threshold, how many join each known theme, with a few examples so a
person can judge the matches.  The reviews are about clothes, not about the return process, so
most sentences should join no theme.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedback_mining.embed import make_embedder  # noqa: E402
from feedback_mining.themes.taxonomy import (  # noqa: E402
    load_taxonomy,
    match_known,
    phrase_vectors,
)

MENTION = re.compile(r"return|refund|exchange|send (it )?back|sent (it )?back", re.I)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--taxonomy", default="returns_refunds")
    parser.add_argument("--examples", type=int, default=2)
    args = parser.parse_args(argv)
    path = args.data / "womens_ecommerce_reviews" / "reviews.csv.zip"
    if not path.exists():
        print(f"no data at {path}; pass --data FOLDER", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(1)
    import zipfile

    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist()
                    if n.endswith(".csv") and not n.startswith("__MACOSX"))
        with archive.open(name) as handle:
            reviews = pd.read_csv(handle)["Review Text"].dropna().astype(str)
    sentences = [s.strip() for text in reviews for s in re.split(r"(?<=[.!?])\s+", text)
                 if MENTION.search(s)]
    embedder = make_embedder()
    taxonomy = load_taxonomy(args.taxonomy)
    vectors, owner = phrase_vectors(taxonomy, embedder.encode)
    known, sims = match_known(embedder.encode(sentences), vectors, owner,
                              len(taxonomy.themes), taxonomy.threshold)
    print(f"{len(sentences)} sentences mention a return, refund or exchange; "
          f"{int((known >= 0).sum())} join a known theme (threshold {taxonomy.threshold}, "
          f"{len(taxonomy.background)} background phrases)")
    rng = np.random.default_rng(0)
    for i, theme in enumerate(taxonomy.themes):
        idx = np.flatnonzero(known == i)
        print(f"{theme.name:<34} {len(idx):>5}")
        for j in rng.choice(idx, min(args.examples, len(idx)), replace=False):
            print(f"    {sims[j]:.2f}  {sentences[j][:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
