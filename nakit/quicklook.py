"""A first look at any measurement a reader returned: ``nakit.quicklook(nakit.read(path))``.

In JupyterLab, before any analysis, a user wants to see what a file holds: the pattern, the
spectrum, the isotherm, the voltage record, the Nyquist plot, in the house style, with the axes
named and in the file's units. xarray's ``.plot()`` draws a 1-D variable against its dimension,
which suits a diffraction pattern but not an isotherm (its points are indexed by branch), a
cycler record (voltage and current over hours) or an impedance spectrum (Z'' against Z'). One
function per technique draws what a researcher of that technique looks at first; the figure
title names the file, and a synthesised stand-in says so on the figure.
"""

from __future__ import annotations

import os

import numpy as np
import xarray as xr

from .datamodel import require_kind
from .layout import place_legend
from .report import axis_unit


def quicklook(ds: xr.Dataset | str | os.PathLike, *, title: str | None = None):
    """Draw a measurement Dataset (from :func:`nakit.read` or a technique's reader) and return the figure.

    ``ds`` may be a file's path instead: it is read with :func:`nakit.read` (recognised by its
    content) and drawn. A file that needs a fact it does not state (a two-column XRD export's
    wavelength) is refused by :func:`nakit.read` saying which; read it with that fact and pass the
    Dataset. Anything else (a list of Datasets, an array) is refused saying what was given.

    - XRD: intensity against 2θ, the wavelength in the title;
    - Raman: intensity against Raman shift; a map's mean spectrum with its spread (min-max);
    - sorption: the isotherm, adsorption filled and desorption open;
    - cycling: voltage and current against time (hours), one panel each;
    - impedance: the Nyquist plot at equal scales (every sweep of a multi-sweep file).

    ``title`` defaults to the file's name and format. A stand-in synthesised by nakit carries
    that on the figure. Nothing is written; save the figure with :func:`nakit.plotting.savefig`.
    """
    import matplotlib.pyplot as plt

    from . import plotting
    from .datamodel import is_synthesised
    from .paths import is_stand_in
    from .reading import technique_of

    if isinstance(ds, (str, os.PathLike)):
        from .reading import read

        ds = read(ds)
    # (else a list or an array was "not a measurement Dataset of any technique: dimensions []")
    require_kind(ds, xr.Dataset, "quicklook", "an xarray.Dataset read by nakit.read (or a file's path)",
                 "nakit.read(path)")
    technique = technique_of(ds)
    plotting.use_style()
    draw = {"xrd": _xrd, "raman": _raman, "sorption": _sorption, "cycling": _cycling, "eis": _eis}[technique]
    fig = draw(ds, plt)
    source = ds.attrs.get("source_path")
    name = os.path.basename(str(source)) if source else "(no source file)"
    fig.suptitle(title if title is not None else f"{name} ({ds.attrs.get('source_format', technique)})",
                 fontsize="medium")
    if is_synthesised(ds) or (source and is_stand_in(source)):
        plotting.caption(fig)
    return fig


def _label(quantity: str, da: xr.DataArray) -> str:
    unit = da.attrs.get("units", "")
    return quantity if unit in ("", "1") else f"{quantity} ({axis_unit(unit)})"


def _xrd(ds, plt):
    from .xrd.counting import counting, intensity_unit
    from .xrd.readers import Wavelength

    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    ax.plot(ds["two_theta"], ds["intensity"], lw=0.8)
    wl = Wavelength.of(ds).ka1 if "wavelength" in ds.attrs else None  # in angstrom whatever wavelength_units says
    # a two-column export is read as counts: "counts" only where its scatter says they are
    unit = intensity_unit(ds, not counting(ds).raw)
    ax.set(xlabel="2θ (°)" + (f", λ = {wl:.5g} Å" if wl is not None else ""), ylabel=f"intensity ({unit})")
    return fig


def _raman(ds, plt):
    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    da = ds["intensity"]
    x = ds["raman_shift"]
    others = [d for d in da.dims if d != "raman_shift"]
    if others:  # a map: its mean spectrum, and the spread of its spectra
        n = int(da.size // da.sizes["raman_shift"])
        ax.fill_between(x, da.min(others), da.max(others), color="0.85", lw=0, label=f"min-max of {n} spectra")
        ax.plot(x, da.mean(others), lw=0.8, label="mean spectrum")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    else:
        ax.plot(x, da, lw=0.8)
    ax.set(xlabel=_label("Raman shift", x), ylabel=_label("intensity", da))
    return fig


def _sorption(ds, plt):
    from .sorption import get_branch
    from .sorption.isotherm import branches_present

    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for branch in branches_present(ds):
        p, q = get_branch(ds, branch)
        ax.plot(p, q, "o-", ms=4, lw=1, color="C0", mfc="C0" if branch == "adsorption" else "none", label=branch)
    ax.set(xlabel="relative pressure p/p0", ylabel=_label("quantity adsorbed", ds["loading"]), xlim=(0, 1))
    # isotherms rise to the right: the lower right is free unless that covers points too (then beside the axes)
    place_legend(ax, locations=("lower right", "center right"), fontsize="small")
    return fig


def _cycling(ds, plt):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 5), sharex=True, layout="constrained")
    hours = ds["time"].values / 3600.0
    top.plot(hours, ds["voltage"], lw=0.8)
    bottom.plot(hours, ds["current"], lw=0.8, color="C1")
    top.set(ylabel=_label("voltage", ds["voltage"]))
    bottom.set(xlabel="time (h)", ylabel=_label("current", ds["current"]))
    return fig


def _eis(ds, plt):
    from .eis import iter_loops, n_loops
    from .eis.plots import nyquist

    spectra = ({f"sweep {k}": sweep for k, sweep in iter_loops(ds)} if n_loops(ds) > 1
               else {"spectrum": ds})
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    nyquist(ax, spectra, fits=False, colours=[plt.get_cmap("viridis")(v) for v in np.linspace(0, 0.9, len(spectra))])
    if len(spectra) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    elif ax.get_legend() is not None:
        ax.get_legend().remove()
    return fig
