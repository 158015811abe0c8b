"""A study's comparison.csv says each column's unit in its header, as a notebook's results table says
each quantity's ("BET area (m2/g)"): ``bet_area (m2/g)``, ``bet_area_sigma (m2/g)``, a dimensionless
or text column and the flags bare. Before, only comparison.nc (attributes) and samples/*.csv (a unit
column) carried units: the CSV a user opens first had none (bet_area, first_discharge_capacity, ...).

The headline rows are written as a notebook writes them (results/headline.csv) and gathered by
:func:`nakit.study.compare`; the header, the numbers and :func:`nakit.study.read_comparison` are checked
against them and against comparison.nc.
"""

import csv

import pytest
import xarray as xr

from nakit.batch.engine import JobResult
from nakit.report import HEADLINE_COLUMNS
from nakit.study import Study, compare

# (sample, key, quantity, value, sigma, unit): two units of one key (a cell without its mass in mAh)
ROWS = [
    ("A", "bet_area", "BET area", "193.7", "1.2", "m2/g", ""),
    ("B", "bet_area", "BET area", "25.8", "0.4", "m2/g", "C = 4.5 < 20"),
    ("A", "first_discharge_capacity", "first discharge capacity", "440.5", "", "mAh/g", ""),
    ("B", "first_discharge_capacity", "first discharge capacity", "5.086", "", "mAh", ""),
    ("A", "phases_present", "phases present", "LaB6", "", "", ""),
    ("B", "unexplained_peaks", "unexplained peaks", "3", "", "", ""),
]


@pytest.fixture
def comparison(tmp_path):
    run = tmp_path / "toy"
    (run / "results").mkdir(parents=True)
    with open(run / "results" / "headline.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADLINE_COLUMNS, lineterminator="\n")
        w.writeheader()
        for sample, key, quantity, value, sigma, unit, flags in ROWS:
            w.writerow(dict(sample=sample, notebook="toy", key=key, quantity=quantity, value=value, sigma=sigma,
                            unit=unit, flags=flags, note=""))
    study = Study(tmp_path / "study.yaml", "Units", tmp_path / "out", None, ["A", "B"], {"toy": ["A", "B"]}, [], [])
    comp = compare(study, [JobResult("toy", str(run), "ran")])
    return comp


def test_every_column_with_a_unit_names_it_in_its_header(comparison):
    with open(comparison.csv, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == ["sample", "bet_area (m2/g)", "bet_area_sigma (m2/g)", "bet_area_flags",
                      "first_discharge_capacity (mAh/g)", "first_discharge_capacity_in_mAh (mAh)",
                      "phases_present", "unexplained_peaks"]


def test_read_comparison_gives_the_values_by_name_and_the_units_of_comparison_nc(comparison):
    from nakit.study import read_comparison  # (new with the units: here, so the header test runs without it)

    rows, units = read_comparison(comparison.csv)
    table = {r["sample"]: r for r in rows}
    assert float(table["A"]["bet_area"]) == 193.7 and float(table["B"]["bet_area_sigma"]) == 0.4
    assert table["B"]["bet_area_flags"] == "C = 4.5 < 20"
    assert float(table["A"]["first_discharge_capacity"]) == 440.5 and table["B"]["first_discharge_capacity"] == ""
    assert float(table["B"]["first_discharge_capacity_in_mAh"]) == 5.086
    assert table["A"]["phases_present"] == "LaB6"
    with xr.open_dataset(comparison.nc, engine="h5netcdf") as ds:
        expected = {name: ds[name].attrs["units"] for name in ds.data_vars
                    if ds[name].attrs.get("units", "1") != "1"}
    assert units == expected == {"bet_area": "m2/g", "bet_area_sigma": "m2/g", "first_discharge_capacity": "mAh/g",
                                 "first_discharge_capacity_in_mAh": "mAh"}
