"""Soft matching (``aligner.qa.softmatch``): dictionary-unmatched words the encoder pairs across a bead.

Fast tests use the real CC-CEDICT matcher with hand-made word vectors (an
``embed`` that looks words up in a table), so the threshold logic is tested
without a model; one slow test runs the real encoder on a synonym pair.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from aligner.qa.divergence import BeadPair, feature_names, features
from aligner.qa.softmatch import SoftMatch, soft_matches, unmatched


@pytest.fixture(scope="module")
def matcher():
    from aligner.qa import Lexicon

    return Lexicon().matcher


def table_embed(vectors: dict[str, list[float]], calls: list | None = None):
    """An ``embed(texts, lang)`` over a table of unit vectors; unknown words get a vector of their own."""
    dim = 8

    def embed(texts, lang):
        if calls is not None:
            calls.append((lang, list(texts)))
        out = np.zeros((len(texts), dim), np.float32)
        for i, t in enumerate(texts):
            v = np.asarray(vectors.get(t, np.eye(dim)[hash(t) % 4 + 4]), np.float32)
            out[i] = v / np.linalg.norm(v)
        return out

    return embed


# CC-CEDICT glosses 美丽 "beautiful", not "gorgeous": a rendering the dictionary does not see
ZH, EN = "这个城市很美丽。", "The city is gorgeous."


def test_dictionary_misses_are_listed_once_in_order(matcher):
    m = unmatched("城市美丽，还是美丽。", EN, matcher)
    assert m.zh_miss == ("美丽",)
    assert m.en_miss == ("gorgeous",)
    assert m.zh_soft == frozenset() and m.zh_unrendered == ("美丽",)


@pytest.mark.parametrize(
    "cos, rendered",
    [
        (0.9, True),  # a synonym the encoder knows
        (0.55, True),  # at the threshold: rendered
        (0.5, False),  # below it: still unrendered
        (0.0, False),
    ],
)
def test_a_word_counts_as_rendered_at_or_above_the_threshold(matcher, cos, rendered):
    a = [1.0, 0, 0, 0, 0, 0, 0, 0]
    b = [cos, math.sqrt(1 - cos * cos), 0, 0, 0, 0, 0, 0]
    (m,) = soft_matches([(ZH, EN)], matcher, table_embed({"美丽": a, "gorgeous": b}), 0.55)
    assert (m.zh_unrendered == ()) is rendered
    assert (m.en_unrendered == ()) is rendered


def test_without_an_encoder_nothing_is_soft_matched(matcher):
    (m,) = soft_matches([(ZH, EN)], matcher, None, 0.55)
    assert m == unmatched(ZH, EN, matcher)
    assert m.zh_unrendered == m.zh_miss


def test_each_word_is_embedded_once_per_document_and_only_where_both_sides_miss(matcher):
    calls: list = []
    pairs = [(ZH, EN), (ZH, EN), ("欧盟峰会结束了。", "The EU summit ended.")]  # the last pair misses nothing
    soft_matches(pairs, matcher, table_embed({}, calls), 0.55)
    assert calls == [("zh", ["美丽"]), ("en", ["gorgeous"])]


def test_a_word_matched_by_the_dictionary_is_not_free_to_render_another(matcher):
    # 峰会 is matched by "summit": only 美丽 is left, and the English has no unmatched word to compare it with
    (m,) = soft_matches([("峰会很美丽。", "The summit.")], matcher, table_embed({}), 0.55)
    assert m.zh_miss == ("美丽",) and m.en_miss == ()
    assert m.zh_unrendered == ("美丽",)


# seed 004 pairs 7 and 24: a reason quoted Ryabkov, Hamilton and 哈密 (jieba's cut of 哈密尔顿, "Hami") as unrendered
_RYABKOV = "俄罗斯外交部副部长里亚布科夫在会后表示。"
_HAMILTON = "美国哈密尔顿学院教授艾伦•卡夫鲁尼表示。"


@pytest.mark.parametrize("zh, en, name, rendered, zh_part", [
    (_RYABKOV, "Sergey Ryabkov said after the talks.", "Ryabkov", True, None),
    (_RYABKOV, "Sergey Lavrov said after the talks.", "Lavrov", False, None),  # a name swapped stays unrendered
    (_HAMILTON, "Alan Cafruny, professor at Hamilton College, said.", "Hamilton", True, "哈密"),
    (_HAMILTON, "Alan Cafruny, professor at Harvard, said.", "Harvard", False, "哈密"),
    ("他见到了斯密顿。", "He met Smeaton.", "Smeaton", True, None),  # 密 and 顿 are transliteration characters
    # MQM dev (NLLB, chinanews 280744): 驻比利时 spells b-l, "February" f-b-l; an English word is no name
    ("【环球时报驻比利时特派记者】据法新社2月10日报道。", "According to AFP on February 10.", "February", False, None),
])
def test_names_a_transliteration_spells_by_sound_are_rendered(matcher, zh, en, name, rendered, zh_part):
    (m,) = soft_matches([(zh, en)], matcher, None, 0.55)
    assert name in m.en_miss  # the dictionary alone does not see it
    assert (name not in m.en_unrendered) is rendered
    if zh_part:  # the dictionary word jieba cut out of the transliteration goes with it
        assert zh_part in m.zh_miss and (zh_part not in m.zh_unrendered) is rendered


def test_soft_miss_feature_counts_only_words_neither_dictionary_nor_encoder_pairs(matcher):
    i, j = feature_names().index("soft_miss"), feature_names().index("miss")
    soft = [SoftMatch(("美丽",), ("gorgeous",), frozenset({"美丽"}), frozenset({"gorgeous"})), SoftMatch(("美丽",), ("gorgeous",))]
    X = features([BeadPair(ZH, EN)] * 2, np.array([0.5, 0.5]), np.zeros(2), 0.25, matcher, None, soft=soft)
    assert X["zh"][0, i] == 0.0 and X["zh"][1, i] == pytest.approx(math.log1p(1))
    assert X["en"][0, i] == 0.0 and X["en"][1, i] == pytest.approx(math.log1p(1))
    assert X["zh"][1, j] == pytest.approx(math.log1p(1))  # the dictionary count is unchanged


def test_reason_does_not_quote_a_word_the_encoder_pairs(matcher):
    from aligner.qa.calibrated import reason

    pair = BeadPair("这个城市很美丽，导弹来了。", "The city is gorgeous.")
    soft = soft_matches([(pair.zh, pair.en)], matcher, table_embed({"美丽": [1, 0, 0, 0, 0, 0, 0, 0],
                                                                    "gorgeous": [1, 0, 0, 0, 0, 0, 0, 0]}), 0.55)[0]
    why = reason(0.4, pair, True, pair.zh, None, matcher, 1.0, soft=soft)
    assert "导弹" in why and "美丽" not in why
    assert "美丽" in reason(0.4, pair, True, pair.zh, None, matcher, 1.0)  # the dictionary alone quotes it


@pytest.mark.slow
def test_the_real_encoder_pairs_a_synonym_and_not_an_unrelated_word(matcher, tmp_path):
    from aligner.config import AlignConfig
    from aligner.embed import Embedder, get_encoder

    cfg = AlignConfig(cache_dir=tmp_path)
    embed = Embedder(get_encoder(cfg.model), cfg).embed
    (syn, other) = soft_matches([(ZH, EN), (ZH, "The city is Paris.")], matcher, embed, 0.55)
    assert syn.zh_unrendered == ()  # 美丽 ~ gorgeous (cosine 0.80 here)
    assert other.zh_unrendered == ("美丽",)  # 美丽 !~ Paris


# red team (0.3.2): USE-multilingual puts the members of a closed class close together (cosines measured with
# the default encoder: 十二 ~ ten 0.70, 星期一 ~ Tuesday 0.80, 百万 ~ billion 0.67, 一月份 ~ February 0.64),
# so a wrong number, weekday or month read as rendered and left the reason
CLOSED = [
    ("他十二岁离家。", "He left home at ten.", "十二", "ten"),
    ("会议在星期一举行。", "The meeting is on Tuesday.", "星期一", "Tuesday"),
    ("损失达到百万元。", "The losses reached a billion yuan.", "百万", "billion"),
    ("一月份价格下降。", "Prices fell in February.", "一月份", "February"),
]


@pytest.mark.parametrize("zh, en, zh_word, en_word", CLOSED)
def test_two_numbers_days_or_months_the_dictionary_does_not_match_are_not_paired(matcher, zh, en, zh_word, en_word):
    same = [1.0, 0, 0, 0, 0, 0, 0, 0]
    (m,) = soft_matches([(zh, en)], matcher, table_embed({zh_word: same, en_word: same}), 0.55)
    assert zh_word in m.zh_miss and zh_word in m.zh_unrendered  # even at cosine 1
    assert en_word in m.en_unrendered


@pytest.mark.parametrize("zh, en, zh_word, en_word", [
    # MAC-Test 004 sentence 14 / 15, 023 61 / 124: a number word still renders a word of another kind
    ("猪食里的糠比平时多三倍。", "I used three times more bran than others did.", "三倍", "three"),
    ("六十五度的高粱酒", "the sixty-five-proof baijiu", "六十", "sixty-five-proof"),
])
def test_a_number_may_still_render_a_word_of_another_kind(matcher, zh, en, zh_word, en_word):
    same = [1.0, 0, 0, 0, 0, 0, 0, 0]
    (m,) = soft_matches([(zh, en)], matcher, table_embed({zh_word: same, en_word: same}), 0.55)
    assert zh_word in m.zh_miss and zh_word not in m.zh_unrendered


@pytest.mark.parametrize("word, lang, kind", [
    ("十二", "zh", "number"), ("两个月", "zh", "number"), ("第一", "zh", "number"), ("一月份", "zh", "month"),
    ("星期一", "zh", "weekday"), ("周日", "zh", "weekday"),
    ("一些", "zh", None), ("统一", "zh", None), ("周年", "zh", None), ("三倍", "zh", None),  # 一 / 周 inside a word
    ("一点", "zh", None),  # "a bit"
    ("今天", "zh", None),  # seed 000: 今天 ~ "these days", a rendering
    ("Tuesday", "en", "weekday"), ("billion", "en", "number"), ("February", "en", "month"),
    ("gorgeous", "en", None), ("sixty-five-proof", "en", None),
    ("second", "en", None),  # seed 000: 接下来 ~ "the second track"
])
def test_word_class(word, lang, kind):
    from aligner.qa.softmatch import word_class

    assert word_class(word, lang) == kind


@pytest.mark.slow
@pytest.mark.parametrize("zh, en, zh_word, en_word", CLOSED)
def test_the_real_encoder_does_not_hide_a_wrong_number_or_day(matcher, tmp_path, zh, en, zh_word, en_word):
    from aligner.config import AlignConfig
    from aligner.embed import Embedder, get_encoder

    cfg = AlignConfig(cache_dir=tmp_path)
    embed = Embedder(get_encoder(cfg.model), cfg).embed
    (m,) = soft_matches([(zh, en)], matcher, embed, 0.55)
    assert zh_word in m.zh_unrendered
