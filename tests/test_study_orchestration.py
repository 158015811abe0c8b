"""How a study runs its notebooks (issue #17): the late notebook on the same pool with a forked
kernel, the comparison drawn while notebooks still run, and the same outputs, byte for byte, as
drawing it after every notebook has ended; failures still reported where they happened."""

import filecmp
import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from nakit import study as study_mod
from nakit import zygote
from nakit.batch.engine import Job, JobResult, run_jobs

TECHNIQUE_PARAMETERS = '''samples = [  # keys: label*, file*
    {"label": "one", "file": "a.txt"},
]
output_dir = "out"'''

TECHNIQUE = '''import numpy as np
from nakit import report
rep = report.start("toy", output_dir, parameters={}, input_files=[s["file"] for s in samples],
                   samples=[s["label"] for s in samples])
for s in samples:
    rep.result(s["label"], "total", float(np.loadtxt(s["file"], ndmin=1).sum()), 0.5, unit="g", quantity="total")
rep.finish()
'''

LATE_PARAMETERS = '''results_dir = "."   # the study's output
fail = False
sleep = 3.0
wait_for = ""      # a file of the study's output to wait for (at most 60 s)
output_dir = "out"'''

# what the late notebook leaves: when it ran, and which process started its kernel
LATE = '''import json, os, pathlib, time
start = time.time()
parent = pathlib.Path(f"/proc/{os.getppid()}/cmdline").read_bytes().replace(b"\\0", b" ").decode()
seen = None
if wait_for:  # written while this notebook runs, or only after it (then not seen)
    target, deadline = pathlib.Path(results_dir) / wait_for, time.time() + 60
    while not target.exists() and time.time() < deadline:
        time.sleep(0.05)
    seen = target.exists()
time.sleep(sleep)
if fail:
    raise RuntimeError("the late notebook failed on purpose")
out = pathlib.Path(output_dir)
out.mkdir(parents=True, exist_ok=True)
(out / "late.json").write_text(json.dumps({"start": start, "end": time.time(), "parent": parent, "seen": seen}))
'''


def _notebook(path: Path, parameters: str, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)


@pytest.fixture
def toy_study(tmp_path, monkeypatch):
    """A study of one toy technique (with a comparison panel of its own) and a late notebook.

    The panel records when it was drawn, and raises when ``toy_study.panel_error`` is set.
    """
    _notebook(tmp_path / "toy.ipynb", TECHNIQUE_PARAMETERS, TECHNIQUE)
    _notebook(tmp_path / "10_late.ipynb", LATE_PARAMETERS, LATE)
    (tmp_path / "a.txt").write_text("1\n2\n")
    (tmp_path / "b.txt").write_text("5\n")
    drawn = []

    def toy_panels(study, folder, ds, comp, out):
        import matplotlib.pyplot as plt

        start = time.time()
        if getattr(toy_study_state, "panel_error", None):
            raise RuntimeError(toy_study_state.panel_error)
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.bar([str(s) for s in ds["sample"].values], ds["total"].values)
        study_mod._save(comp, fig, out, "toy", "Toy", f"Totals of {len(ds['sample'])} samples.")
        drawn.append((start, time.time(), sorted(ds.data_vars)))

    toy_study_state = type("State", (), {})()
    toy_study_state.drawn = drawn
    toy_study_state.draws = draws = []  # when each technique's panels began (their imports included)
    original = study_mod._Comparer._draw

    def draw(self, stem):
        draws.append((stem, time.time()))
        return original(self, stem)

    monkeypatch.setattr(study_mod._Comparer, "_draw", draw)
    monkeypatch.setattr(study_mod, "_toy_panels", toy_panels, raising=False)
    monkeypatch.setattr(study_mod, "PANELS", study_mod.PANELS + (("toy", "_toy_panels"),))
    monkeypatch.setitem(study_mod.TECHNIQUE_NAMES, "toy", "toy")

    def write(extra: str = "") -> Path:
        path = tmp_path / "study.yaml"
        path.write_text("title: Orchestration\noutput: report\nnotebooks: [10_late]\n" + extra
                        + "samples:\n  - {label: A, toy: a.txt}\n  - {label: B, toy: b.txt}\n")
        return path

    toy_study_state.write = write
    toy_study_state.folder = tmp_path
    return toy_study_state


def _late(summary) -> dict:
    return json.loads((summary.output / "10_late" / "late.json").read_text())


@pytest.mark.notebooks
@pytest.mark.skipif(not zygote.available(), reason="zygotes need Linux (fork, prctl)")
def test_late_notebook_gets_a_forked_kernel_while_the_comparison_is_drawn(toy_study):
    summary = study_mod.run_study(toy_study.write("parameters:\n  10_late: {wait_for: comparison.nc, sleep: 0.5}\n"),
                                  workers=2)
    assert summary.ok, summary.describe()
    assert [r.name for r in summary.results] == ["toy", "10_late"]
    late = _late(summary)
    # its kernel was forked by the batch's zygote, not started cold by the stand-in or the worker
    assert "nakit.zygote" in late["parent"], late["parent"]
    # the panel was drawn while the late notebook ran, not after it
    (_, start), = [d for d in toy_study.draws if d[0] == "toy"]
    assert start < late["end"], (start, late)
    ((_, _, names),) = toy_study.drawn
    assert names == ["total", "total_sigma"]
    assert (summary.output / "comparison" / "toy.png").is_file()
    assert "Toy" in summary.index.read_text(encoding="utf-8")
    # the whole comparison was written while the late notebook ran (it waited for comparison.nc);
    # the index waits for the late one
    assert late["seen"] is True
    assert summary.index.stat().st_mtime > late["end"]


@pytest.mark.notebooks
def test_an_error_writing_the_comparison_is_raised_after_the_late_notebook(toy_study, monkeypatch):
    def refuse(ds, path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("nakit.io.write_netcdf", refuse)
    with pytest.raises(OSError, match="No space left on device"):
        study_mod.run_study(toy_study.write(), workers=2)
    # raised where the comparison was always written: after the late notebook, which completed
    late = json.loads((toy_study.folder / "report" / "10_late" / "late.json").read_text())
    assert late["end"] > late["start"]
    assert not (toy_study.folder / "report" / "index.html").exists()


@pytest.mark.notebooks
def test_a_failing_late_notebook_and_a_failing_panel_are_reported(toy_study):
    toy_study.panel_error = "the panel broke on purpose"
    summary = study_mod.run_study(toy_study.write("parameters:\n  10_late: {fail: true, sleep: 0.0}\n"), workers=2)
    statuses = {r.name: r.status for r in summary.results}
    assert statuses == {"toy": "ran", "10_late": "failed"}
    failed = next(r for r in summary.results if r.name == "10_late")
    assert "the late notebook failed on purpose" in failed.error
    assert "toy: comparison panel not drawn (RuntimeError: the panel broke on purpose)" in summary.notes
    index = summary.index.read_text(encoding="utf-8")
    assert "failed" in index and "the panel broke on purpose" in index
    assert not (summary.output / study_mod.REPORT_STAMP).exists()  # not current: rerun next time
    assert (summary.output / "comparison.nc").is_file()


@pytest.mark.notebooks
def test_late_notebook_reruns_only_when_another_ran(toy_study):
    path = toy_study.write("parameters:\n  10_late: {sleep: 0.0}\n")
    first = _late(study_mod.run_study(path, workers=2))
    again = study_mod.run_study(path, workers=2)
    assert [r.status for r in again.results] == ["skipped", "skipped"]
    (toy_study.folder / "b.txt").write_text("6\n")  # an input of the technique: it and the late one rerun
    third = study_mod.run_study(path, workers=2)
    assert [r.status for r in third.results] == ["ran", "ran"]
    assert _late(third)["start"] > first["end"]


def _copy_without_comparison(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    for name in ("comparison", "samples"):
        shutil.rmtree(dst / name, ignore_errors=True)
    for name in ("comparison.nc", "comparison.csv", study_mod.REPORT_STAMP, "index.html"):
        (dst / name).unlink(missing_ok=True)
    return dst


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [f"{a}: {n}" for n in cmp.left_only] + [f"{b}: {n}" for n in cmp.right_only]
    out += [str(a / n) for n in cmp.common_files if not filecmp.cmp(a / n, b / n, shallow=False)]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub)
    return out


@pytest.mark.notebooks
def test_comparison_drawn_as_notebooks_end_equals_one_drawn_after_all(reproduction, tmp_path):
    """On the paper's reproduction: panels drawn technique by technique in two completion orders
    (sorption before cycling, whose 'hysteresis' keys collide in comparison.nc, and after it)
    give the same files, byte for byte, as compare() after every notebook."""
    from nakit.reproduce import paper_study

    trees = {}
    for name, order in [("after_all", None),
                        ("sorption_first", ["02_bet_bjh", "03_raman_assignment", "01_xrd_indexing", "04_cycling",
                                            "00_synthesis_stoichiometry", "05_eis_fitting", "10_paper_figures"]),
                        ("cycling_first", ["05_eis_fitting", "04_cycling", "00_synthesis_stoichiometry",
                                           "02_bet_bjh", "01_xrd_indexing", "03_raman_assignment",
                                           "10_paper_figures"])]:
        out = _copy_without_comparison(reproduction, tmp_path / name)
        study = study_mod.load_study(paper_study(), out)
        results = [JobResult(j.name, j.output_dir, "ran") for j in study.jobs + study.late_jobs]
        if order is None:
            comp = study_mod.compare(study, results)
        else:
            comparer = study_mod._Comparer(study)
            drawn = []
            comparer._draw = lambda stem, draw=comparer._draw: drawn.append(stem) or draw(stem)
            for stem in order:
                comparer.add(next(r for r in results if r.name == stem))
                while comparer.step():
                    pass
                # once every notebook but the late one has ended: everything drawn and written
                assert (comparer.done is not None) == all(j.name in comparer.results for j in study.jobs)
            assert sorted(drawn) == sorted(study.techniques)  # each technique drawn once, none again
            comp = comparer.done
        study_mod.write_index(study, results, comp, None)
        trees[name] = out
        assert len(comp.figures) == 8, comp.notes
    assert _differences(trees["after_all"], trees["sorption_first"]) == []
    assert _differences(trees["after_all"], trees["cycling_first"]) == []


TINY = '''import pathlib, time
time.sleep(wait)
pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)
(pathlib.Path(output_dir) / "done.txt").write_text(str(time.time()))
'''


def _tiny_jobs(tmp_path: Path, names, wait: float = 0.0) -> list[Job]:
    _notebook(tmp_path / "tiny.ipynb", f'wait = {wait}\noutput_dir = "out"', TINY)
    return [Job(n, str(tmp_path / "tiny.ipynb"), str(tmp_path / n), {"wait": wait, "output_dir": str(tmp_path / n)})
            for n in names]


@pytest.mark.notebooks
def test_late_jobs_start_after_every_other_job_and_idle_work_runs_meanwhile(tmp_path):
    first = _tiny_jobs(tmp_path, ["a", "b", "c"], wait=1.0)
    late = _tiny_jobs(tmp_path, ["z"], wait=1.0)
    heard, idle_calls = [], []

    def idle():
        idle_calls.append(len(heard))
        return False

    results = run_jobs(first, workers=2, late=late, progress=None, on_result=lambda r: heard.append(r.name),
                       idle=idle)
    assert [r.name for r in results] == ["a", "b", "c", "z"] and all(r.status == "ran" for r in results)
    assert heard[-1] == "z" and sorted(heard[:3]) == ["a", "b", "c"]
    ended = {n: float((tmp_path / n / "done.txt").read_text()) for n in "abcz"}
    assert ended["z"] - 1.0 > max(ended[n] for n in "abc")  # started after the others ended
    assert idle_calls  # called while notebooks ran
    # nothing changed: the late job is skipped with the others; a forced batch reruns it
    assert [r.status for r in run_jobs(first, workers=2, late=late, progress=None)] == ["skipped"] * 4
    (tmp_path / "b" / ".nakit-run.json").unlink()
    assert [r.status for r in run_jobs(first, workers=2, late=late, progress=None)] == \
        ["skipped", "ran", "skipped", "ran"]


@pytest.mark.notebooks
def test_an_exception_from_idle_work_stops_the_batch_and_is_raised(tmp_path):
    first = _tiny_jobs(tmp_path, ["a", "b", "c"], wait=20.0)

    def idle():
        raise ValueError("idle work failed")

    start = time.perf_counter()
    with pytest.raises(ValueError, match="idle work failed"):
        run_jobs(first, workers=2, progress=None, on_result=None, idle=idle)
    assert time.perf_counter() - start < 15  # the notebooks were stopped, not waited for
    assert not any((tmp_path / n / "done.txt").exists() for n in "abc")
