"""XRD candidate phases (and Raman band species) not in the library are refused before any kernel starts.

Audit: ``candidate_phases: [LaB6, TiO2_anatase]`` passed the pre-run check; the XRD notebook then
failed in its kernel, naming only the first unknown phase."""

import subprocess
import sys

import pytest

from nakit.errors import ParameterError
from nakit.paths import notebooks_dir
from nakit.runner import prepare
from nakit.samplerules import reference_names

XRD = notebooks_dir() / "01_xrd_indexing.ipynb"


def test_every_unknown_phase_is_named_with_the_one_meant_and_where_the_names_are():
    with pytest.raises(ParameterError) as err:
        prepare(XRD, {"candidate_phases": ["LaB6", "TiO2_anatase", "Na2S_Fm3m", "Sulfur"]})
    (problem,) = err.value.problems
    assert problem.startswith("parameter 'candidate_phases': 3 name(s) not in nakit's reference library: "
                              "'TiO2_anatase', 'Na2S_Fm3m' (did you mean 'Na2S_Fm-3m'?), 'Sulfur'; it has ")
    assert "LaB6_Pm-3m" in problem and "nakit.xrd.library()" in problem and "reference_files" in problem


def test_names_the_notebook_takes_pass_and_an_ambiguous_prefix_is_refused():
    # by name or unique prefix, as nakit.xrd.reference finds them
    assert prepare(XRD, {"candidate_phases": ["LaB6", "cu3au", "Na3PS4_I-43m"]})["candidate_phases"]
    with pytest.raises(ParameterError, match=r"'Na3PS4' names 2 \(Na3PS4_I-43m, Na3PS4_P-421c\): give the whole"):
        prepare(XRD, {"candidate_phases": ["Na3PS4"]})


def test_the_names_are_the_library_s():
    from nakit.xrd import library

    assert reference_names() == sorted(library())


def test_the_check_does_not_import_the_xrd_package():
    """The command checks every run in its own process: nakit.xrd (pandas, scipy) costs seconds there."""
    code = ("import sys\nfrom nakit.runner import prepare\nfrom nakit.paths import notebooks_dir\n"
            "try:\n    prepare(notebooks_dir() / '01_xrd_indexing.ipynb', {'candidate_phases': ['TiO2']})\n"
            "except Exception as exc:\n    assert 'TiO2' in str(exc)\nelse:\n    raise SystemExit('accepted')\n"
            "print('nakit.xrd' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_mistyped_raman_species_gets_the_one_meant():
    with pytest.raises(ParameterError) as err:
        prepare(notebooks_dir() / "03_raman_assignment.ipynb",
                {"samples": [{"label": "A", "file": str(notebooks_dir().parent / "data" / "raman" / "annealed.txt"),
                              "analysis": "bands", "bands": ["p2s6^4-"]}]})
    assert "band 'p2s6^4-' (did you mean 'P2S6^4-'?)" in str(err.value)
