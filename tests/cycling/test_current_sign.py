"""A record read with its current's sign reversed names every half-cycle after the other.

Capacities and energies swap, the Coulombic efficiency inverts and the "average discharge
voltage" is the charge's, with nothing in the numbers to show it. One physical fact does: a
cell's charge runs above its discharge at every state of charge (overpotentials), in every
peer record and stand-in.
"""

import csv
import warnings

import pytest

from nakit.cycling import read_cycling
from nakit.cycling.cycles import summarise
from nakit.cycling.record import make_record
from nakit.errors import NakitWarning
from nakit.paths import data_dir, notebooks_dir
from tests.peer import peer_file

STAND_IN = data_dir() / "cycling" / "ball_milled_45cycles.xlsx"
PEER = [("echem", "cellpy", "custom_data_002.xlsx"), ("echem", "cellpy", "custom_data_003.xls"),
        ("echem", "cellpy", "neware_uio.csv"), ("echem", "cellpy", "nw_regular_export_ife_example.csv"),
        ("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"),
        ("echem", "yadg", "gcpl.issue_149.mpt"), ("echem", "yadg", "mb.issue_95.mpt")]


def _quiet_summary(record):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return summarise(record, 1.0)


def export(path, *, voltage_scale=1.0, current_sign=1):
    """The stand-in written as a plain table under headings in V and mA, its voltages times
    ``voltage_scale``, its current times ``current_sign``."""
    rec = read_cycling(STAND_IN)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("time/s,Ewe/V,I/mA\n")
        fh.writelines(f"{t:.3f},{voltage_scale * v:.8g},{current_sign * i:.6g}\n" for t, v, i in
                      zip(rec.time.values, rec.voltage.values, rec.current.values))
    return path


def test_a_reversed_current_is_said_with_how_far_and_the_fix():
    rec = read_cycling(STAND_IN)
    assert _quiet_summary(rec).attrs["current_sign_doubt"] == ""
    reversed_ = make_record(rec.time.values, rec.voltage.values, -rec.current.values)
    with pytest.warns(NakitWarning, match="the discharge runs at a higher voltage than the charge in 45 of 45"):
        s = summarise(reversed_, 1.0)
    assert "current_sign_doubtful" in s.attrs["flags"].split(",")
    assert s.attrs["current_sign_doubt"].endswith("give the sample's current_sign -1 (nakit reads a positive "
                                                  "current as charge)")
    assert "hysteresis median -0.598 V" in s.attrs["current_sign_doubt"]


@pytest.mark.parametrize("parts", PEER)
def test_no_real_record_is_doubted(parts):
    s = _quiet_summary(read_cycling(peer_file(*parts)))
    assert s.attrs["current_sign_doubt"] == "" and "current_sign_doubtful" not in s.attrs["flags"]


@pytest.mark.notebooks
def test_notebook04_flags_every_result_and_current_sign_puts_it_right(tmp_path):
    from nakit.runner import execute

    path = export(tmp_path / "export.csv", current_sign=-1)

    def headline(sample):
        out = tmp_path / ("fixed" if "current_sign" in sample else "as read")
        result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": [sample]})
        assert result.ok, result.error
        with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
            return {r["key"]: r for r in csv.DictReader(fh)}

    as_read = headline({"label": "coin 3", "file": str(path), "active_mass_mg": 1.0})
    assert all("the discharge runs at a higher voltage than the charge" in r["flags"]
               for r in as_read.values() if r["value"])
    fixed = headline({"label": "coin 3", "file": str(path), "active_mass_mg": 1.0, "current_sign": -1})
    assert not any("higher voltage" in r["flags"] for r in fixed.values())
    original = _quiet_summary(read_cycling(STAND_IN))
    assert float(fixed["first_discharge_capacity"]["value"]) == pytest.approx(
        float(original["discharge_capacity"][0]) / 1e-3, rel=1e-4)
