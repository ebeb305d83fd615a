"""Specific exceptions raised by the library.

The CLI maps each to a message on stderr and an exit code (``exit_code``).
Exit codes (documented in the README):

==== =====================================================================
code meaning
==== =====================================================================
0    success, nothing at or above ``--fail-on``
1    QA flags at or above ``--fail-on`` remain (``check``)
2    the texts are not parallel / nothing to align against
3    usage or input error (missing, unreadable, undecodable, empty file;
     unknown option, bad option value: the CLI's ``EXIT_USAGE``)
4    model or environment error (model not on disk, optional extra missing, Dask scheduler unreachable)
5    output error (cannot write the output file, disk full)
130  interrupted (SIGINT)
143  terminated (SIGTERM)
==== =====================================================================
"""

from __future__ import annotations


class AlignerError(Exception):
    """Base class: every error the library raises on purpose."""

    exit_code = 3

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class InputError(AlignerError):
    """An input file is missing, unreadable, empty or malformed."""

    exit_code = 3


class DecodeError(InputError):
    """An input file cannot be decoded as text in any supported encoding."""


class InputTooLargeError(InputError):
    """An input file is above the documented size limit."""


class NotParallelError(AlignerError):
    """There is nothing to align against (one language only, or unrelated texts)."""

    exit_code = 2


class ModelError(AlignerError):
    """An embedding model cannot be loaded (not on disk, not a model, extra missing)."""

    exit_code = 4


class MissingExtraError(AlignerError):
    """An optional extra that the input needs is not installed (``pip install 'aligner[formats]'``)."""

    exit_code = 4


class CacheError(AlignerError):
    """The embedding cache is unusable (corrupt entries are skipped, not raised)."""

    exit_code = 4


class WorkerLostError(AlignerError):
    """A batch worker process died abruptly (killed by the system, e.g. out of memory): environment."""

    exit_code = 4


class SchedulerError(AlignerError):
    """The Dask scheduler ``batch --scheduler`` names cannot be reached (or does not answer as one): environment."""

    exit_code = 4


class OutputError(AlignerError):
    """An output file cannot be written (unwritable path, disk full)."""

    exit_code = 5
