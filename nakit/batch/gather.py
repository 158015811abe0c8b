"""Gathering a batch's results across samples.

Each run folder holds ``results/*.nc`` and ``results/headline.csv`` (or, from older
notebooks, ``claims.csv``). :func:`gather_results` stacks
every result Dataset of one notebook along a new ``sample`` dimension (outer join on the
other coordinates, so samples with different axes still combine); :func:`summary_table`
lays the recorded key numbers out one row per sample for comparison.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, NamedTuple

from ..io import atomic_path, write_netcdf

#: the column (summary.csv) and coordinate (gathered/) that say which rows come from synthesised stand-ins
SYNTHESISED = "synthesised"
SYNTHESISED_NOTE = "yes: computed from nakit's synthesised stand-in data (data/README.md), not from a measurement"


class _Run(NamedTuple):
    sample: str        # as the manifest names it
    notebook: str
    folder: Path
    labels: list[str]  # its notebook's sample labels (none: a notebook without a samples list)
    stand_ins: set[str]  # those whose files are synthesised stand-ins (no labels: the run's sample)

    def synthesised(self, label: str | None = None) -> bool:
        """Whether ``label``'s results (None: all the run's) come from stand-in data."""
        if label is not None and label in self.labels:
            return label in self.stand_ins
        return bool(self.stand_ins) and self.stand_ins >= set(self.labels)


def _stand_ins(job: dict[str, Any], sample: str) -> tuple[list[str], set[str]]:
    """A run's sample labels and those that are stand-ins, from its stamp's job, by the rule of
    :func:`nakit.report.start`: a sample's own files decide; without a samples list, any input file."""
    from ..paths import is_stand_in
    from ..report import _sample_files
    from ..runner import input_paths

    params = job.get("parameters") or {}
    files = _sample_files(params.get("samples"))
    if files:
        return list(files), {label for label, paths in files.items() if any(is_stand_in(p) for p in paths)}
    try:
        paths = [p for ps in input_paths(Path(job["notebook"]), params).values() for p in ps]
    except (KeyError, TypeError):
        paths = []
    return [], {sample} if any(is_stand_in(p) for p in paths) else set()


def _runs(out_root: Path):
    """Each finished run (:class:`_Run`): the sample as the manifest names it (its job's name; its
    folder holds the label made safe, ``lead sulfate`` -> ``lead_sulfate``), and its stand-ins."""
    import json

    for stamp in sorted(out_root.glob("*/*/.nakit-run.json")):
        run = stamp.parent
        try:
            job = json.loads(stamp.read_text(encoding="utf-8"))["job"]
            name = str(job["name"])
        except (OSError, ValueError, KeyError, TypeError):
            job, name = {}, ""
        sample = name.rsplit("/", 1)[0] if name.endswith(f"/{run.name}") else run.parent.name
        yield _Run(sample, run.name, run, *_stand_ins(job if isinstance(job, dict) else {}, sample))


def _along_sample(ds, run: _Run):
    """``ds`` of one run along ``sample``: a result of one sample gets the run's name; one already along
    ``sample`` (a notebook's per-sample table: cycles, Arrhenius points) keeps its rows, named
    ``<run sample>: <label>`` where the run holds several (as :func:`summary_table` names them).
    Each row says whether it comes from stand-in data (coordinate ``synthesised``, "yes"/"no")."""
    from ..datamodel import is_synthesised

    if "sample" not in ds.dims:
        if "sample" in ds.variables:  # a scalar label: kept beside the run's name
            ds = ds.rename({"sample": "sample_label"})
        stand_in = is_synthesised(ds) or run.synthesised()
        return ds.expand_dims(sample=[run.sample]).assign_coords(
            {SYNTHESISED: ("sample", ["yes" if stand_in else "no"])})
    labels = [str(v) for v in ds["sample"].values]
    names = [run.sample] if len(labels) == 1 else [f"{run.sample}: {label}" for label in labels]
    flags = ["yes" if run.synthesised(label) else "no" for label in labels]
    return ds.assign_coords({"sample": names, SYNTHESISED: ("sample", flags)})


def gather_results(out_root: str | Path) -> dict[str, Path]:
    """Write ``gathered/<notebook>/<result>.nc`` with a ``sample`` dimension; return the paths."""
    import shutil

    out_root = Path(out_root)
    # gathered/ is the batch's own: a result no run gives any more must not stay beside the new ones
    shutil.rmtree(out_root / "gathered", ignore_errors=True)
    groups: dict[tuple[str, str], list[tuple[_Run, Path]]] = {}
    for run in _runs(out_root):
        for nc in sorted((run.folder / "results").glob("*.nc")):
            groups.setdefault((run.notebook, nc.stem), []).append((run, nc))
    written: dict[str, Path] = {}
    if not groups:  # (notebooks without NetCDF results: xarray's import would be all of the work)
        return written
    import xarray as xr

    from ..datamodel import STAND_IN_NOTE

    for (notebook, name), items in sorted(groups.items()):
        datasets = []
        for run, nc in items:
            with xr.open_dataset(nc, engine="h5netcdf") as ds:
                datasets.append(_along_sample(ds.load(), run))
        combined = xr.concat(datasets, dim="sample", join="outer", combine_attrs="drop_conflicts")
        combined["sample"].attrs["units"] = "1"
        combined[SYNTHESISED].attrs.update(units="1", description=SYNTHESISED_NOTE)
        # the file-wide label holds only when every row is a stand-in's (drop_conflicts keeps one
        # run's label when the others have none); the coordinate says it row by row
        for key in ("synthesised", "synthesis_note"):
            combined.attrs.pop(key, None)
        if all(combined[SYNTHESISED].values == "yes"):
            combined.attrs.update(synthesised="yes", synthesis_note=STAND_IN_NOTE)
        out = out_root / "gathered" / notebook / f"{name}.nc"
        write_netcdf(combined, out)
        written[f"{notebook}/{name}"] = out
    return written


FLAGS_COLUMN = "flags (⚑)"


def summary_table(out_root: str | Path):
    """One row per sample, one column per recorded quantity (``value ± sigma unit``).

    Values come from each run's ``results/headline.csv``; a run whose notebook covers several
    samples gives one row per label (``<run sample>: <label>``). A flagged value carries ``⚑``
    and its reasons are in the last column, ``flags (⚑)`` (``quantity: reasons``); a value not
    computed shows ``—`` and is there too, with why. Runs of notebooks that write no headline
    file fall back to the values in their ``claims.csv``. When a row's values come from
    synthesised stand-in data, the first column, ``synthesised``, says "yes" there ("no" elsewhere).
    """
    import pandas as pd

    from ..report import fmt

    out_root = Path(out_root)
    records: dict[str, dict[str, str]] = {}
    flags: dict[str, list[str]] = {}
    stand_ins: set[str] = set()  # rows with a value computed from stand-in data
    for run in _runs(out_root):
        sample = run.sample
        headline = run.folder / "results" / "headline.csv"
        if headline.exists():
            with open(headline, newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            labels = {r["sample"] for r in rows}
            for row in rows:
                why = row.get("flags", "") or ("" if row["value"] != "" else row.get("note", ""))
                if row["value"] == "" and not why:
                    continue
                value = _number(row["value"])
                sigma = _number(row["sigma"])
                text = "—" if row["value"] == "" else fmt(value, sigma) if value is not None else row["value"]
                if row["unit"] and value is not None:
                    text += f" {row['unit']}"
                name = sample if len(labels) == 1 else f"{sample}: {row['sample']}"
                if run.synthesised(row["sample"]):
                    stand_ins.add(name)
                quantity = row["quantity"] or row["key"]
                records.setdefault(name, {})[quantity] = text + (" ⚑" if why else "")
                if why:  # what the mark means, beside the values (a flag read nowhere is no flag)
                    flags.setdefault(name, []).append(f"{quantity}: {why}")
            continue
        claims = run.folder / "claims.csv"
        if not claims.exists():
            continue
        if run.synthesised():
            stand_ins.add(sample)
        with open(claims, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["nakit_value"] == "":
                    continue
                text = row["nakit_value"]
                if row["nakit_sigma"]:
                    text += f" ± {row['nakit_sigma']}"
                if row["unit"]:
                    text += f" {row['unit']}"
                records.setdefault(sample, {})[row["quantity"]] = text
    for name, reasons in flags.items():
        records[name][FLAGS_COLUMN] = "; ".join(reasons)
    for name in records:  # first, so a row of stand-in numbers is read as one before its numbers
        records[name] = {SYNTHESISED: "yes" if name in stand_ins else "no", **records[name]}
    table = pd.DataFrame.from_dict(records, orient="index").sort_index()
    table.index.name = "sample"  # summary.csv's first header cell (it was empty)
    if not stand_ins:  # nothing to tell apart
        table = table.drop(columns=SYNTHESISED, errors="ignore")
    return table[[c for c in table.columns if c != FLAGS_COLUMN] + ([FLAGS_COLUMN] if flags else [])]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def write_summary(out_root: str | Path, results) -> Path:
    """``summary.html`` (and ``summary.csv``): run status plus the per-sample comparison table."""
    import html

    from ..study import CSS

    out_root = Path(out_root)
    table = summary_table(out_root)
    with atomic_path(out_root / "summary.csv") as tmp:
        table.to_csv(tmp, lineterminator="\n")
    def problem(r) -> str:  # a failure's error, or what a run that ended could not read
        if r.error:
            return html.escape(r.error)
        return "".join(f"not analysed: {html.escape(sample)}: {html.escape(why)}<br>"
                       for sample, why in r.not_analysed)

    rows = "".join(
        f"<tr><td>{html.escape(r.name)}</td><td>{r.status}</td><td>{r.seconds:.1f}</td>"
        f"<td>{problem(r)}</td></tr>" for r in results)
    stand_ins = list(table.index[table[SYNTHESISED] == "yes"]) if SYNTHESISED in table else []
    banner = (f"<p><strong>Synthesised stand-in data</strong> in {len(stand_ins)} row(s) "
              f"({html.escape(', '.join(map(str, stand_ins)))}): their values were computed from nakit's "
              "stand-in files (data/README.md), not from measurements.</p>" if stand_ins else "")
    # the study index's house style (nakit.study.CSS), so both pages read alike
    body = ("<!doctype html><html><head><meta charset='utf-8'><title>nakit batch summary</title>"
            f"<style>{CSS}</style></head><body>"
            "<h1>Batch summary</h1><h2>Runs</h2><table><tr><th>run</th><th>status</th>"
            f"<th>seconds</th><th>error</th></tr>{rows}</table><h2>Samples compared</h2>"
            f"{banner}{table.to_html(na_rep='', border=0)}</body></html>\n")
    out = out_root / "summary.html"
    with atomic_path(out) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return out
