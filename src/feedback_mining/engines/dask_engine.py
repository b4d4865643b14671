"""The Dask engine: chunks are processed on Dask workers, partition by partition.

The client reads and maps the input chunk by chunk and submits each chunk with a small
:class:`PartitionSpec` (settings and, when assigning, the theme centroids); workers build
their embedding and sentiment models on first use and keep them (one load per worker
process).  At most ``2 x workers`` chunks are in flight, so the client never holds the
whole input.  Results come back in input order and are identical to the local engine's.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from ..errors import MissingExtraError, input_error
from .checkpoint import Checkpoint
from .local import progress_bar
from .partition import PartitionResult, PartitionSpec, process_partition
from .stream import Chunks

log = logging.getLogger(__name__)


def _client(scheduler: str | None, n_workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingExtraError("distributed", "dask", "the Dask engine") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as exc:
            raise input_error(f"engine.scheduler {scheduler}", "a running Dask scheduler",
                              f"no answer ({exc})", "Start one with `dask scheduler` and "
                              "workers with `dask worker tcp://host:port`, or leave "
                              "engine.scheduler unset for a local cluster.") from None
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    return Client(cluster), cluster


def run_dask(chunks: Chunks, spec: PartitionSpec, *, checkpoint: Checkpoint | None = None,
             progress: bool = False, scheduler: str | None = None, n_workers: int = 2,
             after_chunk: Callable[[int], None] | None = None,
             **_: object) -> list[PartitionResult]:
    client, cluster = _client(scheduler, n_workers)
    try:
        window = 2 * max(len(client.scheduler_info().get("workers", {})), 1)
        results: dict[int, PartitionResult] = {}
        pending: deque = deque()
        with progress_bar(chunks, progress, "clean, embed, sentiment, assign (dask)") as bar:
            def collect(k: int, future, rows: int) -> None:
                part = future.result()
                if checkpoint is not None:
                    checkpoint.save(k, part)
                results[k] = part
                bar.update(rows)
                if after_chunk is not None:
                    after_chunk(k)

            for k, frame in enumerate(chunks):
                if checkpoint is not None and checkpoint.has(k):
                    results[k] = checkpoint.load(k)
                    bar.update(len(frame))
                    continue
                pending.append((k, client.submit(process_partition, frame, spec, pure=False),
                                len(frame)))
                while len(pending) >= window:
                    collect(*pending.popleft())
            while pending:
                collect(*pending.popleft())
        return [results[k] for k in sorted(results)]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
