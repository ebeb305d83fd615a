"""Segment stage: paragraphs (``Text``) -> sentences (``Side``).

Chinese: rule-based, a sentence ends after 。！？；!?; or an ellipsis (…… / ...)
together with any closing quotes or brackets that follow; speaker labels such
as ``**韓樺:**`` stay with their sentence because a label never ends one.

English: nltk's Punkt with parameters built in code (no punkt download):
abbreviations (Mr., U.S., No., Gen., ...), single-letter initials (J.D.
Vance, Wendy R. Sherman) and numbers (2.0, 3.5%) are kept intact.

Sentences keep their original text (stripped of surrounding whitespace);
joining a paragraph's sentences gives back the paragraph, whitespace aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Sequence

from .data import Paragraph, Sentence, Side, Text

#: Name of the segmenter, written into every output's signature.
SEGMENTER_ID = "zh-rules+en-punkt"

#: Punkt sees at most this many characters per call: it costs ~4 us/char and nltk's
#: ReDoS guard aborts one call after 5 s (a 1 MB paragraph), so long paragraphs are
#: cut first at a sentence end (else a space) before this limit.
PUNKT_CHUNK_CHARS = 100_000
#: A "sentence" longer than this (a page without end marks, a 50 MB single line) is cut
#: at the last comma/space before the limit (else hard): encoder time is linear in
#: length (~1 s per 10,000 characters) and a sentence is embedded in up to 10 windows.
MAX_SENTENCE_CHARS = 2_000

_ZH_END = "。！？；!?;"
_CLOSERS = "”’」』）)】》〉\"'"
# A Chinese sentence: as little as possible up to an end mark (or ellipsis run),
# then closing quotes/brackets; or the rest of the paragraph.
_ZH_SENT = re.compile(
    rf"[^{_ZH_END}…]*?(?:[{_ZH_END}]+|…+|\.{{3,}})[{_CLOSERS}]*|[^{_ZH_END}…]+$|.+$",
    re.S,
)
# A closing quote right after an end mark may also be followed by a speaker's
# attribution (“...。”他說。), which Punkt-style rules would split; we keep the
# split, as translations also render those as separate clauses.

#: Abbreviations Punkt must not treat as sentence ends (lower case, no final dot).
EN_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st jr sr rev gen col lt sgt capt cmdr adm maj gov sen rep pres
    amb hon messrs mme mlle fr sec dept est approx vs etc al cf fig figs vol vols ed eds
    no nos art p pp ch sec sect ltd inc co corp bros plc llc univ assn intl natl
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k u.n u.s.a e.u e.g i.e a.m p.m j.d d.c ph.d b.a m.a b.sc m.sc a.d b.c n.b
    """.split()
) | frozenset("abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Segmenter:
    """Sentence splitter for Chinese and English paragraphs.

    ``memo``: an ``aligner.memo.Memo`` (``segment_memo``) keeping English
    paragraphs' sentences, so that a warm run does not import nltk.
    """

    memo: Any = field(default=None, compare=False, repr=False)

    @cached_property
    def _punkt(self):
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

        params = PunktParameters()
        params.abbrev_types = set(EN_ABBREVIATIONS)
        return PunktSentenceTokenizer(params)

    def split(self, text: str, lang: str) -> list[str]:
        """Split one paragraph into sentences (original text, stripped)."""
        if lang == "zh":
            return split_zh(text)
        if self.memo is not None:
            return list(self.memo.cached(self._split_en, text))
        return self._split_en(text)

    def _split_en(self, text: str) -> list[str]:
        out: list[str] = []
        pos, n = 0, len(text)
        while pos < n:  # Punkt on windows of PUNKT_CHUNK_CHARS; the last sentence of a window is redone
            end = min(n, pos + PUNKT_CHUNK_CHARS)
            if end < n:  # end the window at whitespace, not inside a word
                ws = max(text.rfind(" ", pos, end), text.rfind("\n", pos, end))
                if ws > pos:
                    end = ws + 1
            chunk = text[pos:end]
            spans = list(self._punkt.span_tokenize(chunk))
            nxt = end
            if end < n and len(spans) > 1:
                nxt = pos + spans[-1][0]
                spans = spans[:-1]
            for start, stop in spans:
                piece = chunk[start:stop].strip()
                if piece:
                    out.append(piece)
            pos = nxt
        return _cap_length(_merge_fragments(out))

    def segment(self, text: Text) -> Side:
        """Segment every paragraph of a ``Text`` into a ``Side``."""
        sents: list[Sentence] = []
        for pi, para in enumerate(text.paragraphs):
            for piece, line in self._pieces_with_lines(para, text.lang):
                sents.append(Sentence(id=len(sents), text=piece, para=pi, line=line))
        return Side(lang=text.lang, path=text.path, sentences=tuple(sents),
                    cut="rules" if text.lang == "zh" else "punkt")

    def _pieces_with_lines(self, para: Paragraph, lang: str):
        pos = 0
        for piece in self.split(para.text, lang):
            at = para.text.find(piece, pos)
            if at < 0:  # pragma: no cover - split() only strips, never rewrites
                at = pos
            yield piece, para.line + para.text.count("\n", 0, at)
            pos = at + len(piece)


def split_zh(text: str) -> list[str]:
    """Split a Chinese paragraph after sentence-final punctuation and its closers."""
    out = []
    for m in _ZH_SENT.finditer(text):
        piece = m.group(0).strip()
        if piece:
            out.append(piece)
    return _cap_length(_merge_fragments(out))


_SOFT_BREAK = re.compile(r"[，,、；;：:\s]")


def _cap_length(pieces: list[str], limit: int | None = None) -> list[str]:
    """Cut pieces longer than ``limit`` after the last comma/space before it (else at it)."""
    limit = limit or MAX_SENTENCE_CHARS
    if all(len(p) <= limit for p in pieces):
        return pieces
    out: list[str] = []
    for p in pieces:
        while len(p) > limit:
            cut = 0
            for m in _SOFT_BREAK.finditer(p, limit // 2, limit):
                cut = m.end()
            cut = cut or limit
            head, p = p[:cut].strip(), p[cut:].strip()
            if head:
                out.append(head)
        if p:
            out.append(p)
    return out


_ONLY_PUNCT = re.compile(r"^[\W_]+$")


def _merge_fragments(pieces: list[str]) -> list[str]:
    """Attach pieces made only of punctuation/closers to the sentence before them."""
    out: list[str] = []
    for p in pieces:
        if out and _ONLY_PUNCT.match(p):
            out[-1] = out[-1] + p
        else:
            out.append(p)
    return out


def segment_memo(cache_dir) -> Any:
    """The memo of English segmentation in ``cache_dir`` (None: no cache), keyed by this code and nltk's version."""
    if not cache_dir:
        return None
    from .memo import Memo, version_of

    return Memo(cache_dir, f"segment-en:{SEGMENTER_ID}:{version_of('nltk', files=(__file__,))}")


def segment(text: Text) -> Side:
    """Segment a ``Text`` with the default segmenter."""
    return Segmenter().segment(text)


def presplit(text: Text) -> Side:
    """One sentence per non-empty line, no segmentation (``--presplit``).

    Paragraphs are the blank-line separated blocks of the input: consecutive
    lines belong to one paragraph.
    """
    sents: list[Sentence] = []
    block, prev_line = -1, None
    for para in text.paragraphs:
        for k, line in enumerate(para.text.split("\n")):
            no = para.line + k
            if prev_line is None or no != prev_line + 1:
                block += 1
            prev_line = no
            if line.strip():
                sents.append(Sentence(id=len(sents), text=line.strip(), para=block, line=no))
    return Side(lang=text.lang, path=text.path, sentences=tuple(sents), cut="lines")


#: A heading is at most this many non-space characters (Chinese) / words (English):
#: 第三章　风雪, （第二节）, "Chapter 3" (the books' headings of issue 20 are 4-16).
HEADING_MAX = {"zh": 16, "en": 8}
#: A bracketed line (（大卫的诗，交与伶长。）, [Editor's note]) is a heading up to this size.
BRACKETED_HEADING_MAX = {"zh": 40, "en": 12}
_OPENERS = "（(【[〔"
#: A short bracketed aside after a sentence's end mark (the psalms' …愿你赐福给你的百姓。（细拉）).
_ASIDE = r"(?:[（(][^（()）]{1,8}[）)]\s*)?"
#: Line ends that continue into what follows or end a sentence (an aside after the end mark too: 世人真是虚幻！（细拉）
#: is a verse, not a heading): not a heading. A colon ("他说：") is not one either: MAC-Test's gold merges colon
#: lines with what *precedes* them.
_NOT_HEADING_END = re.compile(r"[。！？!?…．.，,；;：:—–\-][\s'\"”’」』）)\]】》〉]*" + _ASIDE + "$")
#: A finished sentence: an end mark, then closing quotes or brackets, and maybe a short bracketed aside
#: (the psalms' …愿你赐福给你的百姓。（细拉）, "… Selah." in English).
_SENTENCE_END = re.compile(r"[。！？!?…．.][\s'\"”’」』）)\]】》〉]*" + _ASIDE + "$")


def _size(text: str, zh: bool) -> int:
    """A heading's size: non-space characters (Chinese) or words (English)."""
    return len("".join(text.split())) if zh else len(text.split())


def opens_next(text: str, lang: str) -> bool:
    """Whether a line reads as a heading, title or editorial note: it belongs with what follows.

    Short (``HEADING_MAX``) and with no sentence-end, comma, colon or dash at its
    end (``第三章　风雪``, ``（第二节）``, ``Chapter 3``), or a short bracketed
    line (``BRACKETED_HEADING_MAX``: ``（大卫的诗，交与伶长。``). Of MAC-Test's
    11,485 sentences 8 Chinese and 11 English lines qualify (its chapter titles).
    """
    s = text.strip()
    if not s:
        return False
    zh = lang.startswith("zh")
    size = _size(s, zh)
    key = "zh" if zh else "en"
    if s[0] in _OPENERS and size <= BRACKETED_HEADING_MAX[key]:
        return True
    return size <= HEADING_MAX[key] and not _NOT_HEADING_END.search(s)


#: A clause that ends at a colon or semicolon: a heading may follow it (…如下： / 第二章), not a broken line.
_CLAUSE_END = re.compile(r"[：；:;][\s'\"”’」』）)\]】》〉]*$")


def _ends_clause(text: str) -> bool:
    """Whether a line ends a sentence (``ends_sentence``) or a clause at a colon or semicolon."""
    return ends_sentence(text) or bool(_CLAUSE_END.search(text.strip()))


def ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence: an end mark, then closing quotes or brackets."""
    return bool(_SENTENCE_END.search(text.strip()))


#: Below this share of lines that end a sentence, a side has no headings: subtitles and verse without end
#: punctuation are all short lines with no end mark, and a cue that goes on in the next must stay free to join it.
HEADING_MIN_FINISHED = 0.5


def mostly_finished(texts: Sequence[str]) -> bool:
    """Whether at least ``HEADING_MIN_FINISHED`` of the lines end a sentence (not subtitle cues or verse)."""
    return bool(texts) and sum(map(ends_sentence, texts)) >= HEADING_MIN_FINISHED * len(texts)


#: Brackets a note opens and closes (（大卫的诗，交与伶长。）, 〔细拉〕).
_PAIRS = {"（": "）", "(": ")", "【": "】", "[": "]", "〔": "〕"}
#: Opening and closing brackets of either width count as one kind: ``(大卫的诗`` ... ``）…`` (red team, rt28).
_WIDTH = str.maketrans("()[]", "（）【】")
#: A bracketed heading cut into lines by sentence ends (（大卫的金诗，交与伶长。 / 调用休要毁坏。 / ）你们默然不语…)
#: spans at most this many lines after its first ...
BRACKET_SPAN_LINES = 3
#: ... and this many characters / words in all: the longest psalm superscriptions run 50-70 characters.
#: (No MAC-Test line is a continuation at this size: its bracketed lines close on the line.)
BRACKET_SPAN_MAX = {"zh": 80, "en": 30}


def _still_open(text: str) -> str | None:
    """The closing bracket a line that starts with an opening one leaves owed, or None (closed on the line)."""
    s = text.strip().translate(_WIDTH)
    close = _PAIRS.get(s[:1])
    if close is None:
        return None
    return close if s.count(close) < s.count(s[0]) else None


#: A sentence's end mark after a bracket that holds the whole sentence (（……）。, (...).).
_END_AFTER_ASIDE = "。！？!?．."


def closed_aside(text: str) -> bool:
    """Whether a line is a sentence in brackets closed on the line (``（他后来承认，那天晚上他喝醉了。）``): prose
    set aside, not a title (``（第二节）``) or a note cut into lines (``（大卫的诗，交与伶长。``)."""
    s = text.strip().translate(_WIDTH)
    close = _PAIRS.get(s[:1])
    if close is None or _still_open(s) is not None:
        return False
    if s.endswith(close):  # the end mark inside: 。）, or 。〕 (a closer _SENTENCE_END does not list)
        return ends_sentence(s) or ends_sentence(s[1:-1])
    # the end mark after the bracket: （他后来承认，那天晚上他喝醉了）。 is a sentence too (red team rt28b)
    return len(s) > 2 and s[-2] == close and s[-1] in _END_AFTER_ASIDE


def _bracket_rest(texts: Sequence[str], k: int, lang: str) -> int:
    """How many lines after heading ``k`` are the rest of its bracket: those before the line that closes it.

    0 unless line ``k`` opens a bracket it does not close and a line within ``BRACKET_SPAN_LINES`` closes
    it, the span (up to the closer) within ``BRACKET_SPAN_MAX``. A line that closes it at its end is part of the note
    when the note runs on into the closer (``…念这诗的话，说：）``); one that ends a sentence there (``…一起。）``) reads
    as a parenthesis in prose, where every line has its own counterpart: 0 (a heading would send the closing
    line to the pair after it). One that goes on after the closer (``）耶和华啊…``) holds what follows.
    """
    close = _still_open(texts[k])
    if close is None:
        return 0
    zh = lang.startswith("zh")
    total = _size(texts[k], zh)
    for d in range(1, BRACKET_SPAN_LINES + 1):
        if k + d >= len(texts):
            return 0
        t = texts[k + d].strip().translate(_WIDTH)
        at = t.find(close)
        total += _size(t if at < 0 else t[:at], zh)
        if total > BRACKET_SPAN_MAX["zh" if zh else "en"]:
            return 0
        if at >= 0:
            if at < len(t) - 1:
                return d - 1
            return 0 if ends_sentence(t[:at]) else d
    return 0


def heading_spans(texts: Sequence[str], lang: str) -> list[tuple[int, int]]:
    """Line ranges ``(start, stop)`` of one side's headings, in order: a line that ``opens_next`` after a
    finished sentence or a clause ended by a colon or semicolon (``这事经过如下：`` / ``（第二节）``), with the rest of
    its bracket when a note is cut into lines (``_bracket_rest``).

    A short line after one that stops mid-sentence is the rest of a sentence
    broken by extraction (``此前一天,美国国防部暂停了包括`` in seed 002) or the
    next cue of a subtitle, not a heading: it belongs with the line before as
    much as with the one after. So is a line after a heading (two headings in a
    row are rare; a run of short unpunctuated lines is a poem or a cue list).
    The first line may be one. A side where fewer than ``HEADING_MIN_FINISHED``
    of the lines end a sentence has none.
    """
    if not mostly_finished(texts):
        return []
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(texts):
        if (k == 0 or _ends_clause(texts[k - 1])) and opens_next(texts[k], lang):
            stop = k + 1 + _bracket_rest(texts, k, lang)
            spans.append((k, stop))
            k = stop
        else:
            k += 1
    return spans


def cuts_notes(texts: Sequence[str]) -> bool:
    """Whether a line opens a bracket it leaves for a later line (``(He later told me…`` / ``…show it.)``): a side
    whose own notes and parentheses run over lines. Its other side's note cut into lines is then most likely a
    parenthesis translated line by line, not a note with no counterpart (``aligner.units``)."""
    return any(t.strip() and _still_open(t) for t in texts)


def span_flags(spans: Sequence[tuple[int, int]], n: int) -> list[bool]:
    """For each of ``n`` lines: inside one of ``spans`` (``(start, stop)`` line ranges)."""
    flags = [False] * n
    for start, stop in spans:
        flags[start:stop] = [True] * (stop - start)
    return flags


def heading_flags(texts: Sequence[str], lang: str) -> list[bool]:
    """For each line of one side, in order: part of a heading (``heading_spans``)."""
    return span_flags(heading_spans(texts, lang), len(texts))
