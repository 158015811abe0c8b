"""Benchmark: per-cycle summary plus dQ/dV of a 10-million-row cycling record.

nakit (canonical record -> ``summarise`` -> ``dqdv`` of every half-cycle) against navani's
processing of the same data (``new_land_processing`` -> ``cycle_summary`` ->
``dqdv_single_cycle`` of every half-cycle). navani pins pandas < 3 and numpy 1.26, so it
cannot live in nakit's environment; point ``--navani-python`` at an interpreter that has
it (default ``/tmp/navani_venv/bin/python``). Without one, an equivalent plain-pandas
groupby implementation stands in and the output says so.

Each tool runs in its own subprocess on the same .npz file (navani's environment has no
pyarrow that works with its numpy), after a warm-up call (so
imports are not timed), reporting wall time of the processing (nakit: the fastest of
``--repeat`` runs), the process's peak RSS and the tracemalloc peak of the processing.

    .venv/bin/python benchmarks/bench_cycling.py [--rows 10000000] [--navani-python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = ["time", "step_time", "current", "voltage", "capacity", "cycle", "step"]


def _load(path):
    import numpy as np

    with np.load(path) as data:
        return {n: data[n] for n in COLUMNS}


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(fn, cols):
    import tracemalloc

    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(cols)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, out


def run_nakit(cols):
    from nakit.cycling import PAPER_CELL, dqdv, make_record, summarise

    rec = make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols["cycle"], step=cols["step"],
                      step_time=cols["step_time"])
    summary = summarise(rec, PAPER_CELL)
    curves = dqdv(rec, PAPER_CELL)
    return {"discharge_mAh": summary["discharge_capacity"].values.tolist(),
            "dqdv_shape": list(curves["discharge"].shape)}


def _land_frame(cols):
    import pandas as pd

    return pd.DataFrame({"Current/mA": cols["current"], "Voltage/V": cols["voltage"],
                         "Capacity/mAh": cols["capacity"], "time /s": cols["time"]})


def run_navani(cols):
    import numpy as np
    from navani import echem as ec

    df = ec.new_land_processing(_land_frame(cols))
    summary = ec.cycle_summary(df)
    n = 0
    for _, part in df[df["state"] != "R"].groupby("half cycle"):
        if len(part) > 1100:  # navani's default Savitzky-Golay windows need > 1001 points
            ec.dqdv_single_cycle(part["Capacity"].to_numpy(), part["Voltage"].to_numpy())
            n += 1
    summary = summary[summary.index >= 1]  # navani's "full cycle" 0 is the rest before the first step
    return {"discharge_mAh": np.asarray(summary["Discharge Capacity"], dtype=float).tolist(),
            "dqdv_curves": n}


def run_pandas(cols):
    """navani-like processing in plain pandas: groupby per half-cycle, binned dQ/dV."""
    import numpy as np
    import pandas as pd

    df = _land_frame(cols)
    state = np.sign(df["Current/mA"].to_numpy())
    active = state != 0
    df = df[active].copy()
    df["state"] = state[active]
    df["half"] = (df["state"] != df["state"].shift()).cumsum()
    df["dq"] = df.groupby("half")["Capacity/mAh"].diff().fillna(0.0)
    df["vdq"] = df["Voltage/V"] * df["dq"]
    g = df.groupby("half")
    summary = pd.DataFrame({"capacity": g["Capacity/mAh"].max(), "state": g["state"].first(),
                            "avg_v": g["vdq"].sum() / g["dq"].sum()})
    df["bin"] = (df["Voltage/V"] // 0.005).astype(int)
    dqdv = df.groupby(["half", "bin"])["dq"].sum() / 0.005
    dis = summary[summary["state"] < 0]["capacity"]
    return {"discharge_mAh": dis.to_numpy().tolist(), "dqdv_bins": int(dqdv.size)}


def worker(tool: str, path: str, repeat: int) -> None:
    import numpy as np

    cols = _load(path)
    fn = {"nakit": run_nakit, "navani": run_navani, "pandas": run_pandas}[tool]
    small = {k: v[v.size // 2 - 30_000: v.size // 2 + 30_000] for k, v in cols.items()}
    small["time"] = small["time"] - small["time"][0]
    fn(small)  # warm-up: imports and first-call costs are not timed
    runs = [_timed(fn, cols) for _ in range(max(repeat, 1))]
    seconds = [r[0] for r in runs]
    out = runs[0][2]
    out.update(tool=tool, rows=int(cols["time"].size), seconds=min(seconds), all_seconds=seconds,
               traced_peak_mb=max(r[1] for r in runs), peak_rss_mb=_peak_rss_mb(), numpy=np.__version__)
    print(json.dumps(out))


def _run(python: str, tool: str, path: Path, repeat: int = 1) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    res = subprocess.run([python, __file__, "--worker", tool, str(path), str(repeat)], capture_output=True,
                         text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{tool} worker failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--cycles", type=int, default=50)
    ap.add_argument("--navani-python", default="/tmp/navani_venv/bin/python")
    ap.add_argument("--repeat", type=int, default=3, help="nakit runs (the fastest is reported; navani runs once)")
    ap.add_argument("--worker", nargs=3, metavar=("TOOL", "PATH", "REPEAT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], int(args.worker[2]))
        return

    import numpy as np

    from nakit.cycling.synthetic import synthetic_record

    with tempfile.TemporaryDirectory(prefix="nakit_bench_cycling_") as tmp:
        path = Path(tmp) / "record.npz"
        t0 = time.perf_counter()
        rec = synthetic_record(args.rows, cycles=args.cycles, seed=7)
        np.savez(path, **{k: rec[k] for k in COLUMNS})
        n = len(rec["time"])
        del rec
        print(f"synthetic record: {n:,} rows, {args.cycles} cycles ({time.perf_counter() - t0:.1f} s to make)")
        nakit = _run(sys.executable, "nakit", path, args.repeat)
        have_navani = Path(args.navani_python).exists()
        other = _run(args.navani_python, "navani", path) if have_navani else _run(sys.executable, "pandas", path)
    label = "navani" if have_navani else "pandas groupby (navani not available)"
    print(f"\n{'tool':40s} {'time (s)':>9s} {'peak RSS (MB)':>14s} {'traced peak (MB)':>17s}")
    for name, r in (("nakit", nakit), (label, other)):
        print(f"{name:40s} {r['seconds']:9.2f} {r['peak_rss_mb']:14.0f} {r['traced_peak_mb']:17.0f}")
    print(f"nakit runs (s): {', '.join(f'{t:.2f}' for t in nakit['all_seconds'])} (fastest shown; the "
          "machine is shared, so slower runs measure the neighbours)")
    print(f"\nspeed-up nakit vs {label.split()[0]}: {other['seconds'] / nakit['seconds']:.1f}x "
          f"(aim: >= 5x, nakit < 2 s and < 2 GB)")
    a = np.asarray(nakit["discharge_mAh"])
    b = np.asarray(other["discharge_mAh"])[: a.size]
    ok = np.isfinite(a) & np.isfinite(b) & (b > 0)
    print(f"same answer: per-cycle discharge capacity, nakit (integrated current) vs {label.split()[0]} "
          f"(cycler column): max relative difference {np.max(np.abs(a[ok] / b[ok] - 1)):.1e} over {ok.sum()} cycles")
    print(f"(numpy {nakit['numpy']} for nakit, {other['numpy']} for {label.split()[0]}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
