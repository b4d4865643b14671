"""Support chat transcripts: keep what the customer said, drop the script around it.

Three layouts are read:

(a) **text**: one text per conversation with speaker-prefixed lines, with or without
    timestamps (``[10:02] Agent: ...``, ``10:02:11 Customer: ...``, ``2024-03-01 10:02 Anna:``);
    a line without a prefix continues the turn above it;
(b) **turns**: one row per turn (conversation id, turn index, speaker, text);
(c) **json**: a list of conversations, each with a list of turns
    (``{"id": "c1", "turns": [{"speaker": "customer", "text": "..."}]}``; ``messages``,
    ``role``/``author``/``from`` and ``content``/``message``/``body`` are understood too), or
    ``{"c1": [turns...]}``, or one conversation.

Customer turns are kept; agent turns (greetings, scripts), system messages ("Chat
transferred", "Customer left the chat") and pleasantries ("hi", "thanks, bye") are dropped
and counted.  Lines that cannot be read are counted as ``malformed`` and never raise.
Each kept turn keeps its conversation id, so themes can be counted per conversation.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import InputConfig
from ..errors import input_error

CUSTOMER, AGENT, SYSTEM, UNKNOWN = "customer", "agent", "system", "unknown"
CUSTOMER_NAMES = frozenset({
    "customer", "client", "user", "visitor", "guest", "buyer", "shopper", "consumer", "caller",
    "member", "contact", "end user", "enduser", "me",
})
AGENT_NAMES = frozenset({
    "agent", "advisor", "adviser", "support", "rep", "representative", "assistant", "bot",
    "chatbot", "operator", "staff", "csr", "associate", "specialist", "virtual assistant",
    "customer service", "customer support", "support agent", "service", "helpdesk", "team",
    "moderator", "admin", "expert", "host",
})
SYSTEM_NAMES = frozenset({"system", "info", "notice", "notification", "automated message", "auto"})

_TIME = r"(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"
_LINE = re.compile(
    r"^\s*(?:[\[(]?(?P<ts>" + _TIME + r")[\])]?\s*[-–|]?\s*)?"
    r"(?P<speaker>[^\W\d_][\w .'&()-]{0,39}?)\s*(?:\([^)]{0,30}\))?\s*:\s*(?P<text>.*)$"
)
_TS_ONLY = re.compile(r"^\s*[\[(]?(?P<ts>" + _TIME + r")[\])]?\s*[-–|]?\s*(?P<text>.*)$")
_SYSTEM_TEXT = re.compile(
    r"(?i)^\W*(?:chat (?:was )?(?:transferred|started|ended|closed|reopened)|"
    r"(?:the )?(?:customer|visitor|agent|user|\w+) (?:has )?(?:left|joined|entered|exited) "
    r"(?:the )?(?:chat|conversation|room)|conversation (?:started|ended|closed|transferred)|"
    r"(?:transferred|connecting|connected) to |you are now (?:chatting|connected)|"
    r"\w+ is typing|please wait(?: while)?|waiting for an? (?:agent|advisor)|"
    r"(?:chat|session) (?:timed out|expired)|this chat (?:has been|was|is being) (?:recorded|"
    r"transferred)|\*{2,}|-{3,})"
)
_PLEASANTRY = re.compile(
    r"(?i)\b(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|thanks?(?: you)?(?: so much|"
    r" very much| a lot)?|thx|ty|cheers|bye|goodbye|ok(?:ay)?|yes|yeah|yep|no|nope|sure|great|"
    r"perfect|cool|fine|alright|all right|got it|i see|that'?s (?:all|it|great)|have a (?:nice|"
    r"good|great) (?:day|one|evening)|you too|please|pls|again|there|much|appreciated?|"
    r"helpful|for (?:your|the) help|that'?s helpful|understood|nothing else|no more questions)\b"
)


@dataclass
class Turn:
    """One turn of a conversation."""

    conversation: str
    turn: int
    speaker: str
    role: str
    text: str


def speaker_role(
    speaker: str, *, customers: Iterable[str] = (), agents: Iterable[str] = ()
) -> str:
    """``customer``, ``agent``, ``system`` or ``unknown`` for a speaker label.

    ``customers`` and ``agents`` map names to roles ("Anna" -> agent) and win over the
    built-in role words.

    >>> speaker_role("Customer"), speaker_role("Anna", agents=["anna"]), speaker_role("Bob")
    ('customer', 'agent', 'unknown')
    """
    key = " ".join(str(speaker).lower().replace("_", " ").split())
    if key in {c.lower() for c in customers}:
        return CUSTOMER
    if key in {a.lower() for a in agents}:
        return AGENT
    if key in CUSTOMER_NAMES:
        return CUSTOMER
    if key in AGENT_NAMES or key.endswith((" agent", " support", " bot", " team")):
        return AGENT
    if key in SYSTEM_NAMES:
        return SYSTEM
    return UNKNOWN


def is_system_message(text: str) -> bool:
    """True for platform messages such as "Chat transferred to Billing".

    >>> is_system_message("Customer left the chat"), is_system_message("Chat transferred")
    (True, True)
    """
    return bool(_SYSTEM_TEXT.match(text or ""))


def is_pleasantry(text: str) -> bool:
    """True when a turn is only greetings, thanks or goodbyes.

    >>> is_pleasantry("Hi there!"), is_pleasantry("thanks, bye"), is_pleasantry("my refund?")
    (True, True, False)
    """
    rest = _PLEASANTRY.sub(" ", text or "")
    return not re.search(r"[^\W\d_]{2,}|\d", rest)


def parse_text(
    text: str, conversation: str, *, customers: Iterable[str] = (), agents: Iterable[str] = (),
    stats: Counter[str] | None = None,
) -> list[Turn]:
    """Split one conversation written as speaker-prefixed lines into turns (layout a).

    >>> chat = "[10:02] Agent: Hi, how can I help?\\n[10:03] Customer: My refund is late"
    >>> turns = parse_text(chat, "c1")
    >>> [(t.role, t.text) for t in turns]
    [('agent', 'Hi, how can I help?'), ('customer', 'My refund is late')]
    """
    stats = stats if stats is not None else Counter()
    customers, agents = list(customers), list(agents)
    turns: list[Turn] = []
    for raw_line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        stats["lines"] += 1
        m = _LINE.match(line)
        role = UNKNOWN
        if m:
            role = speaker_role(m["speaker"], customers=customers, agents=agents)
        if m and role != UNKNOWN:
            turns.append(Turn(conversation, len(turns), m["speaker"].strip(), role,
                              m["text"].strip()))
            continue
        body = _TS_ONLY.match(line)
        content = body["text"] if body else line
        if is_system_message(content):
            turns.append(Turn(conversation, len(turns), "system", SYSTEM, content))
        elif m and len(m["speaker"].split()) <= 3 and (m["speaker"][0].isupper() or m["ts"]):
            # A named speaker we were not told about: counted, not guessed.
            stats["unknown_speaker_turns"] += 1
            turns.append(Turn(conversation, len(turns), m["speaker"].strip(), UNKNOWN,
                              m["text"].strip()))
        elif turns and not (body and body["ts"]):
            turns[-1].text = f"{turns[-1].text}\n{line}".strip()  # continuation
            stats["continuation_lines"] += 1
        else:
            stats["malformed_lines"] += 1
    return turns


def parse_turn_rows(
    frame: pd.DataFrame, *, conversation: str, speaker: str, text: str, turn: str | None = None,
    customers: Iterable[str] = (), agents: Iterable[str] = (), stats: Counter[str] | None = None,
) -> list[Turn]:
    """Turns from a table with one row per turn (layout b); bad rows are counted."""
    stats = stats if stats is not None else Counter()
    customers, agents = list(customers), list(agents)
    for name in (conversation, speaker, text):
        if name not in frame.columns:
            raise input_error(
                f"transcript table, column '{name}'", "a column of that name",
                f"the columns {', '.join(map(str, frame.columns))}",
                "Set input.conversation, input.speaker and input.text to the right columns.",
            )
    order = frame
    if turn and turn in frame.columns:
        key = pd.to_numeric(frame[turn], errors="coerce")
        order = frame.assign(_turn=key).sort_values([conversation, "_turn"], kind="stable")
    turns: list[Turn] = []
    counters: Counter[str] = Counter()
    for conv, spk, txt in zip(order[conversation].tolist(), order[speaker].tolist(),
                              order[text].tolist(), strict=True):
        stats["lines"] += 1
        if _missing(conv) or _missing(txt):
            stats["malformed_lines"] += 1
            continue
        conv = str(conv)
        role = speaker_role("" if _missing(spk) else str(spk), customers=customers, agents=agents)
        if role == UNKNOWN and is_system_message(str(txt)):
            role = SYSTEM
        if role == UNKNOWN:
            stats["unknown_speaker_turns"] += 1
        turns.append(Turn(conv, counters[conv], str(spk), role, str(txt).strip()))
        counters[conv] += 1
    return turns


def parse_json(
    data: Any, *, customers: Iterable[str] = (), agents: Iterable[str] = (),
    stats: Counter[str] | None = None,
) -> tuple[list[Turn], dict[str, dict[str, Any]]]:
    """Turns from parsed JSON (layout c) and the other fields of each conversation."""
    stats = stats if stats is not None else Counter()
    customers, agents = list(customers), list(agents)
    if isinstance(data, dict) and any(k in data for k in ("turns", "messages", "transcript")):
        data = [data]
    if isinstance(data, dict):
        data = [{"id": k, "turns": v} for k, v in data.items()]
    if not isinstance(data, list):
        raise input_error("transcript JSON", "a list of conversations", type(data).__name__,
                          "Give a list of {\"id\": ..., \"turns\": [...]} objects.")
    turns: list[Turn] = []
    extra: dict[str, dict[str, Any]] = {}
    for i, conv in enumerate(data):
        if not isinstance(conv, dict):
            stats["malformed_conversations"] += 1
            continue
        cid = str(_first(conv, ("id", "conversation_id", "conversation", "chat_id", "ticket_id"),
                         f"conversation-{i + 1}"))
        items = _first(conv, ("turns", "messages", "transcript", "conversation"), None)
        extra[cid] = {k: v for k, v in conv.items() if not isinstance(v, (list, dict))
                      and k not in ("id", "conversation_id", "chat_id", "ticket_id")}
        if isinstance(items, str):
            turns += parse_text(items, cid, customers=customers, agents=agents, stats=stats)
            continue
        if not isinstance(items, list):
            stats["malformed_conversations"] += 1
            continue
        n = 0
        for item in items:
            stats["lines"] += 1
            if not isinstance(item, dict):
                stats["malformed_lines"] += 1
                continue
            spk = _first(item, ("speaker", "role", "author", "from", "sender", "name"), "")
            txt = _first(item, ("text", "content", "message", "body", "value"), None)
            if not isinstance(txt, str) or not txt.strip():
                stats["malformed_lines"] += 1
                continue
            role = speaker_role(str(spk), customers=customers, agents=agents)
            if role == UNKNOWN and is_system_message(txt):
                role = SYSTEM
            if role == UNKNOWN:
                stats["unknown_speaker_turns"] += 1
            turns.append(Turn(cid, n, str(spk), role, txt.strip()))
            n += 1
    return turns, extra


def customer_turns(turns: Sequence[Turn], stats: Counter[str] | None = None) -> list[Turn]:
    """Keep the customer's turns that say something; count what is dropped and why."""
    stats = stats if stats is not None else Counter()
    kept = []
    for t in turns:
        stats["turns"] += 1
        if t.role == AGENT:
            stats["dropped_agent"] += 1
        elif t.role == SYSTEM or is_system_message(t.text):
            stats["dropped_system"] += 1
        elif t.role == UNKNOWN:
            stats["dropped_unknown_speaker"] += 1
        elif is_pleasantry(t.text):
            stats["dropped_pleasantry"] += 1
        else:
            kept.append(t)
    stats["customer_turns_kept"] += len(kept)
    stats["conversations"] = len({t.conversation for t in turns})
    stats["conversations_kept"] = len({t.conversation for t in kept})
    return kept


def read_transcripts(
    source: str | Path | pd.DataFrame | list[Any] | dict[str, Any], cfg: InputConfig | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Read transcripts in any supported layout; one row per kept customer turn.

    Returns a frame with ``id`` (``"<conversation>:<turn>"``), ``conversation``, ``turn``,
    ``text`` and the conversation's other columns (score, date, segments...), and the counts of
    what was read and dropped.

    Examples
    --------
    >>> chat = "Agent: Hello!\\nCustomer: Refund is 3 weeks late"
    >>> df = pd.DataFrame({"chat": ["c1"], "log": [chat]})
    >>> out, stats = read_transcripts(df, InputConfig(id="chat", text="log"))
    >>> out[["id", "conversation", "text"]].values.tolist(), stats["dropped_agent"]
    ([['c1:1', 'c1', 'Refund is 3 weeks late']], 1)
    """
    cfg = cfg or InputConfig()
    stats: Counter[str] = Counter()
    names = {"customers": cfg.customer_speakers, "agents": cfg.agent_speakers}
    extra: dict[str, dict[str, Any]] = {}
    if isinstance(source, (list, dict)):
        turns, extra = parse_json(source, **names, stats=stats)
    elif isinstance(source, (str, Path)) and Path(source).suffix.lower() == ".json":
        path = Path(source)
        if path.is_file() and path.stat().st_size > cfg.max_read_mb * (1 << 20):
            raise input_error(str(path), f"a JSON file of at most {cfg.max_read_mb:g} MB "
                              "(input.max_read_mb)", f"{path.stat().st_size / (1 << 20):.1f} MB",
                              "Export the conversations as one row per turn (CSV), or raise "
                              "input.max_read_mb if the machine has the memory.")
        try:
            data = json.loads(path.read_text(encoding=cfg.encoding or "utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise input_error(str(path), "a JSON file of conversations", f"unreadable JSON ({exc})",
                              "Check the file, or export it as one row per turn.") from None
        turns, extra = parse_json(data, **names, stats=stats)
    else:
        if isinstance(source, pd.DataFrame):
            frame = source
        else:
            from ..io.tables import read_options, read_table

            frame = read_table(source, **read_options(cfg))
        if ("turns" in frame.columns  # columns are "str", not object, on pandas 3
                and cfg.text not in frame.columns):
            turns, extra = parse_json(frame.to_dict("records"), **names, stats=stats)
        else:
            speaker = cfg.speaker or next((c for c in ("speaker", "role", "author", "sender")
                                           if c in frame.columns), None)
            if speaker is not None:
                known = ("conversation", "conversation_id", "chat_id")
                conv = cfg.conversation or cfg.id or next(
                    (c for c in known if c in frame.columns), None)
                if conv is None:
                    raise input_error("transcript table", "a conversation id column",
                                      "none given", "Set input.conversation.")
                turns = parse_turn_rows(frame, conversation=conv, speaker=speaker, text=cfg.text,
                                        turn=cfg.turn, **names, stats=stats)
                extra = _conversation_fields(frame, conv, cfg, drop={speaker, cfg.text, cfg.turn})
            else:
                if cfg.text not in frame.columns:
                    raise input_error(f"transcript table, column '{cfg.text}'", "the transcript "
                                      "text", f"the columns {', '.join(map(str, frame.columns))}",
                                      "Set input.text to the column holding the conversation.")
                conv = cfg.conversation or cfg.id
                ids = (frame[conv].astype(str).tolist() if conv and conv in frame.columns
                       else [f"conversation-{i + 1}" for i in range(len(frame))])
                turns = []
                for cid, body in zip(ids, frame[cfg.text].tolist(), strict=True):
                    if _missing(body):
                        stats["empty_conversations"] += 1
                        continue
                    turns += parse_text(str(body), cid, **names, stats=stats)
                key = pd.Series(ids, index=frame.index)
                extra = {cid: rec for cid, rec in zip(
                    key, frame.drop(columns=[c for c in (cfg.text, conv) if c in frame.columns])
                    .to_dict("records"), strict=True)}
    kept = customer_turns(turns, stats)
    rows = []
    for t in kept:
        row = {"id": f"{t.conversation}:{t.turn}", "conversation": t.conversation,
               "turn": t.turn, "text": t.text}
        for k, v in extra.get(t.conversation, {}).items():
            row.setdefault(str(k), v)
        rows.append(row)
    out = pd.DataFrame(rows, columns=None if rows else ["id", "conversation", "turn", "text"])
    return out, dict(stats)


def _conversation_fields(frame: pd.DataFrame, conv: str, cfg: InputConfig,
                         drop: set[str | None]) -> dict[str, dict[str, Any]]:
    cols = [c for c in frame.columns if c not in drop and c != conv]
    if not cols:
        return {}
    first = frame.drop_duplicates(conv)
    return {str(k): rec for k, rec in zip(first[conv].tolist(), first[cols].to_dict("records"),
                                          strict=True)}


def _first(d: dict[str, Any], keys: Sequence[str], default: Any) -> Any:
    for k in keys:
        if k in d and d[k] is not None:
            return d[k]
    return default


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())
