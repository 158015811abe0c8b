"""Cycles pair a record's half-cycles in time order, from the one that opens the record.

A Neware test in "Charge First" mode numbers its cycles charge-then-discharge even for a Li half
cell that starts with a discharge: its cycle 1 is that discharge alone and every later cycle pairs
a charge with the discharge after it. nakit used to follow that numbering and gave the Neware cell
CE = discharge / charge while a LAND cell of the same kind got charge / discharge, both on one axis.
The cycles now open with the record's first half-cycle whatever the cycler calls them; the
cycler's own numbers stay with the record (``cycle_cycler``) and the summary
(``charge_cycle_cycler``, ``discharge_cycle_cycler``). The Neware file's capacities are checked
against its own ``Statis`` sheet, the cycler's row per step, in time order.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.cycling import compare_with_cycler, cycler_table, make_record, read_cycling, summarise
from nakit.errors import NakitWarning
from tests.peer import peer_file

BTSDA = ("echem", "cellpy", "custom_data_003.xls")
LAND = ("echem", "cellpy", "custom_data_002.xlsx")


def quiet_summary(rec, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return summarise(rec, **kw)


def _statis(path):
    """The BTSDA Statis sheet's charge and discharge steps in time order: (cycler cycle, status,
    capacity mAh) per row."""
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Statis_14_1_3").to_python()
    head = [str(h) for h in rows[0]]
    cyc, status, cap = head.index("CyCle"), head.index("Status"), head.index("CapaCity(mAh)")
    return [(int(r[cyc]), str(r[status]), float(r[cap])) for r in rows[1:] if str(r[status]) != "Rest"]


@pytest.mark.peer
def test_neware_charge_first_record_opening_with_a_discharge_pairs_by_time():
    path = peer_file(*BTSDA)
    rec = read_cycling(path)
    assert rec.attrs["instrument_cycle_mode"] == "Charge First"
    assert "cycle_cycler" in rec.coords
    assert "opens with a discharge" in rec.attrs["cycle_source"]
    with pytest.warns(NakitWarning, match="cycle 14: no charge"):
        s = summarise(rec)
    assert s.attrs["first_half_cycle"] == "discharge"
    assert s.attrs["ce_orientation"].startswith("charge / discharge")
    steps = _statis(path)
    dis = [(c, q) for c, status, q in steps if "DChg" in status]
    chg = [(c, q) for c, status, q in steps if "DChg" not in status]
    assert len(dis) == 14 and len(chg) == 13
    # cycle k: the k-th discharge step and the k-th charge step, as the Statis rows run
    np.testing.assert_allclose(s["discharge_capacity"].values, [q for _, q in dis], rtol=1e-9)
    np.testing.assert_allclose(s["charge_capacity"].values[:13], [q for _, q in chg], rtol=1e-9)
    assert np.isnan(s["charge_capacity"].values[13])
    # the usual first-cycle efficiency of a half cell: first delithiation over first lithiation
    assert s["coulombic_efficiency"].values[0] == pytest.approx(100 * 3.1196841666666666 / 3.5241456666666666,
                                                                rel=1e-9)
    assert s["coulombic_efficiency"].values[0] == pytest.approx(88.52, abs=0.01)
    assert s["cycle_complete"].values.tolist() == [1] * 13 + [0]
    assert list(s.attrs["cycles_out_of_order"]) == []
    # the cycler's own numbers of each half, from its Statis rows
    np.testing.assert_array_equal(s["discharge_cycle_cycler"].values, [c for c, _ in dis])
    np.testing.assert_array_equal(s["charge_cycle_cycler"].values[:13], [c for c, _ in chg])
    assert s["charge_cycle_cycler"].values[:13].tolist() == list(range(2, 15))
    assert "each cycle here is a discharge and the charge after it" in s.attrs["cycle_source"]


@pytest.mark.peer
def test_cycler_table_compared_half_by_half_in_the_cyclers_numbering():
    """Each half-cycle is compared with the cycler's row of the cycle the cycler numbers it in,
    so a re-paired record still checks against the cycler's own table to 1e-4."""
    rec = read_cycling(peer_file(*BTSDA))
    s = quiet_summary(rec)
    c = compare_with_cycler(s, cycler_table(rec))
    assert c["charge_capacity_largest_relative_difference"] < 1e-4
    assert c["discharge_capacity_largest_relative_difference"] < 1e-4
    assert c["cycles_compared"] == 14
    assert "the cycler's numbering" in c["compared_with"]


@pytest.mark.peer
def test_land_half_cell_keeps_the_cyclers_cycles():
    """LAND pairs a discharge with the charge after it, as the record opens: nothing re-paired."""
    rec = read_cycling(peer_file(*LAND))
    assert rec.attrs["cycle_source"] == "cycler" and "cycle_cycler" not in rec.coords
    s = quiet_summary(rec)
    assert "charge_cycle_cycler" not in s
    assert s["coulombic_efficiency"].values[0] == pytest.approx(90.6074, abs=1e-3)  # LAND's Cycle-Tab


def _halves(spec, dt=60.0):
    """Columns of a record of constant-current half-cycles [(file cycle, +1/-1)], 10 rows each."""
    t, v, i, c = [], [], [], []
    now = 0.0
    for cycle, sign in spec:
        for k in range(10):
            t.append(now)
            now += dt
            v.append(3.0 + 0.1 * k if sign > 0 else 4.0 - 0.1 * k)
            i.append(float(sign) * (0.9 if sign > 0 else 1.0))
            c.append(cycle)
    return np.array(t), np.array(v), np.array(i), np.array(c)


@pytest.mark.parametrize("first_cycle", [0, 1])
def test_charge_first_numbering_of_a_cell_that_starts_with_a_discharge(first_cycle):
    t, v, i, c = _halves([(1, -1), (2, 1), (2, -1), (3, 1), (3, -1)])
    rec = make_record(t, v, i, cycle=c + first_cycle - 1)
    assert rec["cycle_cycler"].values.tolist() == (c + first_cycle - 1).tolist()
    # the opening discharges keep the file's numbers; each charge joins the discharge before it
    assert rec["cycle"].values.tolist() == ([0] * 20 + [1] * 20 + [2] * 10 if first_cycle == 0
                                            else [1] * 20 + [2] * 20 + [3] * 10)
    s = quiet_summary(rec)
    assert s.attrs["first_half_cycle"] == "discharge"
    np.testing.assert_allclose(s["coulombic_efficiency"].values[:2], 90.0)
    assert s["charge_cycle_cycler"].values[:2].tolist() == [first_cycle + 1, first_cycle + 2]
    assert s["discharge_cycle_cycler"].values.tolist() == [first_cycle, first_cycle + 1, first_cycle + 2]


def test_cycles_that_open_as_the_record_does_are_kept():
    t, v, i, c = _halves([(1, -1), (1, 1), (2, -1), (2, 1)])
    rec = make_record(t, v, i, cycle=c)
    assert rec.attrs["cycle_source"] == "cycler" and "cycle_cycler" not in rec.coords
    t, v, i, c = _halves([(1, 1), (2, 1), (2, -1)])  # a lone charge, then charge-first cycles
    rec = make_record(t, v, i, cycle=c)
    assert rec.attrs["cycle_source"] == "cycler"
    assert rec["cycle"].values.tolist() == c.tolist()
