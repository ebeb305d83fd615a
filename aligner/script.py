"""Flag sentences whose script is not their side's language (two-file mode).

In ``aligner align ZH.txt EN.txt`` each file is one side and every line of it
stays there (issue 15): a Chinese-file line that reads as English (an English
book title in 《》, a ``来源：Reuters, https://…`` credit) is aligned on the
Chinese side, never dropped, and flagged ``script`` (info) so a reviewer sees
why it may match oddly.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

from .data import Bead, Flag, Severity, Side
from .read import lang_weights, paragraph_lang

CODE = "script"
_NAMES = {"zh": "Chinese", "en": "English"}


def odd_sentences(side: Side) -> dict[int, str]:
    """Sentence id -> reason, for sentences that read as the other language than ``side.lang``."""
    out: dict[int, str] = {}
    for s in side.sentences:
        lg = paragraph_lang(s.text)
        if lg is None or lg == side.lang:
            continue
        han, latin3 = lang_weights(s.text)
        out[s.id] = (f"{_NAMES[side.lang]} file line {s.line} reads as {_NAMES[lg]} "
                     f"({int(han)} Han characters, {round(latin3 * 3)} Latin letters); "
                     f"kept on the {_NAMES[side.lang]} side as the file gives it")
    return out


def script_flags(src: Side, tgt: Side, beads: Sequence[Bead]) -> tuple[Bead, ...]:
    """``beads`` with a ``script`` info flag on each bead holding an odd-script sentence."""
    odd_s, odd_t = odd_sentences(src), odd_sentences(tgt)
    if not odd_s and not odd_t:
        return tuple(beads)
    out = []
    for b in beads:
        extra = tuple(Flag(CODE, Severity.INFO, odd_s[i]) for i in b.src_ids if i in odd_s)
        extra += tuple(Flag(CODE, Severity.INFO, odd_t[j]) for j in b.tgt_ids if j in odd_t)
        out.append(dataclasses.replace(b, flags=b.flags + extra) if extra else b)
    return tuple(out)
