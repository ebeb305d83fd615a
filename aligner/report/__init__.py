"""Report stage: an ``Alignment`` rendered in the output formats.

``render(alignment, fmt)`` returns the text (or bytes) of one format. Each
format lives in its own module, imported only when used.
"""

from __future__ import annotations

import importlib

from ..data import Alignment

#: Output format name -> "module:function" in this package.
FORMATS: dict[str, str] = {
    "tsv": "tsv:to_tsv",
    "ladder": "tsv:to_ladder",
    "html": "html:to_html",
    "tmx": "tmx:to_tmx",
    "xliff": "xliff:to_xliff",
    "jsonl": "jsonl:to_jsonl",
}


def render(alignment: Alignment, fmt: str) -> str | bytes:
    """Render an alignment in format ``fmt`` (a key of ``FORMATS``)."""
    try:
        module, func = FORMATS[fmt].split(":")
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(sorted(FORMATS))}") from None
    return getattr(importlib.import_module(f"{__name__}.{module}"), func)(alignment)
