"""Read stage: bytes -> decoded text -> paragraphs -> per-language ``Text``.

Decoding (UTF-8 with or without BOM, UTF-16/32 with or without BOM,
GB18030/GBK, Big5, Latin-1 refused) is ``aligner.decoding``'s; this module
handles CRLF and CR line ends, paragraphs separated by blank lines
or by single newlines, and bilingual files in several layouts:

``zh-only`` / ``en-only``
    one language (nothing to align against inside the file);
``blocks``
    a Chinese block then an English block (or the reverse), as seed 000;
``alternating``
    Chinese and English paragraphs alternate, as seed 004;
``mixed``
    runs of each language that do not pair up, as seed 002.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import extract
from .config import MAX_INPUT_BYTES
from .data import Paragraph, Text
from .decoding import Decoded, decode
from .errors import InputError, InputTooLargeError
from .inputs import StdinDocument, regular_file

log = logging.getLogger(__name__)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_TERMINAL = tuple("。！？!?；;…」』”’\"'）)】》.:：")

#: A paragraph needs this many letters (Han count 1, Latin letters 1/3) to have a language.
MIN_LANG_WEIGHT = 2.0


#: Median length (characters) of the lines of a hard-wrapped paragraph, at least.
WRAPPED_LINE_MIN = 30


@dataclass(frozen=True)
class Layout:
    """How a single input file is laid out, and its paragraphs per language.

    ``kind`` is one of ``zh-only``, ``en-only``, ``blocks``, ``alternating``,
    ``columns`` (``zh<TAB>en`` a line), ``mixed``, ``empty``; ``zh`` and ``en`` hold the paragraphs of each language
    (``None`` when the language is absent).
    """

    kind: str
    zh: Text | None
    en: Text | None
    encoding: str
    n_paragraphs: int
    one_per_line: bool = False  # each line is a sentence (subtitles)

    def describe(self) -> str:
        nz = len(self.zh.paragraphs) if self.zh else 0
        ne = len(self.en.paragraphs) if self.en else 0
        return f"layout {self.kind}: {nz} Chinese and {ne} English paragraphs ({self.encoding})"


# --------------------------------------------------------------------------
# bytes -> str
# --------------------------------------------------------------------------
def _mib(n: int) -> str:
    """A size for messages: "64 MiB", "47.7 MiB", "105 KiB", "99 bytes" (never a misleading "0 MiB")."""
    if n < 1024:
        return f"{n} bytes"
    if n < 2**20:
        return f"{n / 1024:.0f} KiB"
    m = n / 2**20
    return f"{m:.0f} MiB" if m == int(m) else f"{m:.1f} MiB"


def read_bytes(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """Read a whole input file, refusing directories, missing files and oversize input.

    A ``StdinDocument`` (``-``: standard input, read by the CLI) gives its bytes.
    """
    if isinstance(path, StdinDocument):
        if len(path.data) > max_bytes:
            raise InputTooLargeError(f"standard input is {_mib(len(path.data))}, above the {_mib(max_bytes)} "
                                     "input limit (split it, or raise --max-input-mb)", path="-")
        return path.data
    if str(path) == "-":
        raise InputError("reading from standard input is not supported; give a file path", path="-")
    # stat, never open, what is not a regular file: a FIFO blocks open() forever (issue 15)
    size = regular_file(path).st_size
    if size > max_bytes:
        raise InputTooLargeError(
            f"file is {_mib(size)}, above the {_mib(max_bytes)} input limit "
            "(split it, or raise --max-input-mb)",
            path=str(path),
        )
    try:
        with Path(path).open("rb") as fh:
            # read what stat says, not max_bytes + 1 at once: that allocates the whole limit
            # (`--max-input-mb 1000000` on a small file was "out of memory", exit 4)
            data = fh.read(min(size, max_bytes) + 1)
            if len(data) > size:  # grew while read: go on, in chunks, up to the limit + 1
                from .inputs import read_capped

                data = read_capped(fh, max_bytes, head=data)
    except PermissionError:
        raise InputError("permission denied", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", path=str(path)) from None
    if len(data) > max_bytes:
        raise InputTooLargeError(f"file is above the {_mib(max_bytes)} input limit", path=str(path))
    return data


#: Whitespace plus the invisible characters (BOM/ZWNBSP, zero-width space/joiners) that make no text.
_INVISIBLE = " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u2028\u2029\u202f\u205f\u3000\x1c\x1d\x1e\x1f\x85\ufeff\u200b\u200c\u200d\u2060"


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading BOM character is dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.lstrip("\ufeff")


def read_text(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES, *, documents: bool = True) -> Decoded:
    """Read and decode one file, newlines normalised to LF.

    A document format (Word, PDF, a web page, subtitles, Markdown: ``aligner.extract``) is
    extracted to plain text first, unless ``documents`` is False (an alignment TSV).
    """
    data = read_bytes(path, max_bytes)
    fmt = extract.format_of(str(path), data) if documents else None
    if fmt in extract.BINARY:
        if not data.strip():
            raise InputError("file is empty (no text after decoding)", path=str(path))
        ex = extract.extract(fmt, data, str(path), max_bytes)
        return Decoded(normalize_newlines(ex.text), fmt, ex.one_per_line)
    d = decode(data, str(path))
    text = normalize_newlines(d.text)
    if not text.strip(_INVISIBLE):
        raise InputError("file is empty (no text after decoding)", path=str(path))
    if fmt is not None:
        ex = extract.extract(fmt, text, str(path), max_bytes)
        return Decoded(normalize_newlines(ex.text), f"{fmt}, {d.encoding}", ex.one_per_line)
    return Decoded(text, d.encoding)


# --------------------------------------------------------------------------
# paragraphs and languages
# --------------------------------------------------------------------------
def split_paragraphs(text: str) -> list[Paragraph]:
    """Split decoded text into paragraphs with their 1-based first line.

    Every non-empty line is a paragraph, unless the text is hard-wrapped
    (blank-line separated blocks whose lines mostly stop without sentence-final
    punctuation), in which case each block is one paragraph.
    """
    lines = text.split("\n")
    blocks: list[list[tuple[int, str]]] = []
    cur: list[tuple[int, str]] = []
    for no, line in enumerate(lines, 1):
        if line.strip():
            cur.append((no, line))
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    inner = [ln for b in blocks if len(b) > 1 for _, ln in b[:-1]]
    hard_wrapped = (
        len(blocks) > 1
        and len(inner) >= 3
        and sum(ln.rstrip().endswith(_TERMINAL) for ln in inner) < 0.3 * len(inner)
        # wrapped lines are long; short lines (metadata, verse, lists) are paragraphs of their own
        and sorted(len(ln.strip()) for ln in inner)[len(inner) // 2] >= WRAPPED_LINE_MIN
    )
    if hard_wrapped:
        return [Paragraph("\n".join(ln.strip() for _, ln in b), b[0][0]) for b in blocks]
    return [Paragraph(ln.strip(), no) for b in blocks for no, ln in b]


def lang_weights(text: str) -> tuple[float, float]:
    """(Chinese weight, English weight): Han characters, and Latin letters / 3."""
    return float(len(_HAN.findall(text))), len(_LATIN.findall(text)) / 3.0


def paragraph_lang(text: str) -> str | None:
    """``"zh"``, ``"en"`` or ``None`` (too little text to tell: numbers, punctuation)."""
    zh, en = lang_weights(text)
    if zh + en < MIN_LANG_WEIGHT:
        return None
    return "zh" if zh >= en else "en"


def detect_layout(text: str, path: str = "<text>", encoding: str = "utf-8", one_per_line: bool = False) -> Layout:
    """Split a file's text into its Chinese and English paragraphs and name the layout.

    Paragraphs with no clear language (dates, numbers, punctuation) join the
    language of the paragraph before them (or after, at the start). A file of
    two tab-separated columns, one language each (``zh<TAB>en`` a line, as
    parallel corpora are shared), is the layout ``columns``: each cell a
    sentence, each column one side (``columns``).
    """
    cols = columns(text, path, encoding)
    if cols is not None:
        return cols
    paras = split_paragraphs(text)
    langs = [paragraph_lang(p.text) for p in paras]
    # Neutral paragraphs take the language of a neighbour.
    filled: list[str | None] = list(langs)
    last = None
    for i, lg in enumerate(filled):
        if lg is None:
            filled[i] = last
        else:
            last = lg
    nxt = None
    for i in range(len(filled) - 1, -1, -1):
        if filled[i] is None:
            filled[i] = nxt
        else:
            nxt = filled[i]
    if len(set(filled) - {None}) == 2 and _bilingual_kind(paras, filled) == "blocks":
        filled = _absorb_stray_lines(paras, filled)
    zh = [p for p, lg in zip(paras, filled) if lg == "zh"]
    en = [p for p, lg in zip(paras, filled) if lg == "en"]
    wz = sum(lang_weights(p.text)[0] for p in zh)
    we = sum(lang_weights(p.text)[1] for p in en)
    total = wz + we
    if total == 0:
        kind = "empty"
    elif we < 0.05 * total or not en:
        kind = "zh-only"
    elif wz < 0.05 * total or not zh:
        kind = "en-only"
    else:
        kind = _bilingual_kind(paras, filled)
    log.info("%s: %s", path, kind)
    return Layout(
        kind=kind,
        zh=Text("zh", path, tuple(zh)) if zh and kind != "en-only" else None,
        en=Text("en", path, tuple(en)) if en and kind != "zh-only" else None,
        encoding=encoding,
        n_paragraphs=len(paras),
        one_per_line=one_per_line,
    )


#: Share of a file's non-empty lines that must hold exactly one tab (two cells, one may be empty) for it to be read
#: as two columns, and share of each column's letters that must be its language.
COLUMNS_MIN_LINES = 0.9
COLUMNS_MIN_SHARE = 0.7


def _cells(line: str) -> list[str]:
    """A line's tab-separated cells, empty ones at its end dropped past the second (a tab typed after each line)."""
    cells = line.split("\t")
    while len(cells) > 2 and not cells[-1].strip():
        cells.pop()
    return cells


def columns(text: str, path: str = "<text>", encoding: str = "utf-8") -> Layout | None:
    """The ``columns`` layout of a file whose lines are ``cell<TAB>cell``, one column Chinese and the other
    English, or None. Each cell is a paragraph of its column's language at its line, and a sentence as it stands
    (``one_per_line``); a line without a tab (a title) goes to its own language. Red team 0.3.10: such a file was
    read line by line, each whole line given one language, and ``check`` called the result parallel."""
    lines = [(no, ln) for no, ln in enumerate(text.split("\n"), 1) if ln.strip()]
    rows = [(no, _cells(ln)) for no, ln in lines]
    two = [(no, c) for no, c in rows if len(c) == 2 and c[0].strip() and c[1].strip()]
    tabbed = sum(1 for _, c in rows if len(c) == 2)  # a row may leave a cell empty (an omission)
    if len(two) < 2 or tabbed < COLUMNS_MIN_LINES * len(lines) or any(len(c) > 2 for _, c in rows):
        return None
    langs = []
    for k in (0, 1):
        zh = sum(lang_weights(c[k])[0] for _, c in two)
        en = sum(lang_weights(c[k])[1] for _, c in two)
        if zh + en == 0 or max(zh, en) < COLUMNS_MIN_SHARE * (zh + en):
            return None
        langs.append("zh" if zh >= en else "en")
    if langs[0] == langs[1]:
        return None
    side: dict[str, list[Paragraph]] = {"zh": [], "en": []}
    for no, cells in rows:
        if len(cells) == 2:
            for lang, cell in zip(langs, cells):
                if cell.strip():
                    side[lang].append(Paragraph(cell.strip(), no))
        else:  # a line without a tab: its own language (or the first column's, with none)
            side[paragraph_lang(cells[0]) or langs[0]].append(Paragraph(cells[0].strip(), no))
    log.info("%s: columns (%s | %s)", path, *langs)
    return Layout(kind="columns", zh=Text("zh", path, tuple(side["zh"])), en=Text("en", path, tuple(side["en"])),
                  encoding=encoding, n_paragraphs=len(side["zh"]) + len(side["en"]), one_per_line=True)


#: Paragraphs lighter than this (Han chars, or Latin letters / 3) don't define the layout.
SUBSTANTIVE_WEIGHT = 8.0


def _weight(text: str, lang: str | None) -> float:
    zw, ew = lang_weights(text)
    return zw if lang == "zh" else ew


def _absorb_stray_lines(paras: list[Paragraph], langs: list[str | None]) -> list[str | None]:
    """In a blocks layout, a short line inside a block belongs to that block ("guancha")."""
    subst = [i for i, (p, lg) in enumerate(zip(paras, langs)) if _weight(p.text, lg) >= SUBSTANTIVE_WEIGHT]
    out = list(langs)
    for i, p in enumerate(paras):
        if _weight(p.text, langs[i]) >= SUBSTANTIVE_WEIGHT:
            continue
        before = [j for j in subst if j < i]
        after = [j for j in subst if j > i]
        if before and after and langs[before[-1]] == langs[after[0]]:
            out[i] = langs[before[-1]]
    return out


def _bilingual_kind(paras: list[Paragraph], langs: list[str | None]) -> str:
    """Blocks, alternating or mixed, from the runs of substantial paragraphs."""
    runs: list[tuple[str, float]] = []  # (lang, weight) of runs of substantive paragraphs
    for p, lg in zip(paras, langs):
        w = _weight(p.text, lg)
        if w < SUBSTANTIVE_WEIGHT:  # short lines (titles, names, bylines) don't define the layout
            continue
        if runs and runs[-1][0] == lg:
            runs[-1] = (lg, runs[-1][1] + w)
        else:
            runs.append((lg, w))
    if _short_lines_alternate(langs):  # line by line, short lines included: whatever the weights say
        return "alternating"
    if len(runs) <= 1:
        return "mixed"
    if len(runs) == 2:
        return "blocks"
    total = sum(w for _, w in runs)
    # Runs after the first two: in a blocks layout they are stray lines only.
    big = sorted(runs, key=lambda r: -r[1])[:2]
    if big[0][0] != big[1][0] and (big[0][1] + big[1][1]) >= 0.9 * total:
        return "blocks"
    n_zh = sum(1 for lg, _ in runs if lg == "zh")
    n_en = len(runs) - n_zh
    # Alternating: many short runs, switching language nearly every paragraph.
    n_par = sum(1 for p, lg in zip(paras, langs) if lg is not None)
    if min(n_zh, n_en) >= 2 and len(runs) >= 0.6 * n_par * 0.5 and len(runs) >= 4:
        longest_share = max(w for _, w in runs) / total
        if longest_share < 0.25:
            return "alternating"
    return "mixed"


#: Paragraphs of one language in a row, at most, in an alternating file of short lines (a sentence of one
#: may be two lines of the other).
ALTERNATING_MAX_RUN = 2


def _short_lines_alternate(langs: list[str | None]) -> bool:
    """Whether every paragraph, short ones included, switches language (runs of at most ``ALTERNATING_MAX_RUN``)
    with as many of each: a phrasebook, a dialogue, lyrics line by line. Their lines are too short to count as
    substantive (``SUBSTANTIVE_WEIGHT``), which left such a file "mixed" and `check` called it not parallel."""
    seq = [lg for lg in langs if lg is not None]
    runs: list[int] = []
    for k, lg in enumerate(seq):
        if k and seq[k - 1] == lg:
            runs[-1] += 1
        else:
            runs.append(1)
    n_zh = seq.count("zh")
    n_en = len(seq) - n_zh
    return (len(runs) >= 4 and max(runs) <= ALTERNATING_MAX_RUN
            and min(n_zh, n_en) >= 2 and abs(n_zh - n_en) <= max(1, 0.2 * len(seq)))


def read_document(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> Layout:
    """Read one file and detect its layout (one file may hold both languages)."""
    d = read_text(path, max_bytes)
    return detect_layout(d.text, str(path), d.encoding, d.one_per_line)


def read_whole(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> tuple[Layout, tuple[Paragraph, ...]]:
    """One file of a pair: its layout (for notes) and every paragraph, whatever its script.

    In two-file mode each file is one side: a line that reads as the other
    language (an English title, a ``来源：Reuters`` credit) stays on its file's side.
    """
    d = read_text(path, max_bytes)
    return detect_layout(d.text, str(path), d.encoding, d.one_per_line), tuple(split_paragraphs(d.text))


#: Letters a whole file needs (Han count 1, Latin letters 1/3) to be one side of a pair when no line of it has a
#: language of its own (``MIN_LANG_WEIGHT``): "Hello." (5/3) is a side, "456 a" (1/3) is not.
MIN_FILE_WEIGHT = 1.0


def file_weight(paragraphs) -> float:
    """The letters of a whole file, Han and Latin (``lang_weights``) together."""
    return sum(sum(lang_weights(p.text)) for p in paragraphs)


def side_language(paragraphs: tuple[Paragraph, ...] | list[Paragraph]) -> str | None:
    """``"zh"`` or ``"en"``: the language with more weight over a whole file (None: no letters)."""
    zh = en = 0.0
    for p in paragraphs:
        a, b = lang_weights(p.text)
        zh += a
        en += b
    if zh + en == 0:
        return None
    return "zh" if zh >= en else "en"


#: Two files that weigh as one language: the one with the larger share of the other language takes
#: it when that share is at least this. A short Chinese file with a long English credit or citation
#: line (`来源：Reuters, https://...`: Chinese share 0.14-0.45) was "both files are English" (exit 2);
#: an English file quoting a Chinese title (share ~0.01) still is.
PAIR_MIN_SHARE = 0.1


def pair_languages(paras1, paras2, layouts=None) -> tuple[str | None, str | None]:
    """The languages of two files of a pair: each file's own (``side_language``), unless both are
    the same; then the file with clearly more of the other language (and a paragraph of it, in
    ``layouts`` when given) is that language."""
    g1, g2 = side_language(paras1), side_language(paras2)
    if g1 != g2 or g1 is None:
        return g1, g2
    shares = []
    for paras in (paras1, paras2):
        zh = en = 0.0
        for p in paras:
            a, b = lang_weights(p.text)
            zh += a
            en += b
        shares.append((zh if g1 == "en" else en) / (zh + en))  # share of the other language
    other = "zh" if g1 == "en" else "en"
    if max(shares) < PAIR_MIN_SHARE or shares[0] == shares[1]:
        return g1, g2
    k = 0 if shares[0] > shares[1] else 1
    if layouts is not None and text_of(layouts[k], other) is None:  # not one paragraph of it
        return g1, g2
    return (other, g1) if k == 0 else (g1, other)


def text_of(layout: Layout, lang: str) -> Text | None:
    return layout.zh if lang == "zh" else layout.en
