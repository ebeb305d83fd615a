"""Run Bertalign 2.0.1 (PyPI) on precomputed embeddings. Runs under bench/.venv-bertalign (Python >= 3.12).

    bench/.venv-bertalign/bin/python bench/peers/bertalign_runner.py WORKDIR 001,002

For each id reads ``WORKDIR/ID.zh``, ``WORKDIR/ID.en`` (one sentence per line)
and ``WORKDIR/ID.npz`` (``zh_vecs``/``en_vecs``: our (K, n, dim) bead-window
embeddings, row k-1 column i = sentences i..i+k-1), runs
``Bertalign(src, tgt, is_split=True, model=<our encoder>).align_sents()`` with
its defaults (max_align=5, top_k=3, win=5, skip=-0.1, margin, len_penalty) and
writes ``WORKDIR/ID.align``.

What is replaced, and why:

* ``Encoder``: a subclass whose ``transform`` returns our vectors in
  Bertalign's front-padded layout and the UTF-8 byte lengths of exactly the
  windows Bertalign's own ``yield_overlaps`` builds (so its length penalty is
  untouched). LaBSE cannot be fetched here, and every system gets the same
  embeddings.
* ``torch``: torch 2.13.0 for Python 3.12 exists only as a CUDA build on
  PyPI (the CPU wheel on this machine is cp311 only), so torch is not
  installed. Bertalign uses it for one thing, the exact top-k inner-product
  search in ``corelib.find_top_k_sents``; that function is replaced by the same
  computation in numpy (``argsort`` of ``src @ tgt.T``), and ``torch``,
  ``sentence_transformers``, ``lingua`` and ``sentence_splitter`` are stub
  modules that raise if touched. Language detection (lingua) is replaced by the
  known languages; splitting is not used (``is_split=True``).

The two alignment passes (``first_pass_align``, ``second_pass_align``, the
search paths and back-tracking, numba) run unmodified.
"""

from __future__ import annotations

import json
import sys
import time
import types
from pathlib import Path

import numpy as np

from common import to_front_padded  # run as a script: this folder is on sys.path


def _stub(name: str, **attrs) -> None:
    mod = types.ModuleType(name)

    def _missing(attr):
        raise AttributeError(f"{name}.{attr} is a stub in bench/peers/bertalign_runner.py")

    mod.__getattr__ = _missing  # type: ignore[attr-defined]
    for k, v in attrs.items():
        setattr(mod, k, v)
    sys.modules[name] = mod


class _Placeholder:
    def __init__(self, *a, **k):
        raise RuntimeError("stubbed out by bertalign_runner")


def _install_stubs() -> None:
    for name in ("torch", "sentence_transformers", "lingua", "sentence_splitter"):
        try:
            __import__(name)
        except ImportError:
            _stub(name, SentenceTransformer=_Placeholder, IsoCode639_1=_Placeholder,
                  LanguageDetector=_Placeholder, LanguageDetectorBuilder=_Placeholder,
                  SentenceSplitter=_Placeholder)


def find_top_k_sents_numpy(src_vecs, tgt_vecs, k=3):
    """Bertalign's exact inner-product top-k, numpy instead of torch (same outputs up to ties)."""
    sims = np.ascontiguousarray(src_vecs, np.float32) @ np.ascontiguousarray(tgt_vecs, np.float32).T
    k = min(k, sims.shape[1])
    idx = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    scores = np.take_along_axis(sims, idx, axis=1)
    return scores.astype(np.float32), idx.astype(np.int64)


def main(argv: list[str]) -> int:
    workdir, ids = Path(argv[1]), [x for x in argv[2].split(",") if x]
    _install_stubs()
    import bertalign
    from bertalign import aligner as ba_aligner
    from bertalign import corelib
    from bertalign.encoder import Encoder
    from bertalign.utils import yield_overlaps

    corelib.find_top_k_sents = find_top_k_sents_numpy
    ba_aligner.find_top_k_sents = find_top_k_sents_numpy

    class PrecomputedEncoder(Encoder):
        """Returns stored vectors for the sentence lists it was given, in order."""

        def __init__(self, table: dict[tuple[str, ...], np.ndarray]) -> None:  # noqa: D107
            self.table = table
            self.model_name = "precomputed USE-m3 windows"

        def transform(self, sents, num_overlaps):
            vecs = self.table[tuple(sents)]
            if vecs.shape[0] < num_overlaps:
                raise ValueError(f"need {num_overlaps} window rows, have {vecs.shape[0]}")
            sent_vecs = to_front_padded(vecs[:num_overlaps])
            overlaps = list(yield_overlaps(sents, num_overlaps))
            len_vecs = np.array([len(s.encode("utf-8")) for s in overlaps], dtype=np.int64)
            return sent_vecs, len_vecs.reshape(num_overlaps, len(sents))

    print(f"bertalign {bertalign.__version__} (numpy top-k, precomputed embeddings)", file=sys.stderr)
    timing = {}
    for tid in ids:
        zh = (workdir / f"{tid}.zh").read_text(encoding="utf-8").splitlines()
        en = (workdir / f"{tid}.en").read_text(encoding="utf-8").splitlines()
        data = np.load(workdir / f"{tid}.npz")
        src_text, tgt_text = "\n".join(zh), "\n".join(en)
        # Bertalign cleans the text (strip lines, collapse whitespace, drop blank
        # lines) before splitting on lines; key the table by what it will pass.
        src_sents = ba_aligner.clean_text(src_text).splitlines()
        tgt_sents = ba_aligner.clean_text(tgt_text).splitlines()
        if len(src_sents) != len(zh) or len(tgt_sents) != len(en):
            raise SystemExit(f"{tid}: Bertalign's clean_text changed the sentence count")
        enc = PrecomputedEncoder({tuple(src_sents): data["zh_vecs"], tuple(tgt_sents): data["en_vecs"]})
        langs = iter(["zh", "en"])
        ba_aligner.detect_lang = lambda text, _l=langs: next(_l)
        t0 = time.perf_counter()
        ba = bertalign.Bertalign(src_text, tgt_text, is_split=True, model=enc)
        beads = ba.align_sents()
        secs = time.perf_counter() - t0
        with open(workdir / f"{tid}.align", "w", encoding="utf-8") as f:
            for s, t in beads:
                f.write(f"{[int(x) for x in s]}:{[int(y) for y in t]}\n")
        timing[tid] = secs
        print(f"{tid}: {len(beads)} beads in {secs:.2f}s", file=sys.stderr)
    (workdir / "timing.json").write_text(json.dumps(timing), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
