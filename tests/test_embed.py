import numpy as np
import pytest

from feedback_mining.config import EmbedConfig
from feedback_mining.embed import (
    MINILM_SHA256,
    HashingEmbedder,
    SentenceTransformerEmbedder,
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
