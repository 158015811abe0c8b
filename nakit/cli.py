"""The ``nakit`` command: run notebooks and studies into reports, list parameters, reproduce the paper."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import Sequence

from .errors import NakitError, ParameterError


def _parse_value(text: str):
    """A ``-p`` value: YAML, except that every decimal or scientific number (``1e-3``) is a number."""
    from .params import number_or_yaml

    return number_or_yaml(text)


def _load_params_file(path: str) -> dict:
    """Parameters from a YAML file; input paths in it (``*_file``/``*_files`` parameters and
    ``samples`` entries' file keys) are relative to the file's folder."""
    from .params import absolute_inputs, read_yaml

    params = read_yaml(path, "parameter file", "a mapping of parameter names to values")
    return _absolute_output(absolute_inputs(params, Path(path).resolve().parent), Path(path).resolve().parent)


def _absolute_output(params: dict, base: Path) -> dict:
    """``params`` with a relative ``output_dir`` made absolute against ``base``, as input paths are."""
    if isinstance(params.get("output_dir"), str) and params["output_dir"]:
        params["output_dir"] = str(base / params["output_dir"])
    return params


def _find_notebook(name: str) -> Path:
    """A notebook path, or a project notebook named by stem (``02_bet_bjh``) or technique (``sorption``).

    Raises
    ------
    ParameterError
        Neither: naming the project's notebooks, and the one meant if the name is close to it
        (``02_bet`` -> ``02_bet_bjh``).
    """
    nb = Path(name)
    if nb.exists():
        return nb
    from .params import closest
    from .paths import NOTEBOOKS, notebooks_dir

    named = notebooks_dir() / f"{NOTEBOOKS.get(name, nb.stem)}.ipynb"
    if named.exists():
        return named
    stems = sorted(p.stem for p in notebooks_dir().glob("*.ipynb"))
    # a stem's start is what one remembers of it ("02_bet"): suggest the one notebook it begins
    starts = [s for s in stems if s.startswith(nb.stem)]
    hint = f" (did you mean {starts[0]!r}?)" if len(starts) == 1 else closest(nb.stem, [*stems, *NOTEBOOKS])
    raise ParameterError(f"notebook {name} not found{hint}: give a notebook file, or one of the project's: "
                         f"{', '.join(stems)} (or a technique: {', '.join(NOTEBOOKS)})")


def _cmd_run(args) -> int:
    from . import runner
    from .paths import reports_dir

    nb = _find_notebook(args.notebook)
    from .params import absolute_inputs, absolute_path_values, notebook_parameters

    declared = notebook_parameters(nb)
    overrides = {}
    for f in args.file or []:
        overrides.update(absolute_path_values(declared, _load_params_file(f), Path(f).resolve().parent))
    for name, value in args.parameter or []:
        # an input path typed on the command line is the user's, relative to where they typed it (a
        # notebook's own defaults stay relative to the notebook)
        given = absolute_path_values(declared, {name: _parse_value(value)}, Path.cwd())
        overrides.update(_absolute_output(absolute_inputs(given, Path.cwd()), Path.cwd()))
    params = runner.prepare(nb, overrides)
    # the report's folder: -o, else an output_dir given with the parameters, else reports/runs/<notebook>
    given = overrides.get("output_dir")
    if args.output and given and Path(args.output).resolve() != Path(given).resolve():
        raise ParameterError(f"{nb.name}: -o {args.output} and output_dir {given} name two report folders; give one")
    out = Path(args.output) if args.output else Path(given) if given else reports_dir() / "runs" / nb.stem
    result = None
    from . import kernel_server

    if kernel_server.enabled(args.server):  # a warm kernel kept ready by a background server
        result = kernel_server.run(nb.resolve(), out.resolve(), params, show_code=args.show_code)
    if result is None:
        result = runner.execute(nb, out, parameters=params, show_code=args.show_code)
    elif args.verbosity == 2:
        print(f"ran on the kernel server (process {result.server_pid}), in kernel process {result.kernel_pid}")
    if not result.ok:
        print(f"FAILED {nb.name}: {result.error}\n  partial notebook: {result.executed}", file=sys.stderr)
        return 1
    print(f"{nb.name} -> {result.html or result.executed}")
    if result.kept:
        print(f"kept {len(result.kept)} file(s) of yours from the earlier report: {', '.join(result.kept)}")
    from .runfolder import not_analysed

    set_aside = not_analysed(out)
    for sample, why in set_aside:
        print(f"NOT ANALYSED {sample}: {why}", file=sys.stderr)
    return 1 if set_aside else 0


def _cmd_params(args) -> int:
    from .params import format_parameters, notebook_parameters

    nb = _find_notebook(args.notebook)
    params = notebook_parameters(nb)
    print(format_parameters(params, f"{nb.stem}: {len(params)} parameters (nakit run {nb.stem} -p NAME VALUE)"))
    return 0


def _wavelengths_from_beside(found: list, technique, facts) -> list[str]:
    """For a drafted study: a scan that states no wavelength, beside one instrument parameter file
    that gives one, is read with it (in ``found``, in place); the notes to check say whose it is."""
    from .errors import MissingFactError
    from .reading import inspect_files
    from .xrd.readers import wavelength_fact, wavelength_value, wavelengths_beside

    notes = []
    for i, f in enumerate(found):
        if not (isinstance(f.error, MissingFactError) and f.error.fact == "wavelength"):
            continue
        beside = wavelengths_beside(f.path)
        if len({wavelength_value(wl) for _, wl in beside}) != 1:  # none, or files that disagree: the user says
            continue
        name, wl = beside[0]
        (again,) = inspect_files([f.path], technique or "xrd", **{**facts, "wavelength": wavelength_fact(wl)})
        if again.error is None:
            found[i] = again
            notes.append(f"{f.path}: its wavelength {wavelength_value(wl)} is {name}'s, the instrument file "
                         "beside it")
    return notes


def _written_by_this_command(path: str) -> bool:
    """Whether ``path`` is the file this command's output is redirected into."""
    try:
        out = os.fstat(sys.stdout.fileno())
        return stat.S_ISREG(out.st_mode) and os.path.samestat(out, os.stat(path))
    except (OSError, ValueError, AttributeError):  # no file behind stdout (a pipe, pytest's capture)
        return False


def _cmd_inspect(args) -> int:
    from collections import Counter

    from .errors import MissingFactError, NotAMeasurementError
    from .reading import describe, files_in, inspect_files, study_draft

    facts = {name: _parse_value(value) for name, value in args.fact or []}
    # `nakit inspect --study . > study.yaml`: the shell creates the empty draft before the folder is read
    found = inspect_files([f for f in files_in(args.files) if not _written_by_this_command(f)], args.technique,
                          **facts)
    notes = _wavelengths_from_beside(found, args.technique, facts) if args.study else []
    done, unread, inputs = [], [], []
    for f in found:
        if isinstance(f.error, NotAMeasurementError) and f.error.role is not None:  # a CIF, a band library, claims
            inputs.append((f.path, f.error.role))
            if not args.study:
                print(f"{f.path}\n  an analysis input: {f.error.reason}\n")
            continue
        if f.error is not None:
            hint = ""
            if isinstance(f.error, MissingFactError):
                # a draft of a folder: the fact once for every file that lacks it (a per-file value in the draft after)
                hint = (f" (give it: add --fact {f.error.fact} {f.error.form} to this command)" if args.study
                        else f" (give it: nakit inspect {f.path} --fact {f.error.fact} {f.error.form})")
            unread.append((f.path, f"{f.error}{hint}"))
            if not args.study:
                print(f"{f.path}\n  not read: {f.error}" + hint.replace(" (", "\n  (", 1) + "\n")
            continue
        done.append((f.path, f.technique, f.facts))
        if args.study:
            continue
        print(f.path)
        for line in describe(f.dataset, f.warnings):
            print(f"  {line}")
        given = "".join(f", {k}: {v!r}" for k, v in f.facts.items())
        print(f"  in a study: {f.technique}: {{file: {f.path}{given}}}\n")
    if args.study:
        print(study_draft(done, unread, notes=notes, inputs=inputs), end="")
    if args.plot:
        written = _quicklooks([f for f in found if f.error is None], Path(args.plot))
        print(f"quick looks: {len(written)} figure(s) in {args.plot}", file=sys.stderr if args.study else sys.stdout)
    files = len({f.path for f in found})  # (a file holding two techniques' data is read twice)
    if not files:  # an empty folder, or one holding only nakit's own output: say so, not nothing
        print(f"nakit: no file to read in {', '.join(args.files)} (hidden files and what nakit wrote are skipped)",
              file=sys.stderr)
        return 1
    if files > 1 and not args.study:  # a folder's worth: what it holds, at a glance
        counts = Counter(technique for _, technique, _ in done)
        print(f"read {len({path for path, _, _ in done})} of {files} files: "
              + (", ".join(f"{n} {t}" for t, n in sorted(counts.items())) or "none"))
    if unread:
        print(f"{len(unread)} of {files} file(s) not read", file=sys.stderr)
    return 1 if unread else 0


def _quicklooks(found, folder: Path) -> list[Path]:
    """A :func:`nakit.quicklook` PNG per reading in ``folder``, named ``<sample>_<technique>.png``
    after the sample the file is of (:func:`nakit.reading.sample_name`: ``annealed/XRD.raw`` ->
    ``annealed_xrd.png``), numbered where two would share a name."""
    import matplotlib

    matplotlib.use("Agg")  # (a terminal: nothing to show on)
    import matplotlib.pyplot as plt

    from .plotting import savefig
    from .quicklook import quicklook
    from .reading import sample_name

    written = []
    for f in found:
        k, base = 1, f"{sample_name(f.path, f.technique)}_{f.technique}"
        name = base
        while folder / f"{name}.png" in written:
            k += 1
            name = f"{base}_{k}"
        fig = quicklook(f.dataset)
        written += savefig(fig, folder / f"{name}.png", formats=("png",))
        plt.close(fig)
    return written


def _cmd_study(args) -> int:
    from .study import run_study

    summary = run_study(args.study, output=args.output, workers=args.workers, force=args.force)
    print(summary.describe())
    return 0 if summary.ok else 1


def _cmd_reproduce(args) -> int:
    from .reproduce import reproduce

    summary = reproduce(output=args.output, workers=args.workers, force=args.force)
    print(summary.describe())
    return 0 if summary.ok else 1


def _cmd_batch(args) -> int:
    from .batch.engine import run_jobs, summarise
    from .batch.gather import gather_results, write_summary
    from .batch.manifest import jobs_from_manifest

    from .batch.manifest import output_entries
    from .runfolder import take_root

    jobs, out_root, left_out = jobs_from_manifest(args.manifest, args.output)
    for r in left_out:  # before the runs: the researcher sees at once what will not be there
        print(f"nakit: left out {r.name}: {r.error}", file=sys.stderr)
    # runs of samples or notebooks the manifest no longer has go (they would be gathered)
    take_root(out_root, Path(args.manifest).resolve(), output_entries(out_root, jobs))
    gathering = _Gathering()
    results = run_jobs(jobs, workers=args.workers, scheduler=args.scheduler, force=args.force,
                       on_result=gathering.saw, idle=gathering.load)
    gather_results(out_root)
    summary = write_summary(out_root, [*results, *left_out])
    print(summarise([*results, *left_out]))
    print(f"summary: {summary}")
    # a left-out run is the manifest's rule (README), said above, not a failure
    return 0 if all(r.complete for r in results) else 1


class _Gathering:
    """While a local pool runs a batch, load in this (otherwise waiting) process what gathering
    its results will import: pandas for the summary table, xarray once a run wrote NetCDF results."""

    def __init__(self):
        self.wanted = ["pandas"]

    def saw(self, result) -> None:
        if "xarray" not in sys.modules and "xarray" not in self.wanted and result.status == "ran" and any(
                (Path(result.output_dir) / "results").glob("*.nc")):
            self.wanted.append("xarray")

    def load(self) -> bool:
        """Import the next module wanted (True: call again), or nothing left (False)."""
        import importlib

        while self.wanted:
            name = self.wanted.pop(0)
            if name not in sys.modules:
                importlib.import_module(name)
                return True
        return False


def _cmd_synthesise(args) -> int:
    from .synth import TECHNIQUES, synthesise

    for technique in args.technique or list(TECHNIQUES):
        for path in synthesise(technique):
            print(path)
    return 0


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    """``-j`` and ``--force``, shared by every command that runs notebooks through the batch engine."""
    parser.add_argument("-j", "--workers", type=int, default=None, help="parallel notebooks (default: cores)")
    parser.add_argument("--force", action="store_true", help="rerun notebooks whose inputs did not change")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="nakit", description=__doc__)
    parser.add_argument("--version", action="version", version=f"nakit {__version__}")
    loud = parser.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_const", const=2, dest="verbosity",
                      help="say more: report paths, progress every 10 s, other packages' warnings")
    loud.add_argument("-q", "--quiet", action="store_const", const=0, dest="verbosity",
                      help="no progress lines; only the summary and errors")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute one notebook into a report")
    run.add_argument("notebook")
    run.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="set a parameter (VALUE is read as YAML: 1.5, true, [a, b])")
    run.add_argument("-f", "--file", action="append", metavar="PARAMS.yaml",
                     help="parameters from a YAML file (its input paths are relative to it)")
    run.add_argument("-o", "--output", help="report folder (default reports/runs/<notebook>)")
    run.add_argument("--show-code", action="store_true", help="keep code cells in the HTML report")
    run.add_argument("--server", action=argparse.BooleanOptionalAction, default=None,
                     help="run on a warm kernel kept ready by a per-user background server, started by the "
                          "first run and gone after 10 idle minutes (default: on in a terminal, off in "
                          "scripts; env NAKIT_KERNEL_SERVER=0/1)")
    run.set_defaults(func=_cmd_run)

    par = sub.add_parser("params", help="list a notebook's parameters: type, default, allowed values, description")
    par.add_argument("notebook", help="a notebook path or a project notebook's name (02_bet_bjh)")
    par.set_defaults(func=_cmd_params)

    ins = sub.add_parser("inspect", help="read any instrument files and say what nakit makes of them")
    ins.add_argument("files", nargs="+", help="files of any technique, recognised by content (a folder: every "
                                              "file under it)")
    ins.add_argument("-t", "--technique", choices=["xrd", "sorption", "raman", "cycling", "eis"],
                     help="read as this technique only (default: recognise it)")
    ins.add_argument("--fact", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="what a file does not state (wavelength Cu, laser_wavelength 532, ...; VALUE as YAML): "
                          "used only for files that cannot be read without it")
    ins.add_argument("--study", action="store_true",
                     help="print a study file (YAML) for these files instead: one sample per file name")
    ins.add_argument("--plot", metavar="FOLDER",
                     help="also draw each file read (nakit.quicklook) as FOLDER/<sample>_<technique>.png")
    ins.set_defaults(func=_cmd_inspect)

    stu = sub.add_parser("study", help="run a study (samples x techniques) into one report")
    stu.add_argument("study", help="study YAML file (format: nakit.study)")
    stu.add_argument("-o", "--output", help="report folder (default: the study's 'output', confined to its folder)")
    _add_engine_options(stu)
    stu.set_defaults(func=_cmd_study)

    rep = sub.add_parser("reproduce", help="run every notebook on the paper data into reports/paper")
    rep.add_argument("-o", "--output", help="folder (default reports/paper)")
    _add_engine_options(rep)
    rep.set_defaults(func=_cmd_reproduce)

    bat = sub.add_parser("batch", help="run a manifest of samples x notebooks x parameters")
    bat.add_argument("manifest", help="YAML manifest (see nakit.batch.manifest)")
    bat.add_argument("-o", "--output", help="output folder (default: the manifest's 'output')")
    bat.add_argument("-j", "--workers", type=int, default=None, help="local worker processes (default: cores)")
    bat.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster at ADDRESS (tcp://host:port)")
    bat.add_argument("--force", action="store_true", help="rerun runs whose inputs did not change")
    bat.set_defaults(func=_cmd_batch)

    syn = sub.add_parser("synthesise", help="regenerate the synthesised stand-in data in data/")
    syn.add_argument("technique", nargs="*", help="xrd, sorption, raman, cycling, eis (default: all)")
    syn.set_defaults(func=_cmd_synthesise)
    return parser


def _set_verbosity(level: int | None) -> None:
    """Progress lines follow ``-v``/``-q`` (through the environment, so worker processes hear it);
    below ``-v`` other packages' Future/Deprecation warnings stay out of the output."""
    import os
    import warnings

    level = 1 if level is None else level
    os.environ["NAKIT_VERBOSITY"] = str(level)
    if level < 2:
        for category in (FutureWarning, DeprecationWarning, PendingDeprecationWarning):
            warnings.filterwarnings("ignore", category=category)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``nakit`` command; ``argv`` None: this process's command line (the command's own
    process, which ends here: :func:`_exit_now`)."""
    args = build_parser().parse_args(argv)
    _set_verbosity(args.verbosity)
    if argv is None:  # a process of its own: a study loads less there (nakit.study.LEAN)
        from . import study

        study.LEAN = True
    code = _run(args)
    if argv is None:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End the command's own process without tearing its interpreter down.

    Freeing every module and object at exit (pandas, nbconvert, papermill and what else the
    command loaded) took 0.1-0.25 s of each command's wall time after its work was done and
    its output written. The exit handlers still run (:mod:`atexit`: logging, multiprocessing,
    temporary files, the figure writer's and the zygote's close) and the standard streams are
    flushed (output that cannot be written makes the status 120, as Python's own exit does);
    while another non-daemon thread is alive the usual exit joins it instead.
    """
    import atexit
    import os
    import threading

    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()  # what the interpreter's own exit runs first, before freeing anything
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:  # the output lost (a full disk, a closed pipe): as Python's exit, 120
        if not isinstance(exc, BrokenPipeError):
            print(f"nakit: error: the output could not be written: {exc}", file=sys.stderr)
        code = code or 120
    try:
        sys.stderr.flush()
    except (OSError, ValueError):  # nowhere left to say anything
        pass
    os._exit(code)


def _run(args) -> int:
    try:
        return args.func(args)
    except NakitError as exc:
        print(f"nakit: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `nakit inspect raw/ | head`: the reader has seen enough, no traceback
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere at exit
        os.close(devnull)
        return 141  # as a shell reports a command ended by SIGPIPE
    except KeyboardInterrupt as exc:
        results = getattr(exc, "results", None)  # a batch says what finished and what did not
        if results:
            from .batch.engine import summarise

            print(summarise(results), file=sys.stderr)
        print("nakit: interrupted; reports of stopped runs were left as they were before", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
