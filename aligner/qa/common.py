"""Text helpers and the flag codes shared by the QA checks (pure, no state)."""

from __future__ import annotations

import re

from ..clauses import _nchars  # noqa: F401  (re-exported for the checks: one definition)
from ..numbers import LANG_NAMES

#: Every flag code the QA stage emits, in report order.
CODES = ("omission", "addition", "partial", "low_similarity", "number_mismatch",
         "entity_mismatch", "untranslated", "damage", "script")  # script: aligner/script.py, two-file mode

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_TERMINAL = "。！？!?.…;；:：\"'”’」』)）】》"


def _lang_name(lang: str) -> str:
    return LANG_NAMES.get(lang, lang)


def _short(text: str, n: int = 30) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"
