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

Every setting is declared once, here: its type (the allowed choices as a ``Literal``, a
range as ``Field(ge=..., description=...)``) and its default.  A section checks each value
when it is set (construction, ``--set``, a TOML file, ``fm.run(df, themes__seed=7)`` or
plain attribute assignment) with one validator built on pydantic's ``TypeAdapter``; the
stages then trust their settings.  :meth:`Config.validate` adds the rules that join two
settings.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError

from .errors import ConfigError, config_error

# The choices, declared once; the tuples are for code that lists them.
ScoreType = Literal["nps", "csat", "rating"]
OutputFormat = Literal["csv", "parquet", "xlsx", "pptx", "html"]
InputFormat = Literal["table", "transcript"]
LanguagePolicy = Literal["keep", "drop", "flag"]
SegmentMethod = Literal["none", "sentences", "clauses"]
ScorePeriod = Literal["W", "M", "Q"]
ThemeMethod = Literal["graph", "hdbscan"]
SentimentMethod = Literal["model", "head", "vader"]
EngineName = Literal["local", "dask"]
FastPath = Literal["auto", "always", "never"]
FastClusterer = Literal["kmeans", "bertopic"]
# How the MiniLM encoders run (onnx_encoder.py): PyTorch fp32, ONNX Runtime fp32 or int8.
EncoderRuntime = Literal["torch", "onnx", "onnx-int8"]

SCORE_TYPES: tuple[str, ...] = typing.get_args(ScoreType)
OUTPUT_FORMATS: tuple[str, ...] = typing.get_args(OutputFormat)
INPUT_FORMATS: tuple[str, ...] = typing.get_args(InputFormat)
LANGUAGE_POLICIES: tuple[str, ...] = typing.get_args(LanguagePolicy)
SEGMENT_METHODS: tuple[str, ...] = typing.get_args(SegmentMethod)
SCORE_PERIODS: tuple[str, ...] = typing.get_args(ScorePeriod)
THEME_METHODS: tuple[str, ...] = typing.get_args(ThemeMethod)
SENTIMENT_METHODS: tuple[str, ...] = typing.get_args(SentimentMethod)


def _at_least(low: int, allowed: str) -> Any:
    return Field(ge=low, description=allowed)


def _zero_or_at_least_2(value: int) -> int:
    if value == 1:
        raise ValueError("a theme of one text")
    return value


NonNegative = Annotated[int, _at_least(0, "0 or more")]
Positive = Annotated[int, _at_least(1, "1 or more")]


class _Section:
    """A settings section: every field is checked (and converted) when it is set."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _hints(type(self)):
            value = check_setting(type(self), name, value)
        object.__setattr__(self, name, value)


@dataclass
class InputConfig(_Section):
    """Where the feedback is and which columns mean what."""

    path: str | None = None
    text: str = "text"
    id: str | None = None
    score: str | None = None
    score_type: ScoreType | None = None  # nps (0-10), csat (1-5) or rating (1-5)
    date: str | None = None
    segments: list[str] = field(default_factory=list)
    sheet: str | None = None  # Excel sheet name; the first sheet by default
    encoding: str | None = None  # detected when not given (io/encoding.py); set to force one
    delimiter: str | None = None  # detected when not given
    # Hostile or damaged files stay bounded: a file read whole (Excel, JSON, a ZIP member,
    # a CSV that is not UTF-8) is capped, and a ZIP member is streamed and counted.
    max_read_mb: Annotated[float, Field(gt=0, description="more than 0 MB")] = 1024.0
    # decompressed / compressed size of a ZIP member
    max_zip_ratio: Annotated[float, Field(ge=1, description="1 or more")] = 100.0
    # Chat transcripts (see clean/transcripts.py): format = "transcript" reads them.
    format: InputFormat = "table"  # "table" or "transcript"
    conversation: str | None = None  # column of the conversation id (one row per turn)
    speaker: str | None = None  # column of the speaker (one row per turn)
    turn: str | None = None  # column of the turn index (one row per turn)
    customer_speakers: list[str] = field(default_factory=list)  # extra names meaning customer
    agent_speakers: list[str] = field(default_factory=list)  # extra names meaning agent


@dataclass
class CleanConfig(_Section):
    """Normalisation and what is set aside before modelling."""

    fix_unicode: bool = True
    strip_markup: bool = True
    min_chars: NonNegative = 3
    # longer cells are set aside as too_long (no model sees them); 0: only the hard cap
    max_chars: Annotated[int, _at_least(0, "0 (only the built-in cap) or more")] = 20_000
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
    language: LanguagePolicy = "drop"  # "keep", "drop" or "flag"
    languages: list[str] = field(default_factory=lambda: ["en"])
    min_language_chars: int = 20  # shorter texts are too short to judge: kept
    gibberish: bool = True  # set aside keyboard mash and the like (clean/junk.py)
    dedup: bool = True  # near-duplicates share one embedding (clean/duplicates.py)


@dataclass
class SegmentConfig(_Section):
    """How a verbatim is split into segments (one issue each)."""

    method: SegmentMethod = "sentences"  # "sentences" (default), "clauses", or "none" (one per verbatim)
    min_words: int = 3  # a clause shorter than this stays with its neighbour
    # weight of the verbatim (the mean of its mentions) added to each mention's embedding
    # before themes are found, so "Why?" after "My transfer has not arrived." is read in
    # its verbatim's context; 0 reads each mention alone (sentiment always does). 0.5, not 1:
    # at 1 the mentions of long reviews crowd together and, on mixed input, the theme
    # resolution collapses (docs/BENCHMARKS.md, issue 15)
    context: Annotated[float, Field(ge=0, le=10, description="a weight from 0 to 10")] = 0.5


@dataclass
class EmbedConfig(_Section):
    """Which sentence embedding model turns text into vectors."""

    # a name, a path, "static-feedback" / "static" (model2vec, trained / distilled) or "hashing"
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = 64
    device: str = "cpu"
    verify_checksum: bool = True
    # "onnx" (ONNX Runtime, exported once into the user cache; same vectors as PyTorch),
    # "onnx-int8" (int8, scales calibrated once: faster, cosine 0.994 to fp32 on average) or
    # "torch"; PyTorch, with a warning, when ONNX Runtime is missing or the export fails
    runtime: EncoderRuntime = "onnx"


@dataclass
class ThemesConfig(_Section):
    """Theme discovery with BERTopic; every sub-model is seeded."""

    seed: int = 42
    min_theme_size: Annotated[int, _at_least(0, "0 (automatic) or at least 2"),
                              AfterValidator(_zero_or_at_least_2)] = 0  # 0: from the texts
    n_neighbors: int = 15
    n_components: int = 5
    n_keywords: int = 8
    n_examples: int = 3
    reduce_outliers: bool = True
    method: ThemeMethod = "graph"  # "graph" (chooses the number of themes) or "hdbscan"
    taxonomy: str = ""  # known themes: a TOML/YAML file or a packaged name ("returns_refunds")
    # parent themes (the top level): None (default) chooses 8-25 from the data
    # (top_min..top_max); 0: none (the themes are the top level); a number fixes it
    n_parents: Annotated[int, _at_least(0, "None (from the data), 0 (no parents) or more")] \
        | None = None
    top_min: Annotated[int, _at_least(1, "1 or more")] = 8
    top_max: Annotated[int, _at_least(1, "1 or more")] = 25
    merge_below: int = 0  # themes smaller than this fold into a similar sibling; 0: 2 x min size
    # cosine similarity needed to fold a small theme
    merge_similarity: Annotated[float, Field(ge=-1, le=1,
                                             description="a cosine similarity in [-1, 1]")] = 0.8
    # the default path fits its themes on at most this many segments (a seeded sample, the
    # rest joined by a vote of their n_neighbors nearest fitted segments): the exact kNN
    # graph costs n^2, so this bounds the theme stage of large runs (34 s of a
    # 100,000-verbatim run, docs/BENCHMARKS.md)
    fit_sample: Annotated[int, _at_least(100, "100 or more")] = 30_000


@dataclass
class SentimentConfig(_Section):
    """How sentiment in [-1, 1] is scored (see feedback_mining.sentiment)."""

    method: SentimentMethod = "model"  # "model" (fine-tuned MiniLM), "head" (on the embeddings), "vader"
    # Cut-offs for negative / neutral / positive labels.  The models' scores are calibrated
    # so that these defaults give the cut-offs chosen on validation data in training.
    negative_below: float = -0.05
    positive_above: float = 0.05
    model_path: str | None = None  # None: the model bundled with the package
    batch_size: int = 64
    # of the "model" method: "onnx-int8" (ONNX Runtime, int8 with scales calibrated once, so
    # a text's score does not depend on its batch; every issue-14 benchmark figure within 0.01
    # of PyTorch's), "onnx" (fp32) or "torch"
    runtime: EncoderRuntime = "onnx-int8"


@dataclass
class ScoreConfig(_Section):
    """Theme metrics and ranking."""

    period: ScorePeriod = "M"  # trend period: "W" (week), "M" (month) or "Q" (quarter)
    min_mentions: Positive = 5  # below this a theme is marked as too small to judge
    unit_column: str | None = None  # respondent/customer/conversation id; None: the verbatim id
    bootstrap: Annotated[int, _at_least(0, "0 (no intervals) or more")] = 200  # resamples for the intervals
    ci_level: Annotated[float, Field(ge=0.5, lt=1, description="a level in [0.5, 1), e.g. 0.95")] = 0.95
    seed: int = 42  # seed of the bootstrap
    # significance level of the share-change test (trend, emerging)
    alpha: Annotated[float, Field(gt=0, lt=1, description="a level in (0, 1), e.g. 0.05")] = 0.05
    # relative share growth (0.5 = +50%) that flags a theme emerging
    emerging_growth: Annotated[float, Field(ge=0, description="0 or more")] = 0.5
    segment_min_verbatims: Positive = 10  # a segment needs this many theme verbatims to be named
    shrinkage: Annotated[float, Field(ge=0, description="0 or more")] = 10.0  # prior strength, in mentions


@dataclass
class OutputConfig(_Section):
    """Where results go."""

    dir: str = "outputs"
    formats: list[OutputFormat] = field(default_factory=lambda: ["csv", "parquet", "xlsx"])


@dataclass
class ReportConfig(_Section):
    """The deck and the HTML report."""

    title: str = "What customers are telling us"
    top_themes: NonNegative = 5  # friction themes that get a slide (and a section) of their own
    quotes: NonNegative = 3  # quotes per theme
    template: str | None = None  # a .pptx whose layouts, colours and fonts the deck uses


@dataclass
class EngineConfig(_Section):
    """How a run is executed: chunks, the fast path for large inputs, Dask, checkpoints."""

    name: EngineName = "local"  # "local" or "dask"
    scheduler: str | None = None  # dask: tcp://host:port; none starts a local cluster
    n_workers: int = 2  # dask local cluster size
    # local engine: worker processes for the per-row stages (clean, segment, embed,
    # sentiment), chunks in input order, the same result as one process.  0: one per CPU
    # core (at most 4) on the fast path with VADER, whose steps are single-threaded Python;
    # 1 otherwise, as the default path's encoders already use every core.
    processes: NonNegative = 0
    chunk_size: Positive = 20_000  # rows read, cleaned, embedded and scored at a time
    fast_path: FastPath = "auto"  # "auto" (above fast_path_above), "always" or "never"
    fast_path_above: int = 200_000  # rows; above this the fast path is taken
    fast_path_embed: str = "static-feedback"  # embedding model of the fast path
    sample_size: Annotated[int, _at_least(10, "10 or more")] = 100_000  # fast path: segments fitted on
    fast_clusterer: FastClusterer = "kmeans"  # fast path: "kmeans" (MiniBatchKMeans) or "bertopic"
    fast_n_themes: int = 0  # k of the fast path's k-means; 0: about one per 150 sampled
    # Sentiment on the fast path: "vader" (no model, a lexicon), "head" or "model"; "" keeps
    # sentiment.method.  The fine-tuned model's own forward pass per segment is what a
    # million-verbatim run cannot afford on a CPU, and "head" needs MiniLM embeddings, which
    # the fast path does not compute.
    fast_path_sentiment: SentimentMethod | Literal[""] = "vader"
    checkpoint_dir: str | None = None  # per-chunk results, so a killed job resumes
    progress: bool = False  # a progress bar on stderr


@dataclass
class StableConfig(_Section):
    """Runs with a saved theme model: what counts as a new theme, a merge or a split."""

    new_themes: bool = True  # cluster what fits no known theme into new themes
    min_new_theme_size: int = 0  # 0: the model's smallest theme size for this many texts
    # share of a theme that must move for a merge or split to be recorded
    overlap: Annotated[float, Field(gt=0, le=0.5, description="a share in (0, 0.5]")] = 0.2


@dataclass
class HistoryConfig(_Section):
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
        if key not in _hints(type(obj)):
            allowed = ", ".join(f.name for f in dataclasses.fields(obj))
            raise ConfigError(f"unknown setting '{dotted}'; [{section}] accepts {allowed}.")
        setattr(obj, key, value)  # checked and converted by the section

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
        """Check every setting again (an attribute may have been changed in place) and the
        rules that join two settings; returns the config."""
        for section in _sections():
            obj = getattr(self, section)
            for name in _hints(type(obj)):
                check_setting(type(obj), name, getattr(obj, name))
        if self.sentiment.negative_below > self.sentiment.positive_above:
            raise config_error(
                "sentiment.negative_below", "at most sentiment.positive_above",
                self.sentiment.negative_below,
            )
        if self.themes.top_min > self.themes.top_max:
            raise config_error("themes.top_min", "at most themes.top_max", self.themes.top_min)
        return self


def _sections() -> list[str]:
    return [f.name for f in dataclasses.fields(Config)]


def _parse_value(raw: str) -> Any:
    """Parse a TOML value (``7``, ``true``, ``"x"``, ``["a", "b"]``); bare words stay strings."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


# ---------------------------------------------------------------------- the one validator
_LAX = ConfigDict(coerce_numbers_to_str=True)  # `--set input.sheet=2024` is the text "2024"


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


@functools.cache
def _adapter(cls: type, name: str) -> TypeAdapter:
    hint = _hints(cls)[name]
    try:
        return TypeAdapter(hint, config=_LAX)
    except Exception:  # pragma: no cover - a type that carries its own config
        return TypeAdapter(hint)


def check_setting(cls: type, name: str, value: Any) -> Any:
    """``value`` checked against the declared type of setting ``name`` of section ``cls``
    and converted ("7" -> 7, "a, b" -> ["a", "b"] for a list); a :class:`ConfigError`
    naming the setting, what is allowed and what was received otherwise."""
    hint = _hints(cls)[name]
    base = _base(hint)
    if isinstance(value, str) and typing.get_origin(base) is list:
        value = [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, bool) and base in (int, float):
        raise config_error(_dotted(cls, name), _allowed(hint), value)
    try:
        return _adapter(cls, name).validate_python(value)
    except ValidationError:
        raise config_error(_dotted(cls, name), _allowed(hint), value) from None


def _dotted(cls: type, name: str) -> str:
    section = next((f.name for f in dataclasses.fields(Config)
                    if _hints(Config)[f.name] is cls), cls.__name__)
    return f"{section}.{name}"


def _base(hint: Any) -> Any:
    """The type under ``Annotated`` and ``Optional``."""
    if typing.get_origin(hint) is Annotated:
        hint = typing.get_args(hint)[0]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if type(None) in typing.get_args(hint) and len(args) == 1:
        return _base(args[0])
    return hint


def _allowed(hint: Any) -> str:
    """What a setting of type ``hint`` allows, in words."""
    optional = type(None) in typing.get_args(hint)
    if typing.get_origin(hint) is Annotated:
        for meta in getattr(hint, "__metadata__", ()):
            if getattr(meta, "description", None):
                return meta.description
    base = _base(hint)
    choices = _choices(base)
    if choices:
        text = "one of " + ", ".join(repr(c) for c in choices)
    elif typing.get_origin(base) is list:
        inner = _choices(typing.get_args(base)[0])
        text = "a list drawn from " + ", ".join(inner) if inner else "a list"
    else:
        text = {int: "a whole number", float: "a number", bool: "true or false",
                str: "a text"}.get(base, str(base))
    return text + (" (or nothing)" if optional else "")


def _choices(hint: Any) -> tuple[Any, ...]:
    """The values a ``Literal`` (or a union of them) allows; () for other types."""
    if typing.get_origin(hint) is Literal:
        return typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        parts = [_choices(a) for a in typing.get_args(hint) if a is not type(None)]
        return tuple(c for p in parts for c in p) if all(parts) else ()
    return ()
