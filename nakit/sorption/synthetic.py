"""Forward model for the paper's N2 isotherms (CMK-3 and the Na2S/Na3PS4/CMK-3 composite).

The isotherm is a sum of three parts, all in cm3/g STP:

* micropores, a Langmuir term that fills below p/p0 ~ 0.05;
* an external surface, a GAB (BET with k < 1) multilayer that stays finite at saturation;
* cylindrical mesopores with a Gaussian diameter distribution: each pore carries a
  Harkins-Jura film until it fills by capillary condensation on adsorption (cylindrical
  meniscus, Cohan) and empties on desorption (hemispherical meniscus) -- the difference is
  the H1 loop.

The component sizes are solved so that nakit's own BET (automatic range) and total pore
volume (p/p0 = 0.99) give the paper's values: CMK-3 1002 m2/g and 0.91 cm3/g, the composite
80 m2/g and 0.07 cm3/g (no mesopores left, so no loop). Noise is Gaussian, 0.2 % of the
uptake, with fixed seeds; files are byte-for-byte reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from ..datamodel import mark_synthesised
from .isotherm import make_isotherm
from .kelvin import kelvin_radius
from .thickness import harkins_jura
from .units import N2_DENSITY_CONVERSION, n2_saturation_pressure

MODEL = "nakit.sorption.synthetic (Langmuir micropores + GAB external surface + cylindrical mesopores, H1 by Cohan menisci)"
TEMPERATURE = 77.3
MMHG = 133.322387415


@dataclass(frozen=True)
class Material:
    """Parameters of one stand-in sample (volumes in cm3 liquid/g, area in m2/g, diameters in nm)."""

    name: str
    micropore_volume: float
    mesopore_volume: float
    external_area: float
    pore_diameter: float = 4.0
    pore_diameter_sd: float = 0.25
    langmuir_b: float = 2000.0
    gab_c: float = 60.0
    gab_k: float = 0.75
    seed: int = 0


def _diameters(m: Material) -> tuple[np.ndarray, np.ndarray]:
    d = np.linspace(m.pore_diameter - 4 * m.pore_diameter_sd, m.pore_diameter + 4 * m.pore_diameter_sd, 161)
    w = np.exp(-0.5 * ((d - m.pore_diameter) / m.pore_diameter_sd) ** 2)
    return d, w / w.sum()


def _fill_pressure(d: np.ndarray, meniscus: str) -> np.ndarray:
    """p/p0 at which a cylinder of diameter d (nm) fills/empties: d = 2 (r_K(p) + t(p))."""
    grid = np.linspace(0.05, 0.999, 4000)
    dg = 2 * (kelvin_radius(grid, meniscus) + harkins_jura(grid))
    return np.interp(d, dg, grid)


def uptake(p: np.ndarray, m: Material, branch: str) -> np.ndarray:
    """Noise-free uptake (cm3/g STP) of ``m`` at relative pressures ``p`` on one branch.

    Notes
    -----
    :math:`n = \\frac{V_\\mu}{k_d}\\frac{bp}{1+bp} + n_m\\frac{Ckp}{(1-kp)(1-kp+Ckp)} +
    \\frac{1}{k_d}\\sum_D w_D V_{meso}\\,[\\text{filled}\\;?\\;1 : 1-(1-2t/D)^2]` with
    :math:`k_d` the liquid-density conversion and :math:`n_m = S_{ext}/4.3526`.
    """
    p = np.asarray(p, dtype=float)
    micro = m.micropore_volume * m.langmuir_b * p / (1 + m.langmuir_b * p)
    nm = m.external_area / 4.35262
    kp = m.gab_k * p
    ext = nm * m.gab_c * kp / ((1 - kp) * (1 - kp + m.gab_c * kp)) * N2_DENSITY_CONVERSION
    meso = np.zeros_like(p)
    if m.mesopore_volume > 0:
        d, w = _diameters(m)
        pc = _fill_pressure(d, "cylindrical" if branch == "adsorption" else "hemispherical")
        t = harkins_jura(p)[:, None]
        film = 1 - np.clip(1 - 2 * t / d[None, :], 0, 1) ** 2
        filled = p[:, None] >= pc[None, :]
        meso = m.mesopore_volume * np.sum(w * np.where(filled, 1.0, film), axis=1)
    return (micro + ext + meso) / N2_DENSITY_CONVERSION


def pressure_points(has_loop: bool) -> tuple[np.ndarray, np.ndarray]:
    """Adsorption and desorption p/p0 schedules like an ASAP 2020 mesopore method."""
    ads = np.concatenate([[0.01, 0.02, 0.035], np.linspace(0.05, 0.30, 11), np.linspace(0.33, 0.90, 29 if has_loop else 12),
                          [0.93, 0.95, 0.97, 0.98, 0.99, 0.995]])
    des = np.concatenate([[0.99, 0.98, 0.96, 0.94, 0.92], np.linspace(0.90, 0.40, 26 if has_loop else 11),
                          np.linspace(0.37, 0.10, 6)])[1:]
    return ads, des


def isotherm(m: Material, noise: float = 0.002) -> xr.Dataset:
    """The stand-in isotherm Dataset of ``m`` (seeded noise, 0.2 % of the uptake)."""
    rng = np.random.default_rng(m.seed)
    pa, pd_ = pressure_points(m.mesopore_volume > 0)
    qa, qd = uptake(pa, m, "adsorption"), uptake(pd_, m, "desorption")
    qa = qa * (1 + noise * rng.standard_normal(qa.size))
    qd = qd * (1 + noise * rng.standard_normal(qd.size))
    p = np.concatenate([pa, pd_])
    q = np.round(np.concatenate([qa, qd]), 4)
    p = np.round(p + 2e-5 * rng.standard_normal(p.size), 6)
    p0 = np.round(n2_saturation_pressure(TEMPERATURE) + 30 * rng.standard_normal(p.size), 2)
    branch = ["adsorption"] * pa.size + ["desorption"] * pd_.size
    pressure = np.round(p * p0, 3)  # as an instrument records it: p/p0 follows from the two pressures
    ds = make_isotherm(pressure / p0, q, branch, pressure=pressure, saturation_pressure=p0,
                       attrs={"sample_name": m.name, "adsorptive": "N2", "temperature_K": TEMPERATURE,
                              "sample_mass_g": 0.1000, "instrument_model": "ASAP 2020 (synthesised stand-in)"})
    return mark_synthesised(ds, MODEL, m.seed)


def calibrate(base: Material, bet_area: float, pore_volume: float,
              free: tuple[str, str] = ("micropore_volume", "mesopore_volume")) -> Material:
    """Solve two of ``base``'s parameters so that BET (auto range) and V(0.99) hit the targets.

    Both targets are near-linear in the volumes and the external area, so a few Newton steps
    with finite-difference derivatives on the noise-free model reach 0.1 %. Used to set
    :data:`CMK3` and :data:`COMPOSITE` (their rounded results are written below).
    """
    from dataclasses import replace

    from .bet import bet_auto_raw
    from .porevolume import total_pore_volume_raw

    def measure(x):
        m = replace(base, **dict(zip(free, x)))
        pa, _ = pressure_points(m.mesopore_volume > 0)
        qa = uptake(pa, m, "adsorption")
        return np.array([bet_auto_raw(pa, qa).area, total_pore_volume_raw(pa, qa).volume])

    x = np.array([getattr(base, k) for k in free], dtype=float)
    target = np.array([bet_area, pore_volume])
    for _ in range(8):
        f = measure(x)
        if np.all(np.abs(f / target - 1) < 1e-3):
            break
        h = 1e-3 * np.maximum(np.abs(x), 1e-2)
        jac = np.column_stack([(measure(x + h[k] * np.eye(2)[k]) - f) / h[k] for k in range(2)])
        x = x + np.linalg.solve(jac, target - f)
    return replace(base, **dict(zip(free, x)))


#: calibrate(Material("CMK-3", 0.2, 0.6, 60.0, seed=20231), 1002, 0.91), rounded.
CMK3 = Material("CMK-3", micropore_volume=0.14050, mesopore_volume=0.68724, external_area=60.0, seed=20231)
#: calibrate(Material(..., 0.01, 0.0, 50.0, gab_k=0.8, seed=20232), 80, 0.07, ("micropore_volume", "external_area")).
COMPOSITE = Material("Na2S-Na3PS4-CMK-3 composite", micropore_volume=0.021513, mesopore_volume=0.0, external_area=28.510,
                     gab_k=0.80, seed=20232)


def write_paper_data(out_dir: Path) -> list[Path]:
    """Write the CMK-3 and composite stand-ins as AIF and as Micromeritics-style .xlsx exports."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from .readers import write_aif

    written = []
    for m, stem in ((CMK3, "cmk3"), (COMPOSITE, "composite")):
        ds = isotherm(m)
        written.append(write_aif(ds, out_dir / f"{stem}.aif", material=m.name))
        written.append(write_micromeritics_xlsx(ds, out_dir / f"{stem}_micromeritics.xlsx"))
    return written


def write_micromeritics_xlsx(ds: xr.Dataset, path: Path) -> Path:
    """Write an isotherm as a Micromeritics-style Full Report Set sheet (.xlsx, header + isotherm table).

    Only the blocks nakit reads are written (sample header, summary placeholder, isotherm
    tabular report); the workbook's properties carry a fixed date so the bytes are reproducible.
    """
    import datetime

    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime.datetime(2020, 1, 1), "author": "nakit synthetic",
                       "comments": "Synthesised stand-in data (nakit forward model), not a measurement."})
    ws = wb.add_worksheet("Sheet1")
    a = ds.attrs
    header = [("Micromeritics Instrument Corporation", None), (a.get("instrument_model", ""), None), ("", None),
              ("Sample:", a.get("sample_name", "")), ("Operator:", "nakit"), ("Sample Mass:", f"{a['sample_mass_g']:.4f} g"),
              ("Analysis Adsorptive:", "N2"), ("Analysis Bath Temp.:", f"{a['temperature_K']:.3f} K"),
              ("Comments:", "Synthesised stand-in data (nakit forward model), not a measurement.")]
    for r, (label, value) in enumerate(header):
        for block in (0, 5):
            ws.write_string(r, block, label)
            if value is not None:
                ws.write_string(r, block + 1, str(value))
    title = len(header) + 1
    ds = ds.sortby("measurement_order")  # the rows as an instrument lists them
    for r in range(title + 2 + ds.sizes["point"] + 1):
        ws.write_string(r, 4, "|")
        ws.write_string(r, 10, "|")
    ws.write_string(title, 0, "Summary Report")
    ws.write_string(title, 5, "Isotherm Tabular Report")
    cols = ["Relative Pressure (P/Po)", "Absolute Pressure (mmHg)", "Quantity Adsorbed (cm³/g STP)", "Saturation Pressure (mmHg)"]
    for k, c in enumerate(cols):
        ws.write_string(title + 2, 5 + k, c)
    for r, k in enumerate(range(ds.sizes["point"]), start=title + 3):
        ws.write_number(r, 5, float(ds["relative_pressure"].values[k]))
        ws.write_number(r, 6, float(ds["pressure"].values[k]) / MMHG)
        ws.write_number(r, 7, float(ds["loading"].values[k]))
        ws.write_number(r, 8, float(ds["saturation_pressure"].values[k]) / MMHG)
    wb.close()
    return path
