"""The sign of a table's Z'' column: the header's word when it gives one, else the physics of the
low-frequency end, and a doubt when the two disagree.

impedance.py's exampleData.csv restricted to f >= 200 Hz (9 of 17 points inductive) was read with
every sign flipped, with or without a header ``Zimag (Ohm)`` saying the column is signed: the sign
went by a majority of points. A header ``-Z''`` over signed data was honoured without a word, and
57 of 66 points came out inductive, the fit wrong (R0 0.0184 for 0.0168).
"""

import numpy as np
import pytest

from nakit.eis import impedance_of, read_csv, read_eis, spectrum_doubts
from nakit.paths import data_dir
from tests.peer import peer_file

pytestmark = pytest.mark.peer


def _example():
    return np.loadtxt(peer_file("echem", "impedancepy", "exampleData.csv"), delimiter=",")


def _write(path, table, header=None):
    np.savetxt(path, table, delimiter=",", header=header or "", comments="", fmt="%.17g")
    return path


@pytest.mark.parametrize("f_min", [200.0, 300.0])
@pytest.mark.parametrize("header", [None, "Frequency (Hz),Zreal (Ohm),Zimag (Ohm)"])
def test_a_high_frequency_part_of_a_spectrum_keeps_its_sign(tmp_path, header, f_min):
    table = _example()
    part = table[table[:, 0] >= f_min]
    assert np.sum(part[:, 2] > 0) > part.shape[0] / 2  # mostly inductive: a majority vote flipped it
    ds = read_csv(_write(tmp_path / "hf.csv", part, header))
    np.testing.assert_array_equal(impedance_of(ds), part[:, 1] + 1j * part[:, 2])
    assert ds.attrs["instrument_imag_convention"] == "signed"
    assert ds.attrs["instrument_imag_convention_source"] == ("header" if header else "data")
    # headerless, the sign is right, and doubted: the sweep's 1.5-1.7 decades are too few to be sure of it
    assert spectrum_doubts(ds) == (() if header else (
        f"the sign of Z'' was taken from the data (nothing names the column's convention), on a sweep of "
        f"{part[:, 0].min():.3g}-1e+04 Hz, under 2 decades: its low-frequency end, read as capacitive, is most of the "
        "sweep and may still be inductive (leads, wiring); if the file holds the other sign, every fitted value is "
        "wrong: state imag_convention ('signed' or 'negated'; in notebook 05, the sample entry's imag_convention)",))


def test_a_headerless_negated_column_is_still_found(tmp_path):
    table = _example()
    flipped = table * [1, 1, -1]
    for part in (flipped, flipped[table[:, 0] >= 200]):
        ds = read_eis(_write(tmp_path / "neg.csv", part))
        assert ds.attrs["instrument_imag_convention"] == "negated"
        np.testing.assert_array_equal(ds["z_imag"].values, -part[:, 2])
        assert [w[:39] for w in spectrum_doubts(ds)] == ([] if part is flipped else ["the sign of Z'' was taken from the data"])


def test_a_header_is_honoured_and_doubted_when_the_data_disagree(tmp_path):
    """``-Z''`` above signed values, and ``Zimag`` above negated ones: read as the header says,
    and the spectrum doubted, naming the column, what was seen and how to read it otherwise."""
    table = _example()
    path = _write(tmp_path / "minus.csv", table, "Frequency (Hz),Z' (Ohm),-Z'' (Ohm)")
    ds = read_eis(path)
    assert ds.attrs["instrument_imag_convention"] == "negated"
    assert ds.attrs["instrument_imag_convention_source"] == "header"
    np.testing.assert_array_equal(ds["z_imag"].values, -table[:, 2])
    (words,) = spectrum_doubts(ds)
    assert words == ("Im(Z) positive (inductive) at the low-frequency end: 11 of the 11 points from 0.00316 to "
                     "0.0316 Hz, up to +0.0204 ohm at 0.00316 Hz, where a cell is capacitive (Im(Z) < 0): column "
                     "\"-Z'' (Ohm)\" was read as -Im(Z) as its header says; if it holds Im(Z), read the file with "
                     "imag_convention='signed' (in notebook 05, the sample entry's imag_convention: signed; else a "
                     "genuine low-frequency inductive loop?)")
    told = read_eis(path, imag_convention="signed")  # the way out the words give
    np.testing.assert_array_equal(impedance_of(told), table[:, 1] + 1j * table[:, 2])
    assert told.attrs["instrument_imag_convention_source"] == "argument" and spectrum_doubts(told) == ()

    ds = read_eis(_write(tmp_path / "zimag.csv", table * [1, 1, -1], "freq/Hz,Zreal/Ohm,Zimag/Ohm"))
    assert ds.attrs["instrument_imag_convention"] == "signed"
    np.testing.assert_array_equal(ds["z_imag"].values, -table[:, 2])
    (words,) = spectrum_doubts(ds)
    assert "column 'Zimag/Ohm' was read as Im(Z) as its header says; if it holds -Im(Z), read the file with " \
           "imag_convention='negated'" in words


def test_a_column_the_header_does_not_sign_is_decided_by_the_data(tmp_path):
    """A header naming frequency but not Z'' (columns taken in order), or a phase without a
    minus (written either way by exports): the low-frequency end decides."""
    table = _example()
    ds = read_eis(_write(tmp_path / "order.csv", table * [1, 1, -1], "frequency,a,b"))
    assert ds.attrs["instrument_imag_convention_source"] == "data"
    np.testing.assert_array_equal(ds["z_imag"].values, table[:, 2])
    z = table[:, 1] + 1j * table[:, 2]
    bode = np.column_stack([table[:, 0], np.abs(z), -np.degrees(np.angle(z))])  # capacitive phase written > 0
    ds = read_eis(_write(tmp_path / "bode.csv", bode, "Frequency/Hz,|Z|/Ohm,Phase/deg"))
    assert ds.attrs["instrument_imag_convention"] == "negated"
    np.testing.assert_allclose(impedance_of(ds), z, rtol=1e-12)


@pytest.mark.parametrize("parts", [("impedancepy", "exampleData.csv"), ("impedancepy", "exampleDataZPlot.z"),
                                   ("impedancepy", "Circuit3_EIS_1.z"), ("pyimpspec", "data.dta"),
                                   ("pyimpspec", "data.mpt"), ("pyimpspec", "data.z"),
                                   ("pyimpspec", "drift-corrected-data.dta"), ("gamry-parser", "eispot_data.dta"),
                                   ("yadg", "peis.mpt"), ("yadg", "peis.issue_149.mpt")])
def test_real_spectra_are_not_doubted_for_their_low_frequency_end(parts):
    """Every peer spectrum, and the paper's stand-ins, is capacitive at its low-frequency end (EC-Lab's
    noisy peis.mpt too: +0.4 ohm at 1.5 and 2.2 Hz among -2.7 and -18 ohm)."""
    from nakit.eis import iter_loops

    for _, one in iter_loops(read_eis(peer_file("echem", *parts))):
        assert not any("low-frequency end" in w for w in spectrum_doubts(one))
    for path in sorted((data_dir() / "eis").glob("*.z")):
        assert spectrum_doubts(read_eis(path)) == (), path.name


def test_a_short_headerless_sweep_in_the_inductive_region_is_doubted_not_trusted(tmp_path):
    """R0 + L in series with R1 || C, measured 20-500 kHz only: inductive throughout (Im(Z) > 0 at every
    point). Headerless, its low-frequency end decides the sign, so it is read capacitive, every sign
    flipped; nothing can tell that from the data, so the reading is doubted and says how to state it."""
    f = np.geomspace(2e4, 5e5, 15)
    w = 2 * np.pi * f
    z = 5.0 + 1j * w * 2e-6 + 100.0 / (1 + 1j * w * 100.0 * 1e-3)
    assert np.all(z.imag > 0)
    ds = read_eis(_write(tmp_path / "hf.csv", np.column_stack([f, z.real, z.imag])))
    assert ds.attrs["instrument_imag_convention"] == "negated"  # wrong, as the data cannot say otherwise
    (words,) = spectrum_doubts(ds)
    assert words.startswith("the sign of Z'' was taken from the data") and "2e+04-5e+05 Hz" in words
    told = read_eis(tmp_path / "hf.csv", imag_convention="signed")
    np.testing.assert_allclose(impedance_of(told), z, rtol=1e-12)
    # read as stated, it is what it is: inductive at its low-frequency end, and doubted for that alone
    (words,) = spectrum_doubts(told)
    assert words.startswith("Im(Z) positive (inductive) at the low-frequency end")
