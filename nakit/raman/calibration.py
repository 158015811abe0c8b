"""Wavenumber calibration from a silicon reference spectrum.

The first-order optical phonon of crystalline silicon sits at 520.7 cm-1 at room
temperature. A one-point calibration fits that band in a silicon spectrum measured with
the same settings and shifts the sample's axis by the difference; the offset and its
standard error are recorded in the calibrated Dataset's attrs.
"""

from __future__ import annotations

from typing import Any, ClassVar

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import CalculationError
from ..validation import as_float_array
from .fitting import Band, fit_bands_raw
from .saturation import SATURATION_ATTR, clipped_band
from ..datamodel import Result, source_attrs

SILICON_SHIFT = 520.7


@dataclass(frozen=True)
class Calibration(Result):
    """Result of a one-point calibration: add ``offset`` to measured shifts."""

    units: ClassVar[dict[str, str]] = {'offset': 'cm-1', 'measured': 'cm-1', 'reference': 'cm-1', 'fwhm': 'cm-1'}
    dims: ClassVar[dict[str, str]] = {}

    offset: float
    offset_sigma: float
    measured: float
    reference: float
    fwhm: float
    flags: tuple[str, ...] = ()
    source: dict[str, Any] = field(default_factory=dict, repr=False)


def silicon_offset_raw(x, y, *, reference: float = SILICON_SHIFT, search: float = 15.0) -> Calibration:
    """Fit the silicon band near ``reference`` and return the axis offset.

    Notes
    -----
    A pseudo-Voigt plus linear background is fitted within ``reference +/- 3 search``, the
    centre bounded to ``reference +/- search``; the offset is
    :math:`\\Delta = \\tilde\\nu_{ref} - \\tilde\\nu_{fit}` with the centre's standard error.

    References
    ----------
    Parker, J. H.; Feldman, D. W.; Ashkin, M. Raman scattering by silicon and germanium.
    Phys. Rev. 155, 712 (1967).
    """
    x = as_float_array(x, "x", min_size=3)
    y = as_float_array(y, "y", min_size=3)
    near = np.abs(x - reference) <= 3 * search
    if near.sum() < 6:
        raise CalculationError(f"only {near.sum()} points within {3 * search} cm-1 of {reference} cm-1: "
                               "not a silicon spectrum over this range")
    fit = fit_bands_raw(x[near], y[near], [Band("Si", reference, "pvoigt", tolerance=search, fwhm=4.0,
                                                fwhm_bounds=(1.0, 30.0))])
    row = fit.row("Si")
    if "center" in row["at_bound"]:
        raise CalculationError(f"the silicon band was not found within {search} cm-1 of {reference} cm-1")
    return Calibration(float(reference - row["center"]), float(row["center_sigma"]), float(row["center"]),
                       reference, float(row["fwhm"]),
                       tuple(fit.flags))


def silicon_offset(silicon: xr.Dataset | xr.DataArray, **kwargs) -> Calibration:
    """:func:`silicon_offset_raw` on a silicon spectrum read by :mod:`nakit.raman.readers`."""
    da = silicon["intensity"] if isinstance(silicon, xr.Dataset) else silicon
    cal = silicon_offset_raw(da["raman_shift"].values, da.values, **kwargs)
    clipped = clipped_band("Si", cal.measured, cal.fwhm, getattr(silicon, "attrs", {}).get(SATURATION_ATTR))
    return replace(cal, flags=(*cal.flags, clipped) if clipped else cal.flags, source=source_attrs(silicon))


def _in_data(path) -> str:
    """Where a file of nakit's ``data/`` is, as ``data/raman/silicon.txt`` (a path relative to the
    notebooks' folder, ``../data/...``, says nothing in a study's folder)."""
    from ..paths import data_dir

    try:
        return "data/" + Path(path).resolve().relative_to(data_dir().resolve()).as_posix()
    except ValueError:  # a copy of a stand-in elsewhere: its own path
        return str(path)


def stand_in_calibration(calibration_file, sample_files) -> str | None:
    """Why ``calibration_file`` must not set the axes of the spectra in ``sample_files``; None if it may.

    The silicon spectrum shipped in ``data/`` is a synthesised stand-in for the paper's
    reference: its offset means something only for the paper's stand-in spectra. Applied to a
    user's measurements (another instrument, another day) it would shift their bands by a
    number that describes neither.
    """
    from ..paths import is_stand_in

    measured = [str(f) for f in sample_files if not is_stand_in(f)]
    if not calibration_file or not is_stand_in(calibration_file) or not measured:
        return None
    return (f"The calibration spectrum {Path(calibration_file).name} (nakit's {_in_data(calibration_file)}) is a "
            f"synthesised stand-in shipped with nakit, not a measurement on the instrument of {len(measured)} of these spectra: it is not "
            "applied, and the axes are used as the files give them. To calibrate, set calibration_file to a "
            "silicon spectrum measured with the same settings (or None to say there is none).")


def apply_calibration(ds: xr.Dataset, cal: Calibration) -> xr.Dataset:
    """A copy of ``ds`` with ``raman_shift`` moved by the calibration offset, recorded in attrs."""
    out = ds.assign_coords(raman_shift=ds["raman_shift"] + cal.offset)
    out["raman_shift"].attrs = {**ds["raman_shift"].attrs, "calibration_offset": cal.offset}
    out.attrs.update(calibration_method="one-point silicon", calibration_reference_cm1=cal.reference,
                     calibration_offset_cm1=cal.offset, calibration_offset_sigma_cm1=cal.offset_sigma)
    if SATURATION_ATTR in ds.attrs:  # the clipped points move with the axis
        out.attrs[SATURATION_ATTR] = np.asarray(ds.attrs[SATURATION_ATTR], dtype=float) + cal.offset
    return out
