"""XRD simulation speed: nakit's sticks and profiles beside pymatgen's XRDCalculator.

Run: .venv/bin/python benchmarks/bench_xrd.py
Prints, per reference structure, the time for the reflection sticks (10-90 deg, Cu Ka1) by
nakit and by pymatgen on the same structure, their ratio, and the time of a full nakit
profile (Ka1+Ka2 pseudo-Voigt, 0.02 deg steps, 10-90 deg). Best of ``REPEATS`` runs.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from nakit.xrd.simulate import Instrument, Phase, reflections, simulate_pattern
from nakit.xrd.structures import library, reference

REPEATS = 3
LAM = 1.5405929


def best_of(fn, n=REPEATS):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main():
    from pymatgen.analysis.diffraction.xrd import XRDCalculator
    from pymatgen.core import Lattice, Structure

    warnings.simplefilter("ignore")
    calc = XRDCalculator(wavelength=LAM)
    x = np.arange(10, 90, 0.02)
    reflections(reference("Na2S"), LAM, 90.0)  # warm the xraydb tables
    print(f"{'structure':18s} {'atoms':>5s} {'lines':>5s} {'nakit ms':>9s} {'pymatgen ms':>11s} {'ratio':>6s}"
          f" {'profile ms':>10s}")
    ratios = []
    for name in library():
        c = reference(name)
        s = Structure(Lattice.from_parameters(*c.cell), list(c.elements), c.frac)
        t_n = best_of(lambda: reflections(c, LAM, 90.0, 10.0))
        t_p = best_of(lambda: calc.get_pattern(s, two_theta_range=(10, 90)))
        t_prof = best_of(lambda: simulate_pattern(Phase(c, 1.0, 50.0), x, "Cu", Instrument()))
        n = len(reflections(c, LAM, 90.0, 10.0))
        ratios.append(t_p / t_n)
        print(f"{name:18s} {len(c.elements):5d} {n:5d} {1e3 * t_n:9.2f} {1e3 * t_p:11.1f} {t_p / t_n:6.1f}"
              f" {1e3 * t_prof:10.1f}")
    print(f"\nsticks: nakit is {np.min(ratios):.1f}x to {np.max(ratios):.1f}x faster than pymatgen "
          f"(geometric mean {np.exp(np.mean(np.log(ratios))):.1f}x); profile = full Ka1+Ka2 pattern on "
          f"{x.size} points (pymatgen has no profile).")


if __name__ == "__main__":
    main()
