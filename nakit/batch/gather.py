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

from ..io import atomic_path, write_netcdf


def _runs(out_root: Path):
    """``(sample, notebook, run folder)`` of each finished run: the sample as the manifest names it
    (its job's name; its folder holds the label made safe, ``lead sulfate`` -> ``lead_sulfate``)."""
    import json

    for stamp in sorted(out_root.glob("*/*/.nakit-run.json")):
        run = stamp.parent
        try:
            name = str(json.loads(stamp.read_text(encoding="utf-8"))["job"]["name"])
        except (OSError, ValueError, KeyError, TypeError):
            name = ""
        sample = name.rsplit("/", 1)[0] if name.endswith(f"/{run.name}") else run.parent.name
        yield sample, run.name, run


def _along_sample(ds, sample: str):
    """``ds`` of one run along ``sample``: a result of one sample gets the run's name; one already along
    ``sample`` (a notebook's per-sample table: cycles, Arrhenius points) keeps its rows, named
    ``<run sample>: <label>`` where the run holds several (as :func:`summary_table` names them)."""
    if "sample" not in ds.dims:
        if "sample" in ds.variables:  # a scalar label: kept beside the run's name
            ds = ds.rename({"sample": "sample_label"})
        return ds.expand_dims(sample=[sample])
    labels = [str(v) for v in ds["sample"].values]
    return ds.assign_coords(sample=[sample] if len(labels) == 1 else [f"{sample}: {label}" for label in labels])


def gather_results(out_root: str | Path) -> dict[str, Path]:
    """Write ``gathered/<notebook>/<result>.nc`` with a ``sample`` dimension; return the paths."""
    import shutil

    out_root = Path(out_root)
    # gathered/ is the batch's own: a result no run gives any more must not stay beside the new ones
    shutil.rmtree(out_root / "gathered", ignore_errors=True)
    groups: dict[tuple[str, str], list[tuple[str, Path]]] = {}
    for sample, notebook, run in _runs(out_root):
        for nc in sorted((run / "results").glob("*.nc")):
            groups.setdefault((notebook, nc.stem), []).append((sample, nc))
    written: dict[str, Path] = {}
    if not groups:  # (notebooks without NetCDF results: xarray's import would be all of the work)
        return written
    import xarray as xr

    for (notebook, name), items in sorted(groups.items()):
        datasets = []
        for sample, nc in items:
            with xr.open_dataset(nc, engine="h5netcdf") as ds:
                datasets.append(_along_sample(ds.load(), sample))
        combined = xr.concat(datasets, dim="sample", join="outer", combine_attrs="drop_conflicts")
        combined["sample"].attrs["units"] = "1"
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
    file fall back to the values in their ``claims.csv``.
    """
    import pandas as pd

    from ..report import fmt

    out_root = Path(out_root)
    records: dict[str, dict[str, str]] = {}
    flags: dict[str, list[str]] = {}
    for sample, _notebook, run in _runs(out_root):
        headline = run / "results" / "headline.csv"
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
                quantity = row["quantity"] or row["key"]
                records.setdefault(name, {})[quantity] = text + (" ⚑" if why else "")
                if why:  # what the mark means, beside the values (a flag read nowhere is no flag)
                    flags.setdefault(name, []).append(f"{quantity}: {why}")
            continue
        claims = run / "claims.csv"
        if not claims.exists():
            continue
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
    table = pd.DataFrame.from_dict(records, orient="index").sort_index()
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
    # the study index's house style (nakit.study.CSS), so both pages read alike
    body = ("<!doctype html><html><head><meta charset='utf-8'><title>nakit batch summary</title>"
            f"<style>{CSS}</style></head><body>"
            "<h1>Batch summary</h1><h2>Runs</h2><table><tr><th>run</th><th>status</th>"
            f"<th>seconds</th><th>error</th></tr>{rows}</table><h2>Samples compared</h2>"
            f"{table.to_html(na_rep='', border=0)}</body></html>\n")
    out = out_root / "summary.html"
    with atomic_path(out) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return out
