"""Weighted straight-line fits with parameter uncertainties (Arrhenius plots, growth rates)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CalculationError
from ..validation import as_float_array, same_length


#: a weighted line whose chi-square is this improbable does not describe the points within their errors
LINE_P_VALUE_MIN = 1e-3


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
    #: weighted: sum of squared residuals over their errors (n_points - 2 degrees of freedom)
    chi2: float = float("nan")


def inconsistent(line: Line) -> bool:
    """A weighted line through more than two points whose chi-square has p < :data:`LINE_P_VALUE_MIN`:
    the points scatter about it far beyond their errors."""
    if not line.weighted or line.n_points <= 2 or not np.isfinite(line.chi2):
        return False
    from scipy.stats import chi2

    return bool(chi2.sf(line.chi2, line.n_points - 2) < LINE_P_VALUE_MIN)


def fit_line(x, y, y_sigma=None) -> Line:
    r"""Least-squares line through ``(x, y)``, weighted by ``1/y_sigma**2`` when given.

    Notes
    -----
    With weights, the parameter covariance is :math:`(X^T W X)^{-1}` (the errors are taken
    as known); without, it is scaled by the residual variance :math:`s^2 = \chi^2/(n-2)`,
    which needs at least three points: two points then give ``nan`` errors. Through two
    points with known errors the line is exact and its errors follow from the points'.

    Solved by a QR factorisation of :math:`W^{1/2} X`, not by inverting the normal
    equations: errors spanning many decades (a circuit fit with an undetermined parameter
    beside a well-determined one) square the condition number there, and the inverse
    returned a flat line through points rising by 192 ohm.
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
    root_w = np.sqrt(w)
    q, r = np.linalg.qr(X * root_w[:, None])
    beta = np.linalg.solve(r, q.T @ (y * root_w))
    r_inv = np.linalg.inv(r)  # (2 x 2, triangular: no squared condition)
    cov = r_inv @ r_inv.T
    chi2 = float(np.sum(w * (y - X @ beta) ** 2))
    if y_sigma is None:
        dof = x.size - 2
        cov = cov * (chi2 / dof) if dof > 0 else np.full((2, 2), np.nan)
    return Line(slope=float(beta[1]), intercept=float(beta[0]), slope_sigma=float(np.sqrt(cov[1, 1])),
                intercept_sigma=float(np.sqrt(cov[0, 0])), covariance=float(cov[0, 1]),
                n_points=int(x.size), weighted=y_sigma is not None,
                chi2=chi2 if y_sigma is not None else float("nan"))
