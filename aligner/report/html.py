"""A self-contained HTML review page, the reviewer's workbench (works offline: no CDN, no network).

The page shows both texts side by side pair by pair. It opens on the flagged
pairs, worst first, with "all pairs in document order" one click away; a
search box over both languages; filters by severity and flag code with live
counts of open findings; keys to jump between flagged pairs (``j``/``n`` next,
``k``/``p`` previous, ``a`` accept the current pair's findings, ``u`` undo the
last fix, ``/`` search) and a summary at the top (coverage, flags by code, the
run's signature). Each row carries ``data-pair`` (the 1-based pair number, as
``check`` prints it) and each flag ``data-flag`` (its code) and ``data-id``
(its identity); the evidence of each flag (``aligner.evidence``) is marked in
the text.

The reviewer accepts or comments on findings (a flag, or a run of consecutive
unpaired lines as one finding; bulk accept of a selection) and fixes the
alignment (merge, split, move a boundary sentence, mark a sentence as having
no counterpart; undo). Marks and fixes are autosaved in the browser's
localStorage under the document's hash (``doc_hash``) and saved as one review
file (a Blob download, no server): ``docs/review-file.md``, read by
``aligner.review`` and ``aligner.corrections``.

The data is embedded as JSON in ``<script type="application/json">`` (see
``page_data``); the CSS and JS (``aligner/report/assets``) are inlined; a
Content-Security-Policy forbids every network fetch.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import Counter
from importlib import resources
from pathlib import PurePath

from .. import __version__
from ..data import Alignment, Severity
from .jsonl import key_of

SEV_ORDER = (Severity.INFO, Severity.WARNING, Severity.ERROR)
_SEV_INDEX = {s: k for k, s in enumerate(SEV_ORDER)}
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")


def _asset(name: str) -> str:
    return resources.files("aligner.report").joinpath("assets", name).read_text(encoding="utf-8")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _json_for_script(obj: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``<``, ``>``, ``&`` left raw)."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def shape_hash(al: Alignment) -> str:
    """16 hex of the pairs' sentence ids: with ``doc_hash``, the autosave key. Two pages of one text with
    different pairs (the first alignment and the one ``report --review`` corrected) keep apart: fixes made
    on one are not replayed on the other."""
    h = hashlib.sha1()
    for b in al.beads:
        h.update(f"{','.join(map(str, b.src_ids))}:{','.join(map(str, b.tgt_ids))};".encode())
    return h.hexdigest()[:16]


def doc_hash(al: Alignment) -> str:
    """16 hex of both texts: the key under which the page autosaves its review marks in the browser."""
    h = hashlib.sha1()
    for side in (al.src, al.tgt):
        for sent in side.sentences:
            h.update(sent.text.encode("utf-8"))
            h.update(b"\x1f")
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def page_data(al: Alignment) -> dict:
    """What the page's script renders: the sentences of each side, one compact array per bead.

    ``beads[i] = [key, [src ids], [tgt ids], score | null, [[code, severity index, reason, identity, evidence],
    ...]]``; evidence: ``[[side 0|1, sentence id, start, end], ...]`` in UTF-16 units (``evidence.per_sentence``).
    """
    from ..evidence import bead_spans, per_sentence

    beads = []
    for b in al.beads:
        beads.append([
            key_of(al, b), list(b.src_ids), list(b.tgt_ids),
            None if b.score is None else round(float(b.score), 3),
            [[f.code, _SEV_INDEX.get(f.severity, 1), f.reason, f.ident, per_sentence(al, b, sp)]
             for f, sp in zip(b.flags, bead_spans(al, b))],
        ])
    stem = PurePath(al.src.path).stem
    stem = stem if stem and stem != "-" else "alignment"  # standard input: not "-.review.json"
    return {
        "v": 2,
        "signature": al.signature,
        "doc": doc_hash(al),
        "shape": shape_hash(al),
        # corrections already applied to these pairs (``report --review``): saved ahead of the page's own
        "base": list(al.meta.get("base_corrections", ())),
        "src_lang": al.src.lang,
        "tgt_lang": al.tgt.lang,
        "review_name": f"{stem}.review.json",
        "src": [s.text for s in al.src.sentences],
        "tgt": [s.text for s in al.tgt.sentences],
        "beads": beads,
    }


def summary(al: Alignment) -> dict:
    """Coverage, bead kinds, flags by code and severity (for the page's header)."""
    src_cov = sum(len(b.src_ids) for b in al.beads if b.src_ids and b.tgt_ids)
    tgt_cov = sum(len(b.tgt_ids) for b in al.beads if b.src_ids and b.tgt_ids)
    scores = [b.score for b in al.beads if b.score is not None]
    codes: dict[str, Counter] = {}
    worst = Counter()
    for b in al.beads:
        if b.flags:
            worst[max(b.flags, key=lambda f: f.severity.rank).severity] += 1
        for f in b.flags:
            codes.setdefault(f.code, Counter())[f.severity] += 1
    return {
        "beads": len(al.beads),
        "kinds": Counter(b.kind for b in al.beads),
        "src": (src_cov, len(al.src)),
        "tgt": (tgt_cov, len(al.tgt)),
        "mean_score": sum(scores) / len(scores) if scores else None,
        "flagged": sum(1 for b in al.beads if b.flags),
        "worst": worst,
        "codes": codes,
    }


def _pct(a: int, n: int) -> str:
    return f"{a}/{n} ({100.0 * a / n:.1f}%)" if n else "0/0"


def _summary_html(al: Alignment, s: dict) -> str:
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(s["kinds"].items(), key=lambda kv: -kv[1]))
    mean = "–" if s["mean_score"] is None else f"{s['mean_score']:.3f}"
    worst = " ".join(f'<span class="pill {sv.value}">{s["worst"][sv]} {sv.value}</span>'
                     for sv in reversed(SEV_ORDER) if s["worst"][sv])
    out = [
        '<section id="summary" aria-label="summary">',
        "<table><tbody>",
        f'<tr><th>beads</th><td class="n">{s["beads"]}</td><td>{_e(kinds)}</td></tr>',
        f'<tr><th>{_e(al.src.lang)} coverage</th><td class="n" id="cov-src">{_pct(*s["src"])}</td>'
        f"<td>{_e(al.src.path)}</td></tr>",
        f'<tr><th>{_e(al.tgt.lang)} coverage</th><td class="n" id="cov-tgt">{_pct(*s["tgt"])}</td>'
        f"<td>{_e(al.tgt.path)}</td></tr>",
        f'<tr><th>mean score</th><td class="n">{mean}</td><td></td></tr>',
        f'<tr><th>flagged beads</th><td class="n" id="n-flagged">{s["flagged"]}</td><td>{worst}</td></tr>',
        "</tbody></table>",
        '<table id="codes"><thead><tr><th>flag code</th><th>severity</th><th>count</th></tr></thead><tbody>',
    ]
    if not s["codes"]:
        out.append('<tr><td colspan="3">no flags</td></tr>')
    for code, c in sorted(s["codes"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        sev = " ".join(f'<span class="pill {sv.value}">{sv.value}</span>' for sv in reversed(SEV_ORDER) if c[sv])
        out.append(f'<tr data-code="{_e(code)}"><td><code>{_e(code)}</code></td><td>{sev}</td>'
                   f'<td class="n">{sum(c.values())}</td></tr>')
    out += ["</tbody></table>",
            f'<div class="sig">signature: <code id="signature">{_e(al.signature)}</code></div>',
            "</section>"]
    return "\n".join(out)


def _toolbar_html(s: dict) -> str:
    sev = "".join(
        f'<label><input type="checkbox" data-sev="{sv.value}" checked> '
        f'<span class="pill {sv.value}">{sv.value}</span> <span class="cnt" data-cnt-sev="{sv.value}"></span></label>'
        for sv in reversed(SEV_ORDER))
    codes = "".join(
        f'<label><input type="checkbox" data-code="{_e(code)}" checked> <code>{_e(code)}</code> '
        f'<span class="cnt" data-cnt-code="{_e(code)}"></span></label>'
        for code in sorted(s["codes"]))
    return (
        '<nav id="toolbar" aria-label="filters and navigation">'
        '<fieldset id="f-order"><legend>show</legend>'
        '<label title="the flagged pairs only, errors first, then warnings, then info">'
        '<input type="radio" name="order" id="order-work" checked> flagged pairs, worst first</label>'
        '<label><input type="radio" name="order" id="order-doc"> all pairs in document order</label></fieldset>'
        '<input type="search" id="search" placeholder="search both languages" aria-label="search both languages">'
        f'<fieldset id="f-sev"><legend>severity</legend>{sev}</fieldset>'
        + (f'<fieldset id="f-codes"><legend>flags</legend>{codes}</fieldset>' if codes else "")
        + '<label title="in document order: show pairs without flags too"><input type="checkbox" id="f-clean" checked>'
        ' clean pairs</label>'
        '<label><input type="checkbox" id="f-done"> hide accepted</label>'
        '<span><button type="button" id="prev" title="previous flagged pair (k or p)">&#9664; prev</button> '
        '<button type="button" id="next" title="next flagged pair (j or n)">next &#9654;</button> '
        '<span id="pos"></span></span>'
        '<span><button type="button" id="select-shown" title="tick the selection box of every pair shown">'
        'select shown</button> <button type="button" id="bulk-accept" title="accept every finding of the selected '
        'pairs">accept selected</button></span>'
        '<span><button type="button" id="undo" title="undo the last alignment fix (u)" disabled>undo fix</button> '
        '<button type="button" id="save" title="download the review file (marks and fixes) for aligner check '
        '--review and aligner report --review">Save review</button> '
        '<label title="load a saved review file to go on reviewing">load review <input type="file" id="load" '
        'accept=".json,application/json"></label></span>'
        '<span id="shown"></span><span id="status"></span>'
        '<span class="keys"><kbd>j</kbd>/<kbd>k</kbd> next/previous flag, <kbd>a</kbd> accept, '
        '<kbd>u</kbd> undo fix, <kbd>/</kbd> search</span>'
        "</nav>"
    )


def to_html(al: Alignment) -> str:
    """The alignment as one self-contained HTML review page (see module docstring)."""
    s = summary(al)
    title = f"aligner review: {PurePath(al.src.path).name or 'alignment'}"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="aligner {_e(__version__)}">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{_asset('review.css')}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)} <small>{_e(al.src.lang)} &rarr; {_e(al.tgt.lang)}</small></h1>",
        _summary_html(al, s),
        "</header>",
        _toolbar_html(s),
        '<noscript><p>This page needs JavaScript to show the beads.</p></noscript>',
        '<main id="beads" role="list"><div class="colhead" aria-hidden="true"><span>pair</span>'
        f"<span>{_e(al.src.lang)}</span><span>{_e(al.tgt.lang)}</span></div></main>",
        '<p id="empty" hidden>No bead matches the filters.</p>',
        f'<script type="application/json" id="aligner-data">{_json_for_script(page_data(al))}</script>',
        f"<script>\n{_asset('model.js')}\n{_asset('review.js')}</script>",
        "</body>",
        "</html>",
        "",
    ])
