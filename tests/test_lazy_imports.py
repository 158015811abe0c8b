"""Importing nakit or a technique package does not import the heavy modules its names need later."""

import importlib
import subprocess
import sys

import pytest

PACKAGES = ["nakit.xrd", "nakit.sorption", "nakit.raman", "nakit.eis", "nakit.cycling"]
HEAVY = ["lmfit", "scipy.optimize", "scipy.stats", "scipy.ndimage", "scipy.interpolate", "seaborn",
         "matplotlib.pyplot", "dask"]


def _imported_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("package", ["nakit", "nakit.report"] + PACKAGES)
def test_importing_a_package_imports_no_fitting_or_plotting_stack(package):
    loaded = _imported_after(f"import {package}")
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
def test_a_submodule_named_like_its_function_does_not_replace_the_function(order):
    steps = ["import nakit.eis.drt, nakit.raman.despike", "from nakit.eis import drt; from nakit.raman import despike"]
    if order == "package name first":
        steps.reverse()
    code = "\n".join(steps) + ("\nimport nakit.eis, nakit.raman, types\n"
                               "assert callable(nakit.eis.drt) and not isinstance(nakit.eis.drt, types.ModuleType)\n"
                               "assert callable(nakit.raman.despike) and not isinstance(nakit.raman.despike, types.ModuleType)\n"
                               "from nakit.eis.drt import drt as f; assert f is nakit.eis.drt\n"
                               "from nakit.raman import *; assert callable(despike)\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_lmfit_arrives_with_the_first_name_that_needs_it():
    loaded = _imported_after("import nakit.raman\nnakit.raman.fit_bands")
    assert "lmfit" in loaded
