"""The visible text of a Word document's XML (WordprocessingML), paragraph by paragraph.

python-docx's ``Paragraph.text`` leaves out the text of tracked insertions,
content controls, smart tags, fields and text boxes (red team of 0.3.10: the
lost text was then flagged as the translator's omission). This reads the XML
as Word shows it; ``aligner.extract`` loads the document (python-docx) and
calls ``body_text`` and ``note_text``. Plain lxml elements in, strings out.
"""

from __future__ import annotations

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: Block-level elements whose children are read in order: the body, tables, rows, cells, content controls, custom
#: XML, a text box's content, tracked insertions.
_DOCX_CONTAINERS = frozenset(_W + t for t in ("body", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml",
                                              "txbxContent", "smartTag", "ins", "moveTo", "footnote", "endnote"))
#: Never read: text removed by a tracked change (deletion, the old place of a move), a field's code, the phonetic
#: guide of ruby text (拼音 over 中), property records (a content control's or a tracked change's).
_DOCX_SKIP = frozenset({_W + "del", _W + "moveFrom", _W + "rPrChange", _W + "pPrChange", _W + "instrText",
                        _W + "delText", _W + "delInstrText", _W + "rt", _W + "sdtPr", _W + "sdtEndPr",
                        _MC + "Fallback"})
_DOCX_CHARS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_OFF = ("0", "false", "off")


class _DocxText:
    """The visible text of WordprocessingML, read from its XML (python-docx's ``Paragraph.text`` leaves out the text
    of tracked insertions, content controls, smart tags, fields and text boxes): the document as it now stands,
    insertions in and deletions out. Table cells in order, a merged cell once (it is one ``w:tc``); a text box's
    paragraphs after the paragraph that anchors it; of an alternate content (``mc:AlternateContent``) its first
    choice only. Left out as Word does not show them: hidden runs (``w:vanish``), a field's code (only its result
    shows, nested fields too), a content control's placeholder ("Click here to enter text."), and a generated
    table of contents (its headings and page numbers repeat the body's)."""

    def __init__(self) -> None:
        self.fields: list[bool] = []  # one entry per open complex field: True once its result has begun
        self.out: list[str] = []

    def shown(self) -> bool:
        """Whether text here shows: not a result nested in an enclosing field's code (a field's own code is
        ``w:instrText``, skipped; a text run in the code of a field with no enclosing one is a damaged file's,
        shown)."""
        return all(self.fields[:-1])

    def field_char(self, mark) -> None:
        """Follow a ``w:fldChar``: a field begins (its code), its result begins (``separate``), or it ends."""
        kind = mark.get(_W + "fldCharType")
        if kind == "begin":
            self.fields.append(False)
        elif kind == "separate" and self.fields:
            self.fields[-1] = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    def blocks(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                parts: list[str] = []
                boxes: list = []
                self.runs(child, parts, boxes)
                # a field's code ends with its paragraph (its result may go on, a table of contents'): a field
                # left open by a damaged file hides no more than the rest of that paragraph's nested results
                self.fields = [True] * len(self.fields)
                self.out.append("".join(parts))
                for box in boxes:
                    self.blocks(box)
            elif tag == _MC + "AlternateContent":
                choice = child.find(_MC + "Choice")
                if choice is not None:
                    self.blocks(choice)
            elif tag == _W + "sdt" and _sdt_hidden(child):
                continue
            elif tag in _DOCX_CONTAINERS:
                self.blocks(child)

    def runs(self, el, parts: list[str], boxes: list) -> None:
        """Append the visible text under paragraph element ``el`` to ``parts``; collect its text boxes."""
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _DOCX_SKIP:
                continue
            if tag == _W + "t":
                if self.shown():
                    parts.append(child.text or "")
            elif tag in _DOCX_CHARS:
                if self.shown():
                    parts.append(_DOCX_CHARS[tag])
            elif tag == _W + "fldChar":
                self.field_char(child)
            elif tag == _W + "txbxContent":
                boxes.append(child)
            elif tag == _MC + "AlternateContent":
                choice = child.find(_MC + "Choice")
                if choice is not None:
                    self.runs(choice, parts, boxes)
            elif tag == _W + "r" and _hidden_run(child):
                for mark in child.iter(_W + "fldChar"):  # a hidden run may still open or close a field
                    self.field_char(mark)
            elif tag == _W + "sdt" and _sdt_hidden(child):
                continue
            else:
                self.runs(child, parts, boxes)


def _on(flag) -> bool:
    """Whether an on/off property element is present and on (``w:val`` absent, or not "0" / "false" / "off")."""
    return flag is not None and flag.get(_W + "val", "true").lower() not in _OFF


def _hidden_run(r) -> bool:
    """Whether run ``r`` is hidden text (``w:rPr/w:vanish``, not switched off)."""
    return _on(r.find(f"{_W}rPr/{_W}vanish"))


def _sdt_hidden(sdt) -> bool:
    """Whether a content control shows nothing of the document's text: its placeholder ("Click here to enter
    text."), or a generated table of contents."""
    pr = sdt.find(_W + "sdtPr")
    if pr is None:
        return False
    if _on(pr.find(_W + "showingPlcHdr")):
        return True
    gallery = pr.find(f"{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and (gallery.get(_W + "val") or "").lower() == "table of contents"


def body_text(container) -> list[str]:
    """The text of every paragraph under ``container`` (an lxml element of a Word part), in order (``_DocxText``)."""
    reader = _DocxText()
    reader.blocks(container)
    return reader.out


def note_text(doc) -> list[str]:
    """The footnotes' and endnotes' text, read as the body (python-docx has no API for them: their parts' XML)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    out: list[str] = []
    for reltype, tag in ((RT.FOOTNOTES, "footnote"), (RT.ENDNOTES, "endnote")):
        for rel in doc.part.rels.values():
            if rel.reltype != reltype or rel.is_external:
                continue
            root = etree.fromstring(rel.target_part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
            for note in root.iter(_W + tag):
                if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                out.extend(body_text(note))
    return out
