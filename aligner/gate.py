"""The corpus gate: one verdict per document, with the figures behind it.

Verdicts:

``parallel``
    the two sides are translations of each other (alignment evidence below);
``not-parallel``
    two texts that are not translations of each other (or two of one language);
``mixed``
    one file whose paragraphs of each language do not pair up (read stage);
``monolingual``
    one language only: its damage flags are still reported.

**Alignment evidence** (``Evidence``), measured after aligning:

* *anchored coverage*: share of the shorter side's sentences that sit in a
  two-sided bead holding a *mutual nearest neighbour* pair (source sentence
  i's most similar target is j and j's most similar source is i). An aligner
  always finds some path; only a translation puts mutual best matches on it.
* *lift*: (median two-sided bead similarity - median similarity of sentence
  pairs not aligned together nor in neighbouring beads) / (99th percentile of
  those - their median).
  Above 1 means the typical bead beats 99 % of chance pairs.

A pair is ``parallel`` when anchored coverage >= ``ANCHOR_MIN`` and lift >=
``LIFT_MIN``. Calibrated on the corpus seeds with USE-m3 (corpus/README.md, 0.3.3):
parallel 000 and 004 have anchored coverage 0.83 / 0.97 and lift 1.75 / 1.57;
eight unrelated pairs (001 vs 003 and others) at most 0.08 and 0.52.

**Gating**: for a ``parallel`` verdict every flag counts; for ``mixed`` and
``monolingual`` only ``damage`` flags (alignment flags on a non-parallel text
say nothing about a translation); a ``not-parallel`` verdict has no flags.
Flags accepted in the reviewer's baseline (``aligner.review``) never fail.

Exit codes (``Verdict.exit_code``): 0 clean; 1 flags at or above
``fail_on`` remain; 2 not parallel (or, for a corpus entry, not the verdict
its manifest status promises); 3 usage or input error.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .config import AlignConfig
from .data import Alignment, Bead, Severity, Side
from .embed import Embedder, get_encoder
from .errors import AlignerError, InputError, NotParallelError

log = logging.getLogger(__name__)

#: Least share of the shorter side in beads anchored by a mutual nearest-neighbour pair (0-1).
#: Seeds: parallel >= 0.83, unrelated pairs <= 0.08 (any skip cost tried); 0.30 sits in the gap.
ANCHOR_MIN = 0.30
#: Least lift of the median bead similarity over chance pairs (1 = 99th percentile of chance).
#: Seeds: parallel >= 1.57, unrelated pairs <= 0.52 (corpus/README.md; 0.84 with an earlier, more permissive skip cost).
LIFT_MIN = 1.0
#: Chance pairs sampled for the null distribution (fixed seed: deterministic).
NULL_SAMPLES = 20_000
#: Chance pairs come from beads more than this many beads apart (the next bead's sentences share the subject).
NULL_NEIGHBOURS = 1
#: ... when at least this many such pairs exist; otherwise every pair outside a common bead counts.
NULL_MIN_PAIRS = 30
#: Rows per block when searching nearest neighbours (bounds memory: block x n_tgt floats).
NN_BLOCK = 2048

VERDICTS = ("parallel", "not-parallel", "mixed", "monolingual", "error")

#: Progress callback (entry name, done, total).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Evidence:
    """Whether two sides are translations, in figures (see module docstring)."""

    src_sentences: int
    tgt_sentences: int
    median_score: float  #: median similarity of two-sided beads, 0-1
    null_median: float  #: median cosine of sentence pairs not aligned together
    null_q99: float  #: their 99th percentile
    lift: float  #: (median_score - null_median) / (null_q99 - null_median)
    anchored: float  #: share of two-sided beads holding a mutual nearest-neighbour pair, 0-1
    anchored_coverage: float  #: share of the shorter side's sentences in anchored beads, 0-1

    @property
    def parallel(self) -> bool:
        return self.anchored_coverage >= ANCHOR_MIN and self.lift >= LIFT_MIN

    def describe(self) -> str:
        return (f"anchored coverage {self.anchored_coverage:.2f} (min {ANCHOR_MIN:g}), "
                f"lift {self.lift:.2f} (min {LIFT_MIN:g}; median bead {self.median_score:.2f}, "
                f"chance median {self.null_median:.2f}, 99% {self.null_q99:.2f})")


def evidence(beads: Sequence[Bead], src_vecs: np.ndarray, tgt_vecs: np.ndarray) -> Evidence:
    """Evidence from the beads and the (n_src, d) / (n_tgt, d) L2-normalised sentence vectors."""
    S = np.asarray(src_vecs, np.float32)
    T = np.asarray(tgt_vecs, np.float32)
    ns, nt = len(S), len(T)
    two = [b for b in beads if b.src_ids and b.tgt_ids]
    # mutual nearest neighbours, in row blocks
    row_best = np.zeros(ns, np.int64)
    col_best = np.zeros(nt, np.int64)
    col_val = np.full(nt, -np.inf, np.float32)
    for i in range(0, ns, NN_BLOCK):
        C = S[i:i + NN_BLOCK] @ T.T
        row_best[i:i + len(C)] = C.argmax(1)
        am = C.argmax(0)
        v = C[am, np.arange(nt)]
        better = v > col_val
        col_val[better] = v[better]
        col_best[better] = am[better] + i
    cs, ct = _same_vector_ids(S), _same_vector_ids(T)  # a repeated line's nearest neighbour is its first twin
    anchored_beads = [b for b in two
                      if any(ct[row_best[i]] in {ct[j] for j in b.tgt_ids} and cs[col_best[row_best[i]]] == cs[i]
                             for i in b.src_ids)]
    if ns <= nt:
        covered = sum(len(b.src_ids) for b in anchored_beads) / ns if ns else 0.0
    else:
        covered = sum(len(b.tgt_ids) for b in anchored_beads) / nt if nt else 0.0
    # chance pairs: random (i, j) not in a common two-sided bead, nor a repeat of such a pair: a line said
    # again (a song's chorus, a refrain) has the same vector as its first time, and pairing it with the
    # first time's translation is no chance pair (it made a faithful text with a chorus "not parallel")
    inside = {(int(cs[i]), int(ct[j])) for b in two for i in b.src_ids for j in b.tgt_ids}
    rng = np.random.default_rng(0)
    n = min(NULL_SAMPLES, ns * nt)
    if ns * nt <= NULL_SAMPLES:
        ii, jj = np.divmod(np.arange(ns * nt), nt)
    else:
        ii, jj = rng.integers(0, ns, n), rng.integers(0, nt, n)
    keep = np.array([(int(cs[a]), int(ct[b])) not in inside for a, b in zip(ii, jj)], bool)
    # nor a pair from neighbouring beads: in a short text on one subject (a chapter of Genesis) the sentence
    # next door shares its words, and those pairs alone made the 99th percentile of a faithful translation
    s_bead, t_bead = np.zeros(ns, np.int64), np.zeros(nt, np.int64)
    for k, b in enumerate(beads):
        s_bead[list(b.src_ids)] = k
        t_bead[list(b.tgt_ids)] = k
    apart = keep & (np.abs(s_bead[ii] - t_bead[jj]) > NULL_NEIGHBOURS)
    if apart.sum() >= NULL_MIN_PAIRS:  # a text of a few lines has few pairs that far apart: keep them all
        keep = apart
    null = np.einsum("ij,ij->i", S[ii[keep]], T[jj[keep]]) if keep.any() else np.zeros(1, np.float32)
    q50, q99 = (float(x) for x in np.quantile(null, [0.5, 0.99]))
    scores = [b.score for b in two if b.score is not None]
    med = float(np.median(scores)) if scores else 0.0
    lift = (med - q50) / max(q99 - q50, 1e-6)
    return Evidence(ns, nt, round(med, 4), round(q50, 4), round(q99, 4), round(lift, 3),
                    round(len(anchored_beads) / len(two), 3) if two else 0.0, round(covered, 3))


def _same_vector_ids(V: np.ndarray) -> np.ndarray:
    """(n,) int64: for each row, the first row with exactly the same vector (identical texts embed alike)."""
    first: dict[bytes, int] = {}
    return np.array([first.setdefault(np.ascontiguousarray(v).tobytes(), k) for k, v in enumerate(V)], np.int64)


@dataclass(frozen=True)
class Verdict:
    """The gate's answer for one document (a file or a pair), with its figures.

    ``summary`` is ``aligner.qa.summarize`` of the flags (coverage in %);
    ``failing`` the flags that fail the gate as ``(code, severity, reason)``;
    ``accepted`` how many flags the review accepted; ``stale`` review entries
    that match no flag any more; ``expected`` the verdict the manifest promises.
    """

    name: str
    paths: tuple[str, ...]
    verdict: str
    layout: str
    reason: str
    summary: dict = field(default_factory=dict)
    evidence: Evidence | None = None
    failing: tuple[tuple[str, str, str], ...] = ()
    accepted: int = 0
    stale: int = 0
    gated: str = "all"  #: which flags can fail the gate: "all", "damage" or "none"
    expected: str | None = None
    error_code: int = 0  #: exit code of an input/model error, 0 when none
    notes: tuple[str, ...] = ()
    damage: tuple[tuple[str, str, str], ...] = ()  #: damage flags (code, severity, reason), for every verdict
    items: tuple[dict, ...] = ()  #: failing findings named as the page names them (``review.finding_item``)
    accepted_entries: int = 0  #: review entries that accepted at least one current flag
    corrections: dict = field(default_factory=dict)  #: alignment fixes: {"applied": n, "stale": [why, ...]}

    @property
    def as_expected(self) -> bool:
        return self.expected is None or self.verdict == self.expected

    @property
    def exit_code(self) -> int:
        if self.verdict == "error":
            return self.error_code or 3
        if self.expected is None and self.verdict != "parallel":
            return 2
        if not self.as_expected:
            return 2
        return 1 if self.failing else 0

    def to_json(self) -> dict:
        d = asdict(self)
        d["failing"] = [dict(zip(("code", "severity", "reason"), f)) for f in self.failing]
        d["exit_code"] = self.exit_code
        d["as_expected"] = self.as_expected
        return d


def _gate_flags(beads: Sequence[Bead], src: Side, tgt: Side, review, fail_on: str) -> dict:
    """``failing`` (code, severity, reason) per flag, ``items`` per finding, ``accepted`` flags,
    ``accepted_entries`` (review entries that matched), ``stale`` entries: Verdict fields."""
    from .review import apply_review, failing, failing_findings, finding_item

    reviewed = apply_review(beads, src, tgt, review)
    fails = tuple((f.code, f.severity.value, f.reason) for _, f in failing(reviewed, fail_on))
    n_acc = sum(1 for i, b in enumerate(beads) for f in b.flags if reviewed.is_accepted(i, f))
    items = tuple(finding_item(fd, beads, src, tgt) for fd in failing_findings(reviewed, fail_on))
    return dict(failing=fails, items=items, accepted=n_acc, accepted_entries=len(reviewed.used),
                stale=len(reviewed.stale))


def _damage(beads: Sequence[Bead]) -> tuple[tuple[str, str, str], ...]:
    # one entry per problem: a line break damages the sentences on both sides of it
    return tuple(dict.fromkeys((f.code, f.severity.value, f.reason) for b in beads for f in b.flags
                               if f.code == "damage"))


def _only(beads: Sequence[Bead], code: str) -> tuple[Bead, ...]:
    return tuple(Bead(b.src_ids, b.tgt_ids, b.score, tuple(f for f in b.flags if f.code == code)) for b in beads)


def judge(
    paths: Sequence[str | Path],
    *,
    config: AlignConfig = AlignConfig(),
    embedder: Embedder | None = None,
    review: str | Path | None = None,
    fail_on: str = "error",
    src_lang: str | None = None,
    presplit_input: bool = False,
    expected: str | None = None,
    name: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Verdict:
    """The verdict for one bilingual/monolingual file or a pair of files.

    Raises ``AlignerError`` subclasses on input, model or output problems
    (``check_entry`` turns them into an ``error`` verdict).
    """
    from .pipeline import align_sides, load_sides
    from .qa import damage_flags, summarize
    from .read import read_document
    from .review import Review, load_review
    from .segment import Segmenter, presplit

    from .inputs import StdinDocument

    paths = tuple(p if isinstance(p, StdinDocument) else str(p) for p in paths)  # standard input: its bytes
    name = name or " + ".join(Path(p).name for p in paths)
    fail_on = Severity(fail_on).value
    # every input is checked before the expensive work (embedding): the review file, the model
    baseline = load_review(review) if review else Review()
    embedder = embedder or Embedder(get_encoder(config.model, allow_download=config.allow_download), config)
    common = dict(name=name, paths=tuple(str(p) for p in paths), expected=expected)
    cut = presplit if presplit_input else Segmenter().segment
    if len(paths) == 1:
        lay = read_document(paths[0], config.max_input_bytes)
        if lay.kind in ("zh-only", "en-only"):
            text = lay.zh if lay.kind == "zh-only" else lay.en
            side = (presplit if lay.one_per_line else cut)(text)
            dmg = damage_flags(side)
            beads = tuple(Bead((s.id,), (), None, tuple(dmg.get(s.id, ()))) for s in side.sentences)
            empty = Side("en" if side.lang == "zh" else "zh", "", ())
            g = _gate_flags(beads, side, empty, baseline, fail_on)
            lang = "Chinese" if side.lang == "zh" else "English"
            return Verdict(verdict="monolingual", layout=lay.kind,
                           reason=f"{lang} only ({len(side)} sentences): nothing to align against",
                           summary=summarize(beads, len(side), 0), gated="damage", damage=_damage(beads),
                           **g, **common)
        layout = lay.kind
    else:
        layout = "pair"
    try:
        loaded = load_sides(paths, src_lang=src_lang, presplit_input=presplit_input, config=config)
    except NotParallelError as e:
        return Verdict(verdict="not-parallel", layout=layout, reason=str(e), gated="none", **common)
    al: Alignment = align_sides(loaded.src, loaded.tgt, config=config, embedder=embedder,
                                presplit_input=loaded.presplit, layout=loaded.layout, progress=progress)
    summary = summarize(al.beads, len(al.src), len(al.tgt))
    ev = evidence(al.beads, al.meta["src_vecs"], al.meta["tgt_vecs"])
    notes = tuple(loaded.notes)
    if layout == "mixed":
        beads = _only(al.beads, "damage")
        g = _gate_flags(beads, al.src, al.tgt, baseline, fail_on)
        return Verdict(verdict="mixed", layout=layout,
                       reason="paragraphs of each language do not pair up (some only in one language): "
                              "not a parallel text", summary=summary, evidence=ev,
                       gated="damage", notes=notes, damage=_damage(beads), **g, **common)
    if not ev.parallel:
        return Verdict(verdict="not-parallel", layout=layout,
                       reason=f"not translations of each other: {ev.describe()}", summary=summary,
                       evidence=ev, gated="none", notes=notes, **common)
    fixes: dict = {}
    if baseline.corrections:
        from .corrections import apply_corrections, rescore

        fixed = apply_corrections(al.beads, al.src, al.tgt, baseline.corrections)
        fixes = {"applied": fixed.applied, "stale": list(fixed.stale)}
        if fixed.applied:
            al = rescore(al, fixed.beads, config=config, embedder=embedder)
            summary = summarize(al.beads, len(al.src), len(al.tgt))
    g = _gate_flags(al.beads, al.src, al.tgt, baseline, fail_on)
    return Verdict(verdict="parallel", layout=layout, reason=ev.describe(), summary=summary, evidence=ev,
                   gated="all", notes=notes, damage=_damage(al.beads), corrections=fixes, **g, **common)


def check_entry(entry, *, config: AlignConfig = AlignConfig(), embedder: Embedder | None = None,
                fail_on: str = "error", progress=None) -> Verdict:
    """The verdict for one manifest entry; problems become an ``error`` verdict, never raise."""
    from .corpus import validate_entry

    paths = tuple(str(p) for p in entry.paths)
    try:
        problems = validate_entry(entry, config.max_input_bytes)
        if problems:
            raise InputError("; ".join(problems))
        src_lang = "en" if entry.layout == "pair" and entry.languages[0] == "en" else None
        v = judge(entry.paths, config=config, embedder=embedder, review=entry.review_path, fail_on=fail_on,
                  src_lang=src_lang, expected=entry.expected_verdict, name=entry.id, progress=progress)
    except AlignerError as e:
        return Verdict(name=entry.id, paths=paths, verdict="error", layout=entry.layout, reason=str(e),
                       expected=entry.expected_verdict, error_code=e.exit_code, gated="none")
    if entry.damaged and not v.summary.get("by_code", {}).get("damage"):
        v = Verdict(**{**v.__dict__, "notes": v.notes + ("manifest says damaged but no damage flag was found",)})
    return v


def check_corpus(manifest, entries=None, *, config: AlignConfig = AlignConfig(),
                 embedder: Embedder | None = None, fail_on: str = "error",
                 progress: Progress | None = None) -> list[Verdict]:
    """Verdicts for ``entries`` (default: every entry of ``manifest``), one encoder for all."""
    entries = manifest.entries if entries is None else entries
    embedder = embedder or Embedder(get_encoder(config.model, allow_download=config.allow_download), config)
    out = []
    for k, e in enumerate(entries):
        if progress:
            progress("check", k, len(entries))
        out.append(check_entry(e, config=config, embedder=embedder, fail_on=fail_on))
    if progress:
        progress("check", len(entries), len(entries))
    return out


def unlisted_verdict(rel: Path, manifest, ref: str | None) -> Verdict:
    """An ``error`` verdict (exit 3) for a document file that no entry lists, changed since ``ref`` (or, with
    ``ref`` None, found by a full check): the gate must not pass what it never checked (issue 15)."""
    path = manifest.root / rel
    where = f"changed since {ref}" if ref is not None else "in the corpus directory"
    return Verdict(name=rel.as_posix(), paths=(str(path),), verdict="error", layout="unlisted",
                   reason=f"{path}: {where} but no manifest entry lists it, so nothing checked it; "
                          f"add it with: aligner corpus add {path} --corpus {manifest.root} "
                          "(or list it in an entry's files, or remove it)",
                   error_code=InputError.exit_code, gated="none")


def overall_exit(verdicts: Sequence[Verdict]) -> int:
    """The run's exit code: the highest of the verdicts' codes (0 when there are none)."""
    return max((v.exit_code for v in verdicts), default=0)
