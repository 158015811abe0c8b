"""What a study checks before anything runs: labels as written, labels whose file names collide,
the paper's own notebooks, and its claims list, every problem at once.

Unquoted labels were rewritten by YAML (``3.10`` -> 3.1, ``1:20`` -> 80, ``yes`` -> True);
``cell b`` and ``Cell B`` passed the duplicate check and failed two notebooks mid-run;
10_paper_figures captioned a user's sample as the paper's CMK-3; a claims list's problems came
one per run, after the run.
"""

import pytest

from nakit.errors import ParameterError
from nakit.params import Parameter, check
from nakit.paths import data_dir
from nakit.study import load_study
from tests.test_study import _study, toy  # noqa: F401  (toy: a fixture)


def _problems(path) -> str:
    with pytest.raises(ParameterError) as err:
        load_study(path)
    return str(err.value)


@pytest.mark.parametrize("written, read", [("3.10", "3.1"), ("007", "7"), ("1:20", "80"), ("1e3", "1000.0"),
                                           ("0x10", "16"), ("yes", "True"),
                                           ("2024-05-01", "2024-05-01")])
def test_a_label_yaml_did_not_read_as_text_is_refused(toy, written, read):
    msg = _problems(_study(toy, f"samples:\n  - label: {written}\n    toy: a.txt\n"))
    assert f"sample 1: label {read} is " in msg
    assert "not text: quote it in YAML (e.g. label: '3.10') so that it stays as written" in msg


def test_a_title_yaml_read_as_a_date_says_quote_it(toy):
    msg = _problems(_study(toy, "title: 2024-05-01\nsamples:\n  - label: A\n    toy: a.txt\n"))
    assert "'title' must be text, got datetime.date(2024, 5, 1): quote it in YAML" in msg


@pytest.mark.parametrize("a, b, name", [("cell b", "Cell B", "cell_b"), ("A:B", "A?B", "a_b")])
def test_labels_that_give_one_file_name_are_refused_before_the_run(toy, a, b, name):
    msg = _problems(_study(toy, f"samples:\n  - label: '{a}'\n    toy: a.txt\n  - label: '{b}'\n"
                                "    toy: lot1/data.txt\n"))
    # (named as the study numbers its samples, not by their places in the notebook's list)
    assert (f"samples 1 and 2 ({a!r} and {b!r}): the labels give the same file name "
            f"({name!r}); make them differ in letters or digits") in msg


def test_nakit_runs_check_refuses_labels_of_one_file_name(tmp_path):
    """The check `nakit run`, batches and studies share (nakit.params.check)."""
    (tmp_path / "a.txt").write_text("1\n")
    param = Parameter("samples", [], "one per sample", keys={"label": True, "file": True})
    _, problems = check(param, [{"label": "cell b", "file": "a.txt"}, {"label": "Cell B", "file": "a.txt"},
                                {"label": "x", "file": "a.txt"}], tmp_path)
    assert problems == ["parameter 'samples', entries 1 and 2 ('cell b' and 'Cell B'): the labels give the same "
                        "file name ('cell_b'); make them differ in letters or digits"]


def test_paper_figures_and_the_papers_recipe_are_refused_in_a_study_of_ones_own(tmp_path):
    isotherm = data_dir() / "sorption" / "cmk3.aif"
    body = f"samples:\n  - label: Mine\n    sorption: {isotherm}\n"
    msg = _problems(_study(tmp_path, "notebooks: [10_paper_figures, 00_synthesis_stoichiometry]\n" + body))
    assert "10_paper_figures composes the paper's figures with the paper's captions" in msg
    assert "it runs only in a study with the paper's claims list" in msg
    assert "00_synthesis_stoichiometry without a recipe of this study's would compute the paper's" in msg
    # a recipe of one's own is this study's: taken
    load_study(_study(tmp_path, "notebooks: [00_synthesis_stoichiometry]\nparameters:\n  00_synthesis_stoichiometry:"
                                " {precursor_masses: {Na2S: 40.0, P2S5: 60.0}, reaction_equation: '2Na2S + P2S5 ->"
                                " Na4P2S7', electrolyte: Na4P2S7}\n" + body))


CLAIMS = """id,notebook,quantity,paper_value,unit,sampel,key
c1,sorptoin,BET area,194,m2/g,A,bet_area
c2,toy,total,194 m2/g,g,A,total
"""


def test_a_claims_list_is_checked_whole_before_the_run(toy):
    (toy / "claims.csv").write_text(CLAIMS)
    path = _study(toy, "claims: claims.csv\nsamples:\n  - label: cell b\n    toy: a.txt\n")
    msg = _problems(path)
    # the header: a required column missing and an unknown one, at once, with the one meant
    assert "missing column(s) relation" in msg and "unknown column(s) sampel (did you mean 'sample'?)" in msg
    (toy / "claims.csv").write_text(
        "id,notebook,quantity,paper_value,unit,relation,sample,key\n"
        "c1,sorptoin,BET area,194,m2/g,=,cell b,bet_area\n"
        "c2,toy,total,194 m2/g,g,=,cell b,total\n"
        "c3,toy,total,6,g,=,Ghost,total\n"
        "c4,toy,total,6,g,=,cell B,total\n"
        "c5,toy,total,6,g,=,cell b,total\n")
    msg = _problems(path)
    for expected in ["claim 'c1': notebook 'sorptoin' is none of nakit's notebooks (did you mean 'sorption'?)",
                     "line 3, field 'paper_value': value '194 m2/g' is not a number",
                     "give the number alone (194) and its unit under 'unit'",
                     "claim 'c3': sample 'Ghost' is none of toy's samples in this study (its samples: 'cell b')",
                     "claim 'c4': sample 'cell B' is none of toy's samples in this study (did you mean 'cell b'?)"]:
        assert expected in msg, f"{expected!r} not in:\n{msg}"
    assert "'c5'" not in msg and "has 4 problem(s)" in msg


def test_the_papers_claims_list_passes_the_check_of_the_papers_study():
    from nakit.reproduce import paper_study

    load_study(paper_study())
