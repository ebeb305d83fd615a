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
from typing import TYPE_CHECKING

from ..data import Flag, Severity
from .common import _HAN, _lang_name
from .context import _BeadText
from .lexicon import _STOP_CAPS, Lexicon
from .translit import _TRANSLIT_RUN, _en_skeletons, _flat, _skeleton_pinyin, _skeleton_ratio, _translit_spans

if TYPE_CHECKING:
    from .context import QAContext

log = logging.getLogger(__name__)

#: Two capitalised words in a row: a given name and a surname, either order (Li Keqiang, Shelly Wang).
_FULL_NAME = re.compile(r"\b(?=([A-Z][a-z]+)[ \-]([A-Z][a-z]+)\b)")  # overlapping: Premier Wang Yang
#: Conjunctions and prepositions jieba sometimes tags as the first character of the name after them.
_GLUED = set("和与及跟同对向给被把让在")
#: A Chinese name and an English name unrendered side by side in this many beads are each other's rendering.
SWAP_REPEATS = 2
#: Consonant-skeleton match of a Chinese name with two or three adjacent English syllables read as one (the
#: looser 0.75 of single words took Liu Jianchao for 李克强; Cantonese and Wade-Giles names score 0.89-1.0).
RUN_RATIO = 0.85
#: English words this long or longer (Information, Political) are not taken for the sound of a Chinese name.
LONG_WORD = 8
_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|ic)s?$")
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z.'\-]*(?:[ \u00a0]+[A-Za-z][A-Za-z.'\-]*)*")
_CAP_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w-])")
#: Forms of address after a name (程先生, 林兄, 王太太): the English may keep only the surname, or a pronoun.
_ZH_TITLE = re.compile(r"(?:先生|太太|小姐|夫人|老爷|老爺|大人|师父|師父|兄|弟|爷|爺|哥|姐|嫂|公|君|氏)$")
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
    # each text's 2-3 character strings by their toneless pinyin, and its transliteration spans with their
    # consonant skeletons (three classes or more), worked out once: a text names several people (a genealogy)
    spelled_memo: dict[str, dict[str, set[str]]] = {}
    sounded_memo: dict[str, list[tuple[str, str]]] = {}

    def spelled(z: str) -> dict[str, set[str]]:
        got = spelled_memo.get(z)
        if got is None:
            got = spelled_memo[z] = defaultdict(set)
            for n in (2, 3):
                for i in range(len(z) - n + 1):
                    c = z[i:i + n]
                    if all("\u4e00" <= ch <= "\u9fff" for ch in c):
                        f = lexicon.flat_pinyin(c)
                        if f:
                            got[f].add(c)
        return got

    def sounded(z: str) -> list[tuple[str, str]]:
        got = sounded_memo.get(z)
        if got is None:
            got = sounded_memo[z] = []
            for c in _translit_spans(z):
                py = lexicon.pinyin(c)
                sc = _skeleton_pinyin(py) if py else ""
                if len(sc) >= 3:
                    got.append((c, sc))
        return got

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
                py_hits |= spelled(z).get(target, set())
        if py_hits:
            out[w] = frozenset(py_hits)
            continue
        sws = _en_skeletons(w, 3)
        if not sws:
            continue
        best: tuple[float, int, str] | None = None
        for z in zhs:
            for c, sc in sounded(z):
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


def _syllable_runs(en: str, vocab) -> list[str]:
    """Two or three adjacent syllables of the capitalised runs of ``en``, a name read aloud in any romanisation
    (Chan Chi-chuen, Yen Chi Tan): a Chinese name is matched by the sound of the whole, not word by word. English
    words of five letters or more (Premier, Secretary) break a run: a title is no part of the name's sound."""
    out = []
    for m in re.finditer(r"[A-Z][a-z]+(?:(?: [A-Z]|-[A-Za-z])[a-z]*)+", en):
        parts = re.split(r"[ \-]", m.group(0))
        run: list[list[str]] = [[]]
        for p in parts:
            if len(p) >= 5 and p.lower() in vocab:
                run.append([])
            else:
                run[-1].append(p)
        out += ["".join(r[i:i + n]) for r in run for n in (2, 3) for i in range(len(r) - n + 1)]
    return out


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
        self._swaps: dict[_BeadText, tuple[list[str], list[str]]] = {}
        self._spelled: dict[str, frozenset[str]] = {}  # ``_spelled_in``: Chinese text -> pinyin of its 1-3 characters
        self.consistent: frozenset[tuple[str, str]] = frozenset()
        # rendering -> the names it renders, and the lengths of the renderings: ``_rendered`` finds a bead's
        # names from its own substrings, not by testing every name of the document (a genealogy has hundreds)
        self._renders: dict[str, set[str]] = defaultdict(set)
        for w, cs in self.name_map.items():
            for c in cs:
                self._renders[c].add(w)
        self._render_lens = sorted({len(c) for c in self._renders})
        if self.name_map:
            log.debug("learned transliterations: %s", {w: sorted(c) for w, c in self.name_map.items()})

    def _rendered(self, zh: str) -> set[str]:
        """The learned renderings (``name_map`` values) that occur in ``zh``."""
        out = set()
        for n in self._render_lens:
            for i in range(len(zh) - n + 1):
                if zh[i:i + n] in self._renders:
                    out.add(zh[i:i + n])
        return out

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
        present = self._rendered(bt.zh)
        missing = [w for w in sorted(set(_CAP_WORD.findall(bt.en)))
                   if w not in bare and self.name_map.get(w) and not any(c in present for c in self.name_map[w])
                   # "She" opening a sentence is the pronoun, not 老舍 (Lao She)
                   and not (w.lower() in vocab and w not in _names_in(bt.en))]
        extra = []
        for w in sorted({w for c in present for w in self._renders[c]}):  # the names a rendering here renders
            cs = self.name_map[w]
            if w in bare:
                continue
            if w.lower()[: max(4, len(w) - 2)] in en_low:  # Ukraine ~ Ukrainian
                continue
            hit = [c for c in cs if c in present]
            if hit:
                extra.append((w, hit[0]))
        swap = bool(missing and extra)
        strays = [] if swap or not missing else self._unrendered_persons(bt)
        strays_en = [] if swap or missing or not extra else self._unrendered_english(bt)
        if not (missing or extra):
            # neither name is known in this document (Ryabkov -> Lavrov, each said once): a Chinese person name
            # that no English name renders, beside an English name that nothing in the Chinese renders, is a swap
            # whoever the other name is
            en_left, zh_left = self.swap_candidates(bt)
            zh_left = [y for y in zh_left if not any((y, w) in self.consistent for w in en_left)]
            en_left = [w for w in en_left if not any((y, w) in self.consistent for y in zh_left)]
            if zh_left and en_left:
                flags.append(Flag("entity_mismatch", Severity.WARNING,
                                  f"{zh_name} has {', '.join(zh_left)}, which no name in the {en_name} renders, where "
                                  f"{en_name} has {', '.join(en_left)}, which nothing in the {zh_name} renders: "
                                  f"a name replaced?"))
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

    def swap_candidates(self, bt: _BeadText) -> tuple[list[str], list[str]]:
        """(English names, Chinese person names) of the bead that nothing on the other side renders, by
        spelling, sound or CC-CEDICT gloss; both empty unless both are found. Worked out once per bead text
        (``check_entities`` asks for every bead first, to learn the pairs a document repeats).

        A foreign name in transliteration counts whatever the English has instead; a Chinese name only where
        the English has a full name in pinyin that nothing renders (Wang Yi, at a sentence start too): jieba's
        person tags are noisy (别提, 小红立), literary translations render names by meaning (丰儿 / Felicity)
        and Japanese names are kanji on one side, read aloud on the other (康稔 / Yasutoshi).
        """
        got = self._swaps.get(bt)
        if got is None:
            got = ([], [])
            places = self.lexicon.bare_phrases  # "Hong Kong" spells two pinyin syllables and is no person
            pinyin_names = [x for pair in _FULL_NAME.findall(bt.en) if " ".join(pair) not in places
                            and all(self._is_pinyin(x) and not self._spelled_in(x, bt.zh) for x in pair)
                            for x in pair]
            # English first: cheaper than jieba; a name opening a sentence counts too ("Lavrov, Russia's deputy
            # foreign minister, said"): a common word there is English vocabulary, left out either way
            en_left = self._unrendered_english(bt, initial=True) if _CAP_WORD.search(bt.en) else []
            en_left += [x for x in dict.fromkeys(pinyin_names) if x not in en_left]
            # a name whose sound is unknown (no pinyin for a character) cannot be told unrendered; without a pinyin
            # name in the English only transliterations count, so jieba's tagging is needed only where there are
            may = en_left and (pinyin_names or _TRANSLIT_RUN.search(bt.zh))
            zh_left = [y for y in self._unrendered_persons(bt) if self.lexicon.pinyin(y)] if may else []
            if zh_left:  # a short name and its transliteration (Amy 艾米, Abiy 阿比, Meir 梅厄): too few consonants
                # for a ratio, the same ones are a rendering
                alike = [(y, w) for y in zh_left for w in en_left if self._short_alike(w, y)]
                zh_left = [y for y in zh_left if y not in {a for a, _ in alike}]
                en_left = [w for w in en_left if w not in {b for _, b in alike}]
            if zh_left:  # spelled in the English with its syllables apart or hyphenated (宝钗素 ~ Bao-chai): rendered
                en_flat = re.sub(r"[^a-z]", "", bt.en.lower())
                zh_left = [y for y in zh_left
                           if not any(len(f) >= 6 and f in en_flat
                                      for f in (self.lexicon.flat_pinyin(p) for p in (y, y[:2], y[-2:])))]
            if zh_left:
                en_left, zh_left = self._unglossed(bt, en_left, zh_left)
                full = bool(set(pinyin_names) & set(en_left))
                surnames = self.lexicon.surnames  # a Chinese name starts with one (not 二人 "the two")
                zh_left = [y for y in zh_left if _TRANSLIT_RUN.fullmatch(y) or (full and y[0] in surnames)]
                if en_left and zh_left:
                    got = (en_left, zh_left)
            self._swaps[bt] = got
        return got

    def learn_consistent(self, texts: list[_BeadText]) -> None:
        """Pairs (Chinese name, English name) unrendered side by side in two beads or more of the document: one
        rendering of the other that nothing here spells out (戈达德 / Goddard), not a swap (a swap is once)."""
        seen: dict[tuple[str, str], int] = defaultdict(int)
        for bt in dict.fromkeys(texts):
            en_left, zh_left = self.swap_candidates(bt)
            for y in zh_left:
                for w in en_left:
                    seen[(y, w)] += 1
        self.consistent = frozenset(k for k, c in seen.items() if c >= SWAP_REPEATS)

    def _unglossed(self, bt: _BeadText, en_left: list[str], zh_left: list[str]) -> tuple[list[str], list[str]]:
        """The names of each list that CC-CEDICT's glosses do not pair across the bead.

        A Chinese name whose gloss is in the English (慕尼黑 ~ Munich, 特朗普 ~ Trumpism, 雅尔塔 ~
        Yalta-Potsdam) or is a country or capital (乌克兰 where the English says Kiev: translations swap
        them freely), and an English name that glosses a word of the Chinese, are rendered.
        """
        m = self.lexicon.matcher
        en_keys = m.keys(bt.en)
        words = m.words(bt.zh)
        zh_keys = frozenset().union(*(w.keys for w in words)) if words else frozenset()
        bare = self.lexicon.bare_keys
        zh_out = []
        for y in zh_left:
            # the name itself or a word holding it (特朗普主义); not a word inside it: 布林肯 holds 林肯, glossed
            # "Abraham Lincoln, US president", and an English "US" would render Blinken
            keys = frozenset().union(*(w.keys for w in words if y in w.text), m.glosses.get(y, ()))
            if not (keys & en_keys or keys & bare):
                zh_out.append(y)
        en_out = [w for w in en_left if not (m.keys(w) & zh_keys)]
        return en_out, zh_out

    def _short_alike(self, word: str, name: str) -> bool:
        """Whether Chinese ``name``'s consonants, one or two classes, are English ``word``'s (艾米 ~ Amy, 梅厄 ~ Meir)."""
        py = self.lexicon.pinyin(name)
        sc = _skeleton_pinyin(py) if py else ""
        return 0 < len(sc) <= 2 and sc in _en_skeletons(word, 1)

    def _spelled_in(self, word: str, zh: str) -> bool:
        """Whether ``word`` is the toneless pinyin of 1-3 characters of ``zh`` (Li ~ 李, Qiyao ~ 琦瑶)."""
        spelled = self._spelled.get(zh)
        if spelled is None:  # once per text: a bead naming hundreds would redo this for each name
            spelled = self._spelled[zh] = frozenset(
                self.lexicon.flat_pinyin(zh[i:i + n]) for n in (1, 2, 3) for i in range(len(zh) - n + 1)
                if _HAN.match(zh[i]))
        return word.lower() in spelled

    def _is_pinyin(self, word: str) -> bool:
        """Whether ``word`` spells one to three pinyin syllables (Li, Keqiang; not Yasutoshi)."""
        w = word.lower()
        syl = self.lexicon.syllables
        best = [0] + [9] * len(w)  # fewest syllables spelling w[:i]
        for i in range(1, len(w) + 1):
            for j in range(max(0, i - 6), i):
                if best[j] < 9 and w[j:i] in syl:
                    best[i] = min(best[i], best[j] + 1)
        return best[len(w)] <= 3

    def _renderings(self, w: str) -> frozenset[str]:
        """Chinese renderings of English name ``w``: learned in this document, or CC-CEDICT's."""
        return self.name_map.get(w, frozenset()) | self.lexicon.person_names.get(w, frozenset())

    def _unrendered_english(self, bt: _BeadText, initial: bool = False) -> list[str]:
        """Names of the English (not a country or capital; not sentence-initial unless ``initial``) that nothing in
        the Chinese renders.

        Rendered: a learned or CC-CEDICT rendering in the Chinese, its spelling
        as the toneless pinyin of 2-3 characters there, or its consonant
        skeleton matching a run of transliteration characters there.
        """
        bare = self.lexicon.bare_names
        out = []
        spans = {_skeleton_pinyin(py) for py in map(self.lexicon.pinyin, _translit_spans(bt.zh)) if py}
        names = _names_in(bt.en)
        for w in dict.fromkeys(_CAP_WORD.findall(bt.en) if initial else names):
            if w in bare or _DEMONYM.search(w) or w in _STOP_CAPS or len(w) < 3 \
                    or w.lower() in self.lexicon.english_vocab:
                continue
            if w not in names and self.lexicon.matcher.keys(w) & self.lexicon.english_vocab:
                continue  # opening a sentence, a word whose stem is English (Thankfully) is no name
            if any(c in bt.zh for c in self._renderings(w)):
                continue
            if self._spelled_in(w, bt.zh):
                continue
            sws = _en_skeletons(w, 2)
            if any(_skeleton_ratio(sws, sc) >= 0.75 for sc in spans):
                continue
            out.append(w)
        return out

    def _unrendered_persons(self, bt: _BeadText) -> list[str]:
        """Person names of the Chinese (jieba's nr/nrt tags, adjacent ones joined) that no English name renders.

        Rendered: a learned or CC-CEDICT rendering of a capitalised English word
        of the bead, its toneless pinyin spelled there (李勇慧 = Li Yonghui), or
        its consonant skeleton matching an English word's (卢基扬诺夫 ~ Lukyanov).
        """
        names, cur = [], ""
        for word, tag in self.lexicon.matcher.tagged(bt.zh) + [("。", "x")]:  # the full stop closes a last name
            if tag in ("nr", "nrt") and _HAN.search(word):
                cur += word
            else:
                if len(cur) >= 3 and cur[0] in _GLUED:  # 和赛昂 "and Cylon": jieba took the 和 in
                    cur = cur[1:]
                if len(cur) >= 2:
                    names.append(cur)
                cur = ""
        if not names:
            return []
        words = set(_CAP_WORD.findall(bt.en))
        joined = {_flat(m.group(0)) for m in re.finditer(r"[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)+", bt.en)}
        shown = set().union(*map(self._renderings, words))
        # a long English word in title case (Centre for Political Information) sounds like no name: Information's
        # n-f-m-s-n took 穆欣 (Mukhin) for rendered where the English said Medvedev
        vocab = self.lexicon.english_vocab
        skels = set().union(*(_en_skeletons(w, 2) for w in words if len(w) < LONG_WORD or w.lower() not in vocab))
        run_skels = set().union(*(_en_skeletons(r, 2) for r in _syllable_runs(bt.en, self.lexicon.english_vocab)))
        out = []
        common = self.lexicon.common_words
        lower = {w.lower() for w in words}
        for y in dict.fromkeys(names):
            if y in common or (len(y) >= 3 and y[-1] in "于了的着过" and y[:-1] in common) \
                    or any(c in y or y in c for c in shown) or len(y) > 5:
                continue
            m = _ZH_TITLE.search(y)
            if m:  # 程先生 "Mr Cheng", 林兄: a form of address; the surname may be all the English keeps, and a
                # familiar form (凤姐) keeps one syllable of the given name the English spells (Xifeng)
                sur = self.lexicon.flat_pinyin(y[:m.start()]) if m.start() else ""
                if not m.start() or (sur and any(x == sur or x.endswith(sur) or x.startswith(sur) for x in lower)):
                    continue
            py = self.lexicon.pinyin(y)
            flat = _flat(py)
            flat_given = self.lexicon.flat_pinyin(y[1:]) if len(y) == 3 else ""
            if flat and (flat in joined or flat in lower or flat_given in lower):
                continue
            sc = _skeleton_pinyin(py) if py else ""
            if sc and _skeleton_ratio(skels, sc) >= 0.75:
                continue
            if sc and _skeleton_ratio(run_skels, sc) >= RUN_RATIO:  # Chan Chi-chuen ~ 陈志全 (Cantonese), Yen Chi Tan
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
    ents.learn_consistent([texts[k] for k in two])
    flags: dict[int, list[Flag]] = {}
    for k in two:
        fl = ents.check(texts[k], src.lang)
        if fl:
            flags[k] = fl
    return flags
