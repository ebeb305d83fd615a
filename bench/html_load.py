"""Load time of a 10,000-bead HTML review page in headless Chromium.

    python bench/html_load.py [--beads 10000] [--runs 7] [--json out.json]

Builds a synthetic alignment in this script (Chinese/English sentences of
realistic length, ~15% of beads flagged, some 1-2 / 2-1 / 1-0 / 0-1), renders it
with ``aligner.report.html.to_html``, then loads the file (file://) in Debian's
headless Chromium through selenium/chromedriver, a fresh load per run, and
reports the median of:

* ``first``: navigation start -> first rows on screen (script's first chunk);
* ``ready``: navigation start -> every row of the opening view rendered
  (``body[data-ready]``; since issue 16 the page opens on the flagged pairs);
* ``doc_order``: "all pairs in document order" clicked -> all 10k rows rendered;
* ``filter``: time to apply one filter change (all 10k pairs, document order);
* ``search``: time to apply a search over both languages (all 10k pairs);
* ``accept``: ticking one flag's accept box (mark, counts, autosave);
* ``merge``: a "merge with next" fix -> the page rebuilt (all 10k rows rendered);
* ``next``: time to jump to the next flagged pair.

Needs /usr/bin/chromium, /usr/bin/chromedriver and ``selenium``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aligner.data import Alignment, Bead, Flag, Sentence, Severity, Side
from aligner.report.html import to_html

FLAGS = [("number_mismatch", Severity.ERROR, "数字 1962 vs 1963"), ("low_score", Severity.WARNING, "score 0.41 < 0.5"),
         ("length_ratio", Severity.INFO, "length ratio 3.2"), ("unaligned", Severity.WARNING, "no counterpart")]
ZH = "中华人民共和国外交部长在会议上发表了重要讲话并且强调了和平与发展的意义"
EN = "the minister said that peace and development remain the central questions of our time".split()


def synthetic(n_beads: int, seed: int = 0) -> Alignment:
    rnd = random.Random(seed)
    zh: list[str] = []
    en: list[str] = []
    beads = []
    for _ in range(n_beads):
        kind = rnd.choices(["1-1", "1-2", "2-1", "1-0", "0-1"], [85, 6, 6, 2, 1])[0]
        a, b = (int(kind[0]), int(kind[2]))
        si = tuple(range(len(zh), len(zh) + a))
        ti = tuple(range(len(en), len(en) + b))
        for _ in range(a):
            k = rnd.randint(12, 60)
            zh.append("".join(rnd.choice(ZH) for _ in range(k)) + "。")
        for _ in range(b):
            en.append(" ".join(rnd.choice(EN) for _ in range(rnd.randint(6, 35))).capitalize() + ".")
        flags = ()
        if a == 0 or b == 0:
            flags = (Flag("unaligned", Severity.WARNING, "no counterpart"),)
        elif rnd.random() < 0.15:
            flags = tuple(Flag(*f) for f in rnd.sample(FLAGS[:3], rnd.randint(1, 2)))
        beads.append(Bead(si, ti, None if not (a and b) else round(rnd.uniform(0.3, 0.95), 3), flags))
    src = Side("zh", "synthetic.zh.txt", tuple(Sentence(i, t, 0, i + 1) for i, t in enumerate(zh)))
    tgt = Side("en", "synthetic.en.txt", tuple(Sentence(i, t, 0, i + 1) for i, t in enumerate(en)))
    return Alignment(src, tgt, tuple(beads), "aligner:bench|model:synthetic")


def driver(profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--beads", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    for p in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        if not Path(p).exists():
            print(f"{p} absent: apt-get install chromium chromium-driver", file=sys.stderr)
            return 2

    al = synthetic(args.beads)
    t0 = time.perf_counter()
    page = to_html(al)
    t_render = time.perf_counter() - t0
    work = Path(tempfile.mkdtemp(prefix="aligner-bench-"))
    f = work / "bench.html"
    f.write_text(page, encoding="utf-8")
    drv = driver(str(work / "profile"))
    res: dict[str, list[float]] = {"first": [], "ready": [], "doc_order": [], "filter": [], "search": [],
                                   "accept": [], "merge": [], "next": []}

    def until_rendered(js_click: str) -> float:
        drv.execute_script("window.__t = performance.now(); " + js_click)
        end = time.monotonic() + 60
        while not drv.execute_script("return (window.alignerTiming.rendered || 0) > window.__t"):
            if time.monotonic() > end:
                raise RuntimeError("rows not rendered in 60 s")
            time.sleep(0.01)
        return drv.execute_script("return window.alignerTiming.rendered - window.__t")

    try:
        for _ in range(args.runs):
            drv.execute_script("window.alignerForget && window.alignerForget()")  # no autosave carried over
            drv.get("about:blank")
            drv.get(f.as_uri())
            end = time.monotonic() + 60
            while drv.execute_script("return document.body.dataset.ready") != "1":
                if time.monotonic() > end:
                    raise RuntimeError("page not ready in 60 s")
                time.sleep(0.01)
            t = drv.execute_script("return window.alignerTiming")
            res["first"].append(t["first"])
            res["ready"].append(t["all"])
            res["next"].append(drv.execute_script(
                "var t = performance.now(); document.getElementById('next').click();"
                "return performance.now() - t;"))
            res["accept"].append(drv.execute_script(
                "var c = document.querySelector('#beads .accept'), t = performance.now();"
                "c.click(); return performance.now() - t;"))
            res["doc_order"].append(until_rendered("document.getElementById('order-doc').click();"))
            res["search"].append(drv.execute_script(
                "var s = document.getElementById('search'); s.value = 'minister'; var t = performance.now();"
                "window.alignerFilter(); var d = performance.now() - t; s.value = ''; window.alignerFilter();"
                "return d;"))
            res["filter"].append(drv.execute_script(
                "var c = document.getElementById('f-clean'), t = performance.now();"
                "c.click(); var d = performance.now() - t; c.click(); return d;"))
            res["merge"].append(until_rendered(
                "var r = document.querySelector('#beads .bead'); r.querySelector('details.fix').open = true;"
                "r.querySelector(\"[data-op='merge-next']\").click();"))
        errors = [e for e in drv.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        drv.quit()
        shutil.rmtree(work, ignore_errors=True)
    out = {
        "beads": args.beads,
        "page_bytes": len(page.encode("utf-8")),
        "python_render_s": round(t_render, 3),
        "runs": args.runs,
        **{f"{k}_ms_median": round(statistics.median(v), 1) for k, v in res.items()},
        **{f"{k}_ms_all": [round(x, 1) for x in v] for k, v in res.items()},
        "console_errors": len(errors),
    }
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
