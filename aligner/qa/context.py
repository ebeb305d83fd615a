"""The per-document context every QA check reads, built once by ``build_context`` (frozen, pure)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..data import Bead, Side
from ..qa_config import QAConfig
from .similarity import _null_cosines, length_model

if TYPE_CHECKING:
    from ..clauses import Embed
    from .lexicon import Lexicon


@dataclass(frozen=True)
class _BeadText:
    src: str
    tgt: str
    zh: str  # the Chinese side, Simplified
    en: str  # the English side


def _t2s():
    from ..numbers import _t2s as conv

    return conv()


@dataclass(frozen=True, eq=False)
class QAContext:
    """What every check of ``score`` reads; one per document, never changed after ``build_context``.

    Arrays are shared, not copied: checks must not write into them.
    """

    src: Side
    tgt: Side
    beads: tuple[Bead, ...]
    config: QAConfig
    lexicon: Lexicon  # CC-CEDICT, loaded on first use of one of its tables
    embed: Embed | None  # ``embed(texts, lang)`` -> (len(texts), dim) float32, L2-normalised; None: no clause check
    texts: tuple[_BeadText, ...]  # one per bead: joined source / target text, Chinese in Simplified, English
    two: tuple[int, ...]  # indices of two-sided beads
    scores: np.ndarray  # (len(two),) bead cosines, NaN where unknown
    calibrated: bool  # enough scored two-sided beads to calibrate on this document
    confident: tuple[int, ...]  # two-sided beads at or above the ``confident_quantile`` (all when not calibrated)
    S: np.ndarray | None  # (n_src, dim) float32 source sentence vectors, L2-normalised, or None
    T: np.ndarray | None  # (n_tgt, dim) float32 target sentence vectors, L2-normalised, or None
    null: np.ndarray | None  # (n_pairs,) cosines of unaligned sentence pairs (``_null_cosines``), None without vectors
    log_ratios: np.ndarray  # (len(two),) log length ratio of each two-sided bead (``length_model``)
    mu: float  # median log length ratio of the confident beads (or the prior)
    sd: float  # its robust sd (at least ``partial_min_sd``)

    @cached_property
    def _numbers_seen(self) -> dict:
        return {}

    def numbers(self, text: str, lang: str) -> list:
        """``numbers.extract_numbers(text, lang)``, worked out once per text in this document (the number check
        and the calibrated model both read every pair's numbers). Callers must not change the list."""
        key = (text, lang)
        got = self._numbers_seen.get(key)
        if got is None:
            from ..numbers import extract_numbers

            got = self._numbers_seen[key] = extract_numbers(text, lang, self.lexicon.matcher.number_readings)
        return got

    @cached_property
    def leave_outs(self) -> dict:
        """Language -> the best clause leave-out of that side of each two-sided bead (``clauses.leave_out``).

        ``{"zh": [LeaveOut | None] * len(two), "en": [...]}``, texts in their original script (the
        encoder converts to Simplified itself), ``config.clause_min_share``; all None without ``embed``.
        Computed once, on first use, for the clause check and the calibrated model alike.
        """
        from ..clauses import leave_out

        out = {}
        for side, other, mine, theirs in ((self.src, self.tgt, "src", "tgt"), (self.tgt, self.src, "tgt", "src")):
            if self.embed is None or not self.two:
                out[side.lang] = [None] * len(self.two)
                continue
            items = [(getattr(self.texts[k], mine), side.lang, getattr(self.texts[k], theirs), other.lang)
                     for k in self.two]
            out[side.lang] = leave_out(items, self.embed, min_share=self.config.clause_min_share)
        return out

    @cached_property
    def soft(self) -> list:
        """Each two-sided bead's dictionary-unmatched words and those the encoder pairs (``softmatch.SoftMatch``),
        in ``two`` order; nothing soft-matched without ``embed``. Computed once, for the calibrated model's
        features and its reasons alike."""
        from .softmatch import soft_matches

        pairs = [(self.texts[k].zh, self.texts[k].en) for k in self.two]
        return soft_matches(pairs, self.lexicon.matcher, self.embed, self.config.soft_match_min_cos)


def _prefetch(lexicon: Lexicon, src: Side, tgt: Side, texts: Sequence[_BeadText]) -> None:
    """Read ahead, in a few queries, the memo's words of what the checks look up: each bead's sides, each
    sentence (Chinese in Simplified) and their clauses (``lexical.Matcher.prefetch``; a no-op without a memo)."""
    m = lexicon.matcher
    if not m.memoised:
        return
    from ..clauses import split_clauses

    zh_side, en_side = (src, tgt) if src.lang == "zh" else (tgt, src)
    t2s = _t2s()
    zh = [t.zh for t in texts if t.zh] + [t2s.convert(x.text) for x in zh_side.sentences]
    en = [t.en for t in texts if t.en] + [x.text for x in en_side.sentences]
    m.prefetch(zh + [c for t in zh for c in split_clauses(t, "zh")],
               en + [c for t in en for c in split_clauses(t, "en")])


def _bead_texts(src: Side, tgt: Side, beads: Sequence[Bead]) -> tuple[_BeadText, ...]:
    """Each bead's source and target text (sentences joined; no space for Chinese), Chinese also in Simplified."""
    sep_s = "" if src.lang == "zh" else " "
    sep_t = "" if tgt.lang == "zh" else " "
    texts: list[_BeadText] = []
    for b in beads:
        s = sep_s.join(src.sentences[i].text for i in b.src_ids)
        t = sep_t.join(tgt.sentences[j].text for j in b.tgt_ids)
        zh = s if src.lang == "zh" else t
        en = t if src.lang == "zh" else s
        texts.append(_BeadText(s, t, _t2s().convert(zh) if zh else "", en))
    return tuple(texts)


def build_context(src: Side, tgt: Side, beads: Sequence[Bead], *, config: QAConfig = QAConfig(),
                  src_vecs: np.ndarray | None = None, tgt_vecs: np.ndarray | None = None,
                  lexicon: Lexicon | None = None, embed: Embed | None = None) -> QAContext:
    """The context of one document: bead texts, two-sided and confident beads, vectors, null cosines, length model.

    ``src_vecs`` / ``tgt_vecs``: (n_src, dim) / (n_tgt, dim) float32 sentence
    embeddings, L2-normalised, or None. ``lexicon``: a ``Lexicon`` to reuse
    (a new, not yet loaded one when None).
    """
    from .lexicon import Lexicon

    beads = tuple(beads)
    texts = _bead_texts(src, tgt, beads)
    two = tuple(k for k, b in enumerate(beads) if b.src_ids and b.tgt_ids)
    scores = np.array([beads[k].score if beads[k].score is not None else np.nan for k in two], float)
    calibrated = len(two) >= config.min_calibration_beads and not np.isnan(scores).all()
    if calibrated:
        cut = float(np.nanquantile(scores, config.confident_quantile))
        confident = tuple(k for k, sc in zip(two, scores) if not np.isnan(sc) and sc >= cut)
    else:
        confident = two
    conf = set(confident)
    lr, mu, sd = length_model([texts[k].src for k in two], [texts[k].tgt for k in two],
                              [k in conf for k in two] if calibrated else None, src.lang, tgt.lang, config)
    null = _null_cosines(src_vecs, tgt_vecs, beads) if src_vecs is not None and tgt_vecs is not None else None
    lexicon = lexicon or Lexicon()
    _prefetch(lexicon, src, tgt, texts)
    return QAContext(
        src=src, tgt=tgt, beads=beads, config=config, lexicon=lexicon, embed=embed,
        texts=texts, two=two, scores=scores, calibrated=calibrated, confident=confident,
        S=np.asarray(src_vecs, np.float32) if src_vecs is not None else None,
        T=np.asarray(tgt_vecs, np.float32) if tgt_vecs is not None else None,
        null=null, log_ratios=lr, mu=mu, sd=sd,
    )
