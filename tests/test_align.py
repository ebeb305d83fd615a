"""The DP aligner on hand-made vectors: shapes found, invariants, banded search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.align import align, bead_types
from aligner.config import AlignConfig


def unit(rng, n, d=32):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def noisy(v, rng, eps):
    w = v + eps * unit(rng, len(v), v.shape[1])
    return (w / np.linalg.norm(w, axis=1, keepdims=True)).astype(np.float32)


def check_invariants(beads, n, m):
    src = [i for b in beads for i in b.src_ids]
    tgt = [j for b in beads for j in b.tgt_ids]
    assert src == list(range(n)), "every source id exactly once, in order"
    assert tgt == list(range(m)), "every target id exactly once, in order"
    for b in beads:
        assert b.src_ids or b.tgt_ids
        assert (b.score is None) == (not b.src_ids or not b.tgt_ids)
        if b.score is not None:
            assert 0.0 <= b.score <= 1.0


def test_bead_types_default():
    types = bead_types(4, 5)
    for shape in [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (1, 4), (4, 1), (2, 3)]:
        assert shape in types
    assert (4, 4) not in types and (3, 3) not in types


def test_identity_gives_all_one_to_one():
    rng = np.random.default_rng(0)
    S = unit(rng, 40)
    beads = align(S, noisy(S, rng, 0.2))
    assert [b.kind for b in beads] == ["1-1"] * 40


# (how the target is built from the source, expected non-1-1 beads)
def _split(S, rng, k):
    """Target sentence k is split in two halves whose sum points to S[k]."""
    d = S.shape[1]
    r = unit(rng, 1, d)[0] * 0.5
    parts = np.stack([S[k] + r, S[k] - r])
    parts /= np.linalg.norm(parts, axis=1, keepdims=True)
    return np.concatenate([S[:k], parts, S[k + 1:]]).astype(np.float32)


def test_split_sentence_is_a_one_to_two_bead():
    rng = np.random.default_rng(1)
    S = unit(rng, 30)
    T = _split(S, rng, 10)
    beads = align(S, T)
    odd = [(b.src_ids, b.tgt_ids) for b in beads if b.kind != "1-1"]
    assert odd == [((10,), (10, 11))]


def test_merged_sentences_are_a_two_to_one_bead():
    rng = np.random.default_rng(2)
    T = unit(rng, 30)
    S = _split(T, rng, 7)
    beads = align(S, T)
    assert [(b.src_ids, b.tgt_ids) for b in beads if b.kind != "1-1"] == [((7, 8), (7,))]


def test_extra_source_block_is_left_unaligned():
    rng = np.random.default_rng(3)
    S = unit(rng, 30)
    extra = unit(rng, 4)
    S2 = np.concatenate([extra, S])  # an intro with no counterpart (like seed 000's editor's note)
    beads = align(S2, noisy(S, rng, 0.2))
    assert [b.src_ids for b in beads if not b.tgt_ids] == [(0,), (1,), (2,), (3,)]


def test_paragraph_breaks_are_preferred_bead_boundaries():
    rng = np.random.default_rng(4)
    S = unit(rng, 6)
    T = noisy(S, rng, 0.1)
    beads = align(S, T, src_paras=[0, 0, 0, 1, 1, 1], tgt_paras=[0, 0, 0, 1, 1, 1])
    for b in beads:
        assert len({p for p in ([0, 0, 0, 1, 1, 1][i] for i in b.src_ids)}) <= 1


def test_banded_search_matches_full_dp_on_easy_input():
    rng = np.random.default_rng(5)
    S = unit(rng, 300)
    T = _split(S, rng, 150)
    full = align(S, T)
    banded = align(S, T, config=AlignConfig(full_dp_max_cells=1000))
    assert [(b.src_ids, b.tgt_ids) for b in banded] == [(b.src_ids, b.tgt_ids) for b in full]


def test_window_embeddings_are_accepted():
    rng = np.random.default_rng(6)
    S = unit(rng, 10)
    K = 4
    W = np.zeros((K, 10, S.shape[1]), np.float32)
    for k in range(1, K + 1):
        for i in range(10 - k + 1):
            v = S[i:i + k].sum(0)
            W[k - 1, i] = v / np.linalg.norm(v)
    beads = align(W, W.copy())
    assert [b.kind for b in beads] == ["1-1"] * 10


@pytest.mark.parametrize("n,m", [(0, 3), (3, 0), (0, 0)])
def test_empty_sides(n, m):
    rng = np.random.default_rng(7)
    beads = align(unit(rng, n) if n else np.zeros((0, 32), np.float32),
                  unit(rng, m) if m else np.zeros((0, 32), np.float32))
    check_invariants(beads, n, m)


def test_bad_shapes_raise():
    rng = np.random.default_rng(8)
    with pytest.raises(ValueError):
        align(unit(rng, 3, 16), unit(rng, 3, 32))
    with pytest.raises(ValueError):
        align(unit(rng, 3), unit(rng, 3), src_lens=[1, 2])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 25), m=st.integers(0, 25), seed=st.integers(0, 2**16),
       small=st.booleans())
def test_invariants_random(n, m, seed, small):
    """Monotone, every sentence exactly once, for any sizes, full DP and banded search."""
    rng = np.random.default_rng(seed)
    S = unit(rng, n) if n else np.zeros((0, 32), np.float32)
    T = unit(rng, m) if m else np.zeros((0, 32), np.float32)
    cfg = AlignConfig(full_dp_max_cells=20 if small else AlignConfig().full_dp_max_cells)
    beads = align(S, T, src_lens=rng.integers(1, 80, n), tgt_lens=rng.integers(1, 200, m),
                  src_paras=np.sort(rng.integers(0, 3, n)), tgt_paras=np.sort(rng.integers(0, 3, m)),
                  config=cfg)
    check_invariants(beads, n, m)


def test_deterministic():
    rng = np.random.default_rng(9)
    S, T = unit(rng, 50), unit(rng, 60)
    assert align(S, T) == align(S, T)


# --- the member term: a merged side whose worst member does not match ----------------
def _stray_doc(windows: bool):
    """21 matching pairs e_k <-> e_k, and a stray target e_31 inserted after target 10.

    Without the member term a 1-2 bead (e_10; e_10 + e_31) costs
    dist 0.31 * 1.5 + merge 0.25 ~ 0.71, less than a 1-1 plus a skip (0.8);
    the stray's cosine with the source is 0, 0.71 below the bead's, so
    member_weight 0.2 adds 0.14 and the skip wins.
    """
    eye = np.eye(32, dtype=np.float32)
    S = eye[:21]
    T = np.concatenate([eye[:11], eye[31:32], eye[11:21]])
    if not windows:
        return S, T

    def win(V):
        out = np.zeros((4, len(V), V.shape[1]), np.float32)
        for a in range(1, 5):
            for i in range(len(V) - a + 1):
                v = V[i:i + a].sum(0)
                out[a - 1, i] = v / np.linalg.norm(v)
        return out
    return win(S), win(T)


@pytest.mark.parametrize("windows", [False, True], ids=["sentence-vectors", "window-vectors"])
@pytest.mark.parametrize("member_weight, merged", [
    (0.0, True),    # no member term: the stray is merged into a neighbour (cost ~0.71 < 0.8)
    (0.2, False),   # member term: 0.71 + 0.14 > 0.8, the stray stays unaligned
])
def test_member_weight_keeps_a_stray_sentence_out_of_a_merge(windows, member_weight, merged):
    S, T = _stray_doc(windows)
    cfg = AlignConfig(member_weight=member_weight, merge_cost=0.25, skip_cost=0.8, length_weight=0.0,
                      adapt_ridge=0.0)
    beads = align(S, T, config=cfg)
    check_invariants(beads, 21, 22)
    stray = next(b for b in beads if 11 in b.tgt_ids)
    if merged:
        assert len(stray.src_ids) == 1 and len(stray.tgt_ids) == 2
    else:
        assert (stray.src_ids, stray.tgt_ids) == ((), (11,))
    assert sum(b.kind == "1-1" for b in beads) == (20 if merged else 21)


def test_adapt_maps_source_towards_the_documents_target_space():
    """A document whose source is a fixed distortion of its target: the map undoes part of it."""
    from aligner.adapt import ADAPT_MIN_PAIRS, adapt_map

    rng = np.random.default_rng(3)
    T = unit(rng, 80, 32)
    M = np.eye(32, dtype=np.float32) + 0.6 * rng.normal(size=(32, 32)).astype(np.float32) / np.sqrt(32)
    S = noisy(T @ M, rng, 0.1)
    before = float(np.mean(np.sum(S * T, axis=1)))
    A = adapt_map(S[None], T[None], [(1, 1)] * 80, ridge=0.08)(S[None])
    after = float(np.mean(np.sum(A[0] * T, axis=1)))
    assert A.shape == (1, 80, 32)
    assert np.allclose(np.linalg.norm(A[0], axis=1), 1.0, atol=1e-5)
    assert after > before + 0.05, (before, after)
    # too few 1-1 beads: no map
    few = [(1, 1)] * (ADAPT_MIN_PAIRS - 1) + [(2, 1)] * 30
    assert adapt_map(S[None], T[None], few, ridge=0.08) is None


def test_adapted_pass_keeps_scores_from_the_original_vectors():
    rng = np.random.default_rng(4)
    S = unit(rng, 30)
    T = noisy(S, rng, 0.3)
    on = align(S, T, config=AlignConfig(adapt_ridge=0.08))
    off = align(S, T, config=AlignConfig(adapt_ridge=0.0))
    assert [(b.src_ids, b.tgt_ids) for b in on] == [(b.src_ids, b.tgt_ids) for b in off]
    assert [b.score for b in on] == [b.score for b in off]


def _heading_between(rng, lean: float):
    """20 sentences and their noisy targets; source 10 is inserted, a mix of targets 9 and 10 (``lean`` towards 9)."""
    S = unit(rng, 20)
    T = noisy(S, rng, 0.15)
    h = lean * T[9] + (1 - lean) * T[10]
    S2 = np.concatenate([S[:10], (h / np.linalg.norm(h))[None].astype(np.float32), S[10:]])
    return S2, T


@pytest.mark.parametrize("lean", [0.5, 0.6])
def test_a_heading_joins_what_follows_it(lean):
    # issue 20, kind 2: a heading with no counterpart of its own belongs with the next pair
    S, T = _heading_between(np.random.default_rng(7), lean)
    heads = np.zeros(len(S), bool)
    heads[10] = True
    beads = align(S, T, src_heads=heads)
    check_invariants(beads, len(S), len(T))
    holding = next(b for b in beads if 10 in b.src_ids)
    assert holding.src_ids == (10, 11) and holding.tgt_ids == (10,)


def test_without_heading_evidence_the_same_line_goes_with_the_closer_neighbour():
    # the control for the test above: leaning towards target 9, it joins the pair before
    S, T = _heading_between(np.random.default_rng(7), 0.6)
    holding = next(b for b in align(S, T) if 10 in b.src_ids)
    assert holding.src_ids == (9, 10)


def test_a_heading_that_is_its_own_paragraph_keeps_the_paragraph_rules():
    # seeds: an untranslated heading alone in its paragraph stays a cheap 1-0 line, as without heads
    S, T = _heading_between(np.random.default_rng(7), 0.5)
    paras = [0] * 10 + [1] + [2] * 10
    heads = np.zeros(len(S), bool)
    heads[10] = True
    assert align(S, T, src_paras=paras, src_heads=heads) == align(S, T, src_paras=paras)


def _unrelated_heading(rng):
    """20 sentences and their noisy targets; source 10 is inserted: a heading unrelated to any target."""
    S = unit(rng, 20)
    T = noisy(S, rng, 0.15)
    S2 = np.concatenate([S[:10], unit(rng, 1), S[10:]])
    return S2, T


@pytest.mark.parametrize("seed", [0, 1, 3, 5])  # seeds where the line goes wrong without heading evidence
def test_an_unrelated_heading_joins_what_follows_it(seed):
    # issue 20, kind 2 (a chapter heading with no English): a merged side led by a heading is scored
    # without it, so the heading joins the next pair instead of standing alone
    S, T = _unrelated_heading(np.random.default_rng(seed))
    heads = np.zeros(len(S), bool)
    heads[10] = True
    holding = next(b for b in align(S, T, src_heads=heads) if 10 in b.src_ids)
    assert holding.src_ids == (10, 11) and holding.tgt_ids == (10,)
    # the control: without the heading evidence it stands alone or joins the pair before (the embedding
    # has nothing to match)
    without = next(b for b in align(S, T) if 10 in b.src_ids)
    assert (without.src_ids, without.tgt_ids) in {((10,), ()), ((9, 10), (9,))}


@pytest.mark.parametrize("cost,joins", [(0.0, True), (0.3, True), (5.0, False)])
def test_head_attach_cost_is_what_joining_costs(cost, joins):
    # expected: joining costs the pair's own cost + head_attach_cost (the merged side with the unrelated heading
    # costs more); leaving it out costs skip_cost (0.8)
    S, T = _unrelated_heading(np.random.default_rng(1))
    heads = np.zeros(len(S), bool)
    heads[10] = True
    holding = next(b for b in align(S, T, src_heads=heads, config=AlignConfig(head_attach_cost=cost))
                   if 10 in b.src_ids)
    assert (holding.src_ids == (10, 11)) is joins


def _translated_heading(rng):
    """20 sentences and their noisy targets; source 10 is inserted: a heading that target 10 translates in the
    same line as the sentence after it (the English line holds both)."""
    S = unit(rng, 20)
    h = unit(rng, 1)[0]
    T = noisy(S, rng, 0.15)
    t = T[10] + h
    T[10] = t / np.linalg.norm(t)
    return np.concatenate([S[:10], h[None], S[10:]]).astype(np.float32), T


@pytest.mark.parametrize("cost", [0.0, 0.3, 0.8, 5.0])
@pytest.mark.parametrize("cells", [50_000, 1])  # the numpy full table; the numba kernel over a band
def test_a_heading_the_other_side_translates_keeps_its_pair_at_any_attach_cost(cost, cells):
    # expected: the gold (10, 11) -> (10,): the merged side with the heading matches the English line better
    # than the side without it, so taking the heading off is an option the search may refuse, at any cost
    S, T = _translated_heading(np.random.default_rng(2))
    heads = np.zeros(len(S), bool)
    heads[10] = True
    cfg = AlignConfig(head_attach_cost=cost, full_dp_max_cells=cells)
    holding = next(b for b in align(S, T, src_heads=heads, config=cfg) if 10 in b.src_ids)
    assert (holding.src_ids, holding.tgt_ids) == ((10, 11), (10,))


@pytest.mark.parametrize("seed", range(6))
def test_a_prohibitive_attach_cost_leaves_a_heading_a_paragraph_start(seed):
    # expected: the beads of the same document with the headings given only as paragraph starts (the
    # behaviour before head_attach_cost): a heading that costs too much to take off is scored with it
    rng = np.random.default_rng(seed)
    S, T = _unrelated_heading(rng) if seed % 2 else _translated_heading(rng)
    heads = rng.random(len(S)) < 0.2
    heads[10] = True
    cfg = AlignConfig(head_attach_cost=1e6)
    assert align(S, T, src_heads=heads, config=cfg) == align(S, T, src_paras=np.cumsum(heads), config=cfg)


def test_facing_headings_stay_a_pair():
    # MAC-Test 017/019/020: a chapter title on both sides ("1．弄堂" / "Longtang") is one pair even when the
    # embedding matches them weakly; taking the heading off one side is only for a heading facing none
    rng = np.random.default_rng(11)
    S = unit(rng, 12)
    T = noisy(S, rng, 0.15)
    h = unit(rng, 1)[0]
    S2 = np.concatenate([(h / np.linalg.norm(h))[None], S]).astype(np.float32)
    t = 0.45 * h + unit(rng, 1)[0]
    T2 = np.concatenate([(t / np.linalg.norm(t))[None], T]).astype(np.float32)
    sh = np.zeros(len(S2), bool)
    th = np.zeros(len(T2), bool)
    sh[0] = th[0] = True
    beads = align(S2, T2, src_heads=sh, tgt_heads=th)
    assert (beads[0].src_ids, beads[0].tgt_ids) == ((0,), (0,))
    check_invariants(beads, len(S2), len(T2))


def test_heads_of_the_wrong_shape_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="src_heads"):
        align(unit(rng, 4), unit(rng, 4), src_heads=[True])


@pytest.mark.parametrize("field, value", [
    # red team (stop 22), through the Python API: an IndexError, every sentence unaligned, nan everywhere
    ("max_bead", 0), ("skip_cost", -5.0), ("skip_cost", float("nan")), ("merge_cost", float("inf")),
    ("max_bead_total", 1), ("skip_full_chars", 0.0), ("search_window", 0),
    ("blas_threads", -1), ("blas_threads", 1.5),
    ("length_ratio", 0.0), ("length_ratio", float("nan")), ("length_ratio_spread", 0.5),
    ("length_ratio_spread", float("nan")),
])
def test_config_refuses_values_the_dp_cannot_use(field, value):
    with pytest.raises(ValueError, match=f"AlignConfig.{field}"):
        AlignConfig(**{field: value})
    assert AlignConfig(skip_cost=0.0).skip_cost == 0.0  # 0 is allowed: leaving a sentence out costs nothing


def _partial_translation(seed: int, n: int = 40, extra: int = 160, d: int = 64):
    """n source sentences translated by the first n target ones (3.2 target characters per source one, the
    zh->en ratio), then ``extra`` target sentences with no source: a translation of the first part facing the
    whole text, the document's length ratio ~5x the pair's."""
    rng = np.random.default_rng(seed)
    S = unit(rng, n, d)
    T = np.concatenate([S + 0.6 * rng.normal(size=(n, d)).astype(np.float32) / np.sqrt(d), unit(rng, extra, d)])
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    s_len = rng.integers(15, 40, n).astype(float)
    t_len = np.concatenate([s_len * 3.2, rng.integers(40, 130, extra).astype(float)])
    return S, T, s_len, t_len


@pytest.mark.parametrize("seed", range(3))
def test_length_prior_keeps_near_the_pairs_ratio_for_a_partial_translation(seed):
    """Red team (stop 29): 50 Chinese lines against the 300 English lines whose first ~60 translate them gave
    0 pairs (43 with the length prior off): the prior took the document's ratio, 5x the usual, and made every
    true pair dearer than leaving both out. With ``length_ratio`` (the pair's usual ratio; the pipeline sets
    it) the document's ratio is held within ``length_ratio_spread`` of it, and every pair is found; the
    document's own ratio alone finds fewer (the failure, kept visible)."""
    S, T, s_len, t_len = _partial_translation(seed)
    n = S.shape[0]
    want = [((i,), (i,)) for i in range(n)]

    def pairs(cfg):
        return [(b.src_ids, b.tgt_ids) for b in align(S, T, src_lens=s_len, tgt_lens=t_len, config=cfg)
                if b.src_ids and b.tgt_ids]

    assert pairs(AlignConfig(length_ratio=3.2)) == want
    assert len(pairs(AlignConfig())) < n - 5


@pytest.mark.parametrize("doc_ratio, expected", [
    (3.2, 3.2), (5.0, 5.0), (1.6, 1.6),  # MAC-Test and MQM documents: 2.5-5.0, never moved
    (16.0, 6.4), (0.5, 1.6),  # held within a factor 2 of 3.2
])
def test_length_ratio_is_held_within_the_spread(doc_ratio, expected):
    from aligner.align import _cost_inputs

    S = np.eye(4, dtype=np.float32)[None]
    got = _cost_inputs(S, S, np.full(4, 10.0), np.full(4, 10.0 * doc_ratio), 1, 1, False,
                       AlignConfig(length_ratio=3.2))[4][9]
    assert got == pytest.approx(expected)
    assert _cost_inputs(S, S, np.full(4, 10.0), np.full(4, 10.0 * doc_ratio), 1, 1, False,
                        AlignConfig())[4][9] == pytest.approx(doc_ratio)


@pytest.mark.parametrize("src, tgt, expected", [
    ("zh", "en", 3.2), ("zh-tw", "en", 3.2), ("en", "zh", 1 / 3.2), ("en", "en", None), ("zh", "zh", None),
])
def test_pair_length_ratio(src, tgt, expected):
    """The pipeline's usual ratio for the length prior: config.ZH_EN_LENGTH_RATIO, by direction."""
    from aligner.pipeline import pair_length_ratio

    assert pair_length_ratio(src, tgt) == (pytest.approx(expected) if expected else None)


@pytest.mark.slow
def test_partial_translation_through_the_pipeline(tmp_path):
    """The red team's case with the real model: MAC-Test 001's first 50 Chinese lines against all 283 English
    lines of 001 (the first ~60 translate them). 0.3.6 before the bound: 0 pairs; with it, 43."""
    import os
    from pathlib import Path

    from aligner.api import align_texts

    root = Path(os.environ.get("ALIGNER_MACTEST") or Path(__file__).resolve().parents[2] / "shared" / "bench"
                / "mac-test")
    if not (root / "zh" / "001").is_file():
        pytest.skip(f"MAC-Test not found at {root} (set ALIGNER_MACTEST to its directory)")
    zh = (root / "zh" / "001").read_text(encoding="utf-8").splitlines()[:50]
    en = (root / "en" / "001").read_text(encoding="utf-8").splitlines()
    al = align_texts(zh, en, config=AlignConfig(cache_dir=tmp_path))
    pairs = [b for b in al.beads if b.src_ids and b.tgt_ids]
    assert len(pairs) >= 40
    assert max(j for b in pairs for j in b.tgt_ids) < 80  # the English after the translated part stays unpaired
