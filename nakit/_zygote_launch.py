"""The kernel command of a kernel forked by a zygote (:mod:`nakit.zygote`); standard library only.

Run by jupyter_client in place of the kernel, as ``python -I -S _zygote_launch.py SOCKET --
KERNEL_COMMAND...``. It starts in a few milliseconds (no site-packages, nothing of nakit), sends
the zygote the kernel command, its working folder, its environment and its standard streams,
and the zygote forks the kernel with exactly those. It then stands in for the kernel, so
jupyter_client can poll, signal and kill it as its own child:

* signals jupyter_client sends (interrupt = SIGINT to the process group, SIGTERM, ...) are
  relayed to the kernel through the zygote, its parent (no process-id reuse race);
* when the kernel exits, this process exits with the same status;
* when this process dies (SIGKILL from jupyter_client) the zygote kills the kernel; when the
  process that started it dies, it exits (and so the kernel), as a kernel does.

Whenever the zygote cannot serve (no socket, it refused the command, working folder or
environment, it went away before forking) this process *becomes* the kernel: it executes the
kernel command itself, as jupyter_client would have, so the run goes the cold way with the
same process id.
"""

import marshal
import os
import select
import signal
import socket
import struct
import sys

RELAYED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)
# seconds to wait for the zygote's answer; it answers once its imports are done (a few seconds,
# more on a loaded machine); past this the kernel is started cold
REPLY_TIMEOUT = 180.0


def _frame(obj) -> bytes:
    data = marshal.dumps(obj)
    return struct.pack(">I", len(data)) + data


def _read_frame(sock):
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    (n,) = struct.unpack(">I", head)
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return marshal.loads(data)


def _cold(cmd):
    """Become the kernel (the path jupyter_client takes without a zygote)."""
    for signum in RELAYED:
        signal.signal(signum, signal.SIG_DFL)
    os.execvp(cmd[0], cmd)


def _exit_like(status: int):
    """Exit as the kernel did: with its exit code, or killed by its signal."""
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: _zygote_launch.py SOCKET -- KERNEL_COMMAND...\n")
        os._exit(2)
    path, cmd = argv[0], argv[2:]
    parent = os.getppid()
    received = []  # signals that arrived before the kernel was forked (relayed once it is)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    for signum in RELAYED:
        signal.signal(signum, lambda n, _frame: received.append(n))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(REPLY_TIMEOUT)
        sock.connect(path)
        request = {"cmd": cmd, "cwd": os.getcwd(), "env": dict(os.environb)}
        socket.send_fds(sock, [_frame(request)], [0, 1, 2])
        reply = _read_frame(sock)
    except OSError:
        reply = None
    if not reply or "pid" not in reply:
        sock.close()
        signal.set_wakeup_fd(-1)
        _cold(cmd)
    sock.settimeout(None)
    while True:
        while received:
            try:
                sock.sendall(_frame({"signal": received.pop(0)}))
            except OSError:
                break
        ready, _, _ = select.select([sock, wake_r], [], [], 1.0)
        if wake_r in ready:
            try:
                os.read(wake_r, 512)
            except OSError:
                pass
        if sock in ready:
            try:
                message = _read_frame(sock)
            except OSError:
                message = None
            if message is None:  # the zygote went away: its kernels die with it (parent-death signal)
                os._exit(1)
            if "exit" in message:
                _exit_like(message["exit"])
        if os.getppid() != parent:  # whoever started the kernel is gone: so is the kernel
            os._exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
