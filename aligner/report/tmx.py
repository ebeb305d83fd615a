"""TMX 1.4b: one ``<tu>`` per two-sided bead.

Layout::

    <tmx version="1.4">
      <header creationtool="aligner" creationtoolversion="0.1.0" segtype="sentence"
              o-tmf="aligner" adminlang="en" srclang="zh-Hans" datatype="plaintext">
        <prop type="x-aligner-signature">aligner:0.2.0|model:...</prop>
        <prop type="x-aligner-src-path">...</prop> <prop type="x-aligner-tgt-path">...</prop>
      </header>
      <body>
        <tu tuid="12" segtype="block">           (segtype="block" when a side has 2+ sentences)
          <prop type="x-aligner-key">3f2a...</prop>    bead_key (review files use it)
          <prop type="x-aligner-ids">3,4:3</prop>      source ids : target ids
          <prop type="x-aligner-score">0.812</prop>
          <prop type="x-aligner-flag">number_mismatch</prop>   one per flag
          <note>warning number_mismatch: 1962 vs 1963</note>  one per flag
          <tuv xml:lang="zh-Hans"><seg>...</seg></tuv>
          <tuv xml:lang="en"><seg>...</seg></tuv>
        </tu>
      </body>
    </tmx>

Locales (``srclang``, ``xml:lang``) are detected from the text
(``aligner.locales``: ``zh-Hans`` or ``zh-Hant``, ``en``) unless given.
1-0 and 0-1 beads have nothing to pair and are left out (TMX pairs only);
``tuid`` is the bead's index in the whole alignment, so gaps show where they
were. Sentences of a bead are joined by one space. Characters XML 1.0 cannot
carry (C0 controls other than tab/LF/CR) become U+FFFD.
"""

from __future__ import annotations

import re

from lxml import etree

from .. import __version__
from ..data import Alignment, Bead
from ..locales import locales
from .jsonl import key_of
from .tsv import bead_texts

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def flag_note(f) -> str:
    return xml_safe(f"{f.severity.value} {f.code}: {f.reason}")


def _prop(parent: etree._Element, type_: str, text: str) -> None:
    etree.SubElement(parent, "prop", type=type_).text = xml_safe(text)


def _tu(al: Alignment, i: int, b: Bead, langs: tuple[str, str]) -> etree._Element:
    attrs = {"tuid": str(i)}
    if len(b.src_ids) > 1 or len(b.tgt_ids) > 1:
        attrs["segtype"] = "block"
    tu = etree.Element("tu", attrs)
    _prop(tu, "x-aligner-key", key_of(al, b))
    _prop(tu, "x-aligner-ids", ",".join(map(str, b.src_ids)) + ":" + ",".join(map(str, b.tgt_ids)))
    if b.score is not None:
        _prop(tu, "x-aligner-score", f"{b.score:.3f}")
    for f in b.flags:
        _prop(tu, "x-aligner-flag", f.code)
    for f in b.flags:
        etree.SubElement(tu, "note").text = flag_note(f)
    src, tgt = bead_texts(al, b)
    for lang, text in ((langs[0], src), (langs[1], tgt)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        etree.SubElement(tuv, "seg").text = xml_safe(text)
    return tu


def build_tmx(al: Alignment, src_locale: str | None = None, tgt_locale: str | None = None) -> etree._Element:
    """The TMX document as an lxml element tree root (locales detected when not given)."""
    langs = locales(al, src_locale, tgt_locale)
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header", {
        "creationtool": "aligner",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "aligner",
        "adminlang": "en",
        "srclang": langs[0],
        "datatype": "plaintext",
    })
    _prop(header, "x-aligner-signature", al.signature)
    _prop(header, "x-aligner-src-path", al.src.path)
    _prop(header, "x-aligner-tgt-path", al.tgt.path)
    body = etree.SubElement(root, "body")
    for i, b in enumerate(al.beads):
        if b.src_ids and b.tgt_ids:
            body.append(_tu(al, i, b, langs))
    return root


def to_tmx(al: Alignment, src_locale: str | None = None, tgt_locale: str | None = None) -> bytes:
    """The alignment as TMX 1.4b (UTF-8 bytes, see module docstring)."""
    return etree.tostring(build_tmx(al, src_locale, tgt_locale), xml_declaration=True, encoding="UTF-8", pretty_print=True)
