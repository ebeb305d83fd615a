"""``aligner report``: render an alignment already made (a TSV from ``aligner align``)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..config import TSV_SIZE_FACTOR
from ._app import (
    MAX_INPUT_OPTION,
    MIN_SCORE_OPTION,
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


def suffix_names(output: Path, fmt: str) -> bool:
    """Whether the output's suffix already says format ``fmt`` (``.xlf`` / ``.xliff`` say either XLIFF)."""
    named = SUFFIXES.get(output.suffix.lower())
    return named == fmt or (named == "xliff" and fmt == "xliff12")


def format_for(output: Path, fmt, default: str = "html") -> str:
    """The explicit ``--format``, else the one the output's suffix names, else ``default``.

    An explicit format that disagrees with a known suffix (``-o x.html -f tsv``) is
    refused (``.xlf`` / ``.xliff`` take either XLIFF version) (``InputError``, exit 3): it would write TSV into a file every
    program opens as HTML.
    """
    named = SUFFIXES.get(output.suffix.lower()) if str(output) != "-" else None
    if fmt is not None:
        value = fmt.value if hasattr(fmt, "value") else str(fmt)
        if named is not None and not suffix_names(output, value):
            from ..errors import InputError

            raise InputError(f"--format {value} disagrees with the output's suffix {output.suffix!r} "
                             f"(which means {named}): give a matching -o or --format", path=str(output))
        return value
    return named or default


def check_selection(out_fmt: str, min_score, exclude_flagged) -> None:
    """``--min-score`` / ``--exclude-flagged`` apply to TMX and XLIFF only, with a known severity (else exit 3)."""
    from ..errors import InputError
    from ..report.select import TM_FORMATS

    if exclude_flagged and exclude_flagged not in ("info", "warning", "error"):  # the value first, whatever format
        raise InputError(f"--exclude-flagged: unknown severity {exclude_flagged!r} (info, warning or error)")
    if (min_score is not None or exclude_flagged) and out_fmt not in TM_FORMATS:
        raise InputError(f"--min-score and --exclude-flagged choose the pairs of a translation memory: they apply "
                         f"to {', '.join(TM_FORMATS[:-1])} and {TM_FORMATS[-1]} output, not {out_fmt}")


@app.command()
def report(
    alignment: Path = typer.Argument(..., help="An alignment TSV written by 'aligner align'.", show_default=False),
    output: Path = typer.Option(Path("-"), "-o", "--output", help="Output file; '-' for stdout."),
    fmt: Optional[ReportFmt] = typer.Option(
        None, "--format", "-f", show_default=False,
        help="Output format (default: from the output's suffix, .html .tmx .xlf .jsonl, else html); "
             "xliff: XLIFF 2.1, xliff12: XLIFF 1.2."),
    src_locale: Optional[str] = SRC_LOCALE_OPTION,
    tgt_locale: Optional[str] = TGT_LOCALE_OPTION,
    max_input_mb: float = typer.Option(
        MAX_INPUT_OPTION.default, "--max-input-mb", min=0.0, callback=finite,
        help=f"The input limit 'aligner align' used: a TSV up to {TSV_SIZE_FACTOR} times this size is read."),
    min_score: Optional[float] = MIN_SCORE_OPTION,
    exclude_flagged: Optional[str] = typer.Option(
        None, "--exclude-flagged", metavar="SEVERITY", show_default=False,
        help="TMX/XLIFF: leave out pairs with a flag at or above SEVERITY (info, warning, error) not accepted "
             "in --review."),
    review: Optional[Path] = typer.Option(
        None, "--review", show_default=False,
        help="A review file saved by the HTML page: its alignment corrections are applied first "
             "(stale ones are reported on stderr and skipped)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what is done."),
) -> None:
    """Render ALIGNMENT (TSV) as an HTML review page, TMX, XLIFF or JSONL, without aligning again."""
    setup_logging(verbose, quiet)
    with guarded(verbose) as guard:
        from ..inputs import refuse_output_over_input
        from ..report import render
        from ..report.tsv import read_tsv

        refuse_output_over_input(output, [alignment] + ([review] if review else []))
        out_fmt = format_for(output, fmt)
        check_selection(out_fmt, min_score, exclude_flagged)
        rv = None
        if review is not None:
            from ..review import load_review

            rv = load_review(review)
        al = read_tsv(alignment, max_bytes=input_limit(max_input_mb) * TSV_SIZE_FACTOR)
        if not al.beads:  # align never writes one (empty inputs are refused): an empty page would pass as fine
            from ..errors import InputError

            raise InputError("no alignment rows after the header: nothing to report", path=str(alignment))
        if rv is not None and rv.corrections:
            import dataclasses

            from ..corrections import apply_corrections

            fixed = apply_corrections(al.beads, al.src, al.tgt, rv.corrections)
            for why in fixed.stale:
                typer.echo(f"aligner: warning: {review}: stale {why}; not applied", err=True)
            if not quiet:
                typer.echo(f"aligner: {review}: {fixed.applied} corrections applied, {len(fixed.stale)} stale",
                           err=True)
            # a review page made from it saves these with its own fixes, so the file still applies to the text
            al = dataclasses.replace(al, beads=fixed.beads,
                                     meta={**al.meta, "base_corrections": list(fixed.applied_ops)})
        if min_score is not None or exclude_flagged:
            from ..report.select import select_pairs

            pairs = sum(1 for b in al.beads if b.src_ids and b.tgt_ids)
            al, dropped = select_pairs(al, min_score=min_score, exclude_flagged=exclude_flagged, review=rv)
            if not quiet:  # pairs: two-sided beads (one-sided ones have no score; TMX holds pairs only anyway)
                kept = sum(1 for b in al.beads if b.src_ids and b.tgt_ids)
                typer.echo(f"aligner: {pairs - kept} of {pairs} pairs left out (--min-score / --exclude-flagged), "
                           f"{kept} kept", err=True)
        guard.check()
        emit(render(al, out_fmt, src_locale=src_locale, tgt_locale=tgt_locale), output)
        say_wrote(output, al, quiet, out_fmt)
