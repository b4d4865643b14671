"""Execution engines: run the per-row stages chunk by chunk, locally or on Dask.

Both engines take the same :class:`~.stream.Chunks` and :class:`~.partition.PartitionSpec`,
run :func:`~.partition.process_partition` on each chunk, keep finished chunks in an optional
:class:`~.checkpoint.Checkpoint` and return the chunk results in input order, so their
results are equal.
"""

from __future__ import annotations

from .checkpoint import Checkpoint
from .dask_engine import run_dask
from .local import run_local
from .partition import PartitionResult, PartitionSpec, combine, process_partition
from .stream import Chunks

ENGINES = {"local": run_local, "dask": run_dask}

__all__ = ["ENGINES", "Checkpoint", "Chunks", "PartitionResult", "PartitionSpec", "combine",
           "process_partition", "run_dask", "run_local"]
