"""BJH (and Dollimore-Heal) mesopore size distribution from either isotherm branch.

Cylindrical pores; the isotherm is stepped from high to low p/p0 (the adsorption branch is
read as if it were desorbed). At each step the liquid lost is split into the thinning of the
film in pores already emptied and the emptying of a new group of pores whose diameter is
:math:`D = 2(r_K + t)` averaged over the step.

Negative-increment policy: when the film-thinning correction exceeds the volume lost in a
step (common at low pressure, where the thickness curve and the sample disagree), the new
group's volume is set to zero and the step is counted in ``result.attrs['negative_steps']``;
nothing is carried over, so the cumulative volume is never reduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import warnings

from ..datamodel import source_attrs
from ..errors import CalculationError, NakitWarning, ParameterError
from ..validation import as_float_array, in_range, pass_through, same_length, sorted_by
from .hysteresis import Hysteresis, IsothermType
from .isotherm import BRANCHES, adsorptive_setting, branches_present, get_branch, refuse_beyond_saturation
from .kelvin import kelvin_factor, kelvin_radius
from .thickness import thickness_function
from .units import N2_DENSITY_CONVERSION, units_attrs


#: Units of a distribution's summary numbers, which its Dataset keeps in attrs (each with a
#: ``<name>_units`` partner there).
BJH_SUMMARY_UNITS = {"total_volume": "cm3/g", "total_area": "m2/g", "mean_diameter": "nm", "peak_diameter": "nm",
                     "peak_bin_diameter": "nm", "negative_steps": "1", "peak_relative_pressure": "1",
                     "density_conversion": "cm3/cm3 STP", "diameter_range_nm": "nm", "p_max": "1"}

#: Largest Kelvin factor accepted (nm): above any adsorptive's (N2 at 77 K 0.953, Ar at 87 K ~0.99, water at
#: 298 K ~1.05), below N2's in Å (9.53), the unit Micromeritics' reports print it in.
MOST_KELVIN_FACTOR = 3.0
#: Largest density conversion accepted (cm3 liquid per cm3 STP): a liquid molar volume of 224 cm3/mol, above any
#: adsorptive's (N2 34.7, benzene 89, n-octane 163); below N2's per litre of gas (1.5468).
MOST_DENSITY_CONVERSION = 0.01

#: A distribution's flags in words (the others are shown as they are).
BJH_FLAG_WORDS = {"peak_at_range_edge": "largest dV/dlogD at the edge of the diameter range: no peak inside it, "
                                        "the peak diameter is the range's edge"}


@dataclass
class BJHResult:
    """A pore size distribution: per-group arrays (largest pores first) and its summary numbers.

    Diameters in nm, volumes in cm3/g (liquid), areas in m2/g. ``flags`` names each check the
    distribution fails (``ok`` is then False); see :func:`psd_bjh_raw`.
    """

    pore_diameter: np.ndarray
    diameter_upper: np.ndarray
    diameter_lower: np.ndarray
    dv: np.ndarray
    da: np.ndarray
    v_cumulative: np.ndarray
    a_cumulative: np.ndarray
    dv_dd: np.ndarray
    dv_dlogd: np.ndarray
    in_range: np.ndarray
    total_volume: float
    total_area: float
    mean_diameter: float
    peak_diameter: float
    peak_bin_diameter: float
    negative_steps: int
    settings: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the distribution passed every check (no flags)."""
        return not self.flags

    @property
    def flag_details(self) -> tuple[str, ...]:
        """:attr:`flags` in words, for a report (:func:`nakit.report.flags_of` shows these)."""
        return tuple(BJH_FLAG_WORDS.get(f, f) for f in self.flags)

    def to_dataset(self, **attrs) -> xr.Dataset:
        """The distribution as a Dataset over ``pore_diameter`` with units and the summary in attrs
        (each number with its unit in ``<name>_units``: :data:`BJH_SUMMARY_UNITS`); ``attrs`` are added
        (the branch, the isotherm's provenance)."""
        data = {"dv": (self.dv, "cm3/g", "incremental pore volume"), "da": (self.da, "m2/g", "incremental pore area"),
                "v_cumulative": (self.v_cumulative, "cm3/g", "cumulative pore volume"),
                "a_cumulative": (self.a_cumulative, "m2/g", "cumulative pore area"),
                "dv_dd": (self.dv_dd, "cm3/g/nm", "dV/dD"), "dv_dlogd": (self.dv_dlogd, "cm3/g", "dV/dlog(D)"),
                "in_range": (self.in_range, "1", "inside the diameter range")}
        summary = {k: getattr(self, k) for k in ("total_volume", "total_area", "mean_diameter", "peak_diameter",
                                                  "peak_bin_diameter", "negative_steps")}
        summary["flags"] = "; ".join(self.flags)  # a string, so the Dataset stays NetCDF-writable
        if self.flags:  # in words, for nakit.report.flags_of
            summary["flag_details"] = "; ".join(self.flag_details)
        import xarray as xr  # only here: psd_bjh_raw's callers need no xarray

        return xr.Dataset(
            {k: ("pore_diameter", v, {"units": u, "long_name": n}) for k, (v, u, n) in data.items()},
            coords={"pore_diameter": ("pore_diameter", self.pore_diameter, {"units": "nm", "long_name": "mean pore diameter"}),
                    "diameter_upper": ("pore_diameter", self.diameter_upper, {"units": "nm"}),
                    "diameter_lower": ("pore_diameter", self.diameter_lower, {"units": "nm"})},
            attrs={**self.settings, **summary, **units_attrs({**self.settings, **summary}, BJH_SUMMARY_UNITS),
                   **attrs})


def psd_bjh_raw(relative_pressure, loading, *, thickness: str | Callable = "harkins_jura",
                meniscus: str = "hemispherical", kelvin_factor_nm: float | None = None,
                density_conversion: float = N2_DENSITY_CONVERSION, method: str = "bjh",
                diameter_range_nm: tuple[float, float] = (1.7, 300.0), p_max: float = 0.995,
                averaging: str = "weighted") -> BJHResult:
    r"""Pore size distribution (cylinders) from one branch, given as plain arrays.

    Parameters
    ----------
    relative_pressure, loading
        One branch (any order), loading in cm3/g STP.
    thickness
        Thickness curve name or callable t(p) in nm (:mod:`nakit.sorption.thickness`).
    meniscus
        ``hemispherical`` (desorption; Micromeritics' default for both branches) or
        ``cylindrical`` (adsorption in pores open at both ends).
    kelvin_factor_nm
        :math:`2\\gamma V_m/RT` in nm, at most :data:`MOST_KELVIN_FACTOR`; default from N2
        properties (0.953 nm).
    density_conversion
        cm3 liquid per cm3 STP (0.0015468 for N2), at most :data:`MOST_DENSITY_CONVERSION`.
    method
        ``bjh`` (Barrett-Joyner-Halenda: film correction with the factors
        :math:`c_j = (\bar r_j - \bar t)/\bar r_j` and :math:`R_k = \bar r_k^2/(\bar r_{K,k} + \Delta t_k)^2`),
        ``micromeritics`` (the same film correction with the volume factor of the mean core,
        :math:`R_k = \bar r_k^2/(\bar r_k - \bar t_k)^2`, as Micromeritics' software computes it:
        on Sample_A the incremental volumes agree with the report's to 0.3 % wherever the
        report's diameters agree) or ``dh`` (Dollimore-Heal: the exact cylinder geometry,
        pore lengths tracked).
    diameter_range_nm
        ``(smallest, largest)``, ``0 <= smallest < largest``: only groups whose mean diameter
        lies in this range enter the cumulative sums.
    p_max
        Points above this p/p0 (0.5 <= ``p_max`` < 1) are dropped (the top of the isotherm is
        dominated by interparticle condensation and an infinite Kelvin radius).
    averaging
        How a step's mean diameter is taken from its end diameters :math:`D_1, D_2`:
        ``weighted`` :math:`D_1D_2(D_1+D_2)/(D_1^2+D_2^2)` (closest to Micromeritics' interval
        averages on Sample_A), ``diameter`` (arithmetic mean) or ``pressure`` (D at the mean p/p0).

    Returns
    -------
    BJHResult
        Per group (largest first): ``pore_diameter`` (nm), ``dv`` (cm3/g), ``da`` (m2/g),
        cumulative sums, ``dv_dd`` (cm3/g/nm), ``dv_dlogd`` (cm3/g); and ``total_volume``,
        ``total_area``, ``mean_diameter`` (4V/A, nm), ``peak_diameter`` (nm, vertex of dV/dlogD in
        log D; ``peak_bin_diameter`` is the highest bin itself), ``negative_steps``, ``settings``,
        ``flags``; ``settings['peak_relative_pressure']`` is the p/p0 at which the branch
        empties pores of ``peak_diameter``. ``.to_dataset()`` gives the labelled form (flags
        joined by ``"; "`` in ``attrs['flags']``).

    Flags (each also a :class:`~nakit.errors.NakitWarning`): ``peak_at_range_edge`` when the
    largest dV/dlogD lies in the first or last group inside ``diameter_range_nm``. The
    distribution then rises out of the range (a type I, microporous isotherm puts its maximum
    at the smallest diameter BJH sizes; macropores at the largest): there is no peak inside
    the range, and ``peak_diameter`` is only the range's edge.

    Raises
    ------
    ParameterError
        A setting outside the range given above, naming it (a reversed ``diameter_range_nm``, a
        ``density_conversion`` of zero, ...), or p/p0 above
        :data:`~nakit.sorption.isotherm.P_REL_MAX`, as the readers refuse it.
    CalculationError
        Fewer than 3 points below ``p_max``; no pore group inside ``diameter_range_nm``; or no
        pore volume inside it (the branch shows no capillary condensation).

    Notes
    -----
    BJH, step k (film :math:`t_{k-1}\\to t_k`, :math:`\\Delta t_k`), new pore volume
    :math:`V_k = R_k(\\Delta V_k - \\Delta t_k\\sum_{j<k} c_j A_j)`, :math:`A_j = 2V_j/\\bar r_j`.
    DH: earlier groups of length :math:`L_j` release
    :math:`\\pi\\sum_j L_j[(r_j-t_k)^2-(r_j-t_{k-1})^2]` and the rest empties cores of radius
    :math:`\\bar r_k - t_k`, so :math:`V_k = (\\Delta V - \\Delta V_f)\\,\\bar r_k^2/(\\bar r_k - t_k)^2`.

    References
    ----------
    E. P. Barrett, L. G. Joyner, P. P. Halenda, J. Am. Chem. Soc. 73 (1951) 373.
    D. Dollimore, G. R. Heal, J. Appl. Chem. 14 (1964) 109.
    """
    # settings first: a wrong one ended in an error that blamed the isotherm's lack of condensation
    in_range(p_max, "p_max", 0.5, 1.0, inclusive=(True, False))
    if method not in ("bjh", "micromeritics", "dh"):
        raise ParameterError(f"method must be 'bjh', 'micromeritics' or 'dh', got {method!r}")
    if averaging not in ("pressure", "diameter", "weighted"):
        raise ParameterError(f"averaging must be 'pressure', 'diameter' or 'weighted', got {averaging!r}")
    if kelvin_factor_nm is not None:
        kelvin_factor_nm = adsorptive_setting(kelvin_factor_nm, "kelvin_factor_nm", "Kelvin factor 2γVm/(RT)",
                                              "nm", kelvin_factor(), MOST_KELVIN_FACTOR)
    density_conversion = adsorptive_setting(density_conversion, "density_conversion", "density conversion factor",
                                            "cm3 liquid per cm3 STP", N2_DENSITY_CONVERSION, MOST_DENSITY_CONVERSION)
    lo, hi = _diameter_range(diameter_range_nm)
    tfun = thickness_function(thickness)
    p = as_float_array(relative_pressure, "relative_pressure", min_size=3)
    q = as_float_array(loading, "loading", min_size=3)
    same_length(relative_pressure=p, loading=q)
    p, q = sorted_by(p, q, name="relative_pressure")
    refuse_beyond_saturation(p)
    keep = (p > 0) & (p < p_max)
    p, q = p[keep][::-1], q[keep][::-1]  # high -> low pressure
    if p.size < 3:
        raise CalculationError(f"BJH needs at least 3 points below p/p0 = {p_max}")
    v_liq = q * density_conversion

    def diameter(x):
        return 2.0 * (kelvin_radius(x, meniscus, kelvin_factor_nm) + tfun(x))

    t = tfun(p)
    d_pt = 2.0 * (kelvin_radius(p, meniscus, kelvin_factor_nm) + t)  # diameter(p), t reused
    n = p.size - 1
    if averaging == "pressure":
        d_mean = diameter(0.5 * (p[:-1] + p[1:]))
    elif averaging == "weighted":
        d1, d2 = d_pt[:-1], d_pt[1:]
        d_mean = d1 * d2 * (d1 + d2) / (d1**2 + d2**2)
    else:
        d_mean = 0.5 * (d_pt[:-1] + d_pt[1:])
    r_mean = d_mean / 2.0
    t_mean = 0.5 * (t[:-1] + t[1:])
    dv_obs = (v_liq[:-1] - v_liq[1:]).tolist()
    vol = [0.0] * n
    negative = 0
    # running sums over the groups opened so far make each step O(1): s_vr = sum(V_j / r_j) and
    # s_vr2 = sum(V_j / r_j^2); BJH's film terms sum(A_j) and sum(A_j / r_j) are twice these (A_j =
    # 2 V_j / r_j, doubling is exact), DH's sum(L_j) and sum(L_j r_j) these over pi (pi L_j = V_j / r_j^2)
    s_vr = s_vr2 = 0.0
    tl, tml, rl = t.tolist(), t_mean.tolist(), r_mean.tolist()
    dh, bjh = method == "dh", method == "bjh"
    for k in range(n):
        t0, t1, r = tl[k], tl[k + 1], rl[k]
        if dh:
            film = s_vr2 * (t1 ** 2 - t0 ** 2) - 2.0 * s_vr * (t1 - t0)
            core = r - t1
        else:
            dt, tm = t0 - t1, tml[k]
            film = dt * (2.0 * s_vr - tm * (2.0 * s_vr2))
            core = r - tm + dt if bjh else r - tm
        new_v = (dv_obs[k] - film) * (r / core) ** 2 if core > 0 else 0.0
        if new_v <= 0:
            negative += int(new_v < 0)
            continue
        vol[k] = new_v
        s_vr += new_v / r
        s_vr2 += new_v / r**2
    vol = np.asarray(vol)
    area = 2.0 * vol / r_mean * 1e3  # cm3/g over nm -> m2/g
    inside = (d_mean >= lo) & (d_mean <= hi)
    if not inside.any():
        raise CalculationError(f"no pore group in diameter_range_nm {lo:g}-{hi:g} nm: the branch's groups span "
                               f"{d_mean.min():.3g}-{d_mean.max():.3g} nm")
    dv_in = np.where(inside, vol, 0.0)
    da_in = np.where(inside, area, 0.0)
    width = d_pt[:-1] - d_pt[1:]
    dlog = np.log10(d_pt[:-1] / d_pt[1:])
    with np.errstate(divide="ignore", invalid="ignore"):
        dv_dd = np.where(width > 0, vol / width, 0.0)
        dv_dlogd = np.where(dlog > 0, vol / dlog, 0.0)
    total_v, total_a = float(dv_in.sum()), float(da_in.sum())
    if total_a <= 0:
        raise CalculationError("BJH found no pore volume in the diameter range: the branch shows no capillary condensation")
    peak_idx = int(np.argmax(np.where(inside, dv_dlogd, -np.inf)))
    peak = _parabolic_peak(np.log10(d_mean), dv_dlogd, peak_idx)
    flags = []
    inside_idx = np.flatnonzero(inside)
    if peak_idx in (inside_idx[0], inside_idx[-1]):
        flags.append("peak_at_range_edge")
        if peak_idx == inside_idx[-1]:
            edge, why = (f"smallest pore group inside {lo:g}-{hi:g} nm",
                         "(a microporous, type I isotherm?)")
        elif d_pt[0] < hi:  # the widest pores the data reach, not the range, end the distribution
            edge, why = (f"widest pore group the data reach (they end at p/p0 = {p[0]:.4g}, D = {d_pt[0]:.3g} nm, "
                         f"below the range's {hi:g} nm)",
                         "(pores wider than the data reach, or condensation between particles?)")
        else:
            edge, why = f"widest pore group inside {lo:g}-{hi:g} nm", "(macropores, or condensation between particles?)"
        warnings.warn(f"BJH: the largest dV/dlogD is in the {edge}, centred at D = {d_mean[peak_idx]:.3g} nm: the "
                      f"distribution has no peak inside the range, so the peak diameter is only the range's edge {why}",
                      NakitWarning, stacklevel=2)
    return BJHResult(d_mean, d_pt[:-1], d_pt[1:], vol, area, dv_in.cumsum(), da_in.cumsum(), dv_dd, dv_dlogd, inside,
                     total_v, total_a, 4e3 * total_v / total_a, peak, float(d_mean[peak_idx]), negative,
                     {"method": method, "meniscus": meniscus, "thickness": getattr(tfun, "__name__", "table"),
                      "density_conversion": density_conversion, "diameter_range_nm": np.array((lo, hi)),
                      "p_max": p_max, "averaging": averaging, "peak_relative_pressure": _pressure_at(peak, p, d_pt)},
                     tuple(flags))


def _diameter_range(diameter_range_nm) -> tuple[float, float]:
    """``diameter_range_nm`` as ``(smallest, largest)`` floats, or a :class:`ParameterError` naming it.

    A reversed range held no group, and BJH said the isotherm showed no capillary condensation.
    """
    try:
        lo, hi = diameter_range_nm
    except (TypeError, ValueError):
        raise ParameterError(f"diameter_range_nm: expected (smallest, largest) pore diameters in nm, got "
                             f"{diameter_range_nm!r}") from None
    lo, hi = (in_range(d, "diameter_range_nm", 0.0) for d in (lo, hi))
    if not lo < hi:
        raise ParameterError(f"diameter_range_nm: expected (smallest, largest) pore diameters in nm with smallest < "
                             f"largest (default (1.7, 300)), got {diameter_range_nm!r}")
    return lo, hi


def _pressure_at(diameter: float, p: np.ndarray, d: np.ndarray) -> float:
    """The p/p0 at which the branch empties pores of ``diameter`` (nm): the computation's own
    D(p/p0) at the measured pressures (``p`` falling, ``d`` with it), inverted in log D."""
    return float(np.interp(np.log10(diameter), np.log10(d[::-1]), p[::-1]))


def _parabolic_peak(logd: np.ndarray, y: np.ndarray, k: int) -> float:
    """Vertex (in log D) of the parabola through the highest bin and its two neighbours.

    A BJH distribution is sampled at the measured pressures only, so two neighbouring bins
    often hold nearly equal maxima; the vertex gives the peak position between them instead
    of jumping from one bin to the other with the last digit of the data.
    """
    if k == 0 or k == y.size - 1:
        return float(10 ** logd[k])
    # Lagrange form about the middle point: u = x - x[k]; the vertex is at -b / 2a
    u0, u2 = logd[k - 1] - logd[k], logd[k + 1] - logd[k]
    g0, g2 = (y[k - 1] - y[k]) / u0, (y[k + 1] - y[k]) / u2
    a = (g0 - g2) / (u0 - u2)
    if not a < 0:
        return float(10 ** logd[k])
    vertex = min(max(-(g0 - a * u0) / (2 * a), min(u0, u2)), max(u0, u2))
    return float(10 ** (logd[k] + vertex))


#: The flag of a BJH distribution read from the adsorption branch because the isotherm has no
#: desorption branch (:func:`bjh_branch_for`).
ADSORPTION_FALLBACK = ("no desorption branch; BJH from the adsorption branch (condensation on adsorption is delayed, "
                       "so its pores usually read larger than on desorption: not comparable with desorption-branch "
                       "results)")


def bjh_branch_for(ds: xr.Dataset, preferred: str = "desorption") -> tuple[str, str]:
    """The branch BJH reads for one isotherm and, when it is not ``preferred``, the flag saying so.

    An adsorption-only measurement has no desorption branch. BJH's stepping applies to either
    branch (Barrett, Joyner, Halenda 1951; ISO 15901-2 asks only that the branch be stated),
    and the adsorption branch is the one IUPAC recommends where desorption is distorted by
    cavitation (Thommes et al. 2015), so the distribution is computed from the adsorption
    branch rather than left out, and flagged: pore condensation on adsorption is delayed
    (metastable), so the same Kelvin equation puts the pores at larger diameters than a
    desorption branch does, and the result is not comparable with the other samples'.

    Parameters
    ----------
    ds
        An isotherm Dataset.
    preferred
        The branch asked for (the notebook's ``bjh_branch``).

    Returns
    -------
    branch, flag
        ``(preferred, "")`` when the isotherm has that branch; ``("adsorption",``
        :data:`ADSORPTION_FALLBACK` ``)`` when desorption was asked for and is missing.
    """
    if preferred not in BRANCHES:
        raise ParameterError(f"bjh branch must be one of {BRANCHES}, got {preferred!r}")
    if preferred in branches_present(ds):
        return preferred, ""
    return "adsorption", ADSORPTION_FALLBACK  # only desorption can be missing: every isotherm has adsorption


def condensation_flags(loop: Hysteresis | None, kind: IsothermType | None = None) -> list[str]:
    """Flags of a BJH distribution whose isotherm shows no capillary condensation.

    BJH reads pore sizes from capillary condensation (the Kelvin equation); on an isotherm
    without it (micropore filling, type I; a non-porous type II) the distribution is only the
    thickness curve's misfit and is indicative at most.

    Parameters
    ----------
    loop
        The isotherm's :func:`~nakit.sorption.hysteresis.hysteresis`, or None when it has no
        desorption branch (no loop can be judged); one whose branches share too few pressures
        (``branches_do_not_overlap``) counts as none.
    kind
        Its :func:`~nakit.sorption.hysteresis.isotherm_type`: without a loop, a condensation
        step on the adsorption branch (type IV or V) is the evidence of condensation.

    Returns
    -------
    list of str
        Empty when the isotherm shows capillary condensation (a loop with a type; a low-pressure
        hysteresis from swelling or slow equilibration is not such a loop), else one flag; a
        desorption branch below the adsorption branch (``desorption_below_adsorption``) is
        flagged with the loop's reason.
    """
    tail = ": BJH assumes capillary condensation, which this isotherm does not show; the distribution is indicative only"
    if loop is not None and "desorption_below_adsorption" in loop.flags:
        return [f"the desorption branch lies below the adsorption branch (by up to {-loop.features['min_gap']:.1%} of "
                "the maximum uptake; see the hysteresis loop): whether the pores condense cannot be judged from the "
                "loop, and a desorption-branch distribution comes from the faulty branch"]
    apart = loop is not None and "branches_do_not_overlap" in loop.flags  # as good as no desorption branch
    if loop is not None and not apart:
        if loop.capillary:
            return []
        return [("no capillary-condensation loop (low-pressure hysteresis only)" if loop.present else
                 "no hysteresis loop") + tail]
    if kind is not None and kind.type in ("IV", "V"):
        return []
    shape = f" (type {kind.type})" if kind is not None else ""
    none = f"no loop can be judged ({loop.reason})" if apart else "no desorption branch to show a loop"
    return [f"{none} and no condensation step on the adsorption branch{shape}" + tail]


#: p/p0 at which N2 at 77 K cavitates (the tensile-strength limit of the condensate): a desorption
#: branch that empties here does so whatever the pore size (Thommes et al. 2015; Groen et al. 2003).
CAVITATION_P = (0.40, 0.50)


def cavitation_flags(result: xr.Dataset, loop: Hysteresis | None) -> list[str]:
    """Flag a desorption-branch BJH peak that sits where N2 cavitates and the loop is not H1.

    Below p/p0 of about 0.40-0.50 (N2, 77 K) condensate cannot persist in pores of any size: a
    desorption branch whose loop closes there (H2, H3, H4, H5 loops; pore blocking, slit-shaped
    aggregates) empties at that pressure, and BJH turns the step into a peak near 4 nm that
    says nothing about the pores (the tensile-strength effect). The adsorption branch has no
    such artefact. An H1 loop (open, uniform mesopores) desorbs at equilibrium, so its peak is
    not flagged.

    Parameters
    ----------
    result
        A :func:`psd_bjh` distribution (its ``branch`` and ``peak_relative_pressure`` attrs are read).
    loop
        The isotherm's :func:`~nakit.sorption.hysteresis.hysteresis` (None: no desorption branch).

    Returns
    -------
    list of str
        Empty, or one flag.

    References
    ----------
    J. C. Groen, L. A. A. Peffer, J. Pérez-Ramírez, Microporous Mesoporous Mater. 60 (2003) 1.
    """
    if result.attrs.get("branch") != "desorption" or loop is None or not loop.capillary:
        return []
    if loop.loop_type.startswith("H1"):
        return []
    p_peak = float(result.attrs["peak_relative_pressure"])
    lo, hi = CAVITATION_P
    if not lo <= p_peak <= hi:
        return []
    return [f"desorption peak at p/p0 = {p_peak:.2f}, where N2 cavitates, with an {loop.loop_type} loop: the branch "
            "empties there whatever the pore size (tensile-strength effect), so the peak may be an artefact (the "
            "adsorption branch has no such step)"]


def psd_bjh(ds: xr.Dataset, branch: str = "desorption", **kwargs) -> xr.Dataset:
    """BJH/DH distribution of an isotherm Dataset's ``branch`` as a Dataset over ``pore_diameter``.

    Variables ``dv`` (cm3/g), ``da`` (m2/g), ``v_cumulative``, ``a_cumulative``, ``dv_dd``
    (cm3/g/nm), ``dv_dlogd`` (cm3/g), ``in_range``; attrs ``total_volume``, ``total_area``,
    ``mean_diameter``, ``peak_diameter``, ``peak_bin_diameter``, ``negative_steps``, the
    settings and the branch, each number's unit in ``<name>_units``, and the isotherm's
    provenance (``source_path``, ``source_sha256``, ...). See :func:`psd_bjh_raw`.
    """
    pass_through("psd_bjh", psd_bjh_raw, kwargs, also=("branch",))
    p, q = get_branch(ds, branch)
    return psd_bjh_raw(p, q, **kwargs).to_dataset(branch=branch, **source_attrs(ds))
