"""``aligner report``: render an alignment already made (a TSV from ``aligner align``)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..config import TSV_SIZE_FACTOR
from ._app import (
    MAX_INPUT_OPTION,
    SRC_LOCALE_OPTION,
    TGT_LOCALE_OPTION,
    app,
    emit,
    finite,
    guarded,
    input_limit,
    say_wrote,
    setup_logging,
)


class ReportFmt(str, Enum):
    html = "html"
    tmx = "tmx"
    xliff = "xliff"
    xliff12 = "xliff12"
    jsonl = "jsonl"
    tsv = "tsv"
    ladder = "ladder"


#: Output suffix -> format, when --format is not given. ``.xlf`` stays XLIFF 2.1 (what it meant before XLIFF
#: 1.2 was added, so existing scripts get the same file); ``--format xliff12`` writes 1.2 for the older tools.
SUFFIXES = {".html": "html", ".htm": "html", ".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff",
            ".jsonl": "jsonl", ".tsv": "tsv", ".ladder": "ladder"}


def format_for(output: Path, fmt: Optional[ReportFmt]) -> str:
    """The explicit ``--format``, else the one the output's suffix names, else html."""
    if fmt is not None:
        return fmt.value
    return SUFFIXES.get(output.suffix.lower(), "html")


@app.command()
def report(
    alignment: Path = typer.Argument(..., help="An alignment TSV written by 'aligner align'.", show_default=False),
    output: Path = typer.Option(Path("-"), "-o", "--output", help="Output file; '-' for stdout."),
    fmt: Optional[ReportFmt] = typer.Option(
        None, "--format", "-f", show_default=False,
        help="Output format [default: from the output's suffix (.html .tmx .xlf .jsonl), else html]; "
             "xliff: XLIFF 2.1, xliff12: XLIFF 1.2."),
    src_locale: Optional[str] = SRC_LOCALE_OPTION,
    tgt_locale: Optional[str] = TGT_LOCALE_OPTION,
    max_input_mb: float = typer.Option(
        MAX_INPUT_OPTION.default, "--max-input-mb", min=0.0, callback=finite,
        help=f"The input limit 'aligner align' used: a TSV up to {TSV_SIZE_FACTOR} times this size is read."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what is done."),
) -> None:
    """Render ALIGNMENT (TSV) as an HTML review page, TMX, XLIFF or JSONL, without aligning again."""
    setup_logging(verbose, quiet)
    with guarded(verbose) as guard:
        from ..inputs import refuse_output_over_input
        from ..report import render
        from ..report.tsv import read_tsv

        refuse_output_over_input(output, [alignment])  # `report X.tsv -o X.tsv` would destroy X.tsv
        al = read_tsv(alignment, max_bytes=input_limit(max_input_mb) * TSV_SIZE_FACTOR)
        if not al.beads:  # align never writes one (empty inputs are refused): an empty page would pass as fine
            from ..errors import InputError

            raise InputError("no alignment rows after the header: nothing to report", path=str(alignment))
        guard.check()
        emit(render(al, format_for(output, fmt), src_locale=src_locale, tgt_locale=tgt_locale), output)
        say_wrote(output, al, quiet)
