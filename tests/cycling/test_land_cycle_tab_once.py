"""A LAND workbook's Cycle-Tab is parsed once per read: for the active mass and for the cycler's table.

``read_land`` parsed the sheet twice (``_land_mass`` for CapD / SpeCapD, then the whole table); on a
long test that is every cycle's row read and converted again. The mass and the table read as before:
the stand-in's CapD 0.36 mAh over SpeCapD 240 mAh/g is 1.5 mg.
"""

import warnings
from pathlib import Path

import numpy as np

from nakit.cycling import readers
from nakit.cycling.record import cycler_table

LAND = Path(__file__).resolve().parents[2] / "data" / "cycling" / "ball_milled_rt.xlsx"


def test_the_cycle_tab_is_parsed_once_and_gives_the_mass_and_the_table(monkeypatch):
    parsed = []
    numbered_rows = readers._numbered_rows

    def counting(wb, name):
        parsed.append(name)
        return numbered_rows(wb, name)

    monkeypatch.setattr(readers, "_numbered_rows", counting)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = readers.read_land(LAND)
    assert parsed.count("Cycle-Tab") == 1, parsed
    assert parsed.count("Record-Tab") == 1, parsed
    assert np.isclose(rec.attrs["instrument_active_mass_mg"], 0.36 / 240 * 1e3)
    assert rec.attrs["instrument_active_mass_source"].startswith("its Cycle-Tab sheet's discharge capacity")
    table = cycler_table(rec)
    assert table["cycle"].values.tolist() == [1, 2, 3]
    assert np.isclose(table["discharge_capacity"].values[-1], 0.36)
