"""``nakit.read``: a file of any technique, recognised by content; ``nakit inspect`` on the command line.

Oracles: the technique's own reader (the same Dataset, identical), the peer files' known
techniques, and the stand-ins' folders. A file that no reader or two readers accept is an
error, never a guess.
"""

import inspect
import os
import sys
import warnings

import numpy as np
import pytest
import xarray as xr

import nakit
from nakit import reading
from nakit.cli import main
from nakit.errors import FileFormatError, MissingDependencyError, MissingFactError, NakitWarning, ParameterError
from nakit.paths import data_dir
from tests.peer import peer_file

PEER = [
    (("xrd", "xylib", "Cu3Au-1.raw"), "xrd"), (("xrd", "xylib", "empyrean.xrdml"), "xrd"),
    (("xrd", "nomad", "23-012-AG_2thomegascan_long.brml"), "xrd"), (("xrd", "xylib", "BT86_.UXD"), "xrd"),
    (("xrd", "yadg", "210520step1_30min.csv"), "xrd"),
    (("sorption", "micromeritics", "Sample_A.xls"), "sorption"), (("sorption", "betsi", "MCM-41.csv"), "sorption"),
    (("sorption", "pygaps", "SiO2 N2 77K.json"), "sorption"),
    (("sorption", "aif-examples", "Sample_G.aif_tst"), "sorption"),
    (("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"), "raman"),
    (("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"), "raman"),
    (("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"), "raman"),
    (("raman", "ramanchada2", "PST_WiICV532_Z050OP02_075_800msx10.txt"), "raman"),
    (("echem", "cellpy", "custom_data_002.xlsx"), "cycling"), (("echem", "cellpy", "neware_uio.csv"), "cycling"),
    (("echem", "yadg", "gcpl.issue_149.mpt"), "cycling"),
    (("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"), "cycling"),
    (("echem", "impedancepy", "exampleDataZPlot.z"), "eis"), (("echem", "impedancepy", "exampleData.csv"), "eis"),
    (("echem", "pyimpspec", "data.dta"), "eis"), (("echem", "yadg", "peis.issue_149.mpt"), "eis"),
]


@pytest.mark.parametrize("parts, technique", PEER, ids=[p[-1] for p, _ in PEER])
def test_a_peer_file_is_read_by_its_own_techniques_reader(parts, technique):
    path = peer_file(*parts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = nakit.read(path)
        expected = reading.reader(technique)(path)
    assert nakit.technique_of(ds) == technique
    xr.testing.assert_identical(ds, expected)


def _stand_ins():
    return sorted(p for technique in reading.TECHNIQUES for p in (data_dir() / technique).iterdir()
                  if p.is_file() and p.name != "README.md")


def test_every_stand_in_is_recognised_as_its_folders_technique():
    files = _stand_ins()
    assert len(files) >= 20
    for path in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert nakit.identify(path) == path.parent.name, path


def test_a_text_no_reader_accepts_gets_every_readers_reason(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Sample prepared on Monday.\nAnnealed at 300 C.\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as err:
        nakit.read(path)
    text = str(err.value)
    assert text.startswith(f"{path}: no nakit reader accepts this file")
    lines = text.split("\n")[1:]
    named = [name for line in lines for name in line.split(": ", 1)[0].strip().split(", ")]
    assert sorted(named) == sorted(reading.TECHNIQUES)  # every reader, each once
    assert len(set(lines)) == len(lines)  # readers refusing for one reason share a line
    assert f"{path}: " not in "\n".join(lines)  # each reason without the path repeated


def test_a_fact_says_what_a_file_was_meant_as(tmp_path):
    """yadg's scan with its rows out of order: the XRD reader refuses it. Given a wavelength that
    refusal is the answer, not five readers' reasons; shuffled, given a wavelength, XRD's refusal
    again; given nothing, the Raman reader refuses it too (its shifts out of order), and both say why."""
    rows = peer_file("xrd", "yadg", "210520step1_30min.xy").read_text().splitlines()
    path = tmp_path / "merged.xy"
    path.write_text("\n".join(rows[2000:] + rows[:2000]) + "\n")
    with pytest.raises(FileFormatError, match="angles are not monotonic") as err:
        nakit.read(path, wavelength="Cu")
    assert err.value.line == 2490
    with pytest.raises(FileFormatError, match="each reader's reason:\n  xrd: line 2490: angles are not monotonic"):
        nakit.read(path)
    path.write_text("\n".join(np.random.default_rng(1).permutation(rows)) + "\n")
    with pytest.raises(FileFormatError, match="angles are not monotonic"):
        nakit.read(path, wavelength="Cu")
    # shuffled, the Raman reader refuses it too (a spectrometer writes its pixels in order): both reasons
    with pytest.raises(FileFormatError, match="(?s)xrd: line 3: angles are not monotonic.*raman: line 2, field "
                                              "'raman_shift': .* does not follow"):
        nakit.read(path)


def test_an_isotherm_of_another_gas_is_refused_for_its_gas_alone(tmp_path):
    """raw2aif's Sample_G as an argon isotherm at 87 K: the sorption reader's refusal is the answer,
    not the text-table readers' words on an AIF's lines."""
    from nakit.errors import UnsupportedMeasurementError

    text = peer_file("sorption", "aif-examples", "Sample_G.aif_tst").read_text(encoding="utf-8")
    path = tmp_path / "ar87.aif"
    path.write_text(text.replace("_exptl_adsorptive 'N2'", "_exptl_adsorptive 'Ar'"), encoding="utf-8")
    with pytest.raises(UnsupportedMeasurementError) as err:
        nakit.read(path)
    assert str(err.value) == (f"{path}, field '_exptl_adsorptive': adsorptive 'Ar': nakit analyses N2 isotherms only "
                              "(the BET cross-section, the Kelvin equation and the thickness curves are N2's at 77 K)")


def test_a_reason_every_reader_gives_is_said_once(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(FileFormatError) as err:
        nakit.read(path)
    assert str(err.value) == f"{path}: no nakit reader accepts this file: file is empty"


def test_a_missing_file_is_named():
    with pytest.raises(FileFormatError, match="file not found$"):
        nakit.read("/nonexistent/scan.raw")


ENTRY_POINTS = ["nakit.read", "nakit.xrd.read_xrd", "nakit.raman.read_raman", "nakit.sorption.read_isotherm",
                "nakit.cycling.read_cycling", "nakit.eis.read_eis", "nakit.xrd.structures.read_cif",
                "nakit.raman.bands.load_band_library", "nakit.io.read_netcdf"]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_relative_path_not_found_names_the_folder_it_was_looked_for_in(entry, tmp_path, monkeypatch):
    # papermill without --cwd takes a notebook's relative paths from the command's folder
    module, name = entry.rsplit(".", 1)
    read = getattr(__import__(module, fromlist=[name]), name)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileFormatError) as exc:
        read("../data/raw/missing.xy")
    assert exc.value.path == os.path.join("..", "data", "raw", "missing.xy")
    assert exc.value.reason == f"file not found (a relative path, looked for in {tmp_path})"
    (tmp_path / "folder.xy").mkdir()
    with pytest.raises(FileFormatError, match="is a directory, expected a file"):
        read("folder.xy")


def test_a_scan_without_its_wavelength_asks_for_it_and_reads_with_it():
    path = peer_file("xrd", "yadg", "210520step1_30min.xy")
    with pytest.raises(MissingFactError) as err:
        nakit.read(path)
    assert err.value.fact == "wavelength" and isinstance(err.value, ParameterError)
    ds = nakit.read(path, wavelength="Cu")
    assert nakit.technique_of(ds) == "xrd"
    xr.testing.assert_identical(ds, nakit.xrd.read_xrd(path, wavelength="Cu"))


def test_facts_for_one_technique_do_not_stop_another_techniques_file():
    raman = data_dir() / "raman" / "annealed.txt"
    both = nakit.read(raman, wavelength="Cu", sample_mass_g=0.1)
    xr.testing.assert_identical(both, nakit.raman.read_raman(raman))


def test_a_fact_no_reader_takes_is_refused_with_the_lists():
    with pytest.raises(ParameterError, match=r"no reader takes \['wavelenght'\].*xrd fmt, scan, wavelength"):
        nakit.read(data_dir() / "xrd" / "annealed.raw", wavelenght="Cu")


def test_every_choice_is_something_a_reader_takes():
    assert reading.CHOICES < set().union(*reading.TAKES.values())


def test_takes_lists_what_the_readers_take():
    from nakit.eis.readers import FACTS as EIS_FACTS
    from nakit.sorption.readers import FACTS as SORPTION_FACTS

    assert set(SORPTION_FACTS) == reading.TAKES["sorption"]
    assert set(EIS_FACTS) < reading.TAKES["eis"]
    for technique in ("xrd", "raman"):
        params = inspect.signature(reading.reader(technique)).parameters
        assert set(params) - {"path"} == reading.TAKES[technique]
    csv = inspect.signature(nakit.cycling.readers.read_csv).parameters
    assert set(csv) - {"path"} == reading.TAKES["cycling"]


def _fake_readers(monkeypatch, accept: dict):
    """Readers that accept (returning a Dataset and warning) or refuse, per technique."""
    def make(name):
        def read(path, **facts):
            if not accept.get(name):
                raise FileFormatError(path, f"not {name}")
            warnings.warn(f"{name} warns", NakitWarning)
            return xr.Dataset({"intensity": ("two_theta", np.ones(3))}, coords={"two_theta": [1.0, 2.0, 3.0]})
        return read
    monkeypatch.setattr(reading, "reader", make)


def test_two_readers_accepting_one_file_is_an_error_not_a_choice(monkeypatch, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("1 2\n", encoding="utf-8")
    _fake_readers(monkeypatch, {"xrd": True, "raman": True})
    with pytest.raises(FileFormatError, match=r"read as xrd and as raman alike; say which it is \(technique='xrd'"):
        nakit.read(path)


def test_only_the_accepted_readings_warnings_are_issued(monkeypatch, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("1 2\n", encoding="utf-8")
    _fake_readers(monkeypatch, {"eis": True})
    with pytest.warns(NakitWarning) as caught:
        nakit.read(path)
    assert [str(w.message) for w in caught] == ["eis warns"]


def test_an_mpr_without_galvani_says_what_to_install(monkeypatch):
    path = peer_file("echem", "yadg", "gcpl.issue_149.mpr")
    monkeypatch.setitem(sys.modules, "galvani", None)
    monkeypatch.setitem(sys.modules, "galvani.BioLogic", None)
    with pytest.raises(MissingDependencyError, match="galvani"):
        nakit.read(path)


def test_technique_of_refuses_a_dataset_of_no_technique():
    with pytest.raises(ParameterError, match="not a measurement Dataset.*two_theta \\(xrd\\)"):
        nakit.technique_of(xr.Dataset({"a": ("t", [1.0])}))


def test_nakit_inspect_describes_what_it_reads_and_names_what_it_cannot(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("no data here\n", encoding="utf-8")
    raw = data_dir() / "xrd" / "annealed.raw"
    xy = peer_file("xrd", "yadg", "210520step1_30min.xy")
    assert main(["inspect", str(raw), str(bad), str(xy)]) == 1
    out = capsys.readouterr()
    assert "technique: xrd, format bruker_raw (synthesised by nakit: a stand-in, not a measurement)" in out.out
    assert "two_theta: 10 .. 80 deg (3501 two_theta)" in out.out
    assert f"in a study: xrd: {{file: {raw}}}" in out.out
    assert f"{bad}\n  not read: {bad}: no nakit reader accepts this file" in out.out
    assert f"(give it: nakit inspect {xy} --fact wavelength VALUE)" in out.out
    # drafting a study of a folder: the fact once, for every file that lacks it
    assert main(["inspect", "--study", str(xy)]) == 1
    assert "(give it: add --fact wavelength VALUE to this command)" in capsys.readouterr().out
    assert "2 of 3 file(s) not read" in out.err
    assert out.out.rstrip().endswith("read 1 of 3 files: 1 xrd")  # a folder's worth at a glance
    assert main(["inspect", "--fact", "wavelength", "Cu", str(xy), str(data_dir() / "raman" / "annealed.txt")]) == 0
    out = capsys.readouterr().out
    assert f"in a study: xrd: {{file: {xy}, wavelength: 'Cu'}}" in out
    assert "in a study: raman: {file: " in out and "annealed.txt}" in out  # the XRD fact not carried to Raman


def test_a_draft_redirected_into_the_folder_it_reads_leaves_itself_out(tmp_path):
    """`nakit inspect --study . > study.yaml`: the shell creates study.yaml, empty, before the
    folder is read; the draft named it "not read: file is empty" and the command failed."""
    import shutil
    import subprocess
    import sys

    shutil.copy(data_dir() / "xrd" / "annealed.raw", tmp_path / "S1_xrd.raw")
    with open(tmp_path / "study.yaml", "w", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, "-c", "import sys; from nakit.cli import main; sys.exit(main())",
                               "inspect", "--study", "."], cwd=tmp_path, stdout=out, stderr=subprocess.PIPE,
                              text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "study.yaml").read_text(encoding="utf-8")
    assert "xrd: {file: S1_xrd.raw}" in text and "study.yaml" not in text


def test_inspect_drafts_a_study_that_loads(tmp_path, capsys):
    from nakit.study import load_study

    files = [data_dir() / "xrd" / "annealed.raw", data_dir() / "raman" / "annealed.txt",
             data_dir() / "xrd" / "quenched.raw", data_dir() / "sorption" / "cmk3.aif",
             data_dir() / "sorption" / "cmk3_micromeritics.xlsx"]
    bad = tmp_path / "notes.txt"
    bad.write_text("no data\n", encoding="utf-8")
    assert main(["inspect", "--study", *map(str, files), str(bad)]) == 1
    text = capsys.readouterr().out
    assert text.startswith("# Study drafted by `nakit inspect --study`")
    assert text.rstrip().endswith(f"# not read: {bad}: no nakit reader accepts this file")
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    study = load_study(path)
    assert study.labels == ["annealed", "quenched", "cmk3", "cmk3_micromeritics"]  # one sample per file name
    import yaml

    samples = yaml.safe_load(text)["samples"]
    assert samples[0] == {"label": "annealed", "xrd": {"file": str(files[0])}, "raman": {"file": str(files[1])}}


def test_a_second_file_of_one_technique_and_name_starts_a_sample_of_its_own():
    import yaml

    text = reading.study_draft([("a/S1.raw", "xrd", {"wavelength": "Cu", "sample_mass_g": 1.0}),
                                ("b/S1.xy", "xrd", {}), ("b/S1.txt", "raman", {})])
    samples = yaml.safe_load(text)["samples"]
    assert samples == [{"label": "S1", "xrd": {"file": "a/S1.raw", "wavelength": "Cu"}},
                       {"label": "S1 (b)", "xrd": {"file": "b/S1.xy"}, "raman": {"file": "b/S1.txt"}}]


def test_inspect_says_which_range_of_a_multi_range_file_it_read(capsys):
    path = peer_file("xrd", "xylib", "format1.raw")
    assert main(["inspect", "--fact", "scan", "2", str(path)]) == 0
    out = capsys.readouterr().out
    assert "range: 2 of the file's 3 (0-2); another with --fact scan N" in out
    assert f"in a study: xrd: {{file: {path}, scan: 2}}" in out


def test_inspect_fills_in_facts_only_where_a_file_lacks_them(tmp_path):
    """A wavelength given for a folder's .xy scans must not override the one a RAW file states."""
    raw, xy = data_dir() / "xrd" / "annealed.raw", peer_file("xrd", "yadg", "210520step1_30min.xy")
    (tmp_path / "scans").mkdir()
    for name, target in (("a.raw", raw), ("b.xy", xy)):
        (tmp_path / "scans" / name).symlink_to(target)
    (tmp_path / "scans" / ".hidden").write_text("x", encoding="utf-8")
    found = reading.inspect_files([tmp_path / "scans"], wavelength="Mo")
    assert [os.path.basename(f.path) for f in found] == ["a.raw", "b.xy"]  # the folder's files, hidden ones not
    stated, given = found
    assert stated.facts == {} and stated.dataset.attrs["wavelength_source"] == "file"
    assert stated.dataset.attrs["wavelength"] == pytest.approx(1.5406, abs=1e-4)  # Cu, as the file states
    assert given.facts == {"wavelength": "Mo"} and given.dataset.attrs["wavelength"] == pytest.approx(0.7093, abs=1e-3)


def test_inspect_reports_the_error_of_the_reading_with_the_facts(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("nothing\n", encoding="utf-8")
    (found,) = reading.inspect_files([bad], laser_wavelength=532)
    assert found.dataset is None and isinstance(found.error, FileFormatError) and found.technique is None


def test_plain_columns_inside_0_180_are_neither_guessed_raman_nor_xrd(tmp_path):
    """A coarse 2theta scan (0.2 deg steps) or a tiny table is two plain columns the Raman reader
    accepts and the XRD reader would read with a wavelength: nakit.read asks, it does not guess."""
    x = np.arange(10, 80, 0.2)
    path = tmp_path / "coarse.xy"
    path.write_text("".join(f"{a:.2f} {100 + 50 * np.exp(-((a - 30) / 0.3) ** 2):.1f}\n" for a in x), encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"from 10 to 79.8: a Raman spectrum in cm-1 or a diffraction scan"):
        nakit.read(path)
    assert nakit.technique_of(nakit.read(path, technique="raman")) == "raman"
    assert nakit.technique_of(nakit.read(path, wavelength="Cu")) == "xrd"  # a fact XRD alone takes decides
    assert nakit.technique_of(nakit.read(path, laser_wavelength=532)) == "raman"  # and one Raman alone takes
    wide = tmp_path / "wide.txt"  # the same columns reaching 400 cm-1: no 2theta scan goes there
    wide.write_text("".join(f"{a:.1f} {1.0 + a / 100:.3f}\n" for a in np.arange(100, 400, 1.0)), encoding="utf-8")
    assert nakit.identify(wide) == "raman"


def test_same_named_files_of_one_technique_in_two_folders_are_told_apart_by_folder():
    import yaml

    text = reading.study_draft([("batch1/S1.raw", "xrd", {}), ("batch2/S1.raw", "xrd", {}),
                                ("batch2/S1.txt", "raman", {}), ("batch3/x/S1.raw", "xrd", {}),
                                ("raman/S2.txt", "raman", {}), ("xrd/S2.raw", "xrd", {})])
    samples = yaml.safe_load(text)["samples"]
    assert [s["label"] for s in samples] == ["S1", "S1 (batch2)", "S1 (x)", "S2"]
    assert samples[1]["raman"] == {"file": "batch2/S1.txt"}  # with the XRD file of its own folder
    assert samples[3] == {"label": "S2", "raman": {"file": "raman/S2.txt"}, "xrd": {"file": "xrd/S2.raw"}}


def test_a_fact_the_named_techniques_reader_does_not_take_is_refused():
    with pytest.raises(ParameterError, match="the raman reader takes laser_wavelength, not wavelength"):
        nakit.read(data_dir() / "raman" / "annealed.txt", "raman", wavelength="Cu")


def test_a_laser_given_for_a_folder_fills_in_and_never_overrides_a_stated_one():
    labspec = peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt")  # states 532 nm
    bare = peer_file("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt")  # states none
    stated, filled = reading.inspect_files([labspec, bare], laser_wavelength=633)
    assert stated.facts == {} and stated.dataset.attrs["instrument_laser_wavelength_nm"] == pytest.approx(532)
    assert filled.facts == {"laser_wavelength": 633}
    assert filled.dataset.attrs["instrument_laser_wavelength_nm"] == 633


@pytest.mark.parametrize("path, technique, name", [
    ("a/S1_XRD.raw", "xrd", "S1"), ("BET-S1.xls", "sorption", "S1"), ("S1_N2_BET.csv", "sorption", "S1"),
    ("Na2S-CMK3 annealed_raman.txt", "raman", "Na2S-CMK3 annealed"), ("PEIS_cell 2_25C.mpt", "eis", "cell 2_25C"),
    ("S1.raw", "xrd", "S1"), ("S1_raman.txt", "xrd", "S1_raman"),  # another technique's word stays
    ("S1_GCPL.mpt", "cycling", "S1"), ("S1.XRD.raw", "xrd", "S1"), ("S1/XRD.xy", "xrd", "S1"),
    ("raw/S1/raman data.txt", "raman", "S1"), ("S2/scan.raw", "xrd", "S2"), ("S1/S1_raman.txt", "xrd", "S1_raman"), ("T1.5h.raw", "xrd", "T1.5h"), ("S3_scan.xye.bz2", "xrd", "S3"),
])
def test_a_sample_is_named_by_its_file_without_the_words_naming_its_technique(path, technique, name):
    assert reading.sample_name(path, technique) == name


def test_files_named_by_sample_and_technique_draft_one_sample():
    import yaml

    text = reading.study_draft([("raw/S1_xrd.raw", "xrd", {}), ("raw/S1_raman.txt", "raman", {}),
                                ("raw/S1-BET.xls", "sorption", {}), ("raw/S2_XRD.raw", "xrd", {}),
                                ("raw/S2 Raman.txt", "raman", {})])
    samples = yaml.safe_load(text)["samples"]
    assert samples == [
        {"label": "S1", "xrd": {"file": "raw/S1_xrd.raw"}, "raman": {"file": "raw/S1_raman.txt"},
         "sorption": {"file": "raw/S1-BET.xls"}},
        {"label": "S2", "xrd": {"file": "raw/S2_XRD.raw"}, "raman": {"file": "raw/S2 Raman.txt"}}]


def test_files_named_by_technique_in_a_folder_per_sample_draft_the_folders_samples():
    """A folder per sample, its files named by technique (annealed/XRD.xy, annealed/raman data.txt)."""
    import yaml

    text = reading.study_draft([("annealed/XRD.xy", "xrd", {}), ("annealed/raman data.txt", "raman", {}),
                                ("quenched/XRD.xy", "xrd", {}), ("quenched/BET.xls", "sorption", {}),
                                ("quenched/Q2_raman.txt", "raman", {})])
    samples = yaml.safe_load(text)["samples"]
    assert samples == [
        {"label": "annealed", "xrd": {"file": "annealed/XRD.xy"}, "raman": {"file": "annealed/raman data.txt"}},
        {"label": "quenched", "xrd": {"file": "quenched/XRD.xy"}, "sorption": {"file": "quenched/BET.xls"}},
        {"label": "Q2", "raman": {"file": "quenched/Q2_raman.txt"}}]  # a name of its own is kept


def test_a_second_file_of_a_folder_named_sample_is_told_apart_by_its_own_name():
    """pyimpspec/data.dta and pyimpspec/data.mpt (one spectrum, two formats) drafted 'pyimpspec' and
    'pyimpspec (pyimpspec)': the folder that names the sample cannot tell its two files apart."""
    import yaml

    text = reading.study_draft([("pyimpspec/data.dta", "eis", {}), ("pyimpspec/data.mpt", "eis", {}),
                                ("pyimpspec/data.z", "eis", {})])
    assert [s["label"] for s in yaml.safe_load(text)["samples"]] == ["pyimpspec", "pyimpspec (data.mpt)",
                                                                    "pyimpspec (data.z)"]


def _table(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(f"{v:.10g}" for v in r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_wrong_value_in_a_file_a_reader_recognised_is_the_answer(tmp_path):
    """An isotherm table with p/p0 above 1.05 was answered with the XRD reader's request for the
    wavelength of any two columns of numbers; its header names p/p0 and a loading: the sorption
    reader's complaint is the answer."""
    from nakit.errors import InvalidDataError

    p = np.linspace(0.05, 0.95, 12)
    high = _table(tmp_path / "iso.csv", "relative pressure,loading (mmol/g)", zip(p * 1.2, 5 * p))
    with pytest.raises(InvalidDataError, match=r"iso\.csv, line 13: relative pressure 1\.14 outside \(0, 1\.05\]"):
        nakit.read(high)
    negative = _table(tmp_path / "neg.csv", "relative pressure,loading (mmol/g)", zip(p, 5 * p - 1))
    with pytest.raises(InvalidDataError, match=r"line 2: negative uptake"):
        nakit.read(negative)


def test_two_readers_finding_wrong_values_give_both_reasons(monkeypatch, tmp_path):
    from nakit.errors import InvalidDataError

    def make(name):
        def read(path, **facts):
            if name in ("xrd", "raman"):
                raise InvalidDataError(path, f"{name} finds a value wrong")
            raise MissingFactError(path, f"{name} lacks a fact", fact="x") if name == "eis" else FileFormatError(path, "no")
        return read
    monkeypatch.setattr(reading, "reader", make)
    path = tmp_path / "x.txt"
    path.write_text("1 2\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"each reader's reason:\n  xrd: xrd finds a value wrong\n") as err:
        nakit.read(path)
    assert "raman: raman finds a value wrong" in str(err.value) and not isinstance(err.value, InvalidDataError)


def test_an_isotherm_with_its_loading_first_is_read_as_one(tmp_path):
    """BETSI's MCM-41 with the columns the other way round, each named: an isotherm, not a Raman
    spectrum whose second column happens to be p/p0."""
    source = peer_file("sorption", "betsi", "MCM-41.csv")
    rows = [line.split(",") for line in source.read_text(encoding="utf-8-sig").splitlines()[1:] if line.strip()]
    path = tmp_path / "mcm41.csv"
    path.write_text("Quantity Adsorbed (cm3/g STP), Relative Pressure (P/Po)\n"
                    + "".join(f"{load},{p}\n" for p, load in rows), encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"line 1: the header names column 2 'Relative Pressure \(P/Po\)', "
                                              r"not a Raman intensity: this table is no Raman spectrum \(a sorption"):
        nakit.read(path, technique="raman")
    ds = nakit.read(path)
    assert nakit.technique_of(ds) == "sorption"
    xr.testing.assert_equal(ds["loading"], nakit.read(source)["loading"])


def test_a_cycler_table_without_units_asks_for_them_not_for_a_wavelength(tmp_path, capsys):
    t = np.arange(20.0)
    path = _table(tmp_path / "cell.csv", "time,voltage,current", zip(t, 2 + 0.01 * t, 0.5 + 0 * t))
    with pytest.raises(FileFormatError, match=r"the header names the first column 'time', not 2theta \(or Q, d\)"):
        nakit.xrd.read_xrd(path, wavelength="Cu")
    with pytest.raises(MissingFactError) as err:
        nakit.read(path)
    assert err.value.fact == "units" and "time, voltage and current columns state no unit" in str(err.value)
    assert main(["inspect", str(path)]) == 1
    assert (f"(give it: nakit inspect {path} --fact units '{{time: UNIT, voltage: UNIT, current: UNIT}}', "
            "UNIT s or h; V or mV; mA or A)") in capsys.readouterr().out
    assert main(["inspect", str(path), "--fact", "units", "{time: s, voltage: V, current: mA}"]) == 0
    assert "technique: cycling" in capsys.readouterr().out


@pytest.mark.parametrize("rows, said", [
    ([(100.0, 1, -1), (-10.0, 2, -2), (1.0, 3, -3)], r"line 3, field 'frequency': frequency must be finite and "
                                                     r"positive, got -10 Hz \(point 1\)"),
    ([(100.0, 1, -1), (10.123456789, 2, -2), (10.123456789, 3, -3)], r"line 4, field 'frequency': frequency "
                                                                     r"10\.12345679 Hz is repeated \(point 2\)"),
])
def test_wrong_frequencies_are_said_as_numbers_with_their_unit(tmp_path, rows, said):
    path = _table(tmp_path / "z.csv", "freq,Zreal,Zimag", rows)
    with pytest.raises(FileFormatError, match=said) as err:
        nakit.read(path)
    assert "np.float64" not in str(err.value)


def test_a_wrong_value_under_an_assumed_reading_is_one_reason_among_the_readers(tmp_path):
    """Columns of numbers without a header are read as f, Z', Z'' or shift, intensity only by
    assumption: a value wrong under that reading (a cycler's time starting at 0 s read as 0 Hz)
    says the file may be something else, so it is no answer of its own."""
    from nakit.errors import InvalidDataError

    t = np.arange(30.0)
    bare = tmp_path / "bare.csv"
    bare.write_text("".join(f"{a:g},{2 + a / 100:g},0.5\n" for a in t), encoding="utf-8")
    with pytest.raises(FileFormatError, match="read as frequency, Z', Z'' \\(no header names the columns\\): frequency "
                                              "must be finite and positive, got 0 Hz") as err:
        nakit.read(bare, "eis")
    assert not isinstance(err.value, InvalidDataError)
    # every reader refuses it (2theta from 0 deg is the direct beam): the impedance reading is one reason of five
    with pytest.raises(FileFormatError, match=r"each reader's reason:(.|\n)*  eis: line 1, field 'frequency': read as "
                                              r"frequency, Z', Z'' \(no header names the columns\)") as err:
        nakit.read(bare)
    assert not isinstance(err.value, InvalidDataError)
    x = np.r_[np.arange(100.0, 150.0), 149.0]
    spectrum = tmp_path / "spectrum.txt"
    spectrum.write_text("".join(f"{a:g}\t{1 + a:g}\n" for a in np.sort(x)), encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"each reader's reason:(.|\n)*  raman: line 51, field 'raman_shift': read as Raman "
                                              r"shift and intensity \(no header names the columns\): repeated Raman "
                                              r"shift 149 cm-1"):
        nakit.read(spectrum)


def test_a_file_holding_a_cycling_record_and_impedance_sweeps_is_read_as_each(tmp_path, capsys):
    """An EC-Lab sequence (GCPL and PEIS in one .mpr, cellpy's biol.mpr) is a cycling record and
    impedance sweeps: nakit.read asks which, inspect shows both, a drafted study lists both."""
    pytest.importorskip("galvani", reason="reading .mpr needs the optional 'readers' extra (galvani)")
    import yaml

    from nakit.errors import AmbiguousFileError

    path = peer_file("echem", "cellpy", "biol.mpr")
    with pytest.raises(AmbiguousFileError, match=r"holds a cycling record \(23251 points\) and impedance sweeps \(5\): "
                                                 r"read each by naming it") as err:
        nakit.read(path)
    assert err.value.techniques == ("cycling", "eis")
    cycling, eis = nakit.read(path, "cycling"), nakit.read(path, "eis")
    assert cycling.sizes["time"] == 23251 and eis.sizes["loop"] == 5
    found = reading.inspect_files([path])
    assert [f.technique for f in found] == ["cycling", "eis"] and all(f.error is None for f in found)
    assert main(["inspect", "--study", str(path)]) == 0
    (sample,) = yaml.safe_load(capsys.readouterr().out)["samples"]
    assert sample == {"label": "biol", "cycling": {"file": str(path)}, "eis": {"file": str(path)}}


def test_two_readers_of_other_techniques_stay_an_ambiguity(monkeypatch, tmp_path):
    from nakit.errors import AmbiguousFileError

    path = tmp_path / "x.txt"
    path.write_text("1 2\n", encoding="utf-8")
    _fake_readers(monkeypatch, {"xrd": True, "raman": True})
    with pytest.raises(AmbiguousFileError) as err:
        nakit.read(path)
    assert err.value.techniques == ("xrd", "raman")
    (found,) = reading.inspect_files([path])  # not split: one of the two readings is wrong
    assert isinstance(found.error, AmbiguousFileError)


@pytest.mark.parametrize("name, technique", [
    ("p/p0 (%)", "sorption"), ("Relative Pressure", "sorption"), ("Absolute Pressure (mmHg)", "sorption"),
    ("2Theta", "xrd"), ("2θ (deg)", "xrd"), ("Angle", "xrd"), ("Pos. [°2Th.]", "xrd"),
    ("Raman Shift (cm-1)", "raman"), ("Wavenumber", "raman"), ("#Wave", None), ("x", None),
    ("Test Time", "cycling"), ("time/s", "cycling"), ("Freq (kHz)", "eis"), ("frequency/Hz", "eis"),
])
def test_a_first_columns_name_says_its_technique(name, technique):
    from nakit.textio import first_column_technique

    assert first_column_technique(name) == technique


def test_an_isotherm_in_per_cent_is_an_isotherm_not_a_raman_spectrum(tmp_path):
    """'p/p0 (%),Quantity Adsorbed (cm3/g STP)' was read as a Raman spectrum "2-95 cm-1": the Raman
    reader took any two columns under any header. Now a header naming another technique's axis is
    refused by the Raman and XRD text readers, and the sorption reader reads per cent."""
    p = np.linspace(0.02, 0.95, 25)
    q = 100 * p / (0.1 + p)
    percent = tmp_path / "pct.csv"
    percent.write_text("p/p0 (%),Quantity Adsorbed (cm3/g STP)\n" + "".join(f"{100 * a:.4f},{b:.4f}\n"
                                                                            for a, b in zip(p, q)), encoding="utf-8")
    fraction = tmp_path / "frac.csv"
    fraction.write_text("p/p0,Quantity Adsorbed (cm3/g STP)\n" + "".join(f"{a:.6f},{b:.4f}\n" for a, b in zip(p, q)),
                        encoding="utf-8")
    ds = nakit.read(percent)
    assert nakit.technique_of(ds) == "sorption" and ds.attrs["relative_pressure_from"] == "p/p0 (%) / 100"
    np.testing.assert_allclose(ds["relative_pressure"].values, nakit.read(fraction)["relative_pressure"].values,
                               rtol=1e-12)
    with pytest.raises(FileFormatError, match=r"names the first column 'p/p0 \(%\)', not a Raman shift: this table is "
                                              r"no Raman spectrum \(a sorption table\?\)"):
        nakit.read(percent, "raman")
    scan = tmp_path / "scan.csv"  # a 2theta table without its wavelength: the XRD reader's request, not "Raman"
    scan.write_text("2theta,intensity\n" + "".join(f"{a:.2f},{100 + a:.1f}\n" for a in np.arange(10, 80, 0.05)),
                    encoding="utf-8")
    with pytest.raises(MissingFactError, match="states no wavelength"):
        nakit.read(scan)


def test_a_drafted_study_takes_the_wavelength_of_the_instrument_file_beside_a_scan(tmp_path, capsys):
    """GSAS data state no wavelength; the PRM beside them does: the draft reads the scan with it and
    says whose it is, for the user to check; two instrument files that disagree leave it to the user."""
    import shutil

    import yaml

    for name in ("PBSO4.XRA", "INST_XRY.PRM"):
        shutil.copyfile(peer_file("xrd", "gsas2", name), tmp_path / name)
    main(["inspect", "--study", str(tmp_path)])
    out = capsys.readouterr().out
    (sample,) = yaml.safe_load(out)["samples"]
    assert sample["xrd"] == {"file": str(tmp_path / "PBSO4.XRA"), "wavelength": [1.5405, 1.5443, 0.5]}
    assert f"# check: {tmp_path / 'PBSO4.XRA'}: its wavelength [1.5405, 1.5443, 0.5] is INST_XRY.PRM's" in out
    (tmp_path / "other.instprm").write_text("Type:PXC\nLam:0.413\n", encoding="utf-8")
    main(["inspect", "--study", str(tmp_path)])
    out = capsys.readouterr().out
    assert yaml.safe_load(out)["samples"] == [] and "# check:" not in out
    assert "INST_XRY.PRM beside it gives wavelength [1.5405, 1.5443, 0.5]; other.instprm beside it gives " \
           "wavelength 0.413" in out


def test_analysis_inputs_are_named_and_a_drafted_study_puts_them_where_they_go(tmp_path, capsys):
    """A study's folder holds the CIFs of the phases to look for, a band library and a claims list
    beside the measurements; five readers' refusals said nothing of them."""
    import shutil

    import yaml

    from nakit.errors import NotAMeasurementError
    from nakit.study import load_study

    for name in ("PBSO4.XRA", "INST_XRY.PRM", "PbSO4-Wyckoff.cif"):
        shutil.copyfile(peer_file("xrd", "gsas2", name), tmp_path / name)
    shutil.copyfile(peer_file("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"), tmp_path / "TiO2_raman.txt")
    (tmp_path / "bands.csv").write_text("band, species, center, min, max, citation\n"
                                        "Eg(1), anatase, 144, 140, 148, Ohsaka 1978\n", encoding="utf-8")
    shutil.copyfile(data_dir() / "paper_claims.csv", tmp_path / "claims.csv")
    with pytest.raises(NotAMeasurementError) as exc:
        nakit.read(tmp_path / "PbSO4-Wyckoff.cif")
    assert exc.value.role == ("xrd", "reference_files") and exc.value.reason.startswith(
        "a crystal structure (CIF), not a measurement: a candidate phase for XRD, notebook 01's reference_files")
    assert main(["inspect", str(tmp_path / "bands.csv"), str(tmp_path / "claims.csv")]) == 0
    out = capsys.readouterr().out
    assert "an analysis input: a Raman band library, not a measurement: notebook 03's band_library_file" in out
    assert "an analysis input: a claims list, not a measurement: a study's claims (claims: claims.csv)" in out
    main(["inspect", "--study", str(tmp_path)])
    draft = capsys.readouterr().out
    study = yaml.safe_load(draft)
    assert study["claims"] == str(tmp_path / "claims.csv")
    assert study["parameters"] == {"xrd": {"reference_files": [str(tmp_path / "PbSO4-Wyckoff.cif")]},
                                   "raman": {"band_library_file": str(tmp_path / "bands.csv")}}
    assert "# not read:" in draft and "INST_XRY.PRM" in draft  # the instrument file: no input of its own
    (tmp_path / "study.yaml").write_text(draft, encoding="utf-8")
    loaded = load_study(tmp_path / "study.yaml")
    assert loaded.claims == tmp_path / "claims.csv" and {s for s in loaded.labels} == {"PBSO4", "TiO2"}


def test_a_study_folder_inspected_after_its_first_run_leaves_its_reports_out(tmp_path, capsys):
    """`nakit inspect --study .` in a study's folder read its reports too: 117 files "not read"."""
    import shutil

    from nakit import report
    from nakit.reading import files_in

    (tmp_path / "raw").mkdir()
    shutil.copyfile(peer_file("sorption", "betsi", "MCM-41.csv"), tmp_path / "raw" / "MCM-41.csv")
    (tmp_path / "study.yaml").write_text("title: t\nsamples:\n  - {label: MCM-41, sorption: raw/MCM-41.csv}\n",
                                         encoding="utf-8")
    rep = report.start("02_bet_bjh", tmp_path / "reports" / "study" / "02_bet_bjh", samples=["MCM-41"],
                       claims_file=None)
    rep.result("MCM-41", "bet_area", 1000.0)
    rep.save_table(__import__("pandas").DataFrame({"a": [1]}), "bjh")
    rep.finish()
    assert files_in([tmp_path]) == [str(tmp_path / "study.yaml"), str(tmp_path / "raw" / "MCM-41.csv")]
    main(["inspect", "--study", str(tmp_path)])
    draft = capsys.readouterr().out
    assert f"# not read: {tmp_path / 'study.yaml'}: a study file (nakit study study.yaml), not a measurement" in draft
