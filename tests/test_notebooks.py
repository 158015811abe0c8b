"""Every notebook: committed clean, parameterised, and reproducing its claims on the shipped data.

The session fixture runs ``nakit reproduce`` once into a temporary folder (technique notebooks
in parallel, then the paper-figure composer); the tests then read what each notebook recorded.
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

NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_is_clean_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "stored outputs"
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged parameters"
    defaults = notebook_defaults(path)
    assert "output_dir" in defaults
    for name, value in defaults.items():
        if name.endswith(INPUT_SUFFIXES):
            for v in value if isinstance(value, list) else [value]:
                assert (path.parent / v).is_file(), f"default {name}={v!r} does not exist"


@pytest.fixture(scope="session")
def paper_run(tmp_path_factory):
    from nakit.reproduce import reproduce

    out = tmp_path_factory.mktemp("paper")
    summary = reproduce(output=out, workers=2)
    return summary


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
def test_second_run_is_skipped_and_forced_run_is_identical(paper_run, tmp_path):
    from nakit.reproduce import reproduce

    warm = reproduce(output=paper_run.output, workers=2)
    assert {r.status for r in warm.results} == {"skipped"}

    def digests(root):
        files = [p for p in root.rglob("*") if p.is_file() and p.suffix in {".nc", ".csv", ".png", ".svg", ".pdf"}]
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    before = digests(paper_run.output)
    forced = reproduce(output=paper_run.output, workers=2, force=True)
    assert forced.ok and {r.status for r in forced.results} == {"ran"}
    after = digests(paper_run.output)
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert not changed, f"not deterministic: {changed}"


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
