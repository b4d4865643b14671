"""Atomic writers: a crash or an error never leaves a half-written output file.

Each writer renders into a temporary file in the target folder and renames it into place
(``os.replace`` is atomic on one file system).  :func:`safe_cell` neutralises customer text
that a spreadsheet would execute as a formula.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..safe import FORMULA_PREFIXES, safe_cell

__all__ = ["FORMULA_PREFIXES", "atomic_path", "atomic_write", "json_default",
           "neutralise_formulas", "safe_cell", "write_csv", "write_parquet"]



@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; move it into place only on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp creates 0600; outputs are shared files
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def atomic_write(target: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``target`` atomically."""
    with atomic_path(target) as tmp:
        write(tmp)
    return Path(target)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells (and column names) cannot execute as spreadsheet
    formulas."""
    out = frame.copy()
    out.columns = [safe_cell(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


def _to_writable(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists (keywords, examples) become readable strings in flat files."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, list | tuple)).any():
            out[col] = out[col].map(
                lambda v: " | ".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return out


def write_csv(frame: pd.DataFrame, target: str | Path) -> Path:
    flat = neutralise_formulas(_to_writable(frame))
    return atomic_write(target, lambda tmp: flat.to_csv(tmp, index=False, encoding="utf-8"))


def write_parquet(frame: pd.DataFrame, target: str | Path) -> Path:
    return atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False))


def json_default(value: object) -> object:
    """``json.dumps(..., default=json_default)``: numpy scalars and arrays as plain JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value)}")
