"""Kernels forked by a zygote (nakit.zygote): the same outputs as a cold kernel, a fresh process per
run, nothing leaking from one run to the next, interrupts, the cold path when the zygote is gone,
and no process left behind."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nakit import runner, zygote
from nakit.paths import notebooks_dir

from .test_warm_kernels import _alive, _cells, _digests, _sources

pytestmark = [pytest.mark.notebooks,
              pytest.mark.skipif(not zygote.available(), reason="zygotes need Linux (fork, prctl)")]

NB00 = notebooks_dir() / "00_synthesis_stoichiometry.ipynb"

# What a notebook can see of the interpreter it runs in, then a change to global state that must
# not reach the next run (an rcParam, a module global, numpy's global random state).
PROBE = '''import json, os, sys, threading
import matplotlib, numpy as np, pandas as pd, nakit
state = {
    # set at import from what the import saw (pandas: 20 columns in a kernel, "fit the terminal" elsewhere)
    "pandas_max_columns": pd.get_option("display.max_columns"),
    # the connection file (after -f) differs by design; the kernel options after it do not
    "argv": [a if b != "-f" else "FILE" for b, a in zip([None, *sys.argv], sys.argv)],
    "orig_argv": [a if b != "-f" else "FILE" for b, a in zip([None, *sys.orig_argv], sys.orig_argv)],
    "path": sys.path, "cwd": os.getcwd(), "history_db": get_ipython().history_manager.enabled,
    "env": {k: v for k, v in os.environ.items()}, "executable": sys.executable,
    "flags": str(sys.flags), "xoptions": sys._xoptions, "backend": matplotlib.get_backend(),
    "linewidth": matplotlib.rcParams["lines.linewidth"], "leaked": getattr(nakit, "_probe_leak", None),
    "main": sys.modules["__main__"].__name__, "threads": sorted(t.name for t in threading.enumerate()),
    # threads the notebook makes are numbered after every one made before, started or not
    # (ipykernel's debugger import makes one it never starts, imported ahead in a zygote)
    "new_thread": threading.Thread(target=print).name,
    "stdin_tty": os.isatty(0), "sid_is_pid": os.getsid(0) == os.getpid(),
}
draw = float(np.random.random())
pathlib_out = __import__("pathlib").Path(output_dir)
pathlib_out.mkdir(parents=True, exist_ok=True)
(pathlib_out / "probe.json").write_text(json.dumps({"state": state, "pid": os.getpid(), "ppid": os.getppid(),
                                                    "forked": getattr(sys.modules.get("nakit.zygote"), "FORKED", False),
                                                    "draw": draw}))
matplotlib.rcParams["lines.linewidth"] = 9.0
nakit._probe_leak = "from the previous run"
# left to the kernel's exit (a forked kernel's skips the modules' teardown): a thread that is not a
# daemon, an atexit function, a file left open (flushed when IPython clears the namespace at exit)
import atexit, threading, time
atexit.register(lambda: (pathlib_out / "atexit.txt").write_text("ran"))
threading.Thread(target=lambda: (time.sleep(0.5), (pathlib_out / "thread.txt").write_text("joined"))).start()
left_open = open(pathlib_out / "left_open.txt", "w")
left_open.write("flushed")
print(json.dumps(state, sort_keys=True)[:200])
'''


def _probe_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('output_dir = "out"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(PROBE)]
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _probe(result) -> dict:
    assert result.ok, result.error
    return json.loads((result.output_dir / "probe.json").read_text())


@pytest.fixture(scope="module")
def _module_zygote(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zygote")
    z = zygote.Zygote(runner.kernel_name(), folder,
                      {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"})
    yield z
    z.close()
    assert not _alive(z.pid)


@pytest.fixture
def shared(_module_zygote, monkeypatch):
    """One zygote (seconds of CPU to start) for the tests that do not stop it, in the folder of
    their notebooks; it exits when closed, its kernels with it. A test using it calls
    :func:`_same_env` first: pytest sets PYTEST_CURRENT_TEST anew in each test's every phase."""
    return _module_zygote


def _same_env(monkeypatch) -> None:
    """This test's environment as the shared zygote's (no PYTEST_CURRENT_TEST, restored after)."""
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)


def _pool(shared) -> runner.KernelPool:
    """A pool whose kernels the shared zygote forks (attached: the pool does not stop it)."""
    pool = runner.KernelPool()
    pool.zygote = zygote.Zygote.attach(shared.address())
    return pool


def test_forked_kernels_see_what_a_cold_kernel_sees_and_nothing_of_the_previous_run(tmp_path, shared, monkeypatch):
    _same_env(monkeypatch)
    nb = _probe_notebook(Path(shared.cwd))
    cold = _probe(runner.execute(nb, tmp_path / "cold", warm=False, html=False))
    pool = _pool(shared)
    try:
        first = _probe(runner.execute(nb, tmp_path / "first", kernels=pool, html=False))
        zygote_pid = pool.zygote.pid
        second = _probe(runner.execute(nb, tmp_path / "second", kernels=pool, html=False))
    finally:
        pool.close()
    assert not cold["forked"]
    # nakit's kernel options reach the cold kernel and the forked ones alike (compared below)
    assert cold["state"]["argv"][-len(runner.KERNEL_OPTIONS):] == list(runner.KERNEL_OPTIONS)
    assert cold["state"]["history_db"] is False
    for run in (first, second):
        assert run["forked"] and run["ppid"] == zygote_pid  # forked, not the cold fallback
        state, reference = dict(run["state"]), dict(cold["state"])
        # the injected output_dir differs by design; JPY_PARENT_PID is this test process in both
        assert state.pop("env") == reference.pop("env")
        assert state == reference  # argv, sys.path, cwd, backend, defaults (no leak), threads, session
    assert len({cold["pid"], first["pid"], second["pid"], zygote_pid}) == 4  # a new process per run
    # what the kernels' exits did (the pool waited for them): the same as the cold kernel's
    exits = {name: {p.name: p.read_text() for p in sorted((tmp_path / name).glob("*.txt"))}
             for name in ("cold", "first", "second")}
    assert {k: exits["cold"].get(k) for k in ("atexit.txt", "thread.txt", "left_open.txt")} == \
        {"atexit.txt": "ran", "thread.txt": "joined", "left_open.txt": "flushed"}
    assert exits["first"] == exits["cold"] and exits["second"] == exits["cold"]
    assert first["draw"] != second["draw"]  # numpy's global random state is not the zygote's
    assert not _alive(first["pid"]) and not _alive(second["pid"])


def test_forked_run_equals_a_cold_run_byte_for_byte(tmp_path):
    for attempt in range(2):  # in a shared working tree the notebook or nakit may be edited meanwhile
        before = _sources(NB00)
        folder = tmp_path / str(attempt)
        cold = runner.execute(NB00, folder / "cold", warm=False)
        pool = runner.KernelPool()
        try:
            forked = runner.execute(NB00, folder / "forked", kernels=pool)
            assert pool.spare is not None and pool.spare.zygote is pool.zygote
            pool.prefetch = False
            again = runner.execute(NB00, folder / "again", kernels=pool)  # the spare, forked meanwhile
        finally:
            pool.close()
        if _sources(NB00) == before:
            break
    else:
        pytest.skip("the notebook or nakit's source changed during both attempts")
    assert cold.ok and forked.ok and again.ok, (cold.error, forked.error, again.error)
    reference = _digests(cold.output_dir)
    assert reference
    assert _digests(forked.output_dir) == reference
    assert _digests(again.output_dir) == reference
    assert _cells(forked.executed) == _cells(cold.executed)
    assert _cells(again.executed) == _cells(cold.executed)


def test_interrupt_reaches_a_forked_kernel(shared, monkeypatch):
    _same_env(monkeypatch)
    from jupyter_client.blocking import BlockingKernelClient

    pool = _pool(shared)
    pool.prefetch = False
    kernel = pool.take(runner.kernel_name(), shared.cwd)
    client = BlockingKernelClient()
    try:  # (whatever fails, the kernel and the client's sockets go: a leaked context hangs a later GC)
        client.load_connection_info(kernel.km.get_connection_info())
        client.start_channels(hb=False)
        # until a kernel_info reply and IOPub traffic arrive: a SUB socket misses what is published
        # before its subscription is through (ZeroMQ's slow joiner), and execute_interactive would
        # then wait for an "idle" it never sees (this test's timeouts, on a loaded machine)
        client.wait_for_ready(timeout=300)
        printed = []
        reply = client.execute_interactive("import os; print(os.getppid())", timeout=300,
                                           output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        assert "".join(printed).strip() == str(pool.zygote.pid)  # forked
        msg_id = client.execute("import time; time.sleep(60)")
        time.sleep(1.0)
        started = time.monotonic()
        kernel._run_sync(kernel.km.interrupt_kernel)()
        reply = client.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - started < 20
        for _ in range(50):  # (ipykernel aborts the requests that reach it right after an error)
            reply = client.execute_interactive("1 + 1", timeout=60, output_hook=lambda msg: None)
            if reply["content"]["status"] != "aborted":
                break
            time.sleep(0.1)
        assert reply["content"]["status"] == "ok"  # still alive after the interrupt
    finally:
        client.stop_channels()
        client.context.destroy(linger=0)
        kernel.shutdown(now=True)
        pool.close()


def test_a_killed_zygote_means_cold_kernels_with_the_same_outputs(tmp_path):
    nb = _probe_notebook(tmp_path)
    pool = runner.KernelPool()
    try:
        first = _probe(runner.execute(nb, tmp_path / "first", kernels=pool, html=False))
        dead = pool.zygote
        assert first["forked"] and pool.spare is not None
        spare_pid = pool.spare.pid
        os.kill(dead.pid, signal.SIGKILL)
        dead.process.wait()
        after = _probe(runner.execute(nb, tmp_path / "after", kernels=pool, html=False))
        assert not after["forked"] and pool.zygote is None and not pool.use_zygote
        pool.prefetch = False
        last = _probe(runner.execute(nb, tmp_path / "last", kernels=pool, html=False))
    finally:
        pool.close()
    assert not last["forked"]
    assert not _alive(spare_pid)  # the spare forked before the kill was not handed out
    assert after["state"] == first["state"] == last["state"]


def test_a_refused_request_runs_the_kernel_cold_in_the_same_process(tmp_path, shared, monkeypatch):
    _same_env(monkeypatch)
    nb = _probe_notebook(Path(shared.cwd))
    pool = _pool(shared)
    try:
        pool.prefetch = False
        z = pool.zygote
        z.env = {**z.env, "NAKIT_PROBE": "1"}  # the pool thinks it matches; the zygote does not
        pool.env = {**os.environ, "NAKIT_PROBE": "1"}
        result = _probe(runner.execute(nb, tmp_path / "refused", kernels=pool, html=False))
    finally:
        pool.close()
    assert not result["forked"] and result["state"]["env"]["NAKIT_PROBE"] == "1"


TINY = '''import os, pathlib
pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)
(pathlib.Path(output_dir) / "pids.txt").write_text(f"{os.getpid()} {os.getppid()}")
'''


def test_a_batch_leaves_no_kernel_or_zygote_behind(tmp_path, workers="2"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('output_dir = "out"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(TINY)]
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    (tmp_path / "runs.yaml").write_text("output: batch\nnotebooks:\n  tiny.ipynb: {}\n"
                                        "samples:\n  A: {}\n  B: {}\n  C: {}\n  D: {}\n")
    done = subprocess.run([sys.executable, "-m", "nakit.cli", "-q", "batch", "runs.yaml", "-j", workers],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    pids = [tuple(map(int, p.read_text().split())) for p in (tmp_path / "batch").rglob("pids.txt")]
    assert len(pids) == 4
    kernels, parents = {p for p, _ in pids}, {pp for _, pp in pids}
    assert len(kernels) == 4
    assert len(parents) == 1  # one zygote, started by the batch, forked every worker's kernels
    assert not [p for p in kernels | parents if _alive(p)]


def test_a_zygote_imports_ahead_what_its_notebooks_cells_need(tmp_path):
    """The warm-up's optional imports follow the batch's notebooks (no kernel: the code only)."""
    nb = notebooks_dir()
    assert zygote.warm_extras([NB00]) == ()  # chemistry: atomic weights (no xraydb import), nothing to fit or store
    assert zygote.warm_extras([nb / "01_xrd_indexing.ipynb"]) == tuple(zygote.EXTRAS)
    assert zygote.warm_extras([NB00, nb / "05_eis_fitting.ipynb"]) == ("lmfit", "xarray", "styler")
    own = nbformat.v4.new_notebook()
    own.cells = [nbformat.v4.new_code_cell("from nakit.eis.fitting import fit_circuit\nimport os")]
    nbformat.write(own, tmp_path / "own.ipynb")
    assert zygote.warm_extras([tmp_path / "own.ipynb"]) == ("lmfit", "xarray", "styler")
    own.cells.append(nbformat.v4.new_code_cell("%matplotlib inline\nimport lmfit"))  # not Python: unknown
    nbformat.write(own, tmp_path / "magic.ipynb")
    assert zygote.warm_extras([tmp_path / "magic.ipynb"]) is None
    assert zygote.warm_extras([tmp_path / "missing.ipynb"]) is None
    # the code: what was asked for, each part skipped where not installed; None: all
    code = zygote.warm_imports(("xraydb",))
    compile(code, "<warm-up>", "exec")
    assert "import xraydb" in code and "lmfit" not in code and "h5netcdf" not in code
    assert all(line in zygote.WARM_IMPORTS for lines in zygote.EXTRAS.values() for line in lines)
    assert "xraydb" not in zygote.WARM_IMPORTS_CORE
    # what the code imports when run, in a fresh interpreter in the notebooks' folder
    pytest.importorskip("xraydb")
    pytest.importorskip("lmfit")
    for code, expected in ((zygote.WARM_IMPORTS_CORE, {"xraydb": False, "lmfit": False}),
                           (zygote.warm_imports(("xraydb",)), {"xraydb": True, "lmfit": False})):
        probe = code + "\nimport json, sys\nprint(json.dumps({m: m in sys.modules for m in ('xraydb', 'lmfit')}))\n"
        done = subprocess.run([sys.executable, "-c", probe], cwd=notebooks_dir(), capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout.splitlines()[-1]) == expected
