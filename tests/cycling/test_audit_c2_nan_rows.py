"""A blank (NaN) value in a record is refused, naming its row and column, never computed with.

make_record refused a blank time, voltage or current but took the other columns as given, from the
real LAND export's own columns with one value blanked: a blank cycle index became -9.2e18 and was
refused as "cycle goes backwards (3 then -9.22337e+18)"; a blank step time at the start of a step
made the integrated capacity and energy of that row and every later one NaN, without a word; a blank
step was cast to an integer (a RuntimeWarning) and split its step; a blank cycler counter was kept.
A record set to NaN after reading reached dqdv, which binned a NaN capacity into NaN curves or failed
with "cannot convert float NaN to integer" for a NaN voltage.
"""

import numpy as np
import pytest

from nakit.cycling import cycler_table, dqdv, halves_present, make_record, read_cycling, summarise
from nakit.errors import FileFormatError, ParameterError
from tests.peer import peer_file

pytestmark = pytest.mark.filterwarnings("ignore::nakit.errors.NakitWarning")


@pytest.fixture(scope="module")
def land():
    return read_cycling(peer_file("echem", "cellpy", "custom_data_002.xlsx"))


def _columns(rec):
    return dict(cycle=rec["cycle"].values.astype(float), step=rec["step"].values.astype(float),
                step_time=rec["step_time"].values.astype(float), capacity_cycler=rec["capacity_cycler"].values.copy(),
                energy_cycler=rec["energy_cycler"].values.copy())


@pytest.mark.parametrize("column", ["cycle", "step", "step_time", "capacity_cycler", "energy_cycler"])
def test_a_blank_value_in_any_column_is_refused_naming_its_line(land, column):
    columns = _columns(land)
    # the first row of a step: where a blank step time reached every later capacity
    row = int(np.flatnonzero(np.diff(land["step"].values) != 0)[5]) + 1
    columns[column][row] = np.nan
    with pytest.raises(FileFormatError, match=rf"non-finite {column} value nan.*blank") as err:
        make_record(land["time"].values, land["voltage"].values, land["current"].values, path="cell.xlsx",
                    row_offset=2, **columns)
    assert err.value.line == row + 2 and err.value.field == column


@pytest.mark.parametrize("variable", ["voltage", "current", "capacity", "capacity_cycler"])
@pytest.mark.parametrize("analysis", [summarise, dqdv, halves_present])
def test_a_record_set_to_nan_after_reading_is_refused_naming_the_row(land, variable, analysis):
    edited = land.copy(deep=True)
    row = int(np.flatnonzero(edited["cycle"].values == 3)[50])
    edited[variable].values[row] = np.nan
    with pytest.raises(ParameterError, match=rf"{variable} is nan at row {row} \(t = "):
        analysis(edited)


def test_the_intact_record_still_reads_and_summarises(land):
    columns = _columns(land)
    rec = make_record(land["time"].values, land["voltage"].values, land["current"].values, **columns)
    assert np.isfinite(rec["capacity"].values).all()
    # the cycles of the cycler's own Cycle-Tab, each capacity as its CapD
    table = cycler_table(land)
    s = summarise(rec)
    np.testing.assert_array_equal(s["cycle"].values, table["cycle"].values)
    np.testing.assert_allclose(s["discharge_capacity"].values, table["discharge_capacity"].values, rtol=1e-3)
