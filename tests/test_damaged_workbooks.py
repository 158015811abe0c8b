"""A damaged workbook is a FileFormatError naming the file and the zip member or sheet, never a
zlib or python-calamine traceback: every workbook reader opens it through :mod:`nakit.sheets`, so a
notebook sets the sample aside ("Not analysed") and goes on with the others.

Each case is a real peer file copied into tmp_path and damaged the way a bad copy, a cut download
or a careless zip tool damages one.
"""

from __future__ import annotations

import io
import zipfile

import pytest

import nakit
from nakit.cycling.readers import read_cycling
from nakit.errors import FileFormatError
from nakit.sorption.readers import read_isotherm
from tests.peer import peer_file

LAND = ("echem", "cellpy", "custom_data_002.xlsx")
ARBIN = ("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
RECORD = "xl/worksheets/sheet2.xml"  # the LAND workbook's Record-Tab


def _zero_block(parts, tmp_path):
    """The file with a block of 1/50 of its bytes zeroed in the middle (a bad disk sector, a broken copy)."""
    data = bytearray(peer_file(*parts).read_bytes())
    n = len(data)
    data[n // 2:n // 2 + n // 50] = bytes(n // 50)
    out = tmp_path / parts[-1]
    out.write_bytes(bytes(data))
    return out


def _rewritten(tmp_path, name, drop=(), edit=None, corrupt=None):
    """The LAND workbook rewritten with zipfile: members dropped, one member's text edited, or 64
    bytes zeroed in the middle of one member's compressed data."""
    src = zipfile.ZipFile(peer_file(*LAND))
    out = tmp_path / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info.filename)
            if edit and info.filename in edit:
                data = edit[info.filename](data.decode()).encode()
            zo.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, compress_type=zipfile.ZIP_DEFLATED)
    if corrupt:
        raw = bytearray(out.read_bytes())
        info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(corrupt)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
        raw[start:start + 64] = bytes(64)
        out.write_bytes(bytes(raw))
    return out


@pytest.mark.parametrize("reader", [read_cycling, nakit.read], ids=["read_cycling", "nakit.read"])
def test_a_zeroed_block_in_a_land_workbook_names_the_corrupt_member(tmp_path, reader):
    path = _zero_block(LAND, tmp_path)
    with pytest.raises(FileFormatError, match="corrupt zip member") as err:
        reader(path)
    assert str(path) in str(err.value) and RECORD in str(err.value)


@pytest.mark.parametrize("parts", [ARBIN, ("echem", "batteryabn",
                                           "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333_"
                                           "37_2_1_2818580185.xlsx")], ids=["arbin", "neware-bts8"])
def test_a_zeroed_block_in_other_cycler_workbooks_names_the_corrupt_member(tmp_path, parts):
    path = _zero_block(parts, tmp_path)
    with pytest.raises(FileFormatError, match=r"corrupt zip member .*; sheet '[^']+' cannot be read") as err:
        read_cycling(path)
    assert err.value.field.startswith("xl/worksheets/sheet")


@pytest.mark.parametrize("damage, expected, field", [
    (dict(drop=[RECORD]), "sheet 'Record-Tab' is listed but its part is missing", RECORD),
    (dict(drop=["xl/sharedStrings.xml"]), r"text cells \(its shared strings\) are listed but their part is missing",
     "xl/sharedStrings.xml"),
    (dict(corrupt=RECORD), "corrupt zip member", RECORD),
    # the cycle table's member: nakit.read's XRD sniffing (how many sheets hold cells) raised zlib.error
    (dict(corrupt="xl/worksheets/sheet1.xml"), "corrupt zip member", "xl/worksheets/sheet1.xml"),
    (dict(edit={RECORD: lambda t: t[:len(t) // 2]}), r"sheet 'Record-Tab' \(xl/worksheets/sheet2.xml\) cannot be "
                                                      r"read: damaged \(syntax error", RECORD),
    (dict(drop=["xl/workbook.xml"]), "an Excel workbook without its xl/workbook.xml part", "xl/workbook.xml"),
], ids=["sheet-missing", "shared-strings-missing", "member-corrupt", "cycle-member-corrupt", "sheet-xml-cut", "workbook-xml-missing"])
def test_zip_damage_to_a_land_workbook_names_the_part(tmp_path, damage, expected, field):
    path = _rewritten(tmp_path, "land.xlsx", **damage)
    for reader in (read_cycling, nakit.read):
        with pytest.raises(FileFormatError, match=expected) as err:
            reader(path)
        assert str(path) in str(err.value)
    with pytest.raises(FileFormatError) as err:
        read_cycling(path)
    assert err.value.field == field


def test_an_empty_zip_archive_is_called_one(tmp_path):
    path = tmp_path / "land.xlsx"
    with zipfile.ZipFile(path, "w"):
        pass
    for reader in (read_cycling, read_isotherm):
        with pytest.raises(FileFormatError, match="an empty zip archive"):
            reader(path)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_a_truncated_workbook_is_said_to_be_truncated(tmp_path, keep):
    data = peer_file(*LAND).read_bytes()
    path = tmp_path / "land.xlsx"
    path.write_bytes(data[:int(len(data) * keep)])
    for reader in (read_cycling, read_isotherm):
        with pytest.raises(FileFormatError, match=r"its central directory\) is missing: the file is truncated\?") as e:
            reader(path)
        assert "File is not a zip file" not in str(e.value)
