"""The laser line's wing is no Raman band.

A WITec export holds the laser (Rayleigh) line, negative shifts included; what the notch filter
passes of its wing rises at the filter's edge (about 55 cm-1) and falls off over 150 cm-1. The
band search started at a fixed 50 cm-1 and fitted the wing as the tallest band of polystyrene,
"band 68 at 76.1 cm-1, FWHM 38.8".
"""

import csv
import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.raman import prominent_bands, read_raman
from nakit.raman.propose import SEARCH_FLOOR, laser_wing, search_start
from tests.peer import peer_file

WITEC = ("raman", "ramanchada2", "PST_WiICV532_Z050OP02_075_800msx10.txt")


def lorentzian(x, centre, fwhm, height):
    return height / (1 + ((x - centre) / (fwhm / 2)) ** 2)


def spectrum(x, *, laser=True, seed=1):
    """Anatase-like bands (144 strongest) with, where ``laser``, the Rayleigh line cut by a notch
    filter that passes from 55 cm-1 on each side and leaks a little at the line; Poisson noise."""
    wing = (lorentzian(x, 0, 16, 5e6) / (1 + np.exp(-(np.abs(x) - 55) / 3)) + lorentzian(x, 0, 3, 400)) if laser else 0
    bands = sum(lorentzian(x, c, w, h) for c, w, h in ((144, 12, 20000), (397, 20, 3000), (515, 20, 2500),
                                                       (640, 25, 3500)))
    y = np.random.default_rng(seed).poisson(200 + wing + bands).astype(float)
    return xr.DataArray(y, coords={"raman_shift": x}, dims="raman_shift", name="intensity")


def found(da):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [band.center for band, _ in prominent_bands(da)]


def test_the_wing_of_a_synthetic_laser_line_is_not_a_band():
    x = np.arange(-50.0, 1000.0, 2.0)
    da = spectrum(x)
    top, end = laser_wing(da)
    assert 55 <= top <= 70  # the filter's edge, not the leak at 0 cm-1
    assert 100 <= end < 144 - 6  # the foot of the 144 cm-1 band, before its half maximum
    centres = found(da)
    assert min(centres) == pytest.approx(144, abs=1)  # the strongest real band kept, nothing below it
    assert any(abs(c - 640) <= 2 for c in centres)
    # the same bands measured behind an edge filter (the axis starts at 80 cm-1): no laser line, no wing
    above = spectrum(x[x >= 80], laser=False)
    assert laser_wing(above) is None and search_start(above) == SEARCH_FLOOR
    assert min(found(above)) == pytest.approx(144, abs=1)


def test_the_peer_witec_polystyrene_has_no_band_on_its_laser_wing():
    ds = read_raman(peer_file(*WITEC))
    top, end = laser_wing(ds)
    assert 55 <= top <= 80 and 150 <= end <= 215  # the wing peaks at 64 and falls off by 203 cm-1
    centres = found(ds)
    assert min(centres) > end
    for band in (621, 1001, 1602, 3054):  # polystyrene's strong bands (ASTM E1840), on WITec's axis within 6 cm-1
        assert any(abs(c - band) <= 6 for c in centres), (band, centres)


@pytest.mark.notebooks
def test_the_notebook_reports_no_band_on_the_wing_and_says_where_the_search_starts(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "PS WITec", "file": str(peer_file(*WITEC))}]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path,
                     {"samples": samples, "calibration_file": None})
    assert result.ok, result.error
    with open(tmp_path / "results" / "bands.csv", encoding="utf-8") as fh:
        centres = [float(r["center"]) for r in csv.DictReader(fh)]
    assert centres and min(centres) > 200  # was 76.1 ("band 68"), the tallest
    text = result.executed.read_text(encoding="utf-8")
    assert "the file holds the laser line, whose wing (top at 64 cm-1) falls off by 203 cm-1" in text
