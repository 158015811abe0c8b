"""Forward model for the paper's Raman stand-ins, written as Horiba LabSpec 6 text exports.

The paper (532 nm, Horiba LabRAM) states: the PS4^3- band at 420 cm-1 in the quenched and
annealed Na2S-Na3PS4-CMK-3 composites, a shoulder at 380 cm-1 after annealing, and the
CMK-3 D and G bands at 1330 and 1590 cm-1 (Fig. 2b, Fig. S4). Its spectra were never
published, so this module makes stand-ins from those numbers:

    counts = Poisson( sum of bands + fluorescence background ) + cosmic spikes

on a 1.8 cm-1 grid (600 gr/mm at 532 nm), with the axis shifted by ``AXIS_OFFSET`` as an
uncalibrated instrument would, and a silicon reference measured "the same day" so the
offset can be calibrated away. Band widths, areas, background and spike positions are
nakit's choices (the paper gives none) and are listed in ``TRUTH``. A 6 x 5 map of the
annealed composite, whose shoulder grows across the map, exercises map fitting.

Everything is seeded; :func:`write_paper_data` gives the same bytes on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lmfit import lineshapes as ls

from ..errors import ParameterError
from .lineshapes import sigma_from_fwhm

LASER_NM = 532.0
AXIS_OFFSET = 1.2  # cm-1 the stand-in "instrument" reads too high; the silicon file reveals it
STEP = 1.8
COMPOSITE_AXIS = np.round(np.arange(150.0, 750.0, STEP), 3)
CARBON_AXIS = np.round(np.arange(800.0, 2000.0, STEP), 3)
MODEL_NAME = "nakit.raman.synthetic (bands + fluorescence, Poisson noise, cosmic spikes)"


@dataclass(frozen=True)
class Component:
    """One band of the forward model: shape, centre and FWHM (cm-1), area (counts cm-1)."""

    name: str
    shape: str
    center: float
    fwhm: float
    area: float

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        sigma = sigma_from_fwhm(self.shape, self.fwhm)
        fn = {"lorentzian": ls.lorentzian, "gaussian": ls.gaussian}.get(self.shape)
        if fn is None:
            raise ParameterError(f"forward model shapes are lorentzian and gaussian, got {self.shape!r}")
        return fn(x, self.area, self.center, sigma)


TRUTH = {
    "quenched": (Component("PS4^3-", "lorentzian", 420.0, 16.0, 60000.0),),
    "annealed": (Component("PS4^3-", "lorentzian", 420.0, 11.0, 55000.0),
                 Component("shoulder", "lorentzian", 380.0, 14.0, 14000.0)),
    "cmk3": (Component("D4", "lorentzian", 1200.0, 160.0, 60000.0),
             Component("D", "lorentzian", 1330.0, 170.0, 250000.0),
             Component("D3", "gaussian", 1510.0, 150.0, 70000.0),
             Component("G", "lorentzian", 1590.0, 70.0, 110000.0),
             Component("D2", "lorentzian", 1620.0, 30.0, 12000.0)),
    "silicon": (Component("Si", "lorentzian", 520.7, 4.0, 150000.0),),
}
SEEDS = {"quenched": 501, "annealed": 502, "cmk3": 503, "silicon": 504, "map": 505}


def fluorescence(x: np.ndarray, level: float, decay: float) -> np.ndarray:
    """A smooth, falling fluorescence background (counts)."""
    return level * (0.6 + 0.4 * np.exp(-(x - x[0]) / decay))


def add_spikes(y: np.ndarray, rng: np.random.Generator, n: int, height: float) -> np.ndarray:
    """Add ``n`` cosmic-ray spikes, each one or two pixels wide."""
    out = y.copy()
    for _ in range(n):
        i = int(rng.integers(5, y.size - 6))
        out[i] += height * rng.uniform(0.6, 1.0)
        if rng.random() < 0.5:
            out[i + 1] += height * rng.uniform(0.2, 0.6)
    return out


def simulate(x: np.ndarray, components, *, rng: np.random.Generator, background: float, decay: float = 300.0,
             spikes: int = 2, spike_height: float = 3000.0, area_scale: float = 1.0) -> np.ndarray:
    """Counts for ``components`` on the true axis ``x``: Poisson noise, then cosmic spikes."""
    mean = fluorescence(x, background, decay) + area_scale * sum(c.evaluate(x) for c in components)
    return add_spikes(rng.poisson(mean).astype(float), rng, spikes, spike_height)


def header(title: str, *, acq_time: float = 10, accumulations: int = 4, extra: dict | None = None) -> dict:
    """A LabSpec 6 header for the stand-ins (no dates: the bytes must not change)."""
    return {"Acq. time (s)": acq_time, "Accumulations": accumulations, "Range (cm-\xb9)": "auto",
            "Instrument": "LabRAM (synthesised stand-in)", "Detector": "CCD", "Objective": "x50_VIS",
            "Grating": "600 (500nm)", "Laser": "532nm", "Hole": 100, "Title": title,
            "Remark": "synthesised by nakit; not a measurement", **(extra or {}),
            "AxisType[0]": "Intens", "AxisUnit[0]": "Cnt", "AxisType[1]": "Spectr", "AxisUnit[1]": "1/cm"}


def _num(v: float) -> str:
    return f"{v:.6g}"


def write_labspec(path: Path, shift: np.ndarray, intensity: np.ndarray, head: dict, *,
                  positions: np.ndarray | None = None) -> Path:
    """Write a LabSpec 6 text export: Latin-1, CRLF, ``#Key=<TAB>Value`` header.

    ``intensity`` 1-D gives the two-column layout; 2-D with ``positions`` of shape (n, 1)
    the series layout and (n, 2) the XY map layout (one leading empty cell per position
    column on the axis row).
    """
    lines = [f"#{k}=\t{v}" for k, v in head.items()]
    if positions is None:
        lines += [f"{_num(s)}\t{_num(i)}" for s, i in zip(shift, intensity)]
    else:
        pos = np.atleast_2d(positions)
        lines.append("\t" * pos.shape[1] + "\t".join(_num(s) for s in shift))
        lines += ["\t".join([*(_num(p) for p in row), *(_num(i) for i in spec)])
                  for row, spec in zip(pos, intensity)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


def map_truth(ny: int = 5, nx: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel scale of the PS4^3- band and of the shoulder for the annealed-composite map."""
    yy, xx = np.meshgrid(np.linspace(0, 1, ny), np.linspace(0, 1, nx), indexing="ij")
    return 0.8 + 0.4 * yy, 0.3 + 1.4 * xx  # the shoulder (Na2S-rich) grows along x


def write_paper_data(out_dir: Path) -> list[Path]:
    """Write the Raman stand-ins into ``out_dir``; same bytes every run."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    measured = {"composite": COMPOSITE_AXIS + AXIS_OFFSET, "carbon": CARBON_AXIS + AXIS_OFFSET}
    for key, axis, title, settings in (
            ("quenched", "composite", "quenched Na2S-Na3PS4-CMK-3", {"background": 1500.0}),
            ("annealed", "composite", "cast-annealed Na2S-Na3PS4-CMK-3", {"background": 1500.0}),
            # carbon: a longer acquisition (x5 counts) and a slowly varying fluorescence
            ("cmk3", "carbon", "CMK-3", {"background": 4000.0, "area_scale": 5.0, "decay": 1500.0}),
            ("silicon", "composite", "Si wafer reference", {"background": 300.0})):
        x = COMPOSITE_AXIS if axis == "composite" else CARBON_AXIS
        y = simulate(x, TRUTH[key], rng=np.random.default_rng(SEEDS[key]), **settings)
        written.append(write_labspec(out_dir / f"{key}.txt", measured[axis], y, header(title)))
    rng = np.random.default_rng(SEEDS["map"])
    ps4_scale, sh_scale = map_truth()
    ny, nx = ps4_scale.shape
    spectra, pos = [], []
    ps4, shoulder = TRUTH["annealed"]
    for iy in range(ny):
        for ix in range(nx):
            comps = (Component(ps4.name, ps4.shape, ps4.center, ps4.fwhm, ps4.area * ps4_scale[iy, ix]),
                     Component(shoulder.name, shoulder.shape, shoulder.center, shoulder.fwhm,
                               shoulder.area * sh_scale[iy, ix]))
            spectra.append(simulate(COMPOSITE_AXIS, comps, rng=rng, background=1500.0,
                                    spikes=int(rng.random() < 0.3), area_scale=0.5))
            pos.append((2.0 * ix, 2.0 * iy))
    head = header("annealed composite map", accumulations=1, extra={"AxisType[2]": "X", "AxisUnit[2]": "\xb5m"})
    written.append(write_labspec(out_dir / "annealed_map.txt", measured["composite"], np.array(spectra), head,
                                 positions=np.array(pos)))
    return written
