"""TSV and ladder formats, and the TSV reader.

TSV contract (UTF-8, LF): one ``# `` comment line with the signature, then a
header row, then one row per bead in document order::

    src_ids  tgt_ids  src  tgt  score  flags  severity  reason  p_omission  p_addition  spans  cuts

* ``src_ids``/``tgt_ids``: comma-separated 0-based sentence ids, empty on a
  side with nothing;
* ``src``/``tgt``: the bead's sentences, original text, joined by one space;
  tab, newline and backslash written as ``\\t``, ``\\n``, ``\\\\``;
* ``score``: similarity in [0, 1] with 3 decimals, empty for 1-0 and 0-1;
* ``flags``: comma-separated codes, empty when clean; ``severity``: the
  flags' severities in the same order; ``reason``: their reasons joined by
  `` | `` (a ``|`` inside a reason is written ``\\|``);
* ``p_omission`` / ``p_addition``: the calibrated probability (3 decimals)
  that the source holds content the target leaves out / the reverse
  (``aligner.qa.calibrated``): the per-pair suspicion score to sort a review by;
  empty where not computed (1-0 and 0-1 beads). Files written before these
  two columns existed (eight columns) are still read.
* ``spans``: the evidence of each flag (``aligner.evidence``), JSON: one list
  per flag, in flag order, of ``["src"|"tgt", start, end]`` code-point offsets
  into that row's ``src``/``tgt`` text (unescaped); empty when clean. Files
  written before this column existed (ten columns) are still read (spans are
  computed from the reasons when needed).
* ``cuts``: where the sentences of a many-sentence pair start, JSON
  ``[[source offsets], [target offsets]]``: the code-point offset in the
  ``src``/``tgt`` text (unescaped) of each sentence after the first; empty when
  each side has at most one sentence. ``read_tsv`` gives each sentence its own
  text back (a page made from the TSV can then split such a pair); without it
  (files before issue 16) the whole text stays on the first sentence.

Ladder (MAC-Test's gold format plus a score): ``[0]:[0, 1]:0.812`` per bead.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..data import Alignment, Bead, Flag, Sentence, Severity, Side
from ..errors import InputError

COLUMNS = ("src_ids", "tgt_ids", "src", "tgt", "score", "flags", "severity", "reason", "p_omission", "p_addition",
           "spans", "cuts")
REASON_SEP = " | "


def escape(text: str) -> str:
    """Make a cell value tab- and newline-free (reversible with ``unescape``)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def join_reasons(reasons: list[str]) -> str:
    """Reasons joined by `` | ``; a ``|`` or ``\\`` inside a reason is backslash-escaped."""
    return REASON_SEP.join(r.replace("\\", "\\\\").replace("|", "\\|") for r in reasons)


def split_reasons(cell: str) -> list[str]:
    """Inverse of ``join_reasons``."""
    if not cell:
        return []
    out, cur, i = [], [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\" and i + 1 < len(cell):
            cur.append(cell[i + 1])
            i += 2
        elif cell.startswith(REASON_SEP, i):
            out.append("".join(cur))
            cur = []
            i += len(REASON_SEP)
        else:
            cur.append(c)
            i += 1
    out.append("".join(cur))
    return out


def bead_texts(al: Alignment, bead: Bead) -> tuple[str, str]:
    """The bead's source and target text, sentences joined by one space."""
    # (empty texts only occur in sides rebuilt by read_tsv from merged beads)
    src = " ".join(t for t in (al.src.sentences[i].text for i in bead.src_ids) if t)
    tgt = " ".join(t for t in (al.tgt.sentences[j].text for j in bead.tgt_ids) if t)
    return src, tgt


def _cuts_cell(al: Alignment, b: Bead) -> str:
    """``[[src offsets], [tgt offsets]]`` of the 2nd, 3rd ... sentence in the joined text (``bead_texts``)."""
    def cuts(sents, ids) -> list[int]:
        texts = [sents[i].text for i in ids]
        if not all(texts):  # an empty sentence (a side rebuilt from a TSV without cuts) has no place of its own
            return []
        out, pos = [], 0
        for t in texts[:-1]:
            pos += len(t) + 1
            out.append(pos)
        return out

    c = [cuts(al.src.sentences, b.src_ids), cuts(al.tgt.sentences, b.tgt_ids)]
    if not c[0] and not c[1]:
        return ""
    import json

    return json.dumps(c, separators=(",", ":"))


def _spans_cell(src: str, tgt: str, b: Bead) -> str:
    if not b.flags:
        return ""
    import json

    from ..evidence import flag_spans

    return json.dumps([[list(sp) for sp in flag_spans(f, src, tgt)] for f in b.flags], separators=(",", ":"))


def to_tsv(al: Alignment) -> str:
    """The alignment as TSV text (see module docstring)."""
    buf = io.StringIO()
    buf.write(f"# {al.signature}\n")
    buf.write("\t".join(COLUMNS) + "\n")
    for b in al.beads:
        src, tgt = bead_texts(al, b)
        row = (
            ",".join(map(str, b.src_ids)),
            ",".join(map(str, b.tgt_ids)),
            escape(src),
            escape(tgt),
            "" if b.score is None else f"{b.score:.3f}",
            ",".join(f.code for f in b.flags),
            ",".join(f.severity.value for f in b.flags),
            escape(join_reasons([f.reason for f in b.flags])),
            "" if b.p_omission is None else f"{b.p_omission:.3f}",
            "" if b.p_addition is None else f"{b.p_addition:.3f}",
            _spans_cell(src, tgt, b),
            _cuts_cell(al, b),
        )
        buf.write("\t".join(row) + "\n")
    return buf.getvalue()


def to_ladder(al: Alignment) -> str:
    """``[src ids]:[tgt ids]:score`` per bead (score 0.000 on 1-0 / 0-1 beads)."""
    lines = []
    for b in al.beads:
        s = ", ".join(map(str, b.src_ids))
        t = ", ".join(map(str, b.tgt_ids))
        lines.append(f"[{s}]:[{t}]:{(b.score or 0.0):.3f}")
    return "\n".join(lines) + "\n"


def _ids(cell: str, path: str, lineno: int) -> tuple[int, ...]:
    cell = cell.strip()
    if not cell:
        return ()
    try:
        ids = tuple(int(x) for x in cell.split(","))
    except ValueError:
        raise InputError(f"line {lineno}: bad sentence ids {cell!r}", path=path) from None
    if any(i < 0 for i in ids):
        raise InputError(f"line {lineno}: negative sentence id in {cell!r}", path=path)
    return ids


def _score(cell: str, path: str, lineno: int, column: str = "score") -> float | None:
    cell = cell.strip()
    if not cell:
        return None
    try:
        v = float(cell)
    except ValueError:
        v = float("nan")
    if not 0.0 <= v <= 1.0:  # also rejects nan and inf
        raise InputError(f"line {lineno}: {column} {cell!r} is not a number in [0, 1]", path=path)
    return v


def read_tsv(path: str | Path, text: str | None = None, max_bytes: int | None = None) -> Alignment:
    """Read an alignment TSV back (sentences rebuilt from the bead rows).

    Paragraph and line numbers are not in the TSV: sentences come back with
    ``para = 0`` and ``line = 0``. Raises ``InputError`` on a malformed file.
    ``max_bytes``: refuse a larger file (default: ``config.TSV_SIZE_FACTOR`` times the input limit).
    """
    path = str(path)
    if text is None:
        from ..config import MAX_INPUT_BYTES, TSV_SIZE_FACTOR
        from ..read import read_text

        text = read_text(path, MAX_INPUT_BYTES * TSV_SIZE_FACTOR if max_bytes is None else max_bytes,
                         documents=False).text
    signature = ""
    header = None
    beads: list[Bead] = []
    src_txt: dict[int, str] = {}
    tgt_txt: dict[int, str] = {}
    seen: dict[tuple[str, int], int] = {}  # (side, sentence id) -> line that holds it
    last: dict[str, int] = {}  # side -> the last sentence id of the rows so far
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        if header is None and line.startswith("#"):
            signature = signature or line[1:].strip()
            continue
        cells = line.split("\t")
        if header is None:
            if tuple(cells[:6]) != COLUMNS[:6]:
                raise InputError(f"line {lineno}: not an aligner TSV header (expected {' '.join(COLUMNS[:6])})",
                                 path=path)
            header = cells
            continue
        if len(cells) < 6:
            raise InputError(f"line {lineno}: expected at least 6 tab-separated columns, got {len(cells)}",
                             path=path)
        if len(cells) > len(header):  # an unescaped tab typed into a cell
            raise InputError(f"line {lineno}: {len(cells)} tab-separated columns, the header has "
                             f"{len(header)} (a tab inside a cell must be written \\t)", path=path)
        cells += [""] * (len(COLUMNS) - len(cells))
        si, ti = _ids(cells[0], path, lineno), _ids(cells[1], path, lineno)
        _check_row_ids(si, ti, seen, path, lineno)
        _check_order(si, ti, last, path, lineno)
        cuts = _cuts(cells[11] if len(cells) > 11 else "", len(si), len(ti), path, lineno)
        _spread(si, unescape(cells[2]), src_txt, cuts[0], f"line {lineno}: source", path)
        _spread(ti, unescape(cells[3]), tgt_txt, cuts[1], f"line {lineno}: target", path)
        score = _score(cells[4], path, lineno)
        codes = [c for c in cells[5].split(",") if c]
        sevs = [s for s in cells[6].split(",") if s]
        reasons = split_reasons(unescape(cells[7]))
        _check_flag_counts(codes, sevs, reasons, path, lineno)
        flags = []
        for k, code in enumerate(codes):
            try:
                sev = Severity(sevs[k])
            except ValueError:
                raise InputError(f"line {lineno}: unknown severity {sevs[k]!r}", path=path) from None
            flags.append(Flag(code, sev, reasons[k] if k < len(reasons) else ""))
        beads.append(Bead(si, ti, score, tuple(flags), _score(cells[8], path, lineno, "p_omission"),
                          _score(cells[9], path, lineno, "p_addition")))
    if header is None:
        raise InputError("no TSV header row: not an aligner TSV", path=path)
    src = _side(src_txt, "src", path)
    tgt = _side(tgt_txt, "tgt", path)
    return Alignment(src, tgt, tuple(beads), signature, layout="tsv")


_SIDE_NAMES = {"src": "source", "tgt": "target"}


def _check_row_ids(si: tuple[int, ...], ti: tuple[int, ...], seen: dict[tuple[str, int], int],
                   path: str, lineno: int) -> None:
    """Each sentence in exactly one row; a row's ids consecutive; some id on at least one side.

    (A hand-edited TSV that breaks these used to be rendered as if it were an alignment, exit 0.)
    """
    if not si and not ti:
        raise InputError(f"line {lineno}: a row with no sentence id on either side", path=path)
    for side, ids in (("src", si), ("tgt", ti)):
        if ids and list(ids) != list(range(ids[0], ids[0] + len(ids))):
            raise InputError(f"line {lineno}: {_SIDE_NAMES[side]} ids {','.join(map(str, ids))} are not "
                             "consecutive (a row holds consecutive sentences)", path=path)
        for i in ids:
            if (side, i) in seen:
                raise InputError(f"line {lineno}: {_SIDE_NAMES[side]} sentence {i} is already in line "
                                 f"{seen[(side, i)]} (each sentence belongs to one row)", path=path)
            seen[(side, i)] = lineno


def _check_order(si: tuple[int, ...], ti: tuple[int, ...], last: dict[str, int], path: str, lineno: int) -> None:
    """Rows in document order: each side's ids only grow from row to row (a hand-reordered TSV gave an
    out-of-order TMX and an invalid ladder, exit 0)."""
    for side, ids in (("src", si), ("tgt", ti)):
        if ids:
            if ids[0] <= last.get(side, -1):
                raise InputError(f"line {lineno}: {_SIDE_NAMES[side]} sentence {ids[0]} comes after sentence "
                                 f"{last[side]} (rows must be in document order)", path=path)
            last[side] = ids[-1]


def _check_flag_counts(codes: list[str], sevs: list[str], reasons: list[str], path: str, lineno: int) -> None:
    """One severity per flag code, and one reason per code (a single flag may have an empty reason)."""
    if len(sevs) != len(codes):
        raise InputError(f"line {lineno}: {len(codes)} flag code(s) but {len(sevs)} severit"
                         f"{'y' if len(sevs) == 1 else 'ies'} (one per flag, in the same order)", path=path)
    if len(reasons) != len(codes) and not (len(codes) == 1 and not reasons):
        raise InputError(f"line {lineno}: {len(codes)} flag code(s) but {len(reasons)} reason(s) "
                         "(one per flag, joined by ' | ')", path=path)


def _cuts(cell: str, n_src: int, n_tgt: int, path: str, lineno: int) -> tuple[list[int], list[int]]:
    """The ``cuts`` cell: sentence start offsets per side (``[], []`` when empty)."""
    if not cell:
        return [], []
    import json

    try:
        c = json.loads(cell)
        ok = (isinstance(c, list) and len(c) == 2
              and all(isinstance(x, list) and all(isinstance(k, int) and not isinstance(k, bool) for k in x)
                      for x in c)
              and all(x == sorted(set(x)) for x in c))
    except ValueError:
        ok = False
    if not ok or len(c[0]) not in (0, n_src - 1) or len(c[1]) not in (0, n_tgt - 1):
        raise InputError(f"line {lineno}: bad 'cuts' cell {cell[:60]!r} (expected [[source offsets], "
                         "[target offsets]], one per sentence after the first)", path=path)
    return c[0], c[1]


def _spread(ids: tuple[int, ...], text: str, into: dict[int, str], cuts: list[int] | None = None,
            where: str = "", path: str = "") -> None:
    """Give a bead's joined text back to its sentences (one space joins them; ``cuts``: where each starts).

    Cuts that do not fall just after a joining space inside the text are refused (``where``: the row and
    side, for the message): a hand-edited text or cell would give sentences wrong or empty text.
    """
    if not ids:
        return
    if len(ids) == 1:
        into[ids[0]] = text
        return
    if cuts and not all(0 < c < len(text) and text[c - 1] == " " for c in cuts):
        raise InputError(f"{where} 'cuts' {cuts} do not fall after the spaces that join the sentences of "
                         f"this text (edited by hand?)", path=path)
    if cuts and len(cuts) == len(ids) - 1:
        starts = [0] + cuts
        ends = [c - 1 for c in cuts] + [len(text)]  # the joining space is not part of a sentence
        for i, a, e in zip(ids, starts, ends):
            into[i] = text[a:e]
        return
    # Sentences were joined by one space; without sentence boundaries we keep
    # the whole text on the first id and empty strings on the rest.
    into[ids[0]] = text
    for i in ids[1:]:
        into[i] = ""


def _side(texts: dict[int, str], name: str, path: str) -> Side:
    n = len(texts)
    if texts and max(texts) != n - 1:  # ids must be exactly 0 .. n-1 (never build range(max id))
        missing = [i for i in range(n + 1) if i not in texts][:5]
        raise InputError(f"{name} sentence ids missing from the TSV: {missing}", path=path)
    lang = "zh"
    sample = "".join(list(texts.values())[:20])
    if sum("\u4e00" <= c <= "\u9fff" for c in sample) < len(sample) / 10:
        lang = "en"
    return Side(lang, path, tuple(Sentence(i, texts[i], 0, 0) for i in range(n)))
