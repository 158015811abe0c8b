"""Complex non-linear least-squares fitting of equivalent circuits (lmfit).

Weighting
---------
The residual of point *i* is ``w_i (Z_model - Z_data)`` for the real and imaginary parts:

``unit``          ``w = 1`` (impedance.py's default; dominated by the largest impedances)
``modulus``       ``w = 1/|Z_i|`` for both parts (impedance.py ``weight_by_modulus``)
``proportional``  ``w' = 1/|Z'_i|`` and ``w'' = 1/|Z''_i|`` separately (Boukamp's
                  data-proportional weighting); a part smaller than 1e-3 |Z_i| is given
                  ``1/(1e-3 |Z_i|)`` so near-zero crossings do not dominate

The weighting is stated in every :class:`CircuitFit` (``fit.weighting``, and the
``weighting`` attr of :meth:`CircuitFit.to_dataset`).

Why the default is ``"modulus"``, unlike impedance.py
-----------------------------------------------------
nakit's circuit strings and element names follow impedance.py, whose ``CustomCircuit.fit``
is unweighted unless ``weight_by_modulus=True``. nakit nevertheless defaults to
``"modulus"``, deliberately: the spectra this field fits span decades of ``|Z|`` (a
solid electrolyte's bulk arc of a few ohm beside a blocking-electrode tail of kilo-ohm), and
an unweighted fit lets the largest impedances decide every parameter, so the bulk and
grain-boundary resistances that give the conductivity are fitted badly. Weighting by
``1/|Z|`` is the usual recommendation for such data (Boukamp 1986; Orazem & Tribollet,
*Electrochemical Impedance Spectroscopy*, ch. 19) and the choice most commercial fitting
programs offer first. To reproduce an impedance.py fit, pass ``weighting="unit"``
(``CustomCircuit.fit(f, Z)``) or keep ``"modulus"`` (``weight_by_modulus=True``); the tests
check both against impedance.py on its own example data.

Inductive points
----------------
Cables and the cell holder add an inductance that makes ``z_imag > 0`` at the highest
frequencies. A circuit without an inductor cannot follow those points; impedance.py's
``ignoreBelowX`` drops every point above the real axis. :func:`drop_inductive` does the same
(``where="all"``) or, by default, drops only the run of such points at the high-frequency
end (``where="high"``), keeping a low-frequency inductive loop that may be real physics.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import ClassVar

import lmfit
import numpy as np
import pandas as pd
import xarray as xr

from ..circuitgrammar import series_resistor
from ..errors import FitError, NakitWarning, ParameterError
from ..validation import as_float_array, pass_through, same_length
from .circuits import Circuit, CircuitModel
from .readers import impedance_of
from .spectra import low_end_reactance
from ..datamodel import FromMeasurement, Result, require_dataset, source_attrs, source_file

WEIGHTINGS = ("unit", "modulus", "proportional")


@lru_cache(maxsize=64)
def _parsed(circuit: str) -> Circuit:
    """The :class:`Circuit` of a fit's circuit string, parsed once: a fit's flags ask for it once per
    resistor and more, and a batch of a thousand spectra asks for a thousand fits' flags (parsing was
    most of their time)."""
    return Circuit(circuit)


_series_resistor = lru_cache(maxsize=64)(series_resistor)  # (parses the circuit string too)


def weights(z: np.ndarray, weighting: str) -> np.ndarray:
    """Per-point weights (complex when real and imaginary parts differ) for ``weighting``."""
    if weighting not in WEIGHTINGS:
        raise ParameterError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    z = np.asarray(z, dtype=complex)
    mod = np.abs(z)
    if weighting == "unit":
        return np.ones(z.shape)
    if weighting == "modulus":
        return 1.0 / mod
    floor = 1e-3 * mod
    return 1.0 / np.maximum(np.abs(z.real), floor) + 1j / np.maximum(np.abs(z.imag), floor)


def check_spectrum(frequency, z) -> tuple[np.ndarray, np.ndarray]:
    """Validated float frequency (Hz) and complex impedance copies of the inputs (for a circuit fit,
    Lin-KK, the DRT and batch fits alike: none of them means anything on Z' alone)."""
    f = check_frequency(frequency)
    return f, check_impedance(f, z)


def check_frequency(frequency) -> np.ndarray:
    """The first half of :func:`check_spectrum`: a float copy of positive frequencies (Hz), each once."""
    f = as_float_array(frequency, "frequency")
    if np.any(f <= 0):
        raise ParameterError(f"frequency: must be positive, got {f[f <= 0][0]!r}")
    if np.unique(f).size != f.size:
        raise ParameterError("frequency: repeated values; each frequency must occur once")
    return f


def check_impedance(f: np.ndarray, z) -> np.ndarray:
    """The second half of :func:`check_spectrum`: a complex copy of the finite impedance at the checked
    frequencies ``f``, with an imaginary part (a batch fit checks each spectrum so against one ``f``)."""
    z_given = z
    try:
        z = np.array(z, dtype=complex, copy=True)
    except (TypeError, ValueError):
        raise ParameterError("impedance: expected complex numbers") from None
    same_length(frequency=f, impedance=z)
    if not np.all(np.isfinite(z)):
        raise ParameterError(f"impedance: non-finite value at index {int(np.flatnonzero(~np.isfinite(z))[0])}")
    _require_reactance(z_given, z)
    return z


#: A circuit fit's flags in words (:attr:`CircuitFit.flag_details` adds the parameters).
CIRCUIT_FLAG_WORDS = {
    "not_converged": "the fit did not converge",
    "uncertainties_undetermined": "no standard error",
    "parameter_undetermined": "not determined by the data (standard error at least the value)",
    "resistance_beyond_spectrum": "resistance over 10x the spectrum's largest |Z| (runs off beyond the data)",
    "few_frequencies": "fewer than two frequencies per fitted parameter: so short a spectrum is followed, noise and "
                       "all, by many circuits",
    "parameter_at_bound": "at a bound of its range (a CPE's alpha at 1, a value at 0): the optimum lies beyond what "
                          "the element allows, and its standard error means nothing",
    "arc_beyond_spectrum": "its arc's apex frequency 1/(2 pi tau) lies outside the measured frequencies: the end of "
                           "the arc that sets the resistance is not measured, only extrapolated",
    "inductive_low_end": "Im(Z) positive (inductive) at the low-frequency end, where a cell is capacitive: an "
                         "impedance with the sign of Z'' reversed (the -Z'' column passed as Z'', np.conj(Z)) gives "
                         "every fitted value wrong; else a genuine low-frequency inductive loop (adsorbed "
                         "intermediates, corrosion)",
    "lack_of_fit": "the circuit does not describe the spectrum (its residuals are far above the data's own scatter, "
                   "or large in themselves), "
                   "so its values are not the spectrum's: look at the Nyquist plot and the residuals, and try "
                   "another circuit",
}
#: the fewest frequencies per free parameter of a fit that is not flagged ``few_frequencies``
FREQUENCIES_PER_PARAMETER = 2
#: RMS relative residual |Z - Z_fit| / |Z| below which a fit is never flagged ``lack_of_fit``
#: (see :attr:`CircuitFit.flags`)
LACK_OF_FIT_FLOOR = 0.03
#: how many times the residual a Kramers-Kronig-consistent model leaves a fit's residual may be
#: before it is flagged ``lack_of_fit`` (above the floor)
LACK_OF_FIT_RATIO = 3.0
#: RMS relative residual above which a fit is flagged ``lack_of_fit`` whatever a
#: Kramers-Kronig-consistent model leaves (see :attr:`CircuitFit.flags`)
LACK_OF_FIT_CEILING = 0.10


def _percent(x: float) -> str:
    """A relative residual in percent to two significant digits: ``7.5 %``, ``0.0091 %``, ``120 %``."""
    return f"{100 * x:.2g} %" if 100 * x < 100 else f"{100 * x:.0f} %"


@dataclass
class CircuitFit(FromMeasurement, Result):
    """Result of fitting a circuit to one spectrum (the :class:`~nakit.datamodel.Result` convention).

    ``values``/``stderr`` map parameter names to numbers (``nan`` stderr when the fit could
    not estimate it); ``correlation`` is the matrix over ``free`` (the varied parameters).
    ``units`` holds each parameter's unit (the circuit's): an instance field, so the
    convention's units are looked up through :meth:`result_units`, which adds the fit's own.

    ``to_dict()`` is one row with each parameter and its sigma (``R1``, ``R1_sigma``, ...),
    the settings and figures of the fit; ``to_dataset()`` adds those, and the correlation
    matrix along ``parameter``/``parameter_2``, to the data-and-curve Dataset it has always
    given (which keeps its ``param_*`` attrs).
    """

    dims: ClassVar[dict[str, str]] = {"correlation": "parameter", "frequency": "frequency", "z_data": "frequency"}

    circuit: str
    weighting: str
    method: str
    values: dict[str, float]
    stderr: dict[str, float]
    # field() keeps it a required field: without it dataclass would take Result.units (the class
    # variable of every other result) as this field's default
    units: dict[str, str] = field()
    free: list[str]
    correlation: np.ndarray
    chisqr: float
    redchi: float
    n_points: int
    n_starts: int
    success: bool
    message: str
    frequency: np.ndarray = field(repr=False)
    z_data: np.ndarray = field(repr=False)
    lmfit_result: lmfit.model.ModelResult | None = field(default=None, repr=False)

    def time_constant(self, resistor: str) -> float | None:
        """The fitted time constant of ``resistor`` and the capacitor or CPE in parallel with it
        (:meth:`nakit.eis.circuits.Circuit.time_constant`); None when the circuit pairs none with it."""
        return _parsed(self.circuit).time_constant(resistor, self.values)

    @property
    def flags(self) -> tuple[str, ...]:
        r"""Reasons not to trust the fitted numbers (empty when none).

        ``not_converged``: the optimiser said so. ``uncertainties_undetermined``: a varied
        parameter has no standard error (singular covariance: the data do not determine it).
        ``parameter_undetermined``: a varied parameter's standard error is at least its value
        (the data do not tell it from zero; typically an element the spectrum does not need).
        ``resistance_beyond_spectrum``: a fitted resistance exceeds ten times the largest
        |Z| measured, i.e. it describes a process outside the measured frequencies.
        ``few_frequencies``: fewer than :data:`FREQUENCIES_PER_PARAMETER` frequencies per
        free parameter (a five-point spectrum under a five-parameter circuit: nothing is left
        to tell a right circuit from a wrong one, and Lin-KK and the DRT need ten).
        ``parameter_at_bound``: a varied parameter ended on a finite bound of its range (the
        element's, or one given to :func:`fit_circuit`): a CPE's alpha at 1 or 0, a resistance
        at 0. ``arc_beyond_spectrum``: a resistor's arc (with the capacitor or CPE in parallel
        with it) has its apex, :math:`f = 1/(2\pi\tau)`, outside the measured frequencies.
        The last two caught impedance.py's example cut to 0.003-2.5 Hz: the fit put the arc's
        apex at 3.4 Hz and alpha at 1, and gave an R1 half the full spectrum's, unflagged.
        ``inductive_low_end``: Im(Z) summed over the lowest decade of frequencies is positive
        (:func:`nakit.eis.spectra.low_end_reactance`, the test of :func:`nakit.eis.spectrum_doubts`),
        where a cell is capacitive: most often the sign of Z'' reversed. A flag, not a refusal: a
        genuine low-frequency inductive loop exists, and a circuit with an inductive branch may be
        meant for it. ``lack_of_fit``: the circuit does not describe the spectrum (criterion under
        Notes).

        Notes
        -----
        ``lack_of_fit`` compares the fit's RMS relative residual (:attr:`rms_residual`)

        .. math:: r = \sqrt{\tfrac{1}{N}\sum_i |Z_i - \hat Z_i|^2 / |Z_i|^2}

        with :math:`r_{KK}` (:attr:`kk_rms_residual`), the same quantity for the
        Kramers-Kronig-consistent series of RC elements of the Lin-KK test
        (:func:`nakit.eis.kk.consistent_residual`): no circuit, a sum of linear, causal, stable
        elements, should do much better, and the right one does about as well (the noise of the
        data, plus whatever in them is not KK-consistent). The fit is flagged when

        .. math:: r > \max(r_{floor},\ k\, r_{KK}) \quad\text{or}\quad r > r_{ceiling}

        with :math:`r_{floor}` = :data:`LACK_OF_FIT_FLOOR` = 3 % and :math:`k` =
        :data:`LACK_OF_FIT_RATIO` = 3 (with fewer than 10 frequencies, no Lin-KK test: the floor
        alone). The ratio keeps noise from counting as misfit: the right circuit on a noisy
        spectrum leaves about :math:`r_{KK}` (0.9-1.2 :math:`r_{KK}` on nakit's stand-ins and
        impedance.py's Circuit3 file), 3 leaves room for an imperfect but adequate element (a CPE
        for a distributed arc). The floor keeps the small, systematic misfit of idealised elements
        on clean real data from counting: impedance.py's example (its inductive points left out, as
        its tutorial does) with its own circuit leaves 1.9 % (2.0 % unweighted) and with
        ``R0-p(R1,CPE1)-W1`` 2.5 % (2.7 %), 12-17 times its :math:`r_{KK}` of 0.16 %, values a
        researcher would still use. pyimpspec's two-arc example under that
        one-arc circuit leaves 7.5 % (17 % at worst) against 0.009 %: R1 came out 329 ohm for
        arcs of 200 and 500. Points above the real axis (an inductance) that a circuit without an
        inductor leaves are named in :attr:`flag_details`.

        The ceiling :math:`r_{ceiling}` = :data:`LACK_OF_FIT_CEILING` = 10 % keeps the ratio from
        excusing a curve that misses its points outright. The ratio excuses misfit as the data's
        own; data a Kramers-Kronig-consistent model misses by more than 3.3 % (so that 10 % is
        within the ratio) fail Lin-KK's own 1 % limit, three times over: then the spectrum, not its
        noise, is at fault, and no circuit's values are the cell's. An impedance passed with the
        sign of Z'' reversed is such a case: an exact R0-p(R1,C1) spectrum conjugated left 57 %
        against 53 % for the RC series, and came back unflagged with R1 89 for 100 ohm. 10 % is
        above every fit the tests and stand-ins accept (at most 4 %, the right circuit on 4 %
        noise).
        """
        return tuple(flag for flag, names in self._flagged.items() if names)

    @property
    def flag_details(self) -> tuple[str, ...]:
        """:attr:`flags` in words, each with the parameters it is about: ``not determined by the
        data (standard error at least the value): W1``.

        A report shows these: a flagged fit flags every parameter it gives (they are fitted
        together), and the words say which parameter the flag comes from, so a well determined
        R0 beside an undetermined Warburg does not read as undetermined itself.
        """
        return tuple(CIRCUIT_FLAG_WORDS[flag] if names is True else
                     f"{CIRCUIT_FLAG_WORDS[flag]}: {names if isinstance(names, str) else ', '.join(names)}"
                     for flag, names in self._flagged.items() if names)

    @cached_property
    def rms_residual(self) -> float:
        r"""Root mean square of the relative complex residual :math:`|Z - \hat Z| / |Z|` over the
        frequencies (whatever the weighting); the quantity of :attr:`nakit.eis.kk.LinKKResult.rms_residual`."""
        return float(np.sqrt(np.mean(np.abs(self._relative_residuals) ** 2))) if self.z_data.size else np.nan

    @cached_property
    def kk_rms_residual(self) -> float | None:
        """:attr:`rms_residual` of a Kramers-Kronig-consistent model of the same spectrum
        (:func:`nakit.eis.kk.consistent_residual`): what the data's noise and drift allow;
        ``None`` for fewer than 10 frequencies."""
        from .kk import consistent_residual  # (kk imports this module)

        return consistent_residual(self.frequency, self.z_data) if self.z_data.size else None

    @cached_property
    def _relative_residuals(self) -> np.ndarray:
        # once per fit: flags and flag_details each ask, and rms_residual (cached too) reads the same
        return (self.impedance() - self.z_data) / np.abs(self.z_data)

    def _lack_of_fit(self) -> str:
        """The misfit in words when the fit is flagged ``lack_of_fit`` (see :attr:`flags`), else ``""``."""
        r = self.rms_residual
        if not r > LACK_OF_FIT_FLOOR:
            return ""
        kk = self.kk_rms_residual  # computed only for a fit above the floor
        like_the_data = kk is not None and r <= LACK_OF_FIT_RATIO * kk
        if like_the_data and not r > LACK_OF_FIT_CEILING:
            return ""
        worst = float(np.max(np.abs(self._relative_residuals)))
        words = f"RMS residual {_percent(r)} of |Z| ({_percent(worst)} at worst), "
        if kk is None:
            words += f"no Kramers-Kronig test on {self.n_points} frequencies to compare with"
        elif like_the_data:
            words += (f"above the {_percent(LACK_OF_FIT_CEILING)} past which a curve does not describe its points, "
                      f"although a Kramers-Kronig-consistent series of RC elements leaves {_percent(kk)} on the same "
                      "data: the spectrum itself is not Kramers-Kronig consistent (noise, drift, or Z'' of the wrong "
                      "sign?)")
        else:
            words += (f"{r / kk:.0f} times the {_percent(kk)} a Kramers-Kronig-consistent series of RC elements "
                      "leaves on the same data")
        above = int(np.sum(self.z_data.imag > 0))
        # an inductive low-frequency end has its own flag, whose advice (the sign of Z'') an inductor would hide
        if above and "H" not in self.units.values() and not self._inductive_low_end():
            words += (f"; the {above} points above the real axis (an inductance, usually the cables') are ones a "
                      "circuit without an inductor cannot follow: add one (L0) or leave them out")
        return words

    @cached_property
    def _flagged(self) -> dict[str, list[str] | bool | str]:
        """Per flag, the free parameters that raise it (``not_converged``: True or False;
        ``lack_of_fit``: the misfit in words, ``""`` when there is none). Once per fit: flags and
        flag_details each ask, and a batch asks for a thousand fits."""
        z_max = float(np.max(np.abs(self.z_data))) if self.z_data.size else np.inf
        return {
            "not_converged": not self.success,
            "uncertainties_undetermined": [k for k in self.free if not np.isfinite(self.stderr[k])],
            "parameter_undetermined": [k for k in self.free
                                       if np.isfinite(self.stderr[k]) and self.stderr[k] >= abs(self.values[k])],
            "resistance_beyond_spectrum": [k for k in self.free
                                           if self.units.get(k) == "ohm" and self.values[k] > 10 * z_max],
            "few_frequencies": self.n_points < FREQUENCIES_PER_PARAMETER * len(self.free),
            "parameter_at_bound": [k for k in self.free if self._at_bound(k)],
            "arc_beyond_spectrum": self._arcs_beyond_spectrum(),
            "inductive_low_end": self._inductive_low_end(),
            "lack_of_fit": self._lack_of_fit(),
        }

    def _inductive_low_end(self) -> str:
        """Where the spectrum is inductive at its low-frequency end, in words (see :attr:`flags`), else ``""``."""
        if not self.frequency.size:
            return ""
        reactance, end = low_end_reactance(self.frequency, self.z_data.imag)
        if not reactance > 0:
            return ""
        f = self.frequency[end]
        return f"Im(Z) sums to {reactance:+.3g} ohm over the {end.size} points from {f.min():.3g} to {f.max():.3g} Hz"

    def _at_bound(self, name: str) -> bool:
        """Whether free parameter ``name`` sits on a finite bound (the fit's, else the element's)."""
        par = self.lmfit_result.params.get(name) if self.lmfit_result is not None else None
        lo, hi = (par.min, par.max) if par is not None else _parsed(self.circuit).bounds.get(name, (-np.inf, np.inf))
        v = self.values[name]
        # at 0 (a resistance or Q the data do not need) only exactly: relative to 0 any small value
        # would be "at" it, and a value near 0 has its standard error near itself, flagged undetermined
        return any(math.isfinite(b) and (v == b or abs(v - b) <= 1e-8 * abs(b)) for b in (lo, hi))

    def _arcs_beyond_spectrum(self) -> list[str]:
        """The free resistors whose arc the data do not span: its apex below the lowest frequency
        (the low-frequency end, which sets the resistance, is not measured), or above the highest
        while a series resistance shares the arc's high-frequency intercept (what splits the two is
        not measured). A pellet's ``p(R1,CPE1)-CPE2`` has no series resistance: its bulk arc above
        the highest frequency, as usual for a fast ion conductor, still gives R1 at the spike."""
        if not self.frequency.size:
            return []
        f_lo, f_hi = float(np.min(self.frequency)), float(np.max(self.frequency))
        shared = _series_resistor(self.circuit) is not None
        out = []
        for name in self.free:
            tau = self.time_constant(name) if self.units.get(name) == "ohm" else None
            if tau is None or not np.isfinite(tau) or tau <= 0:  # (a degenerate fit's: flagged otherwise)
                continue
            apex = 1 / (2 * np.pi * tau)
            if apex < f_lo or (apex > f_hi and shared):
                out.append(name)
        return out

    def result_units(self) -> dict[str, str]:
        """Each parameter's unit (the circuit's); chi-square in ohm2 unweighted, dimensionless weighted."""
        chi = "ohm2" if self.weighting == "unit" else "1"
        return {**self.units, "chisqr": chi, "redchi": chi, "rms_residual": "1", "n_points": "1", "n_starts": "1",
                "correlation": "1", "frequency": "Hz", "z_data": "ohm"}

    def _fields(self):
        """Parameters (value, sigma), the correlation as a table over ``free``, the fit's settings and figures."""
        out = [item for k in self.values for item in ((k, self.values[k]), (f"{k}_sigma", self.stderr[k]))]
        out.append(("correlation", pd.DataFrame(np.asarray(self.correlation, dtype=float), index=list(self.free),
                                                columns=list(self.free))))
        return out + [(name, getattr(self, name)) for name in ("circuit", "weighting", "method", "chisqr", "redchi",
                                                                "rms_residual", "n_points", "n_starts", "success",
                                                                "message")]

    def impedance(self, frequency=None) -> np.ndarray:
        """The fitted circuit's impedance at ``frequency`` (default: the measured ones)."""
        f = self.frequency if frequency is None else frequency
        return _parsed(self.circuit).impedance(f, self.values)

    def table(self):
        """Parameters as a pandas DataFrame: name, value, stderr, units, fixed."""
        import pandas as pd

        return pd.DataFrame({"parameter": list(self.values), "value": list(self.values.values()),
                             "stderr": [self.stderr[k] for k in self.values],
                             "units": [self.units[k] for k in self.values],
                             "fixed": [k not in self.free for k in self.values]})

    def to_dataset(self, n_points: int = 200) -> xr.Dataset:
        """Data, fit and residuals over ``frequency``, a smooth fitted curve over ``frequency_fine``,
        and the convention's variables: parameters with ``_sigma`` and units, the correlation
        matrix, flags and ``ok`` in attrs."""
        zf = self.impedance()
        fine = np.geomspace(self.frequency.min(), self.frequency.max(), n_points)[::-1]
        zs = self.impedance(fine)
        ohm = {"units": "ohm"}
        curves = xr.Dataset(
            {"z_real": ("frequency", self.z_data.real, ohm), "z_imag": ("frequency", self.z_data.imag, ohm),
             "fit_real": ("frequency", zf.real, ohm), "fit_imag": ("frequency", zf.imag, ohm),
             "curve_real": ("frequency_fine", zs.real, ohm), "curve_imag": ("frequency_fine", zs.imag, ohm)},
            coords={"frequency": ("frequency", self.frequency, {"units": "Hz"}),
                    "frequency_fine": ("frequency_fine", fine, {"units": "Hz"})},
            attrs={"circuit": self.circuit, "weighting": self.weighting, "method": self.method,
                   "chisqr": self.chisqr, "redchi": self.redchi,
                   **{f"param_{k}": v for k, v in self.values.items()},
                   **{f"param_{k}_sigma": v for k, v in self.stderr.items()}},
        )
        result = super().to_dataset()
        return result.assign(curves.data_vars).assign_attrs({**curves.attrs, **result.attrs})


INDUCTIVE_WHERE = ("high", "all")


def drop_inductive(data: xr.Dataset, where: str = "high") -> xr.Dataset:
    """Remove inductive points (``z_imag > 0``) from a spectrum, as the field does before fitting.

    Parameters
    ----------
    data
        A spectrum Dataset (:mod:`nakit.eis.spectra`), with or without a ``loop`` dimension.
    where
        ``"high"`` (default): only the points above the real axis at the high-frequency end
        of the spectrum (from the highest frequency down to the first point with
        ``z_imag <= 0``), the signature of cable and fixture inductance. ``"all"``: every
        point with ``z_imag > 0``, like impedance.py's ``preprocessing.ignoreBelowX``.

    Returns
    -------
    xarray.Dataset
        A copy without those frequencies. ``attrs["dropped_inductive_points"]`` is how many
        were removed and ``attrs["dropped_inductive_where"]`` the rule; with several loops a
        frequency is removed when it is inductive in any loop, so the loops keep one grid.

    Raises
    ------
    ParameterError
        An unknown ``where``, or a spectrum with no point left.
    """
    if where not in INDUCTIVE_WHERE:
        raise ParameterError(f"where must be one of {INDUCTIVE_WHERE}, got {where!r}")
    impedance_of(data, allow_loops=True)  # checks that this is a spectrum Dataset
    zi = data["z_imag"].values
    inductive = np.atleast_2d(zi > 0)  # NaN (a point a loop lacks) is not inductive
    if where == "high":
        f = data["frequency"].values
        order = np.argsort(-f, kind="stable")
        high = np.zeros_like(inductive)
        for k in range(inductive.shape[0]):
            measured = order[np.isfinite(np.atleast_2d(zi)[k, order])]
            run = measured[: int(np.argmin(inductive[k, measured])) if not inductive[k, measured].all()
                           else measured.size]
            high[k, run] = True
        inductive = high
    drop = inductive.any(axis=0)
    if drop.all():
        raise ParameterError("every point of this spectrum is inductive (z_imag > 0); nothing would be left to fit")
    out = data.isel(frequency=np.flatnonzero(~drop))
    out.attrs = dict(data.attrs, dropped_inductive_points=int(drop.sum()), dropped_inductive_where=where)
    return out


def fit_circuit(data: xr.Dataset, circuit: str | Circuit, **kwargs) -> CircuitFit:
    """Fit ``circuit`` to a spectrum Dataset from :mod:`nakit.eis.readers`.

    Keyword arguments are those of :func:`fit_circuit_raw`; the default weighting is
    ``"modulus"`` (see the module docstring for why it differs from impedance.py's). A
    spectrum with several loops is refused: choose one with
    :func:`nakit.eis.select_loop` or fit each from :func:`nakit.eis.iter_loops`.
    """
    require_dataset(data, "eis", "fit_circuit")
    pass_through("fit_circuit", fit_circuit_raw, kwargs)
    fit = naming_file(data, fit_circuit_raw, data["frequency"].values, impedance_of(data), circuit, **kwargs)
    fit.source = source_attrs(data)
    return fit


def naming_file(data: xr.Dataset, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` on the arrays of spectrum ``data``, its warnings issued again as
    ``"<file>: <message>"`` when ``data`` was read from a file (:func:`nakit.datamodel.source_file`)."""
    name = source_file(data)
    if not name:
        return fn(*args, **kwargs)
    from ..report import labelled  # (report loads matplotlib: only for a spectrum read from a file)

    return labelled(name, fn, *args, **kwargs)


def fit_circuit_raw(frequency, impedance, circuit: str | Circuit, *, initial=None, fixed=None,
                    bounds=None, weighting: str = "modulus", n_starts: int = 1, seed: int = 0,
                    spread: float = 10.0, method: str = "least_squares", tol: float = 1e-12,
                    max_nfev: int = 20000) -> CircuitFit:
    r"""Fit an equivalent circuit to complex impedance by weighted least squares.

    Parameters
    ----------
    frequency, impedance
        Frequencies (Hz, any order) and complex impedance (ohm, signed imaginary part).
    circuit
        Circuit string such as ``"R0-p(R1,CPE1)-Wo1"`` or a :class:`~nakit.eis.circuits.Circuit`.
    initial
        Starting values: a mapping by parameter name or a sequence in the circuit's
        parameter order (impedance.py's ``initial_guess``). Missing ones come from
        :meth:`Circuit.guess`. A name the circuit lacks is refused, here as in ``fixed`` and
        ``bounds``.
    fixed
        Mapping of parameter names to values held constant.
    bounds
        Mapping of parameter names to ``(min, max)`` replacing the element defaults.
    weighting
        ``"unit"``, ``"modulus"`` (default) or ``"proportional"``. The module docstring
        says why the default is ``"modulus"``; ``"unit"`` is impedance.py's default.
    n_starts
        Number of starts. Starts after the first draw every free parameter log-uniformly
        within a factor ``spread`` of its starting value (seeded by ``seed``); the start
        with the lowest chi-square wins.
    method
        lmfit minimiser; ``least_squares`` (trust-region reflective, bounds honoured
        exactly, as in impedance.py's ``curve_fit``) by default.
    tol, max_nfev
        ``ftol``/``xtol``/``gtol`` of ``least_squares`` and the cap on model evaluations per
        start. The tight default converges further than ``curve_fit``'s defaults (1e-8),
        which matters in the flat valleys diffusion elements create.

    Returns
    -------
    CircuitFit

    Notes
    -----
    Minimises :math:`\chi^2 = \sum_i w_i'^2 (Z'_{i} - \hat Z'_{i})^2 + w_i''^2 (Z''_{i} - \hat Z''_{i})^2`.
    Standard errors are the square roots of the diagonal of :math:`s^2 (J^T J)^{-1}` with
    :math:`s^2 = \chi^2 / (2N - P)` (lmfit's convention, the same as ``curve_fit``).

    Circuit parameters span many orders of magnitude (a CPE's :math:`Q \sim 10^{-5}` beside
    resistances of :math:`10^{2}` ohm), so the trust region is measured in each parameter's
    own scale, the column norms of the Jacobian (``x_scale="jac"``, Moré's scaling [2]_);
    with unit scaling the steps crawl along the small parameters. On impedance.py's
    ``exampleData.csv`` with ``R0-p(R1,CPE1)-W1`` unit scaling took 40 662 evaluations to the
    minimum (chi-square 0.991) and, under the cap, stopped unconverged at chi-square 4.41;
    scaled, 202 evaluations reach the same minimum.

    Raises
    ------
    ParameterError
        Bad input: a real ``impedance`` (or one with no imaginary part at any frequency), a name
        in ``initial``, ``fixed`` or ``bounds`` the circuit lacks, or a circuit with at least as
        many free parameters as the 2N data values.
    FitError
        No start converged.

    References
    ----------
    .. [1] Boukamp, B. A. A nonlinear least squares fit procedure for analysis of immittance
       data of electrochemical systems. *Solid State Ionics* 20, 31-44 (1986).
    .. [2] Moré, J. J. The Levenberg-Marquardt algorithm: implementation and theory. In
       *Numerical Analysis*, Lecture Notes in Mathematics 630, 105-116 (Springer, 1978).
    """
    f, z = check_spectrum(frequency, impedance)
    c = circuit if isinstance(circuit, Circuit) else Circuit(circuit)
    fixed = dict(fixed or {})
    _require_parameters(c, initial=initial if isinstance(initial, dict) else {}, fixed=fixed, bounds=bounds or {})
    n_free = len(c.param_names) - len(fixed)
    if n_free >= 2 * f.size:
        raise ParameterError(f"circuit {c.text!r} has {n_free} free parameters but the spectrum has only "
                             f"{f.size} frequencies ({2 * f.size} real values); fewer parameters or more points needed")
    if n_starts < 1:
        raise ParameterError(f"n_starts must be at least 1, got {n_starts}")
    start = c.guess(f, z)
    if initial is not None:
        if not isinstance(initial, dict):
            values = list(initial)
            names = [n for n in c.param_names if n not in fixed]
            if len(values) not in (len(names), len(c.param_names)):
                raise ParameterError(f"initial: expected {len(names)} values for {names}, got {len(values)}")
            initial = dict(zip(names if len(values) == len(names) else c.param_names, values))
        start.update({k: float(v) for k, v in initial.items()})
    start.update(fixed)
    model = CircuitModel(c)
    params = model.make_params(**start)
    for name, (lo, hi) in (bounds or {}).items():
        params[name].set(min=lo, max=hi)
    for name in fixed:
        params[name].set(vary=False)
    w = weights(z, weighting)
    rng = np.random.default_rng(seed)
    best = None
    for k in range(n_starts):
        trial = params.copy()
        if k:
            for p in trial.values():
                if p.vary:
                    v = p.value * spread ** rng.uniform(-1, 1)
                    p.set(value=float(np.clip(v, p.min, p.max)))
        # x_scale="jac": steps measured in units set by the Jacobian's column norms (see Notes)
        fit_kws = {"ftol": tol, "xtol": tol, "gtol": tol, "x_scale": "jac"} if method == "least_squares" else {}
        try:
            res = model.fit(z, trial, frequency=f, weights=w, method=method, fit_kws=fit_kws, max_nfev=max_nfev)
        except (ValueError, FloatingPointError):
            continue  # a start that wandered into NaNs; others may succeed
        if best is None or res.chisqr < best.chisqr:
            best = res
    if best is None:
        raise FitError(f"circuit {c.text!r}: no start of {n_starts} converged (model gave non-finite values)")
    return _as_fit(c, best, weighting, method, f, z, n_starts)


def _require_reactance(given, z: np.ndarray) -> None:
    """Refuse an impedance without an imaginary part: Z' alone (a real array, or complex with
    zero imaginary parts) is fitted by a circuit's arc anyway, 36 % off the data, unflagged, and
    Lin-KK and the DRT return a distribution for it."""
    if np.any(z.imag):
        return
    what = ("real numbers, without an imaginary part" if not np.iscomplexobj(given)
            else "an imaginary part (Z'', a spectrum's z_imag) of 0 at every frequency")
    raise ParameterError(f"impedance: got {what}; the analyses take the complex impedance Z' + 1j*Z'' "
                         "(Z'' < 0 where the cell is capacitive): pass both parts")


def _require_parameters(c: Circuit, **given) -> None:
    """Refuse a name in any of the mappings ``given`` (``initial=``, ``fixed=``, ...) that ``c`` lacks,
    naming the argument: a mistyped name would otherwise be dropped without a word."""
    for argument, names in given.items():
        unknown = sorted(set(names) - set(c.param_names))
        if unknown:
            raise ParameterError(f"{argument}: circuit {c.text!r} has no parameter(s) {unknown}; "
                                 f"it has {c.param_names}")


def _as_fit(c: Circuit, res, weighting, method, f, z, n_starts) -> CircuitFit:
    free = [n for n in c.param_names if res.params[n].vary]
    values = {n: float(res.params[n].value) for n in c.param_names}
    stderr = {n: float(res.params[n].stderr) if res.params[n].stderr is not None else np.nan for n in c.param_names}
    corr = np.full((len(free), len(free)), np.nan)
    if res.covar is not None:
        sd = np.sqrt(np.diag(res.covar))
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = res.covar / np.outer(sd, sd)
    fit = CircuitFit(circuit=c.text, weighting=weighting, method=method, values=values, stderr=stderr,
                     units=dict(c.units), free=free, correlation=corr, chisqr=float(res.chisqr),
                     redchi=float(res.redchi), n_points=int(f.size), n_starts=n_starts,
                     success=bool(res.success), message=str(res.message), frequency=f, z_data=z,
                     lmfit_result=res)
    if fit.flags:
        warnings.warn(f"circuit {c.text!r} fit flagged: {'; '.join(fit.flag_details)}", NakitWarning, stacklevel=3)
    return fit
