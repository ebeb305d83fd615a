"""Make a synthetic corpus of N document pairs for batch benchmarks (``bench/batch_scale.py``).

Pieces: the two bilingual seeds (000, 004) as they are, and the rest cut from
MAC-Test (``../shared/bench/mac-test``: zh/NNN and en/NNN one sentence per
line, gold/NNN.align beads) at gold bead boundaries, so every piece is a real
parallel pair (a zh file and an en file, one sentence per line). Sizes vary
(deterministic, seed 0); every chapter is cut into about the same number of
pieces. Writes ``OUT/manifest.json`` (``aligner.corpus`` format) and
``OUT/zh/*.txt``, ``OUT/en/*.txt``, ``OUT/seeds/*``.

    python bench/make_synthetic_corpus.py OUT [--pairs 200]
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MAC = ROOT.parent / "shared" / "bench" / "mac-test"
SEEDS = {"000": "000_3903eb94c200c726.txt", "004": "004_ecb1ef62764ca60e.txt"}


def _seed(name: str) -> Path:
    for d in (ROOT / "corpus", ROOT.parent / "shared" / "seeds"):
        if (d / name).is_file():
            return d / name
    raise SystemExit(f"seed {name} not found")


def _beads(path: Path) -> list[tuple[list[int], list[int]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            a, b = line.split(":")
            out.append((ast.literal_eval(a), ast.literal_eval(b)))
    return out


def make(out: Path, pairs: int = 200, mac: Path = MAC) -> Path:
    """Write the corpus under ``out``; returns the manifest path."""
    rng = np.random.default_rng(0)
    (out / "zh").mkdir(parents=True, exist_ok=True)
    (out / "en").mkdir(parents=True, exist_ok=True)
    (out / "seeds").mkdir(exist_ok=True)
    docs = []
    for key, name in SEEDS.items():
        shutil.copyfile(_seed(name), out / "seeds" / name)
        layout = "blocks" if key == "000" else "alternating"
        docs.append({"id": f"seed-{key}", "files": [f"seeds/{name}"], "languages": ["zh", "en"],
                     "layout": layout, "status": ["bilingual"], "title": f"seed {key}", "publisher": "",
                     "date": None, "source": "corpus/"})
    chapters = sorted(p.name for p in (mac / "gold").glob("*.align"))
    chapters = [c.split(".")[0] for c in chapters]
    n_mac = pairs - len(docs)
    per = [n_mac // len(chapters) + (1 if i < n_mac % len(chapters) else 0) for i in range(len(chapters))]
    for ch, k in zip(chapters, per):
        zh = (mac / "zh" / ch).read_text(encoding="utf-8").splitlines()
        en = (mac / "en" / ch).read_text(encoding="utf-8").splitlines()
        beads = [b for b in _beads(mac / "gold" / f"{ch}.align") if b[0] or b[1]]
        # k cut points at bead boundaries, sizes varying +-50 % around the mean
        w = rng.uniform(0.5, 1.5, k)
        cuts = np.round(np.cumsum(w) / w.sum() * len(beads)).astype(int)
        start = 0
        for i, end in enumerate(cuts):
            piece = beads[start:end]
            start = end
            zs = sorted({x for b in piece for x in b[0]})
            es = sorted({x for b in piece for x in b[1]})
            if not zs or not es:
                continue
            pid = f"mac-{ch}-{i:02d}"
            docs.append(write_pair(out, pid, [zh[x] for x in zs], [en[x] for x in es], f"MAC-Test {ch} part {i}"))
    return write_manifest(out, docs)


def write_pair(out: Path, pid: str, zh: list[str], en: list[str], title: str) -> dict:
    """Write ``zh/<pid>.txt`` and ``en/<pid>.txt`` (one sentence a line) under ``out``; their manifest entry."""
    (out / "zh" / f"{pid}.txt").write_text("\n".join(zh) + "\n", encoding="utf-8")
    (out / "en" / f"{pid}.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    return {"id": pid, "files": [f"zh/{pid}.txt", f"en/{pid}.txt"], "languages": ["zh", "en"], "layout": "pair",
            "status": ["bilingual"], "title": title, "publisher": "", "date": None,
            "source": "MAC-Test (evaluation only)"}


def write_manifest(out: Path, docs: list[dict]) -> Path:
    """``out/manifest.json`` listing ``docs``."""
    manifest = out / "manifest.json"
    manifest.write_text(json.dumps({"aligner_corpus": 1, "documents": docs}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--mac", type=Path, default=MAC)
    a = ap.parse_args()
    m = make(a.out, a.pairs, a.mac)
    n = len(json.loads(m.read_text(encoding="utf-8"))["documents"])
    print(f"{m}: {n} document pairs")


if __name__ == "__main__":
    main()
