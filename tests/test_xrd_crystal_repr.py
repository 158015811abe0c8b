"""A reference structure shown in a notebook (new-user audit A3, finding 16): its repr was 3,656
characters for Cu3Au, mostly the 48 rotation matrices of Pm-3m."""

from __future__ import annotations

from nakit.xrd import crystal_from_parameters, reference


def test_crystal_repr_is_short_and_names_what_identifies_it():
    text = repr(reference("Cu3Au_Pm-3m"))
    assert text == ("Crystal('Cu3Au_Pm-3m'; space group P m -3 m (cubic); cell a=3.7483 b=3.7483 c=3.7483 angstrom, "
                    "alpha=90 beta=90 gamma=90 deg; atoms 4 in the cell (Au1 Cu3); source Cu3Au_Pm-3m.cif)")
    assert "rotations" not in text and len(text) < 300


def test_crystal_html_repr_is_a_table_of_the_same():
    html = reference("Na3PS4_P-421c")._repr_html_()
    assert html.startswith("<div><b>Crystal Na3PS4_P-421c</b><table>")
    assert "<td>P -4 21 c (tetragonal)</td>" in html and "<td>16 in the cell (Na6 P2 S8)</td>" in html
    assert "a=6.952 b=6.952 c=7.076 angstrom" in html


def test_a_crystal_built_from_parameters_says_so():
    built = crystal_from_parameters("Fm-3m", {"a": 5.64}, [("Na", 0, 0, 0), ("Cl", 0.5, 0.5, 0.5)], name="rocksalt")
    assert repr(built).endswith("atoms 8 in the cell (Cl4 Na4); source parameters)")
