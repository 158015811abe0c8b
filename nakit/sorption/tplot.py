"""t-plot: micropore volume and external surface area."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import ClassVar, Callable

import numpy as np

from ..errors import CalculationError, NakitWarning, ParameterError
from ..validation import as_float_array, in_range, same_length, sorted_by
from .isotherm import get_branch, refuse_beyond_saturation
from .thickness import thickness_function
from .units import N2_DENSITY_CONVERSION
from ..datamodel import FromMeasurement, Result, source_attrs


@dataclass
class TPlotResult(FromMeasurement, Result):
    """Straight line n = a + b t over ``t_range``: micropore volume and area, external area.

    Volumes in cm3/g (liquid), areas in m2/g, ``slope`` in cm3 STP/g/nm and ``intercept`` in
    cm3 STP/g, each with its standard error. ``micropore_area`` is NaN unless a BET area was
    given. ``flags`` names anything unphysical in the result (see :func:`tplot_raw`).
    """

    units: ClassVar[dict[str, str]] = {'t_range': 'nm', 'p_range': '1', 'micropore_volume': 'cm3/g', 'external_area': 'm2/g', 'micropore_area': 'm2/g', 'slope': 'cm3/g STP/nm', 'intercept': 'cm3/g STP', 'correlation': '1', 'n_points': '1'}
    dims: ClassVar[dict[str, str]] = {}

    micropore_volume: float
    micropore_volume_sigma: float
    external_area: float
    external_area_sigma: float
    micropore_area: float
    micropore_area_sigma: float
    slope: float
    slope_sigma: float
    intercept: float
    intercept_sigma: float
    correlation: float
    t_range: tuple[float, float]
    p_range: tuple[float, float]
    n_points: int
    flags: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing was flagged."""
        return not self.flags

    @property
    def micropore_resolved(self) -> bool:
        """False when the fitted intercept is negative: the t-plot resolves no micropore volume."""
        return not self.intercept < 0


#: The flag :func:`tplot_raw` gives a negative intercept.
NEGATIVE_INTERCEPT = "negative intercept: no micropore volume resolved"
#: The flag :func:`tplot_raw` gives a micropore area (BET area minus external area) below zero.
EXTERNAL_ABOVE_BET = "external area exceeds the BET area"
#: the share of the t range the fitted points must span, else the result is flagged
SHORT_SPAN = 0.5
#: the least r^2 of a t-plot line that is not flagged as curved: the floor the automatic BET range
#: applies to its lines. Over the default 0.35-0.5 nm the peer isotherms of mesoporous solids and
#: the stand-ins reach 0.995-0.99998; microporous ones (UiO-66 0.939, Takeda 5A 0.972, Zeolite-13X
#: 0.981, Micromeritics Sample_D 0.951) curve, micropore filling still going on in the range.
MIN_R2 = 0.995


def tplot_raw(relative_pressure, loading, t_range: tuple[float, float] = (0.35, 0.5),
              thickness: str | Callable = "harkins_jura",
              density_conversion: float = N2_DENSITY_CONVERSION, bet_area=None) -> TPlotResult:
    """Fit the t-plot between thicknesses ``t_range`` (nm).

    ``bet_area`` (m2/g, or a :class:`~nakit.sorption.bet.BETResult`, whose standard error is
    then propagated) gives the micropore area as BET area minus external area, as
    Micromeritics reports it. A negative intercept (no micropore volume resolved), an
    external area above the BET area, points that span under :data:`SHORT_SPAN` of the t
    range of an isotherm that starts or ends inside it, or points off a line (r2 below :data:`MIN_R2`)
    is returned as fitted, named in ``result.flags``, and
    warned about with a :class:`~nakit.errors.NakitWarning`; a report states the micropore
    volume by :func:`reported_micropore_volume` (0, none resolved, for a negative intercept) and
    the micropore area by :func:`reported_micropore_area`.

    Notes
    -----
    :math:`n = n_\\mu + (S_{ext}/k)\\,t`: the intercept :math:`n_\\mu` (cm3/g STP) times the
    density-conversion factor is the micropore volume; the slope in cm3 STP/g/nm gives
    :math:`S_{ext} = 10^3\\,\\text{slope}\\,\\cdot` density conversion (m2/g), since a film of
    liquid volume V (cm3/g) and thickness t (nm) covers :math:`10^3 V/t` m2/g. Standard errors
    are the ordinary least-squares ones; on Micromeritics Sample_A, with the report's own
    thickness curve, slope, intercept, correlation and both standard errors equal the
    instrument's to every printed digit.

    References
    ----------
    B. C. Lippens, J. H. de Boer, J. Catal. 4 (1965) 319.
    """
    p = as_float_array(relative_pressure, "relative_pressure", min_size=3)
    q = as_float_array(loading, "loading", min_size=3)
    same_length(relative_pressure=p, loading=q)
    refuse_beyond_saturation(p)
    p, q = sorted_by(p, q, name="relative_pressure")
    lo, hi = (in_range(v, "t_range", 0.0, 10.0) for v in t_range)
    if not lo < hi:
        raise ParameterError(f"t_range: expected (low, high) thicknesses in nm with low < high, got {t_range!r}")
    t = thickness_function(thickness)(p)
    mask = (t >= lo) & (t <= hi)
    if mask.sum() < 3:
        raise CalculationError(f"only {int(mask.sum())} points with t in {t_range} nm; the t-plot needs at least 3")
    x, y = t[mask], q[mask]
    (b, a), cov = np.polyfit(x, y, 1, cov=True)
    sb, sa = (float(np.sqrt(v)) for v in np.diag(cov))
    r = float(np.corrcoef(x, y)[0, 1])
    k = density_conversion
    external, external_sigma = float(b * k * 1e3), sb * k * 1e3
    micro_area = micro_sigma = math.nan
    if bet_area is not None:
        area, area_sigma = (bet_area.area, bet_area.area_sigma) if hasattr(bet_area, "area") else (float(bet_area), 0.0)
        micro_area, micro_sigma = area - external, math.hypot(area_sigma, external_sigma)
    # an isotherm that starts or ends inside the range leaves the line on a short span of it (sparse
    # points over the whole range, as an instrument's own t-plot may have, are the instrument's choice)
    inside = "ends" if t.max() < hi else "starts" if t.min() > lo else ""
    short = (f"the points cover t = {x.min():.2f}-{x.max():.2f} nm, under half of the range {lo:g}-{hi:g} nm (the "
             f"isotherm {inside} at p/p0 = {p[-1] if inside == 'ends' else p[0]:.3g}): the line rests on a short span")
    curved = (f"the points are not on a line over t = {lo:g}-{hi:g} nm (r2 = {r * r:.4g}, below {MIN_R2:g}): they "
              "curve (micropore filling, or condensation, within the range?), so the micropore volume and the external "
              "area depend on the range chosen")
    flags = tuple(text for bad, text in ((a < 0, NEGATIVE_INTERCEPT),
                                         (micro_area < 0, EXTERNAL_ABOVE_BET),
                                         (inside and x.max() - x.min() < SHORT_SPAN * (hi - lo), short),
                                         (r * r < MIN_R2, curved)) if bad)
    if flags:
        warnings.warn(f"t-plot over t = {lo:g}-{hi:g} nm: {'; '.join(flags)}", NakitWarning, stacklevel=2)
    pm = p[mask]
    return TPlotResult(float(a * k), sa * k, external, external_sigma, micro_area, micro_sigma, float(b), sb, float(a), sa,
                       r, (lo, hi), (float(pm[0]), float(pm[-1])), int(mask.sum()), flags)


def reported_micropore_volume(result: TPlotResult) -> tuple[float, tuple[str, ...]]:
    """The micropore volume as a report states it: (value in cm3/g, flags).

    Convention: a t-plot whose intercept is negative resolves **no micropore volume**. The
    value reported is then 0 (none resolved), and the flag that
    says so quotes the fitted intercept with its standard error and the signed volume it
    would give, so nothing fitted is lost (they also stay in ``result.intercept``,
    ``result.intercept_sigma`` and ``result.micropore_volume``). Otherwise the fitted volume
    is returned as it is (its standard error is ``result.micropore_volume_sigma``), with
    ``result.flags``.

    Notes
    -----
    The intercept of the t-plot's straight line is the micropore filling; a line through the
    origin is the non-porous reference (Lippens & de Boer), so an intercept below zero is
    no volume of any pore but the sign that the thickness curve does not match the sample's
    surface over the fitted range (Rouquerol et al., ch. 8 and 9; IUPAC 2015 stresses that
    t-plot results depend on the chosen reference). A negative volume is not a physical
    reading, so it is not reported as one. Instrument software prints the signed value
    (Micromeritics' 3Flex report of adsorption-file-parser's Sample_G: -0.028365 cm3/g);
    ``result.micropore_volume`` keeps that value for comparison with it.

    References
    ----------
    B. C. Lippens, J. H. de Boer, J. Catal. 4 (1965) 319.
    F. Rouquerol, J. Rouquerol, K. S. W. Sing, P. Llewellyn, G. Maurin, *Adsorption by Powders
    and Porous Solids*, 2nd ed., Academic Press, 2014.
    M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051 (IUPAC Technical Report).
    """
    if result.micropore_resolved:
        return result.micropore_volume, tuple(result.flags)
    fitted = f"none resolved: {_negative_intercept(result)}, so no micropore filling is resolved and 0 is reported"
    return 0.0, _replaced(result.flags, NEGATIVE_INTERCEPT, fitted)


def reported_micropore_area(result: TPlotResult) -> tuple[float, tuple[str, ...]]:
    """The micropore area as a report states it: (value in m2/g, flags).

    The convention of :func:`reported_micropore_volume`, for the area: where the t-plot
    resolves no micropores (a negative intercept) there is no micropore area either, and
    where the BET area minus the external area is negative no area is left for micropores;
    either way 0 is reported, and the flag saying why quotes the area as fitted with its
    standard error (it stays in ``result.micropore_area`` and ``result.micropore_area_sigma``,
    for comparison with an instrument that prints the signed value). Otherwise, and with NaN
    when no BET area was given, the fitted area is returned with ``result.flags``.

    Notes
    -----
    The micropore area is the BET area minus the t-plot's external area (Micromeritics'
    definition). A t-plot line with a negative intercept has a slope steeper than the
    sample's external surface warrants (the thickness curve does not match the surface), so
    its external area exceeds the BET area and the difference goes negative: Micromeritics
    Sample_A with the Kruk-Jaroniec-Sayari curve gives -9.377 m2/g (BET 193.7, external
    203.1 m2/g), which is no area of any pore.
    """
    area = result.micropore_area
    if not math.isfinite(area) or (result.micropore_resolved and area >= 0):
        return area, tuple(result.flags)
    fitted = (f"the BET area minus the external area is {area:.4g} ± {result.micropore_area_sigma:.2g} m2/g as "
              "fitted")
    if not result.micropore_resolved:
        why = (f"none resolved: {_negative_intercept(result)}, so no micropore filling is resolved and a micropore "
               f"area of 0 is reported ({fitted})")
        return 0.0, _replaced(result.flags, NEGATIVE_INTERCEPT, why)
    why = f"none resolved: the external area exceeds the BET area ({fitted}), so 0 is reported"
    return 0.0, _replaced(result.flags, EXTERNAL_ABOVE_BET, why)


def _negative_intercept(result: TPlotResult) -> str:
    return (f"the t-plot intercept is negative ({result.intercept:.3g} ± {result.intercept_sigma:.2g} cm3/g STP, i.e. "
            f"{result.micropore_volume:.3g} ± {result.micropore_volume_sigma:.2g} cm3/g as fitted)")


def _replaced(flags, flag: str, words: str) -> tuple[str, ...]:
    return tuple(words if f == flag else f for f in flags)


def tplot(ds: xr.Dataset, t_range: tuple[float, float] = (0.35, 0.5), **kwargs) -> TPlotResult:
    """t-plot of an isotherm Dataset's adsorption branch; see :func:`tplot_raw`."""
    result = tplot_raw(*get_branch(ds, "adsorption"), t_range, **kwargs)
    result.source = source_attrs(ds)
    return result
