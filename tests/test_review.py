"""Reviewer baseline: load/save round trip, apply to beads, the CLI gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aligner.data import Bead, Flag, Sentence, Severity, Side, bead_key
from aligner.errors import InputError, OutputError
from aligner.review import (
    Review, ReviewEntry, accept_all, apply_review, dump_review, failing, load_review, parse_review, save_review,
)

DATA = Path(__file__).parent / "data" / "qa"

SRC = Side("zh", "<zh>", (Sentence(0, "冻结3000亿美元。", 0, 1), Sentence(1, "会场外景 (圖源:北京對話)", 1, 2)))
TGT = Side("en", "<en>", (Sentence(0, "Freeze 30 billion dollars.", 0, 1),))
NUM = Flag("number_mismatch", Severity.ERROR, "Chinese has 3000亿 = 300 billion; English has 30 billion")
CAP = Flag("omission", Severity.INFO, "photo caption/credit")
BEADS = (Bead((0,), (0,), 0.7, (NUM,)), Bead((1,), (), None, (CAP,)))
KEY0 = bead_key(["冻结3000亿美元。"], ["Freeze 30 billion dollars."])


def sample(tmp_path: Path) -> Path:
    """The golden sample with the real key of bead 0 filled in."""
    text = (DATA / "review_sample.json").read_text(encoding="utf-8").replace("KEY_PLACEHOLDER", KEY0)
    p = tmp_path / "review.json"
    p.write_text(text, encoding="utf-8")
    return p


def test_load_sample(tmp_path):
    r = load_review(sample(tmp_path))
    assert r.entries[0] == ReviewEntry(KEY0, "number_mismatch", "accepted", "checked: the English rounds the figure")
    assert r.entries[1].status == "open"
    assert r.accepted() == {(KEY0, "number_mismatch")}


def test_apply_and_gate(tmp_path):
    rv = apply_review(BEADS, SRC, TGT, load_review(sample(tmp_path)))
    assert rv.beads == BEADS  # flags untouched
    assert rv.keys[0] == KEY0
    assert rv.is_accepted(0, NUM)
    assert [e.key for e in rv.stale] == ["0123456789abcdef"]
    assert failing(rv, Severity.ERROR) == []
    assert failing(rv, "info") == [(1, CAP)]


def test_gate_without_review():
    rv = apply_review(BEADS, SRC, TGT, Review())
    assert failing(rv, Severity.ERROR) == [(0, NUM)]
    assert failing(rv, Severity.WARNING) == [(0, NUM)]


def test_round_trip_and_atomic(tmp_path):
    rv = apply_review(BEADS, SRC, TGT, Review())
    r = accept_all(rv, comment="baseline 审阅")
    p = tmp_path / "out.json"
    save_review(p, r)
    assert load_review(p) == r
    assert json.loads(p.read_text(encoding="utf-8"))["aligner_review"] == 2  # version 2: entries name their flag
    assert "审阅" in p.read_text(encoding="utf-8")  # UTF-8 kept, not \u-escaped
    assert [x.name for x in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_save_into_missing_dir(tmp_path):
    with pytest.raises(OutputError):
        save_review(tmp_path / "nope" / "r.json", Review())


def test_later_entry_wins_and_with_entries():
    r = Review((ReviewEntry(KEY0, "omission", "accepted"), ReviewEntry(KEY0, "omission", "open")))
    assert r.accepted() == frozenset()
    r2 = r.with_entries([ReviewEntry(KEY0, "omission", "accepted", "ok")])
    assert len(r2.entries) == 2 and r2.accepted() == {(KEY0, "omission")}


def test_missing_ok(tmp_path):
    assert load_review(tmp_path / "none.json", missing_ok=True) == Review()
    with pytest.raises(InputError):
        load_review(tmp_path / "none.json")


@pytest.mark.parametrize("text", [
    "not json",
    "[]",
    '{"aligner_review": 3, "entries": []}',  # a version this reader does not know (2 is current since issue 16)
    '{"aligner_review": 1, "entries": {}}',
    '{"aligner_review": 1, "entries": [{"key": "xyz", "code": "omission"}]}',
    '{"aligner_review": 1, "entries": [{"key": "0123456789abcdef"}]}',
    # docs/errors.md rows W3, W4 (issue 16)
    '{"aligner_review": 2, "entries": [], "corrections": {}}',
    '{"aligner_review": 2, "entries": [], "corrections": [1]}',
    '{"aligner_review": 2, "entries": [{"key": "0123456789abcdef", "code": "partial", "flag": 7}]}',
    '{"aligner_review": 2, "entries": [{"key": "0123456789abcdef", "code": "partial", "run": [{"key": "x"}]}]}',
    # red team (stop 22): a status that is neither accepted nor open silenced nothing and was not stale either
    '{"aligner_review": 2, "entries": [{"key": "0123456789abcdef", "code": "partial", "status": "ACCEPTED"}]}',
    '{"aligner_review": 2, "entries": [null]}',
])
def test_malformed(text):
    with pytest.raises(InputError):
        parse_review(text)


def test_a_byte_order_mark_is_read_like_the_page_reads_it(tmp_path):
    # red team (stop 22): a file saved by Notepad (UTF-8 with BOM) loaded in the page, `check` refused it
    f = tmp_path / "r.json"
    f.write_bytes(b"\xef\xbb\xbf" + '{"aligner_review": 2, "entries": [{"key": "0123456789abcdef", "code": "partial"}]}'.encode())
    assert load_review(f).entries == (ReviewEntry("0123456789abcdef", "partial", "accepted", ""),)


def test_extra_fields_ignored():
    r = parse_review('{"aligner_review": 1, "saved_by": "browser", "entries": '
                     '[{"key": "0123456789ABCDEF", "code": "partial", "extra": 1}]}')
    assert r.entries == (ReviewEntry("0123456789abcdef", "partial", "accepted", ""),)
    assert parse_review(dump_review(r)) == r


# --- issue 16: a flag's identity, findings (runs), corrections ------------------------------------------

ABM = Flag("entity_mismatch", Severity.INFO, "English has ABM; not in Chinese (no CC-CEDICT rendering known)")
SALT = Flag("entity_mismatch", Severity.INFO, "English has SALT; not in Chinese (no CC-CEDICT rendering known)")
TWO = (Bead((0,), (0,), 0.7, (ABM, SALT)),)


def test_accepting_one_flag_does_not_accept_its_sibling_of_the_same_code():
    """Issue 16 bug 1 (seed 000, bead 141): ticking "English has ABM" ticked "English has SALT" too."""
    rv0 = apply_review(TWO, SRC, TGT, Review())
    r = Review((ReviewEntry(rv0.keys[0], "entity_mismatch", "accepted", "", ABM.ident),))
    rv = apply_review(TWO, SRC, TGT, r)
    assert rv.is_accepted(0, ABM) and not rv.is_accepted(0, SALT)
    assert failing(rv, "info") == [(0, SALT)]
    assert len(rv.used) == 1 and rv.stale == ()
    # a version-1 entry (no flag) still covers every flag of its code, as it always did
    v1 = parse_review('{"aligner_review": 1, "entries": [{"key": "%s", "code": "entity_mismatch"}]}' % rv0.keys[0])
    assert failing(apply_review(TWO, SRC, TGT, v1), "info") == []


@pytest.mark.parametrize("a, b, same", [
    # figures that a re-run may move are masked (cosines, shares) ...
    ("similarity 0.25 is below this document's threshold 0.40", "similarity 0.27 is below this document's "
     "threshold 0.41", True),
    ("0 of 8 content words found (usual here 60%); none for 情况", "0 of 8 content words found (usual here 58%); "
     "none for 情况", True),
    # ... what the flag is about is not (the token, the counted number)
    ("English has ABM", "English has SALT", False),
    ("Chinese has 3000亿 = 300 billion; English has 30 billion", "Chinese has 3000亿 = 300 billion; English has "
     "40 billion", False),
])
def test_flag_identity(a, b, same):
    assert (Flag("x", Severity.INFO, a).ident == Flag("x", Severity.INFO, b).ident) is same


def test_a_run_of_unpaired_lines_is_one_finding_and_one_entry(tmp_path):
    from aligner.review import findings

    src = Side("zh", "<zh>", tuple(Sentence(i, f"第{i}句。", 0, i + 1) for i in range(4)))
    tgt = Side("en", "<en>", (Sentence(0, "Sentence.", 0, 1),))
    om = Flag("omission", Severity.WARNING, "Chinese line has no English counterpart; before the first aligned")
    beads = (Bead((0,), (), None, (om,)), Bead((1,), (), None, (om,)), Bead((2,), (), None, (om, NUM)),
             Bead((3,), (0,), 0.8, ()))
    fds = findings(beads)
    assert [fd.beads for fd in fds] == [(0, 1, 2), (2,)]
    rv0 = apply_review(beads, src, tgt, Review())
    entry = fds[0].entry(rv0.keys)
    p = tmp_path / "r.json"
    save_review(p, Review((entry,)))
    loaded = load_review(p)
    assert len(loaded.entries) == 1 and len(loaded.entries[0].run) == 2
    rv = apply_review(beads, src, tgt, loaded)
    assert failing(rv, "warning") == [(2, NUM)]        # the three omissions accepted by one entry
    assert len(rv.used) == 1


def _sides(n_src: int, n_tgt: int):
    src = Side("zh", "<zh>", tuple(Sentence(i, f"第{i}句。", 0, i + 1) for i in range(n_src)))
    tgt = Side("en", "<en>", tuple(Sentence(j, f"Sentence {j}.", 0, j + 1) for j in range(n_tgt)))
    return src, tgt


def _spec(b, src, tgt, key=True):
    k = bead_key([src.sentences[i].text for i in b.src_ids], [tgt.sentences[j].text for j in b.tgt_ids])
    return {"src": list(b.src_ids), "tgt": list(b.tgt_ids), "key": k if key else None}


def test_corrections_merge_split_move_detach():
    from aligner.corrections import apply_corrections

    src, tgt = _sides(4, 4)
    beads = tuple(Bead((i,), (i,), 0.8, ()) for i in range(4))
    sp = lambda k: _spec(beads[k], src, tgt)  # noqa: E731
    merged = Bead((0, 1), (0, 1))
    ops = [
        {"op": "merge", "beads": [sp(0), sp(1)]},
        {"op": "split", "beads": [{"src": [0, 1], "tgt": [0, 1], "key": None}], "at": [1, 2]},
        {"op": "move", "beads": [sp(2), sp(3)], "side": "tgt"},
        {"op": "detach", "beads": [{"src": [3], "tgt": [2, 3], "key": None}], "side": "tgt", "which": "first"},
    ]
    out = apply_corrections(beads, src, tgt, ops)
    assert out.stale == () and out.applied == 4
    assert [(b.src_ids, b.tgt_ids) for b in out.beads] == [
        ((0,), (0, 1)), ((1,), ()), ((2,), ()), ((), (2,)), ((3,), (3,))]
    assert [(b.src_ids, b.tgt_ids) for b in apply_corrections(beads, src, tgt, ops[:1]).beads][0] == (
        merged.src_ids, merged.tgt_ids)
    assert out.beads[-1].score is None  # changed beads wait for rescore


@pytest.mark.parametrize("op, why", [
    ({"op": "merge", "beads": [{"src": [0], "tgt": [0], "key": "0123456789abcdef"},
                               {"src": [1], "tgt": [1], "key": None}]}, "not the text"),
    ({"op": "merge", "beads": [{"src": [0], "tgt": [0], "key": None}, {"src": [1], "tgt": [1], "key": None}]},
     "no 'key'"),
    ({"op": "merge", "beads": [{"src": [0], "tgt": [9], "key": None}, {"src": [1], "tgt": [1]}]}, "no pair"),
    ({"op": "explode", "beads": []}, "unknown operation"),
])
def test_stale_corrections_are_reported_not_applied(op, why):
    from aligner.corrections import apply_corrections

    src, tgt = _sides(2, 2)
    beads = tuple(Bead((i,), (i,), 0.8, ()) for i in range(2))
    out = apply_corrections(beads, src, tgt, [op])
    assert out.applied == 0 and out.beads == beads
    assert len(out.stale) == 1 and why in out.stale[0]


def test_merge_of_pairs_that_are_not_neighbours_is_stale():
    from aligner.corrections import apply_corrections

    src, tgt = _sides(3, 3)
    beads = tuple(Bead((i,), (i,), 0.8, ()) for i in range(3))
    out = apply_corrections(beads, src, tgt, [{"op": "merge", "beads": [_spec(beads[0], src, tgt),
                                                                           _spec(beads[2], src, tgt)]}])
    assert out.applied == 0 and "not neighbours" in out.stale[0]


def test_reasons_quote_the_original_script():
    """Issue 16 bug 3: "none for 情况, 常规" where the text has 情況/常規."""
    from aligner.qa.score import original_script

    orig = "在其他情況下,需要突破常規思維。"
    simp = "在其他情况下,需要突破常规思维。"
    assert original_script("none for 情况, 需要, 常规思维", simp, orig) == "none for 情況, 需要, 常規思維"
    assert original_script("Chinese has 葛罗米柯", simp, orig) == "Chinese has 葛罗米柯"  # not in the text: kept
