"""The exceptions nakit raises.

Every reader and analysis raises one of these, never a bare ``ValueError`` from deep
inside pandas or numpy, so a user can catch ``NakitError`` and read a message that
says what failed, where, and what was expected.

The hierarchy::

    NakitError
    +-- FileFormatError      a file cannot be read as the format it claims to be
    |   +-- MissingFactError a file of a known format lacks a fact the reading needs (also a ParameterError)
    |   +-- InvalidDataError a file of a known format holds a value no measurement can have
    |   +-- NotAMeasurementError an analysis' input (a CIF, a band library, a claims list), not a measurement
    |   +-- UnsupportedMeasurementError a file of a known format holds a measurement nakit does not analyse
    |   +-- AmbiguousFileError more than one technique's reader accepts the file
    +-- ParameterError       an argument or notebook parameter is invalid
    +-- CalculationError     an analysis cannot produce a trustworthy number
    |   +-- FitError         a least-squares fit failed or is ill-conditioned
    +-- MissingDependencyError  an optional package is needed for this call

    NakitWarning (UserWarning)   a result was returned but flagged as failing a check
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path


class NakitError(Exception):
    """Base class of every error nakit raises on purpose."""


class FileFormatError(NakitError, ValueError):
    """A file does not match the format it was read as.

    Parameters
    ----------
    path
        The file being read.
    reason
        What was wrong and what was expected instead.
    line
        1-based line number (text formats), if known.
    field
        Column, header key, record or byte offset, if known.
    sheet, row, column
        Where in a workbook: the sheet's name, its row as Excel numbers it, and the column's letter
        (``column`` optional). A workbook has sheets and rows, not lines: the message says
        "sheet 'Record-Tab1', row 57". ``line`` then holds the row too, for code that reads ``line``
        to find the place.
    """

    def __init__(
        self,
        path: str | PathLike | None,
        reason: str,
        *,
        line: int | None = None,
        field: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        self.path = None if path is None else str(path)
        self.reason = reason
        self.sheet, self.row, self.column = sheet, row, column
        self.line = line if line is not None or sheet is None else row
        self.field = field
        where = [self.path or "<input>"]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
            where += [f"{word} {value}" for word, value in (("row", row), ("column", column)) if value is not None]
        elif line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {reason}")

    @property
    def place(self) -> dict:
        """Where the error is, as keyword arguments of this class (``line``, ``field``, ``sheet``,
        ``row``, ``column``): an error re-raised with another reason keeps them with ``**exc.place``."""
        return {"line": None if self.sheet is not None else self.line, "field": self.field, "sheet": self.sheet,
                "row": self.row, "column": self.column}


def existing_file(path: str | PathLike) -> Path:
    """``path`` as a Path, or the :class:`FileFormatError` a reader gives when it is no file.

    A relative path that is not found names the folder it was looked for in: a notebook run
    by papermill without ``--cwd`` takes relative paths from the command's folder, not the
    notebook's, and "file not found" alone hides that.
    """
    p = Path(path)
    if p.is_dir():
        raise FileFormatError(p, "is a directory, expected a file")
    if not p.exists():
        where = "" if p.is_absolute() else f" (a relative path, looked for in {os.getcwd()})"
        raise FileFormatError(p, "file not found" + where)
    if not p.is_file():
        raise FileFormatError(p, "is not a regular file (a device, socket or pipe?), expected a file")
    return p


class NakitWarning(UserWarning):
    """A result was returned on request although it fails a quality check; its flags say which."""


class ParameterError(NakitError, ValueError):
    """An argument, option or notebook parameter has an invalid value."""


class MissingFactError(FileFormatError, ParameterError):
    """The file is a format the reader knows, but it does not state something the reading
    needs (a wavelength, a column's unit); ``fact`` names the keyword argument that gives it and
    ``form`` how its value is written on a command line (``VALUE``; ``'{time: UNIT}'`` for a
    column's unit)."""

    def __init__(self, path, reason: str, *, fact: str, form: str = "VALUE", **place):
        self.fact, self.form = fact, form
        super().__init__(path, reason, **place)


class NotAMeasurementError(FileFormatError):
    """The file is an input of an analysis, not a measurement: a crystal structure, a Raman band
    library, a claims list, an instrument parameter file. ``role`` names where it goes: the
    technique and parameter (``("xrd", "reference_files")``, ``("raman", "band_library_file")``),
    ``("", "claims")`` for a study's claims list, or None where it is no input of its own (an
    instrument file, whose wavelength a scan's entry takes)."""

    def __init__(self, path, reason: str, *, role: tuple[str, str] | None = None):
        self.role = role
        super().__init__(path, reason)


class InvalidDataError(FileFormatError):
    """The file is a format the reader knows, and was read, but a value in it is not one a
    measurement of its kind can have (p/p0 above 1.05, a negative uptake, a frequency twice
    in one sweep). The file is what the reader expected; its content is wrong: no other
    reader's request for a missing fact is the answer then (:func:`nakit.read`)."""


class UnsupportedMeasurementError(FileFormatError):
    """The file is a format the reader knows, holding a measurement of a kind nakit does not
    analyse (an Ar or CO2 isotherm): the answer for that file, whatever the other readers say
    of its text (:func:`nakit.read`)."""


class AmbiguousFileError(FileFormatError):
    """More than one technique's reader accepts the file; ``techniques`` names them. Some files
    hold two measurements (an EC-Lab sequence: a cycling record and impedance sweeps), each read
    by naming its technique."""

    def __init__(self, path, reason: str, *, techniques: tuple[str, ...]):
        self.techniques = tuple(techniques)
        super().__init__(path, reason)


def read_as(exc: InvalidDataError, how: str) -> FileFormatError:
    """``exc`` for a file read only by assuming what its columns are (three numbers read as f, Z',
    Z''; two as shift and intensity): a value wrong under that reading says the file may be
    something else, so it is one reason among the readers', not :func:`nakit.read`'s answer."""
    return FileFormatError(exc.path, f"read as {how}: {exc.reason}", **exc.place)


class CalculationError(NakitError, ArithmeticError):
    """An analysis cannot give a trustworthy result for this input."""


class FitError(CalculationError):
    """A least-squares fit did not converge or is not determined by the data."""


class MissingDependencyError(NakitError, ImportError):
    """An optional dependency is needed for this feature.

    The message names the package and the pip extra that installs it.
    """

    def __init__(self, package: str, extra: str, feature: str, path=None, otherwise: str = ""):
        self.package = package
        self.extra = extra
        super().__init__(
            f"{f'{path}: ' if path is not None else ''}{feature} needs the optional package {package!r}; "
            f"install it with: pip install 'nakit[{extra}]'" + (f"; or {otherwise}" if otherwise else "")
        )


def require(module: str, extra: str, feature: str, path=None, otherwise: str = ""):
    """Import an optional module or raise :class:`MissingDependencyError` (naming ``path``, the file
    being read, when given: a batch or study then says which of its files needs the extra).
    The package named is the distribution (``galvani`` for ``galvani.BioLogic``); ``otherwise``
    says what does without it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(module.partition(".")[0], extra, feature, path, otherwise) from exc
