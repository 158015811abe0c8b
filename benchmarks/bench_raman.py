"""Benchmark: batched map fitting (nakit.raman.mapfit) against a per-spectrum lmfit loop.

A 100 x 100 map (10,000 spectra, 1024 points, 3 Lorentzian bands + constant background,
seeded noise) is fitted once in full by nakit's batched Levenberg-Marquardt. The lmfit
loop (nakit.raman.fitting.fit_bands_raw, lmfit 'leastsq') is timed on a subset and its
time for the full map extrapolated linearly (it is one independent fit per spectrum; the
subset size is printed). Centres are compared on the subset.

Run: .venv/bin/python benchmarks/bench_raman.py [n_subset]
"""

from __future__ import annotations

import sys
import time

import numpy as np
from lmfit import lineshapes as ls

from nakit.raman.fitting import Band, fit_bands_raw
from nakit.raman.mapfit import fit_many_raw

N_SIDE, N_POINTS = 100, 1024
BANDS = [Band("PS4", 420, fwhm=10), Band("shoulder", 380, tolerance=15, fwhm=14), Band("S8", 472, fwhm=8)]


def make_map(seed: int = 0):
    rng = np.random.default_rng(seed)
    n = N_SIDE * N_SIDE
    x = np.linspace(300, 520, N_POINTS)
    centres = np.column_stack([420 + rng.normal(0, 1, n), 380 + rng.normal(0, 2, n), 472 + rng.normal(0, 1, n)])
    areas = np.column_stack([rng.uniform(500, 1500, n), rng.uniform(100, 400, n), rng.uniform(100, 300, n)])
    Y = (ls.lorentzian(x, areas[:, :1], centres[:, :1], 5.0) + ls.lorentzian(x, areas[:, 1:2], centres[:, 1:2], 7.0)
         + ls.lorentzian(x, areas[:, 2:], centres[:, 2:], 4.0) + 50.0)
    return x, Y + rng.normal(0, 2.0, Y.shape), centres


def main(n_subset: int = 200) -> None:
    x, Y, truth = make_map()
    n = Y.shape[0]
    print(f"map: {n} spectra x {x.size} points, {len(BANDS)} Lorentzian bands + constant background")

    t0 = time.perf_counter()
    res = fit_many_raw(x, Y, BANDS, background="constant")
    t_vec = time.perf_counter() - t0
    names = list(res["names"])
    cols = [names.index(f"{b.prefix}center") for b in BANDS]
    print(f"nakit.raman.mapfit (all {n}): {t_vec:.1f} s = {1e3 * t_vec / n:.2f} ms/spectrum; "
          f"converged {res['converged'].mean():.1%}, iterations mean {res['n_iter'].mean():.1f} max {res['n_iter'].max()}")

    idx = np.linspace(0, n - 1, n_subset).astype(int)
    t0 = time.perf_counter()
    ref = [fit_bands_raw(x, Y[i], BANDS, background="constant") for i in idx]
    t_loop = time.perf_counter() - t0
    per = t_loop / n_subset
    print(f"lmfit loop (subset of {n_subset}): {t_loop:.1f} s = {1e3 * per:.1f} ms/spectrum; "
          f"extrapolated to {n}: {per * n:.0f} s")
    ref_c = np.array([f.table["center"].to_numpy() for f in ref])
    diff = np.abs(ref_c - res["params"][idx][:, cols])
    print(f"centre difference nakit vs lmfit on the subset: max {diff.max():.2e} cm-1, "
          f"median {np.median(diff):.2e} cm-1 (requirement < 0.05)")
    err = np.abs(res["params"][:, cols] - truth)
    print(f"centre error vs truth (all {n}): median {np.median(err):.3f} cm-1 per band "
          f"({', '.join(f'{b.name} {np.median(err[:, k]):.3f}' for k, b in enumerate(BANDS))})")
    print(f"speed-up (extrapolated lmfit loop / nakit): {per * n / t_vec:.0f}x (aim: 20x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
