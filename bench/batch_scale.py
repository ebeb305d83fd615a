"""Batch throughput: the same corpus with 1 worker, 2 local workers and a 2-worker Dask LocalCluster.

    python bench/batch_scale.py [--pairs 200] [--reps 3] [--out bench/out/batch_scale.json]

Each run starts from an empty output directory and no embedding cache
(``cache_dir=None``), so every pair is really embedded; worker start-up
(spawn, model load, JIT) is inside the timing. Reports pairs per minute per
run, the median per setting and the speed-up over 1 worker. The corpus comes
from ``bench/make_synthetic_corpus.py`` (the seeds + MAC-Test pieces).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aligner.batch import run_batch  # noqa: E402
from aligner.config import AlignConfig  # noqa: E402
from make_synthetic_corpus import make  # noqa: E402


def one(manifest: Path, setting: str, cfg: AlignConfig) -> dict:
    out = Path(tempfile.mkdtemp(prefix=f"batch-{setting}-"))
    t0 = time.perf_counter()
    if setting == "dask-2":
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client:
            t0 = time.perf_counter()  # cluster start-up excluded; worker model load included
            s = run_batch(manifest, out, config=cfg, client=client)
    else:
        s = run_batch(manifest, out, config=cfg, workers=int(setting.split("-")[1]))
    wall = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    n = s.counts.get("done", 0)
    sents = sum(r.src_sentences + r.tgt_sentences for r in s.results)
    return {"setting": setting, "pairs": n, "failed": s.counts.get("failed", 0), "seconds": round(wall, 1),
            "pairs_per_minute": round(60 * n / wall, 1), "sentences_per_second": round(sents / wall, 1),
            "embedders": len({(r.worker, r.embedder) for r in s.results if r.status == "done"})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--settings", default="local-1,local-2,dask-2")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "batch_scale.json")
    a = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    corpus = Path(tempfile.mkdtemp(prefix="synthetic-corpus-"))
    manifest = make(corpus, a.pairs)
    cfg = replace(AlignConfig(), cache_dir=None)
    runs = []
    settings = a.settings.split(",")
    for rep in range(a.reps):  # interleaved, so drift on a shared machine hits every setting alike
        for st in settings:
            r = one(manifest, st, cfg)
            r["rep"] = rep
            runs.append(r)
            print(json.dumps(r), flush=True)
    med = {st: statistics.median(r["pairs_per_minute"] for r in runs if r["setting"] == st) for st in settings}
    base = med.get("local-1")
    summary = {st: {"median_pairs_per_minute": med[st],
                    "speedup_vs_1": round(med[st] / base, 2) if base else None} for st in settings}
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "pairs": a.pairs, "reps": a.reps, "runs": runs, "summary": summary}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    main()
