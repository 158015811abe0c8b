"""Galvanostatic cycling: cycler readers, per-cycle analysis, rate capability, dQ/dV, fade fits."""
