"""A mistyped or another tool's keyword given to a labelled EIS function is refused in nakit's words.

``fit_circuit(ds, circ, initial_guess=[...])`` (impedance.py's name for the starting values) said
"TypeError: fit_circuit_raw() got an unexpected keyword argument 'initial_guess'": a function the
user never called, and no accepted name (new-user audit A3). Every ``**kwargs`` pass-through of
nakit.eis now names the function called, the closest accepted name and all of them (in
nakit.validation.pass_through's words, whose punctuation is not pinned here).
"""

import numpy as np
import pytest

from nakit.eis import drt, fit_circuit, fit_spectra, lin_kk
from nakit.eis.circuits import Circuit
from nakit.eis.spectra import spectrum_dataset
from nakit.errors import ParameterError
from tests.helpers import quiet

RC = "R0-p(R1,C1)"
TRUTH = {"R0": 10.0, "R1": 100.0, "C1": 1e-6}
F = np.logspace(5, -1, 40)


def _spectrum():
    return spectrum_dataset(F, Circuit(RC).impedance(F, TRUTH))


def test_impedance_py_names_are_mapped_to_nakit_names():
    ds = _spectrum()
    with pytest.raises(ParameterError, match=r"^fit_circuit: unknown argument 'initial_guess'\W+did you mean "
                                             r"'initial'\?.*it takes: .*\binitial\b.*\bweighting\b"):
        fit_circuit(ds, RC, initial_guess=[10, 100, 1e-6])
    with pytest.raises(ParameterError, match=r"^fit_circuit: unknown argument 'constants'\W+did you mean 'fixed'\?"):
        fit_circuit(ds, RC, constants={"R0": 10.0})
    # the right names still reach the fit
    fit = quiet(fit_circuit, ds, RC, initial=[10, 100, 1e-6])
    assert fit.values["R1"] == pytest.approx(100.0, rel=1e-6)


@pytest.mark.parametrize("call, key, near", [
    (lambda ds: lin_kk(ds, fittype="complex"), "fittype", "fit_type"),
    (lambda ds: drt(ds, lamda=1e-3), "lamda", "lam"),
    (lambda ds: fit_spectra([ds, ds], RC, [10, 100, 1e-6], weight="unit"), "weight", "weighting"),
    (lambda ds: fit_spectra([ds, ds], RC, [10, 100, 1e-6], constants={"R0": 10.0}), "constants", "fixed"),
])
def test_every_pass_through_names_the_function_called(call, key, near):
    name = call.__code__.co_names[0]
    with pytest.raises(ParameterError, match=rf"^{name}: unknown argument '{key}'\W+did you mean '{near}'\?"):
        call(_spectrum())


def test_fit_spectra_refuses_files_in_its_own_words():
    ds = _spectrum()
    with pytest.raises(ParameterError, match=r"^fit_spectra: argument 'files' is not set by hand: fit_spectra "
                                             r"takes it from each spectrum's source_path attribute$"):
        fit_spectra([ds, ds], RC, [10, 100, 1e-6], files=["a", "b"])
