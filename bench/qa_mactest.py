"""QA flags on MAC-Test: how often each code fires on correct beads, and on misaligned ones.

MAC-Test's novels are complete literary translations with gold alignments,
so a two-sided bead of our alignment that equals a gold bead is (nearly
always) a correct pair: a warning or error on it is a false alarm of the kind
a translator would have to dismiss. A bead that matches no gold bead is an
alignment error: a flag there is useful (the reviewer looks at a wrong pair).
Run with the default configuration on all 24 texts:

    .venv/bin/python bench/qa_mactest.py [--json bench/out/qa_mactest.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import mactest  # noqa: E402
from aligner.config import AlignConfig  # noqa: E402
from aligner.data import Sentence, Side  # noqa: E402
from aligner.embed import Embedder, get_encoder  # noqa: E402
from aligner.pipeline import align_sides  # noqa: E402
from aligner.qa import CODES, Lexicon  # noqa: E402

LEVELS = ("warning_or_error", "info")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=str(ROOT / "bench" / "out" / "sqlite-cache"))
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    cfg = AlignConfig(cache_dir=Path(args.cache))
    emb = Embedder(get_encoder(cfg.model), cfg)
    lex = Lexicon()
    n = {"correct": 0, "wrong": 0}
    by = {k: Counter() for k in ("correct", "wrong")}
    any_flag = {k: Counter() for k in ("correct", "wrong")}
    for t in mactest.load():
        src = Side("zh", t.id, tuple(Sentence(i, x, 0, i + 1) for i, x in enumerate(t.zh)))
        tgt = Side("en", t.id, tuple(Sentence(i, x, 0, i + 1) for i, x in enumerate(t.en)))
        al = align_sides(src, tgt, config=cfg, embedder=emb, lexicon=lex, presplit_input=True)
        gold = {(tuple(a), tuple(b)) for a, b in t.gold}
        for b in al.beads:
            if not (b.src_ids and b.tgt_ids):
                continue
            kind = "correct" if (b.src_ids, b.tgt_ids) in gold else "wrong"
            n[kind] += 1
            strong = {f.code for f in b.flags if f.severity.value in ("warning", "error")}
            weak = {f.code for f in b.flags if f.severity.value == "info"} - strong
            for c in strong:
                by[kind][(c, "warning_or_error")] += 1
            for c in weak:
                by[kind][(c, "info")] += 1
            any_flag[kind]["warning_or_error"] += bool(strong)
            any_flag[kind]["info"] += bool(weak) and not strong
    print(f"MAC-Test, our alignment: {n['correct']} two-sided beads equal to a gold bead, {n['wrong']} not\n")
    print("| code | correct beads flagged (warning/error) | per 100 | info only | wrong beads flagged (warning/error) "
          "| per 100 | info only |")
    print("|---|---|---|---|---|---|---|")
    for c in CODES:
        cw, ci = by["correct"][(c, "warning_or_error")], by["correct"][(c, "info")]
        ww, wi = by["wrong"][(c, "warning_or_error")], by["wrong"][(c, "info")]
        if cw + ci + ww + wi == 0:
            continue
        print(f"| {c} | {cw} | {100 * cw / n['correct']:.1f} | {ci} | {ww} | {100 * ww / max(n['wrong'], 1):.1f} | {wi} |")
    cw, ci = any_flag["correct"]["warning_or_error"], any_flag["correct"]["info"]
    ww, wi = any_flag["wrong"]["warning_or_error"], any_flag["wrong"]["info"]
    print(f"| any | {cw} | {100 * cw / n['correct']:.1f} | {ci} | {ww} | {100 * ww / max(n['wrong'], 1):.1f} | {wi} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"beads": n, "by_code": {k: {f"{c}|{lv}": v for (c, lv), v in d.items()}
                                                                         for k, d in by.items()}}, indent=1))


if __name__ == "__main__":
    main()
