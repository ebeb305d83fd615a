"""Evidence that one side of an aligned pair says something the other does not, per two-sided bead.

The bead cosine alone ranks real omissions no better than plain sentence
cosine. This module gathers the other evidence a reviewer uses, for each side
of each two-sided bead, as plain numbers (one row per bead, one column per
feature), and ``aligner.qa.calibrated`` turns them into calibrated probabilities
with a logistic model fitted on human-rated translations
(``bench/qa_mqm_fit.py``).

Per side ("zh": is some Chinese content unrendered in the English; "en": the
reverse), the features are:

* ``cos``, ``cos_z``: the bead cosine, and its robust z-score in the document;
* ``len_z``: how many robust sds *shorter* than the document's usual ratio the
  other side is (``aligner.qa.length_model``);
* ``cov``, ``cov_dev``: dictionary coverage (CC-CEDICT through
  ``aligner.lexical``: share of this side's content words with a rendering on
  the other side), and its difference from the document's median;
* ``words``: this side's content words (log1p of the count): a long sentence
  leaves more words unrendered by chance;
* ``miss``, ``clause_miss``: unrendered content words (log1p of the count),
  and the largest share of the bead's content words that sit unrendered in one
  clause (a clause with no counterpart);
* ``soft_miss``: of the unrendered words, those the encoder does not pair with
  an unrendered word of the other side either (log1p of the count;
  ``aligner.qa.softmatch``: a synonym or paraphrase the dictionary lacks is
  not a missing word);
* ``gain``, ``gain_pos``: the clause leave-out rise in cosine
  (``aligner.clauses``), and its positive part (a fall is no evidence either
  way; in CV it lifts clause-size omissions at warning 47.8% -> 52.2%);
* ``nums``: numbers of this side with no equal on the other (log1p);
* ``clauses``: log ratio of this side's clause count to the other's, less the
  document's median;
* ``open_end``: the other side stops without end punctuation where this side
  has it (a translation cut off mid-way);
* ``bracket``: this side opens with a bracketed dateline or credit
  (【…】, （记者…）) that the other side does not render.

Nothing here loads a model: the embedder comes in as a function, the
dictionary as an ``aligner.lexical.Matcher``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..clauses import LeaveOut, leave_out, split_clauses
from ..qa_config import SOFT_MATCH_MIN_COS
from .softmatch import SoftMatch, soft_matches

#: ``embed(texts, lang)`` -> (len(texts), dim) float32, L2-normalised.
Embed = Callable[[Sequence[str], str], np.ndarray]

#: Feature names of one side, in the model's column order.
SIDE_FEATURES = ("cos", "cos_z", "len_z", "cov", "cov_dev", "miss", "clause_miss", "gain", "gain_pos", "nums",
                 "clauses", "open_end", "bracket", "words", "soft_miss")
#: Document-level features shared by both sides (what kind of text this is).
DOC_FEATURES = ("doc_cos", "doc_len_sd")
#: Gain given to a side with fewer than two clauses (nothing to leave out), as the clause check does.
NO_CLAUSE_GAIN = -0.1
#: Coverage given to a side with too few content words to count (the document's median is used instead).
MIN_WORDS = 2

_TERMINAL = "。！？!?.…;；\"'”’」』)）】》"
_BRACKET_OPEN = re.compile(r"^\s*(?:【[^】]{2,60}】|\[[^\]]{2,60}\]|[（(][^）)]{0,40}(?:记者|報道|报道|电|電|摄|攝|编辑|編輯)[^）)]{0,40}[）)])")
_EN_BRACKET = re.compile(r"^\s*[\[(（【]")


@dataclass(frozen=True)
class BeadPair:
    """The texts of one two-sided bead: Chinese (Simplified, for matching) and English."""

    zh: str
    en: str


def _robust(x: np.ndarray) -> tuple[float, float]:
    x = x[~np.isnan(x)]
    if not x.size:
        return 0.0, 1.0
    med = float(np.median(x))
    return med, float(1.4826 * np.median(np.abs(x - med)))


def _nchars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _ends(text: str) -> bool:
    t = text.rstrip()
    return bool(t) and t[-1] in _TERMINAL


def _summary(per_clause: list[tuple[int, int]]) -> tuple[float | None, int, float, int]:
    """(coverage, unrendered words, largest share of words unrendered in one clause, words) from
    (words, unrendered) per clause; coverage None below ``MIN_WORDS`` words."""
    n = sum(a for a, _ in per_clause)
    miss = sum(b for _, b in per_clause)
    if n < MIN_WORDS:
        return None, miss, 0.0, n
    worst = max((b / n for a, b in per_clause if a and b / a >= 0.5), default=0.0)
    return 1.0 - miss / n, miss, worst, n


def _zh_coverage(matcher, zh: str, en_keys: frozenset[str]) -> tuple[float | None, int, float, int]:
    """``_summary`` of a Chinese text against the English keys (an unmatched transliterated name is no evidence)."""
    per_clause = []
    for cl in split_clauses(zh, "zh"):
        ws = [w for w in matcher.words(cl) if not w.name or (w.keys & en_keys)]
        per_clause.append((len(ws), sum(1 for w in ws if not (w.keys & en_keys))))
    return _summary(per_clause)


def _en_coverage(matcher, en: str, zh_keys: frozenset[str]) -> tuple[float | None, int, float, int]:
    """``_summary`` of an English text against the keys of the Chinese words."""
    per_clause = []
    for cl in split_clauses(en, "en"):
        ws = matcher.content(cl)
        per_clause.append((len(ws), sum(1 for _, keys in ws if not (keys & zh_keys))))
    return _summary(per_clause)


def _numbers(zh: str, en: str, numbers=None) -> tuple[int, int]:
    """(Chinese numbers with no equal in the English, English numbers with none in the Chinese).

    ``numbers``: ``extract_numbers`` or a memo of it (``QAContext.numbers``)."""
    from ..numbers import extract_numbers, unmatched

    numbers = numbers or extract_numbers
    a, b = unmatched(numbers(zh, "zh"), numbers(en, "en"))
    return len(a), len(b)


def _clauses(text: str, lang: str) -> int:
    return len(split_clauses(text, lang)) if text.strip() else 0


def features(
    pairs: Sequence[BeadPair],
    cos: np.ndarray,
    len_z: np.ndarray,
    len_sd: float,
    matcher,
    embed: Embed | None,
    *,
    leave_outs: tuple[Sequence[LeaveOut | None], Sequence[LeaveOut | None]] | None = None,
    min_share: float = 0.15,
    numbers=None,
    soft: Sequence[SoftMatch] | None = None,
) -> dict[str, np.ndarray]:
    """Feature matrices of the two-sided beads, ``{"zh": (n, len(SIDE_FEATURES) + len(DOC_FEATURES)), "en": ...}``.

    ``pairs``: the beads' texts (Chinese in Simplified); ``cos``: (n,) bead
    cosines; ``len_z``: (n,) robust z-scores of the log length ratio English
    over Chinese (negative: English shorter than usual); ``len_sd``: the robust
    sd of that log ratio in the document (its spread: free or tight translation); ``matcher``: an
    ``aligner.lexical.Matcher``; ``embed``: the encoder function, for the
    clause leave-outs (None: gain is ``NO_CLAUSE_GAIN`` throughout), or the
    leave-outs already computed, ``(Chinese side, English side)``; ``numbers``: ``extract_numbers`` or a
    memo of it (``QAContext.numbers``); ``soft``: each pair's ``softmatch.SoftMatch`` (None: worked out here with
    ``embed``, or nothing soft-matched without it). All float64; see the module docstring for each column.
    """
    n = len(pairs)
    cos = np.asarray(cos, float)
    len_z = np.asarray(len_z, float)
    if leave_outs is None:
        if embed is not None and n:
            lz = leave_out([(p.zh, "zh", p.en, "en") for p in pairs], embed, min_share=min_share)
            le = leave_out([(p.en, "en", p.zh, "zh") for p in pairs], embed, min_share=min_share)
        else:
            lz = le = [None] * n
    else:
        lz, le = leave_outs
    if soft is None:
        soft = soft_matches([(p.zh, p.en) for p in pairs], matcher, embed, SOFT_MATCH_MIN_COS)
    cmed, csd = _robust(cos)
    csd = max(csd, 0.03)

    cols = {s: {f: np.zeros(n) for f in SIDE_FEATURES} for s in ("zh", "en")}
    cov = {"zh": np.full(n, np.nan), "en": np.full(n, np.nan)}
    ncl = {"zh": np.zeros(n), "en": np.zeros(n)}
    for k, p in enumerate(pairs):
        en_keys = matcher.keys(p.en)
        zh_words = matcher.words(p.zh)
        zh_keys = frozenset().union(*(w.keys for w in zh_words)) if zh_words else frozenset()
        cz, mz, wz, tz = _zh_coverage(matcher, p.zh, en_keys)
        ce, me, we, te = _en_coverage(matcher, p.en, zh_keys)
        nz, ne = _numbers(p.zh, p.en, numbers)
        for s, c, m, w, nums, g, t in (("zh", cz, mz, wz, nz, lz[k], tz), ("en", ce, me, we, ne, le[k], te)):
            cols[s]["words"][k] = math.log1p(t)
            if c is not None:
                cov[s][k] = c
            cols[s]["miss"][k] = math.log1p(m)
            cols[s]["clause_miss"][k] = w
            cols[s]["nums"][k] = math.log1p(nums)
            cols[s]["gain"][k] = g.gain if g is not None else NO_CLAUSE_GAIN
            cols[s]["gain_pos"][k] = max(cols[s]["gain"][k], 0.0)
        cols["zh"]["soft_miss"][k] = math.log1p(len(soft[k].zh_unrendered))
        cols["en"]["soft_miss"][k] = math.log1p(len(soft[k].en_unrendered))
        ncl["zh"][k], ncl["en"][k] = _clauses(p.zh, "zh"), _clauses(p.en, "en")
        cols["zh"]["open_end"][k] = float(_ends(p.zh) and not _ends(p.en))
        cols["en"]["open_end"][k] = float(_ends(p.en) and not _ends(p.zh))
        cols["zh"]["bracket"][k] = float(bool(_BRACKET_OPEN.match(p.zh)) and not _EN_BRACKET.match(p.en))
        cols["en"]["bracket"][k] = 0.0
    for s, other in (("zh", "en"), ("en", "zh")):
        c = cov[s]
        med = float(np.nanmedian(c)) if np.isfinite(c).any() else 0.5
        filled = np.where(np.isnan(c), med, c)
        cols[s]["cov"] = filled
        cols[s]["cov_dev"] = filled - med
        cols[s]["cos"] = cos
        cols[s]["cos_z"] = np.clip((cos - cmed) / csd, -8, 8)
        cols[s]["len_z"] = np.clip(-len_z if s == "zh" else len_z, -6, 6)
        r = np.log((ncl[s] + 1) / (ncl[other] + 1))
        cols[s]["clauses"] = r - (float(np.median(r)) if n else 0.0)
    doc = np.array([cmed, len_sd], float)
    out = {}
    for s in ("zh", "en"):
        side = np.column_stack([cols[s][f] for f in SIDE_FEATURES]) if n else np.zeros((0, len(SIDE_FEATURES)))
        out[s] = np.hstack([side, np.tile(doc, (n, 1))]) if n else np.zeros((0, len(SIDE_FEATURES) + 2))
    return out


def feature_names() -> tuple[str, ...]:
    """Column names of a side's feature matrix."""
    return SIDE_FEATURES + DOC_FEATURES


@dataclass(frozen=True)
class Evidence:
    """The features of one document's two-sided beads and what they were computed from.

    ``two``: indices (into the bead list) of the two-sided beads, the rows of
    every array; ``pairs``: their texts; ``features``: ``features()``'s
    matrices; ``len_z``: (len(two),) robust z of log(English / Chinese chars);
    ``len_sd``: that log ratio's robust sd in the document; ``leave_outs``:
    ``{"zh": [...], "en": [...]}``, each side's best clause leave-out per row
    (``aligner.clauses.LeaveOut``, None without a candidate or an encoder).
    """

    two: tuple[int, ...]
    pairs: tuple[BeadPair, ...]
    features: dict
    len_z: np.ndarray
    len_sd: float
    leave_outs: dict


def bead_evidence(src, tgt, beads, *, lexicon, embed: Embed | None, config=None) -> Evidence:
    """``features()`` for the two-sided beads of an aligned document (``aligner.data`` Sides and Beads).

    ``lexicon``: an ``aligner.qa.Lexicon`` (its matcher is used); ``embed``:
    the encoder function for the clause leave-outs, or None; ``config``: an
    ``aligner.qa_config.QAConfig`` (length model and confident-bead settings).
    Works for either direction: the Chinese side is whichever side is ``zh``.
    """
    from ..qa_config import QAConfig
    from .context import build_context

    ctx = build_context(src, tgt, beads, config=config or QAConfig(), lexicon=lexicon, embed=embed)
    return evidence(ctx)


def evidence(ctx) -> Evidence:
    """``features()`` for the two-sided beads of a ``QAContext`` (its texts, scores and length model)."""
    src = ctx.src
    two = tuple(ctx.two)
    pairs = tuple(BeadPair(ctx.texts[k].zh, ctx.texts[k].en) for k in two)
    cos = np.asarray(ctx.scores, float)
    if len(cos) and np.isnan(cos).all():
        cos = np.zeros(len(two))
    if len(cos):
        cos = np.where(np.isnan(cos), np.nanmedian(cos), cos)
    z = (np.asarray(ctx.log_ratios, float) - ctx.mu) / ctx.sd if two else np.zeros(0)
    len_z = z if src.lang == "zh" else -z
    lz, le = ctx.leave_outs["zh"], ctx.leave_outs["en"]  # shared with the clause check
    X = features(pairs, cos, len_z, float(ctx.sd), ctx.lexicon.matcher, None, leave_outs=(lz, le),
                 numbers=ctx.numbers, soft=ctx.soft)
    return Evidence(two, pairs, X, len_z, float(ctx.sd), {"zh": lz, "en": le})
