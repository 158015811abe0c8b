"""Executing parameterised notebooks into reports (papermill + nbconvert).

A notebook's first code cell is tagged ``parameters`` and holds literal defaults that run
on the shipped data. Two naming rules let the runner check a run before any kernel starts:

* parameters ending in ``_file`` (a path) or ``_files`` (a list of paths) are inputs; they
  must exist. Relative paths are relative to the notebook's folder, as in JupyterLab.
* in a list-of-dict parameter (``samples``), keys named ``file``/``files`` or ending in
  ``_file``/``_files`` are inputs too, and ``label`` must be unique; the comments of the
  parameters cell may list allowed values and entry keys (grammar: :mod:`nakit.params`).
* ``output_dir`` is where the notebook writes figures, results and ``claims.csv``; the
  runner points it at the report folder.

:func:`prepare` validates names, types and files and returns the full parameter set;
:func:`execute` runs the notebook and renders HTML (code hidden unless asked).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .errors import NakitError, ParameterError, require
from .io import atomic_path

from .params import INPUT_SUFFIXES  # noqa: F401  (re-exported: the input-file naming rule)


@dataclass
class RunResult:
    notebook: Path
    output_dir: Path
    parameters: dict[str, Any]
    executed: Path
    html: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def notebook_defaults(path: str | os.PathLike) -> dict[str, Any]:
    """The literal defaults of a notebook's ``parameters`` cell, as Python values."""
    from .params import notebook_parameters

    return {name: p.default for name, p in notebook_parameters(path).items()}


def input_paths(notebook: Path, parameters: Mapping[str, Any]) -> dict[str, list[Path]]:
    """Every input file a parameter set names, resolved against the notebook folder.

    Top-level ``*_file``/``*_files`` parameters, and the ``file``/``files``/``*_file``/
    ``*_files`` keys of list-of-dict parameters' entries (keyed ``samples[<label>].file``).
    """
    from .params import sample_inputs

    notebook = Path(notebook)
    out: dict[str, list[Path]] = {}
    for name, value in parameters.items():
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
            out.update(sample_inputs(name, value, notebook.parent))
            continue
        if not name.endswith(INPUT_SUFFIXES) or value in (None, ""):
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        out[name] = [(notebook.parent / str(v)).resolve() if not Path(str(v)).is_absolute() else Path(v)
                     for v in values]
    return out


def _compatible(default: Any, value: Any) -> bool:
    if default is None or value is None:
        return True
    number = (int, float)
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) == isinstance(value, bool)
    if isinstance(default, number):
        return isinstance(value, number)
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


def prepare(notebook: str | os.PathLike, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``overrides`` into a notebook's defaults and validate the result.

    Checks, all before any kernel starts: parameter names, value types, the allowed values
    a parameter's ``one of:`` comment lists, sample entries (unknown or missing keys per the
    ``keys:`` comment, duplicate labels) and input files (top-level ``*_file``/``*_files``
    parameters and the file keys of sample entries). Sample entries' input paths come back
    absolute (relative ones are relative to the notebook's folder).

    Raises
    ------
    ParameterError
        Listing every problem at once.
    """
    from .params import check, notebook_parameters

    notebook = Path(notebook)
    declared = notebook_parameters(notebook)
    defaults = {name: p.default for name, p in declared.items()}
    overrides = dict(overrides or {})
    problems = []
    refused = set()  # wrong kind of value: not checked further
    for name, value in overrides.items():
        if name not in defaults:
            problems.append(f"unknown parameter {name!r} (known: {', '.join(sorted(defaults))})")
        elif not _compatible(defaults[name], value):
            refused.add(name)
            problems.append(f"parameter {name!r}: expected {type(defaults[name]).__name__} like "
                            f"{defaults[name]!r}, got {type(value).__name__} {value!r}")
    params = {**defaults, **{k: v for k, v in overrides.items() if k in defaults}}
    for name, param in declared.items():
        if name in refused:
            continue
        params[name], found = check(param, params[name], notebook.parent.resolve())
        problems.extend(found)
    for name, paths in input_paths(notebook, params).items():
        if "[" in name:  # sample entries: checked above, with the entry named
            continue
        for p in paths:
            if not p.exists():
                problems.append(f"parameter {name!r}: input file {p} does not exist")
    if problems:
        error = ParameterError(f"{notebook.name}: " + "; ".join(problems))
        error.problems = problems  # one by one, for callers that list them (studies, manifests)
        raise error
    return params


def _papermill():
    """Import papermill without the 2.7 s that jsonschema's optional IRI checker costs.

    nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is
    installed (JupyterLab's dependencies bring it); that module builds a parser grammar at
    import. Notebook schemas use no IRI formats, so this process marks it unavailable and
    jsonschema skips that checker. Kernels and other programs are unaffected.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    return require("papermill", "notebooks", "executing notebooks")


def kernel_name() -> str:
    """The registered ``nakit`` kernel when it runs this interpreter, else ``python3``."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec("nakit")
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return "nakit"
    except Exception:  # no such kernel or jupyter_client missing: papermill's default
        pass
    return "python3"


def execute(notebook: str | os.PathLike, output_dir: str | os.PathLike,
            overrides: Mapping[str, Any] | None = None, *, html: bool = True,
            show_code: bool = False, parameters: Mapping[str, Any] | None = None) -> RunResult:
    """Run ``notebook`` with papermill into ``output_dir`` and render it to HTML.

    ``parameters`` (already validated by :func:`prepare`) skips re-validation. The executed
    notebook is ``output_dir/<name>.ipynb``. The folder is replaced only when the run
    completes (:func:`nakit.runfolder.replace_when_complete`): on a notebook error the
    partially executed notebook and its HTML are kept in ``<output_dir>.failed``, the
    previous report (if any) stays in place marked stale, and the result carries the error
    text instead of raising. Ctrl-C abandons the run the same way and is re-raised.
    """
    from .runfolder import replace_when_complete

    pm = _papermill()
    notebook = Path(notebook).resolve()
    output_dir = Path(output_dir).resolve()
    params = dict(parameters) if parameters is not None else prepare(notebook, overrides)
    if "output_dir" in params:
        params["output_dir"] = str(output_dir)
    executed = output_dir / notebook.name
    result = RunResult(notebook, output_dir, params, executed)
    with replace_when_complete(output_dir) as txn:
        try:
            with atomic_path(executed) as tmp, tempfile.TemporaryDirectory(prefix="nakit-kernel-") as sockets:
                try:
                    pm.execute_notebook(str(notebook), str(tmp), parameters=params, cwd=str(notebook.parent),
                                        kernel_name=kernel_name(), progress_bar=False, log_output=False,
                                        config=_local_kernel_config(sockets))
                except pm.PapermillExecutionError as exc:
                    result.error = f"{exc.ename}: {exc.evalue}"
        except (OSError, RuntimeError, NakitError) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
        if html and executed.exists():
            result.html = render_html(executed, show_code=show_code)
        if result.error is not None:
            txn.fail(result.error)
    if result.error is not None:
        result.executed = txn.failed_dir / executed.name
        result.html = txn.failed_dir / result.html.name if result.html else None
    return result


def _local_kernel_config(socket_dir: str):
    """Kernel-manager config: talk to the kernel over Unix sockets in ``socket_dir``.

    The default TCP transport opens loopback ports without encryption, and ipykernel warns
    about it on every run. IPC sockets are files, here in a temporary directory only this
    user may enter (mode 0700). Their default path is relative (``kernel-ipc-N`` in the notebook's folder), where parallel runs of one
    notebook would collide, so each run gets its own directory.
    """
    from traitlets.config import Config

    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(socket_dir, "kernel")
    return config


def render_html(executed: str | os.PathLike, show_code: bool = False) -> Path:
    """Render an executed notebook to HTML beside it (code cells hidden by default)."""
    nbconvert = require("nbconvert", "notebooks", "rendering reports")
    nbformat = require("nbformat", "notebooks", "rendering reports")
    executed = Path(executed)
    exporter = nbconvert.HTMLExporter(exclude_input=not show_code, exclude_input_prompt=True,
                                      exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    out = executed.with_suffix(".html")
    with atomic_path(out) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return out
