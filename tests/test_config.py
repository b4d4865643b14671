import pandas as pd
import pytest

from feedback_mining import Config, ConfigError


def test_overrides_are_typed():
    cfg = Config().with_overrides(["themes.seed=7", "clean.fix_unicode=false",
                                   "input.segments=[\"channel\", \"market\"]"])
    assert cfg.themes.seed == 7
    assert cfg.clean.fix_unicode is False
    assert cfg.input.segments == ["channel", "market"]


def test_overrides_do_not_change_the_original():
    base = Config()
    base.with_overrides(["themes.seed=1"])
    assert base.themes.seed == 42


@pytest.mark.parametrize("override, fragment", [
    ("themes.sed=7", "[themes] accepts"),
    ("nosection.x=1", "unknown setting"),
    ("themes.seed=seven", "whole number"),
    ("input.score_type=stars", "input.score_type"),
    ("output.formats=[\"pdf\"]", "output.formats"),
    ("themes.seed", "section.key=value"),
])
def test_bad_settings_say_what_is_allowed(override, fragment):
    with pytest.raises(ConfigError, match=None) as err:
        Config().with_overrides([override])
    assert fragment in str(err.value)


def test_toml_file_and_relative_input(tmp_path):
    (tmp_path / "job.toml").write_text(
        '[input]\npath = "data/survey.csv"\ntext = "comment"\n[themes]\nseed = 3\n')
    cfg = Config.from_toml(tmp_path / "job.toml")
    assert cfg.input.path == str((tmp_path / "data" / "survey.csv").resolve())
    assert cfg.themes.seed == 3


def test_bad_toml_names_the_file(tmp_path):
    bad = tmp_path / "job.toml"
    bad.write_text("[input\n")
    with pytest.raises(ConfigError, match="job.toml"):
        Config.from_toml(bad)
    with pytest.raises(ConfigError, match="unknown section"):
        Config.from_dict({"inputs": {}})


@pytest.mark.parametrize("override, allowed", [
    ("segment.method=words", "one of 'none', 'sentences', 'clauses'"),
    ("themes.seed=true", "a whole number"),
    ("score.ci_level=1.5", "a level in [0.5, 1)"),
    ("themes.min_theme_size=1", "0 (automatic) or at least 2"),
    ("engine.fast_path_sentiment=x", "one of 'model', 'head', 'vader', ''"),
])
def test_errors_name_the_setting_what_is_allowed_and_what_was_received(override, allowed):
    name, _, value = override.partition("=")
    with pytest.raises(ConfigError) as err:
        Config().with_overrides([override])
    message = str(err.value)
    assert f"'{name}'" in message and allowed in message and value.strip('"') in message.lower()


def test_values_are_converted_by_their_declared_type():
    cfg = Config().with_overrides(["input.sheet=2024", "input.segments=channel, market",
                                   "clean.redact_pii=no", "themes.merge_similarity=1"])
    assert cfg.input.sheet == "2024"  # a sheet name, not a number
    assert cfg.input.segments == ["channel", "market"]
    assert cfg.clean.redact_pii is False
    assert cfg.themes.merge_similarity == 1.0 and isinstance(cfg.themes.merge_similarity, float)


def test_every_way_of_setting_a_value_is_checked(tmp_path):
    import feedback_mining as fm
    from feedback_mining.config import SentimentConfig

    cfg = Config()
    with pytest.raises(ConfigError, match="themes.method"):
        cfg.themes.method = "kmeans"  # plain assignment
    with pytest.raises(ConfigError, match="sentiment.method"):
        SentimentConfig(method="bert")  # construction
    (tmp_path / "job.toml").write_text('[score]\nperiod = "D"\n')
    with pytest.raises(ConfigError, match="score.period"):
        Config.from_toml(tmp_path / "job.toml")
    with pytest.raises(ConfigError, match="themes.n_parents"):
        fm.run(pd.DataFrame({"text": ["late refund"] * 3}), themes__n_parents=-1)


def test_the_theme_model_checks_its_parameters_with_the_same_rules():
    from feedback_mining.embed import HashingEmbedder
    from feedback_mining.themes import ThemeModel

    texts = ["refund is late"] * 20
    with pytest.raises(ConfigError, match="themes.method.*'graph', 'hdbscan'"):
        ThemeModel(method="louvain").fit(texts, HashingEmbedder().encode(texts))
