"""Align stage: dynamic programming over beads, on arrays only (no model).

``align(src_vecs, tgt_vecs, ...)`` takes embeddings, like vecalign's
``vecalign(vecs0, vecs1, ...)``, so it is tested with hand-made vectors.

Bead types: 1-0, 0-1 and every a-b with 1 <= a, b <= ``max_bead`` and
a + b <= ``max_bead_total`` (by default every shape up to 1-5, 2-4, 3-3, 4-2
and 5-1). The cost of an a-b bead is::

    dist * (a + b) / 2 + merge_cost * (a + b - 2)
        + member_weight * (gap_src + gap_tgt)
        + length_weight * log((lt + 10) / (ratio * ls + 10)) ** 2
        + para_break_cost * (paragraph breaks inside the bead)

where ``dist = (1 - cos) / norm`` is the cosine distance of the bead's merged
sides normalised by each side's mean distance to random sentences of the
other text (vecalign's normalisation: a sentence similar to everything is not
evidence), ``ls``/``lt`` are the bead's source/target lengths in characters
and ``ratio`` is the document's own target/source length ratio. On a merged
side (two sentences or more), ``gap`` is how far its worst member falls
below the bead: ``max(0, cos(merged sides) - min over members of
cos(member, other merged side))``, 0 for a single sentence. A merge that
takes in a sentence belonging to a neighbour pays for it even when the
window as a whole still reads like the other side. A 1-0 or 0-1
bead costs ``skip_cost``, or ``edge_skip_cost`` before the first or after the
last sentence of the other side (an intro, header or trailer with no counterpart),
and, for a short line that is a paragraph of its own (byline, metadata,
caption), scaled by ``length / skip_full_chars`` (in the sparser side's characters, English), at
least ``skip_floor``. A merged side whose first member is a heading
(``src_heads`` / ``tgt_heads``) costs what the bead without the heading
costs, plus ``head_attach_cost``, when that is less than its own cost: a
heading with no counterpart carries no meaning the other side could match,
and it belongs with what follows it (one the other side translates in the
same line keeps that match).

Search: a full DP when n * m is small; otherwise vecalign-style
coarse-to-fine: halve both sides (averaging neighbouring vectors) until small,
align there, then at each finer level search only a band of
``search_window`` sentences around the upsampled path. Time and memory are
linear in the document length for a fixed window. The full DP runs in numpy
(``aligner.dp_numpy``: no JIT, milliseconds for an article); the banded one
in numba (``aligner.dp_kernels``, compiled once and cached on disk). Both
find the same beads on the same table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .adapt import adapt_map
from .config import AlignConfig
from .data import Bead

log = logging.getLogger(__name__)

#: Random sentences of the other side used to normalise each vector's distances.
NORM_SAMPLES = 128
#: Fixed seed: the same input always gives the same alignment.
NORM_SEED = 1234
#: Additive smoothing of bead lengths (characters) in the length prior.
LENGTH_SMOOTHING = 10.0
#: Bead types searched at coarse levels (vectors there are averages of two sentences).
COARSE_TYPES = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1))


def bead_types(max_bead: int, max_total: int) -> list[tuple[int, int]]:
    """All (a, b) bead shapes searched: 1-0, 0-1 and a-b with a, b <= max_bead, a + b <= max_total."""
    out = [(1, 0), (0, 1)]
    for a in range(1, max_bead + 1):
        for b in range(1, max_bead + 1):
            if a + b <= max_total:
                out.append((a, b))
    return out




# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _as_windows(vecs: np.ndarray) -> np.ndarray:
    v = np.asarray(vecs, dtype=np.float32)
    if v.ndim == 2:
        return v[None]
    if v.ndim != 3:
        raise ValueError(f"embeddings must be (n, dim) or (k, n, dim), got shape {v.shape}")
    return v


def _row_norms(x: np.ndarray) -> np.ndarray:
    """(n,) L2 norms of the rows of an (n, dim) array, in its dtype: ``np.linalg.norm(x, axis=1)`` without its
    (n, dim) temporary (4x faster on a book's 30,000 x 512 float32 sentence vectors)."""
    return np.sqrt(np.einsum("ij,ij->i", x, x))


def _window_norms(S: np.ndarray, K: int) -> np.ndarray:
    """(K, n) float32: |S[i] + ... + S[i+a-1]| for averaged windows (0 past the end)."""
    n = S.shape[0]
    out = np.zeros((K, n), np.float32)
    acc = np.zeros_like(S)
    for a in range(1, K + 1):
        if a > n:
            break
        acc[: n - a + 1] += S[a - 1:]
        out[a - 1, : n - a + 1] = _row_norms(acc[: n - a + 1])
    return out


def _random_norms(W: np.ndarray, other: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(K, n) float32: 1 - mean cosine of each window vector with random sentences of the other side."""
    K, n, _ = W.shape
    m = other.shape[0]
    if n == 0 or m == 0:
        return np.ones((K, n), np.float32)
    idx = rng.integers(0, m, size=min(NORM_SAMPLES, max(m, 1)))
    # the mean cosine with the sample is the dot product with the sample's mean vector: one (n, dim) x (dim,)
    # product per window size instead of (n, dim) x (dim, 128)
    centre = other[idx].astype(np.float64).mean(axis=0).astype(np.float32)
    out = np.empty((K, n), np.float32)
    for k in range(K):
        out[k] = 1.0 - W[k] @ centre
    return np.maximum(out, 0.05)


def _averaged_norms(S: np.ndarray, T: np.ndarray, K: int, rng) -> np.ndarray:
    """(K, n): window distance norms as the mean of the sentence norms in the window."""
    base = _random_norms(S[None], T, rng)[0]
    n = S.shape[0]
    out = np.ones((K, n), np.float32)
    cs = np.concatenate([[0.0], np.cumsum(base, dtype=np.float64)])
    for a in range(1, K + 1):
        if a > n:
            break
        out[a - 1, : n - a + 1] = (cs[a:] - cs[:-a]) / a
    return out


def _downsample(S: np.ndarray) -> np.ndarray:
    """Halve: each vector is the normalised sum of two neighbours (the last may be single)."""
    n = S.shape[0]
    h = (n + 1) // 2
    out = S[0: 2 * (n // 2): 2].copy() if n >= 2 else np.zeros((0, S.shape[1]), np.float32)
    if n >= 2:
        out += S[1: 2 * (n // 2): 2]
    if n % 2:
        out = np.concatenate([out, S[-1:]], axis=0)
    nrm = _row_norms(out)[:, None]
    nrm[nrm == 0] = 1.0
    return (out / nrm).astype(np.float32)[:h]


def _sum_pairs(x: np.ndarray) -> np.ndarray:
    n = x.shape[0]
    out = x[0: 2 * (n // 2): 2] + x[1: 2 * (n // 2): 2]
    if n % 2:
        out = np.concatenate([out, x[-1:]])
    return out


def _band_from_beads(beads, n: int, m: int, scale: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row column bounds around a coarse path upsampled by ``scale``."""
    lo = np.full(n + 1, m, np.int64)
    hi = np.zeros(n + 1, np.int64)
    x, y = 0, 0
    for a, b in beads:
        x1 = min(n, x + a * scale) if a else x
        y1 = min(m, y + b * scale) if b else y
        for i in range(x, x1 + 1):
            lo[i] = min(lo[i], y)
            hi[i] = max(hi[i], y1)
        x, y = x1, y1
    # the coarse path ends at the coarse corner; the fine one must reach (n, m)
    for i in range(x, n + 1):
        lo[i] = min(lo[i], y)
        hi[i] = max(hi[i], m)
    lo = np.maximum(lo - window, 0)
    hi = np.minimum(hi + window, m)
    # rows must be reachable: lo non-decreasing, hi non-decreasing
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0] = 0
    hi[n] = m
    lo = np.minimum(lo, hi)
    return lo, hi


def _heading_paras(paras: np.ndarray, heads, name: str) -> np.ndarray:
    """(n,) int64 paragraph indices with a break before every heading not already at a paragraph start.

    A heading keeps the sentences after it in its paragraph, so it is not a
    standalone line (``_alone``) and a bead joining it to what follows crosses
    no break; one joining it to what precedes crosses one.
    """
    if heads is None:
        return paras
    h = np.asarray(heads, np.bool_)
    if h.shape != paras.shape:
        raise ValueError(f"{name} must have shape {paras.shape}, got {h.shape}")
    if paras.size == 0:
        return paras
    starts = np.ones(paras.size, np.bool_)
    starts[1:] = paras[1:] != paras[:-1]
    breaks = starts | h
    breaks[0] = False
    return np.cumsum(breaks).astype(np.int64) + paras[0]


def _alone(paras: np.ndarray) -> np.ndarray:
    """(n,) bool: the sentence is the only one of its paragraph (a standalone line)."""
    p = np.asarray(paras, np.int64)
    if p.size == 0:
        return np.zeros(0, np.bool_)
    _, inv, counts = np.unique(p, return_inverse=True, return_counts=True)
    return np.ascontiguousarray(counts[inv] == 1)


def _traceback(BP, row_start, lo, ta, tb, n, m) -> list[tuple[int, int]]:
    """Bead shapes (a, b) from (0, 0) to (n, m)."""
    out = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(BP[row_start[i] + j - lo[i]])
        if t < 0:
            raise RuntimeError("alignment search found no path (band too narrow)")
        a, b = int(ta[t]), int(tb[t])
        out.append((a, b))
        i -= a
        j -= b
    out.reverse()
    return out


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
def align(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    *,
    src_lens=None,
    tgt_lens=None,
    src_paras=None,
    tgt_paras=None,
    src_heads=None,
    tgt_heads=None,
    config: AlignConfig = AlignConfig(),
) -> list[Bead]:
    """Align two embedded texts; every sentence appears in exactly one bead, in order.

    ``src_vecs``: (n_src, dim) float32 sentence vectors, L2-normalised; or
    (k, n_src, dim) bead-window vectors where row ``a-1`` embeds sentences
    ``i .. i+a-1`` joined (row 0 = the sentences). With 2-D input, merged sides
    are scored by the normalised sum of their sentence vectors.
    ``tgt_vecs`` likewise. ``src_lens``/``tgt_lens``: (n,) lengths in
    characters (default 1 each). ``src_paras``/``tgt_paras``: (n,)
    non-decreasing paragraph indices (default 0). ``src_heads``/``tgt_heads``:
    (n,) bool, the sentence is a heading that belongs with what follows it
    (``aligner.segment.opens_next``; default none): inside a paragraph, a
    heading starts a new one, so a bead that takes it in with the sentence
    before pays ``para_break_cost`` and one that takes it in with the
    sentence after does not; a merged side that starts with it is scored
    without it, plus ``head_attach_cost``, when that costs less than with it. Returns beads in document
    order with ``score`` = cosine of the merged sides, clipped to [0, 1]
    (``None`` for 1-0 and 0-1 beads).
    """
    return align_kept(src_vecs, tgt_vecs, config=config, src_lens=src_lens, tgt_lens=tgt_lens, src_paras=src_paras,
                      tgt_paras=tgt_paras, src_heads=src_heads, tgt_heads=tgt_heads)[0]


@dataclass(frozen=True)
class Kept:
    """What ``align_kept`` keeps of an alignment to run its last pass again (``realign``): the adapted pass's
    map of source vectors (None: the first pass was the last) and the source windows it mapped."""

    mapper: Callable[[np.ndarray], np.ndarray] | None
    adapted: np.ndarray | None


def align_kept(src_vecs: np.ndarray, tgt_vecs: np.ndarray, *, config: AlignConfig = AlignConfig(),
               **sides) -> tuple[list[Bead], Kept]:
    """``align``, and what ``realign`` needs to run the last pass again after some windows changed."""
    SW, TW, s_len, t_len, s_para, t_para, s_head, t_head = _inputs(src_vecs, tgt_vecs, *_side_args(sides))
    n, m = SW.shape[1], TW.shape[1]
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)], Kept(None, None)
    types = bead_types(config.max_bead, config.max_bead_total)
    passes, mapper = _passes(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, config)
    kept = Kept(mapper, passes[-1][0] if mapper is not None else None)
    return _to_beads(passes[-1][1], SW, TW), kept


def realign(kept: Kept, src_vecs: np.ndarray, tgt_vecs: np.ndarray, changed: np.ndarray, *,
            config: AlignConfig = AlignConfig(), **sides) -> list[Bead]:
    """The last pass of ``align_kept``'s alignment again, after the source windows ``changed`` ((K, n_src)
    bool) and any target windows were replaced in ``src_vecs`` / ``tgt_vecs`` ((K, n, dim) float32): the
    adapted pass keeps the first alignment's map, only the changed windows mapped anew (``kept.adapted`` is
    updated in place). A long document whose path took a few windows that were not embedded paid a whole
    alignment again for them (both passes and the map); this is one pass. Beads scored from the windows
    as given, unmapped."""
    SW, TW, s_len, t_len, s_para, t_para, s_head, t_head = _inputs(src_vecs, tgt_vecs, *_side_args(sides))
    types = bead_types(config.max_bead, config.max_bead_total)
    if kept.mapper is None:
        if SW.shape[1] == 0 or TW.shape[1] == 0:
            return align(src_vecs, tgt_vecs, config=config, **sides)
        shapes = _search(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, config)
    else:
        if changed.any():
            kept.adapted[changed] = kept.mapper(SW[changed])
        shapes = _search(kept.adapted, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, config)
    return _to_beads(shapes, SW, TW)


def _side_args(sides: dict) -> tuple:
    """``align``'s keyword arguments past the vectors, in ``_inputs``' order (missing ones None)."""
    names = ("src_lens", "tgt_lens", "src_paras", "tgt_paras", "src_heads", "tgt_heads")
    unknown = set(sides) - set(names)
    if unknown:
        raise TypeError(f"unexpected arguments: {', '.join(sorted(unknown))}")
    return tuple(sides.get(k) for k in names)


def _inputs(src_vecs, tgt_vecs, src_lens, tgt_lens, src_paras, tgt_paras, src_heads, tgt_heads):
    """``align``'s arguments checked and completed: window arrays, lengths, paragraphs with heading breaks,
    heading flags ((n,) bool, all False when not given)."""
    SW = _as_windows(src_vecs)
    TW = _as_windows(tgt_vecs)
    n, m = SW.shape[1], TW.shape[1]
    if SW.shape[2] != TW.shape[2] and n and m:
        raise ValueError(f"embedding dimensions differ: {SW.shape[2]} vs {TW.shape[2]}")
    s_len = np.ones(n) if src_lens is None else np.asarray(src_lens, np.float64)
    t_len = np.ones(m) if tgt_lens is None else np.asarray(tgt_lens, np.float64)
    s_para = np.zeros(n, np.int64) if src_paras is None else np.asarray(src_paras, np.int64)
    t_para = np.zeros(m, np.int64) if tgt_paras is None else np.asarray(tgt_paras, np.int64)
    for name, arr, size in (("src_lens", s_len, n), ("tgt_lens", t_len, m),
                            ("src_paras", s_para, n), ("tgt_paras", t_para, m)):
        if arr.shape != (size,):
            raise ValueError(f"{name} must have shape ({size},), got {arr.shape}")
    s_para = _heading_paras(s_para, src_heads, "src_heads")
    t_para = _heading_paras(t_para, tgt_heads, "tgt_heads")
    s_head = np.zeros(n, np.bool_) if src_heads is None else np.ascontiguousarray(src_heads, np.bool_)
    t_head = np.zeros(m, np.bool_) if tgt_heads is None else np.ascontiguousarray(tgt_heads, np.bool_)
    return SW, TW, s_len, t_len, s_para, t_para, s_head, t_head


def _passes(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types,
            config) -> tuple[list[tuple[np.ndarray, list[tuple[int, int]]]], Callable | None]:
    """The search's passes, each (source windows it used, bead shapes): the first, then the adapted one if any;
    and the adapted pass's map of source vectors (``aligner.adapt.adapt_map``; None when there is no such pass)."""
    shapes = _search(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, config)
    out = [(SW, shapes)]
    mapper = adapt_map(SW, TW, shapes, config.adapt_ridge) if config.adapt_ridge > 0 else None
    if mapper is not None:
        adapted = mapper(SW)
        out.append((adapted, _search(adapted, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, config)))
    return out, mapper


def _search(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, config) -> list[tuple[int, int]]:
    n, m = SW.shape[1], TW.shape[1]
    if n * m <= config.full_dp_max_cells:
        return _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, None, None, config)
    # coarse level: halve both sides, align single vectors with few bead types
    cS, cT = _downsample(SW[0]), _downsample(TW[0])
    coarse_cfg = config.with_(para_break_cost=0.0)
    coarse = _search(cS[None], cT[None], _sum_pairs(s_len), _sum_pairs(t_len),
                     np.zeros(cS.shape[0], np.int64), np.zeros(cT.shape[0], np.int64),
                     np.zeros(cS.shape[0], np.bool_), np.zeros(cT.shape[0], np.bool_),
                     list(COARSE_TYPES), coarse_cfg)
    lo, hi = _band_from_beads(coarse, n, m, 2, config.search_window)
    return _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, lo, hi, config)


def _sum_windows(S: np.ndarray, K: int) -> np.ndarray:
    """(K, n, dim) float32: normalised sums of 1..K consecutive sentence vectors (0 past the end, or if 0)."""
    n = S.shape[0]
    out = np.zeros((K, n, S.shape[1]), np.float32)
    acc = np.zeros_like(S)
    for a in range(1, K + 1):
        if a > n:
            break
        k = n - a + 1
        acc[:k] += S[a - 1:]
        nrm = _row_norms(acc[:k])[:, None]
        np.divide(acc[:k], nrm, out=out[a - 1, :k], where=nrm > 0)  # straight into place: no temporary
    return out


def _cost_inputs(SW, TW, s_len, t_len, K: int, Kb: int, use_win: bool, config):
    """What the bead cost needs besides the vectors: (s_norm, t_norm, cs, ct, params).

    ``s_norm``/``t_norm``: (K, n) / (Kb, m) distance norms of embedded windows
    (``use_win``) or averaged from the sentences; ``cs``/``ct``: (n+1,) / (m+1,)
    cumulative lengths in characters; ``params``: the scalar costs in the
    kernels' order, the document's length ratio among them.
    """
    rng = np.random.default_rng(NORM_SEED)
    S, T = SW[0], TW[0]
    if use_win:
        s_norm = _random_norms(SW[:K], T, rng)
        t_norm = _random_norms(TW[:Kb], S, rng)
    else:
        Km = max(K, Kb)
        s_norm = _averaged_norms(S, T, Km, rng)
        t_norm = _averaged_norms(T, S, Km, rng)
    cs = np.concatenate([[0.0], np.cumsum(s_len)])
    ct = np.concatenate([[0.0], np.cumsum(t_len)])
    ratio = max(ct[-1], 1.0) / max(cs[-1], 1.0)
    if config.length_ratio:  # within a factor of the language pair's usual ratio (config.LENGTH_RATIO_SPREAD)
        ratio = min(max(ratio, config.length_ratio / config.length_ratio_spread),
                    config.length_ratio * config.length_ratio_spread)
    # ``skip_full_chars`` counts the sparser language's characters (English): the kernels scale a source line by
    # ``ratio`` and a target line by 1, which is that when the target is the sparser side; when it is the denser
    # one (English -> Chinese), a target line needs 1 / ratio and a source line 1: ``skip_full_chars`` times
    # ``ratio`` gives both, so a short Chinese heading costs the same to leave out whichever side it is on
    skip_full = float(config.skip_full_chars) * min(1.0, ratio)
    params = (float(config.skip_cost), float(config.edge_skip_cost), skip_full,
              float(config.skip_floor), float(config.para_break_cost), float(config.head_attach_cost),
              float(config.length_weight),
              float(config.merge_cost), float(config.member_weight), float(ratio), LENGTH_SMOOTHING)
    return s_norm, t_norm, cs, ct, params


def _run_dp(SW, TW, s_len, t_len, s_para, t_para, s_head, t_head, types, lo, hi, config) -> list[tuple[int, int]]:
    """One DP over the band ``lo``/``hi`` (None: the full table, in numpy; else the numba kernel)."""
    n, m = SW.shape[1], TW.shape[1]
    K = max(a for a, _ in types)
    Kb = max(b for _, b in types)
    use_win = SW.shape[0] >= K and TW.shape[0] >= Kb and K > 1
    S, T = SW[0], TW[0]
    s_norm, t_norm, cs, ct, params = _cost_inputs(SW, TW, s_len, t_len, K, Kb, use_win, config)
    if lo is None:
        from .dp_numpy import bead_costs, full_dp

        if use_win:
            SWn, TWn = np.asarray(SW, np.float32), np.asarray(TW, np.float32)
        else:
            Km = max(K, Kb)
            SWn, TWn = _sum_windows(np.asarray(S, np.float32), Km), _sum_windows(np.asarray(T, np.float32), Km)
        costs = bead_costs(types, n, m, SWn, TWn, s_norm, t_norm, cs, ct,
                           np.asarray(s_para, np.int64), np.asarray(t_para, np.int64),
                           _alone(s_para), _alone(t_para), np.asarray(s_head, np.bool_),
                           np.asarray(t_head, np.bool_), *params)
        return full_dp(types, costs, n, m)
    from .dp_kernels import band_dots, dp, sim_table

    if use_win:
        dots = np.zeros((1, 1), np.float32)
        base = np.zeros(1, np.int64)
        s_wn = t_wn = np.zeros((1, 1), np.float32)
        SWk, TWk = SW, TW
    else:
        Km = max(K, Kb)
        base = lo[:n] - Km
        width = int((hi[:n] - lo[:n]).max()) + 2 * Km + 1
        dots = band_dots(np.ascontiguousarray(S), np.ascontiguousarray(T),
                         np.ascontiguousarray(base, dtype=np.int64), int(width))
        s_wn = _window_norms(S, Km)
        t_wn = _window_norms(T, Km)
        SWk = TWk = np.zeros((1, 1, 1), np.float32)
    ta = np.array([a for a, _ in types], np.int64)
    tb = np.array([b for _, b in types], np.int64)
    # One dtype and layout per argument: each distinct signature costs a numba compile.
    c32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
    c64 = lambda a: np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
    i64 = lambda a: np.ascontiguousarray(a, dtype=np.int64)  # noqa: E731
    SWk, TWk, dots, s_wn, t_wn = c32(SWk), c32(TWk), c32(dots), c32(s_wn), c32(t_wn)
    smap, nslots = _table_shapes(types, K, Kb)
    # the cosine of every merged-side shape, once per start in the band: a bead of 2-3 sentences asks for
    # five of its members' besides its own, and each start serves every bead ending near it
    tbase, thi, toff, cells = _table_rows(lo, hi, n, K, Kb)
    tab = np.zeros((nslots, cells), np.float32 if use_win else np.float64)
    sim_table(tab, int(n), int(m), K, Kb, smap, tbase, thi, toff, bool(use_win), SWk, TWk, dots, i64(base), s_wn,
              t_wn)
    BP, row_start = dp(int(n), int(m), i64(lo), i64(hi), i64(ta), i64(tb), tab, tbase, toff, smap, c32(s_norm),
                       c32(t_norm), c64(cs), c64(ct),
                       i64(s_para), i64(t_para), _alone(s_para), _alone(t_para),
                       np.ascontiguousarray(s_head, np.bool_), np.ascontiguousarray(t_head, np.bool_), *params)
    return _traceback(BP, row_start, lo, ta, tb, n, m)


def _table_rows(lo: np.ndarray, hi: np.ndarray, n: int, K: int, Kb: int) -> tuple[np.ndarray, np.ndarray,
                                                                                 np.ndarray, int]:
    """The rows of ``dp_kernels.sim_table``'s table: (tbase, thi, toff, cells), row x the starts y in
    [tbase[x], thi[x]) = [lo[x] - Kb, hi[x + K]) from cell ``toff[x]`` on, ``cells`` in all (int64 arrays, (n,)).

    Ragged like the band: a rectangle of n rows as wide as the widest (a long run of lines one side only, an
    appendix the translation adds) held 15 shapes x n x that width in float64: 1 GB for 3,000 lines facing
    6,000 (peak 1.17 GB; ragged 0.22 GB; red team)."""
    tbase = np.ascontiguousarray(lo[:n] - Kb, dtype=np.int64)
    thi = np.ascontiguousarray(hi[np.minimum(np.arange(n) + K, n)], dtype=np.int64)
    widths = thi - tbase
    toff = np.zeros(n, np.int64)
    np.cumsum(widths[:-1], out=toff[1:])
    return tbase, thi, toff, int(widths.sum())


def _table_shapes(types, K: int, Kb: int) -> tuple[np.ndarray, int]:
    """(K, Kb) int64 slot of each shape whose cosine the kernel tables (``dp_kernels.sim_table``; -1: none),
    and the number of slots: the shapes ``dp_numpy.cosine_shapes`` names, as the numpy DP computes them."""
    from .dp_numpy import cosine_shapes

    shapes = cosine_shapes(types)
    smap = np.full((K, Kb), -1, np.int64)
    for slot, (a, b) in enumerate(sorted(shapes)):
        smap[a - 1, b - 1] = slot
    return smap, len(shapes)


def bead_score(SW: np.ndarray, TW: np.ndarray, i: int, a: int, j: int, b: int) -> float:
    """A bead's score: the cosine of source sentences ``i .. i+a-1`` with target ``j .. j+b-1`` ((K, n, dim)
    window arrays; a side wider than K is the sum of its sentence vectors), clipped to [0, 1], 6 decimals."""
    sv = SW[a - 1, i] if SW.shape[0] >= a else SW[0, i:i + a].sum(0)
    tv = TW[b - 1, j] if TW.shape[0] >= b else TW[0, j:j + b].sum(0)
    den = float(np.linalg.norm(sv) * np.linalg.norm(tv)) or 1.0
    return round(min(1.0, max(0.0, float(sv @ tv) / den)), 6)


def _to_beads(shapes, SW, TW) -> list[Bead]:
    out: list[Bead] = []
    i = j = 0
    for a, b in shapes:
        src = tuple(range(i, i + a))
        tgt = tuple(range(j, j + b))
        out.append(Bead(src, tgt, bead_score(SW, TW, i, a, j, b) if a and b else None))
        i += a
        j += b
    return out
