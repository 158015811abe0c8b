"""Studies: a set of samples measured by several techniques, run into one report.

``nakit study STUDY.yaml [-o OUT] [-j N] [--force]`` runs each technique notebook once with
the list of every sample that has a file for it, then writes one study report: ``index.html``
(title, samples, a link to every per-technique report and its run status), a cross-sample
comparison of the headline results (figures under ``comparison/``), the results gathered as
one Dataset along ``sample`` (``comparison.nc``, and ``comparison.csv`` with each column's unit in
its header, ``bet_area (m2/g)``: :func:`read_comparison` reads it by name), one CSV per sample
under ``samples/``, and, when the study names a claims list, the claims ledger
``claims.csv``.

Study file format
-----------------
One YAML mapping::

    title: Carbon hosts, 2026 batch    # optional; default "Study <file stem>"
    output: reports/carbon-2026        # optional; relative to the study file, and it must stay
                                       # inside the study file's folder, or be it (.)
                                       # (default: reports/<stem>)
    claims: claims.csv                 # optional claims list (nakit.claims) to compare with
    parameters:                        # optional: parameters shared by every sample, per
      sorption: {bjh_branch: desorption}   # technique (or notebook stem)
    notebooks: [00_synthesis_stoichiometry, 10_paper_figures]   # optional extra notebooks
    samples:                           # a list; one mapping per sample
      - label: Sample A                # any text, unique (also as a file name: not cell b and Cell B)
        sorption: {file: raw/Sample_A.xls, sample_mass_g: 0.1}
        raman: raw/a.txt               # a plain string means {file: raw/a.txt}

Technique keys: ``xrd`` -> ``01_xrd_indexing``, ``sorption`` -> ``02_bet_bjh``, ``raman`` ->
``03_raman_assignment``, ``cycling`` -> ``04_cycling``, ``eis`` -> ``05_eis_fitting``; a
notebook's stem works too. A sample's entry for a technique becomes one element of that
notebook's ``samples`` parameter (with the sample's ``label``); keys named ``file``,
``files`` or ending in ``_file``/``_files`` are input paths relative to the study file's
folder (or absolute). Extra notebooks (``notebooks:``) run once with the shared parameters;
a notebook with a ``results_dir`` parameter gets the study's output folder, one with
``claims_file`` gets the study's claims list (or None).

Every problem is reported at once, before any notebook runs: unknown top-level or sample
keys, an unknown notebook or technique, duplicate labels, labels that give one file name
(``cell b`` and ``Cell B``, ``A:B`` and ``A?B``: the notebooks name their files by them), a label
YAML did not read as text (``3.10`` read as 3.1, ``1:20`` as 80, ``yes`` as True, a date: quote
it), a missing file, a parameter a notebook does not take or a value it does not allow (its
``one of:`` list, see :mod:`nakit.params`), sample keys it does not know, every problem of the
claims list (:func:`nakit.claims.check_claims`: its columns, values, notebooks, and samples
the study does not have), and the output folder's (below).

Two notebooks speak of the paper whatever the samples: ``10_paper_figures`` (the paper's
figures and captions) runs only in a study with the paper's claims list, and
``00_synthesis_stoichiometry`` (a recipe from its parameters alone, the paper's by default)
only with the paper's claims list or a recipe of the study's own
(``parameters: {00_synthesis_stoichiometry: {precursor_masses: ...}}``).

The output folder
-----------------
A study writes ``index.html``, ``comparison.nc``, ``comparison.csv``, ``claims.csv``,
``comparison/``, ``samples/`` and a folder per notebook into its output folder, and records
them there (``.nakit-written.json``, :func:`nakit.runfolder.take_root`). Refused before
anything runs: an input file (a sample's file, the study file, its claims list) that would be
overwritten or lies inside one of those folders, and one of those names already there that
nakit did not write (a folder: unless empty or a report of nakit's). Any other file in the
folder is the user's and stays, so the output folder may be the study file's own (``.``).
A rerun removes what the last run there wrote and this one does not (a renamed sample's
table, a notebook left out, a panel not drawn). A folder holding another study's output is
refused while that study's file exists; once it is gone (renamed, deleted) the folder is
reused cleanly: nothing of the other study's output stays.

Runs go through :func:`nakit.batch.engine.run_jobs` (parallel, skipped when nothing
changed, ``--force`` reruns); notebooks whose stem starts with ``10_`` run after the others
because they read their results, on the same pool (their kernels forked from the same
zygote). The comparison panels of a technique are drawn in this process as soon as its
notebook has ended, while the others run; the files are the same as when drawn after all
notebooks. Per-technique reports land in ``<output>/<notebook stem>/``.
"""

from __future__ import annotations

import csv
import html
import json
import math
import os
import re
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batch.engine import Job, JobResult, run_jobs, summarise
from .errors import ParameterError
from .io import atomic_path
from .paths import NOTEBOOKS, safe_names

TECHNIQUES = NOTEBOOKS
TECHNIQUE_NAMES = {stem: name for name, stem in TECHNIQUES.items()}
LATE_PREFIX = "10_"
TOP_KEYS = ("title", "output", "claims", "parameters", "notebooks", "samples")
SAMPLES_PARAMETER = "samples"


@dataclass
class Study:
    """A validated study, ready to run: its jobs with their full parameter sets."""

    path: Path
    title: str
    output: Path
    claims: Path | None
    labels: list[str]
    techniques: dict[str, list[str]]  # notebook stem -> labels of the samples it runs on
    jobs: list[Job]                   # technique and extra notebooks
    late_jobs: list[Job]              # notebooks run after the others (10_*)
    inputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what loading noticed (same data under two labels)

    @property
    def synthesised(self) -> bool:
        """True when an input is one of the synthesised stand-ins in the project's ``data/``."""
        from .paths import is_stand_in

        return any(is_stand_in(p) for p in self.inputs)

    @property
    def stand_ins(self) -> list[str]:
        """The labels of the samples with a file under the project's ``data/`` (synthesised stand-ins)."""
        from .paths import is_stand_in
        from .report import _sample_files

        found: set[str] = set()
        for job in self.jobs:
            for label, paths in _sample_files(job.parameters.get("samples")).items():
                if any(is_stand_in(p) for p in paths):
                    found.add(label)
        return [label for label in self.labels if label in found]


@dataclass
class StudySummary:
    study: Study
    results: list[JobResult]
    index: Path
    ledger: Path | None
    comparison: Path | None
    notes: list[str]
    seconds: float

    @property
    def output(self) -> Path:
        return self.study.output

    @property
    def ok(self) -> bool:
        """Every notebook ran and analysed every sample it was given."""
        return all(r.complete for r in self.results)

    def describe(self) -> str:
        lines = [summarise(self.results)]
        lines += [f"note: {n}" for n in self.notes]
        if self.ledger:
            lines.append(f"ledger: {self.ledger}")
        lines.append(f"index:  {self.index}  ({self.seconds:.1f} s)")
        return "\n".join(lines)


# -- loading and validation -----------------------------------------------------------------

def _notebook_path(name: str, base: Path) -> Path | None:
    from .paths import notebooks_dir

    stem = TECHNIQUES.get(name, name)
    for candidate in (notebooks_dir() / f"{stem}.ipynb", base / stem, base / f"{stem}.ipynb"):
        if candidate.is_file():
            return candidate.resolve()
    return None


def _entry_keys(notebook: Path) -> dict[str, bool] | None:
    """The keys a notebook's sample entries take (its ``samples`` parameter's ``keys:``), or None
    when it says none or cannot be read (the checks below say why)."""
    from .params import notebook_parameters

    try:
        return notebook_parameters(notebook)[SAMPLES_PARAMETER].keys
    except (ParameterError, KeyError):
        return None


def load_study(path: str | os.PathLike, output: str | os.PathLike | None = None) -> Study:
    """Read and validate a study file; every problem is reported at once.

    ``output`` (an explicit ``-o``) may be anywhere; the study's own ``output:`` must stay
    inside the study file's folder.

    Raises
    ------
    ParameterError
        Listing every problem found (see the module docstring).
    FileFormatError
        The file is not YAML or not a mapping.
    """
    from .errors import FileFormatError
    from .params import absolute_inputs, absolute_paths, closest, notebook_parameters, not_text, read_yaml
    from .reading import TECHNIQUE_WORDS
    from .runfolder import confined_output

    # other words researchers use for a technique (those that name it in file names: BET, PEIS, ...),
    # suggested, not taken, when a study names one
    aliases = {word: technique for technique, words in TECHNIQUE_WORDS.items() for word in words}
    from .runner import prepare

    path = Path(path).resolve()
    base = path.parent
    data = read_yaml(path, "study file", "a mapping with 'samples' (and optionally title, output, "
                                         "claims, parameters, notebooks)")
    problems: list[str] = []
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        problems.append(f"unknown top-level key(s) {', '.join(repr(k) + closest(k, TOP_KEYS) for k in unknown)} "
                        f"(known: {', '.join(TOP_KEYS)})")
    title = data.get("title") or f"Study {path.stem}"
    if not isinstance(title, (str, int, float)) or isinstance(title, bool):
        problems.append(f"'title' must be text, got {title!r}"
                        + (": quote it in YAML (title: '2024-05-01')" if _scalar(title) else ""))
    title = str(title)
    if _control_characters(title):
        problems.append(f"title {title!r}: {_control_problem('title', title)}")

    # output: explicit -o wins; the file's own 'output' stays within its folder (it may be that
    # folder: what nakit writes there is checked against the inputs and the user's files below)
    if output is not None:
        out = Path(output).expanduser().resolve()
    else:
        out, problem = confined_output(data.get("output"), f"reports/{path.stem}", base, "study file's")
        if problem:
            problems.append(problem)

    claims = None
    if data.get("claims") not in (None, ""):
        claims = (base / str(data["claims"])).resolve()
        if not claims.is_file():
            problems.append(f"claims list {claims} does not exist")
        # (its rows are checked below, against the study's notebooks and samples)

    # shared parameters per technique / notebook
    shared: dict[str, dict[str, Any]] = {}
    raw_shared = data.get("parameters") or {}
    if not isinstance(raw_shared, dict):
        problems.append(f"'parameters' must map techniques (or notebook stems) to parameters, got {raw_shared!r}")
        raw_shared = {}
    for name, params in raw_shared.items():
        nb = _notebook_path(str(name), base)
        if nb is None:
            problems.append(f"parameters: unknown technique or notebook {name!r}"
                            f"{closest(name, TECHNIQUES, aliases)} (techniques: {', '.join(TECHNIQUES)})")
            continue
        if not isinstance(params, dict):
            problems.append(f"parameters for {name!r} must be a mapping, got {params!r}")
            continue
        if SAMPLES_PARAMETER in params:
            problems.append(f"parameters for {name!r}: give samples under 'samples:', not as a parameter")
        shared.setdefault(nb.stem, {}).update(absolute_inputs(params, base, notebook_parameters(nb)))

    # extra notebooks
    extra: list[Path] = []
    raw_nbs = data.get("notebooks") or []
    if not isinstance(raw_nbs, list):
        problems.append(f"'notebooks' must be a list of notebook names, got {raw_nbs!r}")
        raw_nbs = []
    for name in raw_nbs:
        nb = _notebook_path(str(name), base)
        if nb is None:
            problems.append(f"notebooks: unknown notebook {name!r}")
        elif nb not in extra:
            extra.append(nb)

    # samples
    raw_samples = data.get("samples")
    if not isinstance(raw_samples, list) or not raw_samples:
        problems.append("'samples' must be a non-empty list of mappings, each with a 'label'")
        raw_samples = []
    labels: list[str] = []
    number: dict[str, int] = {}  # label -> its place in the study's list, as problems name it
    entries: dict[Path, list[dict[str, Any]]] = {}
    for i, spec in enumerate(raw_samples, start=1):
        if not isinstance(spec, dict):
            problems.append(f"sample {i}: expected a mapping with 'label' and techniques, got {spec!r}")
            continue
        label = spec.get("label")
        if label is None or not str(label).strip():
            problems.append(f"sample {i}: missing 'label'" if label is None else
                            f"sample {i}: its 'label' is empty: give it the name its results should carry")
            continue
        if not isinstance(label, str):  # YAML read 3.10 as 3.1, 007 as 7, yes as True: not what was written
            problems.append(f"sample {i}: {not_text('label', label)}")  # (its entries are checked on)
        label = str(label).strip()
        where = f"sample {i} ({label!r})"
        if _control_characters(label):  # it would reach every report, file name and figure as it is
            problems.append(f"{where}: {_control_problem('label', label)}")
            continue
        if label in labels:
            problems.append(f"{where}: duplicate label {label!r}; labels name the results, so they must be unique")
            continue
        labels.append(label)
        number[label] = i
        techniques = [k for k in spec if k != "label"]
        if not techniques:
            problems.append(f"{where}: no technique entries (xrd, sorption, raman, cycling, eis)")
        given: dict[Path, str] = {}  # notebook -> the key this sample gave it under
        for key in techniques:
            nb = _notebook_path(str(key), base)
            if nb is None:
                problems.append(f"{where}: unknown technique or notebook {key!r}"
                                f"{closest(key, TECHNIQUES, aliases)} (techniques: {', '.join(TECHNIQUES)})")
                continue
            if nb in given:  # `sorption:` and `02_bet_bjh:` are one notebook's entry, given twice
                problems.append(f"{where}: gives {TECHNIQUE_NAMES.get(nb.stem, nb.stem)} twice ({given[nb]!r} and "
                                f"{key!r} name the same notebook, {nb.stem}): keep one")
                continue
            given[nb] = str(key)
            entry = spec[key]
            if isinstance(entry, str):
                entry = {"file": entry}
            elif isinstance(entry, list) and all(isinstance(v, str) for v in entry):
                if "files" not in (_entry_keys(nb) or ("files",)):  # (XRD, sorption, Raman, cycling: one file)
                    problems.append(f"{where}: {key!r} takes one file per sample, got a list of {len(entry)}: make "
                                    "each file a sample of its own (the impedance entries take a list: a series)")
                    continue
                entry = {"files": entry}
            if not isinstance(entry, dict):
                problems.append(f"{where}: {key!r} must be a file name or a mapping of keys to values, got {entry!r}")
                continue
            if "label" in entry:
                problems.append(f"{where}: {key!r} must not set its own 'label' (the sample's label is used)")
                continue
            entries.setdefault(nb, []).append({"label": label, **absolute_paths(entry, base)})

    # a notebook per technique with its sample list; then the extra notebooks
    jobs: list[Job] = []
    late: list[Job] = []
    techniques: dict[str, list[str]] = {}
    inputs: list[Path] = []
    for nb in list(entries) + [nb for nb in extra if nb not in entries]:
        try:
            declared = notebook_parameters(nb)
        except ParameterError as exc:
            problems.append(str(exc))
            continue
        overrides = dict(shared.get(nb.stem, {}))
        if "output_dir" in overrides:  # the study places every report; another place would be ignored
            problems.append(f"parameters for {nb.stem}: output_dir is the study's ({out / nb.stem}); leave it out "
                            "(the study's 'output' or -o moves the whole report)")
            overrides.pop("output_dir")
        if nb in entries:
            if SAMPLES_PARAMETER not in declared:
                problems.append(f"{nb.name}: takes no {SAMPLES_PARAMETER!r} parameter, so it cannot run "
                                f"on a study's samples (samples: {', '.join(e['label'] for e in entries[nb])})")
                continue
            overrides[SAMPLES_PARAMETER] = entries[nb]
            techniques[nb.stem] = [e["label"] for e in entries[nb]]
        if "claims_file" in declared and "claims_file" not in overrides:
            overrides["claims_file"] = str(claims) if claims else None
        if "results_dir" in declared and "results_dir" not in overrides:
            overrides["results_dir"] = str(out)
        if "sample_order" in declared and "sample_order" not in overrides:  # one colour per sample in every report
            overrides["sample_order"] = list(labels)
        try:
            params = prepare(nb, overrides)
        except ParameterError as exc:
            where = nb.stem if nb.stem not in TECHNIQUE_NAMES else f"{TECHNIQUE_NAMES[nb.stem]} ({nb.stem})"
            numbers = [number[e["label"]] for e in entries.get(nb, [])]
            problems += [f"{where}: {_by_study_number(p, numbers)}" for p in getattr(exc, "problems", [str(exc)])]
            continue
        params["output_dir"] = str(out / nb.stem)
        job = Job(nb.stem, str(nb), str(out / nb.stem), params)
        inputs += [p for paths in job.input_paths().values() for p in paths]
        (late if nb.name.startswith(LATE_PREFIX) else jobs).append(job)
    for nb in shared:
        if not any(p.stem == nb for p in list(entries) + extra):
            problems.append(f"parameters given for {nb!r}, which no sample uses and 'notebooks' does not list")
    problems += _paper_notebook_problems(extra, claims, shared)
    if claims is not None and claims.is_file():
        from .claims import check_claims

        ran = {nb.stem: techniques.get(nb.stem, []) for nb in list(entries) + extra}
        try:
            problems += [f"claims list: {p}" for p in check_claims(claims, ran)]
        except (FileFormatError, ParameterError) as exc:  # (not text, too large)
            problems.append(f"claims list: {exc}")
    inputs += [path] + ([claims] if claims is not None else [])
    problems += _output_problems(path, out, claims, jobs + late, inputs)
    if problems:
        raise ParameterError(f"study {path} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return Study(path, title, out, claims, labels, techniques, jobs, late, inputs, _same_data(entries))


#: what a backslash escape in a YAML double-quoted string makes of the letter after it
_YAML_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v",
                 "\f": "\\f", "\r": "\\r", "\x1b": "\\e"}
_CONTROL_NAMES = {"\0": "null", "\a": "bell", "\b": "backspace", "\t": "tab", "\n": "line feed",
                  "\v": "vertical tab", "\f": "form feed", "\r": "carriage return", "\x1b": "escape",
                  "\x7f": "delete"}


def _control_characters(text: str) -> list[str]:
    """The control characters (Unicode category Cc) in ``text``, each once, in order."""
    import unicodedata

    return list(dict.fromkeys(ch for ch in text if unicodedata.category(ch) == "Cc"))


def _control_problem(key: str, text: str) -> str:
    """Why ``text`` (the value of ``key``) is refused, naming each control character in it and, for one
    a YAML double-quoted escape makes, the escape and the value written so that it keeps its backslash."""
    found = _control_characters(text)
    names = ", ".join(f"U+{ord(ch):04X} ({_CONTROL_NAMES.get(ch, 'control character')})" for ch in found)
    escapes = [_YAML_ESCAPES[ch] for ch in found if ch in _YAML_ESCAPES]
    typed = "".join(_YAML_ESCAPES.get(ch, ch) for ch in text).replace("'", "''")
    hint = (f": in YAML double quotes a backslash starts an escape ({', '.join(escapes)}); single quotes keep "
            f"backslashes as typed ({key}: '{typed}')" if escapes else ": remove it")
    return (f"its {key!r} holds the control character{'s' if len(found) > 1 else ''} {names}, which would be "
            f"carried into every report, file name and figure{hint}")


_ENTRIES = re.compile(r"parameter 'samples', (entry|entries) (\d+)(?: and (\d+))?")


def _by_study_number(problem: str, numbers: list[int]) -> str:
    """A notebook's problem with its ``samples`` entries (``parameter 'samples', entry 3 ('B')``,
    counted in that notebook's list) named as the study numbers the samples (``sample 2 ('B')``)."""
    def renumber(m: re.Match) -> str:
        found = [numbers[int(n) - 1] if 0 < int(n) <= len(numbers) else int(n) for n in m.groups()[1:] if n]
        return ("sample " if m.group(1) == "entry" else "samples ") + " and ".join(map(str, found))

    return _ENTRIES.sub(renumber, problem)


def _scalar(value: Any) -> bool:
    """A value YAML read from an unquoted word as something other than text (a date, a yes/no)."""
    import datetime

    return isinstance(value, (bool, int, float, datetime.date))


#: notebooks that show the paper's own data whatever the study's samples: 10_paper_figures
#: composes the paper's figures, captions and all ("Fig. 3c | N2 isotherms of CMK-3 and the
#: composite"); 00_synthesis_stoichiometry computes a recipe from its parameters alone, whose
#: defaults are the paper's
PAPER_FIGURES = "10_paper_figures"
RECIPE = "00_synthesis_stoichiometry"
RECIPE_KEY = "precursor_masses"


def _paper_notebook_problems(extra: list[Path], claims: Path | None, shared: dict[str, dict]) -> list[str]:
    """The paper's own notebooks a study asks for where they would speak of the paper, not of it:
    10_paper_figures without the paper's claims list, 00_synthesis_stoichiometry without a recipe
    of the study's own (``precursor_masses``) unless the study is the paper's."""
    from .claims import is_paper_list

    paper = is_paper_list(claims)
    problems = []
    stems = [nb.stem for nb in extra]
    if PAPER_FIGURES in stems and not paper:
        problems.append(f"notebooks: {PAPER_FIGURES} composes the paper's figures with the paper's captions "
                        "(\"Fig. 3c | N2 isotherms of CMK-3 and the composite\"), which would name this study's "
                        "samples as the paper's; it runs only in a study with the paper's claims list "
                        "(data/paper_claims.csv). Leave it out: index.html compares this study's samples")
    if RECIPE in stems and not paper and RECIPE_KEY not in shared.get(RECIPE, {}):
        problems.append(f"notebooks: {RECIPE} without a recipe of this study's would compute the paper's (its "
                        f"defaults: Na2S, P2S5 and CMK-3 by eq. 1); give yours under parameters: {{{RECIPE}: "
                        f"{{{RECIPE_KEY}: {{...}}, reaction_equation: ...}}}} (nakit params {RECIPE}), or leave it out")
    return problems


#: a study's own files in its output folder, beside a folder per notebook (see _output_entries)
STUDY_FILES = ("index.html", "comparison.nc", "comparison.csv", ".nakit-study.json")
STUDY_FOLDERS = ("comparison/", "samples/")


def _output_entries(out: Path, claims: Path | None, jobs: list[Job]) -> list[str]:
    """What a study writes in its output folder (:func:`nakit.runfolder.take_root`'s entries)."""
    folders = [f"{Path(j.output_dir).relative_to(out).as_posix()}/" for j in jobs]
    # 10_paper_figures copies the paper's figures into <results_dir>/figures/: the study's folder
    papers = ["figures/"] if any(Path(j.notebook).stem == "10_paper_figures" for j in jobs) else []
    return [*STUDY_FILES, *(["claims.csv"] if claims is not None else []), *STUDY_FOLDERS, *folders, *papers]


def _output_problems(path: Path, out: Path, claims: Path | None, jobs: list[Job], inputs: list[Path]) -> list[str]:
    """What stands in the way of writing the study into ``out`` (an input there, a file of the
    user's, another study's output: :func:`nakit.runfolder.root_problems`)."""
    from .runfolder import root_problems

    return root_problems(out, path, _output_entries(out, claims, jobs), inputs, legacy=bool(_legacy_entries(out)))


def _legacy_entries(out: Path) -> list[str]:
    """What a nakit from before the record wrote in ``out``, when it holds a study's output of
    one (its stamp, or an index in the study style): the study's files and folders and the report
    folders of the project's notebooks. Empty for any other folder."""
    from .paths import notebooks_dir
    from .runfolder import WRITTEN, is_report_folder

    index = out / "index.html"
    try:
        legacy = not (out / WRITTEN).exists() and (
            (out / REPORT_STAMP).is_file() or (index.is_file() and CSS in index.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        legacy = False
    if not legacy:
        return []
    reports = [f"{nb.stem}/" for nb in notebooks_dir().glob("*.ipynb")
               if (out / nb.stem).is_dir() and is_report_folder(out / nb.stem)]
    return [*STUDY_FILES, *STUDY_FOLDERS, *reports]  # (a claims.csv there may be the user's list)


def _same_data(entries: dict[Path, list[dict[str, Any]]]) -> list[str]:
    """Notes on samples of one technique whose entries read the same data the same way: the same
    file or files (or copies with the same bytes) and the same other keys. Their results are
    identical, which is no finding but, almost always, a path copied from one sample to the next;
    the same file with other settings (another range of a multi-range scan, another loop) is not
    noted. Files are hashed only where their sizes already agree."""
    from .io import sha256_file

    notes = []
    for nb, rows in entries.items():
        groups: dict[tuple, list[tuple[str, list[Path]]]] = {}  # (sizes, settings) -> [(label, files)]
        for row in rows:
            paths = [Path(str(f)) for f in ([row["file"]] if "file" in row else row.get("files", []))]
            if not paths or not all(p.is_file() for p in paths):  # (a missing one: refused above)
                continue
            settings = repr(sorted((k, repr(v)) for k, v in row.items() if k not in ("label", "file", "files")))
            groups.setdefault((tuple(p.stat().st_size for p in paths), settings), []).append((row["label"], paths))
        for same_size in groups.values():
            by_content: dict[tuple, list[tuple[str, list[Path]]]] = {}
            for label, paths in same_size if len(same_size) > 1 else ():
                by_content.setdefault(tuple(sha256_file(p) for p in paths), []).append((label, paths))
            for twins in by_content.values():
                if len(twins) > 1:
                    names = sorted({p.name for _, paths in twins for p in paths})
                    notes.append(f"{TECHNIQUE_NAMES.get(nb.stem, nb.stem)}: {_join_labels(label for label, _ in twins)} "
                                 f"read the same data the same way ({' and '.join(names)}): their results will be the "
                                 "same. One file given twice, or a copy of one under another name?")
    return notes


# -- running ----------------------------------------------------------------------------

def run_study(study: Study | str | os.PathLike, output: str | os.PathLike | None = None,
              workers: int | None = None, force: bool = False) -> StudySummary:
    """Validate (if given a path), run every notebook, and write the study report."""
    start = time.perf_counter()
    _lean()
    if not isinstance(study, Study):
        study = load_study(study, output)
    from .runfolder import take_root

    # what an earlier run here wrote and this one does not (a notebook left out, another
    # study's reports) goes; what this one writes is recorded before it is written
    take_root(study.output, study.path, _output_entries(study.output, study.claims, study.jobs + study.late_jobs),
              legacy=_legacy_entries(study.output))
    # late notebooks (10_*) read the others' results: they start once those have ended (rerun
    # whenever one ran), on the same pool; meanwhile, and whenever the pool leaves this process
    # idle, the comparison panels of the techniques already done are drawn
    comparer = _Comparer(study)
    results = run_jobs(study.jobs, workers=workers, force=force, late=study.late_jobs,
                       on_result=comparer.add, idle=comparer.step)
    key = _report_key(study)
    previous = _read_json(study.output / REPORT_STAMP)
    index = study.output / "index.html"
    ledger = study.output / "claims.csv" if study.claims is not None else None
    if (all(r.status == "skipped" for r in results) and previous.get("key") == key and index.exists()
            and (ledger is None or ledger.exists())):
        # nothing ran and every input of the report is as it was: the report on disk is current
        return StudySummary(study, results, index, ledger, study.output / "comparison.nc",
                            list(previous.get("notes", [])), time.perf_counter() - start)
    (study.output / REPORT_STAMP).unlink(missing_ok=True)
    ok_dirs = [Path(r.output_dir) for r in results if r.ok]
    ledger = None
    if study.claims is not None:
        from .reproduce import write_ledger

        ledger = write_ledger(study.output, claims=study.claims, runs=ok_dirs)
    comparison = comparer.done if comparer.done is not None else comparer.finish(results)
    index = write_index(study, results, comparison, ledger)
    notes = study.notes + comparison.notes  # what loading noticed first, then the panels not drawn
    if all(r.ok for r in results) and comparison.complete:
        with atomic_path(study.output / REPORT_STAMP) as tmp:
            tmp.write_text(json.dumps({"key": key, "notes": notes}, indent=1), encoding="utf-8")
    return StudySummary(study, results, index, ledger, comparison.nc, notes, time.perf_counter() - start)


REPORT_STAMP = ".nakit-study.json"


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _report_key(study: Study) -> str:
    """What the study report depends on: the study, nakit, and each run's own key (its stamp)."""
    import hashlib

    from .batch.engine import STAMP, nakit_digest
    from .io import sha256_file

    runs = {j.name: _read_json(Path(j.output_dir) / STAMP).get("key") for j in study.jobs + study.late_jobs}
    payload = {"title": study.title, "labels": study.labels, "techniques": study.techniques, "runs": runs,
               "output": str(study.output), "nakit": nakit_digest(),
               "claims": sha256_file(study.claims) if study.claims else None}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# -- the cross-sample comparison ----------------------------------------------------------

@dataclass
class Comparison:
    """What :func:`compare` wrote: figures with captions, tables, notes on skipped panels."""

    figures: list[tuple[str, Path, str]] = field(default_factory=list)  # (heading, png, caption)
    tables: list[tuple[str, Any]] = field(default_factory=list)         # (heading, DataFrame)
    notes: list[str] = field(default_factory=list)
    nc: Path | None = None
    csv: Path | None = None
    per_sample: dict[str, Path] = field(default_factory=dict)
    # (figure, overlaps found) of each figure saved, for comparison/layout.csv
    layouts: list[tuple[str, list]] = field(default_factory=list)
    complete: bool = True  # False: a figure's files could not be written (said in notes)
    labels: list[str] = field(default_factory=list)  # the study's samples, in order: each one's colour


def _read_csv(path: Path):
    import pandas as pd

    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"sample": str})


def _open(path: Path):
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def headline_rows(study: Study, results: list[JobResult]) -> list[dict[str, str]]:
    """Every ``results/headline.csv`` row of the technique notebooks that succeeded."""
    from .report import HEADLINE_COLUMNS

    rows = []
    for r in results:
        if not r.ok or r.name not in study.techniques:
            continue
        path = Path(r.output_dir) / "results" / "headline.csv"
        if not path.is_file():
            continue
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows.append({c: row.get(c, "") or "" for c in HEADLINE_COLUMNS})
    return rows


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v


def headline_dataset(study: Study, rows: list[dict[str, str]]):
    """The headline results as one Dataset along ``sample``.

    One variable per headline key (numbers as floats with a ``<key>_sigma`` partner when any
    sample has an uncertainty; text as strings), ``units``, ``long_name`` and ``notebook``
    attributes; missing values are NaN (numbers) or ``""`` (text). A key reported by two
    notebooks is named ``<technique>_<key>``. A key whose samples give their values in
    different units (a cell without an active mass has its capacity in mAh, the others in
    mAh/g) is split: ``<key>`` in the most common unit, ``<key>_in_<unit>`` (attribute
    ``unit_split_of``) for the others, so no variable holds numbers of two units.
    """
    import numpy as np
    import xarray as xr

    labels = study.labels
    by_key: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
    for row in rows:
        by_key.setdefault((row["notebook"], row["key"]), {})[row["sample"]] = row
    keys = [k for _, k in by_key]
    variables = {}
    for (notebook, key), per_sample in by_key.items():
        name = key if keys.count(key) == 1 else f"{TECHNIQUE_NAMES.get(notebook, notebook)}_{key}"
        for n, (unit, rows_of_unit) in enumerate(_by_unit(per_sample, labels)):
            first = next(iter(rows_of_unit.values()))
            attrs = {"units": unit or "1", "long_name": first["quantity"] or key, "notebook": notebook}
            if n:  # samples whose value is in another unit (a cell without its active mass: mAh, not mAh/g)
                attrs["unit_split_of"] = name
            _headline_variable(variables, name if not n else f"{name}_in_{_unit_slug(unit)}", rows_of_unit,
                               labels, attrs)
    ds = xr.Dataset(variables, coords={"sample": ("sample", np.array(labels, dtype=object), {"units": "1"})})
    ds.attrs["title"] = study.title
    return ds


def _by_unit(per_sample: dict[str, dict[str, str]], labels) -> list[tuple[str, dict[str, dict[str, str]]]]:
    """A key's rows grouped by the unit of their values, the most common unit first (ties: the
    first sample's), so one variable never holds numbers in two units; rows without a value
    (only flags) go with the first group."""
    units = [per_sample[s]["unit"] for s in labels if s in per_sample and per_sample[s]["value"] != ""]
    order = sorted(dict.fromkeys(units), key=lambda u: -units.count(u)) or [next(iter(per_sample.values()))["unit"]]
    groups: dict[str, dict[str, dict[str, str]]] = {u: {} for u in order}
    for label, row in per_sample.items():
        groups[row["unit"] if row["value"] != "" and row["unit"] in groups else order[0]][label] = row
    return list(groups.items())


def _unit_slug(unit: str) -> str:
    """A unit as part of a variable name: ``mAh/g`` -> ``mAh_per_g``, ``%`` -> ``percent``."""
    import re

    text = unit.replace("/", "_per_").replace("%", "percent")
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_") or "1"


def _headline_variable(variables: dict, name: str, per_sample: dict[str, dict[str, str]], labels, attrs) -> None:
    """``name`` (numbers as floats, with ``_sigma`` when any sample has one; else text) and its
    ``_flags`` along ``sample``, from the headline rows of the samples that have one."""
    import numpy as np

    values = [per_sample.get(s, {}).get("value", "") for s in labels]
    if all(v == "" or _number(v) is not None for v in values):
        variables[name] = ("sample", np.array([_number(v) if v != "" else np.nan for v in values]), attrs)
        sigmas = [per_sample.get(s, {}).get("sigma", "") for s in labels]
        if any(_number(s) is not None for s in sigmas):
            variables[f"{name}_sigma"] = ("sample", np.array(
                [_number(s) if _number(s) is not None else np.nan for s in sigmas]), {**attrs})
    else:
        variables[name] = ("sample", np.array(values, dtype=object), attrs)
    flags = [per_sample.get(s, {}).get("flags", "") for s in labels]
    if any(flags):
        variables[f"{name}_flags"] = ("sample", np.array(flags, dtype=object),
                                      {"long_name": f"flags of {attrs['long_name']}"})


PANELS = (("01_xrd_indexing", "_xrd_panels"), ("02_bet_bjh", "_sorption_panels"),
          ("03_raman_assignment", "_raman_panels"), ("04_cycling", "_cycling_panels"),
          ("05_eis_fitting", "_eis_panels"))


def compare(study: Study, results: list[JobResult]) -> Comparison:
    """Gather the headline results and draw the cross-sample comparison panels.

    A panel whose technique did not run (or wrote no result file) is skipped with a note.
    Each technique's panels see only that technique's headline results.
    """
    comparer = _Comparer(study)
    for r in results:
        comparer.add(r)
    return comparer.finish(results)


def _view(study: Study, result: JobResult):
    """The headline results of one technique's run as a Dataset along ``sample``: what its panels read.

    Named by their own keys: a key that another notebook also reports is not renamed here
    (it is in ``comparison.nc``), so a technique's panels are the same whichever notebooks
    ended before it.
    """
    return headline_dataset(study, headline_rows(study, [result]))


@dataclass
class _Panels:
    """One technique's part of the comparison, and the headline variables it was drawn from."""

    comp: Comparison
    extra: Any = None
    view: Any = None
    warnings: list = field(default_factory=list)


# Set by the nakit command (cli.main) in its own process, which runs the study and draws its
# comparison and nothing else; there (:func:`_lean`):
# * the optional array stacks xarray looks for on its first Dataset (dask, which loads
#   scipy.fft and scipy.special, and pint), and distributed, are hidden, as in the default
#   install, which has none of them (~1.5 s of CPU); the comparison's Datasets hold numpy
#   arrays either way, and its files are the same bytes;
# * seaborn is loaded without scipy.stats and scipy.cluster (~1.2 s), which it uses only for
#   cumulative KDEs and clustermap dendrograms (its own KDE stands in), none of which the
#   comparison draws: the panels are the same bytes.
# Elsewhere (run_study in a user's session, where other work may want them) nothing is hidden.
LEAN = False


def _lean() -> None:
    """Hide the optional array stacks from this process where :data:`LEAN`, before xarray loads.

    ``None`` in ``sys.modules``: importing them fails and ``importlib.util.find_spec`` says they
    are not installed, which is how xarray asks (and remembers the answer: once xarray is loaded,
    nothing is hidden).
    """
    import sys

    if LEAN and "xarray" not in sys.modules:
        for name in ("dask", "distributed", "pint"):
            sys.modules.setdefault(name, None)


def _load_seaborn():
    """Import seaborn (lean where :data:`LEAN`, if nothing imported it before)."""
    import sys

    _lean()
    if LEAN and "seaborn" not in sys.modules:
        from .io import _NotImported

        with _NotImported("scipy.stats", "scipy.cluster"):
            import seaborn
    import seaborn

    return seaborn


class _Comparer:
    """The comparison, drawn technique by technique as the notebooks end.

    :meth:`add` hears of each result; :meth:`step` (called while notebooks still run, see
    :func:`nakit.batch.engine.run_jobs`) draws the panels of one technique whose notebook has
    ended, from that technique's own results (:func:`_view`), and once every notebook but the
    late ones has ended, calls :meth:`finish` (its result in :attr:`done`); :meth:`finish`
    gathers every result, draws what is left (and anything whose results changed since it was
    drawn), so the comparison is the same, byte for byte, as one drawn after all notebooks. Files shared by all panels (``layout.csv``, ``comparison.nc``, ...) and the
    panels' warnings are written and issued by :meth:`finish`, in the panels' order.
    Nothing is drawn early unless a notebook ran (all skipped: the report may be current).
    """

    def __init__(self, study: Study):
        self.study = study
        self.results: dict[str, JobResult] = {}
        self.parts: dict[str, _Panels] = {}
        self.ran = False
        self.done: Comparison | None = None  # finished by step() while the late notebooks ran
        self.warm = False  # the panels' imports done
        self.remade = False  # the last comparison's files removed (_remake)

    def add(self, result: JobResult) -> None:
        self.results[result.name] = result
        if self.ran is False:
            self.ran = result.status != "skipped"

    def step(self) -> bool:
        """Draw one technique's panels ahead of time, or finish once all are; False when nothing is ready."""
        if not self.warm:
            # first call: notebooks are running (so the comparison will be drawn) and their kernels
            # wait for the zygote's imports, a core idle: load what the panels need meanwhile
            self.warm = True
            try:
                import h5netcdf  # noqa: F401
                import matplotlib.pyplot  # noqa: F401
                import xarray  # noqa: F401

                _load_seaborn()

                from . import layout, plotting, report  # noqa: F401
            except Exception:  # (the panels say what is missing when they are drawn)
                pass
            return True
        if not self.ran:  # (None: finish() failed here; False: nothing ran yet)
            return False
        ready = [stem for stem, _ in PANELS if stem in self.study.techniques and stem not in self.parts
                 and stem in self.results]
        if not ready:
            first = [self.results.get(j.name) for j in self.study.jobs]
            if self.done is not None or self.ran is None or None in first:
                return False
            # every notebook the comparison reads has ended: the rest of it (comparison.nc, ...)
            # while the late notebooks run; it does not read theirs
            try:
                self.done = self.finish(first)
            except Exception:  # run_study calls finish() again after the notebooks: raised there, as before
                self.ran = None
            return True
        try:
            self.parts[ready[0]] = self._draw(ready[0])
        except Exception:  # (its headline file unreadable) finish() reads it again and says what is wrong
            self.ran = None
        return True

    def _remake(self) -> None:
        """Once, before this comparison's first panel: the report is being remade, so the stamp that
        says it is current goes, and so do the figures of the last one (comparison/ is the study's
        own folder; a panel not drawn this time must not stay beside the new ones)."""
        if self.remade:
            return
        self.remade = True
        import shutil

        (self.study.output / REPORT_STAMP).unlink(missing_ok=True)
        shutil.rmtree(self.study.output / "comparison", ignore_errors=True)

    def _draw(self, stem: str) -> _Panels:
        import warnings

        self._remake()

        try:
            _load_seaborn()
        except ImportError:  # (the panels say what is missing)
            pass
        name = TECHNIQUE_NAMES[stem]
        part = _Panels(Comparison(labels=list(self.study.labels)))
        if stem not in self.study.techniques:
            part.comp.notes.append(f"{name}: no sample has an entry for it, so no {name} panel")
            return part
        r = self.results.get(stem)
        if r is None or not r.ok:
            part.comp.notes.append(f"{name}: its notebook failed, so its results are left out")
            return part
        part.view = _view(self.study, r)
        set_aside = [sample for sample, _ in r.not_analysed if sample in self.study.techniques[stem]]
        if set_aside:  # (a sample's part, "B (rate test)", is the technique report's to tell)
            part.comp.notes.append(f"{name}: not analysed (the report says why): "
                                   + "; ".join(set_aside))
        draw = globals()[dict(PANELS)[stem]]
        with warnings.catch_warnings(record=True) as caught:
            try:
                part.extra = draw(self.study, Path(r.output_dir) / "results", part.view, part.comp,
                                  self.study.output / "comparison")
            except Exception as exc:  # one unreadable panel must not lose the rest of the report
                part.comp.notes.append(f"{name}: comparison panel not drawn ({type(exc).__name__}: {exc})")
                part.extra = None
        part.warnings = list(caught)
        return part

    def finish(self, results: list[JobResult]) -> Comparison:
        """The whole comparison from ``results``: panels, ``comparison.nc``/``.csv``, per-sample CSVs."""
        import warnings

        from . import layout, plotting
        from .figwriter import FigureWriteError
        from .io import write_netcdf

        for r in results:
            self.results[r.name] = r
        study, out = self.study, self.study.output
        rows = headline_rows(study, results)
        ds = headline_dataset(study, rows)
        comp = Comparison()
        for stem, _ in PANELS:
            part = self.parts.get(stem)
            r = self.results.get(stem)
            if (part is None or part.view is None or r is None or not r.ok
                    or not part.view.identical(_view(study, r))):  # (a file changed since: drawn again)
                part = self.parts[stem] = self._draw(stem)
            comp.figures += part.comp.figures
            comp.tables += part.comp.tables
            comp.notes += part.comp.notes
            comp.layouts += part.comp.layouts
            for w in part.warnings:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
            if part.extra is not None:  # (sample, phase) or (sample, band) variables; keep the study's sample order
                ds = ds.merge(part.extra, join="left")
        try:  # the figure files written in the background: complete before anyone reads the report
            plotting.wait_for_figures()
        except FigureWriteError as exc:
            comp.notes.append(f"comparison figure files missing: {exc}")
            comp.complete = False
        # the panels' rows last and in the panels' order, whatever order they were drawn in
        for name, found in comp.layouts:
            layout.write_layout(out / "comparison" / "layout.csv", name, found)
        comp.nc = write_netcdf(ds, out / "comparison.nc")
        table = _sample_table(ds)
        comp.csv = out / "comparison.csv"
        with atomic_path(comp.csv) as tmp:
            table.to_csv(tmp, lineterminator="\n")
        # one file per sample, named safely from its label: every headline result of that sample
        from .report import HEADLINE_COLUMNS

        names = safe_names(study.labels)
        # samples/ is the study's own folder: a file of a sample it no longer has (renamed) goes
        for old in (out / "samples").glob("*.csv"):
            if old.stem not in names.values():
                old.unlink()
        for label in study.labels:
            path = out / "samples" / f"{names[label]}.csv"
            with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=HEADLINE_COLUMNS, lineterminator="\n")
                w.writeheader()
                w.writerows(r for r in rows if r["sample"] == label)
            comp.per_sample[label] = path
        return comp


def _sample_table(ds):
    """The variables along ``sample`` only: one row per sample (the CSV twin of the Dataset).

    A column is named as a notebook's results table names a row, ``<name> (<unit>)``
    (``bet_area (m2/g)``, ``bet_area_sigma (m2/g)``), from the variable's ``units``; a
    dimensionless or text variable (``units`` 1 or none) and a ``_flags`` column keep the bare
    name. :func:`read_comparison` reads it back by name.
    """
    import pandas as pd

    cols = {comparison_column(name, ds[name].attrs.get("units", "")): ds[name].values
            for name in ds.data_vars if ds[name].dims == ("sample",)}
    table = pd.DataFrame(cols, index=pd.Index([str(s) for s in ds["sample"].values], name="sample"))
    return table


def comparison_column(name: str, units: str) -> str:
    """The ``comparison.csv`` header of variable ``name`` in ``units``: ``bet_area (m2/g)``; the bare
    name for a dimensionless one (``""`` or ``"1"``)."""
    units = str(units or "").strip()
    return f"{name} ({units})" if units not in ("", "1") else name


_COLUMN = re.compile(r"^(\S+) \((.+)\)$")


def read_comparison(path: str | os.PathLike) -> tuple[list[dict[str, str]], dict[str, str]]:
    """A study's ``comparison.csv`` as ``(rows, units)``: one dict per sample keyed by the variable names
    of ``comparison.nc`` (``sample``, ``bet_area``, ``bet_area_sigma``, ...) with the cells as written
    (``""`` where empty), and ``{name: unit}`` of the columns that carry one (``{"bet_area": "m2/g"}``)."""
    units: dict[str, str] = {}
    names: list[str] = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        for header in next(reader, []):
            found = _COLUMN.match(header)
            names.append(found.group(1) if found else header)
            if found:
                units[found.group(1)] = found.group(2)
        rows = [dict(zip(names, row)) for row in reader]
    return rows, units


# -- panels ---------------------------------------------------------------------------------

def _save(comp: Comparison, fig, out: Path, name: str, heading: str, caption: str) -> None:
    from . import layout, plotting

    # crowded tick labels (long sample labels, many phases) are turned upright or given room first
    ticks = layout.fit_tick_labels(fig)
    found = layout.overlaps(fig) + ticks  # recorded like a report's figures; a legend over data is warned of
    layout.write_layout(out / "layout.csv", name, found)
    comp.layouts.append((name, found))  # written again by _Comparer.finish in the panels' order
    hidden = layout.to_warn_of(found)
    if hidden:
        from .report import warn

        warn(f"comparison figure {name!r}: " + "; ".join(o.describe() for o in hidden))
    # PNG here, PDF and SVG by a forked child while the next panel is drawn (joined by _Comparer.finish)
    paths = plotting.savefig(fig, out / name, background=True)
    import matplotlib.pyplot as plt

    plt.close(fig)
    comp.figures.append((heading, paths[0], caption))


def _frame_of(ds, names):
    """The ``sample``-only variables ``names`` (and their ``_sigma`` partners) as a table, with only
    the samples that have a value in one of them (a technique's panel shows its own samples)."""
    import pandas as pd

    split = {}  # a key's values in another unit, shown beside it (see _by_unit)
    for v in ds.data_vars:
        if "unit_split_of" in ds[v].attrs:
            split.setdefault(ds[v].attrs["unit_split_of"], []).append(v)
    names = [m for n in names for m in (n, *split.get(n, ()))]
    present = [n for n in names if n in ds and ds[n].dims == ("sample",)]
    present += [f"{n}_sigma" for n in present if f"{n}_sigma" in ds and f"{n}_sigma" not in present]
    table = pd.DataFrame({n: ds[n].values for n in present},
                         index=pd.Index([str(s) for s in ds["sample"].values], name="sample"))
    values = table[[n for n in present if not n.endswith("_sigma")]]
    has = values.apply(lambda col: col.map(lambda v: v is not None and v == v and v != "")).any(axis=1)
    return table[has], present


def _bar_panels(comp, ds, out, keys, name, heading, caption_what):
    """One bar panel per headline key, samples one above the other, error bars from ``_sigma``.

    Horizontal bars: sample labels read across, once, beside the first panel, however long they
    are (upright labels under each panel took most of the figure's height and repeated them).
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns

    from matplotlib.container import BarContainer

    from . import plotting
    from .report import axis_text

    table, present = _frame_of(ds, keys)
    present = [k for k in present if not k.endswith("_sigma") and np.isfinite(table[k].astype(float)).any()]
    if not present:
        comp.notes.append(f"{heading}: no {caption_what} in the results")
        return
    plotting.use_style()
    n = len(table)
    label_width = min(0.075 * max(len(str(label)) for label in table.index) + 0.3, 3.5)  # inches, ~10 pt text
    fig, axes = plt.subplots(1, len(present), figsize=(label_width + 2.7 * len(present), max(1.9, 0.34 * n + 1.3)),
                             squeeze=False, sharey=True)
    flagged: list[str] = []
    for ax, key in zip(axes[0], present):
        data = table[key].astype(float).reset_index()
        sns.barplot(data=data, x=key, y="sample", hue="sample", palette=_sample_colours(comp, table.index),
                    legend=False, orient="h", saturation=1, ax=ax)  # the colours the lines of other panels use
        sigma = f"{key}_sigma"
        if sigma in table:
            ax.errorbar(data[key], np.arange(n), xerr=table[sigma].astype(float).fillna(0).values, fmt="none",
                        ecolor="black", capsize=3, lw=1)
        # a flagged value (a BJH peak of a loop-less isotherm, ...) is hatched, and named in the caption
        values = table[key].astype(float)
        doubted = {label: why for label, why in _flagged(ds, key, list(table.index)).items()
                   if np.isfinite(values[label])}  # a missing value has no bar: "not computed" says so
        bars = [c for c in ax.containers if isinstance(c, BarContainer)]  # one per sample (hue), in order
        for container, label in zip(bars, table.index):
            if label in doubted:
                for bar in container:
                    bar.set_hatch("///")
                    bar.set_edgecolor("black")
        flagged.extend(f"{label} ({ds[key].attrs.get('long_name', key)}: {doubted[label]})" for label in doubted)
        unit = ds[key].attrs.get("units", "")
        ax.set_xlabel(axis_text(textwrap.fill(f"{ds[key].attrs.get('long_name', key)}"
                                              + (f" ({unit})" if unit not in ("", "1") else ""), 26)))
        ax.set_ylabel("")
    fig.tight_layout()
    labels = ", ".join(str(ds[k].attrs.get("long_name", k)) for k in present)
    missing = any(table[k].isna().any() for k in present)
    _save(comp, fig, out, name, heading, f"{labels} per sample ({_count(n, 'sample')}); error bars: one standard "
                                         "uncertainty where the analysis gives one"
          + ("; no bar: not computed (the technique's report says why)" if missing else "")
          + ("; hatched, flagged: " + "; ".join(flagged) if flagged else "") + ".")


def _sample_colours(comp: Comparison, shown) -> dict[str, str]:
    """``{label: colour}`` of the samples ``shown``, by each one's place in the study
    (:func:`nakit.plotting.sample_colours`), as the technique reports colour them."""
    from .plotting import sample_colours

    return sample_colours(shown, comp.labels)


def _count(n: int, noun: str) -> str:
    """``"1 sample"``, ``"3 samples"``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _flagged(ds, key: str, labels) -> dict[str, str]:
    """{sample: flags} of the samples whose headline ``key`` carries flags (``<key>_flags``)."""
    name = f"{key}_flags"
    if name not in ds:
        return {}
    values = {str(s): str(f) for s, f in zip(ds["sample"].values, ds[name].values)}
    return {label: values[label] for label in labels if values.get(label) not in (None, "", "nan")}


def _sorption_panels(study, folder, ds, comp, out):
    _bar_panels(comp, ds, out, ["bet_area", "pore_volume", "bjh_peak_diameter"], "sorption",
                "N2 sorption", "BET area, pore volume or BJH peak")
    table, present = _frame_of(ds, ["bet_area", "bet_area_sigma", "bet_c", "pore_volume", "bjh_peak_diameter",
                                    "isotherm_type", "hysteresis"])
    if present:
        comp.tables.append(("N2 sorption", _formatted(ds, table, present)))
    return None


def _formatted(ds, table, present):
    """A table for the index: value ± sigma with units in the column names."""
    import pandas as pd

    from .report import fmt

    cols = {}
    notes: dict[str, list[str]] = {}
    for key in present:
        if key.endswith("_sigma"):
            continue
        doubted = _flagged(ds, key, list(table.index))
        for label, why in doubted.items():
            notes.setdefault(label, []).append(f"{ds[key].attrs.get('long_name', key)}: {why}")
        sigma = table.get(f"{key}_sigma")
        unit = ds[key].attrs.get("units", "")
        head = f"{ds[key].attrs.get('long_name', key)}" + (f" ({unit})" if unit not in ("", "1") else "")
        vals = []
        for i, v in enumerate(table[key]):
            if isinstance(v, str):
                vals.append(v)
                continue
            s = None if sigma is None or not math.isfinite(float(sigma.iloc[i])) else float(sigma.iloc[i])
            text = fmt(None if v is None or (isinstance(v, float) and math.isnan(v)) else v, s)
            vals.append(text + (" ⚑" if text and table.index[i] in doubted else ""))
        cols[head] = vals
    out = pd.DataFrame(cols, index=table.index)
    if notes:  # what the ⚑ marks mean, beside the values
        out["flags (⚑)"] = ["; ".join(notes.get(label, [])) for label in table.index]
    return out


def _with_sigma(df):
    """A results table for the index: each ``x`` with an ``x_sigma`` column shown as ``x ± sigma``,
    rounded to its uncertainty; other numbers to four significant figures."""
    from .report import fmt

    out = df.copy()
    for col in list(df.columns):
        if f"{col}_sigma" in df.columns:
            out[col] = [fmt(v, s if s == s else None) if v == v else "" for v, s in zip(df[col], df[f"{col}_sigma"])]
            out = out.drop(columns=f"{col}_sigma")
    return out


def _cycling_panels(study, folder, ds, comp, out):

    from . import plotting

    plotting.use_style()
    cycles = folder / "cycles.nc"
    if cycles.is_file():
        _cycles_panel(_open(cycles), comp, out)
    else:
        comp.notes.append("cycling: no results/cycles.nc, so no capacity-over-cycles panel")
    rate = folder / "rate.nc"
    if rate.is_file():
        _rate_panel(_open(rate), comp, out)
    else:
        comp.notes.append("cycling: no results/rate.nc (no rate test among the cells), so no rate panel")
    # first_charge_capacity: only a cell without a complete cycle has it (one charge, no discharge),
    # which keeps that cell in the table with its flags
    table, present = _frame_of(ds, ["first_discharge_capacity", "first_discharge_capacity_sigma",
                                    "capacity_retention", "capacity_retention_sigma", "first_charge_capacity"])
    if present:
        comp.tables.append(("Cycling", _formatted(ds, table, present)))
    return None


def _massless(ds, per_gram: str, absolute: str) -> list[str]:
    """The samples with no per-gram value at all (no active mass) but an absolute one."""
    if absolute not in ds or per_gram not in ds:
        return []
    other = [d for d in ds[per_gram].dims if d != "sample"]
    none = ds[per_gram].isnull().all(other).values & ds[absolute].notnull().any(other).values
    return [str(v) for v, n in zip(ds["sample"].values, none) if n]


def _no_mass_words(labels: list[str]) -> str:
    return (f"in mAh, not per gram: {_join_labels(labels)} state{'s' if len(labels) == 1 else ''} "
            "no active mass")


def _join_labels(labels) -> str:
    from .report import join_labels

    return join_labels(list(labels))


def _cycles_panel(c, comp, out) -> None:
    """Discharge capacity and Coulombic efficiency over cycles, every cell overlaid.

    Cycles with a half-cycle missing or cut short (``cycle_complete`` 0) are left out. A CE
    flagged doubtful (``ce_doubtful`` 1: the half-cycles do not pair) is kept as a cross in
    the cell's colour; the CE axis follows the undoubted values (and 100 %), and a doubtful
    value beyond it is drawn on the axis edge with its number, as notebook 04 does. Per
    gram when every cell has an active mass, else every cell in mAh (one unit per axis).
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns

    from .plotting import LOG_AXIS_RATIO, needs_log_axis

    from .layout import place_legend

    q = "discharge_capacity"
    massless = _massless(c, q, "absolute_discharge_capacity")
    if massless:
        q = "absolute_discharge_capacity"
    names = [q, "coulombic_efficiency"] + [v for v in ("ce_doubtful", "cycle_complete") if v in c]
    df = c[names].to_dataframe().reset_index()
    df["sample"] = df["sample"].astype(str)
    left_out = 0
    if "cycle_complete" in df:
        incomplete = df["cycle_complete"] == 0  # NaN: a cycle the cell never reached (padding)
        left_out = int(incomplete.sum())
        df = df[~incomplete]
    df = df.dropna(subset=[q])
    if df.empty:  # (a cell that was only charged, or cut short in its first cycle)
        why = f" ({_count(left_out, 'cycle')} with a half-cycle missing or cut short)" if left_out else ""
        comp.notes.append(f"cycling: no cell has a complete cycle{why}, so no capacity-over-cycles panel")
        return
    doubtful = (df["ce_doubtful"] == 1) if "ce_doubtful" in df else df[q].isnull()
    order = list(dict.fromkeys(df["sample"]))
    colours = _sample_colours(comp, order)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    sns.lineplot(data=df, x="cycle", y=q, hue="sample", hue_order=order, palette=colours, marker="o",
                 markersize=3, ax=axes[0])
    # cells whose capacities differ by more than 100x (a 0.1 uAh coin beside a 3 mAh one) share a
    # log axis: on a linear one the small cell lies on zero (as notebook 04 draws them)
    log_scale = needs_log_axis(df.groupby("sample")[q].median())
    if log_scale:
        axes[0].set_yscale("log")
    kept = df[~doubtful].dropna(subset=["coulombic_efficiency"])
    sns.lineplot(data=kept, x="cycle", y="coulombic_efficiency", hue="sample", hue_order=order, palette=colours,
                 marker="o", markersize=3, ax=axes[1], legend=False)
    odd = df[doubtful & df["coulombic_efficiency"].notnull()]
    off_scale = []
    if len(odd):
        ce = kept["coulombic_efficiency"].to_numpy(float)
        if ce.size:  # the scale follows the undoubted efficiencies; a doubtful one beyond it is named
            lo, hi = float(np.min(ce)), max(float(np.max(ce)), 100.0)
            pad = 0.05 * (hi - lo) + 0.5
            axes[1].set_ylim(lo - pad, hi + pad)
        else:
            lo, hi, pad = -np.inf, np.inf, 0.0
        for row in odd.itertuples():
            v, colour = float(row.coulombic_efficiency), colours[row.sample]
            if lo - pad <= v <= hi + pad:
                axes[1].plot([row.cycle], [v], "x", ms=6, mew=1.5, color=colour, zorder=4)
                continue
            off_scale.append(f"{row.sample} cycle {int(row.cycle)}: {v:.4g} %")
            edge = hi + pad if v > hi else lo - pad  # on the axis edge, its value beside it
            axes[1].plot([row.cycle], [edge], "x", ms=6, mew=1.5, color=colour, clip_on=False, zorder=4)
            axes[1].annotate(f"{v:.4g} %", (row.cycle, edge), xytext=(4, -9 if v > hi else 3),
                             textcoords="offset points", fontsize="x-small", color=colour)
        axes[1].plot([], [], "x", ms=6, mew=1.5, color="0.3", label="CE doubtful (kept; see flags)")
        place_legend(axes[1], fontsize="small")
    unit = _units(c[q], "mAh/g" if q == "discharge_capacity" else "mAh")
    axes[0].set_ylabel(f"discharge capacity ({_axis_unit(unit)})")
    axes[1].set_ylabel(f"Coulombic efficiency ({_units(c['coulombic_efficiency'], '%')})")
    for ax in axes:
        ax.set_xlabel("cycle")
    place_legend(axes[0], title=None, fontsize="small")  # a corner free of points, else outside
    fig.tight_layout()
    caption = (f"Discharge capacity and Coulombic efficiency over cycles, {_count(len(order), 'cell')} overlaid"
               + (f"; capacity {_no_mass_words(massless)}" if massless else "") + ".")
    if log_scale:
        caption += f" Capacity on a log scale: the cells' capacities differ by more than {LOG_AXIS_RATIO:g}x."
    if left_out:
        caption += f" Left out: {_count(left_out, 'cycle')} with a half-cycle missing or cut short."
    if len(odd):
        caption += (f" Crosses: Coulombic efficiency flagged doubtful on {_count(len(odd), 'cycle')} (the half-cycles "
                    "do not pair or a side reaction adds capacity), kept but not used to scale the axis"
                    + (f"; off the scale (on its edge): {'; '.join(off_scale)}." if off_scale else "."))
    _save(comp, fig, out, "cycling", "Cycling", caption)


def _rate_panel(r, comp, out) -> None:
    """Mean discharge capacity of each rate step; in mA and mAh for every cell when one has no mass."""
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns

    from .layout import place_legend

    current, q = "current_density", "discharge_capacity"
    massless = _massless(r, q, "absolute_discharge_capacity")
    if massless and "absolute_current" in r:  # one unit per axis: every cell in mA and mAh
        current, q = "absolute_current", "absolute_discharge_capacity"
    cols = [current, q] + ([f"{q}_sigma"] if f"{q}_sigma" in r else [])
    df = r[cols].to_dataframe().reset_index().dropna(subset=cols[:2])
    df["sample"] = df["sample"].astype(str)
    if not len(df):
        comp.notes.append("cycling: results/rate.nc holds no rate steps")
        return
    per_gram = q == "discharge_capacity"
    # x: the steps in the order run (a rate test returns to its first current at the end);
    # ticks name the currents when every cell ran the same ones
    fig, ax = plt.subplots(figsize=(6, 3.8))
    currents = df.groupby("step")[current].agg(["min", "max"])
    i_unit = _units(r[current], "mA/g" if per_gram else "mA")
    i_words = f"{'current density' if per_gram else 'current'} ({_axis_unit(i_unit)})"
    shared = bool(np.allclose(currents["min"], currents["max"], rtol=1e-3))
    # cells that ran other currents share no step axis: each point at its own current (log: rates
    # span decades), joined in the order run
    x = "step" if shared else current
    sns.lineplot(data=df, x=x, y=q, hue="sample", marker="o", estimator=None, sort=False, ax=ax,
                 palette=_sample_colours(comp, df["sample"].unique()))
    if f"{q}_sigma" in df:
        ax.errorbar(df[x], df[q], yerr=df[f"{q}_sigma"].fillna(0), fmt="none", ecolor="grey", lw=0.8)
    if shared:
        ax.set_xticks(currents.index.to_numpy())
        ax.set_xticklabels([f"{v:.3g}" for v in currents["min"]])
        ax.set_xlabel(f"{i_words}, steps in the order run")
    else:
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        ax.set_xscale("log")
        # 1-2-5 steps labelled as plain numbers: rates span a decade or two, where the default labels
        # its minor ticks too and runs them into each other (3×10⁻¹4×10⁻¹)
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(f"{i_words} (the cells ran different currents)")
    ax.set_ylabel(f"discharge capacity ({_axis_unit(_units(r[q], 'mAh/g' if per_gram else 'mAh'))})")
    place_legend(ax, title=None, fontsize="small")  # a corner free of points, else outside
    fig.tight_layout()
    _save(comp, fig, out, "rate", "Rate capability",
          "Mean discharge capacity of each step of the rate tests, "
          f"{_count(df['sample'].nunique(), 'cell')}"
          + (f", {_no_mass_words(massless)}" if not per_gram else "")
          + "; bars: cycle-to-cycle scatter within a step.")


def _axis_unit(unit: str) -> str:
    """A unit for an axis label: ``mAh/g`` -> ``mAh g$^{-1}$`` (:func:`nakit.report.axis_unit`)."""
    from .report import axis_unit

    return axis_unit(unit)


def _units(da, standard: str) -> str:
    """A variable's ``units``; the standard result files' unit (CONVENTIONS) when a notebook dropped it."""
    return str(da.attrs.get("units") or standard)


def _kelvin(values, units: str):
    u = (units or "").strip().lower()
    if u in ("k", "kelvin"):
        return values
    if u in ("degc", "°c", "c", "celsius", "deg_c", "degree_celsius"):
        return values + 273.15
    raise ParameterError(f"temperature in {units!r}; expected K or degC")


def _eis_panels(study, folder, ds, comp, out):
    import matplotlib.pyplot as plt
    import seaborn as sns

    from . import plotting
    from .report import fmt

    path = folder / "arrhenius.nc"
    if not path.is_file():
        comp.notes.append("eis: no results/arrhenius.nc (no conductivity series), so no Arrhenius panel")
    else:
        a = _open(path)
        kelvin = _kelvin(a["temperature"].values.astype(float), a["temperature"].attrs.get("units", ""))
        df = a["conductivity"].to_dataframe().reset_index().dropna(subset=["conductivity"])
        df["inv_T"] = 1000.0 / df["temperature"].map(dict(zip(a["temperature"].values, kelvin)))
        df["sample"] = df["sample"].astype(str)
        ea = ds["activation_energy"] if "activation_energy" in ds else None
        ea_s = ds["activation_energy_sigma"] if "activation_energy_sigma" in ds else None

        def legend(label):
            if ea is None:
                return label
            v = float(ea.sel(sample=label))
            if not math.isfinite(v):
                return label
            s = float(ea_s.sel(sample=label)) if ea_s is not None else None
            return f"{label}: Ea = {fmt(v, s if s is not None and math.isfinite(s) else None)} eV"

        df["pellet"] = df["sample"].map(legend)
        plotting.use_style()
        fig, ax = plt.subplots(figsize=(5.8, 4))
        colours = _sample_colours(comp, df["sample"].unique())
        sns.lineplot(data=df, x="inv_T", y="conductivity", hue="pellet", marker="o", ax=ax,
                     palette={legend(label): colour for label, colour in colours.items()})
        if "conductivity_sigma" in a:
            sig = a["conductivity_sigma"].to_dataframe().reset_index().dropna(subset=["conductivity_sigma"])
            merged = df.merge(sig.assign(sample=sig["sample"].astype(str)), on=["sample", "temperature"])
            ax.errorbar(merged["inv_T"], merged["conductivity"], yerr=merged["conductivity_sigma"], fmt="none",
                        ecolor="grey", lw=0.8)
        ax.set_yscale("log")
        ax.set_xlabel("1000 / T (1/K)")
        ax.set_ylabel(f"conductivity ({a['conductivity'].attrs.get('units', '')})")
        # beside the axes: inside, a pellet whose conductivity hardly changes spans them with its error bars
        ax.legend(title=None, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
        fig.tight_layout()
        _save(comp, fig, out, "arrhenius", "Ionic conductivity",
              f"Conductivity against inverse temperature, {_count(df['sample'].nunique(), 'pellet')}; activation "
              "energies from each pellet's Arrhenius fit.")
    # cells over cycling: the first spectrum's interfacial resistance, the last one's and the growth between
    table, present = _frame_of(ds, ["activation_energy", "activation_energy_sigma", "conductivity_25C",
                                    "conductivity_25C_sigma", "r_interface", "r_interface_sigma", "r_interface_last",
                                    "r_interface_last_sigma", "r_interface_growth", "r_interface_growth_sigma"])
    if present:
        comp.tables.append(("Impedance", _formatted(ds, table, present)))
    return None


def _raman_panels(study, folder, ds, comp, out):
    import matplotlib.pyplot as plt
    import seaborn as sns

    from . import plotting
    from .report import species_name

    bands = folder / "bands.csv"
    extra = None
    b = _read_csv(bands).dropna(subset=["center"]) if bands.is_file() else None
    if b is None:
        comp.notes.append("raman: no results/bands.csv, so no band-position panel")
    elif b.empty:
        comp.notes.append("raman: no band was fitted in any spectrum (the report says why), so no band-position panel")
    else:
        b["sample"] = b["sample"].astype(str)
        b["band"] = b["band"].astype(str)
        plotting.use_style()
        order = list(dict.fromkeys(b["sample"]))  # the y positions seaborn gives, in order of appearance
        fig, ax = plt.subplots(figsize=(7, 0.5 * len(order) + 1.8))
        shown = b.assign(band=[species_name(n, mathtext=True) for n in b["band"]])  # PS$_{4}^{3-}$ in the legend
        sns.scatterplot(data=shown, x="center", y="sample", hue="band" if b["band"].nunique() <= 12 else None,
                        ax=ax, s=40)
        ax.set_yticks(ax.get_yticks(), [_wrap_label(t.get_text()) for t in ax.get_yticklabels()])
        if "center_sigma" in b:
            ax.errorbar(b["center"], [order.index(s) for s in b["sample"]], xerr=b["center_sigma"].fillna(0),
                        fmt="none", ecolor="grey", lw=0.8)
        ax.set_xlabel("band centre (1/cm)")
        ax.set_ylabel("")
        if ax.get_legend() is not None:
            ax.legend(title=None, fontsize="x-small", bbox_to_anchor=(1.01, 1), loc="upper left")
        fig.tight_layout()
        flags = b["flags"].astype(object).fillna("").astype(str).tolist() if "flags" in b else [""] * len(b)
        flagged = [f"{s}: {n}" for s, n, f in zip(b["sample"], b["band"], flags) if f]
        _save(comp, fig, out, "raman_bands", "Raman bands",
              f"Fitted band positions per sample ({len(b)} bands, {len(order)} spectra); bars: one standard "
              "uncertainty" + (f"; flagged fits (⚑ in the table): {'; '.join(flagged)}." if flagged else "."))
        extra = _band_dataset(b)
        if "assignment" in b:  # "ambiguous: Na2S | P2S6^4-": the ions typeset as in the band column
            b["assignment"] = [re.sub(r"[A-Za-z0-9()]+\^\d*[+-]", lambda m: species_name(m.group(0)), str(a))
                               if a == a else "" for a in b["assignment"]]
        table = _with_sigma(b.assign(band=[species_name(n) for n in b["band"]]).set_index(["sample", "band"])[
            [c for c in ("center", "center_sigma", "fwhm", "assignment") if c in b]])
        if flagged:  # a band whose fit the notebook flagged: marked as the other panels' tables mark them
            table["center"] = [f"{v} ⚑" if f else v for v, f in zip(table["center"], flags)]
        # an assignment the report doubts (by position alone in a spectrum of another chemistry, a carbon
        # band assumed): the same words here, or the index shows a bare "ambiguous: P2S5 | P2S6^4-"
        doubts = _assignment_doubts(folder / "assignment.csv")
        doubted = [doubts.get(f"{s}: {n}", "") for s, n in zip(b["sample"], b["band"])]
        if any(doubted) and "assignment" in table:
            table["assignment"] = [f"{v} ⚑" if d else v for v, d in zip(table["assignment"], doubted)]
        if flagged or any(doubted):
            table["flags (⚑)"] = ["; ".join(filter(None, (f, d and f"assignment: {d}")))
                                  for f, d in zip(flags, doubted)]
        comp.tables.append(("Raman bands", table))
    if "d_to_g_ratio" in ds:
        _bar_panels(comp, ds, out, ["d_to_g_ratio"], "raman_dg", "Carbon D/G", "D/G ratio")
    else:
        comp.notes.append("raman: no sample has a carbon D/G result, so no D/G panel")
    return extra


def _assignment_doubts(path: Path) -> dict[str, str]:
    """``{"<sample>: <band>": note}`` of the bands notebook 03 assigned with a note in its
    ``assignment.csv`` (what the report says of the match); none without that file."""
    if not path.is_file():
        return {}
    a = _read_csv(path)
    if not {"label", "n_candidates", "note"} <= set(a.columns):
        return {}
    assigned = a[(a["n_candidates"].fillna(0) > 0) & a["note"].notna()]
    return {str(label): str(note) for label, note in zip(assigned["label"], assigned["note"]) if str(note).strip()}


def _band_dataset(b):
    import xarray as xr

    frame = b.drop_duplicates(["sample", "band"]).set_index(["sample", "band"])
    keep = [c for c in ("center", "center_sigma", "fwhm") if c in frame]
    ds = xr.Dataset.from_dataframe(frame[keep]).rename({c: f"band_{c}" for c in keep})
    for name in ds.data_vars:
        ds[name].attrs["units"] = "1/cm"
    ds["band"].attrs["units"] = "1"
    return ds


#: sample labels longer than this wrap onto further lines on a comparison panel's axis
LABEL_WIDTH = 28


def _wrap_label(label: str, width: int = LABEL_WIDTH) -> str:
    """A sample label for an axis: wrapped at spaces into lines of about ``width`` characters."""
    return textwrap.fill(str(label), width, break_long_words=False, break_on_hyphens=False)


def _xrd_panels(study, folder, ds, comp, out):
    import matplotlib.pyplot as plt
    import seaborn as sns

    from . import plotting
    from .report import phase_name
    from .runfolder import not_analysed

    extra = None
    phases = folder / "phases.csv"
    plotting.use_style()
    if not phases.is_file():
        comp.notes.append("xrd: no results/phases.csv, so no phase panel")
    else:
        p = _read_csv(phases)
        p["sample"] = p["sample"].astype(str)
        unread = {sample for sample, _ in not_analysed(folder.parent)}  # (named in a note of their own)
        order = [s for s in study.techniques["01_xrd_indexing"] if s not in unread]
        if "present" in p:  # every candidate is scored; the panel shows the phases found
            p = p[p["present"].astype(str).str.lower().isin(["true", "1", "yes"])]
        if len(p):
            grid = p.pivot_table(index="sample", columns="phase", values="score", aggfunc="max").reindex(order)
            grid.columns = [phase_name(c, mathtext=True) for c in grid.columns]  # Na$_{2}$S (Fm$\bar{3}$m)
            grid.index = [_wrap_label(s) for s in grid.index]  # long labels wrap instead of squeezing the map
            fig, ax = plt.subplots(figsize=(1.1 * grid.shape[1] + 3, 0.5 * len(order) + 1.8))
            sns.heatmap(grid, annot=True, fmt=".2f", cmap="viridis", cbar_kws={"label": "match score"}, ax=ax)
            ax.set_xlabel("phase")
            ax.set_ylabel("")
            ax.tick_params(axis="x", labelrotation=0)  # upright only where they would collide (_save)
            fig.tight_layout()
            _save(comp, fig, out, "xrd_phases", "XRD phases",
                  f"Phases found per sample (match score; blank: not found), {len(order)} scans.")
        if len(p):  # (no phase found anywhere: the note says so, not an empty table)
            shown = p.assign(phase=[phase_name(n) for n in p["phase"]])  # the table reads Na₂S (Fm3̄m) too
            shown = shown.drop(columns=[c for c in ("present",) if c in shown])  # every row shown is present
            # what the notebook flagged about a scan's identification (not raw counts, Kα2 read as peaks, ...)
            doubted = _flagged(ds, "phases_present", list(dict.fromkeys(shown["sample"]))) if ds is not None else {}
            if doubted:  # once per sample, on its first phase's row (the table shows each sample once)
                first = ~shown["sample"].duplicated()
                shown["flags (⚑)"] = [doubted.get(sample, "") if head else ""
                                      for sample, head in zip(shown["sample"], first)]
            comp.tables.append(("XRD phases", shown.set_index(["sample", "phase"])))
        missing = [s for s in order if s not in set(p["sample"])]
        if missing:
            # the notebook's flag says why, e.g. a scan with no peaks above the threshold
            why = _flagged(ds, "phases_present", missing) if ds is not None else {}
            # "; " and ": " because labels may hold commas and parentheses themselves
            comp.notes.append("xrd: no phase matched in "
                              + "; ".join(f"{s}: {why[s]}" if s in why else s for s in missing))
    cells = folder / "cells.csv"
    if not cells.is_file():
        comp.notes.append("xrd: no results/cells.csv, so no cell-parameter panel")
    else:
        c = _read_csv(cells)
        c["sample"] = c["sample"].astype(str)
        if len(c):
            long = c.melt(id_vars=["sample", "phase"], value_vars=[a for a in "abc" if a in c], var_name="axis",
                          value_name="length").dropna(subset=["length"])
            sig = c.melt(id_vars=["sample", "phase"], value_vars=[f"{a}_sigma" for a in "abc" if f"{a}_sigma" in c],
                         var_name="axis", value_name="sigma")
            sig["axis"] = sig["axis"].str[0]
            long = long.merge(sig, on=["sample", "phase", "axis"], how="left")
            long["phase"] = [phase_name(n, mathtext=True) for n in long["phase"]]
            fig, ax = plt.subplots(figsize=(6.5, 0.5 * c["sample"].nunique() + 2))
            sns.scatterplot(data=long, x="length", y="sample", hue="phase", style="axis", s=50, ax=ax)
            ax.errorbar(long["length"], [list(dict.fromkeys(long["sample"])).index(s) for s in long["sample"]],
                        xerr=long["sigma"].fillna(0), fmt="none", ecolor="grey", lw=0.8)
            ax.set_xlabel("cell parameter (Å)")
            ax.set_ylabel("")
            ax.set_yticks(ax.get_yticks(), [_wrap_label(t.get_text()) for t in ax.get_yticklabels()])
            ax.legend(title=None, fontsize="x-small", bbox_to_anchor=(1.01, 1), loc="upper left")
            fig.tight_layout()
            _save(comp, fig, out, "xrd_cells", "XRD cell parameters",
                  f"Refined cell parameters per sample and phase ({len(c)} refinements); bars: one standard "
                  "uncertainty.")
            comp.tables.append(("XRD cell parameters",
                                _with_sigma(c.assign(phase=[phase_name(n) for n in c["phase"]])
                                            .set_index(["sample", "phase"]))))
            frame = c.drop_duplicates(["sample", "phase"]).set_index(["sample", "phase"])
            keep = [k for k in ("a", "a_sigma", "b", "b_sigma", "c", "c_sigma") if k in frame]
            import xarray as xr

            extra = xr.Dataset.from_dataframe(frame[keep]).rename({k: f"cell_{k}" for k in keep})
            for name in extra.data_vars:
                extra[name].attrs["units"] = "angstrom"
            extra["phase"].attrs["units"] = "1"
        else:
            comp.notes.append("xrd: no cell was refined")
    return extra


# -- the index page -------------------------------------------------------------------------

#: the house style of every HTML page nakit writes itself (study index, batch summary): long
#: words and paths wrap, wide tables scroll inside their box instead of widening the page
CSS = ("body{font-family:sans-serif;max-width:75em;margin:2em auto;padding:0 1em;overflow-wrap:break-word}"
       "table{border-collapse:collapse;margin:.5em 0;display:block;max-width:100%;overflow-x:auto}"
       "td,th{border:1px solid #ccc;padding:3px 6px;font-size:90%}"
       ".banner{background:#fff0c0;padding:.6em;border:1px solid #e0c060}"
       ".failed{color:#a00;font-weight:bold}figure{margin:1em 0}figcaption{font-style:italic;font-size:90%}"
       "img{max-width:100%;height:auto}.note{color:#555}code,pre{white-space:pre-wrap}"
       ".thumbs{display:flex;flex-wrap:wrap;gap:1em;padding:0;list-style:none}"
       ".thumbs li{width:15em}.thumbs figure{margin:0}"
       ".thumbs img{width:100%;max-height:12em;object-fit:contain;border:1px solid #ddd}"
       ".thumbs figcaption{font-style:normal;font-size:80%}")
_CSS = CSS


def write_index(study: Study, results: list[JobResult], comp: Comparison, ledger: Path | None) -> Path:
    """``index.html``: title, samples, per-technique reports and status, comparison, ledger."""
    from .plotting import SYNTHESISED_CAPTION

    esc = html.escape
    out = study.output

    def rel(p: Path | str) -> str:
        p = Path(p)
        return str(p.relative_to(out)) if p.is_relative_to(out) else p.as_uri()

    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(study.title)}</title>",
             f"<style>{_CSS}</style></head><body>", f"<h1>{esc(study.title)}</h1>"]
    stand_ins = study.stand_ins
    if stand_ins and len(stand_ins) < len(study.labels):  # a mixed study: name the stand-ins only
        parts.append(f"<p class='banner'><b>Synthesised stand-in data (nakit forward model), not measurements: "
                     f"{esc(_join_labels(stand_ins))}.</b> Their input files are nakit's stand-ins, from its data/ folder "
                     "or copies of them (see data/README.md); the other samples are read from the files given.</p>")
    elif stand_ins or (not study.labels and study.synthesised):
        # every sample a stand-in, or no samples and inputs from data/; a measured sample's run
        # also reads data/ (reference structures, the default calibration spectrum): no banner
        words = ("The paper's raw data were never published; every input here was synthesised from the "
                 "paper's stated values (see data/README.md).") if study.claims else (
                 "nakit's stand-ins (from its data/ folder, or copies of them) were made by its forward models (see "
                 "data/README.md).")
        parts.append(f"<p class='banner'><b>{esc(SYNTHESISED_CAPTION)}</b> {esc(words)}</p>")
    # samples x techniques
    techs = list(study.techniques)
    parts.append(f"<h2>Samples ({len(study.labels)})</h2><table><tr><th>sample</th>"
                 + "".join(f"<th>{esc(TECHNIQUE_NAMES.get(t, t))}</th>" for t in techs) + "<th>results</th></tr>")
    set_aside = {r.name: dict(r.not_analysed) for r in results}

    def cell(label: str, t: str) -> str:
        why = set_aside.get(t, {}).get(label)
        if why is not None:
            return f"<td><span class='failed' title='{esc(why)}'>not analysed</span></td>"
        return f"<td>{'✓' if label in study.techniques[t] else ''}</td>"

    for label in study.labels:
        cells = "".join(cell(label, t) for t in techs)
        link = comp.per_sample.get(label)
        parts.append(f"<tr><td>{esc(label)}</td>{cells}<td>"
                     + (f"<a href='{esc(rel(link))}'>CSV</a>" if link else "") + "</td></tr>")
    parts.append("</table>")
    if study.notes:  # what loading the study noticed (two labels, one data): beside the samples
        parts.append("<h3>To check</h3><ul>" + "".join(f"<li class='note'>{esc(n)}</li>" for n in study.notes)
                     + "</ul>")
    # runs
    parts.append("<h2>Reports</h2><table><tr><th>report</th><th>samples</th><th>status</th><th>seconds</th></tr>")
    for r in results:
        report = Path(r.output_dir) / f"{r.name}.html"
        link = f"<a href='{esc(rel(report))}'>{esc(r.name)}</a>" if report.exists() else esc(r.name)
        status = esc(r.status) if r.ok else f"<span class='failed'>failed</span>: {esc(r.error)}"
        if set_aside.get(r.name):
            status += ("<br><span class='failed'>not analysed</span>:<ul>"
                       + "".join(f"<li>{esc(sample)}: {esc(why)}</li>" for sample, why in set_aside[r.name].items())
                       + "</ul>")
        n = len(study.techniques.get(r.name, []))
        # (a part set aside, "B (rate test)", is no sample of the study)
        unread = sum(name in study.techniques.get(r.name, []) for name in set_aside.get(r.name, {}))
        counted = f"{n} ({unread} not analysed)" if unread else f"{n or ''}"
        parts.append(f"<tr><td>{link}</td><td>{counted}</td><td>{status}</td><td>{r.seconds:.1f}</td></tr>")
    parts.append("</table>")
    # comparison
    parts.append("<h2>Comparison across samples</h2>")
    parts.append(f"<p>All headline results along <code>sample</code>: <a href='{esc(rel(comp.nc))}'>NetCDF</a>, "
                 f"<a href='{esc(rel(comp.csv))}'>CSV</a>.</p>")
    for heading, png, caption in comp.figures:
        parts.append(f"<figure><h3>{esc(heading)}</h3><img src='{esc(rel(png))}' alt='{esc(heading)}'>"
                     f"<figcaption>{esc(caption)}</figcaption></figure>")
    for heading, table in comp.tables:
        parts.append(f"<h3>{esc(heading)}</h3>" + table.to_html(na_rep="", escape=True, float_format=_float))
    if comp.notes:
        parts.append("<h3>Not shown</h3><ul>" + "".join(f"<li class='note'>{esc(n)}</li>" for n in comp.notes)
                     + "</ul>")
    # ledger
    if ledger:
        parts.append(f"<h2>Claims ledger (<a href='{esc(ledger.name)}'>CSV</a>)</h2><table><tr>")
        with open(ledger, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        from .claims import ROUND_TRIP, is_paper_list
        from .report import ledger_table, status_colour

        # nakit's value rounded to its uncertainty (else the claim's tolerance), round trips marked; a
        # claim not computed says why (note)
        paper = is_paper_list(study.claims)
        table = ledger_table(rows, paper=paper).reset_index()
        table["note"] = [r.get("note", "") for r in rows]
        cols = ["id", "quantity", "paper_value" if paper else "claimed_value", "nakit_value", "unit", "tolerance",
                "status", "basis", "flag", "note"]
        parts.append("".join(f"<th>{esc(c)}</th>" for c in cols) + "</tr>")
        for row in table.to_dict("records"):
            parts.append(f"<tr style='background:{status_colour(row['status'])}'>"
                         + "".join(f"<td>{esc(str(row.get(c, '') or ''))}</td>" for c in cols) + "</tr>")
        parts.append("</table>")
        if any(row.get("basis") == ROUND_TRIP for row in rows):
            parts.append("<p class='note'>Rows marked <i>round trip</i> were computed from stand-in data that "
                         "nakit made from the paper's own values: agreement there shows that the analysis gives "
                         "back what went in, not that a measurement confirms the paper.</p>")
    # every figure of the per-technique reports
    figures = sorted(p for r in results for p in Path(r.output_dir).glob("figures/*.png"))
    if figures:
        parts.append("<h2>Figures of the reports</h2><ul class='thumbs'>")
        captions: dict[Path, dict[str, str]] = {}
        for p in figures:
            if p.parent not in captions:
                captions[p.parent] = _figure_captions(p.parent / "captions.csv")
            caption = captions[p.parent].get(p.stem, "")
            parts.append(f"<li><a href='{esc(rel(p))}' title='{esc(caption)}'><figure>"
                         f"<img src='{esc(rel(p))}' alt='{esc(caption or p.stem)}' loading='lazy'>"
                         f"<figcaption>{esc(p.parent.parent.name)}: {esc(p.stem)}</figcaption></figure></a></li>")
        parts.append("</ul>")
    parts.append("</body></html>\n")
    index = out / "index.html"
    with atomic_path(index) as tmp:
        tmp.write_text("\n".join(parts), encoding="utf-8")
    return index


def _figure_captions(path: Path) -> dict[str, str]:
    """A report's ``figures/captions.csv`` as {figure: caption} (empty when it has none)."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return {row.get("figure", ""): row.get("caption", "") for row in csv.DictReader(fh)}
    except OSError:
        return {}


def _float(v: float) -> str:
    from .report import fmt

    return fmt(v)
