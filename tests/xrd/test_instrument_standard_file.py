"""Notebook 01 fits the instrument profile to a line-profile standard's scan it is given
(``instrument_standard_file``), U, V, W, X and Y, instead of a profile typed in by hand."""

import csv
import warnings

import pytest

from nakit import report
from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.peer import peer_file

LAB6 = ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")


@pytest.mark.notebooks
def test_the_profile_is_fitted_to_the_standards_peaks(tmp_path):
    from nakit.runner import execute
    from nakit.xrd import fit_peaks, identify_phases, instrument_from_standard, read_xrd, reference, williamson_hall

    path = peer_file(*LAB6)
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "out",
                     {"samples": [{"label": "LaB6", "file": str(path), "wavelength": "Cu"}],
                      "candidate_phases": ["LaB6_Pm-3m"], "instrument_standard_file": str(path),
                      "instrument_standard_wavelength": "Cu"})
    assert result.ok, result.error
    with warnings.catch_warnings():  # the same steps by hand: the standard's LaB6 peaks, their profile
        warnings.simplefilter("ignore", NakitWarning)
        ds = read_xrd(path, wavelength="Cu")
        peaks = fit_peaks(ds, min_snr=5.0, if_none="empty")
        ids = identify_phases(peaks, ds.attrs["wavelength"], [reference("LaB6_Pm-3m")], tolerance=0.12)
        lab6 = peaks[(ids.assignments["phase"] == "LaB6_Pm-3m").values]
        inst = instrument_from_standard(lab6["two_theta"], lab6["fwhm"], lab6["eta"])
        wh = williamson_hall(lab6, ds.attrs["wavelength"], inst, k=0.9)
    assert inst.y > 0.02  # the tan(theta) Lorentzian term a four-value instrument_uvwx had no place for
    text = result.executed.read_text(encoding="utf-8")
    # the phase and file names escaped for markdown (mdtext.literal), rendering as written
    assert (f"Instrument profile fitted to {len(lab6)} LaB6\\\\_Pm-3m peaks of LaB6\\\\_d500\\\\_si\\\\_psd.xye.bz2" in text
            and f"X {inst.x:.3g}, Y {inst.y:.3g} deg." in text)
    with open(tmp_path / "out" / "results" / "crystallite_size.csv", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["W-H strain"] == report.fmt(wh.strain, wh.strain_sigma)
    assert "instrument_uvwx is the default" not in row["flags"]  # a measured profile, not the stand-ins'


@pytest.mark.notebooks
def test_a_standard_whose_phase_has_too_few_peaks_is_refused_naming_it(tmp_path):
    from nakit.runner import execute

    path = peer_file(*LAB6)
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "out",
                     {"samples": [{"label": "LaB6", "file": str(path), "wavelength": "Cu"}],
                      "candidate_phases": ["LaB6_Pm-3m"], "instrument_standard_file": str(path),
                      "instrument_standard_phase": "Cu3Au_Pm-3m", "instrument_standard_wavelength": "Cu"})
    assert not result.ok
    assert "instrument_standard_file" in result.error and "Cu3Au_Pm-3m's" in result.error
    assert "the instrument profile needs at least 4" in result.error
