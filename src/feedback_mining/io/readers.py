"""Read feedback tables and map their columns onto the names the pipeline uses.

:func:`load` returns a DataFrame with the canonical columns ``id``, ``text`` and, when
mapped, ``score``, ``date`` and the segment columns (under their own names).  What was
mapped is kept in ``df.attrs["feedback_mining"]`` so :func:`feedback_mining.run` knows the
score type and the segments without being told twice.
"""

from __future__ import annotations

import csv
import difflib
import io
import logging
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import SCORE_TYPES, InputConfig
from ..errors import InputError, input_error
from ..safe import strip_controls

log = logging.getLogger("feedback_mining")
SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "rating": (1, 5)}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SUPPORTED = sorted(TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES | {".zip"})
ATTRS_KEY = "feedback_mining"
FORMULA_GAPS = "feedback_mining_formula_gaps"  # sheet row -> formula columns without value
FORMULA_WITHOUT_VALUE = "formula_without_value"
ROW_WORD = "feedback_mining_row_word"  # "row" or "line": how the index numbers rows


def load(
    source: str | Path | pd.DataFrame,
    *,
    text: str = "text",
    id: str | None = None,  # noqa: A002 - the column mapping reads best with these names
    score: str | None = None,
    score_type: str | None = None,
    date: str | None = None,
    segments: list[str] | tuple[str, ...] | str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> pd.DataFrame:
    """Read a feedback file (or take a DataFrame) and map its columns.

    Parameters
    ----------
    source : path or DataFrame
        CSV/TSV (any common encoding and delimiter), Excel, Parquet, JSON Lines or JSON
        records, or a ZIP archive holding one such file.
    text, id, score, date : str
        Names of the columns holding the verbatim, a unique respondent id, the survey score
        and the date.  Without ``id``, rows are numbered ``row-1``, ``row-2``, ...
    score_type : {"nps", "csat", "rating"}
        ``nps`` is 0-10; ``csat`` and ``rating`` are 1-5.
    segments : list of str
        Columns to break metrics down by (channel, market, product category...).

    Returns
    -------
    DataFrame with columns ``id``, ``text`` (and ``score``, ``date``, segment columns).

    Examples
    --------
    >>> import pandas as pd, feedback_mining as fm
    >>> raw = pd.DataFrame({"comment": ["Refund never arrived"], "nps": [3]})
    >>> fm.load(raw, text="comment", score="nps", score_type="nps")[["id", "text", "score"]]
          id                  text  score
    0  row-1  Refund never arrived    3.0
    """
    if isinstance(segments, str):
        segments = [segments]
    cfg = InputConfig(
        path=None if isinstance(source, pd.DataFrame) else str(source),
        text=text, id=id, score=score, score_type=score_type, date=date,
        segments=list(segments or []), sheet=sheet, encoding=encoding, delimiter=delimiter,
    )
    return load_with_config(source, cfg)


def load_with_config(source: str | Path | pd.DataFrame | None, cfg: InputConfig, *,
                     where: str | None = None) -> pd.DataFrame:
    """Like :func:`load`, with the mapping given as an :class:`InputConfig`.

    ``where`` names a DataFrame's origin in error messages (the file a chunk was read from).
    """
    if cfg.score_type is not None and cfg.score_type not in SCORE_TYPES:
        raise input_error(
            "score type", f"one of {', '.join(SCORE_TYPES)}", repr(cfg.score_type),
            "Use nps for 0-10 scores, csat or rating for 1-5 scores.",
        )
    if cfg.score is not None and cfg.score_type is None:
        cfg.score_type = "nps"  # refined below from the range of the values
        guess = True
    else:
        guess = False
    if source is None:
        source = cfg.path
    if source is None:
        raise input_error("input", "a file path or a DataFrame", "nothing",
                          "Pass --input FILE or set input.path in the config.")
    if cfg.format == "transcript":
        from ..clean.transcripts import load_transcripts

        return load_transcripts(source, cfg)
    if isinstance(source, pd.DataFrame):
        raw, where = source.copy(), where or "the DataFrame"
    else:
        raw, where = read_table(source, **read_options(cfg)), str(source)
    return map_columns(raw, cfg, where=where, guess_score_type=guess)


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
        sep = delimiter or _sniff_delimiter(text, suffix)
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


def _sniff_delimiter(text: str, suffix: str) -> str:
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


# --------------------------------------------------------------------------- mapping
def map_columns(raw: pd.DataFrame, cfg: InputConfig, *, where: str,
                guess_score_type: bool = False) -> pd.DataFrame:
    """Check the mapped columns exist and hold what they should; return the canonical table."""
    line = _row_numbering(where, raw)
    gaps = raw.attrs.get(FORMULA_GAPS) or {}
    labels = raw.index.tolist()
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c) for c in raw.columns]
    if len(raw) == 0:
        raise input_error(where, "at least one row", "0 rows", "Export the data again.")
    out = pd.DataFrame(index=raw.index)

    # id
    if cfg.id:
        ids = _column(raw, cfg.id, "id", where).astype("string").str.strip()
        missing = ids.isna() | (ids == "")
        if missing.any():
            i = int(np.flatnonzero(missing.to_numpy())[0])
            raise input_error(f"{where}, column '{cfg.id}', {line(i)}", "an id on every row",
                              "an empty id", f"Fill the {int(missing.sum())} empty ids or drop input.id.")
        dup = ids.duplicated(keep=False)
        if dup.any():
            first = ids[dup].iloc[0]
            rows = [line(i) for i in np.flatnonzero((ids == first).to_numpy())[:3]]
            raise input_error(f"{where}, column '{cfg.id}'", "unique ids",
                              f"id {shown(first)} {int((ids == first).sum())} times "
                              f"({', '.join(rows)})",
                              "Remove the duplicate rows or map another id column.")
        out["id"] = ids.astype(str).map(strip_controls)
    else:
        out["id"] = [f"row-{i + 1}" for i in range(len(raw))]

    # text
    text = _column(raw, cfg.text, "text", where)
    _check_text_column(raw, cfg.text, where)
    out["text"] = text.map(lambda v: "" if _is_missing(v) else strip_controls(str(v))) \
        .astype(object)

    # score
    if cfg.score:
        out["score"] = _parse_score(_column(raw, cfg.score, "score", where), cfg, where, line,
                                    guess_score_type)
    # date
    if cfg.date:
        out["date"] = _parse_date(_column(raw, cfg.date, "date", where), cfg.date, where, line)
    # segments
    for name in cfg.segments:
        col = _column(raw, name, "segment", where)
        out[name] = col.map(lambda v: "(missing)" if _is_missing(v)
                            else strip_controls(str(v)).strip() or "(missing)").astype(object)

    if gaps:
        _set_aside_formula_gaps(out, gaps, labels, cfg, where)
    out.attrs[ATTRS_KEY] = {
        "source": where,
        "score_type": cfg.score_type if cfg.score else None,
        "segments": list(cfg.segments),
        "has_date": bool(cfg.date),
        "columns": {"text": cfg.text, "id": cfg.id, "score": cfg.score, "date": cfg.date},
    }
    return out


def _check_text_column(raw: pd.DataFrame, name: str, where: str) -> None:
    """A text column that holds only numbers (a score, an id) is a mapping mistake: say so
    before any model loads, and name the column that holds text."""
    values = raw[name].dropna()
    values = values[values.astype(str).str.strip() != ""]
    if values.empty:
        return
    numeric = pd.to_numeric(values.astype(str).str.strip().str.replace(",", ".", regex=False),
                            errors="coerce").notna()
    if numeric.mean() < 0.98:
        return
    lengths = {c: raw[c].dropna().astype(str).str.len().mean() for c in raw.columns
               if c != name and (raw[c].dtype == object or pd.api.types.is_string_dtype(raw[c]))}
    texty = [c for c, n in sorted(lengths.items(), key=lambda kv: -kv[1]) if n > 15]
    hint = f"Did you mean --text '{texty[0]}'? " if texty else ""
    shown = ", ".join(repr(str(v)) for v in values.head(3))
    raise input_error(f"{where}, column '{name}'", "a text column with the verbatims",
                      f"numbers only ({shown}, ...)",
                      f"{hint}Map the text with --text COLUMN (or input.text in the config).",
                      code="FM106")


def shown(value: object, limit: int = 16) -> str:
    """A cell as an error message may show it: quoted and cut, so that a verbatim (with the
    personal data in it) never reaches a terminal or a log whole.

    >>> shown("my email is jane@example.com, refund me")
    "'my email is jan…' (39 characters)"
    """
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"'{text[:limit - 1]}…' ({len(text)} characters)"


def _row_numbering(where: str, raw: pd.DataFrame):
    """``line(i)``: how a person finds the row at position ``i`` (a spreadsheet row number,
    header = row 1; a JSON Lines line; a DataFrame's index label)."""
    labels = raw.index.tolist()
    word = raw.attrs.get(ROW_WORD)
    if word is None:
        return lambda i: f"index {labels[i]!r} (row {i + 1} of the table)"
    return lambda i: f"{word} {labels[i]}"


def _set_aside_formula_gaps(out: pd.DataFrame, gaps: dict[int, list[str]], labels: list,
                            cfg: InputConfig, where: str) -> None:
    """Rows whose mapped cells are formulas without a saved value: set aside, and said."""
    mapped = {cfg.text, cfg.score, cfg.date, *cfg.segments} - {None}
    hit = [i for i, label in enumerate(labels) if mapped & set(gaps.get(label, ()))]
    if not hit:
        return
    reasons = pd.Series([None] * len(out), index=out.index, dtype=object)
    reasons.iloc[hit] = FORMULA_WITHOUT_VALUE
    out["set_aside"] = reasons
    shown = ", ".join(str(labels[i]) for i in hit[:10]) + (", ..." if len(hit) > 10 else "")
    log.warning("%s: %d row(s) have formula cells without a saved value (rows %s); they are "
                "set aside as %s. Open and save the file in Excel (it stores the values), or "
                "paste the values, to keep them.", where, len(hit), shown, FORMULA_WITHOUT_VALUE)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _column(raw: pd.DataFrame, name: str, role: str, where: str) -> pd.Series:
    if name in raw.columns:
        return raw[name]
    close = difflib.get_close_matches(name, raw.columns, n=1, cutoff=0.6)
    hint = f"Did you mean '{close[0]}'? " if close else ""
    # a file without a header has its first verbatims as column names: shown cut
    names = ", ".join(shown(c, 32) for c in list(raw.columns)[:12])
    more = ", ..." if raw.shape[1] > 12 else ""
    raise input_error(
        where, f"a {role} column named '{name}'", f"the columns {names}{more}",
        f"{hint}Map the {role} with --{role if role != 'segment' else 'segments'} COLUMN "
        f"(or input.{role if role != 'segment' else 'segments'} in the config).",
        code="FM101",
    )


def _parse_score(col: pd.Series, cfg: InputConfig, where: str, line, guess: bool) -> pd.Series:
    as_text = col.astype("string").str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(as_text, errors="coerce")
    bad = values.isna() & as_text.notna() & (as_text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise input_error(
            f"{where}, column '{cfg.score}', {line(i)}", "a number",
            f"{shown(col.iloc[i])} ({int(bad.sum())} rows are not numbers)",
            "Map a numeric score column, or clean those rows.", code="FM102",
        )
    values = values.astype(float)
    if guess:
        cfg.score_type = "nps" if values.max() > 5 or values.min() < 1 else "csat"
    lo, hi = SCORE_RANGES[cfg.score_type or "nps"]
    out_of_range = values.notna() & ((values < lo) | (values > hi))
    if out_of_range.any():
        i = int(np.flatnonzero(out_of_range.to_numpy())[0])
        raise input_error(
            f"{where}, column '{cfg.score}', {line(i)}",
            f"a {cfg.score_type} score between {lo} and {hi}",
            f"{values.iloc[i]:g} ({int(out_of_range.sum())} rows out of range)",
            "Check input.score_type (nps is 0-10, csat and rating are 1-5).", code="FM103",
        )
    return values


def _parse_date(col: pd.Series, name: str, where: str, line) -> pd.Series:
    present = col.notna() & (col.astype("string").str.strip() != "")
    parsed = pd.to_datetime(col.where(present), errors="coerce", format="mixed")
    bad = present & parsed.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise input_error(
            f"{where}, column '{name}', {line(i)}", "a date such as 2024-05-31",
            f"{shown(col.iloc[i])} ({int(bad.sum())} rows are not dates)",
            "Fix those rows or map another date column.", code="FM104",
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed
