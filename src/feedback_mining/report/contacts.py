"""Contact drivers: why customers contact support, from chat transcripts (the deck, the HTML
page and the workbook show them; docs/metrics.md, "Contact drivers")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .content import Column, _num, _theme_ids, kept_documents

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result


def conversation_column(result: Result) -> str | None:
    """The conversation id column when the input was transcripts (else None)."""
    docs = result.documents
    if "transcripts" in result.summary and "conversation" in docs.columns:
        return "conversation"
    return None


def contact_drivers(result: Result) -> pd.DataFrame:
    """For transcripts: why customers contact support, per theme.  One row per theme (rank
    order): ``conversations`` mentioning it (a conversation counts once per theme, however
    many of its turns raise it), ``share_conversations`` (of all conversations with a kept
    customer turn), ``turns`` (customer turns mentioning it) and ``turns_per_conversation``
    (how often it is raised in a conversation that raises it).  Empty without transcripts."""
    columns = ["rank", "theme_id", "label", "conversations", "share_conversations", "turns",
               "turns_per_conversation"]
    conv = conversation_column(result)
    if conv is None:
        return pd.DataFrame(columns=columns)
    docs = kept_documents(result)
    pairs = pd.DataFrame({"conversation": docs[conv].astype(str).to_numpy(),
                          "theme_id": _theme_ids(docs).to_numpy()}).explode("theme_id")
    pairs = pairs.dropna(subset=["theme_id"]).astype({"theme_id": int})
    n_conv = docs[conv].astype(str).nunique()
    turns = pairs.groupby("theme_id").size()
    convs = pairs.drop_duplicates().groupby("theme_id").size()
    out = result.themes[["rank", "theme_id", "label"]].copy()
    out["conversations"] = out["theme_id"].map(convs).fillna(0).astype(int)
    out["share_conversations"] = out["conversations"] / n_conv if n_conv else float("nan")
    out["turns"] = out["theme_id"].map(turns).fillna(0).astype(int)
    out["turns_per_conversation"] = (out["turns"] / out["conversations"]).where(
        out["conversations"] > 0)
    return out.reset_index(drop=True)


DRIVER_COLUMNS = [
    Column("label", "Theme", str, "text"),
    Column("conversations", "Conversations", _num("{:,.0f}"), "int"),
    Column("share_conversations", "Share of conversations", _num("{:.1%}"), "percent"),
    Column("turns_per_conversation", "Turns per conversation", _num("{:.1f}"), "decimal"),
    Column("rank", "Priority rank", _num("{:.0f}"), "int"),
]


def contact_figures(result: Result) -> list[tuple[str, str]]:
    """Conversations, customer turns per conversation and themes per conversation (each
    conversation's distinct themes), for transcripts; empty otherwise."""
    conv = conversation_column(result)
    if conv is None:
        return []
    docs = kept_documents(result)
    ids = docs[conv].astype(str)
    n = ids.nunique()
    if not n:
        return []
    themes = pd.DataFrame({"c": ids.to_numpy(), "t": _theme_ids(docs).to_numpy()}) \
        .explode("t").dropna().drop_duplicates()
    return [("Conversations", f"{n:,}"),
            ("Customer turns per conversation", f"{len(docs) / n:.1f}"),
            ("Themes per conversation", f"{len(themes) / n:.1f}")]
