"""A band-area ratio comes from the fit of every band, with its error and its bands' flags.

It came from a separate two-band fit across the whole window, with no error and no flag: anatase
A(197)/A(144) = 1.3e-7 ("0.000 (baseline spread +/- 0.000)") where the main fit gave 0.76; polystyrene
A(795.8)/A(620.9) = 0.768 where the main fit gave 2.89 and a local fit 1.31.
"""

from __future__ import annotations

import numpy as np
import pytest
from lmfit.lineshapes import lorentzian

from nakit.raman import Band, fit_bands_raw

X = np.linspace(300, 500, 401)
TRUE = {"main": (6000.0, 420.0, 5.0), "shoulder": (1500.0, 400.0, 6.0), "far": (3000.0, 340.0, 4.0)}


def _spectrum(rng, noise=3.0):
    y = sum(lorentzian(X, *p) for p in TRUE.values()) + 100 + 0.1 * X
    return y + rng.normal(0, noise, X.size)


def _bands():
    return [Band("main", 420, fwhm=10), Band("shoulder", 400, tolerance=10, fwhm=12), Band("far", 340, fwhm=8)]


def test_ratio_of_overlapping_bands_has_the_scatter_of_its_error():
    rng = np.random.default_rng(11)
    fits = [fit_bands_raw(X, _spectrum(rng), _bands(), warn=False) for _ in range(150)]
    values = np.array([f.area_ratio("shoulder", "main") for f in fits], dtype=object)
    ratio, sigma = values[:, 0].astype(float), values[:, 1].astype(float)
    assert ratio.mean() == pytest.approx(1500 / 6000, rel=0.01)
    # the propagated error (covariance, correlation included) is the ratio's scatter over noise draws
    assert np.median(sigma) == pytest.approx(ratio.std(ddof=1), rel=0.15)
    assert not any(v[2] for v in values)  # no flag on a ratio of two clear bands


def test_ratio_error_matches_lmfit_s_own_propagation():
    from uncertainties import correlated_values

    fit = fit_bands_raw(X, _spectrum(np.random.default_rng(2)), _bands(), warn=False)
    value, sigma, flags = fit.area_ratio("shoulder", "main")
    r = fit.result
    amps = correlated_values([r.params[n].value for n in r.var_names], r.covar)
    ref = amps[r.var_names.index("shoulder_amplitude")] / amps[r.var_names.index("main_amplitude")]
    assert (value, sigma) == pytest.approx((ref.nominal_value, ref.std_dev), rel=1e-9)
    assert flags == []


def test_ratio_with_a_band_the_data_do_not_show_is_flagged_with_that_band_s_reason():
    rng = np.random.default_rng(4)
    y = lorentzian(X, 6000, 420, 5) + 100 + rng.normal(0, 3, X.size)  # no shoulder at all
    fit = fit_bands_raw(X, y, _bands()[:2], warn=False)
    value, sigma, flags = fit.area_ratio("shoulder", "main")
    assert abs(value) < 3 * sigma or not np.isfinite(sigma)
    assert flags and all(f.startswith("shoulder: ") or "standard error" in f or "fit" in f for f in flags)
    assert any("not significantly above zero" in f or "at its bound" in f for f in flags)



def test_a_bwf_band_s_ratio_has_no_covariance_error():
    # a BWF's area is its integral over the window, not its amplitude parameter: no error from the covariance
    from lmfit.lineshapes import breit_wigner

    x = np.linspace(1100, 1800, 701)
    y = breit_wigner(x, 50, 1585, 60, -8) + lorentzian(x, 9000, 1340, 40) + 1
    fit = fit_bands_raw(x, y, [Band("G", 1580, "bwf", tolerance=30, fwhm=50), Band("D", 1340, tolerance=30, fwhm=60)],
                        background="constant", warn=False)
    value, sigma, flags = fit.area_ratio("D", "G")
    assert value == pytest.approx(fit.row("D").area / fit.row("G").area)
    assert np.isnan(sigma) and "no standard error (no covariance for the two areas)" in flags
