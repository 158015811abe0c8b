"""Every notebook: committed clean, parameterised, and reproducing its claims on the shipped data.

The session fixture runs ``nakit reproduce`` once into a temporary folder (technique notebooks
in parallel, then the paper-figure composer); the tests then read what each notebook recorded.
A second session fixture runs the same samples as a study without a claims list (conftest
``default_study``): its reports must not speak of the paper, and its files must equal the
reproduction's.
"""

import csv
import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from nakit.claims import load_claims
from nakit.paths import notebooks_dir
from nakit.runner import INPUT_SUFFIXES, notebook_defaults
from tests.peer import peer_file
from tests.reporttext import visible_text

NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
#: every technique notebook, for the checks that need no kernel (01 and 04 run in test_notebooks_own_study)
TECHNIQUE_NOTEBOOKS = ("01_xrd_indexing", "02_bet_bjh", "03_raman_assignment", "04_cycling", "05_eis_fitting")
PAPER_WORDS = ("CMK-3", "composite", "Na2S", "Fig.", "paper")


def _sample_files(defaults):
    """Every input path a notebook's defaults name: ``*_file(s)`` parameters and sample ``file(s)`` keys."""
    for name, value in defaults.items():
        if name.endswith(INPUT_SUFFIXES) and value:
            yield from value if isinstance(value, list) else [value]
        if name == "samples" and isinstance(value, list):
            for sample in value:
                for key, v in sample.items():
                    if key.endswith(("file", "files")) and v:
                        yield from v if isinstance(v, list) else [v]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_is_clean_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "stored outputs"
    assert nb.metadata["kernelspec"]["name"] == "nakit"
    assert nb.metadata["kernelspec"]["display_name"] == "Python (nakit)"
    assert "import nakit" in code[0].source and "ImportError" in code[0].source, \
        "first code cell must check that nakit imports, with a message saying how to get it"
    assert "parameters" in code[1].metadata.get("tags", []), "second code cell must be tagged parameters"
    for i, c in enumerate(code):  # a cell that does not even parse fails every run, paper or not
        python = "\n".join(line for line in c.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            compile(python, f"{path.name} code cell {i}", "exec")
        except SyntaxError as exc:
            pytest.fail(f"{path.name}, code cell {i}: {exc}")
    defaults = notebook_defaults(path)
    assert "output_dir" in defaults
    for v in _sample_files(defaults):
        assert (path.parent / v).is_file(), f"default input {v!r} does not exist"


@pytest.mark.parametrize("stem", TECHNIQUE_NOTEBOOKS)
def test_sample_notebooks_take_title_samples_and_claims_file(stem):
    defaults = notebook_defaults(notebooks_dir() / f"{stem}.ipynb")
    assert defaults["title"] == "" and defaults["claims_file"] is None
    labels = [s["label"] for s in defaults["samples"]]
    assert len(labels) == len(set(labels)) >= 2


def test_import_check_cell_explains_a_missing_nakit(tmp_path):
    """The first cell, run where nakit cannot be imported, raises an ImportError saying what to do."""
    import subprocess
    import sys

    source = nbformat.read(notebooks_dir() / "02_bet_bjh.ipynb", as_version=4).cells[0].source
    blocker = tmp_path / "nakit.py"
    blocker.write_text("raise ImportError('simulated: not installed')\n")
    run = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert run.returncode != 0
    assert "Python (nakit)" in run.stderr and "pip install" in run.stderr


@pytest.fixture(scope="session")
def paper_run(paper_reproduction):
    return paper_reproduction


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_reproduces_its_claims(paper_run, path):
    result = next(r for r in paper_run.results if r.name == path.stem)
    assert result.ok, result.error
    out = Path(result.output_dir)
    html = (out / f"{path.stem}.html").read_text(encoding="utf-8")
    expected = {c.id: c.expected for c in load_claims().values() if c.notebook == path.stem}
    if expected:
        rows = {r["id"]: r for r in csv.DictReader(open(out / "claims.csv", encoding="utf-8"))}
        assert set(rows) == set(expected)
        got = {cid: rows[cid]["status"] for cid in rows}
        wrong = {cid: (got[cid], expected[cid], rows[cid]["nakit_value"], rows[cid]["paper_value"])
                 for cid in expected if got[cid] != expected[cid]}
        assert not wrong, f"status (got, expected, nakit, paper): {wrong}"
        for cid, row in rows.items():
            if row["status"] == "flagged":
                assert row["flag"], f"{cid} flagged without a reason"
    prov = json.loads((out / "provenance.json").read_text())
    for name, digest in prov["input_files"].items():
        assert hashlib.sha256(Path(name).read_bytes()).hexdigest() == digest
    if prov["input_files"]:
        assert "Synthesised stand-in data" in html


@pytest.mark.notebooks
def test_paper_index_and_ledger(paper_run):
    assert paper_run.ok, paper_run.describe()
    index = paper_run.index.read_text(encoding="utf-8")
    assert "Synthesised stand-in data" in index
    for r in paper_run.results:
        assert f"{r.name}.html" in index
    rows = list(csv.DictReader(open(paper_run.ledger, encoding="utf-8")))
    assert [r["id"] for r in rows] == list(load_claims())


@pytest.mark.notebooks
def test_second_run_is_skipped(paper_run):
    from nakit.reproduce import reproduce

    stamp = paper_run.index.stat().st_mtime_ns
    warm = reproduce(output=paper_run.output, workers=2)
    assert {r.status for r in warm.results} == {"skipped"}
    assert paper_run.index.stat().st_mtime_ns == stamp


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*")
            if p.is_file() and p.suffix in {".nc", ".csv", ".png", ".svg", ".pdf"}}


@pytest.mark.notebooks
def test_an_independent_run_of_every_technique_notebook_gives_the_same_bytes(paper_run, default_study):
    """The same samples and files run as a study of one's own (another folder, another process, no
    claims list): every result, table and figure file that both runs write is the same bytes."""
    compared = {}
    for result in default_study.results:
        mine = _digests(Path(result.output_dir))
        paper = _digests(paper_run.output / result.name)
        shared = sorted(set(mine) & set(paper) - {"claims.csv"})
        changed = [name for name in shared if mine[name] != paper[name]]
        assert not changed, f"{result.name}: not deterministic: {changed}"
        compared[result.name] = shared
    assert sorted(compared) == sorted(TECHNIQUE_NOTEBOOKS)
    for stem, shared in compared.items():  # every notebook's results and figures were compared, not a few files
        assert any(n.startswith("results/") for n in shared) and any(n.endswith(".png") for n in shared), stem
        assert any(n.endswith((".pdf", ".svg")) for n in shared), stem


@pytest.mark.notebooks
def test_every_paper_figure_is_gathered(paper_run):
    from nakit.paperfigs import PAPER_FIGURES, figure_ids

    figs = paper_run.output / "figures"
    covered = set().union(*(figure_ids(p.stem) for p in figs.glob("*.png")))
    assert sorted(set(PAPER_FIGURES) - covered) == []
    for png in figs.glob("*.png"):
        assert png.with_suffix(".svg").exists() or png.with_suffix(".pdf").exists()


def test_figure_ids_from_names():
    from nakit.paperfigs import figure_ids

    assert figure_ids("fig4a-c_cycling") == {"4a", "4b", "4c"}
    assert figure_ids("figS2_S3_ballmilled_xrd") == {"S2", "S3"}
    assert figure_ids("fig2ab") == {"2a", "2b"}
    assert figure_ids("figs13_arrhenius") == {"S13"}
    assert figure_ids("figure_of_merit") == set()


def _own_run(tmp_path, stem, overrides):
    """Run a technique notebook on real peer files with the user's own labels and no claims list."""
    from nakit.runner import execute

    result = execute(notebooks_dir() / f"{stem}.ipynb", tmp_path / stem, overrides)
    assert result.ok, result.error
    out = Path(result.output_dir)
    html = visible_text((out / f"{stem}.html").read_text(encoding="utf-8"))
    found = [w for w in PAPER_WORDS if w.lower() in html.lower()]
    assert not found, f"paper words in a report without a claims list: {found}"
    for bad in ("PosixPath", "<Figure", "Traceback", "ipykernel_"):
        assert bad not in html
    assert not (out / "claims.csv").exists()
    headline = list(csv.DictReader(open(out / "results" / "headline.csv", encoding="utf-8")))
    labels = [s["label"] for s in overrides["samples"]]
    assert [r for r in labels if r not in html] == []
    assert list(dict.fromkeys(r["sample"] for r in headline)) == labels
    captions = (out / "figures" / "captions.csv").read_text(encoding="utf-8")
    assert all(Path(s.get("file", "x")).name not in captions for s in overrides["samples"])
    return out, {(r["sample"], r["key"]): r for r in headline}


@pytest.mark.notebooks
def test_own_samples_raman(tmp_path):
    from nakit.raman import carbon_analysis, despike, read_raman

    ps = peer_file("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt")
    si = peer_file("raman", "silicon__ramanfitting_Si_spectrum01.txt")
    c = peer_file("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt")
    samples = [{"label": "PS standard", "file": str(ps), "laser_wavelength": 532.0},
               {"label": "Si wafer", "file": str(si), "window": [480.0, 560.0]},
               {"label": "Soot A", "file": str(c)}]  # analysis "auto": its D and G bands make it carbon
    out, rows = _own_run(tmp_path, "03_raman_assignment",
                         {"samples": samples, "calibration_file": None, "laser_wavelength": None})
    carbon = carbon_analysis(despike(read_raman(c)))
    assert float(rows["Soot A", "d_to_g_ratio"]["value"]) == pytest.approx(carbon.id_ig, rel=1e-9)
    # polystyrene's ring-breathing band (1001.4 cm-1, ASTM E1840) and silicon's 520.7 cm-1, on uncalibrated axes
    ps_centres = [float(r["value"]) for (label, key), r in rows.items() if label == "PS standard"]
    assert min(abs(x - 1001.4) for x in ps_centres) < 1.5
    si_centres = [float(r["value"]) for (label, key), r in rows.items() if label == "Si wafer"]
    assert len(si_centres) == 1 and abs(si_centres[0] - 520.7) < 2
    bands = list(csv.DictReader(open(out / "results" / "bands.csv", encoding="utf-8")))
    assert {b["sample"] for b in bands} == {"PS standard", "Si wafer", "Soot A"}


@pytest.mark.parametrize("stem", TECHNIQUE_NOTEBOOKS)
def test_markdown_is_generic_and_paper_text_is_guarded(stem):
    """Markdown cells never speak of the paper; code that does is inside `if rep.has_claims:` (a section
    that needs a claims list) or `if rep.paper_claims:` (the paper's own list: a user's list of their own
    gets no word of the paper)."""
    nb = nbformat.read(notebooks_dir() / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not [w for w in PAPER_WORDS if w in cell.source], cell.source[:80]
        elif "parameters" not in cell.metadata.get("tags", []):
            guarded = False
            for line in cell.source.splitlines():
                if line.startswith(("if rep.has_claims:", "if rep.paper_claims:")):
                    guarded = True
                elif line and not line.startswith((" ", "#")):
                    guarded = False
                if any(w in line for w in ("Fig.", "the paper", "The paper", "paper's")):
                    assert guarded, f"{stem}: paper text outside `if rep.has_claims:`: {line.strip()[:80]}"


@pytest.fixture(scope="module")
def default_run(default_study):
    """The report folder of one technique notebook in the no-claims study of the shipped stand-ins."""
    folders = {r.name: Path(r.output_dir) for r in default_study.results}
    return folders.__getitem__


@pytest.fixture(scope="module")
def default_parameters(default_study):
    """A technique notebook's parameters in that study: its defaults with the study's samples (in the
    study file's order, files absolute)."""
    jobs = {j.name: j.parameters for j in default_study.study.jobs}
    return lambda stem: notebook_defaults(notebooks_dir() / f"{stem}.ipynb") | jobs[stem]


@pytest.mark.notebooks
@pytest.mark.parametrize("stem", TECHNIQUE_NOTEBOOKS)
def test_defaults_without_claims_list_make_no_comparison(default_run, stem):
    """The shipped stand-ins without a claims list: labels only, no paper statements, no claims.csv."""
    out = default_run(stem)
    text = visible_text((out / f"{stem}.html").read_text(encoding="utf-8"))
    assert not [w for w in ("Fig.", "paper") if w.lower() in text.lower()]
    assert "Synthesised stand-in data" in text
    assert not (out / "claims.csv").exists()
    assert (out / "results" / "headline.csv").exists()


@pytest.mark.notebooks
def test_sorption_dft_headline_results(default_run, default_parameters):
    """Notebook 02 reports the DFT pore volume and modal width of every sample, as psd_dft computes them."""
    import warnings

    from nakit.sorption import read_isotherm
    from nakit.sorption.dft import psd_dft

    nb = notebooks_dir() / "02_bet_bjh.ipynb"
    defaults = default_parameters("02_bet_bjh")
    out = default_run("02_bet_bjh")
    rows = {(r["sample"], r["key"]): r for r in csv.DictReader(open(out / "results" / "headline.csv", encoding="utf-8"))}
    dft_rows = list(csv.DictReader(open(out / "results" / "dft.csv", encoding="utf-8")))
    for s in defaults["samples"]:
        with warnings.catch_warnings():  # its flags are compared below; the warnings repeat them
            warnings.simplefilter("ignore")
            want = psd_dft(read_isotherm(nb.parent / s["file"]), defaults["dft_kernel"],
                           regularisation=defaults["dft_regularisation"])
        volume, mode = rows[s["label"], "dft_pore_volume"], rows[s["label"], "dft_mode_width"]
        assert volume["unit"] == "cm3/g" and mode["unit"] == "nm"
        assert float(volume["value"]) == pytest.approx(want.attrs["total_volume"], rel=1e-9)
        assert float(mode["value"]) == pytest.approx(want.attrs["mode_width"], rel=1e-9)
        assert volume["flags"] == want.attrs.get("flag_details", "")  # every doubt of the fit reaches the headline, in words
        mine = [r for r in dft_rows if r["sample"] == s["label"]]
        assert len(mine) == want.sizes["pore_width"]
        assert float(mine[-1]["v_cumulative"]) == pytest.approx(want.attrs["total_volume"], rel=1e-9)
    assert (out / "figures" / "dft_psd.png").exists()


@pytest.mark.notebooks
def test_impedance_drt_summary_one_row_per_cell_spectrum(default_run, default_parameters):
    """Notebook 05 writes one DRT row per cell spectrum; its numbers are the DRT's and the circuit fit's."""
    import warnings

    from nakit.eis import read_eis, select_loop
    from nakit.eis.drt import drt

    nb = notebooks_dir() / "05_eis_fitting.ipynb"
    defaults = default_parameters("05_eis_fitting")
    out = default_run("05_eis_fitting")
    summary = list(csv.DictReader(open(out / "results" / "drt_summary.csv", encoding="utf-8")))
    cells = [s for s in defaults["samples"] if s.get("kind", "cell") == "cell"]
    expected = [(s["label"], f"cycle {c}") for s in cells for c in s["cycles"]]
    assert [(r["sample"], r["spectrum"]) for r in summary] == expected
    spectra_csv = out / "results" / "r_interface_spectra.csv"  # the circuit's R per spectrum
    fits = {(r["sample"], r["spectrum"]): r for r in csv.DictReader(open(spectra_csv, encoding="utf-8"))}
    for r in summary:
        key = (r["sample"], r["spectrum"])
        assert float(r["circuit_r_ohm"]) == pytest.approx(float(fits[key]["r_interface_ohm"]), rel=1e-12)
    first = summary[0]
    with warnings.catch_warnings():  # its flags are compared below; the warnings repeat them
        warnings.simplefilter("ignore")
        d = drt(select_loop(read_eis(nb.parent / cells[0]["files"][0]), "last"), lam=defaults["drt_lambda"],
                weighting=defaults["drt_weighting"])
    assert float(first["r_pol_ohm"]) == pytest.approx(d.r_pol, rel=1e-9)
    assert int(first["peaks"]) == len(d.peaks) and first["flags"] == "; ".join(d.flag_details)
    headline = {(r["sample"], r["key"]) for r in csv.DictReader(open(out / "results" / "headline.csv",
                                                                      encoding="utf-8"))}
    assert {(s["label"], "r_interface_drt") for s in cells} <= headline
