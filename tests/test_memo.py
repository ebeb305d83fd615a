"""The analysis cache (``aligner.memo``): a warm run gives the same sentences and words without nltk or jieba.

Expected values: what the uncached functions return (segmentation of seed 004's
English, jieba's words, the English keys); the cache must only remember them.
"""

from __future__ import annotations

import sqlite3

import pytest

from aligner.memo import Memo
from aligner.segment import Segmenter, segment_memo
from aligner.qa import Lexicon

from test_lexical import ENTRIES

EN = ("Russian Deputy Foreign Minister Sergei Ryabkov said on Tuesday that Moscow is ready for talks. "
      "Mr. Ryabkov added that U.S. officials had not replied.")


def test_memo_round_trip_and_flush(tmp_path):
    m = Memo(tmp_path, "ns")
    assert m.get("a") is None
    m.put("a", ["x", "y"])
    assert m.get("a") == ["x", "y"]  # buffered
    m.flush()
    assert Memo(tmp_path, "ns").get("a") == ["x", "y"]  # from the file
    assert Memo(tmp_path, "other").get("a") is None  # namespaces are apart


def test_prefetch_reads_ahead_in_one_go(tmp_path, monkeypatch):
    stored = Memo(tmp_path, "ns")
    for t in ("a", "b", "c"):
        stored.put(t, [t.upper()])
    stored.flush()
    m = Memo(tmp_path, "ns")
    m.prefetch(["a", "b", "absent", "a"])
    queries = []
    real = m._conn()
    monkeypatch.setattr(m, "_conn", lambda: queries.append(1) or real)
    assert (m.get("a"), m.get("b"), m.get("absent")) == (["A"], ["B"], None)
    assert queries == []  # all three answered from memory, the absent one too
    assert m.get("c") == ["C"] and queries == [1]  # not read ahead: asked of the file
    m.put("absent", ["NEW"])  # read ahead as absent, then computed
    m.flush()
    assert m.get("absent") == ["NEW"]


def test_a_document_end_drops_its_read_ahead_and_per_text_results(tmp_path):
    """One matcher across a batch's documents holds one document's worth (red team: a long batch grew)."""
    lex = Lexicon(ENTRIES)
    m = lex.matcher
    m.use_memo(tmp_path)
    zh = "他有一把手枪。"
    m.prefetch([zh], [EN])
    assert m.words(zh) and m.content(EN)
    assert m._words and m._keys_seen and m._cut_seen and m._memos[1]._looked
    m.end_document()
    assert not (m._words or m._keys_seen or m._cut_seen or m._memos[0]._looked or m._memos[1]._looked)
    assert Memo(tmp_path, m._memos[0].namespace).get(zh) is not None  # written before it was dropped
    assert [w.text for w in m.words(zh)] == ["手枪"]  # and read back


def test_prefetch_keeps_a_bounded_number_of_keys(tmp_path, monkeypatch):
    import aligner.memo as memo_mod

    monkeypatch.setattr(memo_mod, "PREFETCH_KEEP", 3)
    m = Memo(tmp_path, "ns")
    m.put("x", [1])
    m.flush()
    m.prefetch(["x", "y"])
    m.prefetch(["p", "q", "r", "s"])  # over the bound: the earlier keys are dropped, at most 3 are held
    assert len(m._looked) <= 3
    assert m.get("x") == [1]  # still right: asked of the file again


def test_memo_never_fails_a_run(tmp_path):
    (tmp_path / "analysis.sqlite").write_bytes(b"not a database" * 100)
    m = Memo(tmp_path, "ns")
    assert m.cached(str.upper, "abc") == "ABC"
    m.flush()
    assert m.cached(str.upper, "abc") == "ABC"


@pytest.mark.parametrize("read_ahead", [False, True])
@pytest.mark.parametrize("stored", ["{", "", "not json", "[1, 2"])
def test_a_stored_value_that_is_not_json_is_a_miss(tmp_path, read_ahead, stored):
    """A cache never makes a run fail (module doc): a value that is no JSON (a garbled file, another tool's
    row) is recomputed, not raised (was JSONDecodeError: ``aligner align`` exit 70, warm or read ahead)."""
    m = Memo(tmp_path, "ns")
    m.put("abc", "ABC")
    m.flush()
    db = sqlite3.connect(tmp_path / "analysis.sqlite")
    with db:
        db.execute("UPDATE memo SET v = ?", (stored,))
    db.close()
    m = Memo(tmp_path, "ns")
    if read_ahead:
        m.prefetch(["abc"])
    assert m.get("abc") is None
    assert m.cached(str.upper, "abc") == "ABC"
    m.flush()
    assert Memo(tmp_path, "ns").get("abc") == "ABC"  # the garbled row is replaced


@pytest.mark.parametrize("memo", [False, True])
def test_segmenter_with_memo_gives_the_same_sentences(tmp_path, memo):
    plain = Segmenter().split(EN, "en")
    seg = Segmenter(memo=segment_memo(tmp_path) if memo else None)
    assert seg.split(EN, "en") == plain
    if memo:
        seg.memo.flush()
        again = Segmenter(memo=segment_memo(tmp_path))
        assert again.memo.get(EN) == plain  # stored
        assert again.split(EN, "en") == plain


def test_matcher_with_memo_gives_the_same_words_and_keys(tmp_path):
    ref = Lexicon(ENTRIES).matcher
    lex = Lexicon(ENTRIES)
    lex.matcher.use_memo(tmp_path)
    for zh in ("我们需要达成协议", "欧洲专家", "王琦瑶"):
        assert lex.matcher.words(zh) == ref.words(zh)
    assert lex.matcher.content("European experts reached an agreement") == \
        ref.content("European experts reached an agreement")
    lex.matcher.flush_memo()
    with sqlite3.connect(tmp_path / "analysis.sqlite") as db:
        assert db.execute("SELECT count(*) FROM memo").fetchone()[0] >= 4
    warm = Lexicon(ENTRIES)
    warm.matcher.use_memo(tmp_path)
    assert warm.matcher.words("欧洲专家") == ref.words("欧洲专家")
    assert warm.matcher.keys("European experts") == ref.keys("European experts")


def test_remembered_keeps_none_and_empties_at_its_limit():
    from aligner.memo import remembered

    calls = []
    seen: dict = {}
    assert remembered(seen, "a", lambda: calls.append("a"), 2) is None
    assert remembered(seen, "a", lambda: calls.append("a"), 2) is None and calls == ["a"]  # None is kept
    remembered(seen, "b", lambda: 2, 2)
    assert remembered(seen, "c", lambda: 3, 2) == 3 and seen == {"c": 3}  # full at 2: emptied first
