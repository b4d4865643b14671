"""feedback-mining: turn raw customer voice into a ranked list of friction themes.

>>> import feedback_mining as fm
>>> df = fm.datasets.load_sample()          # doctest: +SKIP
>>> result = fm.run(df)                     # doctest: +SKIP
>>> result.themes.head()                    # doctest: +SKIP

``import feedback_mining`` is quick: each name below is imported on first use (PEP 562), so
pandas, scikit-learn, torch and the models load only when a stage needs them.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> (module, attribute); attribute None: the module itself
_LAZY: dict[str, tuple[str, str | None]] = {
    "Config": (".config", "Config"),
    "ConfigError": (".errors", "ConfigError"),
    "FeedbackMiningError": (".errors", "FeedbackMiningError"),
    "InputError": (".errors", "InputError"),
    "ModelError": (".errors", "ModelError"),
    "Pipeline": (".pipeline", "Pipeline"),
    "Result": (".result", "Result"),
    "RunSummary": (".result", "RunSummary"),
    "ThemeModel": (".themes", "ThemeModel"),
    "clean": (".clean", "clean"),
    "datasets": (".datasets", None),
    "history": (".history", "history"),  # the function; the module stays feedback_mining.history
    "load": (".io", "load"),
    "load_result": (".result", "load_result"),
    "make_embedder": (".embed", "make_embedder"),
    "run": (".pipeline", "run"),
    "segment": (".segment", "segment"),
}

__all__ = [
    "Config",
    "ConfigError",
    "FeedbackMiningError",
    "InputError",
    "ModelError",
    "Pipeline",
    "Result",
    "RunSummary",
    "ThemeModel",
    "clean",
    "datasets",
    "history",
    "load",
    "load_result",
    "make_embedder",
    "run",
    "segment",
]


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'feedback_mining' has no attribute {name!r}") from None
    module = importlib.import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # the next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """``clean``, ``history`` and ``segment`` are both submodules and functions; the package
    attribute is the function (``fm.clean(df)``), as with eager imports, even after the
    import system binds the submodule to the package when something imports it."""

    def __setattr__(self, name: str, value: Any) -> None:
        target = _LAZY.get(name)
        if (target and target[1] and isinstance(value, types.ModuleType)
                and value.__name__ == f"{__name__}.{name}"):
            value = getattr(value, target[1])
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:  # for type checkers and IDEs: the names, imported eagerly
    from . import datasets
    from .clean import clean
    from .config import Config
    from .embed import make_embedder
    from .errors import ConfigError, FeedbackMiningError, InputError, ModelError
    from .history import history
    from .io import load
    from .pipeline import Pipeline, run
    from .result import Result, RunSummary, load_result
    from .segment import segment
    from .themes import ThemeModel
