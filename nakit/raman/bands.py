"""The Raman band library and assignment that lists every candidate.

``data/references/raman_bands.csv`` holds one row per band: species, description,
centre and the range reported in the literature (cm-1, 532 nm excitation), a typical
FWHM, the profile used to fit it, its spectral window and a citation. An observed band is
matched to every library band whose range, widened by ``tolerance``, contains it; a band
fitted by name is bounded to that same widened range (:func:`library_band`). When
more than one species matches, the assignment says so instead of picking one: the
380 cm-1 shoulder of the annealed composite is such a case (Na2S as the paper assigns it,
or P2S6^4- from the same melt).

The carbon bands of the library (species ``carbon ...``: G, D1 and the defect bands D2, D3, D4,
2D) are physically conditional: they exist only in a spectrum that shows carbon's D and G
bands. :func:`assign` takes that evidence (:func:`nakit.raman.carbon.carbon_evidence`) and
offers carbon candidates only where it is present; otherwise the band is assigned from the
other species or left ``unassigned``, and its ``note`` says which carbon band was set aside and
why (polystyrene's 1192 cm-1 band lies in the D4 range and its 1602 cm-1 band in the G range).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import FileFormatError, NakitWarning, ParameterError, existing_file
from ..paths import references_dir
from .fitting import Band

#: Library species that are bands of carbon: candidates only where the spectrum shows carbon's D and G.
CARBON_PREFIX = "carbon "
UNCHECKED_CARBON = "carbon band assumed: the spectrum was not checked for carbon D and G bands"

COLUMNS = ("species", "band", "center", "min", "max", "typical_fwhm", "shape", "window", "citation", "note")
#: what a library must give for every band; the other columns may be left out (:data:`DEFAULTS`)
REQUIRED = ("species", "band", "center", "min", "max", "citation")
#: a left-out column's value: the start width and profile of a band fitted by name (:func:`library_band`),
#: the spectral window it is listed under, a note
DEFAULTS = {"typical_fwhm": "10", "shape": "lorentzian", "window": "", "note": ""}
SHAPES = ("lorentzian", "gaussian", "pvoigt", "bwf")
#: cm-1 beyond a library band's literature range within which it is a candidate (:func:`candidates`)
#: and within which a band fitted by name may move (:func:`library_band`): one range for both
TOLERANCE = 5.0


def load_band_library(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read and check the band library (default ``data/references/raman_bands.csv``).

    A library of one's own needs the columns :data:`REQUIRED`, in any order; ``typical_fwhm``,
    ``shape``, ``window`` and ``note`` may be left out (:data:`DEFAULTS`) or left empty in a row,
    and further columns are kept as they are. Returned with the columns of :data:`COLUMNS` first.
    """
    path = existing_file(path if path else references_dir() / "raman_bands.csv")
    lib = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    lib.columns = [str(c).strip() for c in lib.columns]
    missing = [c for c in REQUIRED if c not in lib.columns]
    if missing:
        raise FileFormatError(path, f"no column {', '.join(map(repr, missing))}: a band library needs the columns "
                              f"{', '.join(REQUIRED)} (and may have {', '.join(DEFAULTS)}); got "
                              f"{', '.join(lib.columns)}", line=1)
    for col, default in DEFAULTS.items():
        lib[col] = lib[col].where(lib[col].str.strip() != "", default) if col in lib.columns else default
    lib = lib[list(COLUMNS) + [c for c in lib.columns if c not in COLUMNS]]
    for col in ("center", "min", "max", "typical_fwhm"):
        values = pd.to_numeric(lib[col], errors="coerce")
        if values.isna().any():
            bad = int(np.flatnonzero(values.isna())[0])
            raise FileFormatError(path, f"{lib[col].iloc[bad]!r} is not a number", line=bad + 2, field=col)
        lib[col] = values.astype(float)
    bad = lib[(lib["min"] > lib["center"]) | (lib["center"] > lib["max"])]
    if not bad.empty:
        raise FileFormatError(path, "centre outside [min, max]", line=int(bad.index[0]) + 2, field="center")
    shape = ~lib["shape"].isin(SHAPES)
    if shape.any():
        bad = int(np.flatnonzero(shape)[0])
        raise FileFormatError(path, f"shape {lib['shape'].iloc[bad]!r}: expected one of {', '.join(SHAPES)}",
                              line=bad + 2, field="shape")
    if (lib["citation"].str.strip() == "").any():
        raise FileFormatError(path, "every band needs a citation", line=int(np.flatnonzero(lib["citation"] == "")[0]) + 2,
                              field="citation")
    return lib


def candidates(position: float, *, tolerance: float = TOLERANCE, library: pd.DataFrame | None = None) -> pd.DataFrame:
    """Library bands whose range widened by ``tolerance`` contains ``position`` (closest first)."""
    lib = load_band_library() if library is None else library
    if not np.isfinite(position):
        raise ParameterError(f"position must be finite, got {position}")
    hit = lib[(lib["min"] - tolerance <= position) & (position <= lib["max"] + tolerance)].copy()
    hit["distance"] = position - hit["center"]
    return hit.reindex(hit["distance"].abs().sort_values(kind="stable").index)


def assign(positions, *, tolerance: float = TOLERANCE, library: pd.DataFrame | None = None,
           carbon=None, withheld: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Assign observed bands: every candidate species, and whether the assignment is unique.

    Parameters
    ----------
    positions
        Mapping of label to position (cm-1), e.g. ``{"main": 420.1, "shoulder": 380.4}``; or a list
        of positions, or one, each labelled by its value (``[1340, 1590]``: ``"1340"``, ``"1590"``).
    tolerance
        cm-1 beyond a library band's literature range within which it is a candidate.
    library
        The band library (default :func:`load_band_library`).
    carbon
        Whether the spectrum the bands come from shows carbon's D and G bands: a
        :class:`~nakit.raman.carbon.CarbonEvidence` (from
        :func:`~nakit.raman.carbon.carbon_evidence`) or a bool, for every band, or a mapping
        of label to one of these. Carbon species are candidates only where it is true; where
        it is false they are set aside and the note says why. ``None`` (not checked) keeps
        them, notes ``"carbon band assumed ..."`` and warns (:class:`~nakit.errors.NakitWarning`).
    withheld
        Labels not to be matched, each with the reason (:func:`library_scope`): the band is
        ``"unassigned"`` with no candidate, and the reason is its note.

    Returns
    -------
    DataFrame
        One row per observed band: ``position``, ``candidates`` (species; closest first),
        ``n_candidates``, ``assignment`` (the species when unique, ``"ambiguous: A | B"``
        when several species match, ``"unassigned"`` when none), the citations and a
        ``note`` (carbon candidates set aside or assumed, with the reason; else "").
    """
    lib = load_band_library() if library is None else library
    rows, unchecked = [], []
    withheld = dict(withheld or {})
    for label, pos in _positions(positions):
        if withheld.get(label):
            rows.append({"label": label, "position": float(pos), "candidates": "", "n_candidates": 0,
                         "assignment": "unassigned", "citations": "", "note": withheld[label]})
            continue
        hit = candidates(float(pos), tolerance=tolerance, library=lib)
        evidence = carbon.get(label) if isinstance(carbon, Mapping) else carbon
        is_carbon = hit["species"].str.startswith(CARBON_PREFIX)
        note = ""
        if is_carbon.any():
            names = ", ".join(dict.fromkeys(hit.loc[is_carbon, "species"]))
            if evidence is None:
                note = f"{UNCHECKED_CARBON} ({names})"
                unchecked.append(f"{label} ({names})")
            elif not bool(evidence):
                reason = getattr(evidence, "reason", "") or "no carbon D and G bands in the spectrum"
                note = f"not {names}: {reason}"
                hit = hit[~is_carbon]
        species = list(dict.fromkeys(hit["species"]))
        if not species:
            assignment = "unassigned"
        elif len(species) == 1:
            assignment = species[0]
        else:
            assignment = "ambiguous: " + " | ".join(species)
        rows.append({"label": label, "position": float(pos), "candidates": "; ".join(species),
                     "n_candidates": len(species), "assignment": assignment,
                     "citations": " || ".join(dict.fromkeys(hit["citation"])), "note": note})
    if unchecked:
        warnings.warn(f"{UNCHECKED_CARBON}: {'; '.join(unchecked)}; pass carbon=carbon_evidence(spectrum) "
                      "(a polymer or a mineral has bands in the carbon ranges too)", NakitWarning, stacklevel=2)
    return pd.DataFrame(rows, columns=["label", "position", "candidates", "n_candidates", "assignment",
                                       "citations", "note"])


#: what a band list may hold (:func:`as_bands`)
BANDS_EXPECTED = "a sequence of nakit.raman.Band or band-library species names"


def as_bands(bands, *, window: tuple[float, float] | None = None, tolerance: float = TOLERANCE,
             library: pd.DataFrame | None = None) -> tuple[Band, ...]:
    """The :class:`~nakit.raman.fitting.Band` list a fit takes, from :class:`Band` objects and band-library
    species names (each name gives every band of that species inside ``window``, :func:`library_bands`).

    A user of notebook 03, whose ``bands`` take library names, writes the same in Python; a lone
    Band or name is a list of one.

    Raises
    ------
    ParameterError
        An item that is neither (a position, a dict), or a name of no library species, naming the
        item, its type and the closest species name (``'G'``: ``'carbon G'``).
    """
    if isinstance(bands, (Band, str)):
        bands = [bands]
    try:
        items = list(bands)
    except TypeError:
        raise ParameterError(f"bands: {BANDS_EXPECTED}, got {type(bands).__name__} {bands!r}"
                             f"{_band_hint(bands, None)}") from None
    if all(isinstance(b, Band) for b in items):  # (the common case: no library read)
        return tuple(items)
    lib = load_band_library() if library is None else library
    out: list[Band] = []
    for b in items:
        if isinstance(b, Band):
            out.append(b)
        elif isinstance(b, str) and b in set(lib["species"]):
            out.extend(library_bands(b, window=window, tolerance=tolerance, library=lib))
        else:
            raise ParameterError(f"bands: {BANDS_EXPECTED}, got {type(b).__name__} {b!r}{_band_hint(b, lib)}")
    return tuple(out)


def _band_hint(item, lib: pd.DataFrame | None) -> str:
    """What an item of a band list that is no Band nor species name may have meant."""
    from ..params import closest

    if isinstance(item, str) and lib is not None:
        species = list(dict.fromkeys(lib["species"]))
        # the carbon bands by their own names ("G", "D1"; "D" is D1, the carbon analysis's D band)
        short = {sp[len(CARBON_PREFIX):].lower(): sp for sp in species if sp.startswith(CARBON_PREFIX)}
        if f"{CARBON_PREFIX}D1" in species:
            short["d"] = f"{CARBON_PREFIX}D1"
        return (f": no such species in the band library{closest(item, species, short)}; it has "
                f"{', '.join(species)}")
    if isinstance(item, (int, float, np.number)) and not isinstance(item, bool):
        return (f" (a band of your own at {float(item):g} cm-1: Band('b{float(item):g}', {float(item):g}), with its "
                "shape, tolerance and fwhm; or nakit.raman.propose_bands(spectrum) to find the bands)")
    return ""


def _positions(positions) -> list[tuple[str, float]]:
    """(label, cm-1) pairs of :func:`assign`'s ``positions``: a mapping, a sequence of positions (each
    labelled by itself, ``"1340"``) or one position."""
    expected = "positions: a mapping label -> position (cm-1), a list of positions or one position"
    if isinstance(positions, Mapping):
        pairs = [(label, pos) for label, pos in positions.items()]
    elif isinstance(positions, (str, bytes)):
        raise ParameterError(f"{expected}; got the string {positions!r}")
    elif np.ndim(positions) == 0:
        pairs = [(None, positions)]
    else:
        pairs = [(None, pos) for pos in np.asarray(positions, dtype=object).ravel()]
    out = []
    for label, pos in pairs:
        try:
            value = float(pos)
        except (TypeError, ValueError):
            where = f"positions[{label!r}]" if label is not None else "positions"
            raise ParameterError(f"{where}: expected a position in cm-1, got {type(pos).__name__} {pos!r} "
                                 f"({expected})") from None
        out.append((label if label is not None else f"{value:g}", value))
    return out


def species_elements(species: str) -> frozenset[str]:
    """The elements of a library species' name: ``"PS4^3-"`` -> P, S; ``"Na2Sx"`` -> Na, S; a
    ``"carbon ..."`` band -> C; a name that is no formula (``"polystyrene"``) -> none."""
    from ..chemistry import atomic_mass

    if species.startswith(CARBON_PREFIX):
        return frozenset({"C"})

    def element(symbol: str) -> str | None:
        for candidate in (symbol, symbol[0]):  # "Sx" of Na2Sx is S with an unknown count
            try:
                atomic_mass(candidate)
                return candidate
            except ParameterError:
                continue
        return None

    return frozenset(filter(None, (element(t) for t in re.findall(r"[A-Z][a-z]?", species.split("^")[0]))))


def chemistry_elements(chemistry, where: str = "chemistry") -> frozenset[str]:
    """The elements of a sample's stated chemistry: a formula or a list of formulas
    (``"Na3PS4"``, ``["Na2S", "Na3PS4", "C"]``).

    Raises
    ------
    ParameterError
        Not a formula nor a list of them, naming ``where`` (the sample and key).
    """
    from ..chemistry import parse_formula

    formulas = [chemistry] if isinstance(chemistry, str) else chemistry
    if not isinstance(formulas, (list, tuple)) or not formulas:
        raise ParameterError(f"{where}: expected a chemical formula or a list of formulas (e.g. 'TiO2' or "
                             f"['Na2S', 'Na3PS4', 'C']), got {chemistry!r}")
    elements: set[str] = set()
    for formula in formulas:
        try:
            elements |= set(parse_formula(formula))
        except ParameterError as exc:
            raise ParameterError(f"{where}: {formula!r} is no chemical formula ({exc}); give one, e.g. 'C8H8' for "
                                 "polystyrene") from None
    return frozenset(elements)


def stated_chemistry(spectrum) -> str:
    """The chemistry a spectrum's file states, as a formula: an RRUFF file's ``IDEAL CHEMISTRY``
    (``Ti^4+^O_2_`` -> ``TiO2``); ``""`` where the file states none."""
    attrs = getattr(spectrum, "attrs", spectrum) or {}
    ideal = str(attrs.get("instrument_ideal_chemistry", "") or "")
    return re.sub(r"\^[^^]*\^|_|\s", "", ideal)  # RRUFF: ^charge^ superscripts, _count_ subscripts


#: what a sample's band list, stated chemistry or analysis must tell before nakit's own library assigns its bands
SCOPE_ADVICE = ("give the sample's 'chemistry' (a formula), list library species in its 'bands', or give your own "
                "band_library_file")


def library_scope(*, chemistry=None, named_species: bool = False, carbon: bool = False, own_library: bool = False,
                  library: pd.DataFrame | None = None, where: str = "chemistry") -> str:
    """Why the band library must not assign a sample's bands, or ``""`` where it may.

    nakit's library holds the species of one chemistry (a Na-S cathode). Matched by position alone,
    a band of any other material finds a candidate by coincidence: anatase's 394 cm-1 band came out
    "ambiguous: P2S5 | P2S6^4- | Na2S", polystyrene's 1001 cm-1 ring band "S2O3^2- | SO4^2-". So a
    sample's bands are assigned from it only on some word that the sample is of its chemistry.

    Parameters
    ----------
    chemistry
        The sample's stated chemistry (a formula or a list of them; a file's, :func:`stated_chemistry`,
        or the user's): it decides, by whether its elements all lie among the library's.
    named_species
        The sample lists library species among its bands: the user's word that they are there.
    carbon
        The sample had the carbon D/G analysis (its D and G bands are the library's carbon bands).
    own_library
        The library is the user's own: it is meant for their samples, and assigns them all.
    library
        The library (default :func:`load_band_library`).
    where
        Names the stated chemistry in an error (the sample and its key).

    Returns
    -------
    str
        ``""``, or the note its bands carry ("not assigned: ...").
    """
    elements = chemistry_elements(chemistry, where) if chemistry else None  # (checked whatever the library)
    if own_library:  # a library of the user's own is meant for their samples; its species need be no formulas
        return ""
    lib = load_band_library() if library is None else library
    have = frozenset().union(*(species_elements(sp) for sp in set(lib["species"])))
    if elements is not None:
        outside = sorted(elements - have)
        if not outside:
            return ""
        return (f"not assigned: its chemistry ({', '.join([chemistry] if isinstance(chemistry, str) else chemistry)}) "
                f"has {', '.join(outside)}, which no species of the band library holds ({', '.join(sorted(have))})")
    if named_species or carbon:
        return ""
    return (f"not assigned: the band library holds the species of one chemistry ({', '.join(sorted(have))}), and "
            f"nothing says the sample is of it: a match by position alone would be a coincidence; {SCOPE_ADVICE}")


#: a spectrum of this many bands or more, most of them matching no species of the library, is
#: judged to lie outside the library's chemistry (:func:`outside_library`)
OUTSIDE_LIBRARY_MIN_BANDS = 3


def outside_library(assignment: pd.DataFrame, sample_of: Mapping[str, str]) -> dict[str, str]:
    """Per sample, why its few matches may be coincidence: most of its bands match no species
    of the library, so the sample is likely of another chemistry than the library's.

    A position match is the only evidence for a species of one band, and the default library is
    the Na-S-P chemistry's: polystyrene's ring band at 1001 cm-1 came out "ambiguous: S2O3^2- |
    SO4^2-", anatase's 394 cm-1 "P2S5 | P2S6^4-", while their other bands matched nothing.

    Parameters
    ----------
    assignment
        :func:`assign`'s table.
    sample_of
        Each label of the table's to its sample (labels of no sample are left out).

    Returns
    -------
    dict
        ``{sample: words}`` for each sample of at least :data:`OUTSIDE_LIBRARY_MIN_BANDS` bands
        of which at least one matched and more than half matched nothing.
    """
    out = {}
    table = assignment.assign(sample=[sample_of.get(label) for label in assignment["label"]]).dropna(subset="sample")
    for sample, rows in table.groupby("sample", sort=False):
        n, unmatched = len(rows), int((rows["n_candidates"] == 0).sum())
        if n >= OUTSIDE_LIBRARY_MIN_BANDS and 0 < n - unmatched < unmatched:
            out[sample] = (f"{unmatched} of its {n} bands match no species of the library: the sample is likely of "
                           "another chemistry, and a band matched by position alone may be a coincidence")
    return out


def library_bands(species: str, *, window: tuple[float, float] | None = None, tolerance: float = TOLERANCE,
                  library: pd.DataFrame | None = None) -> list[Band]:
    """Every band of ``species`` in the library (inside ``window``, cm-1, when given), for fitting.

    A species of one band gives one :class:`~nakit.raman.fitting.Band` named after it (as
    :func:`library_band`); several (S8's 153, 219 and 473 cm-1) are named ``"<species> <centre>"``
    (``"S8 219"``), lowest first. A sample that lists a species means its bands: asking which
    one (``near=``) is for code, not for a study file. Each centre is bounded to its library
    range widened by ``tolerance`` (cm-1), the assignment's range (:func:`library_band`).

    Raises
    ------
    ParameterError
        No such species, or none of its bands inside ``window``.
    """
    lib = load_band_library() if library is None else library
    rows = lib[lib["species"] == species].sort_values("center")
    if rows.empty:
        raise ParameterError(f"no species {species!r} in the band library; have {sorted(set(lib['species']))}")
    if window is not None:
        lo, hi = sorted(float(w) for w in window)
        inside = rows[(rows["center"] >= lo) & (rows["center"] <= hi)]
        if inside.empty:
            raise ParameterError(f"{species!r}: none of its bands ({', '.join(f'{c:g}' for c in rows['center'])} "
                                 f"cm-1) lies in the window {lo:g}-{hi:g} cm-1")
        rows = inside
    if len(rows) == 1:
        return [library_band(species, near=float(rows["center"].iloc[0]), tolerance=tolerance, library=lib)]
    return [library_band(species, near=float(c), tolerance=tolerance, library=lib, name=f"{species} {c:g}")
            for c in rows["center"]]


def library_band(species: str, *, near: float | None = None, tolerance: float = TOLERANCE,
                 library: pd.DataFrame | None = None, name: str | None = None) -> Band:
    """A :class:`~nakit.raman.fitting.Band` for fitting, from the library row of ``species``.

    ``near`` picks among several bands of one species. The centre starts at the library's
    centre and is bounded to the library's range widened by ``tolerance`` (cm-1) on each side:
    the range in which :func:`candidates`, with the same tolerance, names the species. A band the
    fit leaves inside its bounds is therefore a candidate of its own species, and one on a bound
    is flagged as such by the fit (its position was set by the bound, not by the data). The
    library range is the band's ``reference``: a fit outside it, or much wider than the
    library's typical FWHM, is flagged on the band's row.

    Raises
    ------
    ParameterError
        No such species, several bands and no ``near``, or a negative ``tolerance``.
    """
    lib = load_band_library() if library is None else library
    if not tolerance >= 0:
        raise ParameterError(f"tolerance must be >= 0 cm-1, got {tolerance!r}")
    rows = lib[lib["species"] == species]
    if rows.empty:
        raise ParameterError(f"no species {species!r} in the band library; have {sorted(set(lib['species']))}")
    if near is not None:
        rows = rows.iloc[[int(np.argmin(np.abs(rows["center"].to_numpy() - near)))]]
    elif len(rows) > 1:
        raise ParameterError(f"{species!r} has {len(rows)} bands; pass near= to choose one")
    r = rows.iloc[0]
    return Band(name or species, float(r["center"]), r["shape"], fwhm=float(r["typical_fwhm"]),
                bounds=(float(r["min"]) - tolerance, float(r["max"]) + tolerance),
                reference=(float(r["min"]), float(r["max"])))
