"""Natural wrong argument types in nakit.raman are accepted where the meaning is plain, refused in nakit's
words where it is not (new-user audit A3 #13).

Before: ``fit_bands(ds, ["D", "G"])`` and ``fit_bands(ds, [1340, 1590])`` ended in "AttributeError: 'str'
('int') object has no attribute 'center_bounds'", ``correct_baseline(ds, "arpls")`` in "'str' object has
no attribute 'method'", ``assign([1340, 1590, 520])`` / ``assign(1590)`` in Python TypeErrors. Now a
band-library species name is a band list item as in notebook 03's ``bands``, a pybaselines method name a
baseline, a list of positions (or one) an assignment's input; the rest is refused saying what is expected.
"""

import warnings

import numpy as np
import pytest

from nakit.errors import ParameterError
from nakit.raman import (assign, correct_baseline, fit_bands, fit_map, library_bands, read_raman)
from nakit.raman.baseline import WINDOWS, BaselineSpec
from nakit.raman.synthetic import write_labspec

HEAD = {"AxisType[0]": "Intens", "AxisUnit[0]": "Cnt", "AxisType[1]": "Spectr", "AxisUnit[1]": "1/cm"}
EXPECTED = "bands: a sequence of nakit.raman.Band or band-library species names, got "


def lorentz(x, c, w, h):
    return h / (1 + ((x - c) / (w / 2)) ** 2)


@pytest.fixture(scope="module")
def carbon(tmp_path_factory):
    """D at 1340 (FWHM 60) and G at 1590 cm-1 (FWHM 40), noise-free, on a flat background."""
    x = np.arange(800.0, 2000.0, 1.0)
    y = 20 + lorentz(x, 1340, 60, 300.0) + lorentz(x, 1590, 40, 1000.0)
    return read_raman(write_labspec(tmp_path_factory.mktemp("wt") / "c.txt", x, y, HEAD))


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def test_library_names_are_bands_as_in_notebook_03(carbon):
    named = quiet(fit_bands, carbon, ["carbon D1", "carbon G"])
    given = quiet(fit_bands, carbon, library_bands("carbon D1") + library_bands("carbon G"))
    assert list(named.table["band"]) == ["carbon D1", "carbon G"]
    assert named.row("carbon G")["center"] == pytest.approx(1590.0, abs=0.05)
    assert named.row("carbon D1")["center"] == pytest.approx(1340.0, abs=0.05)
    assert named.row("carbon G")["fwhm"] == pytest.approx(40.0, abs=0.1)
    np.testing.assert_allclose(named.table["center"], given.table["center"])
    m = quiet(fit_map, carbon.expand_dims(y=[0.0, 1.0]), ["carbon G"], window=(1500, 1700), background="constant")
    np.testing.assert_allclose(m["carbon_g_center"].values, 1590.0, atol=0.5)


@pytest.mark.parametrize(("bands", "words"), [
    (["D", "G"], EXPECTED + "str 'D': no such species in the band library (did you mean 'carbon D1'?); it has "),
    (["carbon D1", "G"], EXPECTED + "str 'G': no such species in the band library (did you mean 'carbon G'?)"),
    ([1340, 1590], EXPECTED + "int 1340 (a band of your own at 1340 cm-1: Band('b1340', 1340), "),
    (1340, EXPECTED + "int 1340 (a band of your own"),
    ([{"name": "G", "center": 1590}], EXPECTED + "dict {'name': 'G', 'center': 1590}"),
])
def test_other_band_lists_are_refused_saying_what_is_expected(carbon, bands, words):
    with pytest.raises(ParameterError) as exc:
        quiet(fit_bands, carbon, bands)
    assert str(exc.value).startswith(words)


def test_a_baseline_method_name_is_the_windows_spec(carbon):
    by_name = correct_baseline(carbon, "poly")  # the carbon window's: order 1, bands masked
    by_spec = correct_baseline(carbon, WINDOWS["carbon"][0])
    np.testing.assert_array_equal(by_name["intensity"].values, by_spec["intensity"].values)
    assert by_name.attrs["baseline"] == WINDOWS["carbon"][0].describe()
    # a flat 20 counts under the bands' Lorentzian wings (2-5 counts outside the masked 1000-1750 cm-1; a line)
    under = [20 + lorentz(v, 1340, 60, 300) + lorentz(v, 1590, 40, 1000) for v in (900.0, 1900.0)]
    np.testing.assert_allclose(by_name["baseline"].sel(raman_shift=[900.0, 1900.0]).values, under, atol=2.5)
    other = correct_baseline(carbon, "asls")  # listed under no window of this range: pybaselines' defaults
    assert other.attrs["baseline"] == BaselineSpec("asls").describe()


@pytest.mark.parametrize(("spec", "words"), [
    ("arpl", "spec: pybaselines has no baseline method 'arpl' (did you mean 'arpls'?)"),
    (3, "spec: expected a BaselineSpec or a pybaselines method name (arpls, asls, modpoly, poly, ...), got int 3"),
])
def test_other_baselines_are_refused(carbon, spec, words):
    with pytest.raises(ParameterError) as exc:
        correct_baseline(carbon, spec)
    assert str(exc.value).startswith(words)


def test_a_list_of_positions_or_one_is_assigned():
    table = quiet(assign, [1340, 1590, 520], carbon=True)
    assert list(table["label"]) == ["1340", "1590", "520"]
    assert list(table["assignment"]) == ["carbon D1", "carbon G", "unassigned"]
    one = quiet(assign, 1590.0, carbon=True)
    assert list(one["label"]) == ["1590"] and list(one["assignment"]) == ["carbon G"]
    labelled = quiet(assign, {"G": 1590.0}, carbon=True)
    assert list(labelled["label"]) == ["G"] and list(labelled["assignment"]) == ["carbon G"]


@pytest.mark.parametrize(("positions", "words"), [
    ("1590", "positions: a mapping label -> position (cm-1), a list of positions or one position; got the string '1590'"),
    ({"G": "x"}, "positions['G']: expected a position in cm-1, got str 'x'"),
])
def test_other_positions_are_refused(positions, words):
    with pytest.raises(ParameterError) as exc:
        assign(positions, carbon=True)
    assert str(exc.value).startswith(words)
