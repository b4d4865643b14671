"""End to end: feedback seeded with personal data leaves none of it in any output or the log."""

from __future__ import annotations

import json
import random
import re
import zipfile

import pandas as pd
from typer.testing import CliRunner

from feedback_mining.cli import app

runner = CliRunner()
FAST = ["--set", "embed.model=hashing", "--set", "sentiment.method=vader",
        "--set", "themes.min_theme_size=8"]

# Personal data a customer might leave in an answer, in varied formats, each in a phrase.
SEEDS = [
    ("jane.doe+returns@example.co.uk", "mail me at {}"), ("MARK.SMITH@GMAIL.COM", "my email is {}"),
    ("+44 20 7946 0958", "call {} please"), ("(212) 555-0187", "call {} please"),
    ("0049 30 901820", "ring {} today"), ("06 12 34 56 78", "call {} please"),
    ("4111 1111 1111 1111", "my card {} was charged twice"),
    ("3782-822463-10005", "card {} charged twice"),
    ("DE89 3704 0044 0532 0130 00", "refund to IBAN {}"),
    ("GB82WEST12345698765432", "refund to {} please"),
    ("https://shop.example.com/orders?id=88123", "see {}"),
    ("www.example.org/track", "details on {}"),
    ("1777 Kramer Court, Johnsonfurt, NE 80119", "send it to {}"),
    ("Hauptstraße 5, 10115 Berlin", "deliver to {} again"),
    ("A1234567", "order #{} never came"), ("123-4567890-1234567", "order number {} is missing"),
    ("1Z999AA10123456784", "tracking number {} is stuck"), ("RR123456789GB", "parcel {} is stuck"),
    ("88812345", "my account no. {} was charged"),
]
SECRETS = [secret for secret, _ in SEEDS]


def _seeded(feedback: pd.DataFrame) -> pd.DataFrame:
    rng = random.Random(3)
    df = feedback.copy()
    rows = rng.sample(range(len(df)), len(SEEDS) * 2)
    for k, (secret, phrase) in enumerate(SEEDS * 2):
        i = rows[k]
        phrase = phrase.format(secret)
        df.loc[i, "comment"] = f"{df.loc[i, 'comment']}, {phrase}"
    return df


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _all_text(out_dir) -> str:
    """Every cell and every byte of text in the outputs, as one string."""
    parts = []
    for path in sorted(out_dir.iterdir()):
        if path.suffix in {".csv", ".json", ".log", ".txt", ".md", ".html"}:
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).to_csv(index=False))
        elif path.suffix == ".xlsx":
            for sheet in pd.read_excel(path, sheet_name=None, header=None).values():
                parts.append(sheet.to_csv(index=False))
            with zipfile.ZipFile(path) as z:  # headers, comments, shared strings
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()
                          if n.endswith(".xml")]
    return "\n".join(parts)


def test_no_personal_data_in_any_output_or_the_log(tmp_path, feedback):
    df = _seeded(feedback)
    src = tmp_path / "survey.csv"
    df.to_csv(src, index=False)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", "--input", str(src), "--text", "comment", "--id",
                              "response_id", "--score", "nps", "--score-type", "nps",
                              "--segment", "channel", "--output", str(out), "--verbose",
                              "--set", "segment.method=clauses", *FAST])
    assert res.exit_code == 0, res.output
    names = {p.suffix for p in out.iterdir()}
    assert {".csv", ".parquet", ".xlsx", ".log"} <= names

    text = _all_text(out) + res.output
    # every number as written, separators removed ("+44 20 7946 0958" -> "442079460958")
    numbers = [_digits(m) for m in re.findall(r"\d[\d ().+/-]*\d", text)]
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
        if len(_digits(secret)) >= 7:  # also with separators changed or removed
            assert not any(_digits(secret) in n for n in numbers), secret
    assert "[EMAIL]" in text and "[PHONE]" in text and "[IBAN]" in text

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_read"] == len(df)
    assert sum(summary["redacted_by_type"].values()) >= len(SECRETS) * 2
    assert "personal data redacted" in res.output
