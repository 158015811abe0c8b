"""Weighted straight-line fits with parameter uncertainties (Arrhenius plots, growth rates)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CalculationError
from ..validation import as_float_array, same_length


@dataclass(frozen=True)
class Line:
    """``y = intercept + slope * x`` with one-sigma errors and their covariance."""

    slope: float
    intercept: float
    slope_sigma: float
    intercept_sigma: float
    covariance: float
    n_points: int
    weighted: bool


def fit_line(x, y, y_sigma=None) -> Line:
    r"""Least-squares line through ``(x, y)``, weighted by ``1/y_sigma**2`` when given.

    Notes
    -----
    With weights, the parameter covariance is :math:`(X^T W X)^{-1}` (the errors are taken
    as known); without, it is scaled by the residual variance :math:`s^2 = \chi^2/(n-2)`,
    which needs at least three points: two points then give ``nan`` errors. Through two
    points with known errors the line is exact and its errors follow from the points'.
    """
    x = as_float_array(x, "x", min_size=2)
    y = as_float_array(y, "y", min_size=2)
    same_length(x=x, y=y)
    if np.ptp(x) == 0:
        raise CalculationError("all x values are equal: the slope is undetermined")
    X = np.column_stack([np.ones_like(x), x])
    if y_sigma is not None:
        s = as_float_array(y_sigma, "y_sigma")
        same_length(y=y, y_sigma=s)
        if np.any(s <= 0):
            raise CalculationError("y_sigma must be positive for a weighted fit")
        w = 1 / s**2
    else:
        w = np.ones_like(y)
    A = X.T @ (w[:, None] * X)
    cov = np.linalg.inv(A)
    beta = cov @ (X.T @ (w * y))
    if y_sigma is None:
        dof = x.size - 2
        chi2 = float(np.sum((y - X @ beta) ** 2))
        cov = cov * (chi2 / dof) if dof > 0 else np.full((2, 2), np.nan)
    return Line(slope=float(beta[1]), intercept=float(beta[0]), slope_sigma=float(np.sqrt(cov[1, 1])),
                intercept_sigma=float(np.sqrt(cov[0, 0])), covariance=float(cov[0, 1]),
                n_points=int(x.size), weighted=y_sigma is not None)
