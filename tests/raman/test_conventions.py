"""Shared conventions of the plain-array functions: list input accepted, input never mutated,
x order irrelevant where the physics says so."""

from __future__ import annotations

import numpy as np
import pytest
from lmfit import lineshapes as ls

from nakit.raman import Band, baseline_raw, despike_raw, fit_bands_raw, silicon_offset_raw
from nakit.raman.carbon import carbon_analysis_raw
from nakit.raman.mapfit import fit_many_raw

X = np.linspace(300, 700, 401)
Y = ls.lorentzian(X, 3000, 520.7, 2.0) + ls.lorentzian(X, 800, 420.0, 5.0) + 100 + 0.02 * X
BANDS = [Band("a", 420, fwhm=10)]


def _centre(fit):
    return float(fit.row("a").center)


CASES = {
    "fit_bands_raw": (lambda x, y: _centre(fit_bands_raw(x, y, BANDS)), True),
    "silicon_offset_raw": (lambda x, y: silicon_offset_raw(x, y).offset, True),
    "fit_many_raw": (lambda x, y: float(fit_many_raw(x, np.asarray(y)[None, :], BANDS)["params"][0, 1]), True),
    "baseline_raw": (lambda x, y: baseline_raw(x, y)[0], False),
    "despike_raw": (lambda x, y: despike_raw(y)[0], False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_list_input_and_no_mutation(name):
    fn, _ = CASES[name]
    x, y = X.copy(), Y.copy()
    a = fn(x, y)
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(y, Y)
    np.testing.assert_allclose(fn(list(X), list(Y)), a)


@pytest.mark.parametrize("name", [k for k, (_, order_free) in CASES.items() if order_free] + ["baseline_raw"])
def test_x_order_irrelevant(name):
    fn, scalar = CASES[name]
    a = fn(X, Y)
    b = fn(X[::-1], Y[::-1])
    if scalar:
        assert b == pytest.approx(a, abs=1e-6)
    else:  # per-point results come back in the input's order
        np.testing.assert_allclose(b[::-1], a, rtol=1e-6)


def test_carbon_accepts_lists_and_reversed_axis():
    xc = np.linspace(900, 1900, 500)
    yc = ls.lorentzian(xc, 2000, 1335, 20) + ls.lorentzian(xc, 10000, 1582, 12) + 100
    a = carbon_analysis_raw(xc, yc)
    b = carbon_analysis_raw(list(xc[::-1]), list(yc[::-1]))
    assert b.ad_ag == pytest.approx(a.ad_ag, rel=1e-6) and b.model == a.model
