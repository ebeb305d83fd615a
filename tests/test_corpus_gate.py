"""The corpus manifest (aligner.corpus) and the gate's verdicts (aligner.gate) on the seeds."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from aligner.config import AlignConfig
from aligner.corpus import add_document, changed_entries, load_manifest, parse_manifest, validate
from aligner.data import Bead
from aligner.errors import InputError
from aligner.gate import ANCHOR_MIN, LIFT_MIN, check_corpus, evidence, judge, overall_exit
from aligner.read import read_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _entry(**kw) -> dict:
    d = {"id": "x", "files": ["a.txt"], "languages": ["zh", "en"], "layout": "blocks", "status": ["bilingual"]}
    d.update(kw)
    return d


def _manifest(*entries) -> str:
    return json.dumps({"aligner_corpus": 1, "documents": list(entries)})


# ---------------------------------------------------------------------------
# manifest
# ---------------------------------------------------------------------------
def test_project_manifest_is_consistent():
    m = load_manifest(CORPUS)
    assert {e.id for e in m.entries} >= {"000", "001", "002", "003", "004", "neg-001-003"}
    assert validate(m) == []
    assert m.get("001").damaged and m.get("001").expected_verdict == "monolingual"
    assert m.get("004").date == "2022-01-12" and m.get("004").publisher == "China Military Online"
    assert m.get("neg-001-003").expected_verdict == "not-parallel"


@pytest.mark.parametrize("bad, why", [
    (_entry(status=["bilingual", "mixed"]), "exactly one"),
    (_entry(status=["parallel"]), "exactly one"),
    (_entry(layout="pair"), "pair"),
    (_entry(files=["../x.txt"]), "inside the corpus"),
    (_entry(languages=["fr"]), "zh and/or en"),
    (_entry(date="12/01/2022"), "YYYY"),
    (_entry(date="2024-13-45"), "YYYY"),  # red team (stop 22): passed validate as "consistent"
    (_entry(date="2024-02-30"), "YYYY"),
    (_entry(id="a b"), "'id'"),
])
def test_manifest_rejects_bad_entries(tmp_path, bad, why):
    with pytest.raises(InputError, match=why):
        parse_manifest(_manifest(bad), tmp_path / "manifest.json")


def test_manifest_with_a_byte_order_mark_is_read(tmp_path):
    # red team (stop 22): a manifest saved by Notepad was refused ("Unexpected UTF-8 BOM"); review files were read
    (tmp_path / "manifest.json").write_bytes(b"\xef\xbb\xbf" + _manifest(_entry()).encode())
    assert len(load_manifest(tmp_path).entries) == 1


def test_manifest_rejects_duplicates_and_wrong_format(tmp_path):
    with pytest.raises(InputError, match="duplicate"):
        parse_manifest(_manifest(_entry(), _entry()), tmp_path / "manifest.json")
    with pytest.raises(InputError, match="not an aligner corpus manifest"):
        parse_manifest('{"documents": []}', tmp_path / "manifest.json")
    with pytest.raises(InputError, match="no corpus manifest"):
        load_manifest(tmp_path)


def test_add_document_detects_layout_and_copies(tmp_path, seed):
    e = add_document(tmp_path, [seed("004")], entry_id="004", title="t", publisher="p", date="2022-01-12")
    assert (e.layout, e.status, e.languages) == ("alternating", ("bilingual",), ("zh", "en"))
    assert (tmp_path / seed("004").name).is_file()
    e1 = add_document(tmp_path, [seed("001")], entry_id="001", status=["zh-only", "damaged"])
    assert e1.layout == "zh-only" and e1.damaged
    m = load_manifest(tmp_path / "manifest.json")
    assert [x.id for x in m.entries] == ["004", "001"] and validate(m) == []
    with pytest.raises(InputError, match="already exists"):
        add_document(tmp_path, [seed("003")], entry_id="004")
    assert not (tmp_path / seed("003").name).exists()  # nothing copied when the entry is refused


def test_validate_finds_wrong_layout_and_missing_files(tmp_path, seed):
    shutil.copyfile(seed("001"), tmp_path / "a.txt")
    (tmp_path / "manifest.json").write_text(_manifest(_entry(), _entry(id="y", files=["gone.txt"])))
    problems = validate(load_manifest(tmp_path))
    assert any("reads as 'zh-only'" in p for p in problems)
    assert any("gone.txt does not exist" in p for p in problems)


def test_changed_since_git_ref(tmp_path, seed):
    if shutil.which("git") is None:
        pytest.skip("git not installed")

    def git(*a):
        subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    add_document(tmp_path, [seed("001")], entry_id="001")
    add_document(tmp_path, [seed("003")], entry_id="003")
    git("add", "-A")
    git("commit", "-qm", "one")
    m = load_manifest(tmp_path)
    assert changed_entries(m, "HEAD") == ()
    with open(tmp_path / seed("003").name, "a", encoding="utf-8") as fh:
        fh.write("\nOne more line.\n")
    add_document(tmp_path, [seed("004")], entry_id="004")
    m = load_manifest(tmp_path)
    assert {e.id for e in changed_entries(m, "HEAD")} == {"003", "004"}
    with pytest.raises(InputError, match="git"):
        changed_entries(m, "no-such-ref")


# ---------------------------------------------------------------------------
# evidence (no model)
# ---------------------------------------------------------------------------
def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_evidence_separates_translation_from_random_vectors():
    rng = np.random.default_rng(1)
    S = _unit(rng.normal(size=(40, 64)))
    T = _unit(S + 0.05 * rng.normal(size=S.shape))  # a "translation": noisy copies
    beads = [Bead((i,), (i,), float(S[i] @ T[i])) for i in range(40)]
    ev = evidence(beads, S, T)
    assert ev.parallel and ev.anchored_coverage > 0.9 and ev.lift > 2
    R = _unit(rng.normal(size=(40, 64)))  # unrelated
    beads_r = [Bead((i,), (i,), float(S[i] @ R[i])) for i in range(40)]
    ev_r = evidence(beads_r, S, R)
    assert not ev_r.parallel and ev_r.anchored_coverage < ANCHOR_MIN and ev_r.lift < LIFT_MIN


def test_evidence_of_a_short_text_on_one_subject_is_parallel(monkeypatch):
    """New-user check (stop 26): in a short text on one subject the sentence next door shares its words, so the
    pairs from neighbouring beads alone made the 99th percentile of chance and a faithful translation "not
    parallel". Hand-made: 12 sentences, each about half its own direction and half its neighbour's, translated
    with noise (bead cosines ~0.4); chance pairs now come from beads more than ``NULL_NEIGHBOURS`` apart."""
    import aligner.gate as G

    rng = np.random.default_rng(3)
    own = _unit(rng.normal(size=(13, 64)))
    S = _unit(own[:12] + 0.9 * own[1:13])  # sentence k shares a direction with k + 1
    T = _unit(S + 2.5 * rng.normal(size=S.shape) / 8)
    beads = [Bead((i,), (i,), float(S[i] @ T[i])) for i in range(12)]
    ev = evidence(beads, S, T)
    assert ev.parallel, ev
    monkeypatch.setattr(G, "NULL_MIN_PAIRS", 10 ** 9)  # every pair outside a common bead, as before
    before = evidence(beads, S, T)
    assert not before.parallel and before.lift < LIFT_MIN <= ev.lift, (before, ev)


@pytest.mark.slow
def test_genesis_and_a_psalm_a_line_each_are_parallel(tmp_path, monkeypatch):
    """The new user's pair (Traditional Genesis 1:1-8 and Psalm 3:1-2 against the KJV, one sentence a line,
    --presplit): lift 0.96 before the neighbouring beads left the chance pairs, so `check` said not-parallel."""
    from aligner.api import align_texts

    zh = ["起初，神創造天地。", "地是空虛混沌，淵面黑暗；神的靈運行在水面上。", "神說：「要有光」，就有了光。",
          "神看光是好的，就把光暗分開了。", "神說：「諸水之間要有空氣，將水分為上下。」",
          "神就造出空氣，將空氣以下的水、空氣以上的水分開了。", "事就這樣成了。", "神稱空氣為天。", "（大卫的诗，交与伶长。",
          "）耶和华啊，我的敌人何其加增！", "起來攻擊我的甚多。", "有許多人議論我說：「他得不著神的幫助。」"]
    en = ["In the beginning God created the heaven and the earth.",
          "And the earth was without form, and void; and darkness was upon the face of the deep. "
          "And the Spirit of God moved upon the face of the waters.",
          "And God said, Let there be light: and there was light.",
          "And God saw the light, that it was good: and God divided the light from the darkness.",
          "And God said, Let there be a firmament in the midst of the waters, and let it divide the waters from "
          "the waters.",
          "And God made the firmament, and divided the waters which were under the firmament from the waters "
          "which were above the firmament: and it was so.",
          "And God called the firmament Heaven.", "(A Psalm of David, to the chief Musician.)",
          "LORD, how are they increased that trouble me!", "Many are they that rise up against me.",
          "Many there be which say of my soul, There is no help for him in God."]
    al = align_texts(zh, en, config=AlignConfig(cache_dir=tmp_path))
    ev = evidence(al.beads, al.meta["src_vecs"], al.meta["tgt_vecs"])
    assert ev.parallel and ev.lift > 1.2, ev  # measured 1.37
    import aligner.gate as G

    monkeypatch.setattr(G, "NULL_MIN_PAIRS", 10 ** 9)  # every pair outside a common bead, as before
    assert evidence(al.beads, al.meta["src_vecs"], al.meta["tgt_vecs"]).lift < LIFT_MIN  # measured 0.965


def test_evidence_of_a_text_with_a_chorus_is_parallel():
    """Red team (stop 22): six verse lines and a two-line chorus sung six times, every line translated:
    the repeats made chance pairs out of true ones (lift 0.85) and only a chorus's first time was a mutual
    nearest neighbour; the gate said not parallel (exit 2)."""
    rng = np.random.default_rng(2)
    verse, chorus = _unit(rng.normal(size=(6, 64))), _unit(rng.normal(size=(2, 64)))
    S = np.concatenate([np.concatenate([verse[k:k + 1], chorus]) for k in range(6)])  # v0 c0 c1 v1 c0 c1 ...
    T = _unit(S + 0.05 * np.repeat(rng.normal(size=(1, 64)), len(S), 0))  # each line's translation, repeats alike
    beads = [Bead((i,), (i,), float(S[i] @ T[i])) for i in range(len(S))]
    ev = evidence(beads, S, T)
    assert ev.parallel and ev.anchored_coverage == 1.0, ev


# ---------------------------------------------------------------------------
# verdicts on the seeds (real embeddings)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cfg(cache_dir) -> AlignConfig:
    return replace(AlignConfig(), cache_dir=cache_dir)


@pytest.fixture(scope="module")
def embedder(cfg):
    from aligner.embed import Embedder, get_encoder

    return Embedder(get_encoder(cfg.model), cfg)


def _one_language(src: Path, lang: str, dest: Path) -> Path:
    """Write one language of a bilingual seed to ``dest`` (one paragraph per line)."""
    lay = read_document(src)
    text = lay.zh if lang == "zh" else lay.en
    dest.write_text("\n".join(p.text for p in text.paragraphs) + "\n", encoding="utf-8")
    return dest


@pytest.mark.slow  # real model, end to end
def test_seed_004_is_parallel(seed, cfg, embedder):
    v = judge([seed("004")], config=cfg, embedder=embedder)
    assert v.verdict == "parallel" and v.exit_code == 0, v.reason
    assert v.evidence.anchored_coverage >= 0.7 and v.evidence.lift >= 1.3
    assert v.summary["coverage"]["src"] >= 90 and v.summary["coverage"]["tgt"] >= 70


@pytest.mark.slow  # real model, end to end
def test_seed_001_vs_003_is_not_parallel(seed, cfg, embedder):
    v = judge([seed("001"), seed("003")], config=cfg, embedder=embedder)
    assert v.verdict == "not-parallel" and v.exit_code == 2
    assert v.evidence.anchored_coverage < 0.15 and v.evidence.lift < 0.8


@pytest.mark.parametrize("zh, en", [("004", "000"), ("000", "004"), ("001", "004")])
@pytest.mark.slow  # real model, end to end
def test_unrelated_pairs_are_not_parallel(tmp_path, seed, cfg, embedder, zh, en):
    a = _one_language(seed(zh), "zh", tmp_path / f"{zh}.zh.txt") if zh != "001" else seed(zh)
    b = _one_language(seed(en), "en", tmp_path / f"{en}.en.txt")
    v = judge([a, b], config=cfg, embedder=embedder)
    assert v.verdict == "not-parallel", v.reason
    assert v.evidence.anchored_coverage < ANCHOR_MIN / 2 and v.evidence.lift < LIFT_MIN - 0.1


@pytest.mark.slow  # real model, end to end
def test_split_seed_004_is_parallel_as_a_pair(tmp_path, seed, cfg, embedder):
    a = _one_language(seed("004"), "zh", tmp_path / "004.zh.txt")
    b = _one_language(seed("004"), "en", tmp_path / "004.en.txt")
    v = judge([a, b], config=cfg, embedder=embedder)
    assert v.verdict == "parallel" and v.layout == "pair", v.reason


@pytest.mark.slow  # real model, end to end
def test_seed_002_is_mixed_and_001_monolingual_with_damage(seed, cfg, embedder):
    v = judge([seed("002")], config=cfg, embedder=embedder)
    assert v.verdict == "mixed" and v.exit_code == 2 and v.gated == "damage"
    assert v.summary["by_code"].get("damage", 0) >= 1
    m = judge([seed("001")], config=cfg, embedder=embedder)
    assert m.verdict == "monolingual" and m.exit_code == 2
    assert m.summary["by_code"]["damage"] >= 3  # glued dates and the cut-off end
    assert m.expected is None and "Chinese only" in m.reason


@pytest.mark.slow  # real model, end to end
def test_mislabelled_pair_fails_the_gate(tmp_path, seed, cfg, embedder):
    """A pair of unrelated articles declared bilingual: the corpus gate fails it (exit 2)."""
    e = add_document(tmp_path, [seed("001"), seed("003")], entry_id="bad-pair", title="mislabelled")
    assert e.status == ("bilingual",) and e.layout == "pair"
    add_document(tmp_path, [seed("004")], entry_id="004")
    m = load_manifest(tmp_path)
    verdicts = check_corpus(m, config=cfg, embedder=embedder)
    by = {v.name: v for v in verdicts}
    assert by["bad-pair"].verdict == "not-parallel" and by["bad-pair"].expected == "parallel"
    assert by["bad-pair"].exit_code == 2 and not by["bad-pair"].as_expected
    assert by["004"].exit_code == 0
    assert overall_exit(verdicts) == 2


def test_entry_with_missing_file_is_an_input_error(tmp_path, cfg, embedder):
    (tmp_path / "manifest.json").write_text(_manifest(_entry(files=["gone.txt"])))
    [v] = check_corpus(load_manifest(tmp_path), config=cfg, embedder=embedder)
    assert v.verdict == "error" and v.exit_code == 3 and "does not exist" in v.reason
