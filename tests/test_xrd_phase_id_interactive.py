"""Phase identification as a new user calls it in a notebook (audit A3, findings 2, 3, 9, 10, 12, 16).

xylib's Cu3Au-2.raw (Cu, 1.5406 angstrom): its ten Cu3Au peaks lie 0.11-0.20 deg below the
reference's lines (a zero offset), outside the default 0.12 deg window.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning, ParameterError
from nakit import read
from nakit.xrd import (fit_peaks, identify_phases, identify_phases_raw, index_pattern, near_candidates,
                       near_candidates_note, refine_cell, refine_cell_raw, suggest_phases)
from tests.helpers import quiet
from tests.peer import peer_file

NM = 0.15406  # Cu K-alpha1 in nm, read as angstrom


@pytest.fixture(scope="module")
def cu3au_peaks():
    return fit_peaks(read(peer_file("xrd", "xylib", "Cu3Au-2.raw")))


def _cubic_lines(a: float, wavelength: float):
    """Bragg's law for a primitive cubic cell: the analytic line list."""
    hkl = np.array([(1, 0, 0), (1, 1, 0), (1, 1, 1), (2, 0, 0), (2, 1, 0), (2, 1, 1), (2, 2, 0)])
    n = np.sqrt((hkl ** 2).sum(axis=1))
    return np.degrees(2 * np.arcsin(wavelength * n / (2 * a))), hkl


# --- finding 2: a wavelength in nm, warned of and flagged as scherrer and read already warn


def test_identify_phases_warns_of_and_flags_a_wavelength_in_nm(cu3au_peaks):
    with pytest.warns(NakitWarning, match=r"wavelength=0.15406: .*tenth of Cu K-alpha: a wavelength in nm\?"):
        res = identify_phases(cu3au_peaks, NM, ["Cu3Au_Pm-3m"])
    assert "wavelength_in_nm" in res.flags and "no_phase_present" in res.flags
    words = dict(zip(res.flags, res.flag_details))["wavelength_in_nm"]
    assert "give 1.5406 or 'Cu'" in words
    # the same peaks at the wavelength in angstrom: no such flag
    assert "wavelength_in_nm" not in quiet(identify_phases, cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"]).flags


def test_the_plain_array_and_offer_functions_warn_too(cu3au_peaks):
    tt = cu3au_peaks["two_theta"].to_numpy()
    with pytest.warns(NakitWarning, match="a wavelength in nm"):
        assert "wavelength_in_nm" in identify_phases_raw(tt, NM, ["Cu3Au_Pm-3m"]).flags
    with pytest.warns(NakitWarning, match="a wavelength in nm"):
        near_candidates(cu3au_peaks, NM, ["Cu3Au_Pm-3m"])
    with pytest.warns(NakitWarning, match="a wavelength in nm"):
        suggest_phases(cu3au_peaks, NM, ["Cu3Au_Pm-3m"])


def test_a_cell_refined_with_a_wavelength_in_nm_is_a_tenth_and_flagged():
    tt, hkl = _cubic_lines(3.7483, 1.5406)
    right = refine_cell_raw(tt, hkl, 1.5406, zero=False)
    assert right.a == pytest.approx(3.7483, rel=1e-7) and "wavelength_in_nm" not in right.flags
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # the plain-array function flags only (indexing calls it often)
        slip = refine_cell_raw(tt, hkl, NM, zero=False)
    assert slip.a == pytest.approx(0.37483, rel=1e-7)
    assert "wavelength_in_nm" in slip.flags
    assert "a wavelength in nm" in dict(zip(slip.flags, slip.flag_details))["wavelength_in_nm"]


def test_refine_cell_warns_of_a_wavelength_in_nm(cu3au_peaks):
    found = quiet(identify_phases, cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"], tolerance=0.25)
    assert found.present == ["Cu3Au_Pm-3m"]
    # the audit's values at 1.5406: a = 3.7511 A, zero -0.108 deg
    cell = quiet(refine_cell, found.assignments, "Cu3Au_Pm-3m", 1.5406)
    assert cell.a == pytest.approx(3.7511, abs=2e-4) and cell.zero == pytest.approx(-0.108, abs=2e-3)
    with pytest.warns(NakitWarning, match="a wavelength in nm"):
        slip = refine_cell(found.assignments, "Cu3Au_Pm-3m", NM, sticks=found.sticks["Cu3Au_Pm-3m"])
    assert "wavelength_in_nm" in slip.flags


def test_index_pattern_warns_once_of_a_wavelength_in_nm():
    tt, _ = _cubic_lines(3.7483, 1.5406)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        index_pattern(tt, NM)
    slips = [w for w in seen if "a wavelength in nm" in str(w.message)]
    assert len(slips) == 1


# --- finding 3: candidates whose lines are all a little off the peaks, said by the result itself


def test_a_zero_offset_is_named_by_the_result_and_a_warning(cu3au_peaks):
    with pytest.warns(NakitWarning, match=r"Cu3Au-2.raw: no candidate phase identified: .*Cu3Au_Pm-3m's lines lie "
                                          r"within 0.24 deg of 10 of them, the peaks on average 0.16 deg below them"):
        res = identify_phases(cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"])
    assert res.present == [] and "near_candidates" in res.flags
    (name, n, mean_abs, mean_signed), = res.near
    assert (name, n) == ("Cu3Au_Pm-3m", 10) and res.near_tolerance == pytest.approx(0.24)
    assert mean_signed == pytest.approx(-mean_abs) and mean_abs == pytest.approx(0.155, abs=0.01)
    words = dict(zip(res.flags, res.flag_details))["near_candidates"]
    assert "a zero offset, sample displacement" in words and "rerun with tolerance 0.24" in words
    # the words are notebook 01's, from the same function, in the API's name for the setting
    assert words == near_candidates_note(res.near, len(res.unexplained), 0.12, 0.24, "tolerance")
    # and the tolerance they name does find the phase
    assert quiet(identify_phases, cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"], tolerance=0.24).present == ["Cu3Au_Pm-3m"]


def test_no_near_candidates_flag_when_a_phase_is_present(cu3au_peaks):
    res = quiet(identify_phases, cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"], tolerance=0.25)
    assert res.present and "near_candidates" not in res.flags and res.near == []


# --- finding 9: a wrong keyword name


def test_a_wrong_keyword_is_refused_naming_the_function_and_the_closest_name(cu3au_peaks):
    with pytest.raises(ParameterError, match=r"identify_phases: unknown argument 'tolerence' \(did you mean "
                                             r"'tolerance'\?\); it takes: .*min_coverage.*two_theta_range"):
        identify_phases(cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"], tolerence=0.2)
    with pytest.raises(ParameterError, match=r"near_candidates: unknown argument 'min_cover' \(did you mean "
                                             r"'min_coverage'\?\)"):
        near_candidates(cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"], min_cover=0.5)


# --- finding 10: one name given where a list is expected


@pytest.mark.parametrize("call", [
    lambda pk: identify_phases(pk, 1.5406, candidates="Cu3Au_Pm-3m"),
    lambda pk: identify_phases_raw(pk["two_theta"], 1.5406, "Cu3Au_Pm-3m"),
    lambda pk: suggest_phases(pk, 1.5406, "Cu3Au_Pm-3m"),
    lambda pk: near_candidates(pk, 1.5406, "Cu3Au_Pm-3m")])
def test_candidates_given_as_one_str_are_refused_saying_what_to_pass(cu3au_peaks, call):
    with pytest.raises(ParameterError, match=r"candidates: a list of reference names or Crystal objects, got a str "
                                             r"\('Cu3Au_Pm-3m'\); pass \['Cu3Au_Pm-3m'\]"):
        call(cu3au_peaks)


# --- finding 12: a reversed range


def test_a_reversed_two_theta_range_is_refused(cu3au_peaks):
    with pytest.raises(ParameterError, match=r"identify_phases: two_theta_range: expected \(low, high\) with "
                                             r"low < high, got \(100.0, 20.0\): reversed\?"):
        identify_phases(cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"], two_theta_range=(100, 20))
    with pytest.raises(ParameterError, match=r"identify_phases_raw: two_theta_range: expected \(low, high\)"):
        identify_phases_raw(cu3au_peaks["two_theta"], 1.5406, ["Cu3Au_Pm-3m"], two_theta_range=(100, 20))


# --- finding 16: which reference a prefix took


def test_the_result_says_which_reference_a_prefix_took(cu3au_peaks):
    res = quiet(identify_phases, cu3au_peaks, 1.5406, ["Cu3Au"], tolerance=0.25)
    assert res.references == {"Cu3Au": "Cu3Au_Pm-3m (from Cu3Au_Pm-3m.cif)"}
    assert "'Cu3Au' -> Cu3Au_Pm-3m (from Cu3Au_Pm-3m.cif)" in res.method
    assert "within 0.25 deg" in res.method
    exact = quiet(identify_phases, cu3au_peaks, 1.5406, ["Cu3Au_Pm-3m"])
    assert exact.method.endswith(": Cu3Au_Pm-3m (from Cu3Au_Pm-3m.cif)")
    # a scan without peaks says it too
    empty = identify_phases_raw([], 1.5406, ["Cu3Au"])
    assert empty.references == {"Cu3Au": "Cu3Au_Pm-3m (from Cu3Au_Pm-3m.cif)"}
