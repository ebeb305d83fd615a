"""Choosing the bead windows worth embedding (``aligner.windows``), on hand-made vectors.

A stand-in "encoder" gives each window the normalised sum of its sentence
vectors plus its own noise, so real windows differ from the sums the first
look uses (as USE's do).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.align import align, bead_types
from aligner.config import AlignConfig
from aligner.dp_numpy import bead_costs, full_dp
from aligner.windows import _chunks, _forward, _through, align_needed, approx_windows, needed_windows

K = AlignConfig().max_bead


def unit(rng, n, d=32):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def real_windows(S: np.ndarray, seed: int, eps: float = 0.3) -> np.ndarray:
    """(K, n, dim): every window embedded by the stand-in encoder (row 0: the sentences themselves)."""
    W = approx_windows(S, K)
    rng = np.random.default_rng(seed)
    for k in range(1, K):
        valid = np.linalg.norm(W[k], axis=1) > 0
        noise = eps * rng.normal(size=W[k].shape).astype(np.float32) / math.sqrt(S.shape[1])
        W[k][valid] += noise[valid]
        W[k][valid] /= np.linalg.norm(W[k][valid], axis=1, keepdims=True)
    W[0] = S
    return W


def translation(seed: int, n: int = 30):
    """Source sentences and a target with two merges (2-1, 1-2) and a dropped sentence: (S, T)."""
    rng = np.random.default_rng(seed)
    S = unit(rng, n)
    rows = []
    for i in range(n):
        if i == 5:
            continue  # 6 joins 5 below
        if i == 6:
            rows.append(S[5] + S[6])
        elif i == 12:
            rows.extend([S[12] + 0.7 * unit(rng, 1)[0], S[12] - 0.7 * unit(rng, 1)[0]])
        elif i == 20:
            continue  # no counterpart
        else:
            rows.append(S[i])
    T = np.stack(rows) + 0.25 * unit(rng, len(rows))
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    return S, T.astype(np.float32)


class Fetcher:
    """``fetch`` over fully embedded windows, recording what it was asked for."""

    def __init__(self, SW, TW):
        self.W = {"src": SW, "tgt": TW}
        self.asked = {"src": np.zeros(SW.shape[:2], bool), "tgt": np.zeros(TW.shape[:2], bool)}

    def __call__(self, side, mask):
        assert not (mask & self.asked[side]).any(), "a window is embedded once"
        assert not mask[0].any(), "sentences are given, never fetched"
        self.asked[side] |= mask
        return self.W[side][mask]


def shapes(beads):
    return [(b.src_ids, b.tgt_ids) for b in beads]


def test_every_window_with_infinite_slack_is_exactly_align():
    S, T = translation(1)
    SW, TW = real_windows(S, 2), real_windows(T, 3)
    f = Fetcher(SW, TW)
    beads, SWo, TWo = align_needed(S, T, f, slack=math.inf)
    assert beads == align(SW, TW)
    n, m = len(S), len(T)
    assert f.asked["src"][1:].sum() == sum(n - k for k in range(1, K))  # every window of 2+ sentences, once
    assert f.asked["tgt"][1:].sum() == sum(m - k for k in range(1, K))
    np.testing.assert_array_equal(SWo, SW)


@pytest.mark.parametrize("seed", range(6))
def test_default_slack_finds_the_same_beads_from_a_fraction_of_the_windows(seed):
    # expected: the beads of aligning with every window embedded (the reference), here for 6 random documents
    S, T = translation(seed)
    SW, TW = real_windows(S, 10 + seed), real_windows(T, 20 + seed)
    f = Fetcher(SW, TW)
    beads, _, _ = align_needed(S, T, f, slack=AlignConfig().window_slack)
    assert shapes(beads) == shapes(align(SW, TW))
    total = sum(len(S) - k for k in range(1, K)) + sum(len(T) - k for k in range(1, K))
    assert (f.asked["src"].sum() + f.asked["tgt"].sum()) < 0.5 * total


def test_merged_beads_are_scored_from_embedded_windows_only():
    S, T = translation(3)
    SW, TW = real_windows(S, 4), real_windows(T, 5)
    f = Fetcher(SW, TW)
    beads, SWo, TWo = align_needed(S, T, f, slack=0.0)
    merged = [b for b in beads if len(b.src_ids) > 1 or len(b.tgt_ids) > 1]
    assert merged, "the document has merges"
    for b in merged:
        if len(b.src_ids) > 1:
            assert f.asked["src"][len(b.src_ids) - 1, b.src_ids[0]]
        if len(b.tgt_ids) > 1:
            assert f.asked["tgt"][len(b.tgt_ids) - 1, b.tgt_ids[0]]
    assert beads == align(SWo, TWo)


def test_needed_windows_shapes_and_sentences_row():
    S, T = translation(0)
    ns, nt = needed_windows(S, T, slack=0.3)
    assert ns.shape == (K, len(S)) and nt.shape == (K, len(T))
    assert ns[0].all() and nt[0].all()
    for k in range(1, K):  # no window past the end
        assert not ns[k, len(S) - k:].any() and not nt[k, len(T) - k:].any()
    # the 2-1 merge (source 5 + 6) and the 1-2 split (target 11, 12) are among the windows chosen
    assert ns[1, 5] and nt[1, 11]


@pytest.mark.parametrize("n,m", [(0, 5), (5, 0), (1, 1), (2, 7)])
def test_tiny_and_empty_documents(n, m):
    rng = np.random.default_rng(n * 10 + m)
    S, T = unit(rng, n), unit(rng, m)
    f = Fetcher(real_windows(S, 1) if n else np.zeros((K, 0, 32), np.float32),
                real_windows(T, 2) if m else np.zeros((K, 0, 32), np.float32))
    beads, _, _ = align_needed(S, T, f, slack=0.3)
    assert [i for b in beads for i in b.src_ids] == list(range(n))
    assert [j for b in beads for j in b.tgt_ids] == list(range(m))


def _table(seed, n, m):
    rng = np.random.default_rng(seed)
    S, T = unit(rng, n, 8), unit(rng, m, 8)
    SW, TW = approx_windows(S, K), approx_windows(T, K)
    types = bead_types(K, 5)
    cfg = AlignConfig()
    costs = bead_costs(types, n, m, SW, TW, np.ones((K, n)), np.ones((K, m)),
                       np.arange(n + 1, dtype=float) * 20, np.arange(m + 1, dtype=float) * 25,
                       np.arange(n) // 3, np.arange(m) // 3, np.zeros(n, bool), np.zeros(m, bool),
                       np.arange(n) % 5 == 2, np.arange(m) % 7 == 3,
                       cfg.skip_cost, cfg.edge_skip_cost, cfg.skip_full_chars, cfg.skip_floor,
                       cfg.para_break_cost, cfg.head_attach_cost, cfg.length_weight, cfg.merge_cost,
                       cfg.member_weight, 1.25, 10.0)
    return types, costs


@pytest.mark.parametrize("seed,n,m", [(0, 6, 9), (1, 12, 7), (2, 1, 4), (3, 15, 15)])
def test_forward_cost_is_the_best_paths_cost(seed, n, m):
    # expected: the cost of the path the numpy DP finds, summed bead by bead
    types, costs = _table(seed, n, m)
    path = full_dp(types, costs, n, m)
    i = j = 0
    total = 0.0
    for a, b in path:
        i, j = i + a, j + b
        total += costs[types.index((a, b))][i, j]
    assert _forward(types, costs, n, m)[n, m] == pytest.approx(total)
    best, through = _through(types, costs, n, m)
    assert best == pytest.approx(total)
    for tab in through.values():  # no alignment through a bead beats the best one
        assert (tab[np.isfinite(tab)] >= best - 1e-9).all()


def test_through_cost_of_a_bead_on_the_best_path_is_the_best_cost():
    types, costs = _table(7, 10, 12)
    path = full_dp(types, costs, 10, 12)
    best, through = _through(types, costs, 10, 12)
    i = j = 0
    for a, b in path:
        i, j = i + a, j + b
        t = types.index((a, b))
        if t in through:
            assert through[t][i, j] == pytest.approx(best)


def test_chunks_follow_the_path_within_budget():
    path = [(1, 1)] * 50 + [(2, 1)] * 20 + [(1, 2)] * 30
    n = sum(a for a, _ in path)
    m = sum(b for _, b in path)
    pieces = _chunks(path, n, m, 400)
    assert len(pieces) > 2
    assert pieces[0][0] == 0 and pieces[0][2] == 0 and pieces[-1][1] == n and pieces[-1][3] == m
    for (i0, i1, j0, j1), (k0, _, l0, _) in zip(pieces, pieces[1:]):
        assert (i1 - i0) * (j1 - j0) <= 400
        assert k0 < i1 and l0 < j1, "consecutive pieces overlap"
    assert _chunks(path, n, m, n * m) == [(0, n, 0, m)]


def _scored_window(ids, heads):
    """(width, start) of the window a merged side's cost reads: leading headings taken off (align's rule)."""
    a, i = len(ids), ids[0]
    while heads is not None and a >= 2 and heads[i]:
        a, i = a - 1, i + 1
    return a, i


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 25), m=st.integers(1, 25),
       slack=st.sampled_from([0.0, 0.3, 1.0]), cells=st.sampled_from([30, 50_000]), with_heads=st.booleans(),
       adapt=st.booleans())
def test_property_partition_and_only_embedded_windows(seed, n, m, slack, cells, with_heads, adapt):
    """Every sentence in one bead, in order; every merged side scored and costed from an embedded window;
    and the beads are the search's own on the windows in the end. With the adapted pass, a path that took
    stand-in windows is searched again with the first alignment's map (``align.realign``), which a fresh
    ``align`` would fit anew: the last check is without it."""
    rng = np.random.default_rng(seed)
    S, T = unit(rng, n, 16), unit(rng, m, 16)
    f = Fetcher(real_windows(S, seed), real_windows(T, seed + 1))
    cfg = AlignConfig(full_dp_max_cells=cells, adapt_ridge=AlignConfig().adapt_ridge if adapt else 0.0)
    sh = rng.random(n) < 0.25 if with_heads else None
    th = rng.random(m) < 0.25 if with_heads else None
    beads, SWo, TWo = align_needed(S, T, f, slack=slack, config=cfg, src_heads=sh, tgt_heads=th)
    assert [i for b in beads for i in b.src_ids] == list(range(n))
    assert [j for b in beads for j in b.tgt_ids] == list(range(m))
    for b in beads:
        for side, ids, heads in (("src", b.src_ids, sh), ("tgt", b.tgt_ids, th)):
            if len(ids) > 1:
                assert f.asked[side][len(ids) - 1, ids[0]]  # the window that gives the bead its score
                a, i = _scored_window(ids, heads)
                assert a == 1 or f.asked[side][a - 1, i]  # and the one its cost was computed from
    if not adapt:
        assert beads == align(SWo, TWo, config=cfg, src_heads=sh, tgt_heads=th)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("adapt", [0.0, 0.08])
def test_realign_runs_the_last_pass_again(seed, adapt):
    """``align.realign``: with nothing changed, the beads ``align_kept`` gave; with windows changed and no
    adapted pass, ``align`` on the new windows; with one, the adapted search on the kept map's windows, the
    changed rows mapped anew (expected: computed here from ``Kept`` by hand)."""
    from aligner.adapt import adapt_map
    from aligner.align import _search, _to_beads, align_kept, bead_types, realign

    rng = np.random.default_rng(seed)
    n, m = 60, 70
    S, T = unit(rng, n, 16), unit(rng, m, 16)
    SW, TW = real_windows(S, seed), real_windows(T, seed + 1)
    cfg = AlignConfig(adapt_ridge=adapt, full_dp_max_cells=500)  # banded: the numba kernel
    beads, kept = align_kept(SW, TW, config=cfg)
    assert beads == align(SW, TW, config=cfg)
    assert realign(kept, SW, TW, np.zeros(SW.shape[:2], bool), config=cfg) == beads
    changed = np.zeros(SW.shape[:2], bool)
    changed[1:, rng.integers(0, n - 5, 6)] = True
    SW2 = SW.copy()
    SW2[changed] = unit(rng, int(changed.sum()), 16)
    TW2 = TW.copy()
    TW2[2, rng.integers(0, m - 5, 4)] = unit(rng, 4, 16)
    got = realign(kept, SW2, TW2, changed, config=cfg)
    if not adapt:
        assert kept.mapper is None and got == align(SW2, TW2, config=cfg)
        return
    assert kept.mapper is not None
    args = (np.ones(n), np.ones(m), np.zeros(n, np.int64), np.zeros(m, np.int64), np.zeros(n, bool),
            np.zeros(m, bool), bead_types(cfg.max_bead, cfg.max_bead_total), cfg)
    first = _search(SW, TW, *args)
    mapped = adapt_map(SW, TW, first, adapt)(SW)
    mapped[changed] = kept.mapper(SW2[changed])
    assert got == _to_beads(_search(mapped, TW2, *args), SW2, TW2)


def test_with_headings_every_window_or_the_needed_ones_give_the_same_beads():
    # expected: the beads of aligning with every window embedded, on a document with two source headings
    S, T = translation(5)
    heads = np.zeros(len(S), bool)
    heads[[8, 17]] = True
    SW, TW = real_windows(S, 6), real_windows(T, 7)
    f = Fetcher(SW, TW)
    beads, _, _ = align_needed(S, T, f, slack=AlignConfig().window_slack, src_heads=heads)
    assert shapes(beads) == shapes(align(SW, TW, src_heads=heads))


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "0.3"])
def test_config_refuses_a_bad_slack(bad):
    with pytest.raises(ValueError, match="window_slack"):
        AlignConfig(window_slack=bad)


def test_signature_names_the_slack():
    from aligner.pipeline import signature

    assert "|slack:0.3|" in signature(AlignConfig(), "use-m3", False)
    assert "|slack:inf|" in signature(AlignConfig(window_slack=math.inf), "use-m3", False)


@pytest.mark.parametrize("seed,n,m", [(0, 6, 9), (1, 12, 7), (4, 1, 1), (5, 20, 3)])
def test_numba_forward_table_equals_the_numpy_rows(seed, n, m):
    # expected: aligner.windows._forward, the numpy row loop used for single-piece documents
    from aligner.dp_kernels import forward_table

    types, costs = _table(seed, n, m)
    ta = np.array([a for a, _ in types], np.int64)
    tb = np.array([b for _, b in types], np.int64)
    np.testing.assert_allclose(forward_table(ta, tb, np.stack(costs)), _forward(types, costs, n, m), rtol=1e-9)
    assert _through(types, costs, n, m, jit=True)[0] == pytest.approx(_through(types, costs, n, m)[0])


def test_a_long_document_cut_in_pieces_gives_the_same_beads():
    # expected: the beads of aligning with every window embedded; the first look here runs in pieces of
    # PIECE_CELLS along the path with numba's forward_table (the table is above full_dp_max_cells)
    S, T = translation(8, n=300)
    SW, TW = real_windows(S, 30), real_windows(T, 31)
    cfg = AlignConfig(full_dp_max_cells=20_000)
    assert len(S) * len(T) > cfg.full_dp_max_cells
    f = Fetcher(SW, TW)
    beads, SWo, TWo = align_needed(S, T, f, slack=cfg.window_slack, config=cfg)
    assert shapes(beads) == shapes(align(SW, TW, config=cfg))
    assert beads == align(SWo, TWo, config=cfg)
    assert f.asked["src"][1:].sum() < 0.3 * sum(len(S) - k for k in range(1, K))


def test_heading_windows_are_embedded_only_up_to_a_usable_width():
    S, T = translation(2)
    heads = np.zeros(len(S), bool)
    heads[[3, 10]] = True
    cfg = AlignConfig(max_bead=4, max_bead_total=3)  # a merged side has at most 2 sentences
    ns, _ = needed_windows(S, T, src_heads=heads, slack=0.0, config=cfg)
    assert ns[1, 3] and ns[1, 10]
    assert not ns[2:].any()


def test_some_windows_are_the_windows_at_the_mask():
    from aligner.embed import Embedder

    class Enc:
        name, dim = "toy", 8

        def encode(self, texts):
            out = np.zeros((len(texts), 8), np.float32)
            for r, t in enumerate(texts):
                out[r, len(t) % 8] = 1.0
                out[r, (len(t) // 8) % 8] += 0.5
            return out / np.linalg.norm(out, axis=1, keepdims=True)

    texts = ["one.", "two two.", "three three three.", "four.", "five five."]
    e = Embedder(Enc(), AlignConfig(cache_dir=None))
    W = e.windows(texts, "en", 4)
    mask = np.zeros((4, 5), bool)
    mask[1, [0, 3]] = True
    mask[3, 1] = True
    np.testing.assert_array_equal(e.some_windows(texts, "en", mask), W[mask])


def test_cli_window_slack_inf_runs_and_is_in_the_signature(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import aligner.pipeline as pipeline
    from aligner.cli import app

    class Enc:
        name, dim = "hash-test", 16

        def encode(self, texts):
            out = np.zeros((len(texts), 16), np.float32)
            for k, t in enumerate(texts):
                v = np.random.default_rng(sum(map(ord, t))).normal(size=16)
                out[k] = v / np.linalg.norm(v)
            return out

    monkeypatch.setattr(pipeline, "get_encoder", lambda *a, **k: Enc())
    zh, en = tmp_path / "a.zh.txt", tmp_path / "a.en.txt"
    zh.write_text("北约继续扩张。\n俄罗斯愿意谈判。\n各方都盼望和平。\n", encoding="utf-8")
    en.write_text("NATO keeps expanding.\nRussia is ready for talks.\nAll sides hope for peace.\n", encoding="utf-8")
    out = tmp_path / "o.tsv"
    r = CliRunner().invoke(app, ["align", str(zh), str(en), "--presplit", "--no-cache", "--window-slack", "inf",
                                 "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert "|slack:inf|" in out.read_text(encoding="utf-8").splitlines()[0]


# --- the first look kept between runs (windows.first_look_memo) ----------------------------------------------------

class Kept:
    """A ``FirstLook`` over a dict, counting the computations."""

    def __init__(self):
        self.store, self.computed = {}, 0

    def __call__(self, key, compute):
        if key not in self.store:
            self.computed += 1
            self.store[key] = compute()
        return self.store[key]


def test_a_kept_first_look_gives_the_same_beads_and_is_computed_once():
    S, T = translation(4)
    SW, TW = real_windows(S, 5), real_windows(T, 6)
    plain, _, _ = align_needed(S, T, Fetcher(SW, TW), slack=AlignConfig().window_slack)
    kept = Kept()
    for _ in range(2):
        beads, _, _ = align_needed(S, T, Fetcher(SW, TW), slack=AlignConfig().window_slack, first_look=kept)
        assert beads == plain
    assert kept.computed == 1


@pytest.mark.parametrize("change", ["a vector", "slack", "config", "a length", "headings given"])
def test_the_first_look_key_names_every_input(change):
    from aligner.windows import look_key

    S, T = translation(7)
    kw = {"src_lens": np.arange(len(S), dtype=float), "tgt_lens": None}
    base = look_key(S, T, 0.3, AlignConfig(), kw)
    S2, kw2, slack, cfg = S.copy(), dict(kw), 0.3, AlignConfig()
    if change == "a vector":
        S2[3, 0] += 1e-6
    elif change == "slack":
        slack = 0.31
    elif change == "config":
        cfg = AlignConfig(merge_cost=0.26)
    elif change == "a length":
        kw2["src_lens"] = kw["src_lens"].copy()
        kw2["src_lens"][0] += 1
    else:
        kw2["tgt_heads"] = np.zeros(len(T), bool)
    assert look_key(S2, T, slack, cfg, kw2) != base
    assert look_key(S.copy(), T.copy(), 0.3, AlignConfig(), dict(kw)) == base  # the same inputs: the same key


def test_first_look_memo_keeps_the_masks_in_the_cache_dir(tmp_path):
    from aligner.windows import first_look_memo

    rng = np.random.default_rng(0)
    masks = (rng.random((5, 37)) < 0.3, rng.random((5, 41)) < 0.3)
    calls = []

    def compute():
        calls.append(1)
        return masks

    assert first_look_memo(None) is None  # no cache: nothing kept
    for _ in range(2):  # a new memo each time: the second run reads the first one's row from disk
        got = first_look_memo(tmp_path)("k", compute)
        for g, m in zip(got, masks):
            np.testing.assert_array_equal(g, m)
            assert g.dtype == bool
    assert len(calls) == 1


@pytest.mark.parametrize("garbled", [
    '[["not base64!", [5, 3]], 7]',
    # red team, stop 33: rows np.unpackbits would have read, padding a short one with zeros (15 bits take 2
    # bytes, 20 take 3: "AAA=" is 2 bytes, "AAAA" 3), here with the shapes swapped, or empty. A well-formed row of
    # zeros is caught by align_needed (row 0 must be all True: test_masks_of_the_wrong_shape...)
    '[["AAAA", [5, 3]], ["AAA=", [5, 4]]]',
    '[["", [5, 3]], ["", [5, 4]]]',
])
def test_first_look_memo_computes_again_over_a_garbled_row(tmp_path, garbled):
    import sqlite3

    from aligner.windows import first_look_memo

    masks = (np.ones((5, 3), bool), np.zeros((5, 4), bool))
    first_look_memo(tmp_path)("k", lambda: masks)
    db = sqlite3.connect(tmp_path / "analysis.sqlite")
    with db:
        db.execute("UPDATE memo SET v = ?", (garbled,))
    db.close()
    got = first_look_memo(tmp_path)("k", lambda: masks)
    np.testing.assert_array_equal(got[0], masks[0])
    np.testing.assert_array_equal(got[1], masks[1])


def test_masks_of_the_wrong_shape_from_a_first_look_are_computed_again():
    """A ``FirstLook`` that hands back another document's masks (or a row 0 not all True) is not trusted."""
    S, T = translation(5)
    SW, TW = real_windows(S, 6), real_windows(T, 7)
    plain, _, _ = align_needed(S, T, Fetcher(SW, TW), slack=AlignConfig().window_slack)
    for bad in ((np.ones((K, len(S) + 1), bool), np.ones((K, len(T)), bool)),
                (np.zeros((K, len(S)), bool), np.zeros((K, len(T)), bool))):
        beads, _, _ = align_needed(S, T, Fetcher(SW, TW), slack=AlignConfig().window_slack,
                                   first_look=lambda key, compute, bad=bad: bad)
        assert beads == plain
