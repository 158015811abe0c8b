"""Lin-KK blames the spectrum only when more RC elements do not describe it either.

On impedance.py's Lin-KK validation file the mu criterion stops at M = 3 (26.5 % RMS) with the
default c = 0.85 and at M = 10 (1.9 %) with c = 0.69; the warning said the spectrum was not
Kramers-Kronig consistent. It is: 9 RC elements reproduce it to 0.14 %.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.eis.circuits import Circuit
from nakit.eis.kk import KK_FAILED, TOO_FEW, lin_kk, lin_kk_raw
from nakit.eis.readers import read_zplot
from nakit.eis import synthetic as syn
from nakit.errors import NakitWarning
from tests.peer import peer_file


#: impedance.py's linKK settings, whose numbers these tests keep (nakit's defaults are notebook 05's)
IMPY = {"fit_type": "real", "add_cap": False, "min_M": 1}


@pytest.fixture(scope="module")
def circuit3():
    return read_zplot(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))


def _run(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    return result, [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]


@pytest.mark.parametrize("c, M, rms, more_M, more_rms", [(0.85, 3, 0.2649, 9, 0.0014), (0.69, 10, 0.0191, 11, 0.0095)])
def test_the_validation_file_is_consistent_the_automatic_M_stopped_early(circuit3, c, M, rms, more_M, more_rms):
    res, caught = _run(lin_kk, circuit3, c=c, **IMPY)
    assert res.M == M and res.rms_residual == pytest.approx(rms, abs=1e-4)  # impedance.py's numbers, kept
    assert res.flags == (TOO_FEW,) and not res.ok
    assert KK_FAILED not in res.flags and res.spectrum_doubted == ()
    assert res.recheck_M == more_M and res.recheck_rms_residual == pytest.approx(more_rms, abs=1e-4)
    [message] = caught
    assert "not Kramers-Kronig consistent" not in message
    assert f"stopped at M = {M} RC elements" in message
    assert f"with M = {more_M} the RMS residual is {res.recheck_rms_residual:.2%}" in message
    assert f"c=None, max_M={more_M}" in message and "a lower c" in message
    # what it suggests works
    fixed, caught = _run(lin_kk, circuit3, c=None, max_M=more_M, **IMPY)
    assert fixed.ok and not caught and fixed.rms_residual == pytest.approx(more_rms, abs=1e-4)


def test_a_fixed_M_too_small_is_said_to_be_so(circuit3):
    res, [message] = _run(lin_kk, circuit3, c=None, max_M=3, **IMPY)
    assert res.flags == (TOO_FEW,) and res.recheck_M == 9
    assert "M = 3 RC elements (fixed: c=None)" in message


def drifting_spectrum(growth: float):
    """The ball-milled cathode's cycle-1 spectrum (nakit's forward model, 0.3 % noise) measured
    while its interfacial resistance R1 grows by ``growth`` (a fraction) from the first frequency
    to the last: each point is the cell as it was when that point was measured."""
    f = syn.FREQUENCIES
    p = syn.cathode_parameters("ball_milled", 1)
    circuit = Circuit(syn.CATHODE_CIRCUIT)
    r1 = p["R1"] * (1 + growth * np.linspace(0.0, 1.0, f.size))
    z = np.array([circuit.impedance(f[k:k + 1], {**p, "R1": r1[k]})[0] for k in range(f.size)])
    e = np.random.default_rng(11).standard_normal((2, f.size))
    return f, z + syn.NOISE * np.abs(z) * (e[0] + 1j * e[1])


def test_a_drifting_spectrum_fails_with_as_many_elements_as_allowed():
    f, z = drifting_spectrum(1.0)  # R1 doubles during the sweep
    res, [message] = _run(lin_kk_raw, f, z, fit_type="complex", add_cap=True, min_M=10)
    assert KK_FAILED in res.flags and TOO_FEW not in res.flags and res.spectrum_doubted
    # the re-check went up to 50 elements (the search's limit) and none did better than 1 %
    assert res.recheck_M is not None and res.M < res.recheck_M <= 50 and res.recheck_rms_residual > 0.01
    assert "not Kramers-Kronig consistent" in message
    assert f"(best {res.recheck_rms_residual:.2%} at M = {res.recheck_M})" in message
    still, _ = _run(lin_kk_raw, f, z, fit_type="complex", add_cap=True, c=None, max_M=50)
    assert still.rms_residual > 0.01
    # the same cell without drift passes
    steady, caught = _run(lin_kk_raw, *drifting_spectrum(0.0), fit_type="complex", add_cap=True, min_M=10)
    assert steady.ok and not caught and steady.recheck_M is None


def test_a_recheck_is_kept_in_the_dataset(circuit3):
    res, _ = _run(lin_kk, circuit3, **IMPY)
    ds = res.to_dataset()
    assert ds.attrs["recheck_M"] == 9 and ds.attrs["recheck_rms_residual"] == pytest.approx(0.0014, abs=1e-4)
