"""The MiniLM encoders on PyTorch and ONNX Runtime: agreement with fp32 PyTorch and speed.

Texts (../shared/data, seeded samples, about 2,000): banking77 test queries, sentences of the
women's e-commerce reviews and food-delivery app reviews (held-back part).

- Embedding stage (all-MiniLM-L6-v2): cosine of each text's vector to fp32 PyTorch's, mean and
  min, for ONNX fp32, each dynamic int8 quantisation tried (``quantize_dynamic`` options) and
  the shipped static one (activation ranges calibrated on the bundled sample).
- Sentiment model: share of labels (negative / neutral / positive) equal to PyTorch's, and the
  largest score difference.
- Speed: texts per second of the embedding stage for torch, onnx and onnx-int8 (the shipped
  options), with ``--threads`` threads.

Usage (from the repository root)::

    OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 TOKENIZERS_PARALLELISM=false \\
        PYTHONPATH=src python benchmarks/encoders.py --threads 2
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import sentiment_data as sd  # noqa: E402

# Dynamic int8 options tried (the shipped int8 is static: the last row of the table).
VARIANTS = {
    "all ops, per tensor": {},
    "all ops, per channel": {"per_channel": True},
    "MatMul, per tensor": {"op_types_to_quantize": ["MatMul"]},
    "MatMul, per channel": {"op_types_to_quantize": ["MatMul"], "per_channel": True},
    "MatMul, per channel, reduce_range": {"op_types_to_quantize": ["MatMul"],
                                          "per_channel": True, "reduce_range": True},
}
# Variants that keep some matrix products in fp32: node names -> names to exclude.
EXCLUDING = {
    "MatMul, per channel, feed-forward output fp32":
        lambda names: [n for n in names if "/output/dense/" in n and "attention" not in n],
    "MatMul, per channel, last layer fp32": lambda names: [n for n in names if "layer.5/" in n],
}


def matmul_names(path: Path) -> list[str]:
    import onnx

    return [n.name for n in onnx.load(str(path)).graph.node if n.op_type == "MatMul"]


def mixed_texts(data: Path, n_each: int, seed: int = 0) -> list[str]:
    banking = pd.read_csv(data / "banking77" / "test.csv")["text"].astype(str)
    reviews = sd.reviews(data)["text"].astype(str)
    sentences = pd.Series([s.strip() for t in reviews.sample(n_each, random_state=seed)
                           for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 2])
    food = sd.food_test(data)["text"].astype(str)
    parts = [banking.sample(n_each, random_state=seed),
             sentences.sample(min(n_each, len(sentences)), random_state=seed),
             food.sample(n_each, random_state=seed)]
    return [t for part in parts for t in part.tolist()]


def rate(encode, texts: list[str]) -> float:
    encode(texts[:8])  # loaded and warm
    t = time.perf_counter()
    encode(texts)
    return len(texts) / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=sd.DATA)
    ap.add_argument("--n-each", type=int, default=700, help="texts drawn from each source")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch

    from feedback_mining import onnx_encoder as ox
    from feedback_mining.config import EmbedConfig
    from feedback_mining.embed import make_embedder
    from feedback_mining.sentiment import MiniLMSentimentScorer, polarity

    torch.set_num_threads(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # read by OnnxEncoder
    texts = mixed_texts(args.data, args.n_each)
    print(f"Encoders, {pd.Timestamp.now('UTC'):%Y-%m-%d %H:%M} UTC, {platform.machine()} CPU, "
          f"{os.cpu_count()} cores (shared), {args.threads} thread(s); {len(texts)} texts "
          "(banking77 test, review sentences, food-delivery reviews)\n", flush=True)

    embedders = {rt: make_embedder(EmbedConfig(runtime=rt)) for rt in ("torch", "onnx")}
    scorers = {rt: MiniLMSentimentScorer(runtime=rt) for rt in ("torch", "onnx")}
    ref = embedders["torch"].encode(texts)
    ref_labels = polarity(scorers["torch"].score(texts))
    fp32 = {"embed": embedders["onnx"]._load(), "sentiment": None}
    scorers["onnx"]._load()
    fp32["sentiment"] = scorers["onnx"]._onnx
    if not all(isinstance(e, ox.OnnxEncoder) for e in fp32.values()):
        sys.exit("ONNX Runtime could not run the encoders (see the warnings above)")

    def agreement(embed, sentiment) -> tuple[float, float, float, int, float]:
        embedders["onnx"]._model, scorers["onnx"]._onnx = embed, sentiment
        t = time.perf_counter()
        cos = np.sum(embedders["onnx"].encode(texts) * ref, axis=1)
        speed = len(texts) / (time.perf_counter() - t)
        labels = polarity(scorers["onnx"].score(texts))
        return float(cos.mean()), float(cos.min()), float(np.mean(labels == ref_labels)), \
            int(np.sum(labels != ref_labels)), speed

    print("| runtime | embed cosine mean | embed cosine min | sentiment labels = torch "
          "| labels differing | embed texts / s |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = {"onnx fp32": agreement(fp32["embed"], fp32["sentiment"])}
    tmp = Path(tempfile.mkdtemp(prefix="encoders-"))
    variants = {**VARIANTS, **{k: VARIANTS["MatMul, per channel"] for k in EXCLUDING}}
    for name, options in variants.items():
        quantised = {}
        for key, enc in fp32.items():
            out = tmp / f"{key}-{len(rows)}.onnx"
            exclude = EXCLUDING[name](matmul_names(enc.path)) if name in EXCLUDING else None
            ox.quantize(enc.path, out, {**options, "nodes_to_exclude": exclude})
            quantised[key] = ox.OnnxEncoder(out, enc.tokenizer_path, max_length=enc.max_length,
                                            batch_size=enc.batch_size)
        rows[f"onnx int8 dynamic: {name}"] = agreement(quantised["embed"],
                                                       quantised["sentiment"])
    shipped = {}
    for key, enc in fp32.items():
        out = tmp / f"{key}-static.onnx"
        ox.quantize(enc.path, out, calibration=ox.calibration_feeds(enc.tokenizer_path,
                                                                    enc.max_length))
        shipped[key] = ox.OnnxEncoder(out, enc.tokenizer_path, max_length=enc.max_length,
                                      batch_size=enc.batch_size)
    rows["onnx int8 static, calibrated (shipped)"] = agreement(shipped["embed"],
                                                               shipped["sentiment"])
    for name, (mean, low, share, n_diff, speed) in rows.items():
        print(f"| {name} | {mean:.4f} | {low:.4f} | {share:.4f} | {n_diff} | {speed:.0f} |")

    print(f"\nEmbedding stage speed ({args.threads} thread(s), batch 64, distinct texts):\n")
    print("| runtime | texts / s |")
    print("|---|---:|")
    for rt in ("torch", "onnx", "onnx-int8"):
        emb = make_embedder(EmbedConfig(runtime=rt))
        print(f"| {rt} | {rate(emb.encode, texts):.0f} |", flush=True)
    print(f"\nSentiment model speed ({args.threads} thread(s)):\n")
    print("| runtime | texts / s |")
    print("|---|---:|")
    for rt in ("torch", "onnx", "onnx-int8"):
        scorer = MiniLMSentimentScorer(runtime=rt)
        print(f"| {rt} | {rate(scorer.score, texts):.0f} |", flush=True)


if __name__ == "__main__":
    main()
