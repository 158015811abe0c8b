"""Benchmark: `nakit reproduce` cold and warm, and a batch of N runs with 1 vs 2 workers.

Run on demand:  .venv/bin/python benchmarks/bench_batch.py [N_RUNS]   (default 100)

Cold = every notebook executed (--force) into a fresh folder; warm = the same command again
with nothing changed (all runs skipped), timed as a whole process including imports.
The batch runs the stoichiometry notebook N times with different precursor masses.
Aims (issue #8): cold < 60 s on 2 cores, warm < 3 s, 2 workers >= 1.7x faster than 1.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAKIT = [sys.executable, "-m", "nakit.cli"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr[-2000:]}")
    return elapsed


def batch_manifest(folder: Path, n: int) -> Path:
    lines = ["notebooks:", "  00_synthesis_stoichiometry: {}", "samples:"]
    for i in range(n):
        p2s5 = 15.0 + 10.0 * i / max(n - 1, 1)
        lines.append(f"  s{i:03d}: {{00_synthesis_stoichiometry: {{precursor_masses: "
                     f"{{Na2S: {85.0 - 30.0 - p2s5:.3f}, P2S5: {p2s5:.3f}, CMK-3: 30.0}}}}}}")
    path = folder / "runs.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def main(n_runs: int = 100) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "paper"
        cold = timed(NAKIT + ["reproduce", "-o", str(out), "--force", "-j", "2"])
        warm = timed(NAKIT + ["reproduce", "-o", str(out), "-j", "2"])
        print(f"nakit reproduce, cold (all notebooks, 2 workers): {cold:7.1f} s   (aim < 60 s)")
        print(f"nakit reproduce, warm (nothing changed):          {warm:7.1f} s   (aim < 3 s)")

        manifest = batch_manifest(tmp, n_runs)
        t1 = timed(NAKIT + ["batch", str(manifest), "-o", str(tmp / "b1"), "-j", "1"])
        t2 = timed(NAKIT + ["batch", str(manifest), "-o", str(tmp / "b2"), "-j", "2"])
        print(f"batch of {n_runs} runs, 1 worker:  {t1:7.1f} s  ({t1 / n_runs:.2f} s/run)")
        print(f"batch of {n_runs} runs, 2 workers: {t2:7.1f} s  ({t2 / n_runs:.2f} s/run)")
        print(f"speed-up 2 vs 1 workers: {t1 / t2:.2f}x   (aim >= 1.7x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
