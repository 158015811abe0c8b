"""Single damaged values in real isotherm files are refused, naming the file and field or row, never
read as other numbers: a decimal comma in a decimal-point Micromeritics header (77,300 K was read
as 77 300 K, 0,1013 g as 1013 g), a bath temperature in °C (350 K accepted for N2), an AIF's
temperature unit, and one uptake ten times too large or zeroed (BET 194.7 -> 342.5 m2/g).
"""

from __future__ import annotations

import glob
import re
import struct

import pytest

from nakit.errors import FileFormatError, InvalidDataError
from nakit.sorption.isotherm import get_branch
from nakit.sorption.readers import read_isotherm, read_isotherm_raw
from tests.peer import PEER_DATA, peer_file

SAMPLE_A = ("sorption", "micromeritics", "Sample_A.xls")
UPTAKE_AT_0_3004 = 91722  # the double holding the adsorption uptake at p/p0 0.3004 (sheet row 42)


def _edited(tmp_path, offset, old: bytes, new: bytes):
    data = bytearray(peer_file(*SAMPLE_A).read_bytes())
    assert data[offset:offset + len(old)] == old
    data[offset:offset + len(old)] = new
    out = tmp_path / "Sample_A.xls"
    out.write_bytes(bytes(data))
    return out


@pytest.mark.peer
@pytest.mark.parametrize("offset, old, new, field", [
    (12385, b"77.300 K", b"77,300 K", "Analysis Bath Temp."),
    (12453, b"0.1013 g", b"0,1013 g", "Sample Mass"),
])
def test_a_decimal_comma_in_a_decimal_point_header_is_refused(tmp_path, offset, old, new, field):
    path = _edited(tmp_path, offset, old, new)
    with pytest.raises(FileFormatError, match="uses ',' as the decimal separator; expected '.'") as err:
        read_isotherm(path)
    assert (err.value.path, err.value.field) == (str(path), field)


@pytest.mark.peer
def test_a_bath_temperature_outside_n2s_liquid_range_is_refused(tmp_path):
    path = _edited(tmp_path, 12385, b"77.300 K", b"77.300 C")
    with pytest.raises(FileFormatError, match=r"temperature 350.45 K is outside the N2 liquid range") as err:
        read_isotherm(path)
    assert err.value.field == "Analysis Bath Temp."


@pytest.mark.peer
def test_the_header_values_of_the_real_export_read_as_before():
    ds = read_isotherm(peer_file(*SAMPLE_A))
    assert (ds.attrs["temperature_K"], ds.attrs["sample_mass_g"]) == (77.3, 0.1013)


@pytest.mark.peer
def test_an_aif_temperature_in_celsius_is_honoured(tmp_path):
    text = peer_file("sorption", "aif-examples", "Sample_G.aif_tst").read_text(encoding="utf-8")
    kelvin = read_isotherm(peer_file("sorption", "aif-examples", "Sample_G.aif_tst")).attrs["temperature_K"]
    stated = re.sub(r"(_exptl_temperature\s+)\S+", rf"\g<1>{kelvin - 273.15:.3f}", text)
    celsius = tmp_path / "c.aif"
    celsius.write_text(re.sub(r"_units_temperature\s+\S+", "_units_temperature 'C'", stated)
                       if "_units_temperature" in stated else stated + "\n_units_temperature 'C'\n", encoding="utf-8")
    assert read_isotherm(celsius).attrs["temperature_K"] == pytest.approx(kelvin, abs=1e-3)
    # the same number in K, the unit the peer file states, is -196 K: refused, naming the field
    kelvin_file = tmp_path / "k.aif"
    kelvin_file.write_text(re.sub(r"_units_temperature\s+\S+", "_units_temperature K", celsius.read_text("utf-8")),
                           encoding="utf-8")
    with pytest.raises(FileFormatError, match="outside the N2 liquid range") as err:
        read_isotherm(kelvin_file)
    assert err.value.field == "_exptl_temperature"


@pytest.mark.peer
@pytest.mark.parametrize("factor", [10.0, 0.0], ids=["tenfold", "zeroed"])
def test_one_corrupted_uptake_is_refused_naming_its_row(tmp_path, factor):
    data = bytearray(peer_file(*SAMPLE_A).read_bytes())
    value = struct.unpack_from("<d", data, UPTAKE_AT_0_3004)[0]
    assert value == pytest.approx(62.297, abs=1e-3)
    struct.pack_into("<d", data, UPTAKE_AT_0_3004, value * factor)
    path = tmp_path / "Sample_A.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidDataError, match=r"adsorption uptake \S+ cm3/g STP at p/p0 0.3004 .* is far off both "
                                               r"neighbours \(60.18 at p/p0 0.2753, 63.99 at 0.321\)") as err:
        read_isotherm(path)
    assert (err.value.path, err.value.line) == (str(path), 42)


def _peer_isotherms():
    files = [f for f in glob.glob(str(PEER_DATA / "sorption" / "**" / "*"), recursive=True)
             if re.search(r"\.(xls|json|csv|aif_tst)$", f) and "adsorption-file-parser" not in f or f.endswith(".xls")]
    return sorted(files) or [pytest.param(None, marks=pytest.mark.skip(reason="no peer data"))]


@pytest.mark.peer
@pytest.mark.parametrize("path", _peer_isotherms(), ids=lambda f: f and f.rsplit("/", 1)[-1])
def test_no_real_isotherm_is_taken_for_a_corrupted_one(path):
    points = read_isotherm_raw(path)  # refused with InvalidDataError if the rule fired
    assert get_branch(points, "adsorption")[1].size >= 3


@pytest.mark.peer
def test_a_flexible_frameworks_real_drop_is_kept():
    """DUT-49 shows 'negative gas adsorption': the uptake falls with rising pressure, a real step."""
    p, q = get_branch(read_isotherm_raw(peer_file("sorption", "aif-examples",
                                                  "DUT-49-SKDM017_SCD5dEtOH+act150C22h_N277K_run1.aif_tst")))
    assert (q[1:] < q[:-1]).any()
