"""Batch alignment of a corpus: a local process pool, or a Dask distributed cluster; resumable.

``run_batch(manifest_or_dir, outdir, ...)`` aligns every ``bilingual`` entry
of a corpus manifest (``aligner.corpus``) into ``OUTDIR/<id>.tsv``.

Resuming (``aligner.stamps``): each output gets a stamp ``OUTDIR/<id>.tsv.done``
holding the key of its inputs and signature and the TSV's sha256; an entry is
skipped when both still hold, and redone otherwise. An output is written
atomically and its stamp after it, so a killed run leaves each output complete
or absent. An output edited by hand since is kept as ``<id>.tsv.bak`` first,
with a warning (issue 15).

Outputs are written by the calling process, not the workers: workers (local
processes or Dask workers) read the inputs by absolute path and send the
TSV text back, so Dask workers need the inputs on a shared path but not a
writable output directory.

Stopping: a Ctrl-C or SIGTERM in the calling process cancels what has not
started and terminates the workers at once (finished outputs stay); workers
ignore Ctrl-C themselves (the terminal sends it to every process of the
group: the caller decides) and exit on their own when the calling process
dies without cleaning up (SIGKILL): each watches its parent's pid.

Each worker loads the encoder once: a process-global ``Embedder`` in the
pool's initializer; on Dask a worker-local one kept on the
``distributed.Worker`` object (``get_worker()``), reused by every task that
worker runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .config import AlignConfig, set_gc_threshold
from .errors import AlignerError, InputError
from .inputs import refuse_output_over_input, regular_file, resolved
from .stamps import clean_partials, finish_output, job_key, stamp_path, up_to_date

log = logging.getLogger(__name__)

#: Progress callback (stage, done, total).
Progress = Callable[[str, int, int], None]
#: How often a worker checks that its parent is alive (s): an orphan (parent SIGKILLed) exits within this.
PARENT_POLL_SECONDS = 0.5
#: Seconds past ``DASK_CONNECT_TIMEOUT`` a connected peer gets to complete Dask's handshake.
DASK_HANDSHAKE_GRACE = 3.0
#: How long terminated workers get to exit before SIGKILL (s).
WORKER_STOP_SECONDS = 2.0
#: Exit status of a worker that found its parent gone.
EXIT_ORPHANED = 1


@dataclass(frozen=True)
class Job:
    """One entry to align: absolute input paths, the output path, its up-to-date key."""

    id: str
    paths: tuple[str, ...]
    output: str
    key: str
    src_lang: str | None = None
    presplit: bool = False


@dataclass(frozen=True)
class JobResult:
    """What happened to one entry. ``status``: ``done``, ``skipped`` (up to date) or ``failed``.

    ``seconds``: wall time in the worker (0 when skipped); ``worker``: who ran
    it (process id, or Dask worker address); ``embedder``: id of the worker's
    Embedder object (one per worker when the encoder is loaded once).
    """

    id: str
    status: str
    seconds: float = 0.0
    src_sentences: int = 0
    tgt_sentences: int = 0
    beads: int = 0
    error: str | None = None
    exit_code: int = 0
    worker: str = ""
    embedder: int = 0
    backup: str | None = None  #: where a hand-edited earlier output was kept (``<id>.tsv.bak``)


@dataclass(frozen=True)
class BatchSummary:
    """A whole run: per-entry results, wall time (s) and throughput (aligned pairs per minute)."""

    results: tuple[JobResult, ...]
    seconds: float
    workers: int
    scheduler: str | None = None
    counts: dict = field(default_factory=dict)
    #: Manifest entries left out because they are not bilingual: (id, kind) in manifest order.
    not_bilingual: tuple[tuple[str, str], ...] = ()

    @property
    def documents_per_minute(self) -> float:
        """Documents (entries) aligned per minute of wall time."""
        done = self.counts.get("done", 0)
        return 60.0 * done / self.seconds if self.seconds > 0 else 0.0

    #: The old name: each entry is a document (a pair of texts), not a sentence pair.
    pairs_per_minute = documents_per_minute

    @property
    def exit_code(self) -> int:
        return max((r.exit_code for r in self.results), default=0)


# --------------------------------------------------------------------------
# planning and stamps
# --------------------------------------------------------------------------
def plan(manifest_or_dir: str | Path, outdir: str | Path, *, config: AlignConfig = AlignConfig(),
         presplit: bool = False) -> list[Job]:
    """One ``Job`` per bilingual entry of the manifest (in manifest order)."""
    return plan_all(manifest_or_dir, outdir, config=config, presplit=presplit)[0]


def plan_all(manifest_or_dir: str | Path, outdir: str | Path, *, config: AlignConfig = AlignConfig(),
             presplit: bool = False) -> tuple[list[Job], tuple[tuple[str, str], ...]]:
    """``plan``'s jobs, and the (id, kind) of the entries left out because they are not bilingual."""
    from .corpus import load_manifest
    from .embed import get_encoder
    from .pipeline import signature

    manifest = load_manifest(manifest_or_dir)
    sig = signature(config, get_encoder(config.model, allow_download=config.allow_download).name, presplit)
    out = Path(outdir)
    listed = [manifest.path] + [p for e in manifest.entries
                                for p in (*e.paths, e.alignment_path, e.review_path) if p is not None]
    jobs = []
    left_out = tuple((e.id, e.kind) for e in manifest.entries if e.kind != "bilingual")
    for e in manifest.entries:
        if e.kind != "bilingual":
            continue
        paths = tuple(str(resolved(p)) for p in e.paths)
        for p in paths:
            try:
                regular_file(p)  # missing, a FIFO or device: refused before any work
            except InputError as err:
                why = str(err).removeprefix(f"{p}: ").replace("no such file", "file does not exist")
                raise InputError(f"entry {e.id}: {why}", path=p) from None
        src_lang = e.languages[0] if len(paths) == 2 else None
        # -o corpus/aligned would overwrite the reviewed alignments the manifest lists
        refuse_output_over_input(out / f"{e.id}.tsv", listed, "give another --output-dir")
        for target in (out / f"{e.id}.tsv", stamp_path(out / f"{e.id}.tsv")):
            _refuse_non_file_output(target)
        jobs.append(Job(e.id, paths, str((out / f"{e.id}.tsv").resolve()), job_key(paths, sig, src_lang),
                        src_lang, presplit))
    return jobs, left_out


def _refuse_non_file_output(target: Path) -> None:
    """``OutputError`` before any work when an output path is a FIFO, directory or device: writing
    through a FIFO blocked the batch forever; a directory failed it midway (exit 5)."""
    from .errors import OutputError
    from .inputs import kind_problem

    try:
        mode = os.stat(target).st_mode
    except OSError:  # absent (the usual case), or a dangling link: written as a new file
        return
    why = kind_problem(mode)
    if why:
        raise OutputError(f"{why}; batch writes its outputs as files (remove it, or give another --output-dir)",
                          path=str(target))


# --------------------------------------------------------------------------
# the work (runs in a worker)
# --------------------------------------------------------------------------
_EMBEDDER = None
#: The worker's CC-CEDICT ``Lexicon``, one for all its documents (as the Embedder): a new one per document
#: reloaded its tables, and each finished one (it and its matcher refer to each other) waited for a full
#: collection, so a long batch held several (red team: 8 at the command line's collector threshold).
_LEXICON = None


def _make_embedder(config: AlignConfig, threads: int | None):
    from .embed import Embedder, get_encoder

    enc = get_encoder(config.model, allow_download=config.allow_download)
    if threads and hasattr(enc, "threads"):
        enc.threads = threads  # before the lazy load: one BLAS/ONNX thread pool per worker, not oversubscribed
    return Embedder(enc, config)


def _watch_parent(parent: int) -> None:
    """Exit this worker process when ``parent`` is no longer its parent (it died; we were re-parented)."""
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(EXIT_ORPHANED)


class _OrphanQuiet:
    """A worker's stderr that writes nothing once the worker is an orphan.

    A worker that finishes an entry just after its parent was killed fails to send the result back
    (BrokenPipeError) and multiprocessing prints that traceback before the parent watch exits the
    process: nobody reads it, and on the user's terminal it reads like a crash of ``aligner``.
    """

    def __init__(self, stream, parent: int) -> None:
        self._stream, self._parent = stream, parent

    def write(self, text: str) -> int:
        if self._stream is None or os.getppid() != self._parent:  # None: Python started with stderr closed
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _init_worker(config: AlignConfig, threads: int | None, log_level: int, parent: int | None = None) -> None:
    global _EMBEDDER, _LEXICON
    # Ctrl-C goes to the whole process group: the parent cancels and terminates; no traceback from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # blocked by _signals_blocked while the parent spawned us
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if parent is not None:
        if os.getppid() != parent:
            os._exit(EXIT_ORPHANED)
        sys.stderr = _OrphanQuiet(sys.stderr, parent)  # before logging binds its handler to it
        threading.Thread(target=_watch_parent, args=(parent,), name="aligner-parent-watch", daemon=True).start()
    logging.basicConfig(level=log_level, format="aligner: %(levelname)s: %(message)s")
    set_gc_threshold()  # a process of our own: as the command line does
    _EMBEDDER = _make_embedder(config, threads)
    _LEXICON = _make_lexicon()


@contextlib.contextmanager
def _signals_blocked():
    """Block SIGINT and SIGTERM while worker processes are spawned.

    A spawned worker inherits the signal mask, so a Ctrl-C that arrives before
    its initializer ignores SIGINT waits instead of printing a traceback from
    the worker; this process gets any such signal when the mask is restored.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    # The mask is per thread: a signal can still reach another thread of this process, and Python then runs
    # its handler in the main thread, inside the spawn, leaving a worker with half its start-up data (an
    # EOFError traceback from the worker). Record such a signal and deliver it once the workers are up.
    got: list[int] = []
    sigs = (signal.SIGINT, signal.SIGTERM)
    handlers = {s: signal.signal(s, lambda n, _f: got.append(n)) for s in sigs}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, set(sigs))
    try:
        yield
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        for n in dict.fromkeys(got):
            signal.raise_signal(n)


def _stop_pool(pool: ProcessPoolExecutor, pending) -> None:
    """Cancel what has not started and terminate the workers now (not after their current entry)."""
    for f in pending:
        f.cancel()
    procs = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown() forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + WORKER_STOP_SECONDS
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1.0)
    # The pool's manager thread sees its workers gone and closes its wake-up pipe; if that races
    # with concurrent.futures' exit hook writing to the pipe (3.11 checks, then writes, unlocked):
    # "Exception ignored ... OSError: Bad file descriptor" and a traceback on stderr after our
    # one-line message (flaky test_t81[t82]). Once the thread has ended, the hook skips the pipe.
    if manager is not None:
        manager.join(WORKER_STOP_SECONDS)


def _make_lexicon():
    from .qa import Lexicon

    return Lexicon()


def align_job(job: Job, config: AlignConfig, embedder, lexicon=None) -> tuple[str | None, JobResult]:
    """Align one job with ``embedder`` and ``lexicon`` (a ``qa.Lexicon`` kept across a worker's jobs; a new one
    when None): (TSV text, result); errors become a ``failed`` result."""
    from .pipeline import align_files
    from .report.tsv import to_tsv

    t0 = time.perf_counter()
    try:
        al = align_files(job.paths, config=config, src_lang=job.src_lang, presplit_input=job.presplit,
                         embedder=embedder, lexicon=lexicon)
        tsv = to_tsv(al)
    except AlignerError as e:
        return None, JobResult(job.id, "failed", time.perf_counter() - t0, error=str(e), exit_code=e.exit_code,
                               worker=str(os.getpid()), embedder=id(embedder))
    except Exception as e:  # a bug: report it for this entry, keep the batch going
        log.exception("entry %s", job.id)
        return None, JobResult(job.id, "failed", time.perf_counter() - t0, error=f"{type(e).__name__}: {e}",
                               exit_code=70, worker=str(os.getpid()), embedder=id(embedder))
    return tsv, JobResult(job.id, "done", time.perf_counter() - t0, len(al.src), len(al.tgt), len(al.beads),
                          worker=str(os.getpid()), embedder=id(embedder))


def _pool_task(job: Job, config: AlignConfig):
    return align_job(job, config, _EMBEDDER, _LEXICON)


def _dask_task(job: Job, config: AlignConfig, threads: int | None):
    """Run on a Dask worker: the Embedder is cached on the worker object, loaded once per worker."""
    from distributed import get_worker

    w = get_worker()
    cache = getattr(w, "_aligner_embedders", None)
    if cache is None:
        cache = {}
        w._aligner_embedders = cache
    k = (config.model, str(config.cache_dir), config.t2s, config.embed_batch)
    if k not in cache:
        cache[k] = _make_embedder(config, threads)
    lexicon = getattr(w, "_aligner_lexicon", None)
    if lexicon is None:
        lexicon = w._aligner_lexicon = _make_lexicon()
    tsv, res = align_job(job, config, cache[k], lexicon)
    return tsv, JobResult(**{**res.__dict__, "worker": str(w.address)})


# --------------------------------------------------------------------------
# runners
# --------------------------------------------------------------------------
def run_batch(
    manifest_or_dir: str | Path,
    outdir: str | Path,
    *,
    config: AlignConfig = AlignConfig(),
    workers: int | None = None,
    scheduler: str | None = None,
    client=None,
    force: bool = False,
    presplit: bool = False,
    progress: Progress | None = None,
) -> BatchSummary:
    """Align every bilingual entry into ``outdir`` (created), skipping up-to-date outputs.

    ``workers``: local processes (default: CPU count; 1 runs in this process).
    ``scheduler``: a Dask scheduler address (``tcp://host:port``) or ``client``
    a ``distributed.Client``: the same work on a cluster. ``force`` redoes
    up-to-date entries. Failed entries are reported in the summary, not raised.
    """
    t0 = time.perf_counter()
    out = Path(outdir)
    # the corpus is read and checked first: a missing manifest or entry leaves no output directory behind
    jobs, not_bilingual = plan_all(manifest_or_dir, out, config=config, presplit=presplit)
    made = _make_outdir(out)
    try:
        return _run_batch(out, jobs, not_bilingual, t0, config=config, workers=workers, scheduler=scheduler,
                          client=client, force=force, progress=progress)
    except BaseException:
        for d in made:  # nothing written (a scheduler that does not answer, Ctrl-C before any entry): no folder
            try:
                d.rmdir()  # only if still empty
            except OSError:
                break
        raise


def _make_outdir(out: Path) -> list[Path]:
    """Create ``out`` (and missing parents); the directories this created, deepest first (``OutputError``
    when it cannot)."""
    made = []
    p = out
    try:
        while not p.exists() and p != p.parent:  # exists() raises for a name too long (ENAMETOOLONG)
            made.append(p)
            p = p.parent
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        from .errors import OutputError

        raise OutputError(f"cannot create output directory: {e.strerror or e}", path=str(out)) from None
    return made


def _run_batch(out: Path, jobs, not_bilingual, t0: float, *, config: AlignConfig, workers, scheduler, client,
               force: bool, progress) -> BatchSummary:
    """``run_batch`` once the jobs are planned and ``out`` exists."""
    clean_partials(out)
    results: list[JobResult] = []
    todo = []
    for j in jobs:
        if not force and up_to_date(j):
            results.append(JobResult(j.id, "skipped"))
        else:
            todo.append(j)
    log.info("%d entries: %d up to date, %d to align", len(jobs), len(jobs) - len(todo), len(todo))
    total = len(jobs)
    done = len(results)
    if progress:
        progress("align", done, total)
    ncpu = os.cpu_count() or 1
    nworkers = max(1, workers or ncpu)

    def collect(job: Job, tsv: str | None, res: JobResult) -> None:
        nonlocal done
        if tsv is not None:
            backup = finish_output(job, tsv)
            if backup:
                res = JobResult(**{**res.__dict__, "backup": backup})
        elif res.status == "failed":  # INFO: the CLI prints each failure once, at the end (was twice)
            log.info("%s failed: %s", job.id, res.error)
        results.append(res)
        done += 1
        if progress:
            progress("align", done, total)

    if todo and (scheduler or client is not None):
        nworkers = _run_dask(todo, config, scheduler, client, collect)
    elif todo and nworkers == 1:
        emb, lex = _make_embedder(config, None), _make_lexicon()
        for j in todo:
            collect(j, *align_job(j, config, emb, lex))
    elif todo:
        import multiprocessing as mp

        threads = max(1, ncpu // nworkers)
        pool = ProcessPoolExecutor(max_workers=min(nworkers, len(todo)), mp_context=mp.get_context("spawn"),
                                   initializer=_init_worker,
                                   initargs=(config, threads, logging.getLogger("aligner").getEffectiveLevel(),
                                             os.getpid()))
        pending: dict = {}
        try:
            with _signals_blocked():  # workers are spawned by submit
                pending = {pool.submit(_pool_task, j, config): j for j in todo}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    j = pending.pop(f)
                    collect(j, *f.result())
        except BrokenProcessPool:  # a worker was killed (the OOM killer, kill -9): not a bug of ours
            _stop_pool(pool, pending)
            from .errors import WorkerLostError

            raise WorkerLostError(f"a worker process died abruptly (killed by the system: out of memory?); "
                                  f"finished outputs kept in {out}; rerun to do the rest, or lower --workers"
                                  ) from None
        except BaseException:  # Ctrl-C, SIGTERM, an output error: stop now, keep what is finished
            _stop_pool(pool, pending)
            raise
        pool.shutdown(wait=True)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("done", "skipped", "failed")}
    order = {j.id: i for i, j in enumerate(jobs)}
    results.sort(key=lambda r: order.get(r.id, 0))
    return BatchSummary(tuple(results), time.perf_counter() - t0, nworkers, scheduler, counts, not_bilingual)


def _connect(Client, scheduler: str | None):
    """A ``distributed.Client`` on ``scheduler``, or: ``InputError`` (3) for an address that is not one,
    ``SchedulerError`` (4) when nothing answers as a Dask scheduler within ``DASK_CONNECT_TIMEOUT``.

    The connection and a first ``scheduler_info()`` run in a daemon thread with a deadline: a peer that
    accepts the TCP connection but never speaks Dask's protocol (an HTTP server, a bare listener on a
    mistyped port) made ``Client`` wait forever, whatever its ``timeout``.
    """
    import threading

    from .config import DASK_CONNECT_TIMEOUT
    from .errors import SchedulerError

    got: dict = {}

    def connect() -> None:
        try:
            got["client"] = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT)
            got["client"].scheduler_info()
        except BaseException as e:  # handed to the caller's thread
            got["error"] = e

    t = threading.Thread(target=connect, name="aligner-dask-connect", daemon=True)
    t.start()
    t.join(DASK_CONNECT_TIMEOUT + DASK_HANDSHAKE_GRACE)
    if t.is_alive():  # connected, but no Dask handshake: left behind (daemon), the run stops here
        raise SchedulerError(f"{scheduler} does not answer as a Dask scheduler within "
                             f"{DASK_CONNECT_TIMEOUT + DASK_HANDSHAKE_GRACE:g} s; is the address right?")
    e = got.get("error")
    if e is None:
        return got["client"]
    if isinstance(e, ValueError):  # distributed's address parser: "missing port number in address 'x'"
        raise InputError(f"--scheduler {scheduler!r} is not a scheduler address like tcp://HOST:8786 ({e})") from None
    if isinstance(e, (OSError, TimeoutError)):  # refused, no such host, no answer in time
        raise SchedulerError(f"cannot reach the Dask scheduler {scheduler} within {DASK_CONNECT_TIMEOUT:g} s "
                             f"({e}); is it running, and is the address right?") from None
    if isinstance(e, KeyboardInterrupt):
        raise e
    # something answered, but not the Dask protocol (seen: a 3 EiB "message length")
    raise SchedulerError(f"{scheduler} does not answer as a Dask scheduler ({type(e).__name__}); "
                         f"is the address right?") from None


def _run_dask(todo: Sequence[Job], config: AlignConfig, scheduler: str | None, client, collect) -> int:
    try:
        from distributed import Client, as_completed
    except ImportError:
        from .errors import ModelError

        raise ModelError("--scheduler needs dask[distributed] (pip install 'aligner[dask]')") from None
    own = client is None
    if own:
        client = _connect(Client, scheduler)
    try:
        info = client.scheduler_info()
        workers = info.get("workers", {})
        nthreads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
        # encoder threads per worker: share this host's cores (exact for a LocalCluster)
        threads = max(1, (os.cpu_count() or 1) // nthreads)
        by_key = {j.id: j for j in todo}
        futures = [client.submit(_dask_task, j, config, threads, key=f"aligner-{j.id}-{j.key[:12]}", pure=False)
                   for j in todo]
        for fut in as_completed(futures):
            tsv, res = fut.result()
            collect(by_key[res.id], tsv, res)
        return len(workers) or nthreads
    finally:
        if own:
            client.close()
