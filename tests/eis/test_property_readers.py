"""Property-based round trips of the impedance text formats: any spectrum written as a plain
table (comma, semicolon with decimal commas, tab), a Gamry DTA (tab- or space-indented rows,
decimal point or comma) or an EC-Lab .mpt (one or several loops) reads back to exactly the
numbers written, through the one entry point."""

import numpy as np
import pytest

from nakit.eis import impedance_of, iter_loops, read_eis

hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")
given, settings, HealthCheck = hypothesis.given, hypothesis.settings, hypothesis.HealthCheck

_value = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def spectra(draw):
    n = draw(st.integers(min_value=3, max_value=25))
    f = np.array(sorted(draw(st.sets(st.floats(min_value=1e-3, max_value=1e6), min_size=n, max_size=n)),
                        reverse=True))
    re = np.array(draw(st.lists(_value, min_size=n, max_size=n)))
    # mostly capacitive (z_imag < 0), as a cell is; "auto" for plain tables relies on that
    im = -np.abs(np.array(draw(st.lists(_value, min_size=n, max_size=n)))) - 1e-3
    return f, re + 1j * im


def _fmt(x: float, decimal: str) -> str:
    text = repr(float(x))
    return text.replace(".", ",") if decimal == "," else text


def _table(f, z, style):
    delim, decimal = {"comma": (",", "."), "semicolon": (";", ","), "tab": ("\t", ".")}[style]
    rows = [delim.join(_fmt(v, decimal) for v in (fi, zi.real, zi.imag)) for fi, zi in zip(f, z)]
    return delim.join(["freq/Hz", "Zreal/Ohm", "Zimag/Ohm"]) + "\n" + "\n".join(rows) + "\n"


def _gamry(f, z, decimal, indent):
    lines = ["EXPLAIN", "TAG\tEISPOT", "PSTAT\tPSTAT\tREF600-1\tPotentiostat", "ZCURVE\tTABLE",
             "\tPt\tTime\tFreq\tZreal\tZimag\tIERange", "\t#\ts\tHz\tohm\tohm\t#"]
    for i, (fi, zi) in enumerate(zip(f, z)):
        fields = [str(i), str(i + 1), _fmt(fi, decimal), _fmt(zi.real, decimal), _fmt(zi.imag, decimal), "7"]
        lines.append(("  " + " ".join(fields[:3]) + "\t" + "\t".join(fields[3:])) if indent and i % 2
                     else "\t" + "\t".join(fields))
    return "\n".join(lines) + "\n"


def _mpt(f, z, decimal, loops):
    n = len(f)
    header = ["EC-Lab ASCII FILE", "", "", "Potentio Electrochemical Impedance Spectroscopy", ""]
    if loops > 1:
        header += [f"Number of loops : {loops}"] + [f"Loop {k} from point number {k * n} to {(k + 1) * n - 1}"
                                                     for k in range(loops)]
    names = "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\ttime/s\t"
    header[1] = f"Nb header lines : {len(header) + 1}"
    rows = []
    for k in range(loops):
        rows += ["\t".join(_fmt(v, decimal) for v in (fi, zi.real, -zi.imag, float(k * n + i)))
                 for i, (fi, zi) in enumerate(zip(f, z))]
    return "\n".join(header + [names] + rows) + "\n"


_SETTINGS = dict(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings(**_SETTINGS)
@given(spectrum=spectra(), style=st.sampled_from(["comma", "semicolon", "tab"]))
def test_plain_tables_round_trip(tmp_path, spectrum, style):
    f, z = spectrum
    path = tmp_path / "s.csv"
    path.write_text(_table(f, z, style))
    ds = read_eis(path)
    np.testing.assert_array_equal(ds["frequency"], f)
    np.testing.assert_array_equal(impedance_of(ds), z)


@settings(**_SETTINGS)
@given(spectrum=spectra(), decimal=st.sampled_from([".", ","]), indent=st.booleans())
def test_gamry_round_trip(tmp_path, spectrum, decimal, indent):
    f, z = spectrum
    path = tmp_path / "s.DTA"
    path.write_text(_gamry(f, z, decimal, indent), encoding="latin-1")
    ds = read_eis(path)
    assert ds.attrs["source_format"] == "gamry_dta"
    np.testing.assert_array_equal(ds["frequency"], f)
    np.testing.assert_array_equal(impedance_of(ds), z)


@settings(**_SETTINGS)
@given(spectrum=spectra(), decimal=st.sampled_from([".", ","]), loops=st.integers(min_value=1, max_value=3))
def test_mpt_round_trip_with_loops(tmp_path, spectrum, decimal, loops):
    f, z = spectrum
    path = tmp_path / "s.mpt"
    path.write_text(_mpt(f, z, decimal, loops), encoding="latin-1")
    ds = read_eis(path)
    assert ds.sizes.get("loop", 1) == loops
    for k, one in iter_loops(ds):
        np.testing.assert_array_equal(one["frequency"], f)
        np.testing.assert_array_equal(impedance_of(one), z)
        np.testing.assert_array_equal(one["elapsed_time"], k * len(f) + np.arange(len(f)))
