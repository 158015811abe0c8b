"""Runs that stop half-way: report folders, Ctrl-C on a batch, the skip key, scheduler addresses."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nakit import runfolder
from nakit.batch import scheduler
from nakit.errors import NakitWarning, ParameterError

# ---------------------------------------------------------------- report folders (no kernel)


def _old_report(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "provenance.json").write_text("{}")
    (folder / "claims.csv").write_text("id,status\nx,agrees\n")
    return folder


def test_completed_run_replaces_the_previous_report(tmp_path):
    out = _old_report(tmp_path / "rep")
    with runfolder.replace_when_complete(out):
        assert not (out / "claims.csv").exists()  # the run writes a fresh folder
        (out / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [runfolder.FILES, "new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


@pytest.mark.parametrize("how", ["failed", "interrupted"])
def test_failed_or_interrupted_run_keeps_the_previous_report_marked_stale(tmp_path, how):
    out = _old_report(tmp_path / "rep")
    try:
        with runfolder.replace_when_complete(out) as txn:
            (out / "half.png").write_text("half")
            if how == "failed":
                txn.fail("ValueError: boom")
            else:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        assert how == "interrupted"
    assert (out / "claims.csv").read_text().startswith("id,status")
    assert not (out / "half.png").exists()
    assert runfolder.is_stale(out)
    reason = json.loads((out / runfolder.STALE).read_text())["reason"]
    assert ("boom" in reason) if how == "failed" else ("KeyboardInterrupt" in reason)
    assert (tmp_path / "rep.failed" / "half.png").exists()


def test_first_run_that_fails_leaves_no_report_folder(tmp_path):
    out = tmp_path / "rep"
    with runfolder.replace_when_complete(out) as txn:
        (out / "partial.ipynb").write_text("{}")
        txn.fail("error")
    assert not out.exists()
    assert (tmp_path / "rep.failed" / "partial.ipynb").exists()


def test_a_killed_run_is_recovered_by_the_next(tmp_path):
    out = _old_report(tmp_path / "rep")
    # what SIGKILL in the middle of a run leaves behind
    os.replace(out, tmp_path / ".rep.previous")
    out.mkdir()
    (out / runfolder.INCOMPLETE).write_text("")
    (out / "half.png").write_text("half")
    runfolder.recover(out)
    assert (out / "claims.csv").exists() and runfolder.is_stale(out)
    assert not (tmp_path / ".rep.previous").exists()


def test_a_folder_with_the_users_own_files_is_not_moved(tmp_path):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.docx").write_text("precious")
    with pytest.raises(ParameterError, match="holds files nakit did not write"):
        with runfolder.replace_when_complete(mine):
            pass
    assert (mine / "chapter1.docx").read_text() == "precious"


# ---------------------------------------------------------------- scheduler addresses


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://127.0.0.1:8786", "tcp://127.0.0.1",
                                     "tcp://127.0.0.1:99999", "tcp://:8786", "tcp://127.0.0.1:port",
                                     "tcp://127.0.0.1:8786/x"])
def test_bad_scheduler_addresses_are_refused(address):
    with pytest.raises(ParameterError, match="tcp://HOST:PORT"):
        scheduler.validate_address(address)


def test_remote_scheduler_without_tls_warns(recwarn):
    assert scheduler.validate_address("tcp://127.0.0.1:8786") == ("tcp", "127.0.0.1", 8786)
    assert scheduler.validate_address("tcp://[::1]:8786")[1] == "::1"
    assert scheduler.validate_address("tls://cluster.example:8786")[0] == "tls"
    assert not [w for w in recwarn if issubclass(w.category, NakitWarning)]
    with pytest.warns(NakitWarning, match="neither encrypted nor authenticated"):
        scheduler.validate_address("tcp://10.1.2.3:8786")


def test_run_jobs_checks_the_scheduler_before_anything_runs(tmp_path):
    from nakit.batch.engine import Job, run_jobs

    job = Job("j", str(tmp_path / "nb.ipynb"), str(tmp_path / "out"), {})
    with pytest.raises(ParameterError):
        run_jobs([job], scheduler="tcp://127.0.0.1:0", progress=None)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- skip key


def test_skip_key_follows_reference_structures_and_claims(tmp_path, monkeypatch):
    from nakit.batch.engine import Job

    refs = tmp_path / "data" / "references"
    refs.mkdir(parents=True)
    (refs / "Na2S_Fm-3m.cif").write_text("data_Na2S\n_cell_length_a 6.54\n")
    (tmp_path / "data" / "paper_claims.csv").write_text("id\n")
    nb = tmp_path / "n.ipynb"
    nb.write_text("{}")
    monkeypatch.setenv("NAKIT_ROOT", str(tmp_path))
    job = Job("n", str(nb), str(tmp_path / "out"), {"x": 1})
    first = job.key()
    assert job.key() == first
    (refs / "Na2S_Fm-3m.cif").write_text("data_Na2S\n_cell_length_a 6.55\n")
    second = job.key()
    assert second != first
    (tmp_path / "data" / "paper_claims.csv").write_text("id\nnew\n")
    assert job.key() != second


# ---------------------------------------------------------------- Ctrl-C on real runs

SLOW = ("import pathlib, os, time\nout = pathlib.Path(output_dir)\nout.mkdir(parents=True, exist_ok=True)\n"
        "(out / 'kernel.pid').write_text(str(os.getpid()))\n(out / 'started.txt').write_text(tag)\n"
        "time.sleep(seconds)\n(out / 'done.txt').write_text(tag)")


@pytest.fixture
def slow_project(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('seconds = 0.0\ntag = "old"\noutput_dir = "out"',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(SLOW)]
    nbformat.write(nb, tmp_path / "slow.ipynb")
    (tmp_path / "runs.yaml").write_text("output: batch\nnotebooks:\n  slow.ipynb: {}\n"
                                        "samples:\n  A: {}\n  B: {}\n  C: {}\n  D: {}\n")
    return tmp_path


def _nakit(*args, cwd):
    return subprocess.Popen([sys.executable, "-m", "nakit.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _interrupt_when_started(proc, root: Path, count: int) -> float:
    deadline = time.time() + 120
    while len(list(root.rglob("started.txt"))) < count:
        assert proc.poll() is None, proc.communicate()[0]
        assert time.time() < deadline, "runs did not start"
        time.sleep(0.2)
    started = time.time()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    return time.time() - started


def _kernels_gone(root: Path):
    for pid_file in root.rglob("kernel.pid"):
        pid = int(pid_file.read_text())
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"kernel {pid} outlived the interrupted batch")


@pytest.mark.notebooks
def test_ctrl_c_stops_a_batch_within_seconds_and_keeps_old_reports(slow_project):
    first = _nakit("batch", "runs.yaml", "-j", "2", cwd=slow_project)
    assert first.wait(timeout=300) == 0
    out = slow_project / "batch"
    # rerun with changed parameters, so every job is stale, then interrupt it
    (slow_project / "runs.yaml").write_text((slow_project / "runs.yaml").read_text().replace(
        "slow.ipynb: {}", "slow.ipynb: {seconds: 120, tag: new}"))
    proc = _nakit("batch", "runs.yaml", "-j", "2", cwd=slow_project)
    elapsed = _interrupt_when_started(proc, out, 4 + 2)  # 4 old reports + 2 new runs started
    assert proc.returncode == 130
    assert elapsed < 5.0
    for sample in "ABCD":
        folder = out / sample / "slow"
        # either the old report (stale: its rerun was stopped or never started) or, never, a mix
        assert (folder / "done.txt").read_text() == "old"
        assert (folder / "started.txt").read_text() == "old"
    stopped = [s for s in "ABCD" if runfolder.is_stale(out / s / "slow")]
    assert len(stopped) == 2
    _kernels_gone(out)


@pytest.mark.notebooks
def test_ctrl_c_on_nakit_run_keeps_the_previous_report(slow_project):
    out = slow_project / "report"
    assert _nakit("run", "slow.ipynb", "-o", str(out), cwd=slow_project).wait(timeout=120) == 0
    proc = _nakit("run", "slow.ipynb", "-o", str(out), "-p", "seconds", "120", "-p", "tag", "new",
                  cwd=slow_project)
    deadline = time.time() + 120
    while not (out / "started.txt").exists() or (out / "started.txt").read_text() != "new":
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert (out / "done.txt").read_text() == "old" and runfolder.is_stale(out)
    assert (slow_project / "report.failed" / "started.txt").read_text() == "new"
    _kernels_gone(slow_project)


def test_ledger_skips_stale_and_failed_report_folders(tmp_path):
    from nakit import claims

    header = ",".join(claims.RESULT_COLUMNS)
    for folder, claim in (("00_ok", "syn.frac_na2s"), ("01_stale", "syn.frac_na3ps4"),
                          ("01_stale.failed", "syn.frac_cmk3")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "claims.csv").write_text(f"{header}\n{claim}" + "," * (len(claims.RESULT_COLUMNS) - 1)
                                                      + "\n")
    (tmp_path / "01_stale" / runfolder.STALE).write_text("{}")
    assert [row["id"] for row in claims.gather(tmp_path)] == ["syn.frac_na2s"]
