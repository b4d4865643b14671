"""Hostile or careless input stays bounded: ZIP bombs, formulas in segment values, raw
verbatims in errors, secrets in URLs, a checkpoint folder with the user's own files."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

import feedback_mining as fm
from feedback_mining import Pipeline

from .conftest import make_feedback

FAST = ["embed.model=hashing", "sentiment.method=vader", "themes.min_theme_size=8"]


def _bomb(path, megabytes: int):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("data.csv", "w") as fh:
            fh.write(b"text\n")
            block = b"a" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    return path


def test_zip_bomb_stops_at_the_ratio_cap(tmp_path):
    path = _bomb(tmp_path / "bomb.zip", 64)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(fm.InputError) as err:
        fm.load(path)
    msg = str(err.value)
    assert "bomb.zip" in msg and "input.max_zip_ratio" in msg


def test_zip_member_stops_at_the_read_cap(tmp_path):
    path = _bomb(tmp_path / "big.zip", 12)
    with pytest.raises(fm.InputError) as err:
        fm.io.load_with_config(
            None, fm.Config().with_overrides(
                [f"input.path={path}", "input.max_read_mb=5", "input.max_zip_ratio=100000"]
            ).input)
    assert "input.max_read_mb" in str(err.value)


def test_whole_file_read_is_capped(tmp_path):
    path = tmp_path / "survey.json"
    make_feedback(n_per_theme=300).to_json(path, orient="records")
    cfg = fm.Config().with_overrides([f"input.path={path}", "input.text=comment",
                                      "input.max_read_mb=0.05"])
    with pytest.raises(fm.InputError, match="input.max_read_mb"):
        fm.io.load_with_config(None, cfg.input)


def _deck_formulas(path) -> list[str]:
    found = []
    with zipfile.ZipFile(path) as deck:
        for name in deck.namelist():
            if name.startswith("ppt/embeddings/") and name.endswith(".xlsx"):
                import io

                with zipfile.ZipFile(io.BytesIO(deck.read(name))) as book:
                    for part in book.namelist():
                        if part.startswith("xl/worksheets/"):
                            found += re.findall(r"<f>(.*?)</f>", book.read(part).decode())
    return found


def test_segment_values_never_become_formulas_in_the_decks_charts(tmp_path):
    frame = make_feedback()
    frame["channel"] = frame["channel"].map(
        {"app": "=cmd|' /C calc'!A0", "web": "@SUM(1+1)"})
    cfg = fm.Config().with_overrides([*FAST, "input.text=comment", "input.id=response_id",
                                      "input.score=nps", "input.segments=[\"channel\"]",
                                      "score.segment_min_verbatims=1"])
    result = Pipeline(cfg).run(frame)
    result.themes["label"] = "=HYPERLINK(\"http://evil\")"  # a label an analyst typed
    path = result.to_pptx(tmp_path / "deck.pptx")
    assert _deck_formulas(path) == []


def test_errors_never_print_a_whole_verbatim(tmp_path):
    frame = make_feedback()
    secret = "my email is jane.doe@example.com and my card ends 4242, refund me now"
    frame["nps"] = frame["nps"].astype(object)
    frame.loc[5, "nps"] = secret  # text mapped as the score
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(fm.InputError) as err:
        fm.load(path, text="comment", score="nps")
    msg = str(err.value)
    assert "row 7" in msg and "jane.doe@example.com" not in msg and secret not in msg


def test_history_password_is_never_echoed_or_saved(tmp_path):
    from feedback_mining.jobs import scheduled_run

    url = "postgresql+nosuchdriver://analyst:s3cr3t-pw@db.example.com/feedback"
    cfg = fm.Config().with_overrides([*FAST, "input.text=comment", f"history.url={url}",
                                      f"output.dir={tmp_path / 'out'}"])
    result = scheduled_run(make_feedback(), cfg)  # history failure: a warning, outputs kept
    assert "s3cr3t-pw" not in json.dumps(result.summary, default=str)
    result.save(tmp_path / "out")
    saved = (tmp_path / "out" / "summary.json").read_text(encoding="utf-8")
    assert "s3cr3t-pw" not in saved and "analyst" in saved


def test_checkpoint_dir_only_deletes_what_it_wrote(tmp_path):
    folder = tmp_path / "work"
    mine = folder / "chunk-important"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("keep me")
    cfg = fm.Config().with_overrides([*FAST, "input.text=comment",
                                      f"engine.checkpoint_dir={folder}",
                                      "engine.chunk_size=60"])
    Pipeline(cfg).run(make_feedback())
    # other settings: the old chunks are stale and removed, the user's folder is not
    Pipeline(cfg.with_overrides(["themes.seed=3", "clean.min_chars=4"])).run(make_feedback())
    assert (mine / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in folder.glob("chunk-0*")) == ["chunk-00000", "chunk-00001"]


def test_checkpoint_never_overwrites_a_users_folder_named_like_a_chunk(tmp_path):
    folder = tmp_path / "work"
    (folder / "chunk-00000").mkdir(parents=True)
    (folder / "chunk-00000" / "plan.txt").write_text("keep me too")
    cfg = fm.Config().with_overrides([*FAST, "input.text=comment",
                                      f"engine.checkpoint_dir={folder}"])
    with pytest.raises(fm.FeedbackMiningError, match="chunk-00000.*did not write"):
        Pipeline(cfg).run(make_feedback())
    assert (folder / "chunk-00000" / "plan.txt").read_text() == "keep me too"


def test_html_escapes_segment_values_and_labels(tmp_path):
    frame = make_feedback()
    frame["channel"] = frame["channel"].map({"app": "<script>alert(1)</script>", "web": "web"})
    cfg = fm.Config().with_overrides([*FAST, "input.text=comment", "input.segments=[\"channel\"]",
                                      "score.segment_min_verbatims=1"])
    result = Pipeline(cfg).run(frame)
    result.themes["label"] = "<img src=x onerror=alert(2)>"
    page = result.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<img src=x" not in page


@pytest.mark.parametrize("damage", ["truncated", "not_xml"])
def test_damaged_workbook_is_an_input_error_not_unexpected(tmp_path, damage):
    path = tmp_path / "survey.xlsx"
    make_feedback().to_excel(path, index=False)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as z:
            for item in src.infolist():
                z.writestr(item, b"<worksheet><sheetData><row>"
                           if item.filename == "xl/worksheets/sheet1.xml" else src.read(item))
        path = (tmp_path / "bad.xlsx").rename(path)
    with pytest.raises(fm.InputError, match="survey.xlsx.*damaged"):
        fm.load(path, text="comment")


def test_json_transcripts_are_capped_too(tmp_path):
    path = tmp_path / "chats.json"
    path.write_text(json.dumps([{"id": f"c{i}", "turns": [
        {"speaker": "customer", "text": "refund late " * 20}]} for i in range(400)]))
    cfg = fm.Config().with_overrides([f"input.path={path}", "input.format=transcript",
                                      "input.max_read_mb=0.05"])
    with pytest.raises(fm.InputError, match="chats.json.*input.max_read_mb"):
        fm.io.load_with_config(None, cfg.input)


def test_no_workbook_sheet_holds_a_formula_from_customer_text(tmp_path):
    """Every sheet (issue 16's What changed, Data dictionary and segment sheets too) stores
    hostile labels, segment values and verbatims as text."""
    import openpyxl

    frame = make_feedback()
    frame["channel"] = frame["channel"].map({"app": "=cmd|' /C calc'!A0", "web": "@SUM(1+1)"})
    frame.loc[3, "comment"] = "=HYPERLINK(\"http://evil\",\"click\") " + frame.loc[3, "comment"]
    cfg = fm.Config().with_overrides([*FAST, "input.text=comment", "input.score=nps",
                                      "input.date=submitted_at", "input.segments=[\"channel\"]",
                                      "score.period=W", "score.segment_min_verbatims=1"])
    result = Pipeline(cfg).run(frame)
    for table in (result.themes, result.trend):  # a label an analyst typed
        table["label"] = "+HYPERLINK(\"http://evil\")"
    assert not result.changes.empty  # the What changed sheet is written, with the labels
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "themes.xlsx"))
    assert {"What changed", "Data dictionary", "Documents", "Mentions"} <= set(book.sheetnames)
    risky = [(ws.title, c.coordinate, c.value) for ws in book.worksheets for row in ws.iter_rows()
             for c in row if c.data_type == "f"
             or (isinstance(c.value, str) and c.value.startswith(("=", "+", "@")))]
    assert risky == []
    changed = [c.value for row in book["What changed"].iter_rows() for c in row]
    assert "'+HYPERLINK(\"http://evil\")" in changed  # kept, as text
