"""Shared test helpers: where the seed documents and MAC-Test live, a shared cache dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
SHARED = ROOT.parent / "shared"

SEED_NAMES = {
    "000": "000_3903eb94c200c726.txt",  # Gromyko interview: zh block then en block
    "001": "001_9c3469c8acea615d.txt",  # Lavrov-Putin, zh only, damaged
    "002": "002_9f71073b3b5a7269.txt",  # China Newsweek interview: mixed
    "003": "003_f725e8e258dcd48d.txt",  # Grushko interview: en only
    "004": "004_ecb1ef62764ca60e.txt",  # China Military Online: alternating
}


def seed_path(key: str) -> Path:
    """A seed document from the project's corpus/ (or ../shared/seeds in a bare checkout)."""
    name = SEED_NAMES[key]
    found = sorted((ROOT / "corpus").rglob(name))
    if found:
        return found[0]
    alt = SHARED / "seeds" / name
    if alt.exists():
        return alt
    pytest.skip(f"seed {name} not found in corpus/ or {alt.parent}")


@pytest.fixture
def seed():
    return seed_path


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """One embedding cache for the whole test session (real embeddings are slow-ish)."""
    d = os.environ.get("ALIGNER_TEST_CACHE")
    return Path(d) if d else tmp_path_factory.mktemp("emb-cache")


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run ``aligner`` in-process (CliRunner); the embedding cache is kept in tmp_path."""
    from typer.testing import CliRunner

    from aligner.cli import app

    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "200")  # --help rows on one line each
    runner = CliRunner()

    def run(*args: str | Path):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=True)

    return run
