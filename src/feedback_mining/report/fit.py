"""Text that fits its box: a budget computed from the box size and the font size.

A slide cannot grow, so every label and quote on it is shortened with an ellipsis before
it is written.  The width of a text is estimated character by character from widths (in
ems) that are on the wide side of common sans-serif fonts (Calibri, Arial, and DejaVu Sans,
the font LibreOffice falls back to): digits and capitals 0.66 em, most lower-case letters
0.6 em, narrow letters and punctuation less; bold text is 10% wider.  A line is
:data:`LINE_HEIGHT` of the font size tall.

>>> fit("a very long theme label about refunds", width_pt=100, height_pt=20, font_pt=12)
'a very long…'
"""

from __future__ import annotations

LINE_HEIGHT = 1.2  # line height as a multiple of the font size
BOLD = 1.1  # bold text is this much wider
ELLIPSIS = "…"
EMU_PER_PT = 12700
MARGIN_PT = (7.2, 3.6)  # PowerPoint's default text insets: 0.1 inch across, 0.05 inch down

_NARROW = set("iljIJ.,;:'!|`()[]{} ")  # about 0.3 em
_SEMI = set("ftr-\"/\\*")  # about 0.42 em
_WIDE = set("mwMW@%&")  # about 0.95 em
_DIGITS = set("0123456789#$+=<>~^_")


def char_width(ch: str) -> float:
    """Estimated width of one character, in ems."""
    if ch in _NARROW:
        return 0.34
    if ch in _SEMI:
        return 0.44
    if ch in _WIDE:
        return 0.95
    if ch in _DIGITS or ch.isupper():
        return 0.68
    if ord(ch) > 0x2000:  # arrows, quotes, ellipsis, symbols
        return 1.0
    return 0.6


def text_width(text: str, font_pt: float, bold: bool = False) -> float:
    """Estimated width of ``text`` in points."""
    return sum(char_width(c) for c in text) * font_pt * (BOLD if bold else 1.0)


def max_lines(height_pt: float, font_pt: float) -> int:
    return max(1, int(height_pt / (LINE_HEIGHT * font_pt)))


def wrap(text: str, width_pt: float, font_pt: float, bold: bool = False) -> list[str]:
    """The lines a box ``width_pt`` wide shows: words are wrapped greedily, paragraphs
    kept, and a word longer than a line is broken."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, font_pt, bold) <= width_pt:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width(word, font_pt, bold) > width_pt and len(word) > 1:
                cut = max(1, _longest_prefix(word, width_pt, font_pt, bold))
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _longest_prefix(word: str, width_pt: float, font_pt: float, bold: bool) -> int:
    total = 0.0
    for i, ch in enumerate(word):
        total += char_width(ch) * font_pt * (BOLD if bold else 1.0)
        if total > width_pt:
            return i
    return len(word)


def fits(text: str, width_pt: float, height_pt: float, font_pt: float,
         bold: bool = False) -> bool:
    return len(wrap(text, width_pt, font_pt, bold)) <= max_lines(height_pt, font_pt)


def fit(text: object, width_pt: float, height_pt: float, font_pt: float,
        bold: bool = False) -> str:
    """``text`` shortened at a word boundary, with an ellipsis, so that it fits the box."""
    text = " ".join(str(text).split()) if "\n" not in str(text) else str(text).strip()
    if fits(text, width_pt, height_pt, font_pt, bold):
        return text
    # Longest prefix (cut at a space when there is one) that still fits with the ellipsis.
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(_cut(text, mid), width_pt, height_pt, font_pt, bold):
            lo = mid
        else:
            hi = mid - 1
    return _cut(text, lo)


def _cut(text: str, n: int) -> str:
    head = text[:n]
    if n < len(text) and " " in head[n // 2:]:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,.;:-") + ELLIPSIS


def fit_emu(text: object, width_emu: int, height_emu: int, font_pt: float,
            bold: bool = False, margin_pt: tuple[float, float] = MARGIN_PT) -> str:
    """:func:`fit` for a shape measured in EMU, less its text insets."""
    return fit(text, width_emu / EMU_PER_PT - 2 * margin_pt[0],
               height_emu / EMU_PER_PT - 2 * margin_pt[1], font_pt, bold)


def fits_emu(text: str, width_emu: int, height_emu: int, font_pt: float,
             bold: bool = False, margin_pt: tuple[float, float] = MARGIN_PT) -> bool:
    return fits(text, width_emu / EMU_PER_PT - 2 * margin_pt[0],
                height_emu / EMU_PER_PT - 2 * margin_pt[1], font_pt, bold)
