"""An IPython extension every kernel nakit starts for a run loads (:data:`nakit.runner.KERNEL_OPTIONS`).

It mends one thing in ipykernel's exit. A ``shutdown_request`` is handled on the kernel's control
thread: the handler stops the main thread's loop, then flushes the standard streams through the
IOPub thread. The main thread meanwhile runs the ``atexit`` functions, among them
``IPKernelApp.close``, which stops the IOPub thread first and joins the control thread after. When
the main thread gets there first, the flush waits for a thread that is gone, for ipykernel's
``flush_timeout`` (10 s), and the kernel outlives its run by that much: memory held, and a batch's
end (or a zygote's ``close``) waiting for it. IPython writing its history database at exit used to
hide the race most of the time; with the database off it was lost in one exit of four (cold
kernels) to nearly every one (forked).

Loaded as an extension, :func:`load_ipython_extension` registers :func:`stop_control_thread` with
``atexit`` after ipykernel registered ``close`` (at socket set-up), so it runs before it: the
control thread's loop is stopped after the step it is in, the message is finished with IOPub
still up, and ``close`` then finds the thread gone. An extension, not a line of code run in the
kernel: it leaves nothing in the notebook's namespace.
"""

from __future__ import annotations

import atexit

#: seconds the exit waits for the control thread to finish the message it is handling
CONTROL_JOIN_TIMEOUT = 2.0


def stop_control_thread() -> None:
    """Stop the running kernel's control thread once its current message is done (at most
    :data:`CONTROL_JOIN_TIMEOUT` seconds); nothing outside an ipykernel kernel."""
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError:
        return
    if not IPKernelApp.initialized():
        return
    thread = getattr(IPKernelApp.instance(), "control_thread", None)
    if thread is not None and thread.is_alive():
        thread.stop()
        thread.join(CONTROL_JOIN_TIMEOUT)


def load_ipython_extension(ipython) -> None:
    atexit.register(stop_control_thread)
