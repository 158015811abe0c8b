"""A flagged fit is drawn as flagged from its own verdict, and a fit can be plotted as it is.

``nyquist(ax, {"cell": fit.to_dataset()})`` drew a ``lack_of_fit`` fit as a solid curve under a
plain legend entry although the Dataset's attrs say ``ok`` 0: only names repeated in ``flagged=``
were dashed. ``nyquist(ax, {"cell": fit})`` failed with "'CircuitFit' object is not subscriptable".
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nakit.eis import fit_circuit_raw, plots  # noqa: E402
from nakit.eis.circuits import Circuit  # noqa: E402
from nakit.errors import NakitWarning  # noqa: E402

TWO_ARCS = "R0-p(R1,CPE1)-p(R2,CPE2)"
TRUTH = {"R0": 100.0, "R1": 200.0, "CPE1_Q": 1e-6, "CPE1_alpha": 0.9, "R2": 500.0, "CPE2_Q": 1e-4,
         "CPE2_alpha": 0.85}


def _fits():
    """One arc fitted to a two-arc spectrum (flagged ``lack_of_fit``), and the two-arc circuit (not flagged)."""
    f = np.logspace(5, -1, 60)
    z = Circuit(TWO_ARCS).impedance(f, TRUTH)
    z = z * (1 + 0.002 * np.random.default_rng(2).standard_normal(f.size))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        bad = fit_circuit_raw(f, z, "R0-p(R1,CPE1)")
        good = fit_circuit_raw(f, z, TWO_ARCS, initial=TRUTH)
    assert bad.flags == ("lack_of_fit",) and good.flags == ()
    return bad, good


def _curves(ax):
    return [line.get_linestyle() for line in ax.lines if line.get_linestyle() != "None"]


@pytest.mark.parametrize("as_given", [lambda fit: fit.to_dataset(), lambda fit: fit], ids=["dataset", "fit"])
def test_a_flagged_fit_is_dashed_and_named_without_being_repeated(as_given):
    bad, good = _fits()
    fig, ax = plt.subplots()
    try:
        scale = plots.nyquist(ax, {"one arc": as_given(bad), "two arcs": as_given(good)})
        assert _curves(ax) == ["--", "-"]
        assert [line.get_label() for line in ax.lines if line.get_linestyle() == "None"] == [
            "one arc (fit ⚑ flagged)", "two arcs"]
        # the data are the fit's: 60 points each, the curve its 200-point fine one
        x, y = ax.lines[0].get_data()
        np.testing.assert_allclose(np.asarray(x) * scale.factor, bad.z_data.real, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(y) * scale.factor, -bad.z_data.imag, rtol=1e-12)
        assert ax.lines[1].get_xydata().shape == (200, 2)
    finally:
        plt.close(fig)


def test_bode_and_the_figures_take_fits_and_their_verdicts():
    bad, good = _fits()
    fig, (top, bottom) = plt.subplots(2, 1)
    try:
        plots.bode(top, bottom, {"one arc": bad, "two arcs": good.to_dataset()})
        assert _curves(top) == _curves(bottom) == ["--", "-"]
    finally:
        plt.close(fig)
    fig, axes = plots.nyquist_figure({"cell": {"one arc": bad, "two arcs": good}})
    try:
        assert _curves(axes[0]) == ["--", "-"]
        assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["one arc (fit ⚑ flagged)", "two arcs"]
    finally:
        plt.close(fig)
    fig, rows = plots.blocking_figure({"p": {"one arc": bad, "two arcs": good}}, {"p": [700.0, 700.0]})
    try:
        for ax in (rows[0][panel] for panel in ("nyquist", "modulus", "phase")):
            assert _curves(ax) == ["--", "-"]
    finally:
        plt.close(fig)


def test_something_that_is_no_spectrum_is_refused_naming_it():
    fig, ax = plt.subplots()
    try:
        with pytest.raises(TypeError, match=r"^spectra\['cell'\]: expected a spectrum Dataset \(z_real, z_imag\) or "
                                            r"a circuit fit, got list$"):
            plots.nyquist(ax, {"cell": [1.0, 2.0]})
    finally:
        plt.close(fig)
