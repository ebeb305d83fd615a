"""``aligner align``: align one bilingual file or a pair of files."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ._app import (
    CACHE_DIR_OPTION,
    Lang,
    MAX_BEAD_OPTION,
    MAX_INPUT_OPTION,
    MIN_SCORE_OPTION,
    MODEL_OPTION,
    ALLOW_DOWNLOAD_OPTION,
    NO_CACHE_OPTION,
    PRESPLIT_OPTION,
    SKIP_COST_OPTION,
    SRC_LOCALE_OPTION,
    T2S_OPTION,
    TGT_LOCALE_OPTION,
    WINDOW_SLACK_OPTION,
    app,
    build_config,
    document_paths,
    emit,
    guarded,
    progress_bar,
    say_wrote,
    setup_logging,
)


class Fmt(str, Enum):
    tsv = "tsv"
    ladder = "ladder"
    html = "html"
    tmx = "tmx"
    xliff = "xliff"
    xliff12 = "xliff12"
    jsonl = "jsonl"


@app.command()
def align(
    src: Path = typer.Argument(..., help="Source file, or one bilingual file ('-': read it from standard input).", show_default=False),
    tgt: Optional[Path] = typer.Argument(None, help="Target file (omit for a bilingual file).",
                                         show_default=False),
    output: Path = typer.Option(Path("-"), "-o", "--output", help="Output file; '-' for stdout."),
    fmt: Optional[Fmt] = typer.Option(
        None, "--format", "-f", show_default=False,
        help="Output format (default: from the output's suffix, .html .tmx .xlf .jsonl .tsv, else tsv); "
             "xliff: XLIFF 2.1, xliff12: XLIFF 1.2."),
    src_locale: Optional[str] = SRC_LOCALE_OPTION,
    tgt_locale: Optional[str] = TGT_LOCALE_OPTION,
    presplit: bool = PRESPLIT_OPTION,
    src_lang: Optional[Lang] = typer.Option(None, "--src-lang",
                                            help="Source language of a bilingual file (default zh)."),
    model: str = MODEL_OPTION,
    allow_download: bool = ALLOW_DOWNLOAD_OPTION,
    cache_dir: Optional[Path] = CACHE_DIR_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    t2s: bool = T2S_OPTION,
    max_bead: int = MAX_BEAD_OPTION,
    skip_cost: float = SKIP_COST_OPTION,
    window_slack: float = WINDOW_SLACK_OPTION,
    max_input_mb: float = MAX_INPUT_OPTION,
    min_score: Optional[float] = MIN_SCORE_OPTION,
    exclude_flagged: Optional[str] = typer.Option(
        None, "--exclude-flagged", metavar="SEVERITY", show_default=False,
        help="TMX/XLIFF: leave out pairs with a flag at or above SEVERITY (info, warning, error)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no 'wrote FILE' line: errors only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each stage and its timing."),
) -> None:
    """Align SRC with TGT (or a bilingual SRC) and write one row per bead."""
    setup_logging(verbose, quiet)
    with guarded(verbose) as guard:
        from ..inputs import refuse_output_over_input
        from ..output import check_writable
        from ..pipeline import align_files
        from ..report import render
        from .report import check_selection, format_for

        out_fmt = format_for(output, fmt, default="tsv")  # -o x.html writes HTML; -o x.html -f tsv: exit 3
        check_selection(out_fmt, min_score, exclude_flagged)
        if str(output) != "-":
            refuse_output_over_input(output, [src, tgt])  # `align A B -o B` would destroy B
            check_writable(output)

        cfg = build_config(model, cache_dir, no_cache, t2s, max_input_mb, allow_download, max_bead=max_bead,
                           skip_cost=skip_cost, window_slack=window_slack)
        paths = document_paths(src, tgt, cfg.max_input_bytes)
        with progress_bar(not quiet) as cb:
            al = align_files(paths, config=cfg, src_lang=src_lang.value if src_lang else None,
                             presplit_input=presplit, progress=cb)
        if min_score is not None or exclude_flagged:
            from ..report.select import select_pairs

            al, _ = select_pairs(al, min_score=min_score, exclude_flagged=exclude_flagged)
        guard.check()
        emit(render(al, out_fmt, src_locale=src_locale, tgt_locale=tgt_locale), output)
        say_wrote(output, al, quiet, out_fmt)
