"""Audit 4 (a new user on their own files): what ``nakit.read`` and ``nakit inspect`` say of
files they cannot read, of facts given in the wrong form, and of what a file states."""

from __future__ import annotations

import pytest

import nakit
from nakit.cli import main
from nakit.errors import FileFormatError, InvalidDataError
from tests.peer import peer_file

pytestmark = pytest.mark.peer


def _damaged_isotherm(tmp_path):
    """betsi's MCM-41 isotherm with one loading overwritten by 'n/a' (its line 11)."""
    lines = peer_file("sorption", "betsi", "MCM-41.csv").read_text(encoding="utf-8-sig").splitlines()
    number, loading = lines[10].split(",")
    lines[10] = f"{number},n/a"
    path = tmp_path / "iso_textcell.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _doubled_spectrum(tmp_path):
    """ramanfitting's silicon spectrum with its first row written twice."""
    rows = peer_file("raman", "silicon__ramanfitting_Si_spectrum01.txt").read_text().splitlines()
    path = tmp_path / "ram_dup.txt"
    path.write_text("\n".join(rows[:1] + rows) + "\n")
    return path


def test_a_wavelength_for_a_folder_does_not_hide_why_its_isotherm_and_spectrum_were_refused(tmp_path, capsys):
    """`--fact wavelength Cu` on a folder reached the damaged isotherm and spectrum in it, and their
    not-read line gave only the XRD reader's "this table is no diffraction scan (a sorption table?)"
    or "angles are not monotonic", as in the drafted study; the readers of their own technique say
    what is wrong (a cell 'n/a', a repeated shift), as without the fact."""
    iso, ram = _damaged_isotherm(tmp_path), _doubled_spectrum(tmp_path)
    for given in ([], ["--fact", "wavelength", "Cu"], ["--fact", "laser_wavelength", "532"]):
        assert main(["inspect", *given, str(iso), str(ram)]) == 1
        out = capsys.readouterr().out
        assert "sorption: line 11, field 'Quantity Adsorbed (cm3/g STP)': 'n/a' is not a number" in out, given
        assert "raman: line 2, field 'raman_shift'" in out and "repeated Raman shift -95.7907996 cm-1" in out, given
    with pytest.raises(FileFormatError, match="sorption: line 11, field 'Quantity Adsorbed"):
        nakit.read(iso, wavelength="Cu")
    # the draft copies the same reason for the isotherm, not XRD's "no diffraction scan"
    xy = peer_file("xrd", "yadg", "210520step1_30min.xy")
    assert main(["inspect", "--fact", "wavelength", "Cu", "--study", str(iso), str(xy)]) == 1
    draft = capsys.readouterr().out
    assert f"# not read: {iso}: no nakit reader accepts this file" in draft
    assert "no diffraction scan" not in draft


def test_a_wavelength_leaves_an_isotherm_reader_s_own_refusal_the_answer(tmp_path):
    """An isotherm with a point written twice: the sorption reader's refusal, given a wavelength too."""
    lines = peer_file("sorption", "betsi", "MCM-41.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "iso_dup.csv"
    path.write_text("\n".join(lines[:2] + lines[1:]) + "\n", encoding="utf-8")
    with pytest.raises(InvalidDataError, match="line 3: duplicated adsorption point at p/p0 = 0.00979"):
        nakit.read(path, wavelength="Cu")
