"""Impedance results name the spectrum they came from: the source attrs survive a NetCDF round trip."""

from __future__ import annotations

import pytest

from nakit.eis import read_eis
from nakit.eis.drt import drt, drt_raw
from nakit.eis.fitting import fit_circuit, fit_circuit_raw
from nakit.eis.kk import lin_kk, lin_kk_raw
from nakit.eis.readers import impedance_of
from nakit.io import read_netcdf, sha256_file, write_netcdf
from tests.helpers import quiet
from tests.peer import peer_file

pytestmark = pytest.mark.peer

CIRCUIT = "R0-p(R1,CPE1)"
ANALYSES = {
    "fit_circuit": (fit_circuit, (CIRCUIT,)),
    "lin_kk": (lin_kk, ()),
    "drt": (drt, ()),
}
RAW = {"fit_circuit": (fit_circuit_raw, (CIRCUIT,)), "lin_kk": (lin_kk_raw, ()), "drt": (drt_raw, ())}


@pytest.fixture(scope="module")
def spectrum():
    path = peer_file("echem", "pyimpspec", "data.z")
    return path, read_eis(path)


@pytest.mark.parametrize("name", ANALYSES)
def test_result_dataset_names_its_file_through_netcdf(tmp_path, spectrum, name):
    path, ds = spectrum
    fn, args = ANALYSES[name]
    back = read_netcdf(write_netcdf(quiet(fn, ds, *args, ignore=Warning).to_dataset(), tmp_path / f"{name}.nc"))
    assert back.attrs["source_sha256"] == sha256_file(path)
    assert back.attrs["source_path"] == str(path) and back.attrs["source_format"] == ds.attrs["source_format"]
    assert back.attrs["source_size"] == path.stat().st_size


@pytest.mark.parametrize("name", RAW)
def test_results_from_arrays_carry_no_source(spectrum, name):
    _, ds = spectrum
    fn, args = RAW[name]
    result = quiet(fn, ds["frequency"].values, impedance_of(ds), *args, ignore=Warning)
    assert result.source == {} and "source_path" not in result.to_dataset().attrs
    assert not any(key.startswith("source") for key in result.to_dict())


def test_each_loop_of_a_file_names_it():
    path = peer_file("echem", "yadg", "peis.issue_149.mpt")
    results = quiet(drt, read_eis(path), ignore=Warning)
    assert len(results) > 1
    assert {r.to_dataset().attrs["source_sha256"] for r in results} == {sha256_file(path)}
