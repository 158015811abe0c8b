"""Batch manifests: samples x notebooks x parameters, validated before anything runs.

A manifest is YAML::

    output: reports/batch            # optional; relative to the manifest's folder
    notebooks:                       # run for every sample, with parameters shared by all
      02_bet_bjh: {bjh_branch: desorption}
      04_cycling: {}
    samples:
      CMK3-lot1:                     # per-sample parameters: each notebook's samples, its own settings
        02_bet_bjh: {samples: [{label: lot 1, file: raw/lot1.xlsx, material: carbon}]}
        04_cycling: {samples: [{label: lot 1 cell, file: raw/lot1_cell.xlsx, active_mass_mg: 1.5}]}
      CMK3-lot2:
        only: [02_bet_bjh]             # optional: a subset of the notebooks
        02_bet_bjh: {samples: [{label: lot 2, file: raw/lot2.xlsx, material: carbon}], bjh_branch: adsorption}

A sample runs a notebook on the data the manifest gives it, never on the notebook's defaults
(the paper's stand-ins): CMK3-lot2 above without ``only:`` would be left out of 04_cycling,
saying so (:func:`jobs_from_manifest`). A sample's reports go to
``<output>/<sample>/<notebook>``, the label made safe for a folder name
(:func:`nakit.paths.safe_names`: "lot 1 (dried)" -> ``lot_1_dried``); a sample key YAML did not
read as text (``3.10:`` read as 3.1) is refused: quote it. ``output`` may be the manifest's
folder (``.``); as a study's (:mod:`nakit.study`, "The output folder"), it is recorded, an input
that a run folder, ``gathered/``, ``summary.html`` or ``summary.csv`` would overwrite or hold is
refused, and so is one of those nakit did not write; a rerun removes the runs of samples and
notebooks the manifest no longer has. Notebooks are named
by stem (looked up in the project's ``notebooks/``) or by a path
relative to the manifest. Input-file parameters (``*_file``, ``*_files``) and the file keys
of ``samples`` entries given in the manifest are relative to the manifest's folder. For
samples measured by several techniques, a study (:mod:`nakit.study`) reads better: one
notebook run per technique over every sample, and one comparison report. Every problem (unknown top-level,
notebook or sample key, with the one meant where it is close; unknown parameter, wrong type,
missing file, the output folder's) is collected and reported in one
:class:`~nakit.errors.ParameterError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ParameterError
from ..paths import notebooks_dir, safe_names
from ..runfolder import root_problems
from ..params import INPUT_SUFFIXES, absolute_inputs, closest, notebook_parameters
from ..runner import input_paths, notebook_defaults, prepare
from .engine import Job, JobResult


TOP_KEYS = ("output", "notebooks", "samples")
SAMPLE_KEYS = ("only",)  # beside the notebooks listed under 'notebooks'


def load_manifest(path: str | os.PathLike) -> tuple[dict[str, Any], list[str]]:
    """The manifest at ``path`` and the problems of its top level (unknown keys, with a
    did-you-mean; 'notebooks' or 'samples' missing or empty), which do not stop the check of
    the rest: every problem is reported at once."""
    from ..params import read_yaml

    path = Path(path)
    data = read_yaml(path, "manifest", "a mapping with 'notebooks' and 'samples'")
    problems = []
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        named = ", ".join(repr(k) + closest(k, TOP_KEYS) for k in unknown)
        problems.append(f"unknown top-level key(s) {named}; expected {', '.join(TOP_KEYS)}")
    for key in ("notebooks", "samples"):
        if not isinstance(data.get(key), dict) or not data[key]:
            problems.append(f"'{key}' must be a non-empty mapping"
                            + (f", got {data[key]!r}" if data.get(key) not in (None, {}) else ""))
            data[key] = {}
    return data, problems


def _resolve_notebook(name: str, base: Path) -> Path | None:
    for candidate in (notebooks_dir() / f"{name}.ipynb", base / name, base / f"{name}.ipynb"):
        if candidate.is_file():
            return candidate.resolve()
    return None


class Batch(NamedTuple):
    """A manifest expanded: its jobs, its output folder and the runs it leaves out."""

    jobs: list[Job]
    output: Path
    #: a sample's notebook not run because the manifest gives it no data (status "left out", the reason in ``error``)
    left_out: list[JobResult]


#: what a listed notebook that a sample gives no data does to that sample (README: "nakit batch")
LEFT_OUT = ("the manifest gives this sample no {name} entry and 'notebooks' gives {name} no {data}, so it would "
            "run on {defaults}; give the sample a {name} entry, or list its notebooks under 'only:'")


def _data_parameters(notebook: Path) -> list[str]:
    """The parameters that carry a notebook's data: its ``samples`` list, else its input files
    that have a default (none: the notebook computes from its parameters alone)."""
    defaults = notebook_defaults(notebook)
    if "samples" in defaults:
        return ["samples"]
    return [n for n, v in defaults.items() if n.endswith(INPUT_SUFFIXES) and v not in (None, "", [])]


def _defaults_named(notebook: Path, data: list[str]) -> str:
    """What a run given none of ``data`` would read: the notebook's defaults, named as stand-ins where they are."""
    from ..paths import is_stand_in

    defaults = notebook_defaults(notebook)
    paths = [p for ps in input_paths(notebook, {n: defaults[n] for n in data}).values() for p in ps]
    if any(is_stand_in(p) for p in paths):
        return "the notebook's shipped stand-in data (synthesised by nakit, not a measurement)"
    return f"the notebook's default {' and '.join(map(repr, data))}"


def jobs_from_manifest(path: str | os.PathLike, output: str | os.PathLike | None = None) -> Batch:
    """Expand a manifest into jobs (one per sample and notebook), or raise listing every problem.

    A sample runs a notebook on the data the manifest gives it (its own entry, or the shared
    parameters under ``notebooks``), never on the notebook's own defaults: a notebook listed
    under ``notebooks`` that a sample has no entry for, while the shared parameters give it no
    data either, is left out for that sample (:attr:`Batch.left_out`, said on the console and
    in the summary); one the sample asks for (its own entry, or ``only``) without data is refused.
    """
    from ..params import not_text
    from ..runfolder import confined_output

    path = Path(path).resolve()
    base = path.parent
    data, problems = load_manifest(path)
    if output:
        out_root = Path(output).expanduser().resolve()
    else:
        # a manifest is often shared or downloaded: its own 'output' may not write elsewhere
        out_root, problem = confined_output(data.get("output"), "reports/batch", base, "manifest's")
        if problem:
            problems.append(problem)
    notebooks: dict[str, Path] = {}
    shared: dict[str, dict] = {}
    declared: dict[str, dict] = {}  # each notebook's parameters: which take a file path
    carriers: dict[str, list[str]] = {}  # the parameters that carry each notebook's data
    gaps: dict[str, str] = {}  # why a sample given none of them is not run on the notebook's defaults
    for name, params in data["notebooks"].items():
        nb = _resolve_notebook(str(name), base)
        if nb is None:
            stems = [nb.stem for nb in notebooks_dir().glob("*.ipynb")]
            problems.append(f"unknown notebook {name!r}{closest(name, stems)} (not in {notebooks_dir()} nor beside "
                            "the manifest)")
            continue
        if params is not None and not isinstance(params, dict):
            problems.append(f"notebook {name!r}: parameters must be a mapping, got {params!r}")
            continue
        notebooks[name] = nb
        declared[name] = notebook_parameters(nb)
        shared[name] = absolute_inputs(params or {}, base, declared[name])
        carriers[name] = _data_parameters(nb)
        if carriers[name]:  # what a sample given none of them would be run on: said once per notebook
            gaps[name] = LEFT_OUT.format(name=name, data=" or ".join(map(repr, carriers[name])),
                                         defaults=_defaults_named(nb, carriers[name]))
    jobs: list[Job] = []
    left_out: list[JobResult] = []
    # a sample's label names its folder, made safe ("lead sulfate" -> lead_sulfate, two alike told apart)
    folders = safe_names([str(sample) for sample in data["samples"]])
    for sample, spec in data["samples"].items():
        if not isinstance(sample, str):  # YAML read 3.10: as 3.1, a folder named 3.1/
            problems.append(not_text("sample key", sample, "'3.10':"))
            sample = str(sample)  # its entries are checked on: every problem at once
        spec = spec or {}
        if not isinstance(spec, dict):
            problems.append(f"sample {sample!r}: expected a mapping of notebook -> parameters")
            continue
        only = spec.get("only", list(data["notebooks"]))
        for key in spec:
            if key not in SAMPLE_KEYS and key not in data["notebooks"]:
                problems.append(f"sample {sample!r}: {key!r} is not a notebook listed under 'notebooks'"
                                f"{closest(key, [*data['notebooks'], *SAMPLE_KEYS])}; a sample's keys are those "
                                f"notebooks ({', '.join(map(str, data['notebooks']))}) and "
                                f"{', '.join(map(repr, SAMPLE_KEYS))}")
        if not isinstance(only, list):
            problems.append(f"sample {sample!r}: 'only' must be a list of notebooks, got {only!r}")
            continue
        for name in only:
            if name not in data["notebooks"]:
                problems.append(f"sample {sample!r}: 'only' names unknown notebook {name!r}"
                                + closest(name, data["notebooks"]))
                continue
            if name not in notebooks:
                continue
            own = spec.get(name) or {}
            if not isinstance(own, dict):
                problems.append(f"sample {sample!r}, {name}: parameters must be a mapping, got {own!r}")
                continue
            out = out_root / folders[sample] / Path(notebooks[name]).stem
            if carriers[name] and not any(p in shared[name] or p in own for p in carriers[name]):
                if name in spec or "only" in spec:  # asked for by name: a mistake, not a gap
                    problems.append(f"sample {sample!r}, {name}: {gaps[name]}")
                else:
                    left_out.append(JobResult(f"{sample}/{Path(notebooks[name]).stem}", str(out), "left out",
                                              error=gaps[name]))
                continue
            overrides = {**shared[name], **absolute_inputs(own, base, declared[name])}
            if "output_dir" in overrides:  # the batch places every report; another place would be ignored
                problems.append(f"sample {sample!r}, {name}: output_dir is the batch's ({out}); leave it out "
                                "(the manifest's 'output' or -o moves the whole batch)")
                continue
            try:
                params = prepare(notebooks[name], overrides)
            except ParameterError as exc:
                problems.append(f"sample {sample!r}: {exc}")
                continue
            params["output_dir"] = str(out)
            jobs.append(Job(f"{sample}/{Path(notebooks[name]).stem}", str(notebooks[name]), str(out), params))
    problems += root_problems(out_root, path, output_entries(out_root, jobs),
                              [path, *(p for job in jobs for paths in job.input_paths().values() for p in paths)])
    if problems:
        raise ParameterError(f"manifest {path} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return Batch(jobs, out_root, left_out)


#: a batch's own files and folders in its output root, beside a folder per sample and notebook
BATCH_FILES = ("summary.html", "summary.csv")
BATCH_FOLDERS = ("gathered/",)


def output_entries(out_root: Path, jobs: list[Job]) -> list[str]:
    """What a batch writes into ``out_root`` (:func:`nakit.runfolder.take_root`'s entries)."""
    runs = [f"{Path(job.output_dir).relative_to(out_root).as_posix()}/" for job in jobs]
    return [*BATCH_FILES, *BATCH_FOLDERS, *runs]
