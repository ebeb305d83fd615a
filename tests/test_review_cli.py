"""Issue 16 on the command line (no model): the output format follows ``-o``'s suffix in ``align`` as in
``report`` (a disagreeing ``--format`` exits 3 before any work), and ``report --review`` applies the page's
alignment corrections, reporting stale ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from aligner.report import render

from test_hostile_inputs import EXIT_INPUT, assert_clean_failure
from test_report_formats import keys, sample


@pytest.fixture
def tsv(tmp_path):
    p = tmp_path / "doc.tsv"
    p.write_text(render(sample(), "tsv"), encoding="utf-8")
    return p


@pytest.mark.parametrize("cmd, out, fmt", [
    # issue 16 bug 4: `align -o x.html` wrote TSV into a .html file; now a disagreement is refused
    ("align", "x.html", "tsv"),
    ("align", "x.tmx", "html"),
    ("report", "x.html", "tsv"),
    ("report", "x.xlf", "tmx"),
])
def test_format_disagreeing_with_the_suffix_exits_3(cli, tmp_path, tsv, cmd, out, fmt):
    args = [tsv] if cmd == "report" else [tsv, tsv.with_suffix(".en.txt")]  # align: refused before reading
    res = cli(cmd, *args, "-o", tmp_path / out, "-f", fmt)
    assert_clean_failure(res, EXIT_INPUT, "disagrees with the output's suffix", output=tmp_path / out)


def test_align_picks_the_format_from_the_suffix():
    """`align` and `report` share ``format_for``: html from .html, tsv by default for align, html for report."""
    from pathlib import Path

    from aligner.cli.report import format_for

    assert format_for(Path("x.html"), None, default="tsv") == "html"
    assert format_for(Path("x.tmx"), None, default="tsv") == "tmx"
    assert format_for(Path("-"), None, default="tsv") == "tsv"
    assert format_for(Path("x.txt"), None, default="tsv") == "tsv"
    assert format_for(Path("x.txt"), None) == "html"


def _spec(al, i):
    b = al.beads[i]
    return {"src": list(b.src_ids), "tgt": list(b.tgt_ids), "key": keys(al)[i]}


def test_report_review_applies_a_merge_to_the_tmx(cli, tmp_path, tsv):
    al = sample()
    review = tmp_path / "doc.review.json"
    review.write_text(json.dumps({"aligner_review": 2, "entries": [], "corrections": [
        {"op": "merge", "beads": [_spec(al, 0), _spec(al, 1)]},
        {"op": "merge", "beads": [{"src": [3], "tgt": [4], "key": "0123456789abcdef"}, _spec(al, 4)]},  # stale
    ]}), encoding="utf-8")
    out = tmp_path / "doc.tmx"
    res = cli("report", tsv, "-o", out, "--review", review)
    assert res.exit_code == 0, res.output
    assert "stale correction 2 (merge)" in res.output and "not the text" in res.output
    tus = etree.fromstring(out.read_bytes()).findall("body/tu")
    segs = [[s.text for s in tu.iter("seg")] for tu in tus]
    assert segs[0] == ["1962年，他成为外交部长。 他说：“我们需要和平。”",
                       'In 1963 he became foreign minister. He said: "We need peace."']  # one pair now
    assert len(tus) == 3  # was 4 two-sided pairs


def test_report_review_writes_the_corrected_tsv(cli, tmp_path, tsv):
    from aligner.report.tsv import read_tsv

    al = sample()
    review = tmp_path / "r.json"
    review.write_text(json.dumps({"aligner_review": 2, "entries": [], "corrections": [
        {"op": "detach", "beads": [_spec(al, 2)], "side": "tgt", "which": "last"}]}), encoding="utf-8")
    out = tmp_path / "fixed.tsv"
    assert cli("report", tsv, "-o", out, "--review", review).exit_code == 0
    fixed = read_tsv(out)
    assert [(b.src_ids, b.tgt_ids) for b in fixed.beads][2:4] == [((2,), (2,)), ((), (3,))]
    assert fixed.beads[2].score is None and fixed.beads[2].flags == ()  # check --review scores it again


def test_report_review_bad_file_exits_3(cli, tmp_path, tsv):
    bad = tmp_path / "bad.json"
    bad.write_text('{"aligner_review": 2, "corrections": {}}', encoding="utf-8")
    assert_clean_failure(cli("report", tsv, "-o", tmp_path / "o.tmx", "--review", bad), EXIT_INPUT, str(bad),
                         output=tmp_path / "o.tmx")


@pytest.mark.parametrize("args, kept", [
    # sample(): pairs 0-3 two-sided, scores 0.83 (error flag), 0.91, 0.77 (warning, info), 0.88
    ([], ["0", "1", "2", "3"]),
    (["--min-score", "0.8"], ["0", "1", "2"]),                 # 0.77 left out (tuids number the kept pairs)
    (["--exclude-flagged", "error"], ["0", "1", "2"]),         # the number_mismatch error pair left out
    (["--exclude-flagged", "warning"], ["0", "1"]),            # and the low_score warning pair
    (["--exclude-flagged", "info", "--min-score", "0.9"], ["0"]),
])
def test_tmx_selection(cli, tmp_path, tsv, args, kept):
    out = tmp_path / "tm.tmx"
    res = cli("report", tsv, "-o", out, *args)
    assert res.exit_code == 0, res.output
    tus = etree.fromstring(out.read_bytes()).findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == kept
    if args:  # pairs only (new user, stop 27: "16 pairs left out" of a 28-pair file counted one-sided beads too)
        assert f"{4 - len(kept)} of 4 pairs left out" in res.output and f"{len(kept)} kept" in res.output, res.output


def test_exclude_flagged_honours_accepted_flags(cli, tmp_path, tsv):
    al = sample()
    review = tmp_path / "r.json"
    f = al.beads[0].flags[0]
    review.write_text(json.dumps({"aligner_review": 2, "entries": [
        {"key": keys(al)[0], "code": f.code, "flag": f.ident, "status": "accepted"}]}), encoding="utf-8")
    out = tmp_path / "tm.xlf"
    assert cli("report", tsv, "-o", out, "--exclude-flagged", "warning", "--review", review).exit_code == 0
    units = etree.fromstring(out.read_bytes()).findall(".//{urn:oasis:names:tc:xliff:document:2.0}unit")
    k = keys(al)
    # pair 0's error is accepted: kept; pairs 2 and 4 have warnings: left out; 1, 3 clean and 5 info: kept
    assert [u.get("name") for u in units] == [k[0], k[1], k[3], k[5]]
    assert cli("report", tsv, "-o", out, "--exclude-flagged", "warning").exit_code == 0
    units = etree.fromstring(out.read_bytes()).findall(".//{urn:oasis:names:tc:xliff:document:2.0}unit")
    assert [u.get("name") for u in units] == [k[1], k[3], k[5]]  # without the review, pair 0 goes too


@pytest.mark.parametrize("args", [["-o", "x.tsv", "--min-score", "0.5"], ["-o", "x.html", "--exclude-flagged",
                                                                           "error"],
                                  ["-o", "x.tmx", "--exclude-flagged", "severe"]])
def test_selection_outside_a_tm_or_unknown_severity_exits_3(cli, tmp_path, tsv, args):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    res = cli("report", tsv, *args)
    assert res.exit_code == 3 and ("--min-score and --exclude-flagged" in res.output or "unknown severity" in
                                   res.output), res.output


def test_an_unknown_severity_is_named_whatever_the_format(cli, tmp_path, tsv):
    """New-user run: with TSV output a bad value got the format complaint; the value comes first now."""
    res = cli("report", tsv, "-o", tmp_path / "x.tsv", "--exclude-flagged", "bogus")
    assert res.exit_code == 3 and "unknown severity 'bogus'" in res.output, res.output


def test_align_refuses_a_selection_for_tsv_before_any_work(cli, tmp_path, tsv):
    res = cli("align", tsv, tsv.with_suffix(".en.txt"), "-o", tmp_path / "x.tsv", "--min-score", "0.5")
    assert_clean_failure(res, EXIT_INPUT, "apply to tmx, xliff and xliff12 output", output=tmp_path / "x.tsv")


@pytest.mark.parametrize("args", [["--exclude-flagged", "info"], ["--min-score", "0.5"]])
def test_a_pair_made_by_a_correction_is_not_trusted_into_a_tm(cli, tmp_path, tsv, args):
    """Red team (stop 22): a merge in the page put an unscored, unflagged pair into the 'trusted' TM
    (its flags are unknown until `check --review` scores it again)."""
    al = sample()
    review = tmp_path / "r.json"
    review.write_text(json.dumps({"aligner_review": 2, "entries": [], "corrections": [
        {"op": "merge", "beads": [_spec(al, 0), _spec(al, 1)]}]}), encoding="utf-8")
    out = tmp_path / "tm.tmx"
    res = cli("report", tsv, "-o", out, "--review", review, *args)
    assert res.exit_code == 0, res.output
    ids = [p.text for p in etree.fromstring(out.read_bytes()).iter("prop") if p.get("type") == "x-aligner-ids"]
    assert "0,1:0,1" not in ids and ids  # the merged pair is left out, the others are judged as before


def test_a_split_on_a_tsv_without_sentence_boundaries_is_stale(cli, tmp_path, tsv):
    """Red team (stop 22): on a ten-column TSV (no 'cuts') a split wrote one sentence with the text of both
    and the other empty; now it is reported stale and the output keeps the pair as it was."""
    al = sample()
    ten = tmp_path / "ten.tsv"
    rows = Path(tsv).read_text(encoding="utf-8").splitlines()
    ten.write_text("\n".join(r if r.startswith("#") else "\t".join(r.split("\t")[:10]) for r in rows) + "\n",
                   encoding="utf-8")
    review = tmp_path / "r.json"
    review.write_text(json.dumps({"aligner_review": 2, "entries": [], "corrections": [
        {"op": "split", "beads": [_spec(al, 2)], "at": [1, 1]}]}), encoding="utf-8")
    out = tmp_path / "fixed.tsv"
    res = cli("report", ten, "-o", out, "--review", review)
    assert res.exit_code == 0, res.output
    assert "stale correction 1 (split)" in res.output and "'cuts' column" in res.output, res.output
    from aligner.report.tsv import read_tsv

    assert [(b.src_ids, b.tgt_ids) for b in read_tsv(out).beads] == [(b.src_ids, b.tgt_ids) for b in al.beads]
