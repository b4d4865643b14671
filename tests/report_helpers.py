"""One pipeline run shared by the report tests (a run costs seconds; the reports are cheap)."""

from __future__ import annotations

import copy
import functools

import pandas as pd

import feedback_mining as fm
from feedback_mining import Config, Pipeline

from .conftest import make_feedback

INJECTIONS = ['=HYPERLINK("http://x","click")', "@SUM(A1:A2)", "+1+2 cmd", "-2+3 call"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def fast_config() -> Config:
    return Config().with_overrides(["embed.model=hashing", "sentiment.method=vader",
                                    "themes.min_theme_size=8",
                                    "score.period=W"])


@functools.lru_cache(maxsize=1)
def _run() -> fm.Result:
    frame = make_feedback()
    # Customer text that a spreadsheet would execute, and markup a browser would.
    frame.loc[0:3, "comment"] = [f"{bad} the refund has not arrived yet" if i % 2 else bad +
                                 " refund never reached my bank account"
                                 for i, bad in enumerate(INJECTIONS)]
    frame.loc[4, "comment"] = "<script>alert(1)</script> no return label in the box"
    frame.loc[5, "channel"] = "=cmd|' /C calc'!A0"
    data = fm.load(frame, text="comment", id="response_id", score="nps", score_type="nps",
                   date="submitted_at", segments=["channel"])
    return Pipeline(fast_config()).run(data)


def sample_result() -> fm.Result:
    """A fresh copy of the shared run (tests may change it)."""
    return copy.deepcopy(_run())


def many_themes(result: fm.Result, n: int = 40) -> fm.Result:
    """The same run with ``n`` themes, some with very long labels: for pagination and
    shortening."""
    base = result.themes
    rows = []
    for i in range(n):
        row = base.iloc[i % len(base)].copy()
        row["rank"] = i + 1
        row["theme_id"] = 1000 + i if i >= len(base) else row["theme_id"]
        if i % 3 == 1:
            row["label"] = f"theme {i} " + "about a very long problem with refunds " * 4
        rows.append(row)
    result.themes = pd.DataFrame(rows).reset_index(drop=True)
    result.summary["themes"] = n
    return result
