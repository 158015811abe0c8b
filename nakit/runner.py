"""Executing parameterised notebooks into reports (papermill + nbconvert).

A notebook's first code cell is tagged ``parameters`` and holds literal defaults that run
on the shipped data. Two naming rules let the runner check a run before any kernel starts:

* parameters ending in ``_file`` (a path) or ``_files`` (a list of paths) are inputs; they
  must exist. Relative paths are relative to the notebook's folder, as in JupyterLab.
* in a list-of-dict parameter (``samples``), keys named ``file``/``files`` or ending in
  ``_file``/``_files`` are inputs too, and ``label`` must be unique; the comments of the
  parameters cell may list allowed values and entry keys (grammar: :mod:`nakit.params`).
* ``output_dir`` is where the notebook writes figures, results and ``claims.csv``; the
  runner points it at the report folder.

:func:`prepare` validates names, types and files and returns the full parameter set;
:func:`execute` runs the notebook and renders HTML (code hidden unless asked).
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import NakitError, ParameterError, require
from .io import atomic_path

from .params import INPUT_SUFFIXES  # noqa: F401  (re-exported: the input-file naming rule)


@dataclass
class RunResult:
    notebook: Path
    output_dir: Path
    parameters: dict[str, Any]
    executed: Path
    html: Path | None = None
    error: str | None = None
    #: the user's own files moved from the previous report into this one (:func:`nakit.runfolder.users_files`)
    kept: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def notebook_defaults(path: str | os.PathLike) -> dict[str, Any]:
    """The literal defaults of a notebook's ``parameters`` cell, as Python values."""
    from .params import notebook_parameters

    return {name: p.default for name, p in notebook_parameters(path).items()}


def input_paths(notebook: Path, parameters: Mapping[str, Any]) -> dict[str, list[Path]]:
    """Every input file a parameter set names, resolved against the notebook folder.

    Top-level ``*_file``/``*_files`` parameters, and the ``file``/``files``/``*_file``/
    ``*_files`` keys of list-of-dict parameters' entries (keyed ``samples[<label>].file``).
    """
    from .params import sample_inputs

    notebook = Path(notebook)
    out: dict[str, list[Path]] = {}
    for name, value in parameters.items():
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
            out.update(sample_inputs(name, value, notebook.parent))
            continue
        if not name.endswith(INPUT_SUFFIXES) or value in (None, ""):
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        out[name] = [(notebook.parent / str(v)).resolve() if not Path(str(v)).is_absolute() else Path(v)
                     for v in values]
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(default: Any, value: Any) -> Any:
    """``value`` for a parameter whose default is an integer (or a list of integers): a whole
    float (10.0, as YAML or ``-p`` may give it) as the integer, anything else unchanged."""
    if _is_int(default) and isinstance(value, float) and value.is_integer():
        return int(value)
    if (isinstance(default, (list, tuple)) and default and all(map(_is_int, default))
            and isinstance(value, (list, tuple))):
        return type(value)(_whole(default[0], v) for v in value)
    return value


def _compatible(default: Any, value: Any) -> bool:
    """Whether ``value`` (after :func:`_whole`) has the type of the parameter's default.

    An integer default declares a whole number (a count: fewest points, RC elements): a
    fraction there is refused, not rounded or passed on to fail in the kernel; a float
    default takes an integer as well."""
    if default is None or value is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) == isinstance(value, bool)
    if _is_int(default):
        return _is_int(value)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            return False
        return not (default and all(map(_is_int, default))) or all(map(_is_int, value))
    return isinstance(value, type(default))


def _expected(default: Any) -> str:
    """What a parameter takes, by its default, for a refusal."""
    if _is_int(default):
        return f"a whole number like {default!r}"
    if isinstance(default, (list, tuple)) and default and all(map(_is_int, default)):
        return f"a list of whole numbers like {list(default)!r}"
    if isinstance(default, float):
        return f"a number like {default:g}"
    return f"{type(default).__name__} like {default!r}"


def prepare(notebook: str | os.PathLike, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``overrides`` into a notebook's defaults and validate the result.

    Checks, all before any kernel starts: parameter names, value types, the allowed values
    a parameter's ``one of:`` comment lists, sample entries (unknown or missing keys per the
    ``keys:`` comment, duplicate labels, the rules of :mod:`nakit.samplerules`) and input
    files (top-level ``*_file``/``*_files`` parameters and the file keys of sample entries).
    Sample entries' input paths come back absolute (relative ones are relative to the notebook's
    folder).

    Raises
    ------
    ParameterError
        Listing every problem at once.
    """
    from .params import check, closest, closest_file, entry_key_problem, notebook_parameters

    notebook = Path(notebook)
    declared = notebook_parameters(notebook)
    defaults = {name: p.default for name, p in declared.items()}
    overrides = dict(overrides or {})
    problems = []
    refused = set()  # wrong kind of value: not checked further
    for name, value in overrides.items():
        if name not in defaults:  # a key of each samples entry given as a parameter is said to be one
            problems.append(entry_key_problem(declared, name, value, notebook.stem)
                            or f"unknown parameter {name!r}{closest(name, defaults)} "
                               f"(known: {', '.join(sorted(defaults))})")
            continue
        overrides[name] = value = _whole(defaults[name], value)
        if declared[name].allowed and isinstance(value, (int, float)) and not isinstance(value, bool):
            continue  # a number its "one of:" list refuses or takes: that says more than its type
        if not _compatible(defaults[name], value):
            refused.add(name)
            problems.append(f"parameter {name!r}: expected {_expected(defaults[name])}, "
                            f"got {type(value).__name__} {value!r}")
    params = {**defaults, **{k: v for k, v in overrides.items() if k in defaults}}
    for name, param in declared.items():
        if name in refused:
            continue
        params[name], found = check(param, params[name], notebook.parent.resolve())
        problems.extend(found)
    from . import samplerules

    problems += samplerules.problems(notebook.stem, params)  # (a pellet without temperatures, ...)
    for name, paths in input_paths(notebook, params).items():
        if "[" in name:  # sample entries: checked above, with the entry named
            continue
        for p in paths:
            if not p.exists():
                problems.append(f"parameter {name!r}: input file {p} does not exist{closest_file(p)}")
    if problems:
        error = ParameterError(f"{notebook.name}: " + "; ".join(problems))
        error.problems = problems  # one by one, for callers that list them (studies, manifests)
        raise error
    return params


def _papermill():
    """Import papermill without the 2.7 s that jsonschema's optional IRI checker costs.

    nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is
    installed (JupyterLab's dependencies bring it); that module builds a parser grammar at
    import. Notebook schemas use no IRI formats, so this process marks it unavailable and
    jsonschema skips that checker. Kernels and other programs are unaffected.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    return require("papermill", "notebooks", "executing notebooks")


def kernel_name() -> str:
    """The registered ``nakit`` kernel when it runs this interpreter, else ``python3``."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec("nakit")
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return "nakit"
    except Exception:  # no such kernel or jupyter_client missing: papermill's default
        pass
    return "python3"


# the warm-up a kernel started ahead of need runs silently (and a zygote before it forks)
from .zygote import WARM_IMPORTS_CORE, warm_imports  # noqa: E402

#: options every kernel nakit starts for a run is given (after its connection file; a forked kernel
#: parses them as a cold one does):
#:
#: * IPython's history database off. It would store the code of every run of every batch in the
#:   user's ``~/.ipython`` (one SQLite file shared by all kernels, grown to 180 MB on the machine
#:   this was measured on), writing it after each cell on a thread of the kernel and locking it
#:   against a batch's other kernels. The session's history stays in memory (``In``, ``_i``,
#:   ``%history``): no notebook sees a difference.
#: * :mod:`nakit._kernel_ext`, which keeps ipykernel's exit from waiting 10 s on a race.
KERNEL_OPTIONS = ("--HistoryManager.enabled=False", "--IPKernelApp.extra_extensions=nakit._kernel_ext")

# seconds a kernel may take to answer its first request; a warm kernel answers after its
# imports, which on a loaded machine can take longer than papermill's default 60 s
START_TIMEOUT = 300


class Kernel:
    """A fresh kernel process, started now and (optionally) warmed with :data:`nakit.zygote.WARM_IMPORTS`.

    ``ahead``: started ahead of need (a pool's spare), so its warm-up may take all of
    :data:`nakit.zygote.WARM_IMPORTS`; a kernel for a run at once imports only :data:`WARM_IMPORTS_CORE`
    (its notebook's first cell waits for the warm-up; the rest comes with the cells that use it).
    ``extras``: the optional imports a kernel started ahead takes (:data:`nakit.zygote.EXTRAS`;
    None: all of them).

    The warm-up is sent with ``silent=True, store_history=False`` and not waited for; it is
    queued before the notebook client connects, so the kernel normally runs it first and
    the notebook's first cell waits only for what is left of it. Wherever it runs, the
    notebook sees nothing of it but modules already imported: no names, no output, no
    execution count (counts still start at 1). One kernel runs one notebook; :meth:`retire`
    or :meth:`shutdown` ends it (the notebook client does not, as it did not start it).
    """

    def __init__(self, name: str, cwd: str | os.PathLike, *, warm: bool = True,
                 env: Mapping[str, str] | None = None, zygote=None, ahead: bool = False, extras=None):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self.name = name
        self.cwd = str(Path(cwd).resolve())
        # the kernel's environment: this process's unless given (a kernel server starts the
        # kernel of each client's run with that client's environment)
        self.env = dict(os.environ if env is None else env)
        self._sockets = tempfile.TemporaryDirectory(prefix="nakit-kernel-")
        self._clients = []
        self.km = AsyncKernelManager(kernel_name=name, config=_local_kernel_config(self._sockets.name))
        # forked by a zygote (nakit.zygote) when one serves this name, folder and environment:
        # jupyter_client then starts the zygote's stand-in, which runs the kernel command itself
        # (cold) whenever the zygote cannot serve
        self.zygote = zygote if zygote is not None and zygote.matches(name, cwd, self.env) else None
        if self.zygote is not None:
            format_kernel_cmd = self.km.format_kernel_cmd
            self.km.format_kernel_cmd = lambda extra_arguments=None: self.zygote.wrap(
                format_kernel_cmd(extra_arguments))
            warm = False  # a forked kernel has the warm-up's imports already
        run_sync(self.km.start_kernel)(cwd=self.cwd, env=dict(self.env), extra_arguments=list(KERNEL_OPTIONS))
        try:
            self._prepare((warm_imports(extras) if ahead else WARM_IMPORTS_CORE) if warm else None)
        except BaseException:  # Ctrl-C or a failed connection: do not leave the process running
            self.shutdown(now=True)
            raise

    def _prepare(self, warm_up: str | None) -> None:
        # the notebook client leaves the channels of a kernel it did not start open; every
        # client made here is remembered and closed with the kernel (else each run would
        # leak a zmq context and its I/O thread)
        make_client = self.km.client
        ready = []

        def client(**kwargs):
            if ready and not kwargs:
                return ready.pop()
            self._clients.append(_reconnecting_soon(make_client(**kwargs)))
            return self._clients[-1]

        self.km.client = client
        # The notebook client's client, made now with its IOPub subscription (which ZeroMQ sets up
        # in the background), and told that the kernel is ready once IOPub has said so for its
        # kernel_info request (:func:`_wait_for_ready`).
        notebook_client = client()
        notebook_client.start_channels(shell=False, stdin=False, hb=False, control=False)
        notebook_client.wait_for_ready = functools.partial(_wait_for_ready, notebook_client)
        ready.append(notebook_client)
        if warm_up:
            # a blocking client (its own context, channel threads): no event loop shared with
            # the notebook client's; kept open until the kernel ends, so the request is delivered
            # whenever the kernel is up
            from jupyter_client.blocking import BlockingKernelClient

            warm_up_client = _reconnecting_soon(BlockingKernelClient())
            warm_up_client.load_connection_info(self.km.get_connection_info())
            warm_up_client.start_channels(iopub=False, stdin=False, hb=False, control=False)
            warm_up_client.execute(warm_up, silent=True, store_history=False)
            self._clients.append(warm_up_client)

    def matches(self, name: str, cwd: str | os.PathLike, env: Mapping[str, str] | None = None) -> bool:
        """Started with this kernel name, working folder and environment (default: this process's)."""
        env = os.environ if env is None else env
        return self.name == name and self.cwd == str(Path(cwd).resolve()) and self.env == dict(env)

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None once it has gone)."""
        return getattr(getattr(self.km, "provisioner", None), "pid", None)

    def shutdown(self, now: bool = False) -> None:
        """Stop the kernel (``now``: kill it rather than ask) and remove its socket folder."""
        try:
            self._close_clients()
            if self.km.has_kernel:
                self._run_sync(self.km.shutdown_kernel)(now=now)
        except Exception:  # already gone (killed, or its process group stopped): nothing to free
            pass
        finally:
            self._sockets.cleanup()

    def retire(self) -> None:
        """Ask the kernel to exit and return at once; :func:`reap_kernels` frees it later.

        A kernel takes a second or more to exit cleanly on a loaded machine; the run's
        outputs are complete by then, so nobody needs to wait for it.
        """
        try:
            self._close_clients()
            self._run_sync(self.km.request_shutdown)()
            _retiring.append(self)
        except Exception:
            self.shutdown(now=True)

    def _close_clients(self) -> None:
        while self._clients:
            client = self._clients.pop()
            client.stop_channels()
            if client._created_context and not client.context.closed:
                client.context.destroy(linger=100)

    def exited(self) -> bool:
        try:
            return not self._run_sync(self.km.is_alive)()
        except Exception:
            return True


_retiring: list[Kernel] = []  # kernels asked to exit, not yet freed

# A client connects as soon as its kernel is started, usually before the kernel has bound its
# sockets; ZeroMQ then tries again every 100 ms by default. The first kernel of a batch's worker
# (forked once the zygote's imports are done) waited up to that long for each channel, and when
# the shell channel connected first, the kernel answered kernel_info before IOPub's subscription
# reached it: the idle status was lost and the request asked again after IOPub's timeout.
# Here a channel tries again after 10 ms, backing off to 100 ms for a kernel that takes its time.
RECONNECT_MS = (10, 100)


def _reconnecting_soon(client):
    """``client`` with its channels (all made later, in its own ZeroMQ context) reconnecting after
    :data:`RECONNECT_MS`; returned."""
    import zmq

    client.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS[0])
    client.context.setsockopt(zmq.RECONNECT_IVL_MAX, RECONNECT_MS[1])
    return client


IDLE_AFTER_REPLY = 0.05  # seconds: see _wait_for_ready


async def _wait_for_ready(client, timeout: float | None = None) -> None:
    """``client.wait_for_ready`` (jupyter_client's), ending when the kernel has answered a
    kernel_info request on the shell channel and said "idle" for it on IOPub.

    jupyter_client's own ends with IOPub silent for 0.2 s, which every run of a notebook waits
    for: a fifth of a batch run of notebook 00. Ending on the request's "idle" proves the same
    (both channels connected, IOPub read up to the request) at once. As there, a request whose
    reply or IOPub status does not come is asked again, and a dead kernel or the timeout is a
    RuntimeError. The kernel publishes the "idle" as it sends the reply: once the reply is in,
    an "idle" missing for :data:`IDLE_AFTER_REPLY` seconds was published before IOPub's
    subscription reached the kernel (the first kernel of each batch worker lost that race one
    time in two), and the request is asked again then, not after 0.2 s.
    """
    from queue import Empty

    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        msg_id = client.kernel_info()
        try:
            reply = await client.shell_channel.get_msg(timeout=1)
            while reply["parent_header"].get("msg_id") != msg_id:  # the reply to an earlier request
                reply = await client.shell_channel.get_msg(timeout=1)
            while True:  # IOPub up to the request's end: earlier messages are dropped, as jupyter_client does
                if time.monotonic() > deadline:  # (a kernel that never stops publishing)
                    raise Empty
                msg = await client.iopub_channel.get_msg(timeout=IDLE_AFTER_REPLY)
                if (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
                        and msg["parent_header"].get("msg_id") == msg_id):
                    client._handle_kernel_info_reply(reply)
                    return
        except Empty:
            pass
        if not await client.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


def reap_kernels(wait: float | None = None) -> None:
    """Free retired kernels that have exited; with ``wait``, wait that long for the rest, then kill them.

    ``wait=None`` frees only what has exited (between runs); ``wait=0`` kills the rest at once
    (Ctrl-C); a positive ``wait`` leaves none behind either, after giving them that long.
    """
    deadline = time.monotonic() + (wait or 0.0)
    while _retiring:
        for kernel in [k for k in _retiring if k.exited()]:
            _retiring.remove(kernel)
            kernel.shutdown(now=True)
        if not _retiring or wait is None:
            return
        if time.monotonic() >= deadline:
            for kernel in list(_retiring):
                _retiring.remove(kernel)
                kernel.shutdown(now=True)
            return
        time.sleep(0.05)


class KernelPool:
    """At most one spare :class:`Kernel`, started while the current notebook runs.

    :meth:`take` hands out the spare when it was started with the same kernel name and
    working folder (else a new kernel) and at once starts the next spare, so the next run
    finds its kernel up and its imports done. Every run still gets a fresh process.
    :meth:`close` shuts the spare down (end of a batch, Ctrl-C, worker exit).

    When more runs follow (``prefetch``), the pool also starts a zygote
    (:class:`nakit.zygote.Zygote`) for that kernel, folder and environment, and its kernels
    are forked from it: milliseconds of CPU instead of seconds of imports per run. A zygote
    that dies is not replaced: the pool's kernels start cold from then on. ``zygote=False``
    (or ``NAKIT_ZYGOTE=0``) starts every kernel cold. ``extras``: the optional imports its zygote
    and spares take (:data:`nakit.zygote.EXTRAS`, e.g. :func:`nakit.zygote.warm_extras` of the
    notebooks to run; None: all of them).
    """

    def __init__(self, warm: bool = True, env: Mapping[str, str] | None = None, zygote: bool | None = None,
                 extras=None):
        from . import zygote as _zygote

        self.warm = warm
        self.extras = extras
        self.env = env  # the environment of the kernels it starts (None: this process's)
        self.spare: Kernel | None = None
        self.taken: Kernel | None = None  # the kernel last handed out
        self.prefetch = True  # callers that know no run follows set False: no spare to waste
        self.use_zygote = _zygote.available() if zygote is None else zygote
        self.zygote = None  # the current nakit.zygote.Zygote
        self._old_zygotes: list = []  # replaced ones, exiting once their kernels have

    def _zygote(self, name: str, cwd: str | os.PathLike, start: bool):
        """The zygote for this kernel, folder and environment (started when ``start``), or None."""
        current = self.zygote
        if current is not None and not current.alive():  # it died: the cold path from now on
            self.zygote, self.use_zygote = None, False
            current.close(wait=0)
            return None
        if current is not None and current.matches(name, cwd, self.env):
            return current
        if not (start and self.use_zygote):
            return None
        from .zygote import Zygote

        if current is not None:  # another folder or environment: it exits when its kernels have
            current.close(wait=0.0, kill=False)
            self._old_zygotes.append(current)
            self.zygote = None
        try:
            self.zygote = Zygote(name, cwd, self.env, extras=self.extras)
        except Exception:  # not an ipykernel command, no socket here, ...: cold kernels
            self.use_zygote = False
        return self.zygote

    def _kernel(self, name: str, cwd: str | os.PathLike, start_zygote: bool, ahead: bool = False) -> Kernel:
        return Kernel(name, cwd, warm=self.warm, env=self.env, zygote=self._zygote(name, cwd, start_zygote),
                      ahead=ahead, extras=self.extras)

    def take(self, name: str, cwd: str | os.PathLike) -> Kernel:
        spare, self.spare = self.spare, None
        zygote = self._zygote(name, cwd, False)  # (notices a zygote that died)
        if spare is not None and (not spare.matches(name, cwd, self.env)
                                  or (spare.zygote is not None and spare.zygote is not zygote)):
            # another run's kernel, or forked by a zygote that died since (its kernels die with it)
            spare.shutdown(now=True)
            spare = None
        reap_kernels()
        kernel = spare or self._kernel(name, cwd, self.prefetch)
        if self.prefetch:
            try:
                self.spare = self._kernel(name, cwd, True, ahead=True)
            except BaseException:  # Ctrl-C while starting the spare: the taken one must not leak
                kernel.shutdown(now=True)
                raise
        self.taken = kernel
        return kernel

    def start_spare(self, name: str, cwd: str | os.PathLike) -> None:
        """Start the spare now (a kernel server, between runs), from a zygote where one serves."""
        self.spare = self._kernel(name, cwd, True, ahead=True)

    def close(self, wait: float = 5.0) -> None:
        """Kill the spare; give kernels still exiting ``wait`` seconds (0 on Ctrl-C), then kill them;
        then stop the zygote(s)."""
        spare, self.spare = self.spare, None
        if spare is not None:
            spare.shutdown(now=True)
        reap_kernels(wait=wait)
        zygotes, self._old_zygotes = self._old_zygotes + [self.zygote] * (self.zygote is not None), []
        self.zygote = None
        for zygote in zygotes:
            zygote.close(wait=wait)


def execute(notebook: str | os.PathLike, output_dir: str | os.PathLike,
            overrides: Mapping[str, Any] | None = None, *, html: bool = True,
            show_code: bool = False, parameters: Mapping[str, Any] | None = None,
            warm: bool = True, kernels: KernelPool | None = None) -> RunResult:
    """Run ``notebook`` with papermill into ``output_dir`` and render it to HTML.

    ``parameters`` (already validated by :func:`prepare`) skips re-validation. The executed
    notebook is ``output_dir/<name>.ipynb``. The folder is replaced only when the run
    completes (:func:`nakit.runfolder.replace_when_complete`): on a notebook error the
    partially executed notebook and its HTML are kept in ``<output_dir>.failed``, the
    previous report (if any) stays in place marked stale, and the result carries the error
    text instead of raising. Ctrl-C abandons the run the same way and is re-raised.

    Every run gets a fresh kernel process. ``kernels`` (a :class:`KernelPool`, as batches
    use) hands out one started ahead of need; otherwise, with ``warm``, the kernel is
    started first and imports the common stack while this process loads papermill and
    the HTML exporter; ``warm=False`` lets papermill start a plain kernel itself. The
    outputs are the same either way (tested byte for byte).
    """
    from .runfolder import replace_when_complete

    notebook = Path(notebook).resolve()
    output_dir = Path(output_dir).resolve()
    params = dict(parameters) if parameters is not None else prepare(notebook, overrides)
    if "output_dir" in params:
        params["output_dir"] = str(output_dir)
    name = kernel_name()
    kernel = None
    if kernels is not None:
        kernel = kernels.take(name, notebook.parent)
    elif warm:
        kernel = Kernel(name, notebook.parent)
    exporter = _Exporter(show_code) if html else None  # loads nbconvert while the kernel works
    try:
        pm = _papermill()
        executed = output_dir / notebook.name
        result = RunResult(notebook, output_dir, params, executed)
        with replace_when_complete(output_dir) as txn:
            try:
                with atomic_path(executed) as tmp, tempfile.TemporaryDirectory(prefix="nakit-kernel-") as sockets:
                    engine = ({"km": kernel.km} if kernel is not None else
                              {"config": _local_kernel_config(sockets), "extra_arguments": list(KERNEL_OPTIONS)})
                    try:
                        # written once, when the run ends (or fails): papermill's default writes the
                        # whole notebook, images and all, after every cell, on the cores the kernel
                        # needs, and a run stopped half-way is discarded with its temporary file anyway
                        pm.execute_notebook(str(notebook), str(tmp), parameters=params, cwd=str(notebook.parent),
                                            kernel_name=name, progress_bar=False, log_output=False,
                                            start_timeout=START_TIMEOUT, request_save_on_cell_execute=False,
                                            **engine)
                    except pm.PapermillExecutionError as exc:
                        result.error = f"{exc.ename}: {exc.evalue}"
                    if kernel is not None:  # finished: it exits cleanly while we go on (Ctrl-C kills it below)
                        kernel.retire()
                        kernel = None
            except (OSError, RuntimeError, NakitError) as exc:
                result.error = f"{type(exc).__name__}: {exc}"
            if exporter is not None and executed.exists():
                result.html = exporter.render(executed)
            if result.error is not None:
                txn.fail(result.error)
        result.kept = txn.kept
    finally:
        if kernel is not None:  # interrupted (Ctrl-C) or papermill failed to start: kill, do not ask
            kernel.shutdown(now=True)
        if kernels is None:  # a single run leaves no kernel behind; a pool frees its own
            reap_kernels(wait=5.0)
    if result.error is not None:
        result.executed = txn.failed_dir / executed.name
        result.html = txn.failed_dir / result.html.name if result.html else None
    return result


def _local_kernel_config(socket_dir: str):
    """Kernel-manager config: talk to the kernel over Unix sockets in ``socket_dir``.

    The default TCP transport opens loopback ports without encryption, and ipykernel warns
    about it on every run. IPC sockets are files, here in a temporary directory only this
    user may enter (mode 0700). Their default path is relative (``kernel-ipc-N`` in the notebook's folder), where parallel runs of one
    notebook would collide, so each run gets its own directory.
    """
    from traitlets.config import Config

    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(socket_dir, "kernel")
    return config


class _Exporter:
    """An HTML exporter built in a background thread, so its imports overlap the notebook run."""

    def __init__(self, show_code: bool = False):
        import threading

        self.show_code = show_code
        self._exporter = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._build, daemon=True)
        self._thread.start()

    def _build(self) -> None:
        try:  # templates loaded and compiled while the notebook runs, off the critical path
            self._exporter = _ready_exporter(self.show_code)
        except BaseException as exc:  # re-raised in the caller's thread by render()
            self._error = exc

    def render(self, executed: Path) -> Path:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return _write_html(self._exporter, executed)


def preload(show_code: Iterable[bool] = (False,)) -> None:
    """Load, once in this process, what every run's parent side needs: papermill, the kernel
    client, nbformat's validator and the HTML exporter, ready (:func:`_ready_exporter`): about
    3 s of CPU that the first run of a process otherwise pays.

    A batch calls it before its pool's workers fork, so they inherit all of it instead of each
    paying it; the kernel server calls it before its first run. Problems (the ``notebooks``
    extra missing) are left for the runs to report.
    """
    try:
        _papermill()
        import jupyter_client.manager  # noqa: F401  (the kernel client papermill drives)
        import nbformat

        kernel_name()
        nbformat.validate(_warm_up_notebook())
        for show in sorted(set(show_code)):
            _ready_exporter(show)
    except Exception:
        pass


def _warm_up_notebook():
    """A small executed notebook: a heading, a code cell and its HTML output."""
    nbformat = require("nbformat", "notebooks", "rendering reports")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# warm-up"),
                nbformat.v4.new_code_cell("1", execution_count=1, outputs=[nbformat.v4.new_output(
                    "execute_result", {"text/plain": "1", "text/html": "<b>1</b>"}, execution_count=1)])]
    return nb


@lru_cache(maxsize=2)
def _html_exporter(show_code: bool):
    """One exporter per process and setting: a batch worker loads nbconvert's templates once."""
    nbconvert = require("nbconvert", "notebooks", "rendering reports")
    return nbconvert.HTMLExporter(exclude_input=not show_code, exclude_input_prompt=True,
                                  exclude_output_prompt=True)


@lru_cache(maxsize=2)
def _ready_exporter(show_code: bool):
    """:func:`_html_exporter` after rendering a small notebook once: the first rendering of a
    process compiles the Jinja templates and the CSS selectors and expressions nbconvert uses
    (1-2 s of CPU); renderings after it give the same HTML (tested)."""
    exporter = _html_exporter(show_code)
    exporter.from_notebook_node(_warm_up_notebook())
    return exporter


def _write_html(exporter, executed: Path) -> Path:
    nbformat = require("nbformat", "notebooks", "rendering reports")
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    out = executed.with_suffix(".html")
    with atomic_path(out) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return out


def render_html(executed: str | os.PathLike, show_code: bool = False) -> Path:
    """Render an executed notebook to HTML beside it (code cells hidden by default)."""
    return _write_html(_html_exporter(show_code), Path(executed))
