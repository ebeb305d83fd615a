"""Alignment units: a heading cut into several lines counts as one unit in the DP.

A verse text split at 。 leaves a psalm superscription as two or three lines
(（大卫的金诗，交与伶长。 / 调用休要毁坏。 / ）…), none with an English counterpart:
they belong with the verse that follows (``segment.heading_spans``). Joined
to it line by line, the note plus the verse is wider than the DP's bead
shapes (``config.max_bead`` a side), so no alignment can join them (issue 20,
``bench/book_kinds.py`` kind ``bracket``: 23 of 35 notes left apart). Here each
such note is one unit, its text the lines joined and its length their sum;
every other line is a unit of its own. The DP, the window embedding and the
edge rule run over units; ``Units.expand`` gives the beads back in line ids.

Plain data only: nothing here embeds (the caller embeds the joined notes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from .data import Bead


@dataclass(frozen=True)
class Units:
    """One side's units in order: ``groups[u]`` the line ids of unit ``u`` (consecutive, ascending)."""

    groups: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, n: int, spans: Sequence[tuple[int, int]] = ()) -> "Units":
        """``n`` lines, each ``(start, stop)`` of ``spans`` (ascending, disjoint) one unit, every other line its own."""
        groups: list[tuple[int, ...]] = []
        k = 0
        for start, stop in spans:
            if not (k <= start < stop <= n):
                raise ValueError(f"spans must be ascending, disjoint and within {n} lines, got {tuple(spans)}")
            groups += [(i,) for i in range(k, start)]
            groups.append(tuple(range(start, stop)))
            k = stop
        groups += [(i,) for i in range(k, n)]
        return cls(tuple(groups))

    @property
    def trivial(self) -> bool:
        """Every unit is one line: the units are the lines."""
        return all(len(g) == 1 for g in self.groups)

    def __len__(self) -> int:
        return len(self.groups)

    def texts(self, texts: Sequence[str], lang: str) -> list[str]:
        """Each unit's text: its lines joined (no space in Chinese, one in English)."""
        sep = "" if lang.startswith("zh") else " "
        return [texts[g[0]] if len(g) == 1 else sep.join(texts[i] for i in g) for g in self.groups]

    def total(self, values: np.ndarray) -> np.ndarray:
        """(n_units,) float64: ``values`` (n_lines,) summed over each unit (lengths)."""
        v = np.asarray(values, np.float64)
        return np.array([v[list(g)].sum() for g in self.groups], np.float64)

    def first(self, values: Sequence) -> list:
        """Each unit's first line's value (its paragraph, its heading flag)."""
        return [values[g[0]] for g in self.groups]

    def vectors(self, line_vecs: np.ndarray, joined: np.ndarray) -> np.ndarray:
        """(n_units, dim) float32: a one-line unit's line vector (``line_vecs``, (n_lines, dim)), the others'
        rows of ``joined`` ((number of multi-line units, dim), their joined texts embedded, in order)."""
        out = np.asarray(line_vecs, np.float32)[[g[0] for g in self.groups]]
        multi = self.multi()
        if multi:
            out[multi] = joined
        return out

    def multi(self) -> list[int]:
        """The units of more than one line."""
        return [u for u, g in enumerate(self.groups) if len(g) > 1]

    def ids(self, unit_ids: Sequence[int]) -> tuple[int, ...]:
        """The line ids of consecutive units, in order."""
        return tuple(i for u in unit_ids for i in self.groups[u])


def expand(beads: Sequence[Bead], src: Units, tgt: Units) -> list[Bead]:
    """``beads`` over units as beads over lines: the same scores and flags, each unit's ids its lines'."""
    if src.trivial and tgt.trivial:
        return list(beads)
    return [replace(b, src_ids=src.ids(b.src_ids), tgt_ids=tgt.ids(b.tgt_ids)) for b in beads]
