"""fit_spectra and fit_circuit_batch start each spectrum from its own guess when no start is given.

``fit_circuit(ds, circuit)`` needs no starting values (the circuit's rough guess from the data), but
``fit_spectra(spectra, circuit)`` said "TypeError: fit_spectra() missing 1 required positional
argument: 'initial'", and a mapping that left a name out was refused. Now both start where the single
fit starts, spectrum by spectrum, and a partial mapping overrides only the names it gives.
"""

import numpy as np
import pytest

from nakit.eis import fit_circuit, fit_spectra, iter_loops, read_eis
from nakit.eis.batch import fit_circuit_batch
from nakit.eis.circuits import Circuit
from nakit.eis.readers import impedance_of
from nakit.errors import ParameterError
from nakit.eis.spectra import spectrum_dataset
from tests.helpers import quiet
from tests.peer import peer_file

RC = "R0-p(R1,CPE1)"
F = np.logspace(5, -1, 50)
# two spectra far apart: one start for both would sit a decade off for one of them
TRUTHS = [{"R0": 12.0, "R1": 80.0, "CPE1_Q": 2e-6, "CPE1_alpha": 0.9},
          {"R0": 30.0, "R1": 4000.0, "CPE1_Q": 5e-8, "CPE1_alpha": 0.8}]


def _spectra():
    return [spectrum_dataset(F, Circuit(RC).impedance(F, t)) for t in TRUTHS]


def test_fit_spectra_without_a_start_recovers_each_spectrums_circuit():
    res = quiet(fit_spectra, _spectra(), RC)
    for i, truth in enumerate(TRUTHS):
        got = res["value"].isel(spectrum=i).to_series()
        for name, value in truth.items():
            assert got[name] == pytest.approx(value, rel=1e-5), (i, name)
    assert res["converged"].values.all()


def test_a_partial_start_overrides_only_the_names_it_gives():
    z = np.stack([impedance_of(ds) for ds in _spectra()])
    res = quiet(fit_circuit_batch, F, z, RC, {"CPE1_alpha": 0.85})
    for i, truth in enumerate(TRUTHS):
        assert res["value"].isel(spectrum=i).sel(parameter="R1").item() == pytest.approx(truth["R1"], rel=1e-5)
    with pytest.raises(ParameterError, match="R9"):  # a name the circuit lacks is still refused
        fit_circuit_batch(F, z, RC, {"R9": 1.0})


def test_real_loops_fit_as_the_single_fit_does():
    """The loops of a real EC-Lab PEIS file (de_DE export, yadg): each batch value agrees with the
    single fit's of that loop, both started from the data alone."""
    ds = read_eis(peer_file("echem", "yadg", "peis.issue_149.mpt"))
    loops = [loop for _, loop in iter_loops(ds)]
    assert len(loops) >= 2
    batch = quiet(fit_spectra, loops, RC)
    for i, loop in enumerate(loops):
        single = quiet(fit_circuit, loop, RC)
        for name in ("R0", "R1"):
            assert batch["value"].isel(spectrum=i).sel(parameter=name).item() == pytest.approx(
                single.values[name], rel=1e-3), (i, name)
