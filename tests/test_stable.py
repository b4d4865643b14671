"""Stable themes across runs: saved models, known ids kept, new themes found, renames kept."""

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import feedback_mining as fm
from feedback_mining import Pipeline
from feedback_mining.embed import HashingEmbedder
from feedback_mining.errors import ModelError
from feedback_mining.themes import ThemeModel

from .conftest import make_feedback

SRC = Path(__file__).resolve().parents[1] / "src"
NEW_THEME = ["the app crashes at checkout", "checkout page freezes in the app",
             "app crashed when I tried to pay", "payment screen crashes the app",
             "the app keeps crashing at the payment step"]


def _load(frame):
    return fm.load(frame, text="comment", id="response_id", date="submitted_at")


def _with_new_theme(seed: int, n: int = 30, base: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = make_feedback(seed=seed) if base is None else base
    rng = random.Random(seed)
    extra = pd.DataFrame({
        "theme": "crash",
        "comment": [rng.choice(["", "honestly ", "again "]) + rng.choice(NEW_THEME)
                    + rng.choice(["", " please fix", "!"]) for _ in range(n)],
        "nps": 2,
    })
    extra.insert(0, "response_id", [f"x{i:04d}" for i in range(n)])
    extra["channel"] = "app"
    extra["submitted_at"] = "2026-02-10"
    return pd.concat([frame, extra], ignore_index=True)


def _majority(result, frame):
    docs = result.documents.set_index("id")
    theme = frame.set_index("response_id")["theme"]
    ids = docs["theme_id"].reindex(theme.index)
    return ids.groupby(theme).agg(lambda s: s.value_counts().index[0]).to_dict()


@pytest.fixture(scope="module")
def fitted():
    cfg = fm.Config().with_overrides(["embed.model=hashing", "sentiment.method=vader",
                                       "themes.min_theme_size=8"])
    frame = make_feedback()
    return cfg, frame, Pipeline(cfg).run(_load(frame))


def test_saved_model_assigns_the_same_in_a_new_process(fitted, tmp_path):
    _, frame, result = fitted
    folder = result.model.save(tmp_path / "model")
    assert sorted(p.name for p in folder.iterdir()) == ["model.json", "themes.safetensors"]
    meta = json.loads((folder / "model.json").read_text())
    assert meta["embedding_model"] == {"name": "hashing", "dim": 512}
    texts = frame["comment"].tolist()
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    code = (
        "import json, sys\n"
        "from feedback_mining.embed import HashingEmbedder\n"
        "from feedback_mining.themes import ThemeModel\n"
        f"m = ThemeModel.load({str(folder)!r})\n"
        f"texts = json.load(open({str(tmp_path / 'texts.json')!r}))\n"
        "print(json.dumps(m.transform(HashingEmbedder().encode(texts)).tolist()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert out.returncode == 0, out.stderr
    in_new_process = json.loads(out.stdout.strip().splitlines()[-1])
    here = result.model.transform(HashingEmbedder().encode(texts)).tolist()
    assert in_new_process == here
    assert sum(t >= 0 for t in here) >= 0.9 * len(here)


def test_second_run_keeps_known_ids_and_reports_the_new_theme(fitted):
    cfg, frame, first = fitted
    known = set(first.model.themes_["theme_id"])
    # next week: two thirds of the same verbatims, plus a new complaint about the app
    shifted = _with_new_theme(seed=1, base=frame.sample(frac=0.7, random_state=1))
    second = Pipeline(cfg, model=first.model).run(_load(shifted))

    changes = second.summary["theme_changes"]
    assert len(changes["new"]) >= 1
    new_ids = {t["theme_id"] for t in changes["new"]}
    assert min(new_ids) == max(known) + 1  # ids continue after the highest known id
    # the planted theme went to a new theme, the old themes kept their ids
    assert _majority(second, shifted)["crash"] in new_ids
    # a verbatim seen in both runs is (almost always) in the theme with the same id
    a = first.mentions[["text", "theme_id"]].drop_duplicates("text")
    b = second.mentions[["text", "theme_id"]].drop_duplicates("text")
    both = a.merge(b, on="text", suffixes=("_1", "_2"))
    assert len(both) >= 50
    assert (both["theme_id_1"] == both["theme_id_2"]).mean() >= 0.85
    assert not set(both["theme_id_2"]) & new_ids
    # known themes and their labels are still there, with the same ids
    kept = second.model.themes_.set_index("theme_id")["label"]
    for tid, label in first.model.themes_.set_index("theme_id")["label"].items():
        assert kept[tid] == label
    assert second.model.history_[-1]["new"] == changes["new"]
    assert "new themes:" in second.summary_text()
    # the new theme is a row of its own, flagged new; it is counted in no known row
    parents = dict(zip(second.model.themes_["theme_id"], second.model.themes_["parent_id"],
                       strict=True))
    known_parents = set(first.model.themes_["parent_id"])
    assert all(parents[t] not in known_parents for t in new_ids), parents
    rows = second.themes.set_index("theme_id")
    crash_row = parents[_majority(second, shifted)["crash"]]
    assert crash_row in rows.index and bool(rows.loc[crash_row, "is_new"])
    assert not rows.loc[list(known_parents & set(rows.index)), "is_new"].any()
    crash = second.mentions["text"].str.contains("crash")
    assert not second.mentions.loc[crash, "parent_id"].isin(list(known_parents)).any()


def test_renamed_labels_survive_a_rerun(fitted, tmp_path):
    cfg, frame, first = fitted
    folder = first.model.save(tmp_path / "model")
    meta = json.loads((folder / "model.json").read_text())
    target = meta["themes"][0]["theme_id"]
    meta["themes"][0]["label"] = "Refunds (renamed by analyst)"
    (folder / "model.json").write_text(json.dumps(meta))
    result = Pipeline(cfg, model=ThemeModel.load(folder)).run(_load(_with_new_theme(seed=2)))
    detail = result.subthemes[result.subthemes["kind"] == "friction"]
    assert detail.set_index("theme_id")["label"][target] == "Refunds (renamed by analyst)"
    named = result.mentions[result.mentions["theme_id"] == target]["theme_label"]
    assert len(named) and (named == "Refunds (renamed by analyst)").all()
    result.model.save(folder)
    again = ThemeModel.load(folder)
    assert again.themes_.set_index("theme_id")["label"][target] == "Refunds (renamed by analyst)"
    assert len(again.history_) == 1


class _OtherEmbedder(HashingEmbedder):
    name = "another-model"


def test_embeddings_from_another_model_are_refused(fitted):
    cfg, frame, first = fitted
    with pytest.raises(ModelError, match="fitted on embeddings from 'hashing'"):
        Pipeline(cfg, model=first.model, embedder=_OtherEmbedder()).run(_load(frame))
    with pytest.raises(ModelError, match="do not match this theme model"):
        first.model.transform(np.ones((2, 7), dtype=np.float32))


def test_assignment_only_run_keeps_every_id(fitted):
    cfg, frame, first = fitted
    only = cfg.with_overrides(["stable.new_themes=false"])
    result = Pipeline(only, model=first.model).run(_load(_with_new_theme(seed=3)))
    assert set(result.documents["theme_id"]) <= set(first.model.themes_["theme_id"]) | {-1}
    assert "theme_changes" not in result.summary
