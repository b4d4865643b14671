"""Render the deck of the bundled sample to PNG pages so a person can look at every slide.

Runs the pipeline on ``fm.datasets.load_sample()``, writes the deck (and the HTML page and
workbook), converts the deck to PDF with LibreOffice and renders one PNG per slide with
pdftoppm.  Needs ``soffice`` (Debian: ``apt-get install libreoffice-impress``) and
``pdftoppm`` (``apt-get install poppler-utils``).

    python benchmarks/render_deck.py --out /tmp/fm-deck
    python benchmarks/render_deck.py --out /tmp/fm-deck --docs docs   # refresh docs pictures
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import feedback_mining as fm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/feedback-mining-deck"))
    parser.add_argument("--model", default="all-MiniLM-L6-v2",
                        help="embed.model: all-MiniLM-L6-v2 (default), static or hashing")
    parser.add_argument("--input-dir", type=Path, default=None,
                        help="render a run saved earlier (e.g. OUT/run) instead of running")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--docs", type=Path, default=None,
                        help="copy the table slide and the first theme slide here")
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install -y libreoffice-impress poppler-utils",
                  file=sys.stderr)
            return 2
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.input_dir:  # a saved run: only the rendering is redone
        result = fm.load_result(args.input_dir)
    else:
        result = fm.run(fm.datasets.load_sample(), embed__model=args.model)
        result.save(args.out / "run", formats=["parquet"])
    t_run = time.perf_counter() - t0
    t0 = time.perf_counter()
    deck = result.to_pptx(args.out / "themes.pptx")
    t_deck = time.perf_counter() - t0
    result.to_html(args.out / "themes.html")
    result.to_excel(args.out / "themes.xlsx")
    t0 = time.perf_counter()
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(args.out),
                    str(deck)], check=True, capture_output=True, timeout=300)
    for old in args.out.glob("slide-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(args.out / "themes.pdf"),
                    str(args.out / "slide")], check=True, timeout=300)
    t_render = time.perf_counter() - t0
    pages = sorted(args.out.glob("slide-*.png"))
    print(f"sample: {result.summary['rows_read']} reviews, {result.summary['rows_kept']} kept, "
          f"{len(result.themes)} themes (embed.model={args.model})")
    print(f"pipeline (or loading the saved run) {t_run:.1f}s, deck {t_deck:.2f}s, "
          f"LibreOffice + pdftoppm {t_render:.1f}s")
    print(f"{len(pages)} slides rendered at {args.dpi} dpi:")
    for page in pages:
        print(f"  {page}")
    if args.docs:
        args.docs.mkdir(parents=True, exist_ok=True)
        from pptx import Presentation

        titles = [sl.shapes.title.text_frame.text if sl.shapes.title is not None else ""
                  for sl in Presentation(str(deck)).slides]
        table = next(i for i, t in enumerate(titles) if t.startswith("Top friction themes"))
        theme = next(i for i, t in enumerate(titles) if t.startswith("#1 "))
        picks = {"deck_table.png": pages[table], "deck_theme.png": pages[theme]}
        for name, page in picks.items():
            shutil.copyfile(page, args.docs / name)
            print(f"copied {page.name} to {args.docs / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
