"""The TSV contract (issue 2) and the ladder format, on a hand-made alignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.data import Alignment, Bead, Flag, Sentence, Severity, Side
from aligner.errors import InputError
from aligner.report.tsv import COLUMNS, read_tsv, to_ladder, to_tsv

GOLDEN = Path(__file__).parent / "data" / "tsv"


def make_alignment() -> Alignment:
    src = Side("zh", "a.txt", (
        Sentence(0, "第一句。", 0, 1),
        Sentence(1, "第二句,有\t製表符。", 0, 1),
        Sentence(2, "圖源:北京對話", 1, 3),
        Sentence(3, "第四句\n換行。", 2, 5),
    ))
    tgt = Side("en", "b.txt", (
        Sentence(0, "First sentence.", 0, 1),
        Sentence(1, "Second, with a tab.", 0, 1),
        Sentence(2, "Fourth \\ backslash.", 1, 3),
        Sentence(3, "An added line.", 1, 4),
    ))
    beads = (
        Bead((0, 1), (0, 1), 0.81234, (), 0.04123, 0.5),
        Bead((2,), (), None, (Flag("omission", Severity.INFO, "caption (圖源): no English expected"),)),
        Bead((3,), (2,), 0.5, (Flag("number_mismatch", Severity.ERROR, "English has 4; Chinese 四 | x"),
                               Flag("low_similarity", Severity.WARNING, "similarity 0.500 below 0.55"))),
        Bead((), (3,), None, (Flag("addition", Severity.ERROR, "no Chinese counterpart"),)),
    )
    return Alignment(src, tgt, beads, "aligner:test|model:none")


def test_tsv_matches_golden():
    assert to_tsv(make_alignment()) == (GOLDEN / "small.tsv").read_text(encoding="utf-8")


def test_tsv_contract():
    lines = to_tsv(make_alignment()).split("\n")
    assert lines[0].startswith("# aligner:")  # the signature line
    assert tuple(lines[1].split("\t")) == COLUMNS
    assert COLUMNS[:6] == ("src_ids", "tgt_ids", "src", "tgt", "score", "flags")
    rows = [ln.split("\t") for ln in lines[2:] if ln]
    assert all(len(r) == len(COLUMNS) for r in rows)
    assert rows[0][:5] == ["0,1", "0,1", "第一句。 第二句,有\\t製表符。", "First sentence. Second, with a tab.",
                           "0.812"]
    assert rows[1][1] == "" and rows[1][4] == "" and rows[1][5] == "omission"
    assert rows[2][5] == "number_mismatch,low_similarity" and rows[2][6] == "error,warning"
    assert rows[3][0] == "" and rows[3][5] == "addition"
    assert "\\n" in rows[2][2]


def test_tsv_round_trip(tmp_path):
    al = make_alignment()
    p = tmp_path / "a.tsv"
    p.write_text(to_tsv(al), encoding="utf-8")
    back = read_tsv(p)
    assert [(b.src_ids, b.tgt_ids) for b in back.beads] == [(b.src_ids, b.tgt_ids) for b in al.beads]
    assert [b.score for b in back.beads] == [None if b.score is None else round(b.score, 3) for b in al.beads]
    assert [[(f.code, f.severity) for f in b.flags] for b in back.beads] == \
        [[(f.code, f.severity) for f in b.flags] for b in al.beads]
    assert back.signature == al.signature
    assert back.src.sentences[3].text == "第四句\n換行。"
    assert to_tsv(back).split("\n")[2:] == to_tsv(al).split("\n")[2:]
    assert [(b.p_omission, b.p_addition) for b in back.beads] == [(0.041, 0.5), (None, None), (None, None),
                                                                    (None, None)]


def test_tsv_of_eight_columns_is_still_read(tmp_path):
    """A TSV written before the p_omission / p_addition columns (aligner 0.1.0 of stop 13) reads as before."""
    p = tmp_path / "old.tsv"
    old = "\n".join("\t".join(row.split("\t")[:8]) for row in to_tsv(make_alignment()).split("\n"))
    p.write_text(old, encoding="utf-8")
    back = read_tsv(p)
    assert [b.score for b in back.beads] == [0.812, None, 0.5, None]
    assert all(b.p_omission is None and b.p_addition is None for b in back.beads)


def test_tsv_of_ten_columns_is_still_read(tmp_path):
    """A TSV written before the spans column (issue 16) reads as before; the spans cell holds each flag's evidence."""
    import json

    p = tmp_path / "old.tsv"
    rows = to_tsv(make_alignment()).split("\n")
    old = "\n".join("\t".join(row.split("\t")[:10]) for row in rows)
    p.write_text(old, encoding="utf-8")
    back = read_tsv(p)
    assert [b.score for b in back.beads] == [0.812, None, 0.5, None]
    cut = lambda text: ["\t".join(r.split("\t")[:11]) for r in text.split("\n")[2:]]  # noqa: E731
    assert cut(to_tsv(back)) == cut(to_tsv(make_alignment()))  # spans computed again (cuts: see below)
    assert back.src.sentences[0].text == "第一句。 第二句,有\t製表符。" and back.src.sentences[1].text == ""
    spans = json.loads(rows[4].split("\t")[10])  # row of bead 2: number_mismatch, low_similarity
    # "English has 4; Chinese 四": the English text has no 4 (nothing marked), the Chinese has 四 (第四句, offset 1);
    # low_similarity is about the whole pair (no span)
    assert spans == [[["src", 1, 2]], []]


def test_cuts_give_each_sentence_its_text_back(tmp_path):
    """Issue 16: a page made from the TSV can split a many-sentence pair only if its sentences come back."""
    p = tmp_path / "a.tsv"
    p.write_text(to_tsv(make_alignment()), encoding="utf-8")
    back = read_tsv(p)
    assert [s.text for s in back.src.sentences[:2]] == ["第一句。", "第二句,有\t製表符。"]
    assert [s.text for s in back.tgt.sentences[:2]] == ["First sentence.", "Second, with a tab."]


@pytest.mark.parametrize("cell", ['[[5]]', '[[5,3],[16]]', '[[5],[16,20]]', '"x"', '[[true],[16]]', '{'])
def test_bad_cuts_cell(tmp_path, cell):
    rows = to_tsv(make_alignment()).split("\n")
    cells = rows[2].split("\t")
    cells[11] = cell
    rows[2] = "\t".join(cells)
    p = tmp_path / "bad.tsv"
    p.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(InputError, match="bad 'cuts' cell"):
        read_tsv(p)


def test_ladder():
    assert to_ladder(make_alignment()) == "[0, 1]:[0, 1]:0.812\n[2]:[]:0.000\n[3]:[2]:0.500\n[]:[3]:0.000\n"


@pytest.mark.parametrize("content,msg", [
    ("hello\tworld\n", "header"),
    ("src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\nx\t0\ta\tb\t\t\n", "bad sentence ids"),
    ("src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\n0\t0\n", "columns"),
    # red team (stop 22): a bad probability cell was reported as a bad score
    ("src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\tseverity\treason\tp_omission\tp_addition\n"
     "0\t0\ta\tb\t0.9\t\t\t\t-3\t\n", "p_omission '-3' is not a number"),
    ("src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\tseverity\treason\tp_omission\tp_addition\n"
     "0\t0\ta\tb\tx\t\t\t\t\t\n", "score 'x' is not a number"),
    # red team (stop 22): rows swapped by hand gave an out-of-order TMX and an invalid ladder, exit 0
    ("src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\n1\t0\tb\tB\t\t\n0\t\ta\t\t\t\n",
     "source sentence 0 comes after sentence 1"),
    # ... and cuts that do not fall after a joining space gave a sentence the wrong or no text
    ("src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\tseverity\treason\tp_omission\tp_addition\tspans\tcuts\n"
     "0,1\t0\t甲。 乙。\tA.\t\t\t\t\t\t\t\t[[5000],[]]\n", "do not fall after the spaces"),
    ("src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\tseverity\treason\tp_omission\tp_addition\tspans\tcuts\n"
     "0,1\t0\t甲。 乙。\tA.\t\t\t\t\t\t\t\t[[1],[]]\n", "do not fall after the spaces"),
])
def test_read_tsv_rejects_malformed(tmp_path, content, msg):
    p = tmp_path / "bad.tsv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=msg):
        read_tsv(p)
