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
from test_hostile_inputs import assert_clean_failure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


HOSTILE = Path(__file__).parent / "data" / "hostile"
EXIT_OK, EXIT_NOT_PARALLEL, EXIT_INPUT, EXIT_INTERNAL = 0, 2, 3, 70


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


@pytest.mark.parametrize("zh_text, en_text", [
    # issue 15's credit line, with a longer URL: the Chinese file weighs as English (Han 15, Latin/3 18)
    ("今天天气很好。\n我们去公园散步。\n来源：Reuters, https://www.reuters.com/world/china/weather-report-2024-05-01/\n",
     "The weather is nice today.\nWe go for a walk in the park.\n"
     "Source: Reuters, https://www.reuters.com/world/china/weather-report-2024-05-01/\n"),
    # a one-line Chinese note over a long English citation
    ("新书推荐。\nThe Remains of the Day by Kazuo Ishiguro, Faber and Faber, London, 1989, 245 pages\n",
     "New book recommendation.\nThe Remains of the Day by Kazuo Ishiguro, Faber and Faber, London, 1989, 245 pages\n"),
])
@pytest.mark.parametrize("order", ["zh-en", "en-zh"])
def test_t1e_chinese_file_outweighed_by_english_lines_is_still_chinese(tmp_path, zh_text, en_text, order):
    """Before: 'both files are English; nothing to align against' (exit 2) although one file is the
    Chinese text: its English credit/citation outweighed its Chinese lines (read.PAIR_MIN_SHARE)."""
    from aligner.pipeline import load_sides

    zh, en = write(tmp_path / "zh.txt", zh_text), write(tmp_path / "en.txt", en_text)
    files = [zh, en] if order == "zh-en" else [en, zh]
    loaded = load_sides(files, presplit_input=True)
    n_zh, n_en = len(zh_text.splitlines()), len(en_text.splitlines())
    want = ("zh", n_zh, n_en) if order == "zh-en" else ("en", n_en, n_zh)
    assert (loaded.src.lang, len(loaded.src), len(loaded.tgt)) == want


def test_t1g_corpus_add_and_validate_agree_with_align_on_such_a_pair(cli, tmp_path):
    """Before: `corpus add` refused the pair of t1e ('both files are en', exit 3) that align now reads."""
    zh = write(tmp_path / "n.zh.txt", "新书推荐。\nThe Remains of the Day by Kazuo Ishiguro, Faber and Faber, London, 1989\n")
    en = write(tmp_path / "n.en.txt", "New book recommendation.\nThe Remains of the Day by Kazuo Ishiguro, Faber and "
                                      "Faber, London, 1989\n")
    root = tmp_path / "corpus"
    root.mkdir()
    res = cli("corpus", "add", zh, en, "--corpus", root, "--id", "n")
    assert res.exit_code == EXIT_OK, res.output
    assert json.loads((root / "manifest.json").read_text(encoding="utf-8"))["documents"][0]["languages"] == ["zh", "en"]
    assert cli("corpus", "validate", root).exit_code == EXIT_OK
    other_en = write(tmp_path / "b.txt", "\n".join(EN_LINES) + "\n")
    assert_clean_failure(cli("corpus", "add", en, other_en, "--corpus", root, "--id", "b"), EXIT_INPUT,
                         "both files are English; a pair needs one Chinese and one English file")


@pytest.mark.parametrize("name, extra, needle", [
    ("文章.txt", [], "文章.txt: cannot make an entry id from the file name '文章' ("),
    ("中文2024.txt", [], "give one with --id"),
    ("doc.txt", ["--id", "_x"], "--id '_x' is not an entry id ("),
    ("doc.txt", ["--id", "../x"], "--id '../x' is not an entry id ("),
])
def test_t3c_corpus_add_entry_id_problems_say_what_to_do(cli, tmp_path, name, extra, needle):
    """Before: `corpus add 文章.txt` failed with "manifest.json: new entry: 'id' must match ^[A-Za-z0-9]...,
    got '__'": an error about a file the user did not write, with a regex, and no hint of --id."""
    f = write(tmp_path / name, "\n".join(ZH_LINES) + "\n")
    root = tmp_path / "corpus"
    root.mkdir()
    assert_clean_failure(cli("corpus", "add", f, "--corpus", root, *extra), EXIT_INPUT, needle)
    assert sorted(p.name for p in root.iterdir()) == []  # nothing copied, no manifest
    assert cli("corpus", "add", f, "--corpus", root, "--id", "wz").exit_code == EXIT_OK


def test_t1f_two_english_files_one_quoting_a_chinese_title_are_still_both_english(tmp_path):
    from aligner.errors import NotParallelError
    from aligner.pipeline import load_sides

    a = write(tmp_path / "a.txt", "\n".join(EN_LINES) + "\n")
    b = write(tmp_path / "b.txt", "\n".join(EN_LINES) + "\nAs the People's Daily 《人民日报》 wrote.\n")
    for files in ([a, b], [b, a]):
        with pytest.raises(NotParallelError, match="both files are English"):
            load_sides(files, presplit_input=True)


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


# ---------------------------------------------------------------------------
# t2: an output that is one of the inputs is refused before any work
# ---------------------------------------------------------------------------
@pytest.fixture
def no_work(monkeypatch):
    """Aligning at all fails the test: the refusal must come before any work."""
    import aligner.pipeline

    def boom(*a, **k):
        raise AssertionError("aligned although the output is an input")

    monkeypatch.setattr(aligner.pipeline, "align_files", boom)


@pytest.mark.parametrize("spelling", ["same", "dot", "hardlink", "symlink"])
def test_t2_align_output_is_an_input_file(cli, tmp_path, no_work, spelling, monkeypatch):
    """Before: `align A B -o B` overwrote B with the alignment (exit 0)."""
    zh = shutil.copy(HOSTILE / "zh.txt", tmp_path / "zh.txt")
    en = shutil.copy(HOSTILE / "en.txt", tmp_path / "en.txt")
    before = Path(en).read_bytes()
    monkeypatch.chdir(tmp_path)
    out = {"same": en, "dot": "./sub/../en.txt", "hardlink": tmp_path / "link.txt",
           "symlink": tmp_path / "sym.txt"}[spelling]
    (tmp_path / "sub").mkdir()
    if spelling == "hardlink":
        os.link(en, out)
    if spelling == "symlink":
        os.symlink(en, out)
    assert_clean_failure(cli("align", zh, en, "-o", out), EXIT_INPUT, "the output is the input file", str(en))
    assert Path(en).read_bytes() == before
    assert_clean_failure(cli("align", en, zh, "-o", out), EXIT_INPUT, "the output is the input file")


def test_t2b_report_output_is_its_input(cli, tmp_path):
    """Before: `report X.tsv -o X.tsv` replaced the alignment with its HTML rendering (exit 0)."""
    x = shutil.copy(Path(__file__).parent / "data" / "tsv" / "small.tsv", tmp_path / "X.tsv")
    before = Path(x).read_bytes()
    assert_clean_failure(cli("report", x, "-o", x), EXIT_INPUT, str(x), "the output is the input file")
    assert_clean_failure(cli("report", x, "-o", x, "--format", "html"), EXIT_INPUT, "the output is the input")
    assert Path(x).read_bytes() == before


def _pair_corpus(root: Path, alignment: str | None = None) -> Path:
    write(root / "a.zh.txt", "\n".join(ZH_LINES) + "\n")
    write(root / "a.en.txt", "\n".join(EN_LINES) + "\n")
    doc = {"id": "a", "files": ["a.zh.txt", "a.en.txt"], "languages": ["zh", "en"], "layout": "pair",
           "status": ["bilingual"]}
    if alignment:
        doc["alignment"] = alignment
    m = write(root / "manifest.json", json.dumps({"aligner_corpus": 1, "documents": [doc]}))
    return m


def test_t2c_batch_output_dir_holding_a_listed_alignment(cli, tmp_path, monkeypatch):
    """Before: `batch corpus -o corpus/aligned` overwrote the reviewed aligned/a.tsv the manifest lists."""
    import aligner.batch

    monkeypatch.setattr(aligner.batch, "align_job", lambda *a, **k: pytest.fail("aligned before refusing"))
    root = tmp_path / "corpus"
    _pair_corpus(root, alignment="aligned/a.tsv")
    reviewed = write(root / "aligned" / "a.tsv", "reviewed by hand\n")
    res = cli("batch", root, "-o", root / "aligned", "-j", "1")
    assert_clean_failure(res, EXIT_INPUT, "the output is the input file", "--output-dir")
    assert reviewed.read_text() == "reviewed by hand\n"


def test_t2d_corpus_add_the_manifest_itself(cli, tmp_path):
    root = tmp_path / "corpus"
    m = _pair_corpus(root)
    before = m.read_bytes()
    assert_clean_failure(cli("corpus", "add", m, "--corpus", root), EXIT_INPUT, "the manifest cannot be a document")
    assert m.read_bytes() == before


# ---------------------------------------------------------------------------
# t3: corpus add with two files of one name keeps both; validate checks pairs
# ---------------------------------------------------------------------------
def test_t3_corpus_add_two_files_of_one_name_keeps_both(cli, tmp_path):
    """Before: a/doc.txt b/doc.txt -> one doc.txt (the second copy won), listed twice, 'consistent'."""
    zh = write(tmp_path / "a" / "doc.txt", "\n".join(ZH_LINES) + "\n")
    en = write(tmp_path / "b" / "doc.txt", "\n".join(EN_LINES) + "\n")
    root = tmp_path / "corpus"
    root.mkdir()
    res = cli("corpus", "add", zh, en, "--corpus", root)
    assert res.exit_code == EXIT_OK, res.output
    m = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = m["documents"]
    assert entry["files"] == ["doc.zh.txt", "doc.en.txt"] and entry["id"] == "doc"
    assert (root / "doc.zh.txt").read_bytes() == zh.read_bytes()
    assert (root / "doc.en.txt").read_bytes() == en.read_bytes()
    assert cli("corpus", "validate", root).exit_code == EXIT_OK


@pytest.mark.parametrize("files, languages, needle", [
    (["a.zh.txt", "a.zh.txt"], ["zh", "en"], "the pair lists one file twice"),  # what the old bug wrote
    (["a.zh.txt", "a.en.txt"], ["en", "zh"], "manifest says languages ['en', 'zh'], the files read as ['zh', 'en']"),
    (["a.en.txt", "a.en.txt"], ["zh", "en"], "the pair lists one file twice"),
])
def test_t3b_validate_checks_pairs(cli, tmp_path, files, languages, needle):
    """Before: `corpus validate` never looked inside a pair entry ('consistent', exit 0)."""
    root = tmp_path / "corpus"
    _pair_corpus(root)
    doc = {"id": "p", "files": files, "languages": languages, "layout": "pair", "status": ["bilingual"]}
    write(root / "manifest.json", json.dumps({"aligner_corpus": 1, "documents": [doc]}))
    res = cli("corpus", "validate", root)
    assert_clean_failure(res, EXIT_INPUT, "p: ", needle)


# ---------------------------------------------------------------------------
# t4, t6: the gate and git (--changed-since)
# ---------------------------------------------------------------------------
@pytest.fixture
def git_corpus(tmp_path, cli):
    """A git repository holding corpus/ with one zh-only document, committed."""
    if shutil.which("git") is None:
        pytest.skip("git not installed")

    def git(*a):
        return subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    root = tmp_path / "corpus"
    root.mkdir()
    assert cli("corpus", "add", write(tmp_path / "zh.txt", "\n".join(ZH_LINES) + "\n"), "--corpus", root,
               "--id", "zh").exit_code == 0
    (tmp_path / "zh.txt").unlink()
    git("add", "-A")
    git("commit", "-qm", "one")
    return root, git


def test_t4_gate_fails_on_a_new_document_no_entry_lists(cli, git_corpus):
    """Before: a new corpus/new.txt passed `check corpus --changed-since HEAD`: '0 entries checked', exit 0."""
    root, git = git_corpus
    write(root / "new.txt", "\n".join(ZH_LINES[::-1]) + "\n")
    res = cli("check", root, "--changed-since", "HEAD")
    assert res.exit_code == EXIT_INPUT, res.output
    assert "new.txt: changed since HEAD but no manifest entry lists it" in res.output
    assert f"aligner corpus add {root / 'new.txt'} --corpus {root}" in res.output
    git("add", "-A")
    git("commit", "-qm", "two")  # committed but still unlisted: changed since HEAD~1
    res = cli("check", root, "--changed-since", "HEAD~1", "--json")
    assert res.exit_code == EXIT_INPUT
    (v,) = json.loads(res.output)["verdicts"]
    assert (v["name"], v["verdict"], v["exit_code"]) == ("new.txt", "error", EXIT_INPUT)


def test_t4b_gate_ignores_changed_metadata_files(cli, git_corpus):
    """Notes (.md), reviews (.json) and alignments (.tsv) are not documents: no entry needed."""
    root, _ = git_corpus
    write(root / "NOTES.md", "# notes\n")
    write(root / "review" / "x.review.json", "{}\n")
    res = cli("check", root, "--changed-since", "HEAD")
    assert res.exit_code == EXIT_OK, res.output
    assert "0 entries checked" in res.output


def test_t4d_a_full_check_fails_on_a_document_no_entry_lists(cli, git_corpus):
    """Before: `check corpus/` (no --changed-since) never looked at unlisted files: a new.txt beside the
    listed ones passed ('1 entries checked, 1 ok', exit 0) though nothing checked it (red team, stop 21)."""
    root, _ = git_corpus
    write(root / "NOTES.md", "# notes\n")  # metadata and hidden files are not documents
    write(root / "review" / "x.review.json", "{}\n")
    write(root / ".hidden" / "draft.txt", "x\n")
    res = cli("check", root)
    assert res.exit_code == EXIT_OK, res.output
    write(root / "sub" / "new.txt", "\n".join(ZH_LINES[::-1]) + "\n")
    res = cli("check", root, "--json")
    assert res.exit_code == EXIT_INPUT, res.output
    names = {(v["name"], v["verdict"], v["layout"]) for v in json.loads(res.output)["verdicts"]}
    assert ("sub/new.txt", "error", "unlisted") in names and len(names) == 2
    res = cli("check", root)
    assert f"{root / 'sub' / 'new.txt'}: in the corpus directory but no manifest entry lists it" in res.output
    assert cli("check", root, "--id", "zh").exit_code == EXIT_OK  # --id checks the entries named, as before


@pytest.mark.parametrize("relative", [False, True], ids=["plain", "diff.relative"])
def test_t4c_gate_sees_non_ascii_and_odd_file_names(cli, git_corpus, relative):
    """Before: git quoted non-ASCII names ("corpus/\\346\\226\\260.txt"), so a changed Chinese-named
    document matched no entry ('0 entries checked', exit 0) and a new one was taken as deleted."""
    root, git = git_corpus
    if relative:  # a user's diff.relative must not shift the paths either
        git("config", "diff.relative", "true")
    assert cli("corpus", "add", write(root.parent / "文档.txt", "\n".join(ZH_LINES) + "\n"), "--corpus", root,
               "--id", "wendang").exit_code == 0
    git("add", "-A")
    git("commit", "-qm", "two")
    with (root / "文档.txt").open("a", encoding="utf-8") as f:
        f.write(ZH_LINES[0] + "\n")
    res = cli("check", root, "--changed-since", "HEAD")
    assert "1 entry checked" in res.output, res.output
    git("checkout", "-q", "--", ".")
    for name in ("新文件.txt", "tab\tname.txt", 'quote".txt'):
        write(root / name, "\n".join(ZH_LINES[::-1]) + "\n")
        res = cli("check", root, "--changed-since", "HEAD")
        assert res.exit_code == EXIT_INPUT, (name, res.output)
        assert f"{name}: changed since HEAD but no manifest entry lists it" in res.output
        (root / name).unlink()


@pytest.mark.parametrize("ref", ["--output={out}", "-p", "--no-index"])
def test_t6_changed_since_cannot_pass_an_option_to_git(cli, git_corpus, ref):
    """Before: --changed-since=--output=FILE made git create/truncate FILE, and the gate passed (exit 0)."""
    root, _ = git_corpus
    out = root.parent / "clobbered.txt"
    res = cli("check", root, f"--changed-since={ref.format(out=out)}")
    assert_clean_failure(res, EXIT_INPUT, "--changed-since", "is not a git revision")
    assert not out.exists()


def test_t6b_changed_since_unknown_ref(cli, git_corpus):
    root, _ = git_corpus
    assert_clean_failure(cli("check", root, "--changed-since", "no-such-ref"), EXIT_INPUT,
                         "'no-such-ref': no such commit in this git repository")
    # a blob or tree is not a commit: refused too (REF^{commit})
    tree = subprocess.run(["git", "rev-parse", "HEAD^{tree}"], cwd=root, capture_output=True, text=True).stdout
    assert_clean_failure(cli("check", root, "--changed-since", tree.strip()), EXIT_INPUT, "no such commit")


def test_t6c_every_git_call_ends_options_before_user_input(git_corpus, monkeypatch):
    """Each git call that carries a revision puts --end-of-options before it, and only a verified commit id."""
    from aligner import changes
    from aligner.corpus import load_manifest

    root, _ = git_corpus
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    calls = []
    real = subprocess.run

    def spy(args, **kw):
        calls.append(list(args))
        return real(args, **kw)

    monkeypatch.setattr(changes.subprocess, "run", spy)
    changes.changed_entries(load_manifest(root), "HEAD")
    changes.unlisted_changes(load_manifest(root), "HEAD")
    monkeypatch.undo()
    for c in calls:
        if any("HEAD" in a or sha in a for a in c):
            assert "--end-of-options" in c, c
            assert c.index("--end-of-options") < min(k for k, a in enumerate(c) if "HEAD" in a or sha in a), c
    assert any(c[1] == "diff" and sha in c for c in calls)  # the diff gets the verified id, not the user's text


# ---------------------------------------------------------------------------
# t5: batch keeps a hand-edited output as .bak
# ---------------------------------------------------------------------------
@pytest.fixture
def canned_batch(monkeypatch):
    """Batch with a canned aligner: each job's TSV is its id (the output stage is under test)."""
    import aligner.batch
    from aligner.batch import JobResult

    runs = []

    def job(j, config, embedder, lexicon=None):
        runs.append(j.id)
        return f"# canned\nsrc_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\tseverity\treason\n0\t0\t{j.id}\t{j.id}\t0.9\t\t\t\n", \
            JobResult(j.id, "done")

    monkeypatch.setattr(aligner.batch, "align_job", job)
    monkeypatch.setattr(aligner.batch, "_make_embedder", lambda config, threads: None)
    monkeypatch.setattr(aligner.batch, "_make_lexicon", lambda: None)
    return runs


@pytest.mark.parametrize("name, kind, needle", [
    ("a.tsv", "fifo", "is a named pipe (FIFO)"),
    ("a.tsv", "dir", "is a directory"),
    ("a.tsv.done", "fifo", "is a named pipe (FIFO)"),
])
def test_t5c_batch_output_path_that_is_not_a_file(cli, tmp_path, canned_batch, name, kind, needle):
    """Before: a FIFO at OUT/<id>.tsv (or its stamp) blocked batch forever (written through, no
    reader); a directory there failed the batch midway, after aligning the entries before it."""
    import threading

    root = tmp_path / "corpus"
    _pair_corpus(root)
    out = tmp_path / "out"
    out.mkdir()
    target = out / name
    watchdog = None
    if kind == "fifo":
        os.mkfifo(target)
        # a regression must fail, not hang: a late reader unblocks a writer
        watchdog = threading.Timer(20, lambda: open(target, "rb").read())
        watchdog.daemon = True
        watchdog.start()
    else:
        target.mkdir()
    try:
        res = cli("batch", root, "-o", out, "-j", "1")
    finally:
        if watchdog is not None:
            watchdog.cancel()
    assert_clean_failure(res, 5, str(target), needle, "batch writes its outputs as files")
    assert canned_batch == []  # refused before any work


def test_t5_batch_keeps_a_hand_edited_output(cli, tmp_path, canned_batch):
    """Before: an entry redone by batch silently replaced the TSV a reviewer had edited."""
    root = tmp_path / "corpus"
    _pair_corpus(root)
    out = tmp_path / "out"
    assert cli("batch", root, "-o", out, "-j", "1").exit_code == 0
    fresh = (out / "a.tsv").read_text()
    assert cli("batch", root, "-o", out, "-j", "1", "--force").exit_code == 0  # unedited: replaced, no backup
    assert not list(out.glob("*.bak*"))
    (out / "a.tsv").write_text(fresh + "edited by a reviewer\n")
    res = cli("batch", root, "-o", out, "-j", "1")  # the edit makes it out of date: redone
    assert res.exit_code == 0, res.output
    assert "a: the earlier output was edited since aligner wrote it; kept as" in res.output
    assert (out / "a.tsv.bak").read_text() == fresh + "edited by a reviewer\n"
    assert (out / "a.tsv").read_text() == fresh
    (out / "a.tsv").write_text("edited again\n")
    assert cli("batch", root, "-o", out, "-j", "1").exit_code == 0
    assert (out / "a.tsv.bak").read_text() == fresh + "edited by a reviewer\n"  # an older backup is never replaced
    assert (out / "a.tsv.bak.1").read_text() == "edited again\n"
    assert canned_batch == ["a", "a", "a", "a"]


def test_t5b_batch_output_without_a_stamp_is_kept(cli, tmp_path, canned_batch):
    """A TSV aligner did not stamp (written by hand, or by something else) is not overwritten unseen either."""
    root = tmp_path / "corpus"
    _pair_corpus(root)
    write(tmp_path / "out" / "a.tsv", "mine\n")
    res = cli("batch", root, "-o", tmp_path / "out", "-j", "1")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "a.tsv.bak").read_text() == "mine\n"


# ---------------------------------------------------------------------------
# t7: FIFOs, devices, sockets: refused from stat, never opened
# ---------------------------------------------------------------------------
@pytest.fixture
def special(tmp_path):
    """Make a FIFO / socket / device path; a watchdog unblocks a FIFO reader after 20 s so that a
    regression fails (an empty-file error instead of the FIFO message) rather than hanging."""
    import tempfile
    import threading

    made = []
    short = Path(tempfile.mkdtemp(prefix="t7", dir="/tmp"))  # AF_UNIX paths are limited to ~107 bytes

    def make(kind: str) -> Path:
        if kind == "device":
            return Path("/dev/zero")
        p = short / f"{kind}.txt"
        if kind == "fifo":
            os.mkfifo(p)

            def unblock():
                try:
                    fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK)
                    os.close(fd)
                except OSError:
                    pass

            t = threading.Timer(20, unblock)
            t.daemon = True
            t.start()
            made.append(t)
        elif kind == "socket":
            s = socket.socket(socket.AF_UNIX)
            s.bind(str(p))
            made.append(s)
        return p

    yield make
    for m in made:
        (m.cancel if hasattr(m, "cancel") else m.close)()
    shutil.rmtree(short, ignore_errors=True)


_KIND_MESSAGE = {"fifo": "is a named pipe (FIFO), not a regular file", "socket": "is a socket, not a regular file",
                 "device": "is a character device, not a regular file"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
@pytest.mark.parametrize("command", ["align-src", "align-tgt", "align-one", "check", "report", "corpus-add"])
def test_t7_non_regular_input_is_refused(cli, tmp_path, special, kind, command):
    """Before: a FIFO as input hung align, check, report and corpus add forever (open blocks)."""
    if not hasattr(socket, "AF_UNIX") and kind == "socket":
        pytest.skip("no unix sockets")
    p = special(kind)
    zh = HOSTILE / "zh.txt"
    args = {"align-src": ["align", p, HOSTILE / "en.txt"], "align-tgt": ["align", zh, p], "align-one": ["align", p],
            "check": ["check", p], "report": ["report", p],
            "corpus-add": ["corpus", "add", p, "--corpus", tmp_path]}[command]
    assert_clean_failure(cli(*args), EXIT_INPUT, str(p), _KIND_MESSAGE[kind])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_t7b_fifo_review_file_and_manifest_entry(tmp_path, special):
    from aligner.corpus import load_manifest, validate
    from aligner.errors import InputError
    from aligner.review import load_review

    fifo = special("fifo")
    with pytest.raises(InputError, match="named pipe"):
        load_review(fifo)
    root = tmp_path / "corpus"
    _pair_corpus(root)
    os.symlink(fifo, root / "pipe.txt")
    doc = {"id": "p", "files": ["pipe.txt"], "languages": ["zh"], "layout": "zh-only", "status": ["zh-only"]}
    write(root / "manifest.json", json.dumps({"aligner_corpus": 1, "documents": [doc]}))
    (problem,) = validate(load_manifest(root))
    assert "is a named pipe (FIFO), not a regular file" in problem


# ---------------------------------------------------------------------------
# t8: input faults that were internal errors (exit 70)
# ---------------------------------------------------------------------------
@pytest.fixture
def loop(tmp_path) -> Path:
    a, b = tmp_path / "loop_a.txt", tmp_path / "loop_b.txt"
    os.symlink(b, a)
    os.symlink(a, b)
    return a


@pytest.mark.parametrize("position", [0, 1])
def test_t8_symlink_loop_as_one_file_of_a_pair(cli, loop, position):
    """Before: `RuntimeError: Symlink loop` from Path.resolve -> exit 70."""
    files = [HOSTILE / "zh.txt", HOSTILE / "en.txt"]
    files[position] = loop
    assert_clean_failure(cli("align", *files), EXIT_INPUT, str(loop), "symlink loop")
    assert_clean_failure(cli("check", *files), EXIT_INPUT, str(loop), "symlink loop")


def test_t8b_symlink_loop_in_a_manifest(cli, tmp_path, loop, canned_batch):
    root = tmp_path / "corpus"
    _pair_corpus(root)
    os.symlink(loop, root / "looped.txt")
    docs = [{"id": "a", "files": ["a.zh.txt", "looped.txt"], "languages": ["zh", "en"], "layout": "pair",
             "status": ["bilingual"]}]
    write(root / "manifest.json", json.dumps({"aligner_corpus": 1, "documents": docs}))
    assert_clean_failure(cli("corpus", "validate", root), EXIT_INPUT, "looped.txt", "symlink loop")
    assert_clean_failure(cli("batch", root, "-o", tmp_path / "out", "-j", "1"), EXIT_INPUT, "symlink loop")
    res = cli("check", root, "--json")
    verdicts = {v["name"]: v for v in json.loads(res.output)["verdicts"]}
    v = verdicts["a"]
    assert res.exit_code == EXIT_INPUT and v["verdict"] == "error" and "symlink loop" in v["reason"]
    assert verdicts["a.en.txt"]["layout"] == "unlisted"  # the pair's English file no entry lists now (T4d)


def _deep(n: int = 100_000) -> str:
    return "[" * n + "]" * n


def _big_int() -> str:
    return "1" * 5000


@pytest.mark.parametrize("body, needle", [
    (lambda: _deep(), "nested too deeply"),
    (lambda: '{"aligner_corpus": 1, "documents": [' + _deep() + "]}", "nested too deeply"),
    (lambda: '{"aligner_corpus": ' + _big_int() + ', "documents": []}', "a number too long"),
    (lambda: '{"aligner_corpus": 1, "documents": [{"id": ' + _big_int() + "}]}", "a number too long"),
])
def test_t8c_hostile_json_manifest(cli, tmp_path, body, needle):
    """Before: RecursionError (100k levels) / ValueError (5,000-digit integer) -> exit 70."""
    m = write(tmp_path / "corpus" / "manifest.json", body())
    assert_clean_failure(cli("corpus", "validate", m.parent), EXIT_INPUT, str(m), needle)
    assert_clean_failure(cli("check", m.parent), EXIT_INPUT, str(m), needle)


@pytest.mark.parametrize("body, needle", [
    (lambda: _deep(), "nested too deeply"),
    (lambda: '{"aligner_review": 1, "entries": ' + _deep() + "}", "nested too deeply"),
    (lambda: '{"aligner_review": ' + _big_int() + "}", "a number too long"),
])
def test_t8d_hostile_json_review_file(tmp_path, body, needle):
    from aligner.errors import InputError
    from aligner.review import load_review

    r = write(tmp_path / "r.json", body())
    with pytest.raises(InputError, match=needle) as e:
        load_review(r)
    assert str(e.value).startswith(f"{r}: ")


# ---------------------------------------------------------------------------
# t9: `report` refuses hand-edited TSVs that are no longer an alignment
# ---------------------------------------------------------------------------
_HEAD = "# sig\nsrc_ids\ttgt_ids\tsrc\ttgt\tscore\tflags\tseverity\treason\n"


@pytest.mark.parametrize("rows, needle", [
    ("0\t0\ta\tA\t0.9\t\t\t\n1\t0\tb\tA\t0.8\t\t\t\n", "line 4: target sentence 0 is already in line 3"),
    ("0\t0\ta\tA\t0.9\t\t\t\n0\t1\ta\tB\t0.8\t\t\t\n", "line 4: source sentence 0 is already in line 3"),
    ("0,1\t0\ta b\tA\t0.9\t\t\t\n1\t1\tb\tB\t0.8\t\t\t\n", "line 4: source sentence 1 is already in line 3"),
    ("0\t0\ta\tA\t0.9\tpartial,number_mismatch\twarning\tx | y\n", "line 3: 2 flag code(s) but 1 severity"),
    ("0\t0\ta\tA\t0.9\tpartial\twarning,error\tx\n", "line 3: 1 flag code(s) but 2 severities"),
    ("0\t0\ta\tA\t0.9\t\twarning\t\n", "line 3: 0 flag code(s) but 1 severity"),
    ("0\t0\ta\tA\t0.9\tpartial\twarning\tx | y | z\n", "line 3: 1 flag code(s) but 3 reason(s)"),
    ("0,2\t0\ta c\tA\t0.9\t\t\t\n1\t1\tb\tB\t0.8\t\t\t\n", "line 3: source ids 0,2 are not consecutive"),
    ("\t\t\t\t\t\t\t\n", "line 3: a row with no sentence id on either side"),
    ("0\t0\ta\tA\t0.9\t\t\t\tstray\ttab\n", "line 3: 10 tab-separated columns, the header has 8"),
    ("", "no alignment rows after the header: nothing to report"),  # T9d: before, an empty page, exit 0
])
def test_t9_report_rejects_inconsistent_tsv(cli, tmp_path, rows, needle):
    """Before: each was rendered with exit 0 (missing severities silently became `warning`)."""
    t = write(tmp_path / "edited.tsv", _HEAD + rows)
    assert_clean_failure(cli("report", t, "-o", tmp_path / "r.html"), EXIT_INPUT, str(t), needle)
    assert not (tmp_path / "r.html").exists()


def test_t9b_report_still_reads_what_align_writes(tmp_path):
    """The checks accept every TSV the writer produces: one flag with an empty reason, several flags."""
    from aligner.data import Alignment, Bead, Flag, Sentence, Severity, Side
    from aligner.report.tsv import read_tsv, to_tsv

    src = Side("zh", "z", tuple(Sentence(i, t, 0, 1) for i, t in enumerate(["甲。", "乙。", "丙。"])))
    tgt = Side("en", "e", tuple(Sentence(i, t, 0, 1) for i, t in enumerate(["A.", "B."])))
    beads = (Bead((0, 1), (0,), 0.8, (Flag("partial", Severity.INFO, ""),)),
             Bead((2,), (), None, (Flag("omission", Severity.ERROR, "x"), Flag("damage", Severity.WARNING, ""))),
             Bead((), (1,), None, ()))
    al = Alignment(src, tgt, beads, "sig")
    back = read_tsv("m.tsv", text=to_tsv(al))
    assert [(b.src_ids, b.tgt_ids, [(f.code, f.severity) for f in b.flags]) for b in back.beads] == \
        [(b.src_ids, b.tgt_ids, [(f.code, f.severity) for f in b.flags]) for b in beads]
