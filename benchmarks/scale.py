"""Scale benchmark: the pipeline on 10k, 100k and 1M verbatims, default and fast path,
against BERTopic's default pipeline.

Inputs are real texts from ../shared/data (Banking77, Bitext, CLINC150, the women's
e-commerce reviews, the UCI review sentences, SST-2 dev) sampled and expanded with light
variation (typos, swapped words, prefixes, order numbers), written as CSV and read by the
pipeline from the file.  Each configuration runs in its own subprocess; the parent prints
its wall time, verbatims per second and peak memory (the larger of ``os.wait4``'s rusage of
that child and its resident memory summed with its worker processes', sampled every half
second).
Theme quality is NMI against the intent labels on the labelled part of the input
(Banking77 and Bitext rows; a text without a theme counts as one more cluster).

BERTopic's default pipeline is ``BERTopic()`` with all-MiniLM-L6-v2 embeddings computed in
the same run (default UMAP, HDBSCAN, CountVectorizer).  A configuration that runs past its
time limit is killed and reported as ``> limit`` (a lower bound on its time).

Usage::

    python benchmarks/scale.py                       # 10k and 100k, all configurations
    python benchmarks/scale.py --sizes 1000000 --configs ours-fast
    python benchmarks/scale.py --threads 1 --timeout 900
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
WORK = Path(os.environ.get("FM_SCALE_DIR", "/tmp/fm_scale"))
CONFIGS = ("ours-fast", "ours-fast-whole", "ours-default", "ours-default-head", "bertopic")
# ours-default-head: the default path with sentiment.method=head (a linear head on the
# embeddings): what one shared encoder pass would cost at best, sentiment for free.
# only when named: the fast path with the static model distilled from MiniLM (before issue 15)
EXTRA_CONFIGS = ("ours-fast-distilled",)
# ours-fast-whole: the fast path with one segment per verbatim (segment.method=none), as
# BERTopic sees its documents; the default clusters sentences, whose fragments (greetings,
# thanks) NMI against one intent per verbatim penalises.
PREFIXES = ["", "hi, ", "hello ", "urgent: ", "question: ", "please help - ", "hey ",
            "order {n}: ", "ticket #{n} ", "re: "]
SUFFIXES = ["", " thanks", " asap", " (order {n})", "!!", " pls", " ref {n}", "?"]


# ----------------------------------------------------------------------------- data
def base_corpus() -> pd.DataFrame:
    """Every real text with its source and, where there is one, its label."""
    frames = []
    for split in ("train", "test"):
        b = pd.read_csv(DATA / "banking77" / f"{split}.csv")
        frames.append(pd.DataFrame({"text": b["text"], "label": "banking77:" + b["category"],
                                    "source": "banking77"}))
    bt = pd.read_csv(DATA / "bitext_cs8k" / "Bitext_Sample_Customer_Service_Training_Dataset.csv")
    frames.append(pd.DataFrame({"text": bt["utterance"], "label": "bitext:" + bt["intent"],
                                "source": "bitext"}))
    clinc = json.loads((DATA / "clinc150" / "data_full.json").read_text())
    rows = [r for split in ("train", "val", "test") for r in clinc[split]]
    frames.append(pd.DataFrame({"text": [r[0] for r in rows], "label": None, "source": "clinc150"}))
    import zipfile

    with zipfile.ZipFile(DATA / "womens_ecommerce_reviews" / "reviews.csv.zip") as zf:
        name = next(m for m in zf.namelist() if m.endswith(".csv") and "__MACOSX" not in m)
        with zf.open(name) as fh:
            rv = pd.read_csv(fh)["Review Text"].dropna()
    frames.append(pd.DataFrame({"text": rv, "label": None, "source": "reviews"}))
    for name in ("amazon_cells_labelled", "imdb_labelled", "yelp_labelled"):
        lines = (DATA / "uci_sentiment_sentences" / f"{name}.txt").read_text(
            encoding="utf-8", errors="replace").splitlines()
        frames.append(pd.DataFrame({"text": [ln.rsplit("\t", 1)[0] for ln in lines if ln],
                                    "label": None, "source": "uci"}))
    sst = pd.read_csv(DATA / "sst2" / "dev.tsv", sep="\t")
    frames.append(pd.DataFrame({"text": sst["sentence"], "label": None, "source": "sst2_dev"}))
    out = pd.concat(frames, ignore_index=True)
    out["text"] = out["text"].astype(str).str.strip()
    return out[out["text"].str.len() > 0].reset_index(drop=True)


def vary(text: str, rng: random.Random) -> str:
    """A light variation: a typo, two swapped words, a prefix or suffix with a number."""
    words = text.split()
    kind = rng.random()
    if kind < 0.25 and len(text) > 6:  # typo: swap two adjacent letters
        i = rng.randrange(1, len(text) - 2)
        text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    elif kind < 0.45 and len(words) > 3:  # swap two adjacent words
        i = rng.randrange(0, len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
        text = " ".join(words)
    elif kind < 0.55 and len(words) > 2:  # drop a word
        del words[rng.randrange(len(words))]
        text = " ".join(words)
    n = rng.randrange(1000, 99999)
    if rng.random() < 0.5:
        text = rng.choice(PREFIXES).format(n=n) + text
    if rng.random() < 0.4:
        text = text + rng.choice(SUFFIXES).format(n=n)
    return text


def make_input(n: int, seed: int = 0) -> Path:
    """``WORK/input-<n>.csv`` (id, text, label, source); built once, then reused."""
    path = WORK / f"input-{n}.csv"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    base = base_corpus()
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    if n <= len(base):
        idx = np.sort(np_rng.choice(len(base), n, replace=False))
        vary_p = 0.3
    else:
        idx = np.concatenate([np.arange(len(base)),
                              np_rng.choice(len(base), n - len(base), replace=True)])
        np_rng.shuffle(idx)
        vary_p = 0.8
    texts = base["text"].to_numpy()
    out = [vary(str(texts[i]), rng) if rng.random() < vary_p else str(texts[i]) for i in idx]
    frame = pd.DataFrame({"id": [f"v{i}" for i in range(n)], "text": out,
                          "label": base["label"].to_numpy()[idx],
                          "source": base["source"].to_numpy()[idx]})
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def nmi(assigned: pd.Series, labels: pd.Series) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    mask = labels.notna().to_numpy()
    return float(normalized_mutual_info_score(labels[mask].astype(str),
                                              assigned[mask].astype(int)))


# ----------------------------------------------------------------------------- one config
def run_one(config: str, n: int, threads: int, settings: list[str] | None = None) -> dict:
    import torch

    torch.set_num_threads(threads)
    path = make_input(n)
    truth = pd.read_csv(path, usecols=["id", "label"]).set_index("id")["label"]
    t0 = time.perf_counter()
    if config.startswith("ours"):
        import feedback_mining as fm

        cfg = fm.Config().with_overrides([
            "input.text=text", "input.id=id",
            f"engine.fast_path={'never' if config.startswith('ours-default') else 'always'}",
            *(["sentiment.method=head"] if config == "ours-default-head" else []),
            *(["segment.method=none"] if config == "ours-fast-whole" else []),
            *(["engine.fast_path_embed=static"]
              if config == "ours-fast-distilled" else []),
            *(settings or []),
        ])
        result = fm.Pipeline(cfg).run(str(path))
        wall = time.perf_counter() - t0
        assigned = result.documents.set_index("id")["theme_id"].reindex(truth.index)
        extra = {"themes": int(result.summary["themes"]),
                 "unassigned": round(float((assigned == -1).mean()), 3),
                 "path": result.summary["path"], "theme_model": result.summary["theme_model"],
                 "seconds": result.summary["seconds"]}
    else:
        from bertopic import BERTopic
        from sentence_transformers import SentenceTransformer

        from feedback_mining.embed import resolve_model_path

        texts = pd.read_csv(path, usecols=["text"])["text"].astype(str).tolist()
        st = SentenceTransformer(resolve_model_path("all-MiniLM-L6-v2"), device="cpu")
        emb = st.encode(texts, batch_size=64, show_progress_bar=False)
        t_emb = time.perf_counter() - t0
        topics, _ = BERTopic().fit_transform(texts, embeddings=emb)
        wall = time.perf_counter() - t0
        assigned = pd.Series(topics, index=truth.index)
        extra = {"themes": int(len(set(topics)) - (1 if -1 in topics else 0)),
                 "unassigned": round(float((assigned == -1).mean()), 3),
                 "seconds": {"embed": round(t_emb, 1), "total": round(wall, 1)}}
    return {"config": config, "n": n, "wall_s": round(wall, 1),
            "per_s": round(n / wall, 1), "nmi": round(nmi(assigned, truth), 3), **extra}


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and every process under it, added up (Linux /proc):
    with worker processes the run's memory is their sum, not the largest one."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 2**20


def launch(config: str, n: int, threads: int, timeout: float,
           settings: list[str] | None = None) -> dict:
    """Run one configuration in a child process; its own peak RSS comes from wait4."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               NUMBA_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = WORK / f"result-{config}-{n}.json"
    out.unlink(missing_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--one", config, "--n", str(n),
                             "--threads", str(threads), "--result", str(out),
                             *[f"--set={s}" for s in settings or []]], env=env)
    deadline = t0 + timeout
    status, usage = 0, None
    tree_peak = 0.0  # sampled every half second: the sum over the run's processes
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return {"config": config, "n": n, "wall_s": f"> {timeout:.0f}", "per_s":
                    f"< {n / timeout:.1f}", "nmi": None,
                    "peak_mb": round(max(usage.ru_maxrss / 1024, tree_peak)),
                    "timed_out": True}
        if sys.platform.startswith("linux"):
            tree_peak = max(tree_peak, _tree_rss_mb(proc.pid))
        time.sleep(0.5)
    # wait4's figure is the largest single process; the sampled sum covers worker processes
    peak = round(max(usage.ru_maxrss / 1024, tree_peak)) if usage else None
    if status != 0 or not out.exists():
        return {"config": config, "n": n, "failed": f"exit status {status}", "peak_mb": peak}
    result = json.loads(out.read_text())
    result["peak_mb"] = peak
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS),
                    choices=CONFIGS + EXTRA_CONFIGS)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per configuration")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                    help="a setting other than the default for our configurations")
    args = ap.parse_args()
    if args.one:
        res = run_one(args.one, args.n, args.threads, args.settings)
        Path(args.result).write_text(json.dumps(res, default=str))
        return
    if not DATA.exists():
        sys.exit(f"needs the shared data sets at {DATA}")
    # Build the inputs and the static model once, outside the timed runs.
    sys.path.insert(0, str(ROOT / "src"))
    from feedback_mining.prepare import prepare_models

    for n in args.sizes:
        t0 = time.perf_counter()
        p = make_input(n)
        print(f"input {n}: {p} ({time.perf_counter() - t0:.0f}s to build or find)", flush=True)
    t0 = time.perf_counter()
    for line in prepare_models():  # the ONNX exports and the static model, outside the runs
        print(line, flush=True)
    if "ours-fast-distilled" in args.configs:
        from feedback_mining.embed import StaticEmbedder

        StaticEmbedder(model="static")._load()  # distilled once and cached
    print(f"models ready ({time.perf_counter() - t0:.0f}s, built once and cached)", flush=True)
    print(f"machine: {os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}; "
          f"threads per run: {args.threads}", flush=True)
    results = []
    for n in args.sizes:
        for config in args.configs:
            res = launch(config, n, args.threads, args.timeout, args.settings)
            results.append(res)
            print("RESULT " + json.dumps(res, default=str), flush=True)
            print(f"{config:>13} {n:>8}: wall {res.get('wall_s')} s, {res.get('per_s')} "
                  f"verbatims/s, peak {res.get('peak_mb')} MB, NMI {res.get('nmi')}, "
                  f"themes {res.get('themes')}, unassigned {res.get('unassigned')}"
                  + (f" [{res['failed']}]" if "failed" in res else ""), flush=True)
    print_ratios(results)


def print_ratios(results: list[dict]) -> None:
    """Each of our configurations against BERTopic's default on the same input, same run:
    throughput ratio, NMI of both, and where our time went."""
    print("\nratio = our verbatims/s over BERTopic's on the same input in this run")
    print(f"{'verbatims':>10} {'configuration':>16} {'wall s':>8} {'ratio':>6} "
          f"{'NMI ours':>8} {'NMI BERTopic':>12}  stage split (s)")
    for n in sorted({r["n"] for r in results}):
        ref = next((r for r in results if r["n"] == n and r["config"] == "bertopic"
                    and isinstance(r.get("wall_s"), float)), None)
        for r in results:
            if r["n"] != n or r["config"] == "bertopic" or not isinstance(r.get("wall_s"), float):
                continue
            ratio = f"{ref['wall_s'] / r['wall_s']:.2f}" if ref else "-"
            stages = ", ".join(f"{k} {v:.0f}" for k, v in (r.get("seconds") or {}).items())
            print(f"{n:>10} {r['config']:>16} {r['wall_s']:>8.1f} {ratio:>6} "
                  f"{r['nmi']:>8.3f} {(ref or {}).get('nmi', float('nan')):>12.3f}  {stages}")


if __name__ == "__main__":
    main()
