"""Leave-one-book-out cross-validation of AlignConfig parameters on MAC-Test.

MAC-Test has six books (four texts each). For each book in turn: every grid
point is scored on the other five books, the one with the best mean strict F1
over those five books (mean of per-book micro F1; ties -> the earlier grid point,
and the grid starts with the current defaults) is picked, and it is reported on the
held-out book. The held-out figures, not the training ones, are what a tuned
default can honestly claim.

    .venv/bin/python bench/tune.py                      # default grid
    .venv/bin/python bench/tune.py --grid '{"skip_cost": [0.4, 0.6, 0.8]}' --json out.json

Each grid point aligns all 24 texts once (same embeddings as align_quality.py,
cached in bench/out/emb); the CV itself is bookkeeping over those scores.
``para_break_cost`` has no effect here (MAC-Test has no paragraph marks, so
``align`` gets no ``src_paras``/``tgt_paras``) and is left out of the default grid.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import align_quality as A  # noqa: E402
import mactest as M  # noqa: E402

DEFAULT_GRID = {
    "skip_cost": [0.4, 0.6, 0.8],
    "length_weight": [0.06, 0.12, 0.25],
    "merge_cost": [0.1, 0.2, 0.3],
}


def grid_points(grid: dict[str, list], defaults: dict) -> list[dict]:
    """All combinations, the defaults first (so ties keep the defaults)."""
    keys = sorted(grid)
    points = [dict(zip(keys, vals)) for vals in itertools.product(*(grid[k] for k in keys))]
    base = {k: defaults[k] for k in keys}
    points.sort(key=lambda p: p != base)
    if base not in points:
        points.insert(0, base)
    return points


def score_point(texts, docs, params: dict, config) -> dict[str, dict]:
    """Per-book scores of one grid point: {book: scores}."""
    cfg = config.with_(**params)
    preds = {d.id: A.run_ours(d, cfg) for d in docs}
    out = {}
    for book in sorted({t.book for t in texts}):
        bt = [t for t in texts if t.book == book]
        out[book] = M.score_many([t.gold for t in bt], [preds[t.id] for t in bt])
    return out


def cross_validate(points: list[dict], per_point: list[dict[str, dict]], metric: str = "f1_strict") -> list[dict]:
    """Leave-one-book-out: pick on 5 books by mean ``metric``, report on the 6th."""
    books = sorted(per_point[0])
    folds = []
    for held in books:
        train = [b for b in books if b != held]
        means = [sum(pp[b][metric] for b in train) / len(train) for pp in per_point]
        best = max(range(len(points)), key=lambda i: (means[i], -i))
        folds.append({"held_out": held, "picked": points[best], "train_mean": means[best],
                      "held_out_score": per_point[best][held][metric],
                      "default_held_out_score": per_point[0][held][metric]})
    return folds


def main(argv=None) -> int:
    from aligner.config import AlignConfig

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grid", type=json.loads, default=None, help="JSON {field: [values]} (default: %s)" % DEFAULT_GRID)
    ap.add_argument("--mactest", type=Path, default=None)
    ap.add_argument("--texts", default="", help="comma-separated text ids (smoke tests; default all 24)")
    ap.add_argument("--json", type=Path, help="write grid scores and folds here")
    args = ap.parse_args(argv)

    grid = args.grid or DEFAULT_GRID
    config = AlignConfig()
    for k in grid:
        if not hasattr(config, k):
            ap.error(f"AlignConfig has no field {k!r}")
    points = grid_points(grid, config.as_dict())
    ids = [x.strip() for x in args.texts.split(",") if x.strip()] or None
    texts, docs = A.load_docs(ids, root=args.mactest)
    A.run_ours(docs[0], config)  # compile outside the timing
    per_point, t0 = [], time.perf_counter()
    for i, p in enumerate(points):
        t1 = time.perf_counter()
        per_point.append(score_point(texts, docs, p, config))
        mean = sum(s["f1_strict"] for s in per_point[-1].values()) / len(per_point[-1])
        print(f"[{i + 1}/{len(points)}] {p}  mean book F1 {mean:.4f}  ({time.perf_counter() - t1:.1f}s)",
              file=sys.stderr, flush=True)
    secs = time.perf_counter() - t0
    folds = cross_validate(points, per_point)

    titles = {t.book: t.book_title for t in texts}
    keys = sorted(grid)
    print(f"Leave-one-book-out CV over {len(points)} grid points ({', '.join(keys)}); "
          f"{len(points) * len(docs)} alignments in {secs:.0f}s")
    print("| held-out book | " + " | ".join(f"picked {k}" for k in keys) + " | train mean F1 | held-out F1 | defaults held-out F1 |")
    print("|---|" + "---|" * (len(keys) + 3))
    for f in folds:
        print(f"| {f['held_out']} {titles[f['held_out']]} | " + " | ".join(str(f["picked"][k]) for k in keys)
              + f" | {f['train_mean']:.3f} | {f['held_out_score']:.3f} | {f['default_held_out_score']:.3f} |")
    cv = sum(f["held_out_score"] for f in folds) / len(folds)
    dflt = sum(f["default_held_out_score"] for f in folds) / len(folds)
    print(f"\nmean held-out strict F1: tuned {cv:.3f} vs defaults {dflt:.3f} (mean over books)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"points": points, "per_point": per_point, "folds": folds},
                                        indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
