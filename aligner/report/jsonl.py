"""JSON Lines: a header record, then one record per bead.

Contract (UTF-8, LF, one JSON object per line, ``ensure_ascii=False``):

* line 1, the header::

    {"record": "header", "aligner_jsonl": 1, "signature": "...", "layout": "...",
     "src": {"lang": "zh", "path": "...", "sentences": 120},
     "tgt": {"lang": "en", "path": "...", "sentences": 118}, "beads": 117}

  The run's signature (``Alignment.signature``) is here only, not repeated
  in the bead records.

* then one record per bead, in document order::

    {"record": "bead", "i": 0, "key": "<bead_key, 16 hex>", "kind": "1-2",
     "src_ids": [0], "tgt_ids": [0, 1], "src": ["..."], "tgt": ["...", "..."],
     "score": 0.812, "p_omission": 0.031, "p_addition": 0.012,
     "flags": [{"code": "...", "severity": "warning", "reason": "...", "flag": "code:8 hex",
                "spans": [["tgt", 3, 7]]}]}

  ``src``/``tgt`` are the bead's sentences (original text), one string per id;
  ``score`` is ``null`` on 1-0 and 0-1 beads; ``p_omission`` / ``p_addition``
  are the calibrated probabilities of ``aligner.qa.calibrated`` (``null`` where
  not computed); ``flags`` is ``[]`` when clean;
  ``key`` is ``aligner.data.bead_key`` over the sentence texts (the key a
  review file uses); a flag's ``flag`` is its identity (``Flag.ident``, what a
  review file's entry names) and ``spans`` its evidence (``aligner.evidence``):
  ``[side, start, end]`` code-point offsets into that side's sentences joined by
  one space.
"""

from __future__ import annotations

import json

from ..data import Alignment, Bead, bead_key
from ..evidence import bead_spans

#: Version of the JSONL layout (in the header record).
JSONL_VERSION = 1


def sentence_texts(al: Alignment, b: Bead) -> tuple[list[str], list[str]]:
    """The bead's source and target sentences, one string per id."""
    return [al.src.sentences[i].text for i in b.src_ids], [al.tgt.sentences[j].text for j in b.tgt_ids]


def key_of(al: Alignment, b: Bead) -> str:
    """``bead_key`` of a bead of ``al`` (what review files are keyed by)."""
    src, tgt = sentence_texts(al, b)
    return bead_key(src, tgt)


def header_record(al: Alignment) -> dict:
    return {
        "record": "header",
        "aligner_jsonl": JSONL_VERSION,
        "signature": al.signature,
        "layout": al.layout,
        "src": {"lang": al.src.lang, "path": al.src.path, "sentences": len(al.src)},
        "tgt": {"lang": al.tgt.lang, "path": al.tgt.path, "sentences": len(al.tgt)},
        "beads": len(al.beads),
    }


def bead_record(al: Alignment, i: int, b: Bead) -> dict:
    src, tgt = sentence_texts(al, b)
    return {
        "record": "bead",
        "i": i,
        "key": bead_key(src, tgt),
        "kind": b.kind,
        "src_ids": list(b.src_ids),
        "tgt_ids": list(b.tgt_ids),
        "src": src,
        "tgt": tgt,
        "score": None if b.score is None else round(float(b.score), 4),
        "p_omission": None if b.p_omission is None else round(float(b.p_omission), 4),
        "p_addition": None if b.p_addition is None else round(float(b.p_addition), 4),
        "flags": [{"code": f.code, "severity": f.severity.value, "reason": f.reason, "flag": f.ident,
                   "spans": [list(sp) for sp in spans]} for f, spans in zip(b.flags, bead_spans(al, b))],
    }


def to_jsonl(al: Alignment) -> str:
    """The alignment as JSON Lines (see module docstring)."""
    lines = [json.dumps(header_record(al), ensure_ascii=False)]
    lines.extend(json.dumps(bead_record(al, i, b), ensure_ascii=False) for i, b in enumerate(al.beads))
    return "\n".join(lines) + "\n"
