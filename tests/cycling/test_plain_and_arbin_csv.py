"""Cycling text tables nakit reads without being told their columns: Arbin's CSV export, and a
plain table of time, voltage and current whose headers say what they are.

Both were refused ("pass columns=..."), which a study or a notebook could not do: a researcher
with an Arbin CSV or a home-made cycler's log had no way in.
"""

import csv

import numpy as np
import pandas as pd
import pytest

from nakit.cycling import CellRecipe, read_arbin_xlsx, read_cycling, summarise
from nakit.errors import FileFormatError, MissingFactError
from nakit.paths import data_dir, notebooks_dir
from tests.peer import peer_file

STAND_IN = data_dir() / "cycling" / "cast_annealed_50cycles.xlsx"


@pytest.fixture(scope="module")
def stand_in():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_cycling(STAND_IN)


def _plain(ds, path, header=("time/s", "Ewe/V", "I/mA"), scale=(1.0, 1.0, 1.0), sign=1.0):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for t, v, i in zip(ds.time.values, ds.voltage.values, ds.current.values):
            w.writerow([repr(float(t * scale[0])), repr(float(v * scale[1])), repr(float(sign * i * scale[2]))])
    return path


def test_an_arbin_csv_export_reads_as_its_excel_twin(tmp_path):
    xlsx = peer_file("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
    sheet = pd.read_excel(xlsx, sheet_name="Channel_11_1")
    sheet.insert(0, "Data_Point", np.arange(1, len(sheet) + 1))  # as Arbin's CSV export starts
    path = tmp_path / "channel_11.csv"
    sheet.to_csv(path, index=False)
    want, got = read_arbin_xlsx(xlsx), read_cycling(path)
    assert got.attrs["source_format"] == "Arbin csv" and set(got.data_vars) == set(want.data_vars)
    for name in want.data_vars:
        np.testing.assert_array_equal(got[name].values, want[name].values, err_msg=name)
    np.testing.assert_array_equal(got.cycle.values, want.cycle.values)


def test_a_plain_table_is_read_by_its_header_names(stand_in, tmp_path):
    path = _plain(stand_in, tmp_path / "log.csv")
    got = read_cycling(path)
    assert got.attrs["source_format"] == "csv"
    assert got.attrs["instrument_column_map"] == str({"time": "time/s", "voltage": "Ewe/V", "current": "I/mA"})
    cell = CellRecipe(5.0, 0.3, "Na2S")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, have = summarise(stand_in, cell), summarise(got, cell)
    # the same cycles from time, voltage and current alone; the LAND file's capacities are its counters (six
    # digits), the table's are integrated from the current
    np.testing.assert_allclose(have["discharge_capacity"].values, want["discharge_capacity"].values, rtol=1e-5)
    np.testing.assert_allclose(have["coulombic_efficiency"].values, want["coulombic_efficiency"].values, rtol=1e-5)


def test_units_and_sign_given_for_a_table_that_states_none(stand_in, tmp_path):
    path = _plain(stand_in, tmp_path / "bare.csv", header=("Time", "Voltage", "Current"), scale=(1 / 3600, 1.0, 1e-3),
                  sign=-1.0)
    with pytest.raises(MissingFactError, match=r"the time, voltage and current columns state no unit, and nothing "
                                               r"tells s from h, V from mV, mA from A; pass units=\{'time': \.\.\., ") as err:
        read_cycling(path)  # every column without a unit at once: one units= gives them all
    assert err.value.fact == "units" and err.value.form.startswith("'{time: UNIT, voltage: UNIT, current: UNIT}'")
    with pytest.raises(MissingFactError, match=r"the current column states no unit, and nothing tells mA from A"):
        read_cycling(path, units={"time": "h", "voltage": "V"})
    got = read_cycling(path, units={"time": "h", "voltage": "V", "current": "A"}, current_sign=-1)
    np.testing.assert_allclose(got.current.values, stand_in.current.values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.time.values, stand_in.time.values, rtol=1e-12)


def test_a_table_without_recognisable_columns_says_what_it_holds(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("when,what\nMonday,cell built\n")
    with pytest.raises(FileFormatError, match=r"header \['when', 'what'\] names no time, voltage and current"):
        read_cycling(path)


@pytest.mark.notebooks
def test_notebook04_reads_a_plain_table_with_the_cells_units_and_sign(stand_in, tmp_path):
    from nakit.runner import execute
    from nakit.runfolder import not_analysed

    bare = _plain(stand_in, tmp_path / "bare.csv", header=("Time", "Voltage", "Current"), scale=(1 / 3600, 1.0, 1e-3),
                  sign=-1.0)
    out = tmp_path / "run"
    cell = {"composite_mass_mg": 5.0, "active_fraction": 0.3, "active_material": "Na2S"}
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": [
        {"label": "home-made log", "file": str(bare), "units": {"time": "h", "voltage": "V", "current": "A"},
         "current_sign": -1, **cell},
        {"label": "no units given", "file": str(bare), **cell}]})
    assert result.ok, result.error
    assert [s for s, _ in not_analysed(out)] == ["no units given"]
    rows = {r["key"]: r for r in csv.DictReader(open(out / "results" / "headline.csv", encoding="utf-8"))
            if r["sample"] == "home-made log"}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = summarise(stand_in, CellRecipe(5.0, 0.3, "Na2S"))
    first = float(want["specific_discharge_capacity"].values[0])
    assert float(rows["first_discharge_capacity"]["value"]) == pytest.approx(first, rel=1e-5)


def _maccor(ds, path, state_of=None):
    """``ds`` written as a Maccor text export: current as a magnitude, its direction in State."""
    head = ("Today's Date 12/06/2026 9:00:00 AM\tDate of Test:\t12/01/2026 8:00:00 AM\n"
            "Filename:\tC:\\Data\\cell.001\tProcedure:\tNaS.000\n"
            "Rec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time\n")
    rows = []
    for k, (t, v, i, c, st) in enumerate(zip(ds.time.values, ds.voltage.values, ds.current.values,
                                             ds.cycle.values, ds.step.values), start=1):
        state = state_of(i) if state_of else ("C" if i > 0 else "D" if i < 0 else "R")
        rows.append(f"{k}\t{c}\t{st}\t{float(t)!r}\t0\t0\t0\t{abs(float(i)) / 1000!r}\t{float(v)!r}\t{state}\t0\t"
                    "12/01/2026 8:00:00 AM\n")
    path.write_text(head + "".join(rows), encoding="latin-1")
    return path


def test_a_maccor_export_signs_its_current_by_state(stand_in, tmp_path):
    got = read_cycling(_maccor(stand_in, tmp_path / "cell.txt"))
    assert got.attrs["source_format"] == "Maccor txt"
    np.testing.assert_allclose(got.current.values, stand_in.current.values, rtol=1e-12, atol=1e-15)
    cell = CellRecipe(5.0, 0.3, "Na2S")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, have = summarise(stand_in, cell), summarise(got, cell)
    np.testing.assert_allclose(have["discharge_capacity"].values, want["discharge_capacity"].values, rtol=1e-5)


def test_a_maccor_row_with_current_at_rest_is_refused(stand_in, tmp_path):
    path = _maccor(stand_in, tmp_path / "cell.txt", state_of=lambda i: "R" if i < 0 else "C" if i > 0 else "R")
    with pytest.raises(FileFormatError, match=r"State 'R' with current .* expected C \(charge\), D \(discharge\)"):
        read_cycling(path)


def _basytec(ds, path):
    """``ds`` as a BaSyTec export: '~' facts and header, ';' fields, decimal commas, I in A, time in h."""
    head = ("~Resultfile from : BaSyTec Battery Test System\n~Name of Test: NaS-01\n~Battery: Cell01\n"
            "~Time[h];DataSet;Date;Line;Command;U[V];I[A];Ah[Ah];T1[°C];Cyc-Count;State\n")
    rows = "".join(f"{float(t) / 3600!r};{k};01.04.2026;2;Charge;{float(v)!r};{float(i) / 1000!r};0;25;{c};0\n"
                   .replace(".", ",").replace("01,04,2026", "01.04.2026")
                   for k, (t, v, i, c) in enumerate(zip(ds.time.values, ds.voltage.values, ds.current.values,
                                                        ds.cycle.values)))
    path.write_text(head + rows, encoding="latin-1")
    return path


def test_a_basytec_export_is_read_by_its_names(stand_in, tmp_path):
    got = read_cycling(_basytec(stand_in, tmp_path / "cell.txt"))
    assert got.attrs["source_format"] == "BaSyTec txt"
    assert got.attrs["instrument_column_map"] == str({"time": "Time[h]", "voltage": "U[V]", "current": "I[A]",
                                                      "cycle": "Cyc-Count"})
    np.testing.assert_allclose(got.current.values, stand_in.current.values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.time.values, stand_in.time.values, rtol=1e-12)
