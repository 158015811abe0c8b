"""Nyquist figures of nakit.eis.plots: equal scales, framed limits, engineering units, no collisions.

Measured on the canvas after a draw: the length in pixels of one ohm on the real axis and
on the imaginary axis (equal within 1 %), the -Z'' lower limit against the data's range,
the unit in the axis labels against the plotted numbers, and the boxes of every tick and
axis label against the other axes' labels and boxes. Inputs are the shipped stand-in
spectra (data/eis: cells over cycling, a blocking cell at seven temperatures) and real
peer spectra (inductive points below the axis; a file whose values reach kilo-ohm).
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nakit.eis import plots, read_eis  # noqa: E402
from nakit.paths import data_dir  # noqa: E402
from tests.peer import peer_file  # noqa: E402

PREFIX = {"": 1.0, "k": 1e3, "M": 1e6, "m": 1e-3, "µ": 1e-6, "G": 1e9}


def eis(name):
    return read_eis(data_dir() / "eis" / name)


def cells():
    return {label: {f"cycle {c}": eis(f"{stem}_cycle{c:02d}.z") for c in (1, 10, 30, 50)}
            for label, stem in (("ball-milled", "ball_milled"), ("cast-annealed", "cast_annealed"))}


def blocking():
    return {f"{t} °C": eis(f"blocking_{t}C.z") for t in (25, 30, 40, 50, 60, 70, 80)}


def ohm_per_pixel(ax):
    """(ohm per pixel along Z', along -Z''), both in the axes' own (scaled) units: equal when scales are."""
    origin, x1, y1 = ax.transData.transform([(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)])
    return 1.0 / abs(x1[0] - origin[0]), 1.0 / abs(y1[1] - origin[1])


def unit_factor(label):
    m = re.search(r"/ (\S*)Ω$", label)
    assert m, f"no ohm unit in the axis label {label!r}"
    return PREFIX[m.group(1)]


def check_nyquist(ax, spectra):
    """The checks every Nyquist axes must pass; ``spectra`` in ohm, as plotted on ``ax``."""
    ax.get_figure(root=True).draw_without_rendering()
    px, py = ohm_per_pixel(ax)
    assert abs(px / py - 1) < 0.01, f"{ax.get_title()}: {px:.4g} vs {py:.4g} units per pixel"
    fx, fy = unit_factor(ax.get_xlabel()), unit_factor(ax.get_ylabel())
    assert fx == fy  # one unit for both axes, or equal data scales would not be equal ohm scales
    # the plotted numbers are ohm / the label's factor
    markers = [line for line in ax.lines if line.get_linestyle() == "None"]
    assert len(markers) == len(spectra)
    for line, ds in zip(markers, spectra.values()):
        np.testing.assert_allclose(line.get_xdata() * fx, ds["z_real"].values, rtol=1e-12)
        np.testing.assert_allclose(line.get_ydata() * fy, -ds["z_imag"].values, rtol=1e-12)
    # engineering unit: the largest number on the axes is in [1, 1000)
    biggest = max(abs(v) for v in (*ax.get_xlim(), *ax.get_ylim()))
    assert 1.0 <= biggest < 1000.0, f"{ax.get_xlabel()}: limits up to {biggest:g}"
    # -Z'' starts near zero (or near the lowest, inductive, point inside the window): no empty negative range
    xlo, xhi = (v * fx for v in ax.get_xlim())
    ys = np.concatenate([-ds["z_imag"].values[(ds["z_real"].values >= xlo) & (ds["z_real"].values <= xhi)]
                         for ds in spectra.values()])
    low = min(0.0, ys.min())
    data_range = ys.max() - low
    assert ax.get_ylim()[0] * fy >= low - 0.05 * data_range
    assert ax.get_ylim()[0] * fy <= low  # and no point cut off below


def drawn_tick_labels(axis):
    """The tick labels matplotlib draws: those of ticks inside the view interval."""
    low, high = sorted(axis.get_view_interval())
    span = high - low
    return [label for tick in axis.get_major_ticks() if low - 1e-9 * span <= tick.get_loc() <= high + 1e-9 * span
            for label in (tick.label1, tick.label2)]


def text_boxes(ax):
    renderer = ax.get_figure(root=True).canvas.get_renderer()
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *drawn_tick_labels(ax.xaxis), *drawn_tick_labels(ax.yaxis)]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_visible() and t.get_text().strip()]


def meet(a, b, margin=0.5):
    return min(a.x1, b.x1) - max(a.x0, b.x0) > margin and min(a.y1, b.y1) - max(a.y0, b.y0) > margin


def check_apart(fig):
    """No tick or axis label of one axes meets another axes' labels or box; no axes box holds another's points."""
    fig.draw_without_rendering()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    for a in axes:
        for b in axes:
            if a is b:
                continue
            box_b = b.get_window_extent()
            for text, box in text_boxes(a):
                assert not meet(box, box_b), f"{text!r} of {a.get_title()!r} runs into the axes {b.get_title()!r}"
                for other, other_box in text_boxes(b):
                    assert not meet(box, other_box), f"{text!r} ({a.get_title()!r}) meets {other!r} ({b.get_title()!r})"
            # an inset or a neighbouring panel never sits over this axes' visible points
            own = a.get_window_extent()
            for line in a.lines:
                xy = line.get_transform().transform(line.get_xydata())
                visible = ((xy[:, 0] >= own.x0) & (xy[:, 0] <= own.x1) & (xy[:, 1] >= own.y0) & (xy[:, 1] <= own.y1))
                xy = xy[visible]
                inside = ((xy[:, 0] > box_b.x0) & (xy[:, 0] < box_b.x1) & (xy[:, 1] > box_b.y0) & (xy[:, 1] < box_b.y1))
                assert not inside.any(), f"axes {b.get_title()!r} covers points of {a.get_title()!r}"


# -- units ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, factor, prefix", [
    (0.5, 1e-3, "m"), (1.0, 1.0, ""), (999.0, 1.0, ""), (1000.0, 1e3, "k"), (3600.0, 1e3, "k"),
    (495e3, 1e3, "k"), (2.1e6, 1e6, "M"), (0.0, 1.0, ""), (float("nan"), 1.0, "")])
def test_engineering_scale(value, factor, prefix):
    assert plots.engineering_scale(value) == (factor, prefix)


# -- the shipped spectra ---------------------------------------------------------------------------

def test_cells_over_cycling_at_equal_scales_in_their_units():
    panels = cells()
    fig, axes = plots.nyquist_figure(panels)
    try:
        for ax, (title, spectra) in zip(axes, panels.items()):
            assert ax.get_title() == title
            check_nyquist(ax, spectra)
        # the ball-milled arcs reach 3.5 kΩ: kilo-ohm; the cast-annealed ones stay under 500 Ω
        assert [ax.get_xlabel() for ax in axes] == ["Z′ / kΩ", "Z′ / Ω"]
        assert [ax.get_ylabel() for ax in axes] == ["−Z″ / kΩ", "−Z″ / Ω"]
        check_apart(fig)
    finally:
        plt.close(fig)


def test_blocking_cell_arcs_readable_at_equal_scales():
    spectra = blocking()
    # the arc ends where the spike starts: the lowest -Z'' of each spectrum (a reader's estimate of R)
    feet = {name: float(ds["z_real"][np.argmin(-ds["z_imag"].values)]) for name, ds in spectra.items()}
    fig, rows = plots.blocking_figure({"pellet": spectra}, {"pellet": list(feet.values())})
    try:
        ax = rows[0]["nyquist"]
        check_nyquist(ax, spectra)
        check_apart(fig)
        # every arc and the foot of its spike inside the window, which is no taller than half a ~kΩ arc
        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        f = unit_factor(ax.get_xlabel())
        for name, ds in spectra.items():
            arc = ds["z_real"].values <= feet[name]
            assert np.all(ds["z_real"].values[arc] / f < xlim[1]) and np.all(-ds["z_imag"].values[arc] / f < ylim[1])
        # the spikes reach ~0.5 MΩ: left through the top, not squeezing the arcs
        assert max(float((-ds["z_imag"]).max()) for ds in spectra.values()) / f > 100 * ylim[1]
        assert rows[0]["modulus"].get_yscale() == "log" and rows[0]["modulus"].get_ylabel() == "|Z| / Ω"
    finally:
        plt.close(fig)


# -- real spectra ----------------------------------------------------------------------------------

@pytest.mark.parametrize("parts", [
    ("echem", "impedancepy", "exampleData.csv"),       # inductive points below the real axis
    ("echem", "impedancepy", "exampleDataZPlot.z"),
    ("echem", "yadg", "peis.mpt"),
])
def test_real_spectra(parts):
    ds = read_eis(peer_file(*parts))
    spectra = {"measured": ds}
    fig, axes = plots.nyquist_figure({parts[-1]: spectra})
    try:
        check_nyquist(axes[0], spectra)
        check_apart(fig)
    finally:
        plt.close(fig)


def test_inductive_points_are_shown_not_cut():
    ds = read_eis(peer_file("echem", "impedancepy", "exampleData.csv"))
    assert (ds["z_imag"] > 0).any()  # the file has points below the axis
    fig, ax = plt.subplots(layout="constrained")
    try:
        scale = plots.nyquist(ax, {"measured": ds})
        assert ax.get_ylim()[0] * scale.factor < float(-ds["z_imag"].max())
    finally:
        plt.close(fig)


def test_flagged_fits_are_dashed_and_named_in_the_legend():
    import xarray as xr

    def with_curve(ds):  # a "fit" curve: the data themselves, on the fine axis the fits use
        return ds.assign(curve_real=("frequency_fine", ds["z_real"].values),
                         curve_imag=("frequency_fine", ds["z_imag"].values),
                         frequency_fine=("frequency_fine", ds["frequency"].values))

    spectra = {name: with_curve(ds) for name, ds in cells()["cast-annealed"].items()}
    assert all(isinstance(ds, xr.Dataset) for ds in spectra.values())
    fig, axes = plots.nyquist_figure({"cell": spectra}, flagged={"cell": {"cycle 30"}})
    try:
        ax = axes[0]
        curves = [line for line in ax.lines if line.get_linestyle() != "None"]
        assert [c.get_linestyle() for c in curves] == ["-", "-", "--", "-"]
        entries = [t.get_text() for t in ax.get_legend().get_texts()]
        assert entries == ["cycle 1", "cycle 10", "cycle 30 (fit ⚑ flagged)", "cycle 50"]
    finally:
        plt.close(fig)
    fig, rows = plots.blocking_figure({"p": spectra}, {"p": [300.0]}, flagged={"p": {"cycle 1"}})
    try:
        for ax in (rows[0][panel] for panel in ("nyquist", "modulus", "phase")):
            curves = [line for line in ax.lines if line.get_linestyle() != "None"]
            assert [c.get_linestyle() for c in curves] == ["--", "-", "-", "-"]
    finally:
        plt.close(fig)


def test_blocking_window_ignores_a_resistance_beyond_the_spectrum():
    """A failed fit's R (here 1 TΩ) does not zoom the arcs out of sight: the window stays within the data."""
    spectra = blocking()
    reach = max(float(ds["z_real"].max()) for ds in spectra.values())
    fig, rows = plots.blocking_figure({"pellet": spectra}, {"pellet": [900.0] * 6 + [1e12]})
    try:
        ax = rows[0]["nyquist"]
        assert ax.get_xlim()[1] * unit_factor(ax.get_xlabel()) <= 1.3 * reach * (1 + 1e-12)
        check_nyquist(ax, spectra)
    finally:
        plt.close(fig)
