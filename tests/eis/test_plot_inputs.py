"""The impedance figure functions refuse a lone Dataset, a fit or a list where they take
``{legend label: spectrum}``, saying what to pass.

``plots.nyquist(ax, ds)`` said "spectra['z_real']: expected a spectrum Dataset (z_real, z_imag) or a
circuit fit, got Dataset" (it had iterated the Dataset's variable names: a Dataset expected and a
Dataset given), and ``plots.nyquist(ax, [e, z])`` "AttributeError: 'list' object has no attribute
'items'" (new-user audit A3 #16). One shared check serves nyquist, bode, data_limits and the two
figure functions.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nakit.eis import fit_circuit, plots  # noqa: E402
from nakit.eis.circuits import Circuit  # noqa: E402
from nakit.eis.spectra import spectrum_dataset  # noqa: E402
from nakit.errors import ParameterError  # noqa: E402
from tests.helpers import quiet  # noqa: E402

F = np.logspace(5, -1, 30)


def _spectrum(r=100.0):
    return spectrum_dataset(F, Circuit("R0-p(R1,C1)").impedance(F, {"R0": 10.0, "R1": r, "C1": 1e-6}))


@pytest.fixture
def axes():
    fig, ax = plt.subplots(2)
    yield ax
    plt.close(fig)


def test_one_dataset_is_refused_saying_to_pass_a_mapping(axes):
    ds = _spectrum()
    with pytest.raises(ParameterError, match=r"^nyquist: argument 'spectra': expected a mapping \{legend label: "
                                             r"spectrum Dataset or circuit fit\}, got one Dataset: "
                                             r"pass \{'label': ds\}$"):
        plots.nyquist(axes[0], ds)
    with pytest.raises(ParameterError, match=r"^bode: argument 'spectra': .*got one Dataset"):
        plots.bode(axes[0], axes[1], ds)
    with pytest.raises(ParameterError, match=r"^data_limits: argument 'spectra': .*got one Dataset"):
        plots.data_limits(ds)
    fit = quiet(fit_circuit, ds, "R0-p(R1,C1)", initial=[10, 100, 1e-6])
    with pytest.raises(ParameterError, match=r"^nyquist: argument 'spectra': .*got one CircuitFit: pass"):
        plots.nyquist(axes[0], fit)


def test_a_list_is_refused_saying_the_labels_are_missing(axes):
    with pytest.raises(ParameterError, match=r"^nyquist: argument 'spectra': expected a mapping .*, got a list of 2 "
                                             r"\(no labels\): pass \{'label': ds\}$"):
        plots.nyquist(axes[0], [_spectrum(), _spectrum(200.0)])


def test_figures_refuse_a_panel_that_is_one_dataset_and_panels_that_are_a_list():
    with pytest.raises(ParameterError, match=r"^nyquist_figure: panel 'cell A' of 'panels': expected a mapping .*"
                                             r"got one Dataset"):
        plots.nyquist_figure({"cell A": _spectrum()})
    with pytest.raises(ParameterError, match=r"^blocking_figure: argument 'panels': expected a mapping \{panel title: "
                                             r"\{legend label: spectrum\}\}, got a list of 1"):
        plots.blocking_figure([{"a": _spectrum()}], {})


def test_a_mapping_still_draws(axes):
    scale = plots.nyquist(axes[0], {"cell": _spectrum()})
    assert scale.unit == "Ω"
    assert [line.get_label() for line in axes[0].get_lines()] == ["cell"]
