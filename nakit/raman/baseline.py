"""Baselines from pybaselines, with a sensible default per spectral window and their spread.

nakit does not implement baseline algorithms: pybaselines does that well. This module
chooses and records them. Each spectral window has a default (first) method and two
alternatives; a derived ratio (I_D/I_G, a band area) is worth only as much as its
dependence on the baseline, so :func:`baseline_spread` re-derives it with each one.

Windows
-------
``low`` (thiophosphate/sulfur region, ~100-800 cm-1)
    asymmetrically reweighted penalised least squares (arPLS, lam=1e6); alternatives:
    asymmetric least squares (AsLS) and the modified polynomial (order 3).
``carbon`` (~800-2000 cm-1)
    a low-order polynomial fitted only outside the D/G band region (1000-1750 cm-1):
    broad, overlapping D and G bands leave no "baseline points" between them for
    penalised methods to find, so those would bend into the bands. Alternatives: order 2,
    and order 1 with a wider mask.

References
----------
Erb, D. pybaselines: A Python library of algorithms for the baseline correction of
experimental data. doi:10.5281/zenodo.5608581.
Baek, S.-J.; Park, A.; Ahn, Y.-J.; Choo, J. Baseline correction using asymmetrically
reweighted penalized least squares smoothing. Analyst 140, 250 (2015).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..errors import CalculationError, ParameterError
from ..validation import as_float_array, same_length, sorted_by
from ..datamodel import require_dataset


@dataclass(frozen=True)
class BaselineSpec:
    """A pybaselines method, its keyword parameters and band regions masked out of the fit."""

    method: str
    params: dict = field(default_factory=dict)
    mask: tuple[tuple[float, float], ...] = ()

    def describe(self) -> str:
        return json.dumps({"method": self.method, "params": self.params, "mask_cm-1": self.mask}, sort_keys=True)


WINDOWS = {
    "low": (
        BaselineSpec("arpls", {"lam": 1e6}),
        BaselineSpec("asls", {"lam": 1e6, "p": 0.01}),
        BaselineSpec("modpoly", {"poly_order": 3}),
    ),
    "carbon": (
        BaselineSpec("poly", {"poly_order": 1}, ((1000.0, 1750.0),)),
        BaselineSpec("poly", {"poly_order": 2}, ((1000.0, 1750.0),)),
        BaselineSpec("poly", {"poly_order": 1}, ((950.0, 1800.0),)),
    ),
}


def window_of(x) -> str:
    """The named window (``low`` or ``carbon``) that a spectral range falls in."""
    lo, hi = float(np.min(x)), float(np.max(x))
    if hi <= 1000:
        return "low"
    if lo >= 700 and hi <= 2200:
        return "carbon"
    raise ParameterError(f"no default baseline for {lo:.0f}-{hi:.0f} cm-1; select a window "
                         f"(100-800 or 800-2000 cm-1) or pass a BaselineSpec")


def as_spec(spec, x) -> BaselineSpec:
    """The :class:`BaselineSpec` meant by ``spec`` for a spectrum on ``x`` (cm-1).

    None: the spectrum's window's default. A pybaselines method name (``"arpls"``): that method as the
    window lists it (arPLS with ``lam=1e6`` in the low window, the masked polynomial ``"poly"`` in the
    carbon window), else with pybaselines' own defaults.

    Raises
    ------
    ParameterError
        Neither a spec nor a method name, or a name pybaselines has no method of.
    """
    if isinstance(spec, BaselineSpec):
        return spec
    if spec is None:
        return WINDOWS[window_of(x)][0]
    names = ", ".join(dict.fromkeys(s.method for specs in WINDOWS.values() for s in specs))
    if not isinstance(spec, str):
        raise ParameterError(f"spec: expected a BaselineSpec or a pybaselines method name ({names}, ...), got "
                             f"{type(spec).__name__} {spec!r}")
    from pybaselines import Baseline

    if spec.startswith("_") or not callable(getattr(Baseline, spec, None)):
        from ..params import closest

        methods = [m for m in dir(Baseline) if not m.startswith("_") and callable(getattr(Baseline, m))]
        raise ParameterError(f"spec: pybaselines has no baseline method {spec!r}{closest(spec, methods)}; nakit's "
                             f"windows use {names}")
    try:
        listed = WINDOWS[window_of(x)]
    except ParameterError:  # a range of no named window: the method's own defaults
        listed = ()
    return next((s for s in listed if s.method == spec), BaselineSpec(spec))


def baseline_raw(x, y, spec: BaselineSpec | str | None = None) -> tuple[np.ndarray, BaselineSpec]:
    """Baseline of one spectrum by ``spec`` (default: the window's first method; a method name, see
    :func:`as_spec`).

    Returns the baseline on the input's x order and the spec used.
    """
    from pybaselines import Baseline

    x = as_float_array(x, "x", min_size=3)
    y = as_float_array(y, "y", min_size=3)
    same_length(x=x, y=y)
    order = np.argsort(x)
    xs, ys = sorted_by(x, y)
    spec = as_spec(spec, xs)
    fitter = Baseline(x_data=xs)
    try:
        method = getattr(fitter, spec.method)
    except AttributeError:
        raise ParameterError(f"pybaselines has no method {spec.method!r}") from None
    params = dict(spec.params)
    if spec.mask:
        keep = np.ones(xs.size, bool)
        for lo, hi in spec.mask:
            keep &= ~((xs >= lo) & (xs <= hi))
        if keep.sum() < params.get("poly_order", 1) + 2:
            masked = ", ".join(f"{lo:g}-{hi:g}" for lo, hi in spec.mask)
            raise CalculationError(f"the spectrum ({xs[0]:g}-{xs[-1]:g} cm-1, {xs.size} points) lies within the "
                                   f"baseline's band region ({masked} cm-1), leaving {int(keep.sum())} point(s) of "
                                   "background to fit a baseline to; a spectrum reaching past its bands is needed")
        params["weights"] = keep.astype(float)
    base, _ = method(ys, **params)
    out = np.empty_like(base)
    out[order] = base
    return out, spec


def correct_baseline(spectrum: xr.Dataset, spec: BaselineSpec | str | None = None) -> xr.Dataset:
    """Subtract a baseline from every spectrum in ``spectrum`` (maps are done one by one).

    ``spec``: a :class:`BaselineSpec`, a pybaselines method name (``"arpls"``: as the spectrum's
    window lists it, else with pybaselines' defaults; :func:`as_spec`) or None (the window's default).
    The result has ``intensity`` (corrected), ``baseline`` and ``intensity_raw``; the spec
    is recorded in ``attrs["baseline"]``.
    """
    require_dataset(spectrum, "raman", "correct_baseline")
    da = spectrum["intensity"]
    x = da["raman_shift"].values
    spec = as_spec(spec, x)
    flat = da.transpose(..., "raman_shift").values.reshape(-1, x.size)
    base = np.stack([baseline_raw(x, row, spec)[0] for row in flat]).reshape(
        da.transpose(..., "raman_shift").shape)
    base_da = da.transpose(..., "raman_shift").copy(data=base).transpose(*da.dims)
    out = spectrum.copy()
    out["intensity_raw"] = da
    out["baseline"] = base_da.assign_attrs(units=da.attrs.get("units", ""), long_name="baseline")
    out["intensity"] = (da - base_da).assign_attrs(da.attrs)
    out.attrs["baseline"] = spec.describe()
    return out


def baseline_spread(x, y, quantity, specs=None) -> tuple[float, float, np.ndarray]:
    """A derived quantity re-computed over alternative baselines.

    Parameters
    ----------
    x, y
        One spectrum.
    quantity
        ``quantity(x, corrected_y) -> float``.
    specs
        Baselines to try (default: the window's three).

    Returns
    -------
    value, spread, values
        The value with the first (default) baseline, half the range over all baselines,
        and every value.
    """
    x = as_float_array(x, "x", min_size=3)
    specs = specs or WINDOWS[window_of(x)]
    values = np.array([quantity(x, y - baseline_raw(x, y, s)[0]) for s in specs], dtype=float)
    return float(values[0]), float(np.ptp(values) / 2), values
