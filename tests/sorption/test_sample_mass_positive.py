"""A sample mass that is no mass: given as a fact (-1, 0, NaN) it was stored without complaint,
and an AIF stating ``_adsnt_sample_mass -0.0455`` was read; every loading per gram rests on it."""

import math

import pytest

from nakit import read
from nakit.errors import InvalidDataError, ParameterError
from tests.peer import peer_file


@pytest.mark.parametrize("mass", [-1.0, 0.0, math.nan, math.inf])
def test_a_stated_mass_must_be_positive(mass):
    path = peer_file("sorption", "betsi", "MCM-41.csv")
    with pytest.raises(ParameterError, match=r"sample fact sample_mass_g=.*: expected a positive number"):
        read(path, sample_mass_g=mass)
    assert read(path, sample_mass_g=0.05).attrs["sample_mass_g"] == 0.05


@pytest.mark.parametrize("mass", ["-0.0455", "0"])
def test_an_aif_stating_no_mass_is_refused_naming_the_field(tmp_path, mass):
    src = peer_file("sorption", "aif-examples", "Sample_G.aif_tst")
    text = src.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("_adsnt_sample_mass"))
    damaged = tmp_path / "Sample_G.aif_tst"
    damaged.write_text(text.replace(line, f"_adsnt_sample_mass {mass}"), encoding="utf-8")
    with pytest.raises(InvalidDataError, match=rf"field '_adsnt_sample_mass': the sample mass {mass} is no mass"):
        read(damaged)
    assert read(src).attrs["sample_mass_g"] > 0
