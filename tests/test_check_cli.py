"""``aligner check`` and ``aligner corpus add|validate`` through the CLI: verdicts, review, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

runner = CliRunner()


def run(*args, cache_dir=None):
    extra = ["--cache-dir", str(cache_dir)] if cache_dir else []
    return runner.invoke(app, [*map(str, args), *extra])


@pytest.mark.slow  # real model, end to end
def test_check_bilingual_seed_is_parallel(seed, cache_dir):
    r = run("check", seed("004"), cache_dir=cache_dir)
    assert r.exit_code == 0, r.output
    assert "parallel" in r.output and "coverage source 100.0%" in r.output
    assert "anchored coverage" in r.output and "flags: error 0" in r.output


@pytest.mark.slow  # real model, end to end
def test_check_not_parallel_pair_exits_2(seed, cache_dir):
    r = run("check", seed("001"), seed("003"), cache_dir=cache_dir)
    assert r.exit_code == 2, r.output
    assert "not-parallel" in r.output and "not translations of each other" in r.output


def test_check_monolingual_reports_damage(seed, cache_dir):
    r = run("check", seed("001"), "--json", cache_dir=cache_dir)
    assert r.exit_code == 2
    data = json.loads(r.output)
    [v] = data["verdicts"]
    assert v["verdict"] == "monolingual" and v["summary"]["by_code"]["damage"] >= 3
    r = run("check", seed("001"), cache_dir=cache_dir)
    assert "monolingual" in r.output and "damage" in r.output and "202112" in r.output


@pytest.mark.slow  # real model, end to end
def test_fail_on_and_review_baseline(tmp_path, seed, cache_dir):
    """Flags at or above --fail-on fail (exit 1) until the reviewer accepts them in a baseline."""
    r = run("check", seed("004"), "--fail-on", "info", "--json", cache_dir=cache_dir)
    assert r.exit_code == 1, r.output
    failing = json.loads(r.output)["verdicts"][0]["failing"]
    assert failing and all(f["severity"] in ("info", "warning") for f in failing)

    from aligner.config import AlignConfig
    from aligner.pipeline import align_files
    from aligner.review import apply_review, Review, accept_all, save_review

    cfg = AlignConfig().with_(cache_dir=cache_dir)
    al = align_files([seed("004")], config=cfg)
    baseline = tmp_path / "004.review.json"
    save_review(baseline, accept_all(apply_review(al.beads, al.src, al.tgt, Review()), comment="ok"))
    r = run("check", seed("004"), "--fail-on", "info", "--review", baseline, cache_dir=cache_dir)
    assert r.exit_code == 0, r.output
    assert "flags accepted" in r.output


def test_usage_and_input_errors_exit_3(tmp_path, seed):
    assert run("check", tmp_path / "missing.txt").exit_code == 3
    assert run("check", seed("004"), "--changed-since", "HEAD").exit_code == 3
    assert run("check", CORPUS, "--review", tmp_path / "r.json").exit_code == 3
    bad = tmp_path / "manifest.json"
    bad.write_text('{"aligner_corpus": 1, "documents": [{"id": "x"}]}', encoding="utf-8")
    r = run("check", tmp_path)
    assert r.exit_code == 3 and "files" in r.output
    assert run("check", CORPUS, "--id", "nope").exit_code == 3


def test_corpus_add_then_check_by_id(tmp_path, seed, cache_dir):
    r = run("corpus", "add", seed("003"), "--corpus", tmp_path, "--id", "grushko", "--publisher", "Izvestia",
            "--date", "2025-03")
    assert r.exit_code == 0, r.output
    assert "en-only" in r.output
    assert run("corpus", "validate", tmp_path).exit_code == 0
    r = run("check", tmp_path, "--id", "grushko", cache_dir=cache_dir)
    assert r.exit_code == 0, r.output
    assert "monolingual (as expected)" in r.output
    assert run("corpus", "add", seed("003"), "--corpus", tmp_path).exit_code == 3  # already there
    assert run("corpus", "add", seed("001"), "--corpus", tmp_path, "--date", "14.02.2022").exit_code == 3


def test_corpus_validate_fails_on_wrong_layout(tmp_path, seed):
    shutil.copyfile(seed("001"), tmp_path / "a.txt")
    (tmp_path / "manifest.json").write_text(json.dumps({"aligner_corpus": 1, "documents": [
        {"id": "a", "files": ["a.txt"], "languages": ["zh", "en"], "layout": "blocks", "status": ["bilingual"]}]}))
    r = run("corpus", "validate", tmp_path)
    assert r.exit_code == 3 and "reads as 'zh-only'" in r.output


@pytest.mark.slow
def test_check_project_corpus(cache_dir):
    """The bar: bilingual seeds parallel, 001 vs 003 not-parallel, 002 mixed, monolingual seeds as such."""
    r = run("check", CORPUS, "--json", cache_dir=cache_dir)
    data = json.loads(r.output)
    by = {v["name"]: v for v in data["verdicts"]}
    assert by["000"]["verdict"] == "parallel" and by["004"]["verdict"] == "parallel"
    assert by["neg-001-003"]["verdict"] == "not-parallel"
    assert by["002"]["verdict"] == "mixed"
    assert by["001"]["verdict"] == by["003"]["verdict"] == "monolingual"
    assert all(v["as_expected"] for v in data["verdicts"])
    assert r.exit_code == data["exit_code"] == 0, r.output


@pytest.mark.parametrize("show, listed, more", [
    (5, 5, "... and 25 more"),  # the old fixed cap, now --show 5
    (20, 20, "... and 10 more"),  # config.CHECK_SHOW
    (0, 30, None),  # all
])
def test_check_lists_findings_up_to_show(show, listed, more):
    """Red team (stop 22): check printed 5 findings and hid the rest, with no option but --json."""
    from types import SimpleNamespace

    from aligner.cli.check import render_verdict

    item = {"pair": 1, "last_pair": 1, "src_ids": [0], "tgt_ids": [], "src_lang": "zh", "tgt_lang": "en",
            "src": "某句", "tgt": "", "flags": 1, "severity": "warning", "code": "omission", "reason": "no English"}
    items = [dict(item, pair=k + 1, last_pair=k + 1) for k in range(30)]
    v = SimpleNamespace(exit_code=1, expected=None, as_expected=True, name="doc", verdict="parallel", layout="pair",
                        summary={}, gated="all", reason="30 warnings", notes=(), damage=(), accepted=0, stale=0,
                        corrections={"applied": 0, "stale": ["x"] * 30}, failing=items, items=items)
    text = render_verdict(v, max_failing=show)
    assert sum(1 for ln in text.splitlines() if ln.strip().startswith("pair ")) == listed
    assert sum(1 for ln in text.splitlines() if "stale correction:" in ln) == listed
    if more:
        assert text.count(more) == 2  # findings and stale corrections alike
    else:
        assert "more" not in text


def test_check_takes_the_alignment_options_align_takes(tmp_path, monkeypatch):
    """A new user (0.3.11): `check` could not align a document the way a TSV made with non-default options was:
    it had no --t2s, --max-bead, --skip-cost or --window-slack. They reach its config as they reach align's."""
    import aligner.gate

    seen = {}

    def fake_judge(*args, config, **kwargs):
        seen["config"] = config
        raise KeyboardInterrupt  # stop here: the config is what is under test

    monkeypatch.setattr(aligner.gate, "judge", fake_judge)
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("今天天气很好。\n", encoding="utf-8")
    en.write_text("The weather is nice today.\n", encoding="utf-8")
    r = run("check", zh, en, "--no-t2s", "--max-bead", "3", "--skip-cost", "0.5", "--window-slack", "inf",
            "--no-cache")
    assert r.exit_code == 130, r.output
    cfg = seen["config"]
    assert (cfg.t2s, cfg.max_bead, cfg.skip_cost, cfg.window_slack) == (False, 3, 0.5, float("inf"))
