"""Small helpers shared by the tests."""

from __future__ import annotations

import warnings

from nakit.errors import NakitWarning


def quiet(fn, *args, ignore: type[Warning] = NakitWarning, **kwargs):
    """``fn(*args, **kwargs)`` with warnings of category ``ignore`` silenced: nakit's doubts by default, every
    warning with ``ignore=Warning``; for a test of the result, not of what is warned."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ignore)
        return fn(*args, **kwargs)
