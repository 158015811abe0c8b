"""Circuit strings, elements and fitting against impedance.py (the oracle) and analytic cases."""

import numpy as np
import pytest

from nakit.eis import elements as el
from nakit.eis.batch import fit_circuit_batch, fit_spectra
from nakit.eis.circuits import Circuit
from nakit.eis.fitting import drop_inductive, fit_circuit, fit_circuit_raw, weights
from nakit.eis.readers import impedance_of, iter_loops, read_csv, spectrum_dataset, sweeps_dataset
from nakit.errors import ParameterError
from tests.peer import peer_file

CIRCUIT = "R0-p(R1,C1)-p(R2-Wo1,C2)"
GUESS = [.01, .01, 100, .01, .05, 100, 1]
# the values impedance.py's own test_circuit_fit asserts (rtol 1e-2)
IMPY_LOCAL = np.array([1.65e-2, 8.68e-3, 3.32, 5.39e-3, 6.31e-2, 2.33e2, 2.20e-1])
IMPY_MODULUS = np.array([1.64e-2, 9.06e-3, 3.06, 5.29e-3, 1.45e-1, 1.32e3, 2.02e-1])


@pytest.fixture(scope="module")
def example():
    path = peer_file("echem", "impedancepy", "exampleData.csv")
    ds = read_csv(path)
    keep = ds["z_imag"].values < 0  # impedance.py's ignoreBelowX: drop the inductive points
    return ds.isel(frequency=keep)


@pytest.fixture(scope="module")
def impy():
    return pytest.importorskip("impedance.models.circuits")


@pytest.mark.parametrize("text", ["R0-p(R1,CPE1)-Wo1", "R0-p(R1-Wo1,C2)-L0", "p(R1,C1,CPE1)-Ws1-G1-W1",
                                  "R0-p(R1-p(R2,C2),C1)"])
def test_circuit_impedance_equals_impedancepy(impy, text):
    c = Circuit(text)
    values = np.linspace(0.3, 0.9, len(c.param_names))
    f = np.geomspace(1e5, 1e-2, 40)
    ref = impy.CustomCircuit(text, initial_guess=list(values)).predict(f, use_initial=True)
    np.testing.assert_allclose(c.impedance(f, values), ref, rtol=1e-12)


def test_elements_limits():
    w = np.array([1e-6, 1e6])
    # finite Warburgs: short -> R at low frequency, open -> capacitor 1/(j w C) with C = tau/R
    np.testing.assert_allclose(el.warburg_short(w[:1], 5.0, 2.0), 5.0, rtol=1e-5)
    np.testing.assert_allclose(el.warburg_open(w[:1], 5.0, 2.0), 1 / (1j * w[0] * 2.0 / 5.0), rtol=1e-5)
    # both tend to the semi-infinite Warburg at high frequency: R/sqrt(j w tau)
    for fn in (el.warburg_open, el.warburg_short):
        np.testing.assert_allclose(fn(w[1:], 5.0, 2.0), 5.0 / np.sqrt(1j * w[1] * 2.0), rtol=1e-9)
    assert el.gerischer(w[:1], 3.0, 1.0) == pytest.approx(3.0, rel=1e-5)
    np.testing.assert_allclose(el.cpe(w, 1e-3, 1.0), el.capacitor(w, 1e-3))
    # broadcasting: (S,1) parameters against (N,) frequencies
    assert el.resistor(w, np.ones((3, 1))).shape == (3, 2)


@pytest.mark.parametrize("text, match", [
    ("R0-X1", "unknown element 'X1'"), ("R0-p(R1,C1", "unbalanced"), ("R0)-(R1", "unbalanced"),
    ("R0--R1", "expected an element"), ("p(R1)", "two branches"), ("R0-R0", "used twice"),
    ("", "empty"), ("R0-p(R1,C1)R2", "unexpected"), ("R0-p(R1;C1)", "unexpected character"),
])
def test_bad_circuit_strings(text, match):
    with pytest.raises(ParameterError, match=match):
        Circuit(text)


@pytest.mark.parametrize("text, resistor, values, tau", [
    ("R0-p(R1,C1)", "R1", {"R1": 100.0, "C1": 1e-6}, 1e-4),
    ("Rs-p(Rct,CPEdl)-Wo1", "Rct", {"Rct": 100.0, "CPEdl_Q": 1e-5, "CPEdl_alpha": 0.9}, (100 * 1e-5) ** (1 / 0.9)),
    ("R0-p(R1-Wo1,CPE1)", "R1", {"R1": 10.0, "CPE1_Q": 1e-3, "CPE1_alpha": 1.0}, 1e-2),  # Randles: Rct with Cdl
    ("R0-p(R1,C1)-p(R2,C2)", "R2", {"R2": 10.0, "C2": 1e-3, "R1": 1.0, "C1": 1.0}, 1e-2),
    ("R0-p(R1,C1)", "R0", {"R0": 1.0, "R1": 1.0, "C1": 1.0}, None),  # in series with nothing
    ("R0-p(R1,C1,R2)", "R1", {"R1": 1.0, "C1": 1.0, "R2": 1.0}, None),  # three branches: no one pair
    ("R0-p(R1,C1)", "R1", {"R1": 0.0, "C1": 1e-6}, None)])
def test_a_resistors_time_constant_is_found_by_the_circuit_not_by_label_numbers(text, resistor, values, tau):
    """The notebook paired a resistor with the CPE of its number: Rct with CPEdl found none."""
    found = Circuit(text).time_constant(resistor, values)
    assert found == (None if tau is None else pytest.approx(tau, rel=1e-12))


def test_more_parameters_than_points():
    f = [10.0, 100.0]
    z = [1 - 1j, 1 - 0.5j]
    with pytest.raises(ParameterError, match="free parameters"):
        fit_circuit_raw(f, z, "R0-p(R1,CPE1)-Wo1")
    with pytest.raises(ParameterError, match="repeated"):
        fit_circuit_raw([10, 10, 100, 1000], [1, 1, 1, 1], "R0")
    with pytest.raises(ParameterError, match="non-finite"):
        fit_circuit_raw([10, 100, 1000], [1, np.nan, 1], "R0")
    with pytest.raises(ParameterError, match="positive"):
        fit_circuit_raw([-10, 100, 1000], [1, 1, 1], "R0")


def test_reproduces_impedancepy_asserted_values(example, impy):
    """impedance.py stops at curve_fit's default xtol/gtol (1e-8): with those, nakit stops at a point
    a small fraction of a standard error away (both stop early in Wo1's flat valley; nakit's steps
    are scaled by the Jacobian, curve_fit's are not); converged further (nakit's default),
    chi-square is lower and parameters move by less than one standard error."""
    f, z = example["frequency"].values, impedance_of(example)
    from impedance.models.circuits.fitting import circuit_fit

    for weighting, asserted, by_mod in (("unit", IMPY_LOCAL, False), ("modulus", IMPY_MODULUS, True)):
        p_ref, _ = circuit_fit(f, z, CIRCUIT, GUESS, constants={}, weight_by_modulus=by_mod)
        loose = fit_circuit_raw(f, z, CIRCUIT, initial=GUESS, weighting=weighting, tol=1e-8)
        assert loose.weighting == weighting
        np.testing.assert_allclose(list(loose.values.values()), asserted, rtol=1e-2)
        full = fit_circuit(example, CIRCUIT, initial=GUESS, weighting=weighting)
        sd = np.array(list(full.stderr.values()))
        assert np.all(np.abs(np.array(list(loose.values.values())) - p_ref) < 0.1 * sd)
        chi_ref = np.sum(np.abs((Circuit(CIRCUIT).impedance(f, p_ref) - z) * weights(z, weighting)) ** 2)
        assert full.chisqr <= chi_ref * (1 + 1e-12)
        moved = np.abs(np.array(list(full.values.values())) - p_ref)
        assert np.all(moved < np.array(list(full.stderr.values())))
        assert full.correlation.shape == (7, 7)
        np.testing.assert_allclose(np.diag(full.correlation), 1.0)


def test_stderr_matches_curve_fit(example, impy):
    f, z = example["frequency"].values, impedance_of(example)
    from impedance.models.circuits.fitting import circuit_fit

    p_ref, e_ref = circuit_fit(f, z, CIRCUIT, GUESS, constants={}, weight_by_modulus=True)
    fit = fit_circuit_raw(f, z, CIRCUIT, initial=GUESS, weighting="modulus")
    np.testing.assert_allclose(list(fit.stderr.values()), e_ref, rtol=1e-2)


def test_multistart_finds_impedancepy_global_basin(example):
    """impedance.py's test asserts these basinhopping results (rtol 0.1) for the unweighted fit;
    multi-start reaches the same basin, with a chi-square at least as low."""
    glob = np.array([1.65e-2, 5.34e-3, 0.22, 9.15e-3, 1.31e-1, 1.10e3, 2.78])
    f, z = example["frequency"].values, impedance_of(example)
    single = fit_circuit(example, CIRCUIT, initial=GUESS, weighting="unit")
    multi = fit_circuit(example, CIRCUIT, initial=GUESS, weighting="unit", n_starts=5, seed=1, max_nfev=3000)
    assert multi.n_starts == 5 and multi.chisqr < 0.75 * single.chisqr
    assert multi.chisqr <= np.sum(np.abs(Circuit(CIRCUIT).impedance(f, glob) - z) ** 2)
    got = np.array(list(multi.values.values()))
    np.testing.assert_allclose(got[[0, 1, 2, 3, 6]], glob[[0, 1, 2, 3, 6]], rtol=1e-2)
    np.testing.assert_allclose(got[[4, 5]], glob[[4, 5]], rtol=0.2)  # Wo1 lies in a flat valley


def test_recovers_known_parameters_with_fixed_and_proportional():
    c = Circuit("R0-p(R1,CPE1)-W1")
    truth = {"R0": 120.0, "R1": 800.0, "CPE1_Q": 2e-6, "CPE1_alpha": 0.85, "W1": 300.0}
    f = np.geomspace(1e5, 0.1, 61)
    z = c.impedance(f, truth)
    for weighting in ("unit", "modulus", "proportional"):
        fit = fit_circuit_raw(f[::-1], z[::-1], c, weighting=weighting, n_starts=3)
        for k, v in truth.items():
            assert fit.values[k] == pytest.approx(v, rel=1e-6), (weighting, k)
    fit = fit_circuit_raw(f, z, c, fixed={"R0": 120.0}, initial={"R1": 500.0})
    assert "R0" not in fit.free and fit.values["R1"] == pytest.approx(800.0, rel=1e-6)
    with pytest.raises(ParameterError, match="no parameter"):
        fit_circuit_raw(f, z, c, fixed={"R9": 1.0})


def test_batch_matches_impedancepy(example, impy):
    """From impedance.py's own start the batch ends at its minimum, or says where it cannot.

    This circuit has two ends on this file a hair apart in chi-square (0.14 %): impedance.py's
    minimum, where Wo1 is poorly determined (sigma ~180 %), and the valley where Wo1's tau runs
    far above 1/f and Wo1 acts as a capacitor, so Wo1_R and Wo1_tau only fix one combination.
    Which one the batched Levenberg-Marquardt reaches from this start turns on the last bit of
    numpy's complex functions: the valley with AVX-512 (numpy's SIMD loops), the minimum
    without. Either way every number is right or flagged: the parameters that differ from
    impedance.py's are the undetermined ones, with NaN errors.
    """
    f, z = example["frequency"].values, impedance_of(example)
    from impedance.models.circuits.fitting import circuit_fit

    p_ref, e_ref = circuit_fit(f, z, CIRCUIT, GUESS, constants={}, weight_by_modulus=True)
    out = fit_circuit_batch(f, np.stack([z, z * 2.0]), CIRCUIT, GUESS, weighting="modulus")
    assert bool(out["converged"].all())
    # scaling all impedances by 2 scales resistances and Wo1_R by 2, capacitances by 1/2
    scale = np.array([2, 2, 0.5, 2, 2, 1, 0.5])
    chisqr_ref = _modulus_chisqr(impy, f, z, p_ref)
    for s, factor in enumerate((np.ones(7), scale)):
        value, sigma = out["value"].values[s], out["value_sigma"].values[s]
        determined = out["determined"].values[s]
        assert out["chisqr"].values[s] <= chisqr_ref * 1.002
        if determined.all():
            np.testing.assert_allclose(value, p_ref * factor, rtol=1e-4)
            np.testing.assert_allclose(sigma, e_ref * np.abs(factor), rtol=1e-3)
        else:
            names = list(out["parameter"].values[~determined])
            assert names == ["Wo1_R", "Wo1_tau"] and np.isnan(sigma[~determined]).all()
            assert np.isnan(out["correlation"].values[s][~determined]).all()
            np.testing.assert_allclose(value[determined], (p_ref * factor)[determined], rtol=1e-3)
            np.testing.assert_allclose(sigma[determined], (e_ref * np.abs(factor))[determined], rtol=1e-2)
    single = fit_circuit_raw(f, z, CIRCUIT, initial=GUESS, weighting="modulus")
    np.testing.assert_allclose(list(single.values.values()), p_ref, rtol=1e-4)
    if out["determined"].values[0].all():
        np.testing.assert_allclose(out["correlation"].values[0], single.correlation, atol=2e-3)
    # started at impedance.py's minimum, the batch stays there, with its errors and correlations
    at_min = fit_circuit_batch(f, z[None], CIRCUIT, p_ref, weighting="modulus")
    assert bool(at_min["determined"].all())
    np.testing.assert_allclose(at_min["value"].values[0], p_ref, rtol=1e-5)
    np.testing.assert_allclose(at_min["value_sigma"].values[0], e_ref, rtol=1e-3)
    np.testing.assert_allclose(at_min["correlation"].values[0], single.correlation, atol=2e-3)
    assert out.attrs["weighting"] == "modulus"


def test_batch_flags_parameters_the_data_do_not_determine():
    """Two resistors in series: the data fix their sum only, so neither gets an error (NaN, not
    the pseudo-inverse's small finite numbers) and the rest keep theirs."""
    f = np.geomspace(1e5, 0.1, 50)
    c = Circuit("R0-R1-p(R2,C1)")
    z = c.impedance(f, {"R0": 20.0, "R1": 30.0, "R2": 400.0, "C1": 2e-6})
    out = fit_circuit_batch(f, np.stack([z, z * 1.5]), c, [10.0, 10.0, 300.0, 1e-6], weighting="modulus")
    assert bool(out["converged"].all())
    for s, factor in enumerate((1.0, 1.5)):
        assert dict(zip(out["parameter"].values, out["determined"].values[s])) == {
            "R0": False, "R1": False, "R2": True, "C1": True}
        value, sigma = out["value"].values[s], out["value_sigma"].values[s]
        assert value[0] + value[1] == pytest.approx(50.0 * factor, rel=1e-8)
        np.testing.assert_allclose(value[2:], [400.0 * factor, 2e-6 / factor], rtol=1e-8)
        assert np.isnan(sigma[:2]).all() and np.isfinite(sigma[2:]).all()
        corr = out["correlation"].values[s]
        assert np.isnan(corr[:2]).all() and np.isnan(corr[:, :2]).all() and np.isfinite(corr[2:, 2:]).all()
    # the same fit with R1 held: everything determined
    held = fit_circuit_batch(f, z[None], c, [10.0, 300.0, 1e-6], fixed={"R1": 30.0}, weighting="modulus")
    assert bool(held["determined"].all()) and np.isfinite(held["value_sigma"].values).all()
    np.testing.assert_allclose(held["value"].values[0], [20.0, 400.0, 2e-6], rtol=1e-8)


def test_batch_parameter_with_no_effect_at_all_spoils_no_other_spectrum():
    """An inductance started at 1e-15 H changes nothing below 1 kHz: its Jacobian column is zero.
    That spectrum's L0 is not determined (NaN error), its other parameters keep the errors of
    the fit with L0 held there (up to the degrees of freedom), and the rest of the batch is as if fitted alone (the zero column
    used to give NaN in the scaled normal matrix, and eigh raised for the whole batch)."""
    f = np.geomspace(1e3, 0.01, 40)
    c = Circuit("L0-R0-p(R1,C1)")
    z = c.impedance(f, {"L0": 1e-6, "R0": 10.0, "R1": 100.0, "C1": 1e-4})
    start = np.array([[1e-15, 5.0, 50.0, 1e-5], [1e-6, 5.0, 50.0, 1e-5]])
    out = fit_circuit_batch(f, np.stack([z, z]), c, start)
    assert out["determined"].values.tolist() == [[False, True, True, True], [True] * 4]
    sigma = out["value_sigma"].values
    assert np.isnan(sigma[0, 0]) and np.isfinite(sigma[0, 1:]).all() and np.isfinite(sigma[1]).all()
    held = fit_circuit_batch(f, z[None], c, start[0, 1:], fixed={"L0": 1e-15})
    np.testing.assert_allclose(out["value"].values[0, 1:], held["value"].values[0], rtol=1e-10)
    # the same covariance, scaled by chi^2/(2N-P) with L0 still counted among the P parameters
    dof = (2 * f.size - 3) / (2 * f.size - 4)
    np.testing.assert_allclose(sigma[0, 1:], held["value_sigma"].values[0] * np.sqrt(dof), rtol=1e-6)
    alone = fit_circuit_batch(f, z[None], c, start[1:])
    np.testing.assert_allclose(out["value"].values[1], alone["value"].values[0], rtol=1e-10)
    np.testing.assert_allclose(sigma[1], alone["value_sigma"].values[0], rtol=1e-6)


def _modulus_chisqr(impy, f, z, p):
    model = impy.CustomCircuit(CIRCUIT, initial_guess=list(p)).predict(f, use_initial=True)
    r = (model - z) / np.abs(z)
    return float(np.sum(r.real ** 2 + r.imag ** 2))


def test_batch_recovers_many_spectra():
    c = Circuit("R0-p(R1,CPE1)-W1")
    rng = np.random.default_rng(3)
    truth = np.column_stack([rng.uniform(50, 150, 20), rng.uniform(200, 2000, 20), rng.uniform(1e-6, 5e-6, 20),
                             rng.uniform(0.75, 0.95, 20), rng.uniform(100, 400, 20)])
    f = np.geomspace(1e5, 0.1, 61)
    z = c.impedance(f, {n: truth[:, i:i + 1] for i, n in enumerate(c.param_names)})
    out = fit_circuit_batch(f, z, c, [100, 1000, 3e-6, 0.85, 200], weighting="proportional")
    np.testing.assert_allclose(out["value"].values, truth, rtol=1e-6)
    with pytest.raises(ParameterError, match="shape"):
        fit_circuit_batch(f, z, c, np.ones((3, 5)))
    with pytest.raises(ParameterError, match="inside the bounds"):
        fit_circuit_batch(f, z, c, [100, 1000, 3e-6, 1.5, 200])


def test_lmfit_model_with_prefix_guess_and_composite():
    from nakit.eis.circuits import CircuitModel

    c = Circuit("R0-p(R1,CPE1)-W1")
    f = np.geomspace(1e5, 0.1, 61)
    z = c.impedance(f, [100.0, 800.0, 3e-6, 0.85, 200.0])
    model = CircuitModel(c, prefix="a_")
    pars = model.guess(z, frequency=f)
    assert set(pars) == {"a_R0", "a_R1", "a_CPE1_Q", "a_CPE1_alpha", "a_W1"}
    assert pars["a_CPE1_alpha"].max == 1 and pars["a_R1"].min == 0
    res = model.fit(z, pars, frequency=f, weights=1 / np.abs(z))
    assert res.best_values["a_R1"] == pytest.approx(800.0, rel=1e-8)
    # lmfit composition: two circuits in series are one circuit
    both = CircuitModel("R0-p(R1,C1)", prefix="x_") + CircuitModel("p(R2,C2)", prefix="y_")
    vals = dict(x_R0=10.0, x_R1=50.0, x_C1=1e-5, y_R2=30.0, y_C2=1e-3)
    np.testing.assert_allclose(both.eval(both.make_params(**vals), frequency=f),
                               Circuit("R0-p(R1,C1)-p(R2,C2)").impedance(f, [10.0, 50.0, 1e-5, 30.0, 1e-3]))
    with pytest.raises(ParameterError, match="frequency"):
        model.guess(z)


def test_fit_spectra_from_files(tmp_path):
    from nakit.eis import fit_spectra, read_zplot
    from nakit.eis.synthetic import FREQUENCIES, write_zplot

    c = Circuit("R0-p(R1,C1)")
    paths = [write_zplot(tmp_path / f"s{i}.z", FREQUENCIES, c.impedance(FREQUENCIES, [10.0, 100.0 * (i + 1), 1e-5]))
             for i in range(3)]
    out = fit_spectra([read_zplot(p) for p in paths], c, [10.0, 150.0, 2e-5])
    np.testing.assert_allclose(out["value"].sel(parameter="R1").values, [100.0, 200.0, 300.0], rtol=2e-4)
    assert out["source"].values[1].endswith("s1.z")
    short = write_zplot(tmp_path / "short.z", FREQUENCIES[:40], c.impedance(FREQUENCIES[:40], [10.0, 100.0, 1e-5]))
    with pytest.raises(ParameterError, match="one grid"):
        fit_spectra([read_zplot(paths[0]), read_zplot(short)], c, [10.0, 150.0, 2e-5])


def test_default_weighting_is_modulus_as_documented(example):
    """The default is stated in the fit and is the explicit ``"modulus"`` fit (impedance.py's
    ``weight_by_modulus=True``, checked above), not impedance.py's unweighted default."""
    fit = fit_circuit(example, CIRCUIT, initial=GUESS)
    assert fit.weighting == "modulus" and fit.to_dataset().attrs["weighting"] == "modulus"
    explicit = fit_circuit(example, CIRCUIT, initial=GUESS, weighting="modulus")
    assert fit.values == explicit.values
    unweighted = fit_circuit(example, CIRCUIT, initial=GUESS, weighting="unit")
    assert abs(unweighted.values["R1"] / fit.values["R1"] - 1) > 0.02  # the choice matters on real data


def test_drop_inductive_all_equals_impedancepy_ignore_below_x():
    pre = pytest.importorskip("impedance.preprocessing")
    path = peer_file("echem", "impedancepy", "exampleData.csv")
    f_ref, z_ref = pre.ignoreBelowX(*pre.readCSV(str(path)))
    ds = read_csv(path)
    for where in ("all", "high"):  # this spectrum's 9 inductive points are its 9 highest frequencies
        out = drop_inductive(ds, where=where)
        np.testing.assert_array_equal(out["frequency"], f_ref)
        np.testing.assert_array_equal(impedance_of(out), z_ref)
        assert out.attrs["dropped_inductive_points"] == 9 and out.attrs["dropped_inductive_where"] == where
    assert "dropped_inductive_points" not in ds.attrs  # the input is not modified


def test_drop_inductive_high_keeps_a_low_frequency_loop_and_handles_loops():
    f = np.array([1e5, 1e4, 1e3, 1e2, 10, 1])
    z = np.array([5 + 2j, 5 + 0.5j, 6 - 3j, 9 - 4j, 12 - 1j, 12 + 0.5j])  # cable inductance, arc, low-f loop
    ds = spectrum_dataset(f, z)
    high = drop_inductive(ds)
    np.testing.assert_array_equal(high["frequency"], f[2:])
    np.testing.assert_array_equal(drop_inductive(ds, "all")["frequency"], f[2:5])
    # ascending sweep order: "high" still means the high-frequency end
    up = spectrum_dataset(f[::-1], z[::-1])
    np.testing.assert_array_equal(drop_inductive(up)["frequency"], f[2:][::-1])
    # two loops: a frequency inductive in either loop goes, so both keep one grid
    z2 = z.copy()
    z2[2] = 6 + 0.1j
    loops = sweeps_dataset(np.tile(f, 2), np.concatenate([z, z2]), np.repeat([0, 1], 6))
    out = drop_inductive(loops)
    np.testing.assert_array_equal(out["frequency"], f[3:])
    assert out.sizes["loop"] == 2 and out.attrs["dropped_inductive_points"] == 3
    with pytest.raises(ParameterError, match="where"):
        drop_inductive(ds, "low")
    with pytest.raises(ParameterError, match="every point"):
        drop_inductive(spectrum_dataset(f[:2], z[:2]))


def test_fit_refuses_a_multi_loop_spectrum():
    f = np.geomspace(1e5, 1, 20)
    z = Circuit("R0-p(R1,C1)").impedance(f, [10.0, 100.0, 1e-6])
    loops = sweeps_dataset(np.tile(f, 2), np.concatenate([z, z * 1.01]), np.repeat([0, 1], 20))
    with pytest.raises(ParameterError, match="select_loop"):
        fit_circuit(loops, "R0-p(R1,C1)")
    fits = {k: fit_circuit(s, "R0-p(R1,C1)") for k, s in iter_loops(loops)}
    assert fits[0].values["R1"] == pytest.approx(100.0, rel=1e-6)
    assert fits[1].values["R1"] == pytest.approx(101.0, rel=1e-6)


def test_fit_every_loop_of_a_real_multi_loop_file():
    """EC-Lab's four repeated sweeps: fitted one by one and all at once, the same numbers."""
    from nakit.eis import read_eis

    ds = read_eis(peer_file("echem", "yadg", "peis.issue_149.mpt"))
    spectra = [s for _, s in iter_loops(ds)]
    start = [10.0, 100.0, 1e-5, 0.8]
    batch = fit_spectra(spectra, "R0-p(R1,CPE1)", start)
    for k, s in enumerate(spectra):
        one = fit_circuit(s, "R0-p(R1,CPE1)", initial=start)
        # the two solvers stop at the same minimum to far better than its standard errors
        diff = np.abs(batch["value"].values[k] - list(one.values.values()))
        assert np.all(diff < 0.01 * batch["value_sigma"].values[k])
    r1 = batch["value"].sel(parameter="R1").values
    assert np.all(np.diff(r1) < 0)  # the cell's arc shrinks from sweep to sweep (89 -> 86 ohm)
