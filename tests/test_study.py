"""Studies: validation before anything runs, labels as keys, and one report over real files.

The toy tests use a small notebook beside the study file (fast). The peer study runs every
technique notebook on real public measurements from ../shared/peer-data (skipped when the
folder is absent) once per module, then checks the study report against the library.
"""

import csv
import math
import re
from pathlib import Path

import nbformat
import pytest

from nakit import cli
from nakit.errors import ParameterError
from nakit.study import load_study, run_study, safe_names

TOY_PARAMETERS = '''title = ""        # report title; "" makes one from the labels
samples = [       # one dict per sample; keys: label*, file*, scale
    {"label": "one", "file": "a.txt"},
]
# how a file's numbers are combined; one of: "sum", "max"
mode = "sum"
claims_file = None
output_dir = "out"'''

TOY = '''import numpy as np
from nakit import report
rep = report.start("toy", output_dir, parameters={"mode": mode}, input_files=[s["file"] for s in samples],
                   title=title, samples=[s["label"] for s in samples], claims_file=claims_file)
rep.heading("Toy")
for s in samples:
    values = np.loadtxt(s["file"], ndmin=1)
    total = values.sum() if mode == "sum" else values.max()
    rep.result(s["label"], "total", total * s.get("scale", 1), 0.5, unit="g", quantity="total mass")
rep.finish()
'''


@pytest.fixture
def toy(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(TOY_PARAMETERS, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(TOY)]
    nbformat.write(nb, tmp_path / "toy.ipynb")
    (tmp_path / "a.txt").write_text("1\n")
    for folder, text in [("lot1", "1\n2\n3\n"), ("lot2", "10\n20\n")]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "data.txt").write_text(text)  # the same basename in two folders
    return tmp_path


def _study(folder: Path, text: str, name: str = "study.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
title: Toy batch
output: report
parameters:
  toy: {mode: sum}
samples:
  - label: Sample A (lot 1)
    toy: lot1/data.txt
  - label: "Sample A: lot 2/after"
    toy: {file: lot2/data.txt, scale: 2}
"""


def test_bad_study_lists_every_problem_before_anything_runs(toy):
    path = _study(toy, """
title: Broken
output: ../elsewhere
colour: blue
parameters:
  toy: {mode: mean, speed: 3}
samples:
  - label: A
    toy: {file: lot1/data.txt, colour: red}
  - label: A
    toy: lot2/data.txt
  - label: B
    toy: nowhere/missing.txt
    xps: b.vms
  - toy: a.txt
""")
    with pytest.raises(ParameterError) as err:
        load_study(path)
    msg = str(err.value)
    for expected in ["unknown top-level key(s) 'colour'",
                     "'output' '../elsewhere' points outside the study file's folder",
                     "duplicate label 'A'",
                     "unknown technique or notebook 'xps'",
                     "sample 4: missing 'label'",
                     "'mean' is not allowed (one of: 'sum', 'max')",
                     "unknown parameter 'speed'",
                     "unknown key(s) 'colour' (known: label, file, scale)",
                     "missing.txt does not exist"]:
        assert expected in msg, f"{expected!r} not in:\n{msg}"
    assert "problem(s)" in msg
    assert not (toy / "elsewhere").exists() and not (toy / "reports").exists()


def test_cli_study_refuses_before_running(toy, capsys):
    path = _study(toy, "samples:\n  - label: A\n    toy: nowhere.txt\n")
    assert cli.main(["study", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nowhere.txt does not exist" in err
    assert not (toy / "reports").exists()


def test_labels_are_free_text_and_folder_names_safe_and_unique():
    names = safe_names(["Sample A", "sample a", "../etc", "x/y", "", "Ünïcode ☃", ".hidden"])
    assert len(set(n.lower() for n in names.values())) == len(names)
    for name in names.values():
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name), name
    assert names["Sample A"] == "Sample_A" and names["sample a"] == "sample_a-2"


def test_explicit_output_may_leave_the_folder(toy, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    study = load_study(_study(toy, GOOD.replace("output: report", "output: ../x")), output=elsewhere)
    assert study.output == elsewhere.resolve()


@pytest.mark.notebooks
def test_toy_study_keys_everything_by_label(toy):
    summary = run_study(_study(toy, GOOD), workers=1)
    assert summary.ok, summary.describe()
    out = toy / "report"
    assert summary.output == out
    rows = {r["sample"]: r for r in csv.DictReader(open(out / "comparison.csv", encoding="utf-8"))}
    # the two data.txt files stay apart: 1+2+3 and 2*(10+20)
    assert float(rows["Sample A (lot 1)"]["total"]) == 6.0
    assert float(rows["Sample A: lot 2/after"]["total"]) == 60.0
    assert float(rows["Sample A: lot 2/after"]["total_sigma"]) == 0.5
    import xarray as xr

    ds = xr.open_dataset(out / "comparison.nc", engine="h5netcdf")
    assert list(ds["sample"].values) == ["Sample A (lot 1)", "Sample A: lot 2/after"]
    assert ds["total"].attrs["units"] == "g" and ds["total_sigma"].attrs["units"] == "g"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Toy batch</h1>" in index and "Sample A: lot 2/after" in index
    assert "toy/toy.html" in index
    assert "data.txt" not in index  # labels, never file names
    per_sample = sorted(p.name for p in (out / "samples").iterdir())
    assert per_sample == ["Sample_A_lot_1.csv", "Sample_A_lot_2_after.csv"]
    assert not (out / "claims.csv").exists()
    # unchanged: skipped; one file changed: its notebook reruns
    again = run_study(_study(toy, GOOD), workers=1)
    assert [r.status for r in again.results] == ["skipped"]
    (toy / "lot2" / "data.txt").write_text("1\n")
    third = run_study(_study(toy, GOOD), workers=1)
    assert [r.status for r in third.results] == ["ran"]
    rows = {r["sample"]: r for r in csv.DictReader(open(out / "comparison.csv", encoding="utf-8"))}
    assert float(rows["Sample A: lot 2/after"]["total"]) == 2.0
