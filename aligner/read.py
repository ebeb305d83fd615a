"""Read stage: bytes -> decoded text -> paragraphs -> per-language ``Text``.

Handles UTF-8 (with or without BOM), UTF-16/32 (with or without BOM),
GB18030/GBK, Big5, CRLF and CR line ends, paragraphs separated by blank lines
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

import codecs
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import extract
from .config import MAX_INPUT_BYTES
from .data import Paragraph, Text
from .errors import DecodeError, InputError, InputTooLargeError
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
class Decoded:
    """Decoded file text with the encoding that was used (or the document format it was extracted from).

    ``one_per_line``: each line is a sentence (subtitles: ``--presplit`` implied).
    """

    text: str
    encoding: str
    one_per_line: bool = False


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


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-16 without BOM from the NUL pattern of mostly-ASCII or CJK text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even = data[0::2]
    odd = data[1::2]
    n = len(even)
    z_even = even.count(0) / n
    z_odd = odd.count(0) / n
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    # Chinese text has no NULs in UTF-16: accept an endianness that gives common text.
    for enc in ("utf-16-le", "utf-16-be"):  # judged on a sample; decode() checks the whole
        if _legacy_plausibility(data[:200_000].decode(enc, "replace")) >= 0.9:
            return enc
    return None


def decode(data: bytes, path: str = "<bytes>") -> Decoded:
    """Decode input bytes; raise ``DecodeError`` naming the file and byte offset.

    Order: BOM; strict UTF-8; UTF-16 without BOM (NUL pattern); then the
    legacy Chinese encodings GB18030 and Big5, chosen by charset-normalizer
    where both decode.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(enc), enc + " (BOM)")
            except UnicodeDecodeError as e:
                raise DecodeError(
                    f"starts with a {enc} byte-order mark but is not valid {enc} at byte offset "
                    f"{e.start + len(bom)}",
                    path=path,
                ) from None
    try:
        text = data.decode("utf-8")
        if "\x00" not in text:
            return Decoded(text, "utf-8")
        # NULs: UTF-16 without BOM (ASCII-heavy text is valid UTF-8), else binary.
        utf8_error = UnicodeDecodeError("utf-8", data, data.index(0), data.index(0) + 1, "NUL byte")
    except UnicodeDecodeError as e:
        utf8_error = e
        if e.end == len(data) and e.reason == "unexpected end of data" and len(data) - e.start < 4:
            # A file cut off in the middle of its last character (a truncated download).
            try:
                text = data[:e.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if "\x00" not in text:
                    log.warning("%s: ends in the middle of a UTF-8 character (truncated file?); "
                                "the incomplete last character is dropped", path)
                    return Decoded(text, "utf-8")
    enc16 = _utf16_without_bom(data)
    if enc16:
        try:
            return Decoded(data.decode(enc16), enc16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise DecodeError(
            f"binary data (NUL byte at offset {data.index(0)}): not a text file", path=path
        )
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            candidates.append((enc, data.decode(enc)))
        except UnicodeDecodeError:
            continue
    if len(candidates) == 2:  # by the non-ASCII part: English lines must not outvote the Chinese ones
        candidates.sort(key=lambda c: (-_chinese_plausibility(c[1]), -_legacy_plausibility(c[1])))
    if candidates:
        enc, text = candidates[0]
        if _latin1_like(data) and (_chinese_plausibility(text) < LATIN1_MAX_CHINESE or _inside_words(text)):
            at = next(i for i, b in enumerate(data) if b >= 0x80)
            raise DecodeError(
                f"cannot decode: not valid UTF-8 at byte offset {utf8_error.start}; it reads as Latin-1 / "
                f"Windows-1252 text ({data[max(0, at - 12):at + 12].decode('cp1252', 'replace')!r}), not "
                "Chinese; convert the file to UTF-8",
                path=path,
            )
        if _legacy_plausibility(text) < 0.5 or _chinese_plausibility(text) < 0.5:
            raise DecodeError(
                f"not valid UTF-8 at byte offset {utf8_error.start}, and not plausible "
                "GB18030 or Big5 text either",
                path=path,
            )
        run = _utf8_chinese_run(data)
        if run is not None:  # read as legacy, that run would be mojibake (今天天气 -> 浠婂ぉ澶╂皵)
            start, end, sample = run
            raise DecodeError(
                f"cannot decode: mixed encodings: not valid UTF-8 at byte offset {utf8_error.start}, "
                f"yet bytes {start}-{end} are UTF-8 Chinese ({sample!r}) inside {enc} text; "
                "convert the file to one encoding (UTF-8)",
                path=path,
            )
        return Decoded(text, enc)
    raise DecodeError(
        f"cannot decode: not valid UTF-8 at byte offset {utf8_error.start} "
        "(nor UTF-16, GB18030 or Big5); convert the file to UTF-8",
        path=path,
    )


#: A run of multi-byte UTF-8 sequences (2-, 3- and 4-byte characters).
_UTF8_MULTIBYTE_RUN = re.compile(rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})+")
#: Characters of such a run that are common Chinese text (frequent Han or CJK punctuation), at least:
#: GBK/GB18030/Big5 renderings of MAC-Test's and the seeds' Chinese (214k characters) have no run with
#: more than one, a UTF-8 word inside legacy text has one per character.
MIXED_UTF8_MIN_CHARS = 2


def _utf8_chinese_run(data: bytes) -> tuple[int, int, str] | None:
    """The first run of bytes that is UTF-8 Chinese text, in data that is not UTF-8 as a whole:
    (start offset, end offset, the text), or None. Legacy Chinese bytes form such runs only by
    chance, of rare characters (see ``MIXED_UTF8_MIN_CHARS``)."""
    common = _common_chars()
    for m in _UTF8_MULTIBYTE_RUN.finditer(data):
        if m.end() - m.start() < 2 * MIXED_UTF8_MIN_CHARS:
            continue
        try:
            text = m.group().decode("utf-8")
        except UnicodeDecodeError:  # surrogates, overlong forms
            continue
        han = sum(1 for c in text if c in common)
        good = han + sum(1 for c in text if "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
        if han >= 1 and good >= MIXED_UTF8_MIN_CHARS:
            return m.start(), m.end(), text[:20]
    return None


#: A legacy decoding whose non-ASCII part is at least this plausible (``_chinese_plausibility``) is Chinese even when
#: its bytes also look like Latin-1 (a single Chinese word between ASCII letters).
LATIN1_MAX_CHINESE = 0.9
#: Bytes of Windows-1252 text that are letters (À-ÿ less × and ÷) or its usual punctuation (curly quotes, dashes,
#: ellipsis, no-break space, ©, °, ·): an English, French or German file saved by an old editor.
_LATIN1_BYTES = frozenset(set(range(0xC0, 0x100)) - {0xD7, 0xF7}) | {0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97,
                                                                     0xA0, 0xA9, 0xAB, 0xB0, 0xB7, 0xBB}
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")


def _latin1_like(data: bytes) -> bool:
    """Whether ``data`` (not UTF-8) reads as Latin-1 / Windows-1252 text: every byte above 0x7F a letter or usual
    punctuation of it, none in a run of three or more (Chinese in GBK or Big5 is two bytes a character, and its
    words run to four bytes and more; "Hélène" has one byte at a time). Red team 0.3.10: "Hélène" read as GB18030
    gave "H閘鑞e", silently."""
    high = [b for b in data if b >= 0x80]
    return bool(high) and all(b in _LATIN1_BYTES for b in high) and not _HIGH_RUN.search(data)


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _inside_words(text: str) -> bool:
    """Whether every run of non-ASCII characters of ``text`` sits inside a Latin word, letters on both sides
    ("Ang閘ique": the é of "Angélique" read as GB18030, with the letter after it)."""
    runs = list(_NON_ASCII_RUN.finditer(text))
    return bool(runs) and all(0 < m.start() and m.end() < len(text) and text[m.start() - 1].isascii()
                              and text[m.start() - 1].isalpha() and text[m.end()].isascii()
                              and text[m.end()].isalpha() for m in runs)


def _chinese_plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese text (frequent Han, CJK and general
    punctuation, full-width forms); 1.0 without any. Private-use characters (bytes of another encoding) count against."""
    common = _common_chars()
    rest = [c for c in text if ord(c) >= 0x80]
    if not rest:
        return 1.0
    good = sum(1 for c in rest if c in common or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
               or "\u2010" <= c <= "\u203a")  # dashes, quotes, the ellipsis: in GB2312 and Big5 alike
    return good / len(rest)


def _legacy_plausibility(text: str) -> float:
    """Share of characters that are common text (Han in the common blocks, ASCII, CJK punctuation)."""
    if not text:
        return 0.0
    good = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80 or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
            good += 1
    # Big5 text read as GB18030 (and the reverse) gives rare Han: weigh by frequency.
    return good / len(text) * _common_han_share(text)


def _common_han_share(text: str) -> float:
    """Fraction of Han characters that are among the most frequent (jieba's dictionary chars)."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 1.0
    common = _common_chars()
    return sum(1 for c in han if c in common) / len(han)


def _common_chars() -> frozenset[str]:
    # Characters of CJK words frequent in jieba's dictionary plus their Traditional forms.
    return _COMMON_CHARS_CACHE.get()


class _CommonChars:
    """Lazily built set of frequent Han characters (Simplified and Traditional)."""

    def __init__(self) -> None:
        self._value: frozenset[str] | None = None

    def get(self) -> frozenset[str]:
        if self._value is None:
            import jieba
            import opencc

            dict_path = Path(jieba.__file__).parent / "dict.txt"
            counts: dict[str, int] = {}
            with open(dict_path, encoding="utf-8") as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) < 2:
                        continue
                    f = int(parts[1])
                    for ch in parts[0]:
                        counts[ch] = counts.get(ch, 0) + f
            top = sorted(counts, key=counts.get, reverse=True)[:4000]
            simp = "".join(top)
            trad = opencc.OpenCC("s2t").convert(simp)
            self._value = frozenset(simp) | frozenset(trad)
        return self._value


_COMMON_CHARS_CACHE = _CommonChars()


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


#: Share of a file's non-empty lines that must hold exactly one tab between two non-empty cells for it to be read
#: as two columns, and share of each column's letters that must be its language.
COLUMNS_MIN_LINES = 0.9
COLUMNS_MIN_SHARE = 0.7


def columns(text: str, path: str = "<text>", encoding: str = "utf-8") -> Layout | None:
    """The ``columns`` layout of a file whose lines are ``cell<TAB>cell``, one column Chinese and the other
    English, or None. Each cell is a paragraph of its column's language at its line, and a sentence as it stands
    (``one_per_line``); a line without a tab (a title) goes to its own language. Red team 0.3.10: such a file was
    read line by line, each whole line given one language, and ``check`` called the result parallel."""
    lines = [(no, ln) for no, ln in enumerate(text.split("\n"), 1) if ln.strip()]
    rows = [(no, ln.split("\t")) for no, ln in lines]
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
