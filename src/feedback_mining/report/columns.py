"""Every column a report shows: its header in plain words, its definition and its number
format, in one place.  The workbook takes its headers, formats and its "Data dictionary"
sheet from here, and ``tests/test_report_excel.py`` checks that docs/metrics.md documents the
same columns, so the two cannot drift apart.

>>> COLUMNS["share"].header, COLUMNS["share"].format
('Share of verbatims', '0.0%')
>>> header("a_column_of_yours")
'A column of yours'
"""

from __future__ import annotations

from typing import NamedTuple

PCT, PCT0, INT, D1, D2, TEXT = "0.0%", "0%", "#,##0", "0.0", "0.00", "@"


class ColumnInfo(NamedTuple):
    header: str
    definition: str
    format: str | None  # Excel number format; None for text and whole-number ids


def _ci(metric: str, header: str, fmt: str) -> dict[str, ColumnInfo]:
    return {f"{metric}_ci_low": ColumnInfo(f"{header}: low", f"Lower end of the bootstrap "
                                           f"interval of `{metric}` (level score.ci_level)", fmt),
            f"{metric}_ci_high": ColumnInfo(f"{header}: high", f"Upper end of the bootstrap "
                                            f"interval of `{metric}`", fmt)}


#: column -> (header, definition, number format); definitions as in docs/metrics.md
COLUMNS: dict[str, ColumnInfo] = {
    # theme table: identity and volume
    "rank": ColumnInfo("Rank", "Position by priority (1 = look first); low-volume themes rank "
                       "below all others", "0"),
    "theme_id": ColumnInfo("Theme id", "The theme's id in the theme model", "0"),
    "label": ColumnInfo("Theme", "The theme's label", None),
    "keywords": ColumnInfo("Keywords", "Words that characterise the theme", None),
    "examples": ColumnInfo("Examples", "The theme's most typical verbatims (redacted)", None),
    "negative_examples": ColumnInfo("Negative examples", "Up to themes.n_examples distinct "
                                    "negative mentions, closest to the theme centroid, its more "
                                    "negative half first", None),
    "mentions": ColumnInfo("Mentions", "Mentions (pieces of verbatims) assigned to the theme", INT),
    "verbatims": ColumnInfo("Verbatims", "Kept verbatims that mention the theme (|T|)", INT),
    "respondents": ColumnInfo("Respondents", "Distinct score.unit_column values among the "
                              "theme's verbatims", INT),
    "share": ColumnInfo("Share of verbatims", "|T| / N: share of all kept verbatims that "
                        "mention the theme", PCT),
    "low_volume": ColumnInfo("Too few to judge", "mentions < score.min_mentions", None),
    "general": ColumnInfo("No cause named", "A third or more of the theme's mentions say how "
                          "customers feel, not about what: ranked below the themes that name "
                          "a cause", None),
    # sentiment
    "sentiment_mean": ColumnInfo("Mean sentiment", "Mean sentiment of the theme's mentions "
                                 "(-1 negative to +1 positive)", "+0.00;-0.00;0.00"),
    "share_negative": ColumnInfo("Negative share", "Negative mentions / mentions", PCT0),
    "share_positive": ColumnInfo("Positive share", "Positive mentions / mentions", PCT0),
    "net_sentiment": ColumnInfo("Net sentiment", "share_positive - share_negative",
                                "+0.00;-0.00;0.00"),
    "negative_verbatims": ColumnInfo("Negative verbatims", "Verbatims with at least one "
                                     "negative mention in the theme", INT),
    # score and impact
    "score_mean": ColumnInfo("Mean score", "Mean raw score of the theme's scored verbatims",
                             D2),
    "nps": ColumnInfo("NPS", "% promoters - % detractors among the theme's scored verbatims "
                      "(-100 to 100)", "+0;-0;0"),
    "impact": ColumnInfo("Impact", "H(S) - H(S_rest): change of the overall score when the "
                         "theme's verbatims are removed; negative = pulls the score down",
                         "+0.00;-0.00;0.00"),
    "driver_gap": ColumnInfo("Driver gap", "H(S_T) - H(S_rest): score with the theme minus "
                             "score without it", "+0.00;-0.00;0.00"),
    # trend
    "share_prev": ColumnInfo("Share, previous period", "Share of the previous period's "
                             "verbatims that mention the theme", PCT),
    "share_last": ColumnInfo("Share, last period", "Share of the last period's verbatims that "
                             "mention the theme", PCT),
    "share_change": ColumnInfo("Change in share", "share_last - share_prev",
                               "+0.0%;-0.0%;0.0%"),
    "share_change_p": ColumnInfo("Change p-value", "Two-sided p-value of the pooled "
                                 "two-proportion z-test of the change", "0.000"),
    "emerging": ColumnInfo("Emerging", "Significant rise of at least score.emerging_growth, "
                           "or new, with at least score.min_mentions verbatims", None),
    # segments
    "top_segment": ColumnInfo("Top segment", "Segment with the highest significant lift "
                              "(column=value)", None),
    "top_segment_lift": ColumnInfo("Top segment lift", "Its lift", D2),
    # priority
    "priority": ColumnInfo("Priority", "100 x priority_volume x harm x (1 + priority_growth); "
                           "harm = mean(priority_negativity, priority_impact)", D1),
    "priority_volume": ColumnInfo("Priority: volume", "share", PCT),
    "priority_negativity": ColumnInfo("Priority: negativity", "Negative share shrunk towards "
                                      "the average with a prior of score.shrinkage mentions",
                                      D2),
    "priority_impact": ColumnInfo("Priority: impact", "Shrunk score gap over the score's span, "
                                  "clipped to 0-1", D2),
    "priority_growth": ColumnInfo("Priority: growth", "Relative growth beyond noise, clipped "
                                  "to 0-1; 1 for a new theme", D2),
    # theme model
    "is_new": ColumnInfo("New theme", "The theme was not in the theme model before this run",
                         None),
    "parent_id": ColumnInfo("Parent id", "The parent theme in the hierarchy", "0"),
    "parent_label": ColumnInfo("Parent theme", "The parent theme's label", None),
    "kind": ColumnInfo("Kind", "friction (to fix) or praise (what customers like)", None),
    # segment breakdown
    "segment_column": ColumnInfo("Segment column", "The segment column (input.segments)", None),
    "segment_value": ColumnInfo("Segment value", "Its value; missing values read (missing)",
                                None),
    "segment_verbatims": ColumnInfo("Segment verbatims", "Kept verbatims in the segment", INT),
    "lift": ColumnInfo("Lift", "Share in the segment / share overall (>1: over-represented)",
                       D2),
    "lift_p": ColumnInfo("Lift p-value", "Two-proportion z-test of the share inside the "
                         "segment against outside it", "0.000"),
    # trend table
    "period": ColumnInfo("Period", "The period (score.period: W, M or Q)", None),
    "period_start": ColumnInfo("Period start", "The period's first day", "yyyy-mm-dd"),
    "period_verbatims": ColumnInfo("Period verbatims", "Kept verbatims in the period", INT),
    # changes
    "previous_period": ColumnInfo("Previous period", "The earlier of the two periods compared",
                                  None),
    "last_period": ColumnInfo("Last period", "The later of the two periods compared", None),
    "verbatims_prev": ColumnInfo("Verbatims, previous", "The theme's verbatims in the previous "
                                 "period", INT),
    "verbatims_last": ColumnInfo("Verbatims, last", "The theme's verbatims in the last period",
                                 INT),
    "change": ColumnInfo("Change (points)", "share_last - share_prev", "+0.0%;-0.0%;0.0%"),
    "p_value": ColumnInfo("p-value", "Two-proportion z-test of the change", "0.000"),
    "significance": ColumnInfo("Significance", "The p-value in words (beyond chance / within "
                               "noise)", None),
    "new": ColumnInfo("New", "No verbatim in the previous period, some in the last", None),
    "growing": ColumnInfo("Growing", "Rise beyond noise (p < score.alpha)", None),
    "falling": ColumnInfo("Falling", "Fall beyond noise (p < score.alpha)", None),
    # contact drivers (transcripts)
    "conversations": ColumnInfo("Conversations", "Conversations with a customer turn that "
                                "mentions the theme (each counts once)", INT),
    "share_conversations": ColumnInfo("Share of conversations", "conversations / all "
                                      "conversations with a kept customer turn", PCT),
    "turns": ColumnInfo("Customer turns", "Customer turns that mention the theme", INT),
    "turns_per_conversation": ColumnInfo("Turns per conversation", "turns / conversations: "
                                         "how often the theme is raised in a conversation that "
                                         "raises it", D1),
    **_ci("sentiment_mean", "Mean sentiment", "+0.00;-0.00;0.00"),
    **_ci("score_mean", "Mean score", D2),
    **_ci("nps", "NPS", "+0;-0;0"),
    **_ci("impact", "Impact", "+0.00;-0.00;0.00"),
    **_ci("driver_gap", "Driver gap", "+0.00;-0.00;0.00"),
    **_ci("share_change", "Change in share", "+0.0%;-0.0%;0.0%"),
}

#: the theme sheet's first columns: what to look at, then why it ranks there
LEADING = ["rank", "label", "priority", "priority_volume", "priority_negativity",
           "priority_impact", "priority_growth"]


#: how each number format reads, for the data dictionary
SHOWN_AS = {PCT: "percent, 1 decimal (12.3%)", PCT0: "percent (12%)",
            INT: "whole number (1,234)", "0": "whole number (12)", D1: "1 decimal (12.3)",
            D2: "2 decimals (0.25)", "+0.00;-0.00;0.00": "signed, 2 decimals (-0.25)",
            "+0;-0;0": "signed whole number (-12)", "+0.0%;-0.0%;0.0%": "signed percent (+1.2%)",
            "0.000": "3 decimals (0.031)", "yyyy-mm-dd": "date (2026-01-05)"}


def shown_as(column: str) -> str:
    """How a column's numbers read (``"percent, 1 decimal (12.3%)"``); "text" otherwise."""
    fmt = number_format(column)
    return SHOWN_AS.get(fmt, fmt) if fmt else "text, or true/false"


def header(column: str) -> str:
    """The column's header in plain words (an unknown column gets its name, spaced)."""
    info = COLUMNS.get(column)
    if info is not None:
        return info.header
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def number_format(column: str) -> str | None:
    info = COLUMNS.get(column)
    return info.format if info is not None else None
