"""Background, peaks, phase ID, cell refinement, indexing, sizes and whole-pattern scaling."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from nakit.errors import ParameterError
from nakit.xrd import (Instrument, Phase, fit_background_raw, fit_peaks, fit_peaks_raw, find_peaks_raw,
                       fit_whole_pattern, identify_phases, identify_phases_raw, index_cubic, index_tetragonal,
                       instrument_from_standard, read_xrd, reference, reflections, refine_cell, refine_cell_raw,
                       scherrer, simulate_pattern, williamson_hall)
from nakit.xrd.background import gaussian_hump
from nakit.xrd.readers import Wavelength
from nakit.xrd.synthetic import INSTRUMENT
from tests.peer import peer_file

LAB6_A = 4.15692  # NIST SRM 660a


def _measured(phases, x, seed=1, flat=50.0, hump=None):
    bg = np.full(x.size, flat)
    if hump is not None:
        bg = bg + gaussian_hump(x, *hump)
    ds = simulate_pattern(phases, x, "Cu", INSTRUMENT, background=bg)
    y = np.random.default_rng(seed).poisson(ds.intensity.values).astype(float)
    out = xr.Dataset({"intensity": ("two_theta", y, {"units": "counts"})},
                     coords={"two_theta": ("two_theta", x, {"units": "deg"})})
    out.attrs.update(Wavelength.parse("Cu").attrs())
    return out


@pytest.fixture(scope="module")
def na2s_roundtrip():
    x = np.arange(15, 100, 0.02)
    ds = _measured(Phase(reference("Na2S").with_cell(a=6.5432), 1e-3, 30.0), x)
    peaks = fit_peaks(ds)
    ids = identify_phases(peaks, "Cu", ["Na2S_Fm-3m", "Na3PS4_P-421c"])
    return ds, peaks, ids


def test_roundtrip_cell(na2s_roundtrip):
    ds, peaks, ids = na2s_roundtrip
    assert ids.present == ["Na2S_Fm-3m"] and ids.unexplained.empty
    ref = refine_cell(ids.assignments, "Na2S_Fm-3m", "Cu", sticks=ids.sticks["Na2S_Fm-3m"])
    assert abs(ref.a - 6.5432) < 1e-3
    assert abs(ref.a - 6.5432) < 4 * ref.a_sigma + 2e-4
    assert abs(ref.zero) < 0.01
    assert ref.m20 > 50 and ref.f_n > 20


def test_roundtrip_size(na2s_roundtrip):
    ds, peaks, ids = na2s_roundtrip
    wh = williamson_hall(peaks, "Cu", INSTRUMENT)
    assert wh.size_nm == pytest.approx(30.0, rel=0.10)
    assert abs(wh.strain) < 3 * wh.strain_sigma + 2e-4
    # the Result convention (#18): one flat row, a Dataset with units along 'peak'
    from nakit.datamodel import check_conventions
    row = wh.to_dict()
    assert row["size_nm"] == wh.size_nm and row["ok"] == wh.ok and "table" not in row
    out = check_conventions(wh.to_dataset(), provenance=False)
    assert out["size_nm"].attrs["units"] == "nm" and out["two_theta"].dims == ("peak",)
    assert out.sizes["peak"] == len(wh.table)
    sch = scherrer(peaks, "Cu", INSTRUMENT)
    assert sch.size_nm.iloc[:4].mean() == pytest.approx(30.0, rel=0.10)
    # without removing the instrument the size comes out smaller
    assert scherrer(peaks, "Cu").size_nm.iloc[0] < sch.size_nm.iloc[0]


def test_peak_fit_recovers_doublet():
    x = np.arange(37, 41, 0.005)
    st = reflections(reference("Na2S"), "Cu", 40.0)
    y = simulate_pattern(Phase(reference("Na2S"), 1.0, None), x, "Cu", Instrument(u=0, v=0, w=0.01)).intensity.values
    df = fit_peaks_raw(x, y, [38.92], "Cu", sigma=np.full(x.size, 1.0))
    row = df.iloc[0]
    assert row.two_theta == pytest.approx(st.two_theta[st.hkl.tolist().index([2, 2, 0])], abs=1e-3)
    assert row.area == pytest.approx(st.intensity[st.hkl.tolist().index([2, 2, 0])], rel=0.01)
    assert row.fwhm == pytest.approx(0.1, rel=0.02) and row.eta < 0.05


def test_find_peaks_order_and_input_untouched():
    x = np.arange(20, 50, 0.02)
    ds = _measured(Phase(reference("Na2S"), 1e-3, 40.0), x, seed=3)
    y = ds.intensity.values
    y_copy = y.copy()
    found = find_peaks_raw(list(x), list(y), wavelength="Cu")
    again = find_peaks_raw(x[::-1], y[::-1], wavelength="Cu")
    np.testing.assert_array_equal(found, again)
    np.testing.assert_array_equal(y, y_copy)
    sticks = reflections(reference("Na2S"), "Cu", 50.0)
    strong = sticks.two_theta[sticks.normalised() > 10]
    assert all(np.min(np.abs(found - t)) < 0.05 for t in strong)


def test_background_recovers_kapton_hump():
    x = np.arange(10, 80, 0.02)
    ds = _measured(Phase(reference("Na2S"), 5e-4, 30.0), x, hump=(17.0, 9.0, 9000.0))
    fit = fit_background_raw(x, ds.intensity.values, humps=("kapton",))
    h = fit.humps["kapton"]
    assert h.center == pytest.approx(17.0, abs=0.5)
    assert h.area == pytest.approx(9000.0, rel=0.1)
    assert h.significance > 10
    none = fit_background_raw(x, _measured(Phase(reference("Na2S"), 5e-4, 30.0), x).intensity.values,
                              humps=("kapton",))
    assert none.humps["kapton"].area < 0.1 * 9000


def test_unexplained_peaks_flag_an_impurity():
    x = np.arange(20, 60, 0.02)
    ds = _measured([Phase(reference("Na2S"), 1e-3, 40.0), Phase(reference("Na_Im-3m"), 2e-2, 60.0)], x, seed=5)
    peaks = fit_peaks(ds)
    without = identify_phases(peaks, "Cu", ["Na2S_Fm-3m", "Na3PS4_P-421c"])
    na_lines = reflections(reference("Na_Im-3m"), "Cu", 60.0).two_theta
    left = without.unexplained.two_theta_obs.values
    assert len(left) >= 2
    assert all(np.min(np.abs(na_lines - t)) < 0.05 for t in left)  # every leftover is a Na metal line
    with_na = identify_phases(peaks, "Cu", ["Na2S_Fm-3m", "Na_Im-3m"])
    assert set(with_na.present) == {"Na2S_Fm-3m", "Na_Im-3m"}
    assert with_na.unexplained.empty


def test_identify_raw_checks():
    with pytest.raises(ParameterError):
        identify_phases_raw([23.5, 38.9], "Cu", ["Na2S"], tolerance=0)
    with pytest.raises(ParameterError, match="unknown"):
        identify_phases_raw([23.5, 38.9], "Cu", ["Unobtainium"])


def test_refine_tetragonal_and_checks():
    c = reference("Na3PS4_P-421c").with_cell(a=6.96, c=7.09)
    st = reflections(c, "CuKa1", 70.0)
    strong = st.normalised() > 5
    ref = refine_cell_raw(st.two_theta[strong] + 0.02, st.hkl[strong], "CuKa1", "tetragonal", a0=6.95, c0=7.07)
    assert (ref.a, ref.c, ref.zero) == pytest.approx((6.96, 7.09, 0.02), abs=1e-6)
    assert "a" in ref.correlation.index
    with pytest.raises(ParameterError):
        refine_cell_raw([20, 30, 40], [[1, 0, 0], [1, 1, 0], [1, 1, 1]], "Cu", "monoclinic")


def test_index_cubic_picks_f_for_na2s_and_tetragonal():
    st = reflections(reference("Na2S").with_cell(a=6.54), "CuKa1", 90.0)
    tt = st.two_theta[st.normalised() > 2]
    best = index_cubic(tt, "CuKa1")[0]
    assert best.centring == "F" and best.refinement.a == pytest.approx(6.54, abs=1e-4)
    c = reference("Na3PS4_P-421c")
    st = reflections(c, "CuKa1", 60.0)
    tt = st.two_theta[st.normalised() > 4]
    sols = index_tetragonal(tt, "CuKa1")
    assert sols and sols[0].indexed == len(tt)
    assert (sols[0].refinement.a, sols[0].refinement.c) == pytest.approx((6.952, 7.076), abs=2e-3)


def test_cu3au_superlattice_lines():
    ds = read_xrd(peer_file("xrd", "xylib", "Cu3Au-2.raw"))
    peaks = fit_peaks(ds, min_snr=5)
    best = index_cubic(peaks.two_theta.values, ds.attrs["wavelength"])[0]
    assert best.centring == "P" and best.refinement.a == pytest.approx(3.75, abs=0.01)
    hkl = {tuple(r) for r in best.refinement.residuals[["h", "k", "l"]].values}
    # L1_2 ordering: mixed-parity lines that an fcc (disordered) cell forbids
    assert {(1, 0, 0), (1, 1, 0)} <= hkl


@pytest.fixture(scope="module")
def lab6():
    ds = read_xrd(peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2"), wavelength="Cu")
    peaks = fit_peaks(ds, min_snr=8)
    return ds, peaks, identify_phases(peaks, ds.attrs["wavelength"], ["LaB6_Pm-3m"], tolerance=0.15)


def test_lab6_certified_cell(lab6):
    ds, peaks, ids = lab6
    ref = refine_cell(ids.assignments, "LaB6_Pm-3m", ds.attrs["wavelength"], sticks=ids.sticks["LaB6_Pm-3m"])
    assert abs(ref.a - LAB6_A) < 3e-4
    assert ref.n_lines >= 20 and ref.m20 > 100


def test_lab6_unexplained_are_cu_kbeta(lab6):
    ds, peaks, ids = lab6
    kb = reflections(reference("LaB6_Pm-3m"), 1.39222, 150.0).two_theta
    left = ids.unexplained.two_theta_obs.values
    assert len(left) >= 1
    assert all(np.min(np.abs(kb - t)) < 0.05 for t in left)


def test_lab6_instrument(lab6):
    ds, peaks, ids = lab6
    lab = peaks[ids.assignments.phase.values == "LaB6_Pm-3m"]
    inst = instrument_from_standard(lab.two_theta, lab.fwhm, lab.eta)
    from nakit.xrd.profiles import caglioti
    hg = caglioti(np.array([30.0, 120.0]), inst.u, inst.v, inst.w)
    assert 0.01 < hg[0] < 0.08 and hg[1] > hg[0]
    # the standard's own sizes, after removing the instrument fitted from it, are large (> 200 nm)
    assert np.nanmedian(scherrer(lab, ds.attrs["wavelength"], inst).size_nm) > 200


def test_whole_pattern_weight_fractions():
    x = np.arange(12, 75, 0.02)
    from nakit.xrd.synthetic import scale_for_weight_fraction
    phases = [Phase(reference("Na2S").with_cell(a=6.54), scale_for_weight_fraction("Na2S_Fm-3m", 30) * 2.5e-3, 40.0),
              Phase(reference("Na3PS4_P-421c"), scale_for_weight_fraction("Na3PS4_P-421c", 70) * 2.5e-3, 35.0)]
    ds = _measured(phases, x, seed=9, hump=(17.0, 9.0, 9000.0))
    fit = fit_whole_pattern(ds, ["Na2S_Fm-3m", "Na3PS4_P-421c"], humps=("kapton",), instrument=INSTRUMENT)
    tab = fit.phases.set_index("phase")
    assert tab.loc["Na2S_Fm-3m", "weight_fraction"] == pytest.approx(0.30, abs=0.02)
    assert tab.loc["Na2S_Fm-3m", "a"] == pytest.approx(6.54, abs=1e-3)
    assert tab.loc["Na2S_Fm-3m", "size_nm"] == pytest.approx(40.0, rel=0.1)
    assert fit.rwp < 0.1 and 0 < fit.crystallinity < 1
    # no hump modelled: every intensity above the background would be crystalline, 1 by construction
    bare = fit_whole_pattern(ds, ["Na2S_Fm-3m", "Na3PS4_P-421c"], humps=(), instrument=INSTRUMENT)
    assert np.isnan(bare.crystallinity) and np.isnan(bare.crystallinity_sigma)


def test_lmfit_doublet_model_agrees_with_fast_fit():
    from nakit.xrd.peaks import DoubletModel, guess_doublet

    x = np.arange(37.5, 40.5, 0.01)
    y = simulate_pattern(Phase(reference("Na2S"), 1.0, 40.0), x, "Cu").intensity.values + 5.0
    fast = fit_peaks_raw(x, y, [38.92], "Cu", sigma=np.ones_like(x)).iloc[0]
    model = DoubletModel("Cu", prefix="p_")
    params = model.make_params(**guess_doublet(x, y - 5.0, 38.92, "p_"))
    res = model.fit(y - 5.0, params, x=x)
    assert res.params["p_center"].value == pytest.approx(fast.two_theta, abs=2e-4)
    assert res.params["p_area"].value == pytest.approx(fast.area, rel=5e-3)
    assert res.params["p_center"].stderr is not None


@pytest.mark.parametrize("func", ["background", "scherrer", "identify"])
def test_raw_functions_take_lists_and_leave_inputs_alone(func):
    from nakit.xrd import scherrer_raw

    x = np.arange(10, 60, 0.02)
    y = _measured(Phase(reference("Na2S"), 1e-3, 30.0), x, hump=(17.0, 9.0, 5000.0)).intensity.values
    x0, y0 = x.copy(), y.copy()
    if func == "background":
        a = fit_background_raw(list(x), list(y)).humps["kapton"].area
        b = fit_background_raw(x[::-1], y[::-1]).humps["kapton"].area
        assert a == pytest.approx(b, rel=1e-6)
    elif func == "scherrer":
        tt, h, e = [23.5, 38.9], [0.3, 0.35], [0.5, 0.6]
        t1 = scherrer_raw(tt, h, e, "Cu")
        t2 = scherrer_raw(np.array(tt[::-1]), np.array(h[::-1]), np.array(e[::-1]), "Cu")
        np.testing.assert_allclose(t1.size_nm.values, t2.size_nm.values[::-1])
    else:
        r1 = identify_phases_raw([23.54, 38.92, 45.99], "Cu", ["Na2S_Fm-3m"])
        r2 = identify_phases_raw(np.array([45.99, 23.54, 38.92]), "Cu", ["Na2S_Fm-3m"])
        assert r1.present == r2.present == ["Na2S_Fm-3m"]
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_hkl_labels():
    from nakit.xrd.phase_id import hkl_label

    assert hkl_label([3, 1, 1]) == "311"
    assert hkl_label([1, -1, 0]) == "1 -1 0"
    assert hkl_label([10, 0, 2]) == "10 0 2"


def test_pbso4_round_robin_identified_from_its_cif():
    """Real laboratory pattern (PbSO4 round robin) against the structure shipped with it."""
    from nakit.xrd import read_cif
    from nakit.xrd.readers import wavelength_from_gsas_prm

    wl = wavelength_from_gsas_prm(peer_file("xrd", "gsas2", "INST_XRY.PRM"))
    assert (wl.ka1, wl.ka2, wl.ratio) == pytest.approx((1.5405, 1.5443, 0.5))
    ds = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength=wl)
    pbso4 = read_cif(peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif"))
    assert pbso4.system == "orthorhombic" and len(pbso4.elements) == 24
    peaks = fit_peaks(ds, two_theta_range=(10, 60))
    ids = identify_phases(peaks, wl, [pbso4, "Na2S_Fm-3m"], two_theta_range=(10, 60))
    assert ids.present == ["PbSO4-Wyckoff"]
    assert ids.scores.set_index("phase").loc["PbSO4-Wyckoff", "coverage"] > 0.9
    assert ids.unexplained.empty
    cell = refine_cell(ids.assignments, "PbSO4-Wyckoff", wl, sticks=ids.sticks["PbSO4-Wyckoff"], crystal=pbso4)
    # round-robin cell (Hill, J. Appl. Cryst. 25 (1992) 589): a 8.480, b 5.398, c 6.958 A
    assert (cell.a, cell.b, cell.c) == pytest.approx((8.480, 5.398, 6.958), abs=0.01)
    assert cell.m20 > 20


@pytest.mark.parametrize("eta", [0.0, 0.4, 1.0])
def test_doublet_jacobian_matches_finite_differences(eta):
    """The analytic Jacobian the peak fitter hands to least_squares, Ka2 chain rule included."""
    from nakit.xrd.peaks import _doublet_jac, doublet

    wl = Wavelength.parse("Cu")
    x = np.linspace(29.0, 31.5, 300)
    p = np.array([30.0, 5.0, 0.12, eta])
    h = 1e-6
    numeric = np.stack([(doublet(x, *(p + d), wl.ka1, wl.ka2, wl.ratio) - doublet(x, *(p - d), wl.ka1, wl.ka2, wl.ratio))
                        / (2 * h) for d in np.eye(4) * h], axis=1)
    np.testing.assert_allclose(_doublet_jac(x, *p, wl), numeric, atol=1e-6 * np.abs(numeric).max())


@pytest.mark.peer
def test_the_stand_ins_instrument_doubts_the_sizes_of_a_measured_scan_only(tmp_path):
    import shutil

    from nakit.paths import data_dir
    from nakit.xrd import Instrument, stand_in_instrument_doubt
    from nakit.xrd.synthetic import INSTRUMENT
    from tests.peer import peer_file

    measured = read_xrd(peer_file("xrd", "xylib", "Cu3Au-1.raw"))
    default = Instrument(u=0.004, v=-0.002, w=0.002, x=0.02)  # notebook 01's literal default
    assert default == INSTRUMENT
    assert "instrument_uvwx is the default" in stand_in_instrument_doubt(default, measured)
    assert stand_in_instrument_doubt(Instrument(u=0.008, v=-0.004, w=0.004, x=0.03), measured) == ""
    copy = tmp_path / "mine.raw"  # a stand-in copied elsewhere is still one (known by its bytes)
    shutil.copyfile(data_dir() / "xrd" / "annealed.raw", copy)
    assert stand_in_instrument_doubt(default, read_xrd(copy)) == ""


@pytest.mark.peer
def test_a_scan_with_points_missing_says_where_and_is_not_drawn_across(tmp_path):
    """BT86 with 20-25 deg cut out was analysed and drawn as a flat line across the hole, without a word."""
    from nakit.xrd import broken_at_gaps, gaps_note, scan_gaps
    from tests.peer import peer_file

    ds = read_xrd(peer_file("xrd", "xylib", "BT86.raw"))
    x = ds.two_theta.values
    assert scan_gaps(x) == [] and gaps_note(x) == ""
    kept = (x < 20.0) | (x > 25.0)
    cut = ds.isel(two_theta=np.flatnonzero(kept))
    gaps = scan_gaps(cut.two_theta.values)
    assert len(gaps) == 1
    lo, hi = gaps[0]
    assert lo == x[kept][x[kept] < 20.0].max() and hi == x[kept][x[kept] > 25.0].min()
    assert gaps_note(cut.two_theta) == f"no points in {lo:.2f}-{hi:.2f} deg: a peak there can be neither found nor ruled out"
    assert scan_gaps(cut.two_theta.values[::-1]) == gaps  # a descending scan: the same hole
    bx, by = broken_at_gaps(cut.two_theta.values, cut.intensity.values)
    assert bx.size == cut.sizes["two_theta"] + 1 and np.isnan(bx).sum() == np.isnan(by).sum() == 1
    k = int(np.flatnonzero(np.isnan(bx))[0])
    assert bx[k - 1] == lo and bx[k + 1] == hi
    # an even scan is left as it is
    same = broken_at_gaps(x, ds.intensity.values)
    np.testing.assert_array_equal(same[0], x) and np.testing.assert_array_equal(same[1], ds.intensity.values)


@pytest.mark.peer
def test_a_whole_pattern_fit_missing_a_phase_is_flagged(tmp_path):
    """A two-phase scan fitted with one of its phases gave weight fraction 1 (Rwp 0.33), unflagged."""
    import warnings

    from nakit.errors import NakitWarning
    from nakit.xrd import fit_whole_pattern, read_cif, unexplained_note
    from nakit.xrd.scaling import RWP_POOR
    from tests.peer import peer_file

    pbso4 = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength=[1.5405, 1.5443, 0.5])
    cif = read_cif(peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        alone = fit_whole_pattern(pbso4, [cif], humps=())
        # the same scan with a second phase's lines added (Cu3Au's fcc lines, as Gaussians of the scan's width)
        x = pbso4.two_theta.values
        top = float(pbso4.intensity.max())
        extra = sum(0.6 * top * np.exp(-0.5 * ((x - c) / 0.05) ** 2) for c in (23.7, 33.8, 41.6, 48.4, 54.5, 60.2))
        mixed = fit_whole_pattern(pbso4.assign(intensity=pbso4.intensity + extra), [cif], humps=())
    assert alone.rwp < RWP_POOR and "poor_fit" not in alone.flags
    assert mixed.rwp > RWP_POOR and "poor_fit" in mixed.flags
    assert "Rwp above 0.3" in mixed.flag_details[-1]
    assert unexplained_note(0) == "" and unexplained_note(4).startswith("4 peak(s) no identified phase explains")
