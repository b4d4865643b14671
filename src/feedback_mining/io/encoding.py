"""Decode exported text files with a bias to what exports really use.

Order of the guesses (the first that fits wins):

1. a byte-order mark: UTF-8 (``utf-8-sig``), UTF-16 LE/BE, UTF-32;
2. UTF-16 without a mark, when every other byte of the head is zero;
3. strict UTF-8;
4. a file that is UTF-8 on most lines and Windows-1252 on a few (two exports pasted
   together) is decoded line by line, and a warning says how many lines were not UTF-8;
5. Windows-1252 (which Latin-1 files read the same for every letter);
6. only when Windows-1252 text plainly looks wrong and one of them reads clean: Mac Roman,
   Shift-JIS, Windows-1251.

``input.encoding`` forces one encoding and skips every guess.  When nothing reads clean
(replacement characters, letters of a script that does not fit the words around them),
:func:`decode` stops with an error naming the encodings tried and the setting to set,
instead of handing garbled text to the models.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
import unicodedata

from ..errors import input_error

log = logging.getLogger("feedback_mining")

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK = "cp1252"
# Tried only when Windows-1252 plainly looks wrong, and kept only when they read clean.
OTHERS = ("mac_roman", "shift_jis", "cp1251")
# Punctuation and symbols that real exports carry around letters.
_COMMON = set("\u00a0\u00a3\u00a7\u00a9\u00ab\u00ae\u00b0\u00b1\u00b2\u00b3\u00b4\u00b5\u00b7"
              "\u00bb\u00bc\u00bd\u00be\u00bf\u00a1\u00d7\u00f7\u2013\u2014\u2018\u2019\u201a"
              "\u201c\u201d\u201e\u2022\u2026\u20ac\u2122\u2032\u2033\u00a2\u00a5\u00a4\u3000"
              "\u3001\u3002\u300c\u300d\uff01\uff1f\uff08\uff09\uff0c\uff1a\u30fc")
# words with at least one non-ASCII letter; symbols (non-ASCII) glued between letters; C1
# controls and replacement characters.  Regular expressions keep a large file's check in C.
_ODD_WORD = re.compile(r"[^\W\d_]*[^\W\d_\x00-\x7f][^\W\d_]*")
_GLUED = re.compile(r"(?<=[^\W\d_])[^\w\s\x00-\x7f](?=[^\W\d_])")
_BROKEN = re.compile(r"[\x80-\x9f\ufffd]")
MAX_BAD_SHARE = 0.02  # of non-ASCII characters; above it the text "looks wrong"


@functools.lru_cache(maxsize=8192)
def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK", "HIRAGANA", "KATAKANA", "CJK", "HANGUL",
                   "ARABIC", "HEBREW", "THAI"):
        if name.startswith(script) or f" {script} " in name:
            return "CJK" if script in ("HIRAGANA", "KATAKANA") else script
    return "OTHER"


def oddities(text: str) -> tuple[int, int]:
    """``(bad, non_ascii)``: characters that do not fit their words, and all non-ASCII ones.

    Bad: replacement characters, control characters of the C1 block, symbols inside a word,
    a capital letter after a small one inside a word (``TrÈs``), and in a word written
    mostly in Latin letters, letters of another script or a majority of accented ones
    (``Ïðîäóêò``).

    >>> oddities("Très déçu")
    (0, 3)
    >>> oddities("Tr\u00c8s d\u00c8\u00c1u")[0] > 0
    True
    """
    if text.isascii():
        return 0, 0
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    bad = sum(1 for _ in _BROKEN.finditer(text))
    # symbols glued between letters: "Tr\u02c6s", "d\u2030"
    bad += sum(1 for m in _GLUED.finditer(text) if m.group() not in _COMMON)
    verdicts: dict[str, int] = {}
    for m in _ODD_WORD.finditer(text):
        word = m.group()
        if word not in verdicts:
            verdicts[word] = _odd_letters(word)
        bad += verdicts[word]
    return bad, non_ascii


def _odd_letters(word: str) -> int:
    """Letters of one word (with a non-ASCII letter) that do not fit it."""
    accented = [c for c in word if ord(c) > 127]
    scripts = {_script(c) for c in word}
    if "LATIN" in scripts and len(scripts) > 1:
        return sum(1 for c in accented if _script(c) != "LATIN")
    if scripts != {"LATIN"}:
        return 0
    bad = sum(1 for prev, c in zip(word, word[1:], strict=False)
              if ord(c) > 127 and c.isupper() and prev.islower())
    if len(word) >= 4 and len(accented) * 2 > len(word):
        bad += len(accented)
    return bad


def _spread(text: str, size: int = 2_000_000, pieces: int = 20) -> str:
    """The whole text when it is short; else evenly spread slices of it (the judgement is a
    share, and a large file should not take minutes to judge)."""
    if len(text) <= size:
        return text
    step, width = len(text) // pieces, size // pieces
    return "\n".join(text[i * step:i * step + width] for i in range(pieces))


def looks_wrong(text: str) -> bool:
    bad, non_ascii = oddities(_spread(text))
    return bad >= 3 and bad > MAX_BAD_SHARE * non_ascii


def _bom(data: bytes) -> str | None:
    for bom, enc in BOMS:
        if data.startswith(bom):
            return enc
    head = data[:4096]
    if len(head) >= 16:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return None


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def _mixed(data: bytes) -> tuple[str, int] | None:
    """UTF-8 line by line with Windows-1252 for the lines that are not: when most non-ASCII
    lines are UTF-8, a few Windows-1252 lines are a second export pasted in."""
    lines = data.split(b"\n")
    utf8 = other = 0
    out = []
    for line in lines:
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        text = _strict(line, "utf-8")
        if text is None:
            other += 1
            text = line.decode(FALLBACK, errors="replace")
        else:
            utf8 += 1
        out.append(text)
    if utf8 and utf8 >= other:
        return "\n".join(out).removeprefix("\ufeff"), other
    return None


def decode(data: bytes, where: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return the text and the name of the encoding used.

    Raises an :class:`~feedback_mining.errors.InputError` naming ``where``, the encodings
    tried and ``input.encoding`` when no encoding reads clean.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise input_error(where, "a known encoding in input.encoding",
                              repr(encoding), "Use e.g. utf-8, cp1252, latin-1, utf-16, "
                              "mac_roman or shift_jis.") from None
        except UnicodeDecodeError as exc:
            raise input_error(where, f"text in the encoding '{encoding}' (input.encoding)",
                              f"byte {exc.object[exc.start:exc.start + 1]!r} at offset "
                              f"{exc.start} that is not", "Set input.encoding to the "
                              "file's encoding, or leave it unset to detect it.") from None
    tried: list[str] = []
    enc = _bom(data)
    if enc is not None:
        text = _strict(data, enc)
        if text is not None:
            return _checked(text.removeprefix("\ufeff"), enc, where, [enc])
        tried.append(enc)
    elif b"\x00" in data[:8192]:
        raise input_error(where, "a text table", "binary content",
                          "Export the data as CSV (UTF-8), Excel, Parquet or JSON Lines.")
    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(text, "utf-8", where, [*tried, "utf-8"])
    tried.append("utf-8")
    mixed = _mixed(data)
    if mixed is not None:
        text, n_other = mixed
        if not looks_wrong(text):
            log.warning("%s: %d line(s) are not UTF-8 and were read as Windows-1252 (the rest "
                        "is UTF-8); set input.encoding if that is wrong", where, n_other)
            return text, "utf-8 + cp1252"
    first = _strict(data, FALLBACK)
    if first is None:
        first = data.decode("latin-1")
    tried.append(FALLBACK)
    if not looks_wrong(first):
        return first, FALLBACK
    for other in OTHERS:
        text = _strict(data, other)
        tried.append(other)
        if text is not None and oddities(text)[0] == 0:
            log.warning("%s: read as %s (Windows-1252 gave garbled letters); set "
                        "input.encoding if that is wrong", where, other)
            return text, other
    return _checked(first, FALLBACK, where, tried)


def _checked(text: str, enc: str, where: str, tried: list[str]) -> tuple[str, str]:
    if looks_wrong(text):
        bad, non_ascii = oddities(_spread(text))
        sample = _sample(text)
        raise input_error(
            where, "text that reads as words",
            f"{bad} of {non_ascii} non-ASCII characters that do not fit their words when read "
            f"as {', '.join(dict.fromkeys(tried))} (e.g. {sample!r})",
            "Set input.encoding (--set input.encoding=ENCODING, e.g. cp1252, latin-1, "
            "mac_roman, shift_jis, utf-16) to the encoding the file was saved in, or export "
            "it again as UTF-8.", code="FM105",
        )
    return text, enc


def _sample(text: str) -> str:
    """A short piece around the first odd character (a few letters: no whole verbatim)."""
    for i, ch in enumerate(text):
        if ch == "\ufffd" or 0x80 <= ord(ch) <= 0x9f or (ord(ch) > 127 and looks_wrong(
                text[max(0, i - 6):i + 6] * 3)):
            return text[max(0, i - 6):i + 6]
    return text[:12]
