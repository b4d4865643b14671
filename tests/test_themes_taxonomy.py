"""Known themes from a taxonomy file: loaded, matched, named as given, marked not new."""

import numpy as np
import pytest

import feedback_mining as fm
from feedback_mining.embed import HashingEmbedder
from feedback_mining.errors import InputError
from feedback_mining.themes import ThemeModel
from feedback_mining.themes.taxonomy import load_taxonomy, packaged_taxonomies

from .conftest import PLANTED, make_feedback

LABEL_TAXONOMY = """
name = "test"
threshold = 0.5

[[theme]]
name = "Return label missing"
description = "The customer cannot get or print a return label."
examples = {examples}
"""


def write_taxonomy(tmp_path, suffix=".toml"):
    path = tmp_path / f"known{suffix}"
    if suffix == ".toml":
        path.write_text(LABEL_TAXONOMY.format(examples=repr(PLANTED["label"][:3]).replace("'", '"')))
    else:
        lines = ["threshold: 0.5", "themes:", "  - name: Return label missing",
                 "    examples:"] + [f"      - {e}" for e in PLANTED["label"][:3]]
        path.write_text("\n".join(lines) + "\n")
    return path


def test_packaged_returns_taxonomy_loads():
    assert "returns_refunds" in packaged_taxonomies()
    tax = load_taxonomy("returns_refunds")
    assert len(tax.themes) >= 8
    assert all(t.examples and t.description for t in tax.themes)


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_planted_known_theme_is_found_and_named_as_given(tmp_path, suffix):
    if suffix == ".yaml":
        pytest.importorskip("yaml", reason="YAML taxonomies need the 'yaml' extra")
    feedback = make_feedback()
    texts = feedback["comment"].tolist()
    embedder = HashingEmbedder()
    model = ThemeModel(seed=1, min_theme_size=8, taxonomy=write_taxonomy(tmp_path, suffix))
    model.fit(texts, embedder.encode(texts), encode=embedder.encode)
    themes = model.themes_
    known = themes[~themes["is_new"]]
    assert known["label"].tolist() == ["Return label missing"]
    known_id = int(known["theme_id"].iloc[0])
    planted = (feedback["theme"] == "label").to_numpy()
    # most label complaints join the known theme, and it holds little else
    assert (model.labels_[planted] == known_id).mean() >= 0.6
    assert (feedback["theme"][model.labels_ == known_id] == "label").mean() >= 0.9
    assert themes["is_new"].sum() >= 2  # the other complaints become new themes


def test_taxonomy_needs_the_embedder_and_a_valid_file(tmp_path):
    texts = make_feedback()["comment"].tolist()
    emb = HashingEmbedder().encode(texts)
    with pytest.raises(InputError, match="encode"):
        ThemeModel(taxonomy=write_taxonomy(tmp_path)).fit(texts, emb)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[theme]]\ndescription = "no name"\n')
    with pytest.raises(InputError, match="bad.toml"):
        load_taxonomy(bad)
    with pytest.raises(InputError, match="no such file"):
        load_taxonomy(tmp_path / "missing.toml")


def test_pipeline_uses_the_taxonomy_setting(tmp_path, feedback, fast_config):
    cfg = fast_config.with_overrides([f'themes.taxonomy="{write_taxonomy(tmp_path)}"'])
    result = fm.Pipeline(cfg).run(feedback.rename(columns={"comment": "text"}))
    detail = result.subthemes
    row = detail[detail["label"] == "Return label missing"]
    assert len(row) >= 1 and not row["is_new"].any()
    assert {"parent_id", "parent_label"} <= set(detail.columns)
    # the known theme is a top-level friction row of its own here (fewer than 8 themes)
    assert "Return label missing" in result.themes["label"].tolist()
    assert np.isfinite(result.themes["share"]).all()


def test_background_phrases_keep_bare_mentions_out():
    from feedback_mining.themes.taxonomy import KnownTheme, Taxonomy, match_known, phrase_vectors

    tax = Taxonomy(themes=(KnownTheme("Return label missing",
                                      examples=("return label missing from parcel",)),),
                   threshold=0.2, background=("return parcel",))
    embedder = HashingEmbedder()
    vectors, owner = phrase_vectors(tax, embedder.encode)
    texts = ["the return label was missing from my parcel", "return parcel"]
    known, _ = match_known(embedder.encode(texts), vectors, owner, 1, tax.threshold)
    assert known.tolist() == [0, -1]
