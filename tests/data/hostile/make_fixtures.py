"""Regenerate the small hostile-input fixtures in this directory.

Run from the repository root: ``.venv/bin/python tests/data/hostile/make_fixtures.py``.
Big inputs (50 MB line, a million lines, 65 MiB) are made at test time in tmp_path.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

ZH = (
    "今天天气很好。我们去公园散步了👨‍👩‍👧。\n"
    "公園裡有很多人在跑步，他們都很開心。\n"
    "他说：“שלום”是希伯来语的问候。我们在2022年2月14日见面。\n"
)
EN = (
    "The weather is nice today. We went for a walk in the park 👨‍👩‍👧.\n"
    "There were many people running in the park, and they were all happy.\n"
    "He said that “שלום” is a Hebrew greeting. We met on February 14, 2022.\n"
)


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


FIXTURES: dict[str, bytes] = {
    "image.png": png(),
    "nul_bytes.txt": "今天天气很好。\x00\x00The weather is nice.\n".encode(),
    "latin1.txt": "Café au lait, naïve résumé. Déjà vu à la carte.\n".encode("latin-1"),
    "mixed_gbk_utf8.txt": "第一段是GBK编码的中文。\n".encode("gbk") + "第二段是UTF-8编码的中文。\n".encode(),
    "utf16le_nobom_zh.txt": "这是一个中文句子。我们在测试没有字节顺序标记的文件。\n".encode("utf-16-le"),
    "utf16be_nobom_zh.txt": "这是一个中文句子。我们在测试没有字节顺序标记的文件。\n".encode("utf-16-be"),
    "utf16le_nobom_en.txt": "This is an English sentence. It has no byte-order mark.\n".encode("utf-16-le"),
    "utf16_bom_odd.txt": b"\xff\xfe" + "你好世界".encode("utf-16-le") + b"\x00",
    "big5_zh.txt": "公園裡有很多人在跑步，他們都很開心。這是繁體中文。\n".encode("big5"),
    "gbk_zh.txt": "公园里有很多人在跑步，他们都很开心。这是简体中文。\n".encode("gbk"),
    "punct_only.txt": "。，！？……——“”《》\n!!! ??? ... ---\n".encode(),
    "numbers_only.txt": "1 2 3\n2022-02-14\n3.14159 42% 1,000,000\n".encode(),
    "emoji_only.txt": "👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇨🇳 🇬🇧\n❤️‍🔥 🧑🏿‍🚀\n".encode(),
    "rtl_only.txt": "שלום עולם. זה טקסט בעברית.\nمرحبا بالعالم. هذا نص عربي.\n\u202eمرحبا\u202c \u200fשלום\u200e\n".encode(),
    "zh.txt": ZH.encode(),
    "en.txt": EN.encode(),
    "html_zh.html": ("<html><body>\n" + "".join(f"<p>{ln}</p>\n" for ln in ZH.splitlines())
                     + "</body></html>\n").encode(),
    "html_en.html": ("<html><body>\n" + "".join(f"<p>{ln}</p>\n" for ln in EN.splitlines())
                     + "</body></html>\n").encode(),
    "table.md": ("| 中文 | English |\n|---|---|\n"
                 + "".join(f"| {z} | {e} |\n" for z, e in zip(ZH.splitlines(), EN.splitlines()))).encode(),
    "trad_simp_zh.txt": "今天天气很好。公園裡有很多人。\n這是繁體中文，这是简体中文。\n".encode(),
    "trad_simp_en.txt": "The weather is nice today. There are many people in the park.\n"
                        "This is Traditional Chinese, this is Simplified Chinese.\n".encode(),
}


def main() -> None:
    for name, data in FIXTURES.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
