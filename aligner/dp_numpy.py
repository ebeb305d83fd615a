"""The full (unbanded) bead DP in numpy: no JIT, for documents of up to ``full_dp_max_cells`` cells.

Same costs, same search and the same tie-breaking as the numba kernel in
``aligner.dp_kernels`` (``dp``): the cost of every bead shape at every start
cell is computed at once from matrix products of the window vectors, then
the table is filled row by row. Within a row, every bead that starts in an
earlier row is a vector operation; only the 0-1 bead (the row's own previous
cell) is a scan. A 40-line document takes a few milliseconds and never
imports numba (whose import alone costs ~0.7 s a process).

Ties go to the first bead shape in ``types`` order, as in the kernel's
strict ``<`` over its types loop.
"""

from __future__ import annotations

import math

import numpy as np


def cosine_shapes(types) -> set[tuple[int, int]]:
    """The (a, b) window shapes whose cosines the bead costs read: each two-sided bead type's own, and
    (1, b) / (a, 1) for the worst member of a merged side (15 of 25 for beads up to 5 with at most 6
    sentences in all). The banded kernel tables the same (``align._table_shapes``)."""
    need = set()
    for a, b in types:
        if a and b:
            need |= {(a, b), (1, b), (a, 1)}
    return need


def _cos_tables(SWn: np.ndarray, TWn: np.ndarray, types) -> dict[tuple[int, int], np.ndarray]:
    """(a, b) -> (n, m) float32 dot products of source windows of a with target windows of b sentences, for
    the shapes ``cosine_shapes`` names."""
    return {(a, b): SWn[a - 1] @ TWn[b - 1].T for a, b in sorted(cosine_shapes(types))}


def bead_costs(types, n, m, SWn, TWn, s_norm, t_norm, cs, ct, s_para, t_para, s_alone, t_alone, s_head, t_head,
               skip, edge_skip, skip_full, skip_floor, para_w, head_w, len_w, merge_w, member_w, ratio, smooth):
    """Per type t, the (n+1, m+1) float64 cost of the bead of shape ``types[t]`` ending at each cell.

    ``inf`` where the bead does not fit. ``SWn`` / ``TWn``: (K, n, dim) window
    vectors whose dot product is the cosine of merged sides (L2-normalised
    windows, or normalised sums of sentence vectors). ``s_head`` / ``t_head``:
    (n,) / (m,) bool headings; a merged side starting with one costs the bead
    without it (same end cell, one sentence narrower) plus ``head_w``, if that is less.
    """
    G = _cos_tables(SWn, TWn, types)
    out = []
    ii = np.arange(n + 1)
    jj = np.arange(m + 1)
    for a, b in types:
        C = np.full((n + 1, m + 1), np.inf)
        if b == 0:  # 1-0: source sentence pi = i - 1 unaligned
            pi = ii[1:] - 1
            c = np.full(n, skip)
            scale = np.minimum(1.0, np.maximum(skip_floor, (cs[pi + 1] - cs[pi]) * ratio / skip_full))
            c = np.where(s_alone[pi], c * scale, c)
            C[1:, :] = c[:, None]
            C[1:, 0] = edge_skip
            C[1:, m] = edge_skip
        elif a == 0:  # 0-1: target sentence pj = j - 1 unaligned
            pj = jj[1:] - 1
            c = np.full(m, skip)
            scale = np.minimum(1.0, np.maximum(skip_floor, (ct[pj + 1] - ct[pj]) / skip_full))
            c = np.where(t_alone[pj], c * scale, c)
            C[:, 1:] = c[None, :]
            C[0, 1:] = edge_skip
            C[n, 1:] = edge_skip
        elif a <= n and b <= m:
            na, mb = n - a + 1, m - b + 1  # start cells (pi, pj)
            sim = G[(a, b)][:na, :mb].astype(np.float64)
            norm = 0.5 * (s_norm[a - 1, :na, None].astype(np.float64) + t_norm[b - 1, None, :mb])
            c = (1.0 - sim) / norm * (a + b) * 0.5 + merge_w * (a + b - 2)
            if member_w != 0.0 and a + b > 2:
                gap = np.zeros_like(c)
                if a >= 2:
                    g = G[(1, b)]
                    worst = np.minimum.reduce([g[r:r + na, :mb] for r in range(a)]).astype(np.float64)
                    gap += np.maximum(sim - worst, 0.0)
                if b >= 2:
                    g = G[(a, 1)]
                    worst = np.minimum.reduce([g[:na, r:r + mb] for r in range(b)]).astype(np.float64)
                    gap += np.maximum(sim - worst, 0.0)
                c = c + member_w * gap
            ls = (cs[a:] - cs[:na])[:, None]
            lt = (ct[b:] - ct[:mb])[None, :]
            lr = np.log((lt + smooth) / (ratio * ls + smooth))
            c = c + len_w * lr * lr
            ps = (s_para[a - 1:] - s_para[:na]).astype(np.float64)[:, None]
            pt = (t_para[b - 1:] - t_para[:mb]).astype(np.float64)[None, :]
            c = c + para_w * (ps + pt)
            C[a:, b:] = c
        out.append(C)
    _strip_heads(types, out, n, m, s_head, t_head, head_w, para_w, s_para, t_para)
    return out


def _strip_heads(types, costs, n, m, s_head, t_head, head_w, para_w, s_para, t_para) -> None:
    """In place: a bead whose merged side starts with a heading costs the bead without that heading, plus
    ``head_w`` and the paragraph break between the heading and the rest, if any (a heading that is a
    paragraph of its own stays a cheap 1-0 line), when that is less than its own cost (a heading the other
    side translates in the same line keeps its match, whatever ``head_w``). Not when the other side starts
    with a heading or follows one: two headings facing each other are likely each other's translation.

    The narrower bead ends at the same cell, so its cost is read from its own table; shapes are taken
    narrowest first, so a run of headings is stripped one by one (the kernel's ``while`` loops).
    """
    idx = {t: k for k, t in enumerate(types)}
    sh = np.asarray(s_head, bool)
    th = np.asarray(t_head, bool)
    s_near = sh.copy()  # a heading here or just before: a heading of the other side there is likely its pair
    s_near[1:] |= sh[:-1]
    t_near = th.copy()
    t_near[1:] |= th[:-1]
    s_brk = np.diff(np.asarray(s_para, np.float64))  # (n-1,): a break between sentence p and p+1
    t_brk = np.diff(np.asarray(t_para, np.float64))
    for a, b in sorted(types):
        if not (a and b) or a > n or b > m:
            continue
        block = costs[idx[(a, b)]][a:, b:]  # by start cell (pi, pj) of the bead
        na, mb = n - a + 1, m - b + 1
        if a >= 2:
            lead = sh[:na, None] & ~t_near[None, :mb]
            narrow = costs[idx[(a - 1, b)]][a:, b:] + head_w + para_w * s_brk[:na, None]
            block[lead] = np.minimum(block[lead], narrow[lead])
        if b >= 2:
            lead = th[None, :mb] & ~s_near[:na, None]
            narrow = costs[idx[(a, b - 1)]][a:, b:] + head_w + para_w * t_brk[None, :mb]
            block[lead] = np.minimum(block[lead], narrow[lead])


def full_dp(types, costs, n: int, m: int) -> list[tuple[int, int]]:
    """Fill the (n+1, m+1) table with ``costs`` (from ``bead_costs``); bead shapes of the best path."""
    D = np.full((n + 1, m + 1), np.inf)
    BP = np.full((n + 1, m + 1), -1, np.int8)
    D[0, 0] = 0.0
    skip_col = [t for t, (a, b) in enumerate(types) if a == 0]
    rest = [t for t, (a, b) in enumerate(types) if a > 0]
    t01 = skip_col[0] if skip_col else None
    for i in range(n + 1):
        # beads that start in an earlier row, in type order: strict < keeps the first of equal costs
        best = np.full(m + 1, np.inf)
        bt = np.full(m + 1, -1, np.int64)
        for t in rest:
            a, b = types[t]
            if a > i or b > m:
                continue
            cand = np.full(m + 1, np.inf)
            cand[b:] = D[i - a, :m + 1 - b] + costs[t][i, b:]
            upd = cand < best
            best[upd] = cand[upd]
            bt[upd] = t
        if i == 0:
            best[0], bt[0] = 0.0, -1
        if t01 is None:
            D[i], BP[i] = best, bt
            continue
        # the 0-1 bead: from this row's previous cell; it sits at its place in the type order
        c01 = costs[t01][i]
        row = best.tolist()
        brow = bt.tolist()
        c01l = c01.tolist()
        prev = row[0]
        for j in range(1, m + 1):
            cand = prev + c01l[j]
            cur, ct_ = row[j], brow[j]
            if cand < cur or (cand == cur and cur != math.inf and ct_ > t01):
                cur, ct_ = cand, t01
            row[j], brow[j] = cur, ct_
            prev = cur
        D[i] = row
        BP[i] = brow
    out = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(BP[i, j])
        if t < 0:
            raise RuntimeError("alignment search found no path")
        a, b = types[t]
        out.append((a, b))
        i -= a
        j -= b
    out.reverse()
    return out
