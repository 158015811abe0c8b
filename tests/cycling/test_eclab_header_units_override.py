"""A unit the file's own header states is not overridden by a sample's ``units``.

``units=`` was put in place of the header's unit: yadg's Modulo Bat export (header ``I/mA``) read
with ``units={"current": "A"}`` gave currents of 100 019 mA instead of 100.02, every capacity a
thousandfold, without a word; the same for an .mpr, a LAND, Neware or Arbin export and a BaSyTec
file, and Maccor's own units (``Amps``, seconds) replaced a unit its header states (``Test Time (h)``
read as seconds). A cycler writes its headers itself: ``units=`` now fills in only what they leave
out, and one that contradicts them is refused naming the file, the column and both units. A plain
table's heading, typed by a person, may still be corrected by it (tests/cycling/test_corrupted_records.py).
"""

import re
import warnings

import numpy as np
import pytest

from nakit.cycling import read_cycling
from nakit.errors import ParameterError
from tests.cycling.test_plain_and_arbin_csv import _basytec, _maccor
from tests.peer import peer_file

MB = ("echem", "yadg", "mb.issue_95")


def _read(path, **facts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_cycling(path, **facts)


@pytest.fixture(scope="module")
def stand_in():
    from tests.cycling.test_plain_and_arbin_csv import STAND_IN

    return _read(STAND_IN)


@pytest.mark.parametrize("suffix", [".mpt", ".mpr"])
def test_an_eclab_current_in_ma_is_not_rescaled_by_units_saying_a(suffix):
    if suffix == ".mpr":
        pytest.importorskip("galvani")
    path = peer_file(*MB[:-1], MB[-1] + suffix)
    # the instrument's own numbers: I/mA peaks at 100.019 mA in this Modulo Bat run
    assert float(np.abs(_read(path).current).max()) == pytest.approx(100.01924, rel=1e-6)
    with pytest.raises(ParameterError) as err:
        _read(path, units={"current": "A"})
    said = str(err.value)
    assert said.startswith(f"{path}: column 'I/mA' states the current in mA, but units= gives 'A'")
    assert "would scale every value by 1000" in said and "drop 'current' from it" in said
    # units that agree with the header read the record as without them
    plain = _read(path)
    told = _read(path, units={"current": "mA", "time": "s", "voltage": "V", "capacity": "mAh"})
    for name in ("time", "voltage", "current", "capacity", "capacity_cycler"):
        np.testing.assert_array_equal(told[name].values, plain[name].values)


@pytest.mark.parametrize("parts, units, column, stated", [
    (("echem", "cellpy", "custom_data_002.xlsx"), {"current": "A"}, "Current/mA", "mA"),  # LAND
    (("echem", "cellpy", "custom_data_003.xls"), {"current": "A"}, "Cur(mA)", "mA"),  # Neware BTSDA 7
    (("echem", "cellpy", "neware_uio.csv"), {"current": "mA"}, "Current(A)", "A"),  # Neware CSV
    (("echem", "cellpy", "nw_regular_export_ife_example.csv"), {"current": "mA"}, "Current(A)", "A"),
    (("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"), {"current": "mA"},
     "Current(A)", "A"),  # Arbin
    # hh:mm:ss cells state seconds: hours would have made every current 1/3600 of itself per time
    (("echem", "cellpy", "neware_uio.csv"), {"time": "h"}, "Cumulative Time", "s"),
])
def test_a_cyclers_header_unit_stands_against_units(parts, units, column, stated):
    path = peer_file(*parts)
    role, given = next(iter(units.items()))
    with pytest.raises(ParameterError, match=re.escape(f"column '{column}' states the {role} in {stated}, but units= "
                                                       f"gives '{given}': the file's own unit stands")) as err:
        _read(path, units=units)
    assert str(path) in str(err.value)


def test_a_basytec_header_in_amperes_stands(stand_in, tmp_path):
    path = _basytec(stand_in, tmp_path / "cell.txt")
    with pytest.raises(ParameterError, match=r"column 'I\[A\]' states the current in A, but units= gives 'mA'"):
        _read(path, units={"current": "mA"})
    got = _read(path, units={"current": "A"})  # agreeing: the record as read without it
    np.testing.assert_allclose(got.current.values, stand_in.current.values, rtol=1e-12, atol=1e-15)


def test_a_maccor_header_in_hours_is_not_taken_for_makers_seconds(stand_in, tmp_path):
    path = _maccor(stand_in, tmp_path / "cell.txt")
    lines = path.read_text(encoding="latin-1").splitlines(keepends=True)
    head = lines[2].split("\t")
    k = head.index("Test (Sec)")
    head[k] = "Test Time (h)"
    rows = []
    for line in lines[3:]:
        cells = line.split("\t")
        cells[k] = repr(float(cells[k]) / 3600)
        rows.append("\t".join(cells))
    path.write_text("".join(lines[:2]) + "\t".join(head) + "".join(rows), encoding="latin-1")
    got = _read(path)
    np.testing.assert_allclose(got.time.values, stand_in.time.values, rtol=1e-12)
    # "Amps" names its unit: a current in mA is a contradiction, not a fill-in
    with pytest.raises(ParameterError, match=r"column 'Amps' states the current in A, but units= gives 'mA'"):
        _read(path, units={"current": "mA"})
