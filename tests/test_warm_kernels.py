"""Kernels started ahead of need: the same report byte for byte, and no kernel left behind."""

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nakit import runner
from nakit.paths import notebooks_dir

pytestmark = pytest.mark.notebooks


def _digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under results/ and figures/ (what a report's numbers and figures are)."""
    out = {}
    for sub in ("results", "figures"):
        for path in sorted((folder / sub).rglob("*")):
            if path.is_file():
                out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _cells(executed: Path) -> list[tuple]:
    """Per code cell: its source, execution count and outputs (timing metadata left out).

    The report folder (the injected ``output_dir``) differs by design, and the run record's
    git commit whenever someone commits between the two runs; both are blanked.
    """
    nb = nbformat.read(executed, as_version=4)
    folder = str(executed.parent)

    def outputs(cell):
        text = json.dumps(cell.outputs, sort_keys=True).replace(folder, "<output_dir>")
        return re.sub(r"git [0-9a-f]{7,40}( \(uncommitted changes\))?", "git <commit>", text)

    return [(c.source.replace(folder, "<output_dir>"), c.execution_count, outputs(c))
            for c in nb.cells if c.cell_type == "code"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead: its parent has just not reaped it yet
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def _sources(notebook: Path) -> str:
    """Digest of the notebook, nakit's source and its reference data: what a run's outputs follow."""
    from nakit.batch.engine import nakit_digest, project_data_digest

    return hashlib.sha256(notebook.read_bytes()).hexdigest() + nakit_digest.__wrapped__() + project_data_digest()


def _three_runs(notebook: Path, folder: Path, overrides=None):
    """A cold run, a run on a pool's fresh kernel, and one on the spare the pool started meanwhile."""
    cold = runner.execute(notebook, folder / "cold", overrides, warm=False)
    pool = runner.KernelPool()
    try:
        warm = runner.execute(notebook, folder / "warm", overrides, kernels=pool)
        assert pool.spare is not None and pool.spare.km.has_kernel  # the next run's kernel is up already
        spare_pid = pool.spare.km.provisioner.pid
        time.sleep(0.5)
        again = runner.execute(notebook, folder / "again", overrides, kernels=pool)  # takes the spare
    finally:
        pool.close()
    return cold, warm, again, spare_pid


@pytest.mark.parametrize("stem", ["00_synthesis_stoichiometry", "02_bet_bjh"])
def test_warm_kernel_run_equals_a_cold_run_byte_for_byte(tmp_path, stem):
    notebook = notebooks_dir() / f"{stem}.ipynb"
    # one sample is enough to exercise every cell (fits, NetCDF, figures) and costs half of two
    samples = runner.notebook_defaults(notebook).get("samples")
    overrides = {"samples": [{**samples[0], "file": str(notebook.parent / samples[0]["file"])}]} if samples else None
    for attempt in range(2):  # in a shared working tree the notebook or nakit may be edited meanwhile
        before = _sources(notebook)
        cold, warm, again, spare_pid = _three_runs(notebook, tmp_path / str(attempt), overrides)
        if _sources(notebook) == before:
            break
    else:
        pytest.skip("the notebook or nakit's source changed during both attempts")
    folder = tmp_path / str(attempt)
    assert cold.ok and warm.ok and again.ok, (cold.error, warm.error, again.error)
    reference = _digests(folder / "cold")
    assert reference  # the notebook wrote figures (and results) to compare
    assert _digests(folder / "warm") == reference
    assert _digests(folder / "again") == reference
    cells = _cells(cold.executed)
    counts = [count for _, count, _ in cells]
    assert counts == list(range(1, len(cells) + 1))  # the warm-up did not take a number
    assert _cells(warm.executed) == cells
    assert _cells(again.executed) == cells
    assert not _alive(spare_pid)


def _tree(pid: int) -> set[int]:
    """``pid`` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        found.add(p)
        todo.extend(children.get(p, []))
    return found


SLOW = '''import pathlib, time
pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)
(pathlib.Path(output_dir) / "started.txt").write_text(tag)
time.sleep(seconds)
'''


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_leaves_no_spare_kernel_behind(tmp_path, workers):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('seconds = 120.0\ntag = "new"\noutput_dir = "out"',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(SLOW)]
    nbformat.write(nb, tmp_path / "slow.ipynb")
    (tmp_path / "runs.yaml").write_text("output: batch\nnotebooks:\n  slow.ipynb: {}\n"
                                        "samples:\n  A: {}\n  B: {}\n  C: {}\n  D: {}\n  E: {}\n")
    proc = subprocess.Popen([sys.executable, "-m", "nakit.cli", "batch", "runs.yaml", "-j", workers],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 180
    while len(list((tmp_path / "batch").rglob("started.txt"))) < int(workers):
        assert proc.poll() is None, proc.communicate()[0]
        assert time.time() < deadline, "runs did not start"
        time.sleep(0.2)
    time.sleep(1.0)  # spares are started right after their run's kernel
    processes = _tree(proc.pid) - {proc.pid}
    assert len(processes) >= 2 * int(workers)  # a running kernel and a spare per worker
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    proc.communicate()
    leftover = time.time() + 10
    while any(_alive(p) for p in processes) and time.time() < leftover:
        time.sleep(0.2)
    assert not [p for p in processes if _alive(p)]
