"""The result convention (#18): ok, flags, to_dict, to_dataset, _repr_html_, result_table."""

from __future__ import annotations

import dataclasses
import importlib
import warnings
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pytest
import xarray as xr

from nakit.report import fmt

from nakit.datamodel import Result, check_conventions, result_table
from nakit.errors import NakitWarning
from nakit.xrd.refine import CellRefinement, refine_cell, refine_cell_raw

LAMBDA = 1.5405929  # Cu K-alpha1, angstrom
FCC = np.array([[1, 1, 1], [2, 0, 0], [2, 2, 0], [3, 1, 1], [2, 2, 2], [4, 0, 0], [3, 3, 1], [4, 2, 0]])


def _positions(hkl, a, noise=0.002, seed=0):
    tt = 2 * np.degrees(np.arcsin(LAMBDA * np.sqrt((hkl ** 2).sum(axis=1)) / (2 * a)))
    return tt + np.random.default_rng(seed).normal(0, noise, len(tt))


@pytest.fixture(scope="module")
def cell():
    return refine_cell_raw(_positions(FCC, 6.539), FCC, "Cu", "cubic", centring="F")


def test_cell_refinement_follows_the_convention(cell, tmp_path):
    assert isinstance(cell, Result) and cell.ok and cell.flags == ()
    row = cell.to_dict()
    assert row["result"] == "CellRefinement" and row["ok"] is True and row["flags"] == ""
    assert row["a"] == pytest.approx(6.539, abs=5e-4) and 0 < row["a_sigma"] < 5e-4
    assert row["n_lines"] == len(FCC) and row["system"] == "cubic"
    ds = cell.to_dataset()
    check_conventions(ds, provenance=False)
    assert ds["a"].attrs["units"] == ds["a_sigma"].attrs["units"] == "angstrom"
    assert ds["two_theta_obs"].dims == ("line",) and ds["two_theta_obs"].attrs["units"] == "deg"
    assert ds["correlation"].dims == ("parameter", "parameter_2")
    assert list(ds["parameter"].values) == ["a", "zero"]
    # a and zero are correlated (both shift every line), and the matrix says so symmetrically
    c = ds["correlation"].values
    np.testing.assert_allclose(c, c.T)
    np.testing.assert_allclose(np.diag(c), 1.0)
    assert abs(c[0, 1]) > 0.5
    path = tmp_path / "cell.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        assert float(back["a"]) == cell.a and back.attrs["ok"] == 1
    html = cell._repr_html_()
    # rounded to its uncertainty as the reports print it (report.fmt), not 6 digits beside a 2-digit sigma
    assert f"<td>a</td><td>{fmt(cell.a, cell.a_sigma)}</td>" in html and " ± " in fmt(cell.a, cell.a_sigma)
    assert "angstrom" in html and "ok: no check failed" in html


def test_a_doubtful_indexing_is_flagged_not_silently_returned():
    # the same lines with two hkl swapped: the cell fits badly and M20 collapses
    wrong = FCC.copy()
    wrong[[2, 5]] = wrong[[5, 2]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the raw function flags without warning (indexing calls it per trial)
        bad = refine_cell_raw(_positions(FCC, 6.539), wrong, "Cu", "cubic", centring="F")
    assert bad.m20 < 10 and bad.flags == ("m20_below_10",) and not bad.ok
    assert bad.to_dict()["flags"] == "m20_below_10" and bad.to_dataset().attrs["ok"] == 0
    assert "flagged: m20_below_10" in bad._repr_html_()
    # refine_cell, a user's refinement of an identified phase, warns as well
    import pandas as pd
    from nakit.xrd.simulate import reflections
    from nakit.xrd.structures import crystal_from_parameters

    na2s = crystal_from_parameters("Fm-3m", 6.539, [("Na", .25, .25, .25, 1, 1.5), ("S", 0, 0, 0, 1, 1.0)], name="x")
    st = reflections(na2s, "Cu", 80)
    calc = np.asarray(st.two_theta)[:8]
    obs = calc.copy()
    obs[[2, 5]] = obs[[5, 2]]  # lines assigned to the wrong reflections
    table = pd.DataFrame({"two_theta_obs": obs, "phase": "x", "two_theta_calc": calc})
    with pytest.warns(NakitWarning, match="x: cubic cell refined on 8 lines has M20"):
        assert "m20_below_10" in refine_cell(table, "x", "Cu", crystal=na2s).flags


@dataclass
class _Toy(Result):
    units: ClassVar[dict] = {"height": "m", "profile": "m", "x": "s"}
    dims: ClassVar[dict] = {"profile": "x"}

    height: float
    height_sigma: float
    profile: np.ndarray
    settings: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()


def test_result_table_tabulates_mixed_results_in_one_call(cell):
    toy = _Toy(2.0, 0.1, np.arange(3.0), {"method": "analytic", "order": 2}, flags=("edge",))
    table = result_table({"cell": cell, "toy": toy})
    assert list(table.index) == ["cell", "toy"]
    assert table.loc["toy", "height"] == 2.0 and np.isnan(table.loc["toy", "a"])
    assert table.loc["toy", "settings_method"] == "analytic" and table.loc["toy", "ok"] == False  # noqa: E712
    assert table.loc["cell", "a"] == cell.a
    ds = toy.to_dataset()
    assert ds.attrs["settings_order"] == 2 and ds.attrs["flags"] == "edge"
    assert ds["profile"].dims == ("x",) and ds["profile"].attrs["units"] == "m"


def test_an_array_without_a_declared_dimension_is_a_class_bug():
    @dataclass
    class Bad(Result):
        values: np.ndarray
        flags: tuple[str, ...] = ()

    with pytest.raises(ValueError, match="Bad.values is an array or table without a declared dimension"):
        Bad(np.arange(3.0)).to_dataset()


RESULT_MODULES = ("nakit.xrd.refine", "nakit.xrd.indexing", "nakit.xrd.size", "nakit.xrd.phase_id",
                  "nakit.xrd.scaling", "nakit.xrd.background", "nakit.sorption.bet", "nakit.sorption.bjh",
                  "nakit.sorption.tplot", "nakit.sorption.porevolume", "nakit.sorption.hysteresis",
                  "nakit.sorption.dft", "nakit.raman.fitting", "nakit.raman.calibration", "nakit.raman.carbon",
                  "nakit.eis.fitting", "nakit.eis.kk", "nakit.eis.drt", "nakit.eis.conductivity",
                  "nakit.eis.interface", "nakit.cycling.fade", "nakit.cycling.dqdv")


def _result_classes():
    for module in RESULT_MODULES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importlib.import_module(module)
    return [c for c in Result.__subclasses__() if c.__module__.startswith("nakit.")]


def test_every_result_class_declares_units_for_its_numbers():
    """Executable convention: numeric fields of every Result subclass have units (sigmas share them).

    A class whose units depend on the instance overrides ``result_units``; its units are
    checked on real instances (tests/test_results_remaining.py: check_conventions fails on any
    numeric variable without units), its dimensions here.
    """
    classes = _result_classes()
    assert CellRefinement in classes
    for cls in classes:
        per_instance = cls.result_units is not Result.result_units
        for f in dataclasses.fields(cls):
            kind = str(f.type)
            if f.name.endswith("_sigma") or f.name == "flags" or f.name in cls.internal:
                continue
            if any(t in kind for t in ("float", "int", "ndarray")) and not per_instance:
                assert f.name in cls.units, f"{cls.__name__}.{f.name} has no declared unit"
            if "ndarray" in kind or "DataFrame" in kind:
                assert f.name in cls.dims, f"{cls.__name__}.{f.name} has no declared dimension"


def test_every_analysis_result_follows_the_convention():
    """No result class of nakit is left outside the convention: the ones converted last are Results too."""
    from nakit.cycling.dqdv import Plateau
    from nakit.cycling.fade import FadeFit
    from nakit.eis.conductivity import ArrheniusFit
    from nakit.eis.fitting import CircuitFit
    from nakit.raman.fitting import BandFit
    from nakit.xrd.background import BackgroundFit
    from nakit.xrd.phase_id import PhaseID
    from nakit.xrd.scaling import WholePatternFit

    classes = _result_classes()
    for cls in (BandFit, PhaseID, WholePatternFit, BackgroundFit, CircuitFit, ArrheniusFit, FadeFit, Plateau):
        assert cls in classes, cls.__name__
    # CircuitFit's per-parameter ``units`` and FadeFit's capacity unit are instance fields, not a
    # default shared by all fits
    for cls in (CircuitFit, FadeFit):
        units_field = next(f for f in dataclasses.fields(cls) if f.name == "units")
        assert units_field.default is dataclasses.MISSING and units_field.default_factory is dataclasses.MISSING
    # per-item rows of a result that holds their verdict stay plain records (datamodel's Results section)
    from nakit.eis.drt import DRTPeak
    from nakit.xrd.background import HumpFit

    assert not issubclass(DRTPeak, Result) and not issubclass(HumpFit, Result)
