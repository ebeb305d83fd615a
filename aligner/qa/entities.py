"""``entity_mismatch``: acronyms, Latin-script tokens and names rendered on one side only.

Entities: CC-CEDICT (``Lexicon``) glosses acronyms (by definition, parentheses
and initials: "United Nations" -> UN) and names; transliterations not in
CC-CEDICT (葛羅米柯 <-> Gromyko) are learned from the document's beads by
comparing consonant skeletons of the English name and the pinyin of candidate
transliteration strings.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from ..data import Flag, Severity
from .common import _HAN, _lang_name
from .context import _BeadText
from .lexicon import _STOP_CAPS, Lexicon

if TYPE_CHECKING:
    from .context import QAContext

log = logging.getLogger(__name__)

_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|ic)s?$")
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z.'\-]*(?:[ \u00a0]+[A-Za-z][A-Za-z.'\-]*)*")
_CAP_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w-])")
#: Forms of address after a name (程先生, 林兄, 王太太): the English may keep only the surname, or a pronoun.
_ZH_TITLE = re.compile(r"(?:先生|太太|小姐|夫人|老爷|老爺|大人|师父|師父|兄|弟|爷|爺|哥|姐|嫂|公|君|氏)$")
#: Characters of the Xinhua transliteration tables: candidate name strings are runs of these.
_TRANSLIT = set(
    "阿埃艾爱安昂奥巴拜班邦保鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁东杜敦多厄恩尔法凡范菲费芬丰冯佛弗福伏夫"
    "盖甘冈高戈格根古圭哈海汉豪赫亨洪胡华怀霍基吉加贾杰金卡凯坎康考柯科克肯库夸奎拉莱赖兰朗劳勒雷蕾黎里利莉"
    "连林琳留柳隆卢鲁路伦罗洛马玛迈麦曼梅蒙米明莫默姆穆纳奈南内尼涅宁纽努诺欧帕潘庞佩彭皮平珀普奇齐乔切钦琼"
    "丘萨塞赛桑瑟森沙莎善尚舍绍申什施史舒斯松苏索塔泰坦汤唐特滕提廷通图托瓦万旺威韦维温文沃乌伍西希锡谢辛休"
    "许雅亚扬耶叶伊因尤约泽扎詹兹佐卓茨契楚娃娜琴葛蒂黑季欣"
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
    """Consonant skeletons of an English name (plain and palatal readings) of at least ``least`` classes."""
    return {sk for sk in (_skeleton_en(name), _skeleton_en(name, palatal=True)) if len(sk) >= least}


def _skeleton_ratio(skeletons: set[str], pinyin_skeleton: str) -> float:
    """Best match of a pinyin skeleton with any of the English ones (0 when there are none)."""
    return max((SequenceMatcher(None, sw, pinyin_skeleton, autojunk=False).ratio() for sw in skeletons), default=0.0)


def _translit_spans(zh: str):
    """Substrings of 2-6 characters of the runs of transliteration characters in ``zh`` (葛罗米柯 candidates)."""
    for r in _TRANSLIT_RUN.findall(zh):
        for i in range(len(r)):
            for j in range(i + 2, min(len(r), i + 6) + 1):
                yield r[i:j]



def _names_in(en: str) -> list[str]:
    """Capitalised words of an English text that are not sentence-initial or common."""
    out = []
    for m in _CAP_WORD.finditer(en):
        w = m.group(0)
        before = en[: m.start()].rstrip(" *“\"'‘(")
        if not before or (before[-1] in ".!?:…" and not re.search(r"(?:\b[A-Z]\.)+$|\b(?:Mr|Mrs|Ms|Dr|St)\.$", before)):
            continue
        if w in _STOP_CAPS or len(w) < 3:
            continue
        out.append(w)
    return out


def _learn_transliterations(texts: list[_BeadText], lexicon: Lexicon, names: set[str]) -> dict[str, frozenset[str]]:
    """English name -> its Chinese rendering, learned from the bead texts where the name occurs.

    Three sources, tried in order for each name:

    1. CC-CEDICT: a proper-noun headword glossed with the name (特朗普 "Donald
       Trump") that occurs in the Chinese of a bead holding the name;
    2. pinyin: a 2-3 character string whose toneless pinyin spells the name
       (永辉 = Yonghui);
    3. transliteration: a 2-6 character run of transliteration characters whose
       pinyin consonant skeleton matches the name's (葛罗米柯 ~ Gromyko; ratio
       >= 0.85, name skeleton >= 3 classes).
    """
    by_name: dict[str, list[str]] = defaultdict(list)
    for bt in texts:
        for w in set(_names_in(bt.en)) & names:
            by_name[w].append(bt.zh)
    out: dict[str, frozenset[str]] = {}
    for w, zhs in by_name.items():
        heads = [h for h in lexicon.person_names.get(w, ()) if any(h in z for z in zhs)]
        if heads:
            out[w] = frozenset(heads)
            continue
        py_hits = set()
        if len(w) >= 4 and w.isalpha():
            target = w.lower()
            for z in zhs:
                for n in (2, 3):
                    for i in range(len(z) - n + 1):
                        c = z[i:i + n]
                        py = lexicon.pinyin(c) if all("\u4e00" <= ch <= "\u9fff" for ch in c) else None
                        if _flat(py) == target:
                            py_hits.add(c)
        if py_hits:
            out[w] = frozenset(py_hits)
            continue
        sws = _en_skeletons(w, 3)
        if not sws:
            continue
        best: tuple[float, int, str] | None = None
        for z in zhs:
            for c in _translit_spans(z):
                py = lexicon.pinyin(c)
                if not py:
                    continue
                sc = _skeleton_pinyin(py)
                if len(sc) < 3:
                    continue
                ratio = _skeleton_ratio(sws, sc)
                key = (ratio, len(c), c)
                if ratio >= 0.85 and (best is None or key > best):
                    best = key
        if best:
            out[w] = frozenset([best[2]])
    # a rendering claimed by two names (Andrei, Anatoly -> 阿纳托利) says nothing about either
    owners: dict[str, set[str]] = defaultdict(set)
    for w, cs in out.items():
        for c in cs:
            owners[c].add(w)
    return {w: cs for w, cs in out.items() if all(len(owners[c]) == 1 for c in cs)}


def _present_latin(token: str, text: str) -> bool:
    t = token.replace(".", "").lower()
    hay = re.sub(r"[.\u00a0]", "", text).lower()
    return re.search(rf"(?<![a-z]){re.escape(t)}(?![a-z])", hay) is not None


class _Entities:
    """Entity renderings for one document: acronyms and names -> Chinese strings."""

    def __init__(self, texts: list[_BeadText], confident: list[_BeadText], lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        en_names = {w for t in texts for w in _names_in(t.en) if not _DEMONYM.search(w)}
        self.name_map: dict[str, frozenset[str]] = _learn_transliterations(texts, lexicon, en_names)
        if self.name_map:
            log.debug("learned transliterations: %s", {w: sorted(c) for w, c in self.name_map.items()})

    def check(self, bt: _BeadText, src_lang: str) -> list[Flag]:
        flags: list[Flag] = []
        zh_name, en_name = _lang_name("zh"), _lang_name("en")
        # Latin-script tokens written in the Chinese must appear in the English.
        for run in _LATIN_RUN.findall(bt.zh):
            toks = [t for t in re.split(r"[\s\u00a0]+", run) if sum(c.isalpha() for c in t) >= 2]
            missing = [t for t in toks if not _present_latin(t, bt.en)]
            if missing:
                flags.append(Flag("entity_mismatch", Severity.WARNING,
                                  f"{zh_name} has '{run.strip()}'; not in {en_name}"))
        # English acronyms must appear in the Chinese literally or through a CC-CEDICT gloss.
        seen = set()
        for a in _ACRONYM.findall(bt.en):
            if a in seen or _ROMAN.match(a) or a in ("OK", "TV", "AM", "PM"):
                continue
            seen.add(a)
            if _present_latin(a, bt.zh):
                continue
            gloss = self.lexicon.acronyms.get(a, frozenset())
            # a country's one-character abbreviation (美 for 美国 in 俄美) counts too
            short = {h[0] for h in gloss if len(h) == 2 and h[1] in "国盟"}
            if any(h in bt.zh for h in gloss | short):
                continue
            if gloss:
                # info, not a warning: translators expand and abbreviate freely (中共 for CPC, 工银 for
                # ICBC, 新冠 for COVID): on the MQM dev half this warned on 27 clean segments, and on 95 others
                # mostly for the same expansions (CPC 43 times, ICBC 12)
                shown = "/".join(sorted(gloss, key=lambda h: (len(h), h))[:3])
                flags.append(Flag("entity_mismatch", Severity.INFO,
                                  f"{en_name} has {a}; {zh_name} has neither {a} nor {shown} (an expansion or "
                                  f"another abbreviation is common: check it names the same body)"))
            else:
                flags.append(Flag("entity_mismatch", Severity.INFO,
                                  f"{en_name} has {a}; not in {zh_name} (no CC-CEDICT rendering known)"))
        # Names with a known rendering on one side only; a name in the English where the Chinese
        # has another known name instead is a swap (warning), otherwise a hint (info).
        en_low = bt.en.lower()
        # A known name counts at the start of a sentence too ("Ryabkov said ..."). Countries, capitals
        # and the most famous names (CC-CEDICT's bare-word entries: Russia, Moscow) are left out:
        # translations drop, add and swap them freely (俄方 for "Moscow"), so they are noise here.
        bare = self.lexicon.bare_names
        vocab = self.lexicon.english_vocab
        missing = [w for w in sorted(set(_CAP_WORD.findall(bt.en)))
                   if w not in bare and self.name_map.get(w) and not any(c in bt.zh for c in self.name_map[w])
                   # "She" opening a sentence is the pronoun, not 老舍 (Lao She)
                   and not (w.lower() in vocab and w not in _names_in(bt.en))]
        extra = []
        for w, cs in sorted(self.name_map.items()):
            if w in bare:
                continue
            if w.lower()[: max(4, len(w) - 2)] in en_low:  # Ukraine ~ Ukrainian
                continue
            hit = [c for c in cs if c in bt.zh]
            if hit:
                extra.append((w, hit[0]))
        swap = bool(missing and extra)
        strays = [] if swap or not missing else self._unrendered_persons(bt)
        strays_en = [] if swap or missing or not extra else self._unrendered_english(bt)
        if strays_en:
            for w, c in extra:
                flags.append(Flag("entity_mismatch", Severity.WARNING,
                                  f"{zh_name} has {c} ({w}) where {en_name} has {', '.join(strays_en)}, which nothing "
                                  f"in the {zh_name} renders"))
            extra = []
        for w in missing:
            cs = "/".join(sorted(self.name_map[w]))
            if strays:
                flags.append(Flag("entity_mismatch", Severity.WARNING,
                                  f"{en_name} has {w} where {zh_name} has {', '.join(strays)}, which no name in the "
                                  f"{en_name} renders; {w} is {cs} elsewhere in this document"))
            elif swap:
                others = ", ".join(f"{c} ({o})" for o, c in extra)
                flags.append(Flag("entity_mismatch", Severity.WARNING,
                                  f"{en_name} has {w} where {zh_name} has {others}; {w} is {cs} elsewhere in this document"))
            else:
                flags.append(Flag("entity_mismatch", Severity.INFO, f"{en_name} has {w}; {zh_name} has no {cs}"))
        for w, c in extra if not swap else ():  # a swap names them in its warning
            flags.append(Flag("entity_mismatch", Severity.INFO, f"{zh_name} has {c} ({w}); not in {en_name}"))
        return flags

    def _renderings(self, w: str) -> frozenset[str]:
        """Chinese renderings of English name ``w``: learned in this document, or CC-CEDICT's."""
        return self.name_map.get(w, frozenset()) | self.lexicon.person_names.get(w, frozenset())

    def _unrendered_english(self, bt: _BeadText) -> list[str]:
        """Names of the English (not sentence-initial, not a country or capital) that nothing in the Chinese renders.

        Rendered: a learned or CC-CEDICT rendering in the Chinese, its spelling
        as the toneless pinyin of 2-3 characters there, or its consonant
        skeleton matching a run of transliteration characters there.
        """
        bare = self.lexicon.bare_names
        out = []
        spans = [py for py in map(self.lexicon.pinyin, _translit_spans(bt.zh)) if py]
        for w in dict.fromkeys(_names_in(bt.en)):
            if w in bare or _DEMONYM.search(w) or w in _STOP_CAPS or w.lower() in self.lexicon.english_vocab:
                continue
            if any(c in bt.zh for c in self._renderings(w)):
                continue
            low = w.lower()
            if any(_flat(self.lexicon.pinyin(bt.zh[i:i + n])) == low
                   for n in (1, 2, 3) for i in range(len(bt.zh) - n + 1) if _HAN.match(bt.zh[i])):
                continue
            sws = _en_skeletons(w, 2)
            if any(_skeleton_ratio(sws, _skeleton_pinyin(py)) >= 0.75 for py in spans):
                continue
            out.append(w)
        return out

    def _unrendered_persons(self, bt: _BeadText) -> list[str]:
        """Person names of the Chinese (jieba's nr/nrt tags, adjacent ones joined) that no English name renders.

        Rendered: a learned or CC-CEDICT rendering of a capitalised English word
        of the bead, its toneless pinyin spelled there (李勇慧 = Li Yonghui), or
        its consonant skeleton matching an English word's (卢基扬诺夫 ~ Lukyanov).
        """
        import jieba
        import jieba.posseg as pseg

        jieba.setLogLevel(60)  # its dictionary-loading messages are not ours to print

        names, cur = [], ""
        for tok in pseg.cut(bt.zh):
            if tok.flag in ("nr", "nrt") and _HAN.search(tok.word):
                cur += tok.word
            else:
                if len(cur) >= 2:
                    names.append(cur)
                cur = ""
        if len(cur) >= 2:
            names.append(cur)
        if not names:
            return []
        words = set(_CAP_WORD.findall(bt.en))
        joined = {_flat(m.group(0)) for m in re.finditer(r"[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)+", bt.en)}
        shown = set().union(*map(self._renderings, words))
        skels = set().union(*(_en_skeletons(w, 2) for w in words))
        out = []
        common = self.lexicon.common_words
        lower = {w.lower() for w in words}
        for y in dict.fromkeys(names):
            if y in common or (len(y) >= 3 and y[-1] in "于了的着过" and y[:-1] in common) \
                    or any(c in y or y in c for c in shown) or len(y) > 5:
                continue
            m = _ZH_TITLE.search(y)
            if m:  # 程先生 "Mr Cheng", 林兄: a form of address; the surname may be all the English keeps
                sur = self.lexicon.pinyin(y[:m.start()]) if m.start() else None
                if not m.start() or (sur and _flat(sur) in lower):
                    continue
            py = self.lexicon.pinyin(y)
            flat = _flat(py)
            flat_given = _flat(self.lexicon.pinyin(y[1:])) if len(y) == 3 else ""
            if flat and (flat in joined or flat in lower or flat_given in lower):
                continue
            sc = _skeleton_pinyin(py) if py else ""
            if sc and _skeleton_ratio(skels, sc) >= 0.75:
                continue
            out.append(y)
        return out



def check_entities(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> its ``entity_mismatch`` flags (zh-en documents only; the lexicon is loaded only when needed)."""
    src, tgt, texts, two = ctx.src, ctx.tgt, ctx.texts, ctx.two
    if not two or {src.lang, tgt.lang} != {"zh", "en"}:
        return {}
    needs = any(_ACRONYM.search(texts[k].en) or _names_in(texts[k].en) or _LATIN_RUN.search(texts[k].zh)
                for k in two)
    if not needs:
        return {}
    ents = _Entities([texts[k] for k in two], [texts[k] for k in ctx.confident], ctx.lexicon)
    flags: dict[int, list[Flag]] = {}
    for k in two:
        fl = ents.check(texts[k], src.lang)
        if fl:
            flags[k] = fl
    return flags
