"""Benchmark: distribution of relaxation times, nakit.eis.drt_raw beside pyimpspec's TR-RBF.

Synthetic spectra of R0-p(R1,CPE1)-p(R2,CPE2) (electrolyte, grain boundary, interface; the
interfacial resistance R2 grows as over cycling; random parameters, 61 frequencies from 100 kHz to
0.1 Hz, 0.3 % noise, seeded) are deconvolved with the same settings by both: Gaussian RBFs at
tau = 1/f, FWHM coefficient 0.5, first-derivative penalty, complex fit, lambda by modified GCV.

* one spectrum: nakit, then pyimpspec (calculate_drt_tr_rbf, num_procs=1);
* a batch (``--n``, default 100): nakit on all at once (one factorisation), pyimpspec one by one
  on a subset (``--n-pyimpspec``, default 20) whose time is extrapolated linearly to the batch.

Both run single-threaded (OPENBLAS/OMP/MKL threads set to 1 before numpy loads): the machine is
shared and multi-threaded BLAS on small matrices only adds contention. Agreement is printed for
the spectra both computed: chosen lambda, R_pol, and the time constants of the two main peaks.
pyimpspec is GPL-3.0 and a test extra; it is imported here only, never by nakit.

Run:  python benchmarks/bench_drt.py [--n 100] [--n-pyimpspec 20]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from nakit.eis.circuits import Circuit  # noqa: E402
from nakit.eis.drt import drt_raw  # noqa: E402
from nakit.errors import NakitWarning  # noqa: E402

CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
FREQUENCIES = np.logspace(5, -1, 61)


def spectra(n: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    """True parameters (n, 7) and noisy impedances (n, 61) of the benchmark circuit."""
    rng = np.random.default_rng(seed)
    # R1-CPE1 near tau ~ 3e-5 s, R2-CPE2 near 1e-2 s: both inside 100 kHz - 0.1 Hz, so the data reach
    # the low-frequency limit and R_pol = R1 + R2
    truth = np.column_stack([rng.uniform(20, 60, n), rng.uniform(80, 200, n), 10 ** rng.uniform(-6.5, -6, n),
                             rng.uniform(0.85, 0.95, n), np.linspace(150, 900, n), 10 ** rng.uniform(-4.7, -4.2, n),
                             rng.uniform(0.8, 0.9, n)])
    c = Circuit(CIRCUIT)
    z = c.impedance(FREQUENCIES, {k: truth[:, i:i + 1] for i, k in enumerate(c.param_names)})
    e = rng.standard_normal((2,) + z.shape)
    return truth, z + 0.003 * np.abs(z) * (e[0] + 1j * e[1])


def main_peaks(tau, gamma, k=2):
    """Time constants of the k highest local maxima, in increasing tau."""
    i = np.flatnonzero((gamma[1:-1] > gamma[:-2]) & (gamma[1:-1] >= gamma[2:])) + 1
    top = i[np.argsort(gamma[i])[::-1][:k]]
    return np.sort(tau[top])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--n-pyimpspec", type=int, default=20)
    args = ap.parse_args()
    import pyimpspec
    from pyimpspec.analysis.drt import calculate_drt_tr_rbf

    truth, z = spectra(args.n)
    f = FREQUENCIES
    kw = dict(tau=1 / f, criterion="mgcv")

    def ours(zz):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NakitWarning)
            return drt_raw(f, zz, **kw)

    def theirs(zz):
        return calculate_drt_tr_rbf(pyimpspec.DataSet(frequencies=f, impedances=zz), cross_validation="mgcv",
                                    num_procs=1)

    ours(z[0]), theirs(z[0])  # warm-up: imports, caches
    t0 = time.perf_counter()
    one_n = ours(z[0])
    t_one_n = time.perf_counter() - t0
    t0 = time.perf_counter()
    one_p = theirs(z[0])
    t_one_p = time.perf_counter() - t0

    t0 = time.perf_counter()
    batch = ours(z)
    t_batch = time.perf_counter() - t0
    m = min(args.n_pyimpspec, args.n)
    t0 = time.perf_counter()
    ref = [theirs(z[i]) for i in range(m)]
    t_ref = (time.perf_counter() - t0) * args.n / m

    print(f"DRT (TR-RBF, mGCV), {len(f)} frequencies, circuit {CIRCUIT}")
    print(f"one spectrum:   nakit {t_one_n * 1e3:8.1f} ms   pyimpspec {t_one_p * 1e3:8.1f} ms   "
          f"ratio {t_one_p / t_one_n:6.1f}x")
    print(f"{args.n} spectra:    nakit {t_batch:8.2f} s    pyimpspec {t_ref:8.2f} s "
          f"({'measured' if m == args.n else f'extrapolated from {m}'})   ratio {t_ref / t_batch:6.1f}x")
    print(f"  nakit per spectrum in the batch: {t_batch / args.n * 1e3:.1f} ms")

    lam_ratio = np.array([b.lam / r.lambda_value for b, r in zip(batch[:m], ref)])
    rpol_n = np.array([b.r_pol for b in batch[:m]])
    rpol_p = np.array([np.trapezoid(r.get_drt_data()[1], np.log(r.get_drt_data()[0])) for r in ref])
    dtau = []
    for b, r in zip(batch[:m], ref):
        tn, tp = main_peaks(b.tau, b.gamma), main_peaks(*r.get_drt_data())
        if tn.size == tp.size:
            dtau.append(np.max(np.abs(np.log(tn / tp))))
    rpol_true = truth[:m, 1] + truth[:m, 4]
    print(f"agreement on {m} spectra: lambda nakit/pyimpspec median {np.median(lam_ratio):.2f} "
          f"(range {lam_ratio.min():.2f}-{lam_ratio.max():.2f}); R_pol max rel. difference "
          f"{np.max(np.abs(rpol_n / rpol_p - 1)):.2%}; main peak tau max |ln ratio| "
          f"{max(dtau) if dtau else float('nan'):.3f} ({len(dtau)} with the same number of main peaks)")
    print(f"R_pol vs truth R1 + R2: nakit max rel. error {np.max(np.abs(rpol_n / rpol_true - 1)):.2%}, "
          f"pyimpspec {np.max(np.abs(rpol_p / rpol_true - 1)):.2%}")
    print(f"one spectrum: lambda nakit {one_n.lam:.3g}, pyimpspec {one_p.lambda_value:.3g}")


if __name__ == "__main__":
    main()
