"""Read a feedback file into a DataFrame: CSV/TSV in any common encoding and delimiter,
Excel, Parquet, JSON Lines or JSON records, or a ZIP archive holding one such file.

:func:`read_table` only reads; mapping columns onto the pipeline's names is
:mod:`feedback_mining.io.readers`' job.  Every frame it returns is indexed by the number a
person finds the row under (``frame.attrs[ROW_WORD]`` says "row", "line" or "record").
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import InputConfig
from ..errors import InputError, input_error

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SUPPORTED = sorted(TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES | {".zip"})
FORMULA_GAPS = "feedback_mining_formula_gaps"  # sheet row -> formula columns without value
ROW_WORD = "feedback_mining_row_word"  # "row" or "line": how the index numbers rows


# --------------------------------------------------------------------------- reading
def read_options(cfg: InputConfig) -> dict[str, Any]:
    """The :func:`read_table` keywords of an :class:`InputConfig`."""
    return {"sheet": cfg.sheet, "encoding": cfg.encoding, "delimiter": cfg.delimiter,
            "max_read_mb": cfg.max_read_mb, "max_zip_ratio": cfg.max_zip_ratio}


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_read_mb: float | None = None,
    max_zip_ratio: float | None = None,
) -> pd.DataFrame:
    """Read a table file as it is (no mapping); errors name the file and what to do.

    At most ``max_read_mb`` megabytes are read (a ZIP member is streamed and counted, and
    stopped when it grows past ``max_zip_ratio`` times its compressed size).
    """
    defaults = InputConfig()
    cap = int((defaults.max_read_mb if max_read_mb is None else max_read_mb) * (1 << 20))
    ratio = defaults.max_zip_ratio if max_zip_ratio is None else max_zip_ratio
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
        name, data = _read_zip_member(path, cap, ratio)
        return _read_bytes(data, Path(name).suffix.lower(), f"{path}:{name}", sheet, encoding,
                           delimiter)
    if suffix not in SUPPORTED:
        raise input_error(str(path), f"one of {', '.join(SUPPORTED)}", f"a '{suffix or 'no'}' suffix",
                          "Save the data as CSV, Excel, Parquet or JSON Lines.")
    size = path.stat().st_size
    if size > cap:
        raise input_error(str(path), f"a file of at most {cap / (1 << 20):g} MB to read whole "
                          "(input.max_read_mb)", f"{size / (1 << 20):.1f} MB",
                          "Export it as UTF-8 CSV or Parquet (read in chunks, no cap), or raise "
                          "input.max_read_mb if the machine has the memory.")
    return _read_bytes(path.read_bytes(), suffix, str(path), sheet, encoding, delimiter)


def _read_zip_member(path: Path, cap: int, ratio: float) -> tuple[str, bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
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
        info = archive.getinfo(members[0])
        return members[0], _stream_member(archive, info, f"{path}:{members[0]}", cap, ratio)


def _stream_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, cap: int,
                   ratio: float) -> bytes:
    """Decompress one member block by block, counting: stop past ``cap`` bytes or past
    ``ratio`` times its compressed size (the declared sizes are not trusted)."""
    packed = max(info.compress_size, 1)
    out = bytearray()
    try:
        with archive.open(info) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                out += block
                if len(out) > cap:
                    raise input_error(
                        where, f"at most {cap / (1 << 20):g} MB unpacked (input.max_read_mb)",
                        "more", "Unzip it and pass the file (a UTF-8 CSV is read in chunks), "
                        "or raise input.max_read_mb.")
                if len(out) > (1 << 20) and len(out) > ratio * packed:
                    raise input_error(
                        where, f"a member that unpacks to at most {ratio:g} times its packed "
                        "size (input.max_zip_ratio)", f"more than {len(out) // packed} times "
                        f"({packed} bytes packed)", "This looks like a ZIP bomb; unzip it by "
                        "hand if you trust it, or raise input.max_zip_ratio.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            OSError, EOFError) as exc:
        raise input_error(where, "a readable ZIP member", f"an error ({exc})",
                          "Unzip it by hand or export the data again.") from None
    return bytes(out)


def _read_bytes(data: bytes, suffix: str, where: str, sheet: str | None,
                encoding: str | None, delimiter: str | None) -> pd.DataFrame:
    if not data.strip():
        raise input_error(where, "a table with a header and rows", "an empty file",
                          "Export the data again.")
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(data, where, sheet)
        if suffix in PARQUET_SUFFIXES:
            return number_rows(pd.read_parquet(io.BytesIO(data)), 1)
        text = _decode(data, where, encoding)
        if suffix in {".jsonl", ".ndjson"}:
            return number_rows(_read_json_lines(text, where), 1, "line")
        if suffix == ".json":
            stripped = text.lstrip()
            if not stripped.startswith("["):
                return number_rows(_read_json_lines(text, where), 1, "line")
            return number_rows(pd.read_json(io.StringIO(text), dtype=False), 1, "record")
        sep = delimiter or sniff_delimiter(text, suffix)
        frame = number_rows(pd.read_csv(io.StringIO(text), sep=sep, dtype=str,
                                        keep_default_na=False, na_values=[""],
                                        engine="python" if len(sep) > 1 else "c"), 2)
    except InputError:
        raise
    except (ValueError, pd.errors.ParserError, OSError, ImportError, KeyError, SyntaxError,
            zipfile.BadZipFile, EOFError) as exc:  # SyntaxError: XML inside a workbook
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise input_error(where, f"a readable {suffix.lstrip('.')} table", f"an error ({first})",
                          "Check that the file is not damaged and that its suffix matches its "
                          "content.") from None
    if frame.shape[1] == 0 or len(frame) == 0:
        raise input_error(where, "a header and at least one row", f"{len(frame)} rows",
                          "Export the data again.")
    return frame


def _read_excel(data: bytes, where: str, sheet: str | None) -> pd.DataFrame:
    if data[:2] != b"PK":  # .xls (BIFF): pandas and xlrd, no formula check
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=object)
        name = _pick_sheet(list(sheets), sheet, where)
        return number_rows(sheets[name], 2)
    return _read_xlsx(data, where, sheet)


def number_rows(frame: pd.DataFrame, first: int, word: str = "row") -> pd.DataFrame:
    """Index ``frame`` by the number a person finds the row under (a CSV's header is row 1,
    so its first record is row 2; a JSON Lines file counts lines from 1)."""
    frame.index = pd.RangeIndex(first, first + len(frame))
    frame.attrs[ROW_WORD] = word
    return frame


def _read_json_lines(text: str, where: str) -> pd.DataFrame:
    """JSON Lines, one record per line; a line that is not JSON is named by its number."""
    import json

    records = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise input_error(f"{where}, line {n}", "one JSON object per line",
                              f"text that is not JSON ({exc.args[0].split(':')[0]})",
                              "Fix or remove that line (a line break inside a value must be "
                              "written \\n).") from None
        if not isinstance(value, dict):
            raise input_error(f"{where}, line {n}", "one JSON object per line",
                              f"a JSON {type(value).__name__}",
                              "Write each record as {\"column\": value, ...}.")
        records.append(value)
    return pd.DataFrame.from_records(records)


def _pick_sheet(names: list[str], sheet: str | None, where: str) -> str:
    if sheet is None:
        return names[0]
    if sheet not in names:
        raise input_error(where, f"a sheet named '{sheet}'", f"sheets {names}",
                          "Set input.sheet to one of them.")
    return sheet


def _read_xlsx(data: bytes, where: str, sheet: str | None) -> pd.DataFrame:
    """The sheet's cached values (what Excel shows), indexed by the sheet's own row numbers.

    A formula cell whose file holds no saved value (a workbook written by a script and never
    opened in Excel) is listed in ``frame.attrs[FORMULA_GAPS]`` (row -> columns), so the row
    can be set aside with a reason instead of reading as empty.
    """
    import openpyxl

    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    name = _pick_sheet(values.sheetnames, sheet, where)
    rows = [list(r) for r in values[name].iter_rows(values_only=True)]
    values.close()
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    cells = [list(r) for r in formulas[name].iter_rows(values_only=True)]
    formulas.close()
    first = next((i for i, r in enumerate(rows) if any(v is not None for v in r)), None)
    if first is None:
        raise input_error(where, "a header and at least one row", f"an empty sheet '{name}'",
                          "Export the data again.")
    header = rows[first]
    width = max((max((j + 1 for j, v in enumerate(r) if v is not None), default=0)
                 for r in rows[first:]), default=0)
    columns = _dedupe([str(v) if v is not None else f"Unnamed: {j}"
                       for j, v in enumerate(header + [None] * (width - len(header)))])
    records, labels = [], []
    gaps: dict[int, list[str]] = {}
    for i in range(first + 1, len(rows)):
        row = rows[i] + [None] * (width - len(rows[i]))
        raw = cells[i] if i < len(cells) else []
        missing = [columns[j] for j, v in enumerate(raw[:width])
                   if isinstance(v, str) and v.startswith("=") and row[j] is None]
        if all(v is None for v in row) and not missing:
            continue
        records.append(row[:width])
        labels.append(i + 1)
        if missing:
            gaps[i + 1] = missing
    frame = pd.DataFrame(records, columns=columns, dtype=object,
                         index=pd.Index(labels, dtype="int64"))
    frame.attrs[FORMULA_GAPS] = gaps
    frame.attrs[ROW_WORD] = "row"
    return frame


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}.{k}")
        seen[n] = k + 1
    return out


def _decode(data: bytes, where: str, encoding: str | None) -> str:
    from .encoding import decode

    return decode(data, where, encoding)[0]


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
