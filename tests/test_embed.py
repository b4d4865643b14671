import shutil

import numpy as np
import pytest

from feedback_mining import embed
from feedback_mining.config import EmbedConfig, EngineConfig
from feedback_mining.embed import (
    MINILM_SHA256,
    SHIPPED_STATIC,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    make_embedder,
    verify_sha256,
)
from feedback_mining.errors import ModelError


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.seen = []

    def _encode_unique(self, texts, *, show_progress):
        self.seen.extend(texts)
        return super()._encode_unique(texts, show_progress=show_progress)


def test_each_distinct_text_is_embedded_once_and_order_is_kept():
    emb = CountingEmbedder()
    texts = ["late refund", "missing label", "late refund", "late refund"]
    vectors = emb.encode(texts)
    assert sorted(emb.seen) == ["late refund", "missing label"]
    assert vectors.shape == (4, 512)
    assert np.allclose(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_make_embedder_by_name():
    assert isinstance(make_embedder(EmbedConfig(model="hashing")), HashingEmbedder)
    st = make_embedder(EmbedConfig(model="all-MiniLM-L6-v2"))
    assert isinstance(st, SentenceTransformerEmbedder)


def test_damaged_weights_are_refused(tmp_path):
    fake = tmp_path / "model.safetensors"
    fake.write_bytes(b"not the real weights")
    with pytest.raises(ModelError, match="sha256"):
        verify_sha256(fake, MINILM_SHA256)


@pytest.mark.slow
def test_real_minilm_puts_paraphrases_together():
    emb = make_embedder(EmbedConfig())
    v = emb.encode(["my refund never arrived", "I am still waiting for my money back",
                    "the dress is a beautiful colour"])
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_shipped_static_model_loads_offline_and_embeds(tmp_path, monkeypatch):
    """The fast path's model is inside the package: nothing is distilled or downloaded."""
    monkeypatch.setenv("FEEDBACK_MINING_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert EngineConfig().fast_path_embed == "static-feedback"
    emb = make_embedder(EmbedConfig(model="static-feedback"))
    v = emb.encode(["my refund never arrived", "still waiting for my money back",
                    "the dress is a beautiful colour", "my refund never arrived"])
    assert v.shape == (4, emb.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.allclose(v[0], v[3])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1
    assert list(tmp_path.iterdir()) == []  # no distilled model was made


def test_static_names_keep_their_vector_space(tmp_path, monkeypatch):
    """"static" stays the model distilled from MiniLM (theme models saved with it record
    that name), distilled into the cache folder (stubbed here: it takes 20 s); each name
    rebuilds its own embedder, as the pipeline's workers do."""
    made = []

    def fake_distill(target):
        made.append(target)
        shutil.copytree(SHIPPED_STATIC, target)
        return target

    monkeypatch.setattr(embed, "distill_static_model", fake_distill)
    emb = make_embedder(EmbedConfig(model="static"))
    assert isinstance(emb, StaticEmbedder) and emb.name == "static"
    emb.cache_dir = str(tmp_path)
    assert emb.encode(["late delivery"]).shape == (1, emb.dim)
    assert made == [tmp_path / "static-minilm-l6-v2"]
    for name in ("static", "static-feedback", f"static:{tmp_path}"):
        assert make_embedder(EmbedConfig(model=name)).name == name
