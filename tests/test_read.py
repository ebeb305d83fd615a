"""Reading: encodings, newlines, paragraphs, layout detection on the five seeds."""

from __future__ import annotations

import codecs

import pytest

from aligner.errors import DecodeError, InputError
from aligner.read import decode, detect_layout, read_document, split_paragraphs

# Layout of each seed, from ../shared/seeds/README.md; paragraph counts counted by hand
# from the files (000: 64 Chinese lines incl. title, 'guancha', captions, credit; 44 English).
SEED_LAYOUTS = [
    ("000", "blocks", 64, 44),
    ("001", "zh-only", 16, 0),
    ("002", "mixed", None, None),
    ("003", "en-only", 0, None),
    ("004", "alternating", 15, 23),  # 23: title, 6 metadata lines, byline, 13 body, 2 trailer lines
]


@pytest.mark.parametrize("key,kind,n_zh,n_en", SEED_LAYOUTS)
def test_seed_layouts(seed, key, kind, n_zh, n_en):
    lay = read_document(seed(key))
    assert lay.kind == kind, lay.describe()
    if n_zh is not None:
        assert (len(lay.zh.paragraphs) if lay.zh else 0) == n_zh
    if n_en is not None:
        assert (len(lay.en.paragraphs) if lay.en else 0) == n_en


def test_blocks_layout_keeps_stray_lines_in_their_block(seed):
    lay = read_document(seed("000"))
    zh = [p.text for p in lay.zh.paragraphs]
    assert "guancha" in zh  # a Latin byline inside the Chinese block stays Chinese
    assert zh[-1].startswith("翻譯|")  # the credit after the English block is Chinese
    assert lay.en.paragraphs[0].text.startswith("Helen:")


TEXT = "第一段。\n\nSecond paragraph.\n"


@pytest.mark.parametrize(
    "encoding,expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8 (BOM)"),
        ("utf-16", "utf-16-le (BOM)"),  # Python writes a little-endian BOM
        ("utf-16-le", "utf-16-le"),  # no BOM: detected from the NUL pattern
        ("utf-16-be", "utf-16-be"),
        ("gb18030", "gb18030"),
        ("big5", "big5"),
    ],
)
def test_encodings(encoding, expected):
    text = "俄羅斯科學院歐洲研究所所長在三亞接受專訪時表示。\nThe interview follows.\n" * 5
    if encoding == "gb18030":
        text = "俄罗斯科学院欧洲研究所所长在三亚接受专访时表示。\nThe interview follows.\n" * 5
    d = decode(text.encode(encoding), "x.txt")
    assert d.encoding == expected
    assert d.text.lstrip("\ufeff") == text


def test_undecodable_names_file_and_offset():
    data = "好".encode("utf-8") + b"\xff\xfe\xfa" * 3 + b"\x81"
    with pytest.raises(DecodeError) as e:
        decode(data, "bad.txt")
    assert "bad.txt" in str(e.value) and "offset" in str(e.value)


def test_crlf_and_single_newline_paragraphs(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes("第一段。\r\n第二段。\r\n\r\nThe third one.\r\nThe fourth one.\r\n".encode())
    lay = read_document(p)
    assert [x.text for x in lay.zh.paragraphs] == ["第一段。", "第二段。"]
    assert [x.line for x in lay.en.paragraphs] == [4, 5]


def test_hard_wrapped_blocks_join_into_paragraphs():
    text = ("This paragraph was wrapped by an old text editor at a\n"
            "fixed column so that lines stop in the middle of a\n"
            "sentence and continue on the next line of the file.\n\n"
            "A second paragraph follows here after a blank line and\n"
            "is wrapped in the very same way as the first one was.\n")
    paras = split_paragraphs(text)
    assert len(paras) == 2 and paras[1].line == 5


@pytest.mark.parametrize("content,msg", [(b"", "empty"), (b"  \n\n \t\n", "empty")])
def test_empty_inputs(tmp_path, content, msg):
    p = tmp_path / "e.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=msg):
        read_document(p)


def test_directory_and_missing(tmp_path):
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")


def test_bom_utf16_roundtrip_in_detect_layout():
    d = decode(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    assert detect_layout(d.text).kind in ("blocks", "mixed")


@pytest.mark.parametrize("text, kind", [
    # red team (stop 22): a phrasebook of short sentences, line by line, read as "mixed" (check: not parallel)
    ("那天夜里下了很大的雪。\nIt snowed heavily that night.\n他一个人走回了家。\nHe walked home alone.\n"
     "第二天早上，雪停了。\nThe next morning, the snow stopped.\n他出门去买面包。\nHe went out to buy bread.\n",
     "alternating"),
    ("我们今天去公园散步。\n\nWe went for a walk in the park today.\n\n天气非常好。\n\nThe weather was very good.\n\n"
     "我们很高兴。\n\nWe were happy.\n", "alternating"),  # blank lines between; was "blocks" (two substantive runs)
    # runs of three and more lines of one language are not line-by-line alternation
    ("我们今天去公园。\n天气非常好啊。\n大家都很高兴。\nWe went to the park.\nThe weather was fine.\nAll were happy.\n"
     "晚上我们回家了。\n路上下起了雨。\n我们都淋湿了。\nIn the evening we went home.\n", "mixed"),
])
def test_short_lines_that_alternate_are_an_alternating_layout(text, kind):
    assert detect_layout(text).kind == kind


# --- two tab-separated columns, one language each (red team 0.3.10) -----------------------------------------------
@pytest.mark.parametrize(
    "text, zh, en",
    [
        ("今天天气很好。\tThe weather is nice today.\n他说你好。\tHe said hello.\n",
         [("今天天气很好。", 1), ("他说你好。", 2)], [("The weather is nice today.", 1), ("He said hello.", 2)]),
        # English first; a title line without a tab goes to its language; a row with an empty cell
        # a tab after each line (red team 0.3.11: read as three columns, then not as columns at all)
        ("今天天气很好。\tThe weather is nice today.\t\n他说你好。\tHe said hello.\t\n",
         [("今天天气很好。", 1), ("他说你好。", 2)], [("The weather is nice today.", 1), ("He said hello.", 2)]),
        ("Walks\n" + "The weather is nice.\t天气很好。\n" * 9 + "She smiled.\t\n",
         [("天气很好。", n) for n in range(2, 11)],
         [("Walks", 1)] + [("The weather is nice.", n) for n in range(2, 11)] + [("She smiled.", 11)]),
    ],
)
def test_two_columns_are_two_sides_a_cell_a_sentence(text, zh, en):
    lay = detect_layout(text)
    assert lay.kind == "columns" and lay.one_per_line
    assert [(p.text, p.line) for p in lay.zh.paragraphs] == zh
    assert [(p.text, p.line) for p in lay.en.paragraphs] == en


@pytest.mark.parametrize(
    "text",
    [
        "今天天气很好。\t他说你好。\n我们去公园。\t她笑了。\n",  # both columns Chinese
        "甲\tA\tB\n乙\tC\tD\n",  # three columns (our own TSV output is read as text, not as two columns)
        "今天天气很好。\tThe weather is nice today.\n他说你好。\n我们去公园。\nHe said hello.\n",  # few tabs
        "今天天气很好。\tThe weather is nice today.\n",  # one line
    ],
)
def test_not_two_columns(text):
    assert detect_layout(text).kind != "columns"
