"""scipy's trust-region-reflective least squares for many small bounded fits, without its per-call overhead.

``scipy.optimize.least_squares(fun, x0, jac=jac, bounds=(lb, ub), x_scale="jac")`` (method
"trf", dense exact trust-region solver, linear loss, default tolerances) as scipy 1.17 runs
it, step for step: the loop of ``scipy.optimize._lsq.trf.trf_bounds`` restricted to those
settings, calling scipy's own helpers (``select_step``, ``solve_lsq_trust_region``,
``CL_scaling_vector``, ...), so every number is computed by the same operations in the same
order and the result is the same to the bit (``tests/xrd/test_fast_paths.py`` compares it with
``least_squares``). What it leaves out is the overhead around them, which dominates for the
~100 x 10 Jacobians of the peak fits: ``least_squares``' ``VectorFunction`` wrappers (a copy
and a comparison of x and a counter per evaluation) and ``scipy.linalg.svd``'s argument
handling (array-API dispatch, batch check, LAPACK look-up and workspace query per call): here
LAPACK's ``gesdd`` is looked up once and its workspace queried once per fit, as ``svd`` would.

The loop below follows scipy's (BSD-3-Clause, Copyright (c) 2001-2002 Enthought, Inc.
2003, SciPy Developers), with its comments shortened. Used only with the scipy release it
was checked against (:data:`SCIPY_RELEASE`); any other falls back to ``least_squares``.
"""

from __future__ import annotations

import numpy as np

#: the scipy release (major.minor) whose ``trf_bounds`` this follows
SCIPY_RELEASE = "1.17"


def available() -> bool:
    """Whether the installed scipy is the release this loop was checked against."""
    import scipy

    return ".".join(scipy.__version__.split(".")[:2]) == SCIPY_RELEASE


def _svd_thin(a_shape):
    """``scipy.linalg.svd(a, full_matrices=False)`` for float64 arrays of shape ``a_shape``: gesdd, same workspace."""
    from scipy.linalg.lapack import _compute_lwork, get_lapack_funcs

    probe = np.empty(a_shape)
    gesdd, gesdd_lwork = get_lapack_funcs(("gesdd", "gesdd_lwork"), (probe,), ilp64="preferred")
    lwork = _compute_lwork(gesdd_lwork, a_shape[0], a_shape[1], compute_uv=True, full_matrices=False)

    def svd(a):
        a = np.asarray_chkfinite(a)  # scipy's check_finite=True
        u, s, vt, info = gesdd(a, compute_uv=True, lwork=lwork, full_matrices=False, overwrite_a=False)
        if info > 0:
            from scipy.linalg import LinAlgError

            raise LinAlgError("SVD did not converge")
        if info < 0:
            raise ValueError(f"illegal value in {-info}th argument of internal gesdd")
        return u, s, vt

    return svd


def _norm(x):
    """``numpy.linalg.norm(x)`` of a 1-D float array (the same operations)."""
    return np.sqrt(x.dot(x))


def _norm_inf(x):
    """``numpy.linalg.norm(x, ord=np.inf)`` of a 1-D float array (the same operations)."""
    return abs(x).max(axis=(0,), initial=0)


def least_squares_trf(fun, jac, x0, lb, ub, ftol: float = 1e-8, xtol: float = 1e-8, gtol: float = 1e-8):
    """``least_squares(fun, x0, jac=jac, bounds=(lb, ub), x_scale="jac")``: the same result, the same bits.

    ``fun`` and ``jac`` must return a float 1-D array and a dense float 2-D array. Returns an
    ``OptimizeResult`` with x, cost, fun, jac, grad, optimality, active_mask, nfev, njev,
    status, message and success as ``least_squares`` does (``nfev`` may count an evaluation
    at a point ``least_squares``' wrapper remembered).
    """
    from scipy.optimize import OptimizeResult
    from scipy.optimize._lsq.common import (CL_scaling_vector, check_termination, compute_jac_scale,
                                            find_active_constraints, make_strictly_feasible,
                                            solve_lsq_trust_region, update_tr_radius)
    from scipy.optimize._lsq.least_squares import TERMINATION_MESSAGES
    from scipy.optimize._lsq.trf import select_step

    # least_squares' preparation
    x0 = np.atleast_1d(x0).astype(float)
    lb, ub = np.asarray(lb, dtype=float), np.asarray(ub, dtype=float)
    if lb.shape != x0.shape or ub.shape != x0.shape:
        raise ValueError("Inconsistent shapes between bounds and `x0`.")
    if np.any(lb >= ub):
        raise ValueError("Each lower bound must be strictly less than each upper bound.")
    if not np.all((x0 >= lb) & (x0 <= ub)):
        raise ValueError("Initial guess is outside of provided bounds")
    x0 = make_strictly_feasible(x0, lb, ub)
    f0 = np.atleast_1d(fun(x0))
    if not np.all(np.isfinite(f0)):
        raise ValueError("Residuals are not finite in the initial point.")
    J0 = np.atleast_2d(jac(x0))

    # trf_bounds (loss_function None, tr_solver "exact", x_scale "jac", max_nfev None)
    x = x0.copy()
    f = f0
    f_true = f.copy()
    nfev = 1
    J = J0
    njev = 1
    m, n = J.shape
    cost = 0.5 * np.dot(f, f)
    g = J.T.dot(f)
    scale, scale_inv = compute_jac_scale(J)
    v, dv = CL_scaling_vector(x, g, lb, ub)
    v[dv != 0] *= scale_inv[dv != 0]
    Delta = _norm(x0 * scale_inv / v**0.5)
    if Delta == 0:
        Delta = 1.0
    g_norm = _norm_inf(g * v)
    f_augmented = np.zeros(m + n)
    J_augmented = np.empty((m + n, n))
    svd = _svd_thin(J_augmented.shape)
    max_nfev = x0.size * 100
    alpha = 0.0  # Levenberg-Marquardt parameter
    termination_status = None
    actual_reduction = None

    while True:
        v, dv = CL_scaling_vector(x, g, lb, ub)
        g_norm = _norm_inf(g * v)
        if g_norm < gtol:
            termination_status = 1
        if termination_status is not None or nfev == max_nfev:
            break
        # the "hat" space: x_scale (here the Jacobian's column norms) and Coleman-Li scaling
        v[dv != 0] *= scale_inv[dv != 0]
        d = v**0.5 * scale
        diag_h = g * dv * scale
        g_h = d * g
        f_augmented[:m] = f
        J_augmented[:m] = J * d
        J_h = J_augmented[:m]  # a view
        J_augmented[m:] = np.diag(diag_h**0.5)
        U, s, V = svd(J_augmented)
        V = V.T
        uf = U.T.dot(f_augmented)
        theta = max(0.995, 1 - g_norm)  # step back from the bounds
        actual_reduction = -1
        while actual_reduction <= 0 and nfev < max_nfev:
            p_h, alpha, _ = solve_lsq_trust_region(n, m, uf, s, V, Delta, initial_alpha=alpha)
            p = d * p_h
            x_p = x + p
            if ((x_p >= lb) & (x_p <= ub)).all():
                # select_step's first case (the step stays inside the bounds), its
                # evaluate_quadratic(J_h, g_h, p_h, diag=diag_h) written out
                Js = J_h.dot(p_h)
                q = np.dot(Js, Js)
                q += np.dot(p_h * diag_h, p_h)
                step, step_h, predicted_reduction = p, p_h, -(0.5 * q + np.dot(p_h, g_h))
            else:
                step, step_h, predicted_reduction = select_step(x, J_h, diag_h, g_h, p, p_h, d, Delta, lb, ub, theta)
            x_new = x + step
            # make_strictly_feasible(x_new, lb, ub, rstep=0) changes only a point on or beyond a bound
            x_new = x_new.copy() if ((x_new > lb) & (x_new < ub)).all() else make_strictly_feasible(x_new, lb, ub, rstep=0)
            f_new = np.atleast_1d(fun(x_new))
            nfev += 1
            step_h_norm = _norm(step_h)
            if not np.all(np.isfinite(f_new)):
                Delta = 0.25 * step_h_norm
                continue
            cost_new = 0.5 * np.dot(f_new, f_new)
            actual_reduction = cost - cost_new
            Delta_new, ratio = update_tr_radius(Delta, actual_reduction, predicted_reduction, step_h_norm,
                                                step_h_norm > 0.95 * Delta)
            step_norm = _norm(step)
            termination_status = check_termination(actual_reduction, cost, step_norm, _norm(x), ratio, ftol, xtol)
            if termination_status is not None:
                break
            alpha *= Delta / Delta_new
            Delta = Delta_new
        if actual_reduction > 0:
            x = x_new
            f = f_new
            f_true = f.copy()
            cost = cost_new
            J = np.atleast_2d(jac(x))
            njev += 1
            g = J.T.dot(f)
            scale, scale_inv = compute_jac_scale(J, scale_inv)
        else:
            actual_reduction = 0

    if termination_status is None:
        termination_status = 0
    active_mask = find_active_constraints(x, lb, ub, rtol=xtol)
    return OptimizeResult(x=x, cost=cost, fun=f_true, jac=J, grad=g, optimality=g_norm, active_mask=active_mask,
                          nfev=nfev, njev=njev, status=termination_status,
                          message=TERMINATION_MESSAGES[termination_status], success=termination_status > 0)
