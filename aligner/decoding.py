"""Bytes -> text: which encoding a file is in, and the text it holds.

Order: a byte-order mark; strict UTF-8; UTF-16 without BOM (its NUL pattern,
or plausible Chinese); then the legacy Chinese encodings GB18030 and Big5, the
reading whose non-ASCII characters are more often common Chinese text winning.
Latin-1 / Windows-1252 text is refused (with a message saying so where its
bytes also decode as GB18030 or Big5), as is a file that mixes UTF-8 Chinese
into legacy text. Split from ``aligner.read`` (0.3.11).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import DecodeError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decoded:
    """Decoded file text with the encoding that was used (or the document format it was extracted from).

    ``one_per_line``: each line is a sentence (subtitles: ``--presplit`` implied).
    """

    text: str
    encoding: str
    one_per_line: bool = False


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
        if _legacy_plausibility(data[:200_000].decode(enc, "replace"), neutral=False) >= 0.9:
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
    # each reading scored once (a long file is scanned per score): (Chinese part, frequent Han, whole text)
    scores = {enc: (_chinese_plausibility(text), _common_han(text), _legacy_plausibility(text))
              for enc, text in candidates}
    # by the non-ASCII part first: English lines must not outvote the Chinese ones
    candidates.sort(key=lambda c: tuple(-x for x in scores[c[0]]))
    if candidates:
        enc, text = candidates[0]
        chinese, han, legacy = scores[enc]
        if _latin1_like(data) and (_letters_eaten(data) >= LATIN1_EATEN
                                   or (han < LATIN1_MIN_HAN and not _symbols_only(text))):
            at = next(i for i, b in enumerate(data) if b >= 0x80)
            raise DecodeError(
                f"cannot decode: not valid UTF-8 at byte offset {utf8_error.start}; it reads as Latin-1 / "
                f"Windows-1252 text ({data[max(0, at - 12):at + 12].decode('cp1252', 'replace')!r}) rather than "
                f"{enc} Chinese; convert the file to UTF-8",
                path=path,
            )
        if legacy < 0.5 or chinese < 0.5:
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


#: Bytes that look like Latin-1 (``_latin1_like``) are refused as Latin-1 when the legacy reading holds fewer frequent
#: Han characters than this ("¡Hola!" read as Big5 is "？ola!": none) ...
LATIN1_MIN_HAN = 1
#: ... or when at least this share of their high bytes is a letter eating the next letter (``_letters_eaten``).
#: Red team 0.3.11: judging by the reading's plausibility and by runs joined to Latin words refused a third of
#: mostly-English GBK files with "T恤", "K线" or "卡拉OK", and short Big5 clauses with one rare character.
LATIN1_EATEN = 0.5
#: Windows-1252 signs that European text hardly uses (¤ ¦ ¨ ª ¬ ¯ ´ ¸ º), and that are first bytes of Big5's commonest
#: characters (一 了 人, A4xx): a file holding one is no Latin-1 text (red team 0.3.11: Big5 點了點頭 was refused).
_RARE_SIGNS = frozenset({0xA4, 0xA6, 0xA8, 0xAA, 0xAC, 0xAF, 0xB4, 0xB8, 0xBA})
#: Bytes Windows-1252 defines (an English, French, German or Spanish file saved by an old editor), and those of
#: them that are letters (À-ÿ but × ÷, ƒ Š Œ Ž š œ ž Ÿ).
_CP1252_BYTES = frozenset(range(0x80, 0x100)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D} - _RARE_SIGNS
_CP1252_LETTERS = frozenset(set(range(0xC0, 0x100)) - {0xD7, 0xF7}) | {0x83, 0x8A, 0x8C, 0x8E, 0x9A, 0x9C, 0x9E, 0x9F}
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")


def _latin1_like(data: bytes) -> bool:
    """Whether ``data`` (not UTF-8) reads as Latin-1 / Windows-1252 text: every byte above 0x7F one cp1252
    defines, none in a run of three or more (Chinese in GBK or Big5 is two bytes a character, its words four and
    more), a letter (é) always beside a letter, and no two signs or punctuation marks side by side (° then ¦ is
    Big5's 隻, no Latin text). Red team 0.3.10: "Hélène" read as GB18030 gave "H閘鑞e", silently."""
    if _HIGH_RUN.search(data):  # first: a Chinese text fails here at once, not after a scan of every byte
        return False
    n = len(data)

    def letter(k: int) -> bool:
        return 0 <= k < n and (_ascii_letter(data[k]) or data[k] in _CP1252_LETTERS)

    seen = False
    for k, b in enumerate(data):
        if b < 0x80:
            continue
        seen = True
        if b not in _CP1252_BYTES:
            return False
        if b in _CP1252_LETTERS:
            if not (letter(k - 1) or letter(k + 1)):
                return False
        elif any(0 <= x < n and data[x] >= 0x80 and data[x] not in _CP1252_LETTERS for x in (k - 1, k + 1)):
            return False
    return seen


def _ascii_letter(b: int) -> bool:
    """Whether byte ``b`` is an ASCII letter."""
    return 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A


def _letters_eaten(data: bytes) -> float:
    """Share of the bytes above 0x7F that are a Windows-1252 letter standing alone and followed by an ASCII letter:
    the signature of Latin-1 read as GB18030 or Big5, whose character then eats the next letter of the word
    ("Hélène" -> "H閘鑞e", "école" -> "閏ole"). A Chinese character read right has its own second byte (恤 in "T恤"
    is D0 F4), or a first byte that is no letter in Windows-1252 (Big5's 卡 is A5 'd')."""
    high = [k for k, b in enumerate(data) if b >= 0x80]
    if not high:
        return 0.0
    eaten = sum(1 for k in high if data[k] in _CP1252_LETTERS and (k == 0 or data[k - 1] < 0x80)
                and k + 1 < len(data) and _ascii_letter(data[k + 1]))
    return eaten / len(high)


def _neutral(c: str) -> bool:
    """A character both GBK and Big5 hold outside Chinese text: Latin letters with diacritics (pinyin ā é ǚ),
    Greek, Cyrillic, letterlike symbols (℃), number forms, arrows, mathematical signs, enclosed numbers (①),
    box drawing (═), shapes (★ ●) and Japanese kana. It tells neither reading from the other. (Dashes, quotes
    and the ellipsis are Chinese punctuation: ``_chinese_plausibility`` counts them for a reading.)"""
    o = ord(c)
    return 0x80 <= o <= 0x4FF or 0x2040 <= o <= 0x27BF or 0x3040 <= o <= 0x30FF


def _symbols_only(text: str) -> bool:
    """Whether every non-ASCII character of ``text`` is ``_neutral`` (an English file saved as GBK with one "°C" or
    "★": no Chinese to judge, and nothing a Latin-1 reading would explain better; red team 0.3.11)."""
    return all(_neutral(c) for c in text if ord(c) >= 0x80)


def _common_han(text: str) -> int:
    """How many characters of ``text`` are frequent Han (a tie-break between two equally plausible readings)."""
    common = _common_chars()
    return sum(1 for c in text if c in common)


def _chinese_plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese text (frequent Han, CJK punctuation,
    full-width forms), leaving out the ``_neutral`` ones; 1.0 without any. Rare Han, Bopomofo and private-use
    characters (the bytes of another encoding) count against. Red team 0.3.11: counting pinyin letters and
    symbols against a reading read a GBK vocabulary list (学生 xuéshēng) as Big5 and refused a GBK notice of
    ① ℃ ★ as no Chinese."""
    common = _common_chars()
    rest = [c for c in text if ord(c) >= 0x80 and not _neutral(c)]
    if not rest:
        return 1.0
    good = sum(1 for c in rest if c in common or _chinese_punct(c))
    return good / len(rest)


def _chinese_punct(c: str) -> bool:
    """CJK punctuation, full-width forms, and the dashes, quotes and ellipsis Chinese text uses (U+2010-203A)."""
    return "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or "\u2010" <= c <= "\u203a"


def _legacy_plausibility(text: str, neutral: bool = True) -> float:
    """Share of characters that are common text (Han in the common blocks, ASCII, CJK punctuation); with
    ``neutral``, ``_neutral`` characters left out (a Russian or Japanese word list in GBK is Chinese text too).
    Not for UTF-16 (``_utf16_without_bom``): there an ASCII letter and a space make a U+20xx "symbol"."""
    if neutral:
        text = "".join(c for c in text if not _neutral(c))
    if not text:
        return 0.0
    good = sum(1 for c in text if c < "\x80" or "\u4e00" <= c <= "\u9fff" or _chinese_punct(c))
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
