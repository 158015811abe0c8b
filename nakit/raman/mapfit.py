"""Fit the same bands to many spectra at once: a batched Levenberg-Marquardt solver.

Why not lmfit in a loop: lmfit (MINPACK) fits one spectrum per call, with finite-difference
derivatives and per-call Python overhead of a few milliseconds; a 100 x 100 map then
takes minutes. Here every spectrum of a map or batch is advanced together: the model and
its analytic Jacobian (:mod:`nakit.raman.lineshapes`) are evaluated for all spectra as
one array, and each Levenberg-Marquardt step solves all the small normal-equation
systems in one ``numpy.linalg.solve`` call. Each spectrum keeps its own damping factor
and stops on its own. Results follow lmfit's parametrisation, so they can be compared
band by band with :func:`nakit.raman.fitting.fit_bands_raw`.

Notes
-----
For each spectrum with residual :math:`r = y - f(p)` and Jacobian :math:`J`, a step
solves

.. math:: (J^T J + \\lambda\\,\\mathrm{diag}(J^T J))\\,\\delta = J^T r,

accepted if it lowers :math:`\\chi^2 = r^T r` (then :math:`\\lambda \\to \\lambda/3`, otherwise
:math:`\\lambda \\to 2\\lambda`). Bounds are enforced by projecting the step onto the box.
Standard errors are :math:`\\sqrt{\\mathrm{diag}((J^T J)^{-1})\\,\\chi^2/(M-P)}`, as lmfit
reports them; parameters that end on a bound get no standard error and are flagged.

References
----------
Marquardt, D. W. An algorithm for least-squares estimation of nonlinear parameters.
J. Soc. Ind. Appl. Math. 11, 431 (1963).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import ParameterError
from ..validation import as_float_array, pass_through
from .fitting import AREA_PER_HEIGHT_FWHM, _as_bands
from .lineshapes import profile
from ..datamodel import require_dataset, source_attrs


class _Layout:
    """Where each band's parameters sit in the per-spectrum parameter vector, and their bounds."""

    def __init__(self, bands, background):
        if background not in ("constant", "linear", None):
            raise ParameterError(f"background must be 'constant', 'linear' or None, got {background!r}")
        self.bands = tuple(bands)
        if not self.bands:
            raise ParameterError("at least one band is needed")
        self.slices, names, lo, hi = [], [], [], []
        for b in self.bands:
            prof = profile(b.shape)
            start = len(names)
            scale = 1 / 2.35482 if b.shape == "gaussian" else 0.5
            bounds = {"amplitude": (0.0, np.inf), "center": b.center_bounds,
                      "sigma": (b.fwhm_bounds[0] * scale, b.fwhm_bounds[1] * scale), "fraction": (0.0, 1.0)}
            for p in prof.params:
                names.append(f"{b.prefix}{p}")
                lo.append(bounds[p][0])
                hi.append(bounds[p][1])
            self.slices.append(slice(start, len(names)))
        self.n_bg = {"constant": 1, "linear": 2, None: 0}[background]
        names += ["bg_c0", "bg_c1"][: self.n_bg]
        lo += [-np.inf] * self.n_bg
        hi += [np.inf] * self.n_bg
        self.names, self.lo, self.hi = names, np.array(lo), np.array(hi)

    def evaluate(self, x, p, jac=True):
        """Model (n, M) and, if asked, Jacobian (n, P, M) for parameters ``p`` (n, P).

        The Jacobian is stored parameter-major so each derivative is one contiguous write.
        """
        n, m = p.shape[0], x.size
        f = np.zeros((n, m))
        J = np.empty((n, p.shape[1], m)) if jac else None
        for b, sl in zip(self.bands, self.slices):
            out = profile(b.shape).jac(x, *(p[:, k, None] for k in range(sl.start, sl.stop)))
            f += out[0]
            if jac:
                for k, d in zip(range(sl.start, sl.stop), out[1:]):
                    J[:, k] = d
        if self.n_bg:
            f += p[:, -self.n_bg, None]
            if jac:
                J[:, -self.n_bg] = 1.0
        if self.n_bg == 2:
            f += p[:, -1, None] * x
            if jac:
                J[:, -1] = x
        return f, J

    def start(self, x, Y):
        """Starting parameters for every spectrum from the band list and each spectrum's data."""
        n = Y.shape[0]
        p = np.zeros((n, len(self.names)))
        floor = np.percentile(Y, 5, axis=1)
        for b, sl in zip(self.bands, self.slices):
            k = np.clip(np.searchsorted(x, b.center), 0, x.size - 1)
            height = np.maximum(Y[:, k] - floor, 1e-6 * (np.ptp(Y, axis=1) + 1e-300))
            vals = {"amplitude": height * b.fwhm * AREA_PER_HEIGHT_FWHM[b.shape], "center": b.center,
                    "sigma": b.fwhm / 2.35482 if b.shape == "gaussian" else b.fwhm / 2, "fraction": 0.5}
            for k2, name in zip(range(sl.start, sl.stop), profile(b.shape).params):
                p[:, k2] = vals[name]
        if self.n_bg:
            p[:, -self.n_bg] = floor
        return np.clip(p, self.lo, self.hi)


def fit_many_raw(x, Y, bands, *, background: str | None = "constant", max_iter: int = 200, tol: float = 1e-10,
                 chunk: int = 512) -> dict[str, np.ndarray]:
    """Fit ``bands`` (:class:`~nakit.raman.fitting.Band` objects or band-library species names) to every
    row of ``Y`` (n_spectra, n_points) sharing the axis ``x``.

    Returns
    -------
    dict
        ``params`` and ``sigma`` (n, P) with ``names`` (P,), ``cov`` (n, P, P), ``chi2``,
        ``redchi``, ``n_iter`` and ``converged`` (n,), ``at_bound`` (n, P) bool.
    """
    x = as_float_array(x, "x", min_size=3)
    Y = as_float_array(Y, "Y", ndim=2)
    if Y.shape[1] != x.size:
        raise ParameterError(f"Y has {Y.shape[1]} points per spectrum but x has {x.size}")
    order = np.argsort(x)
    x, Y = x[order], Y[:, order]
    lay = _Layout(_as_bands(bands, (x[0], x[-1])), background)
    if x.size <= len(lay.names):
        raise ParameterError(f"{x.size} points cannot determine {len(lay.names)} parameters")
    parts = [_solve(lay, x, Y[i:i + chunk], max_iter, tol) for i in range(0, Y.shape[0], chunk)]
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    out["names"] = np.array(lay.names)
    return out


def _solve(lay: _Layout, x, Y, max_iter, tol):
    n, m = Y.shape
    P = len(lay.names)
    p = lay.start(x, Y)
    f, J = lay.evaluate(x, p)
    r = Y - f
    cost = np.einsum("nm,nm->n", r, r)
    lam = np.full(n, 1e-3)
    active = np.ones(n, bool)
    n_iter = np.zeros(n, int)
    eye = np.eye(P)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        Ja, ra = J[idx], r[idx]
        A = Ja @ Ja.transpose(0, 2, 1)  # batched BLAS; einsum would not use it
        g = (Ja @ ra[..., None])[..., 0]
        diag = np.einsum("npp->np", A)
        damp = A + (lam[idx, None] * np.maximum(diag, 1e-12))[:, :, None] * eye
        try:
            step = np.linalg.solve(damp, g[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular system somewhere in the batch
            step = (np.linalg.pinv(damp) @ g[..., None])[..., 0]
        p_new = np.clip(p[idx] + step, lay.lo, lay.hi)
        f_new, J_new = lay.evaluate(x, p_new)
        r_new = Y[idx] - f_new
        c_new = np.einsum("nm,nm->n", r_new, r_new)
        ok = c_new <= cost[idx]
        acc = idx[ok]
        gain = (cost[acc] - c_new[ok]) <= tol * np.maximum(cost[acc], 1e-300)
        p[acc], f[acc], J[acc], r[acc], cost[acc] = p_new[ok], f_new[ok], J_new[ok], r_new[ok], c_new[ok]
        lam[acc] /= 3
        lam[idx[~ok]] *= 2
        n_iter[idx] += 1
        active[acc[gain]] = False
        active[idx[~ok][lam[idx[~ok]] > 1e12]] = False
    converged = ~active
    span = lay.hi - lay.lo
    at_bound = (np.abs(p - lay.lo) <= 1e-6 * np.where(np.isfinite(span), span, 1)) | \
               (np.abs(lay.hi - p) <= 1e-6 * np.where(np.isfinite(span), span, 1))
    redchi = cost / max(m - P, 1)
    A = J @ J.transpose(0, 2, 1)
    free = ~at_bound
    cov = np.full((n, P, P), np.nan)
    for i in range(n):  # each small covariance restricted to the free parameters
        k = np.flatnonzero(free[i])
        try:
            cov[i][np.ix_(k, k)] = np.linalg.inv(A[i][np.ix_(k, k)]) * redchi[i]
        except np.linalg.LinAlgError:
            continue
    sigma = np.sqrt(np.clip(np.einsum("npp->np", cov), 0, None))
    return {"params": p, "sigma": sigma, "cov": cov, "chi2": cost, "redchi": redchi, "n_iter": n_iter,
            "converged": converged, "at_bound": at_bound}


def _propagate(fn, values: dict, cov: np.ndarray, names) -> np.ndarray:
    """First-order standard error of ``fn(values)`` for every spectrum, by central differences."""
    grad = []
    for name in names:
        h = 1e-6 * np.maximum(np.abs(values[name]), 1e-3)
        up, dn = dict(values), dict(values)
        up[name] = values[name] + h
        dn[name] = values[name] - h
        grad.append((fn(up) - fn(dn)) / (2 * h))
    g = np.stack(grad, axis=-1)
    return np.sqrt(np.clip(np.einsum("np,npq,nq->n", g, cov, g), 0, None))


def fit_map(spectra: xr.Dataset | xr.DataArray, bands, *, window: tuple[float, float] | None = None,
            background: str | None = "constant", **kwargs) -> xr.Dataset:
    """Fit ``bands`` to every spectrum of a map/series/batch; return a Dataset of parameter maps.

    For each band ``b``: ``b_center``, ``b_fwhm``, ``b_height``, ``b_area`` with ``_sigma``
    partners (the height's propagated through the band's full parameter covariance), and
    ``b_at_bound``; plus ``redchi``, ``converged`` and ``n_iter``, all over the input's
    non-spectral dims. ``kwargs`` are :func:`fit_many_raw`'s settings (``max_iter``, ``tol``, ``chunk``);
    another name is refused naming the closest of them.
    """
    if not isinstance(spectra, xr.DataArray):
        require_dataset(spectra, "raman", "fit_map")
    pass_through("fit_map", fit_many_raw, kwargs, also=("window",))
    da = spectra["intensity"] if isinstance(spectra, xr.Dataset) else spectra
    if "raman_shift" not in da.dims:
        raise ParameterError(f"expected a 'raman_shift' dimension, got {da.dims}")
    if window is not None:
        lo, hi = sorted(window)
        da = da.sel(raman_shift=(da.raman_shift >= lo) & (da.raman_shift <= hi))
    da = da.transpose(..., "raman_shift")
    other = da.dims[:-1]
    shape = da.shape[:-1]
    bands = _as_bands(bands, (float(da.raman_shift.min()), float(da.raman_shift.max())))
    res = fit_many_raw(da["raman_shift"].values, da.values.reshape(-1, da.shape[-1]), bands,
                       background=background, **kwargs)
    lay = _Layout(bands, background)
    coords = {d: da[d] for d in other if d in da.coords}
    for c in da.coords:
        if c not in coords and c != "raman_shift" and set(da[c].dims) <= set(other):
            coords[c] = da[c]
    units = {"center": "cm-1", "fwhm": "cm-1", "height": da.attrs.get("units", "counts"),
             "area": f"{da.attrs.get('units', 'counts')} cm-1"}
    out = xr.Dataset(coords=coords)
    for b, sl in zip(lay.bands, lay.slices):
        prof = profile(b.shape)
        pv = {name: res["params"][:, k] for name, k in zip(prof.params, range(sl.start, sl.stop))}
        ps = {name: res["sigma"][:, k] for name, k in zip(prof.params, range(sl.start, sl.stop))}
        fwhm = prof.fwhm(pv)
        values = {
            "center": (pv["center"], ps["center"]),
            "area": (pv["amplitude"], ps["amplitude"]),
            "fwhm": (fwhm, fwhm * ps["sigma"] / pv["sigma"]),
            "height": (prof.height(pv), _propagate(prof.height, pv, res["cov"][:, sl, sl], prof.params)),
        }
        name = b.prefix.rstrip("_")
        for q, (v, s) in values.items():
            out[f"{name}_{q}"] = (other, v.reshape(shape), {"units": units[q], "band": b.name, "shape": b.shape})
            out[f"{name}_{q}_sigma"] = (other, s.reshape(shape), {"units": units[q]})
        out[f"{name}_at_bound"] = (other, res["at_bound"][:, sl].any(axis=1).reshape(shape), {"units": "1"})
    for key in ("redchi", "converged", "n_iter"):
        out[key] = (other, res[key].reshape(shape), {"units": "1"})
    out.attrs.update(source_attrs(spectra), method="batched Levenberg-Marquardt (nakit.raman.mapfit)",
                     background=str(background),
                     bands="; ".join(f"{b.name} ({b.shape}, {b.center} in {b.center_bounds[0]:g}-{b.center_bounds[1]:g} cm-1)" for b in lay.bands))
    return out
