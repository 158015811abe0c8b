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
name (:func:`nakit.paths.safe_names`: "lot 1 (dried)" -> ``lot_1_dried``). Notebooks are named
by stem (looked up in the project's ``notebooks/``) or by a path
relative to the manifest. Input-file parameters (``*_file``, ``*_files``) and the file keys
of ``samples`` entries given in the manifest are relative to the manifest's folder. For
samples measured by several techniques, a study (:mod:`nakit.study`) reads better: one
notebook run per technique over every sample, and one comparison report. Every problem (unknown notebook or sample
key, unknown parameter, wrong type, missing file) is collected and reported in one
:class:`~nakit.errors.ParameterError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import FileFormatError, ParameterError
from ..paths import notebooks_dir, safe_names
from ..params import absolute_inputs, closest
from ..runner import prepare
from .engine import Job


def load_manifest(path: str | os.PathLike) -> dict[str, Any]:
    from ..params import read_yaml

    path = Path(path)
    data = read_yaml(path, "manifest", "a mapping with 'notebooks' and 'samples'")
    unknown = set(data) - {"output", "notebooks", "samples"}
    if unknown:
        hints = "".join(closest(k, ("output", "notebooks", "samples")) for k in sorted(unknown))
        raise FileFormatError(path, f"unknown top-level key(s) {sorted(unknown)}{hints}; expected output, notebooks, "
                                    "samples")
    for key in ("notebooks", "samples"):
        if not isinstance(data.get(key), dict) or not data[key]:
            raise FileFormatError(path, f"'{key}' must be a non-empty mapping", field=key)
    return data


def _resolve_notebook(name: str, base: Path) -> Path | None:
    for candidate in (notebooks_dir() / f"{name}.ipynb", base / name, base / f"{name}.ipynb"):
        if candidate.is_file():
            return candidate.resolve()
    return None


def jobs_from_manifest(path: str | os.PathLike, output: str | os.PathLike | None = None) -> tuple[list[Job], Path]:
    """Expand a manifest into jobs (one per sample and notebook), or raise listing every problem."""
    path = Path(path).resolve()
    base = path.parent
    data = load_manifest(path)
    problems: list[str] = []
    if output:
        out_root = Path(output).expanduser().resolve()
    else:
        # a manifest is often shared or downloaded: its own 'output' may not write elsewhere
        rel = str(data.get("output", "reports/batch"))
        out_root = (base / rel).resolve()
        if not out_root.is_relative_to(base) or out_root == base:
            problems.append(f"'output' {rel!r} points outside the manifest's folder {base} "
                            "(give an explicit output folder with -o to write elsewhere)")
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
        sample = str(sample)
        spec = spec or {}
        if not isinstance(spec, dict):
            problems.append(f"sample {sample!r}: expected a mapping of notebook -> parameters")
            continue
        only = spec.get("only", list(data["notebooks"]))
        for key in spec:
            if key != "only" and key not in data["notebooks"]:
                problems.append(f"sample {sample!r}: {key!r} is not a notebook listed under 'notebooks'"
                                + closest(key, data["notebooks"]))
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
    if problems:
        raise ParameterError(f"manifest {path} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return jobs, out_root
