"""Theme discovery, labels and the saved theme model."""

from .labels import KeyphraseLabeler, PhraseAnalyzer
from .model import OUTLIER, ThemeModel, auto_min_theme_size, theme_keywords

__all__ = [
    "OUTLIER",
    "KeyphraseLabeler",
    "PhraseAnalyzer",
    "ThemeModel",
    "auto_min_theme_size",
    "theme_keywords",
]
