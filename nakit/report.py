"""What a notebook calls to become a report: banner, figures, saved results, claims, provenance.

A technique notebook does::

    rep = report.start("02_bet_bjh", output_dir, parameters=dict(...), input_files=[...])
    ...analysis through nakit...
    rep.figure(fig, "fig3c_isotherms", "N2 isotherms at 77 K of CMK-3 and the composite.")
    rep.save_dataset(result_ds, "isotherms")
    rep.ledger.record("bet.cmk3_area", area, sigma)
    rep.finish()

Everything lands in ``output_dir``: ``figures/*.png|svg``, ``results/*.nc|csv``,
``claims.csv`` and ``provenance.json``. Inputs labelled as synthesised make the banner and
every caption say so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import plotting
from .claims import Ledger
from .provenance import run_record, write_record

BANNER = ("**Synthesised stand-in data.** The paper's raw data were never published; the input files "
          "used here were made by nakit's forward models from the paper's stated values "
          "(see `data/README.md`). Numbers below test nakit's analysis, not the paper's samples.")


def _display_markdown(text: str) -> None:
    try:
        from IPython.display import Markdown, display
    except ImportError:  # plain Python: print instead
        print(text)
        return
    display(Markdown(text))


@dataclass
class Report:
    notebook: str
    output_dir: Path
    parameters: dict[str, Any]
    input_files: list[str]
    synthesised: bool = True
    figures: list[Path] = field(default_factory=list)
    ledger: Ledger | None = None

    def figure(self, fig, name: str, caption: str, formats: Iterable[str] = ("png", "svg")) -> list[Path]:
        """Caption ``fig`` (labelled synthesised when the inputs are) and save it under figures/."""
        plotting.caption(fig, caption, synthesised=self.synthesised)
        paths = plotting.savefig(fig, self.output_dir / "figures" / name, formats)
        self.figures.extend(paths)
        return paths

    def save_dataset(self, ds, name: str, csv: bool = True) -> Path:
        """Write a Dataset as NetCDF (and CSV of its table form) under results/."""
        from .io import write_netcdf

        out = self.output_dir / "results" / f"{name}.nc"
        write_netcdf(ds, out)
        if csv:
            ds.to_dataframe().to_csv(out.with_suffix(".csv"), lineterminator="\n")
        return out

    def save_table(self, df, name: str) -> Path:
        """Write a pandas table as CSV under results/."""
        out = self.output_dir / "results" / f"{name}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(out, index=False, lineterminator="\n")
        return out

    def claims_table(self):
        """The claims recorded so far, side by side with the paper's values."""
        return self.ledger.table()

    def finish(self):
        """Write claims.csv and provenance.json; return the claims table for display."""
        record = run_record(self.parameters, self.input_files)
        write_record(record, self.output_dir / "provenance.json")
        table = None
        if self.ledger is not None:
            self.ledger.write(self.output_dir)
            table = self.ledger.table()
        _display_markdown(
            f"*Run record:* nakit {record['nakit_version']}, git {record['git']['commit'] or 'n/a'}"
            f"{' (uncommitted changes)' if record['git']['dirty'] else ''}, Python {record['python']}; "
            f"{len(record['input_files'])} input file(s) hashed in `provenance.json`."
        )
        return table


def start(notebook: str, output_dir: str | os.PathLike, parameters: Mapping[str, Any] | None = None,
          input_files: Iterable[str | os.PathLike] = (), *, synthesised: bool | None = None,
          claims: bool = True) -> Report:
    """Begin a report: house style, output folder, synthesised-data banner, claims ledger.

    ``synthesised`` defaults to True when any input file lies under the project's ``data/``
    folder (every file shipped there is a synthesised stand-in).
    """
    from .paths import data_dir

    files = [str(p) for p in input_files]
    if synthesised is None:
        root = data_dir().resolve()
        synthesised = any(root in Path(p).resolve().parents for p in files)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    plotting.use_style()
    if synthesised:
        _display_markdown(BANNER)
    ledger = Ledger.for_notebook(notebook) if claims else None
    return Report(notebook, out, dict(parameters or {}), files, synthesised, ledger=ledger)
