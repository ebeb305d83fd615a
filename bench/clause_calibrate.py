"""Calibrate the clause check of ``partial`` (``aligner/clauses.py``) on MAC-Test, not on the seeds.

The planted-defect benchmark (``bench/planted.py``) measures on seeds 000 and
004, so the clause check's thresholds are set here, on another corpus:
MAC-Test's gold beads (six novels, literary translation). Cases:

* clean: every two-sided gold bead;
* en drop: the longest comma clause (not the first, >= 25% of the text) cut from
  the English of a gold bead with 3+ comma clauses (the rule of ``planted.py``);
* zh drop: the same on the Chinese side (clauses cut at "，").

For each case the evidence is the one ``aligner.qa`` computes: ``d``, the
bead's robust z-score of the log length ratio against the text's confident
gold beads (``qa.length_model``; confident = cosine at or above the text's
median), and the best leave-out gain of a side (``clauses.leave_out``). The evidence is ``gain + slope * shorter``
(``shorter``: how many sds shorter than usual the other side is)
both for the Chinese (source) side against the English and the other way
round. For each slope the script sets the warning and info thresholds so that
1% and 5% of clean beads are flagged (80% of that budget for source clauses,
omissions) and prints the recall of the drops; it picks the smallest slope whose
sum of the four recalls is within ``PICK_TOLERANCE`` of the best.

    .venv/bin/python bench/clause_calibrate.py [--json bench/out/clause_calibrate.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import mactest  # noqa: E402
from planted import drop_longest_clause  # noqa: E402
from aligner.clauses import leave_out  # noqa: E402
from aligner.config import AlignConfig  # noqa: E402
from aligner.embed import Embedder, get_encoder  # noqa: E402
from aligner.qa import length_model  # noqa: E402
from aligner.qa_config import QAConfig  # noqa: E402

SLOPES = (0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08)
#: Sums of the four recalls this close to the best are a tie (0.01: about 5 of the 3,105 drops per recall).
PICK_TOLERANCE = 0.01
#: Share of the flag budget given to source clauses missing from the target (omissions, the defect that
#: translation QA is for); the rest goes to target clauses with no source (additions).
SRC_SHARE = 0.8
#: How much longer than usual the other side may count against a leave-out, in sds.
D_CLIP = QAConfig().clause_longer_clip
#: Gain given to a side with no clause to leave out.
NO_CANDIDATE = QAConfig().clause_no_candidate


def cases(emb: Embedder, cfg: QAConfig) -> list[dict]:
    out = []
    for t in mactest.load():
        beads = [(s, g) for s, g in t.gold if s and g]
        zh = ["".join(t.zh[i] for i in s) for s, _ in beads]
        en = [" ".join(t.en[j] for j in g) for _, g in beads]
        Z, E = emb.embed(zh, "zh"), emb.embed(en, "en")
        sc = np.einsum("ij,ij->i", Z, E)
        conf = sc >= np.median(sc)
        _, mu, sd = length_model(zh, en, conf, "zh", "en", cfg)
        for z, e in zip(zh, en):
            out.append({"text": t.id, "kind": "clean", "zh": z, "en": e, "mu": mu, "sd": sd})
            ne = drop_longest_clause(e, ", ")
            if ne:
                out.append({"text": t.id, "kind": "en_drop", "zh": z, "en": ne[0], "mu": mu, "sd": sd})
            nz = drop_longest_clause(z, "，")
            if nz:
                out.append({"text": t.id, "kind": "zh_drop", "zh": nz[0], "en": e, "mu": mu, "sd": sd})
    return out


def evidence(got, shorter: np.ndarray, slope: float) -> np.ndarray:
    """gain + slope x (how much shorter the other side is, in robust sds, at least -D_CLIP); gain NO_CANDIDATE
    where the side has no clause to leave out (``aligner.qa`` computes the same)."""
    g = np.array([x.gain if x else NO_CANDIDATE for x in got])
    return g + slope * np.maximum(shorter, -D_CLIP)


def thresholds(ev_src: np.ndarray, ev_tgt: np.ndarray, fpr: float, src_share: float) -> tuple[float, float]:
    """(source-side, target-side) thresholds: the source side alone flags ``src_share`` x ``fpr`` of clean
    beads, the target side's threshold is the lowest that keeps the union at ``fpr``."""
    ts = float(np.quantile(ev_src, 1 - src_share * fpr))
    tt = float("inf")
    for cand in np.sort(ev_tgt)[::-1]:
        if np.mean((ev_src > ts) | (ev_tgt > cand)) > fpr:
            break
        tt = float(cand)
    return ts, tt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=str(ROOT / "bench" / "out" / "sqlite-cache"))
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    qcfg = QAConfig()
    emb = Embedder(get_encoder("use-m3"), AlignConfig(cache_dir=Path(args.cache)))
    cs = cases(emb, qcfg)
    for c in cs:
        lr, _, _ = length_model([c["zh"]], [c["en"]], None, "zh", "en", qcfg)
        c["d"] = float((lr[0] - c["mu"]) / c["sd"])
    # source = Chinese (MAC-Test translates zh -> en); d < 0: the English is shorter than usual
    gz = leave_out([(c["zh"], "zh", c["en"], "en") for c in cs], emb.embed, min_share=qcfg.clause_min_share)
    ge = leave_out([(c["en"], "en", c["zh"], "zh") for c in cs], emb.embed, min_share=qcfg.clause_min_share)
    d = np.array([c["d"] for c in cs])
    kind = np.array([c["kind"] for c in cs])
    clean = kind == "clean"
    print(f"{clean.sum()} clean gold beads, {(kind == 'en_drop').sum()} English and "
          f"{(kind == 'zh_drop').sum()} Chinese clause drops; "
          f"{sum(g is None for g in gz)} / {sum(g is None for g in ge)} without a Chinese / English candidate")
    rows = []
    for slope in SLOPES:
        es, et = evidence(gz, -d, slope), evidence(ge, d, slope)
        r = {"slope": slope}
        for fpr, name in ((0.01, "warning"), (0.05, "info")):
            ts, tt = thresholds(es[clean], et[clean], fpr, SRC_SHARE)
            hit = (es > ts) | (et > tt)
            r[name] = {"src_thr": ts, "tgt_thr": tt, "fpr": float(np.mean(hit[clean])),
                       "en_drop": float(np.mean(hit[kind == "en_drop"])),
                       "zh_drop": float(np.mean(hit[kind == "zh_drop"]))}
        rows.append(r)
    print("| slope | warning: zh thr | en thr | clean flagged | en drop | zh drop "
          "| info: zh thr | en thr | clean flagged | en drop | zh drop |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        w, i = r["warning"], r["info"]
        print(f"| {r['slope']:g} | {w['src_thr']:.3f} | {w['tgt_thr']:.3f} | {w['fpr']:.3f} | {w['en_drop']:.2f} | "
              f"{w['zh_drop']:.2f} | {i['src_thr']:.3f} | {i['tgt_thr']:.3f} | {i['fpr']:.3f} | {i['en_drop']:.2f} | "
              f"{i['zh_drop']:.2f} |")
    # the smallest slope whose sum of the four recalls (two directions, warning and info) is within
    # PICK_TOLERANCE of the best: a few of 3,105 planted drops is noise, not a reason for more length weight
    total = {r["slope"]: sum(r[n][k] for n in ("warning", "info") for k in ("en_drop", "zh_drop")) for r in rows}
    top = max(total.values())
    best = min((r for r in rows if total[r["slope"]] >= top - PICK_TOLERANCE), key=lambda r: r["slope"])
    print(f"\nbest: slope {best['slope']:g}; warning at {best['warning']['src_thr']:.3f} (source clauses) / "
          f"{best['warning']['tgt_thr']:.3f} (target clauses), info at {best['info']['src_thr']:.3f} / "
          f"{best['info']['tgt_thr']:.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "best": best}, indent=1))


if __name__ == "__main__":
    main()
