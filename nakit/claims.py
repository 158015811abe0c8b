"""The claims ledger: each quantitative claim of the paper beside nakit's recomputed value.

The claims list ships as ``data/paper_claims.csv`` (one row per claim: id, the notebook
that recomputes it, the paper's value and unit, a tolerance, the comparison relation and
the status the shipped stand-in data are expected to give). A notebook records its
values with :meth:`Ledger.record`; :meth:`Ledger.table` shows them side by side with the
paper's and :meth:`Ledger.write` saves ``claims.csv`` for the paper index.

Statuses
--------
``agrees``      the value meets the claim within tolerance (or satisfies ``>``/``<``)
``differs``     it does not
``flagged``     nakit has a reason to doubt the claim itself (e.g. a capacity above the
                theoretical limit); the reason is in ``flag``
``not computed`` no data in this project can test the claim
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .paths import data_dir

COLUMNS = ("id", "notebook", "section", "quantity", "paper_value", "unit", "relation",
           "tolerance", "tolerance_type", "expected", "where")
RESULT_COLUMNS = ("id", "section", "quantity", "paper_value", "nakit_value", "nakit_sigma", "unit",
                  "relation", "tolerance", "status", "flag", "note", "where")


@dataclass(frozen=True)
class Claim:
    id: str
    notebook: str
    section: str
    quantity: str
    paper_value: str
    unit: str
    relation: str
    tolerance: float
    tolerance_type: str
    expected: str
    where: str

    def compare(self, value: Any, sigma: float | None = None) -> str:
        """``agrees`` or ``differs`` for a recomputed ``value``."""
        if self.relation == "is":
            return "agrees" if str(value).strip().lower() == self.paper_value.strip().lower() else "differs"
        v = float(value)
        p = float(self.paper_value)
        if self.relation == ">":
            return "agrees" if v > p else "differs"
        if self.relation == "<":
            return "agrees" if v < p else "differs"
        tol = self.tolerance * abs(p) if self.tolerance_type == "relative" else self.tolerance
        return "agrees" if abs(v - p) <= tol else "differs"


def load_claims(path: str | os.PathLike | None = None) -> dict[str, Claim]:
    """Read the claims list (default ``data/paper_claims.csv``)."""
    path = Path(path) if path else data_dir() / "paper_claims.csv"
    from .errors import FileFormatError

    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise FileFormatError(path, f"expected columns {COLUMNS}, got {reader.fieldnames}", line=1)
        claims = {}
        for lineno, row in enumerate(reader, start=2):
            try:
                tol = float(row["tolerance"]) if row["tolerance"] else 0.0
            except ValueError:
                raise FileFormatError(path, f"tolerance {row['tolerance']!r} is not a number",
                                      line=lineno, field="tolerance") from None
            if row["relation"] not in {"=", ">", "<", "is"}:
                raise FileFormatError(path, "relation must be one of =, >, <, is", line=lineno, field="relation")
            if row["id"] in claims:
                raise FileFormatError(path, f"duplicate claim id {row['id']!r}", line=lineno, field="id")
            claims[row["id"]] = Claim(**{**row, "tolerance": tol})
    return claims


@dataclass
class Ledger:
    """Recomputed values for the claims one notebook is responsible for."""

    notebook: str
    claims: dict[str, Claim]
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def for_notebook(cls, notebook: str, path: str | os.PathLike | None = None) -> "Ledger":
        claims = {k: c for k, c in load_claims(path).items() if c.notebook == notebook}
        if not claims:
            raise ParameterError(f"no claims are listed for notebook {notebook!r}")
        return cls(notebook, claims)

    def record(self, claim_id: str, value: Any, sigma: float | None = None, *,
               flag: str = "", note: str = "") -> str:
        """Record nakit's value for a claim and return its status.

        ``flag`` gives a reason to doubt the paper's claim; it sets the status to
        ``flagged`` whatever the agreement. ``value=None`` records ``not computed``.
        """
        if claim_id not in self.claims:
            raise ParameterError(f"claim {claim_id!r} is not listed for notebook {self.notebook!r}; "
                                 f"known: {', '.join(sorted(self.claims))}")
        claim = self.claims[claim_id]
        if value is None:
            status = "not computed"
        elif flag:
            status = "flagged"
        else:
            status = claim.compare(value, sigma)
        if isinstance(value, float):
            value = float(f"{value:.6g}")
        if sigma is not None and math.isfinite(sigma):
            sigma = float(f"{sigma:.3g}")
        self.rows[claim_id] = {
            "id": claim_id, "section": claim.section, "quantity": claim.quantity,
            "paper_value": claim.paper_value, "nakit_value": "" if value is None else value,
            "nakit_sigma": "" if sigma is None else sigma, "unit": claim.unit,
            "relation": claim.relation, "tolerance": _tolerance_text(claim), "status": status,
            "flag": flag, "note": note, "where": claim.where,
        }
        return status

    def missing(self) -> list[str]:
        """Claims of this notebook that have no recorded value yet."""
        return [k for k in self.claims if k not in self.rows]

    def table(self):
        """The recorded claims as a pandas DataFrame, in the claims list's order."""
        import pandas as pd

        rows = [self.rows[k] for k in self.claims if k in self.rows]
        return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))

    def write(self, output_dir: str | os.PathLike) -> Path:
        """Write ``claims.csv`` into ``output_dir``; refuse if any claim was not recorded."""
        missing = self.missing()
        if missing:
            raise ParameterError(f"notebook {self.notebook!r} did not record claims: {', '.join(missing)}")
        out = Path(output_dir) / "claims.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        self.table().to_csv(out, index=False, lineterminator="\n")
        return out


def gather(results_dir: str | os.PathLike) -> list[dict[str, str]]:
    """The rows of every ``*/claims.csv`` under ``results_dir``, in the claims list's order."""
    rows: dict[str, dict[str, str]] = {}
    for path in sorted(Path(results_dir).glob("*/claims.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows[row["id"]] = {k: row.get(k, "") for k in RESULT_COLUMNS}
    return [rows[cid] for cid in load_claims() if cid in rows]


def _tolerance_text(claim: Claim) -> str:
    if claim.relation != "=":
        return ""
    if claim.tolerance_type == "relative":
        return f"±{claim.tolerance * 100:g}%"
    return f"±{claim.tolerance:g} {claim.unit}".strip()
