"""BET specific surface area with an automatic range that satisfies all four Rouquerol criteria.

pyGAPS picks the BET range by the first Rouquerol criterion only (up to the maximum of
n(1-p/p0), down to a tenth of that pressure). On a type IV isotherm n(1-p/p0) keeps rising
into capillary condensation, so that range runs into the condensation step; here every
contiguous range of the adsorption branch is tried (vectorised over prefix sums) and only
ranges meeting all four criteria plus a linearity floor are kept. Among those, the ranges that
raise the fewest doubts (C below 20, an end above the BET region) are preferred, then those that
end at the highest p/p0 any of them reaches (the knee of the isotherm, as BETSI takes it), and of
these the one with the most points wins, ties going to the best criterion-4 agreement. How much the area depends on that choice is kept with the result: the smallest and
largest area of all ranges that pass (BETSI shows their distribution), flagged when one lies more than
:data:`BET_RANGE_SPREAD` from the area reported.
"""

from __future__ import annotations

from typing import ClassVar

import functools
import math
import operator
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import CalculationError, NakitWarning, ParameterError
from ..validation import as_float_array, in_range, pass_through, same_length, sorted_by
from .isotherm import adsorptive_setting, get_branch, held_branch, refuse_beyond_saturation
from .units import AVOGADRO, MOLAR_VOLUME_STP, N2_CROSS_SECTION
from ..datamodel import FromMeasurement, Result, source_attrs

#: Named sets of constants for the BET area, ``{name: (Avogadro constant 1/mol, cm3 STP per
#: mmol used when the file's loadings are molar)}``. ``"iupac"``: CODATA 2018 (exact N_A) and
#: the STP molar volume 22.414 L/mol. ``"micromeritics"``: the constants of Micromeritics'
#: ASAP 2020 software (V3.x), N_A = 6.023e23 and mmol/g loadings converted to cm3/g STP with
#: 22.4141 cm3/mmol before the area (22414 cm3/mol) is taken: with these, an ASAP 2020 report
#: in mmol/g is reproduced to its printed digits (the product of the two differs from the
#: CODATA one by 1.5e-4, which is what a fit with "iupac" shows against such a report).
BET_CONSTANTS = {"iupac": (AVOGADRO, MOLAR_VOLUME_STP / 1000.0), "micromeritics": (6.023e23, 22.4141)}


def _constants(constants: str) -> tuple[float, float]:
    try:
        return BET_CONSTANTS[constants]
    except (KeyError, TypeError):
        raise ParameterError(f"constants must be one of {sorted(BET_CONSTANTS)}, got {constants!r}") from None


#: Largest cross-section (nm2) accepted: above any adsorptive's (N2 0.162, Kr 0.202, benzene ~0.43), below
#: N2's typed in Å2 (16.2), the unit some instrument reports print it in.
MOST_CROSS_SECTION = 2.0


def _cross_section(cross_section) -> float:
    """``cross_section`` as a float, refused unless in (0, :data:`MOST_CROSS_SECTION`] nm2: every BET
    function takes it through here, so a negative area or a division by zero cannot come out."""
    return adsorptive_setting(cross_section, "cross_section", "molecular cross-section", "nm2", N2_CROSS_SECTION,
                              MOST_CROSS_SECTION)


def area_per_loading(cross_section: float = N2_CROSS_SECTION, constants: str = "iupac") -> float:
    """Specific area (m2/g) of 1 cm3 STP/g of monolayer: :math:`N_A\\sigma/V_{STP}` (``cross_section``
    :math:`\\sigma` in nm2, ``constants`` as :data:`BET_CONSTANTS`)."""
    return _constants(constants)[0] * _cross_section(cross_section) * 1e-18 / MOLAR_VOLUME_STP


@dataclass
class BETResult(FromMeasurement, Result):
    """A BET fit: area (m2/g), C, monolayer (cm3/g STP) with standard errors, and its range.

    An automatically chosen range (:func:`bet_auto_raw`) also gives ``valid_ranges``, how many
    ranges passed every check, ``range_areas`` and ``range_c``, the smallest and largest area
    and C among them, and ``range_smallest_area`` and ``range_largest_area``, the p/p0 range that
    gives each end of ``range_areas`` (NaN for a range given by the caller, or when none passed).

    :attr:`flag_details` are the area's flags; :meth:`quantity_flag_details` gives each fitted
    quantity (area, C, monolayer capacity) those that concern it.
    """

    units: ClassVar[dict[str, str]] = {'p_range': '1', 'area': 'm2/g', 'c': '1', 'monolayer': 'cm3/g STP', 'slope': 'g/cm3 STP', 'intercept': 'g/cm3 STP', 'correlation': '1', 'covariance': '(g/cm3 STP)^2', 'n_points': '1', 'points_p': '1', 'points_q': 'cm3/g STP', 'p_monolayer': '1', 'cross_section': 'nm2', 'valid_ranges': '1', 'range_areas': 'm2/g', 'range_c': '1', 'range_smallest_area': '1', 'range_largest_area': '1'}
    dims: ClassVar[dict[str, str]] = {'covariance': 'bet_parameter', 'points_p': 'bet_point', 'points_q': 'bet_point'}

    area: float
    area_sigma: float
    c: float
    c_sigma: float
    monolayer: float
    monolayer_sigma: float
    slope: float
    slope_sigma: float
    intercept: float
    intercept_sigma: float
    correlation: float
    covariance: np.ndarray
    p_range: tuple[float, float]
    n_points: int
    points_p: np.ndarray
    points_q: np.ndarray
    p_monolayer: float
    criteria: dict[str, bool] = field(default_factory=dict)
    method: str = ""
    cross_section: float = N2_CROSS_SECTION
    flags: tuple[str, ...] = ()
    constants: str = "iupac"
    valid_ranges: int = 0
    range_areas: tuple[float, float] = (math.nan, math.nan)
    range_c: tuple[float, float] = (math.nan, math.nan)
    range_smallest_area: tuple[float, float] = (math.nan, math.nan)
    range_largest_area: tuple[float, float] = (math.nan, math.nan)

    @property
    def ok(self) -> bool:
        """True when every Rouquerol criterion holds for the range used and nothing was flagged."""
        return all(self.criteria.values()) and not self.flags

    @property
    def range_spread(self) -> float:
        """The largest relative departure of a valid range's area (:attr:`range_areas`) from :attr:`area`;
        NaN when no spread is known (a range given by the caller)."""
        return max(abs(a / self.area - 1.0) for a in self.range_areas) if self.valid_ranges else math.nan

    @property
    def flag_details(self) -> tuple[str, ...]:
        """:attr:`flags` in words, for a report (:func:`nakit.report.flags_of` shows these): a
        failed Rouquerol criterion says what it checks; a quality floor (``r2 >= 0.995``,
        ``>= 4 points``) says it was not met; a doubtful C or range says its value and why; an
        area that depends on the choice among valid ranges says how much."""
        return self.quantity_flag_details("area")

    def quantity_flag_details(self, quantity: str) -> tuple[str, ...]:
        """The flags, in words, that concern one fitted ``quantity``: ``"area"``, ``"c"`` or ``"monolayer"``.

        The area and the monolayer capacity (one is the other times a constant) carry every flag, the
        spread over the valid ranges (:data:`RANGE_DEPENDENT`) in their own units. C carries the failed
        criteria and floors and the doubts about the line (:func:`_doubts`) but not
        ``area_beyond_any_solid``: C = 1 + slope/intercept does not change when a wrong mass or
        unit scales every loading. Where the area depends on the range, C is given its own spread
        (C, from the line's intercept, moves far more than the area: 89-266 where Sample_A's areas
        move 6 %); a relative bound of its own would flag nearly every C.

        Raises
        ------
        ParameterError
            ``quantity`` is none of the three.
        """
        units = {"area": "m2/g", "monolayer": "cm3/g STP", "c": ""}
        if quantity not in units:
            raise ParameterError(f"quantity must be one of {sorted(units)}, got {quantity!r}")
        flags = [f for f in self.flags if not (quantity == "c" and f == "area_beyond_any_solid")]
        spread = {}
        if RANGE_DEPENDENT in flags:
            spread[RANGE_DEPENDENT] = (_c_spread_words(self) if quantity == "c" else
                                       _spread_words(self, quantity, units[quantity]))
        return _words(flags, getattr(self, "c", math.nan), getattr(self, "p_range", (math.nan,) * 2)[1], spread)


def _words(flags, c: float = math.nan, top: float = math.nan, more: dict[str, str] | None = None) -> tuple[str, ...]:
    """``flags`` in words; those about C and the range (:func:`_doubts`) name ``c`` and the range's ``top``;
    ``more`` words flags whose words need the whole result (:data:`RANGE_DEPENDENT`)."""
    words = {**BET_FLAG_WORDS, **_doubt_words(c, top), **(more or {})}
    return tuple(words.get(f, f"quality floor not met: {f}") for f in flags)


#: Largest relative departure of any valid range's area from the area reported, beyond which the area
#: is flagged :data:`RANGE_DEPENDENT`: the criteria leave the range open, and another range they accept
#: gives an area that differs by more than this. A chosen bound, the one nakit also applies to a
#: difference from an instrument's own result (:data:`nakit.sorption.instrument.DIFFERENCE_DOUBT`);
#: the stand-ins of the paper (CMK-3 1.4 %, the composite 0.8 %) stay under it, Sample_A (a 4-point
#: range down to p/p0 0.0067 gives 6 % less) does not.
BET_RANGE_SPREAD = 0.05
#: The flag of an area that depends on which of the ranges passing every check is taken.
RANGE_DEPENDENT = "area_depends_on_range"


def areas_text(lo: float, hi: float) -> str:
    """A span of areas with both ends to the decimals of the larger's four significant figures: ``"986-1006"``,
    ``"181.7-197.2"`` (one precision for both, where ``.4g`` would write ``"986.3-1006"``)."""
    decimals = max(0, 3 - math.floor(math.log10(abs(hi)))) if hi else 0
    return f"{lo:.{decimals}f}-{hi:.{decimals}f}"


def _spread_words(result: "BETResult", quantity: str = "area", unit: str = "m2/g") -> str:
    """The words of :data:`RANGE_DEPENDENT` for ``result``'s area or monolayer capacity (``quantity``, in
    ``unit``): how many ranges passed, what they give, how far off."""
    scale = result.monolayer / result.area if quantity == "monolayer" else 1.0  # (n_m is the area over a constant)
    what = "monolayer capacity" if quantity == "monolayer" else "area"
    return (f"the {result.valid_ranges} ranges that pass every check give "
            f"{areas_text(*(a * scale for a in result.range_areas))} {unit} ({range_ends_text(result)}), up to "
            f"{100 * result.range_spread:.0f} % "
            f"from this {what} (more than {100 * BET_RANGE_SPREAD:g} %): the criteria leave the range open and the "
            f"{what} depends on which valid range is taken (BETSI, Osterrieth et al. 2022)")


def range_ends_text(result: "BETResult") -> str:
    """Which valid ranges give the smallest and the largest area (``result.range_areas``), in words: a reader
    can judge the ranges behind a spread (a microporous isotherm's lowest ranges, a multilayer range)."""
    return (f"the smallest on p/p0 {result.range_smallest_area[0]:.3g}-{result.range_smallest_area[1]:.3g}, the "
            f"largest on {result.range_largest_area[0]:.3g}-{result.range_largest_area[1]:.3g}")


def _c_spread_words(result: "BETResult") -> str:
    """The words of :data:`RANGE_DEPENDENT` for ``result``'s C: the C of the valid ranges."""
    lo, hi = result.range_c
    off = max(abs(lo / result.c - 1.0), abs(hi / result.c - 1.0))
    return (f"the {result.valid_ranges} ranges that pass every check give C = {lo:.3g}-{hi:.3g}, up to {100 * off:.0f} % "
            f"from this C, where their areas move up to {100 * result.range_spread:.0f} %: the criteria leave the range "
            "open and C depends on which valid range is taken (BETSI, Osterrieth et al. 2022)")


#: a BET area above this (m2/g) no solid has (the highest reported, of MOFs such as DUT-60, are ~7800):
#: the sample mass or the loading's unit is wrong
MOST_BET_AREA = 10000.0

#: The Rouquerol criteria, as flagged when the range used fails one, and an area no solid has, in words.
BET_FLAG_WORDS = {
    "area_beyond_any_solid": f"area above {MOST_BET_AREA:g} m2/g, more than any solid's (the highest reported BET "
                             "areas are ~7800 m2/g): the sample mass or the loading's unit must be wrong",
    "1_n(1-p)_increasing": "Rouquerol criterion 1 fails: n(1-p/p0) does not rise over the range",
    "2_C_positive": "Rouquerol criterion 2 fails: C is not positive",
    "3_monolayer_in_range": "Rouquerol criterion 3 fails: the monolayer capacity lies outside the range's loadings",
    "4_p_monolayer_consistent": "Rouquerol criterion 4 fails: 1/(sqrt(C)+1) is not the p/p0 at which the "
                                "isotherm reaches the monolayer capacity",
}


#: C below which monolayer and multilayer adsorption overlap so much that the BET monolayer capacity,
#: and the area, are doubtful: IUPAC (Thommes et al. 2015) calls the overlap appreciable below C ~ 50
#: and the knee (point B) that marks the monolayer indistinct below ~20; flagged ``C_low`` below this.
#: On the peer isotherms the lowest C with a clear knee is 28.7 (pyGAPS's SiO2); Sample_G's valid ranges give 3.9-5.9.
BET_C_DOUBTFUL = 20.0
#: C below which the BET method does not apply at all (the isotherm has no knee: type III or V;
#: IUPAC 2015, Rouquerol et al. 2014): flagged ``C_below_2``.
BET_C_INAPPLICABLE = 2.0


def _doubt_words(c: float, top: float) -> dict[str, str]:
    """The words of :func:`_doubts`'s flags for a line of constant ``c`` over a range ending at ``top``."""
    return {
        "C_below_2": f"C = {c:.3g} is below {BET_C_INAPPLICABLE:g}: the isotherm has no knee (type III or V), where "
                     "the BET method does not apply (IUPAC 2015): the area is no BET area",
        "C_low": f"C = {c:.3g} is below {BET_C_DOUBTFUL:g}: monolayer and multilayer adsorption overlap (IUPAC "
                 "2015: appreciably below ~50), so the monolayer capacity, and the area, are doubtful",
        "range_beyond_bet_region": f"the range reaches p/p0 = {top:.3g}, above the {SINGLE_POINT_REGION[1]:g} by "
                                   "which the monolayer forms on type II and IV isotherms (IUPAC 2015: normally "
                                   "0.05-0.30): it takes in multilayer uptake",
    }


def _doubts(c: float, top: float, criteria_hold: bool) -> tuple[str, ...]:
    """Flags of a BET line whose C or range IUPAC (Thommes et al. 2015) calls doubtful.

    The four Rouquerol criteria can all hold on such a line (Sample_G: C = 4.45 on p/p0
    0.061-0.463), so these are judged besides them: C below :data:`BET_C_INAPPLICABLE`
    (``C_below_2``) or :data:`BET_C_DOUBTFUL` (``C_low``; a C that is not positive fails
    criterion 2 instead), and, where the criteria hold (``criteria_hold``: a range that fails
    one is no BET range already, and its flags say why), a range ending above
    ``SINGLE_POINT_REGION[1]`` (``range_beyond_bet_region``), the top of the BET region (ISO
    9277 and IUPAC: 0.05-0.30, with a margin).

    References
    ----------
    M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051 (IUPAC Technical Report), sec. 6.2.
    F. Rouquerol, J. Rouquerol, K. S. W. Sing, P. Llewellyn, G. Maurin, *Adsorption by Powders
    and Porous Solids*, 2nd ed., Academic Press, 2014, ch. 7.
    """
    return tuple(name for name, doubted in _doubt_masks(c, top).items()
                 if doubted and (criteria_hold or name != "range_beyond_bet_region"))


def _doubt_masks(c, top) -> dict[str, np.ndarray]:
    """Each of :func:`_doubts`'s flags as a boolean (an array for arrays of ``c`` and ``top``), so
    that one rule serves a single line and the automatic search over every range alike (floats
    stay floats: numpy scalars cost a single fit more than the comparisons)."""
    return {"C_below_2": (c > 0) & (c < BET_C_INAPPLICABLE),
            "C_low": (c >= BET_C_INAPPLICABLE) & (c < BET_C_DOUBTFUL),
            "range_beyond_bet_region": top > SINGLE_POINT_REGION[1]}


def c_undetermined(result: BETResult) -> str:
    """Why a BET result's C is not determined by its points, or ``""`` when it is.

    :math:`C = 1 + s/i` divides by the intercept :math:`i` of the BET line. When the standard
    error of C reaches C itself, the intercept is zero within its error and C could be any
    large number, of either sign: printed with its standard error it reads "0 ± 80000" or
    "(-2 ± 7)e6". A report then gives C without its standard error and this reason. The area and
    the monolayer capacity, from :math:`s + i`, are not affected.

    Parameters
    ----------
    result
        A BET fit (:func:`area_bet`, :func:`bet_fit_raw`).

    Returns
    -------
    str
        The reason, naming the intercept with its standard error; ``""`` when C is determined.
    """
    if not (math.isfinite(result.c_sigma) and result.c_sigma >= abs(result.c)):
        return ""
    return (f"C = {result.c:.3g} is not determined: its standard error ({result.c_sigma:.2g}) exceeds it, the BET "
            f"line's intercept ({result.intercept:.3g} ± {result.intercept_sigma:.2g} g/cm3 STP) being zero within its "
            "error, so slope/intercept could be any large number (the area, from slope + intercept, is not affected)")


def bet_transform(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The BET ordinate :math:`1/[n(p_0/p - 1)] = (p/p_0)/[n(1-p/p_0)]`."""
    return p / (q * (1.0 - p))


def _inputs(p, q, *, leading_zero: bool = False) -> tuple[np.ndarray, np.ndarray, str]:
    """Checked, sorted points below saturation, and what was left out in words for a method text.

    ``leading_zero``: the lowest-pressure points may have zero uptake (nothing adsorbed yet, or
    rounded to zero); they are left out, as no BET range can hold them. Points at or above
    p/p0 = 1 (an isotherm measured up to saturation, a p0 read slightly low) are left out too:
    n(1 - p/p0) is no monolayer estimate there and no BET range reaches them. One such point
    removed the area of an isotherm whose BET region was fully measured. Points above
    :data:`~nakit.sorption.isotherm.P_REL_MAX` are refused, as the readers refuse them: a p0 in
    the wrong unit, not saturation.

    Returns
    -------
    p, q
        The points kept, by rising p/p0.
    left_out
        ``""``, or ``"; the ... left out"`` for each kind of point left out (zero uptake, at or
        above saturation), to append to a result's method.
    """
    p = as_float_array(p, "relative_pressure", min_size=3)
    q = as_float_array(q, "loading", min_size=3)
    same_length(relative_pressure=p, loading=q)
    p, q = sorted_by(p, q, name="relative_pressure")
    if p[0] <= 0:
        raise ParameterError(f"relative_pressure {p[0]:g}: values must be above 0")
    refuse_beyond_saturation(p)
    saturated = p[p >= 1.0] if p[-1] >= 1.0 else p[:0]  # (p is sorted)
    if saturated.size:
        p, q = p[:-saturated.size], q[:-saturated.size]
    if p.size < 3:
        raise ParameterError(f"relative_pressure: {p.size} point{'' if p.size == 1 else 's'} below p/p0 = 1; BET needs "
                             "at least 3")
    start = int(np.argmax(q > 0)) if leading_zero and q[0] <= 0 else 0
    if q[start:].min() <= 0:
        k = start + int(np.argmax(q[start:] <= 0))
        raise ParameterError(f"loading {q[k]:g} at p/p0 = {p[k]:g} (point {k + 1} by pressure): BET needs positive "
                             "uptakes")
    left_out = []
    if start:
        left_out.append("the lowest-pressure point, of zero uptake," if start == 1
                        else f"the {start} lowest-pressure points, of zero uptake,")
    if saturated.size:
        left_out.append(f"the point at p/p0 = {saturated[0]:.4g}, at or above saturation," if saturated.size == 1
                        else f"the {saturated.size} points at p/p0 {saturated[0]:.4g}-{saturated[-1]:.4g}, at or "
                             "above saturation,")
    return p[start:], q[start:], "".join(f"; {words} left out" for words in left_out)


def bet_fit_raw(relative_pressure, loading, cross_section: float = N2_CROSS_SECTION,
                *, isotherm: tuple[np.ndarray, np.ndarray] | None = None, method: str = "given points",
                tolerance: float = 0.1, constants: str = "iupac") -> BETResult:
    """Fit the BET equation to exactly the points given.

    The four Rouquerol criteria are judged on the range; each one it fails is named in
    ``result.flags`` (``result.ok`` is then False) and a :class:`~nakit.errors.NakitWarning`
    is issued.

    Standard errors of slope and intercept are the ordinary least-squares ones; the area's
    standard error is the one Micromeritics reports, :math:`\\sigma_S = S\\sqrt{\\sigma_s^2 +
    \\sigma_i^2}/(s+i)`. ``isotherm`` (the whole adsorption branch) is used to evaluate the
    fourth Rouquerol criterion (relative ``tolerance``); without it that criterion is judged
    on the points given. ``constants`` names the Avogadro constant used for the area
    (:data:`BET_CONSTANTS`: ``"iupac"``, CODATA, default; ``"micromeritics"``, 6.023e23 as
    Micromeritics' ASAP 2020 software uses). ``cross_section`` is the adsorptive's molecular
    cross-section in nm2 (0.162 for N2), refused with a :class:`~nakit.errors.ParameterError`
    unless in (0, :data:`MOST_CROSS_SECTION`]; every BET function here checks it the same way.

    Points at or above p/p0 = 1 are left out, and ``result.method`` says so; p/p0 above
    :data:`~nakit.sorption.isotherm.P_REL_MAX` is refused, as the readers refuse it (a p0 in
    the wrong unit).

    Notes
    -----
    :math:`\\frac{p/p_0}{n(1-p/p_0)} = \\frac{1}{n_m C} + \\frac{C-1}{n_m C}\\frac{p}{p_0}`, so
    :math:`n_m = 1/(s+i)`, :math:`C = 1 + s/i`, :math:`S = n_m N_A \\sigma / V_{STP}`.

    References
    ----------
    S. Brunauer, P. H. Emmett, E. Teller, J. Am. Chem. Soc. 60 (1938) 309.
    J. Rouquerol, P. Llewellyn, F. Rouquerol, Stud. Surf. Sci. Catal. 160 (2007) 49.
    ISO 9277:2010.
    """
    cross_section = _cross_section(cross_section)
    _constants(constants)
    in_range(tolerance, "tolerance", 0.0)  # a negative one failed criterion 4 on every range, blaming the points
    p, q, left_out = _inputs(relative_pressure, loading)
    result = _fit(p, q, cross_section, isotherm if isotherm is not None else (p, q), method + left_out, tolerance,
                  constants=constants)
    # A range the user chose is fitted as asked, but a criterion it fails is a flag on the
    # result and a warning, never a silent number (C < 0 gives an "area" with no meaning).
    failed = tuple(name for name, ok in result.criteria.items() if not ok)
    if failed:
        result.flags = tuple(result.flags) + failed
        warnings.warn(f"BET on p/p0 {result.p_range[0]:.3g}-{result.p_range[1]:.3g} ({result.n_points} points, "
                      f"C = {result.c:.3g}) fails Rouquerol criteria: {'; '.join(_words(failed))}; the area "
                      f"{result.area:.4g} m2/g is not a trustworthy BET area", NakitWarning, stacklevel=2)
    return result


def _fit(p, q, cross_section, full, method, tolerance, flags=(), criteria=None, constants="iupac") -> BETResult:
    """The least-squares BET line through validated, sorted points (see :func:`bet_fit_raw`).

    ``criteria``, when the caller has already judged this range, is used as given.
    """
    y = bet_transform(p, q)
    n = p.size
    xm, ym = float(p.sum()) / n, float(y.sum()) / n
    dx, dy = p - xm, y - ym
    sxx, sxy, syy = float(dx @ dx), float(dx @ dy), float(dy @ dy)
    if sxx == 0:
        raise CalculationError("BET fit needs at least two distinct pressures")
    s = sxy / sxx
    i = ym - s * xm
    resid = dy - s * dx
    var = float(resid @ resid) / max(n - 2, 1)
    v_ss, v_si, v_ii = var / sxx, -var * xm / sxx, var * (1 / n + xm**2 / sxx)
    ss, si = math.sqrt(v_ss), math.sqrt(v_ii)
    r = sxy / math.sqrt(sxx * syy) if syy > 0 else 1.0
    if s + i <= 0:
        raise CalculationError("BET slope + intercept is not positive: no monolayer capacity can be derived")
    qm = 1.0 / (s + i)
    c = 1.0 + s / i if i != 0 else math.inf
    # propagated through qm = 1/(s+i) and C = 1 + s/i with the slope-intercept covariance
    qm_sigma = qm**2 * math.sqrt(max(v_ss + 2 * v_si + v_ii, 0.0))
    c_sigma = (math.sqrt(max(v_ss / i**2 - 2 * s * v_si / i**3 + s**2 * v_ii / i**4, 0.0)) if i != 0 else math.nan)
    area = qm * area_per_loading(cross_section, constants)
    if area > MOST_BET_AREA:
        flags = tuple(flags) + ("area_beyond_any_solid",)
    if criteria is None:
        judged, _ = _judge(p, q, np.array([0]), np.array([n - 1]), np.array([s]), np.array([i]), full, tolerance,
                           _drops(p, q))
        criteria = {name: bool(ok[0]) for name, ok in judged.items()}
    doubts = _doubts(c, float(p[-1]), all(criteria.values()))
    if doubts:  # said where it is computed, as a failed criterion is: the caller's filters decide
        warnings.warn(f"BET on p/p0 {p[0]:.3g}-{p[-1]:.3g}: {'; '.join(_words(doubts, c, float(p[-1])))}",
                      NakitWarning, stacklevel=3)
        flags = tuple(flags) + doubts
    return BETResult(area, area * math.hypot(ss, si) / (s + i), c, c_sigma, qm, qm_sigma, s, ss, i, si, r,
                     np.array([[v_ss, v_si], [v_si, v_ii]]), (float(p[0]), float(p[-1])), n, p, q,
                     1.0 / (math.sqrt(c) + 1.0) if c > 0 else math.nan, criteria, method, float(cross_section),
                     tuple(flags), constants=constants)


def _drops(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``drops[k]``: the falls of n(1-p/p0) among the first k+1 sorted points (a range i..j meets the
    first Rouquerol criterion where ``drops[j] == drops[i]``)."""
    rq = q * (1 - p)
    drops = np.zeros(rq.size, dtype=np.int64)
    drops[1:] = (rq[1:] <= rq[:-1]).cumsum()
    return drops


def _judge(p, q, i, j, slope, icpt, full, tolerance, drops):
    """The four Rouquerol criteria for the ranges ``i..j`` (inclusive) of sorted points p, q.

    ``slope`` and ``icpt`` are each range's BET line; ``full`` is the whole adsorption branch,
    on which criterion 4 finds the p/p0 where the isotherm reaches n_m; ``drops`` is
    :func:`_drops` of p, q. Returns the criteria (a boolean array each, one entry per range) and
    each range's relative criterion-4 deviation (NaN where C is not positive). One judge serves a
    single given range and the automatic search alike.
    """
    pf, qf = full
    with np.errstate(divide="ignore", invalid="ignore"):
        qm = 1 / (slope + icpt)
        c = 1 + slope / icpt
        c_positive = np.isfinite(c) & (c > 0)
        p_bet = 1 / (np.sqrt(np.where(c_positive, c, np.nan)) + 1)
        p_at = np.interp(qm, np.maximum.accumulate(qf), pf)
        dev = np.abs(p_bet - p_at) / p_at
    criteria = {"1_n(1-p)_increasing": drops[j] == drops[i], "2_C_positive": c_positive,
                "3_monolayer_in_range": (qm >= q[i]) & (qm <= q[j]),
                "4_p_monolayer_consistent": c_positive & (dev <= tolerance) & (qm >= qf.min()) & (qm <= qf.max())}
    return criteria, dev


def _lines(p, q, sums, i, j, full, tolerance, drops, min_r2, min_points):
    """Each range ``i..j``'s BET line from the running ``sums`` (a zero column first) of 1, p, y, p^2,
    py, y^2 (y the BET ordinate): point count, slope, intercept and C, the Rouquerol criteria
    (:func:`_judge`), the quality floors, the criterion-4 deviation (inf where undefined) and
    whether each range passes every criterion and floor."""
    N, Sx, Sy, Sxx, Sxy, Syy = sums[:, j + 1] - sums[:, i]
    vx = Sxx - Sx**2 / N
    vxy = Sxy - Sx * Sy / N
    vy = Syy - Sy**2 / N
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = vxy / vx
        icpt = (Sy - slope * Sx) / N
        c = 1 + slope / icpt  # each range's C, for the doubts, the preference and the spread
    criteria, dev = _judge(p, q, i, j, slope, icpt, full, tolerance, drops)
    floors = {f"r2 >= {min_r2}": vxy**2 >= min_r2 * vx * vy, f">= {min_points} points": N >= min_points}
    valid = functools.reduce(operator.and_, (*criteria.values(), *floors.values()))
    return N, slope, icpt, c, criteria, floors, np.where(np.isnan(dev), np.inf, dev), valid


def bet_auto_raw(relative_pressure, loading, cross_section: float = N2_CROSS_SECTION, *, min_points: int = 4,
                 p_max: float = 0.5, min_r2: float = 0.995, tolerance: float = 0.1,
                 on_failure: str = "raise", constants: str = "iupac") -> BETResult:
    """BET on the automatically chosen range (all four Rouquerol criteria).

    Every contiguous range of at least three adsorption points with p/p0 < ``p_max`` is
    tested: (1) n(1-p/p0) rises over the range; (2) C > 0; (3) the monolayer capacity lies
    between the range's first and last loading; (4) :math:`1/(\\sqrt{C}+1)` is within
    ``tolerance`` (relative) of the p/p0 at which the isotherm reaches n_m; and two quality
    floors, :math:`r^2 \\ge` ``min_r2`` and at least ``min_points`` points. Among ranges that
    pass everything, those that raise the fewest of nakit's own doubts (:func:`_doubts`: C below
    :data:`BET_C_DOUBTFUL`, an end above the BET region) are kept; of these, those ending at the
    highest p/p0 any of them reaches are taken (the knee), and of those the longest wins, ties going
    to the smallest criterion-4 deviation.

    The doubts come first because the criteria accept ranges that nakit would then flag: on a
    low-C isotherm the knee lies in multilayer uptake. Sample_G (3Flex, C ~ 4) has 67 valid
    ranges; the knee rule alone ended at p/p0 0.463 (64.1 m2/g, flagged for its end above 0.35)
    although one valid range ends at 0.331 (66.4 m2/g; the instrument's 68.3 on 0.111-0.265,
    a range that fails criterion 3). Where the range chosen by the knee raises no doubt, as on
    every other peer isotherm, the preference changes nothing.

    Points and ``cross_section`` are checked as in :func:`bet_fit_raw`; the lowest-pressure
    points of zero uptake and the points at or above p/p0 = 1 are left out of the search, and
    ``result.method`` names each kind.

    The criteria do not fix the range: on a microporous isotherm the longest valid range may
    end well below the knee and reach down into micropore filling (p/p0 1e-7 on BETSI's UiO-66,
    6e-7 on pyGAPS's), where the points bend the line: C ran to 1e4-1e5 and the area 2-7 %
    below the one at the knee (pyGAPS's and the instrument's: Sample_C 584.7 against 597.5
    and 595.0 m2/g; UiO-66 1181 against pyGAPS's 1275). So the range ends as high as the
    criteria allow, as BETSI chooses among valid ranges those ending at the highest p/p0 and
    pyGAPS ends its range at the maximum of n(1 - p/p0), the top Rouquerol et al.'s first
    criterion allows; on type II and IV isotherms that is the longest valid range already (the
    paper's stand-ins, Sample_A, Sample_G, HKUST-1). How much the area still depends on
    the choice is kept: ``result.valid_ranges`` and ``result.range_areas`` (the smallest and
    largest area of all ranges that pass), and a range of areas reaching more than
    :data:`BET_RANGE_SPREAD` from the area reported is flagged :data:`RANGE_DEPENDENT`, with a
    :class:`~nakit.errors.NakitWarning`.

    When no range passes, ``on_failure`` decides: ``"raise"`` (default) raises
    :class:`CalculationError` naming the check that failed most often; ``"flag"`` returns the
    range that fails the fewest Rouquerol criteria, then the fewest quality floors (then the
    longest, then the best criterion 4), among ranges with a positive monolayer capacity, with
    ``result.flags`` naming each failed check, ``result.ok`` False, and a
    :class:`~nakit.errors.NakitWarning`. A strongly microporous isotherm, whose n(1-p/p0)
    peaks after two or three points, is the usual case: its flagged result is the
    short range that meets the four criteria, flagged for having too few points.

    References
    ----------
    J. Rouquerol, P. Llewellyn, F. Rouquerol, Stud. Surf. Sci. Catal. 160 (2007) 49.
    J. W. M. Osterrieth et al., Adv. Mater. 34 (2022) 2201502 (BETSI).
    ISO 9277:2010, Determination of the specific surface area of solids by gas adsorption (BET method).
    """
    per_loading = area_per_loading(cross_section, constants)
    pf, qf, left_out = _inputs(relative_pressure, loading, leading_zero=True)
    if on_failure not in ("raise", "flag"):
        raise ParameterError(f"on_failure must be 'raise' or 'flag', got {on_failure!r}")
    if int(min_points) != min_points or min_points < 3:
        raise ParameterError(f"min_points must be an integer >= 3 (a line through two points has no residual), "
                             f"got {min_points!r}")
    # out of range, these left no range to pass, and the error blamed a Rouquerol criterion or the points
    in_range(p_max, "p_max", 0.0, 1.0, inclusive=(False, True))
    in_range(min_r2, "min_r2", 0.0, 1.0)
    in_range(tolerance, "tolerance", 0.0)
    keep = pf < p_max
    p, q = pf[keep], qf[keep]
    n = p.size
    needed = min_points if on_failure == "raise" else 3
    if n < needed:
        raise CalculationError(f"only {n} adsorption point{'' if n == 1 else 's'} below p/p0 = {p_max}; BET needs "
                               f"at least {needed}")
    in_region = int(np.count_nonzero(p <= SINGLE_POINT_REGION[1]))
    if in_region < 3:  # a range above it, flagged or not, would be no BET monolayer (p/p0 0.43-0.5 gave "805 m2/g")
        raise CalculationError(f"only {in_region} adsorption point{'' if in_region == 1 else 's'} at p/p0 up to "
                               f"{SINGLE_POINT_REGION[1]:g} (the isotherm starts at {pf[0]:.3g}): the BET region, where "
                               "the monolayer forms (ISO 9277: 0.05-0.3 for mesoporous solids, lower for microporous "
                               "ones), is not measured, and BET needs at least 3 points in it")
    y = bet_transform(p, q)
    # running sums (a zero column first) of 1, x, y, x^2, xy, y^2: each range's sums are two lookups
    sums = np.empty((6, n + 1))
    sums[:, 0] = 0.0
    for row, values in zip(sums[:, 1:], (1.0, p, y, p * p, p * y, y * y)):
        row[:] = values
    np.cumsum(sums, axis=1, out=sums)
    drops = _drops(p, q)
    i_all, j_all = _ranges(n)
    # a range where n(1-p/p0) falls (criterion 1) or with too few points cannot pass: the others are
    # judged first, and every range only when none of them passes, to return or name what fails
    # (same result; on a typical isotherm a few percent of the ranges remain)
    may_pass = np.flatnonzero((drops[j_all] == drops[i_all]) & (j_all - i_all >= min_points - 1))
    i, j = i_all[may_pass], j_all[may_pass]
    N, slope, icpt, c, criteria, floors, dev, valid = _lines(p, q, sums, i, j, (pf, qf), tolerance, drops, min_r2,
                                                             min_points)
    if not valid.any():
        i, j = i_all, j_all
        N, slope, icpt, c, criteria, floors, dev, valid = _lines(p, q, sums, i, j, (pf, qf), tolerance, drops,
                                                                 min_r2, min_points)
    checks = {**criteria, **floors}
    if valid.any():
        # the knee: below it a long range runs into micropore filling
        k = _best(valid & (j == j[valid].max()), N, dev)
        if any(_doubt_masks(float(c[k]), float(p[j[k]])).values()):
            # nakit's own doubts first (see the docstring), then the knee among the least doubted ranges;
            # when the knee's range raises none, that is the same range (the usual case: no work)
            passed = np.flatnonzero(valid)  # (C > 0 on each: criterion 2)
            doubts = sum(_doubt_masks(c[passed], p[j[passed]]).values())
            preferred = passed[doubts == doubts.min()]
            knee = np.zeros_like(valid)
            knee[preferred[j[preferred] == j[preferred].max()]] = True
            k = _best(knee, N, dev)
        flags = ()
    elif on_failure == "raise":
        enough = floors[f">= {min_points} points"]
        worst = max(checks, key=lambda name: int((~checks[name] & enough).sum()))
        raise CalculationError(f"no BET range with >= {min_points} points below p/p0 = {p_max} satisfies all four "
                               f"Rouquerol criteria and r2 >= {min_r2} ({int(enough.sum())} ranges tried; most common "
                               f"failure: {worst}); give p_range explicitly, or on_failure='flag', to fit anyway")
    else:
        usable = slope + icpt > 0  # without a positive monolayer capacity there is no area to flag
        if not usable.any():
            raise CalculationError(f"no BET range below p/p0 = {p_max} gives a positive monolayer capacity "
                                   "(slope + intercept <= 0 everywhere): the isotherm is not BET-like")
        # a failed Rouquerol criterion outweighs any number of failed quality floors (r2, points)
        failed = 10 * sum(~ok for ok in criteria.values()) + sum(~ok for ok in floors.values())
        failed = np.where(usable, failed, np.iinfo(failed.dtype).max)
        k = _best(failed == failed.min(), N, dev)
        flags = tuple(name for name, ok in checks.items() if not ok[k])
        warnings.warn(f"BET: no range passes every check; returning p/p0 {p[i[k]]:.3g}-{p[j[k]]:.3g} "
                      f"({int(N[k])} points), which fails: {'; '.join(_words(flags))}", NakitWarning, stacklevel=2)
    how = (f"of the valid ranges that raise the fewest doubts (C < {BET_C_DOUBTFUL:g}, an end above p/p0 = "
           f"{SINGLE_POINT_REGION[1]:g}), the longest one ending at the highest p/p0 any of them reaches" if not flags
           else "flagged: fewest failed checks")
    areas = per_loading / (slope[valid] + icpt[valid])
    c_valid = c[valid]
    passed = f" ({areas.size} valid, giving {areas_text(areas.min(), areas.max())} m2/g)" if areas.size else ""
    result = _fit(p[i[k]:j[k] + 1], q[i[k]:j[k] + 1], cross_section, (pf, qf),
                  f"automatic range: Rouquerol criteria 1-4, r2 >= {min_r2}, >= {min_points} points, {how} "
                  f"of {len(i_all)} tried{passed}{left_out}", tolerance, flags,
                  {name: bool(ok[k]) for name, ok in criteria.items()}, constants)
    if areas.size:
        result.valid_ranges, result.range_areas = areas.size, (float(areas.min()), float(areas.max()))
        smallest, largest = np.flatnonzero(valid)[[np.argmin(areas), np.argmax(areas)]]
        result.range_smallest_area = (float(p[i[smallest]]), float(p[j[smallest]]))
        result.range_largest_area = (float(p[i[largest]]), float(p[j[largest]]))
        result.range_c = (float(c_valid.min()), float(c_valid.max()))
        if result.range_spread > BET_RANGE_SPREAD:
            result.flags = tuple(result.flags) + (RANGE_DEPENDENT,)
            warnings.warn(f"BET on p/p0 {result.p_range[0]:.3g}-{result.p_range[1]:.3g}: {_spread_words(result)}",
                          NakitWarning, stacklevel=2)
    return result


@lru_cache(maxsize=64)
def _ranges(n: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last index of every contiguous range of at least three of n points."""
    i, j = np.triu_indices(n, k=2)
    i.flags.writeable = j.flags.writeable = False
    return i, j


def _best(candidates: np.ndarray, n_points: np.ndarray, dev: np.ndarray) -> int:
    """Index of the longest candidate range, ties broken by the smallest criterion-4 deviation."""
    npts = np.where(candidates, n_points, -1)
    cand = np.flatnonzero(npts == npts.max())
    return int(cand[np.argmin(dev[cand])])


#: p/p0 within which a single point can stand for the BET line (the multipoint BET region of ISO 9277,
#: 0.05-0.3, and a margin): outside it n(1 - p/p0) is micropore filling or multilayer uptake
SINGLE_POINT_REGION = (0.05, 0.35)


def single_point_bet_raw(relative_pressure, loading, p_target: float = 0.3,
                         cross_section: float = N2_CROSS_SECTION) -> tuple[float, float]:
    """Single-point BET area (m2/g) from the point nearest ``p_target``; returns (area, p used).

    Raises
    ------
    ParameterError
        ``cross_section`` outside (0, :data:`MOST_CROSS_SECTION`] nm2, or invalid points (as
        :func:`bet_fit_raw`).
    CalculationError
        The point nearest ``p_target`` lies outside :data:`SINGLE_POINT_REGION` (an isotherm
        measured only above p/p0 = 0.45, say): the formula would give a number, but not a BET area.

    Notes
    -----
    With :math:`C \\gg 1` the BET line passes through the origin: :math:`n_m = n(1-p/p_0)`.
    """
    per_loading = area_per_loading(cross_section)
    p, q, _ = _inputs(relative_pressure, loading)
    in_range(p_target, "p_target", 0.05, 0.5)
    k = int(np.argmin(np.abs(p - p_target)))
    lo, hi = SINGLE_POINT_REGION
    if not lo <= p[k] <= hi:
        raise CalculationError(f"no adsorption point near p/p0 = {p_target:g}: the nearest is at {p[k]:.3g}, outside "
                               f"the BET region ({lo:g}-{hi:g}), where n(1 - p/p0) is no monolayer estimate")
    return float(q[k] * (1 - p[k]) * per_loading), float(p[k])


def loading_doubt(multipoint: BETResult | None, single_point_area: float | None = None) -> str:
    """Why every amount derived from an isotherm's loadings is doubtful: its BET area (multipoint,
    else single-point) is beyond any solid's, so the sample mass or the loading's unit is wrong
    and the pore volumes, uptakes and external areas are off by the same factor. ``""`` when not.

    Only extensive quantities carry it: pore widths and diameters (BJH, DFT modes) and the
    isotherm's type come from where in p/p0 the uptake rises, which a wrong scale leaves alone.
    A loading heading of mmol/g over values in cm3/g STP gave a flagged BET area of 22060 m2/g
    beside an unflagged single-point area of 21713 and a DFT pore volume of 16 cm3/g.
    """
    area = multipoint.area if multipoint is not None else single_point_area
    if area is None or not area > MOST_BET_AREA:
        return ""
    return (f"the loadings give a BET area of {area:.0f} m2/g, more than any solid's (at most ~7800 m2/g reported): "
            "the sample mass or the loading's unit must be wrong, and every amount derived from them with it")


def single_point_flags(area: float, p_used: float, multipoint: BETResult | None,
                       tolerance: float = 0.10) -> tuple[str, ...]:
    """Why a single-point BET area is not the sample's BET area, when it differs from the multipoint one.

    The single-point method puts the BET line through the origin at one p/p0 = x,
    :math:`n_m = n(1 - x)`, which holds when :math:`C \\gg 1` and the point lies on the BET
    line. A low C alone makes it short by :math:`1 - Cx/(1 + (C - 1)x)` (34 % at C = 4.5,
    x = 0.3); on a microporous (type I) isotherm the valid BET range ends far below 0.3 and the
    point sits on the plateau, short by 20-30 % whatever C is. Either way the value is
    flagged, with the reasons that apply, when it departs from the multipoint area.

    Parameters
    ----------
    area, p_used
        The single-point area (m2/g) and the p/p0 of the point used (:func:`single_point_bet`).
    multipoint
        The multipoint BET result of the same isotherm (:func:`area_bet`); None where it could
        not be computed (nothing to compare with: no flag).
    tolerance
        Largest relative difference left unflagged (a chosen bound, default 10 %).

    Returns
    -------
    tuple of str
        Empty, or one flag saying by how much and why.
    """
    if multipoint is None:  # no multipoint area to compare with
        return ()
    ref = multipoint.area
    if not (math.isfinite(area) and math.isfinite(ref) and ref > 0):
        return ()
    dev = area / ref - 1.0
    if abs(dev) <= tolerance:
        return ()
    why = []
    c, (lo, hi) = multipoint.c, multipoint.p_range
    if math.isfinite(c) and c > 0:
        short = 1.0 - c * p_used / (1.0 + (c - 1.0) * p_used)
        if short > tolerance / 2:
            why.append(f"C = {c:.3g} is not much larger than 1, which alone makes it {short:.0%} short")
    if not lo <= p_used <= hi:
        why.append(f"p/p0 = {p_used:.2f} lies outside the multipoint BET range {lo:.3g}-{hi:.3g}")
    return (f"{abs(dev):.0%} {'below' if dev < 0 else 'above'} the multipoint BET area: the single-point method "
            f"takes the BET line through the origin at p/p0 = {p_used:.2f}" + (f" ({'; '.join(why)})" if why else "")
            + "; the multipoint area is the one to use",)


def area_bet(ds: xr.Dataset, p_range: tuple[float, float] | None = None, *, cross_section: float = N2_CROSS_SECTION,
             constants: str = "iupac", **auto) -> BETResult:
    """BET area of an isotherm Dataset's adsorption branch.

    ``p_range=(lo, hi)`` fits the points with lo <= p/p0 <= hi (criteria are still
    evaluated and reported in ``result.criteria``); without it the range is chosen by
    :func:`bet_auto_raw` (keyword arguments pass through).

    ``ds`` is the isotherm as read, or part of its adsorption branch
    (``nakit.sorption.branch(ds).sel(relative_pressure=slice(0.05, 0.3))``): the points given
    are then all BET sees. The range is chosen among them (or ``p_range`` fits within them),
    criterion 4 is judged on them, and ``result.method`` names them. To fit exactly a range
    of the whole isotherm, give ``p_range`` instead.

    ``constants`` selects the constants (:data:`BET_CONSTANTS`): ``"iupac"`` (default,
    CODATA) or ``"micromeritics"`` to reproduce a Micromeritics ASAP 2020 report. With
    ``"micromeritics"`` and a file whose loadings were molar
    (``attrs["loading_units_in_file"]``), the loadings are taken to cm3/g STP with the
    software's 22.4141 cm3/mmol instead of the reader's 22.414, as the instrument does, so
    the monolayer (cm3/g STP) is the instrument's too.
    """
    pass_through("area_bet", bet_auto_raw, auto, also=("p_range",))
    p, q = get_branch(ds, "adsorption")
    _, v_mmol = _constants(constants)
    if "mol" in str(ds.attrs.get("loading_units_in_file", "")):
        q = q * (v_mmol / (MOLAR_VOLUME_STP / 1000.0))
    auto["constants"] = constants
    if p_range is None:
        result = bet_auto_raw(p, q, cross_section, **auto)
    else:
        lo, hi, mask = _given_range(p, p_range, auto)
        result = bet_fit_raw(p[mask], q[mask], cross_section, isotherm=(p, q), method=f"given range {lo:g}-{hi:g}",
                             constants=constants)
    if held_branch(ds) is not None:  # the range and criterion 4 were judged on these points, not the whole branch
        result.method += f"; among the {p.size} adsorption points given (p/p0 {p[0]:.3g}-{p[-1]:.3g})"
    result.source = source_attrs(ds)
    return result


def area_bet_raw(relative_pressure, loading, p_range=None, cross_section: float = N2_CROSS_SECTION, *,
                 constants: str = "iupac", **auto) -> BETResult:
    """Plain-array twin of :func:`area_bet` (loadings in cm3/g STP as given; ``constants`` sets N_A only)."""
    if p_range is None:
        return bet_auto_raw(relative_pressure, loading, cross_section, constants=constants, **auto)
    p, q, _ = _inputs(relative_pressure, loading)  # what it leaves out lies above any BET range given
    lo, hi, mask = _given_range(p, p_range, auto)
    return bet_fit_raw(p[mask], q[mask], cross_section, isotherm=(p, q), method=f"given range {lo:g}-{hi:g}",
                       constants=constants)


def _given_range(p: np.ndarray, p_range, auto: dict) -> tuple[float, float, np.ndarray]:
    """A caller's BET range as (low, high, mask of ``p`` inside it), or a refusal naming ``p_range``.

    A reversed range, or one holding under 3 points, said "expected at least 3 values" (of the
    points inside it) in the plain-array twin; the automatic range's settings given beside it
    (``min_points``, ``tolerance``, ...) were dropped without a word."""
    ignored = sorted(set(auto) - {"constants"})
    if ignored:
        raise ParameterError(f"p_range {tuple(p_range)!r} is given, so the automatic range's settings {ignored} do not "
                             "apply: give one or the other")
    try:
        lo, hi = p_range
    except (TypeError, ValueError):
        raise ParameterError(f"p_range: expected (low, high) relative pressures, got {p_range!r}") from None
    lo, hi = in_range(lo, "p_range", 0.0, 1.0), in_range(hi, "p_range", 0.0, 1.0)
    if not lo < hi:
        raise ParameterError(f"p_range: expected (low, high) with low < high, got {tuple(p_range)!r}")
    mask = (p >= lo) & (p <= hi)
    if mask.sum() < 3:
        raise CalculationError(f"only {int(mask.sum())} points in p/p0 range {lo:g}-{hi:g}; BET needs at least 3")
    return lo, hi, mask


def single_point_bet(ds: xr.Dataset, p_target: float = 0.3, cross_section: float = N2_CROSS_SECTION):
    """Single-point BET area of a Dataset's adsorption branch; see :func:`single_point_bet_raw`."""
    return single_point_bet_raw(*get_branch(ds, "adsorption"), p_target, cross_section)
