"""Text normalisation: Unicode repair, markup removal, whitespace."""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

_TAG = re.compile(r"<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>|<!--.*?-->|<[^<>]{1,500}>", re.S | re.I)
_BREAK_TAG = re.compile(r"<\s*(br|/p|/div|/li|p|div|li)\b[^>]*>", re.I)
_MARKDOWN = re.compile(r"(\*\*|__|`{1,3})")
_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What ftfy can change in an ASCII text: entities ("&amp;"), terminal escapes, carriage
# returns and control characters.  An ASCII text without any is already fixed.
_FTFY_ASCII = re.compile(r"[&\x00-\x08\x0b-\x1f\x7f]")


def fix_unicode(text: str) -> str:
    """Repair mojibake ("donâ€™t" -> "don't") and normalise to NFC."""
    if text.isascii() and not _FTFY_ASCII.search(text):
        return text  # ftfy would return it unchanged, at a hundredth of the cost
    return unicodedata.normalize("NFC", ftfy.fix_text(text, normalization="NFC"))


def strip_markup(text: str) -> str:
    """Remove HTML tags and entities and light Markdown emphasis; keep the words."""
    if "<" in text:
        text = _BREAK_TAG.sub(" \n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return _MARKDOWN.sub("", text)


def normalise_whitespace(text: str) -> str:
    """Drop control characters, collapse runs of spaces, keep single line breaks."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def shorten(text: str, limit: int, mark: str = " [...]") -> str:
    """Cut ``text`` to at most ``limit`` characters, at a space where there is one, and mark
    the cut.

    >>> shorten("refund late again and again", 16)
    'refund [...]'
    """
    if len(text) <= limit:
        return text
    cut = text[:max(limit - len(mark), 0)]
    space = cut.rfind(" ")
    return (cut[:space] if space > len(cut) // 2 else cut) + mark


def normalise(text: str, *, fix: bool = True, markup: bool = True) -> str:
    """All of the above, in order.

    >>> normalise("  <p>Refund&nbsp;took <b>3 weeks</b></p>  ")
    'Refund took 3 weeks'
    """
    if fix:
        text = fix_unicode(text)
    if markup:
        text = strip_markup(text)
    return normalise_whitespace(text)
