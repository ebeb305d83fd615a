"""The whole path for one document pair: read -> segment -> embed -> align -> score.

Library entry points (the CLI, batch runner and benchmarks call these):

* ``load_sides(paths, ...)`` -> ``Loaded`` (the two segmented sides + layout)
* ``align_sides(src, tgt, ...)`` -> ``Alignment``
* ``align_files(paths, ...)`` -> ``Alignment`` (both of the above)
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from . import __version__
from .windows import align_needed, first_look_memo
from .config import PROGRESS_MIN_SENTENCES, ZH_EN_LENGTH_RATIO, AlignConfig
from .data import Alignment, Bead, Side, Text
from .edges import Sounds, reattach_short
from .embed import Embedder, get_encoder
from .errors import InputError, NotParallelError
from .headings import rejoin as rejoin_heads
from .headings import Split as HeadSplit
from .headings import split as split_heads
from .inputs import regular_file, same_file
from .read import MIN_FILE_WEIGHT, file_weight, pair_languages, read_document, read_whole, side_language, text_of
from .segment import SEGMENTER_ID, Segmenter, cuts_notes, heading_spans, presplit, segment_memo, span_flags
from .units import Units
from .units import expand as expand_units

log = logging.getLogger(__name__)

#: Progress callback: (stage, done, total).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Loaded:
    """Both sides of a pair, segmented, and how the input was laid out."""

    src: Side
    tgt: Side
    layout: str  # "pair" for two files, else the single file's layout kind
    notes: tuple[str, ...] = ()
    presplit: bool = False  # every side was cut one sentence a line (--presplit, or subtitles)


def sentence_lengths(side: Side) -> np.ndarray:
    """(n,) float64: non-space characters per sentence."""
    return np.array([len("".join(s.text.split())) for s in side.sentences], np.float64)  # split(): at isspace


@dataclass(frozen=True)
class Staged:
    """The align stage's result over units (``aligner.units``: a heading cut into lines is one):
    ``beads`` over unit ids, ``SW`` / ``TW`` (K, n_units, dim) float32 window vectors (embedded where the
    search asked, stand-ins elsewhere), each side's ``Units`` and per-unit heading flags (None when
    headings are not read: input not one sentence a line)."""

    beads: tuple[Bead, ...]
    SW: np.ndarray
    TW: np.ndarray
    src_units: Units
    tgt_units: Units
    src_heads: np.ndarray | None
    tgt_heads: np.ndarray | None

    def line_beads(self) -> list[Bead]:
        """The beads over sentence ids."""
        return expand_units(self.beads, self.src_units, self.tgt_units)

    def split_heads(self) -> HeadSplit:
        """``aligner.headings.split`` of the beads (its beads over sentence ids)."""
        sp = split_heads(self.beads, self.src_heads, self.tgt_heads, self.SW, self.TW)
        return HeadSplit(tuple(expand_units(sp.beads, self.src_units, self.tgt_units)), sp.parts)


def blas_limit(threads: int):
    """A context in which BLAS uses at most ``threads`` threads (0: as the library has them).

    In the main thread only: threadpoolctl's limit is the whole process's, so two threads aligning at once (a
    Dask worker with two threads) would each save and restore it under the other's work, and the last could
    leave it set (red team). Elsewhere BLAS keeps the library's default, as before ``blas_threads``."""
    if not threads or threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits  # scans the loaded libraries: ~1 ms, and sees any loaded since

    return threadpool_limits(limits=threads, user_api="blas")


def name_sounds(lexicon) -> Sounds:
    """``sounds(zh, en)`` for ``edges.reattach_short``: how well a name of the Chinese (converted to Simplified)
    sounds like a capitalised word of the English that is no English word (``qa.translit.sound_score``; a name alone,
    three or four characters, down to two consonant classes), with ``lexicon``'s (``aligner.qa.Lexicon``)
    character readings and English vocabulary."""
    from .numbers import _t2s
    from .qa.softmatch import name_word
    from .qa.translit import sound_score

    conv = _t2s()
    return lambda zh, en: sound_score(conv.convert(zh), en, lexicon.pinyin,
                                      lambda w: name_word(w, lexicon.english_vocab), least=2)


def _side_units(side: Side, read_heads: bool, other: Side | None = None) -> tuple[Units, np.ndarray | None]:
    """A side's units and per-unit heading flags: with ``read_heads`` (one sentence a line), every heading
    (``segment.heading_spans``) is one unit, flagged; without, every sentence is one, none flagged (None).

    Not when ``other`` cuts notes into lines too (``segment.cuts_notes``): a parenthesis in prose cut at its
    sentence ends and translated line by line (（后来他告诉我…。 / 但他没有表现出来。 / ）屋里的人… against
    "(He later told me…" / "But he did not show it.)") has a counterpart a line; as one unit it could only
    pair as a block. Then every line is a unit, each line of a heading flagged (``segment.heading_flags``)."""
    if not read_heads:
        return Units.of(len(side)), None
    spans = heading_spans(side.texts, side.lang)
    if other is not None and cuts_notes(other.texts):
        return Units.of(len(side)), np.array(span_flags(spans, len(side)), np.bool_)
    units = Units.of(len(side), [sp for sp in spans if sp[1] - sp[0] > 1])
    starts = {sp[0] for sp in spans}
    return units, np.array([g[0] in starts for g in units.groups], np.bool_)


def align_stage(
    src: Side,
    tgt: Side,
    S1: np.ndarray,
    T1: np.ndarray,
    embedder: Embedder,
    *,
    config: AlignConfig = AlignConfig(),
    presplit_input: bool = False,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    sounds: Sounds | None = None,
) -> Staged:
    """The DP over the windows the search asks for (``windows.align_needed``), then short edge sentences
    (``edges.reattach_short``), over units. ``S1`` / ``T1``: (n_src, dim) / (n_tgt, dim) float32 sentence
    vectors, L2-normalised. ``timings["embed windows"]`` gains the seconds spent embedding windows. ``sounds``:
    names by sound for the edge rule (``name_sounds``; None: cosines only)."""
    if config.length_ratio is None:  # the length prior's ratio stays near the language pair's usual one
        config = config.with_(length_ratio=pair_length_ratio(src.lang, tgt.lang))
    su, src_heads = _side_units(src, presplit_input, tgt)
    tu, tgt_heads = _side_units(tgt, presplit_input, src)
    texts = {"src": su.texts(src.texts, src.lang), "tgt": tu.texts(tgt.texts, tgt.lang)}
    lang = {"src": src.lang, "tgt": tgt.lang}

    def unit_vecs(which: str, units: Units, vecs: np.ndarray) -> np.ndarray:
        if units.trivial:
            return vecs
        joined = embedder.embed([texts[which][u] for u in units.multi()], lang[which])
        return units.vectors(vecs, joined)

    def fetch(which: str, mask: np.ndarray) -> np.ndarray:  # windows the search asks for, timed as embedding
        t = time.perf_counter()
        bar = (lambda d, n: progress(f"embed {lang[which]} windows", d, n)) if progress else None
        out = embedder.some_windows(texts[which], lang[which], mask, bar)
        if timings is not None:
            timings["embed windows"] = timings.get("embed windows", 0.0) + time.perf_counter() - t
        return out

    paras = {"src_paras": su.first([s.para for s in src.sentences]),
             "tgt_paras": tu.first([s.para for s in tgt.sentences])}
    beads, SW, TW = align_needed(
        unit_vecs("src", su, S1), unit_vecs("tgt", tu, T1), fetch, slack=config.window_slack, config=config,
        src_lens=su.total(sentence_lengths(src)), tgt_lens=tu.total(sentence_lengths(tgt)),
        src_heads=src_heads, tgt_heads=tgt_heads, first_look=first_look_memo(config.cache_dir), **paras,
    )
    # a short sentence at a merged side's edge goes with the pair whose facing clause renders it (aligner.edges)
    beads = reattach_short(beads, texts["src"], texts["tgt"], src.lang, tgt.lang, embedder.embed,
                           src_heads=src_heads, tgt_heads=tgt_heads, config=config, sounds=sounds, **paras)
    return Staged(tuple(beads), SW, TW, su, tu, src_heads, tgt_heads)


def pair_length_ratio(src_lang: str, tgt_lang: str) -> float | None:
    """Usual target/source ratio of non-space characters for the language pair (``config.ZH_EN_LENGTH_RATIO``
    Chinese to English, its inverse English to Chinese); None for any other pair."""
    zh_src, zh_tgt = src_lang.startswith("zh"), tgt_lang.startswith("zh")
    if zh_src and tgt_lang.startswith("en"):
        return ZH_EN_LENGTH_RATIO
    if src_lang.startswith("en") and zh_tgt:
        return 1.0 / ZH_EN_LENGTH_RATIO
    return None


def signature(config: AlignConfig, model: str, presplit_input: bool, qa_config=None, sides=()) -> str:
    """How an output was made, sacrebleu-style: version, model, segmenter, main parameters.

    ``seg``: ``presplit`` when every side was cut one sentence a line, else the segmenter
    (``zh-rules+en-punkt``), a side that was cut by lines saying so (``zh-lines+en-punkt``: Chinese
    subtitles beside an English text); ``sides``: the ``Side``s, whose ``cut`` tells. The last field
    names the calibrated QA model's version (``qa:mqm-dev-4``), or ``qa:rules`` when ``qa_config`` (an
    ``aligner.qa_config.QAConfig``, default when None) turns it off.
    """
    from .qa_config import QAConfig

    lines = {s.lang for s in sides if s.cut == "lines"}
    if presplit_input or (sides and lines == {s.lang for s in sides}):
        seg = "presplit"
    else:
        seg = "+".join(f"{part.split('-')[0]}-lines" if part.split("-")[0] in lines else part
                       for part in SEGMENTER_ID.split("+"))
    if (qa_config or QAConfig()).calibrated_check:
        from .qa.calibrated import load_model

        qa = load_model().version
    else:
        qa = "rules"
    return (
        f"aligner:{__version__}|model:{model}|t2s:{'yes' if config.t2s else 'no'}|seg:{seg}"
        f"|beads:{config.max_bead}/{config.max_bead_total}|skip:{config.skip_cost:g}/{config.edge_skip_cost:g}"
        f"|para:{config.para_break_cost:g}|head:{config.head_attach_cost:g}"
        f"|edge:{config.short_edge_frac:g}/{config.edge_min_cos:g}/{config.edge_margin:g}/{config.lone_min_cos:g}"
        f"|len:{config.length_weight:g}"
        f"|merge:{config.merge_cost:g}|member:{config.member_weight:g}|adapt:{config.adapt_ridge:g}"
        f"|win:{config.search_window}|slack:{config.window_slack:g}|qa:{qa}"
    )


def load_sides(
    paths: Sequence[str | Path],
    *,
    src_lang: str | None = None,
    presplit_input: bool = False,
    config: AlignConfig = AlignConfig(),
) -> Loaded:
    """Read and segment one bilingual file or a pair of files.

    One file: its layout is detected; the source side is Chinese unless
    ``src_lang == "en"``. Two files: the first is the source. Raises
    ``NotParallelError`` when there is nothing to align against.
    """
    seg = Segmenter(memo=None if presplit_input else segment_memo(config.cache_dir))
    try:
        return _load_sides(paths, seg, src_lang, presplit_input, config)
    finally:
        if seg.memo is not None:
            seg.memo.flush()


def _load_sides(paths, seg: Segmenter, src_lang, presplit_input: bool, config: AlignConfig) -> Loaded:
    def cut_for(lay):  # subtitles are one cue a line: --presplit implied for that file
        return presplit if presplit_input or lay.one_per_line else seg.segment

    if len(paths) == 1:
        path = str(paths[0])
        lay = read_document(paths[0], config.max_input_bytes)  # a path, or an inputs.StdinDocument
        if lay.kind in ("zh-only", "en-only", "empty") or lay.zh is None or lay.en is None:
            if lay.kind == "empty":
                raise NotParallelError("no Chinese or English text: nothing to align against", path=path)
            only = {"zh-only": "Chinese", "en-only": "English"}[lay.kind]
            raise NotParallelError(
                f"{only} text only ({lay.describe()}): nothing to align against; "
                "give the other language as a second file",
                path=path,
            )
        first = src_lang or "zh"
        a, b = (lay.zh, lay.en) if first == "zh" else (lay.en, lay.zh)
        notes = (lay.describe(),)
        if lay.kind == "mixed":
            notes += ("mixed layout: paragraphs of each language do not pair up; "
                      "aligning all Chinese against all English",)
        cut = cut_for(lay)
        return Loaded(cut(a), cut(b), lay.kind, notes, presplit_input or lay.one_per_line)
    if len(paths) != 2:
        raise InputError(f"expected one bilingual file or two files, got {len(paths)}")
    p1, p2 = str(paths[0]), str(paths[1])
    regular_file(p1)
    regular_file(p2)
    if same_file(p1, p2):
        raise InputError(f"the same file is given as source and target: {p2}", path=p1)
    l1, paras1 = read_whole(p1, config.max_input_bytes)
    l2, paras2 = read_whole(p2, config.max_input_bytes)
    for p, lay, paras in ((p1, l1, paras1), (p2, l2, paras2)):
        # each file is one side: its language is the whole file's, so lines each too short to have one (是。/
        # 不。/ 好。, or "Hello.") still make a side (red team 0.3.10: "no Chinese or English text", exit 2)
        if lay.kind == "empty" and (side_language(paras) is None or file_weight(paras) < MIN_FILE_WEIGHT):
            raise NotParallelError("no Chinese or English text: nothing to align against", path=p)
    # Each file is one side, every line of it (issue 15): the language is the file's, not the line's.
    g1, g2 = (src_lang, side_language(paras2)) if src_lang else pair_languages(paras1, paras2, (l1, l2))
    if src_lang and g2 == src_lang:
        g2 = "en" if src_lang == "zh" else "zh"
    if g1 == g2:
        name = {"zh": "Chinese", "en": "English"}[g1]
        raise NotParallelError(f"both files are {name}; nothing to align against", path=p2)
    names = {"zh": "Chinese", "en": "English"}
    if text_of(l1, g1) is None and not (l1.kind == "empty" and side_language(paras1) == g1):
        raise NotParallelError(f"has no {names[g1]} text" + (f" (--src-lang {g1})" if src_lang else ""), path=p1)
    if text_of(l2, g2) is None and not (l2.kind == "empty" and side_language(paras2) == g2):
        raise NotParallelError(f"has no {names[g2]} text", path=p2)
    t1, t2 = Text(g1, p1, paras1), Text(g2, p2, paras2)
    notes = tuple(f"{p}: {lay.describe()}" if lay.kind != "empty" else
                  f"{p}: {len(paras)} line{'s' if len(paras) != 1 else ''}, too short to tell a language line by line; "
                  f"{names[g]} as a whole"
                  for p, lay, paras, g in ((p1, l1, paras1, g1), (p2, l2, paras2, g2)))
    return Loaded(cut_for(l1)(t1), cut_for(l2)(t2), "pair", notes,
                  presplit_input or (l1.one_per_line and l2.one_per_line))


def align_sides(
    src: Side,
    tgt: Side,
    *,
    config: AlignConfig = AlignConfig(),
    embedder: Embedder | None = None,
    presplit_input: bool = False,
    layout: str = "pair",
    progress: Progress | None = None,
    lexicon=None,
    qa_config=None,
) -> Alignment:
    """Embed, align and score two segmented sides.

    ``embedder`` and ``lexicon`` (an ``aligner.qa.Lexicon``) are built when not
    given; pass them to reuse a loaded model and dictionary across documents.
    ``qa_config``: an ``aligner.qa_config.QAConfig`` for the score stage (its defaults when None).
    """
    from .qa import Lexicon

    if len(src) == 0 or len(tgt) == 0:
        empty = src.path if len(src) == 0 else tgt.path
        raise NotParallelError("no sentences to align on one side", path=empty)
    embedder = embedder or Embedder(get_encoder(config.model, allow_download=config.allow_download), config)
    lexicon = lexicon or Lexicon()
    if config.cache_dir:
        lexicon.matcher.use_memo(config.cache_dir)
    try:
        with blas_limit(config.blas_threads):
            return _align_sides(src, tgt, config, embedder, presplit_input, layout, progress, lexicon, qa_config)
    finally:
        lexicon.matcher.end_document()
        done = getattr(embedder, "end_document", None)  # an embedder of the caller's may keep nothing
        if done is not None:
            done()


def _align_sides(src, tgt, config, embedder, presplit_input, layout, progress, lexicon, qa_config) -> Alignment:
    from .qa import score as qa_score

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if len(src) + len(tgt) < PROGRESS_MIN_SENTENCES:
        progress = None  # a short document is done before a bar would be read
    cb = (lambda lang: (lambda d, t: progress(f"embed {lang}", d, t))) if progress else (lambda lang: None)
    S1 = embedder.embed(src.texts, src.lang, cb(src.lang))
    T1 = embedder.embed(tgt.texts, tgt.lang, cb(tgt.lang))
    timings["embed"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if progress:  # one step: the DP reports nothing while it runs
        progress("align", 0, 1)
    staged = align_stage(src, tgt, S1, T1, embedder, config=config, presplit_input=presplit_input,
                         progress=progress, timings=timings, sounds=name_sounds(lexicon))
    timings["align"] = time.perf_counter() - t0 - timings.get("embed windows", 0.0)
    t0 = time.perf_counter()
    if progress:
        progress("align", 1, 1)
    # a heading the DP joined to the pair after it is scored as a line of its own (aligner.headings)
    beads = staged.line_beads()
    parts = staged.split_heads() if presplit_input else None
    del staged  # its window vectors, (K, n, dim) a side (0.7 GB for 30k x 40k lines), are not scored: freed first
    scored = qa_score(src, tgt, parts.beads if parts else beads, src_vecs=S1, tgt_vecs=T1, lexicon=lexicon,
                      embed=embedder.embed, progress=(lambda d, t: progress("score", d, t)) if progress else None,
                      **({"config": qa_config} if qa_config is not None else {}))
    beads = rejoin_heads(beads, parts, scored, (src.texts, tgt.texts)) if parts else scored
    if layout == "pair" and (qa_config is None or not qa_config.checks or "script" in qa_config.checks):
        from .script import script_flags

        beads = script_flags(src, tgt, beads)  # two files: a line in the other script stays, flagged
    timings["score"] = time.perf_counter() - t0
    log.info("timings (s): %s; embedded %d texts, %d from cache",
             {k: round(v, 3) for k, v in timings.items()},
             embedder.stats["embedded"], embedder.stats["cached"])
    sig = signature(config, embedder.encoder.name, presplit_input, qa_config, sides=(src, tgt))
    # sentence vectors, (n, dim) float32 L2-normalised: for the gate's evidence, not written out
    return Alignment(src, tgt, tuple(beads), sig, layout,
                     meta={"timings": timings, "src_vecs": S1, "tgt_vecs": T1})


def align_files(
    paths: Sequence[str | Path],
    *,
    config: AlignConfig = AlignConfig(),
    src_lang: str | None = None,
    presplit_input: bool = False,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    lexicon=None,
) -> Alignment:
    """Read, segment, embed, align and score one bilingual file or a pair of files."""
    t0 = time.perf_counter()
    loaded = load_sides(paths, src_lang=src_lang, presplit_input=presplit_input, config=config)
    t_seg = time.perf_counter() - t0
    for note in loaded.notes:
        log.info("%s", note)
    al = align_sides(loaded.src, loaded.tgt, config=config, embedder=embedder,
                     presplit_input=loaded.presplit, layout=loaded.layout, progress=progress,
                     lexicon=lexicon)
    al.meta["timings"] = {"read+segment": t_seg, **al.meta.get("timings", {})}
    al.meta["notes"] = list(loaded.notes)
    return al
