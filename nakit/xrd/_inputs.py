"""What the XRD analyses take, checked once for every function that takes it: a scan Dataset in
2theta order, a peak table; and what their results keep of the scan: its provenance.

A scan Dataset has a ``two_theta`` too (its coordinate), so a check for that name alone let
``identify_phases(ds)`` take each of a scan's 2374 grid points for a peak and find seven phases.
A scan whose axis runs downwards is the same scan: its analyses work on it ascending.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..datamodel import require_dataset, require_kind
from ..errors import ParameterError

#: where a peak table comes from, for the TypeError
PEAK_TABLE_FROM = "nakit.xrd.fit_peaks(ds)"


def require_peak_table(peaks: Any, function: str, columns: Iterable[str] = ("two_theta",), *,
                       kind: str = "peak table", made_by: str = PEAK_TABLE_FROM) -> pd.DataFrame:
    """``peaks`` itself when it is a DataFrame with ``columns``; a TypeError naming ``function``,
    what it takes and where to get one otherwise (a scan Dataset, a list of positions).

    Parameters
    ----------
    peaks
        The argument as passed.
    function
        The caller's name, for the message.
    columns
        The columns the caller reads.
    kind, made_by
        What the table is and where a user gets one (a phase identification's
        ``assignments`` for :func:`~nakit.xrd.refine.refine_cell`).
    """
    columns = tuple(columns)
    accepted = f"a pandas.DataFrame {kind} with columns {', '.join(map(repr, columns))}"
    return require_kind(peaks, pd.DataFrame, function, accepted, made_by, columns=columns)


def scan_in_order(ds: Any, function: str, *on_grid) -> tuple:
    """``ds`` checked as an XRD scan (:func:`~nakit.datamodel.require_dataset`) and by ascending
    2theta, with the arrays ``on_grid`` (on its grid, as the caller holds them; None passes
    through) in the same order: ``(ds, *on_grid)``.

    A descending or unsorted axis (``ds.sortby("two_theta", ascending=False)``, a file written
    from the high angle down) gives a sorted copy; the caller's Dataset and arrays are left as
    they are. The analyses take a scan's first and last points for its ends and its steps as
    positive: a peak at 9 deg was "outside the scanned 40.000-3.000°".
    """
    require_dataset(ds, "xrd", function)
    x = ds["two_theta"].values
    if x.size < 2 or bool(np.all(x[1:] > x[:-1])):
        return (ds, *on_grid)
    order = np.argsort(x, kind="stable")
    return (ds.isel(two_theta=order), *(None if a is None else np.asarray(a)[..., order] for a in on_grid))


def two_theta_span(value: Any, function: str, name: str = "two_theta_range") -> tuple[float, float] | None:
    """``value`` as a 2theta range ``(low, high)`` (deg), None as it is; a :class:`ParameterError`
    naming ``function`` and ``name`` otherwise, as every nakit range is refused.

    A reversed range (60, 20) took no peak and said "no peaks above min_snr=5 in 60.0–20.0°",
    sending the user to lower the threshold.
    """
    if value is None:
        return None
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ParameterError(f"{function}: {name}: expected (low, high) 2theta in deg, got {value!r}") from None
    if not lo < hi:
        raise ParameterError(f"{function}: {name}: expected (low, high) with low < high, got {(lo, hi)!r}"
                             + (": reversed?" if lo > hi else ""))
    return lo, hi
