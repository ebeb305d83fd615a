"""Numbers, dates, percentages and ranges in Chinese and English text.

``extract_numbers(text, lang)`` finds the numeric mentions of one text and
normalises each to a float; ``compare_numbers(...)`` compares two texts'
mentions (``unmatched``: as multisets, except that a value repeated on one side
is matched by a single mention of it on the other) and returns a one-line
reason when they disagree.

What is recognised (both languages unless said otherwise):

* Arabic and full-width digits (``30,000``, ``１９９７``, ``2.0``), decimal points;
* Chinese numerals and magnitudes (``三千``, ``3000億`` = 3000 x 10^8,
  ``1.5万``), read with cn2an after OpenCC t2s (Traditional works);
* English scale words (``300 billion``, ``1.5 million``) and number words
  (``five``, ``twenty-five``, ``a hundred``);
* percentages (``5%``, ``five percent``, ``百分之五``);
* dates, split into components: ``year``, ``month``, ``day`` mentions
  (``26 June 1945``, ``June 26, 1945``, ``the 25th of April``,
  ``1945年6月26日``, ``2022-01-12``), so that ``10日`` matches
  ``January 10`` (a translator may add or drop an implied month);
* ranges ``1952-1953`` / ``1952–53`` / ``1952年至1953年`` as two years;
* decades (``the 1990s``, ``the '90s``, ``上世紀90年代``) as the decade's first year;
* ordinals (``第二``, ``21st``, ``second``);
* vague amounts (``數百萬``, ``十餘個``, ``20多``, ``百余``, ``millions``, ``billions and
  billions``, ``several hundred``): ``vague=True``, never a mismatch on their own;
* approximate pairs (``两三``, ``十五六``, ``一万六七千`` = 16,000 or 17,000, ``two or
  three hundred``): both values, vague;
* ranges sharing one magnitude (``13.8 to 14.3 billion``, ``$3-5 billion``,
  ``4至6万``): the first number takes the magnitude too (13.8 billion);
* fractions of a scale (``a quarter of a million`` = 250,000, ``half a million``,
  ``one and a half million``), ``per million`` (= 每百万), bare magnitudes before a
  measure word or after 每 (``百人`` = 100 people, ``每百万``), and multipliers
  (``twice``, ``thrice``, ``tenfold`` ~ 2倍, 3倍, 10倍): weak.

A mention is *weak* when it is easily rendered without a number in a good
translation: spelled-out numbers up to ten (``一个`` = "a", ``two`` = "both"),
ordinal words (``first`` = 首先), a bare month, and the digits of a name-like code
glued to capital letters (``COVID-19``, ``MH17``, ``G20``, ``F-16``: a name, no
quantity). Weak and vague mentions can match a number on the other side but
never cause a mismatch themselves.

Values are floats in natural units: a percentage ``5%`` is 5.0 (kind
``percent``), a decade is its first year, a month is 1-12, a day 1-31.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["NumberMention", "extract_numbers", "compare_numbers", "describe_mismatch", "format_value", "unmatched"]


@dataclass(frozen=True)
class NumberMention:
    """One numeric mention in a text.

    ``value``: the number (float, natural units; see module doc).
    ``kind``: ``number`` | ``percent`` | ``year`` | ``month`` | ``day`` |
    ``decade`` | ``ordinal`` | ``time``.
    ``surface``: the text it was read from (original characters).
    ``vague``: an approximate amount (數百萬, millions); never compared exactly.
    ``weak``: may legitimately have no counterpart (see module doc).
    """

    value: float
    kind: str
    surface: str
    vague: bool = False
    weak: bool = False


LANG_NAMES = {"zh": "Chinese", "en": "English"}

# --------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------
#: Full-width digits and signs to ASCII, one character for one (positions kept).
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９％．，－～：",
    "0123456789%.,-~:",
)
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "〜": "~"})
#: Circles typeset as the zero of Chinese numerals (一九六○年): ○ U+25CB, ◯ U+25EF, Ｏ.
_ZH_ZERO = str.maketrans({"○": "〇", "◯": "〇", "Ｏ": "〇"})
#: Number-relevant Traditional characters, used when OpenCC changes the length.
_T2S_NUM = str.maketrans("萬億兩數餘幾週個點參貳陸拾佰仟廿", "万亿两数余几周个点参贰陆十百千廿")


@functools.lru_cache(maxsize=1)
def _t2s():
    """OpenCC Traditional -> Simplified converter (built once, on first use)."""
    import opencc

    return opencc.OpenCC("t2s")


def _normalise(text: str, lang: str) -> str:
    """Same-length normalised text: full-width -> ASCII, dashes unified, zh in Simplified."""
    t = text.translate(_FULLWIDTH).translate(_DASHES)
    if lang == "zh":
        t = t.translate(_ZH_ZERO)
        conv = _t2s().convert(t)
        t = conv if len(conv) == len(t) else t.translate(_T2S_NUM)
    return t


# --------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------
_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_MAG = "十百千万亿"
_CN_ALL = _CN_DIGIT + _CN_MAG
_NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUM = rf"(?:[{_CN_DIGIT}]|十)[{_CN_ALL}]*(?:点[{_CN_DIGIT}]+)?"
_ANY = rf"(?:(?:{_NUM})[{_CN_MAG}]*|{_CN_NUM})"
_CN_DAYNUM = rf"(?:\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})"
_CN_YEAR = rf"(?:\d{{4}}|[{_CN_DIGIT}]{{4}})"
#: Digits of an approximate pair: 两三 (two or three), 十五六 (15 or 16), 三四十 (30 or 40), 七八百, 三五.
_APPROX = "一二两三四五六七八九"
_APPROX_VALUE = {c: v for v, c in enumerate("零一二三四五六七八九", 0)} | {"两": 2}
#: Measure words after which a lone Chinese numeral (一, 三, 十) is a number.
_CN_CLASSIFIERS = "个次年月日号天周名位人国项条倍岁架枚艘辆家种份件轮届场层部支批座所句步篇本张页元小时分钟秒公里米吨代任期阶段方"

_ZH_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("footnote", re.compile(r"\[\d{1,3}\]")),
    ("full_percent", re.compile(r"百分之百")),
    ("decades", re.compile(rf"(\d{{2}}|[{_CN_DIGIT}十]{{2,3}})\s*[和与、至到-]\s*(\d{{2}}|[{_CN_DIGIT}十]{{2,3}})\s*年代")),
    ("iso", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("time", re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::\d{2})?(?!\d)")),
    ("vague", re.compile(rf"数以?[{_CN_MAG}]+计?|[几上][{_CN_MAG}]+|成千上万|千千万万|成百上千|千百万|亿万")),
    ("vague_more", re.compile(rf"(?<![\d{_CN_ALL}])({_ANY}|[百千万])(余|多|几)([{_CN_MAG}]*)")),
    ("enum", re.compile(r"^\s*(\d{1,3})\s*[.、](?![\d\s]*$)(?!\d)")),
    ("approx", re.compile(rf"(?<![\d{_CN_ALL}])((?:[{_CN_DIGIT}]?[{_CN_MAG}])*)([{_APPROX}])([{_APPROX}])([{_CN_MAG}]*)"
                          rf"(?![\d零〇一二三四五六七八九]|两[{_CN_ALL}])")),
    ("shared_range", re.compile(rf"(?<![\d.,])({_NUM})\s*(?:至|到|~|-)\s*({_NUM})\s*([万亿]+)")),
    ("percent", re.compile(rf"百分之({_ANY})|({_NUM})\s*%|({_ANY})\s*个百分点")),
    ("decade", re.compile(rf"(上个?世纪|二十世纪|20世纪|本世纪|二十一世纪|21世纪)?\s*(\d{{2}}|\d{{4}}|[{_CN_DIGIT}十]{{2,3}})\s*年代")),
    ("ymd", re.compile(rf"(?<!\d)({_CN_YEAR})\s*年\s*({_CN_DAYNUM})\s*月\s*({_CN_DAYNUM})\s*[日号]")),
    ("ym", re.compile(rf"(?<!\d)({_CN_YEAR})\s*年\s*({_CN_DAYNUM})\s*月(?!\d)")),
    ("md", re.compile(rf"(?<![\d{_CN_ALL}])({_CN_DAYNUM})\s*月\s*({_CN_DAYNUM})\s*[日号]")),
    ("md_lunar", re.compile(rf"(?<![\d{_CN_ALL}])({_CN_DAYNUM})\s*月\s*(初[一二三四五六七八九十]|廿[一二三四五六七八九]"
                            rf"|十[一二三四五六七八九]?|二十[一二三四五六七八九]?|三十)(?![{_CN_ALL}日号])")),
    ("yrange", re.compile(r"(?<!\d)(\d{4})\s*[-~至到]\s*(\d{2,4})\s*年(?!代)")),
    ("year", re.compile(rf"(?<!\d)({_CN_YEAR})\s*年(?!代)")),
    ("ordinal", re.compile(rf"第\s*({_ANY})")),
    ("month", re.compile(rf"(?<![\d{_CN_ALL}])({_CN_DAYNUM})\s*月(?!份?[{_CN_CLASSIFIERS[:1]}])")),
    ("day", re.compile(rf"(?<![\d{_CN_ALL}])(\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})\s*[日号](?!本|报|元)")),
    ("bare_mag", re.compile(rf"(?<![\d{_CN_ALL}])[百千万亿]+")),
    ("plain", re.compile(rf"(?:{_NUM})\s*[{_CN_MAG}]*|{_CN_NUM}")),
]


#: Something every ``_ZH_PATTERNS`` mention holds (in the normalised text: ASCII digits, Simplified numerals):
#: a digit or a numeral character. Half of a novel's sentences have none, and the patterns are not run over them.
_ZH_ANY = re.compile(rf"[\d{_CN_ALL}]")


_NUMBER_WORD = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
                          r"|sixty|seventy|eighty|ninety|hundred|thousand|million|billion)\b", re.I)


def idiom_words(entries) -> list[str]:
    """Set phrases of CC-CEDICT (4+ characters) whose numerals are not quantities, longest first.

    A phrase is kept out (its numbers still read) when one of its glosses has a
    digit or a cardinal number word: 四十二章经 "Sutra of Forty-two Sections",
    百分之百 "a hundred percent", 一二九运动 "December 9th Movement". Left in:
    八九不离十 "pretty close", 三三两两 "in twos and threes", 一五一十 "in full detail".
    """
    words = set()
    for e in entries:
        w = e["simplified"]
        if len(w) >= 4 and any(c in _CN_ALL for c in w) and re.fullmatch(r"[\u4e00-\u9fff]+", w) \
                and not any(_NUMBER_WORD.search(d) for d in e["definitions"]):
            words.add(w)
    return sorted(words, key=len, reverse=True)


@functools.lru_cache(maxsize=1)
def _idiom_re() -> re.Pattern:
    """``idiom_words`` as one regex (from the prebuilt dictionary index, ``aligner.lexindex``)."""
    from .lexindex import tables

    return re.compile("|".join(map(re.escape, tables()["idioms"])) or r"(?!)")


#: Chinese magnitude characters and their values.
_MAGNITUDES = {"十": 10.0, "百": 100.0, "千": 1000.0, "万": 1e4, "亿": 1e8}


def _magnitude(chars: str) -> float:
    """Product of the magnitudes among ``chars`` (十万 = 1e5; other characters count 1)."""
    return math.prod(_MAGNITUDES.get(c, 1.0) for c in chars)


class Readings(Protocol):
    """Where cn2an's readings are kept (``aligner.memo.Memo``): ``get(numeral)`` -> the stored ``[value]`` or
    None, ``put(numeral, [value])``."""

    def get(self, text: str) -> Any | None: ...

    def put(self, text: str, value: Any) -> None: ...


def _cn_value(s: str, readings: Readings | None = None) -> float | None:
    """Value of a Chinese/Arabic/mixed numeral (Simplified, ASCII digits), or None; ``readings``: where cn2an's
    readings are kept between runs (None: this process only)."""
    s = s.replace(",", "").replace(" ", "")
    if not s:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    if all(c in _CN_DIGIT for c in s) and len(s) == 2:  # 一一 "one by one", 六六(粉), 五四: not a quantity
        return None
    if all(c in _CN_DIGIT for c in s) and len(s) > 2:  # 二〇二二, 九一一: digit by digit
        return float("".join(str("零一二三四五六七八九".find(c)) if c not in "〇两" else ("0" if c == "〇" else "2")
                             for c in s))
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千万亿]+)", s)
    if m:  # 3000亿 = 3000 x 10^8 (cn2an's smart mode agrees; done here to keep it exact)
        return float(m.group(1)) * _magnitude(m.group(2))
    if readings is None:
        return _cn2an(s)
    got = readings.get(s)
    if not (isinstance(got, list) and len(got) == 1 and (got[0] is None or isinstance(got[0], (int, float)))):
        got = [_cn2an(s)]
        readings.put(s, got)
    return got[0]


@functools.lru_cache(maxsize=65_536)
def _cn2an(s: str) -> float | None:
    """cn2an's smart reading of ``s`` (a pure function: kept in this process; importing cn2an costs ~0.3 s)."""
    import cn2an

    try:
        return float(cn2an.cn2an(s, "smart"))
    except Exception:  # cn2an raises ValueError and others on what it cannot read
        return None


def number_readings(cache_dir) -> Readings | None:
    """cn2an's readings kept in ``cache_dir``'s analysis cache (None: no cache): a warm run never imports cn2an
    (~0.3 s: it compiles its patterns)."""
    if not cache_dir:
        return None
    from .memo import Memo, version_of

    return Memo(cache_dir, f"cn2an-smart:{version_of('cn2an')}")


def _spelled(s: str) -> bool:
    return not any(c.isdigit() for c in s)


#: Currency codes written glued to an amount (RMB300): an amount, not a name.
_CURRENCY_CODES = frozenset({"RMB", "CNY", "USD", "US", "HKD", "EUR", "GBP", "JPY", "SGD", "MOP", "NTD", "NT",
                             "AUD", "CAD", "CHF", "INR", "KRW", "Rs", "Rmb"})


def _code_like(t: str, a: int) -> bool:
    """Whether the digits starting at ``t[a]`` end a name-like code: COVID-19, MH17, G20, F-16, SARS-CoV-2.

    Latin letters (at least one a capital) glued to the digits, directly or by one
    hyphen: a product, flight, group or disease name, which a translation keeps
    or renders by name (新冠, 二十国集团) rather than as a quantity. Not when the
    letters are a currency code (RMB300) or a lower-case word (mid-2020, top-10).
    """
    k = a - 1 if t[a - 1:a] == "-" else a
    j = k
    while j > 0 and t[j - 1].isascii() and t[j - 1].isalpha():
        j -= 1
    word = t[j:k]
    return bool(word) and any(c.isupper() for c in word) and word not in _CURRENCY_CODES \
        and word.lower() not in ("mid", "pre", "post", "late", "early", "top", "under", "over", "ad", "bc")


def _approx_pair(head: str, d1: int, d2: int, mag: str, readings: Readings | None = None) -> tuple[float, float] | None:
    """The two values of an approximate pair ``head`` + ``d1``/``d2`` + ``mag``, or None.

    十五六 = 15/16 and 二十三四万 = 23/24 x 10^4 (the head is below the trailing
    magnitude: the whole is multiplied); 一万六七千 = 16,000/17,000 (the head is
    above it: the pair counts in the trailing magnitude); 一万五六 = 15,000/16,000
    and 三千五六 = 3,500/3,600 (no trailing magnitude: the pair counts in the unit
    below the head's last one, as 一万五 = 15,000).
    """
    mult = _magnitude(mag)
    if not head:
        return d1 * mult, d2 * mult
    hv = _cn_value(head, readings)
    if hv is None:
        return None
    last = _MAGNITUDES[head[-1]]
    if last < mult:
        return (hv + d1) * mult, (hv + d2) * mult
    if last == mult:
        return None
    unit = mult if mag else last / 10
    return hv + d1 * unit, hv + d2 * unit


def _shared_range(lo: float, hi: float, scale: float) -> tuple[float, float] | tuple[None, None]:
    """``lo`` to ``hi`` followed by one magnitude (4 to 6 million, 4至6万): both scaled, or (None, None).

    Read so only when ``lo`` < 10 x ``hi``: "from 500 to 6 million" is 500 and
    6 million (a growth), not a range of millions.
    """
    if not lo < 10 * hi:
        return None, None
    return lo * scale, hi * scale


def _extract_zh(orig: str, t: str, readings: Readings | None = None) -> list[NumberMention]:
    out: list[NumberMention] = []
    if not _ZH_ANY.search(t):
        return out
    taken = [False] * len(t)

    def value(x: str) -> float | None:
        return _cn_value(x, readings)

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def add(value, kind, a, b, vague=False, weak=False):
        if value is None or not math.isfinite(float(value)):  # 300-digit runs are not quantities
            return
        out.append(NumberMention(float(value), kind, orig[a:b].strip(), vague, weak))

    for m in _idiom_re().finditer(t):  # 八九不离十, 三三两两: numerals in a set phrase are no quantity
        for k in range(*m.span()):
            taken[k] = True
    for name, pat in _ZH_PATTERNS:
        for m in pat.finditer(t):
            a, b = m.span()
            if a == b or not free(a, b):
                continue
            g = m.groups()
            if name == "footnote":
                pass
            elif name == "iso":
                add(int(g[0]), "year", a, b)
                add(int(g[1]), "month", a, b, weak=True)
                add(int(g[2]), "day", a, b)
            elif name == "time":
                add(int(g[0]) * 100 + int(g[1]), "time", a, b)
            elif name == "full_percent":
                add(100.0, "percent", a, b)
            elif name == "decades":  # 五十和六十年代: both are decades
                for x in g:
                    d = value(x)
                    if d is not None and d < 100:
                        add(1900 + d, "decade", a, b)
            elif name == "md_lunar":  # 八月初九, 八月十五 (lunar or plain dates written without 日)
                mo, d = value(g[0]), value(g[1].lstrip("初").replace("廿", "二十"))
                if mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 30):
                    continue
                add(mo, "month", a, b, weak=True)
                add(d, "day", a, b)
            elif name == "vague":
                add(_magnitude(m.group(0)), "number", a, b, vague=True)
            elif name == "vague_more":  # 十余, 20多, 百余 (a bare 百 is 一百)
                base = _MAGNITUDES[g[0]] if g[0] in _MAGNITUDES else value(g[0])
                if base is None:
                    continue
                add(base * _magnitude(g[2]), "number", a, b, vague=True)
            elif name == "enum":  # "2．流言": a heading's section number, often left out of a translation
                add(int(g[0]), "number", a, b, weak=True)
            elif name == "approx":
                d1, d2 = _APPROX_VALUE[g[1]], _APPROX_VALUE[g[2]]
                if not (d2 == d1 + 1 or (d1, d2) == (3, 5)):
                    continue
                pair = _approx_pair(g[0], d1, d2, g[3], readings)
                if pair is None:
                    continue
                # "two or three": either value may be the translator's; neither is required
                add(pair[0], "number", a, b, vague=True)
                add(pair[1], "number", a, b, vague=True)
            elif name == "shared_range":  # 4至6万: 40,000 to 60,000
                lo, hi = _shared_range(_num(g[0]), _num(g[1]), _magnitude(g[2]))
                if lo is None:
                    continue
                add(lo, "number", a, b)
                add(hi, "number", a, b)
            elif name == "bare_mag":  # 百人 (a hundred people), 每百万 (per million): 一 left out, weak
                if not (t[a - 1:a] == "每" or (t[b:b + 1] and t[b:b + 1] in _CN_CLASSIFIERS)):
                    continue
                add(_magnitude(m.group(0)), "number", a, b, weak=True)
            elif name == "percent":
                s = g[0] or g[1] or g[2]
                v = value(s)
                add(v, "percent", a, b)
            elif name == "decade":
                d = value(g[1])
                if d is None:
                    continue
                if d < 100:
                    century = 2000 if g[0] and ("本" in g[0] or "21" in g[0] or "二十一" in g[0]) else 1900
                    d = century + d
                add(d, "decade", a, b)
            elif name in ("ymd", "ym"):
                y, mo = value(g[0]), value(g[1])
                if y is None or mo is None or not 1 <= mo <= 12:
                    continue
                add(y, "year", a, b)
                add(mo, "month", a, b, weak=True)
                if name == "ymd":
                    add(value(g[2]), "day", a, b)
            elif name == "md":
                mo, d = value(g[0]), value(g[1])
                if mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31):
                    continue
                add(mo, "month", a, b, weak=True)
                add(d, "day", a, b)
            elif name == "yrange":
                y1, y2 = int(g[0]), int(g[1])
                if len(g[1]) == 2:
                    y2 = y1 // 100 * 100 + y2
                add(y1, "year", a, b)
                add(y2, "year", a, b)
            elif name == "year":
                add(value(g[0]), "year", a, b)
            elif name == "ordinal":
                v = value(g[0])
                add(v, "ordinal", a, b, weak=_spelled(g[0]) and v is not None and v <= 10)
            elif name == "month":
                mo = value(g[0])
                if mo is None or not 1 <= mo <= 12:
                    continue
                add(mo, "month", a, b, weak=True)
            elif name == "day":
                d = value(g[0])
                if d is None or not 1 <= d <= 31:
                    continue
                add(d, "day", a, b, weak=_spelled(g[0]) and d <= 10)
            elif name == "plain":
                s = m.group(0).strip()
                if len(s) >= 2 and s.endswith("两") and s[-2] in _CN_ALL + "0123456789" and t[b:b + 1] not in _CN_CLASSIFIERS:
                    s = s[:-1]  # 一万两银子, 三两黄金: 两 is the unit tael (liang), not 2
                    b -= 1
                if _spelled(s) and len(s) == 1:
                    nxt = t[b:b + 1]
                    if not nxt or nxt not in _CN_CLASSIFIERS:
                        continue
                v = value(s)
                if v is None:
                    continue
                kind = "year" if (re.fullmatch(r"\d{4}", s) and 1000 <= v <= 2100) else "number"
                add(v, kind, a, b, weak=(_spelled(s) and v <= 10) or (kind == "number" and _code_like(t, a)))
            else:  # pragma: no cover
                continue
            for k in range(a, b):
                taken[k] = True
    return out


# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)(?![a-z])")
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_ORD_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "bn": 1e9}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_ORD_RE = "|".join(sorted(_ORD_WORDS, key=len, reverse=True))
_SCALE_RE = "hundred|thousand|million|billion|trillion"
_WORDNUM = rf"(?:(?:{_UNIT_RE}|a|an)(?:[\s-]+(?:and[\s-]+)?(?:{_UNIT_RE}|{_SCALE_RE}))*)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_VAGUE_SCALE = r"(?:tens|dozens|hundreds|thousands|millions|billions|trillions)"
_DECADE_WORD = r"twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties"
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3}
_SMALL = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"

_EN_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("footnote", re.compile(r"\[\d{1,3}\]")),
    ("enum", re.compile(r"^\s*(\d{1,3})\s*[.)](?=\s+[A-Z])")),
    ("iso", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("time", re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::\d{2})?(?!\d)")),
    ("vague", re.compile(
        rf"(?i:\b(?:several|a\s+few|few|many|some)\s+(?:dozen|hundred|thousand|million|billion|trillion)s?\b"
        rf"|\b{_VAGUE_SCALE}(?:\s+(?:and|of|upon|or)\s+{_VAGUE_SCALE})*\b|\bdozens?\b)")),
    ("dmy", re.compile(rf"(?:\bthe\s+)?(?<!\d){_DAY}\s+(?:of\s+)?({_MONTH}),?\s+(\d{{4}})(?!\d)")),
    ("mdy", re.compile(rf"({_MONTH})\s+{_DAY}(?!\d),?\s+(\d{{4}})(?!\d)")),
    ("my", re.compile(rf"({_MONTH}),?\s+(?:of\s+)?(\d{{4}})(?!\d)")),
    ("dm", re.compile(rf"(?:\bthe\s+)?(?<!\d){_DAY}\s+(?:of\s+)?({_MONTH})")),
    ("md", re.compile(rf"({_MONTH})\s+{_DAY}(?![\d,.]\d)(?!\d)")),
    ("month", re.compile(rf"\b({_MONTH})")),
    ("decade", re.compile(r"(?:\bthe\s+)?['’]?(?<!\d)(\d{2}|\d{4})['’]?s\b")),
    ("age", re.compile(rf"(?i:\b(?:his|her|their|my|your|our|its|early|mid|late)[\s-]+({_DECADE_WORD})\b)")),
    ("decade_word", re.compile(rf"(?i:\bthe\s+(?:nineteen[\s-]?)?({_DECADE_WORD})(?:\s+(?:and|or|to)\s+({_DECADE_WORD}))?\b)")),
    ("percent", re.compile(rf"(?i:(?<![\d.])({_NUM})\s*(?:%|percent\b|per\s+cent\b)"
                           rf"|\b({_WORDNUM})\s+(?:percent|per\s+cent)\b)")),
    ("yrange", re.compile(r"(?<![\d.,])(\d{4})\s*-\s*(\d{2}|\d{4})(?![\d.])")),
    ("shared_range", re.compile(rf"(?i:(\bbetween\s+\$?)?(?<![\d.,])({_NUM})\s*(-|to|or|and)\s*\$?\s*({_NUM})\s*-?\s*"
                                rf"({_SCALE_RE}|bn)\b)")),
    ("and_half", re.compile(rf"(?i:(?:(?<![\d.,])(\d+)|\b({_UNIT_RE}))\s+and\s+a\s+half\s+({_SCALE_RE})\b)")),
    ("fraction", re.compile(rf"(?i:\b(?:(a|an|one|two|three)\s+)?(half|quarters?|thirds?)\s+(?:of\s+)?(?:an?\s+)?"
                            rf"({_SCALE_RE})\b)")),
    ("per_scale", re.compile(rf"(?i:\bper\s+((?:{_SCALE_RE})(?:[\s-]+(?:{_SCALE_RE}))*)\b)")),
    ("multiplier", re.compile(rf"(?i:\b(twice|thrice|(?:{_UNIT_RE}|hundred)fold)\b)")),
    ("scaled", re.compile(rf"(?i:(?<![\d.,])({_NUM})\s*-?\s*({_SCALE_RE}|bn)\b)")),
    ("ordinal", re.compile(rf"(?<![\d.,])(\d+)(?:st|nd|rd|th)\b|(?i:\b((?:(?:{_UNIT_RE})-)?(?:{_ORD_RE}))\b)")),
    ("approx", re.compile(rf"(?i:\b({_SMALL})\s+(?:or|and|to)\s+({_SMALL})(?:\s+({_SCALE_RE}))?\b)")),
    ("words", re.compile(rf"(?i:\b{_WORDNUM}\b)")),
    ("plain", re.compile(rf"(?<![\d.,])(?:{_NUM})(?![\d])")),
]


#: Something every ``_EN_PATTERNS`` mention holds: a digit, a number, ordinal, scale or decade word, or a month
#: name, at a word start. A text with none of them has no mention, and the ~30 patterns are not run over it.
_EN_ANY = re.compile(rf"\d|(?i:\b(?:{_UNIT_RE}|{_ORD_RE}|{_SCALE_RE}|tens|dozens?|twice|thrice|{_DECADE_WORD}))"
                     rf"|\b{_MONTH}")


#: The letters ``re.IGNORECASE`` equates with ASCII ones (Python's ``re`` docs): long s (U+017F), Kelvin sign
#: (U+212A), dotless i (U+0131) and dotted capital I (U+0130). A (?i) pattern matches "ſecond" or "thırd", whose
#: ``lower()`` is no key of the tables below (KeyError: exit 70 on an 18th-century text's "ſecond").
_FOLD = str.maketrans({"\u017f": "s", "\u212a": "k", "\u0131": "i", "\u0130": "i"})


def _fold(word: str) -> str:
    """``word`` lower-cased as the (?i) patterns read it: a key of ``_UNITS``, ``_ORD_WORDS``, ``_SCALES``..."""
    return word.translate(_FOLD).lower()


def _decade_word(word: str) -> int:
    """The tens of a decade word: "eighties" -> 80."""
    return _UNITS[_fold(word)[:-3] + "y"]


def _words_value(s: str) -> float | None:
    """Value of English number words ("twenty-five", "a hundred", "two million"), or None."""
    toks = [w for w in re.split(r"[\s-]+", _fold(s)) if w and w != "and"]
    if not toks or all(w in ("a", "an") for w in toks):
        return None
    total, cur, seen = 0.0, 0.0, False
    article = False  # "a hundred" = 100, but "a twenty-one-year-old" = 21
    for w in toks:
        if w in ("a", "an"):
            cur = max(cur, 1.0)
            article = True
            continue
        if w in _UNITS:
            if article and cur == 1.0:
                cur = 0.0
            r = cur % 100  # the part below a hundred so far: only "twenty" + "one" may follow on
            if r and not (r >= 20 and r % 10 == 0 and _UNITS[w] < 10):
                return None  # "nine thirty" (a time), "twenty twenty", "eleven two": not one number
            cur += _UNITS[w]
            seen = True
        elif w in _SCALES:
            sc = _SCALES[w]
            cur = max(cur, 1.0) * sc
            seen = True
            if sc >= 1000:
                total += cur
                cur = 0.0
        else:
            return None
        article = False
    return total + cur if seen else None


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _extract_en(orig: str, t: str) -> list[NumberMention]:
    out: list[NumberMention] = []
    if not _EN_ANY.search(t):
        return out
    taken = [False] * len(t)

    def add(value, kind, a, b, vague=False, weak=False):
        if value is None or not math.isfinite(float(value)):  # 300-digit runs are not quantities
            return
        out.append(NumberMention(float(value), kind, orig[a:b].strip(), vague, weak))

    def month(s: str) -> int:
        return _MONTHS[_fold(s).rstrip(".")]

    for name, pat in _EN_PATTERNS:
        for m in pat.finditer(t):
            a, b = m.span()
            if a == b or any(taken[a:b]):
                continue
            g = m.groups()
            if name == "footnote":
                pass
            elif name == "iso":
                if not 1 <= int(g[1]) <= 12:
                    continue
                add(int(g[0]), "year", a, b)
                add(int(g[1]), "month", a, b, weak=True)
                add(int(g[2]), "day", a, b)
            elif name == "time":
                add(int(g[0]) * 100 + int(g[1]), "time", a, b)
            elif name == "vague":
                s = _fold(m.group(0))
                v = 12.0 if "dozen" in s else 1.0
                for w, sc in _SCALES.items():
                    if w in s and w != "bn":
                        v = max(v, sc)
                if s.startswith("tens"):
                    v = 10.0 if v == 1.0 else v * 10
                add(v, "number", a, b, vague=True)
            elif name in ("dmy", "mdy"):
                d, mo, y = (g[0], g[1], g[2]) if name == "dmy" else (g[1], g[0], g[2])
                if not 1 <= int(d) <= 31:
                    continue
                add(int(y), "year", a, b)
                add(month(mo), "month", a, b, weak=True)
                add(int(d), "day", a, b)
            elif name == "my":
                add(int(g[1]), "year", a, b)
                add(month(g[0]), "month", a, b, weak=True)
            elif name in ("dm", "md"):
                d, mo = (g[0], g[1]) if name == "dm" else (g[1], g[0])
                if not 1 <= int(d) <= 31:
                    continue
                add(month(mo), "month", a, b, weak=True)
                add(int(d), "day", a, b)
            elif name == "month":
                add(month(g[0]), "month", a, b, weak=True)
            elif name == "decade":
                d = int(g[0])
                if len(g[0]) == 4 and d % 10:
                    continue
                if len(g[0]) == 2:
                    if d % 10:
                        continue
                    d += 1900
                add(d, "decade", a, b)
            elif name == "enum":  # "2. Gossip": a heading's section number
                add(int(g[0]), "number", a, b, weak=True)
            elif name == "age":  # "in his thirties" = 三十多岁: about 30
                add(float(_decade_word(g[0])), "number", a, b, vague=True)
            elif name == "decade_word":  # the eighties = the 1980s (as 八十年代 reads); "in his sixties" is an age
                for x in g:
                    if x:
                        add(1900 + _decade_word(x), "decade", a, b)
            elif name == "approx":  # "two or three hundred" = 二三百: either value, neither required
                sc = _SCALES[_fold(g[2])] if g[2] else 1.0
                v1, v2 = _UNITS[_fold(g[0])], _UNITS[_fold(g[1])]
                if not v1 < v2 <= 2 * v1 + 10:
                    continue
                add(v1 * sc, "number", a, b, vague=True)
                add(v2 * sc, "number", a, b, vague=True)
            elif name == "percent":
                v = _num(g[0]) if g[0] else _words_value(g[1])
                add(v, "percent", a, b)
            elif name == "yrange":
                y1, y2 = int(g[0]), int(g[1])
                if len(g[1]) == 2:
                    y2 = y1 // 100 * 100 + y2
                if not (1000 <= y1 <= 2100 and y1 < y2 <= 2100):
                    continue
                add(y1, "year", a, b)
                add(y2, "year", a, b)
            elif name == "shared_range":  # 13.8 to 14.3 billion, $3-5 billion: the first is in billions too
                if _fold(g[2]) == "and" and not g[0]:
                    continue  # "27 countries and 450 million people": "and" joins a range only after "between"
                lo, hi = _shared_range(_num(g[1]), _num(g[3]), _SCALES[_fold(g[4])])
                if lo is None:
                    continue
                add(lo, "number", a, b)
                add(hi, "number", a, b)
            elif name == "fraction":  # a quarter of a million = 250,000 (weak, as "a million" is)
                n = _UNITS.get(_fold(g[0] or "one"), 1)
                add(n * _FRACTIONS[_fold(g[1])] * _SCALES[_fold(g[2])], "number", a, b, weak=True)
            elif name == "and_half":  # one and a half million = 1.5 million
                n = _num(g[0]) if g[0] else _UNITS[_fold(g[1])]
                add((n + 0.5) * _SCALES[_fold(g[2])], "number", a, b)
            elif name == "per_scale":  # per million = 每百万 (weak: 每一百万, 每百万 or nothing in Chinese)
                add(_words_value(g[0]), "number", a, b, weak=True)
            elif name == "multiplier":  # twice, thrice, tenfold ~ 2倍, 3倍, 10倍 (or 两次, 再)
                w = _fold(g[0])
                v = {"twice": 2, "thrice": 3}.get(w) or _words_value(w[:-4])
                add(v, "number", a, b, weak=True)
            elif name == "scaled":
                add(_num(g[0]) * _SCALES[_fold(g[1])], "number", a, b)
            elif name == "ordinal":
                if g[0]:
                    add(int(g[0]), "ordinal", a, b)
                else:
                    parts = _fold(g[1]).split("-")
                    v = _ORD_WORDS[parts[-1]] + (_UNITS[parts[0]] if len(parts) == 2 else 0)
                    add(v, "ordinal", a, b, weak=True)
            elif name == "words":
                s = m.group(0)
                v = _words_value(s)
                if v is None:
                    continue
                small = v <= 10 or _fold(s).split()[0] in ("a", "an")
                add(v, "number", a, b, weak=small)
            elif name == "plain":
                s = m.group(0)
                v = _num(s)
                kind = "year" if (re.fullmatch(r"\d{4}", s) and 1000 <= v <= 2100) else "number"
                add(v, kind, a, b, weak=kind == "number" and _code_like(t, a))
            else:  # pragma: no cover
                continue
            for k in range(a, b):
                taken[k] = True
    return out


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
def extract_numbers(text: str, lang: str, readings: Readings | None = None) -> list[NumberMention]:
    """All numeric mentions of ``text`` (``lang`` "zh" or "en"), in no particular order.

    ``readings``: where cn2an's readings of Chinese numerals are kept between runs (``number_readings``; None:
    this process only). Never raises on arbitrary text; an unknown ``lang`` raises ``ValueError``.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    if not text:
        return []
    t = _normalise(text, lang)
    return _extract_zh(text, t, readings) if lang == "zh" else _extract_en(text, t)


def format_value(m: NumberMention) -> str:
    """The value in plain words: ``300 billion``, ``30,000``, ``5%``, ``1997``."""
    v = m.value
    if m.kind == "percent":
        return f"{v:g}%"
    if m.kind in ("year", "decade", "month", "day", "ordinal", "time"):
        return f"{v:g}"
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= scale:
            return f"{v / scale:g} {word}"
    return f"{int(v):,}" if v == int(v) else f"{v:,g}"


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


def _describe(m: NumberMention) -> str:
    shown = format_value(m)
    digits = re.sub(r"[^\d.]", "", m.surface)
    plain = re.sub(r"[^\d.]", "", shown)
    if digits and digits == plain:
        return m.surface
    return f"{m.surface} = {shown}"


def unmatched(a: list[NumberMention], b: list[NumberMention]) -> tuple[list[NumberMention], list[NumberMention]]:
    """The strong (not weak, not vague) mentions of each side left without an equal value on the other.

    Matching is by value, greedily: strong with strong first, then a strong
    mention may match a weak or vague one of the same value ("more than 10" ~ 十餘).
    A mention left over after that whose value the other side has (a value
    said twice on one side, once on the other: 前20%与后20% = "the top and
    bottom 20%") is matched too, as sets of values, when the other side has
    nothing left over: "the top 20% and bottom 25%" keeps both 20% and 25%.
    """
    used_a = [False] * len(a)
    used_b = [False] * len(b)

    def strong(m):
        return not (m.weak or m.vague)

    for strict in (True, False):
        for i, x in enumerate(a):
            if used_a[i]:
                continue
            for j, y in enumerate(b):
                if used_b[j] or not _same(x.value, y.value):
                    continue
                if strict and not (strong(x) and strong(y)):
                    continue
                if not strict and not (strong(x) or strong(y)):
                    continue
                used_a[i] = used_b[j] = True
                break
    ua = [x for x, u in zip(a, used_a) if not u and strong(x)]
    ub = [y for y, u in zip(b, used_b) if not u and strong(y)]
    if not ub:
        ua = [x for x in ua if not any(_same(x.value, y.value) for y in b)]
    elif not ua:
        ub = [y for y in ub if not any(_same(y.value, x.value) for x in a)]
    return ua, ub


def compare_numbers(src_text: str, src_lang: str, tgt_text: str, tgt_lang: str) -> str | None:
    """``None`` when both texts carry the same numbers, else a one-line reason.

    E.g. ``English has 30 billion; Chinese has 3000億 = 300 billion``.
    """
    a = extract_numbers(src_text, src_lang)
    b = extract_numbers(tgt_text, tgt_lang)
    ua, ub = unmatched(a, b)
    return describe_mismatch(ua, src_lang, ub, tgt_lang)


def describe_mismatch(ua: list[NumberMention], src_lang: str, ub: list[NumberMention], tgt_lang: str) -> str | None:
    """The one-line reason for unmatched mentions of each side (``unmatched``), or None when there are none."""
    if not ua and not ub:
        return None
    parts = []
    for lang, miss in ((src_lang, ua), (tgt_lang, ub)):
        if miss:
            said = Counter(_describe(m) for m in miss)  # a repeat once, with its count: 25万 = 250,000 (x2)
            parts.append(f"{LANG_NAMES.get(lang, lang)} has "
                         f"{', '.join(d if n == 1 else f'{d} (x{n})' for d, n in said.items())}")
    if len(parts) == 1:
        other = LANG_NAMES.get(tgt_lang if ua else src_lang, "the other side")
        parts.append(f"not in {other}")
    return "; ".join(parts)
