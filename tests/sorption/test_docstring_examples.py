"""Every example in nakit.sorption's docstrings runs and prints what it says (doctest)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import nakit.sorption

MODULES = sorted(m.name for m in pkgutil.iter_modules(nakit.sorption.__path__, "nakit.sorption."))


@pytest.mark.parametrize("name", ["nakit.sorption", *MODULES])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True)
    assert result.failed == 0


def test_the_selection_examples_are_there():
    """The isotherm module's examples (branch, slice, interpolate, BET on a branch) are doctests, so run."""
    tests = doctest.DocTestFinder().find(importlib.import_module("nakit.sorption.isotherm"))
    assert sum(len(t.examples) for t in tests) >= 10
