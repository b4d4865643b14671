"""Theme quality of the pipeline a user runs, beside BERTopic's default, on labelled data.

Every labelled set goes through ``fm.run`` from its raw texts with default settings
(cleaning, sentence segments, the verbatim's theme = the theme holding most of its text,
the friction/praise views), never told the number of themes, and is scored at two levels:

- **detail** (a verbatim's theme) against the intents: Banking77 test (77), Bitext (27),
  CLINC150 test (150);
- **top level** (the parent of that theme) against coarse categories: Bitext's 11
  categories, CLINC150's 10 domains (``domains.json``) and Banking77's intents grouped into
  8 areas by :func:`banking77_area` (card, top-up, transfer, cash, exchange, account and
  identity, payments and charges, refunds).

``bertopic-default`` is BERTopic's default clustering, UMAP(15 neighbours, 5 components,
min_dist 0, cosine) + HDBSCAN(min_cluster_size 10, eom), on the whole verbatims with the same
MiniLM embeddings.  Rows set aside by cleaning and texts without a theme count as one group.

Labels: for each detailed theme, the cosine similarity (MiniLM) between its label and the
humanised name of its majority intent ("card_arrival" -> "card arrival"), for our labels
(the name each theme carries: its friction row's when most of its mentions are friction,
else the one found on all its mentions), the previous
default labeler's (``KeyphraseLabeler`` on all the theme's mentions), and BERTopic's
default representation of the same
clusters (its top 4 c-TF-IDF words); plus the share of our labels that
:func:`feedback_mining.themes.labels.is_fragment` flags.

    python benchmarks/themes.py                      # all sets, seeds 0 1 2
    python benchmarks/themes.py --sets bitext --seeds 0 --no-bertopic
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
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

import feedback_mining as fm  # noqa: E402
from feedback_mining.embed import Embedder, make_embedder  # noqa: E402
from feedback_mining.themes.evaluate import cluster_scores  # noqa: E402
from feedback_mining.themes.keywords import theme_keywords  # noqa: E402
from feedback_mining.themes.labels import KeyphraseLabeler, is_fragment  # noqa: E402

CACHE = Path.home() / ".cache" / "feedback-mining" / "benchmarks"
_AREAS = [
    ("refunds", r"refund"),
    ("top-up", r"top_up|topping_up"),
    ("exchange", r"exchange|currenc|fiat"),
    ("cash", r"cash|atm|card_swallowed"),
    ("transfer", r"transfer|beneficiary|receiving_money|direct_debit"),
    ("account and identity", r"identity|verify|account|personal|passcode|age_limit|country|"
                             r"phone|pin_blocked|change_pin"),
    ("payments and charges", r"payment|charge|statement|balance|fee"),
    ("card", r"card|apple_pay|contactless|visa"),
]


def banking77_area(intent: str) -> str:
    """Banking77 intent -> one of 8 areas (first matching rule of ``_AREAS``).

    >>> banking77_area("card_arrival"), banking77_area("pending_top_up")
    ('card', 'top-up')
    """
    for area, pattern in _AREAS:
        if re.search(pattern, intent):
            return area
    return "other"


def load_sets(data: Path) -> dict[str, pd.DataFrame]:
    """Each set as a frame with ``text``, ``label`` (intent) and ``coarse`` (category)."""
    banking = pd.read_csv(data / "banking77" / "test.csv").rename(columns={"category": "label"})
    banking["coarse"] = banking["label"].map(banking77_area)
    bitext = pd.read_csv(data / "bitext_cs8k" / "Bitext_Sample_Customer_Service_Training_Dataset.csv",
                         encoding="utf-8-sig").rename(columns={"utterance": "text", "intent": "label",
                                                               "category": "coarse"})
    clinc = json.loads((data / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    domains = json.loads((data / "clinc150" / "domains.json").read_text(encoding="utf-8"))
    domain_of = {intent: d for d, intents in domains.items() for intent in intents}
    clinc = pd.DataFrame(clinc["test"], columns=["text", "label"])
    clinc["coarse"] = clinc["label"].map(domain_of)
    return {name: f[["text", "label", "coarse"]].reset_index(drop=True)
            for name, f in (("banking77_test", banking), ("bitext", bitext),
                            ("clinc150_test", clinc))}


class CachedEmbedder(Embedder):
    """The package's MiniLM embedder with a disk cache of every text it embedded."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, runtime: str = "onnx") -> None:
        from feedback_mining.config import EmbedConfig

        self._inner = make_embedder(EmbedConfig(runtime=runtime))
        # torch and onnx (fp32) give the same vectors; int8 ones are kept apart
        self._path = CACHE / ("minilm-int8-texts.npz" if runtime == "onnx-int8"
                              else "minilm-texts.npz")
        self._store: dict[str, np.ndarray] = {}
        if self._path.exists():
            with np.load(self._path) as f:
                self._store = dict(zip(f["keys"].tolist(), f["vectors"], strict=True))

    @property
    def dim(self) -> int:
        return 384

    def _encode_unique(self, texts: list[str], *, show_progress: bool) -> np.ndarray:
        keys = [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in self._store]
        if missing:
            vectors = self._inner.encode(missing)
            for t, v in zip(missing, vectors, strict=True):
                self._store[hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest()] = v
            self.save()
        return np.vstack([self._store[k] for k in keys])

    def save(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_name("tmp-" + self._path.name)
        np.savez(tmp, keys=np.array(list(self._store)), vectors=np.vstack(list(self._store.values())))
        os.replace(tmp, self._path)


def run_ours(frame: pd.DataFrame, embedder: Embedder, seed: int, settings: list[str]):
    """``fm.run`` with default settings (or ``settings``) on the raw texts; the verbatims'
    detail and top ids."""
    data = frame.assign(id=[f"r{i}" for i in range(len(frame))])
    cfg = fm.Config().with_overrides([f"themes.seed={seed}", *settings])
    result = fm.Pipeline(cfg, embedder=embedder).run(fm.load(data, text="text", id="id"))
    docs = result.documents.set_index("id").loc[data["id"]]
    detail = docs["theme_id"].fillna(-1).astype(int).to_numpy()
    parent = dict(zip(result.model.themes_["theme_id"], result.model.themes_["parent_id"],
                      strict=True))
    top = np.array([int(parent.get(t, -1)) for t in detail])
    return result, detail, top


def bertopic_default(X: np.ndarray, seed: int) -> np.ndarray:
    from hdbscan import HDBSCAN
    from umap import UMAP

    reduced = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                   random_state=seed).fit_transform(X)
    return HDBSCAN(min_cluster_size=10, metric="euclidean",
                   cluster_selection_method="eom").fit(reduced).labels_


def bertopic_words(texts: list[str], themes: np.ndarray, n: int = 4) -> dict[int, str]:
    """BERTopic's default representation of given clusters: top c-TF-IDF words of its
    default CountVectorizer (no stop-word removal), as its topic names show them."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    ids = sorted(t for t in set(themes.tolist()) if t >= 0)
    joined = [" ".join(texts[i] for i in np.flatnonzero(themes == t)) for t in ids]
    vec = CountVectorizer()
    counts = vec.fit_transform(joined)
    scores = ClassTfidfTransformer().fit_transform(counts).toarray()
    words = vec.get_feature_names_out()
    return {t: " ".join(words[np.argsort(-scores[r])[:n]]) for r, t in enumerate(ids)}


def label_similarity(names: dict[int, str], truth: dict[int, str], embedder: Embedder) -> float:
    ids = [t for t in names if t in truth]
    if not ids:
        return float("nan")
    a = embedder.encode([names[t] for t in ids])
    b = embedder.encode([truth[t] for t in ids])
    return float(np.mean(np.sum(a * b, axis=1)))


def majority(themes: np.ndarray, labels: np.ndarray) -> dict[int, str]:
    out = {}
    for t in sorted(set(themes.tolist())):
        if t >= 0:
            values, counts = np.unique(labels[themes == t], return_counts=True)
            out[t] = str(values[np.argmax(counts)]).replace("_", " ").lower()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sets", nargs="+", default=["banking77_test", "bitext", "clinc150_test"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--no-bertopic", action="store_true")
    parser.add_argument("--embed-runtime", default="onnx", choices=("torch", "onnx", "onnx-int8"),
                        help="how MiniLM runs for the embeddings of both pipelines")
    parser.add_argument("--set", dest="settings", action="append", default=[],
                        metavar="KEY=VALUE", help="a setting other than the default (to compare)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
    if not args.data.exists():
        print(f"no data at {args.data}; pass --data FOLDER", file=sys.stderr)
        return 2
    sets = {k: v for k, v in load_sets(args.data).items() if k in args.sets}
    embedder = CachedEmbedder(args.embed_runtime)
    print(f"{'data':<15} {'method':<17} {'seed':>4} {'level':<6} {'NMI':>6} {'AMI':>6} "
          f"{'ARI':>6} {'themes':>6} {'no theme':>8} {'seconds':>8}", flush=True)
    label_rows = []
    for name, frame in sets.items():
        texts = frame["text"].astype(str).tolist()
        y, coarse = frame["label"].astype(str).to_numpy(), frame["coarse"].astype(str).to_numpy()
        for seed in args.seeds:
            start = time.perf_counter()
            result, detail, top = run_ours(frame, embedder, seed, args.settings)
            seconds = time.perf_counter() - start
            for level, ids, truth in (("detail", detail, y), ("top", top, coarse)):
                s = cluster_scores(truth, ids)
                print(f"{name:<15} {'ours (fm.run)':<17} {seed:>4} {level:<6} {s['nmi']:>6.3f} "
                      f"{s['ami']:>6.3f} {s['ari']:>6.3f} {s['n_themes']:>6} "
                      f"{s['unassigned']:>7.1%} {seconds:>8.1f}", flush=True)
            if seed == args.seeds[0]:
                truth_names = majority(detail, y)
                # the name each theme carries (its friction row's when it is mostly complaints)
                topic = result.model.themes_.set_index("theme_id")["label"].to_dict()
                ours_names = {int(t): str(v) for t, v in topic.items()}
                # the previous default labeler (key phrase of all the theme's mentions), on
                # the same themes: the model's own names are now its friction rows'
                m = result.mentions
                ids = m["theme_id"].to_numpy()
                kw = theme_keywords(m["text"].tolist(), ids, sorted(topic), 8)
                topic = {int(t): KeyphraseLabeler().label(
                    kw.get(t, []), m.loc[ids == t, "text"].head(200).tolist()) for t in topic}
                kept = [i for i, t in enumerate(detail) if t >= 0]
                words = bertopic_words([texts[i] for i in kept], detail[kept])
                label_rows.append({
                    "data": name, "themes": len(ours_names),
                    "ours": label_similarity(ours_names, truth_names, embedder),
                    "previous labeler": label_similarity(topic, truth_names, embedder),
                    "bertopic words": label_similarity(words, truth_names, embedder),
                    "fragments ours": np.mean([is_fragment(v) for v in ours_names.values()]),
                    "examples": "; ".join(f"{ours_names[t]} <- {truth_names.get(t)}"
                                          for t in list(ours_names)[:4]),
                })
        if not args.no_bertopic:
            X = embedder.encode(texts)
            for seed in args.seeds:
                start = time.perf_counter()
                ids = bertopic_default(X, seed)
                s = cluster_scores(y, ids)
                print(f"{name:<15} {'bertopic-default':<17} {seed:>4} {'detail':<6} "
                      f"{s['nmi']:>6.3f} {s['ami']:>6.3f} {s['ari']:>6.3f} {s['n_themes']:>6} "
                      f"{s['unassigned']:>7.1%} {time.perf_counter() - start:>8.1f}", flush=True)
    print("\nlabel to majority-intent name, mean cosine similarity (MiniLM); fragments: share "
          "of our labels is_fragment flags")
    table = pd.DataFrame(label_rows)
    with pd.option_context("display.width", 250, "display.max_colwidth", 120):
        print(table.drop(columns="examples").to_string(index=False, float_format="%.3f"))
        for row in label_rows:
            print(f"  {row['data']}: {row['examples']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
