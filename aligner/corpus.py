"""The corpus manifest: one entry per document (or per pair of files), loading and adding.

A corpus is a directory with a ``manifest.json``::

    {"aligner_corpus": 1,
     "documents": [
       {"id": "004",
        "files": ["004_ecb1ef62764ca60e.txt"],      # paths relative to the manifest
        "languages": ["zh", "en"],
        "layout": "alternating",                     # zh-only en-only blocks alternating columns mixed pair
        "status": ["bilingual"],                     # see STATUSES; "damaged" may be added to any
        "title": "...", "publisher": "...", "date": "2022-01-12", "source": "...",
        "alignment": "aligned/004.tsv",              # optional: the reviewed alignment
        "review": "review/004.review.json",          # optional: the reviewer's baseline
        "notes": "..."}]}

``status`` says what the document is, and so what ``aligner check`` must find:
``bilingual`` -> verdict ``parallel``; ``zh-only`` / ``en-only`` ->
``monolingual``; ``mixed`` -> ``mixed``; ``not-parallel`` (a negative
control: two files that are *not* translations of each other) ->
``not-parallel``. ``damaged`` is a tag added to one of those.

``init_corpus`` starts a corpus: the directory and an empty manifest
(``aligner corpus init``). ``add_document`` copies a file into the corpus,
detects its layout and languages, and appends an entry (``aligner corpus add``).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .config import MAX_INPUT_BYTES
from .errors import InputError
from .inputs import parse_json, refuse_output_over_input, regular_file, resolved

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"

#: Allowed status tags. Exactly one of the first five; "damaged" may be added.
KINDS = ("bilingual", "zh-only", "en-only", "mixed", "not-parallel")
STATUSES = KINDS + ("damaged",)
LAYOUTS = ("zh-only", "en-only", "blocks", "alternating", "columns", "mixed", "pair")
#: Status kind -> the gate verdict it must get.
EXPECTED_VERDICT = {
    "bilingual": "parallel",
    "zh-only": "monolingual",
    "en-only": "monolingual",
    "mixed": "mixed",
    "not-parallel": "not-parallel",
}

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Entry:
    """One corpus document (one bilingual file, one monolingual file, or a pair of files).

    Paths (``files``, ``alignment``, ``review``) are relative to the corpus
    root as written in the manifest; ``root`` resolves them.
    """

    id: str
    files: tuple[str, ...]
    languages: tuple[str, ...]
    layout: str
    status: tuple[str, ...]
    title: str = ""
    publisher: str = ""
    date: str | None = None
    source: str = ""
    alignment: str | None = None
    review: str | None = None
    notes: str = ""
    root: Path = field(default=Path("."), compare=False)

    @property
    def kind(self) -> str:
        """The main status (one of ``KINDS``)."""
        return next(s for s in self.status if s in KINDS)

    @property
    def expected_verdict(self) -> str:
        return EXPECTED_VERDICT[self.kind]

    @property
    def damaged(self) -> bool:
        return "damaged" in self.status

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(self.root / f for f in self.files)

    @property
    def review_path(self) -> Path | None:
        return self.root / self.review if self.review else None

    @property
    def alignment_path(self) -> Path | None:
        return self.root / self.alignment if self.alignment else None

    def to_json(self) -> dict:
        d = {
            "id": self.id, "files": list(self.files), "languages": list(self.languages),
            "layout": self.layout, "status": list(self.status), "title": self.title,
            "publisher": self.publisher, "date": self.date, "source": self.source,
        }
        for k in ("alignment", "review"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        if self.notes:
            d["notes"] = self.notes
        return d


@dataclass(frozen=True)
class Manifest:
    """A loaded manifest: its file, its root directory and its entries in file order."""

    path: Path
    entries: tuple[Entry, ...]

    @property
    def root(self) -> Path:
        return self.path.parent

    def get(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise InputError(f"no entry {entry_id!r}", path=str(self.path))

    def to_json(self) -> str:
        data = {"aligner_corpus": FORMAT_VERSION, "documents": [e.to_json() for e in self.entries]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def manifest_path(path: str | Path) -> Path:
    """The manifest for ``path``: the file itself, or ``path/manifest.json`` for a directory."""
    p = Path(path)
    if p.is_dir():
        p = p / MANIFEST_NAME
    if not p.is_file():
        raise InputError("no corpus manifest here (expected a manifest.json or a directory holding one; "
                         "make one with `aligner corpus init DIR`, then `aligner corpus add FILE -C DIR`)",
                         path=str(p))
    return p


def _str(obj: dict, key: str, where: str, default: str = "") -> str:
    v = obj.get(key, default)
    if v is None:
        return default
    if not isinstance(v, str):
        raise InputError(f"{where}: {key!r} must be a string")
    return v


def _list(obj: dict, key: str, where: str) -> tuple[str, ...]:
    v = obj.get(key)
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
        raise InputError(f"{where}: {key!r} must be a non-empty list of strings")
    return tuple(v)


def _real_date(date: str) -> bool:
    """A calendar date (2024-02-29 yes, 2024-02-30 and 2024-13 no); ``date`` already matches ``_DATE``."""
    import datetime

    parts = [int(x) for x in date.split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def parse_entry(obj, root: Path, where: str) -> Entry:
    """One manifest entry; raises ``InputError`` naming the entry and field."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}: an entry must be an object")
    eid = obj.get("id")
    if not isinstance(eid, str) or not _ID.match(eid):
        raise InputError(f"{where}: 'id' must match {_ID.pattern}, got {eid!r}")
    where = f"{where} ({eid})"
    files = _list(obj, "files", where)
    if len(files) > 2:
        raise InputError(f"{where}: 'files' holds one bilingual/monolingual file or a pair, not {len(files)}")
    for f in files:
        if Path(f).is_absolute() or ".." in Path(f).parts:
            raise InputError(f"{where}: file {f!r} must be a path inside the corpus directory")
    langs = _list(obj, "languages", where)
    if not set(langs) <= {"zh", "en"}:
        raise InputError(f"{where}: 'languages' must be zh and/or en, got {list(langs)}")
    status = _list(obj, "status", where)
    bad = [s for s in status if s not in STATUSES]
    kinds = [s for s in status if s in KINDS]
    if bad or len(kinds) != 1:
        raise InputError(f"{where}: 'status' must hold exactly one of {', '.join(KINDS)} "
                         f"(and optionally 'damaged'), got {list(status)}")
    layout = _str(obj, "layout", where)
    if layout not in LAYOUTS:
        raise InputError(f"{where}: 'layout' must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    if (layout == "pair") != (len(files) == 2):
        raise InputError(f"{where}: layout 'pair' goes with two files, and only with two")
    date = obj.get("date")
    if date is not None and (not isinstance(date, str) or not _DATE.match(date) or not _real_date(date)):
        raise InputError(f"{where}: 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD (or null), got {date!r}")
    return Entry(
        id=eid, files=files, languages=langs, layout=layout, status=status,
        title=_str(obj, "title", where), publisher=_str(obj, "publisher", where), date=date,
        source=_str(obj, "source", where), alignment=_str(obj, "alignment", where) or None,
        review=_str(obj, "review", where) or None, notes=_str(obj, "notes", where), root=root,
    )


def parse_manifest(text: str, path: Path) -> Manifest:
    """Parse manifest text (see module docstring); ``InputError`` on any problem."""
    data = parse_json(text, path, "manifest")
    if not isinstance(data, dict) or data.get("aligner_corpus") != FORMAT_VERSION:
        raise InputError(f"not an aligner corpus manifest (expected \"aligner_corpus\": {FORMAT_VERSION})",
                         path=str(path))
    docs = data.get("documents")
    if not isinstance(docs, list):
        raise InputError("'documents' must be a list", path=str(path))
    entries = tuple(parse_entry(d, path.parent, f"{path}: entry {i + 1}") for i, d in enumerate(docs))
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise InputError(f"duplicate entry id {e.id!r}", path=str(path))
        seen.add(e.id)
    return Manifest(path, entries)


def load_manifest(path: str | Path) -> Manifest:
    """Load ``manifest.json`` (or the one in directory ``path``)."""
    p = manifest_path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")  # a BOM (Notepad) is read, as in review files
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read manifest: {e}", path=str(p)) from None
    return parse_manifest(text, p)


def validate_entry(entry: Entry, max_bytes: int = MAX_INPUT_BYTES) -> list[str]:
    """Problems a reader can fix without aligning: missing files, layout or languages
    that do not match the file. Empty when the entry is consistent.
    """
    from .read import read_document

    problems: list[str] = []

    def bad(p: Path) -> str | None:  # missing, a symlink loop, a FIFO or directory: never opened
        try:
            regular_file(p)
        except InputError as err:
            return f"file {err}" if str(err) != f"{p}: no such file" else f"file {p} does not exist"
        return None

    missing = [p for p in entry.paths if bad(p)]
    problems += [bad(p) for p in missing]
    for extra in (entry.alignment_path, entry.review_path):
        if extra is not None and bad(extra):
            problems.append(bad(extra).removeprefix("file "))
    if missing:
        return problems
    if len(entry.files) == 2:
        return problems + _pair_problems(entry)
    try:
        lay = read_document(entry.paths[0], max_bytes)
    except InputError as err:
        return problems + [str(err)]
    if lay.kind != entry.layout:
        problems.append(f"manifest says layout {entry.layout!r}, the file reads as {lay.kind!r}")
    langs = {lg for lg, t in (("zh", lay.zh), ("en", lay.en)) if t is not None}
    if langs != set(entry.languages):
        problems.append(f"manifest says languages {sorted(entry.languages)}, the file has {sorted(langs)}")
    return problems


def _pair_problems(entry: Entry) -> list[str]:
    """A pair must be two different files, one per language, in the order ``languages`` gives."""
    from .inputs import same_file

    a, b = entry.paths
    if entry.files[0] == entry.files[1] or same_file(a, b):
        return [f"the pair lists one file twice ({entry.files[0]}, {entry.files[1]})"]
    if len(entry.languages) != 2 or entry.languages[0] == entry.languages[1]:
        return [f"a pair needs languages [zh, en] or [en, zh], got {list(entry.languages)}"]
    try:
        langs, _, _ = detect(entry.paths)
    except InputError as err:
        return [str(err)]
    if tuple(langs) != tuple(entry.languages):
        return [f"manifest says languages {list(entry.languages)}, the files read as {list(langs)}"]
    return []


def validate(manifest: Manifest) -> list[str]:
    """``validate_entry`` problems of every entry, each prefixed with the entry id.

    (Two entries may share a file: a ``not-parallel`` control pairs the files of two documents.)
    """
    return [f"{e.id}: {p}" for e in manifest.entries for p in validate_entry(e)]


from .changes import changed_entries, unlisted_changes, unlisted_files  # noqa: E402,F401  (the gate's git side)


# --------------------------------------------------------------------------
# adding a document
# --------------------------------------------------------------------------
def detect(paths: Sequence[Path], max_bytes: int = MAX_INPUT_BYTES) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """(languages, layout, status) of one file or a pair, from the read stage alone."""
    from .read import read_document

    if len(paths) == 1:
        lay = read_document(paths[0], max_bytes)
        langs = tuple(lg for lg, t in (("zh", lay.zh), ("en", lay.en)) if t is not None)
        if lay.kind == "empty" or not langs:
            raise InputError("no Chinese or English text found", path=str(paths[0]))
        status = {"zh-only": "zh-only", "en-only": "en-only", "mixed": "mixed"}.get(lay.kind, "bilingual")
        return langs, lay.kind, (status,)
    from .read import pair_languages, read_whole

    read = []
    for p in paths:  # each file of a pair is one side: its language is the whole file's (as the pipeline's)
        lay, paras = read_whole(p, max_bytes)
        if lay.kind == "empty":
            raise InputError("no Chinese or English text found", path=str(p))
        read.append((lay, paras))
    langs = list(pair_languages(read[0][1], read[1][1], (read[0][0], read[1][0])))
    if langs[0] == langs[1]:
        name = {"zh": "Chinese", "en": "English"}.get(langs[0], langs[0])
        raise InputError(f"both files are {name}; a pair needs one Chinese and one English file",
                         path=str(paths[1]))
    return tuple(langs), "pair", ("bilingual",)


def init_corpus(directory: str | Path) -> Manifest:
    """Create ``directory`` (and its parents) with an empty ``manifest.json``; the new, empty manifest.

    ``InputError`` (3) when it already holds a manifest (never overwritten); ``OutputError`` (5) when the
    directory cannot be made (a file of that name, no permission) or the manifest cannot be written.
    """
    from .errors import OutputError
    from .output import write_atomic

    root = Path(directory)
    path = root / MANIFEST_NAME
    if path.exists() or path.is_symlink():
        try:
            n = f"{len(load_manifest(path).entries)} entries"
        except InputError:
            n = "unreadable or not a manifest"
        raise InputError(f"already a corpus ({n}); it is left as it is. Add documents with "
                         f"'aligner corpus add FILE -C {root}'", path=str(path))
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create corpus directory: {e.strerror or e}", path=str(root)) from None
    manifest = Manifest(path, ())
    write_atomic(path, manifest.to_json())
    log.info("started corpus %s", path)
    return manifest


def add_document(
    manifest_or_dir: str | Path,
    files: Sequence[str | Path],
    *,
    entry_id: str | None = None,
    title: str = "",
    publisher: str = "",
    date: str | None = None,
    source: str = "",
    status: Sequence[str] | None = None,
    copy: bool = True,
    notes: str = "",
    max_input_bytes: int = MAX_INPUT_BYTES,
) -> Entry:
    """Add a document (one file or a pair) to the corpus and rewrite the manifest atomically.

    Files outside the corpus directory are copied into it (``copy``), keeping
    their names; the layout and languages are detected; ``status`` defaults to
    the detected one (pass e.g. ``["zh-only", "damaged"]`` to override).
    Creates the manifest when ``manifest_or_dir`` is a directory without one.
    Raises ``InputError`` on a duplicate id or file name, or a bad field.
    """
    from .output import write_atomic

    target = Path(manifest_or_dir)
    if target.is_dir() and not (target / MANIFEST_NAME).exists():
        manifest = Manifest(target / MANIFEST_NAME, ())
    else:
        manifest = load_manifest(target)
    root = manifest.root
    srcs = [Path(f) for f in files]
    if not 1 <= len(srcs) <= 2:
        raise InputError(f"give one file or a pair of files, not {len(srcs)}")
    for s in srcs:
        regular_file(s)  # missing, a symlink loop, a FIFO or device: refused before anything is read
    refuse_output_over_input(manifest.path, srcs, "the manifest cannot be a document of its corpus")
    langs, layout, found = detect(srcs, max_input_bytes)
    rel: list[str] = []
    to_copy: list[tuple[Path, Path]] = []
    for s in srcs:
        try:
            r = resolved(s).relative_to(resolved(root))
        except ValueError:
            if not copy:
                raise InputError("file is outside the corpus directory (use copy)", path=str(s)) from None
            r = Path(s.name)
            if len(srcs) == 2 and srcs[0].name == srcs[1].name:
                # a/doc.txt b/doc.txt: one name in the corpus would keep one file; name each by its language
                r = Path(f"{s.stem}.{langs[len(rel)]}{s.suffix}")
            if (root / r).exists() or r.as_posix() in rel:
                raise InputError(f"{root / r} already exists in the corpus; rename the file", path=str(s))
            to_copy.append((s, root / r))
        rel.append(r.as_posix())
    stem = srcs[0].stem if to_copy and Path(rel[0]).name != srcs[0].name else Path(rel[0]).stem
    eid = entry_id or re.sub(r"[^A-Za-z0-9._-]", "_", stem)[:64]
    rule = "an id is up to 64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit"
    if entry_id and not _ID.match(entry_id):
        raise InputError(f"--id {entry_id!r} is not an entry id ({rule})")
    if not _ID.match(eid):  # `corpus add 文章.txt`: '__' (before: an error about the manifest)
        raise InputError(f"cannot make an entry id from the file name {stem!r} ({rule}); give one with --id",
                         path=str(srcs[0]))
    if any(e.id == eid for e in manifest.entries):
        raise InputError(f"an entry {eid!r} already exists; give another --id", path=str(manifest.path))
    obj = {"id": eid, "files": rel, "languages": list(langs), "layout": layout,
           "status": list(status) if status else list(found), "title": title, "publisher": publisher,
           "date": date, "source": source, "notes": notes}
    entry = parse_entry(obj, root, f"{manifest.path}: new entry")
    for s, dest in to_copy:
        try:
            shutil.copyfile(s, dest)
        except OSError as e:
            raise InputError(f"cannot copy into the corpus: {e}", path=str(s)) from None
    new = Manifest(manifest.path, manifest.entries + (entry,))
    write_atomic(manifest.path, new.to_json())
    log.info("added %s (%s, %s) to %s", eid, layout, "/".join(langs), manifest.path)
    return entry
