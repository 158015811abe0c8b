"""Parameter documentation grammar, checks before a kernel starts, and `nakit params`."""

from pathlib import Path

import nbformat
import pytest

from nakit import cli, runner
from nakit.errors import ParameterError
from nakit.params import notebook_parameters, number_or_yaml, parse_parameters
from nakit.paths import data_dir, notebooks_dir

CELL = '''# Report title; "" makes one from the labels
title = ""
samples = [   # one dict per sample; keys: label*, file*, sample_mass_g
    {"label": "A", "file": "a.txt"},
]
# Branch the analysis reads
# one of: "adsorption", "desorption"
branch = "desorption"
order = 2  # polynomial order; one of: 1, 2, 3; higher orders overfit
weighting = "modulus"  # or "unit": no grammar here, so anything of the right type goes
threshold: float = 1e-3
plain = [1, 2]
output_dir = "out"
'''


def test_grammar_descriptions_allowed_values_and_keys():
    params = parse_parameters(CELL)
    assert list(params) == ["title", "samples", "branch", "order", "weighting", "threshold", "plain", "output_dir"]
    assert params["title"].description == 'Report title; "" makes one from the labels'
    assert params["branch"].description.startswith("Branch the analysis reads")
    assert params["branch"].allowed == ("adsorption", "desorption")
    assert params["order"].allowed == (1, 2, 3)  # the list ends at the ';'
    assert params["order"].summary() == "polynomial order; higher orders overfit"
    assert params["samples"].keys == {"label": True, "file": True, "sample_mass_g": False}
    assert params["samples"].summary() == "one dict per sample"
    assert params["weighting"].allowed is None and params["plain"].keys is None
    assert params["threshold"].type_name == "float" and params["threshold"].default == 0.001
    assert params["output_dir"].description == ""


def test_keys_inside_the_list_literal_and_bad_grammar():
    params = parse_parameters('samples = [\n    # keys: label*, files*, cycles\n    {"label": "x", "files": []},\n]\n')
    assert params["samples"].keys == {"label": True, "files": True, "cycles": False}
    with pytest.raises(ParameterError, match="'one of:' must list Python literals"):
        parse_parameters("mode = 'a'  # one of: a, b\n")
    with pytest.raises(ParameterError, match="'keys:' must list names"):
        parse_parameters("samples = []  # keys: label*, file name\n")


@pytest.mark.parametrize("text, value", [("1e-3", 0.001), ("-2.5E4", -25000.0), ("5", 5), ("0.5", 0.5),
                                         (".5", 0.5), ("true", True), ("[1e-3, b]", [0.001, "b"]),
                                         ("1e3x", "1e3x"), ("nan", "nan"), ("desorption", "desorption"),
                                         ("None", None), ("null", None), ("Nonesuch", "Nonesuch")])
def test_command_line_values(text, value):
    got = number_or_yaml(text)
    assert got == value and type(got) is type(value)


@pytest.fixture
def documented(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(CELL, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("raise SystemExit('a kernel must not start in these tests')")]
    nbformat.write(nb, tmp_path / "doc.ipynb")
    (tmp_path / "a.txt").write_text("1\n")
    (tmp_path / "b.txt").write_text("2\n")
    return tmp_path / "doc.ipynb"


def test_prepare_checks_allowed_values_and_sample_entries_all_at_once(documented):
    with pytest.raises(ParameterError) as err:
        runner.prepare(documented, {
            "branch": "both", "order": 2.5, "threshold": "small",
            "samples": [{"label": "A", "file": "a.txt", "colour": "red"},
                        {"label": "A", "file": "missing.txt"},
                        {"file": "b.txt"},
                        "not a mapping"]})
    msg = str(err.value)
    for expected in ["parameter 'branch': 'both' is not allowed (one of: 'adsorption', 'desorption')",
                     "parameter 'order': 2.5 is not allowed (one of: 1, 2, 3)",
                     "parameter 'threshold': expected a number like 0.001, got str",
                     "entry 1 ('A'): unknown key(s) 'colour' (known: label, file, sample_mass_g)",
                     "entry 2 ('A'): duplicate label 'A' (also entry 1)",
                     "entry 2 ('A'): input file", "missing.txt does not exist",
                     "entry 3: missing required key(s) 'label'",
                     "entry 4: expected a mapping"]:
        assert expected in msg, f"{expected!r} not in {msg}"


def test_prepare_makes_sample_files_absolute_and_hashes_them(documented):
    params = runner.prepare(documented, {"samples": [{"label": "one", "file": "a.txt"},
                                                     {"label": "two", "file": str(documented.parent / "b.txt")}],
                                         "order": 3, "threshold": 1})
    assert [s["file"] for s in params["samples"]] == [str(documented.parent / "a.txt"),
                                                      str(documented.parent / "b.txt")]
    inputs = runner.input_paths(documented, params)
    assert inputs["samples[one].file"] == [documented.parent / "a.txt"]
    assert inputs["samples[two].file"] == [documented.parent / "b.txt"]


def test_notebook_without_documentation_still_checks_samples(tmp_path):
    """Undocumented parameters: any value of the right kind, any entry keys, but labels and files checked."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('samples = [{"label": "x", "file": "x.txt"}]\nmode = "a"',
                                          metadata={"tags": ["parameters"]})]
    nbformat.write(nb, tmp_path / "bare.ipynb")
    (tmp_path / "x.txt").write_text("1")
    assert runner.prepare(tmp_path / "bare.ipynb", {"mode": "anything", "samples": [
        {"label": "x", "file": "x.txt", "extra": 1}]})["mode"] == "anything"
    with pytest.raises(ParameterError, match="duplicate label 'x'.*y.txt does not exist|y.txt does not exist"):
        runner.prepare(tmp_path / "bare.ipynb", {"samples": [{"label": "x", "file": "x.txt"},
                                                             {"label": "x", "file": "y.txt"}]})


def test_cli_params_lists_every_parameter(documented, capsys):
    assert cli.main(["params", str(documented)]) == 0
    out = capsys.readouterr().out
    assert "branch: str = 'desorption'" in out and "one of: 'adsorption', 'desorption'" in out
    assert "entry keys: label*, file*, sample_mass_g" in out
    assert "threshold: float = 0.001" in out
    assert "output_dir: str = 'out'\n    (no description)" in out


def test_cli_params_on_every_project_notebook(capsys):
    from nakit.paths import notebooks_dir

    for path in sorted(notebooks_dir().glob("*.ipynb")):
        assert cli.main(["params", path.stem]) == 0
        out = capsys.readouterr().out
        for name in notebook_parameters(path):
            assert f"\n{name}: " in out


def test_cli_run_refuses_a_value_not_allowed_and_reads_1e_minus_3_as_a_number(documented, tmp_path, capsys):
    out = tmp_path / "r"
    assert cli.main(["run", str(documented), "-p", "branch", "both", "-p", "threshold", "1e-3", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'both' is not allowed (one of: 'adsorption', 'desorption')" in err
    assert "threshold" not in err  # 1e-3 is a float, as the default
    assert not out.exists()


def test_cli_params_file_paths_are_relative_to_the_file(documented, tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    params = tmp_path / "sub" / "p.yaml"
    params.write_text("samples:\n  - {label: here, file: c.txt}\nthreshold: 2e-2\n")
    assert cli.main(["run", str(documented), "-f", str(params), "-o", str(tmp_path / "r")]) == 2
    assert str(Path(tmp_path / "sub" / "c.txt")) + " does not exist" in capsys.readouterr().err


def test_one_of_int_and_entry_key_values():
    """``int`` in a ``one of:`` list allows any integer; ``KEY: one of:`` on a sample list's
    comments restricts that entry key (and is not the list's own allowed values)."""
    params = parse_parameters(
        'samples = [  # keys: label*, loop\n'
        '    # loop: one of: "last", "first", int; per sample\n'
        '    {"label": "x"},\n]\n'
        'mode = "last"  # sweep; one of: "last", "first", int; a number is a loop\n')
    assert params["samples"].allowed is None
    assert params["samples"].key_allowed == {"loop": ("last", "first", params["mode"].allowed[2])}
    assert repr(params["mode"].allowed[2]) == "an integer"
    assert params["mode"].summary() == "sweep; a number is a loop"
    from nakit.params import check

    for value, ok in (("first", True), (3, True), (-1, True), (2.0, False), (True, False), ("2", False)):
        assert (check(params["mode"], value, Path("."))[1] == []) is ok, value
    with pytest.raises(ParameterError, match="or int: any integer"):
        parse_parameters("mode = 'a'  # one of: 'a', float\n")


@pytest.fixture
def eis_samples():
    from nakit.params import notebook_parameters
    from nakit.paths import notebooks_dir

    path = notebooks_dir() / "05_eis_fitting.ipynb"
    return path, [dict(s) for s in notebook_parameters(path)["samples"].default]


def test_eis_loop_description_allowed_values_and_prepare_agree(eis_samples):
    """Notebook 05: `loop` takes the keywords it lists; a sample's "loop" takes them or a loop
    number, and runner.prepare refuses anything else before a kernel starts."""
    path, samples = eis_samples
    params = notebook_parameters(path)
    assert params["loop"].allowed == ("last", "first", "all")
    assert "a loop number is given per sample" in params["loop"].description
    assert params["samples"].key_allowed["loop"][:3] == ("last", "first", "all")
    samples[0]["loop"], samples[1]["loop"] = 2, "all"
    got = runner.prepare(path, {"samples": samples, "loop": "first"})
    assert [s.get("loop") for s in got["samples"]] == [2, "all", None]
    samples[0]["loop"], samples[1]["loop"] = "lst", 1.5
    with pytest.raises(ParameterError) as err:
        runner.prepare(path, {"samples": samples, "loop": "every"})
    msg = str(err.value)
    assert "parameter 'loop': 'every' is not allowed (one of: 'last', 'first', 'all')" in msg
    assert "entry 1 ('ball-milled'): 'loop' = 'lst' is not allowed (did you mean 'last'?) (one of: 'last', 'first', 'all', an integer)" in msg
    assert "entry 2 ('cast-annealed'): 'loop' = 1.5 is not allowed" in msg


def test_cli_params_lists_entry_key_values(capsys):
    assert cli.main(["params", "05_eis_fitting"]) == 0
    assert "entry key loop: one of: 'last', 'first', 'all', an integer" in capsys.readouterr().out


def test_range_bounds_a_number_or_each_number_of_a_list_and_none_passes(tmp_path):
    from nakit.params import check

    params = parse_parameters(
        "min_snr = 5.0  # threshold in sigmas; range: > 0\n"
        "# p/p0 of the total pore volume\n"
        "# range: >= 0.5, <= 1\n"
        "p_at = 0.99\n"
        "window = [0.2, 0.8]  # state of charge; range: >= 0, <= 1; both ends\n"
        "lam = None  # regularisation; None: chosen by GCV; range: > 0\n")
    assert params["min_snr"].bounds == ((">", 0.0),) and params["min_snr"].summary() == "threshold in sigmas"
    assert params["window"].summary() == "state of charge; both ends"
    cases = [("min_snr", 5, True), ("min_snr", 0, False), ("min_snr", -1.5, False), ("min_snr", float("nan"), False),
             ("p_at", 0.5, True), ("p_at", 1.0, True), ("p_at", 1.5, False), ("p_at", 0.49, False),
             ("window", [0.0, 1.0], True), ("window", [0.2, 1.2], False), ("lam", None, True), ("lam", -1, False)]
    for name, value, ok in cases:
        _, problems = check(params[name], value, tmp_path)
        assert (problems == []) is ok, (name, value, problems)
    _, problems = check(params["p_at"], 1.5, tmp_path)
    assert problems == ["parameter 'p_at': 1.5 is out of range (must be >= 0.5 and <= 1)"]
    with pytest.raises(ParameterError, match="'range:' must be an interval such as"):
        parse_parameters("x = 1  # range: positive\n")


def test_range_intervals_include_or_exclude_their_ends_and_inf_leaves_them_open():
    params = parse_parameters("a = 0.5  # range: [0.5, 1]\nb = 1  # range: (0, 1]\n"
                              "c = 3  # range: [3, inf)\nd = -1.0  # range: (-inf, 0)\n"
                              "e = 1  # range: (-inf, +inf); any number\n")
    assert params["a"].bounds == ((">=", 0.5), ("<=", 1.0))
    assert params["b"].bounds == ((">", 0.0), ("<=", 1.0))
    assert params["c"].bounds == ((">=", 3.0),) and params["d"].bounds == (("<", 0.0),)
    assert params["e"].bounds == () and params["e"].summary() == "any number"
    from nakit.params import _bounds_text

    assert _bounds_text(params["e"].bounds) == "any number"  # as `nakit params` lists it
    assert params["a"].bounds == parse_parameters("a = 0.5  # range: >= 0.5, <= 1\n")["a"].bounds
    with pytest.raises(ParameterError, match=r"interval '\[1, 0\]' is empty"):
        parse_parameters("x = 1  # range: [1, 0]\n")
    with pytest.raises(ParameterError, match="must be an interval such as"):
        parse_parameters("x = 1  # range: [0, 1\n")


def test_papermill_reads_every_parameter_of_every_project_notebook(caplog):
    # papermill takes a line with a second "=" (a ">= 3" in its comment) for no parameter: it
    # warned "Passed unknown parameter" on every run of such a notebook and left the parameter
    # out of `papermill --help-notebook`
    from papermill.translators import PythonTranslator

    from nakit.params import parameters_cell
    from nakit.paths import notebooks_dir

    for path in sorted(notebooks_dir().glob("*.ipynb")):
        caplog.clear()
        cell = nbformat.v4.new_code_cell(parameters_cell(path))
        with caplog.at_level("WARNING", logger="papermill"):
            names = {p.name for p in PythonTranslator.inspect(cell)}
        assert caplog.messages == [], path.name
        assert names == set(notebook_parameters(path)), path.name


@pytest.mark.parametrize("stem, name, value, message", [
    ("00_synthesis_stoichiometry", "active_fraction", 2, "must be > 0 and <= 1"),
    ("01_xrd_indexing", "min_snr", -1, "must be > 0"),
    ("02_bet_bjh", "p_total_pore_volume", 1.5, "must be >= 0.5 and <= 1"),
    ("03_raman_assignment", "laser_wavelength", -532, "must be >= 200 and <= 1100"),
    ("04_cycling", "dqdv_bin_width", -1, "must be > 0 and <= 0.5"),
    ("05_eis_fitting", "drt_lambda", -1, "must be > 0"),
    # a unit or decimal slip, out of what the quantity can be: 5 mV typed as 5 V, a 12 deg match window,
    # a Scherrer constant of 90, a 500 cm-1 assignment window
    ("04_cycling", "dqdv_bin_width", 5, "must be > 0 and <= 0.5"),
    ("04_cycling", "dqdv_smoothing", 10, "must be >= 0 and <= 0.5"),
    ("01_xrd_indexing", "tolerance_deg", 12, "must be > 0 and <= 1"),
    ("01_xrd_indexing", "scherrer_k", 90, "must be > 0 and <= 2"),
    ("03_raman_assignment", "assignment_tolerance", 500, "must be >= 0 and <= 50"),
    ("04_cycling", "hysteresis_soc_window", [0.8, 1.5], "must be >= 0 and <= 1"),
    ("04_cycling", "plateau_window", [500, 800], "must be >= 0 and <= 10"),
])
def test_the_notebooks_refuse_out_of_range_numbers_before_a_kernel_starts(stem, name, value, message):
    # each of these gave a report with numbers in it (a negative SNR threshold, an active fraction
    # of 2, a p/p0 of 1.5): now the run is refused, with every other parameter at its default
    from nakit.paths import notebooks_dir

    import re

    with pytest.raises(ParameterError, match=f"parameter '{name}': {re.escape(str(value))} is out of range "
                                             f"\\({message}\\)"):
        runner.prepare(notebooks_dir() / f"{stem}.ipynb", {name: value})


@pytest.mark.parametrize("stem, key, value, message", [
    ("02_bet_bjh", "sample_mass_g", -0.1, "must be > 0"),
    ("04_cycling", "active_fraction", 1.5, "must be > 0 and <= 1"),
    ("05_eis_fitting", "thickness_mm", 0, "must be > 0"),
    ("05_eis_fitting", "temperatures_C", [25, -300], "must be > -273.15"),
])
def test_sample_entry_numbers_out_of_range_are_refused_naming_the_entry(stem, key, value, message):
    from nakit.params import notebook_parameters
    from nakit.paths import notebooks_dir

    nb = notebooks_dir() / f"{stem}.ipynb"
    samples = [dict(s) for s in notebook_parameters(nb)["samples"].default]
    label = samples[0]["label"]
    samples[0][key] = value
    with pytest.raises(ParameterError, match=rf"entry 1 \('{label}'\): '{key}' = .* is out of range \({message}\)"):
        runner.prepare(nb, {"samples": samples})
    del samples[0][key]  # (each notebook's default samples pass without the key)
    if key != "temperatures_C":
        runner.prepare(nb, {"samples": samples})


@pytest.mark.parametrize("stem, key, value, words", [
    # YAML's yes is True, which Python takes for 1: a mass of 1 mg
    ("04_cycling", "active_mass_mg", True, "expected a number (mg), got a yes/no (true/false) value"),
    ("04_cycling", "active_mass_mg", None, "expected a number (mg), got null (leave the key out when there is no value)"),
    ("04_cycling", "active_mass_mg", "10 mg", "expected a number (mg), got text (give the number alone: the key names "
                                              "the unit)"),
    ("04_cycling", "active_mass_mg", "1,2", "expected a number (mg), got text (a decimal comma? write 1.2)"),
    ("04_cycling", "electrons", "two", "expected a number, got text"),
    ("02_bet_bjh", "sample_mass_g", "0.1", "expected a number (g), got text (write the number without quotes)"),
    ("03_raman_assignment", "laser_wavelength", "532 nm", "expected a number, got text (give the number alone"),
    ("05_eis_fitting", "temperatures_C", [25, "60 C"], "expected a number (°C), got text"),
])
def test_sample_entry_values_that_are_no_numbers_are_refused_before_a_kernel_starts(stem, key, value, words):
    """Each of these passed the check and failed inside the notebook ("could not convert string to
    float: '10 mg'", "unsupported operand type(s) for -: 'float' and 'str'"), or, for yes, ran with 1 mg."""
    nb = notebooks_dir() / f"{stem}.ipynb"
    samples = [dict(s) for s in notebook_parameters(nb)["samples"].default]
    samples[0][key] = value
    with pytest.raises(ParameterError) as err:
        runner.prepare(nb, {"samples": samples})
    assert any(p.startswith(f"parameter 'samples', entry 1 ('{samples[0]['label']}'): '{key}' = {value!r}: {words}")
               for p in err.value.problems), err.value.problems


@pytest.mark.parametrize("label, words", [(3.1, "a number"), (True, "a yes/no (true/false) value"), (80, "a number")])
def test_a_label_yaml_made_no_text_is_refused_saying_to_quote_it(label, words):
    """Unquoted, 3.10 became 3.1, 1:20 became 80 and yes True; a numeric label then failed the
    notebook with KeyError: '1'."""
    nb = notebooks_dir() / "02_bet_bjh.ipynb"
    samples = [dict(s) for s in notebook_parameters(nb)["samples"].default]
    samples[0]["label"] = label
    with pytest.raises(ParameterError) as err:
        runner.prepare(nb, {"samples": samples})
    assert f"parameter 'samples', entry 1 ({label!r}): label {label!r} is {words}, not text: quote it in YAML " \
           "(e.g. label: '3.10') so that it stays as written" in err.value.problems


def test_a_file_key_holding_a_list_is_refused():
    nb = notebooks_dir() / "02_bet_bjh.ipynb"
    samples = [dict(s) for s in notebook_parameters(nb)["samples"].default]
    samples[0]["file"] = [samples[0]["file"]]
    with pytest.raises(ParameterError, match=r"entry 1 \('.*'\): 'file' names one file, got a list of 1"):
        runner.prepare(nb, {"samples": samples})


def test_a_pellets_single_temperature_not_in_a_list_is_refused_before_the_run():
    """temperatures_C: 25 stopped the study's own check with "TypeError: object of type 'int' has no len()"."""
    from nakit.samplerules import eis_problems

    assert eis_problems([{"label": "p", "kind": "pellet", "file": "a.z", "diameter_mm": 10, "thickness_mm": 1,
                          "temperatures_C": 25}]) == [
        "sample 'p': temperatures_C must be a list, one per file (e.g. [25]), got 25"]


def test_entry_key_range_grammar():
    params = parse_parameters('samples = [\n    # keys: label*, file*, mass_mg; mass_mg: range: > 0, <= 1000\n'
                              '    {"label": "x", "file": "a"},\n]\n')
    assert params["samples"].key_bounds == {"mass_mg": ((">", 0.0), ("<=", 1000.0))}
    assert params["samples"].bounds is None  # an entry key's range is not the parameter's
    with pytest.raises(ParameterError, match="entry key 'mass_mg'"):
        parse_parameters('samples = [  # keys: label*, mass_mg; mass_mg: range: heavy\n]\n')


@pytest.mark.notebooks
def test_a_notebook_run_without_nakits_check_refuses_the_value_itself(tmp_path):
    # as in JupyterLab, the parameters cell edited by hand: no nakit run/batch/study check before
    # the kernel; report.start refuses what the cell's grammar does not allow
    from nakit.params import notebook_parameters
    from nakit.paths import notebooks_dir

    nb = notebooks_dir() / "00_synthesis_stoichiometry.ipynb"
    defaults = {name: p.default for name, p in notebook_parameters(nb).items()}
    result = runner.execute(nb, tmp_path / "bad", parameters={**defaults, "active_fraction": 2.0,
                                                              "output_dir": str(tmp_path / "bad")}, html=False)
    assert not result.ok
    assert "parameter 'active_fraction': 2.0 is out of range (must be > 0 and <= 1)" in result.error
    assert not (tmp_path / "bad" / "results").exists()


@pytest.mark.parametrize("word, choices, aliases, hint", [
    ("wavelenght", ["label", "file", "wavelength", "humps"], None, " (did you mean 'wavelength'?)"),
    ("adsorbtion", ["desorption", "adsorption"], None, " (did you mean 'adsorption'?)"),
    ("XRD", ["xrd", "sorption"], None, " (did you mean 'xrd'?)"),
    ("bet", ["xrd", "sorption"], {"bet": "sorption"}, " (did you mean 'sorption'?)"),
    ("colour", ["label", "file", "scale"], None, ""),  # nothing close: no guess
    ("file", ["label", "file"], None, "")])
def test_a_typo_gets_the_name_it_is_closest_to(word, choices, aliases, hint):
    from nakit.params import closest

    assert closest(word, choices, aliases) == hint


def test_nakit_run_and_a_study_suggest_what_was_meant(tmp_path):
    from nakit.runner import prepare
    from nakit.study import load_study

    nb = notebooks_dir() / "02_bet_bjh.ipynb"
    with pytest.raises(ParameterError) as err:
        prepare(nb, {"bjh_metod": "dh", "bjh_branch": "adsorbtion"})
    assert "unknown parameter 'bjh_metod' (did you mean 'bjh_method'?)" in str(err.value)
    assert "'adsorbtion' is not allowed (did you mean 'adsorption'?)" in str(err.value)
    scan = data_dir() / "xrd" / "annealed.raw"
    (tmp_path / "s.yaml").write_text(f"title: t\nsamples:\n  - {{label: A, bet: {scan}}}\n"
                                     f"  - {{label: B, xrd: {{file: {scan}, wavelenght: Cu}}}}\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_study(tmp_path / "s.yaml")
    assert "unknown technique or notebook 'bet' (did you mean 'sorption'?)" in str(err.value)
    assert "unknown key(s) 'wavelenght' (did you mean 'wavelength'?)" in str(err.value)


def test_a_file_not_found_gets_the_name_in_its_folder_it_is_closest_to(tmp_path):
    """File names are case-sensitive here and not on the instrument PC they were named on."""
    import shutil

    from nakit.runner import prepare

    shutil.copyfile(data_dir() / "xrd" / "annealed.raw", tmp_path / "S1_xrd.raw")
    nb = notebooks_dir() / "01_xrd_indexing.ipynb"
    with pytest.raises(ParameterError) as err:
        prepare(nb, {"samples": [{"label": "S1", "file": str(tmp_path / "S1_XRD.raw")},
                                 {"label": "S2", "file": str(tmp_path / "nothing_like_it.xy")}]})
    assert f"input file {tmp_path / 'S1_XRD.raw'} does not exist (did you mean '{tmp_path / 'S1_xrd.raw'}'?)" \
        in str(err.value)
    assert f"input file {tmp_path / 'nothing_like_it.xy'} does not exist;" in str(err.value) + ";"


def test_a_study_and_a_manifest_suggest_their_own_keys_and_notebooks(tmp_path):
    from nakit.batch.manifest import jobs_from_manifest
    from nakit.study import load_study

    (tmp_path / "s.yaml").write_text("title: t\nsampels:\n  - {label: A, xrd: a.raw}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"unknown top-level key\(s\) 'sampels' \(did you mean 'samples'\?\)"):
        load_study(tmp_path / "s.yaml")
    (tmp_path / "m.yaml").write_text("notebooks:\n  02_bet_bj: {}\nsamples:\n  A:\n    02_bet_bj: {}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"unknown notebook '02_bet_bj' \(did you mean '02_bet_bjh'\?\)"):
        jobs_from_manifest(tmp_path / "m.yaml")


def test_an_empty_samples_list_is_refused_before_the_run():
    """It ran into an empty report: "N2 isotherms of  (filled: adsorption, ...)", empty tables."""
    from nakit.runner import prepare

    with pytest.raises(ParameterError, match=r"parameter 'samples': no entry; give at least one sample"):
        prepare(notebooks_dir() / "02_bet_bjh.ipynb", {"samples": []})


def test_an_xrd_wavelength_of_yes_is_refused():
    nb = notebooks_dir() / "01_xrd_indexing.ipynb"
    samples = [dict(s) for s in notebook_parameters(nb)["samples"].default]
    samples[0]["wavelength"] = True
    with pytest.raises(ParameterError, match="wavelength True: expected a number in angstrom or an anode"):
        runner.prepare(nb, {"samples": samples})
    samples[0]["wavelength"] = -1.54  # its range: the XRD rule's, from the anodes' table
    with pytest.raises(ParameterError, match=r"wavelength -1.54 angstrom is outside 0.05-5 angstrom"):
        runner.prepare(nb, {"samples": samples})


def test_a_date_label_is_shown_as_written():
    import datetime

    from nakit.params import not_text

    assert not_text("label", datetime.date(2024, 5, 1)) == (
        "label 2024-05-01 is a date, not text: quote it in YAML (e.g. label: '3.10') so that it stays as written")
