"""numba kernels of the banded bead DP (``aligner.align``), compiled once and cached on disk.

The cosines of merged sides come from one table per pass (``sim_table``: each shape at each start the
band can ask for), built under ``fastmath`` so that its float32 dot products are vectorised; ``dp`` itself
is compiled without it (its costs hold infinities). The bead cost's helpers are inlined into ``dp`` by
numba itself (``inline="always"``): as calls, each passed its arrays (pointer, shape and strides each) for
every bead shape at every cell, half the kernel's time.

Module-level functions, not closures: numba keys its on-disk cache on the
function's bytecode *and its closure variables*, and a closure over other
jitted functions pickles differently in every process, so the closures this
code used to be compiled again on every run (5 s). Imported only when a
document is too large for the numpy DP (``aligner.dp_numpy``).

The cache lives in ``__pycache__`` beside this file when that is writable,
else in numba's per-user cache directory (``~/.cache/numba``, or
``NUMBA_CACHE_DIR``): an installed, read-only package still compiles once.
"""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, fastmath=True)
def band_dots(S, T, base, width):
    """dots[x, y - base[x]] = S[x] . T[y] for y in [base[x], base[x] + width), 0 outside T."""
    n = S.shape[0]
    m = T.shape[0]
    d = S.shape[1]
    out = np.zeros((n, width), np.float32)
    for x in range(n):
        for k in range(width):
            y = base[x] + k
            if y < 0 or y >= m:
                continue
            acc = np.float32(0.0)
            for z in range(d):
                acc += S[x, z] * T[y, z]
            out[x, k] = acc
    return out


@numba.njit(cache=True, fastmath=True)
def sim_table(tab, n, m, K, Kb, smap, tbase, thi, toff, use_win, SW, TW, dots, base, s_wn, t_wn):
    """Fill ``tab`` ((slots, cells): float32 with window vectors, float64 without) with the cosine of the
    merged sides src[x:x+a] / tgt[y:y+b] at ``tab[smap[a-1, b-1], toff[x] + y - tbase[x]]``, for the shapes
    ``smap`` names (slot >= 0) and y in [tbase[x], thi[x]): with ``tbase = lo - Kb`` and ``thi[x] = hi[x + K]``,
    every start that a bead in the band, or a member of its merged sides, can have. Row x takes
    ``thi[x] - tbase[x]`` cells from ``toff[x]`` on (``align._table_rows``): ragged like the band, as one wide
    row (a long run of lines one side only) would make a rectangle of n times its width (red team).

    ``use_win``: from the window vectors ``SW`` / ``TW`` ((K, n, dim), L2-normalised): their dot product.
    Otherwise from the sentences' band of dot products (``band_dots``: ``dots`` / ``base``) and the window
    norms ``s_wn`` / ``t_wn`` (``align._window_norms``): the cosine of the sums; a start whose ``dots`` rows
    do not cover the window is no bead's (the band never asks for it) and stays 0."""
    dw = dots.shape[1]
    for x in range(n):
        for y in range(max(tbase[x], 0), min(thi[x], m)):
            k = toff[x] + y - tbase[x]
            for a in range(1, K + 1):
                if x + a > n:
                    break
                for b in range(1, Kb + 1):
                    s = smap[a - 1, b - 1]
                    if s < 0:
                        continue
                    if use_win:
                        acc32 = np.float32(0.0)
                        for z in range(SW.shape[2]):
                            acc32 += SW[a - 1, x, z] * TW[b - 1, y, z]
                        tab[s, k] = acc32
                        continue
                    ok = True
                    for r in range(a):
                        lo_ = y - base[x + r]
                        if lo_ < 0 or lo_ + b > dw:
                            ok = False
                    if not ok:
                        continue
                    acc = 0.0
                    for r in range(a):
                        xr = x + r
                        for q in range(b):
                            acc += dots[xr, y + q - base[xr]]
                    den = s_wn[a - 1, x] * t_wn[b - 1, y]
                    tab[s, k] = 0.0 if den <= 0.0 else acc / den


@numba.njit(cache=True, inline="always")
def member_gap(a, b, pi, pj, sim, tab, tbase, toff, smap):
    """Sum over merged sides of max(0, sim - least cosine of a member with the other side): the 1-b and a-1
    cosines, read from ``sim_table``'s table."""
    gap = 0.0
    for side in range(2):
        count = a if side == 0 else b
        if count < 2:
            continue
        worst = np.inf
        for r in range(count):
            if side == 0:
                c = tab[smap[0, b - 1], toff[pi + r] + pj - tbase[pi + r]]
            else:
                c = tab[smap[a - 1, 0], toff[pi] + pj + r - tbase[pi]]
            if c < worst:
                worst = c
        if sim > worst:
            gap += sim - worst
    return gap


@numba.njit(cache=True, inline="always")
def pair_cost(a, b, pi, pj, i, j, tab, tbase, toff, smap, s_norm, t_norm, cs_len, ct_len, len_w, merge_w,
              member_w, ratio, smooth):
    """Cost of the a-b bead src[pi:pi+a] / tgt[pj:pj+b], both sides non-empty, before paragraph breaks; the
    length prior over src[pi:i] / tgt[pj:j] (the bead's sentences, its headings taken off). Its cosine and
    its members' from ``sim_table``'s table."""
    sim = tab[smap[a - 1, b - 1], toff[pi] + pj - tbase[pi]]
    norm = 0.5 * (s_norm[a - 1, pi] + t_norm[b - 1, pj])
    dist = (1.0 - sim) / norm
    c = dist * (a + b) * 0.5 + merge_w * (a + b - 2)
    if member_w != 0.0 and a + b > 2:
        c += member_w * member_gap(a, b, pi, pj, sim, tab, tbase, toff, smap)
    ls = cs_len[i] - cs_len[pi]
    lt = ct_len[j] - ct_len[pj]
    lr = math.log((lt + smooth) / (ratio * ls + smooth))
    return c + len_w * lr * lr


@numba.njit(cache=True)
def dp(n, m, lo, hi, ta, tb, tab, tbase, toff, smap, s_norm, t_norm, cs_len, ct_len, s_para, t_para, s_alone, t_alone,
       s_head, t_head, skip, edge_skip, skip_full, skip_floor, para_w, head_w, len_w, merge_w, member_w, ratio,
       smooth):
    """Banded DP. Rows i = 0..n, columns j in [lo[i], hi[i]]. Returns the back-pointers.

    A merged side that starts with a heading (``s_head`` / ``t_head``) is scored without it, plus ``head_w``
    per heading taken off, when that costs less than with it, unless the other side starts with a heading
    too or follows one (then they are likely each other's); the paragraph breaks are still those of the whole
    bead (``aligner.dp_numpy._strip_heads``, the same costs)."""
    row_start = np.zeros(n + 2, np.int64)
    for i in range(n + 1):
        row_start[i + 1] = row_start[i] + (hi[i] - lo[i] + 1)
    total = row_start[n + 1]
    D = np.full(total, np.inf)
    BP = np.full(total, -1, np.int8)
    D[0] = 0.0  # (0, 0): lo[0] must be 0
    nt = ta.shape[0]
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                continue
            best = np.inf
            bt = -1
            for t in range(nt):
                a = ta[t]
                b = tb[t]
                pi = i - a
                pj = j - b
                if pi < 0 or pj < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = D[row_start[pi] + pj - lo[pi]]
                if prev == np.inf:
                    continue
                if a == 0 or b == 0:
                    # unaligned text before the first or after the last bead of the
                    # other side (intros, headers, trailers) is common: cheaper there
                    if (b == 0 and (pj == 0 or pj == m)) or (a == 0 and (pi == 0 or pi == n)):
                        c = edge_skip
                    else:
                        c = skip
                        # a short line that is a paragraph of its own (byline, metadata,
                        # caption) is cheaper to leave out
                        if b == 0 and s_alone[pi]:
                            c *= min(1.0, max(skip_floor, (cs_len[i] - cs_len[pi]) * ratio / skip_full))
                        elif a == 0 and t_alone[pj]:
                            c *= min(1.0, max(skip_floor, (ct_len[j] - ct_len[pj]) / skip_full))
                else:
                    c = para_w * ((s_para[i - 1] - s_para[pi]) + (t_para[j - 1] - t_para[pj])) + pair_cost(
                        a, b, pi, pj, i, j, tab, tbase, toff, smap, s_norm, t_norm, cs_len, ct_len, len_w, merge_w,
                        member_w, ratio, smooth)
                    if not ((s_head[pi] or (pi > 0 and s_head[pi - 1])) and t_head[pj]) and not (
                            s_head[pi] and pj > 0 and t_head[pj - 1]):  # facing headings: likely each other's
                        # a heading joins what follows it: the bead without it, plus head_w and the break
                        # after it, when that costs less (dp_numpy._strip_heads: from the narrowest side up)
                        ks = 0
                        while ks + 1 < a and s_head[pi + ks]:
                            ks += 1
                        kt = 0
                        while kt + 1 < b and t_head[pj + kt]:
                            kt += 1
                        if ks > 0 or kt > 0:
                            v = 0.0
                            for d in range(max(ks, kt), -1, -1):  # headings taken off the side that has them
                                qi = pi + d if ks > 0 else pi
                                qj = pj + d if kt > 0 else pj
                                if d > 0:
                                    full = para_w * ((s_para[i - 1] - s_para[qi]) + (t_para[j - 1] - t_para[qj])) \
                                        + pair_cost(i - qi, j - qj, qi, qj, i, j, tab, tbase, toff, smap, s_norm,
                                                    t_norm, cs_len, ct_len, len_w, merge_w, member_w, ratio,
                                                    smooth)
                                else:
                                    full = c
                                if d == max(ks, kt):
                                    v = full
                                else:
                                    brk = s_para[qi + 1] - s_para[qi] if ks > 0 else t_para[qj + 1] - t_para[qj]
                                    v = min(full, (v + head_w) + para_w * brk)
                            c = v
                if prev + c < best:
                    best = prev + c
                    bt = t
            k = row_start[i] + j - lo[i]
            D[k] = best
            BP[k] = bt
    return BP, row_start


@numba.njit(cache=True)
def forward_table(ta, tb, costs):
    """(n+1, m+1) least cost of aligning the first i source and j target sentences, from ``costs``:
    (types, n+1, m+1) float64, the cost of a bead of shape (ta[t], tb[t]) ending at each cell (inf: none).
    For ``aligner.windows`` on documents long enough to be cut in pieces (numba is loaded for them anyway)."""
    nt, n1, m1 = costs.shape
    D = np.full((n1, m1), np.inf)
    D[0, 0] = 0.0
    for i in range(n1):
        for j in range(m1):
            if i == 0 and j == 0:
                continue
            best = np.inf
            for t in range(nt):
                a = ta[t]
                b = tb[t]
                if a > i or b > j:
                    continue
                v = D[i - a, j - b] + costs[t, i, j]
                if v < best:
                    best = v
            D[i, j] = best
    return D
