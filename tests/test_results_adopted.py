"""The Result convention adopted across techniques (#18): one loop tabulates, saves and shows any result."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.datamodel import Result, check_conventions, result_table
from tests.peer import peer_file


@pytest.fixture(scope="module")
def sorption_results():
    from nakit.sorption import read_isotherm
    from nakit.sorption.bet import area_bet
    from nakit.sorption.hysteresis import hysteresis, isotherm_type
    from nakit.sorption.porevolume import total_pore_volume
    from nakit.sorption.tplot import tplot

    ds = read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"bet": area_bet(ds), "tplot": tplot(ds), "pore_volume": total_pore_volume(ds),
                "hysteresis": hysteresis(ds), "isotherm_type": isotherm_type(ds)}, ds


def test_sorption_results_follow_one_convention(sorption_results, tmp_path):
    results, ds = sorption_results
    table = result_table(results)  # one call for five different result types
    assert list(table.index) == list(results)
    assert table.loc["bet", "area"] == results["bet"].area
    assert table.loc["pore_volume", "volume"] == results["pore_volume"].volume
    assert table.loc["isotherm_type", "type"] == results["isotherm_type"].type
    assert table.loc["bet", "ok"] == results["bet"].ok
    for name, r in results.items():
        assert isinstance(r, Result)
        out = check_conventions(r.to_dataset(), provenance=False)
        out.to_netcdf(tmp_path / f"{name}.nc")
        back = xr.load_dataset(tmp_path / f"{name}.nc")
        for var, value in r.to_dict().items():
            if var in back.data_vars and np.ndim(back[var]) == 0:
                assert float(back[var]) == pytest.approx(value, nan_ok=True)
        assert type(r).__name__ in r._repr_html_()
    bet = results["bet"].to_dataset()
    assert bet["area"].attrs["units"] == "m2/g" and bet["area_sigma"].attrs["units"] == "m2/g"
    assert bet["points_q"].dims == ("bet_point",) and bet.attrs["constants"] == "iupac"
    # BET keeps its own verdict: the Rouquerol criteria count as well as the flags
    assert results["bet"].ok == (all(results["bet"].criteria.values()) and not results["bet"].flags)


def test_eis_and_raman_results_follow_the_convention(tmp_path):
    from nakit.eis.drt import drt_raw
    from nakit.eis.kk import lin_kk_raw
    from nakit.raman import read_raman
    from nakit.raman.calibration import silicon_offset

    f = np.logspace(5, -1, 61)
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-3)  # R0 + (R1 || C1): R0 = 10 ohm, R1 = 100 ohm, tau = 1 ms
    kk = lin_kk_raw(f, z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a pure RC sends the mGCV lambda to its grid edge (flagged)
        dist = drt_raw(f, z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = silicon_offset(read_raman(peer_file("raman", "silicon__ramanfitting_Si_spectrum01.txt")))
    table = result_table({"kk": kk, "drt": dist, "cal": cal})
    assert table.loc["drt", "r_pol"] == pytest.approx(100, rel=0.02)   # the forward model's R1
    assert table.loc["drt", "r_inf"] == pytest.approx(10, rel=0.02)
    assert table.loc["cal", "reference"] == cal.reference and table.loc["kk", "ok"] == kk.ok
    for r in (kk, dist, cal):
        assert isinstance(r, Result) and type(r).__name__ in r._repr_html_()
    ds = cal.to_dataset()
    check_conventions(ds, provenance=False)
    assert ds["offset"].attrs["units"] == "cm-1" and float(ds["offset"]) == cal.offset
    assert dist.to_dict()["r_pol"] == dist.r_pol and "tau" not in dist.to_dict()  # arrays go to to_dataset


def test_carbon_result_follows_the_convention(tmp_path):
    from nakit.raman import read_raman
    from nakit.raman.carbon import carbon_analysis

    ds = read_raman(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = carbon_analysis(ds.sel(raman_shift=slice(800, 2000)) if ds.raman_shift[0] < ds.raman_shift[-1]
                            else ds.sel(raman_shift=slice(2000, 800)))
    row = r.to_dict()
    assert row["id_ig"] == r.id_ig and row["flags"] == "; ".join(r.flags) and "fit" not in row
    out = check_conventions(r.to_dataset(), provenance=False)
    assert out["d_center"].attrs["units"] == "cm-1" and float(out["id_ig"]) == r.id_ig
    assert r.summary()["id_ig"] == r.id_ig  # the older flat summary stays


def test_indexing_solution_carries_its_cell_in_one_row():
    from nakit.xrd.indexing import index_cubic
    from nakit.xrd.simulate import reflections
    from nakit.xrd.structures import crystal_from_parameters

    na2s = crystal_from_parameters("Fm-3m", 6.539, [("Na", .25, .25, .25, 1, 1.5), ("S", 0, 0, 0, 1, 1.0)], name="x")
    lines = np.asarray(reflections(na2s, "Cu", 90).two_theta)[:10]
    best = index_cubic(lines, "Cu")[0]
    assert isinstance(best, Result) and best.ok
    row = best.to_dict()
    assert row["system"] == "cubic" and row["indexed"] == row["total"] == 10
    assert row["a"] == pytest.approx(6.539, abs=1e-4) and row["a"] == best.refinement.a
    out = check_conventions(best.to_dataset(), provenance=False)
    assert float(out["a"]) == best.refinement.a and out["a"].attrs["units"] == "angstrom"
    assert result_table([best, best.refinement]).loc[1, "a"] == best.refinement.a
