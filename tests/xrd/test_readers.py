"""Readers on every real peer file, writer round trip, and clear errors for bad files."""

from __future__ import annotations

import bz2
import struct

import numpy as np
import pytest

from nakit.errors import FileFormatError, InvalidDataError, ParameterError
from nakit.xrd.readers import Wavelength, read_xrd, read_xrd_scans
from nakit.xrd.writers import write_bruker_raw
from tests.peer import peer_file


def test_bt86_raw_and_uxd_agree():
    raw = read_xrd(peer_file("xrd", "xylib", "BT86.raw"))
    uxd = read_xrd(peer_file("xrd", "xylib", "BT86_.UXD"))
    assert raw.sizes == uxd.sizes == {"two_theta": 2374}
    np.testing.assert_array_equal(raw.intensity.values, uxd.intensity.values)
    # UXD rounds 2theta to 3 decimals
    np.testing.assert_allclose(raw.two_theta.values, uxd.two_theta.values, atol=5.1e-4 + 5e-3)
    for key in ("wavelength", "wavelength_ka2", "ka2_ratio"):
        assert raw.attrs[key] == pytest.approx(uxd.attrs[key])
    assert raw.attrs["wavelength"] == pytest.approx(1.5406)
    assert raw.attrs["instrument_sample"] == "BT86"
    assert raw.two_theta.attrs["units"] == "deg"


def test_raw_v3_multi_range():
    scans = read_xrd_scans(peer_file("xrd", "xylib", "format1.raw"))
    assert [s.sizes["two_theta"] for s in scans] == [101, 26, 51]
    assert [float(s.two_theta[0]) for s in scans] == pytest.approx([10.0, 30.0, 40.0])
    assert [float(s.two_theta[1] - s.two_theta[0]) for s in scans] == pytest.approx([0.1, 0.2, 0.1])
    assert read_xrd(peer_file("xrd", "xylib", "format1.raw"), scan=2).attrs["scan_index"] == 2
    with pytest.raises(ParameterError, match="3 range"):
        read_xrd(peer_file("xrd", "xylib", "format1.raw"), scan=3)


def test_raw4_eight_bytes_per_step():
    path = peer_file("xrd", "nomad", "TwoTheta_scan_scrambled.raw")
    ds = read_xrd(path)
    assert ds.sizes["two_theta"] == 7134
    assert ds.attrs["instrument_bytes_per_step"] == 8
    assert float(ds.two_theta[0]) == pytest.approx(10.0)
    assert float(ds.two_theta[1] - ds.two_theta[0]) == pytest.approx(0.0105203, rel=1e-5)
    # each 8-byte step holds a float32 intensity then a status word: compare with the raw bytes
    data = path.read_bytes()
    tail = np.frombuffer(data[len(data) - 8 * 7134:], dtype="<f4")[::2]
    np.testing.assert_array_equal(ds.intensity.values, tail.astype(float))
    assert ds.attrs["wavelength"] == pytest.approx(1.5406, abs=1e-6)
    assert "wavelength_ka2" not in ds.attrs  # the file gives Ka2 = 0


def test_brml():
    ds = read_xrd(peer_file("xrd", "nomad", "23-012-AG_2thomegascan_long.brml"))
    assert ds.sizes["two_theta"] == 2001
    assert float(ds.two_theta[0]) == pytest.approx(44.0) and float(ds.two_theta[-1]) == pytest.approx(48.0)
    assert float(ds.intensity[0]) == 3 and float(ds.intensity.max()) == pytest.approx(495559.8)
    assert ds.attrs["wavelength"] == pytest.approx(1.5406)
    # its primary beam passes a Ge(022) channel-cut: K-alpha1 alone, whatever its <Tube> states
    assert "wavelength_ka2" not in ds.attrs


def test_xrdml():
    ds = read_xrd(peer_file("xrd", "xylib", "empyrean.xrdml"))
    assert ds.sizes["two_theta"] == 196
    assert float(ds.two_theta[0]) == pytest.approx(30.05) and float(ds.two_theta[-1]) == pytest.approx(41.75)
    np.testing.assert_array_equal(ds.intensity.values[:4], [8, 11, 6, 10])
    assert ds.attrs["wavelength"] == pytest.approx(1.540598)
    assert ds.attrs["instrument_anode"] == "Cu"


def test_gsas_std_needs_wavelength():
    path = peer_file("xrd", "gsas2", "PBSO4.XRA")
    # says where to give it: the reader's argument, notebook 01's samples, a study file
    with pytest.raises(ParameterError, match=r"PBSO4\.XRA: the file states no wavelength.*wavelength=.*"
                                             r"notebook 01's samples.*study file"):
        read_xrd(path)
    ds = read_xrd(path, wavelength=(1.5405, 1.5443, 0.5))
    assert ds.sizes["two_theta"] == 6001
    assert float(ds.two_theta[0]) == pytest.approx(10.0) and float(ds.two_theta[-1]) == pytest.approx(160.0)
    np.testing.assert_array_equal(ds.intensity.values[:3], [179, 147, 165])
    np.testing.assert_allclose(ds.intensity_sigma.values[:3], np.sqrt([179, 147, 165]))
    assert ds.attrs["wavelength_source"] == "argument"


def test_xye_bz2_three_columns():
    path = peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")
    ds = read_xrd(path, wavelength="Cu")
    assert ds.sizes["two_theta"] == 17381
    assert float(ds.two_theta[0]) == pytest.approx(4.57208)
    assert float(ds.intensity_sigma[0]) == pytest.approx(548.589)
    assert ds.attrs["wavelength_ka2"] == pytest.approx(1.5444274)
    with pytest.raises(ParameterError, match="no wavelength"):
        read_xrd(path)


def test_cu3au_raw():
    for name in ("Cu3Au-1.raw", "Cu3Au-2.raw"):
        ds = read_xrd(peer_file("xrd", "xylib", name))
        assert ds.sizes["two_theta"] == 3901
        assert float(ds.two_theta[-1]) == pytest.approx(100.0)


def test_writer_round_trip(tmp_path):
    y = np.random.default_rng(0).poisson(100, 500).astype(float)
    path = write_bruker_raw(tmp_path / "x.raw", 5.0, 0.02, y, "Cu", sample="round trip")
    ds = read_xrd(path)
    np.testing.assert_array_equal(ds.intensity.values, y)
    np.testing.assert_allclose(ds.two_theta.values, 5.0 + 0.02 * np.arange(500))
    wl = Wavelength.of(ds)
    assert (wl.ka1, wl.ka2, wl.ratio) == pytest.approx((1.5405929, 1.5444274, 0.5))
    assert ds.attrs["instrument_sample"] == "round trip"


def test_wavelength_parsing():
    assert Wavelength.parse("CuKa1").ka2 is None
    assert Wavelength.parse(1.5406).ratio == 0
    for bad in ("Xx", -1.0, (1.5, 1.6)):
        with pytest.raises(ParameterError):
            Wavelength.parse(bad)


# ------------------------------------------------------------------------------------ bad files

def test_truncated_raw(tmp_path):
    src = peer_file("xrd", "xylib", "BT86.raw").read_bytes()
    bad = tmp_path / "cut.raw"
    bad.write_bytes(src[:2000])
    with pytest.raises(FileFormatError, match="truncated") as err:
        read_xrd(bad)
    assert "cut.raw" in str(err.value) and err.value.field.startswith("byte")


def test_truncated_raw_header(tmp_path):
    bad = tmp_path / "head.raw"
    bad.write_bytes(b"RAW1.01\0" + b"\0" * 20)
    with pytest.raises(FileFormatError, match="truncated"):
        read_xrd(bad)


def test_wrong_magic(tmp_path):
    bad = tmp_path / "x.raw"
    bad.write_bytes(b"NOTRAW" + b"\0" * 800)
    with pytest.raises(FileFormatError, match="magic"):
        read_xrd(bad)


def test_bad_raw_range_header(tmp_path):
    src = bytearray(peer_file("xrd", "xylib", "BT86.raw").read_bytes())
    struct.pack_into("<I", src, 712, 999)
    bad = tmp_path / "hdr.raw"
    bad.write_bytes(bytes(src))
    with pytest.raises(FileFormatError, match="304"):
        read_xrd(bad)


@pytest.mark.parametrize("text, line, match", [
    ("10 1\n10.1 2\n10.2 3 4\n", 3, "columns"),
    ("10 1\n10.2 2\n10.1 3\n", 3, "monotonic"),
    ("10 1\n10.1 nan\n10.2 3\n", 2, "not a finite number"),
    ("# header\n10 1\n10.1 abc\n", 3, "not a number"),
])
def test_bad_text(tmp_path, text, line, match):
    bad = tmp_path / "bad.xy"
    bad.write_text(text)
    with pytest.raises(FileFormatError, match=match) as err:
        read_xrd(bad, wavelength="Cu")
    assert err.value.line == line


@pytest.mark.parametrize("value", [0, 250])
def test_one_intensity_throughout_is_refused(tmp_path, value):
    """Counts always scatter: a scan of one value is a placeholder or an export gone wrong."""
    flat = tmp_path / "flat.xy"
    flat.write_text("".join(f"{10 + 0.02 * i:.2f} {value}\n" for i in range(200)))
    with pytest.raises(InvalidDataError, match=f"every intensity is {value}: nothing was measured"):
        read_xrd(flat, wavelength="Cu")
    flat.write_text(flat.read_text().replace(f"10.00 {value}", f"10.00 {value + 1}"))
    assert read_xrd(flat, wavelength="Cu").sizes["two_theta"] == 200


def test_descending_text_is_sorted(tmp_path):
    f = tmp_path / "desc.xy"
    f.write_text("12 3\n11 2\n10 1\n")
    ds = read_xrd(f, wavelength=1.54)
    np.testing.assert_array_equal(ds.two_theta.values, [10, 11, 12])
    np.testing.assert_array_equal(ds.intensity.values, [1, 2, 3])


def test_bad_xrdml_and_brml(tmp_path):
    src = peer_file("xrd", "xylib", "empyrean.xrdml").read_text()
    bad = tmp_path / "bad.xrdml"
    bad.write_text(src.replace("<intensities unit=\"counts\">8 11 6", "<intensities unit=\"counts\">8 x 6"))
    with pytest.raises(FileFormatError, match="non-numeric"):
        read_xrd(bad)
    trunc = tmp_path / "trunc.xrdml"
    trunc.write_text(src[: len(src) // 2])
    with pytest.raises(FileFormatError, match="XML"):
        read_xrd(trunc)
    notzip = tmp_path / "x.brml"
    notzip.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(FileFormatError, match="zip"):
        read_xrd(notzip)


def test_bad_compression(tmp_path):
    bad = tmp_path / "x.xye.bz2"
    bad.write_bytes(bz2.compress(b"10 1 1\n11 2 1\n")[:10])
    with pytest.raises(FileFormatError, match="not valid bzip2 data, or truncated"):
        read_xrd(bad, wavelength="Cu")


def test_file_not_found(tmp_path):
    with pytest.raises(FileFormatError, match="not found"):
        read_xrd(tmp_path / "missing.raw")


def test_reader_does_not_modify_file():
    path = peer_file("xrd", "xylib", "BT86.raw")
    before = path.read_bytes()
    read_xrd(path)
    assert path.read_bytes() == before


def _raw_v1_bytes(ranges):
    """RAW v1 ("RAW "): per range a 152-byte header then float32 counts."""
    out = b"RAW "
    for k, (start, step, y) in enumerate(ranges):
        head = bytearray(152)
        struct.pack_into("<IffIIf", head, 0, len(y), 1.0, step, 0, 0, start)
        head[36:40] = b"S1\0\0"
        struct.pack_into("<ff", head, 68, 1.5406, 1.54439)
        struct.pack_into("<I", head, 148, 1 if k + 1 < len(ranges) else 0)
        out += bytes(head) + np.asarray(y, "<f4").tobytes()
    return out


def _raw_v2_bytes(ranges):
    """RAW v2 ("RAW2"): 256-byte file header, per range a 48+ byte header then float32 counts."""
    head = bytearray(256)
    head[0:4] = b"RAW2"
    struct.pack_into("<H", head, 4, len(ranges))
    head[188:190] = b"Cu"
    struct.pack_into("<fff", head, 190, 1.5406, 1.54439, 0.5)
    out = bytes(head)
    for start, step, y in ranges:
        rh = bytearray(64)
        struct.pack_into("<HH", rh, 0, 64, len(y))
        struct.pack_into("<fff", rh, 8, 2.0, step, start)
        out += bytes(rh) + np.asarray(y, "<f4").tobytes()
    return out


@pytest.mark.parametrize("maker, version", [(_raw_v1_bytes, "RAW v1"), (_raw_v2_bytes, "RAW v2")])
def test_raw_v1_v2_layouts(tmp_path, maker, version):
    ranges = [(10.0, 0.05, [1, 2, 3, 4]), (20.0, 0.1, [5, 6, 7])]
    path = tmp_path / "old.raw"
    path.write_bytes(maker(ranges))
    scans = read_xrd_scans(path)
    assert len(scans) == 2
    for (start, step, y), ds in zip(ranges, scans):
        np.testing.assert_allclose(ds.two_theta.values, start + step * np.arange(len(y)), rtol=1e-6)
        np.testing.assert_array_equal(ds.intensity.values, y)
        assert ds.attrs["instrument_version"] == version
        assert ds.attrs["wavelength"] == pytest.approx(1.5406, rel=1e-6)
    cut = tmp_path / "cut.raw"
    cut.write_bytes(maker(ranges)[:-6])
    with pytest.raises(FileFormatError, match="truncated"):
        read_xrd_scans(cut)


def test_uxd_single_column_counts(tmp_path):
    f = tmp_path / "x.uxd"
    f.write_text("_FILEVERSION=1\n_WL1=1.5406\n_START=10.0\n_STEPSIZE=0.5\n_COUNTS\n1\n2\n3\n")
    ds = read_xrd(f)
    np.testing.assert_allclose(ds.two_theta.values, [10.0, 10.5, 11.0])
    assert ds.attrs["wavelength"] == pytest.approx(1.5406) and "wavelength_ka2" not in ds.attrs


def test_nan_in_binary_counts(tmp_path):
    src = bytearray(peer_file("xrd", "xylib", "BT86.raw").read_bytes())
    struct.pack_into("<f", src, len(src) - 4 * (2374 - 10), float("nan"))  # counts fill the file end
    bad = tmp_path / "nan.raw"
    bad.write_bytes(bytes(src))
    with pytest.raises(FileFormatError, match="non-finite") as err:
        read_xrd(bad)
    assert "point 10" in err.value.field


def test_raw4_step_count_one_fewer_is_refused(tmp_path):
    """A RAW4 range declaring one step fewer than its data must not drop the last point (#15)."""
    path = peer_file("xrd", "nomad", "TwoTheta_scan_scrambled.raw")
    data = bytearray(path.read_bytes())
    at = 447 + 88  # the single range header starts at byte 447 (after six metadata segments)
    assert struct.unpack_from("<I", data, at)[0] == 7134
    struct.pack_into("<I", data, at, 7133)
    bad = tmp_path / "one_fewer.raw"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileFormatError) as info:
        read_xrd(bad)
    exc = info.value
    assert "one_fewer.raw" in str(exc)
    assert exc.field == "byte 535 (range 0 step count)"
    assert "declares 7133 steps of 8 bytes" in exc.reason and "8 bytes follow" in exc.reason
    assert "they would be 1 more step:" in exc.reason


def test_raw4_two_ranges_and_a_lying_first_range(tmp_path):
    """Ranges follow one another with no count in the file header: a second range is read, and a
    first range one step short is refused rather than read into the second range's header."""
    data = peer_file("xrd", "nomad", "TwoTheta_scan_scrambled.raw").read_bytes()
    twice = data + data[447:]  # the same range header and counts appended
    good = tmp_path / "two.raw"
    good.write_bytes(twice)
    scans = read_xrd_scans(good)
    assert [s.sizes["two_theta"] for s in scans] == [7134, 7134]
    np.testing.assert_array_equal(scans[0].intensity.values, scans[1].intensity.values)
    lying = bytearray(twice)
    struct.pack_into("<I", lying, 447 + 88, 7133)
    bad = tmp_path / "two_lying.raw"
    bad.write_bytes(bytes(lying))
    with pytest.raises(FileFormatError, match="declares 7133 steps") as info:
        read_xrd_scans(bad)
    assert info.value.field == "byte 535 (range 0 step count)"


def test_a_missing_wavelength_error_names_the_instrument_file_beside_the_scan():
    """GSAS STD data state no wavelength; the PRM beside PBSO4.XRA does, and the error says its values."""
    from nakit.errors import MissingFactError

    path = peer_file("xrd", "gsas2", "PBSO4.XRA")
    with pytest.raises(MissingFactError) as err:
        read_xrd(path)
    assert str(err.value).endswith("(INST_XRY.PRM beside it gives wavelength [1.5405, 1.5443, 0.5])")
    # the value as said reads the scan
    assert read_xrd(path, wavelength=[1.5405, 1.5443, 0.5]).attrs["wavelength_ka2"] == 1.5443


@pytest.mark.parametrize("lines, expected", [
    (["Type:PXC", "Lam1:1.540500", "Lam2:1.544300", "I(L2)/I(L1):0.5"], (1.5405, 1.5443, 0.5)),
    (["Type:PXC", "Lam1:1.5405,1.5405,False", "Lam2:1.5443,1.5443,False", "I(L2)/I(L1):0.48,0.5,True"],
     (1.5405, 1.5443, 0.48)),
    (["Type:PXC", "Lam:0.413,0.413,False"], (0.413, None, 0.0)),
])
def test_gsas2_instprm_wavelengths(tmp_path, lines, expected):
    from nakit.xrd import wavelength_from_instprm

    path = tmp_path / "lab.instprm"
    path.write_text("#GSAS-II instrument parameter file; do not add/delete items!\n" + "\n".join(lines) + "\n")
    wl = wavelength_from_instprm(path)
    assert (wl.ka1, wl.ka2, wl.ratio) == expected
    scan = tmp_path / "scan.xy"
    scan.write_text("".join(f"{10 + 0.02 * i:.2f} {100 + i % 7}\n" for i in range(200)))
    from nakit.errors import MissingFactError

    with pytest.raises(MissingFactError, match=r"\(lab.instprm beside it gives wavelength "
                       + (r"\[1.5405, 1.5443, 0.\d+\]\)" if expected[1] else r"0.413\)")):
        read_xrd(scan)


def test_an_instprm_without_a_wavelength_is_refused_naming_it(tmp_path):
    from nakit.errors import FileFormatError
    from nakit.xrd import wavelength_from_instprm

    path = tmp_path / "lab.instprm"
    path.write_text("Type:PXC\nZero:0.0\n")
    with pytest.raises(FileFormatError, match="lab.instprm: no 'Lam:' or 'Lam1:' line with the wavelength"):
        wavelength_from_instprm(path)


def test_an_instrument_parameter_file_is_named_for_what_it_is():
    """Read as a measurement (a folder's every file, by nakit inspect), the PRM beside PBSO4.XRA got
    five readers' refusals; it is the wavelength file of the scans beside it."""
    import nakit
    from nakit.errors import FileFormatError

    path = peer_file("xrd", "gsas2", "INST_XRY.PRM")
    with pytest.raises(FileFormatError) as err:
        nakit.read(path)
    assert str(err.value) == (f"{path}: an instrument parameter file, not a measurement: it gives wavelength "
                              "[1.5405, 1.5443, 0.5], the wavelength of the scans measured with it")
