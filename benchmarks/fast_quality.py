"""Where the fast path's theme quality goes: embeddings or clusterer?

On the scale benchmark's input (``benchmarks/scale.py``, same files), embeds the raw texts
with the static model2vec models named by ``--static`` (default ``static-feedback``, the fast
path's model shipped in the package; ``static`` is the one distilled from MiniLM with no
training on text; ``static:PATH`` a folder), printing each one's load time and encode speed,
and, with ``--minilm``, with all-MiniLM-L6-v2 (the default path's and BERTopic's); fits a
theme model on a seeded sample of up to 20,000 texts with MiniBatchKMeans (automatic k, and
k = 150 / 300 asked for, or the ``--k`` given; 0 is automatic) and with the default graph
clusterer, assigns every text by centroid, and prints NMI against the intent labels of the
labelled part (Banking77, Bitext; a text without a theme is one more cluster), as
``benchmarks/scale.py`` does.

Usage::

    python benchmarks/fast_quality.py --n 10000 --minilm
    python benchmarks/fast_quality.py --n 10000 --static static static-feedback --k 0
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

from scale import make_input, nmi  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="input size (scale.py's inputs)")
    ap.add_argument("--minilm", action="store_true", help="also embed with MiniLM (slow)")
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--static", nargs="+", default=["static-feedback"], metavar="MODEL",
                    help='static models: "static-feedback", "static" or "static:PATH"')
    ap.add_argument("--k", nargs="+", type=int, default=[0, 150, 300],
                    help="k-means theme counts to ask for (0: automatic)")
    args = ap.parse_args()

    from feedback_mining.config import EmbedConfig
    from feedback_mining.embed import SentenceTransformerEmbedder, make_embedder
    from feedback_mining.themes import ThemeModel
    from feedback_mining.themes.fast import fit_kmeans_model

    frame = pd.read_csv(make_input(args.n))
    texts = frame["text"].astype(str).tolist()
    idx = np.sort(np.random.default_rng(0).choice(len(texts), min(args.sample, len(texts)),
                                                  replace=False))
    sample = [texts[i] for i in idx]
    embeddings = {}
    for name in args.static:
        embedder = make_embedder(EmbedConfig(model=name))
        t0 = time.perf_counter()
        embedder.dim  # loads the model  # noqa: B018
        t1 = time.perf_counter()
        embeddings[name] = embedder.encode(texts)
        t2 = time.perf_counter()
        print(f"{name}: loaded in {t1 - t0:.2f} s, {len(texts)} texts encoded in {t2 - t1:.2f} s "
              f"({len(texts) / (t2 - t1):,.0f} texts/s)", flush=True)
    if args.minilm:
        t0 = time.perf_counter()
        embeddings["minilm"] = SentenceTransformerEmbedder(model="all-MiniLM-L6-v2").encode(texts)
        print(f"MiniLM embedding: {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"{args.n} texts, themes fitted on {len(idx)}")
    print("| embeddings | clusterer | k asked | themes | without theme | NMI |")
    print("|---|---|---:|---:|---:|---:|")
    for name, emb in embeddings.items():
        for clusterer, k in [("kmeans", k) for k in args.k] + [("graph", None)]:
            model = ThemeModel(seed=0)
            if clusterer == "kmeans":
                fit_kmeans_model(sample, emb[idx], model=model, n_themes=k)
            else:
                model.fit(sample, emb[idx])
            ids = model.transform(emb)
            print(f"| {name} | {clusterer} | {'-' if k is None else k or 'auto'} | "
                  f"{len(model.themes_)} | {float((ids == -1).mean()):.1%} | "
                  f"{nmi(pd.Series(ids), frame['label']):.3f} |", flush=True)


if __name__ == "__main__":
    main()
