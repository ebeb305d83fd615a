"""Command-line interface: a thin typer layer over the library.

Each command lives in its own module and registers itself on ``app``.
"""

from ._app import app
from . import align as _align  # noqa: F401  (registers the command)
from . import report as _report  # noqa: F401
from . import check as _check  # noqa: F401
from . import batch as _batch  # noqa: F401

__all__ = ["app"]
