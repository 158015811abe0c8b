"""A scan from a diffractometer whose primary beam passes K-alpha1 alone (a Ge(022) channel-cut, a
Johansson crystal, a hybrid mirror) is read without the K-alpha2 line its tube states.

NOMAD's epitaxial-film BRML lists a Goebel mirror and a Ge(022) channel-cut (``Ge022ACC``,
``/Component/Optic/ChannelCut/B2``) in the primary beam, yet its ``<Tube>`` keeps ``WaveLengthRatio 0.5``.
nakit fitted a doublet the data do not have: peak at 45.796 deg, area 3118 of a raw integral of 26 567
(reduced chi-square 11 586, never shown). A K-alpha1-only fit gives 45.8186 deg, area 24 802; the raw
maximum is at 45.820 deg. A user who gave ``wavelength: 1.5406`` to get that was told to leave it out.
"""

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.xrd import fit_peaks, read_xrd
from tests.peer import peer_file

FILM = ("xrd", "nomad", "23-012-AG_2thomegascan_long.brml")


def test_a_brml_with_a_channel_cut_monochromator_is_read_ka1_only():
    ds = read_xrd(peer_file(*FILM))
    assert ds.attrs["wavelength"] == pytest.approx(1.5406)
    assert "wavelength_ka2" not in ds.attrs and ds.attrs["ka2_ratio"] == 0.0
    said = ds.attrs["instrument_ka1_monochromator"]
    assert said.startswith("Ge022ACC (/Component/Optic/ChannelCut/B2) in the primary beam: K-alpha1 only")
    assert "K-alpha2 (1.54439 angstrom, 0.5 of K-alpha1)" in said  # what the file states, and why it is dropped


def test_the_film_peak_is_fitted_where_and_as_large_as_it_is():
    ds = read_xrd(peer_file(*FILM))
    x, y = ds.two_theta.values, ds.intensity.values
    assert x[np.argmax(y)] == pytest.approx(45.820, abs=1e-3)  # the raw maximum
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        peaks = fit_peaks(ds, min_snr=5, if_none="empty")
    assert len(peaks) == 1
    peak = peaks.iloc[0]
    assert peak["two_theta"] == pytest.approx(45.8186, abs=2e-3)
    assert peak["area"] == pytest.approx(24802, rel=0.02)  # the raw integral above background is 26 567


def test_a_brml_without_a_monochromator_keeps_its_tubes_doublet():
    ds = read_xrd(peer_file("xrd", "project_chameleon", "standard.brml"))  # Ag tube, slits and Sollers only
    assert ds.attrs["wavelength_ka2"] == pytest.approx(0.5638) and ds.attrs["ka2_ratio"] == 0.5
    assert "instrument_ka1_monochromator" not in ds.attrs


def _edited(src, tmp_path, old, new):
    text = src.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / src.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_an_xrdml_incident_beam_monochromator_drops_a_stated_ka2(tmp_path):
    src = peer_file("xrd", "yadg", "210520step1_30min.xrdml")  # Johansson Ge(111), ratio written 0
    ds = read_xrd(src)
    assert ds.attrs["instrument_ka1_monochromator"].startswith("Inc. beam Johansson 1xGe111 Cu/Co in the primary beam")
    # the same file with the tube's ratio written, as files of such instruments do too
    path = _edited(src, tmp_path, "<ratioKAlpha2KAlpha1>0.0000<", "<ratioKAlpha2KAlpha1>0.5000<")
    ds = read_xrd(path)
    assert "wavelength_ka2" not in ds.attrs and ds.attrs["ka2_ratio"] == 0.0
    assert "K-alpha2 (1.54443 angstrom, 0.5 of K-alpha1)" in ds.attrs["instrument_ka1_monochromator"]


def test_an_xrdml_mirror_passes_the_doublet_a_hybrid_one_does_not(tmp_path):
    src = peer_file("xrd", "xylib", "empyrean.xrdml")  # a W/Si parabolic mirror: Kα1 and Kα2 pass
    ds = read_xrd(src)
    assert ds.attrs["wavelength_ka2"] == pytest.approx(1.544426)
    hybrid = _edited(src, tmp_path, 'hybrid="false"', 'hybrid="true"')  # mirror + Ge(220) channel-cut
    ds = read_xrd(hybrid)
    assert "wavelength_ka2" not in ds.attrs
    assert ds.attrs["instrument_ka1_monochromator"].startswith("Parallel beam X-ray mirror for Cu radiation")


def test_a_ka1_wavelength_given_for_a_monochromated_scan_is_not_scolded():
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        ds = read_xrd(peer_file(*FILM), wavelength=1.5406)
    assert "wavelength_ka2" not in ds.attrs


def test_a_doublet_given_for_a_monochromated_scan_is_warned_about():
    with pytest.warns(NakitWarning, match=r"has a K-alpha2 line .* but the file records Ge022ACC"):
        ds = read_xrd(peer_file(*FILM), wavelength="Cu")
    assert ds.attrs["wavelength_ka2"] == pytest.approx(1.54443, abs=1e-5)  # given, so used


def test_a_ka1_wavelength_for_a_doublet_file_says_how_to_name_the_line():
    with pytest.warns(NakitWarning, match=r"leaves out the K-alpha2 line .* give 'CuKa1' and this is not said"):
        read_xrd(peer_file("xrd", "xylib", "empyrean.xrdml"), wavelength=1.5406)
