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
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..io import atomic_path, sha256_file
from ..paths import PACKAGE_DIR

STAMP = ".nakit-run.json"


@dataclass
class Job:
    name: str
    notebook: str
    output_dir: str
    parameters: dict[str, Any]
    show_code: bool = False

    def key(self) -> str:
        from ..runner import input_paths

        nb = Path(self.notebook)
        params = {k: v for k, v in self.parameters.items() if k != "output_dir"}
        inputs = {name: [sha256_file(p) for p in paths] for name, paths in input_paths(nb, params).items()}
        payload = {"notebook": sha256_file(nb), "parameters": params, "inputs": inputs, "nakit": nakit_digest()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class JobResult:
    name: str
    output_dir: str
    status: str  # "ran", "skipped" or "failed"
    seconds: float = 0.0
    error: str = ""
    html: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@lru_cache(maxsize=1)
def nakit_digest() -> str:
    """nakit's version plus a digest of its source files."""
    from .. import __version__

    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:16]}"


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


def run_job(job: Job, force: bool = False) -> JobResult:
    """Run one job (in whatever process calls it); never raises for a notebook error."""
    from ..runner import execute

    start = time.perf_counter()
    try:
        key = job.key()
        if not force and is_current(job, key):
            return JobResult(job.name, job.output_dir, "skipped")
        stamp = Path(job.output_dir) / STAMP
        if stamp.exists():
            stamp.unlink()
        res = execute(job.notebook, job.output_dir, parameters=job.parameters, show_code=job.show_code)
    except Exception as exc:  # a job must not take the batch down with it
        return JobResult(job.name, job.output_dir, "failed", time.perf_counter() - start,
                         f"{type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - start
    if not res.ok:
        return JobResult(job.name, job.output_dir, "failed", elapsed, res.error or "", str(res.html or ""))
    with atomic_path(stamp) as tmp:
        tmp.write_text(json.dumps({"key": key, "seconds": round(elapsed, 2), "job": asdict(job)},
                                  indent=2, sort_keys=True, default=str))
    return JobResult(job.name, job.output_dir, "ran", elapsed, html=str(res.html or ""))


def _progress(done: int, total: int, result: JobResult, stream=sys.stderr) -> None:
    mark = {"ran": "ok  ", "skipped": "skip", "failed": "FAIL"}[result.status]
    stream.write(f"[{done:>{len(str(total))}}/{total}] {mark} {result.name} ({result.seconds:.1f} s)\n")
    stream.flush()


def run_jobs(jobs: Sequence[Job], *, workers: int | None = None, scheduler: str | None = None,
             force: bool = False, progress: Callable[[int, int, JobResult], None] | None = _progress
             ) -> list[JobResult]:
    """Run ``jobs`` and return their results in the jobs' order.

    ``workers`` processes locally (default: CPU count, 1 runs in-process), or the Dask
    cluster at ``scheduler`` (``tcp://host:port``).
    """
    jobs = list(jobs)
    results: dict[int, JobResult] = {}

    def done(i: int, res: JobResult) -> None:
        results[i] = res
        if progress:
            progress(len(results), len(jobs), res)

    pending = []
    for i, job in enumerate(jobs):
        try:
            current = not force and is_current(job, job.key())
        except Exception:  # unreadable inputs: let the worker report it as a failure
            current = False
        if current:
            done(i, JobResult(job.name, job.output_dir, "skipped"))
        else:
            pending.append((i, job))

    pending = longest_first(pending)
    if pending and scheduler:
        from ..errors import require

        distributed = require("distributed", "distributed", "running on a Dask cluster")
        with distributed.Client(scheduler) as client:
            futures = {client.submit(run_job, job, True, pure=False, key=f"nakit-{i}-{job.name}"): i
                       for i, job in pending}
            for fut in distributed.as_completed(futures):
                done(futures[fut], fut.result())
    elif pending:
        workers = workers or os.cpu_count() or 1
        if workers == 1 or len(pending) == 1:
            for i, job in pending:
                done(i, run_job(job, True))
        else:
            with ProcessPoolExecutor(max_workers=min(workers, len(pending))) as pool:
                futures = {pool.submit(run_job, job, True): i for i, job in pending}
                for fut in as_completed(futures):
                    done(futures[fut], fut.result())
    return [results[i] for i in range(len(jobs))]


def summarise(results: Iterable[JobResult]) -> str:
    """A short text summary: counts, then every failure with its error."""
    results = list(results)
    counts = {s: sum(r.status == s for r in results) for s in ("ran", "skipped", "failed")}
    lines = [f"{counts['ran']} ran, {counts['skipped']} skipped (unchanged), {counts['failed']} failed"]
    for r in results:
        if r.status == "failed":
            lines.append(f"  FAILED {r.name}: {r.error}  (partial notebook in {r.output_dir})")
    return "\n".join(lines)
