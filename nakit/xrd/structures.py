"""Crystal structures for pattern simulation, read from CIF with gemmi.

The reference library lives in ``data/references/*.cif`` (citations in that folder's
README.md); :func:`reference` loads one by name (``"Na2S"``, ``"Na3PS4_P-421c"``...).
gemmi parses the CIF and expands the asymmetric unit to every site of the unit cell, so
nakit holds no space-group tables of its own. :func:`crystal_from_parameters` builds the same
:class:`Crystal` without a CIF, from a space group, a cell and the asymmetric unit's atoms.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..errors import FileFormatError, ParameterError, existing_file
from ..paths import references_dir


@dataclass(frozen=True)
class Crystal:
    """A crystal structure: cell, space group and every atom of the unit cell.

    Attributes
    ----------
    cell
        a, b, c (angstrom), alpha, beta, gamma (deg).
    elements, frac, occupancy, b_iso
        One entry per atom in the full unit cell (after symmetry expansion);
        ``b_iso`` is the isotropic displacement parameter B = 8 pi^2 U (angstrom^2).
    rotations
        The space group's rotation matrices (integer, acting on fractional coordinates),
        used to merge symmetry-equivalent reflections.
    """

    name: str
    cell: tuple[float, float, float, float, float, float]
    spacegroup: str
    elements: tuple[str, ...]
    frac: np.ndarray
    occupancy: np.ndarray
    b_iso: np.ndarray
    rotations: np.ndarray
    centrosymmetric: bool
    source: str = ""

    @property
    def system(self) -> str:
        """Crystal system from the space-group number."""
        n = self.spacegroup_number
        for upper, name in ((2, "triclinic"), (15, "monoclinic"), (74, "orthorhombic"), (142, "tetragonal"),
                            (167, "trigonal"), (194, "hexagonal"), (230, "cubic")):
            if n <= upper:
                return name
        raise ParameterError(f"space group number {n} out of range")

    @property
    def spacegroup_number(self) -> int:
        import gemmi

        return gemmi.find_spacegroup_by_name(self.spacegroup).number

    def _summary(self) -> list[tuple[str, str]]:
        """What a reader needs to know the structure by: (label, value) rows for the reprs."""
        a, b, c, al, be, ga = self.cell
        counts: dict[str, float] = {}
        for element, occupancy in zip(self.elements, self.occupancy):
            counts[element] = counts.get(element, 0.0) + float(occupancy)
        contents = " ".join(f"{e}{n:g}" for e, n in sorted(counts.items()))
        return [("space group", f"{self.spacegroup} ({self.system})"),
                ("cell", f"a={a:.6g} b={b:.6g} c={c:.6g} angstrom, alpha={al:g} beta={be:g} gamma={ga:g} deg"),
                ("atoms", f"{len(self.elements)} in the cell ({contents})"),
                ("source", Path(self.source).name if self.source else "not stated")]

    def __repr__(self) -> str:
        # the dataclass's own repr printed every rotation matrix: 3,656 characters for Cu3Au
        return f"Crystal({self.name!r}; " + "; ".join(f"{k} {v}" for k, v in self._summary()) + ")"

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in self._summary())
        return f"<div><b>Crystal {html.escape(self.name)}</b><table>{rows}</table></div>"

    @property
    def volume(self) -> float:
        """Unit-cell volume (angstrom^3)."""
        return float(abs(np.linalg.det(self.direct_matrix())))

    @property
    def cell_mass(self) -> float:
        """Mass of the unit cell contents (g/mol), for weight fractions from scale factors."""
        from ..chemistry import atomic_mass

        return float(sum(o * atomic_mass(e) for e, o in zip(self.elements, self.occupancy)))

    def direct_matrix(self) -> np.ndarray:
        """Rows are the cell vectors a, b, c in Cartesian angstrom."""
        a, b, c, al, be, ga = self.cell
        al, be, ga = np.radians([al, be, ga])
        ax = np.array([a, 0.0, 0.0])
        bx = np.array([b * np.cos(ga), b * np.sin(ga), 0.0])
        cx_ = c * np.cos(be)
        cy = c * (np.cos(al) - np.cos(be) * np.cos(ga)) / np.sin(ga)
        cz = np.sqrt(max(c * c - cx_ * cx_ - cy * cy, 0.0))
        return np.vstack([ax, bx, [cx_, cy, cz]])

    def reciprocal_metric(self) -> np.ndarray:
        """G* such that 1/d^2 = h G* h^T (angstrom^-2)."""
        m = self.direct_matrix()
        return np.linalg.inv(m @ m.T)

    def d_spacing(self, hkl) -> np.ndarray:
        """d (angstrom) of one or many (h, k, l)."""
        h = np.atleast_2d(np.asarray(hkl, dtype=float))
        q2 = np.einsum("ni,ij,nj->n", h, self.reciprocal_metric(), h)
        return 1.0 / np.sqrt(q2)

    def with_cell(self, a: float | None = None, b: float | None = None, c: float | None = None) -> "Crystal":
        """A copy with new lengths, keeping the system's constraints (cubic: b = c = a; tetragonal: b = a)."""
        a0, b0, c0, al, be, ga = self.cell
        a = a0 if a is None else float(a)
        system = self.system
        if system == "cubic":
            b = c = a
        elif system in ("tetragonal", "hexagonal", "trigonal"):
            b = a
            c = c0 if c is None else float(c)
        else:
            b = b0 if b is None else float(b)
            c = c0 if c is None else float(c)
        if min(a, b, c) <= 0:
            raise ParameterError(f"cell lengths must be positive, got {a}, {b}, {c}")
        return replace(self, cell=(a, b, c, al, be, ga))


def read_cif(path: str | os.PathLike, name: str | None = None) -> Crystal:
    """Read a CIF of one data block into a :class:`Crystal` (gemmi does the symmetry)."""
    import gemmi

    path = existing_file(path)
    try:  # (gemmi.read_small_structure, with the block kept for the checks of _check_cif)
        block = gemmi.cif.read(str(path)).sole_block()
        st = gemmi.make_small_structure_from_block(block)
    except (RuntimeError, ValueError) as exc:
        raise FileFormatError(path, f"not a readable CIF ({exc})") from None
    if st.spacegroup is None:
        raise FileFormatError(path, "no space group (_symmetry_space_group_name_H-M or _space_group_IT_number)")
    sites = st.get_all_unit_cell_sites()
    if not sites:
        raise FileFormatError(path, "no atom sites (_atom_site_fract_x/y/z loop)")
    _check_cif(path, block, st)
    return _crystal(st, name or path.stem, str(path))


def _check_cif(path, block, st) -> None:
    """Refuse what gemmi reads without a word and would simulate wrongly: a missing cell length
    (gemmi then takes the cell as 1 x 1 x 1 A), an angle outside 0-180 deg, an element symbol it
    does not know (scattering nothing), an occupancy outside (0, 1]."""
    for tag in ("_cell_length_a", "_cell_length_b", "_cell_length_c"):
        if block.find_value(tag) is None:
            raise FileFormatError(path, f"no {tag}: the unit cell is incomplete", field=tag)
    c = st.cell
    if min(c.a, c.b, c.c) <= 0:
        raise FileFormatError(path, f"cell lengths {c.a:g}, {c.b:g}, {c.c:g} A: each must be positive",
                              field="_cell_length_a")
    for tag, angle in (("_cell_angle_alpha", c.alpha), ("_cell_angle_beta", c.beta), ("_cell_angle_gamma", c.gamma)):
        if not 0 < angle < 180:
            raise FileFormatError(path, f"{tag} {angle:g} deg: a cell angle lies between 0 and 180 deg", field=tag)
    for site in st.sites:
        if site.element.name == "X":
            raise FileFormatError(path, f"atom site {site.label!r}: element {site.type_symbol!r} is none nakit knows",
                                  field="_atom_site_type_symbol")
        if not 0 < site.occ <= 1 + 1e-6:  # (rounded site fractions such as 1.0001 pass)
            raise FileFormatError(path, f"atom site {site.label!r}: occupancy {site.occ:g}, not in (0, 1]",
                                  field="_atom_site_occupancy")
    _check_symmetry(path, block)


#: where a CIF lists its symmetry operations (core CIF 2.x, then the older name)
_SYMOP_TAGS = ("_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz")
_SYMBOL_TAGS = ("_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M", "_space_group_IT_number",
                "_symmetry_Int_Tables_number")


def _check_symmetry(path, block) -> None:
    """Refuse a CIF whose listed operations are fewer than the space group it names has (gemmi follows
    the list: Cu3Au named Pm-3m with only x,y,z listed became P1 with two atoms, "AuCu")."""
    import gemmi

    listed = next((tag for tag in _SYMOP_TAGS if block.find_values(tag)), None)
    if listed is None:
        return
    n_listed = len(block.find_values(listed))
    for tag in _SYMBOL_TAGS:
        value = block.find_value(tag)
        if value is None or gemmi.cif.is_null(value):
            continue
        name = gemmi.cif.as_string(value)
        group = (gemmi.find_spacegroup_by_number(int(name)) if name.strip().isdigit()
                 else gemmi.find_spacegroup_by_name(name))
        if group is None:
            continue
        rotations = len(group.operations().sym_ops)
        if n_listed < rotations:
            raise FileFormatError(path, f"{tag} names space group {group.hm} ({rotations} symmetry operations, "
                                        f"centring aside) but the {listed} loop lists {n_listed}: the structure "
                                        "would be built from the list, not the group; list every operation or "
                                        "remove the loop", field=listed)
        return


def _crystal(st, name: str, source: str) -> Crystal:
    """The :class:`Crystal` of a gemmi SmallStructure (space group set, sites of the asymmetric unit)."""
    import gemmi

    sites = st.get_all_unit_cell_sites()
    rot = np.array([np.array(op.rot) // gemmi.Op.DEN for op in st.spacegroup.operations().sym_ops])
    c = st.cell
    return Crystal(
        name=name,
        cell=(c.a, c.b, c.c, c.alpha, c.beta, c.gamma),
        spacegroup=st.spacegroup.hm,
        elements=tuple(s.element.name for s in sites),
        frac=np.array([[s.fract.x, s.fract.y, s.fract.z] for s in sites]) % 1.0,
        occupancy=np.array([s.occ for s in sites]),
        b_iso=np.array([8 * np.pi**2 * s.u_iso for s in sites]),
        rotations=rot,
        centrosymmetric=st.spacegroup.is_centrosymmetric(),
        source=source,
    )


@dataclass(frozen=True)
class Site:
    """One atom of the asymmetric unit: element, fractional x, y, z, occupancy and B (angstrom^2)."""

    element: str
    x: float
    y: float
    z: float
    occupancy: float = 1.0
    b_iso: float = 0.0
    label: str = ""


def crystal_from_parameters(spacegroup: str | int, cell, sites: Sequence, *, name: str = "") -> Crystal:
    """Build a :class:`Crystal` from a space group, a cell and atoms, without a CIF.

    The result is what :func:`read_cif` gives for a CIF holding the same numbers: gemmi
    expands the asymmetric unit with the space group's operations, so reflections and
    intensities (:func:`nakit.xrd.simulate.reflections`) are the CIF route's.

    Parameters
    ----------
    spacegroup
        Hermann-Mauguin symbol (``"Fm-3m"``, ``"F m -3 m"``, ``"P-421c"``, with a setting such
        as ``"Fddd:2"``) or International Tables number (225).
    cell
        A mapping with ``a`` (and ``b``, ``c``, ``alpha``, ``beta``, ``gamma`` where the
        crystal system leaves them free; angstrom and deg), or the six numbers
        ``(a, b, c, alpha, beta, gamma)``. Omitted values follow the system: cubic b = c = a;
        tetragonal, trigonal (hexagonal axes) and hexagonal b = a; angles 90 deg, gamma 120
        deg for hexagonal axes.
    sites
        The asymmetric unit: :class:`Site` objects, mappings with the same keys, or tuples
        ``(element, x, y, z[, occupancy[, b_iso]])``. B is the isotropic displacement
        parameter B = 8 pi^2 U (angstrom^2), as in the reference CIFs.
    name
        The phase name (legends, tables); default: the space group and elements.

    Returns
    -------
    Crystal

    Raises
    ------
    ParameterError
        Unknown space group or element, a cell length not positive or an angle outside
        (0, 180) deg, an occupancy outside (0, 1], a negative B, non-finite coordinates, or no
        sites.
    """
    import gemmi

    sg = (gemmi.find_spacegroup_by_number(int(spacegroup)) if isinstance(spacegroup, (int, np.integer))
          or str(spacegroup).strip().isdigit() else gemmi.find_spacegroup_by_name(str(spacegroup)))
    if sg is None:
        raise ParameterError(f"unknown space group {spacegroup!r}: expected a Hermann-Mauguin symbol such as "
                             "'Fm-3m' or a number 1-230")
    st = gemmi.SmallStructure()
    st.cell = gemmi.UnitCell(*_cell(cell, sg.crystal_system_str(), spacegroup))
    st.spacegroup_hm = sg.xhm()
    st.determine_and_set_spacegroup("2")
    atoms = [_site(s, i) for i, s in enumerate(sites)]
    if not atoms:
        raise ParameterError("no sites: a structure needs at least one atom")
    for i, site in enumerate(atoms):
        g = gemmi.SmallStructure.Site()
        g.label = site.label or f"{site.element}{i + 1}"
        g.type_symbol = site.element
        g.element = gemmi.Element(site.element)
        g.fract = gemmi.Fractional(site.x, site.y, site.z)
        g.occ = site.occupancy
        g.u_iso = site.b_iso / (8 * np.pi**2)
        st.add_site(g)
    st.setup_cell_images()
    elements = "".join(dict.fromkeys(a.element for a in atoms))
    return _crystal(st, name or f"{elements}_{sg.hm.replace(' ', '')}", "parameters")


def _cell(cell, system: str, spacegroup) -> tuple[float, ...]:
    if isinstance(cell, Mapping):
        unknown = set(cell) - {"a", "b", "c", "alpha", "beta", "gamma"}
        if unknown or "a" not in cell:
            raise ParameterError(f"cell needs 'a' and takes b, c, alpha, beta, gamma; got {sorted(cell)}")
        a = float(cell["a"])
        same_ab = system in ("cubic", "tetragonal", "trigonal", "hexagonal")
        b = a if same_ab else float(cell.get("b", np.nan))
        c = a if system == "cubic" else float(cell.get("c", np.nan))
        hexagonal_axes = system in ("trigonal", "hexagonal")
        values = (a, b, c, float(cell.get("alpha", 90.0)), float(cell.get("beta", 90.0)),
                  float(cell.get("gamma", 120.0 if hexagonal_axes else 90.0)))
        if same_ab and "b" in cell and not np.isclose(float(cell["b"]), a):
            raise ParameterError(f"a {system} cell ({spacegroup}) has b = a; got a = {a}, b = {cell['b']}")
        if system == "cubic" and "c" in cell and not np.isclose(float(cell["c"]), a):
            raise ParameterError(f"a cubic cell ({spacegroup}) has c = a; got a = {a}, c = {cell['c']}")
    else:
        try:
            values = tuple(float(v) for v in cell)
        except TypeError:
            values = (float(cell),) if system == "cubic" else ()
        if len(values) == 1 and system == "cubic":
            values = (values[0],) * 3 + (90.0,) * 3
        if len(values) != 6:
            raise ParameterError(f"cell must be a mapping or (a, b, c, alpha, beta, gamma); got {cell!r}")
    if not all(np.isfinite(values)):
        raise ParameterError(f"cell {values} has missing or non-finite values (a {system} cell needs them)")
    if min(values[:3]) <= 0 or not all(0 < v < 180 for v in values[3:]):
        raise ParameterError(f"cell {values}: lengths must be positive and angles within (0, 180) deg")
    return values


def _site(site, index: int) -> Site:
    import gemmi

    if isinstance(site, Site):
        out = site
    elif isinstance(site, Mapping):
        try:
            out = Site(**dict(site))
        except TypeError as exc:
            raise ParameterError(f"site {index}: {exc}; keys are element, x, y, z, occupancy, b_iso, label") from None
    else:
        values = tuple(site)
        if not 4 <= len(values) <= 6:
            raise ParameterError(f"site {index}: expected (element, x, y, z[, occupancy[, b_iso]]), got {site!r}")
        out = Site(str(values[0]), *(float(v) for v in values[1:]))
    element = str(out.element).strip()
    if gemmi.Element(element).atomic_number == 0 or gemmi.Element(element).name.lower() != element.lower():
        raise ParameterError(f"site {index}: unknown element {out.element!r}")
    coords = np.array([out.x, out.y, out.z], dtype=float)
    if not np.all(np.isfinite(coords)):
        raise ParameterError(f"site {index} ({element}): fractional coordinates {tuple(coords)} are not finite")
    if not 0 < out.occupancy <= 1:
        raise ParameterError(f"site {index} ({element}): occupancy {out.occupancy} outside (0, 1]")
    if not (np.isfinite(out.b_iso) and out.b_iso >= 0):
        raise ParameterError(f"site {index} ({element}): B = {out.b_iso} must be a finite non-negative number")
    return Site(gemmi.Element(element).name, *map(float, coords), float(out.occupancy), float(out.b_iso), out.label)


def library() -> dict[str, Path]:
    """The reference CIFs shipped in ``data/references``, by file stem."""
    return {p.stem: p for p in sorted(references_dir().glob("*.cif"))}


@lru_cache(maxsize=64)
def _cached(path: str) -> Crystal:
    return read_cif(path)


def reference(name: str) -> Crystal:
    """Load a reference structure by file stem or unique prefix (``"Na2S"`` -> ``Na2S_Fm-3m``)."""
    lib = library()
    if name in lib:
        return _cached(str(lib[name]))
    hits = [k for k in lib if k.lower().startswith(name.lower())]
    if len(hits) != 1:
        raise ParameterError(f"reference {name!r} is {'ambiguous' if hits else 'unknown'}; "
                             f"library: {', '.join(lib)}")
    return _cached(str(lib[hits[0]]))
