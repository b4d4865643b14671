"""Engines: chunked reading, the fast path, checkpoints that resume, Dask equals local."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import feedback_mining as fm
from feedback_mining import Pipeline
from feedback_mining.engines import local as local_engine

from .conftest import make_feedback

_BASE = ["embed.model=hashing", "sentiment.method=vader", "themes.min_theme_size=8", "input.text=comment",
         "input.id=response_id", "input.date=submitted_at"]


def _cfg(*extra):
    return fm.Config().with_overrides([*_BASE, *extra])


def _same(a, b):
    pd.testing.assert_frame_equal(a.documents, b.documents)
    pd.testing.assert_frame_equal(a.mentions, b.mentions)
    pd.testing.assert_frame_equal(a.themes, b.themes)


@pytest.fixture(scope="module")
def feedback_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "feedback.csv"
    frame = make_feedback()
    frame.loc[[3, 4], "comment"] = ["n/a", ""]
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def whole(feedback_file):
    return Pipeline(_cfg("engine.chunk_size=100000")).run(feedback_file)


def test_chunked_csv_and_parquet_equal_one_chunk(feedback_file, whole, tmp_path):
    chunked = Pipeline(_cfg("engine.chunk_size=17")).run(feedback_file)
    _same(chunked, whole)
    assert chunked.summary["chunks"] == 8
    parquet = tmp_path / "feedback.parquet"
    pd.read_csv(feedback_file, dtype=str, keep_default_na=False).to_parquet(parquet)
    _same(Pipeline(_cfg("engine.chunk_size=17")).run(parquet), whole)


def test_fast_path_is_chosen_above_the_threshold_and_stated(feedback_file):
    # sentiment.method=model asked for, and replaced by VADER on the fast path (never loaded)
    cfg = _cfg("engine.fast_path_above=50", "engine.sample_size=60", "sentiment.method=model")
    result = Pipeline(cfg).run(feedback_file)
    s = result.summary
    assert s["path"] == "fast"
    assert "120 rows > engine.fast_path_above=50" in s["path_reason"]
    assert s["theme_model"].startswith("fitted on a seeded sample of 60 segments (MiniBatchKMeans)")
    assert result.summary["themes"] >= 2 and (result.documents["theme_id"] >= 0).mean() > 0.4
    assert "fast path" in result.summary_text()
    # The fine-tuned sentiment model is unaffordable at fast-path volumes: VADER is used,
    # and the summary says so; the caller's config is left as it was.
    assert s["sentiment_method"] == "vader" and "sentiment: vader" in result.summary_text()
    assert cfg.sentiment.method == "model"


def test_default_path_fits_themes_on_a_bounded_sample_and_assigns_the_rest(feedback_file, whole):
    # A large run's theme stage is bounded: themes are found on themes.fit_sample segments,
    # the others join the theme their nearest fitted segments vote for.
    result = Pipeline(_cfg("themes.fit_sample=100")).run(feedback_file)
    s = result.summary
    n = len(result.mentions)
    assert s["path"] == "default" and n > 100
    assert s["theme_model"].startswith(f"fitted on a seeded sample of 100 segments "
                                       f"(kNN graph + Louvain), the other {n - 100} joined "
                                       "by their nearest fitted segments")
    # every segment gets a theme, as in a run fitted on all of them
    assert (result.mentions["theme_id"] >= 0).all()
    assert result.summary["themes"] >= 2
    again = Pipeline(_cfg("themes.fit_sample=100")).run(feedback_file)
    _same(result, again)
    assert whole.summary["theme_model"].startswith(f"fitted on all {n} segments")


def test_killed_run_resumes_from_its_checkpoint(feedback_file, whole, tmp_path, monkeypatch):
    cfg = _cfg("engine.chunk_size=30", f"engine.checkpoint_dir={tmp_path / 'ckpt'}")

    def die_after_two(k):
        if k == 1:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        Pipeline(cfg).run(feedback_file, after_chunk=die_after_two)
    assert len(list((tmp_path / "ckpt").glob("chunk-*/done"))) == 2

    processed = []
    real = local_engine.process_partition

    def counting(frame, spec):
        processed.append(frame["id"].iloc[0])
        return real(frame, spec)

    monkeypatch.setattr(local_engine, "process_partition", counting)
    resumed = Pipeline(cfg).run(feedback_file)
    assert len(processed) == 2  # chunks 3 and 4 only
    _same(resumed, whole)
    # The summary still counts the rows of the chunks restored from the checkpoint.
    for key in ("rows_read", "rows_kept", "rows_set_aside", "set_aside_by_reason",
                "redacted_by_type", "rows_redacted", "verbatims_segmented"):
        assert resumed.summary[key] == whole.summary[key], key


_CHILD = """
import sys, time
from pathlib import Path
import feedback_mining as fm
cfg = fm.Config().with_overrides(sys.argv[3:])
ready = Path(sys.argv[2])

def hang_after_two(k):
    if k == 1:
        ready.write_text("two chunks checkpointed")
        time.sleep(600)  # the test kills the process here

fm.Pipeline(cfg).run(sys.argv[1], after_chunk=hang_after_two)
"""


def test_process_killed_with_sigkill_resumes(feedback_file, whole, tmp_path):
    """A real process, killed with SIGKILL mid-run, resumes from its checkpoint."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL (POSIX)")
    overrides = [*_BASE, "engine.chunk_size=30", f"engine.checkpoint_dir={tmp_path / 'ckpt'}"]
    ready = tmp_path / "ready"
    src = str(Path(fm.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(feedback_file), str(ready),
                              *overrides], env=env)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists():
            assert child.poll() is None, f"the child exited early ({child.returncode})"
            assert time.monotonic() < deadline, "the child never checkpointed two chunks"
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    assert len(list((tmp_path / "ckpt").glob("chunk-*/done"))) == 2
    resumed = Pipeline(fm.Config().with_overrides(overrides)).run(feedback_file)
    _same(resumed, whole)
    assert resumed.summary["rows_read"] == whole.summary["rows_read"]


def test_checkpoint_of_another_input_is_not_reused(feedback_file, tmp_path):
    ckpt = tmp_path / "ckpt"
    Pipeline(_cfg("engine.chunk_size=60", f"engine.checkpoint_dir={ckpt}")).run(feedback_file)
    other = tmp_path / "other.csv"
    make_feedback(seed=5).to_csv(other, index=False)
    direct = Pipeline(_cfg("engine.chunk_size=60")).run(other)
    via = Pipeline(_cfg("engine.chunk_size=60", f"engine.checkpoint_dir={ckpt}")).run(other)
    _same(via, direct)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


def test_dask_engine_equals_local(feedback_file, whole, cluster, tmp_path):
    dask_cfg = _cfg("engine.chunk_size=25", "engine.name=dask",
                    f"engine.scheduler={cluster.scheduler_address}")
    _same(Pipeline(dask_cfg).run(feedback_file), whole)
    # with a saved model, theme assignment runs on the workers too
    model = whole.model
    local = Pipeline(_cfg("engine.chunk_size=25"), model=model).run(feedback_file)
    on_dask = Pipeline(dask_cfg, model=model).run(feedback_file)
    _same(on_dask, local)
    assert on_dask.summary["engine"] == "dask"


def test_mentions_read_in_context_whatever_the_order_of_their_verbatims():
    # A verbatim's mentions are usually next to each other; in any other order each mention
    # must still get the same vector.
    from feedback_mining.engines.partition import in_context

    rng = np.random.default_rng(0)
    emb = rng.normal(size=(7, 4)).astype(np.float32)
    docs = np.array(["a", "a", "b", "c", "c", "c", "d"])
    together = in_context(emb, docs, 0.5)
    order = np.array([3, 0, 6, 4, 1, 2, 5])
    shuffled = in_context(emb[order], docs[order], 0.5)
    np.testing.assert_allclose(shuffled, together[order], rtol=0, atol=1e-6)
    # a one-mention verbatim keeps its own direction; the others lean towards their verbatim
    np.testing.assert_allclose(together[6], emb[6] / np.linalg.norm(emb[6]), atol=1e-6)
    assert not np.allclose(together[0], emb[0] / np.linalg.norm(emb[0]), atol=1e-3)


class _BrokenEmbedder(fm.embed.HashingEmbedder):
    """An embedder whose model cannot be read: its error is raised in a worker process."""

    def _encode_unique(self, texts, *, show_progress):
        raise fm.errors.ModelError("embedder weights unreadable: reinstall the model")


def test_worker_processes_give_the_result_of_one_process(feedback_file, tmp_path):
    # Chunks run in worker processes and come back in input order: the run is the one a
    # single process gives, and the summary says how it ran.
    fast = ["engine.fast_path=always", "engine.chunk_size=30"]
    one = Pipeline(_cfg(*fast, "engine.processes=1")).run(feedback_file)
    two = Pipeline(_cfg(*fast, "engine.processes=2")).run(feedback_file)
    _same(two, one)
    assert one.summary["processes"] == 1 and two.summary["processes"] == 2
    assert "engine: local (2 processes), fast path" in two.summary_text()

    # killed after two chunks, the job resumes from their checkpoints, in processes too
    ckpt = [*fast, "engine.processes=2", f"engine.checkpoint_dir={tmp_path / 'ckpt'}"]

    def die_after_two(k):
        if k == 1:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        Pipeline(_cfg(*ckpt)).run(feedback_file, after_chunk=die_after_two)
    assert len(list((tmp_path / "ckpt").glob("chunk-*/done"))) == 2
    _same(Pipeline(_cfg(*ckpt)).run(feedback_file), one)

    # an error raised in a worker reaches the caller as the same error, with its message
    with pytest.raises(fm.errors.ModelError, match="embedder weights unreadable"):
        Pipeline(_cfg(*fast, "engine.processes=2"), embedder=_BrokenEmbedder()).run(
            feedback_file)


def test_worker_processes_are_used_where_the_per_row_work_is_single_threaded(monkeypatch):
    from feedback_mining.engines.local import choose_processes as _processes
    from feedback_mining.pipeline import _worker_config

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    static = fm.embed.make_embedder(fm.config.EmbedConfig(model="static-feedback"))
    minilm = fm.embed.make_embedder(fm.config.EmbedConfig())
    fast = _worker_config(fm.Config(), static, True)
    assert _processes(fast, static, 1_000_000) == 4  # one per core, at most 4
    assert _processes(fast, static, 100) == 1  # one chunk: nothing to share
    assert _processes(fast, static, 1_000_000, given=True) == 1  # a caller's object
    # the default path's encoders already use every core
    default = _worker_config(fm.Config(), minilm, False)
    assert _processes(default, minilm, 1_000_000) == 1
    set_by_user = _worker_config(fm.Config().with_overrides(["engine.processes=3"]), minilm,
                                 False)
    assert _processes(set_by_user, minilm, 1_000_000) == 3


class _DyingEmbedder(fm.embed.HashingEmbedder):
    """An embedder whose process is killed (as the kernel does when memory runs out)."""

    def _encode_unique(self, texts, *, show_progress):
        os._exit(9)


def test_a_worker_process_that_dies_stops_the_run_with_a_clear_error(feedback_file):
    cfg = _cfg("engine.fast_path=always", "engine.chunk_size=30", "engine.processes=2")
    with pytest.raises(fm.errors.WorkerError,
                       match=r"chunk \d+ .* stopped, most likely killed for lack of memory.*"
                             r"engine.processes=1"):
        Pipeline(cfg, embedder=_DyingEmbedder()).run(feedback_file)


def test_chunks_checkpointed_before_kinds_were_read_in_the_chunks_still_resume(feedback_file,
                                                                               whole, tmp_path):
    # Chunks now carry each mention's kind; a checkpoint written without it (an older
    # version) resumes to the same result, the kinds read in the main process.
    from feedback_mining.engines import checkpoint as ckpt_module

    ckpt = tmp_path / "ckpt"
    cfg = _cfg("engine.chunk_size=30", f"engine.checkpoint_dir={ckpt}")
    Pipeline(cfg).run(feedback_file)
    for folder in sorted(ckpt.glob("chunk-*"))[:2]:
        path = folder / "segments.parquet"
        old = ckpt_module._from_parquet(path)
        assert "kind" in old
        ckpt_module._to_parquet(old.drop(columns="kind"), path)
    _same(Pipeline(cfg).run(feedback_file), whole)
