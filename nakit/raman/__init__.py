"""Raman spectroscopy: readers, calibration, despiking, baselines, band fitting and assignment,
carbon D/G analysis, vectorised map fitting and the paper's stand-in forward model."""

from .readers import read_labspec, read_raman, read_rruff, read_two_column, read_wire

__all__ = ["read_raman", "read_labspec", "read_wire", "read_rruff", "read_two_column"]
