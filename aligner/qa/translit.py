"""How a name sounds in either script: consonant skeletons of English names and of pinyin, transliteration spans.

Transliterated foreign names (葛罗米柯 / Gromyko, 舍曼 / Sherman) are matched by
their consonants in broad classes (b/p, d/t, g/k, l/r, ...), not by spelling;
``aligner.qa.entities`` uses these to learn a document's transliterations and
to tell a rendered name from a replaced one.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

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


def _flat(pinyin: str | None) -> str:
    """The letters of a pinyin string, lower-case ("Li3 Yong3 hui4" -> liyonghui); "" for None."""
    return re.sub(r"[^a-z]", "", pinyin.lower()) if pinyin else ""


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
