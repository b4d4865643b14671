"""Train the fast path's static model on customer feedback and write it to
src/feedback_mining/models/static-feedback.

The starting point is the model2vec model distilled from the bundled all-MiniLM-L6-v2 (what
``embed.model = "static"`` uses, no training on text); the result is ``"static-feedback"``.
tokenlearn fits its token vectors (and one weight per token) so that the mean of a text's
token vectors, through a linear layer, predicts that text's MiniLM embedding (PCA-reduced),
on a corpus of feedback sentences:

* the food-delivery app reviews (English, train and validation splits of
  ``benchmarks/sentiment_data.py``: the held-back sentiment test split is never used), split
  into sentences by the package's own sentencizer;
* the women's e-commerce clothing reviews (same splits), split into sentences;
* SST-2 train sentences and phrases of at least ``--min-words`` words.

Never Banking77, Bitext or CLINC150: they are the theme benchmarks' labelled texts.  Each source
gives a seeded sample of distinct sentences (``--n-food``, ``--n-reviews``, ``--n-sst``); the
MiniLM targets are embedded once (single thread, about 2-5 minutes for 36,000 sentences) and
cached in ``--cache``.  The trained vectors are stored as int8 (``--dtype``) so the model is
about 8 MB.

Usage (from the repository root, ../shared/data beside it)::

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false \\
        PYTHONPATH=src python scripts/train_static.py

It is seeded and prints what it did; the figures also go into the model's config.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

import sentiment_data as sd  # noqa: E402

OUT = ROOT / "src" / "feedback_mining" / "models" / "static-feedback"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=sd.DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/fm_static_train"),
                    help="where the MiniLM targets are cached between runs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n-food", type=int, default=14_000)
    ap.add_argument("--n-reviews", type=int, default=14_000)
    ap.add_argument("--n-sst", type=int, default=8_000)
    ap.add_argument("--min-words", type=int, default=3)
    ap.add_argument("--pca-dims", type=int, default=256, help="dims of the MiniLM targets")
    ap.add_argument("--target-scale", type=float, default=1.0,
                    help="multiplies the targets; tokenlearn stops after 5 checks that improve "
                         "the validation loss by less than 1e-4, about 10%% of the loss on unit "
                         "vectors: 10 trains longer (docs/BENCHMARKS.md: not better)")
    ap.add_argument("--dtype", default="int8", choices=["int8", "float16", "float32"])
    return ap.parse_args()


def sentences(texts: list[str], min_words: int) -> list[str]:
    from feedback_mining.segment import split_sentences

    out = []
    for sents in split_sentences(texts):
        out.extend(s for s in sents if len(s.split()) >= min_words)
    return out


def sample(texts: list[str], n: int, rng: np.random.Generator) -> list[str]:
    distinct = sorted(set(texts))
    idx = rng.choice(len(distinct), min(n, len(distinct)), replace=False)
    return [distinct[i] for i in np.sort(idx)]


def corpus(args: argparse.Namespace) -> tuple[list[str], dict]:
    """The training sentences (shuffled, seeded) and how many came from each source."""
    rng = np.random.default_rng(args.seed)
    food = sd.food_reviews(args.data)
    food = food[(food["split"] != "test") & food["english"]]
    reviews = sd.reviews(args.data)
    reviews = reviews[reviews["split"] != "test"]
    sst = sd.sst2_train(args.data)
    parts = {
        "food_delivery": sample(sentences(food["text"].tolist(), args.min_words),
                                args.n_food, rng),
        "womens_reviews": sample(sentences(reviews["text"].tolist(), args.min_words),
                                 args.n_reviews, rng),
        "sst2_train": sample([t for t in sst["text"] if len(t.split()) >= args.min_words],
                             args.n_sst, rng),
    }
    texts = sorted(set(t for part in parts.values() for t in part))
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], {k: len(v) for k, v in parts.items()}


def targets(texts: list[str], cache: Path) -> np.ndarray:
    """MiniLM embeddings of ``texts`` (cached by the corpus' hash)."""
    from feedback_mining.config import EmbedConfig
    from feedback_mining.embed import make_embedder

    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = cache / f"minilm-{key}.npy"
    if path.exists():
        print(f"MiniLM targets from {path}", flush=True)
        return np.load(path)
    t0 = time.perf_counter()
    vecs = make_embedder(EmbedConfig()).encode(texts)
    secs = time.perf_counter() - t0
    print(f"MiniLM targets: {len(texts)} texts in {secs:.0f} s ({len(texts) / secs:.0f}/s)",
          flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def main() -> None:
    args = parse_args()
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    from model2vec import StaticModel
    from model2vec.quantization import quantize_embeddings
    from tokenlearn.train import train_model

    from feedback_mining.embed import distill_static_model, static_model_dir

    t0 = time.perf_counter()
    texts, counts = corpus(args)
    print(f"corpus: {len(texts)} distinct sentences {counts} "
          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    vecs = targets(texts, args.cache)

    base_dir = static_model_dir()
    if not (base_dir / "model.safetensors").exists():
        distill_static_model(base_dir)
    base = StaticModel.from_pretrained(str(base_dir))
    base = StaticModel(vectors=base.embedding.astype(np.float32), tokenizer=base.tokenizer,
                       config=base.config, normalize=True)
    t0 = time.perf_counter()
    trained = train_model(base, texts, vecs * args.target_scale, device="cpu",
                          pca_dims=args.pca_dims)
    train_s = time.perf_counter() - t0
    print(f"tokenlearn training: {train_s:.0f} s", flush=True)

    vectors = quantize_embeddings(np.asarray(trained.embedding, dtype=np.float32), args.dtype)
    config = dict(base.config)
    config.update(embedding_dtype=args.dtype, normalize=True, feedback_mining={
        "recipe": "scripts/train_static.py", "args": {k: str(v) for k, v in vars(args).items()
                                                      if k not in ("data", "out", "cache")},
        "corpus": counts, "distinct_sentences": len(texts), "train_seconds": round(train_s),
        "date": dt.date.today().isoformat(), "machine": platform.platform(),
    })
    config.pop("tokenizer_name", None)  # a path on the training machine
    model = StaticModel(vectors=vectors, tokenizer=base.tokenizer, config=config, normalize=True)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    (args.out / "README.md").unlink(missing_ok=True)  # model2vec's generic card; DATA_CARD.md
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.out}: {size / 1e6:.1f} MB, {vectors.shape[0]} tokens x "
          f"{vectors.shape[1]} dims, {args.dtype}")
    print(json.dumps(config["feedback_mining"], indent=1))


if __name__ == "__main__":
    main()
