"""The blocking-cell figure of a resistor-like spectrum: the Nyquist panel frames the data, the |Z| axis
reads in plain numbers.

Notebook 05 on gamry-parser's eispot_data.dta (|Z| 224.6-227.0 ohm, phase under 2°; new-user
audit A3 #17): the "electrolyte arcs" panel was the arc window of a 227-ohm arc, 0-295 x 0-148
ohm, with every point in one 2-ohm blob at (225, 5); the log |Z| axis was labelled "2.22×10²,
2.23×10², ..., 2.29×10²". A true blocking spectrum, whose spike leaves the window through the
top, keeps its arc window; an axis over several decades keeps its powers of ten.
"""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nakit.eis import plots, read_eis  # noqa: E402
from nakit.paths import data_dir  # noqa: E402
from tests.helpers import quiet  # noqa: E402
from tests.peer import peer_file  # noqa: E402


def _labels(axis):
    axis.axes.figure.draw_without_rendering()
    lo, hi = sorted(axis.get_view_interval())
    ticks = [*axis.get_major_ticks(), *axis.get_minor_ticks()]
    return [t.label1.get_text() for t in ticks if t.label1.get_visible() and t.label1.get_text()
            and lo <= t.get_loc() <= hi]


def test_resistor_like_spectrum_is_framed_and_labelled_in_plain_numbers():
    ds = quiet(read_eis, peer_file("echem", "gamry-parser", "eispot_data.dta"))
    z_real = ds["z_real"].values
    assert z_real.min() == pytest.approx(224.6075) and z_real.max() == pytest.approx(226.885)
    fig, rows = plots.blocking_figure({"pellet A": {"25 °C": ds}}, {"pellet A": [227.0]})
    try:
        ax_n, ax_m = rows[0]["nyquist"], rows[0]["modulus"]
        # the window is the data's (data_limits), not 0-295 ohm
        assert ax_n.get_xlim() == pytest.approx(plots.data_limits({"x": ds})[0])
        x0, x1 = ax_n.get_xlim()
        assert 224 < x0 < 224.61 and 226.88 < x1 < 227.5
        assert ax_n.get_title() == "pellet A: whole spectra, no capacitive spike"
        labels = _labels(ax_m.yaxis)
        assert len(labels) >= 3 and all(re.fullmatch(r"\d+(\.\d+)?", t) for t in labels), labels
        values = [float(t) for t in labels]
        assert min(values) >= 224 and max(values) <= 228
    finally:
        plt.close(fig)


def test_blocking_spectra_keep_their_arc_window_and_powers_of_ten():
    spectra = {f"{t} °C": read_eis(data_dir() / "eis" / f"blocking_{t}C.z") for t in (25, 80)}
    fig, rows = plots.blocking_figure({"pellet": spectra}, {"pellet": [600.0, 100.0]})
    try:
        assert rows[0]["nyquist"].get_xlim() == pytest.approx(tuple(np.array(plots.arc_window([600.0])[0])))
        assert rows[0]["nyquist"].get_title() == "pellet: electrolyte arcs"
        labels = _labels(rows[0]["modulus"].yaxis)
        assert labels and not any(re.fullmatch(r"\d+(\.\d+)?", t) for t in labels), labels
    finally:
        plt.close(fig)

