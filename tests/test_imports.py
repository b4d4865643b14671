"""The package's shape: imports flow one way (no circle) and modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import feedback_mining

PACKAGE = Path(feedback_mining.__file__).resolve().parent
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, modules: dict[str, Path], *,
             type_only: bool) -> set[str]:
    """Modules of the package that ``name`` imports, at module level or inside functions.
    Imports under ``if TYPE_CHECKING:`` never run; they count only with ``type_only``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node) and not type_only:
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a list of modules (first = last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (found := walk(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return None


def import_graph(type_only: bool = False) -> dict[str, set[str]]:
    modules = _modules()
    return {n: _imports(n, p, modules, type_only=type_only) for n, p in modules.items()}


def test_the_package_imports_have_no_circle():
    cycle = _cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_circle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_stages_and_reports_never_import_what_composes_them():
    # Type-only imports included: a report reads a Result, it never needs the pipeline.
    above = {"feedback_mining.pipeline", "feedback_mining.evaluate", "feedback_mining.jobs",
             "feedback_mining.cli"}
    graph = import_graph(type_only=True)
    wrong = {m: sorted(deps & above) for m, deps in graph.items()
             if deps & above and m not in above | {"feedback_mining"}}
    assert wrong == {}


def test_no_module_is_over_500_lines():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in _modules().items()}
    assert {n: k for n, k in sizes.items() if k > MAX_LINES} == {}


def _python(code: str) -> str:
    """What a fresh interpreter prints for ``code``."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_importing_the_package_loads_no_heavy_library():
    # `import feedback_mining` must be quick: pandas, scikit-learn, torch and the models load
    # when a stage first needs them.
    assert _python("import sys, feedback_mining; heavy = {'pandas', 'sklearn', 'torch', "
                   "'spacy', 'sentence_transformers', 'bertopic', 'numpy'}; "
                   "print(sorted(heavy & set(sys.modules)))") == "[]"


def test_the_package_names_load_on_first_use_and_stay_functions():
    assert _python("import feedback_mining as fm; import feedback_mining.clean.noise, "
                   "feedback_mining.pipeline; print(callable(fm.clean), callable(fm.segment), "
                   "callable(fm.history), fm.run.__module__, "
                   "sorted(set(fm.__all__) - set(dir(fm))))"
                   ) == "True True True feedback_mining.pipeline []"
    with __import__("pytest").raises(AttributeError, match="no attribute 'nonsense'"):
        feedback_mining.nonsense  # noqa: B018


def test_every_lazy_name_is_exported():
    assert sorted(feedback_mining._LAZY) == sorted(feedback_mining.__all__)
