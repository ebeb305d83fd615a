"""The reviewer's baseline: which flags a person has looked at and accepted.

File format (JSON, UTF-8; also written by the HTML report in the browser)::

    {"aligner_review": 1,
     "entries": [{"key": "<bead_key, 16 hex>", "code": "number_mismatch",
                  "status": "accepted", "comment": "free text"}]}

A bead's key is ``aligner.data.bead_key`` of its texts, so decisions survive
re-alignment as long as the bead's text is unchanged. Only ``status ==
"accepted"`` silences a flag; other statuses (e.g. "open", "rejected") are
kept and round-tripped. Unknown fields are ignored on load.

Design: flags are never rewritten. ``apply_review`` returns a ``Reviewed``:
the beads unchanged, their keys, the set of ``(key, code)`` pairs accepted and
present, and the review entries that matched nothing (stale). ``failing``
gives the CLI gate: flags at or above ``fail_on`` that are not accepted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Sequence

from .data import Bead, Flag, Severity, Side, bead_key
from .errors import InputError
from .inputs import parse_json, regular_file

FORMAT_VERSION = 1
STATUS_ACCEPTED = "accepted"
_HEX16 = set("0123456789abcdef")


@dataclass(frozen=True)
class ReviewEntry:
    """One decision: bead ``key`` (16 hex), flag ``code``, ``status``, free ``comment``."""

    key: str
    code: str
    status: str = STATUS_ACCEPTED
    comment: str = ""


@dataclass(frozen=True)
class Review:
    """All decisions of one baseline file, in file order (a later duplicate wins on lookup)."""

    entries: tuple[ReviewEntry, ...] = ()

    def accepted(self) -> frozenset[tuple[str, str]]:
        """``(key, code)`` pairs whose last entry has status "accepted"."""
        last: dict[tuple[str, str], str] = {}
        for e in self.entries:
            last[(e.key, e.code)] = e.status
        return frozenset(k for k, s in last.items() if s == STATUS_ACCEPTED)

    def with_entries(self, new: Sequence[ReviewEntry]) -> "Review":
        """A review with ``new`` added; an entry for an existing (key, code) replaces it in place."""
        idx = {(e.key, e.code): i for i, e in enumerate(self.entries)}
        out = list(self.entries)
        for e in new:
            k = (e.key, e.code)
            if k in idx:
                out[idx[k]] = e
            else:
                idx[k] = len(out)
                out.append(e)
        return Review(tuple(out))


@dataclass(frozen=True)
class Reviewed:
    """Beads with a review applied.

    ``beads``: as given (flags untouched); ``keys[i]``: ``bead_key`` of bead i;
    ``accepted``: (key, code) accepted in the review and present on some bead;
    ``stale``: review entries that match no current (key, code).
    """

    beads: tuple[Bead, ...]
    keys: tuple[str, ...]
    accepted: frozenset[tuple[str, str]]
    stale: tuple[ReviewEntry, ...]

    def is_accepted(self, index: int, flag: Flag) -> bool:
        """Whether ``flag`` on bead ``index`` was accepted by the reviewer."""
        return (self.keys[index], flag.code) in self.accepted


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
    if not isinstance(status, str) or not isinstance(comment, str):
        raise InputError(f"{where}: 'status' and 'comment' must be strings")
    return ReviewEntry(key.lower(), code, status, comment)


def parse_review(text: str, path: str = "<review>") -> Review:
    """Parse a baseline file's text; raises ``InputError`` naming what is wrong."""
    data = parse_json(text, path, "review file")
    if not isinstance(data, dict) or data.get("aligner_review") != FORMAT_VERSION:
        raise InputError(f"not an aligner review file (expected \"aligner_review\": {FORMAT_VERSION})", path=path)
    entries = data.get("entries", [])
    if not isinstance(entries, list):
        raise InputError("'entries' must be a list", path=path)
    return Review(tuple(_entry(e, f"{path}: entry {i + 1}") for i, e in enumerate(entries)))


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
        with open(p, encoding="utf-8") as fh:
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
    data = {
        "aligner_review": FORMAT_VERSION,
        "entries": [{"key": e.key, "code": e.code, "status": e.status, "comment": e.comment}
                    for e in review.entries],
    }
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
    present = {(k, f.code) for k, b in zip(keys, beads) for f in b.flags}
    acc = review.accepted() & present
    stale = tuple(e for e in review.entries if (e.key, e.code) not in present)
    return Reviewed(tuple(beads), keys, frozenset(acc), stale)


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
                seen.setdefault((k, f.code), ReviewEntry(k, f.code, STATUS_ACCEPTED, comment))
    return Review(tuple(seen.values()))
