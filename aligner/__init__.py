"""aligner: sentence alignment and translation QA for Chinese-English parallel texts.

Stages, one module each, over frozen dataclasses (``aligner.data``):
read -> segment -> embed -> align -> score -> report.

The Python API (``aligner.api``, loaded on first use so that ``import aligner`` and the CLI's
start stay light)::

    import aligner
    al = aligner.align_files("doc.txt")                 # or align_files(zh_path, en_path)
    al = aligner.align_texts(["你好。"], ["Hello."])
    verdict = aligner.check_files("zh.docx", "en.docx")
    rows = aligner.read_tsv("doc.tsv")                   # as_frame=True: a pandas DataFrame
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.3.11"

_API = ("align_files", "align_texts", "check_files", "read_tsv", "TsvRecord")

__all__ = ["__version__", *_API]

if TYPE_CHECKING:  # pragma: no cover
    from .api import TsvRecord, align_files, align_texts, check_files, read_tsv


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'aligner' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
