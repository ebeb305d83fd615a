"""How often the "shifted bead" diagnosis of ``low_similarity`` is right on MAC-Test.

On each MAC-Test text, our alignment is scored with the low-similarity check
only (``shift_gain`` 0, so every candidate diagnosis is kept with its gain);
a low-similarity bead that is also a gold bead is correctly aligned, so a
shift diagnosis there is a misleading reason. Prints, per gain threshold,
how many diagnoses land on correct and on misaligned beads.

    .venv/bin/python bench/shift_check.py      # ~20 s with cached embeddings
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import align_quality as A  # noqa: E402

from aligner.align import align  # noqa: E402
from aligner.data import Sentence, Side  # noqa: E402
from aligner.qa import Lexicon, score  # noqa: E402
from aligner.qa_config import QAConfig  # noqa: E402

_GAIN = re.compile(r"similarity there (\d\.\d\d) -> (\d\.\d\d)")


def main() -> int:
    texts, docs = A.load_docs()
    cfg = QAConfig(checks=("low_similarity",), shift_gain=0.0)
    lexicon = Lexicon()
    rows = []  # (gold bead?, gain or None)
    for d, t in zip(docs, texts):
        src = Side("zh", None, tuple(Sentence(i, s, i, i) for i, s in enumerate(t.zh)))
        tgt = Side("en", None, tuple(Sentence(i, s, i, i) for i, s in enumerate(t.en)))
        beads = align(d.zh_vecs, d.en_vecs, src_lens=d.zh_lens, tgt_lens=d.en_lens)
        gold = set(t.gold)
        for b in score(src, tgt, beads, src_vecs=d.zh_vecs[0], tgt_vecs=d.en_vecs[0], config=cfg, lexicon=lexicon):
            for f in b.flags:
                m = _GAIN.search(f.reason)
                rows.append(((b.src_ids, b.tgt_ids) in gold, float(m[2]) - float(m[1]) if m else None))
    print(f"{len(rows)} low-similarity beads on MAC-Test, {sum(g for g, _ in rows)} of them correctly aligned")
    print("| shift_gain | diagnoses on correct beads | on misaligned beads |")
    print("|---|---|---|")
    for thr in (0.02, 0.05, 0.08, 0.1, 0.12, 0.15):
        ok = sum(1 for g, x in rows if x is not None and x >= thr and g)
        bad = sum(1 for g, x in rows if x is not None and x >= thr and not g)
        print(f"| {thr} | {ok} | {bad} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
