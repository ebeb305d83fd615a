"""XLIFF 2.1 (core only): one ``<unit>`` per bead.

Layout::

    <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="zh-Hans" trgLang="en">
      <file id="f1" original="SRC PATH">
        <notes>
          <note id="signature" category="aligner:signature">aligner:0.2.0|model:...</note>
          <note id="tgt-path" category="aligner:tgt-path">TGT PATH</note>
        </notes>
        <unit id="u12" name="3f2a...">                 name = bead_key (review files use it)
          <notes>
            <note id="ids" category="aligner:ids">3,4:3</note>       source ids : target ids
            <note id="score" category="aligner:score">0.812</note>   (absent on 1-0 / 0-1)
            <note id="flag1" category="qa:number_mismatch" priority="3"
                  appliesTo="target">warning: 1962 vs 1963</note>    one per flag
            <note id="spans1" category="aligner:spans">[["src", 0, 4], ["tgt", 3, 7]]</note>
                                                                  its evidence, when found
          </notes>
          <segment id="s12" state="translated" subState="aligner:warning">
            <source>...</source>
            <target>...</target>
          </segment>
        </unit>
      </file>
    </xliff>

Segment ``state``: ``translated`` when the bead has a target, ``initial``
(and no ``<target>``) on a 1-0 bead; a 0-1 bead has an empty ``<source>``.
``subState`` (``aligner:error|warning|info``) is the bead's worst flag, absent
when clean. Flag note ``priority``: error 1, warning 3, info 8. Sentences of a
bead are joined by one space. The run's signature is the file-level note
``signature``. Locales (``srcLang``, ``trgLang``) are detected from the text
(``aligner.locales``) unless given. ``--format xliff12`` writes XLIFF 1.2
(``xliff12.py``) for the tools that read only that.
"""

from __future__ import annotations

import json

from lxml import etree

from ..data import Alignment, Bead, Severity
from ..evidence import bead_spans
from ..locales import locales
from .jsonl import key_of
from .tmx import xml_safe
from .tsv import bead_texts

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PRIORITY = {Severity.ERROR: "1", Severity.WARNING: "3", Severity.INFO: "8"}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _note(parent: etree._Element, id_: str, category: str, text: str, **attrs: str) -> None:
    etree.SubElement(parent, _q("note"), {"id": id_, "category": category, **attrs}).text = xml_safe(text)


def _unit(al: Alignment, i: int, b: Bead) -> etree._Element:
    unit = etree.Element(_q("unit"), {"id": f"u{i}", "name": key_of(al, b)})
    notes = etree.SubElement(unit, _q("notes"))
    _note(notes, "ids", "aligner:ids", ",".join(map(str, b.src_ids)) + ":" + ",".join(map(str, b.tgt_ids)))
    if b.score is not None:
        _note(notes, "score", "aligner:score", f"{b.score:.3f}")
    for k, (f, spans) in enumerate(zip(b.flags, bead_spans(al, b)), 1):
        _note(notes, f"flag{k}", f"qa:{f.code}", f"{f.severity.value}: {f.reason}",
              priority=PRIORITY.get(f.severity, "5"), appliesTo="target")
        if spans:  # evidence (aligner.evidence): [side, start, end] offsets into <source>/<target>
            _note(notes, f"spans{k}", "aligner:spans", json.dumps([list(sp) for sp in spans]))
    seg = etree.SubElement(unit, _q("segment"), {"id": f"s{i}"})
    seg.set("state", "translated" if b.tgt_ids else "initial")
    if b.flags:
        worst = max(b.flags, key=lambda f: f.severity.rank).severity
        seg.set("subState", f"aligner:{worst.value}")
    src, tgt = bead_texts(al, b)
    etree.SubElement(seg, _q("source")).text = xml_safe(src)
    if b.tgt_ids:
        etree.SubElement(seg, _q("target")).text = xml_safe(tgt)
    return unit


def build_xliff(al: Alignment, src_locale: str | None = None, tgt_locale: str | None = None) -> etree._Element:
    """The XLIFF document as an lxml element tree root (locales detected when not given)."""
    src_lang, tgt_lang = locales(al, src_locale, tgt_locale)
    root = etree.Element(_q("xliff"), {"version": "2.1", "srcLang": src_lang, "trgLang": tgt_lang},
                         nsmap={None: NS})
    f = etree.SubElement(root, _q("file"), {"id": "f1", "original": xml_safe(al.src.path)})
    notes = etree.SubElement(f, _q("notes"))
    _note(notes, "signature", "aligner:signature", al.signature)
    _note(notes, "tgt-path", "aligner:tgt-path", al.tgt.path)
    for i, b in enumerate(al.beads):
        f.append(_unit(al, i, b))
    return root


def to_xliff(al: Alignment, src_locale: str | None = None, tgt_locale: str | None = None) -> bytes:
    """The alignment as XLIFF 2.1 (UTF-8 bytes, see module docstring)."""
    return etree.tostring(build_xliff(al, src_locale, tgt_locale), xml_declaration=True, encoding="UTF-8", pretty_print=True)
