"""XRD results name the scan they were computed from, through a NetCDF round trip.

A saved ``phases.nc`` or ``cell.nc`` said nothing of its input: ``to_dataset()`` had no
``source_*`` attrs. Each result now keeps :func:`nakit.datamodel.source_attrs` of its scan (from
the scan itself, or from the peak table ``fit_peaks`` made of it) and writes it into its attrs.
"""

from __future__ import annotations

import hashlib
import warnings

import pytest
import xarray as xr

from nakit.errors import NakitWarning
from nakit.xrd import (fit_background, fit_peaks, fit_whole_pattern, identify_phases, index_cubic, index_pattern,
                       read_xrd, refine_cell, scherrer, williamson_hall)
from tests.peer import peer_file

PHASE = "Cu3Au_Pm-3m"


@pytest.fixture(scope="module")
def cu3au():
    """xylib's Cu3Au-2.raw: its peaks, and Cu3Au identified in them."""
    path = peer_file("xrd", "xylib", "Cu3Au-2.raw")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        ds = read_xrd(path)
        peaks = fit_peaks(ds)
        ids = identify_phases(peaks, ds.attrs["wavelength"], [PHASE], tolerance=0.24)
    assert ids.present == [PHASE]
    return path, ds, peaks, ids


def _provenance(path) -> dict:
    return {"source_path": str(path), "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "source_format": "bruker_raw", "source_size": path.stat().st_size}


RESULTS = {
    "PhaseID": lambda ds, peaks, ids: ids,
    "CellRefinement": lambda ds, peaks, ids: refine_cell(ids.assignments, PHASE, ds.attrs["wavelength"]),
    "IndexingSolution": lambda ds, peaks, ids: index_cubic(peaks["two_theta"], ds.attrs["wavelength"], warn=False)[0],
    "WilliamsonHall": lambda ds, peaks, ids: williamson_hall(peaks[ids.assignments["phase"].values == PHASE],
                                                             ds.attrs["wavelength"]),
    "BackgroundFit": lambda ds, peaks, ids: fit_background(ds, humps=()),
    "WholePatternFit": lambda ds, peaks, ids: fit_whole_pattern(ds, [PHASE], humps=()),
}


@pytest.mark.parametrize("name", list(RESULTS))
def test_a_saved_result_names_its_scan(cu3au, name, tmp_path):
    path, ds, peaks, ids = cu3au
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        result = RESULTS[name](ds, peaks, ids)
    assert type(result).__name__ == name
    result.to_dataset().to_netcdf(tmp_path / "result.nc")
    saved = xr.load_dataset(tmp_path / "result.nc")
    assert {key: saved.attrs.get(key) for key in _provenance(path)} == _provenance(path)
    assert saved.attrs["result"] == name
    # the one-row form stays the analysis' own numbers (the source is the Dataset's)
    assert not any(key.startswith("source") for key in result.to_dict())


def test_the_tables_keep_the_scan_s_provenance(cu3au):
    path, ds, peaks, ids = cu3au
    expected = _provenance(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        tables = {"fit_peaks": peaks, "assignments": ids.assignments, "scherrer": scherrer(peaks, "Cu"),
                  "index_pattern": index_pattern(peaks["two_theta"], ds.attrs["wavelength"])}
    for name, table in tables.items():
        assert {key: table.attrs.get(key) for key in expected} == expected, name


def test_whole_pattern_curves_saved_on_their_own_name_the_scan(cu3au, tmp_path):
    """Notebook 01 saves a whole-pattern fit's curves, not its to_dataset(): they carry the provenance too."""
    path, ds, peaks, ids = cu3au
    fit_whole_pattern(ds, [PHASE], humps=()).curves.to_netcdf(tmp_path / "curves.nc")
    saved = xr.load_dataset(tmp_path / "curves.nc")
    assert {key: saved.attrs.get(key) for key in _provenance(path)} == _provenance(path)


def test_a_result_of_arrays_has_no_source():
    """The raw functions take numbers: nothing to name, and nothing made up."""
    from nakit.xrd import identify_phases_raw

    attrs = identify_phases_raw([31.7, 45.4, 56.5], "Cu", ["Na2S_Fm-3m"]).to_dataset().attrs
    assert not any(key.startswith("source") for key in attrs)
