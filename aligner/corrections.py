"""Alignment fixes made by a reviewer (in the HTML page), applied to beads; stale ones are reported, not applied.

A correction is one operation on the bead list, in the order the reviewer made
them (the page's undo drops the last one). Each names the beads it acts on by
their sentence ids and their ``bead_key`` (the hash of their texts, as in the
review entries), or ``"key": null`` for a bead an earlier correction of the same
file made, so that a correction made on another version of the text or another
alignment is *stale*: reported with the reason, never applied. Operations
(``docs/review-file.md`` has the JSON)::

    {"op": "merge",  "beads": [A, B]}                     A and B adjacent -> one bead
    {"op": "split",  "beads": [A], "at": [ns, nt]}        A -> (first ns source, first nt target), the rest
    {"op": "move",   "beads": [A, B], "side": "src"}      A's boundary sentence on that side goes to its
                                                           neighbour B (A's last to B's front when B follows,
                                                           A's first to B's end when B precedes)
    {"op": "detach", "beads": [A], "side": "tgt", "which": "first"|"last"}
                                                          that sentence has no counterpart: it becomes a
                                                          one-sided bead before (first) / after (last) A

where a bead is ``{"src": [ids], "tgt": [ids], "key": "<bead_key>" | null}``.
A changed bead has no score and no flags until ``rescore`` (which needs the
model) computes them again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from .data import Alignment, Bead, Side, bead_key

OPS = ("merge", "split", "move", "detach")


@dataclass(frozen=True)
class Corrected:
    """``beads`` after the corrections that applied; ``applied`` how many; ``stale`` why each other one did not."""

    beads: tuple[Bead, ...]
    applied: int
    stale: tuple[str, ...]
    changed: frozenset[int] = frozenset()  #: indices in ``beads`` of beads a correction made or changed
    applied_ops: tuple[dict, ...] = ()  #: the corrections that applied, in order


class _Stale(Exception):
    pass


def _ids(obj, what: str) -> tuple[int, ...]:
    if not isinstance(obj, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in obj):
        raise _Stale(f"{what} must be a list of sentence ids")
    return tuple(obj)


def _find(beads: list[Bead], spec) -> int:
    if not isinstance(spec, dict):
        raise _Stale("a bead must be {\"src\": [ids], \"tgt\": [ids]}")
    s, t = _ids(spec.get("src"), "src"), _ids(spec.get("tgt"), "tgt")
    for k, b in enumerate(beads):
        if b.src_ids == s and b.tgt_ids == t:
            return k
    raise _Stale(f"no pair with source sentences {list(s)} and target sentences {list(t)} in this alignment")


def _check_texts(specs: list, idx: list[int], beads: list[Bead], changed: set[int], src: Side, tgt: Side) -> None:
    for spec, k in zip(specs, idx):
        b = beads[k]
        key = spec.get("key")
        if key is None:
            if k not in changed:
                raise _Stale(f"pair {k + 1} has no 'key' and no earlier correction made it")
            continue
        if key != bead_key([src.sentences[i].text for i in b.src_ids], [tgt.sentences[j].text for j in b.tgt_ids]):
            raise _Stale(f"pair {k + 1} (source {list(b.src_ids)}, target {list(b.tgt_ids)}) is not the text the "
                         "correction was made on")


def _check_boundaries(b: Bead, kind: str, src: Side, tgt: Side) -> None:
    """A split, move or detach needs each sentence's own text: a TSV written before its ``cuts`` column
    gives a many-sentence side's whole text to its first sentence (``report.tsv._spread``) and nothing to
    the others; cutting there would write one sentence with the text of all and the rest empty."""
    for side, ids in ((src, b.src_ids), (tgt, b.tgt_ids)):
        if len(ids) > 1 and any(not side.sentences[i].text for i in ids):
            raise _Stale(f"{kind}: this alignment does not say where the sentences of pair {list(b.src_ids)}:"
                         f"{list(b.tgt_ids)} begin (a TSV without the 'cuts' column, written before it existed); "
                         "align again with 'aligner align', then apply the review")


def _new(src_ids, tgt_ids) -> Bead:
    return Bead(tuple(src_ids), tuple(tgt_ids), None, ())


def _apply_one(beads: list[Bead], changed: set[int], op: dict, src: Side, tgt: Side) -> tuple[list[Bead], set[int]]:
    kind = op.get("op")
    if kind not in OPS:
        raise _Stale(f"unknown operation {kind!r} (known: {', '.join(OPS)})")
    specs = op.get("beads")
    want = 1 if kind in ("split", "detach") else 2
    if not isinstance(specs, list) or len(specs) != want:
        raise _Stale(f"{kind} takes {want} bead{'s' if want > 1 else ''}")
    idx = [_find(beads, s) for s in specs]
    _check_texts(specs, idx, beads, changed, src, tgt)
    if kind != "merge":
        _check_boundaries(beads[idx[0]], kind, src, tgt)
    if want == 2 and abs(idx[0] - idx[1]) != 1:
        raise _Stale(f"{kind}: the two pairs are not neighbours")
    k = idx[0]
    if kind == "merge":
        lo = min(idx)
        a, b = beads[lo], beads[lo + 1]
        new = beads[:lo] + [_new(a.src_ids + b.src_ids, a.tgt_ids + b.tgt_ids)] + beads[lo + 2:]
        return new, {c - (1 if c > lo else 0) for c in changed if c != lo + 1} | {lo}
    if kind == "split":
        a = beads[k]
        at = op.get("at")
        if (not isinstance(at, list) or len(at) != 2 or not all(isinstance(x, int) for x in at)
                or not 0 <= at[0] <= len(a.src_ids) or not 0 <= at[1] <= len(a.tgt_ids)):
            raise _Stale(f"split: 'at' must be [source count, target count] within the pair, got {at!r}")
        ns, nt = at
        first, rest = (a.src_ids[:ns], a.tgt_ids[:nt]), (a.src_ids[ns:], a.tgt_ids[nt:])
        if not (first[0] or first[1]) or not (rest[0] or rest[1]):
            raise _Stale("split: both parts must keep a sentence")
        new = beads[:k] + [_new(*first), _new(*rest)] + beads[k + 1:]
        return new, {c + (1 if c > k else 0) for c in changed} | {k, k + 1}
    side = op.get("side")
    if side not in ("src", "tgt"):
        raise _Stale(f"{kind}: 'side' must be \"src\" or \"tgt\"")
    a = beads[k]
    ids = a.src_ids if side == "src" else a.tgt_ids
    if not ids:
        raise _Stale(f"{kind}: the pair has no {side} sentence")
    if kind == "move":
        to = idx[1]
        b = beads[to]
        moved, keep = (ids[-1], ids[:-1]) if to > k else (ids[0], ids[1:])
        b_ids = b.src_ids if side == "src" else b.tgt_ids
        b_new = (moved,) + b_ids if to > k else b_ids + (moved,)
        na = _new(keep, a.tgt_ids) if side == "src" else _new(a.src_ids, keep)
        nb = _new(b_new, b.tgt_ids) if side == "src" else _new(b.src_ids, b_new)
        out = list(beads)
        out[k], out[to] = na, nb
        touched = {k, to}
        if not na.src_ids and not na.tgt_ids:  # emptied: it goes
            del out[k]
            return out, {c - (1 if c > k else 0) for c in changed if c != k} | {to - (1 if to > k else 0)}
        return out, set(changed) | touched
    which = op.get("which")
    if which not in ("first", "last"):
        raise _Stale("detach: 'which' must be \"first\" or \"last\"")
    if len(a.src_ids) + len(a.tgt_ids) < 2:
        raise _Stale("detach: the pair has only that sentence")
    one, keep = (ids[0], ids[1:]) if which == "first" else (ids[-1], ids[:-1])
    alone = _new((one,), ()) if side == "src" else _new((), (one,))
    rest = _new(keep, a.tgt_ids) if side == "src" else _new(a.src_ids, keep)
    pair = [alone, rest] if which == "first" else [rest, alone]
    new = beads[:k] + pair + beads[k + 1:]
    return new, {c + (1 if c > k else 0) for c in changed} | {k, k + 1}


def apply_corrections(beads: Sequence[Bead], src: Side, tgt: Side, corrections: Sequence[dict]) -> Corrected:
    """Apply ``corrections`` in order; each one that does not fit the current beads and text is stale.

    Unchanged beads keep score and flags; a bead a correction made has neither
    (``rescore`` fills them).
    """
    cur = list(beads)
    changed: set[int] = set()
    done: list[dict] = []
    stale: list[str] = []
    for n, op in enumerate(corrections, 1):
        try:
            if not isinstance(op, dict):
                raise _Stale("not an object")
            cur, changed = _apply_one(cur, changed, op, src, tgt)
            done.append(op)
        except _Stale as e:
            stale.append(f"correction {n} ({op.get('op') if isinstance(op, dict) else '?'}): {e}")
    return Corrected(tuple(cur), len(done), tuple(stale), frozenset(changed), tuple(done))


def bead_score(b: Bead, S: np.ndarray, T: np.ndarray) -> float | None:
    """Cosine of the summed sentence vectors of each side, clipped to [0, 1] (``align``'s formula
    without its window embeddings); None for a one-sided bead."""
    if not b.src_ids or not b.tgt_ids:
        return None
    sv = S[list(b.src_ids)].sum(0)
    tv = T[list(b.tgt_ids)].sum(0)
    den = float(np.linalg.norm(sv) * np.linalg.norm(tv)) or 1.0
    return round(min(1.0, max(0.0, float(sv @ tv) / den)), 6)


def rescore(al: Alignment, beads: Sequence[Bead], *, config=None, embedder=None, lexicon=None) -> Alignment:
    """``al`` with ``beads`` (corrected) scored and flagged again, as the score stage does after aligning.

    Beads with a score keep it; new beads get ``bead_score`` from the sentence
    vectors in ``al.meta`` (needs them: an alignment made in this run).
    """
    from .qa import Lexicon
    from .qa import score as qa_score

    S, T = al.meta["src_vecs"], al.meta["tgt_vecs"]
    scored = [b if b.score is not None or not (b.src_ids and b.tgt_ids) else replace(b, score=bead_score(b, S, T))
              for b in beads]
    out = qa_score(al.src, al.tgt, [replace(b, flags=()) for b in scored], src_vecs=S, tgt_vecs=T,
                   lexicon=lexicon or Lexicon(), embed=embedder.embed if embedder is not None else None)
    if al.layout == "pair":
        from .script import script_flags

        out = script_flags(al.src, al.tgt, out)
    return replace(al, beads=tuple(out))
