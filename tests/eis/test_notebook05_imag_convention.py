"""Notebook 05 takes a sample's ``imag_convention``: a table whose header says ``-Z''`` over
values that are Im(Z) is read as its header says and doubted, and the doubt's way out is a key of
the sample's entry (it named only the reader's argument, which a notebook user cannot pass)."""

import csv

import numpy as np
import pytest

from nakit.paths import notebooks_dir
from nakit.runner import execute
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


def test_the_sample_entry_sets_the_sign_of_z_imag(tmp_path):
    table = np.loadtxt(peer_file("echem", "impedancepy", "exampleData.csv"), delimiter=",")
    path = tmp_path / "cell.csv"
    np.savetxt(path, table, delimiter=",", header="Frequency (Hz),Z' (Ohm),-Z'' (Ohm)", comments="")
    results = {}
    for convention in (None, "signed", "original"):
        sample = {"label": "Li-ion cell", "kind": "cell", "file": str(path), "cycles": [1]}
        if convention == "original":  # the peer file itself: no header, its sign read from the data
            sample["file"] = str(peer_file("echem", "impedancepy", "exampleData.csv"))
        elif convention:
            sample["imag_convention"] = convention
        out = tmp_path / f"report-{convention}"
        result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {"samples": [sample]})
        assert result.ok, result.error
        with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
            results[convention] = {r["key"]: r for r in csv.DictReader(fh)}
    doubted = results[None]["r_interface"]["flags"]
    assert "was read as -Im(Z) as its header says" in doubted
    assert "in notebook 05, the sample entry's imag_convention: signed" in doubted
    told, original = results["signed"]["r_interface"], results["original"]["r_interface"]
    assert "inductive" not in told["flags"]
    assert float(told["value"]) == pytest.approx(float(original["value"]), rel=1e-9)  # as the file itself gives
    assert float(told["value"]) != pytest.approx(float(results[None]["r_interface"]["value"]), rel=0.05)
