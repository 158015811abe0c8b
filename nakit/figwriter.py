"""Figure files written by a forked child while the notebook goes on.

A report figure is written three times: a PNG at 300 dpi, a PDF and an SVG. The PNG is
needed at once (it is the image shown inline); the vector files are not needed before the
report is finished, yet drawing them is about half the cost of a figure. :func:`submit`
forks: the child inherits the figure exactly as it is (copy-on-write), writes the files and
exits, while the parent returns at once to the next cell, on another core. The child runs
the very calls the parent would have run, so the files are the same bytes either way.

Why a fork, not a thread or a process pool: matplotlib is not thread-safe, and the next
cell may change shared state (rcParams, font caches) while a thread draws; sending a figure
to another process means pickling it, which costs about as much as drawing it, and not
every artist pickles.

A kernel is a multi-threaded process (its message threads), and a forked child holds only
the forking thread, so the child keeps away from what the other threads own: it never
writes to the parent's streams (in a kernel they are sockets served by those threads) —
its ``sys.stdout``/``sys.stderr`` go to ``/dev/null`` and its warnings are recorded and
re-issued by the parent when it joins — and it leaves with ``os._exit`` (no ``atexit``
handlers, no socket teardown). It ignores SIGINT, which interrupting the kernel sends to its
whole process group: the files of a figure are written whole or, as with any write through
:func:`nakit.io.atomic_path`, not at all.

At most :data:`MAX_PENDING` children run at once (a further :func:`submit` first waits for
the oldest); :func:`wait` joins them all and raises :class:`FigureWriteError` for any that
failed; :func:`poll` joins those already done. What a child's write returns (if it pickles)
reaches the parent's ``on_result`` when it is joined (:mod:`nakit.plotting` learns from it
which fonts a PDF loads, to parse them ahead for the next child). :meth:`nakit.report.Report.finish` calls it, and so does the process at exit.
A caller forks only when :func:`worth_forking`: when a core is free for the child
(:func:`core_free`); with every core busy the files are written in-process, at less CPU.
Set ``NAKIT_FIGURE_WRITER=0`` to write every file in-process, ``always`` to fork for every
figure. Linux only (elsewhere :func:`submit` declines and the caller writes the files itself).
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import NakitError

#: children writing at the same time. With one, a notebook saving two figures in a row waited
#: for the first figure's child and left a core of a 2-core machine idle meanwhile (notebook 01's
#: pattern figures: 3.0 s wall for 1.45 s CPU); with two, the kernel goes on while both write.
MAX_PENDING = 2


class FigureWriteError(NakitError, OSError):
    """Figure files written in a child process could not be written."""


@dataclass
class _Child:
    pid: int
    pipe: int  # read end: the child's pickled outcome, then end of file when it exits
    paths: list[Path] = field(default_factory=list)
    on_result: Callable[[object], None] | None = None


_pending: list[_Child] = []
_atexit_registered = False


def enabled() -> bool:
    """Whether :func:`submit` forks: on Linux, unless ``NAKIT_FIGURE_WRITER=0``."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and os.environ.get("NAKIT_FIGURE_WRITER", "1").strip() != "0")


def worth_forking() -> bool:
    """Whether a figure's files should go to a child now: :func:`enabled` and a core free for it
    (:func:`core_free`), or always with ``NAKIT_FIGURE_WRITER=always``."""
    return enabled() and (os.environ.get("NAKIT_FIGURE_WRITER", "").strip() == "always" or core_free())


def core_free(loadavg: str = "/proc/loadavg") -> bool:
    """Whether a core is idle now: fewer tasks ready to run (this one among them) than cores this
    process may use, by the operating system's count in ``loadavg``; True where it cannot be read.

    A child costs CPU of its own: the fork, the copies of the pages either process writes to after
    it, tearing its copy down (about 50 ms for notebook 00's figure). That is worth paying on a core
    that would otherwise idle, and a loss when every core is busy, as in a batch with a worker per
    core (30 runs of notebook 00 on 2 workers, 2 cores: 9.3 s and 16.6 s of CPU with this check,
    10.0 s and 18.0 s forking every time; ``nakit reproduce`` 12.7 s against 13.4-14.0 s).
    """
    try:
        with open(loadavg, "rb") as f:
            ready = int(f.read().split()[3].split(b"/")[0])
        cores = len(os.sched_getaffinity(0))
    except (OSError, ValueError, IndexError, AttributeError):
        return True
    return ready < cores


def pending() -> list[Path]:
    """The files that children are still writing (or have written but nobody joined yet)."""
    return [p for child in _pending for p in child.paths]


def submit(write: Callable[[], object], paths: Iterable[str | os.PathLike], *,
           on_result: Callable[[object], None] | None = None) -> bool:
    """Run ``write()`` (which writes ``paths``) in a forked child; return False to decline.

    Declines (returns False, nothing run) when :func:`enabled` is false or the fork fails;
    the caller then writes the files itself. A pending child writing any of ``paths`` is
    joined first, so two writes of one file never overlap. ``on_result``: called in this
    process, when the child is joined, with what ``write()`` returned (if it pickles; None if
    not), unless the child failed.
    """
    global _atexit_registered
    paths = [Path(p) for p in paths]
    if not enabled():
        return False
    wait_for(paths)
    while len(_pending) >= MAX_PENDING:
        _join(_pending[0])
    if not _atexit_registered:
        atexit.register(_wait_at_exit)
        _atexit_registered = True
    read_end, write_end = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python >= 3.12 warns about fork in a multi-threaded process; see the module notes
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return False
    if pid == 0:  # pragma: no cover - runs in the child (its outcome is tested through the pipe)
        os.close(read_end)
        _child_main(write, write_end, paths)
    os.close(write_end)
    _pending.append(_Child(pid, read_end, paths, on_result))
    return True


def poll() -> None:
    """Join the children that have finished, without waiting for the others.

    Raises :class:`FigureWriteError` as :func:`wait` does, for a finished child that failed.
    """
    import select

    if not _pending:
        return
    # a child writes its outcome just before it exits: a readable pipe (data or end of file) is a
    # child done, or exiting
    ready, _, _ = select.select([child.pipe for child in _pending], [], [], 0)
    for child in [c for c in _pending if c.pipe in ready]:
        _join(child)


def wait_for(paths: Iterable[str | os.PathLike]) -> None:
    """Join every pending child that writes one of ``paths``."""
    wanted = {Path(p) for p in paths}
    for child in list(_pending):
        if wanted.intersection(child.paths):
            _join(child)


def wait() -> None:
    """Join every pending child; raise :class:`FigureWriteError` if one failed.

    Warnings the children raised are issued here, in the parent. Every child is joined
    even when an earlier one failed; the first failure is raised after.
    """
    first = None
    while _pending:
        try:
            _join(_pending[0])
        except FigureWriteError as exc:
            first = first or exc
    if first is not None:
        raise first


def _child_main(write: Callable[[], None], pipe: int, paths: list[Path]) -> None:  # pragma: no cover
    status, outcome = 1, {"error": "the figure writer stopped before reporting"}
    try:
        import gc

        gc.disable()  # short-lived: a collection would only copy the parent's pages
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        del _pending[:]  # the parent's children: never this one's to join
        devnull = open(os.devnull, "w")
        sys.stdout = sys.stderr = devnull
        with warnings.catch_warnings(record=True) as caught:  # the parent's filters still apply
            result = write()
        outcome = {"warnings": [_portable(w) for w in caught], "result": result}
        try:
            pickle.dumps(result)
        except Exception:  # noqa: BLE001 - the files are written; only the caller's note is lost
            outcome["result"] = None
        status = 0
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        try:
            data = pickle.dumps(outcome)
            while data:
                data = data[os.write(pipe, data):]
        finally:
            os._exit(status)


def _portable(w: warnings.WarningMessage) -> tuple:
    """A recorded warning as something that pickles: its category if that pickles, else UserWarning."""
    category = w.category
    try:
        pickle.dumps(category)
    except Exception:  # noqa: BLE001 - a local class; its name is kept in the text
        category = UserWarning
    return (category, str(w.message), w.filename, w.lineno)


def _join(child: _Child) -> None:
    """Wait for ``child``; re-issue its warnings; raise :class:`FigureWriteError` if it failed."""
    chunks = []
    while True:
        chunk = os.read(child.pipe, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(child.pid, 0)
    os.close(child.pipe)
    _pending.remove(child)
    names = ", ".join(str(p) for p in child.paths)
    try:
        outcome = pickle.loads(b"".join(chunks)) if chunks else None
    except Exception:  # noqa: BLE001 - a truncated report: the child died while writing it
        outcome = None
    if outcome is None:
        if os.WIFSIGNALED(status):
            why = f"killed by signal {os.WTERMSIG(status)} ({signal.Signals(os.WTERMSIG(status)).name})"
        else:
            why = f"exited with status {os.waitstatus_to_exitcode(status)} without a report"
        raise FigureWriteError(f"writing {names}: the child process writing them was {why}; "
                               "the files may be missing")
    for category, message, filename, lineno in outcome.get("warnings", []):
        warnings.warn_explicit(message, category, filename, lineno)
    if "error" in outcome:
        raise FigureWriteError(f"writing {names}: {outcome['error']}")
    if child.on_result is not None:
        child.on_result(outcome.get("result"))


def _wait_at_exit() -> None:
    """At exit nobody is left to raise to: say on stderr what could not be written."""
    try:
        wait()
    except FigureWriteError as exc:
        print(f"nakit: {exc}", file=sys.stderr)
