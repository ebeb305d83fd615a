"""MAC-Test reader and the strict/lax alignment scorer.

MAC-Test (``/work/shared/bench/mac-test``, see its README.md): 24 chapter
excerpts of six Chinese novels, ``zh/NNN`` and ``en/NNN`` one sentence per
line, ``gold/NNN.align`` one bead per line (``[3]:[4, 5]``, 0-based ids),
``peers/SYSTEM/NNN.align`` the outputs of five published aligners and
``meta_data.tsv`` naming the book of each text.

Scoring follows the definitions used by Vecalign's ``score.py`` and
Bertalign's ``eval.py`` (after Sennrich & Volk 2011), reimplemented here:

* A bead is a pair ``(src_ids, tgt_ids)`` of tuples; beads empty on both sides
  are dropped and duplicates count once (both sides are sets of beads).
* **strict**: a predicted bead counts when it equals a gold bead.
* **lax**: a predicted bead counts when it shares at least one source sentence
  *and* one target sentence with some gold bead (in the sense: some source id
  of the bead is gold-aligned to some target id of the bead). A 1-0 / 0-1
  bead never matches laxly unless it is strictly equal to a gold bead.
* **precision** = matched predicted beads / predicted beads. By default every
  predicted bead counts, 1-0 and 0-1 included, exactly as in Bertalign's
  ``eval.py`` (``null_in_precision=True``); this is what reproduces the
  published MAC-Test table (see ``tests/test_bench_scoring.py``).
  ``null_in_precision=False`` drops 1-0/0-1 predicted beads from precision.
* **recall** = the same computation with gold and prediction swapped, after
  removing 1-0 and 0-1 beads from both: matched gold beads / gold beads.
* F1 = harmonic mean of P and R, strict with strict, lax with lax.
* Over several texts the counts are summed first (micro-average over all
  beads), as Bertalign's ``score_multiple`` does.
"""

from __future__ import annotations

import ast
import csv
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

Bead = tuple[tuple[int, ...], tuple[int, ...]]

#: Systems under ``peers/`` and the names the published table gives them.
PUBLISHED_PEERS = {
    "galechurch": "Gale-Church",
    "hunalign": "Hunalign",
    "bleualign": "Bleualign",
    "vecalign": "Vecalign (LaBSE)",
    "bertalign": "Bertalign (LaBSE)",
}

#: The table in MAC-Test's README / the Bertalign paper: strict P, strict R, strict F1, lax F1.
PUBLISHED_TABLE = {
    "galechurch": (0.477, 0.505, 0.491, 0.731),
    "hunalign": (0.585, 0.675, 0.627, 0.850),
    "bleualign": (0.712, 0.650, 0.680, 0.902),
    "vecalign": (0.870, 0.903, 0.886, 0.995),
    "bertalign": (0.910, 0.920, 0.915, 0.997),
}


def default_root() -> Path:
    """MAC-Test directory: ``$ALIGNER_MACTEST`` or ``<workspace>/shared/bench/mac-test``."""
    env = os.environ.get("ALIGNER_MACTEST")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "mac-test"


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------
def parse_align_line(line: str) -> Bead | None:
    """``"[3]:[4, 5]"`` -> ``((3,), (4, 5))``; blank lines -> None."""
    line = line.strip()
    if not line:
        return None
    left, sep, right = line.partition(":")
    if not sep:
        raise ValueError(f"bead line without ':': {line!r}")
    src = ast.literal_eval(left.strip() or "[]")
    tgt = ast.literal_eval(right.strip() or "[]")
    return tuple(int(x) for x in src), tuple(int(x) for x in tgt)


def read_align(path: Path) -> list[Bead]:
    """All beads of one ``.align`` file, in file order."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        b = parse_align_line(line)
        if b is not None:
            out.append(b)
    return out


def format_align(beads: Iterable[Bead]) -> str:
    """Beads back to the ``[i, j]:[k]`` format, one per line."""
    return "".join(f"{list(s)}:{list(t)}\n" for s, t in beads)


def read_lines(path: Path) -> list[str]:
    """Sentences of one side: one per line, trailing whitespace stripped, nothing dropped."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln.rstrip("\r") for ln in lines]


@dataclass
class MacText:
    """One MAC-Test text: its id, book, sentences and gold beads."""

    id: str
    book: str
    book_title: str
    zh: list[str]
    en: list[str]
    gold: list[Bead] = field(repr=False)


def read_meta(root: Path) -> dict[str, tuple[str, str]]:
    """text_id -> (book_id, English book title) from meta_data.tsv."""
    out = {}
    with open(Path(root) / "meta_data.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    for row in rows[1:]:
        if len(row) >= 3:
            out[row[0]] = (row[1], row[2])
    return out


def text_ids(root: Path) -> list[str]:
    return sorted(p.name[: -len(".align")] for p in (Path(root) / "gold").glob("*.align"))


def load(root: Path | None = None, ids: Sequence[str] | None = None) -> list[MacText]:
    """The texts of MAC-Test (all, or those in ``ids``), in id order."""
    root = Path(root) if root else default_root()
    meta = read_meta(root)
    out = []
    for tid in ids or text_ids(root):
        book, title = meta.get(tid, ("?", "?"))
        out.append(MacText(tid, book, title, read_lines(root / "zh" / tid),
                           read_lines(root / "en" / tid), read_align(root / "gold" / f"{tid}.align")))
    return out


def peer_systems(root: Path | None = None) -> list[str]:
    root = Path(root) if root else default_root()
    d = root / "peers"
    return sorted(p.name for p in d.iterdir() if p.is_dir()) if d.is_dir() else []


def load_peer(system: str, ids: Sequence[str], root: Path | None = None) -> dict[str, list[Bead]]:
    """Stored output of a published system for the given text ids."""
    root = Path(root) if root else default_root()
    return {tid: read_align(root / "peers" / system / f"{tid}.align") for tid in ids}


def check_partition(beads: Sequence[Bead], n_src: int, n_tgt: int) -> None:
    """Raise unless the beads cover 0..n_src-1 and 0..n_tgt-1 exactly once each, in order."""
    src = [i for s, _ in beads for i in s]
    tgt = [j for _, t in beads for j in t]
    if src != list(range(n_src)):
        raise ValueError(f"source ids are not 0..{n_src - 1} in order")
    if tgt != list(range(n_tgt)):
        raise ValueError(f"target ids are not 0..{n_tgt - 1} in order")


# --------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------
@dataclass
class Counts:
    """Matched / total bead counts; add them over texts, then take ``.scores()``."""

    p_strict: int = 0  # predicted beads equal to a gold bead
    p_lax: int = 0  # predicted beads laxly matching gold
    p_total: int = 0  # predicted beads counted for precision
    r_strict: int = 0  # gold (non-null) beads equal to a predicted non-null bead
    r_lax: int = 0
    r_total: int = 0  # gold beads counted for recall (1-0 / 0-1 left out)

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(a + b for a, b in zip(self.astuple(), other.astuple())))

    def astuple(self) -> tuple[int, ...]:
        return (self.p_strict, self.p_lax, self.p_total, self.r_strict, self.r_lax, self.r_total)

    def scores(self, div0: float = 0.0) -> dict[str, float]:
        def ratio(a, b):
            return a / b if b else div0

        def f1(p, r):
            return 2 * p * r / (p + r) if p + r else div0

        ps, pl = ratio(self.p_strict, self.p_total), ratio(self.p_lax, self.p_total)
        rs, rl = ratio(self.r_strict, self.r_total), ratio(self.r_lax, self.r_total)
        return {"precision_strict": ps, "recall_strict": rs, "f1_strict": f1(ps, rs),
                "precision_lax": pl, "recall_lax": rl, "f1_lax": f1(pl, rl)}


def _beadset(beads: Iterable[Bead], drop_null: bool) -> set[Bead]:
    out = set()
    for s, t in beads:
        s, t = tuple(s), tuple(t)
        if not s and not t:
            continue
        if drop_null and (not s or not t):
            continue
        out.add((s, t))
    return out


def _match(ref: set[Bead], hyp: set[Bead]) -> tuple[int, int, int]:
    """(strict matches, lax matches, |hyp|) of ``hyp`` beads against ``ref`` beads."""
    links: dict[int, set[int]] = defaultdict(set)
    for s, t in ref:
        for i in s:
            links[i].update(t)
    strict = lax = 0
    for s, t in hyp:
        if (s, t) in ref:
            strict += 1
            lax += 1
            continue
        reach: set[int] = set()
        for i in s:
            reach |= links.get(i, set())
        if reach.intersection(t):
            lax += 1
    return strict, lax, len(hyp)


def count(gold: Sequence[Bead], pred: Sequence[Bead], *, null_in_precision: bool = True) -> Counts:
    """Counts for one text (see the module docstring for the definitions)."""
    g_all = _beadset(gold, drop_null=False)
    p_set = _beadset(pred, drop_null=not null_in_precision)
    ps, pl, pn = _match(g_all, p_set)
    rs, rl, rn = _match(_beadset(pred, drop_null=True), _beadset(gold, drop_null=True))
    return Counts(ps, pl, pn, rs, rl, rn)


def score(gold: Sequence[Bead], pred: Sequence[Bead], **kw) -> dict[str, float]:
    """Strict/lax P/R/F1 of one text."""
    return count(gold, pred, **kw).scores()


def score_many(golds: Sequence[Sequence[Bead]], preds: Sequence[Sequence[Bead]], *,
               average: str = "micro", **kw) -> dict[str, float]:
    """Scores over several texts.

    ``average="micro"`` sums the counts over texts first (Bertalign's
    ``score_multiple``; reproduces the published table); ``"macro"`` takes the
    mean of each text's P and R (F1 from the mean P and R).
    """
    if len(golds) != len(preds):
        raise ValueError("golds and preds differ in length")
    per = [count(g, p, **kw) for g, p in zip(golds, preds)]
    if average == "micro":
        total = Counts()
        for c in per:
            total = total + c
        return total.scores()
    if average == "macro":
        if not per:
            return Counts().scores()
        sc = [c.scores() for c in per]
        out = {k: sum(s[k] for s in sc) / len(sc) for k in ("precision_strict", "recall_strict",
                                                            "precision_lax", "recall_lax")}
        for kind in ("strict", "lax"):
            p, r = out[f"precision_{kind}"], out[f"recall_{kind}"]
            out[f"f1_{kind}"] = 2 * p * r / (p + r) if p + r else 0.0
        return out
    raise ValueError(f"average must be 'micro' or 'macro', not {average!r}")


def row(scores: dict[str, float]) -> tuple[float, float, float, float]:
    """(strict P, strict R, strict F1, lax F1), the four columns of the published table."""
    return (scores["precision_strict"], scores["recall_strict"], scores["f1_strict"], scores["f1_lax"])
