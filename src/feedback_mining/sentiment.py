"""Sentiment scorers: text in, a score in [-1, 1] out (negative to positive).

Every scorer honours one contract: ``score(texts, embeddings=None) -> ndarray``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .config import SentimentConfig
from .errors import config_error


class VaderScorer:
    """VADER's compound score: a lexicon and rules, no model, fast.

    >>> s = VaderScorer().score(["I love it", "The refund never arrived, terrible"])
    >>> bool(s[0] > 0 > s[1])
    True
    """

    name = "vader"

    def __init__(self) -> None:
        self._analyzer = None

    def score(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        if self._analyzer is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            self._analyzer = SentimentIntensityAnalyzer()
        analyzer = self._analyzer
        cache: dict[str, float] = {}
        out = np.empty(len(texts), dtype=float)
        for i, text in enumerate(texts):
            if text not in cache:
                cache[text] = analyzer.polarity_scores(text)["compound"]
            out[i] = cache[text]
        return out


def polarity(scores: np.ndarray, config: SentimentConfig | None = None) -> np.ndarray:
    """Map scores to ``negative`` / ``neutral`` / ``positive`` with the configured cut-offs."""
    config = config or SentimentConfig()
    scores = np.asarray(scores, dtype=float)
    return np.where(scores < config.negative_below, "negative",
                    np.where(scores > config.positive_above, "positive", "neutral"))


def make_scorer(config: SentimentConfig | None = None):
    config = config or SentimentConfig()
    if config.method == "vader":
        return VaderScorer()
    raise config_error("sentiment.method", "'vader'", config.method)
