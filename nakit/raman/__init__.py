"""Raman spectroscopy: readers, calibration, despiking, baselines, band fitting and assignment,
carbon D/G analysis, vectorised map fitting and the paper's stand-in forward model.

Modules: :mod:`~nakit.raman.readers`, :mod:`~nakit.raman.wdf`, :mod:`~nakit.raman.calibration`,
:mod:`~nakit.raman.despike`, :mod:`~nakit.raman.baseline`, :mod:`~nakit.raman.lineshapes`,
:mod:`~nakit.raman.fitting`, :mod:`~nakit.raman.bands`, :mod:`~nakit.raman.carbon`,
:mod:`~nakit.raman.mapfit`, :mod:`~nakit.raman.synthetic`.
"""

from .bands import assign, candidates, library_band, load_band_library
from .baseline import baseline_raw, baseline_spread, correct_baseline
from .calibration import apply_calibration, silicon_offset, silicon_offset_raw
from .carbon import carbon_analysis, carbon_analysis_raw
from .despike import despike, despike_neighbours_raw, despike_raw
from .fitting import Band, BandFit, fit_bands, fit_bands_raw
from .mapfit import fit_many_raw, fit_map
from .readers import read_labspec, read_raman, read_rruff, read_two_column, read_wire
from .wdf import read_wdf

__all__ = [
    "read_raman", "read_labspec", "read_wire", "read_rruff", "read_two_column", "read_wdf",
    "silicon_offset", "silicon_offset_raw", "apply_calibration",
    "despike", "despike_raw", "despike_neighbours_raw",
    "baseline_raw", "baseline_spread", "correct_baseline",
    "Band", "BandFit", "fit_bands", "fit_bands_raw",
    "load_band_library", "candidates", "assign", "library_band",
    "carbon_analysis", "carbon_analysis_raw",
    "fit_map", "fit_many_raw",
]
