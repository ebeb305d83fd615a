"""Words the dictionary leaves unmatched that sound or the encoder still pair across a bead (美丽 ~ "gorgeous").

CC-CEDICT gives a Chinese word a handful of English glosses; a translation
often uses another word (a synonym, another part of speech, a paraphrase).
Such a word is *unmatched* by the dictionary but not *unrendered*: counting
it as missing makes a clean pair look like an omission. For each bead:

1. ``unmatched``: the content words each side leaves unmatched by the
   dictionary (an English word may also be matched by a one-character
   word's gloss, 俄 "Russia");
2. ``by_sound``: an English name a run of transliteration characters spells
   (Ryabkov / 里亚布科夫) is rendered, and so are the dictionary words jieba
   cut out of that run (哈密 of 哈密尔顿 / Hamilton);
3. ``soft_matches``: the words still unmatched are embedded one by one, and
   a word whose vector is close enough to one of the other side's unmatched
   words (cosine at least ``QAConfig.soft_match_min_cos``) counts as
   rendered; two numbers, weekdays or months never do (``word_class``).

Only the unmatched words are compared with each other (a word the dictionary
already paired with another is not free to render a second one), so a bead
costs the encoder a few short texts, most of them seen before in the document.

On the MQM development half the count of Chinese words left after this ranks
majority omissions at ROC-AUC 0.706 on its own (the dictionary count: 0.670;
clause-size omissions 0.961 vs 0.930), and in the calibrated model,
cross-validated by document (``bench/qa_mqm_fit.py``), it lifts clause-size
omissions caught at warning; see BENCHMARKS.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..clauses import Embed
from .lexicon import _STOP_CAPS


@dataclass(frozen=True)
class SoftMatch:
    """One two-sided bead's dictionary-unmatched words and which of them the encoder pairs.

    ``zh_miss``: Chinese content words (Simplified, names left out) with no
    dictionary rendering in the English, in order, each once; ``en_miss``:
    English content words as written with no dictionary rendering in the
    Chinese; ``zh_soft`` / ``en_soft``: those of them whose best cosine to an
    unmatched word of the other side is at least the threshold.
    """

    zh_miss: tuple[str, ...]
    en_miss: tuple[str, ...]
    zh_soft: frozenset[str] = frozenset()
    en_soft: frozenset[str] = frozenset()

    @property
    def zh_unrendered(self) -> tuple[str, ...]:
        """Chinese words neither the dictionary nor the encoder finds in the English."""
        return tuple(w for w in self.zh_miss if w not in self.zh_soft)

    @property
    def en_unrendered(self) -> tuple[str, ...]:
        """English words neither the dictionary nor the encoder finds in the Chinese."""
        return tuple(w for w in self.en_miss if w not in self.en_soft)


def unmatched(zh: str, en: str, matcher) -> SoftMatch:
    """The dictionary-unmatched content words of a pair (``zh`` in Simplified), nothing soft-matched yet.

    An English word counts as matched by a one-character word's gloss too (俄 "Russia", 说 "to say"), which
    ``matcher.words`` leaves out (one character glosses too broadly to count as a missing word itself);
    ``FUNCTION_CHARS`` are not used.
    """
    en_keys = matcher.keys(en)
    words = matcher.words(zh)
    glosses = matcher.glosses
    singles = [glosses.get(t, ()) for t in dict.fromkeys(matcher.tokens(zh))
               if len(t) == 1 and t not in FUNCTION_CHARS and _HAN1.match(t)]
    zh_keys = frozenset().union(*(w.keys for w in words), *singles)
    zh_miss = tuple(dict.fromkeys(w.text for w in words if not w.name and not (w.keys & en_keys)))
    written = matcher.written(en)
    en_miss = tuple(dict.fromkeys(written.get(st, st) for st, keys in matcher.content(en) if not (keys & zh_keys)))
    return SoftMatch(zh_miss, en_miss)


#: Closed classes: numbers, weekdays, months. The encoder puts the members of a class close together
#: (USE-multilingual: 十二 ~ "ten" 0.70, 百万 ~ "billion" 0.67, 星期一 ~ "Tuesday" 0.80, 一月份 ~ "February" 0.64),
#: and CC-CEDICT glosses them all: two words of one class that the dictionary did not match are two different
#: values, and the encoder never pairs them. Across classes it still may: 三倍 ~ "three (times)", 六十 ~
#: "sixty-five-proof", 半个 (月) ~ "two (weeks)" (MAC-Test 004, 023, 002). Not 一点 "a bit", nor "second"
#: (接下来 ~ "the second track", seed 000), nor 今天 / 昨天 (今天 ~ "these days" is a rendering, seed 000;
#: 昨天 ~ "tomorrow" 0.74 is not, and stays a blind spot).
_ZH_CLASSES = (
    ("weekday", re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")),
    ("month", re.compile(r"[一二三四五六七八九十]+月份?")),
    ("number", re.compile(r"第?[零〇一二两三四五六七八九十百千万亿]+(?:年|岁|天|周|个月|日|号)?")),
)
_EN_CLASSES = {
    **dict.fromkeys("""one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds
    thousand thousands million millions billion billions trillion trillions first third fourth fifth sixth seventh
    eighth ninth tenth eleventh twelfth""".split(), "number"),
    **dict.fromkeys("monday tuesday wednesday thursday friday saturday sunday".split(), "weekday"),
    **dict.fromkeys("""january february march april may june july august september october november
    december""".split(), "month"),
}


def word_class(word: str, lang: str) -> str | None:
    """``"number"``, ``"weekday"`` or ``"month"`` when ``word`` (Simplified Chinese, or English as written) is one
    (``_ZH_CLASSES``, ``_EN_CLASSES``), else None."""
    if lang == "zh":
        return next((name for name, pat in _ZH_CLASSES if pat.fullmatch(word)), None)
    return _EN_CLASSES.get(word.lower())


#: One-character words too general to render an English word (the rest, 俄 "Russia", 说 "said", 美 "US", may,
#: by their glosses: ``unmatched``).
FUNCTION_CHARS = frozenset("的了是在和与及或之而被把对将从以为于就都这那其有个等也又并着过我你他她它们上下中不没很")
_HAN1 = re.compile(r"[\u3400-\u9fff]")
#: An English name and a run of transliteration characters whose consonant skeletons match this well are one
#: name (Hamilton 哈密尔顿, Ryabkov 里亚布科夫): the threshold ``aligner.qa.entities`` uses for the same test.
SOUND_MIN_RATIO = 0.75


def name_word(word: str, vocab: frozenset[str] = frozenset()) -> bool:
    """Whether an English word may be a name: capitalised, three letters or more, not an English word however
    written (``vocab``: lower-case, ``Lexicon.english_vocab``), not a title or capitalised common word
    (``lexicon._STOP_CAPS``: "Deputy", "President"), no month or weekday (``word_class``: a month's consonants are
    a place's, "February" is no 比利)."""
    return (word[:1].isupper() and len(word) >= 3 and word.lower() not in vocab and word not in _STOP_CAPS
            and word_class(word, "en") is None)


def by_sound(m: SoftMatch, zh: str, pinyin, vocab: frozenset[str] = frozenset()) -> SoftMatch:
    """``m`` with the English names it misses that a transliteration in ``zh`` spells by sound counted as rendered,
    and the Chinese words inside that transliteration too (jieba cuts 哈密尔顿 into 哈密 "Hami" + 尔顿).

    ``pinyin``: text -> pinyin with tone numbers, or None (``Lexicon.pinyin``); ``vocab``: lower-case English
    words that are not names however written (``Lexicon.english_vocab``; ``name_word`` says which are).
    """
    from .translit import _en_skeletons, _skeleton_pinyin, _skeleton_ratio, _translit_spans

    names = [w for w in m.en_miss if name_word(w, vocab)]
    if not names:
        return m
    spans = []
    for span in dict.fromkeys(_translit_spans(zh)):
        py = pinyin(span)
        sk = _skeleton_pinyin(py) if py else ""
        if len(sk) >= 2:
            spans.append((span, sk))
    en_soft, held = set(m.en_soft), []
    for w in names:
        sws = _en_skeletons(w, 2)
        hits = [span for span, sk in spans if _skeleton_ratio(sws, sk) >= SOUND_MIN_RATIO]
        if hits:
            en_soft.add(w)
            held += hits
    if not held:
        return m
    zh_soft = set(m.zh_soft) | {w for w in m.zh_miss if any(w in span for span in held)}
    return SoftMatch(m.zh_miss, m.en_miss, frozenset(zh_soft), frozenset(en_soft))


def soft_matches(pairs: Sequence[tuple[str, str]], matcher, embed: Embed | None, min_cos: float) -> list[SoftMatch]:
    """For each (Chinese in Simplified, English) pair, its ``SoftMatch``.

    English names a transliteration in the Chinese spells by sound are
    rendered first (``by_sound``); the words still unmatched are embedded in
    one call per language (each distinct word once); without ``embed`` only
    the sound matching is done.
    """
    pinyin, vocab = matcher.lexicon.pinyin, matcher.lexicon.english_vocab
    out = [by_sound(unmatched(zh, en, matcher), zh, pinyin, vocab) for zh, en in pairs]
    if embed is None:
        return out
    # an English word may be rendered by a word with no gloss, read as a name (美方 "the US side", 俄方); the
    # Chinese side's own words are compared with the English words only
    names = [tuple(dict.fromkeys(w.text for w in matcher.words(zh) if w.name)) if m.en_unrendered else ()
             for m, (zh, _) in zip(out, pairs)]
    zh_words = sorted({w for m, nm in zip(out, names) if m.en_unrendered for w in m.zh_unrendered + nm})
    en_words = sorted({w for m, nm in zip(out, names) if m.zh_unrendered or nm for w in m.en_unrendered})
    if not zh_words or not en_words:
        return out
    Z = np.asarray(embed(zh_words, "zh"), np.float32)
    E = np.asarray(embed(en_words, "en"), np.float32)
    zi = {w: i for i, w in enumerate(zh_words)}
    ei = {w: i for i, w in enumerate(en_words)}
    zc = {w: word_class(w, "zh") for w in zh_words}
    ec = {w: word_class(w, "en") for w in en_words}
    done = []
    for m, nm in zip(out, names):
        zl, el = m.zh_unrendered, m.en_unrendered
        if not el or not (zl or nm):
            done.append(m)
            continue
        S = Z[[zi[w] for w in zl + nm]] @ E[[ei[w] for w in el]].T  # (n_zh + n_names, n_en) cosines
        for i, w in enumerate(zl + nm):  # two numbers (weekdays, months) the dictionary did not match differ
            if zc[w]:
                S[i, [j for j, e in enumerate(el) if ec[e] == zc[w]]] = -1.0
        zs = m.zh_soft | {w for w, c in zip(zl, S[:len(zl)].max(1, initial=-1.0)) if c >= min_cos}
        es = m.en_soft | {w for w, c in zip(el, S.max(0)) if c >= min_cos}
        done.append(SoftMatch(m.zh_miss, m.en_miss, frozenset(zs), frozenset(es)))
    return done


__all__ = ["SoftMatch", "by_sound", "soft_matches", "unmatched", "word_class"]
