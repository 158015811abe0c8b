"""The stand-in forward model: reproducible bytes, and round trips that recover its truth."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from nakit.paths import data_dir
from nakit.raman import (Band, apply_calibration, carbon_analysis, correct_baseline, despike, fit_bands,
                         library_band, read_raman, silicon_offset)
from nakit.raman.synthetic import AXIS_OFFSET, TRUTH, map_truth, write_paper_data

SHIPPED = data_dir() / "raman"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return write_paper_data(tmp_path_factory.mktemp("raman"))


def test_shipped_files_are_reproduced_bit_for_bit(written):
    for path in written:
        shipped = SHIPPED / path.name
        assert shipped.is_file(), f"{shipped} is not shipped; run write_paper_data(data/raman)"
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(shipped.read_bytes()).digest()
        assert path.stat().st_size < 200_000


@pytest.fixture(scope="module")
def calibration(written):
    return silicon_offset(read_raman(next(p for p in written if p.name == "silicon.txt")))


def _load(written, name, cal):
    ds = read_raman(next(p for p in written if p.name == name))
    return apply_calibration(despike(ds), cal)


def test_silicon_reveals_the_axis_offset(calibration):
    assert calibration.offset == pytest.approx(-AXIS_OFFSET, abs=0.03)


@pytest.mark.parametrize("name", ["quenched", "annealed"])
def test_composite_round_trip(written, calibration, name):
    ds = correct_baseline(_load(written, f"{name}.txt", calibration))
    truth = TRUTH[name]
    bands = [library_band("PS4^3-", name="PS4^3-")] + [Band("shoulder", 380, tolerance=15, fwhm=14)][: len(truth) - 1]
    fit = fit_bands(ds, bands, window=(320, 500))
    assert not fit.flags
    for comp in truth:
        row = fit.row(comp.name)
        assert row.center == pytest.approx(comp.center, abs=max(1.0, 4 * row.center_sigma))
        assert row.fwhm == pytest.approx(comp.fwhm, rel=0.1)
        assert row.area == pytest.approx(comp.area, rel=0.1)
    assert ds.attrs["calibration_offset_cm1"] == pytest.approx(-AXIS_OFFSET, abs=0.03)
    assert ds.attrs["instrument_laser_wavelength_nm"] == 532.0


def test_cmk3_round_trip(written, calibration):
    res = carbon_analysis(_load(written, "cmk3.txt", calibration))
    truth = {c.name: c for c in TRUTH["cmk3"]}
    assert res.model == "Sadezky 5-band"
    assert res.d_center == pytest.approx(truth["D"].center, abs=5)
    assert res.g_center == pytest.approx(truth["G"].center, abs=5)
    assert res.d_fwhm == pytest.approx(truth["D"].fwhm, rel=0.1)
    # the 5-band areas are strongly correlated (G, D2, D3 overlap): the truth must lie within
    # the reported fit error plus baseline spread, not within a fixed few per cent
    assert abs(res.ad_ag - truth["D"].area / truth["G"].area) < 2 * (res.ad_ag_sigma + res.ad_ag_baseline_spread)
    assert res.ad_ag_sigma < 0.3 * res.ad_ag


def test_map_is_a_labspec_xy_map_with_spikes(written):
    ds = read_raman(next(p for p in written if p.name == "annealed_map.txt"))
    ps4, shoulder = map_truth()
    assert ds.intensity.dims == ("y", "x", "raman_shift")
    assert ds.intensity.shape[:2] == ps4.shape
    assert ds.x.attrs["units"] == "um"
    cleaned = despike(ds)
    assert 0 < int(cleaned.spike.sum()) < 20
    np.testing.assert_array_equal(ds.x, 2.0 * np.arange(ps4.shape[1]))
