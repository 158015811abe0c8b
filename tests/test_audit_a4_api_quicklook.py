"""``nakit.quicklook`` says what it was given when that is no Dataset, and reads a path itself (audit 4, finding 5).

``quicklook([iso, cyc])``, ``quicklook(path)`` and ``quicklook(array)`` all said "not a measurement Dataset
of any technique: dimensions []". Now a path is read with ``nakit.read`` and drawn (oracle: the numbers and
wavelength the file itself states), and anything else is refused naming its type and how to make a Dataset.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import nakit
from nakit.errors import FileFormatError
from tests.peer import peer_file

TAKES = r"^quicklook takes an xarray\.Dataset read by nakit\.read \(or a file's path\), got "


def test_a_path_is_read_and_drawn():
    path = peer_file("xrd", "xylib", "BT86_.UXD")
    for given in (str(path), path):
        fig = nakit.quicklook(given)
        line = fig.axes[0].lines[0]
        x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        # the file's _2THETACOUNTS start "3.000 187" and "3.016 183"; its _WL1=1.540600
        assert (x[0], y[0], x[1], y[1]) == (3.0, 187.0, 3.016, 183.0)
        assert fig.axes[0].get_xlabel() == "2θ (°), λ = 1.5406 Å"
        assert fig._suptitle.get_text().startswith("BT86_.UXD (")
        matplotlib.pyplot.close(fig)


def test_a_missing_path_is_refused_by_read_naming_it(tmp_path):
    with pytest.raises(FileFormatError, match="nowhere.xy: file not found"):
        nakit.quicklook(tmp_path / "nowhere.xy")


@pytest.mark.parametrize(("given", "kind"), [
    ([np.zeros(3)], "builtins.list"),
    (np.arange(5.0), "numpy.ndarray"),
    ({"two_theta": [1, 2]}, "builtins.dict"),
])
def test_anything_else_is_refused_saying_what_it_was(given, kind):
    with pytest.raises(TypeError, match=TAKES + kind.replace(".", r"\.") + r"; make one with nakit\.read\(path\)$"):
        nakit.quicklook(given)
