"""Sentiment quality and cost: VADER vs the bundled models, in one run, on data not trained on.

Sets (../shared/data): SST-2 dev and the three UCI sentence sets (binary: positive when the
score is > 0), and two 3-class sets (ratings 1-2 / 3 / 4-5, labels with the default cut-offs
-0.05 / +0.05): the held-back 30% of the women's e-commerce reviews, and the held-back 30% of
the Singapore food-delivery app reviews (English, food-delivery era, each text once;
``sentiment_data.food_test``).  Last, the aftersales probe of the tests
(``tests/data/aftersales_probe.csv``): the share of praise scored > 0, of complaints < 0, and
of neutral requests labelled neutral; and the food-delivery reviews cut into sentence segments,
as the pipeline scores them: the share of 1-2 star segments labelled positive and of 4-5 star
segments labelled negative (and the same for a seeded 1,200 of the clothing reviews); and
sentences of the held-back reviews labelled by a person reading each, never trained on: 293
food-delivery ones (``benchmarks/data/food_test_segments.csv``, drawn by
``benchmarks/data/draw_test_segments.py``) when ``food_test`` is scored, 257 clothing ones
(``benchmarks/data/clothing_test_segments.csv``, drawn by
``scripts/data/draw_clothing_segments.py --split test``) when ``reviews_test`` is: 3-class
macro-F1, accuracy and recall per class against the sentence's label (all of them, whatever
``--limit``); and 360 whole held-back reviews per domain, 120 of each star class, read by
people who did not see the stars (``benchmarks/data/{food,clothing}_test_reviews_read.csv``,
drawn by ``benchmarks/data/draw_test_reviews.py``): each reader's and scorer's 3-class
macro-F1 against the stars (weighted as the whole set) and against two readers' sentiment.

Cost: seconds per 1,000 verbatims for the embedding stage (all-MiniLM-L6-v2, as the theme stage
runs it) and for each scorer; the ``head`` scorer is timed on the embeddings the embedding stage
already made, as the pipeline runs it.  All on one CPU thread, texts in the order of the sets.

Usage (from the repository root)::

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false \\
        PYTHONPATH=src python benchmarks/sentiment.py
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import sentiment_data as sd  # noqa: E402

THREE_CLASS = ("reviews_test", "food_test")
PROBE = ROOT / "tests" / "data" / "aftersales_probe.csv"
TEST_SEGMENTS = {name: Path(__file__).with_name("data") / f"{name}_test_segments.csv"
                 for name in ("food", "clothing")}
READ_REVIEWS = {name: Path(__file__).with_name("data") / f"{name}_test_reviews_read.csv"
                for name in ("food", "clothing")}
READERS = {"reader_a": "reader A (the text's sentiment)",
           "reader_b": "reader B (the text's sentiment)",
           "star_guess": "reader C (guessing the stars)"}


def load_sets(data: Path, limit: int, reviews_sample: int) -> dict[str, pd.DataFrame]:
    sets = {name: sd.binary_set(name, data) for name in ("sst2_dev", *sd.UCI)}
    rev = sd.reviews(data)
    test = rev[rev["split"] == "test"][["text", "label"]]
    if reviews_sample and reviews_sample < len(test):
        test = test.sample(reviews_sample, random_state=0).sort_index()
    test = test.reset_index(drop=True)
    sets["reviews_test"] = test
    sets["food_test"] = sd.food_test(data)[["text", "label"]]
    if limit:
        sets = {k: v.iloc[:limit] for k, v in sets.items()}
    return sets


def embedder(runtime: str | None = None):
    """The embedding stage as the pipeline runs it (on ``runtime``: the default if None)."""
    from feedback_mining.config import EmbedConfig
    from feedback_mining.embed import make_embedder

    return make_embedder(EmbedConfig(**({"runtime": runtime} if runtime else {}))).encode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=sd.DATA)
    ap.add_argument("--limit", type=int, default=0, help="rows per set (0: all); for smoke runs")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reviews-sample", type=int, default=0,
                    help="score a seeded sample of the held-back reviews (0: all 6,794)")
    ap.add_argument("--sets", nargs="+", default=None,
                    help="score only these sets (default: all); the probe is always scored")
    ap.add_argument("--model-dir", type=Path, default=None,
                    help="score a candidate model folder (default: the bundled models)")
    ap.add_argument("--runtime", default=None, choices=("torch", "onnx", "onnx-int8"),
                    help="how the MiniLM encoders run (embedding stage and model); default: "
                    "the config's default")
    args = ap.parse_args()

    import torch
    from sklearn.metrics import accuracy_score, f1_score

    from feedback_mining.config import SentimentConfig
    from feedback_mining.sentiment import (
        EmbeddingHeadScorer,
        MiniLMSentimentScorer,
        VaderScorer,
        polarity,
    )

    torch.set_num_threads(args.threads)
    if not (args.data / "sst2" / "dev.tsv").is_file():
        sys.exit(f"no data at {args.data}; the benchmark needs ../shared/data")
    sets = load_sets(args.data, args.limit, args.reviews_sample)
    if args.sets:
        unknown = sorted(set(args.sets) - set(sets))
        if unknown:
            sys.exit(f"--sets: expected names from {', '.join(sets)}, found {', '.join(unknown)}")
        sets = {k: v for k, v in sets.items() if k in args.sets}
    kw = {"model_dir": args.model_dir} if args.model_dir else {}
    runtime = {"runtime": args.runtime or SentimentConfig().runtime}
    scorers = {"vader": VaderScorer(), "head": EmbeddingHeadScorer(**kw),
               "model": MiniLMSentimentScorer(**kw, **runtime)}
    # Load the models before timing (once per process, as in a pipeline run).
    scorers["head"].score(["warm up"], np.zeros((1, 384), dtype=np.float32))
    scorers["model"].score(["warm up"])
    scorers["vader"].score(["warm up"])
    encode = embedder(args.runtime)
    encode(["warm up"])

    seconds = {k: 0.0 for k in ("embedding stage", *scorers)}
    rows = []
    n_texts = 0
    for name, frame in sets.items():
        texts = frame["text"].tolist()
        n_texts += len(texts)
        t = time.perf_counter()
        emb = encode(texts)
        seconds["embedding stage"] += time.perf_counter() - t
        for key, scorer in scorers.items():
            t = time.perf_counter()
            s = scorer.score(texts, emb)
            seconds[key] += time.perf_counter() - t
            y = frame["label"].to_numpy()
            if name in THREE_CLASS:
                pred = pd.Series(polarity(s)).map({c: i for i, c in enumerate(sd.CLASSES)})
                rows.append((name, key, accuracy_score(y, pred), f1_score(y, pred,
                                                                          average="macro")))
            else:
                pred = (s > 0).astype(int)
                rows.append((name, key, accuracy_score(y, pred), f1_score(y, pred,
                                                                          average="macro")))
        print(f"  scored {name} ({len(texts)} texts)", flush=True)

    table = pd.DataFrame(rows, columns=["set", "scorer", "accuracy", "macro_f1"])
    wide = table.pivot(index="set", columns="scorer", values=["accuracy", "macro_f1"])
    wide = wide.reindex(list(sets))
    print()
    print(f"Sentiment on data not trained on, {pd.Timestamp.now('UTC'):%Y-%m-%d %H:%M} UTC, "
          f"{platform.machine()} CPU, {args.threads} thread(s), encoders on "
          f"{runtime['runtime']}")
    print("binary sets: score > 0 is positive; reviews_test and food_test: 3 classes "
          "(1-2 / 3 / 4-5 stars), macro-F1 over the 3")
    print()
    print("| set | n | " + " | ".join(f"{m} {k}" for m in ("accuracy", "macro-F1")
                                       for k in scorers) + " |")
    print("|---|---:|" + "---:|" * (2 * len(scorers)))
    for name in sets:
        cells = [f"{wide.loc[name, (m, k)]:.3f}" for m in ("accuracy", "macro_f1")
                 for k in scorers]
        print(f"| {name} | {len(sets[name])} | " + " | ".join(cells) + " |")
    print()
    print(f"Cost over all {n_texts} texts (seconds per 1,000 verbatims):")
    print()
    print("| stage | s / 1,000 verbatims |")
    print("|---|---:|")
    for key, sec in seconds.items():
        label = {"head": "sentiment: head (on the stage's embeddings; fast option)",
                 "model": "sentiment: model (fine-tuned MiniLM, own forward pass)",
                 "vader": "sentiment: VADER"}.get(key, key)
        print(f"| {label} | {1000 * sec / n_texts:.3f} |")
    print_probe(scorers, encode)
    if "food_test" in sets:
        print_segments(scorers, encode, sets["food_test"])
        print_labelled_segments(scorers, encode, "food")
        print_read_reviews(scorers, encode, "food", sets["food_test"]["label"])
    if "reviews_test" in sets:
        # a seeded 1,200 of the clothing reviews: the other domain, where praise sentences
        # outnumber complaints (the bundled demo)
        reviews = sets["reviews_test"]
        print_segments(scorers, encode, reviews.sample(min(1200, len(reviews)), random_state=0),
                       "clothing")
        print_labelled_segments(scorers, encode, "clothing")
        print_read_reviews(scorers, encode, "clothing", sets["reviews_test"]["label"])


def print_segments(scorers: dict, encode, reviews: pd.DataFrame,
                   name: str = "food-delivery") -> None:
    """Segment level, as the pipeline scores: held-back reviews (``name``) of 1-2 and 4-5
    stars cut into sentences (the pipeline's default segments).  A segment of a 1-2 star
    review labelled positive is, most often, a complaint the friction ranking loses to "what
    customers like"; one of a 4-5 star review labelled negative, praise read as friction.
    Neither share is an error rate (a 1-star review may say "the app used to be great"),
    but a model that moves one without the other has moved its balance, not its accuracy."""
    from feedback_mining.config import SegmentConfig
    from feedback_mining.segment import split_text
    from feedback_mining.sentiment import polarity

    config = SegmentConfig()
    pieces = split_text(reviews["text"].tolist(), config.method, config.min_words)
    label = np.repeat(reviews["label"].to_numpy(), [len(p) for p in pieces])
    texts = [t for p in pieces for t in p]
    emb = encode(texts)
    neg, pos = label == 0, label == 2
    print()
    print(f"Segments of the held-back {name} reviews ({len(texts)} sentences of "
          f"{len(reviews)} reviews; default cut-offs):")
    print()
    print(f"| scorer | 1-2 star segments labelled positive (of {int(neg.sum())}) | "
          f"4-5 star segments labelled negative (of {int(pos.sum())}) |")
    print("|---|---:|---:|")
    for key, scorer in scorers.items():
        lab = polarity(scorer.score(texts, emb))
        print(f"| {key} | {np.mean(lab[neg] == 'positive'):.3f} | "
              f"{np.mean(lab[pos] == 'negative'):.3f} |")


def print_labelled_segments(scorers: dict, encode, domain: str) -> None:
    """Sentences of the held-back reviews of ``domain`` (food or clothing) labelled by a person
    reading each one (benchmarks/data/{domain}_test_segments.csv, never trained on): 3-class
    macro-F1, accuracy and per-class recall at the default cut-offs, against the sentence's
    label, not its stars."""
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    from feedback_mining.sentiment import polarity

    path = TEST_SEGMENTS[domain]
    if not path.is_file():
        print(f"\n(no {path.name}: the labelled test segments are skipped)")
        return
    frame = pd.read_csv(path)
    texts = frame["text"].tolist()
    y = frame["label"].to_numpy()
    emb = encode(texts)
    classes = list(sd.CLASSES)
    n = frame["label"].value_counts()
    print()
    print(f"Labelled segments of the held-back {domain} reviews ({len(frame)} sentences, "
          f"benchmarks/data/{path.name}; default cut-offs):")
    print()
    print("| scorer | macro-F1 | accuracy | " + " | ".join(
        f"{c} recall (of {n.get(c, 0)})" for c in classes) + " |")
    print("|---|---:|---:|" + "---:|" * len(classes))
    for key, scorer in scorers.items():
        pred = polarity(scorer.score(texts, emb))
        recall = recall_score(y, pred, labels=classes, average=None, zero_division=0)
        cells = [f1_score(y, pred, labels=classes, average="macro", zero_division=0),
                 accuracy_score(y, pred), *recall]
        print(f"| {key} | " + " | ".join(f"{x:.3f}" for x in cells) + " |")


def print_read_reviews(scorers: dict, encode, domain: str, stars: pd.Series) -> None:
    """Whole held-back reviews of ``domain`` read by people (benchmarks/data/
    {domain}_test_reviews_read.csv, drawn by draw_test_reviews.py: 120 per star class, never
    trained on).  Readers A and B labelled the sentiment of each text, reader C guessed the
    writer's star band, none of them seeing the stars.  3-class macro-F1 of each reader and
    scorer against the stars (rows weighted so that each star class counts as in the whole
    set, ``stars``) and against readers A and B: how far reading the text gets against the
    stars, and how far the scorers get against a reading."""
    from sklearn.metrics import f1_score

    from feedback_mining.sentiment import polarity

    path = READ_REVIEWS[domain]
    if not path.is_file():
        print(f"\n(no {path.name}: the reviews read by people are skipped)")
        return
    frame = pd.read_csv(path, keep_default_na=False)
    classes = list(sd.CLASSES)
    label = sd.star_label(frame["rating"])
    y = np.array(classes)[label]
    # each drawn review stands for its star class's share of the whole set
    share = np.bincount(stars, minlength=3) / len(stars)
    drawn = np.bincount(label, minlength=3) / len(label)
    weight = share[label] / drawn[label]

    def f1(truth, pred, w=None):
        return f1_score(truth, pred, labels=classes, average="macro", sample_weight=w,
                        zero_division=0)

    texts = frame["text"].tolist()
    emb = encode(texts)
    labels = {name: frame[col].to_numpy() for col, name in READERS.items()}
    labels.update({key: polarity(scorer.score(texts, emb)) for key, scorer in scorers.items()})
    a, b = frame["reader_a"].to_numpy(), frame["reader_b"].to_numpy()
    print()
    print(f"Whole held-back {domain} reviews read by people ({len(frame)}, 120 per star class, "
          f"benchmarks/data/{path.name}; 3-class macro-F1, default cut-offs):")
    print()
    print("| labeller | against the stars (weighted as the whole set) | against reader A | "
          "against reader B |")
    print("|---|---:|---:|---:|")
    for name, pred in labels.items():
        print(f"| {name} | {f1(y, pred, weight):.3f} | {f1(a, pred):.3f} | {f1(b, pred):.3f} |")


def print_probe(scorers: dict, encode) -> None:
    """The aftersales probe (hand-written, never trained on): shares on the right side."""
    from feedback_mining.sentiment import polarity

    probe = pd.read_csv(PROBE)
    texts = probe["text"].tolist()
    emb = encode(texts)
    print()
    counts = probe["label"].value_counts()
    print(f"Aftersales probe ({len(probe)} sentences, tests/data/aftersales_probe.csv):")
    print()
    print(f"| scorer | praise > 0 (of {counts['praise']}) | complaints < 0 (of "
          f"{counts['complaint']}) | requests neutral (of {counts['neutral']}) |")
    print("|---|---:|---:|---:|")
    for key, scorer in scorers.items():
        s = scorer.score(texts, emb)
        shares = [np.mean(s[(probe["label"] == "praise").to_numpy()] > 0),
                  np.mean(s[(probe["label"] == "complaint").to_numpy()] < 0),
                  np.mean(polarity(s[(probe["label"] == "neutral").to_numpy()]) == "neutral")]
        print(f"| {key} | " + " | ".join(f"{x:.2f}" for x in shares) + " |")


if __name__ == "__main__":
    main()
