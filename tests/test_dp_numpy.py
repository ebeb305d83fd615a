"""The numpy full DP (``aligner.dp_numpy``) against the numba kernel (``aligner.dp_kernels``) on the same table.

Short documents are aligned by numpy (no JIT start-up); long ones by numba over a band.
Both must find the same beads: here numba is given the whole table as its band, so
the two solve exactly the same problem (the cases are random, partly shuffled
translations, 2-D sentence vectors and 3-D window vectors, with paragraphs,
short standalone lines, headings (runs of them too) and unequal lengths; ties
included: identical vectors).
"""

from __future__ import annotations

import numpy as np
import pytest

from aligner.align import _run_dp, _sum_windows, bead_types
from aligner.config import AlignConfig


def _case(seed: int, n: int, m: int, windows: bool, d: int = 16):
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(n, d)).astype(np.float32)
    idx = np.sort(rng.integers(0, n, m))
    T = S[idx] + 0.5 * rng.normal(size=(m, d)).astype(np.float32)
    if seed % 3 == 0:  # exact duplicates: equal costs, so the tie-breaking must agree too
        T[: m // 2] = S[0]
    S /= np.linalg.norm(S, axis=1, keepdims=True)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    if windows:  # as many rows as the widest bead side: fewer and the kernels score merged sides by sums
        K = AlignConfig().max_bead
        SW, TW = _sum_windows(S, K), _sum_windows(T, K)
    else:
        SW, TW = S[None], T[None]
    s_len = rng.integers(1, 80, n).astype(np.float64)
    t_len = rng.integers(1, 200, m).astype(np.float64)
    s_para = np.sort(rng.integers(0, max(1, n // 2), n))
    t_para = np.sort(rng.integers(0, max(1, m // 2), m))
    s_head = rng.random(n) < 0.2
    t_head = rng.random(m) < 0.2
    return SW, TW, s_len, t_len, s_para, t_para, s_head, t_head


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("windows", [False, True])
@pytest.mark.parametrize("n, m", [(1, 1), (1, 5), (7, 3), (20, 27), (33, 30)])
# head_attach_cost: the default, and one where a heading is often cheaper kept on (not 0.8 = skip_cost: exact ties)
@pytest.mark.parametrize("head", [0.3, 0.7])
def test_numpy_full_dp_equals_numba_kernel(seed, windows, n, m, head):
    SW, TW, s_len, t_len, s_para, t_para, s_head, t_head = _case(seed, n, m, windows)
    cfg = AlignConfig(head_attach_cost=head)
    types = bead_types(cfg.max_bead, cfg.max_bead_total)
    assert (SW.shape[0] >= max(a for a, _ in types)) == windows  # the window-vector path, or the sums'
    by_numpy = _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, None, None, cfg)
    lo = np.zeros(n + 1, np.int64)
    hi = np.full(n + 1, m, np.int64)
    by_numba = _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, lo, hi, cfg)
    assert by_numpy == by_numba


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("windows", [False, True])
@pytest.mark.parametrize("widest", [(4, 5), (5, 6)])  # max_bead, max_bead_total: before 0.3.6 and since
def test_kernel_cosine_table_holds_every_start_a_narrow_band_asks_for(seed, windows, widest):
    """The banded kernel reads merged sides' and members' cosines from one table per start
    (``dp_kernels.sim_table``); on a narrow, steep band every start a bead in it can have, and every member
    of it, must be in the table with its cosine (expected: the dot product of the normalised-sum windows,
    computed here in numpy)."""
    from aligner.align import _band_from_beads, _table_rows, _table_shapes, _window_norms
    from aligner.dp_kernels import band_dots, sim_table

    rng = np.random.default_rng(seed)
    n, m = 60, 90
    SW, TW = _case(seed, n, m, True)[:2]
    S, T = SW[0], TW[0]
    path, x, y = [], 0, 0
    while x < n // 2 or y < m // 2:  # a coarse path of random shapes over half the sides, upsampled by 2
        a, b = [(1, 1), (1, 2), (2, 1), (1, 3), (0, 1), (1, 0)][rng.integers(6)]
        path.append((a, b))
        x, y = x + a, y + b
    lo, hi = _band_from_beads(path, n, m, 2, 2)
    types = bead_types(*widest)
    K = Kb = widest[0]
    smap, nslots = _table_shapes(types, K, Kb)
    tbase, thi, toff, cells = _table_rows(lo, hi, n, K, Kb)
    if windows:
        SWk, TWk = SW.astype(np.float32), TW.astype(np.float32)
        dots, base, s_wn, t_wn = np.zeros((1, 1), np.float32), np.zeros(1, np.int64), *[np.zeros((1, 1), np.float32)] * 2
    else:
        SWk = TWk = np.zeros((1, 1, 1), np.float32)
        base = (lo[:n] - K).astype(np.int64)
        dots = band_dots(S, T, base, int((hi[:n] - lo[:n]).max()) + 2 * K + 1)
        s_wn, t_wn = _window_norms(S, K), _window_norms(T, K)
    tab = np.zeros((nslots, cells), np.float32 if windows else np.float64)
    sim_table(tab, n, m, K, Kb, smap, tbase, thi, toff, windows, SWk, TWk, dots, base, s_wn.astype(np.float32),
              t_wn.astype(np.float32))
    cos = {(a, b): SW[a - 1] @ TW[b - 1].T for a in range(1, K + 1) for b in range(1, Kb + 1)}
    asked = 0
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            for a, b in types:
                pi, pj = i - a, j - b
                if not a or not b or pi < 0 or pj < 0 or not lo[pi] <= pj <= hi[pi]:
                    continue
                wants = [(a, b, pi, pj)] if smap[a - 1, b - 1] >= 0 else []
                if a >= 2:
                    wants += [(1, b, pi + r, pj) for r in range(a)]
                if b >= 2:
                    wants += [(a, 1, pi, pj + r) for r in range(b)]
                for wa, wb, x, y in wants:
                    asked += 1
                    assert tbase[x] <= y < thi[x], (wa, wb, x, y)  # in row x's own cells, not the next row's
                    got = tab[smap[wa - 1, wb - 1], toff[x] + y - tbase[x]]
                    assert got == pytest.approx(cos[(wa, wb)][x, y], abs=1e-5), (wa, wb, x, y)
    assert asked > 1000


def test_kernel_cosine_table_is_ragged_like_the_band(monkeypatch):
    """A long run of lines on one side only (an appendix the translation adds) makes one row of the band as
    wide as the run; the kernel's cosine table must take each row's own width (the starts that row's beads can
    have: [lo[x] - Kb, hi[x + K])), not the widest row's times n: that rectangle was 1 GB of float64 for
    3,000 lines facing 6,000 (measured: peak RSS 204 MB before the table, 1,169 MB with it)."""
    import aligner.dp_kernels as kernels
    from aligner.align import _band_from_beads, _table_shapes

    n, m, run = 60, 360, 300
    SW, TW, s_len, t_len, s_para, t_para, s_head, t_head = _case(4, n, m, False)
    # the coarse path: 1-1 to the middle, the run of target lines (0-1), 1-1 to the end; upsampled by 2
    half = n // 4
    path = [(1, 1)] * half + [(0, 1)] * (run // 2) + [(1, 1)] * (n // 2 - half)
    lo, hi = _band_from_beads(path, n, m, 2, 4)
    assert (hi - lo).max() > run  # one row spans the run
    cfg = AlignConfig()
    types = bead_types(cfg.max_bead, cfg.max_bead_total)
    K = max(a for a, _ in types)
    Kb = max(b for _, b in types)
    sizes = []
    real = kernels.sim_table
    monkeypatch.setattr(kernels, "sim_table", lambda tab, *rest: (sizes.append(tab.size), real(tab, *rest))[1])
    got = _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, lo, hi, cfg)
    assert sum(a for a, _ in got) == n and sum(b for _, b in got) == m
    starts = sum(int(hi[min(x + K, n)] - lo[x] + Kb) for x in range(n))  # each row's own starts, summed
    assert sizes == [_table_shapes(types, K, Kb)[1] * starts]
