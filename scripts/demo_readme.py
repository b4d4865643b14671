"""Regenerate the README's demo section (and the pictures in docs/) from a `make demo` run.

    make demo                                          # writes outputs/demo/
    python scripts/demo_readme.py outputs/demo --pictures

What it does:

1. copies the run's ``summary.json`` (with its settings) and ``themes.csv`` to
   ``docs/demo_run/``, so the figures the README prints are committed next to it;
2. renders the README's demo block from ``docs/demo_run/`` (the run's first two summary
   lines and the top 10 themes, as ``feedback-mining run`` prints them without the four
   priority-component columns) and writes it between the ``<!-- demo:start -->`` and
   ``<!-- demo:end -->`` markers of README.md;
3. with ``--pictures``: renders the run's deck with LibreOffice and pdftoppm and copies the
   ranked table and the first theme slide to ``docs/deck_table.png`` and
   ``docs/deck_theme.png``, and screenshots the run's HTML page at 1,400 px in headless
   Chromium to ``docs/html_1400.png``.

``tests/test_demo_readme.py`` fails when the README's block differs from what step 2 renders
from ``docs/demo_run/``, or when that run did not use the default settings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "docs" / "demo_run"
START, END = "<!-- demo:start -->", "<!-- demo:end -->"


def read_run(folder: Path) -> tuple[dict, pd.DataFrame]:
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    themes = pd.read_csv(folder / "themes.csv", keep_default_na=False, na_values=[""])
    return summary, themes


def render_block(folder: Path = RUN) -> str:
    """The README's demo block, from a run folder (summary.json and themes.csv)."""
    from feedback_mining import Config, Result
    from feedback_mining.cli import _top_themes

    summary, themes = read_run(folder)
    summary = dict(summary)
    config = Config.from_dict(summary.pop("config", {}) or {}, source=str(folder))
    result = Result(themes=themes, documents=pd.DataFrame(), mentions=pd.DataFrame(),
                    summary=summary, config=config)
    head = result.summary_text().splitlines()[:2]
    table = _top_themes(SimpleNamespace(themes=themes), 10, components=False, label_width=22)
    settings = (f"embed.model={config.embed.model}, sentiment.method={config.sentiment.method}, "
                f"themes: {summary.get('theme_model', '?')}")
    return "\n".join([
        f"`make demo` on the bundled sample ({summary['rows_read']:,} reviews; rating as CSAT, "
        "department as segment; default settings:",
        f"{settings}) printed (its summary and theme table are in `docs/demo_run/`):",
        "",
        "```",
        *head,
        table,
        "```",
    ])


def write_readme(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: expected the markers {START} and {END} around the demo block")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(f"{before}{START}\n{block}\n{END}{after}", encoding="utf-8")


def pictures(run: Path, docs: Path) -> None:
    from pptx import Presentation

    sys.path.insert(0, str(ROOT))
    from tests import browser  # the same Chromium flags as the browser test

    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install -y libreoffice-impress "
                             "poppler-utils")
    if browser.chromium() is None:
        raise SystemExit("chromium is missing: apt-get install -y chromium")
    deck = run / "themes.pptx"
    titles = [s.shapes.title.text_frame.text if s.shapes.title is not None else ""
              for s in Presentation(str(deck)).slides]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work),
                        str(deck)], check=True, capture_output=True, timeout=300)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(work / "themes.pdf"),
                        str(work / "slide")], check=True, timeout=300)
        pages = sorted(work.glob("slide-*.png"))
        table = next(i for i, t in enumerate(titles) if t.startswith("Top friction themes"))
        theme = next(i for i, t in enumerate(titles) if t.startswith("#1 "))
        shutil.copyfile(pages[table], docs / "deck_table.png")
        shutil.copyfile(pages[theme], docs / "deck_theme.png")
        browser.screenshot((run / "themes.html").resolve(), 1400, docs / "html_1400.png", work,
                           height=2400)
    print(f"wrote {docs / 'deck_table.png'}, {docs / 'deck_theme.png'}, {docs / 'html_1400.png'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the folder `make demo` wrote (outputs/demo)")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--pictures", action="store_true",
                        help="also refresh docs/deck_table.png, deck_theme.png, html_1400.png")
    args = parser.parse_args()
    RUN.mkdir(parents=True, exist_ok=True)
    for name in ("summary.json", "themes.csv"):
        shutil.copyfile(args.run / name, RUN / name)
    block = render_block(RUN)
    write_readme(args.readme, block)
    print(block)
    if args.pictures:
        pictures(args.run, ROOT / "docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
