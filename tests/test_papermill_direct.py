"""The notebooks run by papermill itself, as a user who knows papermill runs them.

papermill starts the kernel in the command's folder unless given ``--cwd``, while the
notebooks' defaults (``../reports/interactive/<notebook>``, ``../data/...``) are relative to
their own folder. Such a run must say so, not write its report into the parent of wherever
the command was typed; a run given its own output folder and files works from anywhere.
"""

import csv

import pytest

from nakit import report
from nakit.errors import ParameterError
from nakit.paths import notebooks_dir
from tests.peer import peer_file

DEFAULT = "../reports/interactive/00_synthesis_stoichiometry"


def test_the_default_output_folder_is_refused_outside_the_notebooks_folder(tmp_path, monkeypatch):
    here = tmp_path / "study" / "raw"
    here.mkdir(parents=True)
    (here / "out.ipynb").write_text("{}")  # papermill's output notebook, written before the run
    monkeypatch.chdir(here)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    with pytest.raises(ParameterError) as exc:
        report.start("00_synthesis_stoichiometry", DEFAULT, {"output_dir": DEFAULT}, claims_file=None)
    message = str(exc.value)
    assert f"the kernel runs in {here}, not in the notebook's folder" in message
    assert f"would write to {tmp_path / 'study' / 'reports' / 'interactive' / '00_synthesis_stoichiometry'}" in message
    assert "--cwd notebooks" in message and "give output_dir yourself" in message
    assert not (tmp_path / "study" / "reports").exists()


@pytest.mark.parametrize("notebook_file, session", [
    ("00_synthesis_stoichiometry.ipynb", None),  # papermill --cwd notebooks, nbconvert --execute
    ("my recipe.ipynb", "my recipe.ipynb")])     # a renamed copy opened in JupyterLab
def test_the_default_output_folder_is_the_notebook_folders(tmp_path, monkeypatch, notebook_file, session):
    here = tmp_path / "notebooks"
    here.mkdir()
    (here / notebook_file).write_text("{}")
    monkeypatch.chdir(here)
    if session:
        monkeypatch.setenv("JPY_SESSION_NAME", str(here / session))
    else:
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    rep = report.start("00_synthesis_stoichiometry", DEFAULT, {"output_dir": DEFAULT}, claims_file=None)
    assert rep.output_dir.resolve() == tmp_path / "reports" / "interactive" / "00_synthesis_stoichiometry"


def test_an_output_folder_of_ones_own_is_taken_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rep = report.start("00_synthesis_stoichiometry", "out", {"output_dir": "out"}, claims_file=None)
    assert rep.output_dir.resolve() == tmp_path / "out"


def _papermill(notebook, cwd, parameters):
    import papermill as pm

    from nakit.runner import kernel_name

    return pm.execute_notebook(str(notebooks_dir() / f"{notebook}.ipynb"), str(cwd / f"{notebook}.out.ipynb"),
                               parameters=parameters, cwd=str(cwd), kernel_name=kernel_name(),
                               progress_bar=False, log_output=False, request_save_on_cell_execute=False)


@pytest.mark.notebooks
def test_papermill_without_cwd_stops_before_writing_anything(tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)  # the kernel inherits it
    here = tmp_path / "study"
    here.mkdir()
    with pytest.raises(pm.PapermillExecutionError) as exc:
        _papermill("00_synthesis_stoichiometry", here, {})
    assert exc.value.ename == "ParameterError"
    assert "papermill without --cwd?" in exc.value.evalue
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]
    assert [p.name for p in here.iterdir()] == ["00_synthesis_stoichiometry.out.ipynb"]


@pytest.mark.notebooks
def test_papermill_from_a_study_folder_with_own_files_and_output(tmp_path):
    isotherm = peer_file("sorption", "pygaps", "SiO2 N2 77K.json")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "silica.json").write_bytes(isotherm.read_bytes())
    _papermill("02_bet_bjh", tmp_path, {"samples": [{"label": "silica gel (lot 7)", "file": "raw/silica.json"}],
                                        "output_dir": "reports/silica"})
    rows = csv.DictReader(open(tmp_path / "reports" / "silica" / "results" / "headline.csv", encoding="utf-8"))
    bet = [r for r in rows if r["key"] == "bet_area"]
    assert [r["sample"] for r in bet] == ["silica gel (lot 7)"]
    assert float(bet[0]["value"]) == pytest.approx(210.4, rel=0.03)  # pyGAPS' area_BET: 210.4 m2/g (its own range)


# -- a rerun in place (JupyterLab, papermill) -------------------------------------------

def _report(out, labels, notebook="04_cycling"):
    import matplotlib.pyplot as plt

    rep = report.start(notebook, out, {"output_dir": str(out)}, samples=labels, claims_file=None, synthesised=False)
    for label in labels:
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        rep.figure(fig, f"dqdv_{label}", f"dQ/dV of {label}.", formats=["png"])
        plt.close(fig)
        rep.save_table(__import__("pandas").DataFrame({"cycle": [1]}), f"summary_{label}")
        rep.result(label, "capacity", 1.0, unit="mAh/g")
    rep.finish()
    return rep


def _files(out):
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def test_a_rerun_in_place_with_other_samples_leaves_none_of_the_earlier_ones_files(tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "04_cycling.out.ipynb").write_text("{}")  # papermill's output notebook stays
    _report(out, ["paper-a", "paper-b"])
    assert "figures/dqdv_paper-a.png" in _files(out)
    _report(out, ["cell 7"])
    files = _files(out)
    assert not [f for f in files if "paper-" in f]
    assert {"figures/dqdv_cell 7.png", "results/summary_cell 7.csv", "provenance.json",
            "04_cycling.out.ipynb"} <= set(files)
    assert "paper-a" not in (out / "figures" / "captions.csv").read_text()
    assert [r["sample"] for r in csv.DictReader(open(out / "results" / "headline.csv"))] == ["cell 7"]


def test_a_run_stopped_before_its_record_is_cleared_too(tmp_path):
    out = tmp_path / "report"
    _report(out, ["old"])
    (out / "provenance.json").unlink()  # stopped after the headline, before the record
    _report(out, ["new"])
    assert not [f for f in _files(out) if "old" in f]


def test_a_folder_of_another_notebooks_report_is_refused_and_kept(tmp_path):
    out = tmp_path / "report"
    _report(out, ["A"], notebook="02_bet_bjh")
    before = _files(out)
    with pytest.raises(ParameterError, match=f"output_dir {out} holds the report of 02_bet_bjh; give each notebook"):
        report.start("04_cycling", out, {"output_dir": str(out)}, samples=["A"], claims_file=None)
    assert _files(out) == before


def test_a_folder_of_ones_own_files_is_left_alone(tmp_path):
    out = tmp_path / "mine"
    (out / "results").mkdir(parents=True)
    (out / "results" / "notes.csv").write_text("mine\n")
    _report(out, ["A"])
    assert (out / "results" / "notes.csv").read_text() == "mine\n"
    # and a rerun removes what the report wrote (its record lists it), not the user's file beside it
    _report(out, ["B"])
    files = _files(out)
    assert "results/notes.csv" in files and "results/summary_B.csv" in files and "results/summary_A.csv" not in files
    import json

    outputs = json.loads((out / "provenance.json").read_text())["outputs"]
    assert "results/summary_B.csv" in outputs and "figures/dqdv_B.png" in outputs and "results/notes.csv" not in outputs


def test_a_record_naming_files_outside_its_folders_removes_none_of_them(tmp_path):
    import json

    out = tmp_path / "report"
    _report(out, ["A"])
    (tmp_path / "outside.txt").write_text("keep")
    (out / "notes.txt").write_text("keep")
    record = json.loads((out / "provenance.json").read_text())
    record["outputs"] += ["../outside.txt", "notes.txt", str(tmp_path / "outside.txt")]
    (out / "provenance.json").write_text(json.dumps(record))
    _report(out, ["B"])
    assert (tmp_path / "outside.txt").read_text() == "keep" and (out / "notes.txt").read_text() == "keep"
    assert "figures/dqdv_A.png" not in _files(out)


def test_every_notebooks_default_output_folder_is_the_one_the_check_knows():
    """report.start knows the default by the notebooks' convention, not by reading each notebook."""
    from nakit.params import notebook_parameters

    for nb in sorted(notebooks_dir().glob("*.ipynb")):
        assert notebook_parameters(nb)["output_dir"].default == f"../reports/interactive/{nb.stem}", nb.name
