"""Command-line interface: a thin typer layer over the library.

Each command lives in its own module and registers itself on ``app``.
"""

from ._app import app
from . import align as _align  # noqa: F401  (registers the command)

__all__ = ["app"]
