"""Execute notebook jobs in parallel, skip unchanged ones, isolate failures.

A :class:`Job` is one notebook with one parameter set and one output folder. Its *key*
hashes everything that determines its results: the notebook file, the parameters (except
``output_dir``), the bytes of every input file, and nakit itself (version and a digest of
its source files, so an edited analysis reruns). A finished job leaves ``.nakit-run.json``
with that key in its folder; the next run with the same key is skipped unless forced.

Jobs run on a local process pool by default, or on a Dask distributed cluster when a
scheduler address is given (every worker needs nakit installed and the same files at the
same paths). A failing job keeps its partially executed notebook and does not stop the
others.

Locally, each worker keeps the next job's kernel started ahead (:class:`nakit.runner.KernelPool`)
and, when more jobs follow, forks its kernels from a zygote (:mod:`nakit.zygote`) shared by the
workers: the kernels' common stack is imported once per batch instead of once per job, and what
the workers themselves need (papermill, the HTML exporter) is loaded once in the parent before
they fork; every job still gets a fresh kernel process and the same outputs as a cold run.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..io import atomic_path, sha256_file
from ..paths import PACKAGE_DIR

STAMP = ".nakit-run.json"
# after Ctrl-C, how long running notebooks get to shut their kernels down and put the
# previous report back before their workers are killed
GRACE_SECONDS = 4.0


@dataclass
class Job:
    name: str
    notebook: str
    output_dir: str
    parameters: dict[str, Any]
    show_code: bool = False

    def input_paths(self) -> dict[str, list[Path]]:
        """Every input file the job's parameters name (:func:`nakit.runner.input_paths`)."""
        from ..runner import input_paths

        return input_paths(Path(self.notebook), {k: v for k, v in self.parameters.items() if k != "output_dir"})

    def key(self) -> str:
        nb = Path(self.notebook)
        params = {k: v for k, v in self.parameters.items() if k != "output_dir"}
        inputs = {name: [sha256_file(p) for p in paths] for name, paths in self.input_paths().items()}
        payload = {"notebook": sha256_file(nb), "parameters": params, "inputs": inputs, "nakit": nakit_digest(),
                   "project_data": project_data_digest()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class JobResult:
    name: str
    output_dir: str
    # "ran", "skipped", "failed", "interrupted" (stopped by Ctrl-C), "not run", or "left out" (a manifest's
    # sample given no data for the notebook: :func:`nakit.batch.manifest.jobs_from_manifest`; why in ``error``)
    status: str
    seconds: float = 0.0
    error: str = ""
    html: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ran", "skipped")

    @cached_property
    def not_analysed(self) -> list[tuple[str, str]]:
        """``[(sample, reason)]`` the run set aside as unreadable (its report still written); read
        once from the report folder, though the summary, progress line and index all ask."""
        from ..runfolder import not_analysed

        return not_analysed(self.output_dir) if self.ok else []

    @property
    def complete(self) -> bool:
        """The run ended and analysed every sample it was given."""
        return self.ok and not self.not_analysed


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a batch; ``results`` says what finished, what was stopped, what never ran."""

    def __init__(self, results: list[JobResult]):
        super().__init__("interrupted")
        self.results = results


@lru_cache(maxsize=1)
def nakit_digest() -> str:
    """nakit's version plus a digest of its source files."""
    from .. import __version__

    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:16]}"


def project_data_digest() -> str:
    """Digest of the files notebooks read without naming them in a parameter.

    The reference library (``data/references``: CIFs, the Raman band table) and the claims
    lists at the top of ``data/`` are read through nakit's defaults; a changed CIF must
    rerun the XRD notebook even though no parameter changed. Not cached: files change
    between runs of one process.
    """
    from ..paths import data_dir, references_dir

    h = hashlib.sha256()
    files = sorted(p for p in references_dir().rglob("*") if p.is_file()) if references_dir().is_dir() else []
    files += sorted(data_dir().glob("*.csv")) + sorted(data_dir().glob("*.yaml"))
    for path in files:
        h.update(str(path.relative_to(data_dir())).encode())
        h.update(sha256_file(path).encode())
    return h.hexdigest()[:16]


def _stamp(job: Job) -> dict[str, Any]:
    try:
        return json.loads((Path(job.output_dir) / STAMP).read_text())
    except (OSError, ValueError):
        return {}


def is_current(job: Job, key: str) -> bool:
    return _stamp(job).get("key") == key


def longest_first(pending: list[tuple[int, Job]]) -> list[tuple[int, Job]]:
    """Order stale jobs by their last recorded run time, longest (or never timed) first.

    Starting the long notebooks first shortens a parallel run's makespan.
    """
    return sorted(pending, key=lambda item: -_stamp(item[1]).get("seconds", float("inf")))


def run_job(job: Job, force: bool = False, key: str | None = None, kernels=None) -> JobResult:
    """Run one job (in whatever process calls it); never raises for a notebook error.

    ``key`` is the job's key as the parent computed it when it decided to run the job; the
    stamp records that one, so a worker that imported another state of nakit (a long-lived
    cluster worker) cannot record a key the next skip check will not recognise.
    ``kernels`` (a :class:`nakit.runner.KernelPool`) hands the run a kernel started ahead
    of need, and starts the next one.
    """
    from ..runner import execute

    start = time.perf_counter()
    try:
        key = key or job.key()
        if not force and is_current(job, key):
            return JobResult(job.name, job.output_dir, "skipped")
        stamp = Path(job.output_dir) / STAMP
        if stamp.exists():
            stamp.unlink()
        res = execute(job.notebook, job.output_dir, parameters=job.parameters, show_code=job.show_code,
                      kernels=kernels)
    except Exception as exc:  # a job must not take the batch down with it
        return JobResult(job.name, job.output_dir, "failed", time.perf_counter() - start,
                         f"{type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - start
    if not res.ok:
        return JobResult(job.name, job.output_dir, "failed", elapsed, res.error or "", str(res.html or ""))
    result = JobResult(job.name, job.output_dir, "ran", elapsed, html=str(res.html or ""))
    if result.not_analysed:  # no stamp: the next run tries the unreadable files again (fixed, or a reader installed)
        return result
    with atomic_path(stamp) as tmp:
        tmp.write_text(json.dumps({"key": key, "seconds": round(elapsed, 2), "job": asdict(job)},
                                  indent=2, sort_keys=True, default=str))
    return result


_stopping = False  # set in a worker once it was told to stop: it starts no further job
_kernels = None  # a worker's KernelPool: the spare kernel for its next job


def _interrupt_once(signum, frame):
    """First SIGTERM in a worker: stop the running notebook cleanly; ignore any later signal.

    Raising ``KeyboardInterrupt`` lets papermill shut the kernel down and the run folder
    put the previous report back; a second signal must not cut that clean-up short. The
    worker's stderr goes to /dev/null from here on: the clean-up of an interrupted kernel
    client prints asyncio tracebacks that say nothing to the user.
    """
    global _stopping
    _stopping = True
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    raise KeyboardInterrupt


def _worker_init(zygote: dict | None = None, extras=None) -> None:
    # Ctrl-C in a terminal reaches every process of the group; workers leave it to the
    # parent, which stops them with SIGTERM once it has cancelled the jobs not yet started
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt_once)
    # each worker keeps one kernel started ahead of its next job; it is shut down when the
    # worker ends, however it ends (multiprocessing runs these finalizers, not atexit)
    from multiprocessing import util

    from ..runner import KernelPool

    global _kernels
    _kernels = KernelPool(extras=extras)
    if zygote is not None and _kernels.use_zygote:  # the parent's: the common stack imported once for all
        from ..zygote import Zygote

        _kernels.zygote = Zygote.attach(zygote)
    util.Finalize(_kernels, _kernels.close, exitpriority=10)


def _shared_zygote(notebooks: list, extras):
    """A zygote for the workers of a local pool, in the folder of most of ``notebooks`` (or None).

    ``notebooks``: of the pending and late jobs; ``extras``: :func:`nakit.zygote.warm_extras` of them.
    """
    from collections import Counter

    from .. import zygote
    from ..runner import kernel_name

    if not zygote.available() or len(notebooks) < 2:
        return None
    folder, _count = Counter(str(Path(nb).resolve().parent) for nb in notebooks).most_common(1)[0]
    try:  # importing ahead what their notebooks' cells need, not every optional package
        return zygote.Zygote(kernel_name(), folder, extras=extras)
    except Exception:  # workers start their own, or kernels start cold
        return None


def _run_in_worker(job: Job, key: str | None, prefetch: bool = True) -> JobResult:
    """Run one job in a pool worker; ``prefetch``: start a kernel for a job after this one."""
    start = time.perf_counter()
    if _stopping:  # queued before Ctrl-C reached this worker
        _close_spare()
        return JobResult(job.name, job.output_dir, "not run", error="not started before Ctrl-C")
    try:
        if _kernels is not None:
            _kernels.prefetch = prefetch
        return run_job(job, True, key, _kernels)
    except KeyboardInterrupt:
        _close_spare()
        return JobResult(job.name, job.output_dir, "interrupted", time.perf_counter() - start,
                         "stopped by Ctrl-C; the previous report (if any) was kept")


def _close_spare() -> None:
    """Ctrl-C: kill this worker's spare kernel and any still exiting, without waiting."""
    if _kernels is not None:
        _kernels.close(wait=0)


def _stop_pool(pool: ProcessPoolExecutor, futures: dict, done: Callable[[int, JobResult], None],
               jobs: Sequence[Job]) -> None:
    """Cancel jobs not yet started, stop running ones within GRACE_SECONDS, record both."""
    for fut in futures:
        fut.cancel()
    running = [f for f in futures if not f.done()]
    processes = list(getattr(pool, "_processes", {}).values())  # no public handle on the workers
    for proc in processes:
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGTERM)
    wait(running, timeout=GRACE_SECONDS)
    for proc in processes:
        if proc.is_alive():
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for fut, i in futures.items():
        job = jobs[i]
        if fut.cancelled():
            done(i, JobResult(job.name, job.output_dir, "not run", error="not started before Ctrl-C"))
        elif fut.done() and fut.exception() is None:
            done(i, fut.result())
        else:
            done(i, JobResult(job.name, job.output_dir, "interrupted",
                              error="stopped by Ctrl-C; its worker did not stop in time and was killed"))


class Progress:
    """What a batch prints on stderr while it runs.

    One line when a job starts and when it ends (``[3/7] ok   02_bet_bjh (12.3 s)``), and
    every ``every`` seconds, while jobs run, which ones and for how long, so a long notebook
    never leaves the terminal silent. ``verbose`` adds each report's path at its end.
    """

    def __init__(self, stream=None, every: float = 20.0, verbose: bool = False):
        self.stream = stream
        self.every = every
        self.verbose = verbose

    @classmethod
    def from_environment(cls) -> "Progress | None":
        """The progress the ``nakit`` command asked for: ``NAKIT_VERBOSITY`` 0 (``-q``), 1, 2 (``-v``)."""
        level = os.environ.get("NAKIT_VERBOSITY", "1")
        if level == "0":
            return None
        return cls(every=10.0, verbose=True) if level == "2" else cls()

    def _write(self, text: str) -> None:
        stream = self.stream or sys.stderr
        stream.write(text + "\n")
        stream.flush()

    def __call__(self, done: int, total: int, result: JobResult) -> None:
        mark = {"ran": "ok  ", "skipped": "skip", "failed": "FAIL", "interrupted": "STOP",
                "not run": "----"}[result.status]
        line = f"[{done:>{len(str(total))}}/{total}] {mark} {result.name} ({result.seconds:.1f} s)"
        set_aside = result.not_analysed
        if set_aside:
            line += f"; not analysed: {', '.join(sample for sample, _ in set_aside)}"
        if self.verbose and result.html:
            line += f" -> {result.html}"
        self._write(line)

    def started(self, name: str) -> None:
        self._write(f"      start {name}")

    def running(self, jobs: list[tuple[str, float]], waiting: int) -> None:
        now = time.perf_counter()
        listed = ", ".join(f"{name} ({now - t0:.0f} s)" for name, t0 in jobs)
        self._write(f"      running: {listed}" + (f"; {waiting} waiting" if waiting else ""))


class _Watch:
    """Tell ``progress`` which jobs started and, now and then, which are running.

    Pool futures say ``running()`` once they enter the pool's call queue, which holds one
    more job than there are workers; a thread polls them (the pool has no start callback)
    and counts at most ``slots`` as started, in submission order.
    """

    def __init__(self, progress, jobs: Sequence[Job]):
        import threading

        self.progress = progress if hasattr(progress, "started") else None
        self.jobs = jobs
        self.started: dict[int, float] = {}
        self.finished: set[int] = set()
        self.futures: dict = {}
        self.slots = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True) if self.progress else None

    def __enter__(self):
        if self._thread:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def start(self, i: int) -> None:
        if i not in self.started:
            self.started[i] = time.perf_counter()
            if self.progress:
                self.progress.started(self.jobs[i].name)

    def end(self, i: int) -> None:
        self.finished.add(i)

    def _loop(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(0.5):
            free = self.slots - sum(1 for i in self.started if i not in self.finished)
            for fut, i in list(self.futures.items()):
                if free > 0 and i not in self.started and fut.running():
                    self.start(i)
                    free -= 1
            if time.perf_counter() - last >= self.progress.every:
                last = time.perf_counter()
                running = [(self.jobs[i].name, t0) for i, t0 in self.started.items() if i not in self.finished]
                waiting = sum(1 for i in self.futures.values() if i not in self.started)
                if running:
                    self.progress.running(running, waiting)


def run_jobs(jobs: Sequence[Job], *, workers: int | None = None, scheduler: str | None = None,
             force: bool = False, progress: Callable[[int, int, JobResult], None] | None = None,
             late: Sequence[Job] = (), on_result: Callable[[JobResult], None] | None = None,
             idle: Callable[[], bool] | None = None) -> list[JobResult]:
    """Run ``jobs`` (then ``late``) and return their results in that order.

    ``workers`` processes locally (default: CPU count, 1 runs in-process), or the Dask
    cluster at ``scheduler`` (``tcp://host:port`` or ``tls://host:port``, checked by
    :func:`nakit.batch.scheduler.validate_address`). ``progress`` is called as each job
    ends; a :class:`Progress` (the default) also hears when jobs start and which are running.

    ``late`` jobs read the results of ``jobs`` (a study's paper-figure notebook): they start
    once every job of ``jobs`` has ended, and rerun (as if forced) when ``force`` is given or
    any of ``jobs`` ran. Locally they run on the same pool, so their kernels are forked from
    the same zygote and started ahead like the others' instead of cold.

    ``on_result(result)`` is called in this thread as each job's result is known (skipped
    ones included). ``idle()`` is called in this thread, on a local pool, whenever no job
    has ended since the last look: work of the caller's that overlaps the notebooks (a
    study draws its comparison panels); it returns True when it did something and wants to
    be called again at once, False when it has nothing to do until the next result. Late
    jobs are submitted before ``idle`` runs again, so it never delays them. An exception
    from either stops the batch as Ctrl-C does (running notebooks are stopped) and is
    re-raised.

    Raises
    ------
    BatchInterrupted
        On Ctrl-C: jobs not started are cancelled, running notebooks get
        ``GRACE_SECONDS`` to stop cleanly (their previous reports are kept), and the
        exception carries every job's result so far.
    """
    first = list(jobs)
    jobs = first + list(late)
    results: dict[int, JobResult] = {}
    progress = Progress.from_environment() if progress is None else progress
    if scheduler:
        from .scheduler import validate_address

        validate_address(scheduler)  # before any job starts or is skipped

    watch = _Watch(progress, jobs)

    def done(i: int, res: JobResult) -> None:
        results[i] = res
        watch.end(i)
        if progress:
            progress(len(results), len(jobs), res)
        if on_result is not None:
            on_result(res)

    keys: dict[int, str | None] = {}

    def stale(indices: Iterable[int], forced: bool) -> list[tuple[int, Job]]:
        """The jobs to run among ``indices`` (the others are done as skipped), longest first."""
        out = []
        for i in indices:
            job = jobs[i]
            try:
                keys[i] = job.key()
            except Exception:  # unreadable inputs: let the worker report it as a failure
                keys[i] = None
            if not forced and keys[i] is not None and is_current(job, keys[i]):
                done(i, JobResult(job.name, job.output_dir, "skipped"))
            else:
                out.append((i, job))
        return longest_first(out)

    def late_pending() -> list[tuple[int, Job]]:
        """Once every first job has ended: the late jobs to run (rerun whenever one of those ran)."""
        ran = any(results[i].status == "ran" for i in range(len(first)))
        return stale(range(len(first), len(jobs)), force or ran)

    pending = stale(range(len(first)), force)
    try:
        with watch:
            _run_pending(pending, late_pending if late else None, len(late), keys, jobs, workers, scheduler,
                         done, watch, results, idle)
    except KeyboardInterrupt:
        for i, job in enumerate(jobs):
            if i not in results:
                results[i] = JobResult(job.name, job.output_dir, "not run", error="not started before Ctrl-C")
        raise BatchInterrupted([results[i] for i in range(len(jobs))]) from None
    return [results[i] for i in range(len(jobs))]


def _run_pending(pending, late_pending, n_late: int, keys, jobs, workers, scheduler, done, watch: _Watch,
                 results, idle=None) -> None:
    """Run the stale jobs on the cluster, in this process (one worker) or on a local pool.

    ``late_pending()`` (None: no late jobs) is called once every job of ``pending`` has ended
    and returns the late jobs to run; ``n_late`` says how many there may be (for the zygote and
    the kernels started ahead).
    """
    if scheduler:
        if pending:
            _run_on_cluster(pending, keys, scheduler, done)
        later = late_pending() if late_pending is not None else []
        if later:
            _run_on_cluster(later, keys, scheduler, done)
        return
    if not pending and late_pending is not None:  # nothing to wait for: the late jobs are the batch
        pending, late_pending, n_late = late_pending(), None, 0
    if not pending:
        return
    from ..zygote import warm_extras

    notebooks = [job.notebook for _, job in pending] + [job.notebook for job in jobs[len(jobs) - n_late:]]
    # what their cells import, for every zygote and kernel started for them (not every optional package)
    extras = warm_extras(set(notebooks))
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(pending) + n_late == 1:
        _run_in_process(pending, late_pending, n_late, keys, done, watch, extras)
        return
    slots = min(workers, max(len(pending), n_late))
    # one zygote for every worker, started before them: its imports overlap their start-up
    shared = _shared_zygote(notebooks, extras)
    stopped = True
    try:
        import multiprocessing

        if multiprocessing.get_start_method() == "fork":  # the workers inherit what is loaded here
            from ..runner import preload

            preload({job.show_code for job in jobs})  # while the zygote imports: once, not once per worker
        pool = ProcessPoolExecutor(max_workers=slots, initializer=_worker_init,
                                   initargs=(shared.address() if shared is not None else None, extras))
        total = len(pending) + n_late
        # the last `slots` jobs are the last of their workers (roughly): no spare kernel after them;
        # late jobs count, so a worker has a kernel forked and started for them when they come
        futures = {pool.submit(_run_in_worker, job, keys[i], n + slots < total): i
                   for n, (i, job) in enumerate(pending)}
        first = set(futures)
        watch.slots, watch.futures = slots, futures
        outstanding = set(futures)
        try:
            while outstanding:
                finished, _ = wait(outstanding, timeout=0, return_when=FIRST_COMPLETED)
                if not finished and not (idle is not None and idle()):
                    finished, _ = wait(outstanding, return_when=FIRST_COMPLETED)
                for fut in finished:
                    outstanding.discard(fut)
                    first.discard(fut)
                    done(futures[fut], fut.result())
                if late_pending is not None and not first:
                    later = late_pending()  # (the skipped ones are done by now)
                    late_pending = None
                    for n, (i, job) in enumerate(later):
                        fut = pool.submit(_run_in_worker, job, keys[i], n + slots < len(later))
                        futures[fut] = i
                        outstanding.add(fut)
        except BaseException:  # Ctrl-C, or the caller's on_result/idle failed: stop the notebooks
            _stop_pool(pool, {f: i for f, i in futures.items() if i not in results}, done, jobs)
            raise
        pool.shutdown()
        stopped = False
    finally:
        if shared is not None:  # the workers are gone: so are its kernels (killed at once on Ctrl-C)
            shared.close(wait=0 if stopped else 5.0)


def _run_in_process(pending, late_pending, n_late: int, keys, done, watch: _Watch, extras=None) -> None:
    """One job after the other in this process, then the late ones, with kernels started ahead.

    ``extras``: :func:`nakit.zygote.warm_extras` of the pending and late jobs' notebooks.
    """
    from ..runner import KernelPool

    total = len(pending) + n_late
    # one run: execute warms its own; else its zygote imports what the notebooks' cells need
    kernels = KernelPool(extras=extras) if total > 1 else None
    try:
        queue, count = list(pending), 0
        while queue:
            i, job = queue.pop(0)
            watch.start(i)
            count += 1
            if kernels is not None:
                kernels.prefetch = count < total
            try:
                done(i, run_job(job, True, keys[i], kernels))
            except KeyboardInterrupt:
                if kernels is not None:
                    kernels.close(wait=0)
                done(i, JobResult(job.name, job.output_dir, "interrupted",
                                  error="stopped by Ctrl-C; the previous report (if any) was kept"))
                raise
            if not queue and late_pending is not None:
                queue, late_pending = late_pending(), None
                total = count + len(queue)
    finally:
        if kernels is not None:
            kernels.close()


def _run_on_cluster(pending: list[tuple[int, Job]], keys: dict[int, str | None], scheduler: str,
                    done: Callable[[int, JobResult], None]) -> None:
    from ..errors import require
    from .scheduler import client_options

    distributed = require("distributed", "distributed", "running on a Dask cluster")
    with distributed.Client(scheduler, **client_options()) as client:
        futures = {client.submit(run_job, job, True, keys[i], pure=False, key=f"nakit-{i}-{job.name}"): i
                   for i, job in pending}
        try:
            for fut in distributed.as_completed(futures):
                done(futures[fut], fut.result())
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise


def summarise(results: Iterable[JobResult]) -> str:
    """A short text summary: counts, then every failure with its error."""
    results = list(results)
    counts = {s: sum(r.status == s for r in results)
              for s in ("ran", "skipped", "failed", "interrupted", "not run")}
    line = f"{counts['ran']} ran, {counts['skipped']} skipped (unchanged), {counts['failed']} failed"
    if counts["interrupted"] or counts["not run"]:
        line += f"; interrupted: {counts['interrupted']} stopped, {counts['not run']} not started"
    set_aside = [(r, sample, why) for r in results for sample, why in r.not_analysed]
    if set_aside:
        line += f"; {len(set_aside)} sample(s) not analysed"
    left_out = sum(r.status == "left out" for r in results)
    if left_out:
        line += f"; {left_out} left out (no data given)"
    lines = [line]
    for r in results:
        if r.status == "failed":
            lines.append(f"  FAILED {r.name}: {r.error}  (partial notebook in {r.output_dir}.failed)")
        elif r.status == "interrupted":
            lines.append(f"  STOPPED {r.name}: {r.error}")
        elif r.status == "left out":
            lines.append(f"  LEFT OUT {r.name}: {r.error}")
    lines += [f"  NOT ANALYSED in {r.name}: {sample}: {why}" for r, sample, why in set_aside]
    return "\n".join(lines)
