"""Planted-defect benchmark for the QA flags (issue 3).

From the two bilingual seeds (000 Gromyko interview, 004 China Military
Online), a fixed-seed script plants one defect per case in the segmented
text, re-runs the whole alignment + QA, and checks whether the bead(s) that
hold the damaged sentence carry the expected flag:

| kind | what is planted | detected when the affected bead has |
|---|---|---|
| delete_src | a Chinese body sentence deleted | `addition` or `partial` on its English, or a shifted `low_similarity` |
| delete_tgt | an English body sentence deleted | `omission` or `partial` on its Chinese, or a shifted `low_similarity` |
| delete_paragraph | a whole English body paragraph (2+ sentences) deleted | `omission` or `partial` on its Chinese, or a shifted `low_similarity` |
| drop_clause | the longest comma clause (>= 25% of the sentence) cut from an English sentence, which keeps its end punctuation | `partial` or `low_similarity` |
| change_number | a number in an English sentence changed | `number_mismatch` |
| change_date | a year or day in an English sentence changed | `number_mismatch` |
| swap_name | a person's name in an English sentence swapped for another person of the document (`PERSONS`) | `entity_mismatch` |
| insert | an unrelated English sentence (from seed 003) inserted | `addition` on it, or `partial` naming it inside a merged bead |

A "shifted" `low_similarity` is one whose reason says the sentence may have no
counterpart (the aligner paired the orphan with its neighbour's translation;
``aligner.qa._shifted``). Any severity counts as detected; the table also gives how many were at
warning or error. False alarms: on the clean documents, two-sided body beads
(not captions/metadata) with a warning or error flag, per 100; beads with an
info-level ``partial`` or ``low_similarity`` and no warning or error are
counted beside them.

    .venv/bin/python bench/planted.py [--per-kind 8] [--json bench/out/planted.json]

The random draws repeat cases (a kind with few eligible sentences is drawn
more than once: `--per-kind 16` holds 12 distinct drop_clause cases). For
dropped clauses, ``--clause-population`` instead takes *every* eligible case
of both seeds once (the longest comma clause, >= 25% of the sentence, of each
two-sided 1-1 body bead whose English has 3+ comma clauses) and reports its
recall with the clause check of ``partial`` on and off. ``--clause-oracle``
gives the most the clause check could find on those cases for 0-15 flagged
clean beads of 000, with its threshold chosen on the test itself: an upper
bound of the method, not a result.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aligner.config import AlignConfig  # noqa: E402
from aligner.data import Sentence, Side  # noqa: E402
from aligner.embed import Embedder, get_encoder  # noqa: E402
from aligner.pipeline import align_sides, load_sides  # noqa: E402
from aligner.qa import Lexicon, classify_line  # noqa: E402
from aligner.read import read_document  # noqa: E402
from aligner.segment import Segmenter  # noqa: E402

SEED = 4242
SEEDS = {"000": "corpus/000_3903eb94c200c726.txt", "004": "corpus/004_ecb1ef62764ca60e.txt"}
EXPECT = {
    "delete_src": {"addition", "partial"},
    "delete_tgt": {"omission", "partial"},
    "delete_paragraph": {"omission", "partial"},
    "drop_clause": {"partial", "low_similarity"},
    "change_number": {"number_mismatch"},
    "change_date": {"number_mismatch"},
    "swap_name": {"entity_mismatch"},
    "insert": {"addition", "partial"},  # partial: "English sentence k of n ... matches much worse" names it
}
# The persons named in each document's English (read off the documents by hand): swap_name
# replaces one of them with another person of the same document.
PERSONS = {
    "000": ["Trump", "Biden", "Vance", "Gorbachev", "Gromyko", "Li Hui", "Nixon"],
    "004": ["Ryabkov", "Sherman", "Lukyanov", "Timofeev", "Cafruny", "Li Yonghui", "Mukhin"],
}


def drop_longest_clause(text: str, sep: str = ", ") -> tuple[str, str] | None:
    """(``text`` without its longest clause, that clause): not the first clause, >= 25% of the text, of 3+; or None."""
    parts = text.split(sep)
    if len(parts) < 3:
        return None
    k = max(range(1, len(parts)), key=lambda x: len(parts[x]))
    if len(parts[k]) < 0.25 * len(text):
        return None
    kept = parts[:k] + parts[k + 1:]
    if k == len(parts) - 1:  # the sentence keeps its end ("... a shock." not "... a shock"): an omission, not a cut
        end = re.search(r"[.?!…:;\"'”’)\]。？！；：」』）]*$", parts[k]).group(0)
        kept[-1] = kept[-1].rstrip() + end
    return sep.join(kept), parts[k]


def rebuild(side: Side, sentences: list[tuple[str, int, int]]) -> Side:
    """A side from (text, para, line) triples, ids renumbered 0..n-1."""
    return Side(side.lang, side.path, tuple(Sentence(i, t, p, ln) for i, (t, p, ln) in enumerate(sentences)))


def triples(side: Side) -> list[tuple[str, int, int]]:
    return [(s.text, s.para, s.line) for s in side.sentences]


def body_pairs(al) -> list:
    """Two-sided 1-1 beads of body text (not metadata/captions, both sides >= 8 chars)."""
    out = []
    for b in al.beads:
        if len(b.src_ids) == 1 and len(b.tgt_ids) == 1:
            s, t = al.src.sentences[b.src_ids[0]].text, al.tgt.sentences[b.tgt_ids[0]].text
            if not classify_line(s) and not classify_line(t) and len(s) >= 12 and len(t) >= 40:
                out.append(b)
    return out


def shifted(flag) -> bool:
    """A low_similarity flag whose reason names a sentence with no counterpart (a deletion)."""
    return flag.code == "low_similarity" and "may have no" in flag.reason


def flags_at(al, side: str, ids: set[int]) -> list:
    got = []
    for b in al.beads:
        bid = set(b.src_ids if side == "src" else b.tgt_ids)
        if bid & ids:
            got.extend(b.flags)
    return got


def plant(kind, al, rng, other_en: list[str], doc: str):
    """One case: (new src triples, new tgt triples, side to inspect, ids to inspect there, note) or None."""
    S, T = triples(al.src), triples(al.tgt)
    pairs = body_pairs(al)
    if kind in ("delete_src", "delete_tgt", "drop_clause", "change_number", "change_date", "swap_name"):
        rng.shuffle(pairs)
    if kind == "delete_src":
        b = pairs[0]
        i, j = b.src_ids[0], b.tgt_ids[0]
        return S[:i] + S[i + 1:], T, "tgt", {j}, S[i][0][:30]
    if kind == "delete_tgt":
        b = pairs[0]
        i, j = b.src_ids[0], b.tgt_ids[0]
        return S, T[:j] + T[j + 1:], "src", {i}, T[j][0][:30]
    if kind == "delete_paragraph":
        by_para = defaultdict(list)
        for j, (t, p, _) in enumerate(T):
            by_para[p].append(j)
        cands = [js for js in by_para.values() if len(js) >= 2 and all(len(T[j][0]) >= 40 for j in js)]
        if not cands:
            return None
        js = cands[rng.integers(len(cands))]
        src_ids = {i for b in al.beads if set(b.tgt_ids) & set(js) for i in b.src_ids}
        if not src_ids:
            return None
        return S, [x for k, x in enumerate(T) if k not in set(js)], "src", src_ids, f"{len(js)} sentences"
    if kind == "drop_clause":
        for b in pairs:
            j = b.tgt_ids[0]
            cut = drop_longest_clause(T[j][0])
            if cut:
                T2 = list(T)
                T2[j] = (cut[0], T[j][1], T[j][2])
                return S, T2, "tgt", {j}, cut[1][:30]
        return None
    if kind in ("change_number", "change_date"):
        pat = re.compile(r"\b(1[89]\d\d|20\d\d)\b") if kind == "change_date" else \
            re.compile(r"(?<![\d.\[])(\d{1,3}(?:,\d{3})*|\d+)(?![\d.\]]|\s*(?:st|nd|rd|th)\b)")
        for b in pairs:
            j = b.tgt_ids[0]
            t = T[j][0]
            if kind == "change_number":
                ms = [m for m in pat.finditer(t) if not re.fullmatch(r"1[89]\d\d|20\d\d", m.group(1))]
            else:
                ms = list(pat.finditer(t))
            if not ms:
                continue
            m = ms[0]
            v = int(m.group(1).replace(",", ""))
            nv = v + 7 if kind == "change_date" else (v * 10 if v < 1000 else v + 1)
            T2 = list(T)
            T2[j] = (t[:m.start(1)] + f"{nv}" + t[m.end(1):], T[j][1], T[j][2])
            return S, T2, "tgt", {j}, f"{m.group(1)} -> {nv}"
        return None
    if kind == "swap_name":
        names = PERSONS[doc]
        for b in pairs:
            j = b.tgt_ids[0]
            t = T[j][0]
            here = [n for n in names if re.search(rf"\b{re.escape(n)}\b", t)]
            if not here:
                continue
            old = here[0]
            others = [n for n in names if n != old and n not in t]
            if not others:
                continue
            new = others[rng.integers(len(others))]
            T2 = list(T)
            T2[j] = (re.sub(rf"\b{re.escape(old)}\b", new, t), T[j][1], T[j][2])
            return S, T2, "tgt", {j}, f"{old} -> {new}"
        return None
    if kind == "insert":
        j = int(rng.integers(5, len(T) - 5))
        ins = other_en[int(rng.integers(len(other_en)))]
        T2 = T[:j] + [(ins, T[j][1], T[j][2])] + T[j:]
        return S, T2, "tgt", {j}, ins[:30]
    raise ValueError(kind)


def clause_cases(clean: dict):
    """Every eligible drop_clause case of both seeds: (clean alignment, English side without the clause, its id)."""
    for al0 in clean.values():
        T = triples(al0.tgt)
        for b in body_pairs(al0):
            j = b.tgt_ids[0]
            cut = drop_longest_clause(T[j][0])
            if cut:
                T2 = list(T)
                T2[j] = (cut[0], T[j][1], T[j][2])
                yield al0, rebuild(al0.tgt, T2), j


def clause_population(clean: dict, cfg, emb, lex) -> None:
    """Every eligible drop_clause case of both seeds, with the clause check on and off."""
    from aligner.qa_config import QAConfig

    print("\n| clause check | cases | detected | recall | at warning/error |\n|---|---|---|---|---|")
    for on in (True, False):
        qcfg = QAConfig(clause_check=on)
        n = hit = strong = 0
        for al0, tgt, j in clause_cases(clean):
            al = align_sides(al0.src, tgt, config=cfg, embedder=emb, lexicon=lex, qa_config=qcfg)
            got = [f for f in flags_at(al, "tgt", {j}) if f.code in EXPECT["drop_clause"]]
            n += 1
            hit += bool(got)
            strong += any(f.severity.value in ("warning", "error") for f in got)
        print(f"| {'on' if on else 'off'} | {n} | {hit} | {hit / max(n, 1):.0%} | {strong} ({strong / max(n, 1):.0%}) |")


def clause_oracle(clean: dict, cfg, emb, lex) -> None:
    """Upper bound of the clause check on the seeds: its threshold picked on the test itself.

    For every eligible drop_clause case (as ``--clause-population``) and every
    clean two-sided body bead of 000, the margin of the bead's clause evidence
    over the warning threshold (``aligner.qa.clause_margins``); then, for a
    threshold that flags at most N clean beads of 000, the share of drops
    above it.
    """
    from aligner.qa import clause_margins
    from aligner.qa_config import QAConfig

    al0 = clean["000"]
    m0 = clause_margins(al0.src, al0.tgt, al0.beads, emb.embed)
    clean_m = sorted((m for k, m in m0.items()
                      if not any(classify_line(al0.src.sentences[i].text) for i in al0.beads[k].src_ids)), reverse=True)
    drops = []
    for al0, tgt, j in clause_cases(clean):
        al = align_sides(al0.src, tgt, config=cfg, embedder=emb, lexicon=lex, qa_config=QAConfig(clause_check=False))
        m = clause_margins(al.src, al.tgt, al.beads, emb.embed)
        drops.append(max((m[k] for k, x in enumerate(al.beads) if j in x.tgt_ids and k in m), default=-np.inf))
    d = np.array(drops)
    print(f"\n{len(clean_m)} clean two-sided body beads of 000, {len(d)} English clause drops (both seeds)\n")
    print("| clean 000 beads above the threshold | drops above it | recall |\n|---|---|---|")
    for n in (0, 1, 2, 3, 5, 10, 15):
        thr = clean_m[n] if n < len(clean_m) else -np.inf
        print(f"| {n} ({100 * n / len(clean_m):.1f} per 100) | {(d > thr).sum()} | {np.mean(d > thr):.0%} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-kind", type=int, default=8, help="cases per kind (split over the two seeds)")
    ap.add_argument("--cache", default=str(ROOT / "bench" / "out" / "sqlite-cache"))
    ap.add_argument("--json", default="")
    ap.add_argument("--clause-population", action="store_true",
                    help="every eligible drop_clause case once, clause check on and off (no random draw)")
    ap.add_argument("--clause-oracle", action="store_true",
                    help="the clause check's best recall on those cases for 0-15 flagged clean beads of 000, "
                         "its threshold picked on the test (an upper bound, not a result)")
    args = ap.parse_args()
    cfg = AlignConfig(cache_dir=Path(args.cache))
    emb = Embedder(get_encoder(cfg.model), cfg)
    lex = Lexicon()
    rng = np.random.default_rng(SEED)
    seg = Segmenter()
    other = read_document(ROOT / "corpus" / "003_f725e8e258dcd48d.txt")
    other_en = [s.text for s in seg.segment(other.en).sentences if 60 <= len(s.text) <= 200]

    clean = {}
    false_alarms = []
    for key, path in SEEDS.items():
        loaded = load_sides([ROOT / path])
        al = align_sides(loaded.src, loaded.tgt, config=cfg, embedder=emb, lexicon=lex)
        clean[key] = al
        body = [b for b in al.beads if b.src_ids and b.tgt_ids
                and not any(classify_line(al.src.sentences[i].text) for i in b.src_ids)]
        bad = [b for b in body if any(f.severity.value in ("warning", "error") for f in b.flags)]
        info = [b for b in body if b not in bad and any(f.severity.value == "info" and f.code in ("partial", "low_similarity")
                                                        for f in b.flags)]
        false_alarms.append({"doc": key, "body_beads": len(body), "flagged": len(bad), "info_only": len(info),
                             "flags": sorted({f.code for b in bad for f in b.flags
                                              if f.severity.value in ("warning", "error")})})
    if args.clause_population:
        clause_population(clean, cfg, emb, lex)
        return
    if args.clause_oracle:
        clause_oracle(clean, cfg, emb, lex)
        return
    results = defaultdict(list)
    for kind in EXPECT:
        n = 0
        tries = 0
        while n < args.per_kind and tries < args.per_kind * 4:
            tries += 1
            key = list(SEEDS)[tries % 2]
            al0 = clean[key]
            case = plant(kind, al0, rng, other_en, key)
            if case is None:
                continue
            S, T, side, ids, note = case
            src, tgt = rebuild(al0.src, S), rebuild(al0.tgt, T)
            al = align_sides(src, tgt, config=cfg, embedder=emb, lexicon=lex)
            got = flags_at(al, side, ids)
            codes = {f.code for f in got}
            hits = [f for f in got if f.code in EXPECT[kind] or (kind.startswith("delete") and shifted(f))]
            hit = bool(hits)
            strong = any(f.severity.value in ("warning", "error") for f in hits)
            results[kind].append({"doc": key, "note": note, "detected": hit, "warning_or_error": strong,
                                  "codes": sorted(codes)})
            n += 1
            print(json.dumps({"kind": kind, **results[kind][-1]}, ensure_ascii=False), flush=True)
    print("\n| kind | cases | detected | recall | at warning/error |")
    print("|---|---|---|---|---|")
    total = 0
    for kind, rs in results.items():
        d = sum(r["detected"] for r in rs)
        s = sum(r["warning_or_error"] for r in rs)
        total += len(rs)
        print(f"| {kind} | {len(rs)} | {d} | {d / len(rs):.0%} | {s} |")
    print(f"\n{total} cases. False alarms on the clean documents (two-sided body beads with a warning/error):")
    for fa in false_alarms:
        print(f"- {fa['doc']}: {fa['flagged']} of {fa['body_beads']} ({100 * fa['flagged'] / fa['body_beads']:.1f} "
              f"per 100): {', '.join(fa['flags']) or '-'}; {fa['info_only']} more with an info-level partial or "
              f"low_similarity only ({100 * fa['info_only'] / fa['body_beads']:.1f} per 100)")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "false_alarms": false_alarms}, indent=1,
                                              ensure_ascii=False))


if __name__ == "__main__":
    main()
