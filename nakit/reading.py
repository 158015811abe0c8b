"""Any measurement file, read without saying its technique first: :func:`read` and :func:`identify`.

A researcher exploring a folder of instrument files should not need to know which of
``read_xrd``, ``read_isotherm``, ``read_raman``, ``read_cycling`` and ``read_eis`` to call.
Each of those recognises its formats by content and refuses every other technique's files
(the reader contract, ``tests/contract/test_other_techniques_files.py``, checks each reader
against every other technique's samples), so :func:`read` offers the file to all five and
keeps the one reading that succeeds.

Every reader is tried, not just the first that succeeds: a file two readers accept is an
error naming both, never a silent choice of one. A file none accepts is an error that gives
each reader's reason, so a file that needs a fact (an ``.xy`` scan without its wavelength) or
an optional package (an ``.mpr`` without galvani) says so.
"""

from __future__ import annotations

import importlib
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import (AmbiguousFileError, FileFormatError, InvalidDataError, MissingDependencyError, MissingFactError,
                     NakitError, NotAMeasurementError, ParameterError, UnsupportedMeasurementError, existing_file)

__all__ = ["TECHNIQUES", "TAKES", "reader", "read", "identify", "technique_of", "describe", "Inspection",
           "files_in", "inspect_files", "study_draft"]

#: technique -> (module, reader function); the order in which errors are listed.
TECHNIQUES = {
    "xrd": ("nakit.xrd.readers", "read_xrd"),
    "sorption": ("nakit.sorption.readers", "read_isotherm"),
    "raman": ("nakit.raman.readers", "read_raman"),
    "cycling": ("nakit.cycling.readers", "read_cycling"),
    "eis": ("nakit.eis.readers", "read_eis"),
}


def reader(technique: str) -> Callable:
    """The reader function of ``technique`` (one of :data:`TECHNIQUES`)."""
    if technique not in TECHNIQUES:
        raise ParameterError(f"technique {technique!r} is not one of {', '.join(TECHNIQUES)}")
    module, name = TECHNIQUES[technique]
    return getattr(importlib.import_module(module), name)


#: Techniques whose measurements one file may hold together (an EC-Lab sequence of GCPL and PEIS
#: techniques: a cycling record and impedance sweeps), each read by naming it.
BOTH_IN_ONE = ("cycling", "eis")

#: The keyword arguments each reader takes (its formats' options and the sample facts it
#: stores), so that facts given for one technique do not make another's reader refuse a file.
TAKES = {
    "xrd": frozenset({"wavelength", "scan", "fmt"}),
    "sorption": frozenset({"sample_mass_g", "temperature_K", "adsorptive", "sample_name"}),
    "raman": frozenset({"laser_wavelength"}),
    "cycling": frozenset({"columns", "units", "sep", "current_sign", "skiprows"}),
    "eis": frozenset({"loop", "area_cm2", "thickness_cm", "temperature_C", "sample_name", "imag_convention",
                      "delimiter", "drift_corrected"}),
}


#: The facts :func:`read` passes on that are numbers, with their unit (``sample_mass_g='50 mg'`` was
#: "expected float", ``laser_wavelength='532 nm'`` a TypeError deep in the Raman reader)
NUMBER_FACTS = {"laser_wavelength": "nm", "sample_mass_g": "g", "temperature_K": "K", "area_cm2": "cm2",
                "thickness_cm": "cm", "temperature_C": "°C"}
#: ... that are text, and what the text is
TEXT_FACTS = {"adsorptive": "a gas's name, e.g. 'N2'", "sep": "the column separator, e.g. ';'",
              "delimiter": "the column separator, e.g. ';'", "imag_convention": "'auto', 'signed' or 'negated'",
              "fmt": "a format's name"}
#: ... that map a column to something, and an example
MAPPING_FACTS = {"columns": "{'time': 'Zeit/s', 'voltage': 'U/V', 'current': 'I/mA'}",
                 "units": "{'current': 'mA'}"}
#: laser lines a Raman spectrum is excited with (nm), as notebook 03's laser_wavelength range (also the
#: Raman reader's for a bare number in a header, and the carbon analysis' for La)
LASER_RANGE = (200, 1100)


def check_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """``facts`` as the readers take them: numbers as floats (a number written as text too), each
    other fact of its kind, or a :class:`ParameterError` naming the fact, the unit its number is in
    and what was given. One check for every reader, so a fact in the wrong form is refused in one
    way whichever reader it reaches, before any reading."""
    out = dict(facts)
    for key, value in facts.items():
        if value is None:
            continue
        if key in NUMBER_FACTS:
            out[key] = _fact_number(key, value, NUMBER_FACTS[key])
        elif key in TEXT_FACTS and not isinstance(value, str):
            raise ParameterError(f"{key}: expected text, {TEXT_FACTS[key]}; got {value!r}")
        elif key in MAPPING_FACTS and not isinstance(value, dict):
            raise ParameterError(f"{key}: expected a mapping such as {MAPPING_FACTS[key]}; got {value!r}")
    laser = out.get("laser_wavelength")
    if laser is not None and not LASER_RANGE[0] <= laser <= LASER_RANGE[1]:
        lo, hi = LASER_RANGE
        hint = f" (in um? give {laser * 1000:g})" if lo <= laser * 1000 <= hi else ""
        raise ParameterError(f"laser_wavelength: {laser:g} nm is outside the {lo:g}-{hi:g} nm of Raman lasers{hint}")
    return out


def _fact_number(key: str, value: Any, unit: str) -> float:
    """``value`` as a float, or the ParameterError saying it is no number in ``unit``."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        number = re.match(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$", value)
        same = number and number.group(2).replace(" ", "").lower() in {unit.lower(), unit.lstrip("°").lower()}
        hint = (f" (give {number.group(1)}: the fact names the unit)" if same
                else f" (give the number in {unit})" if number else "")
        raise ParameterError(f"{key}: expected a number in {unit}, got the text {value!r}{hint}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise ParameterError(f"{key}: expected a number in {unit}, got {value!r} ({type(value).__name__})")
    return float(value)


def _one_path(path) -> None:
    """Refuse what is no single file's path: a list of files (pathlib's TypeError otherwise)."""
    if isinstance(path, (list, tuple, set)):
        raise ParameterError(f"path: read takes one file, got a {type(path).__name__} of {len(path)}; for several, "
                             "read each (for f in files: nakit.read(f)), or inspect them all with "
                             "nakit.reading.inspect_files(files) or `nakit inspect FILES`")
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path: expected a file's path (str or pathlib.Path), got {path!r} "
                             f"({type(path).__name__})")


def _attempt(technique: str, path, facts: dict[str, Any]):
    """(Dataset, its warnings) or (None, the reader's error), given the facts this reader takes."""
    func = reader(technique)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return func(path, **{k: v for k, v in facts.items() if k in TAKES[technique]}), caught
        except NakitError as exc:
            return None, exc


def read(path: str | os.PathLike, technique: str | None = None, **facts):
    """Read a measurement file of any technique nakit reads, recognised by its content.

    Parameters
    ----------
    path
        The file.
    technique
        ``"xrd"``, ``"sorption"``, ``"raman"``, ``"cycling"`` or ``"eis"`` to skip the
        recognition and call that reader; None (default) to try them all.
    **facts
        What the file does not state, passed on to the reader that takes them:
        ``wavelength`` (XRD), ``laser_wavelength`` (Raman), ``sample_mass_g`` (sorption),
        ``units`` or ``columns`` (cycling), ``area_cm2`` (impedance), ... (:data:`TAKES`).
        Each reader gets the facts it takes, so one call can carry facts for several
        techniques; a fact no reader takes is refused. When two readers accept a file, a fact
        only one of them takes decides (``wavelength``: XRD).

    Returns
    -------
    xarray.Dataset
        As the technique's reader returns it; :func:`technique_of` tells which it is. The
        warnings of the reading that succeeded are issued again; the others' are dropped.

    Raises
    ------
    FileFormatError
        No reader accepts the file (the message gives each one's reason).
    AmbiguousFileError
        More than one reader accepts it (``techniques`` names them: pass ``technique``); a file
        holding a cycling record and impedance sweeps says so.
    InvalidDataError
        No reader accepts it and one that recognised its format found a value no measurement
        can have (p/p0 above 1.05, a repeated frequency): that reader's error.
    MissingDependencyError
        No reader accepts it and one that recognises it needs an optional package.
    MissingFactError
        No reader accepts it and one that recognises it needs a fact the file does not
        state (``fact`` names the keyword: ``wavelength``, ``laser_wavelength``, ``units``).

    Examples
    --------
    >>> ds = nakit.read("raw/scan_07.xy", wavelength="Cu")        # doctest: +SKIP
    >>> nakit.read("raw/cell_3.mpr")                              # doctest: +SKIP
    """
    _one_path(path)
    facts = check_facts(facts)
    if technique is not None:
        func, extra = reader(technique), sorted(set(facts) - TAKES.get(technique, set()))
        if extra:  # a bare TypeError from the reader's signature otherwise
            raise ParameterError(f"{os.fspath(path)}: the {technique} reader takes "
                                 f"{', '.join(sorted(TAKES[technique]))}, not {', '.join(extra)}")
        return func(path, **facts)
    unknown = sorted(set(facts).difference(*TAKES.values()))
    if unknown:
        raise ParameterError(f"{os.fspath(path)}: no reader takes {unknown}; the facts each technique's reader "
                             "takes: " + "; ".join(f"{t} {', '.join(sorted(k))}" for t, k in TAKES.items()))
    path = os.fspath(existing_file(path))
    accepted, refused = {}, {}
    for name in TECHNIQUES:
        ds, outcome = _attempt(name, path, facts)
        if ds is not None:
            accepted[name] = (ds, outcome)
        else:
            refused[name] = outcome
    if len(accepted) > 1 and facts:  # a fact only one of them takes (a wavelength: XRD) says which it is
        named = {t: v for t, v in accepted.items() if TAKES[t] & facts.keys()}
        accepted = named if len(named) == 1 else accepted
    meant = [t for t in TECHNIQUES if TAKES[t] & facts.keys()]
    if len(meant) == 1 and meant[0] in refused and (accepted or not _as_far(refused, meant[0])):
        # the facts say what the file was meant as (a wavelength: XRD), so that reader's refusal is the
        # answer: a shuffled scan given its wavelength was read as a Raman spectrum of 5-80 cm-1. Unless
        # another reader got as far into the file: a fact given for a folder's scans reaches its damaged
        # isotherm too, whose XRD refusal "no diffraction scan (a sorption table?)" hid the sorption
        # reader's "line 11: 'n/a' is not a number"; the reasons are then weighed as without the fact
        raise refused[meant[0]]
    if len(accepted) > 1:
        if set(accepted) == set(BOTH_IN_ONE):  # an EC-Lab sequence: cycling, then impedance sweeps (or the reverse)
            rows, sweeps = accepted["cycling"][0].sizes["time"], accepted["eis"][0].sizes.get("loop", 1)
            raise AmbiguousFileError(path, f"the file holds a cycling record ({rows} points) and impedance sweeps "
                                           f"({sweeps}): read each by naming it, technique='cycling' or "
                                           "technique='eis' (a study lists the file under both)",
                                     techniques=BOTH_IN_ONE)
        raise AmbiguousFileError(path, f"read as {' and as '.join(accepted)} alike; say which it is "
                                       f"(technique={next(iter(accepted))!r}, ...) or use that technique's reader",
                                 techniques=tuple(accepted))
    if "raman" in accepted and "xrd" in refused and not TAKES["raman"] & facts.keys():
        _refuse_plain_low_axis(path, accepted["raman"][0])  # (a laser wavelength given says it is Raman)
    if accepted:
        ((ds, caught),) = accepted.values()
        for w in caught:
            warnings.warn(w.message, w.category, stacklevel=2)
        return ds
    # a reader that read the file and found a value wrong in it, or that knows the format but lacks
    # a package or a fact, is the answer, not one reason of five (a header naming p/p0 and a loading
    # makes a sorption reader's "p/p0 1.07 above 1.05" the answer, not the XRD reader's request for
    # the wavelength of any two columns of numbers); two readers that each found a wrong value: both
    invalid = [exc for exc in refused.values() if isinstance(exc, InvalidDataError)]
    if len(invalid) == 1:
        raise invalid[0]
    if not invalid:
        for kind in (UnsupportedMeasurementError, MissingDependencyError, MissingFactError):
            known = [exc for exc in refused.values() if isinstance(exc, kind)]
            if known:
                raise known[0]
    from .xrd.readers import instrument_file_wavelength, wavelength_value

    wl = instrument_file_wavelength(path)
    if wl is not None:  # INST_XRY.PRM beside the scans: what it is for, not five readers' refusals
        raise NotAMeasurementError(path, f"an instrument parameter file, not a measurement: it gives wavelength "
                                         f"{wavelength_value(wl)}, the wavelength of the scans measured with it")
    if (found := analysis_input(path)) is not None:
        role, words = found
        raise NotAMeasurementError(path, words, role=role)
    by_reason: dict[str, list[str]] = {}  # readers that refuse for one reason say it once
    for name, exc in refused.items():
        by_reason.setdefault(_reason(exc, path), []).append(name)
    if len(by_reason) == 1:
        raise FileFormatError(path, f"no nakit reader accepts this file: {next(iter(by_reason))}")
    reasons = "".join(f"\n  {', '.join(names)}: {reason}" for reason, names in by_reason.items())
    raise FileFormatError(path, f"no nakit reader accepts this file; each reader's reason:{reasons}")


#: the columns by which a CSV is a Raman band library (:func:`nakit.raman.bands.load_band_library`)
#: or a claims list (:func:`nakit.claims.load_claims`)
BAND_LIBRARY_COLUMNS = frozenset({"species", "band", "center", "min", "max"})
CLAIMS_COLUMNS = frozenset({"id", "notebook", "quantity", "paper_value"})


def analysis_input(path: str) -> tuple[tuple[str, str] | None, str] | None:
    """What a file that no reader takes is for, when it is an input of an analysis: ``(role, words)``
    (:class:`~nakit.errors.NotAMeasurementError`; role None for a study file or a batch manifest,
    no input of one), else None.

    A folder of a study holds more than measurements: the CIFs of the phases to look for, a band
    library, a claims list. Five readers' refusals say nothing of them; this says where each goes.
    """
    from .textio import read_text_lines

    try:
        lines = read_text_lines(path, max_bytes=1 << 20).lines[:400]
    except (FileFormatError, OSError):
        return None
    name = os.path.basename(path)
    if any(line.startswith("data_") for line in lines) and any(
            line.strip().startswith("_cell_length_a") for line in lines):
        return ("xrd", "reference_files"), (
            f"a crystal structure (CIF), not a measurement: a candidate phase for XRD, notebook 01's "
            f"reference_files (in a study: parameters: {{xrd: {{reference_files: [{name}]}}}})")
    header = next((line for line in lines if line.strip()), "")
    columns = {c.strip().strip('"').lower() for c in header.split(",")}
    if BAND_LIBRARY_COLUMNS <= columns:
        return ("raman", "band_library_file"), (
            f"a Raman band library, not a measurement: notebook 03's band_library_file (in a study: parameters: "
            f"{{raman: {{band_library_file: {name}}}}})")
    if CLAIMS_COLUMNS <= columns:
        return ("", "claims"), (f"a claims list, not a measurement: a study's claims (claims: {name}) or a notebook's "
                                "claims_file")
    if os.path.splitext(name)[1].lower() in (".yaml", ".yml") and any(line.startswith("samples:") for line in lines):
        kind = "batch manifest (nakit batch" if any(line.startswith("notebooks:") for line in lines) else \
            "study file (nakit study"
        return None, f"a {kind} {name}), not a measurement"
    return None


#: refusals by a reader that recognised the file's format: it got further than one that did not
_RECOGNISED = (InvalidDataError, UnsupportedMeasurementError, MissingDependencyError, MissingFactError)


def _as_far(refused: dict[str, Exception], technique: str) -> bool:
    """Whether another reader than ``technique``'s got as far into the file before refusing it: it
    recognised the format where ``technique``'s did not, or stopped on the same or a later line."""
    mine = refused[technique]
    for name, exc in refused.items():
        if name == technique:
            continue
        if isinstance(exc, _RECOGNISED) and not isinstance(mine, _RECOGNISED):
            return True
        line, my_line = getattr(exc, "line", None), getattr(mine, "line", None)
        if line is not None and my_line is not None and line >= my_line:
            return True
    return False


def _refuse_plain_low_axis(path: str, ds) -> None:
    """Two plain columns whose axis lies inside 0-180 are a Raman spectrum to the Raman reader and
    a scan without its wavelength to the XRD reader: nothing in them says which, so say so rather
    than call them a spectrum. (read_raman refuses such an axis in steps under 0.1, a 2theta scan's;
    a coarser scan, 0.1-0.2 deg, is not told apart from a low-wavenumber spectrum.)"""
    x = ds["raman_shift"].values
    if str(ds.attrs.get("source_format")).startswith("two-column-") and x.size and 0 < x.min() and x.max() <= 180:
        raise FileFormatError(path, f"two plain columns with the first from {x.min():g} to {x.max():g}: a Raman "
                                    "spectrum in cm-1 or a diffraction scan in degrees 2theta, and nothing in the file "
                                    "says which; say it: technique='raman' (nakit inspect -t raman), or technique="
                                    "'xrd' with its wavelength (-t xrd --fact wavelength Cu)")


def _reason(exc: Exception | str, path: str) -> str:
    """An error's message without the path every reason would repeat."""
    text = str(exc)
    for prefix in (f"{path}: ", f"{path}, "):
        text = text.removeprefix(prefix)
    return text


def identify(path: str | os.PathLike, **facts) -> str:
    """The technique of a measurement file (``"xrd"``, ``"sorption"``, ...), as :func:`read` finds it.

    A file whose format one reader knows but which lacks a fact that reader needs to read it (a
    scan without its wavelength) is of that technique: the fact is needed to read the values, not
    to say what the file is (``identify`` raised the reader's request for the wavelength).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return technique_of(read(path, **facts))
        except MissingFactError:
            lacking = [t for t in TECHNIQUES if isinstance(_hint_attempt(t, path, facts)[1], MissingFactError)]
            if len(lacking) == 1:
                return lacking[0]
            raise


#: what a file of each technique is, in a sentence
KINDS = {"xrd": "a diffraction pattern", "sorption": "an isotherm", "raman": "a Raman spectrum",
         "cycling": "a cycling record", "eis": "an impedance spectrum"}


def read_elsewhere(path: str | os.PathLike, technique: str) -> str:
    """Why a file ``technique``'s reader does not recognise may be in the wrong list: ``"nakit reads
    it as a Raman spectrum (notebook 03_raman_assignment)"`` when one other technique's reader
    reads it (or knows its format and lacks only a fact, such as a scan's wavelength), else
    ``""``. A Raman ``.txt`` listed under sorption was refused as "not a recognised isotherm
    format", as if the file could not be read at all."""
    from .paths import NOTEBOOKS

    outcomes = {t: _hint_attempt(t, path) for t in TECHNIQUES if t != technique}  # (Dataset, _) or (None, error)
    read_by = [t for t, (ds, _) in outcomes.items() if ds is not None]
    known = [t for t, (_, got) in outcomes.items()
             if isinstance(got, (MissingFactError, MissingDependencyError, UnsupportedMeasurementError))]
    found = read_by if read_by else known
    if len(found) != 1:  # unreadable by every other reader, or read by several: nothing sure to add
        return ""
    return (f"nakit reads it as {KINDS[found[0]]} (notebook {NOTEBOOKS[found[0]]}): is it listed under the "
            "wrong technique?")


def _hint_attempt(technique: str, path, facts: dict[str, Any] | None = None):
    """:func:`_attempt` for a hint only: a reader that fails otherwise than on purpose (a bug on
    an odd file) gives no hint, rather than replacing the refusal being explained."""
    try:
        return _attempt(technique, path, facts or {})
    except Exception as exc:  # noqa: BLE001  (the refusal it would explain is the error to show)
        return None, exc


def technique_of(ds) -> str:
    """The technique of a measurement Dataset, from its dimension and variables
    (:data:`nakit.datamodel.MEASUREMENTS`)."""
    from .datamodel import MEASUREMENTS

    for name, (dim, variables) in MEASUREMENTS.items():
        if dim in getattr(ds, "dims", ()) and all(v in ds.variables for v in variables):
            return name
    raise ParameterError("not a measurement Dataset of any technique: dimensions "
                         f"{sorted(getattr(ds, 'dims', ()))}; expected one of "
                         + ", ".join(f"{d} ({t})" for t, (d, _) in MEASUREMENTS.items()))


def describe(ds, warned: tuple[str, ...] = ()) -> list[str]:
    """What a user needs to see of a freshly read file, one line each: its technique and format,
    each coordinate and variable with its range and units, the file's own facts (not the
    provenance or the instrument's arrays) and the reader's warnings; for ``nakit inspect``."""
    import numpy as np

    from .datamodel import is_synthesised
    from .paths import is_stand_in

    technique = technique_of(ds)
    a = ds.attrs
    lines = [f"technique: {technique}, format {a.get('source_format', '?')}"
             + (" (synthesised by nakit: a stand-in, not a measurement)"
                if is_synthesised(ds) or is_stand_in(a.get("source_path", "")) else ""),
             f"file: {a.get('source_size', '?')} bytes, sha256 {str(a.get('source_sha256', ''))[:16]}..."]
    for name, var in {**ds.coords, **ds.data_vars}.items():
        if var.ndim == 0 or name == "point":
            continue
        values = np.asarray(var.values)
        units = var.attrs.get("units", "")
        units = "" if units in ("1", "") else f" {units}"
        shape = " x ".join(f"{n} {d}" for d, n in zip(var.dims, var.shape))
        if values.dtype.kind in "fiu":
            finite = values[np.isfinite(values)]
            span = f"{finite.min():.6g} .. {finite.max():.6g}{units}" if finite.size else "no finite value"
            lines.append(f"{name}: {span} ({shape})")
        else:
            kinds, counts = np.unique(values.astype(str), return_counts=True)
            lines.append(f"{name}: " + ", ".join(f"{k} {c}" for k, c in zip(kinds[:6], counts[:6]))
                         + (" ..." if kinds.size > 6 else ""))
    if technique == "xrd":  # read as counts: say when they are not (per second, normalised, scaled)
        from .xrd.counting import counting

        note = counting(ds).note(fitted=False)
        if note:
            lines.append(f"intensity: {note}")
    n_scans = int(a.get("n_scans", 1) or 1)
    if n_scans > 1:  # read_xrd reads one range of a multi-range file: say which, and how to get another
        lines.append(f"range: {a.get('scan_index', 0)} of the file's {n_scans} (0-{n_scans - 1}); another with "
                     "--fact scan N, or a sample's 'scan' key")
    # the sample's facts first, then what the instrument wrote; provenance and arrays stay in attrs
    facts = sorted(((k, v) for k, v in a.items() if not k.startswith("source_") and np.ndim(v) == 0
                    and k != "synthesised"), key=lambda kv: kv[0].startswith("instrument_"))
    for k, v in facts[:16]:
        # a float as the ranges above are given (a mass the reader computed read 2.0799999999999996)
        text = f"{v:.6g}" if isinstance(v, (float, np.floating)) else str(v)
        text = text if len(text) <= 70 else text[:67] + "..."
        if k == "instrument_active_mass_mg" and technique == "cycling":
            text += _placeholder_words(ds)
        lines.append(f"{k}: {text}")
    if len(facts) > 16:
        lines.append(f"(+{len(facts) - 16} more in the Dataset's attrs)")
    lines += [f"warning: {w}" for w in warned]
    return lines


def _placeholder_words(ds) -> str:
    """`` (a cycler's default placeholder: not used ...)`` for a stated active mass that notebook 04
    and a study do not use (Neware's 1 mg: :func:`nakit.cycling.cell.sample_recipe` says so), else
    ``""``: inspect, where a user first looks at what a file states, showed it as the cell's mass."""
    from .cycling.cell import _is_placeholder, _stated_mass

    stated = _stated_mass(ds)
    if stated is None or not _is_placeholder(stated):
        return ""
    return " (a cycler's default placeholder: not used; give the cell's active_mass_mg)"


#: Words by which a file name says its technique (lower case), as in ``S1_XRD.raw``,
#: ``S1-BET.xls``, ``PEIS_S1.mpt``: :func:`sample_name` leaves them out of the sample's name.
TECHNIQUE_WORDS = {
    "xrd": frozenset({"xrd", "pxrd", "diffraction", "diffractogram", "pattern", "scan"}),
    "sorption": frozenset({"bet", "bjh", "n2", "isotherm", "iso", "sorption", "physisorption", "adsorption",
                           "porosimetry"}),
    "raman": frozenset({"raman", "spectrum"}),
    "cycling": frozenset({"cycling", "cycles", "gcpl", "gcd", "galvanostatic", "charge", "discharge"}),
    "eis": frozenset({"eis", "peis", "geis", "impedance", "nyquist"}),
}
#: Words that say nothing of the sample (``raw/S1/data.txt``): a name made only of these and of
#: :data:`TECHNIQUE_WORDS` names no sample, so its folder does.
GENERIC_WORDS = frozenset({"data", "export", "measurement", "raw", "file", "results"})
_NAME_PARTS = re.compile(r"[ _.-]+")
_COMPRESSED = frozenset({".gz", ".bz2", ".xz", ".zip"})


def sample_name(path: str | os.PathLike, technique: str) -> str:
    """The sample a file is of, by its name: the name without its extension and without the
    words at its start or end that name ``technique`` (:data:`TECHNIQUE_WORDS`, any case, set off
    by ``_``, ``-``, ``.`` or a space): ``S1_XRD.raw`` -> ``S1``, ``BET-S1.xls`` -> ``S1``,
    ``S1_N2_BET.csv`` -> ``S1``. Words naming another technique stay (``S1_raman.txt`` read as
    XRD is ``S1_raman``: a name that disagrees with the reading is worth a look). A name made
    only of such words or of :data:`GENERIC_WORDS` names the technique, not the sample: the
    file's folder does (``S1/XRD.xy`` and ``S1/raman data.txt`` -> ``S1``; in the root folder
    the file keeps its name).
    """
    name = os.path.basename(os.fspath(path))
    stem, ext = os.path.splitext(name)
    if ext.lower() in _COMPRESSED:  # scan.xye.bz2: the extension under the compression's
        stem = os.path.splitext(stem)[0]
    stem = stem or name
    words = TECHNIQUE_WORDS.get(technique, frozenset())
    parts = [p for p in _NAME_PARTS.split(stem) if p]
    seps = _NAME_PARTS.findall(stem.strip(" _.-"))
    start, end = 0, len(parts)
    while start < end and parts[start].lower() in words:
        start += 1
    while end > start and parts[end - 1].lower() in words:
        end -= 1
    if all(w.lower() in words | GENERIC_WORDS for w in parts):  # S1/XRD.xy: the folder names the sample
        return os.path.basename(os.path.dirname(os.path.abspath(os.fspath(path)))) or stem
    if (start, end) == (0, len(parts)):
        return stem
    # the words kept, joined by the separators that stood between them
    return "".join(parts[i] + (seps[i] if i < end - 1 else "") for i in range(start, end))


def study_draft(read_files: list[tuple[str, str, dict[str, Any]]], unread: list[tuple[str, str]] = (),
                title: str = "My study", notes=(), inputs=()) -> str:
    """A study file (YAML, :mod:`nakit.study`) for files already read: ``(path, technique, facts)``
    each, and ``(path, reason)`` for those that were not (as comments); ``notes``: what to
    check, as comments too; ``inputs``: ``(path, role)`` of the analysis inputs among the files
    (:func:`analysis_input`), put where they go: CIFs in XRD's ``reference_files``, one band
    library as Raman's ``band_library_file``, one claims list as the study's ``claims`` (two of
    a kind, or one for a technique no sample has, are left to the user, in a note).

    One sample per file name without its extension and the words naming its technique
    (:func:`sample_name`), so ``S1.raw`` and ``S1.txt``, or ``S1_XRD.raw`` and ``S1_raman.txt``,
    become one sample with an XRD and a Raman entry (a file joins the sample of its name in its
    own folder first, else in any); a second file of the same technique and name starts a
    sample of its own, labelled with its folder. The header says what to check: labels, which samples are one
    material, and what the files do not state.
    """
    import yaml

    samples: list[dict[str, Any]] = []
    by_stem: dict[str, list[dict[str, Any]]] = {}
    for path, technique, facts in read_files:
        stem = sample_name(path, technique)
        folder = os.path.dirname(os.path.abspath(path))
        free = [s for s in by_stem.get(stem, []) if technique not in s]
        # the same name in the same folder first (batch1/S1.raw, batch1/S1.txt), then in any
        # (xrd/S1.raw, raman/S1.txt): per-technique folders and per-sample folders both group
        same = [s for s in free if any(os.path.dirname(os.path.abspath(e["file"])) == folder
                                       for k, e in s.items() if k != "label")]
        sample = (same or free or [None])[0]
        if sample is None:
            label = stem
            if by_stem.get(stem):  # a second file of one technique and name: told apart by its folder, or
                # by its own name when the folder already named it (pyimpspec/data.dta, pyimpspec/data.mpt)
                where = os.path.basename(folder)
                label = f"{stem} ({os.path.basename(path) if where in ('', stem) else where})"
            taken, base, k = {s["label"] for s in samples}, label, 1
            while label in taken:
                k += 1
                label = f"{base} {k}"
            sample = {"label": label}
            samples.append(sample)
            by_stem.setdefault(stem, []).append(sample)
        sample[technique] = {"file": path, **{k: v for k, v in facts.items() if k in TAKES[technique]}}
    notes = list(notes)
    study: dict[str, Any] = {"title": title}
    parameters: dict[str, dict[str, Any]] = {}
    techniques = {t for s in samples for t in s if t != "label"}
    for role in dict.fromkeys(role for _, role in inputs):
        technique, name = role
        paths = [path for path, r in inputs if r == role]
        if technique and technique not in techniques:
            notes.append(f"{', '.join(paths)}: {name} of {technique}, which no sample here has")
        elif name == "reference_files":
            parameters.setdefault(technique, {})[name] = paths
        elif len(paths) > 1:
            where = name if technique else "the study's claims"
            notes.append(f"{' and '.join(paths)}: give one as {where}")
        elif technique:
            parameters.setdefault(technique, {})[name] = paths[0]
        else:
            study[name] = paths[0]
    study["samples"] = samples
    if parameters:
        study["parameters"] = parameters
    head = ("# Study drafted by `nakit inspect --study`: one sample per file name, words naming the technique\n"
            "# (S1_XRD.raw, S1-raman.txt) left out. Check the labels (they name every table and figure), join\n"
            "# entries that are one sample, and add what the files do not state: `nakit params NOTEBOOK` lists\n"
            "# each technique's sample keys. File paths are as given on the command line; a study file reads\n"
            "# them relative to its own folder.\n")
    body = yaml.safe_dump(study, sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)
    tail = "".join(f"# check: {note}\n" for note in notes)
    tail += "".join(f"# not read: {path}: {_first_reason(reason, path)}\n" for path, reason in unread)
    return head + body + tail


def _first_reason(reason: str, path: str) -> str:
    """An error's first line for a one-line comment, without the path or a list of readers' reasons."""
    return _reason(reason, path).splitlines()[0].removesuffix("; each reader's reason:")


@dataclass
class Inspection:
    """One file as :func:`inspect_files` found it: its Dataset and the facts the reading needed,
    or the error; the reader's warnings either way."""

    path: str
    dataset: Any = None
    facts: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    error: NakitError | None = None

    @property
    def technique(self) -> str | None:
        return None if self.dataset is None else technique_of(self.dataset)


#: what marks a folder nakit wrote (a notebook's report, a batch run, a study's report): a study's
#: folder inspected after its first run holds its reports beside the raw files
NAKIT_OUTPUT_SIGNS = ("provenance.json", ".nakit-run.json", ".nakit-files.json", ".nakit-study.json", ".nakit-incomplete")


def files_in(paths) -> list[str]:
    """The files named, a folder standing for every file under it (sorted; hidden names skipped,
    and what nakit wrote: reports are no measurements). A report folder is known by
    :data:`NAKIT_OUTPUT_SIGNS`; in a study's or batch's output folder, which may also hold the
    user's raw files (``output: .``), only what its record (:data:`nakit.runfolder.WRITTEN`)
    lists is nakit's: ``index.html``, ``comparison.csv``, ``samples/``, the reports."""
    from .runfolder import WRITTEN, written

    out = []
    for path in map(os.fspath, paths):
        if not os.path.isdir(path):
            out.append(path)
            continue
        for folder, dirs, names in os.walk(path):
            record = written(folder) if WRITTEN in names else None  # (most folders hold no record to open)
            if record is not None:  # (its report folders are skipped by their signs, or here)
                ours = {entry.rstrip("/") for entry in record[1]}
                dirs[:] = [d for d in dirs if d not in ours]
                names = [n for n in names if n not in ours]
            elif folder != path and any(sign in names for sign in NAKIT_OUTPUT_SIGNS):
                dirs[:] = []
                continue
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            out += [os.path.normpath(os.path.join(folder, n)) for n in sorted(names) if not n.startswith(".")]
    return out


#: Keyword arguments that choose how to read (a range, a loop, a table's layout) rather than state
#: a fact about the sample: :func:`inspect_files` always passes them.
CHOICES = frozenset({"scan", "fmt", "loop", "imag_convention", "delimiter", "drift_corrected", "columns", "sep",
                     "current_sign", "skiprows"})
#: Facts a reader puts in place of what the file states (an XRD wavelength, a column's unit): the
#: others (a laser wavelength, a sample mass, a pellet's area) fill in what the file lacks and are
#: refused where they contradict it.
OVERRIDING = frozenset({"wavelength", "units"})


def inspect_files(paths, technique: str | None = None, **facts) -> list[Inspection]:
    """Read every file (folders: every file under them) as :func:`read` does, ``facts`` filling
    in only what a file does not state, so that facts given for a folder suit each file in it.

    Each file is read with the :data:`CHOICES` and the facts that fill in (a Raman laser, a
    sample mass); if one contradicts the file, without them (the file's own stands); and only
    if neither reads, with the :data:`OVERRIDING` facts too. So a wavelength given for a
    folder's ``.xy`` scans does not override the one a RAW file states, and a 633 nm laser
    given for a folder does not stop a 532 nm LabSpec file (``Inspection.facts`` holds what
    a reading used).
    """
    facts = check_facts(facts)  # (once for the folder, not once a file)
    if technique is not None:  # with one technique named, what its reader does not take is not for it
        facts = {k: v for k, v in facts.items() if k in TAKES.get(technique, facts.keys())}
    choices = {k: v for k, v in facts.items() if k in CHOICES}
    filling = {k: v for k, v in facts.items() if k not in OVERRIDING}
    tries = []
    for t in (filling, choices, facts):  # the same set twice is read once
        if t not in tries:
            tries.append(t)
    out = []
    for path in files_in(paths):
        found = _inspect(path, technique, tries)
        if (technique is None and isinstance(found.error, AmbiguousFileError)
                and found.error.techniques == BOTH_IN_ONE):  # one file, two measurements: each
            out += [_inspect(path, t, [{k: v for k, v in given.items() if k in TAKES[t]} for given in tries])
                    for t in BOTH_IN_ONE]
        else:
            out.append(found)
    return out


def _inspect(path: str, technique: str | None, tries: list[dict[str, Any]]) -> Inspection:
    """The first reading of ``path`` that succeeds with one of the fact sets ``tries``, else the last error."""
    for given in tries:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                ds = read(path, technique, **given)
            except NakitError as exc:
                found = Inspection(path, error=exc, facts=given)
                continue
        said = tuple(dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, UserWarning)))
        return Inspection(path, ds, {k: v for k, v in given.items() if k in TAKES[technique_of(ds)]}, said)
    return found
