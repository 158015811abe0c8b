"""Every nakit reader, with a valid sample file for each: the input of the reader contract.

One :class:`ReaderCase` per (technique, format, entry point). ``full`` cases go through the
technique's ``read_*`` entry point (what notebooks and users call) and get every contract
case; the format functions behind them (``read_aif``, ``read_zplot``, ...) are registered
with ``full=False`` and get the cases that need no valid content (missing path, directory,
empty file, random bytes).

Samples are shipped ``data/`` files, files written here from a technique's forward model or
writer, or real peer files read in place through :func:`tests.peer.peer_file` (skipped with
a reason when absent). Peer files are never copied into the project; mutated versions are
written to pytest's temporary folders.
"""

from __future__ import annotations

import importlib
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pytest

from tests.peer import peer_file

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

Reader = Callable[[Path], object]
Mutation = Callable[[bytes], bytes]


def reader(module: str, name: str, **kwargs) -> Reader:
    """A reader that imports ``module.name`` when called, so one broken module fails only its cases."""

    def read(path):
        func = getattr(importlib.import_module(module), name)
        return func(path, **kwargs)

    read.__qualname__ = f"{module}.{name}"
    return read


@dataclass(frozen=True)
class ReaderCase:
    """One reader and a valid sample.

    Attributes
    ----------
    technique
        ``xrd``, ``sorption``, ``raman``, ``cycling`` or ``eis`` (first part of every test id).
    name
        Format (and entry point for ``full=False`` cases).
    read
        ``path -> Dataset``.
    sample
        ``folder -> path`` of a valid file (written into ``folder`` or a shipped/peer path).
    kind
        ``text`` (line-based numeric text), ``binary``, ``workbook`` (xls/xlsx), ``zip``
        (a zip container format: BRML), ``xml`` or ``json``.
    suffix
        The file suffix the reader expects (mutated files keep it).
    full
        Whether every contract case applies (an entry point), or only the content-free ones.
    latin1
        ``(old, new)``: a free-text edit that puts non-ASCII characters into the file for the
        Latin-1/UTF-8 cases (``None``: the file already has some, or has no free text).
    lying
        Named mutations of the file's bytes (lying header counts and sizes, non-finite values
        in formats that are not line-based text) that must be refused.
    """

    technique: str
    name: str
    read: Reader
    sample: Callable[[Path], Path]
    kind: str
    suffix: str
    full: bool = True
    latin1: tuple[str, str] | None = None
    lying: Mapping[str, Mutation] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.technique}-{self.name}"


# ----------------------------------------------------------------------------- samples

def shipped(*parts: str) -> Callable[[Path], Path]:
    def get(folder: Path) -> Path:
        return DATA.joinpath(*parts)
    return get


def peer(*parts: str) -> Callable[[Path], Path]:
    def get(folder: Path) -> Path:
        return peer_file(*parts)
    return get


def _pattern(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """A diffraction-like scan (two peaks on a background) with Poisson noise, fixed seed."""
    x = 10.0 + 0.02 * np.arange(n)
    y = 200.0 + 3000.0 * np.exp(-0.5 * ((x - 14.0) / 0.08) ** 2) + 1500.0 * np.exp(-0.5 * ((x - 15.5) / 0.1) ** 2)
    return x, np.random.default_rng(7).poisson(y).astype(float)


def xrd_raw3(folder: Path) -> Path:
    from nakit.xrd.writers import write_bruker_raw

    x, y = _pattern()
    return write_bruker_raw(folder / "scan.raw", 10.0, 0.02, y, "Cu", sample="contract")


def xrd_xy(folder: Path) -> Path:
    x, y = _pattern()
    path = folder / "scan.xy"
    # counts per second with one decimal, as many diffractometer exports write them
    path.write_text("# contract sample, Cu K-alpha\n" + "".join(f"{a:.4f} {b / 2:.1f}\n" for a, b in zip(x, y)))
    return path


def sorption_csv(folder: Path) -> Path:
    from nakit.sorption.readers import read_aif

    ds = read_aif(DATA / "sorption" / "cmk3.aif").sortby("measurement_order")  # rows as measured
    path = folder / "isotherm.csv"
    rows = ["Relative Pressure (P/Po),Quantity Adsorbed (cm3/g STP),branch"]
    rows += [f"{p:.6f},{q:.4f},{b}" for p, q, b in zip(ds.relative_pressure.values, ds.loading.values,
                                                        ds.branch.values)]
    path.write_text("\n".join(rows) + "\n")
    return path


def raman_two_column(folder: Path) -> Path:
    from nakit.raman.readers import read_labspec

    ds = read_labspec(DATA / "raman" / "cmk3.txt")
    path = folder / "spectrum.txt"
    # no header: read_raman sends a file whose first line starts with '#' to the LabSpec reader
    path.write_text("".join(
        f"{a:.2f}\t{b:.1f}\n" for a, b in zip(ds.raman_shift.values, ds.intensity.values)))
    return path


def eis_csv(folder: Path) -> Path:
    from nakit.eis.readers import read_zplot

    ds = read_zplot(DATA / "eis" / "blocking_25C.z")
    path = folder / "spectrum.csv"
    path.write_text("# contract sample\nfrequency/Hz,Z'/ohm,Z''/ohm\n" + "".join(
        f"{f:.6e},{r:.6e},{i:.6e}\n" for f, r, i in zip(ds.frequency.values, ds.z_real.values, ds.z_imag.values)))
    return path


CYCLING_COLUMNS = {"time": "Time/s", "voltage": "Voltage/V", "current": "Current/mA", "cycle": "Cycle"}


def cycling_csv(folder: Path) -> Path:
    from nakit.cycling.readers import read_land

    ds = read_land(DATA / "cycling" / "ball_milled_rt.xlsx")
    path = folder / "record.csv"
    path.write_text("Time/s,Voltage/V,Current/mA,Cycle\n" + "".join(
        f"{t:.1f},{v:.5f},{i:.6f},{c}\n" for t, v, i, c in zip(ds.time.values, ds.voltage.values,
                                                              ds.current.values, ds.cycle.values)))
    return path


def cycling_maccor(folder: Path) -> Path:
    """The LAND stand-in as a Maccor text export: current as a magnitude, its direction in State."""
    from nakit.cycling.readers import read_land

    ds = read_land(DATA / "cycling" / "ball_milled_rt.xlsx")
    path = folder / "record.txt"
    rows = [f"{k}\t{c}\t{st}\t{t:.1f}\t0\t0\t0\t{abs(i) / 1000:.9f}\t{v:.5f}\t{'C' if i > 0 else 'D' if i < 0 else 'R'}\t0\n"
            for k, (t, v, i, c, st) in enumerate(zip(ds.time.values, ds.voltage.values, ds.current.values,
                                                     ds.cycle.values, ds.step.values), start=1)]
    path.write_text("Today's Date 12/06/2026\tDate of Test:\t12/01/2026\nProcedure:\tNaS.000\n"
                    "Rec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\n"
                    + "".join(rows), encoding="utf-8")
    return path


def cycling_basytec(folder: Path) -> Path:
    """The LAND stand-in as a BaSyTec export: '~' facts and header, ';' fields, decimal commas."""
    from nakit.cycling.readers import read_land

    ds = read_land(DATA / "cycling" / "ball_milled_rt.xlsx")
    path = folder / "record.txt"
    rows = [f"{t / 3600:.9f};{v:.5f};{i / 1000:.9f};{c}\n".replace(".", ",")
            for t, v, i, c in zip(ds.time.values, ds.voltage.values, ds.current.values, ds.cycle.values)]
    path.write_text("~Resultfile from : BaSyTec Battery Test System\n~Name of Test: NaS\n"
                    "~Time[h];U[V];I[A];Cyc-Count\n" + "".join(rows), encoding="utf-8")
    return path


def cycling_arbin_csv(folder: Path) -> Path:
    """The navani Arbin workbook's data sheet as Arbin's CSV export (Data_Point first)."""
    import pandas as pd

    sheet = pd.read_excel(peer_file("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"),
                          sheet_name="Channel_11_1")
    sheet.insert(0, "Data_Point", np.arange(1, len(sheet) + 1))
    path = folder / "channel.csv"
    sheet.to_csv(path, index=False, lineterminator="\n")
    return path


# Hand-made samples of formats with no permissively licensed real file, written with the
# format owners' own test helpers (imported when needed, so a change there fails only these).

def xrd_ras(folder: Path) -> Path:
    from tests.xrd.test_formats_readers import _ras_file, _ras_segment

    x, y = _pattern(200)
    return _ras_file(folder, [_ras_segment(x, y, np.ones_like(x))])


def xrd_rasx(folder: Path) -> Path:
    from tests.xrd.test_formats_readers import _rasx

    x, y = _pattern(200)
    return _rasx(folder, "".join(f"{a:.4f}\t{b:.3f}\t1\r\n" for a, b in zip(x, y)).encode("utf-8"))


def raman_wdf(folder: Path) -> Path:
    pytest.importorskip("renishawWiRE", reason="renishawWiRE (the 'readers' extra) is not installed")
    from tests.raman.test_formats_readers import make_wdf

    shift = np.linspace(1800.0, 100.0, 300)
    path = folder / "spectrum.wdf"
    path.write_bytes(make_wdf(shift, 100 + 900 * np.exp(-0.5 * ((shift - 1580) / 10) ** 2)))
    return path


def _vendor_text(name: str, helper: str, encoding: str = "cp1252") -> Callable[[Path], Path]:
    def get(folder: Path) -> Path:
        import tests.sorption.test_vendor_readers as vendors

        path = folder / name
        path.write_bytes(getattr(vendors, helper)().encode(encoding))
        return path
    return get


def sorption_3p(folder: Path) -> Path:
    from tests.sorption.test_vendor_readers import write_3p

    write_3p(folder / "report.xlsx")
    return folder / "report.xlsx"


def sorption_microactive(folder: Path) -> Path:
    from tests.sorption.test_readers import write_microactive

    rows = [(0.05, 38.0, 100.0, "02:08", 760.0), (0.1, 76.0, 110.0, "02:39", 760.0),
            (0.2, 152.0, 120.0, "03:02", 760.0), (0.3, 228.0, 130.0, "03:28", 760.0)]
    write_microactive(folder / "ma.xlsx", rows)
    return folder / "ma.xlsx"


def _wdf_header(offset: int, fmt: str, value) -> Mutation:
    return lambda b: _put(b, offset, fmt, value)


WDF_LYING = {
    "count-2**40": _wdf_header(0x3C + 12, "Q", 2**40),
    "points-per-spectrum-2**31": _wdf_header(0x3C, "I", 2**31),
    "points-per-spectrum-one-more": _wdf_header(0x3C, "I", 301),
    "block-size-2**62": _wdf_header(512 + 8, "Q", 2**62),
}


# ----------------------------------------------------------------------------- lying headers

def _put(data: bytes, offset: int, fmt: str, *values) -> bytes:
    out = bytearray(data)
    struct.pack_into("<" + fmt, out, offset, *values)
    return bytes(out)


def _raw3_steps(n: int) -> Mutation:
    return lambda b: _put(b, 712 + 4, "I", n % 2**32)


def _raw3_step(step: float) -> Mutation:
    return lambda b: _put(b, 712 + 176, "d", step)


def _raw3_nan_count(b: bytes) -> bytes:
    return _put(b, 712 + 304 + 4 * 200, "f", float("nan"))


RAW3_LYING = {
    "steps-2**31": _raw3_steps(2**31),
    "steps-negative": _raw3_steps(-1),
    "steps-one-more": lambda b: _put(b, 716, "I", struct.unpack_from("<I", b, 716)[0] + 1),
    "steps-one-fewer": lambda b: _put(b, 716, "I", struct.unpack_from("<I", b, 716)[0] - 1),
    "step-negative": _raw3_step(-0.02),
    "step-zero": _raw3_step(0.0),
    "step-nan": _raw3_step(float("nan")),
    "ranges-2**31": lambda b: _put(b, 12, "I", 2**31),
    "ranges-two": lambda b: _put(b, 12, "I", 2),
    "supplementary-header-2**31": lambda b: _put(b, 712 + 256, "I", 2**31),
    "count-nan": _raw3_nan_count,
}


def _raw4_range(b: bytes) -> int:
    """Byte offset of the first range header of a RAW4.00 file (after its metadata segments)."""
    off = 61
    while True:
        seg, slen = struct.unpack_from("<II", b, off)
        if seg in (0, 160):
            return off
        off += slen


def _raw4(field_offset: int, fmt: str, value=None, delta: int | None = None) -> Mutation:
    def mutate(b: bytes) -> bytes:
        at = _raw4_range(b) + field_offset
        new = value if delta is None else struct.unpack_from("<" + fmt, b, at)[0] + delta
        return _put(b, at, fmt, new)
    return mutate


RAW4_LYING = {
    "steps-2**31": _raw4(88, "I", 2**31),
    "steps-negative": _raw4(88, "I", 2**32 - 1),
    "steps-one-more": _raw4(88, "I", delta=+1),
    "steps-one-fewer": _raw4(88, "I", delta=-1),
    "step-negative": _raw4(80, "d", -0.02),
    "step-nan": _raw4(80, "d", float("nan")),
    "range-header-size-2**31": _raw4(140, "I", 2**31),
    "bytes-per-step-7": _raw4(136, "I", 7),
}


def _regex(pattern: str, repl: str, count: int = 1) -> Mutation:
    def mutate(b: bytes) -> bytes:
        text = b.decode("latin-1")
        new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
        if n == 0:
            raise AssertionError(f"mutation pattern {pattern!r} not found in the sample")
        return new.encode("latin-1")
    return mutate


def _bank_points(delta: int) -> Mutation:
    def mutate(b: bytes) -> bytes:
        text = b.decode("latin-1")
        m = re.search(r"^BANK\s+\d+\s+(\d+)", text, re.M)
        return (text[:m.start(1)] + str(int(m.group(1)) + delta).rjust(len(m.group(1))) + text[m.end(1):]).encode("latin-1")
    return mutate


GSAS_LYING = {
    "bank-points-fewer": _bank_points(-10),
    "bank-points-more": _bank_points(+10),
    "bank-points-2**31": _regex(r"^(BANK\s+\d+\s+)\d+", r"\g<1>2147483648"),
}


def _mpt_header_lines(value: str) -> Mutation:
    return _regex(r"(Nb header lines\s*:\s*)\d+", rf"\g<1>{value}")


MPT_LYING = {
    "header-lines-10**9": _mpt_header_lines("1000000000"),
    "header-lines-zero": _mpt_header_lines("0"),
    "header-lines-past-end": _mpt_header_lines("99999"),
}

XRDML_LYING = {
    "count-nan": _regex(r"(<(?:counts|intensities)[^>]*>\s*\S+\s+)\S+", r"\g<1>NaN"),
    "count-inf": _regex(r"(<(?:counts|intensities)[^>]*>\s*\S+\s+)\S+", r"\g<1>INF"),
    "end-equals-start": lambda b: _xrdml_end_equals_start(b),
}


def _xrdml_end_equals_start(b: bytes) -> bytes:
    """A 2theta range of zero width: every point at the same angle."""
    text = b.decode("latin-1")
    start = re.search(r"<startPosition>([^<]+)</startPosition>", text).group(1)
    return re.sub(r"(<endPosition>)[^<]+", rf"\g<1>{start}", text, count=1).encode("latin-1")


def _json_nan(b: bytes) -> bytes:
    """Put a NaN (the non-standard JSON literal Python's json writes) into the isotherm's data."""
    import json

    doc = json.loads(b)
    data = doc["isotherm_data"]
    if isinstance(data, dict):
        key = next(k for k in data if k not in ("branch",))
        col = data[key]
        first = next(iter(col)) if isinstance(col, dict) else 1
        col[first] = float("nan")
    else:
        data[1][next(k for k in data[1] if k != "branch")] = float("nan")
    return json.dumps(doc).encode()


# ----------------------------------------------------------------------------- the registry

def _full() -> list[ReaderCase]:
    xrd = lambda **kw: reader("nakit.xrd", "read_xrd", **kw)  # noqa: E731
    iso = reader("nakit.sorption", "read_isotherm")
    raman = reader("nakit.raman", "read_raman")
    cyc = reader("nakit.cycling", "read_cycling")
    eis = reader("nakit.eis", "read_eis")
    return [
        # XRD
        ReaderCase("xrd", "raw3", xrd(), xrd_raw3, "binary", ".raw", lying=RAW3_LYING),
        ReaderCase("xrd", "raw3-shipped", xrd(), shipped("xrd", "annealed.raw"), "binary", ".raw"),
        ReaderCase("xrd", "raw4", xrd(), peer("xrd", "nomad", "TwoTheta_scan_scrambled.raw"), "binary", ".raw",
                   lying=RAW4_LYING),
        ReaderCase("xrd", "xy", xrd(wavelength="Cu"), xrd_xy, "text", ".xy",
                   latin1=("# contract sample", "# contract sample, 25 °C, 10 µm slit")),
        ReaderCase("xrd", "xy-peer", xrd(wavelength="Cu"), peer("xrd", "yadg", "210520step1_30min.xy"), "text", ".xy"),
        ReaderCase("xrd", "uxd", xrd(), peer("xrd", "xylib", "BT86_.UXD"), "text", ".uxd",
                   latin1=("_SAMPLE='BT86'", "_SAMPLE='BT86 25 °C µm'")),
        ReaderCase("xrd", "gsas", xrd(wavelength="Cu"), peer("xrd", "gsas2", "PBSO4.XRA"), "text", ".xra",
                   latin1=("X-ray data", "X-ray dätä"), lying=GSAS_LYING),
        ReaderCase("xrd", "xrdml", xrd(), peer("xrd", "xylib", "empyrean.xrdml"), "xml", ".xrdml", lying=XRDML_LYING),
        ReaderCase("xrd", "brml", xrd(), peer("xrd", "nomad", "23-012-AG_2thomegascan_long.brml"), "zip", ".brml"),
        ReaderCase("xrd", "panalytical-csv", xrd(), peer("xrd", "yadg", "210520step1_30min.csv"), "text", ".csv"),
        ReaderCase("xrd", "rigaku-ras", xrd(), xrd_ras, "text", ".ras",
                   lying={"data-count-2**31": _regex(r'(\*MEAS_DATA_COUNT ")\d+', r"\g<1>2147483648"),
                          "data-count-fewer": _regex(r'(\*MEAS_DATA_COUNT ")\d+', r"\g<1>150")}),
        ReaderCase("xrd", "rigaku-rasx", xrd(), xrd_rasx, "zip", ".rasx"),
        # sorption
        ReaderCase("sorption", "aif", iso, shipped("sorption", "cmk3.aif"), "text", ".aif",
                   latin1=("(synthesised stand-in)", "(synthesised stand-in, 77 K, 5 µm, 25 °C)")),
        ReaderCase("sorption", "micromeritics-xlsx", iso, shipped("sorption", "cmk3_micromeritics.xlsx"),
                   "workbook", ".xlsx"),
        ReaderCase("sorption", "micromeritics-xls", iso, peer("sorption", "micromeritics", "Sample_A.xls"),
                   "workbook", ".xls"),
        ReaderCase("sorption", "csv", iso, sorption_csv, "text", ".csv",
                   latin1=("Relative Pressure (P/Po)", "Relative Pressure (P/P°)")),
        ReaderCase("sorption", "pygaps-csv", iso, peer("sorption", "pygaps", "stdiso", "Cabot BP280 carbon black.csv"),
                   "text", ".csv", latin1=("carbon black", "carbon black, 77 K °")),
        ReaderCase("sorption", "bel-dat", iso, _vendor_text("run.DAT", "bel_dat"), "text", ".DAT",
                   latin1=("hand-made carbon", "hand-made carbon, dried at 150 °C")),
        ReaderCase("sorption", "bel-csv", iso, _vendor_text("run.csv", "bel_csv", "latin-1"), "text", ".csv",
                   latin1=("hand-made silica", "hand-made silica, dried at 150 °C")),
        ReaderCase("sorption", "quantachrome", iso, _vendor_text("raw.txt", "qnt_asiqwin"), "text", ".txt",
                   latin1=("Autosorb iQ Station 1", "Autosorb iQ Station 1 (µ)")),
        ReaderCase("sorption", "3p-xlsx", iso, sorption_3p, "workbook", ".xlsx"),
        ReaderCase("sorption", "microactive-xlsx", iso, sorption_microactive, "workbook", ".xlsx"),
        ReaderCase("sorption", "pygaps-json", iso, peer("sorption", "pygaps", "MCM-41 N2 77K.json"), "json", ".json",
                   latin1=('"MCM-41"', '"MCM-41, 25 °C"'), lying={"value-nan": _json_nan}),
        # Raman
        ReaderCase("raman", "labspec", raman, shipped("raman", "cmk3.txt"), "text", ".txt"),
        ReaderCase("raman", "labspec-map", raman, shipped("raman", "annealed_map.txt"), "text", ".txt"),
        ReaderCase("raman", "labspec-peer", raman,
                   peer("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"), "text", ".txt"),
        ReaderCase("raman", "wire", raman,
                   peer("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"), "text", ".txt"),
        ReaderCase("raman", "rruff", raman, peer("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"), "text",
                   ".txt", latin1=("Dark brown", "Dark brown, 25 °C, 5 µm")),
        ReaderCase("raman", "two-column", raman, raman_two_column, "text", ".txt"),
        ReaderCase("raman", "wdf", raman, raman_wdf, "binary", ".wdf", lying=WDF_LYING),
        # cycling
        ReaderCase("cycling", "land", cyc, shipped("cycling", "ball_milled_rt.xlsx"), "workbook", ".xlsx"),
        ReaderCase("cycling", "land-cycle-table", reader("nakit.cycling", "read_land_cycle_table"),
                   shipped("cycling", "ball_milled_rt.xlsx"), "workbook", ".xlsx"),
        ReaderCase("cycling", "arbin", cyc, peer("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"),
                   "workbook", ".xlsx"),
        ReaderCase("cycling", "neware-xls", cyc, peer("echem", "cellpy", "custom_data_003.xls"), "workbook", ".xls"),
        ReaderCase("cycling", "neware-xlsx", cyc,
                   peer("echem", "batteryabn", "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_"
                        "20230110143333_37_2_1_2818580185.xlsx"), "workbook", ".xlsx"),
        ReaderCase("cycling", "neware-csv", cyc, peer("echem", "cellpy", "neware_uio.csv"), "text", ".csv"),
        ReaderCase("cycling", "neware-regular-csv", cyc, peer("echem", "cellpy", "nw_regular_export_ife_example.csv"),
                   "text", ".csv"),
        ReaderCase("cycling", "biologic-mpt", cyc, peer("echem", "yadg", "mb.issue_95.mpt"), "text", ".mpt",
                   lying=MPT_LYING),
        ReaderCase("cycling", "biologic-mpt-de", cyc, peer("echem", "yadg", "gcpl.issue_149.mpt"), "text", ".mpt"),
        ReaderCase("cycling", "biologic-mpr", cyc, peer("echem", "yadg", "gcpl.issue_149.mpr"), "binary", ".mpr"),
        ReaderCase("cycling", "csv", reader("nakit.cycling", "read_csv", columns=CYCLING_COLUMNS), cycling_csv,
                   "text", ".csv", latin1=("Time/s", "Time/s (25 °C)")),
        ReaderCase("cycling", "csv-by-name", cyc, cycling_csv, "text", ".csv"),
        ReaderCase("cycling", "maccor", cyc, cycling_maccor, "text", ".txt",
                   latin1=("Procedure:\tNaS.000", "Procedure:\tNaS.000 at 25 °C")),
        ReaderCase("cycling", "arbin-csv", cyc, cycling_arbin_csv, "text", ".csv"),
        ReaderCase("cycling", "basytec", cyc, cycling_basytec, "text", ".txt",
                   latin1=("~Name of Test: NaS", "~Name of Test: NaS at 25 °C")),
        # EIS
        ReaderCase("eis", "zplot", eis, shipped("eis", "blocking_25C.z"), "text", ".z",
                   latin1=("blocking cell", "blocking cell at 25 °C, 10 µm")),
        ReaderCase("eis", "zplot-peer", eis, peer("echem", "impedancepy", "exampleDataZPlot.z"), "text", ".z"),
        ReaderCase("eis", "csv", eis, eis_csv, "text", ".csv", latin1=("# contract sample", "# 25 °C, 10 µm")),
        ReaderCase("eis", "csv-peer", eis, peer("echem", "impedancepy", "exampleData.csv"), "text", ".csv"),
        ReaderCase("eis", "gamry-dta", eis, peer("echem", "pyimpspec", "data.dta"), "text", ".dta",
                   latin1=("Potentiostatic EIS", "Potentiostatic EIS, 25 °C")),
        ReaderCase("eis", "biologic-mpt", eis, peer("echem", "yadg", "peis.mpt"), "text", ".mpt", lying=MPT_LYING),
        ReaderCase("eis", "biologic-mpr", eis, peer("echem", "yadg", "peis.mpr"), "binary", ".mpr"),
    ]


def _direct() -> list[ReaderCase]:
    """The format functions behind the entry points (content-free cases only)."""
    table = [
        ("sorption", "nakit.sorption", "read_aif", ".aif"),
        ("sorption", "nakit.sorption", "read_csv", ".csv"),
        ("sorption", "nakit.sorption", "read_pygaps_json", ".json"),
        ("sorption", "nakit.sorption", "read_micromeritics", ".xls"),
        ("raman", "nakit.raman", "read_labspec", ".txt"),
        ("raman", "nakit.raman", "read_wire", ".txt"),
        ("raman", "nakit.raman", "read_rruff", ".txt"),
        ("raman", "nakit.raman", "read_two_column", ".txt"),
        ("cycling", "nakit.cycling", "read_land", ".xlsx"),
        ("cycling", "nakit.cycling", "read_arbin_xlsx", ".xlsx"),
        ("cycling", "nakit.cycling", "read_neware_csv", ".csv"),
        ("cycling", "nakit.cycling", "read_biologic_mpt", ".mpt"),
        ("cycling", "nakit.cycling", "read_biologic_mpr", ".mpr"),
        ("eis", "nakit.eis", "read_zplot", ".z"),
        ("eis", "nakit.eis", "read_csv", ".csv"),
        ("eis", "nakit.eis", "read_gamry_dta", ".dta"),
        ("eis", "nakit.eis", "read_biologic_mpt", ".mpt"),
        ("xrd", "nakit.xrd", "read_xrd_scans", ".xy"),
        ("raman", "nakit.raman.wdf", "read_wdf", ".wdf"),
        ("sorption", "nakit.sorption.vendors", "read_bel_dat", ".DAT"),
        ("sorption", "nakit.sorption.vendors", "read_bel_csv", ".csv"),
        ("sorption", "nakit.sorption.vendors", "read_quantachrome", ".txt"),
        ("sorption", "nakit.sorption.vendors", "read_3p_xlsx", ".xlsx"),
        ("cycling", "nakit.cycling.neware", "read_neware_xls", ".xls"),
        ("cycling", "nakit.cycling.neware", "read_neware_xlsx", ".xlsx"),
        ("cycling", "nakit.cycling.neware", "read_neware_regular_csv", ".csv"),
        ("cycling", "nakit.cycling.neware", "read_neware_nda", ".nda"),
        ("eis", "nakit.eis.eclab", "read_biologic_mpr", ".mpr"),
    ]
    cases = [ReaderCase(t, f, reader(m, f), lambda folder: None, "none", s, full=False) for t, m, f, s in table]
    cases.append(ReaderCase("cycling", "read_csv-columns", reader("nakit.cycling", "read_csv", columns=CYCLING_COLUMNS),
                            lambda folder: None, "none", ".csv", full=False))
    return cases


FULL = _full()
DIRECT = _direct()
ALL = FULL + DIRECT
BY_ID = {c.id: c for c in ALL}
assert len(BY_ID) == len(ALL), "reader case ids must be unique"
