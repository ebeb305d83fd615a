"""Score stage: translation-QA flags on aligned beads (pure; no model, no printing).

``score(src, tgt, beads, src_vecs=..., tgt_vecs=...)`` returns the same beads
(same order, ids and score) with ``flags`` filled. Codes and severities:

================= ========================= ==================================================
code              severity                  when
================= ========================= ==================================================
omission          error / warning / info    a source sentence with no target (1-0 bead)
addition          error / warning / info    a target sentence with no source (0-1 bead)
partial           warning / info            one side carries markedly less content
low_similarity    warning / info            a two-sided bead scores below the document's threshold
                                            (info when not far below its median and not shifted)
number_mismatch   error / warning           numbers differ (error when both sides have numbers
                                            the other lacks, warning when only one side does)
entity_mismatch   warning / info            a Latin-script token or a name on one side only
untranslated      error                     the target is in the source language or equals it
damage            warning                   text-extraction damage (see ``damage_flags``)
================= ========================= ==================================================

omission/addition: **info** when the line is a caption, photo credit,
byline, metadata, credit or editor's note, recognised by the rules in
``classify_line`` (the rule is named in the reason); **warning** when the
line is in an unaligned run before the first or after the last two-sided bead
(a header, an editor's introduction or a trailer); **error** otherwise.

Calibration (all from the document itself, falling back to priors in
``aligner.qa_config`` below ``min_calibration_beads`` two-sided beads):

* ``low_similarity`` threshold = the lower of (median bead score minus
  ``low_sim_sigmas`` robust standard deviations, 1.4826 x MAD) and the
  ``low_sim_null_quantile`` quantile of *unrelated-pair* cosines (source
  sentence i against target sentences not aligned to it, from the
  embeddings), clipped to [``low_sim_floor``, ``low_sim_ceiling``]. The first
  term says "unusually low for this document", the second "no better than
  chance"; taking the lower keeps flags to beads that are both. On seed 000
  (USE-m3) this gives 0.37; on 004, 0.45. When one side of a low bead would
  raise a neighbour's cosine by ``shift_gain`` if moved there, the reason says
  so: the other side's sentence may have lost its counterpart (a deletion the
  aligner papered over by pairing it with its neighbour's translation).
  Severity: warning when shifted, or at least ``low_sim_warning_sigmas``
  robust sds below the median (or uncalibrated); otherwise info (a free
  rendering is as likely: MAC-Test, ``bench/qa_mactest.py``).
* ``partial`` (length) compares each bead's log length ratio
  log((target chars + 10) / (source chars + 10)) with the median over the
  document's confident beads (score at or above the median); an outlier is
  beyond ``partial_sigmas`` robust sds *and* a factor ``partial_min_factor``.
* ``partial`` (clause) leaves each clause, and each two adjacent clauses, of
  one side out in turn (``aligner.clauses``); evidence = the best rise in
  cosine without it + ``clause_slope`` x how many robust sds shorter than usual
  the other side is. Warning / info at ``clause_warning`` / ``clause_info``,
  set on MAC-Test's gold beads so that 1% / 5% of them are flagged
  (``bench/clause_calibrate.py``). Needs ``embed``.
* ``partial`` (merged bead) flags a sentence inside a many-sentence bead whose
  cosine with the other side is below the ``merged_null_quantile`` of
  unrelated pairs while a sibling is at least ``merged_gap`` higher.

Entities: CC-CEDICT (``Lexicon``, loaded lazily once per ``Lexicon`` object)
glosses acronyms (by definition, parentheses and initials: "United Nations"
-> UN) and names; transliterations not in CC-CEDICT (葛羅米柯 <-> Gromyko) are
learned from the document's confident beads by comparing consonant skeletons
of the English name and the pinyin of candidate transliteration strings. A
Chinese person name that nothing in the English renders, beside an English
name that nothing in the Chinese renders (by spelling, sound or CC-CEDICT
gloss), is a warning: a name replaced by another, whoever the other is (a
foreign name in transliteration; a Chinese name where the English has a full
name in pinyin); a pair the document repeats is a rendering instead.

Layout: ``context`` builds the frozen per-document ``QAContext`` once; each
check is a pure function ``check_xxx(ctx) -> {bead index: [Flag, ...]}`` in
its module (``lines``: omission/addition and damage; ``similarity``:
low_similarity, null cosines, length model; ``partial``: length, merged-bead
and clause checks; ``coverage``: the dictionary coverage used by ``partial``;
``numbers``; ``entities`` with ``lexicon`` and ``translit``; ``untranslated``); ``score``
runs them in the order of ``CHECKS`` and merges their flags.
"""

from .common import CODES
from .context import QAContext, build_context
from .entities import check_entities
from .lexicon import Lexicon
from .lines import check_damage, check_unaligned, classify_line, damage_flags
from .numbers import check_numbers
from .partial import check_partial_clauses, check_partial_length, check_partial_merged, clause_margins
from .score import CHECKS, score, summarize
from .similarity import check_low_similarity, length_model
from .untranslated import check_untranslated

# Internal helpers that tests and bench/ reach through ``aligner.qa`` (from before it was a package).
from .context import _BeadText  # noqa: F401,E402
from .entities import _learn_transliterations  # noqa: F401,E402
from .translit import _skeleton_en, _skeleton_pinyin  # noqa: F401,E402
from .similarity import _shifted  # noqa: F401,E402

__all__ = [
    "score", "damage_flags", "summarize", "classify_line", "Lexicon", "CODES", "clause_margins", "length_model",
    "QAContext", "build_context", "CHECKS", "check_unaligned", "check_low_similarity", "check_partial_length",
    "check_partial_merged", "check_partial_clauses", "check_numbers", "check_untranslated", "check_entities",
    "check_damage",
]
