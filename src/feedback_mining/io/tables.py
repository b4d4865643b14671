"""Read a feedback file into a DataFrame: CSV/TSV in any common encoding and delimiter,
Excel, Parquet, JSON Lines or JSON records, or a ZIP archive holding one such file.

:func:`read_table` only reads; mapping columns onto the pipeline's names is
:mod:`feedback_mining.io.readers`' job.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import InputError, input_error

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SUPPORTED = sorted(TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES | {".zip"})
COMMON_ENCODINGS = ("cp1252", "cp1251", "cp1250", "latin_1", "iso8859_15", "cp1253", "cp1254")


# --------------------------------------------------------------------------- reading
def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> pd.DataFrame:
    """Read a table file as it is (no mapping); errors name the file and what to do."""
    path = Path(path)
    if not path.exists():
        raise input_error(str(path), "an existing file", "no such file",
                          "Check the path (relative paths start from the current folder).")
    if path.is_dir():
        raise input_error(str(path), "a file", "a folder", "Point to one file inside it.")
    if path.stat().st_size == 0:
        raise input_error(str(path), "a table with a header and rows", "an empty file (0 bytes)",
                          "Export the data again.")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        name, data = _read_zip_member(path)
        return _read_bytes(data, Path(name).suffix.lower(), f"{path}:{name}", sheet, encoding,
                           delimiter)
    if suffix not in SUPPORTED:
        raise input_error(str(path), f"one of {', '.join(SUPPORTED)}", f"a '{suffix or 'no'}' suffix",
                          "Save the data as CSV, Excel, Parquet or JSON Lines.")
    return _read_bytes(path.read_bytes(), suffix, str(path), sheet, encoding, delimiter)


def _read_zip_member(path: Path) -> tuple[str, bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise input_error(str(path), "a ZIP archive", "a damaged or non-ZIP file",
                          "Unzip it by hand or export the data again.") from None
    with archive:
        members = [
            m for m in archive.namelist()
            if not m.endswith("/") and not m.startswith("__MACOSX/")
            and not Path(m).name.startswith(".")
            and Path(m).suffix.lower() in (TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES)
        ]
        if len(members) != 1:
            raise input_error(str(path), "exactly one data file inside the ZIP",
                              f"{len(members)} ({', '.join(members[:5]) or 'none'})",
                              "Unzip it and pass the file you want.")
        return members[0], archive.read(members[0])


def _read_bytes(data: bytes, suffix: str, where: str, sheet: str | None,
                encoding: str | None, delimiter: str | None) -> pd.DataFrame:
    if not data.strip():
        raise input_error(where, "a table with a header and rows", "an empty file",
                          "Export the data again.")
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(data, where, sheet)
        if suffix in PARQUET_SUFFIXES:
            return pd.read_parquet(io.BytesIO(data))
        text = _decode(data, where, encoding)
        if suffix in {".jsonl", ".ndjson"}:
            return pd.read_json(io.StringIO(text), lines=True, dtype=False)
        if suffix == ".json":
            stripped = text.lstrip()
            lines = not stripped.startswith("[")
            return pd.read_json(io.StringIO(text), lines=lines, dtype=False)
        sep = delimiter or sniff_delimiter(text, suffix)
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_values=[""], engine="python" if len(sep) > 1 else "c")
    except InputError:
        raise
    except (ValueError, pd.errors.ParserError, OSError, ImportError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise input_error(where, f"a readable {suffix.lstrip('.')} table", f"an error ({first})",
                          "Check that the file is not damaged and that its suffix matches its "
                          "content.") from None
    if frame.shape[1] == 0 or len(frame) == 0:
        raise input_error(where, "a header and at least one row", f"{len(frame)} rows",
                          "Export the data again.")
    return frame


def _read_excel(data: bytes, where: str, sheet: str | None) -> pd.DataFrame:
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object)
    if sheet is None:
        name = next(iter(sheets))
    elif sheet not in sheets:
        raise input_error(where, f"a sheet named '{sheet}'", f"sheets {list(sheets)}",
                          "Set input.sheet to one of them.")
    else:
        name = sheet
    return sheets[name]


def _decode(data: bytes, where: str, encoding: str | None) -> str:
    head = data[:8192]
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        raise input_error(where, "a text table", "binary content",
                          "Export the data as CSV (UTF-8), Excel, Parquet or JSON Lines.")
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise input_error(where, f"text in the encoding '{encoding}'", f"bytes that are not ({exc})",
                              "Leave input.encoding unset to detect it.") from None
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise input_error(where, "text in a known encoding", "undecodable bytes",
                          "Save the file as UTF-8 or set input.encoding.")
    # Among the equally plausible decodings, prefer the encodings spreadsheets export.
    least = min(m.chaos for m in matches)
    plausible = [m for m in matches if m.chaos <= least + 0.01]
    preferred = [m for enc in COMMON_ENCODINGS for m in plausible
                 if enc in m.could_be_from_charset]
    return str((preferred or plausible)[0])


def sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","
