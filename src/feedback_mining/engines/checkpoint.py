"""Per-chunk checkpoints: a job that dies half way resumes from the last finished chunk.

Each finished chunk is written to ``<dir>/chunk-00007/`` (documents and segments as Parquet,
embeddings as ``.npy``) through a staging folder renamed into place, so a chunk folder is
either complete or absent.  ``manifest.json`` holds the fingerprint of the input, the
chunking and the settings; chunks written for another input are never reused.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import OutputError
from ..io.writers import json_default
from .partition import PartitionResult

log = logging.getLogger(__name__)
MARK = ".feedback-mining-chunk"  # in every chunk folder this class writes
_CHUNK = re.compile(r"chunk-\d{5}")
_STAGING = re.compile(r"\.chunk-\d{5}\..+")


def _ours(path: Path) -> bool:
    return bool(_CHUNK.fullmatch(path.name)) and (path / MARK).is_file()


class Checkpoint:
    """A folder of finished chunks for one input and one set of settings."""

    def __init__(self, folder: str | Path, fingerprint: str):
        self.folder = Path(folder)
        self.fingerprint = fingerprint
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = self.folder / "manifest.json"
        found = None
        if manifest.exists():
            try:
                found = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
            except (OSError, ValueError):
                found = None
        for tmp in self.folder.glob(".chunk-*"):  # staging of a chunk a killed run left
            if _STAGING.fullmatch(tmp.name) and tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
        if found != fingerprint:
            # Only chunk folders this class wrote (named and marked by it) are removed: the
            # folder may be one the user keeps other things in.
            stale = [p for p in sorted(self.folder.glob("chunk-*")) if _ours(p)]
            if stale:
                log.warning("checkpoint %s was written for another input or settings; "
                            "starting again (%d old chunks removed)", self.folder, len(stale))
            for item in stale:
                shutil.rmtree(item, ignore_errors=True)
            tmp = self.folder / ".manifest.json.tmp"
            tmp.write_text(json.dumps({"fingerprint": fingerprint}), encoding="utf-8")
            os.replace(tmp, manifest)

    def _dir(self, k: int) -> Path:
        return self.folder / f"chunk-{k:05d}"

    def has(self, k: int) -> bool:
        return _ours(self._dir(k)) and (self._dir(k) / "done").exists()

    def finished(self) -> int:
        return sum(1 for p in self.folder.glob("chunk-*") if _ours(p) and (p / "done").exists())

    def save(self, k: int, part: PartitionResult) -> None:
        staging = Path(tempfile.mkdtemp(prefix=f".chunk-{k:05d}.", dir=self.folder))
        try:
            _to_parquet(part.documents, staging / "documents.parquet")
            _to_parquet(part.segments, staging / "segments.parquet")
            np.save(staging / "embeddings.npy", part.embeddings)
            # The chunk's cleaning and segmenting counts, so a resumed run's summary still
            # counts every row read, set aside and redacted.
            (staging / "stats.json").write_text(json.dumps(part.stats, default=json_default),
                                                encoding="utf-8")
            (staging / "done").write_text("", encoding="utf-8")
            (staging / MARK).write_text(self.fingerprint, encoding="utf-8")
            target = self._dir(k)
            if target.exists():
                if not _ours(target):
                    raise OutputError(
                        f"{target}: expected a checkpoint chunk folder, found a folder this "
                        "tool did not write. Move it, or point --checkpoint-dir at a folder "
                        "of its own.")
                shutil.rmtree(target)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def load(self, k: int) -> PartitionResult:
        d = self._dir(k)
        stats_file = d / "stats.json"
        stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
        return PartitionResult(documents=_from_parquet(d / "documents.parquet"),
                               segments=_from_parquet(d / "segments.parquet"),
                               embeddings=np.load(d / "embeddings.npy"), stats=stats)


# Parquet may read an object column of strings back as a string dtype: the object columns
# are listed beside the file and restored (missing values as None, as the stages write them).
def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    frame.attrs = {}
    frame.to_parquet(path, index=False)
    objects = [c for c in frame.columns if frame[c].dtype == object]
    path.with_suffix(".objects.json").write_text(json.dumps(objects), encoding="utf-8")


def _from_parquet(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for col in json.loads(path.with_suffix(".objects.json").read_text(encoding="utf-8")):
        values = frame[col].astype(object)
        frame[col] = values.where(values.notna(), None)
    return frame
