"""Capacity-fade fits (lmfit): exponential decay to a plateau, and a power law.

Both are empirical: the exponential describes a loss that slows towards a stable capacity
(the cast-annealed cathode), the power law a loss that never levels off. Neither is a
mechanism; compare them by AIC/BIC and read the fitted parameters with their standard
errors (lmfit scales the covariance by the reduced chi-square, as the per-cycle scatter is
not known in advance).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import xarray as xr

from ..errors import FitError, NakitWarning, ParameterError
from ..fitutil import at_bound
from ..validation import as_float_array, checked_keywords, same_length, sorted_by
from ..datamodel import Result, require_kind
from .rate import _SUMMARY, _SUMMARY_FROM, current_change

MODELS = ("exponential", "power_law")
#: marks each number of a flagged fit in a report table (as the headline table marks a flagged result)
FLAG_MARK = "⚑"


def fade_model(kind: str):
    """The lmfit model of a fade law, with prefixes and bounded parameter hints.

    Notes
    -----
    ``exponential``: :math:`Q(n) = c + A\\,e^{-(n - n_0)/\\tau}` (``exp_amplitude`` A,
    ``exp_decay`` :math:`\\tau` in cycles, ``c_c`` the capacity it levels off at), with
    :math:`n_0` the first fitted cycle. ``power_law``: :math:`Q(n) = A\\,n^{k}`
    (``pow_amplitude``, ``pow_exponent``; :math:`k < 0` for fade), with :math:`n` the cycle
    number, counted from 1 where the file numbers its first cycle 0 (EC-Lab): :math:`n^k` has
    no value at 0.
    """
    from lmfit.models import ConstantModel, ExponentialModel, PowerLawModel

    if kind == "exponential":
        model = ExponentialModel(prefix="exp_") + ConstantModel(prefix="c_")
        model.set_param_hint("exp_decay", min=1e-3)
        model.set_param_hint("exp_amplitude", min=0.0)
        return model
    if kind == "power_law":
        model = PowerLawModel(prefix="pow_")
        model.set_param_hint("pow_amplitude", min=0.0)
        return model
    raise ParameterError(f"fade model must be one of {MODELS}, got {kind!r}")


@dataclass
class FadeFit(Result):
    """A fitted fade law with its uncertainties (the :class:`~nakit.datamodel.Result` convention).

    ``params``/``stderr`` map lmfit's parameter names (``exp_amplitude``, ``exp_decay``, ``c_c``;
    ``pow_amplitude``, ``pow_exponent``) to numbers (``nan`` stderr when the fit could not
    estimate it), ``correlations`` the pairwise correlations; ``predict(n)`` evaluates the law
    and ``predict_sigma(n)`` its 1-sigma band. ``units`` is the capacity's unit (the summary
    variable's, ``""`` when :func:`fit_fade_raw` was not told): an instance field, so the
    convention's units are looked up through :meth:`result_units`.

    ``to_dict()`` is one row with each parameter and its sigma (``c_c``, ``c_c_sigma``, ...),
    the cycles fitted and the fit's figures; ``to_dataset()`` adds the correlation matrix along
    ``parameter``/``parameter_2``. Amplitudes and ``c_c`` are in the capacity's unit,
    ``exp_decay`` in cycles (``"1"``), ``redchi`` in its square.

    ``flags``: ``uncertainties_undetermined`` (a parameter has no standard error),
    ``<parameter>_at_bound`` (the bound, not the data, set it: an amplitude at 0 means no fade),
    ``plateau_extrapolated`` (exponential: the decay constant exceeds the cycles fitted, so the
    capacity it levels off at, ``c_c``, lies beyond the data), ``plateau_negative``
    (exponential: ``c_c`` < 0, no physical capacity), ``fade_not_significant`` (the amplitude,
    or the power law's exponent, is less than twice its standard error: the data show no fade),
    ``not_fading`` (power law: exponent >= 0), ``current_changes`` (:func:`fit_fade` only: the
    fitted cycles ran at different currents, a rate test among them, so the law follows the rate
    as well as the fade; ``current_change`` says which currents, ``""`` when none).
    """

    dims: ClassVar[dict[str, str]] = {"correlation": "parameter"}
    internal: ClassVar[tuple[str, ...]] = ("_result",)

    model: str
    params: dict[str, float]
    stderr: dict[str, float]
    correlations: dict[str, dict[str, float]]
    redchi: float
    aic: float
    bic: float
    n_points: int
    first_cycle: int
    # field() keeps it a required field: without it dataclass would take Result.units (the class
    # variable of every other result) as this field's default
    units: str = field()
    active_mass_mg: float = float("nan")
    _result: object = field(default=None, repr=False)
    last_cycle: int | None = None
    current_change: str = ""

    def predict(self, cycle) -> np.ndarray:
        """The fitted law's capacity at cycle number(s) ``cycle`` (in :attr:`units`)."""
        n = np.asarray(cycle, dtype=float)
        return self._result.eval(x=self._x(n))

    def _x(self, n):
        return n - self.first_cycle if self.model == "exponential" else _power_law_x(n, self.first_cycle)

    def predict_sigma(self, cycle) -> np.ndarray:
        """1-sigma band of the prediction from the parameter covariance."""
        return self._result.eval_uncertainty(x=self._x(np.asarray(cycle, dtype=float)), sigma=1)

    @property
    def flags(self) -> tuple[str, ...]:
        """Reasons not to trust the fitted numbers (empty when none; see the class docstring)."""
        out = []
        if any(not np.isfinite(v) for v in self.stderr.values()):
            out.append("uncertainties_undetermined")
        fitted = getattr(self._result, "params", {})
        out += [f"{name}_at_bound" for name in self.params if name in fitted and fitted[name].vary
                and at_bound(fitted[name])]
        fade = "exp_amplitude" if self.model == "exponential" else "pow_exponent"
        if fade in self.params and np.isfinite(self.stderr[fade]) \
                and not abs(self.params[fade]) >= 2 * self.stderr[fade]:
            out.append("fade_not_significant")
        if self.model == "exponential":
            if self.last_cycle is not None and self.params["exp_decay"] > self.last_cycle - self.first_cycle:
                out.append("plateau_extrapolated")
            if self.params["c_c"] < 0:
                out.append("plateau_negative")
        elif self.params.get("pow_exponent", -1.0) >= 0:
            out.append("not_fading")
        if self.current_change:
            out.append("current_changes")
        return tuple(out)

    @property
    def flag_details(self) -> tuple[str, ...]:
        """:attr:`flags` in words, for a report (:func:`nakit.report.flags_of` shows these)."""
        words = {"uncertainties_undetermined": "a parameter has no standard error (the data do not determine it)",
                 "fade_not_significant": "no significant fade (the fade term is under twice its standard error)",
                 "plateau_extrapolated": "plateau extrapolated (the decay constant is longer than the cycles "
                                         "fitted, so c_c lies beyond the data)",
                 "plateau_negative": "plateau c_c below zero (no physical capacity)",
                 "not_fading": "not fading (power-law exponent >= 0)",
                 "current_changes": f"fitted across steps of current: {self.current_change}"}
        return tuple(words.get(f, f"{f[:-len('_at_bound')]} at its bound (set by the bound, not the data)"
                               if f.endswith("_at_bound") else f) for f in self.flags)

    def parameter_unit(self, name: str) -> str:
        """The unit of parameter ``name`` in words, for a reader: the capacity's unit for the amplitudes and
        the plateau (``""`` when not told), ``"cycles"`` for the exponential's decay constant, ``""`` for the
        power law's exponent (dimensionless)."""
        if name == "exp_decay":
            return "cycles"
        return "" if name == "pow_exponent" else self.units

    def __repr__(self) -> str:
        # the dataclass's repr gave each parameter without its unit and apart from its standard error
        from ..report import fmt

        parts = [f"{name} = {fmt(value, self.stderr.get(name))}"
                 + (f" {unit}" if (unit := self.parameter_unit(name)) else "")
                 + ("" if np.isfinite(self.stderr.get(name, np.nan)) else " (no standard error)")
                 for name, value in self.params.items()]
        cycles = f"cycles {self.first_cycle}-{self.last_cycle}" if self.last_cycle is not None \
            else f"from cycle {self.first_cycle}"
        return (f"FadeFit({self.model.replace('_', ' ')}, {cycles} ({self.n_points} points): {', '.join(parts)} "
                f"(± one standard error); AIC {self.aic:.1f}; flags: {'; '.join(self.flag_details) or 'none'})")

    def report_row(self) -> dict[str, str]:
        """The fit as one row of a report's table: flags, parameters and AIC, as text.

        Each parameter reads ``value ± sigma``, rounded to its standard error
        (:func:`nakit.report.fmt`). A flagged fit's parameters each end in ``FLAG_MARK`` (⚑)
        and ``flags`` names the reasons (``"none"`` for an unflagged fit), so no number of a fit
        that fails its own checks reads as a plain one, even in a copied cell.
        """
        from ..report import fmt  # the reports' rounding, so the table reads as the headline does

        mark = f" {FLAG_MARK}" if self.flags else ""
        return {"flags": "; ".join(self.flag_details) or "none",
                **{name: fmt(value, self.stderr.get(name)) + mark for name, value in self.params.items()},
                "AIC": f"{self.aic:.1f}"}

    def result_units(self) -> dict[str, str]:
        """Amplitudes and the plateau in the capacity's unit, the rest in cycles or dimensionless."""
        q = self.units
        units = {"exp_decay": "1", "pow_exponent": "1", "correlation": "1", "aic": "1", "bic": "1",
                 "n_points": "1", "first_cycle": "1", "last_cycle": "1", "active_mass_mg": "mg"}
        if q:  # unknown (raw arrays without units=): left without, so check_conventions says so
            units.update({"exp_amplitude": q, "c_c": q, "pow_amplitude": q,
                          "redchi": q if q == "1" else f"({q})**2"})
        return units

    def _fields(self):
        """Parameters (value, sigma), the correlation matrix, the cycles fitted and the fit's figures."""
        import pandas as pd

        names = list(self.params)
        out = [item for k in names for item in ((k, self.params[k]), (f"{k}_sigma", self.stderr[k]))]
        corr = np.array([[1.0 if a == b else self.correlations.get(a, {}).get(b, np.nan) for b in names]
                         for a in names])
        out.append(("correlation", pd.DataFrame(corr, index=names, columns=names)))
        return out + [("model", self.model), ("capacity_units", self.units), ("current_change", self.current_change),
                      *((name, getattr(self, name)) for name in ("first_cycle", "last_cycle", "n_points", "redchi",
                                                                  "aic", "bic", "active_mass_mg"))]


def _warn_if_flagged(fit: FadeFit, stacklevel: int = 3) -> FadeFit:
    """``fit``, warned of when flagged, at the line that called the public function (``stacklevel``:
    3 from its body, 4 through :func:`~nakit.validation.checked_keywords`)."""
    if fit.flags:
        warnings.warn(f"{fit.model} fade fit flagged: {'; '.join(fit.flag_details)}", NakitWarning,
                      stacklevel=stacklevel)
    return fit


def fit_fade_raw(cycle, capacity, model: str = "exponential", *, units: str = "") -> FadeFit:
    """Fit a fade law to discharge capacity against cycle number (plain arrays).

    ``units`` is the capacity's unit (e.g. ``"mAh/g"``); without it the capacity-valued
    results carry no units and their Dataset does not pass ``check_conventions``.

    Returns
    -------
    FadeFit
        Flagged, with a :class:`~nakit.errors.NakitWarning`, when a parameter is undetermined
        or on its bound or the law does not describe a fade (see :class:`FadeFit`).

    Raises
    ------
    FitError
        Fewer than 4 cycles with a capacity, a power law on non-positive numbers, or no
        convergence / no covariance.
    """
    return _warn_if_flagged(_fit_fade(cycle, capacity, model, units))


def _power_law_x(n, first: int):
    """The power law's cycle count: the cycle number, or counted from 1 where the numbering starts at 0
    or below (EC-Lab's cycle 0 is the first cycle; n^k has no value at 0)."""
    return n - first + 1 if first < 1 else n


def _fit_fade(cycle, capacity, model: str, units: str) -> FadeFit:
    n = as_float_array(cycle, "cycle", min_size=0)
    q = as_float_array(capacity, "capacity", allow_nan=True, min_size=0)
    same_length(cycle=n, capacity=q)
    ok = np.isfinite(q)
    n, q = sorted_by(n[ok], q[ok], name="cycle")
    if n.size < 4:
        raise FitError(f"need at least 4 cycles with a capacity to fit a fade law, got {n.size}")
    lm = fade_model(model)
    first = int(n[0])
    if model == "exponential":
        x = n - first
        tail = float(np.median(q[-max(3, n.size // 10):]))
        params = lm.make_params(c_c=0.9 * tail, exp_amplitude=max(q[0] - 0.9 * tail, 1e-6),
                                exp_decay=max((n[-1] - n[0]) / 3.0, 1.0))
    else:
        if np.any(q <= 0):
            raise FitError("a power law needs positive capacities")
        x = _power_law_x(n, first)
        slope, intercept = np.polyfit(np.log(x), np.log(q), 1)
        params = lm.make_params(pow_amplitude=float(np.exp(intercept)), pow_exponent=float(slope))
    result = lm.fit(q, params, x=x)
    if not result.success:
        raise FitError(f"{model} fade fit did not converge ({result.message})")
    if result.covar is None:  # converged, but the capacities do not determine the law's parameters
        raise FitError(f"{model} fade fit: the capacities do not determine its parameters (no covariance: lmfit "
                       "could not estimate their standard errors)")
    names = list(result.params)
    corr = {a: {b: float(result.params[a].correl.get(b, np.nan)) for b in names if b != a}
            for a in names if result.params[a].correl}
    return FadeFit(model, {k: float(p.value) for k, p in result.params.items()},
                   {k: float(p.stderr) if p.stderr is not None else np.nan for k, p in result.params.items()},
                   corr, float(result.redchi), float(result.aic), float(result.bic), int(n.size), first, units,
                   _result=result, last_cycle=int(n[-1]))


@checked_keywords
def fit_fade(summary: xr.Dataset, model: str = "exponential", *, cycles: slice | None = None,
             variable: str | None = None) -> FadeFit:
    """Fit a fade law to a per-cycle summary's (specific) discharge capacity.

    ``cycles`` selects a range (``slice(2, None)`` leaves out the first cycle, whose
    capacity includes irreversible reactions). The fit states the active mass, and is flagged
    ``current_changes`` when the cycles fitted ran at different currents
    (:func:`nakit.cycling.rate.current_change`): a slice of one current's cycles fits the fade alone.
    """
    require_kind(summary, xr.Dataset, "fit_fade", _SUMMARY, _SUMMARY_FROM, dim="cycle")
    variable = variable or ("specific_discharge_capacity" if "specific_discharge_capacity" in summary
                            else "discharge_capacity")
    sel = summary.sel(cycle=cycles) if cycles is not None else summary
    fit = _fit_fade(sel["cycle"].values, sel[variable].values, model, sel[variable].attrs.get("units", ""))
    fit.active_mass_mg = float(summary.attrs.get("active_mass_mg", np.nan))
    if "discharge_current" in sel:  # (a summary of nakit.cycling.summarise has it)
        fit.current_change = current_change(sel, sel["cycle"].values[np.isfinite(sel[variable].values)])
    return _warn_if_flagged(fit, stacklevel=4)
