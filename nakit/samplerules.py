"""What makes a notebook's sample entries complete, beyond each key's own range.

A key's type and range are declared in the notebook's parameters cell and checked by
:mod:`nakit.params`; these are the rules that involve several keys or the form of a nested
value: a pellet needs its temperatures, a mass is not given twice over, a band is a name or a
dict with a centre. ``nakit run``, ``batch`` and ``study`` apply them before any kernel starts
(:func:`problems`), so a study lists a wrongly described sample with every other problem rather
than failing a notebook after the others ran; the notebooks apply the same functions to entries
edited by hand. Light on purpose (no numpy, pandas or xarray): the command's own process imports
it for every run.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence


def eis_files(sample: Mapping[str, Any]) -> list:
    """A notebook-05 sample's spectrum files: its ``file``, or its ``files`` in order."""
    return [sample["file"]] if "file" in sample else list(sample.get("files", []))


def eis_problems(samples: Sequence[Mapping[str, Any]]) -> list[str]:
    """Notebook 05: a file or files; a kind of ``cell`` or ``pellet``; a pellet's temperatures (one
    per file), diameter and thickness (measured, or from mass and density); as many cycles or
    temperatures as files."""
    problems = []
    for s in _entries(samples):
        label, files, kind = s.get("label"), eis_files(s), s.get("kind", "cell")
        if not files:
            problems.append(f"sample {label!r}: give 'file' or 'files'")
        if kind not in ("cell", "pellet"):
            problems.append(f"sample {label!r}: kind must be 'cell' or 'pellet', got {kind!r}")
            continue
        axis = "temperatures_C" if kind == "pellet" else "cycles"
        if kind == "pellet":
            if axis not in s:
                problems.append(f"pellet {label!r} needs 'temperatures_C' (one per file)")
            if "diameter_mm" not in s:
                problems.append(f"pellet {label!r} needs 'diameter_mm'")
            if s.get("thickness_mm") is None and not ("mass_mg" in s and "density_g_cm3" in s):
                problems.append(f"pellet {label!r} needs 'thickness_mm', or 'mass_mg' and 'density_g_cm3'")
        if s.get(axis) is not None and not isinstance(s[axis], (list, tuple)):
            problems.append(f"sample {label!r}: {axis} must be a list, one per file (e.g. [{s[axis]!r}]), "
                            f"got {s[axis]!r}")
        elif s.get(axis) is not None and files and len(s[axis]) != len(files):
            problems.append(f"sample {label!r}: {len(files)} file(s) but {len(s[axis])} {axis}")
    return problems


#: Notebook 03's analyses of a spectrum
RAMAN_ANALYSES = ("auto", "bands", "carbon")
#: the keys of a band given as a dict (:class:`nakit.raman.fitting.Band`'s fields; a test keeps them equal)
BAND_KEYS = ("name", "center", "shape", "tolerance", "fwhm", "fwhm_bounds", "bounds", "reference")


def band_problem(label: Any, band: Any) -> str | None:
    """Why ``band`` is no band entry (a library species name, or a dict with ``name``, ``center``
    and only :data:`BAND_KEYS`); None when it is one."""
    if isinstance(band, str) or (isinstance(band, Mapping) and {"name", "center"} <= set(band) <= set(BAND_KEYS)):
        return None
    return (f"sample {label!r}: a band is a library species name or a dict with 'name' and 'center' (optional "
            f"{', '.join(repr(k) for k in BAND_KEYS[2:])}); got {band!r}")


def raman_problems(samples: Sequence[Mapping[str, Any]]) -> list[str]:
    """Notebook 03: the analysis asked for, and the form of each band."""
    problems = []
    for s in _entries(samples):
        label = s.get("label")
        if s.get("analysis", "auto") not in RAMAN_ANALYSES:
            problems.append(f"sample {label!r}: analysis must be one of {', '.join(map(repr, RAMAN_ANALYSES))}, "
                            f"got {s['analysis']!r}")
        bands = s.get("bands", [])
        if not isinstance(bands, (list, tuple)):
            problems.append(f"sample {label!r}: bands must be a list of bands, got {bands!r}")
            continue
        problems += [p for b in bands if (p := band_problem(label, b))]
    return problems


def band_library_species(path: Any = None) -> list[str] | None:
    """The species of a Raman band library (``path``, None: nakit's own), read with the csv module
    as :func:`nakit.raman.bands.load_band_library` reads it; None when it cannot be read here (the
    notebook's loader then says why)."""
    import csv
    from pathlib import Path

    from .paths import references_dir

    try:
        with open(Path(path) if path else references_dir() / "raman_bands.csv", newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh, skipinitialspace=True)
            header = [c.strip() for c in next(rows)]
            column = header.index("species")
            return sorted({row[column] for row in rows if len(row) > column})
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration, ValueError):
        return None


def raman_library_problems(parameters: Mapping[str, Any]) -> list[str]:
    """Notebook 03: every band named by species is a species of the band library
    (``band_library_file``, else nakit's). Unknown, it failed the notebook for every sample
    once the kernel had started."""
    named = [(s.get("label"), b) for s in _entries(parameters.get("samples", []))
             for b in (s.get("bands") if isinstance(s.get("bands"), (list, tuple)) else []) if isinstance(b, str)]
    species = band_library_species(parameters.get("band_library_file")) if named else None
    if species is None:
        return []
    where = f"band_library_file {parameters['band_library_file']}" if parameters.get("band_library_file") else \
        "nakit's band library (give your own as band_library_file)"
    have = ", ".join(species[:12]) + (f", ... ({len(species)} in all)" if len(species) > 12 else "")
    from .params import closest

    return [f"parameter 'samples': sample {label!r}: band {band!r}{closest(band, species)} is no species of {where}; "
            f"it has {have}" for label, band in named if band not in species]


def eis_circuit_problems(parameters: Mapping[str, Any]) -> list[str]:
    """Notebook 05: each cell's circuit (its own ``circuit``, else ``cell_circuit``) parses, and
    its interfacial resistance (its own ``interface_parameter``, else the notebook's) is a
    parameter of it. A circuit with a parenthesis missing failed every fit once the kernel had
    started; a parameter no circuit has (``Rct`` for ``R0-p(R1,CPE1)``) left every interfacial
    resistance out. The notebook-wide ``interface_parameter`` need only be a parameter of one
    cell's circuit: a cell whose circuit lacks it reports no interfacial resistance and says so."""
    from .circuitgrammar import circuit_parameters
    from .errors import ParameterError
    from .params import closest

    default, default_name = parameters.get("cell_circuit"), parameters.get("interface_parameter")
    names: dict[str, list[str]] = {}
    problems = []
    cells = [s for s in _entries(parameters.get("samples", [])) if s.get("kind", "cell") == "cell"]
    for s in cells:
        text = s.get("circuit", default)
        if not isinstance(text, str) or text in names:
            continue
        try:
            names[text] = circuit_parameters(text)
        except ParameterError as exc:
            names[text] = []
            where = f"parameter 'samples': sample {s.get('label')!r}" if "circuit" in s else "parameter 'cell_circuit'"
            problems.append(f"{where}: {exc}")
    if problems:
        return problems
    for s in cells:  # a cell's own name must be one of its own circuit's parameters
        wanted, found = s.get("interface_parameter"), names.get(s.get("circuit", default), [])
        if isinstance(wanted, str) and found and wanted not in found:
            problems.append(f"parameter 'samples': sample {s.get('label')!r}: interface_parameter {wanted!r}"
                            f"{closest(wanted, found)} is no parameter of its circuit {s.get('circuit', default)!r}; "
                            f"its parameters: {', '.join(found)}")
    # the notebook-wide name matters only for the cells that do not name their own
    users = list(dict.fromkeys(s.get("circuit", default) for s in cells if "interface_parameter" not in s))
    known = list(dict.fromkeys(n for text in users for n in names.get(text, [])))
    if known and isinstance(default_name, str) and default_name not in known:
        problems.append(f"parameter 'interface_parameter': {default_name!r}{closest(default_name, known)} is no "
                        f"parameter of the cells' circuit{'s' if len(users) > 1 else ''} {', '.join(map(repr, users))}; "
                        f"their parameters: {', '.join(known)}")
    return problems


def cycling_problems(samples: Sequence[Mapping[str, Any]]) -> list[str]:
    """Notebook 04: a mass given twice over (``active_mass_mg`` and ``composite_mass_mg``), an
    ``active_fraction`` without the composite mass it is a fraction of, or an ``active_material``
    that is no chemical formula (a name such as ``graphite``: its theoretical capacity needs the
    formula)."""
    problems = []
    for s in _entries(samples):
        label = s.get("label", "")
        if "active_mass_mg" in s and "composite_mass_mg" in s:
            problems.append(f"sample {label!r}: give active_mass_mg or composite_mass_mg (+ active_fraction), not both")
        if "active_fraction" in s and "composite_mass_mg" not in s:
            problems.append(f"sample {label!r}: active_fraction needs composite_mass_mg")
        if s.get("active_material") is not None:
            problem = formula_problem(s["active_material"])
            if problem:
                problems.append(f"sample {label!r}: active_material {problem}")
    return problems


def formula_problem(formula: Any) -> str | None:
    """Why ``formula`` is no chemical formula nakit can weigh (None when it is one), in words that
    say what is wanted: the formula unit the theoretical capacity is per (``C6`` for graphite)."""
    from .chemistry import parse_formula  # (numpy: only for a study that names a material)
    from .errors import ParameterError

    wanted = ("give the formula unit the theoretical capacity is per, e.g. 'S', 'Na2S', or 'C6' for "
              "graphite (with electrons: 1), or leave it out")
    if not isinstance(formula, str):
        return f"{formula!r} is no formula: {wanted}"
    try:
        parse_formula(formula)
    except ParameterError as exc:
        return f"{formula!r} is no chemical formula ({str(exc).removeprefix(f'formula {formula!r}: ')}): {wanted}"
    return None


def xrd_problems(samples: Sequence[Mapping[str, Any]]) -> list[str]:
    """Notebook 01: a wavelength written as a number of angstrom in the range scans are taken at,
    an anode (``"Cu"``, ``"CuKa1"``), or ``(ka1, ka2, ratio)``."""
    from .anodes import WAVELENGTH_RANGE, anode_problem, wavelength_unit_hint

    lo, hi = WAVELENGTH_RANGE
    problems = []
    for s in _entries(samples):
        label, value = s.get("label"), s.get("wavelength")
        if value is None:  # the file's own
            continue
        if isinstance(value, bool):  # YAML's yes: True, which Python would take for 1 angstrom
            problem = f"wavelength {value!r}: expected a number in angstrom or an anode ('Cu'), got a yes/no value"
        elif isinstance(value, str):
            problem = anode_problem(value)
        elif isinstance(value, (int, float)):
            problem = None if lo < value < hi else (f"wavelength {value!r} angstrom is outside {lo:g}-{hi:g} angstrom"
                                                    + wavelength_unit_hint(value))
        elif isinstance(value, (list, tuple)):
            problem = None if len(value) == 3 else f"wavelength {value!r}: expected (ka1, ka2, ratio)"
        else:
            problem = f"wavelength {value!r}: expected a number in angstrom or an anode"
        if problem:
            problems.append(f"sample {label!r}: {problem}")
    return problems


def reference_names() -> list[str]:
    """The names :func:`nakit.xrd.library` gives (the stems of the CIFs in ``data/references``),
    read here without importing :mod:`nakit.xrd`, which takes seconds (pandas, scipy): the
    command checks a run with it before any kernel starts. A test keeps the two equal."""
    from .paths import references_dir

    return sorted(p.stem for p in references_dir().glob("*.cif"))


def xrd_phase_problems(parameters: Mapping[str, Any]) -> list[str]:
    """Notebook 01: every name in ``candidate_phases`` is one reference of nakit's library, by
    name or unique prefix as :func:`nakit.xrd.reference` takes it (``"LaB6"`` for
    ``LaB6_Pm-3m``). Unknown, it failed the notebook in its kernel, naming the first only."""
    from .params import closest

    phases = parameters.get("candidate_phases")
    if not isinstance(phases, (list, tuple)) or not phases:
        return []
    names = reference_names()
    unknown, ambiguous = [], []
    for phase in phases:
        if not isinstance(phase, str):
            unknown.append(f"{phase!r} (a name is text)")
        elif phase not in names:
            hits = [n for n in names if n.lower().startswith(phase.lower())]
            if len(hits) > 1:
                ambiguous.append(f"{phase!r} names {len(hits)} ({', '.join(hits)}): give the whole name")
            elif not hits:
                unknown.append(repr(phase) + closest(phase, names))
    problems = [f"parameter 'candidate_phases': {a}" for a in ambiguous]
    if unknown:
        problems.append(f"parameter 'candidate_phases': {len(unknown)} name(s) not in nakit's reference library: "
                        f"{', '.join(unknown)}; it has {', '.join(names)} (nakit.xrd.library(): the CIFs in "
                        "data/references); give a phase of your own as a CIF in reference_files")
    return problems


def _entries(samples) -> list[Mapping[str, Any]]:
    """The entries that are mappings (another kind of entry is said by the entry checks)."""
    return [s for s in samples if isinstance(s, Mapping)] if isinstance(samples, (list, tuple)) else []


#: notebook stem -> the rules of its ``samples`` entries
RULES: dict[str, Callable[[Sequence[Mapping[str, Any]]], list[str]]] = {
    "01_xrd_indexing": xrd_problems, "03_raman_assignment": raman_problems, "04_cycling": cycling_problems,
    "05_eis_fitting": eis_problems}


#: notebook stem -> the rules that read other parameters too (their problems name the parameter)
PARAMETER_RULES: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "01_xrd_indexing": xrd_phase_problems, "03_raman_assignment": raman_library_problems,
    "05_eis_fitting": eis_circuit_problems}


def problems(notebook: str, parameters: Mapping[str, Any]) -> list[str]:
    """The problems of ``parameters`` by the rules of ``notebook`` (a stem), each naming its
    parameter (``parameter 'samples': ...``); none for a notebook without rules."""
    found = [f"parameter 'samples': {p}" for p in RULES[notebook](parameters.get("samples", []))] \
        if notebook in RULES else []
    return found + (PARAMETER_RULES[notebook](parameters) if notebook in PARAMETER_RULES else [])
