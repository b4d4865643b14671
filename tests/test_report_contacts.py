"""Contact drivers from support transcripts: themes per conversation (a conversation counts
once per theme), turns and themes per conversation, in the workbook and the deck."""

from __future__ import annotations

import functools

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from feedback_mining import Config, Pipeline
from feedback_mining.config import InputConfig
from feedback_mining.io.readers import load_transcripts

PROBLEMS = ["my refund has not arrived after three weeks", "the return label link is broken",
            "the courier never came to collect the parcel", "sizes run very small"]


@functools.lru_cache(maxsize=1)
def _run():
    chats = []
    for i in range(64):
        problem = PROBLEMS[i % 4]
        lines = ["[09:00] Agent: Hello, thanks for contacting us, how can I help?",
                 f"[09:01] Customer: {problem}, order #A{100000 + i}",
                 "[09:03] Agent: I'm sorry to hear that."]
        if i % 4 == 0:  # refund chats raise the refund twice: still one conversation
            lines.append(f"[09:04] Customer: {problem}, order #A{100000 + i}")
        lines.append("[09:05] Customer: thanks, bye")
        chats.append("\n".join(lines))
    frame = pd.DataFrame({"chat_id": [f"c{i}" for i in range(64)], "log": chats})
    data = load_transcripts(frame, InputConfig(id="chat_id", text="log", format="transcript"))
    config = Config().with_overrides(["embed.model=hashing", "themes.min_theme_size=8",
                                      "sentiment.method=vader"])
    return Pipeline(config).run(data)


@pytest.fixture(scope="module")
def result():
    return _run()


def test_a_conversation_counts_once_per_theme(result):
    drivers = result.contact_drivers
    assert list(drivers["theme_id"]) == list(result.themes["theme_id"])
    docs = result.documents[result.documents["set_aside"].isna()]
    n_conv = docs["conversation"].nunique()
    assert n_conv == 64
    for _, row in drivers.iterrows():
        mentions = docs[docs["theme_ids"].map(lambda ids, t=row["theme_id"]: t in ids)]
        assert row["conversations"] == mentions["conversation"].nunique()
        assert row["turns"] == len(mentions)
        assert row["share_conversations"] == pytest.approx(row["conversations"] / n_conv)
    # the refund problem is raised twice in its 16 conversations: 16 conversations, 32 turns
    refund = drivers[drivers["turns"] > drivers["conversations"]]
    assert not refund.empty
    top = refund.iloc[0]
    assert top["turns_per_conversation"] == pytest.approx(top["turns"] / top["conversations"])
    assert top["conversations"] <= 16 and top["turns"] >= 1.5 * top["conversations"]


def test_the_workbook_and_the_deck_show_contact_drivers(result, tmp_path):
    wb = openpyxl.load_workbook(result.to_excel(tmp_path / "t.xlsx"))
    ws = wb["Contact drivers"]
    header = [c.value for c in ws[1]]
    assert header[3:] == ["Conversations", "Share of conversations", "Customer turns",
                          "Turns per conversation"]
    prs = Presentation(str(result.to_pptx(tmp_path / "t.pptx", top_themes=2)))
    slide = next(s for s in prs.slides
                 if s.shapes.title.text_frame.text == "Why customers contact us")
    text = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "Conversations: 64" in text and "Themes per conversation" in text
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    first = [c.text_frame.text for c in list(table.rows)[1].cells]
    best = result.contact_drivers.sort_values(["conversations", "rank"],
                                              ascending=[False, True]).iloc[0]
    assert first[:2] == [best["label"], str(best["conversations"])]


def test_no_contact_drivers_for_survey_answers():
    from .report_helpers import sample_result

    assert sample_result().contact_drivers.empty


def test_the_page_shows_contact_drivers(result, tmp_path):
    page = result.to_html(tmp_path / "t.html").read_text(encoding="utf-8")
    assert "Why customers contact us" in page and "Share of conversations" in page
