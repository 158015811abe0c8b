"""Benchmark: nakit ``psd_dft_raw`` vs pyGAPS ``psd_dft`` on the same kernel and isotherms.

Run: .venv/bin/python benchmarks/bench_dft.py [n_synthetic [repeats]]

The job: every pyGAPS peer isotherm in ../shared/peer-data/sorption/pygaps, the Micromeritics
peer files, plus ``n_synthetic`` (default 5) isotherms made by putting a random Gaussian pore size
distribution through the shipped kernel (0.5 % noise). Both sides get the same adsorption-branch
points as arrays (p/p0 and loading; pyGAPS in mmol/g as its kernel expects), points inside the
kernel's pressure range only (pyGAPS refuses points outside it). Imports and pyGAPS's isotherm
construction are not timed; only the distribution calculation is. Times are the best of
``repeats`` (default 1; pyGAPS's SLSQP takes seconds per isotherm).

nakit runs three ways: the default (31 NNLS solves along the L-curve), GCV (the same plus an
influence-matrix trace per solve) and a fixed lambda (one NNLS). pyGAPS solves the unregularised
problem with SLSQP and then smooths with a B-spline. The table also prints the total pore volume
each side finds (nakit default vs pyGAPS without its B-spline), so speed is not bought with a
different answer.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PEER = ROOT.parent / "shared" / "peer-data" / "sorption"


def inputs(n_synthetic: int):
    from nakit.sorption import get_branch, read_isotherm
    from nakit.sorption.dft import load_kernel

    kernel = load_kernel("n2-77k-carbon-slit")
    lo, hi = kernel.pressure_range
    cases = []
    files = sorted((PEER / "pygaps").glob("*.json")) + sorted((PEER / "micromeritics").glob("*.xls"))
    for f in files:
        p, q = get_branch(read_isotherm(f), "adsorption")
        keep = (p >= lo) & (p <= hi)
        cases.append((f.stem, p[keep], q[keep]))
    rng = np.random.default_rng(0)
    p = np.logspace(-6, np.log10(0.95), 60)
    K = kernel.at(p) * kernel.width_bins
    for i in range(n_synthetic):
        mu, sigma, volume = rng.uniform(0.6, 6.0), rng.uniform(0.05, 0.15), rng.uniform(0.2, 0.8)
        sigma *= mu
        f = np.exp(-0.5 * ((kernel.width - mu) / sigma) ** 2)
        f *= volume / np.sum(f * kernel.width_bins)
        n = K @ f
        cases.append((f"synthetic {i} ({mu:.2f} nm)", p, n * (1 + 0.005 * rng.standard_normal(n.size))))
    return cases


def best_of(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(n_synthetic: int = 5, repeats: int = 1) -> None:
    t0 = time.perf_counter()
    from nakit.sorption.dft import psd_dft_raw
    from nakit.sorption.units import MOLAR_VOLUME_STP
    t_nakit_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    import logging

    import pygaps
    from pygaps.characterisation.psd_kernel import psd_dft as pygaps_psd_dft
    t_pygaps_import = time.perf_counter() - t0
    logging.getLogger("pygaps").setLevel(logging.ERROR)  # its "unit not specified, assumed" notices
    warnings.simplefilter("ignore")  # flags are expected on the mismatched peer isotherms; timing only

    cases = inputs(n_synthetic)
    print(f"imports: nakit {t_nakit_import:.2f} s, pyGAPS {t_pygaps_import:.2f} s (not in the times below)")
    head = f"{'isotherm':34s} {'pts':>4s} {'nakit L-curve':>13s} {'GCV':>8s} {'fixed':>8s} {'pyGAPS':>8s} {'ratio':>7s}  V nakit / pyGAPS (cm3/g)"
    print(head)
    print("-" * len(head))
    tot = np.zeros(4)
    for name, p, q in cases:
        iso = pygaps.PointIsotherm(pressure=p, loading=q / MOLAR_VOLUME_STP * 1000, material="bench", adsorbate="nitrogen",
                                   temperature=77.355, temperature_unit="K", pressure_mode="relative", loading_basis="molar",
                                   loading_unit="mmol", material_basis="mass", material_unit="g")
        t_l, r = best_of(lambda: psd_dft_raw(p, q), repeats)
        t_g, _ = best_of(lambda: psd_dft_raw(p, q, regularisation="gcv"), repeats)
        t_f, _ = best_of(lambda: psd_dft_raw(p, q, regularisation=0.01), repeats)
        t_p, _ = best_of(lambda: pygaps_psd_dft(iso, branch="ads"), repeats)
        ref = pygaps_psd_dft(iso, branch="ads", bspline_order=0)["pore_volume_cumulative"][-1]
        tot += (t_l, t_g, t_f, t_p)
        print(f"{name[:34]:34s} {p.size:4d} {1e3 * t_l:10.0f} ms {1e3 * t_g:5.0f} ms {1e3 * t_f:5.0f} ms "
              f"{1e3 * t_p:5.0f} ms {t_p / t_l:6.0f}x  {r.total_volume:.4f} / {ref:.4f}")
    print("-" * len(head))
    print(f"{'total':34s} {'':4s} {tot[0]:11.2f} s {tot[1]:6.2f} s {tot[2]:6.2f} s {tot[3]:6.2f} s "
          f"{tot[3] / tot[0]:6.0f}x  (pyGAPS / nakit default)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
