"""Regenerating the synthesised stand-in data in ``data/`` from nakit's forward models.

Each technique's ``synthetic`` module has ``write_paper_data(out_dir) -> list[Path]``, which
writes its stand-in files from the paper's stated values with fixed seeds: the same bytes
on every run, so ``nakit synthesise`` followed by ``git status`` shows no change.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from .errors import ParameterError
from .paths import data_dir

TECHNIQUES = {
    "xrd": "nakit.xrd.synthetic",
    "sorption": "nakit.sorption.synthetic",
    "raman": "nakit.raman.synthetic",
    "cycling": "nakit.cycling.synthetic",
    "eis": "nakit.eis.synthetic",
}


def synthesise(technique: str, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write one technique's stand-in files into ``out_dir`` (default ``data/<technique>``)."""
    if technique not in TECHNIQUES:
        raise ParameterError(f"unknown technique {technique!r}; choose from {', '.join(TECHNIQUES)}")
    module = importlib.import_module(TECHNIQUES[technique])
    out = Path(out_dir) if out_dir else data_dir() / technique
    out.mkdir(parents=True, exist_ok=True)
    return [Path(p) for p in module.write_paper_data(out)]


def synthesise_all(out_root: str | os.PathLike | None = None) -> dict[str, list[Path]]:
    """Write every technique's stand-ins under ``out_root`` (default ``data/``)."""
    root = Path(out_root) if out_root else data_dir()
    return {t: synthesise(t, root / t) for t in TECHNIQUES}
