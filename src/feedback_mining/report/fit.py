"""Text that fits its box: a character budget from the box size and the font size.

A slide cannot grow, so every label and quote on it is shortened with an ellipsis before
it is written.  The budget is deliberately conservative: an average character is taken to
be :data:`CHAR_WIDTH` of the font size wide (wider than Calibri or Arial, about DejaVu
Sans, the font LibreOffice falls back to), and a line :data:`LINE_HEIGHT` of it tall.

>>> fit("a very long theme label about refunds", width_pt=100, height_pt=20, font_pt=12)
'a very long…'
"""

from __future__ import annotations

import textwrap

CHAR_WIDTH = 0.55  # average glyph width as a fraction of the font size
BOLD_WIDTH = 0.62  # the same for bold text
LINE_HEIGHT = 1.2  # line height as a multiple of the font size
ELLIPSIS = "…"
EMU_PER_PT = 12700


def budget(width_pt: float, height_pt: float, font_pt: float,
           bold: bool = False) -> tuple[int, int]:
    """``(characters per line, lines)`` that fit a box of that size (margins excluded)."""
    per_line = max(1, int(width_pt / ((BOLD_WIDTH if bold else CHAR_WIDTH) * font_pt)))
    lines = max(1, int(height_pt / (LINE_HEIGHT * font_pt)))
    return per_line, lines


def wrap(text: str, per_line: int) -> list[str]:
    """The lines a box ``per_line`` characters wide shows (paragraphs kept, words broken
    only when one word is longer than a line)."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        lines += textwrap.wrap(paragraph, per_line, break_long_words=True,
                               break_on_hyphens=False) or [""]
    return lines


def fits(text: str, width_pt: float, height_pt: float, font_pt: float,
         bold: bool = False) -> bool:
    per_line, n_lines = budget(width_pt, height_pt, font_pt, bold)
    return len(wrap(text, per_line)) <= n_lines


def fit(text: object, width_pt: float, height_pt: float, font_pt: float,
        bold: bool = False) -> str:
    """``text`` shortened at a word boundary, with an ellipsis, so that it fits the box."""
    text = " ".join(str(text).split()) if "\n" not in str(text) else str(text).strip()
    if fits(text, width_pt, height_pt, font_pt, bold):
        return text
    per_line, n_lines = budget(width_pt, height_pt, font_pt, bold)
    # Longest prefix (cut at a space when there is one) that still fits with the ellipsis.
    lo, hi = 0, min(len(text), per_line * n_lines)
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
            bold: bool = False, margin_pt: tuple[float, float] = (7.2, 3.6)) -> str:
    """:func:`fit` for a shape measured in EMU with the default text-frame insets
    (0.1 inch left and right, 0.05 inch top and bottom)."""
    return fit(text, width_emu / EMU_PER_PT - 2 * margin_pt[0],
               height_emu / EMU_PER_PT - 2 * margin_pt[1], font_pt, bold)


def fits_emu(text: str, width_emu: int, height_emu: int, font_pt: float,
             bold: bool = False, margin_pt: tuple[float, float] = (7.2, 3.6)) -> bool:
    return fits(text, width_emu / EMU_PER_PT - 2 * margin_pt[0],
                height_emu / EMU_PER_PT - 2 * margin_pt[1], font_pt, bold)
