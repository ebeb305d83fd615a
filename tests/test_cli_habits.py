"""CLI habits (issue 19): ``--version``, the ``wrote FILE`` line, the progress bar's stages and when it shows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.cli import app

REPORT = Path(__file__).parent / "data" / "report"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_version_prints_version_and_signature_fields():
    from aligner import __version__
    from aligner.config import AlignConfig
    from aligner.pipeline import signature

    r = invoke("--version")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == f"aligner {__version__}"
    sig = signature(AlignConfig(), AlignConfig().model, False)  # what an output's header says with defaults
    assert lines[1] == f"signature (defaults): {sig}"
    fields = dict(line.split(None, 1) for line in lines[2:])
    assert fields == dict(f.split(":", 1) for f in sig.split("|"))
    assert {"model", "t2s", "seg", "qa"} <= set(fields)


# sample.tsv (tests/data/report, test_report_formats.sample() written out): two-sided beads 0-3 (4 pairs);
# flags: number_mismatch error; low_score and unaligned_src warnings; two info flags, not counted
SAMPLE_LINE = "4 pairs, 2 warnings, 1 error"


def test_report_says_what_it_wrote(tmp_path):
    out = tmp_path / "out.xlf"
    r = invoke("report", str(REPORT / "sample.tsv"), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.stderr.strip().splitlines() == [f"wrote {out}: {SAMPLE_LINE}"]
    assert r.stdout == ""


@pytest.mark.parametrize("args", [["-q"], ["--quiet"]])
def test_quiet_is_silent(tmp_path, args):
    r = invoke("report", str(REPORT / "sample.tsv"), "-o", str(tmp_path / "out.tmx"), *args)
    assert r.exit_code == 0 and r.stderr == "" and r.stdout == ""


def test_no_wrote_line_when_writing_stdout():
    r = invoke("report", str(REPORT / "sample.tsv"), "--format", "jsonl")
    assert r.exit_code == 0 and r.stderr == ""


def test_wrote_line_singular_and_plural():
    from aligner.cli._app import wrote_line
    from aligner.data import Alignment, Bead, Flag, Sentence, Severity, Side

    side = Side("zh", "a", (Sentence(0, "一。", 0, 1),))
    al = Alignment(side, Side("en", "b", (Sentence(0, "One.", 0, 1),)),
                   (Bead((0,), (0,), 0.9, (Flag("x", Severity.WARNING, "r"),)),), "sig")
    assert wrote_line(Path("o.tsv"), al) == "wrote o.tsv: 1 pair, 1 warning, 0 errors"
    # red team (stop 22): a suffix that names no format (x.json) got HTML from report, TSV from align, silently
    assert wrote_line(Path("o.json"), al, "html") == "wrote o.json (html): 1 pair, 1 warning, 0 errors"
    assert wrote_line(Path("o.html"), al, "html") == "wrote o.html: 1 pair, 1 warning, 0 errors"
    assert wrote_line(Path("o.xlf"), al, "xliff12").startswith("wrote o.xlf: ")


# ---- progress ---------------------------------------------------------------

def test_progress_bar_only_on_a_terminal(monkeypatch):
    import sys

    from aligner.cli._app import progress_bar

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe, a file, CI's log
    with progress_bar(True) as cb:
        assert cb is None
    monkeypatch.setattr(sys, "stderr", Tty())
    with progress_bar(False) as cb:  # -q
        assert cb is None
    with progress_bar(True) as cb:
        assert callable(cb)
        cb("embed zh", 1, 2)


def _sides(n: int):
    from aligner.data import Sentence, Side

    zh = [f"第{i}号会议讨论了预算。" for i in range(n)]
    en = [f"Meeting number {i} discussed the budget." for i in range(n)]
    return (Side("zh", "a", tuple(Sentence(i, t, 0, i + 1) for i, t in enumerate(zh))),
            Side("en", "b", tuple(Sentence(i, t, 0, i + 1) for i, t in enumerate(en))))


@pytest.mark.parametrize("threshold,shown", [(0, True), (10_000, False)])
def test_progress_stages_embed_align_score(monkeypatch, tmp_path, threshold, shown):
    """Each stage reports (stage, done, total) and ends at done == total; short documents report nothing."""
    import aligner.pipeline
    from aligner.config import AlignConfig
    from aligner.config import PROGRESS_MIN_SENTENCES

    assert 100 <= PROGRESS_MIN_SENTENCES <= 1000  # "a few hundred sentences" (issue 19)
    monkeypatch.setattr(aligner.pipeline, "PROGRESS_MIN_SENTENCES", threshold)
    calls: list[tuple[str, int, int]] = []
    src, tgt = _sides(6)
    aligner.pipeline.align_sides(src, tgt, config=AlignConfig(cache_dir=tmp_path), presplit_input=True,
                                 progress=lambda *a: calls.append(a))
    if not shown:
        assert calls == []
        return
    stages = list(dict.fromkeys(c[0] for c in calls))
    # the merged-side windows the search asks for are embedded inside "align", each side its own bar
    assert [st for st in stages if not st.endswith(" windows")] == ["embed zh", "embed en", "align", "score"]
    assert set(stages) - {"embed zh", "embed en", "align", "score"} <= {"embed zh windows", "embed en windows"}
    for st in stages:
        last = [c for c in calls if c[0] == st][-1]
        assert last[1] == last[2] > 0


# ---- corpus init --------------------------------------------------------------

def test_corpus_init_then_add_then_validate(tmp_path):
    from aligner.corpus import load_manifest

    d = tmp_path / "new" / "corpus"  # parents are made
    r = invoke("corpus", "init", str(d))
    assert r.exit_code == 0, r.output
    assert load_manifest(d).entries == ()
    assert "aligner corpus add FILE -C" in r.stdout
    doc = tmp_path / "doc.txt"
    doc.write_text("今天天气很好。\n\nThe weather is fine today.\n", encoding="utf-8")
    r = invoke("corpus", "add", str(doc), "-C", str(d), "-q")
    assert r.exit_code == 0, r.output
    assert [e.id for e in load_manifest(d).entries] == ["doc"]
    assert invoke("corpus", "validate", str(d)).exit_code == 0


def test_corpus_init_default_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("corpus", "init", "-q").exit_code == 0
    assert (tmp_path / "corpus" / "manifest.json").is_file()


@pytest.mark.parametrize("setup,code,message", [
    # a corpus already there: never overwritten (docs/errors.md B4)
    (lambda d: (d.mkdir(), (d / "manifest.json").write_text('{"aligner_corpus": 1, "documents": []}')), 3,
     "already a corpus (0 entries); it is left as it is"),
    (lambda d: (d.mkdir(), (d / "manifest.json").write_text("garbage")), 3, "already a corpus (unreadable"),
    # a file where the directory should be (B5)
    (lambda d: d.write_text("x"), 5, "cannot create corpus directory"),
])
def test_corpus_init_refusals(tmp_path, setup, code, message):
    d = tmp_path / "c"
    setup(d)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    r = invoke("corpus", "init", str(d))
    assert r.exit_code == code, r.output
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_corpus_init_empty_path():
    r = invoke("corpus", "init", "")
    assert r.exit_code == 3 and "empty path" in r.stderr


def test_the_command_line_raises_the_young_gc_threshold():
    """The CLI owns its process and sets ``config.GC_YOUNG_THRESHOLD`` (1.3 s of collector time in a 13 s run at
    Python's 700); the older generations' thresholds stay as they were."""
    import gc

    from aligner.config import GC_YOUNG_THRESHOLD

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        assert invoke("--version").exit_code == 0
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, 10, 10)
    finally:
        gc.set_threshold(*before)
