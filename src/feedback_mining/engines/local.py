"""The local engine: chunks in input order on this machine, with a progress bar.

With ``processes=1`` every chunk runs in this process.  With more, chunks run in a pool
of worker processes (at most ``2 x processes`` in flight, so the input is never held
whole) and come back in input order: :func:`~.partition.process_partition` is a plain
function of the chunk and the spec, so the result is the same as in one process.  The
workers are forked (spawned where the platform has no fork) before this process loads any
model (the libraries are imported first, so they are imported once), and each builds its
own models once; that is what the fast path's single-threaded
steps (cleaning, sentences, VADER, static embeddings) need to use every core.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..config import Config
from ..embed import Embedder, StaticEmbedder
from ..errors import WorkerError
from .checkpoint import Checkpoint
from .partition import PartitionResult, PartitionSpec, preload_libraries, process_partition
from .stream import Chunks

log = logging.getLogger(__name__)


def progress_bar(chunks: Chunks, enabled: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=chunks.n_rows, unit="rows", desc=desc, disable=not enabled,
                dynamic_ncols=True, leave=False)


def choose_processes(run_cfg: Config, embedder: Embedder, n_rows: int, *,
                     given: bool = False) -> int:
    """The local engine's worker processes: ``engine.processes``, or with 0 one per CPU core
    (at most 4) where the per-row stages are single-threaded Python (the fast path's static
    embeddings and VADER) and there are two chunks or more; one otherwise.  ``embedder`` is
    the run's; ``given``: it is an object the caller passed (kept in this process)."""
    eng = run_cfg.engine
    if eng.processes:
        return eng.processes
    single_threaded = isinstance(embedder, StaticEmbedder) and not given \
        and run_cfg.sentiment.method == "vader"
    if not single_threaded or n_rows <= eng.chunk_size:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, 4))


def _pool(processes: int) -> ProcessPoolExecutor:
    preload_libraries()  # once here, not once per worker
    # fork: a user's script re-imported as __main__ by spawn would run itself again in
    # every worker; spawn only where fork is missing (Windows) or unsafe (macOS).
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method),
                               initializer=_leave_interrupts_to_the_main_process)


def _leave_interrupts_to_the_main_process() -> None:
    # Ctrl-C reaches every process of the terminal; the main one stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_error(k: int, checkpoint: Checkpoint | None) -> WorkerError:
    keep = "" if checkpoint is not None else (
        "; --checkpoint-dir keeps the finished chunks of a run that stops")
    return WorkerError(
        f"local engine: expected worker processes to finish every chunk, found the one "
        f"with chunk {k} (0-based, of engine.chunk_size rows) stopped, most likely killed "
        "for lack of memory. Run again with engine.processes=1 or a smaller "
        f"engine.chunk_size{keep}.")


def run_local(chunks: Chunks, spec: PartitionSpec, *, checkpoint: Checkpoint | None = None,
              progress: bool = False, after_chunk: Callable[[int], None] | None = None,
              processes: int = 1, **_: object) -> list[PartitionResult]:
    """Process every chunk, in order; finished chunks are read back from ``checkpoint``.

    ``processes`` > 1 runs the chunks in that many worker processes.  ``after_chunk(k)``
    is called once chunk ``k`` is safely stored (tests use it to simulate a job killed
    half way).
    """
    results: list[PartitionResult] = []
    resumed = 0
    pool = _pool(processes) if processes > 1 else None
    pending: deque = deque()  # (k, rows, future, read from the checkpoint), in input order
    if pool is not None:
        log.info("local engine: %d worker processes", processes)
    try:
        with progress_bar(chunks, progress, "clean, embed, sentiment, assign") as bar:
            def collect() -> None:
                k, rows, future, stored = pending[0]
                part = future.result()  # a broken pool's error names pending[0]'s chunk
                pending.popleft()
                if checkpoint is not None and not stored:
                    checkpoint.save(k, part)
                results.append(part)
                bar.update(rows)
                if after_chunk is not None:
                    after_chunk(k)

            for k, frame in enumerate(chunks):
                stored = checkpoint is not None and checkpoint.has(k)
                if stored or pool is None:
                    future: Future = Future()
                    future.set_result(checkpoint.load(k) if stored
                                      else process_partition(frame, spec))
                    resumed += stored
                else:
                    future = pool.submit(process_partition, frame, spec)
                pending.append((k, len(frame), future, stored))
                while pending and (len(pending) > 2 * processes or pending[0][2].done()):
                    collect()
            while pending:
                collect()
    except BrokenProcessPool:  # from a result, or from submitting once the pool broke
        raise _worker_error(pending[0][0] if pending else k, checkpoint) from None
    finally:
        # stopped (Ctrl-C, an error): the chunks not started are dropped and the ones in
        # flight finish first.  Killing a worker instead can cut its result in half on the
        # pipe and leave the pool waiting for the rest for ever.
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if resumed:
        log.info("resumed %d finished chunk(s) from %s", resumed, checkpoint.folder)
    return results
