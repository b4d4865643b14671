"""The HTML page in a real browser (headless Chromium) at 1,024 to 1,920 px: every chart as
wide as its box, nothing clipped, no console error, no toolbar over a title."""

from __future__ import annotations

import pytest

from . import browser
from .report_helpers import sample_result

pytestmark = pytest.mark.skipif(browser.chromium() is None,
                                reason="chromium is not installed (Debian: apt-get install "
                                       "chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    return sample_result().to_html(folder / "themes.html"), folder


@pytest.mark.parametrize("width", [1024, 1400, 1920])
def test_charts_fit_their_boxes_with_no_console_error(page, width):
    path, folder = page
    found = browser.measure(path, width, folder)
    assert found["errors"] == []
    assert found["scroll_width"] <= found["viewport"]  # nothing runs off the page
    charts = found["charts"]
    assert len(charts) >= 5
    for chart in charts:
        # drawn as wide as its box (within a pixel of rounding), starting where the box starts
        assert chart["chart"] == pytest.approx(chart["container"], abs=2), chart
        assert chart["left"] == pytest.approx(chart["container_left"], abs=2), chart
        if chart["title"]:
            t, s = chart["title"], chart["svg"]
            assert s[0] - 1 <= t[0] and t[2] <= s[2] + 1, chart  # the title is not clipped
            if chart["modebar"]:
                m = chart["modebar"]
                assert not (t[0] < m[2] and m[0] < t[2] and t[1] < m[3] and m[1] < t[3])
