"""Forward model round trips: write ZPlot stand-ins, read them back, fit, recover the truth."""

import hashlib

import numpy as np
import pytest

from nakit.eis import synthetic as syn
from nakit.eis.conductivity import arrhenius_fit_raw, fit_blocking_cell, ionic_conductivity
from nakit.eis.fitting import fit_circuit
from nakit.eis.interface import growth_rate, resistance_vs_cycle
from nakit.eis.kk import lin_kk
from nakit.eis.readers import impedance_of, read_zplot


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return syn.write_paper_data(tmp_path_factory.mktemp("eis"))


def _sha(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_bit_for_bit_reproducible_and_matches_shipped(written, tmp_path, root):
    again = syn.write_paper_data(tmp_path)
    assert _sha(written) == _sha(again)
    shipped = root / "data" / "eis"
    if shipped.is_dir():
        assert _sha(written) == _sha([shipped / p.name for p in written])


def test_zplot_round_trip_and_impedancepy_reads_it(written):
    path = next(p for p in written if p.name == "ball_milled_cycle01.z")
    ds = read_zplot(path)
    np.testing.assert_array_equal(ds["frequency"].values, np.array([float(f"{f:.6E}") for f in syn.FREQUENCIES]))
    z_true = syn.simulate(syn.CATHODE_CIRCUIT, syn.cathode_parameters("ball_milled", 1), seed=701)
    np.testing.assert_allclose(impedance_of(ds), z_true, rtol=6e-5)  # ZPlot keeps 5 significant digits
    assert ds.attrs["instrument_potentiostat"] == "1287" and ds.attrs["instrument_analyser"] == "1260"
    assert ds.attrs["instrument_ac_amplitude_mV"] == 20 and "synthesised" in ds.attrs["instrument_comments"]
    preprocessing = pytest.importorskip("impedance.preprocessing")
    f, z = preprocessing.readZPlot(str(path))
    np.testing.assert_array_equal(f, ds["frequency"].values)
    np.testing.assert_array_equal(z, impedance_of(ds))


def test_noise_level_is_as_stated():
    z0 = syn.simulate(syn.CATHODE_CIRCUIT, syn.cathode_parameters("cast_annealed", 10), noise=0.0)
    z = syn.simulate(syn.CATHODE_CIRCUIT, syn.cathode_parameters("cast_annealed", 10), seed=5)
    rel = np.concatenate([(z - z0).real, (z - z0).imag]) / np.tile(np.abs(z0), 2)
    assert np.std(rel) == pytest.approx(syn.NOISE, rel=0.15)


@pytest.mark.parametrize("cathode", list(syn.CATHODES))
def test_cathode_fits_recover_interfacial_resistance(written, cathode):
    fits = {}
    for cycle in syn.CYCLES:
        path = next(p for p in written if p.name == f"{cathode}_cycle{cycle:02d}.z")
        fits[cycle] = fit_circuit(read_zplot(path), syn.CATHODE_CIRCUIT)
        truth = syn.cathode_parameters(cathode, cycle)
        for name in ("R0", "R1", "W1"):
            err = abs(fits[cycle].values[name] - truth[name])
            assert err < 4 * fits[cycle].stderr[name] and err < 0.03 * truth[name], (cycle, name)
    ds = resistance_vs_cycle(fits, "R1", label=cathode)
    g = growth_rate(ds)
    true_r = [syn.CATHODES[cathode]["R1"][c] for c in syn.CYCLES]
    assert g.change == pytest.approx(true_r[-1] - true_r[0], rel=0.02)
    assert g.rate == pytest.approx(np.polyfit(syn.CYCLES, true_r, 1)[0], rel=0.02)


def test_blocking_cell_gives_paper_conductivities_and_arrhenius(written):
    sig, err, temps = [], [], []
    for temp in syn.SERIES_C:
        path = next(p for p in written if p.name == f"blocking_{temp:.0f}C.z")
        ds = read_zplot(path)
        fit = fit_blocking_cell(ds)
        c = ionic_conductivity(fit.values["R1"], syn.PELLET["diameter_mm"], mass_mg=syn.PELLET["mass_mg"],
                               density_g_cm3=syn.PELLET["density_g_cm3"], resistance_sigma=fit.stderr["R1"])
        assert c.sigma == pytest.approx(syn.paper_conductivity(temp), rel=0.005)
        sig.append(c.sigma), err.append(c.sigma_sigma), temps.append(temp + 273.15)
        if temp in syn.PAPER_SIGMA:
            assert c.sigma == pytest.approx(syn.PAPER_SIGMA[temp], rel=0.005)
            kk = lin_kk(ds, fit_type="complex", add_cap=True)
            assert kk.max_residual < 0.02  # noise is 0.3 %: KK-consistent by construction
    fit = arrhenius_fit_raw(temps, sig, err)
    assert abs(fit.ea - 0.21538) < 3 * fit.ea_sigma and fit.ea_sigma < 0.002
