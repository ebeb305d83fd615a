"""Results of deterministic text analyses kept in the cache directory, as embeddings are.

A warm run (the same document again: the gate on an unchanged file, a
translator re-checking an article) used to spend most of its time loading the
libraries behind three pure functions of a text: English sentence
segmentation (nltk's Punkt: importing nltk costs 0.4-3 s), Chinese word
segmentation (jieba's dictionary: ~0.5 s) and English stemming (Snowball). Their
results are kept here, keyed by the function's namespace (its name and the
versions of the code and library behind it) and the sha1 of the text; a warm
run then imports neither library.

Stored in ``<cache dir>/analysis.sqlite``: text pieces (sentences, words,
stems) as JSON. A cache never makes a run fail: any sqlite error turns the
memo off for the rest of the process, with a debug message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable

log = logging.getLogger(__name__)

#: Buffered results written in one transaction.
FLUSH_EVERY = 500
#: Keys ``Memo.prefetch`` holds in memory (a book's texts, clauses and words: tens of MB at most).
PREFETCH_KEEP = 500_000


def remembered(seen: dict, key, compute: Callable[[], Any], limit: int) -> Any:
    """``seen[key]``, else ``compute()`` kept there; ``seen`` is emptied once it holds ``limit`` entries (an
    in-process, per-text memo bounded in memory; None is a value like any other)."""
    try:
        return seen[key]
    except KeyError:
        pass
    if len(seen) >= limit:
        seen.clear()
    got = seen[key] = compute()
    return got


class Memo:
    """``get``/``put`` of JSON-able results of one text function, under ``namespace``, in ``directory``."""

    def __init__(self, directory: Path, namespace: str, flush_every: int = FLUSH_EVERY) -> None:
        self.path = Path(directory) / "analysis.sqlite"
        self.namespace = namespace
        self.flush_every = flush_every
        self._db: sqlite3.Connection | None = None
        self._off = False
        self._pending: dict[str, str] = {}
        self._loaded: dict[str, str] = {}  # key -> stored JSON, read ahead by ``prefetch``
        self._looked: set[str] = set()  # keys ``prefetch`` asked for (found or not): ``get`` asks no more

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None and not self._off:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30)
                # a cache: commits need not wait for the disk (WAL keeps the file consistent on a crash)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS memo (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
                self._db = db
            except (OSError, sqlite3.Error) as e:
                self._disable(e)
        return self._db

    def _disable(self, e: Exception) -> None:
        log.debug("analysis cache %s off: %s", self.path, e)
        self._off = True
        self._db = None

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.namespace}\x1f{text}".encode("utf-8")).hexdigest()

    def get(self, text: str) -> Any | None:
        """The stored result for ``text``, or None."""
        k = self._key(text)
        if k in self._pending:
            return json.loads(self._pending[k])
        if k in self._looked:
            return self._decode(self._loaded.get(k))
        db = self._conn()
        if db is None:
            return None
        try:
            row = db.execute("SELECT v FROM memo WHERE k = ?", (k,)).fetchone()
        except sqlite3.Error as e:
            self._disable(e)
            return None
        return self._decode(row[0]) if row else None

    def _decode(self, stored: str | bytes | None) -> Any | None:
        """A stored value, or None (a miss: computed again) when it is no JSON: a garbled file or another
        tool's row must not fail the run (was JSONDecodeError, exit 70)."""
        if stored is None:
            return None
        try:
            return json.loads(stored)
        except (ValueError, TypeError) as e:  # JSONDecodeError is a ValueError; TypeError: an INTEGER cell
            log.debug("analysis cache %s: unreadable value (%s); computed again", self.path, e)
            return None

    def prefetch(self, texts: Iterable[str]) -> None:
        """Read the stored results of ``texts`` in a few queries; ``get`` then answers them from memory.

        Instead of one query a text (~50k of them for an 11k-sentence document's score stage). At most
        ``PREFETCH_KEEP`` keys are held; past that the earlier ones are dropped."""
        db = self._conn()
        if db is None:
            return
        keys = [k for k in dict.fromkeys(map(self._key, texts)) if k not in self._looked]
        if len(self._looked) + len(keys) > PREFETCH_KEEP:
            self._loaded.clear()
            self._looked.clear()
            keys = keys[:PREFETCH_KEEP]
        try:
            for i in range(0, len(keys), 900):
                chunk = keys[i:i + 900]
                q = f"SELECT k, v FROM memo WHERE k IN ({','.join('?' * len(chunk))})"
                self._loaded.update(db.execute(q, chunk))
                self._looked.update(chunk)
        except sqlite3.Error as e:
            self._disable(e)

    def forget_prefetched(self) -> None:
        """Drop what ``prefetch`` read (a document's worth): a process that aligns many documents with one
        memo holds one document's read-ahead at a time, not ``PREFETCH_KEEP`` keys."""
        self._loaded.clear()
        self._looked.clear()

    def put(self, text: str, value: Any) -> None:
        if self._off:
            return
        k = self._key(text)
        self._pending[k] = json.dumps(value, ensure_ascii=False)
        if k in self._looked:  # read ahead as absent: ``get`` finds it here once flushed
            self._loaded[k] = self._pending[k]
        if len(self._pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Write what ``put`` buffered."""
        db = self._conn() if self._pending else None
        if db is None:
            self._pending.clear()
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO memo (k, v) VALUES (?, ?)", list(self._pending.items()))
        except sqlite3.Error as e:
            self._disable(e)
        self._pending.clear()

    def cached(self, fn: Callable[[str], Any], text: str) -> Any:
        """``fn(text)``, from the memo when there (a list comes back as a list: JSON)."""
        got = self.get(text)
        if got is None:
            got = fn(text)
            self.put(text, got)
        return got


def version_of(*distributions: str, files: tuple[str | Path, ...] = ()) -> str:
    """A namespace suffix: the versions of ``distributions`` and a hash of ``files`` (the code behind a function)."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha1()
    for d in distributions:
        try:
            h.update(f"{d}={version(d)}".encode())
        except PackageNotFoundError:
            h.update(d.encode())
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:12]
