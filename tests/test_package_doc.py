"""``help(nakit)`` shows a new user the entry points, and every one it names exists."""

import re

import nakit


def test_package_docstring_names_the_entry_points_and_they_exist():
    doc = nakit.__doc__
    named = set(re.findall(r"nakit\.([a-z_]+)\(", doc))
    assert {"read", "identify", "quicklook"} <= named
    assert all(callable(getattr(nakit, name)) for name in named)
    for technique in re.findall(r"``nakit\.([a-z]+)``", doc):
        assert getattr(nakit, technique).__doc__  # each subpackage it sends the user to has its own help
