"""X-ray tube anodes: their K-alpha lines, and how a wavelength is written as an anode.

Apart from :mod:`nakit.xrd` so that checking a sample's ``wavelength`` before any kernel starts
(:mod:`nakit.samplerules`) does not import the diffraction stack.
"""

from __future__ import annotations

import re

#: anode -> (K-alpha1, K-alpha2 in angstrom, K-alpha2/K-alpha1 intensity ratio); Hoelzer et al. (1997)
ANODES = {
    "Cu": (1.5405929, 1.5444274, 0.5),
    "Co": (1.788996, 1.792835, 0.5),
    "Mo": (0.7093171, 0.713607, 0.5),
    "Fe": (1.936042, 1.939980, 0.5),
    "Cr": (2.289760, 2.293663, 0.5),
    "Ag": (0.5594218, 0.563813, 0.5),
}
#: anode -> K-beta1 wavelength (angstrom), International Tables for Crystallography Vol. C, Table 4.2.2.1:
#: a tube without a K-beta filter or monochromator adds a weak line below each K-alpha reflection
KBETA = {"Cu": 1.392218, "Co": 1.620830, "Mo": 0.632303, "Fe": 1.756604, "Cr": 2.084920, "Ag": 0.497082}
#: an anode, optionally its K-alpha1 line alone: "Cu", "CuKa1", "Cu Kα1"
ANODE_FORM = re.compile(r"\s*([A-Z][a-z]?)\s*(K[a\u03b1]1?)?\s*")
#: the wavelengths (angstrom) a diffraction scan is taken at
WAVELENGTH_RANGE = (0.05, 5.0)


#: a wavelength within this (angstrom) of an anode's K-alpha1 or K-alpha mean is that anode's
#: (1.54, 1.5406 and 1.5418 are all copper)
SAME_ANODE = 0.003


def anode_at(value: float) -> str | None:
    """The anode whose K-alpha1 (or K-alpha mean) ``value`` angstrom is; None when it is none's."""
    for name, (a1, a2, ratio) in ANODES.items():
        if min(abs(value - a1), abs(value - (a1 + ratio * a2) / (1 + ratio))) <= SAME_ANODE:
            return name
    return None


def anode_in_nm(value: float) -> str | None:
    """The anode whose K-alpha line ``value`` is when read in nm, not angstrom (0.15406 -> "Cu");
    None when it is none's. A wavelength so close to a tenth of a tube's line is a unit slip far
    more often than a synchrotron's choice."""
    return anode_at(10 * value)


def anode_problem(value: str) -> str | None:
    """Why ``value`` names no anode (the words :class:`nakit.xrd.readers.Wavelength` refuses it
    with); None when it names one."""
    m = ANODE_FORM.fullmatch(value)
    if m and m.group(1) in ANODES:
        return None
    return f"wavelength {value!r}: expected a number or an anode in {sorted(ANODES)} (optionally 'Ka1', e.g. 'CuKa1')"


#: units a wavelength is mistaken in, and their size in angstrom
_OTHER_UNITS = (("pm", 0.01), ("m", 1e10), ("nm", 10.0), ("um", 1e4))


def wavelength_unit_hint(value: float) -> str:
    """`` (in pm? give 1.5406 or 'Cu')`` for a wavelength outside the range scans are taken at that
    is one inside it in another unit (154.06 pm, 1.5406e-10 m), naming the anode when it is one's;
    else ``""``. A number in the wrong unit was refused without a word of which unit was meant. Only
    a tube's line or a length in metres (no wavelength in angstrom is under 1e-6) is hinted: 15.4 is
    as likely 1.54 mistyped as 0.154 angstrom in pm."""
    lo, hi = WAVELENGTH_RANGE
    for unit, size in _OTHER_UNITS:
        angstrom = value * size
        if lo < angstrom < hi:
            anode = anode_at(angstrom)
            if anode or unit in ("m", "um"):
                return f" (in {unit}? give {angstrom:.6g}" + (f" or {anode!r})" if anode else ")")
    return ""
