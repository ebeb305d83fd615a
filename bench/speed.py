"""The two speed ratios of issue 17, each measured side by side in one run.

``warm``: a warm ``aligner align`` of seed 004 (every embedding cached; one
cold run first fills the cache) against loading the default encoder and
embedding 004's sentences from scratch, each a fresh process, alternated
``--reps`` times. Bar: warm / from-scratch <= 0.5.

``batch``: a cold-cache ``aligner batch --workers 1 --presplit`` over
MAC-Test cut into pieces of about ``--lines`` Chinese lines (at gold bead
boundaries, round robin over the 24 texts, the first ``--pieces``) against
the raw encoder (the package's own ``USE.encode``, not the pipeline's
n-gram reuse) embedding the same sentences (each once, batches of
``EMBED_BATCH``, model load excluded), run before and after the batch and
averaged. Bar: batch sentences/s >= 0.25 x the encoder's.

    .venv/bin/python bench/speed.py warm [--reps 5]
    .venv/bin/python bench/speed.py batch [--pieces 30] [--lines 40]

Both also give the ratio in CPU seconds (user + sys of the child processes):
on a shared machine wall times swing with the other jobs, CPU time far less.
Prints one JSON object per measurement and a summary; ``--json OUT`` saves it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from make_synthetic_corpus import _beads, write_manifest, write_pair  # noqa: E402  (MAC-Test gold ladder -> beads)
MAC = Path(os.environ.get("ALIGNER_MACTEST", ROOT.parent / "shared" / "bench" / "mac-test"))
SEED_004 = ROOT / "corpus" / "004_ecb1ef62764ca60e.txt"
EXE = Path(sys.executable).with_name("aligner")

#: Run in a fresh interpreter: load the default encoder, embed the texts of a JSON file; prints timings.
ENCODE_SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
from aligner.config import EMBED_BATCH
from aligner.embed import UseEncoder
texts = json.load(open(sys.argv[1], encoding="utf-8"))
enc = UseEncoder(reuse=False)  # the package's own encode: the raw encoder
enc._load()
t1 = time.perf_counter()
c1 = time.process_time()
for i in range(0, len(texts), EMBED_BATCH):
    enc.encode(texts[i:i + EMBED_BATCH])
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "encode": t2 - t1, "encode_cpu": time.process_time() - c1, "texts": len(texts)}))
"""


#: CPU seconds (user + sys) of the last finished child: on a shared machine far steadier than wall time.
LAST_CPU = [0.0]


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    return wall, p.stdout


def _encode_run(texts_file: Path) -> tuple[float, dict]:
    wall, out = _timed([sys.executable, "-c", ENCODE_SCRIPT, str(texts_file)])
    return wall, json.loads(out.strip().splitlines()[-1])


def warm(reps: int) -> dict:
    from aligner.pipeline import load_sides

    loaded = load_sides([SEED_004])
    tmp = Path(tempfile.mkdtemp(prefix="speed-warm-"))
    texts = tmp / "texts.json"
    texts.write_text(json.dumps(list(loaded.src.texts) + list(loaded.tgt.texts), ensure_ascii=False),
                     encoding="utf-8")
    cache = tmp / "cache"
    cmd = [str(EXE), "align", str(SEED_004), "-q", "-o", str(tmp / "out.tsv"), "--cache-dir", str(cache)]
    cold, _ = _timed(cmd)
    print(json.dumps({"cold_align_s": round(cold, 2)}), flush=True)
    runs = []
    for rep in range(reps):  # alternated: drift on a shared machine hits both alike
        w, _ = _timed(cmd)
        wc = LAST_CPU[0]
        s, info = _encode_run(texts)
        sc = LAST_CPU[0]
        r = {"rep": rep, "warm_align_s": round(w, 3), "scratch_s": round(s, 3),
             "scratch_load_s": round(info["load"], 3), "scratch_encode_s": round(info["encode"], 3),
             "ratio": round(w / s, 3), "warm_cpu_s": round(wc, 3), "scratch_cpu_s": round(sc, 3),
             "cpu_ratio": round(wc / sc, 3)}
        runs.append(r)
        print(json.dumps(r), flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    med_w = statistics.median(r["warm_align_s"] for r in runs)
    med_s = statistics.median(r["scratch_s"] for r in runs)
    med_wc = statistics.median(r["warm_cpu_s"] for r in runs)
    med_sc = statistics.median(r["scratch_cpu_s"] for r in runs)
    return {"bench": "warm", "sentences": len(loaded.src) + len(loaded.tgt), "runs": runs,
            "cold_align_s": round(cold, 2), "median_warm_s": med_w, "median_scratch_s": med_s,
            "ratio_of_medians": round(med_w / med_s, 3), "median_warm_cpu_s": med_wc,
            "median_scratch_cpu_s": med_sc, "cpu_ratio_of_medians": round(med_wc / med_sc, 3), "bar": 0.5}


def make_pieces(out: Path, lines: int, pieces: int) -> tuple[Path, list[str]]:
    """MAC-Test cut at gold bead boundaries into pieces of >= ``lines`` Chinese lines; manifest + sentences."""
    by_text = []
    for g in sorted((MAC / "gold").glob("*.align")):
        ch = g.name.split(".")[0]
        zh = (MAC / "zh" / ch).read_text(encoding="utf-8").splitlines()
        en = (MAC / "en" / ch).read_text(encoding="utf-8").splitlines()
        cur: list = []
        mine = []
        for b in _beads(g):
            cur.append(b)
            if sum(len(x[0]) for x in cur) >= lines:
                mine.append((ch, cur))
                cur = []
        if cur:
            mine.append((ch, cur))
        by_text.append((zh, en, mine))
    order = []  # round robin over the texts: every book is in a small run
    for k in range(max(len(m) for _, _, m in by_text)):
        for zh, en, mine in by_text:
            if k < len(mine):
                order.append((zh, en, k, *mine[k]))
    (out / "zh").mkdir(parents=True, exist_ok=True)
    (out / "en").mkdir(parents=True, exist_ok=True)
    docs, sentences = [], []
    for zh, en, k, ch, piece in order[:pieces]:
        zs = sorted({x for b in piece for x in b[0]})
        es = sorted({x for b in piece for x in b[1]})
        if not zs or not es:
            continue
        pid = f"mac-{ch}-{k:03d}"
        ztxt, etxt = [zh[x] for x in zs], [en[x] for x in es]
        sentences += [t for t in ztxt + etxt if t.strip()]
        docs.append(write_pair(out, pid, ztxt, etxt, f"MAC-Test {ch} piece {k}"))
    return write_manifest(out, docs), sentences


def batch(pieces: int, lines: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="speed-batch-"))
    manifest, sentences = make_pieces(tmp / "corpus", lines, pieces)
    texts = tmp / "texts.json"
    # the encoder's input as the pipeline gives it: Chinese converted to Simplified
    from aligner.embed import T2S

    t2s = T2S()
    zh_n = sum(1 for d in json.loads(manifest.read_text(encoding="utf-8"))["documents"])
    prepared = [t2s(s) if any("\u4e00" <= c <= "\u9fff" for c in s) else s for s in sentences]
    texts.write_text(json.dumps(prepared, ensure_ascii=False), encoding="utf-8")
    n = len(sentences)
    _, enc1 = _encode_run(texts)
    cmd = [str(EXE), "batch", str(manifest), "-o", str(tmp / "out"), "--workers", "1", "--presplit", "-q",
           "--cache-dir", str(tmp / "cache")]
    wall, _ = _timed(cmd)
    cpu = LAST_CPU[0]
    _, enc2 = _encode_run(texts)
    enc_rate = n / ((enc1["encode"] + enc2["encode"]) / 2)
    enc_cpu_rate = n / ((enc1["encode_cpu"] + enc2["encode_cpu"]) / 2)
    res = {"bench": "batch", "pieces": zh_n, "lines": lines, "sentences": n, "batch_s": round(wall, 2),
           "batch_sentences_per_s": round(n / wall, 1),
           "encoder_s": [round(enc1["encode"], 2), round(enc2["encode"], 2)],
           "encoder_sentences_per_s": round(enc_rate, 1),
           "ratio": round(n / wall / enc_rate, 3),
           "batch_cpu_s": round(cpu, 2), "encoder_cpu_s": [round(enc1["encode_cpu"], 2), round(enc2["encode_cpu"], 2)],
           "cpu_ratio": round(n / cpu / enc_cpu_rate, 3), "bar": 0.25}
    shutil.rmtree(tmp, ignore_errors=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["warm", "batch"])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--pieces", type=int, default=30)
    ap.add_argument("--lines", type=int, default=40)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    res = warm(a.reps) if a.what == "warm" else batch(a.pieces, a.lines)
    res["machine"] = {"cpus": os.cpu_count(), "load_avg": os.getloadavg()}
    print(json.dumps(res, indent=1))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
