"""Despiking a single spectrum takes cosmic spikes and never a band, however coarse the grid."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from lmfit.lineshapes import lorentzian
from lmfit.models import LinearModel, LorentzianModel

from nakit.raman import Band, fit_bands, read_raman
from nakit.raman.despike import despike, despike_raw, spike_positions
from tests.peer import peer_file

WITEC = ("raman", "ramanchada2", "PST_WiICV532_Z050OP02_075_800msx10.txt")


def _local_fit(x, y, centre, half):
    """Independent Lorentzian + line fit of one band (lmfit directly, no nakit code)."""
    m = (x > centre - half) & (x < centre + half)
    model = LorentzianModel(prefix="p_") + LinearModel(prefix="b_")
    pars = model.make_params(p_center=centre, p_sigma=5, p_amplitude=np.ptp(y[m]) * 10, b_slope=0,
                             b_intercept=y[m].min())
    return model.fit(y[m], pars, x=x[m]).params


@pytest.mark.peer
def test_witec_polystyrene_bands_on_a_coarse_grid_are_not_spikes():
    # 4.2 cm-1 per point: the 1155 cm-1 band is three points (3872, 5054, 4372 counts); the old
    # detector replaced them (by 2646, 2873, 3099) and the ~3003 cm-1 band, 16 points in all
    ds = read_raman(peer_file(*WITEC), laser_wavelength=532)
    out = despike(ds)
    x = ds.raman_shift.values
    assert not out.spike.values.any()
    np.testing.assert_array_equal(out.intensity.values, ds.intensity.values)
    # the audit's independent fits of the raw data: 1159.0 cm-1, height 2680, area 37618; ~3003 cm-1, area 9242
    p = _local_fit(x, out.intensity.values, 1157, 25)
    assert p["p_center"].value == pytest.approx(1159.0, abs=0.1)
    assert p["p_amplitude"].value == pytest.approx(37618, rel=0.01)
    assert p["p_fwhm"].value == pytest.approx(2 * 37618 / (np.pi * 2680), rel=0.02)  # 8.9 cm-1
    assert _local_fit(x, out.intensity.values, 2990, 30)["p_amplitude"].value == pytest.approx(9242, rel=0.01)


def test_spikes_of_one_to_three_points_beside_bands_three_points_wide():
    # a coarse grid (4 cm-1 per point): bands of FWHM 12 cm-1 are three points above half height
    x = np.arange(400.0, 1600.0, 4.0)
    rng = np.random.default_rng(7)
    clean = (lorentzian(x, 3e4, 620.9, 6) + lorentzian(x, 8e4, 1001.4, 6) + lorentzian(x, 3e4, 1031.8, 6)
             + lorentzian(x, 2e4, 1155.3, 6) + lorentzian(x, 2e4, 1583.1, 6) + 800 + 0.3 * x)
    noisy = clean + rng.normal(0, 10, x.size)
    spiky = noisy.copy()
    hits = {40: [3000], 65: [2500, 2200], 90: [800, 2600, 1500], 94: [1800]}  # 94: one point after 90-92
    for i, added in hits.items():
        spiky[i:i + len(added)] += added
    out, mask = despike_raw(spiky)
    assert list(np.flatnonzero(mask)) == [40, 65, 66, 90, 91, 92, 94]
    assert np.max(np.abs(out - noisy)[mask]) < 60
    for centre in (620.9, 1001.4, 1031.8, 1155.3, 1583.1):
        assert not mask[np.abs(x - centre) < 20].any()


def test_quantised_single_spike_and_parameters():
    y = np.array([5.0] * 10 + [400.0] + [5.0] * 10)  # integer counts: the MAD of the steps is 0
    out, mask = despike_raw(y)
    assert list(np.flatnonzero(mask)) == [10] and out[10] == 5.0
    assert not despike_raw(y, threshold=20)[1].any()  # the step is 8 sigma (mean absolute deviation)


def test_a_band_with_a_replaced_point_near_its_centre_is_flagged_on_its_row():
    # a broad band (FWHM 40 cm-1) whose top a spike hit, and a narrow one far from it
    x = np.arange(300.0, 700.0, 1.0)
    rng = np.random.default_rng(3)
    y = lorentzian(x, 3e4, 420, 20) + lorentzian(x, 2e3, 600, 3) + 100 + rng.normal(0, 2, x.size)
    y[125] += 900  # 425 cm-1, 5 cm-1 from the broad band's centre
    ds = xr.Dataset({"intensity": ("raman_shift", y)}, coords={"raman_shift": x})
    cleaned = despike(ds)
    np.testing.assert_array_equal(spike_positions(cleaned), [425.0])
    fit = fit_bands(cleaned, [Band("broad", 420, fwhm=40), Band("narrow", 600, fwhm=6)], background="constant")
    assert fit.row("broad")["flags"].startswith("broad: 1 point within its FWHM of its centre replaced as cosmic "
                                                "spikes (425.0 cm-1)")
    assert fit.row("narrow")["flags"] == ""
    assert fit.row("broad")["center"] == pytest.approx(420, abs=0.3)  # the spike's replacement keeps the band


def test_notebook_switches_despiking_and_bounds_its_threshold():
    from nakit.params import notebook_parameters, value_problems
    from nakit.paths import notebooks_dir

    params = notebook_parameters(notebooks_dir() / "03_raman_assignment.ipynb")
    assert params["remove_spikes"].default is True and params["spike_threshold"].default == 6.0
    assert value_problems(params["spike_threshold"], 2.0)  # below 3: noise would pass for spikes' edges
    assert not value_problems(params["spike_threshold"], 10.0)
