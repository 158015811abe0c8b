"""A scan nakit cannot fit, among others in notebook 01: said for that scan, the others analysed.

NOMAD's TwoTheta_scan_scrambled.raw holds scrambled intensities (noise, a third of them below zero):
by the Poisson test it is "peak" at every point (now refused as noise before anything is fitted:
its points scatter far more than counts would, each unrelated to the next). Its background was fitted to zero points and
returned without a flag (lmfit's warnings leaking into the report), and its peak fit failed to
converge, which failed notebook 01 for every sample with "peak fit at [np.float64(13.53...),
...] deg did not converge".
"""

import csv

import pytest

from nakit.errors import FitError
from nakit.paths import notebooks_dir
from tests.peer import peer_file

SCRAMBLED = ("xrd", "nomad", "TwoTheta_scan_scrambled.raw")
GOOD = ("xrd", "xylib", "Cu3Au-1.raw")


def test_a_scan_of_noise_is_refused_naming_the_file():
    """Scrambled values scatter ~700 times as counts would, each unrelated to the next: no pattern.
    Said by the background fit and the peak fit alike, before either fits anything."""
    from nakit.xrd import fit_background, fit_peaks, read_xrd

    path = peer_file(*SCRAMBLED)
    for fit in (lambda ds: fit_background(ds, humps=()), fit_peaks):
        with pytest.raises(FitError) as err:
            fit(read_xrd(path))
        text = str(err.value)
        assert text.startswith(f"{path}: its points scatter 7.1e+02 times (in variance) as counting would and each "
                               "is unrelated to the next (lag-1 correlation 0.02): noise or scrambled values")


def test_a_background_fit_on_no_points_is_refused():
    """A scan in counts whose peaks, widened by 0.3 deg, leave no point of background."""
    import numpy as np

    from nakit.xrd import fit_background_raw

    x = np.arange(10, 40, 0.02)
    comb = sum(5000 * np.exp(-0.5 * ((x - c) / 0.03) ** 2) for c in np.arange(10.1, 40, 0.25))
    y = np.random.default_rng(3).poisson(100 + comb).astype(float)
    with pytest.raises(FitError, match=r"only 0 of 1500 points lie outside the Bragg peaks found, too few for the "
                                        r"background's \d+ parameters"):
        fit_background_raw(x, y, humps=())


def test_a_peak_fit_that_does_not_converge_names_the_file_and_the_positions(monkeypatch):
    """Every group failing fails the call (one failing among others is left out: tests/xrd/test_klines.py)."""
    from types import SimpleNamespace

    from nakit.xrd import fit_peaks, peaks, read_xrd

    monkeypatch.setattr(peaks, "_least_squares_trf", lambda *a: SimpleNamespace(success=False, message="stalled"))
    path = peer_file(*GOOD)
    with pytest.raises(FitError) as err:
        fit_peaks(read_xrd(path), positions=[41.48, 48.24])
    text = str(err.value)
    assert text.startswith(f"{path}: the fit of the peak(s) at 41.480° 2θ did not converge: stalled")
    assert "np.float64" not in text


@pytest.mark.notebooks
def test_notebook01_reports_the_unfittable_scan_and_analyses_the_other(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "Scrambled", "file": str(peer_file(*SCRAMBLED))},
               {"label": "Film A", "file": str(peer_file(*GOOD)), "wavelength": "Cu"}]
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "both",
                     {"samples": samples, "candidate_phases": ["Cu3Au_Pm-3m"], "tolerance_deg": 0.2})
    assert result.ok, result.error
    alone = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "alone",
                    {"samples": samples[1:], "candidate_phases": ["Cu3Au_Pm-3m"], "tolerance_deg": 0.2})
    assert alone.ok, alone.error
    text = result.executed.read_text(encoding="utf-8")
    assert "Scrambled: no background fit, so no amorphous humps" in text
    assert "peak fit failed" in text and "RuntimeWarning" not in text
    with open(tmp_path / "both" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh)]
    scrambled = {r["key"]: r for r in rows if r["sample"] == "Scrambled"}
    assert "peak fit failed" in scrambled["phases_present"]["flags"]
    assert "noise or scrambled values" in scrambled["phases_present"]["flags"]  # the fit's error kept with the flag
    # said in full once; the later places that say the scan has no peaks say it short, not with the path again
    assert "**Scrambled**: no indexed peaks (peak fit failed: nothing to identify or index)" in text
    assert text.count("each is unrelated to the next") <= 4  # the background's and the peak fit's, + the flags
    # how many peaks no phase explains is not known, not 0
    assert scrambled["unexplained_peaks"]["value"] == "" and "not known" in scrambled["unexplained_peaks"]["note"]
    # Film A's results are those of a run without the scrambled scan
    with open(tmp_path / "alone" / "results" / "headline.csv", encoding="utf-8") as fh:
        film_alone = [r for r in csv.DictReader(fh)]
    assert [r for r in rows if r["sample"] == "Film A"] == film_alone


def test_a_hump_outside_the_scan_is_refused_naming_the_file_and_the_range(tmp_path):
    """The default kapton hump (17 deg) on a scan above 20 deg gave lmfit's bare "Parameter 'kapton_center'
    has min == max"; a 20-point scan's undetermined correlations leaked numpy's RuntimeWarning."""
    import warnings

    import numpy as np

    from nakit.errors import ParameterError
    from nakit.xrd import fit_background, read_xrd

    x = np.linspace(28, 31.8, 20)  # 0.2-deg steps: the coarsest fitted
    path = tmp_path / "short.xy"
    path.write_text("".join(f"{a:.3f} {100 + 1000 * np.exp(-((a - 30) / 0.5) ** 2):.1f}\n" for a in x), encoding="utf-8")
    ds = read_xrd(path, wavelength="Cu")
    with pytest.raises(ParameterError, match=r"short\.xy: hump 'kapton' \(centre 17 ± 3 deg\) lies outside the scan "
                                             r"\(28-31.8 deg\)"):
        fit_background(ds)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fit = fit_background(ds, humps=())
    assert np.isfinite(fit.model).all() and fit.humps == {}


@pytest.mark.parametrize("every, span, said", [
    (60, None, r"the scan steps by 1 deg, wider than a Bragg peak \(0.05-0.5 deg at half height\)"),
    (1, (38.42, 38.62), r"the scan spans only 0.184 deg \(38.4309-38.6147, 12 points\): too narrow to tell Bragg "
                       r"peaks from the background under them \(at least 2 deg\)"),
])
def test_a_scan_too_coarse_or_too_narrow_is_refused_not_crashed(tmp_path, every, span, said):
    """yadg's scan taken every 60th point (1-deg steps) read as noise, its peaks falling between
    points; a 0.18-deg slice of it failed the background fit with numpy's "boolean index did not
    match" (the 0.6-deg peak mask outgrew the scan)."""
    import warnings

    import numpy as np

    from nakit.xrd import fit_background, fit_peaks, read_xrd

    table = np.loadtxt(peer_file("xrd", "yadg", "210520step1_30min.xy"))[::every]
    if span is not None:
        table = table[(table[:, 0] > span[0]) & (table[:, 0] < span[1])]
    path = tmp_path / "cut.xy"
    np.savetxt(path, table, fmt="%.4f")
    ds = read_xrd(path, wavelength="Cu")
    with pytest.raises(FitError, match=said):
        fit_background(ds, humps=())
    if every > 1:
        with pytest.raises(FitError, match=said):
            fit_peaks(ds)
    else:
        with warnings.catch_warnings():  # pybaselines' "max_half_window ... no effect" no more
            warnings.simplefilter("error")
            from nakit.xrd.background import snip_background
            assert snip_background(ds.two_theta.values, ds.intensity.values).shape == (12,)
