"""Fuzz target for the text-handling stages: decoding, layout detection,
segmentation and (when present) number extraction.

Run with atheris (libFuzzer) -- see fuzz/README.md::

    .venv/bin/python fuzz/fuzz_inputs.py fuzz/corpus -max_total_time=600 -timeout=20

Without atheris installed, ``fuzz/fuzz_hypothesis.py`` runs the same checks
with hypothesis.

Invariants checked on every input (any other exception is a crash):

* ``decode(bytes)`` returns ``Decoded`` or raises ``DecodeError`` (with the
  file name in the message);
* ``detect_layout(text)`` returns a ``Layout`` whose Chinese and English
  paragraphs together are the file's non-empty paragraphs;
* ``Segmenter().split(text, lang)`` and ``split_zh`` lose no character:
  joining the sentences gives back the text, whitespace aside; no sentence is
  empty or has surrounding whitespace;
* ``extract_numbers(text, lang)`` (aligner.numbers, once it exists) returns
  without raising, and ``compare_numbers(text, lang, text, lang)`` (a text
  against itself) finds no mismatch.
"""

from __future__ import annotations

import logging
import math
import sys

logging.getLogger("aligner").setLevel(logging.ERROR)  # expected warnings (truncated input) are not findings

try:
    import atheris
except ImportError:  # pragma: no cover - the hypothesis runner imports check_* only
    atheris = None


def _imports():
    from aligner.errors import DecodeError
    from aligner.read import Decoded, decode, detect_layout, split_paragraphs
    from aligner.segment import Segmenter, split_zh

    try:
        from aligner.numbers import compare_numbers, extract_numbers
    except ImportError:
        extract_numbers = compare_numbers = None
    return (DecodeError, Decoded, decode, detect_layout, split_paragraphs, Segmenter, split_zh,
            extract_numbers, compare_numbers)


if atheris is not None:
    with atheris.instrument_imports(include=["aligner"]):
        (DecodeError, Decoded, decode, detect_layout, split_paragraphs, Segmenter, split_zh,
         extract_numbers, compare_numbers) = _imports()
else:
    (DecodeError, Decoded, decode, detect_layout, split_paragraphs, Segmenter, split_zh,
     extract_numbers, compare_numbers) = _imports()

SEG = Segmenter()


def _squash(s: str) -> str:
    return "".join(s.split())


def check_decode(data: bytes) -> str | None:
    try:
        d = decode(data, "fuzz.txt")
    except DecodeError as e:
        assert "fuzz.txt" in str(e), str(e)
        return None
    assert isinstance(d, Decoded) and isinstance(d.text, str)
    return d.text


def check_layout(text: str) -> None:
    lay = detect_layout(text, "fuzz.txt")
    assert lay.kind in {"zh-only", "en-only", "blocks", "alternating", "mixed", "empty"}, lay.kind
    paras = split_paragraphs(text)
    assert lay.n_paragraphs == len(paras)
    got = (len(lay.zh.paragraphs) if lay.zh else 0) + (len(lay.en.paragraphs) if lay.en else 0)
    assert got <= len(paras)
    lay.describe()


def check_segment(text: str) -> None:
    for lang in ("zh", "en"):
        sents = SEG.split(text, lang)
        for s in sents:
            assert s and s == s.strip(), (lang, s)
        assert _squash("".join(sents)) == _squash(text), (lang, text, sents)
    sents = split_zh(text)
    assert _squash("".join(sents)) == _squash(text), (text, sents)


def check_numbers(text: str) -> None:
    """No exception; a text compared with itself has no number mismatch."""
    if extract_numbers is None:
        return
    for lang in ("zh", "en"):
        found = extract_numbers(text, lang)
        assert all(math.isfinite(m.value) for m in found), (lang, text)
        if compare_numbers is not None:
            diff = compare_numbers(text, lang, text, lang)
            assert diff is None, (lang, text, diff)


def check_all(data: bytes) -> None:
    text = check_decode(data)
    # Also exercise the text stages on a lossy decoding of arbitrary bytes.
    for t in filter(None, (text, data.decode("utf-8", "replace"))):
        t = t.replace("\r\n", "\n").replace("\r", "\n")
        check_layout(t)
        check_segment(t)
        check_numbers(t)


def test_one_input(data: bytes) -> None:
    check_all(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    if atheris is None:
        sys.exit("atheris is not installed: pip install atheris, or run fuzz/fuzz_hypothesis.py")
    main()
