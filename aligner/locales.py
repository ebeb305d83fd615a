"""The locale of each side for the CAT formats (TMX, XLIFF): ``zh-Hans`` or ``zh-Hant``, ``en``.

A Chinese side is Traditional (``zh-Hant``) when more of its script-specific
characters are Traditional-only than Simplified-only: a character that OpenCC's
``t2s`` changes is Traditional-only (說 -> 说), one that ``s2t`` changes is
Simplified-only (说 -> 說). Characters common to both scripts (中, 国 is not:
國) count for neither. A side with no script-specific character is ``zh-Hans``
(the more common script; a user can say otherwise with ``--src-locale``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from .config import LOCALE_SAMPLE_HAN
from .data import Alignment, Side

#: A BCP 47 language tag as TMX (RFC 3066 ``xml:lang``) and XLIFF (``xsd:language``) accept it.
#: A BCP 47 tag as TMX / XLIFF take it: a language of 2-3 (or 5-8) letters, then subtags; or a private-use
#: tag (x-klingon). "x" alone, a singleton with nothing after it, is not one.
LOCALE_RE = re.compile(r"^(?:(?:[A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z0-9]{1,8})*|[xXiI](-[A-Za-z0-9]{1,8})+)$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def han_sample(texts: Iterable[str], limit: int = LOCALE_SAMPLE_HAN) -> Counter:
    """Counts of the first ``limit`` Han characters of ``texts``."""
    counts: Counter = Counter()
    n = 0
    for t in texts:
        for ch in _HAN.findall(t):
            counts[ch] += 1
            n += 1
            if n >= limit:
                return counts
    return counts


def script_counts(texts: Iterable[str], limit: int = LOCALE_SAMPLE_HAN) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) character counts in the first ``limit`` Han characters."""
    counts = han_sample(texts, limit)
    if not counts:
        return 0, 0
    chars = list(counts)
    joined = "\n".join(chars)  # one character a line: OpenCC converts each on its own, no phrase rules across
    as_simp = _opencc("t2s").convert(joined).split("\n")
    as_trad = _opencc("s2t").convert(joined).split("\n")
    if len(as_simp) != len(chars) or len(as_trad) != len(chars):  # never seen; count nothing rather than misalign
        return 0, 0
    trad = sum(counts[c] for c, s in zip(chars, as_simp) if s != c)
    simp = sum(counts[c] for c, t in zip(chars, as_trad) if t != c)
    return trad, simp


def zh_locale(texts: Iterable[str]) -> str:
    """``zh-Hant`` when Traditional-only characters outnumber Simplified-only ones, else ``zh-Hans``."""
    trad, simp = script_counts(texts)
    return "zh-Hant" if trad > simp else "zh-Hans"


def side_locale(side: Side) -> str:
    """The locale of one side: ``zh-Hans`` / ``zh-Hant`` for Chinese, else the side's language code."""
    if side.lang == "zh":
        return zh_locale(side.texts)
    return side.lang


def locales(al: Alignment, src: str | None = None, tgt: str | None = None) -> tuple[str, str]:
    """(source, target) locales: the given ones, else detected from the text."""
    return (src or side_locale(al.src), tgt or side_locale(al.tgt))
