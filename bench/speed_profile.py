"""Per-stage profile of one process: a warm ``align`` of seed 004, or a cold batch of MAC-Test pieces.

The stages of the pipeline run one by one, as ``aligner.pipeline`` and
``aligner.batch`` chain them, each timed on its own: import, segmentation,
encoder load, sentences embedded, the first look that picks the windows
worth embedding (``aligner.windows``), those windows embedded (counts), the
DP (first call: JIT compile or cache load included; then once more, warm),
dictionary load (``Lexicon`` tables; jieba loads inside the first check
that needs it), each QA check alone
(``QAConfig(checks=(code,))``, so the clause leave-outs are inside
``partial``), and TSV output. Run it in a fresh process (it times imports).

    .venv/bin/python bench/speed_profile.py warm                # seed 004, every embedding cached
    .venv/bin/python bench/speed_profile.py batch --pieces 24   # cold cache, MAC-Test pieces of ~40 lines

Prints a Markdown table (seconds per stage; for ``batch`` summed over the pieces).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()
C0 = time.process_time()

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["warm", "batch"])
    ap.add_argument("--pieces", type=int, default=24)
    ap.add_argument("--lines", type=int, default=40)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cache", type=Path, help="warm: a cache directory already filled by `aligner align` of 004")
    a = ap.parse_args()
    stages: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    t = time.perf_counter()
    c = time.process_time()
    import aligner.cli  # noqa: F401  (what the command line imports before it runs)
    from aligner.config import AlignConfig
    from aligner.embed import Embedder, get_encoder
    import numpy as np

    from aligner.pipeline import load_sides, sentence_lengths
    from aligner.segment import heading_flags
    from aligner.windows import align_needed, needed_windows
    from aligner.align import align
    from aligner.data import Alignment
    from aligner.qa import CODES, Lexicon, score
    from aligner.qa_config import QAConfig
    from aligner.report.tsv import to_tsv
    stages["import"] = time.perf_counter() - t + (t - T0)
    cpu["import"] = time.process_time() - C0

    tmp = Path(tempfile.mkdtemp(prefix="speed-profile-"))
    if a.what == "warm":
        import subprocess

        seed = Path(__file__).resolve().parents[1] / "corpus" / "004_ecb1ef62764ca60e.txt"
        cache = a.cache or tmp / "cache"
        if not a.cache:
            subprocess.run([str(Path(sys.executable).with_name("aligner")), "align", str(seed), "-q", "-o",
                            str(tmp / "cold.tsv"), "--cache-dir", str(cache)], check=True)
        docs = [([seed], False)]
    else:
        from speed import make_pieces

        manifest, _ = make_pieces(tmp / "corpus", a.lines, a.pieces)
        docs = [([manifest.parent / f for f in d["files"]], True)
                for d in json.loads(manifest.read_text(encoding="utf-8"))["documents"]]
        cache = tmp / "cache"
    cfg = AlignConfig().with_(cache_dir=cache)
    embedder = Embedder(get_encoder(cfg.model), cfg)
    counts = {"sentences": 0, "docs": 0}
    lexicon = None
    for paths, presplit in docs:
        t, c = time.perf_counter(), time.process_time()
        loaded = load_sides(paths, presplit_input=presplit, config=cfg)
        stages["read + segmentation"] += time.perf_counter() - t
        cpu["read + segmentation"] += time.process_time() - c
        src, tgt = loaded.src, loaded.tgt
        counts["sentences"] += len(src) + len(tgt)
        counts["docs"] += 1
        if a.what == "batch" and counts["docs"] == 1:
            t, c = time.perf_counter(), time.process_time()
            embedder.encoder.encode(["warm up"])  # the model loads on first use
            stages["encoder load"] += time.perf_counter() - t
            cpu["encoder load"] += time.process_time() - c
        kw = dict(src_lens=sentence_lengths(src), tgt_lens=sentence_lengths(tgt),
                  src_paras=[s.para for s in src.sentences], tgt_paras=[s.para for s in tgt.sentences],
                  # the pipeline's units (aligner.units: a note cut into lines is one) are the lines here: no
                  # MAC-Test line continues a bracketed note
                  src_heads=np.array(heading_flags(src.texts, src.lang), bool) if presplit else None,
                  tgt_heads=np.array(heading_flags(tgt.texts, tgt.lang), bool) if presplit else None)
        before = dict(embedder.stats)
        t, c = time.perf_counter(), time.process_time()
        S1 = embedder.embed(src.texts, src.lang)
        T1 = embedder.embed(tgt.texts, tgt.lang)
        stages["sentences embedded"] += time.perf_counter() - t
        cpu["sentences embedded"] += time.process_time() - c
        counts["sentences embedded"] = counts.get("sentences embedded", 0) + embedder.stats["embedded"] - before["embedded"]
        t, c = time.perf_counter(), time.process_time()
        need_s, need_t = needed_windows(S1, T1, slack=cfg.window_slack, config=cfg, **kw)
        look, look_c = time.perf_counter() - t, time.process_time() - c
        stages["windows chosen (first look)"] += look
        cpu["windows chosen (first look)"] += look_c
        before = dict(embedder.stats)
        t, c = time.perf_counter(), time.process_time()
        side = {"src": src, "tgt": tgt}
        fetch = lambda which, mask: embedder.some_windows(side[which].texts, side[which].lang, mask)  # noqa: E731
        fetch("src", need_s & (np.arange(need_s.shape[0]) > 0)[:, None])
        fetch("tgt", need_t & (np.arange(need_t.shape[0]) > 0)[:, None])
        stages["windows embedded"] += time.perf_counter() - t
        cpu["windows embedded"] += time.process_time() - c
        counts["windows embedded"] = counts.get("windows embedded", 0) + embedder.stats["embedded"] - before["embedded"]
        counts["windows (all sizes) possible"] = counts.get("windows (all sizes) possible", 0) + sum(
            max(0, n - k) for n in (len(src), len(tgt)) for k in range(cfg.max_bead))
        t, c = time.perf_counter(), time.process_time()
        beads, S, T = align_needed(S1, T1, fetch, slack=cfg.window_slack, config=cfg, **kw)  # windows: cache hits
        t1, c1 = time.perf_counter(), time.process_time()
        align(S, T, **kw, config=cfg)
        t2, c2 = time.perf_counter(), time.process_time()
        stages["DP (run)"] += t2 - t1
        cpu["DP (run)"] += c2 - c1
        stages["DP compile/load (first call - first look - run)"] += max(0.0, (t1 - t) - look - (t2 - t1))
        cpu["DP compile/load (first call - first look - run)"] += max(0.0, (c1 - c) - look_c - (c2 - c1))
        t, c = time.perf_counter(), time.process_time()
        if lexicon is None or a.what == "warm":
            lexicon = Lexicon()
            for name in ("acronyms", "person_names", "bare_names", "english_vocab", "common_words", "char_pinyin"):
                getattr(lexicon, name)  # built here, or loaded from the index
            lexicon.matcher.glosses  # noqa: B018
            from aligner.numbers import _idiom_re

            _idiom_re()
            if hasattr(lexicon.matcher, "use_memo"):  # as aligner.pipeline does (issue 17 on)
                lexicon.matcher.use_memo(cfg.cache_dir)
        stages["dictionary load (Lexicon tables)"] += time.perf_counter() - t
        cpu["dictionary load (Lexicon tables)"] += time.process_time() - c
        for code in CODES:
            before = dict(embedder.stats)
            t, c = time.perf_counter(), time.process_time()
            score(src, tgt, beads, src_vecs=S[0], tgt_vecs=T[0], lexicon=lexicon, embed=embedder.embed,
                  config=QAConfig(checks=(code,)))
            stages[f"QA {code}"] += time.perf_counter() - t
            cpu[f"QA {code}"] += time.process_time() - c
            counts["leave-outs embedded"] = counts.get("leave-outs embedded", 0) + \
                embedder.stats["embedded"] - before["embedded"]
        t, c = time.perf_counter(), time.process_time()
        flagged = score(src, tgt, beads, src_vecs=S[0], tgt_vecs=T[0], lexicon=lexicon, embed=embedder.embed)
        stages["QA all checks together"] += time.perf_counter() - t
        cpu["QA all checks together"] += time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        to_tsv(Alignment(src, tgt, tuple(flagged), "profile", loaded.layout))
        stages["output (TSV)"] += time.perf_counter() - t
        cpu["output (TSV)"] += time.process_time() - c
        if hasattr(embedder, "end_document"):  # as pipeline.align_sides does (0.3.9 on)
            embedder.end_document()
    shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - T0
    print(f"| stage ({a.what}: {counts['docs']} documents, {counts['sentences']} sentences) | wall s | CPU s |")
    print("|---|---|---|")
    for k, v in stages.items():
        print(f"| {k} | {v:.3f} | {cpu[k]:.3f} |" if k in cpu else f"| {k} | {v:.3f} | |")
    print(f"| total (this process) | {total:.2f} | {time.process_time() - C0:.2f} |")
    print(json.dumps(counts))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"stages": stages, "cpu": cpu, "counts": counts, "total": total}, indent=1) + "\n")


if __name__ == "__main__":
    main()
