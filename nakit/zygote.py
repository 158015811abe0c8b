"""A zygote: one process that imports the kernel's common stack once and forks a fresh kernel per run.

A notebook kernel spends seconds of CPU importing ipykernel, numpy, pandas, xarray, matplotlib,
nakit and xraydb before the notebook's first cell. A batch pays that per run, on the same cores
its notebooks need. The zygote pays it once: a small single-threaded process (no zmq context, no
event loop, no thread of its own) that imports the stack as a kernel would and then, for each
run, forks. The child (a new process, with a new process id) takes the run's working folder,
environment and standard streams and starts ipykernel on the connection file jupyter_client
wrote, as ``python -m ipykernel_launcher -f FILE`` would. A fork costs milliseconds.

jupyter_client needs a kernel process it started: the kernel command becomes
``python -I -S nakit/_zygote_launch.py SOCKET -- <the kernel command>``, a stand-in that asks
the zygote to fork, relays signals (interrupts) to the kernel and exits with its status. When the
zygote cannot serve (not started, gone, refused: another interpreter or flags, working folder or
environment than it was started with, a thread running), the stand-in executes the kernel
command itself: the run takes the cold path in the same process.

What keeps a forked kernel's outputs identical to a cold kernel's (tested byte for byte):

* the zygote is started with the kernel's interpreter and flags, in the run's working folder,
  with the kernel's environment; a request that differs in any of these (except the variables
  jupyter_client sets per kernel, ``JPY_*``, and the shell's ``PWD``/``OLDPWD``/``SHLVL``/``_``,
  which no import reads) is refused: cold path;
* its imports happen as in a warm kernel (:data:`WARM_IMPORTS`): the working folder out of
  ``sys.path`` while ipykernel loads (``ipykernel_launcher``), then ``''`` put back before
  site-packages (IPython's ``init_path``), ``MPLBACKEND`` set to the inline backend when unset
  (ipykernel's ``init_gui_pylab``); no matplotlib backend is resolved and no IPython shell made,
  so the child's kernel sets up inline figures itself;
* the child gets the exact environment, working folder, ``sys.argv``/``sys.orig_argv`` and
  standard streams of a cold kernel, a new session (as ``start_new_session``), and default
  signal handlers;
* random state: Python's ``random`` reseeds itself in a forked child; numpy's global
  ``RandomState`` is reseeded from the operating system's entropy in the child, as a cold
  kernel's is at import (without this every child would draw the same "random" numbers). String
  hashing is the zygote's (``PYTHONHASHSEED`` unset: random per zygote instead of per kernel);
  a notebook whose outputs depend on either is not reproducible by any runner;
* native threads: OpenBLAS shuts its threads down before a fork and starts them again in the
  child (same count, same results); pyarrow's jemalloc background thread is restarted lazily.

Every forked kernel is bound to both ends: it gets a parent-death signal (the zygote dies ->
the kernel dies) and the zygote kills it when its stand-in goes away (jupyter_client killed
it). The zygote exits when its owner closes the control pipe (or dies), once its kernels have
exited. Linux only (``fork``, ``prctl``); elsewhere nothing changes.
"""

from __future__ import annotations

import os
import sys

# Set in a forked kernel: the warm-up below then has nothing left to do.
FORKED = False

# Run silently in a kernel started ahead of need, and by the zygote before it forks: the imports
# every notebook's first cells make anyway (numpy, pandas, matplotlib, nakit's report and house
# style), the figure backends and font subsetter, one small figure drawn so the fonts are
# loaded, the fonts parsed for PDF subsetting (:func:`nakit.plotting.preload_pdf_fonts`: each
# figure writer's child subsets its copy-on-write copy), and those of :data:`EXTRAS` asked for.
# Nothing is written (a throw-away PDF would only repeat font subsetting the notebook does for
# its own files). All inside a function: no name is
# left in the notebook's namespace, no pyplot figure is opened (no backend is resolved).
_WARM_UP = """\
def _nakit_warm_up():
    import sys
    if getattr(sys.modules.get("nakit.zygote"), "FORKED", False):
        return  # forked from a zygote that did all this
    import io
    import numpy, pandas, matplotlib, matplotlib.pyplot
    import matplotlib.backends.backend_pdf, matplotlib.backends.backend_svg, fontTools.subset
    import nakit, nakit.report, nakit.plotting, nakit.layout, nakit._ticks, nakit.figwriter, nakit.chemistry
    nakit.chemistry.atomic_mass("Na")  # the element table read once (formulas: notebooks 00 and 04)
%s    from matplotlib.figure import Figure
    fig = Figure(figsize=(2, 2), dpi=50)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="warm-up")
    ax.set_xlabel("2θ (°), Å, µm")
    ax.set_ylabel("$x_{2}$")  # builds matplotlib's mathtext parser (notebooks 01-03 still use mathtext)
    ax.legend()
    fig.savefig(io.BytesIO(), format="png")
    nakit.plotting.preload_pdf_fonts()  # parsed once here, not in every kernel forked from here
_nakit_warm_up()
del _nakit_warm_up
"""
# The warm-up's optional parts, each skipped where its packages are not installed: what most
# technique notebooks load, seconds of CPU that notebook 00 and small notebooks do not need.
EXTRAS = {
    # X-ray scattering factors for reference patterns (notebook 01): 0.35 s to load
    "xraydb": ("import xraydb", 'xraydb.atomic_mass("Na")'),
    "lmfit": ("import lmfit",),  # fits (01, 03-05): ~0.5 s
    "pybaselines": ("import pybaselines",),  # baselines (01, 03)
    "gemmi": ("import gemmi",),  # CIFs (01)
    # results as Datasets (every technique notebook; not notebook 00): h5netcdf writes them; xarray
    # imports its optional parallel stack (dask) on the first Dataset and its unit-aware array
    # support (pint) on the first index, where installed
    "xarray": ("import xarray, h5netcdf", 'xarray.Dataset({"warm_up": ("x", [0.0])}, coords={"x": [0.0]})'),
    # tables shown styled (results tables, the claims ledger): pandas' Styler loads jinja2
    "styler": ("import pandas.io.formats.style",),
}


def warm_imports(extras=None) -> str:
    """The warm-up's code with the :data:`EXTRAS` named in ``extras`` (None: all of them)."""
    names = list(EXTRAS) if extras is None else [name for name in EXTRAS if name in set(extras)]
    lines = ""
    for name in names:
        body = "".join(f"        {line}\n" for line in EXTRAS[name])
        lines += f"    try:\n{body}    except ImportError:\n        pass\n"
    return _WARM_UP % lines


# the zygote's, and a kernel's started ahead of need (unless told which notebooks follow): all
WARM_IMPORTS = warm_imports()
# a kernel's started for a run at once (nakit run without the kernel server): the notebook's first
# cell waits for its warm-up, so only what every notebook imports; the extras come with the cells
# that use them
WARM_IMPORTS_CORE = warm_imports(())

# What of EXTRAS the cells of a notebook need, by the modules they import (a module's own
# submodules included): nakit imports these packages lazily, in the functions that use them.
NEEDS = {
    "nakit.xrd": ("xraydb", "lmfit", "pybaselines", "gemmi", "xarray", "styler"),
    "nakit.sorption": ("gemmi", "xarray", "styler"),  # (DFT fits with SciPy's NNLS, not lmfit)
    "nakit.raman": ("lmfit", "pybaselines", "xarray", "styler"),
    "nakit.cycling": ("lmfit", "xarray", "styler"),
    "nakit.eis": ("lmfit", "xarray", "styler"),
    "nakit.paperfigs": ("xarray", "styler"),
    "nakit.claims": ("styler",),
    "nakit.io": ("xarray",),
    "xarray": ("xarray",), "h5netcdf": ("xarray",), "xraydb": ("xraydb",), "lmfit": ("lmfit",),
    "pybaselines": ("pybaselines",), "gemmi": ("gemmi",),
}


def warm_extras(notebooks) -> tuple[str, ...] | None:
    """The :data:`EXTRAS` the code cells of ``notebooks`` (paths) need, by their imports (:data:`NEEDS`).

    None (all of them) when a notebook cannot be read or parsed. What is left out is imported by
    the cells that use it, as in a cold kernel: the choice changes the time a run takes, never
    its outputs.
    """
    import ast
    import json

    wanted: set[str] = set()
    for path in notebooks:
        try:
            with open(path, encoding="utf-8") as fh:
                cells = json.load(fh)["cells"]
            sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                       for c in cells if c.get("cell_type") == "code"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        for source in sources:
            try:
                tree = ast.parse(source)
            except SyntaxError:  # (IPython magics): its imports are not known
                return None
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
                else:
                    continue
                for module in modules:
                    parts = module.split(".")
                    for n in range(1, len(parts) + 1):
                        wanted.update(NEEDS.get(".".join(parts[:n]), ()))
    return tuple(name for name in EXTRAS if name in wanted)


OPT_ENV = "NAKIT_ZYGOTE"  # "0" turns zygotes off (every kernel starts cold)
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_zygote_launch.py")
# set per kernel by jupyter_client, or by the shell per command: read by no import
VOLATILE_ENV = frozenset({"_", "PWD", "OLDPWD", "SHLVL", "JPY_PARENT_PID", "JPY_SESSION_NAME",
                          "JPY_INTERRUPT_EVENT", "IPY_INTERRUPT_EVENT"})
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def available() -> bool:
    """Whether zygotes can be used here (Linux, and not turned off with ``NAKIT_ZYGOTE=0``)."""
    if os.environ.get(OPT_ENV, "").strip().lower() in ("0", "off", "no", "false"):
        return False
    import socket

    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "send_fds")


def kernel_command(name: str) -> list[str] | None:
    """The kernel ``name``'s command up to its connection file, as jupyter_client forms it.

    None unless it is an ipykernel started as ``PYTHON [FLAGS] -m ipykernel_launcher -f
    {connection_file}`` (the only shape a zygote reproduces).
    """
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec(name)
    except Exception:
        return None
    argv = list(spec.argv)
    if spec.env or len(argv) < 5 or argv[-4:] != ["-m", "ipykernel_launcher", "-f", "{connection_file}"]:
        return None
    if argv[0] in {"python", f"python{sys.version_info[0]}", "python%i.%i" % sys.version_info[:2]}:
        argv[0] = sys.executable  # as jupyter_client's format_kernel_cmd does
    if any("{" in part for part in argv[:-1]):
        return None
    return argv[:-1]


def serves(cmd, prefix: list[str]) -> bool:
    """Whether kernel command ``cmd`` is ``prefix`` (:func:`kernel_command`) with a connection file and
    perhaps the kernel's own options after it, which the forked kernel parses as a cold one would."""
    return len(cmd) > len(prefix) and list(cmd[:len(prefix)]) == prefix


def comparable_env(env) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in VOLATILE_ENV}


# -- the owner's side ------------------------------------------------------------------------

class Zygote:
    """A zygote process for kernel ``name`` in working folder ``cwd`` with environment ``env``.

    Started at once in the background (its imports take seconds); kernels asked of it before it
    is ready wait for it. :meth:`wrap` turns jupyter_client's kernel command into the stand-in's.
    :meth:`close` stops it (its kernels first get ``wait`` seconds to exit). ``extras``: the
    warm-up's optional imports (:data:`EXTRAS`; None: all), e.g. :func:`warm_extras` of the notebooks
    its kernels will run.

    Raises
    ------
    RuntimeError
        When the kernel's command is not one a zygote reproduces (see :func:`kernel_command`).
    """

    def __init__(self, name: str, cwd, env=None, extras=None):
        import json
        import shutil
        import socket
        import subprocess
        import tempfile

        prefix = kernel_command(name)
        if prefix is None:
            raise RuntimeError(f"kernel {name!r} is not started as 'python -m ipykernel_launcher'")
        self.name = name
        self.cwd = os.path.realpath(cwd)
        env = dict(os.environ if env is None else env)
        env.pop("PYTHONEXECUTABLE", None)  # jupyter_client does not pass it to kernels either
        self.env = env
        self.prefix = prefix
        self.extras = None if extras is None else tuple(extras)
        # a short folder directly under /tmp: a UNIX socket path must fit in 107 bytes
        self.folder = tempfile.mkdtemp(prefix="nakit-z-", dir="/tmp" if os.path.isdir("/tmp") else None)
        self.socket_path = os.path.join(self.folder, "z.sock")
        self.log_path = os.path.join(self.folder, "z.log")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        control_r, control_w = os.pipe()
        try:
            # bound here, before the zygote starts: a kernel asked for meanwhile queues on it
            listener.bind(self.socket_path)
            listener.listen(64)
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [prefix[0], *prefix[1:-3], "-c", "from nakit.zygote import main; main()",
                     str(listener.fileno()), str(control_r), json.dumps(prefix), json.dumps(self.extras)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.cwd, env=env,
                    pass_fds=(listener.fileno(), control_r), start_new_session=True)
        except BaseException:
            os.close(control_w)
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            listener.close()
            os.close(control_r)
        self._control = control_w
        self._pid = self.process.pid

    def matches(self, name: str, cwd, env=None) -> bool:
        env = dict(os.environ if env is None else env)
        env.pop("PYTHONEXECUTABLE", None)
        return (self.name == name and self.cwd == os.path.realpath(cwd)
                and comparable_env(self.env) == comparable_env(env))

    @classmethod
    def attach(cls, address: dict) -> "Zygote":
        """A handle on another process's zygote (:meth:`address`): used, never stopped, by this one."""
        self = cls.__new__(cls)
        self.__dict__.update(address)
        self.process, self._control = None, None
        return self

    def address(self) -> dict:
        """What :meth:`attach` needs (picklable): a pool's worker processes share their parent's zygote."""
        return {k: getattr(self, k) for k in ("name", "cwd", "env", "prefix", "extras", "folder", "socket_path",
                                              "log_path", "_pid")}

    def alive(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        try:  # attached: its owner reaps it, so a zombie would look alive; the socket goes with it
            os.kill(self._pid, 0)
        except OSError:
            return False
        return os.path.exists(self.socket_path)

    def wrap(self, cmd: list[str]) -> list[str]:
        """The stand-in's command for kernel command ``cmd`` (``cmd`` itself when not ours)."""
        if not self.alive() or not serves(cmd, self.prefix):
            return list(cmd)
        return [cmd[0], "-I", "-S", LAUNCHER, self.socket_path, "--", *cmd]

    @property
    def pid(self) -> int:
        return self._pid

    def close(self, wait: float = 5.0, kill: bool = True) -> None:
        """Stop: no new kernels; give running ones ``wait`` seconds to exit, then kill all.

        ``kill=False`` only stops it taking requests: it exits by itself once its kernels have
        (a later :meth:`close` waits for that and frees it).
        """
        import shutil
        import subprocess

        if self.process is None:  # attached: its owner stops it
            return
        if self._control is not None:
            os.close(self._control)
            self._control = None
        try:
            if wait > 0:
                self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
        if not kill:
            return
        if self.process.poll() is None:
            self.process.kill()  # its kernels die with it (parent-death signal)
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


# -- the zygote process ----------------------------------------------------------------------

def _frame(obj) -> bytes:
    import marshal
    import struct

    data = marshal.dumps(obj)
    return struct.pack(">I", len(data)) + data


def _read_exactly(conn, n: int, data: bytes = b"") -> bytes | None:
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _read_frame(conn):
    import marshal
    import struct

    head = _read_exactly(conn, 4)
    if head is None:
        return None
    body = _read_exactly(conn, struct.unpack(">I", head)[0])
    return None if body is None else marshal.loads(body)


def _read_request(conn):
    """The stand-in's first message and the three standard streams it sent with it."""
    import marshal
    import socket
    import struct

    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    if len(data) < 4:
        data = _read_exactly(conn, 4, data) or b""
    (n,) = struct.unpack(">I", data[:4])
    body = _read_exactly(conn, n, data[4:])
    return (None if body is None else marshal.loads(body)), fds


def _preload(extras=None) -> list[str]:
    """Import what a warm kernel has imported when the notebook's first cell runs, as it would
    (:func:`warm_imports` with ``extras``).

    Returns what the imports asked of the IPython shell beyond "is it a kernel's" (the zygote
    then refuses to fork).
    """
    import importlib

    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel.zmqshell  # noqa: F401
    import IPython.core.debugger  # noqa: F401  (and pdb: the kernel's init_pdb imports both)

    # what every run's kernel imports besides, each side-effect free (no registry, no rcParams):
    # psutil (ipykernel stops the kernel's child processes with it at shutdown), IPython's object
    # inspector (named in the kernel's config), pyarrow's pandas bridge (pandas' string columns)
    for name in ("psutil", "IPython.core.oinspect", "pyarrow.pandas_compat", "pyarrow.vendored.version"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass

    # ipykernel.debugger (debugpy: 0.1 s of CPU in every kernel's start) is imported when the kernel
    # is made; ahead here, its side effects replayed then (_Replay). Where frozen modules are on,
    # its import warns on stderr, which a kernel sends to the notebook: left to the kernel there.
    if sys._xoptions.get("frozen_modules") == "off":
        _import_ahead("ipykernel.debugger")
    base = list(sys.path)
    if "" not in sys.path and not sys.flags.safe_path:  # as IPython's InteractiveShellApp.init_path
        where = next((i for i, p in enumerate(sys.path)
                      if os.path.basename(p) in ("site-packages", "dist-packages")), 0)
        sys.path.insert(where, "")
    saved_env = dict(os.environ)
    if not os.environ.get("MPLBACKEND"):  # as ipykernel's init_gui_pylab, before anything imports matplotlib
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    os.environ.update(KERNEL_ENV)
    with _as_in_a_kernel() as asked:
        try:
            exec(compile(warm_imports(extras), "<nakit warm-up>", "exec"), {"__name__": "__nakit_warm_up__"})
        finally:
            sys.path[:] = base
            os.environ.clear()
            os.environ.update(saved_env)
    return asked


class _Replay:
    """A module the zygote imported ahead, and what its import did besides loading modules.

    Its import took ``threads`` numbers from threading's counter (each ``threading.Thread()`` made
    without a name takes one; a forked kernel's later threads would otherwise be named otherwise
    than a cold kernel's), set the environment variables ``env``, and registered the ``exits``
    functions with atexit; the zygote undid all three. :meth:`arm` (in a forked kernel) takes the
    module out of ``sys.modules``; the kernel's first import of it then gets the same module
    object back and does those three things, at the point where a cold kernel's import does.
    """

    def __init__(self, name, module, threads, env, exits):
        self.name, self.module, self.threads, self.env, self.exits = name, module, threads, env, exits
        self.spec = module.__spec__

    def arm(self) -> None:
        parent, _, child = self.name.rpartition(".")
        sys.modules.pop(self.name, None)
        if parent and getattr(sys.modules.get(parent), child, None) is self.module:
            delattr(sys.modules[parent], child)  # (``from parent import child`` imports it too)
        sys.meta_path.insert(0, self)

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        import importlib.util

        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        import atexit
        import threading

        sys.meta_path.remove(self)
        module.__spec__ = self.spec
        for _ in range(self.threads):
            threading._counter()
        os.environ.update(self.env)
        for func, args, kwargs in self.exits:
            atexit.register(func, *args, **kwargs)


_replays: list[_Replay] = []


def _import_ahead(name: str) -> None:
    """Import ``name`` and undo what the import did besides loading modules (see :class:`_Replay`)."""
    import atexit
    import importlib
    import itertools
    import threading

    env = dict(os.environ)
    exits: list = []
    register = atexit.register

    def record(func, *args, **kwargs):
        exits.append((func, args, kwargs))
        return func

    first = threading._counter()  # (taken here, given back below)
    atexit.register = record
    try:
        module = importlib.import_module(name)
    except Exception:  # the kernel imports it (and reports any error) as a cold kernel would
        return
    finally:
        atexit.register = register
        taken = threading._counter() - first - 1
        threading._counter = itertools.count(first).__next__
        changed = {k: v for k, v in os.environ.items() if env.get(k) != v}
        removed = set(env) - set(os.environ)
        os.environ.clear()
        os.environ.update(env)
    if removed:  # (a variable removed: not replayed; the kernel imports it itself)
        sys.modules.pop(name, None)
        return
    _replays.append(_Replay(name, module, taken, changed, exits))


# what ipykernel's shell sets in the kernel's environment before any cell runs
# (ZMQInteractiveShell.init_environment); imports in a warm kernel see them
KERNEL_ENV = {"TERM": "xterm-color", "CLICOLOR": "1", "FORCE_COLOR": "1", "CLICOLOR_FORCE": "1",
              "PAGER": "cat", "GIT_PAGER": "cat"}
# modules known to ask for the IPython shell at import and only check that it is a kernel's
# (pandas: display.max_columns is 20 in a kernel, 0 = "fit the terminal" elsewhere)
SHELL_ASKERS = frozenset({"pandas.io.formats.console", "pandas.core.config_init"})


class _KernelShellStandIn:
    """What an import sees of the kernel's shell during the zygote's imports: that it is a kernel's.

    Any other use of it is recorded; the zygote then refuses to fork (the imports may have set
    themselves up otherwise than in a kernel)."""

    kernel = True

    def __init__(self, asked: list):
        object.__setattr__(self, "_asked", asked)

    def __getattr__(self, name):
        self._asked.append(f"attribute {name!r}")
        raise AttributeError(name)

    def __repr__(self):
        return "<ipykernel.zmqshell.ZMQInteractiveShell stand-in>"


# pandas also tells a kernel's shell by "zmq" in str(type(shell))
_KernelShellStandIn.__name__ = _KernelShellStandIn.__qualname__ = "ZMQInteractiveShell"
_KernelShellStandIn.__module__ = "ipykernel.zmqshell"


class _as_in_a_kernel:
    """During the imports: ``get_ipython`` and ``__IPYTHON__`` as a kernel's shell provides them."""

    def __enter__(self):
        import builtins

        import IPython
        import IPython.core.getipython as getipython

        self.asked: list[str] = []
        shell = _KernelShellStandIn(self.asked)

        def get_ipython():
            caller = sys._getframe(1).f_globals.get("__name__", "?")
            if caller not in SHELL_ASKERS:
                self.asked.append(f"get_ipython() from {caller}")
            return shell

        self.saved = [(builtins, name, getattr(builtins, name, _MISSING)) for name in ("get_ipython", "__IPYTHON__")]
        self.saved += [(IPython, "get_ipython", IPython.get_ipython), (getipython, "get_ipython", getipython.get_ipython)]
        builtins.get_ipython = IPython.get_ipython = getipython.get_ipython = get_ipython
        builtins.__IPYTHON__ = True
        return self.asked

    def __exit__(self, *exc):
        for owner, name, value in self.saved:
            if value is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, value)


_MISSING = object()


class _Server:
    """The zygote's loop: fork on request, relay signals, report exits. Single-threaded."""

    def __init__(self, listen_fd: int, control_fd: int, prefix: list[str], env: dict[str, str], refuse: str = ""):
        import socket

        self.refuse = refuse
        self.listener = socket.socket(fileno=listen_fd)
        self.control = control_fd
        self.prefix = prefix
        self.env = comparable_env(env)
        self.cwd = os.getcwd()
        self.pid = os.getpid()
        self.children: dict = {}  # connection -> kernel pid
        self.killed: set[int] = set()  # kernels killed because their stand-in went away

    def serve(self):
        """Serve until told to stop; in a forked child, return the kernel command to run."""
        import selectors
        import signal

        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        os.set_blocking(wake_r, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the loop through the pipe
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the owner stops it through the control pipe
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.selector.register(self.control, selectors.EVENT_READ)
        self.selector.register(wake_r, selectors.EVENT_READ)
        self.wake = (wake_r, wake_w)
        stopping = False
        while not (stopping and not self.children):
            for key, _ in self.selector.select(timeout=1.0):
                if key.fileobj is self.listener:
                    job = self._accept()
                    if job is not None:
                        return job  # in the child
                elif key.fileobj == self.control:
                    if not os.read(self.control, 512):  # the owner closed it, or died
                        stopping = True
                        self.selector.unregister(self.listener)
                        self.selector.unregister(self.control)
                        self.listener.close()
                elif key.fileobj == wake_r:
                    try:
                        os.read(wake_r, 512)
                    except BlockingIOError:
                        pass
                else:
                    self._message(key.fileobj)
            self._reap()
        return None

    def _accept(self):
        import threading

        conn, _ = self.listener.accept()
        fds: list[int] = []
        try:
            conn.settimeout(10.0)
            request, fds = _read_request(conn)
            refusal = self._refusal(request, fds, threading.active_count())
            if refusal:
                conn.sendall(_frame({"refused": refusal}))
                raise OSError(refusal)
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            pid = os.fork()
            if pid == 0:
                return self._become_kernel(conn, request, fds)
            try:
                conn.sendall(_frame({"pid": pid}))
            except OSError:  # the stand-in died meanwhile (killed): nobody will run this kernel
                import signal

                os.kill(pid, signal.SIGKILL)  # (reaped with the others)
                raise
            conn.settimeout(None)
        except OSError:
            conn.close()
            return None
        finally:
            if os.getpid() == self.pid:
                for fd in fds:
                    os.close(fd)
        import selectors

        self.children[conn] = pid
        self.selector.register(conn, selectors.EVENT_READ)
        return None

    def _refusal(self, request, fds, threads: int) -> str:
        if request is None or len(fds) != 3:
            return "incomplete request"
        if self.refuse:
            return self.refuse
        if not serves(request["cmd"], self.prefix):
            return "another kernel command"
        if os.fsdecode(request["cwd"]) != self.cwd:
            return "another working folder"
        env = {os.fsdecode(k): os.fsdecode(v) for k, v in request["env"].items()}
        if comparable_env(env) != self.env:
            return "another environment"
        if threads != 1:
            return "a thread is running"
        return ""

    def _become_kernel(self, conn, request, fds):
        """In the child: drop the zygote's sockets and handlers, take the run's streams and settings."""
        import signal

        try:
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self.selector.close()
            for fd in self.wake:
                os.close(fd)
            for other in self.children:
                other.close()
            if self.listener.fileno() >= 0:
                self.listener.close()
            try:
                os.close(self.control)
            except OSError:
                pass
            conn.close()
            _die_with_parent()
            if os.getppid() != self.pid:  # the zygote died before the signal was armed
                os._exit(1)
            os.setsid()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            for fd in fds:
                if fd > 2:
                    os.close(fd)
            os.chdir(os.fsdecode(request["cwd"]))
            env = {os.fsdecode(k): os.fsdecode(v) for k, v in request["env"].items()}
            os.environ.clear()
            os.environ.update(env)
            return [os.fsdecode(part) if isinstance(part, bytes) else part for part in request["cmd"]]
        except BaseException:
            os._exit(127)

    def _message(self, conn) -> None:
        """A stand-in's message (a signal to relay), or its end: kill its kernel."""
        import signal

        pid = self.children.get(conn)
        try:
            message = _read_frame(conn)
        except OSError:
            message = None
        if message is None:
            self.selector.unregister(conn)
            conn.close()
            self.children.pop(conn, None)
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                    self.killed.add(pid)
                except OSError:
                    pass
        elif "signal" in message and pid is not None:
            try:
                os.kill(pid, int(message["signal"]))
            except OSError:
                pass

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.killed.discard(pid)
            for conn, child in list(self.children.items()):
                if child == pid:
                    del self.children[conn]
                    self.selector.unregister(conn)
                    try:
                        conn.sendall(_frame({"exit": status}))
                    except OSError:
                        pass
                    conn.close()


def _die_with_parent() -> None:
    """SIGKILL this process when its parent (the zygote) dies."""
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _run_kernel(cmd: list[str], prefix: list[str]) -> None:
    """In the child: what ``python [FLAGS] -m ipykernel_launcher -f FILE [OPTIONS]`` does after its imports."""
    global FORKED
    import importlib.util

    FORKED = True
    for replay in _replays:
        replay.arm()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:  # fresh entropy, as a cold kernel's numpy gets at import
        numpy_random.seed()
    launcher = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *cmd[len(prefix) - 1:]]
    sys.orig_argv = list(cmd)
    from ipykernel import kernelapp

    env = os.environ
    # the traits' defaults were read from the zygote's environment at import; these are the run's
    kernelapp.launch_new_instance(parent_handle=int(env.get("JPY_PARENT_PID") or 0),
                                  interrupt=int(env.get("JPY_INTERRUPT_EVENT") or 0))


def _exit_without_teardown(code) -> None:
    """End a forked kernel as the interpreter's exit does, less tearing down the zygote's modules.

    Python's exit waits for the threads that are not daemons (and runs what
    ``threading._register_atexit`` registered), runs the ``atexit`` functions (the kernel closes
    its sockets; IPython clears the user's namespace, so files the notebook left open are closed,
    and ends its history session; nakit's figure writer joins its children) and flushes the
    standard streams; then it takes every module down. That last part decrements the reference
    count of every object the kernel inherited from the zygote, which copies each of their pages
    (copy-on-write) only to free it: about a third of a second of CPU per kernel, as much as its
    start. Here everything before it happens, in the same order (tested: what a notebook leaves to
    the kernel's exit is done as in a cold kernel), then the process ends with the status Python
    gives ``code``.
    """
    import atexit
    import threading

    try:
        threading._shutdown()
    except Exception:  # (the interpreter's exit reports it and goes on)
        pass
    atexit._run_exitfuncs()
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code & 0xFF
    else:  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(status)


def main() -> None:
    """``python [FLAGS] -c 'from nakit.zygote import main; main()' LISTEN_FD CONTROL_FD PREFIX EXTRAS``.

    ``EXTRAS``: JSON, a list of :data:`EXTRAS` names or null (all of them).
    """
    import json

    listen_fd, control_fd, prefix = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    extras = json.loads(sys.argv[4])
    env = dict(os.environ)
    # as ipykernel_launcher: the working folder is out of sys.path while the kernel's modules load
    if sys.path and (sys.path[0] == "" or os.path.realpath(sys.path[0]) == os.path.realpath(os.getcwd())):
        del sys.path[0]
    asked = _preload(extras)
    if asked:  # an import set itself up by the shell: a forked kernel might differ from a cold one
        print(f"nakit zygote: not forking, imports asked the IPython shell for: {'; '.join(asked)}",
              file=sys.stderr, flush=True)
    import gc
    import socket

    # the imported modules' objects stay as they are in every child: out of the cyclic collector's
    # sight, so a child's collections neither scan them nor copy their pages (results unaffected)
    gc.freeze()
    probe = socket.socket(fileno=os.dup(listen_fd))
    try:
        folder = os.path.dirname(probe.getsockname() or "")
    finally:
        probe.close()
    cmd = _Server(listen_fd, control_fd, prefix, env, refuse="imports use the IPython shell" if asked else "").serve()
    if cmd is not None:
        try:
            _run_kernel(cmd, prefix)
        except SystemExit as exc:
            _exit_without_teardown(exc.code)
        _exit_without_teardown(0)
    elif os.path.basename(folder).startswith("nakit-z-"):  # its owner may be gone: leave nothing behind
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
