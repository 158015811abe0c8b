"""Fitting one circuit to many spectra at once: a vectorised Levenberg-Marquardt.

Why not a loop over lmfit or ``curve_fit``: for a few-parameter circuit, the time of one
fit is dominated by per-iteration Python overhead (parameter objects, the trust-region
bookkeeping, and in impedance.py a circuit string evaluated on every call), not by
arithmetic. Here every iteration advances all spectra together: one numpy evaluation of the
compiled circuit for the residuals of all spectra, one for the finite-difference Jacobian
of all of them, and one batched ``numpy.linalg.solve``. Each spectrum keeps its own damping
and stops on its own convergence test.

Bounds are honoured by fitting transformed parameters: ``p = lo + exp(u)`` for a lower
bound only and ``p = lo + (hi - lo) / (1 + exp(-u))`` for both, so a parameter can approach
but not sit on a bound; when impedance.py's bounded ``curve_fit`` ends inside the bounds,
both find the same least-squares minimum.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from ..errors import NakitWarning, ParameterError
from .circuits import Circuit
from ..validation import pass_through
from .fitting import WEIGHTINGS, CircuitFit, _require_parameters, check_frequency, check_impedance, weights


def _transforms(c: Circuit, names: list[str]):
    lo = np.array([c.bounds[n][0] for n in names], dtype=float)
    hi = np.array([c.bounds[n][1] for n in names], dtype=float)
    two = np.isfinite(hi)
    if not np.all(np.isfinite(lo)):
        raise ParameterError("batch fitting needs a finite lower bound on every parameter")

    def to_p(u):
        return np.where(two, lo + (hi - lo) / (1 + np.exp(-u)), lo + np.exp(np.clip(u, -700, 700)))

    def to_u(p):
        p = np.asarray(p, dtype=float)
        if np.any((p <= lo) | (two & (p >= hi))):
            raise ParameterError("batch fitting: starting values must lie strictly inside the bounds")
        return np.where(two, np.log((p - lo) / np.where(two, hi - p, 1.0)), np.log(p - lo))

    def dp_du(p):
        return np.where(two, (p - lo) * (hi - p) / np.where(two, hi - lo, 1.0), p - lo)

    return to_p, to_u, dp_du


def fit_circuit_batch(frequency, impedance, circuit: str | Circuit, initial=None, *, fixed=None,
                      weighting: str = "modulus", labels=None, files=None, max_iter: int = 500,
                      ftol: float = 1e-12, xtol: float = 1e-10) -> xr.Dataset:
    r"""Fit ``circuit`` to ``S`` spectra measured at the same frequencies.

    Parameters
    ----------
    frequency
        ``N`` frequencies (Hz) shared by all spectra.
    impedance
        Complex array ``(S, N)``.
    initial
        Starting values: a sequence in the circuit's (free) parameter order, used for every
        spectrum, or an array ``(S, P)`` with one row per spectrum; or a mapping of some or all
        parameter names to values. By default (None), and for the names a mapping leaves out,
        each spectrum's own rough start from its data (:meth:`~nakit.eis.circuits.Circuit.guess`),
        as :func:`~nakit.eis.fitting.fit_circuit_raw` starts a single fit.
    fixed
        Mapping of parameter names to values held constant for all spectra.
    weighting
        ``"unit"``, ``"modulus"`` or ``"proportional"``, as in :func:`nakit.eis.fitting.fit_circuit_raw`.
    labels
        What tells the spectra apart (a temperature, a cycle, a name), one per spectrum: the
        ``label`` coordinate of the result, and named with the spectrum's index in a refusal
        or a warning.
    files
        The file each spectrum was read from (``""`` for none): the ``source`` coordinate, and
        named in a refusal or a warning (:func:`fit_spectra` passes them).

    Returns
    -------
    xarray.Dataset
        Over ``spectrum`` and ``parameter``: ``value``, ``value_sigma``, ``correlation``
        (over ``parameter`` x ``parameter_2``), ``determined``, ``chisqr``, ``redchi``,
        ``converged``, ``n_iter``, and each spectrum's ``flags`` and ``flag_details`` (joined
        with ``"; "``, ``""`` for none); the circuit, weighting and method in attrs.
        ``determined`` is False for a parameter the data do not fix at all (it lies along a
        direction in which the fitted impedance does not change: the normal matrix is
        singular there); its ``value`` is one point of a flat valley, and its
        ``value_sigma`` and correlations are NaN.

    Raises
    ------
    ParameterError
        Bad input, as for :func:`nakit.eis.fitting.fit_circuit_raw`: any one spectrum that
        function refuses (a real impedance, a non-finite value), named by its index, label and
        file; a name in ``initial`` or ``fixed`` the circuit lacks, in that function's words.

    Warns
    -----
    NakitWarning
        Naming the spectra whose fit is flagged.

    Notes
    -----
    Each iteration solves :math:`(J^T J + \lambda\,\mathrm{diag}(J^T J))\,\delta = -J^T r` per
    spectrum (Marquardt's scaling), accepting the step when the cost falls (then
    :math:`\lambda \to \lambda/10`) and rejecting it otherwise (:math:`\lambda \to 10\lambda`).
    A spectrum has converged when an accepted step lowers the cost by less than ``ftol``
    relative, or moves the transformed parameters by less than ``xtol``. Standard errors:
    :math:`s^2 (J_p^T J_p)^{-1}` with :math:`s^2 = \chi^2/(2N-P)`, the Jacobian taken with respect
    to the parameters themselves.

    Every spectrum is checked and flagged as :func:`~nakit.eis.fitting.fit_circuit_raw` checks
    and flags one (:attr:`nakit.eis.fitting.CircuitFit.flags`: the same input check, and the
    flags of a :class:`~nakit.eis.fitting.CircuitFit` holding the spectrum's fitted values),
    so a batch whose third spectrum has Z'' of the wrong sign flags that spectrum
    ``inductive_low_end`` as its own fit would. Where the two fits end at different points (a
    spectrum no start describes, such as that one) the flags may differ in kind: a parameter
    here only approaches a bound (see above), so ``parameter_at_bound`` is raised when it comes
    within the flag's 1e-8 relative of one; and a parameter with no effect where the fit ends
    (a Warburg driven to 0) has no standard error here (``uncertainties_undetermined``) where
    lmfit's may be one at least its value (``parameter_undetermined``).

    References
    ----------
    .. [1] Marquardt, D. W. An algorithm for least-squares estimation of nonlinear parameters.
       *J. Soc. Ind. Appl. Math.* 11, 431-441 (1963).
    """
    c = circuit if isinstance(circuit, Circuit) else Circuit(circuit)
    f, z, names_of = _checked_spectra(frequency, impedance, labels, files)
    if weighting not in WEIGHTINGS:
        raise ParameterError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    # the single fit's check: a mistyped name would otherwise be dropped without a word
    _require_parameters(c, initial=initial if isinstance(initial, dict) else {}, fixed=fixed or {})
    fixed = {k: float(v) for k, v in (fixed or {}).items()}
    names = [n for n in c.param_names if n not in fixed]
    S, N, P = z.shape[0], f.size, len(names)
    if P >= 2 * N:
        raise ParameterError(f"circuit {c.text!r} has {P} free parameters but only {N} frequencies")
    p0 = _initial_array(initial, names, c.param_names, S,
                        lambda: [c.guess(f, z[i]) for i in range(S)])
    to_p, to_u, dp_du = _transforms(c, names)
    w = weights(z, weighting)
    w_re, w_im = np.real(w), (np.imag(w) if np.iscomplexobj(w) else w)

    def residuals(u, rows):
        p = to_p(u)
        values = {n: p[:, i:i + 1] for i, n in enumerate(names)}
        values.update(fixed)
        d = c.impedance(f, values) - z[rows]
        r = np.concatenate([d.real * w_re[rows], d.imag * w_im[rows]], axis=1)
        return np.where(np.isfinite(r), r, 1e150)

    def jacobian(u, r, rows):
        h = 1e-7 * np.maximum(1.0, np.abs(u))
        up = u[None, :, :] + np.eye(P)[:, None, :] * h[None, :, :]
        rp = residuals(up.reshape(-1, P), np.tile(rows, P)).reshape(P, len(rows), -1)
        return np.moveaxis((rp - r[None]) / h.T[:, :, None], 0, -1)  # (S, M, P)

    every = np.arange(S)
    u = to_u(p0)
    r = residuals(u, every)
    cost = np.einsum("sm,sm->s", r, r)
    lam = np.full(S, 1e-3)
    J = jacobian(u, r, every)
    active = np.ones(S, dtype=bool)
    n_iter = np.zeros(S, dtype=int)
    for _ in range(max_iter):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        Ja = J[rows]
        A = np.einsum("smp,smq->spq", Ja, Ja)
        g = np.einsum("smp,sm->sp", Ja, r[rows])
        diag = np.einsum("spp->sp", A)
        A = A + (lam[rows, None] * np.maximum(diag, 1e-300))[:, :, None] * np.eye(P)
        try:
            delta = np.linalg.solve(A, -g[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            delta = -np.einsum("spq,sq->sp", np.linalg.pinv(A), g)
        u_new = u[rows] + delta
        r_new = residuals(u_new, rows)
        cost_new = np.einsum("sm,sm->s", r_new, r_new)
        better = cost_new < cost[rows]
        n_iter[rows] += 1
        small = np.max(np.abs(delta) / (np.abs(u[rows]) + xtol), axis=1) < xtol
        done = (better & ((cost[rows] - cost_new) <= ftol * cost_new)) | small | (lam[rows] > 1e15)
        moved = rows[better]
        u[moved], r[moved], cost[moved] = u_new[better], r_new[better], cost_new[better]
        lam[rows] = np.where(better, np.maximum(lam[rows] / 10, 1e-12), lam[rows] * 10)
        active[rows[done]] = False
        refresh = moved[active[moved]]
        if refresh.size:
            J[refresh] = jacobian(u[refresh], r[refresh], refresh)
    p = to_p(u)
    sigma, corr, determined = _uncertainties(jacobian(u, r, every), dp_du(p), cost, 2 * N - P)
    fits = [_single_fit(c, weighting, fixed, dict(zip(names, p[s].tolist())), dict(zip(names, sigma[s].tolist())),
                        corr[s], cost[s], 2 * N - P, not active[s], n_iter[s], f, z[s]) for s in range(S)]
    flags, details = _flags(fits, names_of)
    return xr.Dataset(
        {"value": (("spectrum", "parameter"), p), "value_sigma": (("spectrum", "parameter"), sigma),
         "correlation": (("spectrum", "parameter", "parameter_2"), corr, {"units": "1"}),
         "chisqr": ("spectrum", cost), "redchi": ("spectrum", cost / (2 * N - P)),
         "determined": (("spectrum", "parameter"), determined),
         "converged": ("spectrum", ~active), "n_iter": ("spectrum", n_iter),
         "flags": ("spectrum", flags), "flag_details": ("spectrum", details)},
        coords={"spectrum": np.arange(S), "parameter": names, "parameter_2": names,
                "units": ("parameter", [c.units[n] for n in names]),
                **({} if labels is None else {"label": ("spectrum", list(labels))}),
                **({} if files is None else {"source": ("spectrum", [str(path or "") for path in files])})},
        attrs={"circuit": c.text, "weighting": weighting, "method": METHOD,
               **{f"fixed_{k}": v for k, v in fixed.items()}},
    )


METHOD = "batched Levenberg-Marquardt on log/logit-transformed parameters"
#: the most flagged spectra a batch's warning spells out (its ``flags`` variable has them all)
WARNED_SPECTRA = 5


def _single_fit(c: Circuit, weighting, fixed, values, sigma, corr, chisqr, dof, converged, n_iter, f, z) -> CircuitFit:
    """One spectrum's fit as a :class:`~nakit.eis.fitting.CircuitFit` at the values the batch found
    (free ``values``, their ``sigma``): its flags are those :func:`~nakit.eis.fitting.fit_circuit_raw`
    gives a fit ending there."""
    return CircuitFit(circuit=c.text, weighting=weighting, method=METHOD,
                      values={n: fixed[n] if n in fixed else values[n] for n in c.param_names},
                      stderr={n: sigma.get(n, np.nan) for n in c.param_names}, units=dict(c.units),
                      free=list(values), correlation=corr, chisqr=float(chisqr), redchi=float(chisqr / dof),
                      n_points=int(f.size), n_starts=1, success=bool(converged),
                      message=f"{'converged' if converged else 'not converged'} after {n_iter} iterations",
                      frequency=f, z_data=z)


def _checked_spectra(frequency, impedance, labels, files):
    """Frequencies and the ``(S, N)`` complex impedance, each spectrum through the single fit's
    :func:`~nakit.eis.fitting.check_spectrum` (its two halves: the frequencies are shared), and a
    function naming spectrum ``s`` for messages.

    A refusal names the spectrum: "impedance: ..." alone says nothing of which temperature of a
    series was read without its Z''."""
    given = np.asarray(impedance)
    given = given[None] if given.ndim == 1 else given
    S = given.shape[0] if given.ndim == 2 else 0
    for argument, seq in (("labels", labels), ("files", files)):
        if seq is not None and len(seq) != S:
            raise ParameterError(f"{argument}: expected one per spectrum ({S}), got {len(seq)}")

    def names_of(s: int) -> str:
        file = "" if files is None else str(files[s] or "")
        return ", ".join([f"spectrum {s} of {S}"] + ([] if labels is None else [str(labels[s])])
                         + ([f"file {file}"] if file and not file.startswith("<") else []))

    f = check_frequency(frequency)
    if given.ndim != 2 or given.shape[1] != f.size:
        raise ParameterError(f"impedance: expected shape (S, {f.size}) for {f.size} frequencies, got {given.shape}")
    z = np.empty(given.shape, dtype=complex)
    for s in range(S):
        try:
            z[s] = check_impedance(f, given[s])
        except ParameterError as exc:
            raise ParameterError(f"{exc} (in {names_of(s)})") from None
    return f, z, names_of


def _flags(fits: list[CircuitFit], names_of) -> tuple[np.ndarray, np.ndarray]:
    """Each spectrum's flags and their words (joined with ``"; "``): those of its
    :class:`~nakit.eis.fitting.CircuitFit`, so a spectrum of a batch is flagged as its own fit
    would be. One NakitWarning names the flagged spectra."""
    details = [fit.flag_details for fit in fits]
    flagged = [s for s, words in enumerate(details) if words]
    if flagged:
        shown = [f"{names_of(s)}: {'; '.join(details[s])}" for s in flagged[:WARNED_SPECTRA]]
        more = len(flagged) - len(shown)
        warnings.warn(f"circuit {fits[0].circuit!r} batch fit flagged for {len(flagged)} of {len(fits)} spectra "
                      "(the flags variable): " + " | ".join(shown) + (f" | and {more} more" if more else ""),
                      NakitWarning, stacklevel=3)
    return (np.array(["; ".join(fit.flags) for fit in fits], dtype=object),
            np.array(["; ".join(words) for words in details], dtype=object))


def _initial_array(initial, names, all_names, S, guesses) -> np.ndarray:
    """The ``(S, P)`` starts of the free parameters ``names``; ``guesses()`` gives each spectrum's
    own rough start (a mapping per spectrum), asked for only when ``initial`` leaves names out."""
    if initial is None or isinstance(initial, dict):
        given = {n: float(v) for n, v in (initial or {}).items()}
        if all(n in given for n in names):
            return np.tile([given[n] for n in names], (S, 1))
        return np.array([[given.get(n, start[n]) for n in names] for start in guesses()])
    arr = np.asarray(initial, dtype=float)
    if arr.ndim == 1:
        if arr.size == len(all_names) and len(all_names) != len(names):
            arr = arr[[all_names.index(n) for n in names]]
        if arr.size != len(names):
            raise ParameterError(f"initial: expected {len(names)} values for {names}, got {arr.size}")
        return np.tile(arr, (S, 1))
    if arr.shape != (S, len(names)):
        raise ParameterError(f"initial: expected shape ({S}, {len(names)}), got {arr.shape}")
    return arr.copy()


# A spectrum's normal matrix scaled to unit diagonal with an eigenvalue below this fraction of
# its largest is singular to the precision of the finite-difference Jacobian (~1e-7 relative):
# some combination of parameters does not change the impedance at all. On impedance.py's
# example with R0-p(R1,C1)-p(R2-Wo1,C2) the fit can end where Wo1 acts as a capacitor (its tau
# far above 1/f): ratio ~1e-16 there, against 5e-6 at the better minimum, where Wo1 is
# merely poorly determined (sigma 180 %).
SINGULAR = 1e-10


def _uncertainties(J_u, dpdu, cost, dof) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standard errors, correlations and which parameters the data determine at all.

    A parameter with weight in a null direction of the normal matrix is not determined:
    its standard error and correlations are NaN, not the pseudo-inverse's finite (and
    meaninglessly small) numbers.
    """
    # covariance in u (better conditioned than in p, whose scales span many decades), then
    # the chain rule: cov_p = D cov_u D with D = diag(dp/du) > 0, so correlations are unchanged
    A = np.einsum("smp,smq->spq", J_u, J_u)
    with np.errstate(invalid="ignore", divide="ignore"):
        norm = np.sqrt(np.einsum("spp->sp", A))
        # a parameter that does not change the impedance at all has a zero column in J_u: its
        # row and column of the scaled matrix stay zero (not NaN, which eigh cannot take)
        safe = np.where(norm > 0, norm, 1.0)
        eig, vec = np.linalg.eigh(A / (safe[:, :, None] * safe[:, None, :]))
        null = eig < SINGULAR * eig[:, -1:]
        # parameters with a share of a null direction above numerical noise
        determined = ~np.any(null[:, None, :] & (np.abs(vec) > 1e-3), axis=2) & (norm > 0)
        cov_u = np.linalg.pinv(A) * (cost / dof)[:, None, None]
        sd_u = np.sqrt(np.clip(np.einsum("spp->sp", cov_u), 0, None))
        corr = cov_u / (sd_u[:, :, None] * sd_u[:, None, :])
    sigma = np.where(determined, np.abs(dpdu) * sd_u, np.nan)
    corr = np.where(determined[:, :, None] & determined[:, None, :], corr, np.nan)
    return sigma, corr, determined


def fit_spectra(spectra, circuit: str | Circuit, initial=None, *, labels=None, **kwargs) -> xr.Dataset:
    """:func:`fit_circuit_batch` on a list of spectrum Datasets measured at the same frequencies.

    ``labels`` tell the spectra apart (see :func:`fit_circuit_batch`); by default each one's scalar
    coordinates, when it has any (``loop`` from :func:`nakit.eis.iter_loops`, a ``temperature``
    assigned to it). The files they were read from are the ``source`` coordinate. Without
    ``initial`` each spectrum starts from its own rough guess, as :func:`~nakit.eis.fit_circuit`
    does. Raises
    :class:`~nakit.errors.ParameterError` when the frequency grids differ (fit those groups
    separately).
    """
    from .readers import impedance_of

    pass_through("fit_spectra", fit_circuit_batch, kwargs, also=("labels",),
                 given={"files": "each spectrum's source_path attribute"})
    spectra = list(spectra)
    if not spectra:
        raise ParameterError("no spectra given")
    f = spectra[0]["frequency"].values
    for i, ds in enumerate(spectra[1:], start=1):
        g = ds["frequency"].values
        if g.shape != f.shape or not np.allclose(g, f, rtol=1e-9, atol=0):
            raise ParameterError(f"spectrum {i} has other frequencies than spectrum 0; batch fitting needs one grid")
    if labels is None:
        labels = [_scalar_coordinates(ds) for ds in spectra]
        labels = labels if any(labels) else None
    sources = [str(ds.attrs.get("source_path", "")) for ds in spectra]
    return fit_circuit_batch(f, np.stack([impedance_of(ds) for ds in spectra]), circuit, initial, labels=labels,
                             files=sources, **kwargs)


def _scalar_coordinates(ds: xr.Dataset) -> str:
    """A spectrum's scalar coordinates in words (``"loop 2"``, ``"temperature 313.15 K"``), ``""`` for none."""
    return ", ".join(f"{name} {coord.item()}" + (f" {coord.attrs['units']}" if coord.attrs.get("units", "1") != "1"
                                                  else "")
                     for name, coord in ds.coords.items() if coord.ndim == 0)
