"""``untranslated``: a target that equals the source or is written in the source language."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..data import Flag, Severity
from .common import _HAN, _LATIN, _lang_name

if TYPE_CHECKING:
    from .context import QAContext


def _script_share(text: str, lang: str) -> tuple[float, int]:
    """(share of letters in ``lang``'s script, number of letters)."""
    han = len(_HAN.findall(text))
    lat = len(_LATIN.findall(text))
    n = han + lat
    if not n:
        return 0.0, 0
    return (han if lang == "zh" else lat) / n, n


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def check_untranslated(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> its ``untranslated`` error (two-sided beads with at least ``untranslated_min_letters`` letters)."""
    config, src, tgt = ctx.config, ctx.src, ctx.tgt
    flags: dict[int, list[Flag]] = {}
    for k in ctx.two:
        s, t = ctx.texts[k].src, ctx.texts[k].tgt
        share, n = _script_share(t, src.lang)
        if n >= config.untranslated_min_letters and _norm_text(s) == _norm_text(t):
            flags[k] = [Flag("untranslated", Severity.ERROR, "the target is identical to the source")]
        elif n >= config.untranslated_min_letters and share >= config.untranslated_share:
            flags[k] = [Flag("untranslated", Severity.ERROR,
                             f"the target is in {_lang_name(src.lang)} ({share:.0%} of its letters), "
                             f"not {_lang_name(tgt.lang)}")]
    return flags
