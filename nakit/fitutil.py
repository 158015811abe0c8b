"""Criteria shared by nakit's lmfit-based fits (Raman bands, XRD background humps)."""

from __future__ import annotations

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
