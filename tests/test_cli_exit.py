"""The command's own process ends without tearing the interpreter down (nakit.cli._exit_now):
its exit handlers still run, its output is complete, its exit status is the command's."""

import os
import subprocess
import sys

import pytest

PRELUDE = (
    "import atexit, sys, threading, time\n"
    "atexit.register(lambda: print('exit handler ran', file=sys.stderr, flush=True))\n"
    "{extra}"
    "from nakit.cli import main\n"
    "main()\n"
    "print('not reached', file=sys.stderr)\n"
)


def command(*args, extra=""):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output to a pipe block-buffered
    return subprocess.run([sys.executable, "-c", PRELUDE.format(extra=extra), *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_output_to_a_pipe_is_complete_and_exit_handlers_run(capsys):
    from nakit import cli

    done = command("params", "05_eis_fitting")
    assert cli.main(["params", "05_eis_fitting"]) == 0  # in-process: returns, and its output is the same
    assert done.returncode == 0
    # a pipe is block-buffered: without the flush before the process ends, none of it would arrive
    assert done.stdout == capsys.readouterr().out and "kk_min_M" in done.stdout
    assert done.stderr.splitlines() == ["exit handler ran"]


def test_a_failing_command_keeps_its_status():
    done = command("params", "no_such_notebook")
    assert done.returncode == 2
    assert "nakit: error:" in done.stderr and done.stderr.rstrip().endswith("exit handler ran")


@pytest.mark.parametrize("daemon", [False, True])
def test_a_live_thread_is_joined_unless_it_is_a_daemon(daemon):
    # a daemon sleeps long enough that no load makes the command outlast it (0.5 s did, on a loaded CI machine)
    thread = (f"threading.Thread(target=lambda: (time.sleep({60 if daemon else 0.5}), print('thread finished', "
              f"file=sys.stderr, flush=True)), daemon={daemon}).start()\n")
    done = command("params", "00_synthesis_stoichiometry", extra=thread)
    assert done.returncode == 0
    assert ("thread finished" in done.stderr) is (not daemon)
    assert "exit handler ran" in done.stderr and "not reached" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_output_that_cannot_be_written_is_an_error_not_a_silent_success():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:  # every write: no space left on the device
        done = subprocess.run([sys.executable, "-c", "from nakit.cli import main; main()", "params",
                               "05_eis_fitting"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, env=env)
    assert done.returncode == 120  # as Python's own exit gives when it cannot flush stdout
    assert "nakit: error: the output could not be written" in done.stderr


def test_output_cut_short_by_the_reader_ends_quietly(tmp_path):
    """`nakit inspect raw/ | head -2`: the pipe closes early; no traceback, the shell's SIGPIPE status."""
    from nakit.paths import data_dir

    proc = subprocess.Popen([sys.executable, "-m", "nakit.cli", "inspect", str(data_dir())], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # the reader has seen enough before the first line (no race with the writes)
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_inspect_of_a_folder_with_nothing_to_read_says_so(tmp_path, capsys):
    """An empty folder, or one holding only nakit's output, printed nothing and exited 0."""
    from nakit import cli

    assert cli.main(["inspect", str(tmp_path)]) == 1
    assert f"no file to read in {tmp_path} (hidden files and what nakit wrote are skipped)" in capsys.readouterr().err
