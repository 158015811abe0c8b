"""nakit's unit strings through pint-xarray (#18): every reader's output quantifies and comes back."""

import numpy as np
import pytest
import xarray as xr

from nakit.errors import MissingDependencyError
from tests.contract.registry import FULL

pint = pytest.importorskip("pint")
pytest.importorskip("pint_xarray")

from nakit.units import SPELLINGS, dequantify, parse_units, quantify, set_application_registry, unit_registry  # noqa: E402


@pytest.mark.parametrize("case", FULL, ids=lambda c: c.id)
def test_every_reader_output_round_trips_through_pint(case, tmp_path):
    try:
        ds = case.read(case.sample(tmp_path))
    except MissingDependencyError as exc:
        pytest.skip(str(exc))
    q = quantify(ds)
    repr(q)  # a quantified Dataset can be displayed
    quantity = unit_registry().Quantity
    # levels of a multi-index (an isotherm's relative_pressure) stay plain, their units in attrs
    levels = {name for name, index in ds.xindexes.items()
              if isinstance(index, xr.indexes.PandasMultiIndex) and name != index.dim}
    for name, var in ds.variables.items():
        numeric_with_units = var.dtype.kind in "biufc" and isinstance(var.attrs.get("units"), str)
        assert isinstance(q[name].data, quantity) == (numeric_with_units and name not in levels), name
        if numeric_with_units and name not in levels:
            assert q[name].data.units == parse_units(var.attrs["units"]), name
        elif numeric_with_units:
            assert q[name].attrs["units"] == var.attrs["units"], name
            parse_units(var.attrs["units"])
    # string labels (a sorption branch) are not quantities and carry no units
    for name, var in ds.variables.items():
        if var.dtype.kind in "OUS":
            assert "units" not in var.attrs, f"label {name!r} carries units"
    xr.testing.assert_identical(dequantify(q), ds)


def test_nakit_spellings_mean_what_they_say():
    ureg = unit_registry()
    # cm3/g STP is an amount per mass: 1 cm3 of gas at STP is 1/22414 mol (Micromeritics' molar volume)
    from nakit.sorption.units import convert_loading

    q = ureg.Quantity(np.array([1.0, 250.0]), "cm3/g STP")
    np.testing.assert_allclose(q.to("mmol/g").magnitude, convert_loading([1.0, 250.0], "cm3/g STP", "mmol/g"),
                               rtol=1e-12)
    assert ureg.Quantity(1520.0, "cm-1").to("1/m").magnitude == pytest.approx(152000.0)
    assert ureg.Quantity(1.0, "m2/g").to("cm**2/g").magnitude == pytest.approx(1e4)
    assert ureg.Quantity(200.0, "mAh/g").to("C/g").magnitude == pytest.approx(720.0)
    assert ureg.Quantity(2.0, "counts/s").to("cps").magnitude == pytest.approx(2.0)
    assert parse_units("") == parse_units("1") == ureg.dimensionless
    # every spelling nakit uses parses, and different spellings are different units
    units = [parse_units(s) for s in SPELLINGS]
    assert len(set(units)) == len(units)


def test_converted_units_dequantify_to_a_string_pint_reads_back():
    from nakit.bridges import from_dataframe
    import pandas as pd

    ds = from_dataframe(pd.DataFrame({"raman_shift": [100.0, 200.0, 300.0], "intensity": [1.0, 3.0, 2.0]}), "raman")
    q = quantify(ds)
    # pint-xarray parses unit strings with the application registry; nakit units go in as objects
    q = q.pint.to(raman_shift=parse_units("1/m"), intensity=parse_units("kcount"))
    back = dequantify(q)
    assert parse_units(back["raman_shift"].attrs["units"]) == parse_units("1/m")
    np.testing.assert_allclose(back["raman_shift"].values, [1e4, 2e4, 3e4])
    assert parse_units(back["intensity"].attrs["units"]) == parse_units("kcount")
    np.testing.assert_allclose(back["intensity"].values, [1e-3, 3e-3, 2e-3])


def test_application_registry_lets_the_pint_accessor_read_nakit_units():
    from nakit.bridges import from_dataframe
    import pandas as pd

    ds = from_dataframe(pd.DataFrame({"relative_pressure": [0.05, 0.1, 0.2], "loading": [100.0, 110.0, 120.0]}),
                        "sorption")
    before = pint.get_application_registry().get()
    try:
        set_application_registry()
        q = ds.pint.quantify()
        assert q["loading"].pint.to("mmol/g").pint.magnitude == pytest.approx(np.array([100, 110, 120]) / 22.414)
    finally:
        pint.set_application_registry(before)
