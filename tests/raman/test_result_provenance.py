"""Raman results name the spectrum they came from: the source attrs survive a NetCDF round trip."""

from __future__ import annotations

import pytest

from nakit.io import read_netcdf, sha256_file, write_netcdf
from nakit.raman import read_raman
from nakit.raman.calibration import silicon_offset, silicon_offset_raw
from nakit.raman.carbon import carbon_analysis
from nakit.raman.fitting import Band, fit_bands, fit_bands_raw
from nakit.raman.mapfit import fit_map
from tests.helpers import quiet
from tests.peer import peer_file

pytestmark = pytest.mark.peer

SILICON = "silicon__ramanfitting_Si_spectrum01.txt"
CARBON = "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"
SI_BAND = [Band("Si", 520.7, "pvoigt", tolerance=15, fwhm=4)]


ANALYSES = {
    "fit_bands": (SILICON, lambda ds: fit_bands(ds, SI_BAND, window=(480, 560)).to_dataset()),
    "silicon_offset": (SILICON, lambda ds: silicon_offset(ds).to_dataset()),
    "carbon_analysis": (CARBON, lambda ds: carbon_analysis(ds).to_dataset()),
    "fit_map": (SILICON, lambda ds: fit_map(ds.expand_dims(point=[0]), SI_BAND, window=(480, 560))),
}


@pytest.mark.parametrize("name", ANALYSES)
def test_result_dataset_names_its_file_through_netcdf(tmp_path, name):
    filename, run = ANALYSES[name]
    path = peer_file("raman", filename)
    ds = read_raman(path)
    out = write_netcdf(quiet(run, ds, ignore=Warning), tmp_path / f"{name}.nc")
    back = read_netcdf(out)
    assert back.attrs["source_sha256"] == sha256_file(path)
    assert back.attrs["source_path"] == str(path) and back.attrs["source_format"] == ds.attrs["source_format"]
    assert back.attrs["source_size"] == path.stat().st_size


def test_results_from_arrays_carry_no_source():
    ds = read_raman(peer_file("raman", SILICON))
    near = ds.sel(raman_shift=slice(480, 560))
    x, y = near["raman_shift"].values, near["intensity"].values
    for result in (quiet(fit_bands_raw, x, y, SI_BAND, ignore=Warning), silicon_offset_raw(x, y)):
        assert result.source == {} and "source_path" not in result.to_dataset().attrs
        assert "source" not in result.to_dict() and "source_path" not in result.to_dict()
