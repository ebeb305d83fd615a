"""Evidence spans: the character ranges of a pair's text that a flag is about (pure, no state).

A flag's reason names what it is about: the number ("Chinese has 1962;
English has 1963"), the name or token ("English has ABM"), the clause left out
('Chinese clause '歐洲並未被納入談判桌,' may have no English counterpart'), the
sentence ('English sentence 2 of 3 ... ('They are not in a vacuum.')'), the
uncovered words ("none for 情況, 常規"), the stray marker ('[8]'). ``flag_spans``
finds those strings in the pair's text and returns where they are, so the
page can highlight them and the TSV, JSONL and XLIFF can carry them.

Offsets are ``(side, start, end)``: ``side`` "src" or "tgt", ``start``/``end``
0-based code-point offsets, end exclusive, into that side's text as the TSV
writes it (the pair's sentences, original text, joined by one space). A flag
about a whole line with no counterpart spans that side's whole text; a flag
about the pair as a whole (``low_similarity``) has no span.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from .data import Alignment, Bead, Flag

Span = tuple[str, int, int]

_QUOTED = re.compile(r"'([^']{1,300})'")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_HAS = re.compile(r"\bhas (?:neither )?([^;]+?)(?=;|\bwhere\b|\bnot in\b|\bnor\b|$)")
_NUMBER = re.compile(r"\d[\d,.]*")
_NONE_FOR = re.compile(r"none for (.+)$")
#: The calibrated model's word list: "no English rendering found for 人士, 能够" / "... for hosting, longer-term".
_RENDERING_FOR = re.compile(r"rendering found for ([^;|]+)")
#: The most spans one flag carries (a reason listing many words: the first ones are enough to see).
MAX_SPANS = 12


def side_texts(al: Alignment, b: Bead) -> tuple[str, str]:
    """The pair's source and target text as the TSV writes it (sentences joined by one space)."""
    from .report.tsv import bead_texts

    return bead_texts(al, b)


def _candidates(flag: Flag) -> list[str]:
    r = flag.reason
    out: list[str] = []
    quoted = _QUOTED.findall(r)
    if flag.code == "damage":
        quoted = quoted[:1]  # the marker; the second quote is context
    if _NONE_FOR.search(r):
        quoted = []  # the uncovered words say more than the whole sentence they are in
    for q in quoted:
        piece = q.strip()
        if piece.endswith("…"):  # _short() cut it: mark it so the span runs to the clause's end
            piece = piece.rstrip("…").strip() + "…"
        piece = piece.lstrip("…").strip()
        if piece.strip("…"):
            out.append(piece)
    if flag.code == "entity_mismatch":
        for m in _HAS.finditer(r):
            for part in re.split(r"[(),/]| or |, ", m.group(1)):
                part = part.strip().strip("'")
                if part and part not in ("Chinese", "English") and not part.startswith("no "):
                    out.append(part)
    if flag.code == "number_mismatch":
        out += [n.rstrip(",.") for n in _NUMBER.findall(r)]
        out += re.findall(r"[0-9]*[〇零一二三四五六七八九十百千万亿萬億兩两]+", r)  # Chinese numerals: 四, 3000亿
    m = _NONE_FOR.search(r)
    if m:
        out += [w.strip() for w in m.group(1).split(",") if w.strip()]
    m = _RENDERING_FOR.search(r)
    if m:
        out += [w.strip() for w in m.group(1).split(",") if w.strip()]
    out += _HAN_RUN.findall(_QUOTED.sub("", r))  # names, words outside quotes (a quote is one candidate already)
    return list(dict.fromkeys(c for c in out if c))


#: Where a quote cut short ("…") stops: the end of its clause.
_CLAUSE_STOP = re.compile(r"[,，;；:：.!?。！？]")


@lru_cache(maxsize=4096)
def _word_pattern(c: str, number: bool) -> re.Pattern:
    """A number not inside a longer one, or an ASCII word's start (any case, not after a letter): a candidate's
    pattern, compiled once (a book's flags name the same words again and again; ``re``'s own cache holds 512)."""
    if number:
        return re.compile(rf"(?<![\d.,]){re.escape(c)}(?![\d])")
    return re.compile(rf"(?<![A-Za-z]){re.escape(c)}", re.IGNORECASE)


#: The letters ``re.IGNORECASE`` equates with ASCII ones (long s, Kelvin sign, dotless i, dotted capital I).
_FOLDS_TO_ASCII = frozenset("\u017f\u212a\u0131\u0130")


def _word_start(c: str, text: str) -> int | None:
    """The end of the first match of ``(?<![A-Za-z])c`` in ``text``, any case; None if none.

    For an ASCII ``c`` in a text without a letter that folds to an ASCII one, a search of the lower-cased
    text (same length) finds the same place as the pattern, without compiling one per word.
    """
    if c.isascii() and _FOLDS_TO_ASCII.isdisjoint(text):
        low, lc = text.lower(), c.lower()
        if len(low) == len(text):
            i = low.find(lc)
            while i > 0 and "a" <= low[i - 1] <= "z":
                i = low.find(lc, i + 1)
            return i + len(c) if i >= 0 else None
    m = _word_pattern(c, False).search(text)
    return m.end() if m else None


def _find(c: str, text: str) -> tuple[int, int] | None:
    if not text:
        return None
    if c.endswith("…") and len(c) > 1:  # a quote cut short: from its start to the end of the clause
        i = text.find(c[:-1])
        if i < 0:
            return None
        stop = _CLAUSE_STOP.search(text, i + len(c) - 1)
        return i, stop.end() if stop else len(text)
    if c.isdigit() or _NUMBER.fullmatch(c):
        m = _word_pattern(c, True).search(text)
    elif re.fullmatch(r"[A-Za-z][\w.\-]*", c):
        hit = _word_start(c, text)  # a stem: 'vacuum' in 'vacuums'
        if hit is None:
            return None
        end = hit
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        return hit - len(c), end
    else:
        i = text.find(c)  # a literal: the first occurrence, as a search for it
        return (i, i + len(c)) if i >= 0 else None
    return (m.start(), m.end()) if m else None


def flag_spans(flag: Flag, src: str, tgt: str) -> list[Span]:
    """Where in ``src`` / ``tgt`` (the pair's side texts) ``flag`` points (see module docstring)."""
    if flag.code in ("omission", "addition") and (not src) != (not tgt):
        return [("src", 0, len(src))] if src else [("tgt", 0, len(tgt))]
    out: list[Span] = []
    for c in _candidates(flag):
        for side, text in (("src", src), ("tgt", tgt)):
            hit = _find(c, text)
            if hit and (side, *hit) not in out:
                out.append((side, *hit))
        if len(out) >= MAX_SPANS:
            break
    # a span inside another adds nothing
    out = [s for s in out if not any(o != s and o[0] == s[0] and o[1] <= s[1] and s[2] <= o[2] for o in out)]
    return sorted(out, key=lambda s: (s[0], s[1]))[:MAX_SPANS]


def bead_spans(al: Alignment, b: Bead) -> list[list[Span]]:
    """``flag_spans`` of each of the bead's flags, in flag order."""
    if not b.flags:
        return []
    src, tgt = side_texts(al, b)
    return [flag_spans(f, src, tgt) for f in b.flags]


def per_sentence(al: Alignment, b: Bead, spans: Sequence[Span]) -> list[list[int]]:
    """Spans as ``[side 0|1, sentence id, start, end]`` within one sentence, in UTF-16 code units (for the page).

    A span that crosses sentences is cut at their boundaries.
    """
    out: list[list[int]] = []
    for side, start, end in spans:
        ids = b.src_ids if side == "src" else b.tgt_ids
        sents = al.src.sentences if side == "src" else al.tgt.sentences
        pos = 0
        for i in ids:
            t = sents[i].text
            if not t:
                continue
            lo, hi = max(start, pos), min(end, pos + len(t))
            if lo < hi:
                u = lambda k: len(t[:k].encode("utf-16-le")) // 2  # noqa: E731
                out.append([0 if side == "src" else 1, i, u(lo - pos), u(hi - pos)])
            pos += len(t) + 1
    return out
