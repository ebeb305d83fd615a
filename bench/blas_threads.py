"""BLAS threads for the align and score stages: one against the library's default, idle and with a busy core.

The DP's window search (``aligner.windows``) and the QA multiply many small
matrices (a piece of a few hundred sentences by 512 dimensions). This runs
``pipeline.align_sides`` on one document pair, every embedding cached (a
first run fills the cache), with ``AlignConfig.blas_threads`` set to each of
``--threads`` in turn, alternated ``--reps`` times, first on an idle machine,
then with one busy process per ``--busy`` (a Python loop that spins: another
job on the machine, or a second batch worker). Prints the median wall seconds
of each setting and whether every setting gave the same beads.

    .venv/bin/python bench/blas_threads.py ZH EN [--presplit] [--reps 3] [--threads 1,0] [--busy 1]

``0`` is the BLAS library's own default (all cores).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _spin(stop) -> None:  # pragma: no cover - a load generator
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("zh")
    ap.add_argument("en")
    ap.add_argument("--presplit", action="store_true")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", default="1,0")
    ap.add_argument("--busy", default="0,1", help="busy processes per condition, comma-separated")
    ap.add_argument("--cache", type=Path, help="embedding cache (default: a fresh one, filled by a first run)")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()

    from aligner.config import AlignConfig
    from aligner.embed import Embedder, get_encoder
    from aligner.pipeline import align_sides, load_sides
    from aligner.qa import Lexicon

    cache = a.cache or Path(tempfile.mkdtemp(prefix="blas-threads-"))
    base = AlignConfig(cache_dir=cache)
    loaded = load_sides([a.zh, a.en], presplit_input=a.presplit, config=base)
    embedder = Embedder(get_encoder(base.model), base)
    lexicon = Lexicon()
    align_sides(loaded.src, loaded.tgt, config=base, embedder=embedder, presplit_input=loaded.presplit,
                lexicon=lexicon)  # fills the cache, compiles the DP, loads the tables
    settings = [int(t) for t in a.threads.split(",")]
    out = {"document": [a.zh, a.en], "sentences": len(loaded.src) + len(loaded.tgt), "conditions": {}}
    for busy in [int(b) for b in a.busy.split(",")]:
        stop = mp.Event()
        procs = [mp.Process(target=_spin, args=(stop,), daemon=True) for _ in range(busy)]
        for p in procs:
            p.start()
        times: dict[int, list[float]] = {t: [] for t in settings}
        beads: dict[int, tuple] = {}
        try:
            for _ in range(a.reps):
                for t in settings:
                    cfg = base.with_(blas_threads=t)
                    t0 = time.perf_counter()
                    al = align_sides(loaded.src, loaded.tgt, config=cfg, embedder=embedder,
                                     presplit_input=loaded.presplit, lexicon=lexicon)
                    times[t].append(time.perf_counter() - t0)
                    beads[t] = tuple((b.src_ids, b.tgt_ids, b.score, b.flags) for b in al.beads)
        finally:
            stop.set()
            for p in procs:
                p.join()
        cond = {str(t): {"median_s": round(statistics.median(v), 2), "runs": [round(x, 2) for x in v]}
                for t, v in times.items()}
        cond["same_beads"] = len(set(beads.values())) == 1
        out["conditions"][f"busy {busy}"] = cond
        print(f"busy {busy}:", json.dumps(cond), flush=True)
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
