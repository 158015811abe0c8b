"""Report folders that are replaced only when a run completes.

A notebook writes figures, results and ``claims.csv`` into its report folder cell by cell.
Written in place, an interrupted or failing rerun would leave new figures beside the old
report and provenance, with nothing to tell them apart. :func:`replace_when_complete`
instead moves the previous report aside (``.<name>.previous``), lets the run write a fresh
folder marked ``.nakit-incomplete``, and then either

* **commits**: drops the marker and the previous report, keeping the files the user put in
  it (:func:`users_files`: anything the earlier run did not write moves into the new folder); or
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
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ParameterError

INCOMPLETE = ".nakit-incomplete"
STALE = ".nakit-stale.json"
#: the record of every file a completed run wrote in its report folder, relative to it: on a
#: rerun, what is not listed there is the user's and moves into the new report
FILES = ".nakit-files.json"
FAILED_SUFFIX = ".failed"
#: the samples (or parts of samples) a run could not read, with the reason: written by the report
NOT_ANALYSED = "not_analysed.csv"
# what a folder nakit wrote holds; a non-empty folder without any of them is the user's own
_REPORT_SIGNS = ("provenance.json", ".nakit-run.json", FILES, INCOMPLETE, STALE, "*.ipynb")


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
    #: the user's files moved from the previous report into the new one, relative to the folder
    kept: list[str] = field(default_factory=list)
    #: those of them the new run wrote a file of the same name over, now renamed ``*.before-rerun``
    renamed: list[str] = field(default_factory=list)

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
        (output_dir / FILES).write_text(json.dumps(_files_in(output_dir), indent=0) + "\n", encoding="utf-8")
        if previous is not None:
            _keep_users_files(previous, txn)
        for leftover in (previous, txn.failed_dir):
            if leftover is not None:
                _remove(leftover)


#: a rerun's file that takes the name of a file of the user's leaves the user's under this suffix
RENAMED_SUFFIX = ".before-rerun"
# written beside a run's files, before (INCOMPLETE) or after (a batch's stamp, STALE) the record
_MARKERS = frozenset({FILES, INCOMPLETE, STALE, ".nakit-run.json"})


def _files_in(folder: Path) -> list[str]:
    """Every file (a symbolic link counts as one) under ``folder``, relative to it, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_symlink() or not p.is_dir())


def users_files(folder: str | os.PathLike) -> list[str]:
    """The files in report folder ``folder`` that no nakit run wrote, relative to it (sorted).

    What the run wrote is what its :data:`FILES` record lists. A folder without one, from an
    older nakit, has its run record read instead: its notebook and that notebook's HTML, the
    files :data:`_LEGACY_RUN_FILES` names, and under ``figures/`` and ``results/`` the files
    ``provenance.json``'s ``outputs`` lists (all of them without such a list, as a rerun in
    JupyterLab takes them, :func:`nakit.report._clear_previous_report`). A folder with neither
    record is taken to be all nakit's.
    """
    folder = Path(folder)
    present = [rel for rel in _files_in(folder) if rel not in _MARKERS]
    try:
        listed = set(map(str, json.loads((folder / FILES).read_text(encoding="utf-8"))))
        return [rel for rel in present if rel not in listed]
    except (OSError, ValueError, TypeError):
        pass
    try:
        record = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    record = record if isinstance(record, dict) else {}
    outputs = record.get("outputs")
    outputs = {str(o) for o in outputs} if isinstance(outputs, list) else None
    notebooks = {str(record.get("notebook", ""))} | {p.stem for p in folder.glob("*.ipynb")
                                                      if (folder / f"{p.stem}.html").exists()}
    mine = []
    for rel in present:
        parts = rel.split("/")
        if len(parts) == 1:
            stem, _, suffix = rel.rpartition(".")
            if rel in _LEGACY_RUN_FILES or (suffix in ("ipynb", "html") and stem in notebooks):
                continue
        elif parts[0] in ("figures", "results") and (outputs is None or rel in outputs):
            continue
        mine.append(rel)
    return mine


#: what a run of an older nakit wrote at the top of its report folder, besides the notebook and its HTML
_LEGACY_RUN_FILES = frozenset({"provenance.json", "claims.csv", NOT_ANALYSED, ".nakit-run.json"})


def _keep_users_files(previous: Path, txn: Transaction) -> None:
    """Move the user's files from the previous report into the new one (:func:`users_files`).

    One the new run wrote a file of the same name over keeps its content under
    ``<name>.before-rerun`` rather than being lost.
    """
    import warnings

    for rel in users_files(previous):
        target = txn.output_dir / rel
        if target.exists() or target.is_symlink():
            target = target.with_name(target.name + RENAMED_SUFFIX)
            txn.renamed.append(rel)
            warnings.warn(f"{txn.output_dir / rel}: the rerun wrote a file of this name, which the earlier run "
                          f"had not written; your file is kept as {target.name}", stacklevel=3)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(previous / rel, target)
        txn.kept.append(rel)


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


# -- the output folder of a study or a batch -------------------------------------------------
#
# A study or batch writes several things into one output folder ("root"): report folders
# (replaced wholesale by replace_when_complete), folders of its own (comparison/, samples/,
# gathered/) and files (index.html, summary.csv, ...). The root may also hold the user's own
# files (`output: .` beside the raw data), so, like a report folder's run record
# (provenance.json's ``outputs``), the root keeps a record of what nakit wrote there: only
# those entries are ever overwritten or removed.

#: the record in a study's or batch's output folder: which study file or manifest wrote it, and
#: what it wrote (paths relative to the folder; ``name/`` a folder wholly nakit's)
WRITTEN = ".nakit-written.json"


def written(root: str | os.PathLike) -> tuple[str, list[str]] | None:
    """``(owner, entries)`` of the record in ``root`` (:data:`WRITTEN`), or None when it has none.

    ``owner`` is the study file or manifest whose output the folder holds.
    """
    try:
        record = json.loads((Path(root) / WRITTEN).read_text(encoding="utf-8"))
        entries = [str(e) for e in record["entries"] if _inside(str(e))]
        return str(record["owner"]), entries
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _inside(entry: str) -> bool:
    """A recorded entry that names something inside the root (a damaged record names nothing else)."""
    p = Path(entry)
    return bool(entry) and not p.is_absolute() and ".." not in p.parts


def _places(root: Path, entry: str) -> list[Path]:
    """Where ``entry`` of ``root`` lives: a file, or a folder with the siblings a report folder's
    run leaves beside it (``<name>.failed``, ``.<name>.previous``)."""
    path = root / entry.rstrip("/")
    return [path, _failed_of(path), _previous_of(path)] if entry.endswith("/") else [path]


def root_problems(root: str | os.PathLike, owner: str | os.PathLike, entries: list[str],
                  inputs, *, legacy: bool = False) -> list[str]:
    """What stands in the way of ``owner`` (a study file or manifest) writing ``entries`` into ``root``.

    Checked before anything runs; every problem is returned:

    * an input file that an entry would overwrite, or that lies inside a folder entry (a folder
      nakit writes: report folders are replaced whole);
    * an entry that exists and that nakit did not write: not in ``root``'s record (:data:`WRITTEN`)
      and, for a folder, neither empty nor a report folder (:func:`is_report_folder`);
    * a record naming another study file or manifest that still exists: its output is not
      overwritten (a folder whose owner was renamed or deleted is taken over, and what the
      earlier owner wrote and this one does not is removed by :func:`take_root`).

    ``legacy``: ``root``, which has no record, holds output of a nakit from before the record,
    which the caller recognised (a study's stamp): its entries count as nakit's.
    """
    root = Path(root).resolve()
    problems: list[str] = []
    if root.exists() and not root.is_dir():
        return [f"output folder {root} exists and is not a folder"]
    record = written(root)
    if record is not None and Path(record[0]) != Path(owner) and Path(record[0]).exists():
        problems.append(f"output folder {root} holds the output of {record[0]}; give this one a folder of its own "
                        f"(-o), or delete {root} first")
    ours = set(record[1]) if record is not None else set()
    inputs = [Path(p).resolve() for p in inputs]
    for entry in entries:
        for place in _places(root, entry):
            clash = False
            for p in inputs:
                if p == place:
                    problems.append(f"input file {p} would be overwritten: nakit writes {entry.rstrip('/')} there; "
                                    "choose an output folder apart from the input files")
                elif p.is_relative_to(place):
                    problems.append(f"input file {p} lies inside {place}, a folder nakit writes; choose an output "
                                    "folder apart from the input files")
                else:
                    continue
                clash = True
            if (clash or not place.exists() and not place.is_symlink() or entry in ours
                    or (legacy and record is None)):
                continue
            if place.is_dir() and not place.is_symlink():
                if not is_report_folder(place):
                    problems.append(f"{place} holds files nakit did not write; move them, or choose another "
                                    "output folder")
            else:
                problems.append(f"{place} exists and nakit did not write it; move it, or choose another output "
                                "folder")
    return problems


def take_root(root: str | os.PathLike, owner: str | os.PathLike, entries: list[str],
              legacy: list[str] = ()) -> None:
    """Make ``root`` the output folder of ``owner``: remove what its record lists and ``entries``
    does not (what an earlier run, or an earlier owner, wrote and this run does not write),
    then record ``entries`` (before they are written, so a run cut short leaves them known).

    ``legacy``: for a ``root`` without a record that the caller knows a nakit from before the
    record wrote, what that nakit wrote there (the record it would have kept).
    Call after :func:`root_problems` found nothing.
    """
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    record = written(root)
    keep = set(entries)
    for entry in (record[1] if record is not None else legacy):
        if entry not in keep:
            for place in _places(root, entry):
                _remove_report(place) if place == root / entry.rstrip("/") else _remove(place)
            parent = (root / entry.rstrip("/")).parent
            while parent != root and parent.is_dir() and not any(parent.iterdir()):  # (a batch's sample folder)
                parent.rmdir()
                parent = parent.parent
    with_record = {"owner": str(owner), "entries": sorted(keep)}
    tmp = root / f"{WRITTEN}.tmp"
    tmp.write_text(json.dumps(with_record, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, root / WRITTEN)


def _remove_report(path: Path) -> None:
    """Remove what nakit wrote at ``path``: a file, or a report folder but for the user's files in it
    (:func:`users_files`), which stay where they are, the folder now the user's."""
    if not path.is_dir() or path.is_symlink():
        _remove(path)
        return
    keep = set(users_files(path))
    if not keep:
        _remove(path)
        return
    for rel in _files_in(path):
        if rel not in keep:
            (path / rel).unlink()
    for folder in sorted(path.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()


def confined_output(value, default: str, base: Path, whose: str) -> tuple[Path, str | None]:
    """The output folder a study file's or manifest's own ``output:`` names, and the problem with it.

    ``value`` (None: ``default``) is relative to ``base``, the file's folder, and must stay inside
    it (it may be that folder): a study or manifest is often shared or downloaded, and must not
    write elsewhere (``-o`` may). ``whose`` names the file in the problem ("study file's").
    """
    if value is None or value == "":
        value = default
    if not isinstance(value, str):
        hint = ": quote it in YAML (output: 'reports/2024')" if isinstance(value, (int, float)) or hasattr(
            value, "isoformat") else ""
        return base / default, f"'output' must be a folder name (text), got {value!r}{hint}"
    out = (base / value).resolve()
    if not out.is_relative_to(base):
        return out, (f"'output' {value!r} points outside the {whose} folder {base} "
                     "(give an explicit output folder with -o to write elsewhere)")
    return out, None
