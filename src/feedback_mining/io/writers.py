"""Atomic writers: a crash or an error never leaves a half-written output file.

Each writer renders into a temporary file in the target folder and renames it into place
(``os.replace`` is atomic on one file system).  :func:`safe_cell` neutralises customer text
that a spreadsheet would execute as a formula.

A run's outputs go through :func:`staging` and :func:`publish`: every file is rendered in a
hidden ``.staging-*`` folder inside the output folder, and only when all of them are written
are they moved into place.  ``.feedback-mining-outputs.json`` lists what the last run wrote,
so that the next run removes the files of formats it no longer writes (never a file the
tool did not write; the history store and checkpoints are not outputs and stay).  A lock
file (``.feedback-mining.lock``) keeps two runs from writing one folder at once: the second
stops with an :class:`~feedback_mining.errors.OutputError` (exit code 7).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import OutputError
from ..safe import FORMULA_PREFIXES, safe_cell

__all__ = ["FORMULA_PREFIXES", "atomic_path", "atomic_write", "json_default", "lock_folder",
           "neutralise_formulas", "publish", "safe_cell", "staging", "write_csv",
           "write_parquet"]

MANIFEST = ".feedback-mining-outputs.json"
LOCK = ".feedback-mining.lock"
STAGING_PREFIX = ".staging-"
# What a run writes, for folders written before the manifest existed (segments.*: the
# mentions table as version 0.1 named it).
KNOWN_OUTPUTS = re.compile(
    r"(themes|documents|mentions|segments|theme_segments|trend|changes)\.(csv|parquet)"
    r"|themes\.(xlsx|pptx|html)"
    r"|summary\.json|run\.log")
_HELD: dict[Path, int] = {}  # lock files this process holds, and how many times


@contextlib.contextmanager
def lock_folder(folder: str | Path) -> Iterator[Path]:
    """Hold the output folder's lock (re-entrant in one process); a second run into the same
    folder stops at once with an :class:`OutputError` naming the folder."""
    import fcntl

    folder = Path(folder)
    created = not folder.exists()
    _guard(folder, "create the output folder", lambda: folder.mkdir(parents=True, exist_ok=True))
    path = (folder / LOCK).resolve()
    if path in _HELD:
        _HELD[path] += 1
        try:
            yield folder
        finally:
            _HELD[path] -= 1
        return
    fd = _guard(folder, "create its lock file",
                lambda: os.open(path, os.O_RDWR | os.O_CREAT, 0o666))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another run"
            raise OutputError(
                f"{folder}: expected an output folder no other run is writing, found it "
                f"locked by {holder}. Wait for that run to finish, or give this one another "
                "--output folder.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}".encode(), 0)
        _HELD[path] = 1
        try:
            yield folder
        finally:
            del _HELD[path]
            if created and [p.name for p in folder.iterdir()] == [LOCK]:
                # a run that failed before writing anything leaves no folder behind
                with contextlib.suppress(OSError):
                    path.unlink()
                    folder.rmdir()
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _guard(folder: Path, what: str, action: Callable[[], object]):
    """Run ``action``; a file-system failure becomes an :class:`OutputError` that says what
    to do (exit code 7) instead of an unexpected error."""
    try:
        return action()
    except OSError as exc:
        raise _output_error(folder, what, exc) from None


def _output_error(folder: Path, what: str, exc: OSError) -> OutputError:
    why = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
           errno.EACCES: "no permission to write there", errno.EPERM: "no permission to "
           "write there", errno.EROFS: "a read-only file system"}.get(
               exc.errno or 0, exc.strerror or type(exc).__name__)
    return OutputError(f"{folder}: could not {what} ({why}); the previous outputs were left "
                       "as they were. Free space or fix the folder's permissions, or pass "
                       "another --output folder.")


@contextlib.contextmanager
def staging(folder: str | Path) -> Iterator[Path]:
    """Lock ``folder`` and yield a fresh staging folder inside it, removed afterwards
    (with those that killed runs left behind).  A file-system failure while the outputs
    are rendered (full disk, read-only folder) is an :class:`OutputError`."""
    folder = Path(folder)
    with lock_folder(folder):
        for old in folder.glob(STAGING_PREFIX + "*"):  # left by a killed run: the lock
            shutil.rmtree(old, ignore_errors=True)  # says no live run owns them
        stage = Path(_guard(folder, "create a staging folder",
                            lambda: tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder)))
        try:
            yield stage
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            raise _output_error(folder, "write the outputs", exc) from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def publish(stage: str | Path, folder: str | Path) -> list[Path]:
    """Move every file of ``stage`` into ``folder``, then remove the files the previous run
    wrote that this one did not (listed in the manifest), and record what was written."""
    stage, folder = Path(stage), Path(folder)
    names = sorted(p.name for p in stage.iterdir())
    previous = _previous_outputs(folder)
    written = []
    for name in names:
        _guard(folder, f"move {name} into place",
               lambda n=name: os.replace(stage / n, folder / n))
        written.append(folder / name)
    for name in sorted(previous - set(names)):
        stale = folder / name
        if stale.is_file() and not stale.is_symlink():
            with contextlib.suppress(OSError):
                stale.unlink()
    manifest = json.dumps({"files": names}, indent=1)
    _guard(folder, "record what it wrote", lambda: atomic_write(
        folder / MANIFEST, lambda tmp: tmp.write_text(manifest, encoding="utf-8")))
    return written


def _previous_outputs(folder: Path) -> set[str]:
    path = folder / MANIFEST
    if path.is_file():
        try:
            files = json.loads(path.read_text(encoding="utf-8")).get("files", [])
            return {f for f in files if isinstance(f, str) and "/" not in f and "\\" not in f
                    and not f.startswith(".")}
        except (OSError, ValueError, AttributeError):
            return set()
    return {p.name for p in folder.iterdir() if KNOWN_OUTPUTS.fullmatch(p.name)}



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


def summary_json(summary: dict, config: dict) -> str:
    """``summary.json``: the run's summary and its settings (URL secrets masked), so that
    ``load_result`` can rebuild the reports."""
    from ..safe import masked_config

    return json.dumps(summary | {"config": masked_config(config)}, indent=2, default=str)


def json_default(value: object) -> object:
    """``json.dumps(..., default=json_default)``: numpy scalars and arrays as plain JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value)}")
