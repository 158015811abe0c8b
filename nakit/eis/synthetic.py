"""Forward model for the paper's impedance stand-ins, written as Scribner ZPlot ``.z`` files.

The paper's spectra were never published. This module makes stand-ins from what the paper
states, on its instrument (Solartron 1287 + 1260, 100 kHz to 0.1 Hz, 20 mV):

* Fig. S10: both cathodes at the fully discharged state after cycles 1, 10, 30 and 50,
  circuit ``R0-p(R1,CPE1)-W1`` (electrolyte, interface arc, Na+ diffusion line). The paper
  gives no resistances, only that the cast-annealed cathode's interfacial resistance is
  much lower and grows much less; the values in :data:`CATHODES` are illustrative choices
  that honour those two statements (ball-milled roughly exponential growth, as the paper's
  introduction describes; cast-annealed slow, nearly linear).
* Fig. S13: the Pt/Na3PS4/Pt blocking cell (150 mg pellet, 10 mm, cold pressed), circuit
  ``p(R1,CPE1)-CPE2``: the electrolyte arc (bulk plus grain boundary) and the blocking
  electrodes' spike. ``R1`` is set so that the conductivity is the paper's 1.43e-4 S/cm at
  25 C and 3.45e-4 S/cm at 60 C, with the thickness from mass and an assumed pellet density
  (:data:`PELLET`); between and beyond those points it follows the Arrhenius law through them.

Noise: independent Gaussian errors of 0.3 % of |Z| on the real and imaginary parts, a typical
accuracy of a 1260 in this impedance range. Every file has its own fixed seed and carries
no timestamp, so the bytes are reproducible.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .circuits import Circuit
from .conductivity import K_B_EV, pellet_thickness

FREQUENCIES = np.logspace(5, -1, 61)  # Hz, 10 points per decade, high to low as ZPlot sweeps
AMPLITUDE_MV = 20.0
NOISE = 0.003
CYCLES = (1, 10, 30, 50)

CATHODE_CIRCUIT = "R0-p(R1,CPE1)-W1"
# interfacial resistance R1 (ohm) at each cycle; illustrative (see module docstring)
CATHODES = {
    "ball_milled": {"R0": 85.0, "R1": {1: 620.0, 10: 1080.0, 30: 2050.0, 50: 3150.0},
                    "CPE1_Q": 4e-6, "CPE1_alpha": 0.82, "W1": 260.0},
    "cast_annealed": {"R0": 60.0, "R1": {1: 150.0, 10: 172.0, 30: 214.0, 50: 252.0},
                      "CPE1_Q": 8e-6, "CPE1_alpha": 0.86, "W1": 140.0},
}

BLOCKING_CIRCUIT = "p(R1,CPE1)-CPE2"
PELLET = {"mass_mg": 150.0, "diameter_mm": 10.0,
          # assumed: ~85 % of the crystallographic density of cubic Na3PS4 (2.22 g/cm3), typical
          # for a cold-pressed sulfide pellet; the paper states mass and diameter only
          "density_g_cm3": 1.89}
PAPER_SIGMA = {25.0: 1.43e-4, 60.0: 3.45e-4}  # S/cm at deg C (Fig. S13)
SERIES_C = (25.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0)
BLOCKING = {"CPE1_Q": 1.5e-8, "CPE1_alpha": 0.80, "CPE2_Q": 3.0e-6, "CPE2_alpha": 0.88}


def cathode_parameters(cathode: str, cycle: int) -> dict[str, float]:
    """True circuit parameters of one cathode spectrum."""
    p = dict(CATHODES[cathode])
    p["R1"] = p["R1"][cycle]
    return p


def paper_conductivity(temperature_C: float) -> float:
    """sigma (S/cm) on the Arrhenius line through the paper's two points."""
    (t1, s1), (t2, s2) = sorted(PAPER_SIGMA.items())
    T1, T2, T = t1 + 273.15, t2 + 273.15, temperature_C + 273.15
    ea = K_B_EV * np.log(s2 / s1) / (1 / T1 - 1 / T2)
    return float(s1 * np.exp(-ea / K_B_EV * (1 / T - 1 / T1)))


def blocking_parameters(temperature_C: float) -> dict[str, float]:
    """True circuit parameters of the blocking cell at ``temperature_C``."""
    L, _ = pellet_thickness(PELLET["mass_mg"], PELLET["density_g_cm3"], PELLET["diameter_mm"])
    area = np.pi * (PELLET["diameter_mm"] / 20) ** 2
    return {"R1": L / (paper_conductivity(temperature_C) * area), **BLOCKING}


def simulate(circuit: str, params: dict, frequency=FREQUENCIES, *, noise: float = NOISE, seed: int = 0) -> np.ndarray:
    """Impedance of ``circuit`` with relative Gaussian noise on each part (``noise`` x |Z|)."""
    z = Circuit(circuit).impedance(frequency, params)
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((2, z.size))
    return z + noise * np.abs(z) * (e[0] + 1j * e[1])


def write_zplot(path: str | os.PathLike, frequency, z, *, comments=(), amplitude_mV: float = AMPLITUDE_MV) -> Path:
    """Write a spectrum as a ZPlot ``ZPLOT2 ASCII`` file (the layout ZPlot 3.x writes).

    Elapsed time per point is modelled as the larger of 2 s and three periods plus 1 s of
    settling, so the ``Time(Sec)`` column looks like a real sweep.
    """
    f = np.asarray(frequency, dtype=float)
    z = np.asarray(z, dtype=complex)
    t = np.cumsum(np.maximum(2.0, 3.0 / f + 1.0))
    comment_lines = [f"  {c}" for c in comments]
    header = [
        "ZPLOT2 ASCII",
        "  Measured Data, ZPlot:       3.2c",
        "  Experiment Type:            Sweep Frequency, Control Voltage",
        "  Date:                       n/a (synthesised)",
        "  Time:                       n/a (synthesised)",
        "  Open Circuit Potential (V): 0",
        f"  Begin User Comments:        {len(comment_lines)}",
        *comment_lines,
        f"  End User Comments:          {len(comment_lines)}",
        "  Begin Experiment:           0",
        "    Potential-DC:             0",
        "    Potential-DC Type:        1",
        f"    Potential-AC:             {amplitude_mV:g}",
        f"    vs Freq-Initial:          {f[0]:g}",
        f"    vs Freq-Final:            {f[-1]:g}",
        "    vs Freq-Lin/Log Type:     1",
        "    vs Freq-Log Type:         0",
        "    vs Freq-Log Interval:     10",
        "  End Experiment:             0",
        "  Begin Pstat/Gstat:          1287",
        "  End Pstat/Gstat:            1287",
        "  Begin Analyzer:             1260",
        "    Integration Seconds:      0.2",
        "  End Analyzer:               1260",
        "  Begin Information:          Cell Information",
        "    Surface Area:             1",
        "  End Information:            Cell Information",
        f"  Data Points:                {f.size}",
        "  Freq(Hz)\tAmpl\tBias\tTime(Sec)\tZ'(a)\tZ''(b)\tGD\tErr\tRange",
        "End Comments",
    ]
    rows = [f"{fi:.6E}\t{amplitude_mV / 1000:.4E}\t0.0000E+00\t{ti:.6E}\t{zi.real:.4E}\t{zi.imag:.4E}\t0.0000E+00\t0\t3"
            for fi, ti, zi in zip(f, t, z)]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(header + rows) + "\n").encode("latin-1"))
    return path


def _comments(what: str, circuit: str, params: dict, seed: int) -> list[str]:
    values = ", ".join(f"{k}={v:.6g}" for k, v in params.items())
    return [f"nakit synthesised stand-in, not a measurement. {what}",
            f"model {circuit} with {values}; noise {NOISE:g}*|Z|; seed {seed}"]


def write_paper_data(out_dir: Path) -> list[Path]:
    """Write every impedance stand-in into ``out_dir``; returns the paths written."""
    out_dir = Path(out_dir)
    written = []
    seed = 700
    for cathode in CATHODES:
        for cycle in CYCLES:
            seed += 1
            p = cathode_parameters(cathode, cycle)
            z = simulate(CATHODE_CIRCUIT, p, seed=seed)
            what = f"{cathode.replace('_', '-')} Na2S-NPS-C cathode, fully discharged, after cycle {cycle}, 60 C."
            written.append(write_zplot(out_dir / f"{cathode}_cycle{cycle:02d}.z", FREQUENCIES, z,
                                       comments=_comments(what, CATHODE_CIRCUIT, p, seed)))
    for temp in SERIES_C:
        seed += 1
        p = blocking_parameters(temp)
        z = simulate(BLOCKING_CIRCUIT, p, seed=seed)
        what = (f"Pt/Na3PS4/Pt blocking cell, {PELLET['mass_mg']:g} mg pellet, {PELLET['diameter_mm']:g} mm, "
                f"{temp:g} C.")
        written.append(write_zplot(out_dir / f"blocking_{temp:.0f}C.z", FREQUENCIES, z,
                                   comments=_comments(what, BLOCKING_CIRCUIT, p, seed)))
    return written
