"""Trust (issue 15, part A): no input line lost, no input clobbered, input faults are input errors.

Each test cites its row in docs/errors.md (``t1`` ...): the rows say what
happened before and what happens now. Exit codes (aligner/errors.py): 0 ok,
2 not parallel, 3 usage/input error, 5 output error, 70 internal error.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aligner.cli import app

HOSTILE = Path(__file__).parent / "data" / "hostile"
EXIT_OK, EXIT_NOT_PARALLEL, EXIT_INPUT, EXIT_INTERNAL = 0, 2, 3, 70


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run ``aligner`` in-process; the embedding cache is kept in tmp_path."""
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()

    def run(*args: str | Path):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=True)

    return run


def assert_clean_failure(res, code: int, *needles: str) -> str:
    """Exit ``code``, one ``aligner: error:`` line holding ``needles``, no traceback."""
    text = res.output
    assert res.exit_code == code, f"exit {res.exit_code} (wanted {code}): {text!r} {res.exception!r}"
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in text
    errors = [ln for ln in text.splitlines() if ln.startswith("aligner: error:")]
    assert len(errors) == 1, text
    for n in needles:
        assert n in errors[0], (n, errors[0])
    return errors[0]


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


class HashEncoder:
    """A deterministic stand-in encoder: a unit vector per text from its hash (no model)."""

    name = "hash-test"
    dim = 16

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), np.float32)
        for k, t in enumerate(texts):
            rng = np.random.default_rng(abs(hash(t)) % 2**32)
            v = rng.normal(size=self.dim)
            out[k] = v / np.linalg.norm(v)
        return out


@pytest.fixture(scope="module")
def hash_embedder():
    from aligner.config import AlignConfig
    from aligner.embed import Embedder

    return Embedder(HashEncoder(), AlignConfig(cache_dir=None, t2s=False))


# ---------------------------------------------------------------------------
# t1: two-file mode keeps every line of each file on its own side
# ---------------------------------------------------------------------------
ZH_LINES = [
    "今天北京天气很好，我们一家人去公园散步，看到了很多盛开的花朵。",
    "会议将于明天上午九点在人民大会堂开始，预计持续三个小时。",
    "专家们认为，这项政策将对经济发展产生深远的影响。",
]
EN_LINES = [
    "The weather in Beijing was nice today, and our family went for a walk in the park.",
    "The meeting will begin at nine tomorrow morning in the Great Hall of the People.",
    "Experts believe that this policy will have a far-reaching impact on economic development.",
]
#: Chinese-file lines that read as English (issue 15's reproductions: a title in 《》, a credit).
LATIN_HEAVY_ZH = [
    "来源：Reuters, https://www.reuters.com/world/china/story-2022",
    "《The Art of Strategic Thinking and Planning in the Modern World》",
]


@pytest.mark.parametrize("presplit", [False, True])
def test_t1_latin_heavy_chinese_lines_stay_on_the_chinese_side(tmp_path, hash_embedder, presplit):
    """Before: the Latin-heavy lines were taken as English and silently dropped (exit 0)."""
    from aligner.pipeline import align_files
    from aligner.qa import Lexicon

    zh = write(tmp_path / "zh.txt", "\n".join([ZH_LINES[0], *LATIN_HEAVY_ZH, *ZH_LINES[1:]]) + "\n")
    en = write(tmp_path / "en.txt", "\n".join(EN_LINES) + "\n")
    al = align_files([zh, en], embedder=hash_embedder, lexicon=Lexicon([]), presplit_input=presplit)
    assert (al.src.lang, al.tgt.lang) == ("zh", "en")
    kept = " ".join(al.src.texts)
    for line in LATIN_HEAVY_ZH:
        assert line in kept
    assert sorted(i for b in al.beads for i in b.src_ids) == list(range(len(al.src)))
    flagged = {al.src.sentences[i].text for b in al.beads for f in b.flags if f.code == "script" for i in b.src_ids}
    odd = [f for b in al.beads for f in b.flags if f.code == "script"]
    assert odd and all(f.severity.value == "info" for f in odd)
    assert any("reads as English" in f.reason and "kept on the Chinese side" in f.reason for f in odd)
    assert any(LATIN_HEAVY_ZH[0] in t for t in flagged)


def test_t1b_english_file_lines_in_chinese_stay_on_the_english_side(tmp_path, hash_embedder):
    from aligner.pipeline import align_files
    from aligner.qa import Lexicon

    zh = write(tmp_path / "zh.txt", "\n".join(ZH_LINES) + "\n")
    en = write(tmp_path / "en.txt", "\n".join([EN_LINES[0], "原文：人民日报海外版", *EN_LINES[1:]]) + "\n")
    al = align_files([zh, en], embedder=hash_embedder, lexicon=Lexicon([]), presplit_input=True)
    assert al.tgt.texts[1] == "原文：人民日报海外版"
    assert sorted(j for b in al.beads for j in b.tgt_ids) == list(range(4))
    assert any(f.code == "script" and "English file line 2 reads as Chinese" in f.reason
               for b in al.beads for f in b.flags)


def test_t1c_short_chinese_file_with_latin_lines_is_not_called_english(tmp_path):
    """Before: a short Chinese file with an English title and a credit was "English" (exit 2)."""
    from aligner.pipeline import load_sides

    zh = write(tmp_path / "zh.txt", "今天天气很好，我们去公园散步。\n他写了一本书，名叫《The Art of Strategic Thinking》。\n"
                                    "来源：Reuters, https://www.reuters.com/world/china/story-2022\n会议将于明天上午九点开始。\n")
    en = write(tmp_path / "en.txt", "It was a nice day, so we went for a walk in the park.\n"
                                    "He wrote a book called The Art of Strategic Thinking.\n"
                                    "Source: Reuters, https://www.reuters.com/world/china/story-2022\n"
                                    "The meeting will start at nine tomorrow morning.\n")
    loaded = load_sides([zh, en], presplit_input=True)
    assert (loaded.src.lang, len(loaded.src), len(loaded.tgt)) == ("zh", 4, 4)


_ODD = st.text(alphabet=st.sampled_from(list("abcXYZ ,.:/123《》，。来源文章中国🙂אבג\u0627")), min_size=1, max_size=40)


@st.composite
def two_files(draw):
    """A Chinese file and an English file, each with native lines and lines in any script."""
    nz = draw(st.integers(1, 4))
    ne = draw(st.integers(1, 4))
    zh = [ZH_LINES[draw(st.integers(0, 2))] for _ in range(nz)]
    en = [EN_LINES[draw(st.integers(0, 2))] for _ in range(ne)]
    for lines in (zh, en):
        for _ in range(draw(st.integers(0, 3))):
            odd = draw(st.one_of(_ODD, st.sampled_from(LATIN_HEAVY_ZH + EN_LINES + ZH_LINES)))
            if odd.strip():
                lines.insert(draw(st.integers(0, len(lines))), odd.strip())
    return zh, en


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(files=two_files(), presplit=st.booleans())
def test_t1d_property_every_line_of_each_file_is_on_its_side(tmp_path_factory, hash_embedder, files, presplit):
    """For any two files, the ids of each side in the output are exactly 0..n-1, whatever the
    scripts of the lines; with --presplit, n is the file's line count and the texts are its lines."""
    from aligner.errors import NotParallelError
    from aligner.pipeline import align_files
    from aligner.qa import Lexicon

    zh_lines, en_lines = files
    d = tmp_path_factory.mktemp("pair")
    zh = write(d / "zh.txt", "\n".join(zh_lines) + "\n")
    en = write(d / "en.txt", "\n".join(en_lines) + "\n")
    try:
        al = align_files([zh, en], embedder=hash_embedder, lexicon=Lexicon([]), presplit_input=presplit)
    except NotParallelError as e:  # only when a file's odd lines outweigh its own language
        assert "both files are" in str(e), e
        return
    for side, n in ((al.src, len(al.src)), (al.tgt, len(al.tgt))):
        ids = sorted(i for b in al.beads for i in (b.src_ids if side is al.src else b.tgt_ids))
        assert ids == list(range(n))
    def squeeze(texts):
        return "".join("".join(texts).split())

    assert (squeeze(al.src.texts), squeeze(al.tgt.texts)) == (squeeze(zh_lines), squeeze(en_lines))
    if presplit:  # one sentence per line: the sides are the files' lines, in order
        assert (list(al.src.texts), list(al.tgt.texts)) == (zh_lines, en_lines)
