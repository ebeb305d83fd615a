"""``number_mismatch``: numbers on one side of a two-sided bead that the other side lacks (``aligner.numbers``)."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Sequence

from ..data import Flag, Severity
from ..qa_config import QAConfig

if TYPE_CHECKING:
    from .context import QAContext, _BeadText

log = logging.getLogger(__name__)


def _number_flags(two: Sequence[int], texts: Sequence[_BeadText], src_lang: str, tgt_lang: str,
                  config: QAConfig, numbers=None) -> list[tuple[int, str, Severity]]:
    """(bead, reason, severity) of the number mismatches.

    Learned from the document: a numeral string that is unmatched in at least
    ``number_name_beads`` beads, and in at least twice as many beads as it is
    matched in, is read as part of a name or set phrase here (茅十八, rendered
    "Whiskers" 13 times and "Mao Eighteen" twice in MAC-Test's Deer and the
    Cauldron), not a quantity, and dropped from every bead's comparison. ``numbers``: ``extract_numbers``
    or a memo of it (``QAContext.numbers``).
    """
    from ..numbers import describe_mismatch, extract_numbers, unmatched

    numbers = numbers or extract_numbers
    per = []
    unmatched_in: Counter = Counter()
    matched: Counter = Counter()
    for k in two:
        a = numbers(texts[k].src, src_lang)
        b = numbers(texts[k].tgt, tgt_lang)
        ua, ub = unmatched(a, b)
        per.append((k, ua, ub))
        left = {("s", m.surface) for m in ua} | {("t", m.surface) for m in ub}
        unmatched_in.update(left)
        matched.update(({("s", m.surface) for m in a} | {("t", m.surface) for m in b}) - left)
    names = {key for key, n in unmatched_in.items() if n >= config.number_name_beads and n >= 2 * matched[key]}
    if names:
        log.debug("numerals read as names in this document: %s", sorted(s for _, s in names))
    out = []
    for k, ua, ub in per:
        ua = [m for m in ua if ("s", m.surface) not in names]
        ub = [m for m in ub if ("t", m.surface) not in names]
        why = describe_mismatch(ua, src_lang, ub, tgt_lang)
        if why:
            out.append((k, why, Severity.ERROR if ua and ub else Severity.WARNING))
    return out



def check_numbers(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> its ``number_mismatch`` flag (error when both sides have numbers the other lacks)."""
    return {k: [Flag("number_mismatch", sev, why)]
            for k, why, sev in _number_flags(ctx.two, ctx.texts, ctx.src.lang, ctx.tgt.lang, ctx.config,
                                          ctx.numbers)}
