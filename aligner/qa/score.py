"""``score``: build the document's context once, run the checks in order, merge their flags; ``summarize``."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from ..data import Bead, Flag, Severity, Side
from ..qa_config import QAConfig
from .calibrated import calibrated_flags, merge_flags
from .common import CODES
from .context import QAContext, build_context
from .entities import check_entities
from .lines import check_damage, check_unaligned
from .numbers import check_numbers
from .partial import check_partial_clauses, check_partial_length, check_partial_merged
from .similarity import check_low_similarity
from .untranslated import check_untranslated

if TYPE_CHECKING:
    from ..clauses import Embed
    from .lexicon import Lexicon

Check = Callable[[QAContext], dict[int, list[Flag]]]

#: (codes that enable it, check, whether its flags go only to beads with no flag of those codes yet),
#: in the order ``score`` runs them: the clause check of ``partial`` only fills beads that the length
#: and merged-sentence checks left without a ``partial``.
CHECKS: tuple[tuple[frozenset[str], Check, bool], ...] = (
    (frozenset({"omission", "addition"}), check_unaligned, False),
    (frozenset({"low_similarity"}), check_low_similarity, False),
    (frozenset({"partial"}), check_partial_length, False),
    (frozenset({"partial"}), check_partial_merged, False),
    (frozenset({"partial"}), check_partial_clauses, True),
    (frozenset({"number_mismatch"}), check_numbers, False),
    (frozenset({"untranslated"}), check_untranslated, False),
    (frozenset({"entity_mismatch"}), check_entities, False),
    (frozenset({"damage"}), check_damage, False),
)


def score(
    src: Side,
    tgt: Side,
    beads: Sequence[Bead],
    *,
    src_vecs: np.ndarray | None = None,
    tgt_vecs: np.ndarray | None = None,
    config: QAConfig = QAConfig(),
    lexicon: Lexicon | None = None,
    embed: Embed | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Bead, ...]:
    """The beads with ``flags`` filled (same order, ids and score); deterministic.

    ``src_vecs`` / ``tgt_vecs``: (n_src, dim) / (n_tgt, dim) float32 sentence
    embeddings, L2-normalised, or None (then the merged-sentence check is
    skipped and the similarity threshold uses the bead scores only).
    ``lexicon``: a CC-CEDICT ``Lexicon`` to reuse across calls (one is made,
    and loaded only if needed, when None).
    ``embed``: ``embed(texts, lang)`` -> (len(texts), dim) float32,
    L2-normalised, the encoder of ``src_vecs`` (``Embedder.embed``); without
    it the clause check of ``partial`` is skipped.
    ``progress``: called ``(done, total)`` after the shared context, each check and the calibrated model.
    """
    checks = set(config.checks or CODES)
    steps = [c for c in CHECKS if c[0] & checks]
    total = len(steps) + 2
    tick = progress or (lambda done, total: None)
    ctx = build_context(src, tgt, beads, config=config, src_vecs=src_vecs, tgt_vecs=tgt_vecs,
                        lexicon=lexicon, embed=embed)
    tick(1, total)
    flags: list[list[Flag]] = [[] for _ in ctx.beads]
    for n, (codes, check, only_unflagged) in enumerate(steps, 2):
        found = check(ctx)
        tick(n, total)
        for k, fl in found.items():
            if only_unflagged and any(f.code in codes for f in flags[k]):
                continue
            flags[k].extend(f for f in fl if f.code in checks)

    # the calibrated omission / addition model: a probability on every two-sided bead, flags above its cut-offs
    cal = None
    if config.calibrated_check and ctx.two and {"partial", "addition"} & checks:
        cal = calibrated_flags(ctx)
        for k, fl in cal.flags.items():
            flags[k] = merge_flags(flags[k], [f for f in fl if f.code in checks])
    tick(total, total)

    order = {c: i for i, c in enumerate(CODES)}
    out = []
    for k, (b, fl) in enumerate(zip(ctx.beads, flags)):
        t = ctx.texts[k]
        zh_orig = t.src if src.lang == "zh" else t.tgt
        if fl and zh_orig != t.zh:  # Traditional text: quote its own characters, not the Simplified ones
            fl = [Flag(f.code, f.severity, original_script(f.reason, t.zh, zh_orig)) for f in fl]
        fl = sorted(dict.fromkeys(fl), key=lambda f: (order.get(f.code, 99), -f.severity.rank, f.reason))
        out.append(Bead(b.src_ids, b.tgt_ids, b.score, tuple(fl),
                        cal.p_omission.get(k) if cal else None, cal.p_addition.get(k) if cal else None))
    return tuple(out)


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def original_script(reason: str, simplified: str, original: str) -> str:
    """``reason`` with each Han run quoted from ``simplified`` put back in ``original``'s characters.

    The checks match on the Simplified conversion of the Chinese; a reason about a
    Traditional text must quote 情況, not 情况, so that searching the page for the
    quoted word finds it. The conversion is character for character (same length),
    so a run found at offset p of ``simplified`` is ``original[p:p + len(run)]``; a
    run already in ``original``, or not in ``simplified`` (a gloss from CC-CEDICT), is
    left as it is, and so is everything when the lengths differ.
    """
    if len(simplified) != len(original):
        return reason

    def back(m: re.Match) -> str:
        run = m.group(0)
        if run in original:
            return run
        p = simplified.find(run)
        return original[p:p + len(run)] if p >= 0 else run

    return _HAN_RUN.sub(back, reason)


def summarize(beads: Sequence[Bead], n_src: int, n_tgt: int) -> dict:
    """Counts for a report: beads, coverage of each side in %, flags by code and by severity.

    Coverage = share of the side's sentences that sit in a two-sided bead.
    Returns ``{"beads": int, "src_sentences": int, "tgt_sentences": int,
    "coverage": {"src": float, "tgt": float}, "by_code": {code: n},
    "by_severity": {"error": n, "warning": n, "info": n},
    "by_code_severity": {code: {severity: n}}}``.
    """
    cs = sum(len(b.src_ids) for b in beads if b.src_ids and b.tgt_ids)
    ct = sum(len(b.tgt_ids) for b in beads if b.src_ids and b.tgt_ids)
    by_code: Counter = Counter()
    by_sev: Counter = Counter({s.value: 0 for s in Severity})
    by_both: dict[str, Counter] = defaultdict(Counter)
    for b in beads:
        for f in b.flags:
            by_code[f.code] += 1
            by_sev[f.severity.value] += 1
            by_both[f.code][f.severity.value] += 1
    return {
        "beads": len(beads),
        "src_sentences": n_src,
        "tgt_sentences": n_tgt,
        "coverage": {
            "src": round(100.0 * cs / n_src, 1) if n_src else 0.0,
            "tgt": round(100.0 * ct / n_tgt, 1) if n_tgt else 0.0,
        },
        "by_code": {c: by_code[c] for c in CODES if by_code[c]} | {c: n for c, n in by_code.items() if c not in CODES},
        "by_severity": {s: by_sev[s] for s in ("error", "warning", "info")},
        "by_code_severity": {c: dict(v) for c, v in sorted(by_both.items())},
    }
