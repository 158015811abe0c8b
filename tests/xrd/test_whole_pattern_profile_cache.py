"""fit_whole_pattern keeps each phase's profile by the values it depends on (cell, zero, size) and each
hump's curve by its centre, FWHM and area (fit_background too): the fit must come out bit for bit as
when every profile and hump is recomputed, with far fewer of them."""

import numpy as np
import pytest
import xarray as xr

from nakit.xrd import Phase, fit_whole_pattern, reference, simulate_pattern
from nakit.xrd import background, scaling
from nakit.xrd.background import gaussian_hump
from nakit.xrd.readers import Wavelength
from nakit.xrd.synthetic import INSTRUMENT


def _measured():
    x = np.arange(20.0, 70.0, 0.04)
    phases = [Phase(reference("Na2S_Fm-3m").with_cell(a=6.545), 2e-3, 40.0),
              Phase(reference("Na3PS4_P-421c"), 1e-3, 35.0)]
    ds = simulate_pattern(phases, x, "Cu", INSTRUMENT, background=np.full(x.size, 40.0))
    y = np.random.default_rng(3).poisson(ds.intensity.values).astype(float)
    out = xr.Dataset({"intensity": ("two_theta", y, {"units": "counts"})},
                     coords={"two_theta": ("two_theta", x, {"units": "deg"})})
    out.attrs.update(Wavelength.parse("Cu").attrs())
    return out


class _EveryHump(background._Humps):
    """The hump curves recomputed at every call, as before they were kept (counted in ``calls``)."""

    calls = []

    def __call__(self, center, fwhm, area):
        self.calls.append(1)
        return gaussian_hump(self.x, center, fwhm, area)


def _fit(monkeypatch, kept):
    calls = []
    original = scaling.pattern_raw

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(scaling, "_PROFILES_KEPT", kept)
    monkeypatch.setattr(scaling, "pattern_raw", counting)
    fit = fit_whole_pattern(_measured(), ["Na2S_Fm-3m", "Na3PS4_P-421c"], humps=(), instrument=INSTRUMENT)
    return fit, len(calls)


def test_kept_profiles_give_the_same_fit_bit_for_bit_with_fewer_profiles(monkeypatch):
    cached, n_cached = _fit(monkeypatch, scaling._PROFILES_KEPT)
    fresh, n_fresh = _fit(monkeypatch, 0)  # every profile recomputed, as before the cache
    numbers = ["scale", "scale_sigma", "a", "a_sigma", "c", "c_sigma", "size_nm", "size_nm_sigma",
               "integrated_intensity", "weight_fraction"]
    a = cached.phases[numbers].to_numpy(float)
    b = fresh.phases[numbers].to_numpy(float)
    assert np.array_equal(a, b, equal_nan=True)
    assert cached.converged and np.isfinite(a[:, [1, 3, 7]]).all()  # sigmas of scale, a and size too
    assert cached.rwp == fresh.rwp and np.isnan(cached.crystallinity) and np.isnan(fresh.crystallinity)  # no humps
    for name in cached.curves.data_vars:
        assert np.array_equal(cached.curves[name].values, fresh.curves[name].values), name
    # the Jacobian's background and scale columns reuse the profiles: well under half are computed
    assert n_cached < 0.5 * n_fresh, (n_cached, n_fresh)


def test_kept_hump_curves_give_the_same_fits_bit_for_bit(monkeypatch):
    """Whole-pattern and background fits of the shipped quenched scan (two humps) with every hump
    curve recomputed at each evaluation, as before they were kept: the same numbers."""
    from nakit.paths import data_dir
    from nakit.xrd import fit_background, read_xrd

    ds = read_xrd(data_dir() / "xrd" / "quenched.raw")
    fits = []
    for every in (False, True):
        if every:
            monkeypatch.setattr(scaling, "_Humps", _EveryHump)
            monkeypatch.setattr(background, "_Humps", _EveryHump)
        fits.append((fit_whole_pattern(ds, ["Na2S_Fm-3m"], humps=("kapton", "glass"), instrument=INSTRUMENT),
                     fit_background(ds, humps=("kapton", "glass"))))
    (wp, bg), (wp_fresh, bg_fresh) = fits
    assert len(_EveryHump.calls) > 500  # both humps at every evaluation of both fits
    assert wp.rwp == wp_fresh.rwp and wp.crystallinity == wp_fresh.crystallinity
    assert wp.humps.equals(wp_fresh.humps) and wp.phases.equals(wp_fresh.phases)
    for name in wp.curves.data_vars:
        assert np.array_equal(wp.curves[name].values, wp_fresh.curves[name].values), name
    assert (wp.humps["area"] > 0).all()
    assert np.array_equal(bg.model, bg_fresh.model)
    for name in ("kapton", "glass"):
        assert vars(bg.humps[name]) == vars(bg_fresh.humps[name])


def test_a_changed_cell_size_or_zero_is_a_new_profile(monkeypatch):
    """The key holds every value the profile depends on: the fit still moves cell and size."""
    fit, _ = _fit(monkeypatch, scaling._PROFILES_KEPT)
    tab = fit.phases.set_index("phase")
    assert tab.loc["Na2S_Fm-3m", "a"] == pytest.approx(6.545, abs=2e-3)
    assert tab.loc["Na2S_Fm-3m", "a"] != reference("Na2S_Fm-3m").cell[0]
    assert tab.loc["Na2S_Fm-3m", "size_nm"] != 30.0  # moved from the start value
