"""Read feedback tables and map their columns onto the names the pipeline uses.

:func:`load` returns a DataFrame with the canonical columns ``id``, ``text`` and, when
mapped, ``score``, ``date`` and the segment columns (under their own names).  What was
mapped is kept in ``df.attrs["feedback_mining"]`` so :func:`feedback_mining.run` knows the
score type and the segments without being told twice.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import InputConfig
from ..errors import input_error
from ..safe import strip_controls
from .tables import (  # noqa: F401 - also read from here
    FORMULA_GAPS,
    PARQUET_SUFFIXES,
    ROW_WORD,
    SUPPORTED,
    read_options,
    read_table,
)

log = logging.getLogger("feedback_mining")
SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "rating": (1, 5)}
ATTRS_KEY = "feedback_mining"
FORMULA_WITHOUT_VALUE = "formula_without_value"


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
        return load_transcripts(source, cfg)
    if isinstance(source, pd.DataFrame):
        raw, where = source.copy(), where or "the DataFrame"
    else:
        raw, where = read_table(source, **read_options(cfg)), str(source)
    return map_columns(raw, cfg, where=where, guess_score_type=guess)


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


def load_transcripts(source: Any, cfg: InputConfig) -> pd.DataFrame:
    """Transcripts as the table :func:`feedback_mining.load` returns (one row per customer turn).

    The ``conversation`` column is kept; ``df.attrs["feedback_mining"]["transcripts"]`` holds
    what was read and dropped.
    """
    from ..clean.transcripts import read_transcripts

    frame, stats = read_transcripts(source if source is not None else cfg.path, cfg)
    where = "the transcripts" if isinstance(source, pd.DataFrame) or source is None else str(source)
    if frame.empty:
        raise input_error(where, "at least one customer turn", "none after dropping agent, "
                          f"system and pleasantry turns ({stats})",
                          "Check input.customer_speakers / input.agent_speakers.")
    mapped_cfg = replace(cfg, id="id", text="text", segments=list(cfg.segments))
    out = map_columns(frame, mapped_cfg, where=where, guess_score_type=cfg.score is not None
                      and cfg.score_type is None)
    out["conversation"] = frame["conversation"].astype(str).to_numpy()
    out.attrs[ATTRS_KEY]["transcripts"] = stats
    return out
