"""Notebook 03 run by papermill directly refuses a ``samples`` list it cannot use, in the runner's words.

Its first code cell read ``s["label"]`` and ``s["file"]`` before ``report.start`` checked anything, so a
mistyped ``fiel:`` ended in ``KeyError: 'file'`` and a bare list of paths in ``TypeError: string indices
must be integers`` (new-user audit A3 #11; notebooks 02 and 04 call ``report.check_samples`` since
8b43915). Notebook 03 now calls it before the first such line.
"""

from __future__ import annotations

import pytest

from nakit import report
from nakit.errors import ParameterError
from nakit.paths import notebooks_dir
from tests.peer import peer_file

NOTEBOOK = "03_raman_assignment"
GRAPHITIC = ("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt")


def test_notebook_03_checks_its_samples_before_reading_them():
    import json

    cell = next("".join(c["source"]) for c in json.loads((notebooks_dir() / f"{NOTEBOOK}.ipynb").read_text("utf-8"))["cells"]
                if c["cell_type"] == "code" and 's["label"]' in "".join(c["source"]))
    assert f'report.check_samples("{NOTEBOOK}", samples)' in cell
    assert cell.index("report.check_samples(") < cell.index('s["label"]') < cell.index("report.start(")


@pytest.mark.parametrize(("samples", "words"), [
    ([{"label": "graphite", "fiel": "a.txt"}],
     r"entry 1 \('graphite'\): unknown key\(s\) 'fiel' \(did you mean 'file'\?\).*missing required key\(s\) 'file'"),
    (["my spectrum.txt"], r"entry 1: expected a mapping of keys to values, got 'my spectrum.txt'"),
    ([{"label": "x", "file": "no such file.txt"}], r"input file .*no such file\.txt does not exist"),
])
def test_check_samples_words_for_notebook_03(tmp_path, monkeypatch, samples, words):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match=rf"^{NOTEBOOK}: .*{words}"):
        report.check_samples(NOTEBOOK, samples)


@pytest.mark.notebooks
@pytest.mark.parametrize(("samples", "words"), [
    (lambda f: [{"label": "graphite", "fiel": f}], "unknown key(s) 'fiel' (did you mean 'file'?)"),
    (lambda f: [f], "entry 1: expected a mapping of keys to values, got "),
])
def test_papermill_run_refuses_bad_samples(tmp_path, samples, words):
    import papermill as pm

    from nakit.runner import kernel_name

    source = str(peer_file(*GRAPHITIC))
    with pytest.raises(pm.PapermillExecutionError) as exc:
        pm.execute_notebook(str(notebooks_dir() / f"{NOTEBOOK}.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"samples": samples(source), "output_dir": "rep"}, cwd=str(tmp_path),
                            kernel_name=kernel_name(), progress_bar=False, log_output=False)
    assert exc.value.ename == "ParameterError"
    assert exc.value.evalue.startswith(f"{NOTEBOOK}: parameter 'samples'") and words in exc.value.evalue
    assert not (tmp_path / "rep").exists()
