"""Shared fixtures: a small planted-theme feedback table and a fast deterministic config."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from feedback_mining import Config

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

PLANTED = {
    "refund": [
        "my refund has not arrived yet", "still waiting for the refund money",
        "refund never reached my bank account", "where is my refund, it has been weeks",
        "the refund was promised but never paid",
    ],
    "label": [
        "the return label was missing from the parcel", "no return label in the box",
        "could not print the return label", "return label link does not work",
        "they never emailed the return label",
    ],
    "courier": [
        "the courier never came to collect the parcel", "courier missed the pickup again",
        "pickup courier did not show up", "waited all day for the courier pickup",
        "courier collection was cancelled without notice",
    ],
    "size": [
        "the dress runs small, order a size up", "size chart is wrong, too small",
        "jeans were too tight, sizing is off", "ordered my usual size and it was too small",
        "sizing runs very small on these shoes",
    ],
}
OPENERS = ["", "honestly ", "sadly ", "again ", "ugh ", "well ", "so "]
CLOSERS = ["", " please help", " very annoying", " not happy", " this is frustrating", "!"]


def make_feedback(n_per_theme: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for theme, phrases in PLANTED.items():
        for _ in range(n_per_theme):
            text = rng.choice(OPENERS) + rng.choice(phrases) + rng.choice(CLOSERS)
            rows.append({"theme": theme, "comment": text, "nps": rng.choice(range(0, 7))})
    rng.shuffle(rows)
    frame = pd.DataFrame(rows)
    frame.insert(0, "response_id", [f"r{i:04d}" for i in range(len(frame))])
    frame["channel"] = [rng.choice(["app", "web"]) for _ in range(len(frame))]
    frame["submitted_at"] = pd.date_range("2026-01-01", periods=len(frame), freq="6h").astype(str)
    return frame


@pytest.fixture
def feedback() -> pd.DataFrame:
    """120 survey answers about four planted themes, with NPS, channel and date."""
    return make_feedback()


@pytest.fixture
def fast_config() -> Config:
    """Hashing embedder and VADER: quick and deterministic."""
    return Config().with_overrides(["embed.model=hashing", "sentiment.method=vader",
                                    "themes.min_theme_size=8"])


def needs_shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared labelled data sets, present in CI, not in a "
                    "user's clone)")
    return path
