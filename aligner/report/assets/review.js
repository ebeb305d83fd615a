/* aligner review page: inlined into the HTML by aligner/report/html.py (no network).
 *
 * Data: the JSON script element #aligner-data: the sentences of each side and
 * one array per pair [key, [src ids], [tgt ids], score|null, [[code, sev, reason, identity]]].
 * Rows are rendered in chunks (the first at once, the rest in the background) so
 * 10,000-pair pages stay responsive.
 *
 * The reviewer works through findings (a flag, or a run of consecutive unpaired
 * lines as one finding), accepts or comments on them, and fixes the alignment
 * (merge, split, move a boundary sentence, mark a sentence as having no
 * counterpart; undo). Everything is autosaved in the browser's localStorage under
 * the document's hash and saved to a review file (docs/review-file.md):
 *   {"aligner_review": 2, "document": hash, "entries": [{key, code, flag, status, comment, run?}],
 *    "corrections": [{op, beads: [{src, tgt, key}], ...}]}
 */
(function () {
  "use strict";
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById("aligner-data").textContent);
  var SEV = ["info", "warning", "error"];
  var STORE = "aligner-review:" + D.doc + ":" + D.shape;   // this text with these pairs (html.py shape_hash)
  var orig = D.beads.map(function (b) { return { key: b[0], s: b[1], t: b[2], score: b[3], flags: b[4] }; });
  var beads = orig;               // current pairs (after the corrections in `ops`)
  var ops = [];                   // alignment corrections, in order
  var marks = {};                 // "key|identity" -> shared record {status, comment, code}
  var dirty = false;              // changes not yet saved to a file
  var list = document.getElementById("beads");
  var rows = [];                  // rows[i]: element of pair i (undefined until rendered)
  var order = [];                 // pair indices in display order
  var rendered = 0;               // how many of `order` are rendered
  var current = -1;
  var findings = [], findingOf = [];
  var FIRST_CHUNK = 200, CHUNK = 1000;
  var ready = false;

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function worst(b) {
    var w = -1;
    for (var k = 0; k < b.flags.length; k++) if (b.flags[k][1] > w) w = b.flags[k][1];
    return w;
  }
  function mid(key, f) { return key + "|" + f[3]; }

  // ---- findings (model.js): a flag, or a run of consecutive one-sided pairs with the same omission/addition code
  function buildFindings() {
    var r = AlignerModel.findings(beads);
    findings = r.list;
    findingOf = r.of;
  }
  function rec(i, k) { var b = beads[i]; return b.key ? marks[mid(b.key, b.flags[k])] : undefined; }
  function accepted(i, k) { var r = rec(i, k); return !!r && r.status === "accepted"; }
  function findingAccepted(fd) {
    for (var m = 0; m < fd.members.length; m++) if (!accepted(fd.members[m][0], fd.members[m][1])) return false;
    return true;
  }
  function allAccepted(i) {
    for (var k = 0; k < beads[i].flags.length; k++) if (!accepted(i, k)) return false;
    return true;
  }
  function setFinding(fd, patch) {
    var r = null, m, i, k;
    for (m = 0; m < fd.members.length && !r; m++) r = rec(fd.members[m][0], fd.members[m][1]) || null;
    r = r || { status: "open", comment: "", code: fd.code };
    for (var p in patch) r[p] = patch[p];
    var keep = r.status === "accepted" || r.comment;
    for (m = 0; m < fd.members.length; m++) {
      i = fd.members[m][0]; k = fd.members[m][1];
      if (!beads[i].key) continue;
      if (keep) marks[mid(beads[i].key, beads[i].flags[k])] = r;
      else delete marks[mid(beads[i].key, beads[i].flags[k])];
    }
    changed("unsaved review marks: " + entries().length);
  }

  // ---- rendering --------------------------------------------------------------
  // the evidence of the pair's flags (character ranges) in one sentence, as <mark>s
  function marked(text, b, sd, id) {
    var r = [], k, e;
    for (k = 0; k < b.flags.length; k++) {
      var ev = b.flags[k][4] || [];
      for (e = 0; e < ev.length; e++) if (ev[e][0] === sd && ev[e][1] === id) r.push([ev[e][2], ev[e][3], k]);
    }
    if (!r.length) return esc(text);
    r.sort(function (a, b) { return a[0] - b[0]; });
    var h = "", at = 0;
    for (k = 0; k < r.length; k++) {
      var lo = Math.max(r[k][0], at), hi = Math.min(r[k][1], text.length);
      if (hi <= lo) continue;
      h += esc(text.slice(at, lo)) + '<mark class="ev" data-f="' + r[k][2] + '">' + esc(text.slice(lo, hi)) + "</mark>";
      at = hi;
    }
    return h + esc(text.slice(at));
  }
  function side(b, sd) {
    var ids = sd ? b.t : b.s, texts = sd ? D.tgt : D.src, lang = sd ? "t" : "s", h = "";
    for (var k = 0; k < ids.length; k++) {
      if (texts[ids[k]] === "") continue;
      h += '<span class="s" data-' + lang + '="' + ids[k] + '">' + marked(texts[ids[k]], b, sd, ids[k]) + "</span>";
    }
    return h || '<span class="none">(nothing)</span>';
  }
  function fixMenu(i) {
    var b = beads[i], n = beads.length, h = '<details class="fix"><summary>fix</summary><div>';
    function btn(op, label, ok) { return ok ? '<button type="button" data-op="' + op + '">' + label + "</button>" : ""; }
    h += btn("merge-prev", "merge with previous", i > 0) + btn("merge-next", "merge with next", i < n - 1);
    h += btn("split", "split", b.s.length + b.t.length > 1);
    ["s", "t"].forEach(function (sd) {
      var name = sd === "s" ? D.src_lang : D.tgt_lang, ids = b[sd];
      if (!ids.length) return;
      h += btn("move-prev-" + sd, "first " + name + " sentence to previous pair", i > 0);
      h += btn("move-next-" + sd, "last " + name + " sentence to next pair", i < n - 1);
      if (b.s.length + b.t.length > 1) {
        if (ids.length === 1) h += btn("detach-first-" + sd, name + " sentence: no counterpart", true);
        else {
          h += btn("detach-first-" + sd, "first " + name + " sentence: no counterpart", true);
          h += btn("detach-last-" + sd, "last " + name + " sentence: no counterpart", true);
        }
      }
    });
    if (b.s.length + b.t.length > 1)
      h += '<span class="splitat" hidden>first part: <input type="number" class="at-s" min="0" max="' + b.s.length +
        '" value="' + Math.ceil(b.s.length / 2) + '"> ' + esc(D.src_lang) + ', <input type="number" class="at-t" min="0" max="' +
        b.t.length + '" value="' + Math.ceil(b.t.length / 2) + '"> ' + esc(D.tgt_lang) +
        ' <button type="button" data-op="split-ok">split here</button></span>';
    return h + "</div></details>";
  }
  function rowHtml(i) {
    var b = beads[i], w = worst(b), fl = b.flags;
    var ids = b.s.join(",") + ":" + b.t.join(",");
    var h = '<div class="bead' + (w >= 0 ? " sev-" + SEV[w] : "") + (b.key ? "" : " fixed") + (fl.length && allAccepted(i) ? " done" : "") +
      '" id="b' + i + '" data-i="' + i + '" data-pair="' + (i + 1) + '" data-key="' + esc(b.key || "") + '" role="listitem">' +
      '<div class="meta"><input type="checkbox" class="sel" title="select for bulk accept" aria-label="select pair ' + (i + 1) + '">' +
      '<a href="#b' + i + '" title="' + esc(D.src_lang) + ":" + esc(D.tgt_lang) + " sentence ids " + esc(ids) + '">#' + (i + 1) +
      "</a><span>" + b.s.length + "-" + b.t.length + "</span><span>" + (b.score === null ? "" : b.score.toFixed(2)) +
      "</span>" + fixMenu(i) + "</div>" +
      '<div class="src" lang="' + esc(D.src_lang) + '">' + side(b, 0) + "</div>" +
      '<div class="tgt" lang="' + esc(D.tgt_lang) + '">' + side(b, 1) + "</div>";
    if (!b.key) h += '<div class="flags"><div class="fixnote">fixed in this page: <code>aligner check --review</code> scores it again</div></div>';
    if (fl.length) {
      h += '<div class="flags">';
      for (var k = 0; k < fl.length; k++) {
        var r = rec(i, k) || {}, acc = r.status === "accepted", fd = findings[findingOf[i][k]];
        var runNote = fd.members.length > 1 ? '<span class="run">one finding: ' + fd.members.length + " lines, pairs " +
          (fd.members[0][0] + 1) + "\u2013" + (fd.members[fd.members.length - 1][0] + 1) + "</span>" : "";
        h += '<div class="flag' + (acc ? " accepted" : "") + '" data-f="' + k + '" data-flag="' + esc(fl[k][0]) +
          '" data-code="' + esc(fl[k][0]) + '" data-id="' + esc(fl[k][3]) + '"><span class="badge ' + SEV[fl[k][1]] + '">' +
          SEV[fl[k][1]] + '</span><span class="code">' + esc(fl[k][0]) + '</span><span class="reason">' + esc(fl[k][2]) +
          "</span>" + runNote + '<label><input type="checkbox" class="accept"' + (acc ? " checked" : "") + "> accept</label>" +
          '<button type="button" class="cbtn">comment</button>' +
          '<input type="text" class="comment" placeholder="comment (saved in the review file)" value="' +
          esc(r.comment || "") + '"' + (r.comment ? "" : " hidden") + "></div>";
      }
      h += "</div>";
    }
    return h + "</div>";
  }

  // ---- filters and order --------------------------------------------------------
  var F = { sev: [true, true, true], codes: {}, clean: true, hideDone: false, work: true, q: "" };
  function readFilters() {
    document.querySelectorAll("input[data-sev]").forEach(function (c) { F.sev[SEV.indexOf(c.dataset.sev)] = c.checked; });
    document.querySelectorAll("input[data-code]").forEach(function (c) { F.codes[c.dataset.code] = c.checked; });
    F.clean = document.getElementById("f-clean").checked;
    F.hideDone = document.getElementById("f-done").checked;
    F.work = document.getElementById("order-work").checked;
    F.q = document.getElementById("search").value.trim().toLowerCase();
  }
  function matches(i) {
    if (!F.q) return true;
    var b = beads[i], k;
    for (k = 0; k < b.s.length; k++) if (D.src[b.s[k]].toLowerCase().indexOf(F.q) >= 0) return true;
    for (k = 0; k < b.t.length; k++) if (D.tgt[b.t[k]].toLowerCase().indexOf(F.q) >= 0) return true;
    return false;
  }
  function visible(i) {
    var b = beads[i], fl = b.flags;
    if (!matches(i)) return false;
    if (!fl.length) return !b.key || (!F.work && F.clean);
    if (F.hideDone && allAccepted(i)) return false;
    for (var k = 0; k < fl.length; k++) if (F.sev[fl[k][1]] && F.codes[fl[k][0]] !== false) return true;
    return false;
  }
  function computeOrder() {
    var idx = beads.map(function (_, i) { return i; });
    if (F.work) {
      idx = idx.filter(function (i) { return beads[i].flags.length > 0 || !beads[i].key; });
      idx.sort(function (a, b) { return (worst(beads[b]) - worst(beads[a])) || (a - b); });
    }
    return idx;
  }
  function counts() {
    var bySev = [0, 0, 0], byCode = {};
    findings.forEach(function (fd) {
      if (findingAccepted(fd)) return;
      bySev[fd.sev]++;
      byCode[fd.code] = (byCode[fd.code] || 0) + 1;
    });
    document.querySelectorAll("[data-cnt-sev]").forEach(function (e) { e.textContent = bySev[SEV.indexOf(e.dataset.cntSev)]; });
    document.querySelectorAll("[data-cnt-code]").forEach(function (e) { e.textContent = byCode[e.dataset.cntCode] || 0; });
    var open = bySev[0] + bySev[1] + bySev[2];
    document.body.dataset.open = open;
    document.body.dataset.openWarnings = bySev[1] + bySev[2];
  }
  function applyFilters() {
    readFilters();
    var shown = 0, i;
    for (var p = 0; p < order.length; p++) {
      i = order[p];
      var v = visible(i);
      if (p < rendered) rows[i].hidden = !v;
      if (v) shown++;
    }
    document.getElementById("shown").textContent = shown + " of " + beads.length + " pairs shown";
    document.getElementById("empty").hidden = shown > 0;
    counts();
    updatePos();
  }

  function renderTo(end) {
    end = Math.min(end, order.length);
    if (end <= rendered) return;
    var h = "";
    for (var p = rendered; p < end; p++) h += rowHtml(order[p]);
    list.insertAdjacentHTML("beforeend", h);
    var el = rendered ? rows[order[rendered - 1]].nextElementSibling : list.querySelector(".bead");
    for (var q = rendered; q < end; q++) {
      rows[order[q]] = el;
      if (!visible(order[q])) el.hidden = true;
      el = el.nextElementSibling;
    }
    rendered = end;
  }
  var gen = 0;
  function renderRest(g) {
    if (g !== gen) return;
    renderTo(rendered + CHUNK);
    if (rendered < order.length) setTimeout(function () { renderRest(g); }, 0);
    else allRendered();
  }
  function allRendered() {
    window.alignerTiming.rendered = performance.now();   // every row of the current order is in the page
    finished();
  }
  function rebuild(keepCurrent) {
    gen++;
    readFilters();
    buildFindings();
    order = computeOrder();
    list.querySelectorAll(".bead").forEach(function (e) { e.remove(); });
    rows = new Array(beads.length);
    rendered = 0;
    renderTo(FIRST_CHUNK);
    applyFilters();
    if (rendered < order.length) { var g = gen; setTimeout(function () { renderRest(g); }, 0); }
    else allRendered();
    if (keepCurrent && current >= 0 && current < beads.length) go(current, false);
    else current = -1;
  }
  function finished() {
    if (ready) return;
    ready = true;
    window.alignerTiming.all = performance.now();
    document.body.dataset.ready = "1";
    if (location.hash && /^#b\d+$/.test(location.hash)) go(parseInt(location.hash.slice(2), 10), false);
  }

  // ---- navigation -----------------------------------------------------------
  function posOf(i) { return order.indexOf(i); }
  function go(i, fromKey) {
    var p = posOf(i);
    if (p < 0) return;
    renderTo(p + 1);
    if (current >= 0 && rows[current]) rows[current].classList.remove("current");
    current = i;
    rows[i].hidden = false;
    rows[i].classList.add("current");
    rows[i].scrollIntoView({ block: "center" });
    if (fromKey && history.replaceState) history.replaceState(null, "", "#b" + i);
    updatePos();
  }
  function flaggedVisible(i) { return beads[i].flags.length > 0 && visible(i); }
  function next(step) {
    var p = current >= 0 ? posOf(current) : -1;
    for (var q = p + step; q >= 0 && q < order.length; q += step) if (flaggedVisible(order[q])) return go(order[q], true);
    status(step > 0 ? "no further flagged pair" : "no earlier flagged pair");
  }
  function updatePos() {
    var n = 0, at = 0, cp = current >= 0 ? posOf(current) : -1;
    for (var q = 0; q < order.length; q++) if (flaggedVisible(order[q])) { n++; if (q <= cp) at = n; }
    document.getElementById("pos").textContent = (cp >= 0 && at ? at : "\u2013") + " / " + n + " flagged";
  }

  // ---- corrections (the operations themselves: model.js) ------------------------
  var spec = AlignerModel.spec, applyOp = AlignerModel.applyOp;
  function replay() {
    var bs = orig, bad = 0, keep = [];
    ops.forEach(function (op) { var r = applyOp(bs, op); if (r) { bs = r; keep.push(op); } else bad++; });
    ops = keep;
    beads = bs;
    return bad;
  }
  // Show `next` in place of `beads`: in document order with every row rendered, only the rows that changed
  // are rendered again and the rows after them renumbered (a fix on a 10,000-pair page stays quick);
  // otherwise the list is rebuilt.
  function show(next) {
    var prev = beads, lo = 0, tail = 0;
    beads = next;
    current = Math.min(current, beads.length - 1);
    if (F.work || rendered < order.length || !prev.length) { rebuild(true); return; }
    while (lo < prev.length && lo < next.length && prev[lo] === next[lo]) lo++;
    while (tail < prev.length - lo && tail < next.length - lo &&
           prev[prev.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
    var hiOld = prev.length - tail, hiNew = next.length - tail;
    lo = Math.max(0, lo - 1);                         // the neighbour before: its fix menu and run may change
    hiOld = Math.min(prev.length, hiOld + 1); hiNew = Math.min(next.length, hiNew + 1);
    buildFindings();
    var extra = {};                                   // rows of runs that reach into the changed range
    findings.forEach(function (fd) {
      if (fd.members.length < 2) return;
      var a = fd.members[0][0], b = fd.members[fd.members.length - 1][0];
      if (b >= lo - 1 && a <= hiNew) fd.members.forEach(function (m) { extra[m[0]] = 1; });
    });
    var after = hiOld < prev.length ? rows[hiOld] : null;
    for (var i = lo; i < hiOld; i++) rows[i].remove();
    var h = "";
    for (i = lo; i < hiNew; i++) h += rowHtml(i);
    if (after) after.insertAdjacentHTML("beforebegin", h); else list.insertAdjacentHTML("beforeend", h);
    var fresh = [], el = after ? after.previousElementSibling : list.lastElementChild;
    for (i = hiNew - 1; i >= lo; i--) { fresh[i - lo] = el; el = el.previousElementSibling; }
    rows = rows.slice(0, lo).concat(fresh, rows.slice(hiOld));
    for (i = hiNew; i < next.length; i++) {           // renumber the rows after the change
      var r = rows[i];
      if (+r.dataset.i === i) break;
      r.id = "b" + i; r.dataset.i = i; r.dataset.pair = i + 1;
      var a = r.firstElementChild.children[1];      // .meta > a (querySelector on 10k rows costs ~1 s)
      a.href = "#b" + i; a.firstChild.nodeValue = "#" + (i + 1);
    }
    Object.keys(extra).forEach(function (k) {
      k = +k;
      if (k >= lo && k < hiNew) return;
      var old = rows[k];
      old.insertAdjacentHTML("beforebegin", rowHtml(k));
      rows[k] = old.previousElementSibling;
      old.remove();
    });
    order = beads.map(function (_, k) { return k; });
    rendered = order.length;
    for (i = lo; i < hiNew; i++) rows[i].hidden = !visible(i);
    applyFilters();
    window.alignerTiming.rendered = performance.now();
    if (current >= 0) go(current, false);
  }
  var undoStack = [];                                 // pairs before each fix, for undo
  function doOp(op) {
    var r = applyOp(beads, op);
    if (!r) { status("that fix does not apply here"); return; }
    ops.push(op);
    undoStack.push(beads);
    show(r);
    document.getElementById("undo").disabled = false;
    changed(op.op + " done; " + ops.length + " fixes (undo with u)");
  }
  function undo() {
    if (!ops.length) { status("nothing to undo"); return; }
    ops.pop();
    if (undoStack.length) show(undoStack.pop());
    else { replay(); rebuild(true); }
    document.getElementById("undo").disabled = !ops.length;
    changed("undone; " + ops.length + " fixes");
  }
  function rowOp(row, what, btn) {
    var i = +row.dataset.i, b = beads[i];
    if (what === "merge-prev") return doOp({ op: "merge", beads: [spec(beads[i - 1]), spec(b)] });
    if (what === "merge-next") return doOp({ op: "merge", beads: [spec(b), spec(beads[i + 1])] });
    if (what === "split") { row.querySelector(".splitat").hidden = false; return; }
    if (what === "split-ok") {
      var at = [+row.querySelector(".at-s").value, +row.querySelector(".at-t").value];
      return doOp({ op: "split", beads: [spec(b)], at: at });
    }
    var m = /^(move|detach)-(prev|next|first|last)-(s|t)$/.exec(what);
    if (!m) return;
    var sd = m[3] === "s" ? "src" : "tgt";
    if (m[1] === "move") return doOp({ op: "move", beads: [spec(b), spec(beads[m[2] === "prev" ? i - 1 : i + 1])], side: sd });
    return doOp({ op: "detach", beads: [spec(b)], side: sd, which: m[2] });
  }

  // ---- review file, autosave -------------------------------------------------
  function status(msg) {
    var s = document.getElementById("status");
    s.textContent = msg;
    s.className = dirty ? "dirty" : "";
  }
  function entries() {
    var seen = [], out = [];
    findings.forEach(function (fd) {
      var r = null, m;
      for (m = 0; m < fd.members.length && !r; m++) r = rec(fd.members[m][0], fd.members[m][1]) || null;
      if (!r || seen.indexOf(r) >= 0) return;
      seen.push(r);
      var i0 = fd.members[0][0], f0 = beads[i0].flags[fd.members[0][1]];
      var e = { key: beads[i0].key, code: f0[0], flag: f0[3], status: r.status, comment: r.comment || "" };
      if (fd.members.length > 1) e.run = fd.members.slice(1).map(function (x) {
        return { key: beads[x[0]].key, flag: beads[x[0]].flags[x[1]][3] };
      });
      out.push(e);
    });
    // marks for pairs a fix took away from the page stay in the file (check reports them as stale)
    Object.keys(marks).forEach(function (id) {
      var r = marks[id];
      if (seen.indexOf(r) >= 0) return;
      seen.push(r);
      var cut = id.indexOf("|");
      out.push({ key: id.slice(0, cut), code: r.code, flag: id.slice(cut + 1), status: r.status, comment: r.comment || "" });
    });
    out.sort(function (a, b) { return (a.key + "|" + a.flag) < (b.key + "|" + b.flag) ? -1 : 1; });
    return out;
  }
  function reviewJson() {
    var j = { aligner_review: 2, document: D.doc, entries: entries() };
    if (ops.length) j.corrections = ops;
    return j;
  }
  function autosave() {
    try { localStorage.setItem(STORE, JSON.stringify({ saved: dirty ? 0 : 1, review: reviewJson() })); } catch (e) { /* private mode */ }
  }
  function changed(msg) {
    dirty = true;
    autosave();
    counts();
    status(msg + " (autosaved in this browser)");
  }
  function fileJson() {
    // the file applies to the text as aligned: the corrections this page was made with come first
    var j = reviewJson(), base = D.base || [];
    if (base.length) j.corrections = base.concat(ops);
    return j;
  }
  function save() {
    var blob = new Blob([JSON.stringify(fileJson(), null, 1) + "\n"], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = D.review_name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    dirty = false;
    autosave();
    status("saved " + reviewJson().entries.length + " entries and " + ops.length + " fixes to " + D.review_name);
  }
  var HEX16 = /^[0-9a-fA-F]{16}$/;
  function checked(j) {
    // the rules of aligner/review.py's parse_review, so the page and `check --review` read a file alike;
    // returns a copy with keys in lower case, entries [] when absent; throws on anything else
    if (!j || typeof j !== "object" || (j.aligner_review !== 1 && j.aligner_review !== 2)) throw new Error("not an aligner review file");
    var entries = j.entries === undefined ? [] : j.entries, corr = j.corrections === undefined ? [] : j.corrections;
    if (!Array.isArray(entries)) throw new Error("'entries' must be a list");
    if (!Array.isArray(corr) || corr.some(function (c) { return !c || typeof c !== "object" || Array.isArray(c); }))
      throw new Error("'corrections' must be a list of objects");
    var out = entries.map(function (e, n) {
      var where = "entry " + (n + 1) + ": ";
      if (!e || typeof e !== "object" || Array.isArray(e)) throw new Error(where + "an entry must be an object");
      if (typeof e.key !== "string" || !HEX16.test(e.key)) throw new Error(where + "'key' must be 16 hex digits");
      if (typeof e.code !== "string" || !e.code) throw new Error(where + "'code' must be a non-empty string");
      var st = e.status === undefined ? "accepted" : e.status;
      if (st !== "accepted" && st !== "open") throw new Error(where + "'status' must be \"accepted\" or \"open\"");
      if (e.comment !== undefined && typeof e.comment !== "string") throw new Error(where + "'comment' must be a string");
      if (e.flag !== undefined && e.flag !== null && (typeof e.flag !== "string" || !e.flag)) throw new Error(where + "'flag' must be a non-empty string");
      var run = e.run === undefined ? [] : e.run;
      if (!Array.isArray(run)) throw new Error(where + "'run' must be a list");
      run = run.map(function (m) {
        if (!m || typeof m.key !== "string" || !HEX16.test(m.key) || (m.flag !== undefined && m.flag !== null && typeof m.flag !== "string"))
          throw new Error(where + "each 'run' member must be {key, flag}");
        return { key: m.key.toLowerCase(), flag: m.flag };
      });
      return { key: e.key.toLowerCase(), code: e.code, flag: e.flag, status: st, comment: e.comment || "", run: run };
    });
    return { aligner_review: j.aligner_review, entries: out, corrections: corr };
  }
  function absorb(j) {
    j = checked(j);
    var base = D.base || [], corr = j.corrections;
    if (base.length && corr.length >= base.length &&
        JSON.stringify(corr.slice(0, base.length)) === JSON.stringify(base)) corr = corr.slice(base.length);
    ops = corr.slice();   // a file saved from this page: its first corrections are already in these pairs
    undoStack = [];
    var bad = replay();
    buildFindings();
    var byKey = {};
    beads.forEach(function (b, i) { if (b.key) byKey[b.key] = i; });
    j.entries.forEach(function (e) {
      if (!e || !e.key || !e.code) return;
      var r = { status: e.status, comment: e.comment, code: e.code };
      [{ key: e.key, flag: e.flag }].concat(e.run || []).forEach(function (m) {
        var i = byKey[m.key];
        if (i === undefined) { if (m.flag) marks[m.key + "|" + m.flag] = r; return; }
        beads[i].flags.forEach(function (f) {   // no flag: a version-1 entry covers every flag of its code
          if (f[0] === e.code && (!m.flag || m.flag === f[3])) marks[mid(m.key, f)] = r;
        });
      });
    });
    return bad;
  }
  function load(file) {
    var fr = new FileReader();
    fr.onload = function () {
      var before = { marks: marks, ops: ops, undo: undoStack };
      try {
        var j = checked(JSON.parse(fr.result));   // a bad file changes nothing: the work so far stays
        marks = {};
        var bad = absorb(j);
        dirty = false;
        rebuild(false);
        autosave();
        status("loaded " + j.entries.length + " entries and " + ops.length + " fixes from " + file.name +
          (bad ? "; " + bad + " fixes no longer apply (skipped)" : ""));
      } catch (err) {
        if (marks !== before.marks || ops !== before.ops) {   // failed half-way: back to the work so far
          marks = before.marks; ops = before.ops; undoStack = before.undo;
          replay(); buildFindings(); rebuild(false);
        }
        status("cannot load " + file.name + ": " + err.message + " (nothing changed)");
      }
    };
    fr.readAsText(file);
  }
  function restore() {
    var raw = null;
    try { raw = localStorage.getItem(STORE); } catch (e) { return ""; }
    if (!raw) return "";
    try {
      var st = JSON.parse(raw), bad = absorb(st.review);
      dirty = !st.saved;
      return "restored " + st.review.entries.length + " marks and " + ops.length + " fixes from this browser" +
        (dirty ? " (not yet saved to a file)" : "") + (bad ? "; " + bad + " fixes skipped" : "");
    } catch (e) { return ""; }
  }
  window.alignerReview = reviewJson;
  window.alignerFilter = applyFilters;   // bench/html_load.py times it
  window.alignerForget = function () {   // tests: a fresh page (no autosave, no leave warning)
    dirty = false;
    try { localStorage.removeItem(STORE); } catch (e) { /* ignore */ }
  };

  // ---- wiring ---------------------------------------------------------------
  function flagOf(el) {
    var f = el.closest(".flag"), row = el.closest(".bead");
    if (!f || !row) return null;
    var i = +row.dataset.i, k = +f.dataset.f;
    return { f: f, row: row, i: i, k: k, fd: findings[findingOf[i][k]] };
  }
  function refreshFinding(fd) {
    fd.members.forEach(function (m) {
      var row = rows[m[0]];
      if (!row) return;
      var f = row.querySelector('.flag[data-f="' + m[1] + '"]'), r = rec(m[0], m[1]) || {}, acc = r.status === "accepted";
      f.classList.toggle("accepted", acc);
      f.querySelector(".accept").checked = acc;
      var c = f.querySelector(".comment");
      if (document.activeElement !== c) c.value = r.comment || "";
      if (r.comment) c.hidden = false;
      row.classList.toggle("done", allAccepted(m[0]));
    });
  }
  list.addEventListener("change", function (e) {
    var t = e.target, x = flagOf(t);
    if (x && t.classList.contains("accept")) {
      setFinding(x.fd, { status: t.checked ? "accepted" : "open" });
      refreshFinding(x.fd);
    }
  });
  list.addEventListener("input", function (e) {
    var t = e.target, x = flagOf(t);
    if (x && t.classList.contains("comment")) setFinding(x.fd, { comment: t.value });
  });
  list.addEventListener("click", function (e) {
    var t = e.target, row = t.closest(".bead");
    if (t.dataset && t.dataset.op && row) { rowOp(row, t.dataset.op, t); return; }
    var x = flagOf(t);
    if (x && t.classList.contains("cbtn")) {
      var c = x.f.querySelector(".comment");
      c.hidden = false;
      c.focus();
    }
  });
  function acceptPairs(idx) {
    var n = 0, seen = {};
    idx.forEach(function (i) {
      findingOf[i].forEach(function (fn) {
        if (seen[fn]) return;
        seen[fn] = 1;
        setFinding(findings[fn], { status: "accepted" });
        refreshFinding(findings[fn]);
        n++;
      });
    });
    return n;
  }
  document.getElementById("select-shown").addEventListener("click", function () {
    order.forEach(function (i) { if (visible(i)) { renderTo(posOf(i) + 1); rows[i].firstElementChild.firstElementChild.checked = true; } });
  });
  document.getElementById("bulk-accept").addEventListener("click", function () {
    var idx = [];
    list.querySelectorAll(".bead .sel:checked").forEach(function (c) { idx.push(+c.closest(".bead").dataset.i); c.checked = false; });
    var n = acceptPairs(idx);
    applyFilters();
    status("accepted " + n + " findings in " + idx.length + " pairs (autosaved in this browser)");
  });
  var searchTimer = 0;
  document.getElementById("toolbar").addEventListener("input", function (e) {
    if (e.target.id !== "search") return;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(applyFilters, 120);
  });
  document.getElementById("toolbar").addEventListener("change", function (e) {
    if (e.target.id === "load") { if (e.target.files[0]) load(e.target.files[0]); e.target.value = ""; return; }
    if (e.target.name === "order") { rebuild(false); return; }
    if (e.target.id === "search") return;
    applyFilters();
  });
  document.getElementById("next").addEventListener("click", function () { next(1); });
  document.getElementById("prev").addEventListener("click", function () { next(-1); });
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("undo").addEventListener("click", undo);
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return undefined;
    e.preventDefault();
    e.returnValue = "";               // the browser asks before leaving: review marks not saved to a file
    return "";
  });
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    var typing = tag === "textarea" || tag === "select" ||
      (tag === "input" && !/^(checkbox|radio|button|submit)$/.test(e.target.type));
    if (e.ctrlKey || e.metaKey || e.altKey || typing) {
      if (e.key === "Escape" && e.target.blur) e.target.blur();
      return;
    }
    if (e.key === "j" || e.key === "n") { next(1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "p") { next(-1); e.preventDefault(); }
    else if (e.key === "u") { undo(); e.preventDefault(); }
    else if (e.key === "/") { document.getElementById("search").focus(); e.preventDefault(); }
    else if (e.key === "a" && current >= 0 && beads[current].flags.length) {
      var on = !allAccepted(current), seen = {};
      findingOf[current].forEach(function (fn) {
        if (seen[fn]) return;
        seen[fn] = 1;
        setFinding(findings[fn], { status: on ? "accepted" : "open" });
        refreshFinding(findings[fn]);
      });
      e.preventDefault();
    }
  });

  window.alignerTiming = { start: t0 };
  var restored = restore();
  rebuild(false);
  document.getElementById("undo").disabled = !ops.length;
  window.alignerTiming.first = performance.now();
  if (restored) status(restored);
})();
