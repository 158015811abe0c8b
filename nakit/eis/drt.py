r"""Distribution of relaxation times (DRT) by Tikhonov regularisation with Gaussian radial
basis functions (the TR-RBF method of Wan, Saccoccio, Chen and Ciucci 2015).

A spectrum is described as a series resistance, an optional series inductance and a continuum
of RC elements whose resistances per unit :math:`\ln\tau` form the distribution
:math:`\gamma(\ln\tau)`. Peaks of :math:`\gamma` separate processes (bulk, grain boundary,
interface) without guessing a circuit; the area under a peak is that process's resistance.

The problem is linear in the unknowns, so one factorisation of the design matrix serves every
regularisation parameter tried and every spectrum measured on the same frequencies: a series
of spectra over cycling costs one singular value decomposition plus one small non-negative
least-squares solve per spectrum (:func:`drt_raw` with a 2-D impedance array).

Written in nakit rather than called from pyimpspec or pyDRTtools: both are GPL-3.0, which the
MIT-licensed nakit may not import, and both solve the non-negative problem with a general QP
solver (cvxopt). pyimpspec's ``calculate_drt_tr_rbf`` is the test oracle
(``tests/eis/test_drt.py``: same basis, penalty and gamma to 0.4 % of its peak on pyimpspec's
example spectrum at equal lambda) and the benchmark (``benchmarks/bench_drt.py``).

With ``weighting="unit"`` (the default, as Wan et al. and pyimpspec) the factorisation is shared
by every spectrum on one frequency grid; ``weighting="modulus"`` needs one SVD per spectrum.
"""

from __future__ import annotations

from typing import ClassVar

import warnings
from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from scipy.optimize import nnls

from ..errors import CalculationError, NakitWarning, ParameterError
from .fitting import check_spectrum
from .readers import impedance_of
from .spectra import LOOP_DIM
from ..validation import pass_through
from ..datamodel import FromMeasurement, require_dataset, Result, source_attrs

__all__ = ["CRITERIA", "DRTPeak", "DRTResult", "MIN_POINTS", "drt", "drt_raw", "drt_table", "rbf_matrices"]

CRITERIA = ("gcv", "mgcv", "lcurve")
WEIGHTINGS = ("unit", "modulus")

#: Fewest frequencies a DRT is computed from (fewer give a distribution that is all prior).
MIN_POINTS = 10

#: Regularisation parameters searched by the criteria (log-spaced, dimensionless: the fit is
#: unweighted, so lambda does not change when the impedance is scaled).
LAMBDA_GRID = np.logspace(-8, 1, 91)

_FWHM_GAUSS = 2 * np.sqrt(np.log(2))  # FWHM of exp(-(eps x)^2) is _FWHM_GAUSS / eps


#: :attr:`DRTResult.flags` in words
DRT_FLAG_WORDS = {
    "residuals_large": "residuals large (the distribution does not reproduce the spectrum)",
    "low_frequency_limit_not_reached": "low-frequency limit not reached (|Z''| still large at the lowest "
                                       "frequency: the slowest process lies beyond the data and is cut off)",
    "lambda_at_grid_edge": "lambda at the edge of its search grid (the criterion has no optimum inside it)",
}

@dataclass(frozen=True)
class DRTPeak:
    """One peak of a DRT: its time constant, characteristic frequency and resistance.

    ``resistance`` is the area under :math:`\\gamma(\\ln\\tau)` between the minima that bound
    the peak (``tau_low``, ``tau_high``); the areas of all peaks add up to the polarisation
    resistance. ``resistance_sigma`` propagates the covariance of the RBF weights (see
    :class:`DRTResult`). A row of its :class:`DRTResult`, which exports it (``peak_*`` along
    ``peak``) and holds the verdict, so not a result of its own (see :mod:`nakit.datamodel`).
    """

    tau: float
    frequency: float
    resistance: float
    resistance_sigma: float
    gamma: float
    tau_low: float
    tau_high: float


@dataclass
class DRTResult(FromMeasurement, Result):
    r"""A distribution of relaxation times and the fit it comes from.

    Attributes
    ----------
    tau, gamma, gamma_sigma
        Fine output grid of time constants (s) and :math:`\gamma(\ln\tau)` (ohm) with its
        standard deviation, the linearised covariance of the regularised estimate at the
        chosen lambda with the weights that hit the non-negativity bound held at zero
        (the regularisation bias is not in it: a measure of noise sensitivity, not of error).
    tau_rbf, weights
        Centres of the radial basis functions (s) and their non-negative weights (ohm).
    r_inf, inductance, capacitance
        Series resistance (ohm), inductance (H; 0 unless fitted) and capacitance (F; None unless
        fitted, inf when the fit puts none in series).
    r_pol, r_pol_sigma
        Polarisation resistance :math:`\int\gamma\,d\ln\tau` (ohm), equal to the sum of the
        peak resistances and to :math:`Z(\omega\to0) - R_\infty` of the fitted model.
    peaks
        :class:`DRTPeak` in order of increasing ``tau``.
    lam, criterion, lambda_grid, criterion_curve
        The regularisation parameter used, how it was chosen (``"gcv"``, ``"lcurve"`` or
        ``"given"``), and the criterion over the grid searched (GCV or mGCV score, or L-curve
        curvature; empty when lambda was given).
    frequency, z_data, z_fit, residuals_real, residuals_imag
        The data, the fitted impedance, and :math:`(Z - \hat Z)/|Z|` per part.
    flags
        Reasons the result should not be trusted as it stands (each also raised as a
        :class:`~nakit.errors.NakitWarning`): ``residuals_large``,
        ``low_frequency_limit_not_reached``, ``lambda_at_grid_edge``.
    """

    flag_words: ClassVar[dict[str, str]] = DRT_FLAG_WORDS
    units: ClassVar[dict[str, str]] = {'tau': 's', 'gamma': 'ohm', 'tau_rbf': 's', 'weights': 'ohm', 'r_inf': 'ohm', 'inductance': 'H', 'capacitance': 'F', 'r_pol': 'ohm', 'lam': '1', 'lambda_grid': '1', 'criterion_curve': '1', 'frequency': 'Hz', 'z_data': 'ohm', 'z_fit': 'ohm', 'residuals_real': '1', 'residuals_imag': '1'}
    dims: ClassVar[dict[str, str]] = {'tau': 'tau', 'gamma': 'tau', 'gamma_sigma': 'tau', 'tau_rbf': 'rbf', 'weights': 'rbf', 'lambda_grid': 'lambda', 'criterion_curve': 'lambda', 'frequency': 'frequency', 'z_data': 'frequency', 'z_fit': 'frequency', 'residuals_real': 'frequency', 'residuals_imag': 'frequency'}

    tau: np.ndarray = field(repr=False)
    gamma: np.ndarray = field(repr=False)
    gamma_sigma: np.ndarray = field(repr=False)
    tau_rbf: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    r_inf: float
    inductance: float
    capacitance: float | None
    r_pol: float
    r_pol_sigma: float
    peaks: tuple[DRTPeak, ...]
    lam: float
    criterion: str
    lambda_grid: np.ndarray = field(repr=False)
    criterion_curve: np.ndarray = field(repr=False)
    frequency: np.ndarray = field(repr=False)
    z_data: np.ndarray = field(repr=False)
    z_fit: np.ndarray = field(repr=False)
    residuals_real: np.ndarray = field(repr=False)
    residuals_imag: np.ndarray = field(repr=False)
    settings: dict = field(default_factory=dict, repr=False)
    flags: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no check failed (no flags)."""
        return not self.flags

    @property
    def rms_residual(self) -> float:
        """Root-mean-square relative residual over both parts."""
        return float(np.sqrt(np.mean(np.concatenate([self.residuals_real, self.residuals_imag]) ** 2)))

    def peak_table(self):
        """The peaks as a :class:`pandas.DataFrame` (one row per peak, units in the column names)."""
        import pandas as pd

        return pd.DataFrame(
            [{"tau_s": p.tau, "frequency_Hz": p.frequency, "resistance_ohm": p.resistance,
              "resistance_sigma_ohm": p.resistance_sigma, "gamma_ohm": p.gamma,
              "tau_low_s": p.tau_low, "tau_high_s": p.tau_high} for p in self.peaks],
            columns=["tau_s", "frequency_Hz", "resistance_ohm", "resistance_sigma_ohm", "gamma_ohm",
                     "tau_low_s", "tau_high_s"])

    def to_dataset(self) -> xr.Dataset:
        """The distribution and the fit as a Dataset (dims ``tau`` and ``frequency``)."""
        ohm = {"units": "ohm"}
        one = {"units": "1"}
        return xr.Dataset(
            {"gamma": ("tau", self.gamma, {**ohm, "long_name": "distribution of relaxation times per ln(tau)"}),
             "gamma_sigma": ("tau", self.gamma_sigma, ohm),
             "fit_real": ("frequency", self.z_fit.real, ohm), "fit_imag": ("frequency", self.z_fit.imag, ohm),
             "residual_real": ("frequency", self.residuals_real, one),
             "residual_imag": ("frequency", self.residuals_imag, one),
             "peak_tau": ("peak", np.array([p.tau for p in self.peaks]), {"units": "s"}),
             "peak_resistance": ("peak", np.array([p.resistance for p in self.peaks]), ohm),
             "peak_resistance_sigma": ("peak", np.array([p.resistance_sigma for p in self.peaks]), ohm)},
            coords={"tau": ("tau", self.tau, {"units": "s"}),
                    "frequency": ("frequency", self.frequency, {"units": "Hz"})},
            attrs={"method": "Tikhonov-regularised DRT, Gaussian RBF (Wan et al. 2015)", "lambda": self.lam,
                   "lambda_criterion": self.criterion, "r_inf": self.r_inf, "inductance": self.inductance,
                   "r_pol": self.r_pol, "r_pol_sigma": self.r_pol_sigma,
                   **{k: str(v) for k, v in self.settings.items()}, "flags": "; ".join(self.flags), **self.source})

    def plot(self, ax=None, *, annotate: bool = True, **kwargs):
        """gamma against tau (log axis) with a one-sigma band; ``annotate`` writes each peak's resistance.

        The y range is the curves' (every curve drawn in ``ax``'s data coordinates, 5 % of their
        span either side, 12 % above with peak labels), not the band's: where lambda is small the
        band can be ten times the curve (0.16 ohm against 0.07 ohm on impedance.py's
        exampleData.csv) and would flatten it. A band cut off at the top is said in the y-axis
        label. Peak labels are moved off the curve and off each other
        (:func:`nakit.layout.clear_labels`); a label that finds no free place above its own peak
        is left out, and the title on the right says how many (their values are in
        :meth:`peak_table`).

        Keyword arguments go to :meth:`matplotlib.axes.Axes.plot` (``color``, ``label``, ...).
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3), layout="constrained")
        line, = ax.plot(self.tau, self.gamma, **kwargs)
        upper = self.gamma + self.gamma_sigma
        ax.fill_between(self.tau, np.maximum(self.gamma - self.gamma_sigma, 0), upper,
                        color=line.get_color(), alpha=0.2, lw=0)
        ax.set_xscale("log")
        ax.set_xlabel("τ / s")
        low, high = _curve_range(ax, room=0.12 if annotate and self.peaks else 0.05)
        ax.set_ylim(low, high)
        clipped = bool(np.nanmax(upper, initial=-np.inf) > high) or "band clipped" in ax.get_ylabel()
        ax.set_ylabel("γ / Ω (±1σ band clipped)" if clipped else "γ / Ω")
        if annotate and self.peaks:
            _label_peaks(ax, self.peaks)
        return ax


def _curve_range(ax, pad: float = 0.05, room: float = 0.12) -> tuple[float, float]:
    """The y range of the curves drawn in ``ax``'s data coordinates (not reference lines, bands or
    labels): ``pad`` of their span below, ``room`` above for peak labels."""
    from matplotlib.lines import Line2D

    ys = [np.asarray(a.get_ydata(), float) for a in ax.get_children()
          if isinstance(a, Line2D) and a.get_transform().contains_branch(ax.transData)]
    ys = np.concatenate(ys) if ys else np.zeros(1)
    ys = ys[np.isfinite(ys)]
    low, high = min(0.0, float(ys.min(initial=0.0))), max(0.0, float(ys.max(initial=0.0)))
    span = (high - low) or 1.0
    return low - pad * span, high + room * span


def _label_peaks(ax, peaks) -> None:
    """Each peak's resistance over it, moved clear of the curves and of each other; those that find no
    place over their own peak are removed and counted in the right-hand title."""
    from .. import layout

    texts = [ax.annotate(f"{p.resistance:.3g} Ω", (p.tau, p.gamma), textcoords="offset points", xytext=(0, 4),
                         ha="center", fontsize=8) for p in peaks]
    stuck = layout.clear_labels(ax, texts)
    gone = {id(t) for t in stuck} | {id(t) for t in layout.off_anchor(ax, texts)}
    for t in texts:
        if id(t) in gone:
            t.remove()
    if gone:
        n = len(gone)
        ax.set_title(f"{n} peak{'s' * (n > 1)} not labelled (no room): see peak_table()", loc="right",
                     fontsize="small")


# ------------------------------------------------------------------ matrices ---------------------

def _epsilon(tau_rbf: np.ndarray, shape_coeff: float) -> float:
    delta = np.mean(np.abs(np.diff(np.log(np.sort(tau_rbf)))))
    return float(shape_coeff * _FWHM_GAUSS / delta)


def rbf_matrices(frequency, tau_rbf, epsilon: float, derivative_order: int = 1):
    r"""Design matrices of Gaussian RBFs and the Tikhonov penalty matrix.

    Parameters
    ----------
    frequency
        Frequencies (Hz), shape (N,).
    tau_rbf
        Centres :math:`\tau_m` of the basis functions (s), shape (M,).
    epsilon
        Shape parameter of :math:`\phi_m(y) = \exp(-(\epsilon(y - \ln\tau_m))^2)`.
    derivative_order
        1 or 2: the penalty is :math:`\int (d^k\gamma/dy^k)^2\,dy`.

    Returns
    -------
    A_re, A_im : ndarray (N, M)
        :math:`\int \phi_m(y)/(1+j\omega_n e^{y})\,dy` split into real and imaginary parts.
    P : ndarray (M, M)
        :math:`P_{mk} = \int \phi_m^{(k)}\phi_l^{(k)}\,dy`, in closed form.

    Notes
    -----
    With :math:`x = y - \ln\tau_m` and :math:`u = \ln(\omega_n\tau_m)` the kernels are
    :math:`(1 - \tanh(x+u))/2` and :math:`-1/(2\cosh(x+u))`, analytic in a strip of half-width
    :math:`\pi/2`; the trapezoid rule with step :math:`h \le \min(0.1, 0.5/\epsilon)` over
    :math:`|x| \le 7/\epsilon` is then exact to about 1e-17 relative (error
    :math:`\sim e^{-\pi^2/h}` and :math:`e^{-\pi^2/(\epsilon h)^2}`). The penalty uses the
    Gaussian autocorrelation :math:`C(d) = \sqrt{\pi/2}/\epsilon\,e^{-\epsilon^2 d^2/2}`:
    :math:`P^{(1)} = -C''(d)`, :math:`P^{(2)} = C''''(d)`, :math:`d = \ln\tau_m - \ln\tau_l`.
    """
    f = np.asarray(frequency, dtype=float)
    tau_rbf = np.asarray(tau_rbf, dtype=float)
    h = min(0.1, 0.5 / epsilon)
    half = 7.0 / epsilon
    x = np.linspace(-half, half, 2 * int(np.ceil(half / h)) + 1)
    wq = np.full(x.size, x[1] - x[0])
    wq[[0, -1]] *= 0.5
    wq = wq * np.exp(-(epsilon * x) ** 2)
    u = np.log(2 * np.pi * f)[:, None] + np.log(tau_rbf)[None, :]
    xu = x[None, None, :] + u[:, :, None]
    A_re = ((1 - np.tanh(xu)) / 2) @ wq
    A_im = -(1 / (2 * np.cosh(np.clip(xu, -700, 700)))) @ wq
    d = np.log(tau_rbf)[:, None] - np.log(tau_rbf)[None, :]
    a = epsilon**2 / 2
    g = np.sqrt(np.pi / 2) / epsilon * np.exp(-a * d**2)
    if derivative_order == 1:
        P = (2 * a - 4 * a**2 * d**2) * g
    elif derivative_order == 2:
        P = (16 * a**4 * d**4 - 48 * a**3 * d**2 + 12 * a**2) * g
    else:
        raise ParameterError(f"derivative_order must be 1 or 2, got {derivative_order!r}")
    return A_re, A_im, P


class _Factorised:
    """The shared part of the problem for one frequency grid: design, penalty and one SVD.

    Unknowns ``[R_inf, (L,) w_1..w_M]``; the series terms are not penalised. With ``K0`` their
    columns, ``Q0`` an orthonormal basis of their span and ``C`` the Cholesky factor of the RBF
    penalty, the RBF part in standard form is ``Kt = (I - Q0 Q0^T) K1 C^-1 = U S V^T``; every
    lambda's influence matrix is then ``Q0 Q0^T + U diag(s^2/(s^2+lam)) U^T``.
    """

    def __init__(self, f, matrices, extra=(), row_weights=None):
        A_re, A_im, P = matrices
        n = f.size
        w = 2 * np.pi * f
        columns = {"inductance": np.concatenate([np.zeros(n), w]),  # j w L
                   "capacitance": np.concatenate([np.zeros(n), -1 / w])}  # 1/(j w C), unknown 1/C
        series = [np.concatenate([np.ones(n), np.zeros(n)])] + [columns[e] for e in extra]
        self.extra = tuple(extra)
        self.n_series = len(series)
        self.K_model = np.hstack([np.column_stack(series), np.vstack([A_re, A_im])])  # unweighted: Z = K x
        self.row_weights = np.ones(2 * n) if row_weights is None else row_weights
        self.K = self.K_model * self.row_weights[:, None]
        self.K0 = self.K[:, :self.n_series]
        self.K1 = self.K[:, self.n_series:]
        self.P = P
        # a tiny ridge keeps the Cholesky factor defined when distant Gaussians make P near-singular
        self.C = np.linalg.cholesky(P + 1e-12 * np.trace(P) / P.shape[0] * np.eye(P.shape[0])).T
        self.Q0, _ = np.linalg.qr(self.K0)
        Kt = self.K1 - self.Q0 @ (self.Q0.T @ self.K1)
        Kt = np.linalg.solve(self.C.T, Kt.T).T  # Kt C^-1
        self.U, self.s, self.Vt = np.linalg.svd(Kt, full_matrices=False)
        self.n_rows = 2 * n

    def scores(self, b: np.ndarray, lambdas: np.ndarray, criterion: str) -> np.ndarray:
        """Criterion values, shape (S, len(lambdas)), for data columns ``b`` of shape (2N, S)."""
        b0 = b - self.Q0 @ (self.Q0.T @ b)  # what the series terms leave
        beta = self.U.T @ b0  # (M, S)
        # the part no lambda can fit, formed explicitly: ||b0||^2 - ||beta||^2 loses every digit
        # to cancellation when the noise is 1e-4 of |Z|
        out_of_range = np.sum((b0 - self.U @ beta) ** 2, axis=0)
        s2 = self.s[:, None] ** 2  # (M, 1)
        lam = lambdas[None, :]
        shrink = lam / (s2 + lam)  # (M, L)
        resid = out_of_range[:, None] + np.einsum("ms,ml->sl", beta**2, shrink**2)
        if criterion in ("gcv", "mgcv"):
            # trace(I - rho H); rho > 1 (modified GCV, Kim and Gu 2004) penalises small lambdas more
            rho = 1.0 if criterion == "gcv" else (2.0 if self.n_rows >= 100 else 1.3)
            dof = self.n_rows - rho * (self.n_series + np.sum(s2 / (s2 + lam), axis=0))
            return self.n_rows * resid / dof[None, :] ** 2
        # L-curve: curvature of (log residual norm, log penalty norm) parametrised by log lambda
        penalty = np.einsum("ms,ml->sl", beta**2, s2 / (s2 + lam) ** 2)
        rho, eta = 0.5 * np.log(resid), 0.5 * np.log(penalty)
        t = np.log(lambdas)
        d1r, d1e = np.gradient(rho, t, axis=1), np.gradient(eta, t, axis=1)
        d2r, d2e = np.gradient(d1r, t, axis=1), np.gradient(d1e, t, axis=1)
        return (d1r * d2e - d2r * d1e) / (d1r**2 + d1e**2) ** 1.5

    def solve_nonnegative(self, b: np.ndarray, lam: float) -> np.ndarray:
        """Non-negative solution of ``min |K x - b|^2 + lam |C w|^2`` (NNLS on the stacked system)."""
        ns = self.n_series
        reg = np.hstack([np.zeros((self.C.shape[0], ns)), np.sqrt(lam) * self.C])
        x, _ = nnls(np.vstack([self.K, reg]), np.concatenate([b, np.zeros(self.C.shape[0])]), maxiter=50 * self.K.shape[1])
        return x

    def covariance(self, x: np.ndarray, b: np.ndarray, lam: float) -> np.ndarray:
        """Linearised covariance of ``x`` with the bound (zero) unknowns held fixed."""
        free = x > 0
        cov = np.zeros((x.size, x.size))
        if not free.any():
            return cov
        Kf = self.K[:, free]
        Pfull = np.zeros((x.size, x.size))
        Pfull[self.n_series:, self.n_series:] = self.P
        H = Kf.T @ Kf + lam * Pfull[np.ix_(free, free)]
        try:
            Hinv_Kt = np.linalg.solve(H, Kf.T)
        except np.linalg.LinAlgError:
            Hinv_Kt = np.linalg.lstsq(H, Kf.T, rcond=None)[0]
        dof = self.n_rows - np.trace(Kf @ Hinv_Kt)
        r = self.K @ x - b
        s2 = float(r @ r) / max(dof, 1.0)
        cov[np.ix_(free, free)] = s2 * Hinv_Kt @ Hinv_Kt.T
        return cov


# ------------------------------------------------------------------ peaks -----------------------

def _peaks(y_fine, gamma, basis_area, cov_w, prominence):
    """Peaks of gamma on the fine grid, each bounded by the minima to its neighbours."""
    gmax = gamma.max() if gamma.size else 0.0
    if gmax <= 0:
        return []
    g = gamma
    interior = np.flatnonzero((g[1:-1] > g[:-2]) & (g[1:-1] >= g[2:])) + 1
    candidates = list(interior)
    if g[0] > g[1]:
        candidates.insert(0, 0)
    if g[-1] > g[-2]:
        candidates.append(g.size - 1)
    # keep maxima that rise by `prominence` x max above the deeper of the minima around them
    kept = []
    for i in candidates:
        left = g[: i + 1][::-1]
        right = g[i:]
        higher_l = np.flatnonzero(left > g[i])
        higher_r = np.flatnonzero(right > g[i])
        base_l = left[: higher_l[0]].min() if higher_l.size else left.min()
        base_r = right[: higher_r[0]].min() if higher_r.size else right.min()
        if g[i] - max(base_l, base_r) >= prominence * gmax:
            kept.append(i)
    bounds = [0]
    for i, j in zip(kept[:-1], kept[1:]):
        bounds.append(i + int(np.argmin(g[i:j + 1])))
    bounds.append(g.size - 1)
    peaks = []
    for k, i in enumerate(kept):
        lo, hi = bounds[k], bounds[k + 1]
        sl = slice(lo, hi + 1)
        w = basis_area[sl]  # trapezoid weights of each basis function over this segment, (n, M)
        wseg = np.trapezoid(w, y_fine[sl], axis=0)
        area = float(np.trapezoid(g[sl], y_fine[sl]))
        sigma = float(np.sqrt(max(wseg @ cov_w @ wseg, 0.0)))
        tau = float(np.exp(_refine_max(y_fine, g, i)))
        peaks.append(DRTPeak(tau=tau, frequency=1 / (2 * np.pi * tau), resistance=area, resistance_sigma=sigma,
                             gamma=float(g[i]), tau_low=float(np.exp(y_fine[lo])), tau_high=float(np.exp(y_fine[hi]))))
    return peaks


def _refine(grid, curves, best, *, maximise):
    """Optimum between grid points: vertex of the parabola through the best point and its neighbours in log lambda."""
    t = np.log(grid)
    out = grid[best].astype(float)
    for k, i in enumerate(best):
        if 0 < i < grid.size - 1:
            c = -curves[k] if maximise else curves[k]
            out[k] = np.exp(_refine_max(t, -c, i))
    return out


def _refine_max(y, g, i):
    """Vertex of the parabola through the maximum and its neighbours (sub-grid peak position)."""
    if i == 0 or i == g.size - 1:
        return y[i]
    den = g[i - 1] - 2 * g[i] + g[i + 1]
    if den >= 0:
        return y[i]
    return y[i] + 0.5 * (g[i - 1] - g[i + 1]) / den * (y[i + 1] - y[i])


# ------------------------------------------------------------------ public API ------------------

def drt(data: xr.Dataset, **kwargs):
    """DRT of a spectrum Dataset; keyword arguments as :func:`drt_raw`.

    A Dataset with a ``loop`` dimension gives a list of :class:`DRTResult`, one per loop in
    order; loops measured on the same frequencies share one factorisation.
    """
    require_dataset(data, "eis", "drt")
    pass_through("drt", drt_raw, kwargs)
    f = data["frequency"].values
    if LOOP_DIM not in data.dims:
        result = drt_raw(f, impedance_of(data), **kwargs)
        result.source = source_attrs(data)
        return result
    z = impedance_of(data, allow_loops=True)
    present = np.isfinite(z)
    results: list = [None] * z.shape[0]
    # group loops by which frequencies they hold (NaN where a sweep lacks a point)
    patterns: dict[bytes, list[int]] = {}
    for i in range(z.shape[0]):
        patterns.setdefault(present[i].tobytes(), []).append(i)
    for rows in patterns.values():
        cols = present[rows[0]]
        out = drt_raw(f[cols], z[np.ix_(rows, cols)], **kwargs)
        for i, r in zip(rows, out):
            r.source = source_attrs(data)  # the loops of one file
            results[i] = r
    return results


def drt_raw(frequency, impedance, *, lam: float | None = None, criterion: str = "mgcv", derivative_order: int = 1,
            shape_coeff: float = 0.5, inductance: bool = False, tau=None, prominence: float = 0.005,
            max_residual: float = 0.01, lf_tolerance: float = 0.1, lambda_grid=None, weighting: str = "unit",
            capacitance: bool = False):
    r"""Distribution of relaxation times by Tikhonov regularisation with Gaussian RBFs.

    Parameters
    ----------
    frequency
        Frequencies (Hz), shape (N,), any order.
    impedance
        Complex impedance (ohm), shape (N,) for one spectrum or (S, N) for S spectra measured
        on the same frequencies (one factorisation serves them all).
    lam
        Regularisation parameter; ``None`` chooses it per spectrum by ``criterion``.
    criterion
        How lambda is chosen when ``lam`` is None, over :data:`LAMBDA_GRID` (the optimum
        refined between grid points by a parabola in log lambda):
        ``"mgcv"`` (default), the minimum of the modified generalised cross-validation score
        (Kim and Gu 2004; :math:`\rho = 1.3`, or 2 from 50 frequencies on, as Maradesa et al.
        2023 and pyimpspec); ``"gcv"``, the minimum of the plain GCV score (Wahba 1985);
        ``"lcurve"``, the point of largest curvature of the L-curve. Why mGCV: it needs no
        noise estimate, GCV-type scores were the most reliable criteria for DRT in the
        comparisons of Saccoccio et al. (2014) and Maradesa et al. (2023), and for a fixed
        frequency grid the score of every lambda and spectrum follows from one SVD; plain GCV
        under-smooths at the low noise of good impedance data (on a 0.3 %-noise two-ZARC
        spectrum it splits the peaks into seven, mGCV gives the two true peaks plus ~1 %
        side lobes), and the L-curve corner is ill-defined when the curve bends smoothly.
    derivative_order
        Order of the derivative penalised (1, as pyimpspec's default, or 2).
    shape_coeff
        Width of the Gaussians: their FWHM is the mean spacing of ``ln tau`` divided by
        ``shape_coeff`` (0.5, the FWHM rule of Wan et al. and pyimpspec).
    inductance
        Fit a series inductance too (for spectra with an inductive high-frequency tail).
    capacitance
        Fit a series capacitance too (ion-blocking electrodes: their spike has no resistance
        to assign, and without it the DRT cannot fit the spectrum). The low-frequency-limit
        flag then judges the fitted distribution without the capacitor. Use it with
        ``weighting="modulus"``: unweighted, the capacitor's large impedance at low frequency
        dominates the fit and its noise shows up as resistance at the longest time constants.
    tau
        Centres of the basis functions (s); default :math:`1/(2\pi f)` at the measured
        frequencies. (pyimpspec places them at :math:`1/f`; pass ``tau=1/f`` to match it.)
    prominence
        A peak is kept when it rises above the deeper minimum beside it by this fraction of
        the highest gamma.
    max_residual
        Flag ``residuals_large`` when the RMS relative residual exceeds this.
    lf_tolerance
        Flag ``low_frequency_limit_not_reached`` when, at the lowest frequency,
        :math:`|Z''| > ` ``lf_tolerance`` :math:`\times (Z' - R_\infty)`: the spectrum has not
        returned to the real axis, so part of the polarisation lies beyond the data and
        ``r_pol`` is a lower bound.
    lambda_grid
        Lambdas searched by the criterion (default :data:`LAMBDA_GRID`).
    weighting
        ``"unit"`` (default; Wan et al., pyimpspec): residuals in ohm, so one factorisation serves
        every spectrum on the grid. ``"modulus"``: rows divided by :math:`|Z|`, right when the
        noise is a fixed fraction of :math:`|Z|` (as for most analysers) and the spectrum spans
        decades of :math:`|Z|`; the cross-validation criteria assume equal noise on every row,
        and unweighted they under-smooth such spectra (lambda at the bottom of the grid, the
        arcs split into many peaks). Costs one SVD per spectrum (about 2 ms for 61 points).

    Returns
    -------
    DRTResult or list of DRTResult
        One per spectrum. Flags (each also a :class:`~nakit.errors.NakitWarning`):
        ``residuals_large``, ``low_frequency_limit_not_reached``, ``lambda_at_grid_edge``
        (the criterion's optimum is at the end of the grid searched).

    Raises
    ------
    ParameterError
        Non-finite or non-positive frequencies, repeated frequencies, non-finite impedance,
        an unknown criterion, or lam <= 0.
    CalculationError
        Fewer than :data:`MIN_POINTS` frequencies.

    Notes
    -----
    Model (Wan et al. 2015, eqs. 2, 6, 8):

    .. math::

        \hat Z(\omega) = R_\infty + j\omega L\ [+ 1/(j\omega C)] + \int_{-\infty}^{\infty}
            \frac{\gamma(\ln\tau)}{1 + j\omega\tau}\,d\ln\tau, \qquad
        \gamma(y) = \sum_{m=1}^{M} w_m\,e^{-(\epsilon(y - \ln\tau_m))^2}

    Real and imaginary parts are fitted jointly (unweighted, or rows divided by :math:`|Z|`), with :math:`w_m \ge 0`,
    :math:`R_\infty \ge 0`, :math:`L \ge 0`:

    .. math::

        \min_{x \ge 0}\ \lVert A_{re}x - Z'\rVert^2 + \lVert A_{im}x - Z''\rVert^2
            + \lambda\, w^T P w, \qquad P_{ml} = \int \phi_m^{(k)}\phi_l^{(k)}\,dy

    solved as a non-negative least-squares problem on the stacked system
    :math:`[A; \sqrt\lambda\,C]`, :math:`P = C^TC`. The GCV score (Wahba 1985) is that of
    the unconstrained problem, :math:`\mathrm{GCV}(\lambda) = 2N\,\lVert(I-H_\lambda)b\rVert^2
    / \mathrm{tr}(I-\rho H_\lambda)^2` (:math:`\rho = 1` for GCV), evaluated for all lambdas from the SVD of the problem in
    standard form. The polarisation resistance is
    :math:`R_{pol} = \int\gamma\,d\ln\tau = \sqrt\pi/\epsilon\sum_m w_m = \hat Z(0) - R_\infty`.

    What to expect (tests/eis/test_drt.py, 0.3 % noise): a lone RC element (a delta function)
    comes out as one peak about as wide as the basis functions, at :math:`\tau = RC` within
    2 % and with its area within 2 %. A ZARC comes out close to its closed-form distribution
    for :math:`\alpha = 0.7`; for narrower ones (:math:`\alpha = 0.85`) the peak is lower and
    broader than the true one and flanked by side lobes about a decade either side holding a
    few % of R each (ringing of the non-negative regularised fit, the same in pyimpspec): the
    main peak then holds about 91 % of R, and the peaks within 1.5 decades hold R within 3 %.
    Processes closer than about a decade are not separated, and noise at the ends of the
    window can appear as small peaks: read peaks of a few % of :math:`R_{pol}` with care.
    The polarisation resistance is robust (1 % or better) when the data reach the
    low-frequency limit.

    References
    ----------
    .. [1] Wan, T. H.; Saccoccio, M.; Chen, C.; Ciucci, F. Influence of the discretization methods
       on the distribution of relaxation times deconvolution: implementing radial basis functions
       with DRTtools. *Electrochim. Acta* 184, 483-499 (2015).
    .. [2] Saccoccio, M.; Wan, T. H.; Chen, C.; Ciucci, F. Optimal regularization in distribution of
       relaxation times applied to electrochemical impedance spectroscopy: ridge and lasso
       regression methods. *Electrochim. Acta* 147, 470-482 (2014).
    .. [3] Maradesa, A.; Py, B.; Wan, T. H.; Effat, M. B.; Ciucci, F. Selecting the regularization
       parameter in the distribution of relaxation times. *J. Electrochem. Soc.* 170, 030502 (2023).
    .. [4] Wahba, G. A comparison of GCV and GML for choosing the smoothing parameter in the
       generalized spline smoothing problem. *Ann. Statist.* 13, 1378-1402 (1985).
    .. [5] Kim, Y.-J.; Gu, C. Smoothing spline Gaussian regression: more scalable computation via
       efficient approximation. *J. R. Stat. Soc. B* 66, 337-356 (2004).
    """
    z_in = np.asarray(impedance)
    single = z_in.ndim == 1
    if z_in.ndim not in (1, 2):
        raise ParameterError(f"impedance: expected shape (N,) or (spectra, N), got {z_in.shape}")
    z2 = np.atleast_2d(z_in)
    f = None
    zs = []
    for row in z2:
        f, zr = check_spectrum(frequency, row)
        zs.append(zr)
    z = np.array(zs)
    n = f.size
    if n < MIN_POINTS:
        raise CalculationError(f"DRT needs at least {MIN_POINTS} frequencies, got {n}: with fewer the "
                               "distribution is determined by the regularisation rather than the data")
    if weighting not in WEIGHTINGS:
        raise ParameterError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    if criterion not in CRITERIA:
        raise ParameterError(f"criterion must be one of {CRITERIA}, got {criterion!r}")
    if lam is not None and not (np.isfinite(lam) and lam > 0):
        raise ParameterError(f"lam must be a positive number, got {lam!r}")
    if not (np.isfinite(shape_coeff) and shape_coeff > 0):
        raise ParameterError(f"shape_coeff must be positive, got {shape_coeff!r}")
    if derivative_order not in (1, 2):
        raise ParameterError(f"derivative_order must be 1 or 2, got {derivative_order!r}")
    tau_rbf = 1 / (2 * np.pi * f) if tau is None else np.asarray(tau, dtype=float)
    if tau_rbf.ndim != 1 or tau_rbf.size < 2 or not np.all(np.isfinite(tau_rbf) & (tau_rbf > 0)):
        raise ParameterError("tau: expected at least two positive, finite time constants")
    tau_rbf = np.sort(tau_rbf)
    grid = LAMBDA_GRID if lambda_grid is None else np.sort(np.asarray(lambda_grid, dtype=float))
    if lam is None and (grid.size < 3 or not np.all(grid > 0)):
        raise ParameterError("lambda_grid: expected at least three positive values")

    eps = _epsilon(tau_rbf, shape_coeff)
    matrices = rbf_matrices(f, tau_rbf, eps, derivative_order)
    series = ("inductance",) * bool(inductance) + ("capacitance",) * bool(capacitance)
    b = np.vstack([z.real.T, z.imag.T])  # (2N, S)
    if weighting == "unit":
        facs = [_Factorised(f, matrices, series)] * z.shape[0]  # one factorisation for every spectrum
    else:
        # rows scaled by |Z|_rms / |Z|: relative residuals, yet in ohm as unweighted ones, so that lambda
        # keeps the same (scale-free) meaning under both weightings
        facs = [_Factorised(f, matrices, series, np.tile(np.sqrt(np.mean(np.abs(zk) ** 2)) / np.abs(zk), 2))
                for zk in z]
    bw = b * np.column_stack([fac.row_weights for fac in facs]) if weighting != "unit" else b
    if lam is None:
        if weighting == "unit":
            curves = facs[0].scores(b, grid, criterion)
        else:
            curves = np.vstack([fac.scores(bw[:, [k]], grid, criterion) for k, fac in enumerate(facs)])
        best = np.argmax(curves, axis=1) if criterion == "lcurve" else np.argmin(curves, axis=1)
        edge = (best == 0) | (best == grid.size - 1)
        lams = _refine(grid, curves, best, maximise=criterion == "lcurve")
    else:
        curves = np.zeros((z.shape[0], 0))
        lams = np.full(z.shape[0], float(lam))
        edge = np.zeros(z.shape[0], bool)

    # fine output grid: 10 points per basis spacing, reaching 4/eps beyond the outer centres
    y_rbf = np.log(tau_rbf)
    step = np.mean(np.diff(y_rbf)) / 10
    y_fine = np.arange(y_rbf[0] - 4 / eps, y_rbf[-1] + 4 / eps + step / 2, step)
    basis = np.exp(-(eps * (y_fine[:, None] - y_rbf[None, :])) ** 2)  # (F, M)
    ns = facs[0].n_series
    settings = {"derivative_order": derivative_order, "shape_coeff": shape_coeff, "epsilon": eps,
                "inductance": bool(inductance), "weighting": weighting, "prominence": prominence}

    results = []
    for k in range(z.shape[0]):
        fac = facs[k]
        x = fac.solve_nonnegative(bw[:, k], lams[k])
        cov = fac.covariance(x, bw[:, k], lams[k])
        w, cov_w = x[ns:], cov[ns:, ns:]
        gamma = basis @ w
        gamma_sigma = np.sqrt(np.maximum(np.sum((basis @ cov_w) * basis, axis=1), 0))
        fitted = fac.K_model @ x
        z_fit = fitted[:n] + 1j * fitted[n:]
        rel = (z[k] - z_fit) / np.abs(z[k])
        area_unit = np.sqrt(np.pi) / eps
        r_pol = float(area_unit * w.sum())
        r_pol_sigma = float(area_unit * np.sqrt(max(cov_w.sum(), 0.0)))
        peaks = _peaks(y_fine, gamma, basis, cov_w, prominence)
        flags = []
        if np.sqrt(np.mean(np.concatenate([rel.real, rel.imag]) ** 2)) > max_residual:
            flags.append("residuals_large")
        lo = np.argmin(f)
        # with a series capacitor, the data's |Z''| at low frequency is mostly the capacitor's, and its noise
        # would decide the flag: judge the fitted distribution's own impedance there instead
        z_lo = z_fit[lo] + 1j * x[ns - 1] / (2 * np.pi * f[lo]) if capacitance else z[k][lo]
        if abs(z_lo.imag) > lf_tolerance * max(z_lo.real - x[0], 0.0):
            flags.append("low_frequency_limit_not_reached")
        if edge[k]:
            flags.append("lambda_at_grid_edge")
        if flags:
            label = "" if single else f" (spectrum {k})"
            warnings.warn(f"DRT flagged{label}: {'; '.join(DRT_FLAG_WORDS[f] for f in flags)}; RMS relative residual "
                          f"{np.sqrt(np.mean(np.abs(rel) ** 2)):.2g}, lambda {lams[k]:.3g}", NakitWarning, stacklevel=2)
        results.append(DRTResult(
            tau=np.exp(y_fine), gamma=gamma, gamma_sigma=gamma_sigma, tau_rbf=tau_rbf, weights=w,
            r_inf=float(x[0]), inductance=float(x[1]) if inductance else 0.0,
            capacitance=(1 / float(x[ns - 1]) if x[ns - 1] > 0 else float("inf")) if capacitance else None, r_pol=r_pol, r_pol_sigma=r_pol_sigma,
            peaks=tuple(peaks), lam=float(lams[k]), criterion="given" if lam is not None else criterion,
            lambda_grid=grid if lam is None else np.zeros(0), criterion_curve=curves[k],
            frequency=f, z_data=z[k], z_fit=z_fit, residuals_real=rel.real, residuals_imag=rel.imag,
            settings=settings, flags=tuple(flags)))
    return results[0] if single else results


def drt_table(results, labels=None, *, dim: str = "spectrum") -> xr.Dataset:
    """Stack DRT results that share a tau grid along ``dim`` (for a series over cycling).

    Variables: ``gamma``/``gamma_sigma`` (dim, tau), ``r_inf``, ``r_pol``/``r_pol_sigma``,
    ``lambda``, ``n_peaks`` and ``flags`` (dim).
    """
    results = list(results)
    if not results:
        raise ParameterError("drt_table: no results given")
    tau = results[0].tau
    if any(r.tau.shape != tau.shape or not np.allclose(r.tau, tau) for r in results):
        raise ParameterError("drt_table: the results do not share a tau grid (different frequencies)")
    labels = list(range(len(results))) if labels is None else list(labels)
    if len(labels) != len(results):
        raise ParameterError(f"drt_table: {len(labels)} labels for {len(results)} results")
    ohm = {"units": "ohm"}
    return xr.Dataset(
        {"gamma": ((dim, "tau"), np.array([r.gamma for r in results]), ohm),
         "gamma_sigma": ((dim, "tau"), np.array([r.gamma_sigma for r in results]), ohm),
         "r_inf": (dim, np.array([r.r_inf for r in results]), ohm),
         "r_pol": (dim, np.array([r.r_pol for r in results]), ohm),
         "r_pol_sigma": (dim, np.array([r.r_pol_sigma for r in results]), ohm),
         "lambda": (dim, np.array([r.lam for r in results]), {"units": "1"}),
         "n_peaks": (dim, np.array([len(r.peaks) for r in results]), {"units": "1"}),
         "flags": (dim, np.array(["; ".join(r.flags) for r in results], dtype=object))},
        coords={dim: (dim, labels, {"units": "1"} if np.asarray(labels).dtype.kind in "iuf" else {}),
                "tau": ("tau", tau, {"units": "s"})},
        attrs={"method": "Tikhonov-regularised DRT, Gaussian RBF (Wan et al. 2015)"})
