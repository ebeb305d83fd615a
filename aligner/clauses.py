"""Clause leave-out evidence for the score stage: a clause with no counterpart inside an aligned bead.

A translation that drops a clause still pairs with its source as a whole, so
the bead's cosine barely moves. What does move is the cosine *without* the
untranslated clause: leaving out a clause that the other side renders lowers
the match, leaving out one that it does not render raises it. For one side of
a bead this module splits the text into clauses (at commas, semicolons and
colons), leaves out each clause and each run of two adjacent clauses in turn,
and returns the largest rise in cosine with the other side, and what was left
out.

The embedder is passed in as a function (``embed(texts, lang)`` returning
(len(texts), dim) float32, L2-normalised, as ``aligner.embed.Embedder.embed``
does), so nothing here loads a model. ``aligner.qa`` turns the evidence into
``partial`` flags; ``bench/clause_calibrate.py`` sets its thresholds on
MAC-Test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

#: ``embed(texts, lang)`` -> (len(texts), dim) float32, L2-normalised.
Embed = Callable[[Sequence[str], str], np.ndarray]

#: Chinese clause ends: full-width comma, semicolon, colon, and their ASCII forms (not a digit group "3,000").
_ZH_CUT = re.compile(r"(?<=[，；：])|(?<=[,;:])(?![0-9])")
#: English clause ends: a comma, semicolon or colon followed by a space.
_EN_CUT = re.compile(r"(?<=[,;:])\s+")
#: A clause shorter than this (non-space characters) joins the next one: "因此，", "However,".
MIN_CLAUSE_CHARS = {"zh": 4, "en": 10}
#: Beads whose leave-outs are embedded together.
CHUNK = 2048
#: Longest run of adjacent clauses left out at once (a clause of one language is often two of the other).
MAX_SPAN = 2


@dataclass(frozen=True)
class LeaveOut:
    """The best leave-out of one side of a bead.

    ``whole``: cosine of the side with the other side; ``rest``: cosine once
    ``left_out`` is removed; ``gain`` = rest - whole (positive: the other side
    matches better without it); ``share``: left-out non-space characters /
    the side's.
    """

    gain: float
    whole: float
    rest: float
    left_out: str
    share: float


def _nchars(text: str) -> int:
    """Non-space characters (``str.split`` drops exactly the characters ``str.isspace`` calls space)."""
    return len("".join(text.split()))


#: Runs of Chinese characters.
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def name_alone(zh: str) -> str:
    """The three or four Chinese characters of ``zh`` when they are all it holds besides punctuation (书巴业。: a
    name alone, as a list of names has it), else ""."""
    runs = _HAN_RUN.findall(zh)
    return runs[0] if len(runs) == 1 and 3 <= len(runs[0]) <= 4 else ""


def split_clauses(text: str, lang: str) -> list[str]:
    """``text`` cut after clause punctuation; pieces shorter than ``MIN_CLAUSE_CHARS`` join the next.

    Joining the pieces (no separator for Chinese, one space for English) gives
    back the text up to whitespace. A text with no clause break is one clause.
    """
    zh = lang.startswith("zh")
    parts = [p for p in (_ZH_CUT if zh else _EN_CUT).split(text.strip()) if p and p.strip()]
    least = MIN_CLAUSE_CHARS["zh" if zh else "en"]
    out: list[str] = []
    carry = ""
    join = "" if zh else " "
    for p in parts:
        cur = carry + join + p if carry else p
        if _nchars(cur) < least:
            carry = cur
            continue
        out.append(cur)
        carry = ""
    if carry:
        if out:
            out[-1] = out[-1] + join + carry
        else:
            out.append(carry)
    return out


def _candidates(clauses: list[str], lang: str, min_share: float) -> list[tuple[str, str, float]]:
    """(rest, left out, share) for each run of 1..MAX_SPAN adjacent clauses, leaving at least one clause."""
    join = "" if lang.startswith("zh") else " "
    total = sum(_nchars(c) for c in clauses) or 1
    out = []
    n = len(clauses)
    for span in range(1, MAX_SPAN + 1):
        if n - span < 1:
            break
        for i in range(n - span + 1):
            gone = join.join(clauses[i:i + span])
            share = _nchars(gone) / total
            if share < min_share:
                continue
            out.append((join.join(clauses[:i] + clauses[i + span:]), gone, share))
    return out


def leave_out(
    items: Sequence[tuple[str, str, str, str]],
    embed: Embed,
    *,
    min_share: float = 0.15,
) -> list[LeaveOut | None]:
    """For each ``(text, lang, other_text, other_lang)``, the leave-out of ``text`` that raises its cosine most.

    Candidates are every run of one or two adjacent clauses of ``text`` that
    holds at least ``min_share`` of its characters and leaves at least one
    clause. None where ``text`` has no candidate (fewer than two clauses).
    Items are taken ``CHUNK`` at a time, the texts of each language embedded
    in one call per chunk (memory stays bounded on long documents).
    """
    if len(items) > CHUNK:
        return [g for i in range(0, len(items), CHUNK)
                for g in leave_out(items[i:i + CHUNK], embed, min_share=min_share)]
    by_lang: dict[str, list[str]] = {}

    def slot(text: str, lang: str) -> tuple[str, int]:
        lst = by_lang.setdefault(lang, [])
        lst.append(text)
        return lang, len(lst) - 1

    refs = []
    for text, lang, other, other_lang in items:
        cands = _candidates(split_clauses(text, lang), lang, min_share)
        if not cands or not other.strip():
            refs.append(None)
            continue
        whole = slot(text, lang)
        oth = slot(other, other_lang)
        rests = [slot(rest, lang) for rest, _, _ in cands]
        refs.append((whole, oth, rests, cands))
    vecs = {lang: embed(texts, lang) for lang, texts in by_lang.items()}

    out: list[LeaveOut | None] = []
    for ref in refs:
        if ref is None:
            out.append(None)
            continue
        (wl, wi), (ol, oi), rests, cands = ref
        o = vecs[ol][oi]
        whole = float(vecs[wl][wi] @ o)
        sims = [float(vecs[rl][ri] @ o) for rl, ri in rests]
        k = int(np.argmax(sims))
        out.append(LeaveOut(sims[k] - whole, whole, sims[k], cands[k][1], cands[k][2]))
    return out
