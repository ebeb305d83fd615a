"""``partial``: one side of a two-sided bead carries markedly less content.

Three checks, in this order (``score`` adds a clause flag only to a bead with
no other ``partial``):

* length: the bead's log length ratio is an outlier of the document's length
  model (``ctx.log_ratios``, ``ctx.mu``, ``ctx.sd``);
* merged bead: one sentence of a many-sentence side matches the other side
  much worse than its siblings (cosines), or has almost no dictionary
  rendering there (``coverage``); info when it rather belongs to a neighbour
  bead (``similarity._boundary``);
* clause: leaving a clause out raises the bead's cosine (``aligner.clauses``),
  weighed with the length residual. Needs ``ctx.embed``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..data import Bead, Flag, Severity, Side
from ..qa_config import QAConfig
from .common import _lang_name, _nchars, _short
from .context import build_context
from .coverage import _LexicalCheck
from .similarity import _boundary

if TYPE_CHECKING:
    from ..clauses import Embed, LeaveOut
    from .context import QAContext


def check_partial_length(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> its length ``partial`` warning.

    Flagged: a log length ratio (``ctx.log_ratios``) more than ``partial_sigmas``
    sds *and* a factor ``partial_min_factor`` away from ``ctx.mu``, on a pair of
    at least ``partial_min_total_chars`` non-space characters.
    """
    config, src, tgt, mu, sd = ctx.config, ctx.src, ctx.tgt, ctx.mu, ctx.sd
    flags: dict[int, list[Flag]] = {}
    for k, r in zip(ctx.two, ctx.log_ratios):
        d = r - mu
        if _nchars(ctx.texts[k].src) + _nchars(ctx.texts[k].tgt) < config.partial_min_total_chars:
            continue  # a ratio of a handful of characters says nothing
        if abs(d) > config.partial_sigmas * sd and abs(d) > math.log(config.partial_min_factor):
            short_side = tgt if d < 0 else src
            flags[k] = [Flag("partial", Severity.WARNING,
                             f"the {_lang_name(short_side.lang)} side is {math.exp(abs(d)):.1f}x shorter "
                             f"than this document's usual length ratio ({math.exp(mu):.2f} "
                             f"{_lang_name(tgt.lang)} chars per {_lang_name(src.lang)} char)")]
    return flags


def check_partial_merged(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> ``partial`` flags on a sentence of a merged side (at most one per side; source side first).

    A sentence whose cosine with the other side (summed vectors ``ctx.S`` /
    ``ctx.T``) is below the ``merged_null_quantile`` of ``ctx.null`` while a
    sibling is ``merged_gap`` higher, or else (zh-en) one the dictionary
    barely covers. Needs the vectors; {} without them.
    """
    S, T, null, config, src, tgt, beads = ctx.S, ctx.T, ctx.null, ctx.config, ctx.src, ctx.tgt, ctx.beads
    two = ctx.two
    flags: dict[int, list[Flag]] = {}
    if not two or S is None or T is None or null is None:
        return flags
    floor = float(np.quantile(null, config.merged_null_quantile))
    lexical = None
    if {src.lang, tgt.lang} == {"zh", "en"} and any(
            len(beads[k].src_ids) + len(beads[k].tgt_ids) > 2 for k in two):
        lexical = _LexicalCheck(src, tgt, [beads[k] for k in ctx.confident], ctx.lexicon, config)
    for k in two:
        b = beads[k]
        for ids, V, oids, OV, side in ((b.src_ids, S, b.tgt_ids, T, src), (b.tgt_ids, T, b.src_ids, S, tgt)):
            if len(ids) < 2:
                continue
            o = OV[list(oids)].sum(0)
            n = float(np.linalg.norm(o)) or 1.0
            sims = [float(V[i] @ o) / n for i in ids]
            lo = int(np.argmin(sims))
            sid = ids[lo]
            why = None
            if (sims[lo] < floor and max(sims) - sims[lo] >= config.merged_gap
                    and _nchars(side.sentences[sid].text) >= config.merged_min_chars):
                why = (f"{_lang_name(side.lang)} sentence {lo + 1} of {len(ids)} in this bead "
                       f"('{_short(side.sentences[sid].text, 30)}') matches the other side "
                       f"much worse ({sims[lo]:.2f}) than its neighbours ({max(sims):.2f})")
                if _edge_rendered(ctx, k, side, ids, lo):
                    why = None
            elif lexical is not None:
                # not read against the facing clause: a sentence that clause merely shares a topic with
                # ("…new nuclear missiles in Europe." / "…削减核武器进行谈判。", cosine 0.41) has no dictionary
                # rendering either, and that is what this reason says
                lo, why = lexical.orphan(b, ids is b.src_ids, sims) or (lo, None)
            if why:
                edge = _boundary(beads, k, ids is b.src_ids, lo, sims[lo], S, T, config)
                flags.setdefault(k, []).append(Flag("partial", Severity.INFO, f"{why}; {edge}") if edge
                                               else Flag("partial", Severity.WARNING, why))
    return flags


def _edge_rendered(ctx: QAContext, k: int, side: Side, ids: Sequence[int], pos: int) -> bool:
    """Whether sentence ``pos`` of a merged side, standing first or last, is rendered by the other side's facing
    clause (``edges.edge_match`` >= ``merged_edge_min_cos``): then it has a counterpart, however little the
    whole other side matches it. False without ``ctx.embed`` or for a sentence inside the side."""
    if ctx.embed is None or pos not in (0, len(ids) - 1):
        return False
    from ..edges import edge_match

    theirs = "tgt" if side is ctx.src else "src"
    other = ctx.tgt if side is ctx.src else ctx.src
    end = pos == len(ids) - 1
    text = getattr(ctx.texts[k], theirs)
    return edge_match(side.sentences[ids[pos]].text, side.lang, text, other.lang, end,
                      ctx.embed) >= ctx.config.merged_edge_min_cos


def _clause_evidence(ctx: QAContext) -> list[tuple[int, Side, Side, float, LeaveOut | None, float]]:
    """(bead, tested side, other side, evidence, best leave-out, z) for each two-sided bead and each side.

    ``z`` is how many sds shorter than usual the *other* side is (from the
    robust z-scores of the beads' log length ratios, target over source).
    Evidence = best leave-out gain (``ctx.leave_outs``, or
    ``clause_no_candidate``) + ``clause_slope`` x z (a longer other side
    counts down to ``-clause_longer_clip``). Unitless, compared with
    ``clause_warning`` / ``clause_info`` of the tested side's language.
    """
    config = ctx.config
    d = (ctx.log_ratios - ctx.mu) / ctx.sd
    out = []
    for side, other, shorter in ((ctx.src, ctx.tgt, -d), (ctx.tgt, ctx.src, d)):
        for k, g, sh in zip(ctx.two, ctx.leave_outs[side.lang], shorter):
            gain = g.gain if g is not None else config.clause_no_candidate
            ev = gain + config.clause_slope * max(float(sh), -config.clause_longer_clip)
            out.append((k, side, other, ev, g, float(sh)))
    return out


def _clause_flags(ctx: QAContext) -> dict[int, Flag]:
    """``partial`` flags from clause leave-outs (``_clause_evidence``), at most one per bead.

    ``ctx.sd``: the robust sd of the log length ratios (for the reason's "x times
    shorter"); warning / info at ``clause_warning`` / ``clause_info`` for the
    tested side's language (Chinese, English; other languages use the Chinese values).
    """
    config, sd = ctx.config, ctx.sd
    best: dict[int, tuple[int, float, Severity, str]] = {}
    for k, side, other, ev, g, sh in _clause_evidence(ctx):
        li = 1 if side.lang == "en" else 0
        sev = (Severity.WARNING if ev >= config.clause_warning[li]
               else Severity.INFO if ev >= config.clause_info[li] else None)
        if sev is None or (k in best and best[k][:2] >= (sev.rank, ev)):
            continue
        short_side = _lang_name(other.lang)
        factor = math.exp(sh * sd)
        length = (f"the {short_side} is {factor:.1f}x shorter than this document's usual length ratio"
                  if factor >= 1.1 else f"the {short_side} is about as long as usual")
        if g is None:
            why = (f"the {short_side} may leave part of the {_lang_name(side.lang)} untranslated: {length} "
                   f"(length evidence only: no clause to single out)")
        else:
            how = "better" if g.gain >= 0.01 else "almost as well"
            why = (f"{_lang_name(side.lang)} clause '{_short(g.left_out, 36)}' may have no {short_side} "
                   f"counterpart: the bead matches {how} without it ({g.whole:.2f} -> {g.rest:.2f}); {length}")
        best[k] = (sev.rank, ev, sev, why)
    return {k: Flag("partial", sev, why) for k, (_, _, sev, why) in best.items()}



def check_partial_clauses(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> its clause ``partial`` flag (``_clause_flags``); {} without ``ctx.embed`` or ``clause_check``.

    ``score`` keeps one only for a bead with no other ``partial`` flag.
    """
    if not ctx.two or ctx.embed is None or not ctx.config.clause_check:
        return {}
    return {k: [fl] for k, fl in _clause_flags(ctx).items()}


def clause_margins(src: Side, tgt: Side, beads: Sequence[Bead], embed: Embed,
                   config: QAConfig = QAConfig()) -> dict[int, float]:
    """Bead index -> how far its clause evidence is above the warning threshold (max over both sides).

    The quantity ``score`` thresholds for a clause ``partial`` warning
    (positive: warned), for every two-sided bead, whatever the other checks
    say. For benchmarks: ``bench/planted.py --clause-oracle``.
    """
    ctx = build_context(src, tgt, beads, config=config, embed=embed)
    if not ctx.two:
        return {}
    out: dict[int, float] = {}
    for k, side, _, ev, _, _ in _clause_evidence(ctx):
        m = ev - config.clause_warning[1 if side.lang == "en" else 0]
        out[k] = max(out.get(k, -math.inf), m)
    return out
