"""Retention names its reference cycle and half-cycle; LAND's RetentionD has its own reference.

LAND's Cycle-Tab "RetentionD" of the peer file is relative to cycle 3's charge (43.37 % at cycle
14); nakit's default is cycle 1 (35.12 %), and ``retention_reference=3`` reproduces LAND's. The
summary says which cycle and which half it is relative to, in the variable's long name and in
``attrs["retention_reference"]``, so a report can say it too.
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.cycling import cycler_table, read_cycling, summarise
from tests.peer import peer_file

LAND = ("echem", "cellpy", "custom_data_002.xlsx")


@pytest.mark.peer
def test_retention_names_its_reference_and_lands_is_cycle_3():
    rec = read_cycling(peer_file(*LAND))
    table = cycler_table(rec)
    own = summarise(rec)
    assert own.attrs["retention_reference"] == 1
    assert own["retention"].attrs["long_name"] == "charge capacity (the second half-cycle) as % of cycle 1's"
    assert own["retention"].values[13] == pytest.approx(35.12, abs=0.01)
    # LAND's own column is relative to cycle 3: 100 % there, 43.37 % at cycle 14
    assert table["retention"].values[2] == pytest.approx(100.0)
    lands = summarise(rec, retention_reference=3)
    assert lands.attrs["retention_reference"] == 3
    assert lands["retention"].attrs["long_name"].endswith("as % of cycle 3's")
    np.testing.assert_allclose(lands["retention"].values, table["retention"].values, rtol=1e-4)
    assert lands["retention"].values[13] == pytest.approx(43.37, abs=0.01)


def test_retention_of_a_cell_that_starts_with_a_charge_follows_the_discharge():
    t = np.arange(0, 4 * 3600, 60.0)  # charge, discharge, charge, discharge: an hour each
    i = np.where((t // 3600) % 2 == 0, 1.0, -0.9)
    s = summarise(read_like(t, i))
    assert s["retention"].attrs["long_name"] == "discharge capacity (the second half-cycle) as % of cycle 1's"


def read_like(t, i):
    from nakit.cycling import make_record

    return make_record(t, 2.0 + 0.1 * np.sign(i) + 1e-5 * t, i)
