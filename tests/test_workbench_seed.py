"""Issue 16's bar on seed 000 (real model, real Chromium): a reviewer takes every warning to zero in the
page (one fixed by a merge, the rest accepted), saves, and ``check --review`` exits 0; the merge is one
pair in the TMX that ``report --review`` writes. Also: ``check`` names findings as the page does, and a
Traditional text's reasons quote Traditional words.

Set ALIGNER_SCREENSHOTS=DIR to keep screenshots of the page (docs/ holds the ones in the README).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from aligner.cli import app

from test_html_browser import browser, click, forget, wait_for  # noqa: F401 (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser]
runner = CliRunner()


def run(*args, cache_dir):
    return runner.invoke(app, [*map(str, args), "--cache-dir", str(cache_dir)])


def shot(drv, name: str) -> None:
    d = os.environ.get("ALIGNER_SCREENSHOTS")
    if d:
        drv.save_screenshot(str(Path(d) / name))


def test_seed_000_warnings_to_zero_in_the_page_then_check_passes(browser, seed, cache_dir, tmp_path):  # noqa: F811
    src = seed("000")
    tsv, page = tmp_path / "000.tsv", tmp_path / "000.html"
    r = runner.invoke(app, ["align", str(src), "-o", str(tsv), "--cache-dir", str(cache_dir), "-q"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["report", str(tsv), "-o", str(page)]).exit_code == 0
    # bug 4: `align -o x.html` writes the page (it wrote TSV into x.html); same page as report's of the TSV
    direct = tmp_path / "direct.html"
    r = runner.invoke(app, ["align", str(src), "-o", str(direct), "--cache-dir", str(cache_dir), "-q"])
    assert r.exit_code == 0, r.output
    assert direct.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    # before: check fails at --fail-on warning and names each finding as the page does
    before = run("check", src, "--fail-on", "warning", "--json", cache_dir=cache_dir)
    assert before.exit_code == 1
    v = json.loads(before.output)["verdicts"][0]
    items = v["items"]
    assert len(v["failing"]) == 17                              # the 17 warnings of the issue ...
    runs = [it for it in items if it["flags"] > 1]
    # ... the untranslated introduction is one finding: its 12 warnings and the 2 captions (info) among them
    assert len(runs) == 1 and (runs[0]["pair"], runs[0]["last_pair"], runs[0]["flags"]) == (1, 14, 14)
    assert len(items) == 6
    low = next(it for it in items if it["code"] == "low_similarity")
    text = run("check", src, "--fail-on", "warning", cache_dir=cache_dir).output
    assert f"pair {low['pair']} [zh {low['src_ids'][0]}, en {low['tgt_ids'][0]}]" in text
    # bug 3: the Traditional text is quoted as written (歐洲, not 欧洲): every Chinese quote is the document's own
    text_zh = src.read_text(encoding="utf-8")
    quotes = [q.rstrip("…") for it in items for q in re.findall(r"'([^']+)'", it["reason"])
              if re.search(r"[\u4e00-\u9fff]", q)]
    assert any("歐洲" in q for q in quotes) and all(q in text_zh for q in quotes), quotes

    for f in browser.downloads.iterdir():
        f.unlink()
    forget(browser)
    browser.get(page.as_uri())
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "1", "page ready")
    forget(browser)
    browser.get(page.as_uri())
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "1", "page ready")
    assert int(browser.execute_script("return document.body.dataset.openWarnings")) == 6
    shot(browser, "review-work-order.png")
    uncovered = next(it for it in items if "none for" in it["reason"])["pair"]
    browser.execute_script(f"document.querySelector('#b{uncovered - 1}').scrollIntoView({{block: 'center'}})")
    shot(browser, "review-evidence.png")                        # the uncovered words highlighted
    # the CI line's pair is the page's data-pair, with the flag's code
    row = f"#b{low['pair'] - 1}"
    assert browser.execute_script(f"return document.querySelector('{row}').dataset.pair") == str(low["pair"])
    assert browser.execute_script(f"return document.querySelector('{row} .flag').dataset.flag") == "low_similarity"

    # fix the low-similarity pair: it is half of a question the aligner split from its other half
    browser.execute_script(f"document.querySelector('{row} details.fix').open = true; "
                           f"document.querySelector('{row}').scrollIntoView({{block: 'center'}})")
    shot(browser, "review-fix-menu.png")
    click(browser, f"{row} [data-op='merge-next']")
    assert int(browser.execute_script("return document.body.dataset.openWarnings")) == 5
    # accept the rest: info off, select what is shown, accept the selection
    click(browser, "input[data-sev='info']")
    click(browser, "#select-shown")
    click(browser, "#bulk-accept")
    assert int(browser.execute_script("return document.body.dataset.openWarnings")) == 0
    shot(browser, "review-done.png")
    click(browser, "#save")
    saved = wait_for(lambda: [p for p in browser.downloads.iterdir() if p.suffix == ".json"], "review download")[0]
    wait_for(lambda: saved.read_text(encoding="utf-8").endswith("\n"), "review written")
    review = json.loads(saved.read_text(encoding="utf-8"))
    assert [c["op"] for c in review["corrections"]] == ["merge"]

    after = run("check", src, "--fail-on", "warning", "--review", saved, cache_dir=cache_dir)
    assert after.exit_code == 0, after.output
    assert "corrections: 1 applied" in after.output

    tmx = tmp_path / "000.tmx"
    r = runner.invoke(app, ["report", str(tsv), "-o", str(tmx), "--review", str(saved)])
    assert r.exit_code == 0, r.output
    merged = review["corrections"][0]["beads"]
    zh_ids = merged[0]["src"] + merged[1]["src"]
    tus = etree.fromstring(tmx.read_bytes()).findall("body/tu")
    before_tus = etree.fromstring(runner.invoke(app, ["report", str(tsv), "-f", "tmx"]).stdout_bytes).findall("body/tu")
    assert len(tus) == len(before_tus) - 1
    from aligner.report.tsv import read_tsv

    al = read_tsv(tsv)
    first, second = (al.src.sentences[i].text for i in zh_ids)
    segs = [tu.find("tuv/seg").text for tu in tus]
    assert f"{first} {second}" in segs                          # the two halves, one translation unit
