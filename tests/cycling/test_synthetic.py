"""The forward model round trip: LAND stand-ins -> reader -> analysis gives back the model."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from nakit.cycling import (PAPER_CELL, dqdv, fit_fade, plateau_series, rate_capability, read_land,
                           read_land_cycle_table, summarise)
from nakit.cycling.synthetic import (BALL_MILLED, CAST_ANNEALED, Protocol, CycleSpec, paper_files,
                                     paper_protocols, simulate, write_land_xlsx, write_paper_data)


def sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def files():
    return paper_files()


@pytest.fixture(scope="module")
def ca50(files):
    return read_land(files["cast_annealed_50cycles"])


def test_regeneration_reproduces_the_committed_bytes(tmp_path, files):
    written = write_paper_data(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in files.values())
    for p in written:
        assert sha(p) == sha(files[p.stem]), p.name
        assert p.stat().st_size < 1_000_000


def test_summary_matches_the_cycle_tab(ca50, files):
    tab = read_land_cycle_table(files["cast_annealed_50cycles"])
    cyc, integ = summarise(ca50, source="cycler"), summarise(ca50)
    for name in ("charge_capacity", "discharge_capacity", "coulombic_efficiency"):
        assert np.max(np.abs(cyc[name] / tab[name] - 1)) < 1e-4
        assert np.max(np.abs(integ[name] / tab[name] - 1)) < 1e-3
    for name in ("charge_energy", "discharge_energy"):
        assert np.max(np.abs(integ[name] / tab[name] - 1)) < 2e-3
    assert np.max(np.abs(integ["median_discharge_voltage"] - tab["median_discharge_voltage"])) < 5e-3


def test_model_capacities_and_kinetics_come_back(ca50):
    cathode, protocol = paper_protocols()["cast_annealed_50cycles"]
    s = summarise(ca50, PAPER_CELL)
    want = np.array([c.discharge_capacity for c in protocol.cycles])
    np.testing.assert_allclose(s["specific_discharge_capacity"], want, rtol=1e-4)
    assert s.attrs["active_mass_mg"] == pytest.approx(1.5)
    assert s.attrs["first_half_cycle"] == "charge"
    # hysteresis at matched state of charge is twice the model's overpotential
    assert np.median(s["hysteresis"][1:]) == pytest.approx(2 * cathode.overpotential, abs=0.01)


def test_plateau_at_0p6_V_is_found(ca50):
    curves = dqdv(ca50, PAPER_CELL)
    plat = plateau_series(curves["discharge"].sel(cycle=slice(2, None)), (0.5, 0.8))
    assert plat.attrs["voltage_mean"] == pytest.approx(0.60, abs=0.005)
    # the plateau holds 4 % of each discharge
    s = summarise(ca50, PAPER_CELL)
    frac = plat["capacity"] / s["specific_discharge_capacity"].sel(cycle=plat["cycle"])
    assert float(frac.median()) == pytest.approx(0.04, rel=0.25)


def test_rate_steps_recovered(files):
    s = summarise(read_land(files["cast_annealed_rate"]), PAPER_CELL)
    r = rate_capability(s)
    np.testing.assert_allclose(r["current_density"], [20, 50, 100, 150, 20], rtol=1e-3)
    np.testing.assert_allclose(r["discharge_capacity_mean"], [1050, 750, 500, 200, 900], rtol=1e-3)
    assert list(r["first_cycle"].values) == [1, 4, 7, 10, 13]


def test_fade_fit_recovers_the_trajectory(ca50):
    fit = fit_fade(summarise(ca50, PAPER_CELL), "exponential")
    assert fit.params["exp_decay"] == pytest.approx(34.2, abs=3 * fit.stderr["exp_decay"] + 0.5)
    assert fit.params["c_c"] == pytest.approx(600, abs=3 * fit.stderr["c_c"] + 2)
    assert fit.active_mass_mg == pytest.approx(1.5)


def test_land_variants_read_the_same(tmp_path):
    """uA units, Chinese headers and records split over several sheets give the same record."""
    protocol = Protocol((CycleSpec(50, 700, 720), CycleSpec(100, 500, 505)), points_per_half_cycle=40)
    rec, tab = simulate(BALL_MILLED, protocol, seed=3)
    base = read_land(write_land_xlsx(tmp_path / "en.xlsx", rec, tab, active_mass_mg=1.5))
    variant = read_land(write_land_xlsx(tmp_path / "zh.xlsx", rec, tab, active_mass_mg=1.5, language="zh",
                                        micro=True, rows_per_sheet=60))
    assert variant.attrs["instrument_record_sheets"].count(",") >= 2
    for name in ("voltage", "capacity", "energy", "state"):
        np.testing.assert_allclose(variant[name], base[name], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(read_land_cycle_table(tmp_path / "zh.xlsx")["discharge_capacity"],
                               read_land_cycle_table(tmp_path / "en.xlsx")["discharge_capacity"], rtol=1e-6)


def test_simulation_is_seeded():
    p = Protocol((CycleSpec(50, 600, 610),), points_per_half_cycle=30)
    a, _ = simulate(CAST_ANNEALED, p, seed=1)
    b, _ = simulate(CAST_ANNEALED, p, seed=1)
    c, _ = simulate(CAST_ANNEALED, p, seed=2)
    np.testing.assert_array_equal(a["voltage"], b["voltage"])
    assert not np.array_equal(a["voltage"], c["voltage"])
