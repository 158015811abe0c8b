"""Tube lines other than the one the scan was read with, found among its peaks.

K-alpha2 in a scan read with a single wavelength: a user who gives ``wavelength=1.5406`` (Cu
K-alpha1) for a tube without a monochromator gets a peak table in which every reflection past
~40 deg appears twice: the K-alpha1 line and, 0.1-0.6 deg above it, its K-alpha2 line at half
the area. Phase identification then finds the second lines unexplained, and sizes, cells and
counts are taken from half-resolved pairs. Nothing in the numbers fails, so the pairs are
looked for and said.

K-beta: a tube without a K-beta filter or monochromator adds, below each strong reflection, a
line at the K-beta wavelength with a few to 20 % of its area. No candidate phase explains those
peaks, and they read as an impurity phase; they are recognised as what they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..anodes import ANODES, KBETA, anode_at
from ..errors import ParameterError
from ..validation import as_float_array
from ._inputs import require_peak_table
from .profiles import ka2_position
from .readers import Wavelength

#: a K-alpha2 partner: within this share of the K-alpha1/K-alpha2 split of where the line is expected
PARTNER_TOLERANCE = 0.2
#: its area over the K-alpha1 line's (0.5 expected) and its FWHM over the K-alpha1 line's
AREA_RATIO, FWHM_RATIO = (0.3, 0.8), (0.5, 2.0)
#: this many pairs or more are a finding, not a coincidence
MIN_PAIRS = 3
#: the peak table's columns K-beta lines are told by; K-alpha2 lines by their widths too
_KBETA_COLUMNS = ("two_theta", "area")
_KA2_COLUMNS = (*_KBETA_COLUMNS, "fwhm")


def _positions(values, function: str, name: str) -> np.ndarray:
    """2theta positions (deg) from ``values``: numbers, or the table a phase identification offers
    (``PhaseID.unexplained``: its ``two_theta_obs``) or a peak table (its ``two_theta``)."""
    if isinstance(values, pd.DataFrame):
        column = next((c for c in ("two_theta_obs", "two_theta") if c in values.columns), None)
        if column is None:
            raise ParameterError(f"{function}: {name}: 2theta positions (deg), or a table with a 'two_theta_obs' "
                                 f"column (PhaseID.unexplained); got a DataFrame with columns "
                                 f"{', '.join(map(repr, values.columns))}")
        values = values[column]
    try:
        return as_float_array(values, name, min_size=0)
    except ParameterError as exc:
        raise ParameterError(f"{function}: {name}: 2theta positions (deg), e.g. "
                             f"phase_id.unexplained['two_theta_obs'] ({exc})") from None


def anode_of(wavelength) -> str | None:
    """The anode whose K-alpha line a single ``wavelength`` (angstrom) is, or None
    (:func:`nakit.anodes.anode_at`)."""
    return anode_at(Wavelength.parse(wavelength).ka1)


def ka2_pairs(peaks: pd.DataFrame, wavelength) -> list[tuple[float, float]]:
    """Pairs ``(K-alpha1 line, K-alpha2 line)`` (deg 2theta) among fitted ``peaks`` read with a
    single wavelength of a tube's anode; [] when the wavelength models K-alpha2 already or is
    no anode's (a synchrotron's, a monochromated tube's given by another number).

    Notes
    -----
    For a peak at 2theta_1 the K-alpha2 line lies at 2 arcsin(lambda_2 / lambda_1 sin theta_1);
    a peak within ``PARTNER_TOLERANCE`` of the split of there, with 0.3-0.8 of its area
    (0.5 for copper) and a FWHM within a factor 2, is its partner.
    """
    require_peak_table(peaks, "ka2_pairs", _KA2_COLUMNS)
    wl = Wavelength.parse(wavelength)
    name = anode_of(wl) if wl.ka2 is None else None
    if name is None or peaks.empty:
        return []
    a1, a2, _ = ANODES[name]
    c, area, fwhm = (peaks[k].to_numpy(dtype=float) for k in ("two_theta", "area", "fwhm"))
    order = np.argsort(c)
    c, area, fwhm = c[order], area[order], fwhm[order]
    expected = ka2_position(c, a1, a2)
    pairs = []
    for i, t in enumerate(expected):
        split = t - c[i]
        j = int(np.argmin(np.abs(c - t)))
        if j == i or abs(c[j] - t) > PARTNER_TOLERANCE * split:
            continue
        if AREA_RATIO[0] <= area[j] / area[i] <= AREA_RATIO[1] and FWHM_RATIO[0] <= fwhm[j] / fwhm[i] <= FWHM_RATIO[1]:
            pairs.append((float(c[i]), float(c[j])))
    return pairs


def ka2_note(peaks: pd.DataFrame, wavelength) -> str:
    """Words for a report when ``peaks`` hold :data:`MIN_PAIRS` or more K-alpha pairs ("" otherwise)."""
    require_peak_table(peaks, "ka2_note", _KA2_COLUMNS)
    pairs = ka2_pairs(peaks, wavelength)
    if len(pairs) < MIN_PAIRS:
        return ""
    name = anode_of(wavelength)
    first, second = pairs[len(pairs) // 2]
    ka1 = Wavelength.parse(wavelength).ka1
    return (f"{len(pairs)} pairs of peaks lie as the {name} Kα1 and Kα2 lines of one reflection (e.g. {first:.2f} "
            f"and {second:.2f}° 2θ, the second at about half the area): the scan holds Kα2, but the wavelength "
            f"({ka1:g} Å) is Kα1 alone, so each of these reflections is fitted as two peaks; give wavelength "
            f"'{name}' to fit each as the Kα1/Kα2 doublet")


#: a K-beta line's area over its K-alpha reflection's: 0.14-0.17 unfiltered, ~0.01 behind a filter
KBETA_AREA = 0.35
#: how far (deg) a K-beta line's K-alpha1 reflection may lie from where it is expected: both move
#: with a zero shift, the expected place ~5 times less than the reflection
KBETA_TOLERANCE = 0.05


def kbeta_pairs(peaks: pd.DataFrame, wavelength, tolerance: float = KBETA_TOLERANCE,
                among=None) -> list[tuple[float, float]]:
    """Pairs ``(K-alpha reflection, its K-beta line)`` (deg 2theta) among fitted ``peaks``; []
    when the wavelength is no tube anode's.

    ``among``: the 2theta positions to test as K-beta lines (e.g. the peaks no phase explains,
    ``PhaseID.unexplained`` or its ``two_theta_obs``; default all). A peak is a K-beta line when a peak at least 1/:data:`KBETA_AREA` times its
    area lies within ``tolerance`` deg of where its K-alpha1 reflection would be.

    Notes
    -----
    A reflection at 2theta_alpha (K-alpha1) has its K-beta line at
    2 arcsin(lambda_beta / lambda_alpha1 sin theta_alpha), below it.
    """
    require_peak_table(peaks, "kbeta_pairs", _KBETA_COLUMNS)
    name = anode_of(wavelength)
    if name is None or peaks.empty:
        return []
    a1 = ANODES[name][0]
    c, area = (peaks[k].to_numpy(dtype=float) for k in ("two_theta", "area"))
    tested = c if among is None else _positions(among, "kbeta_pairs", "among")
    parents = ka2_position(tested, KBETA[name], a1)  # the K-alpha1 position of each as a K-beta line
    pairs = []
    for t, parent in zip(tested, parents):
        mine = area[np.argmin(np.abs(c - t))]
        near = np.flatnonzero(np.abs(c - parent) <= tolerance)
        if near.size and area[near].max() * KBETA_AREA >= mine:
            pairs.append((float(c[near[np.argmax(area[near])]]), float(t)))
    return pairs


def kbeta_note(peaks: pd.DataFrame, wavelength, unexplained, tolerance: float = KBETA_TOLERANCE,
               scan_start: float | None = None) -> str:
    """Words for a report when some of the ``unexplained`` peak positions are K-beta lines ("" otherwise).

    ``unexplained``: 2theta positions (deg), or the table :attr:`~nakit.xrd.phase_id.PhaseID.unexplained`
    (its ``two_theta_obs``).

    Only when the strongest reflection's own K-beta line (the strongest K-beta line) is among the
    peaks, where it falls inside the scan (from ``scan_start`` deg, default the first peak):
    without it, a weak peak near another's K-beta place is a coincidence of a crowded pattern,
    not the tube's K-beta.
    """
    require_peak_table(peaks, "kbeta_note", _KBETA_COLUMNS)
    unexplained = _positions(unexplained, "kbeta_note", "unexplained")
    pairs = kbeta_pairs(peaks, wavelength, tolerance, among=unexplained)
    if not pairs:
        return ""
    name = anode_of(wavelength)
    c, area = (peaks[k].to_numpy(dtype=float) for k in ("two_theta", "area"))
    strongest = float(ka2_position(c[np.argmax(area)], ANODES[name][0], KBETA[name]))
    if strongest >= (c.min() if scan_start is None else scan_start) and not np.any(np.abs(c - strongest) <= tolerance):
        return ""
    shown = ", ".join(f"{b:.2f} (of {a:.2f})" for a, b in pairs[:4]) + (", ..." if len(pairs) > 4 else "")
    return (f"{len(pairs)} of the {len(unexplained)} unexplained peak(s) lie where the {name} Kβ line of a stronger "
            f"peak falls ({shown}° 2θ): the tube's Kβ (left by its filter, or unfiltered), not another phase")
