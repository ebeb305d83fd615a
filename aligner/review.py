"""The reviewer's baseline: which flags a person has looked at and accepted, and the alignment fixes.

File format (JSON, UTF-8; also written by the HTML report in the browser),
version 2 (docs/review-file.md has the full description)::

    {"aligner_review": 2,
     "entries": [{"key": "<bead_key, 16 hex>", "code": "entity_mismatch",
                  "flag": "entity_mismatch:1a2b3c4d", "status": "accepted", "comment": "free text",
                  "run": [{"key": "<bead_key>", "flag": "omission:..."}]}],
     "corrections": [{"op": "merge", ...}]}

A bead's key is ``aligner.data.bead_key`` of its texts, so decisions survive
re-alignment as long as the bead's text is unchanged. ``flag`` is the flag's
identity (``aligner.data.flag_ident``: its code and what it is about), so
accepting "English has ABM" does not accept "English has SALT" in the same
bead; an entry without ``flag`` (every version-1 file) covers every flag of its
code on that bead. ``run`` lists the further members of one finding that spans
several beads (a run of consecutive lines with no counterpart, see ``findings``):
accepting the entry accepts all of them. ``corrections`` are alignment fixes
(``aligner.corrections``). Only ``status == "accepted"`` silences a flag;
other statuses (e.g. "open", "rejected") are kept and round-tripped. Unknown
fields are ignored on load; version 1 files are read as they always were.

Design: flags are never rewritten. ``apply_review`` returns a ``Reviewed``:
the beads unchanged, their keys, the set of ``(key, flag identity)`` accepted
and present, the entries accepted and present, and the review entries that
matched nothing (stale). ``failing`` gives the CLI gate: flags at or above
``fail_on`` that are not accepted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Sequence

from .data import Bead, Flag, Severity, Side, bead_key
from .errors import InputError
from .inputs import parse_json, regular_file

FORMAT_VERSION = 2
#: Versions this reader understands (1: no ``flag``/``run``/``corrections``).
READ_VERSIONS = (1, 2)
STATUS_ACCEPTED = "accepted"
#: What the page writes: ``open`` keeps a comment on a flag not accepted.
STATUSES = (STATUS_ACCEPTED, "open")
_HEX16 = set("0123456789abcdef")


@dataclass(frozen=True)
class ReviewEntry:
    """One decision: bead ``key`` (16 hex), flag ``code``, ``status``, free ``comment``.

    ``flag``: the flag's identity (``Flag.ident``), None for every flag of ``code``
    on the bead; ``run``: further ``(key, flag)`` members of one finding.
    """

    key: str
    code: str
    status: str = STATUS_ACCEPTED
    comment: str = ""
    flag: str | None = None
    run: tuple[tuple[str, str | None], ...] = ()

    @property
    def ident(self) -> tuple[str, str, str | None]:
        return (self.key, self.code, self.flag)

    def members(self) -> tuple[tuple[str, str | None], ...]:
        """``(key, flag)`` of every flag this entry decides on (itself first, then its run)."""
        return ((self.key, self.flag),) + self.run


@dataclass(frozen=True)
class Review:
    """All decisions of one baseline file, in file order (a later duplicate wins on lookup)."""

    entries: tuple[ReviewEntry, ...] = ()
    corrections: tuple[dict, ...] = ()

    def latest(self) -> list[ReviewEntry]:
        """The last entry for each (key, code, flag), in first-seen order."""
        last: dict[tuple, ReviewEntry] = {}
        for e in self.entries:
            last[e.ident] = e
        return list(last.values())

    def accepted(self) -> frozenset[tuple[str, str]]:
        """``(key, code)`` pairs whose last entry has status "accepted" (coarse: see ``accepted_entries``)."""
        return frozenset((e.key, e.code) for e in self.latest() if e.status == STATUS_ACCEPTED)

    def accepted_entries(self) -> list[ReviewEntry]:
        """Entries whose last decision is "accepted"."""
        return [e for e in self.latest() if e.status == STATUS_ACCEPTED]

    def with_entries(self, new: Sequence[ReviewEntry]) -> "Review":
        """A review with ``new`` added; an entry for an existing (key, code, flag) replaces it in place."""
        idx = {e.ident: i for i, e in enumerate(self.entries)}
        out = list(self.entries)
        for e in new:
            k = e.ident
            if k in idx:
                out[idx[k]] = e
            else:
                idx[k] = len(out)
                out.append(e)
        return Review(tuple(out), self.corrections)


@dataclass(frozen=True)
class Reviewed:
    """Beads with a review applied.

    ``beads``: as given (flags untouched); ``keys[i]``: ``bead_key`` of bead i;
    ``accepted``: (key, flag identity) accepted in the review and present on some bead;
    ``stale``: review entries that match no current flag;
    ``used``: accepted entries that match at least one current flag.
    """

    beads: tuple[Bead, ...]
    keys: tuple[str, ...]
    accepted: frozenset[tuple[str, str]]
    stale: tuple[ReviewEntry, ...]
    used: tuple[ReviewEntry, ...] = ()

    def is_accepted(self, index: int, flag: Flag) -> bool:
        """Whether ``flag`` on bead ``index`` was accepted by the reviewer."""
        return (self.keys[index], flag.ident) in self.accepted


def _entry(obj, where: str) -> ReviewEntry:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: an entry must be an object")
    key, code = obj.get("key"), obj.get("code")
    if not isinstance(key, str) or len(key) != 16 or not set(key.lower()) <= _HEX16:
        raise InputError(f"{where}: 'key' must be 16 hex digits, got {key!r}")
    if not isinstance(code, str) or not code:
        raise InputError(f"{where}: 'code' must be a non-empty string")
    status = obj.get("status", STATUS_ACCEPTED)
    comment = obj.get("comment", "")
    if status not in STATUSES:  # "ACCEPTED" or a typo silenced nothing and was not counted stale either
        raise InputError(f"{where}: 'status' must be \"accepted\" or \"open\", got {status!r}")
    if not isinstance(comment, str):
        raise InputError(f"{where}: 'comment' must be a string")
    flag = obj.get("flag")
    if flag is not None and (not isinstance(flag, str) or not flag):
        raise InputError(f"{where}: 'flag' must be a non-empty string")
    run = obj.get("run", [])
    if not isinstance(run, list):
        raise InputError(f"{where}: 'run' must be a list")
    members = []
    for m in run:
        mk, mf = (m.get("key"), m.get("flag")) if isinstance(m, dict) else (None, None)
        if not _is_key(mk) or (mf is not None and not isinstance(mf, str)):
            raise InputError(f"{where}: each 'run' member must be {{\"key\": 16 hex, \"flag\": identity}}")
        members.append((mk.lower(), mf))
    return ReviewEntry(key.lower(), code, status, comment, flag, tuple(members))


def _is_key(key) -> bool:
    return isinstance(key, str) and len(key) == 16 and set(key.lower()) <= _HEX16


def parse_review(text: str, path: str = "<review>") -> Review:
    """Parse a baseline file's text; raises ``InputError`` naming what is wrong."""
    data = parse_json(text, path, "review file")
    if not isinstance(data, dict) or data.get("aligner_review") not in READ_VERSIONS:
        raise InputError(f"not an aligner review file (expected \"aligner_review\": 1 or {FORMAT_VERSION})",
                         path=path)
    entries = data.get("entries", [])
    if not isinstance(entries, list):
        raise InputError("'entries' must be a list", path=path)
    corrections = data.get("corrections", [])
    if not isinstance(corrections, list) or not all(isinstance(c, dict) for c in corrections):
        raise InputError("'corrections' must be a list of objects", path=path)
    return Review(tuple(_entry(e, f"{path}: entry {i + 1}") for i, e in enumerate(entries)), tuple(corrections))


def load_review(path: str | os.PathLike, *, missing_ok: bool = False) -> Review:
    """Read a baseline file; an absent file is an empty ``Review`` when ``missing_ok``."""
    p = os.fspath(path)
    try:
        regular_file(p)  # stat first: a FIFO would block open() forever
    except InputError as e:
        if str(e) != f"{p}: no such file":
            raise
        if missing_ok:
            return Review()
        raise InputError("review file not found", path=p) from None
    try:
        with open(p, encoding="utf-8-sig") as fh:  # a BOM (Notepad) is read, as the page reads it
            text = fh.read()
    except FileNotFoundError:
        if missing_ok:
            return Review()
        raise InputError("review file not found", path=p) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read review file: {e}", path=p) from None
    return parse_review(text, p)


def dump_review(review: Review) -> str:
    """The JSON text of ``review`` (stable: entries in order, keys sorted, UTF-8 kept)."""
    def one(e: ReviewEntry) -> dict:
        d = {"key": e.key, "code": e.code, "status": e.status, "comment": e.comment}
        if e.flag is not None:
            d["flag"] = e.flag
        if e.run:
            d["run"] = [{"key": k, "flag": f} for k, f in e.run]
        return d

    data = {"aligner_review": FORMAT_VERSION, "entries": [one(e) for e in review.entries]}
    if review.corrections:
        data["corrections"] = list(review.corrections)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def save_review(path: str | os.PathLike, review: Review) -> None:
    """Write atomically (temporary file beside ``path``, then ``os.replace``); ``OutputError`` on failure."""
    from .output import write_atomic

    write_atomic(path, dump_review(review))


def bead_keys(beads: Sequence[Bead], src: Side, tgt: Side) -> tuple[str, ...]:
    """``bead_key`` of each bead's source and target texts."""
    return tuple(bead_key([src.sentences[i].text for i in b.src_ids],
                          [tgt.sentences[j].text for j in b.tgt_ids]) for b in beads)


def apply_review(beads: Sequence[Bead], src: Side, tgt: Side, review: Review) -> Reviewed:
    """Match the review to the beads' flags; flags themselves are left unchanged."""
    keys = bead_keys(beads, src, tgt)
    present: dict[tuple[str, str], set[str]] = {}  # (key, code) -> identities present
    for k, b in zip(keys, beads):
        for f in b.flags:
            present.setdefault((k, f.code), set()).add(f.ident)

    def matches(e: ReviewEntry) -> set[tuple[str, str]]:
        out = set()
        for k, flag in e.members():
            ids = present.get((k, e.code), set())
            out |= {(k, i) for i in ids if flag is None or i == flag}
        return out

    acc: set[tuple[str, str]] = set()
    used = []
    for e in review.accepted_entries():
        m = matches(e)
        if m:
            acc |= m
            used.append(e)
    stale = tuple(e for e in review.entries if not matches(e))
    return Reviewed(tuple(beads), keys, frozenset(acc), stale, tuple(used))


def failing(reviewed: Reviewed, fail_on: Severity | str) -> list[tuple[int, Flag]]:
    """``(bead index, flag)`` for every flag at or above ``fail_on`` not accepted, in bead order."""
    level = Severity(fail_on).rank
    return [(i, f) for i, b in enumerate(reviewed.beads) for f in b.flags
            if f.severity.rank >= level and not reviewed.is_accepted(i, f)]


def accept_all(reviewed: Reviewed, comment: str = "", codes: Sequence[str] | None = None) -> Review:
    """A review accepting every current flag (optionally only ``codes``): a fresh baseline."""
    seen: dict[tuple[str, str], ReviewEntry] = {}
    for k, b in zip(reviewed.keys, reviewed.beads):
        for f in b.flags:
            if codes is None or f.code in codes:
                seen.setdefault((k, f.ident), ReviewEntry(k, f.code, STATUS_ACCEPTED, comment, f.ident))
    return Review(tuple(seen.values()))


#: Codes whose flags on consecutive one-sided beads form one finding (a run of lines with no counterpart).
RUN_CODES = ("omission", "addition")


@dataclass(frozen=True)
class Finding:
    """One thing for a reviewer to decide: a flag, or a run of consecutive unpaired lines.

    ``members``: ``(bead index, flag)`` in bead order; one member except for a
    run (``RUN_CODES`` on consecutive one-sided beads, same code; a caption (info) inside an
    untranslated introduction (warnings) stays in its run).
    """

    members: tuple[tuple[int, Flag], ...]

    @property
    def flag(self) -> Flag:
        return self.members[0][1]

    @property
    def beads(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(i for i, _ in self.members))

    @property
    def is_run(self) -> bool:
        return len(self.members) > 1

    def entry(self, keys: Sequence[str], status: str = STATUS_ACCEPTED, comment: str = "") -> ReviewEntry:
        """The review entry deciding on this finding (a run: one entry, its further members in ``run``)."""
        (i0, f0), rest = self.members[0], self.members[1:]
        return ReviewEntry(keys[i0], f0.code, status, comment, f0.ident, tuple((keys[i], f.ident) for i, f in rest))


def findings(beads: Sequence[Bead]) -> list[Finding]:
    """The beads' flags as findings, in bead order; a run of unpaired lines is one finding."""
    out: list[Finding] = []
    run: list[tuple[int, Flag]] = []

    def close():
        if run:
            out.append(Finding(tuple(run)))
            run.clear()

    for i, b in enumerate(beads):
        one_sided = bool(b.src_ids) != bool(b.tgt_ids)
        joins = [f for f in b.flags if one_sided and f.code in RUN_CODES]
        if run and not (joins and run[-1][0] == i - 1 and joins[0].code == run[-1][1].code):
            close()
        for f in b.flags:
            if joins and f is joins[0]:
                run.append((i, f))
            else:
                out.append(Finding(((i, f),)))
    close()
    out.sort(key=lambda x: x.members[0][0])
    return out


def failing_findings(reviewed: Reviewed, fail_on: Severity | str) -> list[Finding]:
    """Findings with a member at or above ``fail_on`` not accepted, in bead order."""
    level = Severity(fail_on).rank
    return [fd for fd in findings(reviewed.beads)
            if any(f.severity.rank >= level and not reviewed.is_accepted(i, f) for i, f in fd.members)]


def _start(text: str, n: int = 24) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def _ids(ids: Sequence[int]) -> str:
    if not ids:
        return "-"
    return str(ids[0]) if len(ids) == 1 else f"{ids[0]}-{ids[-1]}"


def finding_item(fd: Finding, beads: Sequence[Bead], src: Side, tgt: Side) -> dict:
    """How the page and ``check`` name a finding: pair number(s) (1-based), sentence ids, start of each side."""
    idx = fd.beads
    s_ids = [i for k in idx for i in beads[k].src_ids]
    t_ids = [j for k in idx for j in beads[k].tgt_ids]
    f = fd.flag
    return {
        "pair": idx[0] + 1, "last_pair": idx[-1] + 1,
        "src_ids": s_ids, "tgt_ids": t_ids,
        "src": _start(" ".join(src.sentences[i].text for i in s_ids)) if s_ids else "",
        "tgt": _start(" ".join(tgt.sentences[j].text for j in t_ids)) if t_ids else "",
        "code": f.code, "severity": max((g for _, g in fd.members), key=lambda g: g.severity.rank).severity.value,
        "reason": f.reason, "flags": len(fd.members), "flag": f.ident, "src_lang": src.lang, "tgt_lang": tgt.lang,
    }


def item_line(it: dict) -> str:
    """One line naming a finding as the page does: ``pair 142 [zh 140, en 150-151] "start" / "start"``."""
    src_lang, tgt_lang = it.get("src_lang") or "src", it.get("tgt_lang") or "tgt"
    pair = f"pair {it['pair']}" + (f"-{it['last_pair']}" if it["last_pair"] != it["pair"] else "")
    ids = f"[{src_lang} {_ids(it['src_ids'])}, {tgt_lang} {_ids(it['tgt_ids'])}]"
    run = f" ({it['flags']} lines, one finding)" if it["flags"] > 1 else ""
    return f"{pair} {ids} \"{it['src']}\" / \"{it['tgt']}\": {it['severity']} {it['code']}{run}: {it['reason']}"
