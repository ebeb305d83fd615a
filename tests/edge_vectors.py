"""Hand-made vectors for the edge tests (tests/test_edges*.py): a stand-in encoder over named directions."""

from __future__ import annotations

import hashlib

import numpy as np

from aligner.data import Bead

DIM = 256


def unit(i: int) -> np.ndarray:
    v = np.zeros(DIM, np.float32)
    v[i] = 1.0
    return v


def noise(text: str) -> np.ndarray:
    """A text the case does not name: a fixed random direction (cosines with anything else ~ +-0.06)."""
    seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def stand_in(named: dict[str, np.ndarray]):
    """``embed(texts, lang)`` over ``named`` vectors (normalised), any other text a noise direction."""
    def embed(texts, lang):
        out = [named[t] / np.linalg.norm(named[t]) if t in named else noise(t) for t in texts]
        return np.stack(out).astype(np.float32) if out else np.zeros((0, DIM), np.float32)
    return embed


SHORT = "事就这样成了。"
LONG_A = "神就造出空气，将空气以下的水分开了。"
LONG_B = "神称空气为天，有晚上有早晨，是第二日。"


def mix(cos: float) -> np.ndarray:
    """A direction at cosine ``cos`` with SHORT's (unit 0)."""
    return cos * unit(0) + np.sqrt(1 - cos * cos) * unit(1)


def beads_of(*pairs) -> list[Bead]:
    return [Bead(tuple(s), tuple(t), 0.5) for s, t in pairs]


def ids_of(beads) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src_ids, b.tgt_ids) for b in beads]
