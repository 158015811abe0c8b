"""Which half-cycles each cycle of a record holds, for plots and reports of real records.

Real records often lack a half-cycle: a test whose last discharge has no charge after it, a
record cut short after a charge, a single formation charge. :func:`~nakit.cycling.summarise`
already gives NaN for what needs a missing half (see :mod:`nakit.cycling.cycles`); this module
says which halves are there, so that a profile plot draws those and names the missing one,
picks complete cycles where it can, and a report says when a record has no complete cycle
at all (no retention, no Coulombic efficiency) instead of failing on it.

Typical use::

    halves = cycling.halves_present(record)
    plan = cycling.profile_plan(halves, [1, 2, 3], summary)
    for c in plan.cycles:
        for direction in plan.halves[c]:
            q, v = cycling.halfcycle_curve(record, c, direction)
    statement = cycling.no_complete_cycle(summary, halves, "Pouch 7")  # "" when one is complete
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..datamodel import source_attrs
from .cycles import HalfCycles
from .record import require_record

DIRECTIONS = ("charge", "discharge")


def halves_present(record: xr.Dataset) -> xr.Dataset:
    """Which half-cycles each cycle of a record has rows of (current flowing, not only rest).

    Parameters
    ----------
    record
        A canonical cycling record (any nakit reader, or :func:`~nakit.cycling.make_record`).

    Returns
    -------
    xarray.Dataset
        Along ``cycle`` (the same cycles as :func:`~nakit.cycling.summarise`): ``charge`` and
        ``discharge`` (bool, the record has rows of that half-cycle); attrs the record's provenance
        (:func:`nakit.datamodel.source_attrs`).
    """
    require_record(record, "halves_present")
    state = record["state"].values
    hc = HalfCycles(record["cycle"].values, state, record["capacity"].values)
    cycles = np.arange(hc.cycle0, hc.cycle0 + hc.n // 2)
    has = hc.first_active_row >= 0  # index 2k: discharge of cycle k, 2k+1: its charge
    ds = xr.Dataset({"charge": ("cycle", has[1::2]), "discharge": ("cycle", has[0::2])},
                    coords={"cycle": ("cycle", cycles.astype(np.int32), {"units": "1"})}, attrs=source_attrs(record))
    return ds


def missing_halves(halves: xr.Dataset) -> dict[int, str]:
    """``{cycle: "no discharge"}`` (or ``"no charge"``) for each cycle with one half only."""
    out = {}
    for c, ch, dis in zip(halves["cycle"].values, halves["charge"].values, halves["discharge"].values):
        if ch != dis:
            out[int(c)] = "no discharge" if ch else "no charge"
    return out


def halves_of(halves: xr.Dataset, cycle: int) -> tuple[str, ...]:
    """The directions cycle ``cycle`` has rows of, charge first: ``("charge", "discharge")``,
    one of them, or ``()`` (a cycle the record does not hold)."""
    where = np.flatnonzero(halves["cycle"].values == int(cycle))
    if not where.size:
        return ()
    return tuple(d for d in DIRECTIONS if bool(halves[d].values[where[0]]))


def only_text(have: tuple[str, ...]) -> str:
    """``""`` for a cycle with both halves, ``" (charge only)"`` for one, ``" (no rows)"`` for none:
    what a legend adds to a cycle's entry."""
    return "" if len(have) == 2 else f" ({have[0]} only)" if have else " (no rows)"


def _count(n: int, noun: str) -> str:
    """``"one charge half-cycle"``, ``"3 charge half-cycles"``."""
    return f"one {noun}" if n == 1 else f"{n} {noun}s"


def no_complete_cycle(summary: xr.Dataset, halves: xr.Dataset, label: str = "") -> str:
    """What a record without any complete cycle holds and what cannot be computed from it.

    Parameters
    ----------
    summary
        The record's :func:`~nakit.cycling.summarise` result (its ``cycle_complete``).
    halves
        The record's :func:`halves_present`.
    label
        The sample's label, which opens the text.

    Returns
    -------
    str
        ``""`` when at least one cycle has both halves measured to their end; else e.g.
        ``"Pouch 7: one charge half-cycle, no discharge: no capacity retention or Coulombic
        efficiency"``.
    """
    if (summary["cycle_complete"].values == 1).any():
        return ""
    n_c, n_d = int(halves["charge"].sum()), int(halves["discharge"].sum())
    if n_d == 0:
        held = f"{_count(n_c, 'charge half-cycle')}, no discharge"
    elif n_c == 0:
        held = f"{_count(n_d, 'discharge half-cycle')}, no charge"
    else:  # both directions measured, but a half of every cycle is missing or cut short
        why = summary.attrs.get("incomplete_reasons", "")
        held = (f"{_count(n_c, 'charge half-cycle')} and {_count(n_d, 'discharge half-cycle')}, no cycle with "
                "both measured to its end" + (f" ({why})" if why else ""))
    return f"{label + ': ' if label else ''}{held}: no capacity retention or Coulombic efficiency"


@dataclass
class ProfilePlan:
    """The cycles a profile plot draws and the half-cycles of each it can draw.

    ``cycles``: in order; ``halves[c]``: the directions cycle ``c`` has rows of (charge
    first); ``notes``: sentences for the caption (a missing half, a cycle drawn instead of
    the ones asked for).
    """

    cycles: list[int]
    halves: dict[int, tuple[str, ...]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def legend(self, cycle: int) -> str:
        """``"cycle 2"``, or ``"cycle 1 (discharge only)"`` for a cycle with one half."""
        return f"cycle {cycle}{only_text(self.halves[cycle])}"

    def caption(self) -> str:
        """The notes as one text (leading space), ``""`` when there are none."""
        return "".join(f" {n}" for n in self.notes)


def profile_plan(halves: xr.Dataset, wanted, summary: xr.Dataset | None = None) -> ProfilePlan:
    """Which cycles to draw as voltage profiles, preferring complete ones.

    The cycles of ``wanted`` that the record holds are drawn, each with the halves it has.
    When none of them is complete and the record has a complete cycle, its first complete
    cycle is added (a plot of cycle 1 alone, a discharge, would show no full profile); when
    none of them is in the record, its first complete cycle (else its first cycle) is drawn
    instead. ``notes`` say so, and name each drawn cycle's missing half.

    Parameters
    ----------
    halves
        The record's :func:`halves_present`.
    wanted
        The cycle numbers asked for.
    summary
        The record's summary: its ``cycle_complete`` (both halves measured to their end)
        decides which cycles are complete; without it, a cycle with both halves is.
    """
    cycles = halves["cycle"].values.astype(int)
    has_c, has_d = halves["charge"].values, halves["discharge"].values
    present = [int(c) for c, a, b in zip(cycles, has_c, has_d) if a or b]
    if summary is not None:
        done = {int(c) for c, ok in zip(summary["cycle"].values, summary["cycle_complete"].values) if ok == 1}
    else:
        done = {int(c) for c, a, b in zip(cycles, has_c, has_d) if a and b}
    first_done = min(done) if done else None
    wanted = [int(c) for c in np.atleast_1d(wanted)]
    shown = [c for c in wanted if c in present]
    notes = []
    if not shown and present:
        shown = [first_done if first_done is not None else present[0]]
        notes.append(f"None of the cycles asked for ({', '.join(map(str, wanted))}) is in the record "
                     f"(cycles {present[0]}-{present[-1]}): cycle {shown[0]} is drawn instead.")
    elif shown and not done & set(shown) and first_done is not None:
        notes.append(f"None of the cycles asked for is complete: cycle {first_done}, the record's first "
                     "complete cycle, is added.")
        shown = sorted(set(shown) | {first_done})
    plan_halves = {c: halves_of(halves, c) for c in shown}
    for c in shown:
        if len(plan_halves[c]) == 1:
            have = plan_halves[c][0]
            lacks = "discharge" if have == "charge" else "charge"
            notes.append(f"Cycle {c} has no {lacks}: its {have} alone is drawn.")
        elif c not in done and summary is not None:
            notes.append(f"Cycle {c} is incomplete (a half-cycle cut short, see the flags): drawn as far as "
                         "the record goes.")
    return ProfilePlan(shown, plan_halves, notes)

