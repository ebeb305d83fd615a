"""Sentence segmentation: Chinese rules and offline Punkt for English."""

from __future__ import annotations

import pytest

from aligner.data import Paragraph, Text
from aligner.segment import Segmenter, presplit, split_zh

SEG = Segmenter()

# (text, expected sentences, why)
EN_CASES = [
    ("Mr. Smith went to the U.S. on Monday. He met J.D. Vance there.",
     ["Mr. Smith went to the U.S. on Monday.", "He met J.D. Vance there."], "titles, U.S., initials"),
    ("Trump 2.0 is here. It grew 3.5% in No. 5 district.",
     ["Trump 2.0 is here.", "It grew 3.5% in No. 5 district."], "decimals, No. 5"),
    ("US Deputy Secretary of State Wendy R. Sherman said so. Talks ended.",
     ["US Deputy Secretary of State Wendy R. Sherman said so.", "Talks ended."], "middle initial"),
    ('"There has been no progress at all." On July 3rd, he left.',
     ['"There has been no progress at all."', "On July 3rd, he left."], "closing quote stays"),
    ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."], "? and !"),
    ("**Helen:**Everyone on the spot was shocked.", ["**Helen:**Everyone on the spot was shocked."],
     "speaker label stays with its sentence (seed 000)"),
    ("Prof. Li and Dr. Wang met Gen. Ivanov at 5 p.m. yesterday.",
     ["Prof. Li and Dr. Wang met Gen. Ivanov at 5 p.m. yesterday."], "abbreviations"),
]

ZH_CASES = [
    ("俄美何時能達成共識?在最終的和平協議中,俄羅斯的紅線是什麼?",
     ["俄美何時能達成共識?", "在最終的和平協議中,俄羅斯的紅線是什麼?"], "half-width ? (seed 000)"),
    ("**韓樺:**但在場的每個人都感到震驚。**阿列克謝·葛羅米柯:**我認為如此。",
     ["**韓樺:**但在場的每個人都感到震驚。", "**阿列克謝·葛羅米柯:**我認為如此。"], "speaker labels"),
    ("他說:“我們走吧。”然後走了。", ["他說:“我們走吧。”", "然後走了。"], "closing quote after 。"),
    ("等等……好吧！真的嗎？是的；好", ["等等……", "好吧！", "真的嗎？", "是的；", "好"], "…… ！？； and a tail"),
    ("（注：見上文。）下一句。", ["（注：見上文。）", "下一句。"], "closing bracket after 。"),
    ("在特朗普2.0時代,美歐之間將發生“戰略脱鈎”;現在這成為現實。",
     ["在特朗普2.0時代,美歐之間將發生“戰略脱鈎”;", "現在這成為現實。"], "2.0 intact, ; splits"),
    ("沒有結尾標點", ["沒有結尾標點"], "no end mark"),
]


@pytest.mark.parametrize("text,expected,why", EN_CASES, ids=[c[2] for c in EN_CASES])
def test_english(text, expected, why):
    assert SEG.split(text, "en") == expected


@pytest.mark.parametrize("text,expected,why", ZH_CASES, ids=[c[2] for c in ZH_CASES])
def test_chinese(text, expected, why):
    assert split_zh(text) == expected


@pytest.mark.parametrize("lang,text", [("zh", ZH_CASES[3][0]), ("en", EN_CASES[0][0])])
def test_no_character_lost(lang, text):
    assert "".join(SEG.split(text, lang)).replace(" ", "") == text.replace(" ", "")


def test_segment_keeps_paragraphs_and_lines():
    t = Text("zh", "x.txt", (Paragraph("第一句。第二句。", 1), Paragraph("第三句。", 3)))
    side = SEG.segment(t)
    assert [(s.id, s.para, s.line) for s in side.sentences] == [(0, 0, 1), (1, 0, 1), (2, 1, 3)]


def test_presplit_one_sentence_per_line_blocks_are_paragraphs():
    t = Text("en", "x.txt", (Paragraph("One. Two.", 1), Paragraph("Three", 2), Paragraph("Four", 4)))
    side = presplit(t)
    assert side.texts == ["One. Two.", "Three", "Four"]
    assert [s.para for s in side.sentences] == [0, 0, 1]


@pytest.mark.parametrize("text, lang, expected", [
    # headings the DP should join to what follows (issue 20, kind 2; bench/book_kinds.py)
    ("第三章　风雪", "zh", True),
    ("（第二节）", "zh", True),
    ("（大卫的诗，交与伶长。", "zh", True),  # the example: bracketed, unclosed
    ("10．老克腊", "zh", True),  # MAC-Test's Everlasting Sorrow chapter titles
    ("Chapter 3", "en", True),
    ("[Editor's note: this passage is abridged.]", "en", True),
    # not headings: sentence ends, clause ends, lead-ins (MAC-Test gold joins colon lines to what precedes)
    ("事就这样成了。", "zh", False),
    ("他说：", "zh", False),
    ("还举出一些理由来：", "zh", False),
    ("然而，", "zh", False),
    ("《汉书》上说：‘秦失其鹿，天下共逐之。’", "zh", False),  # a book title opens a sentence, not a heading
    ("And it was so.", "en", False),
    # red team (rt28): a short verse closed by an aside after its end mark is a finished sentence, not a heading
    # (Psalm 39:11 split at 。; as a heading it joined verse 12's pair and its English verse lost it)
    ("世人真是虚幻！（细拉）", "zh", False),
    ("It was so. (Selah)", "en", False),
    ("他说（笑）", "zh", True),  # no end mark before the aside: a short unpunctuated line
    ("After a pause she said:", "en", False),
    ("In times like these—'", "en", False),
    ("That would be terrible, '", "en", False),
    ("他和他儿子并弟兄共十二人，都是善于歌唱的人，在耶和华面前学习歌颂的", "zh", False),  # long, unfinished
    ("", "zh", False),
])
def test_opens_next(text, lang, expected):
    from aligner.segment import opens_next

    assert opens_next(text, lang) is expected


@pytest.mark.parametrize("lines, expected", [
    # seed 002's extraction damage: a short tail of a broken sentence is not a heading
    (["在特朗普和普京通话的同一天,乌克兰总统泽连斯基发表讲话称,特朗普和普京是", "此前一天,美国国防部暂停了包括"], [False, False]),
    # after a finished sentence, or first in the document, it is; after another heading it is not
    (["他走了。", "第三章　风雪", "（第一节）", "雪下了一夜。"], [False, True, False, False]),
    (["第一章", "天亮了。"], [True, False]),
    (["It was late.”", "Chapter 3"], [False, True]),
    # red team (stop 22): unpunctuated subtitle cues are not headings: a sentence split over two cues must join
    (["那天夜里", "下了很大的雪", "他一个人", "走回了家", "第二天早上雪停了"], [False] * 5),
    (["That night", "it snowed heavily", "He walked", "home alone"], [False] * 4),
    # a bracketed note cut at its sentence ends (a verse text split at 。, issue 20): its lines up to the one the
    # closing bracket starts are the heading; a line that ends with the closer is part of it
    (["愿王应允我们！", "（大卫的金诗，交与伶长。", "调用休要毁坏。", "）你们默然不语，真合公义吗？"], [False, True, True, False]),
    (["愿王应允我们！", "（大卫的诗，交与伶长。", "）耶和华啊，我的敌人何其加增！"], [False, True, False]),
    (["他说。", "（大卫的诗，交与伶长。", "用丝弦的乐器，", "念这诗的话，说：）", "耶和华啊！"], [False, True, True, True, False]),
    # red team (rt27): a parenthesis in prose that ends a sentence before its closer is no heading past its first
    # line (measured before the rule: 2,3-2 with presplit; with it the closing line joined the pair after, 3,4-3)
    (["他说。", "（大卫的诗。", "交与伶长。", "用丝弦的乐器。）", "耶和华啊！"], [False, True, False, False, False]),
    (["老人在门口站了很久。", "（那座山他年轻时爬过三次。", "最后一次是和他的妻子一起。）", "天黑以后，他走回屋里。"],
     [False, True, False, False]),
    (["He laughed.", "(It was the first time.", "He never laughed again.)", "Then he left the house."],
     [False, True, False, False]),
    # ... not when the bracket never closes within BRACKET_SPAN_LINES, or the span outgrows BRACKET_SPAN_MAX
    (["他说。", "（大卫的诗。", "交与伶长。", "用丝弦的乐器。", "调用第八。", "）耶和华啊！"], [False, True, False, False, False, False]),
    (["他说。", "（大卫的诗。", "当耶和华救他脱离一切仇敌和扫罗之手的日子，他向耶和华念这诗的话，他作这诗交给伶长，用吹的乐器，"
      "调用为证的百合花，又用丝弦的乐器，在耶和华面前学习歌颂的，说：", "）我的力量啊，我爱你！"], [False, True, False, False]),
    (["It was late.", "(A psalm of David.", "To the chief musician.", ") Lord, hear me!"], [False, True, True, False]),
    # red team (rt28): Psalm 39:11-12 split at 。; the short end of verse 11 with its （细拉） is no heading
    (["你因人的罪恶惩罚他的时候，叫他的笑容消灭，如衣被虫所咬。", "世人真是虚幻！（细拉）", "耶和华啊，求你听我的祷告，留心听我的呼求！"],
     [False, False, False]),
])
def test_heading_flags(lines, expected):
    from aligner.segment import heading_flags

    lang = "en" if lines[-1].isascii() else "zh"
    assert heading_flags(lines, lang) == expected


@pytest.mark.parametrize("lines, expected", [
    # one span a heading, a bracketed note cut into lines one span over its lines (aligner.units: one DP unit)
    (["他走了。", "第三章　风雪", "雪下了一夜。"], [(1, 2)]),
    (["愿王应允我们！", "（大卫的金诗，交与伶长。", "调用休要毁坏。", "）你们默然不语，真合公义吗？"], [(1, 3)]),
    (["他说。", "（大卫的诗，交与伶长。", "用丝弦的乐器，", "念这诗的话，说：）", "耶和华啊！"], [(1, 4)]),
    (["第一章", "天亮了。", "他走了。", "（第二节）", "天黑了。"], [(0, 1), (3, 4)]),
    # a sentence closed by a short bracketed aside (the psalms' （细拉）, Selah) is finished: a note may follow
    (["救恩属乎耶和华；愿你赐福给你的百姓。（细拉）", "（大卫的诗，交与伶长。", "）耶和华啊，求你应允我！"], [(1, 2)]),
    # brackets of either width are one kind (red team rt28: a half-width opener and a full-width closer)
    (["愿王应允我们！", "(大卫的金诗，交与伶长。", "调用休要毁坏。", "）你们默然不语，真合公义吗？"], [(1, 3)]),
    # after a clause ended by a colon or semicolon too (bench/book_kinds.py: headings at such bead boundaries were
    # left unflagged and joined to the pair before); not after a comma or no mark (a line broken mid-sentence)
    (["这事经过如下：", "（译者按：此处原文有删节）", "农忙时队长不叫我犁田。", "我的腰上有旧伤。"], [(1, 2)]),
    (["至于几首歪诗，也可以喷饭供酒；", "【四】", "其间离合悲欢，俱是按迹循踪。", "不敢稍加穿凿。"], [(1, 2)]),
    (["他走了，", "【四】", "其间离合悲欢，俱是按迹循踪。", "不敢稍加穿凿。"], []),
    # ... only after an end mark: "他说（笑）" is a short unpunctuated line (a heading itself), no note follows it
    (["他走了。", "他说（笑）", "（大卫的诗，交与伶长。", "）耶和华啊，求你应允我！"], [(1, 2)]),
    # a prose parenthesis: its first line alone (as heading_flags)
    (["老人在门口站了很久。", "（那座山他年轻时爬过三次。", "最后一次是和他的妻子一起。）", "天黑以后，他走回屋里。"], [(1, 2)]),
    (["那天夜里", "下了很大的雪", "他一个人"], []),
])
def test_heading_spans(lines, expected):
    from aligner.segment import heading_flags, heading_spans

    got = heading_spans(lines, "zh")
    assert got == expected
    assert heading_flags(lines, "zh") == [any(a <= i < b for a, b in got) for i in range(len(lines))]


@pytest.mark.parametrize("line, expected", [
    ("（他后来承认，那天晚上他喝醉了，什么都不记得。）", True),  # a sentence set aside in prose
    ("(He admitted later that he was drunk.)", True),
    ("（第二节）", False),  # a title: no sentence end
    ("（大卫的诗，交与伶长。", False),  # a note the next line closes
    ("他走了。", False),
    # the end mark after the bracket, or a bracket whose closer _SENTENCE_END does not list: sentences too (red
    # team rt28b: each was a heading whose missing translation `aligner align --presplit` reported as info)
    ("（他后来承认，那天晚上他喝醉了，什么都不记得）。", True),
    ("(He admitted later that he was drunk).", True),
    ("〔他后来承认，那天晚上他喝醉了。〕", True),
    ("（众人大笑）", False),  # a stage direction: no sentence end anywhere
])
def test_closed_aside(line, expected):
    from aligner.segment import closed_aside

    assert closed_aside(line) is expected
