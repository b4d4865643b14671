"""What changed since the previous period: one row per theme, from the trend table.

The previous and last periods are the last two periods that contain verbatims (as for
``share_change`` in the theme table), the test is the same pooled two-proportion z-test,
and the flags follow docs/metrics.md:

- ``new``: the theme had no verbatim in the previous period and has some in the last;
- ``growing`` / ``falling``: the share changed beyond noise (``p_value < score.alpha``);
- ``emerging``: growing, at least ``score.min_mentions`` verbatims in the last period, and
  new or up by ``score.emerging_growth`` (+50%) of its previous share.

>>> import pandas as pd
>>> trend = pd.DataFrame({"theme_id": [0, 0, 1, 1], "label": ["Refund late"] * 2 + ["Box"] * 2,
...                       "period": ["2026-01", "2026-02"] * 2,
...                       "period_start": pd.to_datetime(["2026-01-01", "2026-02-01"] * 2),
...                       "period_verbatims": [200, 200, 200, 200],
...                       "verbatims": [10, 40, 0, 9]})
>>> changes = period_changes(trend)
>>> for row in changes.itertuples():
...     print(row.label, row.share_prev, row.share_last, row.new, row.emerging)
Refund late 0.05 0.2 False True
Box 0.0 0.045 True True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import ScoreConfig
from ._trend import two_proportion_p

CHANGE_COLUMNS = ["theme_id", "label", "previous_period", "last_period", "verbatims_prev",
                  "verbatims_last", "share_prev", "share_last", "change", "p_value",
                  "significance", "new", "emerging", "growing", "falling"]


def significance_words(p: float, alpha: float = 0.05) -> str:
    """A p-value in words, for a reader who does not read p-values.

    >>> significance_words(0.003), significance_words(0.93)
    ('beyond chance (p < 0.01)', 'within noise (p = 0.93)')
    """
    if p is None or not np.isfinite(p):
        return "not tested"
    if p < 0.01 and alpha > 0.01:
        return "beyond chance (p < 0.01)"
    if p < alpha:
        return f"beyond chance (p = {p:.2f})"
    return f"within noise (p = {p:.2f})"


def period_changes(trend: pd.DataFrame, config: ScoreConfig | None = None) -> pd.DataFrame:
    """One row per theme: its share in the previous and the last period, the change, the
    p-value of the change, the significance in words and the new / emerging / growing /
    falling flags.  Sorted with the changes beyond noise first (largest rise first).  Empty
    (columns only) with fewer than two periods."""
    config = config or ScoreConfig()
    if trend is None or trend.empty or "period_verbatims" not in trend:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    order = "period_start" if "period_start" in trend else "period"
    keep = list(dict.fromkeys([order, "period", "period_verbatims"]))
    periods = (trend[trend["period_verbatims"] > 0][keep]
               .drop_duplicates().sort_values(order))
    if len(periods) < 2:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    prev, last = periods.iloc[-2], periods.iloc[-1]
    n0, n1 = float(prev["period_verbatims"]), float(last["period_verbatims"])
    by = trend.pivot_table(index=["theme_id", "label"], columns="period", values="verbatims",
                           aggfunc="sum", fill_value=0)
    x0 = by.get(prev["period"], pd.Series(0, index=by.index)).to_numpy(float)
    x1 = by.get(last["period"], pd.Series(0, index=by.index)).to_numpy(float)
    out = pd.DataFrame({"theme_id": by.index.get_level_values(0),
                        "label": by.index.get_level_values(1)})
    out["previous_period"], out["last_period"] = str(prev["period"]), str(last["period"])
    out["verbatims_prev"], out["verbatims_last"] = x0.astype(int), x1.astype(int)
    out["share_prev"], out["share_last"] = x0 / n0, x1 / n1
    out["change"] = out["share_last"] - out["share_prev"]
    out["p_value"] = two_proportion_p(x1, n1, x0, n0)
    beyond = out["p_value"] < config.alpha
    out["significance"] = [significance_words(p, config.alpha) for p in out["p_value"]]
    out["new"] = (x0 == 0) & (x1 > 0)
    out["growing"] = beyond & (out["change"] > 0)
    out["falling"] = beyond & (out["change"] < 0)
    grew_enough = (x0 == 0) | (out["share_last"] >= (1 + config.emerging_growth) * out["share_prev"])
    out["emerging"] = out["growing"] & (x1 >= config.min_mentions) & grew_enough
    out["_key"] = np.where(beyond, 0, 1)
    out = out.sort_values(["_key", "change", "theme_id"], ascending=[True, False, True],
                          kind="mergesort")
    return out[CHANGE_COLUMNS].reset_index(drop=True)
