"""feedback-mining: turn raw customer voice into a ranked list of friction themes.

>>> import feedback_mining as fm
>>> df = fm.datasets.load_sample()          # doctest: +SKIP
>>> result = fm.run(df)                     # doctest: +SKIP
>>> result.themes.head()                    # doctest: +SKIP
"""

from . import datasets
from .clean import clean
from .config import Config
from .embed import make_embedder
from .errors import ConfigError, FeedbackMiningError, InputError, ModelError
from .history import history  # the function; the module stays feedback_mining.history
from .io import load
from .pipeline import Pipeline, run
from .result import Result, RunSummary, load_result
from .segment import segment
from .themes import ThemeModel

__version__ = "0.1.0"


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
