"""QA on real translations: omissions and additions marked by MQM raters (zh→en).

Aligns every (set, system, document) of ``../shared/bench/mqm-zhen/dev.jsonl.gz``
as a pair of presplit sides (one segment a line, as ``aligner align ZH EN
--presplit`` reads them) through the library in one process, then asks, per
segment, what a reviewer would see: the flags on the bead(s) holding the
segment's Chinese and English sentences.

Definitions (the data's README):

* omission segment: an omission marked by a majority of its raters (2 of 3 on
  WMT23; the one rater on TED);
* clause-size: its longest marked omission span has >= 10 characters;
* addition segment: an addition marked by a majority of its raters;
* clean segment: no rater marked any Accuracy error.

Reported per set and overall: recall at warning/error and at any severity
(omission: an ``omission`` or ``partial`` flag; addition: an ``addition`` flag), false-warning rate on clean segments
(any warning or error of the same kind), precision at warning, and ROC-AUC of
the per-segment suspicion score (the bead's calibrated omission / addition
probability where the library gives one, else 1 - bead score), beside two
baselines: plain sentence cosine of the segment pair and the length ratio.

    .venv/bin/python bench/qa_mqm.py [--json bench/out/qa_mqm.json] [--segments bench/out/qa_mqm_segments.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aligner.config import AlignConfig  # noqa: E402
from aligner.data import Sentence, Side  # noqa: E402
from aligner.embed import Embedder, get_encoder  # noqa: E402
from aligner.pipeline import align_sides  # noqa: E402
from aligner.qa import Lexicon  # noqa: E402

DATA = ROOT.parent / "shared" / "bench" / "mqm-zhen" / "dev.jsonl.gz"
OMIT_CODES = ("omission", "partial")
ADD_CODES = ("addition",)
CLAUSE_CHARS = 10


def load(path: Path = DATA) -> dict[tuple[str, str, str], list[dict]]:
    """(set, system, doc) -> the document's segments in ``seg`` order."""
    docs: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if "_meta" in rec:
                continue
            docs[(rec["set"], rec["system"], rec["doc"])].append(rec)
    for segs in docs.values():
        segs.sort(key=lambda r: r["seg"])
    return dict(docs)


def majority(marks: dict, raters: list) -> bool:
    """Marked by a majority of the segment's raters (the one rater where there is one)."""
    return 2 * len(marks) > len(raters) if len(raters) > 1 else bool(marks)


def labels(seg: dict) -> dict[str, bool]:
    om = majority(seg["omit"], seg["raters"])
    longest = max((len(s[2]) for s in seg["omit_spans"]), default=0)
    return {"omission": om, "clause": om and longest >= CLAUSE_CHARS,
            "addition": majority(seg["add"], seg["raters"]), "clean": not seg["acc"]}


def side(lang: str, name: str, texts: list[str]) -> Side:
    """A presplit side: one sentence per segment (segments are never empty in this data)."""
    return Side(lang, name, tuple(Sentence(i, " ".join(t.split()), 0, i + 1) for i, t in enumerate(texts)))


def auc(score: np.ndarray, pos: np.ndarray) -> float:
    """ROC-AUC of ``score`` (higher = more suspect) for the boolean ``pos``; ties count half."""
    from scipy.stats import rankdata

    pos = pos.astype(bool)
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if not n1 or not n0:
        return float("nan")
    r = rankdata(score)
    return float((r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _kind_flags(flags: list[dict], codes: tuple[str, ...]) -> list[dict]:
    return [f for f in flags if f["code"] in codes]


def segment_records(docs, cfg: AlignConfig, limit: int = 0) -> list[dict]:
    """Align every document; one record per segment with its labels, flags and scores."""
    emb = Embedder(get_encoder(cfg.model), cfg)
    lex = Lexicon()
    out: list[dict] = []
    for n, ((set_, system, doc), segs) in enumerate(sorted(docs.items())):
        if limit and n >= limit:
            break
        name = f"{set_}/{system}/{doc}"
        src = side("zh", name + ".zh", [s["src"] for s in segs])
        tgt = side("en", name + ".en", [s["tgt"] for s in segs])
        al = align_sides(src, tgt, config=cfg, embedder=emb, lexicon=lex, presplit_input=True)
        S, T = al.meta["src_vecs"], al.meta["tgt_vecs"]
        of_src, of_tgt = {}, {}
        for k, b in enumerate(al.beads):
            for i in b.src_ids:
                of_src[i] = k
            for j in b.tgt_ids:
                of_tgt[j] = k
        lens = np.array([[len("".join(s["src"].split())), len("".join(s["tgt"].split()))] for s in segs], float)
        for i, s in enumerate(segs):
            ks = sorted({of_src[i], of_tgt[i]})
            beads = [al.beads[k] for k in ks]
            flags = [{"code": f.code, "severity": f.severity.value, "reason": f.reason} for b in beads for f in b.flags]
            two = [b for b in beads if b.src_ids and b.tgt_ids]
            pom = [b.p_omission for b in two if b.p_omission is not None]
            padd = [b.p_addition for b in two if b.p_addition is not None]
            out.append({
                "set": set_, "system": system, "doc": doc, "seg": s["seg"], **labels(s),
                "flags": flags,
                "bead_score": min((b.score for b in two), default=0.0),
                # a segment in no two-sided bead: its source (target) left without a counterpart is certain
                "p_omission": max(pom) if pom else (None if not any(b.p_omission is not None for b in al.beads)
                                                    else float(not al.beads[of_src[i]].tgt_ids)),
                "p_addition": max(padd) if padd else (None if not any(b.p_addition is not None for b in al.beads)
                                                      else float(not al.beads[of_tgt[i]].src_ids)),
                "cosine": float(S[i] @ T[i]),
                "len_ratio": float(np.log((lens[i, 1] + 1) / (lens[i, 0] + 1))),
                "aligned_1to1": ks == [of_src[i]] and al.beads[ks[0]].src_ids == (i,)
                and al.beads[ks[0]].tgt_ids == (i,),
            })
        if (n + 1) % 20 == 0:
            print(f"  {n + 1} documents", file=sys.stderr)
    return out


def _len_baseline(recs: list[dict]) -> np.ndarray:
    """Length-ratio suspicion: how far below its document's median log ratio a segment is."""
    by_doc: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(recs):
        by_doc[(r["set"], r["system"], r["doc"])].append(i)
    x = np.array([r["len_ratio"] for r in recs])
    out = np.zeros(len(recs))
    for idx in by_doc.values():
        out[idx] = np.median(x[idx]) - x[idx]
    return out


def evaluate(recs: list[dict]) -> dict:
    """The figures for one group of segment records."""
    def col(name):
        return np.array([r[name] for r in recs])

    om, cl, ad, clean = col("omission"), col("clause"), col("addition"), col("clean")
    res: dict = {"segments": len(recs), "omission": int(om.sum()), "clause": int(cl.sum()),
                 "addition": int(ad.sum()), "clean": int(clean.sum())}
    warn_all = np.array([any(f["severity"] != "info" for f in r["flags"]) for r in recs])
    res["clean_warned_any_code"] = float(warn_all[clean].mean()) if clean.any() else float("nan")
    for kind, pos, codes, add in (("omission", om, OMIT_CODES, False), ("clause", cl, OMIT_CODES, False),
                                  ("addition", ad, ADD_CODES, True)):
        warn = np.array([any(f["severity"] != "info" for f in _kind_flags(r["flags"], codes)) for r in recs])
        anyf = np.array([bool(_kind_flags(r["flags"], codes)) for r in recs])
        p_name = "p_addition" if add else "p_omission"
        if any(r[p_name] is not None for r in recs):  # the model ran (documents where it did not: 0)
            susp = np.array([r[p_name] if r[p_name] is not None else 0.0 for r in recs], float)
        else:
            susp = 1 - col("bead_score").astype(float)
        lenb = _len_baseline(recs) * (-1 if add else 1)
        res[kind] = {
            "recall_warning": float(warn[pos].mean()) if pos.any() else float("nan"),
            "recall_any": float(anyf[pos].mean()) if pos.any() else float("nan"),
            "clean_warned": float(warn[clean].mean()) if clean.any() else float("nan"),
            "precision_warning": float(pos[warn].mean()) if warn.any() else float("nan"),
            "n": int(pos.sum()), "warned": int(warn.sum()),
            "auc": auc(susp, pos), "auc_cosine": auc(-col("cosine"), pos), "auc_length": auc(lenb, pos),
            # against clean segments only (segments with other accuracy errors left out)
            "auc_vs_clean": auc(susp[pos | clean], pos[pos | clean]),
            "auc_cosine_vs_clean": auc(-col("cosine")[pos | clean], pos[pos | clean]),
            "auc_length_vs_clean": auc(lenb[pos | clean], pos[pos | clean]),
        }
    return res


def table(results: dict[str, dict]) -> str:
    rows = ["| set | kind | n | recall at warning | recall any severity | clean warned | precision at warning "
            "| ROC-AUC (vs clean) | AUC cosine (vs clean) | AUC length (vs clean) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        rows.append(f"| {name} | clean segments with any warning | {r['clean']} | | | "
                    f"{r['clean_warned_any_code']:.1%} | | | | |")
        for kind in ("omission", "clause", "addition"):
            k = r[kind]
            rows.append(f"| {name} | {kind} | {k['n']} "
                        f"| {k['recall_warning']:.1%} | {k['recall_any']:.1%} | {k['clean_warned']:.1%} "
                        f"| {k['precision_warning']:.1%} | {k['auc']:.3f} ({k['auc_vs_clean']:.3f}) "
                        f"| {k['auc_cosine']:.3f} ({k['auc_cosine_vs_clean']:.3f}) "
                        f"| {k['auc_length']:.3f} ({k['auc_length_vs_clean']:.3f}) |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--cache", default=str(ROOT / "bench" / "out" / "sqlite-cache"))
    ap.add_argument("--json", default="")
    ap.add_argument("--segments", default="", help="write the per-segment records (JSON Lines)")
    ap.add_argument("--limit", type=int, default=0, help="first N documents only (a smoke run)")
    ap.add_argument("--from-segments", default="", help="re-evaluate saved per-segment records, aligning nothing")
    args = ap.parse_args()
    cfg = AlignConfig(cache_dir=Path(args.cache))
    if args.from_segments:
        recs = [json.loads(x) for x in open(args.from_segments, encoding="utf-8")]
    else:
        recs = segment_records(load(Path(args.data)), cfg, args.limit)
    if args.segments:
        with open(args.segments, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    results = {s: evaluate([r for r in recs if r["set"] == s]) for s in sorted({r["set"] for r in recs})}
    results["all"] = evaluate(recs)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
