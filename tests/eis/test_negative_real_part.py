"""A spectrum whose real part goes negative (a -20 ohm series resistance: an open/short correction
gone wrong) was fitted with R0 = 0 (resistors are positive) and nothing said why: the data show
what no stable, passive cell does, and every result fitted to them now says so."""

import csv

import numpy as np
import pytest

from nakit.eis import read_eis, spectrum_doubts
from nakit.paths import data_dir, notebooks_dir


def _spectrum(path, r0):
    f = np.logspace(5, -1, 40)
    z = r0 + 100 / (1 + 2j * np.pi * f * 1e-3)
    path.write_text("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n" + "".join(f"{a:.6g},{b.real:.6g},{b.imag:.6g}\n"
                                                              for a, b in zip(f, z)), encoding="utf-8")
    return path


def test_a_negative_real_part_is_said_with_where_and_how_far(tmp_path):
    (words,) = spectrum_doubts(read_eis(_spectrum(tmp_path / "neg.csv", -20.0)))
    assert words.startswith("Re(Z) negative at 17 of 40 frequencies (down to -20 ohm at 1e+05 Hz): a stable, passive")
    assert spectrum_doubts(read_eis(_spectrum(tmp_path / "pos.csv", 10.0))) == ()
    for path in sorted((data_dir() / "eis").glob("*.z")):  # the stand-ins: physical spectra
        assert spectrum_doubts(read_eis(path)) == (), path.name


@pytest.mark.notebooks
def test_notebook05_flags_every_result_fitted_to_it(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "corrected badly", "file": str(_spectrum(tmp_path / "neg.csv", -20.0))},
               {"label": "fine", "file": str(_spectrum(tmp_path / "pos.csv", 10.0))}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path / "out", {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    bad = [r for r in rows if r["sample"] == "corrected badly"]
    assert bad and all("Re(Z) negative at 17 of 40 frequencies" in r["flags"] for r in bad)
    assert not any("Re(Z) negative" in r["flags"] for r in rows if r["sample"] == "fine")
    assert "corrected badly, spectrum 1: Re(Z) negative" in result.executed.read_text(encoding="utf-8")
