"""Which pairs go into a translation memory (TMX, XLIFF): ``--min-score`` and ``--exclude-flagged``.

CAT users import a TM only from pairs they trust: ``select_pairs`` keeps the
pairs whose score is at least ``min_score`` and that carry no flag at or above
``exclude_flagged`` (a flag accepted in the review, when one is given, does not
count). One-sided pairs have no score: ``min_score`` leaves them out (TMX and
XLIFF have no use for them anyway). A two-sided pair with no score was made by
a correction (``report --review``) and not scored again: its flags are not
known either, so ``exclude_flagged`` leaves it out too (``check --review``
scores it). The kept pairs keep their order; TMX's
``tuid`` / XLIFF's unit ids number the kept pairs.
"""

from __future__ import annotations

import dataclasses

from ..data import Alignment, Severity

#: The formats the selection applies to (a TSV or a review page keeps every pair).
TM_FORMATS = ("tmx", "xliff", "xliff12")


def select_pairs(al: Alignment, *, min_score: float | None = None, exclude_flagged: str | None = None,
                 review=None) -> tuple[Alignment, int]:
    """(``al`` with only the selected beads, how many were left out); see module docstring."""
    level = Severity(exclude_flagged).rank if exclude_flagged else None
    reviewed = None
    if review is not None and level is not None:
        from ..review import apply_review

        reviewed = apply_review(al.beads, al.src, al.tgt, review)
    keep = []
    for i, b in enumerate(al.beads):
        if min_score is not None and (b.score is None or b.score < min_score):
            continue
        if level is not None and b.src_ids and b.tgt_ids and b.score is None:
            continue  # changed by a correction, never checked: not a pair to trust
        if level is not None and any(f.severity.rank >= level and not (reviewed and reviewed.is_accepted(i, f))
                                     for f in b.flags):
            continue
        keep.append(b)
    return dataclasses.replace(al, beads=tuple(keep)), len(al.beads) - len(keep)
