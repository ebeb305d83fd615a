/* aligner review page, the part without the page: findings and alignment corrections (pure functions).
 * Inlined into the HTML by aligner/report/html.py before review.js, which uses AlignerModel.
 * A pair: {key: bead_key | null (made by a fix), s: [src ids], t: [tgt ids], score, flags: [[code, sev, reason,
 * identity, evidence]]}.
 */
var AlignerModel = (function () {
  "use strict";
  var RUN_CODES = { omission: 1, addition: 1 };

  // a finding: a flag, or a run of consecutive one-sided pairs with the same omission/addition code (as
  // aligner.review.findings); list[n] = {n, members: [[pair, flag index]], code, sev}, of[pair][flag] = n
  function findings(beads) {
    var list = [], of = beads.map(function (b) { return new Array(b.flags.length); });
    var run = null;
    for (var i = 0; i < beads.length; i++) {
      var b = beads[i], one = (b.s.length > 0) !== (b.t.length > 0), joined = -1;
      for (var k = 0; k < b.flags.length; k++) {
        if (one && joined < 0 && RUN_CODES[b.flags[k][0]]) { joined = k; break; }
      }
      if (run && !(joined >= 0 && run.last === i - 1 && run.code === b.flags[joined][0])) run = null;
      for (k = 0; k < b.flags.length; k++) {
        if (k === joined && run) {
          run.members.push([i, k]); run.last = i; run.sev = Math.max(run.sev, b.flags[k][1]);
          of[i][k] = run.n;
        } else {
          var fd = { n: list.length, members: [[i, k]], code: b.flags[k][0], sev: b.flags[k][1], last: i };
          list.push(fd);
          of[i][k] = fd.n;
          if (k === joined) run = fd;
        }
      }
    }
    return { list: list, of: of };
  }

  // corrections: aligner/corrections.py does the same on the Python side (docs/review-file.md)
  function spec(b) { return { src: b.s.slice(), tgt: b.t.slice(), key: b.key }; }
  function nb(s, t) { return { key: null, s: s, t: t, score: null, flags: [] }; }
  function same(a, b) { return a.length === b.length && a.every(function (x, k) { return x === b[k]; }); }
  function find(bs, sp) {
    for (var i = 0; i < bs.length; i++) if (same(bs[i].s, sp.src) && same(bs[i].t, sp.tgt) && bs[i].key === sp.key) return i;
    return -1;
  }
  function applyOp(bs, op) {
    var idx = op.beads.map(function (sp) { return find(bs, sp); });
    if (idx.some(function (i) { return i < 0; })) return null;
    var i = idx[0], a = bs[i], out = bs.slice();
    if (op.op === "merge") {
      var lo = Math.min(idx[0], idx[1]);
      if (Math.abs(idx[0] - idx[1]) !== 1) return null;
      out.splice(lo, 2, nb(bs[lo].s.concat(bs[lo + 1].s), bs[lo].t.concat(bs[lo + 1].t)));
      return out;
    }
    if (op.op === "split") {
      var ns = op.at[0], nt = op.at[1];
      var p1 = nb(a.s.slice(0, ns), a.t.slice(0, nt)), p2 = nb(a.s.slice(ns), a.t.slice(nt));
      if (!(p1.s.length + p1.t.length) || !(p2.s.length + p2.t.length)) return null;
      out.splice(i, 1, p1, p2);
      return out;
    }
    var sd = op.side === "src" ? "s" : "t", ids = a[sd];
    if (!ids.length) return null;
    if (op.op === "move") {
      var to = idx[1], b = bs[to];
      if (Math.abs(to - i) !== 1) return null;
      var moved = to > i ? ids[ids.length - 1] : ids[0], keep = to > i ? ids.slice(0, -1) : ids.slice(1);
      var na = sd === "s" ? nb(keep, a.t.slice()) : nb(a.s.slice(), keep);
      var bIds = to > i ? [moved].concat(b[sd]) : b[sd].concat([moved]);
      var nbb = sd === "s" ? nb(bIds, b.t.slice()) : nb(b.s.slice(), bIds);
      out[i] = na; out[to] = nbb;
      if (!na.s.length && !na.t.length) out.splice(i, 1);
      return out;
    }
    if (op.op === "detach") {
      if (a.s.length + a.t.length < 2) return null;
      var first = op.which === "first", one = first ? ids[0] : ids[ids.length - 1];
      var rest = first ? ids.slice(1) : ids.slice(0, -1);
      var alone = sd === "s" ? nb([one], []) : nb([], [one]);
      var r2 = sd === "s" ? nb(rest, a.t.slice()) : nb(a.s.slice(), rest);
      out.splice(i, 1, first ? alone : r2, first ? r2 : alone);
      return out;
    }
    return null;
  }

  return { findings: findings, spec: spec, applyOp: applyOp };
})();
