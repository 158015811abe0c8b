"""What a report shows of a flag is words, not the machine name a program tests for.

A study index listed "1_n(1-p)_increasing; 2_C_positive; ...", "peak_at_range_edge",
"parameter_undetermined (W1)" and "kk_residuals_large" beside flagged numbers. Each result
keeps its machine ``flags`` (code tests them); ``flag_details`` and
:func:`nakit.report.flags_of` give the words, also from a result's Dataset.
"""

import re

import numpy as np
import pytest


from nakit.paths import data_dir
from nakit.report import flags_of
from tests.helpers import quiet

MACHINE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9()-]+)+\b")  # snake_case, as the flags are named


def _words_only(result):
    details = flags_of(result)
    assert details and len(details) == len(getattr(result, "flags", details))
    for text in details:
        assert not MACHINE.search(text), text
    return details


def test_bet_criteria_in_words():
    from nakit.sorption import area_bet, read_aif

    result = quiet(area_bet, read_aif(data_dir() / "sorption" / "cmk3.aif"), (0.5, 0.9))
    details = _words_only(result)
    assert details[0] == "Rouquerol criterion 1 fails: n(1-p/p0) does not rise over the range"
    assert {d.split(":")[0] for d in details} == {f"Rouquerol criterion {k} fails" for k in range(1, 5)}


def test_a_bet_quality_floor_says_it_was_not_met():
    from nakit.sorption.bet import BETResult

    fit = BETResult.__new__(BETResult)
    object.__setattr__(fit, "flags", (">= 4 points",))
    assert fit.flag_details == ("quality floor not met: >= 4 points",)


def test_bjh_edge_peak_in_words_on_the_result_and_its_dataset():
    from nakit.sorption.bjh import psd_bjh_raw

    p = np.concatenate([np.geomspace(1e-3, 0.1, 15), np.linspace(0.12, 0.99, 40)])
    result = quiet(psd_bjh_raw, p, 300 * 200 * p / (1 + 200 * p) + 5 * p)
    details = _words_only(result)
    ds = result.to_dataset()
    assert ds.attrs["flags"] == "peak_at_range_edge"  # the machine name stays for code
    assert flags_of(ds) == details and "no peak inside it" in details[0]


def test_dft_flags_in_words():
    from nakit.sorption.dft import DFT_FLAG_WORDS, DFTResult

    for flag, words in DFT_FLAG_WORDS.items():
        assert not MACHINE.search(words), flag
    fit = DFTResult.__new__(DFTResult)
    object.__setattr__(fit, "flags", ("large_residual", "volume_at_largest_width"))
    assert fit.flag_details == (DFT_FLAG_WORDS["large_residual"], DFT_FLAG_WORDS["volume_at_largest_width"])


def test_dft_flags_in_words_on_its_dataset():
    from nakit.sorption import read_isotherm
    from nakit.sorption.dft import psd_dft
    from tests.peer import peer_file

    ds = quiet(psd_dft, read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls")))
    assert "large_residual" in ds.attrs["flags"]  # the machine names stay for code
    details = flags_of(ds)
    assert len(details) == len(ds.attrs["flags"].split("; "))
    assert not any(MACHINE.search(d) for d in details)


def test_circuit_and_lin_kk_flags_in_words():
    from nakit.eis import read_eis
    from nakit.eis.fitting import fit_circuit
    from nakit.eis.kk import KK_FAILED, KK_FLAG_WORDS, lin_kk
    from tests.peer import peer_file

    fit = quiet(fit_circuit, read_eis(peer_file("echem", "gamry-parser", "eispot_data.dta")), "R0-p(R1,CPE1)")
    assert fit.flags == ("uncertainties_undetermined", "resistance_beyond_spectrum", "arc_beyond_spectrum")
    assert fit.flag_details == ("no standard error: R0, R1, CPE1_Q, CPE1_alpha",
                                "resistance over 10x the spectrum's largest |Z| (runs off beyond the data): R1",
                                "its arc's apex frequency 1/(2 pi tau) lies outside the measured frequencies: the end "
                                "of the arc that sets the resistance is not measured, only extrapolated: R1")
    drift = read_eis(peer_file("echem", "pyimpspec", "drift-corrected-data.dta"))
    kk = quiet(lin_kk, drift)
    assert KK_FAILED in kk.flags
    assert kk.spectrum_doubted == (KK_FLAG_WORDS[KK_FAILED],) and KK_FLAG_WORDS[KK_FAILED] in flags_of(kk)
    for words in KK_FLAG_WORDS.values():
        assert not MACHINE.search(words)
    clean = quiet(lin_kk, read_eis(peer_file("echem", "pyimpspec", "data.z")))
    assert clean.spectrum_doubted == ()


@pytest.mark.parametrize("module, table", [("nakit.sorption.bet", "BET_FLAG_WORDS"),
                                           ("nakit.eis.fitting", "CIRCUIT_FLAG_WORDS")])
def test_no_words_table_is_itself_machine_words(module, table):
    import importlib

    for flag, words in getattr(importlib.import_module(module), table).items():
        assert not MACHINE.search(words.replace("n(1-p/p0)", "")), flag
