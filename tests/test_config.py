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
