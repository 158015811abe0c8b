"""Wavenumber calibration from a silicon reference spectrum.

The first-order optical phonon of crystalline silicon sits at 520.7 cm-1 at room
temperature. A one-point calibration fits that band in a silicon spectrum measured with
the same settings and shifts the sample's axis by the difference; the offset and its
standard error are recorded in the calibrated Dataset's attrs.

The offset describes one spectrometer at one excitation wavelength: another instrument, or the
same one with another laser, has its own. :func:`calibration_applies` compares what the two
files state (maker and model of the instrument, laser wavelength) before an offset moves a
spectrum: the same setup is calibrated; a different one is not, and says why; where either
file is silent the offset is applied only when the user says both are one setup, and the
spectrum says the calibration is assumed.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import CalculationError
from ..validation import as_float_array, pass_through
from .fitting import Band, fit_bands_raw
from .saturation import SATURATION_ATTR, clipped_band
from ..datamodel import Result, source_attrs
from .readers import LASER_ASSUMED, LASER_GIVEN

SILICON_SHIFT = 520.7
#: laser wavelengths closer than this (nm) are one laser line (a stated 532 and 532.1 nm are one laser)
SAME_LASER_NM = 0.5
#: the formats whose files name their maker; a two-column text or an RRUFF file names none
MAKERS = {"horiba-labspec6-txt": "Horiba", "renishaw-wire-txt": "Renishaw", "renishaw-wdf": "Renishaw"}


@dataclass(frozen=True)
class Setup:
    """What a spectrum's file states of the setup it was measured on ("" or NaN: not stated); ``laser_given``:
    the laser is the user's (read with ``laser_wavelength``), the file states none."""

    maker: str = ""
    model: str = ""
    laser_nm: float = float("nan")
    laser_given: bool = False

    def describe(self) -> str:
        """``"Horiba LabRAM HR Evol, 532 nm"``, ``"Renishaw (no model), no laser"``, ``"no instrument, 785 nm"``,
        ``"Renishaw (no model), 633 nm given by the user (the file states none)"``."""
        instrument = (f"{self.maker} {self.model}" if self.maker and self.model else
                      f"{self.maker or self.model} (no {'model' if self.maker else 'maker'})" if self.maker or self.model
                      else "no instrument")
        laser = f"{self.laser_nm:g} nm" if np.isfinite(self.laser_nm) else "no laser"
        return f"{instrument}, {laser}" + (" given by the user (the file states none)" if self.laser_given else "")

    @property
    def complete(self) -> bool:
        """Maker, model and laser all stated: enough to match two spectra (a maker alone is no instrument)."""
        return bool(self.maker and self.model and np.isfinite(self.laser_nm))


class AxisMatch(NamedTuple):
    """:func:`calibration_applies`'s answer for one spectrum."""

    #: the offset moves this spectrum's axis
    applies: bool
    #: ``"same setup"``, ``"another setup"`` (the files state different ones) or ``"not stated"``
    verdict: str
    #: the flag its results carry ("" for the same setup)
    flag: str


def setup_of(spectrum) -> Setup:
    """The :class:`Setup` a spectrum's attrs state (a Dataset read by :mod:`nakit.raman.readers`).

    A laser wavelength the notebook assumed for a file that states none
    (:func:`~nakit.raman.readers.with_default_laser`) is not stated; one the sample gives is, marked as
    the user's (``laser_given``).
    """
    attrs = getattr(spectrum, "attrs", spectrum) or {}
    laser = attrs.get("instrument_laser_wavelength_nm")
    stated = laser is not None and not attrs.get(LASER_ASSUMED)
    return Setup(MAKERS.get(str(attrs.get("source_format", "")), ""), str(attrs.get("instrument_instrument", "") or "").strip(),
                 float(laser) if stated else float("nan"), stated and bool(attrs.get(LASER_GIVEN)))


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
    #: what the silicon's file states of its instrument and laser (:func:`calibration_applies`)
    setup: Setup = field(default_factory=Setup)

    internal: ClassVar[tuple[str, ...]] = ("setup",)


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
    """:func:`silicon_offset_raw` on a silicon spectrum read by :mod:`nakit.raman.readers`; ``kwargs`` are
    its settings (``reference``, ``search``), another name refused naming the closest of them."""
    pass_through("silicon_offset", silicon_offset_raw, kwargs)
    da = silicon["intensity"] if isinstance(silicon, xr.Dataset) else silicon
    cal = silicon_offset_raw(da["raman_shift"].values, da.values, **kwargs)
    clipped = clipped_band("Si", cal.measured, cal.fwhm, getattr(silicon, "attrs", {}).get(SATURATION_ATTR))
    return replace(cal, flags=(*cal.flags, clipped) if clipped else cal.flags, source=source_attrs(silicon),
                   setup=setup_of(silicon))


def calibration_applies(cal: Calibration, spectrum, *, assume_same: bool = False) -> AxisMatch:
    """Whether the offset of ``cal`` may move the axis of ``spectrum``, and the flag that goes with it.

    Parameters
    ----------
    cal
        A silicon calibration (:func:`silicon_offset`), which carries what its file states.
    spectrum
        The spectrum to calibrate (its attrs, as read by :mod:`nakit.raman.readers`).
    assume_same
        The user's word that the silicon and the spectrum were measured on one instrument with
        one laser: used only where a file does not state its instrument or laser, never against
        what the files state.

    Returns
    -------
    AxisMatch
        Applied, no flag, where both files state the same maker, model and laser; not applied,
        flagged "axis not calibrated", where they state a different one (both named); where
        either is silent, applied only with ``assume_same``, flagged "axis calibration assumed",
        else not applied and flagged "axis not calibrated".
    """
    mine, theirs = cal.setup, setup_of(spectrum)
    differ = [f"{what} {a} (silicon) vs {b}" for what, a, b in
              (("maker", mine.maker, theirs.maker), ("model", mine.model, theirs.model))
              if a and b and a.casefold() != b.casefold()]
    if abs(mine.laser_nm - theirs.laser_nm) > SAME_LASER_NM:  # (False where either is NaN: not stated)
        differ.append(f"laser {mine.laser_nm:g} nm (silicon) vs {theirs.laser_nm:g} nm")
    if differ:
        return AxisMatch(False, "another setup", "axis not calibrated: the silicon reference is of another setup ("
                         + "; ".join(differ) + "), and an axis offset holds only for its own instrument and laser")
    if mine.complete and theirs.complete:
        return AxisMatch(True, "same setup", "")
    stated = f"silicon's file: {mine.describe()}; this file: {theirs.describe()}"
    if assume_same:
        return AxisMatch(True, "not stated", f"axis calibration assumed: the files do not state one instrument and "
                         f"laser ({stated}); offset {cal.offset:+.2f} cm-1 applied on the user's word")
    return AxisMatch(False, "not stated", "axis not calibrated: the files do not state that the silicon reference is of "
                     f"this spectrum's instrument and laser ({stated})")


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
