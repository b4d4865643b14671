"""How often cleaning sets real text aside (false positives of gibberish and language checks),
how much clause segmentation splits, and how long the clean stage takes on 23k reviews.

Every set here is English, written by real people (or for Bitext, realistic customer
utterances), so any text flagged as gibberish or as another language is a candidate false
positive; the flagged texts are printed to be looked at.

Run: ``PYTHONPATH=src python benchmarks/clean.py [--write]``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import zipfile
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
ROOT = Path(__file__).resolve().parents[1]


def datasets() -> dict[str, list[str]]:
    with zipfile.ZipFile(DATA / "womens_ecommerce_reviews" / "reviews.csv.zip") as z:
        name = next(n for n in z.namelist() if n.endswith(".csv") and "MACOSX" not in n)
        reviews = pd.read_csv(z.open(name))["Review Text"].fillna("").astype(str).tolist()
    bitext = pd.read_csv(DATA / "bitext_cs8k" /
                         "Bitext_Sample_Customer_Service_Training_Dataset.csv")["utterance"]
    banking = pd.concat([pd.read_csv(DATA / "banking77" / f) for f in ("train.csv", "test.csv")])
    clinc = json.loads((DATA / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    return {
        "reviews": reviews,
        "bitext": bitext.astype(str).tolist(),
        "banking77": banking["text"].astype(str).tolist(),
        "clinc150": [x[0] for split in clinc.values() for x in split],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--show", type=int, default=8)
    args = ap.parse_args()

    from feedback_mining.clean import clean_with_stats
    from feedback_mining.config import CleanConfig, SegmentConfig
    from feedback_mining.segment import segment

    lines = ["| data | rows | kept | set aside (by reason) | languages other than en "
             "| duplicates | clean s | segments (clauses) | verbatims split |",
             "|---|---:|---:|---|---|---:|---:|---:|---:|"]
    shown = []
    for name, texts in datasets().items():
        frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts})
        t0 = time.perf_counter()
        out, stats = clean_with_stats(frame, CleanConfig())
        secs = time.perf_counter() - t0
        seg = segment(out, SegmentConfig(method="clauses"))
        sstats = seg.attrs["feedback_mining"]["segment"]
        other = {k: v for k, v in stats["languages"].items() if k not in ("en", "undetermined")}
        lines.append(
            f"| {name} | {stats['rows_read']} | {stats['rows_kept']} | "
            f"{stats['rows_set_aside']} | {other or 'none'} | {stats['duplicates']} | "
            f"{secs:.1f} | {sstats['segments']} | {sstats['verbatims_split']} |"
        )
        odd = out[out["set_aside"].fillna("").str.match(r"gibberish|language")]
        for text, reason in zip(odd["text_clean"], odd["set_aside"], strict=True):
            shown.append(f"  {name} {reason}: {text[:90]!r}")
    tab = "\n".join(lines)
    print(tab)
    print(f"\n{len(shown)} texts set aside as gibberish or language (all candidate false "
          f"positives; first {args.show}):")
    print("\n".join(shown[: args.show]))
    if args.write:
        path = ROOT / "docs" / "BENCHMARKS.md"
        text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        section = (
            "## Cleaning on real text\n\n"
            f"`PYTHONPATH=src python benchmarks/clean.py --write` on {time.strftime('%Y-%m-%d')}, "
            "2-core CPU, 24 GB, default clean settings (PII redaction, gibberish, language "
            "policy drop, dedup).  Every set is English, so each gibberish or language "
            "set-aside is a candidate false positive.\n\n"
            f"{tab}\n\n{len(shown)} texts set aside as gibberish or language in total; the "
            "first ones:\n\n" + "\n".join(f"- {s.strip()}" for s in shown[: args.show]) + "\n"
        )
        pattern = re.compile(r"## Cleaning on real text\n.*?(?=\n## |\Z)", re.S)
        text = pattern.sub(section.rstrip("\n"), text) if pattern.search(text) else (
            text.rstrip("\n") + "\n\n" + section)
        path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        print(f"written to {path}")



if __name__ == "__main__":
    main()
