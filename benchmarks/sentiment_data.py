"""The labelled sentiment sets in ../shared/data, and the fixed split of the reviews.

Shared by ``scripts/train_sentiment.py`` (which trains only on SST-2 train, the training
splits of the clothing and food-delivery reviews and Bitext requests), ``benchmarks/
sentiment.py`` (which scores only SST-2 dev, the UCI sets and the two held-back splits) and
``benchmarks/sentiment_ceiling.py``; so is the search for the 3-class label cut-offs.  The
splits are hashes of a stable key (the clothing review's row number, the food-delivery
review's text), so they are the same on every machine and with every library version.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REVIEWS_CSV = "Womens Clothing E-Commerce Reviews.csv"
UCI = {
    "uci_amazon_cells": "amazon_cells_labelled.txt",
    "uci_imdb": "imdb_labelled.txt",
    "uci_yelp": "yelp_labelled.txt",
}
CLASSES = ("negative", "neutral", "positive")


def star_label(rating) -> np.ndarray:
    """The 3-class label of 1-5 star ratings: 0 for 1-2 stars, 1 for 3, 2 for 4-5."""
    rating = np.asarray(rating)
    return np.where(rating <= 2, 0, np.where(rating == 3, 1, 2))


def _bucket(row: int, salt: str) -> int:
    return zlib.crc32(f"{salt}:{row}".encode()) % 100


def binary_set(name: str, data: Path = DATA) -> pd.DataFrame:
    """SST-2 dev (``sst2_dev``) or a UCI set: columns text, label (0 negative / 1 positive)."""
    if name == "sst2_dev":
        frame = pd.read_csv(data / "sst2" / "dev.tsv", sep="\t", quoting=3)
        frame.columns = ["text", "label"]
    else:
        frame = pd.read_csv(
            data / "uci_sentiment_sentences" / UCI[name], sep="\t", quoting=3, header=None,
            names=["text", "label"],
        )
    frame["text"] = frame["text"].astype(str).str.strip()
    return frame


def sst2_train(data: Path = DATA) -> pd.DataFrame:
    """SST-2 train (sentences and phrases): columns text, label. For training only."""
    frame = pd.read_csv(data / "sst2" / "train.tsv", sep="\t", quoting=3)
    frame.columns = ["text", "label"]
    frame["text"] = frame["text"].astype(str).str.strip()
    return frame[frame["text"] != ""].reset_index(drop=True)


def reviews(data: Path = DATA) -> pd.DataFrame:
    """The e-commerce reviews with text: row, text, rating, label (0/1/2), split.

    ``split`` is ``test`` for the held-back 30% (never trained on), ``val`` for 15% of the rest
    (used only to choose the label cut-offs) and ``train`` for the remainder.
    """
    with zipfile.ZipFile(data / "womens_ecommerce_reviews" / "reviews.csv.zip") as zf:
        with zf.open(REVIEWS_CSV) as fh:
            raw = pd.read_csv(fh)
    raw = raw.rename(columns={"Unnamed: 0": "row", "Review Text": "text", "Rating": "rating"})
    raw = raw[raw["text"].notna()]
    raw["text"] = raw["text"].astype(str).str.strip()
    frame = raw[raw["text"] != ""][["row", "text", "rating"]].reset_index(drop=True)
    frame["label"] = star_label(frame["rating"])
    test = frame["row"].map(lambda r: _bucket(r, "sentiment-holdout") < 30)
    val = frame["row"].map(lambda r: _bucket(r, "sentiment-validation") < 15) & ~test
    frame["split"] = np.where(test, "test", np.where(val, "val", "train"))
    return frame


def three_way(score: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Class 0 / 1 / 2 (negative / neutral / positive) for scores below ``lo``, between the
    two and above ``hi``."""
    return np.where(score < lo, 0, np.where(score > hi, 2, 1))


def choose_cutoffs(score: np.ndarray, labels: np.ndarray,
                   step: float = 0.05) -> tuple[float, float, float]:
    """(macro-F1, low, high): the two cut-offs on ``score`` (a grid of ``step`` inside
    (-1, 1)) with the best 3-class macro-F1 against ``labels``."""
    from sklearn.metrics import f1_score

    grid = np.round(np.arange(-1 + step, 1 - step / 2, step), 2)
    best = (-1.0, -0.05, 0.05)
    for lo in grid:
        for hi in grid[grid >= lo]:
            f1 = f1_score(labels, three_way(score, lo, hi), average="macro")
            if f1 > best[0] + 1e-9:
                best = (float(f1), float(lo), float(hi))
    return best


FOOD_CSV = Path("sg_food_delivery_app_reviews") / "reviews.csv.gz"
# A review that talks about what happens after the order: the aftersales language the model
# must read (refunds, returns, deliveries, couriers, support, cancellations).
AFTERSALES = (r"\b(?:refund|return|deliver|courier|rider|driver|customer service|support|"
              r"agent|cancel|money back|compensat|voucher)")
BITEXT_CSV = Path("bitext_cs8k") / "Bitext_Sample_Customer_Service_Training_Dataset.csv"
# Bitext intents that are complaints or reviews carry sentiment; the rest are requests.
BITEXT_NOT_NEUTRAL = ("complaint", "review")


def _text_key(text: str) -> str:
    """The review's text, lower-cased with its spaces collapsed: duplicates share a split."""
    return " ".join(str(text).lower().split())


def food_reviews(data: Path = DATA) -> pd.DataFrame:
    """The food-delivery app reviews: app, date, title, text, rating, label (0/1/2), english,
    food_era, aftersales, split.

    ``split`` comes from a hash of the review's normalised text (so copies of one review share
    a split, and it is the same on every machine): ``test`` for the held-back 30% (never
    trained on), ``val`` for 15% of the rest (only to choose the label cut-offs), ``train`` for
    the remainder.  ``english`` is False where the pipeline's language check (clean.language)
    finds another language; ``food_era`` is False for GrabFood reviews before 2019, from its
    ride-hailing years.  The benchmark set is :func:`food_test`.
    """
    from feedback_mining.clean.language import detect_languages

    raw = pd.read_csv(data / FOOD_CSV)
    raw = raw[raw["rating"].notna() & raw["review"].notna()].copy()
    raw["text"] = raw["review"].astype(str).str.strip()
    raw = raw[raw["text"] != ""]
    frame = raw[["app", "date", "title", "text", "rating"]].reset_index(drop=True)
    frame["rating"] = frame["rating"].astype(int)
    frame["label"] = star_label(frame["rating"])
    frame["english"] = [lang in (None, "en") for lang in detect_languages(frame["text"])]
    year = pd.to_datetime(frame["date"], errors="coerce").dt.year
    frame["food_era"] = ~((frame["app"] == "GrabFood") & (year < 2019))
    frame["aftersales"] = frame["text"].str.contains(AFTERSALES, case=False, regex=True)
    keys = frame["text"].map(_text_key)
    test = keys.map(lambda k: _bucket(k, "food-holdout") < 30)
    val = keys.map(lambda k: _bucket(k, "food-validation") < 15) & ~test
    frame["split"] = np.where(test, "test", np.where(val, "val", "train"))
    return frame


def food_test(data: Path = DATA) -> pd.DataFrame:
    """The food-delivery benchmark set: the held-back split, English, food-delivery era, each
    distinct text once (its first row's rating)."""
    food = food_reviews(data)
    test = food[(food["split"] == "test") & food["english"] & food["food_era"]]
    return test.drop_duplicates("text").reset_index(drop=True)


def bitext_requests(data: Path = DATA) -> pd.DataFrame:
    """Bitext customer-service utterances that are requests ("how do I get a refund"): text,
    intent.  Complaints, reviews and utterances flagged offensive (W) are left out.  For
    training only, as examples of the neutral class."""
    frame = pd.read_csv(data / BITEXT_CSV, encoding="utf-8-sig")
    keep = ~frame["intent"].isin(BITEXT_NOT_NEUTRAL) & ~frame["flags"].str.contains("W")
    frame = frame[keep].rename(columns={"utterance": "text"})
    frame["text"] = frame["text"].astype(str).str.strip()
    return frame[["text", "intent"]].drop_duplicates("text").reset_index(drop=True)


def mean_cutoffs(sets: list[tuple[np.ndarray, np.ndarray]],
                 step: float = 0.05) -> tuple[float, float, float, list[float]]:
    """(mean macro-F1, low, high, per-set macro-F1): the cut-offs that maximise the mean of
    the 3-class macro-F1 over several (score, labels) validation sets, so that no one domain's
    size decides them."""
    from sklearn.metrics import f1_score

    grid = np.round(np.arange(-1 + step, 1 - step / 2, step), 2)
    best: tuple[float, float, float, list[float]] = (-1.0, -0.05, 0.05, [])
    for lo in grid:
        for hi in grid[grid >= lo]:
            per = [float(f1_score(y, three_way(s, lo, hi), average="macro")) for s, y in sets]
            if np.mean(per) > best[0] + 1e-9:
                best = (float(np.mean(per)), float(lo), float(hi), per)
    return best
