"""Interfacial resistance of a cell over cycling: collection from circuit fits and growth rate.

The interfacial (charge-transfer plus interphase) resistance is the resistor of the
mid-frequency arc in a fitted circuit such as ``R0-p(R1,CPE1)-W1``; how fast it grows over
cycles is a direct measure of interface degradation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Mapping

import numpy as np
import xarray as xr

from ..errors import ParameterError
from ..validation import as_float_array, checked_keywords, same_length, sorted_by
from .fitting import CircuitFit
from .regression import LINE_P_VALUE_MIN, fit_line, inconsistent
from ..datamodel import Result


@dataclass(frozen=True)
class Growth(Result):
    """Linear growth of a resistance with cycle number.

    ``flags``: ``line_inconsistent`` (the points scatter about the weighted line far beyond
    their errors, chi-square p < :data:`LINE_P_VALUE_MIN`: the resistance does not grow
    linearly, or its errors are too small), ``rests_on_flagged_fits`` (``flagged_cycles``:
    points from circuit fits that failed their own checks).
    """

    units: ClassVar[dict[str, str]] = {'rate': 'ohm', 'intercept': 'ohm', 'first_cycle': '1', 'last_cycle': '1',
                                       'change': 'ohm', 'ratio': '1', 'chi2': '1', 'flagged_cycles': '1'}
    flag_words: ClassVar[dict[str, str]] = {
        "line_inconsistent": "the points scatter about the straight line far beyond their errors (chi-square "
                             f"p < {LINE_P_VALUE_MIN:g}): the resistance does not grow linearly, or its errors are "
                             "understated; read the change first to last instead"}
    dims: ClassVar[dict[str, str]] = {}

    rate: float  # ohm per cycle
    rate_sigma: float
    intercept: float
    first_cycle: int
    last_cycle: int
    change: float  # R(last) - R(first), measured values, ohm
    change_sigma: float
    ratio: float  # R(last) / R(first)
    flags: tuple[str, ...] = ()
    chi2: float = float("nan")  # of the weighted line, n - 2 degrees of freedom
    flagged_cycles: tuple[int, ...] = ()

    def _flag_words(self) -> dict[str, str]:
        cycles = ", ".join(str(c) for c in self.flagged_cycles)
        return {**self.flag_words, "rests_on_flagged_fits": f"rests on circuit fits that failed their own checks "
                                                            f"(cycle {cycles}): indicative only"}


@checked_keywords(aliases={"param": "parameter", "name": "parameter"})
def resistance_vs_cycle(fits: Mapping[int, CircuitFit], parameter: str = "R1", *, label: str = "") -> xr.Dataset:
    """The fitted ``parameter`` (a resistance) of each cycle's spectrum as a Dataset over ``cycle``."""
    if not fits:
        raise ParameterError("no fits given")
    cycles = sorted(fits)
    for c in cycles:
        if parameter not in fits[c].values:
            raise ParameterError(f"cycle {c}: the circuit {fits[c].circuit!r} has no parameter {parameter!r}")
    ds = xr.Dataset(
        {"resistance": ("cycle", [fits[c].values[parameter] for c in cycles], {"units": "ohm"}),
         "resistance_sigma": ("cycle", [fits[c].stderr[parameter] for c in cycles], {"units": "ohm"}),
         "fit_flagged": ("cycle", np.array([bool(fits[c].flags) for c in cycles], dtype=np.int8),
                         {"units": "1", "long_name": "1: the circuit fit of this cycle failed its own checks"})},
        coords={"cycle": ("cycle", np.asarray(cycles, dtype=int), {"units": "1"})},
        attrs={"parameter": parameter, "circuit": fits[cycles[0]].circuit, "label": label},
    )
    return ds


def growth_rate_raw(cycle, resistance, resistance_sigma=None) -> Growth:
    """Slope of resistance against cycle (weighted by ``1/sigma**2`` when given) and the overall change.

    Notes
    -----
    Weighted least-squares line :math:`R = R_0 + k n`; ``change`` is :math:`R(n_{last}) - R(n_{first})`
    of the measured values with errors added in quadrature.
    """
    n = as_float_array(cycle, "cycle", min_size=2)
    R = as_float_array(resistance, "resistance", min_size=2)
    same_length(cycle=n, resistance=R)
    s = None if resistance_sigma is None else as_float_array(resistance_sigma, "resistance_sigma")
    if s is not None:
        same_length(resistance=R, resistance_sigma=s)
        n, R, s = sorted_by(n, R, s, name="cycle")
    else:
        n, R = sorted_by(n, R, name="cycle")
    line = fit_line(n, R, s)
    change_sigma = float(np.hypot(s[0], s[-1])) if s is not None else float("nan")
    flags = ("line_inconsistent",) if inconsistent(line) else ()
    return Growth(rate=line.slope, rate_sigma=line.slope_sigma, intercept=line.intercept, first_cycle=int(n[0]),
                  last_cycle=int(n[-1]), change=float(R[-1] - R[0]), change_sigma=change_sigma,
                  ratio=float(R[-1] / R[0]), flags=flags, chi2=line.chi2)


@checked_keywords
def growth_rate(ds: xr.Dataset) -> Growth:
    """Growth of a :func:`resistance_vs_cycle` Dataset; flagged ``rests_on_flagged_fits`` where
    any of its points comes from a circuit fit that failed its checks (``fit_flagged``)."""
    s = ds["resistance_sigma"].values if "resistance_sigma" in ds else None
    if s is not None and not np.all(np.isfinite(s) & (s > 0)):
        s = None  # a fit without stderr: fall back to an unweighted line
    g = growth_rate_raw(ds["cycle"].values, ds["resistance"].values, s)
    flagged = tuple(int(c) for c in ds["cycle"].values[ds["fit_flagged"].values == 1]) if "fit_flagged" in ds else ()
    if flagged:
        g = replace(g, flags=g.flags + ("rests_on_flagged_fits",), flagged_cycles=flagged)
    return g
