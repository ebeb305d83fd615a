"""The typer app and what every command shares: error mapping, logging, progress, output."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer
from typer.core import TyperGroup

from ..config import AlignConfig, set_gc_threshold
from ..errors import AlignerError

#: Exit code for a usage error (unknown option, bad option value, missing argument): the input error code,
#: so that 2 keeps one meaning ("not parallel") and a CI job can tell a typo from a non-translation.
EXIT_USAGE = 3
#: Exit code for an unexpected internal error (a bug: please report it).
EXIT_INTERNAL = 70
#: Exit code after Ctrl-C (128 + SIGINT, the shell's convention).
EXIT_INTERRUPTED = 130
#: Exit code after SIGTERM (128 + SIGTERM, what `timeout` and CI cancellation send).
EXIT_TERMINATED = 143


# click's exception classes, from typer (typer >= 0.2x vendors click as typer._click; older ones use click)
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def usage_message(e) -> str:
    """One line for a usage error: the command, click's message, where to get help."""
    where = e.ctx.command_path if e.ctx is not None else "aligner"
    msg = " ".join(e.format_message().split())
    return f"{where}: {msg} (see '{where} --help')"


def _plain_flags_without_type(cmd) -> None:
    """An on/off flag (``--quiet``, ``--t2s/--no-t2s``) shows no ``<bool>`` value type in ``--help``: it takes no value."""
    params = list(getattr(cmd, "params", ()))
    try:  # --help itself (click makes it on first use and caches it)
        params.append(cmd.get_help_option(typer.Context(cmd)))
    except Exception:  # an older typer/click: leave --help as it is
        pass
    for p in params:
        if p is not None and getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
    for sub in getattr(cmd, "commands", {}).values():
        _plain_flags_without_type(sub)


#: Options that take a path; an empty value ('') would silently mean the current directory.
PATH_OPTIONS = ("-o", "--output", "--output-dir", "--cache-dir", "-C", "--corpus", "--review",
                "--scheduler")  # an address, refused empty for the same reason: '' ran locally, silently


def _empty_path_option(args: list[str]) -> str | None:
    """The first path (or address) option given an empty value (``-o ''``, ``--output=``), else None."""
    for i, a in enumerate(args):
        if a == "--":
            break
        name, eq, value = a.partition("=")
        if eq and name in PATH_OPTIONS and not value.strip():
            return name
        if a in PATH_OPTIONS and i + 1 < len(args) and not args[i + 1].strip():
            return a
    return None


class AlignerGroup(TyperGroup):
    """The top-level command: usage errors are one line on stderr and exit ``EXIT_USAGE``.

    Click (through typer) would print a multi-line box and exit 2, the code
    documented for "not parallel". The parse runs in click's non-standalone
    mode and this method does what standalone mode does, with our messages.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        set_gc_threshold()  # the command line owns its process (config.GC_YOUNG_THRESHOLD)
        _plain_flags_without_type(self)
        empty = _empty_path_option(sys.argv[1:] if args is None else list(args))
        if empty:  # click would read '' as '.': `batch C -o "$OUT"` with OUT unset wrote into the cwd
            typer.echo(f"aligner: error: {empty}: empty path (an unset shell variable?); give a path", err=True)
            sys.exit(EXIT_USAGE)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _UsageError as e:  # unknown option, bad value, missing argument
            if type(e).__name__ == "NoArgsIsHelpError":  # `aligner` or `aligner corpus` alone: the help
                typer.echo(e.format_message(), err=True)
            else:
                typer.echo(f"aligner: error: {usage_message(e)}", err=True)
            sys.exit(EXIT_USAGE)
        except _ClickException as e:  # other parse-time errors (none today): one line, code 3
            typer.echo(f"aligner: error: {' '.join(e.format_message().split())}", err=True)
            sys.exit(EXIT_USAGE)
        except typer.Abort:
            typer.echo("aligner: error: interrupted; no output written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        # non-standalone click returns the code of a typer.Exit, else the command's return value (None)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    name="aligner",
    cls=AlignerGroup,
    help="Align Chinese-English parallel texts sentence by sentence and check the translation (offline).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_D = AlignConfig()


def version_text() -> str:
    """``aligner --version``: the version, then the default run's signature and its fields, one a line.

    The signature is what every output's header carries (``aligner.pipeline.signature``), so a user can
    tell which outputs this installation would reproduce; nothing is loaded to print it.
    """
    from .. import __version__
    from ..pipeline import signature

    sig = signature(_D, _D.model, False)
    fields = [f.partition(":") for f in sig.split("|")]
    width = max(len(k) for k, _, _ in fields)
    return "\n".join([f"aligner {__version__}", f"signature (defaults): {sig}"]
                      + [f"  {k:<{width}}  {v}" for k, _, v in fields])


def _version(value: bool) -> None:
    if value:
        typer.echo(version_text())
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                 help="Print the version and the default signature's fields, then exit."),
) -> None:
    """Align Chinese-English parallel texts sentence by sentence and check the translation (offline)."""


class Lang(str, Enum):
    """A side's language, as the CLI accepts it."""

    zh = "zh"
    en = "en"


# Options shared by several commands (one definition, defaults from AlignConfig).
MODEL_OPTION = typer.Option(_D.model, "--model", "-m", help="Encoder: a name from models.txt or a directory.")
ALLOW_DOWNLOAD_OPTION = typer.Option(
    _D.allow_download, "--allow-download",
    help="Let sentence-transformers fetch a models.txt --model that is not on disk into its cache "
         "(also $ALIGNER_ALLOW_DOWNLOAD=1).")
CACHE_DIR_OPTION = typer.Option(None, "--cache-dir", help="Embedding cache directory ($ALIGNER_CACHE_DIR).",
                                show_default=str(_D.cache_dir))
#: The largest input limit: 1 EiB is larger than any file, and the limit (times report's
#: TSV_SIZE_FACTOR) must fit a read size; `--max-input-mb 1e300` crashed reading (exit 70).
MAX_INPUT_LIMIT_BYTES = 2**60


def finite(value: float | None) -> float | None:
    """Option callback: ``inf`` passes ``min=`` checks, then crashed the run (exit 70); a usage error instead."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def number(value: float | None) -> float | None:
    """Option callback: ``nan`` passes ``min=`` / ``max=`` range checks (every comparison with it is false) and
    then failed inside the library (exit 70); a usage error instead. ``inf`` stays allowed (``finite`` refuses it)."""
    if value is not None and math.isnan(value):
        raise typer.BadParameter(f"{value} is not a number")
    return value


MAX_INPUT_OPTION = typer.Option(_D.max_input_bytes / 2**20, "--max-input-mb", min=0.0, callback=finite,
                                help="Refuse input files above this size (MiB).")
NO_CACHE_OPTION = typer.Option(False, "--no-cache", help="Do not read or write the caches (embeddings and analysis.sqlite).")
PRESPLIT_OPTION = typer.Option(False, "--presplit", help="Input is one sentence per line: no segmentation.")
#: The alignment's own options, on ``align`` and ``check`` alike: a gate must be able to align a document the way
#: its TSV was made (a new user, 0.3.11: ``check`` had none of them).
T2S_OPTION = typer.Option(_D.t2s, "--t2s/--no-t2s", help="Convert Traditional to Simplified for matching.")
MAX_BEAD_OPTION = typer.Option(_D.max_bead, "--max-bead", min=1, max=8, help="Widest side of a bead.")
SKIP_COST_OPTION = typer.Option(_D.skip_cost, "--skip-cost", min=0.0, callback=finite,
                                help="Cost of an unaligned sentence.")
WINDOW_SLACK_OPTION = typer.Option(_D.window_slack, "--window-slack", min=0.0, callback=number,
                                   help="Embed merged-bead windows only for beads within this cost of the best "
                                        "alignment from sentence vectors ('inf': every window; slower).")
MIN_SCORE_OPTION = typer.Option(None, "--min-score", min=0.0, max=1.0, show_default=False, callback=number,
                                help="TMX/XLIFF: only pairs scoring at least this (0-1).")


def locale_tag(value: str | None) -> str | None:
    """Option callback: a BCP 47 tag (``zh-Hant``, ``zh-TW``, ``en-GB``), as TMX and XLIFF require."""
    from ..locales import LOCALE_RE

    if value is not None and not LOCALE_RE.match(value):
        raise typer.BadParameter(f"{value!r} is not a language tag like zh-Hans, zh-Hant, zh-TW or en")
    return value


SRC_LOCALE_OPTION = typer.Option(None, "--src-locale", callback=locale_tag, show_default="from the text",
                                 help="TMX/XLIFF source locale (zh-Hans or zh-Hant detected, en).")
TGT_LOCALE_OPTION = typer.Option(None, "--tgt-locale", callback=locale_tag, show_default="from the text",
                                 help="TMX/XLIFF target locale.")


def setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else (logging.ERROR if quiet else logging.WARNING)
    logging.basicConfig(level=level, format="aligner: %(levelname)s: %(message)s", stream=sys.stderr,
                        force=True)
    if verbose:
        logging.getLogger("aligner").setLevel(logging.INFO)
    for noisy in ("jieba", "numba", "distributed", "urllib3", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # the extractors' own warnings ("invalid pdf header", "discarding data: None") come before our one-line
    # message for the same file; --verbose shows them
    for extractor in ("pypdf", "trafilatura", "htmldate", "courlan", "readability", "justext"):
        logging.getLogger(extractor).setLevel(logging.DEBUG if verbose else logging.ERROR)


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"aligner: error: {message}", err=True)
    return typer.Exit(code)


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, CI cancellation, ``kill``): stops the run like Ctrl-C, with its own message and code."""


class Guard:
    """What ``guarded`` yields: ``check()`` before writing output re-raises a Ctrl-C seen earlier.

    A KeyboardInterrupt raised while Python runs a finalizer is printed as
    "Exception ignored" and lost, and the run would go on to write its output
    and exit 0; the SIGINT handler also records the signal so it is not lost.
    SIGTERM is handled the same way (``Terminated``, a KeyboardInterrupt), so
    that whatever cleans up after Ctrl-C (batch workers) cleans up after it too.
    """

    def __init__(self) -> None:
        self.interrupted = False
        self.terminated = False

    def on_sigint(self, signum, frame) -> None:
        self.interrupted = True
        raise KeyboardInterrupt

    def on_sigterm(self, signum, frame) -> None:
        self.terminated = True
        raise Terminated

    def check(self) -> None:
        if self.terminated:
            raise Terminated
        if self.interrupted:
            raise KeyboardInterrupt


@contextlib.contextmanager
def guarded(verbose: bool = False, stopped: str = "no output written") -> Iterator[Guard]:
    """Turn library exceptions into one line on stderr and a documented exit code.

    ``stopped``: what the message after Ctrl-C or SIGTERM says about the outputs.
    """
    import signal
    import threading

    guard = Guard()
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, guard.on_sigint) if main else None
    previous_term = signal.signal(signal.SIGTERM, guard.on_sigterm) if main else None
    try:
        yield guard
        guard.check()
    except AlignerError as e:
        raise fail(str(e), e.exit_code) from None
    except Terminated:
        raise fail(f"terminated; {stopped}", EXIT_TERMINATED) from None
    except KeyboardInterrupt:
        if guard.terminated:  # SIGTERM seen, then a plain KeyboardInterrupt from a finalizer
            raise fail(f"terminated; {stopped}", EXIT_TERMINATED) from None
        raise fail(f"interrupted; {stopped}", EXIT_INTERRUPTED) from None
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
            if previous_term is not None:
                signal.signal(signal.SIGTERM, previous_term)


@contextlib.contextmanager
def progress_bar(enabled: bool):
    """A rich progress bar on stderr; yields a callback ``(stage, done, total)`` or None."""
    if not enabled or sys.stderr is None or not sys.stderr.isatty():  # None: started with `2>&-`
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


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Writing standard output: closed (``>&-``), the reader gone, disk full -> ``OutputError`` (exit 5).

    Before, ``aligner align A B > out.tsv`` on a full disk, or with stdout closed, was an internal
    error (exit 70).
    """
    import errno
    import os

    from ..errors import OutputError

    if sys.stdout is None:  # started with standard output closed
        raise OutputError("standard output is closed; give -o FILE", path="-")
    try:
        yield
        sys.stdout.flush()
    except OSError as e:
        try:  # what is still buffered would fail again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        if isinstance(e, BrokenPipeError):  # `aligner ... | head`: the reader left
            raise OutputError("standard output was closed by the reader (broken pipe)", path="-") from None
        why = "disk full" if e.errno in (errno.ENOSPC, errno.EDQUOT) else (e.strerror or str(e))
        raise OutputError(f"cannot write: {why}", path="-") from None


def emit(data: str | bytes, output: Path) -> None:
    """Write to stdout for ``-``, else atomically to ``output``."""
    from ..output import write_atomic

    if str(output) == "-":
        with writing_stdout():
            if isinstance(data, bytes):
                sys.stdout.buffer.write(data)
            else:
                sys.stdout.write(data)
    else:
        write_atomic(output, data)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def wrote_line(output: Path, al, fmt: str | None = None) -> str:
    """The one line a successful ``-o FILE`` run prints on stderr: ``wrote 004.tsv: 33 pairs, 2 warnings, 0 errors``.

    Pairs: beads with both sides; warnings and errors: flags of that severity (info flags are not counted).
    ``fmt``: the format written, named when the file's suffix does not say it (``wrote x.json (html): ...``).
    """
    from ..data import Severity
    from .report import suffix_names

    pairs = sum(1 for b in al.beads if b.src_ids and b.tgt_ids)
    sev = [f.severity for b in al.beads for f in b.flags]
    kind = f" ({fmt})" if fmt and not suffix_names(Path(output), fmt) else ""
    return (f"wrote {output}{kind}: {_n(pairs, 'pair')}, {_n(sev.count(Severity.WARNING), 'warning')}, "
            f"{_n(sev.count(Severity.ERROR), 'error')}")


def say_wrote(output: Path, al, quiet: bool, fmt: str | None = None) -> None:
    """``wrote_line`` on stderr after writing a file (not for ``-``: stdout is the output), unless ``quiet``."""
    if not quiet and str(output) != "-" and sys.stderr is not None:
        typer.echo(wrote_line(output, al, fmt), err=True)


def build_config(model: str, cache_dir: Optional[Path], no_cache: bool, t2s: Optional[bool] = None,
                 max_input_mb: Optional[float] = None, allow_download: Optional[bool] = None, **dp) -> AlignConfig:
    """AlignConfig from CLI options (``None`` keeps the default)."""
    cfg = AlignConfig().with_(model=model, t2s=t2s, allow_download=allow_download or None, **dp)
    if no_cache:
        cfg = dataclasses.replace(cfg, cache_dir=None)
    elif cache_dir is not None:
        cfg = cfg.with_(cache_dir=cache_dir)
    if max_input_mb is not None:
        cfg = cfg.with_(max_input_bytes=input_limit(max_input_mb))
    return cfg


def document_paths(src: Path, tgt: Optional[Path], max_input_bytes: int) -> list:
    """The inputs of ``align`` / ``check``: one file or a pair; ``-`` alone is one bilingual document
    read whole from standard input (text; a PDF, Word, HTML or WebVTT document, by its content)."""
    if str(src) != "-":
        return [src] if tgt is None else [src, tgt]
    if tgt is not None:
        from ..errors import InputError

        raise InputError("standard input holds one bilingual document; give a pair as two files", path="-")
    from ..inputs import read_stream

    return [read_stream(sys.stdin.buffer, max_input_bytes)]


def input_limit(max_input_mb: float) -> int:
    """``--max-input-mb`` in bytes, at most ``MAX_INPUT_LIMIT_BYTES``. Capped before the product: a finite limit
    above ~1.7e302 MiB made it inf (``int(inf)``: OverflowError, exit 70)."""
    return int(min(max_input_mb, MAX_INPUT_LIMIT_BYTES / 2**20) * 2**20)
