"""nakit: a reproducible analysis workbook for all-solid-state Na-S battery research.

Subpackages follow one technique each (``xrd``, ``raman``, ``sorption``, ``cycling``,
``eis``); the conventions every reader and result follows are written down in
:mod:`nakit.datamodel`.
"""

__version__ = "0.1.0"

from ._lazy import lazy_exports as _lazy_exports

# ``nakit.read(path)``: any technique's file, recognised by content (imported on first use, so
# ``import nakit.<technique>`` stays light)
_lazy_exports(__name__, {"read": "reading", "identify": "reading", "technique_of": "reading", "quicklook": "quicklook"},
              subpackages=("xrd", "raman", "sorption", "cycling", "eis"))
