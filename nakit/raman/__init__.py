"""Raman spectroscopy: readers, calibration, despiking, baselines, band fitting and assignment,
carbon D/G analysis, vectorised map fitting and the paper's stand-in forward model.

Modules: :mod:`~nakit.raman.readers`, :mod:`~nakit.raman.wdf`, :mod:`~nakit.raman.calibration`,
:mod:`~nakit.raman.despike`, :mod:`~nakit.raman.baseline`, :mod:`~nakit.raman.lineshapes`,
:mod:`~nakit.raman.fitting`, :mod:`~nakit.raman.bands`, :mod:`~nakit.raman.carbon`,
:mod:`~nakit.raman.mapfit`, :mod:`~nakit.raman.synthetic`.
"""

from .._lazy import lazy_exports as _lazy_exports
from .baseline import baseline_raw, baseline_spread, correct_baseline
from .readers import read_labspec, read_raman, read_rruff, read_two_column, read_wire, with_default_laser
from .wdf import read_wdf

__all__ = [
    "read_raman", "read_labspec", "read_wire", "read_rruff", "read_two_column", "read_wdf",
    "silicon_offset", "silicon_offset_raw", "apply_calibration", "calibration_applies", "stand_in_calibration", "with_default_laser",
    "despike", "despike_raw", "despike_neighbours_raw",
    "baseline_raw", "baseline_spread", "correct_baseline",
    "Band", "BandFit", "fit_bands", "fit_bands_raw", "propose_bands", "prominent_bands",
    "load_band_library", "candidates", "assign", "outside_library", "library_band", "library_bands",
    "carbon_analysis", "carbon_analysis_raw", "carbon_evidence", "CarbonEvidence",
    "fit_map", "fit_many_raw",
]

# imported on first use: these modules pull in lmfit or scipy (see nakit._lazy)
_lazy_exports(__name__, {
    "assign": "bands", "candidates": "bands", "library_band": "bands", "library_bands": "bands", "outside_library": "bands",
    "load_band_library": "bands",
    "apply_calibration": "calibration", "calibration_applies": "calibration", "silicon_offset": "calibration", "stand_in_calibration": "calibration", "silicon_offset_raw": "calibration",
    "carbon_analysis": "carbon", "carbon_analysis_raw": "carbon", "carbon_evidence": "carbon", "CarbonEvidence": "carbon",
    "despike": "despike", "despike_neighbours_raw": "despike", "despike_raw": "despike",
    "Band": "fitting", "BandFit": "fitting", "fit_bands": "fitting", "fit_bands_raw": "fitting",
    "fit_many_raw": "mapfit", "fit_map": "mapfit", "propose_bands": "propose", "prominent_bands": "propose",
})
