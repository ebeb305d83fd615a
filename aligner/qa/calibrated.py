"""Calibrated omission / addition probabilities for two-sided beads, and the flags they raise.

A logistic model over ``aligner.qa.divergence`` features, one per language side:
P(this side holds content that the other side does not render). On a zh→en
translation the Chinese side's probability is the omission probability and
the English side's the addition probability (the other way round for en→zh,
with the same two models: each one describes a language's side, not a
direction).

The coefficients were fitted with scikit-learn on the development half of
the MQM zh→en ratings (``bench/qa_mqm_fit.py``, document-level
cross-validation) and ship in ``aligner/calibration/divergence.json``; this
module applies them with numpy. Severities come from probability cut-offs
fitted there too (warning: the probability above which 0.8% of the clean
Chinese-side beads lie, 0.5% on the English side; info: 8% and 10%). A
document whose beads' median logit is above what the rated documents show (a
free literary or interview translation, where most words of a clean pair
have no dictionary rendering) gets no warnings from a side model: it was not
fitted on such text (``free_median_logit``). That median is first shrunk
towards the rated documents' typical one by ``free_pseudo_beads`` beads
(``document_logit``): a ten-segment story whose translation drops clauses in
four segments is not thereby a free translation. A document whose median bead
cosine is below nearly every rated one's (``free_below_cos``) is free whatever
its size: a short literary passage. A side model with a
``hint_share`` (the English one) gives hints (info) in every Chinese→English
document, but only to the document's most likely beads, at most that share of them
(``hint_rows``): the human references of the rated TED talks read as free
translations and hold a third of the rated additions, and a cut-off alone
hinted most beads of a document just under the gate. A side model without
one gives a free document nothing, and so do both in English→Chinese, where
no share was measured (``direction_models``).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from .divergence import BeadPair, feature_names

log = logging.getLogger(__name__)

#: The shipped model file (JSON: version, feature names, per side means, scales, coefficients, cut-offs).
MODEL_PATH = Path(__file__).parents[1] / "calibration" / "divergence.json"


@dataclass(frozen=True)
class SideModel:
    """A logistic model of one language side: p = sigmoid(((x - mean) / scale) @ coef + intercept)."""

    mean: np.ndarray  # (n_features,) float64
    scale: np.ndarray  # (n_features,) float64, > 0
    coef: np.ndarray  # (n_features,) float64
    intercept: float
    warning: float  # probability at or above which a flag is a warning
    info: float  # probability at or above which a flag is info
    free_median_logit: float  # a document whose (shrunk) median logit is above this gets no warnings from this model
    hint_share: float | None = None  # None, or the largest share of a document's beads hinted (info), its likeliest
    free_prior_logit: float = 0.0  # the rated documents' typical median logit, which a short document's is shrunk to
    free_pseudo_beads: float = 0.0  # how many beads' weight that prior has (0: the plain median, as before mqm-dev-4)
    free_below_cos: float = -1.0  # a document whose median bead cosine is below this is free whatever its size

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n,) probabilities for the (n, n_features) float64 feature matrix ``X``."""
        if not len(X):
            return np.zeros(0)
        z = ((np.asarray(X, float) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class DivergenceModel:
    """The two side models and where they came from."""

    version: str
    zh: SideModel
    en: SideModel


class ModelFileError(ValueError):
    """The shipped model file does not match this code (feature names or layout)."""


def _finite(x, what: str) -> float:
    """``x`` as a float, or ModelFileError when it is not a finite number (a string or a bool is not)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ModelFileError(f"{what} {x!r} is not a finite number")
    return float(x)


def _side(d: dict, n: int, where: str) -> SideModel:
    arrs = [np.asarray(d[k], float) for k in ("mean", "scale", "coef")]
    if any(a.shape != (n,) for a in arrs):
        raise ModelFileError(f"{where}: expected {n} coefficients per array")
    share = d.get("hint_share")  # absent in model files before mqm-dev-3: no share
    if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float))
                              or not 0.0 < share <= 1.0):
        raise ModelFileError(f"{where}: hint_share {share!r} is neither null nor a number in (0, 1]")
    # absent in model files before mqm-dev-4: the plain median
    prior = _finite(d.get("free_prior_logit", 0.0), f"{where}: free_prior_logit")
    beads = _finite(d.get("free_pseudo_beads", 0.0), f"{where}: free_pseudo_beads")
    if beads < 0:
        raise ModelFileError(f"{where}: free_pseudo_beads {beads!r} is negative")
    least = _finite(d.get("free_below_cos", -1.0), f"{where}: free_below_cos")
    return SideModel(*arrs, float(d["intercept"]), float(d["warning"]), float(d["info"]),
                     float(d["free_median_logit"]), None if share is None else float(share), prior, beads, least)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> DivergenceModel:
    """The model in ``path`` (default: the shipped ``MODEL_PATH``), checked against ``feature_names()``."""
    p = Path(path) if path else MODEL_PATH
    d = json.loads(p.read_text(encoding="utf-8"))
    names = tuple(d["features"])
    if names != feature_names():
        raise ModelFileError(f"{p}: features {names} do not match this code's {feature_names()}")
    n = len(names)
    return DivergenceModel(str(d["version"]), _side(d["zh"], n, f"{p} zh"), _side(d["en"], n, f"{p} en"))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, float), 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def document_logit(p: np.ndarray, prior: float, pseudo_beads: float) -> float:
    """A document's median logit over its (n,) bead probabilities ``p``, shrunk towards ``prior``.

    ``(n * median + pseudo_beads * prior) / (n + pseudo_beads)``: the median of a handful of beads says
    little about what kind of translation a document is (a ten-segment news story whose machine
    translation drops clauses in four of them has the median of a free literary text), so a short
    document is judged mostly by the rated documents' typical median, a book-length one by its own.
    """
    p = np.asarray(p, float)
    if not len(p):
        return float(prior)
    n = len(p)
    return float((n * np.median(_logit(p)) + pseudo_beads * prior) / (n + pseudo_beads))


def is_free(p: np.ndarray, m: SideModel, doc_cos: float = 1.0) -> bool:
    """Whether a document with (n,) bead probabilities ``p`` under side model ``m`` reads as freer than the
    rated ones: its ``document_logit`` above ``m.free_median_logit``, or its median bead cosine ``doc_cos`` below
    ``m.free_below_cos`` (a short literary passage, which the shrinkage alone would judge by the prior)."""
    return (document_logit(p, m.free_prior_logit, m.free_pseudo_beads) > m.free_median_logit
            or doc_cos < m.free_below_cos)


def severity_of(p: float, m: SideModel) -> str | None:
    """"warning", "info" or None for probability ``p`` under the side model's cut-offs."""
    if p >= m.warning:
        return "warning"
    if p >= m.info:
        return "info"
    return None


def hint_rows(p: np.ndarray, share: float) -> frozenset[int]:
    """Rows of the ``max(1, round(share * n))`` largest of the (n,) probabilities ``p`` (ties: the first rows)."""
    p = np.asarray(p, float)
    if not len(p):
        return frozenset()
    allowed = max(1, int(round(share * len(p))))
    return frozenset(int(i) for i in np.argsort(-p, kind="stable")[:allowed])


def side_severity(p: float, m: SideModel, free: bool, hinted: bool) -> str | None:
    """The severity of a side model's flag, or None.

    ``free``: the document reads as freer than the rated ones (``free_median_logit``); ``hinted``: the bead is
    among the document's ``hint_rows`` (used only when the model has a ``hint_share``). Without a hint share a free
    document gets nothing; with one, a warning needs a document that is not free, and a hint (info, or a warning
    held back in a free document) needs ``hinted``.
    """
    sev = severity_of(p, m)
    if sev is None:
        return None
    if m.hint_share is None:
        return None if free else sev
    if sev == "warning" and not free:
        return sev
    return "info" if hinted else None


def direction_models(model: DivergenceModel, src_lang: str) -> dict[str, SideModel]:
    """The side models as they apply to a document translated from ``src_lang``: {"zh": ..., "en": ...}.

    The hint shares were measured on Chinese→English (the MQM ratings: the English side's hints are additions).
    In English→Chinese each side plays the other role (the English side's flags are omissions, ``partial``), where
    no share was measured: there both side models keep the free-translation gate alone, as without a share.
    """
    if src_lang == "zh":
        return {"zh": model.zh, "en": model.en}
    return {"zh": replace(model.zh, hint_share=None), "en": replace(model.en, hint_share=None)}


def _shorten(text: str, n: int = 36) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def evidence_words(pair: BeadPair, zh_side: bool, matcher, limit: int = 5, soft=None) -> list[str]:
    """Up to ``limit`` content words of one side with no rendering on the other, in order (for a reason).

    ``soft``: the pair's ``softmatch.SoftMatch``; words the encoder pairs with the other side are left out.
    """
    if soft is not None and zh_side:
        return list(soft.zh_unrendered)[:limit]
    if zh_side:
        keys = matcher.keys(pair.en)
        return list(dict.fromkeys(w.text for w in matcher.words(pair.zh) if not w.name and not (w.keys & keys)))[:limit]
    zh_keys = matcher.zh_keys(pair.zh)
    if soft is None:
        return list(dict.fromkeys(stem for stem, keys in matcher.content(pair.en) if not (keys & zh_keys)))[:limit]
    # a name of two words counts as a word of its own ("United States"): not quoted when each of its words is
    # rendered (美国 glosses "United States"), as the single words are not
    words = [w for w in soft.en_unrendered
             if not (len(_parts(w)) > 1 and all(matcher.keys(x) & zh_keys for x in _parts(w)))]
    return _names_for_parts(words)[:limit]


def _parts(word: str) -> list[str]:
    return word.replace("-", " ").split()


def _names_for_parts(words: list[str]) -> list[str]:
    """``words`` with a name of several words quoted once, where its first word stood, instead of the name and
    each of its words ("United States", not "United, States, United States")."""
    have = set(words)
    name_of = {}
    for w in words:
        parts = _parts(w)
        if len(parts) > 1 and all(x in have for x in parts):
            for x in parts:
                name_of.setdefault(x, w)
    out: list[str] = []
    for w in words:
        w = name_of.get(w, w)
        if w not in out:
            out.append(w)
    return out


def unrendered_clause(text: str, lang: str, other_keys: frozenset[str], matcher) -> str | None:
    """The clause of ``text`` with the most content words unrendered on the other side (at least half), or None."""
    from ..clauses import split_clauses

    best, best_n = None, 0
    for cl in split_clauses(text, lang):
        if lang == "zh":
            ws = [w for w in matcher.words(cl) if not w.name]
            miss = sum(1 for w in ws if not (w.keys & other_keys))
        else:
            ws = matcher.content(cl)
            miss = sum(1 for _, keys in ws if not (keys & other_keys))
        if ws and miss * 2 >= len(ws) and miss > best_n and len(split_clauses(text, lang)) > 1:
            best, best_n = cl, miss
    return best


def reason(p: float, pair: BeadPair, zh_side: bool, original: str, clause: str | None, matcher,
           len_factor: float, soft=None) -> str:
    """The one-line reason of a calibrated flag: the probability, and the clause or words it is about.

    ``original``: the side's text as written (quoted words are taken from it where they occur, so a
    reviewer's search finds them); ``clause``: the clause the evidence points at, if any;
    ``len_factor``: how many times shorter than usual the other side is (1 = usual); ``soft``: the pair's
    ``softmatch.SoftMatch`` (words the encoder pairs are not quoted as unrendered).
    """
    lang, other = ("Chinese", "English") if zh_side else ("English", "Chinese")
    parts = [f"{p:.0%} likely that the {lang} has content the {other} leaves out"]
    if clause:
        parts.append(f"clause '{_shorten(clause)}' seems to have no {other} counterpart")
    words = evidence_words(pair, zh_side, matcher, soft=soft)
    if words:
        if zh_side:
            words = [w if w in original else _original_form(w, original) for w in words]
        else:  # stems ("host", "longerterm") -> the words as written ("hosting", "longer-term")
            written = matcher.written(original)
            words = list(dict.fromkeys(written.get(w, w) for w in words))
        parts.append(f"no {other} rendering found for {', '.join(words)}")
    if len_factor >= 1.3:
        parts.append(f"the {other} is {len_factor:.1f}x shorter than usual here")
    return "; ".join(parts)


def _original_form(simplified: str, original: str) -> str:
    """The span of ``original`` (e.g. Traditional) that converts to the Simplified word, else the word."""
    from ..numbers import _t2s

    conv = _t2s().convert(original)
    i = conv.find(simplified)
    if i >= 0 and len(conv) == len(original):
        return original[i:i + len(simplified)]
    return simplified


def probabilities(model: DivergenceModel, X: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """{"zh": (n,), "en": (n,)} probabilities for ``aligner.qa.divergence.features`` output."""
    return {"zh": model.zh.predict(X["zh"]), "en": model.en.predict(X["en"])}


def length_factor(len_z: float, len_sd: float, zh_side: bool) -> float:
    """How many times shorter than usual the side opposite ``zh_side`` is (>= 1, or < 1 when longer)."""
    d = -len_z if zh_side else len_z
    return math.exp(d * len_sd)


#: A leave-out that raises the bead's cosine by at least this much names its clause in the reason.
CLAUSE_NAMED_GAIN = 0.02


@dataclass(frozen=True)
class Calibrated:
    """What the calibrated model says of one document's beads.

    ``flags``: bead index -> the model's flags (``partial`` for content of the
    source left out, ``addition`` for content of the target with no source);
    ``p_omission`` / ``p_addition``: bead index -> probability, for every
    two-sided bead.
    """

    flags: dict
    p_omission: dict
    p_addition: dict


def calibrated_flags(ctx, model: DivergenceModel | None = None) -> Calibrated:
    """The model's probabilities and flags for the two-sided beads of a ``QAContext`` (a zh/en document).

    Documents that are not Chinese-English get nothing, and so do documents
    whose median dictionary coverage is below ``calibrated_min_coverage`` on
    either side (the dictionary does not know the text: outside what the
    model was fitted on).
    """
    from ..data import Flag, Severity
    from .divergence import evidence

    src, tgt, beads, config, lexicon = ctx.src, ctx.tgt, ctx.beads, ctx.config, ctx.lexicon
    if {src.lang, tgt.lang} != {"zh", "en"}:
        return Calibrated({}, {}, {})
    model = model or load_model()
    ev = evidence(ctx)
    if not ev.two:
        return Calibrated({}, {}, {})
    cov = feature_names().index("cov")
    dev = feature_names().index("cov_dev")
    least = config.calibrated_min_coverage
    for lang in ("zh", "en"):
        median = float(np.median(ev.features[lang][:, cov] - ev.features[lang][:, dev]))
        if median < least:
            log.info("calibrated model skipped: median %s dictionary coverage %.2f is below %.2f", lang, median, least)
            return Calibrated({}, {}, {})
    P = probabilities(model, ev.features)
    side_models = direction_models(model, src.lang)
    # a translation freer throughout than the rated ones (literary, interview): probabilities, no warnings (and no
    # hints either from a side model without a hint share)
    doc_cos = float(ev.features["zh"][0, feature_names().index("doc_cos")])  # the same on both sides
    free = {lang: is_free(P[lang], m, doc_cos) for lang, m in side_models.items()}
    for lang, reads_free in free.items():
        if reads_free:
            log.info("calibrated model: the %s side reads as a free translation throughout (shrunk median logit above %.2f): "
                     "%s from it", lang, side_models[lang].free_median_logit,
                     "hints only" if side_models[lang].hint_share is not None else "no flags")
    matcher = lexicon.matcher
    zh_side = src if src.lang == "zh" else tgt
    en_side = tgt if src.lang == "zh" else src
    flags: dict[int, list] = {}
    p_om, p_add = {}, {}
    hinted = {lang: hint_rows(P[lang], m.hint_share) if m.hint_share is not None else frozenset()
              for lang, m in side_models.items()}
    for row, k in enumerate(ev.two):
        b = beads[k]
        p_om[k] = float(P[src.lang][row])
        p_add[k] = float(P[tgt.lang][row])
        for lang, code in ((src.lang, "partial"), (tgt.lang, "addition")):
            p = float(P[lang][row])
            sev = side_severity(p, side_models[lang], free[lang], row in hinted[lang])
            if sev is None:
                continue
            if code == "addition":
                sev = "info"  # additions stay hints: the model warned 1 clean English pair in 20 of seed 000
            pair = ev.pairs[row]
            is_zh = lang == "zh"
            zi, ei = (b.src_ids, b.tgt_ids) if src.lang == "zh" else (b.tgt_ids, b.src_ids)
            original = "".join(zh_side.sentences[i].text for i in zi) if is_zh else " ".join(
                en_side.sentences[j].text for j in ei)
            text = pair.zh if is_zh else pair.en
            clause = None
            g = ev.leave_outs[lang][row]
            if g is not None and g.gain >= CLAUSE_NAMED_GAIN:
                clause = g.left_out
            if clause is None:
                other_keys = matcher.keys(pair.en) if is_zh else matcher.zh_keys(pair.zh)
                clause = unrendered_clause(text, lang, other_keys, matcher)
            if clause and is_zh:
                clause = _original_form(clause, original)
            why = reason(p, pair, is_zh, original, clause, matcher,
                         length_factor(float(ev.len_z[row]), ev.len_sd, is_zh), soft=ctx.soft[row])
            flags.setdefault(k, []).append(Flag(code, Severity(sev), why))
    return Calibrated(flags, p_om, p_add)


def merge_flags(existing: list, new: list) -> list:
    """A bead's flags with the model's added: at most one flag per code from the model.

    A model flag is added when the bead has no flag of that code at the same
    or a higher severity; flags of that code at a lower severity are then
    dropped (the model's reason says more). Existing flags of other codes stay.
    """
    out = list(existing)
    for f in new:
        same = [g for g in out if g.code == f.code]
        if any(g.severity.rank >= f.severity.rank for g in same):
            continue
        out = [g for g in out if g.code != f.code] + [f]
    return out


__all__ = ["Calibrated", "merge_flags", "DivergenceModel", "SideModel", "calibrated_flags", "load_model",
           "probabilities", "severity_of", "side_severity", "hint_rows", "direction_models", "reason", "unrendered_clause",
           "evidence_words", "length_factor", "MODEL_PATH", "ModelFileError"]
