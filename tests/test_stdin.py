"""One bilingual document from standard input, ``-`` (issue 19): ``align -`` and ``check -``.

Expected values: the same command on the file itself (rows 25b and S1-S3 of docs/errors.md).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import seed_path
from test_hostile_inputs import assert_clean_failure

from aligner.cli import app

EXIT_INPUT = 3


@pytest.fixture
def cli_in(tmp_path, monkeypatch):
    """Run ``aligner`` in-process with ``data`` on standard input."""
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()

    def run(data: bytes, *args):
        return runner.invoke(app, [str(a) for a in args], input=data, catch_exceptions=True)

    return run


def test_s1_dash_with_a_second_file_is_refused(cli_in, tmp_path):
    en = tmp_path / "en.txt"
    en.write_text("Hello there.\n", encoding="utf-8")
    assert_clean_failure(cli_in("你好。\n".encode(), "align", "-", en), EXIT_INPUT,
                         "-: standard input holds one bilingual document; give a pair as two files")


@pytest.mark.parametrize("data,needle", [
    (b"", "-: file is empty"),                               # S2: nothing on standard input
    (b"\x89PNG\r\n\x1a\n\x00\x00", "-: binary data"),          # an image piped in
])
def test_s2_bad_standard_input(cli_in, tmp_path, data, needle):
    out = tmp_path / "o.tsv"
    assert_clean_failure(cli_in(data, "align", "-", "-o", out), EXIT_INPUT, needle, output=out)


def test_s3_standard_input_above_the_limit(cli_in, tmp_path):
    out = tmp_path / "o.tsv"
    assert_clean_failure(cli_in(b"x" * 3000, "align", "-", "--max-input-mb", "0.001", "-o", out), EXIT_INPUT,
                         "-: standard input is above the", output=out)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["align", "check"])
def test_standard_input_reads_like_the_file(cli_in, command):
    """`aligner CMD - < seed004` prints what `aligner CMD seed004` prints."""
    f = seed_path("004")
    extra = ["--json"] if command == "check" else []
    piped = cli_in(f.read_bytes(), command, "-", "--no-cache", *extra)
    direct = cli_in(b"", command, f, "--no-cache", *extra)
    assert piped.exit_code == direct.exit_code == 0, piped.output
    if command == "align":
        assert piped.stdout == direct.stdout
    else:  # the verdict names its input
        assert piped.stdout.replace('"-"', '"F"') == direct.stdout.replace(f'"{f}"', '"F"').replace(
            f'"{f.name}"', '"F"')
