"""A log axis over few decades is labelled in plain numbers a reader can read values against.

Notebook 02's BJH axis (1.5-100 nm) was labelled "10¹" and "10²" alone, so its peaks (2.8, 8.7, 17.6 nm) could
not be read against it (new-user audit A3 #17). Expected: the 1-2-5 sequence inside the limits, plain; within
a decade the axis' own ticks, plain; beyond three decades the powers of ten as before.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nakit import plotting  # noqa: E402


def _labels(lim):
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot(lim, [1, 2])
    ax.set(xscale="log", xlim=lim)
    plotting.readable_log_axis(ax.xaxis)
    fig.canvas.draw()
    lo, hi = lim
    shown = [(t.get_position()[0], t.get_text()) for t in ax.get_xticklabels() + ax.get_xticklabels(minor=True)]
    plt.close(fig)
    return [text for x, text in sorted(shown) if lo <= x <= hi and text]


@pytest.mark.parametrize(("lim", "expected"), [
    ((1.5, 100), ["2", "5", "10", "20", "50", "100"]),
    ((0.3, 100), ["0.5", "1", "2", "5", "10", "20", "50", "100"]),
    ((222, 229), ["222", "223", "224", "225", "226", "227", "228", "229"]),
    ((1e-3, 1e3), ["10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³"]),
])
def test_labels(lim, expected):
    assert _labels(lim) == expected
