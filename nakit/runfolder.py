"""Report folders that are replaced only when a run completes.

A notebook writes figures, results and ``claims.csv`` into its report folder cell by cell.
Written in place, an interrupted or failing rerun would leave new figures beside the old
report and provenance, with nothing to tell them apart. :func:`replace_when_complete`
instead moves the previous report aside (``.<name>.previous``), lets the run write a fresh
folder marked ``.nakit-incomplete``, and then either

* **commits**: drops the marker and the previous report; or
* **abandons** (the notebook failed, or Ctrl-C): moves the partial run to ``<name>.failed``
  (kept for debugging) and puts the previous report back, marked ``.nakit-stale.json``
  because its inputs may no longer be the current ones. Ledgers and indexes skip stale
  folders.

A run killed outright (SIGKILL, power loss) leaves the marker and ``.previous``; the next
run in that folder finds them and restores the previous report before starting.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import ParameterError

INCOMPLETE = ".nakit-incomplete"
STALE = ".nakit-stale.json"
FAILED_SUFFIX = ".failed"
#: the samples (or parts of samples) a run could not read, with the reason: written by the report
NOT_ANALYSED = "not_analysed.csv"
# what a folder nakit wrote holds; a non-empty folder without any of them is the user's own
_REPORT_SIGNS = ("provenance.json", ".nakit-run.json", INCOMPLETE, STALE, "*.ipynb")


def is_stale(folder: str | os.PathLike) -> bool:
    """True when ``folder`` holds a previous report put back after a failed or interrupted rerun."""
    return (Path(folder) / STALE).exists()


def not_analysed(folder: str | os.PathLike) -> list[tuple[str, str]]:
    """``[(sample, reason)]``: what the run in ``folder`` set aside as unreadable (its
    :data:`NOT_ANALYSED` file; empty when it has none). "sample" is a label, or a label and the
    part of it that was set aside (``"B (rate test)"``)."""
    import csv

    try:
        with open(Path(folder) / NOT_ANALYSED, newline="", encoding="utf-8") as fh:
            return [(row["sample"], row["reason"]) for row in csv.DictReader(fh)]
    except FileNotFoundError:
        return []


def is_incomplete(folder: str | os.PathLike) -> bool:
    return (Path(folder) / INCOMPLETE).exists()


def is_report_folder(folder: Path) -> bool:
    """An empty folder, or one that nakit wrote (so moving it aside cannot hide a user's files)."""
    if not any(folder.iterdir()):
        return True
    return any(any(folder.glob(sign)) for sign in _REPORT_SIGNS)


@dataclass
class Transaction:
    output_dir: Path
    previous: Path | None
    failed: str | None = None

    @property
    def failed_dir(self) -> Path:
        return _failed_of(self.output_dir)

    def fail(self, reason: str) -> None:
        """Mark the run as failed: the previous report comes back when the block ends."""
        self.failed = reason


def _failed_of(output_dir: Path) -> Path:
    return output_dir.with_name(output_dir.name + FAILED_SUFFIX)


def _previous_of(output_dir: Path) -> Path:
    return output_dir.with_name(f".{output_dir.name}.previous")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _mark_stale(folder: Path, reason: str) -> None:
    (folder / STALE).write_text(json.dumps({"reason": reason, "time": time.strftime("%Y-%m-%dT%H:%M:%S")},
                                           indent=2) + "\n", encoding="utf-8")
    (folder / ".nakit-run.json").unlink(missing_ok=True)  # never skip a stale folder as current


def recover(output_dir: str | os.PathLike) -> None:
    """Finish what a killed run left: restore ``.previous`` over an incomplete folder."""
    output_dir = Path(output_dir)
    previous = _previous_of(output_dir)
    if not previous.exists():
        return
    if output_dir.exists() and not is_incomplete(output_dir):
        _remove(previous)  # the run completed; only the clean-up was cut short
    else:
        _abandon(output_dir, previous, "an earlier run in this folder was killed before it finished")


@contextmanager
def replace_when_complete(output_dir: str | os.PathLike):
    """Run a block that writes ``output_dir``; keep the old report unless the block completes.

    Yields a :class:`Transaction`; call ``txn.fail(reason)`` for a run that ended without an
    exception but failed (a notebook error). Any exception, ``KeyboardInterrupt`` included,
    also abandons the run and is re-raised.

    Raises
    ------
    ParameterError
        ``output_dir`` exists, is not empty and holds nothing nakit wrote: it is not moved.
    """
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise ParameterError(f"output folder {output_dir} exists and is not a folder")
    recover(output_dir)
    previous = None
    if output_dir.exists():
        if not is_report_folder(output_dir):
            raise ParameterError(f"output folder {output_dir} holds files nakit did not write; "
                                 "choose a new or empty folder for the report")
        previous = _previous_of(output_dir)
        os.replace(output_dir, previous)
    output_dir.mkdir(parents=True)
    (output_dir / INCOMPLETE).write_text("a run is writing this folder\n", encoding="utf-8")
    txn = Transaction(output_dir, previous)
    try:
        yield txn
    except BaseException as exc:
        _abandon(output_dir, previous, f"the last run was stopped ({type(exc).__name__})")
        raise
    if txn.failed is not None:
        _abandon(output_dir, previous, f"the last run failed: {txn.failed}")
    else:
        (output_dir / INCOMPLETE).unlink(missing_ok=True)
        for leftover in (previous, txn.failed_dir):
            if leftover is not None:
                _remove(leftover)


def _abandon(output_dir: Path, previous: Path | None, reason: str) -> None:
    """Move the partial run to ``<name>.failed`` and put ``previous`` back, marked stale."""
    failed = _failed_of(output_dir)
    _remove(failed)
    if output_dir.exists():
        os.replace(output_dir, failed)
    if previous is not None and previous.exists():
        os.replace(previous, output_dir)
        _mark_stale(output_dir, f"{reason}; this is the report from before it "
                                f"(the partial run is in {failed.name})")
