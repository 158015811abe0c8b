"""A study's headline results never put numbers of two units in one variable.

A cell without its active mass reports its capacity in mAh, the others in mAh/g; the gathered
``comparison.nc``/``.csv`` took the first sample's unit for the whole column, so 2035 mAh/g
showed as "2035" under "first discharge capacity (mAh)" in the study index.
"""

from types import SimpleNamespace

import numpy as np

from nakit.study import _frame_of, _formatted, headline_dataset

LABELS = ["no mass", "cell B", "cell C"]


def _row(sample, value, unit, flags=""):
    return {"sample": sample, "notebook": "04_cycling", "key": "first_discharge_capacity",
            "quantity": "first discharge capacity", "value": value, "sigma": "", "unit": unit, "flags": flags,
            "note": ""}


ROWS = [_row("no mass", "3.03", "mAh", "no active mass given: capacity in mAh, not per gram"),
        _row("cell B", "2035", "mAh/g"), _row("cell C", "480", "mAh/g")]


def test_values_in_another_unit_go_to_a_variable_of_their_own():
    ds = headline_dataset(SimpleNamespace(labels=LABELS, title="t"), ROWS)
    main, other = ds["first_discharge_capacity"], ds["first_discharge_capacity_in_mAh"]
    assert main.attrs["units"] == "mAh/g" and other.attrs["units"] == "mAh"  # the most common unit keeps the name
    np.testing.assert_array_equal(main.values, [np.nan, 2035.0, 480.0])
    np.testing.assert_array_equal(other.values, [3.03, np.nan, np.nan])
    assert other.attrs["unit_split_of"] == "first_discharge_capacity" and "unit_split_of" not in main.attrs
    assert list(ds["first_discharge_capacity_in_mAh_flags"].values) == [ROWS[0]["flags"], "", ""]
    assert "first_discharge_capacity_flags" not in ds


def test_one_unit_gives_one_variable_as_before():
    rows = [_row(s, v, "mAh/g") for s, v in zip(LABELS, ("1", "2", "3"))]
    ds = headline_dataset(SimpleNamespace(labels=LABELS, title="t"), rows)
    assert [v for v in ds.data_vars] == ["first_discharge_capacity"]
    assert ds["first_discharge_capacity"].attrs["units"] == "mAh/g"


def test_the_index_table_shows_each_unit_in_its_own_column():
    ds = headline_dataset(SimpleNamespace(labels=LABELS, title="t"), ROWS)
    table, present = _frame_of(ds, ["first_discharge_capacity"])
    shown = _formatted(ds, table, present)
    assert list(shown.columns[:2]) == ["first discharge capacity (mAh/g)", "first discharge capacity (mAh)"]
    assert shown.loc["cell B", "first discharge capacity (mAh/g)"] == "2035"
    assert shown.loc["cell B", "first discharge capacity (mAh)"] == ""
    assert shown.loc["no mass", "first discharge capacity (mAh)"] == "3.030 ⚑"  # four significant figures
