"""Synthetic book-scale error kinds (issue 20), built from MAC-Test or MQM with the expected alignment known.

Each kind is inserted into MAC-Test texts (``--texts``), or with ``--base mqm`` into the MQM development half's
talks and news (``load_mqm``), at gold bead boundaries, the rest of each text and its gold left as they are:

``repeated``
    a list of ``--items`` entries where every entry is a numbered line plus
    one and the same sentence (他和他的兄弟共十二人。) on the Chinese side and one
    English line per entry: gold 2-1 beads, the repeated sentence the second
    member. One early slip puts every pair of the list off by one.
``heading``
    a short Chinese heading with no English counterpart (（第N节）, 第N章
    TITLE) before every ``--every``-th bead: gold merges it with the bead
    that follows (headings belong with what follows them).
``bracket``
    a bracketed note of one to three lines on the Chinese side only, cut at its sentence ends, whose
    closing bracket starts the next line (``（某某的诗，交与伶长。`` / ``调用第三。`` / ``）`` + the next
    bead's first line), as a verse text split at 。 leaves a psalm superscription, before every
    ``--every``-th bead: gold merges the note's lines with the bead that follows.
``formulaic``
    a short formulaic sentence (事情就是这样。 / "And so it was.") appended
    to every ``--every``-th 1-1 bead, on the Chinese side as a sentence of its
    own and on the English side inside the same line: gold 2-1, the short
    sentence the last member.

``names`` / ``verses``
    the 1 Chronicles 25 list: a name alone and the repeated sentence on two Chinese lines (gold 2-1), or one
    line an entry as a verse text has it (第十三，书巴业；他和他儿子并弟兄共十二人。, gold 1-1).

Reports strict / lax F1 (MAC-Test definitions, ``bench/mactest.py``) per kind
over the inserted documents, on the whole documents and on the inserted beads
and their neighbours only, and the same for the untouched texts.
Embeddings come from the library (``Embedder``, cached in ``bench/out/sqlite-cache``); the alignment is
``aligner.pipeline.align_stage`` with the default config, as the pipeline runs ``--presplit`` input.

    .venv/bin/python bench/book_kinds.py [--texts 001,005,009,013,017,021] [--paras] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import align_quality as A  # noqa: E402
import mactest as M  # noqa: E402

OUT = HERE / "out"

#: Entries of the repeated list: (Chinese name, English name).
NAMES = [("张伟", "Zhang Wei"), ("王芳", "Wang Fang"), ("李娜", "Li Na"), ("刘洋", "Liu Yang"),
         ("陈静", "Chen Jing"), ("杨帆", "Yang Fan"), ("赵磊", "Zhao Lei"), ("黄强", "Huang Qiang"),
         ("周敏", "Zhou Min"), ("吴军", "Wu Jun"), ("徐杰", "Xu Jie"), ("孙涛", "Sun Tao"),
         ("马超", "Ma Chao"), ("朱明", "Zhu Ming"), ("胡斌", "Hu Bin"), ("郭亮", "Guo Liang"),
         ("何平", "He Ping"), ("高峰", "Gao Feng"), ("林海", "Lin Hai"), ("罗刚", "Luo Gang"),
         ("郑凯", "Zheng Kai"), ("梁宇", "Liang Yu"), ("谢东", "Xie Dong"), ("宋阳", "Song Yang")]
ZH_NUM = "一二三四五六七八九十"
EN_ORD = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
          "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
          "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty-second", "twenty-third",
          "twenty-fourth"]
REPEATED_ZH = "他和他的兄弟共十二人。"
HEADINGS = ["（第{n}节）", "第{n}章　风雪", "（译者按：此处原文有删节）", "第{n}回", "【{n}】"]
FORMULAIC = ("事情就是这样。", "And so it was.")


def zh_number(n: int) -> str:
    """1..99 in Chinese numerals (十三, 二十一)."""
    if n <= 10:
        return ZH_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ZH_NUM[tens - 1]) + "十" + (ZH_NUM[ones - 1] if ones else "")


def _rebuild(text: M.MacText, pieces) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    """Concatenate beads given as (zh lines, en lines, shape) with fresh ids; returns the gold and the inserted bead indices."""
    zh: list[str] = []
    en: list[str] = []
    gold: list[M.Bead] = []
    marked: set[int] = set()
    for zs, es, inserted in pieces:
        src = tuple(range(len(zh), len(zh) + len(zs)))
        tgt = tuple(range(len(en), len(en) + len(es)))
        zh.extend(zs)
        en.extend(es)
        if inserted:
            marked.add(len(gold))
        gold.append((src, tgt))
    return zh, en, gold, marked


def _gold_pieces(text: M.MacText):
    return [([text.zh[i] for i in s], [text.en[j] for j in t], False) for s, t in text.gold]


def make_repeated(text: M.MacText, items: int) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    pieces = _gold_pieces(text)
    at = len(pieces) // 3
    block = []
    for k in range(items):
        zn, en_name = NAMES[k % len(NAMES)]
        block.append(([f"第{zh_number(k + 1)}队由{zn}带领。", REPEATED_ZH],
                      [f"The {EN_ORD[k % len(EN_ORD)]} company was led by {en_name}; he and his brothers were twelve."],
                      True))
    return _rebuild(text, pieces[:at] + block + pieces[at:])


def _before_every(text: M.MacText, every: int, lead) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    """Every ``every``-th two-sided gold bead's Chinese lines replaced by ``lead(n, lines)`` (n = 1, 2, ...)."""
    pieces = _gold_pieces(text)
    out = []
    n = 0
    for b, (zs, es, _) in enumerate(pieces):
        if b and b % every == 0 and zs and es:
            n += 1
            out.append((lead(n, zs), es, True))
        else:
            out.append((zs, es, False))
    return _rebuild(text, out)


def make_heading(text: M.MacText, every: int) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    return _before_every(text, every, lambda n, zs: [HEADINGS[n % len(HEADINGS)].format(n=zh_number(n))] + zs)


def make_formulaic(text: M.MacText, every: int) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    pieces = _gold_pieces(text)
    out = []
    seen = 0
    for zs, es, _ in pieces:
        if len(zs) == 1 and len(es) == 1:
            seen += 1
            if seen % every == 0:
                out.append((zs + [FORMULAIC[0]], [es[0].rstrip() + " " + FORMULAIC[1]], True))
                continue
        out.append((zs, es, False))
    return _rebuild(text, out)


#: Bracketed notes cut into lines by sentence ends, as a verse text split at 。 leaves a psalm's superscription:
#: the closing bracket starts the next line (（大卫的诗，交与伶长。 / ）耶和华啊…).
BRACKET_NOTES = [["（{name}的诗，交与伶长。"], ["（{name}的金诗，交与伶长。", "调用第{n}。"],
                 ["（{name}逃避他仇敌的时候作的诗。", "交与伶长。", "用丝弦的乐器。"]]


def make_bracket(text: M.MacText, every: int) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    def lead(n: int, zs: list[str]) -> list[str]:
        note = [x.format(name=NAMES[n % len(NAMES)][0], n=zh_number(n)) for x in BRACKET_NOTES[n % 3]]
        return note + ["）" + zs[0]] + zs[1:]

    return _before_every(text, every, lead)


#: A list of transliterated names (1 Chronicles 25:9-31, CUV / KJV), for the ``names`` kind.
NAMES_LIST = [("约瑟", "Joseph"), ("基大利", "Gedaliah"), ("撒刻", "Zaccur"), ("伊洗利", "Izri"), ("尼探雅", "Nethaniah"),
              ("布基雅", "Bukkiah"), ("耶萨利拉", "Jesharelah"), ("耶筛亚", "Jeshaiah"), ("玛探雅", "Mattaniah"),
              ("示每", "Shimei"), ("亚萨列", "Azareel"), ("哈沙比雅", "Hashabiah"), ("书巴业", "Shubael"),
              ("玛他提雅", "Mattithiah"), ("耶利摩", "Jeremoth"), ("哈拿尼雅", "Hananiah"), ("约施比加沙", "Joshbekashah"),
              ("哈拿尼", "Hanani"), ("玛罗提", "Mallothi"), ("以利亚他", "Eliathah"), ("何提", "Hothir"),
              ("基大利提", "Giddalti"), ("玛哈秀", "Mahazioth")]
REPEATED_LIST = ("他和他儿子并弟兄共十二人。", "he, his sons, and his brethren, were twelve:")


def make_names(text: M.MacText, items: int) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    """The repeated list with names alone: a Chinese line holding a transliterated name, then the repeated
    sentence; the English line the name and the sentence (gold 2-1). No ordinal tells the entries apart, and the
    encoder does not know the names (示每 / Shimei: cosine ~0.2, as with any other name)."""
    pieces = _gold_pieces(text)
    at = len(pieces) // 3
    block = [([f"{zn}。", REPEATED_LIST[0]], [f"{en}, {REPEATED_LIST[1]}"], True)
             for zn, en in (NAMES_LIST * (items // len(NAMES_LIST) + 1))[:items]]
    return _rebuild(text, pieces[:at] + block + pieces[at:])


def make_verses(text: M.MacText, items: int) -> tuple[list[str], list[str], list[M.Bead], set[int]]:
    """The names list as a verse text has it, one line an entry: ``第十三，书巴业；他和他儿子并弟兄共十二人。`` /
    "The thirteenth to Shubael, he, his sons, and his brethren, were twelve:" (1 Chronicles 25:9-31, CUV / KJV);
    gold 1-1. Only the ordinal and the name tell the lines apart."""
    pieces = _gold_pieces(text)
    at = len(pieces) // 3
    names = (NAMES_LIST * (items // len(NAMES_LIST) + 1))[:items]
    block = [([f"第{zh_number(k + 1)}，{zn}；{REPEATED_LIST[0]}"],
              [f"The {EN_ORD[k % len(EN_ORD)]} to {en}, {REPEATED_LIST[1]}"], True) for k, (zn, en) in enumerate(names)]
    return _rebuild(text, pieces[:at] + block + pieces[at:])


KINDS = {"repeated": make_repeated, "heading": make_heading, "formulaic": make_formulaic, "bracket": make_bracket,
         "names": make_names, "verses": make_verses}


def bead_paras(gold: list[M.Bead], marked: set[int], n: int, m: int, kind: str) -> dict:
    """``src_paras`` / ``tgt_paras`` of a book with a blank line between paragraphs: every gold bead one, and
    for ``heading`` the inserted heading one of its own (a chapter heading set off by blank lines)."""
    sp, tp = np.zeros(n, np.int64), np.zeros(m, np.int64)
    k = 0
    for b, (src, tgt) in enumerate(gold):
        for x, i in enumerate(src):
            sp[i] = k + (1 if kind == "heading" and b in marked and x > 0 else 0)
        for j in tgt:
            tp[j] = k
        k += 2
    return {"src_paras": sp, "tgt_paras": tp}


def near(gold: list[M.Bead], marked: set[int], pred: list[M.Bead]) -> tuple[list[M.Bead], list[M.Bead]]:
    """Gold beads that are inserted or next to one, and the predicted beads touching their sentences."""
    keep = {i + d for i in marked for d in (-1, 0, 1) if 0 <= i + d < len(gold)}
    g = [gold[i] for i in sorted(keep)]
    zs = {s for b in g for s in b[0]}
    ts = {t for b in g for t in b[1]}
    p = [b for b in pred if set(b[0]) & zs or set(b[1]) & ts]
    return g, p


def _tally(kept: list[int], gold, pred: set, marked: set[int], gold0, pred0: set) -> None:
    """Add to ``kept`` the inserted gold beads and their neighbours: how many, how many the untouched
    text's alignment (``gold0`` / ``pred0``, same bead indices) has exactly, how many this one has, and how many
    both: ``near_kept`` (both / untouched) is the share of right beads the insertion leaves right."""
    for i in sorted({i + d for i in marked for d in (-1, 0, 1) if 0 <= i + d < len(gold)}):
        a, b = gold0[i] in pred0, gold[i] in pred
        kept[0] += 1
        kept[1] += a
        kept[2] += b
        kept[3] += a and b


def run(texts: list[M.MacText], kinds: list[str], items: int, every: int, config=None, heads=True,
        paras=False, sounds=True) -> dict:
    """Strict/lax F1 per kind; ``heads``: read headings (``segment.heading_spans``) as the pipeline does on ``--presplit`` input;
    ``paras``: every gold bead a paragraph and an inserted heading one of its own (``bead_paras``), as
    ``--presplit`` reads a book with blank lines between paragraphs (default: one block of lines)."""
    from aligner.config import AlignConfig
    from aligner.embed import Embedder, get_encoder
    from aligner.pipeline import align_stage

    config = config or AlignConfig()
    emb = Embedder(get_encoder(config.model), config.with_(cache_dir=OUT / "sqlite-cache"))
    sounds = A.bench_sounds() if sounds else None
    results = {}
    untouched: list[tuple[list[M.Bead], set[M.Bead]]] = []  # each text's gold and predicted beads, no insertion
    for kind in ["none"] + kinds:
        golds, preds, ng, np_ = [], [], [], []
        kept = [0, 0, 0, 0]  # neighbourhood beads; right untouched; right with the kind; right in both
        t0 = time.perf_counter()
        for text in texts:
            if kind == "none":
                zh, en, gold, marked = _rebuild(text, _gold_pieces(text))
            else:
                zh, en, gold, marked = KINDS[kind](text, items if kind in ("repeated", "names", "verses") else every)
            sp = bead_paras(gold, marked, len(zh), len(en), kind) if paras else {}
            src, tgt = A.side_of(zh, "zh", sp.get("src_paras")), A.side_of(en, "en", sp.get("tgt_paras"))
            st = align_stage(src, tgt, emb.embed(zh, "zh"), emb.embed(en, "en"), emb, config=config,
                             presplit_input=heads, sounds=sounds)
            beads = st.line_beads()
            pred = [(tuple(b.src_ids), tuple(b.tgt_ids)) for b in beads]
            golds.append(gold)
            preds.append(pred)
            if kind == "none":
                untouched.append((gold, set(pred)))
            if marked:
                g, p = near(gold, marked, pred)
                ng.append(g)
                np_.append(p)
                if kind not in ("repeated", "names", "verses"):  # one gold bead for one untouched gold bead: compare bead by bead
                    _tally(kept, gold, set(pred), marked, *untouched[len(golds) - 1])
        whole = M.score_many(golds, preds)
        res = {"strict_f1": round(whole["f1_strict"], 4), "lax_f1": round(whole["f1_lax"], 4),
               "seconds": round(time.perf_counter() - t0, 1)}
        if ng:
            loc = M.score_many(ng, np_)
            res.update(inserted_strict_f1=round(loc["f1_strict"], 4), inserted_lax_f1=round(loc["f1_lax"], 4),
                       inserted_beads=sum(len(g) for g in ng))
        if kept[0]:
            res.update(near_exact=round(kept[2] / kept[0], 4), near_exact_untouched=round(kept[1] / kept[0], 4),
                       near_kept=round(kept[3] / kept[1], 4))
        results[kind] = res
        print(kind, json.dumps(res), flush=True)
    return results


#: The MQM base (``--base mqm``): news and talks whose translations pair segment by segment, so the kinds are
#: measured where the untouched alignment is near perfect (MAC-Test's literary pairs cap the neighbours at ~0.95).
MQM_BASE = (("wmt21-ted", "ref"), ("wmt23-sxs", "GPT4-5shot"))


def load_mqm(path: Path | None = None) -> list[M.MacText]:
    """The MQM development half as MAC-Test-like texts with 1-1 gold: each TED talk's human reference
    (``ref``) a text, and one system's translations of the 19 news documents (10 segments each) in one text."""
    import qa_mqm

    docs = qa_mqm.load(path or qa_mqm.DATA)
    texts: list[M.MacText] = []
    for set_, system in MQM_BASE:
        mine = sorted((doc, segs) for (s, sy, doc), segs in docs.items() if (s, sy) == (set_, system))
        groups = [[(f"{set_}-{doc}", segs)] for doc, segs in mine] if set_ == "wmt21-ted" else [
            [(f"{set_}-{system}", [x for _, segs in mine for x in segs])]]
        for [(name, segs)] in groups:
            segs = [x for x in segs if x["src"].strip() and x["tgt"].strip()]
            texts.append(M.MacText(name, set_, name, [x["src"].strip() for x in segs], [x["tgt"].strip() for x in segs],
                                   [((i,), (i,)) for i in range(len(segs))]))
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", default="001,005,009,013,017,021")
    ap.add_argument("--base", choices=("mactest", "mqm"), default="mactest",
                    help="the texts the kinds go into: MAC-Test's (--texts), or MQM's talks and news (1-1 gold)")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--items", type=int, default=23, help="entries of the repeated list")
    ap.add_argument("--every", type=int, default=8, help="a heading / formulaic sentence every N beads")
    ap.add_argument("--no-heads", action="store_true", help="the DP without heading evidence (before issue 20)")
    ap.add_argument("--no-sounds", action="store_true", help="the edge rule on cosines only (no names by sound)")
    ap.add_argument("--window-slack", type=float, help="AlignConfig.window_slack (inf: embed every window)")
    ap.add_argument("--paras", action="store_true",
                    help="blank-line paragraphs: each gold bead one, an inserted heading one of its own")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    texts = load_mqm() if args.base == "mqm" else M.load(ids=args.texts.split(","))
    from aligner.config import AlignConfig

    config = AlignConfig().with_(window_slack=args.window_slack)
    res = run(texts, args.kinds.split(","), args.items, args.every, config=config, heads=not args.no_heads,
              paras=args.paras, sounds=not args.no_sounds)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
