"""The typer app and what every command shares: error mapping, logging, progress, output."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer

from ..config import AlignConfig
from ..errors import AlignerError

app = typer.Typer(
    name="aligner",
    help="Align Chinese-English parallel texts sentence by sentence and check the translation (offline).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_D = AlignConfig()


class Lang(str, Enum):
    """A side's language, as the CLI accepts it."""

    zh = "zh"
    en = "en"


# Options shared by several commands (one definition, defaults from AlignConfig).
MODEL_OPTION = typer.Option(_D.model, "--model", "-m", help="Encoder: a name from models.txt or a directory.")
CACHE_DIR_OPTION = typer.Option(None, "--cache-dir", help=f"Embedding cache [default: {_D.cache_dir}]",
                                show_default=False)
NO_CACHE_OPTION = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache.")
PRESPLIT_OPTION = typer.Option(False, "--presplit", help="Input is one sentence per line: no segmentation.")

#: Exit code for an unexpected internal error (a bug: please report it).
EXIT_INTERNAL = 70
#: Exit code after Ctrl-C.
EXIT_INTERRUPTED = 130


def setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else (logging.ERROR if quiet else logging.WARNING)
    logging.basicConfig(level=level, format="aligner: %(levelname)s: %(message)s", stream=sys.stderr,
                        force=True)
    if verbose:
        logging.getLogger("aligner").setLevel(logging.INFO)
    for noisy in ("jieba", "numba", "distributed", "urllib3", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"aligner: error: {message}", err=True)
    return typer.Exit(code)


class Guard:
    """What ``guarded`` yields: ``check()`` before writing output re-raises a Ctrl-C seen earlier.

    A KeyboardInterrupt raised while Python runs a finalizer is printed as
    "Exception ignored" and lost, and the run would go on to write its output
    and exit 0; the SIGINT handler also records the signal so it is not lost.
    """

    def __init__(self) -> None:
        self.interrupted = False

    def on_sigint(self, signum, frame) -> None:
        self.interrupted = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.interrupted:
            raise KeyboardInterrupt


@contextlib.contextmanager
def guarded(verbose: bool = False) -> Iterator[Guard]:
    """Turn library exceptions into one line on stderr and a documented exit code."""
    import signal
    import threading

    guard = Guard()
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, guard.on_sigint) if main else None
    try:
        yield guard
        guard.check()
    except AlignerError as e:
        raise fail(str(e), e.exit_code) from None
    except KeyboardInterrupt:
        raise fail("interrupted; no output written", EXIT_INTERRUPTED) from None
    except MemoryError:
        raise fail("out of memory (input too large for this machine)", 4) from None
    except typer.Exit:
        raise
    except Exception as e:  # a bug: say so in one line, traceback only with --verbose
        if verbose:
            raise
        raise fail(f"internal error ({type(e).__name__}: {e}); rerun with --verbose and report it",
                   EXIT_INTERNAL) from None
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def progress_bar(enabled: bool):
    """A rich progress bar on stderr; yields a callback ``(stage, done, total)`` or None."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as prog:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(stage, total=total)
            prog.update(tasks[stage], completed=done, total=total)

        yield update


def emit(data: str | bytes, output: Path) -> None:
    """Write to stdout for ``-``, else atomically to ``output``."""
    from ..output import write_atomic

    if str(output) == "-":
        try:
            if isinstance(data, bytes):
                sys.stdout.buffer.write(data)
            else:
                sys.stdout.write(data)
            sys.stdout.flush()
        except BrokenPipeError:  # `aligner ... | head`: the reader left; no flush error at exit either
            import os

            from ..errors import OutputError

            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
            raise OutputError("standard output was closed by the reader (broken pipe)", path="-") from None
    else:
        write_atomic(output, data)


def build_config(model: str, cache_dir: Optional[Path], no_cache: bool, t2s: Optional[bool] = None,
                 max_input_mb: Optional[float] = None, **dp) -> AlignConfig:
    """AlignConfig from CLI options (``None`` keeps the default)."""
    cfg = AlignConfig().with_(model=model, t2s=t2s, **dp)
    if no_cache:
        cfg = dataclasses.replace(cfg, cache_dir=None)
    elif cache_dir is not None:
        cfg = cfg.with_(cache_dir=cache_dir)
    if max_input_mb is not None:
        cfg = cfg.with_(max_input_bytes=int(max_input_mb * 2**20))
    return cfg
