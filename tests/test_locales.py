"""``aligner.locales``: zh-Hans / zh-Hant from the text, en; the tag check of ``--src-locale``."""

from __future__ import annotations

import pytest

from aligner.data import Sentence, Side
from aligner.locales import LOCALE_RE, script_counts, side_locale, zh_locale


@pytest.mark.parametrize("texts,want", [
    (["他说：我们需要和平。"], "zh-Hans"),        # 说 们: Simplified-only characters (OpenCC s2t changes them)
    (["他說：我們需要和平。"], "zh-Hant"),        # 說 們: Traditional-only (OpenCC t2s changes them)
    (["中日大人山水"], "zh-Hans"),               # no script-specific character: the default
    ([], "zh-Hans"),
    (["这是简体。", "這是繁體中文的一段話，說了很多。"], "zh-Hant"),  # 4 Traditional-only (這體話說) vs 3 (这简体)
])
def test_zh_locale(texts, want):
    assert zh_locale(texts) == want


def test_script_counts_reads_only_the_sample():
    # 10 Simplified-only characters, then 20 Traditional-only: the first 10 decide at limit 10
    texts = ["说" * 10, "說" * 20]
    assert script_counts(texts, limit=10) == (0, 10)
    assert script_counts(texts, limit=100) == (20, 10)


def test_side_locale_en_and_seeds(seed):
    assert side_locale(Side("en", "x", (Sentence(0, "Hello.", 0, 1),))) == "en"
    # seeds/README.md: 000 is Traditional, 001 Simplified
    for key, want in (("000", "zh-Hant"), ("001", "zh-Hans")):
        lines = seed(key).read_text(encoding="utf-8").splitlines()
        assert zh_locale(lines) == want


@pytest.mark.parametrize("tag,ok", [
    ("zh-Hans", True), ("zh-Hant", True), ("zh-TW", True), ("en", True), ("en-GB", True), ("x-klingon", True),
    ("", False), ("zh TW", False), ("zh_TW", False), ("zh-", False), ("-en", False), ("zh-Hant-toolongsubtag", False),
])
def test_locale_tag_syntax(tag, ok):
    """BCP 47's shape as xsd:language has it: 1-8 letters, then -subtags of 1-8 letters/digits."""
    assert bool(LOCALE_RE.match(tag)) is ok
