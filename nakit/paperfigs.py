"""Gathering the paper's figures from the technique reports into one folder.

Technique notebooks save each paper figure they reproduce under a name that starts with
the paper's figure id (``fig2a_xrd.png``, ``figS10_nyquist.svg``; a name covering several
panels lists them, ``fig4a-c`` or ``fig5a_5b_5c``). :func:`collect` copies them, byte for
byte, into ``reports/paper/figures/`` and reports which of the paper's figures are missing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

PAPER_FIGURES = {
    "2a": "XRD of the quenched and annealed composites",
    "2b": "Raman spectra of the quenched and annealed composites",
    "3c": "N2 isotherms of CMK-3 and the composite",
    "3d": "BJH pore-size distributions",
    "4a": "charge/discharge profiles, ball-milled cathode",
    "4b": "charge/discharge profiles, cast-annealed cathode",
    "4c": "cycling performance and Coulombic efficiency",
    "5a": "rate-test profiles, ball-milled cathode",
    "5b": "rate-test profiles, cast-annealed cathode",
    "5c": "rate capability",
    "S2": "XRD of ball-milled Na2S/Na3PS4",
    "S3": "XRD of the ball-milled Na2S-Na3PS4-C cathode",
    "S4": "Raman D and G bands of CMK-3",
    "S10": "Nyquist plots over cycling, both cathodes",
    "S11": "room-temperature charge/discharge hysteresis",
    "S13": "Na3PS4 conductivity (blocking cell) and Arrhenius plot",
}

_PART = re.compile(r"^(s?)(\d+)([a-z]*)(?:-([a-z]))?$")


def figure_ids(stem: str) -> set[str]:
    """Paper figure ids a file stem covers: ``fig4a-c`` -> {4a, 4b, 4c}; ``figS2_S3_x`` -> {S2, S3}."""
    stem = stem.lower()
    if not stem.startswith("fig"):
        return set()
    ids: set[str] = set()
    for part in stem[3:].split("_"):
        m = _PART.match(part)
        if not m:
            break  # the descriptive rest of the name
        number = ("S" if m.group(1) else "") + m.group(2)
        letters = list(m.group(3))
        if m.group(4) and letters:
            letters += [chr(c) for c in range(ord(letters[-1]) + 1, ord(m.group(4)) + 1)]
        ids.update(number + letter for letter in letters or [""])
    return ids & set(PAPER_FIGURES)


def collect(results_dir: str | Path, dest: str | Path | None = None):
    """Copy every paper figure from ``results_dir/*/figures`` into ``dest``; return a table.

    The table has one row per paper figure: its id, description, the source report and the
    copied files, or ``missing``.
    """
    import pandas as pd

    results_dir = Path(results_dir)
    dest = Path(dest) if dest else results_dir / "figures"
    dest.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    for path in sorted(results_dir.glob("*/figures/fig*.*")):
        if path.parent.parent == dest.parent and path.parent == dest:
            continue
        ids = figure_ids(path.stem)
        if not ids:
            continue
        target = dest / path.name
        shutil.copyfile(path, target)
        for i in sorted(ids):
            found.setdefault(i, []).append(target.name)
            sources[i] = path.parent.parent.name
    rows = []
    for fid, what in PAPER_FIGURES.items():
        files = sorted(set(found.get(fid, [])))
        rows.append({"figure": f"Fig. {fid}", "content": what, "report": sources.get(fid, ""),
                     "files": ", ".join(files) if files else "missing"})
    return pd.DataFrame(rows)
