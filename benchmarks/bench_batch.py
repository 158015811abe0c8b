"""Benchmark: `nakit reproduce` cold and warm, and a batch of N runs with 1 vs 2 workers.

Run on demand:  .venv/bin/python benchmarks/bench_batch.py [N_RUNS]   (default 100)

Cold = every notebook executed (--force) into a fresh folder; warm = the same command again
with nothing changed (all runs skipped), timed as a whole process including imports.
The batch runs the stoichiometry notebook N times with different precursor masses.
Each figure is printed with its CPU time (user + system of the command and every process it
started: on a shared machine the wall time swings with the load, CPU much less), its aim
(issue #17) and the figure measured before (the issue's, or this session's baseline on a
quiet 2-core machine at 23:35, 2026-12-05).

Measured 2026-12-06 00:25-00:37, same tree, old orchestration against new, alternated twice
(2 cores, load 5-7 from other work): ``nakit reproduce`` 159.3 / 159.9 s wall, 115 / 122 s CPU
with the late notebook on a cold kernel after the others and the comparison after it, papermill
writing the notebook after every cell; 115.3 / 119.4 s wall, 106 / 102 s CPU with the late
notebook on a forked kernel, the comparison drawn while notebooks run, one write per notebook.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAKIT = [sys.executable, "-m", "nakit.cli"]
# figures before this session's work (#17): wall seconds (CPU seconds where measured)
PREVIOUS = {"cold": "70.6 s wall, 104 s CPU", "warm": "-", "per_run_worker": "1.83 s (issue: 7.0 s)",
            "speedup": "1.39x"}
AIMS = {"cold": "<= 25 s", "warm": "< 3 s", "per_run_worker": "<= 1.5 s", "speedup": ">= 1.7x"}


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``cmd`` (CPU: it and every process it started and reaped)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr[-2000:]}")
    return elapsed, _children_cpu() - cpu


def batch_manifest(folder: Path, n: int) -> Path:
    lines = ["notebooks:", "  00_synthesis_stoichiometry: {}", "samples:"]
    for i in range(n):
        p2s5 = 15.0 + 10.0 * i / max(n - 1, 1)
        lines.append(f"  s{i:03d}: {{00_synthesis_stoichiometry: {{precursor_masses: "
                     f"{{Na2S: {85.0 - 30.0 - p2s5:.3f}, P2S5: {p2s5:.3f}, CMK-3: 30.0}}}}}}")
    path = folder / "runs.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def line(what: str, figure: str, key: str) -> None:
    print(f"{what:<52} {figure:<28} aim {AIMS[key]:<9} before {PREVIOUS[key]}", flush=True)


def main(n_runs: int = 100) -> None:
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}   cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "paper"
        cold, cold_cpu = timed(NAKIT + ["-q", "reproduce", "-o", str(out), "--force", "-j", "2"])
        warm, warm_cpu = timed(NAKIT + ["-q", "reproduce", "-o", str(out), "-j", "2"])
        line("nakit reproduce, cold (all notebooks, 2 workers)", f"{cold:6.1f} s wall, {cold_cpu:5.1f} s CPU", "cold")
        line("nakit reproduce, warm (nothing changed)", f"{warm:6.1f} s wall, {warm_cpu:5.1f} s CPU", "warm")

        manifest = batch_manifest(tmp, n_runs)
        t1, c1 = timed(NAKIT + ["-q", "batch", str(manifest), "-o", str(tmp / "b1"), "-j", "1"])
        t2, c2 = timed(NAKIT + ["-q", "batch", str(manifest), "-o", str(tmp / "b2"), "-j", "2"])
        for workers, wall, cpu in ((1, t1, c1), (2, t2, c2)):
            line(f"batch of {n_runs} x notebook 00, {workers} worker(s): per run per worker",
                 f"{wall * workers / n_runs:6.2f} s", "per_run_worker")
            print(f"{'':<4}wall {wall:.1f} s ({wall / n_runs:.2f} s per run), CPU {cpu:.1f} s ({cpu / n_runs:.2f} s per run)")
        line("speed-up 2 workers vs 1", f"{t1 / t2:6.2f}x", "speedup")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
