"""Carbon bands are assigned only in spectra that show carbon's D and G bands (issue #15).

Polystyrene's 1192 cm-1 band lies in the carbon D4 range and its 1602 cm-1 band in the G
range; before this check both were labelled as carbon bands.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.paths import data_dir
from nakit.raman import assign, carbon_evidence, read_raman
from tests.peer import peer_file

# ASTM E1840 polystyrene shifts (cm-1) that fall inside a carbon band's library range
PS_IN_CARBON_RANGES = {"1155": 1155.3, "1192": 1192.2, "1583": 1583.1, "1602": 1602.3}
PS_FILES = [("polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt",),
            ("ramanchada2", "PST10_iR785_OP01_8000msx8.txt"),
            ("ramanchada2", "PST_WiICV532_Z050OP02_075_800msx10.txt")]


@pytest.mark.peer
@pytest.mark.parametrize("parts", PS_FILES, ids=lambda p: p[-1][:20])
def test_polystyrene_gets_no_carbon_assignment(parts):
    ps = read_raman(peer_file("raman", *parts))
    evidence = carbon_evidence(ps)
    assert not evidence.present and "no carbon D band" in evidence.reason
    table = assign(PS_IN_CARBON_RANGES, carbon=evidence).set_index("label")
    assert not table["candidates"].str.contains("carbon").any()
    assert (table["assignment"] == "unassigned").all()
    assert table.loc["1192", "note"].startswith("not carbon D4: no carbon D band")
    assert table.loc["1602", "note"].startswith("not carbon G:")


def test_unchecked_carbon_candidates_warn_and_say_so():
    with pytest.warns(NakitWarning, match="not checked for carbon D and G bands.*1192"):
        table = assign({"1192": 1192.2, "main": 420.4}).set_index("label")
    assert table.loc["1192", "assignment"] == "carbon D4"
    assert "carbon band assumed" in table.loc["1192", "note"] and table.loc["main", "note"] == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert assign({"main": 420.4}).loc[0, "assignment"] == "PS4^3-"  # no carbon candidate: no warning


@pytest.mark.peer
@pytest.mark.parametrize("name", ["carbon_disordered__ramanfitting_testDW38C_pos4.txt",
                                  "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"])
def test_carbon_peer_spectra_keep_their_carbon_assignments(name):
    evidence = carbon_evidence(read_raman(peer_file("raman", name)))
    assert evidence.present and 1310 < evidence.d_center < 1360 and 1570 < evidence.g_center < 1610
    table = assign({"D": evidence.d_center, "G": evidence.g_center, "D4": 1200.0}, carbon=evidence).set_index("label")
    assert list(table["assignment"]) == ["carbon D1", "carbon G", "carbon D4"]
    assert (table["note"] == "").all()


@pytest.mark.peer
@pytest.mark.parametrize("name", ["silicon__ramanfitting_Si_spectrum01.txt", "anatase_RRUFF_R060277_raw__ramanchada2.txt",
                                  "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"])
def test_other_peer_spectra_show_no_carbon(name):
    assert not carbon_evidence(read_raman(peer_file("raman", name), laser_wavelength=None)).present


def test_shipped_stand_ins_keep_the_papers_assignments():
    raman = data_dir() / "raman"
    cmk3 = carbon_evidence(read_raman(raman / "cmk3.txt"))
    assert cmk3.present
    table = assign({"G": 1590.7, "D": 1330.2}, carbon=cmk3).set_index("label")
    assert list(table["assignment"]) == ["carbon G", "carbon D1"]
    for name in ("quenched.txt", "annealed.txt"):
        ev = carbon_evidence(read_raman(raman / name))
        assert not ev.present
        table = assign({"main": 421.3, "shoulder": 380.3}, carbon=ev).set_index("label")
        assert table.loc["main", "assignment"] == "PS4^3-"
        assert table.loc["shoulder", "assignment"] == "ambiguous: Na2S | P2S6^4- | P2S5"


X = np.linspace(900.0, 2000.0, 1101)


def peak(centre, fwhm, height):
    """A Lorentzian of the given height and FWHM on X."""
    return height / (1.0 + ((X - centre) / (fwhm / 2)) ** 2)


@pytest.mark.parametrize("d_fwhm, g_fwhm, present", [(120.0, 70.0, True), (40.0, 18.0, True),
                                                     (8.0, 8.0, False), (120.0, 6.0, False)])
def test_evidence_needs_carbon_widths(d_fwhm, g_fwhm, present):
    rng = np.random.default_rng(1)
    y = peak(1340.0, d_fwhm, 1.0) + peak(1590.0, g_fwhm, 1.3) + 0.01 * rng.standard_normal(X.size)
    assert carbon_evidence(X, y).present is present


def test_evidence_needs_bands_above_the_noise():
    rng = np.random.default_rng(2)
    assert not carbon_evidence(X, 100 + rng.standard_normal(X.size)).present
    # broad D and G, but a stronger sharp band at 1450 is one of the two strongest: not a carbon spectrum
    y = peak(1340.0, 120.0, 1.0) + peak(1590.0, 70.0, 0.8) + peak(1450.0, 8.0, 5.0) + 0.01 * rng.standard_normal(X.size)
    assert not carbon_evidence(X, y).present
