"""Batch manifests: validation, parallel and Dask execution, caching, fault isolation, gathering."""

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import xarray as xr

from nakit import cli
from nakit.batch.engine import Job, run_jobs
from nakit.batch.manifest import jobs_from_manifest
from nakit.errors import ParameterError

TOY = '''import pathlib
import numpy as np
import xarray as xr
out = pathlib.Path(output_dir)
(out / "results").mkdir(parents=True, exist_ok=True)
values = np.loadtxt(data_file)
assert values.max() < limit, f"value {values.max()} above limit {limit}"
ds = xr.Dataset({"total": ((), values.sum() * scale, {"units": "1"}),
                 "values": (("index",), values * scale, {"units": "1"})},
                coords={"index": ("index", np.arange(values.size), {"units": "1"})})
ds.to_netcdf(out / "results" / "summary.nc", engine="h5netcdf")
'''


@pytest.fixture
def project(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('data_file = "a.txt"\nscale = 1.0\nlimit = 100\noutput_dir = "out"',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(TOY)]
    nbformat.write(nb, tmp_path / "toy.ipynb")
    (tmp_path / "a.txt").write_text("1\n2\n3\n")
    (tmp_path / "b.txt").write_text("10\n20\n")
    (tmp_path / "c.txt").write_text("500\n")
    return tmp_path


def _manifest(project, text):
    path = project / "runs.yaml"
    path.write_text(text)
    return path


GOOD = """
output: batch
notebooks:
  toy.ipynb: {scale: 2.0}
samples:
  A: {toy.ipynb: {data_file: a.txt}}
  B: {toy.ipynb: {data_file: b.txt, scale: 3}}
  C: {toy.ipynb: {data_file: c.txt}}
"""


def test_manifest_problems_are_listed_together(project):
    path = _manifest(project, """
notebooks:
  toy.ipynb: {scael: 2.0}
  nosuch: {}
samples:
  A: {toy.ipynb: {data_file: missing.txt}}
  B: {other: {}}
""")
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(path)
    msg = str(err.value)
    for expected in ["unknown notebook 'nosuch'", "unknown parameter 'scael'", "missing.txt does not exist",
                     "'other' is not a notebook"]:
        assert expected in msg


@pytest.mark.notebooks
def test_sample_labels_as_researchers_write_them_name_safe_folders(project):
    """Labels with spaces, slashes and two that differ in case only were refused ("it names a
    folder"); a study took them. Their folders are made safe; the results keep the labels."""
    path = _manifest(project, """
output: batch
notebooks:
  toy.ipynb: {}
samples:
  "lot 1 (dried)": {toy.ipynb: {data_file: a.txt}}
  "Lot 1 (Dried)": {toy.ipynb: {data_file: b.txt}}
  "../up/and away": {toy.ipynb: {data_file: a.txt}}
""")
    jobs, out, _ = jobs_from_manifest(path)
    assert sorted(Path(j.output_dir).relative_to(out).parts[0] for j in jobs) == ["Lot_1_Dried-2", "lot_1_dried",
                                                                                 "up_and_away"]
    assert all(Path(j.output_dir).resolve().is_relative_to(out.resolve()) for j in jobs)
    assert cli.main(["batch", str(path), "-j", "1"]) == 0
    with xr.open_dataset(out / "gathered" / "toy" / "summary.nc", engine="h5netcdf") as gathered:
        assert sorted(gathered["sample"].values) == ["../up/and away", "Lot 1 (Dried)", "lot 1 (dried)"]
        assert gathered["total"].sel(sample="Lot 1 (Dried)") == 30.0


def test_manifest_expands_defaults_and_overrides(project):
    jobs, out, _ = jobs_from_manifest(_manifest(project, GOOD))
    params = {j.name: j.parameters for j in jobs}
    assert params["A/toy"]["scale"] == 2.0 and params["B/toy"]["scale"] == 3
    assert params["B/toy"]["data_file"] == str(project / "b.txt")
    assert out == project / "batch"


@pytest.mark.notebooks
def test_batch_isolates_failures_caches_and_gathers(project, capsys):
    manifest = _manifest(project, GOOD)
    assert cli.main(["batch", str(manifest), "-j", "2"]) == 1  # sample C fails
    text = capsys.readouterr()
    assert "2 ran, 0 skipped (unchanged), 1 failed" in text.out
    assert "C/toy" in text.out and "above limit" in text.out
    out = project / "batch"
    failed = nbformat.read(out / "C" / "toy.failed" / "toy.ipynb", as_version=4)
    assert any(o.get("ename") == "AssertionError" for o in failed.cells[-1].outputs)

    with xr.open_dataset(out / "gathered" / "toy" / "summary.nc", engine="h5netcdf") as gathered:
        assert list(gathered["sample"].values) == ["A", "B"]
        assert gathered["total"].sel(sample="A") == 12.0 and gathered["total"].sel(sample="B") == 90.0
    assert (out / "summary.html").exists()

    # an unchanged run is skipped (B); a changed input reruns its sample (A), a failed run reruns (C)
    (project / "c.txt").write_text("5\n6\n")
    (project / "a.txt").write_text("1\n2\n4\n")
    assert cli.main(["batch", str(manifest), "-j", "2"]) == 0
    assert "2 ran, 1 skipped" in capsys.readouterr().out
    with xr.open_dataset(out / "gathered" / "toy" / "summary.nc", engine="h5netcdf") as gathered:
        assert list(gathered["sample"].values) == ["A", "B", "C"]
        assert gathered["total"].sel(sample="A") == 14.0 and gathered["total"].sel(sample="B") == 90.0
    assert cli.main(["batch", str(manifest), "-j", "2", "--force"]) == 0
    assert "3 ran, 0 skipped" in capsys.readouterr().out


@pytest.fixture
def dask_cluster(tmp_path):
    """A real Dask scheduler and worker as separate processes on loopback."""
    pytest.importorskip("distributed")
    sched_file = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    deadline = time.time() + 60
    while not sched_file.exists() and time.time() < deadline:
        time.sleep(0.2)
    procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file",
                                   str(sched_file), "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                   "--host", "127.0.0.1"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
    import json

    from distributed import Client

    address = json.loads(sched_file.read_text())["address"]
    with Client(address, timeout=60) as client:
        client.wait_for_workers(1, timeout=60)
    yield address
    for p in procs[::-1]:
        p.terminate()
        p.wait(timeout=30)


@pytest.mark.notebooks
def test_batch_on_a_dask_cluster(project, dask_cluster):
    # a run that succeeds and one that fails (two samples: each run's kernel costs seconds of CPU)
    jobs, out, _ = jobs_from_manifest(_manifest(project, GOOD.replace("  B: {toy.ipynb: {data_file: b.txt, scale: 3}}\n", "")))
    results = run_jobs(jobs, scheduler=dask_cluster, progress=None)
    assert [r.name for r in results] == ["A/toy", "C/toy"]
    assert [r.status for r in results] == ["ran", "failed"]
    ds = xr.open_dataset(out / "A" / "toy" / "results" / "summary.nc", engine="h5netcdf")
    assert float(ds["total"]) == 12.0
    again = run_jobs(jobs, scheduler=dask_cluster, progress=None)
    assert [r.status for r in again] == ["skipped", "failed"]


def test_a_job_that_cannot_start_is_reported_not_raised(tmp_path):
    job = Job("ghost", str(tmp_path / "nope.ipynb"), str(tmp_path / "out"), {})
    (res,) = run_jobs([job], workers=1, progress=None)
    assert res.status == "failed" and "nope.ipynb" in res.error


def test_manifest_yaml_errors_name_file_and_line(project):
    from nakit.errors import FileFormatError

    with pytest.raises(FileFormatError, match=r"runs.yaml, line 4: not valid YAML"):
        jobs_from_manifest(_manifest(project, "notebooks:\n  toy.ipynb: {}\nsamples: [\n"))
    # (a problem of the manifest's content, listed with every other: see tests/test_output_roots.py)
    with pytest.raises(ParameterError, match="'samples' must be a non-empty mapping"):
        jobs_from_manifest(_manifest(project, "notebooks:\n  toy.ipynb: {}\n"))


def test_stale_jobs_start_longest_first(tmp_path):
    import json

    from nakit.batch.engine import STAMP, longest_first

    jobs = []
    for name, seconds in [("short", 2.0), ("never", None), ("long", 40.0), ("mid", 10.0)]:
        out = tmp_path / name
        out.mkdir()
        if seconds is not None:
            (out / STAMP).write_text(json.dumps({"key": "old", "seconds": seconds}))
        jobs.append(Job(name, "nb.ipynb", str(out), {}))
    ordered = longest_first(list(enumerate(jobs)))
    assert [job.name for _, job in ordered] == ["never", "long", "mid", "short"]
    assert [i for i, _ in ordered] == [1, 2, 3, 0]


def test_manifest_sample_entries_are_relative_to_the_manifest(tmp_path):
    """A notebook taking a ``samples`` list: the entries' file keys resolve against the manifest's
    folder (not the notebook's), and a missing one is named with its entry."""
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        'samples = [  # keys: label*, file*\n    {"label": "x", "file": "x.txt"},\n]\noutput_dir = "out"',
        metadata={"tags": ["parameters"]})]
    nbformat.write(nb, nbdir / "multi.ipynb")
    (nbdir / "x.txt").write_text("1\n")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("1\n")
    path = tmp_path / "runs.yaml"
    path.write_text("notebooks:\n  nbs/multi.ipynb: {}\nsamples:\n  lot1:\n    nbs/multi.ipynb:\n"
                    "      samples: [{label: A, file: raw/a.txt}]\n")
    (job,), _, _ = jobs_from_manifest(path)
    assert job.parameters["samples"] == [{"label": "A", "file": str(tmp_path / "raw" / "a.txt")}]
    path.write_text(path.read_text().replace("raw/a.txt", "raw/b.txt"))
    with pytest.raises(ParameterError, match=r"entry 1 \('A'\): input file .*raw/b.txt does not exist"):
        jobs_from_manifest(path)


@pytest.mark.parametrize("output", ["../elsewhere", "/tmp/nakit-anywhere", "sub/../.."])
def test_manifest_output_stays_in_its_folder_unless_given_explicitly(project, output):
    manifest = _manifest(project, GOOD.replace("output: batch", f"output: {output}"))
    with pytest.raises(ParameterError, match="points outside the manifest's folder"):
        jobs_from_manifest(manifest)
    jobs, out, _ = jobs_from_manifest(manifest, project.parent / "explicit")
    assert out == (project.parent / "explicit").resolve()
    assert all(Path(j.output_dir).is_relative_to(out) for j in jobs)


def test_the_batch_summary_marks_flagged_values_and_says_why(tmp_path):
    """summary.html showed "t-plot micropore volume 0 cm3/g" and a DFT width the runs' reports flag as
    plain numbers: the flags of each run's headline were dropped."""
    import json

    from nakit.batch.gather import FLAGS_COLUMN, summary_table
    from nakit.report import HEADLINE_COLUMNS

    rows = {"HC lot 4": [("lot 4", "micropore_volume", "t-plot micropore volume", "0.0", "", "cm3/g",
                          "none resolved: the t-plot intercept is negative", ""),
                         ("lot 4", "bet_area", "BET area", "193.72", "1.13", "m2/g", "", ""),
                         ("lot 4", "bjh_peak_diameter", "BJH peak diameter", "", "", "nm", "",
                          "no desorption branch")],
            "HC lot 1": [("lot 1", "bet_area", "BET area", "215.0", "2.0", "m2/g", "", "")]}
    for sample, headline in rows.items():
        run = tmp_path / sample.replace(" ", "_") / "02_bet_bjh"
        (run / "results").mkdir(parents=True)
        (run / ".nakit-run.json").write_text(json.dumps({"job": {"name": f"{sample}/02_bet_bjh"}}), encoding="utf-8")
        with open(run / "results" / "headline.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADLINE_COLUMNS)
            w.writerows([r[0], "02_bet_bjh", *r[1:]] for r in headline)
    table = summary_table(tmp_path)
    assert table.loc["HC lot 4", "t-plot micropore volume"] == "0 cm3/g ⚑"
    assert table.loc["HC lot 4", "BET area"] == "193.7 ± 1.1 m2/g"  # not flagged: no mark
    assert table.loc["HC lot 4", "BJH peak diameter"] == "— ⚑"  # not computed, and why
    assert table.loc["HC lot 4", FLAGS_COLUMN] == ("t-plot micropore volume: none resolved: the t-plot intercept is "
                                                   "negative; BJH peak diameter: no desorption branch")
    import pandas as pd

    assert list(table.columns)[-1] == FLAGS_COLUMN and pd.isna(table.loc["HC lot 1", FLAGS_COLUMN])


def test_the_manifest_example_in_the_docs_is_one(tmp_path):
    """The docstring's example (README sends users to it) named a parameter no notebook has."""
    import re
    import shutil

    import nakit.batch.manifest as manifest
    from nakit.paths import data_dir

    example = re.search(r"A manifest is YAML::\n\n(.*?)\n\n", manifest.__doc__, re.S).group(1)
    (tmp_path / "runs.yaml").write_text("\n".join(line[4:] for line in example.splitlines()) + "\n", encoding="utf-8")
    (tmp_path / "raw").mkdir()
    for name in ("lot1.xlsx", "lot2.xlsx"):
        shutil.copyfile(data_dir() / "sorption" / "cmk3_micromeritics.xlsx", tmp_path / "raw" / name)
    shutil.copyfile(data_dir() / "cycling" / "cast_annealed_50cycles.xlsx", tmp_path / "raw" / "lot1_cell.xlsx")
    jobs, out, _ = jobs_from_manifest(tmp_path / "runs.yaml")
    assert sorted(j.name for j in jobs) == ["CMK3-lot1/02_bet_bjh", "CMK3-lot1/04_cycling", "CMK3-lot2/02_bet_bjh"]
    assert out == tmp_path / "reports" / "batch"
    lot2 = next(j for j in jobs if j.name == "CMK3-lot2/02_bet_bjh")
    assert lot2.parameters["bjh_branch"] == "adsorption" and lot2.parameters["samples"][0]["label"] == "lot 2"


def test_a_mistyped_notebook_in_a_manifest_gets_a_suggestion(project):
    path = _manifest(project, """
notebooks:
  toy.ipynb: {}
samples:
  A: {only: [toy.ipnb], toy.ipynb: {data_file: a.txt}}
  B: {toy.ipnyb: {data_file: b.txt}}
""")
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(path)
    assert "'only' names unknown notebook 'toy.ipnb' (did you mean 'toy.ipynb'?)" in str(err.value)
    assert "'toy.ipnyb' is not a notebook listed under 'notebooks' (did you mean 'toy.ipynb'?)" in str(err.value)


def test_results_already_along_sample_are_gathered_with_their_rows(tmp_path):
    """A batch of notebook 04 or 05 failed at its end: "Dimension sample already exists" (cycles.nc and
    arrhenius.nc are tables along sample)."""
    import json

    import numpy as np

    from nakit.batch.gather import gather_results

    for run_sample, labels in (("cell A", ["A1"]), ("cells B", ["B1", "B2"])):
        run = tmp_path / run_sample.replace(" ", "_") / "04_cycling"
        (run / "results").mkdir(parents=True)
        (run / ".nakit-run.json").write_text(json.dumps({"job": {"name": f"{run_sample}/04_cycling"}}))
        xr.Dataset({"capacity": (("sample", "cycle"), np.arange(2.0 * len(labels)).reshape(len(labels), 2))},
                   coords={"sample": labels, "cycle": [1, 2]}).to_netcdf(run / "results" / "cycles.nc",
                                                                       engine="h5netcdf")
        xr.Dataset({"total": ((), 1.0)}, coords={"sample": labels[0]}).to_netcdf(run / "results" / "one.nc",
                                                                                  engine="h5netcdf")
    written = gather_results(tmp_path)
    with xr.open_dataset(written["04_cycling/cycles"], engine="h5netcdf") as ds:
        assert list(ds["sample"].values) == ["cell A", "cells B: B1", "cells B: B2"]
        assert ds["capacity"].sel(sample="cells B: B2").values.tolist() == [2.0, 3.0]
    with xr.open_dataset(written["04_cycling/one"], engine="h5netcdf") as ds:
        assert list(ds["sample"].values) == ["cell A", "cells B"]
        assert list(ds["sample_label"].values) == ["A1", "B1"]
