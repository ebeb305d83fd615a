"""XLIFF 1.2 (strict): one ``<trans-unit>`` per bead, for the CAT tools that read only 1.2.

translate-toolkit (``translate.storage.xliff``, what its ``factory`` opens for
``.xlf``), OmegaT, Okapi Rainbow and older Trados read XLIFF 1.2 and refuse
2.x. The QA flags are ``<note>``s, which those tools show and
translate-toolkit's ``getnotes()`` returns.

Layout::

    <xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
      <file original="SRC PATH" source-language="zh-Hans" target-language="en"
            datatype="plaintext" tool-id="aligner" xml:space="preserve">
        <header>
          <tool tool-id="aligner" tool-name="aligner" tool-version="0.1.0"/>
          <note from="aligner-signature">aligner:0.2.0|model:...</note>
          <note from="aligner-tgt-path">TGT PATH</note>
        </header>
        <body>
          <trans-unit id="u12" resname="3f2a..." extradata="3,4:3">   resname = bead_key, extradata = ids
            <source xml:lang="zh-Hans">...</source>
            <target xml:lang="en" state="needs-review-translation">...</target>
            <note from="aligner-score" annotates="general" priority="10">score 0.812</note>
            <note from="aligner-qa" annotates="target" priority="3">warning number_mismatch: 1962 vs 1963</note>
            <note from="aligner-spans" annotates="general" priority="10">flag 1: [["src", 0, 4], ["tgt", 3, 7]]</note>
          </trans-unit>
        </body>
      </file>
    </xliff>

``extradata`` holds the ids as ``source ids:target ids``. Target ``state``:
``needs-review-translation`` when the bead has a warning or error flag, else
``translated``; a 1-0 bead has no ``<target>``, a 0-1 bead an empty
``<source>``. One ``aligner-qa`` note per flag, ``severity code: reason``
(as the TMX notes), ``priority`` error 1, warning 3, info 8 (as XLIFF 2).
The score note is absent on 1-0 / 0-1 beads. Sentences of a bead are joined
by one space; ``xml:space="preserve"`` keeps the text's spacing as written.
"""

from __future__ import annotations

import json

from lxml import etree

from .. import __version__
from ..data import Alignment, Bead, Severity
from ..evidence import bead_spans
from ..locales import locales
from .jsonl import key_of
from .tmx import flag_note, xml_safe
from .tsv import bead_texts
from .xliff import PRIORITY

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: ``from`` of the flag notes: ``unit.getnotes(QA_ORIGIN)`` in translate-toolkit returns just them.
QA_ORIGIN = "aligner-qa"
#: ``from`` of the score note.
SCORE_ORIGIN = "aligner-score"
#: ``from`` of a flag's evidence note (``flag K: [["src", start, end], ...]``, after that flag's note).
SPANS_ORIGIN = "aligner-spans"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _note(parent: etree._Element, origin: str, text: str, **attrs: str) -> None:
    etree.SubElement(parent, _q("note"), {"from": origin, **attrs}).text = xml_safe(text)


def _unit(al: Alignment, i: int, b: Bead, langs: tuple[str, str]) -> etree._Element:
    ids = ",".join(map(str, b.src_ids)) + ":" + ",".join(map(str, b.tgt_ids))
    unit = etree.Element(_q("trans-unit"), {"id": f"u{i}", "resname": key_of(al, b), "extradata": ids})
    src, tgt = bead_texts(al, b)
    etree.SubElement(unit, _q("source"), {XML_LANG: langs[0]}).text = xml_safe(src)
    if b.tgt_ids:
        review = any(f.severity in (Severity.WARNING, Severity.ERROR) for f in b.flags)
        etree.SubElement(unit, _q("target"), {XML_LANG: langs[1], "state": (
            "needs-review-translation" if review else "translated")}).text = xml_safe(tgt)
    if b.score is not None:
        _note(unit, SCORE_ORIGIN, f"score {b.score:.3f}", annotates="general", priority="10")
    for k, (f, spans) in enumerate(zip(b.flags, bead_spans(al, b)), 1):
        _note(unit, QA_ORIGIN, flag_note(f), annotates="target", priority=PRIORITY.get(f.severity, "5"))
        if spans:  # evidence (aligner.evidence) of flag k: [side, start, end] offsets into <source>/<target>
            _note(unit, SPANS_ORIGIN, f"flag {k}: " + json.dumps([list(sp) for sp in spans], ensure_ascii=False),
                  annotates="general", priority="10")
    return unit


def build_xliff12(al: Alignment, src_locale: str | None = None, tgt_locale: str | None = None) -> etree._Element:
    """The XLIFF 1.2 document as an lxml element tree root (locales detected when not given)."""
    langs = locales(al, src_locale, tgt_locale)
    root = etree.Element(_q("xliff"), {"version": "1.2"}, nsmap={None: NS})
    f = etree.SubElement(root, _q("file"), {
        "original": xml_safe(al.src.path), "source-language": langs[0], "target-language": langs[1],
        "datatype": "plaintext", "tool-id": "aligner", XML_SPACE: "preserve"})
    header = etree.SubElement(f, _q("header"))
    etree.SubElement(header, _q("tool"), {"tool-id": "aligner", "tool-name": "aligner", "tool-version": __version__})
    _note(header, "aligner-signature", al.signature)
    _note(header, "aligner-tgt-path", al.tgt.path)
    body = etree.SubElement(f, _q("body"))
    for i, b in enumerate(al.beads):
        body.append(_unit(al, i, b, langs))
    return root


def to_xliff12(al: Alignment, src_locale: str | None = None, tgt_locale: str | None = None) -> bytes:
    """The alignment as XLIFF 1.2 (UTF-8 bytes, see module docstring)."""
    return etree.tostring(build_xliff12(al, src_locale, tgt_locale), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)
