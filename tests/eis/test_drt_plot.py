"""``DRTResult.plot`` on a real spectrum: peak labels readable, the curve not flattened by its band.

On impedance.py's exampleData.csv (lambda 1e-8 at the edge of its grid, flagged) the seven peak
labels ("0.00282 ohm", "0.00601 ohm", ...) printed over each other, and the one-sigma band (up to
0.162 ohm) set the y range of a curve below 0.072 ohm (new-user audit A3 #16).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nakit import layout  # noqa: E402
from nakit.eis import drt, read_eis  # noqa: E402
from nakit.eis.circuits import Circuit  # noqa: E402
from nakit.eis.spectra import spectrum_dataset  # noqa: E402
from tests.helpers import quiet  # noqa: E402
from tests.peer import peer_file  # noqa: E402


def _boxes(ax):
    ax.figure.draw_without_rendering()
    renderer = ax.figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.texts]


def test_peak_labels_of_a_real_spectrum_neither_overlap_nor_cover_the_curve():
    result = quiet(drt, quiet(read_eis, peer_file("echem", "impedancepy", "exampleData.csv")))
    assert "lambda_at_grid_edge" in result.flags and len(result.peaks) == 7
    ax = result.plot()
    try:
        boxes = _boxes(ax)
        assert boxes, "no peak labelled"
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), (a, b)
        # nothing (label or title) covers a point of the curve or another label
        assert layout.overlaps(ax.figure) == []
        # every label written is a peak's resistance, over that peak
        values = {f"{p.resistance:.3g} Ω" for p in result.peaks}
        assert {t.get_text() for t in ax.texts} <= values
        assert layout.off_anchor(ax, ax.texts) == []
        # the y range is the curve's (max 0.0710 ohm) with room for labels, not the band's (0.162 ohm)
        top = float(np.max(result.gamma))
        assert top == pytest.approx(0.0710, abs=5e-4)
        assert float(np.max(result.gamma + result.gamma_sigma)) > 0.16
        low, high = ax.get_ylim()
        assert top < high < 1.5 * top and low <= 0
        assert ax.get_ylabel() == "γ / Ω (±1σ band clipped)"
        # all seven fit on this axes; none is left out
        assert len(ax.texts) == 7 and ax.get_title(loc="right") == ""
    finally:
        plt.close(ax.figure)


def test_a_band_within_the_curve_range_is_not_called_clipped():
    f = np.logspace(5, -2, 60)
    z = Circuit("R0-p(R1,C1)").impedance(f, {"R0": 10.0, "R1": 100.0, "C1": 1e-5})
    result = quiet(drt, spectrum_dataset(f, z), lam=1e-3)
    ax = result.plot()
    try:
        upper = float(np.max(result.gamma + result.gamma_sigma))
        assert upper <= ax.get_ylim()[1]
        assert ax.get_ylabel() == "γ / Ω"
        assert [t.get_text() for t in ax.texts] == [f"{result.peaks[0].resistance:.3g} Ω"]
    finally:
        plt.close(ax.figure)


def test_without_labels_the_range_leaves_no_room_for_them():
    """Notebook 05 draws several DRTs on one axes without labels: 5 % margins, as matplotlib's own."""
    f = np.logspace(5, -2, 60)
    fig, ax = plt.subplots()
    try:
        tops = []
        for r in (100.0, 300.0):
            z = Circuit("R0-p(R1,C1)").impedance(f, {"R0": 10.0, "R1": r, "C1": 1e-5})
            result = quiet(drt, spectrum_dataset(f, z), lam=1e-3)
            result.plot(ax=ax, annotate=False)
            tops.append(float(np.max(result.gamma)))
        # the range covers both curves, not only the last one drawn
        assert ax.get_ylim()[1] == pytest.approx(max(tops) * 1.05, rel=1e-9)
        assert len(ax.texts) == 0
    finally:
        plt.close(fig)
