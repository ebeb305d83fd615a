"""``--model NAME`` from models.txt that is not on disk: refused with how to get it, unless the user allows a
download (``--allow-download`` / ``ALIGNER_ALLOW_DOWNLOAD=1``) and ``HF_HUB_OFFLINE`` does not forbid it.

The download itself needs the network, which tests do not have: it is sentence-transformers' own
``SentenceTransformer(hub_id)``, checked here with a stand-in for that class.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.cli import app
from aligner.embed import SentenceTransformerEncoder, _download, get_encoder, known_models
from aligner.errors import ModelError


@pytest.fixture
def no_model(monkeypatch, tmp_path):
    """An empty Hugging Face cache, no permission in the environment, not offline."""
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.delenv("ALIGNER_ALLOW_DOWNLOAD", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return tmp_path


def test_labse_is_a_fetch_model():
    info = known_models()["labse"]  # models.txt
    assert (info.backend, info.offline, info.source) == ("sentence-transformers", False, "sentence-transformers/LaBSE")


def test_refused_without_permission(no_model):
    with pytest.raises(ModelError) as e:
        get_encoder("labse")
    msg = str(e.value)
    assert "is not on disk" in msg and "--allow-download" in msg and "ALIGNER_ALLOW_DOWNLOAD=1" in msg
    assert "huggingface-cli download sentence-transformers/LaBSE" in msg and str(no_model / "hf") in msg


@pytest.mark.parametrize("installed", [True, False])
def test_refusal_names_the_missing_backend_too(no_model, monkeypatch, installed):
    """A new user (0.3.11): without sentence-transformers the first message said only 'rerun with
    --allow-download', and the rerun then asked for the extra. Both come at once now, and only when missing."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: (
        real(name, *a) if name != "sentence_transformers" else (object() if installed else None)))
    with pytest.raises(ModelError) as e:
        get_encoder("labse")
    assert ("pip install -e '.[st]'" in str(e.value)) is not installed


@pytest.mark.parametrize("value", ["1", "true", "YES"])
def test_offline_refuses_even_with_permission(no_model, monkeypatch, value):
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    with pytest.raises(ModelError, match="HF_HUB_OFFLINE is set, so it cannot be downloaded"):
        get_encoder("labse", allow_download=True)


@pytest.mark.parametrize("how", ["flag", "env"])
def test_permission_gives_a_download_encoder_loading_nothing(no_model, monkeypatch, how):
    if how == "env":
        monkeypatch.setenv("ALIGNER_ALLOW_DOWNLOAD", "1")
    enc = get_encoder("labse", allow_download=(how == "flag"))
    assert isinstance(enc, SentenceTransformerEncoder)
    assert (enc.name, enc.path, enc.download) == ("labse", "sentence-transformers/LaBSE", True)
    assert enc._model is None  # nothing fetched until the first encode


@pytest.mark.parametrize("value", ["0", "", "no"])
def test_env_values_that_do_not_allow(no_model, monkeypatch, value):
    monkeypatch.setenv("ALIGNER_ALLOW_DOWNLOAD", value)
    with pytest.raises(ModelError, match="is not on disk"):
        get_encoder("labse")


def test_unlisted_name_never_downloaded_even_with_permission(no_model):
    with pytest.raises(ModelError, match="never downloads a name models.txt does not list"):
        get_encoder("someone/some-model", allow_download=True)


def test_cached_model_is_used_without_permission(no_model):
    snap = no_model / "hf" / "models--sentence-transformers--LaBSE" / "snapshots" / "abc"
    snap.mkdir(parents=True)
    enc = get_encoder("labse")
    assert (Path(enc.path), enc.download) == (snap, False)


def test_download_is_sentence_transformers_own_call():
    calls = []

    class FakeST:
        def __init__(self, name, device=None, **kw):
            calls.append((name, device, kw))

    _download(FakeST, "labse", "sentence-transformers/LaBSE", None)
    assert calls == [("sentence-transformers/LaBSE", "cpu", {})]  # its default cache, not local_files_only

    class NoNetwork:
        def __init__(self, *a, **kw):
            raise OSError("We couldn't connect to 'https://huggingface.co'")

    with pytest.raises(ModelError, match=r"cannot download model 'labse' \(sentence-transformers/LaBSE\): "
                                         r"OSError: We couldn't connect.*huggingface-cli download"):
        _download(NoNetwork, "labse", "sentence-transformers/LaBSE", None)


@pytest.mark.parametrize("command", ["align", "check"])
@pytest.mark.parametrize("extra,env,message", [
    ([], {}, "Rerun with --allow-download"),
    (["--allow-download"], {"HF_HUB_OFFLINE": "1"}, "HF_HUB_OFFLINE is set"),
])
def test_cli_exit_4_with_how_to_get_it(no_model, monkeypatch, command, extra, env, message):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    src, tgt = no_model / "a.zh.txt", no_model / "a.en.txt"
    src.write_text("今天天气很好。\n", encoding="utf-8")
    tgt.write_text("The weather is fine today.\n", encoding="utf-8")
    out = no_model / "out.tsv"
    args = [command, str(src), str(tgt), "--model", "labse", *extra] + (["-o", str(out)] if command == "align" else [])
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 4, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: model 'labse'") and message in lines[0]
    assert not out.exists()
