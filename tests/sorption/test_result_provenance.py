"""A sorption result saved to NetCDF names the file it came from, and its totals carry units.

Every result with ``to_dataset()`` (BET, t-plot, pore volume, hysteresis, isotherm type, DFT, BJH)
keeps the isotherm's provenance (:func:`nakit.datamodel.source_attrs`); read back from NetCDF, its
``source_sha256`` is the SHA-256 of the file's bytes (hashed here, independently of nakit), and the
Dataset passes nakit's conventions (units on every number, provenance keys). BJH's and DFT's totals
live in attrs (notebooks read ``attrs["peak_diameter"]``): each has a ``<name>_units`` partner.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.datamodel import check_conventions
from nakit.errors import NakitWarning
from nakit.io import write_netcdf
from nakit.sorption import (area_bet, hysteresis, isotherm_type, psd_bjh, psd_dft, read_isotherm, tplot,
                            total_pore_volume)
from nakit.sorption.bet import area_bet_raw
from tests.peer import peer_file

ANALYSES = {
    "bet": lambda ds: area_bet(ds).to_dataset(),
    "tplot": lambda ds: tplot(ds).to_dataset(),
    "pore_volume": lambda ds: total_pore_volume(ds, 0.95).to_dataset(),
    "hysteresis": lambda ds: hysteresis(ds).to_dataset(),
    "isotherm_type": lambda ds: isotherm_type(ds).to_dataset(),
    "bjh": lambda ds: psd_bjh(ds),
    "dft": lambda ds: psd_dft(ds),
}


@pytest.fixture(scope="module")
def sample_a_path():
    return peer_file("sorption", "micromeritics", "Sample_A.xls")


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_a_saved_result_names_its_file(sample_a_path, name, tmp_path):
    ds = read_isotherm(sample_a_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        result = ANALYSES[name](ds)
    path = write_netcdf(result, tmp_path / f"{name}.nc")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        back = back.load()
    assert back.attrs["source_sha256"] == hashlib.sha256(sample_a_path.read_bytes()).hexdigest()
    assert back.attrs["source_path"] == str(sample_a_path)
    assert back.attrs["source_format"] == "micromeritics-xls"
    check_conventions(back)


@pytest.mark.parametrize("name, keys", [("bjh", ("total_volume", "total_area", "mean_diameter", "peak_diameter",
                                                 "peak_bin_diameter", "peak_relative_pressure")),
                                        ("dft", ("total_volume", "total_area", "mode_width", "median_width",
                                                 "rms_residual"))])
def test_distribution_totals_carry_units(sample_a, name, keys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        result = ANALYSES[name](sample_a)
    want = {"total_volume": "cm3/g", "total_area": "m2/g", "mean_diameter": "nm", "peak_diameter": "nm",
            "peak_bin_diameter": "nm", "peak_relative_pressure": "1", "mode_width": "nm", "median_width": "nm",
            "rms_residual": "cm3/g STP"}
    for key in keys:
        assert isinstance(result.attrs[key], float)
        assert result.attrs[f"{key}_units"] == want[key], key
    # the totals are the distribution's own: its cumulative volume and area in their variables' units
    if name == "bjh":
        assert result.attrs["total_volume_units"] == result["v_cumulative"].attrs["units"]
        assert result.attrs["total_volume"] == pytest.approx(float(result["v_cumulative"].values[-1]), rel=1e-12)
    else:
        assert result.attrs["total_volume_units"] == result["v_cumulative"].attrs["units"]


def test_a_result_of_plain_arrays_claims_no_file():
    p = np.linspace(0.05, 0.3, 8)
    ds = area_bet_raw(p, 100 * 80 * p / ((1 - p) * (1 - p + 80 * p))).to_dataset()
    assert not any(key.startswith("source_") for key in ds.attrs)
    assert "source" not in area_bet_raw(p, 100 * 80 * p / ((1 - p) * (1 - p + 80 * p))).to_dict()
