"""Helpers shared by the peer runners."""

from __future__ import annotations

import numpy as np


def to_front_padded(vecs: np.ndarray) -> np.ndarray:
    """Our window layout -> Vecalign/Bertalign's.

    Ours: ``vecs[k-1, i]`` embeds sentences ``i .. i+k-1`` (zeros past the end).
    Vecalign's ``layer()`` (and Bertalign's): ``out[k-1, i]`` embeds sentences
    ``i-k+1 .. i``, the first ``k-1`` slots being the embedding of ``"PAD"``;
    here they are zero vectors (the DPs never read them: a bead of ``k``
    sentences ending at ``i`` needs ``i >= k-1``).
    """
    K, n, d = vecs.shape
    out = np.zeros((K, n, d), np.float32)
    for k in range(1, K + 1):
        if n - k + 1 > 0:
            out[k - 1, k - 1:] = vecs[k - 1, : n - k + 1]
    return out


def pairs_to_beads(pairs, n_src: int, n_tgt: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Sentence links ``[(i, j), ...]`` -> beads in document order (connected components; unlinked -> 1-0 / 0-1)."""
    parent: dict = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        a, b = ("s", i), ("t", j)
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    comps: dict = {}
    for node in parent:
        comps.setdefault(find(node), []).append(node)
    beads = []
    for nodes in comps.values():
        s = tuple(sorted(i for side, i in nodes if side == "s"))
        t = tuple(sorted(j for side, j in nodes if side == "t"))
        beads.append((s, t))
    beads.sort(key=lambda b: (b[0][0], b[1][0]))
    out = []
    ns = nt = 0
    for s, t in beads:
        while ns < s[0]:
            out.append(((ns,), ()))
            ns += 1
        while nt < t[0]:
            out.append(((), (nt,)))
            nt += 1
        out.append((s, t))
        ns, nt = max(ns, s[-1] + 1), max(nt, t[-1] + 1)
    out.extend(((i,), ()) for i in range(ns, n_src))
    out.extend(((), (j,)) for j in range(nt, n_tgt))
    return out
