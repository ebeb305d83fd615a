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
    "xliff12": "xliff12:to_xliff12",
    "jsonl": "jsonl:to_jsonl",
}


#: The formats for CAT tools: they name each side's locale (``zh-Hans``, ``zh-Hant``, ``en``).
CAT_FORMATS = frozenset({"tmx", "xliff", "xliff12"})


def render(alignment: Alignment, fmt: str, *, src_locale: str | None = None,
           tgt_locale: str | None = None) -> str | bytes:
    """Render an alignment in format ``fmt`` (a key of ``FORMATS``).

    ``src_locale`` / ``tgt_locale`` override the locales the CAT formats detect
    from the text (``aligner.locales``); the other formats ignore them.
    """
    try:
        module, func = FORMATS[fmt].split(":")
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(sorted(FORMATS))}") from None
    fn = getattr(importlib.import_module(f"{__name__}.{module}"), func)
    if fmt in CAT_FORMATS:
        return fn(alignment, src_locale=src_locale, tgt_locale=tgt_locale)
    return fn(alignment)
