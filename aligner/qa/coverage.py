"""Dictionary coverage (``aligner.lexical``) of single sentences inside merged beads, for ``partial``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..data import Bead, Side
from ..qa_config import QAConfig
from .common import _lang_name, _short
from .context import _t2s

if TYPE_CHECKING:
    from .lexicon import Lexicon


class _LexicalCheck:
    """Dictionary coverage of single sentences inside merged beads (``aligner.lexical``).

    Coverage of a Chinese sentence: the share of its content words with an
    English rendering in the bead; of an English sentence: the share of its
    content words that some Chinese word of the bead glosses. Calibrated on the
    document's confident 1-1 beads (median per side).
    """

    def __init__(self, src: Side, tgt: Side, confident: Sequence[Bead], lexicon: Lexicon, config: QAConfig) -> None:
        self.src, self.tgt, self.config = src, tgt, config
        self.m = lexicon.matcher
        self.zh_side, self.en_side = (src, tgt) if src.lang == "zh" else (tgt, src)
        self._words: dict[int, list] = {}
        self._keys: dict[int, frozenset[str]] = {}
        self._content: dict[int, list[tuple[str, frozenset[str]]]] = {}
        zh_cov, en_cov = [], []
        for b in confident:
            if len(b.src_ids) == 1 and len(b.tgt_ids) == 1:
                zi, ei = self._ids(b)
                z, e = self._cov_zh(zi[0], ei), self._cov_en(ei[0], zi)
                if z is not None:
                    zh_cov.append(z[0])
                if e is not None:
                    en_cov.append(e[0])
        self.median = {"zh": float(np.median(zh_cov)) if len(zh_cov) >= config.min_calibration_beads else None,
                       "en": float(np.median(en_cov)) if len(en_cov) >= config.min_calibration_beads else None}

    def _ids(self, b: Bead) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(zh ids, en ids) of a bead."""
        return (b.src_ids, b.tgt_ids) if self.src.lang == "zh" else (b.tgt_ids, b.src_ids)

    def words(self, i: int) -> list:
        if i not in self._words:
            self._words[i] = self.m.words(_t2s().convert(self.zh_side.sentences[i].text))
        return self._words[i]

    def keys(self, j: int) -> frozenset[str]:
        if j not in self._keys:
            self._keys[j] = self.m.keys(self.en_side.sentences[j].text)
        return self._keys[j]

    def _cov_zh(self, i: int, en_ids) -> tuple[float, int, list] | None:
        """(coverage, words, unmatched words) of zh sentence i against the English ids."""
        keys = frozenset().union(*(self.keys(j) for j in en_ids))
        ws = [w for w in self.words(i) if not w.name or w.keys & keys]  # an unmatched name is no evidence
        if len(ws) < self.config.lex_min_words:
            return None
        miss = [w for w in ws if not (w.keys & keys)]
        return 1.0 - len(miss) / len(ws), len(ws), miss

    def _cov_en(self, j: int, zh_ids) -> tuple[float, int, list] | None:
        """(coverage, words, unmatched stems) of English sentence j against the Chinese ids."""
        if j not in self._content:
            self._content[j] = self.m.content(self.en_side.sentences[j].text)
        ws = self._content[j]
        if len(ws) < self.config.lex_min_words:
            return None
        gl = frozenset().union(*(w.keys for i in zh_ids for w in self.words(i)))
        miss = sorted(st for st, keys in ws if not (keys & gl))
        return 1.0 - len(miss) / len(ws), len(ws), miss

    def orphan(self, b: Bead, on_src: bool, sims: list[float]) -> tuple[int, str] | None:
        """(position, reason) when one sentence of the bead's merged side has almost no rendering, else None.

        ``sims``: cosine of each sentence of that side with the other side (same order).
        """
        zh_ids, en_ids = self._ids(b)
        side_is_zh = (self.src.lang == "zh") == on_src
        ids = zh_ids if side_is_zh else en_ids
        lang = "zh" if side_is_zh else "en"
        med = self.median[lang]
        if med is None or len(ids) < 2:
            return None
        covs = [self._cov_zh(i, en_ids) if side_is_zh else self._cov_en(i, zh_ids) for i in ids]
        for pos, (c, sim) in enumerate(zip(covs, sims)):
            if c is None or c[0] > self.config.lex_orphan_factor * med:
                continue
            if max(sims) - sim < self.config.lex_sim_gap:
                continue
            side = self.zh_side if side_is_zh else self.en_side
            other = "en" if side_is_zh else "zh"
            if side_is_zh:
                shown = ", ".join(w.text for w in c[2][:5])
            else:  # the words as written, in text order (the stems "consid", "impos" read as typos)
                written = self.m.written(side.sentences[ids[pos]].text)
                missing = set(c[2])
                shown = ", ".join(([written[k] for k in written if k in missing]
                                   + [k for k in c[2] if k not in written])[:5])
            return pos, (f"{_lang_name(lang)} sentence {pos + 1} of {len(ids)} in this bead "
                         f"('{_short(side.sentences[ids[pos]].text, 30)}') has almost no rendering in the "
                         f"{_lang_name(other)}: {round(c[0] * c[1])} of {c[1]} content words found (usual here "
                         f"{med:.0%}); none for {shown}")
        return None
