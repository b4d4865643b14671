"""The ``feedback-mining`` command.  Each command parses its arguments and calls one library
function; exit codes and terminal output live only here.

Exit codes: 0 success, 1 unexpected error, 2 bad input, 3 bad config, 4 model problem,
5 model not fitted, 6 missing optional package.
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from .config import Config
from .errors import FeedbackMiningError

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


def _fail(exc: BaseException, verbose: bool) -> None:
    if isinstance(exc, FeedbackMiningError):
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
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


@app.command()
def run(
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML job file.")] = None,
    input_: Annotated[str | None, typer.Option("--input", "-i", help="Feedback file.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output folder.")] = None,
    text: Annotated[str | None, typer.Option(help="Column with the verbatim.")] = None,
    id_: Annotated[str | None, typer.Option("--id", help="Column with a unique id.")] = None,
    score: Annotated[str | None, typer.Option(help="Column with the NPS/CSAT score.")] = None,
    score_type: Annotated[str | None, typer.Option(help="nps (0-10), csat or rating (1-5).")]
    = None,
    date: Annotated[str | None, typer.Option(help="Column with the date.")] = None,
    segment: Annotated[list[str] | None, typer.Option(
        "--segment", help="Column to break metrics down by (repeatable).")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a setting: section.key=value (repeatable).")] = None,
    sample: Annotated[bool, typer.Option(help="Run on the bundled review sample.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Run the pipeline and write themes, documents and segments (CSV, Parquet, Excel; add
    pptx and html to output.formats for the deck and the HTML report)."""
    from .datasets import load_sample
    from .pipeline import Pipeline

    logs = _RunLog(verbose, quiet)
    try:
        cfg = build_config(config, input_, output, text, id_, score, score_type, date, segment,
                           overrides)
        if sample:
            data = load_sample()
        elif cfg.input.path:
            data = None
        else:
            raise FeedbackMiningError("no input: pass --input FILE, set input.path in the "
                                      "config file, or use --sample.")
        result = Pipeline(cfg).run(data)
        out = Path(cfg.output.dir)
        log.info("writing outputs to %s", out)
        written = result.save(out, extra={"run.log": logs.buffer.getvalue()})
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - one line per failure
        logs.close()
        _fail(exc, verbose)
        return
    logs.close()
    if not quiet:
        typer.echo(result.summary_text())
        typer.echo(_top_themes(result))
        typer.echo(f"wrote {len(written)} files to {out}/")


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
    from .pipeline import load_result

    try:
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
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - one line per failure
        _fail(exc, verbose)
        return
    typer.echo(f"wrote {written}")


def _top_themes(result, n: int = 10) -> str:
    t = result.themes.head(n)
    if t.empty:
        return "no themes found"
    lines = [f"top {len(t)} of {len(result.themes)} themes (rank, label, verbatims, share, "
             "mean sentiment, priority):"]
    for row in t.itertuples(index=False):
        lines.append(f"  {row.rank:>3}. {row.label[:48]:<48} {row.verbatims:>6} "
                     f"{row.share:>6.1%} {row.sentiment_mean:+.2f} {row.priority:6.2f}")
    return "\n".join(lines)


@app.callback()
def _main() -> None:
    """feedback-mining: themes, sentiment and priorities from customer feedback."""


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
