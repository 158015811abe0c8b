"""Ionic conductivity of a pellet from its bulk resistance, and Arrhenius analysis.

Geometry: a cylindrical pellet of diameter ``d`` between blocking electrodes. Its
thickness is either measured or follows from mass and density, ``L = m / (rho A)``.
Uncertainties propagate to first order (independent inputs).
"""

from __future__ import annotations

import warnings
from typing import ClassVar

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import CalculationError, NakitWarning, ParameterError
from ..validation import as_float_array, checked_keywords, in_range, same_length
from .regression import LINE_P_VALUE_MIN, fit_line, inconsistent
from ..datamodel import Result

K_B_EV = 8.617333262e-5  # Boltzmann constant, eV/K (CODATA 2018, exact by SI definition)
FORMS = ("sigma", "sigma_T")


#: the diameters (mm) of pellets pressed for conductivity: outside them a unit was likely mistyped
PELLET_DIAMETER_MM = (2.0, 50.0)
#: above this (S/cm) no solid ionic conductor is known (the best sulfides reach ~0.03 S/cm at room temperature)
MOST_IONIC_CONDUCTIVITY = 1.0

#: a pellet's other names for the arguments of :func:`ionic_conductivity` and :func:`pellet_thickness`: its area, the thickness in cm
#: (what sigma = L / (R A) is written in) are asked as the diameter and thickness in mm
_PELLET_NAMES = {"area": "diameter_mm", "area_cm2": "diameter_mm", "diameter": "diameter_mm",
                 "diameter_cm": "diameter_mm", "thickness": "thickness_mm", "thickness_cm": "thickness_mm",
                 "length": "thickness_mm", "mass": "mass_mg", "density": "density_g_cm3", "r": "resistance",
                 "r_ohm": "resistance", "resistance_ohm": "resistance"}


@dataclass(frozen=True)
class Conductivity(Result):
    """sigma (S/cm) with its one-sigma error and the geometry that produced it.

    ``flags``: ``thicker_than_wide`` and ``diameter_unusual`` (a geometry no pressed pellet has:
    a unit mistyped, which scales sigma by powers of ten), ``beyond_ionic_conductors`` (sigma above
    :data:`MOST_IONIC_CONDUCTIVITY`).
    """

    units: ClassVar[dict[str, str]] = {'sigma': 'S/cm', 'resistance': 'ohm', 'thickness_cm': 'cm', 'area_cm2': 'cm2'}
    flag_words: ClassVar[dict[str, str]] = {
        "thicker_than_wide": "the pellet would be thicker than it is wide: a thickness in µm typed as mm, or a mass "
                             "in the wrong unit?",
        "diameter_unusual": f"a diameter outside the {PELLET_DIAMETER_MM[0]:g}-{PELLET_DIAMETER_MM[1]:g} mm of pressed "
                            "pellets: another unit typed as mm?",
        "beyond_ionic_conductors": f"above {MOST_IONIC_CONDUCTIVITY:g} S/cm, beyond any solid ionic conductor "
                                   "(the best sulfides reach ~0.03 S/cm at room temperature): an electronic "
                                   "conductor, or a geometry in the wrong unit"}
    dims: ClassVar[dict[str, str]] = {}

    sigma: float
    sigma_sigma: float
    resistance: float
    thickness_cm: float
    thickness_cm_sigma: float
    area_cm2: float
    geometry: str  # "measured thickness" or "thickness from mass and density"
    flags: tuple[str, ...] = ()


@checked_keywords(aliases=_PELLET_NAMES)
def pellet_thickness(mass_mg: float, density_g_cm3: float, diameter_mm: float, *, mass_mg_sigma: float = 0.0,
                     density_g_cm3_sigma: float = 0.0, diameter_mm_sigma: float = 0.0) -> tuple[float, float]:
    r"""Thickness (cm) of a cylindrical pellet of known mass and density, with its error.

    Notes
    -----
    :math:`L = m / (\rho \pi d^2/4)`;
    :math:`(\delta L/L)^2 = (\delta m/m)^2 + (\delta\rho/\rho)^2 + (2\,\delta d/d)^2`.
    """
    m = in_range(mass_mg, "mass_mg", 0, inclusive=(False, True)) / 1000
    rho = in_range(density_g_cm3, "density_g_cm3", 0, inclusive=(False, True))
    d = in_range(diameter_mm, "diameter_mm", 0, inclusive=(False, True)) / 10
    area = np.pi * d**2 / 4
    L = m / (rho * area)
    rel = np.sqrt((mass_mg_sigma / mass_mg) ** 2 + (density_g_cm3_sigma / density_g_cm3) ** 2
                  + (2 * diameter_mm_sigma / diameter_mm) ** 2)
    return float(L), float(L * rel)


@checked_keywords(aliases=_PELLET_NAMES)
def ionic_conductivity(resistance: float, diameter_mm: float, *, thickness_mm: float | None = None,
                       mass_mg: float | None = None, density_g_cm3: float | None = None,
                       resistance_sigma: float = 0.0, diameter_mm_sigma: float = 0.0,
                       thickness_mm_sigma: float = 0.0, mass_mg_sigma: float = 0.0,
                       density_g_cm3_sigma: float = 0.0) -> Conductivity:
    r"""Ionic conductivity :math:`\sigma = L / (R A)` of a pellet (S/cm).

    Give either ``thickness_mm`` (measured) or ``mass_mg`` and ``density_g_cm3``.

    Notes
    -----
    Measured thickness: :math:`(\delta\sigma/\sigma)^2 = (\delta L/L)^2 + (\delta R/R)^2 + (2\,\delta d/d)^2`.
    From mass and density :math:`\sigma = 4 m / (\rho \pi d^2)^2 \cdot \pi/(4R)`, i.e. ``d``
    enters as :math:`d^{-4}`: :math:`(\delta\sigma/\sigma)^2 = (\delta m/m)^2 + (\delta\rho/\rho)^2 + (4\,\delta d/d)^2 + (\delta R/R)^2`.
    """
    R = in_range(resistance, "resistance", 0, inclusive=(False, True))
    d_cm = in_range(diameter_mm, "diameter_mm", 0, inclusive=(False, True)) / 10
    area = np.pi * d_cm**2 / 4
    rel_R, rel_d = resistance_sigma / R, diameter_mm_sigma / diameter_mm
    if thickness_mm is not None:
        if mass_mg is not None or density_g_cm3 is not None:
            raise ParameterError("give either thickness_mm or mass_mg and density_g_cm3, not both")
        L = in_range(thickness_mm, "thickness_mm", 0, inclusive=(False, True)) / 10
        L_sigma = thickness_mm_sigma / 10
        rel = np.sqrt((L_sigma / L) ** 2 + rel_R**2 + (2 * rel_d) ** 2)
        geometry = "measured thickness"
    elif mass_mg is not None and density_g_cm3 is not None:
        L, L_sigma = pellet_thickness(mass_mg, density_g_cm3, diameter_mm, mass_mg_sigma=mass_mg_sigma,
                                      density_g_cm3_sigma=density_g_cm3_sigma, diameter_mm_sigma=diameter_mm_sigma)
        rel = np.sqrt((mass_mg_sigma / mass_mg) ** 2 + (density_g_cm3_sigma / density_g_cm3) ** 2
                      + (4 * rel_d) ** 2 + rel_R**2)
        geometry = "thickness from mass and density"
    else:
        raise ParameterError("the pellet thickness is needed: give thickness_mm, or mass_mg and density_g_cm3")
    sigma = L / (R * area)
    doubts = {"thicker_than_wide": L > d_cm,
              "diameter_unusual": not PELLET_DIAMETER_MM[0] <= diameter_mm <= PELLET_DIAMETER_MM[1],
              "beyond_ionic_conductors": sigma > MOST_IONIC_CONDUCTIVITY}
    return Conductivity(sigma=float(sigma), sigma_sigma=float(sigma * rel), resistance=R, thickness_cm=float(L),
                        thickness_cm_sigma=float(L_sigma), area_cm2=float(area), geometry=geometry,
                        flags=tuple(name for name, doubtful in doubts.items() if doubtful))


#: room temperature in kelvin: a pellet's temperatures in °C that start here were likely given in K
ROOM_TEMPERATURE_K = (288.0, 303.0)


@checked_keywords
def temperatures_doubt(temperatures_C) -> str:
    """A reason to doubt a pellet's temperatures in °C ("" if none): a series that starts at room
    temperature in kelvin (298, 303, 313, ... typed for 25, 30, 40, ... °C), which shifts every
    1/T of the Arrhenius fit and so its activation energy."""
    t = [float(v) for v in temperatures_C]
    lo, hi = ROOM_TEMPERATURE_K
    if len(t) < 2 or not lo <= min(t) <= hi or max(t) >= 500:
        return ""
    return (f"the temperatures start at {min(t):g} °C, room temperature in kelvin: if they are in K "
            f"({min(t) - 273.15:g}-{max(t) - 273.15:g} °C), the activation energy is wrong; give them in °C")


#: a conductivity series in kelvin wholly below this is cryogenic work, rare for ion conduction; one in °C
#: typed as kelvin lies below it (a lab book's 25-100 °C, up to the ~120 °C a sulfide or polymer cell sees)
CELSIUS_LIKE_BELOW_K = 150.0


@dataclass(frozen=True)
class ArrheniusFit(Result):
    r"""Activation energy (eV) and prefactor of :math:`y = A \exp(-E_a / k_B T)`, with ``y`` = sigma or sigma*T.

    The :class:`~nakit.datamodel.Result` convention; the prefactor's unit follows ``form``
    (S/cm for ``"sigma"``, S K/cm for ``"sigma_T"``), so it comes from :meth:`result_units`.

    ``flags``: ``uncertainties_undetermined`` (no standard error: two points without their
    errors), ``activation_energy_not_positive`` (the conductivity does not rise with
    temperature: not a thermally activated process, or mislabelled points),
    ``activation_energy_not_significant`` (positive, but under twice its standard error),
    ``points_left_out`` (``left_out_K``: temperatures whose conductivity came without an
    uncertainty, a circuit fit that gave no standard error, left out of a weighted fit),
    ``line_inconsistent`` (the conductivities scatter about the weighted line far beyond their
    errors, chi-square p < :data:`~nakit.eis.regression.LINE_P_VALUE_MIN`: one point is off,
    the errors are understated, or the form does not describe the points: through points on
    the sigma form's line, sigma*T is curved; Ea's error then says too little),
    ``temperatures_look_celsius`` (``celsius_like_K``: every temperature below
    :data:`CELSIUS_LIKE_BELOW_K`, as °C typed for kelvin are: 25-100 "K" gave Ea 0.0063 eV for
    0.300; a flag, not a refusal, since a cryogenic series in kelvin looks the same).
    """

    units: ClassVar[dict[str, str]] = {"ea": "eV", "n_points": "1", "left_out_K": "K", "celsius_like_K": "K"}
    flag_words: ClassVar[dict[str, str]] = {
        "uncertainties_undetermined": "no standard error (two points without their errors)",
        "activation_energy_not_positive": "activation energy not positive: the conductivity does not rise "
                                          "with temperature (not thermally activated, or mislabelled points)",
        "activation_energy_not_significant": "activation energy under twice its standard error: the data "
                                             "do not show the conductivity rising with temperature",
        "line_inconsistent": "the conductivities scatter about the Arrhenius line far beyond their errors "
                             f"(chi-square p < {LINE_P_VALUE_MIN:g}): one point is off (a flagged fit?), the "
                             "errors are understated, or this form of the law does not describe them (compare "
                             "the sigma and sigma*T forms); Ea's standard error says too little"}
    dims: ClassVar[dict[str, str]] = {}

    form: str
    ea: float
    ea_sigma: float
    prefactor: float
    prefactor_sigma: float
    n_points: int
    weighted: bool
    left_out_K: tuple[float, ...] = ()
    line_inconsistent: bool = False
    #: every temperature, ascending, when all lie below :data:`CELSIUS_LIKE_BELOW_K`; else empty
    celsius_like_K: tuple[float, ...] = ()

    @property
    def flags(self) -> tuple[str, ...]:
        out = ["temperatures_look_celsius"] if self.celsius_like_K else []
        if self.left_out_K:
            out.append("points_left_out")
        if self.line_inconsistent:
            out.append("line_inconsistent")
        if not (np.isfinite(self.ea_sigma) and np.isfinite(self.prefactor_sigma)):
            out.append("uncertainties_undetermined")
        if not self.ea > 0:
            out.append("activation_energy_not_positive")
        elif np.isfinite(self.ea_sigma) and self.ea < 2 * self.ea_sigma:
            out.append("activation_energy_not_significant")
        return tuple(out)

    def _flag_words(self) -> dict[str, str]:
        left_out = ", ".join(f"{t - 273.15:g} °C" for t in self.left_out_K)
        words = {**self.flag_words, "points_left_out": f"left out of the fit, their conductivity has no uncertainty "
                                                       f"(its circuit fit gave no standard error): {left_out}"}
        if self.celsius_like_K:
            lo, hi = self.celsius_like_K[0], self.celsius_like_K[-1]
            words["temperatures_look_celsius"] = (
                f"every temperature is below {CELSIUS_LIKE_BELOW_K:g} K ({lo:g}-{hi:g} K), where ion conduction is "
                f"measured only in cryogenic work: temperatures in °C given as kelvin? As {lo:g}-{hi:g} °C "
                f"({lo + 273.15:g}-{hi + 273.15:g} K) the activation energy is another: give them in kelvin")
        return words

    def result_units(self) -> dict[str, str]:
        """The declared units and the prefactor's, which follows ``form``."""
        return {**self.units, "prefactor": "S K/cm" if self.form == "sigma_T" else "S/cm"}

    def predict(self, temperature_K) -> np.ndarray:
        """Conductivity (S/cm) at ``temperature_K`` from the fitted law."""
        T = np.asarray(temperature_K, dtype=float)
        y = self.prefactor * np.exp(-self.ea / (K_B_EV * T))
        return y / T if self.form == "sigma_T" else y


# (its warning says stacklevel=3: the keyword check is one frame between it and its caller)
@checked_keywords
def arrhenius_fit_raw(temperature_K, sigma, sigma_sigma=None, *, form: str = "sigma") -> ArrheniusFit:
    r"""Fit an Arrhenius law to conductivities.

    Parameters
    ----------
    temperature_K, sigma
        Temperatures (K) and conductivities (S/cm), any order; two points give the exact line.
    sigma_sigma
        One-sigma errors of ``sigma``; they weight the fit and give the error of ``Ea``.
        Without them, ``Ea``'s error comes from the scatter and needs at least three points.
        A NaN error (a circuit fit without a standard error) leaves its point out of the
        weighted fit, flagged (``points_left_out``), while two points with errors remain;
        with fewer, the fit is unweighted over every point.
    form
        ``"sigma"``: :math:`\sigma = A \exp(-E_a/k_BT)`; ``"sigma_T"``:
        :math:`\sigma T = A \exp(-E_a/k_BT)` (hopping theory puts the 1/T in the prefactor).
        Both are common; through the same points they give different ``Ea``.

    Returns
    -------
    ArrheniusFit
        Flagged, with a :class:`~nakit.errors.NakitWarning`, when ``Ea`` has no standard error
        or is not positive, or every temperature lies below :data:`CELSIUS_LIKE_BELOW_K` (°C
        given as kelvin?); see :class:`ArrheniusFit`.

    Raises
    ------
    ParameterError
        An unknown ``form``; a temperature at or below 0 K or a conductivity at or below 0,
        naming the argument and the value; errors that are negative or of another length.

    Notes
    -----
    Linear fit of :math:`\ln y` against :math:`1/T`: slope :math:`-E_a/k_B`. The error of
    :math:`\ln y` is :math:`\delta\sigma/\sigma` in both forms (T taken as exact).

    References
    ----------
    .. [1] West, A. R. *Solid State Chemistry and its Applications*, 2nd ed., ch. 8. Wiley, 2014.
    """
    if form not in FORMS:
        raise ParameterError(f"form must be one of {FORMS}, got {form!r}")
    T = as_float_array(temperature_K, "temperature_K", min_size=2)
    s = as_float_array(sigma, "sigma", min_size=2)
    same_length(temperature_K=T, sigma=s)
    if np.any(T <= 0):
        k = int(np.argmin(T))
        raise ParameterError(f"temperature_K: must be above 0 K, got {T[k]:g} at index {k} (a temperature in °C? "
                             "kelvin = °C + 273.15)")
    if np.any(s <= 0):
        k = int(np.argmin(s))
        raise ParameterError(f"sigma: conductivities must be positive, got {s[k]:g} S/cm at index {k}")
    celsius_like = tuple(float(t) for t in np.sort(T)) if T.max() < CELSIUS_LIKE_BELOW_K else ()
    rel, left_out = None, ()
    if sigma_sigma is not None:
        err = as_float_array(sigma_sigma, "sigma_sigma", allow_nan=True)
        same_length(sigma=s, sigma_sigma=err)
        known = np.isfinite(err)
        if np.any(err[known] < 0):
            raise ParameterError("sigma_sigma: the conductivities' errors must not be negative")
        if known.sum() >= 2:  # else: unweighted over every point (the errors say nothing)
            left_out = tuple(float(t) for t in np.sort(T[~known]))
            T, s, rel = T[known], s[known], err[known] / s[known]
    y = np.log(s * T if form == "sigma_T" else s)
    line = fit_line(1 / T, y, rel)
    ea = -line.slope * K_B_EV
    A = float(np.exp(line.intercept))
    fit = ArrheniusFit(form=form, ea=float(ea), ea_sigma=float(line.slope_sigma * K_B_EV), prefactor=A,
                       prefactor_sigma=A * line.intercept_sigma, n_points=line.n_points, weighted=line.weighted,
                       left_out_K=left_out, line_inconsistent=inconsistent(line), celsius_like_K=celsius_like)
    if fit.flags:
        warnings.warn(f"Arrhenius fit ({form}) flagged: {'; '.join(fit.flag_details)}", NakitWarning, stacklevel=3)
    return fit


@checked_keywords
def arrhenius_fit(ds: xr.Dataset, *, form: str = "sigma") -> ArrheniusFit:
    """Arrhenius fit of a Dataset with ``conductivity`` (S/cm, optional ``conductivity_sigma``) over ``temperature`` (K)."""
    if "conductivity" not in ds or "temperature" not in ds.coords:
        raise ParameterError("expected a Dataset with 'conductivity' over a 'temperature' coordinate")
    if ds["temperature"].attrs.get("units") != "K":
        raise ParameterError(f"temperature must be in K, got units {ds['temperature'].attrs.get('units')!r}")
    err = ds["conductivity_sigma"].values if "conductivity_sigma" in ds else None
    return arrhenius_fit_raw(ds["temperature"].values, ds["conductivity"].values, err, form=form)


BLOCKING_CELL_CIRCUIT = "p(R1,CPE1)-CPE2"


@checked_keywords
def fit_blocking_cell(ds: xr.Dataset, *, weighting: str = "modulus", n_starts: int = 1):
    """Fit ``p(R1,CPE1)-CPE2`` to a blocking-electrode spectrum; ``R1`` is the electrolyte resistance.

    Starting values come from the shape such spectra share: the electrolyte resistance is
    near the real part at the cusp between arc and electrode spike (the minimum of -Z''),
    the electrode CPE from the lowest-frequency point, and the electrolyte CPE puts the arc's
    apex at or above the highest measured frequency.
    """
    from .fitting import fit_circuit
    from .readers import impedance_of

    f = ds["frequency"].values
    z = impedance_of(ds)
    cusp = np.argmin(-z.imag)
    r1 = max(float(z.real[cusp]), 1e-9)
    lo = np.argmin(f)
    if not abs(z.imag[lo]) > 1e-6 * abs(z[lo]):  # (a start of infinity made numpy warn, then the fit fail)
        raise CalculationError(f"no electrode spike: -Z'' at the lowest frequency ({f[lo]:g} Hz) is "
                               f"{-z.imag[lo] + 0.0:g} ohm, so the spectrum is not one between ion-blocking electrodes "
                               "(a resistor, or the spike outside the measured range)")
    w_hi = 2 * np.pi * f.max()
    initial = {"R1": r1, "CPE1_Q": 1 / (r1 * w_hi**0.8), "CPE1_alpha": 0.8,
               "CPE2_Q": 1 / (2 * np.pi * f[lo] * abs(z.imag[lo])), "CPE2_alpha": 0.9}
    return fit_circuit(ds, BLOCKING_CELL_CIRCUIT, initial=initial, weighting=weighting, n_starts=n_starts)
