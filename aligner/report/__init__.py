"""Report stage: an ``Alignment`` rendered in the output formats.

``render(alignment, fmt)`` returns the text (or bytes) of one format; the
formats are registered in ``FORMATS``.
"""

from __future__ import annotations

from typing import Callable

from ..data import Alignment
from .tsv import to_ladder, to_tsv

#: Output format name -> renderer. Other modules add theirs on import.
FORMATS: dict[str, Callable[[Alignment], str | bytes]] = {
    "tsv": to_tsv,
    "ladder": to_ladder,
}


def render(alignment: Alignment, fmt: str) -> str | bytes:
    """Render an alignment in format ``fmt`` (see ``FORMATS``)."""
    _load_optional_formats()
    try:
        fn = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(sorted(FORMATS))}") from None
    return fn(alignment)


def _load_optional_formats() -> None:
    """Import the renderers that live in their own modules (html, tmx, xliff, jsonl)."""
    import importlib

    for mod in ("html", "tmx", "xliff", "jsonl"):
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{mod}":
                raise
