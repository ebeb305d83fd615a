"""The HTML review page in a real headless Chromium (Debian's chromium + chromedriver, via selenium).

Skipped with a reason when /usr/bin/chromium, /usr/bin/chromedriver or the
``selenium`` package is absent. Install: ``apt-get install -y chromium
chromium-driver`` and ``pip install selenium``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from aligner.report import render
from aligner.report.html import doc_hash

from test_report_formats import keys, sample

CHROMIUM = os.environ.get("ALIGNER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ALIGNER_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,1000")

pytestmark = pytest.mark.browser


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} absent (apt-get install chromium)"
    if not Path(CHROMEDRIVER).exists():
        return f"{CHROMEDRIVER} absent (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ModuleNotFoundError:
        return "selenium not installed (pip install selenium)"
    return None


def make_driver(user_data_dir: str, download_dir: str):
    """Headless Chromium with the project's flags, a fresh profile and a download folder."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in CHROMIUM_FLAGS:
        opts.add_argument(a)
    opts.add_argument(f"--user-data-dir={user_data_dir}")
    opts.add_experimental_option("prefs", {"download.default_directory": download_dir,
                                           "download.prompt_for_download": False})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    drv.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    return drv


@pytest.fixture(scope="module")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    profile = tempfile.mkdtemp(prefix="aligner-chromium-")
    downloads = tempfile.mkdtemp(prefix="aligner-downloads-")
    drv = make_driver(profile, downloads)
    drv.downloads = Path(downloads)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("page") / "doc.zh.html"
    p.write_text(render(sample(), "html"), encoding="utf-8")
    return p


@pytest.fixture
def page(browser, page_file):
    """The sample page freshly loaded and fully rendered; downloads folder emptied."""
    for f in browser.downloads.iterdir():
        f.unlink()
    forget(browser)
    browser.get(page_file.as_uri())
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "1", "page ready")
    browser.get_log("browser")  # drop what loading logged (checked in its own test)
    return browser


def forget(drv) -> None:
    """Drop the page's autosaved marks and its unsaved state, so the next load starts fresh."""
    try:
        drv.execute_script("window.alignerForget && window.alignerForget()")
    except Exception:  # no page loaded yet
        pass


def wait_for(cond, what: str, timeout: float = 10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def visible_beads(drv) -> list[int]:
    return drv.execute_script(
        "return Array.from(document.querySelectorAll('#beads .bead'))"
        ".filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0)"
        ".map(e => +e.dataset.i)")


def current(drv) -> int | None:
    return drv.execute_script("var c = document.querySelector('.bead.current'); return c ? +c.dataset.i : null")


def key(drv, k: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(drv).send_keys(k).perform()


def click(drv, css: str) -> None:
    from selenium.webdriver.common.by import By

    el = drv.find_element(By.CSS_SELECTOR, css)
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def test_page_loads_without_console_errors(browser, page_file):
    browser.get(page_file.as_uri())
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "1", "page ready")
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    assert visible_beads(browser) == [0, 2, 4, 5]             # work order: the flagged pairs, worst first
    click(browser, "#order-doc")                              # one click: all pairs in document order
    assert visible_beads(browser) == [0, 1, 2, 3, 4, 5]
    assert browser.execute_script("return document.getElementById('signature').textContent") == sample().signature
    keys_on_page = browser.execute_script(
        "return Array.from(document.querySelectorAll('#beads .bead')).map(e => e.dataset.key)")
    assert keys_on_page == keys(sample())
    # markup in the texts is shown as text
    assert "<b>&amp;</b>" in browser.execute_script("return document.getElementById('b3').textContent")
    assert browser.execute_script("return document.querySelectorAll('#beads b').length") == 0


def test_filters(page):
    click(page, "#order-doc")
    click(page, "#f-clean")                                   # hide clean beads
    assert visible_beads(page) == [0, 2, 4, 5]
    click(page, "input[data-sev='info']")                      # info off: bead 5 has only info
    assert visible_beads(page) == [0, 2, 4]
    click(page, "input[data-code='number_mismatch']")          # that code off
    assert visible_beads(page) == [2, 4]
    assert page.execute_script("return document.getElementById('shown').textContent") == "2 of 6 pairs shown"
    click(page, "input[data-sev='warning']")
    click(page, "input[data-sev='error']")
    assert visible_beads(page) == []
    assert page.execute_script("return document.getElementById('empty').hidden") is False
    click(page, "#f-clean")
    assert visible_beads(page) == [1, 3]


def test_next_previous_keys_and_buttons(page):
    assert current(page) is None
    seen = []
    for _ in range(5):
        key(page, "j")
        seen.append(current(page))
    assert seen == [0, 2, 4, 5, 5]                            # stops at the last flagged bead
    assert "no further flagged pair" in page.execute_script("return document.getElementById('status').textContent")
    key(page, "k")
    assert current(page) == 4
    key(page, "p")
    assert current(page) == 2
    click(page, "#prev")
    assert current(page) == 0
    click(page, "#next")
    assert current(page) == 2
    assert page.execute_script("return document.getElementById('pos').textContent") == "2 / 4 flagged"
    click(page, "input[data-sev='warning']")                  # filters narrow the navigation
    key(page, "n")
    assert current(page) == 5


def _save(drv) -> dict:
    click(drv, "#save")
    f = wait_for(lambda: [p for p in drv.downloads.iterdir() if p.suffix == ".json"], "review download")[0]
    wait_for(lambda: f.stat().st_size > 0, "review written")
    return json.loads(f.read_text(encoding="utf-8")), f


def test_accept_and_comment_saved_as_review_file(page):
    from selenium.webdriver.common.by import By

    k = keys(sample())
    click(page, "#b0 .flag[data-code='number_mismatch'] .accept")
    click(page, "#b2 .flag[data-code='low_score'] .cbtn")
    box = page.find_element(By.CSS_SELECTOR, "#b2 .flag[data-code='low_score'] .comment")
    box.send_keys("split is fine")
    key(page, "\ue00c")                                       # Escape leaves the box
    key(page, "j"); key(page, "j"); key(page, "j")            # to bead 4, accept with "a"
    assert current(page) == 4
    key(page, "a")
    review, path = _save(page)
    assert path.name == "doc.zh.review.json"
    al = sample()
    ident = {(i, f.code): f.ident for i, b in enumerate(al.beads) for f in b.flags}
    assert review == {"aligner_review": 2, "document": doc_hash(al), "entries": sorted([
        {"key": k[0], "code": "number_mismatch", "flag": ident[0, "number_mismatch"], "status": "accepted",
         "comment": ""},
        {"key": k[2], "code": "low_score", "flag": ident[2, "low_score"], "status": "open", "comment": "split is fine"},
        {"key": k[4], "code": "unaligned_src", "flag": ident[4, "unaligned_src"], "status": "accepted", "comment": ""},
    ], key=lambda e: e["key"] + "|" + e["flag"])}
    # un-accepting removes the entry
    click(page, "#b0 .flag[data-code='number_mismatch'] .accept")
    for f in page.downloads.iterdir():
        f.unlink()
    review, _ = _save(page)
    assert {(e["key"], e["code"]) for e in review["entries"]} == {(k[2], "low_score"), (k[4], "unaligned_src")}


def test_saved_review_loads_back_into_the_page(page, tmp_path):
    from selenium.webdriver.common.by import By

    k = keys(sample())
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"aligner_review": 1, "entries": [
        {"key": k[0], "code": "number_mismatch", "status": "accepted", "comment": "year differs in source"}]}))
    page.find_element(By.ID, "load").send_keys(str(f))
    wait_for(lambda: page.execute_script(
        "return document.querySelector(\"#b0 .flag .accept\").checked"), "review applied")
    assert page.execute_script("return document.querySelector('#b0 .comment').value") == "year differs in source"
    click(page, "#f-done")                                     # hide accepted
    assert 0 not in visible_beads(page)


def test_review_file_read_by_aligner_review(page, tmp_path):
    """Round trip: what the page saves, ``aligner.review.load_review`` (the QA helper's reader) reads."""
    review_mod = pytest.importorskip("aligner.review", reason="aligner/review.py (QA helper) not there yet")
    k = keys(sample())
    click(page, "#b0 .flag[data-code='number_mismatch'] .accept")
    _, path = _save(page)
    loaded = review_mod.load_review(path)
    assert k[0] in repr(loaded) and "number_mismatch" in repr(loaded)
