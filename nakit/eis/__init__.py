"""Impedance spectroscopy: readers, equivalent-circuit fitting, Kramers-Kronig checks,
ionic conductivity with Arrhenius analysis, interfacial resistance over cycling, and the
forward model that writes the paper's stand-in spectra."""

from .circuits import Circuit, CircuitModel
from .readers import impedance_of, read_biologic_mpt, read_csv, read_eis, read_gamry_dta, read_zplot

__all__ = ["Circuit", "CircuitModel", "impedance_of", "read_biologic_mpt", "read_csv", "read_eis",
           "read_gamry_dta", "read_zplot"]
