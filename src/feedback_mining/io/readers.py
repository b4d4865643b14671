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
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import SCORE_TYPES, InputConfig
from ..errors import InputError, input_error
from ..safe import strip_controls

SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "rating": (1, 5)}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SUPPORTED = sorted(TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES | {".zip"})
ATTRS_KEY = "feedback_mining"


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


def load_with_config(source: str | Path | pd.DataFrame | None, cfg: InputConfig) -> pd.DataFrame:
    """Like :func:`load`, with the mapping given as an :class:`InputConfig`."""
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
        raw, where = source.copy(), "the DataFrame"
    else:
        raw, where = read_table(source, sheet=cfg.sheet, encoding=cfg.encoding,
                                delimiter=cfg.delimiter), str(source)
    return map_columns(raw, cfg, where=where, guess_score_type=guess)


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
        sep = delimiter or _sniff_delimiter(text, suffix)
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
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c) for c in raw.columns]
    if len(raw) == 0:
        raise input_error(where, "at least one row", "0 rows", "Export the data again.")
    line = _row_numbering(where)
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
                              f"id '{first}' {int((ids == first).sum())} times ({', '.join(rows)})",
                              "Remove the duplicate rows or map another id column.")
        out["id"] = ids.astype(str).map(strip_controls)
    else:
        out["id"] = [f"row-{i + 1}" for i in range(len(raw))]

    # text
    text = _column(raw, cfg.text, "text", where)
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

    out.attrs[ATTRS_KEY] = {
        "source": where,
        "score_type": cfg.score_type if cfg.score else None,
        "segments": list(cfg.segments),
        "has_date": bool(cfg.date),
        "columns": {"text": cfg.text, "id": cfg.id, "score": cfg.score, "date": cfg.date},
    }
    return out


def _row_numbering(where: str):
    if where == "the DataFrame":
        return lambda i: f"row {i} (position)"
    return lambda i: f"row {i + 1} (line {i + 2} of the file)"


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
    shown = ", ".join(repr(c) for c in list(raw.columns)[:12])
    more = ", ..." if raw.shape[1] > 12 else ""
    raise input_error(
        where, f"a {role} column named '{name}'", f"the columns {shown}{more}",
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
            f"'{col.iloc[i]}' ({int(bad.sum())} rows are not numbers)",
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
            f"'{col.iloc[i]}' ({int(bad.sum())} rows are not dates)",
            "Fix those rows or map another date column.", code="FM104",
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed
