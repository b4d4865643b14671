"""The ``feedback-mining`` command.  Each command parses its arguments and calls one library
function; exit codes and terminal output live only here.

Exit codes: 0 success, 1 unexpected error, 2 bad input, 3 bad config, 4 model problem,
5 model not fitted, 6 missing optional package, 7 outputs not written (folder used by
another run, not writable, disk full), 8 outputs written but the history not recorded,
9 a worker process stopped (most likely out of memory), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from .config import Config
from .errors import FeedbackMiningError, HistoryError, input_error

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn customer feedback into a ranked list of friction themes.")
log = logging.getLogger("feedback_mining")


class _RunLog:
    """Log to stderr and keep a copy for run.log in the outputs."""

    def __init__(self, verbose: bool, quiet: bool):
        self.buffer = io.StringIO()
        fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                "%Y-%m-%d %H:%M:%S")
        self.handlers = [logging.StreamHandler(sys.stderr), logging.StreamHandler(self.buffer)]
        self.handlers[0].setLevel(logging.WARNING if quiet else
                                  logging.DEBUG if verbose else logging.INFO)
        self.handlers[1].setLevel(logging.INFO)
        for h in self.handlers:
            h.setFormatter(fmt)
            log.addHandler(h)
        log.setLevel(logging.DEBUG if verbose else logging.INFO)

    def close(self) -> None:
        for h in self.handlers:
            log.removeHandler(h)


@contextlib.contextmanager
def _one_line_errors(verbose: bool, quiet: bool = False, *, keep_log: bool = True):
    """Run a command's body: its log goes to stderr (and to ``run.log`` through the yielded
    :class:`_RunLog`); any failure ends it with one ``error:`` line and its exit code."""
    logs = _RunLog(verbose, quiet) if keep_log else None
    try:
        yield logs
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - one line per failure
        _fail(exc, verbose)
    finally:
        if logs is not None:
            logs.close()


def _fail(exc: BaseException, verbose: bool) -> None:
    if isinstance(exc, FeedbackMiningError):
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt) and not verbose:
        typer.echo("error: interrupted (Ctrl-C): outputs are moved into place only once all "
                   "are written, so none was left half-written. Run it again (with "
                   "--checkpoint-dir, the finished chunks are kept for it).", err=True)
        raise typer.Exit(130)
    if verbose:
        raise exc
    first = str(exc).splitlines()[0] if str(exc) else ""
    typer.echo(f"error: unexpected {type(exc).__name__}: {first} "
               "(rerun with --verbose for the full traceback)", err=True)
    raise typer.Exit(1)


def build_config(config: Path | None, input_: str | None, output: Path | None,
                 text: str | None, id_: str | None, score: str | None, score_type: str | None,
                 date: str | None, segment: list[str] | None, overrides: list[str] | None,
                 ) -> Config:
    """Config file, then explicit flags, then ``--set`` overrides (last one wins)."""
    cfg = Config.from_toml(config) if config else Config()
    flags = []
    for key, value in (("input.path", input_), ("input.text", text), ("input.id", id_),
                       ("input.score", score), ("input.score_type", score_type),
                       ("input.date", date), ("output.dir", str(output) if output else None)):
        if value is not None:
            cfg.set(key, value)
    if segment:
        cfg.set("input.segments", list(segment))
    return cfg.with_overrides(flags + list(overrides or []))


Opt = typer.Option

ConfigOpt = Annotated[Path | None, Opt("--config", "-c", help="TOML job file.")]
InputOpt = Annotated[str | None, Opt("--input", "-i", help="Feedback file (CSV, Parquet...).")]
OutputOpt = Annotated[Path | None, Opt("--output", "-o", help="Output folder.")]
TextOpt = Annotated[str | None, Opt(help="Column with the verbatim.")]
IdOpt = Annotated[str | None, Opt("--id", help="Column with a unique id.")]
ScoreOpt = Annotated[str | None, Opt(help="Column with the NPS/CSAT score.")]
ScoreTypeOpt = Annotated[str | None, Opt(help="nps (0-10), csat or rating (1-5).")]
DateOpt = Annotated[str | None, Opt(help="Column with the date.")]
SegmentOpt = Annotated[list[str] | None, Opt("--segment",
                                             help="Column to break metrics down by (repeatable).")]
SetOpt = Annotated[list[str] | None, Opt("--set", help="Override a setting: section.key=value "
                                         "(repeatable).")]
EngineOpt = Annotated[str | None, Opt("--engine", help="local (default) or dask.")]
SchedulerOpt = Annotated[str | None, Opt("--scheduler", help="Dask scheduler tcp://host:port; "
                                         "without it --engine dask starts a local cluster.")]
CheckpointOpt = Annotated[Path | None, Opt("--checkpoint-dir", help="Keep per-chunk results "
                                           "here so a killed job resumes where it stopped.")]
TaxonomyOpt = Annotated[str | None, Opt(
    "--taxonomy", help="Known themes, found beside the new ones: a TOML/YAML file or a shipped "
    "name (returns_refunds). Same as --set themes.taxonomy=...")]
VerboseOpt = Annotated[bool, Opt("--verbose", "-v")]
QuietOpt = Annotated[bool, Opt("--quiet", "-q", help="No progress bar, warnings only.")]


def _engine_flags(cfg: Config, engine: str | None, scheduler: str | None,
                  checkpoint_dir: Path | None, quiet: bool) -> Config:
    if engine is not None:
        cfg.set("engine.name", engine)
    if scheduler is not None:
        cfg.set("engine.scheduler", scheduler)
    if checkpoint_dir is not None:
        cfg.set("engine.checkpoint_dir", str(checkpoint_dir))
    cfg.set("engine.progress", not quiet)
    return cfg.validate()


def _data(cfg: Config, sample: bool):
    from .datasets import load_sample

    if sample:
        return load_sample()
    if cfg.input.path:
        return None
    raise input_error("no input", "a feedback file", "none given",
                      "Pass --input FILE, set input.path in the config file, or use --sample.")


@app.command()
def run(
    config: ConfigOpt = None, input_: InputOpt = None, output: OutputOpt = None,
    text: TextOpt = None, id_: IdOpt = None, score: ScoreOpt = None,
    score_type: ScoreTypeOpt = None, date: DateOpt = None, segment: SegmentOpt = None,
    overrides: SetOpt = None,
    model: Annotated[Path | None, Opt("--model", "-m", help="Saved theme model folder: keep "
                                      "its theme ids, add new themes, save it back.")] = None,
    period: Annotated[str | None, Opt("--period", help="Period label for the run history "
                                      "(default: the periods of the date column).")] = None,
    history: Annotated[str | None, Opt("--history", help="History store: a file or a "
                                       "SQLAlchemy URL (default <output>/history.sqlite).")]
    = None,
    no_history: Annotated[bool, Opt("--no-history", help="Do not record this run.")] = False,
    engine: EngineOpt = None, scheduler: SchedulerOpt = None,
    checkpoint_dir: CheckpointOpt = None, taxonomy: TaxonomyOpt = None,
    sample: Annotated[bool, Opt(help="Run on the bundled review sample.")] = False,
    verbose: VerboseOpt = False, quiet: QuietOpt = False,
) -> None:
    """Run the pipeline, write themes, documents and segments (CSV, Parquet, Excel; add pptx
    and html to output.formats for the deck and the HTML report), and record the run history."""
    from .io.writers import atomic_write, lock_folder, summary_json
    from .jobs import record_history, scheduled_run

    with _one_line_errors(verbose, quiet) as logs:
        cfg = build_config(config, input_, output, text, id_, score, score_type, date, segment,
                           overrides)
        if taxonomy is not None:
            cfg.set("themes.taxonomy", taxonomy)
        cfg = _engine_flags(cfg, engine, scheduler, checkpoint_dir, quiet)
        if history is not None:
            cfg.set("history.url", history)
        data = _data(cfg, sample)
        out = Path(cfg.output.dir)
        # One run per output folder at a time: a second one stops here (exit code 7).
        with lock_folder(out):
            result = scheduled_run(data, cfg, model_dir=model, period=period, record=False)
            log.info("writing outputs to %s", out)
            written = result.save(out, extra={"run.log": logs.buffer.getvalue()})
            # The history is written only once the outputs are in place.
            if not no_history and cfg.history.enabled:
                if "error" in record_history(result, period=period):
                    for name, text in (("summary.json", summary_json(
                            result.summary.to_dict(), result.config.to_dict())),
                                       ("run.log", logs.buffer.getvalue())):
                        atomic_write(out / name, lambda tmp, t=text: tmp.write_text(
                            t, encoding="utf-8"))
    if not quiet:
        typer.echo(result.summary_text())
        typer.echo(_top_themes(result))
        if "periods" in result.summary.get("history", {}):
            h = result.summary["history"]
            typer.echo(f"history: periods {', '.join(h['periods'])} recorded in {h['url']}")
        if model is not None:
            typer.echo(f"theme model saved to {model}/")
        typer.echo(f"wrote {len(written)} files to {out}/")
    if "error" in result.summary.get("history", {}):
        typer.echo(f"error: {result.summary['history']['error']}", err=True)
        raise typer.Exit(HistoryError.exit_code)


@app.command()
def fit(
    model: Annotated[Path, Opt("--model", "-m", help="Folder to save the theme model in.")],
    config: ConfigOpt = None, input_: InputOpt = None, output: OutputOpt = None,
    text: TextOpt = None, id_: IdOpt = None, score: ScoreOpt = None,
    score_type: ScoreTypeOpt = None, date: DateOpt = None, segment: SegmentOpt = None,
    overrides: SetOpt = None, engine: EngineOpt = None, scheduler: SchedulerOpt = None,
    checkpoint_dir: CheckpointOpt = None, taxonomy: TaxonomyOpt = None,
    sample: Annotated[bool, Opt(help="Fit on the bundled review sample.")] = False,
    verbose: VerboseOpt = False, quiet: QuietOpt = False,
) -> None:
    """Fit a theme model and save it (safetensors + JSON) for `run --model`."""
    from .jobs import fit as fit_model

    with _one_line_errors(verbose, quiet):
        cfg = build_config(config, input_, output, text, id_, score, score_type, date, segment,
                           overrides)
        if taxonomy is not None:
            cfg.set("themes.taxonomy", taxonomy)
        cfg = _engine_flags(cfg, engine, scheduler, checkpoint_dir, quiet)
        result = fit_model(_data(cfg, sample), model, cfg)
        written = result.save(Path(cfg.output.dir)) if output is not None else []
    if not quiet:
        typer.echo(result.summary_text())
        typer.echo(_top_themes(result))
        typer.echo(f"theme model with {len(result.model.themes_)} themes saved to {model}/")
        if written:
            typer.echo(f"wrote {len(written)} files to {cfg.output.dir}/")


REPORT_FORMATS = ("pptx", "xlsx", "html")


@app.command()
def report(
    input_dir: Annotated[Path, typer.Option(
        "--input-dir", "-i", help="Output folder of a run (themes.parquet, summary.json...).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Report file to write.")],
    format_: Annotated[str | None, typer.Option(
        "--format", "-f", help="pptx, xlsx or html (default: from the --output suffix).")] = None,
    template: Annotated[Path | None, typer.Option(
        help="Your own .pptx whose layouts, colours and fonts the deck uses.")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a report setting, e.g. report.top_themes=5 (repeatable).")]
    = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Rebuild a report (deck, workbook or HTML page) from the saved outputs of a run."""
    from .errors import config_error
    from .result import load_result

    with _one_line_errors(verbose, keep_log=False):
        fmt = (format_ or output.suffix.lstrip(".")).lower()
        if fmt not in REPORT_FORMATS:
            raise config_error("--format", "one of " + ", ".join(REPORT_FORMATS), fmt)
        result = load_result(input_dir)
        result.config = result.config.with_overrides(list(overrides or []))
        if fmt == "pptx":
            written = result.to_pptx(output, template=template)
        elif fmt == "xlsx":
            written = result.to_excel(output)
        else:
            written = result.to_html(output)
    typer.echo(f"wrote {written}")


@app.command()
def evaluate(
    labels: Annotated[str, typer.Option("--labels", "-l",
                                        help="Column with the reference label of each row.")],
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML job file.")] = None,
    input_: Annotated[str | None, typer.Option("--input", "-i", help="Feedback file.")] = None,
    text: Annotated[str | None, typer.Option(help="Column with the verbatim.")] = None,
    id_: Annotated[str | None, typer.Option("--id", help="Column with a unique id.")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a setting: section.key=value (repeatable).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Find themes in labelled feedback without its labels, then print how well they match
    the labels: NMI, AMI, ARI, share of texts without a theme, number of themes."""
    from .evaluate import evaluate_run
    from .themes.evaluate import format_scores

    with _one_line_errors(verbose, quiet):
        cfg = build_config(config, input_, None, text, id_, None, None, None, None, overrides)
        if not cfg.input.path:
            raise input_error("no input", "a feedback file", "none given",
                              "Pass --input FILE or set input.path in the config file.")
        scores = evaluate_run(cfg, labels)
    typer.echo(format_scores(scores) + f"  set aside {scores['set_aside']}")


@app.command()
def prepare(
    config: ConfigOpt = None, overrides: SetOpt = None,
    verbose: VerboseOpt = False, quiet: QuietOpt = False,
) -> None:
    """Build the model caches a run needs (the ONNX encoders, the fast path's static model)
    so the first run does not pay for them; quick when they exist."""
    from .prepare import prepare_models

    with _one_line_errors(verbose, quiet):
        cfg = build_config(config, None, None, None, None, None, None, None, None, overrides)
        lines = prepare_models(cfg)
    if not quiet:
        typer.echo("\n".join(lines))


def _top_themes(result, n: int = 10, components: bool = True, label_width: int = 40) -> str:
    """The top ``n`` themes with the components of their priority (docs/metrics.md);
    ``components=False`` leaves the four component columns out (the README's shorter form)."""
    t = result.themes.head(n)
    if t.empty:
        return "no themes found"
    has_impact = "impact" in t
    praise = getattr(result, "praise", None)
    liked = "" if praise is None or praise.empty else \
        f"; what customers like: {len(praise)} themes, first {praise['label'].iloc[0]!r}"
    lines = [f"top {len(t)} of {len(result.themes)} friction themes (top level{liked}); "
             "priority = 100 x volume x mean(negativity, impact) x (1 + growth), on the "
             "mentions that complain:",
             f"  {'rank':>4} {'label':<{label_width}} {'verb':>6} {'share':>6} {'sent':>5} "
             f"{'neg':>5} {'impact':>7} {'gap':>6} | {'prio':>6}"
             + (f" {'p_vol':>6} {'p_neg':>5} {'p_imp':>5} {'p_gro':>5}" if components else "")
             + "  top segment (lift)"]

    def num(value, fmt: str, width: int) -> str:
        return f"{value:{fmt}}".rjust(width) if pd.notna(value) else "-".rjust(width)

    for row in t.to_dict("records"):
        seg = (f"{row['top_segment']} ({row['top_segment_lift']:.2f})"
               if isinstance(row.get("top_segment"), str) else "-")
        flags = (" low-volume" if row["low_volume"] else "") + \
            (" EMERGING" if row.get("emerging") else "") + \
            (" KNOWN" if row.get("is_new", True) in (False, 0) else "")
        parts = (f" {num(row['priority_volume'], '.3f', 6)} "
                 f"{num(row['priority_negativity'], '.2f', 5)} "
                 f"{num(row['priority_impact'], '.2f', 5)} "
                 f"{num(row['priority_growth'], '.2f', 5)}" if components else "")
        lines.append(
            f"  {row['rank']:>4} {str(row['label'])[:label_width]:<{label_width}} "
            f"{row['verbatims']:>6} "
            f"{num(row['share'], '.1%', 6)} {num(row['sentiment_mean'], '+.2f', 5)} "
            f"{num(row['share_negative'], '.0%', 5)} "
            f"{num(row['impact'] if has_impact else None, '+.3f', 7)} "
            f"{num(row['driver_gap'] if has_impact else None, '+.2f', 6)} | "
            f"{num(row['priority'], '.3f', 6)}{parts}  {seg}{flags}")
    return "\n".join(lines)



@app.callback()
def _main() -> None:
    """feedback-mining: themes, sentiment and priorities from customer feedback."""


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
