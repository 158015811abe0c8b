"""A laser wavelength the user gives is not reported as the file's.

The peer Renishaw WiRE export of graphitic carbon states no laser; read with ``laser_wavelength=633``
(notebook 03: the sample's ``laser_wavelength: 633``) the calibration flag said "this file: Renishaw
(no model), 633 nm", as if the file stated it (new-user audit A3 #18). Now the setup says the 633 nm
is the user's; a laser the file states (the Horiba LabSpec ZnF2 file, 532 nm) is the file's still.
"""

import warnings

from nakit.raman import calibration_applies, read_raman, silicon_offset
from nakit.raman.calibration import setup_of
from tests.peer import peer_file

GRAPHITIC = ("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt")
LABSPEC = ("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt")
SILICON = ("raman", "silicon__ramanfitting_Si_spectrum01.txt")


def test_the_users_laser_is_said_to_be_the_users():
    carbon = read_raman(peer_file(*GRAPHITIC), laser_wavelength=633)
    assert carbon.attrs["instrument_laser_wavelength_nm"] == 633.0
    assert setup_of(carbon).describe() == "Renishaw (no model), 633 nm given by the user (the file states none)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = silicon_offset(read_raman(peer_file(*SILICON)))
    match = calibration_applies(cal, carbon)
    assert not match.applies and match.verdict == "not stated"
    assert ("this file: Renishaw (no model), 633 nm given by the user (the file states none))" in match.flag)


def test_a_laser_the_file_states_stays_the_files():
    assert setup_of(read_raman(peer_file(*GRAPHITIC))).describe() == "Renishaw (no model), no laser"
    horiba = read_raman(peer_file(*LABSPEC), laser_wavelength=532)  # the user's agrees with the file's
    described = setup_of(horiba).describe()
    assert described.endswith(", 532 nm") and "given" not in described
