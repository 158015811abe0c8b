"""The Raman functions that pass keywords on refuse a wrong name in nakit's words.

``raman.carbon_analysis(ds, laser=633)`` said "TypeError: carbon_analysis_raw() got an unexpected keyword
argument 'laser'" (new-user audit A3 #12): a function the user never called, and no accepted name. Now
every ``**kwargs`` pass-through of nakit.raman (carbon_analysis, silicon_offset, despike, fit_map) names
the function called, the closest accepted name (or nakit's for another tool's: laser -> laser_wavelength)
and all of them; a right name still reaches the same number.
"""

import warnings

import numpy as np
import pytest

from nakit.errors import ParameterError
from nakit.raman import carbon_analysis, carbon_analysis_raw, despike, fit_map, read_raman, silicon_offset
from nakit.raman.carbon import CANCADO_COEFF
from nakit.raman.synthetic import write_labspec

HEAD = {"AxisType[0]": "Intens", "AxisUnit[0]": "Cnt", "AxisType[1]": "Spectr", "AxisUnit[1]": "1/cm"}


@pytest.fixture(scope="module")
def carbon():
    x = np.arange(800.0, 2000.0, 2.0)
    lor = lambda c, w, h: h / (1 + ((x - c) / (w / 2)) ** 2)  # noqa: E731
    y = 50 + lor(1340, 60, 300.0) + lor(1590, 40, 1000.0) + np.random.default_rng(5).normal(0, 3, x.size)
    return x, y


@pytest.fixture(scope="module")
def ds(carbon, tmp_path_factory):
    return read_raman(write_labspec(tmp_path_factory.mktemp("pt") / "carbon.txt", *carbon, HEAD))


@pytest.mark.parametrize(("call", "words"), [
    (lambda ds: carbon_analysis(ds, laser=633),
     r"^carbon_analysis: unknown argument 'laser' \(did you mean 'laser_wavelength'\?\); it takes: laser_wavelength, "
     "model, window$"),
    (lambda ds: carbon_analysis(ds, excitation=633), r"^carbon_analysis: unknown argument 'excitation' \(did you mean "
     r"'laser_wavelength'\?\)"),
    (lambda ds: carbon_analysis(ds, models="2-band"), r"^carbon_analysis: unknown argument 'models' \(did you mean 'model'\?\)"),
    (lambda ds: silicon_offset(ds, ref=520.7), r"^silicon_offset: unknown argument 'ref'; it takes: reference, search$"),
    (lambda ds: despike(ds, thresh=5), r"^despike: unknown argument 'thresh' \(did you mean 'threshold'\?\); it takes: "
     "max_width, threshold$"),
    (lambda ds: fit_map(ds, [], maxiter=5), r"^fit_map: unknown argument 'maxiter' \(did you mean 'max_iter'\?\); it "
     "takes: background, chunk, max_iter, tol, window$"),
])
def test_a_wrong_keyword_names_the_function_called(ds, call, words):
    with pytest.raises(ParameterError, match=words) as exc:
        call(ds)
    assert "_raw" not in str(exc.value)


def test_a_right_keyword_reaches_the_same_number(ds):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = carbon_analysis(ds, laser_wavelength=633, model="2-band")
        direct = carbon_analysis_raw(ds.raman_shift.values, ds.intensity.values, laser_wavelength=633, model="2-band")
    assert ours.model == "2-band" and ours.laser_wavelength_nm == 633
    assert ours.la_nm == direct.la_nm == pytest.approx(CANCADO_COEFF * 633.0 ** 4 / ours.ad_ag)
    # the fixture's forward model: D 300 high, 60 wide; G 1000 high, 40 wide (Lorentzians)
    assert ours.id_ig == pytest.approx(300 / 1000, abs=0.005) and ours.ad_ag == pytest.approx(300 * 60 / (1000 * 40), abs=0.01)
    assert despike(ds, threshold=8, max_width=2).attrs["despike"].endswith("{'threshold': 8, 'max_width': 2}; 0 points replaced")
