"""A study's or batch's output folder: the user's files in it are never overwritten, and a rerun
leaves nothing of an earlier run that it no longer writes.

An output folder equal to the data folder was taken, and the run overwrote an input isotherm
(``samples/A.csv``) with a results table and the user's own ``comparison.csv``; a study run into
another study's folder left that study's per-sample tables and reports beside the new index; a
renamed sample left its old table. The folder's record (``.nakit-written.json``,
:mod:`nakit.runfolder`) says what nakit wrote there: only that is overwritten or removed.
"""

import json
import shutil
from pathlib import Path

import pytest

from nakit import cli
from nakit.batch.manifest import jobs_from_manifest
from nakit.errors import ParameterError
from nakit.reading import files_in
from nakit.runfolder import WRITTEN, written
from nakit.study import load_study, run_study
from tests.test_batch import project  # noqa: F401  (a fixture: a toy notebook and its data)
from tests.test_study import GOOD, _study, toy  # noqa: F401  (toy: a fixture)


def _problems(path, **kw) -> str:
    with pytest.raises(ParameterError) as err:
        load_study(path, **kw)
    return str(err.value)


def test_a_study_into_its_data_folder_refuses_to_overwrite_an_input_or_a_users_file(toy):
    (toy / "samples").mkdir()
    (toy / "samples" / "A.txt").write_text("5\n")  # an input, where the study writes its per-sample tables
    (toy / "comparison.csv").write_text("my own table\n")  # a file of the user's, named as one nakit writes
    path = _study(toy, "samples:\n  - label: A\n    toy: samples/A.txt\n  - label: B\n    toy: lot1/data.txt\n")
    msg = _problems(path, output=toy)
    assert f"input file {toy / 'samples' / 'A.txt'} lies inside {toy / 'samples'}, a folder nakit writes" in msg
    assert f"{toy / 'comparison.csv'} exists and nakit did not write it" in msg
    assert cli.main(["study", str(path), "-o", str(toy), "-j", "1"]) == 2  # refused before anything runs
    assert (toy / "samples" / "A.txt").read_text() == "5\n" and (toy / "comparison.csv").read_text() == "my own table\n"
    assert not (toy / "index.html").exists() and not (toy / "toy").exists()
    # an input named as a file nakit writes, and the study's own `output: .`
    path = _study(toy, "output: .\nsamples:\n  - label: A\n    toy: comparison.csv\n")
    msg = _problems(path)
    assert f"input file {toy / 'comparison.csv'} would be overwritten: nakit writes comparison.csv there" in msg
    assert "points outside" not in msg  # `.` is the study file's folder, not outside it


def test_output_dot_is_the_study_files_folder_and_is_taken_when_nothing_is_in_the_way(toy):
    study = load_study(_study(toy, "output: .\n" + GOOD.replace("output: report\n", "")))
    assert study.output == toy.resolve()


@pytest.mark.parametrize("value, words", [
    ("[x]", "'output' must be a folder name (text), got ['x']"),
    ("2024", "'output' must be a folder name (text), got 2024: quote it in YAML"),
])
def test_the_studys_output_must_be_text(toy, value, words):
    msg = _problems(_study(toy, GOOD.replace("output: report", f"output: {value}")))
    assert words in msg
    assert not (toy / "['x']").exists()


def test_a_folder_of_the_users_where_a_study_puts_a_report_is_refused(toy):
    (toy / "report" / "toy").mkdir(parents=True)
    (toy / "report" / "toy" / "notes.txt").write_text("mine\n")  # no report of nakit's: its folder is replaced
    assert f"{toy / 'report' / 'toy'} holds files nakit did not write" in _problems(_study(toy, GOOD))


@pytest.mark.notebooks
def test_a_rerun_removes_what_it_no_longer_writes_and_keeps_the_users_files(toy):
    out = toy / "report"
    path = _study(toy, GOOD)
    assert run_study(path, workers=1).ok
    owner, entries = written(out)
    assert owner == str(path.resolve()) and "toy/" in entries and "samples/" in entries
    (out / "my notes.txt").write_text("mine\n")  # beside the report, never written by nakit
    # a renamed sample: its old table goes
    assert run_study(_study(toy, GOOD.replace("Sample A (lot 1)", "Lot 1")), workers=1).ok
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["Lot_1.csv", "Sample_A_lot_2_after.csv"]
    assert (out / "my notes.txt").read_text() == "mine\n"
    # another study file into the same folder: refused while that study exists, naming it
    other = _study(toy, "samples:\n  - label: Other\n    toy: a.txt\n", name="other.yaml")
    msg = _problems(other, output=out)
    assert f"output folder {out} holds the output of {path.resolve()}" in msg
    # once it is gone (renamed, deleted) the folder is taken over: nothing of the first study stays
    path.unlink()
    assert run_study(other, output=out, workers=1).ok
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["Other.csv"]
    assert "Lot 1" not in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "my notes.txt").read_text() == "mine\n"


@pytest.mark.notebooks
def test_a_notebook_left_out_of_the_study_has_its_report_removed(toy):
    shutil.copy(toy / "toy.ipynb", toy / "toy2.ipynb")
    both = GOOD + "    toy2: a.txt\n"
    path = _study(toy, both)
    assert run_study(path, workers=1).ok
    assert (toy / "report" / "toy2" / "toy2.html").is_file()
    assert run_study(_study(toy, GOOD), workers=1).ok
    assert not (toy / "report" / "toy2").exists()
    assert "toy2/" not in written(toy / "report")[1]
    # a file of the user's in the report folder stays, and so does the folder, now only theirs
    assert run_study(_study(toy, both), workers=1).ok
    (toy / "report" / "toy2" / "notes.md").write_text("toy2 looked odd\n")
    assert run_study(_study(toy, GOOD), workers=1).ok
    assert sorted(p.name for p in (toy / "report" / "toy2").iterdir()) == ["notes.md"]
    assert "toy2/" not in written(toy / "report")[1]


@pytest.mark.notebooks
def test_inspect_skips_what_a_study_wrote_beside_the_raw_files(toy, capsys):
    path = _study(toy, "output: .\n" + GOOD.replace("output: report\n", ""))
    assert run_study(path, workers=1).ok
    found = {Path(f).relative_to(toy).as_posix() for f in files_in([toy])}
    assert found == {"a.txt", "lot1/data.txt", "lot2/data.txt", "study.yaml", "toy.ipynb"}, found


def test_a_batch_into_its_data_folder_refuses_to_overwrite_an_input(project):
    (project / "summary.csv").write_text("1\n2\n")  # an input named as the batch's summary table
    (project / "summary.html").write_text("<p>mine</p>\n")
    path = project / "m.yaml"
    path.write_text("notebooks:\n  toy.ipynb: {}\nsamples:\n  s1: {toy.ipynb: {data_file: summary.csv}}\n")
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(path, project)
    msg = str(err.value)
    assert f"input file {project / 'summary.csv'} would be overwritten: nakit writes summary.csv there" in msg
    assert f"{project / 'summary.html'} exists and nakit did not write it" in msg
    assert cli.main(["batch", str(path), "-o", str(project), "-j", "1"]) == 2
    assert (project / "summary.csv").read_text() == "1\n2\n"


@pytest.mark.notebooks
def test_a_batch_rerun_without_a_sample_drops_its_runs_and_gathered_rows(project):
    import xarray as xr

    path = project / "m.yaml"
    text = ("output: out\nnotebooks:\n  toy.ipynb: {}\nsamples:\n  A: {toy.ipynb: {data_file: a.txt}}\n"
            "  B: {toy.ipynb: {data_file: b.txt}}\n")
    path.write_text(text)
    assert cli.main(["batch", str(path), "-j", "1"]) == 0
    path.write_text(text.replace("  B: {toy.ipynb: {data_file: b.txt}}\n", ""))
    assert cli.main(["batch", str(path), "-j", "1"]) == 0
    assert not (project / "out" / "B").exists()
    with xr.open_dataset(project / "out" / "gathered" / "toy" / "summary.nc", engine="h5netcdf") as ds:
        assert list(ds["sample"].values) == ["A"]
    assert json.loads((project / "out" / WRITTEN).read_text())["owner"] == str(path.resolve())


def test_every_manifest_problem_at_once_even_with_a_top_level_typo(project):
    path = project / "m.yaml"
    path.write_text("outptu: x\nnotebooks:\n  toy.ipynb: {scael: 2}\nsamples:\n"
                    "  A: {onlyy: [toy.ipynb], toy.ipynb: {data_file: a.txt}}\n  3.10: {toy.ipynb: {}}\n")
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(path)
    msg = str(err.value)
    for expected in ["unknown top-level key(s) 'outptu' (did you mean 'output'?)",
                     "unknown parameter 'scael'",
                     "'onlyy' is not a notebook listed under 'notebooks' (did you mean 'only'?)",
                     "sample key 3.1 is a number, not text: quote it in YAML (e.g. '3.10':) so that it stays as written"]:
        assert expected in msg, f"{expected!r} not in:\n{msg}"


@pytest.mark.parametrize("name, hint", [("02_bet", "did you mean '02_bet_bjh'?"),
                                        ("sorptoin", "did you mean 'sorption'?")])
def test_params_of_an_unknown_notebook_suggests_one_and_lists_them(name, hint, capsys):
    assert cli.main(["params", name]) == 2
    err = capsys.readouterr().err
    assert f"notebook {name} not found ({hint})" in err and "02_bet_bjh, 03_raman_assignment" in err


@pytest.mark.notebooks
def test_a_study_folder_of_a_nakit_from_before_the_record_is_taken_over_cleanly(toy):
    """Folders written before the record existed (reports/paper of an earlier install) are not
    refused as the user's: their stamp says whose they are, and what they hold of the study goes."""
    from nakit.study import CSS, REPORT_STAMP

    out = toy / "report"
    (out / "samples").mkdir(parents=True)
    (out / "samples" / "Old.csv").write_text("sample,key\n")
    (out / REPORT_STAMP).write_text("{}")
    (out / "index.html").write_text(f"<style>{CSS}</style>")
    (out / "02_bet_bjh").mkdir()
    (out / "02_bet_bjh" / "provenance.json").write_text("{}")
    (out / "mine.txt").write_text("mine\n")
    assert run_study(_study(toy, GOOD), workers=1).ok
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["Sample_A_lot_1.csv", "Sample_A_lot_2_after.csv"]
    assert not (out / "02_bet_bjh").exists() and (out / "mine.txt").read_text() == "mine\n"


def test_the_paper_figures_folder_is_in_the_studys_record():
    """10_paper_figures copies the paper's figures into <study output>/figures/: it was missing from
    the record, so `nakit inspect` listed 52 figures as unread files and a rerun could not clear them."""
    from nakit.batch.engine import Job
    from nakit.study import _output_entries

    out = Path("/study/out")
    jobs = [Job("02_bet_bjh", "notebooks/02_bet_bjh.ipynb", str(out / "02_bet_bjh"), {}),
            Job("10_paper_figures", "notebooks/10_paper_figures.ipynb", str(out / "10_paper_figures"), {})]
    assert "figures/" in _output_entries(out, None, jobs)
    assert "figures/" not in _output_entries(out, None, jobs[:1])
