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
FORKING = f"""
import os, sys
import {BASE}
heavy = {HEAVY!r}
assert not [m for m in heavy if m in sys.modules], "the base imports a heavy module: this test cannot tell"
folder, snippets = sys.argv[1], sys.argv[2:]
for i, code in enumerate(snippets):
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            exec(compile(code, f"<snippet {{i}}>", "exec"), {{"__name__": "__main__"}})
            with open(os.path.join(folder, str(i)), "w") as fh:
                fh.write(" ".join(sys.modules))
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


@pytest.fixture(scope="module")
def imported_after(tmp_path_factory) -> dict[str, set[str]]:
    """The modules loaded after each snippet of SNIPPETS, each run in a fresh process (None: it failed)."""
    folder = tmp_path_factory.mktemp("imports")
    subprocess.run([sys.executable, "-c", FORKING, str(folder), *SNIPPETS.values()], check=True)
    return {name: set((folder / str(i)).read_text().split()) if (folder / str(i)).exists() else None
            for i, name in enumerate(SNIPPETS)}


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
