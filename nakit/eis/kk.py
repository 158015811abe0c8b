r"""Kramers-Kronig validity check of an impedance spectrum: the Lin-KK test.

A spectrum that obeys causality, linearity and stability can be reproduced by a
Kramers-Kronig-compliant circuit: an ohmic resistor, a series inductance and ``M`` RC
(Voigt) elements with fixed, log-spaced time constants. Only the resistances enter
linearly, so the fit is one linear least-squares solve per ``M``. Residuals larger than
the noise, with structure, say the data are not KK-consistent (drift, non-linearity), but
only if more elements do not remove them: the mu criterion can stop at a handful of
elements on a consistent spectrum (impedance.py's own validation file: M = 3, 26 % RMS; 9
elements give 0.14 %), so large residuals are re-checked with more elements before the
spectrum is blamed.

Written here rather than called from impedance.py: its ``linKK`` rebuilds and ``eval``\ s a
circuit string for every evaluation, prints progress to stdout, and solves with an explicit
pseudo-inverse; this version builds the design matrix with numpy broadcasting and uses
``numpy.linalg.lstsq``. On full-rank problems the two give the same numbers.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar, NamedTuple

import warnings
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..errors import CalculationError, NakitWarning, ParameterError
from .fitting import check_spectrum, naming_file
from .readers import impedance_of
from ..validation import pass_through
from ..datamodel import FromMeasurement, require_dataset, Result, source_attrs

FIT_TYPES = ("real", "imag", "complex")

#: Fewest frequencies the test runs on. With fewer, a few RC elements reproduce the points
#: whatever their Kramers-Kronig consistency, and the residuals test nothing (impedance.py
#: runs Lin-KK on 3 points with M = 50 and reports a fit).
MIN_POINTS = 10
#: The flag by which the test doubts the spectrum itself (its other flags are about the test)
KK_FAILED = "kk_residuals_large"
#: The flag of large residuals that more RC elements remove: the number chosen, not the spectrum, is at fault
TOO_FEW = "too_few_elements"
#: The most RC elements the re-check of large residuals tries when the search's own limit is lower
#: (impedance.py's default ``max_M``). Never more than one per frequency either: past that the
#: elements are no longer resolved by the points and a complex fit starts to absorb drift too
#: (pyimpspec's drifting Gamry file, 55 frequencies: 1.15 % RMS from 44 to 50 elements, under
#: 1 % only past 55).
RECHECK_MAX_M = 50
#: Where the search for the number of RC elements starts by default (``min_M=None``): past the
#: spurious early dip of mu (see :func:`lin_kk_raw`); notebook 05's ``kk_min_M``.
DEFAULT_MIN_M = 10
#: The test's flags in words.
KK_FLAG_WORDS = {
    "M_capped_by_points": "RC elements capped by the number of frequencies",
    "mu_not_reached": "the mu criterion was not reached: the number of RC elements is not settled",
    TOO_FEW: "too few RC elements: the residuals are large, but a fit with more elements describes the "
             "spectrum (it is Kramers-Kronig consistent; the number of elements, not the spectrum, is at fault)",
    KK_FAILED: "Lin-KK residuals above the limit: the spectrum is not Kramers-Kronig consistent "
               "(drift, non-linearity or noise)",
}


@dataclass
class LinKKResult(FromMeasurement, Result):
    r"""Outcome of the Lin-KK test.

    ``residuals_real``/``residuals_imag`` are :math:`(Z - \hat Z)/|Z|` (dimensionless);
    ``resistances`` are ``R_k`` of the RC elements, ``r_ohm``, ``inductance`` and (with
    ``add_cap``) ``capacitance`` the series elements. When the residuals were above the
    limit, ``recheck_M`` and ``recheck_rms_residual`` are the re-check with more elements: the
    fewest that describe the spectrum within the limit, or the best fit tried when none does
    (``None`` when there was no re-check).
    """

    flag_words: ClassVar[dict[str, str]] = KK_FLAG_WORDS
    units: ClassVar[dict[str, str]] = {'M': '1', 'mu': '1', 'c': '1', 'tau': 's', 'resistances': 'ohm', 'r_ohm': 'ohm', 'inductance': 'H', 'capacitance': 'F', 'frequency': 'Hz', 'z_data': 'ohm', 'z_fit': 'ohm', 'residuals_real': '1', 'residuals_imag': '1', 'recheck_M': '1', 'recheck_rms_residual': '1'}
    dims: ClassVar[dict[str, str]] = {'tau': 'tau', 'resistances': 'tau', 'frequency': 'frequency', 'z_data': 'frequency', 'z_fit': 'frequency', 'residuals_real': 'frequency', 'residuals_imag': 'frequency'}

    M: int
    mu: float
    c: float | None
    fit_type: str
    tau: np.ndarray
    resistances: np.ndarray
    r_ohm: float
    inductance: float
    capacitance: float | None
    frequency: np.ndarray = field(repr=False)
    z_data: np.ndarray = field(repr=False)
    z_fit: np.ndarray = field(repr=False)
    residuals_real: np.ndarray = field(repr=False)
    residuals_imag: np.ndarray = field(repr=False)
    flags: tuple[str, ...] = ()
    recheck_M: int | None = None
    recheck_rms_residual: float | None = None

    @property
    def ok(self) -> bool:
        """True when the test ran as designed (no flags)."""
        return not self.flags

    @property
    def spectrum_doubted(self) -> tuple[str, ...]:
        """The words of :data:`KK_FAILED` when the test doubts the spectrum itself, else ``()``:
        what a result fitted to this spectrum carries (the other flags are about the test)."""
        return (KK_FLAG_WORDS[KK_FAILED],) if KK_FAILED in self.flags else ()

    @property
    def max_residual(self) -> float:
        """Largest relative residual, real or imaginary."""
        return float(max(np.max(np.abs(self.residuals_real)), np.max(np.abs(self.residuals_imag))))

    @property
    def rms_residual(self) -> float:
        """Root mean square of the relative complex residual :math:`|Z - \\hat Z| / |Z|` over the frequencies."""
        return _rms(self.residuals_real, self.residuals_imag)

    def to_dataset(self) -> xr.Dataset:
        one = {"units": "1"}
        ohm = {"units": "ohm"}
        return xr.Dataset(
            {"residual_real": ("frequency", self.residuals_real, one),
             "residual_imag": ("frequency", self.residuals_imag, one),
             "fit_real": ("frequency", self.z_fit.real, ohm), "fit_imag": ("frequency", self.z_fit.imag, ohm)},
            coords={"frequency": ("frequency", self.frequency, {"units": "Hz"})},
            attrs={"method": "Lin-KK (Schoenleber 2014)", "M": self.M, "mu": self.mu,
                   "mu_cutoff": "none" if self.c is None else self.c, "fit_type": self.fit_type,
                   "flags": "; ".join(self.flags),
                   **({} if self.recheck_M is None else {"recheck_M": self.recheck_M,
                                                         "recheck_rms_residual": self.recheck_rms_residual}),
                   **self.source},
        )

    def plot(self, ax=None):
        """Relative residuals against frequency (log axis), the usual Lin-KK residual plot.

        A figure made here is laid out (``constrained``) so that the frequency axis label shows;
        the legend sits beside the axes: the residuals of a real spectrum scatter over the whole
        axes, and a legend inside covered them (impedance.py's exampleData.csv near 1 Hz).
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 2.5), layout="constrained")
        ax.plot(self.frequency, 100 * self.residuals_real, "o-", ms=3, label="Δᵣₑ")
        ax.plot(self.frequency, 100 * self.residuals_imag, "s-", ms=3, label="Δᵢₘ")
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("frequency / Hz")
        ax.set_ylabel("residual / %")
        ax.set_title(f"Lin-KK: M = {self.M}, μ = {self.mu:.2f}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize="small")
        return ax


def time_constants(frequency, M: int) -> np.ndarray:
    r"""``M`` time constants log-spaced from :math:`1/\omega_{max}` to :math:`1/\omega_{min}`."""
    f = np.asarray(frequency, dtype=float)
    t_min, t_max = 1 / (2 * np.pi * f.max()), 1 / (2 * np.pi * f.min())
    if M == 1:
        return np.array([t_min])
    return np.geomspace(t_min, t_max, M)


def mu_criterion(resistances) -> float:
    r""":math:`\mu = 1 - \sum_{R_k<0}|R_k| / \sum_{R_k\ge0}|R_k|` (Schoenleber 2014, eq. 21)."""
    r = np.asarray(resistances, dtype=float)
    pos = np.sum(r[r >= 0])
    neg = -np.sum(r[r < 0])
    if pos == 0:
        return -np.inf
    return float(1 - neg / pos)


def _solve(f, z, tau, fit_type, add_cap):
    w = 2 * np.pi * f
    mod = np.abs(z)
    rc = 1.0 / (1 + 1j * w[:, None] * tau[None, :])  # (N, M), unit-resistance RC elements
    # columns: R_ohm, M RC resistances, [1/C], L ; rows scaled by 1/|Z| (Schoenleber's weighting)
    cols = [np.ones_like(w) + 0j, *rc.T]
    if add_cap:
        cols.append(-1j / w)
    cols.append(1j * w)
    A = np.column_stack(cols) / mod[:, None]
    b = z / mod
    n = A.shape[1]
    if fit_type == "real":
        x = np.zeros(n)
        x[: -1 - add_cap] = np.linalg.lstsq(A.real[:, : -1 - add_cap], b.real, rcond=None)[0]
        rest = (z - (A[:, : -1 - add_cap] @ x[: -1 - add_cap]) * mod).imag / mod
        x[-1 - add_cap:] = np.linalg.lstsq(A.imag[:, -1 - add_cap:], rest, rcond=None)[0]
    elif fit_type == "imag":
        x = np.linalg.lstsq(A.imag, b.imag, rcond=None)[0]
        zr = (A[:, 1:] @ x[1:]).real * mod
        wt = 1 / mod**2
        x[0] = np.sum(wt * (z.real - zr)) / np.sum(wt)  # Boukamp 1995, eq. 7
    else:
        x = np.linalg.lstsq(np.vstack([A.real, A.imag]), np.concatenate([b.real, b.imag]), rcond=None)[0]
    return x, (A @ x) * mod


def _fit(f, z, M, fit_type, add_cap):
    """The Lin-KK fit with ``M`` elements: time constants, solution, fitted impedance and mu."""
    tau = time_constants(f, M)
    x, z_fit = _solve(f, z, tau, fit_type, add_cap)
    return tau, x, z_fit, mu_criterion(x[1:M + 1])


def _recheck(f, z, M, ceiling, fit_type, add_cap, limit) -> tuple[int, float] | None:
    """Whether more elements describe a spectrum the fit with ``M`` did not: the fewest from
    ``M + 1`` to ``ceiling`` whose RMS residual is within ``limit``, else the best of them
    (``None`` when ``ceiling`` allows no more). One linear solve per ``M``: cheap beside
    blaming the data for the search's choice."""
    best = None
    for m in range(M + 1, ceiling + 1):
        z_fit = _fit(f, z, m, fit_type, add_cap)[2]
        res = (z - z_fit) / np.abs(z)
        rms = _rms(res.real, res.imag)
        if rms <= limit:
            return m, rms
        if best is None or rms < best[1]:
            best = (m, rms)
    return best


def lin_kk(data: xr.Dataset, **kwargs) -> LinKKResult:
    """Lin-KK test of a spectrum Dataset; keyword arguments as :func:`lin_kk_raw`."""
    require_dataset(data, "eis", "lin_kk")
    pass_through("lin_kk", lin_kk_raw, kwargs)
    result = naming_file(data, lin_kk_raw, data["frequency"].values, impedance_of(data), **kwargs)
    result.source = source_attrs(data)
    return result


def _rms(real, imag) -> float:
    return float(np.sqrt(np.mean(np.square(real) + np.square(imag))))


def consistent_residual(frequency, impedance) -> float | None:
    """The RMS relative residual a Kramers-Kronig-consistent model leaves on a spectrum: the Lin-KK
    fit with :func:`lin_kk_raw`'s defaults, or its re-check with more elements when that does
    better. What the spectrum's noise and drift allow a circuit to reach; ``None`` with fewer than
    :data:`MIN_POINTS` frequencies or when the test cannot be run. Its flags are not warned of here.

    A test with those settings already run on the same spectrum (the same bytes of frequency and
    impedance, as notebook 05 runs Lin-KK before fitting the circuit) is not run again: one of the
    last :data:`REMEMBERED` results of :func:`lin_kk_raw` is taken, which is the one a new run gives.
    """
    if np.size(frequency) < MIN_POINTS:
        return None
    try:
        f, z = check_spectrum(frequency, impedance)
        res = _RECENT.get(_key(f, z, _settings(f.size, **_DEFAULTS)))
        if res is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NakitWarning)
                res = lin_kk_raw(f, z)
    except (CalculationError, np.linalg.LinAlgError):  # (a spectrum the test cannot be run on: no reference)
        return None
    return min(res.rms_residual, res.recheck_rms_residual if res.recheck_rms_residual is not None else np.inf)


#: How many Lin-KK results are kept for :func:`consistent_residual` (a notebook tests a spectrum and
#: then fits it; a batch may test a few spectra first)
REMEMBERED = 32
#: the latest results of :func:`lin_kk_raw`, by :func:`_key`, oldest first
_RECENT: OrderedDict[tuple, "LinKKResult"] = OrderedDict()


class _Settings(NamedTuple):
    """:func:`lin_kk_raw`'s settings as they decide its result."""

    c: float | None
    max_M: int
    fit_type: str
    add_cap: bool
    min_M: int
    residual_limit: float | None


def _settings(n: int, *, c, max_M, fit_type, add_cap, min_M, residual_limit) -> _Settings:
    """The settings of a test on ``n`` frequencies, ``min_M=None`` as the number it stands for (so
    notebook 05's explicit ``min_M=10`` is the default's test)."""
    if min_M is None:
        min_M = max(1, min(DEFAULT_MIN_M, int(max_M), _most_elements(n, fit_type, add_cap)))
    return _Settings(c, int(max_M), fit_type, bool(add_cap), int(min_M), residual_limit)


def _key(f: np.ndarray, z: np.ndarray, settings: _Settings) -> tuple:
    # the checked float64 and complex128 copies: the same spectrum gives the same bytes
    return f.tobytes(), z.tobytes(), settings


def _remember(key: tuple, result: "LinKKResult") -> None:
    _RECENT[key] = result
    _RECENT.move_to_end(key)
    while len(_RECENT) > REMEMBERED:
        _RECENT.popitem(last=False)


def _most_elements(n: int, fit_type: str, add_cap: bool) -> int:
    """The most RC elements ``n`` frequencies determine: the solve's unknowns (R_ohm, the resistances
    [, 1/C], L) must stay fewer than its equations."""
    series = {"real": 1, "imag": 1 + add_cap, "complex": 2 + add_cap}[fit_type]
    equations = 2 * n if fit_type == "complex" else n
    return equations - 1 - series


def lin_kk_raw(frequency, impedance, *, c: float | None = 0.85, max_M: int = 50, fit_type: str = "complex",
               add_cap: bool = True, min_M: int | None = None, residual_limit: float | None = 0.01) -> LinKKResult:
    r"""Lin-KK test with the :math:`\mu` criterion for the number of RC elements.

    Parameters
    ----------
    frequency, impedance
        Frequencies (Hz) and complex impedance (ohm).
    c
        :math:`\mu` cut-off: ``M`` grows from ``min_M`` until :math:`\mu < c` (or ``max_M``).
        ``None`` uses ``max_M`` elements directly.
    fit_type
        Fit both parts (``"complex"``, the default), the real part (``"real"``, then L and C
        from the imaginary residue) or the imaginary part (``"imag"``, ohmic resistance from
        Boukamp's eq. 7).
    add_cap
        Add a series capacitance (default ``True``), for spectra without a low-frequency real
        intercept (blocking electrodes, diffusion lines); see Notes.
    min_M
        Smallest number of RC elements the search may stop at. With very few elements a
        single negative resistance can absorb gross misfit and make :math:`\mu` dip below
        ``c`` long before the spectrum is described (residuals of tens of percent); starting
        at :data:`DEFAULT_MIN_M` (10) skips that spurious dip. ``None`` (default) is 10, or
        fewer when ``max_M`` or the number of frequencies allows fewer; 1 reproduces impedance.py.
    residual_limit
        Largest RMS relative residual (:attr:`LinKKResult.rms_residual`) of a spectrum that passes:
        1 % by default; ``None`` leaves the verdict to the caller.

    Returns
    -------
    LinKKResult
        With ``flags`` (each also a :class:`~nakit.errors.NakitWarning`):
        ``M_capped_by_points`` when ``max_M`` had to be lowered so that the fit keeps a
        degree of freedom (unknowns fewer than equations: the real or imaginary fit has one
        equation per frequency, the complex fit two) and the search reached that limit;
        ``mu_not_reached`` when :math:`\mu` never fell below ``c``, so the result is the fit
        with the most elements rather than the one the criterion picks;
        ``too_few_elements`` when the RMS relative residual exceeds ``residual_limit`` but a
        fit with more elements (up to ``max_M`` or :data:`RECHECK_MAX_M`, whichever is larger,
        and at most one per frequency) is within it: the search stopped early (mu dips below
        ``c`` at a handful of elements on some spectra) or the fixed ``M`` is too small, and the
        spectrum is Kramers-Kronig consistent. The result keeps the search's ``M`` (the numbers
        impedance.py gives); ``recheck_M`` is the fewest elements that describe the spectrum,
        and the warning says what to try (``c=None, max_M=recheck_M``, a larger ``min_M`` or a
        lower ``c``);
        ``kk_residuals_large`` when no fit with up to that many elements is within
        ``residual_limit``: the spectrum fails the test. No Kramers-Kronig-consistent model
        describes it to within that, so it was not linear, causal and stationary while measured
        (drift during the sweep is the usual cause), or its noise is larger than that; what is
        fitted to it is doubtful.

    Raises
    ------
    CalculationError
        Fewer than :data:`MIN_POINTS` frequencies, or ``min_M`` more RC elements than the
        points can determine.

    Notes
    -----
    Model: :math:`\hat Z = R_{ohm} + j\omega L + \sum_{k=1}^{M} R_k/(1 + j\omega\tau_k)`
    :math:`[+ 1/(j\omega C)]`, with :math:`\tau_1 = 1/\omega_{max}`, :math:`\tau_M = 1/\omega_{min}`
    log-spaced; rows weighted by :math:`1/|Z|`. Over-fitting shows up as RC elements of
    alternating sign, which :math:`\mu` measures: close to 1 without negative ``R_k``, falling
    as they appear. Schoenleber et al. suggest ``c = 0.85``.

    Why the defaults differ from impedance.py's ``linKK`` (``fit_type="real"``,
    ``add_cap=False``, ``M`` from 1): a battery or solid-electrolyte spectrum ends in a diffusion
    line or a capacitive (blocking-electrode) tail, whose impedance grows without bound as
    :math:`\omega \to 0`; a sum of RC elements, each finite at :math:`\omega = 0`, cannot follow
    it, so without a series capacitance such a spectrum "fails" for that alone. impedance.py's
    own example (``exampleData.csv``) leaves 5.1 % RMS with its settings and 0.18 % with these; an
    exactly consistent ``R0-p(R1,CPE1)-W1`` spectrum with 0.2 % noise 5.1 % and 0.29 %;
    nakit's stand-in cells 1.9-4.7 %, its blocking pellets 41 %, all below 0.45 % with these. On a
    spectrum that does return to the real axis the series capacitance costs little: mu may fall
    below ``c`` sooner (a noise-free two-arc spectrum: 12 elements and 0.53 % RMS instead of 21 and
    0.03 %), well within the limit; and a drifting spectrum still fails (``tests/eis/test_kk.py``,
    ``tests/eis/test_kk_defaults.py``). The complex fit and the start at 10 elements are those of
    notebook 05, so a spectrum tested by hand gets the verdict the notebook gives; pyimpspec's
    Kramers-Kronig test likewise adds a series capacitance and inductance by default. To
    reproduce impedance.py, pass ``fit_type="real", add_cap=False, min_M=1`` (the tests compare
    nakit with impedance.py so).

    References
    ----------
    .. [1] Schoenleber, M.; Klotz, D.; Ivers-Tiffee, E. A method for improving the robustness of
       linear Kramers-Kronig validity tests. *Electrochim. Acta* 131, 20-27 (2014).
    .. [2] Boukamp, B. A. A linear Kronig-Kramers transform test for immittance data validation.
       *J. Electrochem. Soc.* 142, 1885-1894 (1995).
    """
    f, z = check_spectrum(frequency, impedance)
    if fit_type not in FIT_TYPES:
        raise ParameterError(f"fit_type must be one of {FIT_TYPES}, got {fit_type!r}")
    if int(max_M) < 1 or not (min_M is None or 1 <= int(min_M) <= int(max_M)):
        raise ParameterError(f"need 1 <= min_M <= max_M, got min_M={min_M}, max_M={max_M}")
    add_cap = bool(add_cap)
    n = f.size
    if n < MIN_POINTS:
        raise CalculationError(f"Lin-KK needs at least {MIN_POINTS} frequencies, got {n}: so few points are "
                               "reproduced by a few RC elements whatever their KK consistency")
    settings = _settings(n, c=c, max_M=max_M, fit_type=fit_type, add_cap=add_cap, min_M=min_M,
                         residual_limit=residual_limit)
    m_det = _most_elements(n, fit_type, add_cap)
    min_M = settings.min_M
    if int(min_M) > m_det:
        raise CalculationError(f"{n} frequencies determine at most {m_det} RC elements in a {fit_type} fit; "
                               f"min_M = {min_M} asks for more")
    flags = []
    ceiling = min(max(int(max_M), RECHECK_MAX_M), m_det, n)  # of the re-check of large residuals
    if int(max_M) > m_det:
        max_M = m_det
        flags.append("M_capped_by_points")
    if c is None:
        M = int(max_M)
        tau, x, z_fit, mu = _fit(f, z, M, fit_type, add_cap)
    else:
        M, mu = int(min_M) - 1, 1.0
        while (mu > c or M < min_M) and M < max_M:
            M += 1
            tau, x, z_fit, mu = _fit(f, z, M, fit_type, add_cap)
    if "M_capped_by_points" in flags and M < max_M:
        flags.remove("M_capped_by_points")  # the criterion stopped first: the cap did not matter
    if c is not None and mu > c:
        flags.append("mu_not_reached")
    res = (z - z_fit) / np.abs(z)
    rms = _rms(res.real, res.imag)
    recheck, verdict = None, ""
    if residual_limit is not None and rms > residual_limit:
        # large residuals blame the spectrum only if more elements do not describe it either
        recheck = _recheck(f, z, M, ceiling, fit_type, add_cap, residual_limit)
        chosen = (f"M = {M} RC elements (fixed: c=None)" if c is None
                  else f"M = {M} RC elements (mu {mu:.3g}, cut-off {c}" + (f", from min_M = {min_M})"
                                                                            if min_M > 1 else ")"))
        if recheck is not None and recheck[1] <= residual_limit:
            flags.append(TOO_FEW)
            verdict = (f"the fit stopped at {chosen} with RMS residual {rms:.2%}; with M = {recheck[0]} the RMS residual is {recheck[1]:.2%}, within the "
                       f"{residual_limit:.2%} limit: give a fixed M (c=None, max_M={recheck[0]}), a larger min_M or "
                       "a lower c")
        else:
            flags.append(KK_FAILED)
            tried = ("" if recheck is None else
                     f"; no fit with up to {ceiling} elements is within the {residual_limit:.2%} limit either "
                     f"(best {recheck[1]:.2%} at M = {recheck[0]})")
            verdict = f"{chosen} leave an RMS residual of {rms:.2%}{tried}" + (
                "" if add_cap else "; tested without a series capacitance (add_cap=False), which a spectrum "
                "ending in a diffusion line or a capacitive tail fails for that alone")
    if flags:
        warnings.warn(f"Lin-KK flagged ({'; '.join(KK_FLAG_WORDS[f] for f in flags)}): " + (
            verdict or f"M = {M} RC elements for {n} frequencies, mu = {mu:.3g}"
            + ("" if c is None else f" (cut-off {c})") + f", RMS residual {rms:.2%}"), NakitWarning, stacklevel=2)
    result = LinKKResult(M=M, mu=mu, c=c, fit_type=fit_type, tau=tau, resistances=x[1:M + 1], r_ohm=float(x[0]),
                         inductance=float(x[-1]), capacitance=(1 / x[-2] if add_cap and x[-2] != 0 else None),
                         frequency=f, z_data=z, z_fit=z_fit, residuals_real=res.real, residuals_imag=res.imag,
                         flags=tuple(flags), recheck_M=None if recheck is None else recheck[0],
                         recheck_rms_residual=None if recheck is None else recheck[1])
    # a circuit fit's lack_of_fit check of the same spectrum takes it (consistent_residual)
    _remember(_key(f, z, settings), result)
    return result


#: :func:`lin_kk_raw`'s settings and their defaults (those :func:`consistent_residual` tests with)
_DEFAULTS = dict(lin_kk_raw.__kwdefaults__)
