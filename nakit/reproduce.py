"""``nakit reproduce``: every notebook on the paper's (synthesised) data, one index page.

Technique notebooks run first, in parallel; notebooks whose name starts with ``10_`` (the
paper-figure composer) run after them because they read the others' results. The claims
every notebook recorded are gathered into ``claims.csv`` (the ledger), and ``index.html``
links each report, figure and the ledger.
"""

from __future__ import annotations

import csv
import html
import os
from dataclasses import dataclass
from pathlib import Path

from .batch.engine import Job, JobResult, run_jobs, summarise
from .io import atomic_path
from .paths import notebooks_dir, reports_dir
from .plotting import SYNTHESISED_CAPTION
from .runner import prepare

LATE_PREFIX = "10_"


@dataclass
class Summary:
    output: Path
    results: list[JobResult]
    ledger: Path | None
    index: Path

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def describe(self) -> str:
        return f"{summarise(self.results)}\nledger: {self.ledger}\nindex:  {self.index}"


def paper_jobs(output: Path, notebooks: list[Path]) -> list[Job]:
    """One job per notebook, output in ``output/<stem>``; validated before anything runs."""
    jobs, problems = [], []
    for nb in notebooks:
        overrides = {"results_dir": str(output)} if nb.name.startswith(LATE_PREFIX) else {}
        try:
            params = prepare(nb, overrides)
        except Exception as exc:
            problems.append(str(exc))
            continue
        out = output / nb.stem
        params["output_dir"] = str(out)
        jobs.append(Job(nb.stem, str(nb), str(out), params))
    if problems:
        from .errors import ParameterError

        raise ParameterError("cannot reproduce:\n  " + "\n  ".join(problems))
    return jobs


def reproduce(output: str | os.PathLike | None = None, workers: int | None = None,
              force: bool = False, notebooks: list[Path] | None = None) -> Summary:
    output = Path(output) if output else reports_dir() / "paper"
    output.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(notebooks or notebooks_dir().glob("*.ipynb"))
    early = [nb for nb in notebooks if not nb.name.startswith(LATE_PREFIX)]
    late = [nb for nb in notebooks if nb.name.startswith(LATE_PREFIX)]
    jobs_early, jobs_late = paper_jobs(output, early), paper_jobs(output, late)
    results = run_jobs(jobs_early, workers=workers, force=force)
    if jobs_late:
        # the figure composer depends on every result above: rerun it whenever any of them ran
        rerun = force or any(r.status == "ran" for r in results)
        results += run_jobs(jobs_late, workers=1, force=rerun)
    ledger = write_ledger(output)
    index = write_index(output, results, ledger)
    return Summary(output, results, ledger, index)


def write_ledger(output: Path) -> Path | None:
    """Write the claims every notebook recorded under ``output`` as one ledger, ``claims.csv``."""
    from .claims import RESULT_COLUMNS, gather

    rows = gather(output)
    if not rows:
        return None
    ledger = output / "claims.csv"
    with atomic_path(ledger) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(RESULT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return ledger


_STATUS_COLOUR = {"agrees": "#d6f5d6", "differs": "#f8d0d0", "flagged": "#fff0c0", "not computed": "#e8e8e8"}


def write_index(output: Path, results: list[JobResult], ledger: Path | None) -> Path:
    """A static HTML page linking every report, figure and the claims ledger."""
    esc = html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>nakit: paper reproduction</title>",
             "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;font-size:90%}"
             ".banner{background:#fff0c0;padding:.6em;border:1px solid #e0c060}</style></head><body>",
             "<h1>Reproducing the paper with nakit</h1>",
             f"<p class='banner'><b>{esc(SYNTHESISED_CAPTION)}</b> The paper's raw data were never published; "
             "every input here was synthesised from the paper's stated values (see data/README.md).</p>",
             "<h2>Reports</h2><ul>"]
    for r in results:
        out = Path(r.output_dir)
        rel = out.relative_to(output) if out.is_relative_to(output) else out
        link = f"<a href='{esc(str(rel / (r.name + '.html')))}'>{esc(r.name)}</a>"
        status = "" if r.ok else f" <b>FAILED</b>: {esc(r.error)}"
        parts.append(f"<li>{link}{status}</li>")
    parts.append("</ul><h2>Figures</h2><ul>")
    for png in sorted(output.glob("*/figures/*.png")):
        rel = png.relative_to(output)
        parts.append(f"<li><a href='{esc(str(rel))}'>{esc(str(rel))}</a></li>")
    parts.append("</ul>")
    if ledger:
        parts.append(f"<h2>Claims ledger (<a href='{esc(ledger.name)}'>CSV</a>)</h2><table><tr>")
        with open(ledger, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        cols = ["id", "quantity", "paper_value", "nakit_value", "nakit_sigma", "unit", "tolerance", "status", "flag"]
        parts.append("".join(f"<th>{esc(c)}</th>" for c in cols) + "</tr>")
        for row in rows:
            colour = _STATUS_COLOUR.get(row["status"], "#fff")
            parts.append(f"<tr style='background:{colour}'>" + "".join(f"<td>{esc(row[c])}</td>" for c in cols) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    index = output / "index.html"
    with atomic_path(index) as tmp:
        tmp.write_text("\n".join(parts), encoding="utf-8")
    return index
