"""The claims ledger: each quantitative claim of the paper beside nakit's recomputed value.

The claims list ships as ``data/paper_claims.csv`` (one row per claim: id, the notebook
that recomputes it, the paper's value and unit, a tolerance, the comparison relation and
the status the shipped stand-in data are expected to give). A notebook records its
values with :meth:`Ledger.record`; :meth:`Ledger.table` shows them side by side with the
paper's and :meth:`Ledger.write` saves ``claims.csv`` for the paper index.

Any claims list with the same columns works (a study's own ``claims:`` file). Required
columns: ``id, notebook, quantity, paper_value, unit, relation``; optional: ``section,
tolerance, tolerance_type, expected, where`` and ``sample, key``. A claim that names a
``sample`` (a label) and a ``key`` (a headline result key such as ``bet_area``) is recorded
automatically when the notebook reports that result (:meth:`Ledger.match`); others are
recorded by id from the notebook's own comparison code. ``notebook`` is a notebook stem
(``02_bet_bjh``) or its technique name (``sorption``).

Statuses
--------
``agrees``      the value meets the claim within tolerance (or satisfies ``>``/``<``)
``differs``     it does not
``flagged``     nakit has a reason to doubt the claim itself (e.g. a capacity above the
                theoretical limit), or the value it compares (a result a notebook flagged:
                a claim matched by ``sample`` and ``key`` carries the result's flags); the
                reason is in ``flag``
``not computed`` no data in this project can test the claim

Basis
-----
Each recorded row also says what the value was computed from (column ``basis``):
:data:`ROUND_TRIP` when the inputs were synthesised stand-ins (files under ``data/``, made
by nakit's forward models from the paper's own values, so an ``agrees`` there is a round
trip of nakit's analysis, not a confirmation of the paper), :data:`MEASURED` for data files
from elsewhere, :data:`PARAMETERS` for a calculation from the notebook's parameters alone
(no data file, e.g. the synthesis stoichiometry). ``""`` when the ledger was not told (a
ledger used outside a report); :func:`nakit.report.start` tells it.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .paths import NOTEBOOKS, data_dir

COLUMNS = ("id", "notebook", "section", "quantity", "paper_value", "unit", "relation",
           "tolerance", "tolerance_type", "expected", "where", "sample", "key")
MAX_CLAIMS_BYTES = 16 * 2**20  # a claims list is a short table; refuse anything far larger
REQUIRED_COLUMNS = ("id", "notebook", "quantity", "paper_value", "unit", "relation")
#: technique names a claims list may use instead of notebook stems (as in study files)
TECHNIQUES = NOTEBOOKS
RESULT_COLUMNS = ("id", "section", "quantity", "paper_value", "nakit_value", "nakit_sigma", "unit",
                  "relation", "tolerance", "status", "basis", "flag", "note", "where")
#: ``basis`` of a value computed from synthesised stand-in inputs
ROUND_TRIP = "round trip (stand-in data made from the paper's values)"
#: ``basis`` of a value computed from measured (not synthesised) data files
MEASURED = "measured data"
#: ``basis`` of a value computed from the notebook's parameters, with no data file
PARAMETERS = "calculation from the stated parameters (no data file)"


def basis_of(synthesised: bool, has_files: bool = True) -> str:
    """The ``basis`` of values computed from synthesised or measured files, or from no file at all."""
    if synthesised:
        return ROUND_TRIP
    return MEASURED if has_files else PARAMETERS


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
    expected: str = ""
    where: str = ""
    sample: str = ""
    key: str = ""

    def in_unit(self, value: Any, sigma: float | None, unit: str) -> tuple[Any, float | None, str]:
        """A result's ``value`` and ``sigma`` in ``unit``, in this claim's unit, and a note saying
        so when converted ("" when the units are the same).

        Spellings of one unit are the same (``m²/g`` and ``m2/g``), and a result given without a
        unit is taken in the claim's; another unit is converted with pint (``mm3/g`` for
        ``cm3/g``) when it is installed (the ``test`` extra).

        Raises
        ------
        ParameterError
            When the units differ and cannot be converted (another quantity, or no pint): a
            number compared across units would agree or differ by accident.
        """
        mine, theirs = _unit_key(self.unit), _unit_key(unit)
        if (mine == theirs or not theirs or self.relation == "is" or not isinstance(value, (int, float))
                or isinstance(value, bool)):  # (a result without a unit is taken in the claim's)
            return value, sigma, ""
        try:
            from .units import parse_units

            factor = float((1.0 * parse_units(unit)).to(parse_units(self.unit)).magnitude)
        except Exception as exc:  # noqa: BLE001 - pint missing, a unit it cannot read, or another dimension
            raise ParameterError(f"claim {self.id!r} is in {self.unit!r}, the result in {unit!r}: not converted "
                                 f"({type(exc).__name__}: {exc}); write the claim in {unit!r}") from None
        return (value * factor, None if sigma is None else sigma * factor,
                f"converted from {unit} (x {factor:g})")

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
        tol = {"relative": self.tolerance * abs(p), "percent": self.tolerance / 100 * abs(p)}.get(
            self.tolerance_type, self.tolerance)
        return "agrees" if abs(v - p) <= tol else "differs"


def is_paper_list(path: str | os.PathLike | None) -> bool:
    """Whether ``path`` is nakit's list of the paper's claims (``data/paper_claims.csv``, or a copy
    of it): only then may a report speak of the paper; another list is the user's own."""
    if not path:
        return False
    from .io import sha256_file

    paper = data_dir() / "paper_claims.csv"
    try:
        return Path(path).resolve() == paper.resolve() or sha256_file(path) == sha256_file(paper)
    except OSError:
        return False


def load_claims(path: str | os.PathLike | None = None) -> dict[str, Claim]:
    """Read a claims list (default ``data/paper_claims.csv``), keyed by claim id.

    Raises
    ------
    FileFormatError
        Naming the line and field of the first problem (:func:`check_claims` lists them all): a
        missing required column, a tolerance that is not a number, an unknown relation, a
        duplicate id, a non-numeric value for ``=``/``<``/``>``.
    """
    claims, problems = _read_claims(path)
    if problems:
        raise problems[0]
    return claims


def check_claims(path: str | os.PathLike, samples: dict[str, list[str]] | None = None) -> list[str]:
    """Every problem of the claims list at ``path``, at once (empty: none), for a study to report
    before anything runs.

    Those :func:`load_claims` raises (each with its line and field), and, given ``samples`` (a
    study's notebooks, ``{stem: labels of its samples}``): a ``notebook`` that is no notebook of the
    project (``sorptoin``, with a did-you-mean) and a ``sample`` that is none of its notebook's
    samples in the study (``Ghost``; ``cell B`` for ``cell b``: a claim keyed by a label that is not
    one would only show "not computed" after the run). A claim of a notebook the study does not run
    is no problem (one list may serve several studies: it is "not computed", saying so), nor are
    the samples of the paper's list (:func:`is_paper_list`), which a study of some of the paper's
    samples runs with.
    """
    from .params import closest

    claims, problems = _read_claims(path)
    out = [str(p) for p in problems]
    if samples is None:
        return out
    paper = is_paper_list(path)
    from .paths import notebooks_dir

    known = sorted({p.stem for p in notebooks_dir().glob("*.ipynb")} | set(samples))
    for cid, claim in claims.items():
        where = f"{path}, claim {cid!r}"
        if claim.notebook not in known:
            out.append(f"{where}: notebook {claim.notebook!r} is none of nakit's notebooks"
                       f"{closest(claim.notebook, [*known, *TECHNIQUES], TECHNIQUES)} (techniques: "
                       f"{', '.join(TECHNIQUES)}; notebooks: {', '.join(known)})")
        elif claim.notebook in samples and claim.sample and not paper and claim.sample not in samples[claim.notebook]:
            labels = samples[claim.notebook]
            out.append(f"{where}: sample {claim.sample!r} is none of {claim.notebook}'s samples in this study"
                       f"{closest(claim.sample, labels)} (its samples: {', '.join(map(repr, labels)) or 'none'})")
    return out


def _read_claims(path: str | os.PathLike | None) -> tuple[dict[str, Claim], list["FileFormatError"]]:
    """The claims of a list, and every problem found in it (a row with a problem is left out)."""
    from .errors import FileFormatError
    from .params import closest
    from .textio import decode, read_bytes

    path = Path(path) if path else data_dir() / "paper_claims.csv"
    reader = csv.DictReader(io.StringIO(decode(read_bytes(path, max_bytes=MAX_CLAIMS_BYTES), path),
                                        newline=""))
    header = [h.strip() for h in (reader.fieldnames or ())]
    problems: list[FileFormatError] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(FileFormatError(path, f"missing column(s) {', '.join(missing)}; a claims list needs "
                                        f"{', '.join(REQUIRED_COLUMNS)} (optional: "
                                        f"{', '.join(c for c in COLUMNS if c not in REQUIRED_COLUMNS)})", line=1))
    if unknown:
        named = ", ".join(c + closest(c, [k for k in COLUMNS if k not in header]) for c in unknown)
        problems.append(FileFormatError(path, f"unknown column(s) {named}; allowed: {', '.join(COLUMNS)}", line=1))
    if problems:  # (the rows' fields cannot be told apart)
        return {}, problems
    reader.fieldnames = header
    claims: dict[str, Claim] = {}
    for lineno, raw in enumerate(reader, start=2):
        found = _row_problems(path, lineno, raw, header, claims)
        if found:
            problems += found
            continue
        row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        row["notebook"] = TECHNIQUES.get(row["notebook"], row["notebook"])
        claims[row["id"]] = Claim(**{**row, "tolerance": float(row["tolerance"]) if row["tolerance"] else 0.0})
    return claims, problems


def _row_problems(path: Path, lineno: int, raw: dict, header: list[str], claims: dict) -> list["FileFormatError"]:
    """Every problem of one row of a claims list (each naming its line and field)."""
    from .errors import FileFormatError

    if None in raw:
        return [FileFormatError(path, f"{len(header)} fields expected, got more", line=lineno)]
    row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
    out = []

    def bad(reason: str, column: str) -> None:
        out.append(FileFormatError(path, reason, line=lineno, field=column))

    if not row["id"]:
        bad("empty claim id", "id")
    elif row["id"] in claims:
        bad(f"duplicate claim id {row['id']!r}", "id")
    if row["tolerance"]:
        try:
            float(row["tolerance"])
        except ValueError:
            bad(f"tolerance {row['tolerance']!r} is not a number", "tolerance")
    if row["relation"] not in {"=", ">", "<", "is"}:
        bad("relation must be one of =, >, <, is", "relation")
    elif row["relation"] != "is":
        try:
            float(row["paper_value"])
        except ValueError:
            number = row["paper_value"].split()[0] if row["paper_value"].split() else ""
            alone = (f"; give the number alone ({number}) and its unit under 'unit'"
                     if _is_float(number) and number != row["paper_value"] else "")
            bad(f"value {row['paper_value']!r} is not a number (relation {row['relation']!r} compares numbers; "
                f"use 'is' for text){alone}", "paper_value")
    if row["tolerance_type"] not in {"", "absolute", "relative", "percent"}:
        bad(f"tolerance_type {row['tolerance_type']!r}: expected 'absolute' (in the claim's unit), 'relative' "
            "(a fraction: 0.1) or 'percent' (10)", "tolerance_type")
    if bool(row["sample"]) != bool(row["key"]):
        bad("'sample' and 'key' go together (both or neither)", "key" if row["sample"] else "sample")
    return out


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass
class Ledger:
    """Recomputed values for the claims one notebook is responsible for."""

    notebook: str
    claims: dict[str, Claim]
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: what the values are computed from (:data:`ROUND_TRIP`, :data:`MEASURED`,
    #: :data:`PARAMETERS`; "" unknown): each row's ``basis``; :func:`nakit.report.start` sets it
    basis: str = ""

    @classmethod
    def for_notebook(cls, notebook: str, path: str | os.PathLike | None = None, *,
                     allow_empty: bool = False) -> "Ledger":
        """The claims of ``path`` (default: the paper's list) that ``notebook`` recomputes.

        An empty selection raises ``ParameterError`` unless ``allow_empty``.
        """
        claims = {k: c for k, c in load_claims(path).items() if c.notebook == notebook}
        if not claims and not allow_empty:
            raise ParameterError(f"no claims are listed for notebook {notebook!r}")
        return cls(notebook, claims)

    def match(self, sample: str, key: str) -> list[str]:
        """Ids of the claims about result ``key`` of ``sample`` (claims with ``sample``/``key`` columns)."""
        return [cid for cid, c in self.claims.items() if c.key and c.sample == sample and c.key == key]

    def record(self, claim_id: str, value: Any, sigma: float | None = None, *,
               flag: str = "", note: str = "", if_listed: bool = False,
               basis: str | None = None) -> str | None:
        """Record nakit's value for a claim and return its status.

        ``flag`` gives a reason to doubt the paper's claim; it sets the status to
        ``flagged`` whatever the agreement. ``value=None`` records ``not computed``.
        An id the list does not hold raises ``ParameterError``; with ``if_listed`` it is
        skipped (returns None), for comparison code run against a list that may be partial.
        ``basis`` overrides the ledger's :attr:`basis` for this value (e.g. one sample's file is
        measured, the others' stand-ins).
        """
        if claim_id not in self.claims and if_listed:
            return None
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
        if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
            value = value.item()
        if isinstance(value, float):
            value = float(f"{value:.6g}")
        if sigma is not None and math.isfinite(sigma):
            sigma = float(f"{sigma:.3g}")
        self.rows[claim_id] = {
            "id": claim_id, "section": claim.section, "quantity": claim.quantity,
            "paper_value": claim.paper_value, "nakit_value": "" if value is None else value,
            "nakit_sigma": "" if sigma is None else sigma, "unit": claim.unit,
            "relation": claim.relation, "tolerance": _tolerance_text(claim), "status": status,
            "basis": (self.basis if basis is None else basis) if value is not None else "",
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
    """The rows of every ``*/claims.csv`` under ``results_dir``, in the claims list's order.

    Report folders put back after a failed or interrupted rerun (stale) and the partial
    runs in ``*.failed`` are skipped: their claims do not come from the current inputs.
    """
    from .runfolder import FAILED_SUFFIX, is_incomplete, is_stale

    rows: dict[str, dict[str, str]] = {}
    for path in sorted(Path(results_dir).glob("*/claims.csv")):
        if path.parent.name.endswith(FAILED_SUFFIX) or is_stale(path.parent) or is_incomplete(path.parent):
            continue
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows[row["id"]] = {k: row.get(k, "") for k in RESULT_COLUMNS}
    return [rows[cid] for cid in load_claims() if cid in rows]


def _unit_key(unit: str) -> str:
    """One spelling of a unit: superscripts as digits, a single ``X-1`` factor as ``/X``, no
    spaces (``m²/g``, ``m2 g-1`` and ``m² g⁻¹`` -> ``m2/g``)."""
    text = str(unit or "").translate(str.maketrans("²³⁻¹µ·", "23-1u "))
    parts = text.replace("*", " ").split()
    below = [p for p in parts if p.endswith("-1")]
    if len(below) == 1 and "/" not in text:
        text = " ".join(p for p in parts if p not in below) + "/" + below[0][:-2]
    return text.replace(" ", "")


def _tolerance_text(claim: Claim) -> str:
    if claim.relation != "=":
        return ""
    if claim.tolerance_type in ("relative", "percent"):
        return f"±{claim.tolerance * (100 if claim.tolerance_type == 'relative' else 1):g}%"
    return f"±{claim.tolerance:g} {claim.unit}".strip()
