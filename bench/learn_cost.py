"""Prototype: a bead cost linear in richer features, weights learned by leave-one-book-out.

Not the aligner: an experiment on cached MAC-Test embeddings.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mactest as M  # noqa: E402
from align_quality import load_docs  # noqa: E402

from aligner.align import bead_types, NORM_SEED, _random_norms, LENGTH_SMOOTHING  # noqa: E402

TYPES = bead_types(4, 5)
LEX = None
NT = len(TYPES)
SHAPES = [t for t in TYPES if t[0] and t[1]]
BAND = 18

Q_ZH = re.compile(r"[“”「」『』\"]")
Q_EN = re.compile(r"[“”\"]")


def punct_counts(sents, lang):
    out = np.zeros((len(sents), 3), np.float64)
    for k, s in enumerate(sents):
        if lang == "zh":
            out[k] = (s.count("？") + s.count("?"), s.count("！") + s.count("!"), len(Q_ZH.findall(s)) > 0)
        else:
            out[k] = (s.count("?"), s.count("!"), len(Q_EN.findall(s)) > 0)
    return out


FEATS = ["lexdist", "dist", "len2", "minmem_s", "minmem_t", "q_diff", "x_diff", "quote_diff", "nb_s", "nb_t"] + \
        [f"shape{a}-{b}" for a, b in SHAPES] + (
        [f"dist{a}-{b}" for a, b in SHAPES] + [f"len{a}-{b}" for a, b in SHAPES] if "--inter" in sys.argv else []) + ["skip_s", "skip_t", "edge_s", "edge_t"]
NF = len(FEATS)


def band_from_paths(paths, n, m, w):
    lo = np.full(n + 1, m, np.int64)
    hi = np.zeros(n + 1, np.int64)
    for beads in paths:
        x = y = 0
        lo[0] = 0
        hi[0] = max(hi[0], 0)
        for s, t in beads:
            a, b = len(s), len(t)
            x1, y1 = x + a, y + b
            for i in range(x, x1 + 1):
                lo[i] = min(lo[i], y)
                hi[i] = max(hi[i], y1)
            x, y = x1, y1
    lo = np.maximum(lo - w, 0)
    hi = np.minimum(hi + w, m)
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0] = 0
    hi[n] = m
    return lo, hi


def features(doc, lo, hi):
    """F (cells, NT, NF) float32, valid (cells, NT) bool, row_start."""
    SW, TW = doc.zh_vecs, doc.en_vecs
    n, m = SW.shape[1], TW.shape[1]
    rng = np.random.default_rng(NORM_SEED)
    s_norm = _random_norms(SW, TW[0], rng)
    t_norm = _random_norms(TW, SW[0], rng)
    cs = np.concatenate([[0.0], np.cumsum(doc.zh_lens)])
    ct = np.concatenate([[0.0], np.cumsum(doc.en_lens)])
    ratio = ct[-1] / cs[-1]
    pz, pe = punct_counts(doc.zh, "zh"), punct_counts(doc.en, "en")
    cpz = np.vstack([np.zeros(3), np.cumsum(pz, 0)])
    cpe = np.vstack([np.zeros(3), np.cumsum(pe, 0)])
    S, T = SW[0], TW[0]
    row_start = np.zeros(n + 2, np.int64)
    for i in range(n + 1):
        row_start[i + 1] = row_start[i] + hi[i] - lo[i] + 1
    I = np.concatenate([np.full(hi[i] - lo[i] + 1, i) for i in range(n + 1)])
    J = np.concatenate([np.arange(lo[i], hi[i] + 1) for i in range(n + 1)])
    C = I.size
    F = np.zeros((C, NT, NF), np.float32)
    LZ = LW = None
    if LEX is not None:
        Z, E = LEX.lexvecs(doc.id)
        LZ, LE = LEX.windows(Z, 4), LEX.windows(E, 4)
    valid = np.zeros((C, NT), np.bool_)
    fi = {f: k for k, f in enumerate(FEATS)}
    for t, (a, b) in enumerate(TYPES):
        pi, pj = I - a, J - b
        ok = (pi >= 0) & (pj >= 0)
        pic, pjc = np.clip(pi, 0, n), np.clip(pj, 0, m)
        ok &= (pjc >= lo[pic]) & (pjc <= hi[pic])
        valid[:, t] = ok
        idx = np.nonzero(ok)[0]
        pi, pj = pi[idx], pj[idx]
        if a == 0 or b == 0:
            if b == 0:
                edge = (pj == 0) | (pj == m)
                F[idx[edge], t, fi["edge_s"]] = 1
                F[idx[~edge], t, fi["skip_s"]] = 1
            else:
                edge = (pi == 0) | (pi == n)
                F[idx[edge], t, fi["edge_t"]] = 1
                F[idx[~edge], t, fi["skip_t"]] = 1
            continue
        sv = SW[a - 1, pi]
        tv = TW[b - 1, pj]
        sim = np.einsum("kd,kd->k", sv, tv)
        norm = 0.5 * (s_norm[a - 1, pi] + t_norm[b - 1, pj])
        F[idx, t, fi["dist"]] = (1 - sim) / norm * (a + b) / 2
        if LZ is not None:
            lsim = np.einsum("kd,kd->k", LZ[a - 1, pi], LE[b - 1, pj])
            F[idx, t, fi["lexdist"]] = (1 - lsim) * (a + b) / 2
        ls = cs[pi + a] - cs[pi]
        lt = ct[pj + b] - ct[pj]
        lr = np.log((lt + LENGTH_SMOOTHING) / (ratio * ls + LENGTH_SMOOTHING))
        F[idx, t, fi["len2"]] = lr * lr
        if a >= 2:
            mc = np.min(np.stack([np.einsum("kd,kd->k", S[pi + r], tv) for r in range(a)]), 0)
            F[idx, t, fi["minmem_s"]] = np.maximum(0, sim - mc)
        if b >= 2:
            mc = np.min(np.stack([np.einsum("kd,kd->k", T[pj + r], sv) for r in range(b)]), 0)
            F[idx, t, fi["minmem_t"]] = np.maximum(0, sim - mc)
        dz = cpz[pi + a] - cpz[pi]
        de = cpe[pj + b] - cpe[pj]
        F[idx, t, fi["q_diff"]] = np.abs(dz[:, 0] - de[:, 0])
        F[idx, t, fi["x_diff"]] = np.abs(dz[:, 1] - de[:, 1])
        F[idx, t, fi["quote_diff"]] = np.abs(np.minimum(dz[:, 2], 1) - np.minimum(de[:, 2], 1))
        # neighbour competition: the sentence just outside the bead on the other side matches better
        # than the bead's own other side
        nxt_t = np.clip(pj + b, 0, m - 1)
        prv_t = np.clip(pj - 1, 0, m - 1)
        c_next = np.where(pj + b < m, np.einsum("kd,kd->k", sv, T[nxt_t]), -1)
        c_prev = np.where(pj > 0, np.einsum("kd,kd->k", sv, T[prv_t]), -1)
        F[idx, t, fi["nb_t"]] = np.maximum(0, np.maximum(c_next, c_prev) - sim)
        nxt_s = np.clip(pi + a, 0, n - 1)
        prv_s = np.clip(pi - 1, 0, n - 1)
        c_next = np.where(pi + a < n, np.einsum("kd,kd->k", tv, S[nxt_s]), -1)
        c_prev = np.where(pi > 0, np.einsum("kd,kd->k", tv, S[prv_s]), -1)
        F[idx, t, fi["nb_s"]] = np.maximum(0, np.maximum(c_next, c_prev) - sim)
        F[idx, t, fi[f"shape{a}-{b}"]] = 1
        if f"dist{a}-{b}" in fi:
            F[idx, t, fi[f"dist{a}-{b}"]] = F[idx, t, fi["dist"]]
            F[idx, t, fi[f"len{a}-{b}"]] = F[idx, t, fi["len2"]]
    return F, valid, row_start, I, J


@numba.njit(cache=True)
def dp(n, lo, hi, row_start, cost, ta, tb):
    total = row_start[n + 1]
    D = np.full(total, np.inf)
    BP = np.full(total, -1, np.int64)
    D[0] = 0.0
    nt = ta.shape[0]
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                continue
            k = row_start[i] + j - lo[i]
            best = np.inf
            bt = -1
            for t in range(nt):
                c = cost[k, t]
                if c == np.inf:
                    continue
                pi = i - ta[t]
                pj = j - tb[t]
                prev = D[row_start[pi] + pj - lo[pi]]
                if prev + c < best:
                    best = prev + c
                    bt = t
            D[k] = best
            BP[k] = bt
    return BP


TA = np.array([a for a, _ in TYPES], np.int64)
TB = np.array([b for _, b in TYPES], np.int64)


class Item:
    def __init__(self, text, doc, default_beads):
        self.text, self.doc = text, doc
        n, m = doc.zh_vecs.shape[1], doc.en_vecs.shape[1]
        self.n, self.m = n, m
        gold_ok = [g for g in text.gold]
        self.lo, self.hi = band_from_paths([default_beads, gold_ok], n, m, BAND)
        self.F, self.valid, self.row_start, self.I, self.J = features(doc, self.lo, self.hi)
        # gold bead membership per (cell, type)
        self.is_gold = np.zeros(self.valid.shape, np.bool_)
        x = y = 0
        ends = []
        for s, t in text.gold:
            a, b = len(s), len(t)
            x, y = x + a, y + b
            ends.append((x, y, a, b))
        tindex = {ab: k for k, ab in enumerate(TYPES)}
        for (x, y, a, b) in ends:
            if (a, b) not in tindex or not (self.lo[x] <= y <= self.hi[x]):
                continue
            k = self.row_start[x] + y - self.lo[x]
            self.is_gold[k, tindex[(a, b)]] = True

    def decode(self, w, gold_bonus=0.0):
        cost = self.F @ w
        if gold_bonus:
            cost = cost - gold_bonus * self.is_gold
        cost = np.where(self.valid, cost, np.inf)
        BP = dp(self.n, self.lo, self.hi, self.row_start, cost, TA, TB)
        path = []
        i, j = self.n, self.m
        while i > 0 or j > 0:
            k = self.row_start[i] + j - self.lo[i]
            t = int(BP[k])
            path.append((k, t))
            i -= TA[t]
            j -= TB[t]
        path.reverse()
        return path

    def beads(self, path):
        out = []
        for k, t in path:
            i, j = self.I[k], self.J[k]
            a, b = TYPES[t]
            out.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        return out

    def phi(self, path):
        return sum(self.F[k, t] for k, t in path)


def init_w():
    w = np.zeros(NF)
    fi = {f: k for k, f in enumerate(FEATS)}
    w[fi["dist"]] = 1.0
    w[fi["len2"]] = 0.4
    for a, b in SHAPES:
        w[fi[f"shape{a}-{b}"]] = 0.3 * (a + b - 2)
    w[fi["skip_s"]] = w[fi["skip_t"]] = 0.8
    w[fi["edge_s"]] = w[fi["edge_t"]] = 0.55
    return w


def f1(items, w):
    preds = [it.beads(it.decode(w)) for it in items]
    s = M.score_many([it.text.gold for it in items], preds)
    return s


def train(items, w0, epochs, lr, margin, seed=0):
    rng = np.random.default_rng(seed)
    w = w0.copy()
    acc = np.zeros_like(w)
    c = 0
    for ep in range(epochs):
        for k in rng.permutation(len(items)):
            it = items[k]
            # loss-augmented prediction: non-gold beads made cheaper by margin
            cost_pred = it.decode(w, gold_bonus=-margin) if margin else it.decode(w)
            orc = it.decode(w, gold_bonus=100.0)
            d = it.phi(cost_pred) - it.phi(orc)
            w = w + lr * d  # pred's cost must rise relative to oracle's
            w[1] = max(w[1], 0.05)
            acc += w
            c += 1
    return acc / c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--margin", type=float, default=0.0)
    ap.add_argument("--mask", default="", help="comma-separated features to drop")
    ap.add_argument("--lex", action="store_true")
    ap.add_argument("--inter", action="store_true")
    args = ap.parse_args()
    global LEX
    if args.lex:
        sys.path.insert(0, "/tmp/exp")
        import lexexp
        LEX = lexexp
    from align_quality import run_ours
    t0 = time.time()
    texts, docs = load_docs()
    items = [Item(t, d, run_ours(d)) for t, d in zip(texts, docs)]
    print(f"features built in {time.time() - t0:.1f}s", flush=True)
    w0 = init_w()
    mask = np.ones(NF)
    for f in filter(None, args.mask.split(",")):
        mask[FEATS.index(f)] = 0
    for it in items:
        it.F = it.F * mask.astype(np.float32)
    s = f1(items, w0)
    print("init", {k: round(v, 4) for k, v in s.items() if "f1" in k})
    books = sorted({it.text.book for it in items})
    preds = {}
    for bk in books:
        tr = [it for it in items if it.text.book != bk]
        te = [it for it in items if it.text.book == bk]
        w = train(tr, w0, args.epochs, args.lr, args.margin)
        for it in te:
            preds[it.text.id] = it.beads(it.decode(w))
        sb = M.score_many([it.text.gold for it in te], [preds[it.text.id] for it in te])
        print(bk, {k: round(v, 4) for k, v in sb.items() if "f1" in k}, flush=True)
    s = M.score_many([it.text.gold for it in items], [preds[it.text.id] for it in items])
    print("LOBO", {k: round(v, 4) for k, v in s.items()})
    w = train(items, w0, args.epochs, args.lr, args.margin)
    print(json.dumps({f: round(float(x), 4) for f, x in zip(FEATS, w)}))


if __name__ == "__main__" and "--grid" not in sys.argv:
    main()


def grid_main():
    """LOBO over a small grid of (member weight, merge cost, skip cost) with the shipped cost form."""
    import itertools
    from align_quality import run_ours
    texts, docs = load_docs()
    items = [Item(t, d, run_ours(d)) for t, d in zip(texts, docs)]
    fi = {f: k for k, f in enumerate(FEATS)}
    grid = list(itertools.product([0.0, 0.2, 0.35, 0.5], [0.2, 0.25, 0.3], [0.8, 1.0]))
    books = sorted({it.text.book for it in items})
    per = {}
    for g in grid:
        mw, mc, sk = g
        w = init_w()
        w[fi["minmem_s"]] = w[fi["minmem_t"]] = mw
        for a, b in SHAPES:
            w[fi[f"shape{a}-{b}"]] = mc * (a + b - 2)
        w[fi["skip_s"]] = w[fi["skip_t"]] = sk
        preds = {it.text.id: it.beads(it.decode(w)) for it in items}
        per[g] = (preds, {bk: M.score_many([it.text.gold for it in items if it.text.book == bk],
                                            [preds[it.text.id] for it in items if it.text.book == bk])["f1_strict"]
                          for bk in books})
        allf = M.score_many([it.text.gold for it in items], [preds[it.text.id] for it in items])["f1_strict"]
        print(g, round(allf, 4), {k: round(v, 3) for k, v in per[g][1].items()}, flush=True)
    out = {}
    for bk in books:
        best = max(grid, key=lambda g: np.mean([per[g][1][b] for b in books if b != bk]))
        print("fold", bk, "picks", best, round(per[best][1][bk], 4))
        for it in items:
            if it.text.book == bk:
                out[it.text.id] = per[best][0][it.text.id]
    s = M.score_many([it.text.gold for it in items], [out[it.text.id] for it in items])
    print("LOBO", {k: round(v, 4) for k, v in s.items()})


if __name__ == "__main__" and "--grid" in sys.argv:
    grid_main()
    sys.exit(0)
