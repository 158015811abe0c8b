"""Band fitting with lmfit composite models: bounded centres, flags at bounds, uncertainties kept.

One spectrum (or one window of it) is fitted with a sum of band profiles plus a low-order
background. Each band is an lmfit built-in model (Lorentzian, Gaussian, pseudo-Voigt,
Breit-Wigner-Fano) with prefix ``<band>_``; its centre is bounded to the band library's
position +/- a tolerance, its width to a physical range. A parameter that ends on a bound
is reported in ``BandFit.flags`` (a value on a bound is set by the bound, not by the data,
and its standard error is meaningless). For many spectra at once use
:mod:`nakit.raman.mapfit`.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass, field
from typing import ClassVar

import lmfit
import numpy as np
import pandas as pd
import xarray as xr
from lmfit import models

from ..errors import FitError, NakitWarning, ParameterError
from ..fitutil import at_bound
from ..validation import as_float_array, same_length, sorted_by
from ..datamodel import FromMeasurement, Result, require_dataset, source_attrs
from .despike import replaced_band, spike_positions
from .saturation import SATURATION_ATTR, clipped_band

SHAPES = {
    "lorentzian": models.LorentzianModel,
    "gaussian": models.GaussianModel,
    "pvoigt": models.PseudoVoigtModel,
    "bwf": models.BreitWignerModel,
}
BACKGROUNDS = {"linear": models.LinearModel, "constant": models.ConstantModel, None: None}
#: a library band fitted wider than this many times the library's typical FWHM is flagged
WIDTH_FACTOR = 3.0
#: a start value is kept this fraction of the half range of its bounds away from their middle (see :func:`off_middle`)
MIDDLE_CLEARANCE = 1e-3
# Peak area per (height x FWHM) for each shape, for starting values only.
AREA_PER_HEIGHT_FWHM = {"lorentzian": np.pi / 2, "gaussian": 1.0645, "pvoigt": 1.3, "bwf": 1.0}


@dataclass(frozen=True)
class Band:
    """A band to fit.

    Parameters
    ----------
    name
        Label (also the lmfit prefix, lower-cased, non-alphanumerics as ``_``).
    center
        Starting position (cm-1). Without ``bounds`` the fit also bounds the centre to
        ``center +/- tolerance`` (the library's position and its tolerance).
    shape
        ``lorentzian``, ``gaussian``, ``pvoigt`` or ``bwf``.
    tolerance
        Half width of the allowed centre range when ``bounds`` is not given (cm-1).
    fwhm
        Starting full width at half maximum (cm-1).
    fwhm_bounds
        Allowed FWHM range (cm-1).
    bounds
        Allowed centre range ``(min, max)`` (cm-1), independent of the start value, which
        must lie inside it; overrides ``tolerance``. ``Band("G", 1590, bounds=(1560, 1620))``
        starts at 1590 and may move anywhere in 1560-1620.
    reference
        The literature range ``(min, max)`` of the band's centre (cm-1) when ``center`` and
        ``fwhm`` come from a band library (:func:`~nakit.raman.bands.library_band`): a fit
        outside it, or wider than :data:`WIDTH_FACTOR` x ``fwhm``, is flagged (not the band
        the library means, or merged with a neighbour or the baseline). None: no check.

    Raises
    ------
    ParameterError
        ``bounds`` not increasing, or the start value outside them.
    """

    name: str
    center: float
    shape: str = "lorentzian"
    tolerance: float = 10.0
    fwhm: float = 10.0
    fwhm_bounds: tuple[float, float] = (0.5, 400.0)
    bounds: tuple[float, float] | None = None
    reference: tuple[float, float] | None = None

    def __post_init__(self):
        if self.bounds is not None:
            lo, hi = (float(v) for v in self.bounds)
            if not lo < hi:
                raise ParameterError(f"band {self.name!r}: bounds must be (min, max) with min < max, got {self.bounds}")
            if not lo <= self.center <= hi:
                raise ParameterError(f"band {self.name!r}: start value {self.center:g} cm-1 lies outside its bounds "
                                     f"{lo:g}-{hi:g} cm-1")
            object.__setattr__(self, "bounds", (lo, hi))
        elif not self.tolerance > 0:
            raise ParameterError(f"band {self.name!r}: tolerance must be positive, got {self.tolerance!r}")

    @property
    def center_bounds(self) -> tuple[float, float]:
        """The allowed centre range (cm-1): ``bounds`` when given, else ``center +/- tolerance``."""
        if self.bounds is not None:
            return self.bounds
        return (self.center - self.tolerance, self.center + self.tolerance)

    @property
    def center_halfwidth(self) -> float:
        """Half the allowed centre range (cm-1): what a centre's uncertainty is judged against."""
        lo, hi = self.center_bounds
        return (hi - lo) / 2

    @property
    def prefix(self) -> str:
        """The lmfit prefix: the name lower-cased, non-alphanumerics as ``_``; ``band_`` before a
        name that does not start with a letter (lmfit's prefixes are identifiers: "1181" -> ``band_1181_``)."""
        stem = re.sub(r"[^0-9a-z]+", "_", self.name.lower()).strip("_")
        return (stem if stem[:1].isalpha() else f"band_{stem}").rstrip("_") + "_"


@dataclass
class BandFit(FromMeasurement, Result):
    """A fitted band model: a table per band, the lmfit result, quality figures and flags.

    Follows the :class:`~nakit.datamodel.Result` convention: ``to_dataset()`` has the band
    table along ``band`` (centre, FWHM in cm-1; height and area in the spectrum's intensity
    units, ``intensity_units``), ``to_dict()`` one row with ``<band>_center``,
    ``<band>_center_sigma``, ... for every band, and ``bic``.
    """

    units: ClassVar[dict[str, str]] = {"center": "cm-1", "fwhm": "cm-1", "bic": "1"}
    dims: ClassVar[dict[str, str]] = {"table": "band"}
    row_columns: ClassVar[dict[str, tuple[str, ...]]] = {"table": ("band", "center", "fwhm", "height", "area")}
    internal: ClassVar[tuple[str, ...]] = ("result", "bands")

    table: pd.DataFrame
    result: object  # lmfit.model.ModelResult
    bands: tuple[Band, ...]
    background: str | None
    flags: list[str] = field(default_factory=list)
    intensity_units: str = "counts"

    @property
    def bic(self) -> float:
        return float(self.result.bic)

    def result_units(self) -> dict[str, str]:
        """Centre and FWHM in cm-1; height in the spectrum's intensity units, area in those x cm-1."""
        return {**self.units, "height": self.intensity_units, "area": f"{self.intensity_units} cm-1"}

    def _fields(self):
        return super()._fields() + [("bic", self.bic)]

    @property
    def x(self) -> np.ndarray:
        return self.result.userkws["x"]

    @property
    def fit_flags(self) -> list[str]:
        """The flags of the whole fit (optimiser, covariance), which no band's table row carries:
        each band's own are ``"<band>: ..."`` and on its row."""
        own = tuple(f"{b.name}: " for b in self.bands)
        return [f for f in self.flags if not f.startswith(own)]

    def components(self) -> dict[str, np.ndarray]:
        """Each band's contribution (by band name) and the ``background``'s on the fitted x grid."""
        comps = self.result.eval_components(x=self.x)
        out = {b.name: comps[b.prefix] for b in self.bands}
        if "bg_" in comps:
            out["background"] = np.broadcast_to(comps["bg_"], self.x.shape)
        return out

    def area_ratio(self, numerator: str, denominator: str) -> tuple[float, float, list[str]]:
        """``A(numerator) / A(denominator)`` from this fit, its standard error and why it is in doubt.

        Both areas come from the one fit of every band, so a band's neighbours are modelled
        rather than absorbed into it; the error is propagated from the fit's covariance with
        the two areas' correlation (overlapping bands share counts):
        :math:`\\sigma_r^2 = r^2 (\\sigma_n^2 / A_n^2 + \\sigma_d^2 / A_d^2 - 2 c_{nd} / (A_n A_d))`.

        Returns
        -------
        value, sigma, flags
            ``sigma`` is NaN without a covariance (or for a BWF band, whose area is an
            integral over the window); ``flags`` are both bands' own flags (on a bound, not
            significantly above zero, ...), the whole fit's, and a missing error.
        """
        rows = [self.row(numerator), self.row(denominator)]
        value = float(rows[0]["area"] / rows[1]["area"]) if rows[1]["area"] != 0 else np.nan
        sigma = np.nan
        band = {b.name: b for b in self.bands}
        names = [f"{band[r['band']].prefix}amplitude" for r in rows]
        covar, var_names = getattr(self.result, "covar", None), list(self.result.var_names)
        # a BWF's area is the integral over the window, not its amplitude parameter: no covariance for it
        bwf = any(band[r["band"]].shape == "bwf" for r in rows)
        if covar is not None and not bwf and all(n in var_names for n in names) and np.isfinite(value):
            i, j = (var_names.index(n) for n in names)
            a, b = (float(r["area"]) for r in rows)
            rel = covar[i, i] / a**2 + covar[j, j] / b**2 - 2 * covar[i, j] / (a * b)
            sigma = abs(value) * float(np.sqrt(rel)) if rel >= 0 else np.nan
        flags = [f for r in rows for f in str(r.get("flags", "")).split("; ") if f] + self.fit_flags
        if not np.isfinite(sigma):
            flags.append("no standard error (no covariance for the two areas)")
        return value, sigma, flags

    def row(self, band: str) -> pd.Series:
        """The table row of one band by name."""
        hit = self.table[self.table["band"] == band]
        if hit.empty:
            raise ParameterError(f"no band {band!r}; fitted bands are {list(self.table['band'])}")
        return hit.iloc[0]


def build_model(bands, background: str | None = "linear"):
    """The lmfit composite model for ``bands`` plus a background (``linear``, ``constant``, None)."""
    bands = tuple(bands)
    if not bands:
        raise ParameterError("at least one band is needed")
    names = [b.prefix for b in bands]
    if len(set(names)) != len(names):
        raise ParameterError(f"band names must be distinct; got prefixes {names}")
    for b in bands:
        if b.shape not in SHAPES:
            raise ParameterError(f"band {b.name!r}: unknown shape {b.shape!r}; choose from {sorted(SHAPES)}")
    if background not in BACKGROUNDS:
        raise ParameterError(f"background must be one of {list(BACKGROUNDS)}, got {background!r}")
    model = None
    for b in bands:
        m = SHAPES[b.shape](prefix=b.prefix)
        lo, hi = b.fwhm_bounds
        # BWF's sigma is the full width; the others' sigma is a half width (or Gaussian sigma).
        scale = {"bwf": 1.0, "gaussian": 1 / 2.35482}.get(b.shape, 0.5)
        c_lo, c_hi = b.center_bounds
        m.set_param_hint("center", value=off_middle(b.center, c_lo, c_hi), min=c_lo, max=c_hi)
        m.set_param_hint("sigma", value=off_middle(b.fwhm * scale, lo * scale, hi * scale), min=lo * scale,
                         max=hi * scale)
        model = m if model is None else model + m
    if background is not None:
        model = model + BACKGROUNDS[background](prefix="bg_")
    return model


def off_middle(value: float, lo: float, hi: float) -> float:
    """A start value ``value`` in ``(lo, hi)`` moved :data:`MIDDLE_CLEARANCE` of the half range up where it
    lies closer than that to the middle.

    lmfit fits a parameter bounded on both sides through ``u = arcsin(2 (value - lo) / (hi - lo) - 1)``,
    whose origin is the middle of the bounds, and MINPACK's finite-difference step is ``1e-5 |u|``
    (``1e-5`` only at exactly 0): a start that misses the middle by round-off (``u`` about 1e-14, as
    ``(lo + hi) / 2`` or a peak's position +/- a width give) steps by about 1e-19 rad, which moves a
    centre near 1000 cm-1 by less than one bit. Its column of the Jacobian is zero, the band stays at
    its start and the covariance is singular (polystyrene's 1032 cm-1 band stayed at 1032.325, the
    middle of 1022.9-1041.75, with no uncertainty). A thousandth of the half range (0.01 cm-1 for
    +/- 10 cm-1) is far inside any start value's own doubt, and its steps (1e-8 of the half range)
    are far above round-off.
    """
    middle, half = (lo + hi) / 2, (hi - lo) / 2
    if not (np.isfinite(half) and half > 0) or abs(value - middle) >= MIDDLE_CLEARANCE * half:
        return value
    return middle + MIDDLE_CLEARANCE * half



def set_start_values(params, bands, background, x, y) -> None:
    """Start values from the data: the background at the spectrum's minimum, each band's
    amplitude from its height above that minimum at its centre (area = height x FWHM x the
    shape's area factor; BWF bands take the height and a Fano q of -10)."""
    if background is not None:
        params["bg_intercept" if background == "linear" else "bg_c"].set(value=float(np.min(y)))
        if background == "linear":
            params["bg_slope"].set(value=0.0)
    floor = float(np.min(y))
    for b in bands:
        height = max(float(np.interp(b.center, x, y)) - floor, 1e-6 * float(np.ptp(y)))
        if b.shape == "bwf":
            params[f"{b.prefix}amplitude"].set(value=height, min=0)
            params[f"{b.prefix}q"].set(value=-10.0)
        else:
            params[f"{b.prefix}amplitude"].set(value=height * b.fwhm * AREA_PER_HEIGHT_FWHM[b.shape], min=0)

def fit_bands_raw(x, y, bands, *, background: str | None = "linear", weights=None,
                  max_nfev: int | None = None, warn: bool = True, on_failure: str = "flag",
                  intensity_units: str = "counts") -> BandFit:
    """Fit ``bands`` (a sequence of :class:`Band`) to one spectrum given as arrays.

    Parameters
    ----------
    x, y
        Raman shift (cm-1, any order) and intensity.
    bands
        The :class:`Band` list; each becomes an lmfit model with prefix ``<name>_``. A band-library
        species name stands for every band of that species inside the data
        (:func:`~nakit.raman.bands.as_bands`).
    background
        ``"linear"``, ``"constant"`` or None.
    weights
        Optional 1/sigma per point.
    max_nfev
        Cap on model evaluations (default 200 per free parameter); a fit stopped by it is
        flagged.
    warn
        Issue a :class:`~nakit.errors.NakitWarning` when the fit is flagged.
    on_failure
        ``"flag"`` (default): a fit that fails a check is returned with ``flags`` set,
        ``ok`` False, a ``flags`` entry on each affected band's table row, and a warning;
        ``"raise"``: it raises :class:`~nakit.errors.FitError` listing the failed checks
        instead, so no number of a failed fit reaches the caller.
    intensity_units
        Units of ``y`` (the reader's ``intensity`` units), for the heights and areas.

    Returns
    -------
    BandFit
        ``table`` has per band: centre, FWHM, height, area and each one's ``_sigma``, and
        ``at_bound`` naming parameters that ended on a bound; ``result`` is the lmfit
        ModelResult (with the correlation matrix). ``flags`` names every check the fit
        fails, and a :class:`~nakit.errors.NakitWarning` lists them (unless ``warn`` is
        False, for callers comparing candidate models): a parameter on its bound, a fitted
        centre outside the data, a height less than twice its standard error (the data do
        not show the band), a centre whose standard error exceeds the band's allowed range
        (the data do not locate it), an optimiser that stopped early, a singular covariance.

    Raises
    ------
    FitError
        A band whose allowed centre range (``center +/- tolerance`` or ``bounds``) lies wholly
        outside the data: no data constrain it, and its fitted position and width would be
        invented. With ``on_failure="raise"``, any failed check.

    Notes
    -----
    The model is :math:`y(x) = \\sum_k P_k(x; A_k, c_k, \\sigma_k[, \\eta_k | q_k]) + b_0 + b_1 x`,
    minimised in least squares (Levenberg-Marquardt, lmfit ``leastsq``); standard errors
    are from the covariance matrix scaled by the reduced chi-square. Heights and FWHMs are
    lmfit's derived parameters, so their errors are propagated with correlations. For a
    BWF the area diverges; ``area`` is the integral over the fitted window and ``height`` the
    maximum, both without standard errors.

    References
    ----------
    Newville, M. et al. LMFIT: Non-Linear Least-Squares Minimization and Curve-Fitting for
    Python. Zenodo (2014). doi:10.5281/zenodo.11813
    """
    if on_failure not in ("flag", "raise"):
        raise ParameterError(f"on_failure must be 'flag' or 'raise', got {on_failure!r}")
    x = as_float_array(x, "x", min_size=3)
    y = as_float_array(y, "y", min_size=3)
    same_length(x=x, y=y)
    if weights is not None:
        weights = as_float_array(weights, "weights")
        same_length(x=x, weights=weights)
        x, y, weights = sorted_by(x, y, weights)
    else:
        x, y = sorted_by(x, y)
    if not np.any(y - y[0]):
        raise FitError("the spectrum is constant: there is no band to fit")
    bands = _as_bands(bands, (x[0], x[-1]))
    for b in bands:
        c_lo, c_hi = b.center_bounds
        if c_hi < x[0] or c_lo > x[-1]:
            raise FitError(f"band {b.name!r} allowed at {c_lo:g}-{c_hi:g} cm-1 lies outside the data "
                           f"({x[0]:g}-{x[-1]:g} cm-1): no point constrains it; drop it or widen the window")
    model = build_model(bands, background)
    params = model.make_params()
    n_par = len([p for p in params.values() if p.expr is None])
    if x.size <= n_par:
        raise FitError(f"{x.size} points cannot determine {n_par} parameters")
    set_start_values(params, bands, background, x, y)
    max_nfev = max_nfev or 200 * (n_par + 1)
    # lmfit re-evaluates each derived parameter (a band's FWHM and height) through its expression
    # interpreter at every step, though no band depends on them: left out while fitting (the
    # optimiser's path is unchanged) and put back before lmfit propagates the uncertainties. A lone
    # band's model (no background) is no composite, and lmfit's single Model refuses parameters
    # without the ones its hints derive: it keeps them
    if isinstance(model, lmfit.model.CompositeModel):
        model.post_fit = functools.partial(_put_back, _drop_derived(params))
    result = model.fit(y, params, x=x, weights=weights, method="leastsq", max_nfev=max_nfev)
    if not all(np.isfinite(p.value) for p in result.params.values()):
        raise FitError(f"band fit failed: {result.message}")
    fit = _summarise(result, bands, background)
    fit.intensity_units = intensity_units
    if not result.success:
        fit.flags.append(f"optimiser: {result.message}")
    if fit.flags and on_failure == "raise":
        raise FitError("band fit failed its checks: " + "; ".join(fit.flags))
    if fit.flags and warn:
        warnings.warn("band fit flagged: " + "; ".join(fit.flags), NakitWarning, stacklevel=2)
    return fit


def _as_bands(bands, window) -> tuple[Band, ...]:
    """:func:`~nakit.raman.bands.as_bands` (its module, the band library's, imports this one)."""
    from .bands import as_bands

    return as_bands(bands, window=window)


def _drop_derived(params) -> dict[str, str]:
    """Take the derived parameters (each band's FWHM and height: expressions no band parameter
    depends on) out of ``params``; return their expressions by name."""
    derived = {name: p.expr for name, p in params.items() if p.expr is not None}
    for name in derived:
        del params[name]
    return derived


def _put_back(derived: dict[str, str], result) -> None:
    """lmfit's post-fit hook: the derived parameters again, before their errors are propagated."""
    for name, expr in derived.items():
        result.params.add(name, expr=expr)


def lean_minimize(model, params, x: np.ndarray, y: np.ndarray, max_nfev: int | None = None):
    """lmfit's ``leastsq`` on ``model`` (a :func:`build_model` composite) for ranking models: the fit of
    :func:`fit_bands_raw` without the derived parameters, the covariance and ``model.fit``'s
    argument matching for each component at every step (the components' (argument, parameter)
    pairs are resolved once). The residual is the same sum of the same line shapes in the same
    order (a left fold, as lmfit's composite), so the optimiser reaches the same optimum (to
    1e-12 on the tests). Returns lmfit's MinimizerResult (its ``params`` without the derived ones).
    """
    lean = params.copy()
    _drop_derived(lean)
    parts = [(c.func, [(name[len(c.prefix):], name) for name in c.param_names]) for c in model.components]
    return lmfit.minimize(_lean_residual, lean, method="leastsq", args=(x, y, parts),
                          max_nfev=max_nfev, calc_covar=False)


def _lean_residual(params, x, y, parts) -> np.ndarray:
    """``data - model`` for ``build_model``'s composite."""
    values = {name: p.value for name, p in params.items()}
    total = None
    for func, args in parts:
        part = func(x=x, **{arg: values[name] for arg, name in args})
        total = part if total is None else total + part
    return y - total


def fit_bands(spectrum: xr.Dataset | xr.DataArray, bands, *, window: tuple[float, float] | None = None,
              background: str | None = "linear", on_failure: str = "flag") -> BandFit:
    """Fit ``bands`` to one spectrum (``intensity`` over ``raman_shift``), optionally in a window.

    A fit that fails its own checks is flagged (``flags``, per-row ``flags``, ``ok`` False,
    a :class:`~nakit.errors.NakitWarning`) or, with ``on_failure="raise"``, raises
    :class:`~nakit.errors.FitError`; see :func:`fit_bands_raw`. Without a band list, use
    :func:`propose_bands` first. ``bands``: :class:`Band` objects or band-library species names
    (:func:`~nakit.raman.bands.as_bands`).
    """
    if not isinstance(spectrum, xr.DataArray):
        require_dataset(spectrum, "raman", "fit_bands")
    da = _spectrum(spectrum, window)
    fit = fit_bands_raw(da["raman_shift"].values, da.values, bands, background=background, warn=False,
                        on_failure=on_failure, intensity_units=da.attrs.get("units", "counts"))
    fit.source = source_attrs(spectrum)
    if isinstance(spectrum, xr.Dataset):
        _flag_doubtful(fit, spectrum.attrs.get(SATURATION_ATTR), spike_positions(spectrum))
    if fit.flags:
        warnings.warn("band fit flagged: " + "; ".join(fit.flags), NakitWarning, stacklevel=2)
    return fit


def _flag_doubtful(fit: BandFit, ranges, spikes) -> None:
    """Flag each band whose top holds points the detector clipped (found as the spectrum was read)
    or points replaced as cosmic spikes (``spikes``, cm-1): its fit rests on values not measured."""
    for k, row in fit.table.iterrows():
        for flag in (clipped_band(row["band"], row["center"], row["fwhm"], ranges),
                     replaced_band(row["band"], row["center"], row["fwhm"], spikes)):
            if flag:
                fit.flags.append(flag)
                fit.table.loc[k, "flags"] = "; ".join(f for f in (fit.table.loc[k, "flags"], flag) if f)


def _spectrum(spectrum, window) -> xr.DataArray:
    da = spectrum["intensity"] if isinstance(spectrum, xr.Dataset) else spectrum
    if "raman_shift" not in da.dims:
        raise ParameterError(f"expected a 'raman_shift' dimension, got {da.dims}")
    if da.ndim != 1:
        raise ParameterError(f"fit_bands fits one spectrum; got dims {da.dims} (use nakit.raman.mapfit for many)")
    if window is not None:
        lo, hi = sorted(window)
        inside = da.where((da.raman_shift >= lo) & (da.raman_shift <= hi), drop=True)
        if inside.size < 3:
            raise ParameterError(window_too_small(window, da.raman_shift.values, inside.size))
        da = inside
    return da


def window_too_small(window, raman_shift, n: int) -> str:
    """Why a fitting ``window`` holding ``n`` points of a spectrum on ``raman_shift`` cannot be fitted."""
    lo, hi = float(np.nanmin(raman_shift)), float(np.nanmax(raman_shift))
    where = "lies outside" if n == 0 else "holds only " + f"{n} point(s) of"
    return (f"window {float(min(window)):g}-{float(max(window)):g} cm-1 {where} the spectrum ({lo:.0f}-{hi:.0f} "
            "cm-1); at least 3 points are needed: widen or move the sample's window")


def _summarise(result, bands, background) -> BandFit:
    p = result.params
    rows, flags = [], []
    x = result.userkws["x"]
    for b in bands:
        pre = b.prefix
        pinned = [name[len(pre):] for name in result.var_names if name.startswith(pre) and at_bound(p[name])]
        flags += [f"{b.name}: {name} at its bound" for name in pinned]
        row = {"band": b.name, "shape": b.shape, "center": p[f"{pre}center"].value,
               "center_sigma": _err(p[f"{pre}center"])}
        if b.shape == "bwf":
            comp = result.eval_components(x=x)[pre]
            row.update(fwhm=p[f"{pre}sigma"].value, fwhm_sigma=_err(p[f"{pre}sigma"]),
                       height=float(np.max(comp)), height_sigma=np.nan,
                       area=float(np.trapezoid(comp, x)), area_sigma=np.nan)
        else:
            row.update(fwhm=p[f"{pre}fwhm"].value, fwhm_sigma=_err(p[f"{pre}fwhm"]),
                       height=p[f"{pre}height"].value, height_sigma=_err(p[f"{pre}height"]),
                       area=p[f"{pre}amplitude"].value, area_sigma=_err(p[f"{pre}amplitude"]))
        row["at_bound"] = ", ".join(pinned)
        if not x.min() <= row["center"] <= x.max():
            flags.append(f"{b.name}: center {row['center']:.6g} cm-1 outside the data ({x.min():g}-{x.max():g})")
        if np.isfinite(row["height_sigma"]) and row["height"] < 2 * row["height_sigma"]:
            flags.append(f"{b.name}: height {row['height']:.3g} +/- {row['height_sigma']:.2g} is not significantly "
                         "above zero (the data do not show this band)")
        if row["center_sigma"] > b.center_halfwidth:
            flags.append(f"{b.name}: center uncertainty {row['center_sigma']:.3g} cm-1 exceeds the allowed range "
                         f"+/- {b.center_halfwidth:g} cm-1 (the data do not locate the band)")
        if b.reference is not None:
            lo, hi = b.reference
            if not lo <= row["center"] <= hi:
                flags.append(f"{b.name}: center {row['center']:.1f} cm-1 outside its library range {lo:g}-{hi:g} "
                             "cm-1 (another band, or an uncalibrated axis)")
            if row["fwhm"] > WIDTH_FACTOR * b.fwhm:
                flags.append(f"{b.name}: FWHM {row['fwhm']:.3g} cm-1 is over {WIDTH_FACTOR:g} x the library's "
                             f"typical {b.fwhm:g} cm-1 (merged with a neighbour or the baseline)")
        rows.append(row)
    for row, b in zip(rows, bands):
        row["flags"] = "; ".join(f for f in flags if f.startswith(f"{b.name}: "))
    if not result.errorbars:
        flags.append("uncertainties could not be estimated (singular covariance)")
    return BandFit(pd.DataFrame(rows), result, tuple(bands), background, flags)


def _err(par) -> float:
    return float(par.stderr) if par.stderr is not None else np.nan
