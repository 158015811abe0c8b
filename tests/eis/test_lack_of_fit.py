"""A circuit that does not describe its spectrum is flagged ``lack_of_fit``.

pyimpspec's example spectrum (data.dta, .mpt and .z: two arcs, R0 = 100, R1 = 200, R2 = 500 ohm)
fitted with notebook 05's one-arc R0-p(R1,CPE1)-W1 missed the data by 7.5 % RMS of |Z| (17 % at
worst) while a Kramers-Kronig-consistent series of RC elements describes it to 0.009 %; the fit
came back without a flag, and the notebook reported "R1 329 +/- 14" and "R0 87 +/- 6" as results.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.eis import fit_circuit, fit_circuit_raw, read_eis
from nakit.eis.circuits import Circuit
from nakit.eis.conductivity import fit_blocking_cell
from nakit.eis.fitting import CIRCUIT_FLAG_WORDS, LACK_OF_FIT_FLOOR, drop_inductive
from nakit.errors import NakitWarning
from nakit.paths import data_dir
from tests.helpers import quiet
from tests.peer import peer_file

LACK = "lack_of_fit"
TWO_ARCS = "R0-p(R1,CPE1)-p(R2,CPE2)"


@pytest.mark.parametrize("name", ["data.dta", "data.mpt", "data.z"])
def test_one_arc_fitted_to_a_two_arc_spectrum_is_flagged(name):
    path = peer_file("echem", "pyimpspec", name)
    ds = read_eis(path)
    with pytest.warns(NakitWarning, match="does not describe the spectrum") as caught:
        fit = fit_circuit(ds, "R0-p(R1,CPE1)-W1")
    assert fit.flags == (LACK,) and not fit.ok
    assert fit.rms_residual == pytest.approx(0.0752, abs=5e-4)
    assert fit.kk_rms_residual < 2e-4
    [details] = fit.flag_details
    assert details.startswith(CIRCUIT_FLAG_WORDS[LACK])
    assert "RMS residual 7.5 % of |Z| (17 % at worst)" in details
    assert "825 times the 0.0091 % a Kramers-Kronig-consistent series of RC elements leaves on the same data" in details
    [message] = [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]
    assert message.startswith(f"{path}: ")  # which file
    assert fit.to_dict()["rms_residual"] == fit.rms_residual
    # the circuit the spectrum was made with describes it, and gives its values
    right = quiet(fit_circuit, ds, TWO_ARCS)
    assert LACK not in right.flags and right.rms_residual < 1e-3
    assert right.values["R0"] == pytest.approx(100.0, rel=1e-3)
    assert sorted(right.values[k] for k in ("R1", "R2")) == pytest.approx([200.0, 500.0], rel=1e-3)  # either order


def test_the_words_say_what_to_do():
    words = CIRCUIT_FLAG_WORDS[LACK]
    assert "the circuit does not describe the spectrum" in words
    assert "Nyquist" in words and "residuals" in words and "another circuit" in words


GUESS = [.01, .01, 100, .01, .05, 100, 1]


@pytest.mark.parametrize("weighting", ["modulus", "unit"])
def test_impedancepy_example_with_its_own_circuit_is_not_flagged(weighting):
    """impedance.py's example as its own tutorial fits it: inductive points dropped, R0-p(R1,C1)-p(R2-Wo1,C2)."""
    ds = drop_inductive(read_eis(peer_file("echem", "impedancepy", "exampleData.csv")), "all")
    fit = quiet(fit_circuit, ds, "R0-p(R1,C1)-p(R2-Wo1,C2)", initial=GUESS, weighting=weighting)
    assert fit.rms_residual < LACK_OF_FIT_FLOOR and LACK not in fit.flags


def test_points_above_the_real_axis_a_circuit_cannot_follow_are_named():
    """The same example with its nine inductive points kept: R0-p(R1,CPE1)-W1 misses them by up to
    55 % of |Z| (12 % RMS), and they pull CPE1's alpha from 0.56 to 0.64. An inductor, or leaving
    them out, describes the spectrum."""
    ds = read_eis(peer_file("echem", "impedancepy", "exampleData.csv"))
    with pytest.warns(NakitWarning, match="does not describe the spectrum"):
        whole = fit_circuit(ds, "R0-p(R1,CPE1)-W1")
    assert whole.flags == (LACK,)
    assert "the 9 points above the real axis" in whole.flag_details[0]
    assert "an inductor" in whole.flag_details[0]
    for fit in (quiet(fit_circuit, drop_inductive(ds), "R0-p(R1,CPE1)-W1"),
                quiet(fit_circuit, ds, "L0-R0-p(R1,CPE1)-W1")):
        assert LACK not in fit.flags and fit.rms_residual < LACK_OF_FIT_FLOOR


def test_circuit3_with_its_circuit_is_not_flagged():
    fit = quiet(fit_circuit, read_eis(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z")), TWO_ARCS)
    assert LACK not in fit.flags and fit.rms_residual < 0.01


@pytest.mark.parametrize("name", ["ball_milled_cycle01", "ball_milled_cycle50", "cast_annealed_cycle01",
                                  "cast_annealed_cycle50", "blocking_25C", "blocking_80C"])
def test_the_shipped_stand_ins_are_not_flagged(name):
    ds = read_eis(data_dir() / "eis" / f"{name}.z")
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        fit = fit_blocking_cell(ds) if name.startswith("blocking") else fit_circuit(ds, "R0-p(R1,CPE1)-W1")
    assert fit.flags == () and fit.rms_residual < 0.006


def _noisy(circuit, params, noise, n=60, seed=5):
    f = np.logspace(5, -1, n)
    z = Circuit(circuit).impedance(f, params)
    e = np.random.default_rng(seed).standard_normal((2, f.size))
    return f, z + noise * np.abs(z) * (e[0] + 1j * e[1])


TRUTH = {"R0": 100.0, "R1": 200.0, "CPE1_Q": 1e-6, "CPE1_alpha": 0.9, "R2": 500.0, "CPE2_Q": 1e-4,
         "CPE2_alpha": 0.85}


def test_noise_the_data_have_is_not_lack_of_fit():
    """4 % noise on the right circuit leaves 4 % residuals: above the floor, but no more than a
    Kramers-Kronig-consistent model leaves on the same points."""
    f, z = _noisy(TWO_ARCS, TRUTH, 0.04 / np.sqrt(2))
    fit = quiet(fit_circuit_raw, f, z, TWO_ARCS, initial=TRUTH)
    assert fit.rms_residual > LACK_OF_FIT_FLOOR
    assert fit.rms_residual < 3 * fit.kk_rms_residual and LACK not in fit.flags
    # a circuit with one arc too few on the same noisy points is still told apart
    one = quiet(fit_circuit_raw, f, z, "R0-p(R1,CPE1)")
    assert LACK in one.flags


def test_a_spectrum_too_short_for_lin_kk_is_judged_by_the_floor_alone():
    f, z = _noisy(TWO_ARCS, TRUTH, 0.001, n=9)
    fit = quiet(fit_circuit_raw, f, z, "R0-p(R1,CPE1)")
    assert fit.kk_rms_residual is None
    assert fit.rms_residual > LACK_OF_FIT_FLOOR and LACK in fit.flags
    assert "no Kramers-Kronig test" in fit.flag_details[-1]
