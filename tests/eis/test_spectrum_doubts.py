"""Spectra that show what no measured impedance of a stable, passive cell does, and every result
fitted to them says so.

A spectrum whose real part goes negative (a -20 ohm series resistance: an open/short correction
gone wrong) was fitted with R0 = 0 (resistors are positive) and nothing said why. Gamry's
``eispot_data.dta`` repeats its 50 Hz impedance at 10, 5, 1 and 0.5 Hz, and only the Lin-KK
residuals hinted at it.
"""

import csv

import numpy as np
import pytest

from nakit.eis import read_eis, spectrum_doubts
from nakit.paths import data_dir, notebooks_dir
from tests.peer import peer_file


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


def _copied_tail(path, copies, imag=True):
    """A Randles-like sweep whose last ``copies`` points repeat the point before them."""
    f = np.logspace(5, -1, 40)
    z = 10 + 100 / (1 + 2j * np.pi * f * 1e-3) if imag else np.full(f.size, 100.0 + 0j)
    z[f.size - copies:] = z[f.size - copies - 1]
    path.write_text("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n" + "".join(f"{a:.6g},{b.real:.6g},{b.imag:.6g}\n"
                                                              for a, b in zip(f, z)), encoding="utf-8")
    return path


def test_points_that_repeat_one_impedance_are_said_with_where():
    (words,) = spectrum_doubts(read_eis(peer_file("echem", "gamry-parser", "eispot_data.dta")))
    assert words == ("the impedance at 50 Hz (226.885-7.05387j ohm) repeats exactly at 10, 5, 1 and 0.5 Hz: a "
                     "measurement never gives one value at different frequencies (points copied, not measured: an "
                     "aborted sweep or a logging fault?)")


def test_copies_are_told_from_coincidence(tmp_path):
    (words,) = spectrum_doubts(read_eis(_copied_tail(tmp_path / "three.csv", 2)))  # one value at 3 frequencies
    assert words.startswith("the impedance at 0.2031 Hz (110-0.127606j ohm) repeats exactly at 0.1425 and 0.1 Hz: ")
    assert spectrum_doubts(read_eis(_copied_tail(tmp_path / "two.csv", 1))) == ()  # a pair may be chance
    # a resistor's plateau written with few digits: Z'' = 0 honestly recurs
    assert spectrum_doubts(read_eis(_copied_tail(tmp_path / "plateau.csv", 5, imag=False))) == ()


@pytest.mark.notebooks
def test_notebook05_flags_what_is_fitted_to_copied_points(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "Gamry cell", "file": str(peer_file("echem", "gamry-parser", "eispot_data.dta")),
                "circuit": "R0-p(R1,C1)"}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path / "out", {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["value"]]
    assert rows and all("repeats exactly at 10, 5, 1 and 0.5 Hz" in r["flags"] for r in rows)
