"""Which bead windows are worth embedding, found from the sentence vectors alone.

The DP scores a merged side (``a`` sentences) by the embedding of those
sentences joined: a window. Every window of 1..K sentences (K = 5) holds
about fifteen sentence lengths of text per sentence (1 + 2 + ... + 5), and
nearly all of those windows belong to beads no alignment would choose. So:

1. the whole search, both passes (``align._passes``), is run on the
   sentence vectors alone, a merged side scored by the sum of its sentences'
   vectors (no encoder work);
2. around each pass's path, a forward and a backward DP over the bead costs
   with every window stood in for by the normalised sum of its sentence
   vectors (``approx_windows``) give every bead the cost of the best
   alignment through it; the merged sides of the beads within ``slack`` of
   the best alignment are the windows to embed (``needed_windows``);
3. ``align_needed`` embeds those (through a caller's ``fetch``), aligns with
   real windows where embedded and the stand-ins elsewhere, and embeds any
   window the final path still takes from a stand-in, running the last pass
   again (``align.realign``, the first alignment's adapted map kept) until
   none is left, so every score is that of real embedded windows.

Every function here takes arrays, like ``align``; the encoder stays behind
the ``fetch`` callable of the caller (``aligner.pipeline``). The first look
is a pure function of its inputs: a caller may keep its masks between runs
(``first_look``: the pipeline keeps them in the cache directory, so a warm run
of the same document skips it: a quarter of a cached book's time).
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import replace
from typing import Callable

import numpy as np

from . import align as A
from .config import AlignConfig
from .data import Bead

#: ``fetch(side, mask)``: side "src" or "tgt", mask (K, n) bool of windows (row k-1: k sentences from
#: column i); returns (mask.sum(), dim) float32 L2-normalised vectors in ``np.nonzero(mask)`` order.
Fetch = Callable[[str, np.ndarray], np.ndarray]
#: ``first_look(key, compute)``: the masks ``compute()`` returns (``needed_windows``'), or those kept under ``key``
#: (``look_key``: a digest of every input) by an earlier call.
FirstLook = Callable[[str, Callable[[], tuple[np.ndarray, np.ndarray]]], tuple[np.ndarray, np.ndarray]]


def look_key(src_vecs: np.ndarray, tgt_vecs: np.ndarray, slack: float, config: AlignConfig, kwargs: dict) -> str:
    """sha1 hex digest of ``needed_windows``' inputs: the vectors' bytes and shapes, each keyword array (lengths,
    paragraphs, headings) with its dtype, ``slack`` and the whole ``config``."""
    h = hashlib.sha1()
    for name, v in [("src", src_vecs), ("tgt", tgt_vecs)] + sorted(kwargs.items()):
        h.update(f"\x1f{name}".encode())
        if v is not None:
            a = np.ascontiguousarray(np.asarray(v))
            h.update(f"{a.dtype}{a.shape}".encode())
            h.update(a.tobytes())
    # what the masks do not depend on is left out: the same cache reached by another spelling of its path hits
    kept = replace(config, cache_dir=None, embed_batch=1, blas_threads=0, max_input_bytes=1, allow_download=False)
    h.update(repr((float(slack), kept)).encode())
    return h.hexdigest()

#: Cells of a piece of a long document's table (one longer than ``AlignConfig.full_dp_max_cells`` is cut in
#: pieces along the path): ~70 x 70 sentences, each bead at least ~17 from the edges of one of them. The same
#: windows as 10,000 on the MAC-Test pair and six times it, 5% less time aligning the latter; 2,500 marks others.
PIECE_CELLS = 5_000


def approx_windows(vecs: np.ndarray, K: int) -> np.ndarray:
    """(K, n, dim) float32: row k-1 is the normalised sum of sentence vectors i .. i+k-1 (zeros past the end).

    ``vecs``: (n, dim) float32 sentence vectors, L2-normalised.
    """
    return A._sum_windows(np.asarray(vecs, np.float32), K)


def _forward(types, costs, n: int, m: int) -> np.ndarray:
    """(n+1, m+1) float64: least cost of aligning the first i source and j target sentences.

    The within-row 0-1 recurrence ``D[j] = min(best[j], D[j-1] + c[j])`` is
    solved at once as a running minimum of ``best - prefix sums`` (min-plus),
    so only the rows loop in Python; ties and rounding need not match the
    search's own tables, only their costs.
    """
    D = np.full((n + 1, m + 1), np.inf)
    t01 = next((t for t, (a, _) in enumerate(types) if a == 0), None)
    for i in range(n + 1):
        best = np.full(m + 1, np.inf)
        if i == 0:
            best[0] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or a > i or b > m:
                continue
            np.minimum(best[b:], D[i - a, :m + 1 - b] + costs[t][i, b:], out=best[b:])
        if t01 is not None and m:
            c = costs[t01][i].copy()
            c[0] = 0.0
            P = np.cumsum(c)
            with np.errstate(invalid="ignore"):
                best = P + np.minimum.accumulate(best - P)
            best[np.isnan(best)] = np.inf
        D[i] = best
    return D


def _through(types, costs, n: int, m: int, jit: bool = False) -> tuple[float, dict[int, np.ndarray]]:
    """(least cost of an alignment, {bead type t of a merged side: (n+1, m+1) least cost of an alignment
    that takes that bead, by its end cell}). ``jit``: the tables by numba's ``forward_table`` (a long
    document, cut in many pieces) rather than numpy's row loop (``_forward``)."""
    if jit:
        from .dp_kernels import forward_table

        ta = np.array([a for a, _ in types], np.int64)
        tb = np.array([b for _, b in types], np.int64)
        forward = lambda cst: forward_table(ta, tb, np.ascontiguousarray(np.stack(cst)))  # noqa: E731
    else:
        forward = lambda cst: _forward(types, cst, n, m)  # noqa: E731
    F = forward(costs)
    # backward = forward over the reversed document: a bead ending at (i, j) there ends at (n-i+a, m-j+b) here
    rev = []
    for t, (a, b) in enumerate(types):
        Cr = np.full((n + 1, m + 1), np.inf)
        if a <= n and b <= m:
            Cr[a:, b:] = costs[t][::-1, ::-1][:n + 1 - a, :m + 1 - b]
        rev.append(Cr)
    B = forward(rev)[::-1, ::-1]
    out = {}
    for t, (a, b) in enumerate(types):
        if a + b <= 2 or a > n or b > m:
            continue
        through = np.full((n + 1, m + 1), np.inf)
        through[a:, b:] = F[:n + 1 - a, :m + 1 - b] + costs[t][a:, b:] + B[a:, b:]
        out[t] = through
    return float(F[n, m]), out


def _chunks(shapes, n: int, m: int, cells: int) -> list[tuple[int, int, int, int]]:
    """Pieces (i0, i1, j0, j1) of the table along a path, each at most ~``cells`` cells, overlapping by half.

    A path's corners cut the table into pieces whose best alignments join up to
    the whole one; the half overlap puts every bead well inside some piece.
    """
    pts = [(0, 0)]
    for a, b in shapes:
        pts.append((pts[-1][0] + a, pts[-1][1] + b))
    if n * m <= cells or len(pts) <= 2:
        return [(0, n, 0, m)]
    ends = []  # for each start point index, the furthest end point index within the budget
    k = 0
    for s in range(len(pts)):
        k = max(k, s + 1)
        while k + 1 < len(pts) and (pts[k + 1][0] - pts[s][0]) * (pts[k + 1][1] - pts[s][1]) <= cells:
            k += 1
        ends.append(min(k, len(pts) - 1))
    out = []
    s = 0
    while True:
        e = ends[s]
        out.append((pts[s][0], pts[e][0], pts[s][1], pts[e][1]))
        if e >= len(pts) - 1:
            break
        s = max(s + 1, (s + e) // 2)
    return out


def needed_windows(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    *,
    src_lens=None,
    tgt_lens=None,
    src_paras=None,
    tgt_paras=None,
    src_heads=None,
    tgt_heads=None,
    slack: float,
    config: AlignConfig = AlignConfig(),
    stand_ins: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Windows to embed: ((K, n_src), (K, n_tgt)) bool; row 0 (single sentences) is always True.

    ``src_vecs`` / ``tgt_vecs``: (n, dim) float32 sentence vectors,
    L2-normalised; the other arguments as for ``align.align``. A window of
    two or more sentences is needed when some bead with it as a merged side
    lies on an alignment costing at most ``slack`` more than the best one
    (bead costs in ``align``'s units), in either pass of the search, with
    every window stood in for by ``approx_windows``; and every window that
    starts at a heading (``src_heads`` / ``tgt_heads``: it joins what follows
    it). ``slack = inf``: all. ``stand_ins``: ``approx_windows`` of ``src_vecs`` and ``tgt_vecs``
    ((K, n, dim) / (K, m, dim) float32, read only) where the caller has them, so they are not built twice (on
    a book, each is a few hundred MB of fresh memory).
    """
    K = config.max_bead
    S = np.asarray(src_vecs, np.float32)
    T = np.asarray(tgt_vecs, np.float32)
    n, m = S.shape[0], T.shape[0]
    need_s = np.zeros((K, n), bool)
    need_t = np.zeros((K, m), bool)
    need_s[0] = True
    need_t[0] = True
    if math.isinf(slack) and slack > 0:
        for k in range(1, K):
            need_s[k, :max(0, n - k)] = True
            need_t[k, :max(0, m - k)] = True
        return need_s, need_t
    if n == 0 or m == 0 or K < 2:
        return need_s, need_t
    widest = min(K, config.max_bead_total - 1)  # the other side of a bead has a sentence at least
    for need, heads, size in ((need_s, src_heads, n), (need_t, tgt_heads, m)):
        if heads is not None:  # a heading joins what follows it: those windows, always (headings are few)
            at = np.nonzero(np.asarray(heads, bool))[0]
            for k in range(1, widest):
                need[k, at[at < size - k]] = True
    S1, T1, s_len, t_len, s_para, t_para, s_head, t_head = A._inputs(S, T, src_lens, tgt_lens, src_paras,
                                                                     tgt_paras, src_heads, tgt_heads)
    types = A.bead_types(K, config.max_bead_total)
    from .dp_numpy import bead_costs

    # the search on sentence vectors (merged sides scored by sums of them, as align does with 2-D input: the
    # same beads on MAC-Test as on normalised-sum windows, and 30% faster on a long text); then the costs
    # around each pass's path from the normalised-sum windows
    TW = approx_windows(T, K) if stand_ins is None else stand_ins[1]
    passes = A._passes(S1, T1, s_len, t_len, s_para, t_para, s_head, t_head, types, config)[0]
    for p_no, (v, shapes) in enumerate(passes):
        # one pass's source windows at a time: (K, n, dim) each; the first pass's are the sentences' own
        sw = stand_ins[0] if p_no == 0 and stand_ins is not None else approx_windows(v[0], K)
        s_norm, t_norm, cs, ct, params = A._cost_inputs(sw, TW, s_len, t_len, K, K, True, config)
        # a short document is one piece (the whole table, numpy); a long one is cut along the path (numba)
        pieces = [(0, n, 0, m)] if n * m <= config.full_dp_max_cells else _chunks(shapes, n, m, PIECE_CELLS)
        for i0, i1, j0, j1 in pieces:
            pn, pm = i1 - i0, j1 - j0
            if pn == 0 or pm == 0:
                continue
            p = list(params)
            if len(pieces) > 1:
                p[1] = p[0]  # a piece's edges are mid-document: no edge discount for skips there
            sp, tp = s_para[i0:i1], t_para[j0:j1]
            costs = bead_costs(types, pn, pm, sw[:, i0:i1], TW[:, j0:j1], s_norm[:, i0:i1], t_norm[:, j0:j1],
                               cs[i0:i1 + 1] - cs[i0], ct[j0:j1 + 1] - ct[j0], sp, tp, A._alone(sp), A._alone(tp),
                               s_head[i0:i1], t_head[j0:j1], *p)
            best, through = _through(types, costs, pn, pm, jit=len(pieces) > 1)
            limit = best + slack
            for t, tab in through.items():
                a, b = types[t]
                ok = tab[a:, b:] <= limit  # by start cell (i, j) of the bead: (pn+1-a, pm+1-b)
                if a >= 2:
                    rows = np.nonzero(ok.any(axis=1))[0]
                    rows = rows[rows < pn - a + 1]
                    _mark(need_s, a, i0 + rows, s_head)
                if b >= 2:
                    cols = np.nonzero(ok.any(axis=0))[0]
                    cols = cols[cols < pm - b + 1]
                    _mark(need_t, b, j0 + cols, t_head)
    return need_s, need_t


def _mark(need: np.ndarray, a: int, starts: np.ndarray, heads: np.ndarray) -> None:
    """Mark the windows of ``a`` sentences at ``starts`` that a bead scores: a side led by headings is scored
    without them too (``align``: ``head_attach_cost``), so the narrower window after them (none if one is left);
    the windows that start at a heading are marked by the caller."""
    starts = np.asarray(starts, np.int64)
    width = np.full(starts.shape, a, np.int64)
    while True:
        lead = (width >= 2) & heads[np.minimum(starts, heads.size - 1)]
        if not lead.any():
            break
        starts = starts + lead
        width = width - lead
    wide = width >= 2
    need[width[wide] - 1, starts[wide]] = True


def _missing(beads: list[Bead], have_s: np.ndarray, have_t: np.ndarray, s_head=None,
             t_head=None) -> tuple[np.ndarray, np.ndarray]:
    """Windows the beads use that were not embedded: masks shaped like ``have_s`` / ``have_t``.

    A merged side's window (its score) and, for a side led by headings (``s_head`` / ``t_head``: (n,) bool or
    None), the narrower window after them that its cost was computed from.
    """
    used_s = np.zeros_like(have_s)
    used_t = np.zeros_like(have_t)
    for used, heads, ids in ((used_s, s_head, [b.src_ids for b in beads]),
                             (used_t, t_head, [b.tgt_ids for b in beads])):
        for a in range(2, used.shape[0] + 1):
            starts = np.array([x[0] for x in ids if len(x) == a], np.int64)
            if starts.size:
                used[a - 1, starts] = True
                if heads is not None:
                    _mark(used, a, starts, np.asarray(heads, bool))
    return used_s & ~have_s, used_t & ~have_t


def align_needed(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    fetch: Fetch,
    *,
    slack: float,
    config: AlignConfig = AlignConfig(),
    first_look: FirstLook | None = None,
    **kwargs,
) -> tuple[list[Bead], np.ndarray, np.ndarray]:
    """Align, embedding only the windows ``needed_windows`` picks (plus any the final path uses).

    ``src_vecs`` / ``tgt_vecs``: (n, dim) float32 sentence vectors,
    L2-normalised; ``fetch`` embeds a mask of windows (see ``Fetch``);
    ``first_look``: where ``needed_windows``' masks may be kept (see ``FirstLook``; None: computed);
    ``kwargs``: lengths, paragraphs and headings as for ``align.align``.
    Returns (beads, source windows, target windows): (K, n, dim) float32,
    embedded where needed, stand-ins elsewhere.
    """
    K = config.max_bead
    SW = approx_windows(src_vecs, K)
    TW = approx_windows(tgt_vecs, K)

    def look() -> tuple[np.ndarray, np.ndarray]:
        return needed_windows(src_vecs, tgt_vecs, slack=slack, config=config, stand_ins=(SW, TW), **kwargs)

    if first_look is None:
        need_s, need_t = look()
    else:
        need_s, need_t = first_look(look_key(src_vecs, tgt_vecs, slack, config, kwargs), look)
        if (need_s.shape != (K, len(src_vecs)) or need_t.shape != (K, len(tgt_vecs))
                or not (need_s[0].all() and need_t[0].all())):  # a garbled row kept by the caller: computed again
            need_s, need_t = look()
    SW[0] = src_vecs
    TW[0] = tgt_vecs
    have_s = np.zeros_like(need_s)
    have_t = np.zeros_like(need_t)
    have_s[0] = True
    have_t[0] = True
    todo_s, todo_t = need_s & ~have_s, need_t & ~have_t
    kept = None
    while True:  # each round embeds at least one more window: it ends
        for side, W, todo, have in (("src", SW, todo_s, have_s), ("tgt", TW, todo_t, have_t)):
            if todo.any():
                W[todo] = fetch(side, todo)
                have |= todo
        if kept is None:
            beads, kept = A.align_kept(SW, TW, config=config, **kwargs)
        else:  # a few windows the path took were stand-ins: its last pass again, with them embedded
            beads = A.realign(kept, SW, TW, todo_s, config=config, **kwargs)
        todo_s, todo_t = _missing(beads, have_s, have_t, kwargs.get("src_heads"), kwargs.get("tgt_heads"))
        if not (todo_s.any() or todo_t.any()):
            return beads, SW, TW


@functools.lru_cache(maxsize=1)
def _look_namespace() -> str:
    """The first look's memo namespace: this version and a hash of the search's modules (read once a process, not
    once a document)."""
    from pathlib import Path

    from . import __version__
    from .memo import version_of

    here = Path(__file__).parent
    files = tuple(here / f for f in ("windows.py", "align.py", "dp_numpy.py", "dp_kernels.py", "adapt.py"))
    return f"first-look:{__version__}:{version_of('numpy', files=files)}"


def first_look_memo(cache_dir) -> FirstLook | None:
    """A ``FirstLook`` kept in ``cache_dir``'s analysis cache (``aligner.memo``; None: no cache), keyed by
    ``look_key`` under this code's version (the search's modules hashed): the masks as packed bits."""
    if not cache_dir:
        return None
    import base64

    from .memo import Memo

    memo = Memo(cache_dir, _look_namespace(), flush_every=1)

    def unpack(got) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            out = []
            for bits, shape in got:
                raw, count = base64.b64decode(bits, validate=True), int(np.prod(shape))
                if len(raw) != (count + 7) // 8:  # unpackbits would pad a short row with zeros: no mask of ours
                    return None
                out.append(np.unpackbits(np.frombuffer(raw, np.uint8), count=count).astype(bool).reshape(shape))
            return tuple(out)
        except (TypeError, ValueError):  # another tool's row, a garbled one: computed again
            return None

    def first_look(key: str, compute: Callable[[], tuple[np.ndarray, np.ndarray]]):
        got = memo.get(key)
        masks = unpack(got) if got is not None else None
        if masks is None or len(masks) != 2:
            masks = compute()
            memo.put(key, [[base64.b64encode(np.packbits(m)).decode("ascii"), list(m.shape)] for m in masks])
        return masks

    return first_look
