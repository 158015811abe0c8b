"""Audit 4 (a new user on their own files): what ``nakit.read`` and ``nakit inspect`` say of
files they cannot read, of facts given in the wrong form, and of what a file states."""

from __future__ import annotations

import re

import pytest
import xarray as xr

import nakit
from nakit.cli import main
from nakit.errors import FileFormatError, InvalidDataError, ParameterError
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


@pytest.mark.parametrize("facts, words", [
    ({"laser_wavelength": "532 nm"}, "laser_wavelength: expected a number in nm, got the text '532 nm' (give 532"),
    ({"laser_wavelength": [532]}, "laser_wavelength: expected a number in nm, got [532] (list)"),
    ({"laser_wavelength": 0.532}, "laser_wavelength: 0.532 nm is outside the 200-1100 nm of Raman lasers (in um? "
                                  "give 532)"),
    ({"sample_mass_g": "50 mg"}, "sample_mass_g: expected a number in g, got the text '50 mg' (give the number in g)"),
    ({"temperature_K": "77 K"}, "temperature_K: expected a number in K, got the text '77 K' (give 77"),
    ({"area_cm2": True}, "area_cm2: expected a number in cm2, got True (bool)"),
    ({"adsorptive": 5}, "adsorptive: expected text"),
    ({"units": "mA"}, "units: expected a mapping such as {'current': 'mA'}; got 'mA'"),
])
def test_a_fact_in_the_wrong_form_is_refused_naming_it_and_its_unit(facts, words):
    """`laser_wavelength='532 nm'` was a TypeError from the Raman reader's arithmetic and
    `units='mA'` an AttributeError; each fact is refused alike before any reader sees it."""
    spectrum = peer_file("raman", "silicon__ramanfitting_Si_spectrum01.txt")
    with pytest.raises(ParameterError) as err:
        nakit.read(spectrum, **facts)
    assert words in str(err.value)
    if "laser_wavelength" in facts:  # the Raman reader called directly says the same
        with pytest.raises(ParameterError, match=re.escape(words)):
            nakit.raman.read_raman(spectrum, **facts)


def test_a_number_written_as_text_is_still_a_number():
    spectrum = peer_file("raman", "silicon__ramanfitting_Si_spectrum01.txt")
    xr.testing.assert_identical(nakit.read(spectrum, laser_wavelength="532"),
                                nakit.read(spectrum, laser_wavelength=532.0))


def test_read_refuses_a_list_of_files_saying_how_to_read_several():
    xy = peer_file("xrd", "yadg", "210520step1_30min.xy")
    with pytest.raises(ParameterError, match=r"path: read takes one file, got a list of 2; for several, read each "
                                             r"\(for f in files: nakit.read\(f\)\), or .*`nakit inspect FILES`"):
        nakit.read([xy, xy])


@pytest.mark.parametrize("value, words", [
    (154.06, "wavelength 154.06 angstrom is outside 0.05-5 angstrom (in pm? give 1.5406 or 'Cu')"),
    (1.5406e-10, "wavelength 1.5406e-10 angstrom is outside 0.05-5 angstrom (in m? give 1.5406 or 'Cu')"),
    (70.93, "(in pm? give 0.7093 or 'Mo')"),
])
def test_a_wavelength_in_another_unit_is_refused_with_the_unit_it_is_likely_in(value, words):
    """Copper K-alpha1 1.5406 angstrom (Hoelzer 1997: 1.5405929) written in pm or m was refused as
    "wavelength (154.06, None) angstrom is outside 0.05-5 angstrom": a tuple and no hint."""
    with pytest.raises(ParameterError) as err:
        nakit.read(peer_file("xrd", "yadg", "210520step1_30min.xy"), wavelength=value)
    assert words in str(err.value) and "None" not in str(err.value)


def test_a_wavelength_out_of_range_in_no_likely_unit_gets_no_hint():
    with pytest.raises(ParameterError, match=r"^wavelength 15.4 angstrom is outside 0.05-5 angstrom$"):
        nakit.read(peer_file("xrd", "yadg", "210520step1_30min.xy"), wavelength=15.4)


def test_a_study_s_laser_out_of_range_names_nm():
    from nakit.params import notebook_parameters, value_problems
    from nakit.paths import notebooks_dir

    params = notebook_parameters(next(notebooks_dir().glob("03_*.ipynb")))
    entry = value_problems(params["samples"], [{"label": "S1", "file": "S1.txt", "laser_wavelength": 0.785}])
    assert entry == ["parameter 'samples', entry 1 ('S1'): 'laser_wavelength' = 0.785 is out of range "
                     "(must be >= 200 and <= 1100) in nm"]
    assert value_problems(params["laser_wavelength"], 0.785) == [
        "parameter 'laser_wavelength': 0.785 is out of range (must be >= 200 and <= 1100) in nm"]


def test_inspect_marks_neware_s_1_mg_placeholder_as_notebook_04_does(capsys):
    """A Neware BTS 8 workbook states 'Active material' '1mg', the software's default: notebook 04
    says "a cycler's default placeholder: not used"; inspect showed it as the cell's mass. A real
    stated mass (the cellpy Neware CSV's 2.08 mg, from its per-gram column) stays unmarked."""
    abn = peer_file("echem", "batteryabn", "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_"
                                           "20230110143333_37_2_1_2818580185.xlsx")
    uio = peer_file("echem", "cellpy", "neware_uio.csv")
    main(["inspect", str(abn), str(uio)])
    abn_part, uio_part = capsys.readouterr().out.split(str(uio) + "\n", 1)
    assert ("instrument_active_mass_mg: 1 (a cycler's default placeholder: not used; give the cell's "
            "active_mass_mg)") in abn_part
    (mass,) = [line for line in uio_part.splitlines() if "instrument_active_mass_mg:" in line]
    assert float(mass.split(":")[1]) == pytest.approx(2.08, rel=1e-4) and "placeholder" not in uio_part
