"""Planted name swaps in seed 004 (issue 18): one English name replaced by another, does a warning say so?

Each case replaces one name of seed 004's English (the bilingual file in ``corpus/``) with another
person's (a famous one, or an unknown one) and aligns the document through the library; a case is caught
when the bead holding the new name gets an ``entity_mismatch`` warning. The false-alarm reference is the
unchanged seeds 000 and 004: their ``entity_mismatch`` warnings are counted too.

    .venv/bin/python bench/name_swaps.py [--cache DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (name in seed 004's English, its replacement): a foreign name for a famous one, for an unknown one,
#: a Chinese name (in pinyin) for another; each name has its Chinese counterpart in the pair (not the
#: English-only "Editor: Wang Xinjuan" line).
SWAPS = [
    ("Ryabkov", "Lavrov"), ("Wendy R. Sherman", "Antony Blinken"), ("Ivan Timofeev", "Sergey Karaganov"),
    ("Lukyanov", "Karaganov"), ("Mukhin", "Medvedev"), ("Cafruny", "Mearsheimer"),
    ("Li Yonghui", "Wang Yi"), ("Huang He", "Zhang Wei"), ("Deng Xianlai", "Liu Jianchao"),
]


def _warnings(alignment, needle: str | None = None) -> list[str]:
    out = []
    for b in alignment.beads:
        tgt = " ".join(alignment.tgt.sentences[j].text for j in b.tgt_ids)
        if needle is not None and needle not in tgt:
            continue
        out += [f.reason for f in b.flags if f.code == "entity_mismatch" and f.severity.value == "warning"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=str(ROOT / "bench" / "out" / "sqlite-cache"))
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    from aligner.api import align_files
    from aligner.config import AlignConfig
    from aligner.embed import Embedder, get_encoder

    cfg = AlignConfig(cache_dir=Path(args.cache))
    emb = Embedder(get_encoder(cfg.model), cfg)
    seed = next((ROOT / "corpus").glob("004_*.txt"))
    text = seed.read_text(encoding="utf-8")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for old, new in SWAPS:
            if old not in text:
                raise SystemExit(f"{old!r} is not in {seed.name}")
            f = Path(tmp) / "swap.txt"
            f.write_text(text.replace(old, new, 1), encoding="utf-8")
            got = _warnings(align_files(f, config=cfg, embedder=emb), new.split()[-1])
            rows.append({"swap": f"{old} -> {new}", "caught": bool(got), "warning": got[0] if got else ""})
            print(f"| {old} -> {new} | {'yes' if got else 'no'} |", flush=True)
    clean = {p.name[:3]: len(_warnings(align_files(p, config=cfg, embedder=emb)))
             for p in sorted((ROOT / "corpus").glob("00[04]_*.txt"))}
    caught = sum(r["caught"] for r in rows)
    print(f"caught {caught} of {len(rows)}; entity_mismatch warnings on the unchanged seeds: {clean}")
    if args.json:
        Path(args.json).write_text(json.dumps({"swaps": rows, "caught": caught, "clean_seed_warnings": clean},
                                              ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
