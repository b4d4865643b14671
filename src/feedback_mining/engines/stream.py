"""Read the input in chunks, each mapped onto the pipeline's columns.

CSV/TSV files are read with ``pandas.read_csv(chunksize=...)`` and Parquet files with
``pyarrow.parquet.ParquetFile.iter_batches``, so a file larger than memory is never loaded
at once.  Other formats (Excel, JSON, zip) are read whole and then cut into chunks.  Row ids
generated for a table without an id column (``row-1``, ``row-2``...) run on across chunks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..config import InputConfig
from ..errors import input_error
from ..io.readers import ATTRS_KEY, load_with_config, map_columns
from ..io.tables import PARQUET_SUFFIXES, number_rows, read_options, read_table

STREAMED_TEXT = {".csv", ".tsv", ".txt"}


@dataclass
class Chunks:
    """The chunks of one input, with what is known about it before reading it all.

    Attributes
    ----------
    source : str
        The file name, or "the DataFrame".
    n_rows : int or None
        Rows in the input (exact for DataFrames and Parquet, estimated from line breaks for
        CSV), used to choose the fast path before reading.
    fingerprint : str
        Identifies the input and the chunking; a checkpoint is reused only when it matches.
    meta : dict
        The column mapping of the first chunk (``df.attrs["feedback_mining"]``).
    """

    data: object
    cfg: InputConfig
    chunk_size: int
    source: str = ""
    n_rows: int | None = None
    fingerprint: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = self.data if self.data is not None else self.cfg.path
        if data is None:
            raise input_error("input", "a file path or a DataFrame", "nothing",
                              "Pass --input FILE or set input.path in the config.")
        self.data = data
        h = hashlib.sha256(f"{self.chunk_size}|{self.cfg}".encode())
        if isinstance(data, pd.DataFrame):
            # A frame from fm.load or load_sample names its file (or the bundled sample).
            self.source = str((data.attrs.get("feedback_mining") or {}).get("source")
                              or "the DataFrame")
            self.n_rows = len(data)
            h.update(pd.util.hash_pandas_object(data.astype(str), index=False).values.tobytes())
        else:
            path = Path(data)
            self.source = str(path)
            if not path.is_file():
                read_table(path)  # raises the reader's own message
            stat = path.stat()
            h.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
            self.n_rows = _estimate_rows(path)
        self.fingerprint = h.hexdigest()[:16]

    def n_chunks(self) -> int | None:
        return None if self.n_rows is None else max(1, -(-self.n_rows // self.chunk_size))

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """Yield mapped chunks (columns id, text, score, date, segments)."""
        offset = 0
        cfg = replace(self.cfg, segments=list(self.cfg.segments))
        for k, raw in enumerate(self._raw()):
            if isinstance(self.data, pd.DataFrame) and ATTRS_KEY in self.data.attrs:
                mapped = raw.reset_index(drop=True)  # already mapped by fm.load
                mapped.attrs = dict(self.data.attrs)
            elif k == 0:
                mapped = load_with_config(raw, cfg, where=self.source)
                cfg.score_type = mapped.attrs[ATTRS_KEY]["score_type"] or cfg.score_type
            else:
                mapped = map_columns(raw, cfg, where=self.source)
            mapped.attrs[ATTRS_KEY] = dict(mapped.attrs.get(ATTRS_KEY, {}), source=self.source)
            if not cfg.id and not (isinstance(self.data, pd.DataFrame)
                                   and ATTRS_KEY in self.data.attrs):
                mapped["id"] = [f"row-{offset + i + 1}" for i in range(len(mapped))]
            if k == 0:
                self.meta = dict(mapped.attrs[ATTRS_KEY])
            offset += len(mapped)
            yield mapped

    def _raw(self) -> Iterator[pd.DataFrame]:
        size = self.chunk_size
        if isinstance(self.data, pd.DataFrame):
            for start in range(0, max(len(self.data), 1), size):
                yield self.data.iloc[start:start + size]
            return
        path = Path(self.data)
        suffix = path.suffix.lower()
        if suffix in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            offset = 1
            for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
                frame = number_rows(batch.to_pandas(), offset)
                offset += len(frame)
                yield frame
            return
        sep = _streamable_csv(path, self.cfg) if suffix in STREAMED_TEXT else None
        if sep is not None and path.stat().st_size > 0:
            try:
                reader = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                                     na_values=[""], chunksize=size, encoding="utf-8-sig",
                                     engine="python" if len(sep) > 1 else "c")
                for k, chunk in enumerate(reader):
                    if k == 0 and (chunk.shape[1] == 0 or len(chunk) == 0):
                        break
                    # the index runs on across chunks; the header is row 1
                    yield number_rows(chunk, int(chunk.index[0]) + 2 if len(chunk) else 2)
                else:
                    return
            except (ValueError, pd.errors.ParserError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise input_error(str(path), f"a readable {suffix.lstrip('.')} table",
                                  f"an error ({first})", "Check that the file is not damaged "
                                  "and that its suffix matches its content.") from None
        whole = read_table(path, **read_options(self.cfg))
        self.n_rows = len(whole)
        for start in range(0, len(whole), size):
            yield whole.iloc[start:start + size]


def _streamable_csv(path: Path, cfg: InputConfig) -> str | None:
    """The delimiter when the file is UTF-8 text that pandas can read in chunks."""
    from ..io.tables import sniff_delimiter

    if cfg.encoding and cfg.encoding.lower().replace("-", "") not in ("utf8", "utf8sig"):
        return None
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the block
            return None
        text = head[:exc.start].decode("utf-8-sig")
    if not _clean_utf8(path):
        return None  # read whole: the decoder detects the encoding or says what is wrong
    return cfg.delimiter or sniff_delimiter(text, path.suffix.lower())


def _clean_utf8(path: Path) -> bool:
    """The whole file is UTF-8 with no replacement characters (checked block by block)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            for block in iter(lambda: fh.read(1 << 22), b""):
                if "\ufffd" in decoder.decode(block):
                    return False
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _estimate_rows(path: Path) -> int | None:
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if suffix in STREAMED_TEXT:
        return count_records(path)
    return None


def count_records(path: Path) -> int:
    """Records of a CSV file (not lines: a quoted cell may hold line breaks), header
    excluded.  A line break counts when an even number of quote characters precede it
    (a doubled quote inside a cell counts twice and keeps the parity)."""
    import numpy as np

    records = 0
    inside = 0
    last = b"\n"
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            arr = np.frombuffer(block, dtype=np.uint8)
            quotes = np.cumsum(arr == ord('"')) + inside
            records += int(np.count_nonzero((arr == ord("\n")) & (quotes % 2 == 0)))
            inside = int(quotes[-1] % 2)
            last = block[-1:]
    if last not in (b"\n", b""):
        records += 1  # a last record without a final line break
    return max(records - 1, 0)
