"""How far the bundled sentiment model's decisions can go: ceilings on the held-back reviews.

The reviews' 3-class macro-F1 goal (issue 7: 0.70) sits above what the bundled model printed.
This script asks whether a better *decision rule* on top of the same fine-tuned MiniLM would
close the gap, or whether the encoder itself is the limit.  Every rule is scored on the
reviews' held-back test split; the rows marked "oracle" are fitted on that test split itself
(cut-offs chosen on it, or a linear head cross-validated on it), so they are upper bounds that
no honest rule on this encoder can beat, not candidates.

Rules:

* validation cut-offs: the shipped rule (two cut-offs on P(positive) - P(negative), chosen on
  the reviews' validation split);
* class offsets: argmax of the log-probabilities plus two offsets chosen on validation;
* re-fitted head: a new balanced logistic regression on the fine-tuned pooled vectors, trained
  on the training reviews, cut-offs on validation;
* stack: logistic regression on the model's log-probabilities, the fast head's (frozen MiniLM
  embeddings) and VADER's four scores, fitted on the validation split (cut-offs from 5-fold
  out-of-fold predictions); also scored on the binary sets (positive when P(pos) > P(neg)).

Usage (from the repository root, ../shared/data beside it; 1,543 s on 2 threads of a 2-core
CPU that two test runs were sharing, 2026-11-27)::

    OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 TOKENIZERS_PARALLELISM=false \\
        PYTHONPATH=src python benchmarks/sentiment_ceiling.py --threads 2
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import sentiment_data as sd  # noqa: E402

BINARY = ("sst2_dev", *sd.UCI)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=sd.DATA)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--model-dir", type=Path, default=None,
                    help="a candidate model folder (default: the bundled models)")
    args = ap.parse_args()

    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import cross_val_predict
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from feedback_mining.sentiment import EmbeddingHeadScorer, MiniLMSentimentScorer

    torch.set_num_threads(args.threads)
    if not (args.data / "sst2" / "dev.tsv").is_file():
        sys.exit(f"no data at {args.data}; the benchmark needs ../shared/data")
    kw = {"model_dir": args.model_dir} if args.model_dir else {}
    model, fast = MiniLMSentimentScorer(**kw), EmbeddingHeadScorer(**kw)
    vader = SentimentIntensityAnalyzer()
    t0 = time.time()

    rev = sd.reviews(args.data)
    split, y = rev["split"].to_numpy(), rev["label"].to_numpy()
    tr, va, te = split == "train", split == "val", split == "test"
    texts = {"reviews": rev["text"].tolist()}
    labels = {}
    for name in BINARY:
        frame = sd.binary_set(name, args.data)
        texts[name], labels[name] = frame["text"].tolist(), frame["label"].to_numpy()

    feats, logp, fast_logp, vad = {}, {}, {}, {}
    for name, t in texts.items():
        feats[name] = model.features(t)
        proba = model.proba_from_features(feats[name])  # no second pass through the encoder
        logp[name] = np.log(np.clip(proba, 1e-12, 1))
        fast_logp[name] = np.log(np.clip(fast.predict_proba(t), 1e-12, 1))
        vad[name] = np.array([[v["neg"], v["neu"], v["pos"], v["compound"]]
                              for v in map(vader.polarity_scores, t)])
        print(f"  features for {name} ({len(t)} texts), {time.time() - t0:.0f}s", flush=True)

    rows: list[tuple[str, float, float, list[float] | None]] = []

    def f1(pred: np.ndarray) -> float:
        return float(f1_score(y[te], pred, average="macro"))

    # 1. The shipped rule: cut-offs on the raw score chosen on validation.
    raw = np.exp(logp["reviews"][:, 2]) - np.exp(logp["reviews"][:, 0])
    v, lo, hi = sd.choose_cutoffs(raw[va], y[va])
    binary = [accuracy_score(labels[n], np.exp(logp[n][:, 2]) > np.exp(logp[n][:, 0]))
              for n in BINARY]
    rows.append(("validation cut-offs (the shipped rule)", v, f1(sd.three_way(raw[te], lo, hi)),
                 binary))

    # 2. Argmax with two class offsets chosen on validation.
    offsets = np.round(np.arange(-2, 2.01, 0.1), 1)
    best = (-1.0, 0.0, 0.0)
    for b0 in offsets:
        for b2 in offsets:
            score = f1_score(y[va], (logp["reviews"][va] + [b0, 0, b2]).argmax(1),
                             average="macro")
            if score > best[0] + 1e-12:
                best = (float(score), float(b0), float(b2))
    rows.append(("argmax + class offsets chosen on validation", best[0],
                 f1((logp["reviews"][te] + [best[1], 0, best[2]]).argmax(1)), None))

    # 3. A new balanced linear head on the fine-tuned vectors, trained on the training reviews.
    refit = LogisticRegression(C=0.1, max_iter=3000, class_weight="balanced")
    refit.fit(feats["reviews"][tr], y[tr])
    p = refit.predict_proba(feats["reviews"])
    s = p[:, 2] - p[:, 0]
    v, lo, hi = sd.choose_cutoffs(s[va], y[va])
    rows.append(("re-fitted head on the fine-tuned vectors (training reviews)", v,
                 f1(sd.three_way(s[te], lo, hi)), None))

    # 4. Stack: model + fast head + VADER, fitted on validation.
    def stacked(name: str, mask=slice(None)) -> np.ndarray:
        return np.hstack([logp[name][mask], fast_logp[name][mask], vad[name][mask]])

    stack = LogisticRegression(C=1.0, max_iter=3000)
    oof = cross_val_predict(stack, stacked("reviews", va), y[va], cv=5, method="predict_proba")
    v, lo, hi = sd.choose_cutoffs(oof[:, 2] - oof[:, 0], y[va])
    stack.fit(stacked("reviews", va), y[va])
    p = stack.predict_proba(stacked("reviews", te))
    binary = []
    for n in BINARY:
        q = stack.predict_proba(stacked(n))
        binary.append(accuracy_score(labels[n], q[:, 2] > q[:, 0]))
    rows.append(("stack: model + fast head + VADER (fitted on validation)", v,
                 f1(sd.three_way(p[:, 2] - p[:, 0], lo, hi)), binary))

    # 5. Oracles: fitted on the test split itself.
    v, lo, hi = sd.choose_cutoffs(raw[te], y[te], step=0.01)
    rows.append((f"oracle: cut-offs chosen on the test split ({lo:+.2f} / {hi:+.2f})", np.nan,
                 v, None))
    best_cv = 0.0
    for c in (0.1, 1.0):
        for cw in (None, "balanced"):
            pred = cross_val_predict(LogisticRegression(C=c, max_iter=3000, class_weight=cw),
                                     feats["reviews"][te], y[te], cv=5)
            best_cv = max(best_cv, f1(pred))
    rows.append(("oracle: linear head 5-fold cross-validated on the test split (best of 4)",
                 np.nan, best_cv, None))

    print()
    print(f"Decision rules on the bundled model's outputs, {time.strftime('%Y-%m-%d %H:%M')} "
          f"UTC, {platform.machine()} CPU, {args.threads} thread(s), {time.time() - t0:.0f}s")
    print(f"reviews: 3-class macro-F1, validation n={int(va.sum())}, held-back test "
          f"n={int(te.sum())}; binary sets: accuracy, positive when P(pos) > P(neg)")
    print()
    print("| rule | reviews val macro-F1 | reviews test macro-F1 | " + " | ".join(BINARY) + " |")
    print("|---|---:|---:|" + "---:|" * len(BINARY))
    for name, val, test, binary in rows:
        cells = [f"{b:.3f}" for b in binary] if binary else ["-"] * len(BINARY)
        val_cell = "-" if np.isnan(val) else f"{val:.3f}"
        print(f"| {name} | {val_cell} | {test:.3f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
