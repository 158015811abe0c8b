"""``nakit reproduce``: the paper's study, ``data/paper_study.yaml``, run into ``reports/paper``.

The paper is one study among others (:mod:`nakit.study`): its samples, the synthesised
stand-in files in ``data/``, the stoichiometry and paper-figure notebooks, and the claims
list ``data/paper_claims.csv``. Technique notebooks run first, in parallel; the
paper-figure composer (``10_*``) runs after them because it reads their results. The
claims every notebook recorded are gathered into ``claims.csv`` (the ledger), and
``index.html`` links each report, figure and the ledger.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Iterable

from .io import atomic_path
from .paths import data_dir, reports_dir

PAPER_STUDY = "paper_study.yaml"


def paper_study() -> Path:
    """The paper's study file, ``data/paper_study.yaml``."""
    return data_dir() / PAPER_STUDY


def reproduce(output: str | os.PathLike | None = None, workers: int | None = None,
              force: bool = False):
    """Run the paper's study into ``output`` (default ``reports/paper``); see :func:`nakit.study.run_study`."""
    from .study import run_study

    output = Path(output) if output else reports_dir() / "paper"
    return run_study(paper_study(), output=output, workers=workers, force=force)


def write_ledger(output: Path, claims: str | os.PathLike | None = None,
                 runs: Iterable[str | os.PathLike] | None = None) -> Path | None:
    """Write the claims recorded by the runs under ``output`` as one ledger, ``output/claims.csv``.

    ``runs``: the report folders to read (default: every ``output/*/``); pass the folders of
    the runs that succeeded so a failed notebook's earlier ``claims.csv`` is not taken for
    current. Rows follow the order of the claims list ``claims`` (default: the paper's); a claim
    no run recorded (its notebook did not run, or failed) is there too, ``not computed``, saying so.
    Returns None, and removes a previous ledger, when no run recorded a claim.
    """
    from .claims import RESULT_COLUMNS, Ledger, load_claims

    output = Path(output)
    folders = [Path(r) for r in runs] if runs is not None else sorted(p.parent for p in output.glob("*/claims.csv"))
    recorded: dict[str, dict[str, str]] = {}
    for folder in folders:
        path = folder / "claims.csv"
        if not path.is_file():
            continue
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                recorded[row["id"]] = {k: row.get(k, "") or "" for k in RESULT_COLUMNS}
    ledger = output / "claims.csv"
    listed = load_claims(claims)
    rows = [recorded[cid] for cid in listed if cid in recorded]
    if rows:
        ran = sorted({f.name for f in folders if (f / "claims.csv").is_file()})
        for cid, claim in listed.items():
            if cid not in recorded:
                missing = Ledger(claim.notebook, {cid: claim})
                missing.record(cid, None, note=f"its notebook, {claim.notebook}, did not run here or failed (the "
                                               f"notebooks that gave claims: {', '.join(ran)})")
                recorded[cid] = {k: missing.rows[cid].get(k, "") for k in RESULT_COLUMNS}
        rows = [recorded[cid] for cid in listed]
    if not rows:
        if ledger.exists():
            ledger.unlink()
        return None
    with atomic_path(ledger) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(RESULT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return ledger
