"""Chat transcripts in each layout: customer turns kept, the rest dropped and counted."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from feedback_mining.clean.transcripts import read_transcripts
from feedback_mining.config import InputConfig
from feedback_mining.io.readers import load_transcripts

CHAT = """[10:02] Agent: Hello, my name is Sam, how can I help you today?
[10:02] Customer: hi
[10:03] Customer: I returned the boots three weeks ago and still no refund
and the courier says it was delivered
*** Chat transferred to Billing ***
10:05:11 Agent: I'm sorry to hear that, let me check.
10:06:40 Customer: The refund page keeps crashing too
[10:07]
[10:07] ???
Customer: thanks, bye
Customer left the chat
"""


def test_speaker_prefixed_text_keeps_customer_problems():
    df = pd.DataFrame({"chat_id": ["c1"], "log": [CHAT], "nps": [2]})
    out, stats = read_transcripts(df, InputConfig(id="chat_id", text="log"))
    assert out["text"].tolist() == [
        "I returned the boots three weeks ago and still no refund\n"
        "and the courier says it was delivered",
        "The refund page keeps crashing too",
    ]
    assert set(out["conversation"]) == {"c1"}
    assert out["id"].is_unique
    assert out["nps"].tolist() == [2, 2]  # conversation fields travel with the turns
    assert stats["dropped_agent"] == 2
    assert stats["dropped_system"] == 2
    assert stats["dropped_pleasantry"] == 2
    assert stats["malformed_lines"] == 2


def test_names_in_place_of_roles_need_a_mapping():
    chat = "Anna: Hi, I'm Anna.\nBob: My parcel is lost and nobody answers\nAnna: Sorry!"
    df = pd.DataFrame({"log": [chat]})
    out, stats = read_transcripts(df, InputConfig(text="log", customer_speakers=["Bob"],
                                                  agent_speakers=["Anna"]))
    assert out["text"].tolist() == ["My parcel is lost and nobody answers"]
    out, stats = read_transcripts(df, InputConfig(text="log"))
    # without the mapping, names are counted as unknown speakers, not guessed
    assert out.empty and stats["dropped_unknown_speaker"] == 3


def test_one_row_per_turn_with_bad_rows():
    df = pd.DataFrame({
        "conversation": ["c1", "c1", "c1", "c2", "c2", None],
        "turn": [2, 1, 3, 1, 2, 1],
        "speaker": ["customer", "agent", "system", "Customer", "customer", "customer"],
        "text": ["Size chart is wrong", "Welcome!", "Chat transferred", "Refund is late",
                 None, "orphan"],
    })
    out, stats = read_transcripts(df, InputConfig(conversation="conversation", speaker="speaker",
                                                  turn="turn", text="text"))
    assert out[["conversation", "text"]].values.tolist() == [
        ["c1", "Size chart is wrong"], ["c2", "Refund is late"]]
    assert stats["malformed_lines"] == 2
    assert stats["dropped_agent"] == 1 and stats["dropped_system"] == 1


def test_json_list_of_turns(tmp_path):
    data = [
        {"id": "c9", "channel": "app", "messages": [
            {"role": "assistant", "content": "Hi! How can I help?"},
            {"role": "user", "content": "The app charged me twice for one order"},
            {"role": "user"},  # malformed: no text
            "not a turn",
            {"role": "system", "content": "Customer left the chat"},
        ]},
        "not a conversation",
    ]
    path = tmp_path / "chats.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out, stats = read_transcripts(path, InputConfig())
    assert out[["id", "conversation", "text", "channel"]].values.tolist() == [
        ["c9:1", "c9", "The app charged me twice for one order", "app"]]
    assert stats["malformed_lines"] == 2
    assert stats["malformed_conversations"] == 1


def test_load_transcripts_feeds_the_pipeline_shape():
    df = pd.DataFrame({"chat_id": ["c1", "c2"], "log": [CHAT, "Customer: Where is my refund?"]})
    out = load_transcripts(df, InputConfig(id="chat_id", text="log", format="transcript"))
    assert {"id", "text", "conversation"} <= set(out.columns)
    assert out.attrs["feedback_mining"]["transcripts"]["customer_turns_kept"] == 3


@pytest.mark.parametrize(("junk", "reason"), [
    ("", "empty_conversations"), ("\x00\x01", "malformed_lines"), (":::", "malformed_lines"),
    ("Customer:", "dropped_pleasantry"), ("[99:99] x: y", "dropped_unknown_speaker"),
    ("a" * 500, "malformed_lines")])
def test_garbage_is_dropped_and_counted_not_raised(junk, reason):
    out, stats = read_transcripts(pd.DataFrame({"text": [junk]}), InputConfig())
    assert out.empty and list(out.columns) == ["id", "conversation", "turn", "text"]
    assert stats[reason] == 1 and stats["customer_turns_kept"] == 0


def test_load_reads_a_transcript_file_when_told(tmp_path):
    from feedback_mining.io.readers import load_with_config

    path = tmp_path / "chats.csv"
    pd.DataFrame({"chat_id": ["c1", "c2"], "log": [CHAT, "Customer: Where is my refund?"],
                  "csat": [2, 1]}).to_csv(path, index=False)
    cfg = InputConfig(path=str(path), id="chat_id", text="log", format="transcript",
                      score="csat", score_type="csat")
    out = load_with_config(None, cfg)
    assert out["conversation"].tolist() == ["c1", "c1", "c2"]
    assert out["score"].tolist() == [2.0, 2.0, 1.0]


def test_cli_runs_on_transcripts_and_reports_what_was_dropped(tmp_path):
    import json as _json

    from typer.testing import CliRunner

    from feedback_mining.cli import app

    problems = ["my refund has not arrived after three weeks", "the return label link is broken",
                "the courier never came to collect the parcel", "sizes run very small"]
    chats = []
    for i in range(48):
        chats.append("\n".join([
            "[09:00] Agent: Hello, thanks for contacting us, how can I help?",
            f"[09:01] Customer: {problems[i % 4]}, order #A{100000 + i}",
            "*** Chat transferred to Returns ***",
            "[09:03] Agent: I'm sorry to hear that.",
            "[09:04] Customer: thanks, bye",
        ]))
    src = tmp_path / "chats.csv"
    pd.DataFrame({"chat_id": [f"c{i}" for i in range(48)], "log": chats}).to_csv(src, index=False)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, [
        "run", "-i", str(src), "--text", "log", "--id", "chat_id", "-o", str(out),
        "--set", "input.format=transcript", "--set", "embed.model=hashing", "--set", "sentiment.method=vader",
        "--set", "themes.min_theme_size=8", "--set", "output.formats=csv"])
    assert res.exit_code == 0, res.output
    assert "transcripts: 48 conversations" in res.output
    summary = _json.loads((out / "summary.json").read_text(encoding="utf-8"))
    t = summary["transcripts"]
    assert t["customer_turns_kept"] == 48 and t["dropped_agent"] == 96
    assert t["dropped_system"] == 48 and t["dropped_pleasantry"] == 48
    docs = pd.read_csv(out / "documents.csv")
    assert docs["conversation"].nunique() == 48
    assert not docs["text_clean"].str.contains("A1000").any()


def test_arbitrary_text_never_raises_and_counts_add_up():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from feedback_mining.clean.transcripts import customer_turns, parse_text

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.one_of(st.text(max_size=60), st.sampled_from(
        ["Agent: hi", "Customer: my refund", "[10:02] Customer: late", "10:02:11 Bob: x",
         "Chat transferred", "::", "[10:02]"])), max_size=12))
    def check(lines):
        from collections import Counter

        stats: Counter[str] = Counter()
        turns = parse_text("\n".join(lines), "c", stats=stats)
        kept = customer_turns(turns, stats)
        dropped = sum(v for k, v in stats.items() if k.startswith("dropped_"))
        assert stats["turns"] == len(kept) + dropped

    check()
