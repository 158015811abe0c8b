"""A band fitted by name moves within the very range in which the assignment names its species.

The fit allowed centre +/- (the larger library half-width + 5) while the assignment used
[min - 5, max + 5]: ZnF2's B2g band (515-530 cm-1) fitted at its bound 509.0 was "anatase",
polystyrene's 1155.3 (1150-1160) at 1165.6 "unassigned".
"""

from __future__ import annotations

import pytest

from nakit.raman.bands import assign, library_band, library_bands, load_band_library

LIBRARY = """species,band,center,min,max,typical_fwhm,shape,citation
polystyrene,C-C stretch,1155.3,1150,1160,10,lorentzian,ASTM E1840
anatase,A1g+B1g,516,511,521,20,lorentzian,Ohsaka 1978
ZnF2,A1g,350,343,357,10,lorentzian,Porto 1967
ZnF2,B2g,522,515,530,10,lorentzian,Porto 1967
"""


@pytest.fixture
def library(tmp_path):
    path = tmp_path / "bands.csv"
    path.write_text(LIBRARY, encoding="utf-8")
    return load_band_library(path)


@pytest.mark.parametrize("tolerance", [0.0, 5.0, 12.0])
def test_a_band_on_either_bound_is_a_candidate_of_its_own_species(library, tolerance):
    for _, row in library.iterrows():
        band = library_band(row["species"], near=row["center"], tolerance=tolerance, library=library)
        lo, hi = band.center_bounds
        assert (lo, hi) == (row["min"] - tolerance, row["max"] + tolerance)
        for edge in (lo, hi):
            table = assign({"b": edge}, tolerance=tolerance, library=library, carbon=False)
            assert row["species"] in table.loc[0, "candidates"].split("; ")


def test_zinc_fluoride_and_polystyrene_bounds(library):
    zn = {b.name: b for b in library_bands("ZnF2", library=library)}
    assert zn["ZnF2 522"].center_bounds == (510.0, 535.0)  # was 509-535
    assert library_band("polystyrene", library=library).center_bounds == (1145.0, 1165.0)  # was 1145-1165.6 (!)
    table = assign({"at 510": 510.0, "at 1165": 1165.0}, library=library, carbon=False).set_index("label")
    assert table.loc["at 510", "assignment"] == "ambiguous: anatase | ZnF2"  # (closest first)
    assert table.loc["at 1165", "assignment"] == "polystyrene"
