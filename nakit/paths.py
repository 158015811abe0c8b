"""Where the project's folders are, for an editable install run from a clone."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The clone's top folder (holding ``pyproject.toml`` and ``notebooks/``).

    ``NAKIT_ROOT`` overrides it, so a batch can run against another checkout.
    """
    env = os.environ.get("NAKIT_ROOT")
    if env:
        return Path(env).resolve()
    return PACKAGE_DIR.parent


def data_dir() -> Path:
    return project_root() / "data"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reports_dir() -> Path:
    return project_root() / "reports"


def references_dir() -> Path:
    return data_dir() / "references"
