"""Line classes (captions, credits, metadata), unaligned lines (omission / addition) and text damage."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from ..data import Flag, Severity, Side
from .common import _HAN, _TERMINAL, _lang_name, _short

if TYPE_CHECKING:
    from .context import QAContext


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
    from ..segment import mostly_finished, opens_next

    # a text whose lines mostly end no sentence (subtitle cues, verse) is not cut off for ending like the rest;
    # nor is one that ends with a heading
    if mostly_finished([x.text for x in sents]):
        last = sents[-1]
        t = last.text.rstrip()
        body = not classify_line(t) and not _is_short_line(t) and not opens_next(t, lang)
        if body and t and t[-1] not in _TERMINAL:
            out[last.id].append(Flag("damage", Severity.WARNING,
                                     f"the document ends mid-sentence ('…{_short(t[-20:], 20)}'): cut off?"))
    return dict(out)


def _line_span(text: str) -> int:
    return text.count("\n") + 1

# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------
def _judge_line(side: Side, sid: int, what: str, edge: str | None, config) -> tuple[Severity, str]:
    """(severity, reason) of one sentence with no counterpart; ``edge``: "start" / "end" / None."""
    text = side.sentences[sid].text
    cls = classify_line(text)
    prev = side.sentences[sid - 1].text if sid > 0 else ""
    if not cls and prev and _is_short_line(text) and (classify_line(prev) or ("", ""))[0] in (
            "metadata", "credit line"):
        cls = ("metadata", f"value of '{_short(prev, 16)}'")
    if cls:
        return Severity.INFO, f"{cls[0]} ('{cls[1]}'): {what}; such lines are often left out"
    if edge and _is_short_line(text):
        return Severity.INFO, f"metadata or heading line at the {edge} of the document: {what}"
    if edge and config.edge_run_is_warning:
        where = "before the first" if edge == "start" else "after the last"
        return Severity.WARNING, f"{what}; it is {where} aligned sentence (an introduction, header or trailer?)"
    return Severity.ERROR, f"{what}: '{_short(text, 40)}'"


def check_unaligned(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> ``omission`` / ``addition`` flags of its one-sided bead (both codes; ``score`` filters).

    Info for a caption, credit, byline, metadata or editor's note line
    (``classify_line``) or a short line at either end; warning for a line
    before the first or after the last two-sided bead; error otherwise. A bead of several such
    lines (a reviewer's merge) gets the most severe of its lines judged one by one.
    """
    src, tgt, two, config = ctx.src, ctx.tgt, ctx.two, ctx.config
    beads = ctx.beads
    flags: dict[int, list[Flag]] = defaultdict(list)
    first = two[0] if two else len(beads)
    last = two[-1] if two else -1
    for k, b in enumerate(beads):
        if b.src_ids and b.tgt_ids:
            continue
        code = "omission" if b.src_ids else "addition"
        side, other = (src, tgt) if b.src_ids else (tgt, src)
        what = f"{_lang_name(side.lang)} line has no {_lang_name(other.lang)} counterpart"
        edge = "start" if k < first else "end" if k > last else None
        # each line on its own (a reviewer's merge of a metadata key and its value stays info), the worst one
        judged = [_judge_line(side, sid, what, edge, config) for sid in (b.src_ids or b.tgt_ids)]
        sev, why = max(judged, key=lambda j: j[0].rank)
        flags[k].append(Flag(code, sev, why))
    return dict(flags)


def check_damage(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> the ``damage_flags`` of its sentences (both sides, source first; no duplicates)."""
    where: dict[tuple[str, int], int] = {}
    for k, b in enumerate(ctx.beads):
        for i in b.src_ids:
            where[("s", i)] = k
        for j in b.tgt_ids:
            where[("t", j)] = k
    flags: dict[int, list[Flag]] = defaultdict(list)
    for tag, side in (("s", ctx.src), ("t", ctx.tgt)):
        for sid, fl in sorted(damage_flags(side).items()):
            k = where.get((tag, sid))
            if k is None:
                continue
            for f in fl:
                if f not in flags[k]:
                    flags[k].append(f)
    return dict(flags)
