"""Build the model caches a run needs before the first run, so it does not pay for them.

What ``feedback-mining prepare`` (and ``make demo``'s install step) calls: the ONNX exports of
the MiniLM encoders for the configured runtimes (see :mod:`feedback_mining.onnx_encoder`) and
the static model of the fast path (shipped with the package; ``"static"`` is distilled once).
Each is built only when missing, so a second call takes a few seconds.
"""

from __future__ import annotations

from .config import Config, EmbedConfig
from .embed import SentenceTransformerEmbedder, StaticEmbedder, make_embedder
from .onnx_encoder import OnnxEncoder
from .sentiment import MiniLMSentimentScorer, make_scorer


def prepare_models(config: Config | None = None) -> list[str]:
    """Build what ``config``'s embedding, sentiment and fast-path settings need; one line per
    model saying where it is (or why PyTorch will run it)."""
    config = config or Config()
    lines = []
    embedder = make_embedder(config.embed)
    if isinstance(embedder, SentenceTransformerEmbedder) and embedder.runtime != "torch":
        lines.append(_where("embedding model", embedder.runtime, embedder._load()))
    scorer = make_scorer(config.sentiment)
    if isinstance(scorer, MiniLMSentimentScorer) and scorer.runtime != "torch":
        scorer._load()
        lines.append(_where("sentiment model", scorer.runtime, scorer._onnx))
    fast = make_embedder(EmbedConfig(model=config.engine.fast_path_embed))
    if isinstance(fast, StaticEmbedder):
        fast._load()
        lines.append(f"static model (fast path, {fast.name}): {fast.folder()}")
    return lines


def _where(what: str, runtime: str, model: object) -> str:
    if isinstance(model, OnnxEncoder):
        return f"{what} ({runtime}): {model.path}"
    return f"{what}: runtime {runtime} unavailable (see the warning above); PyTorch runs it"
