"""Structures from parameters (no CIF) and refine_cell computing its own sticks (#18)."""

from __future__ import annotations

import gemmi
import numpy as np
import pytest

from nakit.errors import FileFormatError, ParameterError
from nakit.xrd import Phase, fit_peaks, identify_phases, read_cif, reference, refine_cell
from nakit.xrd.simulate import clear_sticks_cache, reflections
from nakit.xrd.structures import Site, crystal_from_parameters, library
from tests.peer import peer_file
from tests.xrd.test_analysis import _measured


def cubic_cif(name: str, a: float, symbol: str, sites: str, *, ops: str = "") -> str:
    """A cubic CIF: cell, space group, an optional symmetry-operation loop and the atom sites
    (rows of label, element, x, y, z, occupancy, B)."""
    return (f"data_{name}\n" + "".join(f"_cell_length_{k} {a}\n" for k in "abc")
            + "".join(f"_cell_angle_{k} 90\n" for k in ("alpha", "beta", "gamma"))
            + f"_symmetry_space_group_name_H-M '{symbol}'\n{ops}loop_\n"
            + "".join(f"_atom_site_{k}\n" for k in ("label", "type_symbol", "fract_x", "fract_y", "fract_z",
                                                     "occupancy", "B_iso_or_equiv"))
            + sites)


NACL_CIF = cubic_cif("NaCl", 5.6402, "F m -3 m", "Na1 Na 0 0 0 1.0 1.6\nCl1 Cl 0.5 0.5 0.5 1.0 1.2\n")


def _sites(crystal):
    """Atoms of the full cell as sortable rows (element, x, y, z, occupancy, B)."""
    return sorted((e, *np.round(f, 6), round(o, 6), round(b, 6))
                  for e, f, o, b in zip(crystal.elements, crystal.frac, crystal.occupancy, crystal.b_iso))


def assert_same_crystal_and_sticks(built, cif, wavelength="Cu", two_theta_max=130.0):
    assert built.cell == pytest.approx(cif.cell)
    assert gemmi.find_spacegroup_by_name(built.spacegroup).number == gemmi.find_spacegroup_by_name(cif.spacegroup).number
    assert built.centrosymmetric == cif.centrosymmetric
    assert _sites(built) == _sites(cif)
    clear_sticks_cache()  # each route computes its own reflections
    a = reflections(built, wavelength, two_theta_max)
    clear_sticks_cache()
    b = reflections(cif, wavelength, two_theta_max)
    assert len(a) == len(b) > 0
    np.testing.assert_allclose(a.two_theta, b.two_theta, rtol=1e-12)
    np.testing.assert_array_equal(np.abs(np.asarray(a.hkl)), np.abs(np.asarray(b.hkl)))
    np.testing.assert_allclose(a.intensity, b.intensity, rtol=1e-9)
    return a


def test_na2s_from_parameters_is_the_cif():
    built = crystal_from_parameters("Fm-3m", {"a": 6.539},
                                    [Site("Na", 0.25, 0.25, 0.25, b_iso=1.5), ("S", 0, 0, 0, 1.0, 1.0)],
                                    name="Na2S_Fm-3m")
    assert built.name == "Na2S_Fm-3m" and len(built.elements) == 12  # 8 Na + 4 S in the cell
    assert_same_crystal_and_sticks(built, reference("Na2S"))


def test_nacl_type_from_parameters_is_the_cif(tmp_path):
    path = tmp_path / "NaCl.cif"
    path.write_text(NACL_CIF)
    built = crystal_from_parameters(225, 5.6402, [{"element": "Na", "x": 0, "y": 0, "z": 0, "b_iso": 1.6},
                                                  {"element": "Cl", "x": 0.5, "y": 0.5, "z": 0.5, "b_iso": 1.2}])
    sticks = assert_same_crystal_and_sticks(built, read_cif(path))
    # rock salt: F-centred, (200) at 2 asin(lambda / 2d), d = a/2, and stronger than (111) (f_Na - f_Cl)
    frame = sticks.to_frame()
    hkl = [tuple(sorted(np.abs(h))) for h in sticks.hkl]
    i200, i111 = hkl.index((0, 0, 2)), hkl.index((1, 1, 1))
    assert sticks.two_theta[i200] == pytest.approx(2 * np.degrees(np.arcsin(1.5405929 / 5.6402)), abs=1e-9)
    assert frame["intensity"].iloc[i200] > 5 * frame["intensity"].iloc[i111]
    assert (1, 0, 0) not in hkl and (1, 1, 0) not in hkl  # F-centring absences


@pytest.mark.parametrize("name", sorted(library()))
def test_every_shipped_cif_rebuilt_from_its_numbers(name):
    """The asymmetric unit, cell and space group of each reference CIF, given as parameters."""
    st = gemmi.read_small_structure(str(library()[name]))
    c = st.cell
    sites = [Site(s.element.name, s.fract.x, s.fract.y, s.fract.z, s.occ, 8 * np.pi**2 * s.u_iso) for s in st.sites]
    built = crystal_from_parameters(st.spacegroup.xhm(), (c.a, c.b, c.c, c.alpha, c.beta, c.gamma), sites, name=name)
    assert_same_crystal_and_sticks(built, reference(name), two_theta_max=100.0)


def test_cell_follows_the_crystal_system():
    tet = crystal_from_parameters("P-421c", {"a": 8.7, "c": 7.1}, [("Na", 0, 0.5, 0.44)])
    assert tet.cell == (8.7, 8.7, 7.1, 90.0, 90.0, 90.0) and tet.system == "tetragonal"
    hexa = crystal_from_parameters("P63/mmc", {"a": 2.46, "c": 6.71}, [("C", 0, 0, 0.25), ("C", 1 / 3, 2 / 3, 0.25)])
    assert hexa.cell == (2.46, 2.46, 6.71, 90.0, 90.0, 120.0)


@pytest.mark.parametrize("args, match", [
    (("Xy-3z", 5.0, [("Na", 0, 0, 0)]), "unknown space group"),
    (("Fm-3m", 5.0, [("Qq", 0, 0, 0)]), "unknown element"),
    (("Fm-3m", 5.0, [("Na", 0, 0, 0, 1.5)]), r"occupancy 1.5 outside \(0, 1\]"),
    (("Fm-3m", 5.0, [("Na", 0, 0, 0, 1.0, -1.0)]), "B = -1.0"),
    (("Fm-3m", 5.0, [("Na", 0, np.nan, 0)]), "not finite"),
    (("Fm-3m", 5.0, []), "no sites"),
    (("P-421c", {"a": 8.7}, [("Na", 0, 0, 0)]), "non-finite values"),
    (("Fm-3m", {"a": 5.0, "b": 5.1}, [("Na", 0, 0, 0)]), "has b = a"),
    (("Fm-3m", -5.0, [("Na", 0, 0, 0)]), "lengths must be positive"),
])
def test_refusals(args, match):
    with pytest.raises(ParameterError, match=match):
        crystal_from_parameters(*args)


@pytest.fixture(scope="module")
def na2s_ids():
    x = np.arange(15, 100, 0.02)
    ds = _measured(Phase(reference("Na2S").with_cell(a=6.5432), 1e-3, 30.0), x)
    return identify_phases(fit_peaks(ds), "Cu", ["Na2S_Fm-3m", "Na3PS4_P-421c"])


def test_refine_cell_computes_its_own_sticks(na2s_ids):
    given = refine_cell(na2s_ids.assignments, "Na2S_Fm-3m", "Cu", sticks=na2s_ids.sticks["Na2S_Fm-3m"])
    own = refine_cell(na2s_ids.assignments, "Na2S_Fm-3m", "Cu")
    assert own.a == given.a and own.a_sigma == given.a_sigma
    assert abs(own.a - 6.5432) < 1e-3
    assert list(own.residuals[["h", "k", "l"]].abs().sum(axis=1)) == \
        list(given.residuals[["h", "k", "l"]].abs().sum(axis=1))


def test_refine_cell_on_a_structure_built_from_parameters():
    na2s = crystal_from_parameters("Fm-3m", {"a": 6.539}, [("Na", 0.25, 0.25, 0.25, 1, 1.5), ("S", 0, 0, 0, 1, 1.0)],
                                   name="my-Na2S")
    x = np.arange(15, 100, 0.02)
    ds = _measured(Phase(na2s.with_cell(a=6.5432), 1e-3, 30.0), x)
    ids = identify_phases(fit_peaks(ds), "Cu", [na2s])
    assert ids.present == ["my-Na2S"]
    cell = refine_cell(ids.assignments, "my-Na2S", "Cu", crystal=na2s)
    assert abs(cell.a - 6.5432) < 1e-3
    # a crystal that is not the one the lines were assigned from is refused, not silently mis-indexed
    wrong = crystal_from_parameters("Fm-3m", {"a": 6.40}, [("Na", 0.25, 0.25, 0.25), ("S", 0, 0, 0)], name="my-Na2S")
    with pytest.raises(ParameterError, match="not a reflection of 'my-Na2S'"):
        refine_cell(ids.assignments, "my-Na2S", "Cu", crystal=wrong)


RUTILE = ("xrd", "dans_diffraction", "Rutile.cif")


@pytest.mark.parametrize("old, new, said", [
    # gemmi took a cell missing a length as 1 x 1 x 1 A, and simulated rutile's lines from it
    ("_cell_length_c                   2.9540", "", r"field '_cell_length_c': no _cell_length_c: the unit cell is "
                                                   r"incomplete"),
    ("_cell_angle_gamma               90.0000", "_cell_angle_gamma               190.0000",
     r"field '_cell_angle_gamma': _cell_angle_gamma 190 deg: a cell angle lies between 0 and 180 deg"),
    (" Label  O 1.0000", " Label  Xq 1.0000", r"atom site 'Label': element 'Xq' is none nakit knows"),
    (" Label  O 1.0000", " Label  O 1.8000", r"atom site 'Label': occupancy 1.8, not in \(0, 1\]"),
    (" Label  O 1.0000", " Label  O 0.0000", r"atom site 'Label': occupancy 0, not in \(0, 1\]"),
])
def test_a_cif_gemmi_reads_but_nakit_would_simulate_wrongly_is_refused(tmp_path, old, new, said):
    text = peer_file(*RUTILE).read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "rutile.cif"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(FileFormatError, match=said) as err:
        read_cif(path)
    assert err.value.path == str(path)


def test_ionic_type_symbols_are_their_elements(tmp_path):
    """ICSD writes O2-, Ti4+: gemmi's small-structure reader takes them as O and Ti."""
    text = peer_file(*RUTILE).read_text(encoding="utf-8")
    path = tmp_path / "ionic.cif"
    path.write_text(text.replace(" Label  O 1.0000", " Label  O2- 1.0000").replace(" Label  Ti 1.0000",
                                                                                    " Label  Ti4+ 1.0000"))
    ionic, plain = read_cif(path), read_cif(peer_file(*RUTILE))
    assert ionic.elements == plain.elements == ("Ti", "Ti", "O", "O", "O", "O")


CU3AU_SITES = "Au1 Au 0 0 0 1 0.5\nCu1 Cu 0 0.5 0.5 1 0.5\n"


def test_a_cif_listing_fewer_operations_than_its_group_is_refused(tmp_path):
    """Cu3Au named Pm-3m with only x,y,z listed was read as P1 with two atoms: "AuCu (P1)", without a word."""
    import gemmi

    path = tmp_path / "cu3au.cif"
    path.write_text(cubic_cif("Cu3Au", 3.7485, "P m -3 m", CU3AU_SITES, ops="loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n"),
                    encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"field '_symmetry_equiv_pos_as_xyz': _symmetry_space_group_name_H-M "
                                              r"names space group P m -3 m \(48 symmetry operations, centring aside\) "
                                              r"but the _symmetry_equiv_pos_as_xyz loop lists 1"):
        read_cif(path)
    # every operation listed, or none: Pm-3m, with Cu on its three face centres
    every = "".join(f"'{op.triplet()}'\n" for op in gemmi.find_spacegroup_by_name("Pm-3m").operations())
    for name, ops in (("all.cif", f"loop_\n_space_group_symop_operation_xyz\n{every}"), ("none.cif", "")):
        (tmp_path / name).write_text(cubic_cif("Cu3Au", 3.7485, "P m -3 m", CU3AU_SITES, ops=ops), encoding="utf-8")
        c = read_cif(tmp_path / name)
        assert c.spacegroup == "P m -3 m" and sorted(c.elements) == ["Au", "Cu", "Cu", "Cu"]
