"""Notebook 01 run by papermill directly refuses a ``samples`` list it cannot use, in the runner's words.

Its first code cell read ``s["label"]`` and ``s["file"]`` before ``report.start`` checked anything, so
``samples: [{label: "A/B test", fiel: ...}]`` ended in ``KeyError: 'file'``; notebooks 02-05 call
``report.check_samples`` first, and now 01 does too.
"""

from __future__ import annotations

import json

import pytest

# (a module, not its functions, imported: pytest would collect and rerun them here)
from tests import test_papermill_bad_samples as shared

NOTEBOOK = "01_xrd_indexing"


def test_notebook_01_checks_its_samples_before_reading_them(tmp_path, monkeypatch):
    shared.test_check_samples_in_the_other_notebooks(tmp_path, monkeypatch, NOTEBOOK)


@pytest.mark.notebooks
def test_papermill_run_names_the_entry_and_the_key(tmp_path):
    # the shared run asserts a ParameterError naming 'fiel' and no report folder; papermill keeps the
    # failed run's notebook, whose error output must also name the entry
    shared.test_papermill_run_refuses_a_mistyped_key(tmp_path, NOTEBOOK)
    errors = [o for c in json.loads((tmp_path / "out.ipynb").read_text("utf-8"))["cells"]
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert [e["ename"] for e in errors] == ["ParameterError"]
    assert errors[0]["evalue"].startswith(
        f"{NOTEBOOK}: parameter 'samples', entry 1 ('A/B test'): unknown key(s) 'fiel' (did you mean 'file'?)")
