"""Benchmark: fitting many impedance spectra, nakit's batched fit beside impedance.py.

1000 synthetic spectra of R0-p(R1,CPE1)-W1 (the cathode circuit of the paper's Fig. S10; random
parameters, 61 frequencies from 100 kHz to 0.1 Hz, 0.3 % noise, seeded) are fitted with
modulus weighting from one common starting point:

* nakit.eis.batch.fit_circuit_batch on all of them at once;
* impedance.py's circuit_fit (scipy curve_fit, weight_by_modulus=True) one by one, on a subset
  (``--n-impedancepy``, default 100) whose time is extrapolated linearly to all spectra;
* nakit.eis.fitting.fit_circuit_raw (lmfit, one by one) on a smaller subset, for reference.

Results are compared on the spectra both fitted. Run:  python benchmarks/bench_eis.py [--n 1000]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from nakit.eis.batch import fit_circuit_batch
from nakit.eis.circuits import Circuit
from nakit.eis.fitting import fit_circuit_raw
from nakit.eis.synthetic import FREQUENCIES

CIRCUIT = "R0-p(R1,CPE1)-W1"
START = [80.0, 800.0, 5e-6, 0.85, 200.0]


def spectra(n: int, seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = np.column_stack([rng.uniform(40, 150, n), rng.uniform(100, 3000, n), 10 ** rng.uniform(-5.7, -5, n),
                             rng.uniform(0.75, 0.95, n), rng.uniform(80, 300, n)])
    c = Circuit(CIRCUIT)
    z = c.impedance(FREQUENCIES, {k: truth[:, i:i + 1] for i, k in enumerate(c.param_names)})
    noise = rng.standard_normal((2,) + z.shape)
    return truth, z + 0.003 * np.abs(z) * (noise[0] + 1j * noise[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--n-impedancepy", type=int, default=100)
    ap.add_argument("--n-lmfit", type=int, default=30)
    args = ap.parse_args()
    from impedance.models.circuits.fitting import circuit_fit

    truth, z = spectra(args.n)
    f = FREQUENCIES

    t0 = time.perf_counter()
    batch = fit_circuit_batch(f, z, CIRCUIT, START, weighting="modulus")
    t_batch = time.perf_counter() - t0

    m = min(args.n_impedancepy, args.n)
    ref = np.empty((m, len(START)))
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(m):
            ref[i] = circuit_fit(f, z[i], CIRCUIT, START, constants={}, weight_by_modulus=True)[0]
    t_impy = (time.perf_counter() - t0) / m

    k = min(args.n_lmfit, args.n)
    t0 = time.perf_counter()
    lm = np.array([list(fit_circuit_raw(f, z[i], CIRCUIT, initial=START, weighting="modulus").values.values())
                   for i in range(k)])
    t_lmfit = (time.perf_counter() - t0) / k

    ours = batch["value"].values
    rel = np.abs(ours[:m] / ref - 1)
    rel_lm = np.abs(ours[:k] / lm - 1)
    err_truth = np.abs(ours / truth - 1)
    print(f"{args.n} spectra of {CIRCUIT}, {f.size} frequencies, modulus weighting, one common start")
    print(f"nakit batch (all {args.n}):          {t_batch:8.2f} s  ({1e3 * t_batch / args.n:.2f} ms/spectrum), "
          f"converged {int(batch['converged'].sum())}/{args.n}, median iterations {np.median(batch['n_iter']):.0f}")
    print(f"impedance.py circuit_fit ({m} timed): {t_impy * args.n:8.2f} s  ({1e3 * t_impy:.2f} ms/spectrum; "
          f"extrapolated from {m})" if m < args.n else
          f"impedance.py circuit_fit (all {m}):   {t_impy * args.n:8.2f} s  ({1e3 * t_impy:.2f} ms/spectrum)")
    print(f"nakit lmfit loop ({k} timed):         {t_lmfit * args.n:8.2f} s  ({1e3 * t_lmfit:.2f} ms/spectrum; extrapolated)")
    print(f"speed-up batch vs impedance.py: {t_impy * args.n / t_batch:.1f}x; lmfit loop vs impedance.py: "
          f"{t_impy / t_lmfit:.1f}x")
    print(f"same results: max |nakit/impedance.py - 1| over {m} spectra x {len(START)} parameters = {rel.max():.2e} "
          f"(median {np.median(rel):.1e}); batch vs lmfit max {rel_lm.max():.2e}")
    print(f"recovery of the true parameters (noise 0.3 %): median |fit/true - 1| = "
          f"{', '.join(f'{n} {v:.1e}' for n, v in zip(Circuit(CIRCUIT).param_names, np.median(err_truth, axis=0)))}")


if __name__ == "__main__":
    main()
