"""The MiniLM encoders through ONNX Runtime: the same answers as PyTorch, faster on CPU.

Both encoders of the default path (the embedding stage and the sentiment model) are BERT
encoders followed by mean pooling.  Here they are exported once, offline, from the installed
weights (``torch.onnx.export``; nothing is downloaded) into the user cache, optionally with
int8 matrix products (``onnxruntime.quantization.quantize_static``), and run by ONNX Runtime
with the fast tokenizer, length-sorted batches and mean pooling in numpy.

The runtimes (``embed.runtime`` and ``sentiment.runtime``):

- ``"torch"``: PyTorch, fp32; the reference and the fallback.
- ``"onnx"``: ONNX Runtime, fp32 weights; agrees with PyTorch to rounding.
- ``"onnx-int8"``: ONNX Runtime with int8 matrix products; fastest (docs/BENCHMARKS.md gives
  its agreement with fp32).  Quantised statically: the scales of the activations are
  calibrated once, on sentences of the bundled sample, so a text's vector and score do not
  depend on the other texts it is batched with (dynamic quantisation, which scales each batch
  on its own, moved 13 of 550 labelled sentences across a sentiment cut-off).

An exported file is named after the sha256 of the weights it was exported from and the export
options, so new weights or options give a new file and an old file is never used by mistake.
It is written to a temporary name and moved into place (``io.writers.atomic_write``), so two
processes exporting at once both end with a whole file.  When ONNX Runtime is missing or the export
fails, :func:`load_encoder` logs why and what to do and returns ``None``; the caller then uses
PyTorch.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import FeedbackMiningError

log = logging.getLogger(__name__)

OPSET = 17
# int8 options, chosen by benchmarks/encoders.py (docs/BENCHMARKS.md, issue 15): static
# quantisation of the matrix products with a weight (per output channel, int8; activations
# uint8, their ranges the min and max seen on the calibration sentences), except the
# feed-forward output of each layer (its input, after GELU, quantises worst); the products
# of two activations (attention) and the embeddings' lookup stay fp32.
CALIBRATION_REVIEWS = 400  # the first reviews of the bundled sample (calibration_texts)
QUANTIZE_OPTIONS: dict[str, Any] = {"mode": "static", "op_types_to_quantize": ["MatMul"],
                                    "per_channel": True, "fp32": "feed-forward output",
                                    "calibration": f"bundled sample, first {CALIBRATION_REVIEWS}"
                                                   " reviews"}
# Bumped when the export itself changes, so files made by an older version are not reused.
EXPORT_VERSION = 2


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """The user cache: ``cache_dir``, else ``$FEEDBACK_MINING_CACHE``, else
    ``~/.cache/feedback_mining``."""
    return Path(cache_dir or os.environ.get("FEEDBACK_MINING_CACHE")
                or Path.home() / ".cache" / "feedback_mining")


@functools.lru_cache(maxsize=16)
def _sha256_of(path: str, stamp: tuple[int, int]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file, computed once per process for each file version."""
    stat = path.stat()
    return _sha256_of(str(path), (stat.st_mtime_ns, stat.st_size))


def onnx_path(name: str, sources: Sequence[str], runtime: str,
              cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the export of ``name`` from weights with sha256 ``sources`` lives in the cache."""
    options = {"runtime": runtime, "opset": OPSET, "version": EXPORT_VERSION,
               "quantize": QUANTIZE_OPTIONS if runtime == "onnx-int8" else None}
    key = hashlib.sha256(json.dumps([list(sources), options], sort_keys=True).encode())
    return cache_root(cache_dir) / "onnx" / f"{name}-{runtime}-{key.hexdigest()[:16]}.onnx"


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """transformers without its load report and "Loading weights" bar, restored afterwards."""
    from transformers import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()


def export(build: Callable[[], Any], name: str, sources: Sequence[str], runtime: str,
           cache_dir: str | os.PathLike | None = None, *, tokenizer: Path | None = None,
           max_length: int = 256) -> Path:
    """The ONNX file of the encoder ``build()`` returns (a transformers encoder), exported
    once into the cache; later calls return the cached file without building anything.
    ``onnx-int8`` needs the encoder's ``tokenizer`` (``tokenizer.json``) to calibrate."""
    from .io.writers import atomic_write  # pandas: only when something is exported

    target = onnx_path(name, sources, runtime, cache_dir)
    if target.exists():
        return target
    if runtime == "onnx-int8":
        if tokenizer is None:
            raise ValueError("the int8 export calibrates on tokenised sentences: give the "
                             "encoder's tokenizer.json as tokenizer=")
        fp32 = export(build, name, sources, "onnx", cache_dir)
        log.info("quantising %s to int8 into %s (once)", name, target)
        feeds = calibration_feeds(tokenizer, max_length)
        return atomic_write(target, lambda tmp: quantize(fp32, tmp, calibration=feeds))
    log.info("exporting %s to ONNX into %s (once)", name, target)
    return atomic_write(target, lambda tmp: _export_fp32(build(), tmp))


def _export_fp32(encoder: Any, out: Path) -> None:
    import warnings

    import torch

    class _Hidden(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=torch.zeros_like(input_ids)).last_hidden_state

    # Plain attention (matrix products and softmax) exports to a graph ONNX Runtime runs about
    # 25% faster than the fused scaled-dot-product kernel does (benchmarks/encoders.py).
    if hasattr(encoder, "set_attn_implementation"):
        encoder.set_attn_implementation("eager")
    else:  # older transformers
        encoder.config._attn_implementation = "eager"
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing
        torch.onnx.export(
            _Hidden(encoder.eval()), (ids, (ids > 0).long()), str(out),
            input_names=["input_ids", "attention_mask"], output_names=["hidden"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes},
            opset_version=OPSET, dynamo=False,
        )


def quantize_options(fp32: Path) -> dict[str, Any]:
    """The quantiser's options for the shipped int8 files of the graph ``fp32``: the matrix
    products to quantise, per channel, and the ones kept fp32 (``nodes_to_exclude``: each
    layer's feed-forward output, and the products of two activations)."""
    import onnx

    graph = onnx.load(str(fp32), load_external_data=False).graph
    weights = {i.name for i in graph.initializer}
    keep = [n.name for n in graph.node if n.op_type == "MatMul"
            and (("/output/dense/" in n.name and "attention" not in n.name)
                 or not any(i in weights for i in n.input))]
    return {"op_types_to_quantize": QUANTIZE_OPTIONS["op_types_to_quantize"],
            "per_channel": QUANTIZE_OPTIONS["per_channel"], "nodes_to_exclude": keep}


def calibration_texts(n_reviews: int = CALIBRATION_REVIEWS) -> list[str]:
    """The sentences the int8 activation ranges are calibrated on: the first ``n_reviews``
    reviews of the bundled sample, cut at sentence ends (about 1,900 sentences)."""
    import re

    import pandas as pd

    from .datasets import sample_path

    reviews = pd.read_csv(sample_path(), usecols=["Review Text"])["Review Text"]
    reviews = reviews.dropna().astype(str).head(n_reviews)
    return [s.strip() for r in reviews for s in re.split(r"(?<=[.!?])\s+", r) if s.strip()]


def calibration_feeds(tokenizer: Path, max_length: int,
                      batch_size: int = 32) -> list[dict[str, np.ndarray]]:
    """:func:`calibration_texts` tokenised into the model's inputs, in length-sorted batches."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer))
    tok.no_padding()
    tok.enable_truncation(max_length)
    ids = [e.ids for e in tok.encode_batch(calibration_texts())]
    return [{"input_ids": x, "attention_mask": m} for _, x, m in padded_batches(ids, batch_size)]


def quantize(fp32: Path, out: Path, options: dict[str, Any] | None = None, *,
             calibration: Sequence[dict[str, np.ndarray]] | None = None) -> None:
    """Write ``fp32`` with int8 matrix products to ``out``: static quantisation with
    :func:`quantize_options`, its activation ranges calibrated on ``calibration`` (model
    inputs, :func:`calibration_feeds`); or, given ``options``, dynamic quantisation with
    them (``quantize_dynamic``'s keywords: what benchmarks/encoders.py compares)."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # the quantiser's notes go to the root logger
    try:
        if options is not None:
            quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, **options)
            return
        if not calibration:
            raise ValueError("static quantisation needs calibration inputs")

        class _Feeds(CalibrationDataReader):
            def __init__(self) -> None:
                self.feeds = iter(calibration)

            def get_next(self) -> dict[str, np.ndarray] | None:
                return next(self.feeds, None)

        # uint8 activations with int8 weights (U8S8) in operator form: the combination ONNX
        # Runtime's x86 kernels run fastest; S8S8 ran at a quarter to half its speed.
        quantize_static(str(fp32), str(out), _Feeds(), quant_format=QuantFormat.QOperator,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax, **quantize_options(fp32))
    finally:
        logging.disable(previous)


def padded_batches(ids: Sequence[Sequence[int]], batch_size: int):
    """Token ids in batches of similar length: yields (positions in ``ids``, padded ids,
    attention mask), int64, each batch as wide as its longest text."""
    order = np.argsort([len(i) for i in ids], kind="stable")
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        x = np.zeros((len(batch), max(len(ids[k]) for k in batch)), dtype=np.int64)
        mask = np.zeros_like(x)
        for row, k in enumerate(batch):
            x[row, : len(ids[k])] = ids[k]
            mask[row, : len(ids[k])] = 1
        yield batch, x, mask


class OnnxEncoder:
    """A BERT encoder in ONNX Runtime: texts in, mean-pooled token vectors out.

    Texts are tokenised with the model's fast tokenizer (truncated at ``max_length`` tokens),
    sorted by length and run ``batch_size`` at a time, so a batch pads to its own longest text.
    ONNX Runtime uses ``$OMP_NUM_THREADS`` threads when it is set (all cores otherwise).
    """

    def __init__(self, model: Path, tokenizer: Path, *, max_length: int, batch_size: int = 64):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        threads = os.environ.get("OMP_NUM_THREADS", "")
        if threads.isdigit():
            options.intra_op_num_threads = int(threads)
        self.session = ort.InferenceSession(str(model), options,
                                            providers=["CPUExecutionProvider"])
        self.path, self.tokenizer_path = Path(model), Path(tokenizer)
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length)
        self.max_length = max_length
        self.batch_size = batch_size
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def mean_pooled(self, texts: Sequence[str]) -> np.ndarray:
        """Mean of the last hidden states over each text's tokens, float32, (n, dim)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch([str(t).strip() for t in texts])]
        for batch, x, mask in padded_batches(ids, self.batch_size):
            hidden = self.session.run(None, {"input_ids": x, "attention_mask": mask})[0]
            m = mask[..., None].astype(np.float32)
            out[batch] = (hidden * m).sum(1) / np.maximum(m.sum(1), 1.0)
        return out


def load_encoder(build: Callable[[], Any], *, name: str, sources: Sequence[str], runtime: str,
                 tokenizer: Path, max_length: int, batch_size: int,
                 cache_dir: str | os.PathLike | None = None) -> OnnxEncoder | None:
    """The encoder on ONNX Runtime, exported on first use; ``None`` (with a warning saying why
    and what to do) when ONNX Runtime is missing or the export fails: use PyTorch then."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        log.warning("%s: runtime %r needs onnxruntime, which is not importable (%s); using "
                    "PyTorch. Install it with: pip install onnxruntime, or set the runtime "
                    "to 'torch' to silence this.", name, runtime, exc)
        return None
    try:
        path = export(build, name, sources, runtime, cache_dir, tokenizer=tokenizer,
                      max_length=max_length)
        return OnnxEncoder(path, tokenizer, max_length=max_length, batch_size=batch_size)
    except FeedbackMiningError:
        raise  # the weights themselves are wrong: PyTorch would fail the same way
    except Exception as exc:  # noqa: BLE001 - any failure falls back to PyTorch
        log.warning("%s: the ONNX export or load for runtime %r failed (%s: %s); using "
                    "PyTorch. Delete %s and retry, or set the runtime to 'torch'.", name,
                    runtime, type(exc).__name__, exc, cache_root(cache_dir) / "onnx")
        return None
