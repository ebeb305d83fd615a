"""The Python API: what ``aligner align`` / ``check`` do, as functions over the frozen dataclasses.

``import aligner`` stays light: these names are loaded from here on first use (``aligner.__getattr__``).

* ``align_files(zh_path, en_path=None)`` -> ``aligner.data.Alignment``
* ``align_texts(zh_sentences, en_sentences)`` -> ``Alignment`` (no segmentation: the lists are the sentences)
* ``check_files(zh_path, en_path=None)`` -> ``aligner.gate.Verdict``
* ``read_tsv(path)`` -> ``list[TsvRecord]`` (escapes decoded); ``read_tsv(path, as_frame=True)`` -> a
  pandas ``DataFrame`` (``df.attrs["signature"]``)

Errors are the library's exceptions (``aligner.errors``): ``InputError``, ``NotParallelError``,
``ModelError``, ... each with the message the CLI would print.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Sequence, overload

from .config import AlignConfig
from .data import Alignment, Flag, Sentence, Side

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from .embed import Embedder
    from .gate import Verdict

PathLike = str | os.PathLike


def _config(config: AlignConfig | None, model: str | None, cache_dir: PathLike | None, no_cache: bool) -> AlignConfig:
    from pathlib import Path

    cfg = config or AlignConfig()
    if model is not None:
        cfg = cfg.with_(model=model)
    if cache_dir is not None:
        cfg = cfg.with_(cache_dir=Path(cache_dir))
    if no_cache:
        from dataclasses import replace

        cfg = replace(cfg, cache_dir=None)
    return cfg


def _paths(zh_path: PathLike, en_path: PathLike | None) -> list[str]:
    # os.fsdecode: a bytes path names the same file as its str (it was "no such file")
    return [os.fsdecode(zh_path)] + ([] if en_path is None else [os.fsdecode(en_path)])


def _check_choice(name: str, value, choices: tuple) -> None:
    """``ValueError`` naming the argument and its choices (a bare KeyError / Severity error before)."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def align_files(
    zh_path: PathLike,
    en_path: PathLike | None = None,
    *,
    src_lang: Literal["zh", "en"] | None = None,
    presplit: bool = False,
    model: str | None = None,
    cache_dir: PathLike | None = None,
    no_cache: bool = False,
    config: AlignConfig | None = None,
    embedder: Embedder | None = None,
) -> Alignment:
    """Align one bilingual document (``zh_path`` alone) or a pair of documents, as ``aligner align``.

    The first file is the source side (two files whose languages are swapped are taken as they are:
    the English one becomes the source). Any input format the CLI reads is read (text, .docx, .html,
    .pdf, .srt, .vtt, .md). ``model``, ``cache_dir``, ``no_cache`` override ``config`` (default
    ``AlignConfig()``); pass an ``embedder`` (``aligner.embed.Embedder``) to reuse a loaded model.
    """
    from .pipeline import align_files as _align_files

    _check_choice("src_lang", src_lang, (None, "zh", "en"))
    return _align_files(_paths(zh_path, en_path), config=_config(config, model, cache_dir, no_cache),
                        src_lang=src_lang, presplit_input=presplit, embedder=embedder)


def align_texts(
    zh_sentences: Sequence[str],
    en_sentences: Sequence[str],
    *,
    model: str | None = None,
    cache_dir: PathLike | None = None,
    no_cache: bool = False,
    config: AlignConfig | None = None,
    embedder: Embedder | None = None,
) -> Alignment:
    """Align two lists of sentences (Chinese source, English target); they are not segmented again.

    Returns an ``Alignment`` whose sides hold the sentences as given (ids in list order, one paragraph).
    As with ``--presplit``, a line that reads as a heading (``aligner.segment.heading_flags``) and has no
    counterpart joins the pair after it (``AlignConfig.head_attach_cost``).
    Raises ``NotParallelError`` when a list is empty, ``TypeError`` when an item is not a string.
    """
    from .pipeline import align_sides

    cfg = _config(config, model, cache_dir, no_cache)
    src, tgt = _side("zh", zh_sentences), _side("en", en_sentences)
    return align_sides(src, tgt, config=cfg, embedder=embedder, presplit_input=True, layout="pair")


def _side(lang: str, sentences: Sequence[str]) -> Side:
    if isinstance(sentences, str):
        raise TypeError(f"{lang}_sentences must be a sequence of sentences, not one string")
    out = []
    for i, s in enumerate(sentences):
        if not isinstance(s, str):
            raise TypeError(f"{lang}_sentences[{i}] is {type(s).__name__}, not str")
        out.append(Sentence(i, s, 0, i + 1))
    return Side(lang, f"<{lang}_sentences>", tuple(out))


def check_files(
    zh_path: PathLike,
    en_path: PathLike | None = None,
    *,
    fail_on: Literal["info", "warning", "error"] = "error",
    review: PathLike | None = None,
    src_lang: Literal["zh", "en"] | None = None,
    presplit: bool = False,
    model: str | None = None,
    cache_dir: PathLike | None = None,
    no_cache: bool = False,
    config: AlignConfig | None = None,
    embedder: Embedder | None = None,
) -> Verdict:
    """The gate's verdict for one document or a pair, as ``aligner check``.

    ``verdict.verdict`` is ``parallel``, ``not-parallel``, ``mixed`` or ``monolingual``;
    ``verdict.exit_code`` the exit code ``check`` would give; ``verdict.failing`` the flags at or above
    ``fail_on`` that the ``review`` file does not accept.
    """
    from .gate import judge

    _check_choice("src_lang", src_lang, (None, "zh", "en"))
    _check_choice("fail_on", fail_on, ("info", "warning", "error"))
    return judge(_paths(zh_path, en_path), config=_config(config, model, cache_dir, no_cache),
                 embedder=embedder, review=review, fail_on=fail_on, src_lang=src_lang, presplit_input=presplit)


@dataclass(frozen=True)
class TsvRecord:
    """One row of an alignment TSV, decoded: ids as ints, text without escapes, one entry per flag.

    ``flags``, ``severities``, ``reasons`` and ``spans`` are parallel tuples (one item per flag;
    a flag's spans are ``(side, start, end)``: side ``"src"`` or ``"tgt"``, code-point offsets into
    that text, end exclusive; ``aligner.evidence``); ``score``, ``p_omission``, ``p_addition`` are ``None`` where
    the TSV cell is empty.
    """

    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    src: str
    tgt: str
    score: float | None
    flags: tuple[str, ...]
    severities: tuple[str, ...]
    reasons: tuple[str, ...]
    p_omission: float | None
    p_addition: float | None
    spans: tuple[tuple[tuple[str, int, int], ...], ...] = ()

    @classmethod
    def from_flags(cls, src_ids, tgt_ids, src, tgt, score, flags: Sequence[Flag], p_om, p_add) -> TsvRecord:
        from .evidence import flag_spans

        return cls(tuple(src_ids), tuple(tgt_ids), src, tgt, score, tuple(f.code for f in flags),
                   tuple(f.severity.value for f in flags), tuple(f.reason for f in flags), p_om, p_add,
                   tuple(tuple(tuple(sp) for sp in flag_spans(f, src, tgt)) for f in flags))


@overload
def read_tsv(path: PathLike, *, as_frame: Literal[False] = ..., max_bytes: int | None = ...) -> list[TsvRecord]: ...
@overload
def read_tsv(path: PathLike, *, as_frame: Literal[True], max_bytes: int | None = ...) -> pandas.DataFrame: ...


def read_tsv(path: PathLike, *, as_frame: bool = False, max_bytes: int | None = None):
    """The rows of an alignment TSV that ``aligner align`` wrote, checked and decoded.

    ``\\t``, ``\\n``, ``\\\\`` in the text are decoded, flag reasons split at `` | ``. Raises
    ``InputError`` (with the line) for a file that is not an aligner TSV. ``as_frame=True``: a pandas
    DataFrame with the TSV's columns (``severity`` and ``reason`` hold tuples, like ``flags``; empty
    numbers are NaN) and the signature in ``df.attrs["signature"]``; needs pandas.
    """
    from .report.tsv import bead_texts
    from .report.tsv import read_tsv as _read_alignment

    al = _read_alignment(os.fsdecode(path), max_bytes=max_bytes)
    records = []
    for b in al.beads:
        src, tgt = bead_texts(al, b)
        records.append(TsvRecord.from_flags(b.src_ids, b.tgt_ids, src, tgt, b.score, b.flags,
                                            b.p_omission, b.p_addition))
    if not as_frame:
        return records
    try:
        import pandas as pd
    except ImportError:
        from .errors import MissingExtraError

        raise MissingExtraError("read_tsv(as_frame=True) needs pandas, which is not installed: "
                                "pip install pandas") from None
    from .report.tsv import COLUMNS

    nan = float("nan")
    df = pd.DataFrame(
        [(r.src_ids, r.tgt_ids, r.src, r.tgt, nan if r.score is None else r.score, r.flags, r.severities, r.reasons,
          nan if r.p_omission is None else r.p_omission, nan if r.p_addition is None else r.p_addition, r.spans)
         for r in records],
        columns=list(COLUMNS[:COLUMNS.index("spans") + 1]),  # not ``cuts``: each record's text is already whole
    )
    df.attrs["signature"] = al.signature
    return df
