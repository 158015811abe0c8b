"""Legends and labels never cover data: nakit.layout on analytic figures and on the paper's figures.

The analytic cases place a legend and labels where the answer is known (over a cloud of
points, outside the axes, two labels on top of each other). The reproduction case reads
``figures/layout.csv`` that :meth:`nakit.report.Report.figure` writes for every figure of a
real ``nakit reproduce`` and asserts that no legend box or text label covers a plotted point
or another label in the figures that make the paper's panels (:data:`nakit.paperfigs.PAPER_PANELS`).
"""

from __future__ import annotations

import csv
import re
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nakit import layout  # noqa: E402

# -- analytic cases -----------------------------------------------------------------------------

def _cloud():
    """A 20 x 20 grid of markers filling the unit square: any box inside the axes covers some."""
    fig, ax = plt.subplots(figsize=(5, 4))
    x, y = np.meshgrid(np.linspace(0, 1, 20), np.linspace(0, 1, 20))
    ax.plot(x.ravel(), y.ravel(), "o", ms=3, label="grid")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    return fig, ax


def test_legend_over_points_is_found():
    fig, ax = _cloud()
    ax.legend(loc="center")
    found = layout.overlaps(fig)
    plt.close(fig)
    data = layout.covers_data(found)
    assert len(data) == 1
    assert data[0].kind == "legend" and data[0].label == "grid" and data[0].what == "'grid'"
    # the legend box is about 1/5 of the axes wide and 1/10 high: a few points of the 400, not none or all
    assert 1 <= data[0].points < 40


def test_legend_count_matches_the_points_inside_its_box():
    """The count is the number of grid points whose display position lies inside the legend's box."""
    fig, ax = _cloud()
    legend = ax.legend(loc="center", fontsize="xx-large", markerscale=3)
    found = layout.covers_data(layout.overlaps(fig))
    box = legend.get_window_extent(fig.canvas.get_renderer())
    xy = ax.lines[0].get_transform().transform(ax.lines[0].get_xydata())
    inside = ((xy[:, 0] > box.x0 + 1) & (xy[:, 0] < box.x1 - 1) & (xy[:, 1] > box.y0 + 1) & (xy[:, 1] < box.y1 - 1))
    plt.close(fig)
    assert found[0].points == int(inside.sum()) > 0


def test_legend_outside_the_axes_is_not_found():
    fig, ax = _cloud()
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    found = layout.overlaps(fig)
    plt.close(fig)
    assert found == []


def test_legend_in_an_empty_corner_is_not_found():
    fig, ax = plt.subplots(figsize=(5, 4))
    x = np.linspace(0, 1, 200)
    ax.plot(x, x ** 4, label="steep")  # the upper-left corner stays empty
    ax.legend(loc="upper left")
    found = layout.overlaps(fig)
    plt.close(fig)
    assert found == []


def test_scatter_bars_and_error_bars_count_as_data():
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    axes[0].scatter([0.5], [0.5], label="one point")
    axes[0].set_xlim(0, 1)
    axes[0].set_ylim(0, 1)
    axes[0].text(0.5, 0.5, "over it", ha="center", va="center")
    axes[1].bar([0, 1], [1.0, 1.0], label="bars")
    axes[1].text(0.0, 1.0, "on the bar top", ha="center", va="center")
    axes[2].errorbar([0.0, 1.0], [0.0, 1.0], yerr=0.3, fmt="none", label="bars of error")
    axes[2].text(1.0, 1.3, "at the upper end", ha="center", va="center")
    found = layout.covers_data(layout.overlaps(fig))
    plt.close(fig)
    labels = {(o.label, o.axes) for o in found}
    assert ("over it", "axes 1") in labels
    assert ("on the bar top", "axes 2") in labels
    assert ("at the upper end", "axes 3") in labels


def test_reference_lines_and_clipped_points_are_not_data():
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([0, 10], [0, 10], "o", label="points")
    ax.set_xlim(0.5, 9.5)  # both points lie outside the axes: clipped, invisible
    ax.set_ylim(0.5, 9.5)
    ax.axhline(5.0, label="a reference level")
    ax.text(5.0, 5.0, "on the reference line", ha="center", va="center")
    found = layout.overlaps(fig)
    plt.close(fig)
    assert found == []


def test_label_over_label_is_found_and_apart_is_not():
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0.5, 0.5, "(220)")
    ax.text(0.51, 0.5, "(311)")   # on top of (220)
    ax.text(0.1, 0.1, "(111)")    # alone
    found = layout.overlaps(fig)
    plt.close(fig)
    assert [(o.label, o.covers, o.what) for o in found] == [("(220)", "label", "(311)")]


def test_place_legend_finds_the_empty_corner_or_goes_outside():
    fig, ax = plt.subplots(figsize=(5, 4))
    x, y = np.meshgrid(np.linspace(0, 1, 20), np.linspace(0, 1, 20))
    hole = (x < 0.45) & (y < 0.45)  # points everywhere but the lower-left quarter
    ax.plot(x[~hole], y[~hole], "o", ms=3, label="grid with a hole")
    legend = layout.place_legend(ax)
    assert legend._loc == 3  # "lower left"
    assert layout.overlaps(fig) == []
    plt.close(fig)
    fig, ax = _cloud()  # points everywhere: no corner is free
    legend = layout.place_legend(ax)
    box = legend.get_window_extent(fig.canvas.get_renderer())
    assert box.x0 >= ax.get_window_extent().x1  # right of the axes
    assert layout.overlaps(fig) == []
    plt.close(fig)


def _peaks_with_labels(fig, ax):
    """Two sharp peaks, each with an hkl label anchored just below its top: both labels cover their peak."""
    x = np.linspace(10.0, 80.0, 3501)
    y = 100 + 5000 * np.exp(-0.5 * ((x - 39.0) / 0.08) ** 2) + 2000 * np.exp(-0.5 * ((x - 45.9) / 0.08) ** 2)
    ax.plot(x, y, lw=0.7, label="pattern")
    labels = [ax.annotate("(220)", (39.0, 4900.0), textcoords="offset points", xytext=(0, 0), ha="center",
                          va="bottom", fontsize=6),
              ax.annotate("(311)", (45.9, 1800.0), textcoords="offset points", xytext=(0, 0), ha="center",
                          va="bottom", fontsize=6),
              ax.annotate("(311)'", (45.9, 1800.0), textcoords="offset points", xytext=(0, 0), ha="center",
                          va="bottom", fontsize=6)]  # a second label on the same peak: must not sit on the first
    ax.set_ylim(0, 5200)
    return x, y, labels


@pytest.mark.parametrize("scale", ["linear", "log"])
def test_clear_labels_moves_hkl_labels_off_the_trace_and_each_other(scale):
    fig, ax = plt.subplots(figsize=(6, 4))
    x, y, labels = _peaks_with_labels(fig, ax)
    ax.set_yscale(scale)
    ax.set_ylim(50 if scale == "log" else 0, 5200)
    before = layout.overlaps(fig)
    assert {o.label for o in layout.covers_data(before)} == {"(220)", "(311)", "(311)'"}
    left = layout.clear_labels(ax, labels)
    after = layout.overlaps(fig)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    axes_box = ax.get_window_extent(renderer)
    peak_top = ax.transData.transform((39.0, y.max()))
    plt.close(fig)
    assert left == [] and after == []
    # (220) stays over its peak (centred on it, above its top) and inside the raised axes
    assert boxes[0].x0 < peak_top[0] < boxes[0].x1 and boxes[0].y0 >= peak_top[1]
    assert all(b.y1 <= axes_box.y1 for b in boxes)
    assert ax.get_ylim()[1] > 5200  # the limit was raised to make room


def test_clear_labels_reports_a_label_with_no_free_place():
    fig, ax = _cloud()  # points everywhere, nowhere within a few points to go
    text = ax.text(10 / 19, 10 / 19, "(111)", ha="center", va="center")  # centred on a grid point
    left = layout.clear_labels(ax, [text], max_shift_pt=3.0, keep_inside=False)
    found = layout.covers_data(layout.overlaps(fig))
    plt.close(fig)
    assert left == [text]
    assert [o.label for o in found] == ["(111)"]  # and the layout record still says so


def test_report_figure_records_layout_and_warns(tmp_path):
    from nakit import report
    from nakit.errors import NakitWarning

    rep = report.start("02_bet_bjh", tmp_path, title="layout", samples=["grid"], claims_file=None,
                       synthesised=False)
    fig, ax = _cloud()
    ax.legend(loc="center")
    with pytest.warns(NakitWarning, match=r"figure 'covered'.*legend \(grid\).*covers \d+ data point"):
        rep.figure(fig, "covered", "A legend over the grid.")
    fig, ax = _cloud()
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        rep.figure(fig, "clear", "A legend beside the grid.")
    with open(tmp_path / "figures" / "layout.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["figure"]: r["status"] for r in rows} == {"covered": "overlap", "clear": "ok"}
    covered = next(r for r in rows if r["figure"] == "covered")
    assert covered["kind"] == "legend" and covered["covers"] == "data" and int(covered["points"]) > 0


# -- the paper's figures in a real reproduction --------------------------------------------------

@pytest.mark.notebooks
def test_no_legend_or_label_covers_data_or_another_label_in_the_paper_figures(reproduction):
    """Legends and text labels (hkl, peak, point and panel labels) cover no plotted point and no other label."""
    from nakit.paperfigs import PAPER_PANELS

    panels: dict[tuple[str, str], list[str]] = {}
    for panel, figures in PAPER_PANELS.items():
        for key in figures:
            panels.setdefault(key, []).append(panel)
    problems, unchecked = [], []
    for (notebook, figure), ids in sorted(panels.items()):
        record = reproduction / notebook / "figures" / "layout.csv"
        rows = []
        if record.is_file():
            with open(record, newline="", encoding="utf-8") as fh:
                rows = [r for r in csv.DictReader(fh) if r["figure"] == figure]
        if not rows:
            unchecked.append(f"{notebook}/{figure} (Fig. {', '.join(ids)})")
            continue
        for r in rows:
            if r["status"] != "overlap":
                continue
            name = f"legend ({r['label']})" if r["kind"] == "legend" else f"label {r['label']!r}"
            what = (f"covers {r['points']} point(s) of {r['what']}" if r["covers"] == "data"
                    else f"overlaps the label {r['what']!r}")
            problems.append(f"Fig. {', '.join(ids)}: {notebook}/{figure}: {name} in {r['axes']} {what}")
    assert not unchecked, "paper figures without a layout record: " + "; ".join(unchecked)
    assert not problems, "legends or labels over data or labels in the paper figures:\n" + "\n".join(problems)


@pytest.mark.notebooks
def test_every_report_figure_has_a_layout_record(reproduction):
    """rep.figure checks every figure it saves: each PNG of a report has its row in layout.csv."""
    missing = []
    for png in sorted(reproduction.glob("*/figures/*.png")):
        if png.parent.parent.name == "figures" or png.stem.startswith("fig"):
            continue  # copies gathered by the paper-figure notebook, checked at their source
        record = png.parent / "layout.csv"
        names = set()
        if record.is_file():
            with open(record, newline="", encoding="utf-8") as fh:
                names = {r["figure"] for r in csv.DictReader(fh)}
        if png.stem not in names:
            missing.append(str(png.relative_to(reproduction)))
    assert not missing, f"figures saved without a layout check: {missing}"


# -- the impedance figures (Fig. S10, S13) of a real reproduction: equal scales, units, limits ----

def _tick_value(text: str) -> float:
    """A tick label's value: matplotlib's minus sign; log labels in Unicode (10⁻², 2×10¹, nakit._ticks)."""
    import re

    text = text.replace("−", "-")
    power = re.fullmatch(r"(-?)(?:([\d.]+)×)?(\d+)([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    if power is None:
        return float(text)
    sign, coeff, base, exp = power.groups()
    exp = int(exp.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
    return (-1.0 if sign else 1.0) * float(coeff or 1) * float(base) ** exp


def _svg_axes(path):
    """``[(xlabel, ylabel, [(x px, value)], [(y px, value)], (bottom px, top px))]`` of each axes in a nakit SVG
    (text kept as text): tick positions from the tick marks, values from their labels."""
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.w3.org/2000/svg"}
    href = "{http://www.w3.org/1999/xlink}href"
    number = _tick_value
    found = []
    for axes in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}g"):
        if not axes.get("id", "").startswith("axes_"):
            continue
        axis_groups = [g for g in axes.findall("s:g", ns) if g.get("id", "").startswith("matplotlib.axis_")]
        if len(axis_groups) != 2:
            continue
        ticks, labels = [], []
        for group, coord in zip(axis_groups, ("x", "y")):
            pairs = []
            for tick in group.findall("s:g", ns):
                if not tick.get("id", "").startswith(("xtick_", "ytick_")):
                    continue
                use = next((u for u in tick.iter("{http://www.w3.org/2000/svg}use") if u.get(href)), None)
                text = "".join(t.text or "" for t in tick.iter("{http://www.w3.org/2000/svg}text")).strip()
                if use is not None and text:
                    pairs.append((float(use.get(coord)), number(text)))
            ticks.append(pairs)
            label = [t for g in group.findall("s:g", ns) if g.get("id", "").startswith("text_")
                     for t in g.iter("{http://www.w3.org/2000/svg}text")]
            labels.append("".join(t.text or "" for t in label).strip())
        patch = axes.find("s:g/s:path", ns)
        ys = [float(v) for v in re.findall(r"[-\d.]+ ([-\d.]+)", patch.get("d"))]
        found.append((labels[0], labels[1], ticks[0], ticks[1], (max(ys), min(ys))))
    return found


@pytest.mark.notebooks
@pytest.mark.parametrize("figure", ["nyquist_series", "nyquist_pellets"])
def test_impedance_nyquist_axes_equal_framed_and_in_engineering_units(reproduction, figure):
    """Fig. S10 and S13 as saved: 1 Ω on Z′ is as long as 1 Ω on −Z″ (within 1 %), one engineering unit in
    both axis labels matching the tick numbers (largest in [1, 1000)), −Z″ not below −5 % of its range."""
    svg = reproduction / "05_eis_fitting" / "figures" / f"{figure}.svg"
    nyquist = [a for a in _svg_axes(svg) if a[0].startswith("Z′")]
    assert nyquist, f"{svg.name}: no Nyquist axes (x label 'Z′ / <unit>') found"
    for xlabel, ylabel, xt, yt, (bottom_px, top_px) in nyquist:
        mx = re.fullmatch(r"Z′ / (k|M|m|)Ω", xlabel)
        my = re.fullmatch(r"−Z″ / (k|M|m|)Ω", ylabel)
        assert mx and my and mx.group(1) == my.group(1), (xlabel, ylabel)
        sx = np.polyfit([v for _, v in xt], [p for p, _ in xt], 1)[0]  # pixels per unit
        sy = -np.polyfit([v for _, v in yt], [p for p, _ in yt], 1)[0]  # SVG y grows downwards
        assert abs(sx / sy - 1) < 0.01, f"{svg.name} ({xlabel}): {sx:.4g} vs {sy:.4g} px per {mx.group(1)}Ω"
        biggest = max(abs(v) for _, v in xt + yt)
        assert 1 <= biggest < 1000, f"{svg.name}: tick numbers up to {biggest:g} {mx.group(1)}Ω"
        p0, v0 = yt[0]
        low, high = v0 + (p0 - bottom_px) / sy, v0 + (p0 - top_px) / sy  # the -Z'' limits
        assert low >= -0.05 * (high - low), f"{svg.name}: −Z″ from {low:.3g} to {high:.3g}"
