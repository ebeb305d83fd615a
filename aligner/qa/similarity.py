"""Bead similarity: the null (unrelated-pair) cosines, the length model, ``low_similarity`` and shifted beads."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..data import Bead, Flag, Severity, Side
from ..qa_config import QAConfig
from .common import _lang_name, _nchars, _short

if TYPE_CHECKING:
    from .context import QAContext


def _robust(x: np.ndarray) -> tuple[float, float]:
    """(median, 1.4826 x MAD) of ``x``."""
    med = float(np.median(x))
    return med, float(1.4826 * np.median(np.abs(x - med)))


#: Pairs sampled for the null (unaligned-pair) cosine distribution: exact below this many pairs.
NULL_SAMPLE_PAIRS = 50_000
#: Fixed seed: the same document always gives the same thresholds.
NULL_SAMPLE_SEED = 7


def length_model(src_texts: Sequence[str], tgt_texts: Sequence[str], confident: Sequence[bool] | None,
                 src_lang: str, tgt_lang: str, config: QAConfig = QAConfig()) -> tuple[np.ndarray, float, float]:
    """(log ratios, mu, sd) of the two-sided beads' lengths; a bead's residual is (ratio - mu) / sd.

    Log ratio = log((target chars + s) / (source chars + s)), s = ``length_smoothing``, non-space
    characters. ``mu`` / ``sd``: median and robust sd (at least ``partial_min_sd``) over the
    ``confident`` beads, or the zh/en priors when fewer than ``min_calibration_beads`` are
    confident (or ``confident`` is None).
    """
    sm = config.length_smoothing
    ls = np.array([_nchars(t) for t in src_texts], float)
    lt = np.array([_nchars(t) for t in tgt_texts], float)
    lr = np.log((lt + sm) / (ls + sm))
    conf_lr = lr[np.asarray(confident, bool)] if confident is not None and len(lr) else np.zeros(0)
    if conf_lr.size >= config.min_calibration_beads:
        mu, sd = _robust(conf_lr)
    else:
        prior = config.default_en_per_zh
        mu = {("zh", "en"): math.log(prior), ("en", "zh"): -math.log(prior)}.get((src_lang, tgt_lang), 0.0)
        sd = config.default_log_ratio_sd
    return lr, mu, max(sd, config.partial_min_sd)


def _null_cosines(src_vecs: np.ndarray, tgt_vecs: np.ndarray, beads: Sequence[Bead]) -> np.ndarray | None:
    """Cosines of source sentences with target sentences not aligned to them (flattened).

    All pairs when n_src * n_tgt <= ``NULL_SAMPLE_PAIRS``, else that many random
    pairs (fixed seed): memory and time stay linear in the document length.
    """
    if src_vecs is None or tgt_vecs is None or len(src_vecs) == 0 or len(tgt_vecs) == 0:
        return None
    S = np.asarray(src_vecs, np.float32)
    T = np.asarray(tgt_vecs, np.float32)
    n, m = len(S), len(T)
    partner = {}
    for b in beads:
        if b.src_ids and b.tgt_ids:
            for i in b.src_ids:
                partner[i] = (b.tgt_ids[0], b.tgt_ids[-1])
    if n * m <= NULL_SAMPLE_PAIRS:
        ii, jj = np.divmod(np.arange(n * m), m)
    else:
        rng = np.random.default_rng(NULL_SAMPLE_SEED)
        ii = rng.integers(0, n, NULL_SAMPLE_PAIRS)
        jj = rng.integers(0, m, NULL_SAMPLE_PAIRS)
    lo = np.array([partner.get(i, (-1, -2))[0] for i in range(n)])[ii]
    hi = np.array([partner.get(i, (-1, -2))[1] for i in range(n)])[ii]
    keep = ~((jj >= lo) & (jj <= hi))
    ii, jj = ii[keep], jj[keep]
    if not ii.size:
        return None
    return np.einsum("ij,ij->i", S[ii], T[jj])



def _shifted(beads: Sequence[Bead], k: int, src: Side, tgt: Side, S: np.ndarray | None, T: np.ndarray | None,
             config: QAConfig) -> str | None:
    """Why bead ``k`` (a low-similarity two-sided bead) looks shifted, else None.

    One side of bead ``k`` "belongs" to a two-sided neighbour when adding it to
    that neighbour raises the neighbour's cosine by at least ``shift_gain``:
    the aligner then paired a sentence whose counterpart is missing with text
    that translates its neighbour (a deleted sentence on the other side).
    ``S`` / ``T``: (n_src, dim) / (n_tgt, dim) float32 sentence vectors, L2-normalised.
    """
    if S is None or T is None:
        return None
    b = beads[k]

    def cos(s_ids, t_ids) -> float:
        u, v = S[list(s_ids)].sum(0), T[list(t_ids)].sum(0)
        return float(u @ v) / (float(np.linalg.norm(u) * np.linalg.norm(v)) or 1.0)

    best = None  # (gain, moved side is the target?, where, cosine with it, without it)
    for nk, where in ((k - 1, "previous"), (k + 1, "next")):
        if not 0 <= nk < len(beads) or not (beads[nk].src_ids and beads[nk].tgt_ids):
            continue
        nb = beads[nk]
        base = cos(nb.src_ids, nb.tgt_ids)
        for moved_tgt in (True, False):
            got = cos(nb.src_ids, nb.tgt_ids + b.tgt_ids) if moved_tgt else cos(nb.src_ids + b.src_ids, nb.tgt_ids)
            if got - base >= config.shift_gain and (best is None or got - base > best[0]):
                best = (got - base, moved_tgt, where, got, base)
    if best is None:
        return None
    _, moved_tgt, where, got, base = best
    side, ids, other, stay = (tgt, b.tgt_ids, src, b.src_ids) if moved_tgt else (src, b.src_ids, tgt, b.tgt_ids)
    return (f"the {_lang_name(side.lang)} here ('{_short(side.sentences[ids[0]].text, 30)}') reads as part of the "
            f"{where} bead's translation (similarity there {base:.2f} -> {got:.2f} with it), so the "
            f"{_lang_name(other.lang)} here ('{_short(other.sentences[stay[0]].text, 20)}') may have no "
            f"{_lang_name(side.lang)} counterpart ({'omission' if moved_tgt else 'addition'})")


def _boundary(beads: Sequence[Bead], k: int, on_src: bool, pos: int, own: float, S: np.ndarray, T: np.ndarray,
              config: QAConfig) -> str | None:
    """Why sentence ``pos`` of bead ``k``'s merged side looks misplaced rather than untranslated, else None.

    Only the first sentence of a side can belong to the previous bead and only
    the last to the next. It does when its cosine with that two-sided
    neighbour's other side (summed sentence vectors) is at least
    ``boundary_margin`` above ``own``, its cosine with its own bead's other side.
    ``S`` / ``T``: (n_src, dim) / (n_tgt, dim) float32, L2-normalised.
    """
    b = beads[k]
    ids = b.src_ids if on_src else b.tgt_ids
    V, OV = (S, T) if on_src else (T, S)
    for nk, where, ok in ((k - 1, "previous", pos == 0), (k + 1, "next", pos == len(ids) - 1)):
        if not ok or not 0 <= nk < len(beads) or not (beads[nk].src_ids and beads[nk].tgt_ids):
            continue
        o = OV[list(beads[nk].tgt_ids if on_src else beads[nk].src_ids)].sum(0)
        sim = float(V[ids[pos]] @ o) / (float(np.linalg.norm(o)) or 1.0)
        if sim - own >= config.boundary_margin:
            return (f"but it matches the {where} bead's other side far better ({sim:.2f}): check the bead "
                    f"boundary before calling it an omission")
    return None



def check_low_similarity(ctx: QAContext) -> dict[int, list[Flag]]:
    """Bead index -> its ``low_similarity`` flag: a two-sided bead scoring below the document's threshold.

    Threshold: the lower of (median - ``low_sim_sigmas`` robust sds) of the
    bead scores and the ``low_sim_null_quantile`` of ``ctx.null``, clipped to
    [``low_sim_floor``, ``low_sim_ceiling``]; ``low_sim_default`` when not
    calibrated. Warning when shifted (``_shifted``) or far below the median.
    """
    beads, two, scores, config, null = ctx.beads, ctx.two, ctx.scores, ctx.config, ctx.null
    flags: dict[int, list[Flag]] = {}
    if not two:
        return flags
    valid = scores[~np.isnan(scores)]
    med = sd = None
    if ctx.calibrated and valid.size:
        med, sd = _robust(valid)
        thr_doc = med - config.low_sim_sigmas * sd
        how = f"median {med:.2f} - {config.low_sim_sigmas:g} sd"
        if null is not None:
            thr_null = float(np.quantile(null, config.low_sim_null_quantile))
            if thr_null < thr_doc:
                thr_doc, how = thr_null, f"{config.low_sim_null_quantile:.0%} of unrelated pairs"
        thr = min(max(thr_doc, config.low_sim_floor), config.low_sim_ceiling)
    else:
        thr, how = config.low_sim_default, "default, too few beads to calibrate"
    for k in two:
        sc = beads[k].score
        if sc is not None and sc < thr:
            why = f"similarity {sc:.2f} is below this document's threshold {thr:.2f} ({how})"
            shift = _shifted(beads, k, ctx.src, ctx.tgt, ctx.S, ctx.T, config)
            if shift:
                flags[k] = [Flag("low_similarity", Severity.WARNING, f"{why}; {shift}")]
            elif med is None or not sd or med - sc >= config.low_sim_warning_sigmas * sd:
                flags[k] = [Flag("low_similarity", Severity.WARNING, why)]
            else:
                flags[k] = [Flag("low_similarity", Severity.INFO,
                                 f"{why}, but only {(med - sc) / sd:.1f} sd below its median: as likely a free "
                                 f"rendering as a wrong pair")]
    return flags
