"""XRD formats against their export twins, Rigaku RAS/RASX, content recognition, and the
reported bad-input cases of issue 15 (cut numbers, decimal commas, lying RAW and GSAS headers,
byte-order marks, zip bombs).

The Rigaku files here are written by the tests in the documented layouts (see
:mod:`nakit.xrd.rigaku`): no permissively licensed real RAS/RASX file was available.
"""

from __future__ import annotations

import io
import re
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

import nakit.xrd.readers as readers
from nakit.errors import FileFormatError
from nakit.xrd.readers import detect_format, read_xrd, read_xrd_scans
from tests.peer import peer_file


def _rows(path, skip_hash=True):
    """The numeric rows of a text export, parsed independently of nakit."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or (skip_hash and line.startswith("#")):
            continue
        try:
            rows.append([float(v) for v in line.replace(",", " ").split()])
        except ValueError:
            continue
    return np.array(rows)


# ------------------------------------------------------------------------------- export twins

@pytest.mark.peer
def test_raw_v3_equals_its_xylib_export():
    ds = read_xrd(peer_file("xrd", "project_chameleon", "brukerraw_test.RAW"))
    twin = _rows(peer_file("xrd", "project_chameleon", "bruker_output.txt"))
    assert ds.attrs["source_format"] == "bruker_raw"
    assert ds.sizes["two_theta"] == twin.shape[0] == 3501
    np.testing.assert_allclose(ds.two_theta.values, twin[:, 0], atol=5e-7)  # %f in the export
    np.testing.assert_array_equal(ds.intensity.values, twin[:, 1])
    assert (float(ds.two_theta[0]), float(ds.intensity[0])) == (5.0, 24353.0)
    assert float(ds.two_theta[-1]) == pytest.approx(60.0046, abs=5e-7) and float(ds.intensity[-1]) == 1795
    assert ds.attrs["wavelength"] == pytest.approx(1.5406)  # "# USED_LAMBDA: 1.5406" in the export
    assert ds.two_theta.attrs["units"] == "deg" and ds.intensity.attrs["units"] == "counts"


@pytest.mark.peer
def test_brml_silver_anode_equals_its_export():
    ds = read_xrd(peer_file("xrd", "project_chameleon", "standard.brml"))
    twin = _rows(peer_file("xrd", "project_chameleon", "standard_test.txt"))
    assert ds.attrs["source_format"] == "brml"
    assert ds.sizes["two_theta"] == twin.shape[0] == 1757  # "# STEPS: 1757"
    np.testing.assert_allclose(ds.two_theta.values, twin[:, 0], atol=5e-5)  # the export rounds to 4 decimals
    np.testing.assert_array_equal(ds.intensity.values, twin[:, 1])
    assert float(ds.intensity[0]) == 3063 and float(ds.intensity[-1]) == 62
    # wavelength from the file, as the export's header states it: Ag, not the Cu of most labs
    assert ds.attrs["instrument_anode"] == "Ag"
    assert ds.attrs["wavelength"] == pytest.approx(0.55941)
    assert ds.attrs["wavelength_ka2"] == pytest.approx(0.5638)
    assert ds.attrs["wavelength_source"] == "file"


@pytest.mark.peer
def test_xrdml_equals_its_xy_and_csv_exports():
    xrdml = read_xrd(peer_file("xrd", "yadg", "210520step1_30min.xrdml"))
    csv = read_xrd(peer_file("xrd", "yadg", "210520step1_30min.csv"))
    xy_path = peer_file("xrd", "yadg", "210520step1_30min.xy")
    xy = read_xrd(xy_path, wavelength=xrdml.attrs["wavelength"])
    assert [d.attrs["source_format"] for d in (xrdml, csv, xy)] == ["xrdml", "panalytical_csv", "xy"]
    twin = _rows(xy_path)
    for ds in (xrdml, csv, xy):
        assert ds.sizes["two_theta"] == 4489  # "No. of points, 4489"
        np.testing.assert_allclose(ds.two_theta.values, twin[:, 0], atol=5e-9)
        np.testing.assert_array_equal(ds.intensity.values, twin[:, 1])
        assert ds.intensity.attrs["units"] == "counts"
    assert float(xrdml.two_theta[0]) == pytest.approx(5.008355630) and float(xrdml.intensity[0]) == 1719
    assert float(xrdml.two_theta[-1]) == pytest.approx(80.008530800) and float(xrdml.intensity[-1]) == 288
    # the CSV states the wavelength too (Ka1 only: ratio 0.000, a monochromator) and agrees with the XRDML
    for key in ("wavelength", "ka2_ratio"):
        assert csv.attrs[key] == pytest.approx(xrdml.attrs[key])
    assert csv.attrs["wavelength"] == pytest.approx(1.5405980) and csv.attrs["ka2_ratio"] == 0
    assert csv.attrs["instrument_anode"] == "Cu"


def _comma_locale(text: str) -> str:
    """The CSV as the Data Viewer writes it where the decimal sign is a comma: fields split by ';'."""
    out = []
    for line in text.splitlines():
        quoted = line.split('"')  # commas inside quotes are text; the others separate fields
        out.append('"'.join(part.replace(",", ";") if k % 2 == 0 else part for k, part in enumerate(quoted)))
    return "\n".join(re.sub(r"(?<=\d)\.(?=\d)", ",", line) for line in out) + "\n"


@pytest.mark.peer
def test_panalytical_csv_of_a_decimal_comma_locale_keeps_its_wavelength(tmp_path):
    """Read with ',' as the header's only separator, the ';' export lost its wavelength ("the file states
    none") and, given Cu, was fitted as Ka1+Ka2 although its header says ratio 0,000 (a monochromator)."""
    original = peer_file("xrd", "yadg", "210520step1_30min.csv")
    path = tmp_path / "scan_de.csv"
    path.write_text(_comma_locale(original.read_text(encoding="latin-1")), encoding="latin-1")
    assert "K-Alpha1 wavelength;1,5405980" in path.read_text(encoding="latin-1")
    ours, theirs = read_xrd(path), read_xrd(original)
    for key in ("wavelength", "ka2_ratio", "instrument_anode", "wavelength_source"):
        assert ours.attrs[key] == theirs.attrs[key]
    np.testing.assert_array_equal(ours.two_theta.values, theirs.two_theta.values)
    np.testing.assert_array_equal(ours.intensity.values, theirs.intensity.values)
    # a header number in the other decimal sign is refused, naming its line and key
    bad = path.read_text(encoding="latin-1").replace("No. of points; 4489", "No. of points; 4.489")
    (tmp_path / "bad.csv").write_text(bad, encoding="latin-1")
    with pytest.raises(FileFormatError, match=r"bad\.csv, line 23.*no\. of points"):
        read_xrd(tmp_path / "bad.csv")


# ------------------------------------------------------------------------------- Rigaku

def _ras_segment(x, y, factor, *, axis="TwoThetaTheta", count=None, unit_y="counts", extra=""):
    head = [
        "*RAS_HEADER_START",
        '*FILE_SAMPLE "Na3PS4 pellet"',
        '*HW_XG_TARGET_NAME "Cu"',
        '*HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"',
        '*HW_XG_WAVE_LENGTH_ALPHA2 "1.544414"',
        '*HW_XG_WAVE_LENGTH_BETA "1.392250"',
        f'*MEAS_SCAN_AXIS_X "{axis}"',
        '*MEAS_SCAN_MODE "CONTINUOUS"',
        '*MEAS_SCAN_UNIT_X "deg"',
        f'*MEAS_SCAN_UNIT_Y "{unit_y}"',
        '*MEAS_SCAN_SPEED_UNIT "\x93x/\x95\xaa|deg/min"',  # Shift-JIS bytes, then the English part
        f'*MEAS_DATA_COUNT "{len(x) if count is None else count}"',
    ] + ([extra] if extra else []) + ["*RAS_HEADER_END", "*RAS_INT_START"]
    rows = [f"{a:.4f} {b:g} {c:.4f}" for a, b, c in zip(x, y, factor)]
    return head + rows + ["*RAS_INT_END"]


def _ras_file(tmp_path, segments, name="scan.ras"):
    lines = ["*RAS_DATA_START"] + [ln for seg in segments for ln in seg] + ["*RAS_DATA_END"]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


def test_ras_two_segments_with_attenuator(tmp_path):
    x1 = 10 + 0.02 * np.arange(50)
    y1 = np.arange(50) + 100.0
    f1 = np.ones(50)
    f1[20:25] = 116.5  # an attenuator was in the beam for five points
    x2 = 40 + 0.05 * np.arange(30)
    y2 = 7.0 + np.arange(30) % 3
    path = _ras_file(tmp_path, [_ras_segment(x1, y1, f1), _ras_segment(x2, y2, np.ones(30), unit_y="cps")])
    assert detect_format(path.read_bytes(), ".ras", path) == "rigaku_ras"
    a, b = read_xrd_scans(path)
    assert a.attrs["source_format"] == "rigaku_ras" and a.attrs["n_scans"] == 2
    np.testing.assert_allclose(a.two_theta.values, np.round(x1, 4))
    np.testing.assert_allclose(a.intensity.values, y1 * f1)  # counts times the attenuation factor
    assert a.attrs["instrument_attenuation_max"] == pytest.approx(116.5)
    assert a.intensity.attrs["units"] == "counts" and b.intensity.attrs["units"] == "counts/s"
    np.testing.assert_allclose(b.intensity.values, y2)
    assert a.attrs["wavelength"] == pytest.approx(1.540593) and a.attrs["wavelength_ka2"] == pytest.approx(1.544414)
    assert a.attrs["ka2_ratio"] == 0.5 and "standard 0.5" in a.attrs["instrument_ka2_ratio_source"]
    assert a.attrs["instrument_sample"] == "Na3PS4 pellet" and a.attrs["instrument_anode"] == "Cu"
    assert a.attrs["instrument_scan_speed_unit"] == "deg/min"


@pytest.mark.parametrize("change, match", [
    (dict(count=49), "declares 49 points"),
    (dict(axis="Omega"), "not 2theta"),
])
def test_ras_header_checked(tmp_path, change, match):
    x = 10 + 0.02 * np.arange(50)
    path = _ras_file(tmp_path, [_ras_segment(x, np.ones(50) * 3, np.ones(50), **change)])
    with pytest.raises(FileFormatError, match=match):
        read_xrd(path)


def test_ras_cut_file_refused(tmp_path):
    x = 10 + 0.02 * np.arange(50)
    data = _ras_file(tmp_path, [_ras_segment(x, np.arange(50) + 1647.5, np.ones(50))]).read_bytes()
    cut = tmp_path / "cut.ras"
    cut.write_bytes(data[: data.index(b"*RAS_INT_END") - 9])
    with pytest.raises(FileFormatError, match="without \\*RAS_INT_END"):
        read_xrd(cut)


def _rasx(tmp_path, profile: bytes, *, ka1="1.540593", ka2="1.544414", axis="TwoThetaTheta", name="s.rasx",
          conditions=True):
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<MeasurementConditions>
  <GeneralInformation><Comment>hand-made test file</Comment></GeneralInformation>
  <ScanInformation><AxisName>{axis}</AxisName><PositionUnit>deg</PositionUnit>
    <IntensityUnit>cps</IntensityUnit><Mode>Continuous</Mode><Speed>10</Speed><SpeedUnit>deg/min</SpeedUnit>
  </ScanInformation>
  <SampleInformation><SampleName>CMK-3</SampleName></SampleInformation>
  <HWConfigurations><XrayGenerator><TargetName>Cu</TargetName><WavelengthKalpha1>{ka1}</WavelengthKalpha1>
    <WavelengthKalpha2>{ka2}</WavelengthKalpha2></XrayGenerator></HWConfigurations>
</MeasurementConditions>"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Root.xml", "<Root/>")
        zf.writestr("Data0/Profile0.txt", profile)
        if conditions:
            zf.writestr("Data0/MesurementConditions0.xml", xml)
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return path


def test_rasx(tmp_path):
    x = 5 + 0.01 * np.arange(200)
    y = 50 + 1000 * np.exp(-0.5 * ((x - 6) / 0.05) ** 2)
    profile = "\ufeff" + "".join(f"{a:.4f}\t{b:.3f}\t1\r\n" for a, b in zip(x, y))
    path = _rasx(tmp_path, profile.encode("utf-8"))
    ds = read_xrd(path)
    assert ds.attrs["source_format"] == "rigaku_rasx"
    assert ds.sizes["two_theta"] == 200  # the BOM does not cost the first row
    assert float(ds.two_theta[0]) == 5.0 and float(ds.intensity[0]) == pytest.approx(round(y[0], 3))
    np.testing.assert_allclose(ds.intensity.values, np.round(y, 3))
    assert ds.intensity.attrs["units"] == "counts/s"
    assert ds.attrs["wavelength"] == pytest.approx(1.540593) and ds.attrs["instrument_sample"] == "CMK-3"


def test_rasx_problems(tmp_path):
    good = "".join(f"{5 + 0.01 * k:.4f}\t{100 + k}.5\t1\n" for k in range(20))
    with pytest.raises(FileFormatError, match="MesurementConditions0.xml"):
        read_xrd(_rasx(tmp_path, good.encode(), conditions=False, name="a.rasx"))
    with pytest.raises(FileFormatError, match="not 2theta"):
        read_xrd(_rasx(tmp_path, good.encode(), axis="Phi", name="b.rasx"))
    cut = good + "5.2000\t12"  # cut mid-number at the end of the member
    with pytest.raises(FileFormatError, match="truncated"):
        read_xrd(_rasx(tmp_path, cut.encode(), name="c.rasx"))
    nan = good.replace("105.5", "nan")
    with pytest.raises(FileFormatError, match="not a finite number"):
        read_xrd(_rasx(tmp_path, nan.encode(), name="d.rasx"))


@pytest.mark.parametrize("member, suffix", [("Data0/Profile0.txt", ".rasx"),
                                            ("Experiment0/RawData0.xml", ".brml")])
@pytest.mark.parametrize("lie", [False, True])
def test_zip_bomb_capped(tmp_path, monkeypatch, member, suffix, lie):
    """A member expanding past the cap: refused from its declared size, or, when the archive
    lies about the size, by the capped read; never expanded in memory."""
    monkeypatch.setattr(readers, "MAX_MEMBER_BYTES", 2**20)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Data0/MesurementConditions0.xml", "<M/>")
        zf.writestr(member, b"0" * (8 * 2**20))  # 8 MiB of zeros: about 8 kB compressed
    data = bytearray(buf.getvalue())
    if lie:  # the local header (name at +30, size at +22) and the central directory entry
        # (name at +46, size at +24) both claim 1000 bytes
        name = member.encode()
        struct.pack_into("<I", data, data.find(name) - 30 + 22, 1000)
        struct.pack_into("<I", data, data.rfind(name) - 46 + 24, 1000)
        assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member).file_size == 1000
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(bytes(data))
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(FileFormatError, match="corrupt zip member|decompresses to more" if lie else
                           "declares 8388[0-9]+ bytes when expanded") as err:
            read_xrd(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20
    assert err.value.field == member


# ------------------------------------------------------------------------- content recognition

@pytest.mark.parametrize("content, match", [
    (b"WDF1" + b"\0" * 600, "Renishaw WiRE .wdf Raman"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "OLE2"),
    (b"#Acq. time (s)=\t10\n#Laser (nm)=532\n100\t5\n101\t6\n", "Horiba LabSpec Raman"),
    (b"#Wave\t#Intensity\n100\t5\n101\t6\n", "Renishaw WiRE Raman text"),
    (b"RAW9.99" + b"\0" * 600, "unknown version"),
])
def test_refusal_names_what_was_recognised(tmp_path, content, match):
    path = tmp_path / "scan.xy"  # the extension says text; the content decides
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match=match):
        read_xrd(path, wavelength="Cu")


def test_xlsx_and_other_zips_named(tmp_path):
    for names, match in ((("[Content_Types].xml", "xl/workbook.xml"), "Excel workbook"),
                         (("notes.txt",), "neither Bruker BRML")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for n in names:
                zf.writestr(n, "x")
        path = tmp_path / "scan.brml"
        path.write_bytes(buf.getvalue())
        with pytest.raises(FileFormatError, match=match):
            read_xrd(path)


def test_content_beats_extension(tmp_path):
    """A RAW file named .xy and an XRDML named .txt are read as what they are."""
    raw = tmp_path / "renamed.xy"
    raw.write_bytes(peer_file("xrd", "xylib", "BT86.raw").read_bytes())
    assert read_xrd(raw).attrs["source_format"] == "bruker_raw"
    xml = tmp_path / "renamed.txt"
    xml.write_bytes(peer_file("xrd", "xylib", "empyrean.xrdml").read_bytes())
    assert read_xrd(xml).attrs["source_format"] == "xrdml"


# --------------------------------------------------------------------- issue 15: reported cases

def test_xy_cut_mid_number_refused(tmp_path):
    path = tmp_path / "cut.xy"
    path.write_text("10.00 1644.5\n10.02 1650.0\n10.04 16")  # 1647.5 cut to 16, no final line break
    with pytest.raises(FileFormatError, match="truncated") as err:
        read_xrd(path, wavelength="Cu")
    assert err.value.line == 3
    path.write_text("10.00 1644.5\n10.02 1650.0\n10.04 1647.5")  # complete, merely no final line break
    assert float(read_xrd(path, wavelength="Cu").intensity[-1]) == 1647.5


@pytest.mark.parametrize("text", [
    "2Theta;Intensity\n10,00;123,5\n10,02;130,25\n10,04;128,0\n",
    "10,00\t123,5\n10,02\t130,25\n10,04\t128,0\n",
    "10,00 123,5\n10,02 130,25\n10,04 128,0\n",
])
def test_decimal_comma_read_correctly(tmp_path, text):
    path = tmp_path / "komma.xy"
    path.write_text(text)
    ds = read_xrd(path, wavelength="Cu")
    np.testing.assert_allclose(ds.two_theta.values, [10.0, 10.02, 10.04])
    np.testing.assert_allclose(ds.intensity.values, [123.5, 130.25, 128.0])


def test_utf8_bom_keeps_first_row(tmp_path):
    path = tmp_path / "bom.xy"
    path.write_bytes("\ufeff10.0 5\n10.1 6\n10.2 7\n".encode("utf-8"))
    ds = read_xrd(path, wavelength="Cu")
    np.testing.assert_array_equal(ds.two_theta.values, [10.0, 10.1, 10.2])
    np.testing.assert_array_equal(ds.intensity.values, [5, 6, 7])


def _bt86(tmp_path, offset, fmt, value, name="bad.raw"):
    src = bytearray(peer_file("xrd", "xylib", "BT86.raw").read_bytes())
    struct.pack_into(fmt, src, offset, value)
    path = tmp_path / name
    path.write_bytes(bytes(src))
    return path


@pytest.mark.parametrize("offset, fmt, value, match", [
    (712 + 4, "<I", 2000, "1496 bytes follow the last range"),  # 2374 steps of 4 bytes on disk
    (712 + 4, "<I", 2375, "truncated"),
    (712 + 176, "<d", -0.02, "positive step"),
    (712 + 176, "<d", 0.0, "positive step"),
    (712 + 16, "<d", float("nan"), "finite start"),
    (12, "<I", 100, "number of ranges"),
])
def test_raw_v3_header_checked(tmp_path, offset, fmt, value, match):
    with pytest.raises(FileFormatError, match=match) as err:
        read_xrd(_bt86(tmp_path, offset, fmt, value))
    assert err.value.field.startswith("byte")


def test_raw_v3_huge_step_count_not_allocated(tmp_path):
    path = _bt86(tmp_path, 712 + 4, "<I", 2**31)
    tracemalloc.start()
    try:
        with pytest.raises(FileFormatError, match="2147483648"):
            read_xrd(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20  # checked against the file size before anything is allocated


def _gsas(tmp_path, bank_line, records=601):
    lines = peer_file("xrd", "gsas2", "PBSO4.XRA").read_bytes().split(b"\r\n")
    lines[1] = bank_line.encode().ljust(80)
    lines = lines[:2 + records] + lines[2 + 601:]
    path = tmp_path / "p.XRA"
    path.write_bytes(b"\r\n".join(lines))
    return path


@pytest.mark.parametrize("bank, records, match", [
    ("BANK 1  5000  601 CONST 1000 2.5 0 0 STD", 601, "5000 points in 601 records"),
    ("BANK 1  5000  500 CONST 1000 2.5 0 0 STD", 601, "601 data lines follow"),
    ("BANK 1  5995  600 CONST 1000 2.5 0 0 STD", 600, "after the 5995 points"),
    ("BANK 1  6011  602 CONST 1000 2.5 0 0 STD", 601, "promises 602 records"),
])
def test_gsas_bank_line_checked_against_records(tmp_path, bank, records, match):
    with pytest.raises(FileFormatError, match=match):
        read_xrd(_gsas(tmp_path, bank, records), wavelength="Cu")


def test_gsas_reads_all_6001_points_and_no_padding():
    ds = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength="Cu")
    assert ds.sizes["two_theta"] == 6001
    assert float(ds.intensity[-1]) == 368  # the last real value; the nine zeros after it are padding


def test_other_xml_named(tmp_path):
    path = tmp_path / "scan.xrdml"
    path.write_text('<?xml version="1.0"?>\n<!-- exported -->\n<ScanData><point/></ScanData>\n')
    with pytest.raises(FileFormatError, match="root element is <ScanData>"):
        read_xrd(path)


def test_xy_cut_varying_precision_refused(tmp_path):
    path = tmp_path / "g.xy"
    path.write_text("10.0 12.5\n10.1 3243\n10.2 25.0441\n10.3 143.9")  # 143.9634 cut; %g-style column
    with pytest.raises(FileFormatError, match="may be cut"):
        read_xrd(path, wavelength="Cu")
    path.write_text("10.0 12.5\n10.1 3243\n10.2 25.0441\n10.3 143.9\n")
    assert float(read_xrd(path, wavelength="Cu").intensity[-1]) == 143.9


@pytest.mark.parametrize("header, warns", [
    ("Theta\tCounts", True), ("θ (deg),Intensity", True), ("theta  intensity", True), ("Theta Intensity", True),
    ("# Theta Intensity", True), ("theta counts sigma", True),
    ("2Theta\tCounts", False), ("Theta/2Theta\tCounts", False), ("theta-2theta,counts", False),
    ("Theta 2Theta\tCounts", False), ("# Theta scan of sample 3\n2Theta\tCounts", False),
])
def test_a_first_column_named_theta_is_read_as_2theta_and_said(tmp_path, header, warns):
    """A header naming theta (not 2theta) was read as 2theta without a word: every d doubled if it was theta."""
    import warnings

    from nakit.errors import NakitWarning

    sep = "," if "," in header else "\t"
    path = tmp_path / "scan.xy"
    path.write_text(header + "\n" + "".join(f"{10 + 0.02 * i:.2f}{sep}{100 + i % 7}\n" for i in range(200)),
                    encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = read_xrd(path, wavelength=1.5406)
    said = [str(w.message) for w in caught if issubclass(w.category, NakitWarning) and "not 2theta" in str(w.message)]
    assert bool(said) == warns
    if warns:
        assert said[0].startswith("scan.xy, line 1: the header names the first column")
    assert float(ds.two_theta[0]) == 10.0 and float(ds.two_theta[-1]) == pytest.approx(13.98)


@pytest.mark.parametrize("comment, said", [("# lambda = 1.78897 Angstrom (Co Ka1)", 1.78897),
                                           ("# Wavelength: 1.5406 A", 1.5406), ("# wavelength (nm) = 0.154056", 1.54056)])
def test_a_wavelength_stated_in_a_comment_is_said_and_checked_not_taken(tmp_path, comment, said):
    """Such files were refused with "the file states no wavelength", and a wavelength given against the
    comment (Cu for a Co scan) passed without a word."""
    import warnings

    from nakit.errors import MissingFactError, NakitWarning

    path = tmp_path / "scan.xy"
    path.write_text(comment + "\n" + "".join(f"{10 + 0.02 * i:.2f}\t{100 + i % 7}\n" for i in range(100)),
                    encoding="utf-8")
    with pytest.raises(MissingFactError, match=rf"line 1: .* says {said:g} angstrom in a comment, which nakit does "
                                               "not take on its own"):
        read_xrd(path)
    with pytest.warns(NakitWarning, match=rf"wavelength 2\.2\d* angstrom was given, but the file's line 1: .* says "
                                          rf"{said:g} angstrom"):
        read_xrd(path, wavelength="Cr")
    with warnings.catch_warnings():  # the same wavelength: nothing to say
        warnings.simplefilter("error", NakitWarning)
        ds = read_xrd(path, wavelength=said)
    assert ds.attrs["instrument_comment_wavelength"] == said and ds.attrs["wavelength"] == said


@pytest.mark.parametrize("comment, encoding", [("試料 LFP バッチ3", "cp932"), ("Probe 3, 25 °C, Müller", "cp1252"),
                                               ("échantillon 3 – été", "utf-8")])
def test_ras_header_text_in_the_code_page_it_was_written_in(tmp_path, comment, encoding):
    """Rigaku's software writes the system code page: a Japanese comment came out as 'ŽŽ—¿ LFP ƒoƒbƒ`3'."""
    x = 10 + 0.02 * np.arange(50)
    lines = ["*RAS_DATA_START"] + _ras_segment(x, np.arange(50) + 100.0, np.ones(50),
                                               extra=f'*FILE_COMMENT "{comment}"') + ["*RAS_DATA_END"]
    lines = [ln for ln in lines if not ln.startswith("*MEAS_SCAN_SPEED_UNIT")]  # (its bytes are Shift-JIS already)
    path = tmp_path / "scan.ras"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    ds = read_xrd(path)
    assert ds.attrs["instrument_comment"] == comment
    np.testing.assert_array_equal(ds.intensity.values, np.arange(50) + 100.0)
