"""Number normaliser: table of zh/en cases (Traditional and Simplified), comparison, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.numbers import compare_numbers, extract_numbers


def strong(text: str, lang: str) -> list[tuple[float, str]]:
    """(value, kind) of the non-vague, non-weak mentions, sorted."""
    return sorted((m.value, m.kind) for m in extract_numbers(text, lang) if not m.vague and not m.weak)


def all_values(text: str, lang: str) -> list[tuple[float, str, bool, bool]]:
    return sorted((m.value, m.kind, m.vague, m.weak) for m in extract_numbers(text, lang))


# (text, lang, expected sorted [(value, kind, vague, weak)]) -- each row says where the value comes from.
CASES = [
    # --- Chinese, Simplified and Traditional --------------------------------------------
    ("3000億美元", "zh", [(3e11, "number", False, False)]),  # 3000億 = 3000 x 10^8, by definition of 億
    ("3000亿美元", "zh", [(3e11, "number", False, False)]),  # 亿 = 10^8 (Simplified form of 億)
    ("三千", "zh", [(3000.0, "number", False, False)]),  # 三 x 千 = 3 x 1000
    ("三千億", "zh", [(3e11, "number", False, False)]),  # 3 x 1000 x 10^8
    ("1.5萬人", "zh", [(15000.0, "number", False, False)]),  # 萬 = 10^4, 1.5 x 10^4
    ("两千", "zh", [(2000.0, "number", False, False)]),  # 两 = 2 (counting form), 千 = 1000
    ("一百零五", "zh", [(105.0, "number", False, False)]),  # 一百 + 零 + 五 = 105
    ("1945年6月26日", "zh", [(6.0, "month", False, True), (26.0, "day", False, False),
                          (1945.0, "year", False, False)]),  # Y年M月D日 date order
    ("70週年", "zh", [(70.0, "number", False, False)]),  # 70 anniversary (週 = 周, Traditional)
    ("百分之五", "zh", [(5.0, "percent", False, False)]),  # 百分之N = N per hundred
    ("百分之五十", "zh", [(50.0, "percent", False, False)]),  # 五十 = 5 x 10
    ("增長5%", "zh", [(5.0, "percent", False, False)]),  # % sign in Chinese text
    ("第二", "zh", [(2.0, "ordinal", False, True)]),  # 第N = N-th; spelled <= 10 is weak
    ("第21屆", "zh", [(21.0, "ordinal", False, False)]),  # 第 + Arabic digits: strong ordinal
    ("十餘個國家", "zh", [(10.0, "number", True, False)]),  # 餘 = "more than": vague
    ("数百万", "zh", [(1e6, "number", True, False)]),  # 数 = "several": vague, magnitude 百万 = 10^6
    ("數百萬烏克蘭人", "zh", [(1e6, "number", True, False)]),  # Traditional of the row above
    ("數千億美元", "zh", [(1e11, "number", True, False)]),  # 数千亿: vague, magnitude 10^11
    ("100多个国家", "zh", [(100.0, "number", True, False)]),  # N多 = "over N": vague
    ("１９９７年", "zh", [(1997.0, "year", False, False)]),  # full-width digits U+FF10-FF19
    ("２０２２年３月", "zh", [(3.0, "month", False, True), (2022.0, "year", False, False)]),  # full-width date
    ("上世紀90年代", "zh", [(1990.0, "decade", False, False)]),  # 上世纪 = 20th century: 1900 + 90
    ("20世纪60年代", "zh", [(1960.0, "decade", False, False)]),  # explicit century
    ("1952-1953年", "zh", [(1952.0, "year", False, False), (1953.0, "year", False, False)]),  # range
    ("2016年至2017年", "zh", [(2016.0, "year", False, False), (2017.0, "year", False, False)]),  # 至 = to
    ("3月2日", "zh", [(2.0, "day", False, False), (3.0, "month", False, True)]),  # M月D日
    ("美俄10日在日內瓦會談", "zh", [(10.0, "day", False, False)]),  # N日 = day of month
    ("特朗普2.0時代", "zh", [(2.0, "number", False, False)]),  # "2.0" kept as 2.0
    ("二〇二二年", "zh", [(2022.0, "year", False, False)]),  # digit-by-digit year, 〇 = 0
    ("三個月", "zh", [(3.0, "number", False, True)]),  # 三 + classifier 个: spelled <= 10, weak
    ("一些國家", "zh", []),  # 一些 = "some": no number
    ("三亞", "zh", []),  # Sanya (a city): 三 without a classifier is not a number
    ("萬斯", "zh", []),  # Vance: a lone 萬 with no digit is not a number
    ("统一", "zh", []),  # 统一 = unify
    ("202112 月中旬", "zh", [(202112.0, "number", False, False)]),  # seed 001 damage: glued 2021年12月
    # --- English -----------------------------------------------------------------------------
    ("300 billion", "en", [(3e11, "number", False, False)]),  # short-scale billion = 10^9
    ("30,000", "en", [(30000.0, "number", False, False)]),  # thousands separator
    ("1.5 million", "en", [(1.5e6, "number", False, False)]),  # million = 10^6
    ("$300bn", "en", [(3e11, "number", False, False)]),  # bn = billion
    ("5%", "en", [(5.0, "percent", False, False)]),  # per cent sign
    ("five percent", "en", [(5.0, "percent", False, False)]),  # number word + percent
    ("3.5 per cent", "en", [(3.5, "percent", False, False)]),  # British spelling
    ("five", "en", [(5.0, "number", False, True)]),  # number word <= 10: weak
    ("twenty-five", "en", [(25.0, "number", False, False)]),  # 20 + 5
    ("the 25th of April", "en", [(4.0, "month", False, True), (25.0, "day", False, False)]),  # D of M
    ("26 June 1945", "en", [(6.0, "month", False, True), (26.0, "day", False, False),
                            (1945.0, "year", False, False)]),  # D M Y
    ("June 26, 1945", "en", [(6.0, "month", False, True), (26.0, "day", False, False),
                             (1945.0, "year", False, False)]),  # M D, Y
    ("on January 10", "en", [(1.0, "month", False, True), (10.0, "day", False, False)]),  # M D
    ("in January 2015", "en", [(1.0, "month", False, True), (2015.0, "year", False, False)]),  # M Y
    ("1952-1953", "en", [(1952.0, "year", False, False), (1953.0, "year", False, False)]),  # range
    ("1952–53", "en", [(1952.0, "year", False, False), (1953.0, "year", False, False)]),  # en dash, 53 -> 1953
    ("the 1990s", "en", [(1990.0, "decade", False, False)]),  # decade = its first year
    ("the '90s", "en", [(1990.0, "decade", False, False)]),  # two-digit decade, 20th century
    ("Trump 2.0", "en", [(2.0, "number", False, False)]),  # version-like "2.0"
    ("70th anniversary", "en", [(70.0, "ordinal", False, False)]),  # digit ordinal
    ("the second time", "en", [(2.0, "ordinal", False, True)]),  # ordinal word: weak
    ("millions of people", "en", [(1e6, "number", True, False)]),  # plural scale word: vague
    ("billions and billions", "en", [(1e9, "number", True, False)]),  # vague (seed 000)
    ("several hundred", "en", [(100.0, "number", True, False)]),  # several = vague
    ("2022-01-12", "en", [(1.0, "month", False, True), (12.0, "day", False, False),
                          (2022.0, "year", False, False)]),  # ISO 8601 date
    ("SALT[8] I", "en", []),  # [8] is a footnote marker, not a number
    # approximate pairs of adjacent digits (MAC-Test sentences): "two or three", either value, neither required
    ("你两三个月", "zh", [(2.0, "number", True, False), (3.0, "number", True, False)]),  # 两三 = 2 or 3 (book 003)
    ("十五六岁的丫头", "zh", [(15.0, "number", True, False), (16.0, "number", True, False)]),  # 十 + 五/六 (book 003)
    ("方谈得三五句话", "zh", [(3.0, "number", True, False), (5.0, "number", True, False)]),  # 三五 = 3 to 5 (book 003)
    ("二三十个人", "zh", [(20.0, "number", True, False), (30.0, "number", True, False)]),  # 二/三 x 十
    ("三四十萬", "zh", [(3e5, "number", True, False), (4e5, "number", True, False)]),  # 三/四 x 十 x 萬, Traditional
    ("二十三四歲", "zh", [(23.0, "number", True, False), (24.0, "number", True, False)]),  # 二十 + 三/四
    ("一九四五年", "zh", [(1945.0, "year", False, False)]),  # a year digit by digit, not the pair 四五
    ("一萬兩千", "zh", [(12000.0, "number", False, False)]),  # 兩 before 千 is 2: 12,000
    ("一万两银子", "zh", [(10000.0, "number", False, False)]),  # 两 after 万 with no digit after: the unit tael (book 002)
    ("a twenty-one-year-old", "en", [(21.0, "number", False, True)]),  # "a" is an article here, not 1 (book 001)
    ("in the eighties", "en", [(1980.0, "decade", False, False)]),  # decade word = 八十年代 (book 005)
    ("in his sixties or seventies", "en", [(60.0, "number", True, False)]),  # an age (about 60), not the 1960s (006)
    ("a man in his thirties", "en", [(30.0, "number", True, False)]),  # = 三十岁出头 (book 004)
    ("2．流言", "zh", [(2.0, "number", False, True)]),  # a heading's section number: weak (book 005: "Gossip")
    ("1. Introduction", "en", [(1.0, "number", False, True)]),  # the same in English
    ("或一二两，三四两", "zh", [(1.0, "number", True, False), (2.0, "number", True, False), (3.0, "number", True, False),
                         (4.0, "number", True, False)]),  # 一二两 = one or two taels (book 003)
    ("一一", "zh", []),  # "one by one", not 11 (book 006)
    ("九一一事件", "zh", [(911.0, "number", False, False)]),  # three digits still read digit by digit
    ("the fifties and sixties", "en", [(1950.0, "decade", False, False), (1960.0, "decade", False, False)]),  # 005
    ("五十和六十年代", "zh", [(1950.0, "decade", False, False), (1960.0, "decade", False, False)]),  # both decades (005)
    ("一九六○年", "zh", [(1960.0, "year", False, False)]),  # ○ (U+25CB) typeset as 〇 (book 004)
    ("八月初九", "zh", [(8.0, "month", False, True), (9.0, "day", False, False)]),  # 初九 = the 9th (book 004)
    ("nine thirty every morning", "en", []),  # a time of day, not 39 (book 005: 九点半)
    ("one hundred and twenty-five", "en", [(125.0, "number", False, False)]),  # 100 + 20 + 5
    ("between two and three hundred", "en", [(200.0, "number", True, False), (300.0, "number", True, False)]),  # 002
    ("三三两两的汉子", "zh", []),  # CC-CEDICT set phrase "in twos and threes" (book 002)
    ("八九不离十", "zh", []),  # CC-CEDICT set phrase "pretty close"
    ("四十二章经", "zh", [(42.0, "number", False, False)]),  # CC-CEDICT gloss has "Forty-two": kept a number
    ("百分之百的天然橡胶", "zh", [(100.0, "percent", False, False)]),  # 百分之百 = 100% (book 001)
    # clean MQM segments (no rater marked an accuracy error) the reader misread: MQM dev <set> <doc> seg <n>
    ("15 to 150 per million", "en", [(15.0, "number", False, False), (150.0, "number", False, False),
                                     (1e6, "number", False, True)]),  # = 每一百万 (wmt21-ted talk.9 seg 754)
    ("per hundred thousand people", "en", [(1e5, "number", False, True)]),  # hundred x thousand, as "per million"
    ("每百万人", "zh", [(1e6, "number", False, True)]),  # 每 + bare 百万 (Chinese of "per million")
    ("twice and ten times worse", "en", [(2.0, "number", False, True),
                                         (10.0, "number", False, True)]),  # ~ 2 倍10 倍 (wmt21-ted talk.9 seg 775)
    ("is thrice of that", "en", [(3.0, "number", False, True)]),  # ~ 3 倍 (wmt21-ted talk.9 seg 749, refB)
    ("a tenfold rise", "en", [(10.0, "number", False, True)]),  # ten + fold ~ 10倍
    ("a quarter of a million species", "en", [(2.5e5, "number", False, True)]),  # = 25万 (wmt21-ted talk.6 seg 385)
    ("half a million", "en", [(5e5, "number", False, True)]),  # 1/2 x 10^6
    ("a third of a billion", "en", [(1e9 / 3, "number", False, True)]),  # 1/3 x 10^9
    ("one and a half million", "en", [(1.5e6, "number", False, False)]),  # (1 + 1/2) x 10^6
    ("价格大概要一万六七千元左右", "zh", [(16000.0, "number", True, False), (17000.0, "number", True, False)]),
    # ^ 一万 + 六/七 x 千 = "16,000 to 17,000" (wmt23 chinanews.com.280870 seg 7)
    ("三千五六百", "zh", [(3500.0, "number", True, False), (3600.0, "number", True, False)]),  # 三千 + 五/六 x 百
    ("一万五六", "zh", [(15000.0, "number", True, False), (16000.0, "number", True, False)]),  # 一万五 = 15,000
    ("香港百人大型考察团", "zh", [(100.0, "number", False, True)]),  # bare 百 + 人 (wmt23 chinese.macao.16305 seg 4)
    ("百余人", "zh", [(100.0, "number", True, False)]),  # 百余 = "over a hundred": vague, as 十余
    ("老百姓", "zh", []),  # "common people": 百 before no measure word
    ("13.8 to 14.3 billion Singapore dollars", "en", [(1.38e10, "number", False, False), (1.43e10, "number", False, False)]),
    # ^ both in billions = 138亿至143亿 (wmt23 international_times-zh.9293 seg 5)
    ("earlier estimate of 4 to 6 million", "en", [(4e6, "number", False, False), (6e6, "number", False, False)]),
    # ^ = 400万至600万 (wmt23 international_times-zh.9293 seg 4)
    ("$3-5 billion", "en", [(3e9, "number", False, False), (5e9, "number", False, False)]),  # one magnitude for both
    ("from 500 to 6 million", "en", [(500.0, "number", False, False), (6e6, "number", False, False)]),  # a growth
    ("between 4 and 6 million", "en", [(4e6, "number", False, False), (6e6, "number", False, False)]),  # a range
    ("27 countries and 450 million people", "en", [(27.0, "number", False, False),
                                                   (4.5e8, "number", False, False)]),  # "and" without "between"
    ("4至6万", "zh", [(4e4, "number", False, False), (6e4, "number", False, False)]),  # 万 for both, as in English
    ("the COVID-19 pandemic", "en", [(19.0, "number", False, True)]),  # a name (wmt23 chinanews.com.280817 seg 2)
    ("flight MH17", "en", [(17.0, "number", False, True)]),  # flight number: capitals glued to digits
    ("the G20 summit", "en", [(20.0, "number", False, True)]),  # group name
    ("F-16 jets", "en", [(16.0, "number", False, True)]),  # capital + hyphen + digits: a model name
    ("RMB300", "en", [(300.0, "number", False, False)]),  # a currency code glued to an amount stays an amount
    ("by mid-2020", "en", [(2020.0, "year", False, False)]),  # lower-case word + hyphen: still a year
]


@pytest.mark.parametrize("text,lang,expected", CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_extract_table(text, lang, expected):
    assert all_values(text, lang) == sorted(expected)


def test_table_size():
    assert len(CASES) >= 50


# (src zh, tgt en, consistent?) -- why the pair is or is not consistent.
PAIRS = [
    ("凍結俄羅斯3000億美元資產", "the freeze of 300 billion US dollars", True),  # 3000億 = 3x10^11
    ("凍結俄羅斯3000億美元資產", "the freeze of 30 billion US dollars", False),  # 3x10^11 != 3x10^10
    ("1945年6月26日", "on 26 June 1945", True),  # same date, other order
    ("1945年6月26日", "on June 26, 1945", True),
    ("1945年6月26日", "on June 25, 1945", False),  # day differs
    ("俄罗斯与美国10日在瑞士日内瓦举行对话", "in Geneva, Switzerland on January 10", True),  # month added: weak
    ("數百萬烏克蘭人已逃往俄羅斯", "Millions of Ukrainians have fled to Russia", True),  # vague both
    ("繼續浪費數千億美元", "to waste billions and billions of US dollars", True),  # vague both
    ("十餘個歐洲國家", "more than 10 European countries", True),  # 10 matches vague 十餘
    ("增長百分之五", "grew by 5%", True),
    ("增長百分之五", "grew by 6%", False),
    ("自上世紀90年代起", "Starting from the 1990s", True),
    ("1952-1953年", "in 1952-1953", True),
    ("在特朗普2.0時代", "in Trump 2.0", True),
    ("慶祝70週年", "celebrated the 70th anniversary", True),
    ("第二任期", "his second term", True),  # weak ordinals on both sides
    ("在過去三年中", "In the last 3 years", True),  # 三 weak, 3 matches it
    ("1997年", "in 1997", True),
    ("1997年", "in 1999", False),
    ("他在1936年獲得博士學位", "In the 1936, he defended his PhD thesis", True),
    # MAC-Test gold pairs that the normaliser misread before (MAC-Test book id noted); consistent translations
    ("从镜后转出两个一对儿十五六岁的丫头来", "two girls now emerged, both about fifteen or sixteen years old", True),  # 003
    ("我怎么就忘了你两三个月！", "It must be two or three months since I first forgot our appointment!", True),  # 003
    ("人家欠了你们一万两银子不还吗？", "someone had borrowed ten thousand taels off you", True),  # 002
    ("忽然间我感到很烦很累，不像二十一岁的人。", "nothing like a twenty-one-year-old.", True),  # 001
    ("到八十年代，几乎绝迹", "By the eighties, people ... were virtually extinct", True),  # 005
    ("只见二三百人八字排开", "between two and three hundred of them, spread out in V-shaped formation", True),  # 002
    ("上午九点半到中餐馆排队等吃饭", "I get in line at nine thirty every morning", True),  # 005
    ("尤以五十和六十年代盛行", "active during the fifties and sixties", True),  # 005
    ("那是百分之百的天然橡胶。", "They were made of 100 percent natural rubber.", True),  # 001
    # and a real discrepancy in the same book (Three-Body: 191 rounds vs 184) stays a mismatch
    ("而汪淼经历的是一百九十一轮", "but Wang had only experienced 184", False),  # 006
    # clean MQM dev segments (no rater marked an accuracy error), flagged before: MQM dev <set> <doc> seg <n>
    ("谋杀率从每一百万15 起直到150 起。", "The murder rate ranges from 15 to 150 per million.", True),  # ted talk.9 754
    ("而是什么都要差到2 倍10 倍。", "but everything is twice and ten times worse.", True),  # ted talk.9 775 (excerpt)
    ("这表明整个社会患有心理疾病的比例是其它社会的3 倍。",
     "this indicated that the ratio of people with mental illness is thrice of that in other societies.", True),  # 749
    ("有25万种-- 至少我们知道的有这么多-- 25万中开花植物。",
     "There are a quarter of a million -- at least those are the ones we know about -- "
     "a quarter of a million species of flowering plants.", True),  # ted talk.6 seg 385 (ref)
    ("就是比较每个国家的前20% 与后20% 的收入差距。",
     "which is to compare the income gap between the top and bottom 20% of the population in each country.",
     True),  # ted talk.9 seg 706 (refB, excerpt): 20% said twice in Chinese, once in English
    ("价格大概要一万六七千元左右。", "the price ... is about 16,000 to 17,000 yuan.", True),  # wmt23 280870 seg 7 (excerpt)
    ("是次香港百人大型考察团", "The large-scale Hong Kong delegation of 100 people", True),  # wmt23 macao.16305 seg 4
    ("预计2022年全年旅游收入可达138亿至143亿新元，已经恢复到2019年新冠疫情前约50%至52%的水平。",
     "the total tourism revenue for 2022 can reach 13.8 to 14.3 billion Singapore dollars, and has recovered "
     "to about 50% to 52% of the level before the COVID-19 pandemic in 2019.", True),  # wmt23 9293 seg 5 (excerpt)
    ("“应对新冠疫情冲击，中国经济展现出了强大韧性。",
     "\"In response to the impact of the COVID-19 pandemic, the Chinese economy has shown strong resilience.",
     True),  # wmt23 chinanews.com.280817 seg 2
    ("超越旅游局早前预估的400万至600万人次", "surpassing the STB's earlier estimate of 4 to 6 million", True),  # 9293 seg 4
    # ... and the same readings still catch a changed value
    ("就是比较每个国家的前20% 与后20% 的收入差距。", "compare the top 20% and bottom 25%", False),  # 25% != 20%
    ("有25万种开花植物。", "a third of a million species of flowering plants", False),  # 333,333 != 250,000
    ("谋杀率从每一百万15 起直到150 起。", "from 15 to 150 per 100,000", False),  # 10^6 != 10^5
    ("超越旅游局早前预估的400万至600万人次", "the earlier estimate of 4 to 7 million", False),  # 600万 != 7 million
    ("价格大概要一万六七千元左右。", "about 18,000 yuan", False),  # neither 16,000 nor 17,000
]


@pytest.mark.parametrize("zh,en,ok", PAIRS, ids=[f"{p[0]}|{p[1]}" for p in PAIRS])
def test_compare_pairs(zh, en, ok):
    why = compare_numbers(zh, "zh", en, "en")
    assert (why is None) == ok, why


def test_reason_names_both_sides():
    why = compare_numbers("凍結3000億美元", "zh", "freeze 30 billion dollars", "en")
    assert why == "Chinese has 3000億 = 300 billion; English has 30 billion"


def test_reason_one_side():
    why = compare_numbers("1997年", "zh", "in that year", "en")
    assert why == "Chinese has 1997年; not in English"


def test_reason_counts_a_repeat_once():
    # a value said twice and matched on neither side is named once, with its count
    why = compare_numbers("有25万种-- 25万中开花植物。", "zh", "there are 300,000 species", "en")
    assert why == "Chinese has 25万 = 250,000 (x2); English has 300,000"


def test_repeat_matched_by_one_mention_only_when_nothing_else_is_left():
    # 20% twice ~ 20% once (sets of values); but with a 25% left over the second 20% may be the changed one
    assert compare_numbers("前20%与后20%", "zh", "the top and bottom 20%", "en") is None
    assert compare_numbers("前20%与后20%", "zh", "the top 20% and bottom 25%", "en") == "Chinese has 20%; English has 25%"


def test_bad_lang():
    with pytest.raises(ValueError):
        extract_numbers("5", "fr")


# Letters Python's ``re.IGNORECASE`` equates with ASCII (its docs: long s U+017F, Kelvin sign U+212A, dotless i
# U+0131, dotted capital I U+0130): the (?i) patterns read "ſecond" as "second", so the tables must too.
# "ſecond" is how an 18th-century printing (or its OCR) spells "second"; it raised KeyError (exit 70).
@pytest.mark.parametrize("text, expected", [
    ("one ſecond", [(1.0, "number", False, True), (2.0, "ordinal", False, True)]),  # = "one second"
    ("twenty-ſecond", [(22.0, "ordinal", False, True)]),  # = "twenty-second": 20 + 2
    ("ſix or ſeven hundred", [(600.0, "number", True, False), (700.0, "number", True, False)]),  # approx pair
    ("in the ſixties", [(1960.0, "decade", False, False)]),  # decade word: 1900 + 60
    ("thırd", [(3.0, "ordinal", False, True)]),  # dotless i: = "third"
    ("FİRST", [(1.0, "ordinal", False, True)]),  # dotted capital I: = "FIRST"
    ("ſix and a half million", [(6.5e6, "number", False, False)]),  # = 6.5 x 10^6
])
def test_case_folded_letters_read_as_their_ascii_twins(text, expected):
    assert all_values(text, "en") == expected


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["zh", "en"]))
def test_never_raises(text, lang):
    for m in extract_numbers(text, lang):
        assert isinstance(m.value, float)
        assert m.surface


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789０１２３４５６７８９一二三四五六七八九十百千萬億万亿年月日%.,-第數餘多 abc", max_size=30))
def test_compare_with_itself_is_consistent(text):
    assert compare_numbers(text, "zh", text, "zh") is None


# Words near the number vocabulary (a prefix, a suffix, a month as a verb): the English screen
# (``numbers._EN_ANY``) skips a text only when none of the ~30 patterns could find a mention in it.
_NEAR_WORDS = ["often", "someone", "gone", "tend", "tenfold", "Mayday", "may", "March", "marched", "dec",
               "Decent", "seconds", "thirds", "half", "quarters", "per", "cent", "percent", "a", "an", "and",
               "dozen", "dozens", "tens", "hundredfold", "twice", "thrice", "fortnight", "nineteen-eighties",
               "the", "eighties", "his", "thirties", "mid-sixties", "billionaire", "Millionen", "bn", "first",
               "twenty-first", "one-third", "oneself", "Sept.", "Jun", "Junior", "fifth", "hundredth", "of",
               "between", "to", "or", "several", "few", "many", "some", "thousands", "upon", "zero", "O'Neill"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NEAR_WORDS), min_size=1, max_size=8),
       st.sampled_from([" ", "-", ", ", " - "]))
def test_english_screen_skips_only_texts_without_mentions(words, sep):
    """Property: the fast path (screen first) finds exactly what running every pattern finds."""
    import re
    from unittest import mock

    import aligner.numbers as N

    text = sep.join(words)
    fast = [(m.value, m.kind, m.surface) for m in N.extract_numbers(text, "en")]
    with mock.patch.object(N, "_EN_ANY", re.compile("")):  # matches every text: the patterns always run
        slow = [(m.value, m.kind, m.surface) for m in N.extract_numbers(text, "en")]
    assert fast == slow


# Chinese near the numerals: measure words, 第, 年/月/日, 数/几/上, traditional forms the normaliser maps.
_NEAR_ZH = ["第", "年", "月", "日", "号", "数", "几", "上", "成", "余", "多", "个", "百分", "之", "点", "初", "廿",
            "世纪", "年代", "萬", "億", "兩", "零", "〇", "十", "百", "千", "万", "亿", "三", "两", "３", "%", "的", "人",
            "八九不离十", "三三两两", "一五一十", "天", "时", "分", "半", "双", "对", "俩", "仨", "首", "次"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NEAR_ZH), min_size=1, max_size=8))
def test_chinese_screen_skips_only_texts_without_mentions(parts):
    """Property: as for English, the Chinese screen (``numbers._ZH_ANY``) changes nothing found."""
    import re
    from unittest import mock

    import aligner.numbers as N

    text = "".join(parts)
    fast = [(m.value, m.kind, m.surface) for m in N.extract_numbers(text, "zh")]
    with mock.patch.object(N, "_ZH_ANY", re.compile("")):
        slow = [(m.value, m.kind, m.surface) for m in N.extract_numbers(text, "zh")]
    assert fast == slow


class _Store:
    """A ``numbers.Readings`` over a dict."""

    def __init__(self, start=None):
        self.d = dict(start or {})

    def get(self, text):
        return self.d.get(text)

    def put(self, text, value):
        self.d[text] = value


def test_cn2an_readings_are_kept_where_the_caller_says():
    """``readings`` (the run's cache directory, ``numbers.number_readings``) keeps cn2an's smart readings: 两千零五十
    is no pattern of ours, so cn2an reads it (2050), and a stored reading is used as it is."""
    from aligner.numbers import extract_numbers

    store = _Store()
    assert [m.value for m in extract_numbers("来了两千零五十人", "zh", store)] == [2050.0]
    assert store.d == {"两千零五十": [2050.0]}
    planted = _Store({"两千零五十": [7.0]})
    assert [m.value for m in extract_numbers("来了两千零五十人", "zh", planted)] == [7.0]
    garbled = _Store({"两千零五十": "seven"})  # another tool's row: read again
    assert [m.value for m in extract_numbers("来了两千零五十人", "zh", garbled)] == [2050.0]
    assert [m.value for m in extract_numbers("来了两千零五十人", "zh")] == [2050.0]  # no store: this process only


def test_no_cache_run_keeps_no_analysis(monkeypatch):
    """``--no-cache`` / ``no_cache=True``: no memo is opened anywhere (red team, stop 33: cn2an's readings went to
    the default cache directory whatever the options said)."""
    import aligner
    from aligner import memo

    def refuse(*args, **kwargs):
        raise AssertionError("a memo was opened on a run without a cache")

    monkeypatch.setattr(memo.Memo, "__init__", refuse)
    al = aligner.align_texts(["会议来了两千零五十人。", "大家都很高兴。"],
                             ["Two thousand and fifty people came.", "Everyone was happy."], no_cache=True)
    assert al.beads
