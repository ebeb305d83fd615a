"""The adapted second pass's map: source vectors moved towards this document's target space.

Self-training, as in two-pass aligners (``aligner.align``): the 1-1 beads of
a first pass are pairs of source and target sentence vectors, and a linear
map fitted on them, ridge towards the identity, is applied to every source
window before the search runs again. Arrays only, like ``align``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

#: Fewer first-pass 1-1 beads than this: no second, adapted pass (too little evidence for a map).
ADAPT_MIN_PAIRS = 8
#: Pairs per chunk when accumulating the map's normal equations; rows per chunk when re-normalising.
ADAPT_CHUNK = 8192


def adapt_map(SW: np.ndarray, TW: np.ndarray, shapes, ridge: float) -> Callable[[np.ndarray], np.ndarray] | None:
    """The map of source vectors towards this document's target space, or None when too few pairs.

    Self-training, as in two-pass aligners: the 1-1 beads of a first pass are
    pairs (x_k, y_k) of source and target sentence vectors; a linear map
    ``W = argmin |X W - Y|^2 + lam |W - I|^2`` with ``lam = ridge * pairs``
    (ridge towards the identity, proportionate to the evidence) learns how
    this text's names and terms sit in the two languages. The map takes
    (..., dim) vectors to ``V @ W`` re-normalised, float32 of the same shape.

    ``SW`` / ``TW``: (K, n, dim) float32 window arrays, row 0 the sentences,
    L2-normalised; ``shapes``: the first pass's bead shapes, in order.
    """
    pairs, i, j = [], 0, 0
    for a, b in shapes:
        if a == 1 and b == 1:
            pairs.append((i, j))
        i += a
        j += b
    if len(pairs) < ADAPT_MIN_PAIRS:
        return None
    idx = np.array(pairs)
    dim = SW.shape[2]
    lam = ridge * len(pairs)
    if len(pairs) < dim:
        # Same W through the push-through identity, W = I + X^T (X X^T + lam I)^-1 (Y - X): a pairs x pairs
        # solve instead of dim x dim (a short document has far fewer pairs than dimensions).
        X = SW[0, idx[:, 0]].astype(np.float64)
        Y = TW[0, idx[:, 1]].astype(np.float64)
        Z = np.linalg.solve(X @ X.T + lam * np.eye(len(pairs)), Y - X)

        def mapper(V: np.ndarray) -> np.ndarray:
            flat = np.asarray(V, np.float64).reshape(-1, dim)
            return normalised((flat + (flat @ X.T) @ Z).astype(np.float32).reshape(V.shape))

        return mapper
    XX = np.zeros((dim, dim))
    XY = np.zeros((dim, dim))
    for c in range(0, len(idx), ADAPT_CHUNK):  # chunks: memory stays O(dim^2), not O(pairs * dim)
        X = SW[0, idx[c:c + ADAPT_CHUNK, 0]].astype(np.float64)
        Y = TW[0, idx[c:c + ADAPT_CHUNK, 1]].astype(np.float64)
        XX += X.T @ X
        XY += X.T @ Y
    W = np.linalg.solve(XX + lam * np.eye(dim), XY + lam * np.eye(dim)).astype(np.float32)
    return lambda V: normalised(np.asarray(V, np.float32) @ W)


def normalised(out: np.ndarray) -> np.ndarray:
    """``out`` ((..., dim) float32) with its rows L2-normalised in place (zero rows kept), returned.

    A chunk of rows at a time: the norm's squares are a temporary as large as ``out`` (0.3 GB for 40k
    sentences' windows), which set the peak memory of a book-length run."""
    flat = out.reshape(-1, out.shape[-1])
    for c in range(0, flat.shape[0], ADAPT_CHUNK):
        nrm = np.linalg.norm(flat[c:c + ADAPT_CHUNK], axis=-1, keepdims=True)
        nrm[nrm == 0] = 1.0
        flat[c:c + ADAPT_CHUNK] /= nrm
    return out
