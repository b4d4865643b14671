"""The README's demo figures are what `scripts/demo_readme.py` renders from the committed
demo run (docs/demo_run/), and that run used the default settings on the bundled sample.

Re-running the sample with default settings takes minutes of CPU, too long for a unit test,
and a run with fast settings gives other themes than the README claims.  So the check is in
two honest parts: the README block must equal the script's rendering of the committed run
folder (no hand-edited figure survives), and that run's recorded settings must be today's
defaults (a change of defaults, e.g. a new clusterer, fails here until `make demo` and
`python scripts/demo_readme.py outputs/demo --pictures` are run again)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from feedback_mining import Config

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("demo_readme", ROOT / "scripts" / "demo_readme.py")
demo_readme = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(demo_readme)


def test_readme_demo_block_is_the_scripts_rendering_of_the_committed_run():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(demo_readme.START, 1)[1].split(demo_readme.END, 1)[0].strip("\n")
    assert block == demo_readme.render_block(demo_readme.RUN)
    summary, themes = demo_readme.read_run(demo_readme.RUN)
    top = [line for line in block.splitlines() if line[:6].strip().isdigit()]
    assert len(top) == min(10, len(themes))
    assert [line.split()[0] for line in top] == [str(r) for r in themes["rank"].head(10)]


def test_the_committed_run_is_the_sample_with_default_settings():
    summary = json.loads((demo_readme.RUN / "summary.json").read_text(encoding="utf-8"))
    assert summary["source"].startswith("bundled sample")
    used = Config.from_dict(summary["config"]).to_dict()
    default = Config().to_dict()
    used["engine"].pop("progress"), default["engine"].pop("progress")  # the CLI shows a bar
    for section in default:
        if section not in ("input", "output", "history", "report"):
            assert used[section] == default[section], section
    assert set(used["output"]["formats"]) == {"csv", "parquet", "xlsx", "pptx", "html"}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'output.formats=["csv","parquet","xlsx","pptx","html"]' in makefile
