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
    assert json.loads(p.read_text(encoding="utf-8"))["aligner_review"] == 1
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
    '{"aligner_review": 2, "entries": []}',
    '{"aligner_review": 1, "entries": {}}',
    '{"aligner_review": 1, "entries": [{"key": "xyz", "code": "omission"}]}',
    '{"aligner_review": 1, "entries": [{"key": "0123456789abcdef"}]}',
])
def test_malformed(text):
    with pytest.raises(InputError):
        parse_review(text)


def test_extra_fields_ignored():
    r = parse_review('{"aligner_review": 1, "saved_by": "browser", "entries": '
                     '[{"key": "0123456789ABCDEF", "code": "partial", "extra": 1}]}')
    assert r.entries == (ReviewEntry("0123456789abcdef", "partial", "accepted", ""),)
    assert parse_review(dump_review(r)) == r
