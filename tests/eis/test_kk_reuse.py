"""A circuit fit's ``lack_of_fit`` check takes the Lin-KK test already run on the same spectrum.

Notebook 05 runs Lin-KK on every spectrum and then fits the circuit to it; the fit's check
(:attr:`nakit.eis.fitting.CircuitFit.kk_rms_residual`) ran the same test a second time. The
Lin-KK numbers are checked against impedance.py's ``linKK`` run in the test with the same settings,
and the fit's RMS residual against impedance.py's circuit model and least squares, on real spectra
from impedance.py, yadg and pyimpspec.
"""

import contextlib
import io
from collections import OrderedDict
from functools import cache

import numpy as np
import pytest

from nakit.eis import fit_circuit, impedance_of, kk, read_eis, select_loop

from tests.helpers import quiet
from tests.peer import peer_file

# file, circuit: the fit's flags (its RMS residual far above the Lin-KK residual, or not)
FLAGS = {
    (("impedancepy", "Circuit3_EIS_1.z"), "R0-p(R1,C1)"): (),
    (("impedancepy", "exampleDataZPlot.z"), "R0-p(R1,C1)"): (),
    (("impedancepy", "exampleData.csv"), "R0-p(R1,CPE1)-W1"): ("lack_of_fit",),
    (("yadg", "peis.mpt"), "R0-p(R1,C1)"): ("lack_of_fit",),
    (("pyimpspec", "data.dta"), "R0-p(R1,CPE1)-W1"): ("lack_of_fit",),
    (("pyimpspec", "data.mpt"), "R0-p(R1,C1)"): ("lack_of_fit",),
}

#: Agreement with impedance.py. Its complex Lin-KK solves the normal equations (A'A)^-1 A'b, which square
#: the condition number of nakit's least-squares solve: on these spectra the two RMS residuals agree to
#: 5e-9 relative (peis.mpt at 32 elements is the worst). 1e-6 allows for that, and is 200 times finer than
#: the smallest change one element more or fewer makes (2e-4, exampleDataZPlot.z at M = 10), so a test
#: with another M, or another spectrum's, fails it.
REL = 1e-6


@pytest.fixture(scope="module")
def impy_linkk():
    validation = pytest.importorskip("impedance.validation")

    def run(*args, **kwargs):
        with contextlib.redirect_stdout(io.StringIO()):  # it prints progress every 10 M
            return validation.linKK(*args, **kwargs)

    # impedance.py 1.x builds its Lin-KK circuit as a string from list reprs; under numpy 2 these read
    # "np.float64(...)" and its eval namespace has no "np". Give it one so it can serve as oracle.
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(validation.circuit_elements, "np", np)
        yield run


def _rms(res_real, res_imag) -> float:
    return float(np.sqrt(np.mean(res_real ** 2 + res_imag ** 2)))


@cache
def _impedancepy_lin_kk(parts, linkk) -> tuple[int, float, float]:
    """(M, mu, RMS residual the fit's check should take) by impedance.py's linKK with notebook 05's settings.

    Those settings (:func:`nakit.eis.kk.lin_kk_raw`'s defaults, as its docstring states them): a complex
    fit with a series capacitance, M from 10 up while mu > 0.85 (at most 50, and fewer unknowns than the
    2 N equations); an RMS residual above 1 % is re-checked with more elements (up to 50 and one per
    frequency), the fewest within 1 %, else the best, standing for the spectrum. impedance.py searches M
    from 1, so the loop over M is here; every fit is impedance.py's (``c=None``: exactly M elements).
    """
    ds = _spectrum(parts)
    f, z = ds["frequency"].values, impedance_of(ds)

    def fit(m):
        _, mu, _, res_real, res_imag = linkk(f, z, c=None, max_M=m, fit_type="complex", add_cap=True)
        return mu, _rms(res_real, res_imag)

    most = min(50, 2 * f.size - 4)  # unknowns: R_ohm, M resistances, 1/C, L
    M, (mu, rms) = 10, fit(10)
    while mu > 0.85 and M < most:
        M += 1
        mu, rms = fit(M)
    best = rms
    if rms > 0.01:
        for m in range(M + 1, min(50, f.size) + 1):
            r = fit(m)[1]
            if r <= 0.01:
                best = r
                break
            best = min(best, r)
    return M, mu, best


def _fit_rms_by_impedancepy(fit, ds) -> float:
    """The RMS relative residual of impedance.py's modulus-weighted least squares of the circuit, started
    from nakit's parameters (so it stays at nakit's minimum if that is one) and evaluated by its own model."""
    from impedance.models.circuits import CustomCircuit

    f, z = ds["frequency"].values, impedance_of(ds)
    model = CustomCircuit(fit.circuit, initial_guess=[fit.values[k] for k in fit.values])
    model.fit(f, z, weight_by_modulus=True)
    return float(np.sqrt(np.mean(np.abs((model.predict(f) - z) / np.abs(z)) ** 2)))


@pytest.fixture
def lin_kk_calls(monkeypatch):
    """Every run of the Lin-KK test (``lin_kk_raw``, which ``lin_kk`` and the fit's check call), counted;
    none remembered from other tests."""
    calls = []
    real = kk.lin_kk_raw

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(kk, "lin_kk_raw", counting)
    monkeypatch.setattr(kk, "_RECENT", OrderedDict(), raising=False)
    return calls


def _spectrum(parts):
    return select_loop(read_eis(peer_file("echem", *parts)), "last")


@pytest.mark.parametrize("parts, circuit", list(FLAGS), ids=[f"{p[-1]}-{c}" for p, c in FLAGS])
def test_the_notebooks_lin_kk_is_run_once_for_the_test_and_the_fit(parts, circuit, lin_kk_calls, impy_linkk):
    M, mu, kk_rms = _impedancepy_lin_kk(parts, impy_linkk)
    ds = _spectrum(parts)
    # as notebook 05 calls it (min_M=kk_min_M=10, the number the default stands for)
    test = quiet(kk.lin_kk, ds, fit_type="complex", add_cap=True, min_M=10)
    fit = quiet(fit_circuit, ds, circuit)
    assert len(lin_kk_calls) == 1
    assert test.M == M and test.mu == pytest.approx(mu, abs=REL)
    assert fit.kk_rms_residual == pytest.approx(kk_rms, rel=REL)
    # the very number the test gave
    best = min(test.rms_residual, test.recheck_rms_residual or float("inf"))
    assert fit.kk_rms_residual == best
    assert fit.rms_residual == pytest.approx(_fit_rms_by_impedancepy(fit, ds), rel=REL)
    assert fit.flags == FLAGS[parts, circuit]


def test_the_fit_alone_still_runs_lin_kk_and_gets_the_same_number(lin_kk_calls, impy_linkk):
    parts, circuit = ("pyimpspec", "data.dta"), "R0-p(R1,CPE1)-W1"
    fit = quiet(fit_circuit, _spectrum(parts), circuit)
    assert fit.flags == ("lack_of_fit",) and len(lin_kk_calls) == 1
    assert fit.kk_rms_residual == pytest.approx(_impedancepy_lin_kk(parts, impy_linkk)[2], rel=REL)
    # a second fit of the same spectrum takes that test too
    again = quiet(fit_circuit, _spectrum(parts), "R0-p(R1,C1)")
    assert again.kk_rms_residual == fit.kk_rms_residual and len(lin_kk_calls) == 1


def test_a_test_with_other_settings_or_of_another_spectrum_is_not_taken(lin_kk_calls, impy_linkk):
    parts, circuit = ("impedancepy", "exampleData.csv"), "R0-p(R1,CPE1)-W1"
    ds = _spectrum(parts)
    other = quiet(kk.lin_kk, ds, fit_type="real", add_cap=False, min_M=1)  # impedance.py's settings: 5.1 %
    M, mu, _, res_real, res_imag = impy_linkk(ds["frequency"].values, impedance_of(ds))
    assert other.M == M and other.rms_residual == pytest.approx(_rms(res_real, res_imag), rel=REL)
    assert other.rms_residual > 0.04
    quiet(kk.lin_kk, ds.isel(frequency=slice(1, None)), min_M=10)  # one point fewer
    fit = quiet(fit_circuit, ds, circuit)
    assert fit.kk_rms_residual == pytest.approx(_impedancepy_lin_kk(parts, impy_linkk)[2], rel=REL)
    assert len(lin_kk_calls) == 3
