"""What says a short sentence renders a clause of the other side, for the edge rule (``aligner.edges``).

Three kinds of evidence, each a plain function over texts:

* the encoder's cosine of the sentence with the facing edge of a pair's other
  side: its last (first) one and two clauses (``edge_texts``, ``edge_match``);
* a formula the document repeats (``recurring``): a short sentence that recurs
  (事情就是这样。 x6) and a clause of the other side that recurs about as often
  ("...; And so it was." x6), facing each other where the DP put them, render
  each other at ``RECUR_COS`` at least where the encoder sees 0.37;
* names by sound (``Sounds``, given by the pipeline from CC-CEDICT readings:
  ``pipeline.name_sounds``): the same name in the far pair and not in its own
  (示每 ~ Shimei), or, for a Chinese name alone (书巴业。), a likeness of
  ``SOUND_NEAR`` and ``SOUND_GAP`` better than its own pair's
  (``sounds_across``).

The embedder comes in as a function (``embed(texts, lang)`` -> (len(texts),
dim) float32, L2-normalised): nothing here loads a model.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Callable, Sequence

import numpy as np

from .clauses import Embed, name_alone
from .config import RECUR_COS, RECUR_MIN, RECUR_MIN_COS, RECUR_SHARE, SOUND_GAP, SOUND_NEAR, SOUND_RATIO
from .data import Bead

#: Where a Chinese side breaks into clauses and sentences: after the mark and any closing quote or bracket (an ASCII
#: comma not in "3,000").
_ZH_BREAK = re.compile(r"(?:(?<=[。！？；：，!?;:])|(?<=[。！？；：，!?;:][”’」』）)\]】》〉])|(?<=,)(?=[^0-9]))"
                       r"(?![”’」』）)\]】》〉])")
#: Where an English side does: a clause or sentence mark, maybe a closing quote or bracket (…at him,' and), a space.
_EN_BREAK = re.compile(r"(?:(?<=[.!?;:,])|(?<=[.!?;:,][\"'”’)\]]))\s+")
#: A piece with only these is the close of the clause before it (…之缘。 + ” is one clause, not two).
_CLOSERS = re.compile(r"[\s”’」』）)\]】》〉\"'。！？；：，!?;:,.]+")
#: Words of a sentence or clause, for the recurrence count (``_key``).
_WORDS = re.compile(r"\w+")
#: Edge clauses compared: the last (first) one, and the last (first) two joined.
EDGE_CLAUSES = 2


def _join(lang: str) -> str:
    return "" if lang.startswith("zh") else " "


def clauses(text: str, lang: str) -> list[str]:
    """``text``'s clauses in order, a closing quote or bracket kept with the clause before it; [] when blank."""
    parts: list[str] = []
    for p in (_ZH_BREAK if lang.startswith("zh") else _EN_BREAK).split(text.strip()):
        if parts and _CLOSERS.fullmatch(p):
            parts[-1] += p
        elif p.strip():
            parts.append(p)
    return parts


def edge_texts(text: str, lang: str, end: bool) -> list[str]:
    """The last (``end``) or first one and two clauses of ``text``, each as a text; ``[text]`` with no break."""
    parts = clauses(text, lang)
    if not parts:
        return [text]
    j = _join(lang)
    return [j.join(parts[-k:] if end else parts[:k]) for k in range(1, min(EDGE_CLAUSES, len(parts)) + 1)]


#: ``renders(sentence, clause)``: whether the document pairs the two as a recurring formula (``recurring``).
Renders = Callable[[str, str], bool]


def edge_match(sentence: str, lang: str, other: str, other_lang: str, end: bool, embed: Embed,
               renders: Renders | None = None) -> float:
    """Cosine of ``sentence`` with the best of ``other``'s last (``end``) or first one and two clauses; at least
    ``RECUR_COS`` when ``renders`` pairs the sentence with the facing clause (a formula the document repeats)."""
    v = np.asarray(embed([sentence], lang), np.float32)[0]
    edges = edge_texts(other, other_lang, end)
    cs = np.asarray(embed(edges, other_lang), np.float32) @ v
    return floored(float(np.max(cs)), float(cs[0]), renders, sentence, edges[0])


def floored(cos: float, facing: float, renders: Renders | None, sentence: str, clause: str) -> float:
    """``cos``, raised to ``RECUR_COS`` when ``renders`` pairs ``sentence`` with ``clause`` and the encoder sees
    something in that pair (``facing``, their own cosine, at least ``RECUR_MIN_COS``): a refrain that only sits
    beside the sentence (他说： beside "The old man sat at the door." x3, 0.08) is a neighbour, not a rendering."""
    if renders is not None and facing >= RECUR_MIN_COS and renders(sentence, clause):
        return max(cos, RECUR_COS)
    return cos


def _key(text: str) -> str:
    """A sentence or clause as the recurrence count sees it: lower case, punctuation and spaces folded."""
    return " ".join(_WORDS.findall(text.lower()))


def recurring(beads: Sequence[Bead], texts: tuple[Sequence[str], Sequence[str]], langs: tuple[str, str],
              short: tuple[np.ndarray, np.ndarray]) -> Renders:
    """Formulas the document repeats on both sides, read from where the DP put them: ``renders(sentence, clause)``.

    A short sentence that recurs (事情就是这样。 x6) and a clause of the other side that recurs about as often
    (``...; and so it was.`` x6) render each other when at least ``RECUR_SHARE`` of the larger count of them
    face each other, in the same bead or the next one either way, at least ``RECUR_MIN`` times. The encoder
    sees such a pair at ~0.37 (a short sentence says little to it); its recurring together says more, as a
    repeated verse's refrain (Genesis 1: 事就这样成了。 / "and it was so") does. ``beads``: the DP's; ``texts``,
    ``langs``, ``short``: per side (source, target), ``short`` the edge rule's short sentences.
    """
    where = [np.zeros(len(t), np.int64) for t in texts]
    for k, b in enumerate(beads):
        for s, ids in enumerate((b.src_ids, b.tgt_ids)):
            where[s][list(ids)] = k
    pairs: set[tuple[str, str]] = set()
    for side in (0, 1):
        other = 1 - side
        keys = [_key(t) if short[side][i] else "" for i, t in enumerate(texts[side])]
        count = Counter(k for k in keys if k)
        if not any(c >= RECUR_MIN for c in count.values()):
            continue
        clause_keys = [{_key(c) for c in clauses(t, langs[other])} - {""} for t in texts[other]]
        clause_count = Counter(c for cs in clause_keys for c in cs)
        by_bead: dict[int, list[int]] = defaultdict(list)
        for j, k in enumerate(where[other]):
            by_bead[int(k)].append(j)
        together: Counter = Counter()
        for i, key in enumerate(keys):
            if count.get(key, 0) < RECUR_MIN:
                continue
            near = {c for k in (where[side][i] - 1, where[side][i], where[side][i] + 1)
                    for j in by_bead.get(int(k), ()) for c in clause_keys[j]}
            together.update((key, c) for c in near if clause_count[c] >= RECUR_MIN)
        for (key, c), n in together.items():
            if n >= RECUR_MIN and n >= RECUR_SHARE * max(count[key], clause_count[c]):
                pairs |= {(key, c), (c, key)}  # the two sides' keys never meet: either order reads one way
    return lambda sentence, clause: bool(pairs) and (_key(sentence), _key(clause)) in pairs


#: ``sounds(zh, en)``: how well a name of the Chinese text sounds like one of the English, 0-1 (a bool reads
#: as 0 / 1): ``SOUND_RATIO`` or more is the same name.
Sounds = Callable[[str, str], float]


def _named(sounds: Sounds, sentence: str, lang: str, other_text: str, other_lang: str, end: bool | None) -> float:
    """How well ``sentence`` (in ``lang``) shares a name, by sound, with the last (``end``) or first two clauses
    of ``other_text`` (in the other language), or anywhere in it (``end`` None): ``sounds``' score."""
    edge = other_text if end is None else edge_texts(other_text, other_lang, end)[-1]
    return sounds(sentence, edge) if lang.startswith("zh") else sounds(edge, sentence)


def sounds_across(sounds: Sounds, sentence: str, lang: str, join: str, own: str, other_lang: str,
                   end: bool) -> bool:
    """Whether ``sentence``'s name, by sound, belongs to the far pair (``join``, its facing clauses) rather than
    its own (``own``, anywhere): the same name there (``SOUND_RATIO``) and not here, or a likeness of at least
    ``SOUND_NEAR`` there and ``SOUND_GAP`` better than any here (书巴业 ~ Shubael 0.8, ~ Hashabiah 0.67)."""
    far = float(_named(sounds, sentence, lang, join, other_lang, end))
    if far < min(SOUND_RATIO, SOUND_NEAR):
        return False
    mine = float(_named(sounds, sentence, lang, own, other_lang, None))
    # a likeness only for a Chinese name alone: an English sentence's names against any three characters of a
    # Chinese pair find 0.75 by chance (Trinket, MAC-Test 007)
    return (far >= SOUND_RATIO > mine) or (
        lang.startswith("zh") and bool(name_alone(sentence)) and far >= SOUND_NEAR and far - mine >= SOUND_GAP)
