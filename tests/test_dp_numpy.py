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
    if windows:
        SW, TW = _sum_windows(S, 4), _sum_windows(T, 4)
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
    by_numpy = _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, None, None, cfg)
    lo = np.zeros(n + 1, np.int64)
    hi = np.full(n + 1, m, np.int64)
    by_numba = _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, lo, hi, cfg)
    assert by_numpy == by_numba
