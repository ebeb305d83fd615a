"""The embedding cache: vectors in SQLite, keyed by model and text hash, that never makes a run fail.

A corrupt file is moved aside and rebuilt, a busy or read-only one is read
and not written, an unusable one is left alone; WAL journal (see
:func:`_write_ahead`). Used by :class:`aligner.embed.Embedder`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


class EmbeddingCache:
    """SQLite store of vectors keyed by (model, sha1 of the text as embedded).

    A corrupt cache file is moved aside with a warning and rebuilt: a cache
    never makes a run fail.
    """

    def __init__(self, directory: Path, model: str) -> None:
        self.path = Path(directory) / f"embeddings-{_slug(model)}.sqlite"
        self._db: sqlite3.Connection | None = None
        self._disabled = False  # set once the cache proved unusable: warn once, not per batch
        self._read_only = False  # set once a write failed: read what is there, write nothing more, warn once

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is not None or self._disabled:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("CREATE TABLE IF NOT EXISTS emb (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
            db.execute("SELECT k, v FROM emb LIMIT 1").fetchall()  # wrong schema counts as corrupt
            _write_ahead(db)
            self._db = db
        except sqlite3.DatabaseError as e:
            if not self.path.is_dir() and _access_error(e):
                ro = _read_only(self.path)
                if ro is not None:
                    log.warning("embedding cache %s cannot be written (%s); reading it, not adding to it, this run",
                                self.path, e)
                    self._db, self._read_only = ro, True
                    return ro
                # nothing there to be corrupt (a read-only directory, no permission): say so, move nothing
                log.warning("embedding cache disabled (%s): cannot open or create it (%s); "
                            "is the directory writable?", self.path, e)
                self._db = None
                self._disabled = True
                return None
            if isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e)):
                # another run holds the cache: not corruption, never move it aside
                log.warning("embedding cache %s is busy (%s); running without it", self.path, e)
                self._db = None
                self._disabled = True
                return None
            bad = self.path.with_suffix(f".corrupt-{int(time.time())}")
            log.warning("embedding cache %s is corrupt (%s); moved to %s and rebuilt", self.path, e, bad)
            try:
                os.replace(self.path, bad)
                self._db = sqlite3.connect(self.path, timeout=30)
                self._db.execute("CREATE TABLE IF NOT EXISTS emb (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
                _write_ahead(self._db)
            except (OSError, sqlite3.Error) as e2:
                log.warning("embedding cache disabled: %s", e2)
                self._db = None
                self._disabled = True
        except OSError as e:
            log.warning("embedding cache disabled (%s): %s", self.path, e)
            self._db = None
            self._disabled = True
        return self._db

    def get(self, keys: list[str], dim: int) -> dict[str, np.ndarray]:
        db = self._conn()
        out: dict[str, np.ndarray] = {}
        if db is None:
            return out
        size = dim * 4  # float32 bytes
        try:
            for i in range(0, len(keys), 900):
                chunk = keys[i:i + 900]
                q = f"SELECT k, v FROM emb WHERE k IN ({','.join('?' * len(chunk))})"
                rows = [(k, v) for k, v in db.execute(q, chunk) if isinstance(v, bytes) and len(v) == size]
                if not rows:
                    continue
                # one array for the chunk (a vector at a time cost ~10 us each: 1 s of a cached 11k-sentence run)
                block = np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32).reshape(len(rows), dim)
                ok = np.isfinite(block).all(axis=1)
                out.update((k, block[r]) for r, (k, _) in enumerate(rows) if ok[r])
        except sqlite3.DatabaseError as e:
            log.warning("embedding cache read failed (%s); embedding again", e)
            return {}
        return out

    def put(self, items: dict[str, np.ndarray]) -> None:
        db = self._conn()
        if db is None or not items or self._read_only:
            return
        try:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO emb (k, v) VALUES (?, ?)",
                    [(k, np.asarray(v, np.float32).tobytes()) for k, v in items.items()],
                )
        except (sqlite3.DatabaseError, OSError) as e:
            # once per run, not once per batch (a read-only cache failed every write: 14 warnings on seed 000)
            self._read_only = True
            log.warning("embedding cache %s cannot be written (%s); reading it, not adding to it, this run",
                        self.path, e)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _read_only(path: Path) -> sqlite3.Connection | None:
    """A cache file in a directory this process cannot write, opened to be read, or None.

    A WAL-mode reader must create the -shm index beside the file, so it is opened immutable: the file as it
    is. Not where a -wal lies beside it (its writer may be at work: an immutable reader could see half its
    checkpoint), nor where it is not a readable cache."""
    if not path.is_file() or Path(f"{path}-wal").exists():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        db.execute("SELECT k, v FROM emb LIMIT 1").fetchall()
        return db
    except sqlite3.Error:
        return None


def _write_ahead(db: sqlite3.Connection) -> None:
    """WAL journal, commits without waiting for the disk: a crash may lose the last commits, never
    damage a vector (each commit is still atomic). A cache that cannot switch (read-only) stays as it is."""
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as e:
        log.debug("embedding cache journal left as it is: %s", e)


#: SQLite result codes that mean "no access", not "corrupt": SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN.
_ACCESS_CODES = (3, 8, 14)


def _access_error(e: sqlite3.Error) -> bool:
    code = getattr(e, "sqlite_errorcode", None)  # Python >= 3.11
    if code is not None:
        return code & 0xFF in _ACCESS_CODES
    msg = str(e).lower()
    return "readonly" in msg or "unable to open" in msg or "permission" in msg


def _slug(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)[-80:]


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
