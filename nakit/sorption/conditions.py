"""Measurement conditions: what an isotherm file states, and what the analyses assume when it does not.

Every analysis here (BET cross-section, Kelvin equation, thickness curves, the shipped DFT
kernel) is for N2 at its normal boiling point, 77 K. A file that states its bath temperature
and adsorptive puts them in ``attrs`` (``temperature_K``, ``adsorptive``; the readers never
invent them, see :mod:`nakit.sorption.readers`). A file that states neither, such as a bare
two-column CSV, is analysed as N2 at 77 K all the same; these helpers word that assumption
for captions and tables so a report never presents an assumed temperature as a measured one.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

__all__ = ["ASSUMED_ADSORPTIVE", "ASSUMED_TEMPERATURE_K", "stated_temperature", "stated_adsorptive", "temperature_words",
           "adsorptive_words", "assumed_conditions", "isotherms_at", "check_n2", "bath_temperature"]

#: The adsorptive every analysis assumes when a file names none.
ASSUMED_ADSORPTIVE = "N2"
#: The temperature (K) every analysis assumes when a file states none: N2's normal boiling point.
ASSUMED_TEMPERATURE_K = 77.35


def check_n2(adsorptive, path, field: str) -> None:
    """Refuse a file whose adsorptive is not N2 (:class:`~nakit.errors.UnsupportedMeasurementError`,
    naming it and the ``field`` that states it)."""
    from ..errors import UnsupportedMeasurementError

    if str(adsorptive or "").strip().lower() not in ("n2", "nitrogen"):
        raise UnsupportedMeasurementError(path, f"adsorptive {adsorptive!r}: nakit analyses N2 isotherms only (the BET "
                                                "cross-section, the Kelvin equation and the thickness curves are N2's "
                                                "at 77 K)", field=field)


#: How files write the temperature units nakit reads (upper-cased): kelvin, or degrees Celsius.
_KELVIN, _CELSIUS = ("K", "KELVIN"), ("C", "°C", "DEGC", "CELSIUS")


def bath_temperature(value: float, unit, path, field: str, unit_field: str | None = None) -> float:
    """The bath temperature (K) a file states, from its value and unit, refused outside N2's
    liquid range (63.15-126.19 K, triple to critical point: an N2 isotherm is measured over liquid
    N2, so 350 K or 77 300 K is a misread unit or separator, never a measurement analysed with
    77 K's constants). The one rule for every reader that reads a temperature.

    Parameters
    ----------
    value
        The number as stated.
    unit
        Its unit, ``K`` (also when None) or ``°C``/``C``.
    path, field
        The file and the field stating the temperature, for the error.
    unit_field
        The field stating the unit, when it is another (``temperature_unit``); else ``field``.

    Raises
    ------
    FileFormatError
        An unknown unit, or a temperature outside N2's liquid range.
    """
    from ..errors import FileFormatError, ParameterError
    from .units import n2_saturation_pressure

    key = str(unit if unit is not None else "K").strip()
    if key.upper() in _KELVIN:
        kelvin = float(value)
    elif key.upper() in _CELSIUS:
        kelvin = float(value) + 273.15
    else:
        where = unit_field or field
        raise FileFormatError(path, f"{where} {key!r}: expected 'K' or '°C'", field=where)
    try:
        n2_saturation_pressure(kelvin)  # defined over N2's liquid range only
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field=field) from None
    return kelvin


def stated_temperature(ds: Any) -> float | None:
    """The temperature (K) the file states (``attrs["temperature_K"]``), or None when it states none."""
    value = getattr(ds, "attrs", {}).get("temperature_K")
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None  # missing or unreadable: not a stated temperature
    return value if math.isfinite(value) else None


def stated_adsorptive(ds: Any) -> str | None:
    """The adsorptive the file names (``attrs["adsorptive"]``), or None when it names none."""
    value = getattr(ds, "attrs", {}).get("adsorptive")
    return (str(value).strip() or None) if value is not None else None


def temperature_words(ds: Any) -> str:
    """``"77.31 K"`` when the file states it, else ``"77 K (assumed: the file states none)"``."""
    t = stated_temperature(ds)
    return f"{t:.2f} K" if t is not None else f"{ASSUMED_TEMPERATURE_K:.0f} K (assumed: the file states none)"


def adsorptive_words(ds: Any) -> str:
    """The adsorptive the file names, else ``"N2 (assumed: the file states none)"``."""
    gas = stated_adsorptive(ds)
    return gas if gas is not None else f"{ASSUMED_ADSORPTIVE} (assumed: the file states none)"


def assumed_conditions(ds: Any) -> tuple[str, ...]:
    """What the analyses assume for ``ds`` because its file does not state it: a subset of
    ``("temperature", "adsorptive")``, in that order; empty when the file states both."""
    return tuple(what for what, missing in (("temperature", stated_temperature(ds) is None),
                                            ("adsorptive", stated_adsorptive(ds) is None)) if missing)


def isotherms_at(isotherms: Mapping[str, Any]) -> str:
    """The temperature phrase of a caption over several isotherms (label -> Dataset), with a leading space.

    Stated temperatures are given to 0.1 K, as files state them to 0.01-0.001 K: ``" at 77.3 K"``
    when every file states the same, ``" at 77.3 K (A and B), 77.5 K (E)"`` when they differ
    (rounded to whole kelvins, Sample_E's 77.51 K read "78 K", a temperature no bath had). A
    file that states none is named as assumed, at the nominal 77 K of the analyses' constants:
    ``" at 77 K (assumed: the file states none)"`` when no file states one, ``" at 77.3 K (A),
    77 K (Host 1: assumed, the file states none)"`` beside stated ones. ``""`` for no isotherms.
    """
    from ..report import join_labels  # (report loads matplotlib: only when a caption is worded)

    if not isotherms:
        return ""
    stated: dict[str, list[str]] = {}  # "77.3" -> the samples stating it
    for name, ds in isotherms.items():
        if (t := stated_temperature(ds)) is not None:
            stated.setdefault(f"{t:.1f}", []).append(name)
    assumed = [name for name in isotherms if not any(name in names for names in stated.values())]
    default = round(ASSUMED_TEMPERATURE_K)
    if not stated:
        return f" at {default} K (assumed: {'the file states' if len(assumed) == 1 else 'the files state'} none)"
    if len(stated) == 1 and not assumed:
        return f" at {next(iter(stated))} K"
    by_value = [f"{t} K ({join_labels(names)})" for t, names in stated.items()]
    if assumed:  # never merged with a stated temperature: it is the analyses' nominal one, not a measurement
        whose = "the file states" if len(assumed) == 1 else "their files state"
        by_value.append(f"{default} K ({join_labels(assumed)}: assumed, {whose} none)")
    return " at " + ", ".join(by_value)
