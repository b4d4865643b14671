"""Print which package of feedback_mining imports which (docs/ARCHITECTURE.md shows the
output), from the module graph that tests/test_imports.py checks for circles.

    PYTHONPATH=src python scripts/import_graph.py
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("test_imports", HERE.parent / "tests" / "test_imports.py")
assert spec is not None and spec.loader is not None
test_imports = importlib.util.module_from_spec(spec)
spec.loader.exec_module(test_imports)


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


edges: dict[str, set[str]] = {}
for module, deps in test_imports.import_graph().items():
    for dep in deps:
        if top(module) != top(dep):
            edges.setdefault(top(module), set()).add(top(dep))
for name in sorted(edges):
    print(name, "->", ", ".join(sorted(edges[name])))
