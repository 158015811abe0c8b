"""A rerun replaces what the earlier run wrote in its report folder, and nothing else: a file the
user put there (notes beside a report, a table of their own in results/) moves into the new
report. It was deleted with the old folder by `nakit run`, batches and studies."""

import json

import pytest

from nakit import runfolder


def _run(folder, files, fail=False):
    """A run through the report folder's transaction that writes ``files`` ({relative path: text})."""
    with runfolder.replace_when_complete(folder) as txn:
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
        if fail:
            txn.fail("a cell raised")
    return txn


def test_a_rerun_keeps_the_users_files_and_drops_what_the_earlier_run_alone_wrote(tmp_path):
    out = tmp_path / "rep"
    _run(out, {"nb.ipynb": "{}", "results/summary_A.csv": "A", "figures/a.png": "1"})
    assert json.loads((out / runfolder.FILES).read_text()) == ["figures/a.png", "nb.ipynb", "results/summary_A.csv"]
    (out / "notes.md").write_text("my notes")
    (out / "results" / "mine.csv").write_text("x,y\n1,2\n")
    (out / "drafts").mkdir()
    (out / "drafts" / "fig.svg").write_text("<svg/>")

    txn = _run(out, {"nb.ipynb": "{}", "results/summary_B.csv": "B", "figures/a.png": "2"})

    assert txn.kept == ["drafts/fig.svg", "notes.md", "results/mine.csv"]
    assert not (out / "results" / "summary_A.csv").exists()  # sample A's table is no longer this report's
    assert (out / "figures" / "a.png").read_text() == "2"
    assert (out / "notes.md").read_text() == "my notes"
    assert (out / "results" / "mine.csv").read_text() == "x,y\n1,2\n"
    assert (out / "drafts" / "fig.svg").read_text() == "<svg/>"
    # still the user's on the next rerun: the record lists only what the run wrote
    assert runfolder.users_files(out) == ["drafts/fig.svg", "notes.md", "results/mine.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]  # no .previous left behind


def test_a_users_file_the_rerun_writes_over_is_kept_under_another_name(tmp_path):
    out = tmp_path / "rep"
    _run(out, {"results/summary_A.csv": "A"})
    (out / "results" / "summary_B.csv").write_text("the user's own B")
    with pytest.warns(UserWarning, match=r"summary_B\.csv: the rerun wrote a file of this name.*"
                                         r"kept as summary_B\.csv\.before-rerun"):
        txn = _run(out, {"results/summary_B.csv": "nakit's B"})
    assert txn.renamed == ["results/summary_B.csv"]
    assert (out / "results" / "summary_B.csv").read_text() == "nakit's B"
    assert (out / "results" / "summary_B.csv.before-rerun").read_text() == "the user's own B"


def test_a_failed_rerun_puts_the_earlier_report_back_with_the_users_files(tmp_path):
    out = tmp_path / "rep"
    _run(out, {"results/summary_A.csv": "A"})
    (out / "notes.md").write_text("my notes")
    txn = _run(out, {"results/summary_A.csv": "partial"}, fail=True)
    assert txn.kept == []
    assert (out / "notes.md").read_text() == "my notes"
    assert (out / "results" / "summary_A.csv").read_text() == "A"
    assert runfolder.is_stale(out)
    assert runfolder.users_files(out) == ["notes.md"]  # the stale marker is nakit's


def test_a_report_of_an_older_nakit_is_read_through_its_run_record(tmp_path):
    """No file record: provenance.json's ``outputs`` says which figures and results were the run's."""
    out = tmp_path / "old"
    (out / "figures").mkdir(parents=True)
    (out / "results").mkdir()
    for rel in ("02_bet_bjh.ipynb", "02_bet_bjh.html", "claims.csv", "figures/bet_A.png", "results/headline.csv",
                "results/mine.csv", "analysis.ipynb", "notes.md"):
        (out / rel).write_text(rel)
    (out / "provenance.json").write_text(json.dumps({"notebook": "02_bet_bjh",
                                                     "outputs": ["figures/bet_A.png", "results/headline.csv"]}))
    assert runfolder.users_files(out) == ["analysis.ipynb", "notes.md", "results/mine.csv"]
    # a record listing no outputs (older still) claims all of figures/ and results/, as JupyterLab reruns do
    (out / "provenance.json").write_text(json.dumps({"notebook": "02_bet_bjh"}))
    assert runfolder.users_files(out) == ["analysis.ipynb", "notes.md"]
    # no record at all: a folder that only a sign of nakit's (a notebook) let through is taken whole, as before
    (out / "provenance.json").unlink()
    assert runfolder.users_files(out) == []


def test_nakit_run_keeps_the_users_file_and_says_so(tmp_path, capsys):
    from nakit import cli

    out = tmp_path / "report"
    assert cli.main(["run", "00_synthesis_stoichiometry", "-o", str(out), "--no-server"]) == 0
    (out / "results").mkdir()
    (out / "results" / "weighed.csv").write_text("batch,mass_mg\n1,120.4\n")
    (out / "lab-notes.txt").write_text("melt-cast at 873 K")
    capsys.readouterr()
    assert cli.main(["run", "00_synthesis_stoichiometry", "-o", str(out), "--no-server"]) == 0
    said = capsys.readouterr().out
    assert "kept 2 file(s) of yours from the earlier report: lab-notes.txt, results/weighed.csv" in said
    assert (out / "lab-notes.txt").read_text() == "melt-cast at 873 K"
    assert (out / "results" / "weighed.csv").read_text() == "batch,mass_mg\n1,120.4\n"
    assert (out / "figures" / "stoichiometry.png").is_file()


@pytest.mark.notebooks
def test_every_file_of_a_reproduced_report_is_in_its_record(reproduction):
    """Were a file a run writes missing from the record, a rerun would carry it over as the user's."""
    folders = sorted(p.parent for p in reproduction.glob("*/provenance.json"))
    assert len(folders) == 7
    for folder in folders:
        assert runfolder.users_files(folder) == [], folder.name
        listed = json.loads((folder / runfolder.FILES).read_text())
        assert "provenance.json" in listed and f"{folder.name}.html" in listed, folder.name


def test_a_report_rewritten_in_place_drops_the_file_record_of_the_nakit_run_before(tmp_path):
    """After a rerun in JupyterLab with other samples, the record of the `nakit run` before would call
    the new samples' files the user's, and the next `nakit run` would carry them over."""
    from .test_papermill_direct import _report

    out = tmp_path / "report"
    with runfolder.replace_when_complete(out):
        _report(out, ["cell 1"])
    assert (out / runfolder.FILES).is_file()
    (out / "notes.md").write_text("mine")
    _report(out, ["cell 2"])  # in place, as a notebook run in JupyterLab writes
    assert not (out / runfolder.FILES).exists()
    assert runfolder.users_files(out) == ["notes.md"]
    txn = _run(out, {"provenance.json": "{}"})
    assert txn.kept == ["notes.md"]
    assert not [p for p in out.rglob("*") if "cell" in p.name]
