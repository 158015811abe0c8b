import json
from pathlib import Path

import nbformat
import pytest

from nakit import cli, runner
from nakit.errors import ParameterError


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(
                    "import json, pathlib\n"
                    "pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
                    "pathlib.Path(output_dir, 'out.json').write_text(json.dumps({'scale': scale, 'n': len(open(data_file).read())}))\n"
                    "assert scale < 100, 'scale too large'")]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def toy(tmp_path):
    (tmp_path / "data.txt").write_text("hello")
    return _notebook(tmp_path / "toy.ipynb", 'data_file = "data.txt"\nscale = 1.5\noutput_dir = "out"')


def test_defaults_are_read_as_literals(toy):
    assert runner.notebook_defaults(toy) == {"data_file": "data.txt", "scale": 1.5, "output_dir": "out"}


def test_prepare_lists_every_problem_before_running(toy):
    with pytest.raises(ParameterError) as err:
        runner.prepare(toy, {"scael": 2, "scale": "big", "data_file": "missing.txt"})
    msg = str(err.value)
    assert "unknown parameter 'scael'" in msg
    assert "parameter 'scale': expected a number like" in msg
    assert "missing.txt does not exist" in msg


def test_prepare_accepts_int_for_float(toy):
    assert runner.prepare(toy, {"scale": 3})["scale"] == 3


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, tmp_path / "n.ipynb")
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        runner.notebook_defaults(tmp_path / "n.ipynb")


def test_non_literal_default_is_refused(tmp_path):
    _notebook(tmp_path / "n.ipynb", "import os\nscale = os.getpid()")
    with pytest.raises(ParameterError, match="literal default"):
        runner.notebook_defaults(tmp_path / "n.ipynb")


@pytest.mark.notebooks
def test_cli_input_paths_are_relative_to_where_the_command_is_typed(toy, tmp_path, monkeypatch):
    """``nakit run NB -p data_file mine.txt`` in the user's folder reads the user's mine.txt, not one
    beside the notebook (it was refused: "input file <notebooks>/mine.txt does not exist")."""
    here = tmp_path / "my_study"
    here.mkdir()
    (here / "mine.txt").write_text("a longer text")
    monkeypatch.chdir(here)
    out = tmp_path / "report"
    assert cli.main(["run", str(toy), "-p", "data_file", "mine.txt", "-o", str(out)]) == 0
    assert json.loads((out / "out.json").read_text())["n"] == len("a longer text")


@pytest.mark.notebooks
def test_cli_run_executes_with_overrides_and_renders_html(toy, tmp_path, capsys):
    params = tmp_path / "p.yaml"
    params.write_text("scale: 2.5\n")
    out = tmp_path / "report"
    assert cli.main(["run", str(toy), "-f", str(params), "-p", "scale", "7", "-o", str(out)]) == 0
    result = json.loads((out / "out.json").read_text())
    assert result == {"scale": 7, "n": 5}  # -p wins over -f; the file was read from the notebook's folder
    html = (out / "toy.html").read_text()
    assert "assert scale" not in html  # code hidden by default
    assert nbformat.read(out / "toy.ipynb", as_version=4).cells[1].outputs == []


def test_cli_run_writes_where_the_parameters_output_dir_says(toy, tmp_path, capsys):
    """output_dir in a -f file was ignored: the report went to reports/runs/<notebook>."""
    (tmp_path / "study").mkdir()
    params = tmp_path / "study" / "p.yaml"
    params.write_text("scale: 2.5\noutput_dir: mine\n")  # relative to the file's folder, as its inputs are
    assert cli.main(["run", str(toy), "-f", str(params)]) == 0
    assert json.loads((tmp_path / "study" / "mine" / "out.json").read_text())["scale"] == 2.5
    assert cli.main(["run", str(toy), "-f", str(params), "-o", str(tmp_path / "other")]) == 2
    assert "-o " + str(tmp_path / "other") + " and output_dir " + str(tmp_path / "study" / "mine") + \
        " name two report folders; give one" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()


def test_a_study_or_a_batch_refuses_an_output_dir_of_its_own(tmp_path):
    from nakit.batch.manifest import jobs_from_manifest
    from nakit.paths import data_dir
    from nakit.study import load_study

    iso = data_dir() / "sorption" / "cmk3.aif"
    (tmp_path / "s.yaml").write_text(f"title: t\nsamples:\n  - {{label: A, sorption: {iso}}}\n"
                                     "parameters:\n  sorption: {output_dir: x}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"parameters for 02_bet_bjh: output_dir is the study's \(.*\); leave it out"):
        load_study(tmp_path / "s.yaml")
    (tmp_path / "m.yaml").write_text("notebooks:\n  02_bet_bjh: {output_dir: x}\nsamples:\n  A:\n"
                                     f"    02_bet_bjh: {{samples: [{{label: A, file: {iso}}}]}}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"sample 'A', 02_bet_bjh: output_dir is the batch's \(.*\); leave it out"):
        jobs_from_manifest(tmp_path / "m.yaml")


@pytest.mark.notebooks
def test_cli_run_failure_keeps_partial_notebook(toy, tmp_path, capsys):
    out = tmp_path / "report"
    assert cli.main(["run", str(toy), "-p", "scale", "500", "-o", str(out)]) == 1
    assert "scale too large" in capsys.readouterr().err
    assert not out.exists()  # a failed first run leaves no report, only its partial notebook
    executed = nbformat.read(tmp_path / "report.failed" / "toy.ipynb", as_version=4)
    assert any(o.get("ename") == "AssertionError" for o in executed.cells[-1].outputs)


def test_cli_refuses_unknown_parameter_before_kernel(toy, tmp_path, capsys):
    assert cli.main(["run", str(toy), "-p", "nope", "1", "-o", str(tmp_path / "r")]) == 2
    assert "unknown parameter 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_cli_bad_yaml_names_line(toy, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scale: 1\nscale: [\n")
    assert cli.main(["run", str(toy), "-f", str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err


def test_cli_finds_project_notebook_by_name(tmp_path, capsys):
    # refused before a kernel starts, but only after the name was resolved to notebooks/
    assert cli.main(["run", "00_synthesis_stoichiometry", "-p", "electrons", "two", "-o", str(tmp_path)]) == 2
    assert "00_synthesis_stoichiometry.ipynb: parameter 'electrons': expected a number like 2, got str 'two'" in capsys.readouterr().err


def test_fast_papermill_import_keeps_notebook_validation():
    runner._papermill()
    nb = nbformat.v4.new_notebook()
    nbformat.validate(nb)
    nb.cells = [{"id": "c1", "cell_type": "code", "source": "x", "metadata": {}}]  # no outputs or execution_count
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nb)


@pytest.mark.notebooks
def test_kernel_talks_over_private_unix_sockets(tmp_path):
    """Not over unencrypted loopback TCP, and not with sockets in the notebook's folder, where
    parallel runs of one notebook would collide; the socket directory is removed afterwards."""
    nb = _notebook(tmp_path / "where.ipynb", 'output_dir = "out"\nscale = 1.0\ndata_file = "where.ipynb"')
    nb_obj = nbformat.read(nb, as_version=4)
    nb_obj.cells.insert(1, nbformat.v4.new_code_cell(
        "import json, pathlib\nfrom ipykernel.kernelapp import IPKernelApp\napp = IPKernelApp.instance()\n"
        "pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
        "pathlib.Path(output_dir, 'kernel.json').write_text(json.dumps({'transport': app.transport, 'ip': app.ip}))"))
    nbformat.write(nb_obj, nb)
    result = runner.execute(nb, tmp_path / "report", html=False)
    assert result.error is None
    kernel = json.loads((tmp_path / "report" / "kernel.json").read_text())
    assert kernel["transport"] == "ipc"
    sockets = Path(kernel["ip"]).parent
    assert sockets.is_absolute() and tmp_path not in sockets.parents
    assert not sockets.exists()
    assert not list(tmp_path.glob("kernel-ipc*"))


@pytest.mark.notebooks
def test_make_lab_serves_only_the_nakit_kernel(tmp_path):
    """`make lab` starts JupyterLab on notebooks/ with "Python (nakit)" (this interpreter) as the
    default and only kernel; checked through the running server's REST API."""
    import os
    import shlex
    import shutil
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from nakit.paths import project_root

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = project_root()
    plan = subprocess.run(["make", "-n", "lab"], cwd=root, capture_output=True, text=True, check=True).stdout
    command = [line for line in plan.splitlines() if "jupyter lab" in line]
    assert len(command) == 1, plan
    argv = shlex.split(command[0])
    assert Path(root / argv[0]).resolve().parent == Path(sys.executable).parent
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv += ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             "--IdentityProvider.token=nakit-test", f"--ServerApp.runtime_dir={tmp_path}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}  # no user config may change the result
    proc = subprocess.Popen(argv, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    def get(path):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": "token nakit-test"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    try:
        deadline = time.time() + 120
        while True:
            try:
                specs = get("/api/kernelspecs")
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(1)
        assert specs["default"] == "nakit"
        assert list(specs["kernelspecs"]) == ["nakit"]
        spec = specs["kernelspecs"]["nakit"]["spec"]
        assert spec["display_name"] == "Python (nakit)"
        assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()
        names = {c["name"] for c in get("/api/contents")["content"]}
        assert "02_bet_bjh.ipynb" in names  # the server's root is notebooks/
        for nb in (root / "notebooks").glob("*.ipynb"):
            meta = json.loads(nb.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {})
            if meta.get("name") != "nakit":
                pytest.fail(f"{nb.name} names kernel {meta.get('name')!r}, not 'nakit'")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_warmed_exporter_renders_the_same_html_as_a_process_first_rendering(tmp_path):
    """Runs render with an exporter that rendered a small notebook first (templates and selectors
    compiled off the critical path); its HTML is the same as a fresh process's first rendering."""
    import subprocess
    import sys

    nb = nbformat.v4.new_notebook()
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nSome *text* and $x^2$."),
                nbformat.v4.new_code_cell("print(1)", execution_count=1, outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("display_data", {"image/png": png, "text/plain": "<Figure>"}),
                    nbformat.v4.new_output("execute_result", {"text/html": "<table><tr><td>1</td></tr></table>",
                                                              "text/plain": "1"}, execution_count=1)])]
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    code = ("import sys, nbformat\nfrom nakit import runner\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "first, _ = runner._html_exporter(False).from_notebook_node(nb)\n"  # the process's first rendering
            "runner._ready_exporter.cache_clear(); runner._html_exporter.cache_clear()\n"
            "warmed, _ = runner._ready_exporter(False).from_notebook_node(nb)\n"
            "sys.exit(0 if first == warmed and 'Title' in first else 1)")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
