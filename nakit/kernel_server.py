"""A per-user background process that keeps one warm kernel ready for ``nakit run``.

A ``nakit run`` pays for a kernel process to start and import numpy, pandas, xarray,
matplotlib and nakit (3-4 s on 2 cores), and for papermill and nbconvert to load in the
command itself (1-2 s), before the notebook's first cell. The kernel server pays both ahead:
it is a small process, started in the background by the first ``nakit run`` (which itself
runs the cold way), that has papermill and the HTML exporter loaded and one fresh kernel
started and warmed. The next ``nakit run`` sends it the validated run (notebook, report
folder, parameters, its environment) over a UNIX socket; the server runs it on that kernel
exactly as :func:`nakit.runner.execute` does in the command, replies, and starts the next
kernel after replying, so nobody waits for it. Its kernels are forked from a zygote
(:mod:`nakit.zygote`) that imported the common stack once, so starting the next one costs
milliseconds of CPU, not seconds; without a zygote they start cold as before. It exits after ``NAKIT_KERNEL_SERVER_IDLE``
seconds (default 600) without a run.

What keeps its reports identical to cold runs (tested byte for byte):

* every run still gets a fresh kernel process; one kernel runs one notebook;
* the server is identified by a fingerprint of the Python interpreter, nakit's source, the
  installed packages (the site-packages folders' modification times) and the client's
  environment (minus the shell's ``_``, ``PWD``, ``OLDPWD``, ``SHLVL``); a client whose
  fingerprint differs talks to another server (the socket's name carries it), so an edited
  nakit or an installed package never runs on a kernel that imported the old one;
* the kernel of a run is started with the client's exact environment; a spare started with
  another one (a changed ``PWD``, say) is replaced by a new kernel for that run.

Whenever anything is off the command runs the cold way: no server yet, a stale socket, a
server busy with another command's run (two commands at once), a fingerprint mismatch, a
broken connection. ``NAKIT_KERNEL_SERVER=0`` (or ``nakit run --no-server``) turns it off;
``=1`` turns it on. Unset, it is on for interactive use (standard input a terminal) and off
for scripts, CI and test runs, which should not leave background processes behind.

The socket, a lock file and the server's log live in ``$XDG_RUNTIME_DIR/nakit-<uid>`` (or
the temporary folder), a folder only its owner may enter (refused otherwise). Requests are
pickled: only processes of the same user can reach the socket, and they could run code as
that user anyway.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any, Mapping

OPT_ENV = "NAKIT_KERNEL_SERVER"
IDLE_ENV = "NAKIT_KERNEL_SERVER_IDLE"
DIR_ENV = "NAKIT_KERNEL_SERVER_DIR"  # where the socket lives (tests point it at a temporary folder)
DEFAULT_IDLE = 600.0
# set by the shell per command or per folder; they do not reach a notebook's results
VOLATILE = frozenset({"_", "PWD", "OLDPWD", "SHLVL"})
# seconds a client waits for the server to read its request and answer (running or busy)
# before running cold; generous for a loaded machine, the answer needs no kernel
CONNECT_TIMEOUT = 10.0


# -- where, and who ----------------------------------------------------------------------

def enabled(flag: bool | None = None) -> bool:
    """Whether ``nakit run`` should use a kernel server (``flag``: the command line's choice)."""
    if flag is not None:
        return flag
    if not hasattr(socket, "AF_UNIX") or not hasattr(os, "getuid"):
        return False
    setting = os.environ.get(OPT_ENV, "").strip().lower()
    if setting in ("0", "off", "no", "false"):
        return False
    if setting in ("1", "on", "yes", "true"):
        return True
    if "PYTEST_CURRENT_TEST" in os.environ or os.environ.get("CI"):
        return False
    try:
        return os.isatty(0)
    except OSError:
        return False


def state_dir() -> Path | None:
    """The per-user folder of sockets and locks, mode 0700; None when it is not safely ours."""
    base = os.environ.get(DIR_ENV)
    if base:
        folder = Path(base)
    else:
        import tempfile

        folder = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()) / f"nakit-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, parents=bool(base), exist_ok=True)
        st = folder.lstat()
    except OSError:
        return None
    import stat

    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return folder


def _source_digest() -> str:
    from .paths import PACKAGE_DIR

    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _packages_stamp() -> str:
    """Modification times of the folders packages install into: an install or removal changes them.

    (Not all of ``sys.path``: its first entry is the script's folder, which differs between
    the ``nakit`` command and the server; ``PYTHONPATH`` is part of the environment.)
    """
    import site
    import sysconfig

    folders = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    if site.ENABLE_USER_SITE:
        folders.add(site.getusersitepackages())
    parts = []
    for entry in sorted(folders):
        try:
            parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}:-")
    return "\n".join(parts)


def stable_env(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in VOLATILE}


def fingerprint(env: Mapping[str, str] | None = None) -> str:
    """What a server's kernels depend on: interpreter, nakit's source, packages, environment."""
    env = os.environ if env is None else env
    h = hashlib.sha256()
    for part in (sys.executable, sys.version, _source_digest(), _packages_stamp(),
                 repr(sorted(stable_env(env).items()))):
        h.update(part.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


def paths(fp: str, folder: Path) -> tuple[Path, Path, Path]:
    """Socket, lock file and log of the server with fingerprint ``fp``."""
    stem = folder / f"kernels-{fp[:24]}"
    return stem.with_suffix(".sock"), stem.with_suffix(".lock"), stem.with_suffix(".log")


# -- messages: a 4-byte length, then a pickle ----------------------------------------------

def _send(sock: socket.socket, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(struct.pack(">I", len(data)) + data)


def _recv(sock: socket.socket) -> Any:
    def exactly(n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("connection closed")
            buf += chunk
        return buf

    (n,) = struct.unpack(">I", exactly(4))
    return pickle.loads(exactly(n))


# -- the client side: nakit run ------------------------------------------------------------

def run(notebook: Path, output_dir: Path, parameters: Mapping[str, Any], *, show_code: bool = False,
        html: bool = True, spawn: bool = True):
    """Run on this user's kernel server; a :class:`nakit.runner.RunResult`, or None to run cold.

    None when there is no server with this fingerprint (one is started in the background
    for the next run, unless ``spawn`` is false), when it is busy with another run, or when
    anything about the exchange fails before the run started. Ctrl-C closes the connection;
    the server then kills the run's kernel and leaves the report as it was, as a cold run's
    Ctrl-C does.
    """
    folder = state_dir()
    if folder is None:
        return None
    env = dict(os.environ)
    fp = fingerprint(env)
    sock_path, lock_path, log_path = paths(fp, folder)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(str(sock_path))
            _send(sock, {"fingerprint": fp, "env": env, "notebook": str(notebook), "output_dir": str(output_dir),
                         "parameters": dict(parameters), "show_code": show_code, "html": html})
            status = _recv(sock)
        except (OSError, EOFError, pickle.PickleError, ConnectionError):
            if spawn:
                start_server(fp, folder)
            return None
        if status.get("status") != "running":  # busy with another run, or it refused the request
            if status.get("status") == "stale" and spawn:
                start_server(fp, folder)
            return None
        sock.settimeout(None)  # the run takes as long as the notebook takes
        try:
            reply = _recv(sock)
        except (OSError, EOFError, pickle.PickleError, ConnectionError) as exc:
            from .runner import RunResult

            # the server went away mid-run: say so, as a run whose kernel died would
            result = RunResult(notebook, output_dir, dict(parameters), output_dir / notebook.name)
            result.error = f"kernel server stopped during the run ({exc}); run with --no-server to run here"
            return result
    finally:
        sock.close()
    for line in reply.get("warnings", []):
        print(line, file=sys.stderr)
    result = reply["result"]
    result.server_pid = reply.get("server_pid")  # which server ran it, on which kernel process
    result.kernel_pid = reply.get("kernel_pid")
    return result


def start_server(fp: str, folder: Path) -> None:
    """Start a server for fingerprint ``fp`` in the background, detached from this command."""
    import subprocess

    _sock, lock_path, log_path = paths(fp, folder)
    if _locked(lock_path):
        return  # one is running (maybe still starting)
    with open(log_path, "ab") as log:
        # os.environ exactly: the C-level environment may hold more (GNU readline sets LINES and
        # COLUMNS there), which would give the server another fingerprint than this command's
        subprocess.Popen([sys.executable, "-m", "nakit.kernel_server", fp], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=log, cwd=str(folder), start_new_session=True, close_fds=True,
                         env=dict(os.environ))


def _locked(lock_path: Path) -> bool:
    import fcntl

    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


# -- the server ---------------------------------------------------------------------------

class Server:
    """Serve runs on fresh, warm kernels, one run at a time, until idle for ``idle`` seconds."""

    def __init__(self, fp: str, folder: Path, idle: float):
        import queue
        import threading

        self.fp = fp
        self.idle = idle
        self.sock_path, self.lock_path, _ = paths(fp, folder)
        self.jobs: queue.Queue = queue.Queue()
        self.busy = threading.Event()
        # set from the moment a run's reply goes out until busy clears: a command that connects
        # in that gap (its client got the reply a moment ago) waits for it, not runs cold
        self.finishing = threading.Event()
        self.current_pid: int | None = None  # kernel of the run in progress
        self.last_activity = time.monotonic()

    def serve(self) -> int:
        import fcntl
        import selectors
        import threading

        lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another server holds it
        os.ftruncate(lock_fd, 0)
        os.write(lock_fd, f"{os.getpid()}\n".encode())  # who to signal (tests, a user's kill)
        if fingerprint() != self.fp:  # nakit or the packages changed since the client looked
            print("nakit kernel server: nakit's source, the packages or the environment differ from the "
                  "command that started it; not serving", file=sys.stderr, flush=True)
            return 0
        try:
            self.sock_path.unlink()  # a stale socket: its server is gone (we hold the lock)
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o077)
        try:
            listener.bind(str(self.sock_path))
        finally:
            os.umask(old_umask)
        listener.listen(8)
        inode = self.sock_path.stat().st_ino
        worker = threading.Thread(target=self._work, name="nakit-kernel-server-runs", daemon=True)
        worker.start()
        self.jobs.put(("spare", dict(os.environ), None))
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ)
        running: socket.socket | None = None  # the connection of the run in progress
        import signal

        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
        try:
            while not stop:
                for key, _ in selector.select(timeout=0.5):
                    if key.fileobj is listener:
                        conn, _addr = listener.accept()
                        accepted = self._accept(conn, selector)
                        if accepted is not None:
                            if running is not None:  # the last run's: the worker has replied on it
                                self._close(selector, running)
                            running = accepted
                    elif key.fileobj is running:  # the client closed (after the reply, or Ctrl-C before)
                        if self.busy.is_set():
                            self._abandon()
                        running = self._close(selector, running)
                if running is not None and not self.busy.is_set():  # replied: the worker is done with it
                    running = self._close(selector, running)
                if not self.busy.is_set() and time.monotonic() - self.last_activity > self.idle:
                    break
                if not self._still_ours(inode):
                    break
        finally:
            self.jobs.put(("stop", None, None))
            worker.join(timeout=30)
            listener.close()
            if self._still_ours(inode):
                self.sock_path.unlink()
            os.close(lock_fd)
        return 0

    @staticmethod
    def _close(selector, conn: socket.socket) -> None:
        """Only this (the main) thread unregisters and closes a run's connection."""
        selector.unregister(conn)
        conn.close()
        return None

    def _still_ours(self, inode: int) -> bool:
        try:
            return self.sock_path.stat().st_ino == inode
        except OSError:
            return False

    def _accept(self, conn: socket.socket, selector) -> socket.socket | None:
        import selectors

        try:
            conn.settimeout(CONNECT_TIMEOUT)
            request = _recv(conn)
            if request.get("fingerprint") != self.fp:
                _send(conn, {"status": "stale"})
                conn.close()
                return None
            deadline = time.monotonic() + CONNECT_TIMEOUT / 2
            while self.busy.is_set() and self.finishing.is_set() and time.monotonic() < deadline:
                time.sleep(0.005)
            if self.busy.is_set():  # one run at a time: the other command runs cold
                _send(conn, {"status": "busy"})
                conn.close()
                return None
            self.busy.set()
            self.last_activity = time.monotonic()
            _send(conn, {"status": "running"})
            conn.settimeout(None)
        except (OSError, EOFError, pickle.PickleError, ConnectionError):
            conn.close()
            return None
        selector.register(conn, selectors.EVENT_READ)
        self.jobs.put(("run", request, conn))
        return conn

    def _abandon(self) -> None:
        """The client went away (Ctrl-C): kill the run's kernel; the run then fails and its
        report stays as it was, as after a Ctrl-C of a cold run."""
        import signal

        pid = self.current_pid
        if pid:
            _log(f"client went away: killed kernel {pid}")
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def _work(self) -> None:
        """Every kernel and papermill call lives in this one thread."""
        import warnings

        from . import runner

        pool = runner.KernelPool()
        pool.prefetch = False  # the next kernel starts after the reply, not during the run
        loaded = False
        try:
            while True:
                kind, request, conn = self.jobs.get()
                if kind == "stop":
                    return
                if kind == "spare":
                    self._start_spare(pool, request)
                    if not loaded:  # papermill, the exporter, one rendering: before the first run, not in it
                        runner.preload()
                        loaded = True
                    continue
                pool.env = request["env"]

                def take(name, cwd, _take=pool.take):
                    kernel = _take(name, cwd)
                    self.current_pid = kernel.pid
                    _log(f"run {request['notebook']} -> {request['output_dir']} on kernel {kernel.pid}")
                    return kernel

                pool.take = take
                try:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        result = runner.execute(Path(request["notebook"]), Path(request["output_dir"]),
                                                parameters=request["parameters"], show_code=request["show_code"],
                                                html=request["html"], kernels=pool)
                    reply = {"result": result, "kernel_pid": self.current_pid, "server_pid": os.getpid(),
                             "warnings": [warnings.formatwarning(w.message, w.category, w.filename, w.lineno).rstrip()
                                          for w in caught]}
                except Exception as exc:  # the server's own failure: the client reports it
                    result = runner.RunResult(Path(request["notebook"]), Path(request["output_dir"]),
                                              request["parameters"], Path(request["output_dir"]))
                    result.error = f"{type(exc).__name__}: {exc}"
                    reply = {"result": result, "warnings": []}
                finally:
                    del pool.take
                    self.current_pid = None
                _log(f"done {request['output_dir']}: {'ok' if reply['result'].ok else reply['result'].error}")
                self.finishing.set()
                try:
                    _send(conn, reply)
                except OSError:  # the client went away (Ctrl-C): nobody to tell
                    pass
                runner.reap_kernels()
                self.last_activity = time.monotonic()  # before busy clears: the idle clock restarts now
                self.busy.clear()
                self.finishing.clear()
                self._start_spare(pool, request["env"], Path(request["notebook"]).parent)
                self.last_activity = time.monotonic()
        finally:
            pool.close(wait=5.0)

    def _start_spare(self, pool, env: Mapping[str, str], cwd: Path | None = None) -> None:
        from . import runner
        from .paths import notebooks_dir

        cwd = cwd or notebooks_dir()
        pool.env = dict(env)
        try:  # forked by the pool's zygote (seconds of imports once, milliseconds per kernel after)
            pool.start_spare(runner.kernel_name(), cwd)
        except Exception as exc:  # no spare: the next run starts its own kernel
            print(f"nakit kernel server: could not start a spare kernel: {exc}", file=sys.stderr, flush=True)


def _log(text: str) -> None:
    """One line in the server's log (its standard error)."""
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} nakit kernel server: {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = state_dir()
    if len(argv) != 1 or folder is None:
        print("usage: python -m nakit.kernel_server FINGERPRINT (started by nakit run)", file=sys.stderr)
        return 2
    try:
        idle = float(os.environ.get(IDLE_ENV, "") or DEFAULT_IDLE)
    except ValueError:
        idle = DEFAULT_IDLE
    return Server(argv[0], folder, idle).serve()


if __name__ == "__main__":
    sys.exit(main())
