"""Input files the tool can trust: regular files only, one identity per file, safe JSON.

* ``regular_file(path)`` stats a path (never opens it) and refuses what is not
  a regular file -- a FIFO would block ``open`` forever, a device never ends,
  a directory or socket cannot be read -- and a symlink loop, as input errors
  (exit 3) naming the file.
* ``same_file(a, b)`` says whether two paths are one file (same device and
  inode: hard links, symlinks, ``./`` spellings), without ``Path.resolve``
  (which raises ``RuntimeError`` on a symlink loop).
* ``parse_json(text, path, what)`` parses JSON and turns every way it can fail
  on hostile text (bad syntax, 100k levels of nesting, a 5,000-digit integer)
  into one ``InputError``.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

from .errors import InputError

_KINDS = (
    (stat.S_ISDIR, "is a directory, not a file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
)


def kind_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not a regular file (None when it is one)."""
    for test, why in _KINDS:
        if test(mode):
            return why
    return None if stat.S_ISREG(mode) else "is not a regular file"


def stat_error(e: OSError, path: str) -> InputError:
    """The input error for an ``OSError`` from ``stat``/``open`` of an input ``path``."""
    if e.errno in (errno.ENOENT, errno.ENOTDIR):
        return InputError("no such file", path=path)
    if e.errno == errno.ELOOP:
        return InputError("symlink loop (too many levels of symbolic links)", path=path)
    if e.errno == errno.EACCES or isinstance(e, PermissionError):
        return InputError("permission denied", path=path)
    return InputError(f"cannot read: {e.strerror or e}", path=path)


class StdinDocument(os.PathLike):
    """One document read whole from standard input (``-``): its bytes, read once, named ``-``.

    The read stage takes it where it takes a path (``read.read_bytes``); messages name it ``-``.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __fspath__(self) -> str:
        return "-"

    def __str__(self) -> str:
        return "-"

    def __repr__(self) -> str:
        return f"StdinDocument({len(self.data)} bytes)"


def read_capped(stream, max_bytes: int, head: bytes = b"") -> bytes:
    """``head`` then the rest of a binary stream, in 1 MiB chunks, stopping once past ``max_bytes``.

    The result is at most ``max_bytes + 1`` bytes: longer than ``max_bytes`` means over the limit
    (the caller says so). Never allocates the whole limit at once.
    """
    parts, n = [head], len(head)
    while n <= max_bytes:
        chunk = stream.read(min(2**20, max_bytes + 1 - n))
        if not chunk:
            break
        parts.append(chunk)
        n += len(chunk)
    return b"".join(parts)


def read_stream(stream, max_bytes: int) -> StdinDocument:
    """A document from a binary stream (the CLI passes ``sys.stdin.buffer``), refused past ``max_bytes``."""
    from .errors import InputTooLargeError

    data = read_capped(stream, max_bytes)
    if len(data) > max_bytes:
        raise InputTooLargeError(f"standard input is above the {max_bytes} bytes input limit "
                                 "(split it, or raise --max-input-mb)", path="-")
    return StdinDocument(data)


def regular_file(path: str | os.PathLike) -> os.stat_result:
    """``os.stat`` of an input file; ``InputError`` when it is missing, a loop, or not a regular file."""
    p = os.fspath(path)
    if p == "-":
        raise InputError("reading from standard input is not supported; give a file path", path="-")
    try:
        st = os.stat(p)
    except OSError as e:
        raise stat_error(e, p) from None
    why = kind_problem(st.st_mode)
    if why:
        raise InputError(why, path=p)
    return st


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether ``a`` and ``b`` are one existing file (device and inode); False when either is absent."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def parse_json(text: str, path: str | os.PathLike, what: str = "JSON file"):
    """``json.loads(text)``; any failure is an ``InputError`` naming ``path`` (never RecursionError)."""
    p = os.fspath(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg} at line {e.lineno}", path=p) from None
    except RecursionError:
        raise InputError(f"{what} is nested too deeply to read (not a file aligner writes)", path=p) from None
    except ValueError as e:  # a huge integer: Python's int-to-str digit limit
        raise InputError(f"{what} holds a number too long to read ({str(e).split(':')[0]})", path=p) from None


def refuse_output_over_input(output: str | os.PathLike, inputs, hint: str = "give another -o") -> None:
    """``InputError`` when ``output`` is one of ``inputs`` (by path or by inode): it would be overwritten."""
    out = os.fspath(output)
    if out == "-":
        return
    for src in inputs:
        if src is None:
            continue
        s = os.fspath(src)
        if same_file(out, s) or os.path.abspath(out) == os.path.abspath(s):
            raise InputError(f"the output is the input file {s}; writing it would destroy the input ({hint})",
                             path=out)


def resolved(path: str | os.PathLike) -> Path:
    """``Path.resolve()`` that turns a symlink loop into an ``InputError`` (not ``RuntimeError``)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        raise InputError("symlink loop (too many levels of symbolic links)", path=os.fspath(path)) from None
