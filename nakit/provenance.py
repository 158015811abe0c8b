"""What every executed notebook records about how its numbers were made.

:func:`run_record` gathers the nakit version, the git commit of the project and whether
the work tree had uncommitted changes, Python and key package versions, the notebook's
parameters and the SHA-256 of every input file. Notebooks show it at the end of their
report and write it beside their results as ``provenance.json``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

from .io import sha256_file

KEY_PACKAGES = (
    "numpy", "scipy", "pandas", "xarray", "lmfit", "matplotlib", "seaborn",
    "pybaselines", "gemmi", "xraydb", "papermill",
)


def package_versions(names: Iterable[str] = KEY_PACKAGES) -> dict[str, str]:
    """Installed version of each named distribution ("not installed" when absent)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Commit hash and dirty flag of the git work tree containing ``path``.

    Returns ``{"commit": None, "dirty": None}`` outside a repository or without git, so a
    report made from an unpacked release still renders.
    """
    cwd = Path(path or Path(__file__).resolve().parent)
    if cwd.is_file():
        cwd = cwd.parent

    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def input_hashes(paths: Iterable[str | os.PathLike]) -> dict[str, str]:
    """SHA-256 of each input file, keyed by its absolute path (valid from any working folder)."""
    return {str(Path(p).resolve()): sha256_file(p) for p in paths}


def run_record(parameters: Mapping[str, Any] | None = None,
               input_files: Iterable[str | os.PathLike] = ()) -> dict[str, Any]:
    """Everything needed to say how a notebook's results were produced."""
    from . import __version__

    return {
        "nakit_version": __version__,
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
        "packages": package_versions(),
        "parameters": dict(parameters or {}),
        "input_files": input_hashes(input_files),
    }


def write_record(record: Mapping[str, Any], path: str | os.PathLike) -> Path:
    """Write a run record as sorted, indented JSON (stable bytes for the same content)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
    return path
