"""A notebook run by papermill directly refuses a ``samples`` list it cannot use, in the runner's words.

The notebooks read ``s["label"]`` and ``s["file"]`` in their first cell, before ``report.start`` checks
anything: ``samples: [{label: "A/B test", fiel: ...}]`` ended in ``KeyError: 'file'`` and ``samples: ["my
sample.xls"]`` in ``TypeError: string indices must be integers`` (new-user audit A3 #11). ``nakit run``
refuses both before a kernel starts, with ``params.check``'s words; a papermill run now gets the same.
"""

from __future__ import annotations

import pytest

from nakit import report
from nakit.errors import ParameterError
from nakit.paths import notebooks_dir
from tests.peer import peer_file


@pytest.mark.parametrize(("samples", "words"), [
    ([{"label": "A/B test", "fiel": "a.xls"}],
     r"entry 1 \('A/B test'\): unknown key\(s\) 'fiel' \(did you mean 'file'\?\).*missing required key\(s\) 'file'"),
    (["my sample #1.xls"], r"entry 1: expected a mapping of keys to values, got 'my sample #1.xls'"),
    ("Sample_A.xls", r"parameter 'samples': expected a list of entries, each a mapping with a label and its "
                     r"file\(s\), got str 'Sample_A.xls'"),
    ([{"label": "x", "file": "no such file.xls"}], r"input file .*no such file\.xls does not exist"),
])
@pytest.mark.parametrize("notebook", ["02_bet_bjh", "04_cycling"])
def test_check_samples_words(tmp_path, monkeypatch, notebook, samples, words):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match=rf"^{notebook}: .*{words}"):
        report.check_samples(notebook, samples)


def test_good_samples_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.xls").write_bytes(b"")
    report.check_samples("02_bet_bjh", [{"label": "A", "file": "a.xls", "material": "silica"}])


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook", ["02_bet_bjh", "04_cycling"])
def test_papermill_run_refuses_a_mistyped_key(tmp_path, notebook):
    import papermill as pm

    from nakit.runner import kernel_name

    source = peer_file("sorption", "micromeritics", "Sample_A.xls")
    with pytest.raises(pm.PapermillExecutionError) as exc:
        pm.execute_notebook(str(notebooks_dir() / f"{notebook}.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"samples": [{"label": "A/B test", "fiel": str(source)}], "output_dir": "rep"},
                            cwd=str(tmp_path), kernel_name=kernel_name(), progress_bar=False, log_output=False)
    assert exc.value.ename == "ParameterError"
    assert "unknown key(s) 'fiel' (did you mean 'file'?)" in exc.value.evalue
    assert not (tmp_path / "rep").exists()


def test_a_missing_input_file_parameter_is_refused_at_start(tmp_path, monkeypatch):
    """A papermill run given ``dft_kernel: my_kernel.csv`` that does not exist wrote a whole report (its DFT
    section one error line) and ended well; ``nakit run`` refuses it before a kernel starts."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.xls").write_bytes(b"")
    samples = [{"label": "A", "file": "a.xls"}]
    with pytest.raises(ParameterError, match=r"^02_bet_bjh: parameter 'dft_kernel': file .*my_kernel\.csv does not "
                                             r"exist"):
        report.start("02_bet_bjh", "out", {"samples": samples, "dft_kernel": "my_kernel.csv"}, claims_file=None)
    assert not (tmp_path / "out").exists()
    (tmp_path / "my_kernel.csv").write_text("")
    report.start("02_bet_bjh", "out", {"samples": samples, "dft_kernel": "my_kernel.csv"}, claims_file=None)
    report.start("02_bet_bjh", "out2", {"samples": samples, "dft_kernel": "n2-77k-carbon-slit"}, claims_file=None)


@pytest.mark.parametrize("notebook", ["05_eis_fitting", "03_raman_assignment"])
def test_check_samples_in_the_other_notebooks(tmp_path, monkeypatch, notebook):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match=rf"^{notebook}: .*entry 1: expected a mapping of keys to values"):
        report.check_samples(notebook, ["cell.mpt"])
    with pytest.raises(ParameterError, match=rf"^{notebook}: .*unknown key\(s\) 'fiel' \(did you mean 'file'\?\)"):
        report.check_samples(notebook, [{"label": "x", "fiel": "cell.mpt"}])
    source = "\n".join(c for c in __import__("json").load(open(notebooks_dir() / f"{notebook}.ipynb"))["cells"]
                       for c in ["".join(c["source"])])
    # called before the first cell that reads an entry's keys
    assert source.index(f'report.check_samples("{notebook}", samples)') < source.index('s["label"]')
