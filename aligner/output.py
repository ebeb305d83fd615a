"""Atomic output: a file is either complete or absent, never half-written."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import OutputError


def write_atomic(path: str | os.PathLike, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over ``path``.

    Raises ``OutputError`` (naming the path) when the directory is missing or
    unwritable or the disk is full; the temporary file is removed.
    """
    p = Path(path)
    blob = data.encode(encoding) if isinstance(data, str) else data
    parent = _check_place(p)
    tmp = None
    try:
        if _probe(p, p.exists) and not _probe(p, p.is_file):
            # /dev/null, /dev/stdout, a FIFO: write through; renaming over a device (as root) replaces it
            with open(p, "wb") as fh:
                fh.write(blob)
                fh.flush()
            return
        fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(p.name), suffix=".part", dir=parent)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
        tmp = None
    except PermissionError:
        raise OutputError("permission denied", path=str(p)) from None
    except OSError as e:
        why = "disk full" if e.errno in (errno.ENOSPC, errno.EDQUOT) else (e.strerror or str(e))
        raise OutputError(f"cannot write: {why}", path=str(p)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def check_writable(path: str | os.PathLike) -> None:
    """Fail early (``OutputError``) when ``path`` cannot be written: before hours of work, not after."""
    p = Path(path)
    parent = _check_place(p)
    if not os.access(parent, os.W_OK) or (_probe(p, p.exists) and not os.access(p, os.W_OK)):
        raise OutputError("permission denied", path=str(p))


#: Bytes of the target's name kept in its temporary file's name (".NAME.XXXXXXXX.part"): a name near the file
#: system's limit (255 bytes) must still leave room for the rest (red team 0.3.10: a valid 244-byte name was refused).
TMP_NAME_BYTES = 160


def _tmp_prefix(name: str) -> str:
    """The temporary file's prefix: a dot, then ``name`` cut to ``TMP_NAME_BYTES`` bytes of UTF-8, then a dot."""
    cut = name.encode("utf-8", "surrogateescape")[:TMP_NAME_BYTES].decode("utf-8", "ignore")
    return f".{cut}."


def _probe(p: Path, test) -> bool:
    """``test()`` (``p.is_dir``, ``p.exists`` ...), an ``OutputError`` naming ``p`` where the file system refuses to
    answer: Python's checks raise for a name too long (ENAMETOOLONG) or a directory that may not be searched."""
    try:
        return test()
    except PermissionError:
        raise OutputError("permission denied", path=str(p)) from None
    except OSError as e:
        raise OutputError(f"cannot write: {e.strerror or e}", path=str(p)) from None


def _check_place(p: Path) -> Path:
    """``p``'s directory, after checking that ``p`` is not a directory and its directory exists (``OutputError``)."""
    parent = p.parent if str(p.parent) else Path(".")
    if _probe(p, p.is_dir):
        raise OutputError("is a directory; give a file name", path=str(p))
    if not _probe(p, parent.is_dir):
        raise OutputError(f"directory {parent} does not exist", path=str(p))
    return parent
