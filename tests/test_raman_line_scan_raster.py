"""A line scan (one row or one column of positions) and a .wdf map are checked against their raster.

A text map that is a raster but for one copied, appended or deleted row was refused at that line
(tests/test_raman_reader_grid.py), but only where two x and two y values are shared: a line scan of
6 positions along x with a row copied read as 7 unrelated spectra, and .wdf stage positions were
never checked (a copied ORGN entry turned a 3 x 2 map into a 6-spectrum point list).
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.errors import InvalidDataError
from nakit.raman.readers import read_raman
from tests.raman.test_formats_readers import make_wdf

HEAD = "#Laser=\t532nm\r\n#AxisUnit[0]=\tCnt\r\n\t\t500\t600\t700\r\n"
FIRST = 4  # the file line of the first spectrum


def labspec_map(tmp_path, positions, name="scan.txt"):
    rows = "".join(f"{x:g}\t{y:g}\t{10 + k}\t{20 + k}\t{30 + k}\r\n" for k, (x, y) in enumerate(positions))
    path = tmp_path / name
    path.write_bytes((HEAD + rows).encode("latin-1"))
    return path


ROW = [(float(x), 2.0) for x in range(0, 12, 2)]  # 6 positions along x at y = 2, steps of 2 um


def refused(path, line, *words, field="position"):
    with pytest.raises(InvalidDataError) as info:
        read_raman(path)
    assert info.value.line == line and info.value.field == field, str(info.value)
    for word in words:
        assert word in str(info.value), str(info.value)


def test_an_intact_line_scan_reads_as_one_row(tmp_path):
    ds = read_raman(labspec_map(tmp_path, ROW))
    assert ds.intensity.dims == ("y", "x", "raman_shift") and ds.intensity.shape[:2] == (1, 6)


def test_a_copied_row_of_a_line_scan_is_refused_at_the_copy(tmp_path):
    positions = ROW[:3] + [ROW[2]] + ROW[3:]  # the third spectrum's row copied below it (was: 7 points)
    refused(labspec_map(tmp_path, positions), FIRST + 3, "(4, 2) repeats the position of line 6",
            "line scan of 6 positions along x at y 2 (x 0 to 10 in steps of 2)")


def test_a_column_scan_with_an_appended_row_or_a_deleted_one_is_refused(tmp_path):
    column = [(5.0, float(y)) for y in range(0, 7)]
    refused(labspec_map(tmp_path, column + [(9999.0, 9999.0)], "appended.txt"), FIRST + 7,
            "(9999, 9999) lies off the line scan of 7 positions along y at x 5 (y 0 to 6 in steps of 1)")
    refused(labspec_map(tmp_path, column[:3] + column[4:], "deleted.txt"), FIRST + 3,
            "6 of the 7 positions", "no spectrum at (5, 3)")


def test_point_lists_and_series_still_read(tmp_path):
    chosen = [(0.0, 2.0), (3.0, 2.0), (4.0, 2.0), (9.0, 2.0), (1.0, 7.0)]  # on one row, but not stepped
    assert read_raman(labspec_map(tmp_path, chosen, "chosen.txt")).intensity.dims == ("point", "raman_shift")
    few = [(0.0, 2.0), (2.0, 2.0), (4.0, 2.0), (4.0, 2.0)]  # three positions are no evident scan
    assert read_raman(labspec_map(tmp_path, few, "few.txt")).intensity.dims == ("point", "raman_shift")
    series = [(1.0, 1.0)] * 5  # a time series at one position
    assert read_raman(labspec_map(tmp_path, series, "series.txt")).intensity.dims == ("point", "raman_shift")


SHIFT = np.linspace(2000.0, 200.0, 50)


def wdf(tmp_path, xpos, ypos, *, capacity=None, name="map.wdf"):
    spectra = np.arange(len(xpos))[:, None] * 10.0 + np.linspace(1, 2, SHIFT.size)[None, :]
    path = tmp_path / name
    path.write_bytes(make_wdf(SHIFT, spectra, xpos=xpos, ypos=ypos, capacity=capacity, measurement=3))
    return path


@pytest.fixture
def wire():
    return pytest.importorskip("renishawWiRE", reason="renishawWiRE (the 'readers' extra) is not installed")


def test_wdf_map_positions_are_checked_against_their_raster(tmp_path, wire):
    xs, ys = [0.0, 1.0, 2.0, 3.0] * 3, [0.0] * 4 + [1.0] * 4 + [2.0] * 4
    ds = read_raman(wdf(tmp_path, xs, ys))
    assert ds.intensity.dims == ("y", "x", "raman_shift") and ds.intensity.shape[:2] == (3, 4)
    copied = wdf(tmp_path, xs[:5] + [xs[4]] + xs[6:], ys, name="copied.wdf")  # (1, 1) became (0, 1) again
    refused(copied, None, "spectrum 6 at (0, 1) repeats the position of spectrum 5", "4 x 3 raster", field="ORGN")
    edited = wdf(tmp_path, xs[:11] + [3.5], ys, name="edited.wdf")
    refused(edited, None, "spectrum 12 at (3.5, 2) lies off the 4 x 3 raster", "such as (3, 2)", field="ORGN")
    line = wdf(tmp_path, [0.0, 1.5, 3.0, 4.5, 4.5], [2.0] * 5, name="line.wdf")
    refused(line, None, "spectrum 5 at (4.5, 2) repeats the position of spectrum 4", "line scan of 4", field="ORGN")


def test_an_unfinished_wdf_map_reads_with_its_positions(tmp_path, wire):
    # planned 3 x 3, stopped after 7: its last row holds one position, which is no damage
    xs, ys = [0.0, 1.0, 2.0] * 2 + [0.0], [0.0] * 3 + [1.0] * 3 + [2.0]
    ds = read_raman(wdf(tmp_path, xs, ys, capacity=9))
    assert ds.intensity.dims == ("point", "raman_shift") and ds.intensity.shape[0] == 7
    assert ds.attrs["instrument_complete"].startswith("no")
    repeated = wdf(tmp_path, xs[:6] + [2.0], ys[:6] + [1.0], capacity=9, name="repeated.wdf")
    refused(repeated, None, "spectrum 7 at (2, 1) repeats the position of spectrum 6", field="ORGN")
