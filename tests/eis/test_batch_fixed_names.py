"""The batch fit refuses a parameter name the circuit lacks, as the single fit does.

``fit_circuit_batch(..., fixed={"Rs": 10.0})`` on ``R0-p(R1,C1)`` fitted R0 free without a word
(the mistyped name dropped), and ``initial={"Rct": ...}`` beside the circuit's own names was
ignored, while ``fit_circuit``/``fit_circuit_raw`` refuse both.
"""

import numpy as np
import pytest

from nakit.eis import fit_circuit, fit_circuit_batch, fit_circuit_raw
from nakit.eis.circuits import Circuit
from nakit.eis.spectra import spectrum_dataset
from nakit.errors import ParameterError

RC = "R0-p(R1,C1)"
F = np.logspace(5, -1, 40)
TRUTH = {"R0": 10.0, "R1": 100.0, "C1": 1e-5}
START = {"R0": 20.0, "R1": 50.0, "C1": 3e-5}


def _spectra():
    """Two noise-free spectra of the circuit: the second with R1 twice the first's."""
    c = Circuit(RC)
    return np.stack([c.impedance(F, TRUTH), c.impedance(F, {**TRUTH, "R1": 200.0})])


def _message(call):
    with pytest.raises(ParameterError) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize("argument, given", [("fixed", {"Rs": 10.0}), ("initial", {**START, "Rct": 100.0})])
def test_batch_and_single_fits_refuse_the_same_name_in_the_same_words(argument, given):
    z = _spectra()
    initial = START if argument == "fixed" else given
    fixed = given if argument == "fixed" else None
    name = "Rs" if argument == "fixed" else "Rct"
    expected = f"{argument}: circuit '{RC}' has no parameter(s) ['{name}']; it has ['R0', 'R1', 'C1']"
    batch = _message(lambda: fit_circuit_batch(F, z, RC, initial, fixed=fixed))
    single = _message(lambda: fit_circuit_raw(F, z[0], RC, initial=initial, fixed=fixed))
    on_dataset = _message(lambda: fit_circuit(spectrum_dataset(F, z[0]), RC, initial=initial, fixed=fixed))
    assert batch == single == on_dataset == expected


def test_names_the_circuit_has_are_fitted_as_before():
    """Forward-model round trip: R0 held at its true 10 ohm, R1 and C1 recovered per spectrum."""
    ds = fit_circuit_batch(F, _spectra(), RC, {"R1": 50.0, "C1": 3e-5}, fixed={"R0": 10.0})
    assert list(ds["parameter"].values) == ["R1", "C1"] and ds.attrs["fixed_R0"] == 10.0
    values = ds["value"]
    np.testing.assert_allclose(values.sel(parameter="R1").values, [100.0, 200.0], rtol=1e-6)
    np.testing.assert_allclose(values.sel(parameter="C1").values, [1e-5, 1e-5], rtol=1e-6)
