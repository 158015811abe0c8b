"""The cell recipe: how much active material a cell holds, and what that implies.

The paper states capacities and currents per gram of Na2S, the active material that is
30 wt% of a 5 mg composite cathode: 1.5 mg per cell. Every nakit cycling result carries
the active mass it was normalised by (``attrs["active_mass_mg"]``).
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..chemistry import theoretical_capacity
from ..errors import NakitWarning, ParameterError
from ..samplerules import cycling_problems
from ..validation import in_range


@dataclass(frozen=True)
class CellRecipe:
    """A composite cathode: its mass, the active material's mass fraction and chemistry.

    Parameters
    ----------
    composite_mass_mg
        Mass of the composite cathode in the cell (mg).
    active_fraction
        Mass fraction of the active material in the composite (0-1).
    active_material
        Formula of the active material (capacities are per gram of it); ``None`` when
        only its mass is known (no theoretical capacity then).
    electrons
        Electrons transferred per formula unit (2 for Na2S <-> 2 Na + S).
    """

    composite_mass_mg: float
    active_fraction: float
    active_material: str | None = "Na2S"
    electrons: float = 2.0
    #: where the mass comes from: "" (given), or words naming the file that states it
    mass_source: str = ""
    #: a given mass the file contradicts: both masses and where the file's comes from ("" when none;
    #: :func:`file_mass_disagreement`)
    mass_differs: str = ""

    def __post_init__(self):
        in_range(self.composite_mass_mg, "composite_mass_mg", 0, None, inclusive=(False, True))
        in_range(self.active_fraction, "active_fraction", 0, 1, inclusive=(False, True))
        in_range(self.electrons, "electrons", 0, None, inclusive=(False, True))

    @classmethod
    def of_active_mass(cls, mass_mg: Any, name: str = "active_mass_mg", **kwargs: Any) -> "CellRecipe":
        """A recipe holding ``mass_mg`` of active material alone (``active_fraction`` 1).

        Parameters
        ----------
        mass_mg
            Active mass (mg).
        name
            The argument the user gave the mass as, named when it is refused: the recipe stores it
            as ``composite_mass_mg``, a name the user of ``summarise_raw(active_mass_mg=...)`` never
            wrote.
        **kwargs
            ``active_material``, ``electrons``, ``mass_source`` as the class takes them.

        Raises
        ------
        ParameterError
            ``mass_mg`` is no finite number above 0.
        """
        return cls(in_range(mass_mg, name, 0, None, inclusive=(False, True)), 1.0, **kwargs)

    @property
    def active_mass_mg(self) -> float:
        """Active-material mass (mg) = composite mass x active fraction."""
        return self.composite_mass_mg * self.active_fraction

    @property
    def theoretical_capacity(self) -> float:
        """Theoretical specific capacity of the active material (mAh/g): 686.9 for Na2S."""
        if self.active_material is None:
            return float("nan")
        return theoretical_capacity(self.active_material, self.electrons)

    def current_mA(self, current_density_mA_g: float) -> float:
        """Cell current (mA) for a specific current (mA per g of active material)."""
        return current_density_mA_g * self.active_mass_mg * 1e-3

    def utilisation(self, capacity_mAh_g: float) -> float:
        """Specific capacity as a percentage of the theoretical one."""
        return 100.0 * capacity_mAh_g / self.theoretical_capacity

    def above_theory(self, capacity_mAh_g: float) -> str:
        """A reason to doubt a specific capacity above the theoretical one ("" if none).

        The claims ledger records such values as ``flagged``: more charge than the active
        material can store means another reaction (the electrolyte, the carbon) or a mass
        error contributes.
        """
        theory = self.theoretical_capacity
        if not np.isfinite(theory) or capacity_mAh_g <= theory:
            return ""
        return (f"{capacity_mAh_g:.0f} mAh/g exceeds the theoretical {theory:.1f} mAh/g of "
                f"{self.active_material} ({self.utilisation(capacity_mAh_g):.0f}% utilisation): "
                "other reactions or the stated active mass must account for the excess")

    def mass_doubt(self, capacity_mAh_g: float, complete: bool = True) -> str:
        """A reason to doubt the active mass, from the record's largest specific capacity ("" if none).

        Above :data:`MOST_SPECIFIC_CAPACITY` no material stores that much charge, whatever the
        chemistry: the mass is wrong. Below :data:`LEAST_SPECIFIC_CAPACITY`, with a ``complete``
        cycle measured, the cell cycled far less per gram than any battery electrode: a doubt.
        """
        if not np.isfinite(capacity_mAh_g):
            return ""
        mass = f"{self.active_mass_mg:g} mg" + (f", {self.mass_source}" if self.mass_source else " given")
        if capacity_mAh_g > MOST_SPECIFIC_CAPACITY:
            return (f"{capacity_mAh_g:.4g} mAh/g is far more than any electrode material stores (lithium metal, the "
                    f"most, {LITHIUM_METAL_CAPACITY:g} mAh/g): the active mass ({mass}) cannot be right (a mass in "
                    "grams typed as mg?)")
        if complete and capacity_mAh_g < LEAST_SPECIFIC_CAPACITY:
            return (f"the record's largest half-cycle holds only {capacity_mAh_g:.3g} mAh/g, far below any battery "
                    f"electrode's: check the active mass ({mass}; the whole electrode's or cell's mass, or "
                    "micrograms typed as mg?)")
        return ""

    def describe(self) -> str:
        return (f"{self.active_mass_mg:g} mg {self.active_material or 'active material'} "
                f"({self.active_fraction * 100:g} wt% of {self.composite_mass_mg:g} mg composite)"
                + (f", {self.mass_source}" if self.mass_source else ""))

    def attrs(self) -> dict:
        """The recipe as NetCDF-safe attrs for a result Dataset."""
        return {"active_mass_mg": self.active_mass_mg, "active_material": self.active_material or "unspecified",
                "composite_mass_mg": self.composite_mass_mg, "active_fraction": self.active_fraction,
                "theoretical_capacity_mAh_g": self.theoretical_capacity,
                **({"active_mass_source": self.mass_source} if self.mass_source else {}),
                **({"active_mass_differs_from_file": self.mass_differs} if self.mass_differs else {})}


#: the most charge any electrode material stores per gram (lithium metal, Li -> Li+ + e-, mAh/g)
LITHIUM_METAL_CAPACITY = 3861.0
#: a specific capacity above this (mAh/g) comes from a wrong mass, whatever the chemistry: well over
#: lithium metal's, where a silicon anode's first lithiation with its SEI (~4200) stays below
MOST_SPECIFIC_CAPACITY = 10000.0
#: a record whose largest half-cycle stays below this (mAh/g) cycled far less than any battery electrode
LEAST_SPECIFIC_CAPACITY = 5.0

#: The paper's cell: 5 mg composite cathode, 30 wt% Na2S (1.5 mg).
PAPER_CELL = CellRecipe(composite_mass_mg=5.0, active_fraction=0.30)


#: Relative difference between a given active mass and the one the file states beyond which the
#: report says so. Rounding stays well inside it: an operator types a mass to three figures (2.08 mg:
#: 0.25 % at most), a cycler's per-gram columns are rounded (Neware's to 0.01 mAh/g, LAND's SpeCap to a
#: few digits) and their ratio's median over many rows is far closer; a weighed electrode's mass
#: carries about 0.01 mg on 1-5 mg (0.2-1 %). Above 1 % the two are other masses, and every per-gram
#: capacity moves by more than that.
MASS_MISMATCH = 0.01
#: rows whose specific capacity is below this (mAh/g) are left out of the mass it implies: Neware
#: rounds it to 0.01 mAh/g, which moves the ratio by up to 0.5 % at 1 mAh/g
LEAST_SPECIFIC_FOR_MASS = 1.0
#: Masses (mg) cycler software fills in when nobody types one (EC-Lab 0.001 mg, Neware 1 mg):
#: a file stating one of these has no active mass, only a placeholder.
PLACEHOLDER_MASSES_MG = (0.001, 1.0, 1000.0)


#: a mass as people type it: a number (decimal point or comma) and mg, g or µg
_MASS = r"(\d+(?:[.,]\d*)?|[.,]\d+)\s*(mg|g|ug|µg|μg)"


def _in_mg(number: str, unit: str) -> float:
    return float(number.replace(",", ".")) * {"mg": 1.0, "g": 1e3}.get(unit.lower(), 1e-3)


def mass_mg(text: str) -> float | None:
    """A mass as typed into a cycler's software, ``"2.35mg"``, ``"0,001 mg"``, ``"0.5 g"`` or
    ``"120ug"``, in mg; None for anything else."""
    m = re.fullmatch(rf"\s*{_MASS}\s*", text or "", flags=re.IGNORECASE)
    return _in_mg(*m.groups()) if m else None


def implied_mass_mg(capacity_mAh: Any, specific_mAh_g: Any) -> tuple[float, int] | None:
    """The mass (mg) a cycler divided its capacities by, from its capacity and specific-capacity
    columns side by side (LAND's ``CapD`` / ``SpeCapD``, Neware's ``Capacity(Ah)`` / ``Spec. Cap.(mAh/g)``).

    Parameters
    ----------
    capacity_mAh, specific_mAh_g
        The same rows of both columns, in mAh and mAh/g.

    Returns
    -------
    (float, int) or None
        The median of capacity / specific capacity (mg) over the rows whose specific capacity is at
        least :data:`LEAST_SPECIFIC_FOR_MASS`, and how many rows that is; None where no row has both,
        or where the middle 80 % of the ratios spread beyond :data:`MASS_MISMATCH` of the median
        (the columns were not divided by one mass).
    """
    q = np.asarray(capacity_mAh, dtype=float)
    spec = np.asarray(specific_mAh_g, dtype=float)
    ok = np.isfinite(q) & np.isfinite(spec) & (np.abs(spec) >= LEAST_SPECIFIC_FOR_MASS) & (q != 0)
    if not ok.any():
        return None
    ratio = q[ok] / spec[ok] * 1e3
    mass = float(np.median(ratio))
    low, high = np.percentile(ratio, [10, 90])
    if not mass > 0 or max(high - mass, mass - low) > MASS_MISMATCH * mass:
        return None
    return mass, int(ok.sum())


def _is_placeholder(mass: float) -> bool:
    return any(abs(mass - m) <= 1e-4 * m for m in PLACEHOLDER_MASSES_MG)


def _stated_mass(record: Any) -> float | None:
    """The active mass the file states (``instrument_active_mass_mg``), None where it states none."""
    stated = float((getattr(record, "attrs", None) or {}).get("instrument_active_mass_mg") or "nan")
    return stated if np.isfinite(stated) and stated > 0 else None


def file_mass_disagreement(given_mg: float, record: Any) -> str:
    """Why a given active mass contradicts the file's, in words; "" when it does not.

    The file's mass is the one it states (``instrument_active_mass_mg``, with where it was read,
    ``instrument_active_mass_source``), a software placeholder aside; else the masses its free text
    names (a Neware BTSDA remark "1.04497215 mg active"): a given mass that is none of them. Either
    differs when by more than :data:`MASS_MISMATCH`; the text gives both masses, where the file's
    comes from, and by what factor the cycler's own per-gram capacities differ from the given mass's.

    Parameters
    ----------
    given_mg
        The active mass the capacities are divided by (mg).
    record
        The cycling record (its attrs); None: nothing to compare with.
    """
    attrs = getattr(record, "attrs", None) or {}
    stated = _stated_mass(record)
    if stated is not None and not _is_placeholder(stated):
        if abs(given_mg - stated) <= MASS_MISMATCH * stated:
            return ""
        where = attrs.get("instrument_active_mass_source") or "its active-mass field"
        return (f"active mass given as {given_mg:g} mg, the file states {stated:.4g} mg ({where}): capacities "
                f"here are per the given mass; per the file's, as the cycler's own figures, they would be "
                f"{given_mg / stated:.4g}x these")
    for what, text, masses in _masses_in_remarks(record):
        if not any(abs(given_mg - m) <= MASS_MISMATCH * m for m in masses):
            named = ", ".join(f"{m:.4g} mg" for m in masses)
            return (f"active mass given as {given_mg:g} mg; the file's {what} reads {text.strip()!r} ({named}): "
                    "capacities here are per the given mass (check which is the cell's active mass)")
    return ""


def sample_recipe(sample: Mapping[str, Any], record: Any = None) -> CellRecipe | None:
    """The cell recipe of a sample entry (notebook 04, a study's cycling sample), or None.

    The active mass is ``active_mass_mg``, or ``composite_mass_mg`` x ``active_fraction``;
    ``active_material`` (a formula, for the theoretical capacity) and ``electrons`` (default 2)
    complete it. Without a mass, the one the cycler file states is used, and said
    (``mass_source``): LAND's ``Capacity / SpeCap``, read as ``instrument_active_mass_mg``,
    is the mass the operator typed into the cycler, whose own software reports capacities per
    gram of it; unless it is one of the :data:`PLACEHOLDER_MASSES_MG` cycler software fills in
    (a warning says so, and capacities stay in mAh). A given mass that differs from the file's
    (stated, implied by its per-gram columns, or named in its remark) by more than
    :data:`MASS_MISMATCH` is kept (the sample entry is the user's word), with a
    :class:`~nakit.errors.NakitWarning` and the recipe's ``mass_differs`` naming both
    (:func:`file_mass_disagreement`), which :func:`~nakit.cycling.cycles.summarise` flags.

    Raises
    ------
    ParameterError
        Both ``active_mass_mg`` and ``composite_mass_mg``, or ``active_fraction`` alone.
    """
    material = sample.get("active_material") or None
    electrons = float(sample.get("electrons", 2))
    problems = cycling_problems([sample])
    if problems:
        raise ParameterError("; ".join(problems))
    stated = _stated_mass(record)
    if stated is not None and _is_placeholder(stated):
        if not any(k in sample for k in ("active_mass_mg", "composite_mass_mg")):
            warnings.warn(f"the file states an active mass of {stated:.4g} mg, a cycler's default placeholder: "
                          "not used (give the cell's active_mass_mg)", NakitWarning, stacklevel=2)
        stated = None
    if "active_mass_mg" in sample:
        recipe = CellRecipe.of_active_mass(sample["active_mass_mg"], active_material=material, electrons=electrons)
    elif "composite_mass_mg" in sample:
        composite = in_range(sample["composite_mass_mg"], "composite_mass_mg", 0, None, inclusive=(False, True))
        fraction = in_range(sample.get("active_fraction", 1.0), "active_fraction", 0, 1, inclusive=(False, True))
        recipe = CellRecipe(composite, fraction, material, electrons)
    elif stated is not None:
        return CellRecipe.of_active_mass(stated, active_material=material, electrons=electrons,
                                         mass_source="stated by the cycler file")
    else:
        _hint_mass_in_remarks(record)
        return None
    differs = file_mass_disagreement(recipe.active_mass_mg, record)
    if differs:
        warnings.warn(differs, NakitWarning, stacklevel=2)
        recipe = dataclasses.replace(recipe, mass_differs=differs)
    return recipe


_MASS_IN_TEXT = re.compile(rf"(?<![\w.,]){_MASS}(?!\w)", re.IGNORECASE)


def _masses_in_remarks(record: Any) -> list[tuple[str, str, list[float]]]:
    """The masses (mg) each free-text field of the file names: (field, its text, masses), for the
    fields that name any (a Neware BTSDA remark "1.04497215 mg active")."""
    attrs = getattr(record, "attrs", None) or {}
    found = []
    for key, text in attrs.items():
        if not (key.startswith("instrument_") and ("remark" in key or "comment" in key)) or not isinstance(text, str):
            continue
        masses = [_in_mg(number, unit) for number, unit in _MASS_IN_TEXT.findall(text)]
        if masses:
            found.append((key.removeprefix("instrument_"), text, masses))
    return found


def _hint_mass_in_remarks(record: Any) -> None:
    """Warn when a file without an active mass names a mass in free text (a Neware BTSDA remark
    such as "1.04497215 mg active"): it is the user's to confirm, not nakit's to take, since a
    remark may as well give the composite's, the sulfur's or the foil's mass."""
    for what, text, masses in _masses_in_remarks(record)[:1]:
        ask = (f"if that is the cell's active mass, give active_mass_mg: {masses[0]:.10g}" if len(masses) == 1
               else "if one of them is the cell's active mass, give it as active_mass_mg")
        warnings.warn(f"no active mass given, and the file states none in a field nakit reads; its {what} reads "
                      f"{text.strip()!r}: {ask} (capacities stay in mAh meanwhile)", NakitWarning, stacklevel=3)


def as_recipe(cell: "CellRecipe | float | None", name: str = "cell") -> "CellRecipe | None":
    """A recipe from a recipe, a bare active mass in mg, or None.

    Parameters
    ----------
    cell
        A :class:`CellRecipe`, an active mass (mg) or None.
    name
        The argument ``cell`` was given as, named when a bare mass is refused (``"active_mass_mg"``
        for :func:`~nakit.cycling.cycles.summarise_raw`).

    Raises
    ------
    ParameterError
        A bare mass that is no finite number above 0.
    """
    if cell is None or isinstance(cell, CellRecipe):
        return cell
    return CellRecipe.of_active_mass(cell, name, active_material=None)
