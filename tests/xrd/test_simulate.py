"""Reference library and pattern simulation against pymatgen and analytic structure factors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.xrd.profiles import ka2_position, pseudo_voigt, tch
from nakit.xrd.simulate import Instrument, Phase, pattern_raw, reflections, scattering_factors, simulate_pattern
from nakit.xrd.structures import library, read_cif, reference
from tests.peer import peer_file

LAM = 1.5406


def _pymatgen_pattern(crystal, tt_max=90.0):
    pytest.importorskip("pymatgen")
    from pymatgen.analysis.diffraction.xrd import XRDCalculator
    from pymatgen.core import Lattice, Structure

    # build from gemmi's expanded sites so the comparison tests simulation, not CIF settings
    s = Structure(Lattice.from_parameters(*crystal.cell), list(crystal.elements), crystal.frac)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pat = XRDCalculator(wavelength=LAM).get_pattern(s, two_theta_range=(0, tt_max))
    return np.array(pat.x), np.array(pat.y)


def _merged(st, tol=1e-4):
    groups = []
    for x, i in zip(st.two_theta, st.intensity):
        if groups and abs(x - groups[-1][0]) < tol:
            groups[-1][1] += i
        else:
            groups.append([x, i])
    g = np.array(groups)
    return g[:, 0], 100 * g[:, 1] / g[:, 1].max()


def _compare(x, y, px, py, threshold, pos_tol=1e-6, int_tol=5.0):
    """Every line above ``threshold`` (of 100) in one list has its partner in the other."""
    for a, ai, b, bi in ((x, y, px, py), (px, py, x, y)):
        for t, i in zip(a[ai > threshold], ai[ai > threshold]):
            j = np.argmin(np.abs(b - t))
            assert abs(b[j] - t) < pos_tol, f"line at {t:.4f} has no partner"
            assert abs(bi[j] - i) < int_tol, f"line at {t:.4f}: {i:.2f} vs {bi[j]:.2f}"


@pytest.mark.parametrize("name", ["Na2S_Fm-3m", "Na3PS4_P-421c", "Na3PS4_I-43m", "LaB6_Pm-3m", "graphite_P63mmc",
                                  "Cu3Au_Pm-3m", "Sn_I41amd", "Na_Im-3m"])
def test_positions_and_intensities_match_pymatgen(name):
    c = reference(name)
    st = reflections(c, LAM, 90.0, anomalous=False, thermal=False, min_relative=1e-5)
    x, y = _merged(st)
    px, py = _pymatgen_pattern(c)
    # form-factor tables differ (Waasmaier-Kirfel vs pymatgen's fit): a few percent of the strongest line
    _compare(x, y, px, py, threshold=2.0)


def test_large_cell_positions_match_pymatgen():
    c = reference("S8_Fddd")
    st = reflections(c, LAM, 60.0, anomalous=False, thermal=False, min_relative=1e-5)
    x, y = _merged(st)
    px, py = _pymatgen_pattern(c, 60.0)
    _compare(x, y, px, py, threshold=3.0)


def test_na2s_structure_factors_analytic():
    """Antifluorite: F = 4(f_S + 2 f_Na) for h+k+l = 4n, 4(f_S - 2 f_Na) for 4n+2, 4 f_S for odd."""
    c = reference("Na2S_Fm-3m")
    st = reflections(c, LAM, 80.0, thermal=False)
    f = scattering_factors(["Na", "S"], 1 / (2 * st.d), LAM, anomalous=True)
    h = st.hkl.sum(axis=1)
    expect = np.where(h % 4 == 0, np.abs(4 * (f["S"] + 2 * f["Na"])) ** 2,
                      np.where(h % 2 == 0, np.abs(4 * (f["S"] - 2 * f["Na"])) ** 2,
                               np.abs(4 * f["S"]) ** 2))
    np.testing.assert_allclose(st.f_squared, expect, rtol=1e-6)
    assert dict(zip(map(tuple, st.hkl[:4]), st.multiplicity[:4])) == {(1, 1, 1): 8, (2, 0, 0): 6, (2, 2, 0): 12,
                                                                     (3, 1, 1): 24}


def test_systematic_absences_body_centred():
    st = reflections(reference("Na3PS4_I-43m"), LAM, 100.0)
    assert np.all(st.hkl.sum(axis=1) % 2 == 0)


def test_thermal_and_anomalous_lower_high_angle_lines():
    c = reference("Na2S_Fm-3m")
    cold = reflections(c, LAM, 90.0, thermal=False).normalised()
    warm = reflections(c, LAM, 90.0, thermal=True).normalised()
    assert warm[-1] < cold[-1]


def test_profile_area_and_doublet():
    c = reference("Na2S_Fm-3m")
    st = reflections(c, "Cu", 30.0)  # (111) and (200) only
    x = np.arange(15, 35, 0.002)
    y = pattern_raw(x, st, "Cu", Instrument(), size_nm=50.0)
    lp_ratio = 1.0  # close to 1 over 0.06 deg; the total area tolerance covers it
    area = np.trapezoid(y, x)
    assert area == pytest.approx(st.intensity.sum() * (1 + 0.5 * lp_ratio), rel=0.02)
    # the doublet's second maximum sits at the Ka2 Bragg angle
    t2 = ka2_position(st.two_theta[0], 1.5405929, 1.5444274)
    assert t2 - st.two_theta[0] == pytest.approx(0.0605, abs=0.002)


def test_pseudo_voigt_and_tch_limits():
    x = np.linspace(-50, 50, 200001)
    for eta in (0.0, 0.5, 1.0):
        assert np.trapezoid(pseudo_voigt(x, 0.0, 0.3, eta), x) == pytest.approx(1.0, rel=5e-3)
    h, eta = tch(0.2, 0.0)
    assert (float(h), float(eta)) == pytest.approx((0.2, 0.0))
    h, eta = tch(0.0, 0.2)
    assert (float(h), float(eta)) == pytest.approx((0.2, 1.0), abs=1e-3)


def test_simulate_pattern_dataset_and_scaling():
    x = np.arange(10, 60, 0.02)
    one = simulate_pattern(Phase(reference("Na2S"), 1.0, 40.0), x, "Cu")
    two = simulate_pattern(Phase(reference("Na2S"), 2.0, 40.0), x, "Cu")
    np.testing.assert_allclose(two.intensity.values, 2 * one.intensity.values)
    assert one.two_theta.attrs["units"] == "deg" and "phase_Na2S_Fm-3m" in one


def test_size_broadens():
    x = np.arange(36, 42, 0.005)
    st = reflections(reference("Na2S"), "CuKa1", 42.0)
    wide = pattern_raw(x, st, "CuKa1", size_nm=10.0)
    narrow = pattern_raw(x, st, "CuKa1", size_nm=100.0)
    assert wide.max() < 0.5 * narrow.max()


def test_library_parses_and_cells():
    lib = library()
    assert {"Na2S_Fm-3m", "Na3PS4_P-421c", "Na3PS4_I-43m", "S8_Fddd", "Na_Im-3m", "graphite_P63mmc"} <= set(lib)
    c = reference("Na3PS4_P")
    assert c.system == "tetragonal" and c.cell[0] == pytest.approx(6.952) and len(c.elements) == 16
    assert reference("S8").frac.shape == (128, 3)
    assert reference("Na2S").with_cell(a=6.6).cell[:3] == (6.6, 6.6, 6.6)


def test_peer_cif_rutile():
    c = read_cif(peer_file("xrd", "dans_diffraction", "Rutile.cif"))
    st = reflections(c, LAM, 60.0)
    strongest = st.hkl[np.argmax(st.intensity)]
    assert tuple(strongest) == (1, 1, 0)
    assert st.two_theta[np.argmax(st.intensity)] == pytest.approx(27.4, abs=0.1)


def test_bad_cif(tmp_path):
    bad = tmp_path / "bad.cif"
    bad.write_text("data_x\n_cell_length_a 5\n")
    with pytest.raises(FileFormatError):
        read_cif(bad)


def test_lorentz_polarisation_with_monochromator():
    from nakit.xrd.simulate import lorentz_polarisation

    tt = np.array([30.0, 90.0])
    th = np.radians(tt / 2)
    # normalised by (1 + cos^2 2theta_m): without a monochromator that is a factor 2
    plain = (1 + np.cos(2 * th) ** 2) / (np.sin(th) ** 2 * np.cos(th)) / 2
    np.testing.assert_allclose(lorentz_polarisation(tt), plain)
    c2m = np.cos(np.radians(26.6)) ** 2
    mono = (1 + c2m * np.cos(2 * th) ** 2) / (np.sin(th) ** 2 * np.cos(th) * (1 + c2m))
    np.testing.assert_allclose(lorentz_polarisation(tt, 26.6), mono)
