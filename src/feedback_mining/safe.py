"""Make customer text safe for the files it reaches: control characters and formulas.

Every writer that puts a string into a spreadsheet cell (CSV, the Excel workbook, the
deck's embedded chart workbooks, which python-pptx writes through XlsxWriter) calls
:func:`safe_cell`; the readers call :func:`strip_controls` on every text cell.  One helper,
so no writer can forget a case.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return, and DEL: openpyxl refuses them
# (IllegalCharacterError) and they mean nothing in feedback.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a spreadsheet reads as the start of a formula (also the full-width forms).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d",
                    "\uff20")


def strip_controls(value: object) -> object:
    """Remove control characters from a string (other values are returned as they are).

    >>> strip_controls("app\\x0b\\x01")
    'app'
    """
    if isinstance(value, str) and CONTROL.search(value):
        return CONTROL.sub("", value)
    return value


def safe_cell(value: object) -> object:
    """A string a spreadsheet stores as text: control characters removed, and an apostrophe
    before what would start a formula (``=``, ``+``, ``-``, ``@``, tab, CR).

    >>> safe_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("cmd|' /C calc'\\x01")
    "cmd|' /C calc'"
    >>> safe_cell(-3.5)
    -3.5
    """
    if not isinstance(value, str):
        return value
    value = CONTROL.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


_SECRET = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]+)(?=@)", re.I)


def mask_url(url: object) -> object:
    """A URL with its password replaced by ``***`` (for errors, logs and summary.json).

    >>> mask_url("postgresql://analyst:s3cret@db/feedback")
    'postgresql://analyst:***@db/feedback'
    """
    if isinstance(url, str):
        return _SECRET.sub(r"\g<head>***", url)
    return url


def masked_config(config: dict) -> dict:
    """A config dict (``Config.to_dict()``) with the secrets of its URLs masked."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in config.items()}
    for section in out.values():
        if isinstance(section, dict):
            for key, value in section.items():
                section[key] = mask_url(value)
    return out
