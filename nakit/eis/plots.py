"""Impedance figures: Nyquist plots with equal scales and engineering units, Bode plots.

A Nyquist plot is only readable when one ohm on the real axis is as long as one ohm on
the imaginary axis: a semicircle then looks like one, and a 45° Warburg line or a
capacitive spike shows its true angle. :func:`nyquist` draws ``-Z''`` against ``Z'`` with
equal data scales (``set_aspect("equal", adjustable="box")``: the axes box shrinks to the
data, the limits stay where they are put), frames the data without an empty negative
``-Z''`` range, and gives the axes one engineering unit (Ω, kΩ, MΩ) chosen from the
largest value shown, written in the axis labels ("Z′ / kΩ") rather than on every tick.

A blocking (ion-blocking electrodes) spectrum is an electrolyte arc of a few hundred ohm
followed by a near-vertical capacitive spike that reaches hundreds of kilo-ohm: at equal
scales the whole spectrum shows only the spike. :func:`blocking_figure` therefore shows
the arcs in a Nyquist window around them (:func:`arc_window`, the spike leaves through
the top) and the whole spectra in Bode form (``|Z|`` and phase against frequency), where
the spike and the arc are both readable.
"""

from __future__ import annotations

import math
from typing import Collection, Mapping, NamedTuple, Sequence

import numpy as np

#: SI prefixes of the engineering units, by power of 1000
PREFIXES = {-2: "µ", -1: "m", 0: "", 1: "k", 2: "M", 3: "G"}
#: marks a flagged fit in a legend, as elsewhere in nakit's reports
FLAG_MARK = "⚑"
#: the axis labels of a Nyquist plot, before " / <unit>"
REAL_LABEL = "Z′"
IMAG_LABEL = "−Z″"


class Scale(NamedTuple):
    """The engineering unit of an impedance axis: values are divided by ``factor``."""

    factor: float
    prefix: str

    @property
    def unit(self) -> str:
        """``"kΩ"`` and the like."""
        return f"{self.prefix}Ω"


def engineering_scale(magnitude: float) -> Scale:
    """The power of 1000 that puts ``magnitude`` (ohm) in [1, 1000): 3600 -> kΩ, 5e5 -> kΩ, 2e6 -> MΩ.

    Zero, negative or non-finite magnitudes give plain ohm.
    """
    if not np.isfinite(magnitude) or magnitude <= 0:
        return Scale(1.0, "")
    power = int(math.floor(math.log10(magnitude) / 3 + 1e-12))
    power = min(max(power, min(PREFIXES)), max(PREFIXES))
    return Scale(1000.0 ** power, PREFIXES[power])


def _xy(ds, real: str = "z_real", imag: str = "z_imag"):
    return np.asarray(ds[real], float), -np.asarray(ds[imag], float)


def _spectra(spectra: Mapping[str, object], where: str = "nyquist", what: str = "argument 'spectra'") -> dict[str, object]:
    """``spectra`` with each circuit fit (:class:`~nakit.eis.fitting.CircuitFit`, or any result with
    ``to_dataset()``) replaced by its Dataset: the data, the fitted curve and the fit's ``ok`` and
    ``flags``, so a fit passed as it is draws as flagged as it is. ``where`` and ``what`` name the
    function and the argument (or panel) an empty mapping was given as."""
    from ..errors import ParameterError

    if not spectra:  # an empty figure would be saved as if it showed the data
        raise ParameterError(f"{where}: {what} holds no spectrum: expected a mapping "
                             "{legend label: spectrum Dataset (z_real, z_imag) or circuit fit} with at least one entry")
    out = {}
    for name, item in spectra.items():
        if not hasattr(item, "data_vars") and hasattr(item, "to_dataset"):
            item = item.to_dataset()
        try:
            item["z_real"], item["z_imag"]
        except (KeyError, TypeError, IndexError):
            raise TypeError(f"spectra[{name!r}]: expected a spectrum Dataset (z_real, z_imag) or a circuit fit, "
                            f"got {type(item).__name__}") from None
        out[name] = item
    return out


def _panels(panels: Mapping[str, Mapping[str, object]], where: str) -> dict[str, dict[str, object]]:
    """``{title: spectra}`` with each panel's spectra as :func:`_spectra` gives them; none, or a panel
    without a spectrum, is refused naming the panel."""
    from ..errors import ParameterError

    if not panels:
        raise ParameterError(f"{where}: argument 'panels' holds no panel: expected a mapping "
                             "{panel title: {legend label: spectrum}} with at least one entry")
    return {title: _spectra(spectra, where, f"panel {title!r} of 'panels'") for title, spectra in panels.items()}


def _labels_as_typed() -> None:
    """The spectra's names (a user's sample labels) drawn in the legend as typed, also in a figure made
    without :func:`nakit.plotting.use_style` and shown without :func:`~nakit.plotting.savefig`."""
    from .. import figtext

    figtext.install()


def _fit_flagged(name: str, ds, flagged: Collection[str]) -> bool:
    """Whether the fitted curve of spectrum ``name`` is drawn as flagged: the caller says so in
    ``flagged``, or the fit's Dataset does (``ok`` 0 in its attrs, as every result's ``to_dataset()``
    writes): the fit carries its verdict, and a caller who does not repeat it must not see a failed
    fit drawn as a description of the data."""
    return "curve_real" in ds and (name in flagged or not getattr(ds, "attrs", {}).get("ok", True))


def data_limits(spectra: Mapping[str, object], *, xlim=None, pad: float = 0.03):
    """The Nyquist window (ohm) framing the measured points of ``spectra``.

    ``Z'`` spans the data (or ``xlim``) with ``pad`` of its range either side; ``-Z''``
    starts at zero (or at the lowest point, for inductive points below the axis) less
    ``pad`` of its range, and ends ``pad`` above the highest point inside the ``Z'`` window.
    """
    spectra = _spectra(spectra, "data_limits")
    xs = np.concatenate([_xy(ds)[0] for ds in spectra.values()])
    ys = np.concatenate([_xy(ds)[1] for ds in spectra.values()])
    keep = np.isfinite(xs) & np.isfinite(ys)
    if not keep.any():
        from ..errors import ParameterError

        raise ParameterError(f"data_limits: no point of {', '.join(map(repr, spectra))} has a finite z_real and "
                             "z_imag: nothing to frame")
    xs, ys = xs[keep], ys[keep]
    if xlim is None:
        span = float(xs.max() - xs.min()) or abs(float(xs.max())) or 1.0
        xlim = (float(xs.min()) - pad * span, float(xs.max()) + pad * span)
    inside = (xs >= xlim[0]) & (xs <= xlim[1])
    ys = ys[inside] if inside.any() else ys
    low, high = min(0.0, float(ys.min())), max(0.0, float(ys.max()))
    span = (high - low) or (xlim[1] - xlim[0])
    return (float(xlim[0]), float(xlim[1])), (low - pad * span, high + pad * span)


def arc_window(resistances: Sequence[float], *, reach: float = 1.3, height: float = 0.5, pad: float = 0.02):
    """A Nyquist window (ohm) around arcs that end at the resistances given (blocking cells).

    ``Z'`` runs from zero to ``reach`` times the largest resistance, so the foot of the
    capacitive spike shows; ``-Z''`` from zero to ``height`` times that span (a semicircle of
    the largest resistance is half as high as wide). Both start ``pad`` of their span below zero.
    """
    r = max((float(v) for v in resistances if np.isfinite(v) and v > 0), default=1.0)
    x1 = reach * r
    y1 = height * x1
    return (-pad * x1, x1), (-pad * y1, y1)


def nyquist(ax, spectra: Mapping[str, object], *, colours=None, xlim=None, ylim=None, fits: bool = True,
            flagged: Collection[str] = (), pad: float = 0.03, markersize: float = 3.0) -> Scale:
    """Draw the Nyquist plot of ``spectra`` on ``ax`` with equal scales and an engineering unit.

    Parameters
    ----------
    ax
        A matplotlib Axes.
    spectra
        ``{legend label: dataset}``; each dataset holds ``z_real`` and ``z_imag`` (ohm), and,
        to draw a fitted curve, ``curve_real`` and ``curve_imag`` (as
        :meth:`nakit.eis.fitting.CircuitFit.to_dataset` gives). A
        :class:`~nakit.eis.fitting.CircuitFit` itself stands for its ``to_dataset()``.
    colours
        One colour per spectrum; default the axes' colour cycle.
    xlim, ylim
        The window in ohm; default :func:`data_limits` (``ylim`` from the points inside ``xlim``).
        Points and curves outside it are clipped.
    fits
        Draw the fitted curves where present.
    flagged
        Names of spectra whose fit is flagged: their curve is dashed and their legend entry
        says ``fit ⚑ flagged``, so a failed fit is not read as a description of the data. A fit
        whose Dataset says it is not ok (attrs ``ok`` 0, as ``CircuitFit.to_dataset()`` writes
        for a flagged fit) is drawn so without being named here.
    pad
        Margin around the data, as a fraction of each axis' range.
    markersize
        Size of the data markers (points).

    Returns
    -------
    Scale
        The unit the axes show: plotted values are ohm / ``factor``.
    """
    _labels_as_typed()
    spectra = _spectra(spectra)
    if xlim is None or ylim is None:
        auto_x, auto_y = data_limits(spectra, xlim=xlim, pad=pad)
        xlim = xlim if xlim is not None else auto_x
        ylim = ylim if ylim is not None else auto_y
    scale = engineering_scale(max(abs(v) for v in (*xlim, *ylim)))
    f = scale.factor
    colours = list(colours) if colours is not None else [None] * len(spectra)
    for colour, (name, ds) in zip(colours, spectra.items()):
        x, y = _xy(ds)
        bad = fits and _fit_flagged(name, ds, flagged)
        line, = ax.plot(x / f, y / f, "o", ms=markersize, color=colour,
                        label=f"{name} (fit {FLAG_MARK} flagged)" if bad else name)
        if fits and "curve_real" in ds and "curve_imag" in ds:
            cx, cy = _xy(ds, "curve_real", "curve_imag")
            ax.plot(cx / f, cy / f, "--" if bad else "-", lw=1, color=line.get_color())
    ax.set_xlim(xlim[0] / f, xlim[1] / f)
    ax.set_ylim(ylim[0] / f, ylim[1] / f)
    ax.set_aspect("equal", adjustable="box")  # limits kept, the box shrinks: 1 Ω on x = 1 Ω on y
    for axis in (ax.xaxis, ax.yaxis):
        formatter = axis.get_major_formatter()
        if hasattr(formatter, "set_useOffset"):  # the unit is in the label: no "+1e3" offset text
            formatter.set_useOffset(False)
    ax.set_xlabel(f"{REAL_LABEL} / {scale.unit}")
    ax.set_ylabel(f"{IMAG_LABEL} / {scale.unit}")
    return scale


def _aspect(xlim, ylim) -> float:
    return abs(ylim[1] - ylim[0]) / max(abs(xlim[1] - xlim[0]), 1e-300)


def nyquist_figure(panels: Mapping[str, Mapping[str, object]], *, ncols: int = 2, cmap: str = "viridis",
                   axes_width: float = 4.6, fits: bool = True, flagged: Mapping[str, Collection[str]] | None = None):
    """One Nyquist panel per entry of ``panels`` (``{title: {legend label: dataset}}``), in rows.

    Each panel gets its own limits and unit (:func:`nyquist`), colours from ``cmap`` in the
    order of its spectra, and its legend outside on the right, so it never covers a point.
    At equal scales a panel's shape is its data's: the panels of a row share one height and
    get widths in proportion to their data's width over height (``ncols * axes_width``
    inches of axes per full row), so a flat spectrum beside a tall one wastes no space.
    ``flagged``: ``{title: names of spectra with a flagged fit}`` (see :func:`nyquist`).
    Returns ``(fig, axes)``, one axes per panel in the order given.
    """
    import matplotlib.pyplot as plt

    panels = _panels(panels, "nyquist_figure")
    titles = list(panels)
    ncols = max(1, min(ncols, len(titles)))
    rows = [titles[i:i + ncols] for i in range(0, len(titles), ncols)]
    limits = {t: data_limits(panels[t]) for t in titles}
    # width per unit height of each panel, kept within 1:3 and 3:1 of a square (beyond that the box shrinks)
    shape = {t: min(max(1.0 / max(_aspect(*limits[t]), 1e-9), 1 / 3), 3.0) for t in titles}
    heights = [min(max(len(row) * axes_width / sum(shape[t] for t in row), 1.6), 1.3 * axes_width) for row in rows]
    extra = 1.3  # title, tick and axis labels of a row, inches
    fig = plt.figure(figsize=(ncols * (axes_width + 2.2), sum(h + extra for h in heights)), layout="constrained")
    subfigs = fig.subfigures(len(rows), 1, height_ratios=[h + extra for h in heights], squeeze=False)[:, 0]
    axes = []
    for subfig, row in zip(subfigs, rows):
        # a short last row keeps the full rows' panel widths, left-aligned
        ratios = [shape[t] for t in row] + ([sum(shape[t] for t in rows[0]) * (ncols - len(row)) / ncols]
                                             if len(row) < ncols and len(rows) > 1 else [])
        row_axes = subfig.subplots(1, len(ratios), width_ratios=ratios, squeeze=False)[0]
        for ax in row_axes[len(row):]:
            ax.set_visible(False)
        for ax, title in zip(row_axes, row):
            spectra = panels[title]
            colours = plt.get_cmap(cmap)(np.linspace(0, 0.85, max(len(spectra), 1)))
            nyquist(ax, spectra, colours=colours, xlim=limits[title][0], ylim=limits[title][1], fits=fits,
                    flagged=(flagged or {}).get(title, ()))
            ax.set_title(title)
            ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0.0)
            axes.append(ax)
    return fig, axes


def bode(ax_modulus, ax_phase, spectra: Mapping[str, object], *, colours=None, fits: bool = True,
         flagged: Collection[str] = (), markersize: float = 3.0) -> Scale:
    """``|Z|`` (log-log, ohm) and ``−θ`` (degrees) against frequency on two axes.

    ``spectra`` as for :func:`nyquist`; datasets carry the ``frequency`` coordinate (Hz) and,
    for fitted curves, ``frequency_fine``; ``flagged`` as for :func:`nyquist`. Returns the unit of the
    ``|Z|`` axis.
    """
    _labels_as_typed()
    spectra = _spectra(spectra, "bode")
    scale = Scale(1.0, "")  # a log axis shows its decades itself (10², 10⁵ Ω): no prefix
    f = scale.factor
    colours = list(colours) if colours is not None else [None] * len(spectra)
    for colour, (name, ds) in zip(colours, spectra.items()):
        x, y = _xy(ds)
        freq = np.asarray(ds["frequency"], float)
        bad = fits and _fit_flagged(name, ds, flagged)
        label = f"{name} (fit {FLAG_MARK} flagged)" if bad else name
        line, = ax_modulus.plot(freq, np.hypot(x, y) / f, "o", ms=markersize, color=colour, label=label)
        ax_phase.plot(freq, np.degrees(np.arctan2(y, x)), "o", ms=markersize, color=line.get_color(), label=label)
        if fits and "curve_real" in ds and "frequency_fine" in ds:
            cx, cy = _xy(ds, "curve_real", "curve_imag")
            fine = np.asarray(ds["frequency_fine"], float)
            style = "--" if bad else "-"
            ax_modulus.plot(fine, np.hypot(cx, cy) / f, style, lw=1, color=line.get_color())
            ax_phase.plot(fine, np.degrees(np.arctan2(cy, cx)), style, lw=1, color=line.get_color())
    for ax in (ax_modulus, ax_phase):
        ax.set_xscale("log")
    ax_modulus.set_yscale("log")
    ax_modulus.set_ylabel(f"|Z| / {scale.unit}")
    ax_phase.set_ylabel("−θ / °")
    ax_phase.set_xlabel("f / Hz")
    ax_modulus.tick_params(labelbottom=False)
    return scale


def blocking_figure(panels: Mapping[str, Mapping[str, object]], resistances: Mapping[str, Sequence[float]], *,
                    cmap: str = "plasma", fits: bool = True, flagged: Mapping[str, Collection[str]] | None = None):
    """Spectra of ion-blocking cells: per sample, a Nyquist plot of the electrolyte arcs and the Bode plot.

    Parameters
    ----------
    panels
        ``{sample title: {legend label: dataset}}``, as for :func:`nyquist_figure`.
    resistances
        ``{sample title: [fitted arc resistance (ohm) of each spectrum]}``; the Nyquist window
        is :func:`arc_window` of them (the capacitive spikes leave it through the top), each
        taken no larger than the largest measured ``Z'``.
    cmap, fits
        Colour map of the spectra (in their order) and whether to draw fitted curves.
    flagged
        ``{sample title: names of spectra with a flagged fit}`` (see :func:`nyquist`).

    Returns
    -------
    (fig, rows)
        ``rows``: one dict per sample with the axes ``"nyquist"``, ``"modulus"``, ``"phase"``.
    """
    import matplotlib.pyplot as plt

    panels = _panels(panels, "blocking_figure")
    titles = list(panels)
    row_height = 3.7
    fig = plt.figure(figsize=(11.5, row_height * len(titles)), layout="constrained")
    grid = fig.add_gridspec(2 * len(titles), 2, width_ratios=(1.45, 1.0))
    rows = []
    for i, title in enumerate(titles):
        spectra = panels[title]
        colours = plt.get_cmap(cmap)(np.linspace(0, 0.85, max(len(spectra), 1)))
        ax_n = fig.add_subplot(grid[2 * i:2 * i + 2, 0])
        ax_m = fig.add_subplot(grid[2 * i, 1])
        ax_p = fig.add_subplot(grid[2 * i + 1, 1], sharex=ax_m)
        # a failed fit's resistance can lie far beyond the spectrum: the arcs end within the measured Z'
        reach = max(float(np.nanmax(_xy(ds)[0])) for ds in spectra.values())
        xlim, ylim = arc_window([min(float(r), reach) for r in resistances.get(title, ())] or [reach])
        marked = (flagged or {}).get(title, ())
        nyquist(ax_n, spectra, colours=colours, xlim=xlim, ylim=ylim, fits=fits, flagged=marked)
        ax_n.set_title(f"{title}: electrolyte arcs")
        bode(ax_m, ax_p, spectra, colours=colours, fits=fits, flagged=marked)
        ax_m.set_title(f"{title}: whole spectra")
        ax_m.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0.0)
        rows.append({"nyquist": ax_n, "modulus": ax_m, "phase": ax_p})
    return fig, rows
