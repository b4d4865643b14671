import zipfile

import pandas as pd
import pytest

import feedback_mining as fm
from feedback_mining import InputError
from feedback_mining.io import safe_cell, write_csv


def _write(tmp_path, name, frame, **kw):
    path = tmp_path / name
    frame.to_csv(path, index=False, **kw)
    return path


def test_load_maps_columns(tmp_path, feedback):
    path = _write(tmp_path, "survey.csv", feedback)
    df = fm.load(path, text="comment", score="nps", score_type="nps", date="submitted_at",
                 id="response_id", segments=["channel"])
    assert list(df.columns) == ["id", "text", "score", "date", "channel"]
    assert len(df) == len(feedback)
    assert df["id"].tolist() == feedback["response_id"].tolist()
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert df.attrs["feedback_mining"]["score_type"] == "nps"


@pytest.mark.parametrize("sep, encoding", [(";", "cp1252"), ("\t", "utf-16"), ("|", "utf-8-sig")])
def test_csv_delimiters_and_encodings_are_detected(tmp_path, sep, encoding):
    frame = pd.DataFrame({"comment": ["Rückerstattung fehlt", "café déjà vu, trop tard"],
                          "score": [2, 5]})
    path = _write(tmp_path, "f.csv", frame, sep=sep, encoding=encoding)
    df = fm.load(path, text="comment", score="score", score_type="csat")
    assert df["text"].tolist() == frame["comment"].tolist()


@pytest.mark.parametrize("suffix", ["xlsx", "parquet", "jsonl"])
def test_other_formats(tmp_path, feedback, suffix):
    path = tmp_path / f"f.{suffix}"
    if suffix == "xlsx":
        feedback.to_excel(path, index=False)
    elif suffix == "parquet":
        feedback.to_parquet(path)
    else:
        feedback.to_json(path, orient="records", lines=True)
    df = fm.load(path, text="comment", id="response_id", score="nps")
    assert len(df) == len(feedback)
    assert df.attrs["feedback_mining"]["score_type"] == "nps"


def test_zip_with_mac_metadata(tmp_path, feedback):
    path = tmp_path / "f.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("survey.csv", feedback.to_csv(index=False))
        z.writestr("__MACOSX/._survey.csv", b"\x00\x05\x16\x07")
    assert len(fm.load(path, text="comment")) == len(feedback)


def test_missing_column_names_file_column_and_suggestion(tmp_path, feedback):
    path = _write(tmp_path, "survey.csv", feedback)
    with pytest.raises(InputError) as err:
        fm.load(path, text="coment")
    msg = str(err.value)
    assert "survey.csv" in msg and "'coment'" in msg and "Did you mean 'comment'" in msg


def test_text_in_score_column_names_the_row(tmp_path, feedback):
    feedback["nps"] = feedback["nps"].astype(object)
    feedback.loc[4, "nps"] = "ten"
    path = _write(tmp_path, "survey.csv", feedback)
    with pytest.raises(InputError) as err:
        fm.load(path, text="comment", score="nps")
    msg = str(err.value)
    # the spreadsheet row a person opens: the header is row 1, the 5th record is row 6
    assert "'nps'" in msg and "row 6:" in msg and "'ten'" in msg


def test_score_out_of_range(tmp_path, feedback):
    path = _write(tmp_path, "survey.csv", feedback)
    with pytest.raises(InputError, match="between 1 and 5"):
        fm.load(path, text="comment", score="nps", score_type="csat")


@pytest.mark.parametrize("content, fragment", [
    (b"", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary content"),
    (b"comment,nps\n", "at least one row"),
])
def test_unusable_files(tmp_path, content, fragment):
    path = tmp_path / "survey.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=fragment):
        fm.load(path, text="comment")


def test_duplicate_ids_and_bad_dates(tmp_path, feedback):
    dup = feedback.copy()
    dup.loc[3, "response_id"] = dup.loc[2, "response_id"]
    with pytest.raises(InputError, match="unique ids"):
        fm.load(_write(tmp_path, "a.csv", dup), text="comment", id="response_id")
    bad = feedback.copy()
    bad.loc[7, "submitted_at"] = "last tuesday"
    with pytest.raises(InputError, match="row 9:.*last tuesday"):
        fm.load(_write(tmp_path, "b.csv", bad), text="comment", date="submitted_at")


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        fm.load(tmp_path / "nope.csv")
    odd = tmp_path / "data.docx"
    odd.write_text("x")
    with pytest.raises(InputError, match="suffix"):
        fm.load(odd)


def test_csv_output_neutralises_formulas(tmp_path):
    frame = pd.DataFrame({"text": ['=HYPERLINK("http://evil")', "@SUM(A1)", "fine"],
                          "n": [-1, 2, 3]})
    out = pd.read_csv(write_csv(frame, tmp_path / "t.csv"))
    assert out["text"].tolist()[:2] == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"]
    assert out["n"].tolist() == [-1, 2, 3]  # numbers stay numbers
    assert safe_cell("-5 stars") == "'-5 stars"
