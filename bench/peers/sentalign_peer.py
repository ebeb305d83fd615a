"""sentalign (PyPI): Vecalign's coarse-to-fine DP, fed our window embeddings.

``sentalign.sentalign()`` would call an encoder on its own space-joined
windows; to give it exactly the vectors every other system gets we call its
``dp_utils.vecalign`` directly with the same defaults as ``sentalign()``
except ``alignment_max_size=5`` (a + b <= 5: 1-4 and 2-3 beads, the windows
of up to 4 sentences we embed; sentalign's default 8 would need windows of 7).
"""

from __future__ import annotations

import random
import warnings
from math import ceil

import numpy as np

from .common import to_front_padded

ALIGNMENT_MAX_SIZE = 5
DEL_PERCENTILE_FRAC = 0.2  # sentalign default
MAX_SIZE_FULL_DP = 300  # sentalign default
COSTS_SAMPLE_SIZE = 20_000  # sentalign default
NUM_SAMPS_FOR_NORM = 100  # sentalign default
SEARCH_BUFFER_SIZE = 5  # sentalign default
SEED = 42  # sentalign default


def align_docs(src: list[str], tgt: list[str], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
               alignment_max_size: int = ALIGNMENT_MAX_SIZE):
    K = alignment_max_size - 1
    if src_vecs.shape[0] < K or tgt_vecs.shape[0] < K:
        raise ValueError(f"need windows of {K} sentences for alignment_max_size={alignment_max_size}")
    if not src or not tgt:
        return [((i,), ()) for i in range(len(src))] + [((), (j,)) for j in range(len(tgt))]
    random.seed(SEED)
    np.random.seed(SEED)
    v0 = to_front_padded(np.array(src_vecs[:K], np.float32))
    v1 = to_front_padded(np.array(tgt_vecs[:K], np.float32))
    with warnings.catch_warnings():
        # dp_core.make_sparse_costs casts np.empty() floats to int32 before filling
        # them ("invalid value encountered in cast"): harmless, silenced.
        warnings.filterwarnings("ignore", "invalid value encountered in cast", RuntimeWarning)
        stack = _run(v0, v1, alignment_max_size)
    return [(tuple(int(x) for x in s), tuple(int(y) for y in t)) for s, t in stack[0]["final_alignments"]]


def _run(v0, v1, alignment_max_size):
    from sentalign.dp_utils import make_alignment_types, vecalign

    return vecalign(vecs0=v0, vecs1=v1,
                    final_alignment_types=make_alignment_types(alignment_max_size),
                    del_percentile_frac=DEL_PERCENTILE_FRAC,
                    width_over2=ceil(alignment_max_size / 2.0) + SEARCH_BUFFER_SIZE,
                    max_size_full_dp=MAX_SIZE_FULL_DP, costs_sample_size=COSTS_SAMPLE_SIZE,
                    num_samps_for_norm=NUM_SAMPS_FOR_NORM)
