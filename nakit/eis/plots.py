"""Impedance figures: Nyquist plots with equal axis scales and engineering units, Bode plots.

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

from .. import plotting

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

    _require_mapping(spectra, where, what, "{legend label: spectrum Dataset or circuit fit}", "{'label': ds}")
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


def _require_mapping(value, where: str, what: str, expected: str, example: str) -> None:
    """Refuse anything but a mapping where a figure takes ``{label: ...}``: the labels are the legend
    (or the panel titles), which a lone Dataset or a list does not have. Iterating a Dataset gives its
    variable names, which then read as labels of spectra that are no spectra."""
    from ..errors import ParameterError

    if isinstance(value, Mapping) and not hasattr(value, "data_vars"):
        return
    if hasattr(value, "data_vars") or hasattr(value, "to_dataset"):
        got = "one Dataset" if hasattr(value, "data_vars") else f"one {type(value).__name__}"
    elif isinstance(value, (list, tuple)):
        got = f"a {type(value).__name__} of {len(value)} (no labels)"
    else:
        got = type(value).__name__
    raise ParameterError(f"{where}: {what}: expected a mapping {expected}, got {got}: pass {example}")


def _panels(panels: Mapping[str, Mapping[str, object]], where: str) -> dict[str, dict[str, object]]:
    """``{title: spectra}`` with each panel's spectra as :func:`_spectra` gives them; none, or a panel
    without a spectrum, is refused naming the panel."""
    from ..errors import ParameterError

    _require_mapping(panels, where, "argument 'panels'", "{panel title: {legend label: spectrum}}",
                     "{'title': {'label': ds}}")
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
        :class:`~nakit.eis.fitting.CircuitFit` itself stands for its ``to_dataset()``. Always a
        mapping, also for one spectrum (``{"cell A": ds}``): its keys are the legend, which a
        lone Dataset or a list lacks, so those are refused (:class:`~nakit.errors.ParameterError`).
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
        line, = ax.plot(x / f, y / f, "o", ms=markersize, color=colour, label=_legend_label(name, ds, flagged, fits))
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


def shades(colour, n: int) -> list:
    """``n`` shades of one colour, light to dark, for the spectra of one sample (cycle 1 to cycle 50):
    the sample keeps its colour (:func:`nakit.plotting.sample_colours`) and its spectra stay apart.

    One spectrum gets the colour itself; more keep its hue and saturation, their lightness running
    from 0.2 above the colour's (at most 0.65, so that the lightest still shows on white) to 0.25
    below it, or 0.35 below the lightest for a pale colour (at least 0.2: not black).
    """
    import colorsys

    from matplotlib import colors

    rgb = colors.to_rgb(colour)
    if n <= 1:
        return [rgb][:max(n, 0)]
    h, lightness, s = colorsys.rgb_to_hls(*rgb)
    top = min(lightness + 0.2, 0.65)
    bottom = max(min(lightness - 0.25, top - 0.35), 0.2)  # a pale colour (a pink) still spans 0.35
    return [colorsys.hls_to_rgb(h, v, s) for v in np.linspace(top, bottom, n)]


def _panel_colours(spectra, base, cmap: str) -> list:
    """The colours of one panel's spectra: shades of the sample's ``base`` colour, else ``cmap`` in order."""
    import matplotlib.pyplot as plt

    if base is not None:
        return shades(base, len(spectra))
    return list(plt.get_cmap(cmap)(np.linspace(0, 0.85, max(len(spectra), 1))))


def _legend_width(labels, fontsize: float) -> float:
    """Inches a legend of ``labels`` takes beside its axes: the longest label's width (matplotlib's
    text metrics, as plain text: a user's ``lot $\\foo$`` is no mathtext, and a mathtext label is no
    wider than its source) plus handle and padding."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, prop = TextToPath(), FontProperties(size=fontsize)
    longest = max((measure.get_text_width_height_descent(str(label), prop, ismath=False)[0] for label in labels),
                  default=0.0)
    return longest / 72.0 + 0.75


def nyquist_figure(panels: Mapping[str, Mapping[str, object]], *, ncols: int = 2, cmap: str = "viridis",
                   colours: Mapping[str, object] | None = None, axes_width: float = 4.6, fits: bool = True,
                   flagged: Mapping[str, Collection[str]] | None = None):
    """One Nyquist panel per entry of ``panels`` (``{title: {legend label: dataset}}``), in rows.

    Each panel gets its own limits and unit (:func:`nyquist`), equal axis scales within it, and
    its legend outside on the right, so it never covers a point. ``colours``: ``{title: colour}``,
    the sample's colour of each panel (:func:`nakit.plotting.sample_colours`), its spectra drawn in
    :func:`shades` of it; a panel without one takes ``cmap`` in the order of its spectra.
    At equal scales a panel's shape is its data's: the panels of a row share one height and
    get widths in proportion to their data's width over height (``ncols * axes_width``
    inches of axes per row), so a flat spectrum beside a tall one wastes no space; the figure is
    as wide as its widest row with the axis labels and legends beside each panel.
    ``flagged``: ``{title: names of spectra with a flagged fit}`` (see :func:`nyquist`).
    Returns ``(fig, axes)``, one axes per panel in the order given.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties

    panels = _panels(panels, "nyquist_figure")
    flagged = flagged or {}
    titles = list(panels)
    ncols = max(1, min(ncols, len(titles)))
    rows = [titles[i:i + ncols] for i in range(0, len(titles), ncols)]
    limits = {t: data_limits(panels[t]) for t in titles}
    # width per unit height of each panel, kept within 1:3 and 3:1 of a square (beyond that the box shrinks)
    shape = {t: min(max(1.0 / max(_aspect(*limits[t]), 1e-9), 1 / 3), 3.0) for t in titles}
    heights = [min(max(len(row) * axes_width / sum(shape[t] for t in row), 1.6), 1.3 * axes_width) for row in rows]
    widths = {t: shape[t] * h for row, h in zip(rows, heights) for t in row}
    # beside each panel: its y tick and axis labels (~0.9 in) and its legend, measured at the legend's size
    small = FontProperties(size=mpl.rcParams["legend.fontsize"]).get_size_in_points() * 0.833  # "small"
    labels = {t: [_legend_label(name, ds, flagged.get(t, ()), fits) for name, ds in panels[t].items()]
              for t in titles}
    margin = {t: 0.9 + _legend_width(labels[t], small) for t in titles}
    need = [sum(widths[t] + margin[t] for t in row) for row in rows]
    extra = 1.3  # title, tick and axis labels of a row, inches
    fig = plt.figure(figsize=(max(need), sum(h + extra for h in heights)), layout="constrained")
    subfigs = fig.subfigures(len(rows), 1, height_ratios=[h + extra for h in heights], squeeze=False)[:, 0]
    axes = []
    for subfig, row, room in zip(subfigs, rows, need):
        # a row narrower than the widest keeps its panels' widths, left-aligned: an empty slot takes the rest
        ratios = [widths[t] for t in row] + ([max(need) - room] if max(need) - room > 0.05 else [])
        row_axes = subfig.subplots(1, len(ratios), width_ratios=ratios, squeeze=False)[0]
        for ax in row_axes[len(row):]:
            ax.set_visible(False)
        for ax, title in zip(row_axes, row):
            spectra = panels[title]
            nyquist(ax, spectra, colours=_panel_colours(spectra, (colours or {}).get(title), cmap),
                    xlim=limits[title][0], ylim=limits[title][1], fits=fits, flagged=flagged.get(title, ()))
            ax.set_title(title)
            ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0.0)
            axes.append(ax)
    return fig, axes


def _legend_label(name: str, ds, flagged: Collection[str], fits: bool) -> str:
    """A spectrum's legend entry, as :func:`nyquist` and :func:`bode` write it."""
    return f"{name} (fit {FLAG_MARK} flagged)" if fits and _fit_flagged(name, ds, flagged) else name


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
        label = _legend_label(name, ds, flagged, fits)
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
    plotting.readable_log_axis(ax_modulus.yaxis)  # 225 ... 227 ohm, not 2.25×10² ...
    ax_modulus.set_ylabel(f"|Z| / {scale.unit}")
    ax_phase.set_ylabel("−θ / °")
    ax_phase.set_xlabel("f / Hz")
    ax_modulus.tick_params(labelbottom=False)
    return scale


def _all_inside(spectra: Mapping[str, object], xlim, ylim) -> bool:
    """Whether every measured point of ``spectra`` lies inside the window ``xlim`` x ``ylim`` (ohm)."""
    for ds in spectra.values():
        x, y = _xy(ds)
        keep = np.isfinite(x) & np.isfinite(y)
        if not np.all((x[keep] >= xlim[0]) & (x[keep] <= xlim[1]) & (y[keep] >= ylim[0]) & (y[keep] <= ylim[1])):
            return False
    return True


def blocking_figure(panels: Mapping[str, Mapping[str, object]], resistances: Mapping[str, Sequence[float]], *,
                    cmap: str = "plasma", colours: Mapping[str, object] | None = None, fits: bool = True,
                    flagged: Mapping[str, Collection[str]] | None = None):
    """Spectra of ion-blocking cells: per sample, a Nyquist plot of the electrolyte arcs and the Bode plot.

    Parameters
    ----------
    panels
        ``{sample title: {legend label: dataset}}``, as for :func:`nyquist_figure`.
    resistances
        ``{sample title: [fitted arc resistance (ohm) of each spectrum]}``; the Nyquist window
        is :func:`arc_window` of them (the capacitive spikes leave it through the top), each
        taken no larger than the largest measured ``Z'``. A sample none of whose points leaves
        that window (no spike: a resistor-like spectrum) is framed whole (:func:`data_limits`)
        and its panel titled "whole spectra, no capacitive spike" rather than "electrolyte arcs".
    cmap, fits
        Colour map of the spectra (in their order) and whether to draw fitted curves.
    colours
        ``{sample title: colour}``: the sample's spectra in :func:`shades` of it (its colour in every
        figure, :func:`nakit.plotting.sample_colours`); a sample without one takes ``cmap``.
    flagged
        ``{sample title: names of spectra with a flagged fit}`` (see :func:`nyquist`).

    Returns
    -------
    (fig, rows)
        ``rows``: one dict per sample with the axes ``"nyquist"``, ``"modulus"``, ``"phase"``, and
        ``"whole"``: True where the Nyquist panel frames the whole spectra (no capacitive spike), so a
        caption can say which panels show arcs with spikes leaving them.
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
        drawn = _panel_colours(spectra, (colours or {}).get(title), cmap)
        ax_n = fig.add_subplot(grid[2 * i:2 * i + 2, 0])
        ax_m = fig.add_subplot(grid[2 * i, 1])
        ax_p = fig.add_subplot(grid[2 * i + 1, 1], sharex=ax_m)
        # a failed fit's resistance can lie far beyond the spectrum: the arcs end within the measured Z'
        reach = max(float(np.nanmax(_xy(ds)[0])) for ds in spectra.values())
        xlim, ylim = arc_window([min(float(r), reach) for r in resistances.get(title, ())] or [reach])
        whole = _all_inside(spectra, xlim, ylim)  # no spike leaves the window: it would only shrink the data
        if whole:
            xlim, ylim = data_limits(spectra)
        marked = (flagged or {}).get(title, ())
        nyquist(ax_n, spectra, colours=drawn, xlim=xlim, ylim=ylim, fits=fits, flagged=marked)
        ax_n.set_title(f"{title}: " + ("whole spectra, no capacitive spike" if whole else "electrolyte arcs"))
        bode(ax_m, ax_p, spectra, colours=drawn, fits=fits, flagged=marked)
        ax_m.set_title(f"{title}: whole spectra")
        ax_m.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0.0)
        rows.append({"nyquist": ax_n, "modulus": ax_m, "phase": ax_p, "whole": whole})
    return fig, rows


# -- what a fitted circuit says about a spectrum (the report's words, from the circuit string) -------------

#: an element's reading when it stands alone in the series chain, by symbol
_SERIES_WORDS = {
    "R": "a resistance {label}",
    "L": "an inductance {label} (usually the cables and leads)",
    "C": "a capacitance {label}",
    "CPE": "a constant-phase element {label}",
    "W": "a semi-infinite Warburg line {label} (diffusion at low frequency)",
    "Wo": "a finite-length Warburg element {label} with a reflecting boundary (diffusion into a closed layer)",
    "Ws": "a finite-length Warburg element {label} with a transmissive boundary (diffusion through a layer)",
    "G": "a Gerischer element {label} (diffusion coupled with a reaction)",
}
_CAPACITIVE = {"C": "the capacitance", "CPE": "the constant-phase element"}


def _element_words(node, interface: str | None) -> str:
    words = _SERIES_WORDS[node.symbol].format(label=node.label)
    return words + (f" (the interfacial resistance, `{interface}`)" if node.label == interface else "")


def _arc_words(node, interface: str | None) -> str | None:
    """``p(R1,CPE1)`` or a Randles ``p(R1-Wo1,CPE1)`` in words; None for any other parallel group."""
    from ..circuitgrammar import parallel_partner

    if len(node.children) != 2:
        return None
    for branch, other in (node.children, node.children[::-1]):
        items = [branch] if branch.kind == "e" else list(branch.children) if branch.kind == "s" else []
        resistors = [x for x in items if x.kind == "e" and x.symbol == "R"]
        if (len(resistors) == 1 and all(x.kind == "e" for x in items)
                and parallel_partner(node, resistors[0].label) is other):
            r = resistors[0].label
            role = " (the interfacial resistance)" if r == interface else ""
            more = [_SERIES_WORDS[x.symbol].format(label=x.label) for x in items if x is not resistors[0]]
            chain = f"{r}{role}" + "".join(f" in series with {m}" for m in more)
            return f"an arc of {chain} in parallel with {_CAPACITIVE[other.symbol]} {other.label}"
    return None


def describe_circuit(circuit: str, interface: str | None = None, ohmic: bool = True) -> str:
    """How equivalent circuit ``circuit`` reads an impedance spectrum, in words built from its string.

    Parameters
    ----------
    circuit
        A circuit in impedance.py notation (:mod:`nakit.circuitgrammar`), e.g. ``R0-p(R1,CPE1)-W1``.
    interface
        The parameter taken as the interfacial resistance (``interface_parameter``): named so.
    ohmic
        Name the one resistor in series with the rest as the ohmic resistance (electrolyte and contacts).

    Returns
    -------
    str
        ``"R0-p(R1,CPE1)-W1 reads a spectrum as the ohmic resistance R0 of electrolyte and contacts, an
        arc of R1 (the interfacial resistance) in parallel with the constant-phase element CPE1 and a
        semi-infinite Warburg line W1 (diffusion at low frequency), in series"`` (markdown: the circuit in
        backticks). A parallel group that is no arc is given as written.
    """
    from ..circuitgrammar import parse, series_resistor
    from ..report import join_labels

    tree = parse(circuit.replace(" ", ""))
    ohmic_label = series_resistor(circuit) if ohmic else None
    parts = []
    for node in [tree] if tree.kind != "s" else tree.children:
        if node.kind == "e" and node.label == ohmic_label:
            parts.append(f"the ohmic resistance {node.label} of electrolyte and contacts")
        elif node.kind == "e":
            parts.append(_element_words(node, interface))
        else:
            parts.append(_arc_words(node, interface) or f"the parallel group `{_written(node)}`")
    if sum(p.startswith("an arc") for p in parts) > 1:  # "an arc of ..., an arc of ..." reads as one arc twice
        n = iter(("a first", "a second", "a third", "a fourth", "a fifth"))
        parts = [p.replace("an", next(n, "another"), 1) if p.startswith("an arc") else p for p in parts]
    body = join_labels(parts) + (", in series" if len(parts) > 1 else "")
    return f"`{circuit}` reads a spectrum as {body}"


def _written(node) -> str:
    """A circuit tree written back in impedance.py notation."""
    if node.kind == "e":
        return node.label
    if node.kind == "s":
        return "-".join(_written(c) for c in node.children)
    return "p(" + ",".join(_written(c) for c in node.children) + ")"


def circuits_text(circuit_of: Mapping[str, str], interface_of: Mapping[str, str]) -> str:
    """Markdown saying how the circuit(s) fitted read the spectra: one sentence when every sample was
    fitted with one circuit and one interface parameter, else one line per circuit naming its samples.

    ``circuit_of`` and ``interface_of``: ``{sample label: circuit}`` and ``{sample label: interface
    parameter}`` of the samples fitted, in their order.
    """
    from ..mdtext import literal
    from ..report import join_labels

    groups: dict[tuple[str, str], list[str]] = {}
    for label, circuit in circuit_of.items():
        groups.setdefault((circuit, interface_of.get(label)), []).append(label)
    if len(groups) == 1:
        (circuit, interface), _ = next(iter(groups.items()))
        return f"The circuit {describe_circuit(circuit, interface)}."
    lines = [f"- {literal(join_labels(labels))}: {describe_circuit(circuit, interface)}."
             for (circuit, interface), labels in groups.items()]
    return "The circuits fitted (a sample's own `circuit` or `cell_circuit`):\n\n" + "\n".join(lines)
