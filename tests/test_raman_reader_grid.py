"""A Raman map whose positions are a raster but for one is refused at that line, not read as a point list.

Built from the shipped LabSpec map stand-in data/raman/annealed_map.txt (a 6 x 5 raster, x 0-10 and
y 0-8 um in steps of 2; its data start at line 19) and a WiRE export of the same spectra. Before,
a copied row, an appended '9999' row, an edited coordinate or a deleted row turned the 30-position
map into a 29-31 spectrum point list without a word.
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.errors import FileFormatError, InvalidDataError
from nakit.raman.readers import read_raman
from nakit.paths import data_dir
from tests.contract.mutate import refused

MAP = data_dir() / "raman" / "annealed_map.txt"
FIRST = 19  # the file line of the first spectrum (x=0, y=0)


def _lines():
    return MAP.read_bytes().decode("latin-1").split("\r\n")


def _write(tmp_path, lines, name="map.txt"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("latin-1"))
    return path


def _row(k):
    """The file index of the k-th spectrum's row."""
    return FIRST - 1 + k


def test_shipped_map_is_a_grid():
    ds = read_raman(MAP)
    assert ds.intensity.dims == ("y", "x", "raman_shift")
    assert ds.intensity.shape[:2] == (5, 6)


def test_copied_row_is_refused_at_the_copy(tmp_path):
    lines = _lines()
    k = _row(7)  # (2, 2), file line 26
    refused(read_raman, _write(tmp_path, lines[:k + 1] + [lines[k]] + lines[k + 1:]), error=InvalidDataError, line=27,
            words=("(2, 2) repeats the position of line 26",
                   "6 x 5 raster (x 0 to 10 in steps of 2, y 0 to 8 in steps of 2)"))


@pytest.mark.parametrize("cells", [["9999", "9999"], ["12", "8"]], ids=["9999-row", "extra-position"])
def test_appended_row_is_refused_at_its_line(tmp_path, cells):
    lines = _lines()
    last = _row(29)
    row = lines[last].split("\t")
    extra = "\t".join(cells + (row[2:] if cells[0] == "12" else ["9999"] * (len(row) - 2)))
    refused(read_raman, _write(tmp_path, lines[:last + 1] + [extra] + lines[last + 1:]), error=InvalidDataError,
            line=49,
            words=(f"({cells[0]}, {cells[1]}) lies off the 6 x 5 raster",))


def test_position_off_the_step_is_refused_naming_the_expected_one(tmp_path):
    lines = _lines()
    k = _row(1)
    cells = lines[k].split("\t")
    assert cells[:2] == ["2", "0"]
    lines[k] = "\t".join(["3"] + cells[1:])
    refused(read_raman, _write(tmp_path, lines), error=InvalidDataError, line=20,
            words=("(3, 0) lies off", "such as (2, 0)"))


def test_deleted_row_is_refused_where_it_was_expected(tmp_path):
    lines = _lines()
    k = _row(8)  # (4, 2)
    refused(read_raman, _write(tmp_path, lines[:k] + lines[k + 1:]), error=InvalidDataError, line=27,
            words=("29 of the 30 positions", "no spectrum at (4, 2)"))


def test_spectrum_with_a_point_less_is_refused(tmp_path):
    lines = _lines()
    k = _row(8)
    lines[k] = lines[k].rsplit("\t", 1)[0]
    with pytest.raises(FileFormatError, match="expected 336 columns, got 335") as info:
        read_raman(_write(tmp_path, lines))
    assert info.value.line == 27


def _wire(ds, skip=(), copy=(), drop_point=None):
    """A WiRE '#X #Y #Wave #Intensity' export of a map Dataset (shifts descending), with rows changed."""
    out = ["#X\t#Y\t#Wave\t#Intensity"]
    positions = [(float(x), float(y)) for y in ds.y.values for x in ds.x.values]
    for k, (x, y) in enumerate(positions):
        if k in skip:
            continue
        spectrum = ds.intensity.sel(x=x, y=y).values[::-1]
        shifts = ds.raman_shift.values[::-1]
        rows = [f"{x:g}\t{y:g}\t{w:.6f}\t{i:g}" for w, i in zip(shifts, spectrum)]
        if k == drop_point:
            rows = rows[:-1]
        out += rows * (2 if k in copy else 1)
    return out


def test_wire_map_round_trip_and_damage(tmp_path):
    ds = read_raman(MAP)
    back = read_raman(_write(tmp_path, _wire(ds) + [""], "wire.txt"))
    assert back.intensity.dims == ("y", "x", "raman_shift")
    np.testing.assert_allclose(back.intensity.values, ds.intensity.values)
    n = ds.raman_shift.size  # 334 rows per spectrum; header on line 1
    refused(read_raman, _write(tmp_path, _wire(ds, skip={8}) + [""], "deleted.txt"), error=InvalidDataError,
            line=2 + 8 * n,
            words=("no spectrum at (4, 2)",))
    with pytest.raises(FileFormatError, match=f"has {n - 1} rows") as info:
        read_raman(_write(tmp_path, _wire(ds, drop_point=8) + [""], "short.txt"))
    assert info.value.line == 2 + 8 * n
    with pytest.raises(FileFormatError, match=f"has {2 * n} rows") as info:  # a spectrum's rows copied below it
        read_raman(_write(tmp_path, _wire(ds, copy={8}) + [""], "copied.txt"))
    assert info.value.line == 2 + 8 * n


def test_point_lists_still_read(tmp_path):
    head = "#Laser=\t532nm\r\n#AxisUnit[0]=\tCnt\r\n\t\t500\t600\t700\r\n"
    diagonal = "".join(f"{k}\t{k}\t{k + 1}\t{2 * k + 5}\t{k}\r\n" for k in range(6))
    ds = read_raman(_write(tmp_path, [head + diagonal], "line.txt"))
    assert ds.intensity.dims == ("point", "raman_shift")
    # six of a 3 x 3 raster's nodes, chosen: no map meant, a point list
    chosen = [(0, 0), (1, 0), (2, 0), (0, 1), (0, 2), (2, 2)]
    rows = "".join(f"{x}\t{y}\t{x + 1}\t{y + 5}\t{x}\r\n" for x, y in chosen)
    ds = read_raman(_write(tmp_path, [head + rows], "chosen.txt"))
    assert ds.intensity.dims == ("point", "raman_shift")
