"""Clause leave-outs (aligner/clauses.py) and the clause check of ``partial``, on a hand-made embedding."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.clauses import LeaveOut, leave_out, split_clauses
from aligner.data import Bead, Sentence, Severity, Side
from aligner.qa import Lexicon, clause_margins, score
from aligner.qa_config import QAConfig

#: Concepts of the toy embedding: each Chinese word and its English rendering share one dimension.
CONCEPTS = {"北约": 0, "NATO": 0, "扩张": 1, "expansion": 1, "俄罗斯": 2, "Russia": 2, "谈判": 3, "talks": 3,
            "和平": 4, "peace": 4, "协议": 5, "agreement": 5, "欧洲": 6, "Europe": 6}
DIM = 8  # concepts 0-6, and dimension 7 for any text (no zero vectors)


def toy_embed(texts, lang):
    """(len(texts), DIM) float32, L2-normalised: concept counts (Chinese by substring, English by word) + 1 on dim 7."""
    out = np.zeros((len(texts), DIM), np.float32)
    for r, t in enumerate(texts):
        out[r, 7] = 1.0
        for word, c in CONCEPTS.items():
            if word.isascii():
                out[r, c] += len(re.findall(rf"\b{word}\b", t))
            else:
                out[r, c] += t.count(word)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.mark.parametrize("text, lang, expect", [
    # source of each expected value: the splitting rule in split_clauses' docstring
    ("北约继续扩张，俄罗斯愿意谈判。", "zh", ["北约继续扩张，", "俄罗斯愿意谈判。"]),
    ("北约继续扩张,俄罗斯愿意谈判。", "zh", ["北约继续扩张,", "俄罗斯愿意谈判。"]),  # ASCII comma (seed 000's text)
    ("因此，北约继续扩张；俄罗斯愿意谈判：和平。", "zh", ["因此，北约继续扩张；", "俄罗斯愿意谈判：和平。"]),  # short pieces join
    ("损失达3,000亿美元，各方开始谈判。", "zh", ["损失达3,000亿美元，", "各方开始谈判。"]),  # a digit group is not a break
    ("NATO expansion goes on, and Russia is ready for talks.", "en",
     ["NATO expansion goes on,", "and Russia is ready for talks."]),
    ("However, NATO keeps expanding; Russia waits.", "en", ["However, NATO keeps expanding;", "Russia waits."]),
    ("No break here at all.", "en", ["No break here at all."]),
])
def test_split_clauses(text, lang, expect):
    assert split_clauses(text, lang) == expect


def test_leave_out_names_the_clause_the_other_side_lacks():
    """Whole: concepts {0,1,2,3,4} + dim 7 vs English {0,1,2,3} + dim 7: cos = 5 / (sqrt 6 x sqrt 5) = 0.913;
    without the peace clause both are {0,1,2,3,7}: cos 1.0, so the gain is 0.087."""
    zh = "北约继续扩张，俄罗斯愿意谈判，各方都盼望和平。"
    en = "NATO expansion goes on, and Russia is ready for talks."
    [got] = leave_out([(zh, "zh", en, "en")], toy_embed)
    assert got.left_out == "各方都盼望和平。"
    assert got.whole == pytest.approx(5 / (6 ** 0.5 * 5 ** 0.5), abs=1e-5)
    assert got.rest == pytest.approx(1.0, abs=1e-5)
    assert got.gain == pytest.approx(got.rest - got.whole)


def test_leave_out_of_a_complete_translation_lowers_the_match():
    zh = "北约继续扩张，俄罗斯愿意谈判，各方都盼望和平。"
    en = "NATO expansion goes on, Russia is ready for talks, and all sides hope for peace."
    [got] = leave_out([(zh, "zh", en, "en")], toy_embed)
    assert got.gain < 0


def test_leave_out_needs_two_clauses_and_a_big_enough_share():
    items = [("北约继续扩张。", "zh", "NATO expands.", "en"),
             ("北约继续扩张，俄罗斯愿意谈判。", "zh", "", "en"),  # nothing on the other side
             ("北约继续扩张和继续扩张和继续扩张和继续扩张，各方和平。", "zh", "NATO expands.", "en")]
    got = leave_out(items, toy_embed, min_share=0.3)
    assert got[0] is None and got[1] is None
    # the short last clause (5 of 27 characters) is below min_share; the long one can go
    assert got[2] is not None and got[2].left_out.startswith("北约")


def test_leave_out_embeds_once_per_language():
    calls = []

    def counting(texts, lang):
        calls.append(lang)
        return toy_embed(texts, lang)

    leave_out([("北约继续扩张，俄罗斯愿意谈判。", "zh", "NATO expands.", "en")] * 3, counting)
    assert sorted(calls) == ["en", "zh"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["北约继续扩张", "俄罗斯愿意谈判", "各方都盼望和平", "欧洲没有协议"]), min_size=1, max_size=5),
       st.lists(st.sampled_from(["NATO", "expansion", "Russia", "talks", "peace", "the", "Europe"]), min_size=1, max_size=8))
def test_leave_out_invariants(zh_parts, en_words):
    """gain = rest - whole; the left-out text is one or two adjacent clauses of the side; None below two clauses."""
    zh = "，".join(zh_parts) + "。"
    en = " ".join(en_words) + "."
    [got] = leave_out([(zh, "zh", en, "en")], toy_embed, min_share=0.0)
    clauses = split_clauses(zh, "zh")
    if len(clauses) < 2:
        assert got is None
        return
    assert isinstance(got, LeaveOut)
    assert got.gain == pytest.approx(got.rest - got.whole, abs=1e-6)
    runs = {"".join(clauses[i:i + n]) for n in (1, 2) for i in range(len(clauses) - n + 1) if n < len(clauses)}
    assert got.left_out in runs
    assert 0 < got.share < 1


# --- the clause check inside score() ------------------------------------------------------------
FILLER_ZH = [f"北约和俄罗斯第{i}次谈判，欧洲参加。" for i in range(12)]
FILLER_EN = [f"NATO and Russia held talks for the {i}th time, with Europe." for i in range(12)]


def _doc(last_zh: str, last_en: str):
    src = Side("zh", "<zh>", tuple(Sentence(i, t, i, i + 1) for i, t in enumerate(FILLER_ZH + [last_zh])))
    tgt = Side("en", "<en>", tuple(Sentence(i, t, i, i + 1) for i, t in enumerate(FILLER_EN + [last_en])))
    beads = [Bead((i,), (i,), 0.8) for i in range(13)]
    return src, tgt, beads


#: Thresholds for the toy embedding (the defaults are calibrated on USE-m3 by bench/clause_calibrate.py).
TOY = QAConfig(clause_warning=(0.15, 0.15), clause_info=(0.05, 0.05))


def test_score_flags_the_dropped_clause_and_names_it():
    src, tgt, beads = _doc("北约继续扩张，俄罗斯愿意谈判，各方都盼望达成和平协议。", "NATO expansion goes on, and Russia is ready for talks.")
    out = score(src, tgt, beads, lexicon=Lexicon([]), embed=toy_embed, config=TOY.with_(checks=("partial",)))
    flags = [f for f in out[12].flags if f.code == "partial"]
    assert len(flags) == 1
    assert "各方都盼望达成和平协议" in flags[0].reason and "no English counterpart" in flags[0].reason
    assert flags[0].severity in (Severity.WARNING, Severity.INFO)
    assert not any(f.code == "partial" for b in out[:12] for f in b.flags)


def test_score_leaves_a_complete_translation_alone():
    src, tgt, beads = _doc("北约继续扩张，俄罗斯愿意谈判，各方都盼望达成和平协议。",
                           "NATO expansion goes on, Russia is ready for talks, and all hope for a peace agreement.")
    out = score(src, tgt, beads, lexicon=Lexicon([]), embed=toy_embed, config=TOY.with_(checks=("partial",)))
    assert not any(f.code == "partial" for b in out for f in b.flags)


@pytest.mark.parametrize("how", ["no embed", "clause_check off"])
def test_clause_check_skipped(how):
    src, tgt, beads = _doc("北约继续扩张，俄罗斯愿意谈判，各方都盼望达成和平协议。", "NATO expansion goes on, and Russia is ready for talks.")
    cfg = TOY.with_(checks=("partial",))
    if how == "no embed":
        out = score(src, tgt, beads, lexicon=Lexicon([]), config=cfg)
    else:
        out = score(src, tgt, beads, lexicon=Lexicon([]), embed=toy_embed, config=cfg.with_(clause_check=False))
    assert not any(f.code == "partial" for b in out for f in b.flags)


def test_added_english_clause_is_flagged_on_the_english_side():
    src, tgt, beads = _doc("北约继续扩张，俄罗斯愿意谈判。",
                           "NATO expansion goes on, Russia is ready for talks, and Europe wants a peace agreement.")
    out = score(src, tgt, beads, lexicon=Lexicon([]), embed=toy_embed, config=TOY.with_(checks=("partial",)))
    [flag] = [f for f in out[12].flags if f.code == "partial"]
    assert "English clause" in flag.reason and "Europe wants a peace" in flag.reason


def test_leave_out_in_chunks_gives_the_same_answers(monkeypatch):
    import aligner.clauses as C

    items = [("北约继续扩张，俄罗斯愿意谈判，各方都盼望和平。", "zh", en, "en")
             for en in ("NATO expansion goes on.", "Russia is ready for talks.", "peace", "NATO and Russia")] * 3
    whole = leave_out(items, toy_embed)
    monkeypatch.setattr(C, "CHUNK", 5)
    assert leave_out(items, toy_embed) == whole


class ToyEncoder:
    """``toy_embed`` as an encoder (concepts shared by Chinese words and their English renderings)."""

    name = "toy"
    dim = DIM

    def encode(self, texts):
        return toy_embed(texts, "")


@pytest.mark.parametrize("on", [True, False])
def test_align_sides_passes_the_qa_config(on):
    """The pipeline embeds clause leave-outs with its own embedder; ``qa_config`` reaches the score stage."""
    from aligner.config import AlignConfig
    from aligner.embed import Embedder
    from aligner.pipeline import align_sides

    src, tgt, _ = _doc("北约继续扩张，俄罗斯愿意谈判，各方都盼望达成和平协议。", "NATO expansion goes on, and Russia is ready for talks.")
    emb = Embedder(ToyEncoder(), AlignConfig(cache_dir=None, t2s=False))
    al = align_sides(src, tgt, embedder=emb, lexicon=Lexicon([]),
                     qa_config=TOY.with_(checks=("partial",), clause_check=on))
    last = [b for b in al.beads if 12 in b.src_ids]
    assert bool([f for b in last for f in b.flags if "各方都盼望" in f.reason]) == on


@pytest.mark.parametrize("last_en,warned", [
    ("NATO expansion goes on, and Russia is ready for talks.", True),  # the peace-agreement clause dropped
    ("NATO expansion goes on, Russia is ready for talks, and all hope for a peace agreement.", False),
])
def test_clause_margins_is_what_score_thresholds(last_en, warned):
    """``clause_margins`` (bench/planted.py --clause-oracle) > 0 exactly where score() warns."""
    src, tgt, beads = _doc("北约继续扩张，俄罗斯愿意谈判，各方都盼望达成和平协议。", last_en)
    cfg = TOY.with_(checks=("partial",), clause_info=(0.15, 0.15))
    margins = clause_margins(src, tgt, beads, toy_embed, cfg)
    assert sorted(margins) == list(range(13))
    out = score(src, tgt, beads, lexicon=Lexicon([]), embed=toy_embed, config=cfg)
    for k, m in margins.items():
        assert (m >= 0) == any(f.code == "partial" and f.severity == Severity.WARNING for f in out[k].flags)
    assert (margins[12] >= 0) == warned


@settings(max_examples=300)
@given(st.text())
def test_nchars_counts_the_characters_that_are_not_space(text):
    from aligner.clauses import _nchars

    assert _nchars(text) == sum(1 for c in text if not c.isspace())
