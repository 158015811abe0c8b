"""A circuit fit the data cannot determine is flagged, never shown as a plain number."""

import warnings

import numpy as np
import pytest

from nakit.eis import fit_circuit, fit_circuit_raw, read_eis
from nakit.eis.circuits import Circuit
from nakit.errors import NakitWarning
from tests.peer import peer_file


def test_degenerate_fit_on_a_real_spectrum_is_flagged():
    """impedance.py's Li-ion example: R0-p(R1,CPE1)-W1 puts R1 at ~20x the whole spectrum, no stderr."""
    ds = read_eis(peer_file("echem", "impedancepy", "exampleData.csv"))
    with pytest.warns(NakitWarning, match="fit flagged"):
        fit = fit_circuit(ds, "R0-p(R1,CPE1)-W1", weighting="modulus")
    assert not fit.ok
    assert "uncertainties_undetermined" in fit.flags or "resistance_beyond_spectrum" in fit.flags


def test_a_well_determined_fit_is_not_flagged():
    f = np.logspace(6, -1, 50)
    truth = {"R0": 20.0, "R1": 300.0, "CPE1_Q": 1e-6, "CPE1_alpha": 0.9}
    z = Circuit("R0-p(R1,CPE1)").impedance(f, truth)
    z = z * (1 + 0.002 * np.random.default_rng(1).standard_normal(f.size))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        fit = fit_circuit_raw(f, z, "R0-p(R1,CPE1)")
    assert fit.ok and fit.flags == ()
    assert fit.values["R1"] == pytest.approx(300, rel=0.02)
