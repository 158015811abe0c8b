"""X-ray powder diffraction: readers, reference structures, simulation, phase ID, cells, sizes.

Modules: :mod:`~nakit.xrd.readers` (files -> Dataset), :mod:`~nakit.xrd.structures` (CIF
library), :mod:`~nakit.xrd.simulate` (sticks and profiles), :mod:`~nakit.xrd.background`,
:mod:`~nakit.xrd.peaks`, :mod:`~nakit.xrd.klines` (K-alpha2 and K-beta lines read as peaks),
:mod:`~nakit.xrd.phase_id`, :mod:`~nakit.xrd.refine`, :mod:`~nakit.xrd.indexing`, :mod:`~nakit.xrd.size`,
:mod:`~nakit.xrd.scaling`,
:mod:`~nakit.xrd.synthetic` (paper stand-ins) and :mod:`~nakit.xrd.writers`.
"""

from .background import fit_background, fit_background_raw
from .counting import broken_at_gaps, gaps_note, intensity_unit, scan_gaps
from .indexing import ab_initio_row, index_cubic, index_pattern, index_tetragonal, unknown_lines
from .klines import ka2_note, ka2_pairs, kbeta_note, kbeta_pairs
from .peaks import empty_peak_table, find_peaks_raw, fit_peaks, fit_peaks_raw, no_peaks_note, unfitted_note
from .phase_id import (identify_phases, identify_phases_raw, near_candidates, near_candidates_note, no_lines_note,
                       suggest_phases)
from .readers import Wavelength, read_xrd, read_xrd_scans, wavelength_from_gsas_prm, wavelength_from_instprm
from .refine import refine_cell, refine_cell_raw
from .scaling import fit_whole_pattern, unexplained_note
from .simulate import Instrument, Phase, reflections, simulate_pattern
from .size import (instrument_from_standard, scherrer, scherrer_raw, single_reflections,
                   stand_in_instrument_doubt, williamson_hall, williamson_hall_raw)
from .structures import Crystal, Site, crystal_from_parameters, library, read_cif, reference

__all__ = [
    "Crystal", "Site", "crystal_from_parameters", "Instrument", "Phase", "Wavelength", "ab_initio_row",
    "broken_at_gaps", "empty_peak_table", "fit_background", "fit_background_raw", "fit_peaks", "fit_peaks_raw",
    "find_peaks_raw", "fit_whole_pattern", "gaps_note", "identify_phases", "identify_phases_raw", "index_cubic",
    "index_pattern", "index_tetragonal", "instrument_from_standard", "intensity_unit", "ka2_note", "ka2_pairs",
    "kbeta_note", "kbeta_pairs", "library", "near_candidates", "near_candidates_note", "read_cif", "no_lines_note",
    "no_peaks_note", "read_xrd", "read_xrd_scans",
    "reference", "reflections", "refine_cell", "refine_cell_raw", "scan_gaps", "scherrer", "scherrer_raw",
    "simulate_pattern", "single_reflections", "stand_in_instrument_doubt", "suggest_phases", "unexplained_note",
    "unfitted_note", "unknown_lines", "wavelength_from_gsas_prm", "wavelength_from_instprm",
    "williamson_hall", "williamson_hall_raw",
]
