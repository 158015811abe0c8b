"""A batch sample never runs a notebook on the notebook's shipped stand-in data under its own name,
and whatever is computed from stand-ins says "synthesised" in the summary and the gathered files.

Audit: a manifest listing 02_bet_bjh and 04_cycling, a sample with only a 02_bet_bjh entry: 04_cycling
ran on the paper's cells and summary.csv showed "Sn/C 20 wt%: cast-annealed 810 mAh/g", exit 0."""

import csv
import json
import shutil

import nbformat
import pytest
import xarray as xr

from nakit import cli
from nakit.batch.gather import SYNTHESISED, gather_results, summary_table, write_summary
from nakit.batch.manifest import jobs_from_manifest
from nakit.errors import ParameterError
from nakit.paths import data_dir
from nakit.report import HEADLINE_COLUMNS

TWO = """
output: out
notebooks:
  02_bet_bjh: {}
  04_cycling: {}
samples:
  "Sn/C 20 wt%":
    02_bet_bjh: {samples: [{label: SnC, file: raw/SnC.xlsx}]}
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "raw").mkdir()
    # a measurement of the user's (any sorption file nakit reads; its bytes changed, so no stand-in)
    data = (data_dir() / "sorption" / "cmk3_micromeritics.xlsx").read_bytes()
    (tmp_path / "raw" / "SnC.xlsx").write_bytes(data + b"\0")
    return tmp_path


def test_a_sample_without_an_entry_is_left_out_of_that_notebook_saying_why(folder):
    (folder / "runs.yaml").write_text(TWO)
    jobs, _, left_out = jobs_from_manifest(folder / "runs.yaml")
    assert [j.name for j in jobs] == ["Sn/C 20 wt%/02_bet_bjh"]
    (left,) = left_out
    assert left.name == "Sn/C 20 wt%/04_cycling" and left.status == "left out"
    assert "no 04_cycling entry" in left.error and "shipped stand-in data" in left.error
    assert "'only:'" in left.error


@pytest.mark.parametrize("entry", ["    04_cycling: {fade_model: linear}\n", "    only: [02_bet_bjh, 04_cycling]\n"])
def test_a_notebook_asked_for_without_data_is_refused(folder, entry):
    (folder / "runs.yaml").write_text(TWO + entry)
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(folder / "runs.yaml")
    assert "sample 'Sn/C 20 wt%', 04_cycling: the manifest gives this sample no 04_cycling entry" in str(err.value)
    assert "no 'samples'" in str(err.value)


def test_shared_samples_or_only_run_as_the_manifest_says(folder):
    shared = TWO.replace("  04_cycling: {}", "  04_cycling: {samples: [{label: c, file: raw/c.xlsx}]}")
    shutil.copyfile(data_dir() / "cycling" / "cast_annealed_50cycles.xlsx", folder / "raw" / "c.xlsx")
    (folder / "runs.yaml").write_text(shared)
    jobs, _, left_out = jobs_from_manifest(folder / "runs.yaml")
    assert len(jobs) == 2 and not left_out
    (folder / "runs.yaml").write_text(TWO + "    only: [02_bet_bjh]\n")
    jobs, _, left_out = jobs_from_manifest(folder / "runs.yaml")
    assert len(jobs) == 1 and not left_out


def _run(root, sample, notebook, samples, headline):
    """A finished run folder as a batch leaves it: stamp (with the job's parameters) and headline."""
    run = root / sample.replace(" ", "_").replace("/", "_") / notebook
    (run / "results").mkdir(parents=True)
    job = {"name": f"{sample}/{notebook}", "notebook": str(root / f"{notebook}.ipynb"),
           "parameters": {"samples": samples}}
    (run / ".nakit-run.json").write_text(json.dumps({"key": "k", "job": job}), encoding="utf-8")
    with open(run / "results" / "headline.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADLINE_COLUMNS)
        w.writerows([label, notebook, "first_discharge_capacity", "first discharge capacity", value, "", "mAh/g",
                     "", ""] for label, value in headline)
    return run


def test_rows_computed_from_stand_ins_say_synthesised_in_summary_and_gathered(tmp_path):
    stand_in = str(data_dir() / "cycling" / "cast_annealed_50cycles.xlsx")
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"a cell of mine")
    paper = _run(tmp_path, "Sn/C 20 wt%", "04_cycling",
                 [{"label": "cast-annealed", "file": stand_in}, {"label": "own", "file": str(mine)}],
                 [("cast-annealed", "810.0"), ("own", "512.0")])
    _run(tmp_path, "HC", "04_cycling", [{"label": "HC cell", "file": str(mine)}], [("HC cell", "300.0")])
    for run, labels in ((paper, ["cast-annealed", "own"]), (tmp_path / "HC" / "04_cycling", ["HC cell"])):
        xr.Dataset({"q": (("sample",), [1.0] * len(labels))}, coords={"sample": labels}).to_netcdf(
            run / "results" / "cycles.nc", engine="h5netcdf")

    table = summary_table(tmp_path)
    assert list(table.columns)[0] == SYNTHESISED
    assert table.loc["Sn/C 20 wt%: cast-annealed", SYNTHESISED] == "yes"
    assert table.loc["Sn/C 20 wt%: own", SYNTHESISED] == "no" and table.loc["HC", SYNTHESISED] == "no"

    page = write_summary(tmp_path, []).read_text(encoding="utf-8")
    assert "Synthesised stand-in data</strong> in 1 row(s) (Sn/C 20 wt%: cast-annealed)" in page

    written = gather_results(tmp_path)
    with xr.open_dataset(written["04_cycling/cycles"], engine="h5netcdf") as ds:
        flags = dict(zip(ds["sample"].values.tolist(), ds[SYNTHESISED].values.tolist()))
        assert flags == {"HC": "no", "Sn/C 20 wt%: cast-annealed": "yes", "Sn/C 20 wt%: own": "no"}
        assert "synthesised" not in ds.attrs  # not every row is a stand-in's


def test_a_batch_of_measured_data_gets_no_synthesised_column(tmp_path):
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"a cell of mine")
    _run(tmp_path, "HC", "04_cycling", [{"label": "HC cell", "file": str(mine)}], [("HC cell", "300.0")])
    assert SYNTHESISED not in summary_table(tmp_path).columns


TOY = 'import pathlib\npathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)\nprint(open(data_file).read())\n'


@pytest.mark.notebooks
def test_the_batch_command_says_what_it_left_out_and_still_succeeds(tmp_path, capsys):
    for name in ("toy", "toy2"):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell('data_file = "default.txt"\noutput_dir = "out"',
                                              metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(TOY)]
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    for name in ("default.txt", "a.txt"):
        (tmp_path / name).write_text("1\n")
    (tmp_path / "m.yaml").write_text("output: out\nnotebooks:\n  toy.ipynb: {}\n  toy2.ipynb: {}\n"
                                     "samples:\n  A: {toy.ipynb: {data_file: a.txt}}\n")
    assert cli.main(["batch", str(tmp_path / "m.yaml"), "-j", "1"]) == 0
    text = capsys.readouterr()
    assert "left out A/toy2: the manifest gives this sample no toy2.ipynb entry" in text.err
    assert "the notebook's default 'data_file'" in text.err
    assert "1 left out (no data given)" in text.out and "LEFT OUT A/toy2" in text.out
    assert not (tmp_path / "out" / "A" / "toy2").exists()
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "<td>A/toy2</td><td>left out</td>" in page


def test_summary_csv_names_its_first_column(tmp_path):
    """summary.csv's first header cell was empty (the table's index had no name)."""
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"a cell of mine")
    _run(tmp_path, "HC", "04_cycling", [{"label": "HC cell", "file": str(mine)}], [("HC cell", "300.0")])
    write_summary(tmp_path, [])
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as fh:
        header, row = list(csv.reader(fh))
    assert header == ["sample", "first discharge capacity"] and row == ["HC", "300 mAh/g"]
