"""Importing nakit or a technique package does not import the heavy modules its names need later."""

import importlib
import subprocess
import sys

import pytest

PACKAGES = ["nakit.xrd", "nakit.sorption", "nakit.raman", "nakit.eis", "nakit.cycling"]
HEAVY = ["lmfit", "scipy.optimize", "scipy.stats", "scipy.ndimage", "scipy.interpolate", "seaborn",
         "matplotlib.pyplot", "dask"]
# what every package imports anyway and none of HEAVY: loaded once, before the fresh processes fork
BASE = "numpy, pandas, xarray"

# One process imports BASE, then forks a fresh child per snippet, which runs it and writes the
# names in sys.modules to a file: a clean interpreter state per snippet without paying for
# BASE's import (about a second of CPU) once per snippet.
FORKING = """
import os, sys
import {base}
heavy = {heavy!r}
assert not [m for m in heavy if m in sys.modules], "the base imports a heavy module: this test cannot tell"
folder, snippets = sys.argv[1], sys.argv[2:]
for i, code in enumerate(snippets):
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            exec(compile(code, f"<snippet {{i}}>", "exec"), {{"__name__": "__main__"}})
            with open(os.path.join(folder, str(i)), "w") as fh:
                fh.write(" ".join(name for name, module in sys.modules.items() if module is not None))
            status = 0
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    os.waitpid(pid, 0)  # (a snippet that failed writes no file; its traceback is on stderr)
"""

SNIPPETS = {package: f"import {package}" for package in ["nakit", "nakit.report"] + PACKAGES}
SNIPPETS["fit_bands"] = "import nakit.raman\nnakit.raman.fit_bands"
# a submodule named like the function its package exports, imported before or after that name
_STEPS = ["import nakit.eis.drt, nakit.raman.despike", "from nakit.eis import drt; from nakit.raman import despike"]
for _order, _steps in (("submodule first", _STEPS), ("package name first", _STEPS[::-1])):
    SNIPPETS[_order] = "\n".join(_steps) + (
        "\nimport nakit.eis, nakit.raman, types\n"
        "assert callable(nakit.eis.drt) and not isinstance(nakit.eis.drt, types.ModuleType)\n"
        "assert callable(nakit.raman.despike) and not isinstance(nakit.raman.despike, types.ModuleType)\n"
        "from nakit.eis.drt import drt as f; assert f is nakit.eis.drt\n"
        "from nakit.raman import *; assert callable(despike)\n")

# the study comparison in the nakit command's process (study.LEAN): seaborn without scipy.stats
# and scipy.cluster, xarray without dask and pint; the same drawings (bars and lines with
# bootstrapped error bars, a heatmap) and the same NetCDF file as elsewhere
_COMPARISON = """
import io, sys, matplotlib
matplotlib.use("agg")
from nakit import study
study.LEAN = {lean}
sns = study._load_seaborn()
import matplotlib.pyplot as plt, numpy as np, pandas as pd, xarray as xr
from nakit.io import write_netcdf
rng = np.random.default_rng(1)
df = pd.DataFrame({{"sample": np.repeat(["a", "b", "c"], 8), "cycle": np.tile(np.arange(8), 3),
                    "q": rng.normal(600, 30, 24)}})
fig, axes = plt.subplots(1, 3, figsize=(9, 3))
sns.barplot(data=df, x="sample", y="q", hue="sample", legend=False, seed=0, ax=axes[0])
sns.lineplot(data=df, x="cycle", y="q", marker="o", seed=0, ax=axes[1])
sns.heatmap(df.pivot(index="sample", columns="cycle", values="q"), annot=True, fmt=".0f", ax=axes[2])
buf = io.BytesIO()
fig.savefig(buf, format="png")
open(sys.argv[1] + "/comparison-{lean}.png", "wb").write(buf.getvalue())
ds = xr.Dataset({{"area": ("sample", [1.0, 2.0, np.nan], {{"units": "m2/g"}})}}, coords={{"sample": ["a", "b", "c"]}})
write_netcdf(ds.merge(df.set_index(["sample", "cycle"]).to_xarray()), sys.argv[1] + "/comparison-{lean}.nc")
"""
# (forked from a process without xarray: the nakit command loads it after the study starts)
COMPARISON_SNIPPETS = {"comparison, lean": _COMPARISON.format(lean=True), "comparison": _COMPARISON.format(lean=False)}


def _run_snippets(folder, snippets: dict, base: str) -> dict[str, set[str] | None]:
    """The modules loaded after each snippet, each run in a fresh child of one process that
    imported ``base`` (None: it failed)."""
    subprocess.run([sys.executable, "-c", FORKING.format(base=base, heavy=HEAVY), str(folder), *snippets.values()],
                   check=True)
    return {name: set((folder / str(i)).read_text().split()) if (folder / str(i)).exists() else None
            for i, name in enumerate(snippets)}


@pytest.fixture(scope="module")
def imported_after(tmp_path_factory) -> dict[str, set[str]]:
    """The modules loaded after each snippet of SNIPPETS, each run in a fresh process (None: it failed)."""
    return _run_snippets(tmp_path_factory.mktemp("imports"), SNIPPETS, BASE)


@pytest.mark.parametrize("package", ["nakit", "nakit.report"] + PACKAGES)
def test_importing_a_package_imports_no_fitting_or_plotting_stack(package, imported_after):
    loaded = imported_after[package]
    assert loaded is not None and package in loaded
    assert not [m for m in HEAVY if m in loaded]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves_to_its_definition(package):
    pkg = importlib.import_module(package)
    for name in pkg.__all__:
        value = getattr(pkg, name)
        home = sys.modules[value.__module__] if hasattr(value, "__module__") else None
        assert home is not None and getattr(home, name) is value, name
        assert name in dir(pkg)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        pkg.not_a_name  # noqa: B018


@pytest.mark.parametrize("order", ["submodule first", "package name first"])
def test_a_submodule_named_like_its_function_does_not_replace_the_function(order, imported_after):
    assert imported_after[order] is not None  # its assertions held (else its traceback is in the output)


def test_lmfit_arrives_with_the_first_name_that_needs_it(imported_after):
    assert "lmfit" in (imported_after["fit_bands"] or ())
    assert "lmfit" not in imported_after["nakit.raman"]


def test_the_nakit_commands_comparison_loads_less_and_gives_the_same_files(tmp_path):
    loaded = _run_snippets(tmp_path, COMPARISON_SNIPPETS, "numpy, pandas, matplotlib")
    lean, full = loaded["comparison, lean"], loaded["comparison"]
    assert lean is not None and full is not None  # (else the snippet's traceback is in the output)
    left_out = {"scipy.stats", "scipy.cluster", "dask", "dask.array", "pint", "distributed"}
    assert {"seaborn", "xarray", "h5netcdf"} <= lean and not left_out & lean
    assert left_out - {"distributed"} <= full  # as they load elsewhere (write_netcdf never loads distributed)
    for suffix in ("png", "nc"):
        assert (tmp_path / f"comparison-True.{suffix}").read_bytes() == (tmp_path / f"comparison-False.{suffix}").read_bytes()


def test_import_nakit_gives_each_technique_package_on_first_use():
    """``import nakit`` then ``nakit.xrd.read_xrd(...)`` raised "module 'nakit' has no attribute 'xrd'"
    unless something had imported the subpackage first; it is still not imported up front."""
    code = ("import sys, nakit\n"
            "assert not any(m in sys.modules for m in ('nakit.xrd', 'nakit.eis'))\n"
            "from nakit.xrd import read_xrd\n"
            "assert nakit.xrd.read_xrd is read_xrd and nakit.eis.read_eis.__module__ == 'nakit.eis.readers'\n"
            "assert {p: hasattr(nakit, p) for p in ('raman', 'sorption', 'cycling')} == dict.fromkeys(\n"
            "    ('raman', 'sorption', 'cycling'), True)\n"
            "try:\n    nakit.xrdd\nexcept AttributeError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "module 'nakit' has no attribute 'xrdd'"
