"""An .xy file whose first column is Q or d (its header says so) is converted to 2theta.

It was read as 2theta: a pattern over Q = 0.5-8 1/A became a scan from 0.5 to 8 deg, and a
d-spacing column read as angles likewise. Silent wrong numbers.
"""

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.xrd import read_xrd

WL = 1.5406
TT = np.linspace(10.0, 80.0, 351)
Q = 4 * np.pi * np.sin(np.radians(TT / 2)) / WL
D = WL / (2 * np.sin(np.radians(TT / 2)))


def write(path, header, x):
    y = 100 + 5 * np.arange(x.size) % 7
    path.write_text(header + "\n" + "".join(f"{a:.10f} {b:.1f}\n" for a, b in zip(x, y)), encoding="utf-8")
    return path


@pytest.mark.parametrize("header, x", [("Q (1/A)  Intensity", Q), ("# q(nm^-1) I", 10 * Q),
                                        ("d-spacing (A), Intensity", D), ("# d (nm)  counts", D / 10)],
                         ids=["Q-per-angstrom", "q-per-nm", "d-angstrom", "d-nm"])
def test_q_and_d_columns_become_two_theta(tmp_path, header, x):
    ds = read_xrd(write(tmp_path / "p.xy", header, x), wavelength=WL)
    np.testing.assert_allclose(ds.two_theta.values, TT, rtol=1e-9)
    assert "to 2theta at 1.5406 angstrom" in ds.attrs["instrument_axis_converted"]


def test_a_two_theta_header_is_read_as_it_is(tmp_path):
    for header in ("2theta  Intensity", "# Angle (deg) counts", "Date 2026-12-06"):
        ds = read_xrd(write(tmp_path / "p.xy", header, TT), wavelength=WL)
        np.testing.assert_allclose(ds.two_theta.values, TT)
        assert "instrument_axis_converted" not in ds.attrs


def test_q_beyond_the_wavelengths_reach_is_refused(tmp_path):
    with pytest.raises(FileFormatError, match="beyond what 1.5406 angstrom reaches"):
        read_xrd(write(tmp_path / "p.xy", "Q (1/A) I", np.linspace(1.0, 12.0, 50)), wavelength=WL)
