"""Readers for Raman spectrometer text exports.

Every reader returns an :class:`xarray.Dataset` with one variable ``intensity`` over an
ascending ``raman_shift`` coordinate (cm-1), plus ``y``/``x`` (maps) or ``point`` (series,
line scans, point lists) dims. Instrument metadata land in ``instrument_*`` attrs; the
laser wavelength is ``instrument_laser_wavelength_nm`` when the file states it.

Formats
-------
* Horiba LabSpec 6 text export (``.txt``): Latin-1, CRLF, a ``#Key=<TAB>Value`` header and
  then one of three layouts: two columns (single spectrum); a row of shifts with one
  leading empty cell followed by ``position<TAB>intensities`` rows (series/line); a row of
  shifts with two leading empty cells followed by ``x<TAB>y<TAB>intensities`` rows (map).
* Renishaw WiRE text export: ``#Wave<TAB>#Intensity`` (optionally ``#X``, ``#Y`` before),
  shifts descending within each spectrum.
* RRUFF: ``##KEY=value`` header, comma-separated pairs, ``##END=``.
* Plain two-column text (tab, comma, semicolon or whitespace, decimal point or decimal
  comma), either axis order: WITec two-column exports (which include the laser line, so the
  axis starts at negative shifts: kept as measured) and Horiba exports without a header.
* Renishaw WiRE binary ``.wdf``, through the optional ``renishawWiRE`` package (MIT;
  ``pip install 'nakit[readers]'``): see :mod:`nakit.raman.wdf`.

Every number goes through :mod:`nakit.textio`: NaN/inf, a field that is not a number, a
decimal comma read as a separator and a last number cut by a truncated copy are refused with
the file, line and column; a UTF-8 byte-order mark costs no row; Latin-1/cp1252 text decodes.
Header keys are matched case-insensitively (``#Laser (nm)=532``, ``#laser=532 nm``).
"""

from __future__ import annotations

from collections import Counter
import os
import re

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, InvalidDataError, MissingFactError, ParameterError, read_as
from ..reading import LASER_RANGE, check_facts
from ..textio import (FLOAT32_MAX, TextFile, check_last_row, check_last_value, decode, first_column_technique,
                      parse_number, read_bytes, read_text_lines, refuse_beyond, sniff_decimal_and_delimiter)
from ..sheets import is_table, table_lines
from .saturation import SATURATION_ATTR, clipped_ranges

SHIFT_ATTRS = {"units": "cm-1", "long_name": "Raman shift"}
_UNITS = {"cnt": "counts", "cnt/sec": "counts/s", "cnt/s": "counts/s"}


def read_raman(path: str | os.PathLike, *, laser_wavelength: float | None = None) -> xr.Dataset:
    """Read any supported Raman file, recognising the format from its content.

    Parameters
    ----------
    path
        The file (text exports in any of the layouts of this module, or a Renishaw ``.wdf``).
    laser_wavelength
        Excitation wavelength in nm, for formats that do not state it (it overrides
        nothing a file states; a conflict raises :class:`~nakit.errors.ParameterError`); it
        also converts a two-column file's wavelength axis to Raman shift (:func:`read_two_column`).

    Raises
    ------
    FileFormatError
        The content is not a Raman format nakit reads; the message names what it looks like
        when it is recognised (a diffraction file, an Excel workbook, an image, ...).
    """
    laser_wavelength = check_facts({"laser_wavelength": laser_wavelength})["laser_wavelength"]
    fmt = detect_format(path)
    if fmt == "two-column":  # (its axis may be a wavelength, converted with the laser's)
        return read_two_column(path, laser_wavelength=laser_wavelength)
    if fmt == "labspec":  # (so may a LabSpec axis, #AxisUnit[1]=nm)
        return read_labspec(path, laser_wavelength=laser_wavelength)
    reader = {"wdf": _read_wdf, "rruff": read_rruff, "wire": read_wire}[fmt]
    return _with_laser(reader(path), laser_wavelength)


#: Binary signatures of files that are not Raman text, and what they are.
_FOREIGN = (
    (b"RAW1.01", "a Bruker RAW diffraction file; read it with nakit.xrd.read_xrd"),
    (b"RAW4.00", "a Bruker RAW diffraction file; read it with nakit.xrd.read_xrd"),
    (b"PK\x03\x04", "a zip archive (Bruker BRML, Rigaku RASX, an Excel .xlsx ...), not a Raman spectrum"),
    (b"\xd0\xcf\x11\xe0", "an OLE2 compound file (legacy Excel .xls, Galactic SPC-in-OLE ...), which nakit "
                           "does not read as Raman; export the spectrum as text"),
    (b"\x89HDF", "an HDF5 file (WITec Project FIVE .wip export, NeXus ...); export the spectrum as text"),
    (b"%PDF", "a PDF document, not a spectrum"),
    (b"\x89PNG", "a PNG image, not a spectrum"),
    (b"\xff\xd8\xff", "a JPEG image, not a spectrum"),
)


def detect_format(path: str | os.PathLike) -> str:
    """The Raman format of a file, from its content.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        ``"wdf"`` (magic ``WDF1``), ``"rruff"`` (``##`` header), ``"wire"`` (``#Wave``
        header), ``"labspec"`` (a ``#Key=value`` header holding a key LabSpec writes, see
        :data:`LABSPEC_KEYS`, or a shift row with leading empty cells) or ``"two-column"``
        (``#`` lines without LabSpec keys are comments of a plain two-column file).

    Raises
    ------
    FileFormatError
        A file that is recognised as something else (diffraction files, zip archives, OLE2,
        HDF5, images), named in the message; or one that cannot be read at all.
    """
    data = read_bytes(path)
    if data[:4] == b"WDF1":
        return "wdf"
    if is_table(data, path):  # a table kept in Excel: told apart by its text export's lines
        text = "\n".join(table_lines(data, path)[0][:2000])
    else:
        for magic, what in _FOREIGN:
            if data.startswith(magic):
                raise FileFormatError(path, f"this looks like {what}")
        text = decode(data[:65536], path) if data[:3] != b"\xef\xbb\xbf" else data[3:65536].decode("utf-8", "replace")
    if ("<xrdMeasurements" in text or "*RAS_DATA_START" in text or "[Scan points]" in text
            or re.search(r"^_2THETA|^BANK\s", text, re.M)):
        raise FileFormatError(path, "this looks like an X-ray diffraction file (XRDML, Rigaku RAS, PANalytical CSV, "
                              "UXD or GSAS); read it with nakit.xrd.read_xrd")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first.lstrip().startswith(("{", "[{")):
        raise FileFormatError(path, "this looks like JSON (a pyGAPS isotherm, say), not a Raman spectrum; "
                              "expected WDF, RRUFF, WiRE or LabSpec text, or two columns of shift and intensity")
    if first.startswith("##"):
        return "rruff"
    if first.lstrip().lower().startswith(("#wave", "#x", "#y", "#time")):
        return "wire"
    if _is_labspec(text):
        return "labspec"
    return "two-column"


#: Header keys (after :func:`_attr_key`) of which LabSpec 6 writes several in every export;
#: one of them (or a laser key, :data:`_LASER_KEY`) in a ``#Key=value`` line marks a LabSpec
#: file. ``#`` lines without one (``# exported by ...``, ``# sample = A``) are comments.
LABSPEC_KEYS = re.compile(
    r"acq_time(_s)?|accumulations|axis(type|unit)_\d+|grating|objective|hole|nd_filter|spike_filter"
    r"|detector(_gain|_adc|_temperature_c)?|instrument|windows|binning|readout_mode|denoise|ics_correction"
    r"|dark_correction|inst_process|auto_?scanning|autofocus|autoexposure|delay_time(_s)?|stagexy|stagez"
    r"|full_time(_hh_mm)?|range_cm.*")


def _is_labspec(text: str) -> bool:
    """A LabSpec export: a ``#Key=value`` line with a LabSpec key before the data, or a data
    block that starts with LabSpec's shift row (leading empty cells: series and maps)."""
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith("#"):
            return _leading_blank_cells(line) > 0
        key, sep, _ = line[1:].partition("=")
        if sep and (LABSPEC_KEYS.fullmatch(_attr_key(key)) or _LASER_KEY.fullmatch(_attr_key(key))):
            return True
    return False


def _read_wdf(path):
    from .wdf import read_wdf  # needs the optional renishawWiRE package

    return read_wdf(path)


def read_labspec(path: str | os.PathLike, *, laser_wavelength: float | None = None) -> xr.Dataset:
    """Read a Horiba LabSpec 6 text export (single spectrum, series/line or XY map).

    Header keys become ``instrument_<key>`` attrs (lower case, non-alphanumerics as ``_``);
    the laser wavelength, grating, accumulations and acquisition time are also given
    normalised names (``instrument_laser_wavelength_nm`` etc.). The spectral axis is in the
    unit ``#AxisUnit[1]`` states (:func:`_labspec_shift`): a wavelength axis is converted to
    Raman shift with the file's laser, or ``laser_wavelength`` (nm) when the file states none
    (one that conflicts with the file's raises :class:`~nakit.errors.ParameterError`).
    """
    text = _lines(path)
    lines = text.lines
    header: dict[str, str] = {}
    header_lines: dict[str, int] = {}
    start = 0
    for i, line in enumerate(lines):
        if line.startswith("#"):
            key, sep, value = line[1:].partition("=")
            if not sep:
                raise FileFormatError(path, "header line without '=' (expected '#Key=<TAB>Value')", line=i + 1)
            header[key.strip()] = _header_value(value)
            header_lines[_attr_key(key)] = i + 1
            start = i + 1
        elif line.strip():
            break
    keys = {_attr_key(k): v for k, v in header.items()}  # case- and spelling-insensitive look-ups
    body = [(i, ln) for i, ln in enumerate(lines[start:], start=start + 1) if ln.strip()]
    if not body:
        raise FileFormatError(path, "no data rows after the header", line=start + 1)
    # a copy re-saved from a spreadsheet: ';' between cells and a decimal comma (LabSpec itself writes tabs)
    decimal, delimiter = sniff_decimal_and_delimiter([ln for _, ln in body[:200]])
    sep = delimiter if delimiter in (";", ",") else "\t"
    n_blank = _leading_blank_cells(body[0][1], sep)
    ends = text.ends_with_newline
    if n_blank == 0:
        table = _numeric_rows(path, body, ncols=2, ends_with_newline=ends)
        shift, intensity, extra = table[:, 0], table[:, 1], {}
        dims: tuple[str, ...] = ()
        shift_lines = [i for i, _ in body]
    else:
        shift = _numeric_cells(path, body[0][0], body[0][1].rstrip().split(sep)[n_blank:], decimal=decimal)
        table = _numeric_rows(path, body[1:], ncols=n_blank + shift.size, ends_with_newline=ends)
        if table.shape[0] == 0:
            raise FileFormatError(path, "a spectral axis row but no spectra below it", line=body[0][0] + 1)
        pos, intensity = table[:, :n_blank], table[:, n_blank:]
        shift_lines = [body[0][0]] * shift.size
        if n_blank == 1:
            dims, extra = ("point",), {"position": ("point", pos[:, 0], {"units": _axis_unit(keys, 2)})}
        elif n_blank == 2:
            dims, extra, intensity = _grid(pos[:, 0], pos[:, 1], intensity, _axis_unit(keys, 2, "um"), path,
                                           lines=[i for i, _ in body[1:]])
        else:
            raise FileFormatError(path, f"{n_blank} leading empty cells; LabSpec writes 1 (series) or 2 (map)",
                                  line=body[0][0])
    unit = keys.get("axisunit_0", "")
    units = _UNITS.get(unit.lower(), unit or "counts")
    instrument = {k: _maybe_number(v) for k, v in keys.items()}
    laser = _laser_nm(path, header)
    instrument.update(
        laser_wavelength_nm=laser,
        grating=keys.get("grating"),
        accumulations=_maybe_number(keys.get("accumulations")),
        acquisition_time_s=_maybe_number(keys.get("acq_time_s")),
    )
    shift, converted = _labspec_shift(path, shift, keys, header_lines.get("axisunit_1"),
                                      laser if laser is not None else laser_wavelength)
    if converted:
        instrument["axis_converted"] = converted
    ds = _dataset(path, shift, intensity, dims, units, extra, lines=shift_lines)
    ds.attrs.update(file_provenance(path, "horiba-labspec6-txt", **instrument))
    return _with_laser(ds, laser_wavelength)


#: ``#AxisUnit[1]`` values that are a Raman shift in cm-1, after :func:`_attr_key` (LabSpec writes ``1/cm``;
#: ``cm-1`` and ``cm^-1`` by hand; ``cm-\xb9`` loses its superscript)
_SHIFT_UNITS = {"1_cm", "cm_1", "cm"}


def _labspec_shift(path, axis: np.ndarray, keys: dict[str, str], line: int | None,
                   laser_nm: float | None) -> tuple[np.ndarray, str | None]:
    """A LabSpec spectral axis as Raman shift in cm-1, and how it was converted (None if it was one).

    LabSpec exports its axis in the unit the user chose for display, which ``#AxisUnit[1]`` states:
    ``1/cm`` (a Raman shift), or ``nm``, an absolute wavelength, converted with the laser's
    wavelength (:func:`shift_from_wavelength`) and refused without one. Reading an nm axis as
    a shift gave bands at 540-560 "cm-1" for a 532 nm laser; any other unit (eV, absolute
    wavenumbers, pixels) is refused, naming the field, rather than read as a shift. A file
    without the key (a hand-made header) is read as a shift, as before LabSpec wrote it.
    """
    unit = keys.get("axisunit_1")
    if unit is None or _attr_key(unit) in _SHIFT_UNITS:
        return axis, None
    if _attr_key(unit) != "nm":
        raise FileFormatError(path, f"the spectral axis is in {unit!r}; nakit reads a LabSpec axis in Raman shift "
                              "('1/cm') or in wavelength ('nm', converted with the laser's): export it in one of "
                              "them", line=line, field="AxisUnit[1]")
    if laser_nm is None:
        raise MissingFactError(path, "the spectral axis is a wavelength in nm, and no '#Laser=' line states the "
                               "laser's to convert it to Raman shift: give the laser wavelength (laser_wavelength, "
                               "the sample's 'laser_wavelength' key), or export the axis in Raman shift ('1/cm')",
                               line=line, field="AxisUnit[1]", fact="laser_wavelength")
    shift = shift_from_wavelength(path, axis, laser_nm, named=f"'#AxisUnit[1]={unit}' names the axis a wavelength",
                                  line=line, field="AxisUnit[1]")
    return shift, f"wavelength (nm) to Raman shift with the {laser_nm:g} nm laser"


def read_wire(path: str | os.PathLike) -> xr.Dataset:
    """Read a Renishaw WiRE text export (``#Wave #Intensity``, optionally ``#X #Y`` first).

    WiRE writes shifts in descending order; they are returned ascending. Multi-spectrum
    exports (one row per shift and position) become a ``y, x`` map, or a ``point`` list
    when the positions do not fill a grid.
    """
    text = _lines(path)
    lines = text.lines
    idx = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if idx is None:
        raise FileFormatError(path, "empty file")
    names = [c.strip().lstrip("#").lower() for c in lines[idx].split("\t") if c.strip()]
    if not names or names[-2:] != ["wave", "intensity"]:
        raise FileFormatError(path, f"expected a '#Wave<TAB>#Intensity' header, got {lines[idx].strip()!r}",
                              line=idx + 1)
    body = [(i, ln) for i, ln in enumerate(lines[idx + 1:], start=idx + 2) if ln.strip()]
    table = _numeric_rows(path, body, ncols=len(names), ends_with_newline=text.ends_with_newline)
    if len(names) == 2:
        ds = _dataset(path, table[:, 0], table[:, 1], (), "counts", {}, lines=[i for i, _ in body])
    else:
        starts, n = _wire_spectra(path, table[:, :-2], [i for i, _ in body])
        block = table.reshape(starts.size, n, len(names))
        shift = block[0, :, -2]
        if not np.allclose(block[:, :, -2], shift):
            raise FileFormatError(path, "spectra at different positions have different shift axes",
                                  field="#Wave")
        p = block[:, 0, :-2]
        if p.shape[1] >= 2:
            dims, extra, inten = _grid(p[:, names.index("x")], p[:, names.index("y")], block[:, :, -1], "um", path,
                                       lines=[body[k][0] for k in starts])
        else:
            dims, extra, inten = ("point",), {names[0]: ("point", p[:, 0], {"units": ""})}, block[:, :, -1]
        ds = _dataset(path, shift, inten, dims, "counts", extra, lines=[i for i, _ in body[:n]])
    ds.attrs.update(file_provenance(path, "renishaw-wire-txt"))
    return ds


def _wire_spectra(path, pos: np.ndarray, lines: list[int]) -> tuple[np.ndarray, int]:
    """The first row of each position's spectrum in a WiRE multi-spectrum export, and its number of shifts.

    WiRE writes a position's rows together, every spectrum with the detector's number of pixels: a
    spectrum with fewer or more rows than most (a row deleted or copied), or a position whose rows
    come twice, is refused naming its line.
    """
    starts = np.r_[0, np.flatnonzero(np.any(pos[1:] != pos[:-1], axis=1)) + 1]
    sizes = np.diff(np.r_[starts, len(pos)])
    values, counts = np.unique(sizes, return_counts=True)
    n = int(values[np.argmax(counts)])
    odd = np.flatnonzero(sizes != n)
    if odd.size:
        k = int(odd[0])
        raise FileFormatError(path, f"the spectrum at {_position_text(pos[starts[k]])} has {sizes[k]} rows (shifts), the other spectra "
                              f"{n}: every spectrum of a map has the detector's pixels (a row deleted or copied?)",
                              line=lines[starts[k]], field="#Wave")
    first: dict[tuple, int] = {}
    for k, s in enumerate(starts):
        key = tuple(pos[s].tolist())
        if key in first:
            raise FileFormatError(path, f"the spectrum at {_position_text(pos[s])} repeats the position of the one at line "
                                  f"{lines[starts[first[key]]]}: WiRE writes each position's rows together, once",
                                  line=lines[s], field="position")
        first[key] = k
    return starts, n


def read_rruff(path: str | os.PathLike) -> xr.Dataset:
    """Read an RRUFF spectrum (``##KEY=value`` header, ``shift, intensity`` rows, ``##END=``)."""
    text = _lines(path)
    header, body, ended = {}, [], False
    for i, line in enumerate(text.lines, start=1):
        if line.startswith("##"):
            key, _, value = line[2:].partition("=")
            if key.strip().upper() == "END":
                ended = True
                break
            header[key.strip()] = value.strip()
        elif line.strip():
            body.append((i, line))
    if not header:
        raise FileFormatError(path, "no '##KEY=value' header: not an RRUFF file", line=1)
    # without its ##END= line an RRUFF file was cut: its last row must then look complete
    table = _numeric_rows(path, body, ncols=2, ends_with_newline=ended or text.ends_with_newline)
    ds = _dataset(path, table[:, 0], table[:, 1], (), "counts", {}, lines=[i for i, _ in body])
    ds.attrs.update(file_provenance(path, "rruff-txt", **{_attr_key(k): v for k, v in header.items()}))
    return ds


def read_two_column(path: str | os.PathLike, *, laser_wavelength: float | None = None) -> xr.Dataset:
    """Read plain ``shift<sep>intensity`` text; ``#`` lines are comments, column-name lines
    before the first number are a header, axis order is free.

    A header that names the first column a wavelength (``Wavelength (nm)``, ``lambda/nm``) is
    converted to Raman shift, :math:`\\tilde\\nu = 10^7/\\lambda_{laser} - 10^7/\\lambda`, with
    ``laser_wavelength`` (nm), and refused without it (``instrument_axis_converted`` says so); so
    is an axis wholly above :data:`ABSOLUTE_WAVENUMBER_MIN`, absolute wavenumbers of the
    scattered light, :math:`\\tilde\\nu = 10^7/\\lambda_{laser} - \\nu_{abs}`.
    Two columns that are a diffraction scan or a wavelength axis are refused (:func:`_refuse_foreign_axis`).
    """
    text = _lines(path)
    body = [(i, ln) for i, ln in enumerate(text.lines, start=1) if ln.strip() and not ln.lstrip().startswith("#")]
    # column names above the data ("Raman shift;Intensity") are a header, not a bad row
    header = body[:1]
    names = []
    while body and not _numeric_start(body[0][1]):
        names.append(body.pop(0))
    if not body:
        where = f"line {header[0][0]} reads {header[0][1].strip()[:60]!r}" if header else "no data lines"
        raise FileFormatError(path, f"no numeric rows ({where}): expected two columns, Raman shift and "
                              "intensity, below at most a line of column names")
    table = _numeric_rows(path, body, ncols=2, ends_with_newline=text.ends_with_newline)
    x, extra = table[:, 0], {}
    # the first column's name: the x axis
    fields = [(lineno, line, re.split(r"\t|,|;|\s{2,}", line.strip())) for lineno, line in names]
    firsts = [(lineno, line, cells[0]) for lineno, line, cells in fields]
    for lineno, _, cells in fields:  # a header naming another technique's quantity: an isotherm's p/p0 is no
        for k, name in enumerate(cells):  # Raman shift, in the first column or (the loading first) the second
            if (other := first_column_technique(name)) not in (None, "raman"):
                raise FileFormatError(path, f"the header names {'the first column' if k == 0 else f'column {k + 1}'} "
                                            f"{name.strip()!r}, not a Raman "
                                            f"{'shift' if k == 0 else 'intensity'}: this table is no Raman spectrum "
                                            f"(a {other} table?)", line=lineno)
    named = next(((i, ln) for i, ln, first in firsts if _WAVELENGTH_AXIS.search(first)), None)
    if named is not None:  # an absolute wavelength axis: a Raman shift only with the laser's wavelength
        lineno, line = named
        if laser_wavelength is None:
            raise MissingFactError(path, f"the first column is a wavelength in nm ({line.strip()[:60]!r}), not a "
                                   "Raman shift in cm-1; give the laser wavelength (laser_wavelength, the sample's "
                                   "'laser_wavelength' key) to convert it, or export the spectrum in Raman shift",
                                   line=lineno, fact="laser_wavelength")
        x = shift_from_wavelength(path, x, float(laser_wavelength),
                                  named=f"the first column is named a wavelength ({line.strip()[:60]!r})", line=lineno)
        extra["axis_converted"] = f"wavelength (nm) to Raman shift with the {float(laser_wavelength):g} nm laser"
    elif x.size and float(np.min(x)) > ABSOLUTE_WAVENUMBER_MIN:  # the scattered light's own wavenumber
        if laser_wavelength is None:
            raise MissingFactError(path, f"the axis runs from {np.min(x):g} to {np.max(x):g} cm-1, beyond any Raman "
                                   "shift: absolute wavenumbers of the scattered light, not shifts from the laser "
                                   "line? give the laser wavelength (laser_wavelength, the sample's "
                                   "'laser_wavelength' key) to convert them, or export the spectrum in Raman shift",
                                   fact="laser_wavelength")
        x = 1e7 / float(laser_wavelength) - x
        extra["axis_converted"] = (f"absolute wavenumber (cm-1) to Raman shift with the {float(laser_wavelength):g} "
                                   "nm laser")
    else:
        _refuse_foreign_axis(path, x, laser_wavelength)
    try:
        ds = _dataset(path, x, table[:, 1], (), "counts", {}, lines=[i for i, _ in body])
    except InvalidDataError as exc:
        if names:
            raise
        raise read_as(exc, "Raman shift and intensity (no header names the columns)") from None
    ds.attrs.update(file_provenance(path, "two-column-" + ("workbook" if text.encoding.startswith("workbook") else "txt"),
                                    **extra))
    return _with_laser(ds, laser_wavelength)


#: cm-1 above which a whole axis is no Raman shift (vibrations end near 4200 cm-1, H2's): absolute
#: wavenumbers of the scattered light (9000-25000 cm-1 for visible and near-infrared lasers)
ABSOLUTE_WAVENUMBER_MIN = 5000.0
#: cm-1: the farthest anti-Stokes shift a spectrum measures (the signal falls as exp(-hcv/kT))
ANTI_STOKES_MAX = 2000.0
#: nm: where a wavelength axis of Raman light lies, and the step below which an axis there is a wavelength:
#: a spectrometer's pixels lie 0.02-0.2 nm apart, 0.3-2 cm-1 in shift
WAVELENGTH_AXIS_NM = (150.0, 1200.0)
NM_STEP_MAX = 0.3
#: a column name that is an absolute wavelength ("Wavelength (nm)", "lambda/nm", "nm")
_WAVELENGTH_AXIS = re.compile(r"wavelength|lambda|\u03bb|(^|[\s(\[/])nm\b", re.IGNORECASE)


def shift_from_wavelength(path, nm: np.ndarray, laser_nm: float, *, named: str, line: int | None = None,
                          field: str | None = None) -> np.ndarray:
    """Raman shift (cm-1) of scattered light at wavelengths ``nm``, :math:`10^7/\\lambda_{laser} - 10^7/\\lambda`.

    Parameters
    ----------
    path
        The file, for the message.
    nm
        The axis in nm.
    laser_nm
        The excitation wavelength in nm.
    named
        What says the axis is a wavelength (``"the first column is named a wavelength ('nm')"``).
    line, field
        Where that is said, for the message.

    Raises
    ------
    FileFormatError
        The axis holds no light scattered by shifts of -:data:`ANTI_STOKES_MAX` to
        :data:`ABSOLUTE_WAVENUMBER_MIN` cm-1 (Raman shifts under a wavelength label, or another laser).
    """
    shift = 1e7 / laser_nm - 1e7 / nm
    if shift.size and not (-ANTI_STOKES_MAX <= np.min(shift) and np.max(shift) <= ABSOLUTE_WAVENUMBER_MIN):
        lo, hi = (1e7 / (1e7 / laser_nm - s) for s in (-ANTI_STOKES_MAX, ABSOLUTE_WAVENUMBER_MIN))
        raise FileFormatError(path, f"{named} but holds {np.min(nm):g} to {np.max(nm):g}, not the {lo:.0f}-{hi:.0f} "
                              f"nm of light scattered from the {laser_nm:g} nm laser: Raman shifts in cm-1 under a "
                              "wavelength label, or another laser?", line=line, field=field)
    return shift


def _refuse_foreign_axis(path, x: np.ndarray, laser_wavelength: float | None = None) -> None:
    """Refuse two plain columns whose axis is sampled finer than any Raman spectrometer's: a
    spectrometer's pixels are 0.3-2 cm-1 apart (0.1 for the finest triple monochromators), and an
    axis stepping below 0.1 is another quantity. Inside 0-180 it is a diffraction scan in degrees
    2theta (0.01-0.05 deg steps); inside 150-1200 a wavelength in nm (0.02-0.2 nm per pixel).
    Plain numbers name no quantity, so without this a diffraction .xy gave "bands" at 20-80 cm-1,
    and a spectrum exported in nm (633-718 nm for a 633 nm laser: the D and G bands at 1327 and
    1579 cm-1) gave "bands" at 638 and 703 cm-1."""
    if x.size < 3 or not np.all(np.isfinite(x)):
        return
    step = float(np.median(np.abs(np.diff(x))))
    lo, hi = float(np.min(x)), float(np.max(x))
    # an axis starting at the laser's own wavelength, sampled finer than usual pixels, is one in nm too
    at_laser = laser_wavelength is not None and abs(lo - laser_wavelength) < 10 and step < NM_STEP_MAX
    if not (0 < step < 0.1 or at_laser):
        return
    where = f"an axis from {lo:g} to {hi:g} in steps of {step:.3g}"
    if 0 < lo and hi <= 180:
        raise FileFormatError(path, f"{where}: a diffraction scan in degrees 2theta (read it with "
                              "nakit.xrd.read_xrd), not a Raman spectrum, whose points lie 0.3-2 cm-1 apart")
    if WAVELENGTH_AXIS_NM[0] <= lo and hi <= WAVELENGTH_AXIS_NM[1]:
        laser = f"; it starts {lo - laser_wavelength:+.3g} nm from the {laser_wavelength:g} nm laser line" if at_laser else ""
        raise FileFormatError(path, f"{where}: a wavelength in nm{laser}, not a Raman shift in cm-1, whose points "
                              "lie 0.3-2 cm-1 apart; a header line naming the column ('Wavelength (nm)') above the "
                              "numbers of a copy converts it with the laser wavelength, or export it in Raman shift")


def _lines(path) -> TextFile:
    # textio: "file not found"/directory/empty refused, BOM removed, Latin-1/cp1252 decoded (LabSpec
    # writes degree and micro signs in Latin-1), compressed files expanded under a cap
    text = read_text_lines(path)
    if text.lines and text.lines[0].startswith("\ufeff"):  # a second BOM left by a re-saving editor
        text.lines[0] = text.lines[0][1:]
    return text


def _leading_blank_cells(line: str, sep: str = "\t") -> int:
    cells = line.rstrip("\r\n").split(sep)
    n = 0
    while n < len(cells) - 1 and cells[n].strip() == "":
        n += 1
    return n


def _numeric_cells(path, lineno: int, cells: list[str], decimal: str = ".") -> np.ndarray:
    return np.array([parse_number(c, path=path, line=lineno, field=f"column {k + 1}", decimal=decimal)
                     for k, c in enumerate(cells) if c.strip()], dtype=float)


def _numeric_rows(path, rows: list[tuple[int, str]], *, ncols: int, ends_with_newline: bool = True) -> np.ndarray:
    """Parse numeric rows of exactly ``ncols`` cells, naming the first offending line.

    The delimiter and decimal separator are sniffed from the rows (a decimal comma with
    ``;``, tab or white space is a decimal comma, never a column break). When the file does
    not end with a line break, the last row must not look cut
    (:func:`nakit.textio.check_last_row`).
    """
    decimal, delimiter = sniff_decimal_and_delimiter([ln for _, ln in rows[:200]])
    out = np.empty((len(rows), ncols))
    split = []
    for k, (lineno, line) in enumerate(rows):
        if delimiter is None:
            cells = line.split()
        elif delimiter == "\t":  # LabSpec and WiRE pad rows with tabs: empty cells are no data
            cells = [c for c in line.split("\t") if c.strip()]
        else:  # a trailing ';' or ',' ends the row; an empty field inside it is refused below
            cells = line.rstrip().rstrip(delimiter).split(delimiter)
        if len(cells) != ncols:
            raise FileFormatError(path, f"expected {ncols} columns, got {len(cells)}", line=lineno)
        split.append(cells)
        out[k] = [parse_number(c, path=path, line=lineno, field=f"column {j + 1}", decimal=decimal)
                  for j, c in enumerate(cells)]
    if rows:
        # shifts, positions and counts alike: no spectrometer writes a number beyond float32's range
        with np.errstate(invalid="ignore"):
            beyond = np.abs(out) > FLOAT32_MAX
        if beyond.any():
            j = int(np.argwhere(beyond)[0][1])
            refuse_beyond(out[:, j], FLOAT32_MAX, path=path, field=f"column {j + 1}",
                          lines=[lineno for lineno, _ in rows], why="no spectrometer writes a number beyond float32's range")
        check_last_row(split, path=path, ends_with_newline=ends_with_newline, line=rows[-1][0], decimal=decimal)
        if not ends_with_newline:
            check_last_value([r[-1] for r in split], path=path, line=rows[-1][0], column=ncols, decimal=decimal)
    return out


def _numeric_start(line: str) -> bool:
    """Whether a line's first field is a number (in either decimal convention)."""
    first = re.split(r"[\t;,\s]+", line.strip(), maxsplit=1)[0]
    return bool(re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", first))


def _grid(xs: np.ndarray, ys: np.ndarray, intensity: np.ndarray, units: str, path=None, *,
          partial_ok: bool = False, lines=None, field: str = "position"):
    """Arrange spectra at (x, y) into a ``y, x`` grid, or a ``point`` list if the positions fill no raster.

    In a text export, positions that are the start of a raster (row by row or column by
    column, in file order) but stop before its end are a map cut short, not a point list:
    refused; so is a map (or a line scan) that is a raster but for a few positions
    (:func:`_check_raster`). ``partial_ok`` is for formats that record an unfinished map as such
    (WDF's count below its capacity, which then lacks the raster's last positions and detects
    truncation otherwise): a repeated position is still refused, a missing one or one off the
    raster is not. ``lines`` is the file line of each position, for the messages; ``field`` what
    holds the positions where there are no lines (WDF's ``ORGN`` block).
    """
    ux, uy = np.unique(xs), np.unique(ys)
    full = ux.size * uy.size
    if not partial_ok and 1 < xs.size < full and ux.size > 1 and uy.size > 1:
        gx, gy = np.meshgrid(ux, uy)  # row by row: y outer, x inner
        for ox, oy in ((gx.ravel(), gy.ravel()), (gx.T.ravel(), gy.T.ravel())):
            if np.array_equal(xs, ox[:xs.size]) and np.array_equal(ys, oy[:xs.size]):
                raise FileFormatError(path, f"the map holds {xs.size} of the {full} positions of its {ux.size} x "
                                      f"{uy.size} raster, in raster order up to the end of the file: the map was "
                                      "cut short (truncated?)")
    _check_raster(path, xs, ys, lines, partial=partial_ok, field=field)
    if ux.size * uy.size == xs.size:
        ix, iy = np.searchsorted(ux, xs), np.searchsorted(uy, ys)
        if np.unique(iy * ux.size + ix).size == xs.size:
            grid = np.full((uy.size, ux.size, intensity.shape[1]), np.nan)
            grid[iy, ix] = intensity
            return ("y", "x"), {"x": ("x", ux, {"units": units}), "y": ("y", uy, {"units": units})}, grid
    coords = {"x": ("point", xs, {"units": units}), "y": ("point", ys, {"units": units})}
    return ("point",), coords, intensity


#: the share of a raster's positions, and of a file's, that make it evidently a map: a damaged map (a row
#: copied, edited, appended or deleted) keeps nearly all of both; a line scan or a list of chosen points
#: shares few coordinates (a diagonal line none at all)
RASTER_SHARE = 0.75
#: the fewest positions on one row (or column), evenly stepped, that make a file evidently a line scan
LINE_SCAN_MIN = 4


def _check_raster(path, xs: np.ndarray, ys: np.ndarray, lines=None, *, partial: bool = False,
                  field: str = "position") -> None:
    """Refuse positions that are evidently a map's raster but for a few repeated, extra or missing ones.

    The raster is that of the x values shared by several positions and the y values shared by several
    (a map's row and column coordinates; a position off the raster's step has an x or a y of its own),
    or, where only one y (or one x) is shared, the evenly stepped line of positions along it (a line
    scan, :func:`_line_scan`). When it holds at least :data:`RASTER_SHARE` of the file's positions and
    they fill that share of it, the file was meant as a map, and a position repeated, one off the raster
    or one missing is refused naming its line: read as a list, a copied row, an appended ``9999`` row or
    an edited coordinate silently turned a 5 x 6 map into 30 or 31 unrelated spectra (a 6-position line
    scan with a row copied into 7), and a map's figures and per-position fits were lost. Positions that
    fill no raster (a line scan along a diagonal, a list of chosen points) read as a ``point`` list
    without a warning: nothing about them is doubtful. ``partial``: a map recorded as unfinished (WDF)
    has only its raster's first positions, the last row perhaps one: only a repeated position is refused.
    """
    pos = list(zip(xs.tolist(), ys.tolist()))
    if lines is None:  # (a binary file: the spectrum's number, and the block that holds the positions)
        at, who = (lambda k: None), (lambda k: f"spectrum {k + 1} at {_position_text(pos[k])}")
    else:
        at, who = (lambda k: int(lines[k])), (lambda k: f"the spectrum at {_position_text(pos[k])}")
    distinct = set(pos)
    found = _raster(distinct)
    if found is None:
        return
    shape, nodes_x, nodes_y = found
    raster = {(x, y) for x in nodes_x for y in nodes_y}
    on = [p in raster for p in pos]
    if sum(on) < RASTER_SHARE * len(pos) or len(distinct & raster) < RASTER_SHARE * len(raster):
        return
    missing = [] if partial else sorted(raster - distinct, key=lambda p: (p[1], p[0]))
    expected = (f"; expected a position on it, such as {_position_text(missing[0])}, which no spectrum has"
                if missing else "; a map holds its raster's positions only")
    first: dict[tuple[float, float], int] = {}
    for k, p in enumerate(pos):
        if not on[k] and not partial:
            raise InvalidDataError(path, f"{who(k)} lies off the {shape} that the map's other positions "
                                         f"fill{expected} (a row appended, or a coordinate edited?)",
                                   line=at(k), field=field)
        if p in first:
            was = f"line {at(first[p])}" if lines is not None else f"spectrum {first[p] + 1}"
            raise InvalidDataError(path, f"{who(k)} repeats the position of {was}: a map measures each position "
                                         f"of its {shape} once (a row copied?)", line=at(k), field=field)
        first[p] = k
    if missing:
        where = _raster_gap(pos, nodes_x, nodes_y)
        raise InvalidDataError(path, f"the map has {len(pos)} of the {len(raster)} positions of its {shape}: "
                                     "no spectrum at " + ", ".join(_position_text(p) for p in missing[:5])
                                     + (" ..." if len(missing) > 5 else "") + " (a row deleted?)",
                               line=None if where is None else at(where), field=field)


def _raster(distinct: set) -> tuple[str, list[float], list[float]] | None:
    """The raster the distinct positions evidently fill: its words and its x and y nodes, or None."""
    # the x (y) values several positions share: counted once, not per value (a 300 x 300 map took 17 s)
    shared_x = sorted(v for v, n in Counter(x for x, _ in distinct).items() if n > 1)
    shared_y = sorted(v for v, n in Counter(y for _, y in distinct).items() if n > 1)
    if len(shared_x) >= 2 and len(shared_y) >= 2:
        return (f"{len(shared_x)} x {len(shared_y)} raster (x {_values_text(shared_x)}, y {_values_text(shared_y)})",
                shared_x, shared_y)
    row = _line_scan([x for x, y in distinct if y == shared_y[0]]) if len(shared_y) == 1 else None
    col = _line_scan([y for x, y in distinct if x == shared_x[0]]) if len(shared_x) == 1 else None
    if row is not None and (col is None or len(row) >= len(col)):
        return (f"line scan of {len(row)} positions along x at y {shared_y[0]:g} (x {_values_text(row)})",
                row, shared_y)
    if col is not None:
        return f"line scan of {len(col)} positions along y at x {shared_x[0]:g} (y {_values_text(col)})", shared_x, col
    return None


def _line_scan(along: list[float]) -> list[float] | None:
    """The nodes of the evenly stepped line the coordinates ``along`` one row (or column) evidently follow:
    the coordinates and those a gap of whole steps lacks; None for fewer than :data:`LINE_SCAN_MIN`, steps
    that are no multiples of the smallest, or more gaps than :data:`RASTER_SHARE` allows (chosen points)."""
    along = sorted(along)
    if len(along) < LINE_SCAN_MIN:
        return None
    steps = np.diff(along)
    step = float(steps.min())
    multiples = steps / step
    if not np.allclose(multiples, np.round(multiples), rtol=0, atol=1e-6):
        return None
    n_nodes = int(round((along[-1] - along[0]) / step)) + 1
    if len(along) < RASTER_SHARE * n_nodes:
        return None
    taken = set(np.round((np.asarray(along) - along[0]) / step).astype(int).tolist())
    return sorted(along + [along[0] + j * step for j in range(n_nodes) if j not in taken])


def _raster_gap(pos, xs_sorted, ys_sorted) -> int | None:
    """Index of the first position that breaks raster order (row by row or column by column,
    as the file starts), where a deleted position was expected; None if the file is in neither."""
    rows = [(x, y) for y in ys_sorted for x in xs_sorted]
    cols = [(x, y) for x in xs_sorted for y in ys_sorted]
    for order in (rows, cols):
        k = next((k for k, (p, q) in enumerate(zip(pos, order)) if p != q), len(pos))
        if k > 1:
            return k if k < len(pos) else None
    return None


def _position_text(p) -> str:
    return "(" + ", ".join(f"{v:g}" for v in p) + ")"


def _values_text(values) -> str:
    """A raster's coordinates: ``0 to 10 in steps of 2`` when evenly spaced, else the list."""
    steps = np.diff(values)
    if len(values) > 2 and np.allclose(steps, steps[0]):
        return f"{values[0]:g} to {values[-1]:g} in steps of {steps[0]:g}"
    return ", ".join(f"{v:g}" for v in values)


def _dataset(path, shift, intensity, dims, units, extra, *, lines=None) -> xr.Dataset:
    """The Dataset of a spectrum (or spectra) on ``shift`` in file order, ``lines`` the file line of each shift
    (:func:`_check_axis`); returned on the ascending axis."""
    shift = np.asarray(shift, dtype=float)
    intensity = np.asarray(intensity, dtype=float)
    if shift.size < 2:
        raise FileFormatError(path, f"need at least 2 spectral points, got {shift.size}")
    if intensity.shape[-1] != shift.size:
        raise FileFormatError(path, f"{intensity.shape[-1]} intensities for {shift.size} shifts")
    if not np.all(np.isfinite(shift)):
        raise FileFormatError(path, "non-finite Raman shift values", field="raman_shift")
    _check_axis(path, shift, lines)
    if np.min(shift) < -max(np.max(shift), ANTI_STOKES_MIN):
        # a Stokes spectrum whose shift was written 1/lambda_scattered - 1/lambda_laser: every band on the
        # negative side, none matched by a band library, and nothing said (a WITec axis starting at the laser
        # line, -40 to -100 cm-1, is not this)
        raise InvalidDataError(path, f"the Raman shift runs from {np.min(shift):g} to {np.max(shift):g} cm-1, mostly "
                                     "negative: the anti-Stokes side, or Stokes shifts written with the sign reversed "
                                     "(1/lambda_scattered - 1/lambda_laser)? nakit takes Stokes shifts as positive "
                                     "wavenumbers; export them so", field="raman_shift")
    order = np.argsort(shift, kind="stable")
    shift, intensity = shift[order], intensity[..., order]
    if np.any(np.diff(shift) == 0):
        raise InvalidDataError(path, f"repeated Raman shift {shift[1:][np.diff(shift) == 0][0]:.10g} cm-1",
                              field="raman_shift")
    finite = intensity[np.isfinite(intensity)]
    if finite.size == 0 or np.ptp(finite) == 0:  # a detector's counts always scatter
        raise InvalidDataError(path, f"every intensity is {'missing' if finite.size == 0 else f'{finite[0]:g}'}: "
                                     "nothing was measured", field="intensity")
    coords = {"raman_shift": ("raman_shift", shift, dict(SHIFT_ATTRS)), **extra}
    clipped = clipped_ranges(shift, intensity)
    return xr.Dataset(
        {"intensity": ((*dims, "raman_shift"), intensity, {"units": units, "long_name": "Raman intensity"})},
        coords=coords, attrs={SATURATION_ATTR: clipped} if clipped.size else {},
    )


#: cm-1: the largest Raman shift any spectrum can hold: a Stokes shift is below the laser's own wavenumber, and
#: no Raman laser is shorter than 150 nm (:func:`_laser_nm`'s bound)
RAMAN_SHIFT_MAX = 1e7 / 150.0
#: how many times the axis' median step the last step may be: a spectrometer's pixels are spaced
#: near evenly (the dispersion changes by a factor of two at most across a detector)
PIXEL_STEP_SPREAD = 10.0


def _check_axis(path, shift: np.ndarray, lines) -> None:
    """Refuse a shift axis that no spectrometer writes, naming the line.

    A shift beyond :data:`RAMAN_SHIFT_MAX` is refused. Every exporter writes a spectrum's pixels
    in order (ascending, or descending as WiRE does), so an axis that turns back is refused, not
    sorted: sorting hid a 1e30 shift moved to the axis' end, a LabSpec file whose columns were
    swapped (the intensities read as the shift), rows shuffled. A row that breaks the order at the end
    of the table is named as what it most likely is, a total or summary row appended to the data; it
    is refused rather than dropped with a warning because nothing tells it apart from a last
    point that was damaged, and removing the line makes the file readable at no cost.
    """
    at = (lambda k: None) if lines is None else (lambda k: int(lines[k]))
    refuse_beyond(shift, RAMAN_SHIFT_MAX, path=path, field="raman_shift",
                  lines=None if lines is None else list(lines),
                  why="a Stokes shift is below the wavenumber of the laser, and no Raman laser is shorter than 150 nm")
    if shift.size < 3 or (lines is not None and len(set(lines)) == 1 and np.all(np.diff(shift) != 0)
                          and (np.all(np.diff(shift) > 0) or np.all(np.diff(shift) < 0))):
        return
    d = np.diff(shift)
    rising = np.count_nonzero(d > 0) >= np.count_nonzero(d < 0)
    broken = np.flatnonzero(d <= 0 if rising else d >= 0)
    if broken.size == 0:
        typical = float(np.median(np.abs(d)))
        if shift.size >= 10 and abs(d[-1]) > PIXEL_STEP_SPREAD * typical:
            # in order, but far past the pixels' spacing: "9999 9999" after an axis ending at 2000 cm-1
            raise InvalidDataError(
                path, f"the last Raman shift {shift[-1]:.10g} cm-1 lies {abs(d[-1]):.4g} cm-1 past the one before, "
                      f"{abs(d[-1]) / typical:.0f} times the axis' step of {typical:.3g} cm-1: a row appended after "
                      "the spectrum (a total or summary row?); remove it", line=at(shift.size - 1), field="raman_shift")
        return
    k = int(broken[0]) + 1
    if d[k - 1] == 0:
        raise InvalidDataError(path, f"repeated Raman shift {shift[k]:.10g} cm-1", line=at(k), field="raman_shift")
    last = k == shift.size - 1
    raise InvalidDataError(
        path, f"the Raman shift {shift[k]:.10g} cm-1 does not follow {shift[k - 1]:.10g} cm-1 in the axis' "
              f"{'ascending' if rising else 'descending'} order ({broken.size} such point(s)): "
              + ("a row appended after the spectrum (a total or summary row?); remove it" if last and broken.size == 1
                 else "the spectrometer writes its pixels in order, so the shift column is not a shift axis (columns "
                      "swapped, rows shuffled or a value edited?)"),
        line=at(k), field="raman_shift")


#: cm-1: an axis reaching further below zero than this, and than it reaches above, is refused (the
#: laser line's side of a WITec export ends near -100 cm-1)
ANTI_STOKES_MIN = 300.0


#: attrs key saying the laser wavelength was not stated for this spectrum but assumed
LASER_ASSUMED = "instrument_laser_wavelength_assumed"


def with_default_laser(ds: xr.Dataset, laser_wavelength: float | None) -> xr.Dataset:
    """``ds`` with ``laser_wavelength`` (nm) where neither its file nor its sample states one.

    The value is marked as assumed (``attrs[LASER_ASSUMED] = 1``): what depends on it, such
    as La from the D/G ratio (which scales as its fourth power), says so.
    """
    if laser_wavelength is None or ds.attrs.get("instrument_laser_wavelength_nm") is not None:
        return ds
    return ds.assign_attrs({"instrument_laser_wavelength_nm": float(laser_wavelength), LASER_ASSUMED: 1})


#: attrs key saying the laser wavelength is the user's (``laser_wavelength``, a sample's key): the file states none
LASER_GIVEN = "instrument_laser_wavelength_given"


def _with_laser(ds: xr.Dataset, laser_wavelength: float | None) -> xr.Dataset:
    if laser_wavelength is None:
        return ds
    stated = ds.attrs.get("instrument_laser_wavelength_nm")
    if stated is not None and abs(float(stated) - float(laser_wavelength)) > 0.5:
        raise ParameterError(f"laser_wavelength={laser_wavelength} nm conflicts with the {stated} nm the file "
                             f"{ds.attrs.get('source_path')} states")
    if stated is None:  # a flag that compares setups must not pass the user's word off as the file's
        ds.attrs[LASER_GIVEN] = 1
    ds.attrs["instrument_laser_wavelength_nm"] = float(laser_wavelength)
    return ds


def _axis_unit(keys: dict[str, str], axis: int, default: str = "") -> str:
    unit = keys.get(f"axisunit_{axis}", default)
    return "um" if unit in ("\xb5m", "\u03bcm") else unit


#: Header keys that hold the excitation wavelength, after :func:`_attr_key` (LabSpec writes
#: ``Laser``; other versions and hand edits ``Laser (nm)``, ``Laser wavelength (nm)``, ``Excitation``).
_LASER_KEY = re.compile(r"(laser|excitation)(_wavelength|_line)?(_nm)?")


def _laser_nm(path, header: dict[str, str]) -> float | None:
    """The excitation wavelength in nm from a LabSpec header, or None when it states none.

    The value may carry its unit (``532nm_Edge``, ``633 nm``) or the key may
    (``Laser (nm)=532``). A bare number is read as nm only between 200 and 1100, where
    Raman lasers are; anything else that looks like a wavelength is refused rather than
    guessed at.
    """
    for key, value in header.items():
        k = _attr_key(key)
        if not _LASER_KEY.fullmatch(k):
            continue
        m = re.match(r"\s*(\d+(?:[.,]\d+)?)\s*(nm)?", value, re.I)
        if not m:
            continue  # e.g. "#Laser=\tOff": no wavelength stated
        nm = float(m.group(1).replace(",", "."))
        if m.group(2) or k.endswith("_nm") or LASER_RANGE[0] <= nm <= LASER_RANGE[1]:
            if not 150 <= nm <= 2000:
                raise FileFormatError(path, f"laser wavelength {value.strip()!r} nm is outside 150-2000 nm",
                                      field=key)
            return nm
        raise FileFormatError(path, f"laser value {value.strip()!r} has no unit and is not a wavelength in nm "
                              f"({LASER_RANGE[0]:g}-{LASER_RANGE[1]:g})", field=key)
    return None


def _header_value(value: str) -> str:
    """A ``#Key=value`` header's value without the cell delimiters a spreadsheet's re-save leaves around it.

    LabSpec writes ``#AxisUnit[1]=<TAB>1/cm``; opened in Excel and saved with ``;`` between cells it
    reads ``#AxisUnit[1]=;1/cm``, which kept ``;1/cm`` as the unit, ``;532nm`` as no laser wavelength
    at all and ``;10`` s as no acquisition time.
    """
    return value.strip().strip(";,").strip()


def _attr_key(key: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", key.lower().replace("\xb5", "u")).strip("_")


def _maybe_number(value: str | None):
    if value is None:
        return None
    try:
        f = float(value)
    except ValueError:
        return value
    return int(f) if f.is_integer() and "." not in value else f
