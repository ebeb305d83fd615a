"""End-to-end wall time and peak memory of `aligner align` on the bilingual seeds.

Each run is a fresh process (`aligner align SEED -o OUT`), first with an empty
embedding cache, then with the cache filled. Peak memory is the child's max RSS
(getrusage). Prints a Markdown table of medians over --reps runs.

    .venv/bin/python bench/seeds_e2e.py --reps 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {"000 Gromyko interview": "000_3903eb94c200c726.txt", "004 China Military Online": "004_ecb1ef62764ca60e.txt"}


def find(name: str) -> Path:
    hits = sorted((ROOT / "corpus").rglob(name)) or [ROOT.parent / "shared" / "seeds" / name]
    return hits[0]


def run_once(path: Path, cache: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one `aligner align` process."""
    exe = Path(sys.executable).with_name("aligner")
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child: exec so getrusage covers exactly this process
        os.execv(str(exe), [str(exe), "align", str(path), "-o", str(out), "--cache-dir", str(cache), "-q"])
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"aligner failed on {path}")
    return wall, ru.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for label, name in SEEDS.items():
        path = find(name)
        first, cached = [], []
        for _ in range(args.reps):
            cache = Path(tempfile.mkdtemp(prefix="aligner-bench-cache-"))
            out = cache / "out.tsv"
            first.append(run_once(path, cache, out))
            cached.append(run_once(path, cache, out))
            shutil.rmtree(cache)
        med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
        rows.append((label, med(first, 0), med(first, 1), med(cached, 0), med(cached, 1)))
    print(f"| document | first run (s) | first run peak RSS (MiB) | cached run (s) | cached peak RSS (MiB) |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.2f} | {r[2]:.0f} | {r[3]:.2f} | {r[4]:.0f} |")
    print(f"\nmedians of {args.reps} runs each; python {sys.version.split()[0]}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
