/* aligner review page: inlined into the HTML by aligner/report/html.py (no network).
 *
 * Data: the JSON script element #aligner-data, rendered here in
 * chunks (the first rows at once, the rest in the background) so 10,000-bead
 * pages stay responsive. The reviewer accepts flags / adds comments and saves a
 * review file: {"aligner_review": 1, "entries": [{key, code, status, comment}]}
 * where key is the bead_key computed in Python (data-key on each bead).
 */
(function () {
  "use strict";
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById("aligner-data").textContent);
  var SEV = ["info", "warning", "error"];
  var beads = D.beads;            // [key, src[], tgt[], score|null, [[code, sev, reason]], ids]
  var N = beads.length;
  var list = document.getElementById("beads");
  var rows = new Array(N);        // rendered row elements (undefined until rendered)
  var rendered = 0;
  var review = {};                // "key|code" -> {status, comment}
  var dirty = false;
  var current = -1;
  var FIRST_CHUNK = 200, CHUNK = 1000;

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function worst(b) {
    var w = -1;
    for (var k = 0; k < b[4].length; k++) if (b[4][k][1] > w) w = b[4][k][1];
    return w;
  }
  function side(sents, lang) {
    if (!sents.length) return '<div class="' + lang + ' none">(nothing)</div>';
    var h = "";
    for (var k = 0; k < sents.length; k++) h += '<span class="s">' + esc(sents[k]) + "</span>";
    return h;
  }
  function rowHtml(i) {
    var b = beads[i], w = worst(b), fl = b[4];
    var kind = b[1].length + "-" + b[2].length;
    var h = '<div class="bead' + (w >= 0 ? " sev-" + SEV[w] : "") + '" id="b' + i + '" data-i="' + i +
      '" data-key="' + esc(b[0]) + '" role="listitem">' +
      '<div class="meta"><a href="#b' + i + '" title="source:target sentence ids ' + esc(b[5]) + '">#' + i +
      "</a><span>" + kind + "</span><span>" + (b[3] === null ? "" : b[3].toFixed(2)) + "</span></div>" +
      '<div class="src" lang="' + esc(D.src_lang) + '">' + side(b[1], "src") + "</div>" +
      '<div class="tgt" lang="' + esc(D.tgt_lang) + '">' + side(b[2], "tgt") + "</div>";
    if (fl.length) {
      h += '<div class="flags">';
      for (var k = 0; k < fl.length; k++) {
        var r = review[b[0] + "|" + fl[k][0]] || {};
        var acc = r.status === "accepted";
        h += '<div class="flag' + (acc ? " accepted" : "") + '" data-f="' + k + '" data-code="' + esc(fl[k][0]) +
          '"><span class="badge ' + SEV[fl[k][1]] + '">' + SEV[fl[k][1]] + '</span><span class="code">' +
          esc(fl[k][0]) + '</span><span class="reason">' + esc(fl[k][2]) + "</span>" +
          '<label><input type="checkbox" class="accept"' + (acc ? " checked" : "") + "> accept</label>" +
          '<button type="button" class="cbtn">comment</button>' +
          '<input type="text" class="comment" placeholder="comment (saved in the review file)" value="' +
          esc(r.comment || "") + '"' + (r.comment ? "" : " hidden") + "></div>";
      }
      h += "</div>";
    }
    return h + "</div>";
  }

  // ---- filters ------------------------------------------------------------
  var F = { sev: [true, true, true], codes: {}, clean: true, hideDone: false };
  function readFilters() {
    document.querySelectorAll("input[data-sev]").forEach(function (c) {
      F.sev[SEV.indexOf(c.dataset.sev)] = c.checked;
    });
    document.querySelectorAll("input[data-code]").forEach(function (c) { F.codes[c.dataset.code] = c.checked; });
    F.clean = document.getElementById("f-clean").checked;
    F.hideDone = document.getElementById("f-done").checked;
  }
  function allAccepted(b) {
    for (var k = 0; k < b[4].length; k++) {
      var r = review[b[0] + "|" + b[4][k][0]];
      if (!r || r.status !== "accepted") return false;
    }
    return true;
  }
  function visible(i) {
    var b = beads[i], fl = b[4];
    if (!fl.length) return F.clean;
    if (F.hideDone && allAccepted(b)) return false;
    for (var k = 0; k < fl.length; k++) if (F.sev[fl[k][1]] && F.codes[fl[k][0]] !== false) return true;
    return false;
  }
  function applyFilters() {
    readFilters();
    var shown = 0;
    for (var i = 0; i < rendered; i++) {
      var v = visible(i);
      rows[i].hidden = !v;
      if (v) shown++;
    }
    for (var j = rendered; j < N; j++) if (visible(j)) shown++;
    document.getElementById("shown").textContent = shown + " of " + N + " beads shown";
    document.getElementById("empty").hidden = shown > 0;
    updatePos();
  }

  // ---- rendering in chunks --------------------------------------------------
  function renderTo(end) {
    end = Math.min(end, N);
    if (end <= rendered) return;
    var h = "";
    for (var i = rendered; i < end; i++) h += rowHtml(i);
    list.insertAdjacentHTML("beforeend", h);
    var el = rendered ? rows[rendered - 1].nextElementSibling : list.querySelector(".bead");
    for (var j = rendered; j < end; j++) {
      rows[j] = el;
      if (!visible(j)) el.hidden = true;
      el = el.nextElementSibling;
    }
    rendered = end;
  }
  function renderRest() {
    renderTo(rendered + CHUNK);
    if (rendered < N) setTimeout(renderRest, 0);
    else ready();
  }
  function ready() {
    window.alignerTiming.all = performance.now();
    document.body.dataset.ready = "1";
    if (location.hash && /^#b\d+$/.test(location.hash)) go(parseInt(location.hash.slice(2), 10), false);
  }

  // ---- navigation -----------------------------------------------------------
  function flaggedVisible(i) { return beads[i][4].length > 0 && visible(i); }
  function go(i, fromKey) {
    renderTo(i + 1);
    if (current >= 0 && rows[current]) rows[current].classList.remove("current");
    current = i;
    rows[i].hidden = false;
    rows[i].classList.add("current");
    rows[i].scrollIntoView({ block: "center" });
    if (fromKey && history.replaceState) history.replaceState(null, "", "#b" + i);
    updatePos();
  }
  function next(step) {
    for (var i = current + step; i >= 0 && i < N; i += step) if (flaggedVisible(i)) return go(i, true);
    status(step > 0 ? "no further flagged bead" : "no earlier flagged bead");
  }
  function updatePos() {
    var n = 0, at = 0;
    for (var i = 0; i < N; i++) if (flaggedVisible(i)) { n++; if (i <= current) at = n; }
    document.getElementById("pos").textContent = (current >= 0 && at ? at : "–") + " / " + n + " flagged";
  }

  // ---- review ---------------------------------------------------------------
  function status(msg) {
    var s = document.getElementById("status");
    s.textContent = msg;
    s.className = dirty ? "dirty" : "";
  }
  function setMark(key, code, patch) {
    var id = key + "|" + code, r = review[id] || { status: "open", comment: "" };
    for (var p in patch) r[p] = patch[p];
    if (r.status !== "accepted" && !r.comment) delete review[id]; else review[id] = r;
    dirty = true;
    status("unsaved review marks: " + Object.keys(review).length);
  }
  function flagOf(el) {
    var f = el.closest(".flag"), row = el.closest(".bead");
    return f && row ? { f: f, row: row, key: row.dataset.key, code: f.dataset.code } : null;
  }
  function refreshRow(row) {
    var i = +row.dataset.i, b = beads[i];
    row.querySelectorAll(".flag").forEach(function (f) {
      var r = review[b[0] + "|" + f.dataset.code] || {};
      var acc = r.status === "accepted";
      f.classList.toggle("accepted", acc);
      f.querySelector(".accept").checked = acc;
      var c = f.querySelector(".comment");
      if (document.activeElement !== c) c.value = r.comment || "";
      if (r.comment) c.hidden = false;
    });
    row.classList.toggle("done", allAccepted(b));
  }
  list.addEventListener("change", function (e) {
    var t = e.target, x = flagOf(t);
    if (!x) return;
    if (t.classList.contains("accept")) {
      setMark(x.key, x.code, { status: t.checked ? "accepted" : "open" });
      refreshRow(x.row);
    }
  });
  list.addEventListener("input", function (e) {
    var t = e.target, x = flagOf(t);
    if (x && t.classList.contains("comment")) setMark(x.key, x.code, { comment: t.value });
  });
  list.addEventListener("click", function (e) {
    var t = e.target, x = flagOf(t);
    if (x && t.classList.contains("cbtn")) {
      var c = x.f.querySelector(".comment");
      c.hidden = false;
      c.focus();
    }
  });
  function reviewJson() {
    var entries = [];
    Object.keys(review).sort().forEach(function (id) {
      var r = review[id], cut = id.indexOf("|");
      entries.push({ key: id.slice(0, cut), code: id.slice(cut + 1), status: r.status, comment: r.comment || "" });
    });
    return { aligner_review: 1, entries: entries };
  }
  function save() {
    var blob = new Blob([JSON.stringify(reviewJson(), null, 1) + "\n"], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = D.review_name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    dirty = false;
    status("saved " + reviewJson().entries.length + " entries to " + D.review_name);
  }
  function load(file) {
    var fr = new FileReader();
    fr.onload = function () {
      try {
        var j = JSON.parse(fr.result);
        if (j.aligner_review !== 1 || !Array.isArray(j.entries)) throw new Error("not an aligner review file");
        j.entries.forEach(function (e) {
          if (e && e.key && e.code) review[e.key + "|" + e.code] = { status: e.status || "open", comment: e.comment || "" };
        });
        for (var i = 0; i < rendered; i++) if (beads[i][4].length) refreshRow(rows[i]);
        dirty = false;
        status("loaded " + j.entries.length + " entries from " + file.name);
        applyFilters();
      } catch (err) {
        status("cannot load " + file.name + ": " + err.message);
      }
    };
    fr.readAsText(file);
  }
  window.alignerReview = reviewJson;

  // ---- wiring ---------------------------------------------------------------
  document.getElementById("toolbar").addEventListener("change", function (e) {
    if (e.target.id === "load") { if (e.target.files[0]) load(e.target.files[0]); e.target.value = ""; return; }
    applyFilters();
  });
  document.getElementById("next").addEventListener("click", function () { next(1); });
  document.getElementById("prev").addEventListener("click", function () { next(-1); });
  document.getElementById("save").addEventListener("click", save);
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
    else if (e.key === "a" && current >= 0 && beads[current][4].length) {
      var b = beads[current], on = !allAccepted(b);
      b[4].forEach(function (f) { setMark(b[0], f[0], { status: on ? "accepted" : "open" }); });
      refreshRow(rows[current]);
      e.preventDefault();
    }
  });

  window.alignerTiming = { start: t0 };
  readFilters();
  renderTo(FIRST_CHUNK);
  window.alignerTiming.first = performance.now();
  applyFilters();
  if (rendered < N) setTimeout(renderRest, 0); else ready();
})();
