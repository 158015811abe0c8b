"""A LAND workbook whose record sheet lost its end (cut at row 9000 and closed) read as a run of 3
cycles without a word, while the workbook's own Cycle-Tab lists 14: the reader warns, naming both
numbers, and a cached read says it again."""

from __future__ import annotations

import warnings
import zipfile

import pytest

from nakit.cycling.cache import cached
from nakit.cycling.readers import read_cycling
from nakit.errors import NakitWarning
from tests.peer import peer_file

RECORD = "xl/worksheets/sheet2.xml"  # the LAND workbook's Record-Tab


def _cut_at_row(tmp_path, row: int):
    src = zipfile.ZipFile(peer_file("echem", "cellpy", "custom_data_002.xlsx"))
    out = tmp_path / "land_cut.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == RECORD:
                text = data.decode()
                data = (text[:text.find(f'<row r="{row}"')] + "</sheetData></worksheet>").encode()
            zo.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, compress_type=zipfile.ZIP_DEFLATED)
    return out


EXPECTED = (r"land_cut.xlsx: the cycler's own per-cycle table \(Cycle-Tab\) lists 14 cycles, the record \(Record-Tab\) "
            r"holds 3 \(cycles 1-3\): the record is cut short")


@pytest.mark.peer
def test_a_record_shorter_than_the_cyclers_own_table_is_warned_about(tmp_path):
    path = _cut_at_row(tmp_path, 9000)
    with pytest.warns(NakitWarning, match=EXPECTED):
        rec = read_cycling(path)
    assert rec.sizes["time"] == 8997  # the points kept are read as they are
    with pytest.warns(NakitWarning, match=EXPECTED):
        cached(path, cache_dir=tmp_path / "cache")
    with pytest.warns(NakitWarning, match=EXPECTED):  # from the Parquet copy
        cached(path, cache_dir=tmp_path / "cache")


@pytest.mark.peer
def test_the_whole_record_is_not_warned_about():
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        rec = read_cycling(peer_file("echem", "cellpy", "custom_data_002.xlsx"))
    assert "reader_warnings" not in rec.attrs


@pytest.mark.peer
def test_a_neware_record_with_fewer_cycles_than_its_own_table_is_warned_about():
    """Neware's workbooks keep a Cycle table beside the record, as LAND's do: the same check."""
    import numpy as np

    from nakit.cycling import cycler_table
    from nakit.cycling.neware import _record

    path = peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv")
    whole = read_cycling(path)
    table = cycler_table(whole)
    first = whole.isel(time=np.flatnonzero(whole["cycle"].values <= 3))  # the record of cycles 1-3 only
    cols = {"time": first["time"].values, "voltage": first["voltage"].values, "current": first["current"].values,
            "cycle": first["cycle"].values}
    with pytest.warns(NakitWarning, match=r"nw_regular_export_ife_example\.csv: the cycler's own per-cycle table \(cycle rows\) lists 20 cycles, "
                                          r"the record \(record\) holds 3 \(cycles 1-3\): the record is cut short"):
        _record(cols, path, "Neware regular csv", table, "cycle rows")
