"""Studies: validation before anything runs, labels as keys, and one report over real files.

The toy tests use a small notebook beside the study file (fast). The peer study runs every
technique notebook on real public measurements from ../shared/peer-data (skipped when the
folder is absent) once per module, then checks the study report against the library.
"""

import csv
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from nakit import cli
from nakit.errors import ParameterError
from nakit.paths import data_dir
from nakit.study import load_study, read_comparison, run_study, safe_names
from tests.reporttext import visible_text

TOY_PARAMETERS = '''title = ""        # report title; "" makes one from the labels
samples = [       # one dict per sample; keys: label*, file*, scale
    {"label": "one", "file": "a.txt"},
]
# how a file's numbers are combined; one of: "sum", "max"
mode = "sum"
claims_file = None
output_dir = "out"'''

TOY = '''import numpy as np
from nakit import report
rep = report.start("toy", output_dir, parameters={"mode": mode}, input_files=[s["file"] for s in samples],
                   title=title, samples=[s["label"] for s in samples], claims_file=claims_file)
rep.heading("Toy")
for s in samples:
    values = np.loadtxt(s["file"], ndmin=1)
    total = values.sum() if mode == "sum" else values.max()
    rep.result(s["label"], "total", total * s.get("scale", 1), 0.5, unit="g", quantity="total mass")
rep.finish()
'''


@pytest.fixture
def toy(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(TOY_PARAMETERS, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(TOY)]
    nbformat.write(nb, tmp_path / "toy.ipynb")
    (tmp_path / "a.txt").write_text("1\n")
    for folder, text in [("lot1", "1\n2\n3\n"), ("lot2", "10\n20\n")]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "data.txt").write_text(text)  # the same basename in two folders
    return tmp_path


def _study(folder: Path, text: str, name: str = "study.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
title: Toy batch
output: report
parameters:
  toy: {mode: sum}
samples:
  - label: Sample A (lot 1)
    toy: lot1/data.txt
  - label: "Sample A: lot 2/after"
    toy: {file: lot2/data.txt, scale: 2}
"""


def test_bad_study_lists_every_problem_before_anything_runs(toy):
    path = _study(toy, """
title: Broken
output: ../elsewhere
colour: blue
parameters:
  toy: {mode: mean, speed: 3}
samples:
  - label: A
    toy: {file: lot1/data.txt, colour: red}
  - label: A
    toy: lot2/data.txt
  - label: B
    toy: nowhere/missing.txt
    xps: b.vms
  - toy: a.txt
""")
    with pytest.raises(ParameterError) as err:
        load_study(path)
    msg = str(err.value)
    for expected in ["unknown top-level key(s) 'colour'",
                     "'output' '../elsewhere' points outside the study file's folder",
                     "duplicate label 'A'",
                     "unknown technique or notebook 'xps'",
                     "sample 4: missing 'label'",
                     "'mean' is not allowed (one of: 'sum', 'max')",
                     "unknown parameter 'speed'",
                     "unknown key(s) 'colour' (known: label, file, scale)",
                     "missing.txt does not exist"]:
        assert expected in msg, f"{expected!r} not in:\n{msg}"
    assert "problem(s)" in msg
    assert not (toy / "elsewhere").exists() and not (toy / "reports").exists()


def test_a_list_of_files_where_a_technique_takes_one_says_so(tmp_path):
    """It was refused as "unknown key(s) 'files'", a key the study did not write."""
    scan, spectra = data_dir() / "xrd" / "annealed.raw", sorted((data_dir() / "eis").glob("blocking_*.z"))[:2]
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"title": "t", "samples": [
        {"label": "A", "xrd": [str(scan), str(scan)]},
        {"label": "B", "eis": {"files": [str(p) for p in spectra], "kind": "pellet", "temperatures_C": [25, 30],
                               "diameter_mm": 10, "thickness_mm": 1}}]}), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_study(path)
    assert str(err.value).endswith("has 1 problem(s):\n  sample 1 ('A'): 'xrd' takes one file per sample, got a list "
                                   "of 2: make each file a sample of its own (the impedance entries take a list: a "
                                   "series)")


def test_cli_study_refuses_before_running(toy, capsys):
    path = _study(toy, "samples:\n  - label: A\n    toy: nowhere.txt\n")
    assert cli.main(["study", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nowhere.txt does not exist" in err
    assert not (toy / "reports").exists()


def test_labels_are_free_text_and_folder_names_safe_and_unique():
    names = safe_names(["Sample A", "sample a", "../etc", "x/y", "", "Ünïcode ☃", ".hidden", "試料 3"])
    assert len(set(n.lower() for n in names.values())) == len(names)
    for name in names.values():
        assert re.fullmatch(r"\w[\w.-]*", name), name
    assert names["Sample A"] == "Sample_A" and names["sample a"] == "sample_a-2"
    assert names["Ünïcode ☃"] == "Unicode" and names["試料 3"] == "試料_3"  # letters of other scripts are kept


def test_phases_named_by_greek_letters_keep_their_names_in_files():
    """'TiO2-α' and 'TiO2-β' became 'TiO2-' and 'TiO2--2': which was which, only their contents said."""
    names = safe_names(["TiO2-α", "TiO2-β", "γ-Al2O3", "Δ-phase, 25 °C"])
    assert list(names.values()) == ["TiO2-alpha", "TiO2-beta", "gamma-Al2O3", "Delta-phase_25_degC"]


def test_explicit_output_may_leave_the_folder(toy, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    study = load_study(_study(toy, GOOD.replace("output: report", "output: ../x")), output=elsewhere)
    assert study.output == elsewhere.resolve()


@pytest.mark.notebooks
def test_toy_study_keys_everything_by_label(toy):
    summary = run_study(_study(toy, GOOD), workers=1)
    assert summary.ok, summary.describe()
    out = toy / "report"
    assert summary.output == out
    table, units = read_comparison(out / "comparison.csv")
    rows = {r["sample"]: r for r in table}
    assert units["total"] == units["total_sigma"] == "g"  # the header says it: total (g)
    # the two data.txt files stay apart: 1+2+3 and 2*(10+20)
    assert float(rows["Sample A (lot 1)"]["total"]) == 6.0
    assert float(rows["Sample A: lot 2/after"]["total"]) == 60.0
    assert float(rows["Sample A: lot 2/after"]["total_sigma"]) == 0.5
    import xarray as xr

    ds = xr.open_dataset(out / "comparison.nc", engine="h5netcdf")
    assert list(ds["sample"].values) == ["Sample A (lot 1)", "Sample A: lot 2/after"]
    assert ds["total"].attrs["units"] == "g" and ds["total_sigma"].attrs["units"] == "g"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Toy batch</h1>" in index and "Sample A: lot 2/after" in index
    assert "toy/toy.html" in index
    assert "data.txt" not in index  # labels, never file names
    per_sample = sorted(p.name for p in (out / "samples").iterdir())
    assert per_sample == ["Sample_A_lot_1.csv", "Sample_A_lot_2_after.csv"]
    assert not (out / "claims.csv").exists()
    # unchanged: skipped; one file changed: its notebook reruns
    stamp = (out / "index.html").stat().st_mtime_ns
    again = run_study(_study(toy, GOOD), workers=1)
    assert [r.status for r in again.results] == ["skipped"]
    assert (out / "index.html").stat().st_mtime_ns == stamp  # the report on disk is current: not redrawn
    assert again.notes == summary.notes
    # forced: it runs again and writes the same results
    before = (out / "comparison.nc").read_bytes(), (out / "comparison.csv").read_bytes()
    forced = run_study(_study(toy, GOOD), workers=1, force=True)
    assert [r.status for r in forced.results] == ["ran"]
    assert ((out / "comparison.nc").read_bytes(), (out / "comparison.csv").read_bytes()) == before
    (toy / "lot2" / "data.txt").write_text("1\n")
    third = run_study(_study(toy, GOOD), workers=1)
    assert [r.status for r in third.results] == ["ran"]
    rows = {r["sample"]: r for r in read_comparison(out / "comparison.csv")[0]}
    assert float(rows["Sample A: lot 2/after"]["total"]) == 2.0


def test_paper_study_samples_are_the_notebooks_defaults():
    """data/paper_study.yaml and the notebooks' `samples` defaults describe the same runs, so the
    paper reproduction and a notebook opened in JupyterLab show the same samples."""
    from nakit.reproduce import paper_study
    from nakit.runner import prepare

    study = load_study(paper_study(), output=Path("/nonexistent/out"))
    assert study.claims is not None and study.claims.name == "paper_claims.csv"
    assert any(j.name.startswith("10_") for j in study.late_jobs)
    for job in study.jobs:
        if "samples" not in job.parameters:
            continue
        defaults = prepare(job.notebook, {})["samples"]
        by_label = {s["label"]: s for s in defaults}
        assert sorted(by_label) == sorted(s["label"] for s in job.parameters["samples"]), job.name
        for entry in job.parameters["samples"]:
            assert entry == by_label[entry["label"]], (job.name, entry["label"])


# -- one study over real files from ../shared/peer-data ----------------------------------------

PEER = {
    # label: (technique, entry); labels are free text on purpose (spaces, '#', parentheses)
    "Silica-alumina reference": ("sorption", {"file": ("sorption", "micromeritics", "Sample_A.xls")}),
    "Sample G (AIF export)": ("sorption", {"file": ("sorption", "aif-examples", "Sample_G.aif_tst")}),
    "MCM-41 silica": ("sorption", {"file": ("sorption", "pygaps", "MCM-41 N2 77K.json")}),
    "same file, 2nd label": ("sorption", {"file": ("sorption", "micromeritics", "Sample_A.xls")}),
    # two files with the same basename in different folders (links to two real exports) stay apart
    "lot A": ("sorption", {"file": ("link", "lot-a/isotherm.xls", ("sorption", "micromeritics", "Sample_D.xls"))}),
    "lot B": ("sorption", {"file": ("link", "lot-b/isotherm.xls", ("sorption", "micromeritics", "Sample_E.xls"))}),
    "LaB6 line standard": ("xrd", {"file": ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2"), "wavelength": "Cu"}),
    "PbSO4 round robin": ("xrd", {"file": ("xrd", "gsas2", "PBSO4.XRA"), "wavelength": "Cu"}),
    "polystyrene standard": ("raman", {"file": ("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt")}),
    "silicon wafer": ("raman", {"file": ("raman", "silicon__ramanfitting_Si_spectrum01.txt")}),
    "disordered carbon #4": ("raman", {"file": ("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt"),
                                       "analysis": "carbon"}),
    "LAND half cell": ("cycling", {"file": ("echem", "cellpy", "custom_data_002.xlsx")}),
    "Neware cell (UiO)": ("cycling", {"file": ("echem", "cellpy", "neware_uio.csv")}),
    "Arbin graphite cell": ("cycling", {"file": ("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")}),
    "Li-ion cell, ZPlot": ("eis", {"kind": "cell", "file": ("echem", "impedancepy", "exampleDataZPlot.z")}),
    "Li-ion cell, CSV": ("eis", {"kind": "cell", "file": ("echem", "impedancepy", "exampleData.csv")}),
    # four sweeps in one EC-Lab file, every one fitted
    "Sweeps (EC-Lab)": ("eis", {"kind": "cell", "file": ("echem", "yadg", "peis.issue_149.mpt"), "loop": "all"}),
}
FORBIDDEN = [r"CMK-3", r"(?i)\bcomposite", r"Na2S", r"Fig\.", r"(?i)\bpaper\b"]


def _peer_path(parts):
    from tests.peer import peer_file

    if parts[0] == "link":  # (link, path relative to the study file, target)
        return str(peer_file(*parts[2]))
    return str(peer_file(*parts))


def _study_file_value(parts, folder: Path) -> str:
    """The study's value for a file: a peer path, or a link beside the study file, named relative to it."""
    if parts[0] != "link":
        return _peer_path(parts)
    link = folder / parts[1]
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(_peer_path(parts))
    return parts[1]


@pytest.fixture(scope="module")
def peer_study(tmp_path_factory):
    import yaml

    folder = tmp_path_factory.mktemp("peer_study")
    samples = []
    for label, (technique, entry) in PEER.items():
        entry = {k: _study_file_value(v, folder) if k == "file" else v for k, v in entry.items()}
        samples.append({"label": label, technique: entry})
    study = {"title": "Reference materials from public repositories",
             "parameters": {"xrd": {"candidate_phases": ["LaB6_Pm-3m"],
                                    "reference_files": [_peer_path(("xrd", "gsas2", "PbSO4-Wyckoff.cif"))]},
                            "raman": {"calibration_file": None}},
             "samples": samples}
    path = folder / "references.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    import time

    start = time.perf_counter()
    summary = run_study(path, workers=2)
    summary.wall_seconds = time.perf_counter() - start
    print(f"\npeer study: {summary.wall_seconds:.0f} s\n{summary.describe()}")
    return summary


@pytest.mark.notebooks
@pytest.mark.peer
def test_peer_study_runs_every_technique(peer_study):
    assert sorted(r.name for r in peer_study.results) == ["01_xrd_indexing", "02_bet_bjh", "03_raman_assignment",
                                                         "04_cycling", "05_eis_fitting"]
    assert peer_study.ok, peer_study.describe()


@pytest.mark.notebooks
@pytest.mark.peer
def test_peer_study_report_names_every_sample_and_no_paper_words(peer_study):
    out = peer_study.output
    index = (out / "index.html").read_text(encoding="utf-8")
    import html as html_lib

    for label in PEER:
        assert html_lib.escape(label) in index, label
    for r in peer_study.results:
        report = Path(r.output_dir) / f"{r.name}.html"
        assert report.exists(), r.name
        text = report.read_text(encoding="utf-8")
        for label in peer_study.study.techniques[r.name]:
            assert html_lib.escape(label) in text or label in text, (r.name, label)
    found = {}
    for path in [*out.rglob("*.html"), *out.rglob("*.csv")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        # what a reader sees: not nbconvert's stylesheet ("each printed piece of paper"), scripts or
        # embedded images (base64 text holds a short word like "Na2S" by chance)
        text = re.sub(r"(?is)<(style|script)\b.*?</\1>", "", text)
        text = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", " ", text)
        for word in FORBIDDEN:
            m = re.search(word, text)
            if m:
                found.setdefault(str(path.relative_to(out)), []).append(text[max(m.start() - 60, 0):m.end() + 60])
    assert not found, found
    assert not (out / "claims.csv").exists()
    for r in peer_study.results:  # no Python object, path or error text where a reader looks
        html = visible_text((Path(r.output_dir) / f"{r.name}.html").read_text(encoding="utf-8"))
        assert not [bad for bad in ("PosixPath", "<Figure", "Traceback", "ipykernel_") if bad in html], r.name
        captions = (Path(r.output_dir) / "figures" / "captions.csv").read_text(encoding="utf-8")
        names = {Path(_peer_path(entry["file"])).name for _, entry in PEER.values()}  # labels, never file names
        assert not [n for n in names if n in captions], r.name


def _headline(summary, stem: str) -> dict:
    result = next(r for r in summary.results if r.name == stem)
    with open(Path(result.output_dir) / "results" / "headline.csv", encoding="utf-8") as fh:
        return {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}


@pytest.mark.notebooks
@pytest.mark.peer
def test_peer_study_sorption_headline(peer_study):
    """One file under two labels gives the same numbers twice; a point missing above p/p0 = 0.99 leaves
    the pore volume empty with a flag saying why; the type of a type IV isotherm is named."""
    from nakit.sorption import read_isotherm
    from nakit.sorption.porevolume import total_pore_volume

    rows = _headline(peer_study, "02_bet_bjh")
    for key in ("bet_area", "bet_c", "pore_volume", "bjh_peak_diameter", "isotherm_type"):
        one, two = rows["Silica-alumina reference", key], rows["same file, 2nd label", key]
        assert (one["value"], one["sigma"], one["flags"]) == (two["value"], two["sigma"], two["flags"]), key
    pv = total_pore_volume(read_isotherm(_peer_path(PEER["Silica-alumina reference"][1]["file"])), 0.99)
    assert float(rows["Silica-alumina reference", "pore_volume"]["value"]) == pytest.approx(pv.volume, rel=1e-12)
    assert rows["MCM-41 silica", "pore_volume"]["value"] == ""
    assert "above the last point" in rows["MCM-41 silica", "pore_volume"]["flags"]
    assert rows["Silica-alumina reference", "isotherm_type"]["value"] == "IV"


@pytest.mark.notebooks
@pytest.mark.peer
def test_peer_study_fits_every_sweep_of_a_multi_sweep_file(peer_study):
    import xarray as xr

    from nakit.eis import fitting, iter_loops, read_eis

    rows = _headline(peer_study, "05_eis_fitting")
    label = "Sweeps (EC-Lab)"
    assert {"r_interface", "r_interface_last", "r_interface_growth"} <= {k for (s, k) in rows if s == label}
    sweeps = list(iter_loops(read_eis(_peer_path(PEER[label][1]["file"]))))
    growth = rows[label, "r_interface_growth"]  # sweeps of one file are not charge cycles
    assert (growth["unit"], growth["note"]) == ("ohm/sweep", f"sweeps 0-{len(sweeps) - 1}")  # as loop= numbers them
    last = fitting.fit_circuit(sweeps[-1][1], "R0-p(R1,CPE1)-W1", weighting="modulus")
    assert float(rows[label, "r_interface_last"]["value"]) == pytest.approx(last.values["R1"], rel=1e-9)
    result = next(r for r in peer_study.results if r.name == "05_eis_fitting")
    with xr.open_dataset(Path(result.output_dir) / "results" / "r_interface.nc") as ds:
        assert list(ds["sample"].values) == [label] and ds.sizes["cycle"] == len(sweeps)
    # the index says which spectrum its resistance is, and shows the last one and the growth beside it
    index = peer_study.index.read_text(encoding="utf-8")
    for head in ("interfacial resistance R1, first spectrum analysed (ohm)", "interfacial resistance R1, last spectrum (ohm)",
                 "interfacial resistance growth (ohm/sweep)"):
        assert head in index, head


def _same(cell: str, compute, label: str) -> None:
    """The study table's value equals the library's; empty where the library refuses (NakitError)."""
    from nakit.errors import NakitError

    try:
        expected = compute()
    except NakitError:
        assert cell == "", f"{label}: {cell!r} where the library refuses"
        return
    assert float(cell) == pytest.approx(expected, rel=1e-9), label


@pytest.mark.notebooks
@pytest.mark.peer
def test_peer_study_comparison_matches_the_library(peer_study):
    from nakit import cycling
    from nakit.sorption import area_bet, read_isotherm, total_pore_volume
    from nakit.sorption.bjh import psd_bjh
    from nakit.sorption.hysteresis import hysteresis

    out = peer_study.output
    rows = read_comparison(out / "comparison.csv")[0]
    assert [r["sample"] for r in rows] == list(PEER)  # one row per sample, in the study's order
    table = {r["sample"]: r for r in rows}
    no_loop = 0
    for label, (technique, entry) in PEER.items():
        path = _peer_path(entry["file"])
        row = table[label]
        if technique == "sorption":
            iso = read_isotherm(path)
            bet = area_bet(iso, min_points=4, on_failure="flag")
            assert float(row["bet_area"]) == pytest.approx(bet.area, rel=1e-9), label
            assert float(row["bet_area_sigma"]) == pytest.approx(bet.area_sigma, rel=1e-9), label
            _same(row["pore_volume"], lambda: total_pore_volume(iso, 0.99).volume, label)
            # BJH for every sample; without a capillary-condensation loop it is flagged, not left out
            _same(row["bjh_peak_diameter"], lambda: psd_bjh(iso, "desorption", thickness="harkins_jura",
                                                           method="bjh").attrs["peak_diameter"], label)
            loop = hysteresis(iso)
            if not (loop.present and loop.loop_type):
                assert "BJH assumes capillary condensation" in row.get("bjh_peak_diameter_flags", ""), label
                no_loop += 1
            else:
                assert "BJH assumes" not in row.get("bjh_peak_diameter_flags", ""), label
        elif technique == "cycling":
            record = cycling.read_cycling(path)
            cell = cycling.sample_recipe({"label": label}, record)  # a LAND file states its mass
            summary = cycling.summarise(record, cell, soc_window=[0.2, 0.8])
            first = float(summary["specific_discharge_capacity" if cell else "discharge_capacity"].isel(cycle=0))
            unit = "mAh_per_g" if cell else "mAh"  # one column per unit: the other unit's is <key>_in_<unit>
            shown = row.get("first_discharge_capacity") or row[f"first_discharge_capacity_in_{unit}"]
            assert float(shown) == pytest.approx(first, rel=1e-9), label
        else:  # a technique without a sorption or cycling result leaves those columns empty
            assert row.get("bet_area", "") == "" and row.get("first_discharge_capacity", "") == ""
    assert table["lot A"]["bet_area"] != table["lot B"]["bet_area"]  # same basename, kept apart
    assert no_loop >= 1  # lots A and B: low-pressure hysteresis only, their BJH shown and flagged
    import xarray as xr

    ds = xr.open_dataset(out / "comparison.nc", engine="h5netcdf")
    assert [str(s) for s in ds["sample"].values] == list(PEER)
    for name in ds.data_vars:
        if not name.endswith("_flags"):
            assert "units" in ds[name].attrs, name
    assert ds["bet_area"].attrs["units"] == "m2/g" and ds["bet_area_sigma"].attrs["units"] == "m2/g"
    # every technique that ran has its panel (or a note saying why not)
    figures = {p.stem for p in (out / "comparison").glob("*.png")}
    assert {"sorption", "cycling"} <= figures, figures


def _notebook_helpers(stem: str, names: set[str], namespace: dict) -> dict:
    """The notebook's own helper functions ``names`` (peak picking, baseline choice), defined in ``namespace``.

    They are notebook code, not library functions; taking them from the notebook (not a copy in this
    test) means the library below is called with exactly the bands and baselines the notebook chose.
    """
    import ast
    import json

    nb = json.loads((Path(__file__).parents[1] / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    found = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name in names:
                found[node.name] = ast.get_source_segment(source, node)
    assert set(found) == names, f"{stem}: helpers {names - set(found)} not found"
    exec(compile("\n\n".join(found.values()), f"<{stem} helpers>", "exec"), namespace)
    return {name: namespace[name] for name in names}


@pytest.mark.notebooks
@pytest.mark.peer
def test_peer_study_xrd_raman_eis_match_the_library(peer_study):
    """Each XRD, Raman and impedance sample's headline values equal the library's on the same file.

    The library is called with the notebooks' parameters (01: min_snr 5, tolerance 0.12 deg, the
    study's candidates, zero refined with more than three lines; 03: despike, the window's default
    baseline, no calibration, 532 nm where the file states none; 05: the last sweep, R0-p(R1,CPE1)-W1,
    modulus weighting). The computation is the same, so the tolerance is 1e-9 relative (what survives
    the CSV round trip of the result files).
    """
    import numpy as np
    import xarray as xr

    from nakit.eis import fitting, read_eis, select_loop
    from nakit.errors import NakitError, ParameterError
    from nakit.raman import Band, carbon_analysis, correct_baseline, despike, prominent_bands, read_raman
    from nakit.raman.propose import fit_prominent
    from nakit.raman.baseline import BaselineSpec, window_of
    from nakit.xrd import fit_peaks, identify_phases, read_cif, read_xrd, reference, refine_cell

    out = peer_study.output
    table = {r["sample"]: r for r in read_comparison(out / "comparison.csv")[0]}
    ds = xr.open_dataset(out / "comparison.nc", engine="h5netcdf")
    rel = 1e-9
    compared = {}  # label -> headline keys compared with the library

    # -- XRD (01_xrd_indexing): phases, unexplained peaks, refined cell a per identified phase
    crystals = {c.name: c for c in [reference("LaB6_Pm-3m"),
                                     read_cif(_peer_path(("xrd", "gsas2", "PbSO4-Wyckoff.cif")))]}
    for label, (technique, entry) in PEER.items():
        if technique != "xrd":
            continue
        row = table[label]
        scan = read_xrd(_peer_path(entry["file"]), wavelength=entry.get("wavelength"))
        wl = scan.attrs["wavelength"]
        ids = identify_phases(fit_peaks(scan, min_snr=5.0), wl, list(crystals.values()), tolerance=0.12)
        identified = [p for p in ids.present if int((ids.assignments["phase"] == p).sum()) >= 2]
        assert row["phases_present"] == (", ".join(identified) or "none"), label
        assert float(row["unexplained_peaks"]) == len(ids.unexplained), label
        compared[label] = ["phases_present", "unexplained_peaks"]
        for phase in identified:
            n = int((ids.assignments["phase"] == phase).sum())
            try:
                cell = refine_cell(ids.assignments, phase, wl, sticks=ids.sticks[phase], crystal=crystals[phase],
                                   zero=n > 3)
            except NakitError:  # the notebook records "not refined" and leaves the cell empty
                assert np.isnan(float(ds["cell_a"].sel(sample=label, phase=phase))), (label, phase)
                continue
            got = float(ds["cell_a"].sel(sample=label, phase=phase))
            assert got == pytest.approx(cell.a, rel=rel), (label, phase)
            assert float(ds["cell_a_sigma"].sel(sample=label, phase=phase)) == pytest.approx(cell.a_sigma, rel=rel)
            compared[label].append(f"cell_a[{phase}]")

    # -- Raman (03_raman_assignment): band centres of fitted bands, D/G ratio and band centres of carbons
    helpers = _notebook_helpers("03_raman_assignment", {"baseline_spec", "looks_like_carbon"},
                                {"np": np, "window_of": window_of, "ParameterError": ParameterError,
                                 "BaselineSpec": BaselineSpec})
    laser = "instrument_laser_wavelength_nm"
    for label, (technique, entry) in PEER.items():
        if technique != "raman":
            continue
        row = table[label]
        spectrum = read_raman(_peer_path(entry["file"]))
        if spectrum.attrs.get(laser) is None:
            spectrum = spectrum.assign_attrs({laser: 532.0})
        spectrum = despike(spectrum)
        analysis = entry.get("analysis", "auto")
        if analysis == "auto":
            analysis = "carbon" if helpers["looks_like_carbon"](spectrum) else "bands"
        if analysis == "carbon":
            c = carbon_analysis(spectrum)
            for key, value in (("d_to_g_ratio", c.id_ig), ("g_center", c.g_center), ("d_center", c.d_center)):
                assert float(row[key]) == pytest.approx(value, rel=rel), (label, key)
            compared[label] = ["d_to_g_ratio", "g_center", "d_center"]
            continue
        corrected = correct_baseline(spectrum, helpers["baseline_spec"](spectrum.raman_shift.values))
        compared[label] = []
        found = prominent_bands(corrected, window=entry.get("window"), max_bands=8,
                                raw_scale=float(np.abs(spectrum.intensity).max()))
        for fit in fit_prominent(corrected, found):  # overlapping windows fitted together, as the notebook does
            for _, b in fit.table.iterrows():
                name = b["band"] if "band" in b else b.get("name")
                key = "band_center_" + Band(str(name), 0.0).prefix.rstrip("_")
                assert float(row[key]) == pytest.approx(float(b["center"]), rel=rel), (label, key)
                compared[label].append(key)

    # -- impedance (05_eis_fitting): the fitted interface resistance R1 and ohmic resistance R0
    for label, (technique, entry) in PEER.items():
        if technique != "eis":
            continue
        row = table[label]  # a sample of every sweep reports its first as r_interface
        spectrum = select_loop(read_eis(_peer_path(entry["file"])), "first" if entry.get("loop") == "all" else "last")
        try:
            fit = fitting.fit_circuit(spectrum, "R0-p(R1,CPE1)-W1", weighting="modulus")
        except NakitError:
            assert row["r_interface"] == "", f"{label}: {row['r_interface']!r} where the library refuses"
            compared[label] = ["r_interface (empty)"]
            continue
        assert float(row["r_interface"]) == pytest.approx(fit.values["R1"], rel=rel), label
        sigma = fit.stderr["R1"]
        if sigma is None or not np.isfinite(sigma):  # the fit gives no uncertainty: the table shows none
            assert row["r_interface_sigma"] == "", label
        else:
            assert float(row["r_interface_sigma"]) == pytest.approx(sigma, rel=rel), label
        assert float(row["r_ohmic"]) == pytest.approx(fit.values["R0"], rel=rel), label
        compared[label] = ["r_interface", "r_interface_sigma", "r_ohmic"]

    print("compared with the library:", compared)
    expected = [label for label, (t, _) in PEER.items() if t in ("xrd", "raman", "eis")]
    assert sorted(compared) == sorted(expected)
    assert all(compared[label] for label in expected), compared  # at least one headline value per sample
    assert any(k.startswith("cell_a") for keys in compared.values() for k in keys), compared  # a refined cell


# -- the XRD comparison panels: typeset phase names, tick labels that never overlap --------------

def test_xrd_comparison_typesets_phases_and_no_tick_labels_overlap(tmp_path):
    """Several samples with long labels and every shipped phase: after a draw, no tick label's box
    meets its neighbour's on any axis of the phase map or the cell panel; names are typeset."""
    import types

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.image import imread

    from nakit import layout, study as study_mod
    from nakit.report import phase_name
    from nakit.xrd import library

    phases = sorted(library())
    labels = [f"ball-milled Na2S+NPS+C, batch {i} (annealed 270 C, 2 h)" for i in range(6)]
    rows = [{"sample": s, "phase": p, "matched_peaks": 3 + i % 4, "lines_expected": 8, "score": 0.5 + 0.05 * (i % 9),
             "mean_abs_delta": 0.01, "present": True} for i, (s, p) in enumerate((s, p) for s in labels for p in phases)]
    results = tmp_path / "results"
    results.mkdir()
    pd.DataFrame(rows).to_csv(results / "phases.csv", index=False)
    cells = [{"sample": s, "phase": p, "a": 5.0 + 0.1 * k, "a_sigma": 0.001, "b": None, "b_sigma": None,
              "c": 7.0 + 0.1 * k, "c_sigma": 0.002} for s in labels for k, p in enumerate(phases[:4])]
    pd.DataFrame(cells).to_csv(results / "cells.csv", index=False)
    fake = types.SimpleNamespace(techniques={"01_xrd_indexing": labels})
    comp = study_mod.Comparison()
    saved = []
    real_save = study_mod._save

    def keep(comp_, fig, out, name, heading, caption):  # check the very figure that is saved, then save it
        real_save(comp_, fig, out, name, heading, caption)
        FigureCanvasAgg(fig)  # _save closed it: a canvas again, to measure the figure as it was saved
        saved.append((name, fig, layout.tick_overlaps(fig)))

    study_mod._save = keep
    try:
        study_mod._xrd_panels(fake, results, None, comp, tmp_path / "comparison")
    finally:
        study_mod._save = real_save
    assert [name for name, _fig, _ in saved] == ["xrd_phases", "xrd_cells"]
    for name, fig, ticks in saved:
        assert ticks == [], f"{name}: " + "; ".join(f"{o.label!r} meets {o.what!r}" for o in ticks)
        assert imread(tmp_path / "comparison" / f"{name}.png").shape[0] > 0
        plt.close(fig)
    phase_map = saved[0][1]
    ticks = [t.get_text() for t in phase_map.axes[0].get_xticklabels()]
    assert sorted(ticks) == sorted(phase_name(p, mathtext=True) for p in phases)
    assert "Na$_{3}$PS$_{4}$ (P$\\bar{4}$2$_{1}$c)" in ticks and not any("_" in t.replace("$_{", "") for t in ticks)
    cell_legend = [t.get_text() for t in saved[1][1].axes[0].get_legend().get_texts()]
    assert phase_name(phases[0], mathtext=True) in cell_legend and phases[0] not in cell_legend
    # the tables of the index read the typeset names
    tables = dict(comp.tables)
    assert set(tables["XRD phases"].index.get_level_values("phase")) == {phase_name(p) for p in phases}
    assert "Na₃PS₄ (P4̄2₁c)" in set(tables["XRD phases"].index.get_level_values("phase"))
    # the layout record holds a row for both figures, none of them a tick overlap
    with open(tmp_path / "comparison" / "layout.csv", newline="", encoding="utf-8") as fh:
        record = list(csv.DictReader(fh))
    assert {r["figure"] for r in record} == {"xrd_phases", "xrd_cells"}
    assert not [r for r in record if r["kind"] == "tick"]


def test_tick_overlaps_finds_crowded_labels_and_fit_tick_labels_separates_them():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakit import layout

    fig, ax = plt.subplots(figsize=(3, 2.5))
    names = [f"a long sample label {i}" for i in range(8)]
    ax.bar(range(8), range(1, 9))
    ax.set_xticks(range(8), names)
    crowded = layout.tick_overlaps(fig)
    assert len(crowded) >= 7 and all(o.kind == "tick" for o in crowded)  # each meets at least its neighbour
    assert layout.fit_tick_labels(fig) == []
    assert layout.tick_overlaps(fig) == []
    assert all(t.get_rotation() == 90 for t in ax.get_xticklabels())
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(3, 1.2))  # 30 rows in 1.2 inch: only a taller figure separates them
    ax.barh(range(30), range(30))
    ax.set_yticks(range(30), [f"row {i}" for i in range(30)])
    assert layout.tick_overlaps(fig)
    assert layout.fit_tick_labels(fig, max_grow=6.0) == []
    assert fig.get_size_inches()[1] > 1.2
    plt.close(fig)


def test_comparison_marks_flagged_values_in_bars_tables_and_captions(tmp_path):
    """A flagged headline value (a BJH peak of a loop-less isotherm) is hatched in its bar panel,
    named in the caption, and marked ⚑ with its reason in the index table; unflagged values are not."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import xarray as xr
    from matplotlib.container import BarContainer

    from nakit import study as study_mod

    why = "no hysteresis loop: the distribution is indicative only"
    ds = xr.Dataset({
        "bjh_peak_diameter": ("sample", np.array([4.0, 6.9]), {"units": "nm", "long_name": "BJH peak diameter"}),
        "bjh_peak_diameter_flags": ("sample", np.array(["", why], dtype=object)),
        "bet_area": ("sample", np.array([1000.1, 79.9]), {"units": "m2/g", "long_name": "BET area"}),
        "bet_area_sigma": ("sample", np.array([2.4, 0.3]), {"units": "m2/g", "long_name": "BET area"}),
        # a flagged value that is missing: no bar to hatch, "not computed" in the caption, the reason in the table
        "pore_volume": ("sample", np.array([0.9, np.nan]), {"units": "cm3/g", "long_name": "pore volume"}),
        "pore_volume_flags": ("sample", np.array(["", "above the last point"], dtype=object)),
    }, coords={"sample": ("sample", np.array(["host", "filled host"], dtype=object))})
    comp = study_mod.Comparison()
    hatches = {}
    real_save = study_mod._save

    def keep(comp_, fig, out, name, heading, caption):
        for ax in fig.axes:
            hatches[ax.get_xlabel()] = [bar.get_hatch() for c in ax.containers if isinstance(c, BarContainer)
                                        for bar in c]
        real_save(comp_, fig, out, name, heading, caption)

    study_mod._save = keep
    try:
        study_mod._bar_panels(comp, ds, tmp_path, ["bet_area", "pore_volume", "bjh_peak_diameter"], "sorption",
                              "N2 sorption", "x")
    finally:
        study_mod._save = real_save
    (heading, png, caption), = comp.figures
    from nakit import plotting

    plotting.wait_for_figures()  # the panel's files are written by the background writer
    assert png.is_file()
    assert hatches["BJH peak diameter (nm)"] == [None, "///"] and hatches["BET area (m2/g)"] == [None, None]
    assert f"hatched, flagged: filled host (BJH peak diameter: {why})." in caption and "(2 samples)" in caption
    assert "no bar: not computed" in caption and "above the last point" not in caption
    table, present = study_mod._frame_of(ds, ["bet_area", "bet_area_sigma", "bjh_peak_diameter"])
    shown = study_mod._formatted(ds, table, present)
    assert shown.loc["filled host", "BJH peak diameter (nm)"] == "6.900 ⚑"
    assert shown.loc["host", "BJH peak diameter (nm)"] == "4"
    assert shown.loc["filled host", "BET area (m2/g)"] == "79.9 ± 0.3"
    assert shown.loc["filled host", "flags (⚑)"] == f"BJH peak diameter: {why}"
    assert shown.loc["host", "flags (⚑)"] == ""


# -- the cycling comparison over real cycler files: doubtful CE marked, mass-less cells kept ----------

@pytest.mark.notebooks
@pytest.mark.peer
def test_cycling_comparison_marks_doubtful_ce_and_keeps_massless_cells(tmp_path):
    """Two real cells: a LAND export with an active mass and a Neware export without one, whose
    first cycle's Coulombic efficiency (1465 %: the half-cycles do not pair) is flagged doubtful.
    The CE panel marks it as a cross on the edge of an axis scaled to the undoubted values, with
    its number; the rate panel shows both cells, in mA and mAh, not the mass-less one dropped."""

    import numpy as np
    import xarray as xr
    import yaml

    from nakit import cycling

    land = _peer_path(("echem", "cellpy", "custom_data_002.xlsx"))
    neware = _peer_path(("echem", "cellpy", "nw_regular_export_ife_example.csv"))
    rate_file = land  # the LAND rate test again, read without a mass (custom_data_003 starts mid-cycle)
    study = {"title": "Two cells", "samples": [
        {"label": "LAND cell", "cycling": {"file": land, "rate_file": land, "active_mass_mg": 2.0}},
        {"label": "Neware cell", "cycling": {"file": neware, "rate_file": rate_file}}]}
    path = tmp_path / "cells.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    summary = run_study(path, workers=1)
    assert summary.ok, summary.describe()
    # the library's own verdict on the Neware file: cycle 1 doubtful, far above 100 %
    s = cycling.summarise(cycling.read_cycling(neware), None)
    odd = np.flatnonzero(s["ce_doubtful"].values == 1)
    assert odd.size == 1
    ce_odd = float(s["coulombic_efficiency"][odd[0]])
    assert ce_odd > 1000
    undoubted = s["coulombic_efficiency"].values[s["ce_doubtful"].values == 0]
    html_text = (summary.output / "index.html").read_text(encoding="utf-8")
    cycling_svg = summary.output / "comparison" / "cycling.svg"
    svg = cycling_svg.read_text(encoding="utf-8")
    # the number of the off-scale doubtful CE is written beside its cross, and the caption names it
    assert f"{ce_odd:.4g} %" in svg
    assert f"Neware cell cycle {int(s['cycle'][odd[0]])}: {ce_odd:.4g} %" in html_text
    assert "Crosses" in html_text and "CE doubtful (kept; see flags)" in svg
    # the CE axis is scaled to the undoubted values: no tick anywhere near 1465 %
    texts = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    ce_panel = texts[len(texts) - texts[::-1].index("cycle"):texts.index("Coulombic efficiency (%)")]
    ce_ticks = [float(t.replace("−", "-")) for t in ce_panel]
    assert ce_ticks and max(ce_ticks) < max(np.nanmax(undoubted), 100.0) * 1.2
    # the capacity over cycles is in mAh for both (one cell has no mass), named so
    assert "discharge capacity (mAh)" in svg and "Neware cell" in svg
    # the rate panel keeps the mass-less cell, in absolute units, said so
    rate_svg = (summary.output / "comparison" / "rate.svg").read_text(encoding="utf-8")
    assert "Neware cell" in rate_svg and "LAND cell" in rate_svg
    assert "discharge capacity (mAh)" in rate_svg and "mAh g" not in rate_svg
    assert "in mAh, not per gram: Neware cell states no active mass" in html_text
    rate = xr.open_dataset(next(p for p in summary.output.rglob("rate.nc") if "04_cycling" in str(p)))
    assert rate["discharge_capacity"].sel(sample="Neware cell").isnull().all()


def test_cycles_panel_leaves_out_incomplete_cycles_and_marks_doubtful_ce(tmp_path, monkeypatch):
    """A hand-made cycles.nc: cycle 3 of A is incomplete (its CE must not be drawn), cycle 1 of
    B is doubtful at 250 % (a cross on the edge of a 95-100 % axis, its number beside it)."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import xarray as xr

    from nakit import study as st

    ce = np.array([[98.0, 99.0, 40.0, 99.5], [250.0, 97.0, 98.5, 99.0]])
    q = np.array([[100.0, 98.0, np.nan, 96.0], [2.0, 1.9, 1.8, 1.7]])
    c = xr.Dataset({
        "discharge_capacity": (("sample", "cycle"), np.where([[1], [0]], q, np.nan), {"units": "mAh/g"}),
        "absolute_discharge_capacity": (("sample", "cycle"), q * [[0.002], [1.0]], {"units": "mAh"}),
        "coulombic_efficiency": (("sample", "cycle"), ce, {"units": "%"}),
        "ce_doubtful": (("sample", "cycle"), [[0, 0, 0, 0], [1, 0, 0, 0]], {"units": "1"}),
        "cycle_complete": (("sample", "cycle"), [[1, 1, 0, 1], [1, 1, 1, 1]], {"units": "1"}),
    }, coords={"sample": ["A", "B"], "cycle": [1, 2, 3, 4]})
    shown = {}

    def keep(comp, fig, out, name, heading, caption):
        shown["fig"], shown["caption"] = fig, caption

    monkeypatch.setattr(st, "_save", keep)
    st._cycles_panel(c, st.Comparison(), tmp_path)
    fig, caption = shown["fig"], shown["caption"]
    ce_ax = fig.axes[1]
    points = {(round(x), round(y, 3)) for line in ce_ax.lines for x, y in line.get_xydata() if np.isfinite(y)}
    assert (3, 40.0) not in points               # the incomplete cycle is left out
    assert (1, 250.0) not in points               # the doubtful CE is not drawn at its value...
    lo, hi = ce_ax.get_ylim()
    assert 90 < lo < 97 and 100 < hi < 102      # ...the axis follows the undoubted values
    crosses = [line for line in ce_ax.lines if line.get_marker() == "x" and len(line.get_xdata())]
    assert [(float(line.get_xdata()[0]), float(line.get_ydata()[0])) for line in crosses] == [(1.0, hi)]
    assert crosses[0].get_color() == "C1"        # in B's colour
    assert [t.get_text() for t in ce_ax.texts] == ["250 %"]
    assert "B cycle 1: 250 %" in caption and "Left out: 1 cycle with a half-cycle missing" in caption
    assert "in mAh, not per gram: B states no active mass" in caption
    assert fig.axes[0].get_ylabel() == "discharge capacity (mAh)"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_index_banner_names_only_the_stand_in_samples_of_a_mixed_study(tmp_path):
    import yaml

    from nakit.paths import data_dir
    from nakit.study import Comparison, write_index
    from tests.peer import peer_file

    def index(samples):
        path = tmp_path / f"s{len(list(tmp_path.glob('*.yaml')))}.yaml"
        path.write_text(yaml.safe_dump({"title": "t", "samples": samples}), encoding="utf-8")
        study = load_study(path)
        comp = Comparison(nc=study.output / "comparison.nc", csv=study.output / "comparison.csv")
        study.output.mkdir(parents=True, exist_ok=True)
        banners = re.findall(r"<p class='banner'>(.*?)</p>", write_index(study, [], comp, None).read_text("utf-8"))
        return study, banners

    stand = str(data_dir() / "sorption" / "cmk3.aif")
    real = str(peer_file("sorption", "aif-examples", "Sample_G.aif_tst"))
    study, banners = index([{"label": "stand-in", "sorption": stand}, {"label": "Sample G", "sorption": real}])
    assert study.stand_ins == ["stand-in"] and len(banners) == 1
    assert "stand-in" in banners[0] and "Sample G" not in banners[0] and "every input" not in banners[0]
    study, banners = index([{"label": "Sample G", "sorption": real}])
    assert study.stand_ins == [] and banners == []
    study, banners = index([{"label": "stand-in", "sorption": stand}])
    assert study.stand_ins == ["stand-in"] and len(banners) == 1 and "data/README.md" in banners[0]
    # measured samples whose notebooks also read data/ (XRD reference structures, Raman's default
    # calibration spectrum) are not called synthesised
    study, banners = index([
        {"label": "Film", "xrd": {"file": str(peer_file("xrd", "xylib", "Cu3Au-1.raw")), "wavelength": "Cu"}},
        {"label": "Flake", "raman": str(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))}])
    assert study.synthesised and study.stand_ins == [] and banners == []


def test_raman_comparison_marks_flagged_band_fits(tmp_path):
    """A band the notebook flagged (PS film: a 0.5 cm-1 wide band whose height is not above zero) is
    marked in the index's Raman table and named in the panel's caption; unflagged bands are not."""
    import pandas as pd
    import xarray as xr

    from nakit import study as study_mod

    results = tmp_path / "results"
    results.mkdir()
    why = "band 1035: sigma at its bound; band 1035: height 1.73e+04 +/- 1.6e+07 is not significantly above zero"
    pd.DataFrame([
        {"sample": "PS film", "band": "band 1006", "center": 1005.0, "center_sigma": 0.34, "fwhm": 9.1,
         "assignment": "unassigned", "flags": ""},
        {"sample": "PS film", "band": "band 1035", "center": 1036.4, "center_sigma": 1.7, "fwhm": 0.5,
         "assignment": "unassigned", "flags": why},
    ]).to_csv(results / "bands.csv", index=False)
    comp = study_mod.Comparison()
    study_mod._raman_panels(None, results, xr.Dataset(), comp, tmp_path / "comparison")
    (heading, table), = comp.tables
    assert heading == "Raman bands"
    assert list(table["center"]) == ["1005.0 ± 0.3", "1036.4 ± 1.7 ⚑"]
    assert list(table["flags (⚑)"]) == ["", why]
    caption = next(c for heading, _png, c in comp.figures if heading == "Raman bands")
    assert "flagged fits (⚑ in the table): PS film: band 1035." in caption
    # without flags (an older bands.csv, or none flagged): no flags column, caption as before
    pd.read_csv(results / "bands.csv").drop(columns="flags").to_csv(results / "bands.csv", index=False)
    comp = study_mod.Comparison()
    study_mod._raman_panels(None, results, xr.Dataset(), comp, tmp_path / "comparison2")
    (_, table), = comp.tables
    assert "flags (⚑)" not in table and not any("⚑" in str(v) for v in table["center"])


def test_panels_with_nothing_to_draw_are_left_out_with_a_note(tmp_path, monkeypatch):
    """A study whose only cell was charged once, and whose only spectrum has no band, drew an empty
    capacity panel (seaborn's and matplotlib's warnings in the terminal) and a band panel of
    "0 bands, 0 spectra": each is now left out, and the index says why."""
    import warnings

    import numpy as np
    import pandas as pd
    import xarray as xr

    from nakit import study as st

    drawn = []
    monkeypatch.setattr(st, "_save", lambda comp, fig, out, name, heading, caption: drawn.append(name))
    c = xr.Dataset({
        "discharge_capacity": (("sample", "cycle"), [[np.nan]], {"units": "mAh/g"}),
        "coulombic_efficiency": (("sample", "cycle"), [[np.nan]], {"units": "%"}),
        "cycle_complete": (("sample", "cycle"), [[0]], {"units": "1"}),
    }, coords={"sample": ["charge only"], "cycle": [1]})
    comp = st.Comparison()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        st._cycles_panel(c, comp, tmp_path)
    assert comp.notes == ["cycling: no cell has a complete cycle (1 cycle with a half-cycle missing or cut short), "
                          "so no capacity-over-cycles panel"]
    results = tmp_path / "results"
    results.mkdir()
    pd.DataFrame(columns=["sample", "band", "center", "center_sigma", "fwhm"]).to_csv(results / "bands.csv", index=False)
    comp = st.Comparison()
    st._raman_panels(None, results, xr.Dataset(), comp, tmp_path / "comparison")
    assert comp.notes[0] == ("raman: no band was fitted in any spectrum (the report says why), so no band-position "
                             "panel") and comp.tables == [] and drawn == []


def test_two_samples_reading_the_same_data_the_same_way_are_noted(tmp_path):
    """A path copied from one sample to the next (or a file copied under another name) gives two
    labels one result: noted when the study is loaded, and first among the index's notes; the same
    file read another way (another range of a multi-range scan) is not noted."""
    import shutil

    import yaml

    from nakit.paths import data_dir
    from tests.peer import peer_file

    shutil.copyfile(data_dir() / "xrd" / "annealed.raw", tmp_path / "a.raw")
    shutil.copyfile(data_dir() / "xrd" / "annealed.raw", tmp_path / "b.raw")
    multi = str(peer_file("xrd", "xylib", "format1.raw"))
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({"title": "t", "samples": [
        {"label": "S1", "xrd": "a.raw"}, {"label": "S2", "xrd": "b.raw"}, {"label": "S2 again", "xrd": "b.raw"},
        {"label": "range 0", "xrd": {"file": multi, "scan": 0}}, {"label": "range 1", "xrd": {"file": multi, "scan": 1}},
        {"label": "quenched", "xrd": str(data_dir() / "xrd" / "quenched.raw")}]}), encoding="utf-8")
    study = load_study(tmp_path / "s.yaml")
    assert study.notes == ["xrd: S1, S2 and S2 again read the same data the same way (a.raw and b.raw): their results "
                           "will be the same. One file given twice, or a copy of one under another name?"]
    # in the index: beside the samples ("To check"), not among the panels not drawn
    from nakit.study import Comparison, write_index

    study.output.mkdir(parents=True, exist_ok=True)
    comp = Comparison(nc=study.output / "comparison.nc", csv=study.output / "comparison.csv",
                      notes=["raman: no sample has an entry for it, so no raman panel"])
    page = write_index(study, [], comp, None).read_text(encoding="utf-8")
    to_check, not_shown = page.split("<h3>To check</h3>")[1].split("</ul>")[0], page.split("<h3>Not shown</h3>")[1]
    assert "read the same data the same way" in to_check and "read the same data" not in not_shown
    assert "no raman panel" in not_shown


def test_the_same_list_of_files_under_two_labels_is_noted(tmp_path):
    import yaml

    from nakit.paths import data_dir

    files = [str(data_dir() / "eis" / f"ball_milled_cycle{c:02d}.z") for c in (1, 10)]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({"title": "t", "samples": [
        {"label": "cell 1", "eis": {"files": files, "cycles": [1, 10]}},
        {"label": "cell 2", "eis": {"files": files, "cycles": [1, 10]}},
        {"label": "cell 3", "eis": {"files": files[:1], "cycles": [1]}}]}), encoding="utf-8")
    assert load_study(tmp_path / "s.yaml").notes == [
        "eis: cell 1 and cell 2 read the same data the same way (ball_milled_cycle01.z and ball_milled_cycle10.z): "
        "their results will be the same. One file given twice, or a copy of one under another name?"]


def test_a_sample_keeps_its_colour_in_every_comparison_panel(tmp_path):
    """Colours went by a sample's place in each panel: a sample without an isotherm shifted the
    colours of the samples after it, so one sample was green in one panel and orange in the next."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import xarray as xr
    from matplotlib.colors import to_hex
    from matplotlib.container import BarContainer

    from nakit import study as study_mod

    ds = xr.Dataset({"bet_area": ("sample", np.array([500.0, np.nan, 80.0]), {"units": "m2/g", "long_name": "BET area"})},
                    coords={"sample": ("sample", np.array(["A", "B (no isotherm)", "C"], dtype=object))})
    comp = study_mod.Comparison(labels=["A", "B (no isotherm)", "C"])
    colours = {}
    real_save = study_mod._save

    def keep(comp_, fig, out, name, heading, caption):
        bars = [c for c in fig.axes[0].containers if isinstance(c, BarContainer)]
        colours.update({label: to_hex(c[0].get_facecolor()) for label, c in zip(["A", "C"], bars)})
        real_save(comp_, fig, out, name, heading, caption)

    study_mod._save = keep
    try:
        study_mod._bar_panels(comp, ds, tmp_path, ["bet_area"], "sorption", "N2 sorption", "x")
    finally:
        study_mod._save = real_save
    from nakit import plotting

    plotting.use_style()
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert colours == {"A": to_hex(cycle[0]), "C": to_hex(cycle[2])}  # C is the study's third sample
    assert study_mod._sample_colours(comp, ["C", "A"]) == {"C": "C2", "A": "C0"}
    plotting.wait_for_figures()


def test_rate_and_arrhenius_panels_colour_a_sample_as_every_other_panel(tmp_path):
    """The rate and Arrhenius panels coloured by place in the panel: with the study's first sample
    absent from them, the second took the first's colour there and kept its own everywhere else."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import xarray as xr
    from matplotlib.colors import to_hex

    from nakit import plotting
    from nakit import study as study_mod

    plotting.use_style()
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    labels = ["A (no cell)", "B", "C"]
    comp = study_mod.Comparison(labels=labels)
    cells = np.array(["C", "B"], dtype=object)  # neither in the study's order
    rate = xr.Dataset({"current_density": (("sample", "step"), [[50.0, 100.0], [50.0, 100.0]], {"units": "mA/g"}),
                       "discharge_capacity": (("sample", "step"), [[800.0, 600.0], [700.0, 500.0]],
                                              {"units": "mAh/g"})},
                      coords={"sample": cells, "step": [1, 2]})
    arrhenius = xr.Dataset({"conductivity": (("sample", "temperature"), [[1e-4, 2e-4], [3e-4, 5e-4]],
                                             {"units": "S/cm"})},
                           coords={"sample": cells, "temperature": ("temperature", [25.0, 60.0], {"units": "degC"})})
    arrhenius.to_netcdf(tmp_path / "arrhenius.nc")
    drawn = {}
    real_save = study_mod._save

    def keep(comp_, fig, out, name, heading, caption):
        drawn[name] = {line.get_label().split(":")[0]: to_hex(line.get_color())
                       for line in fig.axes[0].get_legend().get_lines()}
        real_save(comp_, fig, out, name, heading, caption)

    study_mod._save = keep
    try:
        study_mod._rate_panel(rate, comp, tmp_path)
        study_mod._eis_panels(None, tmp_path, xr.Dataset(coords={"sample": cells}), comp, tmp_path)
    finally:
        study_mod._save = real_save
    plotting.wait_for_figures()
    expected = {"B": to_hex(cycle[1]), "C": to_hex(cycle[2])}
    assert drawn == {"rate": expected, "arrhenius": expected}


def test_rate_panel_of_cells_at_different_currents_draws_each_point_at_its_current(tmp_path):
    """Cells that ran other currents were drawn by step number over 'rate step (currents differ
    between cells)', with no current anywhere (the LAND cell's 158-1800 mA/g beside a Neware
    cell's 102-472 mA/g)."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import xarray as xr

    from nakit import plotting
    from nakit import study as study_mod

    plotting.use_style()
    comp = study_mod.Comparison(labels=["LAND", "Neware"])
    rate = xr.Dataset({"current_density": (("sample", "step"), [[158.2, 360.0, 1800.0], [102.3, 472.3, np.nan]],
                                           {"units": "mA/g"}),
                       "discharge_capacity": (("sample", "step"), [[380.0, 300.0, 120.0], [350.0, 240.0, np.nan]],
                                              {"units": "mAh/g"})},
                      coords={"sample": np.array(["LAND", "Neware"], dtype=object), "step": [1, 2, 3]})
    drawn = {}
    real_save = study_mod._save

    def keep(comp_, fig, out, name, heading, caption):
        ax = fig.axes[0]
        fig.canvas.draw()
        drawn.update(scale=ax.get_xscale(), label=ax.get_xlabel(),
                     ticks=[t.get_text() for t in ax.get_xticklabels() if t.get_text()],
                     minor=[t.get_text() for t in ax.get_xticklabels(minor=True) if t.get_text()],
                     x=sorted(list(map(float, line.get_xdata())) for line in ax.get_lines() if len(line.get_xdata()) > 1))
        real_save(comp_, fig, out, name, heading, caption)

    study_mod._save = keep
    try:
        study_mod._rate_panel(rate, comp, tmp_path)
    finally:
        study_mod._save = real_save
    plotting.wait_for_figures()
    assert drawn["scale"] == "log" and drawn["label"].endswith("(the cells ran different currents)")
    assert drawn["label"].startswith("current density (mA g")
    assert drawn["x"] == [[102.3, 472.3], [158.2, 360.0, 1800.0]]  # each cell's points at its currents
    # plain 1-2-5 labels, none on the minor ticks (they ran into each other: 3×10⁻¹4×10⁻¹)
    assert set(drawn["ticks"]) >= {"200", "500", "1000"} and drawn["minor"] == []
