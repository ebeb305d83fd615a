"""Headings the alignment joined to the pair after them, scored as lines of their own.

On ``--presplit`` input the DP joins a heading with no counterpart to the pair
that follows it (``align``: ``head_attach_cost``): that is where it belongs.
The score stage would read such a bead as a pair whose source holds content
the target leaves out (a chapter title makes "第一章　风雪 他走进房间。" / "He walked
into the room." a 20%-likely omission, a warning), while a heading left out
of a translation is common and is an info line of its own. So the pipeline
scores the heading and the rest of the bead apart (``split``), then joins the
results again (``rejoin``): the bead keeps its ids, takes the rest's score,
probabilities and flags, and the heading's own flags come first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from .align import bead_score
from .data import Bead, Flag, Severity
from .segment import closed_aside


@dataclass(frozen=True)
class Split:
    """Beads to score (``beads``) and, for each original bead, the indices of its parts there (``parts``):
    the leading headings first, the rest last; one index for a bead left whole."""

    beads: tuple[Bead, ...]
    parts: tuple[tuple[int, ...], ...]


def _lead(ids: tuple[int, ...], heads: np.ndarray) -> int:
    """How many of ``ids`` are leading headings (at least one sentence is left)."""
    k = 0
    while k + 1 < len(ids) and heads[ids[k]]:
        k += 1
    return k


def _facing(ids: tuple[int, ...], heads: np.ndarray) -> bool:
    """The side starts with a heading or follows one: a heading of the other side faces it (``align``'s rule)."""
    return bool(heads[ids[0]] or (ids[0] > 0 and heads[ids[0] - 1]))


def split(beads: Sequence[Bead], src_heads, tgt_heads, SW: np.ndarray, TW: np.ndarray) -> Split:
    """Each two-sided bead whose merged side starts with headings (``src_heads`` / ``tgt_heads``: (n,) bool),
    facing none on the other side, as its headings (1-0 / 0-1 beads) and the rest (scored from ``SW`` /
    ``TW``, (K, n, dim) window vectors, L2-normalised); other beads as they are."""
    sh = np.asarray(src_heads, bool)
    th = np.asarray(tgt_heads, bool)
    out: list[Bead] = []
    parts: list[tuple[int, ...]] = []
    for b in beads:
        ks = _lead(b.src_ids, sh) if b.src_ids and b.tgt_ids and not _facing(b.tgt_ids, th) else 0
        kt = _lead(b.tgt_ids, th) if b.src_ids and b.tgt_ids and not ks and not _facing(b.src_ids, sh) else 0
        if not (ks or kt):
            parts.append((len(out),))
            out.append(b)
            continue
        heads = [Bead((i,), ()) for i in b.src_ids[:ks]] + [Bead((), (j,)) for j in b.tgt_ids[:kt]]
        src, tgt = b.src_ids[ks:], b.tgt_ids[kt:]
        parts.append(tuple(range(len(out), len(out) + len(heads) + 1)))
        out += heads + [Bead(src, tgt, bead_score(SW, TW, src[0], len(src), tgt[0], len(tgt)))]
    return Split(tuple(out), tuple(parts))


#: What a heading's line with no counterpart adds to the score stage's reason (``{lines}``: "" or " of 3 lines";
#: ``{quote}``: "" or the heading quoted, when the reason does not quote it: the review page marks what is quoted).
HEADING_REASON = "; {quote}a heading or note{lines}, kept with the pair after it (such lines are often left out)"
#: Characters of a heading quoted in a reason: all of any heading ``segment`` reads (a note runs to 80), so the page
#: marks the heading itself (a quote cut with "…" is marked to the next clause mark, into the verse: red team).
HEADING_QUOTE = 120


def _as_heading(f: Flag, lines: int = 1, text: str = "") -> Flag:
    """A heading's ``omission`` / ``addition`` flag as an info line (the score stage judged it as a stray line);
    ``lines``: how many lines the heading has (a note cut into lines); ``text``: its text, quoted when the
    reason quotes nothing."""
    if f.code not in ("omission", "addition") or f.severity == Severity.INFO:
        return f
    t = text.strip()  # as the side text holds it: a collapsed ideographic space (第一部分　北京) is found nowhere
    if len(t) > HEADING_QUOTE:
        t = t[:HEADING_QUOTE - 1] + "…"
    quote = "" if not t or "'" in f.reason else f"'{t}' is "
    return Flag(f.code, Severity.INFO,
                f.reason + HEADING_REASON.format(quote=quote, lines=f" of {lines} lines" if lines > 1 else ""))


def _lines(bead: Bead, texts: tuple[Sequence[str], Sequence[str]]) -> list[str]:
    """A one-sided bead's lines (its side's texts)."""
    ids, side = (bead.src_ids, 0) if bead.src_ids else (bead.tgt_ids, 1)
    return [texts[side][i] for i in ids]


def _is_note(lines: Sequence[str]) -> bool:
    """Whether a split-off heading's ``lines`` read as a title or note: any but one line that is a sentence in
    brackets closed on the line (``segment.closed_aside``: ``（他后来承认，那天晚上他喝醉了。）``), which is prose set
    aside; left untranslated it is an omission like any sentence (red team, rt28)."""
    return len(lines) > 1 or not closed_aside(lines[0])


def rejoin(beads: Sequence[Bead], sp: Split, scored: Sequence[Bead],
           texts: tuple[Sequence[str], Sequence[str]] | None = None) -> list[Bead]:
    """The original ``beads`` with what the score stage gave their parts (``scored``, in ``sp.beads`` order):
    a split bead takes the rest's score and probabilities, and its headings' flags before the rest's (a
    heading's missing counterpart an info line: a title or note left out of a translation is common; not a
    sentence in brackets, ``_is_note``, when ``texts``, the (source, target) sentences, are given)."""
    out = []
    for b, idx in zip(beads, sp.parts):
        if len(idx) == 1:
            out.append(scored[idx[0]])
            continue
        rest = scored[idx[-1]]
        flags: tuple[Flag, ...] = ()
        for k in idx[:-1]:
            head = sp.beads[k]
            lines = _lines(head, texts) if texts is not None else []
            note = not lines or _is_note(lines)
            n = len(head.src_ids) + len(head.tgt_ids)
            flags += tuple(_as_heading(f, n, " ".join(lines)) if note else f for f in scored[k].flags)
        flags += rest.flags
        out.append(replace(rest, src_ids=b.src_ids, tgt_ids=b.tgt_ids, flags=flags))
    return out
