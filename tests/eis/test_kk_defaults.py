"""Lin-KK's defaults give the verdict notebook 05 gives: a series capacitance, a complex fit, M from 10.

With impedance.py's settings (real fit, no series capacitance, M from 1) impedance.py's own example
warned "not Kramers-Kronig consistent (drift, non-linearity or noise)" at 5.10 % RMS, and so did an
exactly consistent R0-p(R1,CPE1)-W1 spectrum: a diffusion line or a capacitive tail, whose impedance
grows without bound at low frequency, is what a sum of RC elements cannot follow; with the series
capacitance both are described to 0.2-0.3 %.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.eis import read_eis
from nakit.eis.circuits import Circuit
from nakit.eis.kk import KK_FAILED, lin_kk, lin_kk_raw
from nakit.errors import NakitWarning, ParameterError
from nakit.paths import data_dir
from tests.eis.test_kk_verdict import drifting_spectrum
from tests.peer import peer_file

IMPY = {"fit_type": "real", "add_cap": False, "min_M": 1}
NOTEBOOK = {"fit_type": "complex", "add_cap": True, "min_M": 10}  # notebook 05's call (kk_min_M = 10)


def _run(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    return result, [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]


def randles(noise=0.002, seed=3):
    """An exactly Kramers-Kronig-consistent cell ending in a diffusion line, with ``noise`` (relative)."""
    f = np.logspace(5, -2, 60)
    z = Circuit("R0-p(R1,CPE1)-W1").impedance(f, {"R0": 20.0, "R1": 300.0, "CPE1_Q": 1e-5, "CPE1_alpha": 0.85,
                                                  "W1": 100.0})
    e = np.random.default_rng(seed).standard_normal((2, f.size))
    return f, z + noise * np.abs(z) * (e[0] + 1j * e[1])


def test_impedancepy_example_passes_with_the_defaults_as_in_the_notebook():
    ds = read_eis(peer_file("echem", "impedancepy", "exampleData.csv"))
    res, caught = _run(lin_kk, ds)
    assert res.ok and not caught
    assert res.rms_residual == pytest.approx(0.0018, abs=1e-4)
    nb, _ = _run(lin_kk, ds, **NOTEBOOK)
    assert (res.M, res.rms_residual, res.flags) == (nb.M, nb.rms_residual, nb.flags)
    assert res.capacitance is not None and res.fit_type == "complex"
    # impedance.py's settings give impedance.py's verdict, and the warning says what it rests on
    impy, [message] = _run(lin_kk, ds, **IMPY)
    assert KK_FAILED in impy.flags and impy.rms_residual == pytest.approx(0.0510, abs=5e-4)
    assert "without a series capacitance (add_cap=False)" in message and "diffusion line" in message
    assert message.startswith(f"{ds.attrs['source_path']}: ")  # which file


def test_a_consistent_spectrum_ending_in_a_diffusion_line_passes():
    f, z = randles()
    res, caught = _run(lin_kk_raw, f, z)
    assert res.ok and not caught and res.rms_residual < 0.004
    impy, _ = _run(lin_kk_raw, f, z, **IMPY)
    assert KK_FAILED in impy.flags and impy.rms_residual > 0.03


@pytest.mark.parametrize("name", ["ball_milled_cycle01", "ball_milled_cycle50", "cast_annealed_cycle10",
                                  "blocking_25C", "blocking_80C"])
def test_the_stand_ins_pass_with_the_defaults(name):
    ds = read_eis(data_dir() / "eis" / f"{name}.z")
    res, caught = _run(lin_kk, ds)
    assert res.ok and not caught and res.rms_residual < 0.005


def test_a_drifting_spectrum_still_fails_with_the_defaults():
    f, z = drifting_spectrum(1.0)
    res, [message] = _run(lin_kk_raw, f, z)
    assert KK_FAILED in res.flags and res.spectrum_doubted and res.M >= 10
    assert "not Kramers-Kronig consistent" in message and "add_cap=False" not in message


def test_the_default_start_gives_way_to_a_lower_limit():
    """M starts at 10 unless max_M or the points allow fewer; a start given outright is checked."""
    f, z = randles()
    assert _run(lin_kk_raw, f, z, max_M=5)[0].M == 5
    short = f[::6], z[::6]  # 10 frequencies: a real fit without the capacitance determines 8 elements
    assert _run(lin_kk_raw, *short, fit_type="real", add_cap=False)[0].M <= 8
    with pytest.raises(ParameterError, match="min_M"):
        lin_kk_raw(f, z, min_M=6, max_M=5)
