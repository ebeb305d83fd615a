"""Short sentences at a bead's edge: which neighbouring pair they belong to, read from the other side's edges.

A short sentence (事就这样成了。 / 事情就是这样。) says little to the encoder:
joining it to the pair before or the pair after moves either window's cosine
by a few hundredths, so the DP sends it to whichever neighbour matches better
on its own (issue 20, ``bench/book_kinds.py`` kind ``formulaic``). Its
translation does say where it goes: when the other side renders it inside a
longer line, it is that line's last clause (``…above the firmament: and it
was so.``) if the sentence ends its pair, or its first clause if it opens it.

After the DP, for each pair of adjacent two-sided beads where one side's
merged edge holds a short sentence (shorter than ``short_edge_frac`` of its
side's median: by default any sentence under the median; not a heading), this
stage compares the sentence with the
other side's facing edges: the last one or two clauses of the bead before,
the first one or two of the bead after. It moves the sentence across when
the far edge matches it by at least ``edge_margin`` more than the near one
and at least ``edge_min_cos`` in all (the encoder's cosines of a sentence
with an unrelated clause run to ~0.25). On MAC-Test this also mends literary
pairs (strict F1 0.8992 -> 0.9070; leave-one-book-out in ``config``). A move never empties a side, never
crosses a paragraph break, never makes a side wider than the DP's bead
shapes, and never touches a bead with a heading (``aligner.headings`` owns
those). Then a 1-1 pair of a short sentence and a partner it does not render
is split when each renders at a neighbour's facing edge (``_swap_weak``: the
DP pairs 事情就是这样。 with the first line of a 1-2 pair after it, because
two weak 1-1 pairs cost less than a 2-1 and a 1-2). Last, a short sentence the DP left alone (1-0 / 0-1: a sentence a
line without ``--presplit`` makes each its own paragraph, and joining costs a
break) joins the neighbouring pair whose facing clause renders it at
``lone_min_cos`` (0.45) or more (``_join_lone``).

Where the encoder says nothing either way (a name alone, 示每。, in a list of
names: cosine ~0.2 with any English clause; ``bench/book_kinds.py`` kind
``names``), a sentence also moves when the far edge holds a name that sounds
like one of its own and nothing in its own pair does (``sounds``, given by
the pipeline from CC-CEDICT readings: ``pipeline.name_sounds``); a name alone
(书巴业。) also when the far edge's name sounds like it at ``SOUND_NEAR`` and
``SOUND_GAP`` better than any of its own pair's (Shubael 0.8, Hashabiah 0.67),
and a name alone the DP left out joins the one neighbour that names it.

A formula the document repeats (事情就是这样。 x6 beside "...; and so it
was." x6) is read from the document itself: a short sentence and a clause of
the other side that recur about as often and face each other where the DP put
them render each other at ``RECUR_COS`` at least (``recurring``), where the
encoder sees 0.37. The evidence (edge clauses, formulas, names by sound) is
``aligner.edge_evidence``'s; this module makes the moves.

The embedder is passed in as a function (``embed(texts, lang)`` ->
(len(texts), dim) float32, L2-normalised), so nothing here loads a model;
the clauses it embeds are few (only those of candidate pairs) and cached like
every text.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .clauses import Embed, _nchars, name_alone
from .config import NAME_NEAR_MAX_COS, AlignConfig
from .data import Bead
from .edge_evidence import (EDGE_CLAUSES, Renders, Sounds, clauses, edge_match, edge_texts, floored, recurring,
                            sounds_across)
from .embed import window_text

__all__ = ["EDGE_CLAUSES", "Renders", "Sounds", "clauses", "edge_match", "edge_texts", "reattach_short", "recurring"]

def _side_text(texts: Sequence[str], ids: Sequence[int], lang: str) -> str:
    """A bead side's sentences (consecutive ids) as one text, joined as the DP's windows are."""
    return window_text(texts, lang, ids[0], len(ids))


def reattach_short(
    beads: Sequence[Bead],
    src_texts: Sequence[str],
    tgt_texts: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    embed: Embed,
    *,
    src_paras: Sequence[int] | None = None,
    tgt_paras: Sequence[int] | None = None,
    src_heads: Sequence[bool] | None = None,
    tgt_heads: Sequence[bool] | None = None,
    config: AlignConfig = AlignConfig(),
    sounds: Sounds | None = None,
) -> list[Bead]:
    """``beads`` with each short edge sentence moved to the neighbouring pair whose facing edge renders it.

    ``src_texts`` / ``tgt_texts``: the sentences the bead ids index; ``*_paras``: each sentence's paragraph
    block (a move stays inside one); ``*_heads``: heading lines (beads holding one are left alone);
    ``config``: ``short_edge_frac``, ``edge_min_cos``, ``edge_margin``, ``lone_min_cos`` and the bead shapes;
    ``sounds``: ``sounds(zh, en)``, how well a name of the Chinese text sounds like one of the English, 0-1
    (``aligner.qa.translit.sound_score``): a sentence also moves when the far edge shares such a name with it
    and the near one does not (示每。 / "Shimei, he, his sons…", where the encoder sees ~0.2 either way), a name
    alone also by likeness (``edge_evidence.sounds_across``). A short sentence and a facing clause that the document repeats
    together render each other (``recurring``). The beads' scores and flags are kept except on the two beads a
    move changes, whose score is the cosine of their new sides (clipped to [0, 1], 6 decimals, as
    ``align.bead_score``). Returns a new list.
    """
    out = list(beads)
    short_frac, min_cos, margin = config.short_edge_frac, config.edge_min_cos, config.edge_margin
    max_bead, max_total = config.max_bead, config.max_bead_total
    if len(out) < 2 or min_cos > 1:
        return out
    texts = (src_texts, tgt_texts)
    langs = (src_lang, tgt_lang)
    paras = tuple(np.zeros(len(t), np.int64) if p is None else np.asarray(p) for t, p in
                  ((src_texts, src_paras), (tgt_texts, tgt_paras)))
    heads = tuple(np.zeros(len(t), bool) if h is None else np.asarray(h, bool) for t, h in
                  ((src_texts, src_heads), (tgt_texts, tgt_heads)))
    sizes = tuple(np.array([_nchars(s) for s in t], float) for t in texts)
    short = tuple(n < short_frac * (np.median(n) if len(n) else 0.0) for n in sizes)
    renders = recurring(out, texts, langs, short)

    def ids(b: Bead, side: int) -> tuple[int, ...]:
        return b.src_ids if side == 0 else b.tgt_ids

    def with_ids(b: Bead, side: int, new: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return (new, b.tgt_ids) if side == 0 else (b.src_ids, new)

    def candidate(A: Bead, B: Bead, side: int, forward: bool) -> tuple[int, str, str] | None:
        """(the edge sentence, the other side of its own pair, of the pair it may join), or None."""
        other = 1 - side
        a, b = ids(A, side), ids(B, side)
        giver, taker = (a, b) if forward else (b, a)
        m = a[-1] if forward else b[0]
        if (len(giver) < 2 or not short[side][m] or len(taker) >= max_bead
                or len(taker) + 1 + len(ids(B if forward else A, other)) > max_total
                or paras[side][m] != paras[side][b[0] if forward else a[-1]]):
            return None
        own, join = (A, B) if forward else (B, A)
        return (m, _side_text(texts[other], ids(own, other), langs[other]),
                _side_text(texts[other], ids(join, other), langs[other]))

    def open_pair(A: Bead, B: Bead) -> bool:
        return bool(A.src_ids and A.tgt_ids and B.src_ids and B.tgt_ids) and not any(
            heads[s][i] for s in (0, 1) for bd in (A, B) for i in ids(bd, s))

    # every text the candidates of the DP's beads compare, embedded in one call per language (a move changes
    # the next candidates' texts: those few are embedded as they come)
    memo: dict[tuple[str, str], np.ndarray] = {}

    def cached(texts_: Sequence[str], lang: str) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts_) if (lang, t) not in memo]
        if todo:
            memo.update(((lang, t), v) for t, v in zip(todo, np.asarray(embed(todo, lang), np.float32)))
        return np.stack([memo[(lang, t)] for t in texts_])

    wanted: dict[str, list[str]] = {langs[0]: [], langs[1]: []}
    for k in range(len(out) - 1):
        if open_pair(out[k], out[k + 1]):
            for side in (0, 1):
                for forward in (True, False):
                    c = candidate(out[k], out[k + 1], side, forward)
                    if c:
                        wanted[langs[side]].append(texts[side][c[0]])
                        wanted[langs[1 - side]] += edge_texts(c[1], langs[1 - side], forward)
                        wanted[langs[1 - side]] += edge_texts(c[2], langs[1 - side], not forward)
    for lang, batch in wanted.items():
        if batch:
            cached(batch, lang)

    def rescored(src: tuple[int, ...], tgt: tuple[int, ...]) -> Bead:
        c = float(cached([_side_text(src_texts, src, src_lang)], src_lang)[0]
                  @ cached([_side_text(tgt_texts, tgt, tgt_lang)], tgt_lang)[0])
        return Bead(src, tgt, round(min(1.0, max(0.0, c)), 6))

    for k in range(len(out) - 1):
        for side in (0, 1):
            A, B = out[k], out[k + 1]
            if not open_pair(A, B):
                break
            a, b = ids(A, side), ids(B, side)
            for forward in (True, False):
                c = candidate(A, B, side, forward)
                if c is None:
                    continue
                m, own, join = c
                other = langs[1 - side]
                near = edge_match(texts[side][m], langs[side], own, other, forward, cached, renders)
                far = edge_match(texts[side][m], langs[side], join, other, not forward, cached, renders)
                # ... or by a name that sounds alike where the encoder says nothing (NAME_NEAR_MAX_COS, not min_cos)
                if (far < min_cos or far - near < margin) and not (
                        sounds and (far >= near or near < NAME_NEAR_MAX_COS)
                        and sounds_across(sounds, texts[side][m], langs[side], join, own, other, not forward)):
                    continue
                na, nb = (a[:-1], (m,) + b) if forward else (a + (m,), b[1:])
                out[k] = rescored(*with_ids(A, side, na))
                out[k + 1] = rescored(*with_ids(B, side, nb))
                break
            else:
                continue
            break
    out = _swap_weak(out, texts, langs, short, heads, paras, cached, rescored, config, renders)
    return _join_lone(out, texts, langs, short, heads, cached, rescored, config, renders, sounds)


def _swap_weak(out: list[Bead], texts, langs, short, heads, paras, cached: Embed, rescored,
               config: AlignConfig, renders: Renders | None = None) -> list[Bead]:
    """A 1-1 pair of a short sentence and a partner it does not render, each rendered at a neighbour's facing
    edge, is split: the short sentence joins the pair whose facing clause renders it, its partner the other.

    事情就是这样。 between two pairs whose English reads ``…stood up. And so it was.`` / ``'Now!'`` +
    ``Uncle Arhat shouted.``: the DP paired it with ``'Now!'`` (two weak 1-1 pairs cost less than a 2-1 and a
    1-2), while ``And so it was.`` ends the pair before and ``'Now!'`` opens 罗汉大爷说：“抓！”. Only a pair the
    encoder reads as unrelated (cosine under ``edge_min_cos``) is a candidate; it is split when the short
    sentence's far match is at least ``edge_min_cos`` and ``edge_margin`` above that cosine, its partner's match
    at the other neighbour's facing edge is ``edge_margin`` above it too and at least ``edge_min_cos`` less
    ``edge_margin``, and the other neighbour's facing clause does not render the short sentence better. Where both
    sentences are short and their splits disagree, the pair stays. The neighbours stay within the bead shapes and
    paragraphs; no bead with a heading takes part.

    The last three guard a translation replaced by an unrelated line (red team rt31, MAC-Test with a short
    sentence's translation swapped for a line of another text of the same book): the split joined the short
    sentence to a neighbour and the line to the other, hiding the damage in 11 of 120 cases; in 9 of those the
    partner rendered where it went under 0.2 (0.07-0.19), where the partners of book_kinds' formulaic splits have a
    median of 0.37 and a tenth under 0.22.
    """
    if config.edge_min_cos > 1:
        return out
    min_cos, margin = config.edge_min_cos, config.edge_margin

    def sides(b: Bead, side: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return ((b.src_ids, b.tgt_ids) if side == 0 else (b.tgt_ids, b.src_ids))

    def moves(k: int):
        """(side, back, own cosine, (m, its far text, the other neighbour's), (t, its far text), the two new beads'
        ids) of each split bead k allows."""
        P, X, N = out[k - 1], out[k], out[k + 1]
        if not (len(X.src_ids) == 1 and len(X.tgt_ids) == 1 and all(b.src_ids and b.tgt_ids for b in (P, N))) or any(
                heads[s][i] for s in (0, 1) for b in (P, X, N) for i in sides(b, s)[0]):
            return
        for side in (0, 1):
            other = 1 - side
            m, t = sides(X, side)[0][0], sides(X, side)[1][0]
            if not short[side][m]:
                continue
            own = float(cached([texts[side][m]], langs[side])[0] @ cached([texts[other][t]], langs[other])[0])
            own = floored(own, own, renders, texts[side][m], texts[other][t])
            if own >= min_cos:
                continue
            for back in (True, False):
                m_mine, m_theirs = sides(P if back else N, side)
                t_theirs, t_mine = sides(N if back else P, side)
                if (len(m_mine) >= config.max_bead or len(t_mine) >= config.max_bead
                        or len(m_mine) + 1 + len(m_theirs) > config.max_bead_total
                        or len(t_mine) + 1 + len(t_theirs) > config.max_bead_total
                        or paras[side][m] != paras[side][m_mine[-1] if back else m_mine[0]]
                        or paras[other][t] != paras[other][t_mine[0] if back else t_mine[-1]]):
                    continue
                grown_m, grown_t = (m_mine + (m,), (t,) + t_mine) if back else ((m,) + m_mine, t_mine + (t,))
                joined = ((grown_m, m_theirs), (t_theirs, grown_t)) if side == 0 else (
                    (m_theirs, grown_m), (grown_t, t_theirs))  # (src ids, tgt ids) of m's new bead, of t's
                yield (side, back, own, (m, _side_text(texts[other], m_theirs, langs[other]),
                                         _side_text(texts[other], t_mine, langs[other])),
                       (t, _side_text(texts[side], t_theirs, langs[side])), joined)

    # the 1-1 pairs' sentences (their cosine picks the candidates), then the candidates' edge clauses, each
    # embedded in one call per language, not one call a text (a split changes its neighbours' texts: the few
    # candidates that follow one are embedded as they come)
    for side in (0, 1):
        ones = [texts[side][sides(b, side)[0][0]] for b in out[1:-1] if len(b.src_ids) == 1 == len(b.tgt_ids)
                and (short[0][b.src_ids[0]] or short[1][b.tgt_ids[0]])]
        if ones:
            cached(ones, langs[side])
    wanted: dict[str, list[str]] = {langs[0]: [], langs[1]: []}
    for k in range(1, len(out) - 1):
        for side, back, _, (_, m_far, m_near), (_, t_far), _ in moves(k):
            other = langs[1 - side]
            wanted[other] += edge_texts(m_far, other, back) + edge_texts(m_near, other, not back)
            wanted[langs[side]] += edge_texts(t_far, langs[side], not back)
    for lang, batch in wanted.items():
        if batch:
            cached(batch, lang)

    k = 1
    while k < len(out) - 1:
        # the splits that pass: the short sentence never goes to the neighbour that renders it worse than the other
        # one does (its partner's split may be the wrong way round for it: a sentence whose translation was
        # replaced by an unrelated one). Both sentences short, each may ask for the opposite split (事情就是这样。
        # back to "And so it was." at 0.37, its partner "I wish I were dead." back to 我还怕死吗? at 0.62): then
        # the pair stays (taking the first that passed favoured back over on and Chinese over English)
        passing = []
        for side, back, own, (m, m_far, m_near), (t, t_far), joined in moves(k):
            other = 1 - side
            far = edge_match(texts[side][m], langs[side], m_far, langs[other], back, cached, renders)
            if far < min_cos or far - own < margin:
                continue
            if edge_match(texts[side][m], langs[side], m_near, langs[other], not back, cached, renders) > far:
                continue
            t_far_cos = edge_match(texts[other][t], langs[other], t_far, langs[side], not back, cached, renders)
            if t_far_cos - own < margin or t_far_cos < min_cos - margin:
                continue
            passing.append((side, back, joined))
        # one split, read as where the source sentence goes (back: a side-0 split back or a side-1 split on)
        if len({back == (side == 0) for side, back, _ in passing}) == 1:
            _, back, (to_m, to_t) = passing[0]
            new_m, new_t = rescored(*to_m), rescored(*to_t)
            out[k - 1:k + 2] = [new_m, new_t] if back else [new_t, new_m]
        k += 1
    return out


def _join_lone(out: list[Bead], texts, langs, short, heads, cached: Embed, rescored,
               config: AlignConfig, renders: Renders | None = None, sounds: Sounds | None = None) -> list[Bead]:
    """A short sentence the DP left alone (1-0 / 0-1) joins the neighbouring pair whose facing clause renders it.

    The DP leaves such a sentence out when joining costs a paragraph break (a text with a sentence a line and
    no ``--presplit``: 事就这样成了。 as a paragraph of its own). Joined when the better neighbour's facing
    clause matches it at ``lone_min_cos`` or more (higher than ``edge_min_cos``: a lone sentence is also
    what a deleted translation leaves, and an omission must stay one) and by ``edge_margin`` more than the
    other neighbour's, the joined side within the bead shapes.
    """
    if config.lone_min_cos > 1:
        return out
    k = 0
    while k < len(out):
        L = out[k]
        side = 0 if L.src_ids and not L.tgt_ids else 1 if L.tgt_ids and not L.src_ids else None
        ids = (L.src_ids, L.tgt_ids)[side] if side is not None else ()
        if side is None or len(ids) != 1 or not short[side][ids[0]] or heads[side][ids[0]]:
            k += 1
            continue
        m, other = ids[0], 1 - side
        scores = []
        for nb, end in ((k - 1, True), (k + 1, False)):
            if not (0 <= nb < len(out)):
                continue
            N = out[nb]
            mine, theirs = (N.src_ids, N.tgt_ids)[side], (N.src_ids, N.tgt_ids)[other]
            if (not mine or not theirs or len(mine) >= config.max_bead
                    or len(mine) + 1 + len(theirs) > config.max_bead_total
                    or any(heads[side][i] for i in mine) or any(heads[other][j] for j in theirs)):
                continue
            text = _side_text(texts[other], theirs, langs[other])
            scores.append((edge_match(texts[side][m], langs[side], text, langs[other], end, cached, renders), nb, end,
                           text))
        scores.sort(reverse=True)
        if not scores or scores[0][0] < config.lone_min_cos or (
                len(scores) > 1 and scores[0][0] - scores[1][0] < config.edge_margin):
            # ... or, for a name alone, the one of its two neighbours whose facing clause holds it by sound (哈沙比雅。 /
            # "Hashabiah, he..."; a longer sentence left alone may be a deleted translation's, and a likeness with no
            # other neighbour to beat is no evidence: it stays)
            alone = (sounds is not None and len(scores) == 2 and langs[side].startswith("zh")
                     and bool(name_alone(texts[side][m])))
            named = [sc for sc in scores if alone and sounds_across(
                sounds, texts[side][m], langs[side], sc[3], scores[1 - scores.index(sc)][3], langs[other], sc[2])]
            if len(named) != 1:
                k += 1
                continue
            scores = named
        _, nb, end, _ = scores[0]
        N = out[nb]
        mine = (N.src_ids, N.tgt_ids)[side]
        grown = mine + (m,) if end else (m,) + mine
        out[nb] = rescored(*((grown, N.tgt_ids) if side == 0 else (N.src_ids, grown)))
        del out[k]
    return out
