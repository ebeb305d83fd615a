"""Defaults of the QA (score) stage, one named constant each with its reason.

``QAConfig`` reads them; ``aligner.qa.score`` takes a ``QAConfig``. Values
were set on the seed documents 000 (Gromyko interview, USE-m3 embeddings) and
004 (China Military Online); see ``aligner/qa/`` for how each is used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

# --- calibration -------------------------------------------------------------
#: Below this many two-sided beads a document's own statistics are too noisy; priors are used.
MIN_CALIBRATION_BEADS = 8
#: A bead is "confident" (used to calibrate ratios and learn names) at or above this quantile of the scores.
CONFIDENT_QUANTILE = 0.5

# --- low_similarity ------------------------------------------------------------
#: Robust standard deviations below the median bead score that count as "low" (000: median 0.68, sd 0.10).
LOW_SIM_SIGMAS = 3.0
#: Quantile of unrelated-pair cosines taken as "as similar as chance" (000: 0.43, 004: 0.54).
LOW_SIM_NULL_QUANTILE = 0.99
#: Below the threshold, a bead is a warning only this many robust sds below the median (or shifted); else info.
#: On MAC-Test's correct pairs: 3 sd -> 45 warnings of 4,084, 3.5 -> 27, 4 -> 15 (0.4%, half the 1-in-100 budget).
LOW_SIM_WARNING_SIGMAS = 4.0
#: The threshold never goes below this: USE-m3 gives correct short paraphrases ~0.25.
LOW_SIM_FLOOR = 0.25
#: The threshold never goes above this: 004's correct short headings score 0.45-0.50.
LOW_SIM_CEILING = 0.45
#: Threshold when a document has too few beads to calibrate on.
LOW_SIM_DEFAULT = 0.35
#: A low-similarity bead looks shifted (a deleted counterpart) when one of its sides raises a neighbour's
#: cosine by this much: planted deletions in 000/004 gain 0.12-0.15, a clean 000 bead 0.07; on MAC-Test's
#: 198 low-similarity beads 0.1 names 7 misaligned and 9 correct ones (bench/shift_check.py).
SHIFT_GAIN = 0.1

# --- partial -------------------------------------------------------------------
#: Characters added to both lengths before the log ratio (as the aligner's length prior does).
LENGTH_SMOOTHING = 10.0
#: Robust z-score of the log length ratio beyond which a bead is an outlier (000 sd 0.24, 004 sd 0.20).
PARTIAL_SIGMAS = 3.0
#: ...and the side must be at least this many times shorter than expected (avoids flagging tight documents).
PARTIAL_MIN_FACTOR = 2.2
#: A pair with fewer non-space characters than this (both sides together) is never a length outlier: too few
#: characters for a ratio to mean anything (MQM dev, clean: a lone closing quote '”' / '"' was "2.7x shorter",
#: '“今天是什么日子了？' / '"What day is it?"' "2.3x shorter").
PARTIAL_MIN_TOTAL_CHARS = 40
#: Smallest robust sd of the log ratio used (a tiny MAD on short documents would flag everything).
PARTIAL_MIN_SD = 0.15
#: Prior target/source characters-per-character ratio for zh->en (000: 2.46, 004: 2.91) when uncalibrated.
DEFAULT_EN_PER_ZH = 2.7
#: Prior sd of the log length ratio when uncalibrated.
DEFAULT_LOG_RATIO_SD = 0.25
#: A sentence inside a merged bead is "much worse" when it is this much below its best sibling...
MERGED_GAP = 0.4
#: ... unless it stands first or last and the other side's facing clause renders it at this cosine: a sentence at a
#: merged side's edge is read against that edge, as the aligner places it (aligner/edges.py). Only for the cosine
#: reason: a topical clause (0.41) hid a real untranslated sentence's "almost no rendering" (red team, stop 26). At the
#: aligner's 0.3 two of 16 planted deleted sentences (bench/planted.py) fell from warning to info; at 0.4 every recall
#: holds; MQM dev identical.
MERGED_EDGE_MIN_COS = 0.4
#: ...and no more similar to the other side than this quantile of unrelated pairs.
MERGED_NULL_QUANTILE = 0.5
#: Sentences shorter than this (non-space characters) are never judged alone: too little signal.
MERGED_MIN_CHARS = 8
#: A merged bead's weak first/last sentence that is at least this much more similar to the adjacent
#: bead's other side than to its own is a bead boundary to check (info), not an omission: 000's
#: "This is not just a factor of Trump personally." 0.09 with its own Chinese, 0.55 with the next.
BOUNDARY_MARGIN = 0.3
#: Dictionary check of merged beads: sentences with fewer content words than this are never judged.
LEX_MIN_WORDS = 5
#: A sentence is unrendered when its dictionary coverage is at most this share of the document's
#: median 1-1 coverage (000: zh 0.59; planted orphans 0.05-0.22); 0.5 added a false alarm on 000, same recall...
LEX_ORPHAN_FACTOR = 0.4
#: ...and its embedding similarity to the other side is this much below its best sibling's.
LEX_SIM_GAP = 0.2

#: Clause check (aligner/clauses.py): run it (it embeds every clause leave-out of every two-sided bead).
CLAUSE_CHECK = True
#: A left-out run of clauses must hold at least this share of its side's characters.
CLAUSE_MIN_SHARE = 0.15
#: Evidence = leave-out gain + this x how many sds shorter than usual the other side is (bench/clause_calibrate.py
#: on MAC-Test picks 0.06 of 0-0.08: the smallest slope within 0.01 of the best sum of the four recalls of planted
#: clause drops, English and Chinese, at 1% and 5% of clean beads; 0.08 scores 0.008 more).
CLAUSE_SLOPE = 0.06
#: A side longer than usual counts against the evidence by at most this many sds.
CLAUSE_LONGER_CLIP = 3.0
#: Gain used for a side with fewer than two clauses (no clause to single out: length evidence only).
CLAUSE_NO_CANDIDATE = -0.1
#: Warning at or above this evidence, (Chinese clauses, English clauses): together 1% of MAC-Test's clean
#: gold beads (80% of that budget to Chinese clauses, MAC-Test's source side).
CLAUSE_WARNING = (0.271, 0.256)
#: Info at or above this evidence: together 5% of MAC-Test's clean gold beads.
CLAUSE_INFO = (0.128, 0.201)

#: Calibrated omission / addition model (aligner/qa/calibrated.py, fitted on MQM ratings by bench/qa_mqm_fit.py):
#: run it. It adds ``partial`` (source content left out) and ``addition`` (target content with no source)
#: flags with severities from its probability cut-offs, and a probability on every two-sided bead.
CALIBRATED_CHECK = True
#: ...on documents whose median dictionary coverage (share of a side's content words rendered on the other side)
#: is at least this on both sides: the 235 training documents ranged from 0.45 (Chinese) and 0.35 (English)
#: up; below 0.2 the dictionary does not know the text and the model would be outside what it was fitted on.
CALIBRATED_MIN_COVERAGE = 0.2
#: A dictionary-unmatched word counts as rendered when its vector is this close to an unmatched word of the other
#: side (aligner/qa/softmatch.py; bench/qa_mqm_fit.py CV on the MQM dev half, 0.45-0.6 tried: 0.55 ranked omissions
#: best and caught the most clause-size omissions at warning).
SOFT_MATCH_MIN_COS = 0.55

# --- number_mismatch ---------------------------------------------------------------------
#: A numeral unmatched in this many beads of a document (and in twice as many as it matches) is a name there (茅十八).
NUMBER_NAME_BEADS = 3

# --- untranslated ----------------------------------------------------------------
#: Share of a target's letters in the source script above which it is "in the source language".
UNTRANSLATED_SHARE = 0.6
#: Texts with fewer letters than this are never called untranslated (names, numbers, "OK").
UNTRANSLATED_MIN_LETTERS = 6

# --- omission / addition ------------------------------------------------------------
#: Unaligned lines before the first / after the last two-sided bead are a header or trailer (warning, not error).
EDGE_RUN_IS_WARNING = True


@dataclass(frozen=True)
class QAConfig:
    """Parameters of the score stage; defaults from the constants above."""

    min_calibration_beads: int = MIN_CALIBRATION_BEADS
    confident_quantile: float = CONFIDENT_QUANTILE
    low_sim_sigmas: float = LOW_SIM_SIGMAS
    low_sim_null_quantile: float = LOW_SIM_NULL_QUANTILE
    low_sim_warning_sigmas: float = LOW_SIM_WARNING_SIGMAS
    low_sim_floor: float = LOW_SIM_FLOOR
    low_sim_ceiling: float = LOW_SIM_CEILING
    low_sim_default: float = LOW_SIM_DEFAULT
    shift_gain: float = SHIFT_GAIN
    length_smoothing: float = LENGTH_SMOOTHING
    partial_sigmas: float = PARTIAL_SIGMAS
    partial_min_factor: float = PARTIAL_MIN_FACTOR
    partial_min_sd: float = PARTIAL_MIN_SD
    partial_min_total_chars: int = PARTIAL_MIN_TOTAL_CHARS
    default_en_per_zh: float = DEFAULT_EN_PER_ZH
    default_log_ratio_sd: float = DEFAULT_LOG_RATIO_SD
    merged_gap: float = MERGED_GAP
    merged_edge_min_cos: float = MERGED_EDGE_MIN_COS
    merged_null_quantile: float = MERGED_NULL_QUANTILE
    merged_min_chars: int = MERGED_MIN_CHARS
    boundary_margin: float = BOUNDARY_MARGIN
    lex_min_words: int = LEX_MIN_WORDS
    lex_orphan_factor: float = LEX_ORPHAN_FACTOR
    lex_sim_gap: float = LEX_SIM_GAP
    clause_check: bool = CLAUSE_CHECK
    clause_min_share: float = CLAUSE_MIN_SHARE
    clause_slope: float = CLAUSE_SLOPE
    clause_longer_clip: float = CLAUSE_LONGER_CLIP
    clause_no_candidate: float = CLAUSE_NO_CANDIDATE
    clause_warning: tuple[float, float] = CLAUSE_WARNING
    clause_info: tuple[float, float] = CLAUSE_INFO
    calibrated_check: bool = CALIBRATED_CHECK
    calibrated_min_coverage: float = CALIBRATED_MIN_COVERAGE
    soft_match_min_cos: float = SOFT_MATCH_MIN_COS
    number_name_beads: int = NUMBER_NAME_BEADS
    untranslated_share: float = UNTRANSLATED_SHARE
    untranslated_min_letters: int = UNTRANSLATED_MIN_LETTERS
    edge_run_is_warning: bool = EDGE_RUN_IS_WARNING
    #: Flag codes to run; empty means all (``omission addition partial low_similarity
    #: number_mismatch entity_mismatch untranslated damage``).
    checks: tuple[str, ...] = ()

    def with_(self, **changes) -> "QAConfig":
        """A copy with some fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)
