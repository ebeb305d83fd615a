"""Evidence spans (aligner.evidence): where in a pair's text each flag points. Cases are reasons the QA
stage wrote on seed 000 (Traditional Chinese, `aligner check` of 2026-11-29), with the pair's texts cut short."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.data import Flag, Severity
from aligner.evidence import _word_start, flag_spans


def spans(code, reason, src, tgt):
    return [(s, (src if s == "src" else tgt)[a:e]) for s, a, e in flag_spans(Flag(code, Severity.WARNING, reason),
                                                                             src, tgt)]


@pytest.mark.parametrize("code, reason, src, tgt, want", [
    # seed 000 pair 142: two entity flags of one code, each pointing at its own token
    ("entity_mismatch", "English has ABM; not in Chinese (no CC-CEDICT rendering known)", "條約。",
     "the ABM Treaty or SALT [8].", [("tgt", "ABM")]),
    ("entity_mismatch", "English has SALT; not in Chinese (no CC-CEDICT rendering known)", "條約。",
     "the ABM Treaty or SALT [8].", [("tgt", "SALT")]),
    # pair 77: a name on the Chinese side
    ("entity_mismatch", "Chinese has 莫斯科 (Moscow); not in English", "莫斯科認為", "They think", [("src", "莫斯科")]),
    # pair 142: the stray marker, not the context quoted after it
    ("damage", "stray footnote marker '[8]' after '…eaty or SALT': the note itself is not in the text", "",
     "the ABM Treaty or SALT [8].", [("tgt", "[8]")]),
    # pair 78: the clause left out
    ("partial", "Chinese clause '歐洲並未被納入談判桌,' may have no English counterpart: the bead matches better "
     "without it (0.58 -> 0.62)", "正因為如此,歐洲並未被納入談判桌,也沒有人認為", "That's why nobody expected",
     [("src", "歐洲並未被納入談判桌,")]),
    # pair 20: a quote cut short by the reason runs to the end of its clause
    ("partial", "English sentence 2 of 2 in this bead ('This is not just a factor of …') matches the other side "
     "much worse (0.06)", "不僅是", "It is so. This is not just a factor of Trump personally. More.",
     [("tgt", "This is not just a factor of Trump personally.")]),
    # pair 146: the uncovered words (in the original script), not the whole sentence
    ("partial", "Chinese sentence 1 of 2 in this bead ('在其他情況下,需要突破常規思維。') has almost no rendering in "
     "the English: 0 of 8 content words found (usual here 60%); none for 情況, 常規", "在其他情況下,需要突破常規思維。",
     "Other.", [("src", "情況"), ("src", "常規")]),
    # numbers on both sides
    ("number_mismatch", "Chinese has 1962; English has 1963", "1962年", "In 1963 he", [("src", "1962"),
                                                                                      ("tgt", "1963")]),
    # a line with no counterpart: the whole line
    ("omission", "Chinese line has no English counterpart", "編者按。", "", [("src", "編者按。")]),
    # about the pair as a whole: no span
    ("low_similarity", "similarity 0.25 is below this document's threshold 0.40", "能否", "What was", []),
    # the calibrated model's word list, English side (seed 004 pair 3; red team, stop 22: no spans before)
    ("addition", "2% likely that the English has content the Chinese leaves out; no Chinese rendering found for "
     "hosting, willing, longer-term", "这次对话能够举行",
     "By hosting the talks, both were willing to seek a longer-term deal.",
     [("tgt", "hosting"), ("tgt", "willing"), ("tgt", "longer-term")]),
])
def test_flag_spans(code, reason, src, tgt, want):
    assert spans(code, reason, src, tgt) == want


def test_offsets_are_code_points_into_the_side_text():
    src = "数字是1962年。"
    [(side, a, e)] = flag_spans(Flag("number_mismatch", Severity.ERROR, "Chinese has 1962; English has none"), src, "")
    assert (side, a, e) == ("src", 3, 7) and src[a:e] == "1962"


# --- the word search without a pattern per word -----------------------------------------------------------------
_LETTERS = list("abcABCsSkKiI _-.'’1é") + ["\u017f", "\u212a", "\u0131", "\u0130"]  # and the four that fold to ASCII


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("abcsSkKiIé._-1")), min_size=1, max_size=5)
       .filter(lambda c: re.fullmatch(r"[A-Za-z][\w.\-]*", c) is not None),
       st.text(alphabet=st.sampled_from(_LETTERS), max_size=30))
def test_word_start_finds_what_the_case_blind_pattern_finds(c, text):
    """``_word_start`` is ``re.search(r"(?<![A-Za-z])" + c, text, re.IGNORECASE)``'s end, long s and Kelvin sign too."""
    m = re.compile(rf"(?<![A-Za-z]){re.escape(c)}", re.IGNORECASE).search(text)
    assert _word_start(c, text) == (m.end() if m else None)
