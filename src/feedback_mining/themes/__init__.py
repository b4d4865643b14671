"""Theme discovery, labels, known themes (taxonomy), parent themes, edits, the saved model."""

from .cluster import GraphThemeClusterer
from .evaluate import cluster_scores, evaluate_frame
from .geometry import OUTLIER
from .keywords import theme_keywords
from .labels import KeyphraseLabeler, PhraseAnalyzer
from .model import ThemeModel, auto_min_theme_size, theme_model_from_config
from .taxonomy import KnownTheme, Taxonomy, load_taxonomy

__all__ = [
    "OUTLIER",
    "GraphThemeClusterer",
    "KnownTheme",
    "Taxonomy",
    "cluster_scores",
    "evaluate_frame",
    "load_taxonomy",
    "KeyphraseLabeler",
    "PhraseAnalyzer",
    "ThemeModel",
    "auto_min_theme_size",
    "theme_keywords",
    "theme_model_from_config",
]
