"""Criteria and settings shared by nakit's least-squares fits (Raman bands, XRD background humps,
whole-pattern and peak fits)."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

#: A parameter within this fraction of its allowed range from a bound is "at its bound".
BOUND_TOLERANCE = 1e-4


def at_bound(par) -> bool:
    """True when an lmfit parameter ended on (within 1e-4 of its range from) one of its bounds.

    A value the bound, not the data, set: its standard error means little and the fitted
    feature may not be there. With a one-sided bound (an infinite range) the tolerance is
    1e-8 x max(|value|, 1) from the finite bound.
    """
    span = par.max - par.min
    tol = BOUND_TOLERANCE * span if np.isfinite(span) else 1e-8 * max(abs(par.value), 1.0)
    return bool(abs(par.value - par.min) <= tol or abs(par.max - par.value) <= tol)


@contextmanager
def one_blas_thread():
    """Run the enclosed least-squares fits with the BLAS/LAPACK libraries on one thread.

    Why: the Jacobians of nakit's fits are tall and thin (thousands of points, tens of
    parameters); their SVD/QR take milliseconds on one thread, and OpenBLAS's own threads only
    add synchronisation, which on a busy machine (two notebooks of a reproduction, a batch
    worker per core) becomes oversubscription: one whole-pattern SVD measured 184 ms on two
    threads under load against 11 ms on one (notebook 01 with one thread: 44 -> 31 s of CPU).
    One thread also gives the same bits on every machine: OpenBLAS's multi-threaded reductions
    differ from its single-threaded ones (the ball-milled stand-in's crystallinity in its 6th
    significant digit), so a result would otherwise depend on the core count of the machine
    that ran it. Uses threadpoolctl (BSD-3-Clause); the limit is lifted on exit, so a user's
    own numpy work keeps its threads. Usable as a decorator: ``@one_blas_thread()``.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
