"""Real-world encodings: a corpus generated here, read as a user expects or refused clearly."""

from __future__ import annotations

import logging

import pytest

import feedback_mining as fm
from feedback_mining.errors import InputError

from .conftest import make_feedback

FAST = ["embed.model=hashing", "sentiment.method=vader", "themes.min_theme_size=8"]

FRENCH = ["Très déçu, livraison en retard", "Produit reçu cassé, très déçu",
          "Parfait, merci à l'équipe", "Remboursement jamais arrivé, où est mon argent ?"]
JAPANESE = ["配送が遅いです", "返品の手続きが難しい", "商品が壊れていました", "とても満足しています"]


def _csv(rows: list[str], sep: str = ";") -> str:
    lines = [f"id{sep}comment{sep}nps"] + [f"{i}{sep}{t}{sep}{i % 10}"
                                           for i, t in enumerate(rows)]
    return "\r\n".join(lines) + "\r\n"


def _load(tmp_path, data: bytes, **kw):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    return fm.load(path, text="comment", id="id", **kw)


@pytest.mark.parametrize("encoding,prefix", [
    ("latin-1", b""), ("cp1252", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
])
def test_common_exports_read_right(tmp_path, encoding, prefix):
    df = _load(tmp_path, prefix + _csv(FRENCH).encode(encoding))
    assert df["text"].tolist() == FRENCH


def test_latin1_semicolon_csv_reads_tres_decu(tmp_path):
    """The case of the issue: a Latin-1 ';' CSV read as a Korean/Chinese code page."""
    df = _load(tmp_path, _csv(["Très déçu", "Très déçu du service"]).encode("latin-1"))
    assert df["text"].tolist() == ["Très déçu", "Très déçu du service"]


def test_cp1252_quotes_and_euro(tmp_path):
    rows = ["Don’t charge me 5 € again", "“Late” – as usual…"]
    assert _load(tmp_path, _csv(rows).encode("cp1252"))["text"].tolist() == rows


def test_mac_roman_read_when_clearly_right(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="feedback_mining"):
        df = _load(tmp_path, _csv(FRENCH).encode("mac_roman"))
    assert df["text"].tolist() == FRENCH
    assert "mac_roman" in caplog.text


def test_shift_jis_read_when_clearly_right(tmp_path):
    df = _load(tmp_path, _csv(JAPANESE).encode("shift_jis"))
    assert df["text"].tolist() == JAPANESE


def test_forced_encoding_wins(tmp_path):
    data = _csv(FRENCH).encode("latin-1")
    df = _load(tmp_path, data, encoding="latin-1")
    assert df["text"].tolist() == FRENCH
    # forcing the wrong one is the user's choice: a clear error when it cannot decode
    with pytest.raises(InputError, match=r"export.csv.*input.encoding"):
        _load(tmp_path, data, encoding="utf-8")


def test_mixed_utf8_and_cp1252_lines(tmp_path, caplog):
    data = ("id;comment;nps\r\n" + "".join(
        f"{i};{t};5\r\n" for i, t in enumerate(FRENCH))).encode("utf-8") + \
        "9;Très déçu encore;1\r\n".encode("cp1252")
    with caplog.at_level(logging.WARNING, logger="feedback_mining"):
        df = _load(tmp_path, data)
    assert df["text"].tolist() == [*FRENCH, "Très déçu encore"]
    assert "1 line(s) are not UTF-8" in caplog.text


def test_garbled_text_stops_with_the_setting_to_set(tmp_path):
    """UTF-8 full of replacement characters (an earlier tool lost the letters)."""
    rows = ["Tr\ufffds d\ufffd\ufffdu", "re\ufffdu cass\ufffd", "\ufffd\ufffd\ufffd"]
    with pytest.raises(InputError) as err:
        _load(tmp_path, _csv(rows).encode("utf-8"))
    msg = str(err.value)
    assert "export.csv" in msg and "utf-8" in msg and "input.encoding" in msg


def test_cyrillic_cp1251_not_read_as_accented_latin(tmp_path):
    rows = ["Посылка не пришла", "Возврат денег задерживается"]
    assert _load(tmp_path, _csv(rows).encode("cp1251"))["text"].tolist() == rows


def test_pipeline_reads_a_utf8_file_with_a_late_cp1252_line(tmp_path):
    """The streamed CSV path must not fail (or garble) on a non-UTF-8 line past its head."""
    frame = make_feedback(n_per_theme=250)  # past the 64 KiB head that is sniffed
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    with path.open("ab") as fh:
        fh.write("r9999,refund,Très déçu du remboursement,1,app,2026-03-01\r\n".encode("cp1252"))
    cfg = fm.Config().with_overrides([*FAST, "input.text=comment", "input.id=response_id"])
    result = fm.Pipeline(cfg).run(path)
    docs = result.documents.set_index("id")
    assert docs.loc["r9999", "text_clean"] == "Très déçu du remboursement"
