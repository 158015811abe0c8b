"""Where the project's folders are, for an editable install run from a clone."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
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


#: each technique's notebook (technique names are what study files and claims lists may use)
NOTEBOOKS = {"xrd": "01_xrd_indexing", "sorption": "02_bet_bjh", "raman": "03_raman_assignment",
             "cycling": "04_cycling", "eis": "05_eis_fitting"}


def reports_dir() -> Path:
    return project_root() / "reports"


def references_dir() -> Path:
    return data_dir() / "references"


def is_stand_in(path) -> bool:
    """Whether ``path`` is one of the synthesised stand-in measurements shipped in ``data/``, or a
    copy of one elsewhere.

    Every measurement file there was made by nakit's forward models from the paper's stated
    values; the reference structures and band library in ``data/references`` are real
    reference data, not stand-ins. The files are in real instrument formats and say nothing of
    their making, so a stand-in copied into a study's folder (to try the workbook) is known by
    its bytes: it stays labelled synthesised wherever a user sees it.
    """
    resolved = Path(path).resolve()
    if data_dir().resolve() in resolved.parents:
        return references_dir().resolve() not in resolved.parents
    try:
        size = resolved.stat().st_size
    except OSError:
        return False
    same_size = _stand_ins_by_size().get(size, ())
    if not same_size:  # (a file of no stand-in's size is not hashed)
        return False
    from .io import sha256_file

    return sha256_file(resolved) in {_stand_in_digest(p) for p in same_size}


@functools.lru_cache(maxsize=1)
def _stand_ins_by_size() -> dict[int, tuple[Path, ...]]:
    """size -> the stand-in files shipped in ``data/`` of that size (their sizes only: no file is read)."""
    found: dict[int, list[Path]] = {}
    references = references_dir().resolve()
    for p in data_dir().resolve().rglob("*"):
        if p.is_file() and references not in p.parents:
            found.setdefault(p.stat().st_size, []).append(p)
    return {size: tuple(paths) for size, paths in found.items()}


@functools.lru_cache(maxsize=None)
def _stand_in_digest(path: Path) -> str:
    """The sha256 of one stand-in, hashed when a file of its size is first asked about."""
    from .io import sha256_file

    return sha256_file(path)


def spelled_out(text: str) -> str:
    """``text`` with accents dropped and Greek letters and the degree sign spelled out, for file names:
    ``"TiO2-α"`` -> ``"TiO2-alpha"``, ``"Müller, 25 °C"`` -> ``"Muller, 25 degC"``.

    Materials are named by their phase (α-, β-, γ-): dropped, "TiO2-α" and "TiO2-β" both became
    ``TiO2-``, told apart only by a ``-2``. Other scripts (kanji, Cyrillic) are kept as they are.
    """
    out = []
    for ch in unicodedata.normalize("NFKD", str(text)):
        if unicodedata.combining(ch):
            continue
        name = unicodedata.name(ch, "") if not ch.isascii() else ""
        if name.startswith("GREEK SMALL LETTER "):
            ch = name[len("GREEK SMALL LETTER "):].lower()
        elif name.startswith("GREEK CAPITAL LETTER "):
            ch = name[len("GREEK CAPITAL LETTER "):].capitalize()
        elif ch == "°":
            ch = "deg"
        out.append(ch)
    return "".join(out)


def safe_names(labels: list[str]) -> dict[str, str]:
    """A file-system-safe, unique name for each label (unique also ignoring case).

    :func:`spelled_out`, then runs of characters other than letters (of any script), digits,
    ``.``, ``_`` and ``-`` become ``_``; leading dots are dropped; clashes get ``-2``, ``-3``, ...
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for label in labels:
        base = re.sub(r"[^\w.-]+", "_", spelled_out(label)).strip("._") or "sample"
        base = base[:80]
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        out[label] = name
    return out
