"""The impedance figure functions refuse an empty input with nakit's own ParameterError, naming the
function and the argument (nyquist raised a bare ``ValueError("nyquist: no spectra to plot")``;
nyquist_figure and data_limits failed inside numpy with "need at least one array to concatenate")."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402

from nakit.eis import plots  # noqa: E402
from nakit.errors import NakitError, ParameterError  # noqa: E402


def _spectrum(z_real):
    f = np.array([1e3, 1e2, 1e1])
    return xr.Dataset({"z_real": ("frequency", np.asarray(z_real, float)), "z_imag": ("frequency", [-1.0, -2.0, -1.0])},
                      coords={"frequency": f})


def test_nyquist_of_nothing_is_a_parameter_error_naming_the_argument():
    fig, ax = plt.subplots()
    with pytest.raises(ParameterError, match=r"^nyquist: argument 'spectra' holds no spectrum: expected a mapping"):
        plots.nyquist(ax, {})
    plt.close(fig)


def test_bode_and_data_limits_of_nothing_name_themselves():
    fig, (a, b) = plt.subplots(2)
    with pytest.raises(ParameterError, match=r"^bode: argument 'spectra' holds no spectrum"):
        plots.bode(a, b, {})
    plt.close(fig)
    with pytest.raises(ParameterError, match=r"^data_limits: argument 'spectra' holds no spectrum"):
        plots.data_limits({})


def test_figures_name_the_empty_panel():
    with pytest.raises(ParameterError, match=r"^nyquist_figure: argument 'panels' holds no panel"):
        plots.nyquist_figure({})
    with pytest.raises(ParameterError, match=r"^nyquist_figure: panel 'cell B' of 'panels' holds no spectrum"):
        plots.nyquist_figure({"cell A": {"cycle 1": _spectrum([1, 2, 3])}, "cell B": {}})
    with pytest.raises(ParameterError, match=r"^blocking_figure: argument 'panels' holds no panel"):
        plots.blocking_figure({}, {})


def test_a_spectrum_without_a_finite_point_is_refused():
    with pytest.raises(NakitError, match=r"^data_limits: no point of 'cell' has a finite z_real and z_imag"):
        plots.data_limits({"cell": _spectrum([np.nan, np.nan, np.nan])})
