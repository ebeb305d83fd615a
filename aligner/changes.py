"""What changed in a corpus since a git ref: the entries to re-check, and documents no entry lists.

``changed_entries(manifest, ref)``: entries whose files, alignment or review
changed since ``ref`` (working tree included, untracked files too), or whose
manifest entry is new or different. ``unlisted_changes(manifest, ref)``:
changed document files under the corpus directory that no entry lists (a new
document nobody added with ``aligner corpus add`` must not pass the gate
unchecked, issue 15).

``ref`` comes from the user: it is verified with ``git rev-parse --verify
--end-of-options REF^{commit}`` and only the commit id it names is passed on,
so ``--changed-since=--output=FILE`` is refused (exit 3), never read by git as
an option. Every git call puts user-derived arguments after
``--end-of-options`` or ``--``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .errors import InputError
from .inputs import parse_json

#: Changed files with these suffixes are corpus metadata (manifest, reviews, alignments, notes),
#: not documents: they need no entry of their own.
METADATA_SUFFIXES = (".json", ".tsv", ".md")


class _Git:
    """``git`` run in one directory; a failure is an ``InputError`` naming that directory."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(self, *args: str) -> str:
        try:
            r = subprocess.run(["git", *args], cwd=self.cwd, capture_output=True, text=True,
                               errors="surrogateescape", timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise InputError(f"cannot run git: {e}") from None
        if r.returncode != 0:
            raise InputError(f"git {' '.join(args)}: {r.stderr.strip() or 'failed'}", path=str(self.cwd))
        return r.stdout


def verify_ref(git: _Git, ref: str) -> str:
    """The commit id ``ref`` names; ``InputError`` when it is not a commit of this repository."""
    if not ref or ref.startswith("-") or "\0" in ref:
        raise InputError(f"--changed-since {ref!r} is not a git revision (a revision never starts with '-')")
    try:
        sha = git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
    except InputError:
        sha = ""
    if not sha:
        raise InputError(f"--changed-since {ref!r}: no such commit in this git repository", path=str(git.cwd))
    return sha


def _resolve(p: Path) -> Path:
    try:
        return p.resolve()
    except (RuntimeError, OSError):  # a symlink loop: the entry's check reports it
        return Path(os.path.abspath(p))


def _changed_files(manifest, ref: str) -> tuple[Path, str, set[Path], Path]:
    """(git top level, verified commit, changed files resolved, corpus root resolved)."""
    root = _resolve(manifest.root)
    git = _Git(root)
    top = _resolve(Path(git("rev-parse", "--show-toplevel").strip()))
    sha = verify_ref(git, ref)
    # -z: names as they are (without it git quotes non-ASCII names, "corp/\344\270\255.txt",
    # and a changed Chinese-named document matched no file); --relative: paths from the corpus
    # root whatever the user's diff.relative setting
    changed = {_resolve(root / name) for name in
               git("diff", "--name-only", "-z", "--relative", "--end-of-options", sha, "--", ".").split("\0")
               if name}
    changed |= {_resolve(root / name) for name in
                git("ls-files", "-z", "--others", "--exclude-standard", "--", ".").split("\0") if name}
    return top, sha, changed, root


def _listed(manifest) -> set[Path]:
    return {_resolve(p) for e in manifest.entries
            for p in (*e.paths, e.alignment_path, e.review_path) if p is not None}


def changed_entries(manifest, ref: str):
    """Entries changed since git ``ref`` (see module docstring); ``InputError`` when git fails."""
    top, sha, changed, _ = _changed_files(manifest, ref)
    git = _Git(_resolve(manifest.root))
    rel_manifest = _resolve(manifest.path).relative_to(top).as_posix()
    old: dict[str, dict] = {}
    try:
        old_text = git("show", "--end-of-options", f"{sha}:{rel_manifest}")
        old = {d.get("id"): d for d in parse_json(old_text, rel_manifest, "manifest").get("documents", [])
               if isinstance(d, dict)}
    except (InputError, AttributeError):
        old = {}  # the manifest is new since ref: every entry counts as changed
    out = []
    for e in manifest.entries:
        files = [_resolve(p) for p in (*e.paths, e.alignment_path, e.review_path) if p is not None]
        if any(f in changed for f in files) or old.get(e.id) != e.to_json():
            out.append(e)
    return tuple(out)


def unlisted_files(manifest) -> tuple[Path, ...]:
    """Document files under the corpus directory that no entry lists (a full check: no git needed).

    As ``unlisted_changes`` without the git side: metadata (``METADATA_SUFFIXES``) and hidden files and
    directories are not documents. Paths are relative to the corpus root, sorted.
    """
    root = _resolve(manifest.root)
    listed = _listed(manifest) | {_resolve(manifest.path)}
    out = []
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            f = Path(here) / name
            if name.startswith(".") or f.suffix.lower() in METADATA_SUFFIXES or _resolve(f) in listed:
                continue
            out.append(f.relative_to(root))
    return tuple(sorted(out))


def unlisted_changes(manifest, ref: str) -> tuple[Path, ...]:
    """Document files under the corpus directory changed since ``ref`` that no entry lists.

    Metadata (``METADATA_SUFFIXES``) and hidden files are not documents. Paths
    are relative to the corpus root, sorted.
    """
    _, _, changed, root = _changed_files(manifest, ref)
    listed = _listed(manifest) | {_resolve(manifest.path)}
    out = []
    for f in changed:
        try:
            rel = f.relative_to(root)
        except ValueError:
            continue
        if f in listed or f.suffix.lower() in METADATA_SUFFIXES or any(part.startswith(".") for part in rel.parts):
            continue
        if not os.path.lexists(f):  # deleted since ref: nothing to check (its entry, if any, fails)
            continue
        out.append(rel)
    return tuple(sorted(out))
