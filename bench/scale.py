"""Scale: wall time per stage and peak memory at 1,000 / 10,000 / 100,000 sentences.

Documents are built from MAC-Test by a fixed-seed script: its 24 texts are
chained (cyclically) bead by gold bead until the source side has N sentences;
2% of beads lose their English (deletions), 2% lose their Chinese
(insertions) and 5% of adjacent English sentence pairs are merged into one
(merges), so the path is not trivial. The synthetic gold path is known, so
each run also reports strict F1 against it.

Embeddings are the cached USE-m3 sentence vectors of MAC-Test (a merged
English sentence gets the normalised sum of its parts), so every system
aligns the same vectors. Each (system, N) runs in a fresh process; peak
memory is that process's max RSS minus its RSS after loading the vectors
(and in absolute terms).

    .venv/bin/python bench/scale.py                      # 1k, 10k, 100k; ours + sentalign
    .venv/bin/python bench/scale.py --sizes 1000 --systems ours
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

SEED = 20261123
P_DELETE = 0.02
P_INSERT = 0.02
P_MERGE = 0.05
TGT_RATIO = 1.35  # English sentences per Chinese sentence in MAC-Test (6,610 / 4,875)


def rss_mib() -> float:
    """Current resident set size of this process, MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mac_vectors(cache: Path):
    """MAC-Test texts with their sentence vectors (from the embedding cache) and gold beads."""
    import mactest
    from aligner.config import AlignConfig
    from aligner.embed import Embedder, get_encoder

    emb = Embedder(get_encoder("use-m3"), AlignConfig(cache_dir=cache))
    out = []
    for t in mactest.load():
        out.append((t.zh, t.en, emb.embed(t.zh, "zh"), emb.embed(t.en, "en"), t.gold))
    return out


def build(n: int, texts, rng: np.random.Generator):
    """A synthetic document pair with n source sentences: texts, vectors, gold beads."""
    s_txt, t_txt, s_vec, t_vec, gold = [], [], [], [], []
    k = 0
    while len(s_txt) < n:
        zh, en, zv, ev, beads = texts[k % len(texts)]
        k += 1
        for b in beads:
            src, tgt = list(b[0]), list(b[1])
            r = rng.random()
            if r < P_DELETE:
                tgt = []
            elif r < P_DELETE + P_INSERT:
                src = []
            if not src and not tgt:
                continue
            if len(s_txt) + len(src) > n:
                break
            si = list(range(len(s_txt), len(s_txt) + len(src)))
            s_txt += [zh[i] for i in src]
            s_vec += [zv[i] for i in src]
            # merge adjacent English sentences inside the bead
            j = 0
            ti = []
            while j < len(tgt):
                if j + 1 < len(tgt) and rng.random() < P_MERGE * 2:
                    v = ev[tgt[j]] + ev[tgt[j + 1]]
                    t_txt.append(en[tgt[j]] + " " + en[tgt[j + 1]])
                    t_vec.append(v / np.linalg.norm(v))
                    j += 2
                else:
                    t_txt.append(en[tgt[j]])
                    t_vec.append(ev[tgt[j]])
                    j += 1
                ti.append(len(t_txt) - 1)
            if si and not ti:
                gold += [((i,), ()) for i in si]
            elif ti and not si:
                gold += [((), (j,)) for j in ti]
            else:
                gold.append((tuple(si), tuple(ti)))
    return s_txt, t_txt, np.array(s_vec, np.float32), np.array(t_vec, np.float32), gold


def strict_f1(gold, pred) -> float:
    g = {b for b in gold if b[0] and b[1]}
    p = {b for b in pred if b[0] and b[1]}
    tp = len(g & p)
    if not tp:
        return 0.0
    pr, rc = tp / len(p), tp / len(g)
    return 2 * pr * rc / (pr + rc)


def child(system: str, n: int, cache: Path, stages: str) -> dict:
    """One measurement in this process; returns the figures as a dict."""
    texts = mac_vectors(cache)
    s_txt, t_txt, S, T, gold = build(n, texts, np.random.default_rng(SEED))
    del texts
    res = {"system": system, "n_src": len(s_txt), "n_tgt": len(t_txt), "rss_loaded_mib": round(rss_mib())}
    if system == "ours":
        from aligner.align import align
        from aligner.config import AlignConfig
        from aligner.data import Paragraph, Text, Side, Sentence
        from aligner.segment import Segmenter

        if "segment" in stages:  # segment the document's text, 5 sentences a paragraph
            seg = Segmenter()
            zh = Text("zh", "zh", tuple(Paragraph("".join(s_txt[i:i + 5]), i) for i in range(0, len(s_txt), 5)))
            en = Text("en", "en", tuple(Paragraph(" ".join(t_txt[i:i + 5]), i) for i in range(0, len(t_txt), 5)))
            t0 = time.perf_counter()
            seg.segment(zh)
            seg.segment(en)
            res["segment_s"] = round(time.perf_counter() - t0, 2)
        if "embed" in stages:
            from aligner.embed import get_encoder

            enc = get_encoder("use-m3")
            sample = s_txt[:1000] + t_txt[:1000]
            enc.encode(sample[:8])  # load the model outside the timing
            t0 = time.perf_counter()
            enc.encode(sample)
            rate = len(sample) / (time.perf_counter() - t0)
            res["embed_rate_per_s"] = round(rate)
            res["embed_projected_s"] = round((len(s_txt) + len(t_txt)) / rate, 1)
        # The aligner JIT-compiles once per machine (numba cache); warm it outside the timing.
        align(S[:5], T[:5], config=AlignConfig())
        base = peak_mib()
        t0 = time.perf_counter()
        beads = align(S, T, src_lens=[len(s) for s in s_txt], tgt_lens=[len(t.replace(" ", "")) for t in t_txt],
                      config=AlignConfig())
        res["align_s"] = round(time.perf_counter() - t0, 2)
        res["peak_mib"] = round(peak_mib())
        res["align_extra_peak_mib"] = round(peak_mib() - max(base, res["rss_loaded_mib"]))
        pred = [(b.src_ids, b.tgt_ids) for b in beads]
        res["strict_f1_vs_synthetic_gold"] = round(strict_f1(gold, pred), 3)
        if "score" in stages:
            from aligner.qa import Lexicon, score

            src = Side("zh", "zh", tuple(Sentence(i, t, 0, i) for i, t in enumerate(s_txt)))
            tgt = Side("en", "en", tuple(Sentence(i, t, 0, i) for i, t in enumerate(t_txt)))
            t0 = time.perf_counter()
            score(src, tgt, beads, src_vecs=S, tgt_vecs=T, lexicon=Lexicon())
            res["score_s"] = round(time.perf_counter() - t0, 2)
    elif system == "sentalign":
        from peers.sentalign_peer import align_docs

        def windows(V):  # averaged windows (the same vectors for every window size)
            K = 4
            W = np.zeros((K, len(V), V.shape[1]), np.float32)
            acc = np.zeros_like(V)
            for k in range(K):
                acc[: len(V) - k] += V[k:]
                nrm = np.linalg.norm(acc[: len(V) - k], axis=1, keepdims=True)
                W[k, : len(V) - k] = acc[: len(V) - k] / np.maximum(nrm, 1e-9)
            return W

        SW, TW = windows(S), windows(T)
        res["rss_loaded_mib"] = round(rss_mib())
        t0 = time.perf_counter()
        pred = align_docs(s_txt, t_txt, SW, TW)
        res["align_s"] = round(time.perf_counter() - t0, 2)
        res["peak_mib"] = round(peak_mib())
        res["strict_f1_vs_synthetic_gold"] = round(strict_f1(gold, pred), 3)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--systems", default="ours,sentalign")
    ap.add_argument("--cache", default=str(HERE / "out" / "sqlite-cache"), help="embedding cache with MAC-Test")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per (system, size)")
    ap.add_argument("--json", default="")
    ap.add_argument("--child", nargs=2, metavar=("SYSTEM", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--stages", default="segment,embed,score")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), Path(args.cache), args.stages)))
        return
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        for system in args.systems.split(","):
            cmd = [sys.executable, __file__, "--child", system, str(n), "--cache", args.cache,
                   "--stages", args.stages if n <= 10_000 else "segment,score"]
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
                row = json.loads(p.stdout.strip().splitlines()[-1]) if p.returncode == 0 else \
                    {"system": system, "n_src": n, "error": (p.stderr.strip().splitlines() or ["?"])[-1][:200]}
            except subprocess.TimeoutExpired:
                row = {"system": system, "n_src": n, "error": f"timed out after {args.timeout} s"}
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| system | n_src x n_tgt | segment s | embed s (projected) | align s | score s | peak RSS MiB "
          "(align extra) | strict F1 vs synthetic gold |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['system']} | {r['n_src']} | - | - | {r['error']} | - | - | - |")
            continue
        print(f"| {r['system']} | {r['n_src']:,} x {r['n_tgt']:,} | {r.get('segment_s', '-')} | "
              f"{r.get('embed_projected_s', '-')} | {r['align_s']} | {r.get('score_s', '-')} | "
              f"{r['peak_mib']} ({r.get('align_extra_peak_mib', '-')}) | {r['strict_f1_vs_synthetic_gold']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
