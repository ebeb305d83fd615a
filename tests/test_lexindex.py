"""The prebuilt CC-CEDICT index (``aligner.lexindex``): what it stores is what ``Lexicon`` computes.

Fast tests build the index from the tiny stand-in dictionary of ``tests/test_lexical.py``
(``build`` is replaced), in a temporary cache directory; the slow test compares the
real index with the tables computed from CC-CEDICT itself.
"""

from __future__ import annotations

import logging

import pytest

from aligner import config, lexindex
from aligner.lexical import Matcher, cedict_entries
from aligner.numbers import idiom_words
from aligner.qa import Lexicon

from test_lexical import ENTRIES


def _small_build() -> dict:
    lex = Lexicon(ENTRIES)
    out = {name: getattr(lex, name) for name in lexindex.TABLES}
    g = Matcher(lex).glosses
    out["glosses"] = {w: g[w] for w in g}
    out["idioms"] = idiom_words(ENTRIES)
    return out


@pytest.fixture()
def index_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DEFAULT_CACHE_DIR", tmp_path)
    monkeypatch.setattr(lexindex, "build", _small_build)
    lexindex.tables.cache_clear()
    yield tmp_path
    lexindex.tables.cache_clear()


def test_index_is_written_once_and_read_back_equal(index_dir):
    first = lexindex.tables()
    files = list(index_dir.glob("cedict-index-*.sqlite"))
    assert len(files) == 1
    lexindex.tables.cache_clear()
    again = lexindex.tables()  # from the file this time
    want = _small_build()
    for name in ("acronyms", "person_names", "bare_names", "english_vocab", "char_pinyin", "idioms"):
        assert again[name] == want[name], name
    assert dict(again["glosses"].items()) == want["glosses"]
    assert set(again["common_words"]) == set(want["common_words"])
    assert "尿布" in again["glosses"] and "no such word" not in again["glosses"]
    assert again["glosses"].get("no such word") is None
    assert first["idioms"] == again["idioms"]


def test_preloaded_lexicon_answers_like_a_computed_one(index_dir):
    lex = Lexicon()  # preloaded from the (stand-in) index
    ref = Lexicon(ENTRIES)
    assert lex.pinyin("特朗普") == ref.pinyin("特朗普")
    assert lex.person_names == ref.person_names
    assert ("俄罗斯" in lex.common_words) == ("俄罗斯" in ref.common_words)
    for zh in ("欧洲专家", "我们需要达成协议", "王琦瑶"):
        assert lex.matcher.words(zh) == ref.matcher.words(zh)


def test_unreadable_index_is_rebuilt(index_dir, caplog):
    lexindex.tables()
    path = next(index_dir.glob("cedict-index-*.sqlite"))
    path.write_bytes(b"not a database")
    lexindex.tables.cache_clear()
    with caplog.at_level(logging.WARNING, logger="aligner.lexindex"):
        data = lexindex.tables()
    assert "unreadable" in caplog.text
    assert dict(data["glosses"].items()) == _small_build()["glosses"]


def test_unwritable_directory_builds_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(config, "DEFAULT_CACHE_DIR", blocker / "sub")  # a directory under a file: mkdir fails
    monkeypatch.setattr(lexindex, "build", _small_build)
    lexindex.tables.cache_clear()
    try:
        assert lexindex.tables()["glosses"] == _small_build()["glosses"]
    finally:
        lexindex.tables.cache_clear()


@pytest.mark.slow
def test_real_index_equals_tables_computed_from_cedict(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DEFAULT_CACHE_DIR", tmp_path)
    lexindex.tables.cache_clear()
    try:
        lexindex.tables()
        lexindex.tables.cache_clear()
        lex = Lexicon()  # from the file
        ref = Lexicon(cedict_entries())
        for name in ("acronyms", "person_names", "bare_names", "english_vocab", "char_pinyin"):
            assert getattr(lex, name) == getattr(ref, name), name
        assert set(lex.common_words) == ref.common_words
        g, rg = lex.matcher.glosses, ref.matcher.glosses
        assert len(g) == len(rg)
        for w in list(rg)[::97]:
            assert g[w] == rg[w]
    finally:
        lexindex.tables.cache_clear()
