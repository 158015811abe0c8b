import numpy as np
import pytest

from nakit.errors import FileFormatError, MissingDependencyError, NakitError, ParameterError, require
from nakit.validation import as_float_array, in_range, same_length, sorted_by


def test_file_format_error_names_path_line_and_field():
    err = FileFormatError("data/x.raw", "expected 4 columns", line=12, field="counts")
    assert str(err) == "data/x.raw, line 12, field 'counts': expected 4 columns"
    assert isinstance(err, NakitError) and isinstance(err, ValueError)
    assert (err.path, err.line, err.field) == ("data/x.raw", 12, "counts")


def test_require_names_the_extra():
    with pytest.raises(MissingDependencyError, match=r"pip install 'nakit\[readers\]'"):
        require("no_such_module_nakit", "readers", "reading .mpr files")


def test_as_float_array_copies_and_validates():
    src = [1, 2, 3]
    arr = as_float_array(src, "x")
    arr[0] = 99
    assert src == [1, 2, 3]
    with pytest.raises(ParameterError, match="x: 1 non-finite value.*index 1"):
        as_float_array([1, np.nan, 2], "x")
    with pytest.raises(ParameterError, match="expected numbers"):
        as_float_array(["a", "b"], "x")
    with pytest.raises(ParameterError, match="at least 3"):
        as_float_array([1.0], "x", min_size=3)


def test_same_length_and_sorting():
    with pytest.raises(ParameterError, match="x=2, y=3"):
        same_length(x=np.zeros(2), y=np.zeros(3))
    xs, ys = sorted_by(np.array([3.0, 1.0, 2.0]), np.array([30.0, 10.0, 20.0]))
    assert xs.tolist() == [1, 2, 3] and ys.tolist() == [10, 20, 30]
    with pytest.raises(ParameterError, match="repeated"):
        sorted_by(np.array([1.0, 1.0]))
    # the fast paths: ascending and descending input, 2-D companions sorted along their last axis
    xs, ys = sorted_by(np.array([3.0, 2.0, 1.0]), np.array([[30.0, 20.0, 10.0], [3.0, 2.0, 1.0]]))
    assert xs.tolist() == [1, 2, 3] and ys.tolist() == [[10, 20, 30], [1, 2, 3]]
    xs, ys = sorted_by(np.array([1.0, 2.0]), np.array([5.0, 6.0]))
    assert xs.tolist() == [1, 2] and ys.tolist() == [5, 6]
    with pytest.raises(ParameterError, match="repeated"):
        sorted_by(np.array([3.0, 2.0, 2.0]))


def test_in_range():
    assert in_range("0.5", "p", 0, 1) == 0.5
    with pytest.raises(ParameterError, match=r"^p: must be at most 1, got 2\.0$"):
        in_range(2, "p", 0, 1)
    with pytest.raises(ParameterError, match=r"^p: must be at least 0\.5, got 0\.25$"):
        in_range(0.25, "p", 0.5, 1)


@pytest.mark.parametrize("value, lo, hi, inclusive, message", [
    (0, 0, 1, (False, True), "p: must be above 0, got 0.0"),
    (-1, 0, None, (False, True), "p: must be above 0, got -1.0"),
    (1, 0, 1, (True, False), "p: must be below 1, got 1.0"),
    (1.5, 0, 1, (False, False), "p: must be below 1, got 1.5"),
])
def test_in_range_open_bound_is_stated_as_the_rule(value, lo, hi, inclusive, message):
    # 0.0 at an open minimum 0 is not "below the allowed minimum 0": the audit's first zero mass/resistance
    with pytest.raises(ParameterError) as err:
        in_range(value, "p", lo, hi, inclusive=inclusive)
    assert str(err.value) == message


def test_ionic_conductivity_zero_resistance_says_must_be_above_zero():
    from nakit import eis

    with pytest.raises(ParameterError, match=r"^resistance: must be above 0, got 0\.0$"):
        eis.ionic_conductivity(0, 10, thickness_mm=1)
    with pytest.raises(ParameterError, match=r"^diameter_mm: must be above 0, got 0\.0$"):
        eis.ionic_conductivity(100, 0, thickness_mm=1)
