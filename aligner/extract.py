"""Document formats -> plain text, before the read stage splits paragraphs and detects the layout.

``format_of(path, data)`` names the format of an input from its extension and
its first bytes (a PDF or a Word file is recognised whatever its name; on
standard input, ``-``, a web page and a WebVTT file by their first line too);
``extract(fmt, data, path, decode)`` turns it into text with one paragraph a
line. Layout detection and the TSV contract then apply to that text, and the
TSV's text is the extracted text.

==========  ===========================  =====================================================
format      library (extra ``formats``)  what is kept
==========  ===========================  =====================================================
``docx``    python-docx                  body paragraphs and table cells in document order,
                                         then the footnotes; not headers, footers, comments
``html``    trafilatura                  the main text of a web page: no menus, footers,
                                         scripts; a page too small to tell is read whole
``pdf``     pypdf                        the text layer, lines re-joined into paragraphs;
                                         a PDF with no text layer (scanned) is refused
``srt``     srt                          one cue a line, tags removed: ``--presplit`` implied
``vtt``     webvtt-py                    as ``srt``
``md``      markdown-it-py               paragraphs, headings, list items, table cells, as
                                         text without markup; code blocks and HTML dropped
==========  ===========================  =====================================================

Each library is imported only when a file of its format is read; when it is
not installed the error names the extra to install (exit 4).
"""

from __future__ import annotations

import html
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import Callable

from .config import EXTRACT_XML_FACTOR
from .errors import InputError, MissingExtraError

log = logging.getLogger(__name__)

#: Extension -> format. Text formats are decoded by the read stage first.
_EXT = {
    ".docx": "docx",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".srt": "srt",
    ".vtt": "vtt",
    ".md": "md", ".markdown": "md",
}
#: Formats given to their extractor as bytes (the others as decoded text).
BINARY = frozenset({"docx", "pdf"})
#: Formats whose lines are the sentences (``--presplit`` implied).
ONE_PER_LINE = frozenset({"srt", "vtt"})
#: The module each format needs, for the "install the extra" message.
_NEEDS = {"docx": "docx", "html": "trafilatura", "pdf": "pypdf", "srt": "srt", "vtt": "webvtt",
          "md": "markdown_it"}
_PYPI = {"docx": "python-docx", "trafilatura": "trafilatura", "pypdf": "pypdf", "srt": "srt",
         "webvtt": "webvtt-py", "markdown_it": "markdown-it-py", "mdit_py_plugins.footnote": "mdit-py-plugins"}

_HAN_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]$")
_HAN_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_ASCII_PUNCT = ",.;:!?)]\"'"
_TERMINAL = tuple("。！？!?；;…」』”’\"'）)】》.:：")


@dataclass(frozen=True)
class Extracted:
    """A document's text (one paragraph a line), its format, and whether each line is a sentence."""

    text: str
    fmt: str
    one_per_line: bool = False


#: The first cue of an SRT file: its number, then "00:00:01,000 --> ...".
_SRT_HEAD = re.compile(rb"\d+[ \t]*\r?\n\d{1,2}:\d\d:\d\d[,.]\d{1,3}[ \t]*-->")


def format_of(path: str, data: bytes) -> str | None:
    """The document format of an input (``None``: plain text), from its first bytes, else its extension."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return "docx"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if path == "-":  # standard input has no name: a web page by its first line
        if head.lower().startswith((b"<!doctype html", b"<html")):
            return "html"
    dot = path.rfind(".")
    ext = path[dot:].lower() if dot > max(path.rfind("/"), path.rfind("\\")) else ""
    named = _EXT.get(ext) if path != "-" else None
    if named is None or named == "md":  # subtitles by their content whatever the name (a .txt, standard input):
        if head.lower().startswith(b"webvtt"):  # timestamps and cue numbers read as sentences otherwise
            return "vtt"
        if _SRT_HEAD.match(head):
            return "srt"
    return named


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def join_lines(a: str, b: str) -> str:
    """Join two pieces of one paragraph: no space between Chinese characters, one space otherwise."""
    if not a:
        return b
    if not b:
        return a
    if _HAN_END.search(a.rstrip(_ASCII_PUNCT)) and _HAN_START.search(b):  # "看出," + "这次": no space
        return a + b
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha() and b[:1].islower():  # hyphenated at a line end
        return a[:-1] + b
    return a + " " + b


#: Runs of white space other than the ideographic space U+3000 (a Chinese heading's separator).
_SPACES = re.compile(r"[^\S\u3000]+")


def one_line(text: str) -> str:
    """A paragraph with inner line breaks on one line (see ``join_lines``), spaces collapsed."""
    out = ""
    for piece in text.split("\n"):
        # spaces collapse, but the ideographic space stays: 第三章　风雪 reads as in a text file
        out = join_lines(out, " ".join(p for p in _SPACES.split(piece.strip()) if p))
    return out


def _lib(fmt: str, name: str | None = None):
    """The module ``name`` (default: the library that reads format ``fmt``), or MissingExtraError naming it."""
    import importlib

    name = name or _NEEDS[fmt]
    try:
        return importlib.import_module(name)
    except ImportError:
        raise MissingExtraError(
            f"reading a .{fmt} file needs {_PYPI[name]}, which is not installed: "
            "pip install 'aligner[formats]'"
        ) from None


def extract(fmt: str, data: bytes | str, path: str, max_bytes: int) -> Extracted:
    """The text of a document of format ``fmt`` (bytes for ``BINARY`` formats, else decoded text).

    Raises ``InputError`` for a damaged file, a scanned PDF or a document with no text;
    ``MissingExtraError`` when the format's library is not installed.
    """
    fn: Callable = {"docx": _docx, "html": _html, "pdf": _pdf, "srt": _srt, "vtt": _vtt, "md": _markdown}[fmt]
    paras = fn(data, path, max_bytes)
    paras = [p for p in (one_line(p) for p in paras) if p]
    if not paras:
        raise InputError(f"no text in this {fmt_name(fmt)}", path=path)
    return Extracted("\n".join(paras) + "\n", fmt, fmt in ONE_PER_LINE)


def fmt_name(fmt: str) -> str:
    return {"docx": "Word document", "html": "web page", "pdf": "PDF", "srt": "subtitle file",
            "vtt": "subtitle file", "md": "Markdown file"}[fmt]


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------
def _docx(data: bytes, path: str, max_bytes: int) -> list[str]:
    docx = _lib("docx")
    _check_zip(data, path, max_bytes)
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors on a damaged file
        raise InputError(f"not a readable Word document ({type(e).__name__}: {e})", path=path) from None
    from .docx_text import body_text, note_text

    return body_text(doc.element.body) + note_text(doc)


def _check_zip(data: bytes, path: str, max_bytes: int) -> None:
    """Refuse a .docx whose XML would unpack far past the input limit (a zip bomb) before parsing it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(i.file_size for i in z.infolist() if i.filename.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"not a readable Word document (damaged zip: {e})", path=path) from None
    if size > EXTRACT_XML_FACTOR * max_bytes:
        raise InputError(f"Word document unpacks to {size} bytes of XML, above {EXTRACT_XML_FACTOR}x the "
                         "input limit (raise --max-input-mb)", path=path)


# ---------------------------------------------------------------------------
# web pages
# ---------------------------------------------------------------------------
def _html(text: str, path: str, max_bytes: int) -> list[str]:
    trafilatura = _lib("html")
    main = trafilatura.extract(text, include_comments=False, include_tables=True, deduplicate=False,
                               with_metadata=False, output_format="txt")
    if not main:  # too little for a main-text decision (a fragment): the page's text, markup removed
        log.info("%s: no main text found; reading the whole page", path)
        main = trafilatura.html2txt(text) or ""
        if not main.strip():  # lxml gives up past 255 nested elements: the standard library parser has no limit
            return _html_text(text)
        return [main]
    return main.split("\n")


_BLOCK_TAGS = frozenset("p div br li tr h1 h2 h3 h4 h5 h6 blockquote section article header footer td th dd dt"
                        .split())
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head"})


def _html_text(text: str) -> list[str]:
    """A page's text by the standard library's ``html.parser``, one block element a line, scripts dropped."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.lines, self.cur, self.hidden = [], [], 0

        def _flush(self) -> None:
            line = " ".join("".join(self.cur).split())
            if line:
                self.lines.append(line)
            self.cur = []

        def handle_starttag(self, tag, attrs):
            if tag in _HIDDEN_TAGS:
                self.hidden += 1
            elif tag in _BLOCK_TAGS:
                self._flush()

        def handle_endtag(self, tag):
            if tag in _HIDDEN_TAGS:
                self.hidden = max(0, self.hidden - 1)
            elif tag in _BLOCK_TAGS:
                self._flush()

        def handle_data(self, data):
            if not self.hidden:
                self.cur.append(data)

    p = _Text()
    p.feed(text)
    p.close()
    p._flush()
    return p.lines


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------
#: A PDF line narrower than this share of the widest line in its script (``_width``) ends its paragraph (a title,
#: a paragraph's last line); a wider one was wrapped and goes on in the next line.
PDF_WRAP_SHARE = 0.6
#: ... unless it ends a sentence and is narrower than this share: a line that ends a sentence but fills the
#: width (Chinese text wraps at any character, so its lines are all full) may go on too.
PDF_FULL_SHARE = 0.9


def _pdf(data: bytes, path: str, max_bytes: int) -> list[str]:
    pypdf = _lib("pdf")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("PDF is encrypted with a password; give an unprotected copy", path=path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as e:  # pypdf raises PdfReadError and others on a damaged file
        raise InputError(f"not a readable PDF ({type(e).__name__}: {e})", path=path) from None
    if not any(p.strip() for p in pages):
        raise InputError(
            f"PDF has no text layer ({len(pages)} page(s), no extractable text: a scanned document?); "
            "run OCR on it first (e.g. ocrmypdf) or give its text", path=path)
    return pdf_paragraphs("\n".join(p.strip("\n") for p in pages))  # a paragraph may go on over a page break


def _width(line: str) -> int:
    """A line's printed width in Latin letters, roughly: a Chinese (wide or full-width) character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def pdf_paragraphs(text: str) -> list[str]:
    """A PDF's text lines re-joined into paragraphs (pypdf gives the lines as laid out on the page).

    A line ends its paragraph when the next is blank, is in the other script (a bilingual document
    alternates Chinese and English paragraphs), or when it is narrow (``PDF_WRAP_SHARE``), or ends a
    sentence short of the full width (``PDF_FULL_SHARE``); otherwise it was wrapped.
    """
    lines = [" ".join(ln.split()) for ln in text.split("\n")]
    widest: dict[int, int] = {}  # per script: Latin letters vary in width more than the estimate allows
    for ln in lines:
        widest[_script(ln)] = max(widest.get(_script(ln), 0), _width(ln))
    out: list[str] = []
    cur = ""
    for k, ln in enumerate(lines):
        if not ln:
            if cur:
                out.append(cur)
            cur = ""
            continue
        cur = join_lines(cur, ln)
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        w = _width(ln)
        width = widest[_script(ln)] if _script(ln) else max(widest.values())
        if (not nxt or w < PDF_WRAP_SHARE * width or (ln.endswith(_TERMINAL) and w < PDF_FULL_SHARE * width)
                or _script(ln) * _script(nxt) < 0):
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def _script(line: str) -> int:
    """1 for a mostly Chinese line, -1 for a mostly Latin one, 0 when it has neither."""
    han = sum(1 for c in line if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")
    latin = sum(1 for c in line if c.isascii() and c.isalpha()) / 3
    return 0 if han == latin == 0 else (1 if han >= latin else -1)


# ---------------------------------------------------------------------------
# subtitles
# ---------------------------------------------------------------------------
#: Cue markup, and only that: SRT's <i> <b> <u> <s> <font ...> <br>, WebVTT's tags with their classes (<i.foreign>,
#: <c.yellow>, <v.loud Speaker>, <lang.x en>, <ruby>), <span ...>, cue timestamps <00:01.000>, ASS overrides
#: {\\an8}. Text between other angle brackets is text ("x < y and y > z", "<10 yuan>"; red team 0.3.10: every <...>
#: span was removed). A ruby's reading (<rt>kan</rt>) goes with its tag: it annotates the text, it is not text.
_CLS = r"(?:\.[\w-]+)*"
_TAG = re.compile(rf"</?(?:[ibus]|ruby|c){_CLS}\s*/?>|<font(?:\s[^<>]*)?>|</font>|<span(?:\s[^<>]*)?>|</span>"
                  rf"|<v{_CLS}\s[^<>]+>|</v>|<lang{_CLS}\s[\w-]+>|</lang>|<(?:\d+:)?\d{{2}}:\d{{2}}\.\d{{3}}>"
                  r"|\{\\[^}]*\}", re.IGNORECASE)
#: A ruby reading up to its closing tag (or the ruby's end), a fallback parenthesis (<rp>(</rp>); a line break.
#: A "<rt>" with neither after it is text (red team 0.3.11: it took the rest of the cue).
_RUBY_TEXT = re.compile(rf"<rt{_CLS}>[^<]*(?:</rt>|(?=</ruby>))|<rp{_CLS}>[^<]*</rp>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _cue_text(text: str) -> str:
    """A cue's text with its markup removed (``_TAG``), ruby readings dropped and <br> a line break."""
    return _TAG.sub("", _RUBY_TEXT.sub("", _BREAK.sub("\n", text)))


def _srt(text: str, path: str, max_bytes: int) -> list[str]:
    srt = _lib("srt")
    try:
        cues = list(srt.parse(text))
    except Exception as e:  # srt.SRTParseError and ValueError on bad timestamps
        raise InputError(f"not a valid SRT subtitle file ({type(e).__name__}: {_short_error(e)})",
                         path=path) from None
    return [line for c in cues for line in _cue_lines(_cue_text(c.content))]


def _vtt(text: str, path: str, max_bytes: int) -> list[str]:
    webvtt = _lib("vtt")
    try:
        cues = list(webvtt.from_string(text))
    except Exception as e:  # MalformedFileError, MalformedCaptionError
        raise InputError(f"not a valid WebVTT subtitle file ({type(e).__name__}: {_short_error(e)})",
                         path=path) from None
    # WebVTT cue text has character references (&amp; &lt; &nbsp; &lrm;): decoded after the tags go. The raw text:
    # webvtt's ``text`` removes any <...> span, a stray "<" of a hand-written file and the text after it included
    return [line for c in cues for line in _cue_lines(html.unescape(_cue_text(c.raw_text)))]


#: A parser's message past this many characters is cut (srt quotes the whole unparsed rest of the file).
ERROR_TEXT_CHARS = 160


def _short_error(e: Exception) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= ERROR_TEXT_CHARS else text[:ERROR_TEXT_CHARS] + "…"


def _cue_lines(content: str) -> list[str]:
    """One cue's text as lines of the document: the cue whole, or, for a bilingual cue (a Chinese line and
    its English line, the usual zh-en subtitle file), one line per language in cue order."""
    lines = [ln for ln in content.split("\n") if ln.strip()]
    scripts = {_script(ln) for ln in lines} - {0}
    if len(scripts) < 2:
        return [content]
    out: list[tuple[int, str]] = []
    for ln in lines:
        sc = _script(ln) or (out[-1][0] if out else 0)
        if out and out[-1][0] == sc:
            out[-1] = (sc, out[-1][1] + "\n" + ln)
        else:
            out.append((sc, ln))
    return [t for _, t in out]


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------
_FRONT_MATTER = re.compile(r"\A---\n.*?\n(---|\.\.\.)\n", re.S)


def _markdown(text: str, path: str, max_bytes: int) -> list[str]:
    markdown_it = _lib("md")
    footnote = _lib("md", "mdit_py_plugins.footnote")
    # footnotes: without the plugin a definition with no space in it ([^1]: 注释文字。) is a link reference
    # definition, dropped, while the English one ([^1]: Note text.) stays text (red team 0.3.10)
    # its tail rule would move the definitions to the end and drop those nothing refers to (red team 0.3.11):
    # without it each definition is read where it stands
    # (link reference definitions stay markup: "[1]: https://..." is no text; a Chinese line of that shape,
    # [旁白]: 很久很久以前…, with no space in it, is read as one too and dropped: a known limit)
    md = (markdown_it.MarkdownIt("commonmark").use(footnote.footnote_plugin).disable("footnote_tail")
          .enable("table").enable("strikethrough"))
    env: dict = {}
    tokens = md.parse(_FRONT_MATTER.sub("", text), env)
    notes = env.get("footnotes", {}).get("list", {})
    out = []
    for tok in tokens:  # every paragraph, heading, list item, table cell and footnote holds one inline token
        if tok.type == "inline":
            out.append(_inline_text(tok.children or []))
            out.extend(_inline_notes(tok.children or [], notes))
        elif tok.type == "html_block":  # <div>我们去公园散步了。</div>: its text, markup removed (was dropped)
            out.extend(_html_text(tok.content))
    return out


def _inline_notes(children, notes: dict) -> list[str]:
    """The text of the inline footnotes (``^[...]``) that ``children`` refer to, each after the text that refers to
    it, a note's own inline notes after it: the footnote plugin keeps their tokens aside (``notes``, its
    ``env["footnotes"]["list"]``), which only its tail rule, off here, would write out."""
    out: list[str] = []
    for c in children:
        note = notes.get(c.meta.get("id")) if c.type == "footnote_ref" and c.meta else None
        if note and note.get("tokens") is not None:
            out.append(_inline_text(note["tokens"]))
            out.extend(_inline_notes(note["tokens"], notes))
    return out


def _inline_text(children) -> str:
    parts = []
    for c in children:
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif c.type == "image":
            parts.append(_inline_text(c.children or []))  # its alt text
    return "".join(parts)
