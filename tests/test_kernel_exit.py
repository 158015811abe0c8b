"""A kernel nakit starts exits as soon as it is asked (nakit._kernel_ext), cold or forked, and has
IPython's history database off (runner.KERNEL_OPTIONS)."""

import os
import time

import pytest

from nakit import runner, zygote

pytestmark = pytest.mark.notebooks


def _exit_seconds(kernel, forked: bool) -> float:
    """Run a print in ``kernel``, retire it as a batch does, and time until its process is gone."""
    from jupyter_client.blocking import BlockingKernelClient

    client = BlockingKernelClient()
    try:  # (whatever fails, the client's sockets go: a leaked context hangs a later GC)
        client.load_connection_info(kernel.km.get_connection_info())
        client.start_channels(hb=False)
        client.wait_for_ready(timeout=300)
        printed = []
        reply = client.execute_interactive(
            "import nakit.zygote; print(nakit.zygote.FORKED, get_ipython().history_manager.enabled)", timeout=300,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        assert "".join(printed).split() == [str(forked), "False"]
    finally:
        client.stop_channels()
        client.context.destroy(linger=0)
    started = time.monotonic()
    kernel.retire()
    while not kernel.exited() and time.monotonic() - started < 30:
        time.sleep(0.02)
    seconds = time.monotonic() - started
    kernel.shutdown(now=True)
    return seconds


# ipykernel's exit stops the IOPub thread, then joins the control thread, which may still be
# flushing the streams after the shutdown request through IOPub: it then waits out its flush timeout
# (10 s). Without the extension one cold exit in four lost that race, nearly every forked one.
RUNS = 6


def test_a_cold_kernel_exits_at_once_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("NAKIT_ZYGOTE", "0")
    waits = [_exit_seconds(runner.Kernel(runner.kernel_name(), tmp_path, warm=False), False) for _ in range(RUNS)]
    assert max(waits) < 5, waits


@pytest.mark.skipif(not zygote.available(), reason="zygotes need Linux (fork, prctl)")
def test_a_forked_kernel_exits_at_once_when_asked(tmp_path):
    z = zygote.Zygote(runner.kernel_name(), tmp_path, {k: v for k, v in os.environ.items()
                                                       if k != "PYTEST_CURRENT_TEST"})
    try:
        waits = []
        for _ in range(RUNS):
            os.environ.pop("PYTEST_CURRENT_TEST", None)  # (pytest sets it anew in each phase)
            kernel = runner.Kernel(runner.kernel_name(), tmp_path, zygote=z)
            assert kernel.zygote is z
            waits.append(_exit_seconds(kernel, True))
    finally:
        z.close()
    assert max(waits) < 5, waits
