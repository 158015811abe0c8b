"""Readers for powder diffractometer files -> ``xarray.Dataset`` (intensity over ``two_theta``).

Formats (``fmt=`` name: what, usual extension):

* ``xy``: two/three-column text (``.xy``, ``.xye``, ``.csv``, ``.txt``, ``.dat``), any of
  white space, tab, comma or ``;`` between fields, decimal point or decimal comma;
* ``panalytical_csv``: PANalytical CSV export (``[Measurement conditions]`` with the
  wavelengths, then ``[Scan points]``);
* ``uxd``: Bruker UXD text;
* ``bruker_raw``: Bruker RAW v1/v2/v3 ("RAW ", "RAW2", "RAW1.01") and v4 ("RAW4.00",
  including the 8-bytes-per-step variant written by DIFFRAC.EVA);
* ``brml``: Bruker BRML (zip of XML);
* ``xrdml``: PANalytical XRDML;
* ``gsas_std``: GSAS "STD" (``.XRA``/``.gsa`` with ``BANK`` lines);
* ``rigaku_ras`` / ``rigaku_rasx``: Rigaku ``.ras`` text and ``.rasx`` zip
  (:mod:`nakit.xrd.rigaku`).

All are read by nakit's own code (the standard library and numpy): the field's Python
libraries either read a single format, are GPL (xylib, xrayutilities) or do not check the
files. The format is recognised from the content (:func:`detect_format`). ``.gz``, ``.bz2``,
``.xz`` and single-file ``.zip`` compression is undone transparently, and every
decompression (zip containers included) is capped at
:data:`nakit.textio.DEFAULT_MAX_DECOMPRESSED` bytes.

Every reader returns one Dataset per scan range with

* coordinate ``two_theta`` (deg), ascending,
* ``intensity`` (counts, counts/s or arbitrary units as the file says) and, where the file
  gives it, ``intensity_sigma`` (a text file's third column, unless its header names it
  something else, such as a background or a calculated pattern: :func:`_third_column_sigma`),
* attrs ``wavelength`` (K-alpha1 or the monochromatic wavelength, angstrom),
  ``wavelength_ka2`` and ``ka2_ratio`` (I(Ka2)/I(Ka1); 0 for a monochromatic beam),
  ``wavelength_source`` ("file" or "argument") and the ``source_*``/``instrument_*``
  provenance keys of :mod:`nakit.datamodel`.

A file that does not state a wavelength needs one as an argument; none is assumed. A
wavelength is read in the unit the file names for it (angstrom or nm; another is refused), and
a file whose anode, K-alpha1 and K-alpha2 disagree is read as stated with a warning
(:func:`_tube_problem`). A K-alpha1 monochromator the file records in the primary beam (a BRML's
channel-cut or Johansson optic, an XRDML's incident-beam ``<monochromator>``) leaves the tube's
K-alpha2 out of the beam, whatever the tube's lines say: the scan is read K-alpha1 only and its attr
``instrument_ka1_monochromator`` names the optic (:func:`_ka1_only`). Where the file states that its intensities are the detector's counts
(XRDML, BRML) a negative one is refused naming the point, and a Bruker RAW v1-v3 value that is
negative or fractional (the format stores whole counts) naming its point and byte offset; a run
of exact zeros inside a scan of counts well above zero is warned about
(:func:`nakit.xrd.counting.zero_runs`). A text file's header naming the intensity's unit (``Intensity
(cps)``, ``I (a.u.)``) gives the ``units`` attr (:func:`_stated_intensity_unit`).
"""

from __future__ import annotations

import io
import os
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence
from xml.etree import ElementTree as ET

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..anodes import (ANODE_FORM, ANODES, SAME_ANODE, WAVELENGTH_RANGE, anode_at, anode_in_nm, anode_problem,
                      wavelength_unit_hint)
from ..errors import FileFormatError, InvalidDataError, MissingFactError, NakitError, NakitWarning, ParameterError
from ..sheets import is_table, is_workbook, table_lines, zip_reason
from .counting import negative_points, radians_hint, zero_runs
from ..textio import (DEFAULT_MAX_DECOMPRESSED, FLOAT32_MAX, check_declared_count, check_last_row, check_last_value,
                      content_suffix, decode, first_column_technique, parse_number, read_bytes, read_text_lines,
                      refuse_beyond, sniff_decimal_and_delimiter)


@dataclass
class Wavelength:
    """K-alpha1 (or monochromatic) wavelength, optional K-alpha2 and intensity ratio (angstrom)."""

    ka1: float
    ka2: float | None = None
    ratio: float = 0.0

    @classmethod
    def parse(cls, value) -> "Wavelength":
        """Accept a number, ``(ka1, ka2, ratio)``, ``"Cu"`` (doublet) or ``"CuKa1"`` (Ka1 only)."""
        if isinstance(value, Wavelength):
            return value
        if isinstance(value, str):
            problem = anode_problem(value)
            if problem:
                raise ParameterError(problem)
            m = ANODE_FORM.fullmatch(value)
            ka1, ka2, ratio = ANODES[m.group(1)]
            if m.group(2) and m.group(2).endswith("1"):
                return cls(ka1)
            return cls(ka1, ka2, ratio)
        if isinstance(value, (tuple, list)):
            if len(value) != 3:
                raise ParameterError(f"wavelength {value!r}: expected (ka1, ka2, ratio)")
            try:
                ka1, ka2, ratio = (float(v) for v in value)
            except (TypeError, ValueError):
                raise ParameterError(f"wavelength {value!r}: expected (ka1, ka2, ratio), numbers in angstrom "
                                     "and the Ka2/Ka1 ratio") from None
            return cls._checked(ka1, ka2, ratio)
        if isinstance(value, bool):  # (Python takes True for 1 angstrom)
            raise ParameterError(f"wavelength {value!r}: expected a number in angstrom or an anode ('Cu')")
        try:
            ka1 = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"wavelength {value!r}: expected a number in angstrom") from None
        return cls._checked(ka1, None, 0.0)  # (its range error, not "expected a number")

    @classmethod
    def _checked(cls, ka1, ka2, ratio):
        ka2 = ka2 if ka2 is not None and ka2 > 0 else None  # files write 0 for "no Ka2"
        lo, hi = WAVELENGTH_RANGE
        if not (lo < ka1 < hi) or (ka2 is not None and not (lo < ka2 < hi)):
            given = f"{ka1:g}" if ka2 is None else f"(Ka1 {ka1:g}, Ka2 {ka2:g})"
            raise ParameterError(f"wavelength {given} angstrom is outside {lo:g}-{hi:g} angstrom"
                                 + wavelength_unit_hint(ka1))
        if not 0.0 <= ratio <= 1.0:
            raise ParameterError(f"Ka2/Ka1 ratio {ratio} must lie in [0, 1]")
        return cls(ka1, ka2 if ratio > 0 else None, ratio if ka2 is not None else 0.0)

    @classmethod
    def of(cls, ds: xr.Dataset) -> "Wavelength":
        """The wavelength stored in a Dataset's attrs, in angstrom.

        ``wavelength`` and ``wavelength_ka2`` are read in the attr ``wavelength_units``
        (:data:`WAVELENGTH_UNITS`: angstrom, as :func:`read_xrd` writes, or nm, converted;
        angstrom when absent). Any other unit is refused naming the attr, and so is a
        ``wavelength`` outside :data:`~nakit.anodes.WAVELENGTH_RANGE` once converted (1.5406
        labelled nm) or a ``wavelength_ka2`` some ten times ``wavelength`` or a tenth of it: one
        of the two is in another unit than the attr says.
        """
        if "wavelength" not in ds.attrs:
            raise ParameterError("the dataset has no 'wavelength' attr; read it with wavelength=...")
        unit = ds.attrs.get("wavelength_units", "angstrom")
        factor = WAVELENGTH_UNITS.get(str(unit).strip().lower())
        if factor is None:
            raise ParameterError(f"the dataset's wavelength_units attr is {unit!r}: expected 'angstrom' or 'nm' "
                                 "(the unit of its wavelength and wavelength_ka2 attrs)")
        ka1 = factor * float(ds.attrs["wavelength"])
        lo, hi = WAVELENGTH_RANGE
        if not lo < ka1 < hi:
            raise ParameterError(f"the dataset's wavelength attr {ds.attrs['wavelength']:g} {unit} is {ka1:g} angstrom, "
                                 f"outside {lo:g}-{hi:g} angstrom: check it and its wavelength_units attr")
        ka2 = ds.attrs.get("wavelength_ka2")
        ka2 = None if ka2 is None else factor * float(ka2)
        if ka2 is not None and ka2 > 0 and not 0.2 < ka2 / ka1 < 5.0:
            # a doublet's lines lie within 1 % of each other: a factor of about ten is a unit slip
            raise ParameterError(
                f"the dataset's wavelength_ka2 attr ({ds.attrs['wavelength_ka2']:g}) is {ka2 / ka1:.3g} times its "
                f"wavelength attr ({ds.attrs['wavelength']:g}), both read in wavelength_units {unit!r}: one of them "
                "is in another unit; give both in that unit")
        return cls(ka1, ka2, float(ds.attrs.get("ka2_ratio", 0.0)))

    @classmethod
    def argument(cls, value, name: str = "wavelength") -> "Wavelength":
        """:meth:`parse` of a wavelength a user gives a function, with :func:`nm_slip`'s
        :class:`~nakit.errors.NakitWarning` (the words :func:`read_xrd` warns with) for a number
        that is a tenth of a tube's K-alpha. A :class:`Wavelength` passes as it is: it was judged
        where it was made."""
        return cls.checked(value, name, stacklevel=4)[0]

    @classmethod
    def checked(cls, value, name: str = "wavelength", *, stacklevel: int = 3,
                warn: bool = True) -> tuple["Wavelength", str]:
        """:meth:`argument` and its warning's words ("" when there are none), for a result to flag.

        ``stacklevel`` as :func:`warnings.warn`'s (3: the user's call of the function that took
        ``value``); ``warn=False`` only returns the words, for a function that others call many
        times over (:func:`~nakit.xrd.refine.refine_cell_raw` in indexing)."""
        wl = cls.parse(value)
        why = "" if isinstance(value, Wavelength) else nm_slip(wl)
        if why:
            why = f"{name}={value!r}: {why}"
            if warn:
                warnings.warn(NakitWarning(why), stacklevel=stacklevel)
        return wl, why

    def attrs(self) -> dict[str, Any]:
        out = {"wavelength": self.ka1, "ka2_ratio": self.ratio, "wavelength_units": "angstrom"}
        if self.ka2 is not None:
            out["wavelength_ka2"] = self.ka2
        return out


#: the units a Dataset's ``wavelength_units`` attr may give (lower case), and their factor to angstrom
WAVELENGTH_UNITS = {"angstrom": 1.0, "angstroms": 1.0, "å": 1.0, "ångström": 1.0, "a": 1.0, "nm": 10.0}


def nm_slip(wl: Wavelength) -> str:
    """Why a single wavelength ``wl`` looks written in nm though read in angstrom ("" when it does
    not): 0.15406 is a tenth of Cu K-alpha1. A doublet is left alone (an anode's name gave it)."""
    if wl.ka2 is not None or not (tube := anode_in_nm(wl.ka1)):
        return ""
    return (f"wavelength {wl.ka1:g} angstrom is a tenth of {tube} K-alpha: a wavelength in nm? nakit reads it in "
            f"angstrom (give {10 * wl.ka1:g} or '{tube}' if the scan was taken with that tube)")


@dataclass
class _Scan:
    two_theta: np.ndarray
    intensity: np.ndarray
    sigma: np.ndarray | None = None
    units: str = "counts"
    meta: dict[str, Any] = field(default_factory=dict)
    wavelength: Wavelength | None = None
    #: what the first column holds when it is not 2theta: ("q", factor to 1/angstrom) or ("d", to angstrom)
    axis: tuple[str, float] | None = None
    #: the file states these are the detector's counts (or count rate), not processed intensities: a
    #: negative one is then a damaged value, refused (:func:`nakit.xrd.counting.negative_points`)
    measured: bool = False
    #: why the file's wavelength is none when it writes one that is no wavelength ("its <kAlpha1> is 0")
    no_wavelength: str = ""


# ----------------------------------------------------------------------------------- public API

def read_xrd(path: str | os.PathLike, *, wavelength=None, scan: int | None = None, fmt: str | None = None) -> xr.Dataset:
    """Read one scan range of a powder diffraction file.

    Parameters
    ----------
    path
        The file. The format is recognised from its content (magic bytes, the members of a
        zip container, the first text lines); the extension only decides between formats the
        content cannot tell apart, and a file whose content matches a format nakit does not
        read is refused with the name of that format.
    wavelength
        Needed when the file states none (plain text, GSAS STD); overrides the file's
        otherwise. A number (angstrom), ``(ka1, ka2, ratio)`` or an anode name ``"Cu"``.
    scan
        Which range of a multi-range file (0-based); ``attrs["n_scans"]`` says how many.
        Default: the first, with a :class:`~nakit.errors.NakitWarning` when the file holds
        more (the others would go unanalysed without a word; :func:`read_xrd_scans` reads
        them all).
    fmt
        Force a format, one of :func:`formats`.
    """
    if scan is not None and (isinstance(scan, bool) or not isinstance(scan, (int, np.integer))):
        raise ParameterError(f"{path}: scan must be a whole number, the 0-based index of a range; got {scan!r}")
    scans = read_xrd_scans(path, wavelength=wavelength, fmt=fmt)
    index = 0 if scan is None else scan
    if not 0 <= index < len(scans):
        raise ParameterError(f"{path}: scan {scan} requested but the file holds {len(scans)} range(s)")
    if scan is None and len(scans) > 1:
        x = scans[0]["two_theta"].values
        warnings.warn(NakitWarning(
            f"{path}: the file holds {len(scans)} scan ranges; only the first (range 0, {x[0]:g}-{x[-1]:g} deg) was "
            f"read: pick another with scan=N (0-{len(scans) - 1}), or read them all with nakit.xrd.read_xrd_scans"),
            stacklevel=2)
    return scans[index]


def read_xrd_scans(path: str | os.PathLike, *, wavelength=None, fmt: str | None = None) -> list[xr.Dataset]:
    """Read every scan range of a file, one Dataset each (see :func:`read_xrd`)."""
    path = Path(path)
    # .gz/.bz2/.xz (and single-file .zip) are undone here with a cap on the expanded size
    data = read_bytes(path)
    fmt = fmt or detect_format(data, content_suffix(path), path)
    if fmt not in _PARSERS:
        raise ParameterError(f"unknown XRD format {fmt!r}; known: {', '.join(sorted(_PARSERS))}")
    try:
        scans = _PARSERS[fmt](data, path)
    except FileFormatError:
        raise
    except ParameterError as exc:  # a wavelength the file states outside any X-ray tube's range
        raise FileFormatError(path, f"the file states an impossible value: {exc}") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, struct.error) as exc:
        # a field the parsers convert without their own check (an XML attribute, a header
        # value) held something else: say so with the file rather than let a bare traceback out
        raise FileFormatError(path, f"malformed {fmt} file: {type(exc).__name__}: {exc}") from None
    override = Wavelength.parse(wavelength) if wavelength is not None else None
    if override is not None and (why := nm_slip(override)):
        warnings.warn(NakitWarning(f"{path}: {why}"), stacklevel=2)
    out = []
    for i, s in enumerate(scans):
        wl = override or s.wavelength
        if override is None and s.wavelength is not None and (
                why := _tube_problem(s.wavelength, s.meta.get("anode"))) and i == 0:  # (once per file)
            warnings.warn(NakitWarning(f"{path}: {why}"), stacklevel=2)
        if override is not None and s.wavelength is not None and (
                why := _overridden(path, override, s.wavelength, named_line=isinstance(wavelength, str),
                                   ka1_optic=s.meta.get("ka1_monochromator") or "")):
            warnings.warn(NakitWarning(why), stacklevel=2)
        said = s.meta.get("comment_wavelength")
        if override is not None and said and abs(override.ka1 / said - 1.0) > 0.002:
            warnings.warn(NakitWarning(
                f"{path}: wavelength {override.ka1:g} angstrom was given, but the file's "
                f"{s.meta['comment_wavelength_line']} says {said:g} angstrom: the d-spacings follow the one given"),
                stacklevel=2)
        if wl is None:
            x = np.asarray(s.two_theta, dtype=float)
            if s.axis is None and x.size and (np.nanmax(x) >= 180 or np.nanmin(x) < -10):
                # an axis no scan has (a Raman spectrum in absolute cm-1): that, not the wavelength, is the answer
                _check_angles(path, np.sort(x[np.isfinite(x)]), i)
            in_words = (f" (its {s.meta['comment_wavelength_line']} says {said:g} angstrom in a comment, which "
                        "nakit does not take on its own: give that, or the tube's anode for its K-alpha doublet)"
                        if said else "")
            stated = f"the file {s.no_wavelength}" if s.no_wavelength else "the file states no wavelength"
            raise MissingFactError(path, f"{stated}{in_words}; give it (angstrom, or an anode "
                                   "such as 'Cu'): wavelength= here, or the scan's 'wavelength' key in notebook "
                                   "01's samples or under the sample's xrd in a study file"
                                   + _wavelength_beside(path), fact="wavelength")
        out.append(ds := _to_dataset(path, fmt, s, wl, "argument" if override else "file", i, len(scans)))
        if (why := _zero_block(ds, i)):
            warnings.warn(NakitWarning(f"{path}: {why}"), stacklevel=2)
    return out


def _zero_block(ds: xr.Dataset, index: int) -> str:
    """Words for the runs of exact zeros in a scan of counts well above zero ("" when there are
    none: :func:`nakit.xrd.counting.zero_runs`); the points are kept as read."""
    if "counts" not in str(ds["intensity"].attrs.get("units", "")):
        return ""
    y = ds["intensity"].values
    runs = zero_runs(y)
    if not runs:
        return ""
    x = ds["two_theta"].values
    where = ", ".join(f"{x[a]:.4g}-{x[b]:.4g} deg ({b - a + 1} points)" for a, b in runs)
    floor = float(np.min(y[y != 0]))
    return (f"range {index}: intensity is exactly 0 throughout 2theta {where}, inside a scan whose other points "
            f"count {floor:g} or more: a damaged block of the file (or the detector stopped)? The zeros are read "
            "as measured: a peak there can be neither found nor ruled out, and fits across them are wrong")


# ------------------------------------------------------------------------------------ helpers

#: Cap on the bytes read out of the members of a zip container (BRML, RASX): a few hundred
#: bytes of deflate can otherwise expand to gigabytes.
MAX_MEMBER_BYTES = DEFAULT_MAX_DECOMPRESSED

#: Files whose content says what they are, although nakit reads them elsewhere or not at all.
_FOREIGN_MAGIC = (
    (b"WDF1", "a Renishaw WiRE .wdf Raman file (read it with nakit.raman.read_raman)"),
    (b"\xd0\xcf\x11\xe0", "an OLE2 compound file (legacy Excel .xls or another Office file), not a "
                          "diffraction scan"),
    (b"\x89HDF", "an HDF5/NeXus file; nakit reads no HDF5 diffraction format"),
    (b"%PDF", "a PDF document, not a diffraction scan"),
    (b"\x89PNG", "a PNG image, not a diffraction scan"),
    (b"\xff\xd8\xff", "a JPEG image, not a diffraction scan"),
    (b"BSMV", "a Bruker BSML measurement program, not measured data"),
)


def detect_format(data: bytes, suffix: str, path) -> str:
    """Name the XRD format of ``data`` from its content (see :func:`formats`).

    Parameters
    ----------
    data
        The file's (decompressed) bytes.
    suffix
        The lower-case extension (``".raw"``); it only turns content that matches no format
        into a clear error for extensions that promise a fixed signature.
    path
        The file, for error messages.

    Returns
    -------
    str
        A key of :func:`formats`; plain text that is none of the others is ``"xy"``.

    Raises
    ------
    FileFormatError
        Content that matches something nakit does not read as XRD (a Raman file, an Excel
        workbook, an HDF5 file, an image, other XML), named in the message.
    """
    if data[:4] in (b"RAW ", b"RAW2") or data[:7] in (b"RAW1.01", b"RAW4.00"):
        return "bruker_raw"
    if data[:3] == b"RAW":
        raise FileFormatError(path, f"a Bruker RAW file of an unknown version (magic {data[:7]!r}); nakit "
                              "reads 'RAW ', 'RAW2', 'RAW1.01' and 'RAW4.00'", field="byte 0")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):  # a zip, or an empty one (its end record alone)
        return _detect_zip(data, path)
    if is_table(data, path):  # a legacy .xls holding a table
        return "workbook"
    for magic, what in _FOREIGN_MAGIC:
        if data.startswith(magic):
            raise FileFormatError(path, f"this looks like {what}")
    head = data[:8192]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = decode(head, path) if bom != b"\xef\xbb\xbf" else head[3:].decode("latin-1")
            break
    else:
        head = head.decode("latin-1")
    # line ends as _text reads them: a file with CR alone between its lines (old Mac exports) has no
    # line start for the "^" below to match after its first line otherwise
    head = head.replace("\r\n", "\n").replace("\r", "\n")
    if "<xrdMeasurements" in head:
        return "xrdml"
    if re.match(r"\s*\*RAS_DATA_START", head) or "*RAS_HEADER_START" in head:
        return "rigaku_ras"
    if "[Measurement conditions]" in head and re.search(r"K-Alpha1 wavelength", head):
        return "panalytical_csv"
    if re.search(r"^\s*_2THETA|^_FILEVERSION|^_DRIVE", head, re.M):
        return "uxd"
    if re.search(r"^BANK\s", head, re.M):
        return "gsas_std"
    if re.search(r"^#\s*(Acq\. ?time|Laser|Grating|Accumulations)\b", head, re.M | re.I):
        raise FileFormatError(path, "this looks like a Horiba LabSpec Raman export (#Acq. time/#Laser header), "
                              "not a diffraction scan; read it with nakit.raman.read_raman")
    if re.match(r"\s*#Wave\s+#Intensity", head, re.I):
        raise FileFormatError(path, "this looks like a Renishaw WiRE Raman text export (#Wave #Intensity), not "
                              "a diffraction scan; read it with nakit.raman.read_raman")
    root = re.match(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w:.-]*)", head, re.S)
    if root:
        raise FileFormatError(path, f"an XML file whose root element is <{root.group(1)}>, which is neither "
                              "PANalytical XRDML (<xrdMeasurements>) nor a Bruker BRML member")
    if "\x00" in head:
        raise FileFormatError(path, f"binary content of no XRD format nakit knows (first bytes {data[:8]!r}); "
                              "known: Bruker RAW/BRML, PANalytical XRDML, Rigaku RAS/RASX, GSAS STD, UXD, text")
    if suffix in (".raw",):
        raise FileFormatError(path, f"not a Bruker RAW file: magic bytes {data[:7]!r}, expected "
                              "'RAW ', 'RAW2', 'RAW1.01' or 'RAW4.00'", field="byte 0")
    if suffix in (".brml", ".rasx"):
        raise FileFormatError(path, f"content does not match the {suffix} format (a zip archive)")
    if suffix in (".xrdml", ".uxd", ".ras"):
        raise FileFormatError(path, f"content does not match the {suffix} format")
    return "xy"


def _detect_zip(data: bytes, path) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileFormatError(path, f"starts like a zip archive (as BRML and RASX do) but is not a readable "
                              f"one: {zip_reason(exc)}") from None
    if not names:
        raise FileFormatError(path, "an empty zip archive (it holds no files), not a BRML or RASX scan")
    if any(re.search(r"RawData\d+\.xml$", n) for n in names):
        return "brml"
    if any(re.search(r"(^|/)Profile\d+\.txt$", n) for n in names):
        return "rigaku_rasx"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        if is_table(data, path):  # a table kept in Excel, read as its text export
            return "workbook"
        raise FileFormatError(path, "this looks like an Excel workbook (.xlsx) with data on several sheets, not a "
                              "diffraction scan; a scan's table on a workbook's one sheet (or as text) is read")
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    raise FileFormatError(path, f"a zip archive that is neither Bruker BRML (Experiment*/RawData*.xml) nor "
                          f"Rigaku RASX (Data*/Profile*.txt); it holds: {shown or 'nothing'}")


def zip_budget(zf: zipfile.ZipFile, path) -> list[int]:
    """A fresh byte budget for one zip container (see :func:`zip_member`).

    An archive whose members declare more than :data:`MAX_MEMBER_BYTES` in all is refused
    here, before any member is read, even when the member that is too big is not one nakit
    reads: a diffraction scan never needs that much, and a member that size is either a
    bomb or a file that is not what it claims to be. Archives that lie about their sizes
    are stopped by the capped reads of :func:`zip_member`.
    """
    declared = sum(info.file_size for info in zf.infolist())
    if declared > MAX_MEMBER_BYTES:
        biggest = max(zf.infolist(), key=lambda info: info.file_size)
        raise FileFormatError(path, f"the archive declares {declared} bytes when expanded (the limit is "
                              f"{MAX_MEMBER_BYTES}; {biggest.filename} alone {biggest.file_size}): a zip bomb?",
                              field=biggest.filename)
    return [MAX_MEMBER_BYTES]


def zip_member(zf: zipfile.ZipFile, name: str, path, budget: list[int]) -> bytes:
    """Read one member of a zip container, never holding more than ``budget[0]`` bytes.

    ``budget`` is a one-element list shared by every member read from one archive, so the
    cap applies to the archive's total expanded size; the declared sizes in the archive are
    not trusted (a bomb may lie), the bytes actually produced are counted.
    """
    try:
        with zf.open(name) as stream:
            block = stream.read(budget[0] + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError,
            ValueError) as exc:
        raise FileFormatError(path, f"{name}: corrupt zip member ({exc})", field=name) from None
    if len(block) > budget[0]:
        raise FileFormatError(path, f"{name}: the archive decompresses to more than {MAX_MEMBER_BYTES} bytes "
                              "(the limit for one file; a zip bomb?)", field=name)
    budget[0] -= len(block)
    return block


def _to_dataset(path, fmt, s: _Scan, wl: Wavelength, wl_source: str, index: int, n: int) -> xr.Dataset:
    x = np.asarray(s.two_theta, dtype=float) if s.axis is None else _to_two_theta(path, s, wl.ka1)
    y = np.asarray(s.intensity, dtype=float)
    if x.size < 2:
        raise FileFormatError(path, f"range {index}: fewer than two data points", field=f"range {index}")
    d = np.diff(x)
    descending = bool(np.all(d < 0))
    if descending:
        order = slice(None, None, -1)
        x, y = x[order], y[order]
        s.sigma = None if s.sigma is None else s.sigma[order]
    elif not np.all(d > 0):
        bad = int(np.flatnonzero(d <= 0)[0]) + 1
        raise InvalidDataError(path, f"2theta is not monotonic: point {bad} ({x[bad]:.10g} deg) does not follow "
                               f"{x[bad - 1]:.10g} deg", field=f"range {index}, point {bad}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        bad = int(np.flatnonzero(~(np.isfinite(x) & np.isfinite(y)))[0])
        raise FileFormatError(path, "non-finite value in the data", field=f"range {index}, point {bad}")
    # every format (XRDML, BRML, RAS ... name no line): a count no detector records is an edit or corruption
    refuse_beyond(y, FLOAT32_MAX, path=path, field="intensity",
                  why="no detector writes a count beyond float32's range")
    _check_angles(path, x, index)
    if s.measured and (negative := negative_points(y)).size:
        k = int(negative[-1] if descending else negative[0])  # the first in the file's order
        raise InvalidDataError(path, f"intensity {y[k]:g} at 2theta {x[k]:.6g} deg ({negative.size} negative point(s) "
                               f"in all); the file states these are measured {s.units}, which are never negative",
                               field=f"range {index}, point {x.size - k if descending else k + 1}")
    if np.ptp(y) == 0:  # counts always scatter: one value throughout is a placeholder, not a scan
        raise InvalidDataError(path, f"every intensity is {y[0]:g}: nothing was measured", field=f"range {index}")
    dvars = {"intensity": ("two_theta", y, {"units": s.units, "long_name": "diffracted intensity"})}
    if s.sigma is not None:
        dvars["intensity_sigma"] = ("two_theta", np.asarray(s.sigma, float), {"units": s.units})
    ds = xr.Dataset(dvars, coords={"two_theta": ("two_theta", x, {"units": "deg", "long_name": "2theta"})})
    ds.attrs.update(file_provenance(path, fmt, **s.meta))
    ds.attrs.update(wl.attrs())
    ds.attrs.update({"wavelength_source": wl_source, "scan_index": index, "n_scans": n})
    return ds


#: angstrom by which a given wavelength may differ from the one the file states (rounding: 1.5406 for
#: 1.5405929) before the two are different tubes or lines
SAME_WAVELENGTH = 1e-3


def _overridden(path, given: Wavelength, stated: Wavelength, *, named_line: bool = False, ka1_optic: str = "") -> str:
    """Words for a wavelength given that is not the one the file states ("" when it is): it is used
    (a file's own can be a software default), but every d-spacing and phase match follows it; or
    one that leaves out the K-alpha2 line the file states (``1.5406`` typed for a Cu tube's scan),
    which would be read as peaks of their own, unless the line was named (``"CuKa1"``: a
    monochromated instrument whose file keeps the tube's doublet); or one with a K-alpha2 line
    where the file's optics pass K-alpha1 alone (``ka1_optic``, the reader's words for them:
    ``stated`` is then K-alpha1 only, :func:`_ka1_only`)."""
    def named(wl: Wavelength) -> str:
        tube = anode_at(wl.ka1)
        return f"{wl.ka1:g} angstrom" + (f", {tube}" if tube else "")

    keep = "leave the sample's wavelength out to use the file's"
    if abs(given.ka1 - stated.ka1) > SAME_WAVELENGTH:
        return (f"{path}: the wavelength given ({named(given)}) is not the one the file states ({named(stated)}); "
                f"the given one is used, so every d-spacing and phase match follows it: {keep}")
    if stated.ka2 is not None and given.ka2 is None and not named_line:
        # the file keeps the tube's doublet behind a monochromator it does not record as often as not
        line = f"{anode_at(given.ka1)}Ka1" if anode_at(given.ka1) else "the line by name"
        return (f"{path}: the wavelength given ({given.ka1:g} angstrom, one line) leaves out the K-alpha2 line the "
                f"file states ({stated.ka2:g} angstrom, {stated.ratio:g} of K-alpha1): past ~50 deg each reflection's "
                f"K-alpha2 peak would be read as a peak of its own: {keep}; if the instrument passes K-alpha1 alone (a "
                f"primary monochromator the file does not record: one peak per reflection), give '{line}' and this is "
                "not said")
    if ka1_optic and given.ka2 is not None:
        return (f"{path}: the wavelength given has a K-alpha2 line ({given.ka2:g} angstrom), but the file records "
                f"{ka1_optic}: the doublet given is fitted, each peak's K-alpha2 share taken from a line the data do "
                "not have: leave the sample's wavelength out to use the file's")
    return ""


#: K-alpha2 lies this far above K-alpha1 for every anode (Cr 0.17 % ... Ag 0.78 %), as a fraction
KA2_ABOVE_KA1 = (0.001, 0.01)


def _tube_problem(wl: Wavelength, anode: str | None) -> str:
    """Why a file's own wavelengths and anode cannot all be right ("" when they agree).

    A K-alpha2 line that is not K-alpha1's partner (``_WL1=0.7093`` beside ``_WL2=1.54439``: Mo
    and Cu), or an anode whose lines are not the wavelength stated (``_ANODE='Mo'`` with
    ``_WL1=1.5406``): one field was edited or is a default, and the peaks are fitted with what
    is stated. A wavelength of no tube (a synchrotron's, or a monochromator's) is not judged
    against the anode.
    """
    tube = anode_at(wl.ka1)
    problems = []
    if wl.ka2 is not None:
        lo, hi = KA2_ABOVE_KA1
        ka2_tube = anode_at(wl.ka2)
        if tube and abs(wl.ka2 - ANODES[tube][1]) > SAME_ANODE:
            problems.append(f"its K-alpha1 {wl.ka1:g} angstrom is {tube}'s, but its K-alpha2 {wl.ka2:g} angstrom is "
                            f"not {tube}'s ({ANODES[tube][1]:g})" + (f" but {ka2_tube}'s" if ka2_tube else ""))
        elif not tube and not lo <= wl.ka2 / wl.ka1 - 1 <= hi:
            problems.append(f"its K-alpha1 {wl.ka1:g} and K-alpha2 {wl.ka2:g} angstrom are no doublet of one anode "
                            f"(K-alpha2 lies {100 * lo:g}-{100 * hi:g} % above K-alpha1, here "
                            f"{100 * (wl.ka2 / wl.ka1 - 1):.3g} %)")
    named = str(anode or "").strip().capitalize()
    if named in ANODES and tube and tube != named:
        problems.append(f"it names the anode {named}, whose K-alpha1 is {ANODES[named][0]:g} angstrom, but states "
                        f"{wl.ka1:g} angstrom, {tube}'s")
    elif named in ANODES and not tube and anode_in_nm(wl.ka1) == named:
        problems.append(f"it names the anode {named}, whose K-alpha1 is {ANODES[named][0]:g} angstrom, but states "
                        f"{wl.ka1:g} angstrom, a tenth of it: the wavelength written in nm but labelled angstrom?")
    if not problems:
        return ""
    return ("the file's tube lines disagree: " + "; and ".join(problems) + ". The wavelengths stated are used, so "
            "every d-spacing and K-alpha2 position follows them: check the file, or give the sample's wavelength "
            "(an anode such as 'Cu' for its doublet)")


def _check_angles(path, x: np.ndarray, index: int) -> None:
    """Refuse an ascending axis that is no 2theta: a Raman spectrum or an impedance table has two
    numeric columns too."""
    if x.size and (x[0] <= 0 or x[-1] >= 180):
        why = ("a diffraction angle lies between 0 and 180 deg: this looks like another technique's data (a Raman "
               "shift in cm-1, frequencies in Hz, ...), not a scan in degrees 2theta" if x[-1] >= 180 or x[0] < -10
               else "points at or below 0 deg (the direct beam) are no diffraction: crop the scan to 2theta > 0")
        raise FileFormatError(path, f"2theta runs from {x[0]:g} to {x[-1]:g} deg; {why}", field=f"range {index}")


def _to_two_theta(path, s: _Scan, ka1: float) -> np.ndarray:
    """2theta (deg) of a scan whose first column is Q or d, at the K-alpha1 wavelength."""
    kind, factor = s.axis
    v = np.asarray(s.two_theta, dtype=float) * factor
    sine = v * ka1 / (4 * np.pi) if kind == "q" else ka1 / (2 * v)
    if not np.all((sine > 0) & (sine < 1)):
        what = "Q" if kind == "q" else "d"
        raise FileFormatError(path, f"the first column is {what} ({v.min():g}-{v.max():g} "
                              f"{'1/angstrom' if kind == 'q' else 'angstrom'}), and part of it lies beyond what "
                              f"{ka1:g} angstrom reaches (sin theta > 1): is the wavelength right?")
    s.meta["axis_converted"] = f"{'Q' if kind == 'q' else 'd'} to 2theta at {ka1:g} angstrom"
    return 2 * np.degrees(np.arcsin(sine))


#: the first column's name when it is Q or d, and its unit's factor to 1/angstrom or angstrom
_Q_NAME = re.compile(r"^(q|q[-_ ]?value|scattering[-_ ]?vector)\b")
_D_NAME = re.compile(r"^(d|d[-_ ]?spacing|d[-_ ]?value)\b")
# theta alone, not 2theta nor a coupled scan's "theta/2theta" (whose axis is 2theta)
_THETA_NAME = re.compile(r"^(theta|θ)(?![\s/_-]*(2|two))\b")


def _first_column_names(lines: list[str]):
    """(line number, the name a header or comment line before the data gives its first column), lower case."""
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("#;!%'\"/").strip()
        if not line:
            continue
        # fields apart by tabs, commas, semicolons or two spaces ("Relative Pressure (P/Po), Quantity
        # Adsorbed": the name is two words); only a line without those splits at single spaces ("# theta I")
        fields = re.split(r"\t|,|;|\s{2,}", line)
        first = (fields[0] if len(fields) > 1 else re.split(r"\s(?=[A-Za-z])", line)[0]).strip().lower()
        if re.match(r"^[-+.\d]", first):
            return  # the data
        yield lineno, first


#: the second column's name in a header of columns: the intensity (a comment line's second word is no name)
_INTENSITY_NAME = re.compile(r"^(intensity|intensities|counts?|cps|int|i|y|yobs|i_obs|iobs|obs)\b", re.IGNORECASE)


def _column_header(line: str) -> bool:
    """Whether ``line`` names columns (``Theta\tCounts``, ``theta  intensity``, ``# Theta Intensity``),
    not a sentence (``# Theta scan of sample 3``): fields apart by tabs, commas, semicolons or two
    spaces, or a second word naming the intensity."""
    text = line.strip().lstrip("#;!%'\"/").strip()
    if len(re.split(r"\t|,|;|\s{2,}", text)) >= 2:
        return True
    words = text.split()
    return 2 <= len(words) <= 4 and bool(_INTENSITY_NAME.match(words[1]))


def _first_column_axis(lines: list[str], path=None) -> tuple[str, float] | None:
    """("q" | "d", factor) when a header or comment line before the data names the first column Q or
    d (``Q (1/A)``, ``# q(nm^-1)``, ``d-spacing (A)``), else None (2theta, as xy files hold).

    Raises FileFormatError when it names another technique's quantity (``time``, ``freq``,
    ``p/p0``, ...: :data:`nakit.textio.FIRST_COLUMNS`): a cycler's or an isotherm's table is no
    scan whose wavelength is missing.
    """
    found = None
    for lineno, first in _first_column_names(lines):
        nm = "nm" in first
        if _Q_NAME.match(first):
            found = ("q", 0.1 if nm else 1.0)
        elif _D_NAME.match(first):
            found = ("d", 10.0 if nm else 1.0)
        elif _THETA_NAME.match(first) and _column_header(lines[lineno - 1]):
            warnings.warn(NakitWarning(
                f"{Path(str(path)).name if path else 'the file'}, line {lineno}: the header names the first column "
                f"{first!r}, not 2theta; it is read as 2theta, as most exports mean it. If it holds theta, every "
                "d-spacing is doubled: export 2theta (or double the column)"), stacklevel=3)
        elif (other := first_column_technique(first)) not in (None, "xrd"):
            raise FileFormatError(path, f"the header names the first column {first!r}, not 2theta (or Q, d): "
                                        f"this table is no diffraction scan (a {other} table?)", line=lineno)
    return found


class _Bin:
    """Little-endian reader over bytes that reports truncation with a byte offset."""

    def __init__(self, data: bytes, path):
        self.data, self.path = data, path

    def unpack(self, fmt: str, offset: int):
        try:
            return struct.unpack_from("<" + fmt, self.data, offset)
        except struct.error:
            raise FileFormatError(self.path, f"file is truncated: needed {struct.calcsize('<' + fmt)} bytes "
                                  f"at offset {offset}, file has {len(self.data)}", field=f"byte {offset}") from None

    def string(self, offset: int, n: int) -> str:
        self.unpack(f"{n}s", offset)
        return self.data[offset: offset + n].split(b"\0", 1)[0].decode("latin-1").strip()

    def floats(self, offset: int, count: int, stride: int = 4) -> np.ndarray:
        end = offset + count * stride
        if end > len(self.data) or count < 0:
            raise FileFormatError(self.path, f"file is truncated: {count} steps of {stride} bytes from offset "
                                  f"{offset} need {end} bytes, file has {len(self.data)}", field=f"byte {offset}")
        arr = np.frombuffer(self.data, dtype="<f4", count=count * stride // 4, offset=offset)
        return arr[:: stride // 4].astype(float)

    def scan_range(self, offset: int, steps: int, start: float, step: float, *, index: int,
                   header_at: int, stride: int = 4) -> tuple[np.ndarray, np.ndarray]:
        """(2theta, counts) of one range, after checking its header against the file.

        The step count is checked against the bytes that follow before anything is allocated
        (a header declaring 2**31 steps must not cost 16 GiB), and the step size must be a
        positive finite number: Bruker writes ranges with increasing 2theta, so a zero,
        negative or non-finite step means a corrupt header, not a scan to believe.
        """
        if offset > len(self.data):
            raise FileFormatError(self.path, f"file is truncated: range {index} data would start at byte {offset}, "
                                  f"file has {len(self.data)}", field=f"byte {header_at}")
        try:
            n = check_declared_count(steps, stride, len(self.data) - offset, path=self.path,
                                     field=f"byte {header_at} (range {index} step count)")
        except FileFormatError as exc:
            raise FileFormatError(self.path, f"file is truncated or its header is wrong: range {index} "
                                  f"{exc.reason}", field=exc.field) from None
        if not (np.isfinite(start) and np.isfinite(step) and step > 0):
            raise FileFormatError(self.path, f"range {index}: start {start!r} deg, step {step!r} deg; expected a "
                                  "finite start and a positive step", field=f"byte {header_at} (range {index})")
        return _steps(start, step, n), self.floats(offset, n, stride)

    def check_counts(self, x: np.ndarray, y: np.ndarray, offset: int, *, index: int, stride: int = 4) -> None:
        """Refuse a range of counts holding values no count can be: negative or fractional ones.

        RAW v1-v3 store the detector's counts per step as float32, which holds every count up to
        2**24 exactly: a negative or fractional value (-0.0215 among counts of ~350, 296.992) is a
        damaged byte, and read as measured it was fitted as a dip or taken for a background
        subtracted before export. Named with its point, 2theta and byte offset.
        """
        bad = np.flatnonzero((y < 0) | (np.abs(y - np.round(y)) > FLOAT32_COUNT_NOISE))
        if not bad.size:
            return
        shown = "; ".join(f"point {k + 1} ({x[k]:.6g} deg, byte {offset + stride * k}): {y[k]:.9g}"
                          for k in bad[:5]) + ("; ..." if bad.size > 5 else "")
        raise InvalidDataError(self.path, f"range {index} holds {bad.size} value(s) no count can be, negative or "
                               f"fractional, where the format stores whole counts: {shown}. The file is damaged "
                               "(flipped bytes?)", field=f"byte {offset + stride * int(bad[0])}")

    def check_consumed(self, offset: int, what: str) -> None:
        """Refuse bytes left after the last range: the step counts do not describe the file."""
        if offset != len(self.data):
            raise FileFormatError(self.path, f"{len(self.data) - offset} bytes follow the last range's {what}: a "
                                  "range header's step count does not match the data (corrupt header?)",
                                  field=f"byte {offset}")


#: counts: how far a count stored as float32 may lie from a whole number (none: float32 holds every
#: whole number up to 2**24 exactly; a damaged byte moves one by 1/256 or more, 296.992 for 297)
FLOAT32_COUNT_NOISE = 1e-3


def _steps(start: float, step: float, n: int) -> np.ndarray:
    return start + step * np.arange(n)


# --------------------------------------------------------------------------------- Bruker RAW

def _parse_bruker_raw(data: bytes, path) -> list[_Scan]:
    b = _Bin(data, path)
    if data[:7] == b"RAW1.01":
        return _raw_v3(b)
    if data[:7] == b"RAW4.00":
        return _raw_v4(b)
    if data[:4] == b"RAW2":
        return _raw_v2(b)
    if data[:4] == b"RAW ":
        return _raw_v1(b)
    raise FileFormatError(path, f"wrong magic bytes {data[:7]!r}; expected 'RAW ', 'RAW2', 'RAW1.01' or "
                          "'RAW4.00'", field="byte 0")


def _raw_v1(b: _Bin) -> list[_Scan]:
    scans, off, more = [], 4, 1
    while more:
        (steps,) = b.unpack("I", off)
        if scans and b.data[off: off + 4] == b"RAW ":  # later ranges may repeat the magic
            off += 4
            (steps,) = b.unpack("I", off)
        t_step, step, _mode, _pad, start = b.unpack("ffIIf", off + 4)
        sample = b.string(off + 36, 32)
        ka1, ka2 = b.unpack("ff", off + 68)
        (more,) = b.unpack("I", off + 148)
        x, y = b.scan_range(off + 152, steps, start, step, index=len(scans), header_at=off)
        b.check_counts(x, y, off + 152, index=len(scans))
        off += 152 + 4 * x.size
        wl = Wavelength._checked(ka1, ka2, 0.5) if ka1 > 0 else None
        scans.append(_Scan(x, y, meta={"version": "RAW v1", "sample": sample, "time_per_step_s": t_step},
                           wavelength=wl))
    return scans


def _raw_v2(b: _Bin) -> list[_Scan]:
    (n_ranges,) = b.unpack("H", 4)
    anode = b.string(188, 2)
    ka1, ka2, ratio = b.unpack("fff", 190)
    wl = Wavelength._checked(ka1, ka2, ratio) if ka1 > 0 else None
    scans, off = [], 256
    for r in range(n_ranges):
        hlen, steps = b.unpack("HH", off)
        if hlen <= 48:
            raise FileFormatError(b.path, f"range header length {hlen} too short", field=f"byte {off}")
        t_step, step, start = b.unpack("fff", off + 8)
        x, y = b.scan_range(off + hlen, steps, start, step, index=r, header_at=off)
        b.check_counts(x, y, off + hlen, index=r)
        off += hlen + 4 * x.size
        scans.append(_Scan(x, y, meta={"version": "RAW v2", "anode": anode, "time_per_step_s": t_step},
                           wavelength=wl))
    return scans


def _raw_v3(b: _Bin) -> list[_Scan]:
    (n_ranges,) = b.unpack("I", 12)
    meta = {"version": "RAW v3 (RAW1.01)", "sample": b.string(326, 60), "user": b.string(36, 72),
            "date": b.string(16, 10), "anode": b.string(608, 4)}
    _avg, ka1, ka2, _beta, ratio = b.unpack("ddddd", 616)
    file_wl = Wavelength._checked(ka1, ka2, ratio) if ka1 > 0 else None
    (radius,) = b.unpack("f", 564)
    meta["goniometer_radius_mm"] = float(radius)
    check_declared_count(n_ranges, 304, max(len(b.data) - 712, 0), path=b.path, field="byte 12 (number of ranges)")
    scans, off = [], 712
    for r in range(n_ranges):
        hlen, steps = b.unpack("II", off)
        if hlen != 304:
            raise FileFormatError(b.path, f"range {r} header length {hlen}, expected 304", field=f"byte {off}")
        (start_2t,) = b.unpack("d", off + 16)
        (step,) = b.unpack("d", off + 176)
        (t_step,) = b.unpack("f", off + 192)
        (used_lambda,) = b.unpack("d", off + 240)
        (supp,) = b.unpack("I", off + 256)
        x, y = b.scan_range(off + hlen + supp, steps, start_2t, step, index=r, header_at=off)
        b.check_counts(x, y, off + hlen + supp, index=r)
        off += hlen + supp + 4 * x.size
        wl = file_wl or (Wavelength._checked(used_lambda, None, 0.0) if used_lambda > 0 else None)
        scans.append(_Scan(x, y, meta={**meta, "time_per_step_s": float(t_step)}, wavelength=wl))
    b.check_consumed(off, "counts")
    return scans


def _raw_v4(b: _Bin) -> list[_Scan]:
    meta: dict[str, Any] = {"version": "RAW v4 (RAW4.00)", "date": b.string(12, 12)}
    wl = None
    off = 61
    while True:
        (seg,) = b.unpack("I", off)
        if seg in (0, 160):
            break
        (slen,) = b.unpack("I", off + 4)
        if slen < 8:
            raise FileFormatError(b.path, f"metadata segment of length {slen}", field=f"byte {off}")
        if seg == 10 and slen >= 36:
            meta[b.string(off + 12, 24).lower()] = b.string(off + 36, slen - 36)
        elif seg == 30 and slen >= 120:
            _avg, ka1, ka2, _beta, ratio = b.unpack("ddddd", off + 72)
            meta["anode"] = b.string(off + 116, 4)
            if ka1 > 0:
                wl = Wavelength._checked(ka1, ka2, ratio)
        off += slen
    scans = []
    while off < len(b.data):
        range_at = off
        scan_type = b.string(off + 32, 24)
        start, step = b.unpack("dd", off + 72)
        (steps,) = b.unpack("I", off + 88)
        (t_step,) = b.unpack("f", off + 92)
        (used_lambda,) = b.unpack("d", off + 112)
        datum, hdr = b.unpack("II", off + 136)
        if datum not in (4, 8):
            raise FileFormatError(b.path, f"{datum} bytes per step; expected 4 or 8", field=f"byte {off + 136}")
        # 8-byte steps (DIFFRAC.EVA) hold the float32 intensity followed by a 4-byte status word. The values
        # are not checked as counts (_Bin.check_counts): DIFFRAC.EVA, which writes RAW4, also saves scans it
        # has processed, and NOMAD's RAW4 fixture holds negative, fractional (scrambled) values on purpose
        x, y = b.scan_range(off + 160 + hdr, steps, start, step, index=len(scans), header_at=off, stride=datum)
        off += 160 + hdr + datum * x.size
        if scan_type not in ("Locked Coupled", "Unlocked Coupled", "TwoTheta", "Detector Scan", ""):
            meta["scan_type_note"] = f"scan type {scan_type!r} read as a 2theta scan"
        scan_wl = wl or (Wavelength._checked(used_lambda, None, 0.0) if used_lambda > 0 else None)
        scans.append(_Scan(x, y, meta={**meta, "scan_type": scan_type, "time_per_step_s": float(t_step),
                                       "bytes_per_step": int(datum)}, wavelength=scan_wl))
        _raw4_check_next(b, off, header_at=range_at, index=len(scans) - 1, steps=x.size, datum=datum)
    return scans


def _raw4_check_next(b: _Bin, off: int, *, header_at: int, index: int, steps: int, datum: int) -> None:
    """Refuse bytes after a RAW4 range that cannot start another range.

    RAW4 has no range count in its file header: the ranges simply follow one another, each
    starting with segment id 0 or 160 and a 160-byte header. Whatever follows a range's counts
    must therefore be nothing or another range; anything else means the range's step count
    does not describe its data (one step fewer leaves the last point over), and reading on
    would drop data silently.
    """
    rest = len(b.data) - off
    if rest == 0:
        return
    seg = b.unpack("I", off)[0] if rest >= 4 else None
    if seg in (0, 160) and rest >= 160:
        return
    what = (f"segment id {seg}, expected 0 or 160" if seg not in (None, 0, 160)
            else "too short for a 160-byte range header")
    extra = rest // datum
    held = f"; they would be {extra} more step{'s' * (extra != 1)}" if rest % datum == 0 and rest < 160 else ""
    raise FileFormatError(b.path, f"range {index} declares {steps} steps of {datum} bytes, but {rest} bytes "
                          f"follow its data and do not start another range ({what}){held}: the step count "
                          "does not match the data (corrupt header?)",
                          field=f"byte {header_at + 88} (range {index} step count)")


# ------------------------------------------------------------------------------------- text

_COMMENT_START = tuple("#;!%'\"") + ("//",)
#: comment marks that are quotes: before the data they start a header ('"2theta","I"'), inside it they quote a
#: field ('"1,234.5"'), and a row so written is refused with its line, not skipped as a comment (a point lost)
_QUOTES = ("'", '"')


def _text(data: bytes, path) -> tuple[list[str], bool]:
    """Decoded lines (BOM removed, any line end) and whether the file ends with a line break; a
    workbook's one table as its text export's lines (:func:`nakit.sheets.table_lines`)."""
    if is_workbook(data):
        return table_lines(data, path)[0], True
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    ends = text.endswith("\n")
    lines = text.split("\n")
    if ends:
        lines.pop()
    if not "".join(lines).strip():
        raise FileFormatError(path, "file is empty")
    return lines, ends


def _fields(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    # a delimiter at the end of a row (spreadsheet exports) ends the row, it adds no field
    return [f.strip() for f in line.rstrip().rstrip(delimiter).split(delimiter)]


def _numeric_rows(lines: list[str], path, *, first_line: int = 1, min_cols: int = 2,
                  ends_with_newline: bool = True) -> np.ndarray:
    """Numeric rows of a text table; lines before the first numeric row are a header (:func:`_numeric_table`)."""
    return _numeric_table(lines, path, first_line=first_line, min_cols=min_cols, ends_with_newline=ends_with_newline)[0]


def _numeric_table(lines: list[str], path, *, first_line: int = 1, min_cols: int = 2,
                   ends_with_newline: bool = True) -> tuple[np.ndarray, list[int]]:
    """Numeric rows of a text table and the line number of each; lines before the first numeric
    row are a header.

    The decimal separator and the delimiter are sniffed (decimal commas with ``;``, tab or
    white space are read as numbers, never split into two columns); every field of a data
    row must be a finite number; a file that ends without a line break must not end in a cut
    row or number (see :func:`nakit.textio.check_last_row`).
    """
    decimal, delimiter = sniff_decimal_and_delimiter(lines)
    rows: list[list[str]] = []
    linenos: list[int] = []
    ncol = None
    for lineno, raw in enumerate(lines, start=first_line):
        line = raw.strip()
        if not line or (line.startswith(_COMMENT_START) and not (ncol is not None and line.startswith(_QUOTES))):
            continue
        fields = _fields(line, delimiter)
        if ncol is None:
            try:
                [parse_number(f, path=path, line=lineno, decimal=decimal) for f in fields]
            except FileFormatError:
                continue  # a header line before the data
            ncol = len(fields)
            if ncol < min_cols:
                raise FileFormatError(path, f"expected at least {min_cols} columns, found {ncol}", line=lineno)
        elif len(fields) != ncol:
            raise FileFormatError(path, f"row has {len(fields)} columns, expected {ncol} like the first data row",
                                  line=lineno)
        rows.append(fields)
        linenos.append(lineno)
    if not rows:
        raise FileFormatError(path, "no numeric data rows found")
    ends = ends_with_newline or linenos[-1] != first_line + len(lines) - 1
    check_last_row(rows, path=path, ends_with_newline=ends, line=linenos[-1], decimal=decimal)
    if not ends:
        # %g-style columns (143.9634, 12.5, 3243) defeat check_last_row's comparison with the
        # least precise earlier value
        check_last_value([r[-1] for r in rows], path=path, line=linenos[-1], column=ncol, decimal=decimal)
    arr = np.empty((len(rows), ncol))
    for i, (fields, lineno) in enumerate(zip(rows, linenos)):
        for j, f in enumerate(fields):
            arr[i, j] = parse_number(f, path=path, line=lineno, field=f"column {j + 1}", decimal=decimal)
    for j in range(ncol):  # before the order check: a 1e300 angle is named as what it is, not as disorder
        refuse_beyond(arr[:, j], FLOAT32_MAX, path=path, field=_TEXT_COLUMNS[min(j, 2)] if ncol > 1 else "counts",
                      lines=linenos, why="no detector or goniometer writes a number beyond float32's range")
    d = np.diff(arr[:, 0])
    if arr.shape[0] > 1 and not (np.all(d > 0) or np.all(d < 0)):
        bad = int(np.flatnonzero(np.sign(d) != np.sign(d[0]))[0] if np.any(d != 0) else 0) + 1
        if np.any(d == 0):
            bad = int(np.flatnonzero(d == 0)[0]) + 1
        raise FileFormatError(path, f"angles are not monotonic ({arr[bad - 1, 0]:.10g} then {arr[bad, 0]:.10g})",
                              line=linenos[bad])
    return arr, linenos


#: what the columns of a text scan hold, for the messages (the third and later: an uncertainty or another
#: detector channel, all counts-like)
_TEXT_COLUMNS = ("2theta", "intensity", "intensity uncertainty")

#: a comment line stating a wavelength in words (``# lambda = 1.78897 Angstrom (Co Ka1)``, ``# Wavelength: 1.5406 A``)
_COMMENT_WAVELENGTH = re.compile(r"\b(?:wave\s*length|lambda|λ)\s*(?:\(\s*(nm|å|a|angstroms?|ångström)?[^)]*\))?\s*"
                                 r"[=:]?\s*(\d+(?:\.\d+)?)\s*(nm|å|a|angstroms?|ångström)?\b", re.IGNORECASE)


def _comment_wavelength(lines: list[str]) -> tuple[int, float, str] | None:
    """(line number, angstrom, the line) of the first comment before the data that states a wavelength."""
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if re.match(r"^[-+.\d]", line):
            return None  # the data
        m = _COMMENT_WAVELENGTH.search(line)
        if m:
            value = float(m.group(2)) * (10.0 if (m.group(1) or m.group(3) or "").lower() == "nm" else 1.0)
            return (lineno, value, line) if 0.1 <= value <= 3.0 else None
    return None


#: a third column's name that says it is the intensity's uncertainty (``esd``, ``sigma(Yobs)``, ``e``, ``dI``)
_SIGMA_NAME = re.compile(r"sigma|σ|esd|err|uncert|std|deviation|^(e|s|u|sd|se|sig|sigi|dy|di|d?yobs_?e|eobs)$",
                         re.IGNORECASE)
#: log(sigma) against log(intensity) rises with this slope for counting errors (sigma = sqrt(k I));
#: outside these bounds the column is something else: 1 for a copy or a fraction of the intensity
#: (a calculated pattern, a background), 0 for a constant (weights of 1)
COUNTING_SLOPE = (0.3, 0.7)


def _column_names(lines: list[str], ncol: int) -> tuple[int, list[str]] | None:
    """(line number, names) when the line just before the data names its ``ncol`` columns, the first
    an angle's (``2theta (deg) Iobs esd``, ``# x y e``; units in brackets left out), else None: a
    comment of as many words (``# LaB6 standard scan``) names no column."""
    last = None
    for lineno, raw in enumerate(lines, start=1):
        text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", raw.strip().lstrip("#;!%'\"/"))
        names = [n for n in re.split(r"[\t,;\s]+", text.strip()) if n]
        if names and re.fullmatch(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?", names[0]):
            break  # the data ("2theta,Iobs,..." is not)
        if names:
            last = (lineno, names)
    if last is None or len(last[1]) != ncol:
        return None
    return last if _angle_name(last[1][0]) else None


def _angle_name(name: str) -> bool:
    """Whether a header's first column ``name`` is an angle's (``2theta``, ``tth``, ``x``; Q or d)."""
    first = name.strip().lower()
    return (first_column_technique(first) == "xrd" or first in ("x", "tth", "2t")
            or any(p.match(first) for p in (_Q_NAME, _D_NAME, _THETA_NAME)))


def _third_column_sigma(path, arr: np.ndarray, linenos: list[int], lines: list[str]) -> np.ndarray | None:
    """The third column as the intensity's standard uncertainty, or None when it is not one.

    A header naming it otherwise (``Ibackground``, ``Ycalc``) makes it not an uncertainty (a
    warning says so: read as counting statistics); one naming it an uncertainty, or none, takes
    it as one. A negative uncertainty, or 0 beside a positive intensity (which would weigh the
    point infinitely), is refused with its line; 0 at zero counts is kept (the peak fit gives it
    counting's 1). Unnamed, a column that does not grow as the root of the intensity (counting
    errors of raw or scaled counts do) is read all the same, with a warning.
    """
    name = (header := _column_names(lines, arr.shape[1])) and header[1][2]
    if name and not _SIGMA_NAME.search(name):
        warnings.warn(NakitWarning(
            f"{path}, line {header[0]}: the third column is headed {name!r}, which names no uncertainty (sigma, esd, "
            "error): it is not read as the intensity's standard uncertainty; the points are weighted by counting "
            "statistics"), stacklevel=5)
        return None
    y, sigma = arr[:, 1], arr[:, 2]
    bad = (sigma < 0) | ((sigma == 0) & (y > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise FileFormatError(path, f"the third column, read as the intensity's standard uncertainty, is {sigma[i]:g} "
                              f"where the intensity is {y[i]:g} ({int(bad.sum())} such row(s)); expected a positive "
                              "uncertainty (0 only at zero counts), or a file without that column",
                              line=linenos[i], field="column 3")
    use = (y > 0) & (sigma > 0)
    if not name and use.sum() >= 10 and np.ptp(np.log(y[use])) > np.log(3):
        slope = float(np.polyfit(np.log(y[use]), np.log(sigma[use]), 1)[0])
        lo, hi = COUNTING_SLOPE
        if not lo <= slope <= hi:
            what = ("hardly changes with the intensity" if slope < lo else
                    "follows the intensity itself (a calculated pattern or a background?)")
            warnings.warn(NakitWarning(
                f"{path}: the third column, which no header names, is read as the intensity's standard uncertainty, "
                f"but it goes as intensity^{slope:.2f}, not as its square root as counting errors do: it {what}. If "
                "it is no uncertainty, remove it (or name it in a header line, e.g. '2theta I Ibkg')"), stacklevel=5)
    return sigma


#: a header's words for an intensity column that is not counts: a count rate, or arbitrary
#: (normalised, relative, percent) units; nakit's name for each
_RATE_UNIT = re.compile(r"\bcps\b|\bc(oun)?ts?\s*/\s*s(ec)?\b|counts?\s+per\s+s(ec(ond)?)?\b|\bc/s\b", re.IGNORECASE)
_ARBITRARY_UNIT = re.compile(r"\ba\.\s?u\.?|\bau\b|\barb|normali[sz]ed|relative|\brel\b|%", re.IGNORECASE)


def _stated_intensity_unit(lines: list[str]) -> str:
    """The intensity's unit as the header line naming the columns gives it (``2Theta,Intensity (cps)``:
    "counts/s"; ``I (a.u.)``, ``normalised intensity``: "arb. units"); "counts" when it names
    none, as a two-column export is read. The header is the last line before the data, its first
    column an angle's (:func:`_angle_name`: a comment sentence is none); only the columns after
    the first are read (2theta's own unit is in the first)."""
    header = None
    for raw in lines:
        text = raw.strip().lstrip("#;!%'\"/").strip()
        if re.fullmatch(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?", re.split(r"[\t,;\s]+", text)[0]):
            break  # the data ("2theta I" is not)
        header = text or header
    if not header:
        return "counts"
    fields = re.split(r"\t|,|;|\s{2,}", header)
    if len(fields) < 2:  # names apart by single spaces ("2theta I(cps)")
        fields = header.split(" ", 1)
    if len(fields) < 2 or not _angle_name(re.sub(r"\(.*|\[.*", "", fields[0])):
        return "counts"
    rest = " ".join(fields[1:])
    if _RATE_UNIT.search(rest):
        return "counts/s"
    return "arb. units" if _ARBITRARY_UNIT.search(rest) else "counts"


def _parse_xy(data: bytes, path) -> list[_Scan]:
    lines, ends = _text(data, path)
    axis = _first_column_axis(lines, path)
    arr, linenos = _numeric_table(lines, path, ends_with_newline=ends)
    if axis is None:  # another technique's table (an impedance's f, Z', Z'') is named as such before its columns
        _check_angles(path, np.sort(arr[:, 0]), 0)
        if hint := radians_hint(arr[:, 0]):  # a text column says nothing of its unit
            warnings.warn(NakitWarning(f"{path}: {hint}"), stacklevel=4)
    sigma = _third_column_sigma(path, arr, linenos, lines) if arr.shape[1] >= 3 else None
    meta: dict[str, Any] = {"columns": arr.shape[1]}
    stated = _comment_wavelength(lines)
    if stated:  # words, not a format: never taken as the wavelength, but said and checked (read_xrd_scans)
        meta.update(comment_wavelength=stated[1], comment_wavelength_line=f"line {stated[0]}: {stated[2][:80]!r}")
    return [_Scan(arr[:, 0], arr[:, 1], sigma, units=_stated_intensity_unit(lines), meta=meta,
                  axis=axis)]


def _parse_panalytical_csv(data: bytes, path) -> list[_Scan]:
    """PANalytical Data Viewer / HighScore CSV: ``[Measurement conditions]`` key,value lines
    (the wavelengths among them), then ``[Scan points]`` and ``Angle,Intensity`` rows.

    Exported under a locale whose decimal sign is a comma, the same file has ``;`` between its
    fields and decimal commas (``K-Alpha1 wavelength;1,5405980``); the header's separator is
    the first ``,`` or ``;`` of each line (no key holds either), and its numbers are read with
    the decimal sign that separator implies.
    """
    lines, ends = _text(data, path)
    keys: dict[str, tuple[str, int, str]] = {}  # key: (value, line, decimal sign)
    start = None
    for i, line in enumerate(lines):
        if line.strip().lower() == "[scan points]":
            start = i + 1
            break
        cut = min((j for j in (line.find(","), line.find(";")) if j >= 0), default=-1)
        if cut >= 0:
            keys[line[:cut].strip().lower()] = (line[cut + 1:].strip().strip('"'), i + 1,
                                                "," if line[cut] == ";" else ".")
    if start is None:
        raise FileFormatError(path, "PANalytical CSV without a '[Scan points]' section")

    def num(key):
        if key not in keys:
            return None
        value, line, decimal = keys[key]
        return parse_number(value, path=path, line=line, field=key, decimal=decimal)

    ka1, ka2, ratio = num("k-alpha1 wavelength"), num("k-alpha2 wavelength"), num("ratio k-alpha2/k-alpha1")
    wl = Wavelength._checked(ka1, ka2, ratio or 0.0) if ka1 else None
    arr = _numeric_rows(lines[start:], path, first_line=start + 1, ends_with_newline=ends)
    declared = num("no. of points")
    if declared is not None and int(declared) != arr.shape[0]:
        raise FileFormatError(path, f"the header declares {declared:g} points, the [Scan points] section holds "
                              f"{arr.shape[0]}", field="No. of points", line=keys["no. of points"][1])
    return [_Scan(arr[:, 0], arr[:, 1], units="counts", wavelength=wl,
                  meta={"anode": keys.get("anode material", (None,))[0], "columns": arr.shape[1]})]


def _parse_uxd(data: bytes, path) -> list[_Scan]:
    # Keys accumulate: a range inherits the file header and every earlier key it does not override.
    keys: dict[str, str] = {}
    key_lines: dict[str, int] = {}  # the line each key was last set on, for the messages
    scans, block, block_start, kind = [], [], 0, None

    def flush():
        arr = _numeric_rows(block, path, first_line=block_start, min_cols=1,
                            ends_with_newline=ends or block_start + len(block) - 1 < len(lines))
        if arr.shape[1] == 1 and kind.startswith(("_2THETA", "_THETA")):
            # the block's key names an angle column before the counts: one column is the angles with the
            # counts lost (or the counts with the angles lost), never a scan to read on _START/_STEPSIZE
            raise FileFormatError(path, f"the data block {kind} holds one column, but its key names two (the angle, "
                                  "then the counts): a column is missing; expected 'angle<TAB>counts' rows, or a "
                                  "_COUNTS block for counts alone", line=block_start, field=kind)
        if arr.shape[1] == 1:
            try:
                x = _steps(float(keys["_START"]), float(keys["_STEPSIZE"]), arr.shape[0])
            except (KeyError, ValueError):
                raise FileFormatError(path, "single-column counts without _START/_STEPSIZE",
                                      line=block_start) from None
            y = arr[:, 0]
        else:
            x, y = arr[:, 0], arr[:, 1]
        meta = {k.lstrip("_").lower(): v for k, v in keys.items()
                if k in ("_SAMPLE", "_ANODE", "_DATEMEASURED", "_GONIOMETER_RADIUS", "_STEPTIME")}
        wavelength, no_wavelength = _uxd_wavelength(keys, key_lines, path)
        scans.append(_Scan(x, y, units="counts/s" if "CPS" in kind else "counts", meta=meta,
                           wavelength=wavelength, no_wavelength=no_wavelength))

    lines, ends = _text(data, path)
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("_"):
            if kind is not None:
                flush()
                kind = None
            key, eq, value = line.partition("=")
            key = key.strip().upper()
            if eq:
                keys[key] = value.strip().strip("'")
                key_lines[key] = lineno
            elif key.startswith(("_2THETA", "_COUNT", "_CPS", "_THETA")):
                kind, block, block_start = key, [], lineno + 1
        elif kind is not None:
            block.append(raw)
        else:
            raise FileFormatError(path, f"data row outside a data block: {line[:60]!r}", line=lineno)
    if kind is not None:
        flush()
    if not scans:
        raise FileFormatError(path, "no _2THETACOUNTS/_COUNTS data block found")
    return scans




def _uxd_wavelength(keys: dict[str, str], key_lines: dict[str, int], path) -> tuple[Wavelength | None, str]:
    """The wavelengths of a UXD header (``_WL1``, ``_WL2``, ``_WLRATIO``; ``_RANGE_WL`` without
    ``_WL1``) in angstrom, in the unit ``_WL_UNIT`` names, and why there is none when the file
    writes one that is no wavelength (``_WL1=0``, ``_WL1=-1.5406``: words for
    :attr:`_Scan.no_wavelength`, naming the line; "" otherwise).

    Raises
    ------
    FileFormatError
        A ``_WL_UNIT`` other than angstrom or nm; a wavelength outside any X-ray tube's range,
        naming its line.
    """
    def num(key):
        try:
            return float(keys[key])
        except (KeyError, ValueError):
            return None

    unit = keys.get("_WL_UNIT", "A").strip()
    if unit.lower() not in WAVELENGTH_UNITS:
        raise FileFormatError(path, f"_WL_UNIT={unit!r}: expected 'A' (angstrom) or 'nm'", field="_WL_UNIT")
    key = "_WL1" if "_WL1" in keys else "_RANGE_WL"
    if key not in keys:
        return None, ""
    ka1, ka2, ratio = num(key), num("_WL2"), num("_WLRATIO")
    if ka1 is None or ka1 <= 0:
        # written, but no wavelength: "states none" would send the user looking for a key that is there
        other = num("_RANGE_WL") if key == "_WL1" else None
        beside = (f" (its _RANGE_WL, line {key_lines['_RANGE_WL']}, says {other:g})"
                  if other is not None and other > 0 else "")
        return None, (f"states {key}={keys[key]!r} on line {key_lines[key]}, which is no wavelength (expected a "
                      f"positive number, in {unit}){beside}")
    to_angstrom = WAVELENGTH_UNITS[unit.lower()]
    try:
        return Wavelength._checked(ka1 * to_angstrom, ka2 * to_angstrom if ka2 and ka2 > 0 else None,
                                   ratio or 0.0), ""
    except ParameterError as exc:
        raise FileFormatError(path, f"the file states an impossible value: {exc}", line=key_lines[key],
                              field=key) from None


def _parse_gsas_std(data: bytes, path) -> list[_Scan]:
    """GSAS STD: per bank a ``BANK n nchan nrec CONST start step 0 0 STD`` line and ``nrec``
    80-column records of ten ``nnIIIIII`` fields (counter number, intensity).

    The BANK line is checked against the records rather than believed: ``nrec`` must be
    ``ceil(nchan / 10)``, the fields past ``nchan`` in the last record must be empty or zero
    padding, and only another BANK line may follow. A BANK line promising fewer points than
    the records hold is refused, not read as a shorter pattern.
    """
    lines, ends = _text(data, path)
    banks = [i for i, line in enumerate(lines) if line.startswith("BANK")]
    if not banks:
        raise FileFormatError(path, "no BANK line")
    title = lines[0].strip()[:80] if banks[0] > 0 else ""
    scans = []
    for b, i in enumerate(banks):
        stop = banks[b + 1] if b + 1 < len(banks) else len(lines)
        scans.append(_gsas_bank(lines, i, stop, path, title, ends))
    return scans


def _gsas_bank(lines: list[str], i: int, stop: int, path, title: str, ends_with_newline: bool) -> _Scan:
    parts = lines[i].split()
    try:
        nchan, nrec = int(parts[2]), int(parts[3])
        bintyp = parts[4]
        start, step = float(parts[5]), float(parts[6])
    except (IndexError, ValueError):
        raise FileFormatError(path, "BANK line must read 'BANK n nchan nrec CONST start step ...'", line=i + 1) from None
    if bintyp != "CONST":
        raise FileFormatError(path, f"bin type {bintyp!r} not supported (only CONST)", line=i + 1, field="BINTYP")
    fmt_kind = parts[-1] if parts[-1] in ("STD", "ESD", "ALT", "FXYE") else "STD"
    if fmt_kind != "STD":
        raise FileFormatError(path, f"GSAS {fmt_kind} layout not supported (only STD)", line=i + 1)
    if nchan < 1 or nrec != -(-nchan // 10):
        raise FileFormatError(path, f"BANK line declares {nchan} points in {nrec} records; the STD layout holds "
                              f"ten points per record, so {-(-max(nchan, 1) // 10)} records", line=i + 1,
                              field="NCHAN/NREC")
    body = lines[i + 1: stop]
    while body and not body[-1].strip():
        body.pop()
    if len(body) < nrec:
        raise FileFormatError(path, f"BANK line promises {nrec} records, the file has {len(body)} (truncated?)",
                              line=i + 1 + len(body))
    if len(body) > nrec:
        raise FileFormatError(path, f"BANK line promises {nrec} records ({nchan} points) but {len(body)} data "
                              f"lines follow it; the BANK line does not describe the data", line=i + 2 + nrec)
    y, ncount = [], []
    last = body[-1].rstrip()
    if not ends_with_newline and stop == len(lines) and len(last) % 8:
        # fields are 8 columns wide, right-aligned: a last record ending inside a field was cut
        raise FileFormatError(path, f"file ends mid-number (truncated?): the last record ends in column "
                              f"{len(last)}, inside an 8-column field", line=i + 1 + len(body))
    for k, rec in enumerate(body, start=i + 2):
        rec = rec.rstrip("\r\n")
        if len(rec) > 80 and rec[80:].strip():
            raise FileFormatError(path, f"record longer than 80 columns ({len(rec)})", line=k)
        rec = rec.ljust(80)
        for j in range(10):
            field_text = rec[8 * j: 8 * j + 8]
            if not field_text.strip():
                if len(y) < nchan:
                    raise FileFormatError(path, f"empty field before the {nchan} points the BANK line declares",
                                          line=k, field=f"column {j + 1}")
                continue
            nc, val = field_text[:2].strip(), field_text[2:].strip()
            try:
                value = parse_number(val, path=path, line=k, field=f"column {j + 1}")
                ncount.append(int(nc) if nc else 1)
            except ValueError:
                raise FileFormatError(path, f"field {field_text!r} is not 'nnIIIIII' (counters, intensity)",
                                      line=k, field=f"column {j + 1}") from None
            if len(y) >= nchan and value != 0:
                raise FileFormatError(path, f"a value ({val}) after the {nchan} points the BANK line declares; it "
                                      "promises fewer points than the records hold", line=k, field=f"column {j + 1}")
            y.append(value)
    y_arr = np.asarray(y[:nchan])
    nct = np.maximum(np.asarray(ncount[:nchan]), 1)
    # GSAS STD: the variance of a point is I / (number of counters); centidegrees on the axis
    sigma = np.sqrt(np.clip(y_arr, 0, None) / nct)
    return _Scan(_steps(start / 100.0, step / 100.0, nchan), y_arr, sigma,
                 meta={"title": title, "gsas_layout": "STD", "bank": parts[1]})


# -------------------------------------------------------------------------------------- XML

#: the units files write a wavelength in (UXD's ``_WL_UNIT``, XRDML's ``unit=``, BRML's ``Unit=``;
#: lower case) and their factor to angstrom. DIFFRAC writes 'A' or 'Å', PANalytical 'Angstrom';
#: 'nm' when set so.
WAVELENGTH_UNITS = {"a": 1.0, "å": 1.0, "angstrom": 1.0, "ångström": 1.0, "nm": 10.0}


def _xml_number(text: str | None, path, where: str, expected: str, *, whole: bool = False) -> float | None:
    """The number an XML element's text or attribute holds; None when absent or empty.

    Parameters
    ----------
    text
        The element's text or the attribute's value.
    path, where
        The file, and the element or attribute (with the zip member for a container), for the message.
    expected
        What the value should be, in words ("the wavelength, a number").
    whole
        Require a whole number (a column index).

    Raises
    ------
    FileFormatError
        Text that is not a (whole) number, naming ``where`` and ``expected``.
    """
    if text is None or not text.strip():
        return None
    try:
        value = parse_number(text, path=path, line=None, field=where)
        if whole and value != int(value):
            raise ValueError
    except (FileFormatError, ValueError):
        shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:37] + "..."
        raise FileFormatError(path, f"{where} holds {shown!r}; expected {expected}", field=where) from None
    return value


def _xml_wavelength(el, value: str | None, unit: str | None, path, where: str) -> float | None:
    """A wavelength element's value in angstrom, in the unit it names (angstrom when it names none);
    None when the element or its value is absent."""
    if el is None:
        return None
    number = _xml_number(value, path, where, "the wavelength, a number")
    if number is None:
        return None
    factor = WAVELENGTH_UNITS.get((unit or "angstrom").strip().lower())
    if factor is None:
        raise FileFormatError(path, f"{where} is in {unit!r}; expected a wavelength in Angstrom or nm", field=where)
    return number * factor

def _xml_root(data: bytes, path, what: str):
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise FileFormatError(path, f"{what} is not well-formed XML ({exc})") from None


def _strip_ns(root):
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


#: XRDML ``<intensities unit=...>``: (nakit's unit, factor to it); the file's own counts are "measured"
_XRDML_INTENSITY_UNITS = {"counts": ("counts", 1.0), "cps": ("counts/s", 1.0),
                          "kcounts": ("counts", 1000.0), "kcps": ("counts/s", 1000.0)}
#: XRDML ``<positions unit=...>`` read (radians are converted to degrees)
_XRDML_ANGLE_UNITS = ("deg", "rad")


def _parse_xrdml(data: bytes, path) -> list[_Scan]:
    """PANalytical XRDML: ``<usedWavelength>`` (``kAlpha1``, ``kAlpha2`` in their ``unit``,
    ``ratioKAlpha2KAlpha1``), then per ``<scan>`` its ``<dataPoints>``: 2Theta ``<positions>``
    (``listPositions``, or ``startPosition`` and ``endPosition``, in deg or rad), the
    ``commonCountingTime`` and the ``<intensities>`` (or ``<counts>``) in counts or cps (kcounts
    and kcps times 1000). A list stating one value per point (:func:`_xrdml_point_lists`) that
    holds another number than the intensities is refused naming it. An intensity unit or angle
    unit not among those is refused; a
    ``kAlpha1`` of 0 is no wavelength, said so; a ``startPosition`` above the ``endPosition`` is
    read as a scan downwards, with a warning.
    """
    root = _strip_ns(_xml_root(data, path, "XRDML file"))
    meas = root.find("xrdMeasurement")
    if meas is None:
        raise FileFormatError(path, "no <xrdMeasurement> element")
    wl, no_wavelength = None, ""
    uw = meas.find("usedWavelength")
    if uw is not None:
        def val(tag):
            el = uw.find(tag)
            return _xml_wavelength(el, None if el is None else el.text, None if el is None else el.get("unit"),
                                   path, f"<usedWavelength><{tag}>")
        ka1, ka2 = val("kAlpha1"), val("kAlpha2")
        ratio = _xml_number(uw.findtext("ratioKAlpha2KAlpha1"), path, "<usedWavelength><ratioKAlpha2KAlpha1>",
                            "the K-alpha2/K-alpha1 intensity ratio, a number (0.5 for a tube)")
        if ka1 is not None and ka1 > 0:
            wl = Wavelength._checked(ka1, ka2, ratio or 0.0)
        elif ka1 is not None:  # written, but no wavelength: not "states none"
            no_wavelength = f"states <usedWavelength><kAlpha1> {ka1:g}, which is no wavelength"
    anode = meas.findtext("incidentBeamPath/xRayTube/anodeMaterial")
    # <usedWavelength> keeps the tube's doublet (ratio 0.5) behind some incident-beam monochromators
    wl, ka1_only = _ka1_only(wl, _xrdml_primary_monochromator(meas))
    scans = []
    for k, scan in enumerate(meas.findall("scan")):
        dp = scan.find("dataPoints")
        if dp is None:
            raise FileFormatError(path, f"scan {k} has no <dataPoints>")
        ynode = dp.find("intensities")
        if ynode is None:
            ynode = dp.find("counts")
        if ynode is None or not (ynode.text or "").strip():
            raise FileFormatError(path, f"scan {k} has no <intensities> or <counts>", field="dataPoints")
        unit = ynode.get("unit", "counts")
        if unit not in _XRDML_INTENSITY_UNITS:
            raise FileFormatError(path, f"scan {k}: <{ynode.tag} unit={unit!r}>; expected one of "
                                  f"{', '.join(map(repr, _XRDML_INTENSITY_UNITS))}", field=f"<{ynode.tag}> unit")
        units, factor = _XRDML_INTENSITY_UNITS[unit]
        y = _xml_numbers(ynode.text, path, f"scan {k} <{ynode.tag}>") * factor
        pos = next((p for p in dp.findall("positions") if p.get("axis") == "2Theta"), None)
        if pos is None:
            raise FileFormatError(path, f"scan {k} has no 2Theta positions", field="positions")
        for where, count in _xrdml_point_lists(dp):
            if count != y.size:
                raise FileFormatError(path, f"scan {k}: {where} holds {count} values but <{ynode.tag}> holds "
                                      f"{y.size}; expected one per point: values were lost or added", field=where)
        x = _xrdml_positions(pos, y.size, path, k)
        t = _xml_number(dp.findtext("commonCountingTime"), path, f"scan {k} <commonCountingTime>",
                        "the counting time per step, a number of seconds")
        scans.append(_Scan(x, y, units=units, measured=True, no_wavelength=no_wavelength,
                           meta={"anode": anode, "counting_time_s": t, "status": meas.get("status"),
                                 "ka1_monochromator": ka1_only or None}, wavelength=wl))
    if not scans:
        raise FileFormatError(path, "no <scan> elements")
    return scans


#: the elements of an XRDML ``<dataPoints>`` that hold one value per point, besides the intensities
_XRDML_POINT_LISTS = ("countingTimes", "beamAttenuationFactors")


def _xrdml_point_lists(dp) -> list[tuple[str, int]]:
    """``(element, number of values)`` of each list in an XRDML ``<dataPoints>`` that states one value
    per point: every axis's ``<listPositions>``, ``<countingTimes>``, ``<beamAttenuationFactors>``.

    Each says how many points the scan has, as the intensities do. A scan stated by
    ``startPosition``/``endPosition`` alone states no count (nor step): its step is taken from the
    number of intensities, checked only against the round step a count one or two away would give
    (:func:`_check_xrdml_step`).
    """
    lists = [(f"<positions axis={p.get('axis')!r}><listPositions>", p.findtext("listPositions"))
             for p in dp.findall("positions")]
    lists += [(f"<{tag}>", dp.findtext(tag)) for tag in _XRDML_POINT_LISTS]
    return [(where, len(text.split())) for where, text in lists if text and text.strip()]


def _xrdml_primary_monochromator(meas) -> str | None:
    """The name of an XRDML measurement's K-alpha1 monochromator in the incident beam, or None: a
    ``<monochromator>`` there (Johansson, two- or four-bounce Ge(220)) or a hybrid mirror
    (``<xRayMirror hybrid="true">``, a mirror with a Ge(220) channel-cut). ``<usedWavelength
    intended="K-Alpha 1">`` says nothing: files of a mirror alone, which passes the doublet, write it too."""
    beam = meas.find("incidentBeamPath")
    if beam is None:
        return None
    for optic in beam:
        if optic.tag == "monochromator" or (optic.tag == "xRayMirror" and optic.get("hybrid") == "true"):
            return optic.get("name") or optic.tag
    return None


def _xml_numbers(text: str, path, where: str) -> np.ndarray:
    """The white-space separated numbers of an XML element's text; refused naming the first that is none."""
    tokens = text.split()
    try:
        return np.array(tokens, dtype=float)
    except ValueError:
        bad = next(i for i, t in enumerate(tokens) if _xml_float_or_none(t) is None)
        raise FileFormatError(path, f"{where}: non-numeric value {bad + 1} of {len(tokens)}, {tokens[bad][:40]!r}; "
                              "expected a number", field=f"{where}, value {bad + 1}") from None


def _xml_float_or_none(token: str) -> float | None:
    """``token`` as a float, None when it is none (to find the value a whole-array parse choked on)."""
    try:
        return float(token)
    except ValueError:
        return None


def _xrdml_positions(pos, n: int, path, k: int) -> np.ndarray:
    """2theta (deg) of an XRDML scan's ``n`` points from its 2Theta ``<positions>`` element."""
    unit = pos.get("unit", "deg")
    if unit not in _XRDML_ANGLE_UNITS:
        raise FileFormatError(path, f"scan {k}: <positions axis='2Theta' unit={unit!r}>; expected 'deg' or 'rad'",
                              field="<positions> unit")
    listed = pos.findtext("listPositions")
    if listed and listed.strip():
        x = _xml_numbers(listed, path, f"scan {k} <listPositions>")
    else:
        ends = [_xml_number(pos.findtext(tag), path, f"scan {k} <{tag}>", "a 2theta angle, a number")
                for tag in ("startPosition", "endPosition")]
        if None in ends:
            missing = " and ".join(f"<{t}>" for t, v in zip(("startPosition", "endPosition"), ends) if v is None)
            raise FileFormatError(path, f"scan {k}: 2Theta positions without {missing}", field="positions")
        a, b = ends
        if a > b:  # a scan measured downwards exists, but far more often the two were edited or swapped
            warnings.warn(NakitWarning(
                f"{path}: scan {k}'s 2Theta <startPosition> {a:g} is above its <endPosition> {b:g}: read as a scan "
                f"measured downwards, from {a:g} to {b:g} {unit}; if it was not, the positions are wrong"),
                stacklevel=5)
        _check_xrdml_step(pos, a, b, n, path, k)
        x = np.linspace(a, b, n)
    if unit == "rad":
        if x.size and np.nanmax(np.abs(x)) > np.pi:
            raise FileFormatError(path, f"scan {k}: 2Theta positions in 'rad' run to {np.nanmax(np.abs(x)):g}, beyond "
                                  "pi (180 deg): the values are not radians; expected the unit they are in ('deg')",
                                  field="<positions> unit")
        x = np.degrees(x)
    return x


#: points either side of an XRDML scan's count among which a round step is looked for
_XRDML_COUNT_SLIP = 2


def _round_step(span: float, n: int, resolution: float) -> float | None:
    """The step of ``n`` points over ``span`` when it is round (4 significant figures: 0.06, 0.0167, 0.013)
    within what the positions as written allow (``resolution``: one unit of their last decimal), else None."""
    if n < 2 or span == 0:
        return None
    step = span / (n - 1)
    rounded = float(f"{step:.3e}")
    return rounded if abs(rounded * (n - 1) - span) <= resolution else None


def _check_xrdml_step(pos, start: float, end: float, n: int, path, k: int) -> None:
    """Refuse an XRDML scan, stated by start and end alone, whose intensities are one or two more or fewer
    than its positions imply.

    Such a scan states no step: its positions are spread evenly over start-end by the number of
    intensities, so one value lost or added shifts every 2theta after it, without a word. Steps are
    set round (0.02, 0.06 deg); when the count read gives no round step but a count at most
    :data:`_XRDML_COUNT_SLIP` away does (empyrean.xrdml: 196 points over 30.05-41.75 deg step 0.06;
    with one value deleted 195 would step 0.0603093), the intensities were edited. A scan whose
    step is not round (a continuous scan's 0.0167113) cannot be checked so and is read as written.
    """
    texts = [(pos.findtext(tag) or "").strip() for tag in ("startPosition", "endPosition")]
    decimals = max((len(t.partition(".")[2]) if "e" not in t.lower() else 0) for t in texts)
    resolution = 10.0 ** -decimals
    span = end - start
    if _round_step(span, n, resolution) is not None:
        return
    for m in sorted(range(n - _XRDML_COUNT_SLIP, n + _XRDML_COUNT_SLIP + 1), key=lambda m: abs(m - n)):
        if m != n and (step := _round_step(span, m, resolution)) is not None:
            raise InvalidDataError(
                path, f"scan {k}: <intensities> holds {n} values, but its 2Theta <startPosition> {texts[0]} and "
                      f"<endPosition> {texts[1]} fit {m} points {step:g} deg apart ({n} would step "
                      f"{span / (n - 1):.7g} deg, no round step): {abs(m - n)} value(s) {'lost' if m > n else 'added'}, "
                      "which shifts every 2theta after the edit", field=f"scan {k} <intensities>")


def _parse_brml(data: bytes, path) -> list[_Scan]:
    """Bruker BRML: a zip whose ``Experiment*/RawData*.xml`` members hold the tube's wavelengths
    (``WaveLengthAlpha1`` ... with their ``Unit``), and per ``<DataRoute>`` comma-separated
    ``<Datum>`` rows whose columns ``<DataViews>`` names (:func:`_brml_columns`).

    The rows are checked against the file's own count (``SubScanInfo MeasuredSteps``, else
    ``MeasurementPoints``): an empty or missing ``<Datum>`` is refused. A point whose 2theta or
    counter holds the file's ``<BlankingValue>`` (-9999: "not measured") is left out with a
    warning naming how many and where, as DIFFRAC.EVA shows no point there; the counter's other
    values are measured counts (``Unit Base="Counts"``), refused when negative.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except zipfile.BadZipFile as exc:
        raise FileFormatError(path, f"BRML must be a zip archive: {zip_reason(exc)}") from None
    raw_names = sorted(n for n in names if re.search(r"RawData\d+\.xml$", n))
    if not raw_names:
        raise FileFormatError(path, "no Experiment*/RawData*.xml inside the BRML archive")
    scans = []
    budget = zip_budget(zf, path)
    for name in raw_names:
        root = _xml_root(zip_member(zf, name, path, budget), path, name)
        wl = None
        tube = root.find(".//Tube")
        if tube is not None:
            def v(tag):
                el = tube.find(tag)
                where = f"{name} <{tag}> Value"
                if tag == "WaveLengthRatio":
                    return _xml_number(None if el is None else el.get("Value"), path, where,
                                       "the K-alpha2/K-alpha1 intensity ratio, a number (0.5 for a tube)")
                return _xml_wavelength(el, None if el is None else el.get("Value"),
                                       None if el is None else el.get("Unit"), path, where)
            ka1, ka2, ratio = v("WaveLengthAlpha1"), v("WaveLengthAlpha2"), v("WaveLengthRatio")
            if ka1:
                wl = Wavelength._checked(ka1, ka2, ratio or 0.0)
        anode = (root.findtext(".//Tube/TubeMaterial") or "").strip() or None
        # the <Tube> states its own lines whatever the optics after it pass: a primary monochromator
        # leaves K-alpha1 alone in the beam, and a K-alpha2 fitted to such a scan takes area and moves the line
        wl, ka1_only = _ka1_only(wl, _brml_primary_monochromator(root))
        for route in root.iter("DataRoute"):
            scan = _brml_route(route, path, name, wl, anode)
            scan.meta["ka1_monochromator"] = ka1_only or None
            scans.append(scan)
    if not scans:
        raise FileFormatError(path, "no <DataRoute> with data in the BRML archive")
    return scans


#: an optic in the primary beam that passes K-alpha1 alone: a channel-cut (Ge(022) two- or four-bounce) or
#: Johansson crystal monochromator, or one its maker names for the line. Bruker's <BeringInfo ClassPath>
#: says what the optic is ("/Component/Optic/ChannelCut/B2"); its names say it otherwise ("Ge022ACC",
#: "Johansson Ge(111)", "Kalpha1 monochromator"). A Goebel mirror alone passes the doublet, and so does
#: a (graphite) monochromator in the diffracted beam: neither is one of these.
_KA1_OPTIC = re.compile(r"channel[-_ ]?cut|monochromat|johann?s+on|k[-_ ]?(?:alpha|α|a)[-_ ]?1(?!\d)"
                        r"|(?<![a-z])(?:ge|si)[-_ ]?\(?\d{3}", re.IGNORECASE)


def _ka1_only(wl: Wavelength | None, optic: str | None) -> tuple[Wavelength | None, str]:
    """The file's tube lines ``wl`` as the beam has them after a K-alpha1 monochromator ``optic``
    (its name, None when there is none), and words for the ``ka1_monochromator`` attr ("" when
    nothing is dropped)."""
    if optic is None or wl is None:
        return wl, ""
    dropped = (f"; the tube's K-alpha2 ({wl.ka2:g} angstrom, {wl.ratio:g} of K-alpha1) the file states is not in the "
               "beam") if wl.ka2 is not None else ""
    return Wavelength(wl.ka1), f"{optic} in the primary beam: K-alpha1 only ({wl.ka1:g} angstrom){dropped}"


def _brml_primary_monochromator(root) -> str | None:
    """The name (and kind) of a K-alpha1 monochromator among a BRML member's primary-track optics, or None."""
    for optic in root.iterfind(".//PrimaryTracks//MountedOptics/InfoData"):
        kind = optic.find("BeringInfo")
        kind = "" if kind is None else kind.get("ClassPath", "")
        names = [optic.get("LogicName", ""), optic.get("VisibleName", "")]
        if any(_KA1_OPTIC.search(text) for text in (kind, *names)):
            return f"{names[0] or names[1]}" + (f" ({kind})" if kind else "")
    return None


def _brml_route(route, path, name: str, wl: Wavelength | None, anode: str | None) -> _Scan:
    """One ``<DataRoute>`` of a BRML member as a scan (see :func:`_parse_brml`)."""
    columns = _brml_columns(route, path, name)
    x_col, y_col = columns.x, columns.y
    data = route.findall("Datum")
    for i, d in enumerate(data):
        if not (d.text or "").strip():
            raise FileFormatError(path, f"{name}: <Datum> {i + 1} of {len(data)} is empty; expected its comma-separated "
                                  "values (time, ..., 2theta, ..., counts)", field=f"{name} <Datum> {i + 1}")
    info = route.find("ScanInformation")
    declared, said = _brml_declared(route, path, name)
    if declared is not None and declared != len(data):
        raise FileFormatError(path, f"{name}: the file declares {declared} points ({said}) but holds {len(data)} "
                              "<Datum> rows: rows were lost or added", field=f"{name} {said}")
    rows = [d.text.split(",") for d in data]
    try:
        arr = np.array(rows, dtype=float)
    except ValueError:
        arr = None
    if arr is None or arr.ndim != 2:
        width = len(rows[0]) if rows else 0
        for i, row in enumerate(rows):
            if len(row) != width or any(_xml_float_or_none(f) is None for f in row):
                raise FileFormatError(path, f"{name}: <Datum> {i + 1} reads {data[i].text.strip()[:60]!r}; expected "
                                      f"{width} comma-separated numbers like the first row", field=f"{name} <Datum> {i + 1}")
        raise FileFormatError(path, f"{name}: <Datum> rows differ in length or hold non-numbers", field="Datum")
    if arr.shape[0] == 0 or arr.shape[1] <= max(x_col, y_col):
        raise FileFormatError(path, f"{name}: <Datum> rows have too few values", field="Datum")
    x, y = arr[:, x_col], arr[:, y_col]
    blank = np.zeros(x.size, bool)
    if columns.x_blank is not None:
        blank |= x == columns.x_blank
    if columns.y_blank is not None:
        blank |= y == columns.y_blank
    if blank.any():
        shown = ", ".join(f"{v:g}" for v in x[blank][:5]) + (", ..." if blank.sum() > 5 else "")
        warnings.warn(NakitWarning(
            f"{path}: {int(blank.sum())} point(s) of {name} hold the file's <BlankingValue> (not measured) and are left "
            f"out: at 2theta {shown} deg (<Datum> {', '.join(str(i + 1) for i in np.flatnonzero(blank)[:5])}"
            f"{', ...' if blank.sum() > 5 else ''})"), stacklevel=5)
        x, y = x[~blank], y[~blank]
    t = _xml_number(route.findtext("ScanInformation/TimePerStep"), path, f"{name} <TimePerStep>",
                    "the time per step, a number of seconds")
    return _Scan(x, y, measured=columns.counts,
                 meta={"scan_name": info.get("ScanName") if info is not None else None,
                       "time_per_step_s": t, "member": name, "anode": anode},
                 wavelength=wl)


def _brml_declared(route, path, name: str) -> tuple[int | None, str]:
    """(the number of <Datum> rows a DataRoute declares, the field that says so): its SubScanInfo
    MeasuredSteps (summed), else its MeasurementPoints; (None, "") when it declares none."""
    measured = [_xml_number(sub.get("MeasuredSteps"), path, f"{name} <SubScanInfo> MeasuredSteps",
                            "a whole number of steps", whole=True) for sub in route.iter("SubScanInfo")]
    measured = [m for m in measured if m is not None]
    if measured:
        return int(sum(measured)), "<SubScanInfo> MeasuredSteps"
    points = _xml_number(route.findtext("ScanInformation/MeasurementPoints"), path,
                         f"{name} <MeasurementPoints>", "a whole number of points", whole=True)
    return (None, "") if points is None else (int(points), "<MeasurementPoints>")


@dataclass
class _BrmlColumns:
    """Where a BRML DataRoute keeps 2theta and the counter in its <Datum> rows, the values that mean
    "not measured" there (their views' <BlankingValue>), and whether the counter counts."""

    x: int
    y: int
    x_blank: float | None = None
    y_blank: float | None = None
    counts: bool = False


def _brml_columns(route, path, name) -> _BrmlColumns:
    """Column indices of 2theta and of the counter in a DataRoute's comma-separated <Datum> rows."""
    x_col = y_col = None
    x_blank = y_blank = None
    counts = False
    for view in route.iter("RawDataView"):
        start = _xml_number(view.get("Start", "-1"), path, f"{name} <RawDataView> Start",
                            "a whole number, the view's first column in the <Datum> rows", whole=True)
        start = int(start)
        blank = _xml_number(view.findtext(".//BlankingValue"), path, f"{name} <BlankingValue>", "a number")
        recording = view.find("Recording")
        if recording is not None and y_col is None:
            y_col, y_blank = start, blank
            counts = (recording.find("Unit") is not None and recording.find("Unit").get("Base") == "Counts")
        varying = view.find("Varying")
        if varying is not None:
            for k, fd in enumerate(varying.findall("FieldDefinitions")):
                if fd.get("AxisId") == "TwoTheta" or fd.get("FieldName") == "TwoTheta":
                    x_col, x_blank = start + k, blank
    if x_col is None or y_col is None:
        raise FileFormatError(path, f"{name}: cannot locate the TwoTheta and counter columns in <DataViews>",
                              field="DataViews")
    return _BrmlColumns(x_col, y_col, x_blank, y_blank, counts)


def _parse_rigaku_ras(data: bytes, path) -> list[_Scan]:
    from .rigaku import parse_ras  # rigaku imports this module's _Scan and Wavelength

    return parse_ras(data, path)


def _parse_rigaku_rasx(data: bytes, path) -> list[_Scan]:
    from .rigaku import parse_rasx

    return parse_rasx(data, path)


_PARSERS = {
    "xy": _parse_xy,
    "workbook": _parse_xy,  # a two- or three-column table in a spreadsheet
    "panalytical_csv": _parse_panalytical_csv,
    "rigaku_ras": _parse_rigaku_ras,
    "rigaku_rasx": _parse_rigaku_rasx,
    "uxd": _parse_uxd,
    "bruker_raw": _parse_bruker_raw,
    "brml": _parse_brml,
    "xrdml": _parse_xrdml,
    "gsas_std": _parse_gsas_std,
}


def wavelengths_beside(path) -> list[tuple[str, Wavelength]]:
    """``(file name, wavelength)`` of the instrument parameter files beside a data file (at most
    three), for the words of its missing-wavelength error and a drafted study. Said, not taken:
    the user names the scan's wavelength, and the file that gave it is not one of a run's
    recorded inputs."""
    try:
        beside = sorted(p for p in Path(path).parent.iterdir() if p.suffix.lower() in _INSTRUMENT_FILES)
    except OSError:
        return []
    return [(p.name, wl) for p in beside[:3] if (wl := instrument_file_wavelength(p)) is not None]


def _wavelength_beside(path) -> str:
    """:func:`wavelengths_beside` as words ("" when there are none)."""
    said = [f"{name} beside it gives wavelength {wavelength_value(wl)}" for name, wl in wavelengths_beside(path)]
    return f" ({'; '.join(said)})" if said else ""


def instrument_file_wavelength(path) -> Wavelength | None:
    """The wavelength an instrument parameter file gives (GSAS ``.prm``, GSAS-II ``.instprm``);
    None for any other file, or one that gives none."""
    parse = _INSTRUMENT_FILES.get(Path(path).suffix.lower())
    if parse is None:
        return None
    try:
        return parse(path)
    except (NakitError, OSError):
        return None


def wavelength_value(wl: Wavelength) -> str:
    """``wl`` as a sample's ``wavelength`` is written: ``[1.5405, 1.5443, 0.5]``, or ``0.413``."""
    value = wavelength_fact(wl)
    return f"[{', '.join(f'{v:g}' for v in value)}]" if isinstance(value, list) else f"{value:g}"


def wavelength_fact(wl: Wavelength):
    """``wl`` as the value of a ``wavelength`` fact or sample key: ``[ka1, ka2, ratio]``, or ``ka1``."""
    return [wl.ka1, wl.ka2, wl.ratio] if wl.ka2 else wl.ka1


def wavelength_from_instprm(path: str | os.PathLike) -> Wavelength:
    """K-alpha1, K-alpha2 and their ratio (or one wavelength) from a GSAS-II instrument parameter
    file (``.instprm``: ``Lam1:``, ``Lam2:``, ``I(L2)/I(L1):`` lines, or ``Lam:`` alone)."""
    path = Path(path)
    values = {}
    for lineno, line in enumerate(read_text_lines(path).lines, start=1):
        key, sep, rest = line.partition(":")
        if sep and key.strip() in ("Lam", "Lam1", "Lam2", "I(L2)/I(L1)"):
            # newer files write "value,value,refine": the first is the value
            values[key.strip()] = parse_number(rest.split(",")[0].strip(), path=path, line=lineno, field=key.strip())
    if "Lam1" in values:
        return Wavelength._checked(values["Lam1"], values.get("Lam2", 0.0), values.get("I(L2)/I(L1)", 0.0))
    if "Lam" in values:
        return Wavelength._checked(values["Lam"], None, 0.0)
    raise FileFormatError(path, "no 'Lam:' or 'Lam1:' line with the wavelength")


def wavelength_from_gsas_prm(path: str | os.PathLike, bank: int = 1) -> Wavelength:
    """K-alpha1, K-alpha2 and their ratio from a GSAS instrument parameter file (``ICONS`` line).

    GSAS STD data files carry no wavelength; their ``.PRM`` file does, as
    ``INS  n ICONS  lambda1 lambda2 zero pola ipola ... kratio``.
    """
    path = Path(path)
    for lineno, line in enumerate(read_text_lines(path).lines, start=1):
        parts = line.split()
        if len(parts) >= 4 and parts[0] == "INS" and parts[1] == str(bank) and parts[2] == "ICONS":
            vals = [parse_number(v, path=path, line=lineno, field="ICONS") for v in parts[3:]]
            ka2 = vals[1] if len(vals) > 1 else 0.0
            ratio = vals[-1] if len(vals) >= 3 and ka2 > 0 else 0.0
            return Wavelength._checked(vals[0], ka2, ratio)
    raise FileFormatError(path, f"no 'INS {bank} ICONS' line with the wavelengths")


#: instrument parameter files whose wavelengths a data file's missing-wavelength error names
_INSTRUMENT_FILES = {".prm": wavelength_from_gsas_prm, ".instprm": wavelength_from_instprm}


def formats() -> Sequence[str]:
    """Names accepted by ``fmt=``."""
    return tuple(_PARSERS)
