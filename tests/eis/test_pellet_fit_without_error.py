"""A pellet temperature whose circuit fit gives no standard error does not stop notebook 05.

A new user's 25 °C spectrum had its electrolyte arc mostly above the highest frequency
measured: the fit of p(R1,CPE1)-CPE2 found R1 (1000.9 against 1000 Ω) but did not converge
and gave no standard error, and the whole notebook failed with
"ParameterError: sigma_sigma: 1 non-finite value(s), first at index 0", naming no sample.
Now that temperature is shown and flagged, and left out of the Arrhenius fit, which says so.
"""

from __future__ import annotations

import csv
import re
import warnings

import numpy as np
import pytest

from nakit.eis.conductivity import fit_blocking_cell
from nakit.eis.spectra import spectrum_dataset
from nakit.eis.synthetic import simulate, write_zplot
from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir

TEMPERATURES = {25: 1000.0, 40: 577.0, 60: 290.0, 80: 160.0}  # R1 (Ω), Ea ~0.3 eV
FREQUENCY = np.logspace(np.log10(3.16228e6), -1, 60)


def _spectrum(r1: float, seed: int) -> np.ndarray:
    params = {"R1": r1, "CPE1_Q": 1.2e-10, "CPE1_alpha": 0.89, "CPE2_Q": 1e-6, "CPE2_alpha": 0.85}
    return simulate("p(R1,CPE1)-CPE2", params, FREQUENCY, noise=0.002, seed=seed)


@pytest.fixture(scope="module")
def pellet_run(tmp_path_factory):
    from nakit.runner import execute

    tmp = tmp_path_factory.mktemp("pellet_no_error")
    files = []
    for t, r1 in TEMPERATURES.items():
        z = _spectrum(r1, seed=1)
        if t == 25:  # the case itself: this seed's arc is not resolved well enough for a standard error
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NakitWarning)
                fit = fit_blocking_cell(spectrum_dataset(FREQUENCY, z))
            if np.isfinite(fit.stderr["R1"]):
                pytest.skip("this lmfit/scipy converges on the 25 °C forward-model spectrum: no case to test")
        files.append(str(write_zplot(tmp / f"pellet_{t}C.z", FREQUENCY, z)))
    samples = [{"label": "Na3PS4 pellet P2", "kind": "pellet", "files": files,
                "temperatures_C": list(TEMPERATURES), "diameter_mm": 10.0, "thickness_mm": 1.0}]
    out = tmp / "report"
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    return out


def test_the_temperature_without_an_error_is_shown_flagged_and_left_out_of_the_arrhenius_fit(pellet_run):
    rows = {r["key"]: r for r in csv.DictReader(open(pellet_run / "results" / "headline.csv", encoding="utf-8"))}
    at25 = rows["conductivity_25C"]
    area = np.pi * 0.5 ** 2
    assert float(at25["value"]) == pytest.approx(0.1 / (1000.0 * area), rel=0.01)  # R1 is still found
    assert at25["sigma"] == "" and "did not converge" in at25["flags"]
    for key in ("activation_energy", "activation_energy_sigma_t"):
        assert "left out of the fit, their conductivity has no uncertainty" in rows[key]["flags"]
        assert ": 25 °C" in rows[key]["flags"] and rows[key]["note"] == "3 temperatures"
        assert "rests on" not in rows[key]["flags"]  # the point left out carries no weight to doubt
    # the three other temperatures' line: R1 proportional to exp(Ea / kT)
    k_b = 8.617333262e-5
    T = np.array([40, 60, 80]) + 273.15
    ea = -np.polyfit(1 / T, np.log(1 / np.array([TEMPERATURES[t] for t in (40, 60, 80)])), 1)[0] * k_b
    assert float(rows["activation_energy"]["value"]) == pytest.approx(ea, abs=0.01)
    html = (pellet_run / "05_eis_fitting.html").read_text(encoding="utf-8")
    # the fit's warning says whose it is: the sample and temperature, and the file
    assert re.search(r"Na3PS4 pellet P2, 25 °C: \S+pellet_25C\.z: circuit", html)


def test_an_activation_energy_resting_on_a_flagged_fit_says_so(tmp_path):
    """A 90 °C spectrum of four frequencies (its fit flagged: fewer than two frequencies per parameter)
    carried its weight into Ea without a word."""
    from nakit.runner import execute

    files = []
    for t, r1, freq in ((25, 1000.0, FREQUENCY), (40, 577.0, FREQUENCY), (60, 290.0, FREQUENCY),
                        (80, 160.0, FREQUENCY), (90, 120.0, np.logspace(6, 0, 4))):
        params = {"R1": r1, "CPE1_Q": 1.5e-8, "CPE1_alpha": 0.8, "CPE2_Q": 3e-6, "CPE2_alpha": 0.88}
        z = simulate("p(R1,CPE1)-CPE2", params, freq, noise=0.002, seed=0)
        files.append(str(write_zplot(tmp_path / f"p_{t}C.z", freq, z)))
    samples = [{"label": "P3", "kind": "pellet", "files": files, "temperatures_C": [25, 40, 60, 80, 90],
                "diameter_mm": 10.0, "thickness_mm": 1.0}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path / "report", {"samples": samples})
    assert result.ok, result.error
    rows = {r["key"]: r for r in csv.DictReader(open(tmp_path / "report" / "results" / "headline.csv", encoding="utf-8"))}
    for key in ("activation_energy", "activation_energy_sigma_t"):
        assert "rests on circuit fits that failed their own checks at 90 °C" in rows[key]["flags"], rows[key]["flags"]
