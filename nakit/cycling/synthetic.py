"""Forward model of the paper's Na2S cells, written as LAND CT-2001A Excel exports.

The paper's raw cycling data were never published. This model makes stand-ins with the
paper's stated numbers (capacity trajectories, rate capabilities, overpotentials, the
0.6 V plateau, CE ~ 100 % from cycle 2) so nakit's analysis can be checked end to end;
nothing here is a measurement.

Voltage model
-------------
Each half-cycle is galvanostatic, so capacity grows linearly in time. The capacity passed
when the voltage has reached :math:`V` is a sum of logistic redox features,

.. math:: F(V) = \\sum_i w_i\\,\\sigma\\big(\\mp (V - E_i \\mp \\eta) / s_i\\big),

(upper signs for discharge), normalised to 0 at the start and 1 at the cut-off voltage
(0.5 V on discharge, 3.0 V on charge), and inverted numerically to give :math:`V(q)`.
:math:`E_i` are the features' equilibrium potentials (two Na-S conversion steps, a sloping
capacitive background and the small P(+5) reduction plateau of Na3PS4 at about 0.6 V),
:math:`s_i` their widths and :math:`\\eta` the overpotential (applied with opposite signs
on charge and discharge, so the hysteresis is about :math:`2\\eta`); :math:`dQ/dV` of such
a curve has a peak at each :math:`E_i \\pm \\eta`. The overpotential grows linearly with
the specific current. Voltage noise (0.3 mV, seeded) is added to the logged points.
Rests relax the voltage exponentially towards the equilibrium curve.

Cycles are charge-first (the cathode is made as Na2S). LAND logs at a fixed interval
per step; the Cycle-Tab written beside the records holds the model's exact half-cycle
capacities and energies (integrated on a fine grid), as a cycler's own table would.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import ParameterError
from ..validation import in_range
from .cell import PAPER_CELL, CellRecipe

V_MIN, V_MAX = 0.5, 3.0
MODEL = "nakit.cycling.synthetic (logistic redox features, LAND CT-2001A layout)"
START = _dt.datetime(2023, 3, 1, 9, 0, 0)  # fixed, so the files' bytes never change


@dataclass(frozen=True)
class Feature:
    """One redox feature: equilibrium potential (V), width (V), capacity weight."""

    potential: float
    width: float
    weight: float
    shifts: bool = True  # False: observed at ``potential`` on discharge whatever the overpotential


#: Na2S <-> Na2Sx <-> S steps, a sloping background, and the Na3PS4 reduction plateau.
FEATURES = (
    Feature(1.58, 0.07, 0.50),
    Feature(1.34, 0.06, 0.40),
    Feature(1.70, 0.35, 0.06),
    Feature(0.60, 0.012, 0.04, shifts=False),
)
PLATEAU_CHARGE_SHIFT = 0.10  # its oxidation shows 0.1 V above it on charge


@dataclass(frozen=True)
class Cathode:
    """Kinetic parameters of one cathode (overpotentials in V, at 60 C unless RT)."""

    name: str
    overpotential: float  # eta at 50 mA/g
    overpotential_per_rate: float  # d eta / d(specific current), V per mA/g
    features: tuple[Feature, ...] = FEATURES


CAST_ANNEALED = Cathode("cast-annealed", 0.15, 0.0012)
BALL_MILLED = Cathode("ball-milled", 0.30, 0.0025)


@dataclass(frozen=True)
class CycleSpec:
    """One cycle of a protocol: specific current (mA/g), capacities (mAh/g), eta offset."""

    current_density: float
    discharge_capacity: float
    charge_capacity: float
    extra_overpotential: float = 0.0


@dataclass(frozen=True)
class Protocol:
    """A test: its cycles, log interval rule, rest length and temperature label."""

    cycles: tuple[CycleSpec, ...]
    points_per_half_cycle: int = 100
    rest_s: float = 600.0
    rest_points: int = 3
    initial_rest_s: float = 3600.0
    temperature: str = "60 C"
    interval_resolution: float = 10.0  # s: a cycler's log-interval setting is a round number


def _logistic(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def voltage_curve(cathode: Cathode, direction: str, eta: float, fraction: np.ndarray) -> np.ndarray:
    """Voltage (V) at capacity fractions 0..1 of a half-cycle (see the module docstring)."""
    grid = np.linspace(V_MIN, V_MAX, 4001)
    sign = 1.0 if direction == "charge" else -1.0
    total = np.zeros_like(grid)
    for f in cathode.features:
        if f.shifts:
            centre = f.potential + sign * eta
        else:
            centre = f.potential + (PLATEAU_CHARGE_SHIFT if sign > 0 else 0.0)
        total += f.weight * _logistic(sign * (grid - centre) / f.width)
    if sign > 0:
        frac = (total - total[0]) / (total[-1] - total[0])
        return np.interp(fraction, frac, grid)
    frac = (total - total[-1]) / (total[0] - total[-1])
    return np.interp(fraction, frac[::-1], grid[::-1])


def paper_protocols() -> dict[str, tuple[Cathode, Protocol]]:
    """The paper's tests: 50 cycles at 50 mA/g, the rate test and room-temperature cycles."""
    rng = np.random.default_rng(20240601)
    out: dict[str, tuple[Cathode, Protocol]] = {}

    def long_run(q_inf, q1, tau, n):
        k = np.arange(n)
        qd = q_inf + (q1 - q_inf) * np.exp(-k / tau) + rng.normal(0.0, 1.5, n)
        qd[0] = q1
        ce = np.r_[93.0, np.clip(99.7 + rng.normal(0.0, 0.15, n - 1), 99.2, 100.0)]
        return tuple(CycleSpec(50.0, float(d), float(d / (c / 100.0)), 0.12 if i == 0 else 0.0)
                     for i, (d, c) in enumerate(zip(qd, ce)))

    # 810 -> 650 mAh/g over 50 cycles; 600 -> 350 (cycle 10) -> 110 (cycle 45)
    out["cast_annealed_50cycles"] = (CAST_ANNEALED, Protocol(long_run(600.0, 810.0, 34.2, 50)))
    out["ball_milled_45cycles"] = (BALL_MILLED, Protocol(long_run(90.0, 600.0, 13.35, 45)))

    def rate(levels):
        specs = []
        for j, q in levels:
            for k, scale in enumerate((1.01, 1.0, 0.99)):
                qd = q * scale
                specs.append(CycleSpec(j, qd, qd / 0.997, 0.12 if not specs else 0.0))
        return Protocol(tuple(specs), points_per_half_cycle=120)

    out["cast_annealed_rate"] = (CAST_ANNEALED, rate([(20, 1050), (50, 750), (100, 500), (150, 200), (20, 900)]))
    out["ball_milled_rate"] = (BALL_MILLED, rate([(20, 620), (50, 400), (100, 150), (150, 6), (20, 450)]))
    rt = {"cast_annealed_rt": (CAST_ANNEALED, 0.35, 450.0), "ball_milled_rt": (BALL_MILLED, 0.60, 250.0)}
    for name, (cathode, eta, q) in rt.items():
        specs = tuple(CycleSpec(20.0, q * (1 - 0.02 * k), q * (1 - 0.02 * k) / 0.99) for k in range(3))
        out[name] = (replace(cathode, overpotential=eta), Protocol(specs, temperature="25 C"))
    return out


@dataclass
class _Columns:
    time: list = field(default_factory=list)
    step_time: list = field(default_factory=list)
    current: list = field(default_factory=list)
    capacity: list = field(default_factory=list)
    voltage: list = field(default_factory=list)
    energy: list = field(default_factory=list)
    cycle: list = field(default_factory=list)
    step: list = field(default_factory=list)
    state: list = field(default_factory=list)

    def add(self, **cols):
        for k, v in cols.items():
            getattr(self, k).append(np.broadcast_to(np.asarray(v), np.shape(cols["time"])))

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.__dict__.items()}


def simulate(cathode: Cathode, protocol: Protocol, cell: CellRecipe = PAPER_CELL, seed: int = 0):
    """Logged records and the cycler's per-cycle table for one test.

    Returns
    -------
    records : dict of arrays
        time, step_time (s), current (mA), capacity (mAh), voltage (V), energy (mWh),
        cycle, step, state ("R", "RateC", "RateD") -- one entry per logged point.
    table : dict of arrays
        Per cycle: charge/discharge capacity (mAh), energy (mWh), efficiency (%), median
        voltages (V).
    """
    rng = np.random.default_rng(seed)
    m_g = cell.active_mass_mg * 1e-3
    cols = _Columns()
    t, step = 0.0, 1
    n_rest = max(protocol.rest_points, 2)

    def rest(t0, duration, v_from, v_to, cycle_no, step_no, q_held=0.0, e_held=0.0):
        # LAND holds the half-cycle's counters through the rest that follows it
        st = np.linspace(0.0, duration, n_rest)
        v = v_to + (v_from - v_to) * np.exp(-st / (duration / 3.0))
        cols.add(time=t0 + st, step_time=st, current=0.0, capacity=q_held, voltage=v, energy=e_held,
                 cycle=cycle_no, step=step_no, state="R")
        return t0 + duration

    t = rest(t, protocol.initial_rest_s, 1.05, 1.0, 1, step)
    step += 1
    table = {k: [] for k in ("charge_capacity", "discharge_capacity", "charge_energy", "discharge_energy",
                             "median_charge_voltage", "median_discharge_voltage")}
    for n, spec in enumerate(protocol.cycles, start=1):
        eta = cathode.overpotential + cathode.overpotential_per_rate * (spec.current_density - 50.0)
        current = cell.current_mA(spec.current_density)
        for direction, q_spec, label in (("charge", spec.charge_capacity, "RateC"),
                                         ("discharge", spec.discharge_capacity, "RateD")):
            q_total = q_spec * m_g  # mAh
            duration = q_total / current * 3600.0
            fine_f = np.linspace(0.0, 1.0, 4001)
            # a pristine Na2S cathode's first charge has an extra activation barrier
            extra = spec.extra_overpotential if direction == "charge" else 0.0
            fine_v = voltage_curve(cathode, direction, eta + extra, fine_f)
            e_fine = np.r_[0.0, np.cumsum(0.5 * (fine_v[1:] + fine_v[:-1]) * np.diff(fine_f))] * q_total
            interval = duration / protocol.points_per_half_cycle
            res = protocol.interval_resolution
            interval = max(res, float(np.round(interval / res) * res))
            st = np.r_[np.arange(0.0, duration, interval), duration]
            f = st / duration
            v = np.interp(f, fine_f, fine_v) + rng.normal(0.0, 3e-4, f.size)
            v[-1] = V_MAX if direction == "charge" else V_MIN
            sgn = 1.0 if direction == "charge" else -1.0
            cols.add(time=t + st, step_time=st, current=sgn * current, capacity=f * q_total, voltage=v,
                     energy=np.interp(f, fine_f, e_fine), cycle=n, step=step, state=label)
            table[f"{direction}_capacity"].append(q_total)
            table[f"{direction}_energy"].append(e_fine[-1])
            table[f"median_{direction}_voltage"].append(float(np.interp(0.5, fine_f, fine_v)))
            t += duration
            step += 1
            v_end = v[-1]
            v_rest = v_end - sgn * 0.8 * eta
            t = rest(t, protocol.rest_s, v_end, v_rest, n, step, q_total, e_fine[-1])
            step += 1
    rec = cols.arrays()
    tab = {k: np.asarray(v) for k, v in table.items()}
    tab["efficiency"] = 100.0 * tab["discharge_capacity"] / tab["charge_capacity"]
    return rec, tab


# -- LAND writer -----------------------------------------------------------------------------

RECORD_HEADERS = {
    "en": ["Record", "TestTime/Sec", "StepTime/Sec", "Current/{i}", "Capacity/{q}", "SpeCap/mAh/g",
           "Voltage/V", "Energy/{e}", "SpeEnergy/Wh/kg", "Cycle-Index", "Step-Index", "Step-State"],
    "zh": ["序号", "测试时间/Sec", "步骤时间/Sec", "电流/{i}", "容量/{q}", "比容量/mAh/g", "电压/V",
           "能量/{e}", "比能量/Wh/kg", "循环序号", "工步序号", "工步状态"],
}
CYCLE_HEADERS = {
    "en": ["Cycle", "CapC/{q}", "CapD/{q}", "SpeCapC/mAh/g", "SpeCapD/mAh/g", "Efficiency/%",
           "EnergyC/{e}", "EnergyD/{e}", "MedVoltC/V", "MedVoltD/V", "SpeEnergyC/Wh/kg", "SpeEnergyD/Wh/kg"],
    "zh": ["循环序号", "充电容量/{q}", "放电容量/{q}", "充电比容量/mAh/g", "放电比容量/mAh/g", "充放电效率/%",
           "充电能量/{e}", "放电能量/{e}", "充电中值电压/V", "放电中值电压/V", "充电比能量/Wh/kg", "放电比能量/Wh/kg"],
}
SHEETS = {"en": ("Record-Tab", "Cycle-Tab"), "zh": ("记录层", "循环层")}


def write_land_xlsx(path: str | os.PathLike, records: dict, table: dict | None, *, active_mass_mg: float,
                    language: str = "en", micro: bool = False, rows_per_sheet: int | None = None) -> Path:
    """Write records (and a cycle table) as a LAND/LANDdt Excel export.

    ``micro=True`` writes uA / uAh / uWh instead of mA / mAh / mWh; ``rows_per_sheet``
    splits the records over ``Record-Tab``, ``Record-Tab1``, ... as LAND does for long
    tests; ``language="zh"`` writes the Chinese headers. Bytes are deterministic (fixed
    workbook dates, values rounded as a LAND export rounds them). The wall-clock
    ``SysTime`` column is left out: it carries nothing the analysis uses and would double
    the file size.

    Raises
    ------
    ParameterError
        ``active_mass_mg`` no finite number above 0 (the per-gram columns are divided by it: a
        negative mass wrote a workbook of negative specific capacities, 0 or NaN failed inside
        xlsxwriter), ``rows_per_sheet`` not a whole number above 0 (a negative one wrote no record
        sheet), or an unknown ``language``; nothing is written.
    """
    import xlsxwriter

    active_mass_mg = in_range(active_mass_mg, "active_mass_mg", 0, None, inclusive=(False, True))
    whole = isinstance(rows_per_sheet, (int, np.integer)) and not isinstance(rows_per_sheet, bool)
    if rows_per_sheet is not None and not (whole and rows_per_sheet >= 1):
        raise ParameterError(f"rows_per_sheet: expected a whole number of rows above 0 (or None: one sheet), got "
                             f"{rows_per_sheet!r}")
    if language not in RECORD_HEADERS:
        raise ParameterError(f"language must be 'en' or 'zh', got {language!r}")
    scale = 1e3 if micro else 1.0
    units = {"i": "uA" if micro else "mA", "q": "uAh" if micro else "mAh", "e": "uWh" if micro else "mWh"}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    m_g = active_mass_mg * 1e-3
    rec_sheet, cyc_sheet = SHEETS[language]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties({"created": START, "author": "nakit synthetic", "title": "synthesised stand-in"})
    if table is not None:
        ws = wb.add_worksheet(cyc_sheet)
        ws.write_row(0, 0, [h.format(**units) for h in CYCLE_HEADERS[language]])
        for k in range(len(table["charge_capacity"])):
            qc, qd = table["charge_capacity"][k], table["discharge_capacity"][k]
            ec, ed = table["charge_energy"][k], table["discharge_energy"][k]
            ws.write_row(k + 1, 0, [k + 1, round(qc * scale, 5), round(qd * scale, 5), round(qc / m_g, 3),
                                    round(qd / m_g, 3), round(table["efficiency"][k], 4), round(ec * scale, 5),
                                    round(ed * scale, 5), round(table["median_charge_voltage"][k], 6),
                                    round(table["median_discharge_voltage"][k], 6), round(ec / m_g, 3),
                                    round(ed / m_g, 3)])
    n = len(records["time"])
    per = rows_per_sheet or n
    headers = [h.format(**units) for h in RECORD_HEADERS[language]]
    for s, lo in enumerate(range(0, n, per)):
        ws = wb.add_worksheet(rec_sheet if s == 0 else f"{rec_sheet}{s}")
        ws.write_row(0, 0, headers)
        for r, i in enumerate(range(lo, min(lo + per, n)), start=1):
            t = float(records["time"][i])
            q, e = float(records["capacity"][i]), float(records["energy"][i])
            ws.write_row(r, 0, [i + 1, round(t, 1), round(float(records["step_time"][i]), 1),
                                round(float(records["current"][i]) * scale, 6), round(q * scale, 6),
                                round(q / m_g, 4), round(float(records["voltage"][i]), 5),
                                round(e * scale, 6), round(e / m_g, 4), int(records["cycle"][i]),
                                int(records["step"][i]), str(records["state"][i])])
    wb.close()
    return path


def write_paper_data(out_dir: Path) -> list[Path]:
    """Write the six stand-in LAND files of the paper's tests into ``out_dir``."""
    out_dir = Path(out_dir)
    written = []
    for k, (name, (cathode, protocol)) in enumerate(sorted(paper_protocols().items())):
        rec, tab = simulate(cathode, protocol, PAPER_CELL, seed=1000 + k)
        written.append(write_land_xlsx(out_dir / f"{name}.xlsx", rec, tab, active_mass_mg=PAPER_CELL.active_mass_mg))
    return written


def synthetic_record(n_rows: int, *, cycles: int = 50, seed: int = 0, cathode: Cathode = CAST_ANNEALED,
                     cell: CellRecipe = PAPER_CELL) -> dict[str, np.ndarray]:
    """A long record of about ``n_rows`` points in memory (for benchmarks and scaling tests).

    Same model as the files, logged densely: ``n_rows / (2 * cycles)`` points per
    half-cycle. Returns the record columns of :func:`simulate`.
    """
    if n_rows < 20 * cycles:
        raise ParameterError(f"n_rows must be at least {20 * cycles} for {cycles} cycles")
    q = 600.0 + 210.0 * np.exp(-np.arange(cycles) / 34.2)
    protocol = Protocol(tuple(CycleSpec(50.0, float(d), float(d / 0.997)) for d in q),
                        points_per_half_cycle=max(10, n_rows // (2 * cycles) - 2), rest_points=2,
                        interval_resolution=1e-3)
    rec, _ = simulate(cathode, protocol, cell, seed=seed)
    return rec


def paper_files(names: Sequence[str] | None = None, data_dir: Path | None = None) -> dict[str, Path]:
    """Paths of the shipped stand-in files (``data/cycling/<name>.xlsx``)."""
    from ..paths import data_dir as _data_dir

    root = Path(data_dir) if data_dir else _data_dir() / "cycling"
    names = names or sorted(paper_protocols())
    return {n: root / f"{n}.xlsx" for n in names}
