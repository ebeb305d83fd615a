"""The Python API (issue 19): ``aligner.align_files`` / ``align_texts`` / ``check_files`` / ``read_tsv``.

Expected values: the CLI's own output on the same input (the API and ``aligner align`` must agree),
the TSV contract in README.md, and the README's example, executed as written.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, seed_path
from test_hostile_inputs import write

import aligner
from aligner.data import Alignment, Bead, Flag, Sentence, Severity, Side
from aligner.errors import InputError, NotParallelError
from aligner.report.tsv import to_tsv


def tiny_alignment() -> Alignment:
    """An alignment whose text holds every character the TSV escapes (tab, newline, backslash, '|')."""
    src = Side("zh", "zh.txt", (Sentence(0, "第一句\t有制表符。", 0, 1), Sentence(1, "第二句。", 0, 1),
                                Sentence(2, "反斜杠\\n不是换行。", 1, 2)))
    tgt = Side("en", "en.txt", (Sentence(0, "First\tsentence.", 0, 1), Sentence(1, "Line one\nline two.", 1, 2)))
    beads = (
        Bead((0, 1), (0,), 0.8125, (Flag("partial", Severity.WARNING, "a | b \\ c"),
                                    Flag("number_mismatch", Severity.ERROR, "1 vs 2")), 0.25, 0.0625),
        Bead((2,), (), None, (Flag("omission", Severity.ERROR, "no English"),)),
        Bead((), (1,), None, ()),
    )
    return Alignment(src, tgt, beads, "aligner:test|model:x")


def test_import_is_light():
    """``import aligner`` loads none of the stages' heavy libraries (the CLI's start stays fast)."""
    code = ("import sys, aligner; heavy = [m for m in ('numpy', 'numba', 'jieba', 'nltk', 'torch', 'pandas', "
            "'aligner.api', 'aligner.pipeline', 'docx', 'trafilatura') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert callable(aligner.align_files) and "read_tsv" in dir(aligner)
    with pytest.raises(AttributeError):
        aligner.no_such_name


def test_read_tsv_decodes_escapes(tmp_path):
    f = write(tmp_path / "a.tsv", to_tsv(tiny_alignment()))
    rows = aligner.read_tsv(f)
    assert rows == [
        aligner.TsvRecord((0, 1), (0,), "第一句\t有制表符。 第二句。", "First\tsentence.", 0.812,
                          ("partial", "number_mismatch"), ("warning", "error"), ("a | b \\ c", "1 vs 2"), 0.25, 0.062,
                          ((), ())),  # reasons that name nothing in the text: no evidence span
        # a line with no counterpart: its flag spans the whole line (aligner.evidence), 10 code points
        aligner.TsvRecord((2,), (), "反斜杠\\n不是换行。", "", None, ("omission",), ("error",), ("no English",),
                          None, None, ((("src", 0, 10),),)),
        aligner.TsvRecord((), (1,), "", "Line one\nline two.", None, (), (), (), None, None),
    ]


def test_read_tsv_as_frame(tmp_path):
    pd = pytest.importorskip("pandas")
    f = write(tmp_path / "a.tsv", to_tsv(tiny_alignment()))
    df = aligner.read_tsv(f, as_frame=True)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["src_ids", "tgt_ids", "src", "tgt", "score", "flags", "severity", "reason",
                                "p_omission", "p_addition", "spans"]
    assert df.attrs["signature"] == "aligner:test|model:x"
    assert df["tgt"].tolist() == ["First\tsentence.", "", "Line one\nline two."]
    assert df["reason"][0] == ("a | b \\ c", "1 vs 2")
    assert df["score"][0] == 0.812 and math.isnan(df["score"][1])


def test_read_tsv_refuses_what_is_not_an_aligner_tsv(tmp_path):
    f = write(tmp_path / "a.tsv", "a\tb\n1\t2\n")
    with pytest.raises(InputError, match="not an aligner TSV header"):
        aligner.read_tsv(f)


def test_align_texts_rejects_bad_input():
    with pytest.raises(TypeError, match="not one string"):
        aligner.align_texts("你好。", ["Hello."])
    with pytest.raises(TypeError, match=r"en_sentences\[1\] is int"):
        aligner.align_texts(["你好。"], ["Hello.", 3])
    with pytest.raises(NotParallelError, match="no sentences"):
        aligner.align_texts([], ["Hello."], no_cache=True)


def test_align_files_input_error_is_raised(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        aligner.align_files(tmp_path / "missing.txt", no_cache=True)


@pytest.mark.slow
def test_align_files_matches_the_cli(cli, tmp_path):
    """The API's alignment of seed 004 written as TSV is the file ``aligner align`` writes."""
    out = tmp_path / "cli.tsv"
    assert cli("align", seed_path("004"), "-o", out, "--no-cache").exit_code == 0
    al = aligner.align_files(seed_path("004"), no_cache=True)
    assert to_tsv(al) == out.read_text(encoding="utf-8")
    rows = aligner.read_tsv(out)
    assert [(r.src_ids, r.tgt_ids) for r in rows] == [(b.src_ids, b.tgt_ids) for b in al.beads]


@pytest.mark.slow
def test_align_texts_and_check_files(tmp_path):
    zh = ["俄罗斯与美国10日在瑞士日内瓦举行新一轮战略稳定对话。", "分析人士认为，短期内达成协议的可能性不大。"]
    en = ["Russia and the US started a new round of strategic stability dialogue in Geneva on January 10.",
          "Analysts believe that an agreement is unlikely in the short term."]
    al = aligner.align_texts(zh, en, no_cache=True)
    assert [s.text for s in al.src.sentences] == zh and [s.text for s in al.tgt.sentences] == en
    assert [(b.src_ids, b.tgt_ids) for b in al.beads] == [((0,), (0,)), ((1,), (1,))]
    v = aligner.check_files(write(tmp_path / "zh.txt", "\n".join(zh) + "\n"),
                            write(tmp_path / "en.txt", "\n".join(en) + "\n"), no_cache=True)
    assert (v.verdict, v.layout) == ("parallel", "pair")


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "README's Python API section holds one python example"
    return blocks[0]


@pytest.mark.slow
def test_readme_python_example_runs(tmp_path):
    """The README's example, as written, in a fresh interpreter from the repository root."""
    pytest.importorskip("pandas")
    script = write(tmp_path / "example.py", readme_example())
    res = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True,
                         env={**__import__("os").environ, "ALIGNER_CACHE_DIR": str(tmp_path / "cache")})
    assert res.returncode == 0, res.stderr
    assert "alternating" in res.stdout and "parallel" in res.stdout


@pytest.mark.parametrize("call, match", [
    # red team (stop 22): a bare KeyError 'fr' / "'bogus' is not a valid Severity" before
    (lambda: aligner.align_files("a.txt", "b.txt", src_lang="fr"), "src_lang must be one of"),
    (lambda: aligner.check_files("a.txt", "b.txt", fail_on="bogus"), "fail_on must be one of"),
    (lambda: aligner.check_files("a.txt", "b.txt", fail_on="WARNING"), "fail_on must be one of"),
])
def test_api_arguments_are_checked_with_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_read_tsv_takes_a_bytes_path(tmp_path):
    # red team (stop 22): b'path' was "no such file"
    f = write(tmp_path / "a.tsv", to_tsv(tiny_alignment()))
    assert aligner.read_tsv(bytes(f)) == aligner.read_tsv(f)
