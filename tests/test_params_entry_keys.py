"""A per-sample key given as a parameter is refused saying where it goes, in YAML.

``nakit run 01_xrd_indexing -p wavelength Cu`` said "unknown parameter 'wavelength' (known: ...)", a list
without it, though ``wavelength`` is a key of each ``samples`` entry. The message now says so and shows
the entry; following it (a parameter file holding that entry) is accepted.
"""

from __future__ import annotations

import pytest
import yaml

from nakit import cli, runner
from nakit.errors import ParameterError
from nakit.params import entry_key_problem, notebook_parameters
from nakit.paths import data_dir, notebooks_dir

XRD = notebooks_dir() / "01_xrd_indexing.ipynb"


def test_the_command_line_says_where_a_sample_key_goes(capsys, tmp_path):
    assert cli.main(["run", "01_xrd_indexing", "-p", "wavelength", "Cu", "-p", "min_snr", "-1",
                     "-o", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'wavelength'" not in err
    assert ("'wavelength' is not a parameter of 01_xrd_indexing but a key of each entry of 'samples', one value per "
            "sample: give it there, in a parameter file (nakit run 01_xrd_indexing -f params.yaml) holding samples: "
            "[{label: ..., file: ..., wavelength: Cu}, ...] (in a study: samples: [{label: ..., xrd: {file: ..., "
            "wavelength: Cu}}])") in err
    assert "parameter 'min_snr': -1 is out of range" in err  # every problem at once, as before
    assert not (tmp_path / "r").exists()


def test_a_parameter_file_with_it_at_the_top_is_refused_the_same_way(capsys, tmp_path):
    (tmp_path / "p.yaml").write_text("wavelength: 1.5406\n", encoding="utf-8")
    assert cli.main(["run", "01_xrd_indexing", "-f", str(tmp_path / "p.yaml"), "-o", str(tmp_path / "r")]) == 2
    assert "holding samples: [{label: ..., file: ..., wavelength: 1.5406}, ...]" in capsys.readouterr().err


def test_the_advice_works():
    """The entry the message shows, filled in, is what the notebook accepts."""
    declared = notebook_parameters(XRD)
    words = entry_key_problem(declared, "wavelength", "Cu", "01_xrd_indexing")
    shown = words[words.index("holding samples: ") + len("holding "):words.index(", ...]")] + "]"
    text = shown.replace("label: ...", "label: Q").replace("file: ...", f"file: {data_dir() / 'xrd' / 'quenched.raw'}")
    params = runner.prepare(XRD, yaml.safe_load(text))
    assert params["samples"] == [{"label": "Q", "file": str(data_dir() / "xrd" / "quenched.raw"), "wavelength": "Cu"}]


def test_a_typo_of_a_key_is_named_and_other_names_keep_their_message():
    declared = notebook_parameters(XRD)
    assert entry_key_problem(declared, "wavelenght", "Cu", "01_xrd_indexing").startswith(
        "'wavelenght' is not a parameter of 01_xrd_indexing (did you mean 'wavelength', a key of each entry of "
        "'samples', one value per sample?): give it there")
    assert entry_key_problem(declared, "min_snrr", 3, "01_xrd_indexing") is None  # a typo of a parameter
    assert entry_key_problem(declared, "colour", "red", "01_xrd_indexing") is None
    with pytest.raises(ParameterError, match=r"unknown parameter 'min_snrr' \(did you mean 'min_snr'\?\)"):
        runner.prepare(XRD, {"min_snrr": 3})


def test_a_study_and_a_manifest_say_where_a_sample_key_goes(tmp_path):
    """The same words for a study's shared parameters and a manifest's, which said 'unknown parameter'."""
    from nakit.batch.manifest import jobs_from_manifest
    from nakit.study import load_study

    scan = data_dir() / "xrd" / "quenched.raw"
    where = "'wavelength' is not a parameter of 01_xrd_indexing but a key of each entry of 'samples'"
    (tmp_path / "study.yaml").write_text(
        f"title: t\nsamples:\n  - label: Q\n    xrd: {{file: '{scan}'}}\nparameters:\n  xrd: {{wavelength: Cu}}\n",
        encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_study(tmp_path / "study.yaml", output=tmp_path / "out")
    assert where in str(err.value) and "unknown parameter 'wavelength'" not in str(err.value)
    (tmp_path / "batch.yaml").write_text(
        f"notebooks:\n  01_xrd_indexing: {{wavelength: Cu}}\n"
        f"samples:\n  Q:\n    01_xrd_indexing: {{samples: [{{label: Q, file: '{scan}'}}]}}\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        jobs_from_manifest(tmp_path / "batch.yaml")
    assert where in str(err.value) and "unknown parameter 'wavelength'" not in str(err.value)
