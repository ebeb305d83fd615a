"""The MAC-Test scorer in bench/mactest.py: hand-worked cases and the published Bertalign row.

No models; the MAC-Test check skips when the data is absent.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


M = _load("bench_mactest", BENCH / "mactest.py")
common = _load("bench_peers_common", BENCH / "peers" / "common.py")


def mactest_root() -> Path:
    env = os.environ.get("ALIGNER_MACTEST")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "mac-test"


def approx(x):
    return pytest.approx(x, abs=1e-9)


# --------------------------------------------------------------------------
# hand-made cases
# --------------------------------------------------------------------------
GOLD = [((0,), (0,)), ((1,), (1, 2)), ((2,), ()), ((3, 4), (3,))]


def test_perfect_prediction():
    # Every bead equals a gold bead. Precision counts all 4 predicted beads (the
    # 1-0 included: it equals the gold 1-0); recall counts the 3 gold beads that
    # are not 1-0/0-1. P = 4/4, R = 3/3, F1 = 1 (strict and lax).
    s = M.score(GOLD, GOLD)
    assert s == {k: approx(1.0) for k in s}


def test_split_bead_strict_miss_lax_hit():
    # Prediction splits gold 1-2 [1]:[1,2] into [1]:[1] + []:[2].
    pred = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ()), ((3, 4), (3,))]
    # Precision over 5 predicted beads:
    #   strict hits: [0]:[0], [2]:[], [3,4]:[3]                       -> 3/5 = 0.6
    #   lax: [1]:[1] shares src 1 and tgt 1 with gold [1]:[1,2] -> hit;
    #        []:[2] has no source, never laxly matches               -> 4/5 = 0.8
    # Recall over gold without nulls (3 beads) vs pred without nulls:
    #   strict: [0]:[0], [3,4]:[3] found; [1]:[1,2] not              -> 2/3
    #   lax: [1]:[1,2] shares src 1 / tgt 1 with pred [1]:[1]         -> 3/3
    # strict F1 = 2*0.6*(2/3)/(0.6+2/3) = 0.8/1.2667 = 0.631578...
    # lax F1 = 2*0.8*1/(1.8) = 0.888...
    s = M.score(GOLD, pred)
    assert s["precision_strict"] == approx(0.6)
    assert s["precision_lax"] == approx(0.8)
    assert s["recall_strict"] == approx(2 / 3)
    assert s["recall_lax"] == approx(1.0)
    assert s["f1_strict"] == approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))
    assert s["f1_lax"] == approx(2 * 0.8 / 1.8)


def test_null_beads_in_precision_only():
    # Gold: [0]:[0], [1]:[1]. Prediction: [0]:[0], [1]:[], []:[1].
    gold = [((0,), (0,)), ((1,), (1,))]
    pred = [((0,), (0,)), ((1,), ()), ((), (1,))]
    # Bertalign's eval.py (default): precision over all 3 predicted beads,
    #   only [0]:[0] matches (strict and lax)   -> P = 1/3
    # recall over the 2 gold beads vs predicted non-null beads {[0]:[0]} -> R = 1/2
    # F1 = 2*(1/3)*(1/2)/(5/6) = 0.4
    s = M.score(gold, pred)
    assert (s["precision_strict"], s["recall_strict"], s["f1_strict"]) == (approx(1 / 3), approx(0.5), approx(0.4))
    # null_in_precision=False drops the 1-0/0-1 predicted beads: P = 1/1, R = 1/2, F1 = 2/3
    s = M.score(gold, pred, null_in_precision=False)
    assert (s["precision_strict"], s["recall_strict"], s["f1_strict"]) == (approx(1.0), approx(0.5), approx(2 / 3))


def test_lax_needs_both_sides_to_overlap():
    # Gold [0]:[0], [1]:[1]; predicted [0,1]:[0] and a 0-1 for target 1.
    gold = [((0,), (0,)), ((1,), (1,))]
    pred = [((0, 1), (0,)), ((), (1,))]
    # Precision (2 predicted beads): [0,1]:[0] is not gold (strict miss) but
    # source 0 is gold-linked to target 0 -> lax hit; []:[1] misses both.
    #   P strict 0/2 = 0, P lax 1/2
    # Recall (2 gold beads vs pred non-null {[0,1]:[0]}):
    #   gold [0]:[0]: src 0 is pred-linked to tgt 0 -> lax hit
    #   gold [1]:[1]: src 1 is pred-linked to tgt 0 only -> lax miss
    #   R strict 0, R lax 1/2; F1 strict 0 (div-by-0 value), F1 lax 1/2
    s = M.score(gold, pred)
    assert s["precision_strict"] == approx(0.0) and s["recall_strict"] == approx(0.0)
    assert s["f1_strict"] == approx(0.0)
    assert s["precision_lax"] == approx(0.5) and s["recall_lax"] == approx(0.5)
    assert s["f1_lax"] == approx(0.5)


def test_micro_vs_macro_average():
    # Text A: 1 gold bead, predicted right (P = R = 1).
    # Text B: 3 gold beads 1-1, prediction merges the last two into one 2-2:
    #   precision 1/2 (one of two predicted beads), recall 1/3.
    a_gold = [((0,), (0,))]
    b_gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    b_pred = [((0,), (0,)), ((1, 2), (1, 2))]
    # micro: P = (1+1)/(1+2) = 2/3, R = (1+1)/(1+3) = 1/2, F1 = 2*(2/3)(1/2)/(7/6) = 4/7
    s = M.score_many([a_gold, b_gold], [a_gold, b_pred])
    assert s["precision_strict"] == approx(2 / 3)
    assert s["recall_strict"] == approx(0.5)
    assert s["f1_strict"] == approx(4 / 7)
    # macro: P = (1 + 1/2)/2 = 3/4, R = (1 + 1/3)/2 = 2/3, F1 = 2*(3/4)(2/3)/(17/12) = 12/17
    s = M.score_many([a_gold, b_gold], [a_gold, b_pred], average="macro")
    assert s["precision_strict"] == approx(0.75)
    assert s["recall_strict"] == approx(2 / 3)
    assert s["f1_strict"] == approx(12 / 17)


def test_duplicates_and_empty_beads_ignored():
    # Beads are sets: a duplicated predicted bead counts once; ([], []) is dropped.
    gold = [((0,), (0,))]
    pred = [((0,), (0,)), ((0,), (0,)), ((), ())]
    assert M.row(M.score(gold, pred)) == (approx(1.0), approx(1.0), approx(1.0), approx(1.0))


def test_empty_prediction_scores_zero():
    assert M.row(M.score([((0,), (0,))], [])) == (0.0, 0.0, 0.0, 0.0)


def test_parse_and_format_roundtrip():
    assert M.parse_align_line("[3]:[4, 5]") == ((3,), (4, 5))
    assert M.parse_align_line("[]:[7]") == ((), (7,))
    assert M.parse_align_line("  ") is None
    beads = [((0, 1), (0,)), ((2,), ()), ((), (1,))]
    lines = M.format_align(beads).splitlines()
    assert [M.parse_align_line(x) for x in lines] == beads


def test_pairs_to_beads_orders_nulls():
    # links 0-0, 1-1, 1-2, 3-3; source 2 and target 4 unlinked
    beads = common.pairs_to_beads([(0, 0), (1, 1), (1, 2), (3, 3)], 4, 5)
    assert beads == [((0,), (0,)), ((1,), (1, 2)), ((2,), ()), ((3,), (3,)), ((), (4,))]
    M.check_partition(beads, 4, 5)


def test_front_padded_layout():
    import numpy as np

    v = np.arange(2 * 3 * 1, dtype=np.float32).reshape(2, 3, 1) + 1  # ours: row1 = windows starting at 0, 1
    out = common.to_front_padded(v)
    assert out[0, :, 0].tolist() == [1, 2, 3]
    assert out[1, :, 0].tolist() == [0, 4, 5]  # pad, window 0..1 ends at 1, window 1..2 ends at 2


# --------------------------------------------------------------------------
# the published table, recomputed from the stored peer outputs
# --------------------------------------------------------------------------
def _need_mactest() -> Path:
    root = mactest_root()
    if not (root / "gold").is_dir() or not (root / "peers").is_dir():
        pytest.skip(f"MAC-Test not found at {root} (set ALIGNER_MACTEST to its directory)")
    return root


def test_reproduces_published_bertalign_row():
    root = _need_mactest()
    texts = M.load(root)
    assert len(texts) == 24
    preds = M.load_peer("bertalign", [t.id for t in texts], root)
    s = M.score_many([t.gold for t in texts], [preds[t.id] for t in texts])
    assert tuple(round(x, 3) for x in M.row(s)) == (0.910, 0.920, 0.915, 0.997)


def test_reproduces_whole_published_table():
    root = _need_mactest()
    texts = M.load(root)
    golds = [t.gold for t in texts]
    for system, published in M.PUBLISHED_TABLE.items():
        preds = M.load_peer(system, [t.id for t in texts], root)
        got = M.row(M.score_many(golds, [preds[t.id] for t in texts]))
        assert tuple(round(x, 3) for x in got) == published, system


planted = _load("bench_planted", BENCH / "planted.py")


@pytest.mark.parametrize("text,sep,kept,dropped", [
    # seed 000, en 2: the last clause goes, the sentence keeps its full stop
    ("**Alexey Gromyko:**Personally, for me, that was not a shock, that was not a surprise.", ", ",
     "**Alexey Gromyko:**Personally, for me, that was not a shock.", "that was not a surprise."),
    # a middle clause goes; the end is untouched
    ("He said, in a long and winding speech, that it was fine, really.", ", ",
     "He said, that it was fine, really.", "in a long and winding speech"),
    # Chinese clauses (bench/clause_calibrate.py on MAC-Test's Chinese side)
    ("他说，这是一个很长很长的句子，没有问题。", "，", "他说，没有问题。", "这是一个很长很长的句子"),
    ("他说，这个问题我们以后再慢慢讨论吧！", "，", None, None),  # two clauses: nothing to drop
    # the first clause never goes, and the longest other one ('c.') is under 25% of the sentence
    ("Alpha beta gamma delta epsilon, b, c.", ", ", None, None),
])
def test_drop_longest_clause(text, sep, kept, dropped):
    got = planted.drop_longest_clause(text, sep)
    assert got == (None if kept is None else (kept, dropped))
