"""read_cycling on every cycling file in ../shared/peer-data (both batches), checked against the
file's export twin (.mpr vs .mpt), the upstream parse (galvani, calamine) or the cycler's own
per-cycle table; and the refusals, each naming what the file looks like."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

from nakit.biologic import read_mpr_table, read_mpt_table, split_name_unit
from nakit.cycling import neware
from nakit.cycling.cache import read_record_parquet, write_record_parquet
from nakit.cycling.cycles import summarise
from nakit.cycling.readers import read_csv, read_cycling, read_neware_csv, sniff_cycling
from nakit.cycling.record import cycler_table, make_record
from nakit.errors import FileFormatError, MissingDependencyError, NakitWarning
from tests.peer import peer_file

GCPL = ("echem", "yadg", "gcpl.issue_149")
MB = ("echem", "yadg", "mb.issue_95")
BIOL = ("echem", "cellpy", "biol.mpr")
BTSDA = ("echem", "cellpy", "custom_data_003.xls")
BTS8 = ("echem", "batteryabn",
        "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333_37_2_1_2818580185.xlsx")
REGULAR = ("echem", "cellpy", "nw_regular_export_ife_example.csv")
LAND = ("echem", "cellpy", "custom_data_002.xlsx")
NEWARE_CSV = ("echem", "cellpy", "neware_uio.csv")


def _twin(*parts, suffix):
    *folder, stem = parts
    return peer_file(*folder, stem + suffix)


# -- BioLogic: .mpr (galvani) against its own .mpt export ----------------------------------------

def test_ec_lab_unit_suffixes():
    assert split_name_unit("control/V/mA") == ("control", "V or mA")
    assert split_name_unit("Q charge/discharge/mA.h") == ("Q charge/discharge", "mA.h")
    assert split_name_unit("d(Q-Qo)/dE/mA.h/V") == ("d(Q-Qo)/dE", "mA.h/V")
    assert split_name_unit("Capacitance charge/µF") == ("Capacitance charge", "µF")
    assert split_name_unit("half cycle") == ("half cycle", None)


@pytest.mark.peer
@pytest.mark.parametrize("stem,mpt,n", [(GCPL, ".mpt", 132), (MB, ".mpt", 33), (MB, ".de.mpt", 33)])
def test_mpr_equals_its_mpt_export(stem, mpt, n):
    pytest.importorskip("galvani")
    rec_b = read_cycling(_twin(*stem, suffix=".mpr"))
    rec_t = read_cycling(_twin(*stem, suffix=mpt))
    assert rec_b.attrs["source_format"] == "BioLogic mpr" and rec_t.attrs["source_format"] == "BioLogic mpt"
    assert rec_b.sizes["time"] == rec_t.sizes["time"] == n
    for name in ("time", "voltage", "current", "capacity_cycler"):
        # the .mpt prints float32 columns to 8 digits
        np.testing.assert_allclose(rec_b[name], rec_t[name], rtol=1e-7, atol=1e-9, err_msg=name)
    np.testing.assert_array_equal(rec_b["cycle"], rec_t["cycle"])
    assert rec_b["current"].attrs["units"] == "mA" and rec_b["time"].attrs["units"] == "s"


@pytest.mark.peer
def test_gcpl_mpr_current_is_ec_labs_average_current():
    # the GCPL .mpr has no current column, only dq and the set point control/V/mA; the
    # export's <I>/mA (decimal commas, de_DE) is what the reader must reproduce
    pytest.importorskip("galvani")
    rec = read_cycling(_twin(*GCPL, suffix=".mpr"))
    table, meta = read_mpt_table(_twin(*GCPL, suffix=".mpt"))
    assert meta["decimal"] == ","
    np.testing.assert_allclose(rec["current"], table["<I>"], rtol=1e-12, atol=1e-15)
    assert rec["time"].values[0] == pytest.approx(30.15299923827115, rel=1e-15)
    assert rec["time"].values[-1] == pytest.approx(659.9857963771647, rel=1e-15)
    assert rec["voltage"].values[-1] == pytest.approx(3.4320145, abs=1e-7)
    assert rec["current"].values[-1] == pytest.approx(-2.999591381717431e-02, rel=1e-12)
    assert "dq/dt" in rec.attrs["instrument_current_column"]


@pytest.mark.peer
@pytest.mark.parametrize("stem,rtol", [(GCPL, 1e-9), (MB, 1e-4)])
def test_biologic_capacities_equal_ec_labs_counter(stem, rtol):
    """The summary's capacities are EC-Lab's own Q charge/discharge at each half cycle's end.

    On the Modulo Bat run EC-Lab books the first interval after the switch to discharge
    (7.6e-6 mAh of 0.28) to the charge half cycle; nakit books it by the current's sign.
    """
    table, _ = read_mpt_table(_twin(*stem, suffix=".mpt"))
    q = table["Q charge/discharge"].abs().groupby(table["half cycle"]).max()
    q = q[q > 0].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        s = summarise(read_cycling(_twin(*stem, suffix=".mpt")))
    ours = np.ravel(np.column_stack([s["discharge_capacity"], s["charge_capacity"]])
                    if s.attrs["first_half_cycle"] == "discharge"
                    else np.column_stack([s["charge_capacity"], s["discharge_capacity"]]))
    ours = ours[np.isfinite(ours)]
    np.testing.assert_allclose(ours, q, rtol=rtol)


@pytest.mark.peer
def test_modulo_bat_mpr_with_impedance_steps():
    pytest.importorskip("galvani")
    path = peer_file(*BIOL)
    table, _ = read_mpr_table(path)
    rec = read_cycling(path)
    assert len(table) == 23561
    eis = int((table["freq"] > 0).sum())
    assert rec.attrs["instrument_impedance_rows_dropped"] == eis == 310
    assert rec.sizes["time"] == 23561 - eis
    s = summarise(rec)
    # one charge step (Ns 4) at 0.3246 mA: EC-Lab's counter at its end
    ns4 = table[table["Ns"] == 4]
    assert s["charge_capacity"].values[0] == pytest.approx(ns4["Q charge/discharge"].iloc[-1], rel=1e-9)
    assert s["charge_capacity_integrated"].values[0] == pytest.approx(s["charge_capacity"].values[0], rel=1e-4)


@pytest.mark.peer
@pytest.mark.parametrize("parts", [("echem", "yadg", "peis.mpr"), ("echem", "yadg", "peis.mpt"),
                                   ("echem", "yadg", "peis.issue_149.mpt"), ("echem", "pyimpspec", "data.mpt")])
def test_impedance_files_are_refused_as_cycling(parts):
    if parts[-1].endswith(".mpr"):
        pytest.importorskip("galvani")
    with pytest.raises(FileFormatError, match="impedance file"):
        read_cycling(peer_file(*parts))


@pytest.mark.peer
@pytest.mark.parametrize("parts,what", [(("echem", "pyimpspec", "data.dta"), "Gamry"),
                                        (("echem", "gamry-parser", "eispot_data.dta"), "Gamry"),
                                        (("echem", "impedancepy", "exampleDataZPlot.z"), "ZPlot"),
                                        (("echem", "impedancepy", "exampleData.csv"), "without a header line")])
def test_other_echem_files_are_named_when_refused(parts, what):
    with pytest.raises(FileFormatError, match=what):
        read_cycling(peer_file(*parts))


# -- Neware ----------------------------------------------------------------------------------------

def _sheet(path, name):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


@pytest.mark.peer
def test_neware_btsda_xls():
    path = peer_file(*BTSDA)
    assert sniff_cycling(path) == "neware_btsda_xls"
    rec = read_cycling(path)
    detail = _sheet(path, "Detail_14_1_3")
    assert rec.sizes["time"] == len(detail) - 1 == 2943
    assert rec["voltage"].values[[0, -1]].tolist() == [detail[1][6], detail[-1][6]]
    assert rec["current"].values[-1] == pytest.approx(-1.63)  # Cur(mA), negative = discharge
    statis = _sheet(path, "Statis_14_1_3")
    # test time = the Statis durations of the 28 earlier steps + the last record's time in step
    expected = sum(_seconds(r[10]) for r in statis[1:-1]) + _seconds(detail[-1][9])
    assert rec["time"].values[-1] == pytest.approx(expected)
    # and it follows the wall clock (Absolute Time, 1 s resolution) to 17 s over 4.5 days
    clock = np.array([(r[10] - detail[1][10]).total_seconds() for r in detail[1:]])
    assert np.max(np.abs(rec["time"].values - clock)) <= 20.0
    table = cycler_table(rec)
    cycle_sheet = _sheet(path, "Cycle_14_1_3")
    assert table.sizes["cycle"] == 14
    np.testing.assert_allclose(table["discharge_capacity"], [r[3] for r in cycle_sheet[1:]])
    # Neware's cycle is charge then discharge, its cycle 1 the first discharge alone; nakit's cycles
    # open with that discharge, each half keeping the number Neware gives it (test_pairing_by_time.py)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)  # the last discharge has no charge after it
        s = summarise(rec)
    ours = s["charge_capacity"].values[:13]
    np.testing.assert_allclose(ours, table["charge_capacity"].sel(cycle=s["charge_cycle_cycler"][:13]), rtol=1e-9)
    np.testing.assert_allclose(s["discharge_capacity"].values,
                               table["discharge_capacity"].sel(cycle=s["discharge_cycle_cycler"]), rtol=1e-9)
    assert s.attrs["capacity_source"] == "cycler" and s.attrs["capacity_check_max_difference_percent"] < 0.1
    # the Info sheet: why Neware's cycles pair a charge with the discharge after it
    assert rec.attrs["instrument_cycle_mode"] == "Charge First"
    assert rec.attrs["instrument_remark"] == "1.04497215 mg active"


@pytest.mark.peer
def test_neware_bts8_xlsx():
    path = peer_file(*BTS8)
    assert sniff_cycling(path) == "neware_bts8_xlsx"
    rec = read_cycling(path)
    record = _sheet(path, "record")
    assert rec.sizes["time"] == len(record) - 1 == 2833
    assert rec["current"].values[2] == pytest.approx(999.8)  # 0.9998 A
    assert rec["voltage"].values[-1] == pytest.approx(4.1184)
    assert rec["time"].values[-1] == pytest.approx(2829.1)  # Total Time 00:47:09.100
    table = cycler_table(rec)
    assert table["charge_capacity"].values[0] == pytest.approx(785.9)  # 0.7859 Ah
    # the record ends 47 min into a 1 A charge, at 4.118 V; with no other charge to show
    # where it would end, the numbers are kept and flagged (#15)
    with pytest.warns(NakitWarning, match="charge may be cut short"):
        s = summarise(rec)
    assert s["charge_capacity"].values[0] == pytest.approx(785.9, abs=0.05)  # 4 decimals in Ah
    assert s["charge_energy"].values[0] == pytest.approx(3103.8, abs=0.05)
    assert s["charge_capacity_integrated"].values[0] == pytest.approx(785.9, rel=1e-3)
    assert list(s.attrs["incomplete_cycles"]) == [1] and s["cycle_complete"].values.tolist() == [0]
    assert s.attrs["incomplete_reasons"] == "cycle 1: no discharge"
    assert "at 4.118 V after 2829 s" in s.attrs["end_unconfirmed"]
    assert s.attrs["flags"].split(",") == ["incomplete_cycles", "end_unconfirmed"]
    assert rec.attrs["instrument_active_material"] == "1mg"  # as typed into the cycler; never used silently
    assert rec.attrs["instrument_start_time"] == "2023-01-10 14:33:33"


@pytest.mark.peer
def test_neware_regular_export_csv():
    path = peer_file(*REGULAR)
    assert sniff_cycling(path) == "neware_regular_csv"
    rec = read_cycling(path)
    lines = path.read_text().splitlines()
    records = [ln.split(",") for ln in lines[3:] if ln.startswith(",,")]
    assert rec.sizes["time"] + rec.attrs["duplicates_dropped"] == len(records) == 9295
    assert rec["voltage"].values[-1] == pytest.approx(float(records[-1][6]))
    assert rec["time"].values[-1] == 27 * 3600 + 55 * 60 + 43
    table = cycler_table(rec)
    cycle_rows = [ln.split(",") for ln in lines[3:] if ln[:1].isdigit()]
    assert table.sizes["cycle"] == len(cycle_rows) == 20
    s = summarise(rec, first="charge")
    # the cycle rows print Ah to 5 decimals
    np.testing.assert_allclose(s["charge_capacity"], [1e3 * float(r[1]) for r in cycle_rows], atol=0.006)
    np.testing.assert_allclose(s["discharge_capacity"], [1e3 * float(r[2]) for r in cycle_rows], atol=0.006)


def _seconds(text):
    h, m, sec = str(text).split(":")
    return 3600 * int(h) + 60 * int(m) + float(sec)


def _nda_frame(path):
    """A NewareNDA-shaped frame (its column names and units: s in step, mA, per-step mAh) made
    from the raw Detail rows of a real BTSDA export."""
    import pandas as pd

    rows = _sheet(path, "Detail_14_1_3")[1:]
    current = np.array([r[5] for r in rows], dtype=float)
    q = np.array([r[7] for r in rows], dtype=float)
    charge = current > 0
    return pd.DataFrame({
        "Index": [int(r[0]) for r in rows], "Cycle": [int(r[3]) for r in rows], "Step": [int(r[4]) for r in rows],
        "Status": [r[1] for r in rows], "Time": [_seconds(r[9]) for r in rows],
        "Voltage": [r[6] for r in rows], "Current(mA)": current,
        "Charge_Capacity(mAh)": np.where(charge, q, 0.0), "Discharge_Capacity(mAh)": np.where(charge, 0.0, q),
    })


@pytest.mark.peer
def test_neware_nda_through_newarenda(tmp_path, monkeypatch):
    """No .nda peer file exists: NewareNDA.read is replaced by a frame of its shape made from a
    real BTSDA record, which tests nakit's side (columns, units, test time, counters)."""
    nda = pytest.importorskip("NewareNDA")
    rec_xls = neware.read_neware_xls(peer_file(*BTSDA))
    frame = _nda_frame(peer_file(*BTSDA))
    calls = []

    def fake_read(file, software_cycle_number=True, cycle_mode="chg", log_level="INFO"):
        calls.append((file, software_cycle_number))
        return frame

    monkeypatch.setattr(nda, "read", fake_read)
    path = tmp_path / "cell.nda"
    path.write_bytes(b"NEWARE" + bytes(200))
    assert sniff_cycling(path) == "neware_nda"
    rec = read_cycling(path)
    assert calls == [(str(path), False)]  # the file's own cycle index is kept
    assert rec.attrs["source_format"] == "Neware nda"
    np.testing.assert_array_equal(rec["voltage"], rec_xls["voltage"])
    np.testing.assert_array_equal(rec["current"], rec_xls["current"])
    np.testing.assert_allclose(rec["capacity_cycler"], rec_xls["capacity_cycler"])
    np.testing.assert_allclose(rec["step_time"], rec_xls["step_time"])
    # the test time is rebuilt from each step's last record (no Statis durations here)
    assert rec["time"].values[-1] <= rec_xls["time"].values[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        s_nda, s_xls = summarise(rec), summarise(rec_xls)
    np.testing.assert_allclose(s_nda["discharge_capacity"], s_xls["discharge_capacity"])
    np.testing.assert_allclose(s_nda["charge_capacity"], s_xls["charge_capacity"])


def test_neware_nda_refusals(tmp_path, monkeypatch):
    bad = tmp_path / "cell.nda"
    bad.write_bytes(b"not a neware file at all")
    with pytest.raises(FileFormatError, match="not a Neware .nda"):
        neware.read_neware_nda(bad)
    good = tmp_path / "real.nda"
    good.write_bytes(b"NEWARE" + bytes(100))
    monkeypatch.setitem(sys.modules, "NewareNDA", None)  # as if not installed
    with pytest.raises(MissingDependencyError, match=r"nakit\[readers\]"):
        read_cycling(good)
    monkeypatch.undo()
    nda = pytest.importorskip("NewareNDA")

    def broken(*args, **kwargs):
        raise KeyError(-999)  # what NewareNDA raises on a hardware range it does not know

    monkeypatch.setattr(nda, "read", broken)
    with pytest.raises(FileFormatError, match="NewareNDA could not read"):
        read_cycling(good)


# -- the cycler's own results, kept with the record; the summary's default source --------------

@pytest.mark.peer
def test_cycler_table_survives_the_parquet_cache(tmp_path):
    rec = read_cycling(peer_file(*LAND))
    table = cycler_table(rec)
    assert table.attrs["source"] == "LAND Cycle-Tab" and table.sizes["cycle"] == 14
    back = cycler_table(read_record_parquet(write_record_parquet(rec, tmp_path / "r.parquet")))
    for name in table.data_vars:
        np.testing.assert_array_equal(back[name], table[name])
        assert back[name].attrs["units"] == table[name].attrs["units"]


@pytest.mark.peer
def test_summary_defaults_to_the_cyclers_counter():
    rec = read_cycling(peer_file(*LAND))
    s = summarise(rec)
    table = cycler_table(rec)
    assert s.attrs["capacity_source"] == "cycler" and s.attrs["flags"] == ""
    np.testing.assert_allclose(s["discharge_capacity"], table["discharge_capacity"], rtol=1e-4)
    # integration kept as a check, the difference reported (3e-4 on this file)
    assert 0 < s.attrs["capacity_check_max_difference_percent"] < 0.05
    np.testing.assert_allclose(s["discharge_capacity_integrated"], table["discharge_capacity"], rtol=1e-3)
    assert summarise(rec, source="integrated").attrs["capacity_source"] == "integrated"


def test_summary_flags_a_counter_that_disagrees_with_the_current():
    t = np.arange(0, 4201, 60.0)
    i = np.where(t <= 3600, 1.0, 0.0)  # 1 mA for 1 h, then rest: 1 mAh, but a counter that says 1.05 mAh
    rec = make_record(t, 2 + np.minimum(t, 3600) / 3600, i, capacity_cycler=1.05 * np.minimum(t, 3600) / 3600)
    with pytest.warns(NakitWarning, match="differ by 4.8 %"):
        s = summarise(rec)
    # a charge alone: the cycle is also incomplete (no discharge), the charge itself ended
    assert s.attrs["flags"].split(",") == ["incomplete_cycles", "capacity_check"]
    assert s.attrs["incomplete_reasons"] == "cycle 1: no discharge"
    assert s["charge_capacity"].item() == pytest.approx(1.05)
    assert s["charge_capacity_integrated"].item() == pytest.approx(1.0)
    assert s.attrs["capacity_check_max_difference_percent"] == pytest.approx(100 * 0.05 / 1.05, rel=1e-9)


# -- recognising formats, locale, refusals -------------------------------------------------------

@pytest.mark.peer
@pytest.mark.parametrize("parts,kind", [(LAND, "land"), (NEWARE_CSV, "neware_csv"),
                                        (("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"),
                                         "arbin_xlsx"),
                                        (("echem", "yadg", "gcpl.issue_149.mpr"), "biologic_mpr"),
                                        (("echem", "yadg", "mb.issue_95.de.mpt"), "biologic_mpt")])
def test_format_recognised_by_content_not_extension(tmp_path, parts, kind):
    src = peer_file(*parts)
    disguised = tmp_path / "data.bin"
    disguised.symlink_to(src.resolve())
    assert sniff_cycling(disguised) == kind


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(FileFormatError, match="file not found"):
        read_cycling(tmp_path / "nothing.csv")
    with pytest.raises(FileFormatError, match="directory"):
        read_cycling(tmp_path)


def test_unknown_workbook_names_its_sheets(tmp_path):
    import xlsxwriter

    path = tmp_path / "cell.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Summary").write_row(0, 0, ["a", "b"])
    wb.add_worksheet("Notes").write_row(0, 0, ["cell 3"])
    wb.close()
    with pytest.raises(FileFormatError, match=r"Excel workbook with sheets \['Summary', 'Notes'\].*Neware BTS 8"):
        read_cycling(path)
    # one sheet: a table kept in Excel, read as its text export would be
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Summary").write_row(0, 0, ["a", "b"])
    wb.close()
    with pytest.raises(FileFormatError, match=r"cell\.xlsx, line 1: no data rows under the header"):
        read_cycling(path)


def test_random_bytes_and_empty_files(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FileFormatError):
        read_cycling(junk)
    empty = tmp_path / "empty.mpt"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        read_cycling(empty)


def test_semicolon_table_with_decimal_commas(tmp_path):
    p = tmp_path / "cell.csv"
    p.write_text("Zeit/s;Spannung/V;Strom/mA\n0;2,0;1,0\n1800;2,2;1,0\n3600;2,4;1,0\n3660;2,3;-1,0\n5460;2,0;-1,0\n",
                 encoding="latin-1")
    named = read_cycling(p, columns={"time": "Zeit", "voltage": "Spannung", "current": "Strom"})
    np.testing.assert_allclose(named["voltage"], [2.0, 2.2, 2.4, 2.3, 2.0])
    assert summarise(named)["charge_capacity"].item() == pytest.approx(1.0)
    found = read_cycling(p)  # German headers recognised by name too
    assert found.attrs["instrument_column_map"] == str({"time": "Zeit/s", "voltage": "Spannung/V", "current": "Strom/mA"})
    np.testing.assert_array_equal(found["capacity"].values, named["capacity"].values)


def test_truncated_csv_is_refused(tmp_path):
    p = tmp_path / "cut.csv"
    p.write_text("t/s,U/V,I/mA\n0,2.000,1.000\n60,2.100,1.000\n120,2.2")
    with pytest.raises(FileFormatError, match="truncated"):
        read_csv(p, {"time": "t", "voltage": "U", "current": "I"})


def test_mpt_lying_header_count(tmp_path):
    p = tmp_path / "lie.mpt"
    p.write_text("EC-Lab ASCII FILE\nNb header lines : 1000000000\n\nGCPL\n", encoding="latin-1")
    with pytest.raises(FileFormatError, match="declares 1000000000 header lines"):
        read_cycling(p)


@pytest.mark.peer
def test_neware_csv_still_reads_through_textio():
    rec = read_neware_csv(peer_file(*NEWARE_CSV))
    assert rec.sizes["time"] == 9065


def test_a_recognised_format_that_fails_says_what_it_was_taken_for(tmp_path):
    import xlsxwriter

    path = tmp_path / "cell.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for name in ("unit", "test", "cycle", "step", "record"):
        wb.add_worksheet(name)
    wb.worksheets()[4].write_row(0, 0, ["DataPoint", "Cycle Index", "Step Index", "Total Time", "Voltage(V)"])
    wb.worksheets()[4].write_row(1, 0, [1, 1, 1, "00:00:00.000", 3.4])
    wb.close()
    with pytest.raises(FileFormatError, match=r"this looks like a Neware BTS 8 workbook; .*current") as err:
        read_cycling(path)
    assert (err.value.sheet, err.value.row, err.value.field) == ("record", 1, None)  # the header's place


def _first_batch_rows(parts):
    """(rows, time column, voltage column, current column, current factor to mA) from an
    independent parse: calamine for workbooks, the csv module for CSV."""
    import csv

    path = peer_file(*parts)
    if path.suffix == ".csv":
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        header, body = rows[0], rows[1:]
        return header, body, path
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheet = next(s for s in wb.sheet_names if s.startswith(("Record", "Channel")))
    rows = [r for r in wb.get_sheet_by_name(sheet).to_python() if any(c != "" for c in r)]
    return rows[0], rows[1:], path


@pytest.mark.peer
@pytest.mark.parametrize("parts,time,voltage,current,to_ma", [
    (LAND, "TestTime/Sec", "Voltage/V", "Current/mA", 1.0),
    (("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"),
     "Test_Time(s)", "Voltage(V)", "Current(A)", 1e3),
    (NEWARE_CSV, None, "Voltage(V)", "Current(A)", 1e3),
])
def test_first_batch_points_against_an_independent_parse(parts, time, voltage, current, to_ma):
    header, body, path = _first_batch_rows(parts)
    rec = read_cycling(path)
    assert rec.sizes["time"] + rec.attrs["duplicates_dropped"] == len(body)
    assert (rec["time"].attrs["units"], rec["voltage"].attrs["units"], rec["current"].attrs["units"]) == \
        ("s", "V", "mA")
    v, i = header.index(voltage), header.index(current)
    for row, k in ((body[0], 0), (body[-1], -1)):
        assert rec["voltage"].values[k] == pytest.approx(float(row[v]), rel=1e-12)
        assert rec["current"].values[k] == pytest.approx(to_ma * float(row[i]), rel=1e-12, abs=1e-12)
    if time is not None:
        t = header.index(time)
        assert rec["time"].values[-1] == pytest.approx(float(body[-1][t]), rel=1e-12)
    else:  # Neware CSV: "Cumulative Time" as h:mm:ss
        h, m, s = body[-1][header.index("Cumulative Time")].split(":")
        assert rec["time"].values[-1] == 3600 * int(h) + 60 * int(m) + int(s)


@pytest.mark.peer
def test_mpr_without_galvani_names_the_extra(monkeypatch):
    path = _twin(*GCPL, suffix=".mpr")
    monkeypatch.setitem(sys.modules, "galvani", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "galvani.BioLogic", None)
    with pytest.raises(MissingDependencyError, match=r"galvani.*nakit\[readers\]"):
        read_cycling(path)
    # the text export of the same run needs nothing optional
    assert read_cycling(_twin(*GCPL, suffix=".mpt")).sizes["time"] == 132
