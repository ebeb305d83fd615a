"""How a name sounds in either script: consonant skeletons of English names and of pinyin, transliteration spans.

Transliterated foreign names (葛罗米柯 / Gromyko, 舍曼 / Sherman) are matched by
their consonants in broad classes (b/p, d/t, g/k, l/r, ...), not by spelling;
``aligner.qa.entities`` uses these to learn a document's transliterations and
to tell a rendered name from a replaced one.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Callable

from ..clauses import name_alone
from ..config import SOUND_RATIO  # noqa: F401  (the level, kept with the edge rule's; importers read it here)

#: Characters of the Xinhua transliteration tables: candidate name strings are runs of these.
_TRANSLIT = set(
    "阿埃艾爱安昂奥巴拜班邦保鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁东杜敦多厄恩尔法凡范菲费芬丰冯佛弗福伏夫"
    "盖甘冈高戈格根古圭哈海汉豪赫亨洪胡华怀霍基吉加贾杰金卡凯坎康考柯科克肯库夸奎拉莱赖兰朗劳勒雷蕾黎里利莉"
    "连林琳留柳隆卢鲁路伦罗洛马玛迈麦曼梅蒙米明莫默姆穆纳奈南内尼涅宁纽努诺欧帕潘庞佩彭皮平珀普奇齐乔切钦琼"
    "丘萨塞赛桑瑟森沙莎善尚舍绍申什施史舒斯松苏索塔泰坦汤唐特滕提廷通图托瓦万旺威韦维温文沃乌伍西希锡谢辛休"
    "许雅亚扬耶叶伊因尤约泽扎詹兹佐卓茨契楚娃娜琴葛蒂黑季欣济顿密"
)
_PINYIN_INITIALS = [("zh", "s"), ("ch", "s"), ("sh", "s"), ("b", "b"), ("p", "b"), ("m", "m"), ("f", "f"),
                    ("d", "d"), ("t", "d"), ("n", "n"), ("l", "l"), ("g", "g"), ("k", "g"), ("h", "h"),
                    ("j", "s"), ("q", "s"), ("x", "s"), ("r", "l"), ("z", "s"), ("c", "s"), ("s", "s"),
                    ("w", "f"), ("y", "")]


def _skeleton_en(name: str, palatal: bool = False) -> str:
    """Consonant skeleton of an English/Russian name in broad classes (Gromyko -> glmg).

    ``palatal``: read k, g, t, d, kh before i/y as Chinese j/q/x (Russian
    Timofeev -> 季莫费耶夫, Lukyanov -> 卢基扬诺夫, Mukhin -> 穆欣).
    """
    s = name.lower()
    if palatal:
        s = re.sub(r"(?:kh|[kgtd])(?=[iy])", "j", s)
    for a, b in (("ph", "f"), ("ck", "k"), ("sch", "s"), ("sh", "s"), ("ch", "s"), ("zh", "s"),
                 ("th", "t"), ("kh", "h"), ("ts", "s"), ("tz", "s"), ("x", "ks"), ("q", "k")):
        s = s.replace(a, b)
    s = re.sub(r"c(?=[eiy])", "s", s).replace("c", "k")
    cls = {"b": "b", "p": "b", "d": "d", "t": "d", "g": "g", "k": "g", "h": "h", "l": "l", "r": "l",
           "f": "f", "v": "f", "w": "f", "m": "m", "n": "n", "s": "s", "z": "s", "j": "s"}
    out = [cls[c] for c in s if c in cls]
    return "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])


def _skeleton_pinyin(pinyin: str) -> str:
    """Consonant skeleton of a pinyin string ("Ge3 luo2 mi3 ke1" -> glmg)."""
    out: list[str] = []
    for syl in pinyin.lower().split():
        syl = re.sub(r"[^a-z]", "", syl.replace("u:", "v"))
        if not syl:
            continue
        if syl == "er":
            out.append("l")
            continue
        for ini, c in _PINYIN_INITIALS:
            if syl.startswith(ini):
                if c:
                    out.append(c)
                syl = syl[len(ini):]
                break
        if syl.endswith("n") or syl.endswith("ng"):
            out.append("n")
    return "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])


_TRANSLIT_RUN = re.compile(f"[{''.join(sorted(_TRANSLIT))}]{{2,}}")


#: Not a lower-case ASCII letter.
_NON_LETTER = re.compile(r"[^a-z]")


def _flat(pinyin: str | None) -> str:
    """The letters of a pinyin string, lower-case ("Li3 Yong3 hui4" -> liyonghui); "" for None."""
    return _NON_LETTER.sub("", pinyin.lower()) if pinyin else ""


def _en_skeletons(name: str, least: int) -> set[str]:
    """Consonant skeletons of an English name of at least ``least`` classes: plain and palatal readings, each
    also without an r that no vowel follows (Chinese drops it: Goddard 戈达德, Sherman 舍曼) and, for a plural,
    of the singular (Cylons 赛昂)."""
    forms = {name}
    if len(name) > 4 and re.search(r"[^aeiousy]s$", name):
        forms.add(name[:-1])
    forms |= {re.sub(r"r(?![aeiouy])", "", f.lower()) for f in forms}
    return {sk for f in forms for sk in (_skeleton_en(f), _skeleton_en(f, palatal=True)) if len(sk) >= least}


def _skeleton_ratio(skeletons: set[str], pinyin_skeleton: str) -> float:
    """Best match of a pinyin skeleton with any of the English ones (0 when there are none)."""
    return max((SequenceMatcher(None, sw, pinyin_skeleton, autojunk=False).ratio() for sw in skeletons), default=0.0)


def _translit_spans(zh: str):
    """Substrings of 2-6 characters of the runs of transliteration characters in ``zh`` (葛罗米柯 candidates)."""
    for r in _TRANSLIT_RUN.findall(zh):
        for i in range(len(r)):
            for j in range(i + 2, min(len(r), i + 6) + 1):
                yield r[i:j]


#: A capitalised English word of at least three letters: a name's candidate (Shimei, Zaccur, Qiyao).
_NAME_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]{2,}(?![\w-])")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


#: The most a name alone's two-class skeleton scores (under ``SOUND_RATIO``: 伊洗利 s-l equals Ezra and Saul).
TWO_CLASS_MAX = 0.8


def sound_score(zh: str, en: str, pinyin: Callable[[str], str | None],
                is_name: Callable[[str], bool] = lambda w: True, least: int = 3, enough: float = 1.0) -> float:
    """How well 2-4 Chinese characters of ``zh`` (Simplified) sound like a capitalised word of ``en`` that
    ``is_name`` accepts (``softmatch.name_word``: no English word, title, month or weekday: "Someone", "Long"):
    1.0 spelled out in toneless pinyin (示每 ~ Shimei, 琦瑶 ~ Qiyao), else the best consonant-skeleton ratio
    (``_skeleton_ratio``; 基大利提 ~ Giddalti 0.89) of a span whose skeleton has three classes or more, or
    ``least`` (2) where the span is all ``zh`` holds, three or four characters (a name alone: 书巴业。 ~ Shubael,
    sb / sbl: 0.8; at most ``TWO_CLASS_MAX`` for two classes; in a sentence two classes match too much: 吕留良 ~
    Liuliang, ln); 0.0 with no name.
    ``pinyin``: ``Lexicon.pinyin`` (text -> space-separated readings, or None when a character has none);
    ``enough``: stop at the first span that scores this well.
    """
    names = {w for w in _NAME_WORD.findall(en) if is_name(w)}
    if not names:
        return 0.0
    flat = {w.lower() for w in names}
    skels = set().union(*(_en_skeletons(w, 3) for w in names))
    alone = name_alone(zh)
    loose = set().union(*(_en_skeletons(w, least) for w in names)) if alone and least < 3 else skels
    best = 0.0
    for run in _HAN_RUN.findall(zh):
        for n in (2, 3, 4):
            for i in range(len(run) - n + 1):
                py = pinyin(run[i:i + n])
                if not py:
                    continue
                if _flat(py) in flat:
                    return 1.0
                sc = _skeleton_pinyin(py)
                if run[i:i + n] == alone and len(sc) >= least:
                    # two classes alike is a likeness, never the same name (书巴业 sb = Sheba sb, ~ Shubael sbl)
                    r = _skeleton_ratio(loose, sc)
                    best = max(best, r if len(sc) >= 3 else min(r, TWO_CLASS_MAX))
                elif len(sc) >= 3:
                    best = max(best, _skeleton_ratio(skels, sc))
                if best >= enough:
                    return best
    return best


def sound_match(zh: str, en: str, pinyin: Callable[[str], str | None],
                is_name: Callable[[str], bool] = lambda w: True) -> bool:
    """Whether 2-4 Chinese characters of ``zh`` (Simplified) sound like a capitalised word of ``en`` that
    ``is_name`` accepts: ``sound_score`` at ``SOUND_RATIO`` or more, three consonant classes or more each.

    A sentence and the clause that renders it share such a name when the encoder, which knows few
    transliterations, sees nothing in common (cosine ~0.2 with any name).
    """
    return sound_score(zh, en, pinyin, is_name, enough=SOUND_RATIO) >= SOUND_RATIO
