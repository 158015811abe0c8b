"""Crystal structures for pattern simulation, read from CIF with gemmi.

The reference library lives in ``data/references/*.cif`` (citations in that folder's
README.md); :func:`reference` loads one by name (``"Na2S"``, ``"Na3PS4_P-421c"``...).
gemmi parses the CIF and expands the asymmetric unit to every site of the unit cell, so
nakit holds no space-group tables of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import FileFormatError, ParameterError
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
    """Read the first data block of a CIF into a :class:`Crystal` (gemmi does the symmetry)."""
    import gemmi

    path = Path(path)
    if not path.is_file():
        raise FileFormatError(path, "file not found")
    try:
        st = gemmi.read_small_structure(str(path))
    except (RuntimeError, ValueError) as exc:
        raise FileFormatError(path, f"not a readable CIF ({exc})") from None
    if st.spacegroup is None:
        raise FileFormatError(path, "no space group (_symmetry_space_group_name_H-M or _space_group_IT_number)")
    sites = st.get_all_unit_cell_sites()
    if not sites:
        raise FileFormatError(path, "no atom sites (_atom_site_fract_x/y/z loop)")
    if st.cell.a <= 0:
        raise FileFormatError(path, "no unit cell (_cell_length_a ...)")
    rot = np.array([np.array(op.rot) // gemmi.Op.DEN for op in st.spacegroup.operations().sym_ops])
    c = st.cell
    return Crystal(
        name=name or path.stem,
        cell=(c.a, c.b, c.c, c.alpha, c.beta, c.gamma),
        spacegroup=st.spacegroup.hm,
        elements=tuple(s.element.name for s in sites),
        frac=np.array([[s.fract.x, s.fract.y, s.fract.z] for s in sites]) % 1.0,
        occupancy=np.array([s.occ for s in sites]),
        b_iso=np.array([8 * np.pi**2 * s.u_iso for s in sites]),
        rotations=rot,
        centrosymmetric=st.spacegroup.is_centrosymmetric(),
        source=str(path),
    )


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
