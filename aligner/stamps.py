"""Resumable batch outputs: the key of a job's inputs, the stamp beside each output, backups of hand edits.

Each output ``OUTDIR/<id>.tsv`` gets a stamp ``<id>.tsv.done`` (JSON) holding
a key (sha256 of the input files' bytes, their names, the source language and
the run's signature) and the sha256 of the TSV. ``aligner.batch`` skips an
entry whose stamp matches and redoes anything else; an output edited by hand
since aligner wrote it is kept as ``<id>.tsv.bak`` first (``keep_backup``).
The TSV is written atomically and its stamp after it (``finish_output``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .batch import Job

log = logging.getLogger("aligner.batch")  # the batch run's own messages, as before this module split off

STAMP_SUFFIX = ".done"


def _sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def job_key(paths: Sequence[str | Path], signature: str, src_lang: str | None = None) -> str:
    """sha256 over the inputs' bytes, their names, the source language and the run signature."""
    h = hashlib.sha256()
    h.update(signature.encode())
    h.update(f"|src:{src_lang}".encode())
    for p in paths:
        h.update(b"\x1e" + Path(p).name.encode() + b"\x1f" + _sha256_file(p).encode())
    return h.hexdigest()


def stamp_path(output: str | Path) -> Path:
    return Path(str(output) + STAMP_SUFFIX)


def up_to_date(job: Job) -> bool:
    """Whether ``job.output`` exists, is complete and was made from the same inputs and signature."""
    out, st = Path(job.output), stamp_path(job.output)
    if not out.is_file() or not st.is_file():
        return False
    try:
        stamp = json.loads(st.read_text(encoding="utf-8"))
        return stamp.get("key") == job.key and stamp.get("output_sha256") == _sha256_file(out)
    except (OSError, ValueError, AttributeError, RecursionError):
        return False


def edited_since_written(output: str | Path) -> bool:
    """Whether ``output`` exists but is not the TSV its stamp records (edited by hand, or no stamp)."""
    out, st = Path(output), stamp_path(output)
    if not out.is_file():
        return False
    try:
        stamp = json.loads(st.read_text(encoding="utf-8"))
        return stamp.get("output_sha256") != _sha256_file(out)
    except (OSError, ValueError, AttributeError, RecursionError):
        return True


def keep_backup(output: str | Path) -> Path:
    """Move ``output`` aside to ``<output>.bak`` (``.bak.1``, ``.bak.2``, ... when taken): never lost."""
    out = Path(output)
    bak = Path(f"{out}.bak")
    n = 0
    while bak.exists():
        n += 1
        bak = Path(f"{out}.bak.{n}")
    try:
        os.link(out, bak)  # a hard link: the edited file stays whole even if the run dies right after
    except OSError:
        import shutil

        shutil.copy2(out, bak)
    return bak


def finish_output(job: Job, tsv: str) -> str | None:
    """Write the TSV atomically, then its stamp (atomically): done only once complete.

    An existing output that is not what aligner wrote (edited by hand since) is
    kept as ``<id>.tsv.bak`` first, with a warning; returns that path, else None.
    """
    from .output import write_atomic

    backup = None
    if edited_since_written(job.output):
        backup = str(keep_backup(job.output))
        log.info("%s: %s was changed since aligner wrote it; kept as %s", job.id, job.output, backup)
    write_atomic(job.output, tsv)
    stamp = {"id": job.id, "key": job.key, "inputs": list(job.paths),
             "output_sha256": hashlib.sha256(tsv.encode("utf-8")).hexdigest()}
    write_atomic(stamp_path(job.output), json.dumps(stamp, indent=1) + "\n")
    return backup


def clean_partials(outdir: Path) -> None:
    """Remove temporary files left by a run that was killed mid-write."""
    for p in outdir.glob(".*.part"):
        try:
            p.unlink()
        except OSError:
            pass


__all__ = ["STAMP_SUFFIX", "clean_partials", "edited_since_written", "finish_output", "job_key", "keep_backup",
           "stamp_path", "up_to_date"]
