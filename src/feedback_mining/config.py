"""Typed settings: one dataclass per stage, TOML files and ``section.key=value`` overrides.

A job file looks like::

    [input]
    path = "survey.csv"
    text = "comment"
    score = "nps"
    score_type = "nps"

    [themes]
    seed = 7

and any value can be overridden on the command line with ``--set themes.seed=11``.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, config_error

SCORE_TYPES = ("nps", "csat", "rating")
OUTPUT_FORMATS = ("csv", "parquet", "xlsx", "pptx", "html")
INPUT_FORMATS = ("table", "transcript")
LANGUAGE_POLICIES = ("keep", "drop", "flag")
SEGMENT_METHODS = ("none", "sentences", "clauses")
SCORE_PERIODS = ("W", "M", "Q")


@dataclass
class InputConfig:
    """Where the feedback is and which columns mean what."""

    path: str | None = None
    text: str = "text"
    id: str | None = None
    score: str | None = None
    score_type: str | None = None  # nps (0-10), csat (1-5) or rating (1-5)
    date: str | None = None
    segments: list[str] = field(default_factory=list)
    sheet: str | None = None  # Excel sheet name; the first sheet by default
    encoding: str | None = None  # detected when not given (io/encoding.py); set to force one
    delimiter: str | None = None  # detected when not given
    # Hostile or damaged files stay bounded: a file read whole (Excel, JSON, a ZIP member,
    # a CSV that is not UTF-8) is capped, and a ZIP member is streamed and counted.
    max_read_mb: float = 1024.0
    max_zip_ratio: float = 100.0  # decompressed / compressed size of a ZIP member
    # Chat transcripts (see clean/transcripts.py): format = "transcript" reads them.
    format: str = "table"  # "table" or "transcript"
    conversation: str | None = None  # column of the conversation id (one row per turn)
    speaker: str | None = None  # column of the speaker (one row per turn)
    turn: str | None = None  # column of the turn index (one row per turn)
    customer_speakers: list[str] = field(default_factory=list)  # extra names meaning customer
    agent_speakers: list[str] = field(default_factory=list)  # extra names meaning agent


@dataclass
class CleanConfig:
    """Normalisation and what is set aside before modelling."""

    fix_unicode: bool = True
    strip_markup: bool = True
    min_chars: int = 3
    max_chars: int = 20_000  # longer cells are set aside as too_long (no model sees them)
    extra_non_answers: list[str] = field(default_factory=list)
    # Personal data (clean/pii.py): redacted before text reaches a model, log or output.
    redact_pii: bool = True
    pii_types: list[str] = field(default_factory=list)  # empty: all types
    phone_regions: list[str] = field(
        default_factory=lambda: ["US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "IE", "AU", "IN"]
    )
    order_patterns: list[str] = field(default_factory=list)  # empty: the defaults
    tracking_patterns: list[str] = field(default_factory=list)
    account_patterns: list[str] = field(default_factory=list)
    pii_name_model: str | None = None  # spaCy pipeline with NER for [PERSON]
    # Language (clean/language.py): "drop" sets other languages aside, "flag" keeps and marks.
    language: str = "drop"  # "keep", "drop" or "flag"
    languages: list[str] = field(default_factory=lambda: ["en"])
    min_language_chars: int = 20  # shorter texts are too short to judge: kept
    gibberish: bool = True  # set aside keyboard mash and the like (clean/junk.py)
    dedup: bool = True  # near-duplicates share one embedding (clean/duplicates.py)


@dataclass
class SegmentConfig:
    """How a verbatim is split into segments (one issue each)."""

    method: str = "sentences"  # "sentences" (default), "clauses", or "none" (one per verbatim)
    min_words: int = 3  # a clause shorter than this stays with its neighbour


@dataclass
class EmbedConfig:
    """Which sentence embedding model turns text into vectors."""

    model: str = "all-MiniLM-L6-v2"  # a name, a path, "static" (model2vec) or "hashing"
    batch_size: int = 64
    device: str = "cpu"
    verify_checksum: bool = True


@dataclass
class ThemesConfig:
    """Theme discovery with BERTopic; every sub-model is seeded."""

    seed: int = 42
    min_theme_size: int = 0  # 0: chosen from the number of texts
    n_neighbors: int = 15
    n_components: int = 5
    n_keywords: int = 8
    n_examples: int = 3
    reduce_outliers: bool = True
    method: str = "graph"  # "graph" (chooses the number of themes) or "hdbscan" (BERTopic's)
    taxonomy: str = ""  # known themes: a TOML/YAML file or a packaged name ("returns_refunds")
    n_parents: int = 10  # parent themes over the themes; 0 for none
    merge_below: int = 0  # themes smaller than this fold into a similar sibling; 0: 2 x min size
    merge_similarity: float = 0.8  # cosine similarity needed to fold a small theme


@dataclass
class SentimentConfig:
    """How sentiment in [-1, 1] is scored (see feedback_mining.sentiment)."""

    method: str = "model"  # "model" (fine-tuned MiniLM), "head" (fast: on the embeddings), "vader"
    # Cut-offs for negative / neutral / positive labels.  The models' scores are calibrated
    # so that these defaults give the cut-offs chosen on validation data in training.
    negative_below: float = -0.05
    positive_above: float = 0.05
    model_path: str | None = None  # None: the model bundled with the package
    batch_size: int = 64


@dataclass
class ScoreConfig:
    """Theme metrics and ranking."""

    period: str = "M"  # trend period: "W" (week), "M" (month) or "Q" (quarter)
    min_mentions: int = 5  # below this a theme is marked as too small to judge
    unit_column: str | None = None  # respondent/customer/conversation id; None: the verbatim id
    bootstrap: int = 200  # bootstrap resamples for the confidence intervals; 0 turns them off
    ci_level: float = 0.95  # confidence level of the intervals
    seed: int = 42  # seed of the bootstrap
    alpha: float = 0.05  # significance level of the share-change test (trend, emerging)
    emerging_growth: float = 0.5  # relative share growth (0.5 = +50%) that flags a theme emerging
    segment_min_verbatims: int = 10  # a segment needs this many theme verbatims to be named
    shrinkage: float = 10.0  # prior strength (in mentions) pulling small themes to the average


@dataclass
class OutputConfig:
    """Where results go."""

    dir: str = "outputs"
    formats: list[str] = field(default_factory=lambda: ["csv", "parquet", "xlsx"])


@dataclass
class ReportConfig:
    """The deck and the HTML report."""

    title: str = "What customers are telling us"
    top_themes: int = 8  # themes that get a slide (and a section) of their own
    quotes: int = 3  # quotes per theme
    template: str | None = None  # a .pptx whose layouts, colours and fonts the deck uses


@dataclass
class EngineConfig:
    """How a run is executed: chunks, the fast path for large inputs, Dask, checkpoints."""

    name: str = "local"  # "local" or "dask"
    scheduler: str | None = None  # dask: tcp://host:port; none starts a local cluster
    n_workers: int = 2  # dask local cluster size
    chunk_size: int = 20_000  # rows read, cleaned, embedded and scored at a time
    fast_path: str = "auto"  # "auto" (above fast_path_above), "always" or "never"
    fast_path_above: int = 200_000  # rows; above this the fast path is taken
    fast_path_embed: str = "static"  # embedding model of the fast path
    sample_size: int = 20_000  # segments the theme model is fitted on in the fast path
    fast_clusterer: str = "kmeans"  # fast path: "kmeans" (MiniBatchKMeans) or "bertopic"
    fast_n_themes: int = 0  # k of the fast path's k-means; 0: about one per 150 sampled
    # Sentiment on the fast path: "vader" (no model, a lexicon), "head" or "model"; "" keeps
    # sentiment.method.  The fine-tuned model's own forward pass per segment is what a
    # million-verbatim run cannot afford on a CPU, and "head" needs MiniLM embeddings, which
    # the fast path does not compute.
    fast_path_sentiment: str = "vader"
    checkpoint_dir: str | None = None  # per-chunk results, so a killed job resumes
    progress: bool = False  # a progress bar on stderr


@dataclass
class StableConfig:
    """Runs with a saved theme model: what counts as a new theme, a merge or a split."""

    new_themes: bool = True  # cluster what fits no known theme into new themes
    min_new_theme_size: int = 0  # 0: the model's smallest theme size for this many texts
    overlap: float = 0.2  # share of a theme that must move for a merge or split to be recorded


@dataclass
class HistoryConfig:
    """Where each run's theme table is kept, by period, for trends."""

    url: str | None = None  # a SQLAlchemy URL or a file path; none: <output.dir>/history.sqlite
    enabled: bool = True  # the CLI records every run


@dataclass
class Config:
    """All settings of a run.

    Examples
    --------
    >>> cfg = Config().with_overrides(["themes.seed=7", "input.text=comment"])
    >>> cfg.themes.seed, cfg.input.text
    (7, 'comment')
    """

    input: InputConfig = field(default_factory=InputConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
    themes: ThemesConfig = field(default_factory=ThemesConfig)
    sentiment: SentimentConfig = field(default_factory=SentimentConfig)
    score: ScoreConfig = field(default_factory=ScoreConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    stable: StableConfig = field(default_factory=StableConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "config") -> Config:
        cfg = cls()
        for section, values in data.items():
            if section not in _sections():
                raise ConfigError(
                    f"{source}: unknown section [{section}]; "
                    f"allowed sections are {', '.join(_sections())}."
                )
            if not isinstance(values, dict):
                raise config_error(section, "a table of settings", values)
            for key, value in values.items():
                cfg.set(f"{section}.{key}", value)
        return cfg

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist; give the path of a TOML file.")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}.") from None
        cfg = cls.from_dict(data, source=str(path))
        # A relative input path in a job file is relative to the job file.
        if cfg.input.path and not Path(cfg.input.path).is_absolute():
            cfg.input.path = str((path.parent / cfg.input.path).resolve())
        return cfg

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    # ------------------------------------------------------------------ changes
    def set(self, dotted: str, value: Any) -> None:
        """Set one value by its dotted name, checking the name and the type."""
        section, _, key = dotted.partition(".")
        if section not in _sections() or not key:
            raise ConfigError(
                f"unknown setting '{dotted}'; settings look like section.key with section "
                f"one of {', '.join(_sections())}."
            )
        obj = getattr(self, section)
        hints = typing.get_type_hints(type(obj))
        if key not in hints:
            allowed = ", ".join(f.name for f in dataclasses.fields(obj))
            raise ConfigError(f"unknown setting '{dotted}'; [{section}] accepts {allowed}.")
        setattr(obj, key, _coerce(dotted, value, hints[key]))

    def with_overrides(self, overrides: list[str] | None) -> Config:
        """Return a copy with ``section.key=value`` overrides applied (TOML value syntax)."""
        cfg = Config.from_dict(self.to_dict())
        for item in overrides or []:
            name, sep, raw = item.partition("=")
            if not sep:
                raise ConfigError(f"override '{item}' must look like section.key=value.")
            cfg.set(name.strip(), _parse_value(raw.strip()))
        cfg.validate()
        return cfg

    def validate(self) -> Config:
        if self.input.score_type is not None and self.input.score_type not in SCORE_TYPES:
            raise config_error("input.score_type", f"one of {SCORE_TYPES}", self.input.score_type)
        if self.themes.min_theme_size < 0:
            raise config_error("themes.min_theme_size", "0 (automatic) or more", self.themes.min_theme_size)
        if self.themes.method not in ("graph", "hdbscan"):
            raise config_error("themes.method", "'graph' or 'hdbscan'", self.themes.method)
        if self.themes.n_parents < 0:
            raise config_error("themes.n_parents", "0 (no parents) or more", self.themes.n_parents)
        if not -1.0 <= self.themes.merge_similarity <= 1.0:
            raise config_error("themes.merge_similarity", "a cosine similarity in [-1, 1]",
                               self.themes.merge_similarity)
        if self.sentiment.method not in ("model", "head", "vader"):
            raise config_error(
                "sentiment.method", "one of 'model', 'head', 'vader'", self.sentiment.method
            )
        if self.sentiment.negative_below > self.sentiment.positive_above:
            raise config_error(
                "sentiment.negative_below", "at most sentiment.positive_above",
                self.sentiment.negative_below,
            )
        if self.input.format not in INPUT_FORMATS:
            raise config_error("input.format", f"one of {INPUT_FORMATS}", self.input.format)
        if self.clean.language not in LANGUAGE_POLICIES:
            raise config_error("clean.language", f"one of {LANGUAGE_POLICIES}", self.clean.language)
        if self.segment.method not in SEGMENT_METHODS:
            raise config_error("segment.method", f"one of {SEGMENT_METHODS}", self.segment.method)
        unknown = set(self.output.formats) - set(OUTPUT_FORMATS)
        sc = self.score
        if sc.period not in SCORE_PERIODS:
            raise config_error("score.period", f"one of {SCORE_PERIODS}", sc.period)
        if sc.bootstrap < 0:
            raise config_error("score.bootstrap", "0 (no intervals) or more", sc.bootstrap)
        if not 0.5 <= sc.ci_level < 1:
            raise config_error("score.ci_level", "a level in [0.5, 1), e.g. 0.95", sc.ci_level)
        if not 0 < sc.alpha < 1:
            raise config_error("score.alpha", "a level in (0, 1), e.g. 0.05", sc.alpha)
        for name in ("min_mentions", "segment_min_verbatims"):
            if getattr(sc, name) < 1:
                raise config_error(f"score.{name}", "1 or more", getattr(sc, name))
        if sc.shrinkage < 0 or sc.emerging_growth < 0:
            bad = "shrinkage" if sc.shrinkage < 0 else "emerging_growth"
            raise config_error(f"score.{bad}", "0 or more", getattr(sc, bad))
        if self.engine.name not in ("local", "dask"):
            raise config_error("engine.name", "'local' or 'dask'", self.engine.name)
        if self.engine.fast_path not in ("auto", "always", "never"):
            raise config_error("engine.fast_path", "'auto', 'always' or 'never'", self.engine.fast_path)
        if self.engine.fast_clusterer not in ("kmeans", "bertopic"):
            raise config_error("engine.fast_clusterer", "'kmeans' or 'bertopic'",
                               self.engine.fast_clusterer)
        if self.engine.chunk_size < 1:
            raise config_error("engine.chunk_size", "1 or more", self.engine.chunk_size)
        if self.engine.fast_path_sentiment not in ("", "model", "head", "vader"):
            raise config_error("engine.fast_path_sentiment", "'', 'model', 'head' or 'vader'",
                               self.engine.fast_path_sentiment)
        if self.engine.sample_size < 10:
            raise config_error("engine.sample_size", "10 or more", self.engine.sample_size)
        if not 0 < self.stable.overlap <= 0.5:
            raise config_error("stable.overlap", "a share in (0, 0.5]", self.stable.overlap)
        if unknown:
            raise config_error("output.formats", "a list drawn from " + ", ".join(OUTPUT_FORMATS),
                               sorted(unknown))
        if self.report.top_themes < 0 or self.report.quotes < 0:
            raise config_error("report.top_themes and report.quotes", "0 or more",
                               (self.report.top_themes, self.report.quotes))
        return self


def _sections() -> list[str]:
    return [f.name for f in dataclasses.fields(Config)]


def _parse_value(raw: str) -> Any:
    """Parse a TOML value (``7``, ``true``, ``"x"``, ``["a", "b"]``); bare words stay strings."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _coerce(name: str, value: Any, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if value is None:
        if type(None) in args:
            return None
        raise config_error(name, f"a value of type {hint}", value)
    if origin in (list,) or hint is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise config_error(name, "a list", value)
        return value
    # Optional[X] -> X
    if args and type(None) in args:
        hint = next(a for a in args if a is not type(None))
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "yes", "no"}:
            return value.lower() in {"true", "1", "yes"}
        raise config_error(name, "true or false", value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise config_error(name, "a whole number", value)
        try:
            return int(value)
        except ValueError:
            raise config_error(name, "a whole number", value) from None
    if hint is float:
        if isinstance(value, bool):
            raise config_error(name, "a number", value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise config_error(name, "a number", value) from None
    if hint is str:
        return str(value)
    return value
