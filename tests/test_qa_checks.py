"""The QA checks one at a time over the shared per-document context (``aligner.qa.context``, ``score.CHECKS``)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.data import Bead, Sentence, Severity, Side
from aligner.qa import CHECKS, CODES, Lexicon, build_context, score
from aligner.qa.calibrated import calibrated_flags
from aligner.qa_config import QAConfig

#: The stand-in lexicon of tests/test_qa.py, cut down: no CC-CEDICT load.
LEX = Lexicon([{"simplified": "北约", "pinyin": "Bei3 yue1", "definitions": ["NATO (North Atlantic Treaty Organization)"]}])

#: Texts that trip several checks: numbers, Latin tokens, acronyms, a caption, a name, an open line end.
POOL = ["冻结3000亿美元。", "Freeze 30 billion dollars.", "北约东扩。", "NATO expands to the east.", "会场外景 (圖源:北京對話)",
        "Gromyko said so.", "这是正常的中文句子，内容普通。", "This is an ordinary English sentence.", "1月12日", "SALT[8] I",
        "美方拒绝了", "the talks went on and", "俄方 IMEMO 研究所", "Translated by", "同一句话。", "同一句话。"]


def _side(lang: str, texts: list[str]) -> Side:
    return Side(lang, f"<{lang}>", tuple(Sentence(i, t, i, i + 1) for i, t in enumerate(texts)))


def _doc(shapes: list[tuple[int, int]], picks: list[int], scores: list[float]):
    n, m = sum(a for a, _ in shapes), sum(b for _, b in shapes)
    src = _side("zh", [POOL[picks[i % len(picks)] % len(POOL)] for i in range(n)])
    tgt = _side("en", [POOL[(picks[i % len(picks)] + 1) % len(POOL)] for i in range(m)])
    beads, i, j = [], 0, 0
    for k, (a, b) in enumerate(shapes):
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), scores[k % len(scores)] if a and b else None))
        i, j = i + a, j + b
    return src, tgt, beads


def _vecs(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 8))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_context_is_frozen():
    src, tgt, beads = _doc([(1, 1)] * 12 + [(1, 0)], [0, 2], [0.7])
    ctx = build_context(src, tgt, beads, lexicon=LEX)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.two = ()  # type: ignore[misc]
    assert ctx.two == tuple(range(12)) and ctx.beads == tuple(beads)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)).filter(lambda t: t != (0, 0)), min_size=1, max_size=16),
       st.lists(st.integers(0, 15), min_size=1, max_size=16),
       st.lists(st.floats(0.05, 0.95), min_size=1, max_size=16),
       st.booleans())
def test_each_check_flags_only_its_codes_on_real_beads(shapes, picks, scores, with_vecs):
    """Context shapes hold, and every check returns non-empty flag lists of its own codes for existing beads."""
    src, tgt, beads = _doc(shapes, picks, scores)
    vecs = dict(src_vecs=_vecs(len(src), 1), tgt_vecs=_vecs(len(tgt), 2)) if with_vecs else {}
    ctx = build_context(src, tgt, beads, lexicon=LEX, **vecs)
    assert ctx.two == tuple(k for k, b in enumerate(beads) if b.src_ids and b.tgt_ids)
    assert ctx.scores.shape == ctx.log_ratios.shape == (len(ctx.two),)
    assert set(ctx.confident) <= set(ctx.two) and ctx.sd > 0
    assert (ctx.S is None) == (not with_vecs) and (ctx.null is not None) <= with_vecs
    found = set()
    for codes, check, _ in CHECKS:
        got = check(ctx)
        assert set(got) <= set(range(len(beads)))
        assert all(fl and {f.code for f in fl} <= codes for fl in got.values())
        found |= {f for fl in got.values() for f in fl}
    # without the calibrated model, score keeps exactly the checks' flags (the clause check is off: no ``embed``)
    off = QAConfig(calibrated_check=False)
    assert {f for b in score(src, tgt, beads, lexicon=LEX, config=off, **vecs) for f in b.flags} == found
    assert {f.code for f in found} <= set(CODES)
    # with it, each flag is a check's or the model's, and a check's flag is only replaced by a stronger model flag
    model = calibrated_flags(ctx)
    assert all({f.code for f in fl} <= {"partial", "addition"} for fl in model.flags.values())
    for k, b in enumerate(score(src, tgt, beads, lexicon=LEX, **vecs)):
        mine = set(model.flags.get(k, ()))
        assert set(b.flags) <= found | mine
        assert (b.p_omission is None) == (k not in model.p_omission)


@pytest.mark.parametrize("tgt_lines, severity", [
    # seed 004's header: a metadata key and its value, each info alone; merged by a reviewer, still info
    (["Source", "China Military Online"], Severity.INFO),
    # a body sentence in the merge: as severe as that sentence alone
    (["Source", "The ministry announced new sanctions on Tuesday evening after a long meeting."], Severity.ERROR),
])
def test_a_merge_of_unpaired_lines_is_judged_line_by_line(tgt_lines, severity):
    """Red team (stop 22): a merge of 'Source' + 'China Military Online' (0-1 + 0-1 -> 0-2) became one error
    'English line has no Chinese counterpart' and failed `check --review` --fail-on error."""
    from aligner.qa.lines import check_unaligned

    zh = ["第一句话在这里。", "第二句话在这里。", "第三句话在这里。"]
    en = ["The first sentence is here."] + tgt_lines + ["The second sentence is here.", "The third one."]
    n = len(tgt_lines)
    beads = [Bead((0,), (0,), 0.8), Bead((), tuple(range(1, 1 + n)), None), Bead((1,), (1 + n,), 0.8),
             Bead((2,), (2 + n,), 0.8)]
    ctx = build_context(_side("zh", zh), _side("en", en), beads, lexicon=LEX)
    got = check_unaligned(ctx)
    assert [f.severity for f in got[1]] == [severity] and got[1][0].code == "addition"


@pytest.mark.parametrize("lines, cut_off", [
    # seed 001's kind: a punctuated text whose last line stops mid-sentence
    (["他走了。", "雪下了一夜。", "第二天早上，他出门去买面包，可是商店已经关门了，他只好"], True),
    # red team (stop 22): subtitle cues and verse end no sentence anywhere: not "cut off"
    (["那天夜里下了很大的雪", "他一个人走回了家", "第二天早上雪停了他出门去买面包可是商店已经关门"], False),
    # nor a text that ends with a heading
    (["他走了。", "雪下了一夜。", "天亮了。", "第四章　归途"], False),
])
def test_document_cut_off_only_when_its_lines_end_sentences(lines, cut_off):
    from aligner.qa.lines import damage_flags

    flags = [f for fs in damage_flags(_side("zh", lines)).values() for f in fs]
    assert any("ends mid-sentence" in f.reason for f in flags) is cut_off
