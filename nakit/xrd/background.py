"""Background of a powder pattern: a smooth polynomial, a 1/2theta term and modelled amorphous humps.

Kapton windows, glass and disordered carbon give broad humps that carry information (the
paper's 10-30 deg Kapton halo), so they are fitted as Gaussian components with
uncertainties rather than subtracted blindly. pybaselines' SNIP filter gives a first
background under the Bragg peaks; the points it shows to belong to peaks are masked and the
model is fitted to the measured counts elsewhere (SNIP itself clips broad humps, so its
curve is not fitted directly).

The smooth part is a low-order polynomial plus a term falling as 1/2theta (TOPAS's
``One_on_X``): air scatter and the low-angle background fall off like that, and a quadratic
cannot follow it over a wide scan, so without it the humps took up the misfit (10-20 % in the
hump areas on the synthesised stand-ins, whose smooth background is 40 + 600/2theta counts).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import FitError, NakitWarning, ParameterError
from ..fitutil import at_bound, one_blas_thread  # at_bound: the band fits' criterion: within 1e-4 of the range
from ..validation import as_float_array, same_length, sorted_by
from ..datamodel import FromMeasurement, Result, naming_source, source_attrs
from ._inputs import scan_in_order
from .counting import Counting, counting, no_pattern_reason, point_variance, span_reason

#: Typical amorphous humps for Cu K-alpha (centre, FWHM in deg 2theta).
HUMPS = {
    "kapton": (17.0, 9.0),      # polyimide film sealing air-sensitive samples
    "glass": (30.0, 10.0),      # Na-P-S glass / amorphous sulfide
    "carbon": (24.0, 10.0),     # disordered carbon (002) halo
}


def gaussian_hump(x, center, fwhm, area):
    """Area-normalised Gaussian hump."""
    s = fwhm / (2 * np.sqrt(2 * np.log(2)))
    return area / (s * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((x - center) / s) ** 2)


class _Humps:
    """:func:`gaussian_hump` on one grid, each curve kept by its (centre, FWHM, area) for one fit.

    A finite-difference Jacobian moves one parameter at a time, so all but a hump's own three
    columns meet its curve unchanged: the same inputs give the same array (not to be modified).
    Keeps the ``keep`` most recent curves.
    """

    def __init__(self, x, keep: int):
        self.x, self.keep, self.curves = x, keep, {}

    def __call__(self, center, fwhm, area):
        key = (center, fwhm, area)
        curve = self.curves.get(key)
        if curve is None:
            curve = self.curves[key] = gaussian_hump(self.x, center, fwhm, area)
            while len(self.curves) > self.keep:
                del self.curves[next(iter(self.curves))]  # the oldest
        return curve


@dataclass
class HumpFit:
    """A fitted amorphous hump: centre, FWHM (deg) and area, each with its standard error.

    A row of its :class:`BackgroundFit`, which exports it (the ``hump`` table) and holds the
    verdict, so not a result of its own (see :mod:`nakit.datamodel`).
    """

    name: str
    center: float
    center_sigma: float
    fwhm: float
    fwhm_sigma: float
    area: float
    area_sigma: float

    @property
    def significance(self) -> float:
        """Area over its standard error."""
        return self.area / self.area_sigma if self.area_sigma > 0 else np.inf


@dataclass
class BackgroundFit(FromMeasurement, Result):
    """Result of :func:`fit_background` (the :class:`~nakit.datamodel.Result` convention).

    ``to_dataset()`` has the curves along ``two_theta`` and the humps as a table along
    ``hump`` (centre, FWHM in deg; area in the pattern's intensity units x deg; significance);
    ``to_dict()`` one row with each hump's ``<hump>_center``, ``<hump>_fwhm``, ``<hump>_area``
    and their sigmas.

    ``flags``: ``<hump>_hump_not_significant`` (its area is less than twice its standard
    error: the data do not show that hump), ``<hump>_hump_<center|fwhm>_at_bound`` (the
    bound, not the data, sets it: no such hump there, or a start value far off),
    ``uncertainties_undetermined`` (a hump parameter has no standard error).
    """

    units: ClassVar[dict[str, str]] = {"two_theta": "deg", "peak_mask": "1", "center": "deg", "fwhm": "deg",
                                       "significance": "1"}
    dims: ClassVar[dict[str, str]] = {"two_theta": "two_theta", "estimate": "two_theta", "peak_mask": "two_theta",
                                      "model": "two_theta", "humps": "hump"}
    row_columns: ClassVar[dict[str, tuple[str, ...]]] = {"humps": ("hump", "center", "fwhm", "area")}
    internal: ClassVar[tuple[str, ...]] = ("lmfit_result",)

    two_theta: np.ndarray
    estimate: np.ndarray     # SNIP curve under the Bragg peaks
    peak_mask: np.ndarray    # points left out of the fit as Bragg peaks
    model: np.ndarray        # fitted polynomial + humps
    humps: dict[str, HumpFit]
    lmfit_result: object
    intensity_units: str = "counts"  # of the pattern; hump areas are in these x deg

    @property
    def flags(self) -> tuple[str, ...]:
        out = [f"{h.name}_hump_not_significant" for h in self.humps.values() if not h.significance >= 2]
        params = getattr(self.lmfit_result, "params", {})
        out += [f"{name}_hump_{q}_at_bound" for name in self.humps for q in ("center", "fwhm")
                if f"{name}_{q}" in params and at_bound(params[f"{name}_{q}"])]
        if any(not np.isfinite(getattr(h, f.name)) for h in self.humps.values() for f in fields(h)
               if f.name.endswith("_sigma")):
            out.append("uncertainties_undetermined")
        return tuple(out)

    def result_units(self) -> dict[str, str]:
        """The declared units; the curves in the pattern's intensity units, hump areas in those x deg."""
        return {**self.units, "estimate": self.intensity_units, "model": self.intensity_units,
                "area": f"{self.intensity_units} deg"}

    def _fields(self):
        table = pd.DataFrame([{"hump": h.name, **{f.name: getattr(h, f.name) for f in fields(h)[1:]},
                               "significance": h.significance} for h in self.humps.values()],
                             columns=["hump", *(f.name for f in fields(HumpFit)[1:]), "significance"])
        return [(name, table if name == "humps" else value) for name, value in super()._fields()]

    def hump_curve(self, name: str) -> np.ndarray:
        h = self.humps[name]
        return gaussian_hump(self.two_theta, h.center, h.fwhm, h.area)


def snip_background(two_theta, intensity, window_deg: float = 1.5) -> np.ndarray:
    """Background under the Bragg peaks by the SNIP clipping filter (pybaselines)."""
    from pybaselines import Baseline

    x = as_float_array(two_theta, "two_theta", min_size=5)
    y = as_float_array(intensity, "intensity", min_size=5)
    same_length(two_theta=x, intensity=y)
    step = float(np.median(np.abs(np.diff(x))))
    # (pybaselines ignores, with a warning, a half-window beyond half the scan: a scan a few deg wide)
    half = min(max(2, int(round(window_deg / step))), (y.size - 1) // 2)
    base, _ = Baseline(x).snip(y, max_half_window=half, decreasing=True, smooth_half_window=max(1, half // 10))
    return np.minimum(base, y.max())


#: The 1/2theta term is fitted only over scans whose end angle is at least this multiple of the
#: start angle; over a narrower range 1/2theta is nearly a straight line, i.e. the polynomial.
ONE_ON_X_MIN_SPAN = 2.0


def fit_background_raw(two_theta, intensity, humps=("kapton",), degree: int = 2,
                       window_deg: float = 0.6, intensity_units: str = "counts",
                       one_on_x: bool | None = None, scatter: Counting | None = None) -> BackgroundFit:
    """Fit polynomial + Gaussian humps to the SNIP background of a pattern.

    Parameters
    ----------
    humps
        Names from :data:`HUMPS` or ``(name, center, fwhm)`` tuples giving start values.
    degree
        Degree of the smooth polynomial (in reduced 2theta) under the humps.
    intensity_units
        Units of ``intensity`` (the curves'; hump areas are in these x deg).
    one_on_x
        Add a term b * 2theta_0 / 2theta to the smooth background; ``None`` (default): when
        the scan ends at least :data:`ONE_ON_X_MIN_SPAN` times its start angle.
    scatter
        The scan's :func:`~nakit.xrd.counting.counting`, which decides the noise its peaks are
        judged against; computed from ``intensity`` when not given (:func:`fit_background` gives
        the Dataset's, which knows the file's unit and sigma column).

    Returns
    -------
    BackgroundFit
        Flagged, with a :class:`~nakit.errors.NakitWarning`, when a hump is not significant
        or ends on a bound (see :class:`BackgroundFit`).

    Notes
    -----
    B(2theta) = sum_k c_k t^k + b 2theta_0/2theta + sum_j A_j G(2theta; c_j, H_j), t the 2theta axis
    mapped to [-1, 1], 2theta_0 the first angle,
    fitted with Poisson weights 1/sqrt(max(y, 1)) to the points outside Bragg peaks (those
    standing 3 sigma above the SNIP curve, widened by 0.3 deg; then above the fitted model,
    until the mask no longer changes).
    """
    import lmfit

    x = as_float_array(two_theta, "two_theta", min_size=10)
    y = as_float_array(intensity, "intensity", min_size=10)
    same_length(two_theta=x, intensity=y)
    x, y = sorted_by(x, y, name="two_theta")
    if narrow := span_reason(x):  # (the peak mask's 0.6-deg window would outgrow the scan)
        raise FitError(narrow)
    scatter = counting(y) if scatter is None else scatter
    if reason := no_pattern_reason(y, scatter, two_theta=x):
        raise FitError(reason)
    est = snip_background(x, y, window_deg)
    step = float(np.median(np.diff(x)))
    n = max(1, int(round(0.1 / step)))
    ys = np.convolve(y, np.ones(n) / n, mode="same")
    grow = max(1, int(round(0.3 / step)))

    local = functools.cache(lambda: point_variance(x, y))  # (background-subtracted: its own scatter, once)

    def peaks_above(base):
        z = (ys - base) / np.sqrt(scatter.variance(base, local) / n)
        return np.convolve((z - np.median(z) > 3.0).astype(float), np.ones(2 * grow + 1), mode="same") > 0

    peak_mask = peaks_above(est)
    t = 2 * (x - x[0]) / (x[-1] - x[0]) - 1
    specs = []
    for h in humps:
        if isinstance(h, str):
            if h not in HUMPS:
                raise ParameterError(f"unknown hump {h!r}; known: {', '.join(HUMPS)} or give (name, center, fwhm)")
            specs.append((h, *HUMPS[h]))
        else:
            specs.append(tuple(h))
    params = lmfit.Parameters()
    for k in range(degree + 1):
        params.add(f"c{k}", value=float(np.percentile(est, 10)) if k == 0 else 0.0)
    if one_on_x is None:
        one_on_x = bool(x[0] > 0 and x[-1] >= ONE_ON_X_MIN_SPAN * x[0])
    if one_on_x:
        if not x[0] > 0:
            raise ParameterError(f"a 1/2theta background term needs 2theta > 0; the scan starts at {x[0]:g} deg")
        params.add("one_on_x", value=0.0)
    for name, c0, w0 in specs:
        lo, hi = max(x[0], c0 - w0 / 3), min(x[-1], c0 + w0 / 3)
        if not lo < hi:  # (a bare ValueError from lmfit otherwise: "min == max")
            raise ParameterError(f"hump {name!r} (centre {c0:g} ± {w0 / 3:g} deg) lies outside the scan "
                                 f"({x[0]:g}-{x[-1]:g} deg): nothing of it can be fitted; leave it out of humps")
        params.add(f"{name}_center", value=min(max(c0, lo), hi), min=lo, max=hi)
        params.add(f"{name}_fwhm", value=w0, min=w0 / 4, max=w0 * 3)
        peak = float(np.interp(c0, x, est) - np.percentile(est, 10))
        params.add(f"{name}_area", value=max(peak, 1.0) * w0, min=0.0)

    humps_at = _Humps(x, keep=8 * len(specs))

    def model(p):
        out = np.polynomial.polynomial.polyval(t, [p[f"c{k}"].value for k in range(degree + 1)])
        if one_on_x:
            out = out + p["one_on_x"].value * x[0] / x
        for name, *_ in specs:
            out = out + humps_at(p[f"{name}_center"].value, p[f"{name}_fwhm"].value, p[f"{name}_area"].value)
        return out

    weight = 1.0 / np.sqrt(np.maximum(y, 1.0))
    free = sum(par.vary for par in params.values())  # the refits keep which parameters vary
    with one_blas_thread():  # once for the refits (threadpoolctl looks the libraries up each time)
        for _ in range(3):  # refit with the peaks seen above the fitted model, not above SNIP
            use = ~peak_mask
            if use.sum() <= free:  # (lmfit would fit nothing and report success)
                raise FitError(f"only {use.sum()} of {y.size} points lie outside the Bragg peaks found, too few for "
                               f"the background's {free} parameters: a scan that is peak nearly everywhere by the "
                               "Poisson test is noise or processed data, not raw counts")
            with np.errstate(invalid="ignore", divide="ignore"):  # lmfit's correlations of an undetermined
                # parameter divide by a zero standard error: NaN, not numpy's warning in the report
                res = lmfit.minimize(lambda p: ((model(p) - y) * weight)[use], params, method="least_squares")
            if not res.success:
                raise FitError(f"background fit did not converge: {res.message}")
            params = res.params
            new_mask = peaks_above(model(params))
            if np.array_equal(new_mask, peak_mask):
                break
            peak_mask = new_mask
    fits = {}
    for name, *_ in specs:
        vals = [(res.params[f"{name}_{q}"].value, res.params[f"{name}_{q}"].stderr) for q in ("center", "fwhm", "area")]
        flat = [v for pair in vals for v in (pair[0], np.nan if pair[1] is None else pair[1])]
        fits[name] = HumpFit(name, *flat)
    fit = BackgroundFit(x, est, peak_mask, model(res.params), fits, res, intensity_units)
    if fit.flags:
        warnings.warn(f"background fit flagged: {', '.join(fit.flags)}", NakitWarning, stacklevel=2)
    return fit


def fit_background(ds: xr.Dataset, humps=("kapton",), degree: int = 2, window_deg: float = 0.6, *,
                   intensity_units: str | None = None, one_on_x: bool | None = None) -> BackgroundFit:
    """:func:`fit_background_raw` on a Dataset read by :func:`nakit.xrd.readers.read_xrd`.

    ``intensity_units`` defaults to the Dataset's ``intensity`` units attribute ("counts" when absent).
    The result keeps the scan's provenance (``source``; in ``to_dataset()``'s attrs).
    """
    (ds,) = scan_in_order(ds, "fit_background")  # (the curves along ascending 2theta, as fit_background_raw's)
    if intensity_units is None:
        intensity_units = ds["intensity"].attrs.get("units", "counts")
    with naming_source(ds, (FitError, ParameterError)):  # a hump outside this scan: named with it
        fit = fit_background_raw(ds["two_theta"].values, ds["intensity"].values, humps, degree, window_deg,
                                 intensity_units, one_on_x=one_on_x, scatter=counting(ds))
    fit.source = source_attrs(ds)
    return fit
