"""One unreadable file costs its sample, not the technique: every technique notebook sets the
sample aside, names it with the reason in its report, and analyses the others; ``nakit study``
lists every unreadable file of every technique in one run and exits with status 1."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nakit import report
from nakit.batch.engine import STAMP, Job, JobResult, run_job, summarise
from nakit.errors import FileFormatError, NakitError
from nakit.paths import data_dir
from nakit.runfolder import NOT_ANALYSED, not_analysed


def _reader(bad):
    """A read(sample) that refuses the labels in ``bad`` as a reader does."""
    def read(s):
        if s["label"] in bad:
            raise FileFormatError(s["file"], "the file states no wavelength", field="header")
        return f"data of {s['label']}"
    return read


@pytest.fixture
def shown(monkeypatch):
    """What the report displays, as markdown text."""
    texts = []
    monkeypatch.setattr(report, "_display_markdown", texts.append)
    return texts


SAMPLES = [{"label": "A", "file": "a.xy"}, {"label": "B_old_", "file": "/x/_old_/b.xy"}, {"label": "C", "file": "c.xy"}]


def test_an_unreadable_sample_is_set_aside_with_its_reason_and_the_others_read(tmp_path, shown):
    rep = report.start("toy", tmp_path, samples=[s["label"] for s in SAMPLES], claims_file=None)
    got = rep.read_samples(SAMPLES, _reader({"B_old_"}))
    assert got == {"A": "data of A", "C": "data of C"}  # in the samples' order
    assert rep.not_analysed == {"B_old_": "/x/_old_/b.xy, field 'header': the file states no wavelength"}
    text = "\n".join(shown)
    assert "Not analysed (1 of 3 samples)" in text and "its file could not be read" in text
    # the path's _old_ must not become emphasis in the rendered markdown
    assert r"- **B\_old\_**: /x/\_old\_/b.xy" in text  # the label escaped as the path always was


def test_not_one_readable_sample_is_an_error_naming_every_file(tmp_path):
    rep = report.start("toy", tmp_path, samples=[s["label"] for s in SAMPLES], claims_file=None)
    with pytest.raises(NakitError) as info:
        rep.read_samples(SAMPLES, _reader({"A", "B_old_", "C"}))
    text = str(info.value)
    assert "no sample could be read" in text
    for s in SAMPLES:
        assert f"- {s['label']}: {s['file']}" in text


def test_an_exception_that_is_no_nakit_error_is_a_bug_and_propagates(tmp_path):
    rep = report.start("toy", tmp_path, samples=["A", "B_old_", "C"], claims_file=None)

    def read(s):
        raise KeyError("a bug")
    with pytest.raises(KeyError):
        rep.read_samples(SAMPLES, read)


def test_a_part_of_a_sample_is_set_aside_under_its_name_even_when_none_reads(tmp_path, shown):
    rep = report.start("toy", tmp_path, samples=["A", "B_old_", "C"], claims_file=None)
    assert rep.read_samples(SAMPLES[:1], _reader({"A"}), part="rate test") == {}
    assert list(rep.not_analysed) == ["A (rate test)"]
    assert shown[-1].startswith("**Not analysed: the rate test of A.** Its file could not be read")


def test_the_list_is_written_at_finish_and_an_old_one_removed(tmp_path):
    rep = report.start("toy", tmp_path, samples=["A", "B_old_", "C"], claims_file=None)
    rep.read_samples(SAMPLES, _reader({"C"}))
    rep.result("A", "x", 1.0)
    rep.finish()
    assert not_analysed(tmp_path) == [("C", "c.xy, field 'header': the file states no wavelength")]
    again = report.start("toy", tmp_path, samples=["A", "B_old_", "C"], claims_file=None)
    again.read_samples(SAMPLES, _reader(set()))
    again.finish()
    assert not (tmp_path / NOT_ANALYSED).exists() and not_analysed(tmp_path) == []


def test_a_claim_about_a_sample_not_analysed_says_why(tmp_path):
    claims = tmp_path / "claims.csv"
    with open(claims, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "notebook", "quantity", "paper_value", "unit", "relation", "sample", "key"])
        w.writerow(["toy.c_x", "toy", "x of C", "1.0", "", "=", "C", "x"])
    out = tmp_path / "run"
    rep = report.start("toy", out, samples=["A", "C"], claims_file=str(claims))
    rep.read_samples([{"label": "A", "file": "a"}, {"label": "C", "file": "c.xy"}], _reader({"C"}))
    rep.finish()
    row = next(csv.DictReader(open(out / "claims.csv", encoding="utf-8")))
    assert row["status"] == "not computed" and "not analysed: c.xy" in row["note"]


TOY = '''from nakit import report
from nakit.errors import FileFormatError
rep = report.start("toy", output_dir, samples=[s["label"] for s in samples], claims_file=None)
def read(s):
    if not s["file"].endswith(".ok"):
        raise FileFormatError(s["file"], "not a format nakit reads")
    return 1.0
for label, value in rep.read_samples(samples, read).items():
    rep.result(label, "x", value)
rep.finish()
'''


@pytest.mark.notebooks
def test_a_run_with_a_sample_set_aside_reruns_and_is_reported(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('samples = []\noutput_dir = "out"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(TOY)]
    nbformat.write(nb, tmp_path / "toy.ipynb")
    good, bad = tmp_path / "g.ok", tmp_path / "b.dat"
    good.write_text("1\n")
    bad.write_text("?\n")
    job = Job("toy", str(tmp_path / "toy.ipynb"), str(tmp_path / "out"),
              {"samples": [{"label": "good", "file": str(good)}, {"label": "bad", "file": str(bad)}],
               "output_dir": str(tmp_path / "out")})
    first = run_job(job)
    assert first.status == "ran" and first.ok and not first.complete, first.error
    assert first.not_analysed == [("bad", f"{bad}: not a format nakit reads")]
    # no stamp: the next run reads the file again (fixed meanwhile, or its reader installed)
    assert not (tmp_path / "out" / STAMP).exists()
    assert run_job(job).status == "ran"
    text = summarise([first])
    assert "1 sample(s) not analysed" in text and f"NOT ANALYSED in toy: bad: {bad}: not a format" in text
    rows = list(csv.DictReader(open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8")))
    assert [r["sample"] for r in rows] == ["good"]
    from nakit.batch.gather import write_summary

    page = write_summary(tmp_path, [first]).read_text(encoding="utf-8")
    assert f"not analysed: bad: {bad}: not a format nakit reads" in page
    # a failed job has no list to read (its folder was put aside)
    assert JobResult("toy", str(tmp_path / "out"), "failed").not_analysed == []


# -- every technique notebook, in one study --------------------------------------------------

def _bad_files(folder: Path) -> dict[str, Path]:
    """A file per technique that its reader refuses."""
    files = {"xrd": folder / "no_wavelength.xy", "sorption": folder / "notes.txt", "raman": folder / "isotherm.json",
             "cycling": folder / "log.csv", "eis": folder / "sweep.z"}
    files["xrd"].write_text("".join(f"{10 + 0.02 * i:.2f} {100 + i % 7}\n" for i in range(500)))
    files["sorption"].write_text("measured on Monday\nsee the lab book\n")
    files["raman"].write_text('{"material": "NaY", "adsorbate": "nitrogen"}\n')
    files["cycling"].write_text("when,what\nMonday,cell built\n")
    files["eis"].write_text("ZPLOT2 ASCII\nEnd Comments:\n")
    return files


@pytest.fixture(scope="module")
def mixed_study(tmp_path_factory):
    import yaml

    folder = tmp_path_factory.mktemp("unreadable")
    bad = _bad_files(folder)
    d = data_dir()
    study = {"title": "Good and unreadable files", "samples": [
        {"label": "good scan", "xrd": {"file": str(d / "xrd/annealed.raw"), "humps": ["kapton", "carbon"]}},
        {"label": "bad scan", "xrd": str(bad["xrd"])},
        {"label": "good carbon", "sorption": {"file": str(d / "sorption/cmk3_micromeritics.xlsx"), "material": "carbon"},
         "raman": {"file": str(d / "raman/cmk3.txt"), "analysis": "carbon"}},
        {"label": "bad isotherm", "sorption": str(bad["sorption"])},
        {"label": "bad spectrum", "raman": str(bad["raman"])},
        {"label": "good cell", "cycling": {"file": str(d / "cycling/cast_annealed_50cycles.xlsx"),
                                           "rate_file": str(bad["cycling"]), "composite_mass_mg": 5.0,
                                           "active_fraction": 0.3, "active_material": "Na2S"},
         "eis": {"kind": "cell", "cycles": [1, 10],
                 "files": [str(d / "eis/cast_annealed_cycle01.z"), str(d / "eis/cast_annealed_cycle10.z")]}},
        {"label": "bad cell", "cycling": str(bad["cycling"]),
         "eis": {"kind": "cell", "cycles": [1, 2], "files": [str(d / "eis/ball_milled_cycle01.z"), str(bad["eis"])]}},
    ]}
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    out = folder / "report"
    env = {**os.environ, "NAKIT_VERBOSITY": "0"}
    proc = subprocess.run([sys.executable, "-c", "from nakit.cli import main; main()", "study", str(path), "-o", str(out), "--workers", "2"],
                          capture_output=True, text=True, env=env, timeout=600)
    return proc, out, bad


SET_ASIDE = {"01_xrd_indexing": ["bad scan"], "02_bet_bjh": ["bad isotherm"], "03_raman_assignment": ["bad spectrum"],
             "04_cycling": ["bad cell", "good cell (rate test)"], "05_eis_fitting": ["bad cell"]}
ANALYSED = {"01_xrd_indexing": "good scan", "02_bet_bjh": "good carbon", "03_raman_assignment": "good carbon",
            "04_cycling": "good cell", "05_eis_fitting": "good cell"}


@pytest.mark.notebooks
def test_the_study_names_every_unreadable_file_at_once_and_exits_1(mixed_study):
    proc, out, bad = mixed_study
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "5 ran, 0 skipped (unchanged), 0 failed; 6 sample(s) not analysed" in proc.stdout, proc.stdout
    for stem, labels in SET_ASIDE.items():
        for label in labels:
            assert f"NOT ANALYSED in {stem}: {label}: " in proc.stdout
    for f in bad.values():
        assert str(f) in proc.stdout  # each reason names its file
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("not analysed</span>") >= 6 and "states no wavelength" in index
    assert "<td>2 (1 not analysed)</td>" in index  # XRD: two scans, one read


@pytest.mark.notebooks
@pytest.mark.parametrize("stem", sorted(SET_ASIDE))
def test_each_technique_reports_what_it_set_aside_and_analyses_the_rest(mixed_study, stem):
    _, out, bad = mixed_study
    run = out / stem
    assert [s for s, _ in not_analysed(run)] == SET_ASIDE[stem]
    html = (run / f"{stem}.html").read_text(encoding="utf-8")
    assert "Not analysed" in html
    for label in SET_ASIDE[stem]:
        assert label.split(" (")[0] in html
    rows = list(csv.DictReader(open(run / "results" / "headline.csv", encoding="utf-8")))
    assert {r["sample"] for r in rows} == {ANALYSED[stem]}
    assert any(r["value"] not in ("", "nan") for r in rows)
    if stem == "04_cycling":  # the one rate test given was set aside: said so, not "no sample has one"
        assert "No rate test could be read" in html and "No sample has a rate_file" not in html


@pytest.mark.notebooks
def test_no_run_that_set_a_sample_aside_is_stamped(mixed_study):
    """A stamp would skip the run next time, though the file may be fixed or its reader installed."""
    _, out, _ = mixed_study
    assert sorted(p.parent.name for p in out.glob(f"*/{STAMP}")) == []


def test_a_readers_warnings_say_whose_file_they_are_about(tmp_path):
    import warnings

    from nakit.errors import NakitWarning

    def read(s):
        warnings.warn("the file states no temperature: 77 K assumed", NakitWarning)
        return s["label"]
    rep = report.start("toy", tmp_path, samples=["A", "B_old_", "C"], claims_file=None)
    with pytest.warns(NakitWarning) as caught:
        rep.read_samples(SAMPLES[:2], read)
    assert [str(w.message) for w in caught] == ["A: the file states no temperature: 77 K assumed",
                                                "B_old_: the file states no temperature: 77 K assumed"]
    with pytest.warns(UserWarning, match="^cell 3: fit flagged$"):  # the category is kept
        assert report.labelled("cell 3", lambda x: warnings.warn("fit flagged") or x + 1, 1) == 2


@pytest.mark.notebooks
def test_nakit_run_writes_the_report_and_exits_1_naming_the_unreadable_file(tmp_path):
    import yaml

    bad = _bad_files(tmp_path)["xrd"]
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({"samples": [
        {"label": "good scan", "file": str(data_dir() / "xrd" / "annealed.raw")},
        {"label": "bad scan", "file": str(bad)}]}), encoding="utf-8")
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-c", "from nakit.cli import main; main()", "run", "01_xrd_indexing",
                           "-f", str(params), "-o", str(out), "--no-server"],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "NAKIT_VERBOSITY": "0"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "01_xrd_indexing.ipynb ->" in proc.stdout and (out / "01_xrd_indexing.html").exists()
    assert f"NOT ANALYSED bad scan: {bad}" in proc.stderr and "states no wavelength" in proc.stderr


def test_warnings_before_an_error_are_still_said_with_the_label():
    import warnings

    def fails():
        warnings.warn("step 3 ends early")
        raise FileFormatError("f.csv", "cut short")
    with pytest.warns(UserWarning, match="^cell 3: step 3 ends early$"), pytest.raises(FileFormatError):
        report.labelled("cell 3", fails)


def test_the_new_sample_keys_are_checked_before_anything_runs(tmp_path):
    """A sample's scan index and current sign are parameters, not unreadable files: refused at once."""
    import yaml

    from nakit.errors import ParameterError
    from nakit.study import load_study

    d = data_dir()
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump({"title": "keys", "samples": [
        {"label": "a", "xrd": {"file": str(d / "xrd/annealed.raw"), "scan": 1.5}},
        {"label": "b", "xrd": {"file": str(d / "xrd/quenched.raw"), "scan": -1}},
        {"label": "c", "cycling": {"file": str(d / "cycling/ball_milled_45cycles.xlsx"), "current_sign": 2}}]}))
    with pytest.raises(ParameterError) as info:
        load_study(path)
    text = str(info.value)
    assert "'scan' = 1.5 is not allowed" in text and "'scan' = -1 is out of range" in text
    assert "'current_sign' = 2 is not allowed (one of: 1, -1)" in text


@pytest.mark.peer
@pytest.mark.parametrize("notebook, reader, parts, words", [
    ("02_bet_bjh", "nakit.sorption.readers:read_isotherm", ("raman", "silicon__ramanfitting_Si_spectrum01.txt"),
     "nakit reads it as a Raman spectrum (notebook 03_raman_assignment): is it listed under the wrong technique?"),
    ("03_raman_assignment", "nakit.raman.readers:read_raman", ("xrd", "yadg", "210520step1_30min.xy"),
     "nakit reads it as a diffraction pattern (notebook 01_xrd_indexing): is it listed under the wrong technique?"),
    ("05_eis_fitting", "nakit.eis.readers:read_eis", ("sorption", "betsi", "MCM-41.csv"),
     "nakit reads it as an isotherm (notebook 02_bet_bjh): is it listed under the wrong technique?"),
])
def test_a_file_of_another_technique_is_named_as_such(tmp_path, shown, notebook, reader, parts, words):
    """A Raman .txt listed under sorption was refused as "not a recognised isotherm format", as if
    the file could not be read at all."""
    import importlib

    from tests.peer import peer_file

    module, name = reader.split(":")
    read = getattr(importlib.import_module(module), name)
    good = str(data_dir() / {"02_bet_bjh": "sorption/cmk3_micromeritics.xlsx", "03_raman_assignment":
                             "raman/annealed.txt", "05_eis_fitting": "eis/blocking_25C.z"}[notebook])
    samples = [{"label": "ours", "file": good}, {"label": "theirs", "file": str(peer_file(*parts))}]
    rep = report.start(notebook, tmp_path / notebook, samples=["ours", "theirs"], claims_file=None)
    assert list(rep.read_samples(samples, lambda s: read(s["file"]))) == ["ours"]
    assert rep.not_analysed["theirs"].endswith("; " + words)
    assert words.replace("_", r"\_") in "\n".join(shown)  # (markdown-escaped)


def test_a_file_no_reader_takes_gets_no_such_hint(tmp_path):
    from nakit.reading import read_elsewhere

    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n", encoding="utf-8")
    assert read_elsewhere(junk, "sorption") == ""
    assert read_elsewhere(data_dir() / "sorption" / "cmk3_micromeritics.xlsx", "sorption") == ""


def test_a_reader_failing_by_a_bug_gives_no_hint_and_no_crash(tmp_path, monkeypatch):
    """The hint tries the other readers on a refused file: one failing otherwise than on purpose must
    not replace the refusal it would explain (the sample is set aside, not the notebook failed)."""
    from nakit import reading

    def broken(path, **facts):
        raise ZeroDivisionError("a bug")
    real = reading.reader
    monkeypatch.setattr(reading, "reader", lambda t: broken if t == "raman" else real(t))
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n", encoding="utf-8")
    assert reading.read_elsewhere(junk, "sorption") == ""
