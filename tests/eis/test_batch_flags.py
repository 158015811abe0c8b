"""Every spectrum of a batch fit is checked and flagged as its own fit would be.

The batch fit checked the first spectrum only: a temperature series whose middle spectrum was
read with the sign of Z'' reversed (np.conj(Z)) came back without a flag, and one without Z'' at
all was fitted as if it had one.
"""


import numpy as np
import pytest

from nakit.eis import fit_circuit_raw, synthetic
from nakit.eis.batch import fit_circuit_batch, fit_spectra
from nakit.eis.readers import read_zplot
from nakit.errors import NakitWarning, ParameterError
from tests.helpers import quiet

F = synthetic.FREQUENCIES
RC = "R0-p(R1,C1)"
TEMPERATURES = ["25 °C", "40 °C", "55 °C", "70 °C", "85 °C"]
START = {"R0": 10.0, "R1": 200.0, "C1": 1e-5}


def _series(seed: int = 0) -> np.ndarray:
    """An electrolyte arc shrinking with temperature (R1 400 to 100 ohm, apex 40-160 Hz), 0.3 % noise:
    capacitive down to the lowest frequency, as a cell is."""
    return np.stack([synthetic.simulate(RC, {"R0": 10.0, "R1": r1, "C1": 1e-5}, seed=seed + k)
                     for k, r1 in enumerate(np.geomspace(400, 100, len(TEMPERATURES)))])


def _flags(out, s: int) -> tuple[str, ...]:
    return tuple(f for f in str(out["flags"].values[s]).split("; ") if f)


def test_a_spectrum_with_z_imag_reversed_in_the_middle_is_flagged_as_its_own_fit():
    z = _series()
    z[2] = np.conj(z[2])
    with pytest.warns(NakitWarning, match=r"batch fit flagged for 1 of 5 spectra.*spectrum 2 of 5: Im\(Z\) "
                                          r"positive \(inductive\) at the low-frequency end"):
        out = fit_circuit_batch(F, z, RC, START)
    singles = [quiet(fit_circuit_raw, F, z[s], RC, initial=START) for s in range(len(z))]
    assert [_flags(out, s) for s in range(len(z))] == [fit.flags for fit in singles]
    assert [fit.flags for fit in singles] == [(), (), ("inductive_low_end", "lack_of_fit"), (), ()]
    # the same words, numbers and all: the two fits end at the same values (R1 to 1e-6)
    assert list(out["flag_details"].values) == ["; ".join(fit.flag_details) for fit in singles]
    np.testing.assert_allclose(out["value"].sel(parameter="R1").values, [fit.values["R1"] for fit in singles],
                               rtol=1e-6)
    # labelled (a temperature series), the warning says which temperature
    with pytest.warns(NakitWarning, match=r"spectrum 2 of 5, 55 °C: Im\(Z\) positive"):
        labelled = fit_circuit_batch(F, z, RC, START, labels=TEMPERATURES)
    assert list(labelled["label"].values) == TEMPERATURES


def test_the_blocking_cell_series_flags_its_reversed_spectrum_only():
    """The paper's pellet series (Fig. S13 stand-ins), its 50 °C spectrum conjugated."""
    c = synthetic.BLOCKING_CIRCUIT
    z = np.stack([synthetic.simulate(c, synthetic.blocking_parameters(t), seed=k)
                  for k, t in enumerate(synthetic.SERIES_C)])
    z[3] = np.conj(z[3])
    start = synthetic.blocking_parameters(50.0)
    out = quiet(fit_circuit_batch, F, z, c, start)
    for s in range(len(z)):
        if s != 3:
            assert _flags(out, s) == quiet(fit_circuit_raw, F, z[s], c, initial=start).flags == ()
    # (on so wrong a spectrum the two fits end apart, so only the flags that speak of it are compared)
    assert {"inductive_low_end", "lack_of_fit"} <= set(_flags(out, 3))


def test_a_spectrum_without_z_imag_in_the_middle_is_refused_naming_it():
    z = _series()
    z[3] = z[3].real + 0j
    with pytest.raises(ParameterError, match=r"^impedance: got an imaginary part \(Z'', a spectrum's z_imag\) of 0 at "
                                             r"every frequency.*pass both parts \(in spectrum 3 of 5\)$"):
        fit_circuit_batch(F, z, RC, START)
    with pytest.raises(ParameterError, match=r"pass both parts \(in spectrum 3 of 5, 70 °C\)$"):
        fit_circuit_batch(F, z, RC, START, labels=TEMPERATURES)
    with pytest.raises(ParameterError, match=r"got real numbers, without an imaginary part.*\(in spectrum 0 of 5\)$"):
        fit_circuit_batch(F, z.real, RC, START)
    z = _series()
    z[1, 7] = np.nan
    with pytest.raises(ParameterError, match=r"^impedance: non-finite value at index 7 \(in spectrum 1 of 5\)$"):
        fit_circuit_batch(F, z, RC, START)


def test_fit_spectra_names_the_file_and_the_spectrums_coordinate(tmp_path):
    z = _series()
    z[2] = z[2].real + 0j  # as read from a file whose Z'' column is all zero
    paths = [synthetic.write_zplot(tmp_path / f"pellet_{t[:2]}C.z", F, zk) for t, zk in zip(TEMPERATURES, z)]
    spectra = [read_zplot(p).assign_coords(temperature=float(t[:2]) + 273.15) for p, t in zip(paths, TEMPERATURES)]
    for ds in spectra:
        ds["temperature"].attrs["units"] = "K"
    with pytest.raises(ParameterError, match=r"of 0 at every frequency.*\(in spectrum 2 of 5, temperature 328.15 K, "
                                             r"file .*pellet_55C\.z\)$"):
        fit_spectra(spectra, RC, START)
    good = quiet(fit_spectra, spectra[:2] + spectra[3:], RC, START)
    assert list(good["label"].values) == [f"temperature {t + 273.15:g} K" for t in (25.0, 40.0, 70.0, 85.0)]
    assert good["source"].values[2].endswith("pellet_70C.z") and list(good["flags"].values) == [""] * 4
