"""A circuit fit's ``lack_of_fit`` check takes the Lin-KK test already run on the same spectrum.

Notebook 05 runs Lin-KK on every spectrum and then fits the circuit to it; the fit's check
(:attr:`nakit.eis.fitting.CircuitFit.kk_rms_residual`) ran the same test a second time. The
numbers below are those the fit gave before the test was reused (computed by running it again),
on real spectra from impedance.py, yadg and pyimpspec.
"""

import warnings
from collections import OrderedDict

import pytest

from nakit.eis import fit_circuit, kk, read_eis, select_loop
from nakit.errors import NakitWarning

from tests.peer import peer_file

# file, circuit: the fit's flags, its RMS residual and the RMS residual Lin-KK leaves (default settings)
BEFORE = {
    (("impedancepy", "Circuit3_EIS_1.z"), "R0-p(R1,C1)"): ((), 0.009631894863301958, 0.009437144614747837),
    (("impedancepy", "exampleDataZPlot.z"), "R0-p(R1,C1)"): ((), 0.013534046905092913, 0.0013503472471928424),
    (("impedancepy", "exampleData.csv"), "R0-p(R1,CPE1)-W1"): (("lack_of_fit",), 0.12253067173449947,
                                                               0.001819034800043796),
    (("yadg", "peis.mpt"), "R0-p(R1,C1)"): (("lack_of_fit",), 0.8270448799667973, 0.27640786373663645),
    (("pyimpspec", "data.dta"), "R0-p(R1,CPE1)-W1"): (("lack_of_fit",), 0.07516158235732794, 9.114408029057231e-05),
    (("pyimpspec", "data.mpt"), "R0-p(R1,C1)"): (("lack_of_fit",), 0.19627438051838156, 9.11434638141959e-05),
}


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


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return fn(*args, **kwargs)


@pytest.mark.parametrize("parts, circuit", list(BEFORE), ids=[f"{p[-1]}-{c}" for p, c in BEFORE])
def test_the_notebooks_lin_kk_is_run_once_for_the_test_and_the_fit(parts, circuit, lin_kk_calls):
    flags, rms, kk_rms = BEFORE[parts, circuit]
    ds = _spectrum(parts)
    # as notebook 05 calls it (min_M=kk_min_M=10, the number the default stands for)
    test = _quiet(kk.lin_kk, ds, fit_type="complex", add_cap=True, min_M=10)
    fit = _quiet(fit_circuit, ds, circuit)
    assert fit.flags == flags
    assert fit.rms_residual == pytest.approx(rms, rel=1e-6)
    assert fit.kk_rms_residual == pytest.approx(kk_rms, rel=1e-6)
    assert len(lin_kk_calls) == 1
    # the very number the test gave
    best = min(test.rms_residual, test.recheck_rms_residual or float("inf"))
    assert fit.kk_rms_residual == best


def test_the_fit_alone_still_runs_lin_kk_and_gets_the_same_number(lin_kk_calls):
    parts, circuit = ("pyimpspec", "data.dta"), "R0-p(R1,CPE1)-W1"
    fit = _quiet(fit_circuit, _spectrum(parts), circuit)
    assert fit.flags == ("lack_of_fit",) and len(lin_kk_calls) == 1
    assert fit.kk_rms_residual == pytest.approx(BEFORE[parts, circuit][2], rel=1e-6)
    # a second fit of the same spectrum takes that test too
    again = _quiet(fit_circuit, _spectrum(parts), "R0-p(R1,C1)")
    assert again.kk_rms_residual == fit.kk_rms_residual and len(lin_kk_calls) == 1


def test_a_test_with_other_settings_or_of_another_spectrum_is_not_taken(lin_kk_calls):
    parts, circuit = ("impedancepy", "exampleData.csv"), "R0-p(R1,CPE1)-W1"
    ds = _spectrum(parts)
    other = _quiet(kk.lin_kk, ds, fit_type="real", add_cap=False, min_M=1)  # impedance.py's settings: 5.1 %
    _quiet(kk.lin_kk, ds.isel(frequency=slice(1, None)), min_M=10)  # one point fewer
    assert other.rms_residual > 0.04
    fit = _quiet(fit_circuit, ds, circuit)
    assert fit.kk_rms_residual == pytest.approx(BEFORE[parts, circuit][2], rel=1e-6)
    assert len(lin_kk_calls) == 3
