"""``aligner batch``: align every bilingual entry of a corpus, locally or on a Dask cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._app import (
    CACHE_DIR_OPTION,
    MAX_INPUT_OPTION,
    MODEL_OPTION,
    ALLOW_DOWNLOAD_OPTION,
    NO_CACHE_OPTION,
    PRESPLIT_OPTION,
    app,
    build_config,
    guarded,
    progress_bar,
    setup_logging,
)


def batch_summary(s, outdir: Path) -> str:
    """One line: documents aligned, up to date, failed, skipped (not bilingual, by kind); time and throughput."""
    from collections import Counter

    where = f"Dask {s.scheduler}" if s.scheduler else f"{s.workers} local worker(s)"
    kinds = Counter(kind for _, kind in s.not_bilingual)
    skipped = f"{len(s.not_bilingual)} skipped" + (
        f" (not bilingual: {', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})" if kinds else "")
    total = len(s.results) + len(s.not_bilingual)
    # a rate only when something was aligned ("0.0 documents/min" read as a stall)
    rate = f" ({s.documents_per_minute:.1f} documents/min)" if s.counts.get("done", 0) else ""
    return (f"{s.counts.get('done', 0)} aligned, {s.counts.get('skipped', 0)} up to date, "
            f"{s.counts.get('failed', 0)} failed, {skipped} of {total} documents in {s.seconds:.1f} s on {where}"
            f"{rate}; outputs in {outdir}")


@app.command()
def batch(
    corpus: Path = typer.Argument(..., help="Corpus manifest.json, or a directory holding one.", show_default=False),
    outdir: Path = typer.Option(..., "-o", "--output-dir", help="Directory for <id>.tsv outputs (created).",
                                show_default=False),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1,
                                          help="Local worker processes (1: in this process).",
                                          show_default="CPU count"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="tcp://HOST:PORT",
                                            help="Run on this Dask distributed scheduler instead of local processes.",
                                            show_default=False),
    force: bool = typer.Option(False, "--force", help="Redo entries whose output is up to date."),
    presplit: bool = PRESPLIT_OPTION,
    model: str = MODEL_OPTION,
    allow_download: bool = ALLOW_DOWNLOAD_OPTION,
    cache_dir: Optional[Path] = CACHE_DIR_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    max_input_mb: float = MAX_INPUT_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, errors only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each entry."),
) -> None:
    """Align every bilingual entry of CORPUS into OUTDIR/<id>.tsv; resumable.

    An entry whose output is up to date (same input bytes and signature) is
    skipped; outputs are written atomically. Exit code: 0 when every entry is
    aligned or up to date, else the worst entry's code (2 not parallel, 3 input).
    """
    setup_logging(verbose, quiet)
    with guarded(verbose, stopped=f"finished outputs kept in {outdir}; rerun to do the rest"):
        from ..batch import run_batch

        cfg = build_config(model, cache_dir, no_cache, allow_download=allow_download, max_input_mb=max_input_mb)
        with progress_bar(not quiet) as cb:
            s = run_batch(corpus, outdir, config=cfg, workers=workers, scheduler=scheduler, force=force,
                          presplit=presplit, progress=cb)
        for r in s.results:
            if r.status == "failed":
                typer.echo(f"aligner: error: {r.id}: {r.error}", err=True)
        for r in s.results:
            if r.backup:
                typer.echo(f"aligner: note: {r.id}: the earlier output was edited since aligner wrote it; "
                           f"kept as {r.backup}", err=True)
        if not quiet:
            typer.echo(batch_summary(s, outdir))
        raise typer.Exit(s.exit_code)
