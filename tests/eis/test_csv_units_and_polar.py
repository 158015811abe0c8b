"""Impedance tables whose headers state units other than ohm and Hz, or give |Z| and phase.

Both were read as if in ohm and Hz with Z' and Z'' in the second and third columns: a table in
kOhm gave an impedance 1000 times too small, and a Bode table (f, |Z|, phase) gave |Z| as Z'
and the phase in degrees as Z''. Silent wrong numbers; now converted, or refused when unknown.
"""

import numpy as np
import pytest

from nakit.eis import read_eis
from nakit.errors import FileFormatError

F = np.logspace(5, -1, 30)
Z = 50 + 200 / (1 + 1j * 2 * np.pi * F * 200e-6)  # R-(RC): capacitive, Im(Z) < 0


def table(path, header, columns, sep=","):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(sep.join(header) + "\n")
        for row in zip(*columns):
            fh.write(sep.join(f"{v:.10g}" for v in row) + "\n")
    return path


def z_of(ds):
    order = np.argsort(ds.frequency.values)[::-1]
    return ds.frequency.values[order], (ds["z_real"].values + 1j * ds["z_imag"].values)[order]


@pytest.mark.parametrize("header, scale_f, scale_z", [
    (("f (Hz)", "Z' (kOhm)", "Z'' (kOhm)"), 1.0, 1e-3),
    (("Frequency [kHz]", "Z' [Ohm]", "Z'' [Ohm]"), 1e-3, 1.0),
    (("freq/mHz", "Re(Z)/mOhm", "Im(Z)/mOhm"), 1e3, 1e3),
    (("Frequency (MHz)", "Z' (MΩ)", "Z'' (MΩ)"), 1e-6, 1e-6),
    (("omega (rad/s)", "Z' (Ω)", "Z'' (Ω)"), 2 * np.pi, 1.0),
    (("ω", "Z'", "Z''"), 2 * np.pi, 1.0),  # an angular frequency states its unit by its name
])
def test_units_stated_in_the_header_are_converted(tmp_path, header, scale_f, scale_z):
    f, z = z_of(read_eis(table(tmp_path / "t.csv", header, (F * scale_f, Z.real * scale_z, Z.imag * scale_z))))
    np.testing.assert_allclose(f, F, rtol=1e-9)
    np.testing.assert_allclose(z, Z, rtol=1e-8)


@pytest.mark.parametrize("header, phase", [
    (("Frequency/Hz", "|Z|/Ohm", "Phase/deg"), np.degrees(np.angle(Z))),
    (("Frequency (Hz)", "|Z| (Ω)", "-Phase (°)"), -np.degrees(np.angle(Z))),  # the phase given negated
    (("freq/Hz", "|Z|/Ohm", "Phase(Z)/rad"), np.angle(Z)),
])
def test_a_bode_table_gives_the_complex_impedance(tmp_path, header, phase):
    ds = read_eis(table(tmp_path / "bode.csv", header, (F, np.abs(Z), phase)))
    np.testing.assert_allclose(z_of(ds)[1], Z, rtol=1e-8)
    assert ds.attrs["instrument_polar"] == 1


def test_nova_export_with_both_forms_uses_z_prime(tmp_path):
    header = ("Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)", "Z (Ω)", "-Phase (°)", "Time (s)")
    cols = (F, Z.real, -Z.imag, np.abs(Z), -np.degrees(np.angle(Z)), np.arange(F.size))
    ds = read_eis(table(tmp_path / "nova.txt", header, cols, sep=";"))
    np.testing.assert_allclose(z_of(ds)[1], Z, rtol=1e-8)
    assert ds.attrs["instrument_columns"] == "Frequency (Hz), Z' (Ω), -Z'' (Ω)"


def test_an_unknown_unit_or_a_lone_modulus_is_refused(tmp_path):
    with pytest.raises(FileFormatError, match=r"column \"Z' \(S\)\": unit 'S' is not a ohm unit"):
        read_eis(table(tmp_path / "a.csv", ("f (Hz)", "Z' (S)", "Z'' (S)"), (F, Z.real, Z.imag)))
    with pytest.raises(FileFormatError, match=r"names \['\|Z\|/Ohm'\] where Z' and Z'' are expected"):
        read_eis(table(tmp_path / "b.csv", ("f/Hz", "|Z|/Ohm", "I/A"), (F, np.abs(Z), F)))
