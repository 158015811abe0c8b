"""Study and manifest messages that say what is wrong where the user looks for it."""

import pytest

from nakit.batch.manifest import jobs_from_manifest
from nakit.errors import ParameterError
from nakit.paths import data_dir, notebooks_dir
from nakit.runner import prepare
from nakit.study import load_study

ISO = data_dir() / "sorption" / "cmk3_micromeritics.xlsx"
CELL = data_dir() / "cycling" / "cast_annealed_50cycles.xlsx"


def _problems(path) -> str:
    with pytest.raises(ParameterError) as err:
        load_study(path)
    return str(err.value)


def test_a_technique_given_twice_by_one_sample_is_said_so(tmp_path):
    (tmp_path / "s.yaml").write_text(f"samples:\n  - label: A\n    sorption: {ISO}\n    02_bet_bjh: {ISO}\n")
    msg = _problems(tmp_path / "s.yaml")
    assert "sample 1 ('A'): gives sorption twice ('sorption' and '02_bet_bjh' name the same notebook, " \
           "02_bet_bjh): keep one" in msg
    assert "duplicate label" not in msg


def test_a_notebook_s_problem_names_the_sample_by_the_study_s_numbering(tmp_path):
    # sample 3 is the second of the sorption notebook's list: it was "entry 2 ('B')"
    (tmp_path / "s.yaml").write_text(
        f"samples:\n  - label: A\n    sorption: {ISO}\n  - label: X\n    cycling: {CELL}\n"
        f"  - label: B\n    sorption: {{file: {ISO}, sample_mass_g: -0.05}}\n")
    msg = _problems(tmp_path / "s.yaml")
    assert "sorption (02_bet_bjh): sample 3 ('B'): 'sample_mass_g' = -0.05 is out of range" in msg
    assert "entry" not in msg


def test_samples_left_out_for_their_label_do_not_shift_the_numbers(tmp_path):
    (tmp_path / "s.yaml").write_text(
        f"samples:\n  - sorption: {ISO}\n  - label: ''\n    sorption: {ISO}\n"
        f"  - label: C\n    sorption: {{file: {ISO}, sample_mass_g: 0}}\n")
    msg = _problems(tmp_path / "s.yaml")
    assert "sample 1: missing 'label'" in msg
    assert "sample 2: its 'label' is empty" in msg
    assert "sorption (02_bet_bjh): sample 3 ('C'): 'sample_mass_g' = 0 is out of range" in msg


def test_an_empty_label_in_a_run_is_said_empty_not_missing():
    with pytest.raises(ParameterError) as err:
        prepare(notebooks_dir() / "02_bet_bjh.ipynb", {"samples": [{"label": "", "file": str(ISO)}]})
    assert "entry 1 (''): required key(s) 'label' given empty" in str(err.value)
    assert "missing" not in str(err.value)


def test_a_mistyped_sample_key_in_a_manifest_reads_plainly(tmp_path):
    (tmp_path / "m.yaml").write_text(f"notebooks:\n  02_bet_bjh: {{}}\nsamples:\n  lot 2:\n    onyl: [02_bet_bjh]\n"
                                     f"    02_bet_bjh: {{samples: [{{label: E, file: {ISO}}}]}}\n")
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(tmp_path / "m.yaml")
    assert ("sample 'lot 2': 'onyl' is not a notebook listed under 'notebooks' (did you mean 'only'?); a sample's "
            "keys are those notebooks (02_bet_bjh) and 'only'") in str(err.value)
    assert "nor 'only'" not in str(err.value)


def test_a_sample_key_yaml_made_a_number_still_has_its_entries_checked(tmp_path):
    (tmp_path / "m.yaml").write_text("notebooks:\n  02_bet_bjh: {}\nsamples:\n  3.10:\n"
                                     "    02_bet_bjh: {samples: [{label: D, file: raw/Sample_D.xlsx}]}\n")
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(tmp_path / "m.yaml")
    msg = str(err.value)
    assert "sample key 3.1 is a number, not text: quote it" in msg
    assert f"sample '3.1': 02_bet_bjh.ipynb: parameter 'samples', entry 1 ('D'): input file " \
           f"{tmp_path / 'raw' / 'Sample_D.xlsx'} does not exist" in msg


def test_two_labels_of_one_file_name_are_named_by_the_study_s_numbers(tmp_path):
    (tmp_path / "s.yaml").write_text(
        f"samples:\n  - label: X\n    cycling: {CELL}\n  - label: cell b\n    sorption: {ISO}\n"
        f"  - label: Cell B\n    sorption: {ISO}\n")
    assert ("sorption (02_bet_bjh): samples 2 and 3 ('cell b' and 'Cell B'): the labels give the same file name"
            in _problems(tmp_path / "s.yaml"))
