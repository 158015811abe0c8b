"""The runner writes the executed notebook once, when the run ends (issue #17): the same notebook
as papermill's default of writing it after every cell, and a failed run still keeps its partial
notebook with the error."""

import json
import re

import nbformat
import pytest

from nakit import runner

from .test_warm_kernels import _cells

pytestmark = pytest.mark.notebooks

CELLS = ['x = 2\noutput_dir = "out"',
         "print('two', x)",
         "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 2))\nax.plot([0, 1], [0, x])\nplt.show()",
         "from IPython.display import Markdown\nMarkdown(f'**x** = {x}')",
         "assert x < 3, 'x is too large'\nx * 10"]


def _notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(CELLS[0], metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in CELLS[1:]]
    path = folder / "saves.ipynb"
    nbformat.write(nb, path)
    return path


def _metadata(executed):
    """The notebook's and cells' metadata without papermill's clock readings and the output path."""
    nb = nbformat.read(executed, as_version=4)
    timing = {"start_time", "end_time", "duration", "exception", "status"}
    meta = json.loads(json.dumps(nb.metadata).replace(str(executed.parent), "<output_dir>"))
    meta.get("papermill", {}).pop("output_path", None)
    meta.get("papermill", {}).pop("input_path", None)
    for k in ("start_time", "end_time", "duration"):
        meta.get("papermill", {}).pop(k, None)
    cells = [{k: v for k, v in c.metadata.get("papermill", {}).items() if k not in timing} for c in nb.cells]
    return meta, cells, [c.metadata.get("tags") for c in nb.cells]


@pytest.fixture
def counted_writes(monkeypatch):
    """How often papermill writes the output notebook during a run."""
    import papermill.engines
    import papermill.execute
    import papermill.iorw

    calls = []
    real = papermill.iorw.write_ipynb

    def write(nb, path):
        calls.append(str(path))
        return real(nb, path)

    for module in (papermill.iorw, papermill.execute, papermill.engines):
        monkeypatch.setattr(module, "write_ipynb", write)
    return calls


def test_executed_notebook_written_once_and_equal_to_papermills_per_cell_saves(tmp_path, counted_writes,
                                                                            monkeypatch):
    nb = _notebook(tmp_path)
    once = runner.execute(nb, tmp_path / "once", warm=False)
    assert once.ok, once.error
    assert len(counted_writes) == 1  # at the end, not after every cell

    import papermill

    real = papermill.execute_notebook

    def per_cell(*args, **kwargs):  # papermill's default: the notebook written after every cell
        kwargs["request_save_on_cell_execute"] = True
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", per_cell)
    counted_writes.clear()
    every = runner.execute(nb, tmp_path / "every", warm=False)
    assert every.ok, every.error
    assert len(counted_writes) > len(CELLS)  # (the behaviour compared with really saved per cell)
    assert _cells(once.executed) == _cells(every.executed)
    assert _metadata(once.executed) == _metadata(every.executed)
    # (papermill gives the cell it injects a random id on every run)
    html = [re.sub(r"cell-id=[0-9a-f-]+", "cell-id=<id>", p.read_text(encoding="utf-8").replace(str(p.parent), "<dir>"))
            for p in (once.html, every.html)]
    assert html[0] == html[1]


def test_a_failed_run_keeps_its_partial_notebook_with_the_error(tmp_path, counted_writes):
    failed = runner.execute(_notebook(tmp_path), tmp_path / "failed", {"x": 5}, warm=False)
    assert not failed.ok and "x is too large" in failed.error
    assert failed.executed.parent.name == "failed.failed" and failed.executed.is_file()
    cells = _cells(failed.executed)
    assert any("two 5" in c[2] for c in cells[:-1])  # the cells before the error ran and kept their outputs
    assert "AssertionError" in cells[-1][2] and "x is too large" in cells[-1][2]
    assert len(counted_writes) == 1  # written when papermill found the error
