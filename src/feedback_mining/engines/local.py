"""The local engine: chunks one after the other in this process, with a progress bar."""

from __future__ import annotations

import logging
from collections.abc import Callable

from .checkpoint import Checkpoint
from .partition import PartitionResult, PartitionSpec, process_partition
from .stream import Chunks

log = logging.getLogger(__name__)


def progress_bar(chunks: Chunks, enabled: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=chunks.n_rows, unit="rows", desc=desc, disable=not enabled,
                dynamic_ncols=True, leave=False)


def run_local(chunks: Chunks, spec: PartitionSpec, *, checkpoint: Checkpoint | None = None,
              progress: bool = False, after_chunk: Callable[[int], None] | None = None,
              **_: object) -> list[PartitionResult]:
    """Process every chunk in order; finished chunks are read back from ``checkpoint``.

    ``after_chunk(k)`` is called once chunk ``k`` is safely stored (tests use it to
    simulate a job killed half way).
    """
    results: list[PartitionResult] = []
    resumed = 0
    with progress_bar(chunks, progress, "clean, embed, sentiment, assign") as bar:
        for k, frame in enumerate(chunks):
            if checkpoint is not None and checkpoint.has(k):
                part = checkpoint.load(k)
                resumed += 1
            else:
                part = process_partition(frame, spec)
                if checkpoint is not None:
                    checkpoint.save(k, part)
            results.append(part)
            bar.update(len(frame))
            if after_chunk is not None:
                after_chunk(k)
    if resumed:
        log.info("resumed %d finished chunk(s) from %s", resumed, checkpoint.folder)
    return results
