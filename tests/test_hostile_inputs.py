"""Hostile inputs (issue 6): every bad input gives one line naming the file and
the problem, a documented exit code, no traceback, and an output file that is
either complete or absent.

The catalogue with the messages and exit codes is docs/errors.md; the test
names below follow its numbering (``test_h01_...``). Small fixtures live in
tests/data/hostile/ (regenerate with make_fixtures.py); big ones are made in
tmp_path at test time.

Exit codes (aligner/errors.py): 0 ok, 1 flags at/above --fail-on, 2 not
parallel, 3 usage/input error, 4 model/environment error, 5 output error,
130 interrupted, 70 internal error (a bug).
"""

from __future__ import annotations

import errno
import importlib.util
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from aligner.config import MAX_INPUT_BYTES
from aligner.data import Alignment, Bead, Sentence, Side
from aligner.errors import DecodeError, InputError, InputTooLargeError, ModelError, NotParallelError
from aligner.read import decode, read_document, read_text

HOSTILE = Path(__file__).parent / "data" / "hostile"
REPO = Path(__file__).resolve().parents[1]
HAVE_QA = importlib.util.find_spec("aligner.qa") is not None
needs_qa = pytest.mark.skipif(not HAVE_QA, reason="aligner.qa (the scoring stage) is not written yet")

EXIT_OK, EXIT_FLAGS, EXIT_NOT_PARALLEL, EXIT_INPUT, EXIT_MODEL, EXIT_OUTPUT = 0, 1, 2, 3, 4, 5
EXIT_INTERNAL, EXIT_INTERRUPTED = 70, 130


def seed_file(prefix: str) -> Path:
    """A seed document from corpus/ or the shared seeds, else skip."""
    for d in (REPO / "corpus", REPO / "shared" / "seeds", REPO.parent / "shared" / "seeds"):
        hits = sorted(d.rglob(f"{prefix}_*.txt")) if d.is_dir() else []
        if hits:
            return hits[0]
    pytest.skip(f"seed {prefix} not found")


def assert_clean_failure(res, code: int, *needles: str, output: Path | None = None) -> str:
    """Exit ``code``, one ``aligner: error:`` line naming ``needles``, no traceback, no partial output."""
    text = res.output
    assert res.exit_code == code, f"exit {res.exit_code} (wanted {code}): {text!r} {res.exception!r}"
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in text
    errors = [ln for ln in text.splitlines() if ln.startswith("aligner: error:")]
    assert len(errors) == 1, text
    for n in needles:
        assert n in errors[0], (n, errors[0])
    if output is not None:
        assert_absent(output)
    return errors[0]


def assert_absent(output: Path) -> None:
    assert not output.exists(), f"{output} was written by a failed run"
    leftovers = [p.name for p in output.parent.glob(f".{output.name}.*")]
    assert not leftovers, f"temporary files left behind: {leftovers}"


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# ---------------------------------------------------------------------------
# 1-2: empty and whitespace-only files
# ---------------------------------------------------------------------------
def test_h01_empty_file(cli, tmp_path):
    f = write(tmp_path / "empty.txt", b"")
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, "-o", out), EXIT_INPUT, str(f), "empty", output=out)


def test_h02_whitespace_only(cli, tmp_path):
    f = write(tmp_path / "blank.txt", " \n\t\r\n  \u3000\n\ufeff\n")
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, "-o", out), EXIT_INPUT, str(f), "empty", output=out)


# ---------------------------------------------------------------------------
# 3-4: binary files
# ---------------------------------------------------------------------------
def test_h03_png_image(cli, tmp_path):
    f = HOSTILE / "image.png"
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, "-o", out), EXIT_INPUT, str(f), "not a text file", output=out)


def test_h04_nul_bytes_in_utf8_text(cli, tmp_path):
    f = HOSTILE / "nul_bytes.txt"
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, "-o", out), EXIT_INPUT, str(f), "NUL byte", output=out)


def test_h04b_random_binary(cli, tmp_path):
    f = write(tmp_path / "random.bin", np.random.default_rng(0).integers(0, 256, 4096, np.uint8).tobytes())
    assert_clean_failure(cli("align", f, HOSTILE / "en.txt"), EXIT_INPUT, str(f))


# ---------------------------------------------------------------------------
# 5-8: encodings
# ---------------------------------------------------------------------------
def test_h05_latin1_is_not_guessed(cli, tmp_path):
    """An encoding we do not detect (Latin-1) is refused with the byte offset, never mojibake."""
    f = HOSTILE / "latin1.txt"
    msg = assert_clean_failure(cli("align", HOSTILE / "zh.txt", f), EXIT_INPUT, str(f), "byte offset 3")
    assert "UTF-8" in msg


@pytest.mark.parametrize("name, encoding", [("big5_zh.txt", "big5"), ("gbk_zh.txt", "gb18030")])
def test_h05b_legacy_chinese_encodings_are_told_apart(name, encoding):
    """Big5 bytes also decode as GB18030 (and the reverse): the plausible reading wins."""
    d = decode((HOSTILE / name).read_bytes(), name)
    assert d.encoding == encoding
    assert "中文" in d.text


@pytest.mark.parametrize(
    "line, needle",
    [
        # é + l read as GB18030 is 閘: "H閘鑞e", silently (red team 0.3.10)
        ("Hélène is happy today.", "reads as Latin-1 / Windows-1252 text"),
        ("They walked in the rain with Angélique.", "reads as Latin-1"),  # one common Han inside a Latin word
        # accents and Windows-1252 punctuation that are no GB18030 or Big5 at all: refused as before
        ("Zoë and François met at the café – “naïve”, he said…", "(nor UTF-16, GB18030 or Big5)"),
        # red team 0.3.11: œ and ¡ were not counted as Windows-1252 (read as GB18030 / Big5)
        ("Everyone praised her whole œuvre that evening.", "reads as Latin-1"),
        ("¡Hola! said the man from Madrid.", "reads as Latin-1"),
        ("She walked to the école every morning.", "reads as Latin-1"),  # a word that starts with é
    ],
)
def test_h05c_latin1_that_also_decodes_as_gb18030_is_refused(line, needle):
    data = (line + "\nShe went to the park.\n").encode("cp1252")
    with pytest.raises(DecodeError, match=re.escape(needle)) as e:
        decode(data, "en.txt")
    assert "convert the file to UTF-8" in str(e.value)


@pytest.mark.parametrize(
    "text, encoding",
    [
        # a short Big5 line among English lines: the English no longer outvotes it (read as GB18030, private-use
        # characters, then "English text only"; red team 0.3.10)
        ("颱風來了。\n\nThe typhoon is coming.\n", "big5"),
        ("颱風來了。\n來源：CNA\n", "big5"),
        ("今天天气很好。\n\nThe weather is nice today.\n", "gb18030"),
        ("他在A座B层。\n", "gb18030"),  # Chinese between Latin letters is still Chinese
        # red team 0.3.11: pinyin letters and symbols counted against the GBK reading (read as Big5, or refused)
        ("学生 xuéshēng student\n老师 lǎoshī teacher\n朋友 péngyou friend\n", "gb18030"),
        ("你好！我叫李明。\nNǐ hǎo! Wǒ jiào Lǐ Míng.\n", "gb18030"),
        ("① 温度 25℃ ② 面积 3×4 ③ 速度 ≥ 5 km/h\n注意：★★★ → ●○■□\n", "gb18030"),
        ("他說：“一隻鳥。”\nHe said: 'A bird.'\n", "big5"),
        # red team 0.3.11, second pass: kana, Russian and box drawing beside GBK Chinese; a single Chinese word glued
        # to Latin letters in a mostly English file; a short Big5 clause with a rare character
        ("凤姐命：“请ラーメン进来罢。”\n", "gb18030"),
        ("Москва 莫斯科\nспасибо 谢谢\nкнига 书\n", "gb18030"),
        ("┌──────┬──────┐\n│ 名称 │ 数量 │\n└──────┴──────┘\n", "gb18030"),
        ("Item: T恤\nSize: XL\nColor: red\n", "gb18030"),
        ("Chart type: K线\nPeriod: daily\n", "gb18030"),
        ("Let's go to the 卡拉OK tonight.\n", "big5"),
        ("一句就露餡了\n", "big5"),
        # red team 0.3.11, third pass: an English file saved as GBK with one symbol; a short Big5 clause whose
        # bytes alternate with ASCII letters (點 is C2 'I')
        ("The reaction runs at 25°C for an hour.\n", "gb18030"),
        ("Rated ★Top pick. See →next page.\n", "gb18030"),
        ("點了點頭", "big5"),
    ],
)
def test_h05d_legacy_chinese_beside_english_is_read_right(text, encoding):
    d = decode(text.encode(encoding), "x.txt")
    assert d.encoding == encoding and d.text == text


@pytest.mark.parametrize("line", ["Hañ!", "itç wa", "was are ™ on"])
def test_h05e_short_windows_1252_is_no_utf16(line):
    """Red team 0.3.11: read as UTF-16-LE an ASCII letter and a space make a U+20xx sign, which the plausibility
    of GBK and Big5 leaves out; UTF-16 without a BOM is judged on every character."""
    with pytest.raises(DecodeError, match="UTF-8"):
        decode(line.encode("cp1252"), "x.txt")


def test_h06_mixed_gbk_and_utf8(cli, tmp_path):
    f = HOSTILE / "mixed_gbk_utf8.txt"
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, HOSTILE / "en.txt", "-o", out), EXIT_INPUT, str(f),
                         "not valid UTF-8 at byte offset", output=out)


@pytest.mark.parametrize("name, encoding", [
    ("utf16le_nobom_zh.txt", "utf-16-le"),
    ("utf16be_nobom_zh.txt", "utf-16-be"),
    ("utf16le_nobom_en.txt", "utf-16-le"),
])
def test_h07_utf16_without_bom_is_decoded(name, encoding):
    d = read_text(HOSTILE / name)
    assert d.encoding == encoding
    assert "\x00" not in d.text
    assert "sentence" in d.text or "句子" in d.text


def test_h07b_utf16_without_bom_through_cli(cli):
    """A Chinese-only UTF-16 file is read (not called binary), then refused as one language."""
    f = HOSTILE / "utf16le_nobom_zh.txt"
    assert_clean_failure(cli("align", f), EXIT_NOT_PARALLEL, str(f), "Chinese text only", "utf-16-le")


def test_h07c_utf16_bom_but_truncated(cli):
    f = HOSTILE / "utf16_bom_odd.txt"
    assert_clean_failure(cli("align", f), EXIT_INPUT, str(f), "byte-order mark", "byte offset")


def test_h08_truncated_mid_character_is_read_with_warning(tmp_path, caplog):
    """A file cut off inside its last UTF-8 character loses that character, with a warning."""
    data = "今天天气很好。我们去公园散步了".encode()
    f = write(tmp_path / "cut.txt", data[:-1])
    with caplog.at_level("WARNING"):
        d = read_text(f)
    assert d.encoding == "utf-8" and d.text.endswith("散步")
    assert any("truncated" in r.getMessage() and str(f) in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------------------
# 9-11: size limits: 50 MB line, a million lines, above the input limit
# ---------------------------------------------------------------------------
def test_h09_above_input_limit_is_refused_without_reading(cli, tmp_path):
    f = tmp_path / "huge.txt"
    with f.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(MAX_INPUT_BYTES + 1)
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, HOSTILE / "en.txt", "-o", out), EXIT_INPUT, str(f),
                         "64 MiB input limit", "--max-input-mb", output=out)


def test_h09b_max_input_mb_option(cli, tmp_path):
    f = write(tmp_path / "line.txt", "字" * 400_000)  # 1.2 MB
    assert_clean_failure(cli("align", f, HOSTILE / "en.txt", "--max-input-mb", "1"), EXIT_INPUT, str(f),
                         "1 MiB input limit")


def test_h10_50mb_single_line_refused_by_option(cli, tmp_path):
    f = write(tmp_path / "line50.txt", ("我们一直在按照您的指示工作" * 1_300_000).encode())
    assert f.stat().st_size > 50 * 10**6
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, HOSTILE / "en.txt", "--max-input-mb", "10", "-o", out),
                         EXIT_INPUT, str(f), "above the 10 MiB input limit", output=out)


def cpu_seconds(fn) -> float:
    """CPU time of this process (all threads) spent in ``fn()``: other load on the machine does not count."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


#: Linear work 10x larger takes ~10x the CPU; quadratic work 100x. Up to this ratio passes (issue 15:
#: no fixed number of seconds in tests, they fail on a loaded machine; timings are in BENCHMARKS.md).
LINEAR_RATIO_10X = 30


@pytest.mark.slow
def test_h10b_50mb_single_line_within_limit(cli, tmp_path):
    """Read and layout of a 50 MB line are linear (5 MB vs 50 MB in one run); one language -> exit 2."""
    small = write(tmp_path / "line5.txt", ("我们一直在按照您的指示工作" * 130_000).encode())
    big = write(tmp_path / "line50.txt", ("我们一直在按照您的指示工作" * 1_300_000).encode())
    t_small = cpu_seconds(lambda: assert_clean_failure(cli("align", small), EXIT_NOT_PARALLEL, str(small),
                                                       "Chinese text only"))
    t_big = cpu_seconds(lambda: assert_clean_failure(cli("align", big), EXIT_NOT_PARALLEL, str(big),
                                                     "Chinese text only"))
    assert t_big < LINEAR_RATIO_10X * max(t_small, 0.05), (t_small, t_big)


def test_h10c_overlong_sentences_are_bounded():
    """A line with no sentence end is cut into bounded pieces (no character lost)."""
    from aligner.segment import MAX_SENTENCE_CHARS, Segmenter

    seg = Segmenter()
    for unit, n, lang in (("word ", 200_000, "en"), ("我们一直在按照您的指示工作", 40_000, "zh"), ("x", 300_000, "en")):
        seg.split(unit * 100, lang)  # warm up (Punkt, jieba load once)
        text = unit * n
        sents: list[str] = []
        t_small = cpu_seconds(lambda: seg.split(unit * (n // 10), lang))
        t_big = cpu_seconds(lambda: sents.extend(seg.split(text, lang)))
        assert t_big < LINEAR_RATIO_10X * max(t_small, 0.05), (lang, t_small, t_big)  # linear, not quadratic
        assert max(map(len, sents)) <= MAX_SENTENCE_CHARS
        assert "".join("".join(sents).split()) == "".join(text.split())


def test_h10d_long_english_paragraph_is_chunked_for_punkt(monkeypatch):
    """Punkt sees bounded chunks (nltk aborts one regex call after 5 s: ~1 MB of text)."""
    from aligner import segment

    text = " ".join(f"Sentence number {i} is here, said Mr. Smith of the U.S. Army." for i in range(2000))
    whole = segment.Segmenter().split(text, "en")
    monkeypatch.setattr(segment, "PUNKT_CHUNK_CHARS", 5_000)
    chunked = segment.Segmenter().split(text, "en")
    assert chunked == whole
    assert len(whole) == 2000


@pytest.mark.slow
def test_h10e_2mb_english_paragraph_segments():
    """Before chunking, a 1-2 MB paragraph made nltk raise TimeoutError (exit 70)."""
    from aligner.segment import Segmenter

    text = "The cat sat on the mat. " * 90_000  # 2.2 MB, one paragraph
    assert len(Segmenter().split(text, "en")) == 90_000


@pytest.mark.slow  # real model, end to end
def test_h11_million_one_character_lines(cli, tmp_path):
    small = write(tmp_path / "100k.txt", "a\n" * 100_000)
    f = write(tmp_path / "million.txt", "a\n" * 1_000_000)
    t_small = cpu_seconds(lambda: assert_clean_failure(cli("align", small), EXIT_NOT_PARALLEL, str(small),
                                                       "nothing to align against"))
    t_big = cpu_seconds(lambda: assert_clean_failure(cli("align", f), EXIT_NOT_PARALLEL, str(f),
                                                     "nothing to align against"))
    assert t_big < LINEAR_RATIO_10X * max(t_small, 0.05), (t_small, t_big)  # linear in the line count


# ---------------------------------------------------------------------------
# 12-15: text with no Chinese or English: punctuation, numbers, emoji, RTL
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["punct_only.txt", "numbers_only.txt", "emoji_only.txt", "rtl_only.txt"])
def test_h12_no_chinese_or_english_text(cli, tmp_path, name):
    f = HOSTILE / name
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", f, "-o", out), EXIT_NOT_PARALLEL, str(f), "nothing to align against",
                         output=out)


@pytest.mark.parametrize("name", ["punct_only.txt", "numbers_only.txt", "emoji_only.txt", "rtl_only.txt"])
def test_h12b_no_text_as_one_side_of_a_pair(cli, name):
    f = HOSTILE / name
    res = cli("align", HOSTILE / "zh.txt", f)
    assert_clean_failure(res, EXIT_NOT_PARALLEL, str(f))


@pytest.mark.parametrize(
    "zh, en",
    [
        ("你好。\n", "Hello.\n"),  # "Hello." alone weighs 5/3 letters, under a paragraph's 2
        ("是。\n不。\n好。\n", "Yes.\nNo.\nGood.\n"),  # each line too short to have a language, the file not
    ],
)
def test_h12c_a_pair_of_very_short_files_is_aligned(zh, en, tmp_path):
    """Red team 0.3.10: refused with 'no Chinese or English text' (exit 2). In a pair each file is one side, its
    language the whole file's."""
    from aligner.pipeline import load_sides

    loaded = load_sides([write(tmp_path / "zh.txt", zh), write(tmp_path / "en.txt", en)], presplit_input=True)
    assert [x.text for x in loaded.src.sentences] == zh.split()
    assert [x.text for x in loaded.tgt.sentences] == en.split()


def test_h12d_a_file_of_numbers_and_one_letter_is_no_side(cli, tmp_path):
    """Red team 0.3.11: '123 / 456 a' against 是。 was aligned as English; a pair's file needs a letter weight of
    MIN_FILE_WEIGHT (three Latin letters or one Han character) as a whole."""
    f = write(tmp_path / "num.txt", "123\n456 a\n")
    assert_clean_failure(cli("align", f, write(tmp_path / "zh.txt", "是。\n")), EXIT_NOT_PARALLEL, str(f),
                         "nothing to align against")


def test_h13_emoji_and_zwj_sequences_stay_whole():
    from aligner.pipeline import load_sides

    loaded = load_sides([HOSTILE / "zh.txt", HOSTILE / "en.txt"])
    fam = "👨\u200d👩\u200d👧"
    assert any(fam in s.text for s in loaded.src.sentences)
    assert any(fam in s.text for s in loaded.tgt.sentences)
    assert len(loaded.src) == len(loaded.tgt) == 5


def test_h14_right_to_left_text_inside_sentences():
    from aligner.pipeline import load_sides

    loaded = load_sides([HOSTILE / "zh.txt", HOSTILE / "en.txt"])
    assert sum("שלום" in s.text for s in loaded.src.sentences) == 1
    assert sum("שלום" in s.text for s in loaded.tgt.sentences) == 1


# ---------------------------------------------------------------------------
# 16-18: markup and script variants
# ---------------------------------------------------------------------------
def test_h16_html_page_is_read_without_its_markup():
    """A .html file is a web page (aligner.extract, issue 19): its text, no tags (before: tags in sentences)."""
    from aligner.pipeline import load_sides

    loaded = load_sides([HOSTILE / "html_zh.html", HOSTILE / "html_en.html"])
    assert loaded.src.lang == "zh" and loaded.tgt.lang == "en"
    assert any("今天天气很好" in s.text for s in loaded.src.sentences)
    assert any("The weather is nice today." in s.text for s in loaded.tgt.sentences)
    assert not any("<" in s.text for s in loaded.src.sentences + loaded.tgt.sentences)


def test_h17_markdown_table_bilingual_file(cli):
    """Rows holding both languages: no crash; either aligned or refused with exit 2."""
    from aligner.pipeline import load_sides

    try:
        loaded = load_sides([HOSTILE / "table.md"])
    except NotParallelError as e:
        assert "table.md" in str(e)
    else:
        assert len(loaded.src) and len(loaded.tgt)


def test_h18_mixed_traditional_and_simplified():
    from aligner.pipeline import load_sides

    loaded = load_sides([HOSTILE / "trad_simp_zh.txt", HOSTILE / "trad_simp_en.txt"])
    assert [s.text for s in loaded.src.sentences] == ["今天天气很好。", "公園裡有很多人。", "這是繁體中文，这是简体中文。"]
    assert len(loaded.tgt) == 3


# ---------------------------------------------------------------------------
# 19-20: the seeds: truncated 001 (Chinese only), mixed 002
# ---------------------------------------------------------------------------
def test_h19_truncated_seed_001_alone(cli):
    f = seed_file("001")
    assert_clean_failure(cli("align", f), EXIT_NOT_PARALLEL, str(f), "Chinese text only")


def test_h19b_seed_001_cut_mid_character(cli, tmp_path):
    data = seed_file("001").read_bytes()
    f = write(tmp_path / "001_cut.txt", data[: len(data) - 20 - 1])
    with pytest.raises(NotParallelError, match="001_cut.txt"):
        from aligner.pipeline import load_sides

        load_sides([f])
    assert_clean_failure(cli("align", f), EXIT_NOT_PARALLEL, str(f))


def test_h20_mixed_seed_002_layout():
    from aligner.pipeline import load_sides

    loaded = load_sides([seed_file("002")])
    assert loaded.layout == "mixed"
    assert any("mixed layout" in n for n in loaded.notes)


# ---------------------------------------------------------------------------
# 21-23: wrong arguments: same file twice, languages swapped, both one language
# ---------------------------------------------------------------------------
def test_h21_same_file_twice(cli, tmp_path):
    f = HOSTILE / "zh.txt"
    assert_clean_failure(cli("align", f, f), EXIT_INPUT, str(f), "same file")


def test_h21b_same_file_through_a_symlink(cli, tmp_path):
    f = tmp_path / "zh.txt"
    shutil.copy(HOSTILE / "zh.txt", f)
    link = tmp_path / "link.txt"
    link.symlink_to(f)
    assert_clean_failure(cli("align", f, link), EXIT_INPUT, "same file")


def test_h21c_same_content_twice_is_not_parallel(cli, tmp_path):
    a = shutil.copy(HOSTILE / "zh.txt", tmp_path / "a.txt")
    b = shutil.copy(HOSTILE / "zh.txt", tmp_path / "b.txt")
    assert_clean_failure(cli("align", a, b), EXIT_NOT_PARALLEL, str(b), "both files are Chinese")


def test_h22_languages_swapped_are_detected():
    from aligner.pipeline import load_sides

    loaded = load_sides([HOSTILE / "en.txt", HOSTILE / "zh.txt"])
    assert (loaded.src.lang, loaded.tgt.lang) == ("en", "zh")


def test_h22b_languages_swapped_against_src_lang(cli):
    """--src-lang zh but the first file is English: refused, naming the file."""
    f = HOSTILE / "en.txt"
    assert_clean_failure(cli("align", f, HOSTILE / "zh.txt", "--src-lang", "zh"), EXIT_NOT_PARALLEL, str(f))


# ---------------------------------------------------------------------------
# 24-25: paths that are not files
# ---------------------------------------------------------------------------
def test_h24_directory_instead_of_file(cli, tmp_path):
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", tmp_path, HOSTILE / "en.txt", "-o", out), EXIT_INPUT, str(tmp_path),
                         "is a directory", output=out)


def test_h25_missing_file(cli, tmp_path):
    f = tmp_path / "nope.txt"
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", f, "-o", out), EXIT_INPUT, str(f), "no such file",
                         output=out)


def test_h25b_stdin_dash_is_refused(cli):
    assert_clean_failure(cli("align", "-", HOSTILE / "en.txt"), EXIT_INPUT, "standard input")


def test_h25c_unreadable_file(cli, tmp_path, monkeypatch):
    """Permission denied (simulated: tests may run as root, where chmod does not bite)."""
    f = shutil.copy(HOSTILE / "zh.txt", tmp_path / "secret.txt")
    real_open = Path.open

    def deny(self, *a, **k):
        if self.name == "secret.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *a, **k)

    monkeypatch.setattr(Path, "open", deny)
    assert_clean_failure(cli("align", f, HOSTILE / "en.txt"), EXIT_INPUT, str(f), "permission denied")


# ---------------------------------------------------------------------------
# 26-28: output errors (unwritable path, disk full), with a canned alignment so
# that no model runs: the output stage is what is under test.
# ---------------------------------------------------------------------------
def _canned() -> Alignment:
    src = Side("zh", "zh.txt", (Sentence(0, "今天天气很好。", 0, 1), Sentence(1, "我们去公园。", 0, 1)))
    tgt = Side("en", "en.txt", (Sentence(0, "The weather is nice today.", 0, 1),
                                Sentence(1, "We went to the park.", 0, 1)))
    return Alignment(src, tgt, (Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8)), "aligner:test", "pair")


@pytest.fixture
def canned(monkeypatch):
    import aligner.pipeline

    monkeypatch.setattr(aligner.pipeline, "align_files", lambda *a, **k: _canned())


def test_h26_output_directory_missing(cli, canned, tmp_path):
    out = tmp_path / "no" / "such" / "dir" / "out.tsv"
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out), EXIT_OUTPUT,
                         str(out), "does not exist")
    assert not out.parent.exists()


def test_h26b_output_is_a_directory(cli, canned, tmp_path):
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", tmp_path), EXIT_OUTPUT,
                         str(tmp_path), "is a directory")


def test_h26c_output_permission_denied(cli, canned, tmp_path, monkeypatch):
    import tempfile

    def deny(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", deny)
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out), EXIT_OUTPUT,
                         str(out), "permission denied", output=out)


def test_h26e_output_name_too_long_is_an_output_error(cli, canned, tmp_path):
    """Red team 0.3.10: Python's is_dir() raises for a name past the file system's 255 bytes (ENAMETOOLONG): that
    was an internal error (exit 70); it is a refused output (exit 5), and so is a batch directory of that name."""
    out = tmp_path / ("文" * 86 + ".tsv")  # 262 bytes
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out), EXIT_OUTPUT,
                         str(out), "too long")
    tsv = tmp_path / "a.tsv"
    assert cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", tsv).exit_code == 0
    assert_clean_failure(cli("report", tsv, "-f", "tmx", "-o", out.with_suffix(".tmx")), EXIT_OUTPUT, "too long")
    outdir = tmp_path / ("文" * 90)  # refused before any entry is aligned
    assert_clean_failure(cli("batch", REPO / "corpus", "-o", outdir), EXIT_OUTPUT, "too long")


def test_h26f_output_name_near_the_limit_is_written(cli, canned, tmp_path):
    """A valid 244-byte name: its temporary file (".NAME.XXXXXXXX.part") must not be too long itself."""
    out = tmp_path / ("文" * 80 + ".tsv")
    res = cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out)
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").count("今天天气很好。") == 1
    assert [f.name for f in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_h26d_output_replaces_old_file_only_when_complete(cli, canned, tmp_path, monkeypatch):
    """A failed write leaves the previous output untouched (atomic rename)."""
    out = write(tmp_path / "out.tsv", "previous run\n")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out), EXIT_OUTPUT,
                         str(out), "disk full")
    assert out.read_text() == "previous run\n"
    assert not list(tmp_path.glob(".out.tsv.*"))


def test_h27_disk_full_simulated(cli, canned, tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out), EXIT_OUTPUT,
                         str(out), "disk full", output=out)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_h27b_disk_full_real_dev_full(cli, canned):
    """/dev/full returns ENOSPC on write; a device is written through, never renamed over."""
    st = os.stat("/dev/full")
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", "/dev/full"), EXIT_OUTPUT,
                         "/dev/full", "disk full")
    assert os.stat("/dev/full").st_rdev == st.st_rdev  # still the device


def test_h27c_output_to_dev_null_keeps_the_device(cli, canned):
    st = os.stat("/dev/null")
    res = cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", "/dev/null")
    assert res.exit_code == 0, res.output
    assert os.stat("/dev/null").st_rdev == st.st_rdev


def test_h28_complete_output_round_trips(cli, canned, tmp_path):
    from aligner.report.tsv import read_tsv

    out = tmp_path / "out.tsv"
    res = cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out)
    assert res.exit_code == 0, res.output
    al = read_tsv(out)
    assert [b.src_ids for b in al.beads] == [(0,), (1,)]
    assert not list(tmp_path.glob(".out.tsv.*"))


# ---------------------------------------------------------------------------
# 29: corrupt embedding cache
# ---------------------------------------------------------------------------
def _vec(k: float) -> np.ndarray:
    v = np.zeros(8, np.float32)
    v[int(k) % 8] = 1.0
    return v


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong-schema", "directory"])
def test_h29_corrupt_embedding_cache_is_rebuilt(tmp_path, damage, caplog):
    import sqlite3

    from aligner.embed import EmbeddingCache

    c = EmbeddingCache(tmp_path, "use-m3")
    if damage == "garbage":
        c.path.write_bytes(os.urandom(8192))
    elif damage == "truncated":
        c.put({f"k{i}": _vec(i) for i in range(2000)})
        c.close()
        blob = c.path.read_bytes()
        c.path.write_bytes(blob[: len(blob) // 2])
    elif damage == "empty":
        c.path.write_bytes(b"")
    elif damage == "wrong-schema":
        db = sqlite3.connect(c.path)
        db.execute("CREATE TABLE emb (x INTEGER)")
        db.commit()
        db.close()
    elif damage == "directory":
        c.path.mkdir()
    c = EmbeddingCache(tmp_path, "use-m3")
    with caplog.at_level("WARNING"):
        assert c.get(["k1"], 8) == {}
        c.put({"new": _vec(3)})
        got = c.get(["new"], 8)
    assert list(got) == ["new"] and np.array_equal(got["new"], _vec(3))
    c.close()


def test_h29b_cache_dir_is_a_file_disables_cache_once(tmp_path, caplog):
    from aligner.embed import EmbeddingCache

    f = write(tmp_path / "notadir", "x")
    c = EmbeddingCache(f, "use-m3")
    with caplog.at_level("WARNING"):
        for _ in range(3):
            assert c.get(["a"], 8) == {}
            c.put({"a": _vec(1)})
    assert sum("disabled" in r.getMessage() for r in caplog.records) == 1


def test_h29c_wrong_dimension_and_nan_entries_are_skipped(tmp_path):
    from aligner.embed import EmbeddingCache

    c = EmbeddingCache(tmp_path, "use-m3")
    c.put({"short": np.ones(3, np.float32), "nan": np.full(8, np.nan, np.float32), "ok": _vec(2)})
    assert list(c.get(["short", "nan", "ok"], 8)) == ["ok"]


def test_h29d_locked_cache_is_not_moved_aside(tmp_path, monkeypatch, caplog):
    """Another run holding the cache (a long write lock) is not corruption: keep the file. The cache is in WAL
    mode, so reads go on beside the other run's lock; the write it blocks is skipped with a warning."""
    import sqlite3

    from aligner.embed import EmbeddingCache

    c = EmbeddingCache(tmp_path, "use-m3")
    c.put({"a": _vec(1)})
    c.close()
    hold = sqlite3.connect(c.path, isolation_level=None)
    hold.execute("BEGIN EXCLUSIVE")
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, *a, **k: real(path, timeout=0.1))
    c2 = EmbeddingCache(tmp_path, "use-m3")
    with caplog.at_level("WARNING"):
        assert list(c2.get(["a"], 8)) == ["a"]
        c2.put({"b": _vec(2)})
    hold.execute("ROLLBACK")
    hold.close()
    c2.close()
    assert not [p.name for p in tmp_path.iterdir() if "corrupt" in p.name]
    assert any("cannot be written" in r.getMessage() and "locked" in r.getMessage() for r in caplog.records)
    monkeypatch.setattr(sqlite3, "connect", real)
    assert list(EmbeddingCache(tmp_path, "use-m3").get(["a", "b"], 8)) == ["a"]


@pytest.mark.slow
def test_h29e_garbled_analysis_rows_are_computed_again(tmp_path, cli):
    """Row 29e: first-look masks of the wrong length and shape (the shapes swapped) and cn2an readings that are no
    number, planted in ``analysis.sqlite``: the run is the one an empty cache gives (red team, stop 33: exit 70)."""
    import json
    import sqlite3

    from conftest import seed_path

    cache, fresh = tmp_path / "cache", tmp_path / "fresh"
    assert cli("align", seed_path("004"), "-o", tmp_path / "a.tsv", "--cache-dir", cache).exit_code == 0
    db = sqlite3.connect(cache / "analysis.sqlite")
    looks = readings = 0
    with db:
        for k, v in db.execute("SELECT k, v FROM memo").fetchall():
            got = json.loads(v)
            if isinstance(got, list) and len(got) == 2 and all(
                    isinstance(x, list) and len(x) == 2 and isinstance(x[0], str) for x in got):
                (b0, s0), (b1, s1) = got  # each side's bits under the other's shape
                db.execute("UPDATE memo SET v = ? WHERE k = ?", (json.dumps([[b0, s1], [b1, s0]]), k))
                looks += 1
            elif isinstance(got, list) and len(got) == 1 and isinstance(got[0], (int, float)):
                db.execute("UPDATE memo SET v = ? WHERE k = ?", ('["no number"]', k))
                readings += 1
    db.close()
    assert looks and readings  # seed 004 has a first look and Chinese numerals only cn2an reads
    assert cli("align", seed_path("004"), "-o", tmp_path / "b.tsv", "--cache-dir", cache).exit_code == 0
    assert cli("align", seed_path("004"), "-o", tmp_path / "c.tsv", "--cache-dir", fresh).exit_code == 0
    assert (tmp_path / "b.tsv").read_bytes() == (tmp_path / "c.tsv").read_bytes()


# ---------------------------------------------------------------------------
# 30: a model that is not a model
# ---------------------------------------------------------------------------
def test_h30_model_file_is_not_a_model(tmp_path):
    from aligner.embed import get_encoder

    f = write(tmp_path / "model.bin", b"\x00" * 16)
    with pytest.raises(ModelError, match="model.bin is a file"):
        get_encoder(str(f))


def test_h30b_unknown_model_name(monkeypatch, tmp_path):
    from aligner.embed import get_encoder

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    with pytest.raises(ModelError, match="not on disk"):
        get_encoder("no-such-model-anywhere")


@pytest.mark.slow
def test_h30c_directory_that_is_not_a_model(tmp_path):
    """Imports sentence-transformers (torch): slow."""
    pytest.importorskip("sentence_transformers")
    from aligner.embed import get_encoder

    d = tmp_path / "junk-model"
    d.mkdir()
    write(d / "config.json", '{"x": 1}')
    enc = get_encoder(str(d))
    with pytest.raises(ModelError, match="not a loadable sentence-transformers model"):
        enc.encode(["hello"])


@needs_qa
def test_h30d_model_not_a_model_through_cli(cli, tmp_path):
    f = write(tmp_path / "model.bin", b"\x00" * 16)
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "--model", f, "-o", out),
                         EXIT_MODEL, str(f), output=out)


# ---------------------------------------------------------------------------
# 31: interruption
# ---------------------------------------------------------------------------
def test_h31_keyboard_interrupt_in_process(cli, tmp_path, monkeypatch):
    import aligner.pipeline

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(aligner.pipeline, "align_files", boom)
    out = tmp_path / "out.tsv"
    assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out), EXIT_INTERRUPTED,
                         "interrupted", output=out)


def test_h31b_sigint_real_subprocess(tmp_path):
    """SIGINT while the run is busy (segmenting a 3 MB file): exit 130, one line, no output."""
    big = write(tmp_path / "big_en.txt", "The cat sat on the mat. It was a sunny day.\n" * 70_000)
    out = tmp_path / "out.tsv"
    env = {**os.environ, "ALIGNER_CACHE_DIR": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from aligner.cli import app; app(prog_name='aligner')",
         "align", str(big), str(HOSTILE / "zh.txt"), "-o", str(out), "-v", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stderr], daemon=True).start()
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the run is inside the command (first log line)
        try:
            ln = lines.get(timeout=1)
        except queue.Empty:
            assert proc.poll() is None, f"exited early: {proc.returncode} {seen}"
            continue
        seen.append(ln)
        if "aligner: INFO" in ln:
            break
    else:
        proc.kill()
        pytest.fail(f"no log line within 60 s: {seen}")
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("did not stop within 60 s of SIGINT")
    time.sleep(0.2)
    while not lines.empty():
        seen.append(lines.get())
    err = "".join(seen)
    assert rc == EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert [ln for ln in err.splitlines() if ln.startswith("aligner: error:")] == [
        "aligner: error: interrupted; no output written"]
    assert_absent(out)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_h31c_sigint_swallowed_by_a_finalizer_still_stops_before_output(tmp_path):
    """A Ctrl-C raised inside a finalizer is printed as "Exception ignored" and lost by Python;
    the CLI's handler records it, so the run still exits 130 and writes nothing
    (seen once in ~10 loaded runs of test_h31b: exit 0 and a written file)."""
    import gc

    from aligner.cli._app import EXIT_INTERRUPTED, emit, guarded
    import typer

    out = tmp_path / "out.tsv"

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)  # the handler runs here; Python swallows what it raises

    with pytest.raises(typer.Exit) as exc:
        with guarded() as guard:
            Finalized()
            gc.collect()
            guard.check()
            emit("never written\n", out)
    assert exc.value.exit_code == EXIT_INTERRUPTED
    assert_absent(out)


# ---------------------------------------------------------------------------
# 32: internal errors are one line with exit 70 (and a traceback only with -v)
# ---------------------------------------------------------------------------
def test_h32_internal_error_is_one_line(cli, tmp_path, monkeypatch):
    import aligner.pipeline

    def bug(*a, **k):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(aligner.pipeline, "align_files", bug)
    out = tmp_path / "out.tsv"
    msg = assert_clean_failure(cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out), EXIT_INTERNAL,
                               "internal error", output=out)
    assert "ZeroDivisionError" in msg and "--verbose" in msg


# ---------------------------------------------------------------------------
# 33: standard output closed by the reader (`aligner align a b | head`)
# ---------------------------------------------------------------------------
_BIG_CANNED = """
import aligner.pipeline as p
from aligner.data import Alignment, Bead, Sentence, Side
n = 20000
src = Side("zh", "a", tuple(Sentence(i, "今天天气很好。" * 5, 0, 1) for i in range(n)))
tgt = Side("en", "b", tuple(Sentence(i, "The weather is nice today. " * 5, 0, 1) for i in range(n)))
p.align_files = lambda *a, **k: Alignment(src, tgt, tuple(Bead((i,), (i,), 0.9) for i in range(n)), "sig")
from aligner.cli import app
app(prog_name="aligner")
"""


def test_h33_stdout_closed_by_reader(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", _BIG_CANNED, "align", str(HOSTILE / "zh.txt"), str(HOSTILE / "en.txt"), "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    proc.stdout.close()  # the reader goes away before the 5 MB of TSV is written
    rc = proc.wait(timeout=120)
    err = proc.stderr.read()
    assert rc == EXIT_OUTPUT, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.strip() == "aligner: error: -: standard output was closed by the reader (broken pipe)"


# ---------------------------------------------------------------------------
# 34: `aligner report` on a hostile alignment TSV
# ---------------------------------------------------------------------------
TSV_HEADER = "src_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\tseverity\treason\n"


@pytest.mark.parametrize("name, body, needle", [
    ("bad_ids.tsv", TSV_HEADER + "x\t0\ta\tb\t0.5\t\t\t\n", "bad sentence ids"),
    ("bad_severity.tsv", TSV_HEADER + "0\t0\ta\tb\t0.5\tx\tfatal\tr\n", "unknown severity"),
    ("gap.tsv", TSV_HEADER + "5\t0\ta\tb\t0.5\t\t\t\n", "missing"),
    ("not_tsv.tsv", "今天天气很好。\n", "not an aligner TSV header"),
    ("no_header.tsv", "# just a comment\n", "no TSV header"),
], ids=lambda v: v if isinstance(v, str) and v.endswith(".tsv") else "")
def test_h34_report_malformed_tsv(cli, tmp_path, name, body, needle):
    f = write(tmp_path / name, body)
    out = tmp_path / "r.html"
    assert_clean_failure(cli("report", f, "-f", "html", "-o", out), EXIT_INPUT, str(f), needle, output=out)


@pytest.mark.parametrize("name, body", [
    ("bad_score.tsv", TSV_HEADER + "0\t0\ta\tb\tNaNx\t\t\t\n"),
    ("negative_id.tsv", TSV_HEADER + "-1\t0\ta\tb\t0.5\t\t\t\n"),
], ids=["bad_score", "negative_id"])
def test_h34b_report_bad_score_or_negative_id(cli, tmp_path, name, body):
    f = write(tmp_path / name, body)
    assert_clean_failure(cli("report", f, "-f", "html", "-o", tmp_path / "r.html"), EXIT_INPUT, str(f))


def test_h34c_report_huge_sentence_id(tmp_path):
    import resource

    f = write(tmp_path / "huge_id.tsv", TSV_HEADER + "99999999999\t0\ta\tb\t0.5\t\t\t\n")

    def cap():  # 2 GiB address space: a runaway allocation fails fast instead of eating the machine
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    try:
        proc = subprocess.run(
            [sys.executable, "-c", "from aligner.cli import app; app(prog_name='aligner')",
             "report", str(f), "-f", "jsonl", "-o", str(tmp_path / "r.jsonl")],
            capture_output=True, text=True, timeout=30, preexec_fn=cap,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("report on a TSV with a huge id did not finish in 30 s")
    assert proc.returncode == EXIT_INPUT, proc.stderr
    assert str(f) in proc.stderr


# ---------------------------------------------------------------------------
# End to end with the real default encoder (few, tiny inputs)
# ---------------------------------------------------------------------------
@needs_qa
@pytest.mark.slow  # real model, end to end
def test_e2e_kitchen_sink_pair_aligns(cli, tmp_path):
    """Emoji/ZWJ, Hebrew, Traditional + Simplified, a date: aligned 1-1, complete TSV."""
    from aligner.report.tsv import read_tsv

    out = tmp_path / "out.tsv"
    res = cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out, "--cache-dir", tmp_path / "c", "-q")
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    al = read_tsv(out)
    assert sorted(i for b in al.beads for i in b.src_ids) == list(range(5))
    assert sorted(j for b in al.beads for j in b.tgt_ids) == list(range(5))


@needs_qa
@pytest.mark.slow  # real model, end to end
def test_e2e_corrupt_cache_through_cli(cli, tmp_path):
    cache = tmp_path / "c"
    cache.mkdir()
    write(cache / "embeddings-use-m3.sqlite", os.urandom(4096))
    out = tmp_path / "out.tsv"
    res = cli("align", HOSTILE / "trad_simp_zh.txt", HOSTILE / "trad_simp_en.txt", "-o", out,
              "--cache-dir", cache, "-q")
    assert res.exit_code == 0, res.output
    assert out.exists() and out.read_text().count("\n") >= 3
    assert list(cache.glob("*.corrupt-*"))


@pytest.mark.slow
@needs_qa
def test_e2e_seed_001_against_003_is_not_a_translation(cli, tmp_path):
    """~1 min: embeds two whole seeds with the real encoder. `align` aligns what it is given;
    the gate (`check`) is what rejects a pair that is not a translation (exit 2)."""
    res = cli("check", seed_file("001"), seed_file("003"), "--cache-dir", tmp_path / "c")
    assert res.exit_code == EXIT_NOT_PARALLEL, res.output
    assert "not-parallel" in res.output and "Traceback" not in res.output


@needs_qa
def test_e2e_unwritable_output_after_a_real_run(cli, tmp_path):
    """The whole pipeline runs, then the write fails: exit 5, nothing half-written."""
    out = tmp_path / "missing-dir" / "out.tsv"
    res = cli("align", HOSTILE / "trad_simp_zh.txt", HOSTILE / "trad_simp_en.txt", "-o", out,
              "--cache-dir", tmp_path / "c", "-q")
    assert_clean_failure(res, EXIT_OUTPUT, str(out), "does not exist")
    assert not out.parent.exists()


@pytest.mark.slow
@needs_qa
def test_e2e_languages_swapped(cli, tmp_path):
    """English given first: it becomes the source; the TSV is complete and in order."""
    from aligner.report.tsv import read_tsv

    out = tmp_path / "out.tsv"
    res = cli("align", HOSTILE / "trad_simp_en.txt", HOSTILE / "trad_simp_zh.txt", "-o", out,
              "--cache-dir", tmp_path / "c", "-q")
    assert res.exit_code == 0, res.output
    al = read_tsv(out)
    assert [i for b in al.beads for i in b.src_ids] == [0, 1, 2]
    assert al.src.sentences[0].text.startswith("The weather")


@needs_qa
@pytest.mark.slow  # real model, end to end
def test_e2e_same_input_byte_identical_output(cli, tmp_path):
    """A cold-cache run (vectors from the encoder) and a warm one (from sqlite) give byte-identical TSV."""
    outs = []
    for k, extra in enumerate((["--cache-dir", tmp_path / "c"], ["--cache-dir", tmp_path / "c"])):
        out = tmp_path / f"out{k}.tsv"
        res = cli("align", HOSTILE / "zh.txt", HOSTILE / "en.txt", "-o", out, "-q", *extra)
        assert res.exit_code == 0, res.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
