"""``aligner batch``: process pool, Dask LocalCluster, resuming, kill safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.batch import plan, run_batch, stamp_path, up_to_date
from aligner.cli import app
from aligner.config import AlignConfig
from aligner.report.tsv import read_tsv

PAIRS = [
    ("今天天气很好。", "The weather is fine today."),
    ("我们去公园散步吧。", "Let's go for a walk in the park."),
    ("他昨天买了一本新书。", "He bought a new book yesterday."),
    ("这家餐厅的饺子非常好吃。", "The dumplings at this restaurant are delicious."),
    ("火车晚点了两个小时。", "The train was two hours late."),
    ("她每天早上六点起床。", "She gets up at six every morning."),
    ("会议将在下周三举行。", "The meeting will be held next Wednesday."),
    ("孩子们在院子里踢足球。", "The children are playing football in the yard."),
    ("请把窗户关上，外面很冷。", "Please close the window, it is cold outside."),
    ("这座桥是一百年前建的。", "This bridge was built a hundred years ago."),
    ("我的电脑昨天坏了。", "My computer broke down yesterday."),
    ("河边有很多老树。", "There are many old trees by the river."),
]


def make_corpus(root: Path, n: int, size: int = 6) -> Path:
    """``n`` small zh/en pairs (rotations of PAIRS) and a manifest; returns the manifest path."""
    root.mkdir(parents=True, exist_ok=True)
    docs = []
    for k in range(n):
        rows = [PAIRS[(k + i) % len(PAIRS)] for i in range(size)]
        (root / f"d{k:03d}.zh.txt").write_text("\n".join(z for z, _ in rows) + "\n", encoding="utf-8")
        (root / f"d{k:03d}.en.txt").write_text("\n".join(e for _, e in rows) + "\n", encoding="utf-8")
        docs.append({"id": f"d{k:03d}", "files": [f"d{k:03d}.zh.txt", f"d{k:03d}.en.txt"],
                     "languages": ["zh", "en"], "layout": "pair", "status": ["bilingual"]})
    docs.append({"id": "mono", "files": ["d000.zh.txt"], "languages": ["zh"], "layout": "zh-only",
                 "status": ["zh-only"]})  # not bilingual: batch leaves it alone
    m = root / "manifest.json"
    m.write_text(json.dumps({"aligner_corpus": 1, "documents": docs}), encoding="utf-8")
    return m


@pytest.fixture
def cfg(cache_dir) -> AlignConfig:
    return replace(AlignConfig(), cache_dir=cache_dir)


def test_one_worker_keeps_one_lexicon_for_all_its_documents(tmp_path, cfg, monkeypatch):
    """As the Embedder: one CC-CEDICT Lexicon per worker. One per document reloaded its tables, and each
    finished one waited for a full garbage collection (red team: 8 held at once in a long batch)."""
    import aligner.batch as B

    made = []
    real = B._make_lexicon
    monkeypatch.setattr(B, "_make_lexicon", lambda: made.append(1) or real())
    s = run_batch(make_corpus(tmp_path / "c", 3), tmp_path / "out", config=cfg, workers=1)
    assert s.counts["done"] == 3
    assert made == [1]


@pytest.mark.slow  # real model, end to end
def test_local_run_then_resume(tmp_path, cfg):
    m = make_corpus(tmp_path / "c", 3)
    out = tmp_path / "out"
    s = run_batch(m, out, config=cfg, workers=1)
    assert s.counts == {"done": 3, "skipped": 0, "failed": 0} and s.exit_code == 0
    for k in range(3):
        al = read_tsv(out / f"d{k:03d}.tsv")
        assert [(b.src_ids, b.tgt_ids) for b in al.beads] == [((i,), (i,)) for i in range(6)]
    assert not (out / "mono.tsv").exists()
    # second run: everything up to date
    s2 = run_batch(m, out, config=cfg, workers=1)
    assert s2.counts["skipped"] == 3 and s2.counts["done"] == 0
    # an input changes: only that entry is redone; a deleted output is redone too
    with open(tmp_path / "c" / "d001.en.txt", "a", encoding="utf-8") as fh:
        fh.write("An extra sentence.\n")
    (out / "d002.tsv").unlink()
    s3 = run_batch(m, out, config=cfg, workers=1)
    assert {r.id: r.status for r in s3.results} == {"d000": "skipped", "d001": "done", "d002": "done"}
    # another signature (config) makes every output stale
    jobs = plan(m, out, config=cfg.with_(skip_cost=0.5))
    assert not any(up_to_date(j) for j in jobs)


def test_tampered_output_is_redone(tmp_path, cfg):
    m = make_corpus(tmp_path / "c", 1)
    out = tmp_path / "out"
    run_batch(m, out, config=cfg, workers=1)
    (out / "d000.tsv").write_text("half", encoding="utf-8")
    assert run_batch(m, out, config=cfg, workers=1).counts["done"] == 1
    assert read_tsv(out / "d000.tsv").beads


def test_failed_entry_is_reported_not_raised(tmp_path, cfg):
    m = make_corpus(tmp_path / "c", 2)
    # d001 becomes two Chinese files: nothing to align against (exit 2), d000 still done
    (tmp_path / "c" / "d001.en.txt").write_text("这不是英文。\n", encoding="utf-8")
    s = run_batch(m, tmp_path / "out", config=cfg, workers=1)
    assert s.counts == {"done": 1, "skipped": 0, "failed": 1} and s.exit_code == 2
    assert not (tmp_path / "out" / "d001.tsv").exists()


@pytest.mark.slow  # real model, end to end
def test_dask_local_cluster(tmp_path, cfg):
    distributed = pytest.importorskip("distributed")
    m = make_corpus(tmp_path / "c", 4)
    ref = run_batch(m, tmp_path / "ref", config=cfg, workers=1)
    assert ref.counts["done"] == 4
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        s = run_batch(m, tmp_path / "out", config=cfg, scheduler=cluster.scheduler_address)
        assert s.counts["done"] == 4 and s.exit_code == 0
        assert s.scheduler == cluster.scheduler_address
        # the encoder is loaded once per worker: at most one Embedder per worker, shared by its tasks
        used = {(r.worker, r.embedder) for r in s.results}
        assert len({w for w, _ in used}) <= 2 and len(used) == len({w for w, _ in used})
        # resumable on the cluster too
        assert run_batch(m, tmp_path / "out", config=cfg, scheduler=cluster.scheduler_address).counts["skipped"] == 4
    for k in range(4):
        assert (tmp_path / "out" / f"d{k:03d}.tsv").read_bytes() == (tmp_path / "ref" / f"d{k:03d}.tsv").read_bytes()


def test_cli_batch(tmp_path, cache_dir):
    m = make_corpus(tmp_path / "c", 2)
    r = CliRunner().invoke(app, ["batch", str(m.parent), "-o", str(tmp_path / "o"), "--workers", "1",
                                 "--cache-dir", str(cache_dir)])
    assert r.exit_code == 0, r.output
    assert "2 aligned, 0 up to date" in r.output
    # make_corpus's zh-only entry is counted, by kind, and the throughput is in documents
    assert "0 failed, 1 skipped (not bilingual: 1 zh-only) of 3 documents in " in r.output
    assert " documents/min); outputs in " in r.output and "pairs/min" not in r.output
    r = CliRunner().invoke(app, ["batch", str(m), "-o", str(tmp_path / "o"), "-j", "1", "--cache-dir", str(cache_dir)])
    assert r.exit_code == 0 and "0 aligned, 2 up to date" in r.output
    assert "documents/min" not in r.output  # nothing aligned: no rate (it read "0.0 documents/min")
    r = CliRunner().invoke(app, ["batch", str(tmp_path / "nothing"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 3


def test_cli_batch_refused_corpus_leaves_no_output_directory(tmp_path):
    """A folder without a manifest: exit 3, a hint how to make one, and no output folder (new-user run: an
    empty ``-o`` folder was left behind, created before the corpus was read)."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("你好。\nHello.\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["batch", str(tmp_path / "texts"), "-o", str(tmp_path / "new" / "out")])
    assert r.exit_code == 3, r.output
    assert "aligner corpus init" in r.output
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("address,code,message", [
    # port 1 on this host: nothing listens (connection refused until the timeout): environment, exit 4
    ("tcp://127.0.0.1:1", 4, "cannot reach the Dask scheduler tcp://127.0.0.1:1 within 1 s"),
    # not an address at all (distributed: "missing port number"): the user's input, exit 3
    ("localhost", 3, "is not a scheduler address like tcp://HOST:8786"),
])
def test_cli_batch_bad_scheduler(tmp_path, monkeypatch, address, code, message):
    """Before: exit 3 (input error) after distributed's 30 s default; the timeout is config.DASK_CONNECT_TIMEOUT."""
    pytest.importorskip("distributed")
    import aligner.config

    assert aligner.config.DASK_CONNECT_TIMEOUT < 10
    monkeypatch.setattr(aligner.config, "DASK_CONNECT_TIMEOUT", 1.0)  # the same path, a shorter wait
    m = make_corpus(tmp_path / "c", 1)
    r = CliRunner().invoke(app, ["batch", str(m), "-o", str(tmp_path / "o"), "--scheduler", address, "--no-cache"])
    assert r.exit_code == code, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: ") and message in lines[0]
    assert not (tmp_path / "o").exists()  # nothing written: the folder made for it is gone too


def test_cli_batch_scheduler_that_never_speaks_dask(tmp_path, monkeypatch):
    """A listener that accepts and never answers (an HTTP server, a mistyped port): before, batch hung for
    good (red-team run: still waiting after 603 s); now exit 4 once connect timeout + handshake grace pass."""
    pytest.importorskip("distributed")
    import socket

    import aligner.batch
    import aligner.config

    monkeypatch.setattr(aligner.config, "DASK_CONNECT_TIMEOUT", 1.0)
    monkeypatch.setattr(aligner.batch, "DASK_HANDSHAKE_GRACE", 1.0)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)  # the kernel completes the TCP handshake; nobody ever reads or writes
    try:
        m = make_corpus(tmp_path / "c", 1)
        r = CliRunner().invoke(app, ["batch", str(m), "-o", str(tmp_path / "o"), "--no-cache",
                                     "--scheduler", f"tcp://127.0.0.1:{srv.getsockname()[1]}"])
    finally:
        srv.close()
    assert r.exit_code == 4, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "does not answer as a Dask scheduler" in lines[0], r.output
    assert not list((tmp_path / "o").glob("*.tsv"))


@pytest.mark.slow
def test_process_pool_two_workers(tmp_path, cfg):
    m = make_corpus(tmp_path / "c", 4)
    s = run_batch(m, tmp_path / "out", config=cfg, workers=2)
    assert s.counts["done"] == 4 and s.workers == 2
    assert len({r.worker for r in s.results}) <= 2
    assert all(read_tsv(tmp_path / "out" / f"d{k:03d}.tsv").beads for k in range(4))


@pytest.mark.slow  # real model, end to end
def test_killed_batch_resumes_without_redoing(tmp_path):
    """SIGKILL a real ``aligner batch`` midway; the rerun does only the rest, no half-written file."""
    m = make_corpus(tmp_path / "c", 14, size=12)
    out = tmp_path / "out"
    cmd = [sys.executable, "-c", "from aligner.cli import app; app()", "batch", str(m), "-o", str(out),
           "--workers", "1", "--no-cache", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if list(out.glob("*.done")):
                break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.done")}
    if not stamps or len(stamps) == 14:
        pytest.skip(f"the kill did not land midway ({len(stamps)} of 14 done)")
    # no output is half-written: each TSV present is complete (stamped, or readable to the end)
    for tsv in out.glob("*.tsv"):
        if stamp_path(tsv).name in stamps:
            assert up_to_date_file(tsv)
    r = subprocess.run(cmd[:-1], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"{14 - len(stamps)} aligned, {len(stamps)} up to date" in r.stdout
    for name, mtime in stamps.items():
        assert (out / name).stat().st_mtime_ns == mtime  # done entries were not redone
    assert len(list(out.glob("*.done"))) == 14
    assert not list(out.glob(".*.part"))
    for k in range(14):
        assert len(read_tsv(out / f"d{k:03d}.tsv").beads) == 12


def up_to_date_file(tsv: Path) -> bool:
    import hashlib

    stamp = json.loads(stamp_path(tsv).read_text(encoding="utf-8"))
    return hashlib.sha256(tsv.read_bytes()).hexdigest() == stamp["output_sha256"]


@pytest.mark.parametrize("parent_is_alive, written", [
    (True, "a worker's message\n"),  # our parent is the batch process: stderr as usual
    (False, ""),  # orphaned (the batch process was SIGKILLed): a failed send's traceback reaches no one
])
def test_an_orphaned_worker_writes_nothing_to_stderr(parent_is_alive, written):
    import io

    from aligner.batch import _OrphanQuiet

    buf = io.StringIO()
    err = _OrphanQuiet(buf, os.getppid() if parent_is_alive else os.getppid() + 10_000_000)
    assert err.write("a worker's message\n") == len("a worker's message\n")
    err.flush()  # the rest of the stream's interface passes through
    assert buf.getvalue() == written


def test_a_worker_started_with_stderr_closed_logs_without_failing():
    # red team (0.3.2): Python sets sys.stderr to None when fd 2 is closed (``2>&-``); the wrapper's write raised
    # AttributeError from every logging call, where logging alone stays silent
    from aligner.batch import _OrphanQuiet

    assert _OrphanQuiet(None, os.getppid()).write("a worker's message\n") == len("a worker's message\n")
