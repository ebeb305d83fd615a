"""End to end on a large document: `aligner align --presplit` first run (empty cache) and cached run.

The document is MAC-Test's 24 texts chained (cyclically) until the Chinese side
has N sentences, written as two one-sentence-per-line files. Peak memory is the
child's max RSS.

    .venv/bin/python bench/e2e_large.py --n 10000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def run(args: list[str]) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("aligner")
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.execv(str(exe), [str(exe), *args])
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"aligner {' '.join(args)} failed")
    return time.perf_counter() - t0, ru.ru_maxrss / 1024


def main() -> None:
    import mactest

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    a = ap.parse_args()
    texts = mactest.load()
    zh, en = [], []
    k = 0
    while len(zh) < a.n:
        t = texts[k % len(texts)]
        zh += t.zh
        en += t.en
        k += 1
    work = Path(tempfile.mkdtemp(prefix="e2e-large-"))
    (work / "zh.txt").write_text("\n".join(zh) + "\n", encoding="utf-8")
    (work / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    cache = work / "cache"
    common = ["align", str(work / "zh.txt"), str(work / "en.txt"), "--presplit", "-o", str(work / "out.tsv"),
              "--cache-dir", str(cache), "-q"]
    first = run(common)
    cached = run(common)
    print(f"| {len(zh):,} x {len(en):,} sentences | first run {first[0]:.0f} s, peak RSS {first[1]:.0f} MiB "
          f"| cached run {cached[0]:.1f} s, peak RSS {cached[1]:.0f} MiB |")


if __name__ == "__main__":
    main()
