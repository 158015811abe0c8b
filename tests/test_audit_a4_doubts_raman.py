"""Audit 4, finding 4: ``nakit.raman.carbon_analysis`` on a spectrum without carbon.

A silicon wafer got I_D/I_G = 5.8e-5 with only the optimiser's complaints as flags; the notebook's
carbon test (``carbon_evidence``) was not applied by the public function. Now a spectrum with neither
a D nor a G band is refused, and one whose evidence is partial (polystyrene's narrow 1603 cm-1 ring
mode in the G range, no D band) is flagged, while real carbon spectra pass without that flag.
"""

from __future__ import annotations

import warnings

import pytest

from nakit.errors import CalculationError
from nakit.paths import data_dir
from nakit.raman import carbon_analysis, carbon_analysis_raw, read_raman
from tests.peer import peer_file

pytestmark = pytest.mark.peer

SILICON = ("raman", "silicon__ramanfitting_Si_spectrum01.txt")
ANATASE = ("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt")
POLYSTYRENE = ("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt")
CARBONS = [("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt"),
           ("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt")]


@pytest.mark.parametrize("parts", [SILICON, ANATASE], ids=["silicon wafer", "anatase"])
def test_a_spectrum_without_d_and_g_bands_is_refused_saying_what_was_looked_for(parts):
    ds = read_raman(peer_file(*parts))
    with pytest.raises(CalculationError) as info:
        carbon_analysis(ds)
    words = str(info.value)
    assert "no carbon D and G bands" in words
    assert "1300-1400 cm-1" in words and "1540-1620 cm-1" in words
    # the array form is public too
    with pytest.raises(CalculationError, match="no carbon D and G bands"):
        carbon_analysis_raw(ds.raman_shift.values, ds.intensity.values)


def test_partial_evidence_is_flagged_with_its_reason():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = carbon_analysis(read_raman(peer_file(*POLYSTYRENE)))
    weak = [f for f in result.flags if f.startswith("weak carbon evidence")]
    assert weak, result.flags
    assert "no carbon D band" in weak[0] and "1603 cm-1" in weak[0]


def _carbon_spectra():
    return [read_raman(peer_file(*parts)) for parts in CARBONS] + [read_raman(data_dir() / "raman" / "cmk3.txt")]


def test_real_carbon_and_the_stand_in_are_not_flagged_by_the_evidence():
    for ds in _carbon_spectra():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = carbon_analysis(ds)
        assert not [f for f in result.flags if "carbon evidence" in f], (ds.attrs.get("source_file"), result.flags)
        assert 0.1 < result.id_ig < 3
