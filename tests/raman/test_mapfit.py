"""Profiles against lmfit's, their Jacobians against finite differences, and the batched
fitter against a per-spectrum lmfit loop and the synthetic map's truth."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from lmfit import lineshapes as ls

from nakit.errors import ParameterError
from nakit.paths import data_dir
from nakit.raman import Band, correct_baseline, despike, fit_bands_raw, read_raman
from nakit.raman.lineshapes import PROFILES, profile, sigma_from_fwhm
from nakit.raman.mapfit import fit_many_raw, fit_map
from nakit.raman.synthetic import TRUTH, map_truth

X = np.linspace(300, 520, 400)
PARAMS = {"lorentzian": (900.0, 421.3, 4.2), "gaussian": (900.0, 421.3, 4.2), "pvoigt": (900.0, 421.3, 4.2, 0.3)}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profiles_match_lmfit_and_jacobians_match_finite_differences(name):
    p = PARAMS[name]
    f, *jac = profile(name).jac(X, *p)
    np.testing.assert_allclose(f, getattr(ls, name)(X, *p), rtol=1e-12, atol=1e-12)
    for k, d in enumerate(jac):
        h = 1e-6 * max(abs(p[k]), 1.0)
        up, dn = list(p), list(p)
        up[k] += h
        dn[k] -= h
        numeric = (profile(name).jac(X, *up)[0] - profile(name).jac(X, *dn)[0]) / (2 * h)
        np.testing.assert_allclose(d, numeric, rtol=1e-5, atol=1e-7 * np.abs(f).max())
    vals = dict(zip(profile(name).params, p))
    fine = np.linspace(300, 520, 200001)
    y = getattr(ls, name)(fine, *p)
    above = fine[y >= y.max() / 2]
    assert profile(name).fwhm(vals) == pytest.approx(above[-1] - above[0], abs=2e-3)
    assert profile(name).height(vals) == pytest.approx(y.max(), rel=1e-6)
    assert sigma_from_fwhm(name, profile(name).fwhm(vals)) == pytest.approx(p[2])


BANDS = [Band("PS4", 420, fwhm=10), Band("sh", 380, fwhm=14, tolerance=15), Band("S", 470, "pvoigt", fwhm=8)]


def _batch(n, seed=0):
    rng = np.random.default_rng(seed)
    c = np.column_stack([420 + rng.normal(0, 1, n), 380 + rng.normal(0, 2, n), 470 + rng.normal(0, 1, n)])
    Y = np.stack([ls.lorentzian(X, 1000 * rng.uniform(0.5, 1.5), c[i, 0], 5) + ls.lorentzian(X, 300, c[i, 1], 7)
                  + ls.pvoigt(X, 200, c[i, 2], 4, 0.5) + 50 for i in range(n)])
    return Y + rng.normal(0, 2, Y.shape), c


def test_batched_fit_matches_lmfit_loop():
    Y, _ = _batch(12)
    res = fit_many_raw(X, Y, BANDS, background="linear", chunk=5)
    names = list(res["names"])
    assert res["converged"].all()
    for i in range(Y.shape[0]):
        ref = fit_bands_raw(X, Y[i], BANDS, background="linear")
        for b in BANDS:
            k = names.index(f"{b.prefix}center")
            row = ref.row(b.name)
            assert res["params"][i, k] == pytest.approx(row.center, abs=1e-3)
            assert res["sigma"][i, k] == pytest.approx(row.center_sigma, rel=0.01)
            if i == 0:
                da = xr.DataArray(Y[:1], dims=("point", "raman_shift"), coords={"raman_shift": X})
                maps = fit_map(da, BANDS, background="linear")
                name = b.prefix.rstrip("_")
                for q in ("height", "fwhm", "area"):
                    assert float(maps[f"{name}_{q}"][0]) == pytest.approx(row[q], rel=1e-4)
                    # lmfit propagates the derived height/FWHM errors with correlations, as here
                    assert float(maps[f"{name}_{q}_sigma"][0]) == pytest.approx(row[f"{q}_sigma"], rel=0.02)
        assert res["chi2"][i] == pytest.approx(ref.result.chisqr, rel=1e-6)


def test_fit_map_dataset_and_x_order():
    Y, c = _batch(6, seed=1)
    da = xr.DataArray(Y.reshape(2, 3, -1), dims=("y", "x", "raman_shift"),
                      coords={"raman_shift": X, "x": [0, 1, 2], "y": [0, 1]}, attrs={"units": "counts"})
    out = fit_map(da, BANDS)
    assert out["ps4_center"].dims == ("y", "x") and out["ps4_center"].attrs["units"] == "cm-1"
    err = np.abs(out["ps4_center"].values.ravel() - c[:, 0])
    assert np.all(err < 4 * out["ps4_center_sigma"].values.ravel())
    flipped = fit_map(da.isel(raman_shift=slice(None, None, -1)), BANDS)
    np.testing.assert_allclose(flipped["sh_area"], out["sh_area"], rtol=1e-6)
    assert np.all(out["ps4_fwhm_sigma"] > 0) and not out["ps4_at_bound"].any()


def test_bound_is_flagged_without_sigma():
    y = ls.lorentzian(X, 1000, 440, 4)[None, :] + 10
    res = fit_many_raw(X, y, [Band("a", 420, tolerance=5)])
    k = list(res["names"]).index("a_center")
    assert res["params"][0, k] == pytest.approx(425) and res["at_bound"][0, k] and np.isnan(res["sigma"][0, k])


def test_shipped_map_recovers_the_shoulder_map():
    ds = correct_baseline(despike(read_raman(data_dir() / "raman" / "annealed_map.txt")))
    out = fit_map(ds, [Band("PS4", 421.2, fwhm=11), Band("shoulder", 381.2, tolerance=15, fwhm=14)],
                  window=(320, 500), background="linear")
    ps4_scale, sh_scale = map_truth()
    assert out["converged"].all()
    ratio = out["shoulder_area"] / out["ps4_area"]
    truth = (TRUTH["annealed"][1].area * sh_scale) / (TRUTH["annealed"][0].area * ps4_scale)
    sigma = ratio * np.hypot(out["shoulder_area_sigma"] / out["shoulder_area"], out["ps4_area_sigma"] / out["ps4_area"])
    assert np.all(np.abs(ratio - truth) < 4 * sigma)
    assert float(np.corrcoef(ratio.values.ravel(), truth.ravel())[0, 1]) > 0.9
    np.testing.assert_allclose(out["ps4_center"], 421.2, atol=1.0)  # uncalibrated axis: +1.2


def test_mapfit_bad_input():
    with pytest.raises(ParameterError, match="points per spectrum"):
        fit_many_raw(X, np.ones((2, 5)), BANDS)
    with pytest.raises(ParameterError, match="background"):
        fit_many_raw(X, np.ones((2, X.size)), BANDS, background="cubic")
    with pytest.raises(ParameterError, match="vectorised shapes"):
        fit_many_raw(X, np.ones((2, X.size)), [Band("g", 1590, "bwf")])
    with pytest.raises(ParameterError, match="non-finite"):
        fit_many_raw(X, np.full((2, X.size), np.nan), BANDS)
    with pytest.raises(ParameterError, match="raman_shift"):
        fit_map(xr.DataArray(np.ones((2, 3)), dims=("a", "b")), BANDS)
