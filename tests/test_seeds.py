"""Issue 2's bars on the two bilingual seeds, with the real default encoder (slow: ~10 s each)."""

from __future__ import annotations

import pytest

from aligner.config import AlignConfig
from aligner.pipeline import align_files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return AlignConfig(cache_dir=tmp_path_factory.mktemp("seed-cache"))


def test_004_body_paragraphs_align_within_their_english_paragraph(seed, config):
    """Seed 004 alternates zh/en paragraphs: each Chinese body paragraph's English is the next
    English paragraph in the file (the interleaving is the gold). Every sentence of every
    Chinese body paragraph must land in a bead whose English is all in that paragraph."""
    al = align_files([seed("004")], config=config)
    zh, en = al.src, al.tgt
    first_line = {p: s.line for s in reversed(zh.sentences) for p in [s.para]}
    en_line = {s.para: s.line for s in reversed(en.sentences)}

    def gold_en_para(zh_para: int) -> int:
        return min((p for p, ln in en_line.items() if ln > first_line[zh_para]), key=en_line.get)

    # Body paragraphs: the ones after the byline (黄河 邓仙来) that are not subheadings.
    body = {s.para for s in zh.sentences if s.line > 14 and len(s.text) > 12}
    checked = 0
    for b in al.beads:
        for i in b.src_ids:
            p = zh.sentences[i].para
            if p not in body:
                continue
            checked += 1
            assert b.tgt_ids, f"zh sentence {i} unaligned"
            assert {en.sentences[j].para for j in b.tgt_ids} == {gold_en_para(p)}, (i, b)
    assert checked == sum(1 for s in zh.sentences if s.para in body) >= 25


def test_000_intro_captions_credit_are_chinese_only_and_nothing_else_unaligned(seed, config):
    al = align_files([seed("000")], config=config)
    zh = al.src
    first_body = min(s.para for s in zh.sentences if s.text.startswith("**韓樺"))
    non_body = {s.id for s in zh.sentences
                if s.para < first_body or "圖源" in s.text or "採訪原文" in s.text or s.text.startswith("翻譯|")}
    aligned_zh = {i for b in al.beads if b.tgt_ids for i in b.src_ids}
    aligned_en = {j for b in al.beads if b.src_ids for j in b.tgt_ids}
    assert non_body & aligned_zh == set(), "intro, captions and credit have no English"
    assert set(range(len(zh))) - non_body - aligned_zh == set(), "every Chinese body sentence is aligned"
    assert len(al.tgt) - len(aligned_en) == 0, "every English sentence is aligned"
    for b in al.beads:
        if not b.tgt_ids and b.src_ids[0] in non_body:
            assert b.flags and b.flags[0].code == "omission" and b.flags[0].severity.value in ("info", "warning")


@pytest.mark.parametrize("doc", ["000", "004"])
def test_either_language_as_source_gives_the_same_pairs(seed, config, doc):
    """``--src-lang en`` on a bilingual seed pairs the same sentences (new-user run: 004's subheading 对话共识难觅
    went unaligned with English as the source, an omission and an addition error, because the cost of leaving
    a short line out counted the denser side's characters as English ones)."""
    zh_first = align_files([seed(doc)], config=config)
    en_first = align_files([seed(doc)], config=config, src_lang="en")
    pairs = {(tuple(b.src_ids), tuple(b.tgt_ids)) for b in zh_first.beads}
    swapped = {(tuple(b.tgt_ids), tuple(b.src_ids)) for b in en_first.beads}
    assert swapped == pairs
