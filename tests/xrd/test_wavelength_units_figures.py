"""The XRD figures read a scan's wavelength in its ``wavelength_units`` attr, as the analyses do:
a scan labelled in nm was grouped and drawn at a wavelength ten times too short."""

import pytest

from nakit.paths import data_dir
from nakit.quicklook import quicklook
from nakit.xrd import read_xrd
from nakit.xrd.simulate import by_wavelength


def _scan(unit="angstrom"):
    ds = read_xrd(data_dir() / "xrd" / "annealed.raw")  # a stand-in (synthesised), Cu K-alpha in angstrom
    if unit == "nm":
        ds = ds.copy()
        ds.attrs.update(wavelength=ds.attrs["wavelength"] / 10, wavelength_units="nm")
        if ds.attrs.get("wavelength_ka2"):
            ds.attrs["wavelength_ka2"] = ds.attrs["wavelength_ka2"] / 10
    return ds


def test_scans_in_nm_and_in_angstrom_are_one_wavelength():
    a, nm = _scan(), _scan("nm")
    groups = by_wavelength({"in A": a, "in nm": nm})
    assert list(groups.values()) == [["in A", "in nm"]]
    assert next(iter(groups)) == pytest.approx(float(a.attrs["wavelength"]), rel=1e-12)


def test_quicklook_names_the_wavelength_in_angstrom():
    fig = quicklook(_scan("nm"))
    label = fig.axes[0].get_xlabel()
    assert label == f"2θ (°), λ = {float(_scan().attrs['wavelength']):.5g} Å" == "2θ (°), λ = 1.5406 Å"
