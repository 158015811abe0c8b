"""What the XRD analyses take: a peak table, checked once for every function that takes one.

A scan Dataset has a ``two_theta`` too (its coordinate), so a check for that name alone let
``identify_phases(ds)`` take each of a scan's 2374 grid points for a peak and find seven phases.
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ..datamodel import require_kind

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
