"""Capacity-fade fits (lmfit): exponential decay to a plateau, and a power law.

Both are empirical: the exponential describes a loss that slows towards a stable capacity
(the cast-annealed cathode), the power law a loss that never levels off. Neither is a
mechanism; compare them by AIC/BIC and read the fitted parameters with their standard
errors (lmfit scales the covariance by the reduced chi-square, as the per-cycle scatter is
not known in advance).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..errors import FitError, ParameterError
from ..validation import as_float_array, same_length, sorted_by
from ..datamodel import require_kind
from .rate import _SUMMARY, _SUMMARY_FROM

MODELS = ("exponential", "power_law")


def fade_model(kind: str):
    """The lmfit model of a fade law, with prefixes and bounded parameter hints.

    Notes
    -----
    ``exponential``: :math:`Q(n) = c + A\\,e^{-(n - n_0)/\\tau}` (``exp_amplitude`` A,
    ``exp_decay`` :math:`\\tau` in cycles, ``c_c`` the capacity it levels off at), with
    :math:`n_0` the first fitted cycle. ``power_law``: :math:`Q(n) = A\\,n^{k}`
    (``pow_amplitude``, ``pow_exponent``; :math:`k < 0` for fade).
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
class FadeFit:
    """A fitted fade law with its uncertainties; ``predict(n)`` evaluates it."""

    model: str
    params: dict[str, float]
    stderr: dict[str, float]
    correlations: dict[str, dict[str, float]]
    redchi: float
    aic: float
    bic: float
    n_points: int
    first_cycle: int
    units: str
    active_mass_mg: float = float("nan")
    _result: object = field(default=None, repr=False)

    def predict(self, cycle) -> np.ndarray:
        n = np.asarray(cycle, dtype=float)
        return self._result.eval(x=self._x(n))

    def _x(self, n):
        return n - self.first_cycle if self.model == "exponential" else n

    def predict_sigma(self, cycle) -> np.ndarray:
        """1-sigma band of the prediction from the parameter covariance."""
        return self._result.eval_uncertainty(x=self._x(np.asarray(cycle, dtype=float)), sigma=1)


def fit_fade_raw(cycle, capacity, model: str = "exponential") -> FadeFit:
    """Fit a fade law to discharge capacity against cycle number (plain arrays)."""
    n = as_float_array(cycle, "cycle")
    q = as_float_array(capacity, "capacity", allow_nan=True)
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
        if np.any(n <= 0) or np.any(q <= 0):
            raise FitError("a power law needs positive cycle numbers and capacities")
        x = n
        slope, intercept = np.polyfit(np.log(n), np.log(q), 1)
        params = lm.make_params(pow_amplitude=float(np.exp(intercept)), pow_exponent=float(slope))
    result = lm.fit(q, params, x=x)
    if not result.success or result.covar is None:
        raise FitError(f"{model} fade fit did not converge or its covariance is undefined "
                       f"({result.message})")
    names = list(result.params)
    corr = {a: {b: float(result.params[a].correl.get(b, np.nan)) for b in names if b != a}
            for a in names if result.params[a].correl}
    return FadeFit(model, {k: float(p.value) for k, p in result.params.items()},
                   {k: float(p.stderr) if p.stderr is not None else np.nan for k, p in result.params.items()},
                   corr, float(result.redchi), float(result.aic), float(result.bic), int(n.size), first, "",
                   _result=result)


def fit_fade(summary: xr.Dataset, model: str = "exponential", *, cycles: slice | None = None,
             variable: str | None = None) -> FadeFit:
    """Fit a fade law to a per-cycle summary's (specific) discharge capacity.

    ``cycles`` selects a range (``slice(2, None)`` leaves out the first cycle, whose
    capacity includes irreversible reactions). The fit states the active mass.
    """
    require_kind(summary, xr.Dataset, "fit_fade", _SUMMARY, _SUMMARY_FROM, dim="cycle")
    variable = variable or ("specific_discharge_capacity" if "specific_discharge_capacity" in summary
                            else "discharge_capacity")
    sel = summary.sel(cycle=cycles) if cycles is not None else summary
    fit = fit_fade_raw(sel["cycle"].values, sel[variable].values, model)
    fit.units = sel[variable].attrs.get("units", "")
    fit.active_mass_mg = float(summary.attrs.get("active_mass_mg", np.nan))
    return fit
