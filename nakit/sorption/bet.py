"""BET specific surface area with an automatic range that satisfies all four Rouquerol criteria.

pyGAPS picks the BET range by the first Rouquerol criterion only (up to the maximum of
n(1-p/p0), down to a tenth of that pressure). On a type IV isotherm n(1-p/p0) keeps rising
into capillary condensation, so that range runs into the condensation step; here every
contiguous range of the adsorption branch is tried (vectorised over prefix sums) and only
ranges meeting all four criteria plus a linearity floor are kept; among those the one with the
most points wins, ties going to the best criterion-4 agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..errors import CalculationError, ParameterError
from ..validation import as_float_array, in_range, same_length, sorted_by
from .isotherm import get_branch
from .units import AVOGADRO, MOLAR_VOLUME_STP, N2_CROSS_SECTION

#: m2/g of surface per cm3 STP/g of monolayer, for a cross-section in nm2.
def area_per_loading(cross_section: float = N2_CROSS_SECTION) -> float:
    """Specific area (m2/g) of 1 cm3 STP/g of monolayer: :math:`N_A\\sigma/V_{STP}`."""
    return AVOGADRO * cross_section * 1e-18 / MOLAR_VOLUME_STP


@dataclass
class BETResult:
    """A BET fit: area (m2/g), C, monolayer (cm3/g STP) with standard errors, and its range."""

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

    @property
    def ok(self) -> bool:
        """True when every Rouquerol criterion holds for the range used."""
        return all(self.criteria.values())


def bet_transform(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The BET ordinate :math:`1/[n(p_0/p - 1)] = (p/p_0)/[n(1-p/p_0)]`."""
    return p / (q * (1.0 - p))


def _inputs(p, q, p_max=1.0):
    p = as_float_array(p, "relative_pressure", min_size=3)
    q = as_float_array(q, "loading", min_size=3)
    same_length(relative_pressure=p, loading=q)
    p, q = sorted_by(p, q, name="relative_pressure")
    if np.any(p <= 0) or np.any(p >= p_max):
        raise ParameterError(f"relative_pressure: values must lie in (0, {p_max})")
    if np.any(q <= 0):
        raise ParameterError("loading: values must be positive")
    return p, q


def bet_fit_raw(relative_pressure, loading, cross_section: float = N2_CROSS_SECTION,
                *, isotherm: tuple[np.ndarray, np.ndarray] | None = None, method: str = "given points") -> BETResult:
    """Fit the BET equation to exactly the points given.

    Standard errors of slope and intercept are the ordinary least-squares ones; the area's
    standard error is the one Micromeritics reports, :math:`\\sigma_S = S\\sqrt{\\sigma_s^2 +
    \\sigma_i^2}/(s+i)`. ``isotherm`` (the whole adsorption branch) is used to evaluate the
    fourth Rouquerol criterion; without it that criterion is judged on the points given.

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
    p, q = _inputs(relative_pressure, loading)
    in_range(cross_section, "cross_section", 0.01, 2.0)
    y = bet_transform(p, q)
    n = p.size
    xm, ym = p.mean(), y.mean()
    sxx = np.sum((p - xm) ** 2)
    sxy = np.sum((p - xm) * (y - ym))
    syy = np.sum((y - ym) ** 2)
    if sxx == 0:
        raise CalculationError("BET fit needs at least two distinct pressures")
    s = sxy / sxx
    i = ym - s * xm
    resid = y - (i + s * p)
    dof = max(n - 2, 1)
    var = np.sum(resid**2) / dof
    cov = var * np.array([[1 / sxx, -xm / sxx], [-xm / sxx, 1 / n + xm**2 / sxx]])
    ss, si = np.sqrt(cov[0, 0]), np.sqrt(cov[1, 1])
    r = sxy / np.sqrt(sxx * syy) if syy > 0 else 1.0
    if s + i <= 0:
        raise CalculationError("BET slope + intercept is not positive: no monolayer capacity can be derived")
    qm = 1.0 / (s + i)
    c = 1.0 + s / i if i != 0 else np.inf
    k = area_per_loading(cross_section)
    # d(1/(s+i)) = -(ds+di)/(s+i)^2 ; dC = ds/i - s di / i^2
    g_qm = -np.array([1.0, 1.0]) * qm**2
    g_c = np.array([1.0 / i, -s / i**2]) if i != 0 else np.array([np.nan, np.nan])
    qm_sigma = float(np.sqrt(g_qm @ cov @ g_qm))
    c_sigma = float(np.sqrt(max(g_c @ cov @ g_c, 0.0)))
    area = qm * k
    area_sigma = area * np.hypot(ss, si) / (s + i)
    p_m = 1.0 / (np.sqrt(c) + 1.0) if c > 0 else np.nan
    full = isotherm if isotherm is not None else (p, q)
    crit = _criteria(p, q, c, qm, full)
    return BETResult(float(area), float(area_sigma), float(c), c_sigma, float(qm), qm_sigma, float(s), float(ss),
                     float(i), float(si), float(r), cov, (float(p[0]), float(p[-1])), int(n), p, q, float(p_m),
                     crit, method, float(cross_section))


def _criteria(p, q, c, qm, full, tol: float = 0.1) -> dict[str, bool]:
    pf, qf = full
    rq = q * (1 - p)
    crit = {"1_n(1-p)_increasing": bool(np.all(np.diff(rq) > 0)),
            "2_C_positive": bool(c > 0 and np.isfinite(c))}
    crit["3_monolayer_in_range"] = bool(q[0] <= qm <= q[-1])
    if crit["2_C_positive"] and qf.min() <= qm <= qf.max():
        p_at = float(np.interp(qm, np.maximum.accumulate(qf), pf))
        crit["4_p_monolayer_consistent"] = bool(abs(1 / (np.sqrt(c) + 1) - p_at) <= tol * p_at)
    else:
        crit["4_p_monolayer_consistent"] = False
    return crit


def bet_auto_raw(relative_pressure, loading, cross_section: float = N2_CROSS_SECTION, *, min_points: int = 4,
                 p_max: float = 0.5, min_r2: float = 0.995, tolerance: float = 0.1) -> BETResult:
    """BET on the automatically chosen range (all four Rouquerol criteria).

    Every contiguous range of at least ``min_points`` adsorption points with p/p0 < ``p_max``
    is tested: (1) n(1-p/p0) rises over the range; (2) C > 0; (3) the monolayer capacity
    lies between the range's first and last loading; (4) :math:`1/(\\sqrt{C}+1)` is within
    ``tolerance`` (relative) of the p/p0 at which the isotherm reaches n_m. Ranges must also
    have :math:`r^2 \\ge` ``min_r2``. The longest valid range wins; ties go to the smallest
    criterion-4 deviation. No valid range raises :class:`CalculationError` naming the
    criterion that failed most often, never a silent number.

    References
    ----------
    J. Rouquerol, P. Llewellyn, F. Rouquerol, Stud. Surf. Sci. Catal. 160 (2007) 49.
    J. W. M. Osterrieth et al., Adv. Mater. 34 (2022) 2201502 (BETSI).
    """
    pf, qf = _inputs(relative_pressure, loading)
    keep = pf < p_max
    p, q = pf[keep], qf[keep]
    n = p.size
    if n < min_points:
        raise CalculationError(f"only {n} adsorption points below p/p0 = {p_max}; BET needs at least {min_points}")
    y = bet_transform(p, q)
    cs = [np.concatenate([[0.0], np.cumsum(v)]) for v in (np.ones(n), p, y, p * p, p * y, y * y)]
    i, j = np.triu_indices(n, k=min_points - 1)  # range i..j inclusive
    j1 = j + 1
    N, Sx, Sy, Sxx, Sxy, Syy = (c[j1] - c[i] for c in cs)
    vx = Sxx - Sx**2 / N
    vxy = Sxy - Sx * Sy / N
    vy = Syy - Sy**2 / N
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = vxy / vx
        icpt = (Sy - slope * Sx) / N
        r2 = vxy**2 / (vx * vy)
        c = 1 + slope / icpt
        qm = 1 / (slope + icpt)
        rq = q * (1 - p)
        drop = np.concatenate([[0], np.cumsum(np.diff(rq) <= 0)])
        c1 = (drop[j] - drop[i]) == 0
        c2 = (icpt > 0) & (slope > 0)
        c3 = (qm >= q[i]) & (qm <= q[j])
        p_bet = 1 / (np.sqrt(np.where(c2, c, np.nan)) + 1)
        p_at = np.interp(qm, np.maximum.accumulate(qf), pf)
        dev = np.abs(p_bet - p_at) / p_at
        c4 = c2 & (dev <= tolerance)
        lin = r2 >= min_r2
    valid = c1 & c2 & c3 & c4 & lin
    if not valid.any():
        fails = {"n(1-p) not increasing": (~c1).sum(), "C not positive": (~c2).sum(),
                 "monolayer outside range": (~c3).sum(), "p(monolayer) inconsistent": (~c4).sum(),
                 f"r2 < {min_r2}": (~lin).sum()}
        worst = max(fails, key=fails.get)
        raise CalculationError(f"no BET range with >= {min_points} points below p/p0 = {p_max} satisfies all four "
                               f"Rouquerol criteria and r2 >= {min_r2} ({len(i)} ranges tried; most common failure: "
                               f"{worst}); give p_range explicitly to fit anyway")
    npts = np.where(valid, N, -1)
    best_n = npts.max()
    cand = np.flatnonzero(npts == best_n)
    k = cand[np.argmin(dev[cand])]
    res = bet_fit_raw(p[i[k]:j[k] + 1], q[i[k]:j[k] + 1], cross_section, isotherm=(pf, qf),
                      method=f"automatic range: Rouquerol criteria 1-4, r2 >= {min_r2}, >= {min_points} points, "
                             f"longest valid range of {len(i)} tried")
    return res


def single_point_bet_raw(relative_pressure, loading, p_target: float = 0.3,
                         cross_section: float = N2_CROSS_SECTION) -> tuple[float, float]:
    """Single-point BET area (m2/g) from the point nearest ``p_target``; returns (area, p used).

    Notes
    -----
    With :math:`C \\gg 1` the BET line passes through the origin: :math:`n_m = n(1-p/p_0)`.
    """
    p, q = _inputs(relative_pressure, loading)
    in_range(p_target, "p_target", 0.05, 0.5)
    k = int(np.argmin(np.abs(p - p_target)))
    return float(q[k] * (1 - p[k]) * area_per_loading(cross_section)), float(p[k])


def area_bet(ds: xr.Dataset, p_range: tuple[float, float] | None = None, *, cross_section: float = N2_CROSS_SECTION,
             **auto) -> BETResult:
    """BET area of an isotherm Dataset's adsorption branch.

    ``p_range=(lo, hi)`` fits the points with lo <= p/p0 <= hi (criteria are still
    evaluated and reported in ``result.criteria``); without it the range is chosen by
    :func:`bet_auto_raw` (keyword arguments pass through).
    """
    p, q = get_branch(ds, "adsorption")
    if p_range is None:
        return bet_auto_raw(p, q, cross_section, **auto)
    lo, hi = (in_range(v, "p_range", 0.0, 1.0) for v in p_range)
    mask = (p >= lo) & (p <= hi)
    if mask.sum() < 3:
        raise CalculationError(f"only {int(mask.sum())} points in p/p0 range {lo}-{hi}; BET needs at least 3")
    return bet_fit_raw(p[mask], q[mask], cross_section, isotherm=(p, q), method=f"given range {lo:g}-{hi:g}")


def area_bet_raw(relative_pressure, loading, p_range=None, cross_section: float = N2_CROSS_SECTION, **auto) -> BETResult:
    """Plain-array twin of :func:`area_bet`."""
    p, q = _inputs(relative_pressure, loading)
    if p_range is None:
        return bet_auto_raw(p, q, cross_section, **auto)
    mask = (p >= p_range[0]) & (p <= p_range[1])
    return bet_fit_raw(p[mask], q[mask], cross_section, isotherm=(p, q), method=f"given range {p_range[0]:g}-{p_range[1]:g}")


def single_point_bet(ds: xr.Dataset, p_target: float = 0.3, cross_section: float = N2_CROSS_SECTION):
    """Single-point BET area of a Dataset's adsorption branch; see :func:`single_point_bet_raw`."""
    return single_point_bet_raw(*get_branch(ds, "adsorption"), p_target, cross_section)
