"""Lin-KK against impedance.py's linKK on the real Circuit3_EIS_1.z, and analytic cases."""

import contextlib
import io
import warnings

import numpy as np
import pytest

from nakit.eis.circuits import Circuit
from nakit.eis.kk import lin_kk, lin_kk_raw, mu_criterion, time_constants
from nakit.eis.readers import impedance_of, read_zplot
from nakit.errors import NakitWarning, ParameterError
from tests.peer import peer_file


#: impedance.py's linKK settings (nakit's defaults are notebook 05's: complex, series capacitance, M from 10)
IMPY = {"fit_type": "real", "add_cap": False, "min_M": 1}


@pytest.fixture(scope="module")
def circuit3():
    return read_zplot(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))


@pytest.fixture(scope="module")
def impy_linkk():
    validation = pytest.importorskip("impedance.validation")
    # impedance.py 1.x builds its Lin-KK circuit as a string from list reprs; under numpy 2 these
    # read "np.float64(...)" and its eval namespace has no "np". Give it one so it can serve as oracle.
    validation.circuit_elements.setdefault("np", np)

    def run(*args, **kwargs):
        with contextlib.redirect_stdout(io.StringIO()):  # it prints progress every 10 M
            return validation.linKK(*args, **kwargs)
    return run


@pytest.mark.parametrize("c", [0.85, 0.69])
@pytest.mark.parametrize("fit_type", ["real", "imag", "complex"])
@pytest.mark.parametrize("add_cap", [False, True])
def test_matches_impedancepy(circuit3, impy_linkk, c, fit_type, add_cap):
    f, z = circuit3["frequency"].values, impedance_of(circuit3)
    M, mu, z_fit, res_re, res_im = impy_linkk(f, z, c=c, fit_type=fit_type, add_cap=add_cap)
    ours = lin_kk(circuit3, c=c, fit_type=fit_type, add_cap=add_cap, min_M=1)  # impedance.py's search, from M = 1
    assert ours.M == M
    assert ours.mu == pytest.approx(mu, abs=1e-9)
    np.testing.assert_allclose(ours.z_fit, z_fit, rtol=1e-8)
    np.testing.assert_allclose(ours.residuals_real, res_re, atol=1e-8)
    np.testing.assert_allclose(ours.residuals_imag, res_im, atol=1e-8)


def test_impedancepy_test_case(circuit3):
    """impedance.py's test_linKK asserts M = 10 and mu = 0.6843821117885378 for c = 0.69."""
    ours = lin_kk(circuit3, c=0.69, **IMPY)
    assert ours.M == 10 and ours.mu == pytest.approx(0.6843821117885378, abs=1e-12)
    ds = ours.to_dataset()
    assert ds.attrs["M"] == 10 and ds["residual_real"].attrs["units"] == "1"


def test_mu_and_time_constants():
    assert mu_criterion([1.0, 2.0]) == 1.0
    assert mu_criterion([1.0, -0.5]) == 0.5
    tau = time_constants([1e5, 1e-1], 7)
    assert tau[0] == pytest.approx(1 / (2 * np.pi * 1e5)) and tau[-1] == pytest.approx(1 / (2 * np.pi * 0.1))
    np.testing.assert_allclose(np.diff(np.log(tau)), np.log(tau[1] / tau[0]))


def test_kk_compliant_passes_and_drift_fails():
    f = np.geomspace(1e5, 0.1, 61)
    c = Circuit("R0-p(R1,CPE1)-p(R2,C2)")
    z = c.impedance(f, [50.0, 400.0, 1e-6, 0.8, 300.0, 1e-3])
    good = lin_kk_raw(f, z, fit_type="complex", add_cap=False)  # (it returns to the real axis: no capacitor needed)
    assert good.mu < 0.85 and good.max_residual < 2e-3
    assert good.rms_residual < 1e-3 and "kk_residuals_large" not in good.flags
    # with the default series capacitance mu falls below 0.85 sooner (12 elements, not 21): 0.53 % RMS, passed
    default = lin_kk_raw(f, z)
    assert default.ok and default.M == 12 and default.rms_residual == pytest.approx(0.0053, abs=1e-4)
    drift = z + np.linspace(0, 60.0, f.size)  # resistance creeping up during the sweep (non-stationary)
    with pytest.warns(NakitWarning, match="RMS residual"):
        bad = lin_kk_raw(f, drift, fit_type="complex", add_cap=False)
    with pytest.warns(NakitWarning, match="not Kramers-Kronig consistent"):
        assert "kk_residuals_large" in lin_kk_raw(f, drift).flags  # and so with the defaults
    assert bad.max_residual > 10 * good.max_residual
    assert bad.rms_residual > 0.01 and "kk_residuals_large" in bad.flags and not bad.ok
    # the RMS of the complex relative residual, as defined
    assert bad.rms_residual == pytest.approx(np.sqrt(np.mean(np.abs((drift - bad.z_fit) / np.abs(drift)) ** 2)))
    # the verdict follows the limit; None leaves it to the caller
    assert "kk_residuals_large" not in lin_kk_raw(f, drift, add_cap=False, residual_limit=1.0).flags
    assert "kk_residuals_large" not in lin_kk_raw(f, drift, add_cap=False, residual_limit=None).flags
    with pytest.raises(ParameterError, match="fit_type"):
        lin_kk_raw(f, z, fit_type="both")


@pytest.mark.parametrize("method", ["lin_kk", "fit", "batch"])
def test_inputs_not_mutated_lists_accepted_order_irrelevant(method):
    from nakit.eis.batch import fit_circuit_batch
    from nakit.eis.fitting import fit_circuit_raw

    f = np.geomspace(1e5, 0.1, 31)
    z = Circuit("R0-p(R1,CPE1)").impedance(f, [20.0, 300.0, 2e-6, 0.9])
    z = z * (1 + 0.002 * np.cos(np.arange(f.size)))
    run = {"lin_kk": lambda f, z: lin_kk_raw(f, z).z_fit[np.argsort(f)],
           "fit": lambda f, z: np.array(list(fit_circuit_raw(f, z, "R0-p(R1,CPE1)").values.values())),
           "batch": lambda f, z: fit_circuit_batch(f, [z], "R0-p(R1,CPE1)", [20.0, 300.0, 2e-6, 0.9])["value"].values[0]}[method]
    f_copy, z_copy = f.copy(), z.copy()
    ref = run(f, z)
    np.testing.assert_array_equal(f, f_copy)
    np.testing.assert_array_equal(z, z_copy)
    np.testing.assert_allclose(run(list(f), list(z)), ref, rtol=1e-12)
    order = np.random.default_rng(0).permutation(f.size)
    np.testing.assert_allclose(run(f[order], z[order]), ref, rtol=1e-6)


def test_min_M_skips_the_spurious_early_mu_dip():
    from nakit.eis import synthetic as syn

    f = syn.FREQUENCIES
    z = syn.simulate(syn.CATHODE_CIRCUIT, syn.cathode_parameters("ball_milled", 50), seed=704)
    early = lin_kk_raw(f, z, fit_type="complex", add_cap=True, min_M=1)
    assert early.M < 6 and early.max_residual > 0.2  # mu < 0.85 at a handful of elements, data not described
    robust = lin_kk_raw(f, z, fit_type="complex", add_cap=True, min_M=10)
    assert robust.M >= 10 and robust.mu < 0.85 and robust.max_residual < 0.015
    with pytest.raises(ParameterError, match="min_M"):
        lin_kk_raw(f, z, min_M=60)


@pytest.mark.parametrize("name, fails", [("data.dta", False), ("drift-corrected-data.dta", True)])
def test_pyimpspec_gamry_spectra_with_the_notebooks_settings(name, fails):
    """pyimpspec's example Gamry files: the clean one passes; the other leaves 1.3 % RMS (6.7 % at worst)."""
    from nakit.eis import read_eis

    ds = read_eis(peer_file("echem", "pyimpspec", name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        res = lin_kk(ds, fit_type="complex", add_cap=True, min_M=10)
    assert ("kk_residuals_large" in res.flags) is fails
    assert (res.rms_residual > 0.01) is fails


@pytest.mark.parametrize("name, fails", [("drift-corrected-data.dta", True), ("data.dta", False)])
def test_rms_residual_agrees_with_pyimpspec(name, fails):
    """pyimpspec's own Lin-KK test on its example files: the same verdict at 1 %, and for the
    drifting file the same RMS relative residual within 15 % (pyimpspec 1.39 %, nakit 1.30 %).

    pyimpspec's residuals are the same quantity, (Z - Z_fit)/|Z| for the real and imaginary
    parts (in percent); the RMS over both parts is taken here as nakit's ``rms_residual`` is.
    Settings: complex fit on the impedance, series capacitance and inductance added; the
    number of RC elements (at least 10 here) and the extension of the time-constant range are
    pyimpspec's own choices, as the notebook's are nakit's (mu cut-off 0.85, min_M = 10).
    With pyimpspec's mu criterion alone (method 1, cut-off 0.85, no extension) it stops at 13
    RC elements on the drifting file with 2.1 %, and at nakit's own M = 22 gets 1.5 %: its
    complex fit weights the points otherwise, so only the verdicts are compared there. On the
    clean file both are far below the limit (0.003 % and 0.009 %), where relative agreement
    means nothing: both are asserted below 0.1 %.
    """
    pyimpspec = pytest.importorskip("pyimpspec")
    from pyimpspec.analysis.kramers_kronig import perform_kramers_kronig_test

    from nakit.eis import read_eis

    path = peer_file("echem", "pyimpspec", name)
    data = pyimpspec.parse_data(str(path))[0]

    def rms(test):
        _, real, imag = test.get_residuals_data()
        return float(np.sqrt(np.mean(real ** 2 + imag ** 2))) / 100

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = perform_kramers_kronig_test(data, test="complex", admittance=False,
                                             add_capacitance=True, add_inductance=True)
        mu_only = perform_kramers_kronig_test(data, test="complex", admittance=False, add_capacitance=True,
                                              add_inductance=True, num_F_ext_evaluations=0, log_F_ext=0.0,
                                              methods=[1], mu_criterion=0.85, lower_limit=10)
        ours = lin_kk(read_eis(path), fit_type="complex", add_cap=True, min_M=10)
    assert theirs.num_RC >= 10 and ours.M >= 10
    assert ("kk_residuals_large" in ours.flags) is fails
    assert (rms(theirs) > 0.01) is fails and (rms(mu_only) > 0.01) is fails
    if fails:
        assert ours.rms_residual == pytest.approx(rms(theirs), rel=0.15)
    else:
        assert ours.rms_residual < 1e-3 and rms(theirs) < 1e-3
