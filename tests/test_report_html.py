"""The HTML report: one file that opens offline, with the deck's content."""

from __future__ import annotations

import re

import pytest

from .report_helpers import sample_result


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    result = sample_result()
    path = result.to_html(tmp_path_factory.mktemp("html") / "themes.html")
    return result, path.read_text(encoding="utf-8")


def test_one_file_with_no_external_references(page):
    _, text = page
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text, flags=re.I)
    assert tags  # plotly.js and the charts are inline scripts
    for tag in tags:
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", tag, flags=re.I), tag
    assert "Plotly.newPlot" in text


def test_same_content_as_the_deck(page):
    result, text = page
    for label in result.themes["label"]:
        assert label.replace("&", "&amp;") in text
    assert "Themes ranked by priority" in text
    assert "Volume and sentiment of each theme" in text
    assert "Share of verbatims per period" in text  # the data has dates
    assert "Share of verbatims by channel" in text
    first = result.themes.iloc[0]
    assert f"#1 {first['label']}" in text


def test_customer_text_is_escaped(page):
    _, text = page
    assert "<script>alert(1)</script>" not in text
