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

A sample's reports go to ``<output>/<sample>/<notebook>``, the label made safe for a folder
name (:func:`nakit.paths.safe_names`: "lot 1 (dried)" -> ``lot_1_dried``); a sample key YAML
did not read as text (``3.10:`` read as 3.1) is refused: quote it. ``output`` may be the
manifest's folder (``.``); as a study's (:mod:`nakit.study`, "The output folder"), it is
recorded, an input that a run folder, ``gathered/``, ``summary.html`` or ``summary.csv`` would
overwrite or hold is refused, and so is one of those nakit did not write; a rerun removes the
runs of samples and notebooks the manifest no longer has. Notebooks are named
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
from typing import Any

from ..errors import ParameterError
from ..paths import notebooks_dir, safe_names
from ..runfolder import root_problems
from ..params import absolute_inputs, closest
from ..runner import prepare
from .engine import Job


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


def jobs_from_manifest(path: str | os.PathLike, output: str | os.PathLike | None = None) -> tuple[list[Job], Path]:
    """Expand a manifest into jobs (one per sample and notebook), or raise listing every problem."""
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
        shared[name] = absolute_inputs(params or {}, base)
    jobs: list[Job] = []
    # a sample's label names its folder, made safe ("lead sulfate" -> lead_sulfate, two alike told apart)
    folders = safe_names([str(sample) for sample in data["samples"]])
    for sample, spec in data["samples"].items():
        if not isinstance(sample, str):  # YAML read 3.10: as 3.1, a folder named 3.1/
            problems.append(not_text("sample key", sample, "'3.10':"))
            continue
        spec = spec or {}
        if not isinstance(spec, dict):
            problems.append(f"sample {sample!r}: expected a mapping of notebook -> parameters")
            continue
        only = spec.get("only", list(data["notebooks"]))
        for key in spec:
            if key not in SAMPLE_KEYS and key not in data["notebooks"]:
                problems.append(f"sample {sample!r}: {key!r} is not a notebook listed under 'notebooks'"
                                + closest(key, [*data["notebooks"], *SAMPLE_KEYS]) + f" nor {SAMPLE_KEYS[0]!r}")
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
            overrides = {**shared[name], **absolute_inputs(spec.get(name) or {}, base)}
            out = out_root / folders[sample] / Path(notebooks[name]).stem
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
    return jobs, out_root


#: a batch's own files and folders in its output root, beside a folder per sample and notebook
BATCH_FILES = ("summary.html", "summary.csv")
BATCH_FOLDERS = ("gathered/",)


def output_entries(out_root: Path, jobs: list[Job]) -> list[str]:
    """What a batch writes into ``out_root`` (:func:`nakit.runfolder.take_root`'s entries)."""
    runs = [f"{Path(job.output_dir).relative_to(out_root).as_posix()}/" for job in jobs]
    return [*BATCH_FILES, *BATCH_FOLDERS, *runs]
