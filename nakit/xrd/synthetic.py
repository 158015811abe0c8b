"""Forward model for the paper's XRD stand-ins (Fig. 2a, S2, S3) written as Bruker RAW files.

The paper's diffractograms were never published. These files are made from what it
states: Cu K-alpha (Bruker); the quenched Na2S/Na3PS4/CMK-3 composite shows small Na2S
peaks (111), (220), (311), (400) (a = 6.54 A); after 270 C / 2 h the Na2S peaks are much
stronger and Na3PS4 crystallises; a Kapton hump lies at 10-30 deg; the ball-milled
Na2S/NPS and Na2S-NPS-C contain only Na2S and Na3PS4. Weight fractions follow eq. 1
(29.96 wt% Na2S, 40.04 wt% Na3PS4, 30 wt% carbon). Crystallite sizes, widths and count
levels are assumptions of the model (listed in :data:`SAMPLES`), not paper values.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

import numpy as np

from .background import gaussian_hump
from .simulate import Instrument, Phase, simulate_pattern
from .structures import reference
from .writers import write_bruker_raw

MODEL = "nakit.xrd.synthetic v1"
WAVELENGTH = "Cu"
GRID = (10.0, 80.0, 0.02)          # start, stop, step (deg)
INSTRUMENT = Instrument(u=0.004, v=-0.002, w=0.002, x=0.02)


@dataclass
class Sample:
    """Recipe of one stand-in: phases (reference name, wt%, size nm, strain, a), humps, seed."""

    phases: list[tuple[str, float, float, float, float | None]]
    humps: list[tuple[float, float, float]] = field(default_factory=list)   # centre, FWHM, area
    flat: float = 40.0
    counts: float = 1.0               # scale of the crystalline signal
    seed: int = 0


KAPTON = (17.0, 9.0, 9000.0)
GLASS = (29.0, 12.0, 5000.0)
CARBON = (24.0, 11.0, 4000.0)

SAMPLES: dict[str, Sample] = {
    # tiny Na2S crystals in a glassy Na-P-S matrix: small, broad Na2S peaks
    "quenched": Sample([("Na2S_Fm-3m", 29.96, 15.0, 0.0, 6.54)], [KAPTON, GLASS, CARBON], counts=0.45, seed=31),
    "annealed": Sample([("Na2S_Fm-3m", 29.96, 45.0, 0.0, 6.54), ("Na3PS4_P-421c", 40.04, 40.0, 0.0, None)],
                       [KAPTON, CARBON], counts=1.0, seed=32),
    "ballmilled_na2s_nps": Sample([("Na2S_Fm-3m", 42.8, 25.0, 0.002, 6.54), ("Na3PS4_I-43m", 57.2, 20.0, 0.002, None)],
                                  [KAPTON], counts=1.0, seed=33),
    "ballmilled_na2s_nps_c": Sample([("Na2S_Fm-3m", 29.96, 25.0, 0.002, 6.54),
                                     ("Na3PS4_I-43m", 40.04, 20.0, 0.002, None)], [KAPTON, CARBON],
                                    counts=0.8, seed=34),
}


def grid() -> np.ndarray:
    start, stop, step = GRID
    return start + step * np.arange(int(round((stop - start) / step)) + 1)


def scale_for_weight_fraction(name: str, wt_percent: float) -> float:
    """Scale factor S with W proportional to S M V (Hill & Howard, J. Appl. Cryst. 20 (1987) 467)."""
    c = reference(name)
    return wt_percent / (c.cell_mass * c.volume) * 1e3


def expected_pattern(sample: Sample, two_theta=None, instrument: Instrument = INSTRUMENT,
                     peak_counts: float = 2.5e-3) -> np.ndarray:
    """Noise-free counts of a sample recipe on a grid."""
    x = grid() if two_theta is None else np.asarray(two_theta, float)
    phases = []
    for name, wt, size, strain, a in sample.phases:
        c = reference(name)
        if a is not None:
            c = c.with_cell(a=a)
        phases.append(Phase(c, scale_for_weight_fraction(name, wt) * sample.counts * peak_counts, size, strain))
    bg = sample.flat + 600.0 / x
    for centre, fwhm, area in sample.humps:
        bg = bg + gaussian_hump(x, centre, fwhm, area)
    return simulate_pattern(phases, x, WAVELENGTH, instrument, background=bg)["intensity"].values


def noisy(expected: np.ndarray, seed: int) -> np.ndarray:
    """Poisson counting noise with a fixed seed."""
    return np.random.default_rng(seed).poisson(np.clip(expected, 0, None)).astype(float)


def write_paper_data(out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write the XRD stand-ins (Bruker RAW v3) into ``out_dir``; same bytes every run."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    x = grid()
    paths = []
    for name, sample in SAMPLES.items():
        y = noisy(expected_pattern(sample, x), sample.seed)
        paths.append(write_bruker_raw(out_dir / f"{name}.raw", x[0], GRID[2], y, WAVELENGTH,
                                      sample=f"nakit synthesised: {name}", time_per_step=1.0))
    return paths
