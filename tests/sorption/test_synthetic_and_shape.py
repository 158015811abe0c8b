"""Forward model round trips, stand-in values, hysteresis and isotherm-type classification."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pytest

from nakit.datamodel import is_synthesised
from nakit.paths import data_dir
from nakit.sorption import read_isotherm
from nakit.sorption.bet import area_bet, bet_auto_raw
from nakit.sorption.bjh import psd_bjh
from nakit.sorption.hysteresis import hysteresis, hysteresis_raw, isotherm_type, isotherm_type_raw
from nakit.sorption.porevolume import total_pore_volume, total_pore_volume_raw
from nakit.sorption.synthetic import CMK3, COMPOSITE, calibrate, isotherm, pressure_points, uptake, write_paper_data
from tests.peer import peer_file


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return write_paper_data(tmp_path_factory.mktemp("sorption"))


def test_written_files_are_the_shipped_ones(written):
    for path in written:
        shipped = data_dir() / "sorption" / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(shipped.read_bytes()).digest()


@pytest.mark.parametrize("material, stem", [(CMK3, "cmk3"), (COMPOSITE, "composite")])
@pytest.mark.parametrize("suffix", [".aif", "_micromeritics.xlsx"])
def test_round_trip_through_files(written, material, stem, suffix):
    truth = isotherm(material)
    path = next(p for p in written if p.name == stem + suffix)
    back = read_isotherm(path)
    np.testing.assert_allclose(back["relative_pressure"], truth["relative_pressure"], rtol=1e-6)
    np.testing.assert_allclose(back["loading"], truth["loading"], rtol=1e-9)
    assert list(back["branch"].values) == list(truth["branch"].values)
    assert back.attrs["sample_mass_g"] == pytest.approx(0.1)
    if suffix == ".aif":
        assert is_synthesised(back)


@pytest.mark.parametrize("material, area, volume", [(CMK3, 1002, 0.91), (COMPOSITE, 80, 0.07)])
def test_noise_free_model_hits_paper_values(material, area, volume):
    pa, _ = pressure_points(material.mesopore_volume > 0)
    qa = uptake(pa, material, "adsorption")
    assert bet_auto_raw(pa, qa).area == pytest.approx(area, rel=2e-3)
    assert total_pore_volume_raw(pa, qa).volume == pytest.approx(volume, rel=2e-3)


def test_calibration_reproduces_the_shipped_parameters():
    m = calibrate(replace(CMK3, micropore_volume=0.2, mesopore_volume=0.6), 1002, 0.91)
    assert m.micropore_volume == pytest.approx(CMK3.micropore_volume, rel=1e-3)
    assert m.mesopore_volume == pytest.approx(CMK3.mesopore_volume, rel=1e-3)


def test_cmk3_stand_in_features():
    ds = read_isotherm(data_dir() / "sorption" / "cmk3.aif")
    bet = area_bet(ds)
    assert bet.ok and bet.area == pytest.approx(1002, rel=0.02)
    assert total_pore_volume(ds).volume == pytest.approx(0.91, rel=0.03)
    psd = psd_bjh(ds, "desorption")
    assert psd.attrs["peak_diameter"] == pytest.approx(CMK3.pore_diameter, abs=0.2)
    loop = hysteresis(ds)
    assert loop.present and loop.loop_type == "H1"
    assert 0.4 < loop.closure_p < 0.55
    assert isotherm_type(ds, loop).type == "IV"


def test_composite_stand_in_has_no_loop():
    ds = read_isotherm(data_dir() / "sorption" / "composite_micromeritics.xlsx")
    assert not hysteresis(ds).present
    assert area_bet(ds).area == pytest.approx(80, rel=0.05)


@pytest.mark.parametrize("name, kind", [
    (("micromeritics", "Sample_A.xls"), "IV"),          # "type IV isotherm with hysteresis" (peer README)
    (("pygaps", "MCM-41 N2 77K.json"), "IV"),
    (("pygaps", "UiO-66(Zr) N2 77K.json"), "I"),
    (("betsi", "HKUST-1.csv"), "I"),
    (("betsi", "Zeolite-13X.csv"), "I"),
    (("betsi", "UiO-66.csv"), "I"),                     # micropores + external surface: I with a type II rise
    (("pygaps", "NaY N2 77K.json"), "I"),
    (("pygaps", "Takeda 5A N2 77K.json"), "I"),         # carbon molecular sieve
    (("betsi", "MCM-41.csv"), "IV"),                    # reversible step near p/p0 0.35, adsorption branch only
    (("pygaps", "stdiso", "Cabot BP280 carbon black.csv"), "II"),  # non-porous reference
    (("pygaps", "stdiso", "LiChrospher Si-1000 silica.csv"), "II"),
])
def test_isotherm_type_of_peer_files(name, kind):
    ds = read_isotherm(peer_file("sorption", *name))
    t = isotherm_type(ds)
    assert t.type == kind, t.reason
    assert t.reason and t.confidence in ("high", "medium", "low")


def test_sample_a_loop(sample_a):
    loop = hysteresis(sample_a)
    assert loop.present and loop.loop_type == "H1"
    assert loop.closure_p == pytest.approx(0.70, abs=0.02)


def test_low_pressure_hysteresis_is_not_given_an_h_type(sample_d):
    loop = hysteresis(sample_d)
    assert loop.present and loop.loop_type is None and "low-pressure" in loop.reason


def stepwise(p, centres=(0.12, 0.42, 0.72), width=0.012):
    """Layer-by-layer steps (type VI): one sigmoid per layer on a small linear background."""
    return 5 * p + sum(100 / (1 + np.exp(-(p - c) / width)) for c in centres)


@pytest.mark.parametrize("centres, confidence", [((0.12, 0.42, 0.72), "medium"), ((0.1, 0.3, 0.5, 0.7), "high")])
def test_type_vi_needs_three_reversible_steps(centres, confidence):
    p = np.linspace(0.01, 0.95, 120)
    q = stepwise(p, centres)
    t = isotherm_type_raw(p, q, hysteresis_raw(p, q, p, q))
    assert t.type == "VI" and t.confidence == confidence and t.features["steps"] == len(centres), t.reason
    assert isotherm_type_raw(p, stepwise(p, centres[:2])).type != "VI"  # two steps: micropores + condensation also do that


def _gab(p, c=50.0, k=0.9):
    return 100 * c * k * p / ((1 - k * p) * (1 - k * p + c * k * p))


def test_h2_and_h3_shapes():
    p = np.linspace(0.05, 0.99, 60)
    # H3: no plateau, loop closing at 0.45
    q_ads = _gab(p, k=1.0)  # BET: rises without limit towards saturation
    q_des = q_ads * (1 + 0.5 * np.clip((p - 0.45) / 0.4, 0, 1) * np.clip((0.99 - p) / 0.05, 0, 1))
    h3 = hysteresis_raw(p, q_ads, p, q_des)
    assert h3.loop_type == "H3"
    # H2: plateau, gradual filling, abrupt emptying at 0.45
    fill = 300 / (1 + np.exp(-(p - 0.7) / 0.05))
    empty = 300 / (1 + np.exp(-(p - 0.46) / 0.004))
    plateau = 100 + np.minimum(fill, 300)
    h2 = hysteresis_raw(p, plateau, p, 100 + np.maximum(empty, fill))
    assert h2.loop_type == "H2", h2.reason


def _sigmoid(p, centre, width):
    return 1 / (1 + np.exp(-(p - centre) / width))


P_SHAPES = np.linspace(0.01, 0.99, 80)


def test_h4_micropores_and_an_open_loop():
    p = P_SHAPES
    q_ads = 300 * 5000 * p / (1 + 5000 * p) + _gab(p, k=0.9) * 0.3  # Langmuir micropores + finite multilayer
    q_des = q_ads * (1 + 0.15 * np.clip((p - 0.45) / 0.4, 0, 1) * np.clip((0.99 - p) / 0.05, 0, 1))
    loop = hysteresis_raw(p, q_ads, p, q_des)
    # the gap opens linearly from 0.45; closure is where it first exceeds 2 % of the top uptake
    gap = (q_des - q_ads) / q_ads.max()
    assert loop.loop_type == "H4" and loop.closure_p == pytest.approx(p[np.argmax(gap > 0.02)], abs=1e-12), loop.reason
    assert isotherm_type_raw(p, q_ads, loop).type == "I"  # IUPAC: H4 goes with a type I + II composite


def test_h5_two_desorption_steps():
    p = P_SHAPES
    q_ads = 100 + 300 * _sigmoid(p, 0.68, 0.04)
    q_des = np.maximum(q_ads, 100 + 150 * _sigmoid(p, 0.70, 0.005) + 150 * _sigmoid(p, 0.47, 0.005))
    assert hysteresis_raw(p, q_ads, p, q_des).loop_type == "H5"


def test_convex_isotherms_are_iii_without_and_v_with_a_loop():
    p = P_SHAPES
    q3 = _gab(p, c=0.5, k=0.95)
    assert isotherm_type_raw(p, q3, hysteresis_raw(p, q3, p, q3)).type == "III"
    base = _gab(p, c=0.5, k=0.6) * 0.3
    q_ads = 300 * _sigmoid(p, 0.6, 0.03) + base
    q_des = np.maximum(q_ads, 300 * _sigmoid(p, 0.45, 0.01) + base)
    assert isotherm_type_raw(p, q_ads, hysteresis_raw(p, q_ads, p, q_des)).type == "V"


def test_reversible_step_is_iv_b():
    p = P_SHAPES
    q = _gab(p, c=100, k=0.6) + 300 * _sigmoid(p, 0.35, 0.02)
    t = isotherm_type_raw(p, q, hysteresis_raw(p, q, p, q))
    assert t.type == "IV" and "IV(b)" in t.reason
